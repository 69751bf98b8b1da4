/* sb-video-section.c
 *
 * Copyright 2026 The Storyboard authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "sb-brief"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "sb-library-jobs.h"
#include "sb-network.h"
#include "sb-provider-config.h"
#include "sb-video-section.h"

/* One of the two models: its picker, its form, and why it cannot be used. */
typedef struct
{
  SbModelPicker *picker;       /* borrowed: a child */
  SbParamForm   *form;         /* borrowed: a child, NULL when unusable */
  AdwBin        *form_bin;     /* borrowed: a template child */
  char          *problem;      /* why the selected model cannot be used, or NULL */
  char          *image_input;  /* image-to-video: the input the scene's image goes to */
  gboolean       image_is_array;
  gboolean       has_prompt;
  gboolean       prompt_required;  /* the model cannot do without a prompt */
} Model;

struct _SbVideoSection
{
  GtkWidget          parent_instance;

  /* Template widgets */
  GtkWidget         *box;
  AdwBin            *image_picker_bin;
  AdwBin            *image_form_bin;
  AdwBin            *text_picker_bin;
  AdwBin            *text_form_bin;
  GtkWidget         *cancel_button;
  GtkLabel          *status_label;
  GtkWidget         *preferences_button;

  /* Owned */
  SbLibrary         *library;
  SbGenerationQueue *queue;
  SbBriefRevision   *revision;
  GCancellable      *cancellable;
  GHashTable        *jobs;        /* scene id (gint64*) -> its latest video SbGenerationJob */
  GHashTable        *durations;   /* media id (gint64*) -> length in seconds (double*) */
  GHashTable        *batches;     /* batch ids started here for the revision, until they finish */
  GHashTable        *adopted;     /* batch ids of the revision's unfinished jobs started elsewhere
                                   * (before a restart, before the revision was shown again) */
  GHashTable        *requested;   /* scene ids (gint64*; 0: every scene) asked for, not submitted yet */
  GHashTable        *submitted;   /* scene id (gint64*) -> batch id, until its job is tracked */
  GHashTable        *retrying;    /* scene id (gint64*) -> the job its Retry replaces */
  char              *batch_message;
  Model              image;
  Model              text;
  gboolean           has_key;
  gboolean           key_checked;
};

G_DEFINE_FINAL_TYPE (SbVideoSection, sb_video_section, GTK_TYPE_WIDGET)

enum {
  MAKE_VIDEOS,
  SCENE_CHANGED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static gint64 *
int64_key (gint64 id)
{
  return g_memdup2 (&id, sizeof id);
}

static GListModel *
get_scenes (SbVideoSection *self)
{
  return self->revision != NULL ? G_LIST_MODEL (sb_brief_revision_get_scenes (self->revision)) : NULL;
}

static gboolean
text_is_blank (const char *text)
{
  if (text == NULL)
    return TRUE;
  while (g_ascii_isspace (*text))
    text++;
  return *text == '\0';
}

static gboolean
scene_has_prompt (SbScene *scene)
{
  return !text_is_blank (sb_scene_get_generation_prompt (scene));
}

/* What the video model is asked to show: the scene's prompt, else what the
 * scene is about. */
static const char *
scene_video_prompt (SbScene *scene)
{
  if (!text_is_blank (sb_scene_get_generation_prompt (scene)))
    return sb_scene_get_generation_prompt (scene);
  if (!text_is_blank (sb_scene_get_description (scene)))
    return sb_scene_get_description (scene);
  if (!text_is_blank (sb_scene_get_title (scene)))
    return sb_scene_get_title (scene);
  return NULL;
}

static gboolean
is_online (void)
{
  return sb_network_can_use_provider (sb_provider_config_get_default (), SB_PROVIDER_REPLICATE);
}

/* Nothing general stands in the way: the library, the network, the key. */
static gboolean
is_ready (SbVideoSection *self)
{
  return self->queue != NULL && self->revision != NULL && self->has_key && is_online ();
}

static gboolean
model_usable (Model *model)
{
  return model->picker != NULL && model->form != NULL && model->problem == NULL &&
         sb_model_picker_get_selected_model (model->picker) != NULL;
}

static gboolean
job_is_unfinished (SbGenerationJob *job)
{
  return job != NULL && !sb_job_status_is_terminal (sb_generation_job_get_status (job));
}

/* A video of the scene is asked for, submitted or being made: another one
 * now would be paid for twice. */
static gboolean
scene_is_busy (SbVideoSection *self,
               gint64          scene_id)
{
  gint64 every_scene = 0;

  return g_hash_table_contains (self->requested, &every_scene) ||
         g_hash_table_contains (self->requested, &scene_id) ||
         g_hash_table_contains (self->submitted, &scene_id) ||
         job_is_unfinished (g_hash_table_lookup (self->jobs, &scene_id));
}

/* Videos of the revision are on their way: started here, submitted, or
 * unfinished jobs from before (a restart, the revision shown earlier). */
static gboolean
is_running (SbVideoSection *self)
{
  GHashTableIter iter;
  SbGenerationJob *job;

  if (g_hash_table_size (self->batches) > 0 || g_hash_table_size (self->submitted) > 0)
    return TRUE;

  g_hash_table_iter_init (&iter, self->jobs);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &job))
    if (job_is_unfinished (job))
      return TRUE;

  return FALSE;
}

/* The model that makes the scene's video: with its image the
 * image-to-video one, else from its prompt the text-to-video one.  NULL
 * when the scene has neither, or (with @out_problem saying so) lacks what
 * the model needs. */
