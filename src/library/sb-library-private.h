/* sb-library-private.h
 *
 * Copyright 2026 The Storyboard authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

/* Shared between the files of src/library and the library's unit tests.
 * Nothing here exposes SQLite: only the C files of src/library include <sqlite3.h>. */

#include "sb-generation-job.h"
#include "sb-library-jobs.h"
#include "sb-library.h"
#include "sb-media-item.h"
#include "sb-media-list.h"

G_BEGIN_DECLS

/* A plain copy of one media row.  The worker thread produces these; they
 * are copied into SbMediaItems on the main thread. */
typedef struct
{
  gint64         id;
  SbMediaKind    kind;
  char          *mime_type;
  int            width;
  int            height;
  double         duration;
  gint64         byte_size;
  char          *sha256;
  SbMediaOrigin  origin;
  char          *filename;
  gint64         created_at;       /* unix microseconds, UTC; 0 = unset */
  gboolean       favourite;
  char          *prompt;
  char          *model;
  char          *model_version;
  char          *parameters;       /* JSON */
  gint64         seed;             /* -1 = none */
  char          *prediction_id;
  gint64         brief_id;         /* 0 = none */
  gint64         revision_id;
  gint64         scene_id;
  gint64         source_media_id;
  gint64         trashed_at;       /* 0 = not in the trash */
} SbMediaRow;

SbMediaRow  *sb_media_row_new              (void);
void         sb_media_row_free             (SbMediaRow        *row);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (SbMediaRow, sb_media_row_free)

/* SbMediaItem: main thread only. */
SbMediaItem *sb_media_item_new_for_id      (gint64             id);
SbMediaItem *sb_media_item_new_from_row    (const SbMediaRow  *row);
/* Copies @row into @self, notifying only the properties that changed, and
 * sets :loaded. */
void         sb_media_item_fill_from       (SbMediaItem       *self,
                                            const SbMediaRow  *row);
/* A snapshot of the item's current values, for the worker. */
SbMediaRow  *sb_media_item_dup_row         (SbMediaItem       *self);
gint64       sb_media_item_get_created_at_us (SbMediaItem     *self);

/* One entry of an SbMediaList: the sort key read with the id from the
 * gallery index. */
typedef struct
{
  gint64 created_at;
  gint64 id;
} SbMediaListEntry;

/* SbMediaList */
#define SB_MEDIA_LIST_PAGE_SIZE        100
#define SB_MEDIA_LIST_MAX_CACHED_PAGES 20

SbMediaList *sb_media_list_new             (SbLibrary         *library,
                                            SbMediaKind        kind,
                                            GArray            *entries);
SbMediaKind  sb_media_list_get_kind        (SbMediaList       *self);
guint        sb_media_list_get_n_cached_pages (SbMediaList    *self);
guint        sb_media_list_get_n_live_items   (SbMediaList    *self);
guint        sb_media_list_get_n_pending      (SbMediaList    *self);

/* Reads the rows of @ids (an array of gint64) on the worker.  The result is
 * a GPtrArray of SbMediaRow, in the order of @ids, without the ids that no
 * longer exist. */
void         sb_library_load_rows_async    (SbLibrary           *self,
                                            GArray              *ids,
                                            GCancellable        *cancellable,
                                            GAsyncReadyCallback  callback,
                                            gpointer             user_data);
GPtrArray   *sb_library_load_rows_finish   (SbLibrary           *self,
                                            GAsyncResult        *result,
                                            GError             **error);

/* Filtered lists and generation jobs (sb-library-jobs.c) */

/* A list showing what @filter selects (its strings are copied). */
SbMediaList *sb_media_list_new_filtered    (SbLibrary           *library,
                                            const SbMediaFilter *filter,
                                            GArray              *entries);
/* Whether @filter's search has anything but white space in it. */
gboolean     sb_media_filter_has_search    (const SbMediaFilter *filter);
/* The FTS5 MATCH expression for a user's search text: each word quoted
 * (double quotes doubled), the last one a prefix.  NULL when the text has
 * no word at all (empty, spaces, punctuation): such a search matches
 * nothing. */
char        *sb_media_filter_build_match   (const char          *search);
/* Whether row @id is in the trash-free set @filter selects, on the worker
 * (for what only SQL can tell: the search). */
void         sb_library_media_matches_async  (SbLibrary           *self,
                                              gint64               id,
                                              const SbMediaFilter *filter,
                                              GCancellable        *cancellable,
                                              GAsyncReadyCallback  callback,
                                              gpointer             user_data);
gboolean     sb_library_media_matches_finish (SbLibrary           *self,
                                              GAsyncResult        *result,
                                              GError             **error);
void         sb_generation_job_set_created_at (SbGenerationJob  *self,
                                               GDateTime        *created_at);

/* Test helpers.  They are not used by the application. */

/* Inserts @n_rows synthetic metadata rows (no bytes) in one transaction on
 * the worker: row i (0-based) has created_at = @first_created_at + i,
 * filename "synthetic-<i>.png", kind IMAGE, and sha256 "synthetic-<i>".
 * Emits no signals. */
void         sb_library_insert_synthetic_async  (SbLibrary           *self,
                                                 guint                n_rows,
                                                 gint64               first_created_at,
                                                 GCancellable        *cancellable,
                                                 GAsyncReadyCallback  callback,
                                                 gpointer             user_data);
gboolean     sb_library_insert_synthetic_finish (SbLibrary           *self,
                                                 GAsyncResult        *result,
                                                 GError             **error);

/* Synchronous, on the calling thread, with their own connection: for tests
 * that prepare or inspect a file while no SbLibrary has it open. */

/* Creates @path at schema @version by applying migrations 1..@version as the
 * library would. */
gboolean     sb_library_test_create_at_version (const char  *path,
                                                int          version,
                                                GError     **error);
gboolean     sb_library_test_exec              (const char  *path,
                                                const char  *sql,
                                                GError     **error);
/* Every row of the result, columns joined by '|', rows by '\n'. */
char        *sb_library_test_query             (const char  *path,
                                                const char  *sql,
                                                GError     **error);

/* The error sb_library would report for the SQLite result code named
 * @code_name ("SQLITE_FULL", "SQLITE_BUSY", ...). */
GError      *sb_library_test_map_sqlite_error  (const char  *code_name);

G_END_DECLS
