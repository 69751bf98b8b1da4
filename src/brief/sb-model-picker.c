/* sb-model-picker.c
 *
 * Copyright 2026 The Storyboard authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "sb-brief"

#include "config.h"

#include <glib/gi18n.h>

#include "sb-library-jobs.h"
#include "sb-media.h"
#include "sb-model-item.h"
#include "sb-model-picker.h"
#include "sb-network.h"
#include "sb-secrets.h"

/* Covers are small in the list; this is enough for a 2× display. */
#define COVER_SIZE         96
#define COVER_MAX_BYTES    (16 * 1024 * 1024)
#define BUTTON_COVER_SIZE  32
#define LIST_COVER_SIZE    48

struct _SbModelPicker
{
  AdwBin             parent_instance;

  /* Template widgets */
  GtkDropDown       *drop_down;
  GtkSpinner        *spinner;
  GtkLabel          *message_label;

  /* Owned */
  SbLibrary         *library;
  GSettings         *settings;
  char              *slug;
  char              *settings_key;     /* NULL when the schema has no key for the slug */
  GListStore        *models;           /* SbModelItem */
  SbModelItem       *selected;
  SbReplicateClient *client;
  GCancellable      *cancellable;      /* cancelled on dispose */
  GCancellable      *refresh_cancellable;
  GHashTable        *covers;           /* url -> GdkPaintable */
  GHashTable        *covers_pending;   /* url set: loading or failed this run */
  char              *message;
  gulong             network_handler;
  guint              syncing : 1;
  guint              refreshing : 1;
  guint              refreshed : 1;    /* a refresh from Replicate succeeded */
};

G_DEFINE_FINAL_TYPE (SbModelPicker, sb_model_picker, ADW_TYPE_BIN)

enum {
  PROP_0,
  PROP_LIBRARY,
  PROP_SETTINGS,
  PROP_SLUG,
  PROP_REFRESHING,
  N_PROPS
};

enum {
  MODEL_CHANGED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

static void refresh (SbModelPicker *self,
                     gboolean       asked);

static char *
cache_key (SbModelPicker *self)
{
  return g_strdup_printf ("replicate/collections/%s", self->slug);
}

static void
set_message (SbModelPicker *self,
             const char    *message,
             gboolean       is_error)
{
  g_free (self->message);
  self->message = g_strdup (message);

  gtk_label_set_label (self->message_label, message != NULL ? message : "");
  gtk_widget_set_visible (GTK_WIDGET (self->message_label), message != NULL);
  if (is_error)
    {
      gtk_widget_add_css_class (GTK_WIDGET (self->message_label), "error");
      gtk_widget_remove_css_class (GTK_WIDGET (self->message_label), "dim-label");
    }
  else
    {
      gtk_widget_remove_css_class (GTK_WIDGET (self->message_label), "error");
      gtk_widget_add_css_class (GTK_WIDGET (self->message_label), "dim-label");
    }
}

static void
set_refreshing (SbModelPicker *self,
                gboolean       refreshing)
{
  if (self->refreshing == !!refreshing)
    return;

  self->refreshing = !!refreshing;
  gtk_widget_set_visible (GTK_WIDGET (self->spinner), refreshing);
  gtk_spinner_set_spinning (self->spinner, refreshing);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "model-picker.refresh", !refreshing);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_REFRESHING]);
}

/* ---- Covers ------------------------------------------------------------ */

static GFile *
cover_file (const char *url)
{
  g_autofree char *hash = g_compute_checksum_for_string (G_CHECKSUM_SHA256, url, -1);

  return g_file_new_build_filename (g_get_user_cache_dir (), "storyboard", "covers", hash, NULL);
}

static void
apply_cover (SbModelPicker *self,
             const char    *url,
             GdkPaintable  *cover)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->models));

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(SbModelItem) item = g_list_model_get_item (G_LIST_MODEL (self->models), i);

      if (g_strcmp0 (sb_model_item_get_model (item)->cover_image_url, url) == 0)
        sb_model_item_set_cover (item, cover);
    }
}

typedef struct
{
  char   *url;
  GFile  *file;
  GBytes *downloaded;   /* NULL: read the disk cache */
} CoverLoad;

static void
cover_load_free (CoverLoad *load)
{
  g_free (load->url);
  g_clear_object (&load->file);
  g_clear_pointer (&load->downloaded, g_bytes_unref);
  g_free (load);
}

/* Worker: reads the cached small PNG, or scales a download down, keeps it
 * on disk and decodes it. */
