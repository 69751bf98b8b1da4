/* sb-provider-row.h
 *
 * Copyright 2026 The Storyboard authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "sb-provider-config.h"

G_BEGIN_DECLS

#define SB_TYPE_PROVIDER_ROW (sb_provider_row_get_type ())

G_DECLARE_FINAL_TYPE (SbProviderRow, sb_provider_row, SB, PROVIDER_ROW, AdwExpanderRow)

/* One provider's settings: its key (in the keyring), base URL and default
 * model (in GSettings), and a button that tests the connection. */
GtkWidget      *sb_provider_row_new              (SbProviderKind  kind,
                                                  GSettings      *settings);
SbProviderKind  sb_provider_row_get_kind         (SbProviderRow  *self);
/* What the last connection test said (for tests). */
const char     *sb_provider_row_get_test_result  (SbProviderRow  *self);

G_END_DECLS
