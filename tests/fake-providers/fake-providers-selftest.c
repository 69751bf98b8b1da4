/* fake-providers-selftest.c
 *
 * Copyright 2026 The Storyboard authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* Starts sb-fake-providers (path in argv[1]) and talks to it over loopback
 * the way a client would. */

#include <gdk-pixbuf/gdk-pixbuf.h>
#include <json-glib/json-glib.h>
#include <libsoup/soup.h>
#include <signal.h>
#include <string.h>

static GSubprocess *server;
static char *base_url;
static char *first_line;
static SoupSession *session;

static SoupMessage *
new_request (const char *method,
             const char *path,
             const char *auth,
             const char *json)
{
  g_autofree char *url = g_strconcat (base_url, path, NULL);
  SoupMessage *msg = soup_message_new (method, url);

  g_assert_nonnull (msg);
  if (auth != NULL)
    soup_message_headers_replace (soup_message_get_request_headers (msg), "Authorization", auth);
  if (json != NULL)
    {
      g_autoptr(GBytes) body = g_bytes_new (json, strlen (json));

      soup_message_set_request_body_from_bytes (msg, "application/json", body);
    }
  return msg;
}

static GBytes *
send_message (SoupMessage *msg)
{
  g_autoptr(GError) error = NULL;
  GBytes *bytes = soup_session_send_and_read (session, msg, NULL, &error);

  g_assert_no_error (error);
  return bytes;
}

static JsonNode *
parse (GBytes *bytes)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;

  json_parser_load_from_data (parser, g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes), &error);
  g_assert_no_error (error);
  return json_node_copy (json_parser_get_root (parser));
}

static JsonNode *
request_json (const char *method,
              const char *path,
              const char *auth,
              const char *json,
              guint       expected_status,
              SoupMessage **out_msg)
{
  g_autoptr(SoupMessage) msg = new_request (method, path, auth, json);
  g_autoptr(GBytes) bytes = send_message (msg);

  g_assert_cmpuint (soup_message_get_status (msg), ==, expected_status);
  if (out_msg != NULL)
    *out_msg = g_object_ref (msg);
  return parse (bytes);
}

static void
reset_server (void)
{
  g_autoptr(JsonNode) node = request_json ("POST", "/_fake/reset", NULL, NULL, 200, NULL);
}

/* ---- tests ------------------------------------------------------------- */

static void
test_first_line (void)
{
  g_autoptr(GRegex) re = g_regex_new ("^listening on http://127\\.0\\.0\\.1:[0-9]{1,5}$", 0, 0, NULL);

  g_assert_true (g_regex_match (re, first_line, 0, NULL));
}

static void
test_prediction_succeeds (void)
{
  g_autoptr(SoupMessage) create = NULL;
  g_autoptr(JsonNode) created = request_json ("POST", "/v1/models/black-forest-labs/flux-schnell/predictions",
                                              "Bearer r8_test", "{\"input\":{\"prompt\":\"a lighthouse at dusk\","
                                              "\"width\":64,\"height\":48,\"output_format\":\"png\"}}",
                                              201, &create);
  JsonObject *p = json_node_get_object (created);
  g_autofree char *get_path = NULL;
  const char *status = NULL;
  const char *url;
  g_autoptr(JsonNode) polled = NULL;
  gint64 deadline = g_get_monotonic_time () + 15 * G_USEC_PER_SEC;
  gboolean saw_processing = FALSE;

  g_assert_cmpstr (json_object_get_string_member (p, "status"), ==, "starting");
  g_assert_false (json_object_has_member (p, "output"));
  g_assert_false (json_object_has_member (p, "completed_at"));
  get_path = g_strdup_printf ("/v1/predictions/%s", json_object_get_string_member (p, "id"));

  while (g_get_monotonic_time () < deadline)
    {
      g_clear_pointer (&polled, json_node_unref);
      polled = request_json ("GET", get_path, "Token r8_test", NULL, 200, NULL);
      status = json_object_get_string_member (json_node_get_object (polled), "status");
      if (g_str_equal (status, "processing"))
        {
          const char *logs = json_object_get_string_member (json_node_get_object (polled), "logs");

          saw_processing = TRUE;
          g_assert_nonnull (strstr (logs, "%|"));
        }
      if (g_str_equal (status, "succeeded"))
        break;
      g_usleep (100 * 1000);
    }
  g_assert_cmpstr (status, ==, "succeeded");
  g_assert_true (saw_processing);

  url = json_array_get_string_element (json_object_get_array_member (json_node_get_object (polled), "output"), 0);
  g_assert_true (g_str_has_prefix (url, base_url));
  {
    g_autoptr(SoupMessage) msg = soup_message_new ("GET", url);
    g_autoptr(GBytes) png = send_message (msg);
    g_autoptr(GdkPixbufLoader) loader = gdk_pixbuf_loader_new ();
    g_autoptr(GError) error = NULL;
    GdkPixbuf *pixbuf;

    g_assert_cmpuint (soup_message_get_status (msg), ==, 200);
    g_assert_cmpstr (soup_message_headers_get_content_type (soup_message_get_response_headers (msg), NULL), ==, "image/png");
    gdk_pixbuf_loader_write_bytes (loader, png, &error);
    g_assert_no_error (error);
    gdk_pixbuf_loader_close (loader, &error);
    g_assert_no_error (error);
    pixbuf = gdk_pixbuf_loader_get_pixbuf (loader);
    g_assert_nonnull (pixbuf);
    g_assert_cmpint (gdk_pixbuf_get_width (pixbuf), ==, 64);
    g_assert_cmpint (gdk_pixbuf_get_height (pixbuf), ==, 48);
  }
}

