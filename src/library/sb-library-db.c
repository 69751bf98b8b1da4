/* sb-library-db.c
 *
 * Copyright 2026 The Storyboard authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "sb-library"

#include "config.h"

#include <errno.h>
#include <glib/gi18n.h>
#include <glib/gstdio.h>

#include "sb-library-db.h"
#include "sb-library-private.h"
#include "sb-library.h"

/* Migration N (0-based) takes a library from user_version N to N + 1.
 * Never edit an entry once released: append a new one, and a test case
 * in tests/unit/test-library.c that starts from the version before it.
 * Times are unix microseconds, UTC.  JSON columns are TEXT checked with
 * json_valid(). */
static const char * const migrations[] = {
  /* 0 -> 1: the whole first schema. */
  "PRAGMA application_id = 1400136313;\n" /* SB_LIBRARY_APPLICATION_ID */

  "CREATE TABLE briefs (\n"
  "  id                 INTEGER PRIMARY KEY,\n"
  "  title              TEXT NOT NULL DEFAULT '',\n"
  "  prompt             TEXT NOT NULL DEFAULT '',\n"
  "  platform           TEXT,\n"
  "  category           TEXT,\n"
  "  target_duration    REAL,\n"
  "  provider           TEXT,\n"
  "  model              TEXT,\n"
  "  reference_media_id INTEGER REFERENCES media (id) ON DELETE SET NULL,\n"
  "  created_at         INTEGER NOT NULL,\n"
  "  updated_at         INTEGER NOT NULL\n"
  ");\n"
  "CREATE INDEX briefs_reference_media ON briefs (reference_media_id)\n"
  "  WHERE reference_media_id IS NOT NULL;\n"

  "CREATE TABLE brief_revisions (\n"
  "  id                 INTEGER PRIMARY KEY,\n"
  "  brief_id           INTEGER NOT NULL REFERENCES briefs (id) ON DELETE CASCADE,\n"
  "  number             INTEGER NOT NULL,\n"
  "  parent_revision_id INTEGER REFERENCES brief_revisions (id) ON DELETE SET NULL,\n"
  "  instruction        TEXT,\n"
  "  content            TEXT NOT NULL DEFAULT '{}' CHECK (json_valid (content)),\n"
  "  provider           TEXT,\n"
  "  model              TEXT,\n"
  "  created_at         INTEGER NOT NULL,\n"
  "  UNIQUE (brief_id, number)\n"
  ");\n"
  "CREATE INDEX brief_revisions_parent ON brief_revisions (parent_revision_id);\n"

  "CREATE TABLE scenes (\n"
  "  id                 INTEGER PRIMARY KEY,\n"
  "  revision_id        INTEGER NOT NULL REFERENCES brief_revisions (id) ON DELETE CASCADE,\n"
  "  position           INTEGER NOT NULL,\n"
  "  title              TEXT NOT NULL DEFAULT '',\n"
  "  description        TEXT NOT NULL DEFAULT '',\n"
  "  duration_seconds   REAL,\n"
  "  shot_notes         TEXT,\n"
  "  generation_prompt  TEXT,\n"
  "  chosen_media_id    INTEGER REFERENCES media (id) ON DELETE SET NULL\n"
  ");\n"
  "CREATE INDEX scenes_revision ON scenes (revision_id, position);\n"
  "CREATE INDEX scenes_chosen_media ON scenes (chosen_media_id)\n"
  "  WHERE chosen_media_id IS NOT NULL;\n"

  "CREATE TABLE media (\n"
  "  id                 INTEGER PRIMARY KEY,\n"
  "  kind               INTEGER NOT NULL CHECK (kind IN (1, 2)),\n"
  "  mime_type          TEXT NOT NULL,\n"
  "  width              INTEGER NOT NULL DEFAULT 0,\n"
  "  height             INTEGER NOT NULL DEFAULT 0,\n"
  "  duration           REAL NOT NULL DEFAULT 0,\n"
  "  byte_size          INTEGER NOT NULL,\n"
  "  sha256             TEXT NOT NULL UNIQUE,\n"
  "  origin             INTEGER NOT NULL DEFAULT 0 CHECK (origin IN (0, 1)),\n"
  "  filename           TEXT,\n"
  "  brief_id           INTEGER REFERENCES briefs (id) ON DELETE SET NULL,\n"
  "  revision_id        INTEGER REFERENCES brief_revisions (id) ON DELETE SET NULL,\n"
  "  scene_id           INTEGER REFERENCES scenes (id) ON DELETE SET NULL,\n"
  "  source_media_id    INTEGER REFERENCES media (id) ON DELETE SET NULL,\n"
  "  prompt             TEXT,\n"
  "  model              TEXT,\n"
  "  model_version      TEXT,\n"
  "  parameters         TEXT CHECK (parameters IS NULL OR json_valid (parameters)),\n"
  "  seed               INTEGER,\n"
  "  prediction_id      TEXT,\n"
  "  created_at         INTEGER NOT NULL,\n"
  "  favourite          INTEGER NOT NULL DEFAULT 0,\n"
  "  trashed_at         INTEGER\n"
  ");\n"
  /* The gallery: SELECT id ... WHERE trashed_at IS NULL ORDER BY
   * created_at DESC, id DESC is a covering scan of one of these.  The
   * (always NULL) trashed_at column is there because SQLite 3.40 does not
   * count a partial index as covering a column its WHERE mentions. */
  "CREATE INDEX media_gallery ON media (created_at DESC, id DESC, trashed_at)\n"
  "  WHERE trashed_at IS NULL;\n"
  "CREATE INDEX media_gallery_kind ON media (kind, created_at DESC, id DESC, trashed_at)\n"
  "  WHERE trashed_at IS NULL;\n"
  "CREATE INDEX media_trash ON media (trashed_at) WHERE trashed_at IS NOT NULL;\n"
  "CREATE INDEX media_brief ON media (brief_id) WHERE brief_id IS NOT NULL;\n"
  "CREATE INDEX media_revision ON media (revision_id) WHERE revision_id IS NOT NULL;\n"
  "CREATE INDEX media_scene ON media (scene_id) WHERE scene_id IS NOT NULL;\n"
  "CREATE INDEX media_source ON media (source_media_id) WHERE source_media_id IS NOT NULL;\n"
  "CREATE INDEX media_prediction ON media (prediction_id) WHERE prediction_id IS NOT NULL;\n"

  /* Bytes live apart from the metadata so that listing never reads them. */
  "CREATE TABLE media_blobs (\n"
  "  media_id           INTEGER PRIMARY KEY REFERENCES media (id) ON DELETE CASCADE,\n"
  "  data               BLOB NOT NULL\n"
  ");\n"

  "CREATE TABLE thumbnails (\n"
  "  media_id           INTEGER PRIMARY KEY REFERENCES media (id) ON DELETE CASCADE,\n"
  "  mime_type          TEXT NOT NULL DEFAULT 'image/png',\n"
  "  width              INTEGER,\n"
  "  height             INTEGER,\n"
  "  data               BLOB NOT NULL\n"
  ");\n"

  "CREATE TABLE generation_jobs (\n"
  "  id                 INTEGER PRIMARY KEY,\n"
  "  kind               TEXT NOT NULL,\n"
  "  provider           TEXT NOT NULL,\n"
  "  model              TEXT,\n"
  "  model_version      TEXT,\n"
  "  input              TEXT NOT NULL DEFAULT '{}' CHECK (json_valid (input)),\n"
  "  brief_id           INTEGER REFERENCES briefs (id) ON DELETE SET NULL,\n"
  "  revision_id        INTEGER REFERENCES brief_revisions (id) ON DELETE SET NULL,\n"
  "  scene_id           INTEGER REFERENCES scenes (id) ON DELETE SET NULL,\n"
  "  prediction_id      TEXT,\n"
  "  status             TEXT NOT NULL DEFAULT 'queued'\n"
  "                     CHECK (status IN ('queued', 'running', 'succeeded', 'failed', 'cancelled')),\n"
  "  attempts           INTEGER NOT NULL DEFAULT 0,\n"
  "  last_error         TEXT,\n"
  "  created_at         INTEGER NOT NULL,\n"
  "  updated_at         INTEGER NOT NULL,\n"
  "  started_at         INTEGER,\n"
  "  completed_at       INTEGER,\n"
  "  media_id           INTEGER REFERENCES media (id) ON DELETE SET NULL\n"
  ");\n"
  "CREATE INDEX generation_jobs_pending ON generation_jobs (status, created_at)\n"
  "  WHERE status IN ('queued', 'running');\n"
  "CREATE INDEX generation_jobs_brief ON generation_jobs (brief_id) WHERE brief_id IS NOT NULL;\n"
  "CREATE INDEX generation_jobs_revision ON generation_jobs (revision_id) WHERE revision_id IS NOT NULL;\n"
  "CREATE INDEX generation_jobs_scene ON generation_jobs (scene_id) WHERE scene_id IS NOT NULL;\n"
  "CREATE INDEX generation_jobs_media ON generation_jobs (media_id) WHERE media_id IS NOT NULL;\n"

  /* Cached provider answers (model collections and the like). */
  "CREATE TABLE cache (\n"
  "  key                TEXT PRIMARY KEY,\n"
  "  json               TEXT NOT NULL CHECK (json_valid (json)),\n"
  "  fetched_at         INTEGER NOT NULL\n"
  ") WITHOUT ROWID;\n",

  /* 1 -> 2: full-text search over media (an external-content FTS5 index
   * kept in sync by triggers), and generation_jobs rebuilt for every
   * SbJobStatus, a batch id and the source image of image-to-video jobs. */
  "CREATE VIRTUAL TABLE media_fts USING fts5 (\n"
  "  prompt, model, filename, content='media', content_rowid='id'\n"
  ");\n"
  "CREATE TRIGGER media_fts_insert AFTER INSERT ON media BEGIN\n"
  "  INSERT INTO media_fts (rowid, prompt, model, filename)\n"
  "    VALUES (new.id, new.prompt, new.model, new.filename);\n"
  "END;\n"
  "CREATE TRIGGER media_fts_delete AFTER DELETE ON media BEGIN\n"
  "  INSERT INTO media_fts (media_fts, rowid, prompt, model, filename)\n"
  "    VALUES ('delete', old.id, old.prompt, old.model, old.filename);\n"
  "END;\n"
  /* Only the indexed columns: favourite and trash changes cost nothing. */
  "CREATE TRIGGER media_fts_update AFTER UPDATE OF id, prompt, model, filename ON media BEGIN\n"
  "  INSERT INTO media_fts (media_fts, rowid, prompt, model, filename)\n"
  "    VALUES ('delete', old.id, old.prompt, old.model, old.filename);\n"
  "  INSERT INTO media_fts (rowid, prompt, model, filename)\n"
  "    VALUES (new.id, new.prompt, new.model, new.filename);\n"
  "END;\n"
  "INSERT INTO media_fts (media_fts) VALUES ('rebuild');\n"

  "CREATE TABLE generation_jobs_new (\n"
  "  id                 INTEGER PRIMARY KEY,\n"
  "  batch_id           TEXT,\n"
  "  kind               TEXT NOT NULL CHECK (kind IN ('image', 'video')),\n"
  "  provider           TEXT NOT NULL,\n"
  "  model              TEXT,\n"
  "  model_version      TEXT,\n"
  "  input              TEXT NOT NULL DEFAULT '{}' CHECK (json_valid (input)),\n"
  "  brief_id           INTEGER REFERENCES briefs (id) ON DELETE SET NULL,\n"
  "  revision_id        INTEGER REFERENCES brief_revisions (id) ON DELETE SET NULL,\n"
  "  scene_id           INTEGER REFERENCES scenes (id) ON DELETE SET NULL,\n"
  "  source_media_id    INTEGER REFERENCES media (id) ON DELETE SET NULL,\n"
  "  prediction_id      TEXT,\n"
  "  status             TEXT NOT NULL DEFAULT 'queued'\n"
  "                     CHECK (status IN ('queued', 'starting', 'running', 'downloading', 'succeeded',\n"
  "                                       'failed', 'cancelled', 'expired', 'interrupted')),\n"
  "  attempts           INTEGER NOT NULL DEFAULT 0,\n"
  "  last_error         TEXT,\n"
  "  created_at         INTEGER NOT NULL,\n"
  "  updated_at         INTEGER NOT NULL,\n"
  "  started_at         INTEGER,\n"
  "  completed_at       INTEGER,\n"
  "  media_id           INTEGER REFERENCES media (id) ON DELETE SET NULL\n"
  ");\n"
  "INSERT INTO generation_jobs_new (id, kind, provider, model, model_version, input, brief_id,\n"
  "                                 revision_id, scene_id, prediction_id, status, attempts, last_error,\n"
  "                                 created_at, updated_at, started_at, completed_at, media_id)\n"
  "  SELECT id, CASE kind WHEN 'video' THEN 'video' ELSE 'image' END, provider, model, model_version,\n"
  "         input, brief_id, revision_id, scene_id, prediction_id, status, attempts, last_error,\n"
  "         created_at, updated_at, started_at, completed_at, media_id\n"
  "  FROM generation_jobs;\n"
  "DROP TABLE generation_jobs;\n"
  "ALTER TABLE generation_jobs_new RENAME TO generation_jobs;\n"
  /* What to resume at start: every status that is not terminal. */
  "CREATE INDEX generation_jobs_pending ON generation_jobs (created_at, id)\n"
  "  WHERE status IN ('queued', 'starting', 'running', 'downloading');\n"
  "CREATE INDEX generation_jobs_batch ON generation_jobs (batch_id) WHERE batch_id IS NOT NULL;\n"
  "CREATE INDEX generation_jobs_brief ON generation_jobs (brief_id) WHERE brief_id IS NOT NULL;\n"
  "CREATE INDEX generation_jobs_revision ON generation_jobs (revision_id, created_at, id)\n"
  "  WHERE revision_id IS NOT NULL;\n"
  "CREATE INDEX generation_jobs_scene ON generation_jobs (scene_id) WHERE scene_id IS NOT NULL;\n"
  "CREATE INDEX generation_jobs_source ON generation_jobs (source_media_id)\n"
  "  WHERE source_media_id IS NOT NULL;\n"
  "CREATE INDEX generation_jobs_media ON generation_jobs (media_id) WHERE media_id IS NOT NULL;\n",

  /* 2 -> 3: jobs that ended without output can be dismissed (retried, or
   * removed by the user); the others are listed as failed, newest first. */
  "ALTER TABLE generation_jobs ADD COLUMN dismissed_at INTEGER;\n"
  "CREATE INDEX generation_jobs_failed ON generation_jobs (kind, created_at DESC, id DESC)\n"
  "  WHERE status IN ('failed', 'expired', 'interrupted') AND dismissed_at IS NULL;\n",
};

