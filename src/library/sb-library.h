/* sb-library.h
 *
 * Copyright 2026 The Storyboard authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "sb-media-item.h"
#include "sb-media-list.h"

G_BEGIN_DECLS

#define SB_LIBRARY_ERROR (sb_library_error_quark ())

typedef enum
{
  SB_LIBRARY_ERROR_FAILED,
  SB_LIBRARY_ERROR_CORRUPT,    /* not a Storyboard library, or damaged */
  SB_LIBRARY_ERROR_TOO_NEW,    /* written by a newer Storyboard */
  SB_LIBRARY_ERROR_NOT_FOUND,
  SB_LIBRARY_ERROR_NO_SPACE,   /* disk full */
  SB_LIBRARY_ERROR_READ_ONLY,
  SB_LIBRARY_ERROR_BUSY,       /* locked by another process */
  SB_LIBRARY_ERROR_CLOSED,
} SbLibraryError;

GQuark sb_library_error_quark (void);

#define SB_TYPE_LIBRARY (sb_library_get_type ())

G_DECLARE_FINAL_TYPE (SbLibrary, sb_library, SB, LIBRARY, GObject)

/* The newest schema version this build knows (PRAGMA user_version). */
int           sb_library_get_schema_version      (void);

/* $XDG_DATA_HOME/storyboard/library.db */
GFile        *sb_library_dup_default_file        (void);

/* Opens (creating if needed) and migrates the library on its worker thread.
 * A corrupt file, or one with a newer user_version, fails with CORRUPT or
 * TOO_NEW and is left byte-for-byte untouched.  Signals and callbacks of the
 * returned library are dispatched on the thread-default main context of
 * this call. */
void          sb_library_open_async              (GFile               *file,
                                                  GCancellable        *cancellable,
                                                  GAsyncReadyCallback  callback,
                                                  gpointer             user_data);
SbLibrary    *sb_library_open_finish             (GAsyncResult        *result,
                                                  GError             **error);

GFile        *sb_library_get_file                (SbLibrary           *self);

/* Finishes queued work, then stops the worker and closes the database.
 * Later calls fail with SB_LIBRARY_ERROR_CLOSED.  Also done on dispose. */
void          sb_library_close                   (SbLibrary           *self);

/* Stores @data as a new media row, in one transaction: the metadata taken
 * from @item (kind, mime-type, width, height, duration, origin, filename,
 * prompt, model, model-version, parameters, seed, prediction-id, links), the
 * bytes in the blob table, and @thumbnail (an encoded PNG, may be NULL).
 * sha256 and byte-size are computed here.  If the same bytes are already in
 * the library (and not in the trash) nothing is written, the existing item is
 * returned and *out_existed is set; if they are in the trash they are
 * restored.  Emits ::media-added for a new row. */
void          sb_library_add_media_async         (SbLibrary           *self,
                                                  SbMediaItem         *item,
                                                  GBytes              *data,
                                                  GBytes              *thumbnail,
                                                  GCancellable        *cancellable,
                                                  GAsyncReadyCallback  callback,
                                                  gpointer             user_data);
SbMediaItem  *sb_library_add_media_finish        (SbLibrary           *self,
                                                  GAsyncResult        *result,
                                                  gboolean            *out_existed,
                                                  GError             **error);

/* A fully loaded item for @id. */
void          sb_library_get_media_async         (SbLibrary           *self,
                                                  gint64               id,
                                                  GCancellable        *cancellable,
                                                  GAsyncReadyCallback  callback,
                                                  gpointer             user_data);
SbMediaItem  *sb_library_get_media_finish        (SbLibrary           *self,
                                                  GAsyncResult        *result,
                                                  GError             **error);

/* The stored thumbnail (encoded PNG); NOT_FOUND when there is none. */
void          sb_library_load_thumbnail_async    (SbLibrary           *self,
                                                  gint64               id,
                                                  GCancellable        *cancellable,
                                                  GAsyncReadyCallback  callback,
                                                  gpointer             user_data);
