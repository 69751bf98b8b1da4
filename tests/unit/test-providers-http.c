/* test-providers-http.c
 *
 * Copyright 2026 The Storyboard authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* The providers against the fake server over real loopback sockets.  The
 * fake's output files live on "localhost" while the APIs are on 127.0.0.1,
 * so an output download is a request to another host. */

#include "config.h"

#include <signal.h>
#include <sys/prctl.h>

#include "sb-test-async.h"
#include "sb-anthropic-client.h"
#include "sb-llm-chain.h"
#include "sb-openai-client.h"
#include "sb-replicate-client.h"

#define KEY "sk-test-good-key"

static GSubprocess *fake;
static char *base_url;
static SoupSession *control;

/* ---- plumbing ---- */

static JsonNode *
control_request (const char *method,
                 const char *path,
                 const char *body)
{
  g_autofree char *url = g_strconcat (base_url, path, NULL);
  g_autoptr(SoupMessage) msg = soup_message_new (method, url);
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GError) error = NULL;

  if (body != NULL)
    {
      g_autoptr(GBytes) request = g_bytes_new (body, strlen (body));
      soup_message_set_request_body_from_bytes (msg, "text/plain", request);
    }

  bytes = soup_session_send_and_read (control, msg, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (soup_message_get_status (msg), ==, 200);

  return json_from_string (g_bytes_get_data (bytes, NULL), NULL);
}

static void
fake_reset (void)
{
  g_autoptr(JsonNode) node = control_request ("POST", "/_fake/reset", NULL);
}

static void
fake_add_fault (const char *spec)
{
  g_autoptr(JsonNode) node = control_request ("POST", "/_fake/faults", spec);
}

/* Log entries whose route starts with @route (NULL: all). */
static GPtrArray *
fake_requests (const char *route)
{
  g_autoptr(JsonNode) node = control_request ("GET", "/_fake/requests", NULL);
  GPtrArray *entries = g_ptr_array_new_with_free_func ((GDestroyNotify) json_object_unref);
  JsonArray *array = json_node_get_array (node);

  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonObject *entry = json_array_get_object_element (array, i);
      const char *entry_route = json_object_get_string_member_with_default (entry, "route", "");

      if (route == NULL || g_str_has_prefix (entry_route, route))
        g_ptr_array_add (entries, json_object_ref (entry));
    }

  return entries;
}

static guint
fake_count (const char *route)
{
  g_autoptr(GPtrArray) entries = fake_requests (route);
  return entries->len;
}

typedef struct
{
  guint       retries;
  SbRetryWait last_wait;
} RetryLog;

static void
retrying_cb (SbHttp   *http,
             guint     kind,
             guint     attempt,
             guint     wait,
             gint64    delay_ms,
             guint     status,
             RetryLog *log)
{
  log->retries++;
  log->last_wait = wait;
}

static SbHttp *
new_http (RetryLog *log)
{
  SbHttp *http = sb_http_new (sb_provider_config_new ());

  /* Waits of seconds become milliseconds. */
  sb_http_set_backoff_scale (http, 0.001);
  g_object_unref (sb_http_get_config (http));
  if (log != NULL)
    g_signal_connect (http, "retrying", G_CALLBACK (retrying_cb), log);

  return http;
}

/* ---- Replicate ---- */

static SbPrediction *
create_prediction (SbReplicateClient  *client,
                   const char         *prompt,
                   GError            **error)
{
  g_autoptr(JsonObject) input = json_object_new ();
  g_autoptr(GAsyncResult) result = NULL;

  json_object_set_string_member (input, "prompt", prompt);
  json_object_set_int_member (input, "num_outputs", 1);
  sb_replicate_client_create_prediction_async (client, "black-forest-labs/flux-schnell", NULL, input, 0,
                                               NULL, sb_test_store_result_cb, &result);
  return sb_replicate_client_create_prediction_finish (client, sb_test_run_until (&result), error);
}

static void
test_replicate_auth (void)
{
  RetryLog log = { 0 };
  g_autoptr(SbHttp) http = new_http (&log);
  g_autoptr(SbReplicateClient) client = sb_replicate_client_new (http);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  fake_reset ();
  sb_replicate_client_set_api_key (client, "bad-key");
  sb_replicate_client_get_collection_async (client, "text-to-image", NULL, sb_test_store_result_cb, &result);
  g_assert_null (sb_replicate_client_get_collection_finish (client, sb_test_run_until (&result), &error));

  g_assert_error (error, SB_PROVIDER_ERROR, SB_PROVIDER_ERROR_AUTH);
  g_assert_cmpstr (error->message, ==, "Replicate rejected the API key. Check it in Preferences.");
  g_assert_null (strstr (error->message, "bad-key"));
  g_assert_cmpuint (sb_provider_error_get_attempts (error), ==, 1);
  g_assert_cmpint (sb_provider_error_get_wait (error), ==, SB_RETRY_WAIT_NONE);
  g_assert_cmpuint (log.retries, ==, 0);
  g_assert_cmpuint (fake_count ("replicate"), ==, 1);
}

