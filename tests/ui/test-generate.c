/* test-generate.c
 *
 * Copyright 2026 The Storyboard authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * "Generate Images for All Scenes" on the Brief page, in the real window,
 * against the fake providers over loopback: each scene card ends done with
 * its thumbnail or failed with the reason and Retry; the images are in the
 * library with their links; the gallery opens filtered to the brief; retry,
 * variants and choosing the scene's image work.
 */

#include "config.h"

#include <adwaita.h>

#include "sb-ui-test.h"
#include "sb-application.h"
#include "sb-brief-page.h"
#include "sb-gallery-page.h"
#include "sb-media-viewer.h"
#include "sb-library-briefs.h"
#include "sb-library-jobs.h"
#include "sb-window.h"

#define N_SCENES 6
#define FAIL_SCENE 2

static char *fake_path;

static void
revision_loaded_cb (GObject *object, GAsyncResult *result, gpointer user_data)
{
  SbUiTestWait *wait = user_data;

  wait->result = sb_library_load_latest_revision_finish (SB_LIBRARY (object), result, &wait->error);
  wait->done = TRUE;
}

static SbBriefEditor *current_editor;
static gint64 current_brief_id;

static char *
describe_editor (void)
{
  GString *text = g_string_new ("");

  if (current_editor == NULL)
    return g_string_free (text, FALSE);

  g_string_append_printf (text, " (images: “%s”, batch: “%s”;",
                          sb_brief_editor_get_images_status (current_editor),
                          sb_brief_editor_get_batch_message (current_editor));
  for (guint i = 0; i < N_SCENES; i++)
    {
      SbSceneRow *row = sb_brief_editor_get_scene_row (current_editor, i);

      g_string_append_printf (text, " scene %u: %s%s;", i + 1,
                              row != NULL ? sb_scene_row_get_state_text (row) : "(no card)",
                              row != NULL && sb_scene_row_get_image (row) != NULL ? " +image" : "");
    }
  g_string_append (text, ")");

  return g_string_free (text, FALSE);
}

static gboolean
brief_open (gpointer data)
{
  SbBriefRevision *revision = sb_brief_editor_get_revision (data);

  return revision != NULL && sb_brief_revision_get_brief_id (revision) == current_brief_id;
}

static gboolean
ready_to_generate (gpointer data)
{
  SbBriefEditor *editor = data;
  SbModelPicker *picker = sb_brief_editor_get_model_picker (editor);

  /* The line beside the button is empty once nothing stands in the way
   * (offline, no key, no model). */
  return picker != NULL && sb_model_picker_get_selected_model (picker) != NULL &&
         sb_brief_editor_get_param_form (editor) != NULL &&
         g_str_equal (sb_brief_editor_get_images_status (editor), "");
}

static gboolean
batch_finished (gpointer data)
{
  return sb_brief_editor_get_batch_message (data) != NULL &&
         !sb_brief_editor_is_generating (data);
}

static gboolean
cards_settled (gpointer data)
{
  SbBriefEditor *editor = data;

  for (guint i = 0; i < N_SCENES; i++)
    {
      SbSceneRow *row = sb_brief_editor_get_scene_row (editor, i);

      if (row == NULL)
        return FALSE;
      if (i == FAIL_SCENE)
        {
          if (!g_str_has_prefix (sb_scene_row_get_state_text (row), "Failed: "))
            return FALSE;
        }
      else if (sb_scene_row_get_image (row) == NULL)
        return FALSE;
    }

  return TRUE;
}

static gboolean
list_has_five (gpointer data)
{
  GListModel *model = data;
  guint n = g_list_model_get_n_items (model);

  if (n != 5)
    return FALSE;
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(SbMediaItem) item = g_list_model_get_item (model, i);

      if (!sb_media_item_get_loaded (item))
        return FALSE;
    }

  return TRUE;
}

