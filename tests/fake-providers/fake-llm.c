/* fake-llm.c
 *
 * Copyright 2026 The Storyboard authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* OpenAI /v1/chat/completions and /v1/models (the latter shared with
 * Replicate, see fake-replicate.c), OpenRouter /api/v1/..., Anthropic
 * /v1/messages: JSON and SSE, with the creative brief as the answer. */

#define G_LOG_DOMAIN "sb-fake-providers"

#include <string.h>

#include "fake-server.h"

typedef enum
{
  PROVIDER_OPENAI,
  PROVIDER_OPENROUTER,
  PROVIDER_ANTHROPIC,
} Provider;

typedef enum
{
  MODE_TEXT,
  MODE_JSON,      /* content is JSON text (json_schema, json_object, output_config) */
  MODE_TOOL,      /* forced tool call: OpenAI tool_calls / Anthropic tool_use */
} Mode;

typedef struct
{
  FakeServer *self;
  Provider provider;
  JsonObject *request;
  GPtrArray *faults;
  char *model;
  char *topic;           /* user text, markers removed */
  Mode mode;
  JsonObject *schema;    /* may be NULL */
  char *tool_name;
  gboolean stream;
  gboolean include_usage;
  int input_tokens;
} Chat;

static void
chat_free (Chat *chat)
{
  g_clear_pointer (&chat->request, json_object_unref);
  g_clear_pointer (&chat->faults, g_ptr_array_unref);
  g_clear_pointer (&chat->schema, json_object_unref);
  g_free (chat->model);
  g_free (chat->topic);
  g_free (chat->tool_name);
  g_free (chat);
}
G_DEFINE_AUTOPTR_CLEANUP_FUNC (Chat, chat_free)

static const char *
route_name (Provider provider)
{
  switch (provider)
    {
    case PROVIDER_OPENAI:
      return "openai-chat";
    case PROVIDER_OPENROUTER:
      return "openrouter-chat";
    default:
      return "anthropic-messages";
    }
}

/* ---- error bodies ------------------------------------------------------ */

static void
send_openai_error (SoupServerMessage *msg,
                   guint              status,
                   const char        *message,
                   const char        *type,
                   const char        *code)
{
  g_autoptr(JsonObject) o = json_object_new ();
  JsonObject *e = json_object_new ();

  json_object_set_string_member (e, "message", message);
  json_object_set_string_member (e, "type", type);
  json_object_set_null_member (e, "param");
  if (code != NULL)
    json_object_set_string_member (e, "code", code);
  else
    json_object_set_null_member (e, "code");
  json_object_set_object_member (o, "error", e);
  soup_message_headers_replace (soup_server_message_get_response_headers (msg), "x-request-id", "req_fake0123456789abcdef");
  fake_send_json_object (msg, status, "application/json", o);
}

static void
send_openrouter_error (SoupServerMessage *msg,
                       guint              status,
                       int                code,
                       const char        *message,
                       const char        *error_type)
{
  g_autoptr(JsonObject) o = json_object_new ();
  JsonObject *e = json_object_new ();

  json_object_set_int_member (e, "code", code);
  json_object_set_string_member (e, "message", message);
  if (error_type != NULL)
    {
      JsonObject *meta = json_object_new ();

      json_object_set_string_member (meta, "error_type", error_type);
      json_object_set_object_member (e, "metadata", meta);
    }
  json_object_set_object_member (o, "error", e);
  if (status == 200)
    json_object_set_string_member (o, "user_id", "org_abc123");
  fake_send_json_object (msg, status, "application/json", o);
}

static void
send_anthropic_error (SoupServerMessage *msg,
                      guint              status,
                      const char        *type,
                      const char        *message,
                      gboolean           should_retry)
{
  g_autoptr(JsonObject) o = json_object_new ();
  JsonObject *e = json_object_new ();
  SoupMessageHeaders *headers = soup_server_message_get_response_headers (msg);
  g_autofree char *rand = fake_random_id (24);
  g_autofree char *request_id = g_strdup_printf ("req_011C%s", rand);

  json_object_set_string_member (o, "type", "error");
  json_object_set_string_member (e, "type", type);
  json_object_set_string_member (e, "message", message);
  json_object_set_object_member (o, "error", e);
  json_object_set_string_member (o, "request_id", request_id);
  soup_message_headers_replace (headers, "request-id", request_id);
  soup_message_headers_replace (headers, "x-should-retry", should_retry ? "true" : "false");
  fake_send_json_object (msg, status, "application/json", o);
}

static gboolean
apply_status_fault (Chat              *chat,
                    SoupServerMessage *msg)
{
  FakeFault *fault = fake_faults_find_status (chat->faults);
  SoupMessageHeaders *headers = soup_server_message_get_response_headers (msg);
  const char *name;
  int status;

  if (fault == NULL)
    return FALSE;
  name = fault->name;
  status = atoi (name);

  if (g_str_equal (name, "429-retry-after"))
    {
      soup_message_headers_replace (headers, "Retry-After", fault->value ? fault->value : "1");
      status = 429;
    }
  else if (g_str_equal (name, "503") && fault->value != NULL)
    soup_message_headers_replace (headers, "Retry-After", fault->value);

  switch (chat->provider)
    {
    case PROVIDER_OPENAI:
      if (g_str_equal (name, "quota") || status == 402)
        send_openai_error (msg, 429,
                           "You exceeded your current quota, please check your plan and billing details. For more "
                           "information on this error, read the docs: https://platform.openai.com/docs/guides/error-codes/api-errors.",
                           "insufficient_quota", "insufficient_quota");
      else if (status == 401)
        send_openai_error (msg, 401, "Incorrect API key provided: sk-fake***. You can find your API key at "
                           "https://platform.openai.com/account/api-keys.", "invalid_request_error", "invalid_api_key");
      else if (status == 429)
        {
          soup_message_headers_replace (headers, "x-ratelimit-limit-requests", "500");
          soup_message_headers_replace (headers, "x-ratelimit-remaining-requests", "0");
          soup_message_headers_replace (headers, "x-ratelimit-reset-requests", "120ms");
          send_openai_error (msg, 429, "Rate limit reached for gpt-4o in organization org-fake on requests per min "
                             "(RPM): Limit 500, Used 500, Requested 1. Please try again in 120ms.",
                             "requests", "rate_limit_exceeded");
        }
      else if (status == 404)
        send_openai_error (msg, 404, "The model `unknown` does not exist or you do not have access to it.",
                           "invalid_request_error", "model_not_found");
      else if (status >= 500)
        send_openai_error (msg, status, "The server had an error while processing your request. Sorry about that!",
                           "server_error", NULL);
      else
        send_openai_error (msg, status ? status : 400, "Invalid request (fake).", "invalid_request_error", NULL);
      return TRUE;

    case PROVIDER_OPENROUTER:
      if (g_str_equal (name, "200-error"))
        send_openrouter_error (msg, 200, 500, "Internal Server Error", NULL);
      else if (status == 401)
        send_openrouter_error (msg, 401, 401, "User not found.", NULL);
      else if (status == 402)
        send_openrouter_error (msg, 402, 402, "Insufficient credits. Add more using https://openrouter.ai/credits", NULL);
      else if (status == 403)
        send_openrouter_error (msg, 403, 403, "Request blocked: prompt injection patterns detected", "moderation");
      else if (status == 429)
        {
          g_autofree char *reset = g_strdup_printf ("%" G_GINT64_FORMAT, g_get_real_time () / 1000 + 60000);

          soup_message_headers_replace (headers, "X-RateLimit-Limit", "20");
          soup_message_headers_replace (headers, "X-RateLimit-Remaining", "0");
          soup_message_headers_replace (headers, "X-RateLimit-Reset", reset);
          send_openrouter_error (msg, 429, 429, "Rate limit exceeded: free-models-per-min", "rate_limit_exceeded");
        }
      else if (status == 502 || status == 529)
        send_openrouter_error (msg, status, status, "Provider returned error", "provider_unavailable");
      else if (status == 503)
        send_openrouter_error (msg, 503, 503, "Service temporarily unavailable", "server");
      else if (status == 524)
        send_openrouter_error (msg, 524, 524, "Request timed out. Please try again later.", "timeout");
      else if (status == 408)
        send_openrouter_error (msg, 408, 408, "Operation timed out. Please try again later.", "timeout");
      else if (status >= 500)
        send_openrouter_error (msg, status, status, "Internal Server Error", "server");
      else if (status == 404)
        send_openrouter_error (msg, 404, 404, "Resource not found", NULL);
      else
        send_openrouter_error (msg, status ? status : 400, status ? status : 400, "Invalid request parameters", NULL);
      return TRUE;

    default:
      if (status == 401)
        send_anthropic_error (msg, 401, "authentication_error", "invalid x-api-key", FALSE);
      else if (status == 402)
        send_anthropic_error (msg, 402, "billing_error", "Your credit balance is too low to access the Anthropic API.", FALSE);
      else if (status == 403)
        send_anthropic_error (msg, 403, "permission_error", "Your API key does not have permission to use the specified resource.", FALSE);
      else if (status == 404)
        send_anthropic_error (msg, 404, "not_found_error", "model: unknown", FALSE);
      else if (status == 413)
        send_anthropic_error (msg, 413, "request_too_large", "Request exceeds the maximum allowed number of bytes.", FALSE);
      else if (status == 429)
        send_anthropic_error (msg, 429, "rate_limit_error",
                              "This request would exceed your organization's rate limit of 50 requests per minute. "
                              "For details, refer to: https://docs.claude.com/en/api/rate-limits.",
                              soup_message_headers_get_one (headers, "Retry-After") != NULL);
      else if (status == 529)
        send_anthropic_error (msg, 529, "overloaded_error", "Overloaded", TRUE);
      else if (status == 504)
        send_anthropic_error (msg, 504, "timeout_error", "Request timed out", TRUE);
      else if (status >= 500)
        send_anthropic_error (msg, status, "api_error", "Internal server error", TRUE);
      else
        send_anthropic_error (msg, status ? status : 400, "invalid_request_error", "Invalid request (fake).", FALSE);
      return TRUE;
    }
}