static void
test_replicate_catalogue (void)
{
  g_autoptr(SbHttp) http = new_http (NULL);
  g_autoptr(SbReplicateClient) client = sb_replicate_client_new (http);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) collections = NULL;
  g_autoptr(SbReplicateModel) model = NULL;
  g_autoptr(GPtrArray) params = NULL;

  fake_reset ();
  sb_replicate_client_set_api_key (client, KEY);

  sb_replicate_client_list_collections_async (client, NULL, sb_test_store_result_cb, &result);
  collections = sb_replicate_client_list_collections_finish (client, sb_test_run_until (&result), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (collections->len, >, 0);
  /* Every page was fetched by its `next` URL. */
  g_test_message ("%u collections in %u requests", collections->len, fake_count ("replicate-collections"));
  g_assert_cmpuint (fake_count ("replicate-collections"), >=, 1);
  g_clear_object (&result);

  sb_replicate_client_get_model_async (client, "black-forest-labs", "flux-schnell", NULL, sb_test_store_result_cb, &result);
  model = sb_replicate_client_get_model_finish (client, sb_test_run_until (&result), &error);
  g_assert_no_error (error);
  params = sb_replicate_model_parse_params (model, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (((SbModelParam *) g_ptr_array_index (params, 0))->name, ==, "prompt");
  g_clear_object (&result);

  /* An unknown model. */
  sb_replicate_client_get_model_async (client, "nobody", "nothing", NULL, sb_test_store_result_cb, &result);
  g_assert_null (sb_replicate_client_get_model_finish (client, sb_test_run_until (&result), &error));
  g_assert_error (error, SB_PROVIDER_ERROR, SB_PROVIDER_ERROR_NOT_FOUND);
}

static void
test_replicate_run_and_download (void)
{
  g_autoptr(SbHttp) http = new_http (NULL);
  g_autoptr(SbReplicateClient) client = sb_replicate_client_new (http);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(SbPrediction) created = NULL;
  g_autoptr(SbPrediction) done = NULL;
  g_autoptr(SbDownload) download = NULL;
  g_autoptr(GPtrArray) entries = NULL;
  gboolean saw_create = FALSE;
  gboolean saw_file = FALSE;

  fake_reset ();
  sb_replicate_client_set_api_key (client, KEY);

  created = create_prediction (client, "a lighthouse at dusk", &error);
  g_assert_no_error (error);
  g_assert_nonnull (created->id);

  sb_replicate_client_wait_prediction_async (client, created, 60, NULL, sb_test_store_result_cb, &result);
  done = sb_replicate_client_wait_prediction_finish (client, sb_test_run_until (&result), &error);
  g_assert_no_error (error);
  g_assert_cmpint (done->status, ==, SB_PREDICTION_SUCCEEDED);
  g_assert_cmpuint (g_strv_length (done->outputs), >=, 1);
  g_clear_object (&result);

  /* The output lives on another host name than the API. */
  g_assert_true (g_str_has_prefix (done->outputs[0], "http://localhost:"));
  sb_replicate_client_download_output_async (client, done->outputs[0], 50 * 1024 * 1024, NULL, sb_test_store_result_cb, &result);
  download = sb_replicate_client_download_output_finish (client, sb_test_run_until (&result), &error);
  g_assert_no_error (error);
  g_assert_true (g_str_has_prefix (download->mime_type, "image/"));

  entries = fake_requests (NULL);
  for (guint i = 0; i < entries->len; i++)
    {
      JsonObject *entry = g_ptr_array_index (entries, i);
      const char *route = json_object_get_string_member (entry, "route");
      const char *host = json_object_get_string_member (entry, "host");
      const char *path = json_object_get_string_member (entry, "path");

      if (g_str_equal (route, "control"))
        continue;

      if (g_str_has_prefix (host, "localhost"))
        {
          /* Never a key on the other host. */
          g_assert_false (json_object_get_boolean_member (entry, "has_authorization"));
          g_assert_false (json_object_get_boolean_member (entry, "has_x_api_key"));
          saw_file = TRUE;
        }
      else
        {
          g_assert_true (g_str_has_prefix (host, "127.0.0.1"));
          g_assert_cmpstr (json_object_get_string_member (entry, "auth_scheme"), ==, "Bearer");
          g_assert_cmpstr (json_object_get_string_member (entry, "auth_key"), ==, KEY);
          if (g_str_has_suffix (path, "/predictions"))
            {
              saw_create = TRUE;
              g_assert_cmpstr (path, ==, "/v1/models/black-forest-labs/flux-schnell/predictions");
            }
        }
    }
  g_assert_true (saw_create);
  g_assert_true (saw_file);
}

/* A language model's prediction: its iterator output fills in while it
 * runs, and the whole text is there at the end. */
static void
test_replicate_iterator_output (void)
{
  g_autoptr(SbHttp) http = new_http (NULL);
  g_autoptr(SbReplicateClient) client = sb_replicate_client_new (http);
  g_autoptr(GError) error = NULL;
  g_autoptr(SbPrediction) created = NULL;
  g_autoptr(SbPrediction) done = NULL;
  g_autofree char *text = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  gboolean saw_partial = FALSE;
  gint64 deadline;

  fake_reset ();
  sb_replicate_client_set_api_key (client, KEY);
  created = create_prediction (client, "a story [fake:iterator,slow=2]", &error);
  g_assert_no_error (error);

  deadline = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;
  while (!saw_partial && g_get_monotonic_time () < deadline)
    {
      g_autoptr(SbPrediction) now = NULL;
      g_autofree char *partial = NULL;

      g_clear_object (&result);
      sb_replicate_client_get_prediction_async (client, created->id, NULL, sb_test_store_result_cb, &result);
      now = sb_replicate_client_get_prediction_finish (client, sb_test_run_until (&result), &error);
      g_assert_no_error (error);
      partial = sb_prediction_dup_text (now);
      if (now->status == SB_PREDICTION_PROCESSING && partial != NULL && *partial != '\0' &&
          !g_str_equal (partial, "The storyboard opens on a quiet harbour at dawn."))
        saw_partial = TRUE;
      g_usleep (100 * 1000);
    }
  g_assert_true (saw_partial);

  g_clear_object (&result);
  sb_replicate_client_wait_prediction_async (client, created, 60, NULL, sb_test_store_result_cb, &result);
  done = sb_replicate_client_wait_prediction_finish (client, sb_test_run_until (&result), &error);
  g_assert_no_error (error);
  g_assert_cmpint (done->status, ==, SB_PREDICTION_SUCCEEDED);
  text = sb_prediction_dup_text (done);
  g_assert_cmpstr (text, ==, "The storyboard opens on a quiet harbour at dawn.");
}

/* A download cut short (the server sends fewer bytes than Content-Length
 * and hangs up) is retried, and when it stays short it fails: nothing
 * partial is ever handed back. */
static void
check_truncated_download (const char *marker,
                          const char *run_fault,
                          gboolean    recovers)
{
  RetryLog log = { 0 };
  g_autoptr(SbHttp) http = new_http (&log);
  g_autoptr(SbReplicateClient) client = sb_replicate_client_new (http);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(SbPrediction) created = NULL;
  g_autoptr(SbPrediction) done = NULL;
  g_autoptr(SbDownload) download = NULL;
  g_autofree char *prompt = g_strdup_printf ("a harbour at night %s", marker);
  guint downloads = 0;
  g_autoptr(GPtrArray) entries = NULL;

  fake_reset ();
  sb_replicate_client_set_api_key (client, KEY);
  created = create_prediction (client, prompt, &error);
  g_assert_no_error (error);
  sb_replicate_client_wait_prediction_async (client, created, 60, NULL, sb_test_store_result_cb, &result);
  done = sb_replicate_client_wait_prediction_finish (client, sb_test_run_until (&result), &error);
  g_assert_no_error (error);
  g_clear_object (&result);

  if (run_fault != NULL)
    fake_add_fault (run_fault);
  sb_replicate_client_download_output_async (client, done->outputs[0], 50 * 1024 * 1024, NULL, sb_test_store_result_cb, &result);
  download = sb_replicate_client_download_output_finish (client, sb_test_run_until (&result), &error);

  entries = fake_requests (NULL);
  for (guint i = 0; i < entries->len; i++)
    if (g_str_has_prefix (json_object_get_string_member_with_default (g_ptr_array_index (entries, i), "path", ""), "/files/"))
      downloads++;

  if (recovers)
    {
      g_assert_no_error (error);
      g_assert_nonnull (download);
      g_assert_true (g_str_has_prefix (download->mime_type, "image/"));
      g_assert_cmpuint (downloads, ==, 2);
    }
  else
    {
      g_assert_null (download);
      g_assert_nonnull (error);
      g_assert_false (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED));
      g_assert_cmpuint (downloads, >, 1);
    }
}

