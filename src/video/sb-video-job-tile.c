/* sb-video-job-tile.c
 *
 * Copyright 2026 The Storyboard authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "sb-video"

#include "config.h"

#include <glib/gi18n.h>

#include "sb-video-job-text.h"
#include "sb-video-job-tile.h"

/* The same size as the video tiles beside it. */
#define TILE_MIN_SIZE     120
#define TILE_NATURAL_SIZE 180

struct _SbVideoJobTile
{
  GtkWidget          parent_instance;

  /* Template widgets */
  GtkPicture        *picture;
  GtkWidget         *content_box;
  GtkSpinner        *spinner;
  GtkWidget         *error_icon;
  GtkLabel          *state_label;
  GtkLabel          *message_label;
  GtkWidget         *cancel_button;
  GtkWidget         *retry_button;

  /* Owned */
  SbThumbnailLoader *loader;
  SbGenerationQueue *queue;
  SbGenerationJob   *job;
  GCancellable      *cancellable;
  gint64             thumbnail_id;
  guint              tick_id;
};

G_DEFINE_FINAL_TYPE (SbVideoJobTile, sb_video_job_tile, GTK_TYPE_WIDGET)

static void update (SbVideoJobTile *self);

static gboolean
tick_cb (gpointer user_data)
{
  update (user_data);

  return G_SOURCE_CONTINUE;
}

static void
thumbnail_loaded_cb (GObject      *object,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  g_autoptr(SbVideoJobTile) self = user_data;
  g_autoptr(GdkTexture) texture = NULL;
  g_autoptr(GError) error = NULL;

  texture = sb_thumbnail_loader_load_finish (SB_THUMBNAIL_LOADER (object), result, &error);
  if (texture == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_debug ("No thumbnail for the video job's image: %s", error->message);
      return;
    }

  gtk_picture_set_paintable (self->picture, GDK_PAINTABLE (texture));
}

static void
update_thumbnail (SbVideoJobTile *self)
{
  gint64 id = self->job != NULL ? sb_generation_job_get_source_media_id (self->job) : 0;
  GdkTexture *cached;

  if (id == self->thumbnail_id)
    return;

  self->thumbnail_id = id;
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);

  cached = id > 0 ? sb_thumbnail_loader_lookup (self->loader, id) : NULL;
  gtk_picture_set_paintable (self->picture, GDK_PAINTABLE (cached));
  if (id > 0 && cached == NULL)
    {
      self->cancellable = g_cancellable_new ();
      sb_thumbnail_loader_load_async (self->loader, id, self->cancellable,
                                      thumbnail_loaded_cb, g_object_ref (self));
    }
}

static void
update (SbVideoJobTile *self)
{
  g_autofree char *state = NULL;
  g_autofree char *message = NULL;
  g_autofree char *label = NULL;
  gboolean running = sb_video_job_is_running (self->job);
  gboolean failed = self->job != NULL && sb_video_job_is_failed (self->job);

  if (self->job != NULL)
    {
      state = sb_video_job_describe_state (self->job);
      message = sb_video_job_dup_message (self->job);
    }

  gtk_label_set_label (self->state_label, state != NULL ? state : "");
  gtk_label_set_label (self->message_label, message != NULL ? message : "");
  gtk_widget_set_visible (GTK_WIDGET (self->message_label), message != NULL);
  /* The whole message; the tile only has room for its start. */
  gtk_widget_set_tooltip_text (GTK_WIDGET (self), message);

  gtk_spinner_set_spinning (self->spinner, running);
  gtk_widget_set_visible (GTK_WIDGET (self->spinner), running);
  gtk_widget_set_visible (self->error_icon, failed);
  gtk_widget_set_visible (self->cancel_button, running);
  gtk_widget_set_visible (self->retry_button, failed);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "job-tile.cancel", running && self->queue != NULL);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "job-tile.retry", failed && self->queue != NULL);

  if (failed)
    /* Translators: a video tile; %s is the provider's message */
    label = g_strdup_printf (_("Video that could not be made: %s"), message);
  else if (state != NULL)
    /* Translators: a video tile; %s is its state, e.g. "Making video… 2:13" */
    label = g_strdup_printf (_("Video being made: %s"), state);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, label != NULL ? label : _("Video job"),
                                  -1);

  sb_video_job_update_ticking (self->job, GTK_WIDGET (self), &self->tick_id, tick_cb);
}

