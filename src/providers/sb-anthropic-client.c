/* sb-anthropic-client.c
 *
 * Copyright 2026 The Storyboard authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "sb-providers"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "sb-anthropic-client.h"
#include "sb-json.h"

#define KIND SB_PROVIDER_ANTHROPIC

struct _SbAnthropicClient
{
  SbLlmClient parent_instance;
};

G_DEFINE_FINAL_TYPE (SbAnthropicClient, sb_anthropic_client, SB_TYPE_LLM_CLIENT)

JsonNode *
sb_anthropic_build_body (SbChatRequest *request,
                         const char    *model,
                         gboolean       stream)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  GPtrArray *messages = sb_chat_request_get_messages (request);
  JsonNode *schema = sb_chat_request_get_schema (request);
  const char *system = sb_chat_request_get_system (request);
  double temperature;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "model");
  json_builder_add_string_value (builder, model);
  json_builder_set_member_name (builder, "max_tokens");
  json_builder_add_int_value (builder, sb_chat_request_get_max_tokens (request));

  if (system != NULL)
    {
      json_builder_set_member_name (builder, "system");
      json_builder_add_string_value (builder, system);
    }

  if (sb_chat_request_get_temperature (request, &temperature))
    {
      json_builder_set_member_name (builder, "temperature");
      json_builder_add_double_value (builder, temperature);
    }

  json_builder_set_member_name (builder, "messages");
  json_builder_begin_array (builder);

  for (guint i = 0; i < messages->len; i++)
    {
      SbChatMessage *message = g_ptr_array_index (messages, i);

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "role");
      json_builder_add_string_value (builder, message->role);
      json_builder_set_member_name (builder, "content");
      json_builder_begin_array (builder);

      /* Images first: Anthropic recommends them before the text. */
      for (guint j = 0; j < message->images->len; j++)
        {
          g_autofree char *mime_type = NULL;
          const char *base64 = NULL;

          if (!sb_llm_split_data_uri (g_ptr_array_index (message->images, j), &mime_type, &base64))
            continue;

          json_builder_begin_object (builder);
          json_builder_set_member_name (builder, "type");
          json_builder_add_string_value (builder, "image");
          json_builder_set_member_name (builder, "source");
          json_builder_begin_object (builder);
          json_builder_set_member_name (builder, "type");
          json_builder_add_string_value (builder, "base64");
          json_builder_set_member_name (builder, "media_type");
          json_builder_add_string_value (builder, mime_type);
          json_builder_set_member_name (builder, "data");
          json_builder_add_string_value (builder, base64);
          json_builder_end_object (builder);
          json_builder_end_object (builder);
        }

      if (message->text != NULL && *message->text != '\0')
        {
          json_builder_begin_object (builder);
          json_builder_set_member_name (builder, "type");
          json_builder_add_string_value (builder, "text");
          json_builder_set_member_name (builder, "text");
          json_builder_add_string_value (builder, message->text);
          json_builder_end_object (builder);
        }

      json_builder_end_array (builder);
      json_builder_end_object (builder);
    }

  json_builder_end_array (builder);

  if (schema != NULL)
    {
      const char *name = sb_chat_request_get_schema_name (request);

      json_builder_set_member_name (builder, "tools");
      json_builder_begin_array (builder);
      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "name");
      json_builder_add_string_value (builder, name);
      json_builder_set_member_name (builder, "description");
      json_builder_add_string_value (builder, "Return the answer in this structure.");
      json_builder_set_member_name (builder, "input_schema");
      json_builder_add_value (builder, json_node_copy (schema));
      json_builder_end_object (builder);
      json_builder_end_array (builder);

      json_builder_set_member_name (builder, "tool_choice");
      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "type");
      json_builder_add_string_value (builder, "tool");
      json_builder_set_member_name (builder, "name");
      json_builder_add_string_value (builder, name);
      json_builder_end_object (builder);
    }

  if (stream)
    {
      json_builder_set_member_name (builder, "stream");
      json_builder_add_boolean_value (builder, TRUE);
    }

  json_builder_end_object (builder);

  return json_builder_get_root (builder);
}

