/* sb-video-job-text.h
 *
 * Copyright 2026 The Storyboard authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>

#include "sb-generation-job.h"

G_BEGIN_DECLS

/* What the Videos page says about a video job, shared by its tile and its
 * detail window. */

/* Whether the Videos page shows @job as a tile: a video being made
 * (queued, starting, running, downloading), or one that ended without a
 * video (failed, expired, interrupted) and was not dismissed. */
gboolean  sb_video_job_is_listed        (SbGenerationJob *job);
/* Whether @job ended without a video and can be retried or removed. */
gboolean  sb_video_job_is_failed        (SbGenerationJob *job);
/* Whether @job (may be NULL) is queued or being made: it has not ended. */
gboolean  sb_video_job_is_running       (SbGenerationJob *job);
/* Starts or stops *@tick_id, calling @tick_cb with @widget once a second
 * while @job runs and @widget is mapped: the elapsed time in its state
 * ticks only while it can be seen. */
void      sb_video_job_update_ticking   (SbGenerationJob *job,
                                         GtkWidget       *widget,
                                         guint           *tick_id,
                                         GSourceFunc      tick_cb);
/* Seconds since the job started (or was queued), up to its end. */
gint64    sb_video_job_get_elapsed      (SbGenerationJob *job);
/* "2:13" */
char     *sb_video_job_format_elapsed   (gint64           seconds);
/* "Queued", "Making video… 2:13", "Failed", … */
char     *sb_video_job_describe_state   (SbGenerationJob *job);
/* The provider's message for a job that ended without a video, or what
 * happened and what to do when it gave none; NULL for other jobs. */
char     *sb_video_job_dup_message      (SbGenerationJob *job);
/* The prompt of the job's input, or NULL. */
char     *sb_video_job_dup_prompt       (SbGenerationJob *job);

G_END_DECLS
