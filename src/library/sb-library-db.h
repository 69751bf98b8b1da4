/* sb-library-db.h
 *
 * Copyright 2026 The Storyboard authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

/* The SQLite side of the library: schema, migrations, opening, errors.
 * Only files in src/library include this header (and so <sqlite3.h>). */

#include <gio/gio.h>
#include <sqlite3.h>

G_BEGIN_DECLS

/* 'Stby': PRAGMA application_id of every Storyboard library. */
#define SB_LIBRARY_APPLICATION_ID 0x53746279

int       sb_db_get_latest_version  (void);

/* Opens @path (creating it and its folder if needed), checks that it is a
 * Storyboard library this build can read without writing anything, then
 * enables WAL and foreign keys and applies the missing migrations.  On
 * failure *out_db is NULL and the file has not been modified. */
gboolean  sb_db_open                (const char  *path,
                                     sqlite3    **out_db,
                                     GError     **error);

/* Applies migrations until user_version is @target_version, each in its own
 * IMMEDIATE transaction. */
gboolean  sb_db_migrate             (sqlite3     *db,
                                     int          target_version,
                                     GError     **error);

gboolean  sb_db_exec                (sqlite3     *db,
                                     const char  *sql,
                                     GError     **error);
gboolean  sb_db_query_int64         (sqlite3     *db,
                                     const char  *sql,
                                     gint64      *out_value,
                                     GError     **error);

/* Sets @error from @rc (and the connection's message) in SB_LIBRARY_ERROR
 * with a message for the user.  Always returns FALSE. */
gboolean  sb_db_set_error           (GError     **error,
                                     sqlite3     *db,
                                     int          rc);
void      sb_db_set_corrupt_error   (GError     **error);

/* Binding and reading helpers shared by the worker's jobs. */
void      sb_db_bind_text_or_null   (sqlite3_stmt *stmt,
                                     int           index,
                                     const char   *text);
/* Binds @id, or NULL when it is 0 or less (no link). */
void      sb_db_bind_id_or_null     (sqlite3_stmt *stmt,
                                     int           index,
                                     gint64        id);
char     *sb_db_column_dup_text     (sqlite3_stmt *stmt,
                                     int           column);

G_END_DECLS
