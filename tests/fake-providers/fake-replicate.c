/* fake-replicate.c
 *
 * Copyright 2026 The Storyboard authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* Replicate's HTTP API under /v1, and the output file host under /files. */

#define G_LOG_DOMAIN "sb-fake-providers"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "fake-server.h"

#define PROBLEM_JSON "application/problem+json"
#define COLLECTIONS_PAGE 10
#define MODELS_PAGE 25
#define PREDICTIONS_PAGE 100

typedef enum
{
  ST_STARTING,
  ST_PROCESSING,
  ST_SUCCEEDED,
  ST_FAILED,
  ST_CANCELED,
  ST_ABORTED,
} Status;

static const char *status_names[] = {
  "starting", "processing", "succeeded", "failed", "canceled", "aborted",
};

typedef struct
{
  char *id;
  char *model;
  char *version;
  JsonObject *input;
  JsonObject *schema_root;  /* openapi_schema, for $ref */
  gboolean video;
  GPtrArray *faults;
  gint64 created_us;        /* monotonic */
  gint64 created_real_us;
  gint64 start_us;
  gint64 end_us;
  gint64 canceled_us;       /* 0 = not canceled */
  gint64 deadline_us;       /* 0 = none */
  int steps;
  gint64 seed;

  /* Webhook delivery (optional) */
  FakeServer *server;
  char *webhook;
  guint webhook_events;     /* WEBHOOK_* bits */
  guint webhook_source;
  int webhook_last_status;
  gint64 webhook_last_logs_us;
  gsize webhook_logs_len;
} FakePrediction;

enum
{
  WEBHOOK_START = 1 << 0,
  WEBHOOK_OUTPUT = 1 << 1,
  WEBHOOK_LOGS = 1 << 2,
  WEBHOOK_COMPLETED = 1 << 3,
};

#define WEBHOOK_SECRET "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"

static void
prediction_free (FakePrediction *p)
{
  g_free (p->id);
  g_free (p->model);
  g_free (p->version);
  g_clear_pointer (&p->input, json_object_unref);
  g_clear_pointer (&p->schema_root, json_object_unref);
  g_clear_pointer (&p->faults, g_ptr_array_unref);
  g_clear_handle_id (&p->webhook_source, g_source_remove);
  g_free (p->webhook);
  g_free (p);
}

static void
media_free (FakeMedia *media)
{
  g_bytes_unref (media->bytes);
  g_free (media->content_type);
  g_free (media);
}

/* ---- errors ------------------------------------------------------------ */

static void
send_problem (SoupServerMessage *msg,
              guint              status,
              const char        *title,
              const char        *detail)
{
  g_autoptr(JsonObject) o = json_object_new ();

  if (title != NULL)
    json_object_set_string_member (o, "title", title);
  json_object_set_string_member (o, "detail", detail);
  json_object_set_int_member (o, "status", status);
  fake_send_json_object (msg, status, PROBLEM_JSON, o);
}

static void
send_unauthenticated (FakeServer        *self,
                      SoupServerMessage *msg)
{
  g_autoptr(JsonNode) body = fake_load_json (self, "replicate/run__invalid-token--1-POST-predictions.json", NULL);

  if (body != NULL)
    fake_send_json (msg, SOUP_STATUS_UNAUTHORIZED, PROBLEM_JSON, body);
  else
    send_problem (msg, 401, "Unauthenticated", "You did not pass a valid authentication token");
}

static void
send_throttled (SoupServerMessage *msg,
                int                seconds,
                gboolean           retry_after,
                gboolean           hint)
{
  g_autoptr(JsonObject) o = json_object_new ();
  g_autofree char *detail = NULL;

  if (hint)
    detail = g_strdup_printf ("Request was throttled. Your rate limit resets in ~%ds.", seconds);
  else
    detail = g_strdup ("Request was throttled. Your rate limit for creating predictions is reduced "
                       "to 6 requests per minute with a burst of 1 requests until you add a payment method.");
  json_object_set_string_member (o, "detail", detail);
  if (retry_after)
    {
      g_autofree char *value = g_strdup_printf ("%d", seconds);

      soup_message_headers_replace (soup_server_message_get_response_headers (msg), "Retry-After", value);
    }
  fake_send_json_object (msg, 429, PROBLEM_JSON, o);
}

static void
send_invalid_fields (SoupServerMessage *msg,
                     JsonArray         *fields)
{
  g_autoptr(JsonObject) o = json_object_new ();
  GString *detail = g_string_new (NULL);

  for (guint i = 0; i < json_array_get_length (fields); i++)
    {
      JsonObject *f = json_array_get_object_element (fields, i);

      g_string_append_printf (detail, "- %s: %s\n",
                              json_object_get_string_member (f, "field")[0] ? json_object_get_string_member (f, "field") : "(root)",
                              json_object_get_string_member (f, "description"));
    }
  json_object_set_string_member (o, "detail", detail->str);
  json_object_set_int_member (o, "status", 422);
  json_object_set_string_member (o, "title", "Input validation failed");
  json_object_set_array_member (o, "invalid_fields", json_array_ref (fields));
  fake_send_json_object (msg, 422, PROBLEM_JSON, o);
  g_string_free (detail, TRUE);
}

static JsonObject *
invalid_field (const char *type,
               const char *field,
               const char *description)
{
  JsonObject *f = json_object_new ();

  json_object_set_string_member (f, "type", type);
  json_object_set_string_member (f, "field", field);
  json_object_set_string_member (f, "description", description);
  return f;
}

static void
send_invalid_version (SoupServerMessage *msg)
{
  send_problem (msg, 422, "Invalid version or not permitted",
                "The specified version does not exist (or perhaps you don't have permission to use it?)");
}

/* Status faults shared by every Replicate route.  Returns TRUE if sent. */
static gboolean
apply_status_fault (SoupServerMessage *msg,
                    GPtrArray         *faults)
{
  FakeFault *fault = fake_faults_find_status (faults);
  const char *name;

  if (fault == NULL)
    return FALSE;
  name = fault->name;

  if (g_str_equal (name, "401"))
    send_problem (msg, 401, "Unauthenticated", "You did not pass a valid authentication token");
  else if (g_str_equal (name, "402"))
    send_problem (msg, 402, "Insufficient credit",
                  "You have insufficient credit to run this model. Go to https://replicate.com/account/billing#billing "
                  "to purchase credit. Once you purchase credit, please wait a few minutes before trying again.");
  else if (g_str_equal (name, "403"))
    send_problem (msg, 403, "Forbidden", "You do not have permission to perform this action.");
  else if (g_str_equal (name, "404"))
    send_problem (msg, 404, NULL, "Not found.");
  else if (g_str_equal (name, "422"))
    {
      g_autoptr(JsonArray) fields = json_array_new ();

      json_array_add_object_element (fields, invalid_field ("number_lte", "input.num_outputs",
                                                            "Must be less than or equal to 4"));
      send_invalid_fields (msg, fields);
    }
  else if (g_str_equal (name, "invalid-version"))
    send_invalid_version (msg);
  else if (g_str_equal (name, "429"))
    send_throttled (msg, fault->value ? atoi (fault->value) : 1, FALSE, TRUE);
  else if (g_str_equal (name, "429-retry-after"))
    send_throttled (msg, fault->value ? atoi (fault->value) : 1, TRUE, TRUE);
  else if (g_str_equal (name, "429-bare"))
    send_throttled (msg, 1, FALSE, FALSE);
  else if (g_str_equal (name, "502"))
    fake_send_text (msg, 502, "text/html",
                    "<html><head><title>502 Bad Gateway</title></head><body><center><h1>502 Bad Gateway</h1></center></body></html>\n");
  else if (g_str_equal (name, "503"))
    {
      if (fault->value != NULL)
        soup_message_headers_replace (soup_server_message_get_response_headers (msg), "Retry-After", fault->value);
      fake_send_text (msg, 503, "application/json", "{\"detail\":\"Service Unavailable\",\"status\":503}");
    }
  else if (g_ascii_isdigit (name[0]) && atoi (name) >= 500)
    fake_send_text (msg, atoi (name), "application/json", "{\"detail\":\"Internal server error\"}");
  else if (g_ascii_isdigit (name[0]))
    {
      g_autofree char *text = g_strdup_printf ("{\"detail\":\"Fake error\",\"status\":%d}", atoi (name));

      fake_send_text (msg, atoi (name), PROBLEM_JSON, text);
    }
  else
    return FALSE;

  return TRUE;
}

/* ---- auth and rate limits ---------------------------------------------- */

static gboolean
check_auth (FakeServer        *self,
            SoupServerMessage *msg)
{
  const char *auth = soup_message_headers_get_one (soup_server_message_get_request_headers (msg),
                                                   "Authorization");
  const char *key = NULL;

  /* Both schemes are in use: SDKs send Bearer, older code sends Token. */
  if (auth != NULL && g_ascii_strncasecmp (auth, "Bearer ", 7) == 0)
    key = auth + 7;
  else if (auth != NULL && g_ascii_strncasecmp (auth, "Token ", 6) == 0)
    key = auth + 6;

  if (key == NULL || *key == '\0' || g_str_equal (key, "bad-key"))
    {
      JsonObject *entry = g_object_get_data (G_OBJECT (msg), "fake-log-entry");

      if (entry != NULL)
        json_object_set_string_member (entry, "route", "replicate-auth");
      send_unauthenticated (self, msg);
      return FALSE;
    }
  return TRUE;
}

