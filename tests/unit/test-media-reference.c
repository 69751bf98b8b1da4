/* test-media-reference.c
 *
 * Copyright 2026 The Storyboard authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "sb-media"

#include "config.h"

#include <stdio.h>
#include <string.h>
#include <sys/resource.h>

#include <glib/gstdio.h>
#include <gst/gst.h>
#include <png.h>

#include "sb-media.h"
#include "sb-media-reference.h"
#include "sb-media-video.h"

/* The test video: 2 s, 320 × 240, 30 fps, a ball moving (see
 * tests/data/video/README.md). */
#define BALL_DURATION 2.0
#define BALL_WIDTH    320
#define BALL_HEIGHT   240

static char *tmp_dir;

/* ------------------------------------------------------------------ */
/* Helpers                                                             */
/* ------------------------------------------------------------------ */

static GFile *
data_file (const char *folder,
           const char *name)
{
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "data", folder, name, NULL);

  return g_file_new_for_path (path);
}

static GFile *
tmp_file (const char *name)
{
  g_autofree char *path = g_build_filename (tmp_dir, name, NULL);

  return g_file_new_for_path (path);
}

/* Copies a test file under another name. */
static GFile *
copy_as (GFile      *source,
         const char *name)
{
  g_autoptr(GError) error = NULL;
  GFile *dest = tmp_file (name);

  g_file_copy (source, dest, G_FILE_COPY_OVERWRITE, NULL, NULL, NULL, &error);
  g_assert_no_error (error);

  return dest;
}

typedef struct
{
  GAsyncResult *result;
  GThread      *thread;
} Wait;

static void
on_loaded (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  Wait *wait = user_data;

  wait->thread = g_thread_self ();
  wait->result = g_object_ref (result);
}

static gboolean
on_tick (gpointer user_data)
{
  guint *ticks = user_data;

  (*ticks)++;
  return G_SOURCE_CONTINUE;
}

/* Loads @file, iterating the main context meanwhile; @out_ticks counts
 * how often a 2 ms timeout ran during the load, which it could not if
 * the work blocked the main thread. */
static SbMediaReference *
load (GFile         *file,
      guint          max_side,
      guint          max_frames,
      GCancellable  *cancellable,
      guint         *out_ticks,
      GError       **error)
{
  Wait wait = { 0 };
  guint ticks = 0;
  guint tick_id = g_timeout_add (2, on_tick, &ticks);
  SbMediaReference *reference;

  sb_media_reference_load_async (file, max_side, max_frames, cancellable, on_loaded, &wait);
  g_assert_null (wait.result);
  while (wait.result == NULL)
    g_main_context_iteration (NULL, TRUE);
  g_source_remove (tick_id);

  /* The callback runs on the caller's thread. */
  g_assert_true (wait.thread == g_thread_self ());

  reference = sb_media_reference_load_finish (wait.result, error);
  g_object_unref (wait.result);

  if (out_ticks != NULL)
    *out_ticks = ticks;

  return reference;
}

static SbMediaReference *
load_ok (GFile *file,
         guint  max_side,
         guint  max_frames)
{
  g_autoptr(GError) error = NULL;
  SbMediaReference *reference = load (file, max_side, max_frames, NULL, NULL, &error);

  g_assert_no_error (error);
  g_assert_nonnull (reference);
  g_assert_true (g_file_equal (reference->file, file));
  g_assert_cmpuint (reference->data_uris->len, >=, 1);
  g_assert_cmpuint (reference->frame_times->len, ==, reference->data_uris->len);

  return reference;
}

static GdkPixbuf *
decode (GBytes     *bytes,
        const char *type)
{
  g_autoptr(GdkPixbufLoader) loader = gdk_pixbuf_loader_new_with_type (type, NULL);
  g_autoptr(GError) error = NULL;

  g_assert_nonnull (loader);
  gdk_pixbuf_loader_write_bytes (loader, bytes, &error);
  g_assert_no_error (error);
  gdk_pixbuf_loader_close (loader, &error);
  g_assert_no_error (error);
  g_assert_nonnull (gdk_pixbuf_loader_get_pixbuf (loader));

  return g_object_ref (gdk_pixbuf_loader_get_pixbuf (loader));
}

