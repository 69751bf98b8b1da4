/* sb-llm-client.c
 *
 * Copyright 2026 The Storyboard authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "sb-providers"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "sb-llm-client.h"
#include "sb-json.h"

#define READ_CHUNK 8192

/* ---- Requests ---------------------------------------------------------- */

struct _SbChatRequest
{
  gatomicrefcount  ref_count;
  char            *system;
  GPtrArray       *messages;
  char            *schema_name;
  JsonNode        *schema;
  guint            max_tokens;
  double           temperature;
  gboolean         has_temperature;
  SbChatDeltaFunc  delta_func;
  gpointer         delta_data;
  GDestroyNotify   delta_destroy;
};

G_DEFINE_BOXED_TYPE (SbChatRequest, sb_chat_request, sb_chat_request_ref, sb_chat_request_unref)

static void
chat_message_free (SbChatMessage *message)
{
  g_free (message->role);
  g_free (message->text);
  g_ptr_array_unref (message->images);
  g_free (message);
}

SbChatRequest *
sb_chat_request_new (void)
{
  SbChatRequest *self = g_new0 (SbChatRequest, 1);

  g_atomic_ref_count_init (&self->ref_count);
  self->messages = g_ptr_array_new_with_free_func ((GDestroyNotify) chat_message_free);
  self->max_tokens = 4096;

  return self;
}

SbChatRequest *
sb_chat_request_ref (SbChatRequest *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  g_atomic_ref_count_inc (&self->ref_count);
  return self;
}

void
sb_chat_request_unref (SbChatRequest *self)
{
  g_return_if_fail (self != NULL);

  if (!g_atomic_ref_count_dec (&self->ref_count))
    return;

  if (self->delta_destroy != NULL)
    self->delta_destroy (self->delta_data);
  g_free (self->system);
  g_ptr_array_unref (self->messages);
  g_free (self->schema_name);
  g_clear_pointer (&self->schema, json_node_unref);
  g_free (self);
}

void
sb_chat_request_set_system (SbChatRequest *self,
                            const char    *text)
{
  g_return_if_fail (self != NULL);

  g_free (self->system);
  self->system = g_strdup (text);
}

const char *
sb_chat_request_get_system (SbChatRequest *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return self->system;
}

static void
add_message (SbChatRequest *self,
             const char    *role,
             const char    *text)
{
  SbChatMessage *message = g_new0 (SbChatMessage, 1);

  message->role = g_strdup (role);
  message->text = g_strdup (text);
  message->images = g_ptr_array_new_with_free_func (g_free);
  g_ptr_array_add (self->messages, message);
}

void
sb_chat_request_add_user_text (SbChatRequest *self,
                               const char    *text)
{
  g_return_if_fail (self != NULL);
  g_return_if_fail (text != NULL);

  add_message (self, "user", text);
}

void
sb_chat_request_add_assistant_text (SbChatRequest *self,
                                    const char    *text)
{
  g_return_if_fail (self != NULL);
  g_return_if_fail (text != NULL);

  add_message (self, "assistant", text);
}

void
sb_chat_request_add_image (SbChatRequest *self,
                           GBytes        *bytes,
                           const char    *mime_type)
{
  SbChatMessage *message = NULL;
  g_autofree char *base64 = NULL;

  g_return_if_fail (self != NULL);
  g_return_if_fail (bytes != NULL);
  g_return_if_fail (mime_type != NULL);

  for (guint i = self->messages->len; i > 0; i--)
    {
      SbChatMessage *candidate = g_ptr_array_index (self->messages, i - 1);

      if (g_str_equal (candidate->role, "user"))
        {
          message = candidate;
          break;
        }
    }

  if (message == NULL)
    {
      add_message (self, "user", "");
      message = g_ptr_array_index (self->messages, self->messages->len - 1);
    }

  base64 = g_base64_encode (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes));
  g_ptr_array_add (message->images, g_strdup_printf ("data:%s;base64,%s", mime_type, base64));
}

GPtrArray *
sb_chat_request_get_messages (SbChatRequest *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return self->messages;
}

void
sb_chat_request_set_json_schema (SbChatRequest *self,
                                 const char    *name,
                                 JsonNode      *schema)
{
  g_return_if_fail (self != NULL);
  g_return_if_fail (name != NULL);
  g_return_if_fail (schema != NULL && JSON_NODE_HOLDS_OBJECT (schema));

  g_free (self->schema_name);
  self->schema_name = g_strdup (name);
  g_clear_pointer (&self->schema, json_node_unref);
  self->schema = json_node_copy (schema);
}

const char *
sb_chat_request_get_schema_name (SbChatRequest *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return self->schema_name;
}

JsonNode *
sb_chat_request_get_schema (SbChatRequest *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return self->schema;
}

void
sb_chat_request_set_max_tokens (SbChatRequest *self,
                                guint          max_tokens)
{
  g_return_if_fail (self != NULL);
  g_return_if_fail (max_tokens > 0);

  self->max_tokens = max_tokens;
}

guint
sb_chat_request_get_max_tokens (SbChatRequest *self)
{
  g_return_val_if_fail (self != NULL, 0);

  return self->max_tokens;
}

void
sb_chat_request_set_temperature (SbChatRequest *self,
                                 double         temperature)
{
  g_return_if_fail (self != NULL);

  self->temperature = temperature;
  self->has_temperature = TRUE;
}

gboolean
sb_chat_request_get_temperature (SbChatRequest *self,
                                 double        *out)
{
  g_return_val_if_fail (self != NULL, FALSE);

  if (self->has_temperature && out != NULL)
    *out = self->temperature;

  return self->has_temperature;
}

