/* sb-media-item.h
 *
 * Copyright 2026 The Storyboard authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

typedef enum
{
  SB_MEDIA_KIND_ANY = 0,   /* only as a filter */
  SB_MEDIA_KIND_IMAGE = 1,
  SB_MEDIA_KIND_VIDEO = 2,
} SbMediaKind;

typedef enum
{
  SB_MEDIA_ORIGIN_IMPORTED = 0,
  SB_MEDIA_ORIGIN_GENERATED = 1,
} SbMediaOrigin;

#define SB_TYPE_MEDIA_KIND (sb_media_kind_get_type ())
GType sb_media_kind_get_type (void);

#define SB_TYPE_MEDIA_ORIGIN (sb_media_origin_get_type ())
GType sb_media_origin_get_type (void);

#define SB_TYPE_MEDIA_ITEM (sb_media_item_get_type ())

G_DECLARE_FINAL_TYPE (SbMediaItem, sb_media_item, SB, MEDIA_ITEM, GObject)

/* One row of the media table: metadata only, never the bytes.
 *
 * Items handed out by an SbMediaList may be created before their row has
 * been read (only :id is set, :loaded is FALSE); their properties are filled
 * in, with notifications, when the page holding them arrives from the
 * library's worker.  Items are only mutated on the main thread.
 *
 * Properties (all readable; "writable" ones are set by callers that build an
 * item to insert): id, loaded, kind, mime-type, width, height, duration,
 * byte-size, sha256, origin, filename, created-at, favourite, prompt, model,
 * model-version, parameters, seed (-1 = none), prediction-id, brief-id,
 * revision-id, scene-id, source-media-id (0 = none).
 */
SbMediaItem   *sb_media_item_new                (void);
gint64         sb_media_item_get_id             (SbMediaItem   *self);
gboolean       sb_media_item_get_loaded         (SbMediaItem   *self);
SbMediaKind    sb_media_item_get_kind           (SbMediaItem   *self);
void           sb_media_item_set_kind           (SbMediaItem   *self,
                                                 SbMediaKind    kind);
const char    *sb_media_item_get_mime_type      (SbMediaItem   *self);
void           sb_media_item_set_mime_type      (SbMediaItem   *self,
                                                 const char    *mime_type);
int            sb_media_item_get_width          (SbMediaItem   *self);
int            sb_media_item_get_height         (SbMediaItem   *self);
void           sb_media_item_set_size           (SbMediaItem   *self,
                                                 int            width,
                                                 int            height);
double         sb_media_item_get_duration       (SbMediaItem   *self);
void           sb_media_item_set_duration       (SbMediaItem   *self,
                                                 double         duration);
gint64         sb_media_item_get_byte_size      (SbMediaItem   *self);
const char    *sb_media_item_get_sha256         (SbMediaItem   *self);
SbMediaOrigin  sb_media_item_get_origin         (SbMediaItem   *self);
void           sb_media_item_set_origin         (SbMediaItem   *self,
                                                 SbMediaOrigin  origin);
const char    *sb_media_item_get_filename       (SbMediaItem   *self);
void           sb_media_item_set_filename       (SbMediaItem   *self,
                                                 const char    *filename);
GDateTime     *sb_media_item_get_created_at     (SbMediaItem   *self);
gboolean       sb_media_item_get_favourite      (SbMediaItem   *self);
const char    *sb_media_item_get_prompt         (SbMediaItem   *self);
void           sb_media_item_set_prompt         (SbMediaItem   *self,
                                                 const char    *prompt);
const char    *sb_media_item_get_model          (SbMediaItem   *self);
void           sb_media_item_set_model          (SbMediaItem   *self,
                                                 const char    *model);
const char    *sb_media_item_get_model_version  (SbMediaItem   *self);
void           sb_media_item_set_model_version  (SbMediaItem   *self,
                                                 const char    *version);
const char    *sb_media_item_get_parameters     (SbMediaItem   *self);
void           sb_media_item_set_parameters     (SbMediaItem   *self,
                                                 const char    *parameters_json);
gint64         sb_media_item_get_seed           (SbMediaItem   *self);
void           sb_media_item_set_seed           (SbMediaItem   *self,
                                                 gint64         seed);
const char    *sb_media_item_get_prediction_id  (SbMediaItem   *self);
void           sb_media_item_set_prediction_id  (SbMediaItem   *self,
                                                 const char    *prediction_id);
gint64         sb_media_item_get_brief_id       (SbMediaItem   *self);
gint64         sb_media_item_get_revision_id    (SbMediaItem   *self);
gint64         sb_media_item_get_scene_id       (SbMediaItem   *self);
void           sb_media_item_set_links          (SbMediaItem   *self,
                                                 gint64         brief_id,
                                                 gint64         revision_id,
                                                 gint64         scene_id);
/* The image a video was made from (0 = none). */
gint64         sb_media_item_get_source_media_id (SbMediaItem  *self);
void           sb_media_item_set_source_media_id (SbMediaItem  *self,
                                                  gint64        source_media_id);

G_END_DECLS
