/* sb-media-video.c
 *
 * Copyright 2026 The Storyboard authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "sb-media"

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <gst/gst.h>

#include "sb-media-gst-private.h"
#include "sb-media-private.h"
#include "sb-media-video.h"

#define SNIFF_BYTES     32
#define PROBE_SIDE      320
#define POSTER_AT       0.10   /* of the duration */
#define LAST_FRAME_AT   0.95   /* a frame must be there, else the file was cut */

char *
sb_media_dup_tmp_dir (void)
{
  char *dir = g_build_filename (g_get_user_cache_dir (), "storyboard", "tmp", NULL);

  g_mkdir_with_parents (dir, 0700);

  return dir;
}

/* MP4 and QuickTime are one container family (ISO base media), and so are
 * WebM and Matroska: a claim within the family is no mismatch. */
static const char *
family (const char *mime_type)
{
  if (g_ascii_strcasecmp (mime_type, "video/mp4") == 0 ||
      g_ascii_strcasecmp (mime_type, "application/mp4") == 0 ||
      g_ascii_strcasecmp (mime_type, "video/quicktime") == 0 ||
      g_ascii_strcasecmp (mime_type, "video/x-m4v") == 0)
    return "iso";
  if (g_ascii_strcasecmp (mime_type, "video/webm") == 0 ||
      g_ascii_strcasecmp (mime_type, "video/x-matroska") == 0)
    return "matroska";

  return mime_type;
}

/* Everything that needs only the first bytes and the size. */
static const char *
check_header (const guint8  *header,
              gsize          header_len,
              guint64        size,
              const char    *claimed,
              GError       **error)
{
  const char *sniffed;

  if (size == 0)
    {
      g_set_error_literal (error, SB_MEDIA_ERROR, SB_MEDIA_ERROR_EMPTY, _("The video file is empty"));
      return NULL;
    }

  if (size > SB_MEDIA_MAX_VIDEO_BYTES)
    {
      sb_media_set_too_large_error (error, size, SB_MEDIA_MAX_VIDEO_BYTES);
      return NULL;
    }

  sniffed = sb_media_sniff (header, header_len);
  if (sniffed == NULL)
    {
      g_set_error_literal (error, SB_MEDIA_ERROR, SB_MEDIA_ERROR_UNSUPPORTED,
                           _("This is not a video Storyboard can play (MP4, QuickTime or WebM)"));
      return NULL;
    }

  if (!g_str_has_prefix (sniffed, "video/"))
    {
      g_set_error_literal (error, SB_MEDIA_ERROR, SB_MEDIA_ERROR_MISMATCH,
                           _("The file should be a video but contains an image"));
      return NULL;
    }

  /* Only an image or video type is a claim: servers also answer with
   * application/octet-stream, binary/octet-stream, application/mp4... */
  if (claimed != NULL &&
      (g_ascii_strncasecmp (claimed, "video/", 6) == 0 || g_ascii_strncasecmp (claimed, "image/", 6) == 0) &&
      !g_str_equal (family (claimed), family (sniffed)))
    {
      g_autofree char *claimed_str = sb_media_describe_type (claimed);
      g_autofree char *sniffed_str = sb_media_describe_type (sniffed);

      /* Translators: both are like “an MP4 video” */
      g_set_error (error, SB_MEDIA_ERROR, SB_MEDIA_ERROR_MISMATCH,
                   _("The file says it is %s but contains %s"),
                   claimed_str, sniffed_str);
      return NULL;
    }

  return sniffed;
}