static void
test_bad_key (void)
{
  g_autoptr(JsonNode) replicate = request_json ("GET", "/v1/collections", "Bearer bad-key", NULL, 401, NULL);
  g_autoptr(JsonNode) openai = request_json ("POST", "/v1/chat/completions", "Bearer bad-key",
                                             "{\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}", 401, NULL);
  g_autoptr(JsonNode) none = request_json ("POST", "/api/v1/chat/completions", NULL,
                                           "{\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}", 401, NULL);

  g_assert_cmpstr (json_object_get_string_member (json_node_get_object (replicate), "title"), ==, "Unauthenticated");
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (json_node_get_object (openai), "error"), "code"),
                   ==, "invalid_api_key");
  g_assert_cmpint (json_object_get_int_member (json_object_get_object_member (json_node_get_object (none), "error"), "code"),
                   ==, 401);
}

static void
test_rate_limited (void)
{
  const char *body = "{\"input\":{\"prompt\":\"rate limited [fake:429-retry-after=1*1]\",\"width\":16,\"height\":16}}";
  g_autoptr(SoupMessage) first = NULL;
  g_autoptr(JsonNode) throttled = request_json ("POST", "/v1/models/black-forest-labs/flux-schnell/predictions",
                                                "Bearer r8_test", body, 429, &first);
  g_autoptr(JsonNode) created = NULL;
  const char *detail = json_object_get_string_member (json_node_get_object (throttled), "detail");

  g_assert_cmpstr (soup_message_headers_get_one (soup_message_get_response_headers (first), "Retry-After"), ==, "1");
  g_assert_nonnull (strstr (detail, "resets in ~1s"));
  /* "*1": only the first attempt is throttled. */
  created = request_json ("POST", "/v1/models/black-forest-labs/flux-schnell/predictions", "Bearer r8_test", body, 201, NULL);
}

static void
test_invalid_input (void)
{
  g_autoptr(SoupMessage) msg = NULL;
  g_autoptr(JsonNode) node = request_json ("POST", "/v1/models/black-forest-labs/flux-schnell/predictions",
                                           "Bearer r8_test", "{\"input\":{\"num_outputs\":9}}", 422, &msg);
  JsonObject *o = json_node_get_object (node);
  JsonArray *fields = json_object_get_array_member (o, "invalid_fields");
  gboolean required = FALSE, lte = FALSE;

  g_assert_cmpstr (soup_message_headers_get_content_type (soup_message_get_response_headers (msg), NULL),
                   ==, "application/problem+json");
  g_assert_cmpstr (json_object_get_string_member (o, "title"), ==, "Input validation failed");
  for (guint i = 0; i < json_array_get_length (fields); i++)
    {
      JsonObject *f = json_array_get_object_element (fields, i);
      const char *type = json_object_get_string_member (f, "type");

      if (g_str_equal (type, "required") && strstr (json_object_get_string_member (f, "description"), "prompt"))
        required = TRUE;
      if (g_str_equal (type, "number_lte") && g_str_equal (json_object_get_string_member (f, "field"), "input.num_outputs"))
        lte = TRUE;
    }
  g_assert_true (required);
  g_assert_true (lte);
}

