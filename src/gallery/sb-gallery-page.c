/* sb-gallery-page.c
 *
 * Copyright 2026 The Storyboard authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "sb-gallery"

#include "config.h"

#include <glib/gi18n.h>

#include "sb-gallery-page.h"
#include "sb-gallery-tile.h"
#include "sb-library-jobs.h"
#include "sb-media-actions.h"
#include "sb-media-viewer.h"
#include "sb-media.h"
#include "sb-texture-decode.h"
#include "sb-thumbnail-loader.h"

/* Files validated at once: decoding is CPU-bound, and each holds a whole
 * file in memory while it is checked. */
#define MAX_IMPORTS_IN_FLIGHT 2

/* Past this many failures in one import, one toast sums them up. */
#define MAX_FAILURE_TOASTS 3

struct _SbGalleryPage
{
  GtkWidget           parent_instance;

  /* Template widgets */
  GtkWidget          *content;
  GtkStack           *stack;
  GtkGridView        *grid_view;
  AdwStatusPage      *error_page;
  GtkSearchEntry     *search_entry;
  GtkWidget          *brief_chip;
  AdwButtonContent   *brief_chip_content;
  GtkWidget          *back_to_brief_button;
  GtkDropDown        *kind_dropdown;
  GtkToggleButton    *favourites_button;

  /* Owned */
  SbLibrary          *library;
  SbMediaList        *list;
  GtkSingleSelection *selection;
  SbThumbnailLoader  *loader;
  GCancellable       *cancellable;
  GCancellable       *list_cancellable;
  gint64              brief_id;
  char               *brief_title;
  GQueue              import_queue;   /* GFile */
  GPtrArray          *import_failures; /* char*: "name: reason" */
  guint               imports_in_flight;
  guint               n_imported;
  guint               n_duplicates;
};

G_DEFINE_FINAL_TYPE (SbGalleryPage, sb_gallery_page, GTK_TYPE_WIDGET)

enum {
  IMPORT_FINISHED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void pump_imports (SbGalleryPage *self);

static void
show_toast (SbGalleryPage *self,
            AdwToast      *toast)
{
  sb_media_actions_show_toast (GTK_WIDGET (self), toast);
}

static void
show_error_toast (SbGalleryPage *self,
                  const char    *message)
{
  sb_media_actions_show_error (GTK_WIDGET (self), message);
}

/* The dropdown's rows, in order. */
static const SbMediaKind dropdown_kinds[] = {
  SB_MEDIA_KIND_IMAGE,
  SB_MEDIA_KIND_VIDEO,
  SB_MEDIA_KIND_ANY,
};

static SbMediaKind
selected_kind (SbGalleryPage *self)
{
  guint selected = gtk_drop_down_get_selected (self->kind_dropdown);

  return selected < G_N_ELEMENTS (dropdown_kinds) ? dropdown_kinds[selected] : SB_MEDIA_KIND_IMAGE;
}

static gboolean
filters_active (SbGalleryPage *self)
{
  g_autofree char *search = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->search_entry))));

  return self->brief_id != 0 ||
         gtk_toggle_button_get_active (self->favourites_button) ||
         selected_kind (self) != SB_MEDIA_KIND_IMAGE ||
         *search != '\0';
}

static void
update_state (SbGalleryPage *self)
{
  if (self->list == NULL)
    return;

  if (g_list_model_get_n_items (G_LIST_MODEL (self->list)) > 0)
    gtk_stack_set_visible_child_name (self->stack, "grid");
  else if (filters_active (self))
    gtk_stack_set_visible_child_name (self->stack, "no-results");
  else
    gtk_stack_set_visible_child_name (self->stack, "empty");
}

static void
on_list_items_changed (SbGalleryPage *self,
                       guint          position,
                       guint          removed,
                       guint          added,
                       GListModel    *list)
{
  update_state (self);
}

/* Grid factory */

static void
setup_tile_cb (GtkSignalListItemFactory *factory,
               GtkListItem              *list_item,
               SbGalleryPage            *self)
{
  gtk_list_item_set_child (list_item, sb_gallery_tile_new (self->loader));
}

