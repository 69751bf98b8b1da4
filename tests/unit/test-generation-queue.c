/* test-generation-queue.c
 *
 * Copyright 2026 The Storyboard authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* The generation queue against the fake provider server (its path is the
 * first argument) over real loopback sockets, with a real library. */

#include "config.h"

#include <signal.h>
#include <sys/prctl.h>
#include <unistd.h>

#include "sb-test-async.h"
#include "sb-generation-queue.h"
#include "sb-library-briefs.h"
#include "sb-library-jobs.h"
#include "sb-media.h"

#define KEY   "sk-test-good-key"
#define MODEL "black-forest-labs/flux-schnell"
#define WAIT_SECONDS 60

static const char *fake_path;
static GSubprocess *fake;
static char *base_url;
static SoupSession *control;

/* ---- plumbing ---------------------------------------------------------- */

static gboolean
timed_out_cb (gpointer user_data)
{
  *(gboolean *) user_data = TRUE;
  return G_SOURCE_REMOVE;
}

typedef gboolean (*Condition) (gpointer data);

/* Iterates the main context until @condition holds; fails the test after
 * WAIT_SECONDS. */
static void
wait_for (Condition   condition,
          gpointer    data,
          const char *what)
{
  gboolean timed_out = FALSE;
  guint source = g_timeout_add_seconds (WAIT_SECONDS, timed_out_cb, &timed_out);

  while (!condition (data) && !timed_out)
    g_main_context_iteration (NULL, TRUE);
  if (timed_out)
    g_error ("Timed out waiting for %s", what);
  g_source_remove (source);
}

static gboolean
result_ready (gpointer data)
{
  return *(GAsyncResult **) data != NULL;
}

static GAsyncResult *
run_until (GAsyncResult **slot)
{
  wait_for (result_ready, slot, "an async result");
  return *slot;
}

static JsonNode *
control_request (const char *method,
                 const char *path)
{
  g_autofree char *url = g_strconcat (base_url, path, NULL);
  g_autoptr(SoupMessage) msg = soup_message_new (method, url);
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GError) error = NULL;

  bytes = soup_session_send_and_read (control, msg, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (soup_message_get_status (msg), ==, 200);

  return json_from_string (g_bytes_get_data (bytes, NULL), NULL);
}

/* GET @path of the fake's Replicate API, as the app would. */
static JsonObject *
replicate_get (const char *path)
{
  g_autofree char *url = g_strconcat (base_url, path, NULL);
  g_autoptr(SoupMessage) msg = soup_message_new ("GET", url);
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = NULL;

  soup_message_headers_replace (soup_message_get_request_headers (msg), "Authorization", "Bearer " KEY);
  bytes = soup_session_send_and_read (control, msg, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (soup_message_get_status (msg), ==, 200);
  node = json_from_string (g_bytes_get_data (bytes, NULL), &error);
  g_assert_no_error (error);

  return json_object_ref (json_node_get_object (node));
}

/* The input a prediction was created with, as Replicate reports it. */
static JsonObject *
fake_prediction_input (const char *prediction_id)
{
  g_autofree char *path = g_strdup_printf ("/v1/predictions/%s", prediction_id);
  g_autoptr(JsonObject) prediction = replicate_get (path);

  return json_object_ref (json_object_get_object_member (prediction, "input"));
}

static void
fake_reset (void)
{
  g_autoptr(JsonNode) node = control_request ("POST", "/_fake/reset");
}

/* Log entries of @method whose path matches @path_glob. */
static GPtrArray *
fake_requests (const char *method,
               const char *path_glob,
               int         status)
{
  g_autoptr(JsonNode) node = control_request ("GET", "/_fake/requests");
  GPtrArray *entries = g_ptr_array_new_with_free_func ((GDestroyNotify) json_object_unref);
  JsonArray *array = json_node_get_array (node);

  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonObject *entry = json_array_get_object_element (array, i);

      if (g_str_equal (json_object_get_string_member (entry, "method"), method) &&
          g_pattern_match_simple (path_glob, json_object_get_string_member (entry, "path")) &&
          (status < 0 || json_object_get_int_member (entry, "status") == status))
        g_ptr_array_add (entries, json_object_ref (entry));
    }

  return entries;
}

/* Prediction creates for @model answered with @status (any if < 0). */
static guint
count_creates (const char *model,
               int         status)
{
  g_autofree char *glob = g_strdup_printf ("/v1/models/%s/predictions", model);
  g_autoptr(GPtrArray) entries = fake_requests ("POST", glob, status);

  return entries->len;
}

static char *
library_path (void)
{
  return g_build_filename (g_get_user_data_dir (), "queue-test", "library.db", NULL);
}

static SbLibrary *
open_library (const char *path)
{
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_path_get_dirname (path);
  SbLibrary *library;

  g_mkdir_with_parents (dir, 0700);
  sb_library_open_async (file, NULL, sb_test_store_result_cb, &result);
  library = sb_library_open_finish (run_until (&result), &error);
  g_assert_no_error (error);

  return library;
}

static SbReplicateClient *
new_client (void)
{
  g_autoptr(SbProviderConfig) config = sb_provider_config_new ();
  g_autoptr(SbHttp) http = sb_http_new (config);
  SbReplicateClient *client;

  /* Waits of seconds become milliseconds. */
  sb_http_set_backoff_scale (http, 0.001);
  client = sb_replicate_client_new (http);
  sb_replicate_client_set_api_key (client, KEY);

  return client;
}

/* A brief whose revision has @n_scenes scenes; their ids in @scene_ids. */
static void
create_brief (SbLibrary *library,
              guint      n_scenes,
              gint64    *brief_id,
              gint64    *revision_id,
              GArray    *scene_ids)
{
  g_autoptr(SbBrief) brief = sb_brief_new ();
  g_autoptr(SbBriefRevision) revision = sb_brief_revision_new ();
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  GListStore *scenes = sb_brief_revision_get_scenes (revision);

  sb_brief_set_title (brief, "Lighthouse");
  sb_brief_set_prompt (brief, "A lighthouse keeper's day");
  sb_brief_revision_set_title (revision, "Lighthouse");
  for (guint i = 0; i < n_scenes; i++)
    {
      g_autoptr(SbScene) scene = sb_scene_new ();
      g_autofree char *title = g_strdup_printf ("Scene %u", i + 1);

      sb_scene_set_title (scene, title);
      g_list_store_append (scenes, scene);
    }

  sb_library_create_brief_async (library, brief, revision, NULL, sb_test_store_result_cb, &result);
  g_assert_true (sb_library_create_brief_finish (library, run_until (&result), &error));
  g_assert_no_error (error);

  *brief_id = sb_brief_get_id (brief);
  *revision_id = sb_brief_revision_get_id (revision);
  g_assert_cmpint (*brief_id, >, 0);
  g_assert_cmpint (*revision_id, >, 0);
  for (guint i = 0; i < n_scenes; i++)
    {
      g_autoptr(SbScene) scene = g_list_model_get_item (G_LIST_MODEL (scenes), i);
      gint64 id = sb_scene_get_id (scene);

      g_assert_cmpint (id, >, 0);
      g_array_append_val (scene_ids, id);
    }
}

static SbGenerationRequest *
new_request (const char *prompt,
             gint64      seed,
             guint       num_outputs)
{
  SbGenerationRequest *request = sb_generation_request_new ();

  request->kind = SB_MEDIA_KIND_IMAGE;
  request->model = g_strdup (MODEL);
  request->input = json_object_new ();
  json_object_set_string_member (request->input, "prompt", prompt);
  json_object_set_string_member (request->input, "aspect_ratio", "1:1");
  json_object_set_string_member (request->input, "megapixels", "0.25");
  json_object_set_string_member (request->input, "output_format", "png");
  if (seed >= 0)
    json_object_set_int_member (request->input, "seed", seed);
  if (num_outputs > 1)
    json_object_set_int_member (request->input, "num_outputs", num_outputs);
  request->prompt = g_strdup (prompt);

  return request;
}

static SbMediaItem *
get_media (SbLibrary *library,
           gint64     id)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  SbMediaItem *item;

  sb_library_get_media_async (library, id, NULL, sb_test_store_result_cb, &result);
  item = sb_library_get_media_finish (library, run_until (&result), &error);
  g_assert_no_error (error);
  g_assert_nonnull (item);

  return item;
}

static guint
count_media (SbLibrary   *library,
             SbMediaKind  kind)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(SbMediaList) list = NULL;

  sb_library_list_media_async (library, kind, NULL, sb_test_store_result_cb, &result);
  list = sb_library_list_media_finish (library, run_until (&result), &error);
  g_assert_no_error (error);

  return g_list_model_get_n_items (G_LIST_MODEL (list));
}

static guint
count_unfinished (SbLibrary *library)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GListModel) jobs = NULL;

  sb_library_list_unfinished_jobs_async (library, NULL, sb_test_store_result_cb, &result);
  jobs = sb_library_list_unfinished_jobs_finish (library, run_until (&result), &error);
  g_assert_no_error (error);

  return g_list_model_get_n_items (jobs);
}

static SbGenerationJob *
job_at (SbGenerationQueue *queue,
        guint              position)
{
  SbGenerationJob *job = g_list_model_get_item (sb_generation_queue_get_jobs (queue), position);

  g_assert_nonnull (job);
  g_object_unref (job);  /* the list keeps it */
  return job;
}

/* ---- an observer of the queue ------------------------------------------ */

typedef struct
{
  SbGenerationQueue *queue;
  GHashTable        *finished;      /* batch id -> "n_succeeded/n_failed" */
  GHashTable        *history;       /* SbGenerationJob -> GString of "status," at ::job-changed */
  GHashTable        *progress;      /* SbGenerationJob -> max progress seen strictly inside (0, 1), as double* */
  guint              active;        /* starting + running, now */
  guint              peak_active;
  gulong             items_changed_id;
} Observer;

static guint
count_active (SbGenerationQueue *queue)
{
  GListModel *jobs = sb_generation_queue_get_jobs (queue);
  guint active = 0;

  for (guint i = 0; i < g_list_model_get_n_items (jobs); i++)
    {
      g_autoptr(SbGenerationJob) job = g_list_model_get_item (jobs, i);
      SbJobStatus status = sb_generation_job_get_status (job);

      if (status == SB_JOB_STARTING || status == SB_JOB_RUNNING)
        active++;
    }
  return active;
}

static void
on_status_notify (SbGenerationJob *job,
                  GParamSpec      *pspec,
                  Observer        *observer)
{
  observer->active = count_active (observer->queue);
  observer->peak_active = MAX (observer->peak_active, observer->active);
}

static void
on_items_changed (GListModel *model,
                  guint       position,
                  guint       removed,
                  guint       added,
                  Observer   *observer)
{
  for (guint i = position; i < position + added; i++)
    {
      g_autoptr(SbGenerationJob) job = g_list_model_get_item (model, i);

      g_signal_connect (job, "notify::status", G_CALLBACK (on_status_notify), observer);
    }
  on_status_notify (NULL, NULL, observer);
}

static void
on_job_changed (SbGenerationQueue *queue,
                SbGenerationJob   *job,
                Observer          *observer)
{
  GString *history = g_hash_table_lookup (observer->history, job);
  const char *status = sb_job_status_to_string (sb_generation_job_get_status (job));
  double progress = sb_generation_job_get_progress (job);
  g_autofree char *last = NULL;

  if (history == NULL)
    {
      history = g_string_new (NULL);
      g_hash_table_insert (observer->history, job, history);
    }
  last = g_strdup_printf ("%s,", status);
  if (!g_str_has_suffix (history->str, last))
    g_string_append (history, last);

  if (progress > 0.0 && progress < 1.0)
    g_hash_table_insert (observer->progress, job, g_memdup2 (&progress, sizeof progress));
}

