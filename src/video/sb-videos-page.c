/* sb-videos-page.c
 *
 * Copyright 2026 The Storyboard authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "sb-video"

#include "config.h"

#include <glib/gi18n.h>

#include "sb-brief-revision.h"
#include "sb-gallery-tile.h"
#include "sb-library-briefs.h"
#include "sb-library-jobs.h"
#include "sb-scene.h"
#include "sb-thumbnail-loader.h"
#include "sb-video-player.h"
#include "sb-videos-page.h"

struct _SbVideosPage
{
  GtkWidget           parent_instance;

  /* Template widgets */
  GtkWidget          *content;
  GtkSearchEntry     *search_entry;
  GtkStack           *stack;
  GtkGridView        *grid_view;
  AdwStatusPage      *error_page;

  /* Owned */
  SbLibrary          *library;
  SbVideoCache       *cache;
  SbThumbnailLoader  *loader;
  SbMediaList        *list;
  GtkSingleSelection *selection;
  GCancellable       *cancellable;       /* cancelled on dispose */
  GCancellable       *list_cancellable;

  /* Borrowed (weak) */
  GtkWindow          *player;
};

G_DEFINE_FINAL_TYPE (SbVideosPage, sb_videos_page, GTK_TYPE_WIDGET)

/* ---- state -------------------------------------------------------------- */

static void
update_state (SbVideosPage *self)
{
  const char *state;

  if (self->list == NULL)
    return;

  state = g_list_model_get_n_items (G_LIST_MODEL (self->list)) > 0 ? "grid" : "empty";
  gtk_stack_set_visible_child_name (self->stack, state);
}

static gint64
selected_brief_id (SbVideosPage *self)
{
  SbMediaItem *item;

  if (self->selection == NULL)
    return 0;

  item = gtk_single_selection_get_selected_item (self->selection);

  return item != NULL ? sb_media_item_get_brief_id (item) : 0;
}

static void
update_actions (SbVideosPage *self)
{
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "videos.play-selected-storyboard",
                                 selected_brief_id (self) > 0);
}

static void
on_list_items_changed (SbVideosPage *self,
                       guint         position,
                       guint         removed,
                       guint         added,
                       GListModel   *list)
{
  update_state (self);
}

/* ---- grid --------------------------------------------------------------- */

static gboolean
duration_to_label (GBinding     *binding,
                   const GValue *from,
                   GValue       *to,
                   gpointer      user_data)
{
  double seconds = g_value_get_double (from);
  int total = (int) (seconds + 0.5);

  if (seconds <= 0)
    g_value_set_string (to, NULL);
  else
    g_value_take_string (to, g_strdup_printf ("%d:%02d", total / 60, total % 60));

  return TRUE;
}

static void
setup_tile_cb (GtkSignalListItemFactory *factory,
               GtkListItem              *list_item,
               SbVideosPage             *self)
{
  GtkWidget *overlay = gtk_overlay_new ();
  GtkWidget *label = gtk_label_new (NULL);

  gtk_overlay_set_child (GTK_OVERLAY (overlay), sb_gallery_tile_new (self->loader));
  gtk_widget_set_halign (label, GTK_ALIGN_END);
  gtk_widget_set_valign (label, GTK_ALIGN_END);
  gtk_widget_set_margin_end (label, 8);
  gtk_widget_set_margin_bottom (label, 8);
  gtk_widget_set_can_target (label, FALSE);
  gtk_widget_add_css_class (label, "osd");
  gtk_widget_add_css_class (label, "caption");
  gtk_widget_add_css_class (label, "numeric");
  gtk_overlay_add_overlay (GTK_OVERLAY (overlay), label);
  gtk_list_item_set_child (list_item, overlay);
}

static void
bind_tile_cb (GtkSignalListItemFactory *factory,
              GtkListItem              *list_item,
              SbVideosPage             *self)
{
  GtkWidget *overlay = gtk_list_item_get_child (list_item);
  GtkWidget *tile = gtk_overlay_get_child (GTK_OVERLAY (overlay));
  GtkWidget *label = gtk_widget_get_last_child (overlay);
  SbMediaItem *item = gtk_list_item_get_item (list_item);
  GBinding *binding;

  sb_gallery_tile_set_item (SB_GALLERY_TILE (tile), item);
  binding = g_object_bind_property_full (item, "duration", label, "label", G_BINDING_SYNC_CREATE,
                                         duration_to_label, NULL, NULL, NULL);
  g_object_set_data (G_OBJECT (list_item), "sb-duration-binding", binding);
}