static void
on_job_notify (SbVideoJobTile *self)
{
  update_thumbnail (self);
  update (self);
}

/* ---- actions ------------------------------------------------------------ */

static void
cancel_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  SbVideoJobTile *self = SB_VIDEO_JOB_TILE (widget);

  if (self->queue != NULL && sb_video_job_is_running (self->job))
    sb_generation_queue_cancel_job (self->queue, self->job);
}

static void
retry_action (GtkWidget  *widget,
              const char *action_name,
              GVariant   *parameter)
{
  SbVideoJobTile *self = SB_VIDEO_JOB_TILE (widget);

  if (self->queue != NULL && self->job != NULL && sb_video_job_is_failed (self->job))
    sb_generation_queue_retry (self->queue, self->job);
}

/* ---- GtkWidget ---------------------------------------------------------- */

static GtkSizeRequestMode
sb_video_job_tile_get_request_mode (GtkWidget *widget)
{
  return GTK_SIZE_REQUEST_HEIGHT_FOR_WIDTH;
}

/* A square, unless the text needs more height. */
static void
sb_video_job_tile_measure (GtkWidget      *widget,
                           GtkOrientation  orientation,
                           int             for_size,
                           int            *minimum,
                           int            *natural,
                           int            *minimum_baseline,
                           int            *natural_baseline)
{
  SbVideoJobTile *self = SB_VIDEO_JOB_TILE (widget);
  int child_min = 0, child_nat = 0;

  gtk_widget_measure (self->content_box, orientation, for_size, &child_min, &child_nat, NULL, NULL);

  if (orientation == GTK_ORIENTATION_VERTICAL && for_size > 0)
    {
      *minimum = *natural = MAX (for_size, child_min);
      return;
    }

  *minimum = MAX (TILE_MIN_SIZE, child_min);
  *natural = MAX (*minimum, TILE_NATURAL_SIZE);
}

static void
sb_video_job_tile_size_allocate (GtkWidget *widget,
                                 int        width,
                                 int        height,
                                 int        baseline)
{
  SbVideoJobTile *self = SB_VIDEO_JOB_TILE (widget);

  gtk_widget_allocate (GTK_WIDGET (self->picture), width, height, -1, NULL);
  gtk_widget_allocate (self->content_box, width, height, -1, NULL);
}

static void
sb_video_job_tile_map (GtkWidget *widget)
{
  GTK_WIDGET_CLASS (sb_video_job_tile_parent_class)->map (widget);

  /* What changed while it was off screen. */
  update (SB_VIDEO_JOB_TILE (widget));
}

static void
sb_video_job_tile_unmap (GtkWidget *widget)
{
  SbVideoJobTile *self = SB_VIDEO_JOB_TILE (widget);

  GTK_WIDGET_CLASS (sb_video_job_tile_parent_class)->unmap (widget);

  sb_video_job_update_ticking (self->job, widget, &self->tick_id, tick_cb);
}

/* ---- GObject ------------------------------------------------------------ */

static void
sb_video_job_tile_dispose (GObject *object)
{
  SbVideoJobTile *self = SB_VIDEO_JOB_TILE (object);

  g_clear_handle_id (&self->tick_id, g_source_remove);
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  if (self->job != NULL)
    g_signal_handlers_disconnect_by_func (self->job, on_job_notify, self);
  g_clear_object (&self->job);
  g_clear_object (&self->queue);

  gtk_widget_dispose_template (GTK_WIDGET (self), SB_TYPE_VIDEO_JOB_TILE);

  G_OBJECT_CLASS (sb_video_job_tile_parent_class)->dispose (object);
}

static void
sb_video_job_tile_finalize (GObject *object)
{
  SbVideoJobTile *self = SB_VIDEO_JOB_TILE (object);

  g_clear_object (&self->loader);

  G_OBJECT_CLASS (sb_video_job_tile_parent_class)->finalize (object);
}

