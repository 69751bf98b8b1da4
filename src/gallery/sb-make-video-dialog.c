/* sb-make-video-dialog.c
 *
 * Copyright 2026 The Storyboard authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "sb-gallery"

#include "config.h"

#include <glib/gi18n.h>

#include "sb-make-video-dialog.h"
#include "sb-network.h"
#include "sb-provider-config.h"
#include "sb-secrets.h"
#include "sb-texture-decode.h"

typedef enum
{
  STATE_FORM,       /* choosing the model and settings */
  STATE_PREPARING,  /* reading and sending the image */
  STATE_JOB,        /* following the job */
} State;

typedef struct
{
  char     *name;
  GFile    *file;
  gboolean  is_array;
} FileInput;

struct _SbMakeVideoDialog
{
  AdwWindow          parent_instance;

  /* Template widgets */
  AdwToastOverlay   *toast_overlay;
  GtkPicture        *thumbnail;
  AdwPreferencesGroup *model_group;
  AdwBin            *picker_bin;
  AdwBin            *form_bin;
  GtkWidget         *progress_box;
  GtkLabel          *status_label;
  GtkProgressBar    *progress_bar;
  GtkLabel          *elapsed_label;
  GtkLabel          *message_label;
  GtkWidget         *cancel_button;
  GtkWidget         *retry_button;
  GtkWidget         *open_videos_button;
  GtkWidget         *make_button;

  /* Borrowed (children) */
  SbModelPicker     *picker;
  SbParamForm       *form;

  /* Owned */
  SbLibrary         *library;
  SbGenerationQueue *queue;
  SbReplicateClient *client;
  GSettings         *settings;
  SbMediaItem       *item;
  GFile             *image_file;     /* stands for the library's image in the form */
  GCancellable      *cancellable;
  SbGenerationJob   *job;
  char              *batch_id;
  JsonObject        *input;          /* being completed with file inputs */
  GPtrArray         *file_inputs;    /* FileInput, sent one by one */
  guint              file_index;
  guint              tick_id;
  State              state;
  guint              has_key : 1;
  guint              key_checked : 1;
  guint              item_loaded : 1;
  guint              awaiting_retry : 1;
};

G_DEFINE_FINAL_TYPE (SbMakeVideoDialog, sb_make_video_dialog, ADW_TYPE_WINDOW)

static void update_ui (SbMakeVideoDialog *self);
static void prepare_next_file (SbMakeVideoDialog *self);

static void
file_input_free (FileInput *input)
{
  g_free (input->name);
  g_clear_object (&input->file);
  g_free (input);
}

static void
show_toast (SbMakeVideoDialog *self,
            const char        *text)
{
  adw_toast_overlay_add_toast (self->toast_overlay, adw_toast_new (text));
}

static const char *
describe_status (SbJobStatus status)
{
  switch (status)
    {
    case SB_JOB_QUEUED:
      return _("Waiting to start…");
    case SB_JOB_STARTING:
      return _("Starting…");
    case SB_JOB_RUNNING:
      return _("Making the video… This can take a few minutes.");
    case SB_JOB_DOWNLOADING:
      return _("Downloading the video…");
    case SB_JOB_SUCCEEDED:
      return _("The video is ready");
    case SB_JOB_FAILED:
      return _("The video could not be made");
    case SB_JOB_CANCELED:
      return _("The video was canceled");
    case SB_JOB_EXPIRED:
      return _("The video expired before it could be downloaded");
    case SB_JOB_INTERRUPTED:
      return _("The app stopped while the video was starting");
    default:
      return "";
    }
}

