/* sb-replicate-client.c
 *
 * Copyright 2026 The Storyboard authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "sb-providers"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "sb-replicate-client.h"
#include "sb-json.h"

#define KIND SB_PROVIDER_REPLICATE
#define MAX_PAGES 50

/* ---- JSON helpers ------------------------------------------------------ */

static GDateTime *
get_time (JsonObject *object,
          const char *member)
{
  const char *text = sb_json_get_string (object, member);

  if (text == NULL)
    return NULL;

  return g_date_time_new_from_iso8601 (text, NULL);
}

static GError *
bad_response (const char *what)
{
  return sb_provider_error_new (KIND, SB_PROVIDER_ERROR_BAD_RESPONSE, what);
}

/* ---- Predictions ------------------------------------------------------- */

static const char *status_names[] = {
  "starting", "processing", "succeeded", "failed", "canceled", "aborted", "unknown",
};

SbPredictionStatus
sb_prediction_status_from_string (const char *text)
{
  if (text == NULL)
    return SB_PREDICTION_UNKNOWN;

  for (guint i = 0; i < G_N_ELEMENTS (status_names) - 1; i++)
    if (g_str_equal (text, status_names[i]))
      return i;

  /* The API once said "cancelled" in places; accept both spellings. */
  if (g_str_equal (text, "cancelled"))
    return SB_PREDICTION_CANCELED;

  return SB_PREDICTION_UNKNOWN;
}

const char *
sb_prediction_status_to_string (SbPredictionStatus status)
{
  g_return_val_if_fail (status <= SB_PREDICTION_UNKNOWN, NULL);

  return status_names[status];
}

gboolean
sb_prediction_status_is_terminal (SbPredictionStatus status)
{
  return status == SB_PREDICTION_SUCCEEDED ||
         status == SB_PREDICTION_FAILED ||
         status == SB_PREDICTION_CANCELED ||
         status == SB_PREDICTION_ABORTED;
}

static gboolean
is_file_url (const char *text)
{
  return g_ascii_strncasecmp (text, "https://", 8) == 0 ||
         g_ascii_strncasecmp (text, "http://", 7) == 0 ||
         g_ascii_strncasecmp (text, "data:", 5) == 0;
}

static void
collect_urls (JsonNode     *node,
              GStrvBuilder *builder,
              guint         depth)
{
  if (node == NULL || depth > 16)
    return;

  switch (json_node_get_node_type (node))
    {
    case JSON_NODE_VALUE:
      if (json_node_get_value_type (node) == G_TYPE_STRING &&
          is_file_url (json_node_get_string (node)))
        g_strv_builder_add (builder, json_node_get_string (node));
      break;

    case JSON_NODE_ARRAY:
      {
        JsonArray *array = json_node_get_array (node);

        for (guint i = 0; i < json_array_get_length (array); i++)
          collect_urls (json_array_get_element (array, i), builder, depth + 1);
      }
      break;

    case JSON_NODE_OBJECT:
      {
        JsonObject *object = json_node_get_object (node);
        g_autoptr(GList) members = json_object_get_members (object);

        for (const GList *l = members; l; l = l->next)
          collect_urls (json_object_get_member (object, l->data), builder, depth + 1);
      }
      break;

    case JSON_NODE_NULL:
    default:
      break;
    }
}

char **
sb_replicate_normalize_output (JsonNode *output)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();

  collect_urls (output, builder, 0);

  return g_strv_builder_end (builder);
}

G_DEFINE_BOXED_TYPE (SbPrediction, sb_prediction, sb_prediction_copy, sb_prediction_free)

void
sb_prediction_free (SbPrediction *self)
{
  if (self == NULL)
    return;

  g_free (self->id);
  g_free (self->model);
  g_free (self->version);
  g_free (self->error);
  g_free (self->logs);
  g_strfreev (self->outputs);
  g_clear_pointer (&self->output, json_node_unref);
  g_free (self->url_get);
  g_free (self->url_cancel);
  g_free (self->url_stream);
  g_free (self->url_web);
  g_clear_pointer (&self->created_at, g_date_time_unref);
  g_clear_pointer (&self->started_at, g_date_time_unref);
  g_clear_pointer (&self->completed_at, g_date_time_unref);
  g_free (self);
}

SbPrediction *
sb_prediction_copy (SbPrediction *self)
{
  SbPrediction *copy;

  g_return_val_if_fail (self != NULL, NULL);

  copy = g_new0 (SbPrediction, 1);
  copy->id = g_strdup (self->id);
  copy->model = g_strdup (self->model);
  copy->version = g_strdup (self->version);
  copy->status = self->status;
  copy->error = g_strdup (self->error);
  copy->logs = g_strdup (self->logs);
  copy->outputs = g_strdupv (self->outputs);
  copy->output = self->output ? json_node_copy (self->output) : NULL;
  copy->url_get = g_strdup (self->url_get);
  copy->url_cancel = g_strdup (self->url_cancel);
  copy->url_stream = g_strdup (self->url_stream);
  copy->url_web = g_strdup (self->url_web);
  copy->created_at = self->created_at ? g_date_time_ref (self->created_at) : NULL;
  copy->started_at = self->started_at ? g_date_time_ref (self->started_at) : NULL;
  copy->completed_at = self->completed_at ? g_date_time_ref (self->completed_at) : NULL;
  copy->predict_time = self->predict_time;
  copy->data_removed = self->data_removed;

  return copy;
}

