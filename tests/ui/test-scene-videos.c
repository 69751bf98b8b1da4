/* test-scene-videos.c
 *
 * Copyright 2026 The Storyboard authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * "Make Videos for All Scenes" on the Brief page, in the real window,
 * against the fake providers over loopback: scenes with a chosen image go
 * to the image-to-video model with that image, a scene with only a prompt
 * to the text-to-video model, a scene with neither is left out.  Each scene
 * card shows its video's state (elapsed time while it is made, the
 * provider's message and Retry when it fails, its length and Play when it
 * is ready); the videos are stored with their source image and links; a
 * scene's own Make Video, Cancel, reopening the brief and restarting the
 * app work.
 *
 * Then, on a brief of their own: a request is made once however often it
 * is clicked; a scene whose video is on its way is left out of the next
 * one; Retry makes the video from the settings and the scene as they are
 * now; choosing an image updates the card; a scene with an image and no
 * words at all waits for a prompt; switching revisions forgets the other
 * revision's videos and requests; a job not stored gives way once it
 * ended; the cards' buttons name their scene; and nothing reaches the
 * section once it is disposed.
 */

#include "config.h"

#include <adwaita.h>
#include <string.h>

#include "sb-ui-test.h"
#include "sb-application.h"
#include "sb-brief-page.h"
#include "sb-library-briefs.h"
#include "sb-library-jobs.h"
#include "sb-window.h"

#define N_SCENES    4
#define SLOW_SCENE  0   /* an image; its video takes a while */
#define FAIL_SCENE  1   /* an image; its first video fails at the provider */
#define TEXT_SCENE  2   /* no image, a prompt */
#define EMPTY_SCENE 3   /* neither */

#define IMAGE_MODEL "wan-video/wan-2.2-i2v-fast"
#define TEXT_MODEL  "wan-video/wan-2.2-t2v-fast"


static char *fake_path;
static GSubprocess *fake;
static char *fake_url;

static void
media_added_cb (GObject *object, GAsyncResult *result, gpointer user_data)
{
  SbUiTestWait *wait = user_data;

  wait->result = sb_library_add_media_finish (SB_LIBRARY (object), result, NULL, &wait->error);
  wait->done = TRUE;
}

static void
jobs_listed_cb (GObject *object, GAsyncResult *result, gpointer user_data)
{
  SbUiTestWait *wait = user_data;

  wait->result = sb_library_list_jobs_for_revision_finish (SB_LIBRARY (object), result, &wait->error);
  wait->done = TRUE;
}

/* The app under test and what the checks look at. */
typedef struct
{
  SbApplication  *app;
  SbWindow       *window;
  SbBriefEditor  *editor;
  SbVideoSection *section;
  SbLibrary      *library;
} App;

static App *current;
static gint64 current_brief_id;

static char *
describe_editor (void)
{
  GString *text = g_string_new ("");

  if (current == NULL || current->editor == NULL)
    return g_string_free (text, FALSE);

  g_string_append_printf (text, " (videos: “%s”, batch: “%s”;",
                          sb_video_section_get_status (current->section),
                          sb_video_section_get_batch_message (current->section));
  for (guint i = 0; i < N_SCENES; i++)
    {
      SbSceneRow *row = sb_brief_editor_get_scene_row (current->editor, i);

      g_string_append_printf (text, " scene %u: image “%s”, video “%s”;", i + 1,
                              row != NULL ? sb_scene_row_get_state_text (row) : "(no card)",
                              row != NULL ? sb_scene_row_get_video_state_text (row) : "(no card)");
    }
  g_string_append (text, ")");

  return g_string_free (text, FALSE);
}

static void
start_app (App *app)
{
  g_autoptr(GError) error = NULL;
  SbBriefPage *page;

  app->app = sb_application_new (APPLICATION_ID, G_APPLICATION_NON_UNIQUE);
  g_assert_true (g_application_register (G_APPLICATION (app->app), NULL, &error));
  g_assert_no_error (error);
  sb_ui_test_wait_for (sb_ui_test_library_ready, app->app, "the app's library");
  app->library = sb_application_get_library (app->app);
  g_assert_nonnull (app->library);
  g_application_activate (G_APPLICATION (app->app));
  app->window = SB_WINDOW (gtk_application_get_active_window (GTK_APPLICATION (app->app)));
  gtk_window_set_default_size (GTK_WINDOW (app->window), 1500, 4000);
  sb_window_set_page (app->window, "brief");
  page = SB_BRIEF_PAGE (sb_ui_test_find_descendant (GTK_WIDGET (app->window), SB_TYPE_BRIEF_PAGE));
  g_assert_nonnull (page);
  app->editor = sb_brief_page_get_editor (page);
  app->section = sb_brief_editor_get_video_section (app->editor);
  g_assert_nonnull (app->section);

  current = app;
  sb_ui_test_set_describe (describe_editor);
}

static void
stop_app (App *app)
{
  current = NULL;
  sb_ui_test_set_describe (NULL);
  gtk_window_destroy (GTK_WINDOW (app->window));
  sb_ui_test_iterate (50);
  g_application_quit (G_APPLICATION (app->app));
  sb_library_close (app->library);
  g_clear_object (&app->app);
}

static gboolean
brief_open (gpointer data)
{
  App *app = data;
  SbBriefRevision *revision = sb_brief_editor_get_revision (app->editor);

  return revision != NULL && sb_brief_revision_get_brief_id (revision) == current_brief_id &&
         sb_brief_editor_get_scene_row (app->editor, N_SCENES - 1) != NULL;
}

static void
open_brief (App    *app,
            gint64  brief_id)
{
  current_brief_id = brief_id;
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (app->window), "win.open-brief", "x", brief_id));
  sb_ui_test_wait_for (brief_open, app, "the brief in the editor");
}

static SbScene *
get_scene (App   *app,
           guint  position)
{
  g_autoptr(SbScene) scene = g_list_model_get_item (sb_brief_editor_get_scenes (app->editor), position);

  return scene;  /* held by the revision */
}

static SbSceneRow *
get_row (App   *app,
         guint  position)
{
  SbSceneRow *row = sb_brief_editor_get_scene_row (app->editor, position);

  g_assert_nonnull (row);
  return row;
}

static const char *
video_text (App   *app,
            guint  position)
{
  return sb_scene_row_get_video_state_text (get_row (app, position));
}

