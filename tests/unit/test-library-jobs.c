/* test-library-jobs.c
 *
 * Copyright 2026 The Storyboard authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include "sb-test-async.h"
#include "sb-generation-job.h"
#include "sb-library-jobs.h"
#include "sb-library-private.h"
#include "sb-library.h"

/* Async plumbing: every helper starts one call and iterates the default
 * main context until its callback has stored the result. */

static char *
default_path (void)
{
  g_autoptr(GFile) file = sb_library_dup_default_file ();

  return g_file_get_path (file);
}

static SbLibrary *
open_default_library (void)
{
  g_autoptr(GFile) file = sb_library_dup_default_file ();
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  SbLibrary *library;

  sb_library_open_async (file, NULL, sb_test_store_result_cb, &result);
  library = sb_library_open_finish (sb_test_run_until (&result), &error);
  g_assert_no_error (error);
  g_assert_true (SB_IS_LIBRARY (library));

  return library;
}

static void
close_library (SbLibrary *library)
{
  sb_library_close (library);
  /* The worker has finished: deliver what it left for this context (page
   * loads of lists, checks), which hold the library until then. */
  while (g_main_context_pending (NULL))
    g_main_context_iteration (NULL, FALSE);
  g_assert_finalize_object (library);
}

/* A library at the latest version holding brief 7 with revisions 3 and 4,
 * scenes 11 and 12 of revision 3 (12 already has a chosen image, 50) and
 * scene 13 of revision 4. */
static const char seed_briefs[] =
  "INSERT INTO briefs (id, title, prompt, created_at, updated_at) VALUES (7, 'Launch', 'A teaser', 1, 1);"
  "INSERT INTO briefs (id, title, prompt, created_at, updated_at) VALUES (8, 'Other', 'Else', 1, 1);"
  "INSERT INTO brief_revisions (id, brief_id, number, content, created_at) VALUES (3, 7, 1, '{}', 1);"
  "INSERT INTO brief_revisions (id, brief_id, number, content, created_at) VALUES (4, 7, 2, '{}', 2);"
  "INSERT INTO media (id, kind, mime_type, byte_size, sha256, created_at) VALUES (50, 1, 'image/png', 0, 'chosen', 1);"
  "INSERT INTO scenes (id, revision_id, position, title) VALUES (11, 3, 0, 'Opening');"
  "INSERT INTO scenes (id, revision_id, position, title, chosen_media_id) VALUES (12, 3, 1, 'Middle', 50);"
  "INSERT INTO scenes (id, revision_id, position, title) VALUES (13, 4, 0, 'Other');";

static SbLibrary *
open_seeded_library (void)
{
  g_autofree char *path = default_path ();
  g_autofree char *dir = g_path_get_dirname (path);
  g_autoptr(GError) error = NULL;

  g_assert_cmpint (g_mkdir_with_parents (dir, 0700), ==, 0);
  sb_library_test_create_at_version (path, sb_library_get_schema_version (), &error);
  g_assert_no_error (error);
  sb_library_test_exec (path, seed_briefs, &error);
  g_assert_no_error (error);

  return open_default_library ();
}

static char *
query (const char *sql)
{
  g_autofree char *path = default_path ();
  g_autoptr(GError) error = NULL;
  char *result;

  result = sb_library_test_query (path, sql, &error);
  g_assert_no_error (error);

  return result;
}

static void
assert_query (const char *sql,
              const char *expected)
{
  g_autofree char *result = query (sql);

  g_assert_cmpstr (result, ==, expected);
}

/* g_date_time_to_unix_usec() needs GLib 2.80. */
static gint64
to_unix_usec (GDateTime *date_time)
{
  g_assert_nonnull (date_time);

  return g_date_time_to_unix (date_time) * G_USEC_PER_SEC + g_date_time_get_microsecond (date_time);
}

/* Calls */

static gboolean
add_job (SbLibrary       *library,
         SbGenerationJob *job,
         GError         **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  sb_library_add_job_async (library, job, NULL, sb_test_store_result_cb, &result);

  return sb_library_add_job_finish (library, sb_test_run_until (&result), error);
}

static gboolean
update_job (SbLibrary       *library,
            SbGenerationJob *job,
            GError         **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  sb_library_update_job_async (library, job, NULL, sb_test_store_result_cb, &result);

  return sb_library_update_job_finish (library, sb_test_run_until (&result), error);
}

static SbMediaItem *
complete_job (SbLibrary       *library,
              SbGenerationJob *job,
              SbMediaItem     *item,
              GBytes          *data,
              GBytes          *thumbnail,
              GError         **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  sb_library_complete_job_async (library, job, item, data, thumbnail, NULL, sb_test_store_result_cb, &result);

  return sb_library_complete_job_finish (library, sb_test_run_until (&result), error);
}

static GListModel *
list_unfinished (SbLibrary *library)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  GListModel *jobs;

  sb_library_list_unfinished_jobs_async (library, NULL, sb_test_store_result_cb, &result);
  jobs = sb_library_list_unfinished_jobs_finish (library, sb_test_run_until (&result), &error);
  g_assert_no_error (error);
  g_assert_true (g_list_model_get_item_type (jobs) == SB_TYPE_GENERATION_JOB);

  return jobs;
}

static GListModel *
list_for_revision (SbLibrary *library,
                   gint64     revision_id)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  GListModel *jobs;

  sb_library_list_jobs_for_revision_async (library, revision_id, NULL, sb_test_store_result_cb, &result);
  jobs = sb_library_list_jobs_for_revision_finish (library, sb_test_run_until (&result), &error);
  g_assert_no_error (error);

  return jobs;
}

static GListModel *
list_failed (SbLibrary   *library,
             SbMediaKind  kind,
             guint        limit)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  GListModel *jobs;

  sb_library_list_failed_jobs_async (library, kind, limit, NULL, sb_test_store_result_cb, &result);
  jobs = sb_library_list_failed_jobs_finish (library, sb_test_run_until (&result), &error);
  g_assert_no_error (error);
  g_assert_true (g_list_model_get_item_type (jobs) == SB_TYPE_GENERATION_JOB);

  return jobs;
}

static gboolean
dismiss_job (SbLibrary  *library,
             gint64      job_id,
             GError    **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  sb_library_dismiss_job_async (library, job_id, NULL, sb_test_store_result_cb, &result);

  return sb_library_dismiss_job_finish (library, sb_test_run_until (&result), error);
}

/* "9,8,5": the ids of a list of jobs, in its order. */
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

static void
assert_failed (SbLibrary   *library,
               SbMediaKind  kind,
               guint        limit,
               const char  *expected)
{
  g_autoptr(GListModel) jobs = list_failed (library, kind, limit);
  g_autofree char *ids = job_ids (jobs);

  g_assert_cmpstr (ids, ==, expected);
}

static gboolean
set_scene_media (SbLibrary  *library,
                 gint64      scene_id,
                 gint64      media_id,
                 GError    **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  sb_library_set_scene_media_async (library, scene_id, media_id, NULL, sb_test_store_result_cb, &result);

  return sb_library_set_scene_media_finish (library, sb_test_run_until (&result), error);
}

static gboolean
cache_put (SbLibrary   *library,
           const char  *key,
           const char  *json,
           GError     **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  sb_library_cache_put_async (library, key, json, NULL, sb_test_store_result_cb, &result);

  return sb_library_cache_put_finish (library, sb_test_run_until (&result), error);
}

static char *
cache_get (SbLibrary   *library,
           const char  *key,
           GDateTime  **out_fetched_at,
           GError     **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  sb_library_cache_get_async (library, key, NULL, sb_test_store_result_cb, &result);

  return sb_library_cache_get_finish (library, sb_test_run_until (&result), out_fetched_at, error);
}

static SbMediaList *
list_filtered (SbLibrary   *library,
               SbMediaKind  kind,
               gint64       brief_id,
               gboolean     favourites_only,
               const char  *search)
{
  SbMediaFilter filter = { kind, brief_id, favourites_only, search };
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  SbMediaList *list;

  sb_library_list_media_filtered_async (library, &filter, NULL, sb_test_store_result_cb, &result);
  list = sb_library_list_media_filtered_finish (library, sb_test_run_until (&result), &error);
  g_assert_no_error (error);
  g_assert_true (SB_IS_MEDIA_LIST (list));

  return list;
}