/* Checks a "data:image/jpeg;base64," URI holds a JPEG and decodes it. */
static GdkPixbuf *
decode_data_uri (const char *uri)
{
  static const char prefix[] = "data:image/jpeg;base64,";
  g_autoptr(GBytes) bytes = NULL;
  guchar *data;
  gsize len = 0;

  g_assert_true (g_str_has_prefix (uri, prefix));
  /* Plain base64: no line breaks or other characters a data URI forbids. */
  for (const char *p = uri + strlen (prefix); *p != '\0'; p++)
    g_assert_true (g_ascii_isalnum (*p) || *p == '+' || *p == '/' || *p == '=');

  data = g_base64_decode (uri + strlen (prefix), &len);
  bytes = g_bytes_new_take (data, len);
  g_assert_cmpstr (sb_media_sniff (data, len), ==, "image/jpeg");

  return decode (bytes, "jpeg");
}

static void
assert_size (GdkPixbuf *pixbuf,
             int        width,
             int        height)
{
  g_assert_cmpint (gdk_pixbuf_get_width (pixbuf), ==, width);
  g_assert_cmpint (gdk_pixbuf_get_height (pixbuf), ==, height);
}

/* The pixel at (@x, @y) is near @r, @g, @b (JPEG is lossy). */
static void
assert_pixel (GdkPixbuf *pixbuf,
              int        x,
              int        y,
              int        r,
              int        g,
              int        b)
{
  const guint8 *p = gdk_pixbuf_read_pixels (pixbuf) +
                    y * gdk_pixbuf_get_rowstride (pixbuf) +
                    x * gdk_pixbuf_get_n_channels (pixbuf);

  g_assert_cmpint (ABS (p[0] - r), <=, 40);
  g_assert_cmpint (ABS (p[1] - g), <=, 40);
  g_assert_cmpint (ABS (p[2] - b), <=, 40);
}

/* Mean absolute difference of two same-sized RGB pixbufs, per channel. */
static double
difference (GdkPixbuf *a,
            GdkPixbuf *b)
{
  int width = gdk_pixbuf_get_width (a);
  int height = gdk_pixbuf_get_height (a);
  guint64 sum = 0;

  assert_size (b, width, height);
  for (int y = 0; y < height; y++)
    {
      const guint8 *pa = gdk_pixbuf_read_pixels (a) + y * gdk_pixbuf_get_rowstride (a);
      const guint8 *pb = gdk_pixbuf_read_pixels (b) + y * gdk_pixbuf_get_rowstride (b);

      for (int x = 0; x < width * 3; x++)
        sum += ABS (pa[x] - pb[x]);
    }

  return (double) sum / ((double) width * height * 3);
}

static long
peak_rss_kib (void)
{
  struct rusage usage;

  g_assert_cmpint (getrusage (RUSAGE_SELF, &usage), ==, 0);
  return usage.ru_maxrss;
}

/* Writes a @width x @height RGB PNG, left half red and right half blue,
 * one row at a time: the test itself never holds the full image. */
