/* sb-scene-row.h
 *
 * Copyright 2026 The Storyboard authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "sb-generation-job.h"
#include "sb-scene.h"
#include "sb-thumbnail-loader.h"

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

/* Image generation: the scene's chosen image (its thumbnail, through
 * @loader), the state of its latest job (NULL: none), and the images of the
 * scene to choose from (SbMediaItem, loaded). */
void             sb_scene_row_set_thumbnail_loader (SbSceneRow        *self,
                                                    SbThumbnailLoader *loader);
void             sb_scene_row_set_job              (SbSceneRow        *self,
                                                    SbGenerationJob   *job);
SbGenerationJob *sb_scene_row_get_job              (SbSceneRow        *self);
void             sb_scene_row_set_variants         (SbSceneRow        *self,
                                                    GPtrArray         *items);
/* The scene's video: the state of its latest video job (NULL: none), the
 * video's length in seconds once known (-1: unknown), and whether a video
 * can be made now (model, key, network, an image or a prompt).  The card's
 * Make Video, Retry and Cancel activate "editor.make-video",
 * "editor.retry-video" and "editor.cancel-video" with its position; Play
 * activates "win.play-video" with the video's media id. */
void             sb_scene_row_set_video            (SbSceneRow        *self,
                                                    SbGenerationJob   *job,
                                                    double             duration,
                                                    gboolean           can_make);
SbGenerationJob *sb_scene_row_get_video_job        (SbSceneRow        *self);
/* For tests: what the card shows. */
const char      *sb_scene_row_get_video_state_text (SbSceneRow        *self);
/* "play", "retry", "cancel" or "make". */
GtkWidget       *sb_scene_row_get_video_button     (SbSceneRow        *self,
                                                    const char        *which);
const char      *sb_scene_row_get_state_text       (SbSceneRow        *self);
GdkPaintable    *sb_scene_row_get_image            (SbSceneRow        *self);
GtkWidget       *sb_scene_row_get_retry_button     (SbSceneRow        *self);
GtkFlowBox      *sb_scene_row_get_variants_box     (SbSceneRow        *self);

G_END_DECLS