static void
on_batch_finished (SbGenerationQueue *queue,
                   const char        *batch_id,
                   guint              n_succeeded,
                   guint              n_failed,
                   Observer          *observer)
{
  g_assert_false (g_hash_table_contains (observer->finished, batch_id));
  g_hash_table_insert (observer->finished, g_strdup (batch_id),
                       g_strdup_printf ("%u/%u", n_succeeded, n_failed));
}

static void
history_free (GString *history)
{
  g_string_free (history, TRUE);
}

static Observer *
observer_new (SbGenerationQueue *queue)
{
  Observer *observer = g_new0 (Observer, 1);

  observer->queue = queue;
  observer->finished = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  observer->history = g_hash_table_new_full (NULL, NULL, NULL, (GDestroyNotify) history_free);
  observer->progress = g_hash_table_new_full (NULL, NULL, NULL, g_free);
  observer->items_changed_id = g_signal_connect (sb_generation_queue_get_jobs (queue), "items-changed",
                                                 G_CALLBACK (on_items_changed), observer);
  g_signal_connect (queue, "job-changed", G_CALLBACK (on_job_changed), observer);
  g_signal_connect (queue, "batch-finished", G_CALLBACK (on_batch_finished), observer);

  return observer;
}

static void
observer_free (Observer *observer)
{
  GListModel *jobs = sb_generation_queue_get_jobs (observer->queue);

  for (guint i = 0; i < g_list_model_get_n_items (jobs); i++)
    {
      g_autoptr(SbGenerationJob) job = g_list_model_get_item (jobs, i);

      g_signal_handlers_disconnect_by_data (job, observer);
    }
  g_signal_handlers_disconnect_by_data (jobs, observer);
  g_signal_handlers_disconnect_by_data (observer->queue, observer);
  g_hash_table_unref (observer->finished);
  g_hash_table_unref (observer->history);
  g_hash_table_unref (observer->progress);
  g_free (observer);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Observer, observer_free)

typedef struct
{
  Observer   *observer;
  const char *batch_id;
} BatchWait;

static gboolean
batch_finished (gpointer data)
{
  BatchWait *wait = data;

  return g_hash_table_contains (wait->observer->finished, wait->batch_id);
}

static const char *
wait_batch (Observer   *observer,
            const char *batch_id)
{
  BatchWait wait = { observer, batch_id };

  wait_for (batch_finished, &wait, "a batch to finish");
  return g_hash_table_lookup (observer->finished, batch_id);
}

static const char *
history_of (Observer        *observer,
            SbGenerationJob *job)
{
  GString *history = g_hash_table_lookup (observer->history, job);

  return history ? history->str : "";
}

static gboolean
all_terminal (gpointer data)
{
  GListModel *jobs = sb_generation_queue_get_jobs (data);
  guint n = g_list_model_get_n_items (jobs);

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(SbGenerationJob) job = g_list_model_get_item (jobs, i);

      if (!sb_job_status_is_terminal (sb_generation_job_get_status (job)))
        return FALSE;
    }
  return n > 0;
}

static gboolean
is_null (gpointer data)
{
  return *(gpointer *) data == NULL;
}

/* Drops the queue and checks it does not outlive its work (a canceled
 * poll may still be on its way back). */
static void
finalize_queue (SbGenerationQueue *queue)
{
  gpointer weak = queue;

  g_object_add_weak_pointer (G_OBJECT (queue), &weak);
  g_object_unref (queue);
  wait_for (is_null, &weak, "the queue to be finalized");
}

/* The ids of every media item in the library, newest first. */
static GArray *
list_media_ids (SbLibrary *library)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(SbMediaList) list = NULL;
  GArray *ids = g_array_new (FALSE, FALSE, sizeof (gint64));

  sb_library_list_media_async (library, SB_MEDIA_KIND_ANY, NULL, sb_test_store_result_cb, &result);
  list = sb_library_list_media_finish (library, run_until (&result), &error);
  g_assert_no_error (error);
  for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (list)); i++)
    {
      g_autoptr(SbMediaItem) item = g_list_model_get_item (G_LIST_MODEL (list), i);
      gint64 id = sb_media_item_get_id (item);

      g_array_append_val (ids, id);
    }

  return ids;
}

static gboolean
nine_terminal (gpointer data)
{
  return g_list_model_get_n_items (sb_generation_queue_get_jobs (data)) == 9 && all_terminal (data);
}

/* ---- tests ------------------------------------------------------------- */

/* 8 scenes, one failing, one throttled, one slow, at most 3 at once. */
static void
test_batch (void)
{
  g_autofree char *path = library_path ();
  g_autoptr(SbLibrary) library = open_library (path);
  g_autoptr(SbReplicateClient) client = new_client ();
  SbGenerationQueue *queue = sb_generation_queue_new (library, client);
  g_autoptr(Observer) observer = observer_new (queue);
  g_autoptr(GPtrArray) requests = g_ptr_array_new_with_free_func ((GDestroyNotify) sb_generation_request_free);
  g_autoptr(GArray) scene_ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autofree char *batch_id = NULL;
  g_autofree char *retry_batch = NULL;
  GListModel *jobs = sb_generation_queue_get_jobs (queue);
  gint64 brief_id, revision_id;
  SbGenerationJob *failed = NULL;
  SbGenerationJob *slow = NULL;
  SbGenerationJob *retried;
  GHashTable *media_ids = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
  gint64 media_id;

  fake_reset ();
  create_brief (library, 8, &brief_id, &revision_id, scene_ids);
  g_assert_cmpuint (sb_generation_queue_get_max_in_flight (queue), ==, 4);
  sb_generation_queue_set_max_in_flight (queue, 3);

  for (guint i = 0; i < 8; i++)
    {
      g_autofree char *prompt = NULL;
      SbGenerationRequest *request;

      prompt = g_strdup_printf ("scene %u: the lighthouse at hour %u%s", i + 1, i + 6,
                                i == 2 ? " [fake:fail=CUDA out of memory*1]" :
                                i == 4 ? " [fake:429*2]" :
                                i == 5 ? " [fake:slow=2]" : "");
      request = new_request (prompt, 1000 + i, 1);
      request->brief_id = brief_id;
      request->revision_id = revision_id;
      request->scene_id = g_array_index (scene_ids, gint64, i);
      g_ptr_array_add (requests, request);
    }

  batch_id = sb_generation_queue_submit (queue, requests);
  g_assert_nonnull (batch_id);
  g_assert_cmpstr (wait_batch (observer, batch_id), ==, "7/1");

  /* Submission order, every end state. */
  g_assert_cmpuint (g_list_model_get_n_items (jobs), ==, 8);
  for (guint i = 0; i < 8; i++)
    {
      SbGenerationJob *job = job_at (queue, i);
      SbGenerationRequest *request = g_ptr_array_index (requests, i);
      g_autoptr(JsonNode) input = NULL;

      g_assert_cmpint (sb_generation_job_get_scene_id (job), ==, g_array_index (scene_ids, gint64, i));
      g_assert_cmpstr (sb_generation_job_get_batch_id (job), ==, batch_id);
      g_assert_cmpint (sb_generation_job_get_id (job), >, 0);
      g_assert_nonnull (sb_generation_job_get_prediction_id (job));
      g_assert_cmpuint (sb_generation_job_get_attempts (job), ==, 1);
      g_assert_nonnull (sb_generation_job_get_started_at (job));
      g_assert_nonnull (sb_generation_job_get_completed_at (job));
      input = json_from_string (sb_generation_job_get_input (job), NULL);
      g_assert_cmpstr (json_object_get_string_member (json_node_get_object (input), "prompt"), ==, request->prompt);

      if (i == 2)
        {
          failed = job;
          g_assert_cmpint (sb_generation_job_get_status (job), ==, SB_JOB_FAILED);
          g_assert_nonnull (strstr (sb_generation_job_get_last_error (job), "CUDA out of memory"));
          g_assert_cmpint (sb_generation_job_get_media_id (job), ==, 0);
          g_assert_cmpstr (history_of (observer, job), ==, "queued,starting,running,failed,");
        }
      else
        {
          g_autoptr(SbMediaItem) item = NULL;

          g_assert_cmpint (sb_generation_job_get_status (job), ==, SB_JOB_SUCCEEDED);
          g_assert_null (sb_generation_job_get_last_error (job));
          g_assert_cmpfloat (sb_generation_job_get_progress (job), ==, 1.0);
          g_assert_cmpstr (history_of (observer, job), ==, "queued,starting,running,downloading,succeeded,");
          g_assert_cmpint (sb_generation_job_get_media_id (job), >, 0);
          media_id = sb_generation_job_get_media_id (job);
          g_hash_table_add (media_ids, g_memdup2 (&media_id, sizeof media_id));

          /* Provenance, as stored. */
          item = get_media (library, sb_generation_job_get_media_id (job));
          g_assert_cmpint (sb_media_item_get_kind (item), ==, SB_MEDIA_KIND_IMAGE);
          g_assert_cmpint (sb_media_item_get_origin (item), ==, SB_MEDIA_ORIGIN_GENERATED);
          g_assert_cmpstr (sb_media_item_get_mime_type (item), ==, "image/png");
          g_assert_cmpint (sb_media_item_get_width (item), ==, 512);
          g_assert_cmpint (sb_media_item_get_height (item), ==, 512);
          g_assert_cmpstr (sb_media_item_get_prompt (item), ==, request->prompt);
          g_assert_cmpstr (sb_media_item_get_model (item), ==, MODEL);
          g_assert_cmpstr (sb_media_item_get_model_version (item), ==,
                           "6bab18df9b622a407f8aa40efc31dcf2c9abb653b68914baadc5e3f9c77538b2");
          g_assert_cmpstr (sb_media_item_get_parameters (item), ==, sb_generation_job_get_input (job));
          g_assert_cmpint (sb_media_item_get_seed (item), ==, 1000 + i);
          g_assert_cmpstr (sb_media_item_get_prediction_id (item), ==, sb_generation_job_get_prediction_id (job));
          g_assert_cmpint (sb_media_item_get_brief_id (item), ==, brief_id);
          g_assert_cmpint (sb_media_item_get_revision_id (item), ==, revision_id);
          g_assert_cmpint (sb_media_item_get_scene_id (item), ==, g_array_index (scene_ids, gint64, i));
        }
      if (i == 5)
        slow = job;
    }
  g_assert_cmpuint (g_hash_table_size (media_ids), ==, 7);
  g_hash_table_destroy (media_ids);
  g_assert_cmpuint (count_media (library, SB_MEDIA_KIND_ANY), ==, 7);

  /* The slow one held up nobody: it finished last, with progress from its
   * logs on the way. */
  for (guint i = 0; i < 8; i++)
    if (job_at (queue, i) != slow)
      g_assert_cmpint (g_date_time_compare (sb_generation_job_get_completed_at (job_at (queue, i)),
                                            sb_generation_job_get_completed_at (slow)), <=, 0);
  g_assert_true (g_hash_table_contains (observer->progress, slow));

  /* Never more than 3 at once, and the limit was used. */
  g_assert_cmpuint (observer->peak_active, ==, 3);

  /* One create per request; the throttled one was answered 429 twice first. */
  g_assert_cmpuint (count_creates (MODEL, 201), ==, 8);
  g_assert_cmpuint (count_creates (MODEL, 429), ==, 2);
  g_assert_cmpuint (count_creates (MODEL, -1), ==, 10);
  g_assert_cmpuint (count_unfinished (library), ==, 0);

  /* Retry: a new job, the old one keeps its history. */
  sb_generation_queue_retry (queue, failed);
  g_assert_cmpuint (g_list_model_get_n_items (jobs), ==, 8);  /* appears once stored */
  wait_for (nine_terminal, queue, "the retry");
  g_assert_cmpuint (g_list_model_get_n_items (jobs), ==, 9);
  retried = job_at (queue, 8);
  retry_batch = g_strdup (sb_generation_job_get_batch_id (retried));
  g_assert_cmpstr (retry_batch, !=, batch_id);
  g_assert_cmpstr (wait_batch (observer, retry_batch), ==, "1/0");
  g_assert_cmpint (sb_generation_job_get_status (retried), ==, SB_JOB_SUCCEEDED);
  g_assert_cmpint (sb_generation_job_get_scene_id (retried), ==, sb_generation_job_get_scene_id (failed));
  g_assert_cmpstr (sb_generation_job_get_input (retried), ==, sb_generation_job_get_input (failed));
  g_assert_cmpstr (sb_generation_job_get_prediction_id (retried), !=, sb_generation_job_get_prediction_id (failed));
  g_assert_cmpint (sb_generation_job_get_status (failed), ==, SB_JOB_FAILED);
  g_assert_cmpuint (count_media (library, SB_MEDIA_KIND_ANY), ==, 8);
  g_assert_cmpuint (count_creates (MODEL, 201), ==, 9);

  /* A succeeded job is not retried. */
  sb_generation_queue_retry (queue, job_at (queue, 0));
  g_assert_cmpuint (g_hash_table_size (observer->finished), ==, 2);

  g_clear_pointer (&observer, observer_free);
  finalize_queue (queue);
  sb_library_close (library);
}

