/* sb-media-viewer.c
 *
 * Copyright 2026 The Storyboard authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "sb-gallery"

#include "config.h"

#include <glib/gi18n.h>

#include "sb-application.h"
#include "sb-library-briefs.h"
#include "sb-make-video-dialog.h"
#include "sb-media-viewer.h"
#include "sb-media.h"

/* Decoded at most this large: enough for a 4K screen, and never the full
 * size of a huge original. */
#define VIEW_MAX_SIDE 3840

struct _SbMediaViewer
{
  AdwWindow       parent_instance;

  /* Template widgets */
  AdwWindowTitle *window_title;
  GtkPicture     *picture;
  GtkSpinner     *spinner;
  AdwStatusPage  *error_page;
  AdwActionRow   *type_row;
  AdwActionRow   *dimensions_row;
  AdwActionRow   *size_row;
  AdwActionRow   *date_row;
  AdwActionRow   *origin_row;
  AdwActionRow   *prompt_row;
  AdwActionRow   *model_row;
  AdwActionRow   *seed_row;
  AdwActionRow   *parameters_row;
  AdwActionRow   *prediction_row;
  AdwActionRow   *brief_row;
  AdwActionRow   *reuse_row;
  AdwActionRow   *scene_row;
  GtkToggleButton *favourite_button;
  GtkWidget      *make_video_button;

  /* Owned */
  SbLibrary      *library;
  SbMediaItem    *item;
  GCancellable   *cancellable;
  GWeakRef        gallery;
  guint           loaded : 1;
  guint           syncing_favourite : 1;
};

G_DEFINE_FINAL_TYPE (SbMediaViewer, sb_media_viewer, ADW_TYPE_WINDOW)

static const char *
describe_mime (const char *mime)
{
  if (g_strcmp0 (mime, "image/png") == 0)
    return _("PNG image");
  if (g_strcmp0 (mime, "image/jpeg") == 0)
    return _("JPEG image");
  if (g_strcmp0 (mime, "image/webp") == 0)
    return _("WebP image");
  if (g_strcmp0 (mime, "video/mp4") == 0)
    return _("MP4 video");
  if (g_strcmp0 (mime, "video/webm") == 0)
    return _("WebM video");
  return mime;
}

static void
set_row (AdwActionRow *row,
         const char   *value)
{
  gboolean has_value = value != NULL && *value != '\0';

  adw_action_row_set_subtitle (row, has_value ? value : "");
  gtk_widget_set_visible (GTK_WIDGET (row), has_value);
}

