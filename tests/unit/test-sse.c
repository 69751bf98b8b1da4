/* test-sse.c
 *
 * Copyright 2026 The Storyboard authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "sb-llm-client.h"
#include "sb-sse-parser.h"

typedef struct
{
  GPtrArray *events;  /* "event|data|id" strings */
} Collected;

static void
collect_cb (const SbSseEvent *event,
            gpointer          user_data)
{
  Collected *collected = user_data;

  g_ptr_array_add (collected->events,
                   g_strdup_printf ("%s|%s|%s", event->event, event->data,
                                    event->id ? event->id : "(null)"));
}

static GPtrArray *
parse_in_chunks (const char *data,
                 gsize       len,
                 gsize       chunk,   /* 0 = random sizes */
                 GRand      *rand)
{
  Collected collected = { g_ptr_array_new_with_free_func (g_free) };
  g_autoptr(SbSseParser) parser = sb_sse_parser_new (collect_cb, &collected);
  gsize offset = 0;

  while (offset < len)
    {
      gsize n = chunk ? chunk : (gsize) g_rand_int_range (rand, 1, 64);

      n = MIN (n, len - offset);
      sb_sse_parser_feed (parser, data + offset, n);
      offset += n;
    }
  sb_sse_parser_finish (parser);

  return collected.events;
}

static void
assert_same_events (GPtrArray *a,
                    GPtrArray *b)
{
  g_assert_cmpuint (a->len, ==, b->len);
  for (guint i = 0; i < a->len; i++)
    g_assert_cmpstr (g_ptr_array_index (a, i), ==, g_ptr_array_index (b, i));
}

static char *
load_fixture (const char *vendor,
              const char *name,
              gsize      *len)
{
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "data", "providers", vendor, name, NULL);
  g_autoptr(GError) error = NULL;
  char *contents = NULL;

  g_file_get_contents (path, &contents, len, &error);
  g_assert_no_error (error);

  return contents;
}

static char *
replace_newlines (const char *text,
                  const char *newline)
{
  g_autoptr(GString) str = g_string_new (text);

  g_string_replace (str, "\n", newline, 0);
  return g_string_free (g_steal_pointer (&str), FALSE);
}

static const char *streams[][2] = {
  { "openai", "stream--structured-json.txt" },
  { "openai", "stream--refusal.txt" },
  { "openai", "stream--length-truncated-json.txt" },
  { "openai", "stream--tool-call.txt" },
  { "openai", "stream--n3-choices.txt" },
  { "openai", "stream--content-logprobs.txt" },
  { "anthropic", "stream--text-basic.txt" },
  { "anthropic", "stream--tool-use.txt" },
  { "anthropic", "stream--max-tokens-mid-tool-input.txt" },
  { "anthropic", "stream--tool-use-padded.txt" },
  { "anthropic", "stream--text-after-tool-result.txt" },
  { "anthropic", "stream--structured-output-text.txt" },
};

/* Every recorded stream gives the same events whole, byte by byte, in
 * random chunks, and with \r\n or \r line endings. */
static void
test_fixture_chunking (void)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (4242);

  for (guint i = 0; i < G_N_ELEMENTS (streams); i++)
    {
      gsize len;
      g_autofree char *data = load_fixture (streams[i][0], streams[i][1], &len);
      g_autoptr(GPtrArray) whole = parse_in_chunks (data, len, len, rand);
      g_autoptr(GPtrArray) bytewise = parse_in_chunks (data, len, 1, rand);
      g_autofree char *crlf = replace_newlines (data, "\r\n");
      g_autofree char *cr = replace_newlines (data, "\r");

      g_test_message ("%s/%s: %u events", streams[i][0], streams[i][1], whole->len);
      g_assert_cmpuint (whole->len, >=, 3);
      assert_same_events (whole, bytewise);

      for (guint round = 0; round < 20; round++)
        {
          g_autoptr(GPtrArray) random = parse_in_chunks (data, len, 0, rand);
          g_autoptr(GPtrArray) random_crlf = parse_in_chunks (crlf, strlen (crlf), 0, rand);
          g_autoptr(GPtrArray) random_cr = parse_in_chunks (cr, strlen (cr), 0, rand);

          assert_same_events (whole, random);
          assert_same_events (whole, random_crlf);
          assert_same_events (whole, random_cr);
        }

      {
        g_autoptr(GPtrArray) crlf_bytewise = parse_in_chunks (crlf, strlen (crlf), 1, rand);
        assert_same_events (whole, crlf_bytewise);
      }
    }
}

