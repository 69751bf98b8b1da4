/* test-video-jobs.c
 *
 * Copyright 2026 The Storyboard authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The Videos page's job tiles, against the fake providers over loopback:
 * a video being made shows its elapsed time and can be cancelled; a video
 * that failed shows the provider's message on its tile and in its detail
 * window; Retry makes it again and the video takes the failed tile's
 * place; failed videos are read back from the library at the next start,
 * and Remove keeps them away; the brief filter applies to videos and
 * tiles alike.
 */

#include "config.h"

#include <adwaita.h>

#include "sb-ui-test.h"
#include "sb-application.h"
#include "sb-brief-revision.h"
#include "sb-brief.h"
#include "sb-gallery-page.h"
#include "sb-library-briefs.h"
#include "sb-library-jobs.h"
#include "sb-scene.h"
#include "sb-video-job-tile.h"
#include "sb-video-job-window.h"
#include "sb-video-tile.h"
#include "sb-videos-page.h"
#include "sb-window.h"

#define FAIL_MESSAGE "flagged as sensitive. (E005)"

static char *fake_path;

/* ---- the app ------------------------------------------------------------ */

typedef struct
{
  SbApplication *app;
  SbLibrary     *library;
  SbWindow      *window;
  SbVideosPage  *page;
  guint          n_starts;
} App;

static void
app_start (App *app)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *id = NULL;

  /* Each start registers its own id on the session bus: the app object of
   * the last one is still there (see app_stop()). */
  id = app->n_starts == 0 ? g_strdup (APPLICATION_ID)
                          : g_strdup_printf ("%s.Restart%u", APPLICATION_ID, app->n_starts);
  app->n_starts++;
  app->app = sb_application_new (id, G_APPLICATION_NON_UNIQUE);
  g_assert_true (g_application_register (G_APPLICATION (app->app), NULL, &error));
  g_assert_no_error (error);
  sb_ui_test_wait_for (sb_ui_test_library_ready, app->app, "the app's library");
  app->library = sb_application_get_library (app->app);
  g_assert_nonnull (app->library);
  g_assert_nonnull (sb_application_get_generation_queue (app->app));

  g_application_activate (G_APPLICATION (app->app));
  app->window = SB_WINDOW (gtk_application_get_active_window (GTK_APPLICATION (app->app)));
  g_assert_nonnull (app->window);
  sb_window_set_page (app->window, "videos");
  app->page = SB_VIDEOS_PAGE (sb_ui_test_find_descendant (GTK_WIDGET (app->window), SB_TYPE_VIDEOS_PAGE));
  g_assert_nonnull (app->page);
}

/* What quitting does: the window goes, the library's writes are finished
 * and closed, and nothing of the app is left. */
static void
app_stop (App *app)
{
  gtk_window_destroy (GTK_WINDOW (app->window));
  sb_ui_test_iterate (100);
  g_application_quit (G_APPLICATION (app->app));
  sb_library_close (app->library);
  sb_ui_test_iterate (100);
  g_assert_null (gtk_application_get_windows (GTK_APPLICATION (app->app)));
  /* GtkApplication keeps a reference from ::startup to ::shutdown, which
   * only g_application_run() reaches: the app object outlives this "run",
   * but its window and library are gone. */
  g_object_unref (app->app);
  *app = (App) { .n_starts = app->n_starts };
}

static SbGenerationQueue *
app_queue (App *app)
{
  return sb_application_get_generation_queue (app->app);
}

/* An image-to-video request for @image_id, like Make Video… sends. */
static char *
submit_video (App        *app,
              gint64      image_id,
              gint64      brief_id,
              const char *prompt)
{
  g_autoptr(GPtrArray) requests = g_ptr_array_new_with_free_func ((GDestroyNotify) sb_generation_request_free);
  SbGenerationRequest *request = sb_generation_request_new ();
  g_autofree char *uri = sb_generation_media_uri (image_id);

  request->kind = SB_MEDIA_KIND_VIDEO;
  request->model = g_strdup ("minimax/video-01");
  request->input = json_object_new ();
  json_object_set_string_member (request->input, "prompt", prompt);
  json_object_set_string_member (request->input, "first_frame_image", uri);
  request->brief_id = brief_id;
  request->source_media_id = image_id;
  request->prompt = g_strdup (prompt);
  g_ptr_array_add (requests, request);

  return sb_generation_queue_submit (app_queue (app), requests);
}

