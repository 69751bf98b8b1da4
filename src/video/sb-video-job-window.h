/* sb-video-job-window.h
 *
 * Copyright 2026 The Storyboard authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "sb-generation-queue.h"
#include "sb-thumbnail-loader.h"

G_BEGIN_DECLS

/* The detail view of a video job from the Videos page: the source image,
 * the model, the prompt, the state with the elapsed time and the whole
 * provider's message, with Retry / Remove for a failed job, Cancel for one
 * being made and Play once it is done.  It follows the job as it changes.
 *
 * Actions: job.retry, job.remove, job.cancel, job.play (win.play-video on
 * the window it is transient for). */

#define SB_TYPE_VIDEO_JOB_WINDOW (sb_video_job_window_get_type ())

G_DECLARE_FINAL_TYPE (SbVideoJobWindow, sb_video_job_window, SB, VIDEO_JOB_WINDOW, AdwWindow)

SbVideoJobWindow *sb_video_job_window_new         (SbGenerationJob   *job,
                                                   SbGenerationQueue *queue,
                                                   SbThumbnailLoader *loader);
SbGenerationJob  *sb_video_job_window_get_job     (SbVideoJobWindow  *self);
/* What it shows (for tests): the state line and the message, or NULL. */
const char       *sb_video_job_window_get_state   (SbVideoJobWindow  *self);
const char       *sb_video_job_window_get_message (SbVideoJobWindow  *self);

G_END_DECLS
