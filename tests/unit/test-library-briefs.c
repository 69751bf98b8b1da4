/* test-library-briefs.c
 *
 * Copyright 2026 The Storyboard authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "sb-test-async.h"
#include "sb-library-briefs.h"
#include "sb-library-private.h"

/* Async plumbing: every helper starts one call and iterates the default
 * main context until its callback has stored the result. */

static SbLibrary *
open_library_at (const char *path)
{
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  SbLibrary *library;

  sb_library_open_async (file, NULL, sb_test_store_result_cb, &result);
  library = sb_library_open_finish (sb_test_run_until (&result), &error);
  g_assert_no_error (error);
  g_assert_true (SB_IS_LIBRARY (library));

  return library;
}

static char *
default_path (void)
{
  g_autoptr(GFile) file = sb_library_dup_default_file ();

  return g_file_get_path (file);
}

static SbLibrary *
open_default_library (void)
{
  g_autofree char *path = default_path ();

  return open_library_at (path);
}

static void
close_library (SbLibrary *library)
{
  sb_library_close (library);
  g_assert_finalize_object (library);
}

static gboolean
create_brief (SbLibrary        *library,
              SbBrief          *brief,
              SbBriefRevision  *revision,
              GError          **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  sb_library_create_brief_async (library, brief, revision, NULL, sb_test_store_result_cb, &result);

  return sb_library_create_brief_finish (library, sb_test_run_until (&result), error);
}

static gboolean
save_brief (SbLibrary  *library,
            SbBrief    *brief,
            GError    **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  sb_library_save_brief_async (library, brief, NULL, sb_test_store_result_cb, &result);

  return sb_library_save_brief_finish (library, sb_test_run_until (&result), error);
}

static gboolean
save_revision (SbLibrary        *library,
               SbBriefRevision  *revision,
               GError          **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  sb_library_save_revision_async (library, revision, NULL, sb_test_store_result_cb, &result);

  return sb_library_save_revision_finish (library, sb_test_run_until (&result), error);
}

static gboolean
add_revision (SbLibrary        *library,
              SbBriefRevision  *revision,
              GError          **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  sb_library_add_revision_async (library, revision, NULL, sb_test_store_result_cb, &result);

  return sb_library_add_revision_finish (library, sb_test_run_until (&result), error);
}

static GListModel *
list_briefs (SbLibrary  *library,
             const char *search)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  GListModel *model;

  sb_library_list_briefs_async (library, search, NULL, sb_test_store_result_cb, &result);
  model = sb_library_list_briefs_finish (library, sb_test_run_until (&result), &error);
  g_assert_no_error (error);
  g_assert_true (G_IS_LIST_MODEL (model));
  g_assert_true (g_list_model_get_item_type (model) == SB_TYPE_BRIEF);

  return model;
}

static SbBrief *
get_brief (SbLibrary  *library,
           gint64      id,
           GError    **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  sb_library_get_brief_async (library, id, NULL, sb_test_store_result_cb, &result);

  return sb_library_get_brief_finish (library, sb_test_run_until (&result), error);
}

static GListModel *
list_revisions (SbLibrary *library,
                gint64     brief_id)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  GListModel *model;

  sb_library_list_revisions_async (library, brief_id, NULL, sb_test_store_result_cb, &result);
  model = sb_library_list_revisions_finish (library, sb_test_run_until (&result), &error);
  g_assert_no_error (error);
  g_assert_true (G_IS_LIST_MODEL (model));

  return model;
}

static SbBriefRevision *
load_latest (SbLibrary  *library,
             gint64      brief_id,
             GError    **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  sb_library_load_latest_revision_async (library, brief_id, NULL, sb_test_store_result_cb, &result);

  return sb_library_load_latest_revision_finish (library, sb_test_run_until (&result), error);
}

static gboolean
delete_brief (SbLibrary  *library,
              gint64      id,
              GError    **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  sb_library_delete_brief_async (library, id, NULL, sb_test_store_result_cb, &result);

  return sb_library_delete_brief_finish (library, sb_test_run_until (&result), error);
}

/* Fixtures */

static SbScene *
new_scene (const char *title,
           double      duration)
{
  SbScene *scene = sb_scene_new ();
  g_autofree char *description = g_strdup_printf ("What happens in %s", title);
  g_autofree char *prompt = g_strdup_printf ("A cinematic shot of %s", title);

  sb_scene_set_title (scene, title);
  sb_scene_set_description (scene, description);
  sb_scene_set_duration (scene, duration);
  sb_scene_set_shot_notes (scene, "handheld");
  sb_scene_set_generation_prompt (scene, prompt);

  return scene;
}

static SbBrief *
new_brief (const char *prompt)
{
  SbBrief *brief = sb_brief_new ();

  sb_brief_set_prompt (brief, prompt);
  sb_brief_set_platform (brief, "tiktok");
  sb_brief_set_category (brief, "product");
  sb_brief_set_target_duration (brief, 30);
  sb_brief_set_provider (brief, "openrouter");
  sb_brief_set_model (brief, "some/model");

  return brief;
}

static SbBriefRevision *
new_revision (const char *title,
              guint       n_scenes)
{
  SbBriefRevision *revision = sb_brief_revision_new ();
  GListStore *scenes = sb_brief_revision_get_scenes (revision);

  sb_brief_revision_set_title (revision, title);
  sb_brief_revision_set_logline (revision, "A runner meets the sun");
  sb_brief_revision_set_audience (revision, "Runners, 20-35");
  sb_brief_revision_set_tone (revision, "Uplifting");
  sb_brief_revision_set_visual_style (revision, "Warm film grain");
  sb_brief_revision_set_provider (revision, "openrouter");
  sb_brief_revision_set_model (revision, "some/model");

  for (guint i = 0; i < n_scenes; i++)
    {
      g_autofree char *scene_title = g_strdup_printf ("Scene %c", 'A' + i);
      g_autoptr(SbScene) scene = new_scene (scene_title, 2.5 + i);

      g_list_store_append (scenes, scene);
    }

  return revision;
}

