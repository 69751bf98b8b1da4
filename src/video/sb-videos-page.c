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
#include "sb-brief.h"
#include "sb-library-briefs.h"
#include "sb-library-jobs.h"
#include "sb-media-actions.h"
#include "sb-scene.h"
#include "sb-thumbnail-loader.h"
#include "sb-video-job-text.h"
#include "sb-video-job-tile.h"
#include "sb-video-job-window.h"
#include "sb-video-player.h"
#include "sb-video-tile.h"
#include "sb-videos-page.h"

/* Failed videos read from the library at start: the newest ones. */
#define MAX_FAILED_JOBS 50

struct _SbVideosPage
{
  GtkWidget            parent_instance;

  /* Template widgets */
  GtkWidget           *content;
  GtkSearchEntry      *search_entry;
  GtkWidget           *brief_chip;
  AdwButtonContent    *brief_chip_content;
  GtkWidget           *back_to_brief_button;
  GtkToggleButton     *favourites_button;
  GtkStack            *stack;
  GtkGridView         *grid_view;
  AdwStatusPage       *error_page;

  /* Owned */
  SbLibrary           *library;
  SbGenerationQueue   *queue;
  SbVideoCache        *cache;
  SbThumbnailLoader   *loader;
  SbMediaList         *list;
  GListStore          *jobs;          /* SbGenerationJob: the job tiles, newest first */
  GtkCustomFilter     *job_filter;
  GtkFilterListModel  *shown_jobs;
  GListStore          *sections;      /* GListModel: shown_jobs, then the videos */
  GtkFlattenListModel *items;
  GtkSingleSelection  *selection;
  GHashTable          *brief_titles;  /* gint64 * -> char * */
  GCancellable        *cancellable;   /* cancelled on dispose */
  GCancellable        *list_cancellable;
  GCancellable        *titles_cancellable;
  gint64               brief_id;
  char                *brief_title;

  /* Borrowed (weak) */
  GtkWindow           *player;
  GtkWindow           *job_window;
};

G_DEFINE_FINAL_TYPE (SbVideosPage, sb_videos_page, GTK_TYPE_WIDGET)

/* ---- state -------------------------------------------------------------- */

static char *
dup_search (SbVideosPage *self)
{
  return g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->search_entry))));
}

static gboolean
filters_active (SbVideosPage *self)
{
  g_autofree char *search = dup_search (self);

  return self->brief_id != 0 ||
         gtk_toggle_button_get_active (self->favourites_button) ||
         *search != '\0';
}

static void
update_state (SbVideosPage *self)
{
  const char *state;

  if (self->list == NULL)
    return;

  if (g_list_model_get_n_items (G_LIST_MODEL (self->items)) > 0)
    state = "grid";
  else if (filters_active (self))
    state = "no-results";
  else
    state = "empty";

  gtk_stack_set_visible_child_name (self->stack, state);
}

static gint64
selected_brief_id (SbVideosPage *self)
{
  GObject *item = gtk_single_selection_get_selected_item (self->selection);

  if (item != NULL && SB_IS_MEDIA_ITEM (item) && sb_media_item_get_brief_id (SB_MEDIA_ITEM (item)) > 0)
    return sb_media_item_get_brief_id (SB_MEDIA_ITEM (item));

  /* Nothing chosen: the brief the page shows. */
  return self->brief_id;
}

static void
update_actions (SbVideosPage *self)
{
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "videos.play-selected-storyboard",
                                 selected_brief_id (self) > 0);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "videos.clear-brief-filter", self->brief_id != 0);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "videos.back-to-brief", self->brief_id != 0);
}

static void
on_items_changed (SbVideosPage *self,
                  guint         position,
                  guint         removed,
                  guint         added,
                  GListModel   *items)
{
  update_state (self);
}

/* ---- job tiles ---------------------------------------------------------- */

/* Position of @job in the job tiles, by object or by stored id, or
 * G_MAXUINT. */