static void
bind_tile_cb (GtkSignalListItemFactory *factory,
              GtkListItem              *list_item,
              SbGalleryPage            *self)
{
  sb_gallery_tile_set_item (SB_GALLERY_TILE (gtk_list_item_get_child (list_item)),
                            gtk_list_item_get_item (list_item));
}

static void
unbind_tile_cb (GtkSignalListItemFactory *factory,
                GtkListItem              *list_item,
                SbGalleryPage            *self)
{
  sb_gallery_tile_set_item (SB_GALLERY_TILE (gtk_list_item_get_child (list_item)), NULL);
}

static void
list_ready_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(SbGalleryPage) self = user_data;
  g_autoptr(SbMediaList) list = NULL;
  g_autoptr(GError) error = NULL;

  list = sb_library_list_media_filtered_finish (SB_LIBRARY (object), result, &error);
  if (list == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        sb_gallery_page_set_library_error (self, error);
      return;
    }

  if (self->list != NULL)
    g_signal_handlers_disconnect_by_func (self->list, on_list_items_changed, self);
  g_set_object (&self->list, list);
  g_signal_connect_object (self->list, "items-changed",
                           G_CALLBACK (on_list_items_changed), self,
                           G_CONNECT_SWAPPED);

  g_clear_object (&self->selection);
  self->selection = gtk_single_selection_new (g_object_ref (G_LIST_MODEL (self->list)));
  gtk_single_selection_set_autoselect (self->selection, FALSE);
  gtk_single_selection_set_can_unselect (self->selection, TRUE);
  gtk_grid_view_set_model (self->grid_view, GTK_SELECTION_MODEL (self->selection));

  update_state (self);
}

/* Lists the library again with the filters as they are now. */
static void
reload_list (SbGalleryPage *self)
{
  g_autofree char *search = NULL;
  SbMediaFilter filter = { 0 };

  if (self->library == NULL)
    return;

  g_cancellable_cancel (self->list_cancellable);
  g_clear_object (&self->list_cancellable);
  self->list_cancellable = g_cancellable_new ();

  search = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->search_entry))));
  filter.kind = selected_kind (self);
  filter.brief_id = self->brief_id;
  filter.favourites_only = gtk_toggle_button_get_active (self->favourites_button);
  filter.search = search;

  sb_library_list_media_filtered_async (self->library, &filter, self->list_cancellable,
                                        list_ready_cb, g_object_ref (self));
}

static void
on_search_changed (SbGalleryPage  *self,
                   GtkSearchEntry *entry)
{
  /* GtkSearchEntry already waits for a pause in typing. */
  reload_list (self);
}

static void
on_filter_changed (SbGalleryPage *self)
{
  reload_list (self);
}

void
sb_gallery_page_set_library (SbGalleryPage *self,
                             SbLibrary     *library)
{
  GtkListItemFactory *factory;

  g_return_if_fail (SB_IS_GALLERY_PAGE (self));
  g_return_if_fail (SB_IS_LIBRARY (library));

  if (self->library == library)
    return;

  g_set_object (&self->library, library);
  g_clear_object (&self->loader);
  self->loader = sb_thumbnail_loader_new (library);

  factory = gtk_signal_list_item_factory_new ();
  g_signal_connect (factory, "setup", G_CALLBACK (setup_tile_cb), self);
  g_signal_connect (factory, "bind", G_CALLBACK (bind_tile_cb), self);
  g_signal_connect (factory, "unbind", G_CALLBACK (unbind_tile_cb), self);
  gtk_grid_view_set_factory (self->grid_view, factory);
  g_object_unref (factory);

  gtk_stack_set_visible_child_name (self->stack, "loading");
  reload_list (self);
}

void
sb_gallery_page_set_library_error (SbGalleryPage *self,
                                   const GError  *error)
{
  g_autofree char *description = NULL;

  g_return_if_fail (SB_IS_GALLERY_PAGE (self));
  g_return_if_fail (error != NULL);

  if (g_error_matches (error, SB_LIBRARY_ERROR, SB_LIBRARY_ERROR_TOO_NEW) ||
      g_error_matches (error, SB_LIBRARY_ERROR, SB_LIBRARY_ERROR_CORRUPT))
    {
      g_autoptr(GFile) file = sb_library_dup_default_file ();
      g_autofree char *path = g_file_get_path (file);

      /* Translators: %s is an error message, then the library's file name */
      description = g_strdup_printf (_("%s\n\nThe file was left untouched: %s"),
                                     error->message, path);
    }
  else
    description = g_strdup (error->message);

  adw_status_page_set_description (self->error_page, description);
  gtk_stack_set_visible_child_name (self->stack, "error");
}

