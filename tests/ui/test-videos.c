/* test-videos.c
 *
 * Copyright 2026 The Storyboard authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Drives the real window under Xvfb, with no provider involved (playback
 * works offline): a video stored in the library shows on the Videos page
 * with its poster, plays in the player from the playback cache, pauses
 * with Space, seeks with the arrows and closes with Escape.  Each video
 * names its brief under its poster; that caption, the brief chip,
 * win.show-brief-videos and the favourites button filter the grid.  The
 * posters' menu plays, copies, makes favourites and deletes (with Undo)
 * through the Videos page's own actions.
 */

#include "config.h"

#include <adwaita.h>

#include "sb-ui-test.h"
#include "sb-application.h"
#include "sb-brief-revision.h"
#include "sb-brief.h"
#include "sb-library-briefs.h"
#include "sb-scene.h"
#include "sb-gallery-tile.h"
#include "sb-library-jobs.h"
#include "sb-media-video.h"
#include "sb-video-player.h"
#include "sb-video-tile.h"
#include "sb-videos-page.h"
#include "sb-window.h"

static void
iterate_for (guint ms)
{
  gint64 until = g_get_monotonic_time () + ms * 1000;

  while (g_get_monotonic_time () < until)
    {
      g_main_context_iteration (NULL, FALSE);
      g_usleep (1000);
    }
}

static void
collect_tiles (GtkWidget *widget,
               GPtrArray *tiles)
{
  if (SB_IS_GALLERY_TILE (widget))
    g_ptr_array_add (tiles, widget);

  for (GtkWidget *child = gtk_widget_get_first_child (widget);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    collect_tiles (child, tiles);
}

/* Tiles on screen whose item is loaded and whose poster is showing. */
static gboolean
one_tile_drawn (gpointer data)
{
  g_autoptr(GPtrArray) tiles = g_ptr_array_new ();
  guint drawn = 0;

  collect_tiles (GTK_WIDGET (sb_videos_page_get_grid_view (data)), tiles);
  for (guint i = 0; i < tiles->len; i++)
    {
      SbGalleryTile *tile = g_ptr_array_index (tiles, i);

      if (gtk_widget_get_mapped (GTK_WIDGET (tile)) &&
          gtk_widget_get_width (GTK_WIDGET (tile)) > 0 &&
          sb_gallery_tile_get_item (tile) != NULL &&
          sb_media_item_get_loaded (sb_gallery_tile_get_item (tile)) &&
          sb_gallery_tile_has_texture (tile))
        drawn++;
    }

  return drawn == 1;
}

static gboolean
page_shows_grid (gpointer data)
{
  return g_strcmp0 (sb_videos_page_get_state (data), "grid") == 0;
}

static gboolean
stream_prepared (gpointer data)
{
  GtkMediaStream *stream = sb_video_player_get_media_stream (data);

  if (sb_video_player_get_error (data) != NULL)
    g_error ("The player shows an error: %s", sb_video_player_get_error (data));

  return stream != NULL && gtk_media_stream_is_prepared (stream);
}

static gboolean
played_past_300ms (gpointer data)
{
  GtkMediaStream *stream = sb_video_player_get_media_stream (data);

  g_assert_no_error (gtk_media_stream_get_error (stream));

  return gtk_media_stream_get_timestamp (stream) > 300 * 1000;
}

static gboolean
paused (gpointer data)
{
  return !gtk_media_stream_get_playing (sb_video_player_get_media_stream (data));
}

static gboolean
at_start (gpointer data)
{
  GtkMediaStream *stream = sb_video_player_get_media_stream (data);

  return !gtk_media_stream_is_seeking (stream) && gtk_media_stream_get_timestamp (stream) < 100 * 1000;
}

static gboolean
near_end (gpointer data)
{
  GtkMediaStream *stream = sb_video_player_get_media_stream (data);

  return !gtk_media_stream_is_seeking (stream) &&
         (gtk_media_stream_get_ended (stream) ||
          gtk_media_stream_get_timestamp (stream) > gtk_media_stream_get_duration (stream) - 200 * 1000);
}

static gboolean
page_has_player (gpointer data)
{
  return sb_videos_page_get_player (data) != NULL;
}

static gboolean
hidden (gpointer data)
{
  return !gtk_widget_get_visible (data);
}

/* What the generation queue stores for a video: its bytes, size, length
 * and a poster from sb_media_process_video(). */
static SbMediaItem *
add_video (SbLibrary  *library,
           const char *folder,
           const char *name,
           gint64      brief_id,
           gint64      revision_id,
           gint64      scene_id)
{
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "data", folder, name, NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) poster = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(SbMediaItem) item = sb_media_item_new ();
  g_autoptr(GMappedFile) mapped = NULL;
  g_autoptr(GBytes) bytes = NULL;
  SbMediaProbe probe = { 0 };
  SbMediaItem *added;

  g_assert_true (sb_media_process_video (path, NULL, &probe, &poster, &error));
  g_assert_no_error (error);

  mapped = g_mapped_file_new (path, FALSE, &error);
  g_assert_no_error (error);
  bytes = g_mapped_file_get_bytes (mapped);

  sb_media_item_set_kind (item, SB_MEDIA_KIND_VIDEO);
  sb_media_item_set_mime_type (item, probe.mime_type);
  sb_media_item_set_size (item, probe.width, probe.height);
  sb_media_item_set_duration (item, probe.duration);
  sb_media_item_set_filename (item, name);
  sb_media_item_set_links (item, brief_id, revision_id, scene_id);

  sb_library_add_media_async (library, item, bytes, poster, NULL, sb_ui_test_store_result_cb, &result);
  sb_ui_test_wait_for (sb_ui_test_result_ready, &result, "the video to be stored");
  added = sb_library_add_media_finish (library, result, NULL, &error);
  g_assert_no_error (error);

  return added;
}

