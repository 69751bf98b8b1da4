/* test-brief-generator.c
 *
 * Copyright 2026 The Storyboard authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* The brief generator: schema validation on hand-written and recorded
 * replies, then generate/refine against the fake provider server over real
 * loopback sockets (its path is the first argument), and the exports. */

#include "config.h"

#include <signal.h>
#include <string.h>
#include <sys/prctl.h>

#include "sb-test-async.h"
#include "sb-anthropic-client.h"
#include "sb-brief-generator.h"
#include "sb-llm-chain.h"
#include "sb-openai-client.h"

#define KEY "sk-test-good-key"

static const char *fake_path;
static GSubprocess *fake;
static char *base_url;
static SoupSession *control;

/* ---- Fixtures ---------------------------------------------------------- */

#define SCENE_JSON \
  "{\"number\":%u,\"title\":\"Beat %u\",\"description\":\"Something happens in scene %u.\"," \
  "\"duration_seconds\":%s,\"shot_notes\":\"Wide shot, slow push-in\"," \
  "\"generation_prompt\":\"A red bicycle on a rainy street, scene %u, dusk light, 35mm, film grain\"}"

/* A brief with @n_scenes scenes of 6 s each. */
static char *
brief_text (guint n_scenes)
{
  GString *text = g_string_new ("{\"title\":\"Rain Ride\",\"logline\":\"A bicycle finds its way home through the rain.\","
                                "\"audience\":\"Urban commuters\",\"tone\":\"Warm, wistful\","
                                "\"visual_style\":\"Muted pastel palette, soft light\",\"scenes\":[");

  for (guint i = 1; i <= n_scenes; i++)
    {
      if (i > 1)
        g_string_append_c (text, ',');
      g_string_append_printf (text, SCENE_JSON, i, i, i, "6", i);
    }
  g_string_append (text, "]}");
  return g_string_free (text, FALSE);
}

static JsonNode *
load_fixture (const char *vendor,
              const char *name)
{
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "data", "providers", vendor, name, NULL);
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;

  json_parser_load_from_file (parser, path, &error);
  g_assert_no_error (error);
  return json_node_ref (json_parser_get_root (parser));
}

static SbChatResult *
load_openai_result (const char *name)
{
  g_autoptr(JsonNode) root = load_fixture ("openai", name);
  g_autoptr(GError) error = NULL;
  SbChatResult *result = sb_openai_parse_completion (SB_PROVIDER_OPENAI, root, &error);

  g_assert_no_error (error);
  g_assert_nonnull (result);
  return result;
}

static SbBriefRevision *
parse_ok (const char *text)
{
  g_autoptr(GError) error = NULL;
  SbBriefRevision *revision = sb_brief_parse_reply_text (text, &error);

  g_assert_no_error (error);
  g_assert_nonnull (revision);
  return revision;
}

static SbScene *
scene_at (SbBriefRevision *revision,
          guint            position)
{
  GListModel *scenes = G_LIST_MODEL (sb_brief_revision_get_scenes (revision));
  SbScene *scene = g_list_model_get_item (scenes, position);

  g_assert_nonnull (scene);
  g_object_unref (scene);   /* the store keeps it */
  return scene;
}

static guint
n_scenes (SbBriefRevision *revision)
{
  return g_list_model_get_n_items (G_LIST_MODEL (sb_brief_revision_get_scenes (revision)));
}

/* ---- Schema ------------------------------------------------------------ */

static void
test_schema (void)
{
  g_autoptr(JsonNode) schema = sb_brief_schema_new ();
  JsonObject *root = json_node_get_object (schema);
  JsonObject *scenes = json_object_get_object_member (json_object_get_object_member (root, "properties"), "scenes");
  JsonObject *items = json_object_get_object_member (scenes, "items");
  JsonArray *required = json_object_get_array_member (root, "required");
  JsonArray *scene_required = json_object_get_array_member (items, "required");
  const char *prompt = sb_brief_schema_get_system_prompt ();

  g_assert_false (json_object_get_boolean_member (root, "additionalProperties"));
  g_assert_false (json_object_get_boolean_member (items, "additionalProperties"));
  g_assert_cmpuint (json_array_get_length (required), ==, 6);
  g_assert_cmpuint (json_array_get_length (scene_required), ==, 6);
  /* Strict mode: every property is required. */
  g_assert_cmpuint (json_object_get_size (json_object_get_object_member (root, "properties")), ==, 6);
  g_assert_cmpuint (json_object_get_size (json_object_get_object_member (items, "properties")), ==, 6);
  g_assert_cmpint (json_object_get_int_member (scenes, "minItems"), ==, SB_BRIEF_MIN_SCENES);
  g_assert_cmpint (json_object_get_int_member (scenes, "maxItems"), ==, SB_BRIEF_MAX_SCENES);
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (json_object_get_object_member (items, "properties"),
                                                                                  "duration_seconds"), "type"), ==, "number");

  for (const char *const *field = (const char *const[]) { "title", "logline", "audience", "tone", "visual_style",
                                                          "number", "description", "duration_seconds",
                                                          "shot_notes", "generation_prompt", NULL };
       *field != NULL; field++)
    g_assert_nonnull (strstr (prompt, *field));
  g_assert_nonnull (strstr (prompt, "9:16"));
  g_assert_nonnull (strstr (prompt, "5 to 8"));
}

/* ---- Validation -------------------------------------------------------- */

