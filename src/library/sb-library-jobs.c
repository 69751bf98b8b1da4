/* sb-library-jobs.c
 *
 * Copyright 2026 The Storyboard authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "sb-library"

#include "config.h"

#include <glib/gi18n.h>

#include "sb-library-jobs.h"
#include "sb-library-private.h"
#include "sb-library-worker.h"

/* Generation jobs, the cache table, filtered media lists and favourites.
 * Everything runs as jobs on the library's worker (sb-library-worker.h);
 * objects are snapshotted into plain structs on the calling thread and
 * built from them again in done(), on the library's main context. */

#define JOB_COLUMNS \
  "id, batch_id, kind, provider, model, model_version, input, brief_id, revision_id, " \
  "scene_id, source_media_id, prediction_id, status, attempts, last_error, created_at, " \
  "started_at, completed_at, media_id, dismissed_at IS NOT NULL"

/* Helpers */

/* g_date_time_to_unix_usec() and g_date_time_new_from_unix_utc_usec() need
 * GLib 2.80. */
static gint64
date_time_to_usec (GDateTime *date_time)
{
  if (date_time == NULL)
    return 0;

  return g_date_time_to_unix (date_time) * G_USEC_PER_SEC + g_date_time_get_microsecond (date_time);
}

static GDateTime *
date_time_from_usec (gint64 usec)
{
  g_autoptr(GDateTime) seconds = NULL;

  if (usec == 0)
    return NULL;

  seconds = g_date_time_new_from_unix_utc (usec / G_USEC_PER_SEC);

  return g_date_time_add (seconds, usec % G_USEC_PER_SEC);
}

static gint64 *
dup_id (gint64 id)
{
  return g_memdup2 (&id, sizeof id);
}

static void
set_not_found_error (GError     **error,
                     const char  *message)
{
  g_set_error_literal (error, SB_LIBRARY_ERROR, SB_LIBRARY_ERROR_NOT_FOUND, message);
}

static gboolean
step_row (SbLibrary     *self,
          sqlite3_stmt  *stmt,
          gboolean      *out_found,
          GError       **error)
{
  int rc = sqlite3_step (stmt);

  *out_found = rc == SQLITE_ROW;

  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    {
      sqlite3_reset (stmt);
      return sb_db_set_error (error, sb_library_get_db (self), rc);
    }

  return TRUE;
}

/* Job rows: plain copies of SbGenerationJob for the worker */

typedef struct
{
  gint64       id;
  char        *batch_id;
  SbMediaKind  kind;
  char        *provider;
  char        *model;
  char        *model_version;
  char        *input;
  gint64       brief_id;
  gint64       revision_id;
  gint64       scene_id;
  gint64       source_media_id;
  char        *prediction_id;
  SbJobStatus  status;
  guint        attempts;
  char        *last_error;
  gint64       created_at;     /* unix microseconds; 0 = unset */
  gint64       started_at;
  gint64       completed_at;
  gint64       media_id;
  gboolean     dismissed;      /* read only: written by dismiss_job */
} JobRow;