static gboolean
plays_media (gpointer data)
{
  gpointer *args = data;

  return stream_prepared (args[0]) &&
         sb_video_player_get_media_id (args[0]) == sb_media_item_get_id (args[1]);
}

/* A brief of two scenes, each with a video (stored in the opposite order):
 * Play Storyboard plays them in scene order, the second when the first
 * ends. */
static gint64
play_storyboard (SbLibrary    *library,
                 SbVideosPage *page)
{
  g_autoptr(SbBrief) brief = sb_brief_new ();
  g_autoptr(SbBriefRevision) revision = sb_brief_revision_new ();
  g_autoptr(SbScene) first = sb_scene_new ();
  g_autoptr(SbScene) second = sb_scene_new ();
  g_autoptr(SbMediaItem) first_video = NULL;
  g_autoptr(SbMediaItem) second_video = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  SbVideoPlayer *player;
  gpointer args[2];

  sb_brief_set_title (brief, "Ball");
  sb_brief_revision_set_title (revision, "The Ball Story");
  sb_scene_set_title (first, "Opening");
  sb_scene_set_title (second, "Ending");
  g_list_store_append (sb_brief_revision_get_scenes (revision), first);
  g_list_store_append (sb_brief_revision_get_scenes (revision), second);
  sb_library_create_brief_async (library, brief, revision, NULL, sb_ui_test_store_result_cb, &result);
  sb_ui_test_wait_for (sb_ui_test_result_ready, &result, "the brief to be stored");
  g_assert_true (sb_library_create_brief_finish (library, result, &error));
  g_assert_no_error (error);
  g_assert_cmpint (sb_scene_get_id (first), >, 0);

  second_video = add_video (library, "fixtures", "video/sample-320x180.webm", sb_brief_get_id (brief),
                            sb_brief_revision_get_id (revision), sb_scene_get_id (second));
  first_video = add_video (library, "video", "ball-live.webm", sb_brief_get_id (brief),
                           sb_brief_revision_get_id (revision), sb_scene_get_id (first));

  gtk_widget_activate_action (GTK_WIDGET (page), "videos.play-storyboard", "x", sb_brief_get_id (brief));
  sb_ui_test_wait_for (page_has_player, page, "the storyboard player");
  player = SB_VIDEO_PLAYER (sb_videos_page_get_player (page));
  g_object_ref (player);

  args[0] = player;
  args[1] = first_video;
  sb_ui_test_wait_for (plays_media, args, "the first scene's video");
  g_assert_cmpuint (sb_video_player_get_position (player), ==, 0);

  /* To its end: the next scene follows by itself. */
  gtk_widget_activate_action (GTK_WIDGET (player), "player.seek-forward", NULL);
  args[1] = second_video;
  sb_ui_test_wait_for (plays_media, args, "the second scene's video");
  g_assert_cmpuint (sb_video_player_get_position (player), ==, 1);

  gtk_widget_activate_action (GTK_WIDGET (player), "player.leave", NULL);
  sb_ui_test_wait_for (hidden, player, "the storyboard player to close");
  sb_ui_test_iterate (100);
  g_assert_finalize_object (player);

  return sb_brief_get_id (brief);
}