static Model *
scene_model (SbVideoSection *self,
             SbScene        *scene,
             const char    **out_problem)
{
  *out_problem = NULL;

  if (sb_scene_get_chosen_media_id (scene) != 0)
    {
      if (self->image.prompt_required && scene_video_prompt (scene) == NULL)
        {
          *out_problem = _("Write a prompt for the scene first");
          return NULL;
        }
      return &self->image;
    }

  if (scene_has_prompt (scene))
    return &self->text;

  return NULL;
}

static SbScene *
find_scene (SbVideoSection *self,
            gint64          scene_id)
{
  GListModel *scenes = get_scenes (self);
  guint n = scenes != NULL ? g_list_model_get_n_items (scenes) : 0;

  for (guint i = 0; i < n && scene_id != 0; i++)
    {
      g_autoptr(SbScene) scene = g_list_model_get_item (scenes, i);

      if (sb_scene_get_id (scene) == scene_id)
        return scene;  /* held by the revision */
    }

  return NULL;
}

static void
count_scenes (SbVideoSection *self,
              guint          *out_with_image,
              guint          *out_need_prompt,
              guint          *out_prompt_only)
{
  GListModel *scenes = get_scenes (self);
  guint n = scenes != NULL ? g_list_model_get_n_items (scenes) : 0;

  *out_with_image = 0;
  *out_need_prompt = 0;
  *out_prompt_only = 0;
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(SbScene) scene = g_list_model_get_item (scenes, i);
      const char *problem;

      if (sb_scene_get_chosen_media_id (scene) != 0)
        {
          (*out_with_image)++;
          if (scene_model (self, scene, &problem) == NULL)
            (*out_need_prompt)++;
        }
      else if (scene_has_prompt (scene))
        (*out_prompt_only)++;
    }
}

static const char *
model_reason (Model      *model,
              const char *none)
{
  if (model->picker == NULL || sb_model_picker_get_selected_model (model->picker) == NULL)
    return none;
  if (model->problem != NULL)
    return model->problem;
  if (model->form == NULL)
    return _("This model cannot be used here. Choose another model.");
  return NULL;
}

static void
update (SbVideoSection *self)
{
  gboolean running = is_running (self);
  gboolean asked = g_hash_table_size (self->requested) > 0;
  g_autofree char *progress = NULL;
  const char *status = NULL;
  guint with_image = 0, need_prompt = 0, prompt_only = 0;

  /* Counted while anything runs, so that the jobs that end stay counted. */
  if (!running)
    g_hash_table_remove_all (self->adopted);

  count_scenes (self, &with_image, &need_prompt, &prompt_only);

  if (self->queue == NULL)
    status = _("Videos can be made once the library is open.");
  else if (!is_online ())
    status = _("You are offline. Connect to a network to make videos.");
  else if (self->key_checked && !self->has_key)
    status = _("Add a Replicate API key in Preferences to make videos.");
  else if (running)
    {
      GHashTableIter iter;
      SbGenerationJob *job;
      guint total = 0, done = 0;

      g_hash_table_iter_init (&iter, self->jobs);
      while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &job))
        {
          const char *batch_id = sb_generation_job_get_batch_id (job);

          if (job_is_unfinished (job) ||
              (batch_id != NULL && (g_hash_table_contains (self->batches, batch_id) ||
                                    g_hash_table_contains (self->adopted, batch_id))))
            {
              total++;
              done += !job_is_unfinished (job);
            }
        }
      /* Submitted, not stored yet. */
      total += g_hash_table_size (self->submitted);
      /* Translators: the first %u videos of the batch's %u are done */
      progress = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "Making videos… %u of %u done",
                                               "Making videos… %u of %u done", total),
                                  done, total);
      status = progress;
    }
  else if (self->revision == NULL || !self->key_checked)
    status = "";
  else if (with_image == 0 && prompt_only == 0)
    status = _("Choose an image or write a prompt for a scene to make its video.");
  else if (with_image > 0 && !model_usable (&self->image))
    status = model_reason (&self->image, _("Choose an image-to-video model to make videos."));
  else if (prompt_only > 0 && !model_usable (&self->text))
    status = model_reason (&self->text, _("Choose a text-to-video model for the scenes without an image."));
  else if (prompt_only == 0 && need_prompt == with_image)
    status = g_dngettext (GETTEXT_PACKAGE, "Write a prompt for the scene with an image to make its video.",
                          "Write prompts for the scenes with an image to make their videos.", need_prompt);

  gtk_label_set_label (self->status_label, status != NULL ? status : "");

  /* Not again until the request is submitted (or fails): that would pay
   * for every video twice. */
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "videos.make-all",
                                 is_ready (self) && !running && !asked && status == NULL);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "videos.cancel", running);
  gtk_widget_set_visible (self->cancel_button, running);
  gtk_widget_set_visible (self->preferences_button,
                          self->queue != NULL && self->key_checked && !self->has_key);
}

/* Tells the editor what changed: a scene's video (or, with 0, what can be
 * made for every scene). */
static void
scene_changed (SbVideoSection *self,
               gint64          scene_id)
{
  g_signal_emit (self, signals[SCENE_CHANGED], 0, scene_id);
}

static void
refresh (SbVideoSection *self)
{
  update (self);
  scene_changed (self, 0);
}

/* Models */