static void
load_cover_thread (GTask        *task,
                   gpointer      source_object,
                   gpointer      task_data,
                   GCancellable *cancellable)
{
  CoverLoad *load = task_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GdkPixbuf) pixbuf = NULL;
  g_autoptr(GBytes) bytes = NULL;

  if (load->downloaded == NULL)
    {
      char *contents = NULL;
      gsize length = 0;
      g_autofree char *path = g_file_get_path (load->file);

      if (!g_file_get_contents (path, &contents, &length, &error))
        {
          g_task_return_error (task, g_steal_pointer (&error));
          return;
        }
      bytes = g_bytes_new_take (contents, length);
    }
  else
    bytes = g_bytes_ref (load->downloaded);

  pixbuf = sb_media_load_scaled (bytes, COVER_SIZE, COVER_SIZE, &error);
  if (pixbuf == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  if (load->downloaded != NULL)
    {
      g_autofree char *png = NULL;
      gsize png_length = 0;
      g_autoptr(GFile) parent = g_file_get_parent (load->file);
      g_autofree char *path = g_file_get_path (load->file);
      g_autoptr(GError) save_error = NULL;

      /* A cover that cannot be kept is still shown. */
      if (!g_file_make_directory_with_parents (parent, NULL, &save_error) &&
          !g_error_matches (save_error, G_IO_ERROR, G_IO_ERROR_EXISTS))
        g_debug ("Could not create the cover cache: %s", save_error->message);
      g_clear_error (&save_error);
      if (!gdk_pixbuf_save_to_buffer (pixbuf, &png, &png_length, "png", &save_error, NULL) ||
          !g_file_set_contents (path, png, png_length, &save_error))
        g_debug ("Could not keep a cover: %s", save_error->message);
    }

  g_task_return_pointer (task, gdk_texture_new_for_pixbuf (pixbuf), g_object_unref);
}

static void start_cover_download (SbModelPicker *self,
                                  const char    *url);

static void
cover_loaded_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  SbModelPicker *self = SB_MODEL_PICKER (object);
  CoverLoad *load = g_task_get_task_data (G_TASK (result));
  g_autoptr(GdkTexture) texture = NULL;
  g_autoptr(GError) error = NULL;

  texture = g_task_propagate_pointer (G_TASK (result), &error);
  if (texture == NULL)
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;
      if (load->downloaded == NULL && g_error_matches (error, G_FILE_ERROR, G_FILE_ERROR_NOENT))
        start_cover_download (self, load->url);
      else
        /* Stays pending: the placeholder is kept for this run. */
        g_debug ("No cover for %s: %s", load->url, error->message);
      return;
    }

  g_hash_table_insert (self->covers, g_strdup (load->url), g_object_ref (texture));
  apply_cover (self, load->url, GDK_PAINTABLE (texture));
}

static void
run_cover_load (SbModelPicker *self,
                const char    *url,
                GBytes        *downloaded)
{
  g_autoptr(GTask) task = NULL;
  CoverLoad *load = g_new0 (CoverLoad, 1);

  load->url = g_strdup (url);
  load->file = cover_file (url);
  load->downloaded = downloaded != NULL ? g_bytes_ref (downloaded) : NULL;

  /* The task holds the picker until it returns; dispose cancels it. */
  task = g_task_new (self, self->cancellable, cover_loaded_cb, NULL);
  g_task_set_source_tag (task, run_cover_load);
  g_task_set_task_data (task, load, (GDestroyNotify) cover_load_free);
  g_task_run_in_thread (task, load_cover_thread);
}

typedef struct
{
  SbModelPicker *self;
  char          *url;   /* as listed, before any redirect */
} CoverDownload;

static void
cover_downloaded_cb (GObject      *object,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  CoverDownload *data = user_data;
  g_autoptr(SbModelPicker) self = data->self;
  g_autofree char *url = data->url;
  g_autoptr(SbDownload) download = NULL;
  g_autoptr(GError) error = NULL;

  g_free (data);

  download = sb_replicate_client_download_output_finish (SB_REPLICATE_CLIENT (object), result, &error);
  if (download == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_debug ("Could not download a cover: %s", error->message);
      return;
    }

  if (!g_str_has_prefix (download->mime_type, "image/"))
    {
      /* Some models show a video: the placeholder stays. */
      g_debug ("Cover of type %s left out", download->mime_type);
      return;
    }

  run_cover_load (self, url, download->bytes);
}