void
sb_chat_request_set_delta_func (SbChatRequest   *self,
                                SbChatDeltaFunc  func,
                                gpointer         user_data,
                                GDestroyNotify   destroy)
{
  g_return_if_fail (self != NULL);

  if (self->delta_destroy != NULL)
    self->delta_destroy (self->delta_data);

  self->delta_func = func;
  self->delta_data = user_data;
  self->delta_destroy = destroy;
}

gboolean
sb_llm_split_data_uri (const char  *uri,
                       char       **out_mime_type,
                       const char **out_base64)
{
  const char *comma;
  const char *semicolon;

  if (uri == NULL || !g_str_has_prefix (uri, "data:"))
    return FALSE;

  comma = strchr (uri, ',');
  semicolon = strstr (uri, ";base64,");
  if (comma == NULL || semicolon == NULL || semicolon + strlen (";base64") != comma)
    return FALSE;

  if (out_mime_type != NULL)
    *out_mime_type = g_strndup (uri + 5, semicolon - (uri + 5));
  if (out_base64 != NULL)
    *out_base64 = comma + 1;

  return TRUE;
}

/* ---- Results ----------------------------------------------------------- */

G_DEFINE_BOXED_TYPE (SbChatResult, sb_chat_result, sb_chat_result_copy, sb_chat_result_free)

SbChatResult *
sb_chat_result_new (SbProviderKind provider)
{
  SbChatResult *self = g_new0 (SbChatResult, 1);

  self->provider = provider;
  self->failures = g_ptr_array_new_with_free_func ((GDestroyNotify) g_error_free);

  return self;
}

SbChatResult *
sb_chat_result_copy (SbChatResult *self)
{
  SbChatResult *copy;

  g_return_val_if_fail (self != NULL, NULL);

  copy = sb_chat_result_new (self->provider);
  copy->model = g_strdup (self->model);
  copy->text = g_strdup (self->text);
  copy->refusal = g_strdup (self->refusal);
  copy->tool_name = g_strdup (self->tool_name);
  copy->tool_arguments = g_strdup (self->tool_arguments);
  copy->json = self->json ? json_node_copy (self->json) : NULL;
  copy->finish = self->finish;
  copy->finish_reason = g_strdup (self->finish_reason);
  copy->input_tokens = self->input_tokens;
  copy->output_tokens = self->output_tokens;
  for (guint i = 0; i < self->failures->len; i++)
    g_ptr_array_add (copy->failures, g_error_copy (g_ptr_array_index (self->failures, i)));

  return copy;
}

void
sb_chat_result_free (SbChatResult *self)
{
  if (self == NULL)
    return;

  g_free (self->model);
  g_free (self->text);
  g_free (self->refusal);
  g_free (self->tool_name);
  g_free (self->tool_arguments);
  g_clear_pointer (&self->json, json_node_unref);
  g_free (self->finish_reason);
  g_ptr_array_unref (self->failures);
  g_free (self);
}

static JsonNode *
parse_json_text (const char *text)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autofree char *copy = NULL;
  char *start;
  JsonNode *root;

  if (text == NULL)
    return NULL;

  copy = g_strstrip (g_strdup (text));
  start = copy;

  /* Some providers wrap the answer in a ```json fence. */
  if (g_str_has_prefix (start, "```"))
    {
      char *newline = strchr (start, '\n');
      char *end;

      if (newline == NULL)
        return NULL;
      start = newline + 1;
      end = g_strrstr (start, "```");
      if (end != NULL)
        *end = '\0';
      g_strstrip (start);
    }

  if (!json_parser_load_from_data (parser, start, -1, NULL))
    return NULL;

  root = json_parser_get_root (parser);
  if (root == NULL || (!JSON_NODE_HOLDS_OBJECT (root) && !JSON_NODE_HOLDS_ARRAY (root)))
    return NULL;

  return json_node_copy (root);
}

gboolean
sb_chat_result_check (SbChatResult   *self,
                      SbChatRequest  *request,
                      GError        **error)
{
  gboolean structured;

  g_return_val_if_fail (self != NULL, FALSE);

  structured = request != NULL && request->schema != NULL;

  if (self->refusal != NULL || self->finish == SB_CHAT_FINISH_REFUSAL)
    {
      g_propagate_error (error, sb_provider_error_new (self->provider, SB_PROVIDER_ERROR_REFUSED,
                                                       self->refusal));
      return FALSE;
    }

  if (self->finish == SB_CHAT_FINISH_CONTENT_FILTER)
    {
      g_propagate_error (error, sb_provider_error_new (self->provider, SB_PROVIDER_ERROR_REFUSED,
                                                       _("the content filter stopped the answer")));
      return FALSE;
    }

  if (self->finish == SB_CHAT_FINISH_ERROR)
    {
      g_propagate_error (error, sb_provider_error_new (self->provider, SB_PROVIDER_ERROR_SERVER, NULL));
      return FALSE;
    }

  if (self->finish == SB_CHAT_FINISH_LENGTH)
    {
      g_propagate_error (error, sb_provider_error_new (self->provider, SB_PROVIDER_ERROR_BAD_RESPONSE,
                                                       _("the answer was cut off")));
      return FALSE;
    }

  if (!structured)
    {
      if (self->text == NULL && self->tool_arguments == NULL)
        {
          g_propagate_error (error, sb_provider_error_new (self->provider, SB_PROVIDER_ERROR_BAD_RESPONSE,
                                                           _("the answer is empty")));
          return FALSE;
        }
      return TRUE;
    }

  g_clear_pointer (&self->json, json_node_unref);
  if (self->tool_arguments != NULL)
    self->json = parse_json_text (self->tool_arguments);
  if (self->json == NULL && self->text != NULL)
    self->json = parse_json_text (self->text);

  if (self->json == NULL)
    {
      g_propagate_error (error, sb_provider_error_new (self->provider, SB_PROVIDER_ERROR_BAD_RESPONSE,
                                                       _("the answer is not the requested JSON")));
      return FALSE;
    }

  return TRUE;
}

