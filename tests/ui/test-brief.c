/* test-brief.c
 *
 * Copyright 2026 The Storyboard authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The Brief page in the real window against the fake providers over
 * loopback: a prompt becomes a brief of scenes, edits are autosaved and can
 * be undone, a refine adds a revision that the Revisions dialog lists, and
 * going back appends a copy.  A rejected key shows the error in the page
 * with the button that fixes it; Cancel really cancels; a provider that is
 * down hands over to the next one, and the page says so.
 */

#include "config.h"

#include <adwaita.h>
#include <glib/gstdio.h>
#include <string.h>

#include "sb-ui-test.h"
#include "sb-application.h"
#include "sb-brief-page.h"
#include "sb-scene-row.h"
#include "sb-window.h"

static char *fake_path;
static char *fake_url;

static SbBriefPage *current_page;

/* Says what the page shows, for a timeout's message. */
static char *
describe_page (void)
{
  SbBriefRevision *revision;

  if (current_page == NULL)
    return g_strdup ("");

  revision = sb_brief_editor_get_revision (sb_brief_page_get_editor (current_page));
  return g_strdup_printf (" (view %s, %s, revision %u, error “%s”: “%s”)",
                          sb_brief_page_get_view (current_page),
                          sb_brief_page_is_running (current_page) ? "running" : "idle",
                          revision != NULL ? sb_brief_revision_get_number (revision) : 0,
                          sb_brief_page_get_error_title (current_page),
                          sb_brief_page_get_error_description (current_page));
}

static GSubprocess *
start_fake (const char *fault)
{
  g_autofree char *openai = NULL;
  g_autofree char *openrouter = NULL;
  GSubprocess *fake;

  /* The fake echoes the whole request into its answer, so a refine's
   * answer is long: stream it with short pauses. */
  g_clear_pointer (&fake_url, g_free);
  if (fault != NULL)
    fake = sb_ui_test_start_fake (fake_path, G_SUBPROCESS_FLAGS_NONE, &fake_url,
                                  "--sse-delay-ms", "0.2", "--fault", fault, NULL);
  else
    fake = sb_ui_test_start_fake (fake_path, G_SUBPROCESS_FLAGS_NONE, &fake_url,
                                  "--sse-delay-ms", "0.2", NULL);

  /* Every provider points at the fake: nothing leaves this machine. */
  openai = g_strconcat (fake_url, "/v1", NULL);
  openrouter = g_strconcat (fake_url, "/api/v1", NULL);
  g_setenv ("STORYBOARD_OPENAI_BASE_URL", openai, TRUE);
  g_setenv ("STORYBOARD_OPENROUTER_BASE_URL", openrouter, TRUE);
  g_setenv ("STORYBOARD_ANTHROPIC_BASE_URL", fake_url, TRUE);

  return fake;
}

/* With SB_TEST_SHOTS=DIR, saves what the window shows as DIR/NAME.png, to
 * look at the page by eye. */
static void
save_shot (GtkWidget  *widget,
           const char *name)
{
  const char *dir = g_getenv ("SB_TEST_SHOTS");
  g_autoptr(GdkPaintable) paintable = NULL;
  g_autoptr(GtkSnapshot) snapshot = NULL;
  g_autoptr(GskRenderNode) node = NULL;
  g_autoptr(GdkTexture) texture = NULL;
  g_autofree char *file = NULL;
  int width = gtk_widget_get_width (widget);
  int height = gtk_widget_get_height (widget);

  if (dir == NULL)
    return;

  sb_ui_test_iterate (50);
  paintable = gtk_widget_paintable_new (widget);
  snapshot = gtk_snapshot_new ();
  gdk_paintable_snapshot (paintable, snapshot, width, height);
  node = gtk_snapshot_free_to_node (g_steal_pointer (&snapshot));
  if (node == NULL)
    return;
  texture = gsk_renderer_render_texture (gtk_native_get_renderer (gtk_widget_get_native (widget)),
                                         node, &GRAPHENE_RECT_INIT (0, 0, width, height));
  file = g_strdup_printf ("%s/%s.png", dir, name);
  gdk_texture_save_to_png (texture, file);
}

