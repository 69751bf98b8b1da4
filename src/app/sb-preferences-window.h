/* sb-preferences-window.h
 *
 * Copyright 2026 The Storyboard authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "sb-provider-config.h"

G_BEGIN_DECLS

#define SB_TYPE_PREFERENCES_WINDOW (sb_preferences_window_get_type ())

G_DECLARE_FINAL_TYPE (SbPreferencesWindow, sb_preferences_window, SB, PREFERENCES_WINDOW, AdwPreferencesWindow)

GtkWidget *sb_preferences_window_new          (GtkWindow           *parent,
                                               GSettings           *settings);
/* The row of @kind (for tests). */
GtkWidget *sb_preferences_window_get_provider (SbPreferencesWindow *self,
                                               SbProviderKind       kind);

/* The "Predictions at once" control (for tests). */
GtkSpinButton *sb_preferences_window_get_concurrency (SbPreferencesWindow *self);

G_END_DECLS