/* Stores an image of the brief's scene and chooses it as the scene's image,
 * as the card's chooser does. */
static gint64
choose_image (App        *app,
              guint       position,
              const char *file)
{
  SbScene *scene = get_scene (app, position);
  SbBriefRevision *revision = sb_brief_editor_get_revision (app->editor);
  g_autoptr(SbMediaItem) item = sb_media_item_new ();
  g_autoptr(SbMediaItem) added = NULL;
  g_autoptr(GBytes) bytes = NULL;
  g_autofree char *contents = NULL;
  gsize length = 0;
  SbUiTestWait wait = { 0 };
  SbUiTestChosenWait choice = { scene, 0 };

  g_assert_true (g_file_get_contents (g_test_get_filename (G_TEST_DIST, "data", "images", file, NULL),
                                      &contents, &length, NULL));
  bytes = g_bytes_new_take (g_steal_pointer (&contents), length);
  sb_media_item_set_kind (item, SB_MEDIA_KIND_IMAGE);
  sb_media_item_set_mime_type (item, g_str_has_suffix (file, ".png") ? "image/png" : "image/jpeg");
  sb_media_item_set_size (item, 64, 64);
  sb_media_item_set_origin (item, SB_MEDIA_ORIGIN_GENERATED);
  sb_media_item_set_prompt (item, sb_scene_get_generation_prompt (scene));
  sb_media_item_set_links (item, current_brief_id, sb_brief_revision_get_id (revision), sb_scene_get_id (scene));
  sb_library_add_media_async (app->library, item, bytes, NULL, NULL, media_added_cb, &wait);
  sb_ui_test_wait_for (sb_ui_test_wait_done, &wait, "the scene's image to be stored");
  g_assert_no_error (wait.error);
  added = wait.result;

  choice.media_id = sb_media_item_get_id (added);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (app->editor), "editor.choose-media", "(xx)",
                                             sb_scene_get_id (scene), choice.media_id));
  sb_ui_test_wait_for (sb_ui_test_scene_chosen, &choice, "the scene's chosen image");

  return choice.media_id;
}

typedef struct
{
  SbModelPicker *picker;
  const char    *id;
} SelectWait;

static gboolean
model_selected (gpointer data)
{
  SelectWait *wait = data;

  /* Selectable once the list has it. */
  return g_strcmp0 (sb_model_picker_get_selected_id (wait->picker), wait->id) == 0 ||
         sb_model_picker_select (wait->picker, wait->id);
}

static gboolean
ready_to_make (gpointer data)
{
  App *app = data;

  return sb_video_section_get_image_form (app->section) != NULL &&
         sb_video_section_get_text_form (app->section) != NULL &&
         g_str_equal (sb_video_section_get_status (app->section), "");
}

static gboolean
batch_finished (gpointer data)
{
  App *app = data;

  return sb_video_section_get_batch_message (app->section) != NULL &&
         !sb_video_section_is_running (app->section);
}

/* "Video ready · 0:02" */
static gboolean
is_ready_text (const char *text)
{
  int minutes, seconds;

  return g_str_has_prefix (text, "Video ready · ") &&
         sscanf (text + strlen ("Video ready · "), "%d:%d", &minutes, &seconds) == 2 &&
         minutes >= 0 && seconds >= 0 && seconds < 60 && minutes * 60 + seconds > 0;
}

static gboolean
is_making_text (const char *text)
{
  int minutes, seconds;

  /* "Making video… 0:03" */
  return g_str_has_prefix (text, "Making video… ") &&
         sscanf (text + strlen ("Making video… "), "%d:%d", &minutes, &seconds) == 2 &&
         minutes >= 0 && seconds >= 0 && seconds < 60;
}

/* The other videos end while the slow one is still being made. */
static gboolean
others_settled (gpointer data)
{
  App *app = data;

  return strstr (video_text (app, FAIL_SCENE), "flagged as sensitive") != NULL &&
         is_ready_text (video_text (app, TEXT_SCENE));
}

static gboolean
slow_ready (gpointer data)
{
  return is_ready_text (video_text (data, SLOW_SCENE));
}

typedef struct
{
  App   *app;
  guint  position;
  char  *before;
} TickWait;

static gboolean
ticked (gpointer data)
{
  TickWait *wait = data;
  const char *text = video_text (wait->app, wait->position);

  return is_making_text (text) && !g_str_equal (text, wait->before);
}

typedef struct
{
  App             *app;
  guint            position;
  SbGenerationJob *old_job;
} NewJobWait;

static gboolean
new_video_ready (gpointer data)
{
  NewJobWait *wait = data;
  SbSceneRow *row = get_row (wait->app, wait->position);
  SbGenerationJob *job = sb_scene_row_get_video_job (row);

  return job != NULL && job != wait->old_job &&
         sb_generation_job_get_status (job) == SB_JOB_SUCCEEDED &&
         is_ready_text (sb_scene_row_get_video_state_text (row));
}

static gboolean
all_ready (gpointer data)
{
  App *app = data;

  return is_ready_text (video_text (app, SLOW_SCENE)) &&
         is_ready_text (video_text (app, FAIL_SCENE)) &&
         is_ready_text (video_text (app, TEXT_SCENE)) &&
         g_str_equal (video_text (app, EMPTY_SCENE), "No video yet");
}

static gboolean
all_making (gpointer data)
{
  App *app = data;

  return is_making_text (video_text (app, SLOW_SCENE)) &&
         is_making_text (video_text (app, FAIL_SCENE)) &&
         is_making_text (video_text (app, TEXT_SCENE));
}

static gboolean
all_canceled (gpointer data)
{
  App *app = data;

  return g_str_equal (video_text (app, SLOW_SCENE), "Video canceled") &&
         g_str_equal (video_text (app, FAIL_SCENE), "Video canceled") &&
         g_str_equal (video_text (app, TEXT_SCENE), "Video canceled") &&
         g_str_equal (video_text (app, EMPTY_SCENE), "No video yet");
}

static gboolean
list_loaded (gpointer data)
{
  GListModel *model = data;
  guint n = g_list_model_get_n_items (model);

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(SbMediaItem) item = g_list_model_get_item (model, i);

      if (!sb_media_item_get_loaded (item))
        return FALSE;
    }

  return TRUE;
}

