/* sb-video-tile.h
 *
 * Copyright 2026 The Storyboard authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>

#include "sb-gallery-tile.h"
#include "sb-thumbnail-loader.h"

G_BEGIN_DECLS

/* A video of the Videos page: its poster with its length and, under it,
 * the title of its brief as a button that shows only that brief's videos
 * (videos.filter-brief). */

#define SB_TYPE_VIDEO_TILE (sb_video_tile_get_type ())

G_DECLARE_FINAL_TYPE (SbVideoTile, sb_video_tile, SB, VIDEO_TILE, GtkWidget)

/* @brief_titles: the page's brief titles (gint64 * -> char *), looked up
 * when the item's row is read and on sb_video_tile_update_caption(). */
GtkWidget     *sb_video_tile_new            (SbThumbnailLoader *loader,
                                             GHashTable        *brief_titles);
SbMediaItem   *sb_video_tile_get_item       (SbVideoTile       *self);
void           sb_video_tile_set_item       (SbVideoTile       *self,
                                             SbMediaItem       *item);
void           sb_video_tile_update_caption (SbVideoTile       *self);
SbGalleryTile *sb_video_tile_get_poster     (SbVideoTile       *self);
/* The brief's title shown, or NULL (for tests). */
const char    *sb_video_tile_get_caption    (SbVideoTile       *self);

G_END_DECLS