SbChatFinish
sb_chat_finish_from_string (const char *reason)
{
  if (reason == NULL)
    return SB_CHAT_FINISH_NONE;
  if (g_str_equal (reason, "stop") || g_str_equal (reason, "end_turn") ||
      g_str_equal (reason, "stop_sequence"))
    return SB_CHAT_FINISH_STOP;
  if (g_str_equal (reason, "length") || g_str_equal (reason, "max_tokens") ||
      g_str_equal (reason, "model_context_window_exceeded"))
    return SB_CHAT_FINISH_LENGTH;
  if (g_str_equal (reason, "tool_calls") || g_str_equal (reason, "tool_use") ||
      g_str_equal (reason, "function_call"))
    return SB_CHAT_FINISH_TOOL;
  if (g_str_equal (reason, "content_filter"))
    return SB_CHAT_FINISH_CONTENT_FILTER;
  if (g_str_equal (reason, "refusal"))
    return SB_CHAT_FINISH_REFUSAL;
  if (g_str_equal (reason, "error"))
    return SB_CHAT_FINISH_ERROR;

  return SB_CHAT_FINISH_OTHER;
}

/* ---- Streams ----------------------------------------------------------- */

struct _SbChatStream
{
  SbProviderKind   kind;
  SbChatResult    *result;
  GString         *text;
  GString         *refusal;
  GString         *tool_arguments;
  SbChatDeltaFunc  delta_func;
  gpointer         delta_data;
  int              tool_index;   /* Anthropic: content block index of the first tool_use */
  gboolean         done;
  gboolean         failed;
};

SbChatStream *
sb_chat_stream_new (SbProviderKind kind)
{
  SbChatStream *self = g_new0 (SbChatStream, 1);

  self->kind = kind;
  self->result = sb_chat_result_new (kind);
  self->text = g_string_new (NULL);
  self->refusal = g_string_new (NULL);
  self->tool_arguments = g_string_new (NULL);
  self->tool_index = -1;

  return self;
}

void
sb_chat_stream_free (SbChatStream *self)
{
  if (self == NULL)
    return;

  sb_chat_result_free (self->result);
  g_string_free (self->text, TRUE);
  g_string_free (self->refusal, TRUE);
  g_string_free (self->tool_arguments, TRUE);
  g_free (self);
}

void
sb_chat_stream_set_delta_func (SbChatStream    *self,
                               SbChatDeltaFunc  func,
                               gpointer         user_data)
{
  g_return_if_fail (self != NULL);

  self->delta_func = func;
  self->delta_data = user_data;
}

gboolean
sb_chat_stream_is_done (SbChatStream *self)
{
  g_return_val_if_fail (self != NULL, FALSE);

  return self->done;
}

static void
append_text (SbChatStream *self,
             const char   *text)
{
  if (text == NULL || *text == '\0')
    return;

  g_string_append (self->text, text);
  if (self->delta_func != NULL)
    self->delta_func (text, self->delta_data);
}

/* Structured output asked for through a forced tool streams as the tool's
 * arguments: that JSON is the answer, so it reaches the delta func too. */
static void
append_tool_arguments (SbChatStream *self,
                       const char   *json)
{
  if (json == NULL || *json == '\0')
    return;

  g_string_append (self->tool_arguments, json);
  if (self->delta_func != NULL)
    self->delta_func (json, self->delta_data);
}

/* An in-band error object: {"code": 429 | "server_error", "message": ...}
 * or Anthropic's {"type": "overloaded_error", "message": ...}. */
static GError *
stream_error (SbProviderKind  kind,
              JsonObject     *error_object)
{
  const char *message = sb_json_get_string (error_object, "message");
  const char *type = sb_json_get_string (error_object, "type");
  const char *code_text = sb_json_get_string (error_object, "code");
  gint64 code = sb_json_get_int (error_object, "code");
  SbProviderError error_code;

  if (code >= 400)
    error_code = sb_provider_error_code_from_status (kind, (guint) code, type);
  else if (type != NULL && g_str_equal (type, "rate_limit_error"))
    error_code = SB_PROVIDER_ERROR_RATE_LIMITED;
  else if (type != NULL || code_text != NULL)
    error_code = sb_provider_error_code_from_status (kind, 500, code_text ? code_text : type);
  else
    error_code = SB_PROVIDER_ERROR_SERVER;

  return sb_provider_error_new (kind, error_code, message);
}