static gboolean
take_token (FakeServer        *self,
            SoupServerMessage *msg,
            gboolean           create)
{
  SoupMessageHeaders *headers = soup_server_message_get_response_headers (msg);
  gint64 now = g_get_monotonic_time ();
  double elapsed = (now - self->bucket_updated_us) / (double) G_USEC_PER_SEC;
  double *tokens = create ? &self->create_tokens : &self->other_tokens;
  double limit = create ? self->create_limit : self->other_limit;
  g_autofree char *remaining = NULL;

  self->bucket_updated_us = now;
  self->create_tokens = MIN (self->create_limit, self->create_tokens + elapsed * self->create_limit / 60.0);
  self->other_tokens = MIN (self->other_limit, self->other_tokens + elapsed * self->other_limit / 60.0);

  if (*tokens < 1.0)
    {
      int wait = (int) ceil ((1.0 - *tokens) * 60.0 / limit);

      soup_message_headers_replace (headers, "ratelimit-remaining", "0");
      soup_message_headers_replace (headers, "ratelimit-reset", "1");
      send_throttled (msg, MAX (1, wait), FALSE, TRUE);
      return FALSE;
    }
  *tokens -= 1.0;
  remaining = g_strdup_printf ("%d", (int) *tokens);
  soup_message_headers_replace (headers, "ratelimit-remaining", remaining);
  soup_message_headers_replace (headers, "ratelimit-reset", "1");
  return TRUE;
}

/* ---- catalogue --------------------------------------------------------- */

static void
register_model (FakeServer *self,
                JsonObject *model,
                gboolean    video)
{
  g_autofree char *key = g_strdup_printf ("%s/%s", json_object_get_string_member (model, "owner"),
                                          json_object_get_string_member (model, "name"));
  JsonObject *latest = json_object_get_object_member (model, "latest_version");

  if (!g_hash_table_contains (self->models, key))
    g_ptr_array_add (self->model_order, g_strdup (key));
  if (latest != NULL && json_object_has_member (latest, "id"))
    g_hash_table_insert (self->versions, g_strdup (json_object_get_string_member (latest, "id")),
                         g_strdup (key));
  if (video)
    g_hash_table_insert (self->video_models, g_strdup (key), g_strdup ("1"));
  g_hash_table_insert (self->models, g_steal_pointer (&key), json_object_ref (model));
}

static gboolean
load_collection (FakeServer  *self,
                 const char  *file,
                 gboolean     video,
                 JsonObject  *extra_first,
                 GError     **error)
{
  g_autoptr(JsonNode) node = fake_load_json (self, file, error);
  JsonObject *collection;
  JsonArray *models;

  if (node == NULL)
    return FALSE;
  fake_rewrite_urls (self, node);
  collection = json_node_get_object (node);
  models = json_object_get_array_member (collection, "models");

  if (extra_first != NULL)
    {
      g_autoptr(JsonArray) merged = json_array_new ();

      json_array_add_object_element (merged, json_object_ref (extra_first));
      for (guint i = 0; i < json_array_get_length (models); i++)
        json_array_add_element (merged, json_node_copy (json_array_get_element (models, i)));
      json_object_set_array_member (collection, "models", json_array_ref (merged));
      models = merged;
    }

  for (guint i = 0; i < json_array_get_length (models); i++)
    register_model (self, json_array_get_object_element (models, i), video);

  g_hash_table_insert (self->collection_bodies,
                       g_strdup (json_object_get_string_member (collection, "slug")),
                       json_object_ref (collection));
  return TRUE;
}

gboolean
fake_replicate_init (FakeServer  *self,
                     GError     **error)
{
  g_autoptr(JsonNode) list = NULL;
  g_autoptr(JsonNode) flux = NULL;
  g_autoptr(JsonNode) sdxl = NULL;
  g_autoptr(JsonNode) empty = NULL;
  JsonArray *results;
  gboolean have_i2v = FALSE;

  self->predictions = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, (GDestroyNotify) prediction_free);
  self->prediction_order = g_ptr_array_new_with_free_func (g_free);
  self->uploads = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) json_object_unref);
  self->upload_bytes = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) g_bytes_unref);
  self->media_cache = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) media_free);
  self->models = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) json_object_unref);
  self->versions = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  self->video_models = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  self->model_order = g_ptr_array_new_with_free_func (g_free);
  self->collection_bodies = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) json_object_unref);

  if (!(list = fake_load_json (self, "replicate/collections-list--1-GET-collections.json", error)) ||
      !(flux = fake_load_json (self, "fake/model-black-forest-labs-flux-schnell.json", error)) ||
      !(sdxl = fake_load_json (self, "replicate/models-get--1-GET-models-stability-ai-sdxl.json", error)) ||
      !(empty = fake_load_json (self, "replicate/models-get--2-GET-models-mattt-empty.json", error)))
    return FALSE;
  fake_rewrite_urls (self, flux);
  fake_rewrite_urls (self, sdxl);
  fake_rewrite_urls (self, empty);

  if (!load_collection (self, "replicate/collections-get--1-GET-collections-text-to-image.json", FALSE,
                        json_node_get_object (flux), error) ||
      !load_collection (self, "fake/collection-image-to-video.json", TRUE, NULL, error) ||
      !load_collection (self, "fake/collection-text-to-video.json", TRUE, NULL, error))
    return FALSE;
  register_model (self, json_node_get_object (sdxl), FALSE);
  register_model (self, json_node_get_object (empty), FALSE);

  results = json_object_get_array_member (json_node_get_object (list), "results");
  for (guint i = 0; i < json_array_get_length (results); i++)
    if (g_str_equal (json_object_get_string_member (json_array_get_object_element (results, i), "slug"),
                     "image-to-video"))
      have_i2v = TRUE;
  if (!have_i2v)
    {
      JsonObject *c = json_object_new ();

      json_object_set_string_member (c, "name", "Image to video");
      json_object_set_string_member (c, "slug", "image-to-video");
      json_object_set_string_member (c, "description", "Models that animate images into videos");
      json_array_add_object_element (results, c);
    }
  self->collections = json_array_ref (results);
  return TRUE;
}

void
fake_replicate_reset (FakeServer *self)
{
  g_hash_table_remove_all (self->predictions);
  g_ptr_array_set_size (self->prediction_order, 0);
  g_hash_table_remove_all (self->uploads);
  g_hash_table_remove_all (self->upload_bytes);
  g_hash_table_remove_all (self->media_cache);
}

/* ---- pagination -------------------------------------------------------- */

static guint
cursor_offset (SoupServerMessage *msg)
{
  const char *query = g_uri_get_query (soup_server_message_get_uri (msg));
  g_autoptr(GHashTable) params = NULL;
  const char *cursor;
  g_autofree guchar *decoded = NULL;
  g_autofree char *text = NULL;
  gsize len = 0;

  if (query == NULL)
    return 0;
  params = soup_form_decode (query);
  cursor = g_hash_table_lookup (params, "cursor");
  if (cursor == NULL)
    return 0;
  decoded = g_base64_decode (cursor, &len);
  text = g_strndup ((const char *) decoded, len);
  if (!g_str_has_prefix (text, "o="))
    return 0;
  return (guint) atoi (text + 2);
}

/* Cursors are opaque to clients; here they are base64("o=<offset>"). */
static JsonObject *
page_new (FakeServer *self,
          const char *path,
          guint       offset,
          guint       page,
          guint       total)
{
  JsonObject *o = json_object_new ();

  if (offset + page < total)
    {
      g_autofree char *raw = g_strdup_printf ("o=%u", offset + page);
      g_autofree char *cursor = g_base64_encode ((const guchar *) raw, strlen (raw));
      g_autofree char *escaped = g_uri_escape_string (cursor, NULL, TRUE);
      g_autofree char *next = g_strdup_printf ("%s%s?cursor=%s", self->base_url, path, escaped);

      json_object_set_string_member (o, "next", next);
    }
  else
    json_object_set_null_member (o, "next");

  if (offset > 0)
    {
      g_autofree char *raw = g_strdup_printf ("o=%u", offset >= page ? offset - page : 0);
      g_autofree char *cursor = g_base64_encode ((const guchar *) raw, strlen (raw));
      g_autofree char *escaped = g_uri_escape_string (cursor, NULL, TRUE);
      g_autofree char *prev = g_strdup_printf ("%s%s?cursor=%s", self->base_url, path, escaped);

      json_object_set_string_member (o, "previous", prev);
    }
  else
    json_object_set_null_member (o, "previous");

  return o;
}

/* ---- schema helpers ---------------------------------------------------- */

static JsonObject *
model_schema_root (JsonObject *model)
{
  JsonObject *latest;

  if (model == NULL || !json_object_has_member (model, "latest_version") ||
      JSON_NODE_HOLDS_NULL (json_object_get_member (model, "latest_version")))
    return NULL;
  latest = json_object_get_object_member (model, "latest_version");
  if (!json_object_has_member (latest, "openapi_schema") ||
      JSON_NODE_HOLDS_NULL (json_object_get_member (latest, "openapi_schema")))
    return NULL;
  return json_object_get_object_member (latest, "openapi_schema");
}

static JsonObject *
schema_component (JsonObject *root,
                  const char *name)
{
  JsonObject *components;
  JsonObject *schemas;

  if (root == NULL || !json_object_has_member (root, "components"))
    return NULL;
  components = json_object_get_object_member (root, "components");
  if (!json_object_has_member (components, "schemas"))
    return NULL;
  schemas = json_object_get_object_member (components, "schemas");
  if (!json_object_has_member (schemas, name))
    return NULL;
  return json_object_get_object_member (schemas, name);
}

/* Follow "$ref" and a one-element "allOf: [{$ref}]", as older Cog emits. */
static JsonObject *
schema_resolve (JsonObject *root,
                JsonObject *schema)
{
  for (int depth = 0; schema != NULL && depth < 8; depth++)
    {
      const char *ref = NULL;

      if (json_object_has_member (schema, "$ref"))
        ref = json_object_get_string_member (schema, "$ref");
      else if (json_object_has_member (schema, "allOf"))
        {
          JsonArray *all = json_object_get_array_member (schema, "allOf");

          if (json_array_get_length (all) > 0)
            {
              JsonObject *first = json_array_get_object_element (all, 0);

              if (json_object_has_member (first, "$ref"))
                ref = json_object_get_string_member (first, "$ref");
            }
        }
      if (ref == NULL || !g_str_has_prefix (ref, "#/components/schemas/"))
        return schema;
      schema = schema_component (root, ref + strlen ("#/components/schemas/"));
    }
  return schema;
}

static char *
describe_node (JsonNode *node)
{
  return json_to_string (node, FALSE);
}

