/* test-media-video.c
 *
 * Copyright 2026 The Storyboard authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "sb-media"

#include "config.h"

#include <glib/gstdio.h>
#include <gdk-pixbuf/gdk-pixbuf.h>

#include "sb-media-video.h"
#include "sb-media.h"

static char *tmp_dir;

static char *
data_path (const char *folder,
           const char *name)
{
  return g_test_build_filename (G_TEST_DIST, "data", folder, name, NULL);
}

/* A copy of @path named @name in the temporary folder. */
static char *
copy_as (const char *path,
         const char *name)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *contents = NULL;
  char *copy = g_build_filename (tmp_dir, name, NULL);
  gsize len = 0;

  g_file_get_contents (path, &contents, &len, &error);
  g_assert_no_error (error);
  g_file_set_contents (copy, contents, len, &error);
  g_assert_no_error (error);

  return copy;
}

static GdkPixbuf *
decode_png (GBytes *png)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GdkPixbufLoader) loader = gdk_pixbuf_loader_new_with_type ("png", &error);
  GdkPixbuf *pixbuf;

  g_assert_no_error (error);
  gdk_pixbuf_loader_write_bytes (loader, png, &error);
  g_assert_no_error (error);
  gdk_pixbuf_loader_close (loader, &error);
  g_assert_no_error (error);
  pixbuf = gdk_pixbuf_loader_get_pixbuf (loader);
  g_assert_nonnull (pixbuf);

  return g_object_ref (pixbuf);
}

static void
test_webm (void)
{
  g_autofree char *path = data_path ("video", "ball.webm");
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) poster = NULL;
  g_autoptr(GdkPixbuf) pixbuf = NULL;
  SbMediaProbe probe = { 0 };

  g_assert_true (sb_media_process_video (path, NULL, &probe, &poster, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (probe.mime_type, ==, "video/webm");
  g_assert_cmpint (probe.width, ==, 320);
  g_assert_cmpint (probe.height, ==, 240);
  g_assert_cmpfloat_with_epsilon (probe.duration, 2.0, 0.05);

  g_assert_nonnull (poster);
  pixbuf = decode_png (poster);
  g_assert_cmpint (gdk_pixbuf_get_width (pixbuf), ==, 320);
  g_assert_cmpint (gdk_pixbuf_get_height (pixbuf), ==, 240);
}

/* From memory, as the generation queue does with a download; the
 * temporary copy is gone afterwards. */
static void
test_webm_bytes (void)
{
  g_autofree char *path = data_path ("video", "ball.webm");
  g_autofree char *contents = NULL;
  g_autofree char *tmp = sb_media_dup_tmp_dir ();
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GBytes) poster = NULL;
  g_autoptr(GDir) dir = NULL;
  SbMediaProbe probe = { 0 };
  gsize len = 0;

  g_file_get_contents (path, &contents, &len, &error);
  g_assert_no_error (error);
  bytes = g_bytes_new_take (g_steal_pointer (&contents), len);

  g_assert_true (sb_media_process_video_bytes (bytes, "video/webm", &probe, &poster, &error));
  g_assert_no_error (error);
  g_assert_cmpfloat_with_epsilon (probe.duration, 2.0, 0.05);
  g_assert_nonnull (poster);

  g_assert_true (g_str_has_prefix (tmp, g_get_user_cache_dir ()));
  dir = g_dir_open (tmp, 0, &error);
  g_assert_no_error (error);
  g_assert_null (g_dir_read_name (dir));
}

static void
test_mp4 (void)
{
  g_autofree char *path = data_path ("fixtures", "video/sample-320x180.mp4");
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) poster = NULL;
  g_autoptr(GdkPixbuf) pixbuf = NULL;
  SbMediaProbe probe = { 0 };

  if (!sb_media_process_video (path, NULL, &probe, &poster, &error) &&
      g_error_matches (error, SB_MEDIA_ERROR, SB_MEDIA_ERROR_NO_VIDEO_DECODER))
    {
      g_test_skip ("No H.264 decoder (gstreamer1.0-libav)");
      return;
    }
  g_assert_no_error (error);
  g_assert_cmpstr (probe.mime_type, ==, "video/mp4");
  g_assert_cmpint (probe.width, ==, 320);
  g_assert_cmpint (probe.height, ==, 180);
  g_assert_cmpfloat (probe.duration, >, 0);

  pixbuf = decode_png (poster);
  g_assert_cmpint (gdk_pixbuf_get_width (pixbuf), ==, 320);
  g_assert_cmpint (gdk_pixbuf_get_height (pixbuf), ==, 180);
}