SbPrediction *
sb_prediction_new_from_json (JsonNode  *node,
                             GError   **error)
{
  g_autoptr(SbPrediction) self = NULL;
  JsonObject *object;
  JsonObject *urls;
  JsonObject *metrics;
  JsonNode *member;

  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    {
      g_propagate_error (error, bad_response (_("a prediction is not an object")));
      return NULL;
    }

  object = json_node_get_object (node);
  if (sb_json_get_string (object, "id") == NULL)
    {
      g_propagate_error (error, bad_response (_("a prediction has no id")));
      return NULL;
    }

  self = g_new0 (SbPrediction, 1);
  self->id = g_strdup (sb_json_get_string (object, "id"));
  self->model = g_strdup (sb_json_get_string (object, "model"));
  self->version = g_strdup (sb_json_get_string (object, "version"));
  self->status = sb_prediction_status_from_string (sb_json_get_string (object, "status"));
  self->error = g_strdup (sb_json_get_string (object, "error"));
  self->logs = g_strdup (sb_json_get_string (object, "logs"));

  member = json_object_get_member (object, "error");
  if (self->error == NULL && member != NULL && JSON_NODE_HOLDS_OBJECT (member))
    self->error = g_strdup (sb_json_get_string (json_node_get_object (member), "detail"));

  member = json_object_get_member (object, "output");
  if (member != NULL && !JSON_NODE_HOLDS_NULL (member))
    self->output = json_node_copy (member);
  self->outputs = sb_replicate_normalize_output (self->output);

  urls = sb_json_get_object (object, "urls");
  self->url_get = g_strdup (sb_json_get_string (urls, "get"));
  self->url_cancel = g_strdup (sb_json_get_string (urls, "cancel"));
  self->url_stream = g_strdup (sb_json_get_string (urls, "stream"));
  self->url_web = g_strdup (sb_json_get_string (urls, "web"));

  self->created_at = get_time (object, "created_at");
  self->started_at = get_time (object, "started_at");
  self->completed_at = get_time (object, "completed_at");

  self->predict_time = -1;
  metrics = sb_json_get_object (object, "metrics");
  if (metrics != NULL && json_object_has_member (metrics, "predict_time"))
    {
      JsonNode *value = json_object_get_member (metrics, "predict_time");

      if (JSON_NODE_HOLDS_VALUE (value) &&
          (json_node_get_value_type (value) == G_TYPE_DOUBLE ||
           json_node_get_value_type (value) == G_TYPE_INT64))
        self->predict_time = json_node_get_double (value);
    }

  member = json_object_get_member (object, "data_removed");
  if (member != NULL && JSON_NODE_HOLDS_VALUE (member) &&
      json_node_get_value_type (member) == G_TYPE_BOOLEAN)
    self->data_removed = json_node_get_boolean (member);

  return g_steal_pointer (&self);
}

int
sb_prediction_get_progress (SbPrediction *self)
{
  static GRegex *regex;
  g_auto(GStrv) lines = NULL;

  g_return_val_if_fail (self != NULL, -1);

  if (self->status == SB_PREDICTION_SUCCEEDED)
    return 100;

  if (self->logs == NULL)
    return -1;

  if (g_once_init_enter (&regex))
    g_once_init_leave (&regex, g_regex_new ("^\\s*(\\d+)%\\s*\\|.+?\\|\\s*(\\d+)\\/(\\d+)",
                                            G_REGEX_OPTIMIZE, 0, NULL));

  /* tqdm redraws with '\r'; look at the last matching piece. */
  lines = g_regex_split_simple ("[\\r\\n]", self->logs, 0, 0);
  for (int i = (int) g_strv_length (lines) - 1; i >= 0; i--)
    {
      g_autoptr(GMatchInfo) match = NULL;

      if (g_regex_match (regex, lines[i], 0, &match))
        {
          g_autofree char *percent = g_match_info_fetch (match, 1);
          return CLAMP ((int) g_ascii_strtoll (percent, NULL, 10), 0, 100);
        }
    }

  return -1;
}

char *
sb_prediction_dup_text (SbPrediction *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  if (self->output == NULL)
    return NULL;

  if (JSON_NODE_HOLDS_VALUE (self->output) &&
      json_node_get_value_type (self->output) == G_TYPE_STRING)
    return g_strdup (json_node_get_string (self->output));

  if (JSON_NODE_HOLDS_ARRAY (self->output))
    {
      JsonArray *array = json_node_get_array (self->output);
      GString *text = g_string_new (NULL);

      for (guint i = 0; i < json_array_get_length (array); i++)
        {
          JsonNode *item = json_array_get_element (array, i);

          if (JSON_NODE_HOLDS_VALUE (item) && json_node_get_value_type (item) == G_TYPE_STRING)
            g_string_append (text, json_node_get_string (item));
        }

      return g_string_free (text, FALSE);
    }

  return NULL;
}