static const char *
node_type_name (JsonNode *node)
{
  if (JSON_NODE_HOLDS_NULL (node))
    return "null";
  if (JSON_NODE_HOLDS_OBJECT (node))
    return "object";
  if (JSON_NODE_HOLDS_ARRAY (node))
    return "array";
  switch (json_node_get_value_type (node))
    {
    case G_TYPE_STRING:
      return "string";
    case G_TYPE_BOOLEAN:
      return "boolean";
    case G_TYPE_INT64:
      return "integer";
    default:
      return "number";
    }
}

static void
validate_property (JsonObject *root,
                   JsonObject *prop,
                   const char *name,
                   JsonNode   *value,
                   JsonArray  *fields)
{
  g_autofree char *field = g_strdup_printf ("input.%s", name);
  JsonObject *resolved = schema_resolve (root, prop);
  const char *type = NULL;
  const char *given = node_type_name (value);

  if (json_object_has_member (prop, "type"))
    type = json_object_get_string_member (prop, "type");
  else if (resolved != NULL && json_object_has_member (resolved, "type"))
    type = json_object_get_string_member (resolved, "type");

  if (type != NULL)
    {
      gboolean ok = g_str_equal (type, given) ||
                    (g_str_equal (type, "number") && g_str_equal (given, "integer"));

      if (!ok)
        {
          g_autofree char *d = g_strdup_printf ("Invalid type. Expected: %s, given: %s", type, given);

          json_array_add_object_element (fields, invalid_field ("invalid_type", field, d));
          return;
        }
    }

  if (resolved != NULL && json_object_has_member (resolved, "enum"))
    {
      JsonArray *choices = json_object_get_array_member (resolved, "enum");
      g_autofree char *have = describe_node (value);
      GString *list = g_string_new (NULL);
      gboolean found = FALSE;

      for (guint i = 0; i < json_array_get_length (choices); i++)
        {
          g_autofree char *c = describe_node (json_array_get_element (choices, i));

          if (g_str_equal (c, have))
            found = TRUE;
          g_string_append_printf (list, "%s%s", i ? ", " : "", c);
        }
      if (!found)
        {
          g_autofree char *d = g_strdup_printf ("%s must be one of the following: %s", name, list->str);

          json_array_add_object_element (fields, invalid_field ("enum", field, d));
        }
      g_string_free (list, TRUE);
    }

  if (g_str_equal (given, "integer") || g_str_equal (given, "number"))
    {
      double v = json_node_get_double (value);

      if (json_object_has_member (prop, "maximum") && v > json_object_get_double_member (prop, "maximum"))
        {
          g_autofree char *max = describe_node (json_object_get_member (prop, "maximum"));
          g_autofree char *d = g_strdup_printf ("Must be less than or equal to %s", max);

          json_array_add_object_element (fields, invalid_field ("number_lte", field, d));
        }
      if (json_object_has_member (prop, "minimum") && v < json_object_get_double_member (prop, "minimum"))
        {
          g_autofree char *min = describe_node (json_object_get_member (prop, "minimum"));
          g_autofree char *d = g_strdup_printf ("Must be greater than or equal to %s", min);

          json_array_add_object_element (fields, invalid_field ("number_gte", field, d));
        }
    }

  if (g_str_equal (given, "string") && json_object_has_member (prop, "format") &&
      g_str_equal (json_object_get_string_member (prop, "format"), "uri"))
    {
      const char *s = json_node_get_string (value);

      if (!g_str_has_prefix (s, "http://") && !g_str_has_prefix (s, "https://") && !g_str_has_prefix (s, "data:"))
        json_array_add_object_element (fields, invalid_field ("format", field, "Does not match format 'uri'"));
    }
}

static JsonArray *
validate_input (JsonObject *root,
                JsonObject *input)
{
  JsonArray *fields = json_array_new ();
  JsonObject *schema = schema_component (root, "Input");
  JsonObject *props;
  g_autoptr(GList) members = NULL;

  if (schema == NULL)
    return fields;
  props = json_object_has_member (schema, "properties") ? json_object_get_object_member (schema, "properties") : NULL;

  if (json_object_has_member (schema, "required"))
    {
      JsonArray *required = json_object_get_array_member (schema, "required");

      for (guint i = 0; i < json_array_get_length (required); i++)
        {
          const char *name = json_array_get_string_element (required, i);

          if (!json_object_has_member (input, name) || JSON_NODE_HOLDS_NULL (json_object_get_member (input, name)))
            {
              g_autofree char *d = g_strdup_printf ("%s is required", name);

              json_array_add_object_element (fields, invalid_field ("required", "input", d));
            }
        }
    }

  members = json_object_get_members (input);
  for (GList *l = members; props != NULL && l != NULL; l = l->next)
    {
      const char *name = l->data;

      /* Unknown inputs are dropped by Cog, not rejected. */
      if (!json_object_has_member (props, name))
        continue;
      validate_property (root, json_object_get_object_member (props, name), name,
                         json_object_get_member (input, name), fields);
    }

  return fields;
}

/* ---- predictions ------------------------------------------------------- */

static Status
prediction_status (FakePrediction *p,
                   gint64          now,
                   gint64         *completed_us)
{
  gint64 end = p->end_us;
  Status terminal = ST_SUCCEEDED;

  if (fake_faults_has (p->faults, "fail"))
    terminal = ST_FAILED;
  else if (fake_faults_has (p->faults, "cancel"))
    terminal = ST_CANCELED;

  if (p->deadline_us != 0 && p->deadline_us < end)
    {
      end = p->deadline_us;
      terminal = p->deadline_us <= p->start_us ? ST_ABORTED : ST_CANCELED;
    }
  if (p->canceled_us != 0 && p->canceled_us < end)
    {
      end = p->canceled_us;
      terminal = ST_CANCELED;
    }

  *completed_us = end;
  if (now >= end)
    return terminal;
  if (now >= p->start_us)
    return ST_PROCESSING;
  return ST_STARTING;
}

static double
retention_for (FakeServer     *self,
               FakePrediction *p)
{
  FakeFault *expire = fake_faults_find (p->faults, "expire");

  if (expire != NULL && expire->value != NULL)
    return g_ascii_strtod (expire->value, NULL);
  return self->retention_seconds;
}

static gboolean
prediction_removed (FakeServer     *self,
                    FakePrediction *p,
                    gint64          now)
{
  gint64 completed = 0;
  Status status = prediction_status (p, now, &completed);

  if (status == ST_STARTING || status == ST_PROCESSING)
    return FALSE;
  return now >= completed + (gint64) (retention_for (self, p) * G_USEC_PER_SEC);
}

static char *
tqdm_line (int n,
           int total,
           double seconds)
{
  static const char *eighths[] = { "", "\u258f", "\u258e", "\u258d", "\u258c", "\u258b", "\u258a", "\u2589" };
  GString *bar = g_string_new (NULL);
  double frac = total > 0 ? (double) n / total : 1.0;
  int cells = (int) (frac * 80);
  int full = cells / 8;
  double rate = seconds > 0 ? n / seconds : 0;
  int left = rate > 0 ? (int) ((total - n) / rate) : 0;
  char *line;

  for (int i = 0; i < full; i++)
    g_string_append (bar, "\u2588");
  if (full < 10)
    {
      g_string_append (bar, eighths[cells % 8]);
      for (int i = full + ((cells % 8) ? 1 : 0); i < 10; i++)
        g_string_append_c (bar, ' ');
    }
  line = g_strdup_printf ("%3d%%|%s| %d/%d [00:%02d<00:%02d, %.2fit/s]\n",
                          (int) (frac * 100), bar->str, n, total, (int) seconds % 60, left % 60, rate);
  g_string_free (bar, TRUE);
  return line;
}

static char *
prediction_logs (FakePrediction *p,
                 Status          status,
                 gint64          now,
                 gint64          completed)
{
  GString *logs = g_string_new (NULL);
  double run = (p->end_us - p->start_us) / (double) G_USEC_PER_SEC;
  double elapsed;
  int n;

  if (status == ST_STARTING)
    return g_string_free (logs, FALSE);

  elapsed = (MIN (now, completed) - p->start_us) / (double) G_USEC_PER_SEC;
  g_string_append_printf (logs, "Using seed: %" G_GINT64_FORMAT "\n", p->seed);
  if (p->video)
    g_string_append (logs, "Generating video frames\n");
  n = run > 0 ? (int) floor (p->steps * CLAMP (elapsed / run, 0, 1)) : p->steps;
  if (status == ST_SUCCEEDED)
    n = p->steps;
  for (int i = 0; i <= n; i++)
    {
      g_autofree char *line = tqdm_line (i, p->steps, run * i / MAX (1, p->steps));

      g_string_append (logs, line);
    }
  if (status == ST_FAILED)
    g_string_append (logs, "Traceback (most recent call last):\n  File \"predict.py\", line 42, in predict\nRuntimeError: prediction failed\n");
  return g_string_free (logs, FALSE);
}

static void
image_size (FakeServer *self,
            JsonObject *input,
            int        *width,
            int        *height)
{
  int w = 1024, h = 1024;

  if (json_object_has_member (input, "width") && json_object_has_member (input, "height"))
    {
      w = (int) json_object_get_int_member (input, "width");
      h = (int) json_object_get_int_member (input, "height");
    }
  else if (json_object_has_member (input, "aspect_ratio"))
    {
      const char *ar = json_object_get_string_member (input, "aspect_ratio");
      double mp = 1.0;
      int aw = 1, ah = 1;

      if (ar != NULL && sscanf (ar, "%d:%d", &aw, &ah) == 2 && aw > 0 && ah > 0)
        {
          if (json_object_has_member (input, "megapixels"))
            {
              const char *m = json_object_get_string_member (input, "megapixels");

              if (m != NULL)
                mp = g_ascii_strtod (m, NULL);
            }
          if (mp <= 0)
            mp = 1.0;
          w = ((int) (sqrt (mp * 1048576.0 * aw / ah)) + 8) / 16 * 16;
          h = ((int) (mp * 1048576.0 / MAX (w, 1)) + 8) / 16 * 16;
        }
    }

  *width = CLAMP (w, 8, self->max_image_side);
  *height = CLAMP (h, 8, self->max_image_side);
}

