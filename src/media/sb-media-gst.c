/* sb-media-gst.c
 *
 * Copyright 2026 The Storyboard authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "sb-media"

#include "config.h"

#include <string.h>

#include <glib/gi18n.h>
#include <gst/app/gstappsink.h>
#include <gst/gst.h>
#include <gst/video/video.h>

#include "sb-media-gst-private.h"
#include "sb-media-private.h"
#include "sb-media-reference.h"

#define WAIT_STEP      (100 * GST_MSECOND)      /* how often a wait looks at the cancellable */
#define WAIT_LIMIT_US  (10 * G_USEC_PER_SEC)    /* for one preroll or one seek: some errors never reach the bus */
#define STALL_AFTER_US (G_USEC_PER_SEC / 2)
#define STALL_POLLS    5
#define PAST_THE_END   (24 * 3600 * GST_SECOND)

/* Posted from the streaming thread when the decoder has no video to offer. */
#define NO_VIDEO_MESSAGE "sb-no-video"

/* ------------------------------------------------------------------ */
/* Errors                                                              */
/* ------------------------------------------------------------------ */

static void
sb_media_set_no_decoder_error (GError **error)
{
  g_set_error_literal (error, SB_MEDIA_ERROR, SB_MEDIA_ERROR_NO_VIDEO_DECODER,
                       _("This video could not be decoded: a GStreamer plugin for it is missing"));
}

static void
sb_media_set_video_corrupt_error (GError **error)
{
  g_set_error_literal (error, SB_MEDIA_ERROR, SB_MEDIA_ERROR_CORRUPT,
                       _("The video could not be decoded — the file may be damaged"));
}

static void
sb_media_set_video_truncated_error (GError **error)
{
  g_set_error_literal (error, SB_MEDIA_ERROR, SB_MEDIA_ERROR_TRUNCATED,
                       _("The video is incomplete — the file was cut short"));
}

/* ------------------------------------------------------------------ */
/* Encoding                                                            */
/* ------------------------------------------------------------------ */

GBytes *
sb_media_encode_thumbnail (GdkPixbuf  *pixbuf,
                           GError    **error)
{
  g_autoptr(GdkPixbuf) scaled = NULL;
  g_autoptr(GError) local_error = NULL;
  int width = gdk_pixbuf_get_width (pixbuf);
  int height = gdk_pixbuf_get_height (pixbuf);
  int scaled_width, scaled_height;
  char *buffer = NULL;
  gsize size = 0;

  sb_media_fit_size (width, height, SB_MEDIA_THUMBNAIL_SIZE, SB_MEDIA_THUMBNAIL_SIZE,
                     &scaled_width, &scaled_height);
  if (scaled_width != width || scaled_height != height)
    scaled = gdk_pixbuf_scale_simple (pixbuf, scaled_width, scaled_height, GDK_INTERP_BILINEAR);
  else
    scaled = g_object_ref (pixbuf);

  if (!gdk_pixbuf_save_to_buffer (scaled, &buffer, &size, "png", &local_error, NULL))
    {
      g_warning ("Could not encode a thumbnail: %s", local_error->message);
      sb_media_set_corrupt_error (error);
      return NULL;
    }

  return g_bytes_new_take (buffer, size);
}

/* ------------------------------------------------------------------ */
/* GStreamer                                                           */
/* ------------------------------------------------------------------ */

static gpointer
init_gstreamer (gpointer data)
{
  g_autoptr(GError) error = NULL;

  if (!gst_init_check (NULL, NULL, &error))
    {
      g_debug ("GStreamer did not start: %s", error->message);
      return GINT_TO_POINTER (FALSE);
    }

  return GINT_TO_POINTER (TRUE);
}

gboolean
sb_media_ensure_gstreamer (GError **error)
{
  static GOnce once = G_ONCE_INIT;

  if (!GPOINTER_TO_INT (g_once (&once, init_gstreamer, NULL)))
    {
      sb_media_set_no_decoder_error (error);
      return FALSE;
    }

  return TRUE;
}