static void
update_elapsed (SbMakeVideoDialog *self)
{
  GDateTime *start;
  g_autoptr(GDateTime) end = NULL;
  g_autofree char *text = NULL;
  GTimeSpan span;
  gint64 seconds;

  if (self->job == NULL)
    {
      gtk_label_set_label (self->elapsed_label, "");
      return;
    }

  start = sb_generation_job_get_started_at (self->job);
  if (start == NULL)
    start = sb_generation_job_get_created_at (self->job);
  if (start == NULL)
    {
      gtk_label_set_label (self->elapsed_label, "");
      return;
    }

  if (sb_job_status_is_terminal (sb_generation_job_get_status (self->job)) &&
      sb_generation_job_get_completed_at (self->job) != NULL)
    end = g_date_time_ref (sb_generation_job_get_completed_at (self->job));
  else
    end = g_date_time_new_now_utc ();

  span = g_date_time_difference (end, start);
  seconds = MAX (0, span / G_TIME_SPAN_SECOND);
  /* Translators: time since the video was started, minutes:seconds */
  text = g_strdup_printf (_("Elapsed: %" G_GINT64_FORMAT ":%02d"),
                          seconds / 60, (int) (seconds % 60));
  gtk_label_set_label (self->elapsed_label, text);
}

static gboolean
tick_cb (gpointer user_data)
{
  SbMakeVideoDialog *self = user_data;

  if (self->job != NULL && sb_generation_job_get_progress (self->job) < 0 &&
      !sb_job_status_is_terminal (sb_generation_job_get_status (self->job)))
    gtk_progress_bar_pulse (self->progress_bar);
  update_elapsed (self);

  return G_SOURCE_CONTINUE;
}

static gboolean
is_ready (SbMakeVideoDialog *self,
          const char       **out_reason)
{
  const char *reason = NULL;

  if (self->queue == NULL || self->client == NULL)
    reason = _("Videos can be made once the library is open.");
  else if (!sb_network_can_use_provider (sb_provider_config_get_default (), SB_PROVIDER_REPLICATE))
    reason = _("You are offline. Connect to a network to make a video.");
  else if (self->key_checked && !self->has_key)
    reason = _("Add a Replicate API key in Preferences to make a video.");
  else if (!self->key_checked || !self->item_loaded)
    reason = "";
  else if (self->picker == NULL || sb_model_picker_get_selected_model (self->picker) == NULL)
    reason = _("Choose a model to make a video.");
  else if (self->form == NULL)
    reason = _("This model cannot be used here. Choose another model.");

  if (out_reason != NULL)
    *out_reason = reason;

  return reason == NULL;
}

static void
update_ui (SbMakeVideoDialog *self)
{
  const char *reason = NULL;
  gboolean ready = is_ready (self, &reason);
  SbJobStatus status = self->job != NULL ? sb_generation_job_get_status (self->job) : SB_JOB_QUEUED;
  gboolean following = self->state == STATE_JOB && self->job != NULL;
  gboolean terminal = following && sb_job_status_is_terminal (status);
  gboolean running = self->state == STATE_PREPARING || (self->state == STATE_JOB && !terminal);
  gboolean online = self->queue != NULL &&
                    sb_network_can_use_provider (sb_provider_config_get_default (), SB_PROVIDER_REPLICATE);
  gboolean can_retry = terminal && status != SB_JOB_SUCCEEDED && online && self->has_key;
  const char *message = NULL;

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "make-video.submit", ready && !running);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "make-video.cancel", following && !terminal);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "make-video.retry", can_retry);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "make-video.open-videos",
                                 following && status == SB_JOB_SUCCEEDED);

  /* Another video (other settings) can be made once this one is done. */
  gtk_widget_set_visible (self->make_button, !running);
  gtk_widget_set_visible (self->cancel_button, following && !terminal);
  gtk_widget_set_visible (self->retry_button, terminal && status != SB_JOB_SUCCEEDED);
  gtk_widget_set_visible (self->open_videos_button, terminal && status == SB_JOB_SUCCEEDED);
  gtk_widget_set_sensitive (GTK_WIDGET (self->model_group), !running);
  gtk_widget_set_sensitive (GTK_WIDGET (self->form_bin), !running);

  gtk_widget_set_visible (self->progress_box, self->state != STATE_FORM);
  if (self->state == STATE_PREPARING)
    {
      gtk_label_set_label (self->status_label, _("Sending the image…"));
      gtk_progress_bar_set_fraction (self->progress_bar, 0.0);
    }
  else if (following)
    {
      double progress = sb_generation_job_get_progress (self->job);

      gtk_label_set_label (self->status_label, describe_status (status));
      if (status == SB_JOB_SUCCEEDED)
        gtk_progress_bar_set_fraction (self->progress_bar, 1.0);
      else if (progress >= 0)
        gtk_progress_bar_set_fraction (self->progress_bar, CLAMP (progress, 0.0, 1.0));
      else if (terminal)
        gtk_progress_bar_set_fraction (self->progress_bar, 0.0);
      if (terminal && status != SB_JOB_SUCCEEDED)
        message = sb_generation_job_get_last_error (self->job);
      update_elapsed (self);
    }

  if (message == NULL && !running && !terminal && reason != NULL && *reason != '\0')
    message = reason;
  else if (message == NULL && terminal && status != SB_JOB_SUCCEEDED && !can_retry && reason != NULL && *reason != '\0')
    message = reason;

  gtk_label_set_label (self->message_label, message != NULL ? message : "");
  gtk_widget_set_visible (GTK_WIDGET (self->message_label), message != NULL && *message != '\0');

  if (running && self->tick_id == 0)
    self->tick_id = g_timeout_add_seconds (1, tick_cb, self);
  else if (!running)
    g_clear_handle_id (&self->tick_id, g_source_remove);
}