static GListModel *
list_brief_videos (SbLibrary *library,
                   gint64     brief_id)
{
  SbMediaFilter filter = { SB_MEDIA_KIND_VIDEO, brief_id, FALSE, NULL };
  SbUiTestWait wait = { 0 };

  sb_library_list_media_filtered_async (library, &filter, NULL, sb_ui_test_media_listed_cb, &wait);
  sb_ui_test_wait_for (sb_ui_test_wait_done, &wait, "the brief's videos");
  g_assert_no_error (wait.error);
  sb_ui_test_wait_for (list_loaded, wait.result, "the videos' rows");
  return wait.result;
}

static JsonObject *
parse_object (const char *text)
{
  g_autoptr(JsonNode) node = json_from_string (text, NULL);

  g_assert_nonnull (node);
  g_assert_true (JSON_NODE_HOLDS_OBJECT (node));
  return json_object_ref (json_node_get_object (node));
}

/* The image scenes' jobs went to the image-to-video model with the chosen
 * image's marker in their stored input; the image-less one to the
 * text-to-video model. */
static void
check_job (SbGenerationJob *job,
           SbScene         *scene,
           gint64           image_id)
{
  g_autoptr(JsonObject) input = parse_object (sb_generation_job_get_input (job));

  g_assert_cmpint (sb_generation_job_get_kind (job), ==, SB_MEDIA_KIND_VIDEO);
  g_assert_cmpint (sb_generation_job_get_scene_id (job), ==, sb_scene_get_id (scene));
  g_assert_cmpint (sb_generation_job_get_brief_id (job), ==, current_brief_id);
  g_assert_cmpstr (json_object_get_string_member (input, "prompt"), ==, sb_scene_get_generation_prompt (scene));
  if (image_id != 0)
    {
      g_autofree char *marker = g_strdup_printf ("storyboard-media:%" G_GINT64_FORMAT, image_id);

      g_assert_cmpstr (sb_generation_job_get_model (job), ==, IMAGE_MODEL);
      g_assert_cmpstr (json_object_get_string_member (input, "image"), ==, marker);
      g_assert_cmpint (sb_generation_job_get_source_media_id (job), ==, image_id);
    }
  else
    {
      g_assert_cmpstr (sb_generation_job_get_model (job), ==, TEXT_MODEL);
      g_assert_false (json_object_has_member (input, "image"));
      g_assert_cmpint (sb_generation_job_get_source_media_id (job), ==, 0);
    }
}

static void
set_prompt (App        *app,
            guint       position,
            const char *prompt)
{
  sb_scene_set_generation_prompt (get_scene (app, position), prompt);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (app->editor), "editor.scene-edited", "(us)",
                                             position, "generation-prompt"));
}

static gint64
create_brief (SbLibrary   *library,
              const char  *title,
              guint        n_scenes,
              const char **prompts)
{
  g_autoptr(SbBrief) brief = sb_brief_new ();
  g_autoptr(SbBriefRevision) revision = sb_brief_revision_new ();
  SbUiTestWait wait = { 0 };

  sb_brief_set_title (brief, title);
  sb_brief_set_prompt (brief, "a harbour at dawn");
  sb_brief_revision_set_title (revision, title);
  for (guint i = 0; i < n_scenes; i++)
    {
      g_autoptr(SbScene) scene = sb_scene_new ();
      g_autofree char *scene_title = g_strdup_printf ("Shot %u", i + 1);

      sb_scene_set_title (scene, scene_title);
      sb_scene_set_duration (scene, 3);
      if (prompts != NULL && prompts[i] != NULL)
        sb_scene_set_generation_prompt (scene, prompts[i]);
      g_list_store_append (sb_brief_revision_get_scenes (revision), scene);
    }
  sb_library_create_brief_async (library, brief, revision, NULL, sb_ui_test_brief_created_cb, &wait);
  sb_ui_test_wait_for (sb_ui_test_wait_done, &wait, "the brief to be stored");
  g_assert_no_error (wait.error);
  g_assert_cmpint (sb_brief_get_id (brief), >, 0);

  return sb_brief_get_id (brief);
}


/* Further checks, on a brief of their own */

#define C_TEXT  0  /* a prompt, no image */
#define C_BARE  1  /* neither; then an image, and no words at all */
#define C_RETRY 2  /* refused at first */
#define C_SLOW  3  /* a prompt */

static gboolean
can_click_make (App   *app,
                guint  position)
{
  return gtk_widget_is_sensitive (sb_scene_row_get_video_button (get_row (app, position), "make"));
}

/* The stored video jobs of each scene of @revision. */
static void
count_video_jobs (App             *app,
                  SbBriefRevision *revision,
                  guint            counts[N_SCENES])
{
  GListModel *scenes = G_LIST_MODEL (sb_brief_revision_get_scenes (revision));
  g_autoptr(GListModel) jobs = NULL;
  SbUiTestWait wait = { 0 };

  sb_library_list_jobs_for_revision_async (app->library, sb_brief_revision_get_id (revision),
                                           NULL, jobs_listed_cb, &wait);
  sb_ui_test_wait_for (sb_ui_test_wait_done, &wait, "the revision's stored jobs");
  g_assert_no_error (wait.error);
  jobs = wait.result;

  for (guint s = 0; s < N_SCENES; s++)
    counts[s] = 0;
  for (guint i = 0; i < g_list_model_get_n_items (jobs); i++)
    {
      g_autoptr(SbGenerationJob) job = g_list_model_get_item (jobs, i);

      if (sb_generation_job_get_kind (job) != SB_MEDIA_KIND_VIDEO)
        continue;
      for (guint s = 0; s < N_SCENES; s++)
        {
          g_autoptr(SbScene) scene = g_list_model_get_item (scenes, s);

          if (sb_generation_job_get_scene_id (job) == sb_scene_get_id (scene))
            counts[s]++;
        }
    }
}

typedef struct
{
  App        *app;
  const char *message;
} MessageWait;

static gboolean
batch_said (gpointer data)
{
  MessageWait *wait = data;

  return g_strcmp0 (sb_video_section_get_batch_message (wait->app->section), wait->message) == 0 &&
         !sb_video_section_is_running (wait->app->section);
}

static gboolean
new_video_ended (gpointer data)
{
  NewJobWait *wait = data;
  SbGenerationJob *job = sb_scene_row_get_video_job (get_row (wait->app, wait->position));

  return job != NULL && job != wait->old_job &&
         sb_job_status_is_terminal (sb_generation_job_get_status (job));
}

