/* sb-media-private.h
 *
 * Copyright 2026 The Storyboard authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "sb-media.h"

G_BEGIN_DECLS

typedef enum
{
  SB_PNG_OK,
  SB_PNG_ERROR,      /* @error is set */
  SB_PNG_FALLBACK,   /* not handled (interlaced): use gdk-pixbuf */
} SbPngResult;

gboolean    sb_media_check_dimensions  (int          width,
                                        int          height,
                                        GError     **error);
void        sb_media_fit_size          (int          width,
                                        int          height,
                                        int          max_width,
                                        int          max_height,
                                        int         *out_width,
                                        int         *out_height);
void        sb_media_set_corrupt_error (GError     **error);
void        sb_media_set_too_large_error (GError  **error,
                                          guint64   size,
                                          guint64   limit);
/* The MIME type a file name claims (shared-mime-info, else a built-in table
 * of the extensions Storyboard reads), or NULL. */
char       *sb_media_guess_claimed_type  (const char *display_name);
/* For messages: "a PNG image", "an MP4 video" (aliases included), else the
 * content type's description in quotes. */
char       *sb_media_describe_type       (const char *mime_type);
/* Reads at most @limit bytes, whatever the file grows to after a size
 * query (TOO_LARGE past it).  Blocking: workers only. */
GBytes     *sb_media_read_bounded        (GFile         *file,
                                          gsize          limit,
                                          GCancellable  *cancellable,
                                          GError       **error);

/* Decodes a complete PNG straight into a pixbuf that fits in
 * @max_width x @max_height, one row at a time. */
SbPngResult sb_media_decode_png_scaled (const guint8  *data,
                                        gsize          len,
                                        int            max_width,
                                        int            max_height,
                                        GdkPixbuf    **out_pixbuf,
                                        int           *out_width,
                                        int           *out_height,
                                        GError       **error);

G_END_DECLS