static void
unbind_tile_cb (GtkSignalListItemFactory *factory,
                GtkListItem              *list_item,
                SbVideosPage             *self)
{
  GtkWidget *overlay = gtk_list_item_get_child (list_item);
  GBinding *binding = g_object_steal_data (G_OBJECT (list_item), "sb-duration-binding");

  if (binding != NULL)
    g_binding_unbind (binding);
  sb_gallery_tile_set_item (SB_GALLERY_TILE (gtk_overlay_get_child (GTK_OVERLAY (overlay))), NULL);
}

static void
on_selection_changed (SbVideosPage *self)
{
  update_actions (self);
}

static void
list_ready_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(SbVideosPage) self = user_data;
  g_autoptr(SbMediaList) list = NULL;
  g_autoptr(GError) error = NULL;

  list = sb_library_list_media_filtered_finish (SB_LIBRARY (object), result, &error);
  if (list == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          g_debug ("Could not list the videos: %s", error->message);
          sb_videos_page_set_library_error (self, error);
        }
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
  g_signal_connect_object (self->selection, "selection-changed",
                           G_CALLBACK (on_selection_changed), self, G_CONNECT_SWAPPED);
  gtk_grid_view_set_model (self->grid_view, GTK_SELECTION_MODEL (self->selection));

  update_state (self);
  update_actions (self);
}

static void
reload_list (SbVideosPage *self)
{
  g_autofree char *search = NULL;
  SbMediaFilter filter = { 0 };

  if (self->library == NULL)
    return;

  g_cancellable_cancel (self->list_cancellable);
  g_clear_object (&self->list_cancellable);
  self->list_cancellable = g_cancellable_new ();

  search = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->search_entry))));
  filter.kind = SB_MEDIA_KIND_VIDEO;
  filter.search = search;

  sb_library_list_media_filtered_async (self->library, &filter, self->list_cancellable,
                                        list_ready_cb, g_object_ref (self));
}

static void
on_search_changed (SbVideosPage   *self,
                   GtkSearchEntry *entry)
{
  reload_list (self);
}

/* ---- playing ------------------------------------------------------------ */

static void
open_player (SbVideosPage *self,
             const gint64 *ids,
             guint         n_ids,
             const char   *title)
{
  SbVideoPlayer *player;
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));

  if (self->library == NULL || n_ids == 0)
    return;

  player = sb_video_player_new (self->library, self->cache);
  if (GTK_IS_WINDOW (root))
    {
      gtk_window_set_transient_for (GTK_WINDOW (player), GTK_WINDOW (root));
      gtk_window_set_application (GTK_WINDOW (player), gtk_window_get_application (GTK_WINDOW (root)));
    }

  if (self->player != NULL)
    g_object_remove_weak_pointer (G_OBJECT (self->player), (gpointer *) &self->player);
  self->player = GTK_WINDOW (player);
  g_object_add_weak_pointer (G_OBJECT (self->player), (gpointer *) &self->player);

  sb_video_player_play (player, ids, n_ids, title);
  gtk_window_present (GTK_WINDOW (player));
}

static void
play_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  gint64 id = g_variant_get_int64 (parameter);

  open_player (SB_VIDEOS_PAGE (widget), &id, 1, NULL);
}

static void
on_grid_view_activate (SbVideosPage *self,
                       guint         position,
                       GtkGridView  *grid_view)
{
  g_autoptr(SbMediaItem) item = g_list_model_get_item (G_LIST_MODEL (self->list), position);

  if (item != NULL)
    gtk_widget_activate_action (GTK_WIDGET (self), "videos.play", "x", sb_media_item_get_id (item));
}

/* Play Storyboard: the brief's latest revision gives the scene order, its
 * videos (all loaded first) the newest one per scene. */
typedef struct
{
  SbVideosPage    *self;
  gint64           brief_id;
  SbBriefRevision *revision;
  SbMediaList     *list;
  GPtrArray       *items;     /* element-type SbMediaItem */
  guint            pending;   /* revision + list + unloaded items */
} Storyboard;

static void
storyboard_free (Storyboard *data)
{
  if (data->items != NULL)
    for (guint i = 0; i < data->items->len; i++)
      g_signal_handlers_disconnect_by_data (g_ptr_array_index (data->items, i), data);
  g_clear_object (&data->self);
  g_clear_object (&data->revision);
  g_clear_object (&data->list);
  g_clear_pointer (&data->items, g_ptr_array_unref);
  g_free (data);
}