static void
collect_video_tiles (GtkWidget *widget,
                     GPtrArray *tiles)
{
  if (SB_IS_VIDEO_TILE (widget))
    {
      if (gtk_widget_get_mapped (widget) && sb_video_tile_get_item (SB_VIDEO_TILE (widget)) != NULL)
        g_ptr_array_add (tiles, widget);
      return;
    }

  for (GtkWidget *child = gtk_widget_get_first_child (widget);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    collect_video_tiles (child, tiles);
}

typedef struct
{
  SbVideosPage *page;
  guint         n_items;
  guint         n_captions;
  const char   *caption;
} Shown;

/* The page lists @n_items videos, and as many tiles are on screen, of
 * which @n_captions name the brief @caption. */
static gboolean
page_shows (gpointer data)
{
  Shown *shown = data;
  GListModel *model = sb_videos_page_get_model (shown->page);
  g_autoptr(GPtrArray) tiles = g_ptr_array_new ();
  guint n_captions = 0;

  if (model == NULL || g_list_model_get_n_items (model) != shown->n_items)
    return FALSE;

  collect_video_tiles (GTK_WIDGET (sb_videos_page_get_grid_view (shown->page)), tiles);
  if (tiles->len != shown->n_items)
    return FALSE;

  for (guint i = 0; i < tiles->len; i++)
    {
      SbVideoTile *tile = g_ptr_array_index (tiles, i);

      if (!sb_media_item_get_loaded (sb_video_tile_get_item (tile)))
        return FALSE;
      if (g_strcmp0 (sb_video_tile_get_caption (tile), shown->caption) == 0)
        n_captions++;
      else if (sb_video_tile_get_caption (tile) != NULL)
        return FALSE;
    }

  return n_captions == shown->n_captions;
}

static GtkWidget *
find_caption_button (GtkWidget *widget)
{
  g_autoptr(GPtrArray) tiles = g_ptr_array_new ();

  collect_video_tiles (widget, tiles);
  for (guint i = 0; i < tiles->len; i++)
    if (sb_video_tile_get_caption (g_ptr_array_index (tiles, i)) != NULL)
      {
        GtkWidget *tile = g_ptr_array_index (tiles, i);

        for (GtkWidget *child = gtk_widget_get_first_child (tile);
             child != NULL;
             child = gtk_widget_get_next_sibling (child))
          if (GTK_IS_BUTTON (child) && gtk_widget_get_visible (child))
            return child;
      }

  return NULL;
}

static GtkWidget *
find_widget_by_type_and_label (GtkWidget  *widget,
                               GType       type,
                               const char *tooltip)
{
  if (G_TYPE_CHECK_INSTANCE_TYPE (widget, type) &&
      g_strcmp0 (gtk_widget_get_tooltip_text (widget), tooltip) == 0)
    return widget;

  for (GtkWidget *child = gtk_widget_get_first_child (widget);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_widget_by_type_and_label (child, type, tooltip);

      if (found != NULL)
        return found;
    }

  return NULL;
}

static gboolean
page_state_is (gpointer data)
{
  gpointer *args = data;

  return g_strcmp0 (sb_videos_page_get_state (args[0]), args[1]) == 0;
}

/* The ball brief's two videos and one video of no brief: each tile names
 * its brief; its caption, the chip, win.show-brief-videos and the
 * favourites button filter the grid, and win.play-video plays one. */
static void
brief_filters (SbLibrary    *library,
               SbWindow     *window,
               SbVideosPage *page,
               gint64        brief_id)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GListModel) briefs = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *title = NULL;
  GtkWidget *button;
  GtkWidget *favourites;
  GtkWidget *stack;
  GListModel *model;
  gint64 loose_id = 0;
  Shown shown = { page, 0, 0, NULL };
  gpointer state_args[2] = { page, NULL };

  sb_library_list_briefs_async (library, NULL, NULL, sb_ui_test_store_result_cb, &result);
  sb_ui_test_wait_for (sb_ui_test_result_ready, &result, "the briefs");
  briefs = sb_library_list_briefs_finish (library, result, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_list_model_get_n_items (briefs), ==, 1);
  {
    g_autoptr(SbBrief) brief = g_list_model_get_item (briefs, 0);

    g_assert_cmpint (sb_brief_get_id (brief), ==, brief_id);
    title = g_strdup (sb_brief_get_title (brief));
  }
  g_assert_nonnull (title);

  /* All three, two of them captioned with the brief's title. */
  shown = (Shown) { page, 3, 2, title };
  sb_ui_test_wait_for (page_shows, &shown, "three videos, two captioned");
  g_assert_cmpuint (g_list_model_get_n_items (sb_videos_page_get_jobs (page)), ==, 0);

  /* The caption shows only that brief's videos, with a chip back. */
  button = find_caption_button (GTK_WIDGET (sb_videos_page_get_grid_view (page)));
  g_assert_nonnull (button);
  g_signal_emit_by_name (button, "clicked");
  g_assert_cmpint (sb_videos_page_get_brief_filter (page), ==, brief_id);
  shown = (Shown) { page, 2, 2, title };
  sb_ui_test_wait_for (page_shows, &shown, "the brief's two videos");
  model = sb_videos_page_get_model (page);
  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    {
      g_autoptr(SbMediaItem) item = g_list_model_get_item (model, i);

      g_assert_cmpint (sb_media_item_get_brief_id (item), ==, brief_id);
    }

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (page), "videos.clear-brief-filter", NULL));
  g_assert_cmpint (sb_videos_page_get_brief_filter (page), ==, 0);
  shown = (Shown) { page, 3, 2, title };
  sb_ui_test_wait_for (page_shows, &shown, "all three videos again");
  model = sb_videos_page_get_model (page);
  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    {
      g_autoptr(SbMediaItem) item = g_list_model_get_item (model, i);

      if (sb_media_item_get_brief_id (item) == 0)
        loose_id = sb_media_item_get_id (item);
    }
  g_assert_cmpint (loose_id, >, 0);

  /* From elsewhere in the window (the Brief editor): the Videos page,
   * filtered to the brief. */
  stack = gtk_widget_get_ancestor (GTK_WIDGET (page), ADW_TYPE_VIEW_STACK);
  sb_window_set_page (window, "gallery");
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.show-brief-videos", "(xs)",
                                             brief_id, title));
  g_assert_cmpstr (adw_view_stack_get_visible_child_name (ADW_VIEW_STACK (stack)), ==, "videos");
  g_assert_cmpint (sb_videos_page_get_brief_filter (page), ==, brief_id);
  shown = (Shown) { page, 2, 2, title };
  sb_ui_test_wait_for (page_shows, &shown, "the brief's two videos from win.show-brief-videos");

  /* Favourites only: none of the brief's videos is one. */
  favourites = find_widget_by_type_and_label (GTK_WIDGET (page), GTK_TYPE_TOGGLE_BUTTON, "Favourites only");
  g_assert_nonnull (favourites);
  gtk_toggle_button_set_active (GTK_TOGGLE_BUTTON (favourites), TRUE);
  state_args[1] = "no-results";
  sb_ui_test_wait_for (page_state_is, state_args, "no favourite of the brief");

  /* The loose video made a favourite: it is the only one shown once the
   * brief filter is cleared. */
  g_clear_object (&result);
  sb_library_set_favourite_async (library, loose_id, TRUE, NULL, sb_ui_test_store_result_cb, &result);
  sb_ui_test_wait_for (sb_ui_test_result_ready, &result, "the favourite to be stored");
  g_assert_true (sb_library_set_favourite_finish (library, result, &error));
  g_assert_no_error (error);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (page), "videos.clear-brief-filter", NULL));
  shown = (Shown) { page, 1, 0, title };
  sb_ui_test_wait_for (page_shows, &shown, "the favourite video");
  gtk_toggle_button_set_active (GTK_TOGGLE_BUTTON (favourites), FALSE);
  shown = (Shown) { page, 3, 2, title };
  sb_ui_test_wait_for (page_shows, &shown, "all three videos after the filters");

  /* win.play-video: the Videos page plays that video. */
  sb_window_set_page (window, "brief");
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.play-video", "x", loose_id));
  g_assert_cmpstr (adw_view_stack_get_visible_child_name (ADW_VIEW_STACK (stack)), ==, "videos");
  sb_ui_test_wait_for (page_has_player, page, "the player of win.play-video");
  {
    SbVideoPlayer *player = SB_VIDEO_PLAYER (g_object_ref (sb_videos_page_get_player (page)));
    gpointer args[2] = { player, NULL };
    g_autoptr(SbMediaItem) loose = NULL;

    g_clear_object (&result);
    sb_library_get_media_async (library, loose_id, NULL, sb_ui_test_store_result_cb, &result);
    sb_ui_test_wait_for (sb_ui_test_result_ready, &result, "the loose video's row");
    loose = sb_library_get_media_finish (library, result, &error);
    g_assert_no_error (error);
    args[1] = loose;
    sb_ui_test_wait_for (plays_media, args, "the video of win.play-video");

    gtk_widget_activate_action (GTK_WIDGET (player), "player.leave", NULL);
    sb_ui_test_wait_for (hidden, player, "the player to close");
    sb_ui_test_iterate (100);
    g_assert_finalize_object (player);
  }
}

