/* sb-library.c
 *
 * Copyright 2026 The Storyboard authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "sb-library"

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <gio/gunixoutputstream.h>
#include <glib/gi18n.h>
#include <glib/gstdio.h>

#include "sb-library-db.h"
#include "sb-library-private.h"
#include "sb-library-worker.h"
#include "sb-library.h"

/* Incremental blob I/O works in pieces of this size, so that no BLOB is
 * ever bound or read in one go. */
#define BLOB_CHUNK_SIZE (256 * 1024)

typedef SbLibraryJob Job;
typedef SbLibraryJobFunc JobRunFunc;
typedef SbLibraryJobFunc JobDoneFunc;

struct _SbLibrary
{
  GObject parent_instance;

  /* Owned */
  GFile        *file;
  char         *path;
  GMainContext *context;
  GThread      *thread;
  GAsyncQueue  *queue;
  gboolean      closed;

  /* Owned by the worker thread */
  sqlite3      *db;
  GHashTable   *statements;   /* static SQL string -> sqlite3_stmt */
};

G_DEFINE_TYPE (SbLibrary, sb_library, G_TYPE_OBJECT)

G_DEFINE_QUARK (sb-library-error-quark, sb_library_error)

enum {
  PROP_0,
  PROP_FILE,
  N_PROPS
};

