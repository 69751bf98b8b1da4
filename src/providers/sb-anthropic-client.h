/* sb-anthropic-client.h
 *
 * Copyright 2026 The Storyboard authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "sb-llm-client.h"

G_BEGIN_DECLS

#define SB_TYPE_ANTHROPIC_CLIENT (sb_anthropic_client_get_type ())

/* Messages API: x-api-key + anthropic-version; structured output through a
 * forced tool call. */
G_DECLARE_FINAL_TYPE (SbAnthropicClient, sb_anthropic_client, SB, ANTHROPIC_CLIENT, SbLlmClient)

SbLlmClient  *sb_anthropic_client_new          (SbHttp         *http);

JsonNode     *sb_anthropic_build_body          (SbChatRequest  *request,
                                                const char     *model,
                                                gboolean        stream);
/* A message body: text blocks joined, the first tool_use block's input as
 * the tool arguments (blocks are picked by type). */
SbChatResult *sb_anthropic_parse_message       (JsonNode       *root,
                                                GError        **error);

G_END_DECLS
