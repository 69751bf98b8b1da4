/* sb-llm-chain.h
 *
 * Copyright 2026 The Storyboard authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "sb-llm-client.h"

G_BEGIN_DECLS

#define SB_TYPE_LLM_CHAIN (sb_llm_chain_get_type ())

/* A fallback chain: the first client is the chosen provider; when it fails
 * with a provider-side or transient error (rate limited, server, timeout,
 * offline, bad response) the next one is tried.  Authentication, credit,
 * input, refusal and not-found errors end the chain at once: another
 * provider would not fix them, or the user must. */
G_DECLARE_FINAL_TYPE (SbLlmChain, sb_llm_chain, SB, LLM_CHAIN, GObject)

SbLlmChain   *sb_llm_chain_new              (void);
/* Tries @client (with its own model) after the ones already added. */
void          sb_llm_chain_append           (SbLlmChain          *self,
                                             SbLlmClient         *client);
guint         sb_llm_chain_get_n_clients    (SbLlmChain          *self);
void          sb_llm_chain_clear            (SbLlmChain          *self);
/* Whether the chain moves on after @error. */
gboolean      sb_llm_chain_should_fall_back (const GError        *error);

/* The result's provider and model say who answered; its failures hold the
 * errors of the providers tried before.  When every provider fails, the
 * error of the first (the chosen one) is returned. */
void          sb_llm_chain_complete_async   (SbLlmChain          *self,
                                             SbChatRequest       *request,
                                             GCancellable        *cancellable,
                                             GAsyncReadyCallback  callback,
                                             gpointer             user_data);
SbChatResult *sb_llm_chain_complete_finish  (SbLlmChain          *self,
                                             GAsyncResult        *result,
                                             GError             **error);

G_END_DECLS
