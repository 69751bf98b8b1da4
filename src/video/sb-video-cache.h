/* sb-video-cache.h
 *
 * Copyright 2026 The Storyboard authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "sb-library.h"

G_BEGIN_DECLS

/* Video BLOBs materialised as files for playback: GTK's GStreamer backend
 * cannot play from a GInputStream, so each video is streamed (never held
 * whole in memory) to a content-addressed file
 * $XDG_CACHE_HOME/storyboard/videos/<sha256>.<ext>, reused while it exists
 * with the right size.  After each materialisation the folder is trimmed
 * to its size budget on a worker, least recently used first. */

#define SB_VIDEO_CACHE_DEFAULT_MAX_BYTES (G_GUINT64_CONSTANT (2) * 1024 * 1024 * 1024)

#define SB_TYPE_VIDEO_CACHE (sb_video_cache_get_type ())

G_DECLARE_FINAL_TYPE (SbVideoCache, sb_video_cache, SB, VIDEO_CACHE, GObject)

/* $XDG_CACHE_HOME/storyboard/videos */
GFile        *sb_video_cache_dup_default_directory (void);

/* @directory NULL for the default one; @max_bytes 0 for the default. */
SbVideoCache *sb_video_cache_new                   (SbLibrary           *library,
                                                    GFile               *directory,
                                                    guint64              max_bytes);

guint64       sb_video_cache_get_max_bytes         (SbVideoCache        *self);

/* The file holding the bytes of media @id; *out_hit says whether it was
 * there already. */
void          sb_video_cache_materialize_async     (SbVideoCache        *self,
                                                    gint64               id,
                                                    GCancellable        *cancellable,
                                                    GAsyncReadyCallback  callback,
                                                    gpointer             user_data);
GFile        *sb_video_cache_materialize_finish    (SbVideoCache        *self,
                                                    GAsyncResult        *result,
                                                    gboolean            *out_hit,
                                                    GError             **error);

/* Trims the folder to the budget, keeping @keep (may be NULL).  Blocking:
 * workers only (used by materialize; public for tests). */
guint64       sb_video_cache_trim_sync             (GFile               *directory,
                                                    guint64              max_bytes,
                                                    GFile               *keep,
                                                    GError             **error);

G_END_DECLS
