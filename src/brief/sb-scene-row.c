/* sb-scene-row.c
 *
 * Copyright 2026 The Storyboard authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "sb-brief"

#include "config.h"

#include <glib/gi18n.h>

#include "sb-brief-editor.h"
#include "sb-scene-row.h"
#include "sb-thumbnail-loader.h"
#include "sb-video-job-text.h"

struct _SbSceneRow
{
  GtkWidget       parent_instance;

  /* Template widgets */
  GtkWidget      *card;
  GtkLabel       *number_label;
  GtkEntry       *title_entry;
  GtkSpinButton  *duration_spin;
  GtkWidget      *drag_handle;
  GtkTextView    *description_view;
  GtkTextView    *prompt_view;
  GtkEntry       *notes_entry;
  GtkPicture     *image_picture;
  GtkLabel       *state_label;
  GtkProgressBar *progress_bar;
  GtkWidget      *retry_button;
  GtkWidget      *again_button;
  GtkWidget      *variants_button;
  GtkWidget      *choose_button;
  GtkPopover     *variants_popover;
  GtkPopover     *choose_popover;
  GtkSpinButton  *variants_spin;
  GtkFlowBox     *variants_box;
  GtkLabel       *video_state_label;
  GtkWidget      *play_button;
  GtkWidget      *video_retry_button;
  GtkWidget      *video_cancel_button;
  GtkWidget      *make_video_button;

  /* Owned */
  SbScene           *scene;
  SbGenerationJob   *job;
  SbThumbnailLoader *loader;
  GCancellable      *thumbnail_cancellable;
  gint64             shown_media_id;
  SbGenerationJob   *video_job;
  double             video_duration;  /* seconds, -1 unknown */
  guint              video_tick_id;
  gboolean           can_make_video;
  char              *video_problem;   /* why the scene cannot get a video, or NULL */

  guint           position;
  guint           n_scenes;
  gboolean        updating;
};

G_DEFINE_FINAL_TYPE (SbSceneRow, sb_scene_row, GTK_TYPE_WIDGET)

/* Takes @label. */
static void
set_accessible_label (GtkWidget *widget,
                      char      *label)
{
  gtk_accessible_update_property (GTK_ACCESSIBLE (widget),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, label,
                                  -1);
  g_free (label);
}

static void
update_labels (SbSceneRow *self)
{
  g_autofree char *number = NULL;
  g_autofree char *accessible = NULL;
  g_autofree char *field = NULL;
  const char *title = self->scene != NULL ? sb_scene_get_title (self->scene) : NULL;
  guint scene_number = self->position + 1;

  /* Translators: %u is the scene's number */
  number = g_strdup_printf (_("Scene %u"), self->position + 1);
  gtk_label_set_label (self->number_label, number);

  /* Translators: the accessible name of a scene card: "Scene 3: At the beach" */
  accessible = g_strdup_printf (_("Scene %u: %s"), self->position + 1, title != NULL ? title : "");
  gtk_accessible_update_property (GTK_ACCESSIBLE (self),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, accessible,
                                  -1);

  /* Translators: %u is the scene's number */
  field = g_strdup_printf (_("Title of scene %u"), self->position + 1);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->title_entry),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, field,
                                  -1);

  /* Each card's video buttons say which scene they are for. */
  /* Translators: %u is the scene's number */
  set_accessible_label (self->make_video_button, g_strdup_printf (_("Make a video of scene %u"), scene_number));
  /* Translators: %u is the scene's number */
  set_accessible_label (self->video_retry_button, g_strdup_printf (_("Retry the video of scene %u"), scene_number));
  /* Translators: %u is the scene's number */
  set_accessible_label (self->video_cancel_button, g_strdup_printf (_("Cancel the video of scene %u"), scene_number));
  /* Translators: %u is the scene's number */
  set_accessible_label (self->play_button, g_strdup_printf (_("Play the video of scene %u"), scene_number));

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "scene.move-up", self->scene != NULL && self->position > 0);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "scene.move-down",
                                 self->scene != NULL && self->position + 1 < self->n_scenes);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "scene.remove", self->scene != NULL && self->n_scenes > 1);
}

static void
report_edit (SbSceneRow *self,
             const char *field)
{
  gtk_widget_activate_action (GTK_WIDGET (self), "editor.scene-edited", "(us)",
                              self->position, field);
}

static char *
buffer_dup_text (GtkTextBuffer *buffer)
{
  GtkTextIter start, end;

  gtk_text_buffer_get_bounds (buffer, &start, &end);
  return gtk_text_buffer_get_text (buffer, &start, &end, FALSE);
}

static void
on_title_changed (SbSceneRow *self,
                  GtkEditable *editable)
{
  if (self->updating || self->scene == NULL)
    return;

  sb_scene_set_title (self->scene, gtk_editable_get_text (editable));
  update_labels (self);
  report_edit (self, "title");
}