static GFile *
write_large_png (const char *name,
                 int         width,
                 int         height)
{
  GFile *file = tmp_file (name);
  g_autofree char *path = g_file_get_path (file);
  g_autofree guint8 *row = g_malloc ((gsize) width * 3);
  FILE *fp = fopen (path, "wb");
  png_structp png = png_create_write_struct (PNG_LIBPNG_VER_STRING, NULL, NULL, NULL);
  png_infop info = png_create_info_struct (png);

  g_assert_nonnull (fp);
  g_assert_nonnull (png);
  g_assert_nonnull (info);
  if (setjmp (png_jmpbuf (png)))
    g_assert_not_reached ();

  png_init_io (png, fp);
  png_set_IHDR (png, info, width, height, 8, PNG_COLOR_TYPE_RGB, PNG_INTERLACE_NONE,
                PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
  png_write_info (png, info);

  for (int x = 0; x < width; x++)
    {
      gboolean left = x < width / 2;

      row[x * 3] = left ? 230 : 20;
      row[x * 3 + 1] = 20;
      row[x * 3 + 2] = left ? 20 : 230;
    }
  for (int y = 0; y < height; y++)
    png_write_row (png, row);

  png_write_end (png, info);
  png_destroy_write_struct (&png, &info);
  g_assert_cmpint (fclose (fp), ==, 0);

  return file;
}

/* ------------------------------------------------------------------ */
/* Images                                                              */
/* ------------------------------------------------------------------ */

static void
test_image_png (void)
{
  g_autoptr(GFile) file = data_file ("images", "red.png");
  g_autoptr(SbMediaReference) reference = load_ok (file, 256, 5);
  g_autoptr(GdkPixbuf) image = NULL;
  g_autoptr(GdkPixbuf) thumbnail = NULL;

  g_assert_cmpint (reference->kind, ==, SB_MEDIA_REFERENCE_IMAGE);
  g_assert_cmpstr (reference->display_name, ==, "red.png");
  g_assert_cmpstr (reference->mime_type, ==, "image/png");
  g_assert_cmpint (reference->width, ==, 640);
  g_assert_cmpint (reference->height, ==, 480);
  g_assert_cmpfloat (reference->duration, ==, 0);

  /* One image whatever max_frames says, 4:3 kept within 256. */
  g_assert_cmpuint (reference->data_uris->len, ==, 1);
  image = decode_data_uri (g_ptr_array_index (reference->data_uris, 0));
  assert_size (image, 256, 192);
  assert_pixel (image, 2, 2, 0xd0, 0x1c, 0x1c);

  /* The gallery's thumbnail. */
  g_assert_nonnull (reference->thumbnail);
  thumbnail = decode (reference->thumbnail, "png");
  assert_size (thumbnail, 320, 240);
}

static void
test_image_jpeg (void)
{
  g_autoptr(GFile) file = data_file ("images", "green.jpg");
  g_autoptr(SbMediaReference) reference = load_ok (file, 1024, 1);
  g_autoptr(GdkPixbuf) image = NULL;
  g_autoptr(GdkPixbuf) expected = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *path = g_file_get_path (file);

  g_assert_cmpint (reference->kind, ==, SB_MEDIA_REFERENCE_IMAGE);
  g_assert_cmpstr (reference->mime_type, ==, "image/jpeg");
  g_assert_cmpint (reference->width, ==, 640);
  g_assert_cmpint (reference->height, ==, 480);

  /* Smaller than max_side: never upscaled, and the same picture. */
  g_assert_cmpuint (reference->data_uris->len, ==, 1);
  image = decode_data_uri (g_ptr_array_index (reference->data_uris, 0));
  assert_size (image, 640, 480);
  expected = gdk_pixbuf_new_from_file (path, &error);
  g_assert_no_error (error);
  g_assert_cmpfloat (difference (image, expected), <, 4);
}

static void
test_image_alpha (void)
{
  g_autoptr(GFile) file = data_file ("images", "alpha.webp");
  g_autoptr(SbMediaReference) reference = load_ok (file, 150, 1);
  g_autoptr(GdkPixbuf) image = NULL;

  g_assert_cmpstr (reference->mime_type, ==, "image/webp");
  g_assert_cmpint (reference->width, ==, 300);
  g_assert_cmpint (reference->height, ==, 200);

  image = decode_data_uri (g_ptr_array_index (reference->data_uris, 0));
  assert_size (image, 150, 100);
  g_assert_false (gdk_pixbuf_get_has_alpha (image));
}

static void
test_image_large (void)
{
  /* 6000 × 4500 RGB: 81 MB decoded at full size. */
  g_autoptr(GFile) file = write_large_png ("large.png", 6000, 4500);
  g_autoptr(SbMediaReference) reference = NULL;
  g_autoptr(GdkPixbuf) image = NULL;
  long before, after;

  before = peak_rss_kib ();
  reference = load_ok (file, 512, 5);
  after = peak_rss_kib ();

  g_assert_cmpint (reference->kind, ==, SB_MEDIA_REFERENCE_IMAGE);
  g_assert_cmpint (reference->width, ==, 6000);
  g_assert_cmpint (reference->height, ==, 4500);
  g_assert_cmpuint (reference->data_uris->len, ==, 1);

  image = decode_data_uri (g_ptr_array_index (reference->data_uris, 0));
  assert_size (image, 512, 384);
  assert_pixel (image, 10, 192, 230, 20, 20);
  assert_pixel (image, 500, 192, 20, 20, 230);

  /* Never decoded at full size. */
  g_test_message ("peak RSS grew by %ld KiB", after - before);
  g_assert_cmpint (after - before, <, 40 * 1024);
}

/* The reference refuses what the gallery refuses, for the same reason. */
static void
test_image_refused (void)
{
  static const struct
  {
    const char   *name;
    SbMediaError  code;
  } cases[] = {
    { "empty.png", SB_MEDIA_ERROR_EMPTY },
    { "truncated.png", SB_MEDIA_ERROR_TRUNCATED },
    { "truncated.jpg", SB_MEDIA_ERROR_TRUNCATED },
    { "truncated.webp", SB_MEDIA_ERROR_TRUNCATED },
    { "wrong-magic.png", SB_MEDIA_ERROR_MISMATCH },
    { "text.png", SB_MEDIA_ERROR_UNSUPPORTED },
    { "huge-header.png", SB_MEDIA_ERROR_TOO_MANY_PIXELS },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GFile) file = data_file ("images", cases[i].name);
      g_autoptr(GError) error = NULL;
      g_autoptr(SbMediaReference) reference = NULL;

      g_test_message ("%s", cases[i].name);
      reference = load (file, 512, 1, NULL, NULL, &error);
      g_assert_error (error, SB_MEDIA_ERROR, (int) cases[i].code);
      g_assert_null (reference);
      g_assert_cmpstr (error->message, !=, "");
    }
}

