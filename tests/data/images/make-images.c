/* make-images.c
 *
 * Copyright 2026 The Storyboard authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Writes the test images in the current folder.  Not part of the build:
 * run ./make-images.sh, which compiles and runs it.
 */

#include <stdio.h>
#include <string.h>

#include <gdk-pixbuf/gdk-pixbuf.h>
#include <jpeglib.h>
#include <webp/encode.h>

#define WIDTH  640
#define HEIGHT 480

static void
fill_rect (GdkPixbuf *pixbuf,
           int        x0,
           int        y0,
           int        w,
           int        h,
           guint32    rgb)
{
  int n_channels = gdk_pixbuf_get_n_channels (pixbuf);
  int rowstride = gdk_pixbuf_get_rowstride (pixbuf);
  guchar *pixels = gdk_pixbuf_get_pixels (pixbuf);

  for (int y = MAX (y0, 0); y < MIN (y0 + h, gdk_pixbuf_get_height (pixbuf)); y++)
    for (int x = MAX (x0, 0); x < MIN (x0 + w, gdk_pixbuf_get_width (pixbuf)); x++)
      {
        guchar *p = pixels + y * rowstride + x * n_channels;

        p[0] = (rgb >> 16) & 0xff;
        p[1] = (rgb >> 8) & 0xff;
        p[2] = rgb & 0xff;
      }
}

static void
fill_disc (GdkPixbuf *pixbuf,
           int        cx,
           int        cy,
           int        r,
           guint32    rgb)
{
  for (int y = -r; y <= r; y++)
    for (int x = -r; x <= r; x++)
      if (x * x + y * y <= r * r)
        fill_rect (pixbuf, cx + x, cy + y, 1, 1, rgb);
}

/* A flat background with a few shapes, so that decoding errors show and
 * the files stay a few KB. */
static GdkPixbuf *
draw (guint32 background,
      guint32 accent)
{
  GdkPixbuf *pixbuf = gdk_pixbuf_new (GDK_COLORSPACE_RGB, FALSE, 8, WIDTH, HEIGHT);

  fill_rect (pixbuf, 0, 0, WIDTH, HEIGHT, background);
  fill_rect (pixbuf, 40, 40, 200, 120, 0xffffff);
  fill_rect (pixbuf, 0, HEIGHT - 60, WIDTH, 20, accent);
  fill_disc (pixbuf, 440, 240, 100, accent);
  fill_disc (pixbuf, 440, 240, 40, 0xffffff);

  return pixbuf;
}

static void
save (GdkPixbuf  *pixbuf,
      const char *name,
      const char *type)
{
  GError *error = NULL;
  gboolean ok;

  if (g_str_equal (type, "jpeg"))
    ok = gdk_pixbuf_save (pixbuf, name, type, &error, "quality", "80", NULL);
  else if (g_str_equal (type, "webp"))
    ok = gdk_pixbuf_save (pixbuf, name, type, &error, "quality", "80", NULL);
  else
    ok = gdk_pixbuf_save (pixbuf, name, type, &error, "compression", "9", NULL);

  if (!ok)
    g_error ("%s: %s", name, error->message);
}

static void
write_file (const char *name,
            const void *data,
            gsize       len)
{
  GError *error = NULL;

  if (!g_file_set_contents (name, data, len, &error))
    g_error ("%s: %s", name, error->message);
}