static void
on_notes_changed (SbSceneRow  *self,
                  GtkEditable *editable)
{
  if (self->updating || self->scene == NULL)
    return;

  sb_scene_set_shot_notes (self->scene, gtk_editable_get_text (editable));
  report_edit (self, "shot-notes");
}

static void
on_duration_changed (SbSceneRow    *self,
                     GtkSpinButton *spin)
{
  if (self->updating || self->scene == NULL)
    return;

  sb_scene_set_duration (self->scene, gtk_spin_button_get_value (spin));
  report_edit (self, "duration");
}

static void
on_description_changed (SbSceneRow    *self,
                        GtkTextBuffer *buffer)
{
  g_autofree char *text = NULL;

  if (self->updating || self->scene == NULL)
    return;

  text = buffer_dup_text (buffer);
  sb_scene_set_description (self->scene, text);
  report_edit (self, "description");
}

static void
on_prompt_changed (SbSceneRow    *self,
                   GtkTextBuffer *buffer)
{
  g_autofree char *text = NULL;

  if (self->updating || self->scene == NULL)
    return;

  text = buffer_dup_text (buffer);
  sb_scene_set_generation_prompt (self->scene, text);
  report_edit (self, "generation-prompt");
}

/* Generation state */

static void
update_state (SbSceneRow *self)
{
  SbJobStatus status;
  g_autofree char *text = NULL;
  gboolean busy = FALSE;
  gboolean retry = FALSE;
  gboolean failed = FALSE;

  if (self->job == NULL)
    {
      gboolean has_image = self->scene != NULL && sb_scene_get_chosen_media_id (self->scene) != 0;

      gtk_label_set_label (self->state_label, has_image ? "" : _("No image yet"));
      gtk_widget_set_visible (GTK_WIDGET (self->progress_bar), FALSE);
      gtk_widget_set_visible (self->retry_button, FALSE);
      gtk_widget_remove_css_class (GTK_WIDGET (self->state_label), "error");
      gtk_widget_action_set_enabled (GTK_WIDGET (self), "scene.generate-again", self->scene != NULL);
      gtk_widget_action_set_enabled (GTK_WIDGET (self), "scene.variants", self->scene != NULL);
      return;
    }

  status = sb_generation_job_get_status (self->job);
  switch (status)
    {
    case SB_JOB_QUEUED:
      text = g_strdup (_("Queued"));
      busy = TRUE;
      break;
    case SB_JOB_STARTING:
      text = g_strdup (_("Starting…"));
      busy = TRUE;
      break;
    case SB_JOB_RUNNING:
      text = g_strdup (_("Generating…"));
      busy = TRUE;
      break;
    case SB_JOB_DOWNLOADING:
      text = g_strdup (_("Saving the image…"));
      busy = TRUE;
      break;
    case SB_JOB_SUCCEEDED:
      text = g_strdup (_("Done"));
      break;
    case SB_JOB_FAILED:
      {
        const char *reason = sb_generation_job_get_last_error (self->job);

        /* Translators: %s says why the image could not be made */
        text = g_strdup_printf (_("Failed: %s"), reason != NULL && *reason != '\0' ? reason : _("unknown error"));
        retry = TRUE;
        failed = TRUE;
      }
      break;
    case SB_JOB_CANCELED:
      text = g_strdup (_("Canceled"));
      retry = TRUE;
      break;
    case SB_JOB_EXPIRED:
      text = g_strdup (_("The output expired before it could be saved"));
      retry = TRUE;
      failed = TRUE;
      break;
    case SB_JOB_INTERRUPTED:
      text = g_strdup (_("Stopped while starting — retry to make it again"));
      retry = TRUE;
      failed = TRUE;
      break;
    default:
      text = g_strdup ("");
    }

  gtk_label_set_label (self->state_label, text);
  if (failed)
    gtk_widget_add_css_class (GTK_WIDGET (self->state_label), "error");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self->state_label), "error");

  gtk_widget_set_visible (GTK_WIDGET (self->progress_bar), busy);
  if (busy)
    {
      double progress = sb_generation_job_get_progress (self->job);

      if (status == SB_JOB_RUNNING && progress >= 0)
        gtk_progress_bar_set_fraction (self->progress_bar, progress);
      else
        gtk_progress_bar_pulse (self->progress_bar);
    }

  gtk_widget_set_visible (self->retry_button, retry);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "scene.retry", retry);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "scene.generate-again", !busy);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "scene.variants", !busy);
}

static void
on_job_notify (SbSceneRow *self)
{
  update_state (self);
}

/* Video state */