static void
test_parse_good (void)
{
  g_autofree char *text = brief_text (5);
  g_autoptr(SbBriefRevision) revision = parse_ok (text);
  SbScene *scene;

  g_assert_cmpstr (sb_brief_revision_get_title (revision), ==, "Rain Ride");
  g_assert_cmpstr (sb_brief_revision_get_tone (revision), ==, "Warm, wistful");
  g_assert_cmpstr (sb_brief_revision_get_visual_style (revision), ==, "Muted pastel palette, soft light");
  g_assert_cmpuint (n_scenes (revision), ==, 5);
  scene = scene_at (revision, 4);
  g_assert_cmpstr (sb_scene_get_title (scene), ==, "Beat 5");
  g_assert_cmpfloat_with_epsilon (sb_scene_get_duration (scene), 6.0, 1e-9);
  g_assert_cmpstr (sb_scene_get_shot_notes (scene), ==, "Wide shot, slow push-in");
  g_assert_true (g_str_has_prefix (sb_scene_get_generation_prompt (scene), "A red bicycle"));
  g_assert_cmpint (sb_brief_revision_get_id (revision), ==, 0);

  /* Eight scenes and fractional durations are fine too. */
  {
    g_autofree char *eight = brief_text (8);
    g_autofree char *fractional = NULL;
    g_autoptr(SbBriefRevision) other = parse_ok (eight);
    g_autoptr(SbBriefRevision) third = NULL;
    g_auto(GStrv) parts = NULL;

    g_assert_cmpuint (n_scenes (other), ==, 8);
    parts = g_strsplit (eight, "\"duration_seconds\":6", 2);
    fractional = g_strjoinv ("\"duration_seconds\":2.5", parts);
    third = parse_ok (fractional);
    g_assert_cmpfloat_with_epsilon (sb_scene_get_duration (scene_at (third, 0)), 2.5, 1e-9);
  }
}

static void
test_parse_fenced (void)
{
  g_autofree char *json = brief_text (6);
  g_autofree char *fenced = g_strdup_printf ("```json\n%s\n```\n", json);
  g_autofree char *prose = g_strdup_printf ("Here is your brief:\n\n%s\n\nEnjoy!", json);
  g_autoptr(SbBriefRevision) a = parse_ok (fenced);
  g_autoptr(SbBriefRevision) b = parse_ok (prose);

  g_assert_cmpuint (n_scenes (a), ==, 6);
  g_assert_cmpuint (n_scenes (b), ==, 6);
}

static void
test_parse_truncated (void)
{
  g_autofree char *json = brief_text (6);
  g_autoptr(GError) error = NULL;
  g_autoptr(SbChatResult) result = NULL;
  g_autoptr(SbBriefRevision) revision = NULL;

  json[strlen (json) * 6 / 10] = '\0';
  revision = sb_brief_parse_reply_text (json, &error);
  g_assert_null (revision);
  g_assert_error (error, SB_BRIEF_ERROR, SB_BRIEF_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "not valid JSON"));
  g_clear_error (&error);

  /* A recorded answer cut off by max_tokens. */
  result = load_openai_result ("completion--length-truncated-json.json");
  g_assert_cmpint (result->finish, ==, SB_CHAT_FINISH_LENGTH);
  revision = sb_brief_parse_chat_result (result, &error);
  g_assert_null (revision);
  g_assert_error (error, SB_BRIEF_ERROR, SB_BRIEF_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "cut off"));
  g_clear_error (&error);

  revision = sb_brief_parse_reply_text ("", &error);
  g_assert_null (revision);
  g_assert_error (error, SB_BRIEF_ERROR, SB_BRIEF_ERROR_INVALID);
}

static void
test_parse_refusal (void)
{
  g_autoptr(SbChatResult) result = load_openai_result ("completion--refusal-content-null.json");
  g_autoptr(GError) error = NULL;
  g_autoptr(SbBriefRevision) revision = sb_brief_parse_chat_result (result, &error);

  g_assert_null (revision);
  g_assert_error (error, SB_BRIEF_ERROR, SB_BRIEF_ERROR_REFUSED);
  /* The model's own words reach the user. */
  g_assert_nonnull (strstr (error->message, "I'm very sorry, but I can't assist with that."));
}

static void
test_parse_wrong_types (void)
{
  g_autofree char *text = brief_text (5);
  g_autoptr(JsonNode) node = json_from_string (text, NULL);
  JsonObject *root = json_node_get_object (node);
  JsonArray *scenes = json_object_get_array_member (root, "scenes");
  g_autoptr(GError) error = NULL;
  g_autoptr(SbBriefRevision) revision = NULL;

  json_object_set_int_member (root, "title", 42);
  json_object_remove_member (root, "audience");
  json_object_set_string_member (json_array_get_object_element (scenes, 0), "number", "1");
  json_object_set_string_member (json_array_get_object_element (scenes, 2), "duration_seconds", "about six seconds");
  json_object_set_null_member (json_array_get_object_element (scenes, 1), "generation_prompt");
  json_object_set_int_member (json_array_get_object_element (scenes, 3), "duration_seconds", -2);
  json_object_set_string_member (json_array_get_object_element (scenes, 4), "description", "   ");

  revision = sb_brief_parse_reply (node, &error);
  g_assert_null (revision);
  g_assert_error (error, SB_BRIEF_ERROR, SB_BRIEF_ERROR_INVALID);
  g_test_message ("%s", error->message);
  /* Every problem is listed, one per line, so the repair round can fix all. */
  g_assert_nonnull (strstr (error->message, "title: expected a string"));
  g_assert_nonnull (strstr (error->message, "audience: missing"));
  g_assert_nonnull (strstr (error->message, "scenes[0].number: expected an integer"));
  g_assert_nonnull (strstr (error->message, "scenes[1].generation_prompt: expected a string"));
  g_assert_nonnull (strstr (error->message, "scenes[2].duration_seconds: expected a number"));
  g_assert_nonnull (strstr (error->message, "scenes[3].duration_seconds: must be greater than 0"));
  g_assert_nonnull (strstr (error->message, "scenes[4].description: must not be empty"));
  {
    g_auto(GStrv) lines = g_strsplit (error->message, "\n", -1);

    g_assert_cmpuint (g_strv_length (lines), ==, 7);
  }
  g_clear_error (&error);

  /* Not an object at all. */
  {
    g_autoptr(JsonNode) array = json_from_string ("[1,2,3]", NULL);

    g_assert_null (sb_brief_parse_reply (array, &error));
    g_assert_error (error, SB_BRIEF_ERROR, SB_BRIEF_ERROR_INVALID);
  }
}

