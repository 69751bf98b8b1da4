/* test-make-video.c
 *
 * Copyright 2026 The Storyboard authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * "Make Video…" in the image viewer, against the fake providers over
 * loopback: an imported image goes to an image-to-video model as a data URI
 * in ONE prediction, and the video lands in the library linked to it, with
 * its duration and a poster.
 */

#include "config.h"

#include <adwaita.h>

#include "sb-ui-test.h"
#include "sb-application.h"
#include "sb-gallery-page.h"
#include "sb-make-video-dialog.h"
#include "sb-media-viewer.h"
#include "sb-window.h"

static char *fake_path;

static GtkWindow *
find_toplevel (GType type)
{
  GListModel *toplevels = gtk_window_get_toplevels ();

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GObject) window = g_list_model_get_item (toplevels, i);

      if (G_TYPE_CHECK_INSTANCE_TYPE (window, type))
        return GTK_WINDOW (window);
    }

  return NULL;
}

static gboolean
viewer_loaded (gpointer data)
{
  GtkWindow *viewer = find_toplevel (SB_TYPE_MEDIA_VIEWER);

  return viewer != NULL && sb_media_viewer_is_loaded (SB_MEDIA_VIEWER (viewer));
}

static gboolean
dialog_shown (gpointer data)
{
  GtkWindow *dialog = find_toplevel (SB_TYPE_MAKE_VIDEO_DIALOG);

  return dialog != NULL && gtk_widget_get_mapped (GTK_WIDGET (dialog));
}

static gboolean
dialog_gone (gpointer data)
{
  return *(gpointer *) data == NULL;
}

static gboolean
button_usable (gpointer data)
{
  return gtk_widget_get_mapped (data) && gtk_widget_is_sensitive (data);
}

/* The models are listed, the form is built with the image filled in, and
 * the key has been looked up: Make Video can be pressed. */
static gboolean
dialog_ready (gpointer data)
{
  SbMakeVideoDialog *dialog = data;
  SbModelPicker *picker = sb_make_video_dialog_get_model_picker (dialog);
  SbParamForm *form = sb_make_video_dialog_get_param_form (dialog);
  GtkWidget *button = sb_ui_test_find_action_button (GTK_WIDGET (dialog), "make-video.submit");
  g_autoptr(GHashTable) files = NULL;

  if (g_list_model_get_n_items (sb_model_picker_get_models (picker)) == 0 || form == NULL ||
      button == NULL || !button_usable (button))
    return FALSE;

  files = sb_param_form_get_file_inputs (form);
  return files != NULL && g_hash_table_size (files) > 0;
}

static gboolean
job_finished (gpointer data)
{
  SbGenerationJob *job = sb_make_video_dialog_get_job (data);

  return job != NULL && sb_job_status_is_terminal (sb_generation_job_get_status (job));
}

static gboolean
job_replaced_and_finished (gpointer data)
{
  gpointer *args = data;
  SbGenerationJob *job = sb_make_video_dialog_get_job (args[0]);

  return job != NULL && job != args[1] && sb_job_status_is_terminal (sb_generation_job_get_status (job));
}

static gboolean
message_shown (gpointer data)
{
  return sb_make_video_dialog_get_message (data) != NULL;
}

static void
media_cb (GObject *object, GAsyncResult *result, gpointer user_data)
{
  SbUiTestWait *wait = user_data;

  wait->result = sb_library_get_media_finish (SB_LIBRARY (object), result, &wait->error);
  wait->done = TRUE;
}

static void
thumbnail_cb (GObject *object, GAsyncResult *result, gpointer user_data)
{
  SbUiTestWait *wait = user_data;

  wait->result = sb_library_load_thumbnail_finish (SB_LIBRARY (object), result, &wait->error);
  wait->done = TRUE;
}