/* output_format from the input, else the schema's default, else PNG. */
static const char *
image_format (FakePrediction *p)
{
  const char *f = NULL;

  if (json_object_has_member (p->input, "output_format"))
    f = json_object_get_string_member (p->input, "output_format");
  if (f == NULL)
    {
      JsonObject *input = schema_component (p->schema_root, "Input");
      JsonObject *props = input && json_object_has_member (input, "properties")
                            ? json_object_get_object_member (input, "properties") : NULL;
      JsonObject *prop = props && json_object_has_member (props, "output_format")
                           ? json_object_get_object_member (props, "output_format") : NULL;

      if (prop != NULL && json_object_has_member (prop, "default"))
        f = json_object_get_string_member (prop, "default");
    }
  if (f != NULL && (g_str_equal (f, "webp") || g_str_equal (f, "jpg") || g_str_equal (f, "png")))
    return f;
  return "png";
}

static int
output_count (JsonObject *input)
{
  static const char *keys[] = { "num_outputs", "num_samples", "num_images", NULL };

  for (guint i = 0; keys[i] != NULL; i++)
    if (json_object_has_member (input, keys[i]))
      {
        JsonNode *n = json_object_get_member (input, keys[i]);

        if (JSON_NODE_HOLDS_VALUE (n) && json_node_get_value_type (n) == G_TYPE_INT64)
          return CLAMP ((int) json_node_get_int (n), 1, 8);
      }
  return 1;
}

static const char *
prompt_of (JsonObject *input)
{
  if (input != NULL && json_object_has_member (input, "prompt") &&
      JSON_NODE_HOLDS_VALUE (json_object_get_member (input, "prompt")))
    return json_object_get_string_member (input, "prompt");
  return NULL;
}

static char *
video_format (FakePrediction *p)
{
  return g_strdup (fake_faults_has (p->faults, "webm") ? "webm" : "mp4");
}

/* Bytes of output file @index, rendered on first use and cached. */
static FakeMedia *
prediction_media (FakeServer     *self,
                  FakePrediction *p,
                  int             index)
{
  g_autofree char *key = g_strdup_printf ("%s/%d", p->id, index);
  FakeMedia *media = g_hash_table_lookup (self->media_cache, key);
  const char *content_type = NULL;
  GBytes *bytes;

  if (media != NULL)
    return media;

  if (p->video)
    {
      g_autofree char *format = video_format (p);

      bytes = fake_media_load_video (self, format, &content_type);
      /* Every prediction's MP4 ends in a `free` box naming it, so no two
       * videos are the same bytes (a library keeps one copy of each). */
      if (bytes != NULL && g_str_equal (format, "mp4"))
        {
          g_autofree char *note = g_strdup_printf ("sb-fake-providers prediction %s", p->id);
          GByteArray *mp4 = g_byte_array_new ();
          guint32 size = GUINT32_TO_BE (8 + strlen (note));

          g_byte_array_append (mp4, g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes));
          g_byte_array_append (mp4, (const guint8 *) &size, 4);
          g_byte_array_append (mp4, (const guint8 *) "free", 4);
          g_byte_array_append (mp4, (const guint8 *) note, strlen (note));
          g_bytes_unref (bytes);
          bytes = g_byte_array_free_to_bytes (mp4);
        }
    }
  else
    {
      g_autofree char *clean = fake_strip_markers (prompt_of (p->input));
      int w, h;

      image_size (self, p->input, &w, &h);
      bytes = fake_media_render_image (clean, index, w, h, image_format (p), &content_type);
    }
  if (bytes == NULL)
    return NULL;

  /* Outputs that are not what they claim: other bytes under the same name
   * and type, a file cut short at the source, or another label. */
  if (fake_faults_has (p->faults, "output-bytes"))
    {
      const char *what = fake_faults_value (p->faults, "output-bytes", "text");
      const char *ignored = NULL;

      g_bytes_unref (bytes);
      if (g_str_equal (what, "png"))
        bytes = fake_media_render_image ("not a video", index, 64, 64, "png", &ignored);
      else
        bytes = g_bytes_new_static ("This is not a video.\n", strlen ("This is not a video.\n"));
    }
  if (fake_faults_has (p->faults, "output-cut"))
    {
      double fraction = CLAMP (fake_faults_double (p->faults, "output-cut", 0.4), 0.0, 1.0);
      GBytes *whole = bytes;

      bytes = g_bytes_new_from_bytes (whole, 0, (gsize) (g_bytes_get_size (whole) * fraction));
      g_bytes_unref (whole);
    }
  content_type = fake_faults_value (p->faults, "output-type", content_type);

  media = g_new0 (FakeMedia, 1);
  media->bytes = bytes;
  media->content_type = g_strdup (content_type);
  g_hash_table_insert (self->media_cache, g_steal_pointer (&key), media);
  return media;
}

static char *
output_url (FakeServer     *self,
            FakePrediction *p,
            int             index,
            gboolean        data_uri)
{
  if (data_uri)
    {
      FakeMedia *media = prediction_media (self, p, index);
      g_autofree char *b64 = NULL;

      if (media == NULL)
        return g_strdup ("");
      b64 = g_base64_encode (g_bytes_get_data (media->bytes, NULL), g_bytes_get_size (media->bytes));
      return g_strdup_printf ("data:%s;base64,%s", media->content_type, b64);
    }

  if (p->video)
    {
      g_autofree char *format = video_format (p);

      return g_strdup_printf ("%s/files/out/%s/out.%s", self->files_base_url, p->id, format);
    }
  return g_strdup_printf ("%s/files/out/%s/out-%d.%s", self->files_base_url, p->id, index,
                          image_format (p));
}

/* Shape the output like the model's Output schema: a string, a list of
 * strings, a list of {"file": url} objects, a list of lists... */
static JsonNode *
output_from_schema (FakeServer     *self,
                    FakePrediction *p,
                    JsonObject     *schema,
                    int            *next_index,
                    int             count,
                    gboolean        data_uri,
                    int             depth)
{
  JsonNode *node;
  const char *type;

  schema = schema_resolve (p->schema_root, schema);
  type = (schema && json_object_has_member (schema, "type")) ? json_object_get_string_member (schema, "type") : "string";

  if (depth < 4 && g_str_equal (type, "array") && json_object_has_member (schema, "items"))
    {
      JsonArray *array = json_array_new ();
      JsonObject *items = json_object_get_object_member (schema, "items");

      for (int i = 0; i < count; i++)
        json_array_add_element (array, output_from_schema (self, p, items, next_index, 1, data_uri, depth + 1));
      node = json_node_new (JSON_NODE_ARRAY);
      json_node_take_array (node, array);
      return node;
    }
  if (depth < 4 && g_str_equal (type, "object") && json_object_has_member (schema, "properties"))
    {
      JsonObject *props = json_object_get_object_member (schema, "properties");
      JsonObject *object = json_object_new ();
      g_autoptr(GList) members = json_object_get_members (props);

      for (GList *l = members; l != NULL; l = l->next)
        {
          JsonObject *prop = schema_resolve (p->schema_root, json_object_get_object_member (props, l->data));
          const char *ptype = (prop && json_object_has_member (prop, "type")) ? json_object_get_string_member (prop, "type") : "";

          if (g_str_equal (ptype, "string") && json_object_has_member (prop, "format"))
            json_object_set_member (object, l->data,
                                    output_from_schema (self, p, prop, next_index, 1, data_uri, depth + 1));
          else if (g_str_equal (ptype, "string"))
            json_object_set_string_member (object, l->data, prompt_of (p->input) ? prompt_of (p->input) : "");
        }
      node = json_node_new (JSON_NODE_OBJECT);
      json_node_take_object (node, object);
      return node;
    }

  node = json_node_new (JSON_NODE_VALUE);
  fake_node_take_string (node, output_url (self, p, (*next_index)++, data_uri));
  return node;
}

/* A language model on Replicate streams its answer as an iterator: while
 * processing, "output" holds the tokens written so far. */
static const char * const iterator_tokens[] = {
  "The", " storyboard", " opens", " on", " a", " quiet", " harbour", " at", " dawn", ".",
};

static JsonNode *
iterator_output (FakePrediction *p,
                 gint64          now,
                 gboolean        done)
{
  JsonArray *array = json_array_new ();
  JsonNode *node = json_node_new (JSON_NODE_ARRAY);
  guint n = G_N_ELEMENTS (iterator_tokens);

  if (!done)
    {
      double span = MAX (1, p->end_us - p->start_us);
      double fraction = CLAMP ((now - p->start_us) / span, 0.0, 1.0);

      n = (guint) (fraction * G_N_ELEMENTS (iterator_tokens));
    }
  for (guint i = 0; i < n; i++)
    json_array_add_string_element (array, iterator_tokens[i]);
  json_node_take_array (node, array);

  return node;
}

static JsonNode *
prediction_output (FakeServer     *self,
                   FakePrediction *p,
                   gboolean        data_uri)
{
  int index = 0;
  int count = p->video ? 1 : output_count (p->input);
  JsonObject *schema = schema_component (p->schema_root, "Output");
  g_autoptr(JsonObject) fallback = NULL;

  if (fake_faults_has (p->faults, "single"))
    schema = NULL;
  else if (fake_faults_has (p->faults, "list") || schema == NULL)
    {
      g_autoptr(JsonParser) parser = json_parser_new ();

      json_parser_load_from_data (parser, p->video && !fake_faults_has (p->faults, "list")
                                            ? "{\"type\":\"string\",\"format\":\"uri\"}"
                                            : "{\"type\":\"array\",\"items\":{\"type\":\"string\",\"format\":\"uri\"}}",
                                  -1, NULL);
      fallback = json_object_ref (json_node_get_object (json_parser_get_root (parser)));
      schema = fallback;
    }
  if (schema == NULL)
    {
      JsonNode *node = json_node_new (JSON_NODE_VALUE);

      fake_node_take_string (node, output_url (self, p, 0, data_uri));
      return node;
    }
  return output_from_schema (self, p, schema, &index, count, data_uri, 0);
}