static void
start_cover_download (SbModelPicker *self,
                      const char    *url)
{
  CoverDownload *data;

  if (!sb_network_can_use_provider (sb_provider_config_get_default (), SB_PROVIDER_REPLICATE))
    {
      /* Offline: try again the next time the cover is shown. */
      g_hash_table_remove (self->covers_pending, url);
      return;
    }

  data = g_new0 (CoverDownload, 1);
  data->self = g_object_ref (self);
  data->url = g_strdup (url);
  sb_replicate_client_download_output_async (self->client, url, COVER_MAX_BYTES, self->cancellable,
                                             cover_downloaded_cb, data);
}

static void
request_cover (SbModelPicker *self,
               SbModelItem   *item)
{
  const char *url = sb_model_item_get_model (item)->cover_image_url;
  GdkPaintable *cover;

  if (sb_model_item_get_cover (item) != NULL || url == NULL || *url == '\0')
    return;

  cover = g_hash_table_lookup (self->covers, url);
  if (cover != NULL)
    {
      sb_model_item_set_cover (item, cover);
      return;
    }

  if (!g_hash_table_add (self->covers_pending, g_strdup (url)))
    return;

  run_cover_load (self, url, NULL);
}

/* ---- List items --------------------------------------------------------- */

static void
update_cover_image (GtkImage    *image,
                    SbModelItem *item)
{
  GdkPaintable *cover = sb_model_item_get_cover (item);

  if (cover != NULL)
    gtk_image_set_from_paintable (image, cover);
  else
    gtk_image_set_from_icon_name (image, "image-x-generic-symbolic");
}

static void
on_item_cover_changed (SbModelItem *item,
                       GParamSpec  *pspec,
                       GtkImage    *image)
{
  update_cover_image (image, item);
}

static GtkWidget *
build_item_widget (gboolean full)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 10);
  GtkWidget *labels = gtk_box_new (GTK_ORIENTATION_VERTICAL, 2);
  GtkWidget *image = gtk_image_new ();
  GtkWidget *name = gtk_label_new (NULL);
  GtkWidget *owner = gtk_label_new (NULL);

  gtk_image_set_pixel_size (GTK_IMAGE (image), full ? LIST_COVER_SIZE : BUTTON_COVER_SIZE);
  gtk_widget_set_valign (image, GTK_ALIGN_CENTER);
  gtk_widget_add_css_class (image, "sb-model-cover");
  gtk_widget_set_overflow (image, GTK_OVERFLOW_HIDDEN);
  gtk_box_append (GTK_BOX (box), image);

  gtk_widget_set_valign (labels, GTK_ALIGN_CENTER);
  gtk_widget_set_hexpand (labels, TRUE);
  gtk_box_append (GTK_BOX (box), labels);

  gtk_label_set_xalign (GTK_LABEL (name), 0);
  gtk_label_set_ellipsize (GTK_LABEL (name), PANGO_ELLIPSIZE_END);
  gtk_widget_add_css_class (name, "heading");
  gtk_box_append (GTK_BOX (labels), name);

  gtk_label_set_xalign (GTK_LABEL (owner), 0);
  gtk_label_set_ellipsize (GTK_LABEL (owner), PANGO_ELLIPSIZE_END);
  gtk_widget_add_css_class (owner, "caption");
  gtk_widget_add_css_class (owner, "dim-label");
  gtk_box_append (GTK_BOX (labels), owner);

  if (full)
    {
      GtkWidget *description = gtk_label_new (NULL);

      gtk_label_set_xalign (GTK_LABEL (description), 0);
      gtk_label_set_ellipsize (GTK_LABEL (description), PANGO_ELLIPSIZE_END);
      gtk_label_set_single_line_mode (GTK_LABEL (description), TRUE);
      gtk_label_set_max_width_chars (GTK_LABEL (description), 48);
      gtk_label_set_width_chars (GTK_LABEL (description), 48);
      gtk_widget_add_css_class (description, "caption");
      gtk_box_append (GTK_BOX (labels), description);
    }

  return box;
}

static void
on_cover_image_map (GtkWidget     *image,
                    SbModelPicker *self)
{
  SbModelItem *item = g_object_get_data (G_OBJECT (image), "sb-model-item");

  if (item != NULL)
    request_cover (self, item);
}

static void
on_factory_setup (GtkSignalListItemFactory *factory,
                  GtkListItem              *list_item,
                  SbModelPicker            *self)
{
  GtkWidget *box = build_item_widget (GPOINTER_TO_INT (g_object_get_data (G_OBJECT (factory), "sb-full")));

  g_signal_connect (gtk_widget_get_first_child (box), "map", G_CALLBACK (on_cover_image_map), self);
  gtk_list_item_set_child (list_item, box);
}

