/* sb-window.c
 *
 * Copyright 2026 The Storyboard authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "sb-window"

#include "config.h"

#include <glib/gi18n.h>

#include "sb-brief-page.h"
#include "sb-gallery-page.h"
#include "sb-videos-page.h"
#include "sb-window.h"

struct _SbWindow
{
  AdwApplicationWindow  parent_instance;

  /* Template widgets */
  AdwToastOverlay      *toast_overlay;
  AdwViewStack         *stack;
  SbBriefPage          *brief_page;
  SbGalleryPage        *gallery_page;
  SbVideosPage         *videos_page;
  GtkWidget            *demo_banner;

  /* Owned */
  GSettings            *settings;
  GtkFileChooserNative *import_chooser;
};

G_DEFINE_FINAL_TYPE (SbWindow, sb_window, ADW_TYPE_APPLICATION_WINDOW)


static void
sync_library (SbWindow *self)
{
  SbApplication *app = SB_APPLICATION (gtk_window_get_application (GTK_WINDOW (self)));
  SbLibrary *library = sb_application_get_library (app);
  const GError *error = sb_application_get_library_error (app);
  gboolean usable = library != NULL;

  if (library != NULL)
    {
      sb_gallery_page_set_library (self->gallery_page, library);
      sb_videos_page_set_library (self->videos_page, library);
      sb_videos_page_set_generation (self->videos_page,
                                     sb_application_get_generation_queue (app));
      sb_brief_page_set_library (self->brief_page, library);
      sb_brief_page_set_generation (self->brief_page,
                                    sb_application_get_generation_queue (app),
                                    sb_application_get_replicate_client (app));
    }
  else if (error != NULL)
    {
      sb_gallery_page_set_library_error (self->gallery_page, error);
      sb_videos_page_set_library_error (self->videos_page, error);
    }

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.import", usable);
}

static void
on_application_library_notify (SbWindow   *self,
                               GParamSpec *pspec,
                               gpointer    app)
{
  sync_library (self);
}

static void
import_chooser_response_cb (SbWindow             *self,
                            int                   response,
                            GtkFileChooserNative *chooser)
{
  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GListModel) files = gtk_file_chooser_get_files (GTK_FILE_CHOOSER (chooser));
      g_autoptr(GPtrArray) array = g_ptr_array_new_with_free_func (g_object_unref);
      guint n = g_list_model_get_n_items (files);

      for (guint i = 0; i < n; i++)
        g_ptr_array_add (array, g_list_model_get_item (files, i));

      sb_window_import_files (self, (GFile **) array->pdata, array->len);
    }

  g_clear_object (&self->import_chooser);
}

static void
import_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  SbWindow *self = SB_WINDOW (widget);
  g_autoptr(GtkFileFilter) images = gtk_file_filter_new ();
  g_autoptr(GtkFileFilter) all = gtk_file_filter_new ();

  if (self->import_chooser != NULL)
    {
      gtk_native_dialog_show (GTK_NATIVE_DIALOG (self->import_chooser));
      return;
    }

  gtk_file_filter_set_name (images, _("Images"));
  gtk_file_filter_add_mime_type (images, "image/png");
  gtk_file_filter_add_mime_type (images, "image/jpeg");
  gtk_file_filter_add_mime_type (images, "image/webp");
  gtk_file_filter_set_name (all, _("All Files"));
  gtk_file_filter_add_pattern (all, "*");

  /* Native, so that inside Flatpak it goes through the file chooser portal. */
  self->import_chooser = gtk_file_chooser_native_new (_("Import Images"),
                                                      GTK_WINDOW (self),
                                                      GTK_FILE_CHOOSER_ACTION_OPEN,
                                                      _("_Import"),
                                                      _("_Cancel"));
  gtk_file_chooser_set_select_multiple (GTK_FILE_CHOOSER (self->import_chooser), TRUE);
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (self->import_chooser), images);
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (self->import_chooser), all);
  gtk_file_chooser_set_filter (GTK_FILE_CHOOSER (self->import_chooser), images);
  g_signal_connect_object (self->import_chooser, "response",
                           G_CALLBACK (import_chooser_response_cb), self,
                           G_CONNECT_SWAPPED);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (self->import_chooser));
}

/* From the gallery's brief filter: back to that brief. */
static void
open_brief_action (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *parameter)
{
  SbWindow *self = SB_WINDOW (widget);
  gint64 brief_id = g_variant_get_int64 (parameter);

  if (brief_id <= 0)
    return;

  adw_view_stack_set_visible_child_name (self->stack, "brief");
  sb_brief_page_open_brief (self->brief_page, brief_id);
}