static void
test_replicate_truncated_download (void)
{
  /* Always cut: an error, never half an image. */
  check_truncated_download ("[fake:truncate]", NULL, FALSE);
  /* Cut once, then whole: the retry gets it. */
  check_truncated_download ("", "files:truncate:1", TRUE);
}

static void
test_replicate_sync_mode (void)
{
  g_autoptr(SbHttp) http = new_http (NULL);
  g_autoptr(SbReplicateClient) client = sb_replicate_client_new (http);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) input = json_object_new ();
  g_autoptr(SbPrediction) prediction = NULL;
  g_autoptr(GPtrArray) creates = NULL;

  fake_reset ();
  sb_replicate_client_set_api_key (client, KEY);
  json_object_set_string_member (input, "prompt", "a paper boat");
  sb_replicate_client_create_prediction_async (client, "black-forest-labs/flux-schnell", NULL, input, 10,
                                               NULL, sb_test_store_result_cb, &result);
  prediction = sb_replicate_client_create_prediction_finish (client, sb_test_run_until (&result), &error);
  g_assert_no_error (error);

  creates = fake_requests ("replicate-create");
  g_assert_cmpuint (creates->len, ==, 1);
  g_assert_cmpstr (json_object_get_string_member (g_ptr_array_index (creates, 0), "prefer"), ==, "wait=10");
}

/* One test per failure mode of a create: the code, the attempts, the wait. */
static void
check_create_fault (const char      *marker,
                    SbProviderError  expected_code,  /* -1: success */
                    guint            expected_attempts,
                    SbRetryWait      expected_wait)
{
  RetryLog log = { 0 };
  g_autoptr(SbHttp) http = new_http (&log);
  g_autoptr(SbReplicateClient) client = sb_replicate_client_new (http);
  g_autoptr(GError) error = NULL;
  g_autoptr(SbPrediction) prediction = NULL;
  g_autofree char *prompt = g_strdup_printf ("a red kite %s", marker);

  fake_reset ();
  sb_replicate_client_set_api_key (client, KEY);
  prediction = create_prediction (client, prompt, &error);

  if ((int) expected_code < 0)
    {
      g_assert_no_error (error);
      g_assert_nonnull (prediction);
      g_assert_cmpuint (log.retries + 1, ==, expected_attempts);
      g_assert_cmpint (log.last_wait, ==, expected_wait);
    }
  else
    {
      g_assert_error (error, SB_PROVIDER_ERROR, (int) expected_code);
      g_assert_cmpuint (sb_provider_error_get_attempts (error), ==, expected_attempts);
      g_assert_cmpint (sb_provider_error_get_wait (error), ==, expected_wait);
    }

  g_assert_cmpuint (fake_count ("replicate-create"), ==, expected_attempts);
}

static void
test_replicate_429_hint (void)
{
  /* "resets in ~1s" in the body, no Retry-After header. */
  check_create_fault ("[fake:429=1*2]", -1, 3, SB_RETRY_WAIT_RETRY_AFTER);
}

static void
test_replicate_429_retry_after (void)
{
  check_create_fault ("[fake:429-retry-after=1*1]", -1, 2, SB_RETRY_WAIT_RETRY_AFTER);
}

static void
test_replicate_429_bare (void)
{
  /* No hint at all: exponential backoff. */
  check_create_fault ("[fake:429-bare*1]", -1, 2, SB_RETRY_WAIT_BACKOFF);
}

static void
test_replicate_503 (void)
{
  check_create_fault ("[fake:503*2]", -1, 3, SB_RETRY_WAIT_BACKOFF);
}

static void
test_replicate_429_forever (void)
{
  check_create_fault ("[fake:429=1]", SB_PROVIDER_ERROR_RATE_LIMITED, 4, SB_RETRY_WAIT_RETRY_AFTER);
}

static void
test_replicate_500_not_repeated (void)
{
  /* The prediction may exist: a create is not sent twice. */
  check_create_fault ("[fake:500*1]", SB_PROVIDER_ERROR_SERVER, 1, SB_RETRY_WAIT_NONE);
}

static void
test_replicate_502_not_repeated (void)
{
  check_create_fault ("[fake:502*1]", SB_PROVIDER_ERROR_SERVER, 1, SB_RETRY_WAIT_NONE);
}

static void
test_replicate_402 (void)
{
  check_create_fault ("[fake:402]", SB_PROVIDER_ERROR_NO_CREDIT, 1, SB_RETRY_WAIT_NONE);
}

