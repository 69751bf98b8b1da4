/* sb-network.h
 *
 * Copyright 2026 The Storyboard authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "sb-provider-config.h"

G_BEGIN_DECLS

/* Whether GNetworkMonitor says the network is up (for "you are offline"
 * banners).  Local providers do not need it: see below. */
gboolean sb_network_is_available        (void);
/* Whether actions with @kind can work now: TRUE when the network is up,
 * or when the provider's base URL is on this machine (Ollama on localhost). */
gboolean sb_network_can_use_provider    (SbProviderConfig *config,
                                         SbProviderKind    kind);
/* Whether @url points at a loopback host (localhost, 127.0.0.0/8, ::1). */
gboolean sb_network_url_is_local        (const char       *url);

G_END_DECLS