/* ---- job tiles ---------------------------------------------------------- */

/* The job shown as a tile whose batch is @batch_id (or whose id is
 * @job_id), or NULL. */
static SbGenerationJob *
find_shown_job (SbVideosPage *page,
                const char   *batch_id,
                gint64        job_id,
                guint        *out_position)
{
  GListModel *jobs = sb_videos_page_get_jobs (page);

  for (guint i = 0; i < g_list_model_get_n_items (jobs); i++)
    {
      g_autoptr(SbGenerationJob) job = g_list_model_get_item (jobs, i);

      if ((batch_id != NULL && g_strcmp0 (sb_generation_job_get_batch_id (job), batch_id) == 0) ||
          (job_id > 0 && sb_generation_job_get_id (job) == job_id))
        {
          if (out_position != NULL)
            *out_position = i;
          return job;
        }
    }

  return NULL;
}

static SbVideoJobTile *
find_job_tile (GtkWidget *widget,
               gint64     job_id)
{
  if (SB_IS_VIDEO_JOB_TILE (widget))
    {
      SbGenerationJob *job = sb_video_job_tile_get_job (SB_VIDEO_JOB_TILE (widget));

      return job != NULL && sb_generation_job_get_id (job) == job_id && gtk_widget_get_mapped (widget)
               ? SB_VIDEO_JOB_TILE (widget)
               : NULL;
    }

  for (GtkWidget *child = gtk_widget_get_first_child (widget);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      SbVideoJobTile *found = find_job_tile (child, job_id);

      if (found != NULL)
        return found;
    }

  return NULL;
}

typedef struct
{
  SbVideosPage *page;
  const char   *batch_id;
  gint64        job_id;
  SbJobStatus   status;
} JobWait;

/* A tile on screen for the job, in @status, with the poster of its image
 * loaded. */
static gboolean
tile_in_status (gpointer data)
{
  JobWait *wait = data;
  SbGenerationJob *job = find_shown_job (wait->page, wait->batch_id, wait->job_id, NULL);
  SbVideoJobTile *tile;

  if (job == NULL || sb_generation_job_get_status (job) != wait->status || sb_generation_job_get_id (job) <= 0)
    return FALSE;

  wait->job_id = sb_generation_job_get_id (job);
  tile = find_job_tile (GTK_WIDGET (sb_videos_page_get_grid_view (wait->page)), wait->job_id);

  return tile != NULL && sb_video_job_tile_has_texture (tile);
}

static gboolean
job_gone (gpointer data)
{
  JobWait *wait = data;

  return find_shown_job (wait->page, NULL, wait->job_id, NULL) == NULL &&
         find_job_tile (GTK_WIDGET (sb_videos_page_get_grid_view (wait->page)), wait->job_id) == NULL;
}

/* The tile says "Making video… M:SS" with at least a second gone: the
 * elapsed time ticks. */
static gboolean
tile_shows_elapsed (gpointer data)
{
  JobWait *wait = data;
  SbGenerationJob *job = find_shown_job (wait->page, wait->batch_id, 0, NULL);
  SbVideoJobTile *tile;
  const char *state;
  const char *time;

  if (job == NULL || sb_generation_job_get_id (job) <= 0)
    return FALSE;

  wait->job_id = sb_generation_job_get_id (job);
  tile = find_job_tile (GTK_WIDGET (sb_videos_page_get_grid_view (wait->page)), wait->job_id);
  if (tile == NULL)
    return FALSE;

  state = sb_video_job_tile_get_state (tile);
  if (!g_str_has_prefix (state, "Making video… "))
    return FALSE;

  time = state + strlen ("Making video… ");

  return g_regex_match_simple ("^[0-9]+:[0-9][0-9]$", time, 0, 0) && !g_str_equal (time, "0:00");
}

typedef struct
{
  SbVideosPage *page;
  guint         n_videos;
} VideosWait;

