/* test-media.c
 *
 * Copyright 2026 The Storyboard authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "sb-media"

#include "config.h"

#include <fcntl.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include <glib/gstdio.h>
#include <png.h>

#include "sb-media.h"

/* ------------------------------------------------------------------ */
/* Helpers                                                             */
/* ------------------------------------------------------------------ */

static GBytes *
load_image (const char *name)
{
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "data", "images", name, NULL);
  g_autoptr(GError) error = NULL;
  char *data = NULL;
  gsize len = 0;

  g_file_get_contents (path, &data, &len, &error);
  g_assert_no_error (error);

  return g_bytes_new_take (data, len);
}

static GFile *
image_file (const char *name)
{
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "data", "images", name, NULL);

  return g_file_new_for_path (path);
}

static GdkPixbuf *
decode_png (GBytes *bytes)
{
  g_autoptr(GdkPixbufLoader) loader = gdk_pixbuf_loader_new_with_type ("png", NULL);
  g_autoptr(GError) error = NULL;
  GdkPixbuf *pixbuf;

  g_assert_nonnull (loader);
  g_assert_true (sb_media_sniff (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes)) != NULL);
  gdk_pixbuf_loader_write_bytes (loader, bytes, &error);
  g_assert_no_error (error);
  gdk_pixbuf_loader_close (loader, &error);
  g_assert_no_error (error);
  pixbuf = gdk_pixbuf_loader_get_pixbuf (loader);
  g_assert_nonnull (pixbuf);

  return g_object_ref (pixbuf);
}

static GBytes *
encode (GdkPixbuf  *pixbuf,
        const char *type)
{
  g_autoptr(GError) error = NULL;
  char *buffer = NULL;
  gsize size = 0;

  gdk_pixbuf_save_to_buffer (pixbuf, &buffer, &size, type, &error, NULL);
  g_assert_no_error (error);

  return g_bytes_new_take (buffer, size);
}

/* A @width x @height image, left half red and right half blue. */
static GdkPixbuf *
make_pixbuf (int width,
             int height)
{
  GdkPixbuf *pixbuf = gdk_pixbuf_new (GDK_COLORSPACE_RGB, FALSE, 8, width, height);
  int rowstride = gdk_pixbuf_get_rowstride (pixbuf);
  guchar *pixels = gdk_pixbuf_get_pixels (pixbuf);

  for (int y = 0; y < height; y++)
    for (int x = 0; x < width; x++)
      {
        guchar *p = pixels + y * rowstride + x * 3;
        gboolean left = x < width / 2;

        p[0] = left ? 230 : 20;
        p[1] = 20;
        p[2] = left ? 20 : 230;
      }

  return pixbuf;
}

static GBytes *
slice (GBytes *bytes,
       gsize   len)
{
  g_assert_cmpuint (len, <=, g_bytes_get_size (bytes));
  return g_bytes_new_from_bytes (bytes, 0, len);
}

static void
assert_refused (GBytes       *bytes,
                const char   *claimed,
                SbMediaError  code)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) thumbnail = NULL;
  SbMediaProbe probe = { 0 };
  gboolean ok;

  ok = sb_media_process_image (bytes, claimed, SB_MEDIA_THUMBNAIL_SIZE, &probe, &thumbnail, &error);
  g_assert_error (error, SB_MEDIA_ERROR, (int) code);
  g_assert_false (ok);
  g_assert_null (thumbnail);
  g_assert_cmpstr (error->message, !=, "");
}

static long
peak_rss_kib (void)
{
  struct rusage usage;

  g_assert_cmpint (getrusage (RUSAGE_SELF, &usage), ==, 0);
  return usage.ru_maxrss;
}

static void
put_be32 (guint8  *p,
          guint32  value)
{
  p[0] = value >> 24;
  p[1] = value >> 16;
  p[2] = value >> 8;
  p[3] = value;
}

static guint32
crc32 (const guint8 *data,
       gsize         len,
       guint32       crc)
{
  crc = ~crc;
  for (gsize i = 0; i < len; i++)
    {
      crc ^= data[i];
      for (int k = 0; k < 8; k++)
        crc = (crc >> 1) ^ (0xedb88320u & -(crc & 1));
    }
  return ~crc;
}

static void
append_chunk (GByteArray   *png,
              const char   *type,
              const guint8 *data,
              gsize         len)
{
  guint8 word[4];
  guint32 crc;

  put_be32 (word, len);
  g_byte_array_append (png, word, 4);
  g_byte_array_append (png, (const guint8 *) type, 4);
  if (len > 0)
    g_byte_array_append (png, data, len);
  crc = crc32 ((const guint8 *) type, 4, 0);
  crc = crc32 (data, len, crc);
  put_be32 (word, crc);
  g_byte_array_append (png, word, 4);
}

/* A valid PNG of @side x @side RGBA whose IDAT holds @n_rows rows of
 * zeros: anything that decodes it writes n_rows * side * 4 bytes. */
static GBytes *
make_huge_png (guint32 side,
               guint   n_rows);

/* ------------------------------------------------------------------ */
/* PNG decoding                                                        */
/* ------------------------------------------------------------------ */

static void
on_png_write (png_structp png,
              png_bytep   data,
              png_size_t  len)
{
  g_byte_array_append (png_get_io_ptr (png), data, len);
}

static void
on_png_flush (png_structp png)
{
}

/* A @width x @height PNG in any layout libpng writes, with a pattern
 * that uses every channel. */
static GBytes *
write_png (int width,
           int height,
           int color_type,
           int bit_depth,
           int interlace)
{
  GByteArray *out = g_byte_array_new ();
  png_structp png = png_create_write_struct (PNG_LIBPNG_VER_STRING, NULL, NULL, NULL);
  png_infop info = png_create_info_struct (png);
  int channels;
  gsize rowbytes;
  g_autofree guint8 *row = NULL;

  g_assert_nonnull (png);
  g_assert_nonnull (info);
  if (setjmp (png_jmpbuf (png)))
    g_assert_not_reached ();

  png_set_write_fn (png, out, on_png_write, on_png_flush);
  png_set_IHDR (png, info, width, height, bit_depth, color_type, interlace,
                PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);

  if (color_type == PNG_COLOR_TYPE_PALETTE)
    {
      png_color palette[16];
      png_byte alpha[16];

      for (int i = 0; i < 16; i++)
        {
          palette[i].red = i * 16;
          palette[i].green = 255 - i * 16;
          palette[i].blue = (i * 77) & 0xff;
          alpha[i] = i == 3 ? 0 : 255;
        }
      png_set_PLTE (png, info, palette, 1 << MIN (bit_depth, 4));
      png_set_tRNS (png, info, alpha, 1 << MIN (bit_depth, 4), NULL);
    }

  png_write_info (png, info);

  switch (color_type)
    {
    case PNG_COLOR_TYPE_GRAY: channels = 1; break;
    case PNG_COLOR_TYPE_GRAY_ALPHA: channels = 2; break;
    case PNG_COLOR_TYPE_PALETTE: channels = 1; break;
    case PNG_COLOR_TYPE_RGB: channels = 3; break;
    default: channels = 4; break;
    }
  rowbytes = ((gsize) width * channels * bit_depth + 7) / 8;
  row = g_malloc0 (rowbytes);

  for (int pass = png_set_interlace_handling (png); pass > 0; pass--)
    for (int y = 0; y < height; y++)
      {
        for (gsize i = 0; i < rowbytes; i++)
          row[i] = (guint8) ((i * 37 + y * 11) ^ (i >> 2) ^ (y * 3));
        png_write_row (png, row);
      }

  png_write_end (png, info);
  png_destroy_write_struct (&png, &info);

  return g_byte_array_free_to_bytes (out);
}

