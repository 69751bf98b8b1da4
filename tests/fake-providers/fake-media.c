/* fake-media.c
 *
 * Copyright 2026 The Storyboard authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "sb-fake-providers"

#include <cairo.h>
#include <gdk-pixbuf/gdk-pixbuf.h>
#include <math.h>
#include <string.h>

#include "fake-server.h"

static void
hue_to_rgb (double  hue,
            double  lightness,
            double *r,
            double *g,
            double *b)
{
  double h = fmod (hue, 1.0) * 6.0;
  double x = 1.0 - fabs (fmod (h, 2.0) - 1.0);
  double c = 0.75;

  *r = *g = *b = 0;
  if (h < 1) { *r = c; *g = c * x; }
  else if (h < 2) { *r = c * x; *g = c; }
  else if (h < 3) { *g = c; *b = c * x; }
  else if (h < 4) { *g = c * x; *b = c; }
  else if (h < 5) { *r = c * x; *b = c; }
  else { *r = c; *b = c * x; }
  *r = *r * lightness + (1 - lightness) * 0.1;
  *g = *g * lightness + (1 - lightness) * 0.1;
  *b = *b * lightness + (1 - lightness) * 0.1;
}

static cairo_status_t
write_png_cb (void                *closure,
              const unsigned char *data,
              unsigned int         length)
{
  g_byte_array_append (closure, data, length);
  return CAIRO_STATUS_SUCCESS;
}

static void
draw_wrapped_text (cairo_t    *cr,
                   const char *text,
                   int         width,
                   int         height)
{
  double size = MAX (8.0, width / 18.0);
  g_auto(GStrv) words = g_strsplit (text, " ", -1);
  GString *line = g_string_new (NULL);
  double y;
  int lines = 0;

  cairo_select_font_face (cr, "Sans", CAIRO_FONT_SLANT_NORMAL, CAIRO_FONT_WEIGHT_BOLD);
  cairo_set_font_size (cr, size);
  y = height * 0.2;

  for (guint i = 0; words[i] != NULL && lines < 6; i++)
    {
      cairo_text_extents_t ext;
      g_autofree char *candidate = line->len ? g_strdup_printf ("%s %s", line->str, words[i])
                                             : g_strdup (words[i]);

      cairo_text_extents (cr, candidate, &ext);
      if (ext.x_advance > width * 0.86 && line->len > 0)
        {
          cairo_move_to (cr, width * 0.07, y);
          cairo_show_text (cr, line->str);
          y += size * 1.3;
          lines++;
          g_string_assign (line, words[i]);
        }
      else
        g_string_assign (line, candidate);
    }
  if (line->len > 0 && lines < 6)
    {
      cairo_move_to (cr, width * 0.07, y);
      cairo_show_text (cr, line->str);
    }
  g_string_free (line, TRUE);
}

static GdkPixbuf *
surface_to_pixbuf (cairo_surface_t *surface)
{
  int width = cairo_image_surface_get_width (surface);
  int height = cairo_image_surface_get_height (surface);
  int stride = cairo_image_surface_get_stride (surface);
  const guint8 *src = cairo_image_surface_get_data (surface);
  GdkPixbuf *pixbuf = gdk_pixbuf_new (GDK_COLORSPACE_RGB, FALSE, 8, width, height);
  int dst_stride = gdk_pixbuf_get_rowstride (pixbuf);
  guint8 *dst = gdk_pixbuf_get_pixels (pixbuf);

  cairo_surface_flush (surface);
  for (int y = 0; y < height; y++)
    {
      const guint32 *row = (const guint32 *) (src + y * stride);
      guint8 *out = dst + y * dst_stride;

      for (int x = 0; x < width; x++)
        {
          guint32 p = row[x];

          out[3 * x + 0] = (p >> 16) & 0xff;
          out[3 * x + 1] = (p >> 8) & 0xff;
          out[3 * x + 2] = p & 0xff;
        }
    }
  return pixbuf;
}

/* A real image, different for every prompt: a gradient with a few discs in
 * colours taken from a hash of the prompt, and the prompt written on it. */
