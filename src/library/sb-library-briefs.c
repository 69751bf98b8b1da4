/* sb-library-briefs.c
 *
 * Copyright 2026 The Storyboard authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "sb-library"

#include "config.h"

#include <string.h>
#include <glib/gi18n.h>
#include <json-glib/json-glib.h>

#include "sb-library-briefs.h"
#include "sb-library-worker.h"

/* Objects are snapshotted into the plain rows below on the calling thread;
 * the worker only touches rows.  Each snapshot also holds a ref on its
 * object's "stored id" cell (an atomic rc box with a gint64, kept as qdata
 * on the object).  Only the worker reads or writes the id in a cell, and
 * only after a commit: so when autosaves queue up faster than they complete,
 * a scene (or revision) inserted by the first save is updated, not inserted
 * again, by the next one, even though that one was snapshotted while the
 * object's id was still 0. */

typedef gint64 IdCell;

typedef struct
{
  gint64  id;
  char   *title;
  char   *description;
  double  duration;
  char   *shot_notes;
  char   *generation_prompt;
  gint64  chosen_media_id;
  IdCell *cell;               /* NULL for rows read from the database */
} SceneRow;

typedef struct
{
  gint64     id;
  gint64     brief_id;
  guint      number;
  gint64     parent_id;
  char      *instruction;
  char      *provider;
  char      *model;
  gint64     created_at;
  char      *title;
  char      *logline;
  char      *audience;
  char      *tone;
  char      *visual_style;
  GPtrArray *scenes;           /* SceneRow */
  IdCell    *cell;
} RevisionRow;

typedef struct
{
  gint64  id;
  char   *title;
  char   *prompt;
  char   *platform;
  char   *category;
  double  target_duration;
  char   *provider;
  char   *model;
  gint64  reference_media_id;
  gint64  created_at;
  gint64  updated_at;
  guint   n_revisions;
  IdCell *cell;
} BriefRow;

#define BRIEF_SELECT \
  "SELECT id, title, prompt, platform, category, target_duration, provider, model, " \
  "reference_media_id, created_at, updated_at, " \
  "(SELECT COUNT(*) FROM brief_revisions r WHERE r.brief_id = briefs.id) FROM briefs "

#define REVISION_SELECT \
  "SELECT id, brief_id, number, parent_revision_id, instruction, content, provider, model, " \
  "created_at FROM brief_revisions "

/* Rows */

static void
id_cell_release (gpointer data)
{
  if (data != NULL)
    g_atomic_rc_box_release (data);
}

static IdCell *
id_cell_for (gpointer object)
{
  static GQuark quark;
  IdCell *cell;

  if (quark == 0)
    quark = g_quark_from_static_string ("sb-library-stored-id");

  cell = g_object_get_qdata (object, quark);
  if (cell == NULL)
    {
      cell = g_atomic_rc_box_new0 (IdCell);
      g_object_set_qdata_full (object, quark, cell, id_cell_release);
    }

  return g_atomic_rc_box_acquire (cell);
}

/* Worker: the id to write to, from the snapshot or from an earlier save. */
static gint64
effective_id (gint64  id,
              IdCell *cell)
{
  if (id == 0 && cell != NULL)
    return *cell;

  return id;
}

static void
scene_row_free (gpointer data)
{
  SceneRow *row = data;

  g_free (row->title);
  g_free (row->description);
  g_free (row->shot_notes);
  g_free (row->generation_prompt);
  id_cell_release (row->cell);
  g_free (row);
}

static void
revision_row_free (gpointer data)
{
  RevisionRow *row = data;

  if (row == NULL)
    return;

  g_free (row->instruction);
  g_free (row->provider);
  g_free (row->model);
  g_free (row->title);
  g_free (row->logline);
  g_free (row->audience);
  g_free (row->tone);
  g_free (row->visual_style);
  g_clear_pointer (&row->scenes, g_ptr_array_unref);
  id_cell_release (row->cell);
  g_free (row);
}