/* Pops up @tile's menu and describes it. */
static char *
describe_tile_menu (SbGalleryTile *tile)
{
  GtkWidget *popover;
  GString *out = g_string_new (NULL);

  sb_gallery_tile_popup_menu (tile, -1, -1);
  popover = sb_ui_test_find_descendant (GTK_WIDGET (tile), GTK_TYPE_POPOVER_MENU);
  g_assert_nonnull (popover);
  g_assert_true (gtk_widget_get_visible (popover));
  sb_ui_test_describe_menu (gtk_popover_menu_get_menu_model (GTK_POPOVER_MENU (popover)), out);
  gtk_popover_popdown (GTK_POPOVER (popover));

  return g_string_free (out, FALSE);
}

static gboolean
undo_shown (gpointer data)
{
  return sb_ui_test_find_button_with_label (data, "_Undo") != NULL;
}

static gboolean
item_is_favourite (gpointer data)
{
  return sb_media_item_get_favourite (data);
}

static gboolean
item_not_favourite (gpointer data)
{
  return !sb_media_item_get_favourite (data);
}

static gboolean
clipboard_has_file (gpointer data)
{
  GdkContentProvider *content = gdk_clipboard_get_content (data);
  g_auto(GValue) value = G_VALUE_INIT;

  g_value_init (&value, G_TYPE_FILE);

  return content != NULL && gdk_content_provider_get_value (content, &value, NULL);
}

