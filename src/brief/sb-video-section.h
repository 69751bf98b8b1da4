/* sb-video-section.h
 *
 * Copyright 2026 The Storyboard authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "sb-brief-revision.h"
#include "sb-generation-queue.h"
#include "sb-model-picker.h"
#include "sb-param-form.h"

G_BEGIN_DECLS

#define SB_TYPE_VIDEO_SECTION (sb_video_section_get_type ())

/* The brief editor's "Videos" section: an image-to-video model and its
 * settings for the scenes that have an image (the image and the prompt are
 * filled in from each scene), a text-to-video model and its settings for
 * the scenes that only have a prompt, "Make Videos for All Scenes", Cancel,
 * and a line saying why videos cannot be made now or what is being done.
 *
 * It also keeps the latest video job of each scene of the revision (the
 * editor passes it the stored jobs and the queue's) and tells the editor
 * when one changes (::scene-changed), so that each scene card shows it.
 *
 * Signals:
 *   ::make-videos (gint64 scene_id) -- the user asked for videos (0: every
 *     scene); the editor stores the scenes, then calls
 *     sb_video_section_submit().
 *   ::scene-changed (gint64 scene_id) -- the video job of the scene, or its
 *     video's duration, changed; 0: what can be made changed for all. */
G_DECLARE_FINAL_TYPE (SbVideoSection, sb_video_section, SB, VIDEO_SECTION, GtkWidget)

void             sb_video_section_set_generation   (SbVideoSection    *self,
                                                    SbLibrary         *library,
                                                    SbGenerationQueue *queue,
                                                    GSettings         *settings);
/* Forgets the jobs of the previous revision. */
void             sb_video_section_set_revision     (SbVideoSection    *self,
                                                    SbBriefRevision   *revision);
/* Whether a Replicate key is stored, once looked up. */
void             sb_video_section_set_has_key      (SbVideoSection    *self,
                                                    gboolean           has_key);
/* The scenes changed (prompts, images): says again what can be made. */
void             sb_video_section_update           (SbVideoSection    *self);

/* Whether @scene can get a video now: with its image and the image-to-video
 * model, or from its prompt with the text-to-video model. */
gboolean         sb_video_section_can_make         (SbVideoSection    *self,
                                                    SbScene           *scene);
/* Submits one batch of video requests for the stored scene @scene_id, or
 * for every stored scene with an image or a prompt (0).  FALSE when nothing
 * was submitted (the settings do not check out: the form says why). */
gboolean         sb_video_section_submit           (SbVideoSection    *self,
                                                    gint64             scene_id);

/* Video jobs of the revision: each scene shows its latest. */
void             sb_video_section_track_job        (SbVideoSection    *self,
                                                    SbGenerationJob   *job);
void             sb_video_section_clear_jobs       (SbVideoSection    *self);
SbGenerationJob *sb_video_section_get_scene_job    (SbVideoSection    *self,
                                                    gint64             scene_id);
/* The length in seconds of the video @job made, -1 while unknown. */
double           sb_video_section_get_duration     (SbVideoSection    *self,
                                                    SbGenerationJob   *job);
/* Runs the scene's failed, canceled, expired or interrupted video again. */
void             sb_video_section_retry_scene      (SbVideoSection    *self,
                                                    gint64             scene_id);
void             sb_video_section_cancel_scene     (SbVideoSection    *self,
                                                    gint64             scene_id);

/* For the editor and tests. */
gboolean         sb_video_section_is_running       (SbVideoSection    *self);
SbModelPicker   *sb_video_section_get_image_picker (SbVideoSection    *self);
SbModelPicker   *sb_video_section_get_text_picker  (SbVideoSection    *self);
SbParamForm     *sb_video_section_get_image_form   (SbVideoSection    *self);
SbParamForm     *sb_video_section_get_text_form    (SbVideoSection    *self);
/* Why videos cannot be made now, or what is being done ("" when idle). */
const char      *sb_video_section_get_status       (SbVideoSection    *self);
/* The last "N videos ready" message, or NULL. */
const char      *sb_video_section_get_batch_message (SbVideoSection   *self);

G_END_DECLS