static void
brief_row_free (gpointer data)
{
  BriefRow *row = data;

  if (row == NULL)
    return;

  g_free (row->title);
  g_free (row->prompt);
  g_free (row->platform);
  g_free (row->category);
  g_free (row->provider);
  g_free (row->model);
  id_cell_release (row->cell);
  g_free (row);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (RevisionRow, revision_row_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (BriefRow, brief_row_free)

static RevisionRow *
revision_row_new (void)
{
  RevisionRow *row = g_new0 (RevisionRow, 1);

  row->scenes = g_ptr_array_new_with_free_func (scene_row_free);

  return row;
}

/* Main thread.  Fills @out_scenes (if not NULL) with refs on the scene
 * objects, in the order of row->scenes. */
static RevisionRow *
revision_row_snapshot (SbBriefRevision *revision,
                       GPtrArray       *out_scenes)
{
  RevisionRow *row = revision_row_new ();
  GListModel *scenes = G_LIST_MODEL (sb_brief_revision_get_scenes (revision));
  guint n_scenes = g_list_model_get_n_items (scenes);

  row->id = sb_brief_revision_get_id (revision);
  row->brief_id = sb_brief_revision_get_brief_id (revision);
  row->number = sb_brief_revision_get_number (revision);
  row->parent_id = sb_brief_revision_get_parent_id (revision);
  row->instruction = g_strdup (sb_brief_revision_get_instruction (revision));
  row->provider = g_strdup (sb_brief_revision_get_provider (revision));
  row->model = g_strdup (sb_brief_revision_get_model (revision));
  row->title = g_strdup (sb_brief_revision_get_title (revision));
  row->logline = g_strdup (sb_brief_revision_get_logline (revision));
  row->audience = g_strdup (sb_brief_revision_get_audience (revision));
  row->tone = g_strdup (sb_brief_revision_get_tone (revision));
  row->visual_style = g_strdup (sb_brief_revision_get_visual_style (revision));
  row->cell = id_cell_for (revision);

  for (guint i = 0; i < n_scenes; i++)
    {
      g_autoptr(SbScene) scene = g_list_model_get_item (scenes, i);
      SceneRow *scene_row = g_new0 (SceneRow, 1);

      scene_row->id = sb_scene_get_id (scene);
      scene_row->title = g_strdup (sb_scene_get_title (scene));
      scene_row->description = g_strdup (sb_scene_get_description (scene));
      scene_row->duration = sb_scene_get_duration (scene);
      scene_row->shot_notes = g_strdup (sb_scene_get_shot_notes (scene));
      scene_row->generation_prompt = g_strdup (sb_scene_get_generation_prompt (scene));
      scene_row->chosen_media_id = sb_scene_get_chosen_media_id (scene);
      scene_row->cell = id_cell_for (scene);
      g_ptr_array_add (row->scenes, scene_row);

      if (out_scenes != NULL)
        g_ptr_array_add (out_scenes, g_object_ref (scene));
    }

  return row;
}

static BriefRow *
brief_row_snapshot (SbBrief *brief)
{
  BriefRow *row = g_new0 (BriefRow, 1);

  row->id = sb_brief_get_id (brief);
  row->title = g_strdup (sb_brief_get_title (brief));
  row->prompt = g_strdup (sb_brief_get_prompt (brief));
  row->platform = g_strdup (sb_brief_get_platform (brief));
  row->category = g_strdup (sb_brief_get_category (brief));
  row->target_duration = sb_brief_get_target_duration (brief);
  row->provider = g_strdup (sb_brief_get_provider (brief));
  row->model = g_strdup (sb_brief_get_model (brief));
  row->reference_media_id = sb_brief_get_reference_media_id (brief);
  row->cell = id_cell_for (brief);

  return row;
}

/* g_date_time_new_from_unix_utc_usec() needs GLib 2.80. */
static GDateTime *
date_time_from_usec (gint64 usec)
{
  g_autoptr(GDateTime) seconds = g_date_time_new_from_unix_utc (usec / G_USEC_PER_SEC);

  return g_date_time_add (seconds, usec % G_USEC_PER_SEC);
}

/* Main thread: the ids and numbers the worker wrote into @row, into the
 * objects it was snapshotted from. */
static void
revision_apply_ids (SbBriefRevision   *revision,
                    const RevisionRow *row,
                    GPtrArray         *scenes)
{
  g_object_freeze_notify (G_OBJECT (revision));

  sb_brief_revision_set_id (revision, row->id);
  sb_brief_revision_set_brief_id (revision, row->brief_id);
  sb_brief_revision_set_number (revision, row->number);
  sb_brief_revision_set_parent_id (revision, row->parent_id);
  if (row->created_at != 0)
    {
      g_autoptr(GDateTime) created_at = date_time_from_usec (row->created_at);

      sb_brief_revision_set_created_at (revision, created_at);
    }

  g_assert (scenes->len == row->scenes->len);
  for (guint i = 0; i < scenes->len; i++)
    {
      const SceneRow *scene_row = g_ptr_array_index (row->scenes, i);

      sb_scene_set_id (g_ptr_array_index (scenes, i), scene_row->id);
    }

  g_object_thaw_notify (G_OBJECT (revision));
}

static SbBriefRevision *
revision_new_from_row (const RevisionRow *row)
{
  SbBriefRevision *revision = sb_brief_revision_new ();
  GListStore *store = sb_brief_revision_get_scenes (revision);
  g_autoptr(GPtrArray) scenes = g_ptr_array_new_with_free_func (g_object_unref);

  sb_brief_revision_set_instruction (revision, row->instruction);
  sb_brief_revision_set_provider (revision, row->provider);
  sb_brief_revision_set_model (revision, row->model);
  sb_brief_revision_set_title (revision, row->title);
  sb_brief_revision_set_logline (revision, row->logline);
  sb_brief_revision_set_audience (revision, row->audience);
  sb_brief_revision_set_tone (revision, row->tone);
  sb_brief_revision_set_visual_style (revision, row->visual_style);

  for (guint i = 0; i < row->scenes->len; i++)
    {
      const SceneRow *scene_row = g_ptr_array_index (row->scenes, i);
      SbScene *scene = sb_scene_new ();

      sb_scene_set_title (scene, scene_row->title);
      sb_scene_set_description (scene, scene_row->description);
      sb_scene_set_duration (scene, MAX (scene_row->duration, 0));
      sb_scene_set_shot_notes (scene, scene_row->shot_notes);
      sb_scene_set_generation_prompt (scene, scene_row->generation_prompt);
      sb_scene_set_chosen_media_id (scene, scene_row->chosen_media_id);
      g_ptr_array_add (scenes, scene);
    }

  g_list_store_splice (store, 0, 0, scenes->pdata, scenes->len);
  revision_apply_ids (revision, row, scenes);

  return revision;
}

static void
brief_fill_from_row (SbBrief        *brief,
                     const BriefRow *row)
{
  g_autoptr(GDateTime) created_at = date_time_from_usec (row->created_at);
  g_autoptr(GDateTime) updated_at = date_time_from_usec (row->updated_at);

  g_object_freeze_notify (G_OBJECT (brief));
  sb_brief_set_id (brief, row->id);
  sb_brief_set_title (brief, row->title);
  sb_brief_set_prompt (brief, row->prompt);
  sb_brief_set_platform (brief, row->platform);
  sb_brief_set_category (brief, row->category);
  sb_brief_set_target_duration (brief, MAX (row->target_duration, 0));
  sb_brief_set_provider (brief, row->provider);
  sb_brief_set_model (brief, row->model);
  sb_brief_set_reference_media_id (brief, row->reference_media_id);
  sb_brief_set_times (brief, created_at, updated_at);
  sb_brief_set_n_revisions (brief, row->n_revisions);
  g_object_thaw_notify (G_OBJECT (brief));
}

/* Worker side */

/* For the NOT NULL DEFAULT '' columns. */
static void
bind_text_or_empty (sqlite3_stmt *stmt,
                    int           index,
                    const char   *text)
{
  sqlite3_bind_text (stmt, index, text ? text : "", -1, SQLITE_TRANSIENT);
}

static gboolean
set_brief_not_found_error (GError **error)
{
  g_set_error_literal (error, SB_LIBRARY_ERROR, SB_LIBRARY_ERROR_NOT_FOUND,
                       _("The brief is no longer in the library"));
  return FALSE;
}

static gboolean
set_revision_not_found_error (GError **error)
{
  g_set_error_literal (error, SB_LIBRARY_ERROR, SB_LIBRARY_ERROR_NOT_FOUND,
                       _("This version of the brief is no longer in the library"));
  return FALSE;
}

static gboolean
step_error (SbLibrary  *self,
            int         rc,
            GError    **error)
{
  return sb_db_set_error (error, sb_library_get_db (self), rc);
}

/* The creative fields of a revision, as stored in brief_revisions.content.
 * The scenes are rows of their own. */
static char *
revision_content_to_string (const RevisionRow *row)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;
  const struct { const char *name; const char *value; } members[] = {
    { "title", row->title },
    { "logline", row->logline },
    { "audience", row->audience },
    { "tone", row->tone },
    { "visual_style", row->visual_style },
  };

  json_builder_begin_object (builder);
  for (guint i = 0; i < G_N_ELEMENTS (members); i++)
    {
      if (members[i].value == NULL)
        continue;
      json_builder_set_member_name (builder, members[i].name);
      json_builder_add_string_value (builder, members[i].value);
    }
  json_builder_end_object (builder);

  root = json_builder_get_root (builder);

  return json_to_string (root, FALSE);
}

static char *
dup_string_member (JsonObject *object,
                   const char *name)
{
  JsonNode *node = json_object_get_member (object, name);

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;

  return json_node_dup_string (node);
}

static void
revision_content_from_string (RevisionRow *row,
                              const char  *content)
{
  g_autoptr(JsonParser) parser = json_parser_new_immutable ();
  g_autoptr(GError) error = NULL;
  JsonNode *root;
  JsonObject *object;

  /* The column is CHECKed to be valid JSON; anything else is treated as
   * empty rather than failing the whole brief. */
  if (!json_parser_load_from_data (parser, content ? content : "{}", -1, &error))
    {
      g_debug ("Revision %" G_GINT64_FORMAT " has unreadable content: %s", row->id, error->message);
      return;
    }

  root = json_parser_get_root (parser);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    return;

  object = json_node_get_object (root);
  row->title = dup_string_member (object, "title");
  row->logline = dup_string_member (object, "logline");
  row->audience = dup_string_member (object, "audience");
  row->tone = dup_string_member (object, "tone");
  row->visual_style = dup_string_member (object, "visual_style");
}

static void
bind_scene (sqlite3_stmt   *stmt,
            const SceneRow *scene)
{
  bind_text_or_empty (stmt, 3, scene->title);
  bind_text_or_empty (stmt, 4, scene->description);
  sqlite3_bind_double (stmt, 5, scene->duration);
  sb_db_bind_text_or_null (stmt, 6, scene->shot_notes);
  sb_db_bind_text_or_null (stmt, 7, scene->generation_prompt);
  sb_db_bind_id_or_null (stmt, 8, scene->chosen_media_id);
}

/* Inside a write transaction: makes the scenes of revision @row->id exactly
 * @row->scenes, in order.  Sets each SceneRow's id (cells are only written
 * after the commit, by publish_ids()). */
static gboolean
write_scenes (SbLibrary    *self,
              RevisionRow  *row,
              GError      **error)
{
  sqlite3 *db = sb_library_get_db (self);
  g_autoptr(JsonBuilder) kept = json_builder_new ();
  g_autoptr(JsonNode) kept_root = NULL;
  g_autofree char *kept_json = NULL;
  sqlite3_stmt *stmt;

  json_builder_begin_array (kept);

  for (guint i = 0; i < row->scenes->len; i++)
    {
      SceneRow *scene = g_ptr_array_index (row->scenes, i);
      gint64 id = effective_id (scene->id, scene->cell);

      if (id != 0)
        {
          stmt = sb_library_get_statement (self,
                                           "UPDATE scenes SET position = ?2, title = ?3, description = ?4, "
                                           "duration_seconds = ?5, shot_notes = ?6, generation_prompt = ?7, "
                                           "chosen_media_id = ?8 WHERE id = ?1 AND revision_id = ?9",
                                           error);
          if (stmt == NULL)
            return FALSE;

          sqlite3_bind_int64 (stmt, 1, id);
          sqlite3_bind_int (stmt, 2, i);
          bind_scene (stmt, scene);
          sqlite3_bind_int64 (stmt, 9, row->id);
          if (!sb_library_step_done (self, stmt, error))
            return FALSE;

          /* A scene of another revision (or deleted meanwhile) is stored
           * as a new one of this revision. */
          if (sqlite3_changes (db) == 0)
            id = 0;
        }

      if (id == 0)
        {
          stmt = sb_library_get_statement (self,
                                           "INSERT INTO scenes (revision_id, position, title, description, "
                                           "duration_seconds, shot_notes, generation_prompt, chosen_media_id) "
                                           "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
                                           error);
          if (stmt == NULL)
            return FALSE;

          sqlite3_bind_int64 (stmt, 1, row->id);
          sqlite3_bind_int (stmt, 2, i);
          bind_scene (stmt, scene);
          if (!sb_library_step_done (self, stmt, error))
            return FALSE;

          id = sqlite3_last_insert_rowid (db);
        }

      scene->id = id;
      json_builder_add_int_value (kept, id);
    }

  json_builder_end_array (kept);
  kept_root = json_builder_get_root (kept);
  kept_json = json_to_string (kept_root, FALSE);

  stmt = sb_library_get_statement (self,
                                   "DELETE FROM scenes WHERE revision_id = ?1 "
                                   "AND id NOT IN (SELECT value FROM json_each (?2))",
                                   error);
  if (stmt == NULL)
    return FALSE;

  sqlite3_bind_int64 (stmt, 1, row->id);
  sqlite3_bind_text (stmt, 2, kept_json, -1, SQLITE_STATIC);

  return sb_library_step_done (self, stmt, error);
}

static gboolean
insert_revision (SbLibrary    *self,
                 RevisionRow  *row,
                 GError      **error)
{
  g_autofree char *content = revision_content_to_string (row);
  sqlite3_stmt *stmt;

  stmt = sb_library_get_statement (self,
                                   "INSERT INTO brief_revisions (brief_id, number, parent_revision_id, "
                                   "instruction, content, provider, model, created_at) "
                                   "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
                                   error);
  if (stmt == NULL)
    return FALSE;

  sqlite3_bind_int64 (stmt, 1, row->brief_id);
  sqlite3_bind_int (stmt, 2, row->number);
  sb_db_bind_id_or_null (stmt, 3, row->parent_id);
  sb_db_bind_text_or_null (stmt, 4, row->instruction);
  sqlite3_bind_text (stmt, 5, content, -1, SQLITE_STATIC);
  sb_db_bind_text_or_null (stmt, 6, row->provider);
  sb_db_bind_text_or_null (stmt, 7, row->model);
  sqlite3_bind_int64 (stmt, 8, row->created_at);
  if (!sb_library_step_done (self, stmt, error))
    return FALSE;

  row->id = sqlite3_last_insert_rowid (sb_library_get_db (self));

  return write_scenes (self, row, error);
}

/* The brief's title follows its newest revision. */
static gboolean
touch_brief (SbLibrary          *self,
             gint64              brief_id,
             const RevisionRow  *revision,
             gint64              now,
             GError            **error)
{
  sqlite3_stmt *stmt;

  stmt = sb_library_get_statement (self,
                                   "UPDATE briefs SET updated_at = ?2, "
                                   "title = CASE WHEN ?3 IS NOT NULL AND ?4 = "
                                   "(SELECT MAX (number) FROM brief_revisions WHERE brief_id = ?1) "
                                   "THEN ?3 ELSE title END "
                                   "WHERE id = ?1",
                                   error);
  if (stmt == NULL)
    return FALSE;

  sqlite3_bind_int64 (stmt, 1, brief_id);
  sqlite3_bind_int64 (stmt, 2, now);
  sb_db_bind_text_or_null (stmt, 3, revision->title);
  sqlite3_bind_int (stmt, 4, revision->number);

  return sb_library_step_done (self, stmt, error);
}

/* After a successful commit only: remember the new ids for later saves. */
static void
publish_revision_ids (RevisionRow *row)
{
  *row->cell = row->id;

  for (guint i = 0; i < row->scenes->len; i++)
    {
      SceneRow *scene = g_ptr_array_index (row->scenes, i);

      *scene->cell = scene->id;
    }
}

static BriefRow *
brief_row_from_statement (sqlite3_stmt *stmt)
{
  BriefRow *row = g_new0 (BriefRow, 1);

  row->id = sqlite3_column_int64 (stmt, 0);
  row->title = sb_db_column_dup_text (stmt, 1);
  row->prompt = sb_db_column_dup_text (stmt, 2);
  row->platform = sb_db_column_dup_text (stmt, 3);
  row->category = sb_db_column_dup_text (stmt, 4);
  row->target_duration = sqlite3_column_double (stmt, 5);
  row->provider = sb_db_column_dup_text (stmt, 6);
  row->model = sb_db_column_dup_text (stmt, 7);
  row->reference_media_id = sqlite3_column_int64 (stmt, 8);
  row->created_at = sqlite3_column_int64 (stmt, 9);
  row->updated_at = sqlite3_column_int64 (stmt, 10);
  row->n_revisions = sqlite3_column_int (stmt, 11);

  return row;
}

static RevisionRow *
revision_row_from_statement (sqlite3_stmt *stmt)
{
  RevisionRow *row = revision_row_new ();

  row->id = sqlite3_column_int64 (stmt, 0);
  row->brief_id = sqlite3_column_int64 (stmt, 1);
  row->number = sqlite3_column_int (stmt, 2);
  row->parent_id = sqlite3_column_int64 (stmt, 3);
  row->instruction = sb_db_column_dup_text (stmt, 4);
  revision_content_from_string (row, (const char *) sqlite3_column_text (stmt, 5));
  row->provider = sb_db_column_dup_text (stmt, 6);
  row->model = sb_db_column_dup_text (stmt, 7);
  row->created_at = sqlite3_column_int64 (stmt, 8);

  return row;
}

static gboolean
read_scenes (SbLibrary    *self,
             RevisionRow  *row,
             GError      **error)
{
  sqlite3_stmt *stmt;
  int rc;

  stmt = sb_library_get_statement (self,
                                   "SELECT id, title, description, duration_seconds, shot_notes, "
                                   "generation_prompt, chosen_media_id FROM scenes "
                                   "WHERE revision_id = ?1 ORDER BY position, id",
                                   error);
  if (stmt == NULL)
    return FALSE;

  sqlite3_bind_int64 (stmt, 1, row->id);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      SceneRow *scene = g_new0 (SceneRow, 1);

      scene->id = sqlite3_column_int64 (stmt, 0);
      scene->title = sb_db_column_dup_text (stmt, 1);
      scene->description = sb_db_column_dup_text (stmt, 2);
      scene->duration = sqlite3_column_double (stmt, 3);
      scene->shot_notes = sb_db_column_dup_text (stmt, 4);
      scene->generation_prompt = sb_db_column_dup_text (stmt, 5);
      scene->chosen_media_id = sqlite3_column_int64 (stmt, 6);
      g_ptr_array_add (row->scenes, scene);
    }
  sqlite3_reset (stmt);

  if (rc != SQLITE_DONE)
    return step_error (self, rc, error);

  return TRUE;
}

