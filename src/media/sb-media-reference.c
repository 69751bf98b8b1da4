/* sb-media-reference.c
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

#include "sb-media-private.h"
#include "sb-media-reference.h"

#define JPEG_QUALITY   "85"
#define SNIFF_BYTES    32
#define WAIT_STEP      (100 * GST_MSECOND)      /* how often a wait looks at the cancellable */
#define WAIT_LIMIT_US  (10 * G_USEC_PER_SEC)    /* for one preroll or one seek: some errors never reach the bus */
#define STALL_AFTER_US (G_USEC_PER_SEC / 2)
#define STALL_POLLS    5
#define PROBE_SIDE     320                      /* frame size while probing */
#define PAST_THE_END   (24 * 3600 * GST_SECOND)

/* Posted from the streaming thread when the decoder has no video to offer. */
#define NO_VIDEO_MESSAGE "sb-no-video"

/* ------------------------------------------------------------------ */
/* Errors                                                              */
/* ------------------------------------------------------------------ */


static void
set_no_decoder_error (GError **error)
{
  g_set_error_literal (error, SB_MEDIA_ERROR, SB_MEDIA_ERROR_NO_VIDEO_DECODER,
                       _("This video could not be decoded: a GStreamer plugin for it is missing"));
}

static void
set_video_corrupt_error (GError **error)
{
  g_set_error_literal (error, SB_MEDIA_ERROR, SB_MEDIA_ERROR_CORRUPT,
                       _("The video could not be decoded — the file may be damaged"));
}

static void
set_video_truncated_error (GError **error)
{
  g_set_error_literal (error, SB_MEDIA_ERROR, SB_MEDIA_ERROR_TRUNCATED,
                       _("The video is incomplete — the file was cut short"));
}

/* ------------------------------------------------------------------ */
/* The result                                                          */
/* ------------------------------------------------------------------ */

void
sb_media_reference_free (SbMediaReference *reference)
{
  if (reference == NULL)
    return;

  g_clear_object (&reference->file);
  g_clear_pointer (&reference->display_name, g_free);
  g_clear_pointer (&reference->data_uris, g_ptr_array_unref);
  g_clear_pointer (&reference->frame_times, g_array_unref);
  g_clear_pointer (&reference->thumbnail, g_bytes_unref);
  g_free (reference);
}

static SbMediaReference *
reference_new (GFile      *file,
               const char *display_name)
{
  SbMediaReference *reference = g_new0 (SbMediaReference, 1);

  reference->file = g_object_ref (file);
  reference->display_name = g_strdup (display_name);
  reference->data_uris = g_ptr_array_new_with_free_func (g_free);
  reference->frame_times = g_array_new (FALSE, TRUE, sizeof (double));

  return reference;
}

/* ------------------------------------------------------------------ */
/* Encoding                                                            */
/* ------------------------------------------------------------------ */

/* JPEG has no alpha: transparent areas become white, not black. */
static GdkPixbuf *
flatten (GdkPixbuf *pixbuf)
{
  int width = gdk_pixbuf_get_width (pixbuf);
  int height = gdk_pixbuf_get_height (pixbuf);
  GdkPixbuf *flat;

  if (!gdk_pixbuf_get_has_alpha (pixbuf))
    return g_object_ref (pixbuf);

  flat = gdk_pixbuf_new (GDK_COLORSPACE_RGB, FALSE, 8, width, height);
  gdk_pixbuf_fill (flat, 0xffffffff);
  gdk_pixbuf_composite (pixbuf, flat, 0, 0, width, height, 0, 0, 1, 1, GDK_INTERP_NEAREST, 255);

  return flat;
}