static gboolean
set_favourite (SbLibrary  *library,
               gint64      id,
               gboolean    favourite,
               GError    **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  sb_library_set_favourite_async (library, id, favourite, NULL, sb_test_store_result_cb, &result);

  return sb_library_set_favourite_finish (library, sb_test_run_until (&result), error);
}

static SbMediaItem *
add_media (SbLibrary   *library,
           SbMediaItem *item,
           GBytes      *data)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  SbMediaItem *added;

  sb_library_add_media_async (library, item, data, NULL, NULL, sb_test_store_result_cb, &result);
  added = sb_library_add_media_finish (library, sb_test_run_until (&result), NULL, &error);
  g_assert_no_error (error);

  return added;
}

static gboolean
trash_media (SbLibrary  *library,
             gint64      id,
             GError    **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  sb_library_trash_media_async (library, id, NULL, sb_test_store_result_cb, &result);

  return sb_library_trash_media_finish (library, sb_test_run_until (&result), error);
}

static gboolean
purge_trash (SbLibrary  *library,
             GError    **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  sb_library_purge_trash_async (library, NULL, sb_test_store_result_cb, &result);

  return sb_library_purge_trash_finish (library, sb_test_run_until (&result), error);
}

/* Runs every queued worker job and its callback: a no-op read queued last
 * completes after all of them (jobs complete in queue order).  Twice,
 * because callbacks of the first round may queue jobs of their own (a
 * search list checks a new item when ::media-added arrives). */
static void
flush (SbLibrary *library)
{
  for (guint round = 0; round < 2; round++)
    {
      g_autoptr(GAsyncResult) result = NULL;
      g_autoptr(GError) error = NULL;
      g_autofree char *json = NULL;

      sb_library_cache_get_async (library, "flush", NULL, sb_test_store_result_cb, &result);
      json = sb_library_cache_get_finish (library, sb_test_run_until (&result), NULL, &error);
      g_assert_error (error, SB_LIBRARY_ERROR, SB_LIBRARY_ERROR_NOT_FOUND);
    }
}

/* Test data */

static GBytes *
unique_bytes (const char *text)
{
  return g_bytes_new (text, strlen (text));
}

static SbMediaItem *
new_media (SbMediaKind  kind,
           const char  *filename,
           const char  *prompt,
           const char  *model,
           gint64       brief_id)
{
  SbMediaItem *item = sb_media_item_new ();

  sb_media_item_set_kind (item, kind);
  sb_media_item_set_mime_type (item, kind == SB_MEDIA_KIND_VIDEO ? "video/mp4" : "image/png");
  sb_media_item_set_filename (item, filename);
  sb_media_item_set_prompt (item, prompt);
  sb_media_item_set_model (item, model);
  sb_media_item_set_links (item, brief_id, 0, 0);

  return item;
}

/* Adds media and returns its id. */
static gint64
add_new (SbLibrary   *library,
         SbMediaKind  kind,
         const char  *filename,
         const char  *prompt,
         const char  *model,
         gint64       brief_id)
{
  g_autoptr(SbMediaItem) item = new_media (kind, filename, prompt, model, brief_id);
  g_autoptr(GBytes) data = unique_bytes (filename);
  g_autoptr(SbMediaItem) added = add_media (library, item, data);

  return sb_media_item_get_id (added);
}

static SbGenerationJob *
new_job (SbMediaKind  kind,
         const char  *model,
         gint64       brief_id,
         gint64       revision_id,
         gint64       scene_id)
{
  SbGenerationJob *job = sb_generation_job_new ();

  sb_generation_job_set_kind (job, kind);
  sb_generation_job_set_provider (job, "replicate");
  sb_generation_job_set_model (job, model);
  sb_generation_job_set_input (job, "{\"prompt\":\"a lighthouse\"}");
  sb_generation_job_set_links (job, brief_id, revision_id, scene_id);

  return job;
}

static SbGenerationJob *
add_new_job (SbLibrary   *library,
             SbJobStatus  status,
             gint64       revision_id)
{
  g_autoptr(GError) error = NULL;
  SbGenerationJob *job = new_job (SB_MEDIA_KIND_IMAGE, "owner/model", 0, revision_id, 0);

  sb_generation_job_set_status (job, status);
  add_job (library, job, &error);
  g_assert_no_error (error);
  g_assert_cmpint (sb_generation_job_get_id (job), >, 0);

  return job;
}

/* Ids of a list, newest first: "3,2,1". */
static char *
list_ids (SbMediaList *list)
{
  g_autoptr(GString) ids = g_string_new (NULL);

  for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (list)); i++)
    {
      g_autoptr(SbMediaItem) item = g_list_model_get_item (G_LIST_MODEL (list), i);

      g_string_append_printf (ids, "%s%" G_GINT64_FORMAT, i > 0 ? "," : "", sb_media_item_get_id (item));
    }

  return g_string_free (g_steal_pointer (&ids), FALSE);
}

static void
assert_list (SbMediaList *list,
             const char  *expected)
{
  g_autofree char *ids = list_ids (list);

  g_assert_cmpstr (ids, ==, expected);
}

static char *
ids_string (gint64 a,
            gint64 b,
            gint64 c)
{
  GString *ids = g_string_new (NULL);
  gint64 all[] = { a, b, c };

  for (guint i = 0; i < G_N_ELEMENTS (all) && all[i] > 0; i++)
    g_string_append_printf (ids, "%s%" G_GINT64_FORMAT, i > 0 ? "," : "", all[i]);

  return g_string_free (ids, FALSE);
}

static void
assert_ids (SbMediaList *list,
            gint64       a,
            gint64       b,
            gint64       c)
{
  g_autofree char *expected = ids_string (a, b, c);

  assert_list (list, expected);
}

typedef struct
{
  guint  n_added;
  guint  n_changed;
  guint  n_notify_id;
  gint64 last_added;
} SignalLog;

static void
on_media_added (SbLibrary   *library,
                SbMediaItem *item,
                SignalLog   *log)
{
  log->n_added++;
  log->last_added = sb_media_item_get_id (item);
}

static void
on_media_changed (SbLibrary   *library,
                  SbMediaItem *item,
                  SignalLog   *log)
{
  g_assert_true (sb_media_item_get_loaded (item));
  log->n_changed++;
}

static void
on_notify_id (GObject    *object,
              GParamSpec *pspec,
              SignalLog  *log)
{
  log->n_notify_id++;
}

/* Tests */

static void
test_status_strings (void)
{
  static const char * const names[] = {
    "queued", "starting", "running", "downloading", "succeeded",
    "failed", "cancelled", "expired", "interrupted",
  };
  GEnumClass *klass = g_type_class_ref (SB_TYPE_JOB_STATUS);

  g_assert_cmpuint (klass->n_values, ==, G_N_ELEMENTS (names));
  g_type_class_unref (klass);

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      g_assert_cmpstr (sb_job_status_to_string (i), ==, names[i]);
      g_assert_cmpint (sb_job_status_from_string (names[i]), ==, i);
      g_assert_cmpint (sb_job_status_is_terminal (i), ==, i >= SB_JOB_SUCCEEDED);
    }

  g_assert_cmpint (sb_job_status_from_string ("canceled"), ==, SB_JOB_CANCELED);
  /* Something this build does not know is never resumed. */
  g_assert_cmpint (sb_job_status_from_string ("paused"), ==, SB_JOB_FAILED);
  g_assert_cmpint (sb_job_status_from_string (NULL), ==, SB_JOB_FAILED);
}

static void
test_job_object (void)
{
  g_autoptr(SbGenerationJob) job = sb_generation_job_new ();
  SignalLog log = { 0 };
  SbJobStatus status;

  g_assert_cmpint (sb_generation_job_get_status (job), ==, SB_JOB_QUEUED);
  g_assert_cmpfloat (sb_generation_job_get_progress (job), ==, -1.0);
  g_assert_cmpint (sb_generation_job_get_kind (job), ==, SB_MEDIA_KIND_IMAGE);

  g_signal_connect (job, "notify::id", G_CALLBACK (on_notify_id), &log);
  sb_generation_job_set_id (job, 3);
  sb_generation_job_set_id (job, 3);
  g_assert_cmpuint (log.n_notify_id, ==, 1);

  g_object_set (job, "status", SB_JOB_RUNNING, "progress", 0.5, "model", "a/b", NULL);
  g_object_get (job, "status", &status, NULL);
  g_assert_cmpint (status, ==, SB_JOB_RUNNING);
  g_assert_cmpfloat (sb_generation_job_get_progress (job), ==, 0.5);
  g_assert_cmpstr (sb_generation_job_get_model (job), ==, "a/b");
}