static GdkPixbuf *
reference_decode (GBytes *bytes)
{
  g_autoptr(GdkPixbufLoader) loader = gdk_pixbuf_loader_new_with_type ("png", NULL);
  g_autoptr(GError) error = NULL;

  gdk_pixbuf_loader_write_bytes (loader, bytes, &error);
  g_assert_no_error (error);
  gdk_pixbuf_loader_close (loader, &error);
  g_assert_no_error (error);

  return g_object_ref (gdk_pixbuf_loader_get_pixbuf (loader));
}

/* Largest difference between two same-sized pixbufs, ignoring the colour
 * of fully transparent pixels. */
static int
max_difference (GdkPixbuf *a,
                GdkPixbuf *b)
{
  int n_channels = gdk_pixbuf_get_n_channels (a);
  int worst = 0;

  g_assert_cmpint (gdk_pixbuf_get_width (a), ==, gdk_pixbuf_get_width (b));
  g_assert_cmpint (gdk_pixbuf_get_height (a), ==, gdk_pixbuf_get_height (b));
  g_assert_cmpint (n_channels, ==, gdk_pixbuf_get_n_channels (b));

  for (int y = 0; y < gdk_pixbuf_get_height (a); y++)
    for (int x = 0; x < gdk_pixbuf_get_width (a); x++)
      {
        const guchar *p = gdk_pixbuf_read_pixels (a) + y * gdk_pixbuf_get_rowstride (a) + x * n_channels;
        const guchar *q = gdk_pixbuf_read_pixels (b) + y * gdk_pixbuf_get_rowstride (b) + x * n_channels;

        if (n_channels == 4 && p[3] == 0 && q[3] == 0)
          continue;
        for (int c = 0; c < n_channels; c++)
          worst = MAX (worst, ABS (p[c] - q[c]));
      }

  return worst;
}

static void
test_png_layouts (void)
{
  static const struct
  {
    int color_type;
    int bit_depth;
  } layouts[] = {
    { PNG_COLOR_TYPE_GRAY, 1 },
    { PNG_COLOR_TYPE_GRAY, 4 },
    { PNG_COLOR_TYPE_GRAY, 8 },
    { PNG_COLOR_TYPE_GRAY, 16 },
    { PNG_COLOR_TYPE_GRAY_ALPHA, 8 },
    { PNG_COLOR_TYPE_GRAY_ALPHA, 16 },
    { PNG_COLOR_TYPE_PALETTE, 2 },
    { PNG_COLOR_TYPE_PALETTE, 4 },
    { PNG_COLOR_TYPE_RGB, 8 },
    { PNG_COLOR_TYPE_RGB, 16 },
    { PNG_COLOR_TYPE_RGB_ALPHA, 8 },
    { PNG_COLOR_TYPE_RGB_ALPHA, 16 },
  };

  for (guint i = 0; i < G_N_ELEMENTS (layouts); i++)
    for (int interlace = PNG_INTERLACE_NONE; interlace <= PNG_INTERLACE_ADAM7; interlace++)
      {
        g_autoptr(GBytes) bytes = write_png (37, 23, layouts[i].color_type, layouts[i].bit_depth, interlace);
        g_autoptr(GdkPixbuf) expected = reference_decode (bytes);
        g_autoptr(GdkPixbuf) pixbuf = NULL;
        g_autoptr(GError) error = NULL;

        g_test_message ("color type %d, depth %d, interlace %d",
                        layouts[i].color_type, layouts[i].bit_depth, interlace);

        /* Unscaled: the same pixels as gdk-pixbuf's own PNG module. */
        pixbuf = sb_media_load_scaled (bytes, 1000, 1000, &error);
        g_assert_no_error (error);
        g_assert_cmpint (gdk_pixbuf_get_has_alpha (pixbuf), ==, gdk_pixbuf_get_has_alpha (expected));
        g_assert_cmpint (max_difference (pixbuf, expected), <=, 1);
      }
}

/* Scaling while decoding looks like scaling afterwards. */
static void
test_png_scaled_pixels (void)
{
  static const char *names[] = { "red.png" };

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      g_autoptr(GBytes) bytes = load_image (names[i]);
      g_autoptr(GdkPixbuf) full = reference_decode (bytes);
      g_autoptr(GdkPixbuf) expected = gdk_pixbuf_scale_simple (full, 160, 120, GDK_INTERP_TILES);
      g_autoptr(GdkPixbuf) pixbuf = NULL;
      g_autoptr(GError) error = NULL;
      const guchar *p;

      pixbuf = sb_media_load_scaled (bytes, 160, 160, &error);
      g_assert_no_error (error);
      g_assert_cmpint (gdk_pixbuf_get_width (pixbuf), ==, 160);
      g_assert_cmpint (gdk_pixbuf_get_height (pixbuf), ==, 120);

      /* Solid areas keep their colour: the background and the rectangle. */
      p = gdk_pixbuf_read_pixels (pixbuf) + 100 * gdk_pixbuf_get_rowstride (pixbuf) + 10 * 3;
      g_assert_cmpint (p[0], ==, 0xd0);
      g_assert_cmpint (p[1], ==, 0x1c);
      g_assert_cmpint (p[2], ==, 0x1c);
      p = gdk_pixbuf_read_pixels (pixbuf) + 20 * gdk_pixbuf_get_rowstride (pixbuf) + 30 * 3;
      g_assert_cmpint (p[0], ==, 0xff);
      g_assert_cmpint (p[1], ==, 0xff);
      g_assert_cmpint (p[2], ==, 0xff);

      /* Edges may differ a little between filters, not more. */
      g_assert_cmpint (max_difference (pixbuf, expected), <=, 96);
    }
}