/* ------------------------------------------------------------------ */
/* Videos                                                              */
/* ------------------------------------------------------------------ */

static void
test_video_frames (void)
{
  g_autoptr(GFile) file = data_file ("video", "ball.webm");
  g_autoptr(SbMediaReference) reference = NULL;
  g_autoptr(GdkPixbuf) thumbnail = NULL;
  g_autoptr(GPtrArray) frames = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GError) error = NULL;
  guint ticks = 0;

  reference = load (file, 160, 5, NULL, &ticks, &error);
  g_assert_no_error (error);
  g_assert_nonnull (reference);

  g_assert_cmpint (reference->kind, ==, SB_MEDIA_REFERENCE_VIDEO);
  g_assert_cmpstr (reference->display_name, ==, "ball.webm");
  g_assert_cmpstr (reference->mime_type, ==, "video/webm");
  g_assert_cmpint (reference->width, ==, BALL_WIDTH);
  g_assert_cmpint (reference->height, ==, BALL_HEIGHT);
  g_assert_cmpfloat_with_epsilon (reference->duration, BALL_DURATION, 0.1);

  /* Five JPEGs at 10, 30, 50, 70 and 90 %, 4:3 within 160. */
  g_assert_cmpuint (reference->data_uris->len, ==, 5);
  g_assert_cmpuint (reference->frame_times->len, ==, 5);
  for (guint i = 0; i < 5; i++)
    {
      GdkPixbuf *frame = decode_data_uri (g_ptr_array_index (reference->data_uris, i));
      double expected = BALL_DURATION * (0.1 + 0.2 * i);

      assert_size (frame, 160, 120);
      g_assert_cmpfloat_with_epsilon (g_array_index (reference->frame_times, double, i), expected, 0.05);
      g_ptr_array_add (frames, frame);
    }

  /* Each seek landed somewhere else: the ball moved. */
  for (guint i = 1; i < 5; i++)
    {
      double change = difference (g_ptr_array_index (frames, i - 1), g_ptr_array_index (frames, i));

      g_test_message ("frames %u and %u differ by %.2f", i - 1, i, change);
      g_assert_cmpfloat (change, >, 1.0);
    }

  /* The thumbnail is the first frame. */
  g_assert_nonnull (reference->thumbnail);
  thumbnail = decode (reference->thumbnail, "png");
  assert_size (thumbnail, 160, 120);
  g_test_message ("thumbnail differs by %.2f", difference (thumbnail, g_ptr_array_index (frames, 0)));
  g_assert_cmpfloat (difference (thumbnail, g_ptr_array_index (frames, 0)), <, 2.0);

  /* The main thread kept running: work done inside the _async call or a
   * blocked main loop would leave one tick at most. */
  g_test_message ("%u ticks during the load", ticks);
  g_assert_cmpuint (ticks, >=, 3);
}

