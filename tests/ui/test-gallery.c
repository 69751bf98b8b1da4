/* test-gallery.c
 *
 * Copyright 2026 The Storyboard authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Drives the real window under Xvfb: imports good and bad images, sees the
 * tiles drawn, deletes one and undoes it, checks a tile's menu, imports a
 * duplicate and opens the viewer.
 */

#include "config.h"

#include <adwaita.h>

#include "sb-ui-test.h"
#include "sb-application.h"
#include "sb-gallery-page.h"
#include "sb-gallery-tile.h"
#include "sb-media-viewer.h"
#include "sb-window.h"

static gboolean
gallery_in_state (gpointer data)
{
  gpointer *args = data;

  return g_strcmp0 (sb_gallery_page_get_state (args[0]), args[1]) == 0;
}

typedef struct
{
  gboolean  finished;
  guint     n_imported;
  guint     n_duplicates;
  GStrv     failures;
} ImportResult;

static void
on_import_finished (SbGalleryPage *page,
                    guint          n_imported,
                    guint          n_duplicates,
                    GStrv          failures,
                    ImportResult  *result)
{
  result->finished = TRUE;
  result->n_imported = n_imported;
  result->n_duplicates = n_duplicates;
  g_strfreev (result->failures);
  result->failures = g_strdupv (failures);
}

static gboolean
import_finished (gpointer data)
{
  return ((ImportResult *) data)->finished;
}

static void
collect_tiles (GtkWidget *widget,
               GPtrArray *tiles)
{
  if (SB_IS_GALLERY_TILE (widget))
    {
      g_ptr_array_add (tiles, widget);
      return;
    }

  for (GtkWidget *child = gtk_widget_get_first_child (widget);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    collect_tiles (child, tiles);
}

/* Tiles on screen whose item is set and whose thumbnail is showing. */
static guint
count_drawn_tiles (SbGalleryPage *page)
{
  g_autoptr(GPtrArray) tiles = g_ptr_array_new ();
  guint drawn = 0;

  collect_tiles (GTK_WIDGET (sb_gallery_page_get_grid_view (page)), tiles);
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

  return drawn;
}

typedef struct
{
  SbGalleryPage *page;
  guint          expected;
} TilesWait;

static gboolean
tiles_drawn (gpointer data)
{
  TilesWait *wait = data;

  return count_drawn_tiles (wait->page) == wait->expected;
}

typedef struct
{
  GListModel *model;
  guint       expected;
} CountWait;

static gboolean
model_has_count (gpointer data)
{
  CountWait *wait = data;

  return g_list_model_get_n_items (wait->model) == wait->expected;
}

typedef struct
{
  GtkWidget  *root;
  const char *label;
} ButtonWait;

static gboolean
button_shown (gpointer data)
{
  ButtonWait *wait = data;

  return sb_ui_test_find_button_with_label (wait->root, wait->label) != NULL;
}

static SbMediaViewer *
find_viewer (void)
{
  GListModel *toplevels = gtk_window_get_toplevels ();

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GObject) window = g_list_model_get_item (toplevels, i);

      if (SB_IS_MEDIA_VIEWER (window))
        return SB_MEDIA_VIEWER (window);
    }

  return NULL;
}

static gboolean
viewer_loaded (gpointer data)
{
  SbMediaViewer *viewer = find_viewer ();

  return viewer != NULL && sb_media_viewer_is_loaded (viewer);
}

static gboolean
no_viewer (gpointer data)
{
  return find_viewer () == NULL;
}

typedef struct
{
  gboolean     done;
  SbMediaItem *item;
} AddWait;

static void
media_added_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  AddWait *wait = user_data;
  g_autoptr(GError) error = NULL;

  wait->item = sb_library_add_media_finish (SB_LIBRARY (object), result, NULL, &error);
  g_assert_no_error (error);
  wait->done = TRUE;
}

static gboolean
add_done (gpointer data)
{
  return ((AddWait *) data)->done;
}

typedef struct
{
  SbLibrary *library;
  gint64     id;
  gboolean   pending;
  gboolean   found;
} ThumbWait;

static void
thumbnail_loaded_cb (GObject      *object,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  ThumbWait *wait = user_data;
  g_autoptr(GBytes) bytes = NULL;

  bytes = sb_library_load_thumbnail_finish (SB_LIBRARY (object), result, NULL);
  wait->found = bytes != NULL && g_bytes_get_size (bytes) > 0;
  wait->pending = FALSE;
}