/* 8000 x 8000 RGBA is 256 MB decoded; its thumbnail is 400 KB. */
static void
test_png_large_memory (void)
{
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GBytes) thumbnail = NULL;
  g_autoptr(GdkPixbuf) pixbuf = NULL;
  g_autoptr(GError) error = NULL;
  SbMediaProbe probe = { 0 };
  long before, after;

  if (!g_test_subprocess ())
    {
      g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_INHERIT_STDERR);
      g_test_trap_assert_passed ();
      return;
    }

  bytes = make_huge_png (8000, 8000);

  before = peak_rss_kib ();
  g_assert_true (sb_media_process_image (bytes, "image/png", SB_MEDIA_THUMBNAIL_SIZE, &probe, &thumbnail, &error));
  after = peak_rss_kib ();
  g_assert_no_error (error);

  g_assert_cmpint (probe.width, ==, 8000);
  g_assert_cmpint (probe.height, ==, 8000);
  pixbuf = decode_png (thumbnail);
  g_assert_cmpint (gdk_pixbuf_get_width (pixbuf), ==, SB_MEDIA_THUMBNAIL_SIZE);
  g_assert_cmpint (gdk_pixbuf_get_height (pixbuf), ==, SB_MEDIA_THUMBNAIL_SIZE);

  g_test_message ("peak RSS grew by %ld KiB", after - before);
  g_assert_cmpint (after - before, <, 32 * 1024);
}

static GBytes *
make_huge_png (guint32 side,
               guint   n_rows)
{
  static const guint8 signature[] = { 0x89, 'P', 'N', 'G', 0x0d, 0x0a, 0x1a, 0x0a };
  g_autoptr(GZlibCompressor) compressor = g_zlib_compressor_new (G_ZLIB_COMPRESSOR_FORMAT_ZLIB, 9);
  g_autoptr(GOutputStream) memory = g_memory_output_stream_new_resizable ();
  g_autoptr(GOutputStream) zlib = g_converter_output_stream_new (memory, G_CONVERTER (compressor));
  g_autoptr(GByteArray) png = g_byte_array_new ();
  g_autoptr(GError) error = NULL;
  g_autofree guint8 *row = g_malloc0 (1 + (gsize) side * 4);
  guint8 ihdr[13] = { 0 };

  for (guint i = 0; i < n_rows; i++)
    {
      g_output_stream_write_all (zlib, row, 1 + (gsize) side * 4, NULL, NULL, &error);
      g_assert_no_error (error);
    }
  g_output_stream_close (zlib, NULL, &error);
  g_assert_no_error (error);

  put_be32 (ihdr, side);
  put_be32 (ihdr + 4, side);
  ihdr[8] = 8;
  ihdr[9] = 6;

  g_byte_array_append (png, signature, sizeof signature);
  append_chunk (png, "IHDR", ihdr, sizeof ihdr);
  append_chunk (png, "IDAT",
                g_memory_output_stream_get_data (G_MEMORY_OUTPUT_STREAM (memory)),
                g_memory_output_stream_get_data_size (G_MEMORY_OUTPUT_STREAM (memory)));
  append_chunk (png, "IEND", NULL, 0);

  return g_byte_array_free_to_bytes (g_steal_pointer (&png));
}

/* Splices an Exif APP1 segment with the given orientation after SOI. */
static GBytes *
add_exif_orientation (GBytes *jpeg,
                      int     orientation)
{
  static const guint8 app1[] = {
    0xff, 0xe1, 0x00, 0x22,                   /* APP1, length 34 */
    'E', 'x', 'i', 'f', 0, 0,
    'M', 'M', 0x00, 0x2a, 0x00, 0x00, 0x00, 0x08,  /* big endian TIFF, IFD0 at 8 */
    0x00, 0x01,                               /* one entry */
    0x01, 0x12, 0x00, 0x03, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00,                   /* no next IFD */
  };
  const guint8 *data;
  gsize len;
  GByteArray *out = g_byte_array_new ();
  guint8 segment[sizeof app1];

  data = g_bytes_get_data (jpeg, &len);
  g_assert_cmpuint (len, >, 2);
  memcpy (segment, app1, sizeof app1);
  segment[4 + 6 + 8 + 2 + 8 + 1] = orientation;

  g_byte_array_append (out, data, 2);
  g_byte_array_append (out, segment, sizeof segment);
  g_byte_array_append (out, data + 2, len - 2);

  return g_byte_array_free_to_bytes (out);
}

/* Rewrites the frame size in a baseline JPEG's SOF0 segment. */
static GBytes *
patch_jpeg_size (GBytes *jpeg,
                 guint16 width,
                 guint16 height)
{
  gsize len = g_bytes_get_size (jpeg);
  guint8 *data = g_memdup2 (g_bytes_get_data (jpeg, NULL), len);

  for (gsize i = 2; i + 9 < len; i++)
    {
      if (data[i] == 0xff && data[i + 1] == 0xc0)
        {
          data[i + 5] = height >> 8;
          data[i + 6] = height & 0xff;
          data[i + 7] = width >> 8;
          data[i + 8] = width & 0xff;
          return g_bytes_new_take (data, len);
        }
    }

  g_assert_not_reached ();
}

/* Rewrites the frame size in a simple (lossy, "VP8 ") WebP's key frame
 * header; sizes are 14 bits. */
static GBytes *
patch_webp_size (GBytes  *webp,
                 guint16  width,
                 guint16  height)
{
  gsize len = g_bytes_get_size (webp);
  guint8 *data = g_memdup2 (g_bytes_get_data (webp, NULL), len);

  g_assert_cmpuint (len, >, 30);
  g_assert_true (memcmp (data + 12, "VP8 ", 4) == 0);
  g_assert_true (data[23] == 0x9d && data[24] == 0x01 && data[25] == 0x2a);

  data[26] = width & 0xff;
  data[27] = (width >> 8) & 0x3f;
  data[28] = height & 0xff;
  data[29] = (height >> 8) & 0x3f;

  return g_bytes_new_take (data, len);
}

static void
on_import_finished (GObject      *source,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  GAsyncResult **out = user_data;

  *out = g_object_ref (result);
}

static SbMediaImport *
import_sync (GFile         *file,
             GCancellable  *cancellable,
             GError       **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  sb_media_import_file_async (file, cancellable, on_import_finished, &result);
  while (result == NULL)
    g_main_context_iteration (NULL, TRUE);

  return sb_media_import_file_finish (result, error);
}

/* ------------------------------------------------------------------ */
/* Sniffing                                                            */
/* ------------------------------------------------------------------ */

static void
test_sniff (void)
{
  static const struct
  {
    const char *bytes;
    gsize       len;
    const char *expected;
  } cases[] = {
    { "\x89PNG\r\n\x1a\n\0\0\0\rIHDR", 16, "image/png" },
    { "\xff\xd8\xff\xe0\0\x10JFIF", 10, "image/jpeg" },
    { "\xff\xd8\xff\xe1\0\x10" "Exif", 10, "image/jpeg" },
    { "RIFF\x24\0\0\0WEBPVP8 ", 16, "image/webp" },
    { "GIF87a\x01\0\x01\0", 10, "image/gif" },
    { "GIF89a\x01\0\x01\0", 10, "image/gif" },
    { "\0\0\0\x20" "ftypisom\0\0\x02\0", 16, "video/mp4" },
    { "\0\0\0\x18" "ftypmp42\0\0\0\0", 16, "video/mp4" },
    { "\0\0\0\x14" "ftypqt  \0\0\x02\0", 16, "video/quicktime" },
    { "\x1a\x45\xdf\xa3\x9f\x42\x86\x81", 8, "video/webm" },
    /* Not ours, or too short to tell. */
    { "RIFF\x24\0\0\0WAVEfmt ", 16, NULL },
    { "\x89PNG\r\n", 6, NULL },
    { "\xff\xd8", 2, NULL },
    { "GIF90a", 6, NULL },
    { "\0\0\0\x20" "moov", 8, NULL },
    { "This is not an image", 20, NULL },
    { "", 0, NULL },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      const char *sniffed = sb_media_sniff ((const guint8 *) cases[i].bytes, cases[i].len);

      g_test_message ("case %u", i);
      g_assert_cmpstr (sniffed, ==, cases[i].expected);
    }
}