/* Import */

static void
finish_import_batch (SbGalleryPage *self)
{
  guint n_failures = self->import_failures->len;
  g_auto(GStrv) failures = NULL;

  if (n_failures > 0 && n_failures <= MAX_FAILURE_TOASTS)
    {
      for (guint i = 0; i < n_failures; i++)
        show_error_toast (self, g_ptr_array_index (self->import_failures, i));
    }
  else if (n_failures > MAX_FAILURE_TOASTS)
    {
      g_autofree char *title = NULL;

      title = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                            "%u file could not be imported; the first was “%s”",
                                            "%u files could not be imported; the first was “%s”",
                                            n_failures),
                               n_failures,
                               (const char *) g_ptr_array_index (self->import_failures, 0));
      show_error_toast (self, title);
    }

  if (self->n_duplicates > 0)
    {
      g_autofree char *title = NULL;

      title = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                            "%u image was already in the library",
                                            "%u images were already in the library",
                                            self->n_duplicates),
                               self->n_duplicates);
      show_toast (self, adw_toast_new (title));
    }

  g_ptr_array_add (self->import_failures, NULL);
  failures = (GStrv) g_ptr_array_steal (self->import_failures, NULL);

  g_signal_emit (self, signals[IMPORT_FINISHED], 0,
                 self->n_imported, self->n_duplicates, failures);

  self->n_imported = 0;
  self->n_duplicates = 0;
}

static void
import_done (SbGalleryPage *self)
{
  g_assert (self->imports_in_flight > 0);

  self->imports_in_flight--;
  pump_imports (self);

  if (self->imports_in_flight == 0 && g_queue_is_empty (&self->import_queue))
    finish_import_batch (self);
}

static void
add_failure (SbGalleryPage *self,
             const char    *display_name,
             const GError  *error)
{
  /* Translators: the first %s is a file name, the second why it failed */
  g_ptr_array_add (self->import_failures,
                   g_strdup_printf (_("Could not import “%s”: %s"),
                                    display_name, error->message));
}

typedef struct
{
  SbGalleryPage *self;
  GFile         *file;
  char          *display_name;
} ImportData;

static void
import_data_free (ImportData *data)
{
  g_clear_object (&data->self);
  g_clear_object (&data->file);
  g_free (data->display_name);
  g_free (data);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (ImportData, import_data_free)

static void
media_added_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(ImportData) data = user_data;
  g_autoptr(SbMediaItem) item = NULL;
  g_autoptr(GError) error = NULL;
  gboolean existed = FALSE;

  item = sb_library_add_media_finish (SB_LIBRARY (object), result, &existed, &error);
  if (item == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        add_failure (data->self, data->display_name, error);
    }
  else if (existed)
    data->self->n_duplicates++;
  else
    data->self->n_imported++;

  import_done (data->self);
}

static void
file_validated_cb (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(ImportData) data = user_data;
  SbGalleryPage *self = data->self;
  g_autoptr(SbMediaImport) import = NULL;
  g_autoptr(SbMediaItem) item = NULL;
  g_autoptr(GError) error = NULL;

  import = sb_media_import_file_finish (result, &error);
  if (import == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        add_failure (self, data->display_name, error);
      import_done (self);
      return;
    }

  item = sb_media_item_new ();
  sb_media_item_set_kind (item, SB_MEDIA_KIND_IMAGE);
  sb_media_item_set_mime_type (item, import->probe.mime_type);
  sb_media_item_set_size (item, import->probe.width, import->probe.height);
  sb_media_item_set_origin (item, SB_MEDIA_ORIGIN_IMPORTED);
  sb_media_item_set_filename (item, import->display_name);
  g_free (data->display_name);
  data->display_name = g_strdup (import->display_name);

  sb_library_add_media_async (self->library, item, import->bytes, import->thumbnail,
                              self->cancellable, media_added_cb, g_steal_pointer (&data));
}