static gboolean
slow_ones_making (gpointer data)
{
  App *app = data;

  return is_making_text (video_text (app, C_RETRY)) && is_making_text (video_text (app, C_SLOW));
}

/* The card shows the job's state at once; the section hears of it once
 * the job is stored. */
static gboolean
slow_ones_canceled (gpointer data)
{
  App *app = data;

  return g_str_equal (video_text (app, C_RETRY), "Video canceled") &&
         g_str_equal (video_text (app, C_SLOW), "Video canceled") &&
         !sb_video_section_is_running (app->section) &&
         gtk_widget_is_sensitive (sb_ui_test_find_action_button (GTK_WIDGET (app->section), "videos.make-all"));
}

static gboolean
not_generating (gpointer data)
{
  return !sb_brief_editor_is_generating (((App *) data)->editor);
}

static SbGenerationJob *
made_up_job (App    *app,
             gint64  id,
             guint   position)
{
  SbBriefRevision *revision = sb_brief_editor_get_revision (app->editor);
  SbGenerationJob *job = sb_generation_job_new ();

  sb_generation_job_set_id (job, id);
  sb_generation_job_set_batch_id (job, "made-up");
  sb_generation_job_set_kind (job, SB_MEDIA_KIND_VIDEO);
  sb_generation_job_set_model (job, TEXT_MODEL);
  sb_generation_job_set_links (job, sb_brief_revision_get_brief_id (revision),
                               sb_brief_revision_get_id (revision),
                               sb_scene_get_id (get_scene (app, position)));
  sb_generation_job_set_status (job, SB_JOB_RUNNING);

  return job;
}