static void
test_video_one_frame (void)
{
  g_autoptr(GFile) file = data_file ("video", "ball.webm");
  g_autoptr(SbMediaReference) reference = load_ok (file, 2000, 1);
  g_autoptr(GdkPixbuf) frame = NULL;

  g_assert_cmpint (reference->kind, ==, SB_MEDIA_REFERENCE_VIDEO);

  /* The middle, at the video's own size: never upscaled. */
  g_assert_cmpuint (reference->data_uris->len, ==, 1);
  g_assert_cmpfloat_with_epsilon (g_array_index (reference->frame_times, double, 0), BALL_DURATION / 2, 0.05);
  frame = decode_data_uri (g_ptr_array_index (reference->data_uris, 0));
  assert_size (frame, BALL_WIDTH, BALL_HEIGHT);
}

/* Another container and codec: the fake server's H.264 sample, decoded by
 * gstreamer1.0-libav. */
static void
test_video_mp4 (void)
{
  g_autoptr(GFile) file = data_file ("fixtures", "video/sample-320x180.mp4");
  g_autoptr(SbMediaReference) reference = NULL;
  g_autoptr(GdkPixbuf) frame = NULL;

  if (!g_file_query_exists (file, NULL))
    {
      g_test_skip ("tests/data/fixtures/video/sample-320x180.mp4 is gone");
      return;
    }

  reference = load_ok (file, 160, 3);
  g_assert_cmpint (reference->kind, ==, SB_MEDIA_REFERENCE_VIDEO);
  g_assert_cmpstr (reference->mime_type, ==, "video/mp4");
  g_assert_cmpint (reference->width, ==, 320);
  g_assert_cmpint (reference->height, ==, 180);
  g_assert_cmpfloat (reference->duration, >, 0);
  g_assert_cmpuint (reference->data_uris->len, ==, 3);
  frame = decode_data_uri (g_ptr_array_index (reference->data_uris, 2));
  assert_size (frame, 160, 90);
}

/* A sound track is ignored, not an error. */
static void
test_video_with_sound (void)
{
  g_autoptr(GFile) file = data_file ("video", "ball-sound.webm");
  g_autoptr(SbMediaReference) reference = load_ok (file, 160, 3);
  g_autoptr(GdkPixbuf) frame = NULL;

  g_assert_cmpint (reference->kind, ==, SB_MEDIA_REFERENCE_VIDEO);
  g_assert_cmpint (reference->width, ==, BALL_WIDTH);
  g_assert_cmpint (reference->height, ==, BALL_HEIGHT);
  g_assert_cmpfloat_with_epsilon (reference->duration, BALL_DURATION, 0.1);
  g_assert_cmpuint (reference->data_uris->len, ==, 3);
  frame = decode_data_uri (g_ptr_array_index (reference->data_uris, 2));
  assert_size (frame, 160, 120);
}

/* Recorded as a live stream, the file announces no duration: the demuxer
 * has to look for the end, or the frames would bunch up at the start. */
static void
test_video_live (void)
{
  g_autoptr(GFile) file = data_file ("video", "ball-live.webm");
  g_autoptr(SbMediaReference) reference = load_ok (file, 160, 5);

  g_assert_cmpint (reference->kind, ==, SB_MEDIA_REFERENCE_VIDEO);
  g_assert_cmpint (reference->width, ==, BALL_WIDTH);
  g_assert_cmpint (reference->height, ==, BALL_HEIGHT);
  g_assert_cmpfloat_with_epsilon (reference->duration, BALL_DURATION, 0.1);

  g_assert_cmpuint (reference->data_uris->len, ==, 5);
  for (guint i = 0; i < 5; i++)
    {
      g_autoptr(GdkPixbuf) frame = decode_data_uri (g_ptr_array_index (reference->data_uris, i));

      assert_size (frame, 160, 120);
      g_assert_cmpfloat_with_epsilon (g_array_index (reference->frame_times, double, i),
                                      BALL_DURATION * (0.1 + 0.2 * i), 0.05);
    }
}

static void
test_video_sound_only (void)
{
  g_autoptr(GFile) file = data_file ("video", "sound.webm");
  g_autoptr(SbMediaReference) reference = NULL;
  g_autoptr(GError) error = NULL;

  reference = load (file, 160, 5, NULL, NULL, &error);
  g_assert_error (error, SB_MEDIA_ERROR, SB_MEDIA_ERROR_UNSUPPORTED);
  g_assert_null (reference);
  g_assert_cmpstr (error->message, !=, "");
}