static void
pump_imports (SbGalleryPage *self)
{
  while (self->imports_in_flight < MAX_IMPORTS_IN_FLIGHT &&
         !g_queue_is_empty (&self->import_queue))
    {
      ImportData *data = g_new0 (ImportData, 1);

      data->self = g_object_ref (self);
      data->file = g_queue_pop_head (&self->import_queue);
      data->display_name = g_file_get_basename (data->file);

      self->imports_in_flight++;
      sb_media_import_file_async (data->file, self->cancellable, file_validated_cb, data);
    }
}

void
sb_gallery_page_import_files (SbGalleryPage  *self,
                              GFile         **files,
                              guint           n_files)
{
  g_return_if_fail (SB_IS_GALLERY_PAGE (self));
  g_return_if_fail (files != NULL || n_files == 0);

  if (self->library == NULL)
    {
      show_error_toast (self, _("The library is not open, so nothing can be imported"));
      return;
    }

  for (guint i = 0; i < n_files; i++)
    g_queue_push_tail (&self->import_queue, g_object_ref (files[i]));

  pump_imports (self);
}

/* Drag and drop */

static gboolean
on_drop (GtkDropTarget *target,
         const GValue  *value,
         double         x,
         double         y,
         SbGalleryPage *self)
{
  GSList *list;
  g_autoptr(GPtrArray) files = g_ptr_array_new ();

  gtk_widget_remove_css_class (GTK_WIDGET (self), "drop-target-active");

  if (!G_VALUE_HOLDS (value, GDK_TYPE_FILE_LIST))
    return FALSE;

  for (list = g_value_get_boxed (value); list != NULL; list = list->next)
    g_ptr_array_add (files, list->data);

  sb_gallery_page_import_files (self, (GFile **) files->pdata, files->len);

  return files->len > 0;
}

static GdkDragAction
on_drop_enter (GtkDropTarget *target,
               double         x,
               double         y,
               SbGalleryPage *self)
{
  gtk_widget_add_css_class (GTK_WIDGET (self), "drop-target-active");

  return GDK_ACTION_COPY;
}

static void
on_drop_leave (GtkDropTarget *target,
               SbGalleryPage *self)
{
  gtk_widget_remove_css_class (GTK_WIDGET (self), "drop-target-active");
}

/* Item actions */

static SbMediaItem *
dup_item_for_id (SbGalleryPage *self,
                 gint64         id)
{
  guint position;

  if (self->list == NULL)
    return NULL;

  position = sb_media_list_find (self->list, id);
  if (position == G_MAXUINT)
    return NULL;

  return g_list_model_get_item (G_LIST_MODEL (self->list), position);
}

static gint64
selected_id (SbGalleryPage *self)
{
  SbMediaItem *item;

  if (self->selection == NULL)
    return 0;

  item = gtk_single_selection_get_selected_item (self->selection);

  return item != NULL ? sb_media_item_get_id (item) : 0;
}

static void
on_grid_view_activate (SbGalleryPage *self,
                       guint          position,
                       GtkGridView   *grid_view)
{
  g_autoptr(SbMediaItem) item = g_list_model_get_item (G_LIST_MODEL (self->list), position);

  if (item != NULL)
    gtk_widget_activate_action (GTK_WIDGET (self), "gallery.open", "x",
                                sb_media_item_get_id (item));
}

static void
open_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  SbGalleryPage *self = SB_GALLERY_PAGE (widget);
  g_autoptr(SbMediaItem) item = dup_item_for_id (self, g_variant_get_int64 (parameter));
  GtkWidget *viewer;

  if (item == NULL || self->library == NULL)
    return;

  /* The viewer shows images; a video plays in the Videos page's player. */
  if (sb_media_item_get_kind (item) == SB_MEDIA_KIND_VIDEO)
    {
      gtk_widget_activate_action (widget, "win.play-video", "x", sb_media_item_get_id (item));
      return;
    }

  viewer = sb_media_viewer_new (self->library, item, GTK_WIDGET (self));
  gtk_window_set_transient_for (GTK_WINDOW (viewer),
                                GTK_WINDOW (gtk_widget_get_root (GTK_WIDGET (self))));
  gtk_window_present (GTK_WINDOW (viewer));
}