static guint
find_job (SbVideosPage    *self,
          SbGenerationJob *job)
{
  gint64 id = sb_generation_job_get_id (job);
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->jobs));

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(SbGenerationJob) other = g_list_model_get_item (G_LIST_MODEL (self->jobs), i);

      if (other == job || (id > 0 && sb_generation_job_get_id (other) == id))
        return i;
    }

  return G_MAXUINT;
}

/* Shows, replaces or removes @job's tile by what it is now. */
static void
sync_job (SbVideosPage    *self,
          SbGenerationJob *job,
          gboolean         append)
{
  guint position = find_job (self, job);
  gboolean listed = sb_video_job_is_listed (job);

  if (position == G_MAXUINT)
    {
      if (!listed)
        return;
      if (append)
        g_list_store_append (self->jobs, job);
      else
        g_list_store_insert (self->jobs, 0, job);
    }
  else if (!listed)
    g_list_store_remove (self->jobs, position);
  else
    {
      g_autoptr(SbGenerationJob) existing = g_list_model_get_item (G_LIST_MODEL (self->jobs), position);

      /* The queue's own object (it changes as the job goes on) wins over
       * the copy read from the library. */
      if (existing != job && !append)
        g_list_store_splice (self->jobs, position, 1, (gpointer *) &job, 1);
    }
}

static void
on_queue_job_changed (SbVideosPage      *self,
                      SbGenerationJob   *job,
                      SbGenerationQueue *queue)
{
  if (sb_generation_job_get_kind (job) == SB_MEDIA_KIND_VIDEO)
    sync_job (self, job, FALSE);
}

static void
failed_jobs_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(SbVideosPage) self = user_data;
  g_autoptr(GListModel) jobs = NULL;
  g_autoptr(GError) error = NULL;
  guint n;

  jobs = sb_library_list_failed_jobs_finish (SB_LIBRARY (object), result, &error);
  if (jobs == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_debug ("Could not list the failed videos: %s", error->message);
      return;
    }

  /* Newest first, after the jobs of this run. */
  n = g_list_model_get_n_items (jobs);
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(SbGenerationJob) job = g_list_model_get_item (jobs, i);

      sync_job (self, job, TRUE);
    }
}

static gboolean
job_matches (gpointer item,
             gpointer user_data)
{
  SbVideosPage *self = user_data;
  SbGenerationJob *job = item;
  g_autofree char *search = NULL;

  if (self->brief_id != 0 && sb_generation_job_get_brief_id (job) != self->brief_id)
    return FALSE;

  /* Only videos are favourites. */
  if (gtk_toggle_button_get_active (self->favourites_button))
    return FALSE;

  search = dup_search (self);
  if (*search != '\0')
    {
      g_autofree char *prompt = sb_video_job_dup_prompt (job);
      g_autofree char *text = g_strconcat (sb_generation_job_get_model (job) ? sb_generation_job_get_model (job) : "",
                                           " ", prompt ? prompt : "", NULL);
      g_autofree char *folded_text = g_utf8_casefold (text, -1);
      g_autofree char *folded_search = g_utf8_casefold (search, -1);

      return strstr (folded_text, folded_search) != NULL;
    }

  return TRUE;
}

/* ---- brief titles ------------------------------------------------------- */

static void
update_captions (GtkWidget *widget)
{
  if (SB_IS_VIDEO_TILE (widget))
    {
      sb_video_tile_update_caption (SB_VIDEO_TILE (widget));
      return;
    }

  for (GtkWidget *child = gtk_widget_get_first_child (widget);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    update_captions (child);
}

static void
briefs_listed_cb (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(SbVideosPage) self = user_data;
  g_autoptr(GListModel) briefs = NULL;
  g_autoptr(GError) error = NULL;
  guint n;

  briefs = sb_library_list_briefs_finish (SB_LIBRARY (object), result, &error);
  if (briefs == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_debug ("Could not list the briefs: %s", error->message);
      return;
    }

  g_hash_table_remove_all (self->brief_titles);
  n = g_list_model_get_n_items (briefs);
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(SbBrief) brief = g_list_model_get_item (briefs, i);
      gint64 *id = g_new (gint64, 1);

      *id = sb_brief_get_id (brief);
      g_hash_table_insert (self->brief_titles, id, g_strdup (sb_brief_get_title (brief)));
    }

  update_captions (GTK_WIDGET (self->grid_view));
}