static void
on_factory_bind (GtkSignalListItemFactory *factory,
                 GtkListItem              *list_item,
                 SbModelPicker            *self)
{
  SbModelItem *item = gtk_list_item_get_item (list_item);
  SbReplicateModel *model = sb_model_item_get_model (item);
  GtkWidget *box = gtk_list_item_get_child (list_item);
  GtkWidget *image = gtk_widget_get_first_child (box);
  GtkWidget *labels = gtk_widget_get_next_sibling (image);
  GtkWidget *name = gtk_widget_get_first_child (labels);
  GtkWidget *owner = gtk_widget_get_next_sibling (name);
  GtkWidget *description = gtk_widget_get_next_sibling (owner);
  g_autofree char *accessible = NULL;

  gtk_label_set_label (GTK_LABEL (name), model->name);
  gtk_label_set_label (GTK_LABEL (owner), model->owner);
  if (description != NULL)
    {
      gtk_label_set_label (GTK_LABEL (description), sb_model_item_get_description (item));
      gtk_widget_set_tooltip_text (box, model->description);
    }

  /* Translators: a model in a list: its name and its owner */
  accessible = g_strdup_printf (_("%s by %s"), model->name, model->owner);
  gtk_accessible_update_property (GTK_ACCESSIBLE (box),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, accessible,
                                  GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, sb_model_item_get_description (item),
                                  -1);
  gtk_accessible_update_property (GTK_ACCESSIBLE (image),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("Cover image"),
                                  -1);

  update_cover_image (GTK_IMAGE (image), item);
  g_signal_connect_object (item, "notify::cover", G_CALLBACK (on_item_cover_changed), image, 0);
  g_object_set_data (G_OBJECT (image), "sb-model-item", item);
  /* The list of the closed popup is bound too: load only what is seen. */
  if (gtk_widget_get_mapped (image))
    request_cover (self, item);
}

static void
on_factory_unbind (GtkSignalListItemFactory *factory,
                   GtkListItem              *list_item,
                   SbModelPicker            *self)
{
  SbModelItem *item = gtk_list_item_get_item (list_item);
  GtkWidget *image = gtk_widget_get_first_child (gtk_list_item_get_child (list_item));

  g_signal_handlers_disconnect_by_func (item, on_item_cover_changed, image);
  g_object_set_data (G_OBJECT (image), "sb-model-item", NULL);
}


static GtkListItemFactory *
new_factory (SbModelPicker *self,
             gboolean       full)
{
  GtkListItemFactory *factory = gtk_signal_list_item_factory_new ();

  g_object_set_data (G_OBJECT (factory), "sb-full", GINT_TO_POINTER (full));
  g_signal_connect (factory, "setup", G_CALLBACK (on_factory_setup), self);
  g_signal_connect (factory, "bind", G_CALLBACK (on_factory_bind), self);
  g_signal_connect (factory, "unbind", G_CALLBACK (on_factory_unbind), self);

  return factory;
}

/* ---- Selection ---------------------------------------------------------- */

static guint
find_model (SbModelPicker *self,
            const char    *id)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->models));

  if (id == NULL || *id == '\0')
    return GTK_INVALID_LIST_POSITION;

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(SbModelItem) item = g_list_model_get_item (G_LIST_MODEL (self->models), i);

      if (g_str_equal (sb_model_item_get_id (item), id))
        return i;
    }

  return GTK_INVALID_LIST_POSITION;
}

static void
update_selected (SbModelPicker *self)
{
  SbModelItem *item = gtk_drop_down_get_selected_item (self->drop_down);

  if (item == self->selected)
    return;

  g_set_object (&self->selected, item);
  g_debug ("Model of %s: %s", self->slug, item ? sb_model_item_get_id (item) : "(none)");
  g_signal_emit (self, signals[MODEL_CHANGED], 0);
}

static void
on_drop_down_selected_changed (SbModelPicker *self,
                               GParamSpec    *pspec,
                               GtkDropDown   *drop_down)
{
  SbModelItem *item;

  if (self->syncing)
    return;

  /* Only the user's own choices are remembered, so the default follows
   * the collection's order until then. */
  item = gtk_drop_down_get_selected_item (drop_down);
  if (item != NULL && self->settings != NULL && self->settings_key != NULL)
    g_settings_set_string (self->settings, self->settings_key, sb_model_item_get_id (item));

  update_selected (self);
}

/* Replaces the list, keeping the items (and their covers and borrowed
 * models) of unchanged models and the selection. */