static void
test_parse_scene_count (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *four = brief_text (4);
  g_autofree char *nine = brief_text (9);

  g_assert_null (sb_brief_parse_reply_text (four, &error));
  g_assert_error (error, SB_BRIEF_ERROR, SB_BRIEF_ERROR_INVALID);
  g_assert_cmpstr (error->message, ==, "4 scenes; a brief needs 5 to 8");
  g_clear_error (&error);

  g_assert_null (sb_brief_parse_reply_text (nine, &error));
  g_assert_error (error, SB_BRIEF_ERROR, SB_BRIEF_ERROR_INVALID);
  g_assert_cmpstr (error->message, ==, "9 scenes; a brief needs 5 to 8");
  g_clear_error (&error);

  g_assert_null (sb_brief_parse_reply_text ("{\"title\":\"x\",\"logline\":\"x\",\"audience\":\"x\",\"tone\":\"x\","
                                            "\"visual_style\":\"x\",\"scenes\":{}}", &error));
  g_assert_error (error, SB_BRIEF_ERROR, SB_BRIEF_ERROR_INVALID);
  g_assert_cmpstr (error->message, ==, "scenes: expected an array");
}

/* Recorded structured answers that are valid JSON but not a brief. */
static void
test_parse_not_a_brief (void)
{
  g_autoptr(SbChatResult) openai = load_openai_result ("completion--structured-json.json");
  g_autoptr(JsonNode) root = load_fixture ("anthropic", "message--tool-use.json");
  g_autoptr(SbChatResult) anthropic = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_null (sb_brief_parse_chat_result (openai, &error));
  g_assert_error (error, SB_BRIEF_ERROR, SB_BRIEF_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "title: missing"));
  g_assert_nonnull (strstr (error->message, "scenes: missing"));
  g_clear_error (&error);

  anthropic = sb_anthropic_parse_message (root, &error);
  g_assert_no_error (error);
  g_assert_nonnull (anthropic->tool_arguments);
  g_assert_null (sb_brief_parse_chat_result (anthropic, &error));
  g_assert_error (error, SB_BRIEF_ERROR, SB_BRIEF_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "visual_style: missing"));
}

static void
test_count_scenes (void)
{
  g_autofree char *json = brief_text (6);
  g_autofree char *fenced = g_strdup_printf ("```json\n%s\n```", json);
  guint last = 0;
  guint distinct = 0;

  g_assert_cmpuint (sb_brief_count_complete_scenes (""), ==, 0);
  g_assert_cmpuint (sb_brief_count_complete_scenes (json), ==, 6);
  g_assert_cmpuint (sb_brief_count_complete_scenes (fenced), ==, 6);

  /* Every prefix: never decreasing, each scene counted once it closes. */
  for (gsize len = 0; len <= strlen (json); len++)
    {
      g_autofree char *prefix = g_strndup (json, len);
      guint count = sb_brief_count_complete_scenes (prefix);

      g_assert_cmpuint (count, >=, last);
      g_assert_cmpuint (count, <=, last + 1);
      if (count != last)
        distinct++;
      last = count;
    }
  g_assert_cmpuint (distinct, ==, 6);

  /* Braces inside strings and objects outside the scenes do not count. */
  g_assert_cmpuint (sb_brief_count_complete_scenes ("{\"title\":\"a } b {\",\"meta\":{\"x\":{}},"
                                                    "\"scenes\":[{\"title\":\"}\\\"}\"},{\"title\":\"x\""), ==, 1);
  g_assert_cmpuint (sb_brief_count_complete_scenes ("{\"notscenes\":[{},{}],\"scenes\":[{}]}"), ==, 1);
}

/* ---- Against the fake -------------------------------------------------- */

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

static guint
fake_count (const char *route)
{
  g_autoptr(JsonNode) node = control_request ("GET", "/_fake/requests", NULL);
  JsonArray *array = json_node_get_array (node);
  guint count = 0;

  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonObject *entry = json_array_get_object_element (array, i);

      /* Requests refused before routing (a bad key) are logged by path. */
      if (g_str_has_prefix (json_object_get_string_member_with_default (entry, "route", ""), route) ||
          g_str_equal (json_object_get_string_member_with_default (entry, "path", ""), route))
        count++;
    }
  return count;
}

static SbHttp *
new_http (void)
{
  g_autoptr(SbProviderConfig) config = sb_provider_config_new ();
  SbHttp *http = sb_http_new (config);

  sb_http_set_backoff_scale (http, 0.001);
  sb_http_set_max_attempts (http, 2);
  return http;
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
  sb_llm_client_set_model (client, kind == SB_PROVIDER_ANTHROPIC ? "claude-sonnet-4-5" : "gpt-4o");
  return client;
}

static SbBriefGenerator *
new_generator (SbProviderKind first,
               ...)
{
  g_autoptr(SbHttp) http = new_http ();
  g_autoptr(SbLlmChain) chain = sb_llm_chain_new ();
  va_list args;
  int kind;

  va_start (args, first);
  for (kind = first; kind >= 0; kind = va_arg (args, int))
    {
      g_autoptr(SbLlmClient) client = new_llm (http, kind, KEY);

      sb_llm_chain_append (chain, client);
    }
  va_end (args);
  return sb_brief_generator_new (chain);
}

typedef struct
{
  GArray       *counts;       /* guint: n_scenes_so_far of each call */
  gsize         last_len;
  gboolean      text_grew;
  gboolean      destroyed;
  GCancellable *cancel_on_first;
  gint64        cancelled_at;
} Progress;