static void
test_add_update_round_trip (void)
{
  SbLibrary *library = open_seeded_library ();
  g_autoptr(SbGenerationJob) job = new_job (SB_MEDIA_KIND_VIDEO, "wan/i2v", 7, 3, 11);
  g_autoptr(SbGenerationJob) done = new_job (SB_MEDIA_KIND_IMAGE, "x/y", 0, 0, 0);
  g_autoptr(GDateTime) started = g_date_time_new_from_unix_utc (1700000000);
  g_autoptr(GDateTime) started_exact = g_date_time_add (started, 123456);
  g_autoptr(GListModel) jobs = NULL;
  g_autoptr(SbGenerationJob) read = NULL;
  g_autoptr(GError) error = NULL;
  gint64 before = g_get_real_time ();
  SignalLog log = { 0 };

  sb_generation_job_set_batch_id (job, "batch-1");
  sb_generation_job_set_model_version (job, "v123");
  sb_generation_job_set_source_media_id (job, 50);
  g_signal_connect (job, "notify::id", G_CALLBACK (on_notify_id), &log);

  g_assert_true (add_job (library, job, &error));
  g_assert_no_error (error);
  g_assert_cmpint (sb_generation_job_get_id (job), >, 0);
  g_assert_cmpuint (log.n_notify_id, ==, 1);
  g_assert_cmpint (to_unix_usec (sb_generation_job_get_created_at (job)), >=, before);
  g_assert_cmpint (to_unix_usec (sb_generation_job_get_created_at (job)), <=, g_get_real_time ());

  sb_generation_job_set_status (job, SB_JOB_RUNNING);
  sb_generation_job_set_prediction_id (job, "pred-9");
  sb_generation_job_set_attempts (job, 2);
  sb_generation_job_set_last_error (job, "Rate limited");
  sb_generation_job_set_started_at (job, started_exact);
  sb_generation_job_set_progress (job, 0.25);
  g_assert_true (update_job (library, job, &error));
  g_assert_no_error (error);

  /* A terminal one, which is not read back as unfinished. */
  g_assert_true (add_job (library, done, &error));
  g_assert_no_error (error);
  sb_generation_job_set_status (done, SB_JOB_FAILED);
  g_assert_true (update_job (library, done, &error));
  g_assert_no_error (error);

  g_signal_handlers_disconnect_by_data (job, &log);
  close_library (library);

  library = open_default_library ();
  jobs = list_unfinished (library);
  g_assert_cmpuint (g_list_model_get_n_items (jobs), ==, 1);
  read = g_list_model_get_item (jobs, 0);

  g_assert_true (read != job);
  g_assert_cmpint (sb_generation_job_get_id (read), ==, sb_generation_job_get_id (job));
  g_assert_cmpstr (sb_generation_job_get_batch_id (read), ==, "batch-1");
  g_assert_cmpint (sb_generation_job_get_kind (read), ==, SB_MEDIA_KIND_VIDEO);
  g_assert_cmpstr (sb_generation_job_get_provider (read), ==, "replicate");
  g_assert_cmpstr (sb_generation_job_get_model (read), ==, "wan/i2v");
  g_assert_cmpstr (sb_generation_job_get_model_version (read), ==, "v123");
  g_assert_cmpstr (sb_generation_job_get_input (read), ==, "{\"prompt\":\"a lighthouse\"}");
  g_assert_cmpint (sb_generation_job_get_brief_id (read), ==, 7);
  g_assert_cmpint (sb_generation_job_get_revision_id (read), ==, 3);
  g_assert_cmpint (sb_generation_job_get_scene_id (read), ==, 11);
  g_assert_cmpint (sb_generation_job_get_source_media_id (read), ==, 50);
  g_assert_cmpstr (sb_generation_job_get_prediction_id (read), ==, "pred-9");
  g_assert_cmpint (sb_generation_job_get_status (read), ==, SB_JOB_RUNNING);
  g_assert_cmpuint (sb_generation_job_get_attempts (read), ==, 2);
  g_assert_cmpstr (sb_generation_job_get_last_error (read), ==, "Rate limited");
  g_assert_true (g_date_time_equal (sb_generation_job_get_created_at (read), sb_generation_job_get_created_at (job)));
  g_assert_cmpint (to_unix_usec (sb_generation_job_get_started_at (read)), ==, 1700000000123456);
  g_assert_null (sb_generation_job_get_completed_at (read));
  g_assert_cmpint (sb_generation_job_get_media_id (read), ==, 0);
  /* Progress is not stored. */
  g_assert_cmpfloat (sb_generation_job_get_progress (read), ==, -1.0);

  close_library (library);
}

static void
test_update_missing (void)
{
  SbLibrary *library = open_seeded_library ();
  g_autoptr(SbGenerationJob) job = new_job (SB_MEDIA_KIND_IMAGE, "a/b", 0, 0, 0);
  g_autoptr(GError) error = NULL;

  sb_generation_job_set_id (job, 999);
  g_assert_false (update_job (library, job, &error));
  g_assert_error (error, SB_LIBRARY_ERROR, SB_LIBRARY_ERROR_NOT_FOUND);

  close_library (library);
}