static void
show_metadata (SbMediaViewer *self)
{
  SbMediaItem *item = self->item;
  GDateTime *created = sb_media_item_get_created_at (item);
  g_autofree char *dimensions = NULL;
  g_autofree char *size = NULL;
  g_autofree char *date = NULL;
  g_autofree char *model = NULL;
  const char *name = sb_media_item_get_filename (item);

  if (name == NULL || *name == '\0')
    name = _("Untitled image");

  gtk_window_set_title (GTK_WINDOW (self), name);
  adw_window_title_set_title (self->window_title, name);

  /* Translators: width × height in pixels */
  dimensions = g_strdup_printf (_("%d × %d pixels"),
                                sb_media_item_get_width (item),
                                sb_media_item_get_height (item));
  size = g_format_size (sb_media_item_get_byte_size (item));
  if (created != NULL)
    {
      g_autoptr(GDateTime) local = g_date_time_to_local (created);

      date = g_date_time_format (local, "%c");
    }

  adw_window_title_set_subtitle (self->window_title, dimensions);
  set_row (self->type_row, describe_mime (sb_media_item_get_mime_type (item)));
  set_row (self->dimensions_row, dimensions);
  set_row (self->size_row, size);
  set_row (self->date_row, date);
  set_row (self->origin_row,
           sb_media_item_get_origin (item) == SB_MEDIA_ORIGIN_GENERATED
             ? _("Generated") : _("Imported"));
  set_row (self->prompt_row, sb_media_item_get_prompt (item));

  if (sb_media_item_get_model (item) != NULL && sb_media_item_get_model_version (item) != NULL)
    model = g_strdup_printf ("%s (%s)", sb_media_item_get_model (item),
                             sb_media_item_get_model_version (item));
  else
    model = g_strdup (sb_media_item_get_model (item));
  set_row (self->model_row, model);

  if (sb_media_item_get_seed (item) >= 0)
    {
      g_autofree char *seed = g_strdup_printf ("%" G_GINT64_FORMAT, sb_media_item_get_seed (item));

      set_row (self->seed_row, seed);
    }
  else
    set_row (self->seed_row, NULL);

  set_row (self->parameters_row, sb_media_item_get_parameters (item));
  set_row (self->prediction_row, sb_media_item_get_prediction_id (item));

  /* A generated image can be made again with the same model and settings. */
  gtk_widget_set_visible (GTK_WIDGET (self->reuse_row),
                          sb_media_item_get_origin (item) == SB_MEDIA_ORIGIN_GENERATED &&
                          sb_media_item_get_model (item) != NULL);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "viewer.reuse-settings",
                                 sb_media_item_get_model (item) != NULL);

  /* The brief's title is read from the library; until then, its number. */
  gtk_widget_set_visible (GTK_WIDGET (self->brief_row), sb_media_item_get_brief_id (item) != 0);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "viewer.open-brief",
                                 sb_media_item_get_brief_id (item) != 0);

  /* Videos are made from images only. */
  gtk_widget_set_visible (self->make_video_button, sb_media_item_get_kind (item) == SB_MEDIA_KIND_IMAGE);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "viewer.make-video",
                                 sb_media_item_get_kind (item) == SB_MEDIA_KIND_IMAGE);

  self->syncing_favourite = TRUE;
  gtk_toggle_button_set_active (self->favourite_button, sb_media_item_get_favourite (item));
  gtk_button_set_icon_name (GTK_BUTTON (self->favourite_button),
                            sb_media_item_get_favourite (item) ? "starred-symbolic" : "non-starred-symbolic");
  self->syncing_favourite = FALSE;
}

/* "Revision 2, scene 3: The storm" for the scene that made the image. */
static void
revisions_loaded_cb (GObject      *object,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  g_autoptr(SbMediaViewer) self = user_data;
  g_autoptr(GListModel) revisions = NULL;
  gint64 revision_id = sb_media_item_get_revision_id (self->item);
  gint64 scene_id = sb_media_item_get_scene_id (self->item);

  revisions = sb_library_list_revisions_finish (SB_LIBRARY (object), result, NULL);
  if (revisions == NULL)
    return;

  for (guint i = 0; i < g_list_model_get_n_items (revisions); i++)
    {
      g_autoptr(SbBriefRevision) revision = g_list_model_get_item (revisions, i);
      GListModel *scenes = G_LIST_MODEL (sb_brief_revision_get_scenes (revision));

      if (sb_brief_revision_get_id (revision) != revision_id)
        continue;

      for (guint j = 0; j < g_list_model_get_n_items (scenes); j++)
        {
          g_autoptr(SbScene) scene = g_list_model_get_item (scenes, j);
          g_autofree char *text = NULL;

          if (sb_scene_get_id (scene) != scene_id)
            continue;

          /* Translators: revision number, scene number and scene title */
          text = g_strdup_printf (_("Revision %u, scene %u: %s"),
                                  sb_brief_revision_get_number (revision), j + 1,
                                  sb_scene_get_title (scene) ? sb_scene_get_title (scene) : "");
          set_row (self->scene_row, text);
          return;
        }
    }
}