static void
test_sniff_files (void)
{
  static const struct
  {
    const char *name;
    const char *expected;
  } cases[] = {
    { "red.png", "image/png" },
    { "green.jpg", "image/jpeg" },
    { "blue.webp", "image/webp" },
    { "wrong-magic.png", "image/jpeg" },
    { "text.png", NULL },
    { "empty.png", NULL },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GBytes) bytes = load_image (cases[i].name);

      g_assert_cmpstr (sb_media_sniff (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes)),
                       ==, cases[i].expected);
    }
}

static void
test_supported_image (void)
{
  g_assert_true (sb_media_is_supported_image ("image/png"));
  g_assert_true (sb_media_is_supported_image ("image/jpeg"));
  g_assert_true (sb_media_is_supported_image ("image/jpg"));
  g_assert_true (sb_media_is_supported_image ("IMAGE/JPEG"));
  g_assert_true (sb_media_is_supported_image ("image/webp"));
  g_assert_false (sb_media_is_supported_image ("image/gif"));
  g_assert_false (sb_media_is_supported_image ("image/svg+xml"));
  g_assert_false (sb_media_is_supported_image ("video/mp4"));
  g_assert_false (sb_media_is_supported_image ("application/octet-stream"));
  g_assert_false (sb_media_is_supported_image (""));
}

/* ------------------------------------------------------------------ */
/* Processing real images                                              */
/* ------------------------------------------------------------------ */

static void
check_real_image (const char *name,
                  const char *claimed,
                  const char *mime_type)
{
  g_autoptr(GBytes) bytes = load_image (name);
  g_autoptr(GBytes) thumbnail = NULL;
  g_autoptr(GdkPixbuf) pixbuf = NULL;
  g_autoptr(GError) error = NULL;
  SbMediaProbe probe = { 0 };
  gboolean ok;

  ok = sb_media_process_image (bytes, claimed, SB_MEDIA_THUMBNAIL_SIZE, &probe, &thumbnail, &error);
  g_assert_no_error (error);
  g_assert_true (ok);

  g_assert_cmpstr (probe.mime_type, ==, mime_type);
  g_assert_cmpint (probe.width, ==, 640);
  g_assert_cmpint (probe.height, ==, 480);

  /* 640 x 480 scaled to a 320 longest side. */
  g_assert_nonnull (thumbnail);
  g_assert_cmpstr (sb_media_sniff (g_bytes_get_data (thumbnail, NULL), g_bytes_get_size (thumbnail)),
                   ==, "image/png");
  pixbuf = decode_png (thumbnail);
  g_assert_cmpint (gdk_pixbuf_get_width (pixbuf), ==, SB_MEDIA_THUMBNAIL_SIZE);
  g_assert_cmpint (gdk_pixbuf_get_height (pixbuf), ==, SB_MEDIA_THUMBNAIL_SIZE * 3 / 4);
}

static void
test_process_png (void)
{
  check_real_image ("red.png", "image/png", "image/png");
}

static void
test_process_jpeg (void)
{
  check_real_image ("green.jpg", "image/jpeg", "image/jpeg");
}

static void
test_process_webp (void)
{
  check_real_image ("blue.webp", "image/webp", "image/webp");
}

static void
test_process_claims (void)
{
  /* Aliases and "no claim" are accepted. */
  check_real_image ("green.jpg", "image/jpg", "image/jpeg");
  check_real_image ("green.jpg", "image/pjpeg", "image/jpeg");
  check_real_image ("green.jpg", NULL, "image/jpeg");
  check_real_image ("green.jpg", "application/octet-stream", "image/jpeg");
  check_real_image ("red.png", "image/x-png", "image/png");
  check_real_image ("wrong-magic.png", NULL, "image/jpeg");
}

static void
test_process_thumbnail_sizes (void)
{
  g_autoptr(GBytes) bytes = load_image ("blue.webp");
  static const struct
  {
    int size;
    int width;
    int height;
  } cases[] = {
    { 64, 64, 48 },
    { 100, 100, 75 },
    { 639, 639, 479 },
    { 640, 640, 480 },
    { 2000, 640, 480 },   /* never upscaled */
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GBytes) thumbnail = NULL;
      g_autoptr(GdkPixbuf) pixbuf = NULL;
      g_autoptr(GError) error = NULL;
      SbMediaProbe probe = { 0 };

      g_assert_true (sb_media_process_image (bytes, "image/webp", cases[i].size, &probe, &thumbnail, &error));
      g_assert_no_error (error);
      pixbuf = decode_png (thumbnail);
      g_assert_cmpint (gdk_pixbuf_get_width (pixbuf), ==, cases[i].width);
      g_assert_cmpint (gdk_pixbuf_get_height (pixbuf), ==, cases[i].height);
      g_assert_cmpint (probe.width, ==, 640);
    }
}

static void
test_process_small_not_upscaled (void)
{
  static const char *types[] = { "png", "jpeg", "webp" };

  for (guint i = 0; i < G_N_ELEMENTS (types); i++)
    {
      g_autoptr(GdkPixbuf) source = make_pixbuf (100, 50);
      g_autoptr(GBytes) bytes = encode (source, types[i]);
      g_autoptr(GBytes) thumbnail = NULL;
      g_autoptr(GdkPixbuf) pixbuf = NULL;
      g_autoptr(GError) error = NULL;
      SbMediaProbe probe = { 0 };

      g_assert_true (sb_media_process_image (bytes, NULL, SB_MEDIA_THUMBNAIL_SIZE, &probe, &thumbnail, &error));
      g_assert_no_error (error);
      g_assert_cmpint (probe.width, ==, 100);
      g_assert_cmpint (probe.height, ==, 50);
      pixbuf = decode_png (thumbnail);
      g_assert_cmpint (gdk_pixbuf_get_width (pixbuf), ==, 100);
      g_assert_cmpint (gdk_pixbuf_get_height (pixbuf), ==, 50);
    }
}