static void
write_prefix (const char *source,
              const char *name,
              gsize       len)
{
  char *data = NULL;
  gsize full = 0;
  GError *error = NULL;

  if (!g_file_get_contents (source, &data, &full, &error))
    g_error ("%s: %s", source, error->message);
  g_assert (len < full);
  write_file (name, data, len);
  g_free (data);
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
put_be32 (GByteArray *array,
          guint32     value)
{
  guint8 b[4] = { value >> 24, value >> 16, value >> 8, value };

  g_byte_array_append (array, b, 4);
}

static void
put_chunk (GByteArray   *png,
           const char   *type,
           const guint8 *data,
           guint32       len)
{
  guint32 crc;

  put_be32 (png, len);
  g_byte_array_append (png, (const guint8 *) type, 4);
  if (len > 0)
    g_byte_array_append (png, data, len);
  crc = crc32 ((const guint8 *) type, 4, 0);
  crc = crc32 (data, len, crc);
  put_be32 (png, crc);
}

/* A well-formed PNG whose IHDR claims 30000 x 30000 RGBA pixels (3.6 GB
 * decoded), with one short row of real zlib data and an IEND. */
static void
write_huge_header (const char *name)
{
  static const guint8 signature[] = { 0x89, 'P', 'N', 'G', 0x0d, 0x0a, 0x1a, 0x0a };
  guint8 ihdr[13] = { 0 };
  /* zlib, one stored block holding 16 zero bytes, Adler-32 of them */
  guint8 idat[2 + 5 + 16 + 4] = { 0x78, 0x01, 0x01, 16, 0, 0xef, 0xff };
  GByteArray *png = g_byte_array_new ();
  guint32 side = 30000;

  idat[2 + 5 + 16 + 0] = 0x00;
  idat[2 + 5 + 16 + 1] = 0x10;
  idat[2 + 5 + 16 + 2] = 0x00;
  idat[2 + 5 + 16 + 3] = 0x01;

  g_byte_array_append (png, signature, sizeof signature);
  ihdr[0] = side >> 24; ihdr[1] = side >> 16; ihdr[2] = side >> 8; ihdr[3] = side;
  memcpy (ihdr + 4, ihdr, 4);
  ihdr[8] = 8;    /* bit depth */
  ihdr[9] = 6;    /* RGBA */
  put_chunk (png, "IHDR", ihdr, sizeof ihdr);
  put_chunk (png, "IDAT", idat, sizeof idat);
  put_chunk (png, "IEND", NULL, 0);

  write_file (name, png->data, png->len);
  g_byte_array_unref (png);
}

/* Layouts gdk-pixbuf cannot save: a progressive JPEG, a lossy WebP with
 * an alpha channel (VP8X + ALPH) and a lossless WebP (VP8L). */
static void
write_other_layouts (void)
{
  const int w = 300, h = 200;
  guint8 *rgb = g_malloc (w * h * 3);
  guint8 *rgba = g_malloc (w * h * 4);
  struct jpeg_compress_struct cinfo;
  struct jpeg_error_mgr jerr;
  uint8_t *out = NULL;
  size_t n;
  FILE *f;

  for (int y = 0; y < h; y++)
    for (int x = 0; x < w; x++)
      {
        guint8 *p = rgb + (y * w + x) * 3;
        guint8 *q = rgba + (y * w + x) * 4;

        p[0] = q[0] = x;
        p[1] = q[1] = y;
        p[2] = q[2] = (x * y) >> 6;
        q[3] = x < w / 2 ? 64 : 255;
      }

  cinfo.err = jpeg_std_error (&jerr);
  jpeg_create_compress (&cinfo);
  f = fopen ("progressive.jpg", "wb");
  g_assert (f != NULL);
  jpeg_stdio_dest (&cinfo, f);
  cinfo.image_width = w;
  cinfo.image_height = h;
  cinfo.input_components = 3;
  cinfo.in_color_space = JCS_RGB;
  jpeg_set_defaults (&cinfo);
  jpeg_set_quality (&cinfo, 80, TRUE);
  jpeg_simple_progression (&cinfo);
  jpeg_start_compress (&cinfo, TRUE);
  while (cinfo.next_scanline < cinfo.image_height)
    {
      JSAMPROW row = rgb + cinfo.next_scanline * w * 3;

      jpeg_write_scanlines (&cinfo, &row, 1);
    }
  jpeg_finish_compress (&cinfo);
  jpeg_destroy_compress (&cinfo);
  fclose (f);

  n = WebPEncodeRGBA (rgba, w, h, w * 4, 80, &out);
  g_assert (n > 0);
  write_file ("alpha.webp", out, n);
  WebPFree (out);

  n = WebPEncodeLosslessRGBA (rgba, w, h, w * 4, &out);
  g_assert (n > 0);
  write_file ("lossless.webp", out, n);
  WebPFree (out);

  g_free (rgb);
  g_free (rgba);
}

int
main (int   argc,
      char *argv[])
{
  GdkPixbuf *red = draw (0xd01c1c, 0x202060);
  GdkPixbuf *green = draw (0x1c9c3c, 0x602020);
  GdkPixbuf *blue = draw (0x1c4cd0, 0xf0c020);
  gsize size;
  char *data;

  save (red, "red.png", "png");
  save (green, "green.jpg", "jpeg");
  save (blue, "blue.webp", "webp");

  write_file ("empty.png", "", 0);

  g_file_get_contents ("red.png", &data, &size, NULL);
  write_prefix ("red.png", "truncated.png", size / 2);
  g_free (data);
  g_file_get_contents ("green.jpg", &data, &size, NULL);
  write_prefix ("green.jpg", "truncated.jpg", size / 2);
  g_free (data);
  g_file_get_contents ("blue.webp", &data, &size, NULL);
  write_prefix ("blue.webp", "truncated.webp", size / 2);
  g_free (data);

  g_file_get_contents ("green.jpg", &data, &size, NULL);
  write_file ("wrong-magic.png", data, size);
  g_free (data);

  data = "This is a text file, not an image.\n";
  write_file ("text.png", data, strlen (data));

  write_huge_header ("huge-header.png");
  write_other_layouts ();

  g_object_unref (red);
  g_object_unref (green);
  g_object_unref (blue);

  return 0;
}
