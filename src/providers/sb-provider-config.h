/* sb-provider-config.h
 *
 * Copyright 2026 The Storyboard authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

typedef enum
{
  SB_PROVIDER_REPLICATE,
  SB_PROVIDER_OPENROUTER,
  SB_PROVIDER_OPENAI,
  SB_PROVIDER_ANTHROPIC,
  SB_PROVIDER_OPENAI_COMPATIBLE,   /* Ollama, LM Studio, llama.cpp: base URL + optional key */
  SB_PROVIDER_N_KINDS
} SbProviderKind;

/* "replicate", "openrouter", "openai", "anthropic", "openai-compatible":
 * stable ids, used as the keyring `provider` attribute. */
const char *sb_provider_kind_to_id          (SbProviderKind  kind);
gboolean    sb_provider_kind_from_id        (const char     *id,
                                             SbProviderKind *out_kind);
/* "Replicate", "OpenRouter", ... (not translated: brand names). */
const char *sb_provider_kind_get_name       (SbProviderKind  kind);
/* Built-in base URL ("https://api.replicate.com/v1", ...). */
const char *sb_provider_kind_get_default_base_url (SbProviderKind kind);
/* STORYBOARD_REPLICATE_BASE_URL, ... (NULL for openai-compatible). */
const char *sb_provider_kind_get_base_url_env (SbProviderKind kind);

#define SB_TYPE_PROVIDER_CONFIG (sb_provider_config_get_type ())

G_DECLARE_FINAL_TYPE (SbProviderConfig, sb_provider_config, SB, PROVIDER_CONFIG, GObject)

/* The configuration the app fills from GSettings; providers read it. */
SbProviderConfig *sb_provider_config_get_default  (void);
SbProviderConfig *sb_provider_config_new          (void);

/* Sets the configured base URL (NULL or "" = built-in default).  An
 * environment override (STORYBOARD_*_BASE_URL, non-empty) always wins. */
void        sb_provider_config_set_base_url (SbProviderConfig *self,
                                             SbProviderKind    kind,
                                             const char       *base_url);
/* Effective base URL without a trailing slash: env override, else the
 * configured one, else the default.  NULL only for an unconfigured
 * openai-compatible provider. */
char       *sb_provider_config_dup_base_url (SbProviderConfig *self,
                                             SbProviderKind    kind);

/* Whether @kind's credentials may be sent to @url: the host and port of the
 * effective base URL, plus the provider's documented file hosts
 * (replicate.delivery and *.replicate.delivery over https for Replicate). */
gboolean    sb_provider_config_is_own_url   (SbProviderConfig *self,
                                             SbProviderKind    kind,
                                             const char       *url);

/* Builds base + "/" + path (path may start with '/'). */
char       *sb_provider_config_build_url    (SbProviderConfig *self,
                                             SbProviderKind    kind,
                                             const char       *path);

G_END_DECLS