/* A refused input's messages go on their fields (the job keeps the 422's
 * per-field details); other failures are only shown under the progress. */
static void
show_job_error (SbMakeVideoDialog *self)
{
  GHashTable *fields;

  if (self->form == NULL || self->job == NULL ||
      sb_generation_job_get_status (self->job) != SB_JOB_FAILED)
    return;

  fields = sb_generation_job_get_field_errors (self->job);
  if (fields != NULL && g_hash_table_size (fields) > 0)
    sb_param_form_show_errors (self->form, fields);
}

static void
follow_job (SbMakeVideoDialog *self,
            SbGenerationJob   *job)
{
  g_set_object (&self->job, job);
  self->state = STATE_JOB;
  self->awaiting_retry = FALSE;
  show_job_error (self);
  update_ui (self);
}

static void
on_queue_job_changed (SbMakeVideoDialog *self,
                      SbGenerationJob   *job)
{
  if (job == self->job)
    {
      if (sb_generation_job_get_status (job) == SB_JOB_FAILED)
        show_job_error (self);
      update_ui (self);
      return;
    }

  if (self->batch_id != NULL &&
      g_strcmp0 (sb_generation_job_get_batch_id (job), self->batch_id) == 0)
    {
      follow_job (self, job);
      return;
    }

  /* A retry is a new job in a new batch, for the same image. */
  if (self->awaiting_retry &&
      sb_generation_job_get_kind (job) == SB_MEDIA_KIND_VIDEO &&
      sb_generation_job_get_source_media_id (job) == sb_media_item_get_id (self->item) &&
      !sb_job_status_is_terminal (sb_generation_job_get_status (job)))
    {
      g_free (self->batch_id);
      self->batch_id = g_strdup (sb_generation_job_get_batch_id (job));
      follow_job (self, job);
    }
}

/* Reopening the dialog while a video of this image is still being made
 * shows that job again. */
static void
find_running_job (SbMakeVideoDialog *self)
{
  GListModel *jobs = sb_generation_queue_get_jobs (self->queue);
  guint n = g_list_model_get_n_items (jobs);

  for (guint i = n; i > 0; i--)
    {
      g_autoptr(SbGenerationJob) job = g_list_model_get_item (jobs, i - 1);

      if (sb_generation_job_get_kind (job) == SB_MEDIA_KIND_VIDEO &&
          sb_generation_job_get_source_media_id (job) == sb_media_item_get_id (self->item) &&
          !sb_job_status_is_terminal (sb_generation_job_get_status (job)))
        {
          self->batch_id = g_strdup (sb_generation_job_get_batch_id (job));
          follow_job (self, job);
          return;
        }
    }
}