static void
on_decoder_pad_added (GstElement *decoder,
                      GstPad     *pad,
                      gpointer    user_data)
{
  SbMediaVideo *video = user_data;
  g_autoptr(GstCaps) caps = NULL;
  g_autoptr(GstPad) sink_pad = NULL;
  const char *name;

  caps = gst_pad_get_current_caps (pad);
  if (caps == NULL)
    caps = gst_pad_query_caps (pad, NULL);
  if (caps == NULL || gst_caps_is_empty (caps) || gst_caps_is_any (caps))
    return;

  name = gst_structure_get_name (gst_caps_get_structure (caps, 0));
  if (!g_str_has_prefix (name, "video/"))
    return;

  /* uridecodebin exposes streams it cannot decode with their encoded caps. */
  if (!g_str_equal (name, "video/x-raw"))
    {
      g_debug ("No decoder for %s", name);
      g_atomic_int_set (&video->compressed_video, TRUE);
      return;
    }

  /* The first video stream only. */
  sink_pad = gst_element_get_static_pad (video->convert, "sink");
  if (gst_pad_is_linked (sink_pad))
    return;

  if (GST_PAD_LINK_FAILED (gst_pad_link (pad, sink_pad)))
    {
      g_debug ("Could not link the decoded video");
      return;
    }

  g_atomic_int_set (&video->linked, TRUE);
}

static void
on_decoder_no_more_pads (GstElement *decoder,
                         gpointer    user_data)
{
  SbMediaVideo *video = user_data;

  /* Else the sink would wait for a frame forever. */
  if (!g_atomic_int_get (&video->linked))
    gst_element_post_message (decoder,
                              gst_message_new_application (GST_OBJECT (decoder),
                                                           gst_structure_new_empty (NO_VIDEO_MESSAGE)));
}

static void
set_error_from_message (SbMediaVideo *video,
                        GstMessage  *message,
                        GError     **error)
{
  g_autoptr(GError) gst_error = NULL;
  g_autofree char *debug = NULL;

  gst_message_parse_error (message, &gst_error, &debug);
  g_debug ("GStreamer error from %s: %s (%s)",
           GST_OBJECT_NAME (GST_MESSAGE_SRC (message)), gst_error->message,
           debug != NULL ? debug : "no details");

  if (g_error_matches (gst_error, GST_CORE_ERROR, GST_CORE_ERROR_MISSING_PLUGIN) ||
      g_error_matches (gst_error, GST_STREAM_ERROR, GST_STREAM_ERROR_CODEC_NOT_FOUND) ||
      g_atomic_int_get (&video->compressed_video))
    sb_media_set_no_decoder_error (error);
  else
    sb_media_set_video_corrupt_error (error);
}

static gboolean
is_stalled_pad (const GValue *item,
                GValue       *result,
                gpointer      user_data)
{
  GstPad *pad = g_value_get_object (item);

  if (GST_PAD_MODE (pad) == GST_PAD_MODE_PULL && gst_pad_get_task_state (pad) == GST_TASK_PAUSED)
    {
      g_value_set_boolean (result, TRUE);
      return FALSE;
    }

  return TRUE;
}

static gboolean
is_stalled_element (const GValue *item,
                    GValue       *result,
                    gpointer      user_data)
{
  g_autoptr(GstIterator) pads = gst_element_iterate_sink_pads (g_value_get_object (item));

  gst_iterator_fold (pads, is_stalled_pad, result, NULL);

  return !g_value_get_boolean (result);
}

/* decodebin drops the error of a demuxer that fails while it is being
 * plugged (garbage after the right magic bytes), and the pipeline then
 * waits for a frame forever.  Such a demuxer has paused the task that pulls
 * its input: a healthy one only pauses at the end, and the sink then
 * prerolls at once. */
static gboolean
video_is_stalled (SbMediaVideo *video)
{
  g_autoptr(GstIterator) elements = gst_bin_iterate_recurse (GST_BIN (video->pipeline));
  g_auto(GValue) result = G_VALUE_INIT;

  g_value_init (&result, G_TYPE_BOOLEAN);
  while (gst_iterator_fold (elements, is_stalled_element, &result, NULL) == GST_ITERATOR_RESYNC)
    {
      gst_iterator_resync (elements);
      g_value_set_boolean (&result, FALSE);
    }

  return g_value_get_boolean (&result);
}

/* Waits until the pipeline has prerolled, after the change to PAUSED or a
 * flushing seek. */