static void
test_process_exif_orientation (void)
{
  g_autoptr(GdkPixbuf) source = make_pixbuf (64, 32);
  g_autoptr(GBytes) plain = encode (source, "jpeg");
  g_autoptr(GBytes) bytes = add_exif_orientation (plain, 6);
  g_autoptr(GBytes) thumbnail = NULL;
  g_autoptr(GdkPixbuf) pixbuf = NULL;
  g_autoptr(GError) error = NULL;
  SbMediaProbe probe = { 0 };
  const guchar *pixels;
  int rowstride, n_channels;

  g_assert_true (sb_media_process_image (bytes, "image/jpeg", 16, &probe, &thumbnail, &error));
  g_assert_no_error (error);

  /* Orientation 6 turns the image a quarter clockwise: 32 x 64 as shown. */
  g_assert_cmpint (probe.width, ==, 32);
  g_assert_cmpint (probe.height, ==, 64);

  pixbuf = decode_png (thumbnail);
  g_assert_cmpint (gdk_pixbuf_get_width (pixbuf), ==, 8);
  g_assert_cmpint (gdk_pixbuf_get_height (pixbuf), ==, 16);

  /* The red left half is now on top. */
  pixels = gdk_pixbuf_get_pixels (pixbuf);
  rowstride = gdk_pixbuf_get_rowstride (pixbuf);
  n_channels = gdk_pixbuf_get_n_channels (pixbuf);
  g_assert_cmpint (pixels[2 * rowstride + 4 * n_channels + 0], >, 150);
  g_assert_cmpint (pixels[2 * rowstride + 4 * n_channels + 2], <, 100);
  g_assert_cmpint (pixels[13 * rowstride + 4 * n_channels + 0], <, 100);
  g_assert_cmpint (pixels[13 * rowstride + 4 * n_channels + 2], >, 150);
}

/* Layouts gdk-pixbuf cannot write: progressive JPEG, WebP with alpha
 * (VP8X + ALPH) and lossless WebP (VP8L); whole and cut short. */
static void
test_process_other_layouts (void)
{
  static const struct
  {
    const char *name;
    const char *mime_type;
    gboolean has_alpha;
  } cases[] = {
    { "progressive.jpg", "image/jpeg", FALSE },
    { "alpha.webp", "image/webp", TRUE },
    { "lossless.webp", "image/webp", TRUE },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GBytes) bytes = load_image (cases[i].name);
      g_autoptr(GBytes) thumbnail = NULL;
      g_autoptr(GBytes) cut = NULL;
      g_autoptr(GdkPixbuf) pixbuf = NULL;
      g_autoptr(GError) error = NULL;
      SbMediaProbe probe = { 0 };

      g_test_message ("%s", cases[i].name);
      g_assert_true (sb_media_process_image (bytes, cases[i].mime_type, 150, &probe, &thumbnail, &error));
      g_assert_no_error (error);
      g_assert_cmpstr (probe.mime_type, ==, cases[i].mime_type);
      g_assert_cmpint (probe.width, ==, 300);
      g_assert_cmpint (probe.height, ==, 200);

      pixbuf = decode_png (thumbnail);
      g_assert_cmpint (gdk_pixbuf_get_width (pixbuf), ==, 150);
      g_assert_cmpint (gdk_pixbuf_get_height (pixbuf), ==, 100);
      g_assert_cmpint (gdk_pixbuf_get_has_alpha (pixbuf), ==, cases[i].has_alpha);

      cut = slice (bytes, g_bytes_get_size (bytes) - 1);
      assert_refused (cut, NULL, SB_MEDIA_ERROR_TRUNCATED);
      g_clear_pointer (&cut, g_bytes_unref);
      cut = slice (bytes, g_bytes_get_size (bytes) / 2);
      assert_refused (cut, NULL, SB_MEDIA_ERROR_TRUNCATED);
    }
}

static void
test_process_no_outputs (void)
{
  g_autoptr(GBytes) bytes = load_image ("red.png");
  g_autoptr(GBytes) bad = load_image ("truncated.png");
  g_autoptr(GError) error = NULL;

  /* Validation alone works without a probe or a thumbnail. */
  g_assert_true (sb_media_process_image (bytes, NULL, 32, NULL, NULL, &error));
  g_assert_no_error (error);
  g_assert_false (sb_media_process_image (bad, NULL, 32, NULL, NULL, &error));
  g_assert_error (error, SB_MEDIA_ERROR, SB_MEDIA_ERROR_TRUNCATED);
}

/* ------------------------------------------------------------------ */
/* Refusing bad images                                                 */
/* ------------------------------------------------------------------ */

static void
test_refuse_empty (void)
{
  g_autoptr(GBytes) bytes = load_image ("empty.png");
  g_autoptr(GBytes) none = g_bytes_new (NULL, 0);
  g_autoptr(GError) error = NULL;

  assert_refused (bytes, "image/png", SB_MEDIA_ERROR_EMPTY);
  assert_refused (none, NULL, SB_MEDIA_ERROR_EMPTY);

  sb_media_process_image (bytes, NULL, 32, NULL, NULL, &error);
  g_assert_cmpstr (error->message, ==, "The file is empty");
}

static void
test_refuse_truncated_files (void)
{
  static const char *names[] = { "truncated.png", "truncated.jpg", "truncated.webp" };

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      g_autoptr(GBytes) bytes = load_image (names[i]);
      g_autoptr(GError) error = NULL;
      g_autoptr(GdkPixbuf) pixbuf = NULL;

      g_test_message ("%s", names[i]);
      assert_refused (bytes, NULL, SB_MEDIA_ERROR_TRUNCATED);

      sb_media_process_image (bytes, NULL, 32, NULL, NULL, &error);
      g_assert_cmpstr (error->message, ==, "The image is incomplete — the file was cut short");
      g_clear_error (&error);

      pixbuf = sb_media_load_scaled (bytes, 100, 100, &error);
      g_assert_error (error, SB_MEDIA_ERROR, SB_MEDIA_ERROR_TRUNCATED);
      g_assert_null (pixbuf);
    }
}

/* Cut each format at many places, down to the last byte. */
static void
test_refuse_truncated_everywhere (void)
{
  static const char *names[] = { "red.png", "green.jpg", "blue.webp" };

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      g_autoptr(GBytes) bytes = load_image (names[i]);
      gsize len = g_bytes_get_size (bytes);
      gsize cuts[] = { 16, 64, len / 10, len / 3, len / 2, len * 9 / 10, len - 16, len - 2, len - 1 };

      for (guint j = 0; j < G_N_ELEMENTS (cuts); j++)
        {
          g_autoptr(GBytes) cut = slice (bytes, cuts[j]);

          g_test_message ("%s cut at %" G_GSIZE_FORMAT " of %" G_GSIZE_FORMAT, names[i], cuts[j], len);
          assert_refused (cut, NULL, SB_MEDIA_ERROR_TRUNCATED);
        }
    }
}

static void
test_refuse_wrong_magic (void)
{
  g_autoptr(GBytes) bytes = load_image ("wrong-magic.png");
  g_autoptr(GBytes) png = load_image ("red.png");
  g_autoptr(GError) error = NULL;

  assert_refused (bytes, "image/png", SB_MEDIA_ERROR_MISMATCH);
  assert_refused (png, "image/jpeg", SB_MEDIA_ERROR_MISMATCH);
  assert_refused (png, "image/webp", SB_MEDIA_ERROR_MISMATCH);
  assert_refused (png, "video/mp4", SB_MEDIA_ERROR_MISMATCH);

  sb_media_process_image (bytes, "image/png", 32, NULL, NULL, &error);
  g_assert_cmpstr (error->message, ==, "The file says it is a PNG image but contains a JPEG image");
}

