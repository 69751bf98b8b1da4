/* sb-scene-row.h
 *
 * Copyright 2026 The Storyboard authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "sb-scene.h"

G_BEGIN_DECLS

#define SB_TYPE_SCENE_ROW (sb_scene_row_get_type ())

/* One editable scene card in the brief editor.  Edits are written to the
 * scene at once and reported with the editor's "editor.scene-edited"
 * action; the buttons, Alt+Up/Alt+Down and drag and drop activate the
 * editor's scene actions with the row's position. */
G_DECLARE_FINAL_TYPE (SbSceneRow, sb_scene_row, SB, SCENE_ROW, GtkWidget)

GtkWidget   *sb_scene_row_new            (void);
void         sb_scene_row_bind           (SbSceneRow *self,
                                          SbScene    *scene,
                                          guint       position,
                                          guint       n_scenes);
void         sb_scene_row_unbind         (SbSceneRow *self);
SbScene     *sb_scene_row_get_scene      (SbSceneRow *self);
guint        sb_scene_row_get_position   (SbSceneRow *self);
GtkEditable *sb_scene_row_get_title_editable (SbSceneRow *self);
/* Moves the keyboard focus to the title entry. */
void         sb_scene_row_focus_title    (SbSceneRow *self);

G_END_DECLS