static const char *
find_image_input (SbParamForm *form)
{
  GPtrArray *params = sb_param_form_get_params (form);
  SbModelParam *param = params != NULL ? sb_model_schema_find_image_input (params) : NULL;

  return param != NULL ? param->name : NULL;
}

static void
fill_form (SbMakeVideoDialog *self)
{
  const char *image_input;
  const char *prompt;

  if (self->form == NULL || !self->item_loaded)
    return;

  image_input = find_image_input (self->form);
  if (image_input != NULL)
    sb_param_form_set_file (self->form, image_input, self->image_file);

  prompt = sb_media_item_get_prompt (self->item);
  if (prompt != NULL && *prompt != '\0')
    sb_param_form_set_value_text (self->form, "prompt", prompt);
}

static void
on_model_changed (SbMakeVideoDialog *self)
{
  SbReplicateModel *model = sb_model_picker_get_selected_model (self->picker);
  g_autoptr(GPtrArray) params = NULL;
  g_autoptr(GError) error = NULL;

  self->form = NULL;
  adw_bin_set_child (self->form_bin, NULL);

  if (model != NULL)
    params = sb_replicate_model_parse_params (model, &error);
  if (params == NULL)
    {
      if (error != NULL)
        g_debug ("No form for the model: %s", error->message);
      update_ui (self);
      return;
    }

  self->form = SB_PARAM_FORM (sb_param_form_new (params));
  adw_preferences_group_set_title (ADW_PREFERENCES_GROUP (self->form), _("Video Settings"));
  adw_bin_set_child (self->form_bin, GTK_WIDGET (self->form));
  fill_form (self);
  update_ui (self);
}

static void
on_network_changed (SbMakeVideoDialog *self)
{
  update_ui (self);
}

static void
key_looked_up_cb (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(SbMakeVideoDialog) self = user_data;
  g_autofree char *key = NULL;
  g_autoptr(GError) error = NULL;

  key = sb_secrets_lookup_finish (result, NULL, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  self->key_checked = TRUE;
  self->has_key = key != NULL && *key != '\0';
  if (self->has_key && self->client != NULL && !sb_replicate_client_has_api_key (self->client))
    sb_replicate_client_set_api_key (self->client, key);
  update_ui (self);
}

static void
thumbnail_decoded_cb (GObject      *object,
                      GAsyncResult *result,
                      gpointer      user_data)
{
  g_autoptr(SbMakeVideoDialog) self = user_data;
  g_autoptr(GdkTexture) texture = NULL;
  g_autoptr(GError) error = NULL;

  texture = sb_texture_decode_finish (result, &error);
  if (texture != NULL)
    gtk_picture_set_paintable (self->thumbnail, GDK_PAINTABLE (texture));
  else if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    g_debug ("No thumbnail: %s", error->message);
}

static void
thumbnail_loaded_cb (GObject      *object,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  g_autoptr(SbMakeVideoDialog) self = user_data;
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GError) error = NULL;

  bytes = sb_library_load_thumbnail_finish (SB_LIBRARY (object), result, &error);
  if (bytes == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_debug ("No thumbnail: %s", error->message);
      return;
    }

  sb_texture_decode_async (bytes, self->cancellable, thumbnail_decoded_cb, g_object_ref (self));
}

static void
item_loaded_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(SbMakeVideoDialog) self = user_data;
  g_autoptr(SbMediaItem) item = NULL;
  g_autoptr(GError) error = NULL;

  item = sb_library_get_media_finish (SB_LIBRARY (object), result, &error);
  if (item == NULL)
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;
      /* The row as the viewer had it will do. */
      g_debug ("Could not read the image's row: %s", error->message);
    }
  else
    g_set_object (&self->item, item);

  self->item_loaded = TRUE;
  fill_form (self);
  update_ui (self);
}

/* ---- submitting ---------------------------------------------------------- */