/* Returns TRUE when the request may go on. */
static gboolean
check_auth (FakeServer        *self,
            Provider           provider,
            SoupServerMessage *msg)
{
  SoupMessageHeaders *req = soup_server_message_get_request_headers (msg);
  const char *auth = soup_message_headers_get_one (req, "Authorization");
  const char *key = NULL;

  if (provider == PROVIDER_ANTHROPIC)
    {
      key = soup_message_headers_get_one (req, "x-api-key");
      if (key == NULL || *key == '\0')
        {
          send_anthropic_error (msg, 401, "authentication_error", "x-api-key header is required", FALSE);
          return FALSE;
        }
      if (g_str_equal (key, "bad-key"))
        {
          send_anthropic_error (msg, 401, "authentication_error", "invalid x-api-key", FALSE);
          return FALSE;
        }
      if (soup_message_headers_get_one (req, "anthropic-version") == NULL)
        {
          send_anthropic_error (msg, 400, "invalid_request_error", "anthropic-version: header is required", FALSE);
          return FALSE;
        }
      return TRUE;
    }

  if (auth != NULL && g_ascii_strncasecmp (auth, "Bearer ", 7) == 0)
    key = auth + 7;

  if (key == NULL || *key == '\0')
    {
      if (provider == PROVIDER_OPENROUTER)
        send_openrouter_error (msg, 401, 401, "No auth credentials found", NULL);
      else
        send_openai_error (msg, 401, "You didn't provide an API key. You need to provide your API key in an "
                           "Authorization header using Bearer auth (i.e. Authorization: Bearer YOUR_KEY), or as the "
                           "password field (with blank username) if you're accessing the API from your browser and are "
                           "prompted for a username and password. You can obtain an API key from "
                           "https://platform.openai.com/account/api-keys.", "invalid_request_error", NULL);
      return FALSE;
    }
  if (g_str_equal (key, "bad-key"))
    {
      if (provider == PROVIDER_OPENROUTER)
        send_openrouter_error (msg, 401, 401, "User not found.", NULL);
      else
        send_openai_error (msg, 401, "Incorrect API key provided: bad-key. You can find your API key at "
                           "https://platform.openai.com/account/api-keys.", "invalid_request_error", "invalid_api_key");
      return FALSE;
    }
  return TRUE;
}

/* ---- reading the request ----------------------------------------------- */

static void
append_content_text (GString  *out,
                     JsonNode *content)
{
  if (content == NULL)
    return;
  if (JSON_NODE_HOLDS_VALUE (content) && json_node_get_value_type (content) == G_TYPE_STRING)
    {
      g_string_append (out, json_node_get_string (content));
      g_string_append_c (out, '\n');
    }
  else if (JSON_NODE_HOLDS_ARRAY (content))
    {
      JsonArray *parts = json_node_get_array (content);

      for (guint i = 0; i < json_array_get_length (parts); i++)
        {
          JsonNode *part = json_array_get_element (parts, i);
          JsonObject *po;

          if (!JSON_NODE_HOLDS_OBJECT (part))
            continue;
          po = json_node_get_object (part);
          if (json_object_has_member (po, "text") && JSON_NODE_HOLDS_VALUE (json_object_get_member (po, "text")))
            {
              g_string_append (out, json_object_get_string_member (po, "text"));
              g_string_append_c (out, '\n');
            }
        }
    }
}

static JsonObject *
object_member (JsonObject *o,
               const char *name)
{
  JsonNode *n;

  if (o == NULL || !json_object_has_member (o, name))
    return NULL;
  n = json_object_get_member (o, name);
  return JSON_NODE_HOLDS_OBJECT (n) ? json_node_get_object (n) : NULL;
}

static const char *
string_member (JsonObject *o,
               const char *name)
{
  JsonNode *n;

  if (o == NULL || !json_object_has_member (o, name))
    return NULL;
  n = json_object_get_member (o, name);
  if (!JSON_NODE_HOLDS_VALUE (n) || json_node_get_value_type (n) != G_TYPE_STRING)
    return NULL;
  return json_node_get_string (n);
}

static JsonObject *
find_tool_schema (JsonObject *request,
                  const char *name,
                  gboolean    anthropic)
{
  JsonArray *tools;

  if (!json_object_has_member (request, "tools") ||
      !JSON_NODE_HOLDS_ARRAY (json_object_get_member (request, "tools")))
    return NULL;
  tools = json_object_get_array_member (request, "tools");
  for (guint i = 0; i < json_array_get_length (tools); i++)
    {
      JsonObject *tool = json_array_get_object_element (tools, i);

      if (anthropic)
        {
          if (g_strcmp0 (string_member (tool, "name"), name) == 0)
            return object_member (tool, "input_schema");
        }
      else
        {
          JsonObject *fn = object_member (tool, "function");

          if (g_strcmp0 (string_member (fn, "name"), name) == 0)
            return object_member (fn, "parameters");
        }
    }
  return NULL;
}

