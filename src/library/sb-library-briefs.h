/* sb-library-briefs.h
 *
 * Copyright 2026 The Storyboard authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "sb-brief.h"
#include "sb-brief-revision.h"
#include "sb-library.h"
#include "sb-scene.h"

G_BEGIN_DECLS

/* Briefs, their revisions and scenes.  Same rules as the rest of
 * SbLibrary: all SQL on the worker, each write one transaction, the objects
 * passed in are snapshotted on the calling thread and only ever mutated on
 * the main thread (ids are filled in when the call completes).
 *
 * A brief's history is linear: revision 1 is the first generated brief,
 * each refine (or "go back to revision N") adds the next number.  The
 * newest revision is the one being edited; autosave rewrites it in place.
 * Going back never deletes anything. */

/* Stores a new brief and its first revision (with its scenes) in one
 * transaction.  On success @brief and @revision (and its scenes) have their
 * ids, @revision its number 1, and ::brief-changed is emitted. */
void             sb_library_create_brief_async        (SbLibrary           *self,
                                                       SbBrief             *brief,
                                                       SbBriefRevision     *revision,
                                                       GCancellable        *cancellable,
                                                       GAsyncReadyCallback  callback,
                                                       gpointer             user_data);
gboolean         sb_library_create_brief_finish       (SbLibrary           *self,
                                                       GAsyncResult        *result,
                                                       GError             **error);

/* Updates the brief row (title, prompt, platform, category, duration,
 * provider, model, reference) and its updated-at. */
void             sb_library_save_brief_async          (SbLibrary           *self,
                                                       SbBrief             *brief,
                                                       GCancellable        *cancellable,
                                                       GAsyncReadyCallback  callback,
                                                       gpointer             user_data);
gboolean         sb_library_save_brief_finish         (SbLibrary           *self,
                                                       GAsyncResult        *result,
                                                       GError             **error);

/* Autosave: rewrites a stored revision's content and scenes in one
 * transaction — scenes with an id are updated (position = index in the
 * list), scenes with id 0 are inserted (their ids are filled in), stored
 * scenes no longer in the list are deleted.  Also bumps the brief's
 * updated-at and title. */
void             sb_library_save_revision_async       (SbLibrary           *self,
                                                       SbBriefRevision     *revision,
                                                       GCancellable        *cancellable,
                                                       GAsyncReadyCallback  callback,
                                                       gpointer             user_data);
gboolean         sb_library_save_revision_finish      (SbLibrary           *self,
                                                       GAsyncResult        *result,
                                                       GError             **error);

/* Appends @revision (brief-id set, id 0) as the brief's next revision, with
 * its scenes, in one transaction; fills its id, number and scene ids. */
void             sb_library_add_revision_async        (SbLibrary           *self,
                                                       SbBriefRevision     *revision,
                                                       GCancellable        *cancellable,
                                                       GAsyncReadyCallback  callback,
                                                       gpointer             user_data);
gboolean         sb_library_add_revision_finish       (SbLibrary           *self,
                                                       GAsyncResult        *result,
                                                       GError             **error);

/* GListModel of SbBrief, most recently updated first; @search (may be NULL
 * or empty) matches title and prompt, case-insensitively. */
void             sb_library_list_briefs_async         (SbLibrary           *self,
                                                       const char          *search,
                                                       GCancellable        *cancellable,
                                                       GAsyncReadyCallback  callback,
                                                       gpointer             user_data);
GListModel      *sb_library_list_briefs_finish        (SbLibrary           *self,
                                                       GAsyncResult        *result,
                                                       GError             **error);

void             sb_library_get_brief_async           (SbLibrary           *self,
                                                       gint64               brief_id,
                                                       GCancellable        *cancellable,
                                                       GAsyncReadyCallback  callback,
                                                       gpointer             user_data);
SbBrief         *sb_library_get_brief_finish          (SbLibrary           *self,
                                                       GAsyncResult        *result,
                                                       GError             **error);

/* GListModel of SbBriefRevision (with their scenes), oldest first. */
void             sb_library_list_revisions_async      (SbLibrary           *self,
                                                       gint64               brief_id,
                                                       GCancellable        *cancellable,
                                                       GAsyncReadyCallback  callback,
                                                       gpointer             user_data);
GListModel      *sb_library_list_revisions_finish     (SbLibrary           *self,
                                                       GAsyncResult        *result,
                                                       GError             **error);

/* The newest revision of @brief_id, with its scenes. */
void             sb_library_load_latest_revision_async  (SbLibrary           *self,
                                                         gint64               brief_id,
                                                         GCancellable        *cancellable,
                                                         GAsyncReadyCallback  callback,
                                                         gpointer             user_data);
SbBriefRevision *sb_library_load_latest_revision_finish (SbLibrary           *self,
                                                         GAsyncResult        *result,
                                                         GError             **error);

/* Deletes a brief with its revisions and scenes; media made from it stay
 * in the library, unlinked. */
void             sb_library_delete_brief_async        (SbLibrary           *self,
                                                       gint64               brief_id,
                                                       GCancellable        *cancellable,
                                                       GAsyncReadyCallback  callback,
                                                       gpointer             user_data);
gboolean         sb_library_delete_brief_finish       (SbLibrary           *self,
                                                       GAsyncResult        *result,
                                                       GError             **error);

/* Signal on SbLibrary: ::brief-changed (gint64 brief_id), emitted on the
 * main context after any of the writes above (and delete) completes, so
 * lists of briefs can refresh. */

G_END_DECLS