static void
storyboard_play (Storyboard *data)
{
  g_autoptr(GArray) ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  const char *title = NULL;

  if (data->revision != NULL)
    {
      GListModel *scenes = G_LIST_MODEL (sb_brief_revision_get_scenes (data->revision));

      title = sb_brief_revision_get_title (data->revision);
      for (guint i = 0; i < g_list_model_get_n_items (scenes); i++)
        {
          g_autoptr(SbScene) scene = g_list_model_get_item (scenes, i);

          /* Newest first: the first match is the scene's newest video. */
          for (guint j = 0; j < data->items->len; j++)
            {
              SbMediaItem *item = g_ptr_array_index (data->items, j);

              if (sb_media_item_get_scene_id (item) == sb_scene_get_id (scene))
                {
                  gint64 id = sb_media_item_get_id (item);

                  g_array_append_val (ids, id);
                  break;
                }
            }
        }
    }

  /* Videos of older revisions' scenes only: all of them, oldest first. */
  if (ids->len == 0)
    for (guint j = data->items->len; j > 0; j--)
      {
        gint64 id = sb_media_item_get_id (g_ptr_array_index (data->items, j - 1));

        g_array_append_val (ids, id);
      }

  if (ids->len == 0)
    {
      g_debug ("Brief %" G_GINT64_FORMAT " has no videos", data->brief_id);
      return;
    }

  open_player (data->self, (const gint64 *) (gpointer) ids->data, ids->len,
               title != NULL && *title != '\0' ? title : _("Storyboard"));
}

static void
storyboard_step (Storyboard *data)
{
  g_assert (data->pending > 0);

  if (--data->pending == 0)
    {
      storyboard_play (data);
      storyboard_free (data);
    }
}

static void
on_storyboard_item_loaded (SbMediaItem *item,
                           GParamSpec  *pspec,
                           Storyboard  *data)
{
  if (!sb_media_item_get_loaded (item))
    return;

  g_signal_handlers_disconnect_by_func (item, on_storyboard_item_loaded, data);
  storyboard_step (data);
}

static void
storyboard_list_cb (GObject      *object,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  Storyboard *data = user_data;
  g_autoptr(GError) error = NULL;
  guint n;

  data->list = sb_library_list_media_filtered_finish (SB_LIBRARY (object), result, &error);
  if (data->list == NULL)
    {
      g_debug ("Could not list the brief's videos: %s", error->message);
      data->list = NULL;
    }
  else
    {
      n = g_list_model_get_n_items (G_LIST_MODEL (data->list));
      for (guint i = 0; i < n; i++)
        {
          SbMediaItem *item = g_list_model_get_item (G_LIST_MODEL (data->list), i);

          g_ptr_array_add (data->items, item);
          if (!sb_media_item_get_loaded (item))
            {
              data->pending++;
              g_signal_connect (item, "notify::loaded", G_CALLBACK (on_storyboard_item_loaded), data);
            }
        }
    }

  storyboard_step (data);
}

static void
storyboard_revision_cb (GObject      *object,
                        GAsyncResult *result,
                        gpointer      user_data)
{
  Storyboard *data = user_data;
  g_autoptr(GError) error = NULL;

  data->revision = sb_library_load_latest_revision_finish (SB_LIBRARY (object), result, &error);
  if (data->revision == NULL)
    g_debug ("No revision for brief %" G_GINT64_FORMAT ": %s", data->brief_id, error->message);

  storyboard_step (data);
}

static void
play_storyboard (SbVideosPage *self,
                 gint64        brief_id)
{
  SbMediaFilter filter = { 0 };
  Storyboard *data;

  if (self->library == NULL || brief_id <= 0)
    return;

  data = g_new0 (Storyboard, 1);
  data->self = g_object_ref (self);
  data->brief_id = brief_id;
  data->items = g_ptr_array_new_with_free_func (g_object_unref);
  data->pending = 2;

  filter.kind = SB_MEDIA_KIND_VIDEO;
  filter.brief_id = brief_id;
  sb_library_load_latest_revision_async (self->library, brief_id, self->cancellable,
                                         storyboard_revision_cb, data);
  sb_library_list_media_filtered_async (self->library, &filter, self->cancellable,
                                        storyboard_list_cb, data);
}

static void
play_storyboard_action (GtkWidget  *widget,
                        const char *action_name,
                        GVariant   *parameter)
{
  play_storyboard (SB_VIDEOS_PAGE (widget), g_variant_get_int64 (parameter));
}

static void
play_selected_storyboard_action (GtkWidget  *widget,
                                 const char *action_name,
                                 GVariant   *parameter)
{
  SbVideosPage *self = SB_VIDEOS_PAGE (widget);

  play_storyboard (self, selected_brief_id (self));
}

/* ---- GObject ------------------------------------------------------------ */