static char *
describe_video (SbSceneRow *self)
{
  SbJobStatus status;
  const char *error;

  if (self->video_job == NULL)
    return g_strdup (self->video_problem != NULL ? self->video_problem : _("No video yet"));

  status = sb_generation_job_get_status (self->video_job);
  error = sb_generation_job_get_last_error (self->video_job);
  if (error != NULL && *error == '\0')
    error = NULL;

  switch (status)
    {
    case SB_JOB_QUEUED:
      return g_strdup (_("Queued"));

    case SB_JOB_STARTING:
    case SB_JOB_RUNNING:
      {
        g_autofree char *elapsed = sb_video_job_format_elapsed (sb_video_job_get_elapsed (self->video_job));

        /* Translators: %s is the time since the video was started, "1:23" */
        return g_strdup_printf (_("Making video… %s"), elapsed);
      }

    case SB_JOB_DOWNLOADING:
      return g_strdup (_("Downloading video…"));

    case SB_JOB_SUCCEEDED:
      if (self->video_duration > 0)
        {
          /* A video that is there is at least a second long to the eye. */
          g_autofree char *length = sb_video_job_format_elapsed (MAX (1, (gint64) (self->video_duration + 0.5)));

          /* Translators: %s is the video's length, "0:06" */
          return g_strdup_printf (_("Video ready · %s"), length);
        }
      return g_strdup (_("Video ready"));

    case SB_JOB_FAILED:
      return g_strdup (error != NULL ? error : _("The video could not be made. Retry to make it again."));

    case SB_JOB_CANCELED:
      return g_strdup (_("Video canceled"));

    case SB_JOB_EXPIRED:
      return g_strdup (error != NULL ? error : _("The video expired before it could be downloaded. Retry to make it again."));

    case SB_JOB_INTERRUPTED:
      return g_strdup (error != NULL ? error : _("The app stopped while the video was starting. Retry to make it again."));

    default:
      return g_strdup ("");
    }
}

static gboolean
video_tick_cb (gpointer user_data)
{
  SbSceneRow *self = user_data;
  g_autofree char *text = describe_video (self);

  gtk_label_set_label (self->video_state_label, text);

  return G_SOURCE_CONTINUE;
}

/* The elapsed time ticks once a second while the card is on screen. */
static void
update_video_tick (SbSceneRow *self)
{
  sb_video_job_update_ticking (self->video_job, GTK_WIDGET (self), &self->video_tick_id, video_tick_cb);
}

static void
update_video_state (SbSceneRow *self)
{
  SbJobStatus status = self->video_job != NULL ? sb_generation_job_get_status (self->video_job) : SB_JOB_QUEUED;
  gboolean busy = self->video_job != NULL && !sb_job_status_is_terminal (status);
  gboolean ready = self->video_job != NULL && status == SB_JOB_SUCCEEDED &&
                   sb_generation_job_get_media_id (self->video_job) != 0;
  gboolean failed = self->video_job != NULL &&
                    (status == SB_JOB_FAILED || status == SB_JOB_EXPIRED || status == SB_JOB_INTERRUPTED);
  gboolean retry = self->video_job != NULL && sb_job_status_is_terminal (status) && status != SB_JOB_SUCCEEDED;
  g_autofree char *text = describe_video (self);

  gtk_label_set_label (self->video_state_label, text);
  if (failed)
    {
      gtk_widget_add_css_class (GTK_WIDGET (self->video_state_label), "error");
      gtk_widget_remove_css_class (GTK_WIDGET (self->video_state_label), "dim-label");
    }
  else
    {
      gtk_widget_remove_css_class (GTK_WIDGET (self->video_state_label), "error");
      gtk_widget_add_css_class (GTK_WIDGET (self->video_state_label), "dim-label");
    }

  gtk_widget_set_visible (self->play_button, ready);
  if (ready)
    gtk_actionable_set_action_target (GTK_ACTIONABLE (self->play_button), "x",
                                      sb_generation_job_get_media_id (self->video_job));
  gtk_widget_set_visible (self->video_retry_button, retry);
  gtk_widget_set_visible (self->video_cancel_button, busy);
  gtk_widget_set_visible (self->make_video_button, !busy);

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "scene.retry-video", retry);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "scene.cancel-video", busy);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "scene.make-video",
                                 self->scene != NULL && self->can_make_video && !busy);
  gtk_widget_set_tooltip_text (self->make_video_button, self->video_problem);

  update_video_tick (self);
}

static void
on_video_job_notify (SbSceneRow *self)
{
  update_video_state (self);
}