static JsonObject *
prediction_to_json (FakeServer     *self,
                    FakePrediction *p,
                    gboolean        fresh,
                    gboolean        sync)
{
  JsonObject *o = json_object_new ();
  JsonObject *urls = json_object_new ();
  gint64 now = g_get_monotonic_time ();
  gint64 completed = 0;
  Status status = prediction_status (p, now, &completed);
  gboolean terminal = status != ST_STARTING && status != ST_PROCESSING;
  gboolean removed = prediction_removed (self, p, now);
  gint64 offset = p->created_real_us - p->created_us;
  g_autofree char *created = fake_timestamp (p->created_real_us);
  g_autofree char *url = g_strdup_printf ("%s/v1/predictions/%s", self->base_url, p->id);
  g_autofree char *cancel = g_strdup_printf ("%s/cancel", url);
  g_autofree char *web = g_strdup_printf ("https://replicate.com/p/%s", p->id);
  g_autofree char *logs = NULL;
  gboolean quirk = sync && status == ST_SUCCEEDED && fake_faults_has (p->faults, "sync-processing");

  if (fresh)
    status = ST_STARTING;

  json_object_set_string_member (o, "id", p->id);
  json_object_set_string_member (o, "model", p->model);
  json_object_set_string_member (o, "version", p->version);
  json_object_set_object_member (o, "input", json_object_ref (p->input));

  if (status == ST_CANCELED && p->canceled_us != 0)
    json_object_set_null_member (o, "logs");
  else
    {
      logs = prediction_logs (p, status, now, completed);
      json_object_set_string_member (o, "logs", logs);
    }

  if (fake_faults_has (p->faults, "iterator") && !fresh &&
      (status == ST_PROCESSING || (status == ST_SUCCEEDED && !removed)))
    {
      json_object_set_member (o, "output", iterator_output (p, now, status == ST_SUCCEEDED));
      if (terminal)
        json_object_set_boolean_member (o, "data_removed", FALSE);
    }
  else if (terminal && !fresh)
    {
      if (status == ST_SUCCEEDED && !removed)
        {
          gboolean data_uri = sync && !fake_faults_has (p->faults, "urls");

          if (fake_faults_has (p->faults, "data-uri"))
            data_uri = TRUE;
          json_object_set_member (o, "output", prediction_output (self, p, data_uri));
        }
      else
        json_object_set_null_member (o, "output");
      json_object_set_boolean_member (o, "data_removed", removed);
    }

  if (status == ST_FAILED && !fresh)
    json_object_set_string_member (o, "error", fake_faults_value (p->faults, "fail",
                                                                  "The input or output was flagged as sensitive. (E005)"));
  else
    json_object_set_null_member (o, "error");

  json_object_set_string_member (o, "status", status_names[quirk ? ST_PROCESSING : status]);
  json_object_set_string_member (o, "created_at", created);
  json_object_set_string_member (o, "source", "api");

  if (!fresh && status != ST_STARTING && status != ST_ABORTED && completed > p->start_us)
    {
      g_autofree char *started = fake_timestamp (p->start_us + offset);

      json_object_set_string_member (o, "started_at", started);
    }
  if (!fresh && terminal)
    {
      g_autofree char *done = fake_timestamp (completed + offset);
      JsonObject *metrics = json_object_new ();

      json_object_set_string_member (o, "completed_at", done);
      if (status != ST_ABORTED && completed > p->start_us)
        json_object_set_double_member (metrics, "predict_time", (completed - p->start_us) / (double) G_USEC_PER_SEC);
      json_object_set_double_member (metrics, "total_time", (completed - p->created_us) / (double) G_USEC_PER_SEC);
      json_object_set_object_member (o, "metrics", metrics);
    }
  if (p->deadline_us != 0)
    {
      g_autofree char *deadline = fake_timestamp (p->deadline_us + offset);

      json_object_set_string_member (o, "deadline", deadline);
    }

  json_object_set_string_member (urls, "cancel", cancel);
  json_object_set_string_member (urls, "get", url);
  json_object_set_string_member (urls, "web", web);
  json_object_set_object_member (o, "urls", urls);

  return o;
}

/* "30s", "1m", "1h30m", "250ms", or plain seconds. */
static double
parse_duration (const char *text)
{
  double total = 0;
  const char *p = text;

  while (p != NULL && *p != '\0')
    {
      char *end = NULL;
      double v = g_ascii_strtod (p, &end);

      if (end == p)
        return -1;
      p = end;
      if (g_str_has_prefix (p, "ms"))
        total += v / 1000.0, p += 2;
      else if (*p == 'h')
        total += v * 3600, p++;
      else if (*p == 'm')
        total += v * 60, p++;
      else if (*p == 's')
        total += v, p++;
      else if (*p == '\0')
        total += v;
      else
        return -1;
    }
  return total;
}

/* ---- webhooks ---------------------------------------------------------- */

static SoupSession *
webhook_session (void)
{
  static SoupSession *session;

  if (session == NULL)
    session = soup_session_new_with_options ("timeout", 10, NULL);
  return session;
}

static void
webhook_sent_cb (GObject      *source,
                 GAsyncResult *result,
                 gpointer      data)
{
  g_autoptr(GBytes) bytes = soup_session_send_and_read_finish (SOUP_SESSION (source), result, NULL);
}

/* Standard Webhooks signing, as Replicate does: HMAC-SHA256 over
 * "<id>.<timestamp>.<body>" with the base64 key after "whsec_". */
static void
webhook_send (FakePrediction *p,
              const char     *event)
{
  FakeServer *self = p->server;
  g_autoptr(JsonObject) o = prediction_to_json (self, p, FALSE, FALSE);
  g_autoptr(JsonNode) node = json_node_new (JSON_NODE_OBJECT);
  g_autoptr(SoupMessage) msg = soup_message_new ("POST", p->webhook);
  g_autofree char *body = NULL;
  g_autofree char *rand = fake_random_id (24);
  g_autofree char *id = g_strdup_printf ("msg_%s", rand);
  g_autofree char *timestamp = g_strdup_printf ("%" G_GINT64_FORMAT, g_get_real_time () / G_USEC_PER_SEC);
  g_autofree char *signed_content = NULL;
  g_autofree guchar *key = NULL;
  g_autofree char *signature = NULL;
  gsize key_len = 0;
  guint8 digest[32];
  gsize digest_len = sizeof digest;
  g_autoptr(GHmac) hmac = NULL;
  g_autoptr(GBytes) bytes = NULL;
  g_autofree char *b64 = NULL;
  JsonObject *entry = json_object_new ();

  if (msg == NULL)
    return;
  json_node_set_object (node, o);
  body = json_to_string (node, FALSE);
  signed_content = g_strdup_printf ("%s.%s.%s", id, timestamp, body);
  key = g_base64_decode (WEBHOOK_SECRET + strlen ("whsec_"), &key_len);
  hmac = g_hmac_new (G_CHECKSUM_SHA256, key, key_len);
  g_hmac_update (hmac, (const guchar *) signed_content, -1);
  g_hmac_get_digest (hmac, digest, &digest_len);
  b64 = g_base64_encode (digest, digest_len);
  signature = g_strdup_printf ("v1,%s", b64);

  soup_message_headers_replace (soup_message_get_request_headers (msg), "webhook-id", id);
  soup_message_headers_replace (soup_message_get_request_headers (msg), "webhook-timestamp", timestamp);
  soup_message_headers_replace (soup_message_get_request_headers (msg), "webhook-signature", signature);
  bytes = g_bytes_new (body, strlen (body));
  soup_message_set_request_body_from_bytes (msg, "application/json", bytes);
  soup_session_send_and_read_async (webhook_session (), msg, G_PRIORITY_DEFAULT, NULL, webhook_sent_cb, NULL);

  /* Outgoing deliveries show up in the request log too. */
  json_object_set_int_member (entry, "seq", (gint64) ++self->request_seq);
  json_object_set_int_member (entry, "time_ms", g_get_real_time () / 1000);
  json_object_set_string_member (entry, "method", "POST");
  json_object_set_string_member (entry, "route", "webhook-out");
  json_object_set_string_member (entry, "path", p->webhook);
  json_object_set_string_member (entry, "event", event);
  json_object_set_string_member (entry, "prediction", p->id);
  json_array_add_object_element (self->requests, entry);
}

static gboolean
webhook_tick (gpointer data)
{
  FakePrediction *p = data;
  gint64 now = g_get_monotonic_time ();
  gint64 completed = 0;
  Status status = prediction_status (p, now, &completed);
  gboolean terminal = status != ST_STARTING && status != ST_PROCESSING;

  if (status == ST_PROCESSING && p->webhook_last_status == ST_STARTING && (p->webhook_events & WEBHOOK_START))
    webhook_send (p, "start");
  if (status == ST_PROCESSING && (p->webhook_events & WEBHOOK_LOGS) &&
      now - p->webhook_last_logs_us >= 500 * 1000)
    {
      g_autofree char *logs = prediction_logs (p, status, now, completed);

      if (strlen (logs) != p->webhook_logs_len)
        {
          p->webhook_logs_len = strlen (logs);
          p->webhook_last_logs_us = now;
          webhook_send (p, "logs");
        }
    }
  p->webhook_last_status = status;
  if (!terminal)
    return G_SOURCE_CONTINUE;

  if (status == ST_SUCCEEDED && (p->webhook_events & WEBHOOK_OUTPUT))
    webhook_send (p, "output");
  if (p->webhook_events & WEBHOOK_COMPLETED)
    webhook_send (p, "completed");
  p->webhook_source = 0;
  return G_SOURCE_REMOVE;
}