static void
test_complete (void)
{
  SbLibrary *library = open_seeded_library ();
  g_autoptr(SbGenerationJob) job = new_job (SB_MEDIA_KIND_IMAGE, "black-forest-labs/flux", 7, 3, 11);
  g_autoptr(SbGenerationJob) second = new_job (SB_MEDIA_KIND_IMAGE, "black-forest-labs/flux", 7, 3, 11);
  g_autoptr(SbGenerationJob) third = new_job (SB_MEDIA_KIND_IMAGE, "black-forest-labs/flux", 7, 3, 12);
  g_autoptr(SbMediaItem) item = new_media (SB_MEDIA_KIND_IMAGE, "lighthouse.png", "a lighthouse", NULL, 0);
  g_autoptr(SbMediaItem) stored = NULL;
  g_autoptr(SbMediaItem) stored2 = NULL;
  g_autoptr(SbMediaItem) stored3 = NULL;
  g_autoptr(GBytes) data = unique_bytes ("first image");
  g_autoptr(GBytes) data2 = unique_bytes ("second image");
  g_autoptr(GBytes) data3 = unique_bytes ("third image");
  g_autoptr(GBytes) thumbnail = unique_bytes ("thumb");
  g_autoptr(GError) error = NULL;
  g_autofree char *expected = NULL;
  SignalLog log = { 0 };
  gint64 before;
  gint64 id;

  sb_media_item_set_seed (item, 42);
  sb_media_item_set_parameters (item, "{\"steps\":4}");
  sb_media_item_set_size (item, 1024, 768);

  add_job (library, job, &error);
  g_assert_no_error (error);
  sb_generation_job_set_model_version (job, "v9");
  sb_generation_job_set_prediction_id (job, "pred-1");
  sb_generation_job_set_status (job, SB_JOB_DOWNLOADING);
  sb_generation_job_set_last_error (job, "Timed out, retrying");
  update_job (library, job, &error);
  g_assert_no_error (error);

  g_signal_connect (library, "media-added", G_CALLBACK (on_media_added), &log);
  before = g_get_real_time ();
  stored = complete_job (library, job, item, data, thumbnail, &error);
  g_assert_no_error (error);
  g_assert_true (SB_IS_MEDIA_ITEM (stored));
  id = sb_media_item_get_id (stored);

  /* ::media-added before the callback. */
  g_assert_cmpuint (log.n_added, ==, 1);
  g_assert_cmpint (log.last_added, ==, id);

  /* The item's provenance, completed from the job. */
  g_assert_cmpint (sb_media_item_get_origin (stored), ==, SB_MEDIA_ORIGIN_GENERATED);
  g_assert_cmpstr (sb_media_item_get_prompt (stored), ==, "a lighthouse");
  g_assert_cmpstr (sb_media_item_get_model (stored), ==, "black-forest-labs/flux");
  g_assert_cmpstr (sb_media_item_get_model_version (stored), ==, "v9");
  g_assert_cmpstr (sb_media_item_get_parameters (stored), ==, "{\"steps\":4}");
  g_assert_cmpint (sb_media_item_get_seed (stored), ==, 42);
  g_assert_cmpstr (sb_media_item_get_prediction_id (stored), ==, "pred-1");
  g_assert_cmpint (sb_media_item_get_brief_id (stored), ==, 7);
  g_assert_cmpint (sb_media_item_get_revision_id (stored), ==, 3);
  g_assert_cmpint (sb_media_item_get_scene_id (stored), ==, 11);
  g_assert_cmpint (sb_media_item_get_width (stored), ==, 1024);
  g_assert_cmpint (sb_media_item_get_byte_size (stored), ==, g_bytes_get_size (data));

  /* The job object and its row. */
  g_assert_cmpint (sb_generation_job_get_status (job), ==, SB_JOB_SUCCEEDED);
  g_assert_cmpint (sb_generation_job_get_media_id (job), ==, id);
  g_assert_cmpint (to_unix_usec (sb_generation_job_get_completed_at (job)), >=, before);
  g_assert_null (sb_generation_job_get_last_error (job));
  expected = g_strdup_printf ("succeeded|%" G_GINT64_FORMAT "|1|1", id);
  {
    g_autofree char *sql = g_strdup_printf ("SELECT status, media_id, last_error IS NULL, completed_at = %" G_GINT64_FORMAT
                                            " FROM generation_jobs WHERE id = %" G_GINT64_FORMAT,
                                            to_unix_usec (sb_generation_job_get_completed_at (job)),
                                            sb_generation_job_get_id (job));
    assert_query (sql, expected);
  }

  /* Bytes and thumbnail stored with the row. */
  {
    g_autofree char *sql = g_strdup_printf ("SELECT length (b.data), t.data FROM media_blobs b "
                                            "JOIN thumbnails t USING (media_id) WHERE media_id = %" G_GINT64_FORMAT, id);
    g_autofree char *expected_blob = g_strdup_printf ("%" G_GSIZE_FORMAT "|thumb", g_bytes_get_size (data));

    assert_query (sql, expected_blob);
  }

  /* The scene had no chosen media: now it is this one. */
  g_free (expected);
  expected = g_strdup_printf ("%" G_GINT64_FORMAT, id);
  assert_query ("SELECT chosen_media_id FROM scenes WHERE id = 11", expected);

  /* A second variant for the same scene leaves the choice alone. */
  add_job (library, second, &error);
  g_assert_no_error (error);
  stored2 = complete_job (library, second, item, data2, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (sb_media_item_get_id (stored2), !=, id);
  assert_query ("SELECT chosen_media_id FROM scenes WHERE id = 11", expected);

  /* So does a first variant for a scene that already has one. */
  add_job (library, third, &error);
  g_assert_no_error (error);
  stored3 = complete_job (library, third, item, data3, NULL, &error);
  g_assert_no_error (error);
  assert_query ("SELECT chosen_media_id FROM scenes WHERE id = 12", "50");
  g_assert_cmpuint (log.n_added, ==, 3);

  g_signal_handlers_disconnect_by_data (library, &log);
  close_library (library);
}

static void
test_complete_dedup (void)
{
  SbLibrary *library = open_seeded_library ();
  g_autoptr(SbGenerationJob) first = new_job (SB_MEDIA_KIND_IMAGE, "a/b", 0, 0, 0);
  g_autoptr(SbGenerationJob) second = new_job (SB_MEDIA_KIND_IMAGE, "a/b", 0, 0, 0);
  g_autoptr(SbMediaItem) item = new_media (SB_MEDIA_KIND_IMAGE, "same.png", "same", NULL, 0);
  g_autoptr(SbMediaItem) stored1 = NULL;
  g_autoptr(SbMediaItem) stored2 = NULL;
  g_autoptr(GBytes) data = unique_bytes ("identical output");
  g_autoptr(GError) error = NULL;
  g_autofree char *expected = NULL;
  g_autofree char *sql = NULL;
  SignalLog log = { 0 };

  add_job (library, first, &error);
  g_assert_no_error (error);
  add_job (library, second, &error);
  g_assert_no_error (error);

  g_signal_connect (library, "media-added", G_CALLBACK (on_media_added), &log);
  stored1 = complete_job (library, first, item, data, NULL, &error);
  g_assert_no_error (error);
  stored2 = complete_job (library, second, item, data, NULL, &error);
  g_assert_no_error (error);

  /* The same row, announced once; both jobs point at it. */
  g_assert_cmpint (sb_media_item_get_id (stored2), ==, sb_media_item_get_id (stored1));
  g_assert_cmpuint (log.n_added, ==, 1);
  g_assert_cmpint (sb_generation_job_get_media_id (second), ==, sb_media_item_get_id (stored1));
  g_assert_cmpint (sb_generation_job_get_status (second), ==, SB_JOB_SUCCEEDED);
  /* 50 is the seeded chosen image. */
  assert_query ("SELECT count(*) FROM media WHERE id != 50", "1");
  assert_query ("SELECT count(*) FROM media_blobs", "1");
  expected = g_strdup_printf ("succeeded|%" G_GINT64_FORMAT "\nsucceeded|%" G_GINT64_FORMAT,
                              sb_media_item_get_id (stored1), sb_media_item_get_id (stored1));
  assert_query ("SELECT status, media_id FROM generation_jobs ORDER BY id", expected);

  /* Bytes in the trash come back out of it, announced again. */
  trash_media (library, sb_media_item_get_id (stored1), &error);
  g_assert_no_error (error);
  g_clear_object (&stored2);
  g_clear_object (&second);
  second = new_job (SB_MEDIA_KIND_IMAGE, "a/b", 0, 0, 0);
  add_job (library, second, &error);
  g_assert_no_error (error);
  stored2 = complete_job (library, second, item, data, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (sb_media_item_get_id (stored2), ==, sb_media_item_get_id (stored1));
  g_assert_cmpuint (log.n_added, ==, 2);
  sql = g_strdup_printf ("SELECT trashed_at IS NULL FROM media WHERE id = %" G_GINT64_FORMAT,
                         sb_media_item_get_id (stored1));
  assert_query (sql, "1");

  g_signal_handlers_disconnect_by_data (library, &log);
  close_library (library);
}

static void
test_complete_missing_job (void)
{
  SbLibrary *library = open_seeded_library ();
  g_autoptr(SbGenerationJob) job = new_job (SB_MEDIA_KIND_IMAGE, "a/b", 7, 3, 11);
  g_autoptr(SbMediaItem) item = new_media (SB_MEDIA_KIND_IMAGE, "lost.png", "lost", NULL, 0);
  g_autoptr(SbMediaItem) stored = NULL;
  g_autoptr(GBytes) data = unique_bytes ("orphan output");
  g_autoptr(GError) error = NULL;
  SignalLog log = { 0 };

  /* A job that is not in the library: nothing of the transaction stays. */
  sb_generation_job_set_id (job, 999);
  g_signal_connect (library, "media-added", G_CALLBACK (on_media_added), &log);
  stored = complete_job (library, job, item, data, NULL, &error);
  g_assert_error (error, SB_LIBRARY_ERROR, SB_LIBRARY_ERROR_NOT_FOUND);
  g_assert_null (stored);
  g_assert_cmpuint (log.n_added, ==, 0);
  g_assert_cmpint (sb_generation_job_get_status (job), ==, SB_JOB_QUEUED);

  assert_query ("SELECT count(*) FROM media", "1");
  assert_query ("SELECT count(*) FROM media_blobs", "0");
  assert_query ("SELECT chosen_media_id IS NULL FROM scenes WHERE id = 11", "1");

  g_signal_handlers_disconnect_by_data (library, &log);
  close_library (library);
}

static void
test_complete_deleted_scene (void)
{
  SbLibrary *library = open_seeded_library ();
  g_autoptr(SbGenerationJob) job = new_job (SB_MEDIA_KIND_IMAGE, "a/b", 7, 4, 13);
  g_autoptr(SbMediaItem) item = new_media (SB_MEDIA_KIND_IMAGE, "late.png", "late", NULL, 0);
  g_autoptr(SbMediaItem) stored = NULL;
  g_autoptr(GBytes) data = unique_bytes ("late output");
  g_autoptr(GError) error = NULL;
  g_autofree char *path = default_path ();

  add_job (library, job, &error);
  g_assert_no_error (error);
  close_library (library);

  /* The revision was deleted while the prediction ran. */
  sb_library_test_exec (path, "PRAGMA foreign_keys = ON; DELETE FROM brief_revisions WHERE id = 4", &error);
  g_assert_no_error (error);

  library = open_default_library ();
  stored = complete_job (library, job, item, data, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (sb_media_item_get_brief_id (stored), ==, 7);
  g_assert_cmpint (sb_media_item_get_revision_id (stored), ==, 0);
  g_assert_cmpint (sb_media_item_get_scene_id (stored), ==, 0);
  close_library (library);
}

static void
test_unfinished_excludes_terminal (void)
{
  SbLibrary *library = open_seeded_library ();
  g_autoptr(GPtrArray) jobs = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GListModel) unfinished = NULL;
  /* Created in reverse status order, so "oldest first" is not status order. */
  static const SbJobStatus expected[] = { SB_JOB_DOWNLOADING, SB_JOB_RUNNING, SB_JOB_STARTING, SB_JOB_QUEUED };

  for (int status = SB_JOB_INTERRUPTED; status >= SB_JOB_QUEUED; status--)
    g_ptr_array_add (jobs, add_new_job (library, status, 0));

  unfinished = list_unfinished (library);
  g_assert_cmpuint (g_list_model_get_n_items (unfinished), ==, G_N_ELEMENTS (expected));

  for (guint i = 0; i < G_N_ELEMENTS (expected); i++)
    {
      g_autoptr(SbGenerationJob) job = g_list_model_get_item (unfinished, i);
      /* jobs[k] has status INTERRUPTED - k. */
      SbGenerationJob *original = g_ptr_array_index (jobs, SB_JOB_INTERRUPTED - expected[i]);

      g_assert_cmpint (sb_generation_job_get_status (job), ==, expected[i]);
      g_assert_cmpint (sb_generation_job_get_id (job), ==, sb_generation_job_get_id (original));
    }

  close_library (library);
}

static void
test_jobs_for_revision (void)
{
  SbLibrary *library = open_seeded_library ();
  g_autoptr(SbGenerationJob) a = add_new_job (library, SB_JOB_SUCCEEDED, 3);
  g_autoptr(SbGenerationJob) b = add_new_job (library, SB_JOB_QUEUED, 4);
  g_autoptr(SbGenerationJob) c = add_new_job (library, SB_JOB_FAILED, 3);
  g_autoptr(SbGenerationJob) d = add_new_job (library, SB_JOB_RUNNING, 3);
  g_autoptr(GListModel) of_3 = list_for_revision (library, 3);
  g_autoptr(GListModel) of_4 = list_for_revision (library, 4);
  g_autoptr(GListModel) of_99 = list_for_revision (library, 99);
  gint64 expected_3[] = { sb_generation_job_get_id (a), sb_generation_job_get_id (c), sb_generation_job_get_id (d) };

  g_assert_cmpuint (g_list_model_get_n_items (of_3), ==, 3);
  for (guint i = 0; i < 3; i++)
    {
      g_autoptr(SbGenerationJob) job = g_list_model_get_item (of_3, i);

      g_assert_cmpint (sb_generation_job_get_id (job), ==, expected_3[i]);
      g_assert_cmpint (sb_generation_job_get_revision_id (job), ==, 3);
    }

  g_assert_cmpuint (g_list_model_get_n_items (of_4), ==, 1);
  {
    g_autoptr(SbGenerationJob) job = g_list_model_get_item (of_4, 0);

    g_assert_cmpint (sb_generation_job_get_id (job), ==, sb_generation_job_get_id (b));
  }
  g_assert_cmpuint (g_list_model_get_n_items (of_99), ==, 0);

  close_library (library);
}

static void
test_set_scene_media (void)
{
  SbLibrary *library = open_seeded_library ();
  g_autoptr(GError) error = NULL;
  gint64 id = add_new (library, SB_MEDIA_KIND_IMAGE, "pick.png", "pick", NULL, 0);
  g_autofree char *expected = g_strdup_printf ("%" G_GINT64_FORMAT, id);

  g_assert_true (set_scene_media (library, 12, id, &error));
  g_assert_no_error (error);
  assert_query ("SELECT chosen_media_id FROM scenes WHERE id = 12", expected);

  g_assert_false (set_scene_media (library, 99, id, &error));
  g_assert_error (error, SB_LIBRARY_ERROR, SB_LIBRARY_ERROR_NOT_FOUND);
  g_clear_error (&error);

  g_assert_false (set_scene_media (library, 12, 12345, &error));
  g_assert_error (error, SB_LIBRARY_ERROR, SB_LIBRARY_ERROR_NOT_FOUND);
  g_clear_error (&error);
  assert_query ("SELECT chosen_media_id FROM scenes WHERE id = 12", expected);

  /* 0 clears the choice. */
  g_assert_true (set_scene_media (library, 12, 0, &error));
  g_assert_no_error (error);
  assert_query ("SELECT chosen_media_id IS NULL FROM scenes WHERE id = 12", "1");

  close_library (library);
}

static void
test_cache (void)
{
  SbLibrary *library = open_seeded_library ();
  g_autoptr(GDateTime) fetched_at = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *json = NULL;
  gint64 before = g_get_real_time ();

  json = cache_get (library, "replicate/collections/text-to-image", &fetched_at, &error);
  g_assert_error (error, SB_LIBRARY_ERROR, SB_LIBRARY_ERROR_NOT_FOUND);
  g_assert_null (json);
  g_assert_null (fetched_at);
  g_clear_error (&error);

  g_assert_true (cache_put (library, "replicate/collections/text-to-image", "{\"models\":[1]}", &error));
  g_assert_no_error (error);
  json = cache_get (library, "replicate/collections/text-to-image", &fetched_at, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (json, ==, "{\"models\":[1]}");
  g_assert_cmpint (to_unix_usec (fetched_at), >=, before);
  g_assert_cmpint (to_unix_usec (fetched_at), <=, g_get_real_time ());

  /* Overwrite. */
  g_clear_pointer (&json, g_free);
  g_clear_pointer (&fetched_at, g_date_time_unref);
  g_assert_true (cache_put (library, "replicate/collections/text-to-image", "{\"models\":[2]}", &error));
  g_assert_no_error (error);
  json = cache_get (library, "replicate/collections/text-to-image", NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (json, ==, "{\"models\":[2]}");
  assert_query ("SELECT count(*) FROM cache", "1");

  /* Not JSON: refused by the table, the old value stays. */
  g_assert_false (cache_put (library, "replicate/collections/text-to-image", "{oops", &error));
  g_assert_error (error, SB_LIBRARY_ERROR, SB_LIBRARY_ERROR_FAILED);
  g_clear_error (&error);
  g_clear_pointer (&json, g_free);
  json = cache_get (library, "replicate/collections/text-to-image", NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (json, ==, "{\"models\":[2]}");

  close_library (library);
}

static void
test_build_match (void)
{
  static const struct {
    const char *search;
    const char *match;
  } cases[] = {
    { "sunrise", "\"sunrise\"*" },
    { "  red   car ", "\"red\" \"car\"*" },
    { "say \"hi\"", "\"say\" \"\"\"hi\"\"\"*" },
    { "NOT OR AND", "\"NOT\" \"OR\" \"AND\"*" },
    { "sunrise.png", "\"sunrise.png\"*" },
    { "café ...", "\"café\"*" },
    { "", NULL },
    { "   ", NULL },
    { "... \"\" * - ()", NULL },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *match = sb_media_filter_build_match (cases[i].search);

      g_assert_cmpstr (match, ==, cases[i].match);
    }
}

typedef struct
{
  gint64 lighthouse;   /* image, brief 7, "a red lighthouse at dawn", flux */
  gint64 harbour;      /* video, brief 7, "a foggy harbour", wan */
  gint64 market;       /* image, no brief, "night market", sdxl; favourite */
} Fixture;

static void
add_fixture (SbLibrary *library,
             Fixture   *fixture)
{
  g_autoptr(GError) error = NULL;

  fixture->lighthouse = add_new (library, SB_MEDIA_KIND_IMAGE, "lighthouse.png",
                                 "a red lighthouse at dawn", "black-forest-labs/flux", 7);
  fixture->harbour = add_new (library, SB_MEDIA_KIND_VIDEO, "harbour.mp4",
                              "a foggy harbour", "wan-video/wan", 7);
  fixture->market = add_new (library, SB_MEDIA_KIND_IMAGE, "market.png",
                             "night market \"stalls\"", "stability/sdxl", 0);
  set_favourite (library, fixture->market, TRUE, &error);
  g_assert_no_error (error);
}

static void
test_filter_kind_brief_favourites (void)
{
  SbLibrary *library = open_seeded_library ();
  Fixture f;
  g_autoptr(SbMediaList) all = NULL;
  g_autoptr(SbMediaList) images = NULL;
  g_autoptr(SbMediaList) videos = NULL;
  g_autoptr(SbMediaList) brief = NULL;
  g_autoptr(SbMediaList) brief_images = NULL;
  g_autoptr(SbMediaList) favourites = NULL;
  g_autoptr(SbMediaList) other_brief = NULL;
  g_autoptr(GError) error = NULL;

  add_fixture (library, &f);
  /* The seeded image 50 (no brief, not favourite) is in the unfiltered list. */
  all = list_filtered (library, SB_MEDIA_KIND_ANY, 0, FALSE, NULL);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (all)), ==, 4);

  images = list_filtered (library, SB_MEDIA_KIND_IMAGE, 0, FALSE, NULL);
  assert_ids (images, f.market, f.lighthouse, 50);
  videos = list_filtered (library, SB_MEDIA_KIND_VIDEO, 0, FALSE, NULL);
  assert_ids (videos, f.harbour, 0, 0);
  brief = list_filtered (library, SB_MEDIA_KIND_ANY, 7, FALSE, NULL);
  assert_ids (brief, f.harbour, f.lighthouse, 0);
  brief_images = list_filtered (library, SB_MEDIA_KIND_IMAGE, 7, FALSE, NULL);
  assert_ids (brief_images, f.lighthouse, 0, 0);
  favourites = list_filtered (library, SB_MEDIA_KIND_ANY, 0, TRUE, NULL);
  assert_ids (favourites, f.market, 0, 0);
  other_brief = list_filtered (library, SB_MEDIA_KIND_ANY, 8, FALSE, NULL);
  assert_list (other_brief, "");

  /* Trashed media is in no list. */
  trash_media (library, f.lighthouse, &error);
  g_assert_no_error (error);
  g_clear_object (&brief);
  brief = list_filtered (library, SB_MEDIA_KIND_ANY, 7, FALSE, NULL);
  assert_ids (brief, f.harbour, 0, 0);
  assert_ids (images, f.market, 50, 0);

  /* Lists hold the library. */
  g_clear_object (&all);
  g_clear_object (&images);
  g_clear_object (&videos);
  g_clear_object (&brief);
  g_clear_object (&brief_images);
  g_clear_object (&favourites);
  g_clear_object (&other_brief);
  close_library (library);
}

static void
test_filter_search (void)
{
  SbLibrary *library = open_seeded_library ();
  Fixture f;
  g_autoptr(GError) error = NULL;
  g_autofree char *path = default_path ();
  static const char * const nothing[] = {
    "...", "\"", "*", "-", "( )", "\"\" * ^ :", " . ",
  };

  add_fixture (library, &f);

  {
    g_autoptr(SbMediaList) list = list_filtered (library, SB_MEDIA_KIND_ANY, 0, FALSE, "lighthouse");
    assert_ids (list, f.lighthouse, 0, 0);
  }
  {
    /* Prefix matching on the last word only. */
    g_autoptr(SbMediaList) prefix = list_filtered (library, SB_MEDIA_KIND_ANY, 0, FALSE, "light");
    g_autoptr(SbMediaList) not_prefix = list_filtered (library, SB_MEDIA_KIND_ANY, 0, FALSE, "light red");
    g_autoptr(SbMediaList) both = list_filtered (library, SB_MEDIA_KIND_ANY, 0, FALSE, "red ligh");

    assert_ids (prefix, f.lighthouse, 0, 0);
    assert_list (not_prefix, "");
    assert_ids (both, f.lighthouse, 0, 0);
  }
  {
    /* Every word must match, in any of prompt, model and file name. */
    g_autoptr(SbMediaList) model = list_filtered (library, SB_MEDIA_KIND_ANY, 0, FALSE, "flux");
    g_autoptr(SbMediaList) filename = list_filtered (library, SB_MEDIA_KIND_ANY, 0, FALSE, "harbour.mp4");
    g_autoptr(SbMediaList) a = list_filtered (library, SB_MEDIA_KIND_ANY, 0, FALSE, "A");
    g_autoptr(SbMediaList) none = list_filtered (library, SB_MEDIA_KIND_ANY, 0, FALSE, "red harbour");

    assert_ids (model, f.lighthouse, 0, 0);
    assert_ids (filename, f.harbour, 0, 0);
    assert_ids (a, f.harbour, f.lighthouse, 0);
    assert_list (none, "");
  }
  {
    /* Quotes and FTS5 syntax in the text are just text. */
    g_autoptr(SbMediaList) quoted = list_filtered (library, SB_MEDIA_KIND_ANY, 0, FALSE, "\"stalls\"");
    g_autoptr(SbMediaList) syntax = list_filtered (library, SB_MEDIA_KIND_ANY, 0, FALSE, "market NOT");
    g_autoptr(SbMediaList) column = list_filtered (library, SB_MEDIA_KIND_ANY, 0, FALSE, "prompt:night");

    assert_ids (quoted, f.market, 0, 0);
    assert_list (syntax, "");
    assert_list (column, "");
  }
  {
    /* Search combined with the other filters. */
    g_autoptr(SbMediaList) videos = list_filtered (library, SB_MEDIA_KIND_VIDEO, 0, FALSE, "a");
    g_autoptr(SbMediaList) favourites = list_filtered (library, SB_MEDIA_KIND_ANY, 0, TRUE, "night");
    g_autoptr(SbMediaList) favourites_none = list_filtered (library, SB_MEDIA_KIND_ANY, 0, TRUE, "red");
    g_autoptr(SbMediaList) brief = list_filtered (library, SB_MEDIA_KIND_ANY, 7, FALSE, "market");

    assert_ids (videos, f.harbour, 0, 0);
    assert_ids (favourites, f.market, 0, 0);
    assert_list (favourites_none, "");
    assert_list (brief, "");
  }

  /* Only punctuation: an empty list, never an SQL error. */
  for (guint i = 0; i < G_N_ELEMENTS (nothing); i++)
    {
      g_autoptr(SbMediaList) list = list_filtered (library, SB_MEDIA_KIND_ANY, 0, FALSE, nothing[i]);

      assert_list (list, "");
    }

  /* An empty or blank search is no search. */
  {
    g_autoptr(SbMediaList) empty = list_filtered (library, SB_MEDIA_KIND_ANY, 0, FALSE, "");
    g_autoptr(SbMediaList) blank = list_filtered (library, SB_MEDIA_KIND_ANY, 0, FALSE, " \t ");

    g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (empty)), ==, 4);
    g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (blank)), ==, 4);
  }

  /* The index follows deletions (the purge goes through the trigger). */
  trash_media (library, f.lighthouse, &error);
  g_assert_no_error (error);
  purge_trash (library, &error);
  g_assert_no_error (error);
  {
    g_autoptr(SbMediaList) list = list_filtered (library, SB_MEDIA_KIND_ANY, 0, FALSE, "lighthouse");

    assert_list (list, "");
  }
  close_library (library);

  assert_query ("SELECT count(*) FROM media_fts WHERE media_fts MATCH 'lighthouse'", "0");
  sb_library_test_exec (path, "INSERT INTO media_fts (media_fts, rank) VALUES ('integrity-check', 1)", &error);
  g_assert_no_error (error);
}