/* The posters' menu acts through videos.*: Play, Copy (the file),
 * favourites (the filter follows) and Delete with Undo. */
static void
poster_menu (SbLibrary    *library,
             SbWindow     *window,
             SbVideosPage *page,
             const char   *title)
{
  g_autoptr(GPtrArray) tiles = g_ptr_array_new ();
  g_autoptr(SbMediaItem) item = NULL;
  g_autofree char *menu = NULL;
  g_autofree char *expected = NULL;
  GtkWidget *favourites;
  GListModel *model;
  GdkClipboard *clipboard = gtk_widget_get_clipboard (GTK_WIDGET (page));
  Shown shown = { page, 3, 2, title };
  gint64 id;

  sb_window_set_page (window, "videos");
  sb_ui_test_wait_for (page_shows, &shown, "three videos for the menu");

  /* A video of the brief, not a favourite (the loose one is). */
  model = sb_videos_page_get_model (page);
  for (guint i = 0; i < g_list_model_get_n_items (model) && item == NULL; i++)
    {
      g_autoptr(SbMediaItem) candidate = g_list_model_get_item (model, i);

      if (sb_media_item_get_brief_id (candidate) > 0 && !sb_media_item_get_favourite (candidate))
        item = g_steal_pointer (&candidate);
    }
  g_assert_nonnull (item);
  id = sb_media_item_get_id (item);

  collect_video_tiles (GTK_WIDGET (sb_videos_page_get_grid_view (page)), tiles);
  for (guint i = 0; i < tiles->len; i++)
    if (sb_media_item_get_id (sb_video_tile_get_item (g_ptr_array_index (tiles, i))) == id)
      menu = describe_tile_menu (sb_video_tile_get_poster (g_ptr_array_index (tiles, i)));
  g_assert_nonnull (menu);
  expected = g_strdup_printf ("_Play videos.open(%1$" G_GINT64_FORMAT ")\n"
                              "_Save As… videos.save-as(%1$" G_GINT64_FORMAT ")\n"
                              "_Copy videos.copy(%1$" G_GINT64_FORMAT ")\n"
                              "Add to _Favourites videos.toggle-favourite(%1$" G_GINT64_FORMAT ")\n"
                              "_Delete videos.delete(%1$" G_GINT64_FORMAT ")\n",
                              id);
  g_assert_cmpstr (menu, ==, expected);
  /* Every item's action exists on the page. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (page), "videos.open", "x", id));
  sb_ui_test_wait_for (page_has_player, page, "the player of videos.open");
  {
    SbVideoPlayer *player = SB_VIDEO_PLAYER (g_object_ref (sb_videos_page_get_player (page)));
    gpointer args[2] = { player, item };

    sb_ui_test_wait_for (plays_media, args, "the video of videos.open");
    gtk_widget_activate_action (GTK_WIDGET (player), "player.leave", NULL);
    sb_ui_test_wait_for (hidden, player, "the player to close");
    sb_ui_test_iterate (100);
    g_assert_finalize_object (player);
  }

  /* Copy: the video's file in the playback cache, as a file. */
  gdk_clipboard_set_content (clipboard, NULL);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (page), "videos.copy", "x", id));
  sb_ui_test_wait_for (clipboard_has_file, clipboard, "the copied video");
  {
    g_auto(GValue) value = G_VALUE_INIT;
    g_autofree char *cache = g_build_filename (g_get_user_cache_dir (), "storyboard", "videos", NULL);

    g_value_init (&value, G_TYPE_FILE);
    g_assert_true (gdk_content_provider_get_value (gdk_clipboard_get_content (clipboard), &value, NULL));
    g_assert_true (g_str_has_prefix (g_file_peek_path (g_value_get_object (&value)), cache));
  }

  /* The Gallery copies a video the same way, through the window, instead
   * of decoding it as an image. */
  gdk_clipboard_set_content (clipboard, NULL);
  g_assert_true (gtk_widget_activate_action (sb_window_get_gallery (window), "gallery.copy", "x", id));
  sb_ui_test_wait_for (clipboard_has_file, clipboard, "the video copied from the gallery");

  /* A favourite: it joins the loose one under Favourites only, and leaves
   * when it is one no more. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (page), "videos.toggle-favourite", "x", id));
  sb_ui_test_wait_for (item_is_favourite, item, "the video to become a favourite");
  favourites = find_widget_by_type_and_label (GTK_WIDGET (page), GTK_TYPE_TOGGLE_BUTTON, "Favourites only");
  g_assert_nonnull (favourites);
  gtk_toggle_button_set_active (GTK_TOGGLE_BUTTON (favourites), TRUE);
  shown = (Shown) { page, 2, 1, title };
  sb_ui_test_wait_for (page_shows, &shown, "two favourite videos");
  {
    g_autoptr(SbMediaItem) listed = NULL;
    guint position;

    model = sb_videos_page_get_model (page);
    position = sb_media_list_find (SB_MEDIA_LIST (model), id);
    g_assert_cmpuint (position, !=, G_MAXUINT);
    listed = g_list_model_get_item (model, position);
    g_assert_true (gtk_widget_activate_action (GTK_WIDGET (page), "videos.toggle-favourite", "x", id));
    sb_ui_test_wait_for (item_not_favourite, listed, "the video to be a favourite no more");
  }
  shown = (Shown) { page, 1, 0, title };
  sb_ui_test_wait_for (page_shows, &shown, "only the loose favourite");
  gtk_toggle_button_set_active (GTK_TOGGLE_BUTTON (favourites), FALSE);
  shown = (Shown) { page, 3, 2, title };
  sb_ui_test_wait_for (page_shows, &shown, "all three videos after the favourites");

  /* Delete: the tile goes, in the library too; Undo brings it back. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (page), "videos.delete", "x", id));
  shown = (Shown) { page, 2, 1, title };
  sb_ui_test_wait_for (page_shows, &shown, "the deleted video to go");
  model = sb_videos_page_get_model (page);
  g_assert_cmpuint (sb_media_list_find (SB_MEDIA_LIST (model), id), ==, G_MAXUINT);
  {
    g_autoptr(GAsyncResult) result = NULL;
    g_autoptr(SbMediaList) all = NULL;
    g_autoptr(GError) error = NULL;
    SbMediaFilter filter = { 0 };

    filter.kind = SB_MEDIA_KIND_VIDEO;
    sb_library_list_media_filtered_async (library, &filter, NULL, sb_ui_test_store_result_cb, &result);
    sb_ui_test_wait_for (sb_ui_test_result_ready, &result, "the library's videos");
    all = sb_library_list_media_filtered_finish (library, result, &error);
    g_assert_no_error (error);
    g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (all)), ==, 2);
    g_assert_cmpuint (sb_media_list_find (all, id), ==, G_MAXUINT);
  }

  sb_ui_test_wait_for (undo_shown, window, "the Undo button");
  gtk_widget_activate (sb_ui_test_find_button_with_label (GTK_WIDGET (window), "_Undo"));
  shown = (Shown) { page, 3, 2, title };
  sb_ui_test_wait_for (page_shows, &shown, "the video back after Undo");
  model = sb_videos_page_get_model (page);
  g_assert_cmpuint (sb_media_list_find (SB_MEDIA_LIST (model), id), !=, G_MAXUINT);
}

static void
test_videos_play (void)
{
  g_autoptr(SbApplication) app = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(SbMediaItem) video = NULL;
  GtkMediaStream *stream;
  SbVideoPlayer *player;
  SbVideosPage *page;
  SbWindow *window;
  gint64 paused_at;
  gint64 brief_id;

  app = sb_application_new (APPLICATION_ID, G_APPLICATION_NON_UNIQUE);
  g_assert_true (g_application_register (G_APPLICATION (app), NULL, &error));
  g_assert_no_error (error);
  sb_ui_test_wait_for (sb_ui_test_library_ready, app, "the library to open");
  g_assert_nonnull (sb_application_get_library (app));

  video = add_video (sb_application_get_library (app), "video", "ball.webm", 0, 0, 0);

  g_application_activate (G_APPLICATION (app));
  window = SB_WINDOW (gtk_application_get_active_window (GTK_APPLICATION (app)));
  g_assert_nonnull (window);
  g_object_ref (window);
  sb_window_set_page (window, "videos");
  page = SB_VIDEOS_PAGE (sb_ui_test_find_descendant (GTK_WIDGET (window), SB_TYPE_VIDEOS_PAGE));
  g_assert_nonnull (page);

  /* The poster is drawn in the grid. */
  sb_ui_test_wait_for (page_shows_grid, page, "the grid of videos");
  g_assert_cmpuint (g_list_model_get_n_items (sb_videos_page_get_model (page)), ==, 1);
  sb_ui_test_wait_for (one_tile_drawn, page, "the video's tile");
  sb_ui_test_wait_for_paint (GTK_WIDGET (window));

  /* Activating the tile's item opens the player, which plays at once. */
  g_signal_emit_by_name (sb_videos_page_get_grid_view (page), "activate", 0);
  player = SB_VIDEO_PLAYER (sb_videos_page_get_player (page));
  g_assert_nonnull (player);
  g_object_ref (player);

  sb_ui_test_wait_for (stream_prepared, player, "the media stream to be prepared");
  stream = sb_video_player_get_media_stream (player);
  g_assert_true (GTK_IS_MEDIA_FILE (stream));
  g_assert_true (gtk_media_stream_has_video (stream));
  g_assert_cmpint (gtk_media_stream_get_duration (stream), >, 1900 * 1000);
  g_assert_cmpint (sb_video_player_get_media_id (player), ==, sb_media_item_get_id (video));
  sb_ui_test_wait_for (played_past_300ms, player, "the video to play past 0.3 s");
  sb_ui_test_wait_for_paint (GTK_WIDGET (player));

  /* It plays from the playback cache, not from memory. */
  {
    g_autoptr(GFile) file = gtk_media_file_get_file (GTK_MEDIA_FILE (stream)) != NULL
                              ? g_object_ref (gtk_media_file_get_file (GTK_MEDIA_FILE (stream)))
                              : NULL;
    g_autofree char *cache = g_build_filename (g_get_user_cache_dir (), "storyboard", "videos", NULL);

    GdkClipboard *clipboard = gtk_widget_get_clipboard (GTK_WIDGET (player));
    g_auto(GValue) value = G_VALUE_INIT;
    GdkContentProvider *content;

    g_assert_nonnull (file);
    g_assert_true (g_str_has_prefix (g_file_peek_path (file), cache));
    g_assert_true (g_str_has_suffix (g_file_peek_path (file), ".webm"));

    /* Copy puts that file on the clipboard, as a file. */
    gtk_widget_activate_action (GTK_WIDGET (player), "player.copy", NULL);
    content = gdk_clipboard_get_content (clipboard);
    g_assert_nonnull (content);
    g_value_init (&value, G_TYPE_FILE);
    g_assert_true (gdk_content_provider_get_value (content, &value, NULL));
    g_assert_true (g_file_equal (g_value_get_object (&value), file));
  }

  /* Space pauses: time stands still. */
  gtk_widget_activate_action (GTK_WIDGET (player), "player.play-pause", NULL);
  sb_ui_test_wait_for (paused, player, "the video to pause");
  iterate_for (100);
  paused_at = gtk_media_stream_get_timestamp (stream);
  iterate_for (300);
  g_assert_cmpint (gtk_media_stream_get_timestamp (stream), ==, paused_at);

  /* Left goes back 5 s (to the start), Right forward 5 s (to the end). */
  gtk_widget_activate_action (GTK_WIDGET (player), "player.seek-backward", NULL);
  sb_ui_test_wait_for (at_start, player, "the seek back to the start");
  /* Still paused, so only the seek can bring it to the end. */
  g_assert_true (paused (player));
  gtk_widget_activate_action (GTK_WIDGET (player), "player.seek-forward", NULL);
  sb_ui_test_wait_for (near_end, player, "the seek forward to the end");

  /* Escape closes (the window is not fullscreen). */
  g_assert_false (gtk_window_is_fullscreen (GTK_WINDOW (player)));
  gtk_widget_activate_action (GTK_WIDGET (player), "player.leave", NULL);
  sb_ui_test_wait_for (hidden, player, "the player to close");
  sb_ui_test_iterate (100);
  g_assert_finalize_object (player);
  g_assert_null (sb_videos_page_get_player (page));

  brief_id = play_storyboard (sb_application_get_library (app), page);
  brief_filters (sb_application_get_library (app), window, page, brief_id);
  {
    g_autoptr(SbBrief) brief = NULL;
    g_autoptr(GAsyncResult) result = NULL;

    sb_library_get_brief_async (sb_application_get_library (app), brief_id, NULL, sb_ui_test_store_result_cb, &result);
    sb_ui_test_wait_for (sb_ui_test_result_ready, &result, "the brief");
    brief = sb_library_get_brief_finish (sb_application_get_library (app), result, &error);
    g_assert_no_error (error);
    poster_menu (sb_application_get_library (app), window, page, sb_brief_get_title (brief));
  }

  gtk_window_destroy (GTK_WINDOW (window));
  sb_ui_test_iterate (100);
  g_assert_finalize_object (window);

  g_application_quit (G_APPLICATION (app));
  sb_library_close (sb_application_get_library (app));
}

int
main (int   argc,
      char *argv[])
{
  g_autofree char *home = NULL;
  int status;

  /* A private home for the library and the playback cache, but the
   * system's XDG_DATA_DIRS: GTK needs the MIME database and icons from
   * there (which G_TEST_OPTION_ISOLATE_DIRS would hide). */
  home = sb_ui_test_make_home ("sb-ui-test-XXXXXX");

  g_test_init (&argc, &argv, NULL);
  gtk_init ();
  adw_init ();

  g_test_add_func ("/sb/ui/videos/play", test_videos_play);

  status = g_test_run ();

  sb_ui_test_remove_home (home);

  return status;
}