static void
collect_scene_rows (GtkWidget *widget,
                    GPtrArray *rows)
{
  if (SB_IS_SCENE_ROW (widget))
    {
      if (sb_scene_row_get_scene (SB_SCENE_ROW (widget)) != NULL && gtk_widget_get_mapped (widget))
        g_ptr_array_add (rows, widget);
      return;
    }

  for (GtkWidget *child = gtk_widget_get_first_child (widget);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    collect_scene_rows (child, rows);
}

static SbSceneRow *
find_scene_row (SbBriefPage *page,
                guint        position)
{
  g_autoptr(GPtrArray) rows = g_ptr_array_new ();

  collect_scene_rows (GTK_WIDGET (sb_brief_page_get_editor (page)), rows);
  for (guint i = 0; i < rows->len; i++)
    if (sb_scene_row_get_position (g_ptr_array_index (rows, i)) == position)
      return g_ptr_array_index (rows, i);

  return NULL;
}

static gboolean
scene_row_shown (gpointer data)
{
  return find_scene_row (data, 0) != NULL;
}

typedef struct
{
  SbApplication *app;
  SbWindow      *window;
  SbBriefPage   *page;
} Fixture;

/* One application and window for all the tests, as a user would keep it
 * open: a GApplication exports itself on the session bus, so a second one
 * in this process could not register while the first lives. */
static Fixture fixture;

/* The brief the first test wrote, for the sidebar check of a later one. */
static gint64 first_brief_id;

static void
open_window (const char *provider)
{
  if (fixture.app == NULL)
    {
      g_autoptr(GError) error = NULL;

      fixture.app = sb_application_new (APPLICATION_ID, G_APPLICATION_NON_UNIQUE);
      g_assert_true (g_application_register (G_APPLICATION (fixture.app), NULL, &error));
      g_assert_no_error (error);
      sb_ui_test_wait_for (sb_ui_test_library_ready, fixture.app, "the library to open");
      g_assert_nonnull (sb_application_get_library (fixture.app));

      g_application_activate (G_APPLICATION (fixture.app));
      fixture.window = SB_WINDOW (gtk_application_get_active_window (GTK_APPLICATION (fixture.app)));
      g_assert_nonnull (fixture.window);
      g_object_ref (fixture.window);
      sb_window_set_page (fixture.window, "brief");

      fixture.page = SB_BRIEF_PAGE (sb_ui_test_find_descendant (GTK_WIDGET (fixture.window), SB_TYPE_BRIEF_PAGE));
      g_assert_nonnull (fixture.page);
      current_page = fixture.page;
      sb_ui_test_set_describe (describe_page);
    }

  /* Start from a new, empty brief. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture.page), "brief.new", NULL));
  g_assert_cmpstr (sb_brief_page_get_view (fixture.page), ==, "compose");
  g_assert_null (sb_brief_page_get_brief (fixture.page));
  g_assert_null (sb_brief_page_get_error_title (fixture.page));

  g_settings_set_string (sb_application_get_settings (fixture.app), "brief-provider", provider);
  g_assert_true (gtk_widget_get_mapped (GTK_WIDGET (fixture.page)));
}

static void
test_brief_close (void)
{
  if (fixture.app == NULL)
    return;

  current_page = NULL;
  gtk_window_destroy (GTK_WINDOW (fixture.window));
  sb_ui_test_iterate (50);
  g_assert_finalize_object (fixture.window);

  g_application_quit (G_APPLICATION (fixture.app));
  sb_library_close (sb_application_get_library (fixture.app));
  g_clear_object (&fixture.app);
}

static gboolean
page_idle (gpointer data)
{
  return !sb_brief_page_is_running (data);
}

static gboolean
editor_shown (gpointer data)
{
  SbBriefPage *page = data;

  return !sb_brief_page_is_running (page) &&
         g_strcmp0 (sb_brief_page_get_view (page), "editor") == 0 &&
         sb_brief_editor_get_revision (sb_brief_page_get_editor (page)) != NULL;
}

static gboolean
error_shown (gpointer data)
{
  return sb_brief_page_get_error_title (data) != NULL;
}

static gboolean
editor_saved (gpointer data)
{
  SbBriefEditor *editor = data;

  return sb_brief_editor_is_saved (editor) && sb_brief_editor_get_n_saves (editor) > 0;
}

typedef struct
{
  SbBriefPage *page;
  guint        number;
} RevisionWait;

static gboolean
revision_shown (gpointer data)
{
  RevisionWait *wait = data;
  SbBriefRevision *revision = sb_brief_editor_get_revision (sb_brief_page_get_editor (wait->page));

  return !sb_brief_page_is_running (wait->page) &&
         revision != NULL && sb_brief_revision_get_number (revision) == wait->number;
}

typedef struct
{
  SbRevisionsDialog *dialog;
  guint              n;
} DialogWait;

static gboolean
dialog_lists (gpointer data)
{
  DialogWait *wait = data;
  GListModel *model = sb_revisions_dialog_get_model (wait->dialog);

  return model != NULL && g_list_model_get_n_items (model) == wait->n;
}

static gboolean
briefs_listed (gpointer data)
{
  GListModel *briefs = sb_brief_page_get_briefs (data);

  return briefs != NULL && g_list_model_get_n_items (briefs) == 1;
}

typedef struct
{
  GAsyncResult *result;
} AsyncWait;

static void
async_done (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  AsyncWait *wait = user_data;

  wait->result = g_object_ref (result);
}

static gboolean
async_finished (gpointer data)
{
  return ((AsyncWait *) data)->result != NULL;
}

static gboolean
reference_settled (gpointer data)
{
  const char *summary = sb_brief_page_get_reference_summary (data);

  return summary != NULL && *summary != '\0' && g_strcmp0 (summary, "Reading…") != 0;
}

static GFile *
test_image (const char *name)
{
  return g_file_new_for_path (g_test_get_filename (G_TEST_DIST, "data", "images", name, NULL));
}

static void
export_done (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  GAsyncResult **out = user_data;

  *out = g_object_ref (result);
}

static gboolean
export_finished (gpointer data)
{
  return *(GAsyncResult **) data != NULL;
}

static char *
read_export (SbBriefPage *page,
             const char  *format)
{
  g_autofree char *dir = g_dir_make_tmp ("sb-export-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "brief.out", NULL);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  char *contents = NULL;

  sb_brief_page_export_async (page, file, format, NULL, export_done, &result);
  sb_ui_test_wait_for (export_finished, &result, "the export");
  g_assert_true (sb_brief_page_export_finish (page, result, &error));
  g_assert_no_error (error);

  g_assert_true (g_file_get_contents (path, &contents, NULL, &error));
  g_assert_no_error (error);
  g_unlink (path);
  g_rmdir (dir);

  return contents;
}

typedef struct
{
  SbBriefPage *page;
  gint64       brief_id;
  guint        n_briefs;
} BriefWait;

static gboolean
brief_open (gpointer data)
{
  BriefWait *wait = data;
  SbBrief *brief = sb_brief_page_get_brief (wait->page);

  return editor_shown (wait->page) && brief != NULL && sb_brief_get_id (brief) == wait->brief_id;
}

static gboolean
briefs_count (gpointer data)
{
  BriefWait *wait = data;
  GListModel *briefs = sb_brief_page_get_briefs (wait->page);

  return briefs != NULL && g_list_model_get_n_items (briefs) == wait->n_briefs;
}

static const char *
scene_title (GListModel *scenes,
             guint       position)
{
  g_autoptr(SbScene) scene = g_list_model_get_item (scenes, position);

  /* The store keeps the scene alive. */
  return sb_scene_get_title (scene);
}

static void
test_brief_generate_edit_refine (void)
{
  g_autoptr(GSubprocess) fake = start_fake (NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(GListModel) revisions = NULL;
  g_autoptr(SbBriefRevision) stored = NULL;
  g_autofree char *original_second = NULL;
  SbBriefEditor *editor;
  SbBriefRevision *revision;
  SbLibrary *library;
  SbSceneRow *row;
  SbRevisionsDialog *dialog;
  GListModel *scenes;
  GListModel *dialog_model;
  RevisionWait revision_wait;
  DialogWait dialog_wait;
  AsyncWait async = { NULL };
  guint n_scenes;

  g_setenv ("OPENAI_API_KEY", "test-key", TRUE);
  open_window ("openai");
  library = sb_application_get_library (fixture.app);
  editor = sb_brief_page_get_editor (fixture.page);

  /* Nothing to write from yet. */
  g_assert_false (gtk_widget_activate_action (GTK_WIDGET (fixture.page), "brief.generate", NULL) &&
                  sb_brief_page_is_running (fixture.page));

  /* A file that is not an image says why; a good one shows its size. */
  {
    g_autoptr(GFile) bad = test_image ("empty.png");
    g_autoptr(GFile) good = test_image ("green.jpg");

    sb_brief_page_set_reference_file (fixture.page, bad);
    sb_ui_test_wait_for (reference_settled, fixture.page, "the bad reference to be refused");
    g_assert_false (sb_brief_page_has_reference (fixture.page));
    g_assert_true (g_str_has_prefix (sb_brief_page_get_reference_summary (fixture.page),
                                     "This file cannot be a reference"));

    sb_brief_page_set_reference_file (fixture.page, good);
    sb_ui_test_wait_for (reference_settled, fixture.page, "the reference to load");
    g_assert_true (sb_brief_page_has_reference (fixture.page));
    g_assert_true (g_str_has_prefix (sb_brief_page_get_reference_summary (fixture.page), "Image, "));
  }

  gtk_text_buffer_set_text (sb_brief_page_get_prompt_buffer (fixture.page),
                            "A launch video for a solar-powered bike light, upbeat, for commuters", -1);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture.page), "brief.generate", NULL));
  g_assert_true (sb_brief_page_is_running (fixture.page));

  /* The brief arrives, is stored as revision 1, and the editor shows it. */
  sb_ui_test_wait_for (editor_shown, fixture.page, "the generated brief");
  g_assert_null (sb_brief_page_get_error_title (fixture.page));
  revision = sb_brief_editor_get_revision (editor);
  g_assert_cmpuint (sb_brief_revision_get_number (revision), ==, 1);
  g_assert_cmpint (sb_brief_get_id (sb_brief_page_get_brief (fixture.page)), >, 0);
  /* The chosen provider answered: no hand-over to report. */
  g_assert_cmpstr (sb_brief_page_get_notice (fixture.page), ==, "");

  scenes = sb_brief_editor_get_scenes (editor);
  n_scenes = g_list_model_get_n_items (scenes);
  g_assert_cmpuint (n_scenes, >=, 5);
  g_assert_cmpuint (n_scenes, <=, 8);
  sb_ui_test_wait_for (briefs_listed, fixture.page, "the brief in the sidebar");
  first_brief_id = sb_brief_get_id (sb_brief_page_get_brief (fixture.page));

  /* The cards are on screen, named for screen readers. */
  sb_ui_test_wait_for (scene_row_shown, fixture.page, "the scene cards");
  row = find_scene_row (fixture.page, 0);
  g_assert_cmpstr (gtk_editable_get_text (sb_scene_row_get_title_editable (row)), ==, scene_title (scenes, 0));

  save_shot (GTK_WIDGET (fixture.window), "brief-editor");

  /* Edit the first scene's title as the user would. */
  gtk_editable_set_text (sb_scene_row_get_title_editable (row), "Dawn ride through the city");
  g_assert_cmpstr (scene_title (scenes, 0), ==, "Dawn ride through the city");
  original_second = g_strdup (scene_title (scenes, 1));

  /* Move it down (Alt+Down does the same): it becomes scene 2. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (row), "scene.move-down", NULL));
  g_assert_cmpstr (scene_title (scenes, 1), ==, "Dawn ride through the city");
  g_assert_cmpstr (scene_title (scenes, 0), ==, original_second);
  g_assert_cmpuint (g_list_model_get_n_items (scenes), ==, n_scenes);

  /* Undo the move, redo it. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (editor), "editor.undo", NULL));
  g_assert_cmpstr (scene_title (scenes, 0), ==, "Dawn ride through the city");
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (editor), "editor.redo", NULL));
  g_assert_cmpstr (scene_title (scenes, 1), ==, "Dawn ride through the city");

  /* Autosave, with nothing to press. */
  sb_ui_test_wait_for (editor_saved, editor, "the autosave");
  g_assert_cmpstr (sb_brief_editor_get_status (editor), ==, "Saved");

  sb_library_load_latest_revision_async (library, sb_brief_get_id (sb_brief_page_get_brief (fixture.page)),
                                         NULL, async_done, &async);
  sb_ui_test_wait_for (async_finished, &async, "the stored revision");
  stored = sb_library_load_latest_revision_finish (library, async.result, &error);
  g_clear_object (&async.result);
  g_assert_no_error (error);
  g_assert_cmpuint (sb_brief_revision_get_number (stored), ==, 1);
  g_assert_cmpstr (scene_title (G_LIST_MODEL (sb_brief_revision_get_scenes (stored)), 1), ==,
                   "Dawn ride through the city");
  g_assert_cmpstr (scene_title (G_LIST_MODEL (sb_brief_revision_get_scenes (stored)), 0), ==,
                   original_second);

  /* Refine: revision 2 replaces the editor's content. */
  gtk_editable_set_text (sb_brief_page_get_refine_editable (fixture.page), "make it funnier");
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture.page), "brief.refine", NULL));
  revision_wait.page = fixture.page;
  revision_wait.number = 2;
  sb_ui_test_wait_for (revision_shown, &revision_wait, "revision 2");
  g_assert_null (sb_brief_page_get_error_title (fixture.page));
  revision = sb_brief_editor_get_revision (editor);
  g_assert_cmpstr (sb_brief_revision_get_instruction (revision), ==, "make it funnier");
  g_assert_cmpuint (g_list_model_get_n_items (sb_brief_editor_get_scenes (editor)), >=, 5);
  g_assert_cmpstr (gtk_editable_get_text (sb_brief_page_get_refine_editable (fixture.page)), ==, "");

  /* Export what is on screen. */
  {
    g_autofree char *markdown = read_export (fixture.page, "markdown");
    g_autofree char *json = read_export (fixture.page, "json");
    g_autoptr(JsonParser) parser = json_parser_new ();
    JsonObject *root;

    g_assert_true (g_str_has_prefix (markdown, "# "));
    g_assert_nonnull (strstr (markdown, sb_brief_revision_get_title (revision)));
    g_assert_true (json_parser_load_from_data (parser, json, -1, &error));
    g_assert_no_error (error);
    root = json_node_get_object (json_parser_get_root (parser));
    g_assert_nonnull (root);
  }

  /* The library holds both. */
  sb_library_list_revisions_async (library, sb_brief_get_id (sb_brief_page_get_brief (fixture.page)),
                                   NULL, async_done, &async);
  sb_ui_test_wait_for (async_finished, &async, "the revisions");
  revisions = sb_library_list_revisions_finish (library, async.result, &error);
  g_clear_object (&async.result);
  g_assert_no_error (error);
  g_assert_cmpuint (g_list_model_get_n_items (revisions), ==, 2);

  /* The Revisions dialog lists both, newest first, with what changed. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture.page), "brief.revisions", NULL));
  dialog = sb_brief_page_get_revisions_dialog (fixture.page);
  g_assert_nonnull (dialog);
  dialog_wait.dialog = dialog;
  dialog_wait.n = 2;
  sb_ui_test_wait_for (dialog_lists, &dialog_wait, "the revisions in the dialog");
  dialog_model = sb_revisions_dialog_get_model (dialog);
  {
    g_autoptr(SbBriefRevision) newest = g_list_model_get_item (dialog_model, 0);
    g_autoptr(SbBriefRevision) oldest = g_list_model_get_item (dialog_model, 1);

    g_assert_cmpuint (sb_brief_revision_get_number (newest), ==, 2);
    g_assert_cmpstr (sb_brief_revision_get_instruction (newest), ==, "make it funnier");
    g_assert_cmpuint (sb_brief_revision_get_number (oldest), ==, 1);
  }
  g_assert_cmpstr (sb_revisions_dialog_get_changes (dialog), !=, "");
  save_shot (GTK_WIDGET (dialog), "brief-revisions");
  g_assert_true (g_str_has_prefix (sb_revisions_dialog_get_changes (dialog), "• "));

  /* Go back to revision 1: a copy becomes revision 3, nothing is lost. */
  sb_revisions_dialog_select (dialog, 1);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (dialog), "revisions.restore", NULL));
  revision_wait.number = 3;
  sb_ui_test_wait_for (revision_shown, &revision_wait, "revision 3");
  scenes = sb_brief_editor_get_scenes (editor);
  g_assert_cmpstr (scene_title (scenes, 1), ==, "Dawn ride through the city");
  dialog_wait.n = 3;
  sb_ui_test_wait_for (dialog_lists, &dialog_wait, "three revisions in the dialog");

  g_assert_true (gtk_widget_get_realized (GTK_WIDGET (dialog)));
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (dialog)));
  gtk_window_close (GTK_WINDOW (dialog));
  sb_ui_test_iterate (50);
  g_assert_null (sb_brief_page_get_revisions_dialog (fixture.page));

  g_subprocess_force_exit (fake);
}

