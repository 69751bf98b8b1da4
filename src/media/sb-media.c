/* sb-media.c
 *
 * Copyright 2026 The Storyboard authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "sb-media"

#include "config.h"

#include <string.h>

#include <glib/gi18n.h>

#include "sb-media-private.h"

/* How much of the stream the loader gets at a time. */
#define FEED_CHUNK_SIZE (64 * 1024)

G_DEFINE_QUARK (sb-media-error-quark, sb_media_error)

/* ------------------------------------------------------------------ */
/* Types                                                               */
/* ------------------------------------------------------------------ */

typedef struct
{
  const char *mime_type;
  const char *loader_name;    /* gdk-pixbuf module, NULL if not decoded */
  const char *with_article;   /* for messages: "a PNG image" */
} FormatInfo;

static const FormatInfo formats[] = {
  { "image/png", "png", N_("a PNG image") },
  { "image/jpeg", "jpeg", N_("a JPEG image") },
  { "image/webp", "webp", N_("a WebP image") },
  { "image/gif", NULL, N_("a GIF image") },
  { "video/mp4", NULL, N_("an MP4 video") },
  { "video/quicktime", NULL, N_("a QuickTime video") },
  { "video/webm", NULL, N_("a WebM video") },
};

/* Aliases seen in the wild (file managers, servers, old browsers). */
static const struct
{
  const char *alias;
  const char *mime_type;
} aliases[] = {
  { "image/jpg", "image/jpeg" },
  { "image/pjpeg", "image/jpeg" },
  { "image/x-png", "image/png" },
  { "image/apng", "image/png" },
  { "image/x-webp", "image/webp" },
  { "video/x-m4v", "video/mp4" },
  { "video/x-matroska", "video/webm" },
};

/* Used when shared-mime-info does not know the name (sandboxes, tests). */
static const struct
{
  const char *extension;
  const char *mime_type;
} extensions[] = {
  { ".png", "image/png" },
  { ".jpg", "image/jpeg" },
  { ".jpeg", "image/jpeg" },
  { ".jpe", "image/jpeg" },
  { ".jfif", "image/jpeg" },
  { ".webp", "image/webp" },
  { ".gif", "image/gif" },
  { ".mp4", "video/mp4" },
  { ".m4v", "video/mp4" },
  { ".mov", "video/quicktime" },
  { ".webm", "video/webm" },
  { ".mkv", "video/webm" },
};

static const FormatInfo *
find_format (const char *mime_type)
{
  if (mime_type == NULL)
    return NULL;

  for (guint i = 0; i < G_N_ELEMENTS (formats); i++)
    {
      if (g_ascii_strcasecmp (formats[i].mime_type, mime_type) == 0)
        return &formats[i];
    }

  return NULL;
}

/* The canonical spelling of @mime_type, or NULL when it makes no claim. */
static const char *
normalize_claim (const char *mime_type)
{
  const FormatInfo *format;

  if (mime_type == NULL || *mime_type == '\0' ||
      g_ascii_strcasecmp (mime_type, "application/octet-stream") == 0)
    return NULL;

  for (guint i = 0; i < G_N_ELEMENTS (aliases); i++)
    {
      if (g_ascii_strcasecmp (aliases[i].alias, mime_type) == 0)
        return aliases[i].mime_type;
    }

  format = find_format (mime_type);
  if (format != NULL)
    return format->mime_type;

  return mime_type;
}

char *
sb_media_describe_type (const char *mime_type)
{
  const FormatInfo *format = find_format (normalize_claim (mime_type));
  g_autofree char *description = NULL;

  if (format != NULL)
    return g_strdup (_(format->with_article));

  /* On Unix content types are MIME types. */
  description = g_content_type_get_description (mime_type);
  /* TRANSLATORS: %s is a file type description, e.g. "plain text document" */
  return g_strdup_printf (_("“%s”"), description);
}

/* ------------------------------------------------------------------ */
/* Sniffing                                                            */
/* ------------------------------------------------------------------ */

