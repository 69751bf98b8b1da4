/* sb-gallery-tile.h
 *
 * Copyright 2026 The Storyboard authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>

#include "sb-media-item.h"
#include "sb-thumbnail-loader.h"

G_BEGIN_DECLS

#define SB_TYPE_GALLERY_TILE (sb_gallery_tile_get_type ())

G_DECLARE_FINAL_TYPE (SbGalleryTile, sb_gallery_tile, SB, GALLERY_TILE, GtkWidget)

GtkWidget   *sb_gallery_tile_new          (SbThumbnailLoader *loader);
SbMediaItem *sb_gallery_tile_get_item     (SbGalleryTile     *self);
void         sb_gallery_tile_set_item     (SbGalleryTile     *self,
                                           SbMediaItem       *item);
/* Whether the thumbnail is showing. */
gboolean     sb_gallery_tile_has_texture  (SbGalleryTile     *self);
/* The group of the menu's actions (@prefix.open, .save-as, .copy,
 * .toggle-favourite, .delete, each taking the item's id): "gallery" unless
 * set (NULL: back to "gallery"). */
void         sb_gallery_tile_set_action_prefix (SbGalleryTile *self,
                                                const char    *prefix);
void         sb_gallery_tile_popup_menu   (SbGalleryTile     *self,
                                           double             x,
                                           double             y);

G_END_DECLS