typedef struct
{
  SbGenerationQueue *queue;
  guint              n_fast;
  guint              n_running;
} CancelState;

static gboolean
fast_done_slow_running (gpointer data)
{
  CancelState *state = data;
  GListModel *jobs = sb_generation_queue_get_jobs (state->queue);
  guint succeeded = 0, running = 0;

  for (guint i = 0; i < g_list_model_get_n_items (jobs); i++)
    {
      g_autoptr(SbGenerationJob) job = g_list_model_get_item (jobs, i);

      if (sb_generation_job_get_status (job) == SB_JOB_SUCCEEDED)
        succeeded++;
      else if (sb_generation_job_get_status (job) == SB_JOB_RUNNING)
        running++;
    }
  return succeeded == state->n_fast && running == state->n_running;
}

/* Cancel mid-batch: running ones canceled at Replicate, a waiting one never
 * sent, finished ones kept. */
static void
test_cancel (void)
{
  g_autofree char *path = library_path ();
  g_autoptr(SbLibrary) library = open_library (path);
  g_autoptr(SbReplicateClient) client = new_client ();
  SbGenerationQueue *queue = sb_generation_queue_new (library, client);
  g_autoptr(Observer) observer = observer_new (queue);
  g_autoptr(GPtrArray) requests = g_ptr_array_new_with_free_func ((GDestroyNotify) sb_generation_request_free);
  g_autoptr(GPtrArray) cancels = NULL;
  g_autofree char *batch_id = NULL;
  CancelState state = { queue, 2, 4 };
  SbGenerationJob *waiting;

  fake_reset ();
  sb_generation_queue_set_max_in_flight (queue, 4);
  for (guint i = 0; i < 7; i++)
    {
      g_autofree char *prompt = g_strdup_printf ("harbour shot %u%s", i, i < 2 ? "" : " [fake:slow=60]");

      g_ptr_array_add (requests, new_request (prompt, -1, 1));
    }
  batch_id = sb_generation_queue_submit (queue, requests);

  /* 2 fast ones done, 4 slow ones running, the last one waiting. */
  wait_for (fast_done_slow_running, &state, "two succeeded and four running");
  waiting = job_at (queue, 6);
  g_assert_cmpint (sb_generation_job_get_status (waiting), ==, SB_JOB_QUEUED);

  /* A waiting job is canceled on its own, without a request. */
  sb_generation_queue_cancel_job (queue, waiting);
  g_assert_cmpint (sb_generation_job_get_status (waiting), ==, SB_JOB_CANCELED);

  sb_generation_queue_cancel_batch (queue, batch_id);
  /* Succeeded + canceled; canceled ones are not failures. */
  g_assert_cmpstr (wait_batch (observer, batch_id), ==, "2/0");

  cancels = fake_requests ("POST", "/v1/predictions/*/cancel", 200);
  g_assert_cmpuint (cancels->len, ==, 4);
  for (guint i = 0; i < 7; i++)
    {
      SbGenerationJob *job = job_at (queue, i);

      if (i < 2)
        {
          g_autoptr(SbMediaItem) item = NULL;

          g_assert_cmpint (sb_generation_job_get_status (job), ==, SB_JOB_SUCCEEDED);
          item = get_media (library, sb_generation_job_get_media_id (job));
          g_assert_cmpstr (sb_media_item_get_prediction_id (item), ==, sb_generation_job_get_prediction_id (job));
        }
      else
        {
          g_assert_cmpint (sb_generation_job_get_status (job), ==, SB_JOB_CANCELED);
          g_assert_cmpint (sb_generation_job_get_media_id (job), ==, 0);
        }

      if (i >= 2 && i < 6)
        {
          g_autofree char *cancel_path = g_strdup_printf ("/v1/predictions/%s/cancel",
                                                          sb_generation_job_get_prediction_id (job));
          gboolean found = FALSE;

          for (guint j = 0; j < cancels->len; j++)
            found |= g_str_equal (json_object_get_string_member (g_ptr_array_index (cancels, j), "path"),
                                  cancel_path);
          g_assert_true (found);
        }
    }
  g_assert_null (sb_generation_job_get_prediction_id (waiting));
  g_assert_cmpuint (count_creates (MODEL, -1), ==, 6);
  g_assert_cmpuint (count_media (library, SB_MEDIA_KIND_ANY), ==, 2);
  g_assert_cmpuint (count_unfinished (library), ==, 0);

  g_clear_pointer (&observer, observer_free);
  finalize_queue (queue);
  sb_library_close (library);
}

/* ---- kill and restart -------------------------------------------------- */

#define RESUME_JOBS 4

/* ::job-changed comes once a change is stored: the child dies as soon as
 * every job was announced running, i.e. stored with its prediction id. */
static void
child_job_changed (SbGenerationQueue *queue,
                   SbGenerationJob   *job,
                   GHashTable        *running)
{
  if (sb_generation_job_get_status (job) == SB_JOB_RUNNING)
    {
      g_assert_nonnull (sb_generation_job_get_prediction_id (job));
      g_hash_table_add (running, job);
    }

  /* Killed hard: no cleanup, no flush beyond what the queue stored. */
  if (g_hash_table_size (running) == RESUME_JOBS)
    _exit (0);
}

static void
resume_child (void)
{
  g_autoptr(SbLibrary) library = open_library (g_getenv ("SB_TEST_RESUME_LIBRARY"));
  g_autoptr(SbReplicateClient) client = new_client ();
  g_autoptr(SbGenerationQueue) queue = sb_generation_queue_new (library, client);
  g_autoptr(GPtrArray) requests = g_ptr_array_new_with_free_func ((GDestroyNotify) sb_generation_request_free);
  g_autoptr(GArray) scene_ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autoptr(GHashTable) running = g_hash_table_new (NULL, NULL);
  g_autofree char *batch_id = NULL;
  gint64 brief_id, revision_id;

  create_brief (library, RESUME_JOBS, &brief_id, &revision_id, scene_ids);
  sb_generation_queue_set_max_in_flight (queue, RESUME_JOBS);
  g_signal_connect (queue, "job-changed", G_CALLBACK (child_job_changed), running);
  for (guint i = 0; i < RESUME_JOBS; i++)
    {
      g_autofree char *prompt = g_strdup_printf ("resumed scene %u [fake:slow=3]", i);
      SbGenerationRequest *request = new_request (prompt, 40 + i, 1);

      request->brief_id = brief_id;
      request->revision_id = revision_id;
      request->scene_id = g_array_index (scene_ids, gint64, i);
      g_ptr_array_add (requests, request);
    }
  batch_id = sb_generation_queue_submit (queue, requests);

  for (;;)
    g_main_context_iteration (NULL, TRUE);
}

static void
test_resume (void)
{
  g_autofree char *path = NULL;
  g_autoptr(SbLibrary) library = NULL;
  g_autoptr(SbReplicateClient) client = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GHashTable) predictions = g_hash_table_new (g_str_hash, g_str_equal);
  SbGenerationQueue *queue;
  Observer *observer;
  guint n_resumed;

  if (g_test_subprocess ())
    {
      resume_child ();
      return;
    }

  fake_reset ();
  path = library_path ();
  g_setenv ("SB_TEST_RESUME_LIBRARY", path, TRUE);
  g_test_trap_subprocess (NULL, 30 * G_USEC_PER_SEC, G_TEST_SUBPROCESS_INHERIT_STDERR);
  g_test_trap_assert_passed ();

  /* The child made every prediction and died before any finished. */
  g_assert_cmpuint (count_creates (MODEL, -1), ==, RESUME_JOBS);
  {
    g_autoptr(GPtrArray) downloads = fake_requests ("GET", "/files/*", -1);
    g_assert_cmpuint (downloads->len, ==, 0);
  }

  library = open_library (path);
  g_assert_cmpuint (count_media (library, SB_MEDIA_KIND_ANY), ==, 0);
  g_assert_cmpuint (count_unfinished (library), ==, RESUME_JOBS);
  client = new_client ();
  queue = sb_generation_queue_new (library, client);
  observer = observer_new (queue);

  sb_generation_queue_resume_async (queue, NULL, sb_test_store_result_cb, &result);
  n_resumed = sb_generation_queue_resume_finish (queue, run_until (&result), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (n_resumed, ==, RESUME_JOBS);
  g_assert_cmpuint (g_list_model_get_n_items (sb_generation_queue_get_jobs (queue)), ==, RESUME_JOBS);

  wait_for (all_terminal, queue, "the resumed jobs");
  for (guint i = 0; i < RESUME_JOBS; i++)
    {
      SbGenerationJob *job = job_at (queue, i);
      g_autoptr(SbMediaItem) item = NULL;
      g_autofree char *prompt = g_strdup_printf ("resumed scene %u [fake:slow=3]", i);

      g_assert_cmpint (sb_generation_job_get_status (job), ==, SB_JOB_SUCCEEDED);
      g_assert_cmpstr (history_of (observer, job), ==, "running,downloading,succeeded,");
      g_assert_false (g_hash_table_contains (predictions, sb_generation_job_get_prediction_id (job)));
      g_hash_table_add (predictions, (gpointer) sb_generation_job_get_prediction_id (job));

      item = get_media (library, sb_generation_job_get_media_id (job));
      g_assert_cmpstr (sb_media_item_get_prediction_id (item), ==, sb_generation_job_get_prediction_id (job));
      g_assert_cmpstr (sb_media_item_get_prompt (item), ==, prompt);
      g_assert_cmpint (sb_media_item_get_seed (item), ==, 40 + i);
      g_assert_cmpint (sb_media_item_get_scene_id (item), ==, sb_generation_job_get_scene_id (job));
    }
  g_assert_cmpuint (g_hash_table_size (observer->finished), ==, 1);
  g_assert_cmpstr (g_hash_table_lookup (observer->finished, sb_generation_job_get_batch_id (job_at (queue, 0))),
                   ==, "4/0");

  /* Exactly one prediction per request across both processes, and one
   * media row each. */
  g_assert_cmpuint (count_creates (MODEL, -1), ==, RESUME_JOBS);
  g_assert_cmpuint (count_media (library, SB_MEDIA_KIND_ANY), ==, RESUME_JOBS);
  g_assert_cmpuint (count_unfinished (library), ==, 0);

  observer_free (observer);
  g_clear_object (&result);  /* the task holds its source object */
  finalize_queue (queue);
  sb_library_close (library);
}

