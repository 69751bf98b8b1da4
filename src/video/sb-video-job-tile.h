/* sb-video-job-tile.h
 *
 * Copyright 2026 The Storyboard authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>

#include "sb-generation-queue.h"
#include "sb-thumbnail-loader.h"

G_BEGIN_DECLS

/* A tile of the Videos page for a video job: while it is being made, the
 * source image dimmed, a spinner, its state with the elapsed time (ticking
 * only while the tile is on screen) and Cancel; when it failed, an error
 * icon, the provider's message and Retry.
 *
 * Actions: job-tile.cancel, job-tile.retry. */

#define SB_TYPE_VIDEO_JOB_TILE (sb_video_job_tile_get_type ())

G_DECLARE_FINAL_TYPE (SbVideoJobTile, sb_video_job_tile, SB, VIDEO_JOB_TILE, GtkWidget)

GtkWidget       *sb_video_job_tile_new         (SbThumbnailLoader *loader);
/* The queue that Cancel and Retry go to (NULL: they are disabled). */
void             sb_video_job_tile_set_queue   (SbVideoJobTile    *self,
                                                SbGenerationQueue *queue);
SbGenerationJob *sb_video_job_tile_get_job     (SbVideoJobTile    *self);
void             sb_video_job_tile_set_job     (SbVideoJobTile    *self,
                                                SbGenerationJob   *job);
/* What the tile shows (for tests). */
const char      *sb_video_job_tile_get_state   (SbVideoJobTile    *self);
const char      *sb_video_job_tile_get_message (SbVideoJobTile    *self);
gboolean         sb_video_job_tile_has_texture (SbVideoJobTile    *self);

G_END_DECLS
