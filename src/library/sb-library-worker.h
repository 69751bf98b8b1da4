/* sb-library-worker.h
 *
 * Copyright 2026 The Storyboard authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

/* The library's worker, for other parts of SbLibrary living in their own
 * files of src/library (briefs, generation jobs...).  Includes <sqlite3.h>:
 * only for src/library.
 *
 * A call queues a job: run() executes on the worker thread, touching only
 * the database, job->input and job->result/error; done() then runs on the
 * library's main context, emits signals and returns job->task.  Each write
 * is one transaction: sb_library_begin_write() ... sb_library_commit(),
 * sb_library_rollback() on any error. */

#include "sb-library-db.h"
#include "sb-library-private.h"
#include "sb-library.h"

G_BEGIN_DECLS

typedef struct _SbLibraryJob SbLibraryJob;

typedef void (*SbLibraryJobFunc) (SbLibrary    *self,
                                  SbLibraryJob *job);

struct _SbLibraryJob
{
  SbLibraryJobFunc  run;          /* worker thread; NULL stops the worker */
  SbLibraryJobFunc  done;         /* main context */
  SbLibrary        *library;      /* borrowed: the task holds a ref */
  GTask            *task;
  GCancellable     *cancellable;
  gpointer          input;
  GDestroyNotify    input_free;
  gpointer          result;
  GDestroyNotify    result_free;
  GError           *error;
};

/* Main thread.  Takes @input; after close, fails @task with CLOSED. */
void           sb_library_queue_job            (SbLibrary         *self,
                                                GTask             *task,
                                                SbLibraryJobFunc   run,
                                                SbLibraryJobFunc   done,
                                                gpointer           input,
                                                GDestroyNotify     input_free);
/* Ready-made done() functions: return job->error, or TRUE / job->result. */
void           sb_library_job_return_boolean   (SbLibrary         *self,
                                                SbLibraryJob      *job);
void           sb_library_job_return_pointer   (SbLibrary         *self,
                                                SbLibraryJob      *job);

/* Main context (from a done() function). */
void           sb_library_emit_brief_changed   (SbLibrary         *self,
                                                gint64             brief_id);
void           sb_library_emit_media_added     (SbLibrary         *self,
                                                SbMediaItem       *item);
void           sb_library_emit_media_changed   (SbLibrary         *self,
                                                SbMediaItem       *item);

/* Worker thread only. */
sqlite3       *sb_library_get_db               (SbLibrary         *self);
/* A cached statement, reset and unbound; @sql must be a static string. */
sqlite3_stmt  *sb_library_get_statement        (SbLibrary         *self,
                                                const char        *sql,
                                                GError           **error);
/* Steps a statement that returns no row, then resets it. */
gboolean       sb_library_step_done            (SbLibrary         *self,
                                                sqlite3_stmt      *stmt,
                                                GError           **error);
gboolean       sb_library_begin_write          (SbLibrary         *self,
                                                GError           **error);
gboolean       sb_library_commit               (SbLibrary         *self,
                                                GError           **error);
void           sb_library_rollback             (SbLibrary         *self);
/* Inside a write transaction: stores a media row with its bytes and
 * thumbnail exactly like sb_library_add_media_async() (dedup by SHA-256,
 * restoring a trashed copy).  *out_row is the stored row; *out_added says
 * whether ::media-added is due. */
gboolean       sb_library_store_media          (SbLibrary         *self,
                                                const SbMediaRow  *row,
                                                GBytes            *data,
                                                GBytes            *thumbnail,
                                                SbMediaRow       **out_row,
                                                gboolean          *out_existed,
                                                gboolean          *out_added,
                                                GError           **error);
/* Row @id, trashed or not; NOT_FOUND if there is none. */
SbMediaRow    *sb_library_read_media_row       (SbLibrary         *self,
                                                gint64             id,
                                                GError           **error);

G_END_DECLS