static void
model_clear (Model *model)
{
  g_clear_pointer (&model->problem, g_free);
  g_clear_pointer (&model->image_input, g_free);
  model->image_is_array = FALSE;
  model->has_prompt = FALSE;
  model->prompt_required = FALSE;
  model->form = NULL;
  adw_bin_set_child (model->form_bin, NULL);
}

/* Builds the form of the selected model: the prompt (and for
 * image-to-video, the image) come from each scene; other files cannot be
 * given here. */
static void
model_rebuild (Model      *model,
               const char *title,
               gboolean    image_to_video)
{
  SbReplicateModel *selected = model->picker != NULL ? sb_model_picker_get_selected_model (model->picker) : NULL;
  g_autoptr(GPtrArray) params = NULL;
  g_autoptr(GError) error = NULL;
  SbModelParam *image_input = NULL;

  model_clear (model);
  if (selected == NULL)
    return;

  params = sb_replicate_model_parse_params (selected, &error);
  if (params == NULL)
    {
      g_debug ("No form for the video model: %s", error != NULL ? error->message : "no inputs");
      return;
    }

  if (image_to_video)
    {
      image_input = sb_model_schema_find_image_input (params);
      if (image_input == NULL)
        {
          model->problem = g_strdup (_("This model does not start from an image. Choose another image-to-video model."));
          return;
        }
      model->image_input = g_strdup (image_input->name);
      model->image_is_array = image_input->type == SB_MODEL_PARAM_ARRAY;
    }

  for (guint i = 0; i < params->len; i++)
    {
      SbModelParam *param = g_ptr_array_index (params, i);
      gboolean is_file = param->type == SB_MODEL_PARAM_FILE ||
                         (param->type == SB_MODEL_PARAM_ARRAY && param->item_type == SB_MODEL_PARAM_FILE);

      if (g_str_equal (param->name, "prompt"))
        {
          model->has_prompt = TRUE;
          model->prompt_required = param->required && param->default_value == NULL;
        }
      else if (is_file && param != image_input && param->required && param->default_value == NULL)
        {
          model->problem = g_strdup (_("This model needs files that scene videos cannot fill in. Choose another model."));
          return;
        }
    }

  model->form = SB_PARAM_FORM (sb_param_form_new (params));
  adw_preferences_group_set_title (ADW_PREFERENCES_GROUP (model->form), title);
  if (model->has_prompt)
    sb_param_form_set_provided (model->form, "prompt", _("Filled from each scene"));
  if (image_input != NULL)
    sb_param_form_set_provided (model->form, image_input->name, _("Filled from each scene's image"));

  for (guint i = 0; i < params->len; i++)
    {
      SbModelParam *param = g_ptr_array_index (params, i);
      GtkWidget *row = sb_param_form_get_row (model->form, param->name);
      gboolean is_file = param->type == SB_MODEL_PARAM_FILE ||
                         (param->type == SB_MODEL_PARAM_ARRAY && param->item_type == SB_MODEL_PARAM_FILE);

      /* Only the scene's own image is sent. */
      if (is_file && param != image_input && row != NULL)
        {
          gtk_widget_set_sensitive (row, FALSE);
          gtk_widget_set_tooltip_text (row, _("Not used for scene videos"));
        }
    }

  adw_bin_set_child (model->form_bin, GTK_WIDGET (model->form));
}

static void
on_image_model_changed (SbVideoSection *self)
{
  model_rebuild (&self->image, _("Image to Video Settings"), TRUE);
  refresh (self);
}

static void
on_text_model_changed (SbVideoSection *self)
{
  model_rebuild (&self->text, _("Text to Video Settings"), FALSE);
  refresh (self);
}

static void
on_network_changed (SbVideoSection *self)
{
  refresh (self);
}

/* Requests */

static SbGenerationRequest *
new_request (SbVideoSection *self,
             Model          *model,
             JsonObject     *input,
             SbScene        *scene)
{
  SbReplicateModel *selected = sb_model_picker_get_selected_model (model->picker);
  SbGenerationRequest *request = sb_generation_request_new ();
  const char *prompt = scene_video_prompt (scene);
  gint64 image_id = model->image_input != NULL ? sb_scene_get_chosen_media_id (scene) : 0;

  request->kind = SB_MEDIA_KIND_VIDEO;
  request->model = g_strdup_printf ("%s/%s", selected->owner, selected->name);
  request->version = selected->is_official ? NULL : g_strdup (selected->latest_version_id);
  request->input = sb_param_form_copy_input (input);
  if (model->has_prompt && prompt != NULL)
    json_object_set_string_member (request->input, "prompt", prompt);
  if (image_id != 0)
    {
      g_autofree char *uri = sb_generation_media_uri (image_id);

      /* The queue sends the library's image in its place. */
      if (model->image_is_array)
        {
          JsonArray *array = json_array_new ();

          json_array_add_string_element (array, uri);
          json_object_set_array_member (request->input, model->image_input, array);
        }
      else
        json_object_set_string_member (request->input, model->image_input, uri);
      request->source_media_id = image_id;
    }
  request->brief_id = sb_brief_revision_get_brief_id (self->revision);
  request->revision_id = sb_brief_revision_get_id (self->revision);
  request->scene_id = sb_scene_get_id (scene);
  request->prompt = g_strdup (prompt);

  return request;
}

static void
show_toast (SbVideoSection *self,
            AdwToast       *toast)
{
  GtkWidget *overlay = gtk_widget_get_ancestor (GTK_WIDGET (self), ADW_TYPE_TOAST_OVERLAY);

  if (overlay != NULL)
    adw_toast_overlay_add_toast (ADW_TOAST_OVERLAY (overlay), toast);
  else
    g_object_unref (g_object_ref_sink (toast));
}