/* Preroll, duration, poster, last frame. */
static gboolean
check_stream (const char    *path,
              SbMediaProbe  *probe,
              GBytes       **out_poster,
              GError       **error)
{
  g_auto(SbMediaVideo) video = { 0 };
  g_autoptr(GdkPixbuf) poster = NULL;
  g_autoptr(GdkPixbuf) last = NULL;
  g_autofree char *uri = NULL;
  int width, height;

  if (!sb_media_ensure_gstreamer (error))
    return FALSE;

  uri = gst_filename_to_uri (path, error);
  if (uri == NULL)
    return FALSE;

  if (!sb_media_video_open (&video, uri, PROBE_SIDE, NULL, error))
    return FALSE;

  if (!sb_media_check_dimensions (video.width, video.height, error))
    return FALSE;

  if (video.duration <= 0)
    {
      g_set_error_literal (error, SB_MEDIA_ERROR, SB_MEDIA_ERROR_CORRUPT,
                           _("The video has no length — the file may be damaged"));
      return FALSE;
    }

  sb_media_fit_size (video.width, video.height, SB_MEDIA_THUMBNAIL_SIZE, SB_MEDIA_THUMBNAIL_SIZE,
                     &width, &height);

  poster = sb_media_video_grab_frame (&video, video.duration * POSTER_AT, width, height,
                                      NULL, NULL, error);
  if (poster == NULL)
    return FALSE;

  /* The header announces the duration; the frames may stop well before. */
  last = sb_media_video_grab_frame (&video, video.duration * LAST_FRAME_AT, width, height,
                                    NULL, NULL, error);
  if (last == NULL)
    return FALSE;

  if (out_poster != NULL)
    {
      *out_poster = sb_media_encode_thumbnail (poster, error);
      if (*out_poster == NULL)
        return FALSE;
    }

  probe->width = video.width;
  probe->height = video.height;
  probe->duration = video.duration;

  return TRUE;
}

gboolean
sb_media_process_video (const char    *path,
                        const char    *claimed_mime_type,
                        SbMediaProbe  *out_probe,
                        GBytes       **out_poster,
                        GError       **error)
{
  g_autofree char *claimed = NULL;
  g_autofree char *basename = NULL;
  SbMediaProbe probe = { 0 };
  guint8 header[SNIFF_BYTES];
  GStatBuf st;
  gssize n_read;
  int fd;

  g_return_val_if_fail (path != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (out_poster != NULL)
    *out_poster = NULL;

  fd = g_open (path, O_RDONLY, 0);
  if (fd < 0 || fstat (fd, &st) != 0)
    {
      int saved_errno = errno;

      if (fd >= 0)
        g_close (fd, NULL);
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno),
                   _("Could not read the video: %s"), g_strerror (saved_errno));
      return FALSE;
    }
  n_read = read (fd, header, sizeof header);
  g_close (fd, NULL);
  if (n_read < 0)
    n_read = 0;

  if (claimed_mime_type != NULL)
    claimed = g_strdup (claimed_mime_type);
  else
    {
      basename = g_path_get_basename (path);
      claimed = sb_media_guess_claimed_type (basename);
    }

  probe.mime_type = check_header (header, (gsize) n_read, (guint64) st.st_size, claimed, error);
  if (probe.mime_type == NULL)
    return FALSE;

  if (!check_stream (path, &probe, out_poster, error))
    {
      if (out_poster != NULL)
        g_clear_pointer (out_poster, g_bytes_unref);
      return FALSE;
    }

  g_debug ("Video %s: %s, %d × %d, %.3f s", path, probe.mime_type, probe.width, probe.height, probe.duration);

  if (out_probe != NULL)
    *out_probe = probe;

  return TRUE;
}

gboolean
sb_media_process_video_bytes (GBytes        *bytes,
                              const char    *claimed_mime_type,
                              SbMediaProbe  *out_probe,
                              GBytes       **out_poster,
                              GError       **error)
{
  g_autofree char *dir = NULL;
  g_autofree char *path = NULL;
  const guint8 *data;
  const char *sniffed;
  gsize size = 0;
  gboolean ok;
  int fd;

  g_return_val_if_fail (bytes != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (out_poster != NULL)
    *out_poster = NULL;

  data = g_bytes_get_data (bytes, &size);
  sniffed = check_header (data, MIN (size, SNIFF_BYTES), size, claimed_mime_type, error);
  if (sniffed == NULL)
    return FALSE;

  /* GStreamer reads files; the extension keeps typefinding honest. */
  dir = sb_media_dup_tmp_dir ();
  path = g_build_filename (dir, g_str_equal (family (sniffed), "matroska") ? "video-XXXXXX.webm"
                                                                          : "video-XXXXXX.mp4", NULL);
  fd = g_mkstemp_full (path, O_RDWR, 0600);
  if (fd < 0)
    {
      int saved_errno = errno;

      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno),
                   _("Could not write the video to a temporary file: %s"), g_strerror (saved_errno));
      return FALSE;
    }
  g_close (fd, NULL);

  if (!g_file_set_contents (path, (const char *) data, size, error))
    {
      g_unlink (path);
      return FALSE;
    }

  ok = sb_media_process_video (path, sniffed, out_probe, out_poster, error);
  g_unlink (path);

  return ok;
}
