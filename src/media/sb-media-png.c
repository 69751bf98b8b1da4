/* sb-media-png.c
 *
 * Copyright 2026 The Storyboard authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "sb-media"

#include "config.h"

#include <png.h>
#include <setjmp.h>
#include <string.h>

#include "sb-media-private.h"

/* gdk-pixbuf's PNG module always allocates the full-size image and
 * scales it afterwards (6000 x 6000 costs 108 MB for a 320 pixel
 * thumbnail).  Here libpng hands over one row at a time and each row is
 * averaged into the scaled image at once, so memory is a few rows. */

#define FEED_CHUNK_SIZE (64 * 1024)

typedef struct
{
  /* Borrowed */
  png_structp  png;
  png_infop    info;

  int          max_width;
  int          max_height;

  /* Filled from the header */
  int          width;
  int          height;
  int          out_width;
  int          out_height;
  gboolean     has_alpha;
  gboolean     interlaced;

  /* Owned */
  int         *x_map;       /* source column -> scaled column */
  guint64     *sums;        /* per scaled column: r*a, g*a, b*a, a */
  guint32     *counts;      /* per scaled column: source pixels summed */
  int          out_row;     /* scaled row being accumulated */
  GdkPixbuf   *pixbuf;
  GError      *error;

  gboolean     finished;
  char         message[200];
} PngScaler;

static void
on_png_error (png_structp     png,
              png_const_charp message)
{
  PngScaler *self = png_get_error_ptr (png);

  g_strlcpy (self->message, message, sizeof self->message);
  png_longjmp (png, 1);
}

static void
on_png_warning (png_structp     png,
                png_const_charp message)
{
  g_debug ("libpng: %s", message);
}

static void
flush_row (PngScaler *self)
{
  guchar *pixels;
  int n_channels;

  if (self->out_row < 0 || self->out_row >= self->out_height)
    return;

  pixels = gdk_pixbuf_get_pixels (self->pixbuf) + (gsize) self->out_row * gdk_pixbuf_get_rowstride (self->pixbuf);
  n_channels = gdk_pixbuf_get_n_channels (self->pixbuf);

  for (int x = 0; x < self->out_width; x++)
    {
      guint64 *sum = self->sums + (gsize) x * 4;
      guint32 count = MAX (self->counts[x], 1);
      guchar *p = pixels + (gsize) x * n_channels;

      /* Average premultiplied, so transparent pixels do not bleed. */
      for (int c = 0; c < 3; c++)
        p[c] = sum[3] > 0 ? (guchar) ((sum[c] + sum[3] / 2) / sum[3]) : 0;
      if (self->has_alpha)
        p[3] = (guchar) ((sum[3] + count / 2) / count);
    }

  memset (self->sums, 0, sizeof (guint64) * 4 * self->out_width);
  memset (self->counts, 0, sizeof (guint32) * self->out_width);
}

static void
on_png_info (png_structp png,
             png_infop   info)
{
  PngScaler *self = png_get_progressive_ptr (png);
  png_uint_32 width, height;
  int bit_depth, color_type, interlace;

  png_get_IHDR (png, info, &width, &height, &bit_depth, &color_type, &interlace, NULL, NULL);

  self->width = (int) MIN (width, (png_uint_32) G_MAXINT);
  self->height = (int) MIN (height, (png_uint_32) G_MAXINT);

  if (!sb_media_check_dimensions (self->width, self->height, &self->error))
    png_error (png, "refused");

  if (interlace != PNG_INTERLACE_NONE)
    {
      self->interlaced = TRUE;
      png_error (png, "interlaced");
    }

  self->has_alpha = (color_type & PNG_COLOR_MASK_ALPHA) != 0 || png_get_valid (png, info, PNG_INFO_tRNS);

  /* Whatever the file holds, rows arrive as 8-bit RGBA. */
  png_set_expand (png);
  png_set_strip_16 (png);
  png_set_gray_to_rgb (png);
  png_set_filler (png, 0xff, PNG_FILLER_AFTER);
  png_read_update_info (png, info);

  if (png_get_rowbytes (png, info) != (gsize) self->width * 4)
    png_error (png, "unexpected row layout");

  sb_media_fit_size (self->width, self->height, self->max_width, self->max_height,
                     &self->out_width, &self->out_height);

  self->pixbuf = gdk_pixbuf_new (GDK_COLORSPACE_RGB, self->has_alpha, 8, self->out_width, self->out_height);
  if (self->pixbuf == NULL)
    png_error (png, "out of memory");

  self->x_map = g_new (int, self->width);
  for (int x = 0; x < self->width; x++)
    self->x_map[x] = (int) ((gint64) x * self->out_width / self->width);
  self->sums = g_new0 (guint64, (gsize) self->out_width * 4);
  self->counts = g_new0 (guint32, self->out_width);
  self->out_row = 0;
}