static void
test_framing (void)
{
  const char *input =
    "\xEF\xBB\xBF"
    ": OPENROUTER PROCESSING\r\n"
    "\r\n"
    "event: first\n"
    "id: 7\n"
    "data: line one\n"
    "data:line two\n"
    "data:  indented\n"
    "unknown: ignored\n"
    "retry: 1500\n"
    "\n"
    ": keep-alive\n"
    "data\n"
    "\n"
    "event: no-data\n"
    "\n"
    "data: last";
  g_autoptr(GRand) rand = g_rand_new_with_seed (1);
  Collected collected = { g_ptr_array_new_with_free_func (g_free) };
  g_autoptr(GPtrArray) events = NULL;
  g_autoptr(SbSseParser) parser = sb_sse_parser_new (collect_cb, &collected);

  sb_sse_parser_feed (parser, input, strlen (input));
  sb_sse_parser_finish (parser);
  events = collected.events;

  g_assert_cmpuint (events->len, ==, 3);
  g_assert_cmpstr (g_ptr_array_index (events, 0), ==, "first|line one\nline two\n indented|7");
  /* A bare "data" line is an empty data field; the event name reset. */
  g_assert_cmpstr (g_ptr_array_index (events, 1), ==, "message||7");
  /* An event without data is not dispatched; the last one flushes at EOF. */
  g_assert_cmpstr (g_ptr_array_index (events, 2), ==, "message|last|7");
  g_assert_cmpuint (sb_sse_parser_get_n_comments (parser), ==, 2);
  g_assert_cmpint (sb_sse_parser_get_retry (parser), ==, 1500);

  for (guint round = 0; round < 50; round++)
    {
      g_autoptr(GPtrArray) random = parse_in_chunks (input, strlen (input), 0, rand);
      assert_same_events (events, random);
    }
}

/* A "\r" at the end of one chunk and "\n" at the start of the next is one
 * line break, not two. */
static void
test_split_crlf (void)
{
  Collected collected = { g_ptr_array_new_with_free_func (g_free) };
  g_autoptr(GPtrArray) events = NULL;
  g_autoptr(SbSseParser) parser = sb_sse_parser_new (collect_cb, &collected);

  sb_sse_parser_feed (parser, "data: a\r", 8);
  sb_sse_parser_feed (parser, "\ndata: b\r", 9);
  sb_sse_parser_feed (parser, "\n\r", 2);
  sb_sse_parser_feed (parser, "\n", 1);
  events = collected.events;

  g_assert_cmpuint (events->len, ==, 1);
  g_assert_cmpstr (g_ptr_array_index (events, 0), ==, "message|a\nb|(null)");
}

/* ---- Streams through the chat accumulator ---- */

typedef struct
{
  SbChatStream *stream;
  GError       *error;
  GString      *deltas;
} StreamRun;

static void
stream_event_cb (const SbSseEvent *event,
                 gpointer          user_data)
{
  StreamRun *run = user_data;

  if (run->error == NULL)
    sb_chat_stream_feed_event (run->stream, event, &run->error);
}

static void
delta_cb (const char *text,
          gpointer    user_data)
{
  g_string_append (user_data, text);
}

static SbChatResult *
run_stream (SbProviderKind   kind,
            const char      *data,
            gsize            len,
            gsize            chunk,
            GString        **out_deltas,
            GError         **error)
{
  StreamRun run = { sb_chat_stream_new (kind), NULL, g_string_new (NULL) };
  g_autoptr(SbSseParser) parser = sb_sse_parser_new (stream_event_cb, &run);
  SbChatResult *result = NULL;

  sb_chat_stream_set_delta_func (run.stream, delta_cb, run.deltas);
  for (gsize offset = 0; offset < len; offset += chunk)
    sb_sse_parser_feed (parser, data + offset, MIN (chunk, len - offset));
  sb_sse_parser_finish (parser);

  if (run.error != NULL)
    g_propagate_error (error, run.error);
  else
    result = sb_chat_stream_finish (run.stream, error);

  sb_chat_stream_free (run.stream);
  if (out_deltas != NULL)
    *out_deltas = run.deltas;
  else
    g_string_free (run.deltas, TRUE);

  return result;
}