static void
apply_collection (SbModelPicker         *self,
                  SbReplicateCollection *collection)
{
  g_autoptr(GPtrArray) items = g_ptr_array_new_with_free_func (g_object_unref);
  g_autofree char *keep = NULL;
  guint position;

  if (self->selected != NULL)
    keep = g_strdup (sb_model_item_get_id (self->selected));
  else if (self->settings != NULL && self->settings_key != NULL)
    keep = g_settings_get_string (self->settings, self->settings_key);

  for (guint i = 0; i < collection->models->len; i++)
    {
      SbReplicateModel *model = g_ptr_array_index (collection->models, i);
      g_autofree char *id = g_strdup_printf ("%s/%s", model->owner, model->name);
      guint old = find_model (self, id);
      SbModelItem *item = NULL;

      if (old != GTK_INVALID_LIST_POSITION)
        {
          g_autoptr(SbModelItem) existing = g_list_model_get_item (G_LIST_MODEL (self->models), old);

          if (g_strcmp0 (sb_model_item_get_model (existing)->latest_version_id, model->latest_version_id) == 0 &&
              g_strcmp0 (sb_model_item_get_model (existing)->cover_image_url, model->cover_image_url) == 0)
            item = g_object_ref (existing);
        }

      if (item == NULL)
        item = sb_model_item_new (model);
      g_ptr_array_add (items, item);
    }

  self->syncing = TRUE;
  g_list_store_splice (self->models, 0, g_list_model_get_n_items (G_LIST_MODEL (self->models)),
                       items->pdata, items->len);
  position = find_model (self, keep);
  if (position == GTK_INVALID_LIST_POSITION && items->len > 0)
    position = 0;
  gtk_drop_down_set_selected (self->drop_down, position);
  self->syncing = FALSE;

  gtk_widget_set_sensitive (GTK_WIDGET (self->drop_down), items->len > 0);
  update_selected (self);
}

/* ---- The collection cache ---------------------------------------------- */

static void
add_string_member (JsonBuilder *builder,
                   const char  *name,
                   const char  *value)
{
  if (value == NULL)
    return;

  json_builder_set_member_name (builder, name);
  json_builder_add_string_value (builder, value);
}

/* What SbReplicateCollection keeps, as the API would have sent it, so the
 * cached text parses with sb_replicate_collection_new_from_json(). */
static char *
collection_to_json (SbReplicateCollection *collection)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;

  json_builder_begin_object (builder);
  add_string_member (builder, "slug", collection->slug);
  add_string_member (builder, "name", collection->name);
  add_string_member (builder, "description", collection->description);
  json_builder_set_member_name (builder, "models");
  json_builder_begin_array (builder);
  for (guint i = 0; i < collection->models->len; i++)
    {
      SbReplicateModel *model = g_ptr_array_index (collection->models, i);

      json_builder_begin_object (builder);
      add_string_member (builder, "owner", model->owner);
      add_string_member (builder, "name", model->name);
      add_string_member (builder, "description", model->description);
      add_string_member (builder, "url", model->url);
      add_string_member (builder, "cover_image_url", model->cover_image_url);
      add_string_member (builder, "visibility", model->visibility);
      json_builder_set_member_name (builder, "run_count");
      json_builder_add_int_value (builder, model->run_count);
      json_builder_set_member_name (builder, "is_official");
      json_builder_add_boolean_value (builder, model->is_official);
      if (model->latest_version_id != NULL)
        {
          json_builder_set_member_name (builder, "latest_version");
          json_builder_begin_object (builder);
          json_builder_set_member_name (builder, "id");
          json_builder_add_string_value (builder, model->latest_version_id);
          if (model->openapi_schema != NULL)
            {
              json_builder_set_member_name (builder, "openapi_schema");
              json_builder_add_value (builder, json_node_copy (model->openapi_schema));
            }
          json_builder_end_object (builder);
        }
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
  json_builder_end_object (builder);

  root = json_builder_get_root (builder);
  return json_to_string (root, FALSE);
}

static void
cache_put_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(GError) error = NULL;

  /* The list still works; it just will not be there offline. */
  if (!sb_library_cache_put_finish (SB_LIBRARY (object), result, &error) &&
      !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    g_warning ("Could not cache the models: %s", error->message);
}

