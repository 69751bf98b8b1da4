/* sb-media-viewer.h
 *
 * Copyright 2026 The Storyboard authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "sb-library.h"

G_BEGIN_DECLS

#define SB_TYPE_MEDIA_VIEWER (sb_media_viewer_get_type ())

G_DECLARE_FINAL_TYPE (SbMediaViewer, sb_media_viewer, SB, MEDIA_VIEWER, AdwWindow)

/* Shows @item large with its metadata.  Save As, Copy and Delete are the
 * gallery's own actions, activated on @gallery. */
GtkWidget   *sb_media_viewer_new        (SbLibrary     *library,
                                         SbMediaItem   *item,
                                         GtkWidget     *gallery);
SbMediaItem *sb_media_viewer_get_item   (SbMediaViewer *self);
/* Whether the full image is showing (for tests). */
gboolean     sb_media_viewer_is_loaded  (SbMediaViewer *self);

/* "Revision 1, scene 3: Title" once known, else NULL (for tests). */
const char  *sb_media_viewer_get_scene_label (SbMediaViewer *self);

G_END_DECLS