static void
test_openai_streams (void)
{
  g_autoptr(SbChatRequest) request = sb_chat_request_new ();
  g_autoptr(JsonNode) schema = json_from_string ("{\"type\":\"object\"}", NULL);
  gsize len;

  sb_chat_request_set_json_schema (request, "Location", schema);

  {
    g_autofree char *data = load_fixture ("openai", "stream--structured-json.txt", &len);
    g_autoptr(GError) error = NULL;
    g_autoptr(GString) deltas = NULL;
    g_autoptr(SbChatResult) result = run_stream (SB_PROVIDER_OPENAI, data, len, 1, &deltas, &error);

    g_assert_no_error (error);
    g_assert_cmpstr (result->text, ==, "{\"city\":\"San Francisco\",\"temperature\":61,\"units\":\"f\"}");
    g_assert_cmpstr (deltas->str, ==, result->text);
    g_assert_cmpint (result->finish, ==, SB_CHAT_FINISH_STOP);
    g_assert_cmpstr (result->model, ==, "gpt-4o-2024-08-06");
    g_assert_cmpint (result->output_tokens, >, 0);
    g_assert_true (sb_chat_result_check (result, request, &error));
    g_assert_no_error (error);
    g_assert_cmpstr (json_object_get_string_member (json_node_get_object (result->json), "city"), ==, "San Francisco");
  }

  {
    g_autofree char *data = load_fixture ("openai", "stream--refusal.txt", &len);
    g_autoptr(GError) error = NULL;
    g_autoptr(SbChatResult) result = run_stream (SB_PROVIDER_OPENAI, data, len, 7, NULL, &error);

    g_assert_no_error (error);
    g_assert_null (result->text);
    g_assert_nonnull (result->refusal);
    g_assert_true (g_str_has_prefix (result->refusal, "I'm"));
    g_assert_false (sb_chat_result_check (result, request, &error));
    g_assert_error (error, SB_PROVIDER_ERROR, SB_PROVIDER_ERROR_REFUSED);
  }

  {
    g_autofree char *data = load_fixture ("openai", "stream--length-truncated-json.txt", &len);
    g_autoptr(GError) error = NULL;
    g_autoptr(SbChatResult) result = run_stream (SB_PROVIDER_OPENAI, data, len, 3, NULL, &error);

    g_assert_no_error (error);
    g_assert_cmpstr (result->text, ==, "{\"");
    g_assert_cmpint (result->finish, ==, SB_CHAT_FINISH_LENGTH);
    g_assert_false (sb_chat_result_check (result, request, &error));
    g_assert_error (error, SB_PROVIDER_ERROR, SB_PROVIDER_ERROR_BAD_RESPONSE);
  }

  {
    g_autofree char *data = load_fixture ("openai", "stream--tool-call.txt", &len);
    g_autoptr(GError) error = NULL;
    g_autoptr(SbChatResult) result = run_stream (SB_PROVIDER_OPENAI, data, len, 5, NULL, &error);
    g_autoptr(JsonNode) args = NULL;

    g_assert_no_error (error);
    g_assert_cmpstr (result->tool_name, ==, "GetWeatherArgs");
    g_assert_cmpint (result->finish, ==, SB_CHAT_FINISH_TOOL);
    args = json_from_string (result->tool_arguments, &error);
    g_assert_no_error (error);
    g_assert_true (JSON_NODE_HOLDS_OBJECT (args));
  }

  {
    /* With n=3 only the first choice is kept, not the three interleaved. */
    g_autofree char *data = load_fixture ("openai", "stream--n3-choices.txt", &len);
    g_autoptr(GError) error = NULL;
    g_autoptr(SbChatResult) result = run_stream (SB_PROVIDER_OPENAI, data, len, 11, NULL, &error);
    g_autoptr(JsonNode) json = NULL;

    g_assert_no_error (error);
    json = json_from_string (result->text, &error);
    g_assert_no_error (error);
    g_assert_true (JSON_NODE_HOLDS_OBJECT (json));
  }
}