/* Reads go in one read transaction, so a revision and its scenes are
 * consistent with each other. */
static gboolean
begin_read (SbLibrary  *self,
            GError    **error)
{
  sqlite3_stmt *stmt = sb_library_get_statement (self, "BEGIN", error);

  return stmt != NULL && sb_library_step_done (self, stmt, error);
}

static gboolean
end_read (SbLibrary  *self,
          gboolean    ok,
          GError    **error)
{
  if (ok)
    return sb_library_commit (self, error);

  sb_library_rollback (self);
  return FALSE;
}

/* Create */

typedef struct
{
  /* Read by the worker */
  BriefRow    *brief_row;
  RevisionRow *revision_row;

  /* Main thread only */
  SbBrief         *brief;
  SbBriefRevision *revision;
  GPtrArray       *scenes;
} CreateInput;

static void
create_input_free (gpointer data)
{
  CreateInput *input = data;

  g_clear_pointer (&input->brief_row, brief_row_free);
  g_clear_pointer (&input->revision_row, revision_row_free);
  g_clear_object (&input->brief);
  g_clear_object (&input->revision);
  g_clear_pointer (&input->scenes, g_ptr_array_unref);
  g_free (input);
}

static void
create_run (SbLibrary    *self,
            SbLibraryJob *job)
{
  CreateInput *input = job->input;
  BriefRow *brief = input->brief_row;
  RevisionRow *revision = input->revision_row;
  GError **error = &job->error;
  gint64 now = g_get_real_time ();
  sqlite3_stmt *stmt;

  /* The sidebar shows the newest revision's title. */
  if (revision->title != NULL && revision->title[0] != '\0')
    {
      g_free (brief->title);
      brief->title = g_strdup (revision->title);
    }

  if (!sb_library_begin_write (self, error))
    return;

  stmt = sb_library_get_statement (self,
                                   "INSERT INTO briefs (title, prompt, platform, category, target_duration, "
                                   "provider, model, reference_media_id, created_at, updated_at) "
                                   "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?9)",
                                   error);
  if (stmt == NULL)
    goto failed;

  bind_text_or_empty (stmt, 1, brief->title);
  bind_text_or_empty (stmt, 2, brief->prompt);
  sb_db_bind_text_or_null (stmt, 3, brief->platform);
  sb_db_bind_text_or_null (stmt, 4, brief->category);
  sqlite3_bind_double (stmt, 5, brief->target_duration);
  sb_db_bind_text_or_null (stmt, 6, brief->provider);
  sb_db_bind_text_or_null (stmt, 7, brief->model);
  sb_db_bind_id_or_null (stmt, 8, brief->reference_media_id);
  sqlite3_bind_int64 (stmt, 9, now);
  if (!sb_library_step_done (self, stmt, error))
    goto failed;

  brief->id = sqlite3_last_insert_rowid (sb_library_get_db (self));
  brief->created_at = brief->updated_at = now;
  brief->n_revisions = 1;

  revision->brief_id = brief->id;
  revision->number = 1;
  revision->parent_id = 0;
  revision->created_at = now;
  if (!insert_revision (self, revision, error))
    goto failed;

  if (!sb_library_commit (self, error))
    goto failed;

  *brief->cell = brief->id;
  publish_revision_ids (revision);

  return;

failed:
  sb_library_rollback (self);
}