static void
test_refuse_text (void)
{
  g_autoptr(GBytes) bytes = load_image ("text.png");
  g_autoptr(GError) error = NULL;

  assert_refused (bytes, "image/png", SB_MEDIA_ERROR_UNSUPPORTED);
  assert_refused (bytes, NULL, SB_MEDIA_ERROR_UNSUPPORTED);

  sb_media_process_image (bytes, "image/png", 32, NULL, NULL, &error);
  g_assert_cmpstr (error->message, ==, "This is not a PNG, JPEG or WebP image");
}

static void
test_refuse_other_formats (void)
{
  static const char gif[] = "GIF89a\x01\0\x01\0\x80\0\0\0\0\0\xff\xff\xff!\xf9\x04\x01\0\0\0\0,"
                            "\0\0\0\0\x01\0\x01\0\0\x02\x02\x44\x01\0;";
  static const char mp4[] = "\0\0\0\x20" "ftypisom\0\0\x02\0isomiso2avc1mp41";
  g_autoptr(GBytes) gif_bytes = g_bytes_new_static (gif, sizeof gif - 1);
  g_autoptr(GBytes) mp4_bytes = g_bytes_new_static (mp4, sizeof mp4 - 1);
  g_autoptr(GError) error = NULL;

  assert_refused (gif_bytes, NULL, SB_MEDIA_ERROR_UNSUPPORTED);
  assert_refused (gif_bytes, "image/gif", SB_MEDIA_ERROR_UNSUPPORTED);
  assert_refused (mp4_bytes, NULL, SB_MEDIA_ERROR_UNSUPPORTED);
  assert_refused (gif_bytes, "image/png", SB_MEDIA_ERROR_MISMATCH);

  sb_media_process_image (gif_bytes, NULL, 32, NULL, NULL, &error);
  g_assert_nonnull (strstr (error->message, "GIF"));
}

static void
test_refuse_corrupt (void)
{
  g_autoptr(GBytes) png = load_image ("red.png");
  g_autoptr(GBytes) jpeg = load_image ("green.jpg");
  gsize len;
  g_autofree guint8 *data = NULL;
  g_autoptr(GBytes) damaged = NULL;

  /* Same length and framing, garbage inside the IDAT (a CRC error). */
  len = g_bytes_get_size (png);
  data = g_memdup2 (g_bytes_get_data (png, NULL), len);
  for (gsize i = 60; i < len - 40; i++)
    data[i] ^= 0x5a;
  damaged = g_bytes_new (data, len);
  assert_refused (damaged, NULL, SB_MEDIA_ERROR_CORRUPT);
  g_clear_pointer (&damaged, g_bytes_unref);
  g_clear_pointer (&data, g_free);

  /* A JPEG with its quantisation and Huffman tables overwritten. */
  len = g_bytes_get_size (jpeg);
  data = g_memdup2 (g_bytes_get_data (jpeg, NULL), len);
  for (gsize i = 0; i + 3 < len; i++)
    {
      if (data[i] == 0xff && (data[i + 1] == 0xc4 || data[i + 1] == 0xdb))
        memset (data + i + 4, 0xff, 8);
    }
  damaged = g_bytes_new (data, len);
  assert_refused (damaged, NULL, SB_MEDIA_ERROR_CORRUPT);
}

static void
test_refuse_huge_header (void)
{
  g_autoptr(GBytes) bytes = load_image ("huge-header.png");
  g_autoptr(GError) error = NULL;
  g_autoptr(GdkPixbuf) pixbuf = NULL;

  assert_refused (bytes, "image/png", SB_MEDIA_ERROR_TOO_MANY_PIXELS);

  sb_media_process_image (bytes, NULL, 32, NULL, NULL, &error);
  g_assert_cmpstr (error->message, ==,
                   "The image is too large (30000 × 30000 pixels; the limit is 16384 pixels a side and 100 megapixels)");
  g_clear_error (&error);

  pixbuf = sb_media_load_scaled (bytes, 100, 100, &error);
  g_assert_error (error, SB_MEDIA_ERROR, SB_MEDIA_ERROR_TOO_MANY_PIXELS);
  g_assert_null (pixbuf);
}

/* Within the side limit, over the pixel limit, in every format. */
static void
test_refuse_too_many_pixels (void)
{
  g_autoptr(GBytes) png = make_huge_png (12000, 1);     /* 144 MP */
  g_autoptr(GBytes) jpeg_source = load_image ("green.jpg");
  g_autoptr(GBytes) jpeg = patch_jpeg_size (jpeg_source, 12000, 12000);
  g_autoptr(GBytes) jpeg_wide = patch_jpeg_size (jpeg_source, 20000, 16);
  g_autoptr(GBytes) webp_source = load_image ("blue.webp");
  g_autoptr(GBytes) webp = patch_webp_size (webp_source, 12000, 12000);
  g_autoptr(GError) error = NULL;

  assert_refused (png, NULL, SB_MEDIA_ERROR_TOO_MANY_PIXELS);
  assert_refused (jpeg, NULL, SB_MEDIA_ERROR_TOO_MANY_PIXELS);
  assert_refused (jpeg_wide, NULL, SB_MEDIA_ERROR_TOO_MANY_PIXELS);
  assert_refused (webp, NULL, SB_MEDIA_ERROR_TOO_MANY_PIXELS);

  sb_media_process_image (jpeg_wide, NULL, 32, NULL, NULL, &error);
  g_assert_nonnull (strstr (error->message, "20000 × 16 pixels"));
}

/* Decoding the 2000 rows of zeros after a 30000 x 30000 header would
 * touch 2000 * 30000 * 4 = 240 MB; a full buffer would be 3.6 GB.  The
 * first 64 KiB chunk alone holds about 60 MB of rows. */
#define HUGE_ROWS          2000
#define MAX_PEAK_GROWTH_MB 32

static void
test_refuse_huge_header_memory (void)
{
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GError) error = NULL;
  long before, after;

  /* Run in a fresh process, so that the peak measured is this call's. */
  if (!g_test_subprocess ())
    {
      g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_INHERIT_STDERR);
      g_test_trap_assert_passed ();
      return;
    }

  bytes = make_huge_png (30000, HUGE_ROWS);

  before = peak_rss_kib ();
  g_assert_false (sb_media_process_image (bytes, "image/png", SB_MEDIA_THUMBNAIL_SIZE, NULL, NULL, &error));
  after = peak_rss_kib ();

  g_assert_error (error, SB_MEDIA_ERROR, SB_MEDIA_ERROR_TOO_MANY_PIXELS);
  g_test_message ("peak RSS grew by %ld KiB", after - before);
  g_assert_cmpint (after - before, <, MAX_PEAK_GROWTH_MB * 1024);
}