/* Creates a brief "title" with @n_scenes scenes; returns the revision. */
static SbBriefRevision *
create_stored (SbLibrary   *library,
               const char  *title,
               const char  *prompt,
               guint        n_scenes,
               SbBrief    **out_brief)
{
  g_autoptr(SbBrief) brief = new_brief (prompt);
  g_autoptr(SbBriefRevision) revision = new_revision (title, n_scenes);
  g_autoptr(GError) error = NULL;

  create_brief (library, brief, revision, &error);
  g_assert_no_error (error);
  g_assert_cmpint (sb_brief_get_id (brief), >, 0);

  if (out_brief != NULL)
    *out_brief = g_steal_pointer (&brief);

  return g_steal_pointer (&revision);
}

static SbScene *
scene_at (SbBriefRevision *revision,
          guint            position)
{
  GListModel *scenes = G_LIST_MODEL (sb_brief_revision_get_scenes (revision));
  SbScene *scene = g_list_model_get_item (scenes, position);

  g_assert_nonnull (scene);
  g_object_unref (scene);   /* the store keeps it alive */

  return scene;
}

static guint
n_scenes (SbBriefRevision *revision)
{
  return g_list_model_get_n_items (G_LIST_MODEL (sb_brief_revision_get_scenes (revision)));
}

/* Asserts that @b has the same content, ids, numbers and scenes as @a. */
static void
assert_revisions_equal (SbBriefRevision *a,
                        SbBriefRevision *b)
{
  g_assert_cmpint (sb_brief_revision_get_id (a), ==, sb_brief_revision_get_id (b));
  g_assert_cmpint (sb_brief_revision_get_brief_id (a), ==, sb_brief_revision_get_brief_id (b));
  g_assert_cmpuint (sb_brief_revision_get_number (a), ==, sb_brief_revision_get_number (b));
  g_assert_cmpint (sb_brief_revision_get_parent_id (a), ==, sb_brief_revision_get_parent_id (b));
  g_assert_cmpstr (sb_brief_revision_get_instruction (a), ==, sb_brief_revision_get_instruction (b));
  g_assert_cmpstr (sb_brief_revision_get_provider (a), ==, sb_brief_revision_get_provider (b));
  g_assert_cmpstr (sb_brief_revision_get_model (a), ==, sb_brief_revision_get_model (b));
  g_assert_cmpstr (sb_brief_revision_get_title (a), ==, sb_brief_revision_get_title (b));
  g_assert_cmpstr (sb_brief_revision_get_logline (a), ==, sb_brief_revision_get_logline (b));
  g_assert_cmpstr (sb_brief_revision_get_audience (a), ==, sb_brief_revision_get_audience (b));
  g_assert_cmpstr (sb_brief_revision_get_tone (a), ==, sb_brief_revision_get_tone (b));
  g_assert_cmpstr (sb_brief_revision_get_visual_style (a), ==, sb_brief_revision_get_visual_style (b));
  g_assert_nonnull (sb_brief_revision_get_created_at (b));
  g_assert_true (g_date_time_equal (sb_brief_revision_get_created_at (a),
                                    sb_brief_revision_get_created_at (b)));

  g_assert_cmpuint (n_scenes (a), ==, n_scenes (b));
  for (guint i = 0; i < n_scenes (a); i++)
    {
      SbScene *sa = scene_at (a, i);
      SbScene *sb = scene_at (b, i);

      g_assert_cmpint (sb_scene_get_id (sa), ==, sb_scene_get_id (sb));
      g_assert_cmpstr (sb_scene_get_title (sa), ==, sb_scene_get_title (sb));
      g_assert_cmpstr (sb_scene_get_description (sa), ==, sb_scene_get_description (sb));
      g_assert_cmpfloat (sb_scene_get_duration (sa), ==, sb_scene_get_duration (sb));
      g_assert_cmpstr (sb_scene_get_shot_notes (sa), ==, sb_scene_get_shot_notes (sb));
      g_assert_cmpstr (sb_scene_get_generation_prompt (sa), ==, sb_scene_get_generation_prompt (sb));
      g_assert_cmpint (sb_scene_get_chosen_media_id (sa), ==, sb_scene_get_chosen_media_id (sb));
      g_assert_true (sb_scene_equal_content (sa, sb));
    }
}

static char *
query (const char *sql)
{
  g_autofree char *path = default_path ();
  g_autoptr(GError) error = NULL;
  char *text;

  text = sb_library_test_query (path, sql, &error);
  g_assert_no_error (error);

  return text;
}

static void
count_cb (gpointer data)
{
  (*(guint *) data)++;
}

typedef struct
{
  GArray *ids;    /* gint64 brief ids, in signal order */
} SignalLog;

static void
brief_changed_cb (SbLibrary *library,
                  gint64     brief_id,
                  SignalLog *log)
{
  g_array_append_val (log->ids, brief_id);
}

/* Tests */