static void
save_as_action (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  SbGalleryPage *self = SB_GALLERY_PAGE (widget);
  g_autoptr(SbMediaItem) item = dup_item_for_id (self, g_variant_get_int64 (parameter));

  if (item == NULL || self->library == NULL)
    return;

  sb_media_actions_save_as (widget, self->library, item, self->cancellable);
}

static void
copy_decoded_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(SbGalleryPage) self = user_data;
  g_autoptr(GdkTexture) texture = NULL;
  g_autoptr(GError) error = NULL;

  texture = sb_texture_decode_finish (result, &error);
  if (texture == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          g_autofree char *message = g_strdup_printf (_("Could not copy the image: %s"), error->message);

          show_error_toast (self, message);
        }
      return;
    }

  gdk_clipboard_set_texture (gtk_widget_get_clipboard (GTK_WIDGET (self)), texture);
  show_toast (self, adw_toast_new (_("Image copied to the clipboard")));
}

static void
copy_bytes_loaded_cb (GObject      *object,
                      GAsyncResult *result,
                      gpointer      user_data)
{
  g_autoptr(SbGalleryPage) self = user_data;
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GError) error = NULL;

  bytes = sb_library_load_bytes_finish (SB_LIBRARY (object), result, &error);
  if (bytes == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          g_autofree char *message = g_strdup_printf (_("Could not copy the image: %s"), error->message);

          show_error_toast (self, message);
        }
      return;
    }

  /* Decoding the full image is slow: off the main thread. */
  sb_texture_decode_async (bytes, self->cancellable, copy_decoded_cb, g_object_ref (self));
}

static void
copy_item_read_cb (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(SbGalleryPage) self = user_data;
  g_autoptr(SbMediaItem) item = NULL;
  g_autoptr(GError) error = NULL;

  item = sb_library_get_media_finish (SB_LIBRARY (object), result, &error);
  if (item == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          /* Translators: %s says why */
          g_autofree char *message = g_strdup_printf (_("Could not copy the image: %s"), error->message);

          show_error_toast (self, message);
        }
      return;
    }

  if (sb_media_item_get_kind (item) == SB_MEDIA_KIND_VIDEO)
    {
      gtk_widget_activate_action (GTK_WIDGET (self), "win.copy-video", "x", sb_media_item_get_id (item));
      return;
    }

  sb_library_load_bytes_async (self->library, sb_media_item_get_id (item),
                               self->cancellable, copy_bytes_loaded_cb, g_object_ref (self));
}

static void
copy_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  SbGalleryPage *self = SB_GALLERY_PAGE (widget);

  if (self->library == NULL)
    return;

  /* The row first: the list's items are read lazily, and a video is copied
   * as a file rather than decoded as an image. */
  sb_library_get_media_async (self->library, g_variant_get_int64 (parameter),
                              self->cancellable, copy_item_read_cb, g_object_ref (self));
}

static void
delete_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  SbGalleryPage *self = SB_GALLERY_PAGE (widget);
  gint64 id = g_variant_get_int64 (parameter);
  g_autoptr(SbMediaItem) item = dup_item_for_id (self, id);
  SbMediaKind kind = SB_MEDIA_KIND_IMAGE;

  if (self->library == NULL || id <= 0)
    return;

  if (item != NULL && sb_media_item_get_loaded (item))
    kind = sb_media_item_get_kind (item);
  sb_media_actions_delete (widget, self->library, id, kind, self->loader);
}

/* The tile showing @id, if it is instantiated. */
static SbGalleryTile *
find_tile (GtkWidget *widget,
           gint64     id)
{
  if (SB_IS_GALLERY_TILE (widget))
    {
      SbMediaItem *item = sb_gallery_tile_get_item (SB_GALLERY_TILE (widget));

      return item != NULL && sb_media_item_get_id (item) == id ? SB_GALLERY_TILE (widget) : NULL;
    }

  for (GtkWidget *child = gtk_widget_get_first_child (widget);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      SbGalleryTile *tile = find_tile (child, id);

      if (tile != NULL)
        return tile;
    }

  return NULL;
}