static void
thumbnail_loaded_cb (GObject      *object,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  g_autoptr(SbSceneRow) self = user_data;
  g_autoptr(GdkTexture) texture = NULL;
  g_autoptr(GError) error = NULL;

  texture = sb_thumbnail_loader_load_finish (SB_THUMBNAIL_LOADER (object), result, &error);
  if (texture == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_debug ("No thumbnail for a scene: %s", error->message);
      return;
    }

  gtk_picture_set_paintable (self->image_picture, GDK_PAINTABLE (texture));
  gtk_widget_set_visible (GTK_WIDGET (self->image_picture), TRUE);
}

static void
update_image (SbSceneRow *self)
{
  gint64 id = self->scene != NULL ? sb_scene_get_chosen_media_id (self->scene) : 0;
  GdkTexture *cached;

  if (id == self->shown_media_id)
    return;

  self->shown_media_id = id;
  g_cancellable_cancel (self->thumbnail_cancellable);
  g_clear_object (&self->thumbnail_cancellable);
  gtk_picture_set_paintable (self->image_picture, NULL);
  gtk_widget_set_visible (GTK_WIDGET (self->image_picture), FALSE);

  if (id == 0 || self->loader == NULL)
    return;

  cached = sb_thumbnail_loader_lookup (self->loader, id);
  if (cached != NULL)
    {
      gtk_picture_set_paintable (self->image_picture, GDK_PAINTABLE (cached));
      gtk_widget_set_visible (GTK_WIDGET (self->image_picture), TRUE);
      return;
    }

  self->thumbnail_cancellable = g_cancellable_new ();
  sb_thumbnail_loader_load_async (self->loader, id, self->thumbnail_cancellable,
                                  thumbnail_loaded_cb, g_object_ref (self));
}

static void
on_scene_chosen_media_notify (SbSceneRow *self)
{
  update_image (self);
  update_state (self);
}

static void
on_choose_popover_show (SbSceneRow *self)
{
  if (self->scene != NULL)
    gtk_widget_activate_action (GTK_WIDGET (self), "editor.load-variants", "x",
                                sb_scene_get_id (self->scene));
}

static void
variant_loaded_cb (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(GtkPicture) picture = user_data;
  g_autoptr(GdkTexture) texture = NULL;

  texture = sb_thumbnail_loader_load_finish (SB_THUMBNAIL_LOADER (object), result, NULL);
  if (texture != NULL)
    gtk_picture_set_paintable (picture, GDK_PAINTABLE (texture));
}

/* Actions: forwarded to the editor with this row's position. */

static void
scene_action (GtkWidget  *widget,
              const char *action_name,
              GVariant   *parameter)
{
  SbSceneRow *self = SB_SCENE_ROW (widget);

  if (self->scene == NULL)
    return;

  if (g_str_equal (action_name, "scene.move-up"))
    gtk_widget_activate_action (widget, "editor.move-scene", "(ui)", self->position, -1);
  else if (g_str_equal (action_name, "scene.move-down"))
    gtk_widget_activate_action (widget, "editor.move-scene", "(ui)", self->position, 1);
  else if (g_str_equal (action_name, "scene.duplicate"))
    gtk_widget_activate_action (widget, "editor.duplicate-scene", "u", self->position);
  else if (g_str_equal (action_name, "scene.remove"))
    gtk_widget_activate_action (widget, "editor.remove-scene", "u", self->position);
  else if (g_str_equal (action_name, "scene.retry"))
    gtk_widget_activate_action (widget, "editor.retry-scene", "u", self->position);
  else if (g_str_equal (action_name, "scene.generate-again"))
    gtk_widget_activate_action (widget, "editor.generate-scene", "(uu)", self->position, 1);
  else if (g_str_equal (action_name, "scene.make-video"))
    gtk_widget_activate_action (widget, "editor.make-video", "u", self->position);
  else if (g_str_equal (action_name, "scene.retry-video"))
    gtk_widget_activate_action (widget, "editor.retry-video", "u", self->position);
  else if (g_str_equal (action_name, "scene.cancel-video"))
    gtk_widget_activate_action (widget, "editor.cancel-video", "u", self->position);
  else if (g_str_equal (action_name, "scene.variants"))
    {
      guint n = (guint) gtk_spin_button_get_value_as_int (self->variants_spin);

      gtk_popover_popdown (self->variants_popover);
      gtk_widget_activate_action (widget, "editor.generate-scene", "(uu)", self->position, n);
    }
}

/* Drag and drop: the card carries its scene; dropping one card on another
 * moves the dragged scene to the target's place. */

static GdkContentProvider *
on_drag_prepare (SbSceneRow    *self,
                 double         x,
                 double         y,
                 GtkDragSource *source)
{
  if (self->scene == NULL)
    return NULL;

  return gdk_content_provider_new_typed (SB_TYPE_SCENE, self->scene);
}

static void
on_drag_begin (SbSceneRow    *self,
               GdkDrag       *drag,
               GtkDragSource *source)
{
  g_autoptr(GdkPaintable) paintable = gtk_widget_paintable_new (self->card);

  gtk_drag_source_set_icon (source, paintable, 0, 0);
  gtk_widget_add_css_class (GTK_WIDGET (self), "dragged");
}