static void
test_replicate_422 (void)
{
  RetryLog log = { 0 };
  g_autoptr(SbHttp) http = new_http (&log);
  g_autoptr(SbReplicateClient) client = sb_replicate_client_new (http);
  g_autoptr(GError) error = NULL;
  g_autoptr(SbPrediction) prediction = NULL;
  GHashTable *fields;

  fake_reset ();
  sb_replicate_client_set_api_key (client, KEY);
  prediction = create_prediction (client, "a kite [fake:422]", &error);

  g_assert_error (error, SB_PROVIDER_ERROR, SB_PROVIDER_ERROR_INVALID_INPUT);
  g_assert_cmpuint (sb_provider_error_get_attempts (error), ==, 1);
  fields = sb_provider_error_get_fields (error);
  g_assert_nonnull (fields);
  g_assert_cmpstr (g_hash_table_lookup (fields, "num_outputs"), ==, "Must be less than or equal to 4");
  g_assert_cmpuint (log.retries, ==, 0);
}

static void
test_replicate_get_retried (void)
{
  RetryLog log = { 0 };
  g_autoptr(SbHttp) http = new_http (&log);
  g_autoptr(SbReplicateClient) client = sb_replicate_client_new (http);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(SbReplicateCollection) collection = NULL;

  fake_reset ();
  /* A GET may be repeated after a 502 or 500. */
  fake_add_fault ("replicate-collections:502:2");
  sb_replicate_client_set_api_key (client, KEY);
  sb_replicate_client_get_collection_async (client, "text-to-image", NULL, sb_test_store_result_cb, &result);
  collection = sb_replicate_client_get_collection_finish (client, sb_test_run_until (&result), &error);

  g_assert_no_error (error);
  g_assert_cmpuint (collection->models->len, >, 0);
  g_assert_cmpuint (log.retries, ==, 2);
  g_assert_cmpint (log.last_wait, ==, SB_RETRY_WAIT_BACKOFF);
  g_assert_cmpuint (fake_count ("replicate-collections"), ==, 3);
}

static void
test_replicate_cancel (void)
{
  g_autoptr(SbHttp) http = new_http (NULL);
  g_autoptr(SbReplicateClient) client = sb_replicate_client_new (http);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(SbPrediction) created = NULL;
  g_autoptr(SbPrediction) canceled = NULL;

  fake_reset ();
  sb_replicate_client_set_api_key (client, KEY);
  created = create_prediction (client, "a slow one [fake:slow=30]", &error);
  g_assert_no_error (error);

  sb_replicate_client_cancel_prediction_async (client, created->id, NULL, sb_test_store_result_cb, &result);
  canceled = sb_replicate_client_cancel_prediction_finish (client, sb_test_run_until (&result), &error);
  g_assert_no_error (error);
  g_assert_cmpint (canceled->status, ==, SB_PREDICTION_CANCELED);
  g_assert_false (sb_prediction_check (canceled, &error));
  g_assert_error (error, SB_PROVIDER_ERROR, SB_PROVIDER_ERROR_FAILED);
}

static void
test_replicate_file_input (void)
{
  g_autoptr(SbHttp) http = new_http (NULL);
  g_autoptr(SbReplicateClient) client = sb_replicate_client_new (http);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *small_value = NULL;
  g_autofree char *large_value = NULL;
  g_autofree guint8 *large = g_malloc0 (SB_REPLICATE_MAX_DATA_URI_BYTES + 1);
  g_autoptr(GBytes) small_bytes = g_bytes_new_static ("\x89PNG\r\n\x1a\n", 8);
  g_autoptr(GBytes) large_bytes = NULL;

  fake_reset ();
  sb_replicate_client_set_api_key (client, KEY);

  /* Small files travel inline. */
  sb_replicate_client_prepare_file_input_async (client, small_bytes, "ref.png", "image/png", NULL, sb_test_store_result_cb, &result);
  small_value = sb_replicate_client_prepare_file_input_finish (client, sb_test_run_until (&result), &error);
  g_assert_no_error (error);
  g_assert_cmpstr (small_value, ==, "data:image/png;base64,iVBORw0KGgo=");
  g_assert_cmpuint (fake_count ("replicate-files"), ==, 0);
  g_clear_object (&result);

  /* Larger ones are uploaded (multipart) and passed by URL. */
  memcpy (large, "\x89PNG\r\n\x1a\n", 8);
  large_bytes = g_bytes_new (large, SB_REPLICATE_MAX_DATA_URI_BYTES + 1);
  sb_replicate_client_prepare_file_input_async (client, large_bytes, "ref.png", "image/png", NULL, sb_test_store_result_cb, &result);
  large_value = sb_replicate_client_prepare_file_input_finish (client, sb_test_run_until (&result), &error);
  g_assert_no_error (error);
  g_assert_true (g_str_has_prefix (large_value, "http://"));
  g_assert_nonnull (strstr (large_value, "/v1/files/"));
  g_assert_cmpuint (fake_count ("replicate-files"), ==, 1);
}

/* ---- LLMs ---- */

static SbChatResult *
complete (SbLlmClient  *client,
          const char   *prompt,
          GString      *deltas,
          GError      **error);

static void
delta_cb (const char *text,
          gpointer    user_data)
{
  g_string_append (user_data, text);
}

static SbChatResult *
complete (SbLlmClient  *client,
          const char   *prompt,
          GString      *deltas,
          GError      **error)
{
  g_autoptr(SbChatRequest) request = sb_chat_request_new ();
  g_autoptr(GAsyncResult) result = NULL;

  sb_chat_request_set_system (request, "You write storyboards.");
  sb_chat_request_add_user_text (request, prompt);
  if (deltas != NULL)
    sb_chat_request_set_delta_func (request, delta_cb, deltas, NULL);

  sb_llm_client_complete_async (client, request, NULL, sb_test_store_result_cb, &result);
  return sb_llm_client_complete_finish (client, sb_test_run_until (&result), error);
}

static SbLlmClient *
new_llm (SbHttp         *http,
         SbProviderKind  kind,
         const char     *key)
{
  SbLlmClient *client;

  if (kind == SB_PROVIDER_ANTHROPIC)
    client = sb_anthropic_client_new (http);
  else
    client = sb_openai_client_new (http, kind);

  sb_llm_client_set_api_key (client, key);
  sb_llm_client_set_model (client, kind == SB_PROVIDER_ANTHROPIC ? "claude-sonnet-4-5" :
                                   kind == SB_PROVIDER_OPENROUTER ? "openai/gpt-4o" : "gpt-4o");
  return client;
}