static gboolean
sb_media_video_wait (SbMediaVideo  *video,
                     GCancellable  *cancellable,
                     GError       **error)
{
  gint64 start = g_get_monotonic_time ();
  gint64 deadline = start + WAIT_LIMIT_US;
  guint stalled = 0;

  for (;;)
    {
      g_autoptr(GstMessage) message = NULL;
      gint64 now = g_get_monotonic_time ();

      if (g_cancellable_set_error_if_cancelled (cancellable, error))
        return FALSE;

      if (now > deadline)
        {
          g_debug ("The video did not preroll in time");
          sb_media_set_video_corrupt_error (error);
          return FALSE;
        }

      /* Stalled for STALL_POLLS polls in a row, well after the start. */
      if (now - start > STALL_AFTER_US && video_is_stalled (video))
        stalled++;
      else
        stalled = 0;
      if (stalled >= STALL_POLLS)
        {
          g_debug ("The demuxer stopped before the video prerolled");
          sb_media_set_video_corrupt_error (error);
          return FALSE;
        }

      message = gst_bus_timed_pop_filtered (video->bus, WAIT_STEP,
                                            GST_MESSAGE_ASYNC_DONE |
                                            GST_MESSAGE_ERROR |
                                            GST_MESSAGE_APPLICATION);
      if (message == NULL)
        continue;

      switch ((int) GST_MESSAGE_TYPE (message))
        {
        case GST_MESSAGE_ASYNC_DONE:
          if (GST_MESSAGE_SRC (message) == GST_OBJECT (video->pipeline))
            return TRUE;
          break;

        case GST_MESSAGE_ERROR:
          set_error_from_message (video, message, error);
          return FALSE;

        case GST_MESSAGE_APPLICATION:
          if (gst_message_has_name (message, NO_VIDEO_MESSAGE))
            {
              if (g_atomic_int_get (&video->compressed_video))
                sb_media_set_no_decoder_error (error);
              else
                g_set_error_literal (error, SB_MEDIA_ERROR, SB_MEDIA_ERROR_UNSUPPORTED,
                                     _("This file contains no video"));
              return FALSE;
            }
          break;

        default:
          break;
        }
    }
}

void
sb_media_video_close (SbMediaVideo *video)
{
  /* A pipeline disposed in any other state is a critical. */
  if (video->pipeline != NULL)
    gst_element_set_state (video->pipeline, GST_STATE_NULL);

  g_clear_pointer (&video->bus, gst_object_unref);
  g_clear_pointer (&video->pipeline, gst_object_unref);
}

static GstElement *
add_element (GstElement  *pipeline,
             const char  *factory,
             GError     **error)
{
  GstElement *element = gst_element_factory_make (factory, NULL);

  if (element == NULL)
    {
      g_debug ("No GStreamer element “%s”", factory);
      sb_media_set_no_decoder_error (error);
      return NULL;
    }

  gst_bin_add (GST_BIN (pipeline), element);

  return element;
}

/* The sink takes RGB with square pixels that fit in @max_side; the exact
 * size is set once the video's is known. */
static GstCaps *
frame_caps (int max_side)
{
  return gst_caps_new_simple ("video/x-raw",
                              "format", G_TYPE_STRING, "RGB",
                              "pixel-aspect-ratio", GST_TYPE_FRACTION, 1, 1,
                              "width", GST_TYPE_INT_RANGE, 1, MAX (max_side, 1),
                              "height", GST_TYPE_INT_RANGE, 1, MAX (max_side, 1),
                              NULL);
}

/* Builds the pipeline for @uri, prerolls it and reads the video's size and
 * duration. */