static void
progress_cb (const char *text,
             guint       n,
             gpointer    user_data)
{
  Progress *p = user_data;

  g_assert_true (g_main_context_is_owner (g_main_context_default ()));
  g_assert_nonnull (text);
  if (strlen (text) > p->last_len)
    p->text_grew = TRUE;
  p->last_len = strlen (text);
  g_array_append_val (p->counts, n);
  if (p->cancel_on_first != NULL && p->cancelled_at == 0)
    {
      p->cancelled_at = g_get_monotonic_time ();
      g_cancellable_cancel (p->cancel_on_first);
    }
}

static void
progress_destroy (gpointer user_data)
{
  ((Progress *) user_data)->destroyed = TRUE;
}

static SbBriefRevision *
generate (SbBriefGenerator  *generator,
          const char        *prompt,
          Progress          *progress,
          GCancellable      *cancellable,
          GPtrArray        **failures,
          GError           **error)
{
  g_autoptr(SbBriefRequest) request = sb_brief_request_new ();
  g_autoptr(GAsyncResult) result = NULL;

  request->prompt = g_strdup (prompt);
  request->platform = g_strdup ("tiktok");
  request->category = g_strdup ("product");
  request->target_duration = 30;
  sb_brief_generator_generate_async (generator, request,
                                     progress ? progress_cb : NULL, progress,
                                     progress ? progress_destroy : NULL,
                                     cancellable, sb_test_store_result_cb, &result);
  return sb_brief_generator_generate_finish (generator, sb_test_run_until (&result), failures, error);
}

static void
assert_counts_increase (Progress *p)
{
  guint distinct = 0;

  g_assert_cmpuint (p->counts->len, >, 0);
  for (guint i = 1; i < p->counts->len; i++)
    {
      guint before = g_array_index (p->counts, guint, i - 1);
      guint now = g_array_index (p->counts, guint, i);

      g_assert_cmpuint (now, >=, before);
      if (now > before)
        distinct++;
    }
  /* The fake writes six scenes in small pieces: each is seen closing. */
  g_assert_cmpuint (g_array_index (p->counts, guint, p->counts->len - 1), ==, 6);
  g_assert_cmpuint (distinct, ==, 6);
}

static void
test_generate_openai (void)
{
  g_autoptr(SbBriefGenerator) generator = new_generator (SB_PROVIDER_OPENAI, -1);
  g_autoptr(GPtrArray) failures = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(SbBriefRevision) revision = NULL;
  Progress progress = { g_array_new (FALSE, FALSE, sizeof (guint)), };

  fake_reset ();
  revision = generate (generator, "a lighthouse keeper who befriends a storm", &progress, NULL, &failures, &error);
  g_assert_no_error (error);
  g_assert_nonnull (revision);

  g_assert_cmpstr (sb_brief_revision_get_provider (revision), ==, "openai");
  g_assert_nonnull (sb_brief_revision_get_model (revision));
  g_assert_true (g_str_has_prefix (sb_brief_revision_get_model (revision), "gpt-4o"));
  g_assert_null (sb_brief_revision_get_instruction (revision));
  g_assert_nonnull (sb_brief_revision_get_created_at (revision));
  g_assert_cmpuint (n_scenes (revision), ==, 6);
  g_assert_nonnull (strstr (sb_scene_get_generation_prompt (scene_at (revision, 0)), "lighthouse keeper"));
  g_assert_nonnull (failures);
  g_assert_cmpuint (failures->len, ==, 0);
  g_assert_cmpuint (fake_count ("openai-chat"), ==, 1);

  assert_counts_increase (&progress);
  g_assert_true (progress.text_grew);
  g_assert_true (progress.destroyed);
  g_array_unref (progress.counts);
}

