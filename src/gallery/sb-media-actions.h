/* sb-media-actions.h
 *
 * Copyright 2026 The Storyboard authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "sb-library.h"
#include "sb-thumbnail-loader.h"

G_BEGIN_DECLS

/* What the Gallery and Videos pages do to one item of the library (their
 * tiles' menus): the outcome is told in a toast of @widget's
 * AdwToastOverlay ancestor, worded for an image or a video. */

void sb_media_actions_show_toast    (GtkWidget         *widget,
                                     AdwToast          *toast);
void sb_media_actions_show_error    (GtkWidget         *widget,
                                     const char        *message);
/* Asks where (the portal's file chooser, parented to @widget's window) and
 * exports @item's original there. */
void sb_media_actions_save_as       (GtkWidget         *widget,
                                     SbLibrary         *library,
                                     SbMediaItem       *item,
                                     GCancellable      *cancellable);
void sb_media_actions_set_favourite (GtkWidget         *widget,
                                     SbLibrary         *library,
                                     gint64             id,
                                     gboolean           favourite,
                                     GCancellable      *cancellable);
/* Moves @id to the trash with a toast offering Undo; the trash is emptied
 * once no Undo toast of any page is left for @library.  @loader (may be
 * NULL) forgets the thumbnail. */
void sb_media_actions_delete        (GtkWidget         *widget,
                                     SbLibrary         *library,
                                     gint64             id,
                                     SbMediaKind        kind,
                                     SbThumbnailLoader *loader);

G_END_DECLS