static void
test_filter_live (void)
{
  SbLibrary *library = open_seeded_library ();
  g_autoptr(SbMediaList) images = list_filtered (library, SB_MEDIA_KIND_IMAGE, 0, FALSE, NULL);
  g_autoptr(SbMediaList) brief = list_filtered (library, SB_MEDIA_KIND_ANY, 7, FALSE, NULL);
  g_autoptr(SbMediaList) search = list_filtered (library, SB_MEDIA_KIND_ANY, 0, FALSE, "light");
  g_autoptr(SbMediaList) punctuation = list_filtered (library, SB_MEDIA_KIND_ANY, 0, FALSE, "...");
  g_autoptr(SbMediaList) favourites = list_filtered (library, SB_MEDIA_KIND_ANY, 0, TRUE, NULL);
  g_autoptr(SbMediaItem) pending = NULL;
  g_autoptr(SbMediaItem) pending_added = NULL;
  g_autoptr(GBytes) pending_data = unique_bytes ("lightning.png");
  g_autoptr(GAsyncResult) add_result = NULL;
  g_autoptr(GAsyncResult) trash_result = NULL;
  g_autoptr(GError) error = NULL;
  gint64 lighthouse, harbour, market;

  assert_ids (images, 50, 0, 0);

  lighthouse = add_new (library, SB_MEDIA_KIND_IMAGE, "lighthouse.png", "a red lighthouse", "flux", 7);
  harbour = add_new (library, SB_MEDIA_KIND_VIDEO, "harbour.mp4", "a foggy harbour", "wan", 7);
  market = add_new (library, SB_MEDIA_KIND_IMAGE, "market.png", "night market", "sdxl", 0);

  /* Kind and brief are decided at once, from the item. */
  assert_ids (images, market, lighthouse, 50);
  assert_ids (brief, harbour, lighthouse, 0);
  /* New media is not a favourite. */
  assert_list (favourites, "");
  assert_list (punctuation, "");

  /* The search is checked on the worker; a flush lets the answers in. */
  flush (library);
  assert_ids (search, lighthouse, 0, 0);

  /* A new match trashed at once: whatever the order of the check's answer
   * and ::media-removed, it does not stay. */
  pending = new_media (SB_MEDIA_KIND_IMAGE, "lightning.png", "lightning", NULL, 0);
  sb_library_add_media_async (library, pending, pending_data, NULL, NULL, sb_test_store_result_cb, &add_result);
  pending_added = sb_library_add_media_finish (library, sb_test_run_until (&add_result), NULL, &error);
  g_assert_no_error (error);
  sb_library_trash_media_async (library, sb_media_item_get_id (pending_added), NULL, sb_test_store_result_cb, &trash_result);
  sb_library_trash_media_finish (library, sb_test_run_until (&trash_result), &error);
  g_assert_no_error (error);
  flush (library);
  assert_ids (search, lighthouse, 0, 0);

  /* Restored and trashed again without waiting: not there either; restored
   * for good: there, once. */
  sb_library_restore_media_async (library, sb_media_item_get_id (pending_added), NULL, NULL, NULL);
  sb_library_trash_media_async (library, sb_media_item_get_id (pending_added), NULL, NULL, NULL);
  flush (library);
  assert_ids (search, lighthouse, 0, 0);
  sb_library_restore_media_async (library, sb_media_item_get_id (pending_added), NULL, NULL, NULL);
  sb_library_restore_media_async (library, sb_media_item_get_id (pending_added), NULL, NULL, NULL);
  flush (library);
  assert_ids (search, sb_media_item_get_id (pending_added), lighthouse, 0);
  /* The new item is not a search match for the other lists' filters. */
  assert_ids (brief, harbour, lighthouse, 0);

  g_clear_object (&images);
  g_clear_object (&brief);
  g_clear_object (&search);
  g_clear_object (&punctuation);
  g_clear_object (&favourites);
  /* Finished tasks hold their source object too. */
  g_clear_object (&add_result);
  g_clear_object (&trash_result);
  close_library (library);
}

