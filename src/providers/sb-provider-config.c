/* sb-provider-config.c
 *
 * Copyright 2026 The Storyboard authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "sb-providers"

#include "config.h"

#include "sb-provider-config.h"

struct _SbProviderConfig
{
  GObject parent_instance;

  /* Owned */
  char *base_urls[SB_PROVIDER_N_KINDS];
};

G_DEFINE_FINAL_TYPE (SbProviderConfig, sb_provider_config, G_TYPE_OBJECT)

enum {
  CHANGED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static const struct
{
  const char *id;
  const char *name;
  const char *default_base_url;
  const char *env;
} kinds[SB_PROVIDER_N_KINDS] = {
  { "replicate", "Replicate", "https://api.replicate.com/v1", "STORYBOARD_REPLICATE_BASE_URL" },
  { "openrouter", "OpenRouter", "https://openrouter.ai/api/v1", "STORYBOARD_OPENROUTER_BASE_URL" },
  { "openai", "OpenAI", "https://api.openai.com/v1", "STORYBOARD_OPENAI_BASE_URL" },
  { "anthropic", "Anthropic", "https://api.anthropic.com", "STORYBOARD_ANTHROPIC_BASE_URL" },
  { "openai-compatible", "Local model server", NULL, NULL },
};

const char *
sb_provider_kind_to_id (SbProviderKind kind)
{
  g_return_val_if_fail (kind < SB_PROVIDER_N_KINDS, NULL);

  return kinds[kind].id;
}

gboolean
sb_provider_kind_from_id (const char     *id,
                          SbProviderKind *out_kind)
{
  g_return_val_if_fail (id != NULL, FALSE);

  for (guint i = 0; i < SB_PROVIDER_N_KINDS; i++)
    {
      if (g_str_equal (id, kinds[i].id))
        {
          if (out_kind != NULL)
            *out_kind = i;
          return TRUE;
        }
    }

  return FALSE;
}

const char *
sb_provider_kind_get_name (SbProviderKind kind)
{
  g_return_val_if_fail (kind < SB_PROVIDER_N_KINDS, NULL);

  return kinds[kind].name;
}

const char *
sb_provider_kind_get_default_base_url (SbProviderKind kind)
{
  g_return_val_if_fail (kind < SB_PROVIDER_N_KINDS, NULL);

  return kinds[kind].default_base_url;
}

const char *
sb_provider_kind_get_base_url_env (SbProviderKind kind)
{
  g_return_val_if_fail (kind < SB_PROVIDER_N_KINDS, NULL);

  return kinds[kind].env;
}

static void
sb_provider_config_finalize (GObject *object)
{
  SbProviderConfig *self = SB_PROVIDER_CONFIG (object);

  for (guint i = 0; i < SB_PROVIDER_N_KINDS; i++)
    g_clear_pointer (&self->base_urls[i], g_free);

  G_OBJECT_CLASS (sb_provider_config_parent_class)->finalize (object);
}

static void
sb_provider_config_class_init (SbProviderConfigClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = sb_provider_config_finalize;

  /**
   * SbProviderConfig::changed:
   * @kind: the provider whose configuration changed
   */
  signals[CHANGED] =
    g_signal_new ("changed",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, G_TYPE_UINT);
}

static void
sb_provider_config_init (SbProviderConfig *self)
{
}

SbProviderConfig *
sb_provider_config_new (void)
{
  return g_object_new (SB_TYPE_PROVIDER_CONFIG, NULL);
}

SbProviderConfig *
sb_provider_config_get_default (void)
{
  static SbProviderConfig *instance;

  if (g_once_init_enter (&instance))
    g_once_init_leave (&instance, sb_provider_config_new ());

  return instance;
}

static char *
normalize_base_url (const char *url)
{
  gsize len;

  if (url == NULL || *url == '\0')
    return NULL;

  len = strlen (url);
  while (len > 0 && url[len - 1] == '/')
    len--;

  return g_strndup (url, len);
}

void
sb_provider_config_set_base_url (SbProviderConfig *self,
                                 SbProviderKind    kind,
                                 const char       *base_url)
{
  g_autofree char *normalized = NULL;

  g_return_if_fail (SB_IS_PROVIDER_CONFIG (self));
  g_return_if_fail (kind < SB_PROVIDER_N_KINDS);

  normalized = normalize_base_url (base_url);
  if (g_strcmp0 (normalized, self->base_urls[kind]) == 0)
    return;

  g_free (self->base_urls[kind]);
  self->base_urls[kind] = g_steal_pointer (&normalized);

  g_signal_emit (self, signals[CHANGED], 0, (guint) kind);
}

char *
sb_provider_config_dup_base_url (SbProviderConfig *self,
                                 SbProviderKind    kind)
{
  const char *env_name;
  const char *env_value;

  g_return_val_if_fail (SB_IS_PROVIDER_CONFIG (self), NULL);
  g_return_val_if_fail (kind < SB_PROVIDER_N_KINDS, NULL);

  env_name = kinds[kind].env;
  env_value = env_name != NULL ? g_getenv (env_name) : NULL;

  /* An empty variable counts as unset. */
  if (env_value != NULL && *env_value != '\0')
    return normalize_base_url (env_value);

  if (self->base_urls[kind] != NULL)
    return g_strdup (self->base_urls[kind]);

  return normalize_base_url (kinds[kind].default_base_url);
}

char *
sb_provider_config_build_url (SbProviderConfig *self,
                              SbProviderKind    kind,
                              const char       *path)
{
  g_autofree char *base = NULL;

  g_return_val_if_fail (SB_IS_PROVIDER_CONFIG (self), NULL);
  g_return_val_if_fail (path != NULL, NULL);

  base = sb_provider_config_dup_base_url (self, kind);
  if (base == NULL)
    return NULL;

  while (*path == '/')
    path++;

  return g_strconcat (base, "/", path, NULL);
}

static gboolean
host_is_or_under (const char *host,
                  const char *domain)
{
  gsize host_len = strlen (host);
  gsize domain_len = strlen (domain);

  if (g_ascii_strcasecmp (host, domain) == 0)
    return TRUE;

  return host_len > domain_len + 1 &&
         host[host_len - domain_len - 1] == '.' &&
         g_ascii_strcasecmp (host + host_len - domain_len, domain) == 0;
}

static int
effective_port (GUri *uri)
{
  int port = g_uri_get_port (uri);

  if (port != -1)
    return port;

  return g_ascii_strcasecmp (g_uri_get_scheme (uri), "https") == 0 ? 443 : 80;
}

gboolean
sb_provider_config_is_own_url (SbProviderConfig *self,
                               SbProviderKind    kind,
                               const char       *url)
{
  g_autoptr(GUri) uri = NULL;
  g_autoptr(GUri) base_uri = NULL;
  g_autofree char *base = NULL;
  const char *host;
  const char *scheme;

  g_return_val_if_fail (SB_IS_PROVIDER_CONFIG (self), FALSE);
  g_return_val_if_fail (kind < SB_PROVIDER_N_KINDS, FALSE);

  if (url == NULL)
    return FALSE;

  uri = g_uri_parse (url, G_URI_FLAGS_NONE, NULL);
  if (uri == NULL || (host = g_uri_get_host (uri)) == NULL)
    return FALSE;

  scheme = g_uri_get_scheme (uri);
  if (g_ascii_strcasecmp (scheme, "https") != 0 &&
      g_ascii_strcasecmp (scheme, "http") != 0)
    return FALSE;

  base = sb_provider_config_dup_base_url (self, kind);
  if (base != NULL)
    base_uri = g_uri_parse (base, G_URI_FLAGS_NONE, NULL);

  if (base_uri != NULL &&
      g_uri_get_host (base_uri) != NULL &&
      g_ascii_strcasecmp (g_uri_get_scheme (base_uri), scheme) == 0 &&
      g_ascii_strcasecmp (g_uri_get_host (base_uri), host) == 0 &&
      effective_port (base_uri) == effective_port (uri))
    return TRUE;

  /* Documented file hosts, https only. */
  if (kind == SB_PROVIDER_REPLICATE &&
      g_ascii_strcasecmp (scheme, "https") == 0 &&
      effective_port (uri) == 443 &&
      host_is_or_under (host, "replicate.delivery"))
    return TRUE;

  return FALSE;
}