static void
on_drag_end (SbSceneRow    *self,
             GdkDrag       *drag,
             gboolean       delete_data,
             GtkDragSource *source)
{
  gtk_widget_remove_css_class (GTK_WIDGET (self), "dragged");
}

static gboolean
on_drop (GtkDropTarget *target,
         const GValue  *value,
         double         x,
         double         y,
         SbSceneRow    *self)
{
  SbScene *scene = g_value_get_object (value);
  GtkWidget *editor = gtk_widget_get_ancestor (GTK_WIDGET (self), SB_TYPE_BRIEF_EDITOR);

  gtk_widget_remove_css_class (GTK_WIDGET (self), "drop-target-active");

  if (editor == NULL || scene == NULL || self->scene == NULL || scene == self->scene)
    return FALSE;

  return sb_brief_editor_move_scene_to (SB_BRIEF_EDITOR (editor), scene, self->position);
}

static GdkDragAction
on_drop_enter (GtkDropTarget *target,
               double         x,
               double         y,
               SbSceneRow    *self)
{
  gtk_widget_add_css_class (GTK_WIDGET (self), "drop-target-active");
  return GDK_ACTION_MOVE;
}

static void
on_drop_leave (GtkDropTarget *target,
               SbSceneRow    *self)
{
  gtk_widget_remove_css_class (GTK_WIDGET (self), "drop-target-active");
}

static void
sb_scene_row_dispose (GObject *object)
{
  SbSceneRow *self = SB_SCENE_ROW (object);

  if (self->scene != NULL)
    g_signal_handlers_disconnect_by_data (self->scene, self);
  if (self->job != NULL)
    g_signal_handlers_disconnect_by_data (self->job, self);
  if (self->video_job != NULL)
    g_signal_handlers_disconnect_by_data (self->video_job, self);
  g_clear_handle_id (&self->video_tick_id, g_source_remove);
  g_cancellable_cancel (self->thumbnail_cancellable);
  g_clear_object (&self->thumbnail_cancellable);
  g_clear_object (&self->scene);
  g_clear_object (&self->job);
  g_clear_object (&self->video_job);
  g_clear_pointer (&self->video_problem, g_free);
  g_clear_object (&self->loader);
  gtk_widget_dispose_template (GTK_WIDGET (self), SB_TYPE_SCENE_ROW);

  G_OBJECT_CLASS (sb_scene_row_parent_class)->dispose (object);
}

static void
sb_scene_row_map (GtkWidget *widget)
{
  SbSceneRow *self = SB_SCENE_ROW (widget);

  GTK_WIDGET_CLASS (sb_scene_row_parent_class)->map (widget);

  /* The time went on while the card was off screen. */
  update_video_state (self);
}

static void
sb_scene_row_unmap (GtkWidget *widget)
{
  SbSceneRow *self = SB_SCENE_ROW (widget);

  GTK_WIDGET_CLASS (sb_scene_row_parent_class)->unmap (widget);

  g_clear_handle_id (&self->video_tick_id, g_source_remove);
}