static void
test_refuse_too_large_bytes (void)
{
  g_autofree char *path = g_build_filename (g_get_user_cache_dir (), "sparse.png", NULL);
  g_autoptr(GMappedFile) mapped = NULL;
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GBytes) png = load_image ("red.png");
  g_autoptr(GError) error = NULL;
  int fd;

  /* A sparse file mapped read-only costs no memory. */
  g_assert_no_errno (g_mkdir_with_parents (g_get_user_cache_dir (), 0700));
  fd = g_open (path, O_CREAT | O_WRONLY | O_TRUNC, 0600);
  g_assert_cmpint (fd, >=, 0);
  g_assert_no_errno (write (fd, g_bytes_get_data (png, NULL), g_bytes_get_size (png)) > 0 ? 0 : -1);
  g_assert_no_errno (ftruncate (fd, SB_MEDIA_MAX_IMAGE_BYTES + 1));
  g_assert_no_errno (close (fd));

  mapped = g_mapped_file_new (path, FALSE, &error);
  g_assert_no_error (error);
  bytes = g_mapped_file_get_bytes (mapped);
  g_assert_cmpuint (g_bytes_get_size (bytes), ==, SB_MEDIA_MAX_IMAGE_BYTES + 1);

  assert_refused (bytes, "image/png", SB_MEDIA_ERROR_TOO_LARGE);
  sb_media_process_image (bytes, NULL, 32, NULL, NULL, &error);
  g_assert_nonnull (strstr (error->message, "the limit is 104.9"));
}

/* ------------------------------------------------------------------ */
/* Scaled loading                                                      */
/* ------------------------------------------------------------------ */

static void
test_load_scaled (void)
{
  static const struct
  {
    const char *name;
    int max_width;
    int max_height;
    int width;
    int height;
  } cases[] = {
    { "red.png", 320, 320, 320, 240 },
    { "red.png", 640, 100, 133, 100 },
    { "green.jpg", 1000, 1000, 640, 480 },   /* never upscaled */
    { "green.jpg", 64, 480, 64, 48 },
    { "blue.webp", 100, 1000, 100, 75 },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GBytes) bytes = load_image (cases[i].name);
      g_autoptr(GdkPixbuf) pixbuf = NULL;
      g_autoptr(GError) error = NULL;

      pixbuf = sb_media_load_scaled (bytes, cases[i].max_width, cases[i].max_height, &error);
      g_assert_no_error (error);
      g_assert_nonnull (pixbuf);
      g_assert_cmpint (gdk_pixbuf_get_width (pixbuf), ==, cases[i].width);
      g_assert_cmpint (gdk_pixbuf_get_height (pixbuf), ==, cases[i].height);
    }
}

static void
test_load_scaled_orientation (void)
{
  g_autoptr(GdkPixbuf) source = make_pixbuf (64, 32);
  g_autoptr(GBytes) plain = encode (source, "jpeg");
  g_autoptr(GBytes) bytes = add_exif_orientation (plain, 6);
  g_autoptr(GdkPixbuf) pixbuf = NULL;
  g_autoptr(GError) error = NULL;

  /* Shown as 32 x 64, so a 16-wide box halves it. */
  pixbuf = sb_media_load_scaled (bytes, 16, 100, &error);
  g_assert_no_error (error);
  g_assert_cmpint (gdk_pixbuf_get_width (pixbuf), ==, 16);
  g_assert_cmpint (gdk_pixbuf_get_height (pixbuf), ==, 32);
}

static void
test_load_scaled_refuses (void)
{
  static const struct
  {
    const char *name;
    SbMediaError code;
  } cases[] = {
    { "empty.png", SB_MEDIA_ERROR_EMPTY },
    { "text.png", SB_MEDIA_ERROR_UNSUPPORTED },
    { "truncated.jpg", SB_MEDIA_ERROR_TRUNCATED },
    { "huge-header.png", SB_MEDIA_ERROR_TOO_MANY_PIXELS },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GBytes) bytes = load_image (cases[i].name);
      g_autoptr(GdkPixbuf) pixbuf = NULL;
      g_autoptr(GError) error = NULL;

      pixbuf = sb_media_load_scaled (bytes, 100, 100, &error);
      g_assert_error (error, SB_MEDIA_ERROR, (int) cases[i].code);
      g_assert_null (pixbuf);
    }
}

/* ------------------------------------------------------------------ */
/* Importing files                                                     */
/* ------------------------------------------------------------------ */

static void
test_import_real_file (void)
{
  static const struct
  {
    const char *name;
    const char *mime_type;
  } cases[] = {
    { "red.png", "image/png" },
    { "green.jpg", "image/jpeg" },
    { "blue.webp", "image/webp" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GFile) file = image_file (cases[i].name);
      g_autoptr(GBytes) expected = load_image (cases[i].name);
      g_autoptr(SbMediaImport) import = NULL;
      g_autoptr(GdkPixbuf) thumbnail = NULL;
      g_autoptr(GError) error = NULL;

      import = import_sync (file, NULL, &error);
      g_assert_no_error (error);
      g_assert_nonnull (import);

      g_assert_true (g_file_equal (import->file, file));
      g_assert_cmpstr (import->display_name, ==, cases[i].name);
      g_assert_true (g_bytes_equal (import->bytes, expected));
      g_assert_cmpstr (import->probe.mime_type, ==, cases[i].mime_type);
      g_assert_cmpint (import->probe.width, ==, 640);
      g_assert_cmpint (import->probe.height, ==, 480);

      thumbnail = decode_png (import->thumbnail);
      g_assert_cmpint (MAX (gdk_pixbuf_get_width (thumbnail), gdk_pixbuf_get_height (thumbnail)),
                       ==, SB_MEDIA_THUMBNAIL_SIZE);
    }
}

static void
test_import_missing (void)
{
  g_autoptr(GFile) file = image_file ("does-not-exist.png");
  g_autoptr(SbMediaImport) import = NULL;
  g_autoptr(GError) error = NULL;

  import = import_sync (file, NULL, &error);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND);
  g_assert_null (import);
}

static void
test_import_bad_files (void)
{
  static const struct
  {
    const char *name;
    SbMediaError code;
  } cases[] = {
    { "empty.png", SB_MEDIA_ERROR_EMPTY },
    { "truncated.png", SB_MEDIA_ERROR_TRUNCATED },
    { "wrong-magic.png", SB_MEDIA_ERROR_MISMATCH },  /* the name claims PNG */
    { "text.png", SB_MEDIA_ERROR_UNSUPPORTED },
    { "huge-header.png", SB_MEDIA_ERROR_TOO_MANY_PIXELS },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GFile) file = image_file (cases[i].name);
      g_autoptr(SbMediaImport) import = NULL;
      g_autoptr(GError) error = NULL;

      g_test_message ("%s", cases[i].name);
      import = import_sync (file, NULL, &error);
      g_assert_error (error, SB_MEDIA_ERROR, (int) cases[i].code);
      g_assert_null (import);
    }
}

