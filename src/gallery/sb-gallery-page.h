/* sb-gallery-page.h
 *
 * Copyright 2026 The Storyboard authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "sb-library.h"

G_BEGIN_DECLS

#define SB_TYPE_GALLERY_PAGE (sb_gallery_page_get_type ())

G_DECLARE_FINAL_TYPE (SbGalleryPage, sb_gallery_page, SB, GALLERY_PAGE, GtkWidget)

void         sb_gallery_page_set_library        (SbGalleryPage  *self,
                                                 SbLibrary      *library);
void         sb_gallery_page_set_library_error  (SbGalleryPage  *self,
                                                 const GError   *error);
/* Validates and stores @files, a few at a time on worker threads; every
 * failure is reported with the file's name and the reason, and the rest go
 * on.  Emits ::import-finished when the queue is empty. */
void         sb_gallery_page_import_files       (SbGalleryPage  *self,
                                                 GFile         **files,
                                                 guint           n_files);
/* The list shown, or NULL while the library opens. */
GListModel  *sb_gallery_page_get_model          (SbGalleryPage  *self);
GtkGridView *sb_gallery_page_get_grid_view      (SbGalleryPage  *self);
/* Shows only the media of @brief_id (0: every brief), with a chip naming
 * @title and a way back to the brief. */
void         sb_gallery_page_filter_brief       (SbGalleryPage  *self,
                                                 gint64          brief_id,
                                                 const char     *title);
gint64       sb_gallery_page_get_brief_filter   (SbGalleryPage  *self);
/* The name of the visible state: loading, empty, no-results, error or grid. */
const char  *sb_gallery_page_get_state          (SbGalleryPage  *self);

G_END_DECLS