/* Without a VP8 decoder (every one demoted below what decodebin uses),
 * the error says a plugin is missing. */
static void
test_video_no_decoder (void)
{
  g_autoptr(GFile) file = data_file ("video", "ball.webm");
  g_autoptr(SbMediaReference) reference = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GstCaps) vp8 = NULL;
  GList *decoders, *demoted;
  GArray *ranks = g_array_new (FALSE, FALSE, sizeof (guint));

  g_assert_true (gst_init_check (NULL, NULL, NULL));
  vp8 = gst_caps_new_empty_simple ("video/x-vp8");
  /* decodebin only ever plugs elements of at least marginal rank. */
  decoders = gst_element_factory_list_get_elements (GST_ELEMENT_FACTORY_TYPE_DECODER, GST_RANK_MARGINAL);
  demoted = gst_element_factory_list_filter (decoders, vp8, GST_PAD_SINK, FALSE);
  g_assert_nonnull (demoted);
  for (GList *l = demoted; l != NULL; l = l->next)
    {
      guint rank = gst_plugin_feature_get_rank (l->data);

      g_test_message ("demoting %s", GST_OBJECT_NAME (l->data));
      g_array_append_val (ranks, rank);
      gst_plugin_feature_set_rank (l->data, GST_RANK_NONE);
    }

  reference = load (file, 160, 5, NULL, NULL, &error);

  for (GList *l = demoted; l != NULL; l = l->next)
    gst_plugin_feature_set_rank (l->data, g_array_index (ranks, guint, g_list_position (demoted, l)));
  gst_plugin_feature_list_free (demoted);
  gst_plugin_feature_list_free (decoders);
  g_array_unref (ranks);

  g_assert_error (error, SB_MEDIA_ERROR, SB_MEDIA_ERROR_NO_VIDEO_DECODER);
  g_assert_null (reference);

  /* And back with the decoders. */
  g_clear_error (&error);
  reference = load (file, 160, 1, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (reference);
}

static void
test_video_truncated (void)
{
  g_autoptr(GFile) file = data_file ("video", "truncated.webm");
  g_autoptr(SbMediaReference) reference = NULL;
  g_autoptr(GError) error = NULL;

  reference = load (file, 160, 5, NULL, NULL, &error);
  g_assert_null (reference);
  g_assert_nonnull (error);
  g_assert_true (g_error_matches (error, SB_MEDIA_ERROR, SB_MEDIA_ERROR_TRUNCATED) ||
                 g_error_matches (error, SB_MEDIA_ERROR, SB_MEDIA_ERROR_CORRUPT));
  g_assert_cmpstr (error->message, !=, "");
}

static void
test_video_text (void)
{
  g_autoptr(GFile) file = data_file ("video", "text.webm");
  g_autoptr(SbMediaReference) reference = NULL;
  g_autoptr(GError) error = NULL;

  reference = load (file, 160, 5, NULL, NULL, &error);
  g_assert_error (error, SB_MEDIA_ERROR, SB_MEDIA_ERROR_UNSUPPORTED);
  g_assert_null (reference);
}

/* EBML magic, then garbage: only GStreamer can tell.  The garbage is the
 * same every run: some garbage makes matroskademux fail while decodebin is
 * still plugging it, and decodebin drops that error, leaving only the
 * wait's time limit to end the load. */
static void
test_video_corrupt (void)
{
  g_autoptr(GFile) file = tmp_file ("corrupt.webm");
  g_autoptr(SbMediaReference) reference = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GRand) rand = g_rand_new_with_seed (20260401);
  guint8 data[4096];
  gint64 start;

  for (gsize i = 0; i < sizeof data; i++)
    data[i] = (guint8) g_rand_int (rand);
  data[0] = 0x1a;
  data[1] = 0x45;
  data[2] = 0xdf;
  data[3] = 0xa3;
  g_file_replace_contents (file, (const char *) data, sizeof data, NULL, FALSE,
                           G_FILE_CREATE_NONE, NULL, NULL, &error);
  g_assert_no_error (error);

  start = g_get_monotonic_time ();
  reference = load (file, 160, 5, NULL, NULL, &error);
  g_assert_null (reference);
  g_assert_true (g_error_matches (error, SB_MEDIA_ERROR, SB_MEDIA_ERROR_CORRUPT) ||
                 g_error_matches (error, SB_MEDIA_ERROR, SB_MEDIA_ERROR_TRUNCATED));

  /* Told by GStreamer, not by the time limit. */
  g_assert_cmpint (g_get_monotonic_time () - start, <, 5 * G_USEC_PER_SEC);
}