static void
create_done (SbLibrary    *self,
             SbLibraryJob *job)
{
  CreateInput *input = job->input;

  if (job->error == NULL)
    {
      const BriefRow *row = input->brief_row;
      g_autoptr(GDateTime) created_at = date_time_from_usec (row->created_at);

      /* Only what the library decided: the user may have edited the rest
       * since the call. */
      g_object_freeze_notify (G_OBJECT (input->brief));
      sb_brief_set_id (input->brief, row->id);
      sb_brief_set_title (input->brief, row->title);
      sb_brief_set_times (input->brief, created_at, created_at);
      sb_brief_set_n_revisions (input->brief, row->n_revisions);
      g_object_thaw_notify (G_OBJECT (input->brief));

      revision_apply_ids (input->revision, input->revision_row, input->scenes);
      sb_library_emit_brief_changed (self, input->brief_row->id);
    }

  sb_library_job_return_boolean (self, job);
}

void
sb_library_create_brief_async (SbLibrary           *self,
                               SbBrief             *brief,
                               SbBriefRevision     *revision,
                               GCancellable        *cancellable,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  CreateInput *input;

  g_return_if_fail (SB_IS_LIBRARY (self));
  g_return_if_fail (SB_IS_BRIEF (brief));
  g_return_if_fail (SB_IS_BRIEF_REVISION (revision));
  g_return_if_fail (sb_brief_get_id (brief) == 0);
  g_return_if_fail (sb_brief_revision_get_id (revision) == 0);
  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, sb_library_create_brief_async);

  input = g_new0 (CreateInput, 1);
  input->brief = g_object_ref (brief);
  input->revision = g_object_ref (revision);
  input->scenes = g_ptr_array_new_with_free_func (g_object_unref);
  input->brief_row = brief_row_snapshot (brief);
  input->revision_row = revision_row_snapshot (revision, input->scenes);

  sb_library_queue_job (self, task, create_run, create_done, input, create_input_free);
}