static void
submit_failed (SbMakeVideoDialog *self,
               const GError      *error)
{
  g_autofree char *text = NULL;

  self->state = STATE_FORM;
  g_clear_pointer (&self->input, json_object_unref);
  g_clear_pointer (&self->file_inputs, g_ptr_array_unref);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  /* Translators: %s is why the image could not be sent */
  text = g_strdup_printf (_("The image could not be sent: %s"), error->message);
  gtk_label_set_label (self->message_label, text);
  gtk_widget_set_visible (GTK_WIDGET (self->message_label), TRUE);
  update_ui (self);
  gtk_label_set_label (self->message_label, text);
  gtk_widget_set_visible (GTK_WIDGET (self->message_label), TRUE);
}

static void
submit_request (SbMakeVideoDialog *self)
{
  SbReplicateModel *model = sb_model_picker_get_selected_model (self->picker);
  g_autoptr(GPtrArray) requests = NULL;
  SbGenerationRequest *request;
  const char *prompt;

  if (model == NULL)
    {
      self->state = STATE_FORM;
      update_ui (self);
      return;
    }

  request = sb_generation_request_new ();
  request->kind = SB_MEDIA_KIND_VIDEO;
  request->model = g_strdup_printf ("%s/%s", model->owner, model->name);
  request->version = model->is_official ? NULL : g_strdup (model->latest_version_id);
  request->input = g_steal_pointer (&self->input);
  request->brief_id = sb_media_item_get_brief_id (self->item);
  request->revision_id = sb_media_item_get_revision_id (self->item);
  request->scene_id = sb_media_item_get_scene_id (self->item);
  request->source_media_id = sb_media_item_get_id (self->item);
  prompt = json_object_get_string_member_with_default (request->input, "prompt", NULL);
  if (prompt == NULL)
    prompt = sb_media_item_get_prompt (self->item);
  request->prompt = g_strdup (prompt);

  requests = g_ptr_array_new_with_free_func ((GDestroyNotify) sb_generation_request_free);
  g_ptr_array_add (requests, request);

  g_clear_pointer (&self->file_inputs, g_ptr_array_unref);
  g_clear_object (&self->job);
  g_free (self->batch_id);
  self->batch_id = sb_generation_queue_submit (self->queue, requests);
  self->state = STATE_JOB;

  /* The job may already be listed. */
  {
    GListModel *jobs = sb_generation_queue_get_jobs (self->queue);

    for (guint i = g_list_model_get_n_items (jobs); i > 0; i--)
      {
        g_autoptr(SbGenerationJob) job = g_list_model_get_item (jobs, i - 1);

        if (g_strcmp0 (sb_generation_job_get_batch_id (job), self->batch_id) == 0)
          {
            follow_job (self, job);
            break;
          }
      }
  }

  update_ui (self);
}

static void
set_file_input (SbMakeVideoDialog *self,
                FileInput         *input,
                const char        *uri)
{
  if (input->is_array)
    {
      JsonArray *array = json_array_new ();

      json_array_add_string_element (array, uri);
      json_object_set_array_member (self->input, input->name, array);
    }
  else
    json_object_set_string_member (self->input, input->name, uri);
}

static void
file_prepared_cb (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(SbMakeVideoDialog) self = user_data;
  g_autofree char *uri = NULL;
  g_autoptr(GError) error = NULL;
  FileInput *input;

  uri = sb_replicate_client_prepare_file_input_finish (SB_REPLICATE_CLIENT (object), result, &error);
  if (uri == NULL)
    {
      submit_failed (self, error);
      return;
    }

  if (self->file_inputs == NULL || self->input == NULL)
    return;

  input = g_ptr_array_index (self->file_inputs, self->file_index);
  set_file_input (self, input, uri);
  self->file_index++;
  prepare_next_file (self);
}

static void
prepare_bytes (SbMakeVideoDialog *self,
               GBytes            *bytes,
               const char        *filename,
               const char        *content_type)
{
  sb_replicate_client_prepare_file_input_async (self->client, bytes, filename, content_type,
                                                self->cancellable, file_prepared_cb,
                                                g_object_ref (self));
}