/* The form's input, checked; NULL (and a toast) when a setting is wrong. */
static JsonObject *
build_input (SbVideoSection *self,
             Model          *model)
{
  g_autoptr(JsonObject) input = NULL;
  g_autoptr(GHashTable) errors = NULL;

  if (!sb_param_form_build_input (model->form, &input, &errors))
    {
      show_toast (self, adw_toast_new (_("Check the highlighted video settings")));
      return NULL;
    }

  return g_steal_pointer (&input);
}

/* Jobs */

static void
media_got_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(SbVideoSection) self = user_data;
  g_autoptr(SbMediaItem) item = NULL;
  g_autoptr(GError) error = NULL;
  gint64 media_id;
  double *duration;

  item = sb_library_get_media_finish (SB_LIBRARY (object), result, &error);
  if (item == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_debug ("The length of a scene's video is unknown: %s", error->message);
      return;
    }

  media_id = sb_media_item_get_id (item);
  duration = g_new (double, 1);
  *duration = sb_media_item_get_duration (item);
  g_hash_table_replace (self->durations, int64_key (media_id), duration);

  /* Every scene whose latest video this is. */
  {
    GHashTableIter iter;
    gint64 *scene_id;
    SbGenerationJob *job;

    g_hash_table_iter_init (&iter, self->jobs);
    while (g_hash_table_iter_next (&iter, (gpointer *) &scene_id, (gpointer *) &job))
      if (sb_generation_job_get_media_id (job) == media_id)
        scene_changed (self, *scene_id);
  }
}

static void
show_field_errors (SbVideoSection  *self,
                   SbGenerationJob *job)
{
  GHashTable *fields = sb_generation_job_get_field_errors (job);
  Model *models[] = { &self->image, &self->text };

  if (fields == NULL || g_hash_table_size (fields) == 0 ||
      sb_generation_job_get_status (job) != SB_JOB_FAILED)
    return;

  /* On the form of the model the job used. */
  for (guint i = 0; i < G_N_ELEMENTS (models); i++)
    if (models[i]->form != NULL &&
        g_strcmp0 (sb_model_picker_get_selected_id (models[i]->picker), sb_generation_job_get_model (job)) == 0 &&
        (models[i] == &self->image) == (sb_generation_job_get_source_media_id (job) != 0))
      sb_param_form_show_errors (models[i]->form, fields);
}

void
sb_video_section_track_job (SbVideoSection  *self,
                            SbGenerationJob *job)
{
  gint64 scene_id;
  gint64 media_id;
  SbGenerationJob *current;
  const char *batch_id;
  const char *submitted;

  g_return_if_fail (SB_IS_VIDEO_SECTION (self));
  g_return_if_fail (SB_IS_GENERATION_JOB (job));

  scene_id = sb_generation_job_get_scene_id (job);
  if (self->revision == NULL || scene_id == 0 ||
      sb_generation_job_get_kind (job) != SB_MEDIA_KIND_VIDEO ||
      sb_generation_job_get_revision_id (job) != sb_brief_revision_get_id (self->revision))
    return;

  /* The job submitted for the scene is known now. */
  batch_id = sb_generation_job_get_batch_id (job);
  submitted = g_hash_table_lookup (self->submitted, &scene_id);
  if (submitted != NULL && g_strcmp0 (submitted, batch_id) == 0)
    g_hash_table_remove (self->submitted, &scene_id);

  /* The latest job of the scene wins.  A job not stored (yet) is the
   * newest while it runs; once it ended (its storing failed) any stored
   * job gives a truer state. */
  current = g_hash_table_lookup (self->jobs, &scene_id);
  if (current != NULL && current != job && sb_generation_job_get_id (job) != 0 &&
      (sb_generation_job_get_id (current) == 0
         ? job_is_unfinished (current)
         : sb_generation_job_get_id (job) < sb_generation_job_get_id (current)))
    {
      update (self);
      return;
    }

  if (current != job)
    g_hash_table_replace (self->jobs, int64_key (scene_id), g_object_ref (job));

  /* Started before (a restart, the revision shown earlier): counted with
   * the ones started here. */
  if (job_is_unfinished (job) && batch_id != NULL && !g_hash_table_contains (self->batches, batch_id))
    g_hash_table_add (self->adopted, g_strdup (batch_id));

  show_field_errors (self, job);

  media_id = sb_generation_job_get_media_id (job);
  if (sb_generation_job_get_status (job) == SB_JOB_SUCCEEDED && media_id != 0 &&
      self->library != NULL && !g_hash_table_contains (self->durations, &media_id))
    {
      double *unknown = g_new (double, 1);

      /* Asked once: the answer replaces this. */
      *unknown = -1;
      g_hash_table_replace (self->durations, int64_key (media_id), unknown);
      sb_library_get_media_async (self->library, media_id, self->cancellable,
                                  media_got_cb, g_object_ref (self));
    }

  update (self);
  scene_changed (self, scene_id);
}

void
sb_video_section_clear_jobs (SbVideoSection *self)
{
  g_return_if_fail (SB_IS_VIDEO_SECTION (self));

  g_hash_table_remove_all (self->jobs);
  g_hash_table_remove_all (self->adopted);
  refresh (self);
}

