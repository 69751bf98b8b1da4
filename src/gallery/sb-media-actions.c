/* sb-media-actions.c
 *
 * Copyright 2026 The Storyboard authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "sb-gallery"

#include "config.h"

#include <glib/gi18n.h>

#include "sb-library-jobs.h"
#include "sb-media-actions.h"

/* Undo toasts still shown for a library, on the library itself: the trash
 * is emptied only once none of them can undo any more. */
#define PENDING_UNDO_KEY "sb-media-actions-pending-undo"

typedef struct
{
  GtkWidget   *widget;
  SbLibrary   *library;
  gint64       id;
  SbMediaKind  kind;
} ActionData;

static ActionData *
action_data_new (GtkWidget   *widget,
                 SbLibrary   *library,
                 gint64       id,
                 SbMediaKind  kind)
{
  ActionData *data = g_new0 (ActionData, 1);

  data->widget = g_object_ref (widget);
  data->library = g_object_ref (library);
  data->id = id;
  data->kind = kind;

  return data;
}

static void
action_data_free (ActionData *data)
{
  g_clear_object (&data->widget);
  g_clear_object (&data->library);
  g_free (data);
}

static void
action_data_closure_free (gpointer  data,
                          GClosure *closure)
{
  action_data_free (data);
}

void
sb_media_actions_show_toast (GtkWidget *widget,
                             AdwToast  *toast)
{
  GtkWidget *overlay;

  g_return_if_fail (GTK_IS_WIDGET (widget));
  g_return_if_fail (ADW_IS_TOAST (toast));

  overlay = gtk_widget_get_ancestor (widget, ADW_TYPE_TOAST_OVERLAY);
  if (overlay != NULL)
    adw_toast_overlay_add_toast (ADW_TOAST_OVERLAY (overlay), toast);
  else
    g_object_unref (g_object_ref_sink (toast));
}

void
sb_media_actions_show_error (GtkWidget  *widget,
                             const char *message)
{
  AdwToast *toast = adw_toast_new (message);

  /* Normal priority: libadwaita 1.2 asserts when a high-priority toast
   * pushes back one that is still animating. */
  adw_toast_set_timeout (toast, 8);
  sb_media_actions_show_toast (widget, toast);
}

/* Save As */

static void
exported_cb (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  ActionData *data = user_data;
  gboolean video = data->kind == SB_MEDIA_KIND_VIDEO;
  g_autoptr(GError) error = NULL;

  if (!sb_library_export_finish (SB_LIBRARY (object), result, &error))
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          g_autofree char *message = NULL;

          message = g_strdup_printf (video
                                       /* Translators: %s says why */
                                       ? _("Could not save the video: %s")
                                       /* Translators: %s says why */
                                       : _("Could not save the image: %s"),
                                     error->message);
          sb_media_actions_show_error (data->widget, message);
        }
    }
  else
    sb_media_actions_show_toast (data->widget,
                                 adw_toast_new (video ? _("Video saved") : _("Image saved")));

  action_data_free (data);
}

typedef struct
{
  ActionData   *data;
  GCancellable *cancellable;
} SaveData;

static void
save_chooser_response_cb (GtkNativeDialog *chooser,
                          int              response,
                          gpointer         user_data)
{
  SaveData *save = user_data;

  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser));

      sb_library_export_async (save->data->library, save->data->id, file,
                               save->cancellable, exported_cb, save->data);
    }
  else
    action_data_free (save->data);

  g_clear_object (&save->cancellable);
  g_free (save);

  gtk_native_dialog_destroy (chooser);
  g_object_unref (chooser);
}

static const char *
extension_for (const char *mime_type)
{
  static const struct {
    const char *mime_type;
    const char *extension;
  } extensions[] = {
    { "image/jpeg", "jpg" },
    { "image/webp", "webp" },
    { "image/png", "png" },
    { "video/webm", "webm" },
    { "video/quicktime", "mov" },
    { "video/mp4", "mp4" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (extensions); i++)
    if (g_strcmp0 (mime_type, extensions[i].mime_type) == 0)
      return extensions[i].extension;

  return NULL;
}

/* The name offered when saving @item: its file name, or one made from its
 * kind, id and type. */
static char *
dup_file_name (SbMediaItem *item)
{
  const char *filename = sb_media_item_get_filename (item);
  const char *ext;

  ext = extension_for (sb_media_item_get_mime_type (item));
  if (filename != NULL && *filename != '\0')
    return g_strdup (filename);

  if (sb_media_item_get_kind (item) == SB_MEDIA_KIND_VIDEO)
    /* Translators: default file name when saving a video: "video" then its
     * number and extension; keep it short and without spaces */
    return g_strdup_printf ("%s-%" G_GINT64_FORMAT ".%s", _("storyboard-video"),
                            sb_media_item_get_id (item), ext != NULL ? ext : "mp4");

  /* Translators: default file name when saving an image: "image" then its
   * number and extension; keep it short and without spaces */
  return g_strdup_printf ("%s-%" G_GINT64_FORMAT ".%s", _("storyboard-image"),
                          sb_media_item_get_id (item), ext != NULL ? ext : "png");
}

void
sb_media_actions_save_as (GtkWidget    *widget,
                          SbLibrary    *library,
                          SbMediaItem  *item,
                          GCancellable *cancellable)
{
  g_autofree char *name = NULL;
  GtkFileChooserNative *chooser;
  GtkRoot *root;
  SaveData *save;
  SbMediaKind kind;

  g_return_if_fail (GTK_IS_WIDGET (widget));
  g_return_if_fail (SB_IS_LIBRARY (library));
  g_return_if_fail (SB_IS_MEDIA_ITEM (item));

  kind = sb_media_item_get_kind (item);
  name = dup_file_name (item);
  root = gtk_widget_get_root (widget);
  chooser = gtk_file_chooser_native_new (kind == SB_MEDIA_KIND_VIDEO ? _("Save Video") : _("Save Image"),
                                         GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                         GTK_FILE_CHOOSER_ACTION_SAVE,
                                         _("_Save"),
                                         _("_Cancel"));
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (chooser), TRUE);
  gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (chooser), name);

  save = g_new0 (SaveData, 1);
  save->data = action_data_new (widget, library, sb_media_item_get_id (item), kind);
  save->cancellable = cancellable != NULL ? g_object_ref (cancellable) : NULL;
  g_signal_connect (chooser, "response", G_CALLBACK (save_chooser_response_cb), save);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
}