static void
chat_read_request (Chat *chat)
{
  JsonObject *req = chat->request;
  GString *all = g_string_new (NULL);
  GString *user = g_string_new (NULL);
  JsonArray *messages = NULL;
  JsonObject *rf;
  JsonObject *tool_choice;
  g_autofree char *last_user = NULL;

  if (json_object_has_member (req, "messages") && JSON_NODE_HOLDS_ARRAY (json_object_get_member (req, "messages")))
    messages = json_object_get_array_member (req, "messages");
  if (json_object_has_member (req, "system"))
    append_content_text (all, json_object_get_member (req, "system"));

  for (guint i = 0; messages != NULL && i < json_array_get_length (messages); i++)
    {
      JsonNode *node = json_array_get_element (messages, i);
      JsonObject *m;

      if (!JSON_NODE_HOLDS_OBJECT (node))
        continue;
      m = json_node_get_object (node);
      append_content_text (all, json_object_get_member (m, "content"));
      if (g_strcmp0 (string_member (m, "role"), "user") == 0)
        {
          g_string_truncate (user, 0);
          append_content_text (user, json_object_get_member (m, "content"));
        }
    }

  last_user = g_strdup (user->str);
  chat->topic = fake_strip_markers (last_user);
  if (*chat->topic == '\0')
    {
      g_free (chat->topic);
      chat->topic = g_strdup ("a lighthouse keeper who befriends a storm");
    }
  chat->input_tokens = (int) (all->len / 4) + 8;
  chat->model = g_strdup (string_member (req, "model"));
  if (chat->model == NULL)
    chat->model = g_strdup (chat->provider == PROVIDER_ANTHROPIC ? "claude-sonnet-4-5-20250929" :
                            chat->provider == PROVIDER_OPENROUTER ? "openai/gpt-4o" : "gpt-4o-2024-08-06");
  chat->stream = json_object_has_member (req, "stream") && JSON_NODE_HOLDS_VALUE (json_object_get_member (req, "stream")) &&
                 json_object_get_boolean_member (req, "stream");
  chat->include_usage = chat->provider == PROVIDER_OPENROUTER ||
                        (object_member (req, "stream_options") != NULL &&
                         json_object_get_boolean_member_with_default (object_member (req, "stream_options"),
                                                                      "include_usage", FALSE));

  /* Structured output, per provider. */
  rf = object_member (req, "response_format");
  tool_choice = object_member (req, "tool_choice");
  if (chat->provider != PROVIDER_ANTHROPIC && rf != NULL)
    {
      const char *type = string_member (rf, "type");

      if (g_strcmp0 (type, "json_schema") == 0)
        {
          JsonObject *js = object_member (rf, "json_schema");
          JsonObject *schema = object_member (js, "schema");

          chat->mode = MODE_JSON;
          if (schema != NULL)
            chat->schema = json_object_ref (schema);
        }
      else if (g_strcmp0 (type, "json_object") == 0)
        chat->mode = MODE_JSON;
    }
  if (chat->provider != PROVIDER_ANTHROPIC && tool_choice != NULL &&
      g_strcmp0 (string_member (tool_choice, "type"), "function") == 0)
    {
      const char *name = string_member (object_member (tool_choice, "function"), "name");
      JsonObject *schema = find_tool_schema (req, name, FALSE);

      chat->mode = MODE_TOOL;
      chat->tool_name = g_strdup (name);
      g_clear_pointer (&chat->schema, json_object_unref);
      if (schema != NULL)
        chat->schema = json_object_ref (schema);
    }
  if (chat->provider == PROVIDER_ANTHROPIC)
    {
      JsonObject *format = object_member (object_member (req, "output_config"), "format");

      if (tool_choice != NULL && g_strcmp0 (string_member (tool_choice, "type"), "tool") == 0)
        {
          const char *name = string_member (tool_choice, "name");
          JsonObject *schema = find_tool_schema (req, name, TRUE);

          chat->mode = MODE_TOOL;
          chat->tool_name = g_strdup (name);
          if (schema != NULL)
            chat->schema = json_object_ref (schema);
        }
      else if (format != NULL && g_strcmp0 (string_member (format, "type"), "json_schema") == 0)
        {
          JsonObject *schema = object_member (format, "schema");

          chat->mode = MODE_JSON;
          if (schema != NULL)
            chat->schema = json_object_ref (schema);
        }
    }

  g_string_free (all, TRUE);
  g_string_free (user, TRUE);
}

/* ---- the creative brief ------------------------------------------------ */

static const char *beats[] = {
  "Opening image", "The call", "Crossing the threshold", "Complication", "Turning point", "Resolution",
};
static const char *beat_text[] = {
  "We meet the world quietly, before anything changes",
  "Something arrives that cannot be ignored",
  "The first step into the unknown is taken",
  "Things go wrong in an unexpected way",
  "A choice is made that changes everything",
  "The world settles into a new shape",
};
static const char *shots[] = {
  "Wide establishing shot, slow push-in, golden hour",
  "Medium close-up, shallow depth of field, handheld",
  "Tracking shot following the subject, low angle",
  "Over-the-shoulder shot, cool blue palette, rain",
  "Extreme close-up on the eyes, then rack focus",
  "Aerial pull-back revealing the whole landscape",
};
static const int durations[] = { 5, 6, 4, 8, 6, 7 };

#define VISUAL_STYLE "Soft natural light, 35mm film grain, muted pastel palette"

static char *
title_from_topic (const char *topic)
{
  g_auto(GStrv) words = g_strsplit_set (topic, " \n\t", -1);
  GString *s = g_string_new (NULL);
  int taken = 0;

  guint count = 0;

  for (guint i = 0; words[i] != NULL; i++)
    count += *words[i] != '\0';
  /* Short prompts make whole titles; long ones are cut after six words. */
  for (guint i = 0; words[i] != NULL && taken < (count <= 8 ? 8 : 6); i++)
    {
      if (*words[i] == '\0')
        continue;
      if (s->len)
        g_string_append_c (s, ' ');
      g_string_append_unichar (s, g_unichar_totitle (g_utf8_get_char (words[i])));
      g_string_append (s, g_utf8_next_char (words[i]));
      taken++;
    }
  if (count > 8)
    g_string_append (s, "\u2026");
  return g_string_free (s, FALSE);
}

static char *
string_for_key (const char *key,
                const char *topic,
                int         scene)
{
  if (scene >= 0)
    {
      int i = scene % 6;

      if (g_str_equal (key, "title"))
        return g_strdup (beats[i]);
      if (g_str_equal (key, "description"))
        return g_strdup_printf ("%s: %s.", beat_text[i], topic);
      if (g_str_equal (key, "shot_notes"))
        return g_strdup (shots[i]);
      if (g_str_equal (key, "generation_prompt"))
        {
          g_autofree char *beat = g_utf8_strdown (beat_text[i], -1);

          return g_strdup_printf ("%s, %s, cinematic still, %s", topic, beat, VISUAL_STYLE);
        }
    }
  if (g_str_equal (key, "title"))
    return title_from_topic (topic);
  if (g_str_equal (key, "logline"))
    return g_strdup_printf ("A short film about %s, told in six quiet moments.", topic);
  if (g_str_equal (key, "audience"))
    return g_strdup ("Adults and older children who enjoy gentle visual storytelling");
  if (g_str_equal (key, "tone"))
    return g_strdup ("Warm, wistful and quietly hopeful");
  if (g_str_equal (key, "visual_style"))
    return g_strdup (VISUAL_STYLE);
  return g_strdup_printf ("%s for %s", key, topic);
}

static JsonObject *
resolve_ref (JsonObject *root,
             JsonObject *schema)
{
  for (int depth = 0; schema != NULL && depth < 8 && json_object_has_member (schema, "$ref"); depth++)
    {
      const char *ref = json_object_get_string_member (schema, "$ref");
      g_auto(GStrv) parts = NULL;
      JsonObject *at = root;

      if (ref == NULL || !g_str_has_prefix (ref, "#/"))
        return schema;
      parts = g_strsplit (ref + 2, "/", -1);
      for (guint i = 0; parts[i] != NULL && at != NULL; i++)
        at = object_member (at, parts[i]);
      schema = at;
    }
  return schema;
}

static const char *
schema_type (JsonObject *schema)
{
  JsonNode *t;

  if (schema == NULL || !json_object_has_member (schema, "type"))
    {
      if (schema != NULL && json_object_has_member (schema, "properties"))
        return "object";
      return "string";
    }
  t = json_object_get_member (schema, "type");
  if (JSON_NODE_HOLDS_ARRAY (t))
    {
      JsonArray *types = json_node_get_array (t);

      for (guint i = 0; i < json_array_get_length (types); i++)
        if (g_strcmp0 (json_array_get_string_element (types, i), "null") != 0)
          return json_array_get_string_element (types, i);
      return "null";
    }
  return json_node_get_string (t);
}