const char *
sb_media_sniff (const guint8 *data,
                gsize         len)
{
  static const guint8 png_magic[] = { 0x89, 'P', 'N', 'G', 0x0d, 0x0a, 0x1a, 0x0a };
  static const guint8 jpeg_magic[] = { 0xff, 0xd8, 0xff };
  static const guint8 ebml_magic[] = { 0x1a, 0x45, 0xdf, 0xa3 };

  g_return_val_if_fail (data != NULL || len == 0, NULL);

  if (len >= sizeof png_magic && memcmp (data, png_magic, sizeof png_magic) == 0)
    return "image/png";

  if (len >= sizeof jpeg_magic && memcmp (data, jpeg_magic, sizeof jpeg_magic) == 0)
    return "image/jpeg";

  if (len >= 12 && memcmp (data, "RIFF", 4) == 0 && memcmp (data + 8, "WEBP", 4) == 0)
    return "image/webp";

  if (len >= 6 && (memcmp (data, "GIF87a", 6) == 0 || memcmp (data, "GIF89a", 6) == 0))
    return "image/gif";

  /* ISO base media file: a box whose type is "ftyp", major brand next. */
  if (len >= 12 && memcmp (data + 4, "ftyp", 4) == 0)
    {
      if (memcmp (data + 8, "qt  ", 4) == 0)
        return "video/quicktime";
      return "video/mp4";
    }

  if (len >= sizeof ebml_magic && memcmp (data, ebml_magic, sizeof ebml_magic) == 0)
    return "video/webm";

  return NULL;
}

gboolean
sb_media_is_supported_image (const char *mime_type)
{
  const FormatInfo *format;

  g_return_val_if_fail (mime_type != NULL, FALSE);

  format = find_format (normalize_claim (mime_type));

  return format != NULL && format->loader_name != NULL;
}

/* ------------------------------------------------------------------ */
/* Structure checks                                                    */
/* ------------------------------------------------------------------ */

/* gdk-pixbuf happily returns a partial image for a truncated stream, so
 * each format's framing is walked here first: cheap, and no pixels. */
typedef enum
{
  STRUCTURE_COMPLETE,
  STRUCTURE_TRUNCATED,
  STRUCTURE_CORRUPT,
} Structure;

static inline guint32
read_be32 (const guint8 *p)
{
  return ((guint32) p[0] << 24) | ((guint32) p[1] << 16) | ((guint32) p[2] << 8) | p[3];
}

static inline guint16
read_be16 (const guint8 *p)
{
  return (guint16) ((p[0] << 8) | p[1]);
}

static inline guint32
read_le32 (const guint8 *p)
{
  return ((guint32) p[3] << 24) | ((guint32) p[2] << 16) | ((guint32) p[1] << 8) | p[0];
}

/* A PNG is complete once its IEND chunk is. */
static Structure
check_png (const guint8 *data,
           gsize         len)
{
  gsize offset = 8;

  for (;;)
    {
      guint32 length;

      if (len - offset < 12)
        return STRUCTURE_TRUNCATED;

      length = read_be32 (data + offset);
      if (length > G_MAXINT32)
        return STRUCTURE_CORRUPT;
      if ((guint64) len - offset - 12 < length)
        return STRUCTURE_TRUNCATED;

      if (memcmp (data + offset + 4, "IEND", 4) == 0)
        return STRUCTURE_COMPLETE;

      offset += 12 + (gsize) length;
    }
}

/* Reads the orientation tag of an Exif APP1 payload, 1 when absent. */
static int
parse_exif_orientation (const guint8 *p,
                        gsize         len)
{
  gboolean little;
  guint32 ifd;
  guint16 count;

#define R16(q) (little ? (guint16) ((q)[0] | ((q)[1] << 8)) : read_be16 (q))
#define R32(q) (little ? read_le32 (q) : read_be32 (q))

  if (len < 6 + 8 || memcmp (p, "Exif\0\0", 6) != 0)
    return 1;
  p += 6;
  len -= 6;

  if (memcmp (p, "II", 2) == 0)
    little = TRUE;
  else if (memcmp (p, "MM", 2) == 0)
    little = FALSE;
  else
    return 1;

  ifd = R32 (p + 4);
  if (ifd > len || len - ifd < 2)
    return 1;

  count = R16 (p + ifd);
  for (guint i = 0; i < count; i++)
    {
      gsize entry = ifd + 2 + (gsize) i * 12;

      if (entry + 12 > len)
        break;

      if (R16 (p + entry) == 0x0112 && R16 (p + entry + 2) == 3)
        {
          int value = R16 (p + entry + 8);

          return value >= 1 && value <= 8 ? value : 1;
        }
    }

#undef R16
#undef R32

  return 1;
}

