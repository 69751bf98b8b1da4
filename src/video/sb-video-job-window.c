/* sb-video-job-window.c
 *
 * Copyright 2026 The Storyboard authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "sb-video"

#include "config.h"

#include <glib/gi18n.h>

#include "sb-video-job-text.h"
#include "sb-video-job-window.h"

struct _SbVideoJobWindow
{
  AdwWindow          parent_instance;

  /* Template widgets */
  AdwWindowTitle    *window_title;
  GtkPicture        *picture;
  GtkSpinner        *spinner;
  GtkWidget         *error_icon;
  GtkLabel          *state_label;
  GtkLabel          *message_label;
  AdwActionRow      *model_row;
  AdwActionRow      *prompt_row;
  AdwActionRow      *elapsed_row;
  GtkWidget         *remove_button;
  GtkWidget         *cancel_button;
  GtkWidget         *retry_button;
  GtkWidget         *play_button;

  /* Owned */
  SbGenerationJob   *job;
  SbGenerationQueue *queue;
  SbThumbnailLoader *loader;
  GCancellable      *cancellable;
  guint              tick_id;
};

G_DEFINE_FINAL_TYPE (SbVideoJobWindow, sb_video_job_window, ADW_TYPE_WINDOW)

static void update (SbVideoJobWindow *self);

static gboolean
tick_cb (gpointer user_data)
{
  update (user_data);

  return G_SOURCE_CONTINUE;
}

static void
update (SbVideoJobWindow *self)
{
  SbJobStatus status = sb_generation_job_get_status (self->job);
  gboolean running = sb_video_job_is_running (self->job);
  gboolean failed = sb_video_job_is_failed (self->job);
  gboolean can_retry = self->queue != NULL && (failed || status == SB_JOB_CANCELED);
  g_autofree char *state = sb_video_job_describe_state (self->job);
  g_autofree char *message = sb_video_job_dup_message (self->job);
  g_autofree char *elapsed = sb_video_job_format_elapsed (sb_video_job_get_elapsed (self->job));

  gtk_label_set_label (self->state_label, state);
  gtk_label_set_label (self->message_label, message != NULL ? message : "");
  gtk_widget_set_visible (GTK_WIDGET (self->message_label), message != NULL);
  adw_action_row_set_subtitle (self->elapsed_row, elapsed);

  gtk_spinner_set_spinning (self->spinner, running);
  gtk_widget_set_visible (GTK_WIDGET (self->spinner), running);
  gtk_widget_set_visible (self->error_icon, failed);

  gtk_widget_set_visible (self->cancel_button, running);
  gtk_widget_set_visible (self->retry_button, failed || status == SB_JOB_CANCELED);
  gtk_widget_set_visible (self->remove_button, failed && !sb_generation_job_get_dismissed (self->job));
  gtk_widget_set_visible (self->play_button, status == SB_JOB_SUCCEEDED);

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "job.cancel", running && self->queue != NULL);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "job.retry", can_retry);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "job.remove",
                                 failed && self->queue != NULL && !sb_generation_job_get_dismissed (self->job));
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "job.play",
                                 status == SB_JOB_SUCCEEDED && sb_generation_job_get_media_id (self->job) > 0);

  sb_video_job_update_ticking (self->job, GTK_WIDGET (self), &self->tick_id, tick_cb);
}

static void
update_details (SbVideoJobWindow *self)
{
  g_autofree char *prompt = sb_video_job_dup_prompt (self->job);
  const char *model = sb_generation_job_get_model (self->job);

  adw_action_row_set_subtitle (self->model_row, model != NULL ? model : "");
  adw_action_row_set_subtitle (self->prompt_row, prompt != NULL && *prompt != '\0' ? prompt : _("None"));
  adw_window_title_set_subtitle (self->window_title, model != NULL ? model : "");
}

static void
on_job_notify (SbVideoJobWindow *self)
{
  update (self);
}