static void
test_brief_auth_error (void)
{
  g_autoptr(GSubprocess) fake = start_fake (NULL);
  GtkWidget *button;
  const char *description;

  g_setenv ("OPENAI_API_KEY", "bad-key", TRUE);
  open_window ("openai");

  gtk_text_buffer_set_text (sb_brief_page_get_prompt_buffer (fixture.page), "A video about tea", -1);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture.page), "brief.generate", NULL));
  sb_ui_test_wait_for (error_shown, fixture.page, "the error");
  sb_ui_test_wait_for (page_idle, fixture.page, "the run to end");

  save_shot (GTK_WIDGET (fixture.window), "brief-auth-error");

  /* Shown in the page, with the one button that fixes it. */
  g_assert_cmpstr (sb_brief_page_get_error_title (fixture.page), ==, "The Provider Did Not Accept the Key");
  g_assert_cmpstr (sb_brief_page_get_view (fixture.page), ==, "compose");
  sb_ui_test_iterate (50);
  button = sb_ui_test_find_button_with_label (GTK_WIDGET (fixture.page), "Open _Preferences");
  g_assert_nonnull (button);
  g_assert_cmpstr (gtk_actionable_get_action_name (GTK_ACTIONABLE (button)), ==, "app.preferences");
  g_assert_null (sb_ui_test_find_button_with_label (GTK_WIDGET (fixture.page), "_Try Again"));

  /* The key itself is never shown. */
  description = sb_brief_page_get_error_description (fixture.page);
  g_assert_nonnull (description);
  g_assert_cmpstr (description, !=, "");
  g_assert_null (strstr (description, "bad-key"));

  /* Nothing was stored. */
  g_assert_null (sb_brief_page_get_brief (fixture.page));

  g_subprocess_force_exit (fake);
}