static void
test_anthropic_streams (void)
{
  gsize len;

  {
    g_autofree char *data = load_fixture ("anthropic", "stream--text-basic.txt", &len);
    g_autoptr(GError) error = NULL;
    g_autoptr(GString) deltas = NULL;
    g_autoptr(SbChatResult) result = run_stream (SB_PROVIDER_ANTHROPIC, data, len, 1, &deltas, &error);

    g_assert_no_error (error);
    g_assert_cmpstr (result->text, ==, "Hello there!");
    g_assert_cmpstr (deltas->str, ==, "Hello there!");
    g_assert_cmpint (result->finish, ==, SB_CHAT_FINISH_STOP);
    g_assert_cmpstr (result->model, ==, "claude-3-opus-20240229");
    g_assert_cmpint (result->output_tokens, ==, 6);
  }

  {
    g_autofree char *data = load_fixture ("anthropic", "stream--tool-use.txt", &len);
    g_autoptr(GError) error = NULL;
    g_autoptr(SbChatResult) result = run_stream (SB_PROVIDER_ANTHROPIC, data, len, 13, NULL, &error);
    g_autoptr(JsonNode) args = NULL;

    g_assert_no_error (error);
    g_assert_cmpstr (result->tool_name, ==, "get_weather");
    g_assert_cmpint (result->finish, ==, SB_CHAT_FINISH_TOOL);
    args = json_from_string (result->tool_arguments, &error);
    g_assert_no_error (error);
    g_assert_true (json_object_has_member (json_node_get_object (args), "location"));
  }

  {
    g_autofree char *data = load_fixture ("anthropic", "stream--tool-use-padded.txt", &len);
    g_autoptr(GError) error = NULL;
    g_autoptr(SbChatResult) result = run_stream (SB_PROVIDER_ANTHROPIC, data, len, 2, NULL, &error);
    g_autoptr(JsonNode) args = NULL;

    g_assert_no_error (error);
    args = json_from_string (result->tool_arguments, &error);
    g_assert_no_error (error);
  }

  {
    /* Cut off in the middle of the tool input: max_tokens, bad JSON. */
    g_autofree char *data = load_fixture ("anthropic", "stream--max-tokens-mid-tool-input.txt", &len);
    g_autoptr(SbChatRequest) request = sb_chat_request_new ();
    g_autoptr(JsonNode) schema = json_from_string ("{\"type\":\"object\"}", NULL);
    g_autoptr(GError) error = NULL;
    g_autoptr(SbChatResult) result = run_stream (SB_PROVIDER_ANTHROPIC, data, len, 9, NULL, &error);

    g_assert_no_error (error);
    g_assert_cmpint (result->finish, ==, SB_CHAT_FINISH_LENGTH);
    sb_chat_request_set_json_schema (request, "x", schema);
    g_assert_false (sb_chat_result_check (result, request, &error));
    g_assert_error (error, SB_PROVIDER_ERROR, SB_PROVIDER_ERROR_BAD_RESPONSE);
  }

  {
    g_autofree char *data = load_fixture ("anthropic", "stream--text-after-tool-result.txt", &len);
    g_autoptr(GError) error = NULL;
    g_autoptr(SbChatResult) result = run_stream (SB_PROVIDER_ANTHROPIC, data, len, 4, NULL, &error);

    g_assert_no_error (error);
    g_assert_nonnull (strstr (result->text, "°"));
    g_assert_true (g_utf8_validate (result->text, -1, NULL));
  }

  {
    g_autofree char *data = load_fixture ("anthropic", "stream--structured-output-text.txt", &len);
    g_autoptr(GError) error = NULL;
    g_autoptr(SbChatResult) result = run_stream (SB_PROVIDER_ANTHROPIC, data, len, 1, NULL, &error);

    g_assert_no_error (error);
    g_assert_cmpstr (result->text, ==, "[12345,67890]");
  }
}

