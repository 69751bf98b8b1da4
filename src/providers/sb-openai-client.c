/* sb-openai-client.c
 *
 * Copyright 2026 The Storyboard authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "sb-providers"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "sb-openai-client.h"
#include "sb-json.h"

struct _SbOpenaiClient
{
  SbLlmClient parent_instance;
};

G_DEFINE_FINAL_TYPE (SbOpenaiClient, sb_openai_client, SB_TYPE_LLM_CLIENT)

JsonNode *
sb_openai_build_body (SbProviderKind  kind,
                      SbChatRequest  *request,
                      const char     *model,
                      gboolean        stream)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  GPtrArray *messages = sb_chat_request_get_messages (request);
  JsonNode *schema = sb_chat_request_get_schema (request);
  const char *system = sb_chat_request_get_system (request);
  double temperature;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "model");
  json_builder_add_string_value (builder, model);

  json_builder_set_member_name (builder, "messages");
  json_builder_begin_array (builder);

  if (system != NULL)
    {
      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "role");
      json_builder_add_string_value (builder, "system");
      json_builder_set_member_name (builder, "content");
      json_builder_add_string_value (builder, system);
      json_builder_end_object (builder);
    }

  for (guint i = 0; i < messages->len; i++)
    {
      SbChatMessage *message = g_ptr_array_index (messages, i);

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "role");
      json_builder_add_string_value (builder, message->role);
      json_builder_set_member_name (builder, "content");

      if (message->images->len == 0)
        {
          json_builder_add_string_value (builder, message->text);
        }
      else
        {
          json_builder_begin_array (builder);

          if (message->text != NULL && *message->text != '\0')
            {
              json_builder_begin_object (builder);
              json_builder_set_member_name (builder, "type");
              json_builder_add_string_value (builder, "text");
              json_builder_set_member_name (builder, "text");
              json_builder_add_string_value (builder, message->text);
              json_builder_end_object (builder);
            }

          for (guint j = 0; j < message->images->len; j++)
            {
              json_builder_begin_object (builder);
              json_builder_set_member_name (builder, "type");
              json_builder_add_string_value (builder, "image_url");
              json_builder_set_member_name (builder, "image_url");
              json_builder_begin_object (builder);
              json_builder_set_member_name (builder, "url");
              json_builder_add_string_value (builder, g_ptr_array_index (message->images, j));
              json_builder_end_object (builder);
              json_builder_end_object (builder);
            }

          json_builder_end_array (builder);
        }

      json_builder_end_object (builder);
    }

  json_builder_end_array (builder);

  /* OpenAI deprecated max_tokens (reasoning models reject it). */
  json_builder_set_member_name (builder, kind == SB_PROVIDER_OPENAI ? "max_completion_tokens" : "max_tokens");
  json_builder_add_int_value (builder, sb_chat_request_get_max_tokens (request));

  if (sb_chat_request_get_temperature (request, &temperature))
    {
      json_builder_set_member_name (builder, "temperature");
      json_builder_add_double_value (builder, temperature);
    }

  if (schema != NULL)
    {
      json_builder_set_member_name (builder, "response_format");
      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "type");
      json_builder_add_string_value (builder, "json_schema");
      json_builder_set_member_name (builder, "json_schema");
      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "name");
      json_builder_add_string_value (builder, sb_chat_request_get_schema_name (request));
      json_builder_set_member_name (builder, "strict");
      json_builder_add_boolean_value (builder, TRUE);
      json_builder_set_member_name (builder, "schema");
      json_builder_add_value (builder, json_node_copy (schema));
      json_builder_end_object (builder);
      json_builder_end_object (builder);

      /* Route only to endpoints that honour response_format. */
      if (kind == SB_PROVIDER_OPENROUTER)
        {
          json_builder_set_member_name (builder, "provider");
          json_builder_begin_object (builder);
          json_builder_set_member_name (builder, "require_parameters");
          json_builder_add_boolean_value (builder, TRUE);
          json_builder_end_object (builder);
        }
    }

  if (stream)
    {
      json_builder_set_member_name (builder, "stream");
      json_builder_add_boolean_value (builder, TRUE);
      json_builder_set_member_name (builder, "stream_options");
      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "include_usage");
      json_builder_add_boolean_value (builder, TRUE);
      json_builder_end_object (builder);
    }

  json_builder_end_object (builder);

  return json_builder_get_root (builder);
}