static void
selection_action (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  SbGalleryPage *self = SB_GALLERY_PAGE (widget);
  gint64 id = selected_id (self);

  if (id <= 0)
    return;

  if (g_str_equal (action_name, "gallery.delete-selected"))
    gtk_widget_activate_action (widget, "gallery.delete", "x", id);
  else if (g_str_equal (action_name, "gallery.copy-selected"))
    gtk_widget_activate_action (widget, "gallery.copy", "x", id);
  else if (g_str_equal (action_name, "gallery.menu-selected"))
    {
      SbGalleryTile *tile = find_tile (GTK_WIDGET (self->grid_view), id);

      if (tile != NULL)
        sb_gallery_tile_popup_menu (tile, -1, -1);
    }
}

static void
toggle_favourite_action (GtkWidget  *widget,
                         const char *action_name,
                         GVariant   *parameter)
{
  SbGalleryPage *self = SB_GALLERY_PAGE (widget);
  gint64 id = g_variant_get_int64 (parameter);
  g_autoptr(SbMediaItem) item = dup_item_for_id (self, id);

  if (item == NULL || self->library == NULL)
    return;

  sb_media_actions_set_favourite (widget, self->library, id, !sb_media_item_get_favourite (item),
                                  self->cancellable);
}

static void
clear_brief_filter_action (GtkWidget  *widget,
                           const char *action_name,
                           GVariant   *parameter)
{
  sb_gallery_page_filter_brief (SB_GALLERY_PAGE (widget), 0, NULL);
}

static void
back_to_brief_action (GtkWidget  *widget,
                      const char *action_name,
                      GVariant   *parameter)
{
  SbGalleryPage *self = SB_GALLERY_PAGE (widget);

  if (self->brief_id != 0)
    gtk_widget_activate_action (widget, "win.open-brief", "x", self->brief_id);
}

static void
sb_gallery_page_dispose (GObject *object)
{
  SbGalleryPage *self = SB_GALLERY_PAGE (object);

  g_cancellable_cancel (self->cancellable);
  g_cancellable_cancel (self->list_cancellable);
  g_queue_clear_full (&self->import_queue, g_object_unref);

  if (self->grid_view != NULL)
    gtk_grid_view_set_model (self->grid_view, NULL);

  gtk_widget_dispose_template (GTK_WIDGET (self), SB_TYPE_GALLERY_PAGE);

  g_clear_object (&self->selection);
  g_clear_object (&self->list);
  g_clear_object (&self->loader);
  g_clear_object (&self->library);

  G_OBJECT_CLASS (sb_gallery_page_parent_class)->dispose (object);
}

static void
sb_gallery_page_finalize (GObject *object)
{
  SbGalleryPage *self = SB_GALLERY_PAGE (object);

  g_clear_object (&self->cancellable);
  g_clear_object (&self->list_cancellable);
  g_clear_pointer (&self->import_failures, g_ptr_array_unref);
  g_free (self->brief_title);

  G_OBJECT_CLASS (sb_gallery_page_parent_class)->finalize (object);
}