static void
sb_scene_row_class_init (SbSceneRowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = sb_scene_row_dispose;

  widget_class->map = sb_scene_row_map;
  widget_class->unmap = sb_scene_row_unmap;

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_BASE "/ui/sb-scene-row.ui");
  gtk_widget_class_bind_template_child (widget_class, SbSceneRow, card);
  gtk_widget_class_bind_template_child (widget_class, SbSceneRow, number_label);
  gtk_widget_class_bind_template_child (widget_class, SbSceneRow, title_entry);
  gtk_widget_class_bind_template_child (widget_class, SbSceneRow, duration_spin);
  gtk_widget_class_bind_template_child (widget_class, SbSceneRow, drag_handle);
  gtk_widget_class_bind_template_child (widget_class, SbSceneRow, description_view);
  gtk_widget_class_bind_template_child (widget_class, SbSceneRow, prompt_view);
  gtk_widget_class_bind_template_child (widget_class, SbSceneRow, notes_entry);
  gtk_widget_class_bind_template_child (widget_class, SbSceneRow, image_picture);
  gtk_widget_class_bind_template_child (widget_class, SbSceneRow, state_label);
  gtk_widget_class_bind_template_child (widget_class, SbSceneRow, progress_bar);
  gtk_widget_class_bind_template_child (widget_class, SbSceneRow, retry_button);
  gtk_widget_class_bind_template_child (widget_class, SbSceneRow, again_button);
  gtk_widget_class_bind_template_child (widget_class, SbSceneRow, variants_button);
  gtk_widget_class_bind_template_child (widget_class, SbSceneRow, choose_button);
  gtk_widget_class_bind_template_child (widget_class, SbSceneRow, variants_popover);
  gtk_widget_class_bind_template_child (widget_class, SbSceneRow, choose_popover);
  gtk_widget_class_bind_template_child (widget_class, SbSceneRow, variants_spin);
  gtk_widget_class_bind_template_child (widget_class, SbSceneRow, variants_box);
  gtk_widget_class_bind_template_child (widget_class, SbSceneRow, video_state_label);
  gtk_widget_class_bind_template_child (widget_class, SbSceneRow, play_button);
  gtk_widget_class_bind_template_child (widget_class, SbSceneRow, video_retry_button);
  gtk_widget_class_bind_template_child (widget_class, SbSceneRow, video_cancel_button);
  gtk_widget_class_bind_template_child (widget_class, SbSceneRow, make_video_button);
  gtk_widget_class_bind_template_callback (widget_class, on_choose_popover_show);
  gtk_widget_class_bind_template_callback (widget_class, on_title_changed);
  gtk_widget_class_bind_template_callback (widget_class, on_notes_changed);
  gtk_widget_class_bind_template_callback (widget_class, on_duration_changed);

  gtk_widget_class_install_action (widget_class, "scene.move-up", NULL, scene_action);
  gtk_widget_class_install_action (widget_class, "scene.move-down", NULL, scene_action);
  gtk_widget_class_install_action (widget_class, "scene.duplicate", NULL, scene_action);
  gtk_widget_class_install_action (widget_class, "scene.remove", NULL, scene_action);
  gtk_widget_class_install_action (widget_class, "scene.retry", NULL, scene_action);
  gtk_widget_class_install_action (widget_class, "scene.generate-again", NULL, scene_action);
  gtk_widget_class_install_action (widget_class, "scene.variants", NULL, scene_action);
  gtk_widget_class_install_action (widget_class, "scene.make-video", NULL, scene_action);
  gtk_widget_class_install_action (widget_class, "scene.retry-video", NULL, scene_action);
  gtk_widget_class_install_action (widget_class, "scene.cancel-video", NULL, scene_action);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Up, GDK_ALT_MASK, "scene.move-up", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_KP_Up, GDK_ALT_MASK, "scene.move-up", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Down, GDK_ALT_MASK, "scene.move-down", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_KP_Down, GDK_ALT_MASK, "scene.move-down", NULL);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "sbscenerow");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_GROUP);
}

static void
sb_scene_row_init (SbSceneRow *self)
{
  GtkDragSource *source;
  GtkDropTarget *target;

  gtk_widget_init_template (GTK_WIDGET (self));
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "scene.retry", FALSE);
  self->video_duration = -1;

  /* The editor keeps its own undo history of scene edits, so Ctrl+Z in a
   * field reaches it instead of the field's own. */
  gtk_editable_set_enable_undo (GTK_EDITABLE (self->title_entry), FALSE);
  gtk_editable_set_enable_undo (GTK_EDITABLE (self->notes_entry), FALSE);
  gtk_text_buffer_set_enable_undo (gtk_text_view_get_buffer (self->description_view), FALSE);
  gtk_text_buffer_set_enable_undo (gtk_text_view_get_buffer (self->prompt_view), FALSE);

  g_signal_connect_object (gtk_text_view_get_buffer (self->description_view), "changed",
                           G_CALLBACK (on_description_changed), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (gtk_text_view_get_buffer (self->prompt_view), "changed",
                           G_CALLBACK (on_prompt_changed), self, G_CONNECT_SWAPPED);

  source = gtk_drag_source_new ();
  gtk_drag_source_set_actions (source, GDK_ACTION_MOVE);
  g_signal_connect_swapped (source, "prepare", G_CALLBACK (on_drag_prepare), self);
  g_signal_connect_swapped (source, "drag-begin", G_CALLBACK (on_drag_begin), self);
  g_signal_connect_swapped (source, "drag-end", G_CALLBACK (on_drag_end), self);
  gtk_widget_add_controller (self->drag_handle, GTK_EVENT_CONTROLLER (source));

  target = gtk_drop_target_new (SB_TYPE_SCENE, GDK_ACTION_MOVE);
  g_signal_connect (target, "drop", G_CALLBACK (on_drop), self);
  g_signal_connect (target, "enter", G_CALLBACK (on_drop_enter), self);
  g_signal_connect (target, "leave", G_CALLBACK (on_drop_leave), self);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (target));

  update_labels (self);
  update_video_state (self);
}

GtkWidget *
sb_scene_row_new (void)
{
  return g_object_new (SB_TYPE_SCENE_ROW, NULL);
}

static void
set_buffer_text (GtkTextView *view,
                 const char  *text)
{
  gtk_text_buffer_set_text (gtk_text_view_get_buffer (view), text != NULL ? text : "", -1);
}