static void
check_more (App *app)
{
  const char *prompts[N_SCENES] = {
    "a pier at noon",
    NULL,
    "a boat drifts [fake:422]",
    "a long shot of the coast",
  };
  const char *other_prompts[N_SCENES] = { "a field", "a fence", "a barn", "a tractor" };
  g_autoptr(SbBriefRevision) revision = NULL;
  GtkWidget *make_all;
  guint before[N_SCENES], after[N_SCENES];
  gint64 retry_image;

  open_brief (app, create_brief (app->library, "Checks", N_SCENES, prompts));
  revision = g_object_ref (sb_brief_editor_get_revision (app->editor));
  sb_ui_test_wait_for (ready_to_make, app, "the video models for the new brief");
  make_all = sb_ui_test_find_action_button (GTK_WIDGET (app->section), "videos.make-all");
  g_assert_nonnull (make_all);

  /* Each card's video buttons name their scene. */
  for (guint i = 0; i < N_SCENES; i++)
    {
      SbSceneRow *row = get_row (app, i);
      g_autofree char *make = g_strdup_printf ("Make a video of scene %u", i + 1);
      g_autofree char *retry = g_strdup_printf ("Retry the video of scene %u", i + 1);
      g_autofree char *cancel = g_strdup_printf ("Cancel the video of scene %u", i + 1);
      g_autofree char *play = g_strdup_printf ("Play the video of scene %u", i + 1);

      gtk_test_accessible_assert_property (sb_scene_row_get_video_button (row, "make"),
                                           GTK_ACCESSIBLE_PROPERTY_LABEL, make);
      gtk_test_accessible_assert_property (sb_scene_row_get_video_button (row, "retry"),
                                           GTK_ACCESSIBLE_PROPERTY_LABEL, retry);
      gtk_test_accessible_assert_property (sb_scene_row_get_video_button (row, "cancel"),
                                           GTK_ACCESSIBLE_PROPERTY_LABEL, cancel);
      gtk_test_accessible_assert_property (sb_scene_row_get_video_button (row, "play"),
                                           GTK_ACCESSIBLE_PROPERTY_LABEL, play);
    }

  /* Choosing an image in the card's chooser: at once its video can start
   * from it (the scene's title is the prompt). */
  g_assert_false (can_click_make (app, C_BARE));
  choose_image (app, C_BARE, "red.png");
  g_assert_true (can_click_make (app, C_BARE));
  g_assert_true (sb_video_section_can_make (app->section, get_scene (app, C_BARE)));

  /* With no prompt, description or title, the image-to-video model (which
   * needs a prompt) cannot be asked: the card says why. */
  sb_scene_set_title (get_scene (app, C_BARE), "");
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (app->editor), "editor.scene-edited", "(us)",
                                             C_BARE, "title"));
  g_assert_false (sb_video_section_can_make (app->section, get_scene (app, C_BARE)));
  g_assert_false (can_click_make (app, C_BARE));
  g_assert_cmpstr (video_text (app, C_BARE), ==, "Write a prompt for the scene first");
  g_assert_false (sb_video_section_submit (app->section, sb_scene_get_id (get_scene (app, C_BARE))));
  /* The others can still be made. */
  g_assert_cmpstr (sb_video_section_get_status (app->section), ==, "");

  /* Make Videos for All Scenes, clicked twice, and a card's Make Video:
   * disabled from the first click, and each scene is made once. */
  g_assert_true (gtk_widget_is_sensitive (make_all));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (app->section), "videos.make-all", NULL));
  g_assert_false (gtk_widget_is_sensitive (make_all));
  g_assert_false (can_click_make (app, C_TEXT));
  gtk_widget_activate_action (GTK_WIDGET (app->section), "videos.make-all", NULL);
  gtk_widget_activate_action (GTK_WIDGET (get_row (app, C_TEXT)), "scene.make-video", NULL);
  {
    MessageWait wait = { app, "2 videos ready, 1 failed" };

    sb_ui_test_wait_for (batch_said, &wait, "the batch of the new brief");
  }
  count_video_jobs (app, revision, after);
  g_assert_cmpuint (after[C_TEXT], ==, 1);
  g_assert_cmpuint (after[C_BARE], ==, 0);
  g_assert_cmpuint (after[C_RETRY], ==, 1);
  g_assert_cmpuint (after[C_SLOW], ==, 1);
  g_assert_cmpint (sb_generation_job_get_status (sb_scene_row_get_video_job (get_row (app, C_RETRY))), ==, SB_JOB_FAILED);

  /* Retry after fixing what was refused: made from the scene and the
   * settings as they are now, as a batch of its own; the old job no longer
   * shows as failed. */
  {
    NewJobWait retry = { app, C_RETRY, g_object_ref (sb_scene_row_get_video_job (get_row (app, C_RETRY))) };
    MessageWait wait = { app, "1 video ready" };
    SbGenerationJob *job;
    g_autoptr(JsonObject) input = NULL;
    g_autofree char *marker = NULL;

    set_prompt (app, C_RETRY, "a boat drifts in the bay");
    retry_image = choose_image (app, C_RETRY, "green.jpg");
    g_assert_true (sb_param_form_set_value_text (sb_video_section_get_image_form (app->section), "seed", "4242"));
    g_assert_true (gtk_widget_activate_action (GTK_WIDGET (get_row (app, C_RETRY)), "scene.retry-video", NULL));
    sb_ui_test_wait_for (new_video_ended, &retry, "the retried video");
    job = sb_scene_row_get_video_job (get_row (app, C_RETRY));
    g_assert_cmpint (sb_generation_job_get_status (job), ==, SB_JOB_SUCCEEDED);
    g_assert_cmpstr (sb_generation_job_get_model (job), ==, IMAGE_MODEL);
    g_assert_cmpint (sb_generation_job_get_source_media_id (job), ==, retry_image);
    input = parse_object (sb_generation_job_get_input (job));
    marker = g_strdup_printf ("storyboard-media:%" G_GINT64_FORMAT, retry_image);
    g_assert_cmpstr (json_object_get_string_member (input, "image"), ==, marker);
    g_assert_cmpstr (json_object_get_string_member (input, "prompt"), ==, "a boat drifts in the bay");
    g_assert_cmpint (json_object_get_int_member (input, "seed"), ==, 4242);
    g_assert_true (sb_generation_job_get_dismissed (retry.old_job));
    sb_ui_test_wait_for (batch_said, &wait, "the retry's batch");
    g_object_unref (retry.old_job);
  }

  /* Two slow videos, each from its card, clicked twice. */
  set_prompt (app, C_RETRY, "a boat drifts in the bay [fake:slow=60]");
  set_prompt (app, C_SLOW, "a long shot of the coast [fake:slow=60]");
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (get_row (app, C_SLOW)), "scene.make-video", NULL));
  g_assert_false (can_click_make (app, C_SLOW));
  g_assert_false (gtk_widget_is_sensitive (make_all));
  gtk_widget_activate_action (GTK_WIDGET (get_row (app, C_SLOW)), "scene.make-video", NULL);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (get_row (app, C_RETRY)), "scene.make-video", NULL));
  sb_ui_test_wait_for (slow_ones_making, app, "the slow videos to be under way");
  count_video_jobs (app, revision, before);
  g_assert_cmpuint (before[C_SLOW], ==, 2);
  g_assert_cmpuint (before[C_RETRY], ==, 3);

  /* Another brief: the videos of this one are not its own. */
  open_brief (app, create_brief (app->library, "Elsewhere too", N_SCENES, other_prompts));
  g_assert_false (sb_video_section_is_running (app->section));
  g_assert_cmpstr (sb_video_section_get_status (app->section), ==, "");
  g_assert_true (gtk_widget_is_sensitive (make_all));

  /* Its Make Videos for All Scenes, still waiting when the first brief's
   * revision is shown again, is not made for that one's scenes. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (app->section), "videos.make-all", NULL));
  sb_brief_editor_set_revision (app->editor, revision);
  sb_ui_test_wait_for (slow_ones_making, app, "the slow videos after coming back");
  sb_ui_test_wait_for (not_generating, app, "the editor to settle");
  sb_ui_test_iterate (50);
  count_video_jobs (app, revision, after);
  for (guint i = 0; i < N_SCENES; i++)
    g_assert_cmpuint (after[i], ==, before[i]);

  /* The slow ones (not started since the revision came back) count as
   * being made: not again, neither from Make Videos for All Scenes nor
   * when the requests are built. */
  g_assert_true (sb_video_section_is_running (app->section));
  g_assert_true (g_str_has_prefix (sb_video_section_get_status (app->section), "Making videos…"));
  g_assert_false (gtk_widget_is_sensitive (make_all));
  g_assert_false (can_click_make (app, C_SLOW));
  {
    g_autoptr(SbGenerationJob) slow_job = g_object_ref (sb_scene_row_get_video_job (get_row (app, C_SLOW)));
    NewJobWait text = { app, C_TEXT, g_object_ref (sb_scene_row_get_video_job (get_row (app, C_TEXT))) };

    g_assert_true (sb_video_section_submit (app->section, 0));
    sb_ui_test_wait_for (new_video_ended, &text, "the scene that was not being made");
    g_assert_true (sb_scene_row_get_video_job (get_row (app, C_SLOW)) == slow_job);
    count_video_jobs (app, revision, after);
    g_assert_cmpuint (after[C_TEXT], ==, before[C_TEXT] + 1);
    g_assert_cmpuint (after[C_BARE], ==, 0);
    g_assert_cmpuint (after[C_RETRY], ==, before[C_RETRY]);
    g_assert_cmpuint (after[C_SLOW], ==, before[C_SLOW]);
    g_object_unref (text.old_job);
  }

  /* Cancel stops them too. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (app->section), "videos.cancel", NULL));
  sb_ui_test_wait_for (slow_ones_canceled, app, "the slow videos to be canceled and the section ready again");

  /* A job whose storing failed (id 0) is the scene's newest while it runs,
   * and gives way to a stored one once it ended. */
  {
    g_autoptr(SbGenerationJob) unsaved = made_up_job (app, 0, C_TEXT);
    g_autoptr(SbGenerationJob) stored = made_up_job (app, G_MAXINT32, C_TEXT);
    SbSceneRow *row = get_row (app, C_TEXT);

    sb_generation_job_set_status (stored, SB_JOB_CANCELED);
    sb_video_section_track_job (app->section, unsaved);
    g_assert_true (sb_scene_row_get_video_job (row) == unsaved);
    sb_video_section_track_job (app->section, stored);
    g_assert_true (sb_scene_row_get_video_job (row) == unsaved);

    sb_generation_job_set_last_error (unsaved, "The job could not be saved: the disk is full");
    sb_generation_job_set_status (unsaved, SB_JOB_FAILED);
    sb_video_section_track_job (app->section, unsaved);
    sb_video_section_track_job (app->section, stored);
    g_assert_true (sb_scene_row_get_video_job (row) == stored);
    g_assert_cmpstr (video_text (app, C_TEXT), ==, "Video canceled");
    g_assert_false (sb_video_section_is_running (app->section));
  }
}