static void
thumbnail_loaded_cb (GObject      *object,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  g_autoptr(SbVideoJobWindow) self = user_data;
  g_autoptr(GdkTexture) texture = NULL;
  g_autoptr(GError) error = NULL;

  texture = sb_thumbnail_loader_load_finish (SB_THUMBNAIL_LOADER (object), result, &error);
  if (texture == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          g_debug ("No thumbnail for the video job's image: %s", error->message);
          gtk_widget_set_visible (GTK_WIDGET (self->picture), FALSE);
        }
      return;
    }

  gtk_picture_set_paintable (self->picture, GDK_PAINTABLE (texture));
}

static void
load_thumbnail (SbVideoJobWindow *self)
{
  gint64 id = sb_generation_job_get_source_media_id (self->job);
  GdkTexture *cached;

  if (id <= 0)
    {
      gtk_widget_set_visible (GTK_WIDGET (self->picture), FALSE);
      return;
    }

  cached = sb_thumbnail_loader_lookup (self->loader, id);
  if (cached != NULL)
    {
      gtk_picture_set_paintable (self->picture, GDK_PAINTABLE (cached));
      return;
    }

  sb_thumbnail_loader_load_async (self->loader, id, self->cancellable,
                                  thumbnail_loaded_cb, g_object_ref (self));
}

/* ---- actions ------------------------------------------------------------ */

static void
retry_action (GtkWidget  *widget,
              const char *action_name,
              GVariant   *parameter)
{
  SbVideoJobWindow *self = SB_VIDEO_JOB_WINDOW (widget);

  if (self->queue == NULL)
    return;

  /* A new job: its tile takes this one's place on the Videos page. */
  sb_generation_queue_retry (self->queue, self->job);
  gtk_window_close (GTK_WINDOW (self));
}

static void
remove_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  SbVideoJobWindow *self = SB_VIDEO_JOB_WINDOW (widget);

  if (self->queue == NULL)
    return;

  sb_generation_queue_dismiss (self->queue, self->job);
  gtk_window_close (GTK_WINDOW (self));
}

static void
cancel_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  SbVideoJobWindow *self = SB_VIDEO_JOB_WINDOW (widget);

  if (self->queue != NULL)
    sb_generation_queue_cancel_job (self->queue, self->job);
}

static void
play_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  SbVideoJobWindow *self = SB_VIDEO_JOB_WINDOW (widget);
  GtkWindow *parent = gtk_window_get_transient_for (GTK_WINDOW (self));
  gint64 media_id = sb_generation_job_get_media_id (self->job);

  if (parent == NULL || media_id <= 0)
    return;

  gtk_widget_activate_action (GTK_WIDGET (parent), "win.play-video", "x", media_id);
  gtk_window_close (GTK_WINDOW (self));
}

/* ---- GObject ------------------------------------------------------------ */

static void
sb_video_job_window_map (GtkWidget *widget)
{
  SbVideoJobWindow *self = SB_VIDEO_JOB_WINDOW (widget);
  GtkWidget *buttons[] = { self->retry_button, self->play_button, self->cancel_button, self->remove_button };

  GTK_WIDGET_CLASS (sb_video_job_window_parent_class)->map (widget);

  update (self);

  /* Not the message: focusing a selectable label selects all of it. */
  for (guint i = 0; i < G_N_ELEMENTS (buttons); i++)
    if (gtk_widget_get_visible (buttons[i]) && gtk_widget_grab_focus (buttons[i]))
      break;
}

static void
sb_video_job_window_unmap (GtkWidget *widget)
{
  SbVideoJobWindow *self = SB_VIDEO_JOB_WINDOW (widget);

  GTK_WIDGET_CLASS (sb_video_job_window_parent_class)->unmap (widget);

  sb_video_job_update_ticking (self->job, widget, &self->tick_id, tick_cb);
}

static void
sb_video_job_window_dispose (GObject *object)
{
  SbVideoJobWindow *self = SB_VIDEO_JOB_WINDOW (object);

  g_clear_handle_id (&self->tick_id, g_source_remove);
  g_cancellable_cancel (self->cancellable);
  if (self->job != NULL)
    g_signal_handlers_disconnect_by_func (self->job, on_job_notify, self);

  gtk_widget_dispose_template (GTK_WIDGET (self), SB_TYPE_VIDEO_JOB_WINDOW);

  G_OBJECT_CLASS (sb_video_job_window_parent_class)->dispose (object);
}