/* ---- expired and interrupted ------------------------------------------- */

static void
test_expired (void)
{
  g_autofree char *path = library_path ();
  g_autoptr(SbLibrary) library = open_library (path);
  g_autoptr(SbReplicateClient) client = new_client ();
  SbGenerationQueue *queue = sb_generation_queue_new (library, client);
  g_autoptr(Observer) observer = observer_new (queue);
  g_autoptr(GPtrArray) requests = g_ptr_array_new_with_free_func ((GDestroyNotify) sb_generation_request_free);
  g_autoptr(GPtrArray) gone = NULL;
  g_autofree char *batch_id = NULL;

  fake_reset ();
  /* The file answers 410; the prediction reports data_removed. */
  g_ptr_array_add (requests, new_request ("a tide pool [fake:expire]", -1, 1));
  g_ptr_array_add (requests, new_request ("a sea cave [fake:expire=0]", -1, 1));
  g_ptr_array_add (requests, new_request ("a sand dune", -1, 1));
  batch_id = sb_generation_queue_submit (queue, requests);
  g_assert_cmpstr (wait_batch (observer, batch_id), ==, "1/2");

  for (guint i = 0; i < 2; i++)
    {
      SbGenerationJob *job = job_at (queue, i);

      g_assert_cmpint (sb_generation_job_get_status (job), ==, SB_JOB_EXPIRED);
      g_assert_nonnull (sb_generation_job_get_last_error (job));
      g_assert_cmpint (sb_generation_job_get_media_id (job), ==, 0);
      g_assert_cmpstr (history_of (observer, job), ==, "queued,starting,running,downloading,expired,");
    }
  g_assert_cmpint (sb_generation_job_get_status (job_at (queue, 2)), ==, SB_JOB_SUCCEEDED);

  /* The first one did try its download. */
  gone = fake_requests ("GET", "/files/out/*", 410);
  g_assert_cmpuint (gone->len, ==, 1);
  g_assert_cmpuint (count_media (library, SB_MEDIA_KIND_ANY), ==, 1);

  g_clear_pointer (&observer, observer_free);
  finalize_queue (queue);
  sb_library_close (library);
}

static SbGenerationJob *
store_job (SbLibrary   *library,
           const char  *prompt,
           SbJobStatus  status,
           const char  *prediction_id)
{
  g_autoptr(SbGenerationRequest) request = new_request (prompt, 7, 1);
  g_autoptr(JsonNode) node = json_node_new (JSON_NODE_OBJECT);
  g_autofree char *input = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  SbGenerationJob *job = sb_generation_job_new ();

  json_node_set_object (node, request->input);
  input = json_to_string (node, FALSE);
  sb_generation_job_set_batch_id (job, "earlier-batch");
  sb_generation_job_set_kind (job, SB_MEDIA_KIND_IMAGE);
  sb_generation_job_set_provider (job, "replicate");
  sb_generation_job_set_model (job, MODEL);
  sb_generation_job_set_input (job, input);
  sb_generation_job_set_status (job, status);
  sb_generation_job_set_prediction_id (job, prediction_id);
  if (status != SB_JOB_QUEUED)
    sb_generation_job_set_attempts (job, 1);

  sb_library_add_job_async (library, job, NULL, sb_test_store_result_cb, &result);
  g_assert_true (sb_library_add_job_finish (library, run_until (&result), &error));
  g_assert_no_error (error);

  return job;
}

/* A job stored as "starting" without a prediction id is never sent again;
 * a queued one is started. */
static void
test_interrupted (void)
{
  g_autofree char *path = library_path ();
  g_autoptr(SbLibrary) library = open_library (path);
  g_autoptr(SbReplicateClient) client = new_client ();
  g_autoptr(SbGenerationJob) starting = store_job (library, "a ferry [fake:slow=0.1]", SB_JOB_STARTING, NULL);
  g_autoptr(SbGenerationJob) queued = store_job (library, "a pier", SB_JOB_QUEUED, NULL);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  SbGenerationQueue *queue;
  Observer *observer;
  SbGenerationJob *job;
  guint n_resumed;

  fake_reset ();
  queue = sb_generation_queue_new (library, client);
  observer = observer_new (queue);

  sb_generation_queue_resume_async (queue, NULL, sb_test_store_result_cb, &result);
  n_resumed = sb_generation_queue_resume_finish (queue, run_until (&result), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (n_resumed, ==, 1);
  g_assert_cmpstr (wait_batch (observer, "earlier-batch"), ==, "1/1");

  g_assert_cmpuint (g_list_model_get_n_items (sb_generation_queue_get_jobs (queue)), ==, 2);
  job = job_at (queue, 0);
  g_assert_cmpint (sb_generation_job_get_id (job), ==, sb_generation_job_get_id (starting));
  g_assert_cmpint (sb_generation_job_get_status (job), ==, SB_JOB_INTERRUPTED);
  g_assert_nonnull (sb_generation_job_get_last_error (job));
  g_assert_null (sb_generation_job_get_prediction_id (job));
  g_assert_cmpstr (history_of (observer, job), ==, "interrupted,");

  job = job_at (queue, 1);
  g_assert_cmpint (sb_generation_job_get_id (job), ==, sb_generation_job_get_id (queued));
  g_assert_cmpint (sb_generation_job_get_status (job), ==, SB_JOB_SUCCEEDED);
  g_assert_cmpstr (history_of (observer, job), ==, "queued,starting,running,downloading,succeeded,");

  /* Only the queued one was sent. */
  g_assert_cmpuint (count_creates (MODEL, -1), ==, 1);
  g_assert_cmpuint (count_unfinished (library), ==, 0);

  /* Resuming again finds nothing. */
  g_clear_object (&result);
  sb_generation_queue_resume_async (queue, NULL, sb_test_store_result_cb, &result);
  g_assert_cmpuint (sb_generation_queue_resume_finish (queue, run_until (&result), &error), ==, 0);
  g_assert_no_error (error);
  g_assert_cmpuint (count_creates (MODEL, -1), ==, 1);

  observer_free (observer);
  g_clear_object (&result);  /* the task holds its source object */
  finalize_queue (queue);
  sb_library_close (library);
}

/* Made by a previous run (here: by the test itself, straight through the
 * client), finished while the app was closed. */
static char *
create_prediction (SbReplicateClient *client,
                   const char        *prompt)
{
  g_autoptr(SbGenerationRequest) request = new_request (prompt, 7, 1);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(SbPrediction) prediction = NULL;

  sb_replicate_client_create_prediction_async (client, MODEL, NULL, request->input, 0, NULL,
                                               sb_test_store_result_cb, &result);
  prediction = sb_replicate_client_create_prediction_finish (client, run_until (&result), &error);
  g_assert_no_error (error);

  return g_strdup (prediction->id);
}

static gboolean
set_flag_cb (gpointer data)
{
  *(gboolean *) data = TRUE;
  return G_SOURCE_REMOVE;
}

static gboolean
flag_set (gpointer data)
{
  return *(gboolean *) data;
}

/* Re-attaching by prediction id: outputs still there are downloaded
 * (running and downloading jobs alike), a removed one is expired. */
static void
test_resume_expired (void)
{
  g_autofree char *path = library_path ();
  g_autoptr(SbLibrary) library = open_library (path);
  g_autoptr(SbReplicateClient) client = new_client ();
  g_autofree char *kept_id = NULL;
  g_autofree char *removed_id = NULL;
  g_autofree char *fetching_id = NULL;
  g_autoptr(SbGenerationJob) kept = NULL;
  g_autoptr(SbGenerationJob) removed = NULL;
  g_autoptr(SbGenerationJob) fetching = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  SbGenerationQueue *queue;
  Observer *observer;
  gboolean ended = FALSE;

  fake_reset ();
  kept_id = create_prediction (client, "a buoy [fake:slow=0.1]");
  removed_id = create_prediction (client, "a wreck [fake:slow=0.1,expire=0.2]");
  fetching_id = create_prediction (client, "a net [fake:slow=0.1]");
  kept = store_job (library, "a buoy [fake:slow=0.1]", SB_JOB_RUNNING, kept_id);
  removed = store_job (library, "a wreck [fake:slow=0.1,expire=0.2]", SB_JOB_RUNNING, removed_id);
  fetching = store_job (library, "a net [fake:slow=0.1]", SB_JOB_DOWNLOADING, fetching_id);

  /* All three done, the wreck's output gone. */
  g_timeout_add (500, set_flag_cb, &ended);
  wait_for (flag_set, &ended, "the predictions to end");

  queue = sb_generation_queue_new (library, client);
  observer = observer_new (queue);
  sb_generation_queue_resume_async (queue, NULL, sb_test_store_result_cb, &result);
  g_assert_cmpuint (sb_generation_queue_resume_finish (queue, run_until (&result), &error), ==, 3);
  g_assert_no_error (error);
  g_assert_cmpstr (wait_batch (observer, "earlier-batch"), ==, "2/1");

  g_assert_cmpint (sb_generation_job_get_status (job_at (queue, 0)), ==, SB_JOB_SUCCEEDED);
  g_assert_cmpstr (sb_generation_job_get_prediction_id (job_at (queue, 0)), ==, kept_id);
  g_assert_cmpint (sb_generation_job_get_status (job_at (queue, 1)), ==, SB_JOB_EXPIRED);
  g_assert_cmpstr (sb_generation_job_get_prediction_id (job_at (queue, 1)), ==, removed_id);
  g_assert_cmpint (sb_generation_job_get_media_id (job_at (queue, 1)), ==, 0);
  g_assert_cmpint (sb_generation_job_get_status (job_at (queue, 2)), ==, SB_JOB_SUCCEEDED);
  g_assert_cmpstr (history_of (observer, job_at (queue, 2)), ==, "downloading,succeeded,");

  /* Nothing created again; two images stored. */
  g_assert_cmpuint (count_creates (MODEL, -1), ==, 3);
  g_assert_cmpuint (count_media (library, SB_MEDIA_KIND_ANY), ==, 2);
  g_assert_cmpuint (count_unfinished (library), ==, 0);

  observer_free (observer);
  g_clear_object (&result);
  finalize_queue (queue);
  sb_library_close (library);
}

/* num_outputs > 1: every output stored, the first completes the job. */
static void
test_variants (void)
{
  g_autofree char *path = library_path ();
  g_autoptr(SbLibrary) library = open_library (path);
  g_autoptr(SbReplicateClient) client = new_client ();
  SbGenerationQueue *queue = sb_generation_queue_new (library, client);
  g_autoptr(Observer) observer = observer_new (queue);
  g_autoptr(GPtrArray) requests = g_ptr_array_new_with_free_func ((GDestroyNotify) sb_generation_request_free);
  g_autoptr(SbMediaItem) first = NULL;
  g_autoptr(GArray) ids = NULL;
  g_autofree char *batch_id = NULL;
  SbGenerationJob *job;
  gint64 media_id;

  fake_reset ();
  g_ptr_array_add (requests, new_request ("three gulls", 5, 3));
  batch_id = sb_generation_queue_submit (queue, requests);
  g_assert_cmpstr (wait_batch (observer, batch_id), ==, "1/0");

  job = job_at (queue, 0);
  g_assert_cmpint (sb_generation_job_get_status (job), ==, SB_JOB_SUCCEEDED);
  media_id = sb_generation_job_get_media_id (job);
  first = get_media (library, media_id);
  g_assert_cmpstr (sb_media_item_get_prediction_id (first), ==, sb_generation_job_get_prediction_id (job));

  /* All three in the library, with the same provenance. */
  ids = list_media_ids (library);
  g_assert_cmpuint (ids->len, ==, 3);
  for (guint i = 0; i < ids->len; i++)
    {
      gint64 id = g_array_index (ids, gint64, i);
      g_autoptr(SbMediaItem) item = get_media (library, id);

      g_assert_cmpstr (sb_media_item_get_prediction_id (item), ==, sb_generation_job_get_prediction_id (job));
      g_assert_cmpstr (sb_media_item_get_prompt (item), ==, "three gulls");
      g_assert_cmpint (sb_media_item_get_seed (item), ==, 5);
      if (id != media_id)
        g_assert_cmpstr (sb_media_item_get_sha256 (item), !=, sb_media_item_get_sha256 (first));
    }
  {
    g_autoptr(GPtrArray) downloads = fake_requests ("GET", "/files/out/*", 200);
    g_assert_cmpuint (downloads->len, ==, 3);
  }

  g_clear_pointer (&observer, observer_free);
  finalize_queue (queue);
  sb_library_close (library);
}

/* ---- videos ------------------------------------------------------------ */

#define VIDEO_MODEL "wan-video/wan-2.2-i2v-fast"
#define VIDEO_VERSION "ddb7990f736caa14fe4b5bfce0b30be7befd27a86b173a1066757807abf9b832"

/* Imports tests/data/images/@name the way the app does (validated, with a
 * thumbnail) and returns its media id; its bytes in @out_bytes. */
static gint64
import_image (SbLibrary   *library,
              const char  *name,
              GBytes     **out_bytes)
{
  g_autofree char *file_path = g_test_build_filename (G_TEST_DIST, "data", "images", name, NULL);
  g_autoptr(GFile) file = g_file_new_for_path (file_path);
  g_autoptr(SbMediaImport) import = NULL;
  g_autoptr(SbMediaItem) item = sb_media_item_new ();
  g_autoptr(SbMediaItem) stored = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  sb_media_import_file_async (file, NULL, sb_test_store_result_cb, &result);
  import = sb_media_import_file_finish (run_until (&result), &error);
  g_assert_no_error (error);
  g_clear_object (&result);

  sb_media_item_set_kind (item, SB_MEDIA_KIND_IMAGE);
  sb_media_item_set_mime_type (item, import->probe.mime_type);
  sb_media_item_set_size (item, import->probe.width, import->probe.height);
  sb_media_item_set_origin (item, SB_MEDIA_ORIGIN_IMPORTED);
  sb_media_item_set_filename (item, name);
  sb_library_add_media_async (library, item, import->bytes, import->thumbnail, NULL,
                              sb_test_store_result_cb, &result);
  stored = sb_library_add_media_finish (library, run_until (&result), NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (sb_media_item_get_id (stored), >, 0);

  if (out_bytes != NULL)
    *out_bytes = g_bytes_ref (import->bytes);
  return sb_media_item_get_id (stored);
}

static char *
data_uri (GBytes     *bytes,
          const char *mime_type)
{
  g_autofree char *b64 = g_base64_encode (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes));

  return g_strdup_printf ("data:%s;base64,%s", mime_type, b64);
}

/* Image-to-video from @image (a URI, or a storyboard-media: marker). */
static SbGenerationRequest *
new_video_request (const char *prompt,
                   const char *image,
                   gint64      source_media_id,
                   gint64      seed)
{
  SbGenerationRequest *request = sb_generation_request_new ();

  request->kind = SB_MEDIA_KIND_VIDEO;
  request->model = g_strdup (VIDEO_MODEL);
  request->input = json_object_new ();
  json_object_set_string_member (request->input, "image", image);
  json_object_set_string_member (request->input, "prompt", prompt);
  json_object_set_string_member (request->input, "resolution", "480p");
  json_object_set_int_member (request->input, "seed", seed);
  request->source_media_id = source_media_id;
  request->prompt = g_strdup (prompt);

  return request;
}

/* The stored thumbnail of @id, decoded. */
static GdkPixbuf *
load_thumbnail (SbLibrary *library,
                gint64     id)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) png = NULL;
  g_autoptr(GdkPixbufLoader) loader = gdk_pixbuf_loader_new_with_type ("png", &error);
  GdkPixbuf *pixbuf;

  g_assert_no_error (error);
  sb_library_load_thumbnail_async (library, id, NULL, sb_test_store_result_cb, &result);
  png = sb_library_load_thumbnail_finish (library, run_until (&result), &error);
  g_assert_no_error (error);
  g_assert_nonnull (png);
  g_assert_true (gdk_pixbuf_loader_write_bytes (loader, png, &error));
  g_assert_no_error (error);
  g_assert_true (gdk_pixbuf_loader_close (loader, &error));
  g_assert_no_error (error);
  pixbuf = gdk_pixbuf_loader_get_pixbuf (loader);
  g_assert_nonnull (pixbuf);

  return g_object_ref (pixbuf);
}