static void
sb_videos_page_dispose (GObject *object)
{
  SbVideosPage *self = SB_VIDEOS_PAGE (object);

  g_cancellable_cancel (self->cancellable);
  g_cancellable_cancel (self->list_cancellable);

  if (self->player != NULL)
    g_object_remove_weak_pointer (G_OBJECT (self->player), (gpointer *) &self->player);
  self->player = NULL;

  if (self->grid_view != NULL)
    gtk_grid_view_set_model (self->grid_view, NULL);

  gtk_widget_dispose_template (GTK_WIDGET (self), SB_TYPE_VIDEOS_PAGE);

  g_clear_object (&self->selection);
  if (self->list != NULL)
    g_signal_handlers_disconnect_by_func (self->list, on_list_items_changed, self);
  g_clear_object (&self->list);
  g_clear_object (&self->loader);
  g_clear_object (&self->cache);
  g_clear_object (&self->library);

  G_OBJECT_CLASS (sb_videos_page_parent_class)->dispose (object);
}

static void
sb_videos_page_finalize (GObject *object)
{
  SbVideosPage *self = SB_VIDEOS_PAGE (object);

  g_clear_object (&self->cancellable);
  g_clear_object (&self->list_cancellable);

  G_OBJECT_CLASS (sb_videos_page_parent_class)->finalize (object);
}

static void
sb_videos_page_class_init (SbVideosPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = sb_videos_page_dispose;
  object_class->finalize = sb_videos_page_finalize;

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_BASE "/ui/sb-videos-page.ui");
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_bind_template_child (widget_class, SbVideosPage, content);
  gtk_widget_class_bind_template_child (widget_class, SbVideosPage, search_entry);
  gtk_widget_class_bind_template_child (widget_class, SbVideosPage, stack);
  gtk_widget_class_bind_template_child (widget_class, SbVideosPage, grid_view);
  gtk_widget_class_bind_template_child (widget_class, SbVideosPage, error_page);
  gtk_widget_class_bind_template_callback (widget_class, on_grid_view_activate);
  gtk_widget_class_bind_template_callback (widget_class, on_search_changed);

  gtk_widget_class_install_action (widget_class, "videos.play", "x", play_action);
  gtk_widget_class_install_action (widget_class, "videos.play-storyboard", "x", play_storyboard_action);
  gtk_widget_class_install_action (widget_class, "videos.play-selected-storyboard", NULL,
                                   play_selected_storyboard_action);
}

static void
sb_videos_page_init (SbVideosPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->cancellable = g_cancellable_new ();
  update_actions (self);
}

void
sb_videos_page_set_library (SbVideosPage *self,
                            SbLibrary    *library)
{
  GtkListItemFactory *factory;

  g_return_if_fail (SB_IS_VIDEOS_PAGE (self));
  g_return_if_fail (SB_IS_LIBRARY (library));

  if (self->library == library)
    return;

  g_set_object (&self->library, library);
  g_clear_object (&self->cache);
  self->cache = sb_video_cache_new (library, NULL, 0);
  g_clear_object (&self->loader);
  self->loader = sb_thumbnail_loader_new (library);

  factory = gtk_signal_list_item_factory_new ();
  g_signal_connect (factory, "setup", G_CALLBACK (setup_tile_cb), self);
  g_signal_connect (factory, "bind", G_CALLBACK (bind_tile_cb), self);
  g_signal_connect (factory, "unbind", G_CALLBACK (unbind_tile_cb), self);
  gtk_grid_view_set_factory (self->grid_view, factory);
  g_object_unref (factory);

  reload_list (self);
}

void
sb_videos_page_set_library_error (SbVideosPage *self,
                                  const GError *error)
{
  g_return_if_fail (SB_IS_VIDEOS_PAGE (self));
  g_return_if_fail (error != NULL);

  adw_status_page_set_description (self->error_page, error->message);
  gtk_stack_set_visible_child_name (self->stack, "error");
}

GListModel *
sb_videos_page_get_model (SbVideosPage *self)
{
  g_return_val_if_fail (SB_IS_VIDEOS_PAGE (self), NULL);

  return self->list != NULL ? G_LIST_MODEL (self->list) : NULL;
}

GtkGridView *
sb_videos_page_get_grid_view (SbVideosPage *self)
{
  g_return_val_if_fail (SB_IS_VIDEOS_PAGE (self), NULL);

  return self->grid_view;
}

const char *
sb_videos_page_get_state (SbVideosPage *self)
{
  g_return_val_if_fail (SB_IS_VIDEOS_PAGE (self), NULL);

  return gtk_stack_get_visible_child_name (self->stack);
}

GtkWindow *
sb_videos_page_get_player (SbVideosPage *self)
{
  g_return_val_if_fail (SB_IS_VIDEOS_PAGE (self), NULL);

  return self->player;
}