gboolean
sb_prediction_check (SbPrediction  *self,
                     GError       **error)
{
  g_return_val_if_fail (self != NULL, FALSE);

  switch (self->status)
    {
    case SB_PREDICTION_FAILED:
      g_propagate_error (error, sb_provider_error_new (KIND, SB_PROVIDER_ERROR_FAILED,
                                                       self->error ? self->error : NULL));
      return FALSE;

    case SB_PREDICTION_CANCELED:
      g_propagate_error (error, sb_provider_error_new (KIND, SB_PROVIDER_ERROR_FAILED,
                                                       _("it was canceled")));
      return FALSE;

    case SB_PREDICTION_ABORTED:
      g_propagate_error (error, sb_provider_error_new (KIND, SB_PROVIDER_ERROR_FAILED,
                                                       _("it did not start before its deadline")));
      return FALSE;

    case SB_PREDICTION_STARTING:
    case SB_PREDICTION_PROCESSING:
    case SB_PREDICTION_SUCCEEDED:
    case SB_PREDICTION_UNKNOWN:
    default:
      return TRUE;
    }
}

/* ---- Models and collections -------------------------------------------- */

G_DEFINE_BOXED_TYPE (SbReplicateModel, sb_replicate_model, sb_replicate_model_copy, sb_replicate_model_free)

void
sb_replicate_model_free (SbReplicateModel *self)
{
  if (self == NULL)
    return;

  g_free (self->owner);
  g_free (self->name);
  g_free (self->description);
  g_free (self->url);
  g_free (self->cover_image_url);
  g_free (self->visibility);
  g_free (self->latest_version_id);
  g_clear_pointer (&self->openapi_schema, json_node_unref);
  g_free (self);
}

SbReplicateModel *
sb_replicate_model_copy (SbReplicateModel *self)
{
  SbReplicateModel *copy;

  g_return_val_if_fail (self != NULL, NULL);

  copy = g_new0 (SbReplicateModel, 1);
  copy->owner = g_strdup (self->owner);
  copy->name = g_strdup (self->name);
  copy->description = g_strdup (self->description);
  copy->url = g_strdup (self->url);
  copy->cover_image_url = g_strdup (self->cover_image_url);
  copy->visibility = g_strdup (self->visibility);
  copy->run_count = self->run_count;
  copy->is_official = self->is_official;
  copy->latest_version_id = g_strdup (self->latest_version_id);
  copy->openapi_schema = self->openapi_schema ? json_node_ref (self->openapi_schema) : NULL;

  return copy;
}

SbReplicateModel *
sb_replicate_model_new_from_json (JsonNode  *node,
                                  GError   **error)
{
  SbReplicateModel *self;
  JsonObject *object;
  JsonObject *latest;
  JsonNode *member;

  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    {
      g_propagate_error (error, bad_response (_("a model is not an object")));
      return NULL;
    }

  object = json_node_get_object (node);
  if (sb_json_get_string (object, "owner") == NULL || sb_json_get_string (object, "name") == NULL)
    {
      g_propagate_error (error, bad_response (_("a model has no name")));
      return NULL;
    }

  self = g_new0 (SbReplicateModel, 1);
  self->owner = g_strdup (sb_json_get_string (object, "owner"));
  self->name = g_strdup (sb_json_get_string (object, "name"));
  self->description = g_strdup (sb_json_get_string (object, "description"));
  self->url = g_strdup (sb_json_get_string (object, "url"));
  self->cover_image_url = g_strdup (sb_json_get_string (object, "cover_image_url"));
  self->visibility = g_strdup (sb_json_get_string (object, "visibility"));

  member = json_object_get_member (object, "run_count");
  if (member != NULL && JSON_NODE_HOLDS_VALUE (member) &&
      json_node_get_value_type (member) == G_TYPE_INT64)
    self->run_count = json_node_get_int (member);

  member = json_object_get_member (object, "is_official");
  if (member != NULL && JSON_NODE_HOLDS_VALUE (member) &&
      json_node_get_value_type (member) == G_TYPE_BOOLEAN)
    self->is_official = json_node_get_boolean (member);

  latest = sb_json_get_object (object, "latest_version");
  if (latest != NULL)
    {
      self->latest_version_id = g_strdup (sb_json_get_string (latest, "id"));
      member = json_object_get_member (latest, "openapi_schema");
      if (member != NULL && JSON_NODE_HOLDS_OBJECT (member))
        self->openapi_schema = json_node_copy (member);
    }

  return self;
}

GPtrArray *
sb_replicate_model_parse_params (SbReplicateModel  *self,
                                 GError           **error)
{
  g_return_val_if_fail (self != NULL, NULL);

  return sb_model_schema_parse (self->openapi_schema, error);
}

G_DEFINE_BOXED_TYPE (SbReplicateCollection, sb_replicate_collection,
                     sb_replicate_collection_copy, sb_replicate_collection_free)

void
sb_replicate_collection_free (SbReplicateCollection *self)
{
  if (self == NULL)
    return;

  g_free (self->slug);
  g_free (self->name);
  g_free (self->description);
  g_clear_pointer (&self->models, g_ptr_array_unref);
  g_free (self);
}

SbReplicateCollection *
sb_replicate_collection_copy (SbReplicateCollection *self)
{
  SbReplicateCollection *copy;

  g_return_val_if_fail (self != NULL, NULL);

  copy = g_new0 (SbReplicateCollection, 1);
  copy->slug = g_strdup (self->slug);
  copy->name = g_strdup (self->name);
  copy->description = g_strdup (self->description);
  copy->models = g_ptr_array_copy (self->models, (GCopyFunc) sb_replicate_model_copy, NULL);
  g_ptr_array_set_free_func (copy->models, (GDestroyNotify) sb_replicate_model_free);

  return copy;
}