G_STATIC_ASSERT (SB_LIBRARY_APPLICATION_ID == 1400136313);

/* Tables whose structure is checked when a library is opened.  The blob
 * tables are left out: checking them would read every byte of the library. */
static const char * const checked_tables[] = {
  "media", "briefs", "brief_revisions", "scenes", "generation_jobs", "cache",
};

int
sb_db_get_latest_version (void)
{
  return G_N_ELEMENTS (migrations);
}

void
sb_db_set_corrupt_error (GError **error)
{
  g_set_error_literal (error, SB_LIBRARY_ERROR, SB_LIBRARY_ERROR_CORRUPT,
                       _("The library file is damaged or is not a Storyboard library"));
}

gboolean
sb_db_set_error (GError  **error,
                 sqlite3  *db,
                 int       rc)
{
  const char *detail = db != NULL ? sqlite3_errmsg (db) : sqlite3_errstr (rc);

  g_debug ("SQLite error %d: %s", rc, detail);

  switch (rc & 0xff)
    {
    case SQLITE_FULL:
      g_set_error_literal (error, SB_LIBRARY_ERROR, SB_LIBRARY_ERROR_NO_SPACE,
                           _("There is not enough disk space to save to the library. Free some space and try again."));
      break;

    case SQLITE_CORRUPT:
    case SQLITE_NOTADB:
      sb_db_set_corrupt_error (error);
      break;

    case SQLITE_READONLY:
    case SQLITE_PERM:
      g_set_error_literal (error, SB_LIBRARY_ERROR, SB_LIBRARY_ERROR_READ_ONLY,
                           _("The library file cannot be written to. Check that you may write to it and to its folder."));
      break;

    case SQLITE_BUSY:
    case SQLITE_LOCKED:
      g_set_error_literal (error, SB_LIBRARY_ERROR, SB_LIBRARY_ERROR_BUSY,
                           _("The library is in use by another program. Close it and try again."));
      break;

    case SQLITE_CANTOPEN:
      g_set_error (error, SB_LIBRARY_ERROR, SB_LIBRARY_ERROR_FAILED,
                   _("The library file could not be opened: %s"), detail);
      break;

    case SQLITE_TOOBIG:
      g_set_error_literal (error, SB_LIBRARY_ERROR, SB_LIBRARY_ERROR_FAILED,
                           _("The file is too large to be stored in the library."));
      break;

    default:
      g_set_error (error, SB_LIBRARY_ERROR, SB_LIBRARY_ERROR_FAILED,
                   _("The library could not be read or written: %s"), detail);
      break;
    }

  return FALSE;
}

