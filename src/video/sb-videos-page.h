/* sb-videos-page.h
 *
 * Copyright 2026 The Storyboard authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "sb-library.h"
#include "sb-video-cache.h"

G_BEGIN_DECLS

/* The Videos page: a grid of the library's videos (posters with their
 * length), searchable; activating one plays it in an SbVideoPlayer, and
 * "Play Storyboard" plays a brief's scene videos back to back.
 *
 * Actions: videos.play (x: media id), videos.play-storyboard (x: brief id),
 *          videos.play-selected-storyboard. */

#define SB_TYPE_VIDEOS_PAGE (sb_videos_page_get_type ())

G_DECLARE_FINAL_TYPE (SbVideosPage, sb_videos_page, SB, VIDEOS_PAGE, GtkWidget)

void          sb_videos_page_set_library   (SbVideosPage *self,
                                            SbLibrary    *library);
/* The library could not be opened: says so instead of loading forever. */
void          sb_videos_page_set_library_error (SbVideosPage *self,
                                                const GError *error);
GListModel   *sb_videos_page_get_model     (SbVideosPage *self);
GtkGridView  *sb_videos_page_get_grid_view (SbVideosPage *self);
/* "loading", "empty", "grid" or "error" */
const char   *sb_videos_page_get_state     (SbVideosPage *self);
/* The player window last opened, while it is open (for tests). */
GtkWindow    *sb_videos_page_get_player    (SbVideosPage *self);

G_END_DECLS