static void
test_favourite (void)
{
  SbLibrary *library = open_seeded_library ();
  g_autoptr(SbMediaList) all = NULL;
  g_autoptr(SbMediaList) favourites = NULL;
  g_autoptr(SbMediaList) search_favourites = NULL;
  g_autoptr(SbMediaItem) held = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *path = default_path ();
  g_autofree char *sql = NULL;
  SignalLog log = { 0 };
  gint64 id, other;

  id = add_new (library, SB_MEDIA_KIND_IMAGE, "lighthouse.png", "a red lighthouse", "flux", 7);
  other = add_new (library, SB_MEDIA_KIND_IMAGE, "market.png", "night market", "sdxl", 0);

  all = list_filtered (library, SB_MEDIA_KIND_ANY, 0, FALSE, NULL);
  favourites = list_filtered (library, SB_MEDIA_KIND_ANY, 0, TRUE, NULL);
  search_favourites = list_filtered (library, SB_MEDIA_KIND_ANY, 0, TRUE, "lighthouse");
  assert_list (favourites, "");

  /* The item a view holds, loaded from the list. */
  held = g_list_model_get_item (G_LIST_MODEL (all), sb_media_list_find (all, id));
  while (!sb_media_item_get_loaded (held))
    g_main_context_iteration (NULL, TRUE);
  g_assert_false (sb_media_item_get_favourite (held));

  g_signal_connect (library, "media-changed", G_CALLBACK (on_media_changed), &log);

  g_assert_true (set_favourite (library, id, TRUE, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (log.n_changed, ==, 1);
  /* The list's item was refreshed in place... */
  g_assert_true (sb_media_item_get_favourite (held));
  /* ...it is still in the unfiltered list, and now among the favourites. */
  assert_ids (all, other, id, 50);
  assert_ids (favourites, id, 0, 0);
  flush (library);
  assert_ids (search_favourites, id, 0, 0);
  sql = g_strdup_printf ("SELECT favourite FROM media WHERE id = %" G_GINT64_FORMAT, id);
  assert_query (sql, "1");

  /* The same value again: nothing to say. */
  g_assert_true (set_favourite (library, id, TRUE, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (log.n_changed, ==, 1);

  g_assert_true (set_favourite (library, other, TRUE, &error));
  g_assert_no_error (error);
  flush (library);
  assert_ids (favourites, other, id, 0);
  assert_ids (search_favourites, id, 0, 0);

  /* Unfavourited: out of the favourites lists, refreshed elsewhere. */
  g_assert_true (set_favourite (library, id, FALSE, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (log.n_changed, ==, 3);
  g_assert_false (sb_media_item_get_favourite (held));
  assert_ids (favourites, other, 0, 0);
  assert_list (search_favourites, "");
  assert_ids (all, other, id, 50);
  assert_query (sql, "0");

  g_assert_false (set_favourite (library, 12345, TRUE, &error));
  g_assert_error (error, SB_LIBRARY_ERROR, SB_LIBRARY_ERROR_NOT_FOUND);
  g_assert_cmpuint (log.n_changed, ==, 3);

  g_signal_handlers_disconnect_by_data (library, &log);
  g_clear_object (&held);
  g_clear_object (&all);
  g_clear_object (&favourites);
  g_clear_object (&search_favourites);
  close_library (library);
}

/* Failed jobs and dismissing them */

static char *
ids_of (SbGenerationJob *a,
        SbGenerationJob *b,
        SbGenerationJob *c)
{
  SbGenerationJob *jobs[] = { a, b, c };
  GString *ids = g_string_new (NULL);

  for (guint i = 0; i < G_N_ELEMENTS (jobs) && jobs[i] != NULL; i++)
    g_string_append_printf (ids, "%s%" G_GINT64_FORMAT, i ? "," : "", sb_generation_job_get_id (jobs[i]));
  return g_string_free (ids, FALSE);
}

/* Only the asked kind's jobs that ended without output and were not
 * dismissed; newest first; the dismissed property read back everywhere. */
static void
test_failed_jobs (void)
{
  SbLibrary *library = open_seeded_library ();
  g_autoptr(GPtrArray) videos = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(SbGenerationJob) image = NULL;
  g_autoptr(SbGenerationJob) retried = NULL;
  g_autoptr(GListModel) failed = NULL;
  g_autoptr(GListModel) of_3 = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *expected = NULL;
  g_autofree char *dismissed_at = NULL;
  g_autofree char *sql = NULL;
  SbGenerationJob *job_failed, *job_expired, *job_interrupted;

  /* One video job in every status, oldest first, each with its error. */
  for (int status = SB_JOB_QUEUED; status <= SB_JOB_INTERRUPTED; status++)
    {
      SbGenerationJob *job = new_job (SB_MEDIA_KIND_VIDEO, "wan/i2v", 7, 3, 11);
      g_autofree char *message = g_strdup_printf ("ended %s", sb_job_status_to_string (status));

      sb_generation_job_set_status (job, status);
      sb_generation_job_set_last_error (job, message);
      g_assert_true (add_job (library, job, &error));
      g_assert_no_error (error);
      g_ptr_array_add (videos, job);
    }
  job_failed = g_ptr_array_index (videos, SB_JOB_FAILED);
  job_expired = g_ptr_array_index (videos, SB_JOB_EXPIRED);
  job_interrupted = g_ptr_array_index (videos, SB_JOB_INTERRUPTED);

  /* A failed image, and a failed video that was retried (dismissed). */
  image = new_job (SB_MEDIA_KIND_IMAGE, "flux", 7, 3, 11);
  sb_generation_job_set_status (image, SB_JOB_FAILED);
  g_assert_true (add_job (library, image, &error));
  g_assert_no_error (error);
  retried = new_job (SB_MEDIA_KIND_VIDEO, "wan/i2v", 7, 3, 12);
  sb_generation_job_set_status (retried, SB_JOB_FAILED);
  g_assert_true (add_job (library, retried, &error));
  g_assert_no_error (error);
  g_assert_true (dismiss_job (library, sb_generation_job_get_id (retried), &error));
  g_assert_no_error (error);

  /* Interrupted, expired, failed: newest first. */
  failed = list_failed (library, SB_MEDIA_KIND_VIDEO, 100);
  g_assert_cmpuint (g_list_model_get_n_items (failed), ==, 3);
  for (guint i = 0; i < 3; i++)
    {
      g_autoptr(SbGenerationJob) job = g_list_model_get_item (failed, i);
      static const SbJobStatus statuses[] = { SB_JOB_INTERRUPTED, SB_JOB_EXPIRED, SB_JOB_FAILED };
      SbJobStatus status = statuses[i];
      SbGenerationJob *original = g_ptr_array_index (videos, status);
      g_autofree char *message = g_strdup_printf ("ended %s", sb_job_status_to_string (status));

      g_assert_true (job != original);
      g_assert_cmpint (sb_generation_job_get_id (job), ==, sb_generation_job_get_id (original));
      g_assert_cmpint (sb_generation_job_get_status (job), ==, status);
      g_assert_cmpint (sb_generation_job_get_kind (job), ==, SB_MEDIA_KIND_VIDEO);
      g_assert_cmpstr (sb_generation_job_get_last_error (job), ==, message);
      g_assert_cmpstr (sb_generation_job_get_model (job), ==, "wan/i2v");
      g_assert_cmpint (sb_generation_job_get_scene_id (job), ==, 11);
      g_assert_false (sb_generation_job_get_dismissed (job));
    }
  expected = ids_of (job_interrupted, job_expired, job_failed);
  assert_failed (library, SB_MEDIA_KIND_VIDEO, 100, expected);
  g_clear_pointer (&expected, g_free);

  /* The limit keeps the newest. */
  expected = ids_of (job_interrupted, job_expired, NULL);
  assert_failed (library, SB_MEDIA_KIND_VIDEO, 2, expected);
  g_clear_pointer (&expected, g_free);
  expected = ids_of (job_interrupted, NULL, NULL);
  assert_failed (library, SB_MEDIA_KIND_VIDEO, 1, expected);
  g_clear_pointer (&expected, g_free);

  /* Images are asked for on their own. */
  expected = ids_of (image, NULL, NULL);
  assert_failed (library, SB_MEDIA_KIND_IMAGE, 100, expected);
  g_clear_pointer (&expected, g_free);

  /* Dismissing takes one off the list, stamps it once (a second call
   * changes nothing) and is read back by the other lists. */
  g_assert_true (dismiss_job (library, sb_generation_job_get_id (job_expired), &error));
  g_assert_no_error (error);
  expected = ids_of (job_interrupted, job_failed, NULL);
  assert_failed (library, SB_MEDIA_KIND_VIDEO, 100, expected);
  g_clear_pointer (&expected, g_free);

  sql = g_strdup_printf ("SELECT dismissed_at FROM generation_jobs WHERE id = %" G_GINT64_FORMAT,
                         sb_generation_job_get_id (job_expired));
  dismissed_at = query (sql);
  g_assert_cmpint (g_ascii_strtoll (dismissed_at, NULL, 10), >, 0);
  g_assert_true (dismiss_job (library, sb_generation_job_get_id (job_expired), &error));
  g_assert_no_error (error);
  assert_query (sql, dismissed_at);

  of_3 = list_for_revision (library, 3);
  g_assert_cmpuint (g_list_model_get_n_items (of_3), ==, videos->len + 2);
  for (guint i = 0; i < g_list_model_get_n_items (of_3); i++)
    {
      g_autoptr(SbGenerationJob) job = g_list_model_get_item (of_3, i);
      gint64 id = sb_generation_job_get_id (job);

      g_assert_cmpint (sb_generation_job_get_dismissed (job), ==,
                       id == sb_generation_job_get_id (job_expired) || id == sb_generation_job_get_id (retried));
    }

  /* An update of the job (its status, error...) keeps it dismissed. */
  sb_generation_job_set_last_error (job_expired, "still expired");
  g_assert_true (update_job (library, job_expired, &error));
  g_assert_no_error (error);
  assert_query (sql, dismissed_at);

  /* Stored: the same after a restart. */
  close_library (library);
  library = open_default_library ();
  expected = ids_of (job_interrupted, job_failed, NULL);
  assert_failed (library, SB_MEDIA_KIND_VIDEO, 100, expected);
  g_clear_pointer (&expected, g_free);
  expected = ids_of (image, NULL, NULL);
  assert_failed (library, SB_MEDIA_KIND_IMAGE, 100, expected);

  close_library (library);
}

/* Newest by created-at (not by id), ties broken by the higher id; the
 * stored spelling "cancelled" is a canceled job, not a failure. */
static void
test_failed_jobs_order (void)
{
  g_autofree char *path = default_path ();
  g_autoptr(GError) error = NULL;
  SbLibrary *library;

  library = open_seeded_library ();
  close_library (library);
  sb_library_test_exec (path,
                        "INSERT INTO generation_jobs (id, kind, provider, input, status, created_at, updated_at)"
                        "  VALUES (21, 'video', 'replicate', '{}', 'failed', 3000, 3000),"
                        "         (22, 'video', 'replicate', '{}', 'expired', 1000, 1000),"
                        "         (23, 'video', 'replicate', '{}', 'interrupted', 2000, 2000),"
                        "         (24, 'video', 'replicate', '{}', 'failed', 2000, 2000),"
                        "         (25, 'video', 'replicate', '{}', 'cancelled', 4000, 4000),"
                        "         (26, 'video', 'replicate', '{}', 'failed', 5000, 5000);"
                        "UPDATE generation_jobs SET dismissed_at = 6000 WHERE id = 26;",
                        &error);
  g_assert_no_error (error);

  library = open_default_library ();
  assert_failed (library, SB_MEDIA_KIND_VIDEO, 10, "21,24,23,22");
  assert_failed (library, SB_MEDIA_KIND_VIDEO, 3, "21,24,23");
  assert_failed (library, SB_MEDIA_KIND_IMAGE, 10, "");

  /* Dismissing a job that does not exist changes nothing. */
  dismiss_job (library, 999, NULL);
  assert_failed (library, SB_MEDIA_KIND_VIDEO, 10, "21,24,23,22");
  close_library (library);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/sb/library/jobs/status-strings", test_status_strings);
  g_test_add_func ("/sb/library/jobs/job-object", test_job_object);
  g_test_add_func ("/sb/library/jobs/add-update-round-trip", test_add_update_round_trip);
  g_test_add_func ("/sb/library/jobs/update-missing", test_update_missing);
  g_test_add_func ("/sb/library/jobs/complete", test_complete);
  g_test_add_func ("/sb/library/jobs/complete-dedup", test_complete_dedup);
  g_test_add_func ("/sb/library/jobs/complete-missing-job", test_complete_missing_job);
  g_test_add_func ("/sb/library/jobs/complete-deleted-scene", test_complete_deleted_scene);
  g_test_add_func ("/sb/library/jobs/unfinished-excludes-terminal", test_unfinished_excludes_terminal);
  g_test_add_func ("/sb/library/jobs/for-revision", test_jobs_for_revision);
  g_test_add_func ("/sb/library/jobs/failed", test_failed_jobs);
  g_test_add_func ("/sb/library/jobs/failed-order", test_failed_jobs_order);
  g_test_add_func ("/sb/library/jobs/set-scene-media", test_set_scene_media);
  g_test_add_func ("/sb/library/jobs/cache", test_cache);
  g_test_add_func ("/sb/library/jobs/filter/build-match", test_build_match);
  g_test_add_func ("/sb/library/jobs/filter/kind-brief-favourites", test_filter_kind_brief_favourites);
  g_test_add_func ("/sb/library/jobs/filter/search", test_filter_search);
  g_test_add_func ("/sb/library/jobs/filter/live", test_filter_live);
  g_test_add_func ("/sb/library/jobs/favourite", test_favourite);

  return g_test_run ();
}