static void
test_inband_errors (void)
{
  {
    /* OpenRouter: an error chunk after 200, keep-alive comments around. */
    const char *data =
      ": OPENROUTER PROCESSING\n\n"
      "data: {\"id\":\"x\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"Hi\"},\"finish_reason\":null}]}\n\n"
      ": OPENROUTER PROCESSING\n\n"
      "data: {\"id\":\"cmpl-abc123\",\"object\":\"chat.completion.chunk\",\"error\":{\"code\":\"server_error\",\"message\":\"Provider disconnected unexpectedly\"},\"choices\":[{\"index\":0,\"delta\":{\"content\":\"\"},\"finish_reason\":\"error\"}]}\n\n";
    g_autoptr(GError) error = NULL;
    g_autoptr(SbChatResult) result = run_stream (SB_PROVIDER_OPENROUTER, data, strlen (data), 5, NULL, &error);

    g_assert_null (result);
    g_assert_error (error, SB_PROVIDER_ERROR, SB_PROVIDER_ERROR_SERVER);
    g_assert_cmpstr (sb_provider_error_get_detail (error), ==, "Provider disconnected unexpectedly");
  }

  {
    /* Numeric code: a rate limit in the middle of a stream. */
    const char *data = "data: {\"error\":{\"code\":429,\"message\":\"Rate limit exceeded\"}}\n\n";
    g_autoptr(GError) error = NULL;
    g_autoptr(SbChatResult) result = run_stream (SB_PROVIDER_OPENROUTER, data, strlen (data), 3, NULL, &error);

    g_assert_null (result);
    g_assert_error (error, SB_PROVIDER_ERROR, SB_PROVIDER_ERROR_RATE_LIMITED);
  }

  {
    /* finish_reason "error" without an error object. */
    const char *data = "data: {\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"error\"}]}\n\n";
    g_autoptr(GError) error = NULL;
    g_autoptr(SbChatResult) result = run_stream (SB_PROVIDER_OPENROUTER, data, strlen (data), 2, NULL, &error);

    g_assert_null (result);
    g_assert_error (error, SB_PROVIDER_ERROR, SB_PROVIDER_ERROR_SERVER);
  }

  {
    /* Anthropic overloaded mid-stream. */
    const char *data =
      "event: message_start\ndata: {\"type\":\"message_start\",\"message\":{\"model\":\"m\",\"usage\":{\"input_tokens\":1}}}\n\n"
      "event: ping\ndata: {\"type\": \"ping\"}\n\n"
      "event: error\r\ndata: {\"type\": \"error\", \"error\": {\"type\": \"overloaded_error\", \"message\": \"Overloaded\"}}\r\n\r\n";
    g_autoptr(GError) error = NULL;
    g_autoptr(SbChatResult) result = run_stream (SB_PROVIDER_ANTHROPIC, data, strlen (data), 1, NULL, &error);

    g_assert_null (result);
    g_assert_error (error, SB_PROVIDER_ERROR, SB_PROVIDER_ERROR_SERVER);
  }

  {
    /* A stream that stops before [DONE] and before any finish reason. */
    const char *data = "data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"Hel\"},\"finish_reason\":null}]}\n\n";
    g_autoptr(GError) error = NULL;
    g_autoptr(SbChatResult) result = run_stream (SB_PROVIDER_OPENAI, data, strlen (data), 4, NULL, &error);

    g_assert_null (result);
    g_assert_error (error, SB_PROVIDER_ERROR, SB_PROVIDER_ERROR_BAD_RESPONSE);
  }

  {
    /* Nothing after [DONE] counts. */
    const char *data =
      "data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"ok\"},\"finish_reason\":\"stop\"}]}\n\n"
      "data: [DONE]\n\n"
      "data: {\"error\":{\"message\":\"late\"}}\n\n";
    g_autoptr(GError) error = NULL;
    g_autoptr(SbChatResult) result = run_stream (SB_PROVIDER_OPENAI, data, strlen (data), 6, NULL, &error);

    g_assert_no_error (error);
    g_assert_cmpstr (result->text, ==, "ok");
  }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/sb/providers/sse/fixture-chunking", test_fixture_chunking);
  g_test_add_func ("/sb/providers/sse/framing", test_framing);
  g_test_add_func ("/sb/providers/sse/split-crlf", test_split_crlf);
  g_test_add_func ("/sb/providers/sse/openai-streams", test_openai_streams);
  g_test_add_func ("/sb/providers/sse/anthropic-streams", test_anthropic_streams);
  g_test_add_func ("/sb/providers/sse/inband-errors", test_inband_errors);

  return g_test_run ();
}