gboolean
sb_db_exec (sqlite3     *db,
            const char  *sql,
            GError     **error)
{
  int rc = sqlite3_exec (db, sql, NULL, NULL, NULL);

  if (rc != SQLITE_OK)
    return sb_db_set_error (error, db, rc);

  return TRUE;
}

gboolean
sb_db_query_int64 (sqlite3     *db,
                   const char  *sql,
                   gint64      *out_value,
                   GError     **error)
{
  sqlite3_stmt *stmt = NULL;
  int rc;

  rc = sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL);
  if (rc != SQLITE_OK)
    return sb_db_set_error (error, db, rc);

  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    {
      *out_value = sqlite3_column_int64 (stmt, 0);
      rc = SQLITE_OK;
    }
  else if (rc == SQLITE_DONE)
    {
      *out_value = 0;
      rc = SQLITE_OK;
    }

  if (rc != SQLITE_OK)
    {
      sb_db_set_error (error, db, rc);
      sqlite3_finalize (stmt);
      return FALSE;
    }

  sqlite3_finalize (stmt);

  return TRUE;
}

static void
rollback (sqlite3 *db)
{
  if (!sqlite3_get_autocommit (db))
    sqlite3_exec (db, "ROLLBACK", NULL, NULL, NULL);
}

static gboolean
apply_migration (sqlite3  *db,
                 int       from_version,
                 GError  **error)
{
  g_autofree char *set_version = NULL;
  sqlite3_stmt *stmt = NULL;
  gint64 version;
  int rc;

  if (!sb_db_exec (db, "BEGIN IMMEDIATE", error))
    return FALSE;

  /* Another process may have migrated while we waited for the lock. */
  if (!sb_db_query_int64 (db, "PRAGMA user_version", &version, error))
    goto failed;
  if (version != from_version)
    return sb_db_exec (db, "COMMIT", error);

  g_debug ("Migrating library from version %d to %d", from_version, from_version + 1);

  if (!sb_db_exec (db, migrations[from_version], error))
    goto failed;

  set_version = g_strdup_printf ("PRAGMA user_version = %d", from_version + 1);
  if (!sb_db_exec (db, set_version, error))
    goto failed;

  /* Foreign keys are off while tables are rebuilt; make sure the result
   * still holds together before committing it. */
  rc = sqlite3_prepare_v2 (db, "PRAGMA foreign_key_check", -1, &stmt, NULL);
  if (rc != SQLITE_OK)
    {
      sb_db_set_error (error, db, rc);
      goto failed;
    }
  rc = sqlite3_step (stmt);
  sqlite3_finalize (stmt);
  if (rc == SQLITE_ROW)
    {
      g_set_error (error, SB_LIBRARY_ERROR, SB_LIBRARY_ERROR_FAILED,
                   _("The library could not be updated to version %d: its links are inconsistent"),
                   from_version + 1);
      goto failed;
    }
  else if (rc != SQLITE_DONE)
    {
      sb_db_set_error (error, db, rc);
      goto failed;
    }

  if (!sb_db_exec (db, "COMMIT", error))
    goto failed;

  return TRUE;

failed:
  rollback (db);
  return FALSE;
}