/* Fill a JSON Schema with plausible values; brief keys get brief values. */
static JsonNode *
generate (JsonObject *root,
          JsonObject *schema,
          const char *key,
          const char *topic,
          int         scene,
          int         depth)
{
  const char *type;
  JsonNode *node;

  schema = resolve_ref (root, schema);
  if (schema != NULL && json_object_has_member (schema, "anyOf"))
    {
      JsonArray *any = json_object_get_array_member (schema, "anyOf");

      for (guint i = 0; i < json_array_get_length (any); i++)
        {
          JsonObject *alt = resolve_ref (root, json_array_get_object_element (any, i));

          if (g_strcmp0 (schema_type (alt), "null") != 0)
            return generate (root, alt, key, topic, scene, depth);
        }
    }
  type = schema_type (schema);

  if (schema != NULL && json_object_has_member (schema, "enum"))
    return json_node_copy (json_array_get_element (json_object_get_array_member (schema, "enum"), 0));

  if (g_str_equal (type, "object") && depth < 6)
    {
      JsonObject *o = json_object_new ();
      JsonObject *props = object_member (schema, "properties");
      g_autoptr(GList) members = props ? json_object_get_members (props) : NULL;

      for (GList *l = members; l != NULL; l = l->next)
        json_object_set_member (o, l->data,
                                generate (root, object_member (props, l->data), l->data, topic, scene, depth + 1));
      node = json_node_new (JSON_NODE_OBJECT);
      json_node_take_object (node, o);
      return node;
    }
  if (g_str_equal (type, "array") && depth < 6)
    {
      JsonArray *a = json_array_new ();
      JsonObject *items = object_member (schema, "items");
      gint64 count = g_str_equal (key, "scenes") ? 6 : 3;

      if (schema != NULL && json_object_has_member (schema, "minItems"))
        count = MAX (count, json_object_get_int_member (schema, "minItems"));
      if (schema != NULL && json_object_has_member (schema, "maxItems"))
        count = MIN (count, json_object_get_int_member (schema, "maxItems"));
      for (gint64 i = 0; i < count; i++)
        json_array_add_element (a, generate (root, items, key, topic,
                                             g_str_equal (key, "scenes") ? (int) i : scene, depth + 1));
      node = json_node_new (JSON_NODE_ARRAY);
      json_node_take_array (node, a);
      return node;
    }

  node = json_node_new (JSON_NODE_VALUE);
  if (g_str_equal (type, "integer") || g_str_equal (type, "number"))
    {
      gint64 v = 1;

      if (g_str_has_suffix (key, "number") || g_str_equal (key, "index"))
        v = scene + 1;
      else if (g_strstr_len (key, -1, "duration") != NULL)
        v = durations[MAX (scene, 0) % 6];
      if (schema != NULL && json_object_has_member (schema, "minimum"))
        v = MAX (v, (gint64) json_object_get_double_member (schema, "minimum"));
      if (schema != NULL && json_object_has_member (schema, "maximum"))
        v = MIN (v, (gint64) json_object_get_double_member (schema, "maximum"));
      json_node_set_int (node, v);
    }
  else if (g_str_equal (type, "boolean"))
    json_node_set_boolean (node, FALSE);
  else if (g_str_equal (type, "null"))
    {
      json_node_unref (node);
      node = json_node_new (JSON_NODE_NULL);
    }
  else
    fake_node_take_string (node, string_for_key (key, topic, scene));
  return node;
}

static JsonObject *
default_brief_schema (void)
{
  static const char *text =
    "{\"type\":\"object\",\"properties\":{"
    "\"title\":{\"type\":\"string\"},\"logline\":{\"type\":\"string\"},\"audience\":{\"type\":\"string\"},"
    "\"tone\":{\"type\":\"string\"},\"visual_style\":{\"type\":\"string\"},"
    "\"scenes\":{\"type\":\"array\",\"items\":{\"type\":\"object\",\"properties\":{"
    "\"number\":{\"type\":\"integer\"},\"title\":{\"type\":\"string\"},\"description\":{\"type\":\"string\"},"
    "\"duration_seconds\":{\"type\":\"integer\"},\"shot_notes\":{\"type\":\"string\"},"
    "\"generation_prompt\":{\"type\":\"string\"}}}}}}";
  g_autoptr(JsonNode) node = json_from_string (text, NULL);

  return json_object_ref (json_node_get_object (node));
}

/* The answer as a JSON node, with the shape faults applied. */
static JsonNode *
chat_answer_node (Chat *chat)
{
  g_autoptr(JsonObject) fallback = NULL;
  JsonObject *schema = chat->schema;
  const char *reply = fake_faults_value (chat->faults, "reply", "");
  JsonNode *node;
  JsonObject *o;

  if (schema == NULL)
    schema = fallback = default_brief_schema ();
  node = generate (schema, schema, "", chat->topic, -1, 0);
  if (!JSON_NODE_HOLDS_OBJECT (node))
    return node;
  o = json_node_get_object (node);

  if (g_str_equal (reply, "few-scenes") && json_object_has_member (o, "scenes"))
    {
      JsonArray *scenes = json_object_get_array_member (o, "scenes");

      while (json_array_get_length (scenes) > 2)
        json_array_remove_element (scenes, json_array_get_length (scenes) - 1);
    }
  else if (g_str_equal (reply, "missing-scenes"))
    json_object_remove_member (o, "scenes");
  else if (g_str_equal (reply, "wrong-types") && json_object_has_member (o, "scenes"))
    {
      JsonArray *scenes = json_object_get_array_member (o, "scenes");

      json_object_set_int_member (o, "title", 42);
      for (guint i = 0; i < json_array_get_length (scenes); i++)
        {
          JsonObject *s = json_array_get_object_element (scenes, i);
          g_autofree char *num = g_strdup_printf ("%u", i + 1);

          json_object_set_string_member (s, "number", num);
          json_object_set_string_member (s, "duration_seconds", "about six seconds");
          json_object_set_null_member (s, "generation_prompt");
        }
    }
  return node;
}

static char *
chat_plain_text (Chat *chat)
{
  return g_strdup_printf ("Here is an idea: %s. Open on a quiet wide shot, let the light carry the mood, "
                          "and end on a close-up that answers the first image.", chat->topic);
}

typedef struct
{
  char *text;           /* content text (MODE_TEXT/MODE_JSON) or tool arguments */
  JsonNode *tool_input; /* MODE_TOOL */
  char *refusal;        /* non-NULL: refused */
  const char *finish;   /* OpenAI-style finish reason */
  gboolean tool_call;   /* reply is a tool call */
} Answer;

static void
answer_clear (Answer *a)
{
  g_free (a->text);
  g_free (a->refusal);
  g_clear_pointer (&a->tool_input, json_node_unref);
}

static void
chat_answer (Chat   *chat,
             Answer *a)
{
  const char *reply = fake_faults_value (chat->faults, "reply", "");
  g_autoptr(JsonNode) node = NULL;
  g_autofree char *json = NULL;

  memset (a, 0, sizeof *a);
  a->finish = "stop";

  if (g_str_equal (reply, "refusal"))
    {
      a->refusal = g_strdup ("I'm very sorry, but I can't assist with that.");
      return;
    }
  if (chat->mode == MODE_TEXT && !g_str_equal (reply, "fenced") && !g_str_equal (reply, "truncated"))
    {
      a->text = chat_plain_text (chat);
      return;
    }

  node = chat_answer_node (chat);
  json = json_to_string (node, chat->mode == MODE_TEXT || g_str_equal (reply, "fenced"));

  if (g_str_equal (reply, "invalid"))
    {
      a->text = g_strdup_printf ("Sure! Here is a brief for %s. It has six scenes, starting with a wide shot.", chat->topic);
      return;
    }
  if (g_str_equal (reply, "fenced"))
    {
      a->text = g_strdup_printf ("```json\n%s\n```", json);
      return;
    }
  if (g_str_equal (reply, "truncated"))
    {
      gsize cut = strlen (json) * 6 / 10;

      a->text = g_strndup (json, cut);
      a->finish = "length";
      if (chat->mode == MODE_TOOL)
        a->tool_call = TRUE;
      return;
    }
  if (g_str_equal (reply, "empty"))
    {
      a->text = g_strdup ("");
      return;
    }

  a->text = g_steal_pointer (&json);
  if (chat->mode == MODE_TOOL)
    {
      a->tool_call = TRUE;
      a->tool_input = g_steal_pointer (&node);
      a->finish = "tool_calls";
    }
}

/* ---- non-streaming answers --------------------------------------------- */