static void
sb_video_job_tile_class_init (SbVideoJobTileClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = sb_video_job_tile_dispose;
  object_class->finalize = sb_video_job_tile_finalize;

  widget_class->get_request_mode = sb_video_job_tile_get_request_mode;
  widget_class->measure = sb_video_job_tile_measure;
  widget_class->size_allocate = sb_video_job_tile_size_allocate;
  widget_class->map = sb_video_job_tile_map;
  widget_class->unmap = sb_video_job_tile_unmap;

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_BASE "/ui/sb-video-job-tile.ui");
  gtk_widget_class_bind_template_child (widget_class, SbVideoJobTile, picture);
  gtk_widget_class_bind_template_child (widget_class, SbVideoJobTile, content_box);
  gtk_widget_class_bind_template_child (widget_class, SbVideoJobTile, spinner);
  gtk_widget_class_bind_template_child (widget_class, SbVideoJobTile, error_icon);
  gtk_widget_class_bind_template_child (widget_class, SbVideoJobTile, state_label);
  gtk_widget_class_bind_template_child (widget_class, SbVideoJobTile, message_label);
  gtk_widget_class_bind_template_child (widget_class, SbVideoJobTile, cancel_button);
  gtk_widget_class_bind_template_child (widget_class, SbVideoJobTile, retry_button);

  gtk_widget_class_install_action (widget_class, "job-tile.cancel", NULL, cancel_action);
  gtk_widget_class_install_action (widget_class, "job-tile.retry", NULL, retry_action);

  gtk_widget_class_set_css_name (widget_class, "sbvideojobtile");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_GROUP);
}

static void
sb_video_job_tile_init (SbVideoJobTile *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  gtk_widget_set_overflow (GTK_WIDGET (self), GTK_OVERFLOW_HIDDEN);
  update (self);
}

GtkWidget *
sb_video_job_tile_new (SbThumbnailLoader *loader)
{
  SbVideoJobTile *self;

  g_return_val_if_fail (SB_IS_THUMBNAIL_LOADER (loader), NULL);

  self = g_object_new (SB_TYPE_VIDEO_JOB_TILE, NULL);
  self->loader = g_object_ref (loader);

  return GTK_WIDGET (self);
}

void
sb_video_job_tile_set_queue (SbVideoJobTile    *self,
                             SbGenerationQueue *queue)
{
  g_return_if_fail (SB_IS_VIDEO_JOB_TILE (self));
  g_return_if_fail (queue == NULL || SB_IS_GENERATION_QUEUE (queue));

  if (g_set_object (&self->queue, queue))
    update (self);
}

SbGenerationJob *
sb_video_job_tile_get_job (SbVideoJobTile *self)
{
  g_return_val_if_fail (SB_IS_VIDEO_JOB_TILE (self), NULL);

  return self->job;
}

void
sb_video_job_tile_set_job (SbVideoJobTile  *self,
                           SbGenerationJob *job)
{
  g_return_if_fail (SB_IS_VIDEO_JOB_TILE (self));
  g_return_if_fail (job == NULL || SB_IS_GENERATION_JOB (job));

  if (self->job == job)
    return;

  if (self->job != NULL)
    g_signal_handlers_disconnect_by_func (self->job, on_job_notify, self);
  g_set_object (&self->job, job);
  if (self->job != NULL)
    g_signal_connect_object (self->job, "notify", G_CALLBACK (on_job_notify), self, G_CONNECT_SWAPPED);

  update_thumbnail (self);
  update (self);
}

const char *
sb_video_job_tile_get_state (SbVideoJobTile *self)
{
  g_return_val_if_fail (SB_IS_VIDEO_JOB_TILE (self), NULL);

  return gtk_label_get_label (self->state_label);
}

const char *
sb_video_job_tile_get_message (SbVideoJobTile *self)
{
  g_return_val_if_fail (SB_IS_VIDEO_JOB_TILE (self), NULL);

  return gtk_widget_get_visible (GTK_WIDGET (self->message_label))
           ? gtk_label_get_label (self->message_label)
           : NULL;
}

gboolean
sb_video_job_tile_has_texture (SbVideoJobTile *self)
{
  g_return_val_if_fail (SB_IS_VIDEO_JOB_TILE (self), FALSE);

  return gtk_picture_get_paintable (self->picture) != NULL;
}