static void
test_create (void)
{
  SbLibrary *library = open_default_library ();
  g_autoptr(SbBrief) brief = new_brief ("A sunrise run for a running shoe");
  g_autoptr(SbBriefRevision) revision = new_revision ("Sunrise run", 3);
  g_autoptr(SbBrief) stored = NULL;
  g_autoptr(SbBriefRevision) latest = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *rows = NULL;
  g_autofree char *sql = NULL;
  guint id_notifies = 0;

  g_signal_connect_swapped (revision, "notify::id", G_CALLBACK (count_cb), &id_notifies);

  g_assert_true (create_brief (library, brief, revision, &error));
  g_assert_no_error (error);

  g_assert_cmpint (sb_brief_get_id (brief), >, 0);
  g_assert_cmpstr (sb_brief_get_title (brief), ==, "Sunrise run");
  g_assert_cmpuint (sb_brief_get_n_revisions (brief), ==, 1);
  g_assert_nonnull (sb_brief_get_created_at (brief));
  g_assert_nonnull (sb_brief_get_updated_at (brief));

  g_assert_cmpint (sb_brief_revision_get_id (revision), >, 0);
  g_assert_cmpint (id_notifies, ==, 1);
  g_assert_cmpint (sb_brief_revision_get_brief_id (revision), ==, sb_brief_get_id (brief));
  g_assert_cmpuint (sb_brief_revision_get_number (revision), ==, 1);
  g_assert_cmpint (sb_brief_revision_get_parent_id (revision), ==, 0);
  g_assert_nonnull (sb_brief_revision_get_created_at (revision));
  for (guint i = 0; i < 3; i++)
    {
      g_assert_cmpint (sb_scene_get_id (scene_at (revision, i)), >, 0);
      for (guint j = 0; j < i; j++)
        g_assert_cmpint (sb_scene_get_id (scene_at (revision, i)), !=, sb_scene_get_id (scene_at (revision, j)));
    }

  /* What is stored, as read back. */
  stored = get_brief (library, sb_brief_get_id (brief), &error);
  g_assert_no_error (error);
  g_assert_cmpint (sb_brief_get_id (stored), ==, sb_brief_get_id (brief));
  g_assert_cmpstr (sb_brief_get_title (stored), ==, "Sunrise run");
  g_assert_cmpstr (sb_brief_get_prompt (stored), ==, "A sunrise run for a running shoe");
  g_assert_cmpstr (sb_brief_get_platform (stored), ==, "tiktok");
  g_assert_cmpstr (sb_brief_get_category (stored), ==, "product");
  g_assert_cmpfloat (sb_brief_get_target_duration (stored), ==, 30);
  g_assert_cmpstr (sb_brief_get_provider (stored), ==, "openrouter");
  g_assert_cmpstr (sb_brief_get_model (stored), ==, "some/model");
  g_assert_cmpuint (sb_brief_get_n_revisions (stored), ==, 1);
  g_assert_true (g_date_time_equal (sb_brief_get_created_at (stored), sb_brief_get_created_at (brief)));

  latest = load_latest (library, sb_brief_get_id (brief), &error);
  g_assert_no_error (error);
  assert_revisions_equal (revision, latest);

  /* The creative fields are the content JSON, the scenes are rows. */
  close_library (library);
  sql = g_strdup_printf ("SELECT json_extract (content, '$.title'), json_extract (content, '$.tone'), "
                         "json_type (content, '$.scenes') IS NULL FROM brief_revisions WHERE id = %" G_GINT64_FORMAT,
                         sb_brief_revision_get_id (revision));
  rows = query (sql);
  g_assert_cmpstr (rows, ==, "Sunrise run|Uplifting|1");
  g_clear_pointer (&rows, g_free);
  rows = query ("SELECT position, title FROM scenes ORDER BY position");
  g_assert_cmpstr (rows, ==, "0|Scene A\n1|Scene B\n2|Scene C");
}