static JsonObject *
usage_object (Chat       *chat,
              const char *text)
{
  JsonObject *u = json_object_new ();
  int out = text ? (int) strlen (text) / 4 + 1 : 1;

  if (chat->provider == PROVIDER_ANTHROPIC)
    {
      json_object_set_int_member (u, "input_tokens", chat->input_tokens);
      json_object_set_int_member (u, "cache_creation_input_tokens", 0);
      json_object_set_int_member (u, "cache_read_input_tokens", 0);
      json_object_set_int_member (u, "output_tokens", out);
      json_object_set_string_member (u, "service_tier", "standard");
      return u;
    }
  json_object_set_int_member (u, "prompt_tokens", chat->input_tokens);
  json_object_set_int_member (u, "completion_tokens", out);
  json_object_set_int_member (u, "total_tokens", chat->input_tokens + out);
  {
    JsonObject *details = json_object_new ();

    json_object_set_int_member (details, "reasoning_tokens", 0);
    json_object_set_object_member (u, "completion_tokens_details", details);
  }
  if (chat->provider == PROVIDER_OPENROUTER)
    json_object_set_double_member (u, "cost", 0.00014);
  return u;
}

static char *
completion_id (Chat *chat)
{
  g_autofree char *rand = fake_random_id (24);

  if (chat->provider == PROVIDER_OPENROUTER)
    return g_strdup_printf ("gen-%" G_GINT64_FORMAT "-%s", g_get_real_time () / G_USEC_PER_SEC, rand);
  if (chat->provider == PROVIDER_ANTHROPIC)
    return g_strdup_printf ("msg_01%s", rand);
  return g_strdup_printf ("chatcmpl-%s", rand);
}

static JsonObject *
openai_tool_call (Chat       *chat,
                  const char *arguments,
                  gboolean    with_name)
{
  JsonObject *call = json_object_new ();
  JsonObject *fn = json_object_new ();
  g_autofree char *rand = fake_random_id (24);
  g_autofree char *id = g_strdup_printf ("call_%s", rand);

  json_object_set_int_member (call, "index", 0);
  if (with_name)
    {
      json_object_set_string_member (call, "id", id);
      json_object_set_string_member (call, "type", "function");
      json_object_set_string_member (fn, "name", chat->tool_name ? chat->tool_name : "brief");
    }
  json_object_set_string_member (fn, "arguments", arguments);
  json_object_set_object_member (call, "function", fn);
  return call;
}

static void
send_openai_style (Chat              *chat,
                   SoupServerMessage *msg,
                   Answer            *a)
{
  g_autoptr(JsonObject) o = json_object_new ();
  JsonArray *choices = json_array_new ();
  JsonObject *choice = json_object_new ();
  JsonObject *message = json_object_new ();
  g_autofree char *id = completion_id (chat);
  g_autofree char *body = NULL;
  g_autoptr(JsonNode) node = json_node_new (JSON_NODE_OBJECT);

  json_object_set_string_member (o, "id", id);
  if (chat->provider == PROVIDER_OPENROUTER)
    json_object_set_string_member (o, "provider", "OpenAI");
  json_object_set_string_member (o, "object", "chat.completion");
  json_object_set_int_member (o, "created", g_get_real_time () / G_USEC_PER_SEC);
  json_object_set_string_member (o, "model", chat->model);

  json_object_set_string_member (message, "role", "assistant");
  if (a->refusal != NULL || a->tool_call)
    json_object_set_null_member (message, "content");
  else
    json_object_set_string_member (message, "content", a->text);
  if (a->refusal != NULL)
    json_object_set_string_member (message, "refusal", a->refusal);
  else
    json_object_set_null_member (message, "refusal");
  if (a->tool_call)
    {
      JsonArray *calls = json_array_new ();
      JsonObject *call = openai_tool_call (chat, a->text, TRUE);

      json_object_remove_member (call, "index");
      json_array_add_object_element (calls, call);
      json_object_set_array_member (message, "tool_calls", calls);
    }
  if (chat->provider == PROVIDER_OPENROUTER)
    json_object_set_null_member (message, "reasoning");
  else
    json_object_set_array_member (message, "annotations", json_array_new ());

  json_object_set_int_member (choice, "index", 0);
  json_object_set_object_member (choice, "message", message);
  json_object_set_null_member (choice, "logprobs");
  json_object_set_string_member (choice, "finish_reason", a->finish);
  if (chat->provider == PROVIDER_OPENROUTER)
    json_object_set_string_member (choice, "native_finish_reason", a->finish);
  json_array_add_object_element (choices, choice);
  json_object_set_array_member (o, "choices", choices);
  json_object_set_object_member (o, "usage", usage_object (chat, a->text));
  if (chat->provider == PROVIDER_OPENAI)
    json_object_set_string_member (o, "system_fingerprint", "fp_fake0001");

  json_node_set_object (node, o);
  body = json_to_string (node, FALSE);
  if (fake_faults_has (chat->faults, "leading-ws"))
    {
      g_autofree char *padded = g_strconcat ("\n\n   \n", body, NULL);

      fake_send_text (msg, SOUP_STATUS_OK, "application/json", padded);
    }
  else
    fake_send_text (msg, SOUP_STATUS_OK, "application/json", body);
  if (chat->provider == PROVIDER_OPENROUTER)
    soup_message_headers_replace (soup_server_message_get_response_headers (msg), "X-Generation-Id", id);
}

static const char *
anthropic_stop_reason (Answer *a)
{
  if (a->refusal != NULL)
    return "refusal";
  if (g_str_equal (a->finish, "length"))
    return "max_tokens";
  if (a->tool_call)
    return "tool_use";
  return "end_turn";
}

static JsonObject *
anthropic_message (Chat       *chat,
                   const char *id)
{
  JsonObject *o = json_object_new ();

  json_object_set_string_member (o, "model", chat->model);
  json_object_set_string_member (o, "id", id);
  json_object_set_string_member (o, "type", "message");
  json_object_set_string_member (o, "role", "assistant");
  return o;
}

static void
send_anthropic (Chat              *chat,
                SoupServerMessage *msg,
                Answer            *a)
{
  g_autofree char *id = completion_id (chat);
  g_autoptr(JsonObject) o = anthropic_message (chat, id);
  JsonArray *content = json_array_new ();
  JsonObject *block = json_object_new ();

  if (a->refusal != NULL)
    {
      json_object_set_string_member (block, "type", "text");
      json_object_set_string_member (block, "text", "I can't help with that request.");
    }
  else if (a->tool_call)
    {
      g_autofree char *rand = fake_random_id (24);
      g_autofree char *tool_id = g_strdup_printf ("toolu_01%s", rand);

      json_object_set_string_member (block, "type", "tool_use");
      json_object_set_string_member (block, "id", tool_id);
      json_object_set_string_member (block, "name", chat->tool_name ? chat->tool_name : "brief");
      if (a->tool_input != NULL)
        json_object_set_member (block, "input", json_node_copy (a->tool_input));
      else
        {
          /* Cut short by max_tokens: only what was complete. */
          JsonObject *partial = json_object_new ();
          g_autofree char *title = title_from_topic (chat->topic);

          json_object_set_string_member (partial, "title", title);
          json_object_set_object_member (block, "input", partial);
        }
      {
        JsonObject *caller = json_object_new ();

        json_object_set_string_member (caller, "type", "direct");
        json_object_set_object_member (block, "caller", caller);
      }
    }
  else
    {
      json_object_set_string_member (block, "type", "text");
      json_object_set_string_member (block, "text", a->text);
    }
  json_array_add_object_element (content, block);
  json_object_set_array_member (o, "content", content);
  json_object_set_string_member (o, "stop_reason", anthropic_stop_reason (a));
  json_object_set_null_member (o, "stop_sequence");
  json_object_set_object_member (o, "usage", usage_object (chat, a->text));
  soup_message_headers_replace (soup_server_message_get_response_headers (msg), "request-id", "req_011CFakeRequest000000001");
  fake_send_json_object (msg, SOUP_STATUS_OK, "application/json", o);
}

/* ---- streaming answers ------------------------------------------------- */