SbReplicateCollection *
sb_replicate_collection_new_from_json (JsonNode  *node,
                                       GError   **error)
{
  g_autoptr(SbReplicateCollection) self = NULL;
  JsonObject *object;
  JsonNode *models;

  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    {
      g_propagate_error (error, bad_response (_("a collection is not an object")));
      return NULL;
    }

  object = json_node_get_object (node);
  if (sb_json_get_string (object, "slug") == NULL)
    {
      g_propagate_error (error, bad_response (_("a collection has no slug")));
      return NULL;
    }

  self = g_new0 (SbReplicateCollection, 1);
  self->slug = g_strdup (sb_json_get_string (object, "slug"));
  self->name = g_strdup (sb_json_get_string (object, "name"));
  self->description = g_strdup (sb_json_get_string (object, "description"));
  self->models = g_ptr_array_new_with_free_func ((GDestroyNotify) sb_replicate_model_free);

  models = json_object_get_member (object, "models");
  if (models != NULL && JSON_NODE_HOLDS_ARRAY (models))
    {
      JsonArray *array = json_node_get_array (models);

      for (guint i = 0; i < json_array_get_length (array); i++)
        {
          g_autoptr(GError) local_error = NULL;
          SbReplicateModel *model;

          model = sb_replicate_model_new_from_json (json_array_get_element (array, i), &local_error);
          if (model == NULL)
            {
              /* One odd model must not hide the others. */
              g_debug ("Skipping a model of %s: %s", self->slug, local_error->message);
              continue;
            }
          g_ptr_array_add (self->models, model);
        }
    }

  return g_steal_pointer (&self);
}

JsonArray *
sb_replicate_parse_page (JsonNode  *node,
                         char     **out_next,
                         GError   **error)
{
  JsonObject *object;
  JsonNode *results;

  if (out_next != NULL)
    *out_next = NULL;

  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    {
      g_propagate_error (error, bad_response (_("a page is not an object")));
      return NULL;
    }

  object = json_node_get_object (node);
  results = json_object_get_member (object, "results");
  if (results == NULL || !JSON_NODE_HOLDS_ARRAY (results))
    {
      g_propagate_error (error, bad_response (_("a page has no results")));
      return NULL;
    }

  if (out_next != NULL)
    *out_next = g_strdup (sb_json_get_string (object, "next"));

  return json_node_get_array (results);
}

/* ---- The client -------------------------------------------------------- */

struct _SbReplicateClient
{
  GObject parent_instance;

  /* Owned */
  SbHttp *http;
  char   *api_key;
};

G_DEFINE_FINAL_TYPE (SbReplicateClient, sb_replicate_client, G_TYPE_OBJECT)

static void
sb_replicate_client_finalize (GObject *object)
{
  SbReplicateClient *self = SB_REPLICATE_CLIENT (object);

  g_clear_object (&self->http);
  if (self->api_key != NULL)
    memset (self->api_key, 0, strlen (self->api_key));
  g_clear_pointer (&self->api_key, g_free);

  G_OBJECT_CLASS (sb_replicate_client_parent_class)->finalize (object);
}

static void
sb_replicate_client_class_init (SbReplicateClientClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = sb_replicate_client_finalize;
}

static void
sb_replicate_client_init (SbReplicateClient *self)
{
}

SbReplicateClient *
sb_replicate_client_new (SbHttp *http)
{
  SbReplicateClient *self;

  g_return_val_if_fail (!http || SB_IS_HTTP (http), NULL);

  self = g_object_new (SB_TYPE_REPLICATE_CLIENT, NULL);
  self->http = g_object_ref (http ? http : sb_http_get_default ());

  return self;
}

SbHttp *
sb_replicate_client_get_http (SbReplicateClient *self)
{
  g_return_val_if_fail (SB_IS_REPLICATE_CLIENT (self), NULL);

  return self->http;
}

void
sb_replicate_client_set_api_key (SbReplicateClient *self,
                                 const char        *api_key)
{
  g_return_if_fail (SB_IS_REPLICATE_CLIENT (self));

  if (self->api_key != NULL)
    memset (self->api_key, 0, strlen (self->api_key));
  g_free (self->api_key);
  self->api_key = (api_key && *api_key) ? g_strdup (api_key) : NULL;
}

gboolean
sb_replicate_client_has_api_key (SbReplicateClient *self)
{
  g_return_val_if_fail (SB_IS_REPLICATE_CLIENT (self), FALSE);

  return self->api_key != NULL;
}

static char *
build_url (SbReplicateClient *self,
           const char        *path)
{
  return sb_provider_config_build_url (sb_http_get_config (self->http), KIND, path);
}

static SbHttpRequest *
new_request (SbReplicateClient *self,
             const char        *method,
             const char        *url)
{
  SbHttpRequest *request = sb_http_request_new (KIND, method, url);

  sb_http_request_set_api_key (request, self->api_key);
  return request;
}

typedef gpointer (*ParseFunc) (JsonNode  *root,
                               GError   **error);

typedef struct
{
  ParseFunc      parse;
  GDestroyNotify free_func;
} CallData;