static void
brief_loaded_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(SbMediaViewer) self = user_data;
  g_autoptr(SbBrief) brief = NULL;
  g_autoptr(GError) error = NULL;
  const char *title;

  brief = sb_library_get_brief_finish (SB_LIBRARY (object), result, &error);
  if (brief == NULL)
    {
      /* The brief was deleted since: the link is dropped with it. */
      gtk_widget_set_visible (GTK_WIDGET (self->brief_row), FALSE);
      return;
    }

  if (sb_media_item_get_scene_id (self->item) != 0)
    sb_library_list_revisions_async (self->library, sb_brief_get_id (brief), self->cancellable,
                                     revisions_loaded_cb, g_object_ref (self));

  title = sb_brief_get_title (brief);
  adw_action_row_set_subtitle (self->brief_row,
                               title != NULL && *title != '\0' ? title : _("Untitled brief"));
}

static void
show_error (SbMediaViewer *self,
            const GError  *error)
{
  gtk_spinner_stop (self->spinner);
  gtk_widget_set_visible (GTK_WIDGET (self->spinner), FALSE);
  adw_status_page_set_description (self->error_page, error->message);
  gtk_widget_set_visible (GTK_WIDGET (self->error_page), TRUE);
}

static void
decode_thread (GTask        *task,
               gpointer      source_object,
               gpointer      task_data,
               GCancellable *cancellable)
{
  GError *error = NULL;
  g_autoptr(GdkPixbuf) pixbuf = NULL;

  pixbuf = sb_media_load_scaled (task_data, VIEW_MAX_SIDE, VIEW_MAX_SIDE, &error);
  if (pixbuf == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, gdk_texture_new_for_pixbuf (pixbuf), g_object_unref);
}

static void
decoded_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  SbMediaViewer *self = SB_MEDIA_VIEWER (object);
  g_autoptr(GdkTexture) texture = NULL;
  g_autoptr(GError) error = NULL;

  texture = g_task_propagate_pointer (G_TASK (result), &error);
  if (texture == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        show_error (self, error);
      return;
    }

  gtk_spinner_stop (self->spinner);
  gtk_widget_set_visible (GTK_WIDGET (self->spinner), FALSE);
  gtk_picture_set_paintable (self->picture, GDK_PAINTABLE (texture));
  self->loaded = TRUE;
}

static void
bytes_loaded_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(SbMediaViewer) self = user_data;
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GTask) task = NULL;

  bytes = sb_library_load_bytes_finish (SB_LIBRARY (object), result, &error);
  if (bytes == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        show_error (self, error);
      return;
    }

  task = g_task_new (self, self->cancellable, decoded_cb, NULL);
  g_task_set_task_data (task, g_steal_pointer (&bytes), (GDestroyNotify) g_bytes_unref);
  g_task_run_in_thread (task, decode_thread);
}

static void
item_loaded_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(SbMediaViewer) self = user_data;
  g_autoptr(SbMediaItem) item = NULL;
  g_autoptr(GError) error = NULL;

  item = sb_library_get_media_finish (SB_LIBRARY (object), result, &error);
  if (item == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        show_error (self, error);
      return;
    }

  g_set_object (&self->item, item);
  show_metadata (self);

  if (sb_media_item_get_brief_id (item) != 0)
    sb_library_get_brief_async (self->library, sb_media_item_get_brief_id (item),
                                self->cancellable, brief_loaded_cb, g_object_ref (self));
}

static void
on_favourite_toggled (SbMediaViewer   *self,
                      GtkToggleButton *button)
{
  g_autoptr(GtkWidget) gallery = NULL;

  if (self->syncing_favourite)
    return;

  gallery = g_weak_ref_get (&self->gallery);
  if (gallery != NULL)
    gtk_widget_activate_action (gallery, "gallery.toggle-favourite", "x",
                                sb_media_item_get_id (self->item));
  gtk_button_set_icon_name (GTK_BUTTON (button),
                            gtk_toggle_button_get_active (button) ? "starred-symbolic" : "non-starred-symbolic");
}

static void
on_library_media_changed (SbMediaViewer *self,
                          SbMediaItem   *item)
{
  if (item != self->item && sb_media_item_get_id (item) == sb_media_item_get_id (self->item))
    g_set_object (&self->item, item);
  if (sb_media_item_get_id (item) == sb_media_item_get_id (self->item))
    show_metadata (self);
}