static void
reload_brief_titles (SbVideosPage *self)
{
  if (self->library == NULL)
    return;

  g_cancellable_cancel (self->titles_cancellable);
  g_clear_object (&self->titles_cancellable);
  self->titles_cancellable = g_cancellable_new ();
  sb_library_list_briefs_async (self->library, NULL, self->titles_cancellable,
                                briefs_listed_cb, g_object_ref (self));
}

static void
on_library_brief_changed (SbVideosPage *self,
                          gint64        brief_id,
                          SbLibrary    *library)
{
  reload_brief_titles (self);
}

/* ---- grid --------------------------------------------------------------- */

/* A cell holds a video tile or a job tile, whichever its item needs. */
static void
bind_tile_cb (GtkSignalListItemFactory *factory,
              GtkListItem              *list_item,
              SbVideosPage             *self)
{
  GObject *item = gtk_list_item_get_item (list_item);
  GtkWidget *child = gtk_list_item_get_child (list_item);

  if (SB_IS_GENERATION_JOB (item))
    {
      if (!SB_IS_VIDEO_JOB_TILE (child))
        {
          child = sb_video_job_tile_new (self->loader);
          gtk_list_item_set_child (list_item, child);
        }
      sb_video_job_tile_set_queue (SB_VIDEO_JOB_TILE (child), self->queue);
      sb_video_job_tile_set_job (SB_VIDEO_JOB_TILE (child), SB_GENERATION_JOB (item));
    }
  else
    {
      if (!SB_IS_VIDEO_TILE (child))
        {
          child = sb_video_tile_new (self->loader, self->brief_titles);
          gtk_list_item_set_child (list_item, child);
        }
      sb_video_tile_set_item (SB_VIDEO_TILE (child), SB_MEDIA_ITEM (item));
    }
}

static void
unbind_tile_cb (GtkSignalListItemFactory *factory,
                GtkListItem              *list_item,
                SbVideosPage             *self)
{
  GtkWidget *child = gtk_list_item_get_child (list_item);

  if (SB_IS_VIDEO_JOB_TILE (child))
    sb_video_job_tile_set_job (SB_VIDEO_JOB_TILE (child), NULL);
  else if (SB_IS_VIDEO_TILE (child))
    sb_video_tile_set_item (SB_VIDEO_TILE (child), NULL);
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
  gboolean first;

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

  first = self->list == NULL;
  g_set_object (&self->list, list);
  if (first)
    g_list_store_append (self->sections, self->list);
  else
    g_list_store_splice (self->sections, 1, 1, (gpointer *) &list, 1);

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

  search = dup_search (self);
  filter.kind = SB_MEDIA_KIND_VIDEO;
  filter.brief_id = self->brief_id;
  filter.favourites_only = gtk_toggle_button_get_active (self->favourites_button);
  filter.search = search;

  sb_library_list_media_filtered_async (self->library, &filter, self->list_cancellable,
                                        list_ready_cb, g_object_ref (self));
}

/* The job tiles follow at once; the videos when the library answers. */
static void
refilter (SbVideosPage *self)
{
  gtk_filter_changed (GTK_FILTER (self->job_filter), GTK_FILTER_CHANGE_DIFFERENT);
  reload_list (self);
  update_actions (self);
}

static void
on_search_changed (SbVideosPage   *self,
                   GtkSearchEntry *entry)
{
  refilter (self);
}

static void
on_filter_changed (SbVideosPage *self)
{
  refilter (self);
}

static void
filter_brief_action (GtkWidget  *widget,
                     const char *action_name,
                     GVariant   *parameter)
{
  gint64 brief_id;
  const char *title;

  g_variant_get (parameter, "(x&s)", &brief_id, &title);
  sb_videos_page_filter_brief (SB_VIDEOS_PAGE (widget), brief_id, title);
}

