/* sb-media-video.h
 *
 * Copyright 2026 The Storyboard authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "sb-media.h"

G_BEGIN_DECLS

/* Where the GStreamer passes on downloaded videos write them first:
 * $XDG_CACHE_HOME/storyboard/tmp (created). */
char     *sb_media_dup_tmp_dir         (void);

/* Validates a video completely and makes its poster: the byte cap
 * (SB_MEDIA_MAX_VIDEO_BYTES), the magic bytes (MP4, QuickTime or WebM,
 * against @claimed_mime_type when not NULL, else against the type the file
 * name claims), that GStreamer prerolls it and reads a duration, and that
 * there is a frame near its end (else TRUNCATED).  The poster is a PNG of
 * the frame at 10 % of the duration whose longest side is at most
 * SB_MEDIA_THUMBNAIL_SIZE.  @out_probe and @out_poster may be NULL.
 * Errors are in SB_MEDIA_ERROR (NO_VIDEO_DECODER when a plugin is
 * missing).  Blocking: call from a worker; safe from several threads. */
gboolean  sb_media_process_video       (const char    *path,
                                        const char    *claimed_mime_type,
                                        SbMediaProbe  *out_probe,
                                        GBytes       **out_poster,
                                        GError       **error);

/* The same for a video in memory (a download): checked from memory first,
 * then written to a file in sb_media_dup_tmp_dir() that is removed again. */
gboolean  sb_media_process_video_bytes (GBytes        *bytes,
                                        const char    *claimed_mime_type,
                                        SbMediaProbe  *out_probe,
                                        GBytes       **out_poster,
                                        GError       **error);

G_END_DECLS