static void
test_import_no_extension (void)
{
  g_autoptr(GBytes) bytes = load_image ("green.jpg");
  g_autofree char *path = g_build_filename (g_get_user_cache_dir (), "picture", NULL);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(SbMediaImport) import = NULL;
  g_autoptr(GError) error = NULL;

  /* No name to claim a type: the content decides. */
  g_assert_no_errno (g_mkdir_with_parents (g_get_user_cache_dir (), 0700));
  g_file_set_contents (path, g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes), &error);
  g_assert_no_error (error);

  import = import_sync (file, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (import->probe.mime_type, ==, "image/jpeg");
  g_assert_cmpstr (import->display_name, ==, "picture");
}

static void
test_import_too_large (void)
{
  g_autofree char *path = g_build_filename (g_get_user_cache_dir (), "huge.png", NULL);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GFileOutputStream) stream = NULL;
  g_autoptr(SbMediaImport) import = NULL;
  g_autoptr(GError) error = NULL;
  long before;
  int fd;

  /* A sparse file one byte over the cap, made through GIO. */
  g_assert_no_errno (g_mkdir_with_parents (g_get_user_cache_dir (), 0700));
  stream = g_file_replace (file, NULL, FALSE, G_FILE_CREATE_NONE, NULL, &error);
  g_assert_no_error (error);
  g_output_stream_write_all (G_OUTPUT_STREAM (stream), "\x89PNG\r\n\x1a\n", 8, NULL, NULL, &error);
  g_assert_no_error (error);
  g_output_stream_close (G_OUTPUT_STREAM (stream), NULL, &error);
  g_assert_no_error (error);
  fd = g_open (path, O_WRONLY, 0);
  g_assert_cmpint (fd, >=, 0);
  g_assert_no_errno (ftruncate (fd, (off_t) SB_MEDIA_MAX_IMAGE_BYTES + 1));
  g_assert_no_errno (close (fd));

  /* Refused from its size: reading it would take over 100 MB. */
  before = peak_rss_kib ();
  import = import_sync (file, NULL, &error);
  g_assert_error (error, SB_MEDIA_ERROR, SB_MEDIA_ERROR_TOO_LARGE);
  g_assert_null (import);
  g_assert_cmpint (peak_rss_kib () - before, <, 50 * 1024);
}

static void
test_import_cancelled (void)
{
  g_autoptr(GFile) file = image_file ("red.png");
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(SbMediaImport) import = NULL;
  g_autoptr(GError) error = NULL;

  g_cancellable_cancel (cancellable);
  import = import_sync (file, cancellable, &error);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_null (import);
}

/* ------------------------------------------------------------------ */
/* Threads                                                             */
/* ------------------------------------------------------------------ */

static gpointer
process_many (gpointer user_data)
{
  static const char *names[] = { "red.png", "green.jpg", "blue.webp", "truncated.png", "huge-header.png" };
  guint failures = 0;

  for (guint round = 0; round < 10; round++)
    for (guint i = 0; i < G_N_ELEMENTS (names); i++)
      {
        g_autoptr(GBytes) bytes = load_image (names[i]);
        g_autoptr(GBytes) thumbnail = NULL;
        g_autoptr(GError) error = NULL;
        SbMediaProbe probe = { 0 };
        gboolean expected = i < 3;

        if (sb_media_process_image (bytes, NULL, 64, &probe, &thumbnail, &error) != expected)
          failures++;
        else if (expected && (probe.width != 640 || thumbnail == NULL))
          failures++;
      }

  return GUINT_TO_POINTER (failures);
}

static void
test_threads (void)
{
  GThread *threads[6];

  for (guint i = 0; i < G_N_ELEMENTS (threads); i++)
    threads[i] = g_thread_new ("test-media", process_many, NULL);

  for (guint i = 0; i < G_N_ELEMENTS (threads); i++)
    g_assert_cmpuint (GPOINTER_TO_UINT (g_thread_join (threads[i])), ==, 0);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/sb/media/sniff/bytes", test_sniff);
  g_test_add_func ("/sb/media/sniff/files", test_sniff_files);
  g_test_add_func ("/sb/media/supported-image", test_supported_image);

  g_test_add_func ("/sb/media/process/png", test_process_png);
  g_test_add_func ("/sb/media/process/jpeg", test_process_jpeg);
  g_test_add_func ("/sb/media/process/webp", test_process_webp);
  g_test_add_func ("/sb/media/process/claims", test_process_claims);
  g_test_add_func ("/sb/media/process/thumbnail-sizes", test_process_thumbnail_sizes);
  g_test_add_func ("/sb/media/process/small-not-upscaled", test_process_small_not_upscaled);
  g_test_add_func ("/sb/media/process/exif-orientation", test_process_exif_orientation);
  g_test_add_func ("/sb/media/process/other-layouts", test_process_other_layouts);
  g_test_add_func ("/sb/media/process/no-outputs", test_process_no_outputs);

  g_test_add_func ("/sb/media/refuse/empty", test_refuse_empty);
  g_test_add_func ("/sb/media/refuse/truncated-files", test_refuse_truncated_files);
  g_test_add_func ("/sb/media/refuse/truncated-everywhere", test_refuse_truncated_everywhere);
  g_test_add_func ("/sb/media/refuse/wrong-magic", test_refuse_wrong_magic);
  g_test_add_func ("/sb/media/refuse/text", test_refuse_text);
  g_test_add_func ("/sb/media/refuse/other-formats", test_refuse_other_formats);
  g_test_add_func ("/sb/media/refuse/corrupt", test_refuse_corrupt);
  g_test_add_func ("/sb/media/refuse/huge-header", test_refuse_huge_header);
  g_test_add_func ("/sb/media/refuse/too-many-pixels", test_refuse_too_many_pixels);
  g_test_add_func ("/sb/media/refuse/huge-header-memory", test_refuse_huge_header_memory);
  g_test_add_func ("/sb/media/refuse/too-large-bytes", test_refuse_too_large_bytes);

  g_test_add_func ("/sb/media/png/layouts", test_png_layouts);
  g_test_add_func ("/sb/media/png/scaled-pixels", test_png_scaled_pixels);
  g_test_add_func ("/sb/media/png/large-memory", test_png_large_memory);

  g_test_add_func ("/sb/media/load-scaled/sizes", test_load_scaled);
  g_test_add_func ("/sb/media/load-scaled/orientation", test_load_scaled_orientation);
  g_test_add_func ("/sb/media/load-scaled/refuses", test_load_scaled_refuses);

  g_test_add_func ("/sb/media/import/real-file", test_import_real_file);
  g_test_add_func ("/sb/media/import/missing", test_import_missing);
  g_test_add_func ("/sb/media/import/bad-files", test_import_bad_files);
  g_test_add_func ("/sb/media/import/no-extension", test_import_no_extension);
  g_test_add_func ("/sb/media/import/too-large", test_import_too_large);
  g_test_add_func ("/sb/media/import/cancelled", test_import_cancelled);

  g_test_add_func ("/sb/media/threads", test_threads);

  return g_test_run ();
}