static gboolean
feed_openai (SbChatStream  *self,
             JsonObject    *chunk,
             GError       **error)
{
  JsonObject *error_object = sb_json_get_object (chunk, "error");
  JsonArray *choices = sb_json_get_array (chunk, "choices");
  JsonObject *usage = sb_json_get_object (chunk, "usage");

  if (error_object != NULL)
    {
      g_propagate_error (error, stream_error (self->kind, error_object));
      return FALSE;
    }

  if (sb_json_get_string (chunk, "model") != NULL && self->result->model == NULL)
    self->result->model = g_strdup (sb_json_get_string (chunk, "model"));

  if (usage != NULL)
    {
      self->result->input_tokens = sb_json_get_int (usage, "prompt_tokens");
      self->result->output_tokens = sb_json_get_int (usage, "completion_tokens");
    }

  for (guint i = 0; choices != NULL && i < json_array_get_length (choices); i++)
    {
      JsonNode *node = json_array_get_element (choices, i);
      JsonObject *choice;
      JsonObject *delta;
      JsonArray *tool_calls;
      const char *finish;

      if (!JSON_NODE_HOLDS_OBJECT (node))
        continue;

      choice = json_node_get_object (node);
      /* With n > 1 only the first choice is used. */
      if (sb_json_get_int (choice, "index") != 0)
        continue;

      delta = sb_json_get_object (choice, "delta");
      append_text (self, sb_json_get_string (delta, "content"));
      if (sb_json_get_string (delta, "refusal") != NULL)
        g_string_append (self->refusal, sb_json_get_string (delta, "refusal"));

      tool_calls = sb_json_get_array (delta, "tool_calls");
      for (guint j = 0; tool_calls != NULL && j < json_array_get_length (tool_calls); j++)
        {
          JsonNode *call_node = json_array_get_element (tool_calls, j);
          JsonObject *function;

          if (!JSON_NODE_HOLDS_OBJECT (call_node) || sb_json_get_int (json_node_get_object (call_node), "index") != 0)
            continue;

          function = sb_json_get_object (json_node_get_object (call_node), "function");
          if (sb_json_get_string (function, "name") != NULL && self->result->tool_name == NULL)
            self->result->tool_name = g_strdup (sb_json_get_string (function, "name"));
          append_tool_arguments (self, sb_json_get_string (function, "arguments"));
        }

      finish = sb_json_get_string (choice, "finish_reason");
      if (finish != NULL)
        {
          g_free (self->result->finish_reason);
          self->result->finish_reason = g_strdup (finish);
          self->result->finish = sb_chat_finish_from_string (finish);

          if (self->result->finish == SB_CHAT_FINISH_ERROR)
            {
              g_propagate_error (error, sb_provider_error_new (self->kind, SB_PROVIDER_ERROR_SERVER, NULL));
              return FALSE;
            }
        }
    }

  return TRUE;
}

static gboolean
feed_anthropic (SbChatStream  *self,
                const char    *event_name,
                JsonObject    *data,
                GError       **error)
{
  const char *type = sb_json_get_string (data, "type");

  if (type == NULL)
    type = event_name;

  if (g_str_equal (type, "error"))
    {
      JsonObject *error_object = sb_json_get_object (data, "error");

      g_propagate_error (error, error_object ? stream_error (self->kind, error_object)
                                             : sb_provider_error_new (self->kind, SB_PROVIDER_ERROR_SERVER, NULL));
      return FALSE;
    }

  if (g_str_equal (type, "message_start"))
    {
      JsonObject *message = sb_json_get_object (data, "message");
      JsonObject *usage = sb_json_get_object (message, "usage");

      g_free (self->result->model);
      self->result->model = g_strdup (sb_json_get_string (message, "model"));
      self->result->input_tokens = sb_json_get_int (usage, "input_tokens");
    }
  else if (g_str_equal (type, "content_block_start"))
    {
      JsonObject *block = sb_json_get_object (data, "content_block");

      if (g_strcmp0 (sb_json_get_string (block, "type"), "tool_use") == 0 && self->tool_index < 0)
        {
          self->tool_index = (int) sb_json_get_int (data, "index");
          self->result->tool_name = g_strdup (sb_json_get_string (block, "name"));
        }
    }
  else if (g_str_equal (type, "content_block_delta"))
    {
      JsonObject *delta = sb_json_get_object (data, "delta");
      const char *delta_type = sb_json_get_string (delta, "type");

      if (g_strcmp0 (delta_type, "text_delta") == 0)
        append_text (self, sb_json_get_string (delta, "text"));
      else if (g_strcmp0 (delta_type, "input_json_delta") == 0 &&
               sb_json_get_int (data, "index") == self->tool_index)
        append_tool_arguments (self, sb_json_get_string (delta, "partial_json"));
    }
  else if (g_str_equal (type, "message_delta"))
    {
      JsonObject *delta = sb_json_get_object (data, "delta");
      JsonObject *usage = sb_json_get_object (data, "usage");
      const char *stop = sb_json_get_string (delta, "stop_reason");

      if (stop != NULL)
        {
          g_free (self->result->finish_reason);
          self->result->finish_reason = g_strdup (stop);
          self->result->finish = sb_chat_finish_from_string (stop);
        }
      if (usage != NULL)
        self->result->output_tokens = sb_json_get_int (usage, "output_tokens");
    }
  else if (g_str_equal (type, "message_stop"))
    {
      self->done = TRUE;
    }
  /* ping and unknown events are ignored. */

  return TRUE;
}

static gboolean
is_done_marker (const char *data)
{
  while (g_ascii_isspace (*data))
    data++;
  if (!g_str_has_prefix (data, "[DONE]"))
    return FALSE;
  data += strlen ("[DONE]");
  while (g_ascii_isspace (*data))
    data++;
  return *data == '\0';
}