static void
test_sse_done (void)
{
  g_autoptr(SoupMessage) msg = new_request ("POST", "/v1/chat/completions", "Bearer sk-test",
                                            "{\"model\":\"gpt-4o\",\"stream\":true,\"stream_options\":{\"include_usage\":true},"
                                            "\"messages\":[{\"role\":\"user\",\"content\":\"a paper boat [fake:crlf,split=1]\"}],"
                                            "\"response_format\":{\"type\":\"json_object\"}}");
  g_autoptr(GBytes) bytes = send_message (msg);
  g_autofree char *text = g_strndup (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes));
  g_auto(GStrv) events = NULL;
  GString *content = g_string_new (NULL);
  g_autoptr(JsonNode) brief = NULL;
  const char *last = NULL;
  guint n;

  g_assert_cmpuint (soup_message_get_status (msg), ==, 200);
  g_assert_nonnull (strstr (text, "\r\n\r\n"));
  events = g_strsplit (text, "\r\n\r\n", -1);
  n = g_strv_length (events);
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(JsonNode) chunk = NULL;
      JsonArray *choices;

      if (!g_str_has_prefix (events[i], "data: "))
        continue;
      last = events[i];
      if (g_str_equal (events[i], "data: [DONE]"))
        continue;
      chunk = json_from_string (events[i] + 6, NULL);
      g_assert_nonnull (chunk);
      choices = json_object_get_array_member (json_node_get_object (chunk), "choices");
      if (json_array_get_length (choices) > 0)
        {
          JsonObject *delta = json_object_get_object_member (json_array_get_object_element (choices, 0), "delta");

          if (json_object_has_member (delta, "content"))
            g_string_append (content, json_object_get_string_member (delta, "content"));
        }
    }
  g_assert_cmpstr (last, ==, "data: [DONE]");
  brief = json_from_string (content->str, NULL);
  g_assert_nonnull (brief);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (json_node_get_object (brief), "scenes")), ==, 6);
  g_string_free (content, TRUE);
}