static GPtrArray *
split_text (const char *text)
{
  GPtrArray *pieces = g_ptr_array_new_with_free_func (g_free);
  const char *p = text ? text : "";

  /* Token-sized pieces, never splitting a UTF-8 sequence. */
  while (*p != '\0')
    {
      const char *end = p;
      int chars = g_random_int_range (3, 14);

      for (int i = 0; i < chars && *end != '\0'; i++)
        end = g_utf8_next_char (end);
      g_ptr_array_add (pieces, g_strndup (p, end - p));
      p = end;
    }
  return pieces;
}

static void
add_event (FakeStream *stream,
           Chat       *chat,
           const char *event,
           JsonObject *data)
{
  const char *nl = fake_faults_has (chat->faults, "crlf") ? "\r\n" : "\n";
  g_autoptr(JsonNode) node = json_node_new (JSON_NODE_OBJECT);
  g_autofree char *json = NULL;
  g_autofree char *text = NULL;

  json_node_set_object (node, data);
  json = json_to_string (node, FALSE);
  if (event != NULL)
    text = g_strdup_printf ("event: %s%sdata: %s%s%s", event, nl, json, nl, nl);
  else
    text = g_strdup_printf ("data: %s%s%s", json, nl, nl);
  fake_stream_add (stream, text);
  if (chat->self->sse_delay_ms > 0)
    fake_stream_add_delay (stream, (guint) chat->self->sse_delay_ms);
}

static void
add_raw_line (FakeStream *stream,
              Chat       *chat,
              const char *line)
{
  const char *nl = fake_faults_has (chat->faults, "crlf") ? "\r\n" : "\n";
  g_autofree char *text = g_strdup_printf ("%s%s", line, nl);

  fake_stream_add (stream, text);
}

static void
add_keepalive (FakeStream *stream,
               Chat       *chat)
{
  if (chat->provider == PROVIDER_OPENROUTER || fake_faults_has (chat->faults, "keepalive"))
    {
      const char *nl = fake_faults_has (chat->faults, "crlf") ? "\r\n" : "\n";
      g_autofree char *text = g_strdup_printf (": OPENROUTER PROCESSING%s%s", nl, nl);

      fake_stream_add (stream, text);
    }
}

static void
add_initial_delay (FakeStream *stream,
                   Chat       *chat)
{
  double seconds = fake_faults_double (chat->faults, "slow", 0);

  /* While "thinking", OpenRouter sends comments about once a second. */
  for (double t = 0; t < seconds; t += 1.0)
    {
      add_keepalive (stream, chat);
      fake_stream_add_delay (stream, (guint) (MIN (1.0, seconds - t) * 1000));
    }
}

static JsonObject *
openai_chunk (Chat       *chat,
              const char *id,
              gint64      created,
              JsonObject *delta,
              const char *finish)
{
  JsonObject *o = json_object_new ();
  JsonArray *choices = json_array_new ();

  json_object_set_string_member (o, "id", id);
  if (chat->provider == PROVIDER_OPENROUTER)
    json_object_set_string_member (o, "provider", "OpenAI");
  json_object_set_string_member (o, "object", "chat.completion.chunk");
  json_object_set_int_member (o, "created", created);
  json_object_set_string_member (o, "model", chat->model);
  if (chat->provider == PROVIDER_OPENAI)
    json_object_set_string_member (o, "system_fingerprint", "fp_fake0001");
  if (delta != NULL)
    {
      JsonObject *choice = json_object_new ();

      json_object_set_int_member (choice, "index", 0);
      json_object_set_object_member (choice, "delta", delta);
      json_object_set_null_member (choice, "logprobs");
      if (finish != NULL)
        json_object_set_string_member (choice, "finish_reason", finish);
      else
        json_object_set_null_member (choice, "finish_reason");
      if (chat->provider == PROVIDER_OPENROUTER)
        {
          if (finish != NULL)
            json_object_set_string_member (choice, "native_finish_reason", finish);
          else
            json_object_set_null_member (choice, "native_finish_reason");
        }
      json_array_add_object_element (choices, choice);
    }
  json_object_set_array_member (o, "choices", choices);
  return o;
}

static void
stream_openai_style (Chat              *chat,
                     SoupServerMessage *msg,
                     Answer            *a)
{
  FakeStream *stream = fake_stream_new (chat->self, msg, "text/event-stream", chat->faults);
  g_autofree char *id = completion_id (chat);
  gint64 created = g_get_real_time () / G_USEC_PER_SEC;
  const char *body = a->refusal ? a->refusal : a->text;
  g_autoptr(GPtrArray) pieces = split_text (body);
  gboolean error_mid = fake_faults_has (chat->faults, "stream-error");
  gboolean cut_mid = fake_faults_has (chat->faults, "truncate");
  JsonObject *delta;

  if (chat->provider == PROVIDER_OPENROUTER)
    soup_message_headers_replace (soup_server_message_get_response_headers (msg), "X-Generation-Id", id);
  add_initial_delay (stream, chat);
  add_keepalive (stream, chat);

  delta = json_object_new ();
  json_object_set_string_member (delta, "role", "assistant");
  if (a->refusal != NULL || a->tool_call)
    json_object_set_null_member (delta, "content");
  else
    json_object_set_string_member (delta, "content", "");
  if (a->tool_call)
    {
      JsonArray *calls = json_array_new ();

      json_array_add_object_element (calls, openai_tool_call (chat, "", TRUE));
      json_object_set_array_member (delta, "tool_calls", calls);
    }
  else
    json_object_set_null_member (delta, "refusal");
  add_event (stream, chat, NULL, openai_chunk (chat, id, created, delta, NULL));

  for (guint i = 0; i < pieces->len; i++)
    {
      const char *piece = g_ptr_array_index (pieces, i);

      if (i == pieces->len / 2 && error_mid)
        {
          JsonObject *chunk;

          if (chat->provider == PROVIDER_OPENROUTER)
            {
              JsonObject *err = json_object_new ();
              JsonObject *d = json_object_new ();

              json_object_set_string_member (d, "content", "");
              chunk = openai_chunk (chat, id, created, d, "error");
              json_object_set_string_member (err, "code", "server_error");
              json_object_set_string_member (err, "message", "Provider disconnected unexpectedly");
              json_object_set_object_member (chunk, "error", err);
            }
          else
            {
              JsonObject *err = json_object_new ();

              chunk = json_object_new ();
              json_object_set_string_member (err, "message", "The server had an error while processing your request. Sorry about that!");
              json_object_set_string_member (err, "type", "server_error");
              json_object_set_null_member (err, "param");
              json_object_set_null_member (err, "code");
              json_object_set_object_member (chunk, "error", err);
            }
          add_event (stream, chat, NULL, chunk);
          fake_stream_start (stream);
          return;
        }
      if (i == pieces->len / 2 && cut_mid)
        {
          fake_stream_add_close (stream);
          fake_stream_start (stream);
          return;
        }

      delta = json_object_new ();
      if (a->refusal != NULL)
        json_object_set_string_member (delta, "refusal", piece);
      else if (a->tool_call)
        {
          JsonArray *calls = json_array_new ();

          json_array_add_object_element (calls, openai_tool_call (chat, piece, FALSE));
          json_object_set_array_member (delta, "tool_calls", calls);
        }
      else
        json_object_set_string_member (delta, "content", piece);
      add_event (stream, chat, NULL, openai_chunk (chat, id, created, delta, NULL));
      if (i % 5 == 4)
        add_keepalive (stream, chat);
    }

  add_event (stream, chat, NULL, openai_chunk (chat, id, created, json_object_new (), a->finish));
  if (chat->include_usage)
    {
      JsonObject *chunk = openai_chunk (chat, id, created, NULL, NULL);

      json_object_set_object_member (chunk, "usage", usage_object (chat, body));
      add_event (stream, chat, NULL, chunk);
    }
  add_raw_line (stream, chat, "data: [DONE]");
  add_raw_line (stream, chat, "");
  fake_stream_start (stream);
}

