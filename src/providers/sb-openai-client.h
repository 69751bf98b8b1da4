/* sb-openai-client.h
 *
 * Copyright 2026 The Storyboard authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "sb-llm-client.h"

G_BEGIN_DECLS

#define SB_TYPE_OPENAI_CLIENT (sb_openai_client_get_type ())

/* Chat Completions dialect: OpenAI, OpenRouter and OpenAI-compatible local
 * servers (Ollama, LM Studio, llama.cpp). */
G_DECLARE_FINAL_TYPE (SbOpenaiClient, sb_openai_client, SB, OPENAI_CLIENT, SbLlmClient)

/* @kind: SB_PROVIDER_OPENAI, SB_PROVIDER_OPENROUTER or
 * SB_PROVIDER_OPENAI_COMPATIBLE. */
SbLlmClient  *sb_openai_client_new        (SbHttp          *http,
                                           SbProviderKind   kind);

/* The request body: messages with image_url data URIs, response_format
 * json_schema (strict) when the request has a schema. */
JsonNode     *sb_openai_build_body        (SbProviderKind   kind,
                                           SbChatRequest   *request,
                                           const char      *model,
                                           gboolean         stream);
/* A chat.completion body; an HTTP 200 carrying {"error":...} and no choices
 * (OpenRouter) is an error. */
SbChatResult *sb_openai_parse_completion  (SbProviderKind   kind,
                                           JsonNode        *root,
                                           GError         **error);

G_END_DECLS