static gboolean
window_has_action (GtkWidget  *widget,
                   const char *name)
{
  GtkRoot *root = gtk_widget_get_root (widget);
  GtkWidgetClass *klass;
  const char *action_name;
  const GVariantType *type;
  const char *property;
  GType owner;

  if (root == NULL)
    return FALSE;

  if (G_IS_ACTION_GROUP (root) && g_str_has_prefix (name, "win.") &&
      g_action_group_has_action (G_ACTION_GROUP (root), name + strlen ("win.")))
    return TRUE;

  klass = GTK_WIDGET_GET_CLASS (root);
  for (guint i = 0; gtk_widget_class_query_action (klass, i, &owner, &action_name, &type, &property); i++)
    if (g_str_equal (action_name, name))
      return TRUE;

  return FALSE;
}

static void
on_queue_batch_finished (SbVideoSection    *self,
                         const char        *batch_id,
                         guint              n_succeeded,
                         guint              n_failed,
                         SbGenerationQueue *queue)
{
  AdwToast *toast;
  GHashTableIter iter;
  const char *submitted;
  gboolean changed = FALSE;

  /* Its jobs are known by now, or never will be. */
  g_hash_table_iter_init (&iter, self->submitted);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &submitted))
    if (g_str_equal (submitted, batch_id))
      {
        g_hash_table_iter_remove (&iter);
        changed = TRUE;
      }

  if (!g_hash_table_remove (self->batches, batch_id))
    {
      /* Not started here: no toast. */
      if (g_hash_table_remove (self->adopted, batch_id) || changed)
        refresh (self);
      return;
    }

  g_free (self->batch_message);
  if (n_succeeded == 0 && n_failed == 0)
    self->batch_message = g_strdup (_("The videos were canceled"));
  else if (n_failed == 0)
    self->batch_message = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u video ready", "%u videos ready", n_succeeded),
                                           n_succeeded);
  else
    /* Translators: "2 videos ready, 1 failed" */
    self->batch_message = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u video ready, %u failed", "%u videos ready, %u failed", n_succeeded),
                                           n_succeeded, n_failed);

  toast = adw_toast_new (self->batch_message);
  adw_toast_set_timeout (toast, 10);
  if (n_succeeded > 0)
    {
      adw_toast_set_button_label (toast, _("Open _Videos"));
      if (self->revision != NULL && window_has_action (GTK_WIDGET (self), "win.show-brief-videos"))
        {
          const char *title = sb_brief_revision_get_title (self->revision);

          adw_toast_set_action_name (toast, "win.show-brief-videos");
          adw_toast_set_action_target (toast, "(xs)", sb_brief_revision_get_brief_id (self->revision),
                                       title != NULL ? title : "");
        }
      else
        {
          adw_toast_set_action_name (toast, "win.show-page");
          adw_toast_set_action_target (toast, "s", "videos");
        }
    }
  show_toast (self, toast);
  refresh (self);
}

/* Actions */

static void
make_all_action (GtkWidget  *widget,
                 const char *action_name,
                 GVariant   *parameter)
{
  sb_video_section_make (SB_VIDEO_SECTION (widget), 0);
}

static void
cancel_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  SbVideoSection *self = SB_VIDEO_SECTION (widget);
  g_autoptr(GPtrArray) batch_ids = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) jobs = g_ptr_array_new_with_free_func (g_object_unref);
  GHashTableIter iter;
  const char *batch_id;
  SbGenerationJob *job;

  if (self->queue == NULL)
    return;

  /* Cancelling may finish a batch or a job, which changes the tables. */
  g_hash_table_iter_init (&iter, self->batches);
  while (g_hash_table_iter_next (&iter, (gpointer *) &batch_id, NULL))
    g_ptr_array_add (batch_ids, g_strdup (batch_id));
  /* And the unfinished ones started before (a restart, the revision shown
   * earlier). */
  g_hash_table_iter_init (&iter, self->jobs);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &job))
    if (job_is_unfinished (job))
      g_ptr_array_add (jobs, g_object_ref (job));

  for (guint i = 0; i < batch_ids->len; i++)
    sb_generation_queue_cancel_batch (self->queue, g_ptr_array_index (batch_ids, i));
  for (guint i = 0; i < jobs->len; i++)
    sb_generation_queue_cancel_job (self->queue, g_ptr_array_index (jobs, i));
}

static void
sb_video_section_dispose (GObject *object)
{
  SbVideoSection *self = SB_VIDEO_SECTION (object);

  g_cancellable_cancel (self->cancellable);
  /* Nothing reaches the widgets once they are gone. */
  if (self->queue != NULL)
    g_signal_handlers_disconnect_by_data (self->queue, self);
  g_signal_handlers_disconnect_by_data (g_network_monitor_get_default (), self);
  if (self->image.picker != NULL)
    g_signal_handlers_disconnect_by_data (self->image.picker, self);
  if (self->text.picker != NULL)
    g_signal_handlers_disconnect_by_data (self->text.picker, self);
  self->image.picker = NULL;
  self->image.form = NULL;
  self->text.picker = NULL;
  self->text.form = NULL;

  gtk_widget_dispose_template (GTK_WIDGET (self), SB_TYPE_VIDEO_SECTION);

  g_clear_object (&self->library);
  g_clear_object (&self->queue);
  g_clear_object (&self->revision);
  if (self->jobs != NULL)
    g_hash_table_remove_all (self->jobs);
  if (self->retrying != NULL)
    g_hash_table_remove_all (self->retrying);

  G_OBJECT_CLASS (sb_video_section_parent_class)->dispose (object);
}