static void
job_row_free (JobRow *row)
{
  if (row == NULL)
    return;

  g_free (row->batch_id);
  g_free (row->provider);
  g_free (row->model);
  g_free (row->model_version);
  g_free (row->input);
  g_free (row->prediction_id);
  g_free (row->last_error);
  g_free (row);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (JobRow, job_row_free)

static JobRow *
job_row_new_from_job (SbGenerationJob *job)
{
  JobRow *row = g_new0 (JobRow, 1);

  row->id = sb_generation_job_get_id (job);
  row->batch_id = g_strdup (sb_generation_job_get_batch_id (job));
  row->kind = sb_generation_job_get_kind (job);
  row->provider = g_strdup (sb_generation_job_get_provider (job));
  row->model = g_strdup (sb_generation_job_get_model (job));
  row->model_version = g_strdup (sb_generation_job_get_model_version (job));
  row->input = g_strdup (sb_generation_job_get_input (job));
  row->brief_id = sb_generation_job_get_brief_id (job);
  row->revision_id = sb_generation_job_get_revision_id (job);
  row->scene_id = sb_generation_job_get_scene_id (job);
  row->source_media_id = sb_generation_job_get_source_media_id (job);
  row->prediction_id = g_strdup (sb_generation_job_get_prediction_id (job));
  row->status = sb_generation_job_get_status (job);
  row->attempts = sb_generation_job_get_attempts (job);
  row->last_error = g_strdup (sb_generation_job_get_last_error (job));
  row->created_at = date_time_to_usec (sb_generation_job_get_created_at (job));
  row->started_at = date_time_to_usec (sb_generation_job_get_started_at (job));
  row->completed_at = date_time_to_usec (sb_generation_job_get_completed_at (job));
  row->media_id = sb_generation_job_get_media_id (job);

  return row;
}

/* @stmt is on a row of "SELECT " JOB_COLUMNS. */
static JobRow *
job_row_new_from_statement (sqlite3_stmt *stmt)
{
  JobRow *row = g_new0 (JobRow, 1);

  row->id = sqlite3_column_int64 (stmt, 0);
  row->batch_id = sb_db_column_dup_text (stmt, 1);
  row->kind = g_strcmp0 ((const char *) sqlite3_column_text (stmt, 2), "video") == 0
              ? SB_MEDIA_KIND_VIDEO : SB_MEDIA_KIND_IMAGE;
  row->provider = sb_db_column_dup_text (stmt, 3);
  row->model = sb_db_column_dup_text (stmt, 4);
  row->model_version = sb_db_column_dup_text (stmt, 5);
  row->input = sb_db_column_dup_text (stmt, 6);
  row->brief_id = sqlite3_column_int64 (stmt, 7);
  row->revision_id = sqlite3_column_int64 (stmt, 8);
  row->scene_id = sqlite3_column_int64 (stmt, 9);
  row->source_media_id = sqlite3_column_int64 (stmt, 10);
  row->prediction_id = sb_db_column_dup_text (stmt, 11);
  row->status = sb_job_status_from_string ((const char *) sqlite3_column_text (stmt, 12));
  row->attempts = (guint) CLAMP (sqlite3_column_int64 (stmt, 13), 0, G_MAXUINT);
  row->last_error = sb_db_column_dup_text (stmt, 14);
  row->created_at = sqlite3_column_int64 (stmt, 15);
  row->started_at = sqlite3_column_int64 (stmt, 16);
  row->completed_at = sqlite3_column_int64 (stmt, 17);
  row->media_id = sqlite3_column_int64 (stmt, 18);
  row->dismissed = sqlite3_column_int (stmt, 19) != 0;

  return row;
}

static void
set_job_date_time (SbGenerationJob *job,
                   void           (*setter) (SbGenerationJob *, GDateTime *),
                   gint64           usec)
{
  g_autoptr(GDateTime) date_time = date_time_from_usec (usec);

  setter (job, date_time);
}

/* Main context. */
static SbGenerationJob *
job_new_from_row (const JobRow *row)
{
  SbGenerationJob *job = sb_generation_job_new ();

  sb_generation_job_set_id (job, row->id);
  sb_generation_job_set_batch_id (job, row->batch_id);
  sb_generation_job_set_kind (job, row->kind);
  sb_generation_job_set_provider (job, row->provider);
  sb_generation_job_set_model (job, row->model);
  sb_generation_job_set_model_version (job, row->model_version);
  sb_generation_job_set_input (job, row->input);
  sb_generation_job_set_links (job, row->brief_id, row->revision_id, row->scene_id);
  sb_generation_job_set_source_media_id (job, row->source_media_id);
  sb_generation_job_set_prediction_id (job, row->prediction_id);
  sb_generation_job_set_status (job, row->status);
  sb_generation_job_set_attempts (job, row->attempts);
  sb_generation_job_set_last_error (job, row->last_error);
  set_job_date_time (job, sb_generation_job_set_created_at, row->created_at);
  set_job_date_time (job, sb_generation_job_set_started_at, row->started_at);
  set_job_date_time (job, sb_generation_job_set_completed_at, row->completed_at);
  sb_generation_job_set_media_id (job, row->media_id);
  sb_generation_job_set_dismissed (job, row->dismissed);

  return job;
}

/* Add a job */

static void
add_job_run (SbLibrary    *self,
             SbLibraryJob *job)
{
  JobRow *row = job->input;
  sqlite3_stmt *stmt;
  gint64 *result;

  if (!sb_library_begin_write (self, &job->error))
    return;

  stmt = sb_library_get_statement (self,
                                   "INSERT INTO generation_jobs (batch_id, kind, provider, model, model_version, "
                                   "input, brief_id, revision_id, scene_id, source_media_id, prediction_id, "
                                   "status, attempts, last_error, created_at, updated_at, started_at, "
                                   "completed_at, media_id) "
                                   "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, "
                                   "?15, ?15, ?16, ?17, ?18)",
                                   &job->error);
  if (stmt == NULL)
    goto failed;

  /* Stored once, so that created-at is the same in the row and the object. */
  row->created_at = g_get_real_time ();

  sb_db_bind_text_or_null (stmt, 1, row->batch_id);
  sqlite3_bind_text (stmt, 2, row->kind == SB_MEDIA_KIND_VIDEO ? "video" : "image", -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 3, row->provider ? row->provider : "replicate", -1, SQLITE_STATIC);
  sb_db_bind_text_or_null (stmt, 4, row->model);
  sb_db_bind_text_or_null (stmt, 5, row->model_version);
  sqlite3_bind_text (stmt, 6, row->input ? row->input : "{}", -1, SQLITE_STATIC);
  sb_db_bind_id_or_null (stmt, 7, row->brief_id);
  sb_db_bind_id_or_null (stmt, 8, row->revision_id);
  sb_db_bind_id_or_null (stmt, 9, row->scene_id);
  sb_db_bind_id_or_null (stmt, 10, row->source_media_id);
  sb_db_bind_text_or_null (stmt, 11, row->prediction_id);
  sqlite3_bind_text (stmt, 12, sb_job_status_to_string (row->status), -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 13, row->attempts);
  sb_db_bind_text_or_null (stmt, 14, row->last_error);
  sqlite3_bind_int64 (stmt, 15, row->created_at);
  sb_db_bind_id_or_null (stmt, 16, row->started_at);
  sb_db_bind_id_or_null (stmt, 17, row->completed_at);
  sb_db_bind_id_or_null (stmt, 18, row->media_id);

  if (!sb_library_step_done (self, stmt, &job->error))
    goto failed;

  result = dup_id (sqlite3_last_insert_rowid (sb_library_get_db (self)));

  if (!sb_library_commit (self, &job->error))
    {
      g_free (result);
      goto failed;
    }

  job->result = result;
  job->result_free = g_free;

  return;

failed:
  sb_library_rollback (self);
}

static void
add_job_done (SbLibrary    *self,
              SbLibraryJob *job)
{
  SbGenerationJob *object = g_task_get_task_data (job->task);
  JobRow *row = job->input;

  if (job->error == NULL)
    {
      g_autoptr(GDateTime) created_at = date_time_from_usec (row->created_at);

      g_object_freeze_notify (G_OBJECT (object));
      sb_generation_job_set_id (object, *(gint64 *) job->result);
      sb_generation_job_set_created_at (object, created_at);
      g_object_thaw_notify (G_OBJECT (object));
    }

  sb_library_job_return_boolean (self, job);
}

void
sb_library_add_job_async (SbLibrary           *self,
                          SbGenerationJob     *job,
                          GCancellable        *cancellable,
                          GAsyncReadyCallback  callback,
                          gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (SB_IS_LIBRARY (self));
  g_return_if_fail (SB_IS_GENERATION_JOB (job));
  g_return_if_fail (sb_generation_job_get_id (job) == 0);
  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, sb_library_add_job_async);
  /* The object stays on this thread; the worker sees a copy. */
  g_task_set_task_data (task, g_object_ref (job), g_object_unref);

  sb_library_queue_job (self, task, add_job_run, add_job_done,
                        job_row_new_from_job (job), (GDestroyNotify) job_row_free);
}