static void
test_generate_anthropic (void)
{
  g_autoptr(SbBriefGenerator) generator = new_generator (SB_PROVIDER_ANTHROPIC, -1);
  g_autoptr(GPtrArray) failures = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(SbBriefRevision) revision = NULL;
  Progress progress = { g_array_new (FALSE, FALSE, sizeof (guint)), };

  fake_reset ();
  revision = generate (generator, "a paper boat crossing a city", &progress, NULL, &failures, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (sb_brief_revision_get_provider (revision), ==, "anthropic");
  g_assert_true (g_str_has_prefix (sb_brief_revision_get_model (revision), "claude"));
  g_assert_cmpuint (n_scenes (revision), ==, 6);
  g_assert_cmpuint (failures->len, ==, 0);
  g_assert_cmpuint (fake_count ("anthropic-messages"), ==, 1);

  /* The brief arrives as the forced tool's JSON: it streams too. */
  assert_counts_increase (&progress);
  g_assert_true (progress.text_grew);
  g_array_unref (progress.counts);
}

/* Reference images travel as data URIs; the generator decodes them for the
 * request, and a broken one is skipped rather than failing the brief. */
static void
test_generate_references (void)
{
  g_autoptr(SbBriefGenerator) generator = new_generator (SB_PROVIDER_OPENAI, -1);
  g_autoptr(SbBriefRequest) request = sb_brief_request_new ();
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(SbBriefRevision) revision = NULL;
  /* A 1x1 PNG. */
  const char *png = "data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==";

  fake_reset ();
  request->prompt = g_strdup ("the same mug, on a desk at sunrise");
  request->platform = g_strdup ("youtube");
  g_ptr_array_add (request->reference_images, g_strdup (png));
  g_ptr_array_add (request->reference_images, g_strdup ("https://example.com/not-a-data-uri.png"));
  request->reference_note = g_strdup ("frames from a 12 s video");
  sb_brief_generator_generate_async (generator, request, NULL, NULL, NULL, NULL, sb_test_store_result_cb, &result);
  revision = sb_brief_generator_generate_finish (generator, sb_test_run_until (&result), NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (n_scenes (revision), ==, 6);
  g_assert_cmpuint (fake_count ("openai-chat"), ==, 1);
}

static void
test_generate_fenced (void)
{
  g_autoptr(SbBriefGenerator) generator = new_generator (SB_PROVIDER_OPENAI, -1);
  g_autoptr(GError) error = NULL;
  g_autoptr(SbBriefRevision) revision = NULL;

  fake_reset ();
  revision = generate (generator, "a kite festival [fake:reply=fenced]", NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (n_scenes (revision), ==, 6);
  /* Fences are tolerated: no repair round. */
  g_assert_cmpuint (fake_count ("openai-chat"), ==, 1);
}

/* The first answer is invalid, the repair round's is valid: "*1" limits
 * the fake's fault to the first request. */
static void
test_repair_round (void)
{
  const char *markers[] = { "[fake:reply=wrong-types*1]", "[fake:reply=few-scenes*1]",
                            "[fake:reply=truncated*1]", "[fake:reply=invalid*1]" };

  for (guint k = 0; k < 2; k++)
    for (guint i = 0; i < G_N_ELEMENTS (markers); i++)
      {
        SbProviderKind kind = k == 0 ? SB_PROVIDER_OPENAI : SB_PROVIDER_ANTHROPIC;
        g_autoptr(SbBriefGenerator) generator = new_generator (kind, -1);
        g_autofree char *prompt = g_strdup_printf ("a night market %s", markers[i]);
        g_autoptr(GError) error = NULL;
        g_autoptr(SbBriefRevision) revision = NULL;

        g_test_message ("%s %s", sb_provider_kind_to_id (kind), markers[i]);
        fake_reset ();
        revision = generate (generator, prompt, NULL, NULL, NULL, &error);
        g_assert_no_error (error);
        g_assert_cmpuint (n_scenes (revision), ==, 6);
        g_assert_cmpuint (fake_count (k == 0 ? "openai-chat" : "anthropic-messages"), ==, 2);
      }
}

/* Still invalid after the repair round: a clear error, never a revision. */
static void
test_repair_fails (void)
{
  const char *markers[] = { "[fake:reply=few-scenes]", "[fake:reply=wrong-types]", "[fake:reply=truncated]" };

  for (guint i = 0; i < G_N_ELEMENTS (markers); i++)
    {
      g_autoptr(SbBriefGenerator) generator = new_generator (SB_PROVIDER_OPENAI, -1);
      g_autofree char *prompt = g_strdup_printf ("a night market %s", markers[i]);
      g_autoptr(GError) error = NULL;
      g_autoptr(SbBriefRevision) revision = NULL;
      g_autoptr(GPtrArray) failures = NULL;

      fake_reset ();
      revision = generate (generator, prompt, NULL, NULL, &failures, &error);
      g_assert_null (revision);
      g_assert_null (failures);
      g_assert_error (error, SB_BRIEF_ERROR, SB_BRIEF_ERROR_INVALID);
      g_assert_cmpstr (error->message, ==,
                       "The model’s answer did not follow the brief format, even after a second try. "
                       "Try again or choose another model.");
      g_assert_cmpuint (fake_count ("openai-chat"), ==, 2);
    }
}

static void
test_refusal (void)
{
  for (guint k = 0; k < 2; k++)
    {
      SbProviderKind kind = k == 0 ? SB_PROVIDER_OPENAI : SB_PROVIDER_ANTHROPIC;
      g_autoptr(SbBriefGenerator) generator = new_generator (kind, -1);
      g_autoptr(GError) error = NULL;
      g_autoptr(SbBriefRevision) revision = NULL;

      fake_reset ();
      revision = generate (generator, "something else [fake:reply=refusal]", NULL, NULL, NULL, &error);
      g_assert_null (revision);
      g_assert_error (error, SB_BRIEF_ERROR, SB_BRIEF_ERROR_REFUSED);
      g_test_message ("%s", error->message);
      g_assert_nonnull (strstr (error->message, k == 0 ? "I'm very sorry, but I can't assist with that."
                                                       : "I can't help with that request."));
      /* A refusal is not repaired. */
      g_assert_cmpuint (fake_count (k == 0 ? "openai-chat" : "anthropic-messages"), ==, 1);
    }
}

static void
test_fallback (void)
{
  const char *faults[] = { "openai-chat:500", "openai-chat:429" };

  for (guint i = 0; i < G_N_ELEMENTS (faults); i++)
    {
      g_autoptr(SbBriefGenerator) generator = new_generator (SB_PROVIDER_OPENAI, SB_PROVIDER_ANTHROPIC, -1);
      g_autoptr(GPtrArray) failures = NULL;
      g_autoptr(GError) error = NULL;
      g_autoptr(SbBriefRevision) revision = NULL;
      Progress progress = { g_array_new (FALSE, FALSE, sizeof (guint)), };

      fake_reset ();
      fake_add_fault (faults[i]);
      revision = generate (generator, "a harbour at dawn", &progress, NULL, &failures, &error);
      g_assert_no_error (error);
      g_assert_cmpstr (sb_brief_revision_get_provider (revision), ==, "anthropic");
      g_assert_cmpuint (failures->len, ==, 1);
      {
        GError *failure = g_ptr_array_index (failures, 0);
        int code = i == 0 ? SB_PROVIDER_ERROR_SERVER : SB_PROVIDER_ERROR_RATE_LIMITED;

        g_assert_error (failure, SB_PROVIDER_ERROR, code);
      }
      g_assert_cmpuint (fake_count ("openai-chat"), ==, 2);   /* retried once, then given up */
      g_assert_cmpuint (fake_count ("anthropic-messages"), ==, 1);
      g_assert_true (progress.destroyed);
      g_array_unref (progress.counts);
    }
}

static void
test_provider_errors (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SbBriefRevision) revision = NULL;

  /* A rejected key passes through unchanged, for the UI to offer Preferences. */
  {
    g_autoptr(SbHttp) http = new_http ();
    g_autoptr(SbLlmClient) client = new_llm (http, SB_PROVIDER_OPENAI, "bad-key");
    g_autoptr(SbLlmChain) chain = sb_llm_chain_new ();
    g_autoptr(SbBriefGenerator) generator = NULL;

    sb_llm_chain_append (chain, client);
    generator = sb_brief_generator_new (chain);
    g_assert_true (sb_brief_generator_get_chain (generator) == chain);
    fake_reset ();
    revision = generate (generator, "a quiet library", NULL, NULL, NULL, &error);
    g_assert_null (revision);
    g_assert_error (error, SB_PROVIDER_ERROR, SB_PROVIDER_ERROR_AUTH);
    g_assert_cmpuint (fake_count ("/v1/chat/completions"), ==, 1);
    g_clear_error (&error);
  }

  /* Server errors on the only provider: its error, not INVALID. */
  {
    g_autoptr(SbBriefGenerator) generator = new_generator (SB_PROVIDER_ANTHROPIC, -1);

    fake_reset ();
    fake_add_fault ("anthropic-messages:529");
    revision = generate (generator, "a quiet library", NULL, NULL, NULL, &error);
    g_assert_null (revision);
    g_assert_error (error, SB_PROVIDER_ERROR, SB_PROVIDER_ERROR_SERVER);
    g_clear_error (&error);
  }

  /* No provider at all. */
  {
    g_autoptr(SbLlmChain) chain = sb_llm_chain_new ();
    g_autoptr(SbBriefGenerator) generator = sb_brief_generator_new (chain);

    revision = generate (generator, "a quiet library", NULL, NULL, NULL, &error);
    g_assert_null (revision);
    g_assert_error (error, SB_BRIEF_ERROR, SB_BRIEF_ERROR_NO_PROVIDER);
  }
}

static void
test_cancel (void)
{
  g_autoptr(SbBriefGenerator) generator = new_generator (SB_PROVIDER_OPENAI, -1);
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(SbBriefRevision) revision = NULL;
  Progress progress = { g_array_new (FALSE, FALSE, sizeof (guint)), };
  gint64 done;

  fake_reset ();
  progress.cancel_on_first = cancellable;
  /* Every event dribbles out in pieces of a few bytes 50 ms apart: the
   * whole brief would take minutes. */
  revision = generate (generator, "a slow tide [fake:split=50]", &progress, cancellable, NULL, &error);
  done = g_get_monotonic_time ();
  g_assert_null (revision);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_cmpint (progress.cancelled_at, >, 0);
  g_assert_cmpint (done - progress.cancelled_at, <, G_USEC_PER_SEC / 2);
  /* Nothing more arrived after the cancel. */
  g_assert_cmpuint (progress.counts->len, ==, 1);
  g_assert_true (progress.destroyed);
  g_array_unref (progress.counts);
}

static void
test_refine (void)
{
  g_autoptr(SbBriefGenerator) generator = new_generator (SB_PROVIDER_OPENAI, -1);
  g_autoptr(SbBrief) brief = sb_brief_new ();
  g_autofree char *json = brief_text (5);
  g_autoptr(SbBriefRevision) current = parse_ok (json);
  g_autoptr(SbBriefRevision) next = NULL;
  g_autoptr(GPtrArray) failures = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) changes = NULL;
  Progress progress = { g_array_new (FALSE, FALSE, sizeof (guint)), };

  sb_brief_set_id (brief, 3);
  sb_brief_set_prompt (brief, "a red bicycle in the rain");
  sb_brief_set_platform (brief, "youtube");
  sb_brief_set_target_duration (brief, 30);
  sb_brief_revision_set_id (current, 7);
  sb_brief_revision_set_brief_id (current, 3);
  sb_brief_revision_set_provider (current, "anthropic");
  sb_scene_set_chosen_media_id (scene_at (current, 0), 41);

  fake_reset ();
  sb_brief_generator_refine_async (generator, brief, current, "Make it more playful",
                                   progress_cb, &progress, progress_destroy,
                                   NULL, sb_test_store_result_cb, &result);
  next = sb_brief_generator_refine_finish (generator, sb_test_run_until (&result), &failures, &error);
  g_assert_no_error (error);
  g_assert_nonnull (next);
  g_assert_true (next != current);
  g_assert_cmpstr (sb_brief_revision_get_instruction (next), ==, "Make it more playful");
  g_assert_cmpint (sb_brief_revision_get_parent_id (next), ==, 7);
  g_assert_cmpint (sb_brief_revision_get_brief_id (next), ==, 3);
  g_assert_cmpint (sb_brief_revision_get_id (next), ==, 0);
  g_assert_cmpstr (sb_brief_revision_get_provider (next), ==, "openai");
  g_assert_cmpuint (n_scenes (next), ==, 6);
  g_assert_cmpuint (failures->len, ==, 0);
  /* Every prompt changed: no chosen image carries over. */
  for (guint i = 0; i < n_scenes (next); i++)
    g_assert_cmpint (sb_scene_get_chosen_media_id (scene_at (next, i)), ==, 0);
  /* The current revision is untouched. */
  g_assert_cmpstr (sb_brief_revision_get_title (current), ==, "Rain Ride");
  g_assert_cmpint (sb_scene_get_chosen_media_id (scene_at (current, 0)), ==, 41);
  assert_counts_increase (&progress);
  g_array_unref (progress.counts);

  changes = sb_brief_revision_describe_changes (current, next);
  g_assert_true (g_strv_contains ((const char *const *) changes, "Scene 6 added"));
}

/* ---- Exports ----------------------------------------------------------- */

static SbBrief *
new_brief (void)
{
  SbBrief *brief = sb_brief_new ();

  sb_brief_set_id (brief, 12);
  sb_brief_set_title (brief, "Rain Ride");
  sb_brief_set_prompt (brief, "a red bicycle in the rain");
  sb_brief_set_platform (brief, "tiktok");
  sb_brief_set_category (brief, "product");
  sb_brief_set_target_duration (brief, 30);
  return brief;
}

static void
test_export_markdown (void)
{
  g_autoptr(SbBrief) brief = new_brief ();
  g_autofree char *json = brief_text (5);
  g_autoptr(SbBriefRevision) revision = parse_ok (json);
  g_autofree char *md = NULL;
  const char *one;
  const char *five;

  sb_scene_set_duration (scene_at (revision, 1), 4.5);
  md = sb_brief_export_markdown (brief, revision);
  g_test_message ("%s", md);

  g_assert_true (g_str_has_prefix (md, "# Rain Ride\n"));
  g_assert_nonnull (strstr (md, "- **Prompt:** a red bicycle in the rain\n"));
  g_assert_nonnull (strstr (md, "- **Platform:** TikTok\n"));
  g_assert_nonnull (strstr (md, "- **Category:** Product\n"));
  g_assert_nonnull (strstr (md, "- **Target duration:** 30 s\n"));
  g_assert_nonnull (strstr (md, "- **Logline:** A bicycle finds its way home through the rain.\n"));
  g_assert_nonnull (strstr (md, "- **Audience:** Urban commuters\n"));
  g_assert_nonnull (strstr (md, "- **Tone:** Warm, wistful\n"));
  g_assert_nonnull (strstr (md, "- **Visual style:** Muted pastel palette, soft light\n"));
  g_assert_nonnull (strstr (md, "5 scenes, 28.5 s in total"));
  g_assert_nonnull (strstr (md, "2. **Beat 2** (4.5 s)\n"));
  g_assert_nonnull (strstr (md, "   Something happens in scene 3.\n"));
  g_assert_nonnull (strstr (md, "   *Shot notes:* Wide shot, slow push-in\n"));
  g_assert_nonnull (strstr (md, "   *Generation prompt:* A red bicycle on a rainy street, scene 4,"));
  one = strstr (md, "1. **Beat 1** (6 s)");
  five = strstr (md, "5. **Beat 5** (6 s)");
  g_assert_nonnull (one);
  g_assert_nonnull (five);
  g_assert_true (one < five);
  g_assert_true (g_utf8_validate (md, -1, NULL));
}

static void
test_export_json (void)
{
  g_autoptr(SbBrief) brief = new_brief ();
  g_autofree char *text = brief_text (6);
  g_autoptr(SbBriefRevision) revision = parse_ok (text);
  g_autofree char *json = NULL;
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(GError) error = NULL;
  JsonObject *root;
  JsonObject *b;
  JsonObject *r;
  JsonObject *content;

  sb_brief_revision_set_id (revision, 5);
  sb_brief_revision_set_number (revision, 2);
  sb_brief_revision_set_parent_id (revision, 4);
  sb_brief_revision_set_instruction (revision, "Shorter scenes");
  sb_brief_revision_set_provider (revision, "openrouter");
  sb_brief_revision_set_model (revision, "openai/gpt-4o");

  json = sb_brief_export_json (brief, revision);
  node = json_from_string (json, &error);
  g_assert_no_error (error);
  root = json_node_get_object (node);
  g_assert_cmpstr (json_object_get_string_member (root, "format"), ==, "storyboard-brief");
  b = json_object_get_object_member (root, "brief");
  g_assert_cmpint (json_object_get_int_member (b, "id"), ==, 12);
  g_assert_cmpstr (json_object_get_string_member (b, "prompt"), ==, "a red bicycle in the rain");
  g_assert_cmpstr (json_object_get_string_member (b, "platform"), ==, "tiktok");
  g_assert_cmpstr (json_object_get_string_member (b, "category"), ==, "product");
  g_assert_cmpfloat_with_epsilon (json_object_get_double_member (b, "target_duration"), 30, 1e-9);
  r = json_object_get_object_member (root, "revision");
  g_assert_cmpint (json_object_get_int_member (r, "number"), ==, 2);
  g_assert_cmpint (json_object_get_int_member (r, "parent_id"), ==, 4);
  g_assert_cmpstr (json_object_get_string_member (r, "instruction"), ==, "Shorter scenes");
  g_assert_cmpstr (json_object_get_string_member (r, "model"), ==, "openai/gpt-4o");

  /* The content is the brief schema itself: it validates and round-trips. */
  content = json_object_get_object_member (root, "content");
  g_assert_cmpstr (json_object_get_string_member (content, "title"), ==, "Rain Ride");
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (content, "scenes")), ==, 6);
  {
    g_autoptr(SbBriefRevision) again = sb_brief_parse_reply (json_object_get_member (root, "content"), &error);

    g_assert_no_error (error);
    g_assert_cmpuint (n_scenes (again), ==, 6);
    g_assert_cmpstr (sb_scene_get_description (scene_at (again, 2)), ==, "Something happens in scene 3.");
  }
}