/* A file whose name and content disagree is refused either way round. */
static void
test_disguised (void)
{
  g_autoptr(GFile) ball = data_file ("video", "ball.webm");
  g_autoptr(GFile) red = data_file ("images", "red.png");
  g_autoptr(GFile) video_as_png = copy_as (ball, "ball.png");
  g_autoptr(GFile) png_as_webm = copy_as (red, "red.webm");
  g_autoptr(GFile) no_extension = copy_as (ball, "ball");
  g_autoptr(SbMediaReference) reference = NULL;
  g_autoptr(SbMediaReference) unnamed = NULL;
  g_autoptr(GError) error = NULL;

  reference = load (video_as_png, 160, 1, NULL, NULL, &error);
  g_assert_error (error, SB_MEDIA_ERROR, SB_MEDIA_ERROR_MISMATCH);
  g_assert_null (reference);
  g_clear_error (&error);

  reference = load (png_as_webm, 160, 1, NULL, NULL, &error);
  g_assert_error (error, SB_MEDIA_ERROR, SB_MEDIA_ERROR_MISMATCH);
  g_assert_null (reference);
  g_clear_error (&error);

  /* No claim at all: the content decides. */
  unnamed = load_ok (no_extension, 160, 2);
  g_assert_cmpint (unnamed->kind, ==, SB_MEDIA_REFERENCE_VIDEO);
  g_assert_cmpuint (unnamed->data_uris->len, ==, 2);
}

static void
test_missing (void)
{
  g_autoptr(GFile) file = tmp_file ("does-not-exist.webm");
  g_autoptr(SbMediaReference) reference = NULL;
  g_autoptr(GError) error = NULL;

  reference = load (file, 160, 1, NULL, NULL, &error);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND);
  g_assert_null (reference);
}

/* ------------------------------------------------------------------ */
/* Cancellation                                                        */
/* ------------------------------------------------------------------ */

static void
test_cancelled_before (void)
{
  g_autoptr(GFile) file = data_file ("video", "ball.webm");
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(SbMediaReference) reference = NULL;
  g_autoptr(GError) error = NULL;

  g_cancellable_cancel (cancellable);
  reference = load (file, 160, 5, cancellable, NULL, &error);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_null (reference);
}

typedef struct
{
  GCancellable *cancellable;
  gint64        cancelled_at;
} CancelLater;

static gboolean
cancel_later (gpointer user_data)
{
  CancelLater *later = user_data;

  later->cancelled_at = g_get_monotonic_time ();
  g_cancellable_cancel (later->cancellable);

  return G_SOURCE_REMOVE;
}

/* Cancelled while it works, the worker stops between frames: far sooner
 * than the whole run of frames takes. */
static void
test_cancelled_between_frames (void)
{
  g_autoptr(GFile) file = data_file ("video", "ball.webm");
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(SbMediaReference) reference = NULL;
  g_autoptr(SbMediaReference) full = NULL;
  g_autoptr(GError) error = NULL;
  CancelLater later = { cancellable, 0 };
  gint64 start, full_time, stopped_after;

  /* How long all the frames take. */
  start = g_get_monotonic_time ();
  full = load_ok (file, 64, 120);
  full_time = g_get_monotonic_time () - start;
  g_assert_cmpuint (full->data_uris->len, ==, 120);
  g_test_message ("120 frames in %" G_GINT64_FORMAT " ms", full_time / 1000);

  /* Cancel a tenth of the way in. */
  g_timeout_add (MAX (1, full_time / 10000), cancel_later, &later);
  reference = load (file, 64, 120, cancellable, NULL, &error);
  stopped_after = g_get_monotonic_time () - later.cancelled_at;
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_null (reference);
  g_assert_cmpint (later.cancelled_at, >, 0);

  g_test_message ("stopped %" G_GINT64_FORMAT " ms after the cancel", stopped_after / 1000);
  g_assert_cmpint (stopped_after, <, full_time / 2);
}