static gboolean
gallery_shows_five (gpointer data)
{
  GListModel *model = sb_gallery_page_get_model (data);

  return sb_gallery_page_get_brief_filter (data) == current_brief_id &&
         model != NULL && g_list_model_get_n_items (model) == 5;
}

typedef struct
{
  SbBriefEditor   *editor;
  SbGenerationJob *old_job;
} RetryWait;

static gboolean
retried (gpointer data)
{
  RetryWait *wait = data;
  SbSceneRow *row = sb_brief_editor_get_scene_row (wait->editor, FAIL_SCENE);
  SbGenerationJob *job = row != NULL ? sb_scene_row_get_job (row) : NULL;

  return job != NULL && job != wait->old_job &&
         sb_generation_job_get_status (job) == SB_JOB_SUCCEEDED &&
         sb_scene_row_get_image (row) != NULL;
}

static gboolean
variants_shown (gpointer data)
{
  GtkFlowBox *box = sb_scene_row_get_variants_box (data);
  guint n = 0;

  for (GtkWidget *child = gtk_widget_get_first_child (GTK_WIDGET (box));
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    if (GTK_IS_BUTTON (gtk_flow_box_child_get_child (GTK_FLOW_BOX_CHILD (child))))
      n++;

  return n >= 2;
}

static SbMediaViewer *
find_viewer (void)
{
  GListModel *toplevels = gtk_window_get_toplevels ();

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GObject) window = g_list_model_get_item (toplevels, i);

      if (SB_IS_MEDIA_VIEWER (window))
        return SB_MEDIA_VIEWER (window);
    }

  return NULL;
}

static gboolean
viewer_names_scene (gpointer data)
{
  SbMediaViewer *viewer = find_viewer ();

  return viewer != NULL && sb_media_viewer_get_scene_label (viewer) != NULL;
}

typedef struct
{
  SbBriefEditor *editor;
} ReuseWait;

static void
reuse_media_added_cb (GObject      *object,
                      GAsyncResult *result,
                      gpointer      user_data)
{
  SbUiTestWait *wait = user_data;

  wait->result = sb_library_add_media_finish (SB_LIBRARY (object), result, NULL, &wait->error);
  wait->done = TRUE;
}

/* The form builds an input with the reused (non-default) settings. */
static gboolean
form_has_reused_settings (gpointer data)
{
  ReuseWait *wait = data;
  SbParamForm *form = sb_brief_editor_get_param_form (wait->editor);
  g_autoptr(JsonObject) input = NULL;
  g_autoptr(GHashTable) errors = NULL;

  if (form == NULL || !sb_param_form_build_input (form, &input, &errors))
    return FALSE;

  return json_object_get_int_member_with_default (input, "num_inference_steps", 0) == 2 &&
         g_strcmp0 (json_object_get_string_member_with_default (input, "output_format", ""), "png") == 0;
}

static gboolean
num_outputs_error_shown (gpointer data)
{
  return sb_param_form_get_error (data, "num_outputs") != NULL;
}

static GListModel *
list_brief_media (SbLibrary *library,
                  gint64     brief_id)
{
  SbMediaFilter filter = { SB_MEDIA_KIND_ANY, brief_id, FALSE, NULL };
  SbUiTestWait wait = { 0 };

  sb_library_list_media_filtered_async (library, &filter, NULL, sb_ui_test_media_listed_cb, &wait);
  sb_ui_test_wait_for (sb_ui_test_wait_done, &wait, "the brief's media");
  g_assert_no_error (wait.error);
  return wait.result;
}