static void
model_changed_when_taken_out (GtkWidget  *picker,
                              GParamSpec *pspec,
                              gpointer    user_data)
{
  if (gtk_widget_get_parent (picker) == NULL)
    g_signal_emit_by_name (picker, "model-changed");
}

/* Written by the first test for the one after the restart. */
static gint64 stored_brief_id;

static void
test_scene_videos (void)
{
  const char *prompts[N_SCENES] = {
    "a harbour at dawn, boats rocking [fake:slow=8]",
    "a gull takes off from a post [fake:fail*1]",
    "waves breaking on the rocks",
    NULL,
  };
  App app = { 0 };
  gint64 image_ids[N_SCENES] = { 0 };
  gint64 video_ids[N_SCENES] = { 0 };
  gint64 retried_id = 0;
  gint64 again_id = 0;
  g_autoptr(GListModel) videos = NULL;

  start_app (&app);
  open_brief (&app, create_brief (app.library, "Harbour", N_SCENES, prompts));

  /* Two scenes get an image to start from; the others have none. */
  image_ids[SLOW_SCENE] = choose_image (&app, SLOW_SCENE, "red.png");
  image_ids[FAIL_SCENE] = choose_image (&app, FAIL_SCENE, "green.jpg");

  /* The models: picked from the two collections. */
  {
    SelectWait image = { sb_video_section_get_image_picker (app.section), IMAGE_MODEL };
    SelectWait text = { sb_video_section_get_text_picker (app.section), TEXT_MODEL };

    g_assert_nonnull (image.picker);
    g_assert_nonnull (text.picker);
    g_assert_cmpstr (sb_model_picker_get_slug (image.picker), ==, "image-to-video");
    g_assert_cmpstr (sb_model_picker_get_slug (text.picker), ==, "text-to-video");
    sb_ui_test_wait_for (model_selected, &image, "the image-to-video model");
    sb_ui_test_wait_for (model_selected, &text, "the text-to-video model");
  }
  sb_ui_test_wait_for (ready_to_make, &app, "the video models and the key");

  /* The image and the prompt are each scene's: the form says so. */
  {
    SbParamForm *form = sb_video_section_get_image_form (app.section);
    GtkWidget *image_row = sb_param_form_get_row (form, "image");
    GtkWidget *prompt_row = sb_param_form_get_row (form, "prompt");

    g_assert_nonnull (image_row);
    g_assert_false (gtk_widget_get_sensitive (image_row));
    g_assert_cmpstr (adw_action_row_get_subtitle (ADW_ACTION_ROW (image_row)), ==, "Filled from each scene's image");
    g_assert_nonnull (prompt_row);
    g_assert_false (gtk_widget_get_sensitive (prompt_row));
    g_assert_false (gtk_widget_get_sensitive (sb_param_form_get_row (sb_video_section_get_text_form (app.section), "prompt")));
  }

  /* Before: no video; the scene with neither image nor prompt cannot have one. */
  for (guint i = 0; i < N_SCENES; i++)
    g_assert_cmpstr (video_text (&app, i), ==, "No video yet");
  g_assert_false (gtk_widget_is_sensitive (sb_scene_row_get_video_button (get_row (&app, EMPTY_SCENE), "make")));
  g_assert_true (gtk_widget_is_sensitive (sb_scene_row_get_video_button (get_row (&app, TEXT_SCENE), "make")));

  /* Make Videos for All Scenes: one slow, one failing. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (app.section), "videos.make-all", NULL));
  sb_ui_test_wait_for (others_settled, &app, "the failed and the text-to-video scene");
  {
    SbSceneRow *slow = get_row (&app, SLOW_SCENE);
    TickWait tick = { &app, SLOW_SCENE, NULL };

    /* Still being made, with the time it has taken so far, ticking. */
    g_assert_true (is_making_text (sb_scene_row_get_video_state_text (slow)));
    g_assert_true (gtk_widget_get_visible (sb_scene_row_get_video_button (slow, "cancel")));
    g_assert_false (gtk_widget_get_visible (sb_scene_row_get_video_button (slow, "play")));
    g_assert_true (sb_video_section_is_running (app.section));
    g_assert_true (g_str_has_prefix (sb_video_section_get_status (app.section), "Making videos…"));
    tick.before = g_strdup (sb_scene_row_get_video_state_text (slow));
    sb_ui_test_wait_for (ticked, &tick, "the elapsed time to tick");
    g_free (tick.before);
  }

  /* The failed one: the provider's message and Retry on its card. */
  {
    SbSceneRow *row = get_row (&app, FAIL_SCENE);

    g_assert_true (gtk_widget_get_visible (sb_scene_row_get_video_button (row, "retry")));
    g_assert_false (gtk_widget_get_visible (sb_scene_row_get_video_button (row, "play")));
    g_assert_cmpint (sb_generation_job_get_status (sb_scene_row_get_video_job (row)), ==, SB_JOB_FAILED);
  }

  sb_ui_test_wait_for (batch_finished, &app, "the batch to finish");
  g_assert_cmpstr (sb_video_section_get_batch_message (app.section), ==, "2 videos ready, 1 failed");
  /* Its length comes once the video's row is read. */
  sb_ui_test_wait_for (slow_ready, &app, "the slow scene's video and its length");
  g_assert_cmpstr (video_text (&app, EMPTY_SCENE), ==, "No video yet");
  g_assert_null (sb_scene_row_get_video_job (get_row (&app, EMPTY_SCENE)));
  g_assert_cmpstr (sb_video_section_get_status (app.section), ==, "");

  /* Each job: its model, its stored input with the image marker. */
  for (guint i = 0; i < EMPTY_SCENE; i++)
    check_job (sb_scene_row_get_video_job (get_row (&app, i)), get_scene (&app, i), image_ids[i]);
  {
    SbUiTestWait wait = { 0 };
    g_autoptr(GListModel) jobs = NULL;
    guint n_video = 0;

    sb_library_list_jobs_for_revision_async (app.library,
                                             sb_brief_revision_get_id (sb_brief_editor_get_revision (app.editor)),
                                             NULL, jobs_listed_cb, &wait);
    sb_ui_test_wait_for (sb_ui_test_wait_done, &wait, "the revision's stored jobs");
    g_assert_no_error (wait.error);
    jobs = wait.result;
    for (guint i = 0; i < g_list_model_get_n_items (jobs); i++)
      {
        g_autoptr(SbGenerationJob) job = g_list_model_get_item (jobs, i);

        for (guint s = 0; s < EMPTY_SCENE; s++)
          if (sb_generation_job_get_scene_id (job) == sb_scene_get_id (get_scene (&app, s)))
            {
              check_job (job, get_scene (&app, s), image_ids[s]);
              n_video++;
            }
      }
    g_assert_cmpuint (n_video, ==, 3);
  }

  /* Ready ones: Play opens the video by its media id. */
  for (guint i = 0; i < EMPTY_SCENE; i++)
    {
      SbSceneRow *row = get_row (&app, i);
      GtkWidget *play = sb_scene_row_get_video_button (row, "play");
      GVariant *target;

      if (i == FAIL_SCENE)
        continue;
      video_ids[i] = sb_generation_job_get_media_id (sb_scene_row_get_video_job (row));
      g_assert_cmpint (video_ids[i], >, 0);
      g_assert_true (gtk_widget_get_visible (play));
      g_assert_cmpstr (gtk_actionable_get_action_name (GTK_ACTIONABLE (play)), ==, "win.play-video");
      target = gtk_actionable_get_action_target_value (GTK_ACTIONABLE (play));
      g_assert_nonnull (target);
      g_assert_cmpint (g_variant_get_int64 (target), ==, video_ids[i]);
    }

  /* In the library as videos, with their source image and links. */
  videos = list_brief_videos (app.library, current_brief_id);
  g_assert_cmpuint (g_list_model_get_n_items (videos), ==, 2);
  for (guint i = 0; i < 2; i++)
    {
      g_autoptr(SbMediaItem) item = g_list_model_get_item (videos, i);
      gboolean known = FALSE;

      g_assert_cmpint (sb_media_item_get_kind (item), ==, SB_MEDIA_KIND_VIDEO);
      g_assert_cmpint (sb_media_item_get_brief_id (item), ==, current_brief_id);
      g_assert_cmpint (sb_media_item_get_revision_id (item), ==,
                       sb_brief_revision_get_id (sb_brief_editor_get_revision (app.editor)));
      g_assert_cmpfloat (sb_media_item_get_duration (item), >, 0.0);
      for (guint s = 0; s < EMPTY_SCENE; s++)
        if (sb_media_item_get_id (item) == video_ids[s])
          {
            int total = MAX (1, (int) (sb_media_item_get_duration (item) + 0.5));
            g_autofree char *text = g_strdup_printf ("Video ready · %d:%02d", total / 60, total % 60);

            /* The card says how long it is. */
            g_assert_cmpstr (video_text (&app, s), ==, text);
            known = TRUE;
            g_assert_cmpint (sb_media_item_get_scene_id (item), ==, sb_scene_get_id (get_scene (&app, s)));
            g_assert_cmpint (sb_media_item_get_source_media_id (item), ==, image_ids[s]);
          }
      g_assert_true (known);
    }
  g_clear_object (&videos);

  /* The videos did not touch the scenes' image states. */
  for (guint i = 0; i < N_SCENES; i++)
    {
      SbSceneRow *row = get_row (&app, i);

      g_assert_null (sb_scene_row_get_job (row));
      g_assert_cmpstr (sb_scene_row_get_state_text (row), ==, image_ids[i] != 0 ? "" : "No image yet");
      g_assert_cmpint (sb_scene_get_chosen_media_id (get_scene (&app, i)), ==, image_ids[i]);
    }

  /* Retry: the same request again, and this time it works. */
  {
    SbSceneRow *row = get_row (&app, FAIL_SCENE);
    NewJobWait retry = { &app, FAIL_SCENE, g_object_ref (sb_scene_row_get_video_job (row)) };

    g_assert_true (gtk_widget_activate_action (GTK_WIDGET (row), "scene.retry-video", NULL));
    sb_ui_test_wait_for (new_video_ready, &retry, "the retried video");
    g_assert_cmpint (sb_generation_job_get_id (sb_scene_row_get_video_job (row)), >,
                     sb_generation_job_get_id (retry.old_job));
    g_assert_true (sb_generation_job_get_dismissed (retry.old_job));
    check_job (sb_scene_row_get_video_job (row), get_scene (&app, FAIL_SCENE), image_ids[FAIL_SCENE]);
    retried_id = sb_generation_job_get_media_id (sb_scene_row_get_video_job (row));
    g_assert_false (gtk_widget_get_visible (sb_scene_row_get_video_button (row, "retry")));
    g_assert_true (gtk_widget_get_visible (sb_scene_row_get_video_button (row, "play")));
    g_object_unref (retry.old_job);
  }

  /* A scene's own Make Video. */
  {
    SbSceneRow *row = get_row (&app, TEXT_SCENE);
    NewJobWait again = { &app, TEXT_SCENE, g_object_ref (sb_scene_row_get_video_job (row)) };

    g_assert_true (gtk_widget_activate_action (GTK_WIDGET (row), "scene.make-video", NULL));
    sb_ui_test_wait_for (new_video_ready, &again, "the scene's new video");
    check_job (sb_scene_row_get_video_job (row), get_scene (&app, TEXT_SCENE), 0);
    again_id = sb_generation_job_get_media_id (sb_scene_row_get_video_job (row));
    g_assert_cmpint (again_id, !=, video_ids[TEXT_SCENE]);
    g_object_unref (again.old_job);
  }

  /* Opening another brief and this one again shows each scene's video. */
  {
    const char *other_prompts[N_SCENES] = { "a lighthouse", "a boat", "a pier", "a beach" };
    gint64 brief_id = current_brief_id;

    open_brief (&app, create_brief (app.library, "Elsewhere", N_SCENES, other_prompts));
    for (guint i = 0; i < N_SCENES; i++)
      g_assert_cmpstr (video_text (&app, i), ==, "No video yet");
    open_brief (&app, brief_id);
    sb_ui_test_wait_for (all_ready, &app, "each scene's video state after reopening");
    for (guint i = 0; i < N_SCENES; i++)
      g_assert_null (sb_scene_row_get_job (get_row (&app, i)));
  }

  /* Cancel stops the videos being made. */
  set_prompt (&app, SLOW_SCENE, "a harbour at dawn, boats rocking [fake:slow=60]");
  set_prompt (&app, FAIL_SCENE, "a gull takes off from a post [fake:slow=60]");
  set_prompt (&app, TEXT_SCENE, "waves breaking on the rocks [fake:slow=60]");
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (app.section), "videos.make-all", NULL));
  sb_ui_test_wait_for (all_making, &app, "the three videos to be under way");
  g_assert_true (gtk_widget_get_visible (sb_scene_row_get_video_button (get_row (&app, TEXT_SCENE), "cancel")));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (app.section), "videos.cancel", NULL));
  sb_ui_test_wait_for (all_canceled, &app, "the canceled videos");
  sb_ui_test_wait_for (batch_finished, &app, "the canceled batch to end");
  g_assert_cmpstr (sb_video_section_get_batch_message (app.section), ==, "The videos were canceled");
  for (guint i = 0; i < EMPTY_SCENE; i++)
    {
      SbSceneRow *row = get_row (&app, i);

      g_assert_cmpint (sb_generation_job_get_status (sb_scene_row_get_video_job (row)), ==, SB_JOB_CANCELED);
      g_assert_true (gtk_widget_get_visible (sb_scene_row_get_video_button (row, "retry")));
    }

  /* The canceled videos made nothing: the batch's two, the retried one and
   * the scene's own. */
  videos = list_brief_videos (app.library, current_brief_id);
  g_assert_cmpuint (g_list_model_get_n_items (videos), ==, 4);
  for (guint i = 0; i < 4; i++)
    {
      g_autoptr(SbMediaItem) item = g_list_model_get_item (videos, i);
      gint64 id = sb_media_item_get_id (item);
      guint scene = id == retried_id ? FAIL_SCENE
                    : id == video_ids[SLOW_SCENE] ? SLOW_SCENE
                    : (id == video_ids[TEXT_SCENE] || id == again_id) ? TEXT_SCENE
                    : N_SCENES;

      g_assert_cmpuint (scene, <, N_SCENES);
      g_assert_cmpint (sb_media_item_get_scene_id (item), ==, sb_scene_get_id (get_scene (&app, scene)));
      g_assert_cmpint (sb_media_item_get_source_media_id (item), ==, image_ids[scene]);
    }

  stored_brief_id = current_brief_id;

  check_more (&app);

  /* While the section is taken down, what its model pickers say (here:
   * pickers held elsewhere, changing their model as they are taken out)
   * reaches nothing of it. */
  {
    g_autoptr(SbModelPicker) image_picker = g_object_ref (sb_video_section_get_image_picker (app.section));
    g_autoptr(SbModelPicker) text_picker = g_object_ref (sb_video_section_get_text_picker (app.section));

    g_signal_connect (image_picker, "notify::parent", G_CALLBACK (model_changed_when_taken_out), NULL);
    g_signal_connect (text_picker, "notify::parent", G_CALLBACK (model_changed_when_taken_out), NULL);
    stop_app (&app);
    g_assert_null (gtk_widget_get_parent (GTK_WIDGET (image_picker)));
    g_assert_null (gtk_widget_get_parent (GTK_WIDGET (text_picker)));
    g_signal_handlers_disconnect_by_func (image_picker, model_changed_when_taken_out, NULL);
    g_signal_handlers_disconnect_by_func (text_picker, model_changed_when_taken_out, NULL);
  }
}