SbChatResult *
sb_anthropic_parse_message (JsonNode  *root,
                            GError   **error)
{
  g_autoptr(SbChatResult) result = NULL;
  g_autoptr(GString) text = NULL;
  JsonObject *object;
  JsonNode *content;
  JsonNode *usage;

  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    {
      g_propagate_error (error, sb_provider_error_new (KIND, SB_PROVIDER_ERROR_BAD_RESPONSE,
                                                       _("the answer is not an object")));
      return NULL;
    }

  object = json_node_get_object (root);

  if (g_strcmp0 (sb_json_get_string (object, "type"), "error") == 0)
    {
      JsonNode *error_node = json_object_get_member (object, "error");
      JsonObject *error_object = error_node && JSON_NODE_HOLDS_OBJECT (error_node) ? json_node_get_object (error_node) : NULL;
      const char *type = sb_json_get_string (error_object, "type");

      g_propagate_error (error, sb_provider_error_new (KIND,
                                                       sb_provider_error_code_from_status (KIND, 500, type),
                                                       sb_json_get_string (error_object, "message")));
      return NULL;
    }

  content = json_object_get_member (object, "content");
  if (content == NULL || !JSON_NODE_HOLDS_ARRAY (content))
    {
      g_propagate_error (error, sb_provider_error_new (KIND, SB_PROVIDER_ERROR_BAD_RESPONSE,
                                                       _("the answer has no content")));
      return NULL;
    }

  result = sb_chat_result_new (KIND);
  result->model = g_strdup (sb_json_get_string (object, "model"));
  result->finish_reason = g_strdup (sb_json_get_string (object, "stop_reason"));
  result->finish = sb_chat_finish_from_string (result->finish_reason);
  text = g_string_new (NULL);

  for (guint i = 0; i < json_array_get_length (json_node_get_array (content)); i++)
    {
      JsonNode *node = json_array_get_element (json_node_get_array (content), i);
      JsonObject *block;
      const char *type;

      if (!JSON_NODE_HOLDS_OBJECT (node))
        continue;

      block = json_node_get_object (node);
      type = sb_json_get_string (block, "type");

      if (g_strcmp0 (type, "text") == 0 && sb_json_get_string (block, "text") != NULL)
        {
          g_string_append (text, sb_json_get_string (block, "text"));
        }
      else if (g_strcmp0 (type, "tool_use") == 0 && result->tool_name == NULL)
        {
          JsonNode *input = json_object_get_member (block, "input");

          result->tool_name = g_strdup (sb_json_get_string (block, "name"));
          if (input != NULL)
            result->tool_arguments = json_to_string (input, FALSE);
        }
      /* server_tool_use, web_search_tool_result, ... are not ours. */
    }

  if (text->len > 0)
    result->text = g_strdup (text->str);

  usage = json_object_get_member (object, "usage");
  if (usage != NULL && JSON_NODE_HOLDS_OBJECT (usage))
    {
      result->input_tokens = json_object_get_int_member_with_default (json_node_get_object (usage), "input_tokens", 0);
      result->output_tokens = json_object_get_int_member_with_default (json_node_get_object (usage), "output_tokens", 0);
    }

  return g_steal_pointer (&result);
}

static const char *
sb_anthropic_client_get_chat_path (SbLlmClient *client)
{
  return "v1/messages";
}

static JsonNode *
sb_anthropic_client_build_body (SbLlmClient   *client,
                                SbChatRequest *request,
                                const char    *model,
                                gboolean       stream)
{
  return sb_anthropic_build_body (request, model, stream);
}

static SbChatResult *
sb_anthropic_client_parse_body (SbLlmClient    *client,
                                SbChatRequest  *request,
                                JsonNode       *root,
                                GError        **error)
{
  return sb_anthropic_parse_message (root, error);
}

static void
sb_anthropic_client_class_init (SbAnthropicClientClass *klass)
{
  SbLlmClientClass *client_class = SB_LLM_CLIENT_CLASS (klass);

  client_class->get_chat_path = sb_anthropic_client_get_chat_path;
  client_class->build_body = sb_anthropic_client_build_body;
  client_class->parse_body = sb_anthropic_client_parse_body;
}

static void
sb_anthropic_client_init (SbAnthropicClient *self)
{
}

SbLlmClient *
sb_anthropic_client_new (SbHttp *http)
{
  return g_object_new (SB_TYPE_ANTHROPIC_CLIENT,
                       "http", http,
                       "kind", (guint) KIND,
                       NULL);
}
