/* sb-library-jobs.h
 *
 * Copyright 2026 The Storyboard authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "sb-generation-job.h"
#include "sb-library.h"

G_BEGIN_DECLS

/* Generation jobs, the model-collection cache and filtered media lists.
 * Same rules as the rest of SbLibrary (worker thread, one transaction per
 * write, objects snapshotted on the calling thread, ids filled in on
 * completion). */

/* Stores a new job (id 0) and fills its id and created-at. */
void        sb_library_add_job_async              (SbLibrary           *self,
                                                   SbGenerationJob     *job,
                                                   GCancellable        *cancellable,
                                                   GAsyncReadyCallback  callback,
                                                   gpointer             user_data);
gboolean    sb_library_add_job_finish             (SbLibrary           *self,
                                                   GAsyncResult        *result,
                                                   GError             **error);

/* Writes a stored job's status, prediction id, attempts, last error,
 * timestamps and media id. */
void        sb_library_update_job_async           (SbLibrary           *self,
                                                   SbGenerationJob     *job,
                                                   GCancellable        *cancellable,
                                                   GAsyncReadyCallback  callback,
                                                   gpointer             user_data);
gboolean    sb_library_update_job_finish          (SbLibrary           *self,
                                                   GAsyncResult        *result,
                                                   GError             **error);

/* In ONE transaction: stores the output as a media row (like
 * sb_library_add_media_async, with @item's provenance: origin generated,
 * prompt, model, version, parameters, seed, prediction id, links), marks
 * the job succeeded with its media id and completed-at, and makes it the
 * scene's chosen media when the scene has none.  Emits ::media-added.
 * Returns the stored item (an existing one when the bytes were already in
 * the library). */
void        sb_library_complete_job_async         (SbLibrary           *self,
                                                   SbGenerationJob     *job,
                                                   SbMediaItem         *item,
                                                   GBytes              *data,
                                                   GBytes              *thumbnail,
                                                   GCancellable        *cancellable,
                                                   GAsyncReadyCallback  callback,
                                                   gpointer             user_data);
SbMediaItem *sb_library_complete_job_finish       (SbLibrary           *self,
                                                   GAsyncResult        *result,
                                                   GError             **error);

/* GListModel of SbGenerationJob whose status is not terminal (queued,
 * starting, running, downloading), oldest first: what to resume at start. */
void        sb_library_list_unfinished_jobs_async (SbLibrary           *self,
                                                   GCancellable        *cancellable,
                                                   GAsyncReadyCallback  callback,
                                                   gpointer             user_data);
GListModel *sb_library_list_unfinished_jobs_finish (SbLibrary          *self,
                                                   GAsyncResult        *result,
                                                   GError             **error);

/* GListModel of SbGenerationJob of a revision (every status), oldest
 * first: each scene's latest job gives its state. */
void        sb_library_list_jobs_for_revision_async  (SbLibrary           *self,
                                                      gint64               revision_id,
                                                      GCancellable        *cancellable,
                                                      GAsyncReadyCallback  callback,
                                                      gpointer             user_data);
GListModel *sb_library_list_jobs_for_revision_finish (SbLibrary           *self,
                                                      GAsyncResult        *result,
                                                      GError             **error);

/* GListModel of SbGenerationJob of @kind that ended without an output
 * (failed, expired or interrupted; not canceled) and were not dismissed,
 * newest first, at most @limit of them.  What the Videos page shows as
 * failed tiles. */
void        sb_library_list_failed_jobs_async     (SbLibrary           *self,
                                                   SbMediaKind          kind,
                                                   guint                limit,
                                                   GCancellable        *cancellable,
                                                   GAsyncReadyCallback  callback,
                                                   gpointer             user_data);
GListModel *sb_library_list_failed_jobs_finish    (SbLibrary           *self,
                                                   GAsyncResult        *result,
                                                   GError             **error);

/* Marks a job dismissed (dismissed_at = now): it no longer shows among the
 * failed ones.  Its history stays. */
void        sb_library_dismiss_job_async          (SbLibrary           *self,
                                                   gint64               job_id,
                                                   GCancellable        *cancellable,
                                                   GAsyncReadyCallback  callback,
                                                   gpointer             user_data);
gboolean    sb_library_dismiss_job_finish         (SbLibrary           *self,
                                                   GAsyncResult        *result,
                                                   GError             **error);

/* Sets a scene's chosen media (the favourite variant that represents it). */
void        sb_library_set_scene_media_async      (SbLibrary           *self,
                                                   gint64               scene_id,
                                                   gint64               media_id,
                                                   GCancellable        *cancellable,
                                                   GAsyncReadyCallback  callback,
                                                   gpointer             user_data);
gboolean    sb_library_set_scene_media_finish     (SbLibrary           *self,
                                                   GAsyncResult        *result,
                                                   GError             **error);

/* The cache table: JSON text by key (e.g. "replicate/collections/text-to-image"),
 * with when it was fetched.  get fails with NOT_FOUND when absent. */
void        sb_library_cache_put_async            (SbLibrary           *self,
                                                   const char          *key,
                                                   const char          *json,
                                                   GCancellable        *cancellable,
                                                   GAsyncReadyCallback  callback,
                                                   gpointer             user_data);
gboolean    sb_library_cache_put_finish           (SbLibrary           *self,
                                                   GAsyncResult        *result,
                                                   GError             **error);
void        sb_library_cache_get_async            (SbLibrary           *self,
                                                   const char          *key,
                                                   GCancellable        *cancellable,
                                                   GAsyncReadyCallback  callback,
                                                   gpointer             user_data);
char       *sb_library_cache_get_finish           (SbLibrary           *self,
                                                   GAsyncResult        *result,
                                                   GDateTime          **out_fetched_at,
                                                   GError             **error);

/* Media lists with filters: @kind (ANY for all), @brief_id (0 = any),
 * @favourites_only, and @search (NULL/empty = none): full-text search over
 * prompt, model and file name (SQLite FTS5, prefix matching on the last
 * word).  Newest first, lazily paged like sb_library_list_media_async(),
 * and kept up to date (a new item is added only if it matches). */
typedef struct
{
  SbMediaKind  kind;
  gint64       brief_id;
  gboolean     favourites_only;
  const char  *search;
} SbMediaFilter;

void         sb_library_list_media_filtered_async  (SbLibrary           *self,
                                                    const SbMediaFilter *filter,
                                                    GCancellable        *cancellable,
                                                    GAsyncReadyCallback  callback,
                                                    gpointer             user_data);
SbMediaList *sb_library_list_media_filtered_finish (SbLibrary           *self,
                                                    GAsyncResult        *result,
                                                    GError             **error);

/* Marks or unmarks a media item as a favourite (::media-changed). */
void         sb_library_set_favourite_async        (SbLibrary           *self,
                                                    gint64               media_id,
                                                    gboolean             favourite,
                                                    GCancellable        *cancellable,
                                                    GAsyncReadyCallback  callback,
                                                    gpointer             user_data);
gboolean     sb_library_set_favourite_finish       (SbLibrary           *self,
                                                    GAsyncResult        *result,
                                                    GError             **error);

G_END_DECLS