static void
forward_action (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  SbMediaViewer *self = SB_MEDIA_VIEWER (widget);
  g_autoptr(GtkWidget) gallery = g_weak_ref_get (&self->gallery);
  gint64 id = sb_media_item_get_id (self->item);

  if (gallery == NULL)
    return;

  if (g_str_equal (action_name, "viewer.save-as"))
    gtk_widget_activate_action (gallery, "gallery.save-as", "x", id);
  else if (g_str_equal (action_name, "viewer.copy"))
    gtk_widget_activate_action (gallery, "gallery.copy", "x", id);
  else if (g_str_equal (action_name, "viewer.reuse-settings"))
    {
      gtk_widget_activate_action (gallery, "win.reuse-settings", "x", id);
      gtk_window_close (GTK_WINDOW (self));
    }
  else if (g_str_equal (action_name, "viewer.open-brief"))
    {
      gtk_widget_activate_action (gallery, "win.open-brief", "x", sb_media_item_get_brief_id (self->item));
      gtk_window_close (GTK_WINDOW (self));
    }
  else if (g_str_equal (action_name, "viewer.delete"))
    {
      /* The undo toast shows in the main window. */
      gtk_widget_activate_action (gallery, "gallery.delete", "x", id);
      gtk_window_close (GTK_WINDOW (self));
    }
}

