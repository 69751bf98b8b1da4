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
#include <gst/gst.h>

#include "sb-media-gst-private.h"
#include "sb-media-private.h"
#include "sb-media-reference.h"

#define JPEG_QUALITY   "85"
#define SNIFF_BYTES    32

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

/* Seeks to each of @max_frames positions, frames fitting in @max_side. */
static gboolean
extract_frames (SbMediaVideo      *video,
                SbMediaReference  *reference,
                int                max_side,
                guint              max_frames,
                GCancellable      *cancellable,
                GError           **error)
{
  int width, height;
  guint n_frames = video->duration > 0 ? max_frames : 1;

  sb_media_fit_size (video->width, video->height, max_side, max_side, &width, &height);

  for (guint i = 0; i < n_frames; i++)
    {
      g_autoptr(GdkPixbuf) pixbuf = NULL;
      g_autofree char *uri = NULL;
      /* The middle of each of @n_frames equal parts: 10 %, 30 % ... 90 %. */
      double position = video->duration * (2 * i + 1) / (2.0 * n_frames);
      double time = position;

      pixbuf = sb_media_video_grab_frame (video, position, width, height, &time, cancellable, error);
      if (pixbuf == NULL)
        return FALSE;

      uri = encode_data_uri (pixbuf, error);
      if (uri == NULL)
        return FALSE;

      if (reference->thumbnail == NULL)
        {
          reference->thumbnail = sb_media_encode_thumbnail (pixbuf, error);
          if (reference->thumbnail == NULL)
            return FALSE;
        }

      g_ptr_array_add (reference->data_uris, g_steal_pointer (&uri));
      g_array_append_val (reference->frame_times, time);
    }

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
  g_auto(SbMediaVideo) video = { 0 };
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
  if (!sb_media_video_open (&video, uri, (int) max_side, cancellable, error))
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