static void
test_describe_changes (void)
{
  g_autofree char *json = brief_text (6);
  g_autoptr(SbBriefRevision) before = parse_ok (json);
  g_autoptr(SbBriefRevision) after = parse_ok (json);
  g_auto(GStrv) none = sb_brief_revision_describe_changes (before, after);
  g_auto(GStrv) changes = NULL;
  g_auto(GStrv) fewer = NULL;
  g_autoptr(SbScene) extra = NULL;
  const char *expected[] = {
    "Tone: “Warm, wistful” → “Playful”",
    "Logline changed",
    "Scene 2: duration 6 s → 8 s",
    "Scene 3: description changed",
    "Scene 4: title, generation prompt changed",
    "Scene 7 added",
    NULL,
  };

  g_assert_cmpuint (g_strv_length (none), ==, 0);

  sb_brief_revision_set_tone (after, "Playful");
  sb_brief_revision_set_logline (after, "A bicycle, a storm, and a long way home that turns out to be the short way after all.");
  sb_scene_set_duration (scene_at (after, 1), 8);
  sb_scene_set_description (scene_at (after, 2), "Something else entirely.");
  sb_scene_set_title (scene_at (after, 3), "New beat");
  sb_scene_set_generation_prompt (scene_at (after, 3), "A blue umbrella");
  extra = sb_scene_copy (scene_at (after, 0));
  g_list_store_append (sb_brief_revision_get_scenes (after), extra);

  changes = sb_brief_revision_describe_changes (before, after);
  for (guint i = 0; changes[i] != NULL; i++)
    g_test_message ("%s", changes[i]);
  g_assert_cmpuint (g_strv_length (changes), ==, g_strv_length ((char **) expected));
  for (guint i = 0; expected[i] != NULL; i++)
    g_assert_true (g_strv_contains ((const char *const *) changes, expected[i]));

  fewer = sb_brief_revision_describe_changes (after, before);
  g_assert_true (g_strv_contains ((const char *const *) fewer, "Scene 7 removed"));
  g_assert_true (g_strv_contains ((const char *const *) fewer, "Tone: “Playful” → “Warm, wistful”"));
}