static void
test_truncated (void)
{
  g_autofree char *path = data_path ("video", "truncated.webm");
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) poster = NULL;
  SbMediaProbe probe = { 0 };

  g_assert_false (sb_media_process_video (path, NULL, &probe, &poster, &error));
  g_assert_error (error, SB_MEDIA_ERROR, SB_MEDIA_ERROR_TRUNCATED);
  g_assert_null (poster);
}

static void
test_text (void)
{
  g_autofree char *path = data_path ("video", "text.webm");
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) poster = NULL;

  g_assert_false (sb_media_process_video (path, NULL, NULL, &poster, &error));
  g_assert_error (error, SB_MEDIA_ERROR, SB_MEDIA_ERROR_UNSUPPORTED);
  g_assert_null (poster);
}

static void
test_mislabelled (void)
{
  g_autofree char *path = data_path ("video", "ball.webm");
  g_autofree char *copy = copy_as (path, "ball.mp4");
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) bytes = NULL;
  g_autofree char *contents = NULL;
  gsize len = 0;

  /* Claimed by the file name. */
  g_assert_false (sb_media_process_video (copy, NULL, NULL, NULL, &error));
  g_assert_error (error, SB_MEDIA_ERROR, SB_MEDIA_ERROR_MISMATCH);
  g_clear_error (&error);

  /* Claimed by the server. */
  g_file_get_contents (path, &contents, &len, &error);
  g_assert_no_error (error);
  bytes = g_bytes_new_take (g_steal_pointer (&contents), len);
  g_assert_false (sb_media_process_video_bytes (bytes, "video/mp4", NULL, NULL, &error));
  g_assert_error (error, SB_MEDIA_ERROR, SB_MEDIA_ERROR_MISMATCH);
  g_clear_error (&error);

  /* No claim: a generic server type. */
  g_assert_true (sb_media_process_video_bytes (bytes, "binary/octet-stream", NULL, NULL, &error));
  g_assert_no_error (error);

  /* An image is no video. */
  g_clear_pointer (&bytes, g_bytes_unref);
  bytes = g_bytes_new_static ("\x89PNG\r\n\x1a\n\0\0\0\rIHDR", 16);
  g_assert_false (sb_media_process_video_bytes (bytes, NULL, NULL, NULL, &error));
  g_assert_error (error, SB_MEDIA_ERROR, SB_MEDIA_ERROR_MISMATCH);
  g_clear_error (&error);

  /* Nothing. */
  g_clear_pointer (&bytes, g_bytes_unref);
  bytes = g_bytes_new_static ("", 0);
  g_assert_false (sb_media_process_video_bytes (bytes, NULL, NULL, NULL, &error));
  g_assert_error (error, SB_MEDIA_ERROR, SB_MEDIA_ERROR_EMPTY);
  g_unlink (copy);
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;

  /* Not G_TEST_OPTION_ISOLATE_DIRS: GStreamer would rebuild its plugin
   * registry for every test. */
  tmp_dir = g_dir_make_tmp ("test-media-video-XXXXXX", &error);
  g_assert_no_error (error);
  for (guint i = 0; i < 3; i++)
    {
      static const char *vars[] = { "XDG_CACHE_HOME", "XDG_CONFIG_HOME", "XDG_DATA_HOME" };
      g_autofree char *dir = g_build_filename (tmp_dir, vars[i], NULL);

      g_assert_cmpint (g_mkdir (dir, 0700), ==, 0);
      g_setenv (vars[i], dir, TRUE);
    }
  g_unsetenv ("GST_REGISTRY");

  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/sb/media-video/webm", test_webm);
  g_test_add_func ("/sb/media-video/webm-bytes", test_webm_bytes);
  g_test_add_func ("/sb/media-video/mp4", test_mp4);
  g_test_add_func ("/sb/media-video/truncated", test_truncated);
  g_test_add_func ("/sb/media-video/text", test_text);
  g_test_add_func ("/sb/media-video/mislabelled", test_mislabelled);

  return g_test_run ();
}