/* A JPEG is complete once its EOI marker is; anything after it (a
 * "motion photo" video, padding) is ignored, as decoders do. */
static Structure
check_jpeg (const guint8 *data,
            gsize         len,
            int          *out_orientation)
{
  gsize offset = 2;

  *out_orientation = 1;

  while (offset < len)
    {
      guint8 marker;
      gsize length;

      /* Skip stray bytes and fill bytes up to the next marker. */
      if (data[offset] != 0xff)
        {
          offset++;
          continue;
        }
      while (offset < len && data[offset] == 0xff)
        offset++;
      if (offset >= len)
        return STRUCTURE_TRUNCATED;

      marker = data[offset++];

      if (marker == 0xd9) /* EOI */
        return STRUCTURE_COMPLETE;
      if (marker == 0xd8) /* SOI again */
        return STRUCTURE_CORRUPT;
      if (marker == 0x00 || marker == 0x01 || (marker >= 0xd0 && marker <= 0xd7))
        continue;

      if (len - offset < 2)
        return STRUCTURE_TRUNCATED;
      length = read_be16 (data + offset);
      if (length < 2)
        return STRUCTURE_CORRUPT;
      if (len - offset < length)
        return STRUCTURE_TRUNCATED;

      if (marker == 0xe1 && *out_orientation == 1)
        *out_orientation = parse_exif_orientation (data + offset + 2, length - 2);

      offset += length;

      if (marker == 0xda) /* SOS: entropy-coded data up to the next marker */
        {
          for (;;)
            {
              const guint8 *ff = memchr (data + offset, 0xff, len - offset);

              if (ff == NULL || (gsize) (ff - data) + 1 >= len)
                return STRUCTURE_TRUNCATED;

              offset = ff - data;
              if (ff[1] == 0x00 || ff[1] == 0xff || (ff[1] >= 0xd0 && ff[1] <= 0xd7))
                {
                  offset += ff[1] == 0xff ? 1 : 2;
                  continue;
                }
              break;
            }
        }
    }

  return STRUCTURE_TRUNCATED;
}

/* The RIFF header says how long the file is. */
static Structure
check_webp (const guint8 *data,
            gsize         len)
{
  guint32 riff_size;

  if (len < 12)
    return STRUCTURE_TRUNCATED;

  riff_size = read_le32 (data + 4);
  if (riff_size < 4)
    return STRUCTURE_CORRUPT;
  if ((guint64) len - 8 < riff_size)
    return STRUCTURE_TRUNCATED;

  return STRUCTURE_COMPLETE;
}

/* ------------------------------------------------------------------ */
/* Errors                                                              */
/* ------------------------------------------------------------------ */

void
sb_media_set_too_large_error (GError  **error,
                              guint64   size,
                              guint64   limit)
{
  g_autofree char *size_str = g_format_size (size);
  g_autofree char *limit_str = g_format_size (limit);

  g_set_error (error, SB_MEDIA_ERROR, SB_MEDIA_ERROR_TOO_LARGE,
               /* TRANSLATORS: both are sizes, e.g. "120.5 MB" */
               _("The file is too large (%s; the limit is %s)"),
               size_str, limit_str);
}

static void
set_too_many_pixels_error (GError **error,
                           int      width,
                           int      height)
{
  g_set_error (error, SB_MEDIA_ERROR, SB_MEDIA_ERROR_TOO_MANY_PIXELS,
               _("The image is too large (%d × %d pixels; the limit is %d pixels a side and %d megapixels)"),
               width, height, SB_MEDIA_MAX_IMAGE_SIDE, SB_MEDIA_MAX_IMAGE_PIXELS / 1000000);
}

static void
set_truncated_error (GError **error)
{
  g_set_error_literal (error, SB_MEDIA_ERROR, SB_MEDIA_ERROR_TRUNCATED,
                       _("The image is incomplete — the file was cut short"));
}

