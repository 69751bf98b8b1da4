/* test-providers.c
 *
 * Copyright 2026 The Storyboard authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "sb-anthropic-client.h"
#include "sb-http.h"
#include "sb-network.h"
#include "sb-openai-client.h"
#include "sb-replicate-client.h"
#include "sb-secrets.h"

static JsonNode *
load_json (const char *vendor,
           const char *name)
{
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "data", "providers", vendor, name, NULL);
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;

  json_parser_load_from_file (parser, path, &error);
  g_assert_no_error (error);

  return json_node_copy (json_parser_get_root (parser));
}

static GBytes *
load_bytes (const char *vendor,
            const char *name)
{
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "data", "providers", vendor, name, NULL);
  g_autoptr(GError) error = NULL;
  char *contents;
  gsize len;

  g_file_get_contents (path, &contents, &len, &error);
  g_assert_no_error (error);

  return g_bytes_new_take (contents, len);
}

/* ---- errors ---- */

static void
test_status_mapping (void)
{
  static const struct { SbProviderKind kind; guint status; const char *code; SbProviderError expected; } cases[] = {
    { SB_PROVIDER_REPLICATE, 401, NULL, SB_PROVIDER_ERROR_AUTH },
    { SB_PROVIDER_REPLICATE, 402, NULL, SB_PROVIDER_ERROR_NO_CREDIT },
    { SB_PROVIDER_REPLICATE, 403, NULL, SB_PROVIDER_ERROR_AUTH },
    { SB_PROVIDER_OPENROUTER, 403, NULL, SB_PROVIDER_ERROR_REFUSED },
    { SB_PROVIDER_REPLICATE, 404, NULL, SB_PROVIDER_ERROR_NOT_FOUND },
    { SB_PROVIDER_REPLICATE, 422, NULL, SB_PROVIDER_ERROR_INVALID_INPUT },
    { SB_PROVIDER_ANTHROPIC, 400, NULL, SB_PROVIDER_ERROR_INVALID_INPUT },
    { SB_PROVIDER_ANTHROPIC, 413, NULL, SB_PROVIDER_ERROR_INVALID_INPUT },
    { SB_PROVIDER_OPENAI, 429, "rate_limit_exceeded", SB_PROVIDER_ERROR_RATE_LIMITED },
    { SB_PROVIDER_OPENAI, 429, "insufficient_quota", SB_PROVIDER_ERROR_NO_CREDIT },
    { SB_PROVIDER_ANTHROPIC, 402, "billing_error", SB_PROVIDER_ERROR_NO_CREDIT },
    { SB_PROVIDER_ANTHROPIC, 529, "overloaded_error", SB_PROVIDER_ERROR_SERVER },
    { SB_PROVIDER_OPENROUTER, 502, NULL, SB_PROVIDER_ERROR_SERVER },
    { SB_PROVIDER_OPENROUTER, 524, NULL, SB_PROVIDER_ERROR_TIMEOUT },
    { SB_PROVIDER_OPENROUTER, 408, NULL, SB_PROVIDER_ERROR_TIMEOUT },
    { SB_PROVIDER_ANTHROPIC, 504, NULL, SB_PROVIDER_ERROR_TIMEOUT },
    { SB_PROVIDER_REPLICATE, 500, NULL, SB_PROVIDER_ERROR_SERVER },
    { SB_PROVIDER_OPENAI, 200, NULL, SB_PROVIDER_ERROR_BAD_RESPONSE },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    g_assert_cmpint (sb_provider_error_code_from_status (cases[i].kind, cases[i].status, cases[i].code),
                     ==, cases[i].expected);
}

static void
test_error_bodies (void)
{
  {
    /* Replicate 422 with invalid_fields: per-field messages. */
    const char *body =
      "{\"detail\":\"- input: prompt is required\\n- input.num_inference_steps: Must be less than or equal to 4\\n\","
      "\"status\":422,\"title\":\"Input validation failed\",\"invalid_fields\":["
      "{\"type\":\"required\",\"field\":\"input\",\"description\":\"prompt is required\"},"
      "{\"type\":\"number_lte\",\"field\":\"input.num_inference_steps\",\"description\":\"Must be less than or equal to 4\"}]}";
    g_autoptr(GBytes) bytes = g_bytes_new_static (body, strlen (body));
    g_autoptr(GError) error = sb_provider_error_new_from_response (SB_PROVIDER_REPLICATE, 422, NULL, bytes, NULL);
    GHashTable *fields;

    g_assert_error (error, SB_PROVIDER_ERROR, SB_PROVIDER_ERROR_INVALID_INPUT);
    g_assert_cmpuint (sb_provider_error_get_status (error), ==, 422);
    fields = sb_provider_error_get_fields (error);
    g_assert_nonnull (fields);
    g_assert_cmpstr (g_hash_table_lookup (fields, "prompt"), ==, "prompt is required");
    g_assert_cmpstr (g_hash_table_lookup (fields, "num_inference_steps"), ==, "Must be less than or equal to 4");
    g_assert_true (g_str_has_prefix (error->message, "Replicate rejected the request: - input: prompt is required"));

    /* Details survive a copy (GTask copies nothing, but callers do). */
    {
      g_autoptr(GError) copy = g_error_copy (error);
      g_assert_cmpstr (g_hash_table_lookup (sb_provider_error_get_fields (copy), "prompt"), ==, "prompt is required");
    }
  }

  {
    g_autoptr(GBytes) bytes = load_bytes ("replicate", "run__invalid-token--1-POST-predictions.json");
    g_autoptr(GError) error = sb_provider_error_new_from_response (SB_PROVIDER_REPLICATE, 401, NULL, bytes, NULL);

    g_assert_error (error, SB_PROVIDER_ERROR, SB_PROVIDER_ERROR_AUTH);
    g_assert_cmpstr (error->message, ==, "Replicate rejected the API key. Check it in Preferences.");
    g_assert_cmpstr (sb_provider_error_get_detail (error), ==, "You did not pass a valid authentication token");
  }

  {
    g_autoptr(GBytes) bytes = load_bytes ("anthropic", "message--429-rate-limit-error.json");
    g_autoptr(SoupMessageHeaders) headers = soup_message_headers_new (SOUP_MESSAGE_HEADERS_RESPONSE);
    g_autoptr(GError) error = NULL;

    soup_message_headers_append (headers, "retry-after", "7");
    error = sb_provider_error_new_from_response (SB_PROVIDER_ANTHROPIC, 429, headers, bytes, NULL);
    g_assert_error (error, SB_PROVIDER_ERROR, SB_PROVIDER_ERROR_RATE_LIMITED);
    g_assert_cmpstr (sb_provider_error_get_vendor_code (error), ==, "rate_limit_error");
    g_assert_nonnull (sb_provider_error_get_request_id (error));
    g_assert_cmpint (sb_provider_error_get_retry_after_ms (error), ==, 7000);
  }

  {
    /* OpenAI insufficient_quota is a 429 that means "no credit". */
    const char *body = "{\"error\":{\"message\":\"You exceeded your current quota\",\"type\":\"insufficient_quota\",\"param\":null,\"code\":\"insufficient_quota\"}}";
    g_autoptr(GBytes) bytes = g_bytes_new_static (body, strlen (body));
    g_autoptr(GError) error = sb_provider_error_new_from_response (SB_PROVIDER_OPENAI, 429, NULL, bytes, NULL);

    g_assert_error (error, SB_PROVIDER_ERROR, SB_PROVIDER_ERROR_NO_CREDIT);
  }

  {
    /* A key echoed by the server never reaches the error. */
    const char *body = "{\"error\":{\"message\":\"Incorrect API key provided: sk-secret-123456. Check it.\",\"type\":\"invalid_request_error\",\"code\":\"invalid_api_key\"}}";
    g_autoptr(GBytes) bytes = g_bytes_new_static (body, strlen (body));
    g_autoptr(GError) error = sb_provider_error_new_from_response (SB_PROVIDER_OPENAI, 401, NULL, bytes, "sk-secret-123456");

    g_assert_error (error, SB_PROVIDER_ERROR, SB_PROVIDER_ERROR_AUTH);
    g_assert_null (strstr (error->message, "sk-secret"));
    g_assert_null (strstr (sb_provider_error_get_detail (error), "sk-secret"));
    g_assert_nonnull (strstr (sb_provider_error_get_detail (error), "***"));
  }

  {
    /* An HTML proxy page: still a SERVER error, no crash. */
    const char *body = "<html><body>502 Bad Gateway</body></html>";
    g_autoptr(GBytes) bytes = g_bytes_new_static (body, strlen (body));
    g_autoptr(GError) error = sb_provider_error_new_from_response (SB_PROVIDER_REPLICATE, 502, NULL, bytes, NULL);

    g_assert_error (error, SB_PROVIDER_ERROR, SB_PROVIDER_ERROR_SERVER);
    g_assert_null (sb_provider_error_get_detail (error));
  }

  {
    g_autoptr(GError) io = g_error_new_literal (G_IO_ERROR, G_IO_ERROR_CONNECTION_REFUSED, "refused");
    g_autoptr(GError) local = sb_provider_error_new_from_transport (SB_PROVIDER_OPENAI_COMPATIBLE, io);
    g_autoptr(GError) cancelled = g_error_new_literal (G_IO_ERROR, G_IO_ERROR_CANCELLED, "x");
    g_autoptr(GError) still_cancelled = sb_provider_error_new_from_transport (SB_PROVIDER_OPENAI, cancelled);

    g_assert_error (local, SB_PROVIDER_ERROR, SB_PROVIDER_ERROR_OFFLINE);
    g_assert_nonnull (strstr (local->message, "local model server"));
    g_assert_error (still_cancelled, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  }
}

static void
test_retry_after (void)
{
  g_autoptr(SoupMessageHeaders) headers = soup_message_headers_new (SOUP_MESSAGE_HEADERS_RESPONSE);

  g_assert_cmpint (sb_provider_parse_retry_after (SB_PROVIDER_OPENAI, headers, NULL), ==, -1);
  soup_message_headers_replace (headers, "Retry-After", "2.5");
  g_assert_cmpint (sb_provider_parse_retry_after (SB_PROVIDER_OPENAI, headers, NULL), ==, 2500);
  soup_message_headers_replace (headers, "retry-after-ms", "120");
  g_assert_cmpint (sb_provider_parse_retry_after (SB_PROVIDER_OPENAI, headers, NULL), ==, 120);
  g_assert_cmpint (sb_provider_parse_retry_after (SB_PROVIDER_REPLICATE, NULL,
                                                  "{\"detail\":\"Request was throttled. Your rate limit resets in ~30s.\"}"),
                   ==, 30000);
  /* The hint is Replicate's; others do not write it. */
  g_assert_cmpint (sb_provider_parse_retry_after (SB_PROVIDER_OPENAI, NULL, "resets in ~30s"), ==, -1);
}

static SbRetryDecision
decide (SbProviderKind    kind,
        SbHttpRetryClass  klass,
        guint             status,
        const char       *retry_after,
        const char       *body,
        guint             attempts)
{
  g_autoptr(SoupMessageHeaders) headers = soup_message_headers_new (SOUP_MESSAGE_HEADERS_RESPONSE);
  g_autoptr(GBytes) bytes = body ? g_bytes_new (body, strlen (body)) : NULL;

  if (retry_after != NULL)
    soup_message_headers_replace (headers, "Retry-After", retry_after);

  return sb_http_decide_retry (kind, klass, status, headers, bytes, NULL, attempts, 4, 1.0);
}

static void
test_retry_policy (void)
{
  SbRetryDecision d;

  /* Never retried. */
  for (guint i = 0; i < 5; i++)
    {
      static const guint never[] = { 400, 401, 402, 403, 422 };
      d = decide (SB_PROVIDER_REPLICATE, SB_HTTP_RETRY_IDEMPOTENT, never[i], NULL, NULL, 1);
      g_assert_false (d.retry);
      g_assert_cmpint (d.wait, ==, SB_RETRY_WAIT_NONE);
    }
  d = decide (SB_PROVIDER_OPENAI, SB_HTTP_RETRY_REPEATABLE, 429, NULL,
              "{\"error\":{\"type\":\"insufficient_quota\",\"code\":\"insufficient_quota\"}}", 1);
  g_assert_false (d.retry);
  /* Anthropic's 429 without retry-after is a spend cap. */
  d = decide (SB_PROVIDER_ANTHROPIC, SB_HTTP_RETRY_REPEATABLE, 429, NULL, NULL, 1);
  g_assert_false (d.retry);

  /* Retry-After honoured, capped; far-away hints end the retries. */
  d = decide (SB_PROVIDER_ANTHROPIC, SB_HTTP_RETRY_REPEATABLE, 429, "3", NULL, 1);
  g_assert_true (d.retry);
  g_assert_cmpint (d.wait, ==, SB_RETRY_WAIT_RETRY_AFTER);
  g_assert_cmpint (d.delay_ms, ==, 3000);
  d = decide (SB_PROVIDER_OPENROUTER, SB_HTTP_RETRY_REPEATABLE, 503, "90", NULL, 1);
  g_assert_cmpint (d.delay_ms, ==, SB_HTTP_MAX_RETRY_AFTER_MS);
  d = decide (SB_PROVIDER_OPENROUTER, SB_HTTP_RETRY_REPEATABLE, 429, "600", NULL, 1);
  g_assert_false (d.retry);

  /* Replicate's text hint. */
  d = decide (SB_PROVIDER_REPLICATE, SB_HTTP_RETRY_CREATE, 429, NULL,
              "{\"detail\":\"Request was throttled. Your rate limit resets in ~4s.\"}", 1);
  g_assert_true (d.retry);
  g_assert_cmpint (d.wait, ==, SB_RETRY_WAIT_RETRY_AFTER);
  g_assert_cmpint (d.delay_ms, ==, 4000);

  /* Backoff with jitter, growing. */
  d = decide (SB_PROVIDER_ANTHROPIC, SB_HTTP_RETRY_REPEATABLE, 529, NULL, NULL, 1);
  g_assert_true (d.retry);
  g_assert_cmpint (d.wait, ==, SB_RETRY_WAIT_BACKOFF);
  g_assert_cmpint (d.delay_ms, >=, 375);
  g_assert_cmpint (d.delay_ms, <=, 625);
  d = decide (SB_PROVIDER_ANTHROPIC, SB_HTTP_RETRY_REPEATABLE, 529, NULL, NULL, 3);
  g_assert_cmpint (d.delay_ms, >=, 1500);
  g_assert_cmpint (d.delay_ms, <=, 2500);

  /* Creates: 429/503 without a prediction yes; 500/502/504 no (may exist). */
  g_assert_true (decide (SB_PROVIDER_REPLICATE, SB_HTTP_RETRY_CREATE, 503, NULL, "{\"detail\":\"Service Unavailable\"}", 1).retry);
  g_assert_false (decide (SB_PROVIDER_REPLICATE, SB_HTTP_RETRY_CREATE, 503, NULL, "{\"id\":\"abc\",\"status\":\"starting\"}", 1).retry);
  g_assert_false (decide (SB_PROVIDER_REPLICATE, SB_HTTP_RETRY_CREATE, 500, NULL, NULL, 1).retry);
  g_assert_false (decide (SB_PROVIDER_REPLICATE, SB_HTTP_RETRY_CREATE, 502, NULL, NULL, 1).retry);
  g_assert_true (decide (SB_PROVIDER_REPLICATE, SB_HTTP_RETRY_IDEMPOTENT, 502, NULL, NULL, 1).retry);

  /* Attempts run out. */
  g_assert_false (decide (SB_PROVIDER_REPLICATE, SB_HTTP_RETRY_IDEMPOTENT, 503, NULL, NULL, 4).retry);

  /* Transport errors: a timeout repeats a GET, never a create; a refused
   * connection reached nobody, so even a create may go again. */
  {
    g_autoptr(GError) timeout = g_error_new_literal (G_IO_ERROR, G_IO_ERROR_TIMED_OUT, "t");
    g_autoptr(GError) refused = g_error_new_literal (G_IO_ERROR, G_IO_ERROR_CONNECTION_REFUSED, "r");

    g_assert_true (sb_http_decide_retry (SB_PROVIDER_REPLICATE, SB_HTTP_RETRY_IDEMPOTENT, 0, NULL, NULL, timeout, 1, 4, 1).retry);
    g_assert_false (sb_http_decide_retry (SB_PROVIDER_REPLICATE, SB_HTTP_RETRY_CREATE, 0, NULL, NULL, timeout, 1, 4, 1).retry);
    g_assert_true (sb_http_decide_retry (SB_PROVIDER_REPLICATE, SB_HTTP_RETRY_CREATE, 0, NULL, NULL, refused, 1, 4, 1).retry);
  }

  /* The scale shrinks every wait. */
  {
    g_autoptr(SoupMessageHeaders) headers = soup_message_headers_new (SOUP_MESSAGE_HEADERS_RESPONSE);

    soup_message_headers_replace (headers, "Retry-After", "10");
    d = sb_http_decide_retry (SB_PROVIDER_OPENAI, SB_HTTP_RETRY_REPEATABLE, 429, headers, NULL, NULL, 1, 4, 0.001);
    g_assert_cmpint (d.delay_ms, ==, 10);
  }
}

/* ---- configuration ---- */

static void
test_config (void)
{
  g_autoptr(SbProviderConfig) config = sb_provider_config_new ();
  g_autofree char *url = NULL;

  url = sb_provider_config_dup_base_url (config, SB_PROVIDER_OPENROUTER);
  g_assert_cmpstr (url, ==, "https://openrouter.ai/api/v1");
  g_clear_pointer (&url, g_free);

  g_assert_null (sb_provider_config_dup_base_url (config, SB_PROVIDER_OPENAI_COMPATIBLE));
  sb_provider_config_set_base_url (config, SB_PROVIDER_OPENAI_COMPATIBLE, "http://localhost:11434/v1/");
  url = sb_provider_config_build_url (config, SB_PROVIDER_OPENAI_COMPATIBLE, "/chat/completions");
  g_assert_cmpstr (url, ==, "http://localhost:11434/v1/chat/completions");
  g_clear_pointer (&url, g_free);

  /* Environment overrides win; an empty variable counts as unset. */
  sb_provider_config_set_base_url (config, SB_PROVIDER_REPLICATE, "https://example.invalid/v1");
  g_setenv ("STORYBOARD_REPLICATE_BASE_URL", "", TRUE);
  url = sb_provider_config_dup_base_url (config, SB_PROVIDER_REPLICATE);
  g_assert_cmpstr (url, ==, "https://example.invalid/v1");
  g_clear_pointer (&url, g_free);
  g_setenv ("STORYBOARD_REPLICATE_BASE_URL", "http://127.0.0.1:9/v1", TRUE);
  url = sb_provider_config_dup_base_url (config, SB_PROVIDER_REPLICATE);
  g_assert_cmpstr (url, ==, "http://127.0.0.1:9/v1");
  g_clear_pointer (&url, g_free);

  /* Own hosts: base host and port, plus Replicate's file hosts. */
  g_assert_true (sb_provider_config_is_own_url (config, SB_PROVIDER_REPLICATE, "http://127.0.0.1:9/v1/predictions"));
  g_assert_false (sb_provider_config_is_own_url (config, SB_PROVIDER_REPLICATE, "http://127.0.0.1:10/v1/predictions"));
  g_assert_false (sb_provider_config_is_own_url (config, SB_PROVIDER_REPLICATE, "http://localhost:9/v1/predictions"));
  g_assert_true (sb_provider_config_is_own_url (config, SB_PROVIDER_REPLICATE, "https://replicate.delivery/pbxt/x/out-0.png"));
  g_assert_true (sb_provider_config_is_own_url (config, SB_PROVIDER_REPLICATE, "https://tjzk.replicate.delivery/x.png"));
  g_assert_false (sb_provider_config_is_own_url (config, SB_PROVIDER_REPLICATE, "https://evilreplicate.delivery/x.png"));
  g_assert_false (sb_provider_config_is_own_url (config, SB_PROVIDER_REPLICATE, "http://replicate.delivery/x.png"));
  g_assert_false (sb_provider_config_is_own_url (config, SB_PROVIDER_OPENAI, "https://replicate.delivery/x.png"));
  g_unsetenv ("STORYBOARD_REPLICATE_BASE_URL");

  g_assert_true (sb_network_url_is_local ("http://localhost:11434/v1"));
  g_assert_true (sb_network_url_is_local ("http://127.0.0.2:8080"));
  g_assert_true (sb_network_url_is_local ("http://[::1]:8080"));
  g_assert_false (sb_network_url_is_local ("https://api.openai.com/v1"));
  g_assert_true (sb_network_can_use_provider (config, SB_PROVIDER_OPENAI_COMPATIBLE));
}

/* ---- Replicate objects ---- */

static void
test_predictions (void)
{
  g_autoptr(GError) error = NULL;

  {
    g_autoptr(JsonNode) node = load_json ("replicate", "predictions-cancel--4-POST-predictions.json");
    g_autoptr(SbPrediction) p = sb_prediction_new_from_json (node, &error);

    g_assert_no_error (error);
    g_assert_cmpstr (p->id, ==, "hdwst0bb05rgp0cf0p29mzk2am");
    g_assert_cmpint (p->status, ==, SB_PREDICTION_STARTING);
    g_assert_false (sb_prediction_status_is_terminal (p->status));
    g_assert_null (p->output);
    g_assert_cmpuint (g_strv_length (p->outputs), ==, 0);
    g_assert_null (p->completed_at);
    g_assert_cmpfloat (p->predict_time, ==, -1);
    g_assert_cmpstr (p->url_get, ==, "https://api.replicate.com/v1/predictions/hdwst0bb05rgp0cf0p29mzk2am");
    g_assert_nonnull (p->created_at);
  }

  {
    g_autoptr(JsonNode) node = load_json ("replicate", "predictions-get--1-GET-predictions-vgcm4plb7tgzlyznry5d5jkgvu.json");
    g_autoptr(SbPrediction) p = sb_prediction_new_from_json (node, &error);

    g_assert_no_error (error);
    g_assert_cmpint (p->status, ==, SB_PREDICTION_SUCCEEDED);
    g_assert_cmpuint (g_strv_length (p->outputs), ==, 1);
    g_assert_cmpstr (p->outputs[0], ==, "https://replicate.delivery/pbxt/9inf36wjsEWuQ6XTf84iezPftv9QZdePfGySnU5tUai3BOrWE/out-0.png");
    /* "2023-08-16T18:57:12.17042Z": five fractional digits. */
    g_assert_cmpint (g_date_time_get_microsecond (p->completed_at), ==, 170420);
    g_assert_cmpfloat_with_epsilon (p->predict_time, 3.804328, 1e-9);
    g_assert_cmpint (sb_prediction_get_progress (p), ==, 100);
    g_assert_true (sb_prediction_check (p, NULL));
  }

  {
    g_autoptr(JsonNode) node = load_json ("replicate", "predictions-cancel--5-POST-predictions-hdwst0bb05rgp0cf0p29mzk2am-cancel.json");
    g_autoptr(SbPrediction) p = sb_prediction_new_from_json (node, &error);

    g_assert_no_error (error);
    g_assert_cmpint (p->status, ==, SB_PREDICTION_CANCELED);
    g_assert_true (sb_prediction_status_is_terminal (p->status));
    g_assert_null (p->logs);
    g_assert_false (sb_prediction_check (p, &error));
    g_assert_error (error, SB_PROVIDER_ERROR, SB_PROVIDER_ERROR_FAILED);
    g_clear_error (&error);
  }

  {
    /* Sync mode: "processing" with a data: URI output already there. */
    g_autoptr(JsonNode) node = load_json ("replicate", "test_predictions_create_blocking-False-10--3-POST-predictions.json");
    g_autoptr(SbPrediction) p = sb_prediction_new_from_json (node, &error);
    g_autoptr(GBytes) bytes = NULL;
    g_autofree char *mime = NULL;

    g_assert_no_error (error);
    g_assert_cmpint (p->status, ==, SB_PREDICTION_PROCESSING);
    g_assert_cmpuint (g_strv_length (p->outputs), ==, 1);
    g_assert_true (g_str_has_prefix (p->outputs[0], "data:image/png;base64,"));

    bytes = soup_uri_decode_data_uri (p->outputs[0], NULL);
    g_assert_true (sb_http_check_media (SB_PROVIDER_REPLICATE, bytes, "image/png", &mime, &error));
    g_assert_no_error (error);
    g_assert_cmpstr (mime, ==, "image/png");
    /* A PNG claiming to be a JPEG is refused. */
    g_assert_false (sb_http_check_media (SB_PROVIDER_REPLICATE, bytes, "image/jpeg", NULL, &error));
    g_assert_error (error, SB_PROVIDER_ERROR, SB_PROVIDER_ERROR_BAD_RESPONSE);
    g_clear_error (&error);
  }

  {
    /* A language model: text tokens, no file outputs. */
    g_autoptr(JsonNode) node = load_json ("replicate", "test_models_predictions_create_blocking-False-10--1-POST-models-meta-meta-llama-3-8b-instruct-predictions.json");
    g_autoptr(SbPrediction) p = sb_prediction_new_from_json (node, &error);
    g_autofree char *text = NULL;

    g_assert_no_error (error);
    g_assert_cmpuint (g_strv_length (p->outputs), ==, 0);
    text = sb_prediction_dup_text (p);
    g_assert_true (g_str_has_prefix (text, "\n\nHere is a haiku about llamas"));
    g_assert_nonnull (p->url_stream);
  }

  {
    g_autoptr(JsonNode) node = json_from_string ("{\"id\":\"x\",\"status\":\"processing\",\"logs\":\"Using seed: 1\\n  4%|4         | 2/50 [00:00<00:02, 16.47it/s]\\r 45%|####5     | 9/20 [00:01<00:01]\\n\"}", NULL);
    g_autoptr(SbPrediction) p = sb_prediction_new_from_json (node, &error);

    g_assert_cmpint (sb_prediction_get_progress (p), ==, 45);
  }

  {
    g_autoptr(JsonNode) node = json_from_string ("{\"status\":\"succeeded\"}", NULL);
    g_assert_null (sb_prediction_new_from_json (node, &error));
    g_assert_error (error, SB_PROVIDER_ERROR, SB_PROVIDER_ERROR_BAD_RESPONSE);
  }
}

static void
test_output_shapes (void)
{
  static const struct { const char *json; guint n; const char *first; } cases[] = {
    { "null", 0, NULL },
    { "\"https://replicate.delivery/mgxm/x/out.png\"", 1, "https://replicate.delivery/mgxm/x/out.png" },
    { "[\"https://a/1.png\",\"https://a/2.png\"]", 2, "https://a/1.png" },
    { "\"data:image/png;base64,iVBORw0KGgo=\"", 1, "data:image/png;base64,iVBORw0KGgo=" },
    { "[{\"file\":\"https://a/out.png\"}]", 1, "https://a/out.png" },
    { "{\"image\":\"https://a/i.webp\",\"extra\":{\"video\":\"https://a/v.mp4\"},\"n\":3}", 2, "https://a/i.webp" },
    { "[\"Hello\",\" world\"]", 0, NULL },
    { "42", 0, NULL },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(JsonNode) node = json_from_string (cases[i].json, NULL);
      g_auto(GStrv) urls = sb_replicate_normalize_output (node);

      g_assert_nonnull (urls);
      g_assert_cmpuint (g_strv_length (urls), ==, cases[i].n);
      if (cases[i].first != NULL)
        g_assert_cmpstr (urls[0], ==, cases[i].first);
    }
}

static void
test_collections_and_pages (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) list = load_json ("replicate", "collections-list--1-GET-collections.json");
  g_autoptr(JsonNode) models = load_json ("replicate", "models-list--1-GET-models.json");
  g_autofree char *next = NULL;
  JsonArray *results;

  results = sb_replicate_parse_page (list, &next, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (json_array_get_length (results), ==, 19);
  g_assert_null (next);
  for (guint i = 0; i < json_array_get_length (results); i++)
    {
      g_autoptr(SbReplicateCollection) c = sb_replicate_collection_new_from_json (json_array_get_element (results, i), &error);
      g_assert_no_error (error);
      g_assert_nonnull (c->slug);
    }

  results = sb_replicate_parse_page (models, &next, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (json_array_get_length (results), ==, 25);
  g_assert_true (g_str_has_prefix (next, "https://api.replicate.com/v1/models?cursor="));
}

/* ---- LLM bodies ---- */

static void
test_openai_parsing (void)
{
  g_autoptr(SbChatRequest) request = sb_chat_request_new ();
  g_autoptr(JsonNode) schema = json_from_string ("{\"type\":\"object\",\"properties\":{\"city\":{\"type\":\"string\"}}}", NULL);
  g_autoptr(GError) error = NULL;

  sb_chat_request_set_json_schema (request, "Location", schema);

  {
    g_autoptr(JsonNode) root = load_json ("openai", "completion--structured-json.json");
    g_autoptr(SbChatResult) result = sb_openai_parse_completion (SB_PROVIDER_OPENAI, root, &error);

    g_assert_no_error (error);
    g_assert_cmpint (result->finish, ==, SB_CHAT_FINISH_STOP);
    g_assert_true (sb_chat_result_check (result, request, &error));
    g_assert_no_error (error);
    g_assert_cmpstr (json_object_get_string_member (json_node_get_object (result->json), "city"), ==, "San Francisco");
    g_assert_cmpint (result->input_tokens, >, 0);
  }

  {
    g_autoptr(JsonNode) root = load_json ("openai", "completion--refusal-content-null.json");
    g_autoptr(SbChatResult) result = sb_openai_parse_completion (SB_PROVIDER_OPENAI, root, &error);

    g_assert_no_error (error);
    g_assert_null (result->text);
    g_assert_cmpstr (result->refusal, ==, "I'm very sorry, but I can't assist with that.");
    g_assert_false (sb_chat_result_check (result, request, &error));
    g_assert_error (error, SB_PROVIDER_ERROR, SB_PROVIDER_ERROR_REFUSED);
    g_assert_nonnull (strstr (error->message, "I'm very sorry"));
    g_clear_error (&error);
  }

  {
    g_autoptr(JsonNode) root = load_json ("openai", "completion--length-truncated-json.json");
    g_autoptr(SbChatResult) result = sb_openai_parse_completion (SB_PROVIDER_OPENAI, root, &error);

    g_assert_cmpint (result->finish, ==, SB_CHAT_FINISH_LENGTH);
    g_assert_false (sb_chat_result_check (result, request, &error));
    g_assert_error (error, SB_PROVIDER_ERROR, SB_PROVIDER_ERROR_BAD_RESPONSE);
    g_clear_error (&error);
  }

  {
    g_autoptr(JsonNode) root = load_json ("openai", "completion--tool-call.json");
    g_autoptr(SbChatResult) result = sb_openai_parse_completion (SB_PROVIDER_OPENAI, root, &error);

    g_assert_cmpint (result->finish, ==, SB_CHAT_FINISH_TOOL);
    g_assert_cmpstr (result->tool_name, ==, "GetWeatherArgs");
    g_assert_true (sb_chat_result_check (result, request, &error));
    g_assert_true (JSON_NODE_HOLDS_OBJECT (result->json));
  }

  {
    g_autoptr(JsonNode) root = load_json ("openai", "completion--n3-choices.json");
    g_autoptr(SbChatResult) result = sb_openai_parse_completion (SB_PROVIDER_OPENAI, root, &error);

    g_assert_true (sb_chat_result_check (result, request, &error));
  }

  {
    /* OpenRouter: HTTP 200 carrying an error and no choices. */
    g_autoptr(JsonNode) root = json_from_string ("{\"error\":{\"message\":\"Internal Server Error\",\"code\":500},\"user_id\":\"org_abc123\"}", NULL);
    g_autoptr(SbChatResult) result = sb_openai_parse_completion (SB_PROVIDER_OPENROUTER, root, &error);

    g_assert_null (result);
    g_assert_error (error, SB_PROVIDER_ERROR, SB_PROVIDER_ERROR_SERVER);
    g_clear_error (&error);
  }

  {
    /* Fenced JSON and leading blank lines are tolerated. */
    g_autoptr(SbChatResult) result = sb_chat_result_new (SB_PROVIDER_OPENROUTER);

    result->text = g_strdup ("\n\n```json\n{\"city\": \"Paris\"}\n```\n");
    result->finish = SB_CHAT_FINISH_STOP;
    g_assert_true (sb_chat_result_check (result, request, &error));
    g_assert_cmpstr (json_object_get_string_member (json_node_get_object (result->json), "city"), ==, "Paris");
  }
}

static void
test_anthropic_parsing (void)
{
  g_autoptr(SbChatRequest) request = sb_chat_request_new ();
  g_autoptr(JsonNode) schema = json_from_string ("{\"type\":\"object\"}", NULL);
  g_autoptr(GError) error = NULL;

  sb_chat_request_set_json_schema (request, "get_weather", schema);

  {
    g_autoptr(JsonNode) root = load_json ("anthropic", "message--tool-use.json");
    g_autoptr(SbChatResult) result = sb_anthropic_parse_message (root, &error);

    g_assert_no_error (error);
    g_assert_cmpstr (result->tool_name, ==, "get_weather");
    g_assert_cmpint (result->finish, ==, SB_CHAT_FINISH_TOOL);
    g_assert_true (sb_chat_result_check (result, request, &error));
    g_assert_cmpstr (json_object_get_string_member (json_node_get_object (result->json), "location"), ==, "San Francisco, CA");
  }

  {
    /* Text first, then the tool call: the tool call wins. */
    g_autoptr(JsonNode) root = load_json ("anthropic", "message--text-and-tool-use.json");
    g_autoptr(SbChatResult) result = sb_anthropic_parse_message (root, &error);

    g_assert_no_error (error);
    g_assert_nonnull (result->text);
    g_assert_cmpstr (result->tool_name, ==, "submit_analysis");
    g_assert_true (sb_chat_result_check (result, request, &error));
    g_assert_true (JSON_NODE_HOLDS_OBJECT (result->json));
  }

  {
    /* Native structured output: JSON in a text block. */
    g_autoptr(JsonNode) root = load_json ("anthropic", "message--structured-output-text.json");
    g_autoptr(SbChatResult) result = sb_anthropic_parse_message (root, &error);

    g_assert_no_error (error);
    g_assert_null (result->tool_name);
    g_assert_true (sb_chat_result_check (result, request, &error));
    g_assert_no_error (error);
  }

  {
    /* Server tools and citations are skipped. */
    g_autoptr(JsonNode) root = load_json ("anthropic", "message--web-search-server-tool.json");
    g_autoptr(SbChatResult) result = sb_anthropic_parse_message (root, &error);

    g_assert_no_error (error);
    g_assert_nonnull (result->text);
    g_assert_null (result->tool_name);
  }

  {
    g_autoptr(JsonNode) root = load_json ("anthropic", "message--400-invalid-request-error.json");
    g_autoptr(SbChatResult) result = sb_anthropic_parse_message (root, &error);

    g_assert_null (result);
    g_assert_error (error, SB_PROVIDER_ERROR, SB_PROVIDER_ERROR_SERVER);
    g_clear_error (&error);
  }
}

static void
test_request_bodies (void)
{
  g_autoptr(SbChatRequest) request = sb_chat_request_new ();
  g_autoptr(JsonNode) schema = json_from_string ("{\"type\":\"object\",\"properties\":{\"scenes\":{\"type\":\"array\"}}}", NULL);
  g_autoptr(GBytes) png = g_bytes_new_static ("\x89PNG\r\n\x1a\n", 8);
  g_autoptr(JsonNode) openai = NULL;
  g_autoptr(JsonNode) openrouter = NULL;
  g_autoptr(JsonNode) anthropic = NULL;
  JsonObject *o;
  JsonArray *content;

  sb_chat_request_set_system (request, "You plan storyboards.");
  sb_chat_request_add_user_text (request, "A lighthouse at dusk");
  sb_chat_request_add_image (request, png, "image/png");
  sb_chat_request_set_json_schema (request, "storyboard", schema);

  openai = sb_openai_build_body (SB_PROVIDER_OPENAI, request, "gpt-4o", FALSE);
  o = json_node_get_object (openai);
  g_assert_true (json_object_has_member (o, "max_completion_tokens"));
  g_assert_false (json_object_has_member (o, "provider"));
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (o, "response_format"), "type"), ==, "json_schema");
  g_assert_true (json_object_get_boolean_member (json_object_get_object_member (json_object_get_object_member (o, "response_format"), "json_schema"), "strict"));
  content = json_object_get_array_member (json_array_get_object_element (json_object_get_array_member (o, "messages"), 1), "content");
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (json_array_get_object_element (content, 1), "image_url"), "url"),
                   ==, "data:image/png;base64,iVBORw0KGgo=");

  openrouter = sb_openai_build_body (SB_PROVIDER_OPENROUTER, request, "openai/gpt-4o", TRUE);
  o = json_node_get_object (openrouter);
  g_assert_true (json_object_has_member (o, "max_tokens"));
  g_assert_true (json_object_get_boolean_member (json_object_get_object_member (o, "provider"), "require_parameters"));
  g_assert_true (json_object_get_boolean_member (o, "stream"));

  anthropic = sb_anthropic_build_body (request, "claude-sonnet-4-5", FALSE);
  o = json_node_get_object (anthropic);
  g_assert_cmpstr (json_object_get_string_member (o, "system"), ==, "You plan storyboards.");
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (o, "tool_choice"), "type"), ==, "tool");
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (o, "tool_choice"), "name"), ==, "storyboard");
  content = json_object_get_array_member (json_array_get_object_element (json_object_get_array_member (o, "messages"), 0), "content");
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (content, 0), "type"), ==, "image");
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (json_array_get_object_element (content, 0), "source"), "data"),
                   ==, "iVBORw0KGgo=");
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (json_array_get_object_element (content, 0), "source"), "media_type"),
                   ==, "image/png");
}