enum {
  MEDIA_ADDED,
  MEDIA_REMOVED,
  BRIEF_CHANGED,
  MEDIA_CHANGED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

#define MEDIA_SELECT_BY_ID \
  "SELECT id, kind, mime_type, width, height, duration, byte_size, sha256, origin, " \
  "filename, created_at, favourite, prompt, model, model_version, parameters, " \
  "seed, prediction_id, brief_id, revision_id, scene_id, source_media_id, trashed_at " \
  "FROM media WHERE id = ?1"

/* Jobs */

static void
job_free (gpointer data)
{
  Job *job = data;

  if (job->input_free != NULL)
    g_clear_pointer (&job->input, job->input_free);
  if (job->result_free != NULL)
    g_clear_pointer (&job->result, job->result_free);
  g_clear_error (&job->error);
  g_clear_object (&job->cancellable);
  g_clear_object (&job->task);
  g_free (job);
}

static gboolean
job_done_cb (gpointer data)
{
  Job *job = data;

  job->done (job->library, job);

  return G_SOURCE_REMOVE;
}

static void
job_return_boolean (SbLibrary *self,
                    Job       *job)
{
  if (job->error != NULL)
    g_task_return_error (job->task, g_steal_pointer (&job->error));
  else
    g_task_return_boolean (job->task, TRUE);
}

static void
job_return_pointer (SbLibrary *self,
                    Job       *job)
{
  if (job->error != NULL)
    g_task_return_error (job->task, g_steal_pointer (&job->error));
  else
    g_task_return_pointer (job->task,
                           g_steal_pointer (&job->result),
                           g_steal_pointer (&job->result_free));
}

static Job *
job_new (SbLibrary      *self,
         GTask          *task,
         JobRunFunc      run,
         JobDoneFunc     done,
         gpointer        input,
         GDestroyNotify  input_free)
{
  Job *job = g_new0 (Job, 1);
  GCancellable *cancellable = g_task_get_cancellable (task);

  job->library = self;
  job->task = g_object_ref (task);
  job->cancellable = cancellable ? g_object_ref (cancellable) : NULL;
  job->run = run;
  job->done = done;
  job->input = input;
  job->input_free = input_free;

  return job;
}

/* Takes @input.  After close, fails the task with CLOSED instead. */
static void
queue_job (SbLibrary      *self,
           GTask          *task,
           JobRunFunc      run,
           JobDoneFunc     done,
           gpointer        input,
           GDestroyNotify  input_free)
{
  if (self->closed)
    {
      if (input_free != NULL && input != NULL)
        input_free (input);
      g_task_return_new_error (task, SB_LIBRARY_ERROR, SB_LIBRARY_ERROR_CLOSED,
                               _("The library has been closed"));
      return;
    }

  g_async_queue_push (self->queue, job_new (self, task, run, done, input, input_free));
}

/* Worker side */

static void
finalize_statement (gpointer data)
{
  sqlite3_finalize (data);
}

static sqlite3_stmt *
get_statement (SbLibrary   *self,
               const char  *sql,
               GError     **error)
{
  sqlite3_stmt *stmt;
  int rc;

  stmt = g_hash_table_lookup (self->statements, sql);
  if (stmt != NULL)
    {
      sqlite3_reset (stmt);
      sqlite3_clear_bindings (stmt);
      return stmt;
    }

  rc = sqlite3_prepare_v3 (self->db, sql, -1, SQLITE_PREPARE_PERSISTENT, &stmt, NULL);
  if (rc != SQLITE_OK)
    {
      sb_db_set_error (error, self->db, rc);
      return NULL;
    }

  g_hash_table_insert (self->statements, (gpointer) sql, stmt);

  return stmt;
}

/* Steps a statement that returns no row. */
static gboolean
step_done (SbLibrary     *self,
           sqlite3_stmt  *stmt,
           GError       **error)
{
  int rc = sqlite3_step (stmt);

  sqlite3_reset (stmt);

  if (rc != SQLITE_DONE)
    return sb_db_set_error (error, self->db, rc);

  return TRUE;
}

static gboolean
begin_write (SbLibrary  *self,
             GError    **error)
{
  sqlite3_stmt *stmt = get_statement (self, "BEGIN IMMEDIATE", error);

  return stmt != NULL && step_done (self, stmt, error);
}

static gboolean
commit (SbLibrary  *self,
        GError    **error)
{
  sqlite3_stmt *stmt = get_statement (self, "COMMIT", error);

  return stmt != NULL && step_done (self, stmt, error);
}

static void
rollback (SbLibrary *self)
{
  if (self->db != NULL && !sqlite3_get_autocommit (self->db))
    sqlite3_exec (self->db, "ROLLBACK", NULL, NULL, NULL);
}

/* @stmt is positioned on a row of MEDIA_SELECT_BY_ID. */
static SbMediaRow *
row_from_statement (sqlite3_stmt *stmt)
{
  SbMediaRow *row = sb_media_row_new ();

  row->id = sqlite3_column_int64 (stmt, 0);
  row->kind = sqlite3_column_int (stmt, 1);
  row->mime_type = sb_db_column_dup_text (stmt, 2);
  row->width = sqlite3_column_int (stmt, 3);
  row->height = sqlite3_column_int (stmt, 4);
  row->duration = sqlite3_column_double (stmt, 5);
  row->byte_size = sqlite3_column_int64 (stmt, 6);
  row->sha256 = sb_db_column_dup_text (stmt, 7);
  row->origin = sqlite3_column_int (stmt, 8);
  row->filename = sb_db_column_dup_text (stmt, 9);
  row->created_at = sqlite3_column_int64 (stmt, 10);
  row->favourite = sqlite3_column_int (stmt, 11) != 0;
  row->prompt = sb_db_column_dup_text (stmt, 12);
  row->model = sb_db_column_dup_text (stmt, 13);
  row->model_version = sb_db_column_dup_text (stmt, 14);
  row->parameters = sb_db_column_dup_text (stmt, 15);
  row->seed = sqlite3_column_type (stmt, 16) == SQLITE_NULL ? -1 : sqlite3_column_int64 (stmt, 16);
  row->prediction_id = sb_db_column_dup_text (stmt, 17);
  row->brief_id = sqlite3_column_int64 (stmt, 18);
  row->revision_id = sqlite3_column_int64 (stmt, 19);
  row->scene_id = sqlite3_column_int64 (stmt, 20);
  row->source_media_id = sqlite3_column_int64 (stmt, 21);
  row->trashed_at = sqlite3_column_int64 (stmt, 22);

  return row;
}

static void
set_not_found_error (GError **error)
{
  g_set_error_literal (error, SB_LIBRARY_ERROR, SB_LIBRARY_ERROR_NOT_FOUND,
                       _("The item is no longer in the library"));
}

/* Reads row @id (trashed or not).  Returns NULL with NOT_FOUND if there is
 * no such row. */
static SbMediaRow *
read_row (SbLibrary  *self,
          gint64      id,
          GError    **error)
{
  sqlite3_stmt *stmt;
  SbMediaRow *row = NULL;
  int rc;

  if (!(stmt = get_statement (self, MEDIA_SELECT_BY_ID, error)))
    return NULL;

  sqlite3_bind_int64 (stmt, 1, id);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    row = row_from_statement (stmt);
  else if (rc == SQLITE_DONE)
    set_not_found_error (error);
  else
    sb_db_set_error (error, self->db, rc);

  sqlite3_reset (stmt);

  return row;
}

static gboolean
check_cancelled (Job *job)
{
  return g_cancellable_set_error_if_cancelled (job->cancellable, &job->error);
}

static gpointer
worker_main (gpointer data)
{
  SbLibrary *self = data;
  GMainContext *context = g_main_context_ref (self->context);

  for (;;)
    {
      Job *job = g_async_queue_pop (self->queue);
      GSource *source;

      if (job->run == NULL)
        {
          job_free (job);
          break;
        }

      /* Check again right before running: the job may have waited. */
      if (!check_cancelled (job))
        job->run (self, job);

      /* From here on the job belongs to the main context. */
      source = g_idle_source_new ();
      g_source_set_priority (source, G_PRIORITY_DEFAULT);
      g_source_set_static_name (source, "[sb-library] job done");
      g_source_set_callback (source, job_done_cb, job, job_free);
      g_source_attach (source, context);
      g_source_unref (source);
    }

  if (self->db != NULL)
    {
      /* Cheap, and keeps the planner's statistics fresh. */
      sqlite3_exec (self->db, "PRAGMA optimize", NULL, NULL, NULL);
      g_clear_pointer (&self->statements, g_hash_table_unref);
      sqlite3_close (self->db);
      self->db = NULL;
    }

  g_main_context_unref (context);

  return NULL;
}

/* Open */

static gboolean
purge_trash (SbLibrary  *self,
             GArray     *out_ids,
             GError    **error)
{
  sqlite3_stmt *stmt;
  int rc;

  if (!begin_write (self, error))
    return FALSE;

  if (out_ids != NULL)
    {
      if (!(stmt = get_statement (self, "SELECT id FROM media WHERE trashed_at IS NOT NULL", error)))
        goto failed;

      while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
        {
          gint64 id = sqlite3_column_int64 (stmt, 0);
          g_array_append_val (out_ids, id);
        }
      sqlite3_reset (stmt);

      if (rc != SQLITE_DONE)
        {
          sb_db_set_error (error, self->db, rc);
          goto failed;
        }
    }

  /* Blobs and thumbnails go with their rows (ON DELETE CASCADE). */
  if (!(stmt = get_statement (self, "DELETE FROM media WHERE trashed_at IS NOT NULL", error)) ||
      !step_done (self, stmt, error) ||
      !commit (self, error))
    goto failed;

  /* Give the freed pages back to the file system (auto_vacuum=INCREMENTAL). */
  sqlite3_exec (self->db, "PRAGMA incremental_vacuum", NULL, NULL, NULL);

  return TRUE;

failed:
  rollback (self);
  return FALSE;
}

static void
open_run (SbLibrary *self,
          Job       *job)
{
  g_autoptr(GError) error = NULL;
  sqlite3 *db = NULL;

  if (!sb_db_open (self->path, &db, &job->error))
    return;

  self->db = db;
  self->statements = g_hash_table_new_full (NULL, NULL, NULL, finalize_statement);

  /* What an earlier run left in the trash (it died before purging). */
  if (!purge_trash (self, NULL, &error))
    g_debug ("Could not purge the trash: %s", error->message);
}

static void
open_done (SbLibrary *self,
           Job       *job)
{
  if (job->error != NULL)
    {
      sb_library_close (self);
      g_task_return_error (job->task, g_steal_pointer (&job->error));
    }
  else
    {
      g_task_return_pointer (job->task, g_object_ref (self), g_object_unref);
    }
}

/* GObject */

static void
sb_library_dispose (GObject *object)
{
  SbLibrary *self = (SbLibrary *) object;

  sb_library_close (self);

  G_OBJECT_CLASS (sb_library_parent_class)->dispose (object);
}

static void
sb_library_finalize (GObject *object)
{
  SbLibrary *self = (SbLibrary *) object;

  g_assert (self->thread == NULL);
  g_assert (self->db == NULL);

  g_clear_pointer (&self->queue, g_async_queue_unref);
  g_clear_pointer (&self->context, g_main_context_unref);
  g_clear_pointer (&self->path, g_free);
  g_clear_object (&self->file);

  G_OBJECT_CLASS (sb_library_parent_class)->finalize (object);
}

static void
sb_library_get_property (GObject    *object,
                         guint       prop_id,
                         GValue     *value,
                         GParamSpec *pspec)
{
  SbLibrary *self = SB_LIBRARY (object);

  switch (prop_id)
    {
    case PROP_FILE:
      g_value_set_object (value, self->file);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sb_library_set_property (GObject      *object,
                         guint         prop_id,
                         const GValue *value,
                         GParamSpec   *pspec)
{
  SbLibrary *self = SB_LIBRARY (object);

  switch (prop_id)
    {
    case PROP_FILE:
      self->file = g_value_dup_object (value);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sb_library_class_init (SbLibraryClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = sb_library_dispose;
  object_class->finalize = sb_library_finalize;
  object_class->get_property = sb_library_get_property;
  object_class->set_property = sb_library_set_property;

  properties[PROP_FILE] =
    g_param_spec_object ("file", NULL, NULL,
                         G_TYPE_FILE,
                         (G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * SbLibrary::media-added:
   * @item: the loaded item, new or restored from the trash
   */
  signals[MEDIA_ADDED] =
    g_signal_new ("media-added",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, SB_TYPE_MEDIA_ITEM);

  /**
   * SbLibrary::media-removed:
   * @id: the id of the item moved to the trash or purged
   */
  signals[MEDIA_REMOVED] =
    g_signal_new ("media-removed",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, G_TYPE_INT64);

  /**
   * SbLibrary::brief-changed:
   * @brief_id: the brief created, saved or deleted (sb-library-briefs.h)
   */
  signals[BRIEF_CHANGED] =
    g_signal_new ("brief-changed",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, G_TYPE_INT64);

  /**
   * SbLibrary::media-changed:
   * @item: a loaded item with the new values of a row whose metadata
   *   changed (e.g. favourite, sb-library-jobs.h); lists fill their own
   *   item for that id from it
   */
  signals[MEDIA_CHANGED] =
    g_signal_new ("media-changed",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, SB_TYPE_MEDIA_ITEM);
}

static void
sb_library_init (SbLibrary *self)
{
  self->queue = g_async_queue_new ();
}

/* Public API */

int
sb_library_get_schema_version (void)
{
  return sb_db_get_latest_version ();
}

GFile *
sb_library_dup_default_file (void)
{
  g_autofree char *path = NULL;

  path = g_build_filename (g_get_user_data_dir (), "storyboard", "library.db", NULL);

  return g_file_new_for_path (path);
}

void
sb_library_open_async (GFile               *file,
                       GCancellable        *cancellable,
                       GAsyncReadyCallback  callback,
                       gpointer             user_data)
{
  g_autoptr(SbLibrary) self = NULL;
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (G_IS_FILE (file));
  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, sb_library_open_async);

  self = g_object_new (SB_TYPE_LIBRARY, "file", file, NULL);
  self->path = g_file_get_path (file);

  if (self->path == NULL)
    {
      self->closed = TRUE;
      g_task_return_new_error (task, SB_LIBRARY_ERROR, SB_LIBRARY_ERROR_FAILED,
                               _("The library must be a local file"));
      return;
    }

  self->context = g_main_context_ref_thread_default ();
  self->thread = g_thread_new ("sb-library", worker_main, self);

  /* The job holds the library through the task's data until open_done. */
  g_task_set_task_data (task, g_object_ref (self), g_object_unref);
  queue_job (self, task, open_run, open_done, NULL, NULL);
}

SbLibrary *
sb_library_open_finish (GAsyncResult  *result,
                        GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == sb_library_open_async, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

GFile *
sb_library_get_file (SbLibrary *self)
{
  g_return_val_if_fail (SB_IS_LIBRARY (self), NULL);

  return self->file;
}

void
sb_library_close (SbLibrary *self)
{
  Job *quit;

  g_return_if_fail (SB_IS_LIBRARY (self));

  self->closed = TRUE;

  if (self->thread == NULL)
    return;

  /* Queued jobs run first; their callbacks still arrive on the main
   * context afterwards. */
  quit = g_new0 (Job, 1);
  g_async_queue_push (self->queue, quit);
  g_thread_join (g_steal_pointer (&self->thread));
}

/* Add */

typedef struct
{
  SbMediaRow *row;
  GBytes     *data;
  GBytes     *thumbnail;
} AddInput;

typedef struct
{
  SbMediaRow *row;
  gboolean    existed;
  gboolean    added;     /* new or restored: emit ::media-added */
} AddResult;

static void
add_input_free (gpointer data)
{
  AddInput *input = data;

  g_clear_pointer (&input->row, sb_media_row_free);
  g_clear_pointer (&input->data, g_bytes_unref);
  g_clear_pointer (&input->thumbnail, g_bytes_unref);
  g_free (input);
}

static void
add_result_free (gpointer data)
{
  AddResult *result = data;

  g_clear_pointer (&result->row, sb_media_row_free);
  g_free (result);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (AddResult, add_result_free)

/* Width and height from a PNG's IHDR, or 0. */
static void
png_size (GBytes *png,
          int    *out_width,
          int    *out_height)
{
  static const guint8 signature[8] = { 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n' };
  gsize size;
  const guint8 *data = g_bytes_get_data (png, &size);
  guint32 width, height;

  *out_width = *out_height = 0;

  if (size < 24 || memcmp (data, signature, 8) != 0 || memcmp (data + 12, "IHDR", 4) != 0)
    return;

  memcpy (&width, data + 16, sizeof width);
  memcpy (&height, data + 20, sizeof height);
  *out_width = (int) MIN (GUINT32_FROM_BE (width), (guint32) G_MAXINT);
  *out_height = (int) MIN (GUINT32_FROM_BE (height), (guint32) G_MAXINT);
}

static gboolean
store_thumbnail (SbLibrary  *self,
                 gint64      id,
                 GBytes     *thumbnail,
                 gboolean    replace,
                 GError    **error)
{
  sqlite3_stmt *stmt;
  gconstpointer data;
  gsize size;
  int width, height;

  stmt = get_statement (self,
                        replace
                        ? "INSERT OR REPLACE INTO thumbnails (media_id, mime_type, width, height, data) "
                          "VALUES (?1, 'image/png', ?2, ?3, ?4)"
                        : "INSERT OR IGNORE INTO thumbnails (media_id, mime_type, width, height, data) "
                          "VALUES (?1, 'image/png', ?2, ?3, ?4)",
                        error);
  if (stmt == NULL)
    return FALSE;

  png_size (thumbnail, &width, &height);
  data = g_bytes_get_data (thumbnail, &size);

  sqlite3_bind_int64 (stmt, 1, id);
  if (width > 0)
    {
      sqlite3_bind_int (stmt, 2, width);
      sqlite3_bind_int (stmt, 3, height);
    }
  sqlite3_bind_blob64 (stmt, 4, size > 0 ? data : "", size, SQLITE_STATIC);

  return step_done (self, stmt, error);
}

/* Writes @data into media_blobs for @id: a zeroblob of the right size,
 * then incremental writes, so SQLite never copies the whole BLOB at once. */
static gboolean
write_blob (SbLibrary  *self,
            gint64      id,
            GBytes     *data,
            GError    **error)
{
  sqlite3_stmt *stmt;
  sqlite3_blob *blob = NULL;
  const guint8 *bytes;
  gsize size;
  int rc;

  bytes = g_bytes_get_data (data, &size);

  if (size > G_MAXINT)
    {
      sb_db_set_error (error, NULL, SQLITE_TOOBIG);
      return FALSE;
    }

  if (!(stmt = get_statement (self, "INSERT INTO media_blobs (media_id, data) VALUES (?1, zeroblob (?2))", error)))
    return FALSE;

  sqlite3_bind_int64 (stmt, 1, id);
  sqlite3_bind_int64 (stmt, 2, size);
  if (!step_done (self, stmt, error))
    return FALSE;

  if (size == 0)
    return TRUE;

  rc = sqlite3_blob_open (self->db, "main", "media_blobs", "data", id, 1, &blob);
  if (rc != SQLITE_OK)
    {
      sb_db_set_error (error, self->db, rc);
      sqlite3_blob_close (blob);
      return FALSE;
    }

  for (gsize offset = 0; offset < size && rc == SQLITE_OK; offset += BLOB_CHUNK_SIZE)
    rc = sqlite3_blob_write (blob, bytes + offset, (int) MIN (BLOB_CHUNK_SIZE, size - offset), (int) offset);

  if (rc != SQLITE_OK)
    sb_db_set_error (error, self->db, rc);

  sqlite3_blob_close (blob);

  return rc == SQLITE_OK;
}

/* Stores @row with @data and @thumbnail inside the caller's write
 * transaction, deduplicating by SHA-256: bytes already in the library write
 * nothing (*out_existed), bytes in the trash are taken back out of it.
 * *out_added says whether ::media-added is due (new or restored). */
static gboolean
store_media (SbLibrary         *self,
             const SbMediaRow  *row,
             GBytes            *data,
             GBytes            *thumbnail,
             SbMediaRow       **out_row,
             gboolean          *out_existed,
             gboolean          *out_added,
             GError           **error)
{
  g_autofree char *sha256 = NULL;
  sqlite3_stmt *stmt;
  gint64 id = 0;
  gint64 trashed_at = 0;
  int rc;

  *out_row = NULL;
  *out_existed = FALSE;
  *out_added = FALSE;

  sha256 = g_compute_checksum_for_bytes (G_CHECKSUM_SHA256, data);

  if (!(stmt = get_statement (self, "SELECT id, trashed_at FROM media WHERE sha256 = ?1", error)))
    return FALSE;
  sqlite3_bind_text (stmt, 1, sha256, -1, SQLITE_STATIC);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    {
      id = sqlite3_column_int64 (stmt, 0);
      trashed_at = sqlite3_column_int64 (stmt, 1);
    }
  sqlite3_reset (stmt);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    return sb_db_set_error (error, self->db, rc);

  if (id != 0 && trashed_at == 0)
    {
      /* Already there: write nothing. */
      *out_existed = TRUE;
    }
  else if (id != 0)
    {
      /* In the trash: take it back out, where it was. */
      if (!(stmt = get_statement (self, "UPDATE media SET trashed_at = NULL WHERE id = ?1", error)))
        return FALSE;
      sqlite3_bind_int64 (stmt, 1, id);
      if (!step_done (self, stmt, error))
        return FALSE;
      if (thumbnail != NULL && !store_thumbnail (self, id, thumbnail, FALSE, error))
        return FALSE;
      *out_added = TRUE;
    }
  else
    {
      stmt = get_statement (self,
                            "INSERT INTO media (kind, mime_type, width, height, duration, byte_size, sha256, "
                            "origin, filename, brief_id, revision_id, scene_id, source_media_id, prompt, "
                            "model, model_version, parameters, seed, prediction_id, created_at) "
                            "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, "
                            "?16, ?17, ?18, ?19, ?20)",
                            error);
      if (stmt == NULL)
        return FALSE;

      sqlite3_bind_int (stmt, 1, row->kind);
      sqlite3_bind_text (stmt, 2, row->mime_type ? row->mime_type : "application/octet-stream", -1, SQLITE_STATIC);
      sqlite3_bind_int (stmt, 3, row->width);
      sqlite3_bind_int (stmt, 4, row->height);
      sqlite3_bind_double (stmt, 5, row->duration);
      sqlite3_bind_int64 (stmt, 6, g_bytes_get_size (data));
      sqlite3_bind_text (stmt, 7, sha256, -1, SQLITE_STATIC);
      sqlite3_bind_int (stmt, 8, row->origin);
      sb_db_bind_text_or_null (stmt, 9, row->filename);
      sb_db_bind_id_or_null (stmt, 10, row->brief_id);
      sb_db_bind_id_or_null (stmt, 11, row->revision_id);
      sb_db_bind_id_or_null (stmt, 12, row->scene_id);
      sb_db_bind_id_or_null (stmt, 13, row->source_media_id);
      sb_db_bind_text_or_null (stmt, 14, row->prompt);
      sb_db_bind_text_or_null (stmt, 15, row->model);
      sb_db_bind_text_or_null (stmt, 16, row->model_version);
      sb_db_bind_text_or_null (stmt, 17, row->parameters);
      if (row->seed >= 0)
        sqlite3_bind_int64 (stmt, 18, row->seed);
      sb_db_bind_text_or_null (stmt, 19, row->prediction_id);
      sqlite3_bind_int64 (stmt, 20, g_get_real_time ());

      if (!step_done (self, stmt, error))
        return FALSE;

      id = sqlite3_last_insert_rowid (self->db);

      if (!write_blob (self, id, data, error))
        return FALSE;

      if (thumbnail != NULL && !store_thumbnail (self, id, thumbnail, TRUE, error))
        return FALSE;

      *out_added = TRUE;
    }

  return (*out_row = read_row (self, id, error)) != NULL;
}

static void
add_run (SbLibrary *self,
         Job       *job)
{
  AddInput *input = job->input;
  g_autoptr(AddResult) result = g_new0 (AddResult, 1);

  if (!begin_write (self, &job->error))
    return;

  if (!store_media (self, input->row, input->data, input->thumbnail,
                    &result->row, &result->existed, &result->added, &job->error) ||
      !commit (self, &job->error))
    {
      rollback (self);
      return;
    }

  job->result = g_steal_pointer (&result);
  job->result_free = add_result_free;
}

static void
add_done (SbLibrary *self,
          Job       *job)
{
  AddResult *result = job->result;
  g_autoptr(SbMediaItem) item = NULL;

  if (job->error != NULL)
    {
      g_task_return_error (job->task, g_steal_pointer (&job->error));
      return;
    }

  item = sb_media_item_new_from_row (result->row);

  if (result->added)
    g_signal_emit (self, signals[MEDIA_ADDED], 0, item);

  g_task_set_task_data (job->task, GINT_TO_POINTER (result->existed), NULL);
  g_task_return_pointer (job->task, g_steal_pointer (&item), g_object_unref);
}

void
sb_library_add_media_async (SbLibrary           *self,
                            SbMediaItem         *item,
                            GBytes              *data,
                            GBytes              *thumbnail,
                            GCancellable        *cancellable,
                            GAsyncReadyCallback  callback,
                            gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  AddInput *input;

  g_return_if_fail (SB_IS_LIBRARY (self));
  g_return_if_fail (SB_IS_MEDIA_ITEM (item));
  g_return_if_fail (data != NULL);
  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, sb_library_add_media_async);

  input = g_new0 (AddInput, 1);
  input->row = sb_media_item_dup_row (item);
  input->data = g_bytes_ref (data);
  input->thumbnail = thumbnail ? g_bytes_ref (thumbnail) : NULL;

  queue_job (self, task, add_run, add_done, input, add_input_free);
}

SbMediaItem *
sb_library_add_media_finish (SbLibrary     *self,
                             GAsyncResult  *result,
                             gboolean      *out_existed,
                             GError       **error)
{
  SbMediaItem *item;

  g_return_val_if_fail (SB_IS_LIBRARY (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == sb_library_add_media_async, NULL);

  item = g_task_propagate_pointer (G_TASK (result), error);

  if (out_existed != NULL)
    *out_existed = item != NULL && GPOINTER_TO_INT (g_task_get_task_data (G_TASK (result)));

  return item;
}

/* Get */

static void
get_run (SbLibrary *self,
         Job       *job)
{
  gint64 id = *(gint64 *) job->input;

  job->result = read_row (self, id, &job->error);
  job->result_free = (GDestroyNotify) sb_media_row_free;
}

static void
get_done (SbLibrary *self,
          Job       *job)
{
  if (job->error != NULL)
    g_task_return_error (job->task, g_steal_pointer (&job->error));
  else
    g_task_return_pointer (job->task, sb_media_item_new_from_row (job->result), g_object_unref);
}

static gint64 *
dup_id (gint64 id)
{
  return g_memdup2 (&id, sizeof id);
}

void
sb_library_get_media_async (SbLibrary           *self,
                            gint64               id,
                            GCancellable        *cancellable,
                            GAsyncReadyCallback  callback,
                            gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (SB_IS_LIBRARY (self));
  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, sb_library_get_media_async);

  queue_job (self, task, get_run, get_done, dup_id (id), g_free);
}

SbMediaItem *
sb_library_get_media_finish (SbLibrary     *self,
                             GAsyncResult  *result,
                             GError       **error)
{
  g_return_val_if_fail (SB_IS_LIBRARY (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/* Thumbnails */

static void
load_thumbnail_run (SbLibrary *self,
                    Job       *job)
{
  gint64 id = *(gint64 *) job->input;
  sqlite3_stmt *stmt;
  int rc;

  if (!(stmt = get_statement (self, "SELECT data FROM thumbnails WHERE media_id = ?1", &job->error)))
    return;

  sqlite3_bind_int64 (stmt, 1, id);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    {
      job->result = g_bytes_new (sqlite3_column_blob (stmt, 0), sqlite3_column_bytes (stmt, 0));
      job->result_free = (GDestroyNotify) g_bytes_unref;
    }
  else if (rc == SQLITE_DONE)
    g_set_error_literal (&job->error, SB_LIBRARY_ERROR, SB_LIBRARY_ERROR_NOT_FOUND,
                         _("The item has no thumbnail"));
  else
    sb_db_set_error (&job->error, self->db, rc);

  sqlite3_reset (stmt);
}

void
sb_library_load_thumbnail_async (SbLibrary           *self,
                                 gint64               id,
                                 GCancellable        *cancellable,
                                 GAsyncReadyCallback  callback,
                                 gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (SB_IS_LIBRARY (self));
  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, sb_library_load_thumbnail_async);

  queue_job (self, task, load_thumbnail_run, job_return_pointer, dup_id (id), g_free);
}

GBytes *
sb_library_load_thumbnail_finish (SbLibrary     *self,
                                  GAsyncResult  *result,
                                  GError       **error)
{
  g_return_val_if_fail (SB_IS_LIBRARY (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

typedef struct
{
  gint64  id;
  GBytes *thumbnail;
} SetThumbnailInput;

static void
set_thumbnail_input_free (gpointer data)
{
  SetThumbnailInput *input = data;

  g_bytes_unref (input->thumbnail);
  g_free (input);
}

static gboolean
media_exists (SbLibrary  *self,
              gint64      id,
              GError    **error)
{
  sqlite3_stmt *stmt;
  int rc;

  if (!(stmt = get_statement (self, "SELECT 1 FROM media WHERE id = ?1", error)))
    return FALSE;

  sqlite3_bind_int64 (stmt, 1, id);
  rc = sqlite3_step (stmt);
  sqlite3_reset (stmt);

  if (rc == SQLITE_DONE)
    set_not_found_error (error);
  else if (rc != SQLITE_ROW)
    sb_db_set_error (error, self->db, rc);

  return rc == SQLITE_ROW;
}

static void
set_thumbnail_run (SbLibrary *self,
                   Job       *job)
{
  SetThumbnailInput *input = job->input;

  if (!begin_write (self, &job->error))
    return;

  if (!media_exists (self, input->id, &job->error) ||
      !store_thumbnail (self, input->id, input->thumbnail, TRUE, &job->error) ||
      !commit (self, &job->error))
    rollback (self);
}

void
sb_library_set_thumbnail_async (SbLibrary           *self,
                                gint64               id,
                                GBytes              *thumbnail,
                                GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  SetThumbnailInput *input;

  g_return_if_fail (SB_IS_LIBRARY (self));
  g_return_if_fail (thumbnail != NULL);
  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, sb_library_set_thumbnail_async);

  input = g_new0 (SetThumbnailInput, 1);
  input->id = id;
  input->thumbnail = g_bytes_ref (thumbnail);

  queue_job (self, task, set_thumbnail_run, job_return_boolean, input, set_thumbnail_input_free);
}

gboolean
sb_library_set_thumbnail_finish (SbLibrary     *self,
                                 GAsyncResult  *result,
                                 GError       **error)
{
  g_return_val_if_fail (SB_IS_LIBRARY (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

/* Bytes */

static sqlite3_blob *
open_media_blob (SbLibrary  *self,
                 gint64      id,
                 GError    **error)
{
  sqlite3_blob *blob = NULL;
  int rc;

  rc = sqlite3_blob_open (self->db, "main", "media_blobs", "data", id, 0, &blob);
  if (rc == SQLITE_OK)
    return blob;

  /* "no such rowid" comes back as a plain SQLITE_ERROR. */
  if (rc == SQLITE_ERROR)
    set_not_found_error (error);
  else
    sb_db_set_error (error, self->db, rc);

  sqlite3_blob_close (blob);

  return NULL;
}

static void
load_bytes_run (SbLibrary *self,
                Job       *job)
{
  gint64 id = *(gint64 *) job->input;
  sqlite3_blob *blob;
  guint8 *buffer;
  int size;
  int rc = SQLITE_OK;

  if (!(blob = open_media_blob (self, id, &job->error)))
    return;

  size = sqlite3_blob_bytes (blob);
  buffer = g_malloc (MAX (size, 1));

  for (int offset = 0; offset < size && rc == SQLITE_OK; offset += BLOB_CHUNK_SIZE)
    rc = sqlite3_blob_read (blob, buffer + offset, MIN (BLOB_CHUNK_SIZE, size - offset), offset);

  sqlite3_blob_close (blob);

  if (rc != SQLITE_OK)
    {
      g_free (buffer);
      sb_db_set_error (&job->error, self->db, rc);
      return;
    }

  job->result = g_bytes_new_take (buffer, size);
  job->result_free = (GDestroyNotify) g_bytes_unref;
}

void
sb_library_load_bytes_async (SbLibrary           *self,
                             gint64               id,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (SB_IS_LIBRARY (self));
  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, sb_library_load_bytes_async);

  queue_job (self, task, load_bytes_run, job_return_pointer, dup_id (id), g_free);
}

GBytes *
sb_library_load_bytes_finish (SbLibrary     *self,
                              GAsyncResult  *result,
                              GError       **error)
{
  g_return_val_if_fail (SB_IS_LIBRARY (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

typedef struct
{
  gint64  id;
  GFile  *destination;
} ExportInput;

static void
export_input_free (gpointer data)
{
  ExportInput *input = data;

  g_object_unref (input->destination);
  g_free (input);
}

static void
export_run (SbLibrary *self,
            Job       *job)
{
  ExportInput *input = job->input;
  g_autoptr(GFile) parent = NULL;
  g_autoptr(GFile) temp_file = NULL;
  g_autoptr(GOutputStream) stream = NULL;
  g_autofree char *basename = NULL;
  g_autofree char *template = NULL;
  g_autofree guint8 *buffer = NULL;
  sqlite3_blob *blob;
  GError **error = &job->error;
  int size;
  int fd;

  if (!(blob = open_media_blob (self, input->id, error)))
    return;

  /* A hidden temporary file beside the destination, renamed over it once
   * complete: the destination is never left half-written, and the rename
   * stays on one file system.  (g_file_replace() only does this when the
   * destination already exists.) */
  parent = g_file_get_parent (input->destination);
  basename = g_file_get_basename (input->destination);
  template = g_strdup_printf ("%s/.%s.XXXXXX", g_file_peek_path (parent), basename);

  fd = g_mkstemp_full (template, O_WRONLY | O_CLOEXEC, 0666);
  if (fd == -1)
    {
      int saved_errno = errno;

      sqlite3_blob_close (blob);
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno),
                   _("Could not write to “%s”: %s"),
                   g_file_peek_path (parent), g_strerror (saved_errno));
      return;
    }

  temp_file = g_file_new_for_path (template);
  stream = g_unix_output_stream_new (fd, TRUE);
  size = sqlite3_blob_bytes (blob);
  buffer = g_malloc (BLOB_CHUNK_SIZE);

  for (int offset = 0; offset < size; offset += BLOB_CHUNK_SIZE)
    {
      int n = MIN (BLOB_CHUNK_SIZE, size - offset);
      int rc = sqlite3_blob_read (blob, buffer, n, offset);

      if (rc != SQLITE_OK)
        {
          sb_db_set_error (error, self->db, rc);
          break;
        }

      if (!g_output_stream_write_all (stream, buffer, n, NULL, job->cancellable, error))
        break;
    }

  sqlite3_blob_close (blob);

  if (*error == NULL)
    {
      /* Data on disk before the rename makes it visible. */
      if (fsync (fd) != 0)
        {
          int saved_errno = errno;

          g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno),
                       _("Could not write to “%s”: %s"),
                       g_file_peek_path (parent), g_strerror (saved_errno));
        }
    }

  if (*error == NULL)
    g_output_stream_close (stream, NULL, error);
  else
    g_output_stream_close (stream, NULL, NULL);

  if (*error == NULL)
    g_file_move (temp_file, input->destination,
                 G_FILE_COPY_OVERWRITE | G_FILE_COPY_NO_FALLBACK_FOR_MOVE,
                 NULL, NULL, NULL, error);

  if (*error != NULL)
    g_file_delete (temp_file, NULL, NULL);
}

void
sb_library_export_async (SbLibrary           *self,
                         gint64               id,
                         GFile               *destination,
                         GCancellable        *cancellable,
                         GAsyncReadyCallback  callback,
                         gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  ExportInput *input;

  g_return_if_fail (SB_IS_LIBRARY (self));
  g_return_if_fail (G_IS_FILE (destination));
  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, sb_library_export_async);

  if (!g_file_is_native (destination) || g_file_peek_path (destination) == NULL)
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                               _("Media can only be exported to a local folder"));
      return;
    }

  input = g_new0 (ExportInput, 1);
  input->id = id;
  input->destination = g_object_ref (destination);

  queue_job (self, task, export_run, job_return_boolean, input, export_input_free);
}

gboolean
sb_library_export_finish (SbLibrary     *self,
                          GAsyncResult  *result,
                          GError       **error)
{
  g_return_val_if_fail (SB_IS_LIBRARY (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

/* Trash */

typedef struct
{
  gboolean    changed;
  SbMediaRow *row;      /* restore: the restored row */
} TrashResult;

static void
trash_result_free (gpointer data)
{
  TrashResult *result = data;

  g_clear_pointer (&result->row, sb_media_row_free);
  g_free (result);
}

static void
trash_run (SbLibrary *self,
           Job       *job)
{
  gint64 id = *(gint64 *) job->input;
  TrashResult *result;
  sqlite3_stmt *stmt;

  if (!begin_write (self, &job->error))
    return;

  if (!media_exists (self, id, &job->error))
    goto failed;

  if (!(stmt = get_statement (self, "UPDATE media SET trashed_at = ?2 WHERE id = ?1 AND trashed_at IS NULL", &job->error)))
    goto failed;
  sqlite3_bind_int64 (stmt, 1, id);
  sqlite3_bind_int64 (stmt, 2, g_get_real_time ());
  if (!step_done (self, stmt, &job->error))
    goto failed;

  result = g_new0 (TrashResult, 1);
  result->changed = sqlite3_changes (self->db) > 0;
  job->result = result;
  job->result_free = trash_result_free;

  if (!commit (self, &job->error))
    goto failed;

  return;

failed:
  rollback (self);
}

static void
trash_done (SbLibrary *self,
            Job       *job)
{
  TrashResult *result = job->result;

  if (job->error == NULL && result->changed)
    g_signal_emit (self, signals[MEDIA_REMOVED], 0, *(gint64 *) job->input);

  job_return_boolean (self, job);
}

void
sb_library_trash_media_async (SbLibrary           *self,
                              gint64               id,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (SB_IS_LIBRARY (self));
  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, sb_library_trash_media_async);

  queue_job (self, task, trash_run, trash_done, dup_id (id), g_free);
}

gboolean
sb_library_trash_media_finish (SbLibrary     *self,
                               GAsyncResult  *result,
                               GError       **error)
{
  g_return_val_if_fail (SB_IS_LIBRARY (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

static void
restore_run (SbLibrary *self,
             Job       *job)
{
  gint64 id = *(gint64 *) job->input;
  TrashResult *result;
  sqlite3_stmt *stmt;

  if (!begin_write (self, &job->error))
    return;

  if (!media_exists (self, id, &job->error))
    goto failed;

  if (!(stmt = get_statement (self, "UPDATE media SET trashed_at = NULL WHERE id = ?1 AND trashed_at IS NOT NULL", &job->error)))
    goto failed;
  sqlite3_bind_int64 (stmt, 1, id);
  if (!step_done (self, stmt, &job->error))
    goto failed;

  result = g_new0 (TrashResult, 1);
  result->changed = sqlite3_changes (self->db) > 0;
  job->result = result;
  job->result_free = trash_result_free;

  if (result->changed && !(result->row = read_row (self, id, &job->error)))
    goto failed;

  if (!commit (self, &job->error))
    goto failed;

  return;

failed:
  rollback (self);
}

static void
restore_done (SbLibrary *self,
              Job       *job)
{
  TrashResult *result = job->result;

  if (job->error == NULL && result->changed)
    {
      g_autoptr(SbMediaItem) item = sb_media_item_new_from_row (result->row);

      g_signal_emit (self, signals[MEDIA_ADDED], 0, item);
    }

  job_return_boolean (self, job);
}

void
sb_library_restore_media_async (SbLibrary           *self,
                                gint64               id,
                                GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (SB_IS_LIBRARY (self));
  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, sb_library_restore_media_async);

  queue_job (self, task, restore_run, restore_done, dup_id (id), g_free);
}

gboolean
sb_library_restore_media_finish (SbLibrary     *self,
                                 GAsyncResult  *result,
                                 GError       **error)
{
  g_return_val_if_fail (SB_IS_LIBRARY (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

static void
purge_run (SbLibrary *self,
           Job       *job)
{
  GArray *ids = g_array_new (FALSE, FALSE, sizeof (gint64));

  job->result = ids;
  job->result_free = (GDestroyNotify) g_array_unref;

  purge_trash (self, ids, &job->error);
}

static void
purge_done (SbLibrary *self,
            Job       *job)
{
  GArray *ids = job->result;

  if (job->error == NULL)
    {
      for (guint i = 0; i < ids->len; i++)
        g_signal_emit (self, signals[MEDIA_REMOVED], 0, g_array_index (ids, gint64, i));
    }

  job_return_boolean (self, job);
}

void
sb_library_purge_trash_async (SbLibrary           *self,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (SB_IS_LIBRARY (self));
  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, sb_library_purge_trash_async);

  queue_job (self, task, purge_run, purge_done, NULL, NULL);
}

gboolean
sb_library_purge_trash_finish (SbLibrary     *self,
                               GAsyncResult  *result,
                               GError       **error)
{
  g_return_val_if_fail (SB_IS_LIBRARY (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

/* Lists */

static void
list_run (SbLibrary *self,
          Job       *job)
{
  SbMediaKind kind = GPOINTER_TO_INT (job->input);
  GArray *entries;
  sqlite3_stmt *stmt;
  int rc;

  /* Both are covering scans of a partial gallery index. */
  if (kind == SB_MEDIA_KIND_ANY)
    stmt = get_statement (self,
                          "SELECT created_at, id FROM media WHERE trashed_at IS NULL "
                          "ORDER BY created_at DESC, id DESC",
                          &job->error);
  else
    stmt = get_statement (self,
                          "SELECT created_at, id FROM media WHERE trashed_at IS NULL AND kind = ?1 "
                          "ORDER BY created_at DESC, id DESC",
                          &job->error);
  if (stmt == NULL)
    return;

  if (kind != SB_MEDIA_KIND_ANY)
    sqlite3_bind_int (stmt, 1, kind);

  entries = g_array_new (FALSE, FALSE, sizeof (SbMediaListEntry));
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      SbMediaListEntry entry;

      entry.created_at = sqlite3_column_int64 (stmt, 0);
      entry.id = sqlite3_column_int64 (stmt, 1);
      g_array_append_val (entries, entry);
    }
  sqlite3_reset (stmt);

  if (rc != SQLITE_DONE)
    {
      sb_db_set_error (&job->error, self->db, rc);
      g_array_unref (entries);
      return;
    }

  job->result = entries;
  job->result_free = (GDestroyNotify) g_array_unref;
}

static void
list_done (SbLibrary *self,
           Job       *job)
{
  if (job->error != NULL)
    {
      g_task_return_error (job->task, g_steal_pointer (&job->error));
      return;
    }

  /* Created here, on the main context, before any later job's signals. */
  g_task_return_pointer (job->task,
                         sb_media_list_new (self, GPOINTER_TO_INT (job->input), job->result),
                         g_object_unref);
}

void
sb_library_list_media_async (SbLibrary           *self,
                             SbMediaKind          kind,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (SB_IS_LIBRARY (self));
  g_return_if_fail (kind == SB_MEDIA_KIND_ANY || kind == SB_MEDIA_KIND_IMAGE || kind == SB_MEDIA_KIND_VIDEO);
  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, sb_library_list_media_async);

  queue_job (self, task, list_run, list_done, GINT_TO_POINTER (kind), NULL);
}

SbMediaList *
sb_library_list_media_finish (SbLibrary     *self,
                              GAsyncResult  *result,
                              GError       **error)
{
  g_return_val_if_fail (SB_IS_LIBRARY (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
load_rows_run (SbLibrary *self,
               Job       *job)
{
  GArray *ids = job->input;
  GPtrArray *rows = g_ptr_array_new_with_free_func ((GDestroyNotify) sb_media_row_free);

  sqlite3_stmt *stmt;

  job->result = rows;
  job->result_free = (GDestroyNotify) g_ptr_array_unref;

  /* One read transaction: a consistent page, and one lock instead of one
   * per row. */
  if (!(stmt = get_statement (self, "BEGIN", &job->error)) ||
      !step_done (self, stmt, &job->error))
    return;

  for (guint i = 0; i < ids->len; i++)
    {
      g_autoptr(GError) error = NULL;
      SbMediaRow *row = read_row (self, g_array_index (ids, gint64, i), &error);

      if (row != NULL)
        g_ptr_array_add (rows, row);
      else if (!g_error_matches (error, SB_LIBRARY_ERROR, SB_LIBRARY_ERROR_NOT_FOUND))
        {
          g_propagate_error (&job->error, g_steal_pointer (&error));
          rollback (self);
          return;
        }
    }

  if (!commit (self, &job->error))
    rollback (self);
}

void
sb_library_load_rows_async (SbLibrary           *self,
                            GArray              *ids,
                            GCancellable        *cancellable,
                            GAsyncReadyCallback  callback,
                            gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (SB_IS_LIBRARY (self));
  g_return_if_fail (ids != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, sb_library_load_rows_async);

  queue_job (self, task, load_rows_run, job_return_pointer,
             g_array_ref (ids), (GDestroyNotify) g_array_unref);
}

GPtrArray *
sb_library_load_rows_finish (SbLibrary     *self,
                             GAsyncResult  *result,
                             GError       **error)
{
  g_return_val_if_fail (SB_IS_LIBRARY (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/* Test helper */

typedef struct
{
  guint  n_rows;
  gint64 first_created_at;
} SyntheticInput;

static void
insert_synthetic_run (SbLibrary *self,
                      Job       *job)
{
  SyntheticInput *input = job->input;
  sqlite3_stmt *stmt;

  if (!begin_write (self, &job->error))
    return;

  stmt = get_statement (self,
                        "INSERT INTO media (kind, mime_type, width, height, byte_size, sha256, filename, created_at) "
                        "VALUES (1, 'image/png', 64, 48, 0, 'synthetic-' || ?1, 'synthetic-' || ?1 || '.png', ?2)",
                        &job->error);
  if (stmt == NULL)
    goto failed;

  for (guint i = 0; i < input->n_rows; i++)
    {
      sqlite3_reset (stmt);
      sqlite3_bind_int64 (stmt, 1, i);
      sqlite3_bind_int64 (stmt, 2, input->first_created_at + i);
      if (!step_done (self, stmt, &job->error))
        goto failed;
    }

  if (!commit (self, &job->error))
    goto failed;

  return;

failed:
  rollback (self);
}

void
sb_library_insert_synthetic_async (SbLibrary           *self,
                                   guint                n_rows,
                                   gint64               first_created_at,
                                   GCancellable        *cancellable,
                                   GAsyncReadyCallback  callback,
                                   gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  SyntheticInput *input;

  g_return_if_fail (SB_IS_LIBRARY (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, sb_library_insert_synthetic_async);

  input = g_new0 (SyntheticInput, 1);
  input->n_rows = n_rows;
  input->first_created_at = first_created_at;

  queue_job (self, task, insert_synthetic_run, job_return_boolean, input, g_free);
}

gboolean
sb_library_insert_synthetic_finish (SbLibrary     *self,
                                    GAsyncResult  *result,
                                    GError       **error)
{
  g_return_val_if_fail (SB_IS_LIBRARY (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

/* Worker API for the other files of src/library (sb-library-worker.h) */

void
sb_library_queue_job (SbLibrary        *self,
                      GTask            *task,
                      SbLibraryJobFunc  run,
                      SbLibraryJobFunc  done,
                      gpointer          input,
                      GDestroyNotify    input_free)
{
  g_return_if_fail (SB_IS_LIBRARY (self));
  g_return_if_fail (G_IS_TASK (task));
  g_return_if_fail (run != NULL && done != NULL);

  queue_job (self, task, run, done, input, input_free);
}

void
sb_library_job_return_boolean (SbLibrary    *self,
                               SbLibraryJob *job)
{
  job_return_boolean (self, job);
}

void
sb_library_job_return_pointer (SbLibrary    *self,
                               SbLibraryJob *job)
{
  job_return_pointer (self, job);
}

sqlite3 *
sb_library_get_db (SbLibrary *self)
{
  g_assert (self->db != NULL);

  return self->db;
}

sqlite3_stmt *
sb_library_get_statement (SbLibrary   *self,
                          const char  *sql,
                          GError     **error)
{
  return get_statement (self, sql, error);
}

gboolean
sb_library_step_done (SbLibrary     *self,
                      sqlite3_stmt  *stmt,
                      GError       **error)
{
  return step_done (self, stmt, error);
}

gboolean
sb_library_begin_write (SbLibrary  *self,
                        GError    **error)
{
  return begin_write (self, error);
}

gboolean
sb_library_commit (SbLibrary  *self,
                   GError    **error)
{
  return commit (self, error);
}

void
sb_library_rollback (SbLibrary *self)
{
  rollback (self);
}

void
sb_library_emit_brief_changed (SbLibrary *self,
                               gint64     brief_id)
{
  g_return_if_fail (SB_IS_LIBRARY (self));

  g_signal_emit (self, signals[BRIEF_CHANGED], 0, brief_id);
}

void
sb_library_emit_media_added (SbLibrary   *self,
                             SbMediaItem *item)
{
  g_return_if_fail (SB_IS_LIBRARY (self));
  g_return_if_fail (SB_IS_MEDIA_ITEM (item));

  g_signal_emit (self, signals[MEDIA_ADDED], 0, item);
}

void
sb_library_emit_media_changed (SbLibrary   *self,
                               SbMediaItem *item)
{
  g_return_if_fail (SB_IS_LIBRARY (self));
  g_return_if_fail (SB_IS_MEDIA_ITEM (item));

  g_signal_emit (self, signals[MEDIA_CHANGED], 0, item);
}

gboolean
sb_library_store_media (SbLibrary         *self,
                        const SbMediaRow  *row,
                        GBytes            *data,
                        GBytes            *thumbnail,
                        SbMediaRow       **out_row,
                        gboolean          *out_existed,
                        gboolean          *out_added,
                        GError           **error)
{
  g_assert (!sqlite3_get_autocommit (self->db));

  return store_media (self, row, data, thumbnail, out_row, out_existed, out_added, error);
}

SbMediaRow *
sb_library_read_media_row (SbLibrary  *self,
                           gint64      id,
                           GError    **error)
{
  return read_row (self, id, error);
}