/* The next start of the app (this test again, in a new process): each
 * scene's latest video state comes back from the stored jobs. */
static void
test_restore_after_restart (void)
{
  g_autofree char *id = NULL;

  if (g_test_subprocess ())
    {
      App app = { 0 };
      const char *brief_id = g_getenv ("SB_TEST_SCENE_VIDEOS_BRIEF");

      g_assert_nonnull (brief_id);
      start_app (&app);
      open_brief (&app, g_ascii_strtoll (brief_id, NULL, 10));
      sb_ui_test_wait_for (all_canceled, &app, "each scene's video state after the restart");
      for (guint i = 0; i < N_SCENES; i++)
        g_assert_null (sb_scene_row_get_job (get_row (&app, i)));
      stop_app (&app);
      return;
    }

  if (stored_brief_id == 0)
    {
      g_test_skip ("The videos were not made");
      return;
    }

  id = g_strdup_printf ("%" G_GINT64_FORMAT, stored_brief_id);
  g_setenv ("SB_TEST_SCENE_VIDEOS_BRIEF", id, TRUE);
  g_test_trap_subprocess (NULL, 180 * G_USEC_PER_SEC,
                          G_TEST_SUBPROCESS_INHERIT_STDERR);
  g_test_trap_assert_passed ();
}