static void
file_contents_loaded_cb (GObject      *object,
                         GAsyncResult *result,
                         gpointer      user_data)
{
  g_autoptr(SbMakeVideoDialog) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) bytes = NULL;
  g_autofree char *contents = NULL;
  g_autofree char *basename = NULL;
  g_autofree char *content_type = NULL;
  gsize length = 0;

  if (!g_file_load_contents_finish (G_FILE (object), result, &contents, &length, NULL, &error))
    {
      submit_failed (self, error);
      return;
    }

  basename = g_file_get_basename (G_FILE (object));
  content_type = g_content_type_guess (basename, (const guchar *) contents, length, NULL);
  bytes = g_bytes_new_take (g_steal_pointer (&contents), length);
  {
    g_autofree char *mime = g_content_type_get_mime_type (content_type);

    prepare_bytes (self, bytes, basename, mime);
  }
}

static void
prepare_next_file (SbMakeVideoDialog *self)
{
  FileInput *input;

  if (self->file_index >= self->file_inputs->len)
    {
      submit_request (self);
      return;
    }

  input = g_ptr_array_index (self->file_inputs, self->file_index);
  if (g_file_equal (input->file, self->image_file))
    {
      /* The queue reads and sends the library's image when the job starts
       * (and again on a retry); the stored input keeps only its marker. */
      g_autofree char *uri = sb_generation_media_uri (sb_media_item_get_id (self->item));

      set_file_input (self, input, uri);
      self->file_index++;
      prepare_next_file (self);
    }
  else
    g_file_load_contents_async (input->file, self->cancellable,
                                file_contents_loaded_cb, g_object_ref (self));
}

static void
submit_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  SbMakeVideoDialog *self = SB_MAKE_VIDEO_DIALOG (widget);
  g_autoptr(JsonObject) input = NULL;
  g_autoptr(GHashTable) errors = NULL;
  g_autoptr(GHashTable) files = NULL;
  GPtrArray *params;

  if (!is_ready (self, NULL) || self->state == STATE_PREPARING)
    return;

  if (!sb_param_form_build_input (self->form, &input, &errors))
    {
      show_toast (self, _("Check the highlighted video settings"));
      return;
    }

  params = sb_param_form_get_params (self->form);
  files = sb_param_form_get_file_inputs (self->form);
  g_clear_pointer (&self->file_inputs, g_ptr_array_unref);
  self->file_inputs = g_ptr_array_new_with_free_func ((GDestroyNotify) file_input_free);

  /* In the form's order, so the image goes first. */
  for (guint i = 0; params != NULL && i < params->len; i++)
    {
      SbModelParam *param = g_ptr_array_index (params, i);
      GFile *file = files != NULL ? g_hash_table_lookup (files, param->name) : NULL;
      FileInput *file_input;

      if (file == NULL)
        continue;

      file_input = g_new0 (FileInput, 1);
      file_input->name = g_strdup (param->name);
      file_input->file = g_object_ref (file);
      file_input->is_array = param->type == SB_MODEL_PARAM_ARRAY;
      g_ptr_array_add (self->file_inputs, file_input);
    }

  g_clear_pointer (&self->input, json_object_unref);
  self->input = g_steal_pointer (&input);
  self->file_index = 0;
  self->state = STATE_PREPARING;
  sb_param_form_show_errors (self->form, NULL);
  g_clear_object (&self->job);
  update_ui (self);

  prepare_next_file (self);
}

static void
cancel_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  SbMakeVideoDialog *self = SB_MAKE_VIDEO_DIALOG (widget);

  if (self->job != NULL)
    sb_generation_queue_cancel_job (self->queue, self->job);
}

static void
retry_action (GtkWidget  *widget,
              const char *action_name,
              GVariant   *parameter)
{
  SbMakeVideoDialog *self = SB_MAKE_VIDEO_DIALOG (widget);

  if (self->job == NULL)
    return;

  if (self->form != NULL)
    sb_param_form_show_errors (self->form, NULL);
  self->awaiting_retry = TRUE;
  sb_generation_queue_retry (self->queue, self->job);
}