gboolean
sb_media_video_open (SbMediaVideo  *video,
            const char    *uri,
            int            max_side,
            GCancellable  *cancellable,
            GError       **error)
{
  g_autoptr(GstCaps) caps = NULL;
  g_autoptr(GstCaps) decoded_caps = NULL;
  g_autoptr(GstPad) convert_pad = NULL;
  GstVideoInfo info;
  GstElement *decoder, *scale;
  gint64 duration = 0;

  if (!sb_media_ensure_gstreamer (error))
    return FALSE;

  video->pipeline = gst_pipeline_new ("sb-media-reference");
  video->bus = gst_pipeline_get_bus (GST_PIPELINE (video->pipeline));

  if ((decoder = add_element (video->pipeline, "uridecodebin", error)) == NULL ||
      (video->convert = add_element (video->pipeline, "videoconvert", error)) == NULL ||
      (scale = add_element (video->pipeline, "videoscale", error)) == NULL ||
      (video->capsfilter = add_element (video->pipeline, "capsfilter", error)) == NULL ||
      (video->sink = add_element (video->pipeline, "appsink", error)) == NULL)
    return FALSE;

  caps = frame_caps (max_side);
  g_object_set (decoder, "uri", uri, NULL);
  g_object_set (video->capsfilter, "caps", caps, NULL);
  g_object_set (video->sink,
                "sync", FALSE,
                "max-buffers", 1,
                "enable-last-sample", FALSE,
                NULL);

  if (!gst_element_link_many (video->convert, scale, video->capsfilter, video->sink, NULL))
    {
      g_debug ("Could not link the video converters");
      sb_media_set_no_decoder_error (error);
      return FALSE;
    }

  g_signal_connect (decoder, "pad-added", G_CALLBACK (on_decoder_pad_added), video);
  g_signal_connect (decoder, "no-more-pads", G_CALLBACK (on_decoder_no_more_pads), video);

  /* A failure here also posts the error the wait reports. */
  gst_element_set_state (video->pipeline, GST_STATE_PAUSED);
  if (!sb_media_video_wait (video, cancellable, error))
    return FALSE;

  convert_pad = gst_element_get_static_pad (video->convert, "sink");
  decoded_caps = gst_pad_get_current_caps (convert_pad);
  if (decoded_caps == NULL || !gst_video_info_from_caps (&info, decoded_caps) ||
      GST_VIDEO_INFO_WIDTH (&info) <= 0 || GST_VIDEO_INFO_HEIGHT (&info) <= 0)
    {
      g_debug ("No usable caps after preroll");
      sb_media_set_video_corrupt_error (error);
      return FALSE;
    }

  /* The size as displayed: non-square pixels widen or narrow the picture. */
  video->width = GST_VIDEO_INFO_WIDTH (&info);
  video->height = GST_VIDEO_INFO_HEIGHT (&info);
  if (GST_VIDEO_INFO_PAR_N (&info) > 0 && GST_VIDEO_INFO_PAR_D (&info) > 0 &&
      GST_VIDEO_INFO_PAR_N (&info) != GST_VIDEO_INFO_PAR_D (&info))
    video->width = MAX (1, (int) gst_util_uint64_scale_round (video->width,
                                                              GST_VIDEO_INFO_PAR_N (&info),
                                                              GST_VIDEO_INFO_PAR_D (&info)));

  if (gst_element_query_duration (video->pipeline, GST_FORMAT_TIME, &duration) && duration > 0)
    video->duration = (double) duration / GST_SECOND;
  else
    video->duration = 0;

  /* A file recorded as a live stream (as browsers record) has no duration
   * in its header, and the demuxer answers with how far it has read so
   * far.  A seek past the end makes it look for the last frame. */
  if (gst_element_seek_simple (video->pipeline, GST_FORMAT_TIME, GST_SEEK_FLAG_FLUSH,
                               PAST_THE_END))
    {
      if (!sb_media_video_wait (video, cancellable, error))
        return FALSE;

      if (gst_element_query_duration (video->pipeline, GST_FORMAT_TIME, &duration) &&
          (double) duration / GST_SECOND > video->duration)
        video->duration = (double) duration / GST_SECOND;
    }

  g_debug ("SbMediaVideo %s: %d × %d, %.3f s", uri, video->width, video->height, video->duration);

  return TRUE;
}