int
main (int   argc,
      char *argv[])
{
  /* Set by the parent for the restarted app. */
  const char *inherited = g_getenv ("SB_TEST_SCENE_VIDEOS_HOME");
  g_autofree char *home = inherited != NULL ? g_strdup (inherited) : g_dir_make_tmp ("sb-scene-videos-test-XXXXXX", NULL);
  int status;

  /* The app after the restart (a subprocess) uses the same library. */
  g_setenv ("SB_TEST_SCENE_VIDEOS_HOME", home, TRUE);
  sb_ui_test_use_home (home);
  g_setenv ("GIO_USE_PROXY_RESOLVER", "dummy", TRUE);
  /* The accessible names are read back: GTK's in-process test backend
   * keeps them (no accessibility bus is involved). */
  g_setenv ("GTK_A11Y", "test", TRUE);

  g_test_init (&argc, &argv, NULL);
  gtk_init ();
  adw_init ();
  sb_ui_test_set_wait_timeout (90);
  sb_ui_test_claim_notifications ();

  g_test_add_func ("/sb/ui/scene-videos/batch", test_scene_videos);
  g_test_add_func ("/sb/ui/scene-videos/restore-after-restart", test_restore_after_restart);

  /* The restarted app: the fake, its address and the library are the
   * parent's. */
  if (g_test_subprocess ())
    return g_test_run ();

  fake_path = sb_ui_test_fake_providers_path (argc, argv);
  if (fake_path == NULL)
    return 1;
  fake = sb_ui_test_start_fake (fake_path, G_SUBPROCESS_FLAGS_STDIN_PIPE, &fake_url,
                                "--prediction-seconds", "1", "--video-seconds", "1",
                                "--exit-on-stdin-eof", NULL);
  sb_ui_test_use_fake_replicate (fake_url);

  status = g_test_run ();

  g_subprocess_force_exit (fake);
  g_clear_object (&fake);
  g_free (fake_url);

  sb_ui_test_remove_home (home);

  return status;
}