/* Favourites */

static void
favourite_set_cb (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(GtkWidget) widget = user_data;
  g_autoptr(GError) error = NULL;

  if (!sb_library_set_favourite_finish (SB_LIBRARY (object), result, &error) &&
      !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      g_autofree char *message = g_strdup_printf (_("Could not change the favourites: %s"), error->message);

      sb_media_actions_show_error (widget, message);
    }
}

void
sb_media_actions_set_favourite (GtkWidget    *widget,
                                SbLibrary    *library,
                                gint64        id,
                                gboolean      favourite,
                                GCancellable *cancellable)
{
  g_return_if_fail (GTK_IS_WIDGET (widget));
  g_return_if_fail (SB_IS_LIBRARY (library));

  /* The library's ::media-changed updates every list, and so the
   * favourites filters. */
  sb_library_set_favourite_async (library, id, favourite, cancellable,
                                  favourite_set_cb, g_object_ref (widget));
}

/* Delete, with Undo */

static void
purged_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(GError) error = NULL;

  if (!sb_library_purge_trash_finish (SB_LIBRARY (object), result, &error))
    g_warning ("Could not empty the trash: %s", error->message);
}

static void
restored_cb (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  ActionData *data = user_data;
  g_autoptr(GError) error = NULL;

  if (!sb_library_restore_media_finish (SB_LIBRARY (object), result, &error))
    {
      g_autofree char *message = NULL;

      message = g_strdup_printf (data->kind == SB_MEDIA_KIND_VIDEO
                                   ? _("Could not restore the video: %s")
                                   : _("Could not restore the image: %s"),
                                 error->message);
      sb_media_actions_show_error (data->widget, message);
    }

  action_data_free (data);
}

static void
on_undo_toast_button_clicked (AdwToast *toast,
                              gpointer  user_data)
{
  ActionData *data = user_data;

  if (data->id <= 0)
    return;

  /* The trashed item comes back into every list (::media-added). */
  sb_library_restore_media_async (data->library, data->id, NULL, restored_cb,
                                  action_data_new (data->widget, data->library, data->id, data->kind));
  /* Not purged when the toast goes. */
  data->id = 0;
}

static void
on_undo_toast_dismissed (AdwToast *toast,
                         gpointer  user_data)
{
  ActionData *data = user_data;
  guint pending = GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (data->library), PENDING_UNDO_KEY));

  g_assert (pending > 0);
  pending--;
  g_object_set_data (G_OBJECT (data->library), PENDING_UNDO_KEY, GUINT_TO_POINTER (pending));

  /* Deleted for good once no undo is possible any more; a crash before then
   * is covered by the purge when the library next opens. */
  if (pending == 0)
    sb_library_purge_trash_async (data->library, NULL, purged_cb, NULL);
}

static void
trashed_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  ActionData *data = user_data;
  gboolean video = data->kind == SB_MEDIA_KIND_VIDEO;
  g_autoptr(GError) error = NULL;
  AdwToast *toast;
  guint pending;

  if (!sb_library_trash_media_finish (SB_LIBRARY (object), result, &error))
    {
      g_autofree char *message = NULL;

      message = g_strdup_printf (video
                                   ? _("Could not delete the video: %s")
                                   : _("Could not delete the image: %s"),
                                 error->message);
      sb_media_actions_show_error (data->widget, message);
      action_data_free (data);
      return;
    }

  pending = GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (data->library), PENDING_UNDO_KEY));
  g_object_set_data (G_OBJECT (data->library), PENDING_UNDO_KEY, GUINT_TO_POINTER (pending + 1));

  toast = adw_toast_new (video ? _("Video deleted") : _("Image deleted"));
  adw_toast_set_button_label (toast, _("_Undo"));
  g_signal_connect (toast, "button-clicked", G_CALLBACK (on_undo_toast_button_clicked), data);
  g_signal_connect_data (toast, "dismissed", G_CALLBACK (on_undo_toast_dismissed), data,
                         action_data_closure_free, 0);
  sb_media_actions_show_toast (data->widget, toast);
}

void
sb_media_actions_delete (GtkWidget         *widget,
                         SbLibrary         *library,
                         gint64             id,
                         SbMediaKind        kind,
                         SbThumbnailLoader *loader)
{
  g_return_if_fail (GTK_IS_WIDGET (widget));
  g_return_if_fail (SB_IS_LIBRARY (library));
  g_return_if_fail (loader == NULL || SB_IS_THUMBNAIL_LOADER (loader));

  if (id <= 0)
    return;

  sb_library_trash_media_async (library, id, NULL, trashed_cb,
                                action_data_new (widget, library, id, kind));
  if (loader != NULL)
    sb_thumbnail_loader_forget (loader, id);
}