void
sb_scene_row_bind (SbSceneRow *self,
                   SbScene    *scene,
                   guint       position,
                   guint       n_scenes)
{
  g_return_if_fail (SB_IS_SCENE_ROW (self));
  g_return_if_fail (scene == NULL || SB_IS_SCENE (scene));

  self->position = position;
  self->n_scenes = n_scenes;

  if (scene != self->scene)
    {
      if (self->scene != NULL)
        g_signal_handlers_disconnect_by_func (self->scene, on_scene_chosen_media_notify, self);
      g_set_object (&self->scene, scene);
      if (scene != NULL)
        g_signal_connect_object (scene, "notify::chosen-media-id",
                                 G_CALLBACK (on_scene_chosen_media_notify), self,
                                 G_CONNECT_SWAPPED);
      if (scene == NULL)
        {
          sb_scene_row_set_job (self, NULL);
          sb_scene_row_set_video (self, NULL, -1, FALSE, NULL);
        }

      self->updating = TRUE;
      gtk_editable_set_text (GTK_EDITABLE (self->title_entry),
                             scene != NULL && sb_scene_get_title (scene) != NULL ? sb_scene_get_title (scene) : "");
      gtk_editable_set_text (GTK_EDITABLE (self->notes_entry),
                             scene != NULL && sb_scene_get_shot_notes (scene) != NULL ? sb_scene_get_shot_notes (scene) : "");
      gtk_spin_button_set_value (self->duration_spin, scene != NULL ? sb_scene_get_duration (scene) : 0);
      set_buffer_text (self->description_view, scene != NULL ? sb_scene_get_description (scene) : NULL);
      set_buffer_text (self->prompt_view, scene != NULL ? sb_scene_get_generation_prompt (scene) : NULL);
      self->updating = FALSE;
    }

  update_labels (self);
  update_image (self);
  update_state (self);
}

void
sb_scene_row_unbind (SbSceneRow *self)
{
  g_return_if_fail (SB_IS_SCENE_ROW (self));

  sb_scene_row_bind (self, NULL, 0, 0);
}

SbScene *
sb_scene_row_get_scene (SbSceneRow *self)
{
  g_return_val_if_fail (SB_IS_SCENE_ROW (self), NULL);

  return self->scene;
}

guint
sb_scene_row_get_position (SbSceneRow *self)
{
  g_return_val_if_fail (SB_IS_SCENE_ROW (self), 0);

  return self->position;
}

GtkEditable *
sb_scene_row_get_title_editable (SbSceneRow *self)
{
  g_return_val_if_fail (SB_IS_SCENE_ROW (self), NULL);

  return GTK_EDITABLE (self->title_entry);
}

void
sb_scene_row_focus_title (SbSceneRow *self)
{
  g_return_if_fail (SB_IS_SCENE_ROW (self));

  gtk_widget_grab_focus (GTK_WIDGET (self->title_entry));
}

void
sb_scene_row_set_thumbnail_loader (SbSceneRow        *self,
                                   SbThumbnailLoader *loader)
{
  g_return_if_fail (SB_IS_SCENE_ROW (self));
  g_return_if_fail (loader == NULL || SB_IS_THUMBNAIL_LOADER (loader));

  if (!g_set_object (&self->loader, loader))
    return;

  self->shown_media_id = -1;
  update_image (self);
}

void
sb_scene_row_set_job (SbSceneRow      *self,
                      SbGenerationJob *job)
{
  g_return_if_fail (SB_IS_SCENE_ROW (self));
  g_return_if_fail (job == NULL || SB_IS_GENERATION_JOB (job));

  if (job != self->job)
    {
      if (self->job != NULL)
        g_signal_handlers_disconnect_by_func (self->job, on_job_notify, self);
      g_set_object (&self->job, job);
      if (job != NULL)
        g_signal_connect_object (job, "notify", G_CALLBACK (on_job_notify), self, G_CONNECT_SWAPPED);
    }

  update_state (self);
}

void
sb_scene_row_set_video (SbSceneRow      *self,
                        SbGenerationJob *job,
                        double           duration,
                        gboolean         can_make,
                        const char      *problem)
{
  g_return_if_fail (SB_IS_SCENE_ROW (self));
  g_return_if_fail (job == NULL || SB_IS_GENERATION_JOB (job));

  if (job != self->video_job)
    {
      if (self->video_job != NULL)
        g_signal_handlers_disconnect_by_func (self->video_job, on_video_job_notify, self);
      g_set_object (&self->video_job, job);
      if (job != NULL)
        g_signal_connect_object (job, "notify", G_CALLBACK (on_video_job_notify), self, G_CONNECT_SWAPPED);
    }
  self->video_duration = duration;
  self->can_make_video = can_make;
  if (g_strcmp0 (problem, self->video_problem) != 0)
    {
      g_free (self->video_problem);
      self->video_problem = g_strdup (problem);
    }

  update_video_state (self);
}