gboolean
sb_library_create_brief_finish (SbLibrary     *self,
                                GAsyncResult  *result,
                                GError       **error)
{
  g_return_val_if_fail (SB_IS_LIBRARY (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == sb_library_create_brief_async, FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

/* Save brief */

typedef struct
{
  BriefRow *row;
  SbBrief  *brief;   /* main thread only */
} SaveBriefInput;

static void
save_brief_input_free (gpointer data)
{
  SaveBriefInput *input = data;

  g_clear_pointer (&input->row, brief_row_free);
  g_clear_object (&input->brief);
  g_free (input);
}

static void
save_brief_run (SbLibrary    *self,
                SbLibraryJob *job)
{
  SaveBriefInput *input = job->input;
  BriefRow *row = input->row;
  GError **error = &job->error;
  sqlite3_stmt *stmt;
  int rc;

  row->id = effective_id (row->id, row->cell);
  if (row->id == 0)
    {
      set_brief_not_found_error (error);
      return;
    }

  if (!sb_library_begin_write (self, error))
    return;

  stmt = sb_library_get_statement (self,
                                   "UPDATE briefs SET title = ?2, prompt = ?3, platform = ?4, category = ?5, "
                                   "target_duration = ?6, provider = ?7, model = ?8, reference_media_id = ?9, "
                                   "updated_at = ?10 WHERE id = ?1 RETURNING created_at",
                                   error);
  if (stmt == NULL)
    goto failed;

  row->updated_at = g_get_real_time ();
  sqlite3_bind_int64 (stmt, 1, row->id);
  bind_text_or_empty (stmt, 2, row->title);
  bind_text_or_empty (stmt, 3, row->prompt);
  sb_db_bind_text_or_null (stmt, 4, row->platform);
  sb_db_bind_text_or_null (stmt, 5, row->category);
  sqlite3_bind_double (stmt, 6, row->target_duration);
  sb_db_bind_text_or_null (stmt, 7, row->provider);
  sb_db_bind_text_or_null (stmt, 8, row->model);
  sb_db_bind_id_or_null (stmt, 9, row->reference_media_id);
  sqlite3_bind_int64 (stmt, 10, row->updated_at);

  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    {
      row->created_at = sqlite3_column_int64 (stmt, 0);
      rc = sqlite3_step (stmt);
    }
  else if (rc == SQLITE_DONE)
    {
      sqlite3_reset (stmt);
      set_brief_not_found_error (error);
      goto failed;
    }
  sqlite3_reset (stmt);

  if (rc != SQLITE_DONE)
    {
      step_error (self, rc, error);
      goto failed;
    }

  if (!sb_library_commit (self, error))
    goto failed;

  return;

failed:
  sb_library_rollback (self);
}

static void
save_brief_done (SbLibrary    *self,
                 SbLibraryJob *job)
{
  SaveBriefInput *input = job->input;

  if (job->error == NULL)
    {
      g_autoptr(GDateTime) created_at = date_time_from_usec (input->row->created_at);
      g_autoptr(GDateTime) updated_at = date_time_from_usec (input->row->updated_at);

      sb_brief_set_id (input->brief, input->row->id);
      sb_brief_set_times (input->brief, created_at, updated_at);
      sb_library_emit_brief_changed (self, input->row->id);
    }

  sb_library_job_return_boolean (self, job);
}

void
sb_library_save_brief_async (SbLibrary           *self,
                             SbBrief             *brief,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  SaveBriefInput *input;

  g_return_if_fail (SB_IS_LIBRARY (self));
  g_return_if_fail (SB_IS_BRIEF (brief));
  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, sb_library_save_brief_async);

  input = g_new0 (SaveBriefInput, 1);
  input->row = brief_row_snapshot (brief);
  input->brief = g_object_ref (brief);

  sb_library_queue_job (self, task, save_brief_run, save_brief_done, input, save_brief_input_free);
}

gboolean
sb_library_save_brief_finish (SbLibrary     *self,
                              GAsyncResult  *result,
                              GError       **error)
{
  g_return_val_if_fail (SB_IS_LIBRARY (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == sb_library_save_brief_async, FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

/* Save revision (autosave) and add revision */

typedef struct
{
  RevisionRow     *row;
  /* Main thread only */
  SbBriefRevision *revision;
  GPtrArray       *scenes;
} RevisionInput;

static void
revision_input_free (gpointer data)
{
  RevisionInput *input = data;

  g_clear_pointer (&input->row, revision_row_free);
  g_clear_object (&input->revision);
  g_clear_pointer (&input->scenes, g_ptr_array_unref);
  g_free (input);
}

static RevisionInput *
revision_input_new (SbBriefRevision *revision)
{
  RevisionInput *input = g_new0 (RevisionInput, 1);

  input->revision = g_object_ref (revision);
  input->scenes = g_ptr_array_new_with_free_func (g_object_unref);
  input->row = revision_row_snapshot (revision, input->scenes);

  return input;
}

static void
save_revision_run (SbLibrary    *self,
                   SbLibraryJob *job)
{
  RevisionInput *input = job->input;
  RevisionRow *row = input->row;
  GError **error = &job->error;
  g_autofree char *content = NULL;
  sqlite3_stmt *stmt;
  int rc;

  row->id = effective_id (row->id, row->cell);
  if (row->id == 0)
    {
      set_revision_not_found_error (error);
      return;
    }

  if (!sb_library_begin_write (self, error))
    return;

  /* The stored brief and number win over whatever the object says. */
  stmt = sb_library_get_statement (self,
                                   "SELECT brief_id, number, parent_revision_id, created_at "
                                   "FROM brief_revisions WHERE id = ?1",
                                   error);
  if (stmt == NULL)
    goto failed;

  sqlite3_bind_int64 (stmt, 1, row->id);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    {
      row->brief_id = sqlite3_column_int64 (stmt, 0);
      row->number = sqlite3_column_int (stmt, 1);
      row->parent_id = sqlite3_column_int64 (stmt, 2);
      row->created_at = sqlite3_column_int64 (stmt, 3);
    }
  sqlite3_reset (stmt);

  if (rc == SQLITE_DONE)
    {
      set_revision_not_found_error (error);
      goto failed;
    }
  else if (rc != SQLITE_ROW)
    {
      step_error (self, rc, error);
      goto failed;
    }

  content = revision_content_to_string (row);
  stmt = sb_library_get_statement (self, "UPDATE brief_revisions SET content = ?2 WHERE id = ?1", error);
  if (stmt == NULL)
    goto failed;

  sqlite3_bind_int64 (stmt, 1, row->id);
  sqlite3_bind_text (stmt, 2, content, -1, SQLITE_STATIC);
  if (!sb_library_step_done (self, stmt, error) ||
      !write_scenes (self, row, error) ||
      !touch_brief (self, row->brief_id, row, g_get_real_time (), error) ||
      !sb_library_commit (self, error))
    goto failed;

  publish_revision_ids (row);

  return;

failed:
  sb_library_rollback (self);
}

static void
revision_done (SbLibrary    *self,
               SbLibraryJob *job)
{
  RevisionInput *input = job->input;

  if (job->error == NULL)
    {
      revision_apply_ids (input->revision, input->row, input->scenes);
      sb_library_emit_brief_changed (self, input->row->brief_id);
    }

  sb_library_job_return_boolean (self, job);
}

void
sb_library_save_revision_async (SbLibrary           *self,
                                SbBriefRevision     *revision,
                                GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (SB_IS_LIBRARY (self));
  g_return_if_fail (SB_IS_BRIEF_REVISION (revision));
  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, sb_library_save_revision_async);

  sb_library_queue_job (self, task, save_revision_run, revision_done,
                        revision_input_new (revision), revision_input_free);
}

gboolean
sb_library_save_revision_finish (SbLibrary     *self,
                                 GAsyncResult  *result,
                                 GError       **error)
{
  g_return_val_if_fail (SB_IS_LIBRARY (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == sb_library_save_revision_async, FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

static void
add_revision_run (SbLibrary    *self,
                  SbLibraryJob *job)
{
  RevisionInput *input = job->input;
  RevisionRow *row = input->row;
  GError **error = &job->error;
  gint64 newest_id = 0;
  guint newest_number = 0;
  gboolean brief_exists = FALSE;
  sqlite3_stmt *stmt;
  int rc;

  if (!sb_library_begin_write (self, error))
    return;

  stmt = sb_library_get_statement (self,
                                   "SELECT EXISTS (SELECT 1 FROM briefs WHERE id = ?1), "
                                   "(SELECT id FROM brief_revisions WHERE brief_id = ?1 ORDER BY number DESC LIMIT 1), "
                                   "(SELECT MAX (number) FROM brief_revisions WHERE brief_id = ?1)",
                                   error);
  if (stmt == NULL)
    goto failed;

  sqlite3_bind_int64 (stmt, 1, row->brief_id);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    {
      brief_exists = sqlite3_column_int (stmt, 0) != 0;
      newest_id = sqlite3_column_int64 (stmt, 1);
      newest_number = sqlite3_column_int (stmt, 2);
    }
  sqlite3_reset (stmt);

  if (rc != SQLITE_ROW)
    {
      step_error (self, rc, error);
      goto failed;
    }

  if (!brief_exists)
    {
      set_brief_not_found_error (error);
      goto failed;
    }

  row->number = newest_number + 1;
  /* A linear history: unless told otherwise, it follows the newest. */
  if (row->parent_id == 0)
    row->parent_id = newest_id;
  row->created_at = g_get_real_time ();

  if (!insert_revision (self, row, error) ||
      !touch_brief (self, row->brief_id, row, row->created_at, error) ||
      !sb_library_commit (self, error))
    goto failed;

  publish_revision_ids (row);

  return;

failed:
  sb_library_rollback (self);
}

void
sb_library_add_revision_async (SbLibrary           *self,
                               SbBriefRevision     *revision,
                               GCancellable        *cancellable,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (SB_IS_LIBRARY (self));
  g_return_if_fail (SB_IS_BRIEF_REVISION (revision));
  g_return_if_fail (sb_brief_revision_get_id (revision) == 0);
  g_return_if_fail (sb_brief_revision_get_brief_id (revision) > 0);
  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, sb_library_add_revision_async);

  sb_library_queue_job (self, task, add_revision_run, revision_done,
                        revision_input_new (revision), revision_input_free);
}

gboolean
sb_library_add_revision_finish (SbLibrary     *self,
                                GAsyncResult  *result,
                                GError       **error)
{
  g_return_val_if_fail (SB_IS_LIBRARY (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == sb_library_add_revision_async, FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

/* List and get briefs */

/* Case-insensitive for every script, not just ASCII as LIKE would be. */
static char *
fold (const char *text)
{
  g_autofree char *normalized = g_utf8_normalize (text ? text : "", -1, G_NORMALIZE_ALL);

  return g_utf8_casefold (normalized ? normalized : "", -1);
}

static gboolean
brief_matches (const BriefRow *row,
               const char     *folded_search)
{
  g_autofree char *title = fold (row->title);
  g_autofree char *prompt = fold (row->prompt);

  return strstr (title, folded_search) != NULL || strstr (prompt, folded_search) != NULL;
}

static void
list_briefs_run (SbLibrary    *self,
                 SbLibraryJob *job)
{
  const char *search = job->input;
  g_autofree char *folded_search = NULL;
  g_autoptr(GPtrArray) rows = g_ptr_array_new_with_free_func (brief_row_free);
  sqlite3_stmt *stmt;
  int rc;

  if (search != NULL && search[0] != '\0')
    folded_search = fold (search);

  /* The briefs table is small: one row per thing the user asked for. */
  stmt = sb_library_get_statement (self, BRIEF_SELECT "ORDER BY updated_at DESC, id DESC", &job->error);
  if (stmt == NULL)
    return;

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      g_autoptr(BriefRow) row = brief_row_from_statement (stmt);

      if (folded_search == NULL || brief_matches (row, folded_search))
        g_ptr_array_add (rows, g_steal_pointer (&row));
    }
  sqlite3_reset (stmt);

  if (rc != SQLITE_DONE)
    {
      step_error (self, rc, &job->error);
      return;
    }

  job->result = g_steal_pointer (&rows);
  job->result_free = (GDestroyNotify) g_ptr_array_unref;
}

static void
list_briefs_done (SbLibrary    *self,
                  SbLibraryJob *job)
{
  GPtrArray *rows = job->result;
  g_autoptr(GListStore) store = NULL;
  g_autoptr(GPtrArray) briefs = NULL;

  if (job->error != NULL)
    {
      g_task_return_error (job->task, g_steal_pointer (&job->error));
      return;
    }

  store = g_list_store_new (SB_TYPE_BRIEF);
  briefs = g_ptr_array_new_full (rows->len, g_object_unref);
  for (guint i = 0; i < rows->len; i++)
    {
      SbBrief *brief = sb_brief_new ();

      brief_fill_from_row (brief, g_ptr_array_index (rows, i));
      g_ptr_array_add (briefs, brief);
    }
  g_list_store_splice (store, 0, 0, briefs->pdata, briefs->len);

  g_task_return_pointer (job->task, g_steal_pointer (&store), g_object_unref);
}

void
sb_library_list_briefs_async (SbLibrary           *self,
                              const char          *search,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (SB_IS_LIBRARY (self));
  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, sb_library_list_briefs_async);

  sb_library_queue_job (self, task, list_briefs_run, list_briefs_done, g_strdup (search), g_free);
}

GListModel *
sb_library_list_briefs_finish (SbLibrary     *self,
                               GAsyncResult  *result,
                               GError       **error)
{
  g_return_val_if_fail (SB_IS_LIBRARY (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == sb_library_list_briefs_async, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

static gint64 *
dup_id (gint64 id)
{
  return g_memdup2 (&id, sizeof id);
}

static void
get_brief_run (SbLibrary    *self,
               SbLibraryJob *job)
{
  gint64 id = *(gint64 *) job->input;
  sqlite3_stmt *stmt;
  int rc;

  stmt = sb_library_get_statement (self, BRIEF_SELECT "WHERE id = ?1", &job->error);
  if (stmt == NULL)
    return;

  sqlite3_bind_int64 (stmt, 1, id);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    {
      job->result = brief_row_from_statement (stmt);
      job->result_free = brief_row_free;
    }
  else if (rc == SQLITE_DONE)
    set_brief_not_found_error (&job->error);
  else
    step_error (self, rc, &job->error);

  sqlite3_reset (stmt);
}

static void
get_brief_done (SbLibrary    *self,
                SbLibraryJob *job)
{
  SbBrief *brief;

  if (job->error != NULL)
    {
      g_task_return_error (job->task, g_steal_pointer (&job->error));
      return;
    }

  brief = sb_brief_new ();
  brief_fill_from_row (brief, job->result);
  g_task_return_pointer (job->task, brief, g_object_unref);
}

void
sb_library_get_brief_async (SbLibrary           *self,
                            gint64               brief_id,
                            GCancellable        *cancellable,
                            GAsyncReadyCallback  callback,
                            gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (SB_IS_LIBRARY (self));
  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, sb_library_get_brief_async);

  sb_library_queue_job (self, task, get_brief_run, get_brief_done, dup_id (brief_id), g_free);
}

SbBrief *
sb_library_get_brief_finish (SbLibrary     *self,
                             GAsyncResult  *result,
                             GError       **error)
{
  g_return_val_if_fail (SB_IS_LIBRARY (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == sb_library_get_brief_async, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/* List revisions, load the latest */

/* Reads the revisions of @brief_id (all, oldest first, or only the newest)
 * with their scenes, in one read transaction. */
static GPtrArray *
read_revisions (SbLibrary  *self,
                gint64      brief_id,
                gboolean    latest_only,
                GError    **error)
{
  g_autoptr(GPtrArray) rows = g_ptr_array_new_with_free_func (revision_row_free);
  sqlite3_stmt *stmt;
  gboolean ok = FALSE;
  int rc;

  if (!begin_read (self, error))
    return NULL;

  stmt = sb_library_get_statement (self,
                                   latest_only
                                   ? REVISION_SELECT "WHERE brief_id = ?1 ORDER BY number DESC LIMIT 1"
                                   : REVISION_SELECT "WHERE brief_id = ?1 ORDER BY number",
                                   error);
  if (stmt == NULL)
    goto out;

  sqlite3_bind_int64 (stmt, 1, brief_id);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    g_ptr_array_add (rows, revision_row_from_statement (stmt));
  sqlite3_reset (stmt);

  if (rc != SQLITE_DONE)
    {
      step_error (self, rc, error);
      goto out;
    }

  for (guint i = 0; i < rows->len; i++)
    {
      if (!read_scenes (self, g_ptr_array_index (rows, i), error))
        goto out;
    }

  ok = TRUE;

out:
  if (!end_read (self, ok, error))
    return NULL;

  return g_steal_pointer (&rows);
}

static void
list_revisions_run (SbLibrary    *self,
                    SbLibraryJob *job)
{
  job->result = read_revisions (self, *(gint64 *) job->input, FALSE, &job->error);
  job->result_free = (GDestroyNotify) g_ptr_array_unref;
}

static void
list_revisions_done (SbLibrary    *self,
                     SbLibraryJob *job)
{
  GPtrArray *rows = job->result;
  g_autoptr(GListStore) store = NULL;
  g_autoptr(GPtrArray) revisions = NULL;

  if (job->error != NULL)
    {
      g_task_return_error (job->task, g_steal_pointer (&job->error));
      return;
    }

  store = g_list_store_new (SB_TYPE_BRIEF_REVISION);
  revisions = g_ptr_array_new_full (rows->len, g_object_unref);
  for (guint i = 0; i < rows->len; i++)
    g_ptr_array_add (revisions, revision_new_from_row (g_ptr_array_index (rows, i)));
  g_list_store_splice (store, 0, 0, revisions->pdata, revisions->len);

  g_task_return_pointer (job->task, g_steal_pointer (&store), g_object_unref);
}

void
sb_library_list_revisions_async (SbLibrary           *self,
                                 gint64               brief_id,
                                 GCancellable        *cancellable,
                                 GAsyncReadyCallback  callback,
                                 gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (SB_IS_LIBRARY (self));
  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, sb_library_list_revisions_async);

  sb_library_queue_job (self, task, list_revisions_run, list_revisions_done, dup_id (brief_id), g_free);
}

GListModel *
sb_library_list_revisions_finish (SbLibrary     *self,
                                  GAsyncResult  *result,
                                  GError       **error)
{
  g_return_val_if_fail (SB_IS_LIBRARY (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == sb_library_list_revisions_async, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
load_latest_run (SbLibrary    *self,
                 SbLibraryJob *job)
{
  g_autoptr(GPtrArray) rows = NULL;

  rows = read_revisions (self, *(gint64 *) job->input, TRUE, &job->error);
  if (rows == NULL)
    return;

  if (rows->len == 0)
    {
      set_brief_not_found_error (&job->error);
      return;
    }

  job->result = g_ptr_array_steal_index (rows, 0);
  job->result_free = revision_row_free;
}

static void
load_latest_done (SbLibrary    *self,
                  SbLibraryJob *job)
{
  if (job->error != NULL)
    {
      g_task_return_error (job->task, g_steal_pointer (&job->error));
      return;
    }

  g_task_return_pointer (job->task, revision_new_from_row (job->result), g_object_unref);
}

void
sb_library_load_latest_revision_async (SbLibrary           *self,
                                       gint64               brief_id,
                                       GCancellable        *cancellable,
                                       GAsyncReadyCallback  callback,
                                       gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (SB_IS_LIBRARY (self));
  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, sb_library_load_latest_revision_async);

  sb_library_queue_job (self, task, load_latest_run, load_latest_done, dup_id (brief_id), g_free);
}

SbBriefRevision *
sb_library_load_latest_revision_finish (SbLibrary     *self,
                                        GAsyncResult  *result,
                                        GError       **error)
{
  g_return_val_if_fail (SB_IS_LIBRARY (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == sb_library_load_latest_revision_async, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/* Delete */

static void
delete_run (SbLibrary    *self,
            SbLibraryJob *job)
{
  gint64 id = *(gint64 *) job->input;
  GError **error = &job->error;
  sqlite3_stmt *stmt;

  if (!sb_library_begin_write (self, error))
    return;

  /* Revisions and scenes cascade; media, jobs and scenes' links to them
   * are set to NULL by their foreign keys. */
  stmt = sb_library_get_statement (self, "DELETE FROM briefs WHERE id = ?1", error);
  if (stmt == NULL)
    goto failed;

  sqlite3_bind_int64 (stmt, 1, id);
  if (!sb_library_step_done (self, stmt, error))
    goto failed;

  if (sqlite3_changes (sb_library_get_db (self)) == 0)
    {
      set_brief_not_found_error (error);
      goto failed;
    }

  if (!sb_library_commit (self, error))
    goto failed;

  return;

failed:
  sb_library_rollback (self);
}

static void
delete_done (SbLibrary    *self,
             SbLibraryJob *job)
{
  if (job->error == NULL)
    sb_library_emit_brief_changed (self, *(gint64 *) job->input);

  sb_library_job_return_boolean (self, job);
}

void
sb_library_delete_brief_async (SbLibrary           *self,
                               gint64               brief_id,
                               GCancellable        *cancellable,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (SB_IS_LIBRARY (self));
  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, sb_library_delete_brief_async);

  sb_library_queue_job (self, task, delete_run, delete_done, dup_id (brief_id), g_free);
}

gboolean
sb_library_delete_brief_finish (SbLibrary     *self,
                                GAsyncResult  *result,
                                GError       **error)
{
  g_return_val_if_fail (SB_IS_LIBRARY (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == sb_library_delete_brief_async, FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}