/* ---- downloads without a network ---- */

static void
download_cb (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  GAsyncResult **out = user_data;
  *out = g_object_ref (result);
}

static void
test_data_uri_download (void)
{
  g_autoptr(SbHttp) http = sb_http_new (NULL);
  g_autoptr(JsonNode) node = load_json ("replicate", "test_predictions_create_blocking-False-10--3-POST-predictions.json");
  g_autoptr(SbPrediction) p = sb_prediction_new_from_json (node, NULL);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(SbDownload) download = NULL;
  g_autoptr(GError) error = NULL;

  sb_http_download_async (http, SB_PROVIDER_REPLICATE, NULL, p->outputs[0], 10 * 1024 * 1024, NULL, download_cb, &result);
  while (result == NULL)
    g_main_context_iteration (NULL, TRUE);
  download = sb_http_download_finish (http, result, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (download->mime_type, ==, "image/png");
  g_assert_cmpuint (g_bytes_get_size (download->bytes), >, 100000);
  g_clear_object (&result);

  /* The size cap applies to data URIs too. */
  sb_http_download_async (http, SB_PROVIDER_REPLICATE, NULL, p->outputs[0], 1000, NULL, download_cb, &result);
  while (result == NULL)
    g_main_context_iteration (NULL, TRUE);
  g_assert_null (sb_http_download_finish (http, result, &error));
  g_assert_error (error, SB_PROVIDER_ERROR, SB_PROVIDER_ERROR_TOO_LARGE);
  g_clear_error (&error);
  g_clear_object (&result);

  /* Text is not an image. */
  sb_http_download_async (http, SB_PROVIDER_REPLICATE, NULL, "data:text/plain;base64,aGVsbG8gd29ybGQ=", 1000, NULL, download_cb, &result);
  while (result == NULL)
    g_main_context_iteration (NULL, TRUE);
  g_assert_null (sb_http_download_finish (http, result, &error));
  g_assert_error (error, SB_PROVIDER_ERROR, SB_PROVIDER_ERROR_BAD_RESPONSE);
}

/* ---- secrets without a Secret Service ---- */

static void
secret_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  GAsyncResult **out = user_data;
  *out = g_object_ref (result);
}