/* A succeeded video job's media row: a validated video of the fake's
 * 2 s 320 x 180 MP4, with its provenance and a poster made from the video
 * (not the source image's thumbnail standing in: that one is 320 x 240). */
static void
assert_video_stored (SbLibrary       *library,
                     SbGenerationJob *job,
                     const char      *prompt,
                     gint64           seed,
                     gint64           source_id)
{
  g_autoptr(SbMediaItem) item = NULL;
  g_autoptr(GdkPixbuf) poster = NULL;

  g_assert_cmpint (sb_generation_job_get_status (job), ==, SB_JOB_SUCCEEDED);
  g_assert_cmpint (sb_generation_job_get_kind (job), ==, SB_MEDIA_KIND_VIDEO);
  g_assert_cmpint (sb_generation_job_get_source_media_id (job), ==, source_id);
  g_assert_cmpint (sb_generation_job_get_media_id (job), >, 0);
  g_assert_null (sb_generation_job_get_last_error (job));

  item = get_media (library, sb_generation_job_get_media_id (job));
  g_assert_cmpint (sb_media_item_get_kind (item), ==, SB_MEDIA_KIND_VIDEO);
  g_assert_cmpint (sb_media_item_get_origin (item), ==, SB_MEDIA_ORIGIN_GENERATED);
  g_assert_cmpstr (sb_media_item_get_mime_type (item), ==, "video/mp4");
  g_assert_true (g_str_has_suffix (sb_media_item_get_filename (item), ".mp4"));
  g_assert_cmpint (sb_media_item_get_width (item), ==, 320);
  g_assert_cmpint (sb_media_item_get_height (item), ==, 180);
  g_assert_cmpfloat (sb_media_item_get_duration (item), >, 1.5);
  g_assert_cmpfloat (sb_media_item_get_duration (item), <, 2.5);
  g_assert_cmpint (sb_media_item_get_byte_size (item), >, 0);
  g_assert_cmpint (sb_media_item_get_source_media_id (item), ==, source_id);
  g_assert_cmpstr (sb_media_item_get_prompt (item), ==, prompt);
  g_assert_cmpstr (sb_media_item_get_model (item), ==, VIDEO_MODEL);
  g_assert_cmpstr (sb_media_item_get_model_version (item), ==, VIDEO_VERSION);
  g_assert_cmpstr (sb_media_item_get_parameters (item), ==, sb_generation_job_get_input (job));
  g_assert_cmpint (sb_media_item_get_seed (item), ==, seed);
  g_assert_cmpstr (sb_media_item_get_prediction_id (item), ==, sb_generation_job_get_prediction_id (job));
  g_assert_cmpint (sb_media_item_get_brief_id (item), ==, sb_generation_job_get_brief_id (job));
  g_assert_cmpint (sb_media_item_get_revision_id (item), ==, sb_generation_job_get_revision_id (job));
  g_assert_cmpint (sb_media_item_get_scene_id (item), ==, sb_generation_job_get_scene_id (job));

  poster = load_thumbnail (library, sb_media_item_get_id (item));
  g_assert_cmpint (gdk_pixbuf_get_width (poster), ==, 320);
  g_assert_cmpint (gdk_pixbuf_get_height (poster), ==, 180);
}

/* "Videos for all scenes": three image-to-video requests from an image in
 * the library, one failing at the provider, one slow, at most two at once. */