static void
open_videos_action (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *parameter)
{
  GtkWindow *window = gtk_window_get_transient_for (GTK_WINDOW (widget));

  /* The main window is further up the chain of parents (the viewer, then
   * the main window). */
  while (window != NULL)
    {
      if (gtk_widget_activate_action (GTK_WIDGET (window), "win.show-page", "s", "videos"))
        {
          gtk_window_present (window);
          break;
        }
      window = gtk_window_get_transient_for (window);
    }

  gtk_window_close (GTK_WINDOW (widget));
}

static void
sb_make_video_dialog_dispose (GObject *object)
{
  SbMakeVideoDialog *self = SB_MAKE_VIDEO_DIALOG (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_handle_id (&self->tick_id, g_source_remove);
  self->picker = NULL;
  self->form = NULL;

  gtk_widget_dispose_template (GTK_WIDGET (self), SB_TYPE_MAKE_VIDEO_DIALOG);

  G_OBJECT_CLASS (sb_make_video_dialog_parent_class)->dispose (object);
}

static void
sb_make_video_dialog_finalize (GObject *object)
{
  SbMakeVideoDialog *self = SB_MAKE_VIDEO_DIALOG (object);

  g_clear_object (&self->cancellable);
  g_clear_object (&self->library);
  g_clear_object (&self->queue);
  g_clear_object (&self->client);
  g_clear_object (&self->settings);
  g_clear_object (&self->item);
  g_clear_object (&self->image_file);
  g_clear_object (&self->job);
  g_clear_pointer (&self->batch_id, g_free);
  g_clear_pointer (&self->input, json_object_unref);
  g_clear_pointer (&self->file_inputs, g_ptr_array_unref);

  G_OBJECT_CLASS (sb_make_video_dialog_parent_class)->finalize (object);
}

static void
sb_make_video_dialog_class_init (SbMakeVideoDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = sb_make_video_dialog_dispose;
  object_class->finalize = sb_make_video_dialog_finalize;

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_BASE "/ui/sb-make-video-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, SbMakeVideoDialog, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, SbMakeVideoDialog, thumbnail);
  gtk_widget_class_bind_template_child (widget_class, SbMakeVideoDialog, model_group);
  gtk_widget_class_bind_template_child (widget_class, SbMakeVideoDialog, picker_bin);
  gtk_widget_class_bind_template_child (widget_class, SbMakeVideoDialog, form_bin);
  gtk_widget_class_bind_template_child (widget_class, SbMakeVideoDialog, progress_box);
  gtk_widget_class_bind_template_child (widget_class, SbMakeVideoDialog, status_label);
  gtk_widget_class_bind_template_child (widget_class, SbMakeVideoDialog, progress_bar);
  gtk_widget_class_bind_template_child (widget_class, SbMakeVideoDialog, elapsed_label);
  gtk_widget_class_bind_template_child (widget_class, SbMakeVideoDialog, message_label);
  gtk_widget_class_bind_template_child (widget_class, SbMakeVideoDialog, cancel_button);
  gtk_widget_class_bind_template_child (widget_class, SbMakeVideoDialog, retry_button);
  gtk_widget_class_bind_template_child (widget_class, SbMakeVideoDialog, open_videos_button);
  gtk_widget_class_bind_template_child (widget_class, SbMakeVideoDialog, make_button);

  gtk_widget_class_install_action (widget_class, "make-video.submit", NULL, submit_action);
  gtk_widget_class_install_action (widget_class, "make-video.cancel", NULL, cancel_action);
  gtk_widget_class_install_action (widget_class, "make-video.retry", NULL, retry_action);
  gtk_widget_class_install_action (widget_class, "make-video.open-videos", NULL, open_videos_action);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
sb_make_video_dialog_init (SbMakeVideoDialog *self)
{
  self->cancellable = g_cancellable_new ();

  gtk_widget_init_template (GTK_WIDGET (self));
}

GtkWidget *
sb_make_video_dialog_new (SbLibrary         *library,
                          SbGenerationQueue *queue,
                          SbReplicateClient *client,
                          GSettings         *settings,
                          SbMediaItem       *item)
{
  SbMakeVideoDialog *self;
  g_autofree char *uri = NULL;
  GtkWidget *picker;

  g_return_val_if_fail (SB_IS_LIBRARY (library), NULL);
  g_return_val_if_fail (queue == NULL || SB_IS_GENERATION_QUEUE (queue), NULL);
  g_return_val_if_fail (client == NULL || SB_IS_REPLICATE_CLIENT (client), NULL);
  g_return_val_if_fail (settings == NULL || G_IS_SETTINGS (settings), NULL);
  g_return_val_if_fail (SB_IS_MEDIA_ITEM (item), NULL);

  self = g_object_new (SB_TYPE_MAKE_VIDEO_DIALOG, NULL);
  self->library = g_object_ref (library);
  self->queue = queue != NULL ? g_object_ref (queue) : NULL;
  self->client = client != NULL ? g_object_ref (client) : NULL;
  self->settings = settings != NULL ? g_object_ref (settings) : NULL;
  self->item = g_object_ref (item);

  /* Stands for the library's copy of the image in the form; the bytes are
   * read from the library when the video is made. */
  uri = g_strdup_printf ("storyboard-media:///%" G_GINT64_FORMAT "/%s",
                         sb_media_item_get_id (item),
                         sb_media_item_get_filename (item) != NULL && *sb_media_item_get_filename (item) != '\0'
                           ? sb_media_item_get_filename (item) : "image");
  self->image_file = g_file_new_for_uri (uri);

  picker = sb_model_picker_new (library, settings, "image-to-video");
  gtk_accessible_update_property (GTK_ACCESSIBLE (picker),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("Video model"), -1);
  self->picker = SB_MODEL_PICKER (picker);
  adw_bin_set_child (self->picker_bin, picker);
  g_signal_connect_object (picker, "model-changed", G_CALLBACK (on_model_changed), self,
                           G_CONNECT_SWAPPED);

  g_signal_connect_object (g_network_monitor_get_default (), "network-changed",
                           G_CALLBACK (on_network_changed), self, G_CONNECT_SWAPPED);
  if (queue != NULL)
    g_signal_connect_object (queue, "job-changed", G_CALLBACK (on_queue_job_changed), self,
                             G_CONNECT_SWAPPED);

  sb_library_get_media_async (library, sb_media_item_get_id (item), self->cancellable,
                              item_loaded_cb, g_object_ref (self));
  sb_library_load_thumbnail_async (library, sb_media_item_get_id (item), self->cancellable,
                                   thumbnail_loaded_cb, g_object_ref (self));
  sb_secrets_lookup_async (SB_PROVIDER_REPLICATE, self->cancellable,
                           key_looked_up_cb, g_object_ref (self));

  on_model_changed (self);
  if (queue != NULL)
    find_running_job (self);
  update_ui (self);

  return GTK_WIDGET (self);
}

SbModelPicker *
sb_make_video_dialog_get_model_picker (SbMakeVideoDialog *self)
{
  g_return_val_if_fail (SB_IS_MAKE_VIDEO_DIALOG (self), NULL);

  return self->picker;
}

SbParamForm *
sb_make_video_dialog_get_param_form (SbMakeVideoDialog *self)
{
  g_return_val_if_fail (SB_IS_MAKE_VIDEO_DIALOG (self), NULL);

  return self->form;
}

SbGenerationJob *
sb_make_video_dialog_get_job (SbMakeVideoDialog *self)
{
  g_return_val_if_fail (SB_IS_MAKE_VIDEO_DIALOG (self), NULL);

  return self->job;
}

const char *
sb_make_video_dialog_get_status (SbMakeVideoDialog *self)
{
  g_return_val_if_fail (SB_IS_MAKE_VIDEO_DIALOG (self), NULL);

  return gtk_label_get_label (self->status_label);
}

const char *
sb_make_video_dialog_get_message (SbMakeVideoDialog *self)
{
  g_return_val_if_fail (SB_IS_MAKE_VIDEO_DIALOG (self), NULL);

  return gtk_widget_get_visible (GTK_WIDGET (self->message_label))
           ? gtk_label_get_label (self->message_label) : NULL;
}