/* The frame the sink prerolled, as a pixbuf (TRUNCATED when there is none). */
static GdkPixbuf *
sb_media_video_pull_frame (SbMediaVideo  *video,
                           double        *out_time,
                           GError       **error)
{
  g_autoptr(GstSample) sample = NULL;
  g_autoptr(GdkPixbuf) pixbuf = NULL;
  GstVideoFrame frame;
  GstVideoInfo info;
  GstBuffer *buffer;
  GstCaps *caps;
  const GstSegment *segment;
  const guint8 *src;
  guint8 *dest;
  int width, height, src_stride, dest_stride;

  sample = gst_app_sink_try_pull_preroll (GST_APP_SINK (video->sink), 0);
  if (sample == NULL)
    {
      /* The sink prerolled on EOS: the data ends before the duration. */
      g_debug ("No frame at the seek position");
      sb_media_set_video_truncated_error (error);
      return NULL;
    }

  caps = gst_sample_get_caps (sample);
  buffer = gst_sample_get_buffer (sample);
  if (caps == NULL || buffer == NULL || !gst_video_info_from_caps (&info, caps) ||
      GST_VIDEO_INFO_FORMAT (&info) != GST_VIDEO_FORMAT_RGB ||
      !gst_video_frame_map (&frame, &info, buffer, GST_MAP_READ))
    {
      g_debug ("Unusable frame");
      sb_media_set_video_corrupt_error (error);
      return NULL;
    }

  width = GST_VIDEO_FRAME_WIDTH (&frame);
  height = GST_VIDEO_FRAME_HEIGHT (&frame);
  src = GST_VIDEO_FRAME_PLANE_DATA (&frame, 0);
  src_stride = GST_VIDEO_FRAME_PLANE_STRIDE (&frame, 0);

  pixbuf = gdk_pixbuf_new (GDK_COLORSPACE_RGB, FALSE, 8, width, height);
  dest = gdk_pixbuf_get_pixels (pixbuf);
  dest_stride = gdk_pixbuf_get_rowstride (pixbuf);
  for (int y = 0; y < height; y++)
    memcpy (dest + (gsize) y * dest_stride, src + (gsize) y * src_stride, (gsize) width * 3);

  gst_video_frame_unmap (&frame);

  segment = gst_sample_get_segment (sample);
  if (out_time != NULL)
    {
      guint64 stream_time = GST_CLOCK_TIME_NONE;

      if (segment != NULL && GST_BUFFER_PTS_IS_VALID (buffer))
        stream_time = gst_segment_to_stream_time (segment, GST_FORMAT_TIME, GST_BUFFER_PTS (buffer));
      if (GST_CLOCK_TIME_IS_VALID (stream_time))
        *out_time = (double) stream_time / GST_SECOND;
    }

  return g_steal_pointer (&pixbuf);
}
GdkPixbuf *
sb_media_video_grab_frame (SbMediaVideo  *video,
                           double         position,
                           int            width,
                           int            height,
                           double        *out_time,
                           GCancellable  *cancellable,
                           GError       **error)
{
  g_autoptr(GstCaps) caps = NULL;
  g_autoptr(GdkPixbuf) pixbuf = NULL;

  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return NULL;

  caps = gst_caps_new_simple ("video/x-raw",
                              "format", G_TYPE_STRING, "RGB",
                              "pixel-aspect-ratio", GST_TYPE_FRACTION, 1, 1,
                              "width", G_TYPE_INT, width,
                              "height", G_TYPE_INT, height,
                              NULL);
  g_object_set (video->capsfilter, "caps", caps, NULL);

  /* Flushing, also the first time: new caps apply from the next frame. */
  if (!gst_element_seek_simple (video->pipeline, GST_FORMAT_TIME,
                                GST_SEEK_FLAG_FLUSH | GST_SEEK_FLAG_ACCURATE,
                                (gint64) (position * GST_SECOND)))
    {
      g_debug ("Seeking to %.3f s failed", position);
      sb_media_set_video_corrupt_error (error);
      return NULL;
    }

  if (!sb_media_video_wait (video, cancellable, error))
    return NULL;

  pixbuf = sb_media_video_pull_frame (video, out_time, error);
  if (pixbuf == NULL)
    return NULL;

  if (gdk_pixbuf_get_width (pixbuf) != width || gdk_pixbuf_get_height (pixbuf) != height)
    {
      g_debug ("Frame is %d × %d, not %d × %d",
               gdk_pixbuf_get_width (pixbuf), gdk_pixbuf_get_height (pixbuf), width, height);
      sb_media_set_video_corrupt_error (error);
      return NULL;
    }

  return g_steal_pointer (&pixbuf);
}