static void
sb_video_job_window_finalize (GObject *object)
{
  SbVideoJobWindow *self = SB_VIDEO_JOB_WINDOW (object);

  g_clear_object (&self->job);
  g_clear_object (&self->queue);
  g_clear_object (&self->loader);
  g_clear_object (&self->cancellable);

  G_OBJECT_CLASS (sb_video_job_window_parent_class)->finalize (object);
}

static void
sb_video_job_window_class_init (SbVideoJobWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = sb_video_job_window_dispose;
  object_class->finalize = sb_video_job_window_finalize;

  widget_class->map = sb_video_job_window_map;
  widget_class->unmap = sb_video_job_window_unmap;

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_BASE "/ui/sb-video-job-window.ui");
  gtk_widget_class_bind_template_child (widget_class, SbVideoJobWindow, window_title);
  gtk_widget_class_bind_template_child (widget_class, SbVideoJobWindow, picture);
  gtk_widget_class_bind_template_child (widget_class, SbVideoJobWindow, spinner);
  gtk_widget_class_bind_template_child (widget_class, SbVideoJobWindow, error_icon);
  gtk_widget_class_bind_template_child (widget_class, SbVideoJobWindow, state_label);
  gtk_widget_class_bind_template_child (widget_class, SbVideoJobWindow, message_label);
  gtk_widget_class_bind_template_child (widget_class, SbVideoJobWindow, model_row);
  gtk_widget_class_bind_template_child (widget_class, SbVideoJobWindow, prompt_row);
  gtk_widget_class_bind_template_child (widget_class, SbVideoJobWindow, elapsed_row);
  gtk_widget_class_bind_template_child (widget_class, SbVideoJobWindow, remove_button);
  gtk_widget_class_bind_template_child (widget_class, SbVideoJobWindow, cancel_button);
  gtk_widget_class_bind_template_child (widget_class, SbVideoJobWindow, retry_button);
  gtk_widget_class_bind_template_child (widget_class, SbVideoJobWindow, play_button);

  gtk_widget_class_install_action (widget_class, "job.retry", NULL, retry_action);
  gtk_widget_class_install_action (widget_class, "job.remove", NULL, remove_action);
  gtk_widget_class_install_action (widget_class, "job.cancel", NULL, cancel_action);
  gtk_widget_class_install_action (widget_class, "job.play", NULL, play_action);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
sb_video_job_window_init (SbVideoJobWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->cancellable = g_cancellable_new ();
}

SbVideoJobWindow *
sb_video_job_window_new (SbGenerationJob   *job,
                         SbGenerationQueue *queue,
                         SbThumbnailLoader *loader)
{
  SbVideoJobWindow *self;

  g_return_val_if_fail (SB_IS_GENERATION_JOB (job), NULL);
  g_return_val_if_fail (queue == NULL || SB_IS_GENERATION_QUEUE (queue), NULL);
  g_return_val_if_fail (SB_IS_THUMBNAIL_LOADER (loader), NULL);

  self = g_object_new (SB_TYPE_VIDEO_JOB_WINDOW, NULL);
  self->job = g_object_ref (job);
  self->queue = queue != NULL ? g_object_ref (queue) : NULL;
  self->loader = g_object_ref (loader);

  g_signal_connect_object (self->job, "notify", G_CALLBACK (on_job_notify), self, G_CONNECT_SWAPPED);
  update_details (self);
  load_thumbnail (self);
  update (self);

  return self;
}

SbGenerationJob *
sb_video_job_window_get_job (SbVideoJobWindow *self)
{
  g_return_val_if_fail (SB_IS_VIDEO_JOB_WINDOW (self), NULL);

  return self->job;
}

const char *
sb_video_job_window_get_state (SbVideoJobWindow *self)
{
  g_return_val_if_fail (SB_IS_VIDEO_JOB_WINDOW (self), NULL);

  return gtk_label_get_label (self->state_label);
}

const char *
sb_video_job_window_get_message (SbVideoJobWindow *self)
{
  g_return_val_if_fail (SB_IS_VIDEO_JOB_WINDOW (self), NULL);

  return gtk_widget_get_visible (GTK_WIDGET (self->message_label))
           ? gtk_label_get_label (self->message_label)
           : NULL;
}