gboolean
sb_db_migrate (sqlite3  *db,
               int       target_version,
               GError  **error)
{
  gint64 version;

  g_return_val_if_fail (target_version <= (int) G_N_ELEMENTS (migrations), FALSE);

  if (!sb_db_query_int64 (db, "PRAGMA user_version", &version, error))
    return FALSE;

  if (version >= target_version)
    return TRUE;

  /* Table rebuilds in later migrations need this off (it cannot change
   * inside a transaction); each migration checks the keys itself. */
  if (!sb_db_exec (db, "PRAGMA foreign_keys = OFF", error))
    return FALSE;

  while (version < target_version)
    {
      if (!apply_migration (db, version, error))
        return FALSE;
      if (!sb_db_query_int64 (db, "PRAGMA user_version", &version, error))
        return FALSE;
    }

  return TRUE;
}

/* Read-only checks, run with query_only on: the file is ours and readable
 * by this build.  *out_empty is set for a file with no schema at all. */
static gboolean
check_library (sqlite3   *db,
               gboolean  *out_empty,
               GError   **error)
{
  gint64 version;
  gint64 n_objects;
  gint64 application_id;

  *out_empty = FALSE;

  /* The first read parses the header: garbage fails here with NOTADB. */
  if (!sb_db_query_int64 (db, "PRAGMA user_version", &version, error))
    return FALSE;

  if (!sb_db_query_int64 (db, "SELECT count(*) FROM sqlite_schema", &n_objects, error))
    return FALSE;

  if (!sb_db_query_int64 (db, "PRAGMA application_id", &application_id, error))
    return FALSE;

  if (version == 0)
    {
      if (n_objects > 0 || application_id != 0)
        {
          g_debug ("user_version 0 with %" G_GINT64_FORMAT " objects: not a library", n_objects);
          sb_db_set_corrupt_error (error);
          return FALSE;
        }

      *out_empty = TRUE;
      return TRUE;
    }

  if (application_id != SB_LIBRARY_APPLICATION_ID)
    {
      g_debug ("application_id %" G_GINT64_FORMAT ": not a library", application_id);
      sb_db_set_corrupt_error (error);
      return FALSE;
    }

  if (version > sb_db_get_latest_version ())
    {
      g_set_error_literal (error, SB_LIBRARY_ERROR, SB_LIBRARY_ERROR_TOO_NEW,
                           _("The library was written by a newer version of Storyboard. Update Storyboard to open it."));
      return FALSE;
    }

  for (guint i = 0; i < G_N_ELEMENTS (checked_tables); i++)
    {
      g_autofree char *sql = NULL;
      gint64 exists;
      sqlite3_stmt *stmt = NULL;
      int rc;

      sql = g_strdup_printf ("SELECT count(*) FROM sqlite_schema WHERE type = 'table' AND name = '%s'",
                             checked_tables[i]);
      if (!sb_db_query_int64 (db, sql, &exists, error))
        return FALSE;
      if (!exists)
        continue;

      g_free (sql);
      sql = g_strdup_printf ("PRAGMA quick_check(%s)", checked_tables[i]);

      rc = sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL);
      if (rc != SQLITE_OK)
        return sb_db_set_error (error, db, rc);

      rc = sqlite3_step (stmt);
      if (rc == SQLITE_ROW)
        {
          const char *result = (const char *) sqlite3_column_text (stmt, 0);

          if (g_strcmp0 (result, "ok") != 0)
            {
              g_debug ("quick_check(%s): %s", checked_tables[i], result);
              sqlite3_finalize (stmt);
              sb_db_set_corrupt_error (error);
              return FALSE;
            }
          rc = SQLITE_OK;
        }
      sqlite3_finalize (stmt);

      if (rc != SQLITE_OK)
        return sb_db_set_error (error, db, rc);
    }

  return TRUE;
}

