/* sb-network.c
 *
 * Copyright 2026 The Storyboard authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "sb-providers"

#include "config.h"

#include <gio/gio.h>

#include "sb-network.h"

gboolean
sb_network_is_available (void)
{
  return g_network_monitor_get_network_available (g_network_monitor_get_default ());
}

gboolean
sb_network_url_is_local (const char *url)
{
  g_autoptr(GUri) uri = NULL;
  g_autoptr(GInetAddress) address = NULL;
  const char *host;

  if (url == NULL)
    return FALSE;

  uri = g_uri_parse (url, G_URI_FLAGS_NONE, NULL);
  if (uri == NULL || (host = g_uri_get_host (uri)) == NULL)
    return FALSE;

  if (g_ascii_strcasecmp (host, "localhost") == 0 ||
      g_str_has_suffix (host, ".localhost"))
    return TRUE;

  address = g_inet_address_new_from_string (host);
  return address != NULL && g_inet_address_get_is_loopback (address);
}

gboolean
sb_network_can_use_provider (SbProviderConfig *config,
                             SbProviderKind    kind)
{
  g_autofree char *base = NULL;

  g_return_val_if_fail (SB_IS_PROVIDER_CONFIG (config), FALSE);

  base = sb_provider_config_dup_base_url (config, kind);
  if (base == NULL)
    return FALSE;

  return sb_network_url_is_local (base) || sb_network_is_available ();
}