static void
cache_get_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(SbModelPicker) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GDateTime) fetched_at = NULL;
  g_autofree char *json = NULL;

  json = sb_library_cache_get_finish (SB_LIBRARY (object), result, &fetched_at, &error);
  if (json == NULL)
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;
      if (!g_error_matches (error, SB_LIBRARY_ERROR, SB_LIBRARY_ERROR_NOT_FOUND))
        g_debug ("Could not read the cached models of %s: %s", self->slug, error->message);
    }
  else
    {
      g_autoptr(JsonNode) node = json_from_string (json, &error);
      g_autoptr(SbReplicateCollection) collection = NULL;

      if (node != NULL)
        collection = sb_replicate_collection_new_from_json (node, &error);
      if (collection == NULL)
        g_debug ("Ignoring the cached models of %s: %s", self->slug, error->message);
      else if (!self->refreshed)
        apply_collection (self, collection);
    }

  /* Then the fresh list, in the background. */
  refresh (self, FALSE);
}

/* ---- Refresh ------------------------------------------------------------ */

static void
finish_refresh (SbModelPicker *self,
                const char    *error_message)
{
  set_refreshing (self, FALSE);

  if (error_message == NULL)
    set_message (self, NULL, FALSE);
  else if (g_list_model_get_n_items (G_LIST_MODEL (self->models)) > 0)
    {
      /* Translators: %s says what went wrong; the cached list stays usable */
      g_autofree char *message = g_strdup_printf (_("Could not refresh the models: %s"), error_message);

      set_message (self, message, TRUE);
    }
  else
    {
      /* Translators: %s says what went wrong */
      g_autofree char *message = g_strdup_printf (_("Could not load the models: %s"), error_message);

      set_message (self, message, TRUE);
    }
}

static void
collection_fetched_cb (GObject      *object,
                       GAsyncResult *result,
                       gpointer      user_data)
{
  g_autoptr(SbModelPicker) self = user_data;
  g_autoptr(SbReplicateCollection) collection = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *key = NULL;
  g_autofree char *json = NULL;

  collection = sb_replicate_client_get_collection_finish (SB_REPLICATE_CLIENT (object), result, &error);
  if (collection == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        finish_refresh (self, error->message);
      return;
    }

  self->refreshed = TRUE;
  apply_collection (self, collection);

  key = cache_key (self);
  json = collection_to_json (collection);
  sb_library_cache_put_async (self->library, key, json, self->cancellable, cache_put_cb, NULL);

  finish_refresh (self, NULL);
}

typedef struct
{
  SbModelPicker *self;
  gboolean       asked;
} RefreshData;

static void
key_looked_up_cb (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  RefreshData *data = user_data;
  g_autoptr(SbModelPicker) self = data->self;
  gboolean asked = data->asked;
  g_autoptr(GError) error = NULL;
  g_autofree char *key = NULL;

  g_free (data);

  key = sb_secrets_lookup_finish (result, NULL, &error);
  if (error != NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        finish_refresh (self, error->message);
      return;
    }

  if (key == NULL || *key == '\0')
    {
      set_refreshing (self, FALSE);
      if (asked)
        finish_refresh (self, _("There is no Replicate API key. Add one in Preferences."));
      else if (g_list_model_get_n_items (G_LIST_MODEL (self->models)) == 0)
        set_message (self, _("Add a Replicate API key in Preferences to list the models."), FALSE);
      return;
    }

  sb_replicate_client_set_api_key (self->client, key);
  sb_replicate_client_get_collection_async (self->client, self->slug, self->refresh_cancellable,
                                            collection_fetched_cb, g_object_ref (self));
}

/* @asked: the user pressed Refresh, so a missing key or network is an
 * error rather than a quiet fact. */
static void
refresh (SbModelPicker *self,
         gboolean       asked)
{
  RefreshData *data;

  if (!sb_network_can_use_provider (sb_provider_config_get_default (), SB_PROVIDER_REPLICATE))
    {
      if (asked)
        finish_refresh (self, _("You are offline. Connect to a network and try again."));
      else if (g_list_model_get_n_items (G_LIST_MODEL (self->models)) == 0)
        set_message (self, _("You are offline. The models will be listed once you are connected."), FALSE);
      return;
    }

  g_cancellable_cancel (self->refresh_cancellable);
  g_clear_object (&self->refresh_cancellable);
  self->refresh_cancellable = g_cancellable_new ();

  set_refreshing (self, TRUE);

  data = g_new0 (RefreshData, 1);
  data->self = g_object_ref (self);
  data->asked = asked;
  sb_secrets_lookup_async (SB_PROVIDER_REPLICATE, self->refresh_cancellable, key_looked_up_cb, data);
}

static void
refresh_action (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  refresh (SB_MODEL_PICKER (widget), TRUE);
}

