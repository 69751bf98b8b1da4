/* sb-thumbnail-loader.h
 *
 * Copyright 2026 The Storyboard authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>

#include "sb-library.h"

G_BEGIN_DECLS

#define SB_TYPE_THUMBNAIL_LOADER (sb_thumbnail_loader_get_type ())

G_DECLARE_FINAL_TYPE (SbThumbnailLoader, sb_thumbnail_loader, SB, THUMBNAIL_LOADER, GObject)

SbThumbnailLoader *sb_thumbnail_loader_new         (SbLibrary           *library);
/* The cached texture for @id, or NULL. */
GdkTexture        *sb_thumbnail_loader_lookup      (SbThumbnailLoader   *self,
                                                    gint64               id);
/* Reads the stored thumbnail (making and storing one from the original if it
 * is missing) and decodes it on a worker thread. */
void               sb_thumbnail_loader_load_async  (SbThumbnailLoader   *self,
                                                    gint64               id,
                                                    GCancellable        *cancellable,
                                                    GAsyncReadyCallback  callback,
                                                    gpointer             user_data);
GdkTexture        *sb_thumbnail_loader_load_finish (SbThumbnailLoader   *self,
                                                    GAsyncResult        *result,
                                                    GError             **error);
void               sb_thumbnail_loader_forget      (SbThumbnailLoader   *self,
                                                    gint64               id);

G_END_DECLS