static void
test_make_video_from_image (void)
{
  g_autoptr(GSubprocess) fake = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *url = NULL;
  g_autofree char *prediction_url = NULL;
  g_autoptr(SbApplication) app = NULL;
  g_autoptr(SbMediaItem) image = NULL;
  g_autoptr(SbMediaItem) video = NULL;
  g_autoptr(GBytes) poster = NULL;
  g_autoptr(GFile) file = NULL;
  g_autoptr(JsonNode) prediction = NULL;
  SbGenerationJob *job;
  SbParamForm *form;
  GtkWindow *viewer;
  SbMakeVideoDialog *dialog;
  GtkWidget *button;
  JsonObject *input;
  const char *image_uri;
  const char *image_input;
  SbWindow *window;
  SbGalleryPage *page;
  SbLibrary *library;
  gint64 image_id;
  SbUiTestWait wait = { 0 };

  fake = sb_ui_test_start_fake (fake_path, G_SUBPROCESS_FLAGS_NONE, &url,
                                "--prediction-seconds", "1", "--video-seconds", "1", NULL);
  sb_ui_test_use_fake_replicate (url);

  sb_ui_test_claim_notifications ();

  app = sb_application_new (APPLICATION_ID, G_APPLICATION_NON_UNIQUE);
  g_assert_true (g_application_register (G_APPLICATION (app), NULL, &error));
  g_assert_no_error (error);
  sb_ui_test_wait_for (sb_ui_test_library_ready, app, "the app's library");
  library = sb_application_get_library (app);
  g_assert_nonnull (library);
  g_application_activate (G_APPLICATION (app));
  window = SB_WINDOW (gtk_application_get_active_window (GTK_APPLICATION (app)));
  g_assert_nonnull (window);

  /* Import an image and open it in the viewer. */
  page = SB_GALLERY_PAGE (sb_window_get_gallery (window));
  file = g_file_new_for_path (g_test_get_filename (G_TEST_DIST, "data", "images", "red.png", NULL));
  sb_window_import_files (window, &file, 1);
  sb_ui_test_wait_for (sb_ui_test_gallery_has_one, page, "the imported image");
  image = g_list_model_get_item (sb_gallery_page_get_model (page), 0);
  sb_ui_test_wait_for (sb_ui_test_item_loaded, image, "the image's row");
  image_id = sb_media_item_get_id (image);
  g_assert_cmpint (image_id, >, 0);
  g_assert_cmpint (sb_media_item_get_kind (image), ==, SB_MEDIA_KIND_IMAGE);

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (page), "gallery.open", "x", image_id));
  sb_ui_test_wait_for (viewer_loaded, NULL, "the viewer");
  viewer = find_toplevel (SB_TYPE_MEDIA_VIEWER);

  /* The header bar offers Make Video… for an image. */
  button = sb_ui_test_find_action_button (GTK_WIDGET (viewer), "viewer.make-video");
  g_assert_nonnull (button);
  sb_ui_test_wait_for (button_usable, button, "the Make Video… button");
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (viewer), "viewer.make-video", NULL));
  sb_ui_test_wait_for (dialog_shown, NULL, "the Make Video dialog");
  dialog = SB_MAKE_VIDEO_DIALOG (find_toplevel (SB_TYPE_MAKE_VIDEO_DIALOG));
  g_assert_true (gtk_window_get_transient_for (GTK_WINDOW (dialog)) == viewer);

  /* The fake's image-to-video collection is listed; the first model takes
   * the image as first_frame_image, which the form has filled in. */
  sb_ui_test_wait_for (dialog_ready, dialog, "the models and the form");
  form = sb_make_video_dialog_get_param_form (dialog);
  g_assert_cmpstr (sb_model_picker_get_selected_id (sb_make_video_dialog_get_model_picker (dialog)),
                   ==, "minimax/video-01");
  {
    g_autoptr(GHashTable) files = sb_param_form_get_file_inputs (form);

    g_assert_cmpuint (g_hash_table_size (files), ==, 1);
    g_assert_true (g_hash_table_contains (files, "first_frame_image"));
    image_input = "first_frame_image";
  }

  /* An imported image has no prompt, and this model needs one: nothing is
   * sent, and the prompt says why. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (dialog), "make-video.submit", NULL));
  g_assert_nonnull (sb_param_form_get_error (form, "prompt"));
  g_assert_null (sb_make_video_dialog_get_job (dialog));

  g_assert_true (sb_param_form_set_value_text (form, "prompt", "the red square slowly zooms in"));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (dialog), "make-video.submit", NULL));
  sb_ui_test_wait_for (job_finished, dialog, "the video job to finish");
  job = sb_make_video_dialog_get_job (dialog);
  if (sb_generation_job_get_status (job) != SB_JOB_SUCCEEDED)
    g_error ("The video job ended %s: %s", sb_job_status_to_string (sb_generation_job_get_status (job)),
             sb_generation_job_get_last_error (job));
  g_assert_cmpint (sb_generation_job_get_kind (job), ==, SB_MEDIA_KIND_VIDEO);
  g_assert_cmpint (sb_generation_job_get_source_media_id (job), ==, image_id);
  g_assert_cmpint (sb_generation_job_get_media_id (job), >, 0);

  /* What the user sees: done, and a way to the Videos page. */
  button = sb_ui_test_find_action_button (GTK_WIDGET (dialog), "make-video.open-videos");
  g_assert_nonnull (button);
  sb_ui_test_wait_for (button_usable, button, "the Open Videos button");
  g_assert_cmpstr (sb_make_video_dialog_get_status (dialog), !=, "");

  /* The video row: made from the image, with a duration and a poster. */
  sb_library_get_media_async (library, sb_generation_job_get_media_id (job), NULL, media_cb, &wait);
  sb_ui_test_wait_for (sb_ui_test_wait_done, &wait, "the video's row");
  g_assert_no_error (wait.error);
  video = wait.result;
  g_assert_cmpint (sb_media_item_get_kind (video), ==, SB_MEDIA_KIND_VIDEO);
  g_assert_cmpint (sb_media_item_get_source_media_id (video), ==, image_id);
  g_assert_cmpfloat (sb_media_item_get_duration (video), >, 0.0);
  g_assert_cmpstr (sb_media_item_get_prompt (video), ==, "the red square slowly zooms in");
  g_assert_cmpstr (sb_media_item_get_model (video), ==, "minimax/video-01");

  wait = (SbUiTestWait) { 0 };
  sb_library_load_thumbnail_async (library, sb_media_item_get_id (video), NULL, thumbnail_cb, &wait);
  sb_ui_test_wait_for (sb_ui_test_wait_done, &wait, "the video's poster");
  g_assert_no_error (wait.error);
  poster = wait.result;
  g_assert_nonnull (poster);
  g_assert_cmpuint (g_bytes_get_size (poster), >, 8);
  g_assert_cmpmem (g_bytes_get_data (poster, NULL), 4, "\x89PNG", 4);

  /* Exactly one prediction, with the image inline as a data URI. */
  g_assert_cmpuint (sb_ui_test_count_fake_requests (url, "POST", "/predictions"), ==, 1);
  g_assert_cmpuint (sb_ui_test_count_fake_requests (url, "POST", "/files"), ==, 0);
  g_assert_nonnull (sb_generation_job_get_prediction_id (job));
  prediction_url = g_strdup_printf ("%s/v1/predictions/%s", url, sb_generation_job_get_prediction_id (job));
  prediction = sb_ui_test_fetch_json (prediction_url, TRUE);
  input = json_object_get_object_member (json_node_get_object (prediction), "input");
  g_assert_nonnull (input);
  image_uri = json_object_get_string_member_with_default (input, image_input, "");
  g_assert_true (g_str_has_prefix (image_uri, "data:image/png;base64,"));
  g_assert_cmpstr (json_object_get_string_member_with_default (input, "prompt", ""), ==,
                   "the red square slowly zooms in");

  /* A failed prediction: the provider's message, and Retry makes it again
   * (the fault only hits the first create). */
  g_assert_true (sb_param_form_set_value_text (form, "prompt", "a fox [fake:fail*1]"));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (dialog), "make-video.submit", NULL));
  g_assert_true (sb_make_video_dialog_get_job (dialog) != job);
  sb_ui_test_wait_for (job_finished, dialog, "the failing job to finish");
  {
    SbGenerationJob *failed = sb_make_video_dialog_get_job (dialog);
    gpointer args[2] = { dialog, failed };

    g_assert_true (failed != job);
    g_assert_cmpint (sb_generation_job_get_status (failed), ==, SB_JOB_FAILED);
    sb_ui_test_wait_for (message_shown, dialog, "the provider's message");
    g_assert_nonnull (strstr (sb_make_video_dialog_get_message (dialog), "E005"));
    button = sb_ui_test_find_action_button (GTK_WIDGET (dialog), "make-video.retry");
    g_assert_nonnull (button);
    sb_ui_test_wait_for (button_usable, button, "the Retry button");
    g_assert_true (gtk_widget_activate_action (GTK_WIDGET (dialog), "make-video.retry", NULL));
    sb_ui_test_wait_for (job_replaced_and_finished, args, "the retried job to finish");
    g_assert_cmpint (sb_generation_job_get_status (sb_make_video_dialog_get_job (dialog)), ==, SB_JOB_SUCCEEDED);
    g_assert_cmpint (sb_generation_job_get_source_media_id (sb_make_video_dialog_get_job (dialog)), ==, image_id);
    g_assert_null (sb_make_video_dialog_get_message (dialog));
  }
  g_assert_cmpuint (sb_ui_test_count_fake_requests (url, "POST", "/predictions"), ==, 3);

  /* Open Videos: the main window shows the Videos page. */
  button = sb_ui_test_find_action_button (GTK_WIDGET (dialog), "make-video.open-videos");
  sb_ui_test_wait_for (button_usable, button, "the Open Videos button after the retry");
  g_object_add_weak_pointer (G_OBJECT (dialog), (gpointer *) &dialog);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (dialog), "make-video.open-videos", NULL));
  {
    GtkWidget *stack = gtk_widget_get_ancestor (GTK_WIDGET (page), ADW_TYPE_VIEW_STACK);

    g_assert_nonnull (stack);
    g_assert_cmpstr (adw_view_stack_get_visible_child_name (ADW_VIEW_STACK (stack)), ==, "videos");
  }

  /* Open Videos closed the dialog. */
  sb_ui_test_wait_for (dialog_gone, &dialog, "the dialog to be finalized");

  gtk_window_destroy (GTK_WINDOW (viewer));
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

  home = sb_ui_test_make_home ("sb-make-video-test-XXXXXX");
  g_setenv ("GIO_USE_PROXY_RESOLVER", "dummy", TRUE);

  g_test_init (&argc, &argv, NULL);
  gtk_init ();
  adw_init ();
  sb_ui_test_set_wait_timeout (90);

  fake_path = sb_ui_test_fake_providers_path (argc, argv);
  if (fake_path == NULL)
    return 1;

  g_test_add_func ("/sb/ui/make-video/from-image", test_make_video_from_image);

  status = g_test_run ();

  sb_ui_test_remove_home (home);

  return status;
}