static gboolean
set_error_from_errno (GError     **error,
                      int          saved_errno,
                      const char  *path)
{
  int code;

  switch (saved_errno)
    {
    case ENOSPC:
      code = SB_LIBRARY_ERROR_NO_SPACE;
      break;

    case EACCES:
    case EPERM:
    case EROFS:
      code = SB_LIBRARY_ERROR_READ_ONLY;
      break;

    default:
      code = SB_LIBRARY_ERROR_FAILED;
      break;
    }

  g_set_error (error, SB_LIBRARY_ERROR, code,
               _("The library folder “%s” could not be created: %s"),
               path, g_strerror (saved_errno));

  return FALSE;
}

gboolean
sb_db_open (const char  *path,
            sqlite3    **out_db,
            GError     **error)
{
  g_autofree char *dir = NULL;
  sqlite3 *db = NULL;
  gboolean empty;
  int rc;

  g_return_val_if_fail (path != NULL, FALSE);
  g_return_val_if_fail (out_db != NULL, FALSE);

  *out_db = NULL;

  dir = g_path_get_dirname (path);
  if (g_mkdir_with_parents (dir, 0700) != 0)
    return set_error_from_errno (error, errno, dir);

  /* Only the library's worker thread uses this connection. */
  rc = sqlite3_open_v2 (path, &db,
                        SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE |
                        SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_EXRESCODE,
                        NULL);
  if (rc != SQLITE_OK)
    {
      sb_db_set_error (error, db, rc);
      sqlite3_close (db);
      return FALSE;
    }

  sqlite3_extended_result_codes (db, 1);
  sqlite3_busy_timeout (db, 5000);

  /* Nothing may be written before the file is known to be a library this
   * build understands: a refused file stays byte-for-byte as it was. */
  if (!sb_db_exec (db, "PRAGMA query_only = ON", error) ||
      !check_library (db, &empty, error) ||
      !sb_db_exec (db, "PRAGMA query_only = OFF", error))
    goto failed;

  /* Only possible before the first table exists: lets purging the trash
   * give the space back. */
  if (empty && !sb_db_exec (db, "PRAGMA auto_vacuum = INCREMENTAL", error))
    goto failed;

  if (!sb_db_exec (db, "PRAGMA journal_mode = WAL", error) ||
      !sb_db_exec (db, "PRAGMA synchronous = NORMAL", error) ||
      !sb_db_migrate (db, sb_db_get_latest_version (), error) ||
      !sb_db_exec (db, "PRAGMA foreign_keys = ON", error))
    goto failed;

  *out_db = db;

  return TRUE;

failed:
  sqlite3_close (db);
  return FALSE;
}