static void
test_brief_cancel (void)
{
  g_autoptr(GSubprocess) fake = start_fake (NULL);

  g_setenv ("OPENAI_API_KEY", "test-key", TRUE);
  open_window ("openai");

  /* The fake thinks for half a minute before it answers. */
  gtk_text_buffer_set_text (sb_brief_page_get_prompt_buffer (fixture.page),
                            "A slow one [fake:slow=30]", -1);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture.page), "brief.generate", NULL));
  sb_ui_test_iterate (50);
  g_assert_true (sb_brief_page_is_running (fixture.page));
  save_shot (GTK_WIDGET (fixture.window), "brief-running");

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture.page), "brief.cancel", NULL));
  g_assert_false (sb_brief_page_is_running (fixture.page));
  sb_ui_test_iterate (50);

  /* Nothing alarming, nothing stored, and Generate works again. */
  g_assert_null (sb_brief_page_get_error_title (fixture.page));
  g_assert_null (sb_brief_page_get_brief (fixture.page));
  g_assert_cmpstr (sb_brief_page_get_view (fixture.page), ==, "compose");
  g_assert_true (gtk_widget_is_sensitive (sb_ui_test_find_button_with_label (GTK_WIDGET (fixture.page), "_Generate Brief")));

  g_subprocess_force_exit (fake);
}

