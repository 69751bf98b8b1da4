/* sb-scene.h
 *
 * Copyright 2026 The Storyboard authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define SB_TYPE_SCENE (sb_scene_get_type ())

/* One scene of a brief revision.  A plain, main-thread GObject with
 * notifying properties: id (0 until stored), title, description,
 * duration (seconds, double), shot-notes, generation-prompt,
 * chosen-media-id (0 = none).  The scene's number is its position in the
 * revision's scene list, not a property. */
G_DECLARE_FINAL_TYPE (SbScene, sb_scene, SB, SCENE, GObject)

SbScene    *sb_scene_new                   (void);
/* A copy with id 0 (for a new revision or "Duplicate"). */
SbScene    *sb_scene_copy                  (SbScene    *self);
gint64      sb_scene_get_id                (SbScene    *self);
void        sb_scene_set_id                (SbScene    *self,
                                            gint64      id);
const char *sb_scene_get_title             (SbScene    *self);
void        sb_scene_set_title             (SbScene    *self,
                                            const char *title);
const char *sb_scene_get_description       (SbScene    *self);
void        sb_scene_set_description       (SbScene    *self,
                                            const char *description);
double      sb_scene_get_duration          (SbScene    *self);
void        sb_scene_set_duration          (SbScene    *self,
                                            double      seconds);
const char *sb_scene_get_shot_notes        (SbScene    *self);
void        sb_scene_set_shot_notes        (SbScene    *self,
                                            const char *shot_notes);
const char *sb_scene_get_generation_prompt (SbScene    *self);
void        sb_scene_set_generation_prompt (SbScene    *self,
                                            const char *prompt);
gint64      sb_scene_get_chosen_media_id   (SbScene    *self);
void        sb_scene_set_chosen_media_id   (SbScene    *self,
                                            gint64      media_id);
/* Whether the two scenes' user-visible fields are equal (ids ignored). */
gboolean    sb_scene_equal_content         (SbScene    *a,
                                            SbScene    *b);

G_END_DECLS