GBytes *
fake_media_render_image (const char  *text,
                         int          index,
                         int          width,
                         int          height,
                         const char  *format,
                         const char **content_type)
{
  g_autofree char *sum = g_compute_checksum_for_string (G_CHECKSUM_SHA256, text ? text : "", -1);
  guint32 seed = (guint32) g_ascii_strtoull (sum + 56, NULL, 16) + (guint32) index * 7919;
  g_autoptr(GRand) rand = g_rand_new_with_seed (seed);
  cairo_surface_t *surface;
  cairo_pattern_t *gradient;
  cairo_t *cr;
  double hue = g_rand_double (rand);
  double r, g, b;
  g_autofree char *label = g_strdup_printf ("#%d  %dx%d", index + 1, width, height);
  GBytes *result = NULL;

  width = CLAMP (width, 8, 8192);
  height = CLAMP (height, 8, 8192);
  surface = cairo_image_surface_create (CAIRO_FORMAT_RGB24, width, height);
  cr = cairo_create (surface);

  gradient = cairo_pattern_create_linear (0, 0, width, height);
  hue_to_rgb (hue, 1.0, &r, &g, &b);
  cairo_pattern_add_color_stop_rgb (gradient, 0, r, g, b);
  hue_to_rgb (hue + 0.35, 0.6, &r, &g, &b);
  cairo_pattern_add_color_stop_rgb (gradient, 1, r, g, b);
  cairo_set_source (cr, gradient);
  cairo_paint (cr);
  cairo_pattern_destroy (gradient);

  for (int i = 0; i < 5; i++)
    {
      hue_to_rgb (hue + g_rand_double (rand), 0.9, &r, &g, &b);
      cairo_set_source_rgba (cr, r, g, b, 0.55);
      cairo_arc (cr, g_rand_double (rand) * width, g_rand_double (rand) * height,
                 (0.05 + g_rand_double (rand) * 0.2) * MIN (width, height), 0, 2 * G_PI);
      cairo_fill (cr);
    }

  cairo_set_source_rgba (cr, 1, 1, 1, 0.92);
  draw_wrapped_text (cr, text ? text : "", width, height);
  cairo_set_font_size (cr, MAX (6.0, width / 32.0));
  cairo_move_to (cr, width * 0.07, height * 0.92);
  cairo_show_text (cr, label);
  cairo_destroy (cr);

  if (format != NULL && (g_str_equal (format, "webp") || g_str_equal (format, "jpg") ||
                         g_str_equal (format, "jpeg")))
    {
      g_autoptr(GdkPixbuf) pixbuf = surface_to_pixbuf (surface);
      g_autoptr(GError) error = NULL;
      gboolean webp = g_str_equal (format, "webp");
      char *buffer = NULL;
      gsize size = 0;

      if (gdk_pixbuf_save_to_buffer (pixbuf, &buffer, &size, webp ? "webp" : "jpeg", &error,
                                     "quality", "80", NULL))
        {
          *content_type = webp ? "image/webp" : "image/jpeg";
          result = g_bytes_new_take (buffer, size);
        }
      else
        g_warning ("Cannot encode %s: %s; sending PNG", format, error->message);
    }

  if (result == NULL)
    {
      GByteArray *png = g_byte_array_new ();

      cairo_surface_write_to_png_stream (surface, write_png_cb, png);
      *content_type = "image/png";
      result = g_byte_array_free_to_bytes (png);
    }

  cairo_surface_destroy (surface);
  return result;
}

GBytes *
fake_media_load_video (FakeServer  *self,
                       const char  *format,
                       const char **content_type)
{
  gboolean webm = format != NULL && g_str_equal (format, "webm");
  g_autofree char *path = g_build_filename (self->data_dir, "video",
                                            webm ? "sample-320x180.webm" : "sample-320x180.mp4",
                                            NULL);
  g_autoptr(GError) error = NULL;
  char *contents = NULL;
  gsize length = 0;

  if (!g_file_get_contents (path, &contents, &length, &error))
    {
      g_warning ("%s", error->message);
      return NULL;
    }
  *content_type = webm ? "video/webm" : "video/mp4";
  return g_bytes_new_take (contents, length);
}