static gboolean
page_has_videos (gpointer data)
{
  VideosWait *wait = data;
  GListModel *model = sb_videos_page_get_model (wait->page);
  guint n;

  if (model == NULL || g_list_model_get_n_items (model) != wait->n_videos)
    return FALSE;

  n = g_list_model_get_n_items (model);
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(SbMediaItem) item = g_list_model_get_item (model, i);

      if (!sb_media_item_get_loaded (item))
        return FALSE;
    }

  return TRUE;
}

static gboolean
no_job_tiles (gpointer data)
{
  return g_list_model_get_n_items (sb_videos_page_get_jobs (data)) == 0 &&
         sb_ui_test_find_descendant (GTK_WIDGET (sb_videos_page_get_grid_view (data)), SB_TYPE_VIDEO_JOB_TILE) == NULL;
}

static gboolean
job_window_shown (gpointer data)
{
  GtkWindow *window = sb_videos_page_get_job_window (data);

  return window != NULL && gtk_widget_get_mapped (GTK_WIDGET (window));
}

static gboolean
job_window_gone (gpointer data)
{
  return sb_videos_page_get_job_window (data) == NULL;
}

/* Activates the job's tile in the grid: its detail window. */
static SbVideoJobWindow *
open_job_window (SbVideosPage *page,
                 gint64        job_id)
{
  guint position = G_MAXUINT;
  SbVideoJobWindow *window;

  g_assert_nonnull (find_shown_job (page, NULL, job_id, &position));
  /* The job tiles come first in the grid. */
  g_signal_emit_by_name (sb_videos_page_get_grid_view (page), "activate", position);
  sb_ui_test_wait_for (job_window_shown, page, "the job's detail window");
  window = SB_VIDEO_JOB_WINDOW (sb_videos_page_get_job_window (page));
  g_assert_cmpint (sb_generation_job_get_id (sb_video_job_window_get_job (window)), ==, job_id);

  return window;
}

static gint64
create_brief (SbLibrary  *library,
              const char *title)
{
  g_autoptr(SbBrief) brief = sb_brief_new ();
  g_autoptr(SbBriefRevision) revision = sb_brief_revision_new ();
  g_autoptr(SbScene) scene = sb_scene_new ();
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  sb_brief_set_title (brief, title);
  sb_brief_revision_set_title (revision, title);
  sb_scene_set_title (scene, "Opening");
  g_list_store_append (sb_brief_revision_get_scenes (revision), scene);
  sb_library_create_brief_async (library, brief, revision, NULL, sb_ui_test_store_result_cb, &result);
  sb_ui_test_wait_for (sb_ui_test_result_ready, &result, "the brief to be stored");
  g_assert_true (sb_library_create_brief_finish (library, result, &error));
  g_assert_no_error (error);
  g_assert_cmpint (sb_brief_get_id (brief), >, 0);

  return sb_brief_get_id (brief);
}