static void
test_brief_fallback (void)
{
  /* OpenRouter answers 503 to every chat request. */
  g_autoptr(GSubprocess) fake = start_fake ("openrouter-chat:503");

  g_setenv ("OPENAI_API_KEY", "test-key", TRUE);
  g_setenv ("OPENROUTER_API_KEY", "test-key", TRUE);
  open_window ("openrouter");

  gtk_text_buffer_set_text (sb_brief_page_get_prompt_buffer (fixture.page), "A video about bread", -1);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture.page), "brief.generate", NULL));
  sb_ui_test_wait_for (editor_shown, fixture.page, "the brief from the next provider");

  g_assert_null (sb_brief_page_get_error_title (fixture.page));
  g_assert_cmpstr (sb_brief_revision_get_provider (sb_brief_editor_get_revision (sb_brief_page_get_editor (fixture.page))), ==, "openai");
  g_assert_cmpstr (sb_brief_page_get_notice (fixture.page), ==, "Written by OpenAI — OpenRouter was unavailable");

  /* Choosing the first brief in the sidebar opens its newest revision
   * (revision 3 after the first test went back to revision 1). */
  if (first_brief_id != 0)
    {
      BriefWait wait = { fixture.page, first_brief_id, 2 };
      GtkWidget *list = sb_ui_test_find_descendant (GTK_WIDGET (fixture.page), GTK_TYPE_LIST_VIEW);
      GListModel *briefs;
      guint position = G_MAXUINT;

      sb_ui_test_wait_for (briefs_count, &wait, "both briefs in the sidebar");
      briefs = sb_brief_page_get_briefs (fixture.page);
      for (guint i = 0; i < g_list_model_get_n_items (briefs); i++)
        {
          g_autoptr(SbBrief) brief = g_list_model_get_item (briefs, i);

          if (sb_brief_get_id (brief) == first_brief_id)
            position = i;
        }
      g_assert_cmpuint (position, !=, G_MAXUINT);

      g_assert_true (gtk_widget_activate_action (list, "list.select-item", "(ubb)", position, FALSE, FALSE));
      sb_ui_test_wait_for (brief_open, &wait, "the first brief to open");
      g_assert_cmpuint (sb_brief_revision_get_number (sb_brief_editor_get_revision (sb_brief_page_get_editor (fixture.page))), ==, 3);
      g_assert_cmpstr (sb_brief_page_get_notice (fixture.page), ==, "");
    }

  g_unsetenv ("OPENROUTER_API_KEY");
  g_subprocess_force_exit (fake);
}