static void
webhook_setup (FakePrediction *p,
               JsonObject     *root)
{
  JsonNode *url = json_object_has_member (root, "webhook") ? json_object_get_member (root, "webhook") : NULL;

  if (url == NULL || !JSON_NODE_HOLDS_VALUE (url) || json_node_get_value_type (url) != G_TYPE_STRING)
    return;
  p->webhook = g_strdup (json_node_get_string (url));
  /* Without a filter: new outputs and completion. */
  p->webhook_events = WEBHOOK_OUTPUT | WEBHOOK_COMPLETED;
  if (json_object_has_member (root, "webhook_events_filter") &&
      JSON_NODE_HOLDS_ARRAY (json_object_get_member (root, "webhook_events_filter")))
    {
      JsonArray *filter = json_object_get_array_member (root, "webhook_events_filter");

      p->webhook_events = 0;
      for (guint i = 0; i < json_array_get_length (filter); i++)
        {
          const char *e = json_array_get_string_element (filter, i);

          if (g_strcmp0 (e, "start") == 0)
            p->webhook_events |= WEBHOOK_START;
          else if (g_strcmp0 (e, "output") == 0)
            p->webhook_events |= WEBHOOK_OUTPUT;
          else if (g_strcmp0 (e, "logs") == 0)
            p->webhook_events |= WEBHOOK_LOGS;
          else if (g_strcmp0 (e, "completed") == 0)
            p->webhook_events |= WEBHOOK_COMPLETED;
        }
    }
  p->webhook_last_status = ST_STARTING;
  p->webhook_source = g_timeout_add (100, webhook_tick, p);
}

typedef struct
{
  FakeServer *self;
  SoupServerMessage *msg;
  char *id;
  guint source;
} WaitData;

static void
wait_data_free (WaitData *wd)
{
  g_clear_handle_id (&wd->source, g_source_remove);
  g_free (wd->id);
  g_free (wd);
}

static void
wait_msg_finished (SoupServerMessage *msg,
                   WaitData          *wd)
{
  g_signal_handlers_disconnect_by_data (msg, wd);
  wait_data_free (wd);
}

static gboolean
wait_done_cb (gpointer data)
{
  WaitData *wd = data;
  FakePrediction *p = g_hash_table_lookup (wd->self->predictions, wd->id);

  wd->source = 0;
  if (p != NULL)
    {
      g_autoptr(JsonObject) o = prediction_to_json (wd->self, p, FALSE, TRUE);

      fake_send_json_object (wd->msg, SOUP_STATUS_CREATED, "application/json; charset=UTF-8", o);
    }
  else
    send_problem (wd->msg, 404, NULL, "Not found.");
  soup_server_message_unpause (wd->msg);
  return G_SOURCE_REMOVE;
}

static void
handle_create (FakeServer        *self,
               SoupServerMessage *msg,
               const char        *model_name)
{
  g_autoptr(JsonNode) body = fake_parse_body (msg);
  g_autoptr(GPtrArray) faults = NULL;
  g_autoptr(JsonArray) fields = NULL;
  SoupMessageHeaders *req = soup_server_message_get_request_headers (msg);
  JsonObject *root = NULL;
  JsonObject *input = NULL;
  JsonObject *model = NULL;
  g_autofree char *name = NULL;
  const char *version = NULL;
  const char *prefer;
  const char *cancel_after;
  FakePrediction *p;
  double seconds;

  if (body == NULL || !JSON_NODE_HOLDS_OBJECT (body))
    {
      faults = fake_collect_faults (self, msg, "replicate-create", NULL);
      send_problem (msg, 400, "Invalid JSON", "The request body is not a valid JSON object.");
      return;
    }
  root = json_node_get_object (body);
  if (json_object_has_member (root, "input") && JSON_NODE_HOLDS_OBJECT (json_object_get_member (root, "input")))
    input = json_object_get_object_member (root, "input");

  faults = fake_collect_faults (self, msg, "replicate-create", input ? prompt_of (input) : NULL);
  if (apply_status_fault (msg, faults))
    return;
  if (!take_token (self, msg, TRUE))
    return;

  if (model_name != NULL)
    {
      name = g_strdup (model_name);
      model = g_hash_table_lookup (self->models, name);
      if (model == NULL)
        {
          send_problem (msg, 404, "Model not found", "The requested model does not exist (or perhaps you don't have permission to use it?)");
          return;
        }
    }
  else
    {
      const char *colon;

      if (json_object_has_member (root, "model"))
        {
          fields = json_array_new ();
          json_array_add_object_element (fields, invalid_field ("additional_property_not_allowed", "",
                                                                "Additional property model is not allowed"));
          send_invalid_fields (msg, fields);
          return;
        }
      if (!json_object_has_member (root, "version") ||
          !JSON_NODE_HOLDS_VALUE (json_object_get_member (root, "version")))
        {
          fields = json_array_new ();
          json_array_add_object_element (fields, invalid_field ("required", "", "version is required"));
          send_invalid_fields (msg, fields);
          return;
        }
      version = json_object_get_string_member (root, "version");
      colon = version ? strchr (version, ':') : NULL;
      if (colon != NULL)
        version = colon + 1;
      else if (version != NULL && strchr (version, '/') != NULL)
        {
          /* "owner/name" only works for official models. */
          JsonObject *m = g_hash_table_lookup (self->models, version);

          if (m != NULL && json_object_has_member (m, "is_official") &&
              json_object_get_boolean_member (m, "is_official"))
            {
              name = g_strdup (version);
              model = m;
            }
          version = NULL;
          if (model == NULL)
            {
              send_invalid_version (msg);
              return;
            }
        }
      if (model == NULL)
        {
          const char *owner_name = version ? g_hash_table_lookup (self->versions, version) : NULL;

          if (owner_name == NULL)
            {
              send_invalid_version (msg);
              return;
            }
          name = g_strdup (owner_name);
          model = g_hash_table_lookup (self->models, name);
        }
    }

  if (input == NULL)
    {
      fields = json_array_new ();
      json_array_add_object_element (fields, invalid_field ("required", "", "input is required"));
      send_invalid_fields (msg, fields);
      return;
    }

  fields = validate_input (model_schema_root (model), input);
  if (json_array_get_length (fields) > 0)
    {
      send_invalid_fields (msg, fields);
      return;
    }

  p = g_new0 (FakePrediction, 1);
  p->id = fake_random_id (26);
  p->model = g_strdup (name);
  p->video = g_hash_table_contains (self->video_models, name);
  if (model_schema_root (model) != NULL)
    {
      JsonObject *latest = json_object_get_object_member (model, "latest_version");

      p->version = g_strdup (json_object_get_string_member (latest, "id"));
      p->schema_root = json_object_ref (model_schema_root (model));
    }
  else
    p->version = g_strdup ("hidden");
  if (version != NULL)
    {
      g_free (p->version);
      p->version = g_strdup (version);
    }
  p->input = json_object_ref (input);
  p->faults = g_ptr_array_ref (faults);
  p->created_us = g_get_monotonic_time ();
  p->created_real_us = g_get_real_time ();
  seconds = fake_faults_double (faults, "slow", p->video ? self->video_seconds : self->prediction_seconds);
  p->start_us = p->created_us + (gint64) (seconds * 0.25 * G_USEC_PER_SEC);
  p->end_us = p->created_us + (gint64) (seconds * G_USEC_PER_SEC);
  p->steps = json_object_has_member (input, "num_inference_steps")
               ? CLAMP ((int) json_object_get_int_member (input, "num_inference_steps"), 1, 500)
               : (p->video ? 30 : 20);
  p->seed = json_object_has_member (input, "seed") ? json_object_get_int_member (input, "seed")
                                                    : g_random_int_range (0, 65535);

  cancel_after = soup_message_headers_get_one (req, "Cancel-After");
  if (cancel_after != NULL && parse_duration (cancel_after) >= 0)
    p->deadline_us = p->created_us + (gint64) (parse_duration (cancel_after) * G_USEC_PER_SEC);

  p->server = self;
  webhook_setup (p, root);
  g_hash_table_insert (self->predictions, p->id, p);
  g_ptr_array_add (self->prediction_order, g_strdup (p->id));

  prefer = soup_message_headers_get_one (req, "Prefer");
  if (prefer != NULL && g_str_has_prefix (prefer, "wait"))
    {
      SoupMessageHeaders *resp = soup_server_message_get_response_headers (msg);
      double wait = 60;
      gint64 completed = 0;
      WaitData *wd;
      gint64 hold_us;

      if (prefer[4] == '=')
        wait = CLAMP (g_ascii_strtod (prefer + 5, NULL), 1, 60);
      soup_message_headers_replace (resp, "Preference-Applied", prefer);
      prediction_status (p, p->created_us, &completed);
      hold_us = MIN ((gint64) (wait * G_USEC_PER_SEC), completed - p->created_us + 20000);

      wd = g_new0 (WaitData, 1);
      wd->self = self;
      wd->msg = msg;
      wd->id = g_strdup (p->id);
          g_signal_connect (msg, "finished", G_CALLBACK (wait_msg_finished), wd);
      soup_server_message_pause (msg);
      wd->source = g_timeout_add ((guint) (MAX (hold_us, 0) / 1000), wait_done_cb, wd);
      return;
    }

  {
    g_autoptr(JsonObject) o = prediction_to_json (self, p, TRUE, FALSE);

    fake_send_json_object (msg, SOUP_STATUS_CREATED, "application/json; charset=utf-8", o);
  }
}

static void
handle_prediction_get (FakeServer        *self,
                       SoupServerMessage *msg,
                       const char        *id,
                       gboolean           cancel)
{
  FakePrediction *p = g_hash_table_lookup (self->predictions, id);
  g_autoptr(GPtrArray) faults = fake_collect_faults (self, msg, cancel ? "replicate-cancel" : "replicate-get", NULL);
  g_autoptr(JsonObject) o = NULL;

  if (apply_status_fault (msg, faults) || !take_token (self, msg, FALSE))
    return;
  if (p == NULL)
    {
      send_problem (msg, 404, NULL, "Not found.");
      return;
    }
  if (cancel)
    {
      gint64 now = g_get_monotonic_time ();
      gint64 completed = 0;
      Status status = prediction_status (p, now, &completed);

      /* Cancelling a finished prediction returns it unchanged. */
      if (status == ST_STARTING || status == ST_PROCESSING)
        p->canceled_us = now;
    }
  o = prediction_to_json (self, p, FALSE, FALSE);
  fake_send_json_object (msg, SOUP_STATUS_OK, "application/json", o);
}