static void
stream_anthropic (Chat              *chat,
                  SoupServerMessage *msg,
                  Answer            *a)
{
  FakeStream *stream = fake_stream_new (chat->self, msg, "text/event-stream; charset=utf-8", chat->faults);
  g_autofree char *id = completion_id (chat);
  JsonObject *data;
  JsonObject *message;
  JsonObject *block = json_object_new ();
  JsonObject *usage;
  const char *body = a->refusal ? "I can't help with that request." : a->text;
  g_autoptr(GPtrArray) pieces = split_text (body);
  gboolean error_mid = fake_faults_has (chat->faults, "stream-error");
  gboolean cut_mid = fake_faults_has (chat->faults, "truncate");

  soup_message_headers_replace (soup_server_message_get_response_headers (msg), "request-id", "req_011CFakeRequest000000002");
  add_initial_delay (stream, chat);

  message = anthropic_message (chat, id);
  json_object_set_array_member (message, "content", json_array_new ());
  json_object_set_null_member (message, "stop_reason");
  json_object_set_null_member (message, "stop_sequence");
  usage = usage_object (chat, "");
  json_object_set_object_member (message, "usage", usage);
  data = json_object_new ();
  json_object_set_string_member (data, "type", "message_start");
  json_object_set_object_member (data, "message", message);
  add_event (stream, chat, "message_start", data);

  if (a->tool_call)
    {
      g_autofree char *rand = fake_random_id (24);
      g_autofree char *tool_id = g_strdup_printf ("toolu_01%s", rand);

      json_object_set_string_member (block, "type", "tool_use");
      json_object_set_string_member (block, "id", tool_id);
      json_object_set_string_member (block, "name", chat->tool_name ? chat->tool_name : "brief");
      json_object_set_object_member (block, "input", json_object_new ());
    }
  else
    {
      json_object_set_string_member (block, "type", "text");
      json_object_set_string_member (block, "text", "");
    }
  data = json_object_new ();
  json_object_set_string_member (data, "type", "content_block_start");
  json_object_set_int_member (data, "index", 0);
  json_object_set_object_member (data, "content_block", block);
  add_event (stream, chat, "content_block_start", data);

  /* The real API writes this one with a space: {"type": "ping"}. */
  {
    const char *nl = fake_faults_has (chat->faults, "crlf") ? "\r\n" : "\n";
    g_autofree char *ping = g_strdup_printf ("event: ping%sdata: {\"type\": \"ping\"}%s%s", nl, nl, nl);

    fake_stream_add (stream, ping);
  }

  if (a->tool_call)
    g_ptr_array_insert (pieces, 0, g_strdup (""));

  for (guint i = 0; i < pieces->len; i++)
    {
      JsonObject *delta = json_object_new ();

      if (i == pieces->len / 2 && error_mid)
        {
          JsonObject *err = json_object_new ();

          data = json_object_new ();
          json_object_set_string_member (data, "type", "error");
          json_object_set_string_member (err, "type", "overloaded_error");
          json_object_set_string_member (err, "message", "Overloaded");
          json_object_set_object_member (data, "error", err);
          json_object_set_string_member (data, "request_id", "req_011CFakeRequest000000003");
          add_event (stream, chat, "error", data);
          json_object_unref (delta);
          fake_stream_start (stream);
          return;
        }
      if (i == pieces->len / 2 && cut_mid)
        {
          json_object_unref (delta);
          fake_stream_add_close (stream);
          fake_stream_start (stream);
          return;
        }

      if (a->tool_call)
        {
          json_object_set_string_member (delta, "type", "input_json_delta");
          json_object_set_string_member (delta, "partial_json", g_ptr_array_index (pieces, i));
        }
      else
        {
          json_object_set_string_member (delta, "type", "text_delta");
          json_object_set_string_member (delta, "text", g_ptr_array_index (pieces, i));
        }
      data = json_object_new ();
      json_object_set_string_member (data, "type", "content_block_delta");
      json_object_set_int_member (data, "index", 0);
      json_object_set_object_member (data, "delta", delta);
      add_event (stream, chat, "content_block_delta", data);
    }

  data = json_object_new ();
  json_object_set_string_member (data, "type", "content_block_stop");
  json_object_set_int_member (data, "index", 0);
  add_event (stream, chat, "content_block_stop", data);

  data = json_object_new ();
  {
    JsonObject *delta = json_object_new ();
    JsonObject *u = json_object_new ();

    json_object_set_string_member (delta, "stop_reason", anthropic_stop_reason (a));
    json_object_set_null_member (delta, "stop_sequence");
    json_object_set_int_member (u, "output_tokens", (int) strlen (body ? body : "") / 4 + 1);
    json_object_set_string_member (data, "type", "message_delta");
    json_object_set_object_member (data, "delta", delta);
    json_object_set_object_member (data, "usage", u);
  }
  add_event (stream, chat, "message_delta", data);

  data = json_object_new ();
  json_object_set_string_member (data, "type", "message_stop");
  add_event (stream, chat, "message_stop", data);
  fake_stream_start (stream);
}

/* ---- chat entry point -------------------------------------------------- */

typedef struct
{
  Chat *chat;
  SoupServerMessage *msg;
  guint source;
} Delayed;

static void
respond (Chat              *chat,
         SoupServerMessage *msg)
{
  Answer a;

  chat_answer (chat, &a);
  if (chat->provider == PROVIDER_ANTHROPIC)
    {
      if (chat->stream)
        stream_anthropic (chat, msg, &a);
      else
        send_anthropic (chat, msg, &a);
    }
  else if (chat->stream)
    stream_openai_style (chat, msg, &a);
  else
    send_openai_style (chat, msg, &a);
  answer_clear (&a);
}

static void
delayed_finished (SoupServerMessage *msg,
                  Delayed           *d)
{
  g_signal_handlers_disconnect_by_data (msg, d);
  g_clear_handle_id (&d->source, g_source_remove);
  chat_free (d->chat);
  g_free (d);
}

static gboolean
delayed_cb (gpointer data)
{
  Delayed *d = data;
  SoupServerMessage *msg = d->msg;
  Chat *chat = d->chat;

  d->source = 0;
  g_signal_handlers_disconnect_by_data (msg, d);
  g_free (d);
  respond (chat, msg);
  soup_server_message_unpause (msg);
  chat_free (chat);
  return G_SOURCE_REMOVE;
}

static void
handle_chat (FakeServer        *self,
             SoupServerMessage *msg,
             Provider           provider,
             gboolean           require_auth)
{
  g_autoptr(Chat) chat = g_new0 (Chat, 1);
  g_autoptr(JsonNode) body = NULL;
  g_autoptr(GPtrArray) found = NULL;
  GString *text = g_string_new (NULL);
  JsonArray *messages = NULL;

  chat->self = self;
  chat->provider = provider;

  if (require_auth && !check_auth (self, provider, msg))
    {
      g_string_free (text, TRUE);
      return;
    }

  body = fake_parse_body (msg);
  if (body == NULL || !JSON_NODE_HOLDS_OBJECT (body))
    {
      chat->faults = fake_collect_faults (self, msg, route_name (provider), NULL);
      g_string_free (text, TRUE);
      if (provider == PROVIDER_ANTHROPIC)
        send_anthropic_error (msg, 400, "invalid_request_error", "There was an error parsing the body of your request", FALSE);
      else if (provider == PROVIDER_OPENROUTER)
        send_openrouter_error (msg, 400, 400, "Invalid request parameters", NULL);
      else
        send_openai_error (msg, 400, "We could not parse the JSON body of your request.", "invalid_request_error", NULL);
      return;
    }
  chat->request = json_object_ref (json_node_get_object (body));

  /* All message text may carry [fake:...] markers. */
  if (json_object_has_member (chat->request, "system"))
    append_content_text (text, json_object_get_member (chat->request, "system"));
  if (json_object_has_member (chat->request, "messages") &&
      JSON_NODE_HOLDS_ARRAY (json_object_get_member (chat->request, "messages")))
    messages = json_object_get_array_member (chat->request, "messages");
  for (guint i = 0; messages != NULL && i < json_array_get_length (messages); i++)
    {
      JsonNode *m = json_array_get_element (messages, i);

      if (JSON_NODE_HOLDS_OBJECT (m))
        append_content_text (text, json_object_get_member (json_node_get_object (m), "content"));
    }

  chat_read_request (chat);
  chat->faults = fake_collect_faults (self, msg, route_name (provider), text->str);
  g_string_free (text, TRUE);

  if (provider == PROVIDER_ANTHROPIC && !json_object_has_member (chat->request, "max_tokens"))
    {
      send_anthropic_error (msg, 400, "invalid_request_error", "max_tokens: Field required", FALSE);
      return;
    }
  if (apply_status_fault (chat, msg))
    return;

  if (!chat->stream && fake_faults_has (chat->faults, "slow"))
    {
      Delayed *d = g_new0 (Delayed, 1);

      d->chat = g_steal_pointer (&chat);
      d->msg = msg;
      g_signal_connect (msg, "finished", G_CALLBACK (delayed_finished), d);
      soup_server_message_pause (msg);
      d->source = g_timeout_add ((guint) (fake_faults_double (d->chat->faults, "slow", 3) * 1000), delayed_cb, d);
      return;
    }
  respond (chat, msg);
}

