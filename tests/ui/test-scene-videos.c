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
 */

#include "config.h"

#include <adwaita.h>
#include <stdlib.h>
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

typedef gboolean (*Condition) (gpointer data);

static char *(*debug_state) (void);

static void
wait_for (Condition   condition,
          gpointer    data,
          const char *what)
{
  gint64 deadline = g_get_monotonic_time () + 90 * G_USEC_PER_SEC;

  while (!condition (data))
    {
      if (g_get_monotonic_time () > deadline)
        {
          g_autofree char *state = debug_state != NULL ? debug_state () : NULL;

          g_error ("Timed out waiting for %s%s", what, state != NULL ? state : "");
        }
      g_main_context_iteration (NULL, FALSE);
      g_usleep (1000);
    }
}

static void
iterate_a_while (void)
{
  for (guint i = 0; i < 50; i++)
    {
      while (g_main_context_iteration (NULL, FALSE))
        ;
      g_usleep (2000);
    }
}

typedef struct
{
  gboolean  done;
  gpointer  result;
  GError   *error;
} Wait;

static gboolean
done (gpointer data)
{
  return ((Wait *) data)->done;
}

static void
created_cb (GObject *object, GAsyncResult *result, gpointer user_data)
{
  Wait *wait = user_data;

  sb_library_create_brief_finish (SB_LIBRARY (object), result, &wait->error);
  wait->done = TRUE;
}

static void
media_added_cb (GObject *object, GAsyncResult *result, gpointer user_data)
{
  Wait *wait = user_data;

  wait->result = sb_library_add_media_finish (SB_LIBRARY (object), result, NULL, &wait->error);
  wait->done = TRUE;
}

static void
media_listed_cb (GObject *object, GAsyncResult *result, gpointer user_data)
{
  Wait *wait = user_data;

  wait->result = sb_library_list_media_filtered_finish (SB_LIBRARY (object), result, &wait->error);
  wait->done = TRUE;
}

static void
jobs_listed_cb (GObject *object, GAsyncResult *result, gpointer user_data)
{
  Wait *wait = user_data;

  wait->result = sb_library_list_jobs_for_revision_finish (SB_LIBRARY (object), result, &wait->error);
  wait->done = TRUE;
}

static gboolean
library_ready (gpointer data)
{
  return sb_application_get_library (data) != NULL ||
         sb_application_get_library_error (data) != NULL;
}

static GtkWidget *
find_descendant (GtkWidget *widget,
                 GType      type)
{
  if (G_TYPE_CHECK_INSTANCE_TYPE (widget, type))
    return widget;

  for (GtkWidget *child = gtk_widget_get_first_child (widget);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_descendant (child, type);

      if (found != NULL)
        return found;
    }

  return NULL;
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
  wait_for (library_ready, app->app, "the app's library");
  app->library = sb_application_get_library (app->app);
  g_assert_nonnull (app->library);
  g_application_activate (G_APPLICATION (app->app));
  app->window = SB_WINDOW (gtk_application_get_active_window (GTK_APPLICATION (app->app)));
  gtk_window_set_default_size (GTK_WINDOW (app->window), 1500, 4000);
  sb_window_set_page (app->window, "brief");
  page = SB_BRIEF_PAGE (find_descendant (GTK_WIDGET (app->window), SB_TYPE_BRIEF_PAGE));
  g_assert_nonnull (page);
  app->editor = sb_brief_page_get_editor (page);
  app->section = sb_brief_editor_get_video_section (app->editor);
  g_assert_nonnull (app->section);

  current = app;
  debug_state = describe_editor;
}