static void
sb_video_section_finalize (GObject *object)
{
  SbVideoSection *self = SB_VIDEO_SECTION (object);

  g_clear_pointer (&self->jobs, g_hash_table_unref);
  g_clear_pointer (&self->durations, g_hash_table_unref);
  g_clear_pointer (&self->batches, g_hash_table_unref);
  g_clear_pointer (&self->adopted, g_hash_table_unref);
  g_clear_pointer (&self->requested, g_hash_table_unref);
  g_clear_pointer (&self->submitted, g_hash_table_unref);
  g_clear_pointer (&self->retrying, g_hash_table_unref);
  g_clear_pointer (&self->image.problem, g_free);
  g_clear_pointer (&self->image.image_input, g_free);
  g_clear_pointer (&self->text.problem, g_free);
  g_clear_pointer (&self->text.image_input, g_free);
  g_free (self->batch_message);
  g_clear_object (&self->cancellable);

  G_OBJECT_CLASS (sb_video_section_parent_class)->finalize (object);
}

static void
sb_video_section_class_init (SbVideoSectionClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = sb_video_section_dispose;
  object_class->finalize = sb_video_section_finalize;

  signals[MAKE_VIDEOS] =
    g_signal_new ("make-videos", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_INT64);
  signals[SCENE_CHANGED] =
    g_signal_new ("scene-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_INT64);

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_BASE "/ui/sb-video-section.ui");
  gtk_widget_class_bind_template_child (widget_class, SbVideoSection, box);
  gtk_widget_class_bind_template_child (widget_class, SbVideoSection, image_picker_bin);
  gtk_widget_class_bind_template_child (widget_class, SbVideoSection, image_form_bin);
  gtk_widget_class_bind_template_child (widget_class, SbVideoSection, text_picker_bin);
  gtk_widget_class_bind_template_child (widget_class, SbVideoSection, text_form_bin);
  gtk_widget_class_bind_template_child (widget_class, SbVideoSection, cancel_button);
  gtk_widget_class_bind_template_child (widget_class, SbVideoSection, status_label);
  gtk_widget_class_bind_template_child (widget_class, SbVideoSection, preferences_button);

  gtk_widget_class_install_action (widget_class, "videos.make-all", NULL, make_all_action);
  gtk_widget_class_install_action (widget_class, "videos.cancel", NULL, cancel_action);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "sbvideosection");
}

static void
sb_video_section_init (SbVideoSection *self)
{
  self->cancellable = g_cancellable_new ();
  self->jobs = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, g_object_unref);
  self->durations = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, g_free);
  self->batches = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->adopted = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->requested = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
  self->submitted = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, g_free);
  self->retrying = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, g_object_unref);

  gtk_widget_init_template (GTK_WIDGET (self));
  self->image.form_bin = self->image_form_bin;
  self->text.form_bin = self->text_form_bin;

  g_signal_connect_object (g_network_monitor_get_default (), "network-changed",
                           G_CALLBACK (on_network_changed), self, G_CONNECT_SWAPPED);

  update (self);
}

/* Forgets the batches, requests and submissions of the revision shown. */
static void
forget_runs (SbVideoSection *self)
{
  g_hash_table_remove_all (self->batches);
  g_hash_table_remove_all (self->adopted);
  g_hash_table_remove_all (self->requested);
  g_hash_table_remove_all (self->submitted);
  g_hash_table_remove_all (self->retrying);
}

static GtkWidget *
new_picker (SbVideoSection *self,
            GSettings      *settings,
            const char     *slug,
            const char     *label,
            AdwBin         *bin,
            GCallback       changed)
{
  GtkWidget *picker = sb_model_picker_new (self->library, settings, slug);

  gtk_accessible_update_property (GTK_ACCESSIBLE (picker),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, label, -1);
  g_signal_connect_object (picker, "model-changed", changed, self, G_CONNECT_SWAPPED);
  adw_bin_set_child (bin, picker);

  return picker;
}

void
sb_video_section_set_generation (SbVideoSection    *self,
                                 SbLibrary         *library,
                                 SbGenerationQueue *queue,
                                 GSettings         *settings)
{
  g_return_if_fail (SB_IS_VIDEO_SECTION (self));
  g_return_if_fail (library == NULL || SB_IS_LIBRARY (library));
  g_return_if_fail (queue == NULL || SB_IS_GENERATION_QUEUE (queue));
  g_return_if_fail (settings == NULL || G_IS_SETTINGS (settings));

  if (self->queue != NULL)
    g_signal_handlers_disconnect_by_data (self->queue, self);
  g_set_object (&self->library, library);
  g_set_object (&self->queue, queue);
  forget_runs (self);

  model_clear (&self->image);
  model_clear (&self->text);
  if (self->image.picker != NULL)
    g_signal_handlers_disconnect_by_data (self->image.picker, self);
  if (self->text.picker != NULL)
    g_signal_handlers_disconnect_by_data (self->text.picker, self);
  self->image.picker = NULL;
  self->text.picker = NULL;
  adw_bin_set_child (self->image_picker_bin, NULL);
  adw_bin_set_child (self->text_picker_bin, NULL);

  if (queue != NULL && library != NULL)
    {
      g_signal_connect_object (queue, "batch-finished", G_CALLBACK (on_queue_batch_finished), self, G_CONNECT_SWAPPED);

      self->image.picker = SB_MODEL_PICKER (new_picker (self, settings, "image-to-video", _("Image to video model"),
                                                        self->image_picker_bin, G_CALLBACK (on_image_model_changed)));
      self->text.picker = SB_MODEL_PICKER (new_picker (self, settings, "text-to-video", _("Text to video model"),
                                                       self->text_picker_bin, G_CALLBACK (on_text_model_changed)));
      model_rebuild (&self->image, _("Image to Video Settings"), TRUE);
      model_rebuild (&self->text, _("Text to Video Settings"), FALSE);
    }

  refresh (self);
}

