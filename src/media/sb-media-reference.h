/* sb-media-reference.h
 *
 * Copyright 2026 The Storyboard authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* The reference image or video the user attaches to a brief, made ready
 * for an LLM that takes images as data URIs. */

typedef enum
{
  SB_MEDIA_REFERENCE_IMAGE,
  SB_MEDIA_REFERENCE_VIDEO,
} SbMediaReferenceKind;

typedef struct _SbMediaReference SbMediaReference;

struct _SbMediaReference
{
  SbMediaReferenceKind  kind;
  GFile                *file;
  char                 *display_name;
  const char           *mime_type;     /* static: "image/png", "video/webm", ... (sniffed) */
  int                   width;         /* full size as displayed, not the frames' */
  int                   height;
  double                duration;      /* seconds; 0 for an image */
  GPtrArray            *data_uris;     /* element-type utf8: "data:image/jpeg;base64,..." */
  GArray               *frame_times;   /* element-type double: seconds, one per data URI; 0 for an image */
  GBytes               *thumbnail;     /* PNG, longest side <= SB_MEDIA_THUMBNAIL_SIZE; a video's first frame */
};

void              sb_media_reference_free        (SbMediaReference     *reference);

/* Reads @file on a worker thread and makes its data URIs: for an image
 * (PNG, JPEG or WebP, validated as the gallery does) one JPEG whose longest
 * side is at most @max_side; for a video (MP4, QuickTime, WebM or Matroska)
 * @max_frames JPEG frames evenly spread over its duration (at 10, 30, 50,
 * 70 and 90 % for five), each fitting in @max_side.  Errors are in
 * SB_MEDIA_ERROR (or G_IO_ERROR for reading and cancelling). */
void              sb_media_reference_load_async  (GFile                *file,
                                                  guint                 max_side,
                                                  guint                 max_frames,
                                                  GCancellable         *cancellable,
                                                  GAsyncReadyCallback   callback,
                                                  gpointer              user_data);
SbMediaReference *sb_media_reference_load_finish (GAsyncResult         *result,
                                                  GError              **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (SbMediaReference, sb_media_reference_free)

G_END_DECLS
