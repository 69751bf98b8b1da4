/* sb-media-gst-private.h
 *
 * Copyright 2026 The Storyboard authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gdk-pixbuf/gdk-pixbuf.h>
#include <gio/gio.h>
#include <gst/gst.h>

G_BEGIN_DECLS

/* Frames pulled from a paused GStreamer pipeline, shared by reference
 * videos (sb-media-reference.c) and generated videos' posters
 * (sb-media-video.c).  Blocking: workers only. */

/* uridecodebin ! videoconvert ! videoscale ! capsfilter ! appsink, paused:
 * each flushing seek prerolls one frame into the sink. */
typedef struct
{
  /* Owned */
  GstElement *pipeline;
  GstBus     *bus;

  /* Borrowed: the pipeline holds them */
  GstElement *convert;
  GstElement *capsfilter;
  GstElement *sink;

  /* Set from streaming threads */
  int         linked;            /* atomic: a raw video pad reached the converter */
  int         compressed_video;  /* atomic: a video pad no decoder could handle */

  /* Read after the first preroll */
  int         width;             /* as displayed */
  int         height;
  double      duration;          /* seconds, 0 when unknown */
} SbMediaVideo;

gboolean    sb_media_ensure_gstreamer          (GError       **error);

/* A PNG whose longest side is at most SB_MEDIA_THUMBNAIL_SIZE. */
GBytes     *sb_media_encode_thumbnail          (GdkPixbuf     *pixbuf,
                                                GError       **error);

/* Builds the pipeline for @uri, prerolls it and reads the video's size
 * and duration (frames fit in @max_side until the first grab). */
gboolean    sb_media_video_open                (SbMediaVideo  *video,
                                                const char    *uri,
                                                int            max_side,
                                                GCancellable  *cancellable,
                                                GError       **error);
/* Seeks to @position seconds and pulls the frame there, exactly
 * @width x @height (the size applies from this seek on). */
GdkPixbuf  *sb_media_video_grab_frame          (SbMediaVideo  *video,
                                                double         position,
                                                int            width,
                                                int            height,
                                                double        *out_time,
                                                GCancellable  *cancellable,
                                                GError       **error);
void        sb_media_video_close               (SbMediaVideo  *video);

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (SbMediaVideo, sb_media_video_close)

G_END_DECLS