/* Test helpers */

static sqlite3 *
open_plain (const char  *path,
            GError     **error)
{
  sqlite3 *db = NULL;
  int rc;

  rc = sqlite3_open_v2 (path, &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL);
  if (rc != SQLITE_OK)
    {
      sb_db_set_error (error, db, rc);
      sqlite3_close (db);
      return NULL;
    }

  sqlite3_busy_timeout (db, 5000);

  return db;
}

gboolean
sb_library_test_create_at_version (const char  *path,
                                   int          version,
                                   GError     **error)
{
  sqlite3 *db;
  gboolean ret;

  g_return_val_if_fail (version >= 0 && version <= sb_db_get_latest_version (), FALSE);

  if (!(db = open_plain (path, error)))
    return FALSE;

  ret = sb_db_exec (db, "PRAGMA auto_vacuum = INCREMENTAL; PRAGMA journal_mode = WAL", error) &&
        sb_db_migrate (db, version, error);

  sqlite3_close (db);

  return ret;
}

gboolean
sb_library_test_exec (const char  *path,
                      const char  *sql,
                      GError     **error)
{
  sqlite3 *db;
  gboolean ret;

  if (!(db = open_plain (path, error)))
    return FALSE;

  ret = sb_db_exec (db, sql, error);
  sqlite3_close (db);

  return ret;
}