static void
test_llm_plain (void)
{
  g_autoptr(SbHttp) http = new_http (NULL);

  for (guint kind = SB_PROVIDER_OPENROUTER; kind <= SB_PROVIDER_ANTHROPIC; kind++)
    {
      g_autoptr(SbLlmClient) client = new_llm (http, kind, KEY);
      g_autoptr(GError) error = NULL;
      g_autoptr(SbChatResult) result = NULL;
      g_autoptr(GPtrArray) entries = NULL;
      JsonObject *entry;

      fake_reset ();
      result = complete (client, "a lighthouse keeper's day", NULL, &error);
      g_assert_no_error (error);
      g_assert_nonnull (result->text);
      g_assert_cmpint (result->provider, ==, kind);

      entries = fake_requests (kind == SB_PROVIDER_ANTHROPIC ? "anthropic" :
                               kind == SB_PROVIDER_OPENROUTER ? "openrouter" : "openai");
      g_assert_cmpuint (entries->len, ==, 1);
      entry = g_ptr_array_index (entries, 0);
      if (kind == SB_PROVIDER_ANTHROPIC)
        {
          g_assert_cmpstr (json_object_get_string_member (entry, "x_api_key"), ==, KEY);
          g_assert_cmpstr (json_object_get_string_member (entry, "anthropic_version"), ==, "2023-06-01");
          g_assert_false (json_object_get_boolean_member (entry, "has_authorization"));
        }
      else
        {
          g_assert_cmpstr (json_object_get_string_member (entry, "auth_key"), ==, KEY);
          g_assert_false (json_object_get_boolean_member (entry, "has_x_api_key"));
        }
    }
}

static void
test_llm_streaming (void)
{
  g_autoptr(SbHttp) http = new_http (NULL);
  const char *markers[] = { "", "[fake:crlf,split=1]", "[fake:split=3]" };

  for (guint kind = SB_PROVIDER_OPENROUTER; kind <= SB_PROVIDER_ANTHROPIC; kind++)
    for (guint i = 0; i < G_N_ELEMENTS (markers); i++)
      {
        g_autoptr(SbLlmClient) client = new_llm (http, kind, KEY);
        g_autoptr(GError) error = NULL;
        g_autoptr(GString) deltas = g_string_new (NULL);
        g_autoptr(SbChatResult) result = NULL;
        g_autofree char *prompt = g_strdup_printf ("a paper boat %s", markers[i]);

        fake_reset ();
        result = complete (client, prompt, deltas, &error);
        g_assert_no_error (error);
        g_assert_nonnull (result->text);
        g_assert_cmpuint (deltas->len, >, 0);
        g_assert_cmpstr (deltas->str, ==, result->text);
      }
}

static void
check_llm_fault (SbProviderKind   kind,
                 const char      *marker,
                 gboolean         stream,
                 SbProviderError  expected_code,   /* -1: success */
                 guint            expected_attempts,
                 SbRetryWait      expected_wait)
{
  RetryLog log = { 0 };
  g_autoptr(SbHttp) http = new_http (&log);
  g_autoptr(SbLlmClient) client = new_llm (http, kind, KEY);
  g_autoptr(GError) error = NULL;
  g_autoptr(GString) deltas = g_string_new (NULL);
  g_autoptr(SbChatResult) result = NULL;
  g_autofree char *prompt = g_strdup_printf ("a storm %s", marker);

  fake_reset ();
  result = complete (client, prompt, stream ? deltas : NULL, &error);

  if ((int) expected_code < 0)
    {
      g_assert_no_error (error);
      g_assert_cmpuint (log.retries + 1, ==, expected_attempts);
      g_assert_cmpint (log.last_wait, ==, expected_wait);
    }
  else
    {
      g_assert_error (error, SB_PROVIDER_ERROR, (int) expected_code);
      g_assert_null (strstr (error->message, KEY));
      g_assert_cmpuint (log.retries + 1, ==, expected_attempts);
      if (!stream)
        {
          g_assert_cmpuint (sb_provider_error_get_attempts (error), ==, expected_attempts);
          g_assert_cmpint (sb_provider_error_get_wait (error), ==, expected_wait);
        }
    }

  g_assert_cmpuint (fake_count (kind == SB_PROVIDER_ANTHROPIC ? "anthropic" :
                                kind == SB_PROVIDER_OPENROUTER ? "openrouter" : "openai"),
                    ==, expected_attempts);
}

static void
test_llm_auth (void)
{
  for (guint kind = SB_PROVIDER_OPENROUTER; kind <= SB_PROVIDER_ANTHROPIC; kind++)
    {
      g_autoptr(SbHttp) http = new_http (NULL);
      g_autoptr(SbLlmClient) client = new_llm (http, kind, "bad-key");
      g_autoptr(GError) error = NULL;
      g_autoptr(SbChatResult) result = NULL;

      fake_reset ();
      result = complete (client, "hello", NULL, &error);
      g_assert_error (error, SB_PROVIDER_ERROR, SB_PROVIDER_ERROR_AUTH);
      g_assert_null (strstr (error->message, "bad-key"));
      g_assert_null (strstr (sb_provider_error_get_detail (error) ? sb_provider_error_get_detail (error) : "", "bad-key"));
      g_assert_cmpuint (sb_provider_error_get_attempts (error), ==, 1);
    }
}

static void
test_openai_quota (void)
{
  check_llm_fault (SB_PROVIDER_OPENAI, "[fake:quota]", FALSE, SB_PROVIDER_ERROR_NO_CREDIT, 1, SB_RETRY_WAIT_NONE);
}

static void
test_openai_rate_limited (void)
{
  check_llm_fault (SB_PROVIDER_OPENAI, "[fake:429*1]", FALSE, -1, 2, SB_RETRY_WAIT_BACKOFF);
}

static void
test_anthropic_overloaded (void)
{
  check_llm_fault (SB_PROVIDER_ANTHROPIC, "[fake:529*2]", FALSE, -1, 3, SB_RETRY_WAIT_BACKOFF);
}