static void
make_video_action (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *parameter)
{
  SbMediaViewer *self = SB_MEDIA_VIEWER (widget);
  GApplication *app = g_application_get_default ();
  SbGenerationQueue *queue = NULL;
  SbReplicateClient *client = NULL;
  GSettings *settings = NULL;
  GtkWidget *dialog;

  if (sb_media_item_get_kind (self->item) != SB_MEDIA_KIND_IMAGE)
    return;

  if (SB_IS_APPLICATION (app))
    {
      queue = sb_application_get_generation_queue (SB_APPLICATION (app));
      client = sb_application_get_replicate_client (SB_APPLICATION (app));
      settings = sb_application_get_settings (SB_APPLICATION (app));
    }

  dialog = sb_make_video_dialog_new (self->library, queue, client, settings, self->item);
  gtk_window_set_transient_for (GTK_WINDOW (dialog), GTK_WINDOW (self));
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
sb_media_viewer_dispose (GObject *object)
{
  SbMediaViewer *self = SB_MEDIA_VIEWER (object);

  g_cancellable_cancel (self->cancellable);

  gtk_widget_dispose_template (GTK_WIDGET (self), SB_TYPE_MEDIA_VIEWER);

  G_OBJECT_CLASS (sb_media_viewer_parent_class)->dispose (object);
}

static void
sb_media_viewer_finalize (GObject *object)
{
  SbMediaViewer *self = SB_MEDIA_VIEWER (object);

  g_clear_object (&self->cancellable);
  g_clear_object (&self->library);
  g_clear_object (&self->item);
  g_weak_ref_clear (&self->gallery);

  G_OBJECT_CLASS (sb_media_viewer_parent_class)->finalize (object);
}

static void
sb_media_viewer_class_init (SbMediaViewerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = sb_media_viewer_dispose;
  object_class->finalize = sb_media_viewer_finalize;

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_BASE "/ui/sb-media-viewer.ui");
  gtk_widget_class_bind_template_child (widget_class, SbMediaViewer, window_title);
  gtk_widget_class_bind_template_child (widget_class, SbMediaViewer, picture);
  gtk_widget_class_bind_template_child (widget_class, SbMediaViewer, spinner);
  gtk_widget_class_bind_template_child (widget_class, SbMediaViewer, error_page);
  gtk_widget_class_bind_template_child (widget_class, SbMediaViewer, type_row);
  gtk_widget_class_bind_template_child (widget_class, SbMediaViewer, dimensions_row);
  gtk_widget_class_bind_template_child (widget_class, SbMediaViewer, size_row);
  gtk_widget_class_bind_template_child (widget_class, SbMediaViewer, date_row);
  gtk_widget_class_bind_template_child (widget_class, SbMediaViewer, origin_row);
  gtk_widget_class_bind_template_child (widget_class, SbMediaViewer, prompt_row);
  gtk_widget_class_bind_template_child (widget_class, SbMediaViewer, model_row);
  gtk_widget_class_bind_template_child (widget_class, SbMediaViewer, seed_row);
  gtk_widget_class_bind_template_child (widget_class, SbMediaViewer, parameters_row);
  gtk_widget_class_bind_template_child (widget_class, SbMediaViewer, prediction_row);
  gtk_widget_class_bind_template_child (widget_class, SbMediaViewer, brief_row);
  gtk_widget_class_bind_template_child (widget_class, SbMediaViewer, reuse_row);
  gtk_widget_class_bind_template_child (widget_class, SbMediaViewer, scene_row);
  gtk_widget_class_bind_template_child (widget_class, SbMediaViewer, favourite_button);
  gtk_widget_class_bind_template_child (widget_class, SbMediaViewer, make_video_button);
  gtk_widget_class_bind_template_callback (widget_class, on_favourite_toggled);

  gtk_widget_class_install_action (widget_class, "viewer.save-as", NULL, forward_action);
  gtk_widget_class_install_action (widget_class, "viewer.copy", NULL, forward_action);
  gtk_widget_class_install_action (widget_class, "viewer.delete", NULL, forward_action);
  gtk_widget_class_install_action (widget_class, "viewer.open-brief", NULL, forward_action);
  gtk_widget_class_install_action (widget_class, "viewer.reuse-settings", NULL, forward_action);
  gtk_widget_class_install_action (widget_class, "viewer.make-video", NULL, make_video_action);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_s, GDK_CONTROL_MASK, "viewer.save-as", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_c, GDK_CONTROL_MASK, "viewer.copy", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Delete, 0, "viewer.delete", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
sb_media_viewer_init (SbMediaViewer *self)
{
  self->cancellable = g_cancellable_new ();
  g_weak_ref_init (&self->gallery, NULL);

  gtk_widget_init_template (GTK_WIDGET (self));
  gtk_spinner_start (self->spinner);
}

GtkWidget *
sb_media_viewer_new (SbLibrary   *library,
                     SbMediaItem *item,
                     GtkWidget   *gallery)
{
  SbMediaViewer *self;

  g_return_val_if_fail (SB_IS_LIBRARY (library), NULL);
  g_return_val_if_fail (SB_IS_MEDIA_ITEM (item), NULL);
  g_return_val_if_fail (GTK_IS_WIDGET (gallery), NULL);

  self = g_object_new (SB_TYPE_MEDIA_VIEWER, NULL);
  self->library = g_object_ref (library);
  self->item = g_object_ref (item);
  g_weak_ref_set (&self->gallery, gallery);

  if (sb_media_item_get_loaded (item))
    show_metadata (self);

  g_signal_connect_object (library, "media-changed",
                           G_CALLBACK (on_library_media_changed), self,
                           G_CONNECT_SWAPPED);

  sb_library_get_media_async (library, sb_media_item_get_id (item), self->cancellable,
                              item_loaded_cb, g_object_ref (self));
  sb_library_load_bytes_async (library, sb_media_item_get_id (item), self->cancellable,
                               bytes_loaded_cb, g_object_ref (self));

  return GTK_WIDGET (self);
}

SbMediaItem *
sb_media_viewer_get_item (SbMediaViewer *self)
{
  g_return_val_if_fail (SB_IS_MEDIA_VIEWER (self), NULL);

  return self->item;
}

gboolean
sb_media_viewer_is_loaded (SbMediaViewer *self)
{
  g_return_val_if_fail (SB_IS_MEDIA_VIEWER (self), FALSE);

  return self->loaded;
}

const char *
sb_media_viewer_get_scene_label (SbMediaViewer *self)
{
  g_return_val_if_fail (SB_IS_MEDIA_VIEWER (self), NULL);

  if (!gtk_widget_get_visible (GTK_WIDGET (self->scene_row)))
    return NULL;

  return adw_action_row_get_subtitle (self->scene_row);
}