static void
stop_app (App *app)
{
  current = NULL;
  debug_state = NULL;
  gtk_window_destroy (GTK_WINDOW (app->window));
  iterate_a_while ();
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
  wait_for (brief_open, app, "the brief in the editor");
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
typedef struct
{
  SbScene *scene;
  gint64   media_id;
} ChosenWait;

static gboolean
chosen (gpointer data)
{
  ChosenWait *wait = data;

  return sb_scene_get_chosen_media_id (wait->scene) == wait->media_id;
}

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
  Wait wait = { 0 };
  ChosenWait choice = { scene, 0 };

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
  wait_for (done, &wait, "the scene's image to be stored");
  g_assert_no_error (wait.error);
  added = wait.result;

  choice.media_id = sb_media_item_get_id (added);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (app->editor), "editor.choose-media", "(xx)",
                                             sb_scene_get_id (scene), choice.media_id));
  wait_for (chosen, &choice, "the scene's chosen image");

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
  Wait wait = { 0 };

  sb_library_list_media_filtered_async (library, &filter, NULL, media_listed_cb, &wait);
  wait_for (done, &wait, "the brief's videos");
  g_assert_no_error (wait.error);
  wait_for (list_loaded, wait.result, "the videos' rows");
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
  Wait wait = { 0 };

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
  sb_library_create_brief_async (library, brief, revision, NULL, created_cb, &wait);
  wait_for (done, &wait, "the brief to be stored");
  g_assert_no_error (wait.error);
  g_assert_cmpint (sb_brief_get_id (brief), >, 0);

  return sb_brief_get_id (brief);
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
    wait_for (model_selected, &image, "the image-to-video model");
    wait_for (model_selected, &text, "the text-to-video model");
  }
  wait_for (ready_to_make, &app, "the video models and the key");

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
  wait_for (others_settled, &app, "the failed and the text-to-video scene");
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
    wait_for (ticked, &tick, "the elapsed time to tick");
    g_free (tick.before);
  }

  /* The failed one: the provider's message and Retry on its card. */
  {
    SbSceneRow *row = get_row (&app, FAIL_SCENE);

    g_assert_true (gtk_widget_get_visible (sb_scene_row_get_video_button (row, "retry")));
    g_assert_false (gtk_widget_get_visible (sb_scene_row_get_video_button (row, "play")));
    g_assert_cmpint (sb_generation_job_get_status (sb_scene_row_get_video_job (row)), ==, SB_JOB_FAILED);
  }

  wait_for (batch_finished, &app, "the batch to finish");
  g_assert_cmpstr (sb_video_section_get_batch_message (app.section), ==, "2 videos ready, 1 failed");
  /* Its length comes once the video's row is read. */
  wait_for (slow_ready, &app, "the slow scene's video and its length");
  g_assert_cmpstr (video_text (&app, EMPTY_SCENE), ==, "No video yet");
  g_assert_null (sb_scene_row_get_video_job (get_row (&app, EMPTY_SCENE)));
  g_assert_cmpstr (sb_video_section_get_status (app.section), ==, "");

  /* Each job: its model, its stored input with the image marker. */
  for (guint i = 0; i < EMPTY_SCENE; i++)
    check_job (sb_scene_row_get_video_job (get_row (&app, i)), get_scene (&app, i), image_ids[i]);
  {
    Wait wait = { 0 };
    g_autoptr(GListModel) jobs = NULL;
    guint n_video = 0;

    sb_library_list_jobs_for_revision_async (app.library,
                                             sb_brief_revision_get_id (sb_brief_editor_get_revision (app.editor)),
                                             NULL, jobs_listed_cb, &wait);
    wait_for (done, &wait, "the revision's stored jobs");
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
    wait_for (new_video_ready, &retry, "the retried video");
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
    wait_for (new_video_ready, &again, "the scene's new video");
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
    wait_for (all_ready, &app, "each scene's video state after reopening");
    for (guint i = 0; i < N_SCENES; i++)
      g_assert_null (sb_scene_row_get_job (get_row (&app, i)));
  }

  /* Cancel stops the videos being made. */
  set_prompt (&app, SLOW_SCENE, "a harbour at dawn, boats rocking [fake:slow=60]");
  set_prompt (&app, FAIL_SCENE, "a gull takes off from a post [fake:slow=60]");
  set_prompt (&app, TEXT_SCENE, "waves breaking on the rocks [fake:slow=60]");
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (app.section), "videos.make-all", NULL));
  wait_for (all_making, &app, "the three videos to be under way");
  g_assert_true (gtk_widget_get_visible (sb_scene_row_get_video_button (get_row (&app, TEXT_SCENE), "cancel")));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (app.section), "videos.cancel", NULL));
  wait_for (all_canceled, &app, "the canceled videos");
  wait_for (batch_finished, &app, "the canceled batch to end");
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
  stop_app (&app);
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
      wait_for (all_canceled, &app, "each scene's video state after the restart");
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

static void
start_fake (void)
{
  g_autoptr(GDataInputStream) out = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *line = NULL;

  fake = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDIN_PIPE, &error,
                           fake_path, "--prediction-seconds", "1", "--video-seconds", "1",
                           "--exit-on-stdin-eof", NULL);
  g_assert_no_error (error);
  out = g_data_input_stream_new (g_subprocess_get_stdout_pipe (fake));
  line = g_data_input_stream_read_line_utf8 (out, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (g_str_has_prefix (line, "listening on "));
  fake_url = g_strconcat (line + strlen ("listening on "), "/v1", NULL);
}

int
main (int   argc,
      char *argv[])
{
  /* Set by the parent for the restarted app. */
  const char *inherited = g_getenv ("SB_TEST_SCENE_VIDEOS_HOME");
  g_autofree char *home = inherited != NULL ? g_strdup (inherited) : g_dir_make_tmp ("sb-scene-videos-test-XXXXXX", NULL);
  g_autofree char *data = g_build_filename (home, "data", NULL);
  g_autofree char *cache = g_build_filename (home, "cache", NULL);
  g_autofree char *config = g_build_filename (home, "config", NULL);
  int status;

  /* The app after the restart (a subprocess) uses the same library. */
  g_setenv ("SB_TEST_SCENE_VIDEOS_HOME", home, TRUE);
  g_setenv ("XDG_DATA_HOME", data, TRUE);
  g_setenv ("XDG_CACHE_HOME", cache, TRUE);
  g_setenv ("XDG_CONFIG_HOME", config, TRUE);
  g_setenv ("GIO_USE_PROXY_RESOLVER", "dummy", TRUE);

  g_test_init (&argc, &argv, NULL);
  gtk_init ();
  adw_init ();
  sb_ui_test_claim_notifications ();

  g_test_add_func ("/sb/ui/scene-videos/batch", test_scene_videos);
  g_test_add_func ("/sb/ui/scene-videos/restore-after-restart", test_restore_after_restart);

  /* The restarted app: the fake, its address and the library are the
   * parent's. */
  if (g_test_subprocess ())
    return g_test_run ();

  if (argc < 2)
    {
      g_printerr ("usage: %s PATH-TO-sb-fake-providers\n", argv[0]);
      return 1;
    }
  fake_path = argv[1];
  start_fake ();
  g_setenv ("STORYBOARD_REPLICATE_BASE_URL", fake_url, TRUE);
  g_setenv ("REPLICATE_API_TOKEN", "test-token", TRUE);
  g_setenv ("STORYBOARD_BACKOFF_SCALE", "0.05", TRUE);

  status = g_test_run ();

  g_subprocess_force_exit (fake);
  g_clear_object (&fake);
  g_free (fake_url);

  if (!g_test_failed ())
    {
      g_autofree char *rm = g_strdup_printf ("rm -rf '%s'", home);

      if (system (rm) != 0)
        g_printerr ("could not remove %s\n", home);
    }

  return status;
}