static void
call_cb (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  CallData *data = g_task_get_task_data (task);
  g_autoptr(SbHttpResponse) response = NULL;
  g_autoptr(JsonNode) root = NULL;
  GError *error = NULL;
  gpointer parsed;

  response = sb_http_send_finish (SB_HTTP (object), result, &error);
  if (response == NULL ||
      (root = sb_http_response_parse_json (response, KIND, &error)) == NULL ||
      (parsed = data->parse (root, &error)) == NULL)
    {
      if (response != NULL)
        sb_provider_error_set_attempts (error, response->attempts, response->wait);
      g_task_return_error (task, error);
      return;
    }

  g_task_return_pointer (task, parsed, data->free_func);
}

static void
call (SbReplicateClient *self,
      SbHttpRequest     *request,
      ParseFunc          parse,
      GDestroyNotify     free_func,
      GCancellable      *cancellable,
      GTask             *task)
{
  CallData *data = g_new0 (CallData, 1);

  data->parse = parse;
  data->free_func = free_func;
  g_task_set_task_data (task, data, g_free);

  sb_http_send_async (self->http, request, cancellable, call_cb, task);
}

static gboolean
check_key (SbReplicateClient *self,
           GTask             *task)
{
  if (self->api_key != NULL)
    return TRUE;

  g_task_return_error (task, sb_provider_error_new (KIND, SB_PROVIDER_ERROR_AUTH, NULL));
  g_object_unref (task);
  return FALSE;
}