void
sb_video_section_set_revision (SbVideoSection  *self,
                               SbBriefRevision *revision)
{
  g_return_if_fail (SB_IS_VIDEO_SECTION (self));
  g_return_if_fail (revision == NULL || SB_IS_BRIEF_REVISION (revision));

  if (!g_set_object (&self->revision, revision))
    return;

  /* What was started or asked for belongs to the previous revision: its
   * batches go on in the queue, but are neither counted here nor
   * submitted for this revision's scenes. */
  g_hash_table_remove_all (self->jobs);
  forget_runs (self);
  refresh (self);
}

void
sb_video_section_set_has_key (SbVideoSection *self,
                              gboolean        has_key)
{
  g_return_if_fail (SB_IS_VIDEO_SECTION (self));

  if (self->key_checked && self->has_key == !!has_key)
    return;

  self->key_checked = TRUE;
  self->has_key = !!has_key;
  refresh (self);
}

void
sb_video_section_update (SbVideoSection *self)
{
  g_return_if_fail (SB_IS_VIDEO_SECTION (self));

  refresh (self);
}

gboolean
sb_video_section_can_make (SbVideoSection *self,
                           SbScene        *scene)
{
  const char *problem;
  Model *model;

  g_return_val_if_fail (SB_IS_VIDEO_SECTION (self), FALSE);
  g_return_val_if_fail (SB_IS_SCENE (scene), FALSE);

  if (!is_ready (self) || scene_is_busy (self, sb_scene_get_id (scene)))
    return FALSE;

  model = scene_model (self, scene, &problem);
  return model != NULL && model_usable (model);
}

const char *
sb_video_section_get_problem (SbVideoSection *self,
                              SbScene        *scene)
{
  const char *problem;

  g_return_val_if_fail (SB_IS_VIDEO_SECTION (self), NULL);
  g_return_val_if_fail (SB_IS_SCENE (scene), NULL);

  scene_model (self, scene, &problem);
  return problem;
}

gboolean
sb_video_section_make (SbVideoSection *self,
                       gint64          scene_id)
{
  gint64 every_scene = 0;

  g_return_val_if_fail (SB_IS_VIDEO_SECTION (self), FALSE);

  /* Once: a second click before the first is submitted would pay for the
   * same videos twice. */
  if (g_hash_table_contains (self->requested, &every_scene) ||
      (scene_id == 0 ? is_running (self) || g_hash_table_size (self->requested) > 0
                     : scene_is_busy (self, scene_id)))
    return FALSE;

  g_hash_table_add (self->requested, int64_key (scene_id));
  refresh (self);
  g_signal_emit (self, signals[MAKE_VIDEOS], 0, scene_id);

  return TRUE;
}

void
sb_video_section_drop_request (SbVideoSection *self,
                               gint64          scene_id)
{
  g_return_if_fail (SB_IS_VIDEO_SECTION (self));

  g_hash_table_remove (self->requested, &scene_id);
  if (scene_id != 0)
    g_hash_table_remove (self->retrying, &scene_id);
  refresh (self);
}

/* Builds and submits the requests; FALSE when nothing was submitted. */
static gboolean
submit_scenes (SbVideoSection *self,
               gint64          scene_id)
{
  g_autoptr(GPtrArray) requests = NULL;
  g_autoptr(JsonObject) image_input = NULL;
  g_autoptr(JsonObject) text_input = NULL;
  g_autofree char *batch_id = NULL;
  GListModel *scenes;
  guint n;

  scenes = get_scenes (self);
  if (!is_ready (self) || scenes == NULL)
    return FALSE;

  requests = g_ptr_array_new_with_free_func ((GDestroyNotify) sb_generation_request_free);
  n = g_list_model_get_n_items (scenes);
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(SbScene) scene = g_list_model_get_item (scenes, i);
      gint64 id = sb_scene_get_id (scene);
      const char *problem;
      Model *model;
      JsonObject **input;

      if (id == 0 || (scene_id != 0 && id != scene_id))
        continue;

      /* Never a second video of a scene while one is on its way, wherever
       * it was started. */
      if (scene_is_busy (self, id))
        continue;

      model = scene_model (self, scene, &problem);
      if (model == NULL || !model_usable (model))
        continue;
      input = model == &self->image ? &image_input : &text_input;

      /* Each form is checked once, when a scene needs it. */
      if (*input == NULL && (*input = build_input (self, model)) == NULL)
        return FALSE;

      g_ptr_array_add (requests, new_request (self, model, *input, scene));
    }

  if (requests->len == 0)
    return FALSE;

  if (self->image.form != NULL)
    sb_param_form_show_errors (self->image.form, NULL);
  if (self->text.form != NULL)
    sb_param_form_show_errors (self->text.form, NULL);

  batch_id = sb_generation_queue_submit (self->queue, requests);
  g_hash_table_add (self->batches, g_strdup (batch_id));
  for (guint i = 0; i < requests->len; i++)
    {
      SbGenerationRequest *request = g_ptr_array_index (requests, i);
      g_autoptr(SbGenerationJob) replaced = NULL;

      g_hash_table_replace (self->submitted, int64_key (request->scene_id), g_strdup (batch_id));

      /* A retried video: the new job stands for the one that ended
       * without a video, which stops showing as failed. */
      if (g_hash_table_steal_extended (self->retrying, &request->scene_id, NULL, (gpointer *) &replaced))
        sb_generation_queue_dismiss (self->queue, replaced);
    }

  return TRUE;
}