static void
reuse_media_loaded_cb (GObject      *object,
                       GAsyncResult *result,
                       gpointer      user_data)
{
  g_autoptr(SbWindow) self = user_data;
  g_autoptr(SbMediaItem) item = NULL;
  g_autoptr(GError) error = NULL;

  item = sb_library_get_media_finish (SB_LIBRARY (object), result, &error);
  if (item == NULL || sb_media_item_get_model (item) == NULL)
    {
      g_autofree char *message = NULL;

      if (error != NULL && g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;
      /* Translators: %s says why */
      message = g_strdup_printf (_("These settings cannot be used again: %s"),
                                 error != NULL ? error->message : _("the image was not generated"));
      sb_window_add_toast (self, adw_toast_new (message));
      return;
    }

  adw_view_stack_set_visible_child_name (self->stack, "brief");
  if (sb_media_item_get_brief_id (item) > 0)
    sb_brief_page_open_brief (self->brief_page, sb_media_item_get_brief_id (item));
  sb_brief_editor_reuse_settings (sb_brief_page_get_editor (self->brief_page),
                                  sb_media_item_get_model (item),
                                  sb_media_item_get_parameters (item));
}

/* From the viewer: the brief that made an image, with the model and the
 * settings it was made with. */
static void
reuse_settings_action (GtkWidget  *widget,
                       const char *action_name,
                       GVariant   *parameter)
{
  SbWindow *self = SB_WINDOW (widget);
  SbApplication *app = SB_APPLICATION (gtk_window_get_application (GTK_WINDOW (self)));
  SbLibrary *library = sb_application_get_library (app);

  if (library == NULL)
    return;

  sb_library_get_media_async (library, g_variant_get_int64 (parameter), NULL,
                              reuse_media_loaded_cb, g_object_ref (self));
}

/* From the "N images ready" toast: the gallery, showing that brief's media. */
static void
show_brief_media_action (GtkWidget  *widget,
                         const char *action_name,
                         GVariant   *parameter)
{
  SbWindow *self = SB_WINDOW (widget);
  gint64 brief_id;
  const char *title;

  g_variant_get (parameter, "(x&s)", &brief_id, &title);
  sb_gallery_page_filter_brief (self->gallery_page, brief_id, title);
  adw_view_stack_set_visible_child_name (self->stack, "gallery");
}

/* From the Brief editor or a job's window: the Videos page, playing it. */
static void
play_video_action (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *parameter)
{
  SbWindow *self = SB_WINDOW (widget);
  gint64 media_id = g_variant_get_int64 (parameter);

  if (media_id <= 0)
    return;

  adw_view_stack_set_visible_child_name (self->stack, "videos");
  gtk_widget_activate_action (GTK_WIDGET (self->videos_page), "videos.play", "x", media_id);
}

/* From the Gallery: a video is copied as the Videos page copies it (the
 * cached file), without leaving the page. */
static void
copy_video_action (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *parameter)
{
  SbWindow *self = SB_WINDOW (widget);
  gint64 media_id = g_variant_get_int64 (parameter);

  if (media_id > 0)
    gtk_widget_activate_action (GTK_WIDGET (self->videos_page), "videos.copy", "x", media_id);
}

/* From the Brief editor: the Videos page, showing that brief's videos. */
static void
show_brief_videos_action (GtkWidget  *widget,
                          const char *action_name,
                          GVariant   *parameter)
{
  SbWindow *self = SB_WINDOW (widget);
  gint64 brief_id;
  const char *title;

  g_variant_get (parameter, "(x&s)", &brief_id, &title);
  sb_videos_page_filter_brief (self->videos_page, brief_id, title);
  adw_view_stack_set_visible_child_name (self->stack, "videos");
}

static void
save_window_state (SbWindow *self)
{
  int width, height;

  gtk_window_get_default_size (GTK_WINDOW (self), &width, &height);
  g_settings_delay (self->settings);
  g_settings_set_int (self->settings, "window-width", width);
  g_settings_set_int (self->settings, "window-height", height);
  g_settings_set_boolean (self->settings, "window-maximized",
                          gtk_window_is_maximized (GTK_WINDOW (self)));
  g_settings_set_string (self->settings, "last-page",
                         adw_view_stack_get_visible_child_name (self->stack));
  g_settings_apply (self->settings);
}

static gboolean
sb_window_close_request (GtkWindow *window)
{
  save_window_state (SB_WINDOW (window));

  return GTK_WINDOW_CLASS (sb_window_parent_class)->close_request (window);
}

SbWindow *
sb_window_new (SbApplication *app)
{
  SbWindow *self;
  g_autofree char *page = NULL;

  g_return_val_if_fail (SB_IS_APPLICATION (app), NULL);

  /* GtkWindow:application is not a construct property: what needs it comes
   * after g_object_new(). */
  self = g_object_new (SB_TYPE_WINDOW,
                       "application", app,
                       NULL);

  self->settings = g_object_ref (sb_application_get_settings (app));

  gtk_window_set_default_size (GTK_WINDOW (self),
                               g_settings_get_int (self->settings, "window-width"),
                               g_settings_get_int (self->settings, "window-height"));
  if (g_settings_get_boolean (self->settings, "window-maximized"))
    gtk_window_maximize (GTK_WINDOW (self));

  page = g_settings_get_string (self->settings, "last-page");
  if (adw_view_stack_get_child_by_name (self->stack, page) != NULL)
    adw_view_stack_set_visible_child_name (self->stack, page);

  if (DEVELOPMENT_BUILD)
    gtk_widget_add_css_class (GTK_WIDGET (self), "devel");

  /* Set by build-aux/dev.sh when it found no keys and started the fake
   * providers on this machine: say so plainly. */
  gtk_widget_set_visible (self->demo_banner, g_strcmp0 (g_getenv ("STORYBOARD_DEMO"), "1") == 0);

  g_signal_connect_object (app, "notify::library",
                           G_CALLBACK (on_application_library_notify), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (app, "notify::library-error",
                           G_CALLBACK (on_application_library_notify), self,
                           G_CONNECT_SWAPPED);
  sync_library (self);

  return self;
}

static void
show_page_action (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  sb_window_set_page (SB_WINDOW (widget), g_variant_get_string (parameter, NULL));
}

static void
sb_window_dispose (GObject *object)
{
  SbWindow *self = SB_WINDOW (object);

  if (self->import_chooser != NULL)
    gtk_native_dialog_destroy (GTK_NATIVE_DIALOG (self->import_chooser));
  g_clear_object (&self->import_chooser);

  gtk_widget_dispose_template (GTK_WIDGET (self), SB_TYPE_WINDOW);

  G_OBJECT_CLASS (sb_window_parent_class)->dispose (object);
}

static void
sb_window_finalize (GObject *object)
{
  SbWindow *self = SB_WINDOW (object);

  g_clear_object (&self->settings);

  G_OBJECT_CLASS (sb_window_parent_class)->finalize (object);
}

static void
sb_window_class_init (SbWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  GtkWindowClass *window_class = GTK_WINDOW_CLASS (klass);

  object_class->dispose = sb_window_dispose;
  object_class->finalize = sb_window_finalize;

  window_class->close_request = sb_window_close_request;

  g_type_ensure (SB_TYPE_BRIEF_PAGE);
  g_type_ensure (SB_TYPE_GALLERY_PAGE);
  g_type_ensure (SB_TYPE_VIDEOS_PAGE);

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_BASE "/ui/sb-window.ui");
  gtk_widget_class_bind_template_child (widget_class, SbWindow, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, SbWindow, stack);
  gtk_widget_class_bind_template_child (widget_class, SbWindow, brief_page);
  gtk_widget_class_bind_template_child (widget_class, SbWindow, gallery_page);
  gtk_widget_class_bind_template_child (widget_class, SbWindow, videos_page);
  gtk_widget_class_bind_template_child (widget_class, SbWindow, demo_banner);

  gtk_widget_class_install_action (widget_class, "win.import", NULL, import_action);
  gtk_widget_class_install_action (widget_class, "win.open-brief", "x", open_brief_action);
  gtk_widget_class_install_action (widget_class, "win.show-brief-media", "(xs)", show_brief_media_action);
  gtk_widget_class_install_action (widget_class, "win.reuse-settings", "x", reuse_settings_action);
  gtk_widget_class_install_action (widget_class, "win.show-page", "s", show_page_action);
  gtk_widget_class_install_action (widget_class, "win.play-video", "x", play_video_action);
  gtk_widget_class_install_action (widget_class, "win.copy-video", "x", copy_video_action);
  gtk_widget_class_install_action (widget_class, "win.show-brief-videos", "(xs)", show_brief_videos_action);
}

static void
sb_window_init (SbWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

void
sb_window_import_files (SbWindow  *self,
                        GFile    **files,
                        guint      n_files)
{
  g_return_if_fail (SB_IS_WINDOW (self));
  g_return_if_fail (files != NULL || n_files == 0);

  if (n_files == 0)
    return;

  adw_view_stack_set_visible_child_name (self->stack, "gallery");
  sb_gallery_page_import_files (self->gallery_page, files, n_files);
}

void
sb_window_add_toast (SbWindow *self,
                     AdwToast *toast)
{
  g_return_if_fail (SB_IS_WINDOW (self));
  g_return_if_fail (ADW_IS_TOAST (toast));

  adw_toast_overlay_add_toast (self->toast_overlay, toast);
}

void
sb_window_set_page (SbWindow   *self,
                    const char *name)
{
  g_return_if_fail (SB_IS_WINDOW (self));

  adw_view_stack_set_visible_child_name (self->stack, name);
}

GtkWidget *
sb_window_get_gallery (SbWindow *self)
{
  g_return_val_if_fail (SB_IS_WINDOW (self), NULL);

  return GTK_WIDGET (self->gallery_page);
}