GBytes       *sb_library_load_thumbnail_finish   (SbLibrary           *self,
                                                  GAsyncResult        *result,
                                                  GError             **error);

/* Stores (replaces) the thumbnail of @id. */
void          sb_library_set_thumbnail_async     (SbLibrary           *self,
                                                  gint64               id,
                                                  GBytes              *thumbnail,
                                                  GCancellable        *cancellable,
                                                  GAsyncReadyCallback  callback,
                                                  gpointer             user_data);
gboolean      sb_library_set_thumbnail_finish    (SbLibrary           *self,
                                                  GAsyncResult        *result,
                                                  GError             **error);

/* The whole original bytes, read with incremental blob I/O. */
void          sb_library_load_bytes_async        (SbLibrary           *self,
                                                  gint64               id,
                                                  GCancellable        *cancellable,
                                                  GAsyncReadyCallback  callback,
                                                  gpointer             user_data);
GBytes       *sb_library_load_bytes_finish       (SbLibrary           *self,
                                                  GAsyncResult        *result,
                                                  GError             **error);

/* Streams the original bytes into @destination (replacing it) in chunks with
 * incremental blob I/O, never holding the whole BLOB in memory.  Writes to a
 * temporary file beside it and renames, so a failure leaves no partial file. */
void          sb_library_export_async            (SbLibrary           *self,
                                                  gint64               id,
                                                  GFile               *destination,
                                                  GCancellable        *cancellable,
                                                  GAsyncReadyCallback  callback,
                                                  gpointer             user_data);
gboolean      sb_library_export_finish           (SbLibrary           *self,
                                                  GAsyncResult        *result,
                                                  GError             **error);

/* Moves @id to the trash: it disappears from every list (::media-removed)
 * but can be restored until the trash is purged. */
void          sb_library_trash_media_async       (SbLibrary           *self,
                                                  gint64               id,
                                                  GCancellable        *cancellable,
                                                  GAsyncReadyCallback  callback,
                                                  gpointer             user_data);
gboolean      sb_library_trash_media_finish      (SbLibrary           *self,
                                                  GAsyncResult        *result,
                                                  GError             **error);

/* Takes @id back out of the trash (::media-added). */
void          sb_library_restore_media_async     (SbLibrary           *self,
                                                  gint64               id,
                                                  GCancellable        *cancellable,
                                                  GAsyncReadyCallback  callback,
                                                  gpointer             user_data);
gboolean      sb_library_restore_media_finish    (SbLibrary           *self,
                                                  GAsyncResult        *result,
                                                  GError             **error);

/* Deletes everything in the trash for good (rows, blobs, thumbnails). */
void          sb_library_purge_trash_async       (SbLibrary           *self,
                                                  GCancellable        *cancellable,
                                                  GAsyncReadyCallback  callback,
                                                  gpointer             user_data);
gboolean      sb_library_purge_trash_finish      (SbLibrary           *self,
                                                  GAsyncResult        *result,
                                                  GError             **error);

/* A lazily paged, newest-first list of the media of @kind (ANY for all),
 * kept up to date as media are added, trashed and restored.  Only the ids
 * are read up front; rows are read a page at a time when asked for. */
void          sb_library_list_media_async        (SbLibrary           *self,
                                                  SbMediaKind          kind,
                                                  GCancellable        *cancellable,
                                                  GAsyncReadyCallback  callback,
                                                  gpointer             user_data);
SbMediaList  *sb_library_list_media_finish       (SbLibrary           *self,
                                                  GAsyncResult        *result,
                                                  GError             **error);

/* Signals (main context of sb_library_open_async):
 *   ::media-added    (SbMediaItem *item)  -- loaded item, new or restored
 *   ::media-removed  (gint64 id)          -- trashed or purged
 *   ::media-changed  (SbMediaItem *item)  -- loaded item with a row's new
 *                                            metadata (e.g. favourite)
 * They are emitted before the callback of the call that caused them runs. */

G_END_DECLS
