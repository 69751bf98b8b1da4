/* sb-media-list.h
 *
 * Copyright 2026 The Storyboard authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "sb-media-item.h"

G_BEGIN_DECLS

#define SB_TYPE_MEDIA_LIST (sb_media_list_get_type ())

/* A GListModel of SbMediaItem, newest first.  Created by
 * sb_library_list_media_async() or, with a filter (kind, brief, favourites,
 * full-text search), sb_library_list_media_filtered_async(); it follows the
 * library's signals and keeps showing what its filter selects.
 * get_item() never blocks: it returns an item whose :loaded is FALSE until
 * its page has been read on the library's worker, then fills it in.  Holds
 * only a bounded number of loaded pages. */
G_DECLARE_FINAL_TYPE (SbMediaList, sb_media_list, SB, MEDIA_LIST, GObject)

/* Position of @id in the list, or G_MAXUINT. */
guint sb_media_list_find (SbMediaList *self,
                          gint64       id);

G_END_DECLS