/* ---- main -------------------------------------------------------------- */

/* The fake dies with the test, even when a test crashes. */
static void
child_setup (gpointer user_data)
{
  prctl (PR_SET_PDEATHSIG, SIGTERM);
}

static void
start_fake (void)
{
  g_autoptr(GSubprocessLauncher) launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE);
  g_autoptr(GDataInputStream) input = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *line = NULL;
  g_autofree char *openai = NULL;

  g_subprocess_launcher_set_child_setup (launcher, child_setup, NULL, NULL);
  fake = g_subprocess_launcher_spawn (launcher, &error, fake_path, "--sse-delay-ms", "1", NULL);
  g_assert_no_error (error);

  input = g_data_input_stream_new (g_subprocess_get_stdout_pipe (fake));
  line = g_data_input_stream_read_line (input, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (line);
  g_assert_true (g_str_has_prefix (line, "listening on http://"));
  base_url = g_strdup (line + strlen ("listening on "));

  openai = g_strconcat (base_url, "/v1", NULL);
  g_setenv ("STORYBOARD_OPENAI_BASE_URL", openai, TRUE);
  g_setenv ("STORYBOARD_ANTHROPIC_BASE_URL", base_url, TRUE);
  control = soup_session_new ();
}

int
main (int   argc,
      char *argv[])
{
  int ret;

  /* Isolated XDG dirs hide the GNOME proxy settings schemas; loopback
   * needs no proxy anyway. */
  g_setenv ("GIO_USE_PROXY_RESOLVER", "dummy", TRUE);
  g_setenv ("STORYBOARD_BACKOFF_SCALE", "0.001", TRUE);
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  fake_path = argc > 1 ? argv[1] : g_getenv ("SB_FAKE_PROVIDERS");

  g_test_add_func ("/sb/generation/brief/schema", test_schema);
  g_test_add_func ("/sb/generation/brief/parse/good", test_parse_good);
  g_test_add_func ("/sb/generation/brief/parse/fenced", test_parse_fenced);
  g_test_add_func ("/sb/generation/brief/parse/truncated", test_parse_truncated);
  g_test_add_func ("/sb/generation/brief/parse/refusal", test_parse_refusal);
  g_test_add_func ("/sb/generation/brief/parse/wrong-types", test_parse_wrong_types);
  g_test_add_func ("/sb/generation/brief/parse/scene-count", test_parse_scene_count);
  g_test_add_func ("/sb/generation/brief/parse/not-a-brief", test_parse_not_a_brief);
  g_test_add_func ("/sb/generation/brief/count-scenes", test_count_scenes);
  g_test_add_func ("/sb/generation/brief/export/markdown", test_export_markdown);
  g_test_add_func ("/sb/generation/brief/export/json", test_export_json);
  g_test_add_func ("/sb/generation/brief/describe-changes", test_describe_changes);

  if (fake_path != NULL && *fake_path != '\0')
    {
      start_fake ();
      g_test_add_func ("/sb/generation/brief/generate/openai", test_generate_openai);
      g_test_add_func ("/sb/generation/brief/generate/anthropic", test_generate_anthropic);
      g_test_add_func ("/sb/generation/brief/generate/references", test_generate_references);
      g_test_add_func ("/sb/generation/brief/generate/fenced", test_generate_fenced);
      g_test_add_func ("/sb/generation/brief/generate/repair-round", test_repair_round);
      g_test_add_func ("/sb/generation/brief/generate/repair-fails", test_repair_fails);
      g_test_add_func ("/sb/generation/brief/generate/refusal", test_refusal);
      g_test_add_func ("/sb/generation/brief/generate/fallback", test_fallback);
      g_test_add_func ("/sb/generation/brief/generate/provider-errors", test_provider_errors);
      g_test_add_func ("/sb/generation/brief/generate/cancel", test_cancel);
      g_test_add_func ("/sb/generation/brief/refine", test_refine);
    }
  else
    g_printerr ("No fake provider server given: skipping the HTTP tests\n");

  ret = g_test_run ();

  if (fake != NULL)
    {
      g_subprocess_force_exit (fake);
      g_subprocess_wait (fake, NULL, NULL);
    }
  g_clear_object (&fake);
  g_clear_object (&control);
  g_free (base_url);
  return ret;
}