void
sb_media_set_corrupt_error (GError **error)
{
  g_set_error_literal (error, SB_MEDIA_ERROR, SB_MEDIA_ERROR_CORRUPT,
                       _("The image could not be decoded"));
}

/* Everything that can be checked without decoding: size, emptiness,
 * magic bytes, the claimed type and the framing.  Returns the format. */
static const FormatInfo *
validate_container (GBytes      *bytes,
                    const char  *claimed_mime_type,
                    int         *out_orientation,
                    GError     **error)
{
  const guint8 *data;
  gsize len;
  const char *sniffed;
  const char *claimed;
  const FormatInfo *format;
  Structure structure = STRUCTURE_COMPLETE;

  *out_orientation = 1;
  data = g_bytes_get_data (bytes, &len);

  if (len > SB_MEDIA_MAX_IMAGE_BYTES)
    {
      sb_media_set_too_large_error (error, len, SB_MEDIA_MAX_IMAGE_BYTES);
      return NULL;
    }

  if (len == 0)
    {
      g_set_error_literal (error, SB_MEDIA_ERROR, SB_MEDIA_ERROR_EMPTY,
                           _("The file is empty"));
      return NULL;
    }

  sniffed = sb_media_sniff (data, len);
  if (sniffed == NULL)
    {
      g_set_error_literal (error, SB_MEDIA_ERROR, SB_MEDIA_ERROR_UNSUPPORTED,
                           _("This is not a PNG, JPEG or WebP image"));
      return NULL;
    }

  claimed = normalize_claim (claimed_mime_type);
  if (claimed != NULL && g_ascii_strcasecmp (claimed, sniffed) != 0)
    {
      g_autofree char *claimed_str = sb_media_describe_type (claimed);

      g_set_error (error, SB_MEDIA_ERROR, SB_MEDIA_ERROR_MISMATCH,
                   /* TRANSLATORS: e.g. "The file says it is a PNG image but contains a JPEG image" */
                   _("The file says it is %s but contains %s"),
                   claimed_str, _(find_format (sniffed)->with_article));
      return NULL;
    }

  format = find_format (sniffed);
  g_assert (format != NULL);

  if (format->loader_name == NULL)
    {
      g_set_error (error, SB_MEDIA_ERROR, SB_MEDIA_ERROR_UNSUPPORTED,
                   /* TRANSLATORS: %s is e.g. "a GIF image" or "an MP4 video" */
                   _("This is %s, not a PNG, JPEG or WebP image"),
                   _(format->with_article));
      return NULL;
    }

  if (g_str_equal (format->mime_type, "image/png"))
    structure = check_png (data, len);
  else if (g_str_equal (format->mime_type, "image/jpeg"))
    structure = check_jpeg (data, len, out_orientation);
  else if (g_str_equal (format->mime_type, "image/webp"))
    structure = check_webp (data, len);

  switch (structure)
    {
    case STRUCTURE_COMPLETE:
      return format;

    case STRUCTURE_TRUNCATED:
      set_truncated_error (error);
      return NULL;

    case STRUCTURE_CORRUPT:
    default:
      sb_media_set_corrupt_error (error);
      return NULL;
    }
}

/* ------------------------------------------------------------------ */
/* Decoding                                                            */
/* ------------------------------------------------------------------ */

typedef struct
{
  int      max_width;     /* box the result must fit in, as displayed */
  int      max_height;
  gboolean swap_axes;     /* the Exif orientation turns the image a quarter */
  int      width;         /* as stored, from the header */
  int      height;
  GError  *error;         /* set when the header is refused */
} DecodeState;

/* Fits @width x @height in @max_width x @max_height keeping the aspect
 * ratio; never upscales. */
void
sb_media_fit_size (int  width,
                   int  height,
                   int  max_width,
                   int  max_height,
                   int *out_width,
                   int *out_height)
{
  double scale = MIN ((double) max_width / width, (double) max_height / height);

  if (scale >= 1.0)
    {
      *out_width = width;
      *out_height = height;
      return;
    }

  *out_width = CLAMP ((int) (width * scale + 0.5), 1, max_width);
  *out_height = CLAMP ((int) (height * scale + 0.5), 1, max_height);
}