gboolean
sb_chat_stream_feed_event (SbChatStream      *self,
                           const SbSseEvent  *event,
                           GError           **error)
{
  g_autoptr(JsonParser) parser = NULL;
  JsonNode *root;

  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (event != NULL, FALSE);

  if (self->done || self->failed)
    return !self->failed;

  if (self->kind != SB_PROVIDER_ANTHROPIC && is_done_marker (event->data))
    {
      self->done = TRUE;
      return TRUE;
    }

  parser = json_parser_new ();
  if (!json_parser_load_from_data (parser, event->data, -1, NULL) ||
      (root = json_parser_get_root (parser)) == NULL ||
      !JSON_NODE_HOLDS_OBJECT (root))
    {
      /* Anthropic's event: error may carry plain text. */
      if (g_str_equal (event->event, "error"))
        {
          self->failed = TRUE;
          g_propagate_error (error, sb_provider_error_new (self->kind, SB_PROVIDER_ERROR_SERVER, NULL));
          return FALSE;
        }

      self->failed = TRUE;
      g_propagate_error (error, sb_provider_error_new (self->kind, SB_PROVIDER_ERROR_BAD_RESPONSE,
                                                       _("a streamed piece is not JSON")));
      return FALSE;
    }

  if (self->kind == SB_PROVIDER_ANTHROPIC || g_str_equal (event->event, "error"))
    {
      if (!feed_anthropic (self, event->event, json_node_get_object (root), error))
        {
          self->failed = TRUE;
          return FALSE;
        }
      return TRUE;
    }

  if (!feed_openai (self, json_node_get_object (root), error))
    {
      self->failed = TRUE;
      return FALSE;
    }

  return TRUE;
}

SbChatResult *
sb_chat_stream_finish (SbChatStream  *self,
                       GError       **error)
{
  SbChatResult *result;

  g_return_val_if_fail (self != NULL, NULL);

  if (!self->done && self->result->finish == SB_CHAT_FINISH_NONE)
    {
      g_propagate_error (error, sb_provider_error_new (self->kind, SB_PROVIDER_ERROR_BAD_RESPONSE,
                                                       _("the answer stopped in the middle")));
      return NULL;
    }

  result = sb_chat_result_copy (self->result);
  result->text = self->text->len > 0 ? g_strdup (self->text->str) : NULL;
  result->refusal = self->refusal->len > 0 ? g_strdup (self->refusal->str) : NULL;
  result->tool_arguments = self->tool_arguments->len > 0 ? g_strdup (self->tool_arguments->str) : NULL;

  return result;
}

/* ---- Models ------------------------------------------------------------ */

G_DEFINE_BOXED_TYPE (SbLlmModel, sb_llm_model, sb_llm_model_copy, sb_llm_model_free)

SbLlmModel *
sb_llm_model_copy (SbLlmModel *self)
{
  SbLlmModel *copy = g_new0 (SbLlmModel, 1);

  *copy = *self;
  copy->id = g_strdup (self->id);
  copy->name = g_strdup (self->name);

  return copy;
}

void
sb_llm_model_free (SbLlmModel *self)
{
  if (self == NULL)
    return;

  g_free (self->id);
  g_free (self->name);
  g_free (self);
}

static gboolean
array_contains_string (JsonArray  *array,
                       const char *value)
{
  for (guint i = 0; array != NULL && i < json_array_get_length (array); i++)
    {
      JsonNode *node = json_array_get_element (array, i);

      if (JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_STRING &&
          g_str_equal (json_node_get_string (node), value))
        return TRUE;
    }

  return FALSE;
}

GPtrArray *
sb_llm_parse_models (SbProviderKind   kind,
                     JsonNode        *root,
                     GError         **error)
{
  g_autoptr(GPtrArray) models = NULL;
  JsonArray *data = NULL;

  if (root != NULL && JSON_NODE_HOLDS_OBJECT (root))
    data = sb_json_get_array (json_node_get_object (root), "data");

  if (data == NULL)
    {
      g_propagate_error (error, sb_provider_error_new (kind, SB_PROVIDER_ERROR_BAD_RESPONSE,
                                                       _("the model list has no data")));
      return NULL;
    }

  models = g_ptr_array_new_with_free_func ((GDestroyNotify) sb_llm_model_free);

  for (guint i = 0; i < json_array_get_length (data); i++)
    {
      JsonNode *node = json_array_get_element (data, i);
      JsonObject *object;
      JsonObject *architecture;
      SbLlmModel *model;
      const char *modality;

      if (!JSON_NODE_HOLDS_OBJECT (node))
        continue;

      object = json_node_get_object (node);
      if (sb_json_get_string (object, "id") == NULL)
        continue;

      model = g_new0 (SbLlmModel, 1);
      model->id = g_strdup (sb_json_get_string (object, "id"));
      model->name = g_strdup (sb_json_get_string (object, "name"));
      if (model->name == NULL)
        model->name = g_strdup (sb_json_get_string (object, "display_name"));
      if (model->name == NULL)
        model->name = g_strdup (model->id);
      model->context_length = sb_json_get_int (object, "context_length");

      architecture = sb_json_get_object (object, "architecture");
      modality = sb_json_get_string (architecture, "modality");
      model->accepts_images = array_contains_string (sb_json_get_array (architecture, "input_modalities"), "image") ||
                              (modality != NULL && strstr (modality, "image") != NULL &&
                               strstr (modality, "image") < strstr (modality, "->"));
      model->structured_output = array_contains_string (sb_json_get_array (object, "supported_parameters"), "structured_outputs") ||
                                 array_contains_string (sb_json_get_array (object, "supported_parameters"), "response_format");

      g_ptr_array_add (models, model);
    }

  return g_steal_pointer (&models);
}