static void
test_anthropic_429_without_retry_after (void)
{
  check_llm_fault (SB_PROVIDER_ANTHROPIC, "[fake:429]", FALSE, SB_PROVIDER_ERROR_RATE_LIMITED, 1, SB_RETRY_WAIT_NONE);
}

static void
test_anthropic_429_retry_after (void)
{
  check_llm_fault (SB_PROVIDER_ANTHROPIC, "[fake:429-retry-after=1*1]", FALSE, -1, 2, SB_RETRY_WAIT_RETRY_AFTER);
}

static void
test_openrouter_retry_after (void)
{
  check_llm_fault (SB_PROVIDER_OPENROUTER, "[fake:429-retry-after=1*1]", TRUE, -1, 2, SB_RETRY_WAIT_RETRY_AFTER);
}

static void
test_openrouter_200_error (void)
{
  check_llm_fault (SB_PROVIDER_OPENROUTER, "[fake:200-error]", FALSE, SB_PROVIDER_ERROR_SERVER, 1, SB_RETRY_WAIT_NONE);
}

static void
test_openrouter_stream_error (void)
{
  check_llm_fault (SB_PROVIDER_OPENROUTER, "[fake:stream-error]", TRUE, SB_PROVIDER_ERROR_SERVER, 1, SB_RETRY_WAIT_NONE);
}

static void
test_openrouter_moderation (void)
{
  check_llm_fault (SB_PROVIDER_OPENROUTER, "[fake:403]", FALSE, SB_PROVIDER_ERROR_REFUSED, 1, SB_RETRY_WAIT_NONE);
}

static void
test_llm_models (void)
{
  g_autoptr(SbHttp) http = new_http (NULL);
  g_autoptr(SbLlmClient) client = new_llm (http, SB_PROVIDER_OPENROUTER, KEY);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) models = NULL;
  gboolean any_vision = FALSE;

  fake_reset ();
  sb_llm_client_list_models_async (client, NULL, sb_test_store_result_cb, &result);
  models = sb_llm_client_list_models_finish (client, sb_test_run_until (&result), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (models->len, >, 0);
  for (guint i = 0; i < models->len; i++)
    any_vision |= ((SbLlmModel *) g_ptr_array_index (models, i))->accepts_images;
  g_assert_true (any_vision);
}

/* Ollama's OpenAI-compatible API: no key, local model names, and images
 * only as data URIs (which is what the client sends). */
static void
test_ollama (void)
{
  g_autoptr(SbHttp) http = new_http (NULL);
  g_autoptr(SbLlmClient) client = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) models = NULL;
  g_autoptr(SbChatRequest) request = sb_chat_request_new ();
  g_autoptr(SbChatResult) answer = NULL;
  g_autoptr(GPtrArray) entries = NULL;
  g_autofree char *url = g_strconcat (base_url, "/ollama/v1", NULL);
  /* A 1x1 PNG. */
  static const guint8 png[] = {
    0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x48, 0x44, 0x52,
    0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x01, 0x08, 0x06, 0x00, 0x00, 0x00, 0x1f, 0x15, 0xc4,
    0x89, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x44, 0x41, 0x54, 0x78, 0xda, 0x63, 0x64, 0xf8, 0xcf, 0x50,
    0x0f, 0x00, 0x03, 0x86, 0x01, 0x80, 0x5a, 0x34, 0x7d, 0x6b, 0x00, 0x00, 0x00, 0x00, 0x49, 0x45,
    0x4e, 0x44, 0xae, 0x42, 0x60, 0x82,
  };
  g_autoptr(GBytes) image = g_bytes_new_static (png, sizeof png);
  guint n_ollama = 0;

  sb_provider_config_set_base_url (sb_http_get_config (http), SB_PROVIDER_OPENAI_COMPATIBLE, url);
  client = sb_openai_client_new (http, SB_PROVIDER_OPENAI_COMPATIBLE);
  sb_llm_client_set_model (client, "qwen3-vl:8b");

  fake_reset ();
  sb_llm_client_list_models_async (client, NULL, sb_test_store_result_cb, &result);
  models = sb_llm_client_list_models_finish (client, sb_test_run_until (&result), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (models->len, ==, 3);
  g_assert_cmpstr (((SbLlmModel *) g_ptr_array_index (models, 0))->id, ==, "llama3.2:latest");

  g_clear_object (&result);
  sb_chat_request_add_user_text (request, "describe this reference");
  sb_chat_request_add_image (request, image, "image/png");
  sb_llm_client_complete_async (client, request, NULL, sb_test_store_result_cb, &result);
  answer = sb_llm_client_complete_finish (client, sb_test_run_until (&result), &error);
  g_assert_no_error (error);
  g_assert_nonnull (answer->text);
  g_assert_cmpint (answer->provider, ==, SB_PROVIDER_OPENAI_COMPATIBLE);

  /* Both requests went to the Ollama paths; no key was configured, and
   * none was sent. */
  entries = fake_requests (NULL);
  for (guint i = 0; i < entries->len; i++)
    {
      JsonObject *entry = g_ptr_array_index (entries, i);

      if (!g_str_has_prefix (json_object_get_string_member_with_default (entry, "path", ""), "/ollama/"))
        continue;
      n_ollama++;
      g_assert_false (json_object_get_boolean_member_with_default (entry, "has_authorization", FALSE));
    }
  g_assert_cmpuint (n_ollama, ==, 2);
}

/* A request that gets no answer in time: a repeatable one is sent again,
 * but one that may have made something at the provider (a prediction
 * create) never is — that could pay twice. */
static SbHttpResponse *
send_slow (SbHttp           *http,
           SbHttpRetryClass  retry_class,
           const char       *fault,
           GError          **error)
{
  g_autofree char *url = g_strconcat (base_url, "/v1/chat/completions", NULL);
  g_autoptr(SbHttpRequest) request = sb_http_request_new (SB_PROVIDER_OPENAI, "POST", url);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();

  json_parser_load_from_data (parser, "{\"model\":\"gpt-4o\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}", -1, NULL);
  sb_http_request_set_api_key (request, KEY);
  sb_http_request_set_json (request, json_parser_get_root (parser));
  sb_http_request_set_retry_class (request, retry_class);
  sb_http_request_set_timeout (request, 1);
  sb_http_request_add_header (request, "X-Fake-Fault", fault);

  sb_http_send_async (http, request, NULL, sb_test_store_result_cb, &result);
  return sb_http_send_finish (http, sb_test_run_until (&result), error);
}