static void
handle_openrouter_models (FakeServer        *self,
                          SoupServerMessage *msg)
{
  const char *query = g_uri_get_query (soup_server_message_get_uri (msg));
  g_autoptr(GHashTable) params = query ? soup_form_decode (query) : NULL;
  JsonObject *all = json_node_get_object (self->openrouter_models);
  JsonArray *data = json_object_get_array_member (all, "data");
  guint total = json_array_get_length (data);
  guint offset = params && g_hash_table_lookup (params, "offset") ? (guint) atoi (g_hash_table_lookup (params, "offset")) : 0;
  guint limit = params && g_hash_table_lookup (params, "limit") ? (guint) atoi (g_hash_table_lookup (params, "limit")) : 500;
  g_autoptr(JsonObject) o = json_object_new ();
  JsonArray *page = json_array_new ();
  JsonObject *links = json_object_new ();

  limit = CLAMP (limit, 1, 1000);
  for (guint i = offset; i < total && i < offset + limit; i++)
    json_array_add_element (page, json_node_copy (json_array_get_element (data, i)));
  json_object_set_array_member (o, "data", page);
  json_object_set_int_member (o, "total_count", total);
  if (params != NULL && g_hash_table_lookup (params, "limit") && offset + limit < total)
    {
      g_autofree char *next = g_strdup_printf ("%s/api/v1/models?offset=%u&limit=%u", self->base_url, offset + limit, limit);

      json_object_set_string_member (links, "next", next);
    }
  else
    json_object_set_null_member (links, "next");
  json_object_set_object_member (o, "links", links);
  fake_send_json_object (msg, SOUP_STATUS_OK, "application/json", o);
}

/* Whether an OpenAI-style message list holds an http(s) image URL. */
static gboolean
has_remote_image (JsonNode *body)
{
  JsonArray *messages;

  if (body == NULL || !JSON_NODE_HOLDS_OBJECT (body) ||
      !json_object_has_member (json_node_get_object (body), "messages") ||
      !JSON_NODE_HOLDS_ARRAY (json_object_get_member (json_node_get_object (body), "messages")))
    return FALSE;

  messages = json_object_get_array_member (json_node_get_object (body), "messages");
  for (guint i = 0; i < json_array_get_length (messages); i++)
    {
      JsonNode *m = json_array_get_element (messages, i);
      JsonNode *content;

      if (!JSON_NODE_HOLDS_OBJECT (m))
        continue;
      content = json_object_get_member (json_node_get_object (m), "content");
      if (content == NULL || !JSON_NODE_HOLDS_ARRAY (content))
        continue;

      for (guint j = 0; j < json_array_get_length (json_node_get_array (content)); j++)
        {
          JsonNode *part = json_array_get_element (json_node_get_array (content), j);
          JsonObject *image;
          const char *url;

          if (!JSON_NODE_HOLDS_OBJECT (part) ||
              !json_object_has_member (json_node_get_object (part), "image_url"))
            continue;
          image = json_object_get_object_member (json_node_get_object (part), "image_url");
          url = image ? json_object_get_string_member_with_default (image, "url", "") : "";
          if (g_str_has_prefix (url, "http://") || g_str_has_prefix (url, "https://"))
            return TRUE;
        }
    }

  return FALSE;
}

/* Ollama's OpenAI-compatible API under /ollama/v1: no key needed (any is
 * ignored), models owned by "library", and images only as data URIs. */
static void
handle_ollama (FakeServer        *self,
               SoupServerMessage *msg,
               const char        *path)
{
  const char *method = soup_server_message_get_method (msg);

  if (g_str_equal (path, "/v1/models") && g_str_equal (method, "GET"))
    {
      fake_send_text (msg, SOUP_STATUS_OK, "application/json",
                      "{\"object\":\"list\",\"data\":["
                      "{\"id\":\"llama3.2:latest\",\"object\":\"model\",\"created\":1735689600,\"owned_by\":\"library\"},"
                      "{\"id\":\"qwen3-vl:8b\",\"object\":\"model\",\"created\":1754006400,\"owned_by\":\"library\"},"
                      "{\"id\":\"gpt-oss:20b\",\"object\":\"model\",\"created\":1754438400,\"owned_by\":\"library\"}]}");
    }
  else if (g_str_equal (path, "/v1/chat/completions") && g_str_equal (method, "POST"))
    {
      g_autoptr(JsonNode) body = fake_parse_body (msg);

      if (has_remote_image (body))
        send_openai_error (msg, 400, "image URLs are not currently supported, please use base64 encoded data instead",
                           "invalid_request_error", NULL);
      else
        handle_chat (self, msg, PROVIDER_OPENAI, FALSE);
    }
  else
    send_openai_error (msg, 404, "404 page not found", "not_found_error", NULL);
}

gboolean
fake_llm_handle (FakeServer        *self,
                 SoupServerMessage *msg,
                 const char        *path)
{
  const char *method = soup_server_message_get_method (msg);
  g_autoptr(GPtrArray) faults = NULL;

  if (g_str_equal (path, "/v1/chat/completions") && g_str_equal (method, "POST"))
    handle_chat (self, msg, PROVIDER_OPENAI, TRUE);
  else if (g_str_equal (path, "/v1/messages") && g_str_equal (method, "POST"))
    handle_chat (self, msg, PROVIDER_ANTHROPIC, TRUE);
  else if (g_str_equal (path, "/api/v1/chat/completions") && g_str_equal (method, "POST"))
    handle_chat (self, msg, PROVIDER_OPENROUTER, TRUE);
  else if (g_str_has_prefix (path, "/ollama/v1/"))
    handle_ollama (self, msg, path + strlen ("/ollama"));
  else if (g_str_has_prefix (path, "/api/v1/"))
    {
      SoupMessageHeaders *req = soup_server_message_get_request_headers (msg);
      const char *auth = soup_message_headers_get_one (req, "Authorization");
      Chat chat = { .self = self, .provider = PROVIDER_OPENROUTER };

      faults = fake_collect_faults (self, msg, g_str_equal (path, "/api/v1/key") ? "openrouter-key" : "openrouter-models", NULL);
      chat.faults = faults;
      if (apply_status_fault (&chat, msg))
        return TRUE;

      if (g_str_equal (path, "/api/v1/models"))
        {
          /* Works without a key; a rejected key is still rejected. */
          if (auth != NULL && !check_auth (self, PROVIDER_OPENROUTER, msg))
            return TRUE;
          if (self->openrouter_models == NULL)
            self->openrouter_models = fake_load_json (self, "fake/openrouter-models.json", NULL);
          if (self->openrouter_models == NULL)
            send_openrouter_error (msg, 500, 500, "Internal Server Error", "server");
          else
            handle_openrouter_models (self, msg);
        }
      else if (g_str_equal (path, "/api/v1/key"))
        {
          if (!check_auth (self, PROVIDER_OPENROUTER, msg))
            return TRUE;
          fake_send_text (msg, SOUP_STATUS_OK, "application/json",
                          "{\"data\":{\"label\":\"sk-or-v1-fak...123\",\"limit\":null,\"limit_reset\":null,"
                          "\"limit_remaining\":null,\"include_byok_in_limit\":false,\"usage\":0.25,"
                          "\"usage_daily\":0.01,\"usage_weekly\":0.05,\"usage_monthly\":0.25,"
                          "\"byok_usage\":0,\"is_free_tier\":false}}");
        }
      else
        send_openrouter_error (msg, 404, 404, "Resource not found", NULL);
    }
  else
    return FALSE;

  return TRUE;
}