gboolean
sb_library_add_job_finish (SbLibrary     *self,
                           GAsyncResult  *result,
                           GError       **error)
{
  g_return_val_if_fail (SB_IS_LIBRARY (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

/* Update a job */

static gboolean
check_job_changed (SbLibrary  *self,
                   GError    **error)
{
  if (sqlite3_changes (sb_library_get_db (self)) > 0)
    return TRUE;

  set_not_found_error (error, _("The generation job is no longer in the library"));

  return FALSE;
}

static void
update_job_run (SbLibrary    *self,
                SbLibraryJob *job)
{
  JobRow *row = job->input;
  sqlite3_stmt *stmt;

  if (!sb_library_begin_write (self, &job->error))
    return;

  stmt = sb_library_get_statement (self,
                                   "UPDATE generation_jobs SET status = ?2, prediction_id = ?3, attempts = ?4, "
                                   "last_error = ?5, started_at = ?6, completed_at = ?7, media_id = ?8, "
                                   "updated_at = ?9 WHERE id = ?1",
                                   &job->error);
  if (stmt == NULL)
    goto failed;

  sqlite3_bind_int64 (stmt, 1, row->id);
  sqlite3_bind_text (stmt, 2, sb_job_status_to_string (row->status), -1, SQLITE_STATIC);
  sb_db_bind_text_or_null (stmt, 3, row->prediction_id);
  sqlite3_bind_int64 (stmt, 4, row->attempts);
  sb_db_bind_text_or_null (stmt, 5, row->last_error);
  sb_db_bind_id_or_null (stmt, 6, row->started_at);
  sb_db_bind_id_or_null (stmt, 7, row->completed_at);
  sb_db_bind_id_or_null (stmt, 8, row->media_id);
  sqlite3_bind_int64 (stmt, 9, g_get_real_time ());

  if (!sb_library_step_done (self, stmt, &job->error) ||
      !check_job_changed (self, &job->error) ||
      !sb_library_commit (self, &job->error))
    goto failed;

  return;

failed:
  sb_library_rollback (self);
}

void
sb_library_update_job_async (SbLibrary           *self,
                             SbGenerationJob     *job,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (SB_IS_LIBRARY (self));
  g_return_if_fail (SB_IS_GENERATION_JOB (job));
  g_return_if_fail (sb_generation_job_get_id (job) > 0);
  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, sb_library_update_job_async);

  sb_library_queue_job (self, task, update_job_run, sb_library_job_return_boolean,
                        job_row_new_from_job (job), (GDestroyNotify) job_row_free);
}

gboolean
sb_library_update_job_finish (SbLibrary     *self,
                              GAsyncResult  *result,
                              GError       **error)
{
  g_return_val_if_fail (SB_IS_LIBRARY (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

/* Complete a job */

typedef struct
{
  JobRow     *job;
  SbMediaRow *media;
  GBytes     *data;
  GBytes     *thumbnail;
} CompleteInput;

typedef struct
{
  SbMediaRow *row;
  gboolean    added;
  gint64      completed_at;
} CompleteResult;

static void
complete_input_free (CompleteInput *input)
{
  g_clear_pointer (&input->job, job_row_free);
  g_clear_pointer (&input->media, sb_media_row_free);
  g_clear_pointer (&input->data, g_bytes_unref);
  g_clear_pointer (&input->thumbnail, g_bytes_unref);
  g_free (input);
}

static void
complete_result_free (CompleteResult *result)
{
  g_clear_pointer (&result->row, sb_media_row_free);
  g_free (result);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CompleteResult, complete_result_free)

/* A link to a row deleted while the job ran (the brief was deleted, say)
 * becomes 0 instead of failing the whole job on a foreign key. */
static gboolean
drop_missing_link (SbLibrary   *self,
                   const char  *sql,
                   gint64      *id,
                   GError     **error)
{
  sqlite3_stmt *stmt;
  gboolean found;

  if (*id <= 0)
    return TRUE;

  if (!(stmt = sb_library_get_statement (self, sql, error)))
    return FALSE;

  sqlite3_bind_int64 (stmt, 1, *id);
  if (!step_row (self, stmt, &found, error))
    return FALSE;
  sqlite3_reset (stmt);

  if (!found)
    *id = 0;

  return TRUE;
}

static void
complete_job_run (SbLibrary    *self,
                  SbLibraryJob *job)
{
  CompleteInput *input = job->input;
  SbMediaRow *media = input->media;
  g_autoptr(CompleteResult) result = g_new0 (CompleteResult, 1);
  GError **error = &job->error;
  sqlite3_stmt *stmt;
  gboolean existed;

  if (!sb_library_begin_write (self, error))
    return;

  if (!drop_missing_link (self, "SELECT 1 FROM briefs WHERE id = ?1", &media->brief_id, error) ||
      !drop_missing_link (self, "SELECT 1 FROM brief_revisions WHERE id = ?1", &media->revision_id, error) ||
      !drop_missing_link (self, "SELECT 1 FROM scenes WHERE id = ?1", &media->scene_id, error) ||
      !drop_missing_link (self, "SELECT 1 FROM media WHERE id = ?1", &media->source_media_id, error))
    goto failed;

  if (!sb_library_store_media (self, media, input->data, input->thumbnail,
                               &result->row, &existed, &result->added, error))
    goto failed;

  result->completed_at = g_get_real_time ();

  stmt = sb_library_get_statement (self,
                                   "UPDATE generation_jobs SET status = 'succeeded', media_id = ?2, "
                                   "last_error = NULL, completed_at = ?3, updated_at = ?3 WHERE id = ?1",
                                   error);
  if (stmt == NULL)
    goto failed;
  sqlite3_bind_int64 (stmt, 1, input->job->id);
  sqlite3_bind_int64 (stmt, 2, result->row->id);
  sqlite3_bind_int64 (stmt, 3, result->completed_at);
  if (!sb_library_step_done (self, stmt, error) ||
      !check_job_changed (self, error))
    goto failed;

  /* The first variant of a scene represents it; later ones leave the
   * user's choice alone. */
  if (media->scene_id > 0)
    {
      stmt = sb_library_get_statement (self,
                                       "UPDATE scenes SET chosen_media_id = ?2 "
                                       "WHERE id = ?1 AND chosen_media_id IS NULL",
                                       error);
      if (stmt == NULL)
        goto failed;
      sqlite3_bind_int64 (stmt, 1, media->scene_id);
      sqlite3_bind_int64 (stmt, 2, result->row->id);
      if (!sb_library_step_done (self, stmt, error))
        goto failed;
    }

  if (!sb_library_commit (self, error))
    goto failed;

  job->result = g_steal_pointer (&result);
  job->result_free = (GDestroyNotify) complete_result_free;

  return;

failed:
  sb_library_rollback (self);
}

static void
complete_job_done (SbLibrary    *self,
                   SbLibraryJob *job)
{
  SbGenerationJob *object = g_task_get_task_data (job->task);
  CompleteResult *result = job->result;
  g_autoptr(SbMediaItem) item = NULL;
  g_autoptr(GDateTime) completed_at = NULL;

  if (job->error != NULL)
    {
      g_task_return_error (job->task, g_steal_pointer (&job->error));
      return;
    }

  item = sb_media_item_new_from_row (result->row);

  if (result->added)
    sb_library_emit_media_added (self, item);

  completed_at = date_time_from_usec (result->completed_at);
  g_object_freeze_notify (G_OBJECT (object));
  sb_generation_job_set_media_id (object, result->row->id);
  sb_generation_job_set_completed_at (object, completed_at);
  /* An earlier attempt's error no longer applies. */
  sb_generation_job_set_last_error (object, NULL);
  sb_generation_job_set_status (object, SB_JOB_SUCCEEDED);
  g_object_thaw_notify (G_OBJECT (object));

  g_task_return_pointer (job->task, g_steal_pointer (&item), g_object_unref);
}

void
sb_library_complete_job_async (SbLibrary           *self,
                               SbGenerationJob     *job,
                               SbMediaItem         *item,
                               GBytes              *data,
                               GBytes              *thumbnail,
                               GCancellable        *cancellable,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  CompleteInput *input;
  SbMediaRow *media;
  JobRow *row;

  g_return_if_fail (SB_IS_LIBRARY (self));
  g_return_if_fail (SB_IS_GENERATION_JOB (job));
  g_return_if_fail (sb_generation_job_get_id (job) > 0);
  g_return_if_fail (SB_IS_MEDIA_ITEM (item));
  g_return_if_fail (data != NULL);
  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, sb_library_complete_job_async);
  g_task_set_task_data (task, g_object_ref (job), g_object_unref);

  row = job_row_new_from_job (job);

  /* The item's provenance, completed from the job where it says nothing. */
  media = sb_media_item_dup_row (item);
  media->origin = SB_MEDIA_ORIGIN_GENERATED;
  if (media->model == NULL)
    media->model = g_strdup (row->model);
  if (media->model_version == NULL)
    media->model_version = g_strdup (row->model_version);
  if (media->parameters == NULL)
    media->parameters = g_strdup (row->input);
  if (media->prediction_id == NULL)
    media->prediction_id = g_strdup (row->prediction_id);
  if (media->brief_id == 0 && media->revision_id == 0 && media->scene_id == 0)
    {
      media->brief_id = row->brief_id;
      media->revision_id = row->revision_id;
      media->scene_id = row->scene_id;
    }
  if (media->source_media_id == 0)
    media->source_media_id = row->source_media_id;

  input = g_new0 (CompleteInput, 1);
  input->job = row;
  input->media = media;
  input->data = g_bytes_ref (data);
  input->thumbnail = thumbnail ? g_bytes_ref (thumbnail) : NULL;

  sb_library_queue_job (self, task, complete_job_run, complete_job_done,
                        input, (GDestroyNotify) complete_input_free);
}

SbMediaItem *
sb_library_complete_job_finish (SbLibrary     *self,
                                GAsyncResult  *result,
                                GError       **error)
{
  g_return_val_if_fail (SB_IS_LIBRARY (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/* List jobs */

static void
read_jobs (SbLibrary    *self,
           SbLibraryJob *job,
           sqlite3_stmt *stmt)
{
  GPtrArray *rows = g_ptr_array_new_with_free_func ((GDestroyNotify) job_row_free);
  int rc;

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    g_ptr_array_add (rows, job_row_new_from_statement (stmt));
  sqlite3_reset (stmt);

  if (rc != SQLITE_DONE)
    {
      sb_db_set_error (&job->error, sb_library_get_db (self), rc);
      g_ptr_array_unref (rows);
      return;
    }

  job->result = rows;
  job->result_free = (GDestroyNotify) g_ptr_array_unref;
}

static void
list_jobs_done (SbLibrary    *self,
                SbLibraryJob *job)
{
  GPtrArray *rows = job->result;
  GListStore *store;

  if (job->error != NULL)
    {
      g_task_return_error (job->task, g_steal_pointer (&job->error));
      return;
    }

  store = g_list_store_new (SB_TYPE_GENERATION_JOB);
  for (guint i = 0; i < rows->len; i++)
    {
      g_autoptr(SbGenerationJob) object = job_new_from_row (g_ptr_array_index (rows, i));

      g_list_store_append (store, object);
    }

  g_task_return_pointer (job->task, store, g_object_unref);
}

static void
list_unfinished_run (SbLibrary    *self,
                     SbLibraryJob *job)
{
  sqlite3_stmt *stmt;

  /* The same IN list as the partial index generation_jobs_pending. */
  stmt = sb_library_get_statement (self,
                                   "SELECT " JOB_COLUMNS " FROM generation_jobs "
                                   "WHERE status IN ('queued', 'starting', 'running', 'downloading') "
                                   "ORDER BY created_at, id",
                                   &job->error);
  if (stmt != NULL)
    read_jobs (self, job, stmt);
}

void
sb_library_list_unfinished_jobs_async (SbLibrary           *self,
                                       GCancellable        *cancellable,
                                       GAsyncReadyCallback  callback,
                                       gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (SB_IS_LIBRARY (self));
  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, sb_library_list_unfinished_jobs_async);

  sb_library_queue_job (self, task, list_unfinished_run, list_jobs_done, NULL, NULL);
}

GListModel *
sb_library_list_unfinished_jobs_finish (SbLibrary     *self,
                                        GAsyncResult  *result,
                                        GError       **error)
{
  g_return_val_if_fail (SB_IS_LIBRARY (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
list_revision_jobs_run (SbLibrary    *self,
                        SbLibraryJob *job)
{
  sqlite3_stmt *stmt;

  stmt = sb_library_get_statement (self,
                                   "SELECT " JOB_COLUMNS " FROM generation_jobs "
                                   "WHERE revision_id = ?1 ORDER BY created_at, id",
                                   &job->error);
  if (stmt == NULL)
    return;

  sqlite3_bind_int64 (stmt, 1, *(gint64 *) job->input);
  read_jobs (self, job, stmt);
}

void
sb_library_list_jobs_for_revision_async (SbLibrary           *self,
                                         gint64               revision_id,
                                         GCancellable        *cancellable,
                                         GAsyncReadyCallback  callback,
                                         gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (SB_IS_LIBRARY (self));
  g_return_if_fail (revision_id > 0);
  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, sb_library_list_jobs_for_revision_async);

  sb_library_queue_job (self, task, list_revision_jobs_run, list_jobs_done,
                        dup_id (revision_id), g_free);
}

GListModel *
sb_library_list_jobs_for_revision_finish (SbLibrary     *self,
                                          GAsyncResult  *result,
                                          GError       **error)
{
  g_return_val_if_fail (SB_IS_LIBRARY (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/* Failed jobs and dismissing them */

typedef struct
{
  SbMediaKind kind;
  guint       limit;
} FailedQuery;

static void
list_failed_run (SbLibrary    *self,
                 SbLibraryJob *job)
{
  FailedQuery *query = job->input;
  sqlite3_stmt *stmt;

  /* The same conditions as the partial index generation_jobs_failed. */
  stmt = sb_library_get_statement (self,
                                   "SELECT " JOB_COLUMNS " FROM generation_jobs "
                                   "WHERE kind = ?1 AND status IN ('failed', 'expired', 'interrupted') "
                                   "AND dismissed_at IS NULL "
                                   "ORDER BY created_at DESC, id DESC LIMIT ?2",
                                   &job->error);
  if (stmt == NULL)
    return;

  sqlite3_bind_text (stmt, 1, query->kind == SB_MEDIA_KIND_VIDEO ? "video" : "image", -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 2, query->limit);
  read_jobs (self, job, stmt);
}

void
sb_library_list_failed_jobs_async (SbLibrary           *self,
                                   SbMediaKind          kind,
                                   guint                limit,
                                   GCancellable        *cancellable,
                                   GAsyncReadyCallback  callback,
                                   gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  FailedQuery *query;

  g_return_if_fail (SB_IS_LIBRARY (self));
  g_return_if_fail (kind == SB_MEDIA_KIND_IMAGE || kind == SB_MEDIA_KIND_VIDEO);
  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, sb_library_list_failed_jobs_async);

  query = g_new0 (FailedQuery, 1);
  query->kind = kind;
  query->limit = limit;
  sb_library_queue_job (self, task, list_failed_run, list_jobs_done, query, g_free);
}

GListModel *
sb_library_list_failed_jobs_finish (SbLibrary     *self,
                                   GAsyncResult  *result,
                                   GError       **error)
{
  g_return_val_if_fail (SB_IS_LIBRARY (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
dismiss_job_run (SbLibrary    *self,
                 SbLibraryJob *job)
{
  sqlite3_stmt *stmt;

  if (!sb_library_begin_write (self, &job->error))
    return;

  stmt = sb_library_get_statement (self,
                                   "UPDATE generation_jobs SET dismissed_at = ?2, updated_at = ?2 "
                                   "WHERE id = ?1 AND dismissed_at IS NULL",
                                   &job->error);
  if (stmt == NULL)
    goto failed;

  sqlite3_bind_int64 (stmt, 1, *(gint64 *) job->input);
  sqlite3_bind_int64 (stmt, 2, g_get_real_time ());

  if (!sb_library_step_done (self, stmt, &job->error) ||
      !sb_library_commit (self, &job->error))
    goto failed;

  return;

failed:
  sb_library_rollback (self);
}

void
sb_library_dismiss_job_async (SbLibrary           *self,
                              gint64               job_id,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (SB_IS_LIBRARY (self));
  g_return_if_fail (job_id > 0);
  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, sb_library_dismiss_job_async);

  sb_library_queue_job (self, task, dismiss_job_run, sb_library_job_return_boolean,
                        dup_id (job_id), g_free);
}

gboolean
sb_library_dismiss_job_finish (SbLibrary     *self,
                               GAsyncResult  *result,
                               GError       **error)
{
  g_return_val_if_fail (SB_IS_LIBRARY (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

/* Scene media */

typedef struct
{
  gint64 scene_id;
  gint64 media_id;
} SceneMediaInput;

static void
set_scene_media_run (SbLibrary    *self,
                     SbLibraryJob *job)
{
  SceneMediaInput *input = job->input;
  sqlite3_stmt *stmt;
  gboolean found;

  if (!sb_library_begin_write (self, &job->error))
    return;

  if (input->media_id > 0)
    {
      if (!(stmt = sb_library_get_statement (self, "SELECT 1 FROM media WHERE id = ?1", &job->error)))
        goto failed;
      sqlite3_bind_int64 (stmt, 1, input->media_id);
      if (!step_row (self, stmt, &found, &job->error))
        goto failed;
      sqlite3_reset (stmt);
      if (!found)
        {
          set_not_found_error (&job->error, _("The item is no longer in the library"));
          goto failed;
        }
    }

  stmt = sb_library_get_statement (self, "UPDATE scenes SET chosen_media_id = ?2 WHERE id = ?1", &job->error);
  if (stmt == NULL)
    goto failed;
  sqlite3_bind_int64 (stmt, 1, input->scene_id);
  sb_db_bind_id_or_null (stmt, 2, input->media_id);
  if (!sb_library_step_done (self, stmt, &job->error))
    goto failed;

  if (sqlite3_changes (sb_library_get_db (self)) == 0)
    {
      set_not_found_error (&job->error, _("The scene is no longer in the library"));
      goto failed;
    }

  if (!sb_library_commit (self, &job->error))
    goto failed;

  return;

failed:
  sb_library_rollback (self);
}

void
sb_library_set_scene_media_async (SbLibrary           *self,
                                  gint64               scene_id,
                                  gint64               media_id,
                                  GCancellable        *cancellable,
                                  GAsyncReadyCallback  callback,
                                  gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  SceneMediaInput *input;

  g_return_if_fail (SB_IS_LIBRARY (self));
  g_return_if_fail (scene_id > 0);
  g_return_if_fail (media_id >= 0);
  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, sb_library_set_scene_media_async);

  input = g_new0 (SceneMediaInput, 1);
  input->scene_id = scene_id;
  input->media_id = media_id;

  sb_library_queue_job (self, task, set_scene_media_run, sb_library_job_return_boolean, input, g_free);
}

gboolean
sb_library_set_scene_media_finish (SbLibrary     *self,
                                   GAsyncResult  *result,
                                   GError       **error)
{
  g_return_val_if_fail (SB_IS_LIBRARY (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

/* Cache */

typedef struct
{
  char   *key;
  char   *json;
  gint64  fetched_at;
} CacheEntry;

static void
cache_entry_free (CacheEntry *entry)
{
  g_free (entry->key);
  g_free (entry->json);
  g_free (entry);
}

static void
cache_put_run (SbLibrary    *self,
               SbLibraryJob *job)
{
  CacheEntry *entry = job->input;
  sqlite3_stmt *stmt;

  if (!sb_library_begin_write (self, &job->error))
    return;

  stmt = sb_library_get_statement (self,
                                   "INSERT OR REPLACE INTO cache (key, json, fetched_at) VALUES (?1, ?2, ?3)",
                                   &job->error);
  if (stmt == NULL)
    goto failed;

  sqlite3_bind_text (stmt, 1, entry->key, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, entry->json, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 3, entry->fetched_at);

  if (!sb_library_step_done (self, stmt, &job->error) ||
      !sb_library_commit (self, &job->error))
    goto failed;

  return;

failed:
  sb_library_rollback (self);
}

void
sb_library_cache_put_async (SbLibrary           *self,
                            const char          *key,
                            const char          *json,
                            GCancellable        *cancellable,
                            GAsyncReadyCallback  callback,
                            gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  CacheEntry *entry;

  g_return_if_fail (SB_IS_LIBRARY (self));
  g_return_if_fail (key != NULL);
  g_return_if_fail (json != NULL);
  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, sb_library_cache_put_async);

  entry = g_new0 (CacheEntry, 1);
  entry->key = g_strdup (key);
  entry->json = g_strdup (json);
  entry->fetched_at = g_get_real_time ();

  sb_library_queue_job (self, task, cache_put_run, sb_library_job_return_boolean,
                        entry, (GDestroyNotify) cache_entry_free);
}

gboolean
sb_library_cache_put_finish (SbLibrary     *self,
                             GAsyncResult  *result,
                             GError       **error)
{
  g_return_val_if_fail (SB_IS_LIBRARY (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

static void
cache_get_run (SbLibrary    *self,
               SbLibraryJob *job)
{
  sqlite3_stmt *stmt;
  CacheEntry *entry;
  gboolean found;

  stmt = sb_library_get_statement (self, "SELECT json, fetched_at FROM cache WHERE key = ?1", &job->error);
  if (stmt == NULL)
    return;

  sqlite3_bind_text (stmt, 1, job->input, -1, SQLITE_STATIC);
  if (!step_row (self, stmt, &found, &job->error))
    return;

  if (!found)
    {
      sqlite3_reset (stmt);
      set_not_found_error (&job->error, _("Nothing is cached under this name"));
      return;
    }

  entry = g_new0 (CacheEntry, 1);
  entry->json = sb_db_column_dup_text (stmt, 0);
  entry->fetched_at = sqlite3_column_int64 (stmt, 1);
  sqlite3_reset (stmt);

  job->result = entry;
  job->result_free = (GDestroyNotify) cache_entry_free;
}

void
sb_library_cache_get_async (SbLibrary           *self,
                            const char          *key,
                            GCancellable        *cancellable,
                            GAsyncReadyCallback  callback,
                            gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (SB_IS_LIBRARY (self));
  g_return_if_fail (key != NULL);
  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, sb_library_cache_get_async);

  sb_library_queue_job (self, task, cache_get_run, sb_library_job_return_pointer,
                        g_strdup (key), g_free);
}

char *
sb_library_cache_get_finish (SbLibrary     *self,
                             GAsyncResult  *result,
                             GDateTime    **out_fetched_at,
                             GError       **error)
{
  CacheEntry *entry;
  char *json;

  g_return_val_if_fail (SB_IS_LIBRARY (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  if (out_fetched_at != NULL)
    *out_fetched_at = NULL;

  entry = g_task_propagate_pointer (G_TASK (result), error);
  if (entry == NULL)
    return NULL;

  if (out_fetched_at != NULL)
    *out_fetched_at = date_time_from_usec (entry->fetched_at);

  json = g_steal_pointer (&entry->json);
  cache_entry_free (entry);

  return json;
}

/* Filtered lists */

static gboolean
is_word_char (gunichar c)
{
  return g_unichar_isalnum (c) || g_unichar_ismark (c);
}

char *
sb_media_filter_build_match (const char *search)
{
  g_autoptr(GString) match = NULL;
  g_autofree char *valid = NULL;
  g_auto(GStrv) chunks = NULL;

  if (search == NULL)
    return NULL;

  valid = g_utf8_make_valid (search, -1);
  match = g_string_new (NULL);

  /* Words are what the user separated with spaces.  Each becomes an FTS5
   * string ("..."), so nothing in it is query syntax; the tokenizer then
   * splits it as it split the indexed text ("sunrise.png" is a phrase of
   * two tokens).  A chunk without a letter or digit would be an empty
   * phrase: it is left out. */
  chunks = g_regex_split_simple ("\\s+", valid, G_REGEX_OPTIMIZE, 0);
  for (guint i = 0; chunks[i] != NULL; i++)
    {
      gboolean has_word = FALSE;

      for (const char *p = chunks[i]; *p != '\0' && !has_word; p = g_utf8_next_char (p))
        has_word = is_word_char (g_utf8_get_char (p));
      if (!has_word)
        continue;

      if (match->len > 0)
        g_string_append_c (match, ' ');

      g_string_append_c (match, '"');
      for (const char *p = chunks[i]; *p != '\0'; p++)
        {
          if (*p == '"')
            g_string_append_c (match, '"');
          g_string_append_c (match, *p);
        }
      g_string_append_c (match, '"');
    }

  if (match->len == 0)
    return NULL;

  /* Prefix matching on the last word, so results follow the typing. */
  g_string_append_c (match, '*');

  return g_string_free (g_steal_pointer (&match), FALSE);
}

gboolean
sb_media_filter_has_search (const SbMediaFilter *filter)
{
  g_return_val_if_fail (filter != NULL, FALSE);

  if (filter->search == NULL)
    return FALSE;

  /* Clearing the entry, or typing a space, is no search yet. */
  for (const char *p = filter->search; *p != '\0'; p = g_utf8_next_char (p))
    if (!g_unichar_isspace (g_utf8_get_char (p)))
      return TRUE;

  return FALSE;
}

typedef struct
{
  SbMediaKind  kind;
  gint64       brief_id;
  gboolean     favourites_only;
  char        *match;           /* FTS5 expression, NULL = no search */
  gboolean     match_nothing;   /* a search without a single word */
  gint64       id;              /* matches_async only */
} FilterInput;

static void
filter_input_free (FilterInput *input)
{
  g_free (input->match);
  g_free (input);
}

static FilterInput *
filter_input_new (const SbMediaFilter *filter)
{
  FilterInput *input = g_new0 (FilterInput, 1);

  input->kind = filter->kind;
  input->brief_id = filter->brief_id;
  input->favourites_only = filter->favourites_only;

  if (sb_media_filter_has_search (filter))
    {
      input->match = sb_media_filter_build_match (filter->search);
      input->match_nothing = input->match == NULL;
    }

  return input;
}

/* The WHERE clauses after "trashed_at IS NULL", with named parameters that
 * bind_filter() fills in. */
static void
append_filter_sql (GString           *sql,
                   const FilterInput *input)
{
  if (input->kind != SB_MEDIA_KIND_ANY)
    g_string_append (sql, " AND kind = :kind");
  if (input->brief_id > 0)
    g_string_append (sql, " AND brief_id = :brief_id");
  if (input->favourites_only)
    g_string_append (sql, " AND favourite != 0");
  if (input->match != NULL)
    g_string_append (sql, " AND id IN (SELECT rowid FROM media_fts WHERE media_fts MATCH :match)");
}

static void
bind_filter (sqlite3_stmt      *stmt,
             const FilterInput *input)
{
  int index;

  if ((index = sqlite3_bind_parameter_index (stmt, ":kind")) > 0)
    sqlite3_bind_int (stmt, index, input->kind);
  if ((index = sqlite3_bind_parameter_index (stmt, ":brief_id")) > 0)
    sqlite3_bind_int64 (stmt, index, input->brief_id);
  if ((index = sqlite3_bind_parameter_index (stmt, ":match")) > 0)
    sqlite3_bind_text (stmt, index, input->match, -1, SQLITE_STATIC);
  if ((index = sqlite3_bind_parameter_index (stmt, ":id")) > 0)
    sqlite3_bind_int64 (stmt, index, input->id);
}

/* A statement for this one filter: prepared, used once, finalized. */
static sqlite3_stmt *
prepare_filtered (SbLibrary          *self,
                  const char         *head,
                  const FilterInput  *input,
                  const char         *tail,
                  GError            **error)
{
  g_autoptr(GString) sql = g_string_new (head);
  sqlite3_stmt *stmt = NULL;
  int rc;

  append_filter_sql (sql, input);
  g_string_append (sql, tail);

  rc = sqlite3_prepare_v2 (sb_library_get_db (self), sql->str, -1, &stmt, NULL);
  if (rc != SQLITE_OK)
    {
      sb_db_set_error (error, sb_library_get_db (self), rc);
      return NULL;
    }

  bind_filter (stmt, input);

  return stmt;
}

static void
list_filtered_run (SbLibrary    *self,
                   SbLibraryJob *job)
{
  FilterInput *input = job->input;
  g_autoptr(GArray) entries = g_array_new (FALSE, FALSE, sizeof (SbMediaListEntry));
  sqlite3_stmt *stmt;
  int rc;

  if (!input->match_nothing)
    {
      stmt = prepare_filtered (self, "SELECT created_at, id FROM media WHERE trashed_at IS NULL",
                               input, " ORDER BY created_at DESC, id DESC", &job->error);
      if (stmt == NULL)
        return;

      while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
        {
          SbMediaListEntry entry;

          entry.created_at = sqlite3_column_int64 (stmt, 0);
          entry.id = sqlite3_column_int64 (stmt, 1);
          g_array_append_val (entries, entry);
        }

      if (rc != SQLITE_DONE)
        sb_db_set_error (&job->error, sb_library_get_db (self), rc);

      sqlite3_finalize (stmt);

      if (job->error != NULL)
        return;
    }

  job->result = g_steal_pointer (&entries);
  job->result_free = (GDestroyNotify) g_array_unref;
}

static void
list_filtered_done (SbLibrary    *self,
                    SbLibraryJob *job)
{
  const SbMediaFilter *filter = g_task_get_task_data (job->task);

  if (job->error != NULL)
    {
      g_task_return_error (job->task, g_steal_pointer (&job->error));
      return;
    }

  /* Created here, on the main context, before any later job's signals. */
  g_task_return_pointer (job->task,
                         sb_media_list_new_filtered (self, filter, job->result),
                         g_object_unref);
}

static void
media_filter_free (SbMediaFilter *filter)
{
  g_free ((char *) filter->search);
  g_free (filter);
}

void
sb_library_list_media_filtered_async (SbLibrary           *self,
                                      const SbMediaFilter *filter,
                                      GCancellable        *cancellable,
                                      GAsyncReadyCallback  callback,
                                      gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  SbMediaFilter *copy;

  g_return_if_fail (SB_IS_LIBRARY (self));
  g_return_if_fail (filter != NULL);
  g_return_if_fail (filter->kind == SB_MEDIA_KIND_ANY ||
                    filter->kind == SB_MEDIA_KIND_IMAGE ||
                    filter->kind == SB_MEDIA_KIND_VIDEO);
  g_return_if_fail (filter->brief_id >= 0);
  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, sb_library_list_media_filtered_async);

  copy = g_memdup2 (filter, sizeof *filter);
  copy->search = g_strdup (filter->search);
  g_task_set_task_data (task, copy, (GDestroyNotify) media_filter_free);

  sb_library_queue_job (self, task, list_filtered_run, list_filtered_done,
                        filter_input_new (filter), (GDestroyNotify) filter_input_free);
}

SbMediaList *
sb_library_list_media_filtered_finish (SbLibrary     *self,
                                       GAsyncResult  *result,
                                       GError       **error)
{
  g_return_val_if_fail (SB_IS_LIBRARY (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
media_matches_run (SbLibrary    *self,
                   SbLibraryJob *job)
{
  FilterInput *input = job->input;
  sqlite3_stmt *stmt;
  gboolean *matches = g_new0 (gboolean, 1);
  int rc;

  job->result = matches;
  job->result_free = g_free;

  if (input->match_nothing)
    return;

  stmt = prepare_filtered (self, "SELECT 1 FROM media WHERE id = :id AND trashed_at IS NULL",
                           input, "", &job->error);
  if (stmt == NULL)
    return;

  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    *matches = TRUE;
  else if (rc != SQLITE_DONE)
    sb_db_set_error (&job->error, sb_library_get_db (self), rc);

  sqlite3_finalize (stmt);
}

static void
media_matches_done (SbLibrary    *self,
                    SbLibraryJob *job)
{
  if (job->error != NULL)
    g_task_return_error (job->task, g_steal_pointer (&job->error));
  else
    g_task_return_boolean (job->task, *(gboolean *) job->result);
}

void
sb_library_media_matches_async (SbLibrary           *self,
                                gint64               id,
                                const SbMediaFilter *filter,
                                GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  FilterInput *input;

  g_return_if_fail (SB_IS_LIBRARY (self));
  g_return_if_fail (filter != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, sb_library_media_matches_async);

  input = filter_input_new (filter);
  input->id = id;

  sb_library_queue_job (self, task, media_matches_run, media_matches_done,
                        input, (GDestroyNotify) filter_input_free);
}

gboolean
sb_library_media_matches_finish (SbLibrary     *self,
                                 GAsyncResult  *result,
                                 GError       **error)
{
  g_return_val_if_fail (SB_IS_LIBRARY (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

/* Favourites */

typedef struct
{
  gint64   id;
  gboolean favourite;
} FavouriteInput;

static void
set_favourite_run (SbLibrary    *self,
                   SbLibraryJob *job)
{
  FavouriteInput *input = job->input;
  sqlite3_stmt *stmt;
  SbMediaRow *row;

  if (!sb_library_begin_write (self, &job->error))
    return;

  /* Read first: NOT_FOUND for a row that does not exist, and nothing to
   * write (or announce) when it already is as asked. */
  if (!(row = sb_library_read_media_row (self, input->id, &job->error)))
    goto failed;

  if (row->favourite == input->favourite)
    {
      sb_media_row_free (row);
      if (!sb_library_commit (self, &job->error))
        goto failed;
      return;
    }

  sb_media_row_free (row);

  stmt = sb_library_get_statement (self, "UPDATE media SET favourite = ?2 WHERE id = ?1", &job->error);
  if (stmt == NULL)
    goto failed;
  sqlite3_bind_int64 (stmt, 1, input->id);
  sqlite3_bind_int (stmt, 2, input->favourite ? 1 : 0);
  if (!sb_library_step_done (self, stmt, &job->error))
    goto failed;

  if (!(row = sb_library_read_media_row (self, input->id, &job->error)))
    goto failed;

  job->result = row;
  job->result_free = (GDestroyNotify) sb_media_row_free;

  if (!sb_library_commit (self, &job->error))
    goto failed;

  return;

failed:
  sb_library_rollback (self);
}

static void
set_favourite_done (SbLibrary    *self,
                    SbLibraryJob *job)
{
  if (job->error == NULL && job->result != NULL)
    {
      g_autoptr(SbMediaItem) item = sb_media_item_new_from_row (job->result);

      sb_library_emit_media_changed (self, item);
    }

  sb_library_job_return_boolean (self, job);
}

void
sb_library_set_favourite_async (SbLibrary           *self,
                                gint64               media_id,
                                gboolean             favourite,
                                GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  FavouriteInput *input;

  g_return_if_fail (SB_IS_LIBRARY (self));
  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, sb_library_set_favourite_async);

  input = g_new0 (FavouriteInput, 1);
  input->id = media_id;
  input->favourite = !!favourite;

  sb_library_queue_job (self, task, set_favourite_run, set_favourite_done, input, g_free);
}

gboolean
sb_library_set_favourite_finish (SbLibrary     *self,
                                 GAsyncResult  *result,
                                 GError       **error)
{
  g_return_val_if_fail (SB_IS_LIBRARY (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}