static void
test_video_jobs (void)
{
  g_autoptr(GSubprocess) fake = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GFile) file = NULL;
  g_autoptr(SbMediaItem) image = NULL;
  g_autofree char *url = NULL;
  g_autofree char *fox_batch = NULL;
  g_autofree char *plain_batch = NULL;
  g_autofree char *slow_batch = NULL;
  g_autofree char *cat_batch = NULL;
  g_autofree char *dog_batch = NULL;
  SbVideoJobWindow *job_window;
  SbVideoJobTile *tile;
  SbGenerationJob *job;
  gint64 image_id, brief_id, fox_id, cat_id, dog_id;
  JobWait wait;
  VideosWait videos;
  App app = { 0 };

  fake = sb_ui_test_start_fake (fake_path, G_SUBPROCESS_FLAGS_NONE, &url,
                                "--prediction-seconds", "1", "--video-seconds", "1", NULL);
  sb_ui_test_use_fake_replicate (url);

  app_start (&app);

  /* An image to make the videos from, and a brief for some of them. */
  {
    SbGalleryPage *gallery = SB_GALLERY_PAGE (sb_window_get_gallery (app.window));

    file = g_file_new_for_path (g_test_get_filename (G_TEST_DIST, "data", "images", "red.png", NULL));
    sb_window_import_files (app.window, &file, 1);
    sb_ui_test_wait_for (sb_ui_test_gallery_has_one, gallery, "the imported image");
    image = g_list_model_get_item (sb_gallery_page_get_model (gallery), 0);
    sb_ui_test_wait_for (sb_ui_test_item_loaded, image, "the image's row");
    image_id = sb_media_item_get_id (image);
    sb_window_set_page (app.window, "videos");
  }
  brief_id = create_brief (app.library, "Fox Story");

  /* A video of no brief is made. */
  plain_batch = submit_video (&app, image_id, 0, "the red square slowly zooms in");
  videos = (VideosWait) { app.page, 1 };
  sb_ui_test_wait_for (page_has_videos, &videos, "the first video");

  /* A video being made: a tile with the time it has taken, ticking;
   * Cancel stops it and its tile goes. */
  slow_batch = submit_video (&app, image_id, 0, "a slow pan [fake:slow=30]");
  wait = (JobWait) { app.page, slow_batch, 0, 0 };
  sb_ui_test_wait_for (tile_shows_elapsed, &wait, "the elapsed time on the tile");
  tile = find_job_tile (GTK_WIDGET (sb_videos_page_get_grid_view (app.page)), wait.job_id);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (tile), "job-tile.cancel", NULL));
  sb_ui_test_wait_for (job_gone, &wait, "the cancelled video's tile to go");

  /* A video that fails once: its tile says what the provider said. */
  fox_batch = submit_video (&app, image_id, brief_id, "a fox runs [fake:fail*1]");
  wait = (JobWait) { app.page, fox_batch, 0, SB_JOB_FAILED };
  sb_ui_test_wait_for (tile_in_status, &wait, "the failed tile");
  fox_id = wait.job_id;
  tile = find_job_tile (GTK_WIDGET (sb_videos_page_get_grid_view (app.page)), fox_id);
  g_assert_cmpstr (sb_video_job_tile_get_state (tile), ==, "Failed");
  g_assert_nonnull (sb_video_job_tile_get_message (tile));
  g_assert_nonnull (strstr (sb_video_job_tile_get_message (tile), FAIL_MESSAGE));
  /* The whole message, whatever the tile has room for. */
  g_assert_nonnull (strstr (gtk_widget_get_tooltip_text (GTK_WIDGET (tile)), FAIL_MESSAGE));
  g_assert_cmpstr (sb_videos_page_get_state (app.page), ==, "grid");

  /* Its detail window: the model, the whole message, Retry and Remove. */
  job_window = open_job_window (app.page, fox_id);
  g_assert_cmpstr (sb_video_job_window_get_state (job_window), ==, "Failed");
  g_assert_nonnull (sb_video_job_window_get_message (job_window));
  g_assert_nonnull (strstr (sb_video_job_window_get_message (job_window), FAIL_MESSAGE));
  gtk_window_close (GTK_WINDOW (job_window));
  sb_ui_test_wait_for (job_window_gone, app.page, "the detail window to close");

  /* Retry on the tile: a new job takes the failed tile's place, and its
   * video lands in the grid. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (tile), "job-tile.retry", NULL));
  wait = (JobWait) { app.page, NULL, fox_id, 0 };
  sb_ui_test_wait_for (job_gone, &wait, "the retried job's tile to go");
  videos = (VideosWait) { app.page, 2 };
  sb_ui_test_wait_for (page_has_videos, &videos, "the retried video");
  sb_ui_test_wait_for (no_job_tiles, app.page, "no job tile once the video is in");
  {
    g_autoptr(SbMediaItem) video = g_list_model_get_item (sb_videos_page_get_model (app.page), 0);

    g_assert_cmpint (sb_media_item_get_kind (video), ==, SB_MEDIA_KIND_VIDEO);
    g_assert_cmpint (sb_media_item_get_brief_id (video), ==, brief_id);
    g_assert_cmpint (sb_media_item_get_source_media_id (video), ==, image_id);
  }

  /* The brief filter: that brief's video only, and no tile of another
   * brief's failure. */
  dog_batch = submit_video (&app, image_id, 0, "a dog barks [fake:fail]");
  wait = (JobWait) { app.page, dog_batch, 0, SB_JOB_FAILED };
  sb_ui_test_wait_for (tile_in_status, &wait, "the dog's failed tile");
  dog_id = wait.job_id;
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (app.window), "win.show-brief-videos", "(xs)",
                                             brief_id, "Fox Story"));
  videos = (VideosWait) { app.page, 1 };
  sb_ui_test_wait_for (page_has_videos, &videos, "the brief's video only");
  {
    g_autoptr(SbMediaItem) video = g_list_model_get_item (sb_videos_page_get_model (app.page), 0);

    g_assert_cmpint (sb_media_item_get_brief_id (video), ==, brief_id);
  }
  g_assert_null (find_shown_job (app.page, NULL, dog_id, NULL));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (app.page), "videos.clear-brief-filter", NULL));
  videos = (VideosWait) { app.page, 2 };
  sb_ui_test_wait_for (page_has_videos, &videos, "every video again");
  g_assert_nonnull (find_shown_job (app.page, NULL, dog_id, NULL));

  cat_batch = submit_video (&app, image_id, 0, "a cat sleeps [fake:fail]");
  wait = (JobWait) { app.page, cat_batch, 0, SB_JOB_FAILED };
  sb_ui_test_wait_for (tile_in_status, &wait, "the cat's failed tile");
  cat_id = wait.job_id;

  /* The next start: the failures are read back from the library, with
   * their message; the retried one is not among them. */
  app_stop (&app);
  app_start (&app);
  wait = (JobWait) { app.page, NULL, cat_id, SB_JOB_FAILED };
  sb_ui_test_wait_for (tile_in_status, &wait, "the cat's failed tile after a restart");
  wait = (JobWait) { app.page, NULL, dog_id, SB_JOB_FAILED };
  sb_ui_test_wait_for (tile_in_status, &wait, "the dog's failed tile after a restart");
  g_assert_null (find_shown_job (app.page, NULL, fox_id, NULL));
  tile = find_job_tile (GTK_WIDGET (sb_videos_page_get_grid_view (app.page)), cat_id);
  g_assert_nonnull (strstr (sb_video_job_tile_get_message (tile), FAIL_MESSAGE));
  videos = (VideosWait) { app.page, 2 };
  sb_ui_test_wait_for (page_has_videos, &videos, "both videos after a restart");

  /* Remove in the detail window: the tile goes, and stays gone. */
  job_window = open_job_window (app.page, cat_id);
  g_assert_nonnull (strstr (sb_video_job_window_get_message (job_window), FAIL_MESSAGE));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (job_window), "job.remove", NULL));
  sb_ui_test_wait_for (job_window_gone, app.page, "the detail window to close after Remove");
  wait = (JobWait) { app.page, NULL, cat_id, 0 };
  sb_ui_test_wait_for (job_gone, &wait, "the removed tile to go");
  g_assert_nonnull (find_shown_job (app.page, NULL, dog_id, NULL));

  app_stop (&app);
  app_start (&app);
  wait = (JobWait) { app.page, NULL, dog_id, SB_JOB_FAILED };
  sb_ui_test_wait_for (tile_in_status, &wait, "the dog's failed tile after another restart");
  g_assert_null (find_shown_job (app.page, NULL, cat_id, NULL));
  g_assert_null (find_shown_job (app.page, NULL, fox_id, NULL));
  job = find_shown_job (app.page, NULL, dog_id, NULL);
  g_assert_cmpint (sb_generation_job_get_status (job), ==, SB_JOB_FAILED);

  app_stop (&app);
  g_subprocess_force_exit (fake);
}

int
main (int   argc,
      char *argv[])
{
  g_autofree char *home = NULL;
  int status;

  home = sb_ui_test_make_home ("sb-video-jobs-test-XXXXXX");
  g_setenv ("GIO_USE_PROXY_RESOLVER", "dummy", TRUE);

  g_test_init (&argc, &argv, NULL);
  gtk_init ();
  adw_init ();
  sb_ui_test_set_wait_timeout (90);

  fake_path = sb_ui_test_fake_providers_path (argc, argv);
  if (fake_path == NULL)
    return 1;
  sb_ui_test_claim_notifications ();

  g_test_add_func ("/sb/ui/video-jobs/tiles", test_video_jobs);

  status = g_test_run ();

  sb_ui_test_remove_home (home);

  return status;
}