SbChatResult *
sb_openai_parse_completion (SbProviderKind   kind,
                            JsonNode        *root,
                            GError         **error)
{
  g_autoptr(SbChatResult) result = NULL;
  JsonObject *object;
  JsonObject *error_object;
  JsonObject *usage;
  JsonObject *choice = NULL;
  JsonObject *message;
  JsonNode *choices;
  JsonNode *tool_calls;

  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    {
      g_propagate_error (error, sb_provider_error_new (kind, SB_PROVIDER_ERROR_BAD_RESPONSE,
                                                       _("the answer is not an object")));
      return NULL;
    }

  object = json_node_get_object (root);
  choices = json_object_get_member (object, "choices");
  error_object = sb_json_get_object (object, "error");

  /* OpenRouter: HTTP 200 with an error instead of choices. */
  if (error_object != NULL)
    {
      JsonNode *code = json_object_get_member (error_object, "code");
      guint status = 500;

      if (code != NULL && JSON_NODE_HOLDS_VALUE (code) && json_node_get_value_type (code) == G_TYPE_INT64)
        status = (guint) CLAMP (json_node_get_int (code), 400, 599);

      g_propagate_error (error, sb_provider_error_new (kind,
                                                       sb_provider_error_code_from_status (kind, status, sb_json_get_string (error_object, "code")),
                                                       sb_json_get_string (error_object, "message")));
      return NULL;
    }

  if (choices != NULL && JSON_NODE_HOLDS_ARRAY (choices) &&
      json_array_get_length (json_node_get_array (choices)) > 0)
    {
      JsonNode *first = json_array_get_element (json_node_get_array (choices), 0);

      if (JSON_NODE_HOLDS_OBJECT (first))
        choice = json_node_get_object (first);
    }

  if (choice == NULL)
    {
      g_propagate_error (error, sb_provider_error_new (kind, SB_PROVIDER_ERROR_BAD_RESPONSE,
                                                       _("the answer has no choices")));
      return NULL;
    }

  result = sb_chat_result_new (kind);
  result->model = g_strdup (sb_json_get_string (object, "model"));
  result->finish_reason = g_strdup (sb_json_get_string (choice, "finish_reason"));
  result->finish = sb_chat_finish_from_string (result->finish_reason);

  message = sb_json_get_object (choice, "message");
  result->text = g_strdup (sb_json_get_string (message, "content"));
  result->refusal = g_strdup (sb_json_get_string (message, "refusal"));

  tool_calls = message ? json_object_get_member (message, "tool_calls") : NULL;
  if (tool_calls != NULL && JSON_NODE_HOLDS_ARRAY (tool_calls) &&
      json_array_get_length (json_node_get_array (tool_calls)) > 0)
    {
      JsonNode *call = json_array_get_element (json_node_get_array (tool_calls), 0);
      JsonObject *function = JSON_NODE_HOLDS_OBJECT (call) ? sb_json_get_object (json_node_get_object (call), "function") : NULL;

      result->tool_name = g_strdup (sb_json_get_string (function, "name"));
      result->tool_arguments = g_strdup (sb_json_get_string (function, "arguments"));
    }

  usage = sb_json_get_object (object, "usage");
  if (usage != NULL)
    {
      result->input_tokens = json_object_get_int_member_with_default (usage, "prompt_tokens", 0);
      result->output_tokens = json_object_get_int_member_with_default (usage, "completion_tokens", 0);
    }

  return g_steal_pointer (&result);
}

static const char *
sb_openai_client_get_chat_path (SbLlmClient *client)
{
  return "chat/completions";
}

static JsonNode *
sb_openai_client_build_body (SbLlmClient   *client,
                             SbChatRequest *request,
                             const char    *model,
                             gboolean       stream)
{
  return sb_openai_build_body (sb_llm_client_get_kind (client), request, model, stream);
}

static SbChatResult *
sb_openai_client_parse_body (SbLlmClient    *client,
                             SbChatRequest  *request,
                             JsonNode       *root,
                             GError        **error)
{
  return sb_openai_parse_completion (sb_llm_client_get_kind (client), root, error);
}

static void
sb_openai_client_add_headers (SbLlmClient   *client,
                              SbHttpRequest *request)
{
  if (sb_llm_client_get_kind (client) == SB_PROVIDER_OPENROUTER)
    {
      /* App attribution; never changes the answer. */
      sb_http_request_add_header (request, "HTTP-Referer", "https://github.com/storyboard");
      sb_http_request_add_header (request, "X-Title", "Storyboard");
    }
}

static void
sb_openai_client_class_init (SbOpenaiClientClass *klass)
{
  SbLlmClientClass *client_class = SB_LLM_CLIENT_CLASS (klass);

  client_class->get_chat_path = sb_openai_client_get_chat_path;
  client_class->build_body = sb_openai_client_build_body;
  client_class->parse_body = sb_openai_client_parse_body;
  client_class->add_headers = sb_openai_client_add_headers;
}

static void
sb_openai_client_init (SbOpenaiClient *self)
{
}

SbLlmClient *
sb_openai_client_new (SbHttp         *http,
                      SbProviderKind  kind)
{
  g_return_val_if_fail (kind == SB_PROVIDER_OPENAI ||
                        kind == SB_PROVIDER_OPENROUTER ||
                        kind == SB_PROVIDER_OPENAI_COMPATIBLE, NULL);

  return g_object_new (SB_TYPE_OPENAI_CLIENT,
                       "http", http,
                       "kind", (guint) kind,
                       NULL);
}