static void
sb_gallery_page_class_init (SbGalleryPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = sb_gallery_page_dispose;
  object_class->finalize = sb_gallery_page_finalize;

  /**
   * SbGalleryPage::import-finished:
   * @n_imported: files stored
   * @n_duplicates: files whose bytes were already in the library
   * @failures: one message per file that was refused
   */
  signals[IMPORT_FINISHED] =
    g_signal_new ("import-finished",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 3, G_TYPE_UINT, G_TYPE_UINT, G_TYPE_STRV);

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_BASE "/ui/sb-gallery-page.ui");
  gtk_widget_class_bind_template_child (widget_class, SbGalleryPage, content);
  gtk_widget_class_bind_template_child (widget_class, SbGalleryPage, stack);
  gtk_widget_class_bind_template_child (widget_class, SbGalleryPage, grid_view);
  gtk_widget_class_bind_template_child (widget_class, SbGalleryPage, error_page);
  gtk_widget_class_bind_template_child (widget_class, SbGalleryPage, search_entry);
  gtk_widget_class_bind_template_child (widget_class, SbGalleryPage, brief_chip);
  gtk_widget_class_bind_template_child (widget_class, SbGalleryPage, brief_chip_content);
  gtk_widget_class_bind_template_child (widget_class, SbGalleryPage, back_to_brief_button);
  gtk_widget_class_bind_template_child (widget_class, SbGalleryPage, kind_dropdown);
  gtk_widget_class_bind_template_child (widget_class, SbGalleryPage, favourites_button);
  gtk_widget_class_bind_template_callback (widget_class, on_grid_view_activate);
  gtk_widget_class_bind_template_callback (widget_class, on_search_changed);
  gtk_widget_class_bind_template_callback (widget_class, on_filter_changed);

  gtk_widget_class_install_action (widget_class, "gallery.open", "x", open_action);
  gtk_widget_class_install_action (widget_class, "gallery.save-as", "x", save_as_action);
  gtk_widget_class_install_action (widget_class, "gallery.copy", "x", copy_action);
  gtk_widget_class_install_action (widget_class, "gallery.delete", "x", delete_action);
  gtk_widget_class_install_action (widget_class, "gallery.toggle-favourite", "x", toggle_favourite_action);
  gtk_widget_class_install_action (widget_class, "gallery.clear-brief-filter", NULL, clear_brief_filter_action);
  gtk_widget_class_install_action (widget_class, "gallery.back-to-brief", NULL, back_to_brief_action);
  gtk_widget_class_install_action (widget_class, "gallery.delete-selected", NULL, selection_action);
  gtk_widget_class_install_action (widget_class, "gallery.copy-selected", NULL, selection_action);
  gtk_widget_class_install_action (widget_class, "gallery.menu-selected", NULL, selection_action);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Delete, 0, "gallery.delete-selected", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_KP_Delete, 0, "gallery.delete-selected", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_c, GDK_CONTROL_MASK, "gallery.copy-selected", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Menu, 0, "gallery.menu-selected", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_F10, GDK_SHIFT_MASK, "gallery.menu-selected", NULL);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "sbgallerypage");
}

static void
sb_gallery_page_init (SbGalleryPage *self)
{
  GtkDropTarget *drop_target;

  self->cancellable = g_cancellable_new ();
  self->import_failures = g_ptr_array_new_with_free_func (g_free);
  g_queue_init (&self->import_queue);

  gtk_widget_init_template (GTK_WIDGET (self));

  drop_target = gtk_drop_target_new (GDK_TYPE_FILE_LIST, GDK_ACTION_COPY);
  g_signal_connect (drop_target, "drop", G_CALLBACK (on_drop), self);
  g_signal_connect (drop_target, "enter", G_CALLBACK (on_drop_enter), self);
  g_signal_connect (drop_target, "leave", G_CALLBACK (on_drop_leave), self);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (drop_target));
}

GListModel *
sb_gallery_page_get_model (SbGalleryPage *self)
{
  g_return_val_if_fail (SB_IS_GALLERY_PAGE (self), NULL);

  return self->list ? G_LIST_MODEL (self->list) : NULL;
}

GtkGridView *
sb_gallery_page_get_grid_view (SbGalleryPage *self)
{
  g_return_val_if_fail (SB_IS_GALLERY_PAGE (self), NULL);

  return self->grid_view;
}

const char *
sb_gallery_page_get_state (SbGalleryPage *self)
{
  g_return_val_if_fail (SB_IS_GALLERY_PAGE (self), NULL);

  return gtk_stack_get_visible_child_name (self->stack);
}

void
sb_gallery_page_filter_brief (SbGalleryPage *self,
                              gint64         brief_id,
                              const char    *title)
{
  g_return_if_fail (SB_IS_GALLERY_PAGE (self));

  self->brief_id = brief_id;
  g_free (self->brief_title);
  self->brief_title = g_strdup (title);

  if (brief_id != 0)
    {
      g_autofree char *label = NULL;

      /* Translators: a filter chip; %s is a brief's title */
      label = g_strdup_printf (_("Brief: %s"), title != NULL && *title != '\0' ? title : _("Untitled"));
      adw_button_content_set_label (self->brief_chip_content, label);
      gtk_accessible_update_property (GTK_ACCESSIBLE (self->brief_chip),
                                      GTK_ACCESSIBLE_PROPERTY_LABEL, label, -1);
    }

  gtk_widget_set_visible (self->brief_chip, brief_id != 0);
  gtk_widget_set_visible (self->back_to_brief_button, brief_id != 0);
  reload_list (self);
}

gint64
sb_gallery_page_get_brief_filter (SbGalleryPage *self)
{
  g_return_val_if_fail (SB_IS_GALLERY_PAGE (self), 0);

  return self->brief_id;
}