static void
on_png_row (png_structp png,
            png_bytep   row,
            png_uint_32 row_num,
            int         pass)
{
  PngScaler *self = png_get_progressive_ptr (png);
  int out_row;

  if (row == NULL || row_num >= (png_uint_32) self->height)
    return;

  out_row = (int) ((gint64) row_num * self->out_height / self->height);
  if (out_row != self->out_row)
    {
      flush_row (self);
      self->out_row = out_row;
    }

  for (int x = 0; x < self->width; x++)
    {
      const guchar *p = row + (gsize) x * 4;
      int ox = self->x_map[x];
      guint64 *sum = self->sums + (gsize) ox * 4;

      sum[0] += (guint32) p[0] * p[3];
      sum[1] += (guint32) p[1] * p[3];
      sum[2] += (guint32) p[2] * p[3];
      sum[3] += p[3];
      self->counts[ox]++;
    }

  if (row_num + 1 == (png_uint_32) self->height)
    {
      flush_row (self);
      self->out_row = self->out_height;
    }
}

static void
on_png_end (png_structp png,
            png_infop   info)
{
  PngScaler *self = png_get_progressive_ptr (png);

  self->finished = TRUE;
}

/* Runs libpng over @data; FALSE when it stopped with an error. */
static gboolean
feed (PngScaler    *self,
      const guint8 *data,
      gsize         len)
{
  gsize offset = 0;

  if (setjmp (png_jmpbuf (self->png)))
    return FALSE;

  while (offset < len && !self->finished)
    {
      gsize chunk = MIN (FEED_CHUNK_SIZE, len - offset);

      png_process_data (self->png, self->info, (png_bytep) data + offset, chunk);
      offset += chunk;
    }

  return TRUE;
}

SbPngResult
sb_media_decode_png_scaled (const guint8  *data,
                            gsize          len,
                            int            max_width,
                            int            max_height,
                            GdkPixbuf    **out_pixbuf,
                            int           *out_width,
                            int           *out_height,
                            GError       **error)
{
  PngScaler *self;
  SbPngResult result;

  self = g_new0 (PngScaler, 1);
  self->max_width = max_width;
  self->max_height = max_height;
  self->out_row = -1;

  self->png = png_create_read_struct (PNG_LIBPNG_VER_STRING, self, on_png_error, on_png_warning);
  if (self->png != NULL)
    self->info = png_create_info_struct (self->png);

  if (self->png == NULL || self->info == NULL)
    {
      result = SB_PNG_FALLBACK;
    }
  else
    {
      png_set_progressive_read_fn (self->png, self, on_png_info, on_png_row, on_png_end);

      if (feed (self, data, len) && self->finished)
        {
          *out_pixbuf = g_steal_pointer (&self->pixbuf);
          *out_width = self->width;
          *out_height = self->height;
          result = SB_PNG_OK;
        }
      else if (self->error != NULL)
        {
          g_propagate_error (error, g_steal_pointer (&self->error));
          result = SB_PNG_ERROR;
        }
      else if (self->interlaced)
        {
          result = SB_PNG_FALLBACK;
        }
      else
        {
          g_debug ("Decoding image/png failed: %s",
                   self->message[0] != '\0' ? self->message : "no IEND");
          sb_media_set_corrupt_error (error);
          result = SB_PNG_ERROR;
        }
    }

  png_destroy_read_struct (&self->png, &self->info, NULL);
  g_clear_object (&self->pixbuf);
  g_clear_error (&self->error);
  g_free (self->x_map);
  g_free (self->sums);
  g_free (self->counts);
  g_free (self);

  return result;
}