static void
on_loader_size_prepared (GdkPixbufLoader *loader,
                         int              width,
                         int              height,
                         gpointer         user_data)
{
  DecodeState *state = user_data;
  int scaled_width, scaled_height;

  /* Some modules report the size more than once. */
  if (state->width > 0 || state->error != NULL)
    return;

  state->width = width;
  state->height = height;

  if (!sb_media_check_dimensions (width, height, &state->error))
    {
      /* A zero size makes the modules give up before allocating any pixel
       * buffer.  With 1 x 1 the PNG module still allocates (and the
       * loader clears) the full size, then scales it: 3.6 GB touched for
       * a 30000 x 30000 header. */
      gdk_pixbuf_loader_set_size (loader, 0, 0);
      return;
    }

  if (state->swap_axes)
    {
      sb_media_fit_size (height, width, state->max_width, state->max_height, &scaled_height, &scaled_width);
    }
  else
    {
      sb_media_fit_size (width, height, state->max_width, state->max_height, &scaled_width, &scaled_height);
    }

  if (scaled_width != width || scaled_height != height)
    gdk_pixbuf_loader_set_size (loader, scaled_width, scaled_height);
}

gboolean
sb_media_check_dimensions (int      width,
                           int      height,
                           GError **error)
{
  if (width <= 0 || height <= 0)
    {
      sb_media_set_corrupt_error (error);
      return FALSE;
    }

  if (width > SB_MEDIA_MAX_IMAGE_SIDE || height > SB_MEDIA_MAX_IMAGE_SIDE ||
      (guint64) width * (guint64) height > SB_MEDIA_MAX_IMAGE_PIXELS)
    {
      set_too_many_pixels_error (error, width, height);
      return FALSE;
    }

  return TRUE;
}

/* Validates @bytes and decodes it to fit in @max_width x @max_height
 * (as displayed, after the Exif orientation is applied). */
static GdkPixbuf *
decode_image (GBytes        *bytes,
              const char    *claimed_mime_type,
              int            max_width,
              int            max_height,
              SbMediaProbe  *out_probe,
              GError       **error)
{
  g_autoptr(GdkPixbufLoader) loader = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autoptr(GdkPixbuf) oriented = NULL;
  const FormatInfo *format;
  DecodeState state = { 0 };
  GdkPixbuf *pixbuf;
  const guint8 *data;
  gsize len;
  gsize offset = 0;
  gboolean ok = TRUE;
  int orientation;

  format = validate_container (bytes, claimed_mime_type, &orientation, error);
  if (format == NULL)
    return NULL;

  data = g_bytes_get_data (bytes, &len);

  if (g_str_equal (format->mime_type, "image/png"))
    {
      GdkPixbuf *scaled = NULL;
      int width = 0, height = 0;

      switch (sb_media_decode_png_scaled (data, len, max_width, max_height, &scaled, &width, &height, error))
        {
        case SB_PNG_OK:
          if (out_probe != NULL)
            {
              out_probe->mime_type = format->mime_type;
              out_probe->width = width;
              out_probe->height = height;
            }
          return scaled;

        case SB_PNG_ERROR:
          return NULL;

        case SB_PNG_FALLBACK:
        default:
          break;
        }
    }

  /* Only the module the magic bytes name ever sees the data. */
  loader = gdk_pixbuf_loader_new_with_type (format->loader_name, &local_error);
  if (loader == NULL)
    {
      g_warning ("No gdk-pixbuf loader for %s: %s", format->mime_type, local_error->message);
      sb_media_set_corrupt_error (error);
      return NULL;
    }

  state.max_width = max_width;
  state.max_height = max_height;
  state.swap_axes = orientation >= 5;
  g_signal_connect (loader, "size-prepared", G_CALLBACK (on_loader_size_prepared), &state);

  while (ok && offset < len && state.error == NULL)
    {
      gsize chunk = MIN (FEED_CHUNK_SIZE, len - offset);

      ok = gdk_pixbuf_loader_write (loader, data + offset, chunk, &local_error);
      offset += chunk;
    }

  /* Always close, even after an error: the loader insists. */
  if (ok && state.error == NULL)
    ok = gdk_pixbuf_loader_close (loader, &local_error);
  else
    gdk_pixbuf_loader_close (loader, NULL);

  if (state.error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&state.error));
      return NULL;
    }

  pixbuf = ok ? gdk_pixbuf_loader_get_pixbuf (loader) : NULL;
  if (pixbuf == NULL)
    {
      g_debug ("Decoding %s failed: %s", format->mime_type,
               local_error != NULL ? local_error->message : "no image");
      if (local_error != NULL &&
          g_error_matches (local_error, GDK_PIXBUF_ERROR, GDK_PIXBUF_ERROR_INSUFFICIENT_MEMORY))
        g_set_error_literal (error, SB_MEDIA_ERROR, SB_MEDIA_ERROR_TOO_MANY_PIXELS,
                             _("There is not enough memory to open the image"));
      else
        sb_media_set_corrupt_error (error);
      return NULL;
    }

  /* Modules that do not read Exif leave it to us; the loader may also
   * drop the option when it scales. */
  if (orientation != 1 && gdk_pixbuf_get_option (pixbuf, "orientation") == NULL)
    {
      char value[2] = { (char) ('0' + orientation), '\0' };

      gdk_pixbuf_set_option (pixbuf, "orientation", value);
    }

  oriented = gdk_pixbuf_apply_embedded_orientation (pixbuf);
  if (oriented == NULL)
    {
      sb_media_set_corrupt_error (error);
      return NULL;
    }

  if (out_probe != NULL)
    {
      const char *applied = gdk_pixbuf_get_option (pixbuf, "orientation");
      gboolean swapped = applied != NULL && applied[0] >= '5' && applied[0] <= '8';

      /* The full size as displayed, not the size decoded. */
      out_probe->mime_type = format->mime_type;
      out_probe->width = swapped ? state.height : state.width;
      out_probe->height = swapped ? state.width : state.height;
    }

  return g_steal_pointer (&oriented);
}

