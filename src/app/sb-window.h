/* sb-window.h
 *
 * Copyright 2026 The Storyboard authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "sb-application.h"

G_BEGIN_DECLS

#define SB_TYPE_WINDOW (sb_window_get_type ())

G_DECLARE_FINAL_TYPE (SbWindow, sb_window, SB, WINDOW, AdwApplicationWindow)

SbWindow  *sb_window_new             (SbApplication  *application);
void       sb_window_import_files    (SbWindow       *self,
                                      GFile         **files,
                                      guint           n_files);
void       sb_window_add_toast       (SbWindow       *self,
                                      AdwToast       *toast);
void       sb_window_set_page        (SbWindow       *self,
                                      const char     *name);
GtkWidget *sb_window_get_gallery     (SbWindow       *self);

G_END_DECLS