static void
clear_brief_filter_action (GtkWidget  *widget,
                           const char *action_name,
                           GVariant   *parameter)
{
  sb_videos_page_filter_brief (SB_VIDEOS_PAGE (widget), 0, NULL);
}

static void
back_to_brief_action (GtkWidget  *widget,
                      const char *action_name,
                      GVariant   *parameter)
{
  SbVideosPage *self = SB_VIDEOS_PAGE (widget);

  if (self->brief_id != 0)
    gtk_widget_activate_action (widget, "win.open-brief", "x", self->brief_id);
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

/* ---- item actions (the posters' menu) ----------------------------------- */

static SbMediaItem *
dup_item_for_id (SbVideosPage *self,
                 gint64        id)
{
  guint position;

  if (self->list == NULL)
    return NULL;

  position = sb_media_list_find (self->list, id);
  if (position == G_MAXUINT)
    return NULL;

  return g_list_model_get_item (G_LIST_MODEL (self->list), position);
}

static void
open_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  /* As activating the tile: play it. */
  gtk_widget_activate_action_variant (widget, "videos.play", parameter);
}

static void
save_as_action (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  SbVideosPage *self = SB_VIDEOS_PAGE (widget);
  g_autoptr(SbMediaItem) item = dup_item_for_id (self, g_variant_get_int64 (parameter));

  if (item == NULL || self->library == NULL)
    return;

  sb_media_actions_save_as (widget, self->library, item, self->cancellable);
}

static void
copy_materialized_cb (GObject      *object,
                      GAsyncResult *result,
                      gpointer      user_data)
{
  g_autoptr(SbVideosPage) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GFile) file = NULL;

  file = sb_video_cache_materialize_finish (SB_VIDEO_CACHE (object), result, NULL, &error);
  if (file == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          /* Translators: %s says why */
          g_autofree char *message = g_strdup_printf (_("Could not copy the video: %s"), error->message);

          sb_media_actions_show_error (GTK_WIDGET (self), message);
        }
      return;
    }

  /* As the player does: the cached file, which file managers and chat
   * apps paste as a file. */
  gdk_clipboard_set (gtk_widget_get_clipboard (GTK_WIDGET (self)), G_TYPE_FILE, file);
  sb_media_actions_show_toast (GTK_WIDGET (self), adw_toast_new (_("Video copied")));
}

static void
copy_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  SbVideosPage *self = SB_VIDEOS_PAGE (widget);
  gint64 id = g_variant_get_int64 (parameter);

  if (self->cache == NULL || id <= 0)
    return;

  sb_video_cache_materialize_async (self->cache, id, self->cancellable,
                                    copy_materialized_cb, g_object_ref (self));
}

static void
toggle_favourite_action (GtkWidget  *widget,
                         const char *action_name,
                         GVariant   *parameter)
{
  SbVideosPage *self = SB_VIDEOS_PAGE (widget);
  gint64 id = g_variant_get_int64 (parameter);
  g_autoptr(SbMediaItem) item = dup_item_for_id (self, id);

  if (item == NULL || !sb_media_item_get_loaded (item) || self->library == NULL)
    return;

  sb_media_actions_set_favourite (widget, self->library, id, !sb_media_item_get_favourite (item),
                                  self->cancellable);
}

static void
delete_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  SbVideosPage *self = SB_VIDEOS_PAGE (widget);

  if (self->library == NULL)
    return;

  sb_media_actions_delete (widget, self->library, g_variant_get_int64 (parameter),
                           SB_MEDIA_KIND_VIDEO, self->loader);
}

/* The poster showing @id, if it is instantiated. */
static SbGalleryTile *
find_poster (GtkWidget *widget,
             gint64     id)
{
  if (SB_IS_VIDEO_TILE (widget))
    {
      SbMediaItem *item = sb_video_tile_get_item (SB_VIDEO_TILE (widget));

      return item != NULL && sb_media_item_get_id (item) == id
               ? sb_video_tile_get_poster (SB_VIDEO_TILE (widget))
               : NULL;
    }

  for (GtkWidget *child = gtk_widget_get_first_child (widget);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      SbGalleryTile *poster = find_poster (child, id);

      if (poster != NULL)
        return poster;
    }

  return NULL;
}