gboolean
sb_media_process_image (GBytes        *bytes,
                        const char    *claimed_mime_type,
                        int            thumbnail_size,
                        SbMediaProbe  *out_probe,
                        GBytes       **out_thumbnail,
                        GError       **error)
{
  g_autoptr(GdkPixbuf) thumbnail = NULL;
  g_autoptr(GError) local_error = NULL;
  SbMediaProbe probe = { 0 };
  g_autofree char *buffer = NULL;
  gsize buffer_size = 0;

  g_return_val_if_fail (bytes != NULL, FALSE);
  g_return_val_if_fail (thumbnail_size > 0, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  thumbnail = decode_image (bytes, claimed_mime_type, thumbnail_size, thumbnail_size, &probe, error);
  if (thumbnail == NULL)
    return FALSE;

  if (out_thumbnail != NULL)
    {
      if (!gdk_pixbuf_save_to_buffer (thumbnail, &buffer, &buffer_size, "png", &local_error, NULL))
        {
          g_warning ("Could not encode a thumbnail: %s", local_error->message);
          sb_media_set_corrupt_error (error);
          return FALSE;
        }

      *out_thumbnail = g_bytes_new_take (g_steal_pointer (&buffer), buffer_size);
    }

  if (out_probe != NULL)
    *out_probe = probe;

  return TRUE;
}

GdkPixbuf *
sb_media_load_scaled (GBytes  *bytes,
                      int      max_width,
                      int      max_height,
                      GError **error)
{
  g_return_val_if_fail (bytes != NULL, NULL);
  g_return_val_if_fail (max_width > 0 && max_height > 0, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  return decode_image (bytes, NULL, max_width, max_height, NULL, error);
}

/* ------------------------------------------------------------------ */
/* Importing files                                                     */
/* ------------------------------------------------------------------ */

void
sb_media_import_free (SbMediaImport *import)
{
  if (import == NULL)
    return;

  g_clear_object (&import->file);
  g_clear_pointer (&import->display_name, g_free);
  g_clear_pointer (&import->bytes, g_bytes_unref);
  g_clear_pointer (&import->thumbnail, g_bytes_unref);
  g_free (import);
}

char *
sb_media_guess_claimed_type (const char *display_name)
{
  g_autofree char *content_type = NULL;
  g_autofree char *mime_type = NULL;
  const char *dot;

  content_type = g_content_type_guess (display_name, NULL, 0, NULL);
  if (content_type != NULL)
    mime_type = g_content_type_get_mime_type (content_type);

  if (mime_type != NULL && normalize_claim (mime_type) != NULL)
    return g_steal_pointer (&mime_type);

  /* Without shared-mime-info every name guesses application/octet-stream. */
  dot = strrchr (display_name, '.');
  if (dot != NULL)
    {
      for (guint i = 0; i < G_N_ELEMENTS (extensions); i++)
        {
          if (g_ascii_strcasecmp (dot, extensions[i].extension) == 0)
            return g_strdup (extensions[i].mime_type);
        }
    }

  return NULL;
}

GBytes *
sb_media_read_bounded (GFile         *file,
                       gsize          limit,
                       GCancellable  *cancellable,
                       GError       **error)
{
  g_autoptr(GFileInputStream) stream = NULL;
  g_autoptr(GByteArray) buffer = NULL;
  g_autofree guint8 *chunk = NULL;

  stream = g_file_read (file, cancellable, error);
  if (stream == NULL)
    return NULL;

  buffer = g_byte_array_new ();
  chunk = g_malloc (FEED_CHUNK_SIZE);

  for (;;)
    {
      gssize n_read;

      n_read = g_input_stream_read (G_INPUT_STREAM (stream), chunk, FEED_CHUNK_SIZE, cancellable, error);
      if (n_read < 0)
        return NULL;
      if (n_read == 0)
        break;

      if (buffer->len + (gsize) n_read > limit)
        {
          sb_media_set_too_large_error (error, buffer->len + (gsize) n_read, limit);
          return NULL;
        }

      g_byte_array_append (buffer, chunk, n_read);
    }

  if (!g_input_stream_close (G_INPUT_STREAM (stream), cancellable, error))
    return NULL;

  return g_byte_array_free_to_bytes (g_steal_pointer (&buffer));
}

static void
import_file_thread (GTask        *task,
                    gpointer      source_object,
                    gpointer      task_data,
                    GCancellable *cancellable)
{
  GFile *file = task_data;
  g_autoptr(SbMediaImport) import = NULL;
  g_autoptr(GFileInfo) info = NULL;
  g_autofree char *claimed = NULL;
  GError *error = NULL;
  goffset size;

  info = g_file_query_info (file,
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

  /* Refuse before reading a single byte. */
  size = g_file_info_get_size (info);
  if (size > SB_MEDIA_MAX_IMAGE_BYTES)
    {
      sb_media_set_too_large_error (&error, size, SB_MEDIA_MAX_IMAGE_BYTES);
      g_task_return_error (task, error);
      return;
    }

  import = g_new0 (SbMediaImport, 1);
  import->file = g_object_ref (file);
  import->display_name = g_strdup (g_file_info_get_display_name (info));

  import->bytes = sb_media_read_bounded (file, SB_MEDIA_MAX_IMAGE_BYTES, cancellable, &error);
  if (import->bytes == NULL)
    {
      g_task_return_error (task, error);
      return;
    }

  if (g_task_return_error_if_cancelled (task))
    return;

  claimed = sb_media_guess_claimed_type (import->display_name);
  g_debug ("Importing “%s” (%s, %" G_GSIZE_FORMAT " bytes)",
           import->display_name, claimed != NULL ? claimed : "no claimed type",
           g_bytes_get_size (import->bytes));

  if (!sb_media_process_image (import->bytes,
                               claimed,
                               SB_MEDIA_THUMBNAIL_SIZE,
                               &import->probe,
                               &import->thumbnail,
                               &error))
    {
      g_task_return_error (task, error);
      return;
    }

  g_task_return_pointer (task, g_steal_pointer (&import), (GDestroyNotify) sb_media_import_free);
}

void
sb_media_import_file_async (GFile               *file,
                            GCancellable        *cancellable,
                            GAsyncReadyCallback  callback,
                            gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (G_IS_FILE (file));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, sb_media_import_file_async);
  g_task_set_name (task, "[sb-media] import file");
  g_task_set_task_data (task, g_object_ref (file), g_object_unref);
  g_task_run_in_thread (task, import_file_thread);
}

SbMediaImport *
sb_media_import_file_finish (GAsyncResult  *result,
                             GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == sb_media_import_file_async, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}