static void
test_generate_all (void)
{
  g_autoptr(GSubprocess) fake = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *url = NULL;
  g_autoptr(SbApplication) app = NULL;
  g_autoptr(SbBrief) brief = sb_brief_new ();
  g_autoptr(SbBriefRevision) revision = sb_brief_revision_new ();
  g_autoptr(GListModel) media = NULL;
  g_autoptr(SbBriefRevision) stored = NULL;
  SbLibrary *library;
  SbWindow *window;
  SbBriefPage *page;
  SbBriefEditor *editor;
  SbGalleryPage *gallery;
  SbSceneRow *row;
  GListModel *scenes;
  gint64 scene_ids[N_SCENES];
  SbUiTestWait wait = { 0 };

  fake = sb_ui_test_start_fake (fake_path, G_SUBPROCESS_FLAGS_NONE, &url,
                                "--prediction-seconds", "1", NULL);
  sb_ui_test_use_fake_replicate (url);

  app = sb_application_new (APPLICATION_ID, G_APPLICATION_NON_UNIQUE);
  g_assert_true (g_application_register (G_APPLICATION (app), NULL, &error));
  g_assert_no_error (error);
  sb_ui_test_wait_for (sb_ui_test_library_ready, app, "the app's library");
  library = sb_application_get_library (app);
  g_assert_nonnull (library);
  g_application_activate (G_APPLICATION (app));
  window = SB_WINDOW (gtk_application_get_active_window (GTK_APPLICATION (app)));
  gtk_window_set_default_size (GTK_WINDOW (window), 1500, 3000);
  sb_window_set_page (window, "brief");
  page = SB_BRIEF_PAGE (sb_ui_test_find_descendant (GTK_WIDGET (window), SB_TYPE_BRIEF_PAGE));
  g_assert_nonnull (page);
  editor = sb_brief_page_get_editor (page);
  gallery = SB_GALLERY_PAGE (sb_window_get_gallery (window));
  current_editor = editor;
  sb_ui_test_set_describe (describe_editor);

  /* A brief of six scenes, one that fails at the provider and one slow. */
  sb_brief_set_title (brief, "Lighthouse");
  sb_brief_set_prompt (brief, "a lighthouse keeper's day");
  sb_brief_revision_set_title (revision, "Lighthouse");
  for (guint i = 0; i < N_SCENES; i++)
    {
      g_autoptr(SbScene) scene = sb_scene_new ();
      g_autofree char *title = g_strdup_printf ("Shot %u", i + 1);
      g_autofree char *prompt = NULL;

      if (i == FAIL_SCENE)
        prompt = g_strdup_printf ("a lighthouse, shot %u [fake:fail]", i + 1);
      else if (i == 4)
        prompt = g_strdup_printf ("a lighthouse, shot %u [fake:slow=2]", i + 1);
      else
        prompt = g_strdup_printf ("a lighthouse, shot %u", i + 1);
      sb_scene_set_title (scene, title);
      sb_scene_set_duration (scene, 3);
      sb_scene_set_generation_prompt (scene, prompt);
      g_list_store_append (sb_brief_revision_get_scenes (revision), scene);
    }
  sb_library_create_brief_async (library, brief, revision, NULL, sb_ui_test_brief_created_cb, &wait);
  sb_ui_test_wait_for (sb_ui_test_wait_done, &wait, "the brief to be stored");
  g_assert_no_error (wait.error);
  current_brief_id = sb_brief_get_id (brief);
  g_assert_cmpint (current_brief_id, >, 0);

  /* Opened as the gallery's way back does it. */
  gtk_widget_activate_action (GTK_WIDGET (window), "win.open-brief", "x", current_brief_id);
  sb_ui_test_wait_for (brief_open, editor, "the brief in the editor");
  sb_ui_test_wait_for (ready_to_generate, editor, "the model picker and the key");
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (editor), "editor.generate-images", NULL));
  g_assert_true (sb_brief_editor_is_generating (editor));

  sb_ui_test_wait_for (batch_finished, editor, "the batch to finish");
  {
    SbSceneRow *failing = sb_brief_editor_get_scene_row (editor, FAIL_SCENE);

    if (failing != NULL && sb_scene_row_get_job (failing) != NULL)
      g_test_message ("failing scene's input: %s", sb_generation_job_get_input (sb_scene_row_get_job (failing)));
  }
  g_assert_cmpstr (sb_brief_editor_get_batch_message (editor), ==, "5 images ready, 1 failed");
  sb_ui_test_wait_for (cards_settled, editor, "every scene card's end state");

  scenes = sb_brief_editor_get_scenes (editor);
  for (guint i = 0; i < N_SCENES; i++)
    {
      g_autoptr(SbScene) scene = g_list_model_get_item (scenes, i);

      row = sb_brief_editor_get_scene_row (editor, i);
      scene_ids[i] = sb_scene_get_id (scene);
      g_assert_cmpint (scene_ids[i], >, 0);
      if (i == FAIL_SCENE)
        {
          g_assert_null (sb_scene_row_get_image (row));
          g_assert_nonnull (strstr (sb_scene_row_get_state_text (row), "flagged as sensitive"));
          g_assert_true (gtk_widget_get_visible (sb_scene_row_get_retry_button (row)));
          g_assert_cmpint (sb_scene_get_chosen_media_id (scene), ==, 0);
        }
      else
        {
          g_assert_cmpstr (sb_scene_row_get_state_text (row), ==, "Done");
          g_assert_nonnull (sb_scene_row_get_image (row));
          g_assert_false (gtk_widget_get_visible (sb_scene_row_get_retry_button (row)));
          g_assert_cmpint (sb_scene_get_chosen_media_id (scene), >, 0);
        }
    }

  /* In the library, linked to the brief, its revision and the scenes. */
  media = list_brief_media (library, current_brief_id);
  sb_ui_test_wait_for (list_has_five, media, "five loaded media of the brief");
  for (guint i = 0; i < 5; i++)
    {
      g_autoptr(SbMediaItem) item = g_list_model_get_item (media, i);
      gboolean known_scene = FALSE;

      g_assert_cmpint (sb_media_item_get_brief_id (item), ==, current_brief_id);
      g_assert_cmpint (sb_media_item_get_revision_id (item), ==, sb_brief_revision_get_id (revision));
      for (guint s = 0; s < N_SCENES; s++)
        known_scene |= s != FAIL_SCENE && sb_media_item_get_scene_id (item) == scene_ids[s];
      g_assert_true (known_scene);
      g_assert_cmpint (sb_media_item_get_origin (item), ==, SB_MEDIA_ORIGIN_GENERATED);
      g_assert_true (g_str_has_prefix (sb_media_item_get_prompt (item), "a lighthouse, shot "));
      g_assert_nonnull (sb_media_item_get_model (item));
      g_assert_nonnull (sb_media_item_get_prediction_id (item));
    }
  g_clear_object (&media);

  /* The toast's "Open Gallery": the gallery, filtered to this brief. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (editor), "win.show-brief-media", "(xs)",
                                             current_brief_id, "Lighthouse"));
  sb_ui_test_wait_for (gallery_shows_five, gallery, "the gallery filtered to the brief");
  g_assert_true (gtk_widget_get_mapped (GTK_WIDGET (gallery)));
  sb_ui_test_iterate (50);

  /* Each image says which brief and scene made it. */
  {
    g_autoptr(SbMediaItem) item = g_list_model_get_item (sb_gallery_page_get_model (gallery), 0);

    sb_ui_test_wait_for (sb_ui_test_item_loaded, item, "the first image's row");
    gtk_widget_activate_action (GTK_WIDGET (gallery), "gallery.open", "x", sb_media_item_get_id (item));
    sb_ui_test_wait_for (viewer_names_scene, NULL, "the viewer to name the scene");
    g_assert_true (g_str_has_prefix (sb_media_viewer_get_scene_label (find_viewer ()), "Revision 1, scene "));
    gtk_window_close (GTK_WINDOW (find_viewer ()));
    sb_ui_test_iterate (50);
  }

  /* The gallery's way back. */
  gtk_widget_activate_action (GTK_WIDGET (window), "win.open-brief", "x", current_brief_id);
  sb_ui_test_iterate (50);
  g_assert_true (gtk_widget_get_mapped (GTK_WIDGET (editor)));
  g_assert_cmpstr (sb_brief_page_get_view (page), ==, "editor");

  /* Retry the failed scene after taking the marker out of its prompt. */
  {
    g_autoptr(SbScene) scene = g_list_model_get_item (scenes, FAIL_SCENE);
    RetryWait retry = { editor, NULL };

    row = sb_brief_editor_get_scene_row (editor, FAIL_SCENE);
    retry.old_job = g_object_ref (sb_scene_row_get_job (row));
    sb_scene_set_generation_prompt (scene, "a lighthouse, shot 3");
    gtk_widget_activate_action (GTK_WIDGET (editor), "editor.scene-edited", "(us)",
                                (guint) FAIL_SCENE, "generation-prompt");
    g_assert_true (gtk_widget_activate_action (GTK_WIDGET (row), "scene.retry", NULL));
    sb_ui_test_wait_for (retried, &retry, "the retried scene's image");
    g_assert_cmpint (sb_generation_job_get_id (sb_scene_row_get_job (row)), >,
                     sb_generation_job_get_id (retry.old_job));
    g_assert_cmpint (sb_scene_get_chosen_media_id (scene), >, 0);
    g_object_unref (retry.old_job);
  }

  /* Variants of scene 1, then another one chosen to represent it. */
  {
    g_autoptr(SbScene) scene = g_list_model_get_item (scenes, 0);
    gint64 first = sb_scene_get_chosen_media_id (scene);
    SbUiTestChosenWait choice = { scene, 0 };
    guint n;

    g_assert_true (gtk_widget_activate_action (GTK_WIDGET (editor), "editor.generate-scene", "(uu)", 0u, 2u));
    sb_ui_test_wait_for (batch_finished, editor, "the variants");
    /* The scene keeps its image until another is chosen. */
    g_assert_cmpint (sb_scene_get_chosen_media_id (scene), ==, first);

    row = sb_brief_editor_get_scene_row (editor, 0);
    gtk_widget_activate_action (GTK_WIDGET (row), "editor.load-variants", "x", scene_ids[0]);
    sb_ui_test_wait_for (variants_shown, row, "the scene's images in the chooser");

    media = list_brief_media (library, current_brief_id);
    n = g_list_model_get_n_items (media);
    for (guint i = 0; i < n && choice.media_id == 0; i++)
      {
        g_autoptr(SbMediaItem) item = g_list_model_get_item (media, i);

        /* The list reads its rows lazily. */
        sb_ui_test_wait_for (sb_ui_test_item_loaded, item, "a media row");
        if (sb_media_item_get_scene_id (item) == scene_ids[0] &&
            sb_media_item_get_id (item) != first)
          choice.media_id = sb_media_item_get_id (item);
      }
    g_assert_cmpint (choice.media_id, >, 0);

    g_assert_true (gtk_widget_activate_action (GTK_WIDGET (row), "editor.choose-media", "(xx)",
                                               scene_ids[0], choice.media_id));
    sb_ui_test_wait_for (sb_ui_test_scene_chosen, &choice, "the chosen image");
    g_assert_nonnull (sb_scene_row_get_image (row));

    /* Stored: the brief opened again shows it. */
    wait = (SbUiTestWait) { 0 };
    sb_library_load_latest_revision_async (library, current_brief_id, NULL, revision_loaded_cb, &wait);
    sb_ui_test_wait_for (sb_ui_test_wait_done, &wait, "the stored revision");
    g_assert_no_error (wait.error);
    stored = wait.result;
    {
      g_autoptr(SbScene) again = g_list_model_get_item (G_LIST_MODEL (sb_brief_revision_get_scenes (stored)), 0);

      g_assert_cmpint (sb_scene_get_chosen_media_id (again), ==, choice.media_id);
    }
  }

  /* The model refuses an input (a 422): its message goes next to the
   * field in the form. */
  {
    g_autoptr(SbScene) scene = g_list_model_get_item (scenes, 1);
    SbParamForm *form = sb_brief_editor_get_param_form (editor);

    g_assert_nonnull (form);
    g_assert_null (sb_param_form_get_error (form, "num_outputs"));
    sb_scene_set_generation_prompt (scene, "a lighthouse, shot 2 [fake:422]");
    gtk_widget_activate_action (GTK_WIDGET (editor), "editor.scene-edited", "(us)",
                                1u, "generation-prompt");
    g_assert_true (gtk_widget_activate_action (GTK_WIDGET (editor), "editor.generate-scene", "(uu)", 1u, 1u));
    sb_ui_test_wait_for (num_outputs_error_shown, form, "the refused field's message");
    g_assert_nonnull (strstr (sb_param_form_get_error (form, "num_outputs"), "less than or equal to 4"));
  }

  /* "Use these settings again": an image made with other settings brings
   * its model and settings back into the form. */
  {
    g_autoptr(SbMediaItem) item = sb_media_item_new ();
    g_autoptr(GBytes) bytes = NULL;
    g_autofree char *contents = NULL;
    gsize length = 0;
    ReuseWait reuse = { editor };

    g_assert_true (g_file_get_contents (g_test_get_filename (G_TEST_DIST, "data", "images", "red.png", NULL),
                                        &contents, &length, NULL));
    bytes = g_bytes_new_take (g_steal_pointer (&contents), length);
    sb_media_item_set_kind (item, SB_MEDIA_KIND_IMAGE);
    sb_media_item_set_mime_type (item, "image/png");
    sb_media_item_set_size (item, 640, 480);
    sb_media_item_set_origin (item, SB_MEDIA_ORIGIN_GENERATED);
    sb_media_item_set_model (item, "black-forest-labs/flux-schnell");
    sb_media_item_set_parameters (item, "{\"prompt\": \"a lighthouse\", \"num_inference_steps\": 2, \"output_format\": \"png\"}");
    sb_media_item_set_links (item, current_brief_id, 0, 0);

    g_assert_false (form_has_reused_settings (&reuse));
    wait = (SbUiTestWait) { 0 };
    sb_library_add_media_async (library, item, bytes, NULL, NULL, reuse_media_added_cb, &wait);
    sb_ui_test_wait_for (sb_ui_test_wait_done, &wait, "the image made with other settings");
    g_assert_no_error (wait.error);
    g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.reuse-settings", "x",
                                               sb_media_item_get_id (wait.result)));
    g_clear_object (&wait.result);
    sb_ui_test_wait_for (form_has_reused_settings, &reuse, "the settings in the form");
    g_assert_cmpstr (sb_model_picker_get_selected_id (sb_brief_editor_get_model_picker (editor)), ==,
                     "black-forest-labs/flux-schnell");
  }

  if (g_getenv ("SB_TEST_SHOTS") != NULL)
    {
      sb_ui_test_iterate (50);
      g_usleep (3 * G_USEC_PER_SEC);
      sb_ui_test_iterate (50);
    }

  current_editor = NULL;
  sb_ui_test_set_describe (NULL);
  gtk_window_destroy (GTK_WINDOW (window));
  g_application_quit (G_APPLICATION (app));
  sb_library_close (library);
  g_subprocess_force_exit (fake);
}

int
main (int   argc,
      char *argv[])
{
  g_autofree char *home = NULL;
  int status;

  home = sb_ui_test_make_home ("sb-generate-test-XXXXXX");
  g_setenv ("GIO_USE_PROXY_RESOLVER", "dummy", TRUE);

  g_test_init (&argc, &argv, NULL);
  gtk_init ();
  adw_init ();
  sb_ui_test_set_wait_timeout (90);
  sb_ui_test_claim_notifications ();

  fake_path = sb_ui_test_fake_providers_path (argc, argv);
  if (fake_path == NULL)
    return 1;

  g_test_add_func ("/sb/ui/generate/all-scenes", test_generate_all);

  status = g_test_run ();

  sb_ui_test_remove_home (home);

  return status;
}