static void
menu_selected_action (GtkWidget  *widget,
                      const char *action_name,
                      GVariant   *parameter)
{
  SbVideosPage *self = SB_VIDEOS_PAGE (widget);
  GObject *item = gtk_single_selection_get_selected_item (self->selection);
  SbGalleryTile *poster;

  if (item == NULL || !SB_IS_MEDIA_ITEM (item))
    return;

  poster = find_poster (GTK_WIDGET (self->grid_view), sb_media_item_get_id (SB_MEDIA_ITEM (item)));
  if (poster != NULL)
    sb_gallery_tile_popup_menu (poster, -1, -1);
}

static void
open_job_window (SbVideosPage    *self,
                 SbGenerationJob *job)
{
  SbVideoJobWindow *window;
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));

  if (self->loader == NULL)
    return;

  if (self->job_window != NULL)
    {
      g_object_remove_weak_pointer (G_OBJECT (self->job_window), (gpointer *) &self->job_window);
      gtk_window_destroy (self->job_window);
    }

  window = sb_video_job_window_new (job, self->queue, self->loader);
  if (GTK_IS_WINDOW (root))
    {
      gtk_window_set_transient_for (GTK_WINDOW (window), GTK_WINDOW (root));
      gtk_window_set_application (GTK_WINDOW (window), gtk_window_get_application (GTK_WINDOW (root)));
    }

  self->job_window = GTK_WINDOW (window);
  g_object_add_weak_pointer (G_OBJECT (self->job_window), (gpointer *) &self->job_window);
  gtk_window_present (GTK_WINDOW (window));
}

static void
on_grid_view_activate (SbVideosPage *self,
                       guint         position,
                       GtkGridView  *grid_view)
{
  g_autoptr(GObject) item = g_list_model_get_item (G_LIST_MODEL (self->items), position);

  if (item == NULL)
    return;

  if (SB_IS_GENERATION_JOB (item))
    open_job_window (self, SB_GENERATION_JOB (item));
  else
    gtk_widget_activate_action (GTK_WIDGET (self), "videos.play", "x",
                                sb_media_item_get_id (SB_MEDIA_ITEM (item)));
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
  g_cancellable_cancel (self->titles_cancellable);

  if (self->player != NULL)
    g_object_remove_weak_pointer (G_OBJECT (self->player), (gpointer *) &self->player);
  self->player = NULL;
  if (self->job_window != NULL)
    g_object_remove_weak_pointer (G_OBJECT (self->job_window), (gpointer *) &self->job_window);
  self->job_window = NULL;

  if (self->grid_view != NULL)
    gtk_grid_view_set_model (self->grid_view, NULL);

  gtk_widget_dispose_template (GTK_WIDGET (self), SB_TYPE_VIDEOS_PAGE);

  if (self->items != NULL)
    g_signal_handlers_disconnect_by_func (self->items, on_items_changed, self);
  g_clear_object (&self->selection);
  g_clear_object (&self->items);
  g_clear_object (&self->sections);
  g_clear_object (&self->shown_jobs);
  g_clear_object (&self->job_filter);
  g_clear_object (&self->jobs);
  g_clear_object (&self->list);
  g_clear_object (&self->loader);
  g_clear_object (&self->cache);
  if (self->library != NULL)
    g_signal_handlers_disconnect_by_func (self->library, on_library_brief_changed, self);
  g_clear_object (&self->library);
  if (self->queue != NULL)
    g_signal_handlers_disconnect_by_func (self->queue, on_queue_job_changed, self);
  g_clear_object (&self->queue);

  G_OBJECT_CLASS (sb_videos_page_parent_class)->dispose (object);
}