static void
test_video_batch (void)
{
  g_autofree char *path = library_path ();
  g_autoptr(SbLibrary) library = open_library (path);
  g_autoptr(SbReplicateClient) client = new_client ();
  SbGenerationQueue *queue = sb_generation_queue_new (library, client);
  g_autoptr(Observer) observer = observer_new (queue);
  g_autoptr(GPtrArray) requests = g_ptr_array_new_with_free_func ((GDestroyNotify) sb_generation_request_free);
  g_autoptr(GArray) scene_ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autoptr(GBytes) image = NULL;
  g_autoptr(GPtrArray) sent = NULL;
  g_autofree char *image_uri = NULL;
  g_autofree char *batch_id = NULL;
  static const char *prompts[] = {
    "the keeper climbs the stairs [fake:slow=4]",
    "waves break on the rocks [fake:fail=Video generation failed: the frames could not be decoded]",
    "the lamp turns at dusk",
  };
  SbGenerationJob *slow, *failed, *normal;
  gint64 brief_id, revision_id, image_id;

  fake_reset ();
  create_brief (library, 3, &brief_id, &revision_id, scene_ids);
  image_id = import_image (library, "red.png", &image);
  image_uri = data_uri (image, "image/png");
  sb_generation_queue_set_max_in_flight (queue, 2);

  for (guint i = 0; i < G_N_ELEMENTS (prompts); i++)
    {
      SbGenerationRequest *request = new_video_request (prompts[i], image_uri, image_id, 70 + i);

      request->brief_id = brief_id;
      request->revision_id = revision_id;
      request->scene_id = g_array_index (scene_ids, gint64, i);
      g_ptr_array_add (requests, request);
    }
  batch_id = sb_generation_queue_submit (queue, requests);
  g_assert_cmpstr (wait_batch (observer, batch_id), ==, "2/1");

  g_assert_cmpuint (g_list_model_get_n_items (sb_generation_queue_get_jobs (queue)), ==, 3);
  slow = job_at (queue, 0);
  failed = job_at (queue, 1);
  normal = job_at (queue, 2);
  for (guint i = 0; i < 3; i++)
    {
      SbGenerationJob *job = job_at (queue, i);

      g_assert_cmpstr (sb_generation_job_get_batch_id (job), ==, batch_id);
      g_assert_cmpint (sb_generation_job_get_kind (job), ==, SB_MEDIA_KIND_VIDEO);
      g_assert_cmpint (sb_generation_job_get_brief_id (job), ==, brief_id);
      g_assert_cmpint (sb_generation_job_get_revision_id (job), ==, revision_id);
      g_assert_cmpint (sb_generation_job_get_scene_id (job), ==, g_array_index (scene_ids, gint64, i));
      g_assert_nonnull (sb_generation_job_get_prediction_id (job));
      g_assert_cmpuint (sb_generation_job_get_attempts (job), ==, 1);
    }

  /* The provider's message, word for word; no media. */
  g_assert_cmpint (sb_generation_job_get_status (failed), ==, SB_JOB_FAILED);
  g_assert_nonnull (strstr (sb_generation_job_get_last_error (failed),
                            "Video generation failed: the frames could not be decoded"));
  g_assert_cmpint (sb_generation_job_get_media_id (failed), ==, 0);
  g_assert_cmpstr (history_of (observer, failed), ==, "queued,starting,running,failed,");

  assert_video_stored (library, slow, prompts[0], 70, image_id);
  assert_video_stored (library, normal, prompts[2], 72, image_id);
  g_assert_cmpstr (history_of (observer, slow), ==, "queued,starting,running,downloading,succeeded,");
  g_assert_cmpstr (history_of (observer, normal), ==, "queued,starting,running,downloading,succeeded,");
  g_assert_cmpint (sb_generation_job_get_media_id (slow), !=, sb_generation_job_get_media_id (normal));

  /* The third one waited for a slot, took the failed one's, and still
   * finished before the slow one: nobody was held back. */
  g_assert_cmpint (g_date_time_compare (sb_generation_job_get_started_at (normal),
                                        sb_generation_job_get_completed_at (failed)), >=, 0);
  g_assert_cmpint (g_date_time_compare (sb_generation_job_get_completed_at (normal),
                                        sb_generation_job_get_completed_at (slow)), <, 0);
  g_assert_cmpint (g_date_time_compare (sb_generation_job_get_completed_at (failed),
                                        sb_generation_job_get_completed_at (slow)), <, 0);
  g_assert_true (g_hash_table_contains (observer->progress, slow));
  g_assert_cmpuint (observer->peak_active, ==, 2);

  /* The source image went as the data URI given; one create each. */
  sent = fake_requests ("POST", "/v1/models/" VIDEO_MODEL "/predictions", 201);
  g_assert_cmpuint (sent->len, ==, 3);
  for (guint i = 0; i < 3; i++)
    {
      g_autoptr(JsonObject) input = fake_prediction_input (sb_generation_job_get_prediction_id (job_at (queue, i)));

      g_assert_cmpstr (json_object_get_string_member (input, "image"), ==, image_uri);
    }
  g_assert_cmpuint (count_creates (VIDEO_MODEL, -1), ==, 3);
  g_assert_cmpuint (count_media (library, SB_MEDIA_KIND_VIDEO), ==, 2);
  g_assert_cmpuint (count_media (library, SB_MEDIA_KIND_ANY), ==, 3);
  g_assert_cmpuint (count_unfinished (library), ==, 0);

  g_clear_pointer (&observer, observer_free);
  finalize_queue (queue);
  sb_library_close (library);
}

/* A video job made by a run that was killed while the prediction ran is
 * picked up again by prediction id, never created twice. */
static void
video_child_job_changed (SbGenerationQueue *queue,
                         SbGenerationJob   *job,
                         gpointer           user_data)
{
  if (sb_generation_job_get_status (job) == SB_JOB_RUNNING)
    {
      g_assert_nonnull (sb_generation_job_get_prediction_id (job));
      _exit (0);
    }
}

#define RESUME_VIDEO_PROMPT "the keeper closes the door [fake:slow=3]"

static void
resume_video_child (void)
{
  g_autoptr(SbLibrary) library = open_library (g_getenv ("SB_TEST_RESUME_LIBRARY"));
  g_autoptr(SbReplicateClient) client = new_client ();
  g_autoptr(SbGenerationQueue) queue = sb_generation_queue_new (library, client);
  g_autoptr(GPtrArray) requests = g_ptr_array_new_with_free_func ((GDestroyNotify) sb_generation_request_free);
  g_autoptr(GArray) scene_ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autoptr(GBytes) image = NULL;
  g_autofree char *image_uri = NULL;
  g_autofree char *batch_id = NULL;
  SbGenerationRequest *request;
  gint64 brief_id, revision_id, image_id;

  create_brief (library, 1, &brief_id, &revision_id, scene_ids);
  image_id = import_image (library, "red.png", &image);
  image_uri = data_uri (image, "image/png");
  g_signal_connect (queue, "job-changed", G_CALLBACK (video_child_job_changed), NULL);

  request = new_video_request (RESUME_VIDEO_PROMPT, image_uri, image_id, 90);
  request->brief_id = brief_id;
  request->revision_id = revision_id;
  request->scene_id = g_array_index (scene_ids, gint64, 0);
  g_ptr_array_add (requests, request);
  batch_id = sb_generation_queue_submit (queue, requests);

  for (;;)
    g_main_context_iteration (NULL, TRUE);
}

static void
test_video_resume (void)
{
  g_autofree char *path = NULL;
  g_autoptr(SbLibrary) library = NULL;
  g_autoptr(SbReplicateClient) client = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) downloads = NULL;
  g_autoptr(SbMediaList) images = NULL;
  g_autoptr(SbMediaItem) image = NULL;
  SbGenerationQueue *queue;
  Observer *observer;
  SbGenerationJob *job;

  if (g_test_subprocess ())
    {
      resume_video_child ();
      return;
    }

  fake_reset ();
  path = library_path ();
  g_setenv ("SB_TEST_RESUME_LIBRARY", path, TRUE);
  g_test_trap_subprocess (NULL, 30 * G_USEC_PER_SEC, G_TEST_SUBPROCESS_INHERIT_STDERR);
  g_test_trap_assert_passed ();

  /* The child made the prediction and died while it ran. */
  g_assert_cmpuint (count_creates (VIDEO_MODEL, -1), ==, 1);
  downloads = fake_requests ("GET", "/files/*", -1);
  g_assert_cmpuint (downloads->len, ==, 0);

  library = open_library (path);
  g_assert_cmpuint (count_media (library, SB_MEDIA_KIND_VIDEO), ==, 0);
  g_assert_cmpuint (count_media (library, SB_MEDIA_KIND_IMAGE), ==, 1);
  g_assert_cmpuint (count_unfinished (library), ==, 1);
  sb_library_list_media_async (library, SB_MEDIA_KIND_IMAGE, NULL, sb_test_store_result_cb, &result);
  images = sb_library_list_media_finish (library, run_until (&result), &error);
  g_assert_no_error (error);
  g_clear_object (&result);
  image = g_list_model_get_item (G_LIST_MODEL (images), 0);

  client = new_client ();
  queue = sb_generation_queue_new (library, client);
  observer = observer_new (queue);
  sb_generation_queue_resume_async (queue, NULL, sb_test_store_result_cb, &result);
  g_assert_cmpuint (sb_generation_queue_resume_finish (queue, run_until (&result), &error), ==, 1);
  g_assert_no_error (error);

  wait_for (all_terminal, queue, "the resumed video");
  g_assert_cmpuint (g_list_model_get_n_items (sb_generation_queue_get_jobs (queue)), ==, 1);
  job = job_at (queue, 0);
  g_assert_cmpstr (history_of (observer, job), ==, "running,downloading,succeeded,");
  g_assert_cmpuint (sb_generation_job_get_attempts (job), ==, 1);
  assert_video_stored (library, job, RESUME_VIDEO_PROMPT, 90, sb_media_item_get_id (image));
  g_assert_cmpint (sb_generation_job_get_scene_id (job), >, 0);

  /* Still the one prediction, and one video. */
  g_assert_cmpuint (count_creates (VIDEO_MODEL, -1), ==, 1);
  g_assert_cmpuint (count_media (library, SB_MEDIA_KIND_VIDEO), ==, 1);
  g_assert_cmpuint (count_unfinished (library), ==, 0);

  /* Resuming again finds nothing. */
  g_clear_object (&result);
  sb_generation_queue_resume_async (queue, NULL, sb_test_store_result_cb, &result);
  g_assert_cmpuint (sb_generation_queue_resume_finish (queue, run_until (&result), &error), ==, 0);
  g_assert_no_error (error);
  g_assert_cmpuint (count_media (library, SB_MEDIA_KIND_VIDEO), ==, 1);

  observer_free (observer);
  g_clear_object (&result);
  finalize_queue (queue);
  sb_library_close (library);
}

/* Videos that are not what they claim fail with a message, and nothing
 * reaches the library. */
static void
test_video_validation (void)
{
  g_autofree char *path = library_path ();
  g_autoptr(SbLibrary) library = open_library (path);
  g_autoptr(SbReplicateClient) client = new_client ();
  SbGenerationQueue *queue = sb_generation_queue_new (library, client);
  g_autoptr(Observer) observer = observer_new (queue);
  g_autoptr(GPtrArray) requests = g_ptr_array_new_with_free_func ((GDestroyNotify) sb_generation_request_free);
  g_autoptr(GBytes) image = NULL;
  g_autofree char *image_uri = NULL;
  g_autofree char *batch_id = NULL;
  static const struct {
    const char *prompt;
    const char *message;
  } cases[] = {
    /* A WebM cut at 40 %: its header still announces 2 s. */
    { "a cut video [fake:webm,output-cut=0.4]", "The video is incomplete" },
    /* An MP4 cut at 40 %. */
    { "a cut mp4 [fake:output-cut=0.4]", NULL },
    /* Plain text as out.mp4, served as video/mp4. */
    { "text as a video [fake:output-bytes=text]", "not an image or a video" },
    /* A real MP4 labelled image/png. */
    { "a video called an image [fake:output-type=image/png]", "image/png" },
    /* A real PNG, honestly labelled, where a video should be. */
    { "an image for a video [fake:output-bytes=png,output-type=image/png]",
      "should be a video but contains an image" },
  };
  gint64 image_id;

  fake_reset ();
  image_id = import_image (library, "red.png", &image);
  image_uri = data_uri (image, "image/png");
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    g_ptr_array_add (requests, new_video_request (cases[i].prompt, image_uri, image_id, 5));
  batch_id = sb_generation_queue_submit (queue, requests);
  g_assert_cmpstr (wait_batch (observer, batch_id), ==, "0/5");

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      SbGenerationJob *job = job_at (queue, i);
      const char *message = sb_generation_job_get_last_error (job);

      g_test_message ("%s: %s", cases[i].prompt, message);
      g_assert_cmpint (sb_generation_job_get_status (job), ==, SB_JOB_FAILED);
      g_assert_cmpstr (history_of (observer, job), ==, "queued,starting,running,downloading,failed,");
      g_assert_nonnull (message);
      g_assert_cmpuint (strlen (message), >, 10);
      if (cases[i].message != NULL)
        g_assert_nonnull (strstr (message, cases[i].message));
      g_assert_cmpint (sb_generation_job_get_media_id (job), ==, 0);
    }

  /* Each output was fetched (once: these are not worth retrying), and
   * only the source image is in the library. */
  {
    g_autoptr(GPtrArray) downloads = fake_requests ("GET", "/files/out/*", 200);
    g_assert_cmpuint (downloads->len, ==, G_N_ELEMENTS (cases));
  }
  g_assert_cmpuint (count_media (library, SB_MEDIA_KIND_VIDEO), ==, 0);
  g_assert_cmpuint (count_media (library, SB_MEDIA_KIND_ANY), ==, 1);
  g_assert_cmpuint (count_unfinished (library), ==, 0);

  g_clear_pointer (&observer, observer_free);
  finalize_queue (queue);
  sb_library_close (library);
}

