/* sb-media.h
 *
 * Copyright 2026 The Storyboard authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gdk-pixbuf/gdk-pixbuf.h>
#include <gio/gio.h>

G_BEGIN_DECLS

#define SB_MEDIA_ERROR (sb_media_error_quark ())

typedef enum
{
  SB_MEDIA_ERROR_EMPTY,            /* zero bytes */
  SB_MEDIA_ERROR_UNSUPPORTED,      /* magic bytes of no supported format */
  SB_MEDIA_ERROR_MISMATCH,         /* magic bytes disagree with the claimed type */
  SB_MEDIA_ERROR_TOO_LARGE,        /* over the byte size cap */
  SB_MEDIA_ERROR_TOO_MANY_PIXELS,  /* header claims dimensions over the cap */
  SB_MEDIA_ERROR_TRUNCATED,        /* stream ends early */
  SB_MEDIA_ERROR_CORRUPT,          /* does not decode */
  SB_MEDIA_ERROR_NO_VIDEO_DECODER, /* a GStreamer plugin is missing */
} SbMediaError;

GQuark sb_media_error_quark (void);

/* Caps applied by validation. */
#define SB_MEDIA_MAX_IMAGE_BYTES   (100 * 1024 * 1024)  /* 100 MiB */
#define SB_MEDIA_MAX_VIDEO_BYTES   (1024 * 1024 * 1024) /* 1 GiB */
#define SB_MEDIA_MAX_IMAGE_SIDE    16384
#define SB_MEDIA_MAX_IMAGE_PIXELS  (100 * 1000 * 1000) /* 100 megapixels */
#define SB_MEDIA_THUMBNAIL_SIZE    320                  /* longest side, pixels */

/* The MIME type the first bytes announce ("image/png", "image/jpeg",
 * "image/webp", "image/gif", "video/mp4", "video/quicktime", "video/webm"),
 * or NULL.  Needs at most the first 32 bytes. */
const char *sb_media_sniff (const guint8 *data,
                            gsize         len);

/* Whether @mime_type is an image type Storyboard imports. */
gboolean    sb_media_is_supported_image (const char *mime_type);

typedef struct
{
  const char *mime_type;   /* static string from sb_media_sniff() */
  int         width;       /* full size, as displayed (after the Exif */
  int         height;      /* orientation), not the thumbnail's */
  double      duration;    /* seconds; videos only, else 0 */
} SbMediaProbe;

/* Validates an image completely and makes its thumbnail in one pass, without
 * ever allocating the full-size image: checks the byte cap, the magic bytes
 * (against @claimed_mime_type when not NULL), the dimensions announced by the
 * header (refused before any pixel buffer exists), and that the whole stream
 * decodes.  The thumbnail is a PNG whose longest side is at most
 * @thumbnail_size, scaled while loading.  @claimed_mime_type may be NULL or
 * "application/octet-stream" (no claim); aliases such as "image/jpg" count
 * as their canonical type.  @out_probe and @out_thumbnail may be NULL.
 * Blocking: call from a worker; safe to call from several threads. */
gboolean    sb_media_process_image (GBytes        *bytes,
                                    const char    *claimed_mime_type,
                                    int            thumbnail_size,
                                    SbMediaProbe  *out_probe,
                                    GBytes       **out_thumbnail,
                                    GError       **error);

/* Decodes @bytes scaled (keeping the aspect ratio) to fit in
 * @max_width x @max_height, never allocating the full size when it is
 * larger.  Blocking: call from a worker. */
GdkPixbuf  *sb_media_load_scaled   (GBytes        *bytes,
                                    int            max_width,
                                    int            max_height,
                                    GError       **error);

/* Reads @file (at most @max_bytes, else TOO_LARGE) and runs
 * sb_media_process_image() on it, on a worker thread.  The claimed type is
 * the content type GIO guesses from the file name, if any. */
typedef struct _SbMediaImport SbMediaImport;

struct _SbMediaImport
{
  GFile        *file;
  char         *display_name;
  GBytes       *bytes;
  GBytes       *thumbnail;
  SbMediaProbe  probe;
};

void           sb_media_import_free          (SbMediaImport        *import);
void           sb_media_import_file_async    (GFile                *file,
                                              GCancellable         *cancellable,
                                              GAsyncReadyCallback   callback,
                                              gpointer              user_data);
SbMediaImport *sb_media_import_file_finish   (GAsyncResult         *result,
                                              GError              **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (SbMediaImport, sb_media_import_free)

G_END_DECLS