static void
test_timeout (void)
{
  RetryLog log = { 0 };
  g_autoptr(SbHttp) http = new_http (&log);
  g_autoptr(SbHttpResponse) response = NULL;
  g_autoptr(GError) error = NULL;

  /* A create: one attempt, then TIMEOUT. */
  fake_reset ();
  response = send_slow (http, SB_HTTP_RETRY_CREATE, "slow=3", &error);
  g_assert_null (response);
  g_assert_error (error, SB_PROVIDER_ERROR, SB_PROVIDER_ERROR_TIMEOUT);
  g_assert_cmpuint (sb_provider_error_get_attempts (error), ==, 1);
  g_assert_cmpuint (log.retries, ==, 0);
  g_assert_cmpuint (fake_count ("openai"), ==, 1);
  g_clear_error (&error);

  /* A repeatable request: the second attempt is answered. */
  fake_reset ();
  log = (RetryLog) { 0 };
  response = send_slow (http, SB_HTTP_RETRY_REPEATABLE, "slow=3*1", &error);
  g_assert_no_error (error);
  g_assert_nonnull (response);
  g_assert_cmpuint (log.retries, ==, 1);
  g_assert_cmpint (log.last_wait, ==, SB_RETRY_WAIT_BACKOFF);
  g_assert_cmpuint (fake_count ("openai"), ==, 2);
}

static void
test_fallback_chain (void)
{
  g_autoptr(SbHttp) http = new_http (NULL);
  g_autoptr(SbLlmClient) openrouter = new_llm (http, SB_PROVIDER_OPENROUTER, KEY);
  g_autoptr(SbLlmClient) anthropic = new_llm (http, SB_PROVIDER_ANTHROPIC, KEY);
  g_autoptr(SbLlmChain) chain = sb_llm_chain_new ();
  g_autoptr(SbChatRequest) request = sb_chat_request_new ();
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(SbChatResult) answer = NULL;

  sb_http_set_max_attempts (http, 2);
  sb_chat_request_add_user_text (request, "three scenes of a harbour");
  sb_llm_chain_append (chain, openrouter);
  sb_llm_chain_append (chain, anthropic);

  /* OpenRouter is down: Anthropic answers. */
  fake_reset ();
  fake_add_fault ("openrouter-chat:503");
  sb_llm_chain_complete_async (chain, request, NULL, sb_test_store_result_cb, &result);
  answer = sb_llm_chain_complete_finish (chain, sb_test_run_until (&result), &error);
  g_assert_no_error (error);
  g_assert_cmpint (answer->provider, ==, SB_PROVIDER_ANTHROPIC);
  g_assert_cmpuint (answer->failures->len, ==, 1);
  g_assert_error ((GError *) g_ptr_array_index (answer->failures, 0), SB_PROVIDER_ERROR, SB_PROVIDER_ERROR_SERVER);
  g_assert_cmpuint (fake_count ("openrouter"), ==, 2);
  g_assert_cmpuint (fake_count ("anthropic"), ==, 1);
  g_clear_object (&result);
  g_clear_pointer (&answer, sb_chat_result_free);

  /* A rejected key is the user's to fix: no fallback. */
  fake_reset ();
  sb_llm_client_set_api_key (openrouter, "bad-key");
  sb_llm_chain_complete_async (chain, request, NULL, sb_test_store_result_cb, &result);
  answer = sb_llm_chain_complete_finish (chain, sb_test_run_until (&result), &error);
  g_assert_null (answer);
  g_assert_error (error, SB_PROVIDER_ERROR, SB_PROVIDER_ERROR_AUTH);
  g_assert_cmpuint (fake_count ("anthropic"), ==, 0);
}

static void
test_offline (void)
{
  g_autoptr(SbHttp) http = new_http (NULL);
  g_autoptr(SbLlmClient) client = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(SbChatResult) result = NULL;
  g_autoptr(GSocket) socket = NULL;
  g_autoptr(GSocketAddress) address = NULL;
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) bound = NULL;
  g_autofree char *url = NULL;

  /* A port nobody listens on: bind, note it, close. */
  socket = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP, NULL);
  address = g_inet_socket_address_new (loopback, 0);
  g_socket_bind (socket, address, TRUE, NULL);
  bound = g_socket_get_local_address (socket, NULL);
  url = g_strdup_printf ("http://127.0.0.1:%u/v1", g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound)));
  g_socket_close (socket, NULL);

  sb_provider_config_set_base_url (sb_http_get_config (http), SB_PROVIDER_OPENAI_COMPATIBLE, url);
  client = sb_openai_client_new (http, SB_PROVIDER_OPENAI_COMPATIBLE);
  sb_llm_client_set_model (client, "llama3.2");
  result = complete (client, "hello", NULL, &error);
  g_assert_error (error, SB_PROVIDER_ERROR, SB_PROVIDER_ERROR_OFFLINE);
  /* Nothing reached a server: retried, then given up. */
  g_assert_cmpuint (sb_provider_error_get_attempts (error), ==, 4);
  g_assert_cmpint (sb_provider_error_get_wait (error), ==, SB_RETRY_WAIT_BACKOFF);
}

static void
test_cancel (void)
{
  g_autoptr(SbHttp) http = new_http (NULL);
  g_autoptr(SbLlmClient) client = new_llm (http, SB_PROVIDER_OPENAI, KEY);
  g_autoptr(SbChatRequest) request = sb_chat_request_new ();
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(SbChatResult) answer = NULL;

  fake_reset ();
  sb_chat_request_add_user_text (request, "a long one [fake:slow=20]");
  sb_llm_client_complete_async (client, request, cancellable, sb_test_store_result_cb, &result);
  g_timeout_add_once (100, (GSourceOnceFunc) g_cancellable_cancel, cancellable);
  answer = sb_llm_client_complete_finish (client, sb_test_run_until (&result), &error);
  g_assert_null (answer);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
}