static char *
encode_data_uri (GdkPixbuf  *pixbuf,
                 GError    **error)
{
  g_autoptr(GdkPixbuf) flat = flatten (pixbuf);
  g_autoptr(GError) local_error = NULL;
  g_autofree char *buffer = NULL;
  g_autofree char *base64 = NULL;
  gsize size = 0;

  if (!gdk_pixbuf_save_to_buffer (flat, &buffer, &size, "jpeg", &local_error,
                                  "quality", JPEG_QUALITY, NULL))
    {
      g_warning ("Could not encode a JPEG: %s", local_error->message);
      sb_media_set_corrupt_error (error);
      return NULL;
    }

  base64 = g_base64_encode ((const guchar *) buffer, size);

  return g_strconcat ("data:image/jpeg;base64,", base64, NULL);
}

static GBytes *
encode_thumbnail (GdkPixbuf  *pixbuf,
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

static gboolean
ensure_gstreamer (GError **error)
{
  static GOnce once = G_ONCE_INIT;

  if (!GPOINTER_TO_INT (g_once (&once, init_gstreamer, NULL)))
    {
      set_no_decoder_error (error);
      return FALSE;
    }

  return TRUE;
}

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
} Video;

static void
on_decoder_pad_added (GstElement *decoder,
                      GstPad     *pad,
                      gpointer    user_data)
{
  Video *video = user_data;
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
  Video *video = user_data;

  /* Else the sink would wait for a frame forever. */
  if (!g_atomic_int_get (&video->linked))
    gst_element_post_message (decoder,
                              gst_message_new_application (GST_OBJECT (decoder),
                                                           gst_structure_new_empty (NO_VIDEO_MESSAGE)));
}