/* ------------------------------------------------------------------ */
/* Probing                                                             */
/* ------------------------------------------------------------------ */

static void
test_probe (void)
{
  g_autoptr(GFile) ball = data_file ("video", "ball.webm");
  g_autoptr(GFile) text = data_file ("video", "text.webm");
  g_autofree char *ball_path = g_file_get_path (ball);
  g_autofree char *text_path = g_file_get_path (text);
  g_autoptr(GError) error = NULL;
  SbMediaProbe probe = { NULL, -1, -1, -1 };

  /* The app probes a video through sb_media_process_video(). */
  g_assert_true (sb_media_process_video (ball_path, NULL, &probe, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpfloat_with_epsilon (probe.duration, BALL_DURATION, 0.1);
  g_assert_cmpint (probe.width, ==, BALL_WIDTH);
  g_assert_cmpint (probe.height, ==, BALL_HEIGHT);

  /* Out arguments are optional. */
  g_assert_true (sb_media_process_video (ball_path, NULL, NULL, NULL, &error));
  g_assert_no_error (error);

  /* Text under a video's name: refused before GStreamer sees it. */
  g_assert_false (sb_media_process_video (text_path, NULL, &probe, NULL, &error));
  g_assert_error (error, SB_MEDIA_ERROR, SB_MEDIA_ERROR_UNSUPPORTED);
}

/* ------------------------------------------------------------------ */

static void
remove_tree (const char *path)
{
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  const char *name;

  if (dir != NULL)
    {
      while ((name = g_dir_read_name (dir)) != NULL)
        {
          g_autofree char *child = g_build_filename (path, name, NULL);

          if (g_file_test (child, G_FILE_TEST_IS_DIR) && !g_file_test (child, G_FILE_TEST_IS_SYMLINK))
            remove_tree (child);
          else
            g_unlink (child);
        }
    }

  g_rmdir (path);
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;
  int status;

  /* Not G_TEST_OPTION_ISOLATE_DIRS: GStreamer would rebuild its plugin
   * registry for every test.  One private set of folders for the whole
   * program instead, made before anything reads them. */
  tmp_dir = g_dir_make_tmp ("test-media-reference-XXXXXX", &error);
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

  /* First: its peak memory is measured from a small baseline. */
  g_test_add_func ("/sb/media-reference/image/large", test_image_large);
  g_test_add_func ("/sb/media-reference/image/png", test_image_png);
  g_test_add_func ("/sb/media-reference/image/jpeg", test_image_jpeg);
  g_test_add_func ("/sb/media-reference/image/alpha", test_image_alpha);
  g_test_add_func ("/sb/media-reference/image/refused", test_image_refused);

  g_test_add_func ("/sb/media-reference/video/frames", test_video_frames);
  g_test_add_func ("/sb/media-reference/video/one-frame", test_video_one_frame);
  g_test_add_func ("/sb/media-reference/video/mp4", test_video_mp4);
  g_test_add_func ("/sb/media-reference/video/with-sound", test_video_with_sound);
  g_test_add_func ("/sb/media-reference/video/live", test_video_live);
  g_test_add_func ("/sb/media-reference/video/truncated", test_video_truncated);
  g_test_add_func ("/sb/media-reference/video/sound-only", test_video_sound_only);
  g_test_add_func ("/sb/media-reference/video/no-decoder", test_video_no_decoder);
  g_test_add_func ("/sb/media-reference/video/text", test_video_text);
  g_test_add_func ("/sb/media-reference/video/corrupt", test_video_corrupt);

  g_test_add_func ("/sb/media-reference/files/disguised", test_disguised);
  g_test_add_func ("/sb/media-reference/files/missing", test_missing);

  g_test_add_func ("/sb/media-reference/cancel/before", test_cancelled_before);
  g_test_add_func ("/sb/media-reference/cancel/between-frames", test_cancelled_between_frames);

  g_test_add_func ("/sb/media-reference/video/probe", test_probe);

  status = g_test_run ();

  remove_tree (tmp_dir);
  g_free (tmp_dir);

  return status;
}