static void
sb_videos_page_finalize (GObject *object)
{
  SbVideosPage *self = SB_VIDEOS_PAGE (object);

  g_clear_object (&self->cancellable);
  g_clear_object (&self->list_cancellable);
  g_clear_object (&self->titles_cancellable);
  g_clear_pointer (&self->brief_titles, g_hash_table_unref);
  g_free (self->brief_title);

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
  gtk_widget_class_bind_template_child (widget_class, SbVideosPage, brief_chip);
  gtk_widget_class_bind_template_child (widget_class, SbVideosPage, brief_chip_content);
  gtk_widget_class_bind_template_child (widget_class, SbVideosPage, back_to_brief_button);
  gtk_widget_class_bind_template_child (widget_class, SbVideosPage, favourites_button);
  gtk_widget_class_bind_template_child (widget_class, SbVideosPage, stack);
  gtk_widget_class_bind_template_child (widget_class, SbVideosPage, grid_view);
  gtk_widget_class_bind_template_child (widget_class, SbVideosPage, error_page);
  gtk_widget_class_bind_template_callback (widget_class, on_grid_view_activate);
  gtk_widget_class_bind_template_callback (widget_class, on_search_changed);
  gtk_widget_class_bind_template_callback (widget_class, on_filter_changed);

  gtk_widget_class_install_action (widget_class, "videos.play", "x", play_action);
  gtk_widget_class_install_action (widget_class, "videos.play-storyboard", "x", play_storyboard_action);
  gtk_widget_class_install_action (widget_class, "videos.play-selected-storyboard", NULL,
                                   play_selected_storyboard_action);
  gtk_widget_class_install_action (widget_class, "videos.filter-brief", "(xs)", filter_brief_action);
  gtk_widget_class_install_action (widget_class, "videos.clear-brief-filter", NULL, clear_brief_filter_action);
  gtk_widget_class_install_action (widget_class, "videos.back-to-brief", NULL, back_to_brief_action);
  gtk_widget_class_install_action (widget_class, "videos.open", "x", open_action);
  gtk_widget_class_install_action (widget_class, "videos.save-as", "x", save_as_action);
  gtk_widget_class_install_action (widget_class, "videos.copy", "x", copy_action);
  gtk_widget_class_install_action (widget_class, "videos.toggle-favourite", "x", toggle_favourite_action);
  gtk_widget_class_install_action (widget_class, "videos.delete", "x", delete_action);
  gtk_widget_class_install_action (widget_class, "videos.menu-selected", NULL, menu_selected_action);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Menu, 0, "videos.menu-selected", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_F10, GDK_SHIFT_MASK, "videos.menu-selected", NULL);
}

static void
sb_videos_page_init (SbVideosPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->cancellable = g_cancellable_new ();
  self->brief_titles = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, g_free);

  /* The job tiles first, then the videos (added once listed). */
  self->jobs = g_list_store_new (SB_TYPE_GENERATION_JOB);
  self->job_filter = gtk_custom_filter_new (job_matches, self, NULL);
  self->shown_jobs = gtk_filter_list_model_new (g_object_ref (G_LIST_MODEL (self->jobs)),
                                                g_object_ref (GTK_FILTER (self->job_filter)));
  self->sections = g_list_store_new (G_TYPE_LIST_MODEL);
  g_list_store_append (self->sections, self->shown_jobs);
  self->items = gtk_flatten_list_model_new (g_object_ref (G_LIST_MODEL (self->sections)));
  g_signal_connect_object (self->items, "items-changed",
                           G_CALLBACK (on_items_changed), self, G_CONNECT_SWAPPED);

  self->selection = gtk_single_selection_new (g_object_ref (G_LIST_MODEL (self->items)));
  gtk_single_selection_set_autoselect (self->selection, FALSE);
  gtk_single_selection_set_can_unselect (self->selection, TRUE);
  g_signal_connect_object (self->selection, "selection-changed",
                           G_CALLBACK (on_selection_changed), self, G_CONNECT_SWAPPED);
  gtk_grid_view_set_model (self->grid_view, GTK_SELECTION_MODEL (self->selection));

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

  if (self->library != NULL)
    g_signal_handlers_disconnect_by_func (self->library, on_library_brief_changed, self);
  g_set_object (&self->library, library);
  g_signal_connect_object (library, "brief-changed",
                           G_CALLBACK (on_library_brief_changed), self, G_CONNECT_SWAPPED);
  g_clear_object (&self->cache);
  self->cache = sb_video_cache_new (library, NULL, 0);
  g_clear_object (&self->loader);
  self->loader = sb_thumbnail_loader_new (library);

  factory = gtk_signal_list_item_factory_new ();
  g_signal_connect (factory, "bind", G_CALLBACK (bind_tile_cb), self);
  g_signal_connect (factory, "unbind", G_CALLBACK (unbind_tile_cb), self);
  gtk_grid_view_set_factory (self->grid_view, factory);
  g_object_unref (factory);

  reload_brief_titles (self);
  reload_list (self);
  sb_library_list_failed_jobs_async (library, SB_MEDIA_KIND_VIDEO, MAX_FAILED_JOBS, self->cancellable,
                                     failed_jobs_cb, g_object_ref (self));
}