/* ---- The client base class --------------------------------------------- */

typedef struct
{
  SbProviderKind  kind;
  SbHttp         *http;
  char           *api_key;
  char           *model;
} SbLlmClientPrivate;

G_DEFINE_ABSTRACT_TYPE_WITH_PRIVATE (SbLlmClient, sb_llm_client, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_KIND,
  PROP_HTTP,
  PROP_MODEL,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
sb_llm_client_finalize (GObject *object)
{
  SbLlmClient *self = SB_LLM_CLIENT (object);
  SbLlmClientPrivate *priv = sb_llm_client_get_instance_private (self);

  g_clear_object (&priv->http);
  if (priv->api_key != NULL)
    memset (priv->api_key, 0, strlen (priv->api_key));
  g_clear_pointer (&priv->api_key, g_free);
  g_clear_pointer (&priv->model, g_free);

  G_OBJECT_CLASS (sb_llm_client_parent_class)->finalize (object);
}

static void
sb_llm_client_get_property (GObject    *object,
                            guint       prop_id,
                            GValue     *value,
                            GParamSpec *pspec)
{
  SbLlmClient *self = SB_LLM_CLIENT (object);
  SbLlmClientPrivate *priv = sb_llm_client_get_instance_private (self);

  switch (prop_id)
    {
    case PROP_KIND:
      g_value_set_uint (value, priv->kind);
      break;

    case PROP_HTTP:
      g_value_set_object (value, priv->http);
      break;

    case PROP_MODEL:
      g_value_set_string (value, priv->model);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sb_llm_client_set_property (GObject      *object,
                            guint         prop_id,
                            const GValue *value,
                            GParamSpec   *pspec)
{
  SbLlmClient *self = SB_LLM_CLIENT (object);
  SbLlmClientPrivate *priv = sb_llm_client_get_instance_private (self);

  switch (prop_id)
    {
    case PROP_KIND:
      priv->kind = g_value_get_uint (value);
      break;

    case PROP_HTTP:
      priv->http = g_value_dup_object (value);
      if (priv->http == NULL)
        priv->http = g_object_ref (sb_http_get_default ());
      break;

    case PROP_MODEL:
      sb_llm_client_set_model (self, g_value_get_string (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sb_llm_client_class_init (SbLlmClientClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = sb_llm_client_finalize;
  object_class->get_property = sb_llm_client_get_property;
  object_class->set_property = sb_llm_client_set_property;

  properties[PROP_KIND] =
    g_param_spec_uint ("kind", NULL, NULL,
                       0, SB_PROVIDER_N_KINDS - 1, SB_PROVIDER_OPENAI,
                       G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);

  properties[PROP_HTTP] =
    g_param_spec_object ("http", NULL, NULL,
                         SB_TYPE_HTTP,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);

  properties[PROP_MODEL] =
    g_param_spec_string ("model", NULL, NULL,
                         NULL,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
sb_llm_client_init (SbLlmClient *self)
{
}

SbProviderKind
sb_llm_client_get_kind (SbLlmClient *self)
{
  SbLlmClientPrivate *priv = sb_llm_client_get_instance_private (self);

  g_return_val_if_fail (SB_IS_LLM_CLIENT (self), 0);

  return priv->kind;
}

SbHttp *
sb_llm_client_get_http (SbLlmClient *self)
{
  SbLlmClientPrivate *priv = sb_llm_client_get_instance_private (self);

  g_return_val_if_fail (SB_IS_LLM_CLIENT (self), NULL);

  return priv->http;
}

void
sb_llm_client_set_api_key (SbLlmClient *self,
                           const char  *api_key)
{
  SbLlmClientPrivate *priv = sb_llm_client_get_instance_private (self);

  g_return_if_fail (SB_IS_LLM_CLIENT (self));

  if (priv->api_key != NULL)
    memset (priv->api_key, 0, strlen (priv->api_key));
  g_free (priv->api_key);
  priv->api_key = (api_key && *api_key) ? g_strdup (api_key) : NULL;
}

gboolean
sb_llm_client_has_api_key (SbLlmClient *self)
{
  SbLlmClientPrivate *priv = sb_llm_client_get_instance_private (self);

  g_return_val_if_fail (SB_IS_LLM_CLIENT (self), FALSE);

  return priv->api_key != NULL;
}

const char *
sb_llm_client_get_model (SbLlmClient *self)
{
  SbLlmClientPrivate *priv = sb_llm_client_get_instance_private (self);

  g_return_val_if_fail (SB_IS_LLM_CLIENT (self), NULL);

  return priv->model;
}

void
sb_llm_client_set_model (SbLlmClient *self,
                         const char  *model)
{
  SbLlmClientPrivate *priv = sb_llm_client_get_instance_private (self);

  g_return_if_fail (SB_IS_LLM_CLIENT (self));

  if (g_strcmp0 (priv->model, model) == 0)
    return;

  g_free (priv->model);
  priv->model = g_strdup (model);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MODEL]);
}

static SbHttpRequest *
new_request (SbLlmClient *self,
             const char  *method,
             const char  *path,
             GError     **error)
{
  SbLlmClientPrivate *priv = sb_llm_client_get_instance_private (self);
  g_autofree char *url = NULL;
  SbHttpRequest *request;

  url = sb_provider_config_build_url (sb_http_get_config (priv->http), priv->kind, path);
  if (url == NULL)
    {
      g_propagate_error (error, sb_provider_error_new (priv->kind, SB_PROVIDER_ERROR_OFFLINE, NULL));
      return NULL;
    }

  /* Local servers work without a key; hosted ones do not. */
  if (priv->api_key == NULL && priv->kind != SB_PROVIDER_OPENAI_COMPATIBLE)
    {
      g_propagate_error (error, sb_provider_error_new (priv->kind, SB_PROVIDER_ERROR_AUTH, NULL));
      return NULL;
    }

  request = sb_http_request_new (priv->kind, method, url);
  sb_http_request_set_api_key (request, priv->api_key);
  if (SB_LLM_CLIENT_GET_CLASS (self)->add_headers != NULL)
    SB_LLM_CLIENT_GET_CLASS (self)->add_headers (self, request);

  return request;
}

typedef struct
{
  SbChatRequest *request;
  SbSseParser   *parser;
  SbChatStream  *stream;
  GInputStream  *input;
  GByteArray    *json_buffer;   /* a streamed request answered with plain JSON */
  guint          attempts;
  GError        *error;
} CompleteData;

static void
complete_data_free (CompleteData *data)
{
  g_clear_pointer (&data->request, sb_chat_request_unref);
  g_clear_pointer (&data->parser, sb_sse_parser_free);
  g_clear_pointer (&data->stream, sb_chat_stream_free);
  g_clear_object (&data->input);
  g_clear_pointer (&data->json_buffer, g_byte_array_unref);
  g_clear_error (&data->error);
  g_free (data);
}

static void
complete_return_result (GTask        *task,
                        SbChatResult *result)
{
  CompleteData *data = g_task_get_task_data (task);
  GError *error = NULL;

  if (!sb_chat_result_check (result, data->request, &error))
    {
      sb_chat_result_free (result);
      g_task_return_error (task, error);
      return;
    }

  g_task_return_pointer (task, result, (GDestroyNotify) sb_chat_result_free);
}

static void
sse_event_cb (const SbSseEvent *event,
              gpointer          user_data)
{
  CompleteData *data = user_data;

  if (data->error != NULL)
    return;

  sb_chat_stream_feed_event (data->stream, event, &data->error);
}

static void stream_read_cb (GObject      *object,
                            GAsyncResult *result,
                            gpointer      user_data);

/* Takes the task reference. */
static void
read_next (GTask *task)
{
  CompleteData *data = g_task_get_task_data (task);
  GCancellable *cancellable = g_task_get_cancellable (task);

  g_input_stream_read_bytes_async (data->input, READ_CHUNK, G_PRIORITY_DEFAULT,
                                   cancellable, stream_read_cb, task);
}

static void
complete_parse_json (GTask  *task,
                     GBytes *body)
{
  CompleteData *data = g_task_get_task_data (task);
  SbLlmClient *self = g_task_get_source_object (task);
  SbHttpResponse response = { 0, };
  g_autoptr(JsonNode) root = NULL;
  GError *error = NULL;
  SbChatResult *chat_result;

  response.body = body;
  root = sb_http_response_parse_json (&response, sb_llm_client_get_kind (self), &error);
  g_bytes_unref (body);
  if (root == NULL)
    {
      g_task_return_error (task, error);
      return;
    }

  chat_result = SB_LLM_CLIENT_GET_CLASS (self)->parse_body (self, data->request, root, &error);
  if (chat_result == NULL)
    {
      sb_provider_error_set_attempts (error, data->attempts, SB_RETRY_WAIT_NONE);
      g_task_return_error (task, error);
      return;
    }

  complete_return_result (task, chat_result);
}

static void
stream_read_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  CompleteData *data = g_task_get_task_data (task);
  SbLlmClient *self = g_task_get_source_object (task);
  g_autoptr(GBytes) chunk = NULL;
  g_autoptr(GError) error = NULL;
  SbChatResult *chat_result;

  chunk = g_input_stream_read_bytes_finish (G_INPUT_STREAM (object), result, &error);
  if (chunk == NULL)
    {
      g_task_return_error (task, sb_provider_error_new_from_transport (sb_llm_client_get_kind (self), error));
      return;
    }

  if (data->json_buffer != NULL)
    {
      if (g_bytes_get_size (chunk) > 0)
        {
          g_byte_array_append (data->json_buffer, g_bytes_get_data (chunk, NULL), g_bytes_get_size (chunk));
          read_next (g_steal_pointer (&task));
          return;
        }

      complete_parse_json (task, g_byte_array_free_to_bytes (g_steal_pointer (&data->json_buffer)));
      return;
    }

  if (g_bytes_get_size (chunk) > 0)
    sb_sse_parser_feed (data->parser, g_bytes_get_data (chunk, NULL), g_bytes_get_size (chunk));
  else
    sb_sse_parser_finish (data->parser);

  if (data->error != NULL)
    {
      /* Stop reading: closing the connection is how a stream is cancelled. */
      g_input_stream_close_async (data->input, G_PRIORITY_DEFAULT, NULL, NULL, NULL);
      g_task_return_error (task, g_steal_pointer (&data->error));
      return;
    }

  if (g_bytes_get_size (chunk) > 0 && !sb_chat_stream_is_done (data->stream))
    {
      read_next (g_steal_pointer (&task));
      return;
    }

  if (g_bytes_get_size (chunk) > 0)
    g_input_stream_close_async (data->input, G_PRIORITY_DEFAULT, NULL, NULL, NULL);

  chat_result = sb_chat_stream_finish (data->stream, &error);
  if (chat_result == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  complete_return_result (task, chat_result);
}

static void
stream_delta_cb (const char *text,
                 gpointer    user_data)
{
  SbChatRequest *request = user_data;

  if (request->delta_func != NULL)
    request->delta_func (text, request->delta_data);
}

static void
complete_send_cb (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  CompleteData *data = g_task_get_task_data (task);
  SbLlmClient *self = g_task_get_source_object (task);
  g_autoptr(SbHttpResponse) response = NULL;
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *media_type = NULL;
  GError *error = NULL;
  SbChatResult *chat_result;

  response = sb_http_send_finish (SB_HTTP (object), result, &error);
  if (response == NULL)
    {
      g_task_return_error (task, error);
      return;
    }

  data->attempts = response->attempts;

  if (response->stream != NULL)
    {
      media_type = sb_http_response_dup_media_type (response);
      data->input = g_steal_pointer (&response->stream);

      /* A server that ignores "stream" answers with plain JSON. */
      if (g_strcmp0 (media_type, "application/json") == 0)
        {
          data->json_buffer = g_byte_array_new ();
        }
      else
        {
          data->stream = sb_chat_stream_new (sb_llm_client_get_kind (self));
          sb_chat_stream_set_delta_func (data->stream, stream_delta_cb, data->request);
          data->parser = sb_sse_parser_new (sse_event_cb, data);
        }

      read_next (g_steal_pointer (&task));
      return;
    }

  root = sb_http_response_parse_json (response, sb_llm_client_get_kind (self), &error);
  if (root == NULL)
    {
      g_task_return_error (task, error);
      return;
    }

  chat_result = SB_LLM_CLIENT_GET_CLASS (self)->parse_body (self, data->request, root, &error);
  if (chat_result == NULL)
    {
      sb_provider_error_set_attempts (error, response->attempts, response->wait);
      g_task_return_error (task, error);
      return;
    }

  complete_return_result (task, chat_result);
}

void
sb_llm_client_complete_async (SbLlmClient         *self,
                              SbChatRequest       *request,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  SbLlmClientPrivate *priv = sb_llm_client_get_instance_private (self);
  g_autoptr(SbHttpRequest) http_request = NULL;
  g_autoptr(GTask) task = NULL;
  g_autoptr(JsonNode) body = NULL;
  GError *error = NULL;
  CompleteData *data;
  gboolean stream;

  g_return_if_fail (SB_IS_LLM_CLIENT (self));
  g_return_if_fail (request != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, sb_llm_client_complete_async);

  data = g_new0 (CompleteData, 1);
  data->request = sb_chat_request_ref (request);
  g_task_set_task_data (task, data, (GDestroyNotify) complete_data_free);

  if (priv->model == NULL)
    {
      g_task_return_error (task, sb_provider_error_new (priv->kind, SB_PROVIDER_ERROR_NOT_FOUND, NULL));
      return;
    }

  http_request = new_request (self, "POST", SB_LLM_CLIENT_GET_CLASS (self)->get_chat_path (self), &error);
  if (http_request == NULL)
    {
      g_task_return_error (task, error);
      return;
    }

  stream = request->delta_func != NULL;
  body = SB_LLM_CLIENT_GET_CLASS (self)->build_body (self, request, priv->model, stream);
  sb_http_request_set_json (http_request, body);
  sb_http_request_set_retry_class (http_request, SB_HTTP_RETRY_REPEATABLE);
  sb_http_request_set_timeout (http_request, SB_HTTP_TIMEOUT_LLM);
  sb_http_request_set_streamed (http_request, stream);

  sb_http_send_async (priv->http, http_request, cancellable, complete_send_cb, g_steal_pointer (&task));
}

SbChatResult *
sb_llm_client_complete_finish (SbLlmClient   *self,
                               GAsyncResult  *result,
                               GError       **error)
{
  g_return_val_if_fail (SB_IS_LLM_CLIENT (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
list_models_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  SbLlmClient *self = g_task_get_source_object (task);
  g_autoptr(SbHttpResponse) response = NULL;
  g_autoptr(JsonNode) root = NULL;
  GError *error = NULL;
  GPtrArray *models;

  response = sb_http_send_finish (SB_HTTP (object), result, &error);
  if (response == NULL ||
      (root = sb_http_response_parse_json (response, sb_llm_client_get_kind (self), &error)) == NULL ||
      (models = sb_llm_parse_models (sb_llm_client_get_kind (self), root, &error)) == NULL)
    {
      g_task_return_error (task, error);
      return;
    }

  g_task_return_pointer (task, models, (GDestroyNotify) g_ptr_array_unref);
}

void
sb_llm_client_list_models_async (SbLlmClient         *self,
                                 GCancellable        *cancellable,
                                 GAsyncReadyCallback  callback,
                                 gpointer             user_data)
{
  SbLlmClientPrivate *priv = sb_llm_client_get_instance_private (self);
  g_autoptr(SbHttpRequest) request = NULL;
  g_autoptr(GTask) task = NULL;
  GError *error = NULL;

  g_return_if_fail (SB_IS_LLM_CLIENT (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, sb_llm_client_list_models_async);

  request = new_request (self, "GET", priv->kind == SB_PROVIDER_ANTHROPIC ? "v1/models" : "models", &error);
  if (request == NULL)
    {
      g_task_return_error (task, error);
      return;
    }

  sb_http_send_async (priv->http, request, cancellable, list_models_cb, g_steal_pointer (&task));
}

GPtrArray *
sb_llm_client_list_models_finish (SbLlmClient   *self,
                                  GAsyncResult  *result,
                                  GError       **error)
{
  g_return_val_if_fail (SB_IS_LLM_CLIENT (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}