static void
test_truncated_download (void)
{
  g_autoptr(JsonNode) created = request_json ("POST", "/v1/models/black-forest-labs/flux-schnell/predictions",
                                              "Bearer r8_test", "{\"input\":{\"prompt\":\"truncated\",\"width\":128,"
                                              "\"height\":128,\"output_format\":\"png\"}}", 201, NULL);
  g_autofree char *get_path = g_strdup_printf ("/v1/predictions/%s",
                                               json_object_get_string_member (json_node_get_object (created), "id"));
  g_autoptr(JsonNode) done = NULL;
  g_autoptr(SoupMessage) msg = NULL;
  g_autoptr(GInputStream) in = NULL;
  g_autoptr(GError) error = NULL;
  const char *url;
  goffset expected;
  gsize total = 0;
  char buffer[4096];

  for (int i = 0; i < 150; i++)
    {
      g_clear_pointer (&done, json_node_unref);
      done = request_json ("GET", get_path, "Bearer r8_test", NULL, 200, NULL);
      if (g_str_equal (json_object_get_string_member (json_node_get_object (done), "status"), "succeeded"))
        break;
      g_usleep (100 * 1000);
    }
  url = json_array_get_string_element (json_object_get_array_member (json_node_get_object (done), "output"), 0);

  msg = soup_message_new ("GET", url);
  soup_message_headers_replace (soup_message_get_request_headers (msg), "X-Fake-Fault", "truncate");
  in = soup_session_send (session, msg, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (soup_message_get_status (msg), ==, 200);
  expected = soup_message_headers_get_content_length (soup_message_get_response_headers (msg));
  g_assert_cmpint (expected, >, 0);

  for (;;)
    {
      gssize n = g_input_stream_read (in, buffer, sizeof buffer, NULL, &error);

      if (n <= 0)
        break;
      total += n;
    }
  g_assert_cmpint ((goffset) total, <, expected);
  g_assert_cmpuint (total, >, 0);
}

static void
test_request_log (void)
{
  g_autoptr(JsonNode) a = NULL;
  g_autoptr(JsonNode) b = NULL;
  g_autoptr(JsonNode) log = NULL;
  g_autoptr(SoupMessage) msg = NULL;
  JsonArray *entries;
  JsonObject *first, *second;

  reset_server ();
  a = request_json ("GET", "/v1/collections/text-to-video", "Bearer r8_log", NULL, 200, NULL);
  msg = new_request ("POST", "/v1/messages", NULL,
                     "{\"model\":\"claude-sonnet-4-5\",\"max_tokens\":100,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
  soup_message_headers_replace (soup_message_get_request_headers (msg), "x-api-key", "sk-ant-log");
  soup_message_headers_replace (soup_message_get_request_headers (msg), "anthropic-version", "2023-06-01");
  {
    g_autoptr(GBytes) bytes = send_message (msg);

    b = parse (bytes);
  }
  g_assert_cmpuint (soup_message_get_status (msg), ==, 200);

  log = request_json ("GET", "/_fake/requests", NULL, NULL, 200, NULL);
  entries = json_node_get_array (log);
  /* The reset empties the log; the request for the log is left out. */
  g_assert_cmpuint (json_array_get_length (entries), ==, 2);
  first = json_array_get_object_element (entries, 0);
  second = json_array_get_object_element (entries, 1);
  g_assert_cmpstr (json_object_get_string_member (first, "path"), ==, "/v1/collections/text-to-video");
  g_assert_cmpstr (json_object_get_string_member (first, "auth_scheme"), ==, "Bearer");
  g_assert_cmpstr (json_object_get_string_member (first, "auth_key"), ==, "r8_log");
  g_assert_cmpint (json_object_get_int_member (first, "status"), ==, 200);
  g_assert_cmpstr (json_object_get_string_member (second, "path"), ==, "/v1/messages");
  g_assert_false (json_object_get_boolean_member (second, "has_authorization"));
  g_assert_cmpstr (json_object_get_string_member (second, "x_api_key"), ==, "sk-ant-log");
}

static void
test_anthropic_stream_error (void)
{
  g_autoptr(SoupMessage) msg = new_request ("POST", "/v1/messages", NULL,
                                            "{\"model\":\"claude-sonnet-4-5\",\"max_tokens\":1000,\"stream\":true,"
                                            "\"messages\":[{\"role\":\"user\",\"content\":\"a storm [fake:stream-error]\"}]}");
  g_autoptr(GBytes) bytes = NULL;
  g_autofree char *text = NULL;

  soup_message_headers_replace (soup_message_get_request_headers (msg), "x-api-key", "sk-ant-test");
  soup_message_headers_replace (soup_message_get_request_headers (msg), "anthropic-version", "2023-06-01");
  bytes = send_message (msg);
  text = g_strndup (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes));
  g_assert_cmpuint (soup_message_get_status (msg), ==, 200);
  g_assert_true (g_str_has_prefix (text, "event: message_start\n"));
  g_assert_nonnull (strstr (text, "event: error\ndata: {\"type\":\"error\",\"error\":{\"type\":\"overloaded_error\""));
  g_assert_null (strstr (text, "message_stop"));
}

static void
test_collections_pagination (void)
{
  g_autofree char *path = g_strdup ("/v1/collections");
  guint pages = 0, total = 0;
  gboolean saw_i2v = FALSE;

  while (path != NULL)
    {
      g_autoptr(JsonNode) page = request_json ("GET", path, "Bearer r8_test", NULL, 200, NULL);
      JsonObject *o = json_node_get_object (page);
      JsonArray *results = json_object_get_array_member (o, "results");

      pages++;
      total += json_array_get_length (results);
      for (guint i = 0; i < json_array_get_length (results); i++)
        if (g_str_equal (json_object_get_string_member (json_array_get_object_element (results, i), "slug"),
                         "image-to-video"))
          saw_i2v = TRUE;
      g_clear_pointer (&path, g_free);
      if (!json_object_get_null_member (o, "next"))
        {
          const char *next = json_object_get_string_member (o, "next");

          /* Absolute URLs on this server, fetched verbatim. */
          g_assert_true (g_str_has_prefix (next, base_url));
          g_assert_nonnull (strstr (next, "cursor="));
          path = g_strdup (next + strlen (base_url));
        }
      g_assert_cmpuint (pages, <, 10);
    }
  g_assert_cmpuint (pages, >=, 2);
  g_assert_cmpuint (total, ==, 20);
  g_assert_true (saw_i2v);
}

static void
test_prefer_wait (void)
{
  g_autoptr(SoupMessage) msg = new_request ("POST", "/v1/models/black-forest-labs/flux-schnell/predictions",
                                            "Bearer r8_test", "{\"input\":{\"prompt\":\"sync\",\"width\":24,\"height\":24}}");
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(JsonNode) node = NULL;
  JsonObject *o;
  const char *output;

  soup_message_headers_replace (soup_message_get_request_headers (msg), "Prefer", "wait=10");
  bytes = send_message (msg);
  node = parse (bytes);
  o = json_node_get_object (node);
  g_assert_cmpuint (soup_message_get_status (msg), ==, 201);
  g_assert_cmpstr (soup_message_headers_get_one (soup_message_get_response_headers (msg), "Preference-Applied"), ==, "wait=10");
  g_assert_cmpstr (json_object_get_string_member (o, "status"), ==, "succeeded");
  output = json_array_get_string_element (json_object_get_array_member (o, "output"), 0);
  /* flux-schnell's default output_format is webp. */
  g_assert_true (g_str_has_prefix (output, "data:image/webp;base64,"));
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GDataInputStream) out = NULL;
  const char *binary;
  int status;

  if (argc < 2 || argv[1][0] == '-')
    {
      g_printerr ("usage: %s PATH-TO-sb-fake-providers [GTEST-OPTIONS]\n", argv[0]);
      return 2;
    }
  binary = argv[1];
  memmove (&argv[1], &argv[2], (argc - 2) * sizeof (char *));
  argv[--argc] = NULL;

  g_test_init (&argc, &argv, NULL);

  /* With a stdin pipe and --exit-on-stdin-eof the server dies with us,
   * even when an assertion aborts this process. */
  server = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDIN_PIPE, &error, binary,
                             "--exit-on-stdin-eof", "--prediction-seconds", "0.6", "--sse-delay-ms", "0", NULL);
  g_assert_no_error (error);
  out = g_data_input_stream_new (g_subprocess_get_stdout_pipe (server));
  first_line = g_data_input_stream_read_line_utf8 (out, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (first_line);
  if (g_str_has_prefix (first_line, "listening on "))
    base_url = g_strdup (first_line + strlen ("listening on "));
  else
    base_url = g_strdup ("http://127.0.0.1:1");

  session = soup_session_new ();

  g_test_add_func ("/sb/fake-providers/first-line", test_first_line);
  g_test_add_func ("/sb/fake-providers/prediction-succeeds", test_prediction_succeeds);
  g_test_add_func ("/sb/fake-providers/bad-key", test_bad_key);
  g_test_add_func ("/sb/fake-providers/rate-limited", test_rate_limited);
  g_test_add_func ("/sb/fake-providers/invalid-input", test_invalid_input);
  g_test_add_func ("/sb/fake-providers/sse-done", test_sse_done);
  g_test_add_func ("/sb/fake-providers/truncated-download", test_truncated_download);
  g_test_add_func ("/sb/fake-providers/anthropic-stream-error", test_anthropic_stream_error);
  g_test_add_func ("/sb/fake-providers/collections-pagination", test_collections_pagination);
  g_test_add_func ("/sb/fake-providers/prefer-wait", test_prefer_wait);
  g_test_add_func ("/sb/fake-providers/request-log", test_request_log);

  status = g_test_run ();

  g_clear_object (&session);
  g_subprocess_send_signal (server, SIGTERM);
  g_subprocess_wait (server, NULL, NULL);
  if (!g_subprocess_get_if_exited (server) || g_subprocess_get_exit_status (server) != 0)
    {
      g_printerr ("sb-fake-providers did not exit cleanly on SIGTERM\n");
      status = status ? status : 1;
    }
  g_clear_object (&server);
  g_free (base_url);
  g_free (first_line);
  return status;
}