static GAsyncResult *
wait_result (GAsyncResult **slot)
{
  while (*slot == NULL)
    g_main_context_iteration (NULL, TRUE);
  return *slot;
}

static void
test_secrets (void)
{
  GAsyncResult *result = NULL;
  g_autoptr(GError) error = NULL;
  SbSecretSource source;
  char *key;

  /* No bus at all: the keyring is unreachable. */
  g_setenv ("DBUS_SESSION_BUS_ADDRESS", "unix:path=/nonexistent/bus", TRUE);
  g_setenv ("REPLICATE_API_TOKEN", "", TRUE);

  g_assert_cmpstr (sb_secrets_get_schema ()->name, ==, "io.github.storyboard.Storyboard.ApiKey");
  g_assert_cmpstr (sb_secrets_get_env_var (SB_PROVIDER_ANTHROPIC), ==, "ANTHROPIC_API_KEY");

  sb_secrets_lookup_async (SB_PROVIDER_REPLICATE, NULL, secret_cb, &result);
  key = sb_secrets_lookup_finish (wait_result (&result), &source, &error);
  g_assert_no_error (error);
  g_assert_null (key);
  g_assert_cmpint (source, ==, SB_SECRET_SOURCE_NONE);
  g_clear_object (&result);

  sb_secrets_store_async (SB_PROVIDER_REPLICATE, "r8_memory_only", NULL, secret_cb, &result);
  g_assert_true (sb_secrets_store_finish (wait_result (&result), &source, &error));
  g_assert_no_error (error);
  g_assert_cmpint (source, ==, SB_SECRET_SOURCE_MEMORY);
  g_assert_false (sb_secrets_keyring_is_available ());
  g_clear_object (&result);

  sb_secrets_lookup_async (SB_PROVIDER_REPLICATE, NULL, secret_cb, &result);
  key = sb_secrets_lookup_finish (wait_result (&result), &source, &error);
  g_assert_cmpstr (key, ==, "r8_memory_only");
  g_assert_cmpint (source, ==, SB_SECRET_SOURCE_MEMORY);
  g_free (key);
  g_clear_object (&result);

  /* A non-empty environment variable wins. */
  g_setenv ("REPLICATE_API_TOKEN", "r8_from_env", TRUE);
  sb_secrets_lookup_async (SB_PROVIDER_REPLICATE, NULL, secret_cb, &result);
  key = sb_secrets_lookup_finish (wait_result (&result), &source, &error);
  g_assert_cmpstr (key, ==, "r8_from_env");
  g_assert_cmpint (source, ==, SB_SECRET_SOURCE_ENVIRONMENT);
  g_free (key);
  g_clear_object (&result);
  g_setenv ("REPLICATE_API_TOKEN", "", TRUE);

  sb_secrets_clear_async (SB_PROVIDER_REPLICATE, NULL, secret_cb, &result);
  g_assert_true (sb_secrets_clear_finish (wait_result (&result), &error));
  g_clear_object (&result);

  sb_secrets_lookup_async (SB_PROVIDER_REPLICATE, NULL, secret_cb, &result);
  key = sb_secrets_lookup_finish (wait_result (&result), &source, &error);
  g_assert_null (key);
  g_clear_object (&result);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/sb/providers/errors/status-mapping", test_status_mapping);
  g_test_add_func ("/sb/providers/errors/bodies", test_error_bodies);
  g_test_add_func ("/sb/providers/retry/retry-after", test_retry_after);
  g_test_add_func ("/sb/providers/retry/policy", test_retry_policy);
  g_test_add_func ("/sb/providers/config", test_config);
  g_test_add_func ("/sb/providers/replicate/predictions", test_predictions);
  g_test_add_func ("/sb/providers/replicate/output-shapes", test_output_shapes);
  g_test_add_func ("/sb/providers/replicate/collections-and-pages", test_collections_and_pages);
  g_test_add_func ("/sb/providers/llm/openai-parsing", test_openai_parsing);
  g_test_add_func ("/sb/providers/llm/anthropic-parsing", test_anthropic_parsing);
  g_test_add_func ("/sb/providers/llm/request-bodies", test_request_bodies);
  g_test_add_func ("/sb/providers/download/data-uri", test_data_uri_download);
  g_test_add_func ("/sb/providers/secrets/memory-fallback", test_secrets);

  return g_test_run ();
}