static void
on_network_changed (SbModelPicker   *self,
                    gboolean         available,
                    GNetworkMonitor *monitor)
{
  /* Back online without a fresh list yet: fetch it now. */
  if (!self->refreshed && !self->refreshing && self->library != NULL &&
      sb_network_can_use_provider (sb_provider_config_get_default (), SB_PROVIDER_REPLICATE))
    refresh (self, FALSE);
}

/* ---- GObject ----------------------------------------------------------- */

static void
sb_model_picker_constructed (GObject *object)
{
  SbModelPicker *self = SB_MODEL_PICKER (object);
  g_autofree char *key = NULL;
  g_autoptr(GtkListItemFactory) button_factory = NULL;
  g_autoptr(GtkListItemFactory) list_factory = NULL;
  g_autoptr(GtkExpression) expression = NULL;

  G_OBJECT_CLASS (sb_model_picker_parent_class)->constructed (object);

  g_assert (self->slug != NULL);

  if (self->settings != NULL)
    {
      g_autoptr(GSettingsSchema) schema = NULL;
      g_autofree char *name = g_strdup_printf ("%s-model", self->slug);

      g_object_get (self->settings, "settings-schema", &schema, NULL);
      if (schema != NULL && g_settings_schema_has_key (schema, name))
        self->settings_key = g_steal_pointer (&name);
    }

  button_factory = new_factory (self, FALSE);
  list_factory = new_factory (self, TRUE);
  gtk_drop_down_set_factory (self->drop_down, button_factory);
  gtk_drop_down_set_list_factory (self->drop_down, list_factory);
  expression = gtk_property_expression_new (SB_TYPE_MODEL_ITEM, NULL, "id");
  gtk_drop_down_set_expression (self->drop_down, expression);
  gtk_drop_down_set_model (self->drop_down, G_LIST_MODEL (self->models));
  gtk_widget_set_sensitive (GTK_WIDGET (self->drop_down), FALSE);

  self->network_handler = g_signal_connect_object (g_network_monitor_get_default (), "network-changed",
                                                   G_CALLBACK (on_network_changed), self,
                                                   G_CONNECT_SWAPPED);

  if (self->library == NULL)
    {
      refresh (self, FALSE);
      return;
    }

  /* The cached list first (instant, offline), then the fresh one. */
  key = cache_key (self);
  sb_library_cache_get_async (self->library, key, self->cancellable, cache_get_cb, g_object_ref (self));
}

static void
sb_model_picker_dispose (GObject *object)
{
  SbModelPicker *self = SB_MODEL_PICKER (object);

  g_cancellable_cancel (self->cancellable);
  g_cancellable_cancel (self->refresh_cancellable);

  if (self->drop_down != NULL)
    gtk_drop_down_set_model (self->drop_down, NULL);

  gtk_widget_dispose_template (GTK_WIDGET (self), SB_TYPE_MODEL_PICKER);

  g_clear_object (&self->selected);
  g_clear_object (&self->library);
  g_clear_object (&self->settings);

  G_OBJECT_CLASS (sb_model_picker_parent_class)->dispose (object);
}

static void
sb_model_picker_finalize (GObject *object)
{
  SbModelPicker *self = SB_MODEL_PICKER (object);

  g_clear_object (&self->models);
  g_clear_object (&self->client);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->refresh_cancellable);
  g_clear_pointer (&self->covers, g_hash_table_unref);
  g_clear_pointer (&self->covers_pending, g_hash_table_unref);
  g_clear_pointer (&self->slug, g_free);
  g_clear_pointer (&self->settings_key, g_free);
  g_clear_pointer (&self->message, g_free);

  G_OBJECT_CLASS (sb_model_picker_parent_class)->finalize (object);
}