static void
set_error_from_message (Video       *video,
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
    set_no_decoder_error (error);
  else
    set_video_corrupt_error (error);
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
video_is_stalled (Video *video)
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
video_wait (Video         *video,
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
          set_video_corrupt_error (error);
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
          set_video_corrupt_error (error);
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
                set_no_decoder_error (error);
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

static void
video_close (Video *video)
{
  /* A pipeline disposed in any other state is a critical. */
  if (video->pipeline != NULL)
    gst_element_set_state (video->pipeline, GST_STATE_NULL);

  g_clear_pointer (&video->bus, gst_object_unref);
  g_clear_pointer (&video->pipeline, gst_object_unref);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Video, video_close)

static GstElement *
add_element (GstElement  *pipeline,
             const char  *factory,
             GError     **error)
{
  GstElement *element = gst_element_factory_make (factory, NULL);

  if (element == NULL)
    {
      g_debug ("No GStreamer element “%s”", factory);
      set_no_decoder_error (error);
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
static gboolean
video_open (Video         *video,
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

  if (!ensure_gstreamer (error))
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
      set_no_decoder_error (error);
      return FALSE;
    }

  g_signal_connect (decoder, "pad-added", G_CALLBACK (on_decoder_pad_added), video);
  g_signal_connect (decoder, "no-more-pads", G_CALLBACK (on_decoder_no_more_pads), video);

  /* A failure here also posts the error the wait reports. */
  gst_element_set_state (video->pipeline, GST_STATE_PAUSED);
  if (!video_wait (video, cancellable, error))
    return FALSE;

  convert_pad = gst_element_get_static_pad (video->convert, "sink");
  decoded_caps = gst_pad_get_current_caps (convert_pad);
  if (decoded_caps == NULL || !gst_video_info_from_caps (&info, decoded_caps) ||
      GST_VIDEO_INFO_WIDTH (&info) <= 0 || GST_VIDEO_INFO_HEIGHT (&info) <= 0)
    {
      g_debug ("No usable caps after preroll");
      set_video_corrupt_error (error);
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
      if (!video_wait (video, cancellable, error))
        return FALSE;

      if (gst_element_query_duration (video->pipeline, GST_FORMAT_TIME, &duration) &&
          (double) duration / GST_SECOND > video->duration)
        video->duration = (double) duration / GST_SECOND;
    }

  g_debug ("Video %s: %d × %d, %.3f s", uri, video->width, video->height, video->duration);

  return TRUE;
}

/* The frame the sink prerolled, as a pixbuf. */
static GdkPixbuf *
video_pull_frame (Video   *video,
                  double  *out_time,
                  GError **error)
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
      set_video_truncated_error (error);
      return NULL;
    }

  caps = gst_sample_get_caps (sample);
  buffer = gst_sample_get_buffer (sample);
  if (caps == NULL || buffer == NULL || !gst_video_info_from_caps (&info, caps) ||
      GST_VIDEO_INFO_FORMAT (&info) != GST_VIDEO_FORMAT_RGB ||
      !gst_video_frame_map (&frame, &info, buffer, GST_MAP_READ))
    {
      g_debug ("Unusable frame");
      set_video_corrupt_error (error);
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

/* Fixes the frames' size, then seeks to each of @max_frames positions. */
static gboolean
extract_frames (Video             *video,
                SbMediaReference  *reference,
                int                max_side,
                guint              max_frames,
                GCancellable      *cancellable,
                GError           **error)
{
  g_autoptr(GstCaps) caps = NULL;
  int width, height;
  guint n_frames = video->duration > 0 ? max_frames : 1;

  sb_media_fit_size (video->width, video->height, max_side, max_side, &width, &height);
  caps = gst_caps_new_simple ("video/x-raw",
                              "format", G_TYPE_STRING, "RGB",
                              "pixel-aspect-ratio", GST_TYPE_FRACTION, 1, 1,
                              "width", G_TYPE_INT, width,
                              "height", G_TYPE_INT, height,
                              NULL);
  g_object_set (video->capsfilter, "caps", caps, NULL);

  for (guint i = 0; i < n_frames; i++)
    {
      g_autoptr(GdkPixbuf) pixbuf = NULL;
      g_autofree char *uri = NULL;
      /* The middle of each of @n_frames equal parts: 10 %, 30 % ... 90 %. */
      double position = video->duration * (2 * i + 1) / (2.0 * n_frames);
      double time = position;

      if (g_cancellable_set_error_if_cancelled (cancellable, error))
        return FALSE;

      /* Also the first time: the new caps apply from the next frame. */
      if (!gst_element_seek_simple (video->pipeline, GST_FORMAT_TIME,
                                    GST_SEEK_FLAG_FLUSH | GST_SEEK_FLAG_ACCURATE,
                                    (gint64) (position * GST_SECOND)))
        {
          g_debug ("Seeking to %.3f s failed", position);
          set_video_corrupt_error (error);
          return FALSE;
        }

      if (!video_wait (video, cancellable, error))
        return FALSE;

      pixbuf = video_pull_frame (video, &time, error);
      if (pixbuf == NULL)
        return FALSE;

      if (gdk_pixbuf_get_width (pixbuf) != width || gdk_pixbuf_get_height (pixbuf) != height)
        {
          g_debug ("Frame is %d × %d, not %d × %d",
                   gdk_pixbuf_get_width (pixbuf), gdk_pixbuf_get_height (pixbuf), width, height);
          set_video_corrupt_error (error);
          return FALSE;
        }

      uri = encode_data_uri (pixbuf, error);
      if (uri == NULL)
        return FALSE;

      if (reference->thumbnail == NULL)
        {
          reference->thumbnail = encode_thumbnail (pixbuf, error);
          if (reference->thumbnail == NULL)
            return FALSE;
        }

      g_ptr_array_add (reference->data_uris, g_steal_pointer (&uri));
      g_array_append_val (reference->frame_times, time);
    }

  return TRUE;
}

gboolean
sb_media_probe_video_sync (const char  *path,
                           double      *out_duration,
                           int         *out_width,
                           int         *out_height,
                           GError     **error)
{
  g_auto(Video) video = { 0 };
  g_autofree char *uri = NULL;

  g_return_val_if_fail (path != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (!ensure_gstreamer (error))
    return FALSE;

  uri = gst_filename_to_uri (path, error);
  if (uri == NULL)
    return FALSE;

  if (!video_open (&video, uri, PROBE_SIDE, NULL, error))
    return FALSE;

  if (out_duration != NULL)
    *out_duration = video.duration;
  if (out_width != NULL)
    *out_width = video.width;
  if (out_height != NULL)
    *out_height = video.height;

  return TRUE;
}

/* ------------------------------------------------------------------ */
/* Loading                                                             */
/* ------------------------------------------------------------------ */

typedef struct
{
  GFile *file;
  guint  max_side;
  guint  max_frames;
} LoadData;

static void
load_data_free (LoadData *data)
{
  g_clear_object (&data->file);
  g_free (data);
}




/* The MIME type the first bytes announce, or NULL; @out_len is how many
 * there were. */
static const char *
sniff_file (GFile         *file,
            gsize         *out_len,
            GCancellable  *cancellable,
            GError       **error)
{
  g_autoptr(GFileInputStream) stream = NULL;
  guint8 header[SNIFF_BYTES];
  gsize n_read = 0;

  *out_len = 0;

  stream = g_file_read (file, cancellable, error);
  if (stream == NULL)
    return NULL;

  if (!g_input_stream_read_all (G_INPUT_STREAM (stream), header, sizeof header, &n_read, cancellable, error))
    return NULL;

  *out_len = n_read;

  return sb_media_sniff (header, n_read);
}

static gboolean
load_image (SbMediaReference  *reference,
            goffset            size,
            const char        *claimed,
            guint              max_side,
            GCancellable      *cancellable,
            GError           **error)
{
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GdkPixbuf) pixbuf = NULL;
  g_autofree char *uri = NULL;
  SbMediaProbe probe = { 0 };
  double time = 0;

  if (size > SB_MEDIA_MAX_IMAGE_BYTES)
    {
      sb_media_set_too_large_error (error, size, SB_MEDIA_MAX_IMAGE_BYTES);
      return FALSE;
    }

  bytes = sb_media_read_bounded (reference->file, SB_MEDIA_MAX_IMAGE_BYTES, cancellable, error);
  if (bytes == NULL)
    return FALSE;

  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return FALSE;

  /* Refuse exactly what the gallery refuses, and keep its thumbnail. */
  if (!sb_media_process_image (bytes, claimed, SB_MEDIA_THUMBNAIL_SIZE, &probe, &reference->thumbnail, error))
    return FALSE;

  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return FALSE;

  /* Scaled while decoding: a huge image is never held at full size. */
  pixbuf = sb_media_load_scaled (bytes, (int) max_side, (int) max_side, error);
  if (pixbuf == NULL)
    return FALSE;

  uri = encode_data_uri (pixbuf, error);
  if (uri == NULL)
    return FALSE;

  reference->kind = SB_MEDIA_REFERENCE_IMAGE;
  reference->mime_type = probe.mime_type;
  reference->width = probe.width;
  reference->height = probe.height;
  g_ptr_array_add (reference->data_uris, g_steal_pointer (&uri));
  g_array_append_val (reference->frame_times, time);

  return TRUE;
}

static gboolean
load_video (SbMediaReference  *reference,
            goffset            size,
            const char        *mime_type,
            const char        *claimed,
            guint              max_side,
            guint              max_frames,
            GCancellable      *cancellable,
            GError           **error)
{
  g_auto(Video) video = { 0 };
  g_autofree char *uri = NULL;

  if (size > SB_MEDIA_MAX_VIDEO_BYTES)
    {
      sb_media_set_too_large_error (error, size, SB_MEDIA_MAX_VIDEO_BYTES);
      return FALSE;
    }

  /* The gallery refuses an image that is a video in disguise; so do we. */
  if (claimed != NULL && sb_media_is_supported_image (claimed))
    {
      g_set_error_literal (error, SB_MEDIA_ERROR, SB_MEDIA_ERROR_MISMATCH,
                           _("The file says it is an image but contains a video"));
      return FALSE;
    }

  uri = g_file_get_uri (reference->file);
  if (!video_open (&video, uri, (int) max_side, cancellable, error))
    return FALSE;

  if (!sb_media_check_dimensions (video.width, video.height, error))
    return FALSE;

  if (!extract_frames (&video, reference, (int) max_side, max_frames, cancellable, error))
    return FALSE;

  reference->kind = SB_MEDIA_REFERENCE_VIDEO;
  reference->mime_type = mime_type;
  reference->width = video.width;
  reference->height = video.height;
  reference->duration = video.duration;

  return TRUE;
}

static void
load_thread (GTask        *task,
             gpointer      source_object,
             gpointer      task_data,
             GCancellable *cancellable)
{
  LoadData *data = task_data;
  g_autoptr(SbMediaReference) reference = NULL;
  g_autoptr(GFileInfo) info = NULL;
  g_autofree char *claimed = NULL;
  const char *sniffed;
  GError *error = NULL;
  gsize header_len = 0;
  goffset size;
  gboolean ok;

  info = g_file_query_info (data->file,
                            G_FILE_ATTRIBUTE_STANDARD_DISPLAY_NAME ","
                            G_FILE_ATTRIBUTE_STANDARD_SIZE,
                            G_FILE_QUERY_INFO_NONE,
                            cancellable,
                            &error);
  if (info == NULL)
    {
      g_task_return_error (task, error);
      return;
    }

  reference = reference_new (data->file, g_file_info_get_display_name (info));
  size = g_file_info_get_size (info);
  claimed = sb_media_guess_claimed_type (reference->display_name);

  sniffed = sniff_file (data->file, &header_len, cancellable, &error);
  if (error != NULL)
    {
      g_task_return_error (task, error);
      return;
    }

  g_debug ("Reference “%s”: %s, claims %s, %" G_GOFFSET_FORMAT " bytes",
           reference->display_name, sniffed != NULL ? sniffed : "unknown",
           claimed != NULL ? claimed : "nothing", size);

  if (sniffed == NULL && header_len == 0)
    {
      g_task_return_new_error (task, SB_MEDIA_ERROR, SB_MEDIA_ERROR_EMPTY, "%s", _("The file is empty"));
      return;
    }

  if (sniffed == NULL)
    {
      g_task_return_new_error (task, SB_MEDIA_ERROR, SB_MEDIA_ERROR_UNSUPPORTED, "%s",
                               _("This is not an image or a video Storyboard can use (PNG, JPEG, WebP, MP4, QuickTime or WebM)"));
      return;
    }

  if (g_str_has_prefix (sniffed, "video/"))
    ok = load_video (reference, size, sniffed, claimed, data->max_side, data->max_frames, cancellable, &error);
  else
    ok = load_image (reference, size, claimed, data->max_side, cancellable, &error);

  if (!ok)
    {
      g_task_return_error (task, error);
      return;
    }

  g_task_return_pointer (task, g_steal_pointer (&reference), (GDestroyNotify) sb_media_reference_free);
}

void
sb_media_reference_load_async (GFile               *file,
                               guint                max_side,
                               guint                max_frames,
                               GCancellable        *cancellable,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  LoadData *data;

  g_return_if_fail (G_IS_FILE (file));
  g_return_if_fail (max_side > 0 && max_side <= SB_MEDIA_MAX_IMAGE_SIDE);
  g_return_if_fail (max_frames > 0);
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  data = g_new0 (LoadData, 1);
  data->file = g_object_ref (file);
  data->max_side = max_side;
  data->max_frames = max_frames;

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, sb_media_reference_load_async);
  g_task_set_name (task, "[sb-media] load reference");
  g_task_set_task_data (task, data, (GDestroyNotify) load_data_free);
  g_task_run_in_thread (task, load_thread);
}

SbMediaReference *
sb_media_reference_load_finish (GAsyncResult  *result,
                                GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == sb_media_reference_load_async, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}