static void
handle_prediction_list (FakeServer        *self,
                        SoupServerMessage *msg)
{
  guint offset = cursor_offset (msg);
  guint total = self->prediction_order->len;
  g_autoptr(JsonObject) page = page_new (self, "/v1/predictions", offset, PREDICTIONS_PAGE, total);
  JsonArray *results = json_array_new ();

  /* Newest first. */
  for (guint i = offset; i < total && i < offset + PREDICTIONS_PAGE; i++)
    {
      const char *id = g_ptr_array_index (self->prediction_order, total - 1 - i);
      FakePrediction *p = g_hash_table_lookup (self->predictions, id);

      if (p != NULL)
        json_array_add_object_element (results, prediction_to_json (self, p, FALSE, FALSE));
    }
  json_object_set_array_member (page, "results", results);
  fake_send_json_object (msg, SOUP_STATUS_OK, "application/json", page);
}

/* ---- collections and models -------------------------------------------- */

static void
handle_collections (FakeServer        *self,
                    SoupServerMessage *msg)
{
  guint offset = cursor_offset (msg);
  guint total = json_array_get_length (self->collections);
  g_autoptr(JsonObject) page = page_new (self, "/v1/collections", offset, COLLECTIONS_PAGE, total);
  JsonArray *results = json_array_new ();

  for (guint i = offset; i < total && i < offset + COLLECTIONS_PAGE; i++)
    json_array_add_element (results, json_node_copy (json_array_get_element (self->collections, i)));
  json_object_set_array_member (page, "results", results);
  soup_message_headers_replace (soup_server_message_get_response_headers (msg), "allow", "GET, HEAD, OPTIONS");
  fake_send_json_object (msg, SOUP_STATUS_OK, "application/json", page);
}

static void
handle_collection (FakeServer        *self,
                   SoupServerMessage *msg,
                   const char        *slug)
{
  JsonObject *body = g_hash_table_lookup (self->collection_bodies, slug);

  soup_message_headers_replace (soup_server_message_get_response_headers (msg), "allow", "GET, HEAD, OPTIONS");
  if (body != NULL)
    {
      fake_send_json_object (msg, SOUP_STATUS_OK, "application/json", body);
      return;
    }

  /* Listed collections without a recorded body are served empty. */
  for (guint i = 0; i < json_array_get_length (self->collections); i++)
    {
      JsonObject *c = json_array_get_object_element (self->collections, i);

      if (g_str_equal (json_object_get_string_member (c, "slug"), slug))
        {
          g_autoptr(JsonObject) copy = json_object_new ();

          json_object_set_string_member (copy, "name", json_object_get_string_member (c, "name"));
          json_object_set_string_member (copy, "slug", slug);
          json_object_set_string_member (copy, "description", json_object_get_string_member (c, "description"));
          json_object_set_array_member (copy, "models", json_array_new ());
          fake_send_json_object (msg, SOUP_STATUS_OK, "application/json", copy);
          return;
        }
    }
  send_problem (msg, 404, NULL, "Not found.");
}

/* GET /v1/models is both Replicate's model list and OpenAI's: the answer
 * carries both shapes (Replicate "results"/"next", OpenAI "object"/"data");
 * each client ignores the other's members. */
static void
handle_models_list (FakeServer        *self,
                    SoupServerMessage *msg)
{
  static const char *openai_models[] = { "gpt-4o", "gpt-4o-mini", "gpt-4.1", "o4-mini", NULL };
  guint offset = cursor_offset (msg);
  guint total = self->model_order->len;
  g_autoptr(JsonObject) page = page_new (self, "/v1/models", offset, MODELS_PAGE, total);
  JsonArray *results = json_array_new ();
  JsonArray *data = json_array_new ();

  for (guint i = offset; i < total && i < offset + MODELS_PAGE; i++)
    json_array_add_object_element (results,
                                   json_object_ref (g_hash_table_lookup (self->models,
                                                                         g_ptr_array_index (self->model_order, i))));
  json_object_set_array_member (page, "results", results);

  for (guint i = 0; openai_models[i] != NULL; i++)
    {
      JsonObject *m = json_object_new ();

      json_object_set_string_member (m, "id", openai_models[i]);
      json_object_set_string_member (m, "object", "model");
      json_object_set_int_member (m, "created", 1715367049 + i);
      json_object_set_string_member (m, "owned_by", "system");
      json_array_add_object_element (data, m);
    }
  json_object_set_string_member (page, "object", "list");
  json_object_set_array_member (page, "data", data);
  fake_send_json_object (msg, SOUP_STATUS_OK, "application/json", page);
}

static void
handle_model (FakeServer        *self,
              SoupServerMessage *msg,
              const char        *name,
              const char        *version)
{
  JsonObject *model = g_hash_table_lookup (self->models, name);
  JsonObject *latest;

  if (model == NULL)
    {
      send_problem (msg, 404, NULL, "Not found.");
      return;
    }
  if (version == NULL)
    {
      fake_send_json_object (msg, SOUP_STATUS_OK, "application/json", model);
      return;
    }

  latest = model_schema_root (model) ? json_object_get_object_member (model, "latest_version") : NULL;
  if (g_str_equal (version, "") && latest != NULL)
    {
      /* GET .../versions: a one-page list. */
      g_autoptr(JsonObject) page = page_new (self, "", 0, 1, 1);
      JsonArray *results = json_array_new ();

      json_array_add_object_element (results, json_object_ref (latest));
      json_object_set_array_member (page, "results", results);
      fake_send_json_object (msg, SOUP_STATUS_OK, "application/json", page);
      return;
    }
  if (latest != NULL && g_str_equal (json_object_get_string_member (latest, "id"), version))
    {
      fake_send_json_object (msg, SOUP_STATUS_OK, "application/json", latest);
      return;
    }
  send_problem (msg, 404, NULL, "Not found.");
}

/* ---- Files API --------------------------------------------------------- */

static JsonObject *
file_object (FakeServer *self,
             const char *id,
             const char *name,
             const char *content_type,
             GBytes     *bytes,
             JsonNode   *metadata)
{
  JsonObject *o = json_object_new ();
  JsonObject *checksums = json_object_new ();
  JsonObject *urls = json_object_new ();
  gint64 now = g_get_real_time ();
  g_autofree char *created = fake_timestamp (now);
  g_autofree char *expires = fake_timestamp (now + 24 * G_TIME_SPAN_HOUR);
  g_autofree char *sha = g_compute_checksum_for_bytes (G_CHECKSUM_SHA256, bytes);
  g_autofree char *md5 = g_compute_checksum_for_bytes (G_CHECKSUM_MD5, bytes);
  g_autofree char *get = g_strdup_printf ("%s/v1/files/%s", self->base_url, id);

  json_object_set_string_member (o, "id", id);
  json_object_set_string_member (o, "name", name);
  json_object_set_string_member (o, "content_type", content_type);
  json_object_set_int_member (o, "size", g_bytes_get_size (bytes));
  json_object_set_string_member (o, "etag", md5);
  json_object_set_string_member (checksums, "sha256", sha);
  json_object_set_string_member (checksums, "md5", md5);
  json_object_set_object_member (o, "checksums", checksums);
  if (metadata != NULL && JSON_NODE_HOLDS_OBJECT (metadata))
    json_object_set_member (o, "metadata", json_node_copy (metadata));
  else
    json_object_set_object_member (o, "metadata", json_object_new ());
  json_object_set_string_member (o, "created_at", created);
  json_object_set_string_member (o, "expires_at", expires);
  json_object_set_string_member (urls, "get", get);
  json_object_set_object_member (o, "urls", urls);
  return o;
}

static void
handle_file_upload (FakeServer        *self,
                    SoupServerMessage *msg)
{
  SoupMessageHeaders *req = soup_server_message_get_request_headers (msg);
  g_autoptr(GBytes) body = soup_message_body_flatten (soup_server_message_get_request_body (msg));
  g_autoptr(SoupMultipart) multipart = soup_multipart_new_from_message (req, body);
  g_autofree char *filename = NULL;
  g_autofree char *type = NULL;
  g_autoptr(GBytes) content = NULL;
  g_autoptr(JsonNode) metadata = NULL;
  g_autofree char *raw_id = NULL;
  g_autofree char *id = NULL;
  JsonObject *o;

  if (multipart == NULL)
    {
      send_problem (msg, 400, "Bad request", "Expected multipart/form-data with a \"content\" part.");
      return;
    }
  for (int i = 0; i < soup_multipart_get_length (multipart); i++)
    {
      SoupMessageHeaders *ph = NULL;
      GBytes *pb = NULL;
      g_autoptr(GHashTable) params = NULL;
      g_autofree char *disposition = NULL;
      const char *part_name;

      soup_multipart_get_part (multipart, i, &ph, &pb);
      if (!soup_message_headers_get_content_disposition (ph, &disposition, &params))
        continue;
      part_name = g_hash_table_lookup (params, "name");
      if (g_strcmp0 (part_name, "content") == 0)
        {
          content = g_bytes_ref (pb);
          if (filename == NULL && g_hash_table_lookup (params, "filename"))
            filename = g_strdup (g_hash_table_lookup (params, "filename"));
          if (type == NULL && soup_message_headers_get_content_type (ph, NULL))
            type = g_strdup (soup_message_headers_get_content_type (ph, NULL));
        }
      else if (g_strcmp0 (part_name, "filename") == 0)
        {
          g_free (filename);
          filename = g_strndup (g_bytes_get_data (pb, NULL), g_bytes_get_size (pb));
        }
      else if (g_strcmp0 (part_name, "type") == 0)
        {
          g_free (type);
          type = g_strndup (g_bytes_get_data (pb, NULL), g_bytes_get_size (pb));
        }
      else if (g_strcmp0 (part_name, "metadata") == 0)
        {
          g_autofree char *text = g_strndup (g_bytes_get_data (pb, NULL), g_bytes_get_size (pb));

          g_clear_pointer (&metadata, json_node_unref);
          metadata = json_from_string (text, NULL);
        }
    }
  if (content == NULL)
    {
      g_autoptr(JsonArray) fields = json_array_new ();

      json_array_add_object_element (fields, invalid_field ("required", "content", "content is required"));
      send_invalid_fields (msg, fields);
      return;
    }

  raw_id = fake_random_id (36);
  id = g_base64_encode ((const guchar *) raw_id, strlen (raw_id));
  o = file_object (self, id, filename ? filename : "file", type ? type : "application/octet-stream",
                   content, metadata);
  g_hash_table_insert (self->uploads, g_strdup (id), o);
  g_hash_table_insert (self->upload_bytes, g_strdup (id), g_bytes_ref (content));
  fake_send_json_object (msg, SOUP_STATUS_CREATED, "application/json", o);
}