static gpointer
finish_pointer (gpointer       self,
                GAsyncResult  *result,
                gpointer       tag,
                GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == tag, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/* list collections */

typedef struct
{
  GPtrArray *collections;
  guint      pages;
} ListData;

static void
list_data_free (ListData *data)
{
  g_clear_pointer (&data->collections, g_ptr_array_unref);
  g_free (data);
}

static void list_fetch (GTask *task, const char *url);

static void
list_cb (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  ListData *data = g_task_get_task_data (task);
  g_autoptr(SbHttpResponse) response = NULL;
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *next = NULL;
  GError *error = NULL;
  JsonArray *results;

  response = sb_http_send_finish (SB_HTTP (object), result, &error);
  if (response == NULL ||
      (root = sb_http_response_parse_json (response, KIND, &error)) == NULL ||
      (results = sb_replicate_parse_page (root, &next, &error)) == NULL)
    {
      g_task_return_error (task, error);
      return;
    }

  for (guint i = 0; i < json_array_get_length (results); i++)
    {
      SbReplicateCollection *collection;

      collection = sb_replicate_collection_new_from_json (json_array_get_element (results, i), NULL);
      if (collection != NULL)
        g_ptr_array_add (data->collections, collection);
    }

  if (next != NULL && ++data->pages < MAX_PAGES)
    {
      list_fetch (g_steal_pointer (&task), next);
      return;
    }

  g_task_return_pointer (task, g_steal_pointer (&data->collections),
                         (GDestroyNotify) g_ptr_array_unref);
}

static void
list_fetch (GTask      *task,
            const char *url)
{
  SbReplicateClient *self = g_task_get_source_object (task);
  g_autoptr(SbHttpRequest) request = new_request (self, "GET", url);

  sb_http_send_async (self->http, request, g_task_get_cancellable (task), list_cb, task);
}

void
sb_replicate_client_list_collections_async (SbReplicateClient   *self,
                                            GCancellable        *cancellable,
                                            GAsyncReadyCallback  callback,
                                            gpointer             user_data)
{
  GTask *task;
  ListData *data;
  g_autofree char *url = NULL;

  g_return_if_fail (SB_IS_REPLICATE_CLIENT (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, sb_replicate_client_list_collections_async);
  if (!check_key (self, task))
    return;

  data = g_new0 (ListData, 1);
  data->collections = g_ptr_array_new_with_free_func ((GDestroyNotify) sb_replicate_collection_free);
  g_task_set_task_data (task, data, (GDestroyNotify) list_data_free);

  url = build_url (self, "collections");
  list_fetch (task, url);
}

GPtrArray *
sb_replicate_client_list_collections_finish (SbReplicateClient  *self,
                                             GAsyncResult       *result,
                                             GError            **error)
{
  return finish_pointer (self, result, sb_replicate_client_list_collections_async, error);
}

/* get collection */

static gboolean
valid_segment (const char *segment)
{
  if (segment == NULL || *segment == '\0' || g_str_equal (segment, ".") || g_str_equal (segment, ".."))
    return FALSE;

  for (const char *p = segment; *p; p++)
    if (!g_ascii_isalnum (*p) && *p != '-' && *p != '_' && *p != '.')
      return FALSE;

  return TRUE;
}

static gboolean
check_segments (GTask      *task,
                const char *a,
                const char *b)
{
  if (valid_segment (a) && (b == NULL || valid_segment (b)))
    return TRUE;

  g_task_return_error (task, sb_provider_error_new (KIND, SB_PROVIDER_ERROR_INVALID_INPUT,
                                                    _("the model name is not valid")));
  g_object_unref (task);
  return FALSE;
}

void
sb_replicate_client_get_collection_async (SbReplicateClient   *self,
                                          const char          *slug,
                                          GCancellable        *cancellable,
                                          GAsyncReadyCallback  callback,
                                          gpointer             user_data)
{
  g_autoptr(SbHttpRequest) request = NULL;
  g_autofree char *path = NULL;
  g_autofree char *url = NULL;
  GTask *task;

  g_return_if_fail (SB_IS_REPLICATE_CLIENT (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, sb_replicate_client_get_collection_async);
  if (!check_key (self, task) || !check_segments (task, slug, NULL))
    return;

  path = g_strconcat ("collections/", slug, NULL);
  url = build_url (self, path);
  request = new_request (self, "GET", url);
  call (self, request, (ParseFunc) sb_replicate_collection_new_from_json,
        (GDestroyNotify) sb_replicate_collection_free, cancellable, task);
}

SbReplicateCollection *
sb_replicate_client_get_collection_finish (SbReplicateClient  *self,
                                           GAsyncResult       *result,
                                           GError            **error)
{
  return finish_pointer (self, result, sb_replicate_client_get_collection_async, error);
}

/* get model */

void
sb_replicate_client_get_model_async (SbReplicateClient   *self,
                                     const char          *owner,
                                     const char          *name,
                                     GCancellable        *cancellable,
                                     GAsyncReadyCallback  callback,
                                     gpointer             user_data)
{
  g_autoptr(SbHttpRequest) request = NULL;
  g_autofree char *path = NULL;
  g_autofree char *url = NULL;
  GTask *task;

  g_return_if_fail (SB_IS_REPLICATE_CLIENT (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, sb_replicate_client_get_model_async);
  if (!check_key (self, task) || !check_segments (task, owner, name))
    return;

  path = g_strdup_printf ("models/%s/%s", owner, name);
  url = build_url (self, path);
  request = new_request (self, "GET", url);
  call (self, request, (ParseFunc) sb_replicate_model_new_from_json,
        (GDestroyNotify) sb_replicate_model_free, cancellable, task);
}

SbReplicateModel *
sb_replicate_client_get_model_finish (SbReplicateClient  *self,
                                      GAsyncResult       *result,
                                      GError            **error)
{
  return finish_pointer (self, result, sb_replicate_client_get_model_async, error);
}

/* create prediction */

void
sb_replicate_client_create_prediction_async (SbReplicateClient   *self,
                                             const char          *model,
                                             const char          *version,
                                             JsonObject          *input,
                                             guint                wait_seconds,
                                             GCancellable        *cancellable,
                                             GAsyncReadyCallback  callback,
                                             gpointer             user_data)
{
  g_autoptr(SbHttpRequest) request = NULL;
  g_autoptr(JsonBuilder) builder = NULL;
  g_autoptr(JsonNode) body = NULL;
  g_autofree char *url = NULL;
  GTask *task;

  g_return_if_fail (SB_IS_REPLICATE_CLIENT (self));
  g_return_if_fail (input != NULL);
  g_return_if_fail (model != NULL || version != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, sb_replicate_client_create_prediction_async);
  if (!check_key (self, task))
    return;

  builder = json_builder_new ();
  json_builder_begin_object (builder);

  if (version != NULL)
    {
      /* Never send "model" here: Replicate answers 422. */
      url = build_url (self, "predictions");
      json_builder_set_member_name (builder, "version");
      json_builder_add_string_value (builder, version);
    }
  else
    {
      g_auto(GStrv) parts = g_strsplit (model, "/", -1);
      g_autofree char *path = NULL;

      if (g_strv_length (parts) != 2 || !check_segments (task, parts[0], parts[1]))
        {
          if (g_strv_length (parts) != 2)
            check_segments (task, NULL, NULL);
          return;
        }

      path = g_strdup_printf ("models/%s/%s/predictions", parts[0], parts[1]);
      url = build_url (self, path);
    }

  json_builder_set_member_name (builder, "input");
  json_builder_add_value (builder, json_node_init_object (json_node_alloc (), input));
  json_builder_end_object (builder);
  body = json_builder_get_root (builder);

  request = new_request (self, "POST", url);
  sb_http_request_set_json (request, body);
  sb_http_request_set_retry_class (request, SB_HTTP_RETRY_CREATE);

  if (wait_seconds > 0)
    {
      g_autofree char *prefer = NULL;

      wait_seconds = MIN (wait_seconds, SB_REPLICATE_MAX_WAIT_SECONDS);
      prefer = g_strdup_printf ("wait=%u", wait_seconds);
      sb_http_request_add_header (request, "Prefer", prefer);
      /* The read timeout must exceed the wait. */
      sb_http_request_set_timeout (request, wait_seconds + 30);
    }

  call (self, request, (ParseFunc) sb_prediction_new_from_json,
        (GDestroyNotify) sb_prediction_free, cancellable, task);
}

SbPrediction *
sb_replicate_client_create_prediction_finish (SbReplicateClient  *self,
                                              GAsyncResult       *result,
                                              GError            **error)
{
  return finish_pointer (self, result, sb_replicate_client_create_prediction_async, error);
}

/* get prediction */

static void
get_prediction_url_async (SbReplicateClient   *self,
                          const char          *url,
                          GCancellable        *cancellable,
                          GTask               *task)
{
  g_autoptr(SbHttpRequest) request = new_request (self, "GET", url);

  call (self, request, (ParseFunc) sb_prediction_new_from_json,
        (GDestroyNotify) sb_prediction_free, cancellable, task);
}

void
sb_replicate_client_get_prediction_async (SbReplicateClient   *self,
                                          const char          *id,
                                          GCancellable        *cancellable,
                                          GAsyncReadyCallback  callback,
                                          gpointer             user_data)
{
  g_autofree char *path = NULL;
  g_autofree char *url = NULL;
  GTask *task;

  g_return_if_fail (SB_IS_REPLICATE_CLIENT (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, sb_replicate_client_get_prediction_async);
  if (!check_key (self, task) || !check_segments (task, id, NULL))
    return;

  path = g_strconcat ("predictions/", id, NULL);
  url = build_url (self, path);
  get_prediction_url_async (self, url, cancellable, task);
}

SbPrediction *
sb_replicate_client_get_prediction_finish (SbReplicateClient  *self,
                                           GAsyncResult       *result,
                                           GError            **error)
{
  return finish_pointer (self, result, sb_replicate_client_get_prediction_async, error);
}

/* cancel */

void
sb_replicate_client_cancel_prediction_async (SbReplicateClient   *self,
                                             const char          *id,
                                             GCancellable        *cancellable,
                                             GAsyncReadyCallback  callback,
                                             gpointer             user_data)
{
  g_autoptr(SbHttpRequest) request = NULL;
  g_autofree char *path = NULL;
  g_autofree char *url = NULL;
  GTask *task;

  g_return_if_fail (SB_IS_REPLICATE_CLIENT (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, sb_replicate_client_cancel_prediction_async);
  if (!check_key (self, task) || !check_segments (task, id, NULL))
    return;

  path = g_strdup_printf ("predictions/%s/cancel", id);
  url = build_url (self, path);
  request = new_request (self, "POST", url);
  /* Cancelling twice is harmless. */
  sb_http_request_set_retry_class (request, SB_HTTP_RETRY_IDEMPOTENT);
  call (self, request, (ParseFunc) sb_prediction_new_from_json,
        (GDestroyNotify) sb_prediction_free, cancellable, task);
}

SbPrediction *
sb_replicate_client_cancel_prediction_finish (SbReplicateClient  *self,
                                              GAsyncResult       *result,
                                              GError            **error)
{
  return finish_pointer (self, result, sb_replicate_client_cancel_prediction_async, error);
}

/* wait */

typedef struct
{
  SbPrediction *prediction;
  char         *url;
  gint64        deadline;
  double        interval_ms;
  guint         source;
} WaitData;

static void
wait_data_free (WaitData *data)
{
  g_clear_handle_id (&data->source, g_source_remove);
  g_clear_pointer (&data->prediction, sb_prediction_free);
  g_free (data->url);
  g_free (data);
}

static void wait_poll (GTask *task);

static gboolean
wait_done (GTask *task)
{
  WaitData *data = g_task_get_task_data (task);

  return sb_prediction_status_is_terminal (data->prediction->status);
}

static void
wait_poll_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  WaitData *data = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  SbPrediction *prediction;

  prediction = g_task_propagate_pointer (G_TASK (result), &error);
  if (prediction == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  g_clear_pointer (&data->prediction, sb_prediction_free);
  data->prediction = prediction;
  g_debug ("Prediction %s is %s", prediction->id, sb_prediction_status_to_string (prediction->status));

  wait_poll (g_steal_pointer (&task));
}

static gboolean
wait_timeout_cb (gpointer user_data)
{
  GTask *task = user_data;
  WaitData *data = g_task_get_task_data (task);
  SbReplicateClient *self = g_task_get_source_object (task);
  GTask *poll_task;

  data->source = 0;

  if (g_task_return_error_if_cancelled (task))
    {
      g_object_unref (task);
      return G_SOURCE_REMOVE;
    }

  poll_task = g_task_new (self, g_task_get_cancellable (task), wait_poll_cb, task);
  g_task_set_source_tag (poll_task, get_prediction_url_async);
  get_prediction_url_async (self, data->url, g_task_get_cancellable (task), poll_task);

  return G_SOURCE_REMOVE;
}

static void
wait_poll (GTask *task)
{
  SbReplicateClient *self = g_task_get_source_object (task);
  WaitData *data = g_task_get_task_data (task);
  double scale = sb_http_get_backoff_scale (self->http);

  if (wait_done (task))
    {
      g_task_return_pointer (task, g_steal_pointer (&data->prediction),
                             (GDestroyNotify) sb_prediction_free);
      g_object_unref (task);
      return;
    }

  if (g_get_monotonic_time () > data->deadline)
    {
      g_task_return_error (task, sb_provider_error_new (KIND, SB_PROVIDER_ERROR_TIMEOUT, NULL));
      g_object_unref (task);
      return;
    }

  data->source = g_timeout_add_full (G_PRIORITY_DEFAULT,
                                     (guint) MAX (0, data->interval_ms * scale),
                                     wait_timeout_cb, task, NULL);
  data->interval_ms = MIN (data->interval_ms * 1.5, 5000.0);
}

void
sb_replicate_client_wait_prediction_async (SbReplicateClient   *self,
                                           SbPrediction        *prediction,
                                           guint                max_seconds,
                                           GCancellable        *cancellable,
                                           GAsyncReadyCallback  callback,
                                           gpointer             user_data)
{
  GTask *task;
  WaitData *data;

  g_return_if_fail (SB_IS_REPLICATE_CLIENT (self));
  g_return_if_fail (prediction != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, sb_replicate_client_wait_prediction_async);
  if (!check_key (self, task) || !check_segments (task, prediction->id, NULL))
    return;

  data = g_new0 (WaitData, 1);
  data->prediction = sb_prediction_copy (prediction);
  if (prediction->url_get != NULL &&
      sb_provider_config_is_own_url (sb_http_get_config (self->http), KIND, prediction->url_get))
    {
      data->url = g_strdup (prediction->url_get);
    }
  else
    {
      g_autofree char *path = g_strconcat ("predictions/", prediction->id, NULL);
      data->url = build_url (self, path);
    }
  data->interval_ms = 500;
  data->deadline = g_get_monotonic_time () + (gint64) (max_seconds ? max_seconds : 30 * 60) * G_USEC_PER_SEC;
  g_task_set_task_data (task, data, (GDestroyNotify) wait_data_free);

  wait_poll (task);
}

SbPrediction *
sb_replicate_client_wait_prediction_finish (SbReplicateClient  *self,
                                            GAsyncResult       *result,
                                            GError            **error)
{
  return finish_pointer (self, result, sb_replicate_client_wait_prediction_async, error);
}

/* files */

static gpointer
parse_file_url (JsonNode  *root,
                GError   **error)
{
  JsonObject *urls = NULL;
  const char *url;

  if (JSON_NODE_HOLDS_OBJECT (root))
    urls = sb_json_get_object (json_node_get_object (root), "urls");

  url = sb_json_get_string (urls, "get");
  if (url == NULL)
    {
      g_propagate_error (error, bad_response (_("an upload has no address")));
      return NULL;
    }

  return g_strdup (url);
}

void
sb_replicate_client_upload_file_async (SbReplicateClient   *self,
                                       GBytes              *bytes,
                                       const char          *filename,
                                       const char          *content_type,
                                       GCancellable        *cancellable,
                                       GAsyncReadyCallback  callback,
                                       gpointer             user_data)
{
  g_autoptr(SbHttpRequest) request = NULL;
  g_autoptr(SoupMultipart) multipart = NULL;
  g_autofree char *url = NULL;
  GTask *task;

  g_return_if_fail (SB_IS_REPLICATE_CLIENT (self));
  g_return_if_fail (bytes != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, sb_replicate_client_upload_file_async);
  if (!check_key (self, task))
    return;

  if (filename == NULL)
    filename = "input";
  if (content_type == NULL)
    content_type = "application/octet-stream";

  multipart = soup_multipart_new ("multipart/form-data");
  soup_multipart_append_form_file (multipart, "content", filename, content_type, bytes);
  soup_multipart_append_form_string (multipart, "filename", filename);
  soup_multipart_append_form_string (multipart, "type", content_type);

  url = build_url (self, "files");
  request = new_request (self, "POST", url);
  sb_http_request_set_multipart (request, multipart);
  sb_http_request_set_retry_class (request, SB_HTTP_RETRY_CREATE);
  sb_http_request_set_timeout (request, SB_HTTP_TIMEOUT_DOWNLOAD);
  call (self, request, parse_file_url, g_free, cancellable, task);
}

char *
sb_replicate_client_upload_file_finish (SbReplicateClient  *self,
                                        GAsyncResult       *result,
                                        GError            **error)
{
  return finish_pointer (self, result, sb_replicate_client_upload_file_async, error);
}

static void
prepare_upload_cb (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;
  char *url;

  url = sb_replicate_client_upload_file_finish (SB_REPLICATE_CLIENT (object), result, &error);
  if (url == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, url, g_free);
}

void
sb_replicate_client_prepare_file_input_async (SbReplicateClient   *self,
                                              GBytes              *bytes,
                                              const char          *filename,
                                              const char          *content_type,
                                              GCancellable        *cancellable,
                                              GAsyncReadyCallback  callback,
                                              gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (SB_IS_REPLICATE_CLIENT (self));
  g_return_if_fail (bytes != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, sb_replicate_client_prepare_file_input_async);

  if (content_type == NULL)
    content_type = "application/octet-stream";

  if (g_bytes_get_size (bytes) <= SB_REPLICATE_MAX_DATA_URI_BYTES)
    {
      g_autofree char *base64 = g_base64_encode (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes));

      g_task_return_pointer (task, g_strdup_printf ("data:%s;base64,%s", content_type, base64), g_free);
      return;
    }

  sb_replicate_client_upload_file_async (self, bytes, filename, content_type, cancellable,
                                         prepare_upload_cb, g_steal_pointer (&task));
}

char *
sb_replicate_client_prepare_file_input_finish (SbReplicateClient  *self,
                                               GAsyncResult       *result,
                                               GError            **error)
{
  return finish_pointer (self, result, sb_replicate_client_prepare_file_input_async, error);
}

/* downloads */

static void
download_cb (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;
  SbDownload *download;

  download = sb_http_download_finish (SB_HTTP (object), result, &error);
  if (download == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, download, (GDestroyNotify) sb_download_free);
}

void
sb_replicate_client_download_output_async (SbReplicateClient   *self,
                                           const char          *url,
                                           gsize                max_bytes,
                                           GCancellable        *cancellable,
                                           GAsyncReadyCallback  callback,
                                           gpointer             user_data)
{
  GTask *task;

  g_return_if_fail (SB_IS_REPLICATE_CLIENT (self));
  g_return_if_fail (url != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, sb_replicate_client_download_output_async);

  sb_http_download_async (self->http, KIND, self->api_key, url, max_bytes,
                          cancellable, download_cb, task);
}

SbDownload *
sb_replicate_client_download_output_finish (SbReplicateClient  *self,
                                            GAsyncResult       *result,
                                            GError            **error)
{
  return finish_pointer (self, result, sb_replicate_client_download_output_async, error);
}