/* Polls the library until the item has a stored thumbnail. */
static gboolean
thumbnail_stored (gpointer data)
{
  ThumbWait *wait = data;

  if (!wait->pending && !wait->found)
    {
      wait->pending = TRUE;
      sb_library_load_thumbnail_async (wait->library, wait->id, NULL, thumbnail_loaded_cb, wait);
    }

  return wait->found;
}

static GtkWidget *
find_search_entry (GtkWidget *page)
{
  return sb_ui_test_find_descendant (page, GTK_TYPE_SEARCH_ENTRY);
}

/* The toggle button the user knows by its tooltip. */
static GtkWidget *
find_toggle_with_tooltip (GtkWidget  *widget,
                          const char *tooltip)
{
  if (GTK_IS_TOGGLE_BUTTON (widget) &&
      g_strcmp0 (gtk_widget_get_tooltip_text (widget), tooltip) == 0)
    return widget;

  for (GtkWidget *child = gtk_widget_get_first_child (widget);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_toggle_with_tooltip (child, tooltip);

      if (found != NULL)
        return found;
    }

  return NULL;
}

static GtkToggleButton *
find_favourites_button (GtkWidget *page)
{
  GtkWidget *button = find_toggle_with_tooltip (page, "Favourites only");

  g_assert_nonnull (button);
  return GTK_TOGGLE_BUTTON (button);
}

/* Pops up the menu of the tile showing @id and describes it. */
static char *
describe_tile_menu (SbGalleryPage *page,
                    gint64         id)
{
  g_autoptr(GPtrArray) tiles = g_ptr_array_new ();
  GString *out = g_string_new (NULL);
  SbGalleryTile *tile = NULL;
  GtkWidget *popover;

  collect_tiles (GTK_WIDGET (sb_gallery_page_get_grid_view (page)), tiles);
  for (guint i = 0; i < tiles->len; i++)
    {
      SbMediaItem *item = sb_gallery_tile_get_item (g_ptr_array_index (tiles, i));

      if (item != NULL && sb_media_item_get_id (item) == id)
        tile = g_ptr_array_index (tiles, i);
    }
  g_assert_nonnull (tile);

  sb_gallery_tile_popup_menu (tile, -1, -1);
  popover = sb_ui_test_find_descendant (GTK_WIDGET (tile), GTK_TYPE_POPOVER_MENU);
  g_assert_nonnull (popover);
  g_assert_true (gtk_widget_get_visible (popover));
  sb_ui_test_describe_menu (gtk_popover_menu_get_menu_model (GTK_POPOVER_MENU (popover)), out);
  gtk_popover_popdown (GTK_POPOVER (popover));

  return g_string_free (out, FALSE);
}

static gboolean
gallery_model_has_count (gpointer data)
{
  gpointer *args = data;
  GListModel *model = sb_gallery_page_get_model (args[0]);
  CountWait *wait = args[1];

  return model != NULL && g_list_model_get_n_items (model) == wait->expected &&
         g_strcmp0 (sb_gallery_page_get_state (args[0]), "loading") != 0;
}

static gboolean
item_is_favourite (gpointer data)
{
  return sb_media_item_get_favourite (data);
}

static GFile *
test_image (const char *name)
{
  return g_file_new_for_path (g_test_get_filename (G_TEST_DIST, "data", "images", name, NULL));
}

