/* test-resume.c
 *
 * Copyright 2026 The Storyboard authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A prediction that was running when the app stopped is picked up by id at
 * the next start, against the fake providers: the image lands in the
 * gallery and no second prediction is created.
 */

#include "config.h"

#include <adwaita.h>

#include "sb-ui-test.h"
#include "sb-application.h"
#include "sb-gallery-page.h"
#include "sb-http.h"
#include "sb-library-jobs.h"
#include "sb-replicate-client.h"
#include "sb-window.h"

static char *fake_path;

static void
opened_cb (GObject *object, GAsyncResult *result, gpointer user_data)
{
  SbUiTestWait *wait = user_data;

  wait->result = sb_library_open_finish (result, &wait->error);
  wait->done = TRUE;
}

static void
created_cb (GObject *object, GAsyncResult *result, gpointer user_data)
{
  SbUiTestWait *wait = user_data;

  wait->result = sb_replicate_client_create_prediction_finish (SB_REPLICATE_CLIENT (object), result, &wait->error);
  wait->done = TRUE;
}

static void
job_added_cb (GObject *object, GAsyncResult *result, gpointer user_data)
{
  SbUiTestWait *wait = user_data;

  sb_library_add_job_finish (SB_LIBRARY (object), result, &wait->error);
  wait->done = TRUE;
}

static void
test_resume_at_start (void)
{
  g_autoptr(GSubprocess) fake = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *url = NULL;
  g_autoptr(SbReplicateClient) client = NULL;
  g_autoptr(SbPrediction) prediction = NULL;
  g_autoptr(SbLibrary) library = NULL;
  g_autoptr(SbGenerationJob) job = NULL;
  g_autoptr(JsonObject) input = json_object_new ();
  g_autoptr(GFile) file = NULL;
  g_autoptr(SbApplication) app = NULL;
  g_autoptr(SbMediaItem) item = NULL;
  SbWindow *window;
  SbGalleryPage *page;
  SbUiTestWait wait = { 0 };

  /* Predictions take a few seconds at the fake, so the first "run" can stop
   * while one is still running. */
  fake = sb_ui_test_start_fake (fake_path, G_SUBPROCESS_FLAGS_NONE, &url,
                                "--prediction-seconds", "2", NULL);
  sb_ui_test_use_fake_replicate (url);

  /* The run that "died": a prediction was created and its job stored as
   * running, then the process went away. */
  client = sb_replicate_client_new (sb_http_get_default ());
  sb_replicate_client_set_api_key (client, "test-token");
  json_object_set_string_member (input, "prompt", "a lighthouse at dawn");
  json_object_set_int_member (input, "width", 256);
  json_object_set_int_member (input, "height", 256);
  sb_replicate_client_create_prediction_async (client, "black-forest-labs/flux-schnell", NULL,
                                               input, 0, NULL, created_cb, &wait);
  sb_ui_test_wait_for (sb_ui_test_wait_done, &wait, "the prediction to be created");
  g_assert_no_error (wait.error);
  prediction = wait.result;
  g_assert_nonnull (prediction->id);

  file = sb_library_dup_default_file ();
  wait = (SbUiTestWait) { 0 };
  sb_library_open_async (file, NULL, opened_cb, &wait);
  sb_ui_test_wait_for (sb_ui_test_wait_done, &wait, "the library");
  g_assert_no_error (wait.error);
  library = wait.result;

  job = sb_generation_job_new ();
  sb_generation_job_set_kind (job, SB_MEDIA_KIND_IMAGE);
  sb_generation_job_set_provider (job, "replicate");
  sb_generation_job_set_model (job, "black-forest-labs/flux-schnell");
  sb_generation_job_set_input (job, "{\"prompt\": \"a lighthouse at dawn\", \"width\": 256, \"height\": 256}");
  sb_generation_job_set_prediction_id (job, prediction->id);
  sb_generation_job_set_status (job, SB_JOB_RUNNING);
  wait = (SbUiTestWait) { 0 };
  sb_library_add_job_async (library, job, NULL, job_added_cb, &wait);
  sb_ui_test_wait_for (sb_ui_test_wait_done, &wait, "the job to be stored");
  g_assert_no_error (wait.error);
  sb_library_close (library);
  g_clear_object (&library);
  g_assert_cmpuint (sb_ui_test_count_fake_requests (url, "POST", "/predictions"), ==, 1);

  /* The next start: the app finds the job, polls the prediction by id and
   * stores its image. */
  app = sb_application_new (APPLICATION_ID, G_APPLICATION_NON_UNIQUE);
  g_assert_true (g_application_register (G_APPLICATION (app), NULL, &error));
  sb_ui_test_wait_for (sb_ui_test_library_ready, app, "the app's library");
  g_assert_nonnull (sb_application_get_library (app));
  g_application_activate (G_APPLICATION (app));
  window = SB_WINDOW (gtk_application_get_active_window (GTK_APPLICATION (app)));
  sb_window_set_page (window, "gallery");
  page = SB_GALLERY_PAGE (sb_window_get_gallery (window));

  sb_ui_test_wait_for (sb_ui_test_gallery_has_one, page, "the resumed image in the gallery");
  item = g_list_model_get_item (sb_gallery_page_get_model (page), 0);
  sb_ui_test_wait_for (sb_ui_test_item_loaded, item, "the image's row");
  g_assert_cmpstr (sb_media_item_get_prediction_id (item), ==, prediction->id);
  g_assert_cmpstr (sb_media_item_get_prompt (item), ==, "a lighthouse at dawn");
  g_assert_cmpint (sb_media_item_get_origin (item), ==, SB_MEDIA_ORIGIN_GENERATED);

  /* Picked up, not made again. */
  g_assert_cmpuint (sb_ui_test_count_fake_requests (url, "POST", "/predictions"), ==, 1);

  gtk_window_destroy (GTK_WINDOW (window));
  g_application_quit (G_APPLICATION (app));
  sb_library_close (sb_application_get_library (app));
  g_subprocess_force_exit (fake);
}

int
main (int   argc,
      char *argv[])
{
  g_autofree char *home = NULL;
  int status;

  home = sb_ui_test_make_home ("sb-resume-test-XXXXXX");
  g_setenv ("GIO_USE_PROXY_RESOLVER", "dummy", TRUE);

  g_test_init (&argc, &argv, NULL);
  gtk_init ();
  adw_init ();
  sb_ui_test_claim_notifications ();

  fake_path = sb_ui_test_fake_providers_path (argc, argv);
  if (fake_path == NULL)
    return 1;

  g_test_add_func ("/sb/ui/resume/at-start", test_resume_at_start);

  status = g_test_run ();

  sb_ui_test_remove_home (home);

  return status;
}