/* Autosave: edit, insert, delete and reorder scenes; survives a reopen. */
static void
test_autosave (void)
{
  SbLibrary *library = open_default_library ();
  g_autoptr(SbBrief) brief = NULL;
  g_autoptr(SbBriefRevision) revision = create_stored (library, "Sunrise run", "shoe ad", 4, &brief);
  g_autoptr(SbBriefRevision) latest = NULL;
  g_autoptr(SbBrief) stored = NULL;
  g_autoptr(SbScene) inserted = new_scene ("Inserted", 1.25);
  g_autoptr(SbScene) moved = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *rows = NULL;
  g_autofree char *expected = NULL;
  GListStore *scenes = sb_brief_revision_get_scenes (revision);
  gint64 deleted_id = sb_scene_get_id (scene_at (revision, 2));
  gint64 brief_id = sb_brief_get_id (brief);

  /* A, B, C, D -> edit A, insert after A, delete C, move D to the front:
   * D, A', Inserted, B */
  sb_scene_set_title (scene_at (revision, 0), "Scene A, edited");
  sb_scene_set_duration (scene_at (revision, 0), 7.5);
  sb_scene_set_shot_notes (scene_at (revision, 0), NULL);
  g_list_store_insert (scenes, 1, inserted);
  g_list_store_remove (scenes, 3);
  moved = g_list_model_get_item (G_LIST_MODEL (scenes), 3);
  g_list_store_remove (scenes, 3);
  g_list_store_insert (scenes, 0, moved);
  sb_brief_revision_set_title (revision, "Sunset run");
  sb_brief_revision_set_logline (revision, "A runner chases the sun");
  sb_brief_revision_set_visual_style (revision, NULL);

  g_assert_cmpint (sb_scene_get_id (inserted), ==, 0);
  g_assert_true (save_revision (library, revision, &error));
  g_assert_no_error (error);
  g_assert_cmpint (sb_scene_get_id (inserted), >, 0);
  g_assert_cmpint (sb_scene_get_id (inserted), !=, deleted_id);
  g_assert_cmpuint (sb_brief_revision_get_number (revision), ==, 1);

  /* The brief follows its newest revision's title. */
  stored = get_brief (library, brief_id, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (sb_brief_get_title (stored), ==, "Sunset run");
  g_assert_cmpint (g_date_time_compare (sb_brief_get_updated_at (stored), sb_brief_get_updated_at (brief)), >, 0);
  g_clear_object (&stored);

  close_library (library);

  expected = g_strdup_printf ("0|Scene D\n1|Scene A, edited\n2|Inserted\n3|Scene B");
  rows = query ("SELECT position, title FROM scenes ORDER BY position");
  g_assert_cmpstr (rows, ==, expected);
  g_clear_pointer (&rows, g_free);
  rows = query ("SELECT COUNT(*) FROM scenes WHERE title = 'Scene C'");
  g_assert_cmpstr (rows, ==, "0");

  library = open_default_library ();
  latest = load_latest (library, brief_id, &error);
  g_assert_no_error (error);
  assert_revisions_equal (revision, latest);
  g_assert_cmpstr (sb_scene_get_title (scene_at (latest, 0)), ==, "Scene D");
  g_assert_cmpstr (sb_scene_get_shot_notes (scene_at (latest, 1)), ==, NULL);
  g_assert_cmpfloat (sb_scene_get_duration (scene_at (latest, 1)), ==, 7.5);
  g_assert_cmpstr (sb_brief_revision_get_logline (latest), ==, "A runner chases the sun");
  g_assert_cmpstr (sb_brief_revision_get_visual_style (latest), ==, NULL);

  close_library (library);
}

/* Autosaves queued faster than they complete: a scene inserted by the
 * first must be updated, not inserted again, by the second, although the
 * second was snapshotted while the scene's id was still 0. */
static void
test_autosave_queued (void)
{
  SbLibrary *library = open_default_library ();
  g_autoptr(SbBriefRevision) revision = create_stored (library, "Queue", "queue", 1, NULL);
  g_autoptr(SbScene) added = new_scene ("Added", 1);
  g_autoptr(GAsyncResult) first = NULL;
  g_autoptr(GAsyncResult) second = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *rows = NULL;
  g_autofree char *expected = NULL;
  guint id_notifies = 0;

  g_signal_connect_swapped (added, "notify::id", G_CALLBACK (count_cb), &id_notifies);
  g_list_store_append (sb_brief_revision_get_scenes (revision), added);
  sb_library_save_revision_async (library, revision, NULL, sb_test_store_result_cb, &first);
  sb_scene_set_title (added, "Added, then edited");
  sb_library_save_revision_async (library, revision, NULL, sb_test_store_result_cb, &second);

  g_assert_true (sb_library_save_revision_finish (library, sb_test_run_until (&first), &error));
  g_assert_no_error (error);
  g_assert_true (sb_library_save_revision_finish (library, sb_test_run_until (&second), &error));
  g_assert_no_error (error);
  g_assert_cmpint (sb_scene_get_id (added), >, 0);
  /* Its id never changed: the second save updated the row the first one
   * inserted (replacing it would drop links to the scene). */
  g_assert_cmpuint (id_notifies, ==, 1);

  /* The results hold the library. */
  g_clear_object (&first);
  g_clear_object (&second);
  close_library (library);

  rows = query ("SELECT position, title FROM scenes ORDER BY position, id");
  g_assert_cmpstr (rows, ==, "0|Scene A\n1|Added, then edited");
  g_clear_pointer (&rows, g_free);
  expected = g_strdup_printf ("%" G_GINT64_FORMAT, sb_scene_get_id (added));
  rows = query ("SELECT MAX (id) FROM scenes");
  g_assert_cmpstr (rows, ==, expected);
}

static void
test_add_revision (void)
{
  SbLibrary *library = open_default_library ();
  g_autoptr(SbBrief) brief = NULL;
  g_autoptr(SbBriefRevision) first = create_stored (library, "First", "numbers", 2, &brief);
  g_autoptr(SbBriefRevision) second = sb_brief_revision_copy (first);
  g_autoptr(SbBriefRevision) third = NULL;
  g_autoptr(GListModel) revisions = NULL;
  g_autoptr(SbBrief) stored = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(SbScene) extra = new_scene ("Extra", 4);

  sb_brief_revision_set_instruction (second, "Make it shorter");
  sb_brief_revision_set_title (second, "Second");
  g_list_store_remove (sb_brief_revision_get_scenes (second), 1);
  g_assert_true (add_revision (library, second, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (sb_brief_revision_get_number (second), ==, 2);
  g_assert_cmpint (sb_brief_revision_get_id (second), >, sb_brief_revision_get_id (first));
  g_assert_cmpint (sb_brief_revision_get_parent_id (second), ==, sb_brief_revision_get_id (first));
  g_assert_cmpint (sb_scene_get_id (scene_at (second, 0)), >, 0);
  g_assert_cmpint (sb_scene_get_id (scene_at (second, 0)), !=, sb_scene_get_id (scene_at (first, 0)));

  third = sb_brief_revision_copy (second);
  sb_brief_revision_set_instruction (third, "Add a scene");
  sb_brief_revision_set_title (third, "Third");
  g_list_store_append (sb_brief_revision_get_scenes (third), extra);
  g_assert_true (add_revision (library, third, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (sb_brief_revision_get_number (third), ==, 3);
  g_assert_cmpint (sb_brief_revision_get_parent_id (third), ==, sb_brief_revision_get_id (second));

  /* Oldest first, each with its own scenes; the first is untouched. */
  revisions = list_revisions (library, sb_brief_get_id (brief));
  g_assert_cmpuint (g_list_model_get_n_items (revisions), ==, 3);
  for (guint i = 0; i < 3; i++)
    {
      g_autoptr(SbBriefRevision) revision = g_list_model_get_item (revisions, i);

      g_assert_cmpuint (sb_brief_revision_get_number (revision), ==, i + 1);
      assert_revisions_equal (i == 0 ? first : i == 1 ? second : third, revision);
    }

  stored = get_brief (library, sb_brief_get_id (brief), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (sb_brief_get_n_revisions (stored), ==, 3);
  g_assert_cmpstr (sb_brief_get_title (stored), ==, "Third");
  g_clear_object (&stored);

  /* Autosaving an older revision does not take the brief's title. */
  sb_brief_revision_set_title (first, "First, renamed");
  g_assert_true (save_revision (library, first, &error));
  g_assert_no_error (error);
  stored = get_brief (library, sb_brief_get_id (brief), &error);
  g_assert_no_error (error);
  g_assert_cmpstr (sb_brief_get_title (stored), ==, "Third");

  close_library (library);
}

static void
assert_titles (GListModel *briefs,
               const char *expected)
{
  g_autoptr(GString) titles = g_string_new (NULL);

  for (guint i = 0; i < g_list_model_get_n_items (briefs); i++)
    {
      g_autoptr(SbBrief) brief = g_list_model_get_item (briefs, i);

      if (i > 0)
        g_string_append_c (titles, ',');
      g_string_append (titles, sb_brief_get_title (brief));
    }

  g_assert_cmpstr (titles->str, ==, expected);
}

static void
test_list_and_search (void)
{
  SbLibrary *library = open_default_library ();
  g_autoptr(SbBriefRevision) oldest = create_stored (library, "Sunrise run", "running shoes at dawn", 1, NULL);
  g_autoptr(SbBriefRevision) middle = create_stored (library, "Café opening", "a new coffee place", 1, NULL);
  g_autoptr(SbBriefRevision) newest = create_stored (library, "Rainy city", "umbrellas 50% off_now", 2, NULL);
  g_autoptr(GListModel) briefs = NULL;
  g_autoptr(GError) error = NULL;
  const struct {
    const char *search;
    const char *titles;
  } searches[] = {
    { NULL, "Rainy city,Café opening,Sunrise run" },
    { "", "Rainy city,Café opening,Sunrise run" },
    { "SUNRISE", "Sunrise run" },          /* title, another case */
    { "CoFFee", "Café opening" },          /* prompt */
    { "CAFÉ", "Café opening" },            /* not only ASCII */
    { "run", "Sunrise run" },              /* title and prompt of one brief: once */
    { "50%", "Rainy city" },
    { "%", "Rainy city" },                 /* literal, not a wildcard */
    { "s_5", "" },                         /* _ is literal too */
    { "submarine", "" },
  };

  briefs = list_briefs (library, NULL);
  g_assert_cmpuint (g_list_model_get_n_items (briefs), ==, 3);
  {
    g_autoptr(SbBrief) first = g_list_model_get_item (briefs, 0);

    g_assert_cmpuint (sb_brief_get_n_revisions (first), ==, 1);
    g_assert_cmpstr (sb_brief_get_prompt (first), ==, "umbrellas 50% off_now");
  }
  g_clear_object (&briefs);

  for (guint i = 0; i < G_N_ELEMENTS (searches); i++)
    {
      g_test_message ("search: %s", searches[i].search);
      briefs = list_briefs (library, searches[i].search);
      assert_titles (briefs, searches[i].titles);
      g_clear_object (&briefs);
    }

  /* An autosave makes a brief the most recently updated. */
  sb_brief_revision_set_tone (oldest, "Calm");
  g_assert_true (save_revision (library, oldest, &error));
  g_assert_no_error (error);
  briefs = list_briefs (library, NULL);
  assert_titles (briefs, "Sunrise run,Rainy city,Café opening");
  g_clear_object (&briefs);

  close_library (library);
}

static void
test_save_brief (void)
{
  SbLibrary *library = open_default_library ();
  g_autoptr(SbBrief) brief = NULL;
  g_autoptr(SbBriefRevision) revision = create_stored (library, "Saved", "before", 1, &brief);
  g_autoptr(SbBrief) stored = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GDateTime) created_at = g_date_time_ref (sb_brief_get_created_at (brief));
  g_autoptr(SbBrief) missing = new_brief ("never stored");

  sb_brief_set_prompt (brief, "after");
  sb_brief_set_platform (brief, NULL);
  sb_brief_set_target_duration (brief, 15);
  g_assert_true (save_brief (library, brief, &error));
  g_assert_no_error (error);
  g_assert_true (g_date_time_equal (sb_brief_get_created_at (brief), created_at));

  stored = get_brief (library, sb_brief_get_id (brief), &error);
  g_assert_no_error (error);
  g_assert_cmpstr (sb_brief_get_prompt (stored), ==, "after");
  g_assert_cmpstr (sb_brief_get_platform (stored), ==, NULL);
  g_assert_cmpfloat (sb_brief_get_target_duration (stored), ==, 15);
  g_assert_true (g_date_time_equal (sb_brief_get_created_at (stored), created_at));
  g_assert_true (g_date_time_equal (sb_brief_get_updated_at (stored), sb_brief_get_updated_at (brief)));

  g_assert_false (save_brief (library, missing, &error));
  g_assert_error (error, SB_LIBRARY_ERROR, SB_LIBRARY_ERROR_NOT_FOUND);

  close_library (library);
}

static void
test_delete (void)
{
  SbLibrary *library = open_default_library ();
  g_autoptr(SbBrief) brief = NULL;
  g_autoptr(SbBriefRevision) revision = create_stored (library, "Doomed", "delete me", 2, &brief);
  g_autoptr(SbBriefRevision) kept_revision = create_stored (library, "Kept", "keep me", 1, NULL);
  g_autoptr(SbBriefRevision) second = sb_brief_revision_copy (revision);
  g_autoptr(SbMediaItem) item = sb_media_item_new ();
  g_autoptr(SbMediaItem) added = NULL;
  g_autoptr(SbMediaItem) reread = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GBytes) bytes = g_bytes_new_static ("not really a png", 16);
  g_autoptr(GListModel) revisions = NULL;
  g_autoptr(SbBrief) gone = NULL;
  g_autoptr(SbBriefRevision) no_revision = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *rows = NULL;
  gint64 brief_id = sb_brief_get_id (brief);

  g_assert_true (add_revision (library, second, &error));
  g_assert_no_error (error);

  sb_media_item_set_kind (item, SB_MEDIA_KIND_IMAGE);
  sb_media_item_set_mime_type (item, "image/png");
  sb_media_item_set_links (item, brief_id, sb_brief_revision_get_id (revision),
                           sb_scene_get_id (scene_at (revision, 1)));
  sb_library_add_media_async (library, item, bytes, NULL, NULL, sb_test_store_result_cb, &result);
  added = sb_library_add_media_finish (library, sb_test_run_until (&result), NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (sb_media_item_get_brief_id (added), ==, brief_id);
  g_assert_cmpint (sb_media_item_get_scene_id (added), ==, sb_scene_get_id (scene_at (revision, 1)));
  g_clear_object (&result);

  g_assert_true (delete_brief (library, brief_id, &error));
  g_assert_no_error (error);

  gone = get_brief (library, brief_id, &error);
  g_assert_error (error, SB_LIBRARY_ERROR, SB_LIBRARY_ERROR_NOT_FOUND);
  g_assert_null (gone);
  g_clear_error (&error);

  no_revision = load_latest (library, brief_id, &error);
  g_assert_error (error, SB_LIBRARY_ERROR, SB_LIBRARY_ERROR_NOT_FOUND);
  g_assert_null (no_revision);
  g_clear_error (&error);

  revisions = list_revisions (library, brief_id);
  g_assert_cmpuint (g_list_model_get_n_items (revisions), ==, 0);

  /* Autosaving a revision of a deleted brief is an error, not a zombie. */
  g_assert_false (save_revision (library, revision, &error));
  g_assert_error (error, SB_LIBRARY_ERROR, SB_LIBRARY_ERROR_NOT_FOUND);
  g_clear_error (&error);

  g_assert_false (delete_brief (library, brief_id, &error));
  g_assert_error (error, SB_LIBRARY_ERROR, SB_LIBRARY_ERROR_NOT_FOUND);
  g_clear_error (&error);

  /* The media stays, unlinked. */
  sb_library_get_media_async (library, sb_media_item_get_id (added), NULL, sb_test_store_result_cb, &result);
  reread = sb_library_get_media_finish (library, sb_test_run_until (&result), &error);
  g_assert_no_error (error);
  g_assert_cmpint (sb_media_item_get_brief_id (reread), ==, 0);
  g_assert_cmpint (sb_media_item_get_revision_id (reread), ==, 0);
  g_assert_cmpint (sb_media_item_get_scene_id (reread), ==, 0);

  g_clear_object (&result);
  close_library (library);

  rows = query ("SELECT (SELECT COUNT(*) FROM briefs), (SELECT COUNT(*) FROM brief_revisions), "
                "(SELECT COUNT(*) FROM scenes), (SELECT COUNT(*) FROM media WHERE brief_id IS NULL)");
  /* Only "Kept" is left: one brief, one revision, one scene. */
  g_assert_cmpstr (rows, ==, "1|1|1|1");
}

/* Every write emits ::brief-changed with the brief's id, before its
 * callback runs; reads emit nothing. */
typedef struct
{
  SignalLog *log;
  guint      n_at_callback;
  gboolean   called;
} CallbackProbe;

static void
probe_cb (GObject      *object,
          GAsyncResult *result,
          gpointer      user_data)
{
  CallbackProbe *probe = user_data;

  probe->n_at_callback = probe->log->ids->len;
  probe->called = TRUE;
}

static void
test_brief_changed (void)
{
  SbLibrary *library = open_default_library ();
  g_autoptr(SbBrief) brief = new_brief ("signals");
  g_autoptr(SbBriefRevision) revision = new_revision ("Signals", 1);
  g_autoptr(SbBriefRevision) next = NULL;
  g_autoptr(GListModel) briefs = NULL;
  g_autoptr(GArray) ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  SignalLog log = { ids };
  CallbackProbe probe = { &log, 0, FALSE };
  g_autoptr(GError) error = NULL;
  gint64 brief_id;

  g_signal_connect (library, "brief-changed", G_CALLBACK (brief_changed_cb), &log);

  sb_library_create_brief_async (library, brief, revision, NULL, probe_cb, &probe);
  while (!probe.called)
    g_main_context_iteration (NULL, TRUE);
  g_assert_cmpuint (probe.n_at_callback, ==, 1);
  brief_id = sb_brief_get_id (brief);
  g_assert_cmpint (g_array_index (ids, gint64, 0), ==, brief_id);

  g_assert_true (save_revision (library, revision, &error));
  g_assert_no_error (error);
  g_assert_true (save_brief (library, brief, &error));
  g_assert_no_error (error);
  next = sb_brief_revision_copy (revision);
  g_assert_true (add_revision (library, next, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (ids->len, ==, 4);

  briefs = list_briefs (library, NULL);
  g_assert_cmpuint (ids->len, ==, 4);

  g_assert_true (delete_brief (library, brief_id, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (ids->len, ==, 5);
  for (guint i = 0; i < ids->len; i++)
    g_assert_cmpint (g_array_index (ids, gint64, i), ==, brief_id);

  /* A failed write emits nothing. */
  g_assert_false (delete_brief (library, brief_id, &error));
  g_assert_error (error, SB_LIBRARY_ERROR, SB_LIBRARY_ERROR_NOT_FOUND);
  g_assert_cmpuint (ids->len, ==, 5);

  close_library (library);
}

static void
test_json_round_trip (void)
{
  g_autoptr(SbBriefRevision) revision = new_revision ("Round trip", 3);
  g_autoptr(SbBriefRevision) parsed = NULL;
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(JsonNode) again = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  g_autofree char *text_again = NULL;
  JsonObject *object;
  JsonArray *scenes;

  sb_brief_revision_set_id (revision, 42);
  sb_scene_set_id (scene_at (revision, 0), 7);
  sb_scene_set_duration (scene_at (revision, 1), 3.75);

  node = sb_brief_revision_to_json (revision);
  text = json_to_string (node, TRUE);
  g_test_message ("%s", text);

  /* The shape the LLM is asked for, and no ids. */
  object = json_node_get_object (node);
  g_assert_cmpstr (json_object_get_string_member (object, "title"), ==, "Round trip");
  g_assert_cmpstr (json_object_get_string_member (object, "visual_style"), ==, "Warm film grain");
  g_assert_false (json_object_has_member (object, "id"));
  scenes = json_object_get_array_member (object, "scenes");
  g_assert_cmpuint (json_array_get_length (scenes), ==, 3);
  for (guint i = 0; i < 3; i++)
    {
      JsonObject *scene = json_array_get_object_element (scenes, i);

      g_assert_cmpint (json_object_get_int_member (scene, "number"), ==, i + 1);
      g_assert_false (json_object_has_member (scene, "id"));
    }
  g_assert_cmpfloat (json_object_get_double_member (json_array_get_object_element (scenes, 1), "duration_seconds"), ==, 3.75);

  /* Through text, as it would come back from a model. */
  g_assert_true (json_parser_load_from_data (parser, text, -1, &error));
  g_assert_no_error (error);
  parsed = sb_brief_revision_new_from_json (json_parser_get_root (parser), &error);
  g_assert_no_error (error);
  g_assert_nonnull (parsed);
  g_assert_cmpint (sb_brief_revision_get_id (parsed), ==, 0);
  g_assert_cmpstr (sb_brief_revision_get_logline (parsed), ==, sb_brief_revision_get_logline (revision));
  g_assert_cmpstr (sb_brief_revision_get_audience (parsed), ==, sb_brief_revision_get_audience (revision));
  g_assert_cmpstr (sb_brief_revision_get_tone (parsed), ==, sb_brief_revision_get_tone (revision));
  g_assert_cmpuint (n_scenes (parsed), ==, 3);
  for (guint i = 0; i < 3; i++)
    {
      g_assert_cmpint (sb_scene_get_id (scene_at (parsed, i)), ==, 0);
      g_assert_true (sb_scene_equal_content (scene_at (parsed, i), scene_at (revision, i)));
    }

  again = sb_brief_revision_to_json (parsed);
  text_again = json_to_string (again, TRUE);
  g_assert_cmpstr (text_again, ==, text);
}

static void
test_json_invalid (void)
{
  const char *invalid[] = {
    "[]",
    "{\"title\": 3}",
    "{\"tone\": {}}",
    "{\"scenes\": {}}",
    "{\"scenes\": [1]}",
    "{\"scenes\": [{\"duration_seconds\": \"5\"}]}",
    "{\"scenes\": [{\"duration_seconds\": -1}]}",
    "{\"scenes\": [{\"number\": \"one\"}]}",
    "{\"scenes\": [{\"title\": [\"a\"]}]}",
  };
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(SbBriefRevision) minimal = NULL;
  g_autoptr(GError) error = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (invalid); i++)
    {
      g_autoptr(SbBriefRevision) revision = NULL;

      g_test_message ("invalid: %s", invalid[i]);
      g_assert_true (json_parser_load_from_data (parser, invalid[i], -1, NULL));
      revision = sb_brief_revision_new_from_json (json_parser_get_root (parser), &error);
      g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA);
      g_assert_null (revision);
      g_clear_error (&error);
    }

  /* Missing members and nulls are fine; integers are fine as durations. */
  g_assert_true (json_parser_load_from_data (parser,
                                             "{\"title\": \"T\", \"tone\": null, "
                                             "\"scenes\": [{\"number\": 1, \"duration_seconds\": 4}]}",
                                             -1, NULL));
  minimal = sb_brief_revision_new_from_json (json_parser_get_root (parser), &error);
  g_assert_no_error (error);
  g_assert_cmpstr (sb_brief_revision_get_title (minimal), ==, "T");
  g_assert_null (sb_brief_revision_get_tone (minimal));
  g_assert_cmpuint (n_scenes (minimal), ==, 1);
  g_assert_cmpfloat (sb_scene_get_duration (scene_at (minimal, 0)), ==, 4);
}

static void
test_copy (void)
{
  g_autoptr(SbBriefRevision) revision = new_revision ("Original", 2);
  g_autoptr(SbBriefRevision) copy = NULL;
  g_autoptr(SbScene) scene_copy = NULL;

  sb_brief_revision_set_id (revision, 5);
  sb_brief_revision_set_brief_id (revision, 3);
  sb_brief_revision_set_number (revision, 2);
  sb_brief_revision_set_parent_id (revision, 4);
  sb_brief_revision_set_instruction (revision, "Punchier");
  sb_scene_set_id (scene_at (revision, 0), 11);
  sb_scene_set_id (scene_at (revision, 1), 12);
  sb_scene_set_chosen_media_id (scene_at (revision, 1), 99);

  copy = sb_brief_revision_copy (revision);
  g_assert_cmpint (sb_brief_revision_get_id (copy), ==, 0);
  g_assert_cmpuint (sb_brief_revision_get_number (copy), ==, 0);
  g_assert_cmpint (sb_brief_revision_get_parent_id (copy), ==, 0);
  /* Still the same brief's: ready for add_revision. */
  g_assert_cmpint (sb_brief_revision_get_brief_id (copy), ==, 3);
  g_assert_cmpstr (sb_brief_revision_get_title (copy), ==, "Original");
  g_assert_cmpstr (sb_brief_revision_get_instruction (copy), ==, "Punchier");
  g_assert_cmpstr (sb_brief_revision_get_visual_style (copy), ==, "Warm film grain");
  g_assert_true (sb_brief_revision_get_scenes (copy) != sb_brief_revision_get_scenes (revision));
  g_assert_cmpuint (n_scenes (copy), ==, 2);
  for (guint i = 0; i < 2; i++)
    {
      g_assert_true (scene_at (copy, i) != scene_at (revision, i));
      g_assert_cmpint (sb_scene_get_id (scene_at (copy, i)), ==, 0);
      g_assert_true (sb_scene_equal_content (scene_at (copy, i), scene_at (revision, i)));
    }
  g_assert_cmpint (sb_scene_get_chosen_media_id (scene_at (copy, 1)), ==, 99);

  /* Deep: editing the copy leaves the original alone. */
  sb_scene_set_title (scene_at (copy, 0), "Changed");
  sb_brief_revision_set_title (copy, "Changed");
  g_assert_cmpstr (sb_scene_get_title (scene_at (revision, 0)), ==, "Scene A");
  g_assert_cmpstr (sb_brief_revision_get_title (revision), ==, "Original");
  g_assert_false (sb_scene_equal_content (scene_at (copy, 0), scene_at (revision, 0)));

  scene_copy = sb_scene_copy (scene_at (revision, 1));
  g_assert_cmpint (sb_scene_get_id (scene_copy), ==, 0);
  g_assert_true (sb_scene_equal_content (scene_copy, scene_at (revision, 1)));
  sb_scene_set_chosen_media_id (scene_copy, 100);
  g_assert_false (sb_scene_equal_content (scene_copy, scene_at (revision, 1)));
}

/* Properties notify once per real change, never for the same value. */
static void
test_notify (void)
{
  g_autoptr(SbScene) scene = sb_scene_new ();
  g_autoptr(SbBrief) brief = sb_brief_new ();
  g_autoptr(SbBriefRevision) revision = sb_brief_revision_new ();
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autoptr(GDateTime) same = g_date_time_add (now, 0);
  guint scene_notifies = 0, brief_notifies = 0, revision_notifies = 0;

  g_signal_connect_swapped (scene, "notify", G_CALLBACK (count_cb), &scene_notifies);
  g_signal_connect_swapped (brief, "notify", G_CALLBACK (count_cb), &brief_notifies);
  g_signal_connect_swapped (revision, "notify", G_CALLBACK (count_cb), &revision_notifies);

  sb_scene_set_title (scene, "T");
  sb_scene_set_title (scene, "T");
  sb_scene_set_duration (scene, 2);
  sb_scene_set_duration (scene, 2);
  g_object_set (scene, "generation-prompt", "p", "chosen-media-id", (gint64) 3, NULL);
  g_object_set (scene, "generation-prompt", "p", "chosen-media-id", (gint64) 3, NULL);
  g_assert_cmpuint (scene_notifies, ==, 4);

  sb_brief_set_category (brief, "product");
  sb_brief_set_category (brief, "product");
  sb_brief_set_times (brief, now, now);
  sb_brief_set_times (brief, same, same);
  sb_brief_set_n_revisions (brief, 2);
  sb_brief_set_n_revisions (brief, 2);
  g_assert_cmpuint (brief_notifies, ==, 4);

  sb_brief_revision_set_number (revision, 1);
  sb_brief_revision_set_number (revision, 1);
  sb_brief_revision_set_created_at (revision, now);
  sb_brief_revision_set_created_at (revision, same);
  sb_brief_revision_set_visual_style (revision, "v");
  sb_brief_revision_set_visual_style (revision, "v");
  g_assert_cmpuint (revision_notifies, ==, 3);
}

/* "Autosave surviving a kill": a child process creates a brief, autosaves
 * an edit, waits for the save's callback and then _exit()s without
 * closing the library.  The edit must be there for the next process. */

#define CHILD_ARG "--autosave-child"

static int
autosave_child_main (const char *path)
{
  SbLibrary *library = open_library_at (path);
  g_autoptr(SbBriefRevision) revision = create_stored (library, "Before the kill", "kill", 2, NULL);
  g_autoptr(SbScene) added = new_scene ("Added before the kill", 9);
  g_autoptr(GError) error = NULL;

  sb_scene_set_title (scene_at (revision, 0), "Edited before the kill");
  g_list_store_append (sb_brief_revision_get_scenes (revision), added);
  if (!save_revision (library, revision, &error))
    {
      g_printerr ("%s\n", error->message);
      _exit (2);
    }

  printf ("%" G_GINT64_FORMAT "\n", sb_brief_revision_get_brief_id (revision));
  fflush (stdout);

  /* No sb_library_close(), no checkpoint: as if the process died. */
  _exit (0);
}

static void
test_autosave_survives_kill (void)
{
  g_autofree char *path = default_path ();
  g_autofree char *self_path = g_file_read_link ("/proc/self/exe", NULL);
  g_autofree char *wal = g_strconcat (path, "-wal", NULL);
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autoptr(SbBriefRevision) latest = NULL;
  g_autoptr(GError) error = NULL;
  SbLibrary *library;
  const char *argv[] = { self_path, CHILD_ARG, path, NULL };
  gint64 brief_id;
  int status = -1;

  g_assert_nonnull (self_path);
  g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_DEFAULT, NULL, NULL, &out, &err, &status, &error);
  g_assert_no_error (error);
  g_test_message ("child stderr: %s", err);
  g_spawn_check_wait_status (status, &error);
  g_assert_no_error (error);

  brief_id = g_ascii_strtoll (out, NULL, 10);
  g_assert_cmpint (brief_id, >, 0);

  /* The child really did not close the database: its WAL is still there. */
  g_assert_true (g_file_test (wal, G_FILE_TEST_EXISTS));

  library = open_library_at (path);
  latest = load_latest (library, brief_id, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (sb_brief_revision_get_title (latest), ==, "Before the kill");
  g_assert_cmpuint (n_scenes (latest), ==, 3);
  g_assert_cmpstr (sb_scene_get_title (scene_at (latest, 0)), ==, "Edited before the kill");
  g_assert_cmpstr (sb_scene_get_title (scene_at (latest, 1)), ==, "Scene B");
  g_assert_cmpstr (sb_scene_get_title (scene_at (latest, 2)), ==, "Added before the kill");
  g_assert_cmpint (sb_scene_get_id (scene_at (latest, 2)), >, 0);

  close_library (library);
}

int
main (int   argc,
      char *argv[])
{
  if (argc == 3 && g_str_equal (argv[1], CHILD_ARG))
    return autosave_child_main (argv[2]);

  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/sb/library/briefs/create", test_create);
  g_test_add_func ("/sb/library/briefs/autosave", test_autosave);
  g_test_add_func ("/sb/library/briefs/autosave-queued", test_autosave_queued);
  g_test_add_func ("/sb/library/briefs/autosave-survives-kill", test_autosave_survives_kill);
  g_test_add_func ("/sb/library/briefs/add-revision", test_add_revision);
  g_test_add_func ("/sb/library/briefs/list-and-search", test_list_and_search);
  g_test_add_func ("/sb/library/briefs/save-brief", test_save_brief);
  g_test_add_func ("/sb/library/briefs/delete", test_delete);
  g_test_add_func ("/sb/library/briefs/brief-changed", test_brief_changed);
  g_test_add_func ("/sb/library/briefs/json-round-trip", test_json_round_trip);
  g_test_add_func ("/sb/library/briefs/json-invalid", test_json_invalid);
  g_test_add_func ("/sb/library/briefs/copy", test_copy);
  g_test_add_func ("/sb/library/briefs/notify", test_notify);

  return g_test_run ();
}