/* ---- main ---- */

/* The fake dies with the test, even when a test crashes. */
static void
child_setup (gpointer user_data)
{
  prctl (PR_SET_PDEATHSIG, SIGTERM);
}

static gboolean
start_fake (void)
{
  const char *path = g_getenv ("SB_FAKE_PROVIDERS");
  g_autofree char *fallback = NULL;
  g_autoptr(GDataInputStream) input = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *line = NULL;
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autofree char *replicate = NULL;
  g_autofree char *openrouter = NULL;
  g_autofree char *openai = NULL;

  if (path == NULL || *path == '\0')
    path = fallback = g_test_build_filename (G_TEST_BUILT, "fake-providers", "sb-fake-providers", NULL);

  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE);
  g_subprocess_launcher_set_child_setup (launcher, child_setup, NULL, NULL);
  fake = g_subprocess_launcher_spawn (launcher, &error,
                                      path, "--files-host", "localhost",
                                      "--prediction-seconds", "0.3",
                                      "--sse-delay-ms", "1",
                                      NULL);
  g_assert_no_error (error);

  input = g_data_input_stream_new (g_subprocess_get_stdout_pipe (fake));
  line = g_data_input_stream_read_line (input, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (line);
  g_assert_true (g_str_has_prefix (line, "listening on http://"));
  base_url = g_strdup (line + strlen ("listening on "));

  replicate = g_strconcat (base_url, "/v1", NULL);
  openrouter = g_strconcat (base_url, "/api/v1", NULL);
  openai = g_strconcat (base_url, "/v1", NULL);
  g_setenv ("STORYBOARD_REPLICATE_BASE_URL", replicate, TRUE);
  g_setenv ("STORYBOARD_OPENROUTER_BASE_URL", openrouter, TRUE);
  g_setenv ("STORYBOARD_OPENAI_BASE_URL", openai, TRUE);
  g_setenv ("STORYBOARD_ANTHROPIC_BASE_URL", base_url, TRUE);

  control = soup_session_new ();
  return TRUE;
}

int
main (int   argc,
      char *argv[])
{
  int ret;

  /* Isolated XDG dirs hide the GNOME proxy settings schemas; loopback
   * needs no proxy anyway. */
  g_setenv ("GIO_USE_PROXY_RESOLVER", "dummy", TRUE);
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  start_fake ();

  g_test_add_func ("/sb/providers/http/replicate/auth", test_replicate_auth);
  g_test_add_func ("/sb/providers/http/replicate/catalogue", test_replicate_catalogue);
  g_test_add_func ("/sb/providers/http/replicate/run-and-download", test_replicate_run_and_download);
  g_test_add_func ("/sb/providers/http/replicate/sync-mode", test_replicate_sync_mode);
  g_test_add_func ("/sb/providers/http/replicate/iterator-output", test_replicate_iterator_output);
  g_test_add_func ("/sb/providers/http/replicate/truncated-download", test_replicate_truncated_download);
  g_test_add_func ("/sb/providers/http/replicate/429-hint", test_replicate_429_hint);
  g_test_add_func ("/sb/providers/http/replicate/429-retry-after", test_replicate_429_retry_after);
  g_test_add_func ("/sb/providers/http/replicate/429-bare", test_replicate_429_bare);
  g_test_add_func ("/sb/providers/http/replicate/429-forever", test_replicate_429_forever);
  g_test_add_func ("/sb/providers/http/replicate/503", test_replicate_503);
  g_test_add_func ("/sb/providers/http/replicate/500-not-repeated", test_replicate_500_not_repeated);
  g_test_add_func ("/sb/providers/http/replicate/502-not-repeated", test_replicate_502_not_repeated);
  g_test_add_func ("/sb/providers/http/replicate/402", test_replicate_402);
  g_test_add_func ("/sb/providers/http/replicate/422", test_replicate_422);
  g_test_add_func ("/sb/providers/http/replicate/get-retried", test_replicate_get_retried);
  g_test_add_func ("/sb/providers/http/replicate/cancel", test_replicate_cancel);
  g_test_add_func ("/sb/providers/http/replicate/file-input", test_replicate_file_input);
  g_test_add_func ("/sb/providers/http/llm/plain", test_llm_plain);
  g_test_add_func ("/sb/providers/http/llm/streaming", test_llm_streaming);
  g_test_add_func ("/sb/providers/http/llm/auth", test_llm_auth);
  g_test_add_func ("/sb/providers/http/llm/models", test_llm_models);
  g_test_add_func ("/sb/providers/http/openai/quota", test_openai_quota);
  g_test_add_func ("/sb/providers/http/openai/rate-limited", test_openai_rate_limited);
  g_test_add_func ("/sb/providers/http/anthropic/overloaded", test_anthropic_overloaded);
  g_test_add_func ("/sb/providers/http/anthropic/429-no-retry-after", test_anthropic_429_without_retry_after);
  g_test_add_func ("/sb/providers/http/anthropic/429-retry-after", test_anthropic_429_retry_after);
  g_test_add_func ("/sb/providers/http/openrouter/retry-after", test_openrouter_retry_after);
  g_test_add_func ("/sb/providers/http/openrouter/200-error", test_openrouter_200_error);
  g_test_add_func ("/sb/providers/http/openrouter/stream-error", test_openrouter_stream_error);
  g_test_add_func ("/sb/providers/http/openrouter/moderation", test_openrouter_moderation);
  g_test_add_func ("/sb/providers/http/ollama", test_ollama);
  g_test_add_func ("/sb/providers/http/timeout", test_timeout);
  g_test_add_func ("/sb/providers/http/chain/fallback", test_fallback_chain);
  g_test_add_func ("/sb/providers/http/offline", test_offline);
  g_test_add_func ("/sb/providers/http/cancel", test_cancel);

  ret = g_test_run ();

  g_subprocess_force_exit (fake);
  g_subprocess_wait (fake, NULL, NULL);
  g_clear_object (&fake);
  g_clear_object (&control);
  g_free (base_url);

  return ret;
}