char *
sb_library_test_query (const char  *path,
                       const char  *sql,
                       GError     **error)
{
  g_autoptr(GString) out = g_string_new (NULL);
  sqlite3_stmt *stmt = NULL;
  sqlite3 *db;
  int rc;

  if (!(db = open_plain (path, error)))
    return NULL;

  rc = sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL);
  while (rc == SQLITE_OK && (rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      if (out->len > 0)
        g_string_append_c (out, '\n');

      for (int i = 0; i < sqlite3_column_count (stmt); i++)
        {
          const char *text = (const char *) sqlite3_column_text (stmt, i);

          if (i > 0)
            g_string_append_c (out, '|');
          g_string_append (out, text ? text : "");
        }
      rc = SQLITE_OK;
    }

  if (rc != SQLITE_DONE)
    {
      sb_db_set_error (error, db, rc);
      sqlite3_finalize (stmt);
      sqlite3_close (db);
      return NULL;
    }

  sqlite3_finalize (stmt);
  sqlite3_close (db);

  return g_string_free (g_steal_pointer (&out), FALSE);
}

GError *
sb_library_test_map_sqlite_error (const char *code_name)
{
  static const struct {
    const char *name;
    int         code;
  } codes[] = {
    { "SQLITE_ERROR", SQLITE_ERROR },
    { "SQLITE_FULL", SQLITE_FULL },
    { "SQLITE_IOERR_WRITE", SQLITE_IOERR_WRITE },
    { "SQLITE_CORRUPT", SQLITE_CORRUPT },
    { "SQLITE_CORRUPT_INDEX", SQLITE_CORRUPT_INDEX },
    { "SQLITE_NOTADB", SQLITE_NOTADB },
    { "SQLITE_READONLY", SQLITE_READONLY },
    { "SQLITE_READONLY_DBMOVED", SQLITE_READONLY_DBMOVED },
    { "SQLITE_BUSY", SQLITE_BUSY },
    { "SQLITE_BUSY_SNAPSHOT", SQLITE_BUSY_SNAPSHOT },
    { "SQLITE_LOCKED", SQLITE_LOCKED },
    { "SQLITE_TOOBIG", SQLITE_TOOBIG },
  };
  GError *error = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (codes); i++)
    {
      if (g_str_equal (codes[i].name, code_name))
        {
          sb_db_set_error (&error, NULL, codes[i].code);
          return error;
        }
    }

  g_return_val_if_reached (NULL);
}

void
sb_db_bind_text_or_null (sqlite3_stmt *stmt,
                         int           index,
                         const char   *text)
{
  if (text != NULL)
    sqlite3_bind_text (stmt, index, text, -1, SQLITE_TRANSIENT);
  else
    sqlite3_bind_null (stmt, index);
}

void
sb_db_bind_id_or_null (sqlite3_stmt *stmt,
                       int           index,
                       gint64        id)
{
  if (id > 0)
    sqlite3_bind_int64 (stmt, index, id);
  else
    sqlite3_bind_null (stmt, index);
}

char *
sb_db_column_dup_text (sqlite3_stmt *stmt,
                       int           column)
{
  return g_strdup ((const char *) sqlite3_column_text (stmt, column));
}