int
main (int   argc,
      char *argv[])
{
  g_autofree char *home = NULL;
  int status;

  /* Before anything reads them. */
  home = sb_ui_test_make_home ("sb-ui-brief-XXXXXX");
  g_setenv ("STORYBOARD_BACKOFF_SCALE", "0.001", TRUE);
  g_setenv ("OPENAI_API_KEY", "test-key", TRUE);
  g_unsetenv ("OPENROUTER_API_KEY");
  g_unsetenv ("ANTHROPIC_API_KEY");
  g_unsetenv ("STORYBOARD_DEMO");

  g_test_init (&argc, &argv, NULL);
  gtk_init ();
  adw_init ();

  fake_path = sb_ui_test_fake_providers_path (argc, argv);
  if (fake_path == NULL)
    return 1;

  g_test_add_func ("/sb/ui/brief/generate-edit-refine", test_brief_generate_edit_refine);
  g_test_add_func ("/sb/ui/brief/auth-error", test_brief_auth_error);
  g_test_add_func ("/sb/ui/brief/cancel", test_brief_cancel);
  g_test_add_func ("/sb/ui/brief/fallback", test_brief_fallback);
  g_test_add_func ("/sb/ui/brief/close", test_brief_close);

  status = g_test_run ();

  sb_ui_test_remove_home (home);

  g_free (fake_url);

  return status;
}
