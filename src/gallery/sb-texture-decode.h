/* sb-texture-decode.h
 *
 * Copyright 2026 The Storyboard authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

/* Decodes encoded image bytes into a GdkTexture on a worker thread, so the
 * main thread never decodes.  For full-size originals prefer
 * sb_media_load_scaled(), which never allocates more than it shows. */
void        sb_texture_decode_async  (GBytes              *bytes,
                                      GCancellable        *cancellable,
                                      GAsyncReadyCallback  callback,
                                      gpointer             user_data);
GdkTexture *sb_texture_decode_finish (GAsyncResult        *result,
                                      GError             **error);

G_END_DECLS