gboolean
sb_video_section_submit (SbVideoSection *self,
                         gint64          scene_id)
{
  gboolean submitted;

  g_return_val_if_fail (SB_IS_VIDEO_SECTION (self), FALSE);

  /* The request is answered, whatever comes of it. */
  g_hash_table_remove (self->requested, &scene_id);
  submitted = submit_scenes (self, scene_id);
  if (scene_id != 0)
    g_hash_table_remove (self->retrying, &scene_id);
  refresh (self);

  return submitted;
}

SbGenerationJob *
sb_video_section_get_scene_job (SbVideoSection *self,
                                gint64          scene_id)
{
  g_return_val_if_fail (SB_IS_VIDEO_SECTION (self), NULL);

  return scene_id != 0 ? g_hash_table_lookup (self->jobs, &scene_id) : NULL;
}

double
sb_video_section_get_duration (SbVideoSection  *self,
                               SbGenerationJob *job)
{
  gint64 media_id;
  double *duration;

  g_return_val_if_fail (SB_IS_VIDEO_SECTION (self), -1);
  g_return_val_if_fail (job == NULL || SB_IS_GENERATION_JOB (job), -1);

  if (job == NULL || (media_id = sb_generation_job_get_media_id (job)) == 0)
    return -1;

  duration = g_hash_table_lookup (self->durations, &media_id);
  return duration != NULL && *duration > 0 ? *duration : -1;
}

void
sb_video_section_retry_scene (SbVideoSection *self,
                              gint64          scene_id)
{
  SbGenerationJob *job;
  SbJobStatus status;
  SbScene *scene;
  const char *problem;
  Model *model;

  g_return_if_fail (SB_IS_VIDEO_SECTION (self));

  job = sb_video_section_get_scene_job (self, scene_id);
  if (job == NULL || self->queue == NULL)
    return;

  status = sb_generation_job_get_status (job);
  if (!sb_job_status_is_terminal (status) || status == SB_JOB_SUCCEEDED || scene_is_busy (self, scene_id))
    return;

  if (!is_ready (self))
    {
      show_toast (self, adw_toast_new (gtk_label_get_label (self->status_label)));
      return;
    }

  /* Made again from the settings and the scene as they are now: the
   * stored input is what failed (a refused setting, an image no longer
   * in the library). */
  scene = find_scene (self, scene_id);
  if (scene == NULL)
    return;
  model = scene_model (self, scene, &problem);
  if (model == NULL || !model_usable (model))
    {
      if (problem == NULL && model == NULL)
        problem = _("Choose an image or write a prompt for the scene first");
      else if (problem == NULL)
        problem = model_reason (model, model == &self->image
                                         ? _("Choose an image-to-video model to make videos.")
                                         : _("Choose a text-to-video model for the scenes without an image."));
      show_toast (self, adw_toast_new (problem));
      return;
    }

  g_hash_table_replace (self->retrying, int64_key (scene_id), g_object_ref (job));
  if (!sb_video_section_make (self, scene_id))
    g_hash_table_remove (self->retrying, &scene_id);
}

void
sb_video_section_cancel_scene (SbVideoSection *self,
                               gint64          scene_id)
{
  SbGenerationJob *job;

  g_return_if_fail (SB_IS_VIDEO_SECTION (self));

  job = sb_video_section_get_scene_job (self, scene_id);
  if (job != NULL && self->queue != NULL &&
      !sb_job_status_is_terminal (sb_generation_job_get_status (job)))
    sb_generation_queue_cancel_job (self->queue, job);
}

gboolean
sb_video_section_is_running (SbVideoSection *self)
{
  g_return_val_if_fail (SB_IS_VIDEO_SECTION (self), FALSE);

  return is_running (self);
}

SbModelPicker *
sb_video_section_get_image_picker (SbVideoSection *self)
{
  g_return_val_if_fail (SB_IS_VIDEO_SECTION (self), NULL);

  return self->image.picker;
}

SbModelPicker *
sb_video_section_get_text_picker (SbVideoSection *self)
{
  g_return_val_if_fail (SB_IS_VIDEO_SECTION (self), NULL);

  return self->text.picker;
}

SbParamForm *
sb_video_section_get_image_form (SbVideoSection *self)
{
  g_return_val_if_fail (SB_IS_VIDEO_SECTION (self), NULL);

  return self->image.form;
}

SbParamForm *
sb_video_section_get_text_form (SbVideoSection *self)
{
  g_return_val_if_fail (SB_IS_VIDEO_SECTION (self), NULL);

  return self->text.form;
}

const char *
sb_video_section_get_status (SbVideoSection *self)
{
  g_return_val_if_fail (SB_IS_VIDEO_SECTION (self), NULL);

  return gtk_label_get_label (self->status_label);
}

const char *
sb_video_section_get_batch_message (SbVideoSection *self)
{
  g_return_val_if_fail (SB_IS_VIDEO_SECTION (self), NULL);

  return self->batch_message;
}