/* ---- library media in the input ---------------------------------------- */

/* A PNG of noise, too big for a data URI, stored like an import. */
static gint64
add_large_image (SbLibrary  *library,
                 GBytes    **out_bytes)
{
  g_autoptr(GdkPixbuf) pixbuf = gdk_pixbuf_new (GDK_COLORSPACE_RGB, FALSE, 8, 400, 400);
  g_autoptr(GRand) rand = g_rand_new_with_seed (7);
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GBytes) thumbnail = NULL;
  g_autoptr(SbMediaItem) item = sb_media_item_new ();
  g_autoptr(SbMediaItem) stored = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  SbMediaProbe probe = { 0 };
  guint8 *pixels = gdk_pixbuf_get_pixels (pixbuf);
  gsize length = (gsize) gdk_pixbuf_get_rowstride (pixbuf) * gdk_pixbuf_get_height (pixbuf);
  char *buffer = NULL;
  gsize size = 0;

  for (gsize i = 0; i < length; i++)
    pixels[i] = g_rand_int_range (rand, 0, 256);
  g_assert_true (gdk_pixbuf_save_to_buffer (pixbuf, &buffer, &size, "png", &error, NULL));
  g_assert_no_error (error);
  bytes = g_bytes_new_take (buffer, size);
  g_assert_cmpuint (g_bytes_get_size (bytes), >, SB_REPLICATE_MAX_DATA_URI_BYTES);

  g_assert_true (sb_media_process_image (bytes, "image/png", SB_MEDIA_THUMBNAIL_SIZE, &probe, &thumbnail, &error));
  g_assert_no_error (error);
  sb_media_item_set_kind (item, SB_MEDIA_KIND_IMAGE);
  sb_media_item_set_mime_type (item, probe.mime_type);
  sb_media_item_set_size (item, probe.width, probe.height);
  sb_media_item_set_origin (item, SB_MEDIA_ORIGIN_IMPORTED);
  sb_media_item_set_filename (item, "noise.png");
  sb_library_add_media_async (library, item, bytes, thumbnail, NULL, sb_test_store_result_cb, &result);
  stored = sb_library_add_media_finish (library, run_until (&result), NULL, &error);
  g_assert_no_error (error);

  *out_bytes = g_steal_pointer (&bytes);
  return sb_media_item_get_id (stored);
}

static GListModel *
list_failed (SbLibrary   *library,
             SbMediaKind  kind)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  GListModel *jobs;

  sb_library_list_failed_jobs_async (library, kind, 50, NULL, sb_test_store_result_cb, &result);
  jobs = sb_library_list_failed_jobs_finish (library, run_until (&result), &error);
  g_assert_no_error (error);

  return jobs;
}

/* "3,1": the ids of a list of jobs. */
static char *
job_ids (GListModel *jobs)
{
  GString *ids = g_string_new (NULL);

  for (guint i = 0; i < g_list_model_get_n_items (jobs); i++)
    {
      g_autoptr(SbGenerationJob) job = g_list_model_get_item (jobs, i);

      g_string_append_printf (ids, "%s%" G_GINT64_FORMAT, i ? "," : "", sb_generation_job_get_id (job));
    }
  return g_string_free (ids, FALSE);
}

static char *
failed_ids (SbLibrary   *library,
            SbMediaKind  kind)
{
  g_autoptr(GListModel) jobs = list_failed (library, kind);

  return job_ids (jobs);
}

/* The job as stored: read back from the library, not the queue's object. */
static SbGenerationJob *
stored_job (SbLibrary *library,
            gint64     revision_id,
            gint64     job_id)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GListModel) jobs = NULL;

  sb_library_list_jobs_for_revision_async (library, revision_id, NULL, sb_test_store_result_cb, &result);
  jobs = sb_library_list_jobs_for_revision_finish (library, run_until (&result), &error);
  g_assert_no_error (error);
  for (guint i = 0; i < g_list_model_get_n_items (jobs); i++)
    {
      g_autoptr(SbGenerationJob) job = g_list_model_get_item (jobs, i);

      if (sb_generation_job_get_id (job) == job_id)
        return g_steal_pointer (&job);
    }
  g_assert_not_reached ();
}

static const char *
input_image (SbGenerationJob *job)
{
  g_autoptr(JsonNode) node = json_from_string (sb_generation_job_get_input (job), NULL);
  static char *image;

  g_assert_nonnull (node);
  g_free (image);
  image = g_strdup (json_object_get_string_member (json_node_get_object (node), "image"));
  return image;
}

static gboolean
five_terminal (gpointer data)
{
  return g_list_model_get_n_items (sb_generation_queue_get_jobs (data)) == 5 && all_terminal (data);
}

/* "12,7" */
static char *
id_list (gint64 a,
         gint64 b)
{
  if (b == 0)
    return g_strdup_printf ("%" G_GINT64_FORMAT, a);
  return g_strdup_printf ("%" G_GINT64_FORMAT ",%" G_GINT64_FORMAT, a, b);
}

static guint job_changed_count;

static void
count_job_changed (SbGenerationQueue *queue,
                   SbGenerationJob   *job,
                   SbGenerationJob  **watched)
{
  if (job == *watched)
    job_changed_count++;
}

/* "storyboard-media:<id>" in the input: the image is read from the library
 * and sent as a data URI when small, uploaded when large, at every start;
 * the stored input keeps the marker.  A marker for a missing image fails
 * the job.  Retry and dismiss take failed jobs off the failed list. */
static void
test_media_marker (void)
{
  g_autofree char *path = library_path ();
  g_autoptr(SbLibrary) library = open_library (path);
  g_autoptr(SbReplicateClient) client = new_client ();
  SbGenerationQueue *queue = sb_generation_queue_new (library, client);
  g_autoptr(Observer) observer = observer_new (queue);
  g_autoptr(GPtrArray) requests = g_ptr_array_new_with_free_func ((GDestroyNotify) sb_generation_request_free);
  g_autoptr(GArray) scene_ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autoptr(GBytes) small = NULL;
  g_autoptr(GBytes) large = NULL;
  g_autoptr(JsonObject) uploads = NULL;
  g_autoptr(SbGenerationJob) read_back = NULL;
  g_autofree char *small_uri = NULL;
  g_autofree char *small_marker = NULL;
  g_autofree char *large_marker = NULL;
  g_autofree char *batch_id = NULL;
  g_autofree char *retry_batch = NULL;
  g_autofree char *ids = NULL;
  g_autofree char *expected = NULL;
  g_autofree char *large_sha = NULL;
  SbGenerationJob *with_small, *with_large, *missing, *flagged, *retried;
  JsonArray *files;
  JsonObject *file;
  gint64 brief_id, revision_id, small_id, large_id, missing_id;

  fake_reset ();
  create_brief (library, 4, &brief_id, &revision_id, scene_ids);
  small_id = import_image (library, "red.png", &small);
  large_id = add_large_image (library, &large);
  small_uri = data_uri (small, "image/png");
  small_marker = sb_generation_media_uri (small_id);
  large_marker = sb_generation_media_uri (large_id);
  g_assert_true (g_str_has_prefix (small_marker, SB_GENERATION_MEDIA_URI_PREFIX));
  g_assert_cmpint (g_ascii_strtoll (small_marker + strlen (SB_GENERATION_MEDIA_URI_PREFIX), NULL, 10), ==, small_id);

  {
    g_autofree char *gone = sb_generation_media_uri (987654);
    const struct { const char *prompt; const char *image; gint64 source; } specs[] = {
      { "from the small image", small_marker, small_id },
      { "from the large image", large_marker, large_id },
      { "from an image that is gone", gone, 987654 },
      { "flagged once [fake:fail=The input was flagged as sensitive (E005)*1]", small_marker, small_id },
    };

    for (guint i = 0; i < G_N_ELEMENTS (specs); i++)
      {
        SbGenerationRequest *request = new_video_request (specs[i].prompt, specs[i].image, 0, 30 + i);

        /* The gone one has no source link: the row it named never existed. */
        request->source_media_id = i == 2 ? 0 : specs[i].source;
        request->brief_id = brief_id;
        request->revision_id = revision_id;
        request->scene_id = g_array_index (scene_ids, gint64, i);
        g_ptr_array_add (requests, request);
      }
  }
  batch_id = sb_generation_queue_submit (queue, requests);
  g_assert_cmpstr (wait_batch (observer, batch_id), ==, "2/2");
  with_small = job_at (queue, 0);
  with_large = job_at (queue, 1);
  missing = job_at (queue, 2);
  flagged = job_at (queue, 3);

  /* Small: sent as a data URI of its bytes; the marker stays in the job,
   * as stored, and in the video's parameters. */
  assert_video_stored (library, with_small, "from the small image", 30, small_id);
  {
    g_autoptr(JsonObject) sent = fake_prediction_input (sb_generation_job_get_prediction_id (with_small));
    g_autoptr(SbMediaItem) video = get_media (library, sb_generation_job_get_media_id (with_small));

    g_assert_cmpstr (json_object_get_string_member (sent, "image"), ==, small_uri);
    g_assert_cmpstr (input_image (with_small), ==, small_marker);
    read_back = stored_job (library, revision_id, sb_generation_job_get_id (with_small));
    g_assert_cmpstr (input_image (read_back), ==, small_marker);
    g_assert_null (strstr (sb_media_item_get_parameters (video), "data:"));
    g_clear_object (&read_back);
  }

  /* Large: uploaded through the files API, the prediction got its URL. */
  assert_video_stored (library, with_large, "from the large image", 31, large_id);
  uploads = replicate_get ("/v1/files");
  files = json_object_get_array_member (uploads, "results");
  g_assert_cmpuint (json_array_get_length (files), ==, 1);
  file = json_array_get_object_element (files, 0);
  large_sha = g_compute_checksum_for_bytes (G_CHECKSUM_SHA256, large);
  g_assert_cmpint (json_object_get_int_member (file, "size"), ==, g_bytes_get_size (large));
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (file, "checksums"), "sha256"),
                   ==, large_sha);
  g_assert_cmpstr (json_object_get_string_member (file, "content_type"), ==, "image/png");
  {
    g_autoptr(JsonObject) sent = fake_prediction_input (sb_generation_job_get_prediction_id (with_large));
    const char *get_url = json_object_get_string_member (json_object_get_object_member (file, "urls"), "get");

    g_assert_true (g_str_has_prefix (get_url, "http://127.0.0.1:"));
    g_assert_cmpstr (json_object_get_string_member (sent, "image"), ==, get_url);
    g_assert_cmpstr (input_image (with_large), ==, large_marker);
    read_back = stored_job (library, revision_id, sb_generation_job_get_id (with_large));
    g_assert_cmpstr (input_image (read_back), ==, large_marker);
    g_clear_object (&read_back);
  }
  {
    g_autoptr(GPtrArray) posts = fake_requests ("POST", "/v1/files", 201);
    g_assert_cmpuint (posts->len, ==, 1);
  }

  /* Gone: failed with a message before anything was sent. */
  g_assert_cmpint (sb_generation_job_get_status (missing), ==, SB_JOB_FAILED);
  g_assert_nonnull (sb_generation_job_get_last_error (missing));
  g_test_message ("missing image: %s", sb_generation_job_get_last_error (missing));
  g_assert_nonnull (strstr (sb_generation_job_get_last_error (missing), "library"));
  g_assert_null (sb_generation_job_get_prediction_id (missing));
  g_assert_cmpint (sb_generation_job_get_media_id (missing), ==, 0);
  g_assert_false (sb_generation_job_get_dismissed (missing));

  /* Flagged by the provider, once. */
  g_assert_cmpint (sb_generation_job_get_status (flagged), ==, SB_JOB_FAILED);
  g_assert_nonnull (strstr (sb_generation_job_get_last_error (flagged), "flagged as sensitive (E005)"));
  g_assert_cmpuint (count_creates (VIDEO_MODEL, -1), ==, 3);

  /* Both are failures to show, newest first. */
  ids = failed_ids (library, SB_MEDIA_KIND_VIDEO);
  expected = id_list (sb_generation_job_get_id (flagged), sb_generation_job_get_id (missing));
  g_assert_cmpstr (ids, ==, expected);
  g_clear_pointer (&ids, g_free);
  g_clear_pointer (&expected, g_free);
  ids = failed_ids (library, SB_MEDIA_KIND_IMAGE);
  g_assert_cmpstr (ids, ==, "");
  g_clear_pointer (&ids, g_free);

  /* Retry: the old job is dismissed at once, a new one runs and sends the
   * image afresh. */
  job_changed_count = 0;
  g_signal_connect (queue, "job-changed", G_CALLBACK (count_job_changed), &flagged);
  sb_generation_queue_retry (queue, flagged);
  g_assert_true (sb_generation_job_get_dismissed (flagged));
  g_assert_cmpuint (job_changed_count, ==, 1);
  /* A second click before anything is stored makes no second job. */
  sb_generation_queue_retry (queue, flagged);
  g_assert_cmpuint (job_changed_count, ==, 1);
  g_assert_cmpint (sb_generation_job_get_status (flagged), ==, SB_JOB_FAILED);
  /* The new job is listed once stored. */
  wait_for (five_terminal, queue, "the retry");
  retried = job_at (queue, 4);
  g_assert_cmpuint (g_list_model_get_n_items (sb_generation_queue_get_jobs (queue)), ==, 5);
  retry_batch = g_strdup (sb_generation_job_get_batch_id (retried));
  g_assert_cmpstr (wait_batch (observer, retry_batch), ==, "1/0");
  g_assert_cmpint (sb_generation_job_get_id (retried), !=, sb_generation_job_get_id (flagged));
  g_assert_false (sb_generation_job_get_dismissed (retried));
  g_assert_cmpstr (sb_generation_job_get_input (retried), ==, sb_generation_job_get_input (flagged));
  g_assert_cmpstr (input_image (retried), ==, small_marker);
  assert_video_stored (library, retried, "flagged once [fake:fail=The input was flagged as sensitive (E005)*1]",
                       33, small_id);
  {
    g_autoptr(JsonObject) sent = fake_prediction_input (sb_generation_job_get_prediction_id (retried));

    g_assert_cmpstr (json_object_get_string_member (sent, "image"), ==, small_uri);
  }

  /* The retried job is off the failed list, and stored as dismissed. */
  ids = failed_ids (library, SB_MEDIA_KIND_VIDEO);
  expected = id_list (sb_generation_job_get_id (missing), 0);
  g_assert_cmpstr (ids, ==, expected);
  g_clear_pointer (&ids, g_free);
  g_clear_pointer (&expected, g_free);
  read_back = stored_job (library, revision_id, sb_generation_job_get_id (flagged));
  g_assert_true (sb_generation_job_get_dismissed (read_back));
  g_assert_cmpint (sb_generation_job_get_status (read_back), ==, SB_JOB_FAILED);
  g_clear_object (&read_back);

  /* Dismissing: succeeded jobs are left alone; a failed one is stored as
   * dismissed and announced. */
  sb_generation_queue_dismiss (queue, with_small);
  g_assert_false (sb_generation_job_get_dismissed (with_small));
  g_signal_handlers_disconnect_by_func (queue, count_job_changed, &flagged);
  job_changed_count = 0;
  g_signal_connect (queue, "job-changed", G_CALLBACK (count_job_changed), &missing);
  sb_generation_queue_dismiss (queue, missing);
  g_assert_true (sb_generation_job_get_dismissed (missing));
  g_assert_cmpuint (job_changed_count, ==, 1);
  sb_generation_queue_dismiss (queue, missing);
  g_assert_cmpuint (job_changed_count, ==, 1);
  g_signal_handlers_disconnect_by_func (queue, count_job_changed, &missing);
  ids = failed_ids (library, SB_MEDIA_KIND_VIDEO);
  g_assert_cmpstr (ids, ==, "");
  g_clear_pointer (&ids, g_free);
  read_back = stored_job (library, revision_id, sb_generation_job_get_id (missing));
  g_assert_true (sb_generation_job_get_dismissed (read_back));
  g_clear_object (&read_back);
  read_back = stored_job (library, revision_id, sb_generation_job_get_id (with_small));
  g_assert_false (sb_generation_job_get_dismissed (read_back));
  g_clear_object (&read_back);

  missing_id = sb_generation_job_get_id (missing);
  g_clear_pointer (&observer, observer_free);
  finalize_queue (queue);
  sb_library_close (library);
  g_clear_object (&library);
  g_clear_pointer (&ids, g_free);

  /* Still so after a restart. */
  library = open_library (path);
  ids = failed_ids (library, SB_MEDIA_KIND_VIDEO);
  g_assert_cmpstr (ids, ==, "");
  read_back = stored_job (library, revision_id, missing_id);
  g_assert_true (sb_generation_job_get_dismissed (read_back));
  sb_library_close (library);
}