SbGenerationJob *
sb_scene_row_get_video_job (SbSceneRow *self)
{
  g_return_val_if_fail (SB_IS_SCENE_ROW (self), NULL);

  return self->video_job;
}

const char *
sb_scene_row_get_video_state_text (SbSceneRow *self)
{
  g_return_val_if_fail (SB_IS_SCENE_ROW (self), NULL);

  return gtk_label_get_label (self->video_state_label);
}

GtkWidget *
sb_scene_row_get_video_button (SbSceneRow  *self,
                               const char  *which)
{
  g_return_val_if_fail (SB_IS_SCENE_ROW (self), NULL);
  g_return_val_if_fail (which != NULL, NULL);

  if (g_str_equal (which, "play"))
    return self->play_button;
  if (g_str_equal (which, "retry"))
    return self->video_retry_button;
  if (g_str_equal (which, "cancel"))
    return self->video_cancel_button;
  if (g_str_equal (which, "make"))
    return self->make_video_button;

  g_return_val_if_reached (NULL);
}

SbGenerationJob *
sb_scene_row_get_job (SbSceneRow *self)
{
  g_return_val_if_fail (SB_IS_SCENE_ROW (self), NULL);

  return self->job;
}

void
sb_scene_row_set_variants (SbSceneRow *self,
                           GPtrArray  *items)
{
  GtkWidget *child;

  g_return_if_fail (SB_IS_SCENE_ROW (self));

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->variants_box))) != NULL)
    gtk_flow_box_remove (self->variants_box, child);

  for (guint i = 0; items != NULL && i < items->len; i++)
    {
      SbMediaItem *item = g_ptr_array_index (items, i);
      gint64 id = sb_media_item_get_id (item);
      GtkWidget *button = gtk_button_new ();
      GtkWidget *picture = gtk_picture_new ();
      g_autofree char *label = NULL;

      gtk_widget_set_size_request (picture, 96, 54);
      gtk_picture_set_can_shrink (GTK_PICTURE (picture), TRUE);
      gtk_button_set_child (GTK_BUTTON (button), picture);
      gtk_actionable_set_action_name (GTK_ACTIONABLE (button), "editor.choose-media");
      gtk_actionable_set_action_target (GTK_ACTIONABLE (button), "(xx)",
                                        self->scene != NULL ? sb_scene_get_id (self->scene) : 0, id);
      if (self->scene != NULL && sb_scene_get_chosen_media_id (self->scene) == id)
        gtk_widget_add_css_class (button, "suggested-action");
      /* Translators: the accessible name of one image of a scene, %u is its number */
      label = g_strdup_printf (_("Use image %u for the scene"), i + 1);
      gtk_accessible_update_property (GTK_ACCESSIBLE (button),
                                      GTK_ACCESSIBLE_PROPERTY_LABEL, label,
                                      -1);
      gtk_flow_box_append (self->variants_box, button);

      if (self->loader != NULL)
        {
          GdkTexture *cached = sb_thumbnail_loader_lookup (self->loader, id);

          if (cached != NULL)
            gtk_picture_set_paintable (GTK_PICTURE (picture), GDK_PAINTABLE (cached));
          else
            sb_thumbnail_loader_load_async (self->loader, id, NULL,
                                            variant_loaded_cb, g_object_ref (picture));
        }
    }

  if (items == NULL || items->len == 0)
    {
      GtkWidget *label = gtk_label_new (_("No images of this scene yet"));

      gtk_widget_add_css_class (label, "dim-label");
      gtk_flow_box_append (self->variants_box, label);
    }
}

const char *
sb_scene_row_get_state_text (SbSceneRow *self)
{
  g_return_val_if_fail (SB_IS_SCENE_ROW (self), NULL);

  return gtk_label_get_label (self->state_label);
}

GdkPaintable *
sb_scene_row_get_image (SbSceneRow *self)
{
  g_return_val_if_fail (SB_IS_SCENE_ROW (self), NULL);

  return gtk_widget_get_visible (GTK_WIDGET (self->image_picture))
         ? gtk_picture_get_paintable (self->image_picture)
         : NULL;
}

GtkWidget *
sb_scene_row_get_retry_button (SbSceneRow *self)
{
  g_return_val_if_fail (SB_IS_SCENE_ROW (self), NULL);

  return self->retry_button;
}

GtkFlowBox *
sb_scene_row_get_variants_box (SbSceneRow *self)
{
  g_return_val_if_fail (SB_IS_SCENE_ROW (self), NULL);

  return self->variants_box;
}