static void
handle_files (FakeServer        *self,
              SoupServerMessage *msg,
              const char        *id)
{
  const char *method = soup_server_message_get_method (msg);

  if (id == NULL && g_str_equal (method, "POST"))
    handle_file_upload (self, msg);
  else if (id == NULL && g_str_equal (method, "GET"))
    {
      g_autoptr(JsonObject) page = page_new (self, "/v1/files", 0, 100, 0);
      JsonArray *results = json_array_new ();
      GHashTableIter iter;
      gpointer value;

      g_hash_table_iter_init (&iter, self->uploads);
      while (g_hash_table_iter_next (&iter, NULL, &value))
        json_array_add_object_element (results, json_object_ref (value));
      json_object_set_array_member (page, "results", results);
      fake_send_json_object (msg, SOUP_STATUS_OK, "application/json", page);
    }
  else if (id != NULL && !g_hash_table_contains (self->uploads, id))
    send_problem (msg, 404, NULL, "Not found.");
  else if (g_str_equal (method, "DELETE"))
    {
      g_hash_table_remove (self->uploads, id);
      g_hash_table_remove (self->upload_bytes, id);
      soup_server_message_set_status (msg, SOUP_STATUS_NO_CONTENT, NULL);
    }
  else if (g_str_equal (method, "GET"))
    fake_send_json_object (msg, SOUP_STATUS_OK, "application/json", g_hash_table_lookup (self->uploads, id));
  else
    send_problem (msg, 405, NULL, "Method not allowed.");
}

/* ---- routing ----------------------------------------------------------- */

gboolean
fake_replicate_handle (FakeServer        *self,
                       SoupServerMessage *msg,
                       const char        *path)
{
  const char *method = soup_server_message_get_method (msg);
  g_auto(GStrv) seg = NULL;
  guint n;
  g_autoptr(GPtrArray) faults = NULL;

  if (!g_str_has_prefix (path, "/v1/"))
    return FALSE;

  seg = g_strsplit (path + 4, "/", -1);
  n = g_strv_length (seg);
  if (n > 0 && *seg[n - 1] == '\0')
    {
      g_free (seg[n - 1]);
      seg[n - 1] = NULL;
      n--;
    }

  if (!check_auth (self, msg))
    return TRUE;

  if (n >= 1 && g_str_equal (seg[0], "predictions"))
    {
      if (n == 1 && g_str_equal (method, "POST"))
        handle_create (self, msg, NULL);
      else if (n == 1 && g_str_equal (method, "GET"))
        handle_prediction_list (self, msg);
      else if (n == 2 && g_str_equal (method, "GET"))
        handle_prediction_get (self, msg, seg[1], FALSE);
      else if (n == 3 && g_str_equal (seg[2], "cancel") && g_str_equal (method, "POST"))
        handle_prediction_get (self, msg, seg[1], TRUE);
      else
        send_problem (msg, 404, NULL, "Not found.");
      return TRUE;
    }

  if (n == 4 && g_str_equal (seg[0], "models") && g_str_equal (seg[3], "predictions") &&
      g_str_equal (method, "POST"))
    {
      g_autofree char *name = g_strdup_printf ("%s/%s", seg[1], seg[2]);

      handle_create (self, msg, name);
      return TRUE;
    }

  /* Everything else shares the "other" bucket and the route's faults. */
  faults = fake_collect_faults (self, msg,
                                g_str_equal (seg[0] ? seg[0] : "", "collections") ? "replicate-collections" :
                                g_str_equal (seg[0] ? seg[0] : "", "files") ? "replicate-files" :
                                "replicate-models",
                                NULL);
  if (apply_status_fault (msg, faults) || !take_token (self, msg, FALSE))
    return TRUE;

  if (n == 1 && g_str_equal (seg[0], "collections"))
    handle_collections (self, msg);
  else if (n == 2 && g_str_equal (seg[0], "collections"))
    handle_collection (self, msg, seg[1]);
  else if (n == 1 && g_str_equal (seg[0], "models"))
    handle_models_list (self, msg);
  else if (n == 3 && g_str_equal (seg[0], "models"))
    {
      g_autofree char *name = g_strdup_printf ("%s/%s", seg[1], seg[2]);

      handle_model (self, msg, name, NULL);
    }
  else if ((n == 4 || n == 5) && g_str_equal (seg[0], "models") && g_str_equal (seg[3], "versions"))
    {
      g_autofree char *name = g_strdup_printf ("%s/%s", seg[1], seg[2]);

      handle_model (self, msg, name, n == 5 ? seg[4] : "");
    }
  else if (n >= 1 && n <= 2 && g_str_equal (seg[0], "files"))
    handle_files (self, msg, n == 2 ? seg[1] : NULL);
  else if (n == 3 && g_str_equal (seg[0], "webhooks") && g_str_equal (seg[2], "secret"))
    fake_send_text (msg, SOUP_STATUS_OK, "application/json", "{\"key\":\"whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw\"}");
  else if (n == 1 && g_str_equal (seg[0], "account"))
    fake_send_text (msg, SOUP_STATUS_OK, "application/json",
                    "{\"type\":\"user\",\"username\":\"fake-user\",\"name\":\"Fake User\",\"github_url\":null}");
  else
    send_problem (msg, 404, NULL, "Not found.");
  return TRUE;
}

/* /files/out/<prediction>/<name> and /files/delivery/<host>/<path> */
gboolean
fake_files_handle (FakeServer        *self,
                   SoupServerMessage *msg,
                   const char        *path)
{
  g_autoptr(GPtrArray) faults = NULL;
  g_auto(GStrv) seg = NULL;
  const char *ext;

  if (!g_str_has_prefix (path, "/files/"))
    return FALSE;

  seg = g_strsplit (path + 7, "/", 3);
  ext = strrchr (path, '.');
  ext = ext ? ext + 1 : "";

  if (g_strv_length (seg) == 3 && g_str_equal (seg[0], "out"))
    {
      FakePrediction *p = g_hash_table_lookup (self->predictions, seg[1]);
      gint64 completed = 0;
      int index = 0;
      FakeMedia *media;

      faults = fake_collect_faults (self, msg, "files", NULL);
      if (p == NULL)
        {
          fake_send_text (msg, SOUP_STATUS_NOT_FOUND, "text/plain", "Not Found\n");
          return TRUE;
        }
      /* The prediction's own download faults come along. */
      for (guint i = 0; i < p->faults->len; i++)
        {
          FakeFault *f = g_ptr_array_index (p->faults, i);

          if (g_str_equal (f->name, "truncate"))
            g_ptr_array_add (faults, fake_fault_parse ("truncate"));
          else if (g_str_equal (f->name, "slow-download"))
            {
              g_autofree char *t = g_strdup_printf ("slow=%s", f->value ? f->value : "3");

              g_ptr_array_add (faults, fake_fault_parse (t));
            }
          else if (g_str_equal (f->name, "expire") && f->value == NULL)
            g_ptr_array_add (faults, fake_fault_parse ("expire"));
        }
      if (apply_status_fault (msg, faults))
        return TRUE;
      if (prediction_status (p, g_get_monotonic_time (), &completed) != ST_SUCCEEDED)
        {
          fake_send_text (msg, SOUP_STATUS_NOT_FOUND, "text/plain", "Not Found\n");
          return TRUE;
        }
      if (fake_faults_has (faults, "expire") || prediction_removed (self, p, g_get_monotonic_time ()))
        {
          fake_send_text (msg, SOUP_STATUS_GONE, "text/plain", "This file has expired and was removed.\n");
          return TRUE;
        }
      sscanf (seg[2], "out-%d", &index);
      media = prediction_media (self, p, index);
      if (media == NULL)
        fake_send_text (msg, SOUP_STATUS_INTERNAL_SERVER_ERROR, "text/plain", "no media\n");
      else
        fake_send_bytes (self, msg, media->bytes, media->content_type, faults);
      return TRUE;
    }

  faults = fake_collect_faults (self, msg, "files", NULL);
  if (apply_status_fault (msg, faults))
    return TRUE;
  if (fake_faults_has (faults, "expire"))
    {
      fake_send_text (msg, SOUP_STATUS_GONE, "text/plain", "This file has expired and was removed.\n");
      return TRUE;
    }

  /* Any other path (rewritten replicate.delivery URLs, covers) is drawn
   * from its own name, small, so clients can show thumbnails. */
  {
    FakeMedia *media = g_hash_table_lookup (self->media_cache, path);

    if (media == NULL)
      {
        const char *content_type = NULL;
        GBytes *bytes;

        if (g_str_equal (ext, "mp4") || g_str_equal (ext, "webm"))
          bytes = fake_media_load_video (self, ext, &content_type);
        else
          bytes = fake_media_render_image (path, 0, 256, 256,
                                           g_str_equal (ext, "webp") ? "webp" :
                                           (g_str_equal (ext, "jpg") || g_str_equal (ext, "jpeg")) ? "jpg" : "png",
                                           &content_type);
        if (bytes == NULL)
          {
            fake_send_text (msg, SOUP_STATUS_NOT_FOUND, "text/plain", "Not Found\n");
            return TRUE;
          }
        media = g_new0 (FakeMedia, 1);
        media->bytes = bytes;
        media->content_type = g_strdup (content_type);
        g_hash_table_insert (self->media_cache, g_strdup (path), media);
      }
    fake_send_bytes (self, msg, media->bytes, media->content_type, faults);
  }
  return TRUE;
}