static void
test_gallery_import_delete_undo (void)
{
  g_autoptr(SbApplication) app = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(SbMediaItem) first = NULL;
  SbWindow *window;
  SbGalleryPage *page;
  GListModel *model;
  ImportResult result = { 0 };
  gpointer state_args[2];
  GFile *files[5];
  TilesWait tiles;
  CountWait count;
  ButtonWait undo;
  gint64 deleted_id;

  app = sb_application_new (APPLICATION_ID, G_APPLICATION_NON_UNIQUE);
  g_assert_true (g_application_register (G_APPLICATION (app), NULL, &error));
  g_assert_no_error (error);
  sb_ui_test_wait_for (sb_ui_test_library_ready, app, "the library to open");
  g_assert_nonnull (sb_application_get_library (app));

  g_application_activate (G_APPLICATION (app));
  window = SB_WINDOW (gtk_application_get_active_window (GTK_APPLICATION (app)));
  g_assert_nonnull (window);
  g_object_ref (window);
  sb_window_set_page (window, "gallery");
  page = SB_GALLERY_PAGE (sb_window_get_gallery (window));
  g_signal_connect (page, "import-finished", G_CALLBACK (on_import_finished), &result);

  /* A new library: the empty state, with its Import button. */
  state_args[0] = page;
  state_args[1] = "empty";
  sb_ui_test_wait_for (gallery_in_state, state_args, "the empty gallery");
  sb_ui_test_wait_for_paint (GTK_WIDGET (window));

  /* Three good images and two bad ones: the bad ones are named with the
   * reason, and the rest of the import goes on. */
  files[0] = test_image ("red.png");
  files[1] = test_image ("green.jpg");
  files[2] = test_image ("blue.webp");
  files[3] = test_image ("empty.png");
  files[4] = test_image ("text.png");
  sb_window_import_files (window, files, G_N_ELEMENTS (files));
  sb_ui_test_wait_for (import_finished, &result, "the import to finish");

  g_assert_cmpuint (result.n_imported, ==, 3);
  g_assert_cmpuint (result.n_duplicates, ==, 0);
  g_assert_cmpuint (g_strv_length (result.failures), ==, 2);
  g_assert_true (strstr (result.failures[0], "empty.png") != NULL ||
                 strstr (result.failures[1], "empty.png") != NULL);
  g_assert_true (strstr (result.failures[0], "text.png") != NULL ||
                 strstr (result.failures[1], "text.png") != NULL);

  /* The tiles appear with their thumbnails, and a frame is painted. */
  state_args[1] = "grid";
  sb_ui_test_wait_for (gallery_in_state, state_args, "the grid");
  model = sb_gallery_page_get_model (page);
  g_assert_cmpuint (g_list_model_get_n_items (model), ==, 3);
  tiles.page = page;
  tiles.expected = 3;
  sb_ui_test_wait_for (tiles_drawn, &tiles, "three drawn tiles");
  sb_ui_test_wait_for_paint (GTK_WIDGET (window));

  /* Delete the newest: it leaves the grid, and a toast offers Undo. */
  first = g_list_model_get_item (model, 0);
  deleted_id = sb_media_item_get_id (first);
  g_assert_cmpint (deleted_id, >, 0);
  gtk_widget_activate_action (GTK_WIDGET (page), "gallery.delete", "x", deleted_id);
  count.model = model;
  count.expected = 2;
  sb_ui_test_wait_for (model_has_count, &count, "the deleted tile to go");
  tiles.expected = 2;
  sb_ui_test_wait_for (tiles_drawn, &tiles, "two drawn tiles");

  undo.root = GTK_WIDGET (window);
  undo.label = "_Undo";
  sb_ui_test_wait_for (button_shown, &undo, "the Undo button");
  gtk_widget_activate (sb_ui_test_find_button_with_label (GTK_WIDGET (window), "_Undo"));

  count.expected = 3;
  sb_ui_test_wait_for (model_has_count, &count, "the undone tile to come back");
  tiles.expected = 3;
  sb_ui_test_wait_for (tiles_drawn, &tiles, "three drawn tiles again");
  g_assert_cmpuint (sb_media_list_find (SB_MEDIA_LIST (model), deleted_id), !=, G_MAXUINT);

  /* An image's menu acts through the Gallery page's actions. */
  {
    g_autofree char *menu = describe_tile_menu (page, deleted_id);
    g_autofree char *expected = NULL;

    expected = g_strdup_printf ("_Open gallery.open(%1$" G_GINT64_FORMAT ")\n"
                                "_Save As… gallery.save-as(%1$" G_GINT64_FORMAT ")\n"
                                "_Copy gallery.copy(%1$" G_GINT64_FORMAT ")\n"
                                "Add to _Favourites gallery.toggle-favourite(%1$" G_GINT64_FORMAT ")\n"
                                "_Delete gallery.delete(%1$" G_GINT64_FORMAT ")\n",
                                deleted_id);
    g_assert_cmpstr (menu, ==, expected);
  }

  /* The same bytes again are not stored twice. */
  result.finished = FALSE;
  sb_window_import_files (window, files, 1);
  sb_ui_test_wait_for (import_finished, &result, "the second import");
  g_assert_cmpuint (result.n_imported, ==, 0);
  g_assert_cmpuint (result.n_duplicates, ==, 1);
  g_assert_cmpuint (g_list_model_get_n_items (model), ==, 3);

  /* An item stored without a thumbnail gets one made from its original when
   * its tile is drawn, and the thumbnail is kept. */
  {
    SbLibrary *library = sb_application_get_library (app);
    g_autoptr(GBytes) bytes = NULL;
    g_autoptr(SbMediaItem) item = sb_media_item_new ();
    g_autofree char *contents = NULL;
    gsize length = 0;
    AddWait add = { 0 };
    ThumbWait thumb = { 0 };

    g_assert_true (g_file_get_contents (g_test_get_filename (G_TEST_DIST, "data", "images", "alpha.webp", NULL),
                                        &contents, &length, NULL));
    bytes = g_bytes_new_take (g_steal_pointer (&contents), length);
    sb_media_item_set_kind (item, SB_MEDIA_KIND_IMAGE);
    sb_media_item_set_mime_type (item, "image/webp");
    sb_media_item_set_size (item, 300, 200);
    sb_media_item_set_filename (item, "alpha.webp");
    sb_library_add_media_async (library, item, bytes, NULL, NULL, media_added_cb, &add);
    sb_ui_test_wait_for (add_done, &add, "the item without a thumbnail");
    g_assert_nonnull (add.item);

    tiles.expected = 4;
    sb_ui_test_wait_for (tiles_drawn, &tiles, "four drawn tiles");

    thumb.library = library;
    thumb.id = sb_media_item_get_id (add.item);
    sb_ui_test_wait_for (thumbnail_stored, &thumb, "the regenerated thumbnail to be stored");
    g_clear_object (&add.item);
  }

  /* Filters: a search over file names and prompts, favourites, and an
   * empty result that says so. */
  {
    GtkEditable *search = GTK_EDITABLE (find_search_entry (GTK_WIDGET (page)));
    GListModel *filtered;
    CountWait fcount;

    g_assert_nonnull (search);
    gtk_editable_set_text (search, "green");
    fcount.expected = 1;
    sb_ui_test_wait_for (gallery_model_has_count, (gpointer[]) { page, &fcount }, "the search to find one image");
    filtered = sb_gallery_page_get_model (page);
    {
      g_autoptr(SbMediaItem) found = g_list_model_get_item (filtered, 0);

      sb_ui_test_wait_for (sb_ui_test_item_loaded, found, "the found item to load");
      g_assert_cmpstr (sb_media_item_get_filename (found), ==, "green.jpg");

      /* Mark it a favourite, then show favourites only. */
      gtk_widget_activate_action (GTK_WIDGET (page), "gallery.toggle-favourite", "x",
                                  sb_media_item_get_id (found));
      sb_ui_test_wait_for (item_is_favourite, found, "the favourite to be stored");
    }

    gtk_editable_set_text (search, "no-such-picture");
    state_args[1] = "no-results";
    sb_ui_test_wait_for (gallery_in_state, state_args, "the no-results state");

    gtk_editable_set_text (search, "");
    gtk_toggle_button_set_active (find_favourites_button (GTK_WIDGET (page)), TRUE);
    fcount.expected = 1;
    sb_ui_test_wait_for (gallery_model_has_count, (gpointer[]) { page, &fcount }, "favourites only");
    gtk_toggle_button_set_active (find_favourites_button (GTK_WIDGET (page)), FALSE);
    fcount.expected = 4;
    sb_ui_test_wait_for (gallery_model_has_count, (gpointer[]) { page, &fcount }, "every image again");
    model = sb_gallery_page_get_model (page);
    state_args[1] = "grid";
    sb_ui_test_wait_for (gallery_in_state, state_args, "the grid again");
  }

  /* Opening an item shows it large. */
  gtk_widget_activate_action (GTK_WIDGET (page), "gallery.open", "x", deleted_id);
  sb_ui_test_wait_for (viewer_loaded, NULL, "the viewer to show the image");
  g_assert_cmpint (sb_media_item_get_id (sb_media_viewer_get_item (find_viewer ())), ==, deleted_id);
  g_assert_cmpuint (g_list_model_get_n_items (model), ==, 4);
  gtk_window_close (GTK_WINDOW (find_viewer ()));
  sb_ui_test_wait_for (no_viewer, NULL, "the viewer to close");

  for (guint i = 0; i < G_N_ELEMENTS (files); i++)
    g_object_unref (files[i]);
  g_strfreev (result.failures);

  gtk_window_destroy (GTK_WINDOW (window));
  /* Let pending thumbnail and library callbacks drop their references. */
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

  /* A private home for the library, but the system's XDG_DATA_DIRS: GTK
   * needs the MIME database and icons from there (which
   * G_TEST_OPTION_ISOLATE_DIRS would hide). */
  home = sb_ui_test_make_home ("sb-ui-test-XXXXXX");

  g_test_init (&argc, &argv, NULL);
  gtk_init ();
  adw_init ();

  g_test_add_func ("/sb/ui/gallery/import-delete-undo", test_gallery_import_delete_undo);

  status = g_test_run ();

  sb_ui_test_remove_home (home);

  return status;
}
