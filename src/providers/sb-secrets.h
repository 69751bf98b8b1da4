/* sb-secrets.h
 *
 * Copyright 2026 The Storyboard authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <libsecret/secret.h>

#include "sb-provider-config.h"

G_BEGIN_DECLS

typedef enum
{
  SB_SECRET_SOURCE_NONE,         /* no key */
  SB_SECRET_SOURCE_ENVIRONMENT,  /* REPLICATE_API_TOKEN, ... (non-empty) overrides everything */
  SB_SECRET_SOURCE_KEYRING,      /* the Secret Service */
  SB_SECRET_SOURCE_MEMORY,       /* no Secret Service: kept for this run only */
} SbSecretSource;

/* "io.github.storyboard.Storyboard.ApiKey" with one attribute, `provider`
 * (sb_provider_kind_to_id()). */
const SecretSchema *sb_secrets_get_schema      (void);
/* REPLICATE_API_TOKEN, OPENROUTER_API_KEY, OPENAI_API_KEY,
 * ANTHROPIC_API_KEY; NULL for openai-compatible servers. */
const char         *sb_secrets_get_env_var     (SbProviderKind kind);
/* FALSE once a keyring call failed because no Secret Service answered:
 * keys set since then live in memory only (tell the user why). */
gboolean            sb_secrets_keyring_is_available (void);

/* Environment, then this run's memory, then the keyring.  Returns NULL
 * without error when there is no key.  A missing Secret Service is not an
 * error. */
void      sb_secrets_lookup_async  (SbProviderKind        kind,
                                    GCancellable         *cancellable,
                                    GAsyncReadyCallback   callback,
                                    gpointer              user_data);
char     *sb_secrets_lookup_finish (GAsyncResult         *result,
                                    SbSecretSource       *out_source,
                                    GError              **error);

/* Stores in the keyring, or — when no Secret Service is reachable — in
 * memory for this run; @out_where says which. */
void      sb_secrets_store_async   (SbProviderKind        kind,
                                    const char           *api_key,
                                    GCancellable         *cancellable,
                                    GAsyncReadyCallback   callback,
                                    gpointer              user_data);
gboolean  sb_secrets_store_finish  (GAsyncResult         *result,
                                    SbSecretSource       *out_where,
                                    GError              **error);

void      sb_secrets_clear_async   (SbProviderKind        kind,
                                    GCancellable         *cancellable,
                                    GAsyncReadyCallback   callback,
                                    gpointer              user_data);
gboolean  sb_secrets_clear_finish  (GAsyncResult         *result,
                                    GError              **error);

G_END_DECLS
