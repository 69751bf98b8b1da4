/* sb-videos-page.h
 *
 * Copyright 2026 The Storyboard authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "sb-generation-queue.h"
#include "sb-library.h"
#include "sb-video-cache.h"

G_BEGIN_DECLS

/* The Videos page: a grid of the library's videos (posters with their
 * length and their brief's title), filtered by search, favourites and
 * brief; activating one plays it in an SbVideoPlayer, and "Play
 * Storyboard" plays a brief's scene videos back to back.
 *
 * Before the videos, a tile for each video being made (from the
 * generation queue: state, elapsed time, Cancel) and for each one that
 * failed and was not dismissed (from the queue and, at start, the
 * library: the provider's message, Retry); activating one opens its
 * detail window (SbVideoJobWindow).
 *
 * Actions: videos.play (x: media id), videos.play-storyboard (x: brief id),
 *          videos.play-selected-storyboard, videos.filter-brief ((xs): brief
 *          id and title), videos.clear-brief-filter, videos.back-to-brief;
 *          the posters' menu: videos.open (plays), videos.save-as,
 *          videos.copy (the file), videos.toggle-favourite, videos.delete
 *          (with Undo) (x: media id); videos.menu-selected (Menu key). */

#define SB_TYPE_VIDEOS_PAGE (sb_videos_page_get_type ())

G_DECLARE_FINAL_TYPE (SbVideosPage, sb_videos_page, SB, VIDEOS_PAGE, GtkWidget)

void          sb_videos_page_set_library   (SbVideosPage *self,
                                            SbLibrary    *library);
/* Where the job tiles come from and their Cancel / Retry go (NULL: none). */
void          sb_videos_page_set_generation (SbVideosPage      *self,
                                             SbGenerationQueue *queue);
/* The library could not be opened: says so instead of loading forever. */
void          sb_videos_page_set_library_error (SbVideosPage *self,
                                                const GError *error);
/* Shows only the videos (and job tiles) of @brief_id (0: every brief),
 * with a chip naming @title that goes back to all videos. */
void          sb_videos_page_filter_brief      (SbVideosPage *self,
                                                gint64        brief_id,
                                                const char   *title);
gint64        sb_videos_page_get_brief_filter  (SbVideosPage *self);
/* The videos shown (NULL while the library opens). */
GListModel   *sb_videos_page_get_model     (SbVideosPage *self);
/* The jobs shown as tiles before the videos (SbGenerationJob). */
GListModel   *sb_videos_page_get_jobs      (SbVideosPage *self);
GtkGridView  *sb_videos_page_get_grid_view (SbVideosPage *self);
/* "loading", "empty", "no-results", "grid" or "error" */
const char   *sb_videos_page_get_state     (SbVideosPage *self);
/* The player window last opened, while it is open (for tests). */
GtkWindow    *sb_videos_page_get_player    (SbVideosPage *self);
/* The job detail window last opened, while it is open (for tests). */
GtkWindow    *sb_videos_page_get_job_window (SbVideosPage *self);

G_END_DECLS