void
sb_videos_page_set_generation (SbVideosPage      *self,
                               SbGenerationQueue *queue)
{
  GListModel *jobs;
  guint n;

  g_return_if_fail (SB_IS_VIDEOS_PAGE (self));
  g_return_if_fail (queue == NULL || SB_IS_GENERATION_QUEUE (queue));

  if (self->queue == queue)
    return;

  if (self->queue != NULL)
    g_signal_handlers_disconnect_by_func (self->queue, on_queue_job_changed, self);
  g_set_object (&self->queue, queue);

  if (queue == NULL)
    return;

  g_signal_connect_object (queue, "job-changed",
                           G_CALLBACK (on_queue_job_changed), self, G_CONNECT_SWAPPED);

  /* Oldest first: each new one goes before the others. */
  jobs = sb_generation_queue_get_jobs (queue);
  n = g_list_model_get_n_items (jobs);
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(SbGenerationJob) job = g_list_model_get_item (jobs, i);

      if (sb_generation_job_get_kind (job) == SB_MEDIA_KIND_VIDEO)
        sync_job (self, job, FALSE);
    }
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

void
sb_videos_page_filter_brief (SbVideosPage *self,
                             gint64        brief_id,
                             const char   *title)
{
  g_return_if_fail (SB_IS_VIDEOS_PAGE (self));

  self->brief_id = MAX (brief_id, 0);
  g_free (self->brief_title);
  self->brief_title = g_strdup (title);

  if (self->brief_id != 0)
    {
      g_autofree char *label = NULL;

      /* Translators: a filter chip; %s is a brief's title */
      label = g_strdup_printf (_("Brief: %s"), title != NULL && *title != '\0' ? title : _("Untitled"));
      adw_button_content_set_label (self->brief_chip_content, label);
      gtk_accessible_update_property (GTK_ACCESSIBLE (self->brief_chip),
                                      GTK_ACCESSIBLE_PROPERTY_LABEL, label, -1);
    }

  gtk_widget_set_visible (self->brief_chip, self->brief_id != 0);
  gtk_widget_set_visible (self->back_to_brief_button, self->brief_id != 0);
  refilter (self);
}

gint64
sb_videos_page_get_brief_filter (SbVideosPage *self)
{
  g_return_val_if_fail (SB_IS_VIDEOS_PAGE (self), 0);

  return self->brief_id;
}

GListModel *
sb_videos_page_get_model (SbVideosPage *self)
{
  g_return_val_if_fail (SB_IS_VIDEOS_PAGE (self), NULL);

  return self->list != NULL ? G_LIST_MODEL (self->list) : NULL;
}

GListModel *
sb_videos_page_get_jobs (SbVideosPage *self)
{
  g_return_val_if_fail (SB_IS_VIDEOS_PAGE (self), NULL);

  return G_LIST_MODEL (self->shown_jobs);
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

GtkWindow *
sb_videos_page_get_job_window (SbVideosPage *self)
{
  g_return_val_if_fail (SB_IS_VIDEOS_PAGE (self), NULL);

  return self->job_window;
}