static void
sb_model_picker_get_property (GObject    *object,
                              guint       prop_id,
                              GValue     *value,
                              GParamSpec *pspec)
{
  SbModelPicker *self = SB_MODEL_PICKER (object);

  switch (prop_id)
    {
    case PROP_LIBRARY:
      g_value_set_object (value, self->library);
      break;

    case PROP_SETTINGS:
      g_value_set_object (value, self->settings);
      break;

    case PROP_SLUG:
      g_value_set_string (value, self->slug);
      break;

    case PROP_REFRESHING:
      g_value_set_boolean (value, self->refreshing);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sb_model_picker_set_property (GObject      *object,
                              guint         prop_id,
                              const GValue *value,
                              GParamSpec   *pspec)
{
  SbModelPicker *self = SB_MODEL_PICKER (object);

  switch (prop_id)
    {
    case PROP_LIBRARY:
      self->library = g_value_dup_object (value);
      break;

    case PROP_SETTINGS:
      self->settings = g_value_dup_object (value);
      break;

    case PROP_SLUG:
      self->slug = g_value_dup_string (value);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sb_model_picker_class_init (SbModelPickerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->constructed = sb_model_picker_constructed;
  object_class->dispose = sb_model_picker_dispose;
  object_class->finalize = sb_model_picker_finalize;
  object_class->get_property = sb_model_picker_get_property;
  object_class->set_property = sb_model_picker_set_property;

  properties[PROP_LIBRARY] =
    g_param_spec_object ("library", NULL, NULL, SB_TYPE_LIBRARY,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_SETTINGS] =
    g_param_spec_object ("settings", NULL, NULL, G_TYPE_SETTINGS,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_SLUG] =
    g_param_spec_string ("slug", NULL, NULL, "text-to-image",
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_REFRESHING] =
    g_param_spec_boolean ("refreshing", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);

  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * SbModelPicker::model-changed:
   *
   * The selected model changed: another model, a new version of it after
   * a refresh, or none.
   */
  signals[MODEL_CHANGED] =
    g_signal_new ("model-changed",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 0);

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_BASE "/ui/sb-model-picker.ui");
  gtk_widget_class_bind_template_child (widget_class, SbModelPicker, drop_down);
  gtk_widget_class_bind_template_child (widget_class, SbModelPicker, spinner);
  gtk_widget_class_bind_template_child (widget_class, SbModelPicker, message_label);
  gtk_widget_class_bind_template_callback (widget_class, on_drop_down_selected_changed);

  gtk_widget_class_install_action (widget_class, "model-picker.refresh", NULL, refresh_action);
}

static void
sb_model_picker_init (SbModelPicker *self)
{
  self->models = g_list_store_new (SB_TYPE_MODEL_ITEM);
  self->cancellable = g_cancellable_new ();
  self->client = sb_replicate_client_new (sb_http_get_default ());
  self->covers = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_object_unref);
  self->covers_pending = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);

  /* The template's notify::selected fires while the list is still being
   * set up; nothing is chosen by the user until construction ends. */
  self->syncing = TRUE;
  gtk_widget_init_template (GTK_WIDGET (self));
  self->syncing = FALSE;
}

GtkWidget *
sb_model_picker_new (SbLibrary  *library,
                     GSettings  *settings,
                     const char *slug)
{
  g_return_val_if_fail (library == NULL || SB_IS_LIBRARY (library), NULL);
  g_return_val_if_fail (settings == NULL || G_IS_SETTINGS (settings), NULL);
  g_return_val_if_fail (slug != NULL, NULL);

  return g_object_new (SB_TYPE_MODEL_PICKER,
                       "library", library,
                       "settings", settings,
                       "slug", slug,
                       NULL);
}

const char *
sb_model_picker_get_slug (SbModelPicker *self)
{
  g_return_val_if_fail (SB_IS_MODEL_PICKER (self), NULL);

  return self->slug;
}

SbReplicateModel *
sb_model_picker_get_selected_model (SbModelPicker *self)
{
  g_return_val_if_fail (SB_IS_MODEL_PICKER (self), NULL);

  return self->selected != NULL ? sb_model_item_get_model (self->selected) : NULL;
}

const char *
sb_model_picker_get_selected_id (SbModelPicker *self)
{
  g_return_val_if_fail (SB_IS_MODEL_PICKER (self), NULL);

  return self->selected != NULL ? sb_model_item_get_id (self->selected) : NULL;
}

gboolean
sb_model_picker_select (SbModelPicker *self,
                        const char    *id)
{
  guint position;

  g_return_val_if_fail (SB_IS_MODEL_PICKER (self), FALSE);
  g_return_val_if_fail (id != NULL, FALSE);

  position = find_model (self, id);
  if (position == GTK_INVALID_LIST_POSITION)
    return FALSE;

  gtk_drop_down_set_selected (self->drop_down, position);
  return TRUE;
}

GListModel *
sb_model_picker_get_models (SbModelPicker *self)
{
  g_return_val_if_fail (SB_IS_MODEL_PICKER (self), NULL);

  return G_LIST_MODEL (self->models);
}

gboolean
sb_model_picker_get_refreshing (SbModelPicker *self)
{
  g_return_val_if_fail (SB_IS_MODEL_PICKER (self), FALSE);

  return self->refreshing;
}

const char *
sb_model_picker_get_message (SbModelPicker *self)
{
  g_return_val_if_fail (SB_IS_MODEL_PICKER (self), NULL);

  return self->message;
}