/* A queued job left by a previous run reads its image when it starts. */
static void
test_media_marker_resumed (void)
{
  g_autofree char *path = library_path ();
  g_autoptr(SbLibrary) library = open_library (path);
  g_autoptr(SbReplicateClient) client = new_client ();
  g_autoptr(GBytes) image = NULL;
  g_autoptr(SbGenerationRequest) request = NULL;
  g_autoptr(SbGenerationJob) job = sb_generation_job_new ();
  g_autoptr(JsonNode) node = json_node_new (JSON_NODE_OBJECT);
  g_autoptr(JsonObject) sent = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *marker = NULL;
  g_autofree char *image_uri = NULL;
  g_autofree char *input = NULL;
  SbGenerationQueue *queue;
  SbGenerationJob *resumed;
  gint64 image_id;

  fake_reset ();
  image_id = import_image (library, "red.png", &image);
  image_uri = data_uri (image, "image/png");
  marker = sb_generation_media_uri (image_id);
  request = new_video_request ("left queued", marker, image_id, 3);
  /* Markers in an array are replaced too, other values kept. */
  {
    JsonArray *extra = json_array_new ();

    json_array_add_string_element (extra, "https://example.com/keep.png");
    json_array_add_string_element (extra, marker);
    json_object_set_array_member (request->input, "extra_images", extra);
  }
  json_node_set_object (node, request->input);
  input = json_to_string (node, FALSE);
  sb_generation_job_set_batch_id (job, "earlier-batch");
  sb_generation_job_set_kind (job, SB_MEDIA_KIND_VIDEO);
  sb_generation_job_set_provider (job, "replicate");
  sb_generation_job_set_model (job, VIDEO_MODEL);
  sb_generation_job_set_input (job, input);
  sb_generation_job_set_source_media_id (job, image_id);
  sb_library_add_job_async (library, job, NULL, sb_test_store_result_cb, &result);
  g_assert_true (sb_library_add_job_finish (library, run_until (&result), &error));
  g_assert_no_error (error);
  g_clear_object (&result);

  queue = sb_generation_queue_new (library, client);
  sb_generation_queue_resume_async (queue, NULL, sb_test_store_result_cb, &result);
  g_assert_cmpuint (sb_generation_queue_resume_finish (queue, run_until (&result), &error), ==, 1);
  g_assert_no_error (error);
  wait_for (all_terminal, queue, "the resumed job");

  resumed = job_at (queue, 0);
  assert_video_stored (library, resumed, "left queued", 3, image_id);
  sent = fake_prediction_input (sb_generation_job_get_prediction_id (resumed));
  g_assert_cmpstr (json_object_get_string_member (sent, "image"), ==, image_uri);
  {
    JsonArray *extra = json_object_get_array_member (sent, "extra_images");

    g_assert_cmpuint (json_array_get_length (extra), ==, 2);
    g_assert_cmpstr (json_array_get_string_element (extra, 0), ==, "https://example.com/keep.png");
    g_assert_cmpstr (json_array_get_string_element (extra, 1), ==, image_uri);
  }
  g_assert_cmpstr (sb_generation_job_get_input (resumed), ==, input);

  g_clear_object (&result);
  finalize_queue (queue);
  sb_library_close (library);
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
  g_autoptr(GDataInputStream) input = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *line = NULL;
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autofree char *replicate = NULL;

  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE);
  g_subprocess_launcher_set_child_setup (launcher, child_setup, NULL, NULL);
  fake = g_subprocess_launcher_spawn (launcher, &error,
                                      fake_path,
                                      "--prediction-seconds", "0.3",
                                      "--video-seconds", "0.6",
                                      "--rate-limit", "100000",
                                      NULL);
  g_assert_no_error (error);

  input = g_data_input_stream_new (g_subprocess_get_stdout_pipe (fake));
  line = g_data_input_stream_read_line (input, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (line);
  g_assert_true (g_str_has_prefix (line, "listening on http://"));
  base_url = g_strdup (line + strlen ("listening on "));

  replicate = g_strconcat (base_url, "/v1", NULL);
  g_setenv ("STORYBOARD_REPLICATE_BASE_URL", replicate, TRUE);
  g_setenv ("SB_TEST_FAKE_BASE_URL", base_url, TRUE);
  g_setenv ("REPLICATE_API_TOKEN", KEY, TRUE);
  g_setenv ("STORYBOARD_BACKOFF_SCALE", "0.001", TRUE);
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

  if (!g_test_subprocess ())
    {
      if (argc < 2)
        g_error ("Usage: %s [GTest options] PATH-TO-sb-fake-providers", argv[0]);
      fake_path = argv[1];
      start_fake ();
    }
  else
    base_url = g_strdup (g_getenv ("SB_TEST_FAKE_BASE_URL"));
  control = soup_session_new ();

  g_test_add_func ("/sb/generation-queue/batch", test_batch);
  g_test_add_func ("/sb/generation-queue/cancel", test_cancel);
  g_test_add_func ("/sb/generation-queue/resume-after-kill", test_resume);
  g_test_add_func ("/sb/generation-queue/expired", test_expired);
  g_test_add_func ("/sb/generation-queue/interrupted", test_interrupted);
  g_test_add_func ("/sb/generation-queue/resume-expired", test_resume_expired);
  g_test_add_func ("/sb/generation-queue/variants", test_variants);
  g_test_add_func ("/sb/generation-queue/video/batch", test_video_batch);
  g_test_add_func ("/sb/generation-queue/video/resume-after-kill", test_video_resume);
  g_test_add_func ("/sb/generation-queue/video/validation", test_video_validation);
  g_test_add_func ("/sb/generation-queue/video/media-marker", test_media_marker);
  g_test_add_func ("/sb/generation-queue/video/media-marker-resumed", test_media_marker_resumed);

  ret = g_test_run ();

  if (fake != NULL)
    {
      g_subprocess_force_exit (fake);
      g_subprocess_wait (fake, NULL, NULL);
      g_clear_object (&fake);
    }
  g_clear_object (&control);
  g_free (base_url);

  return ret;
}
