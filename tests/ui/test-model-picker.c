/* test-model-picker.c
 *
 * Copyright 2026 The Storyboard authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The model picker against the fake providers over loopback: it fills from
 * Replicate's collection with the first model selected, caches the
 * collection in the library and the covers on disk, remembers the choice,
 * and — with the server gone — still lists the cached models and says the
 * refresh failed.
 */

#include "config.h"

#include <adwaita.h>

#include "sb-ui-test.h"
#include "sb-library-jobs.h"
#include "sb-library.h"
#include "sb-model-item.h"
#include "sb-model-picker.h"

static char *fake_path;
static char *fake_url;

static void
stop_fake (GSubprocess *fake)
{
  g_autoptr(GError) error = NULL;

  g_subprocess_force_exit (fake);
  g_subprocess_wait (fake, NULL, &error);
  g_assert_no_error (error);
}

static void
library_opened_cb (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(GError) error = NULL;
  SbLibrary **library = user_data;

  *library = sb_library_open_finish (result, &error);
  g_assert_no_error (error);
}

static gboolean
pointer_set (gpointer data)
{
  return *(gpointer *) data != NULL;
}

static SbLibrary *
open_library (void)
{
  g_autoptr(GFile) file = sb_library_dup_default_file ();
  SbLibrary *library = NULL;

  sb_library_open_async (file, NULL, library_opened_cb, &library);
  sb_ui_test_wait_for (pointer_set, &library, "the library to open");

  return library;
}

typedef struct
{
  gboolean  done;
  char     *json;
} CacheRead;

static void
cache_read_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  CacheRead *read = user_data;

  read->json = sb_library_cache_get_finish (SB_LIBRARY (object), result, NULL, NULL);
  read->done = TRUE;
}

static gboolean
cache_read_done (gpointer data)
{
  return ((CacheRead *) data)->done;
}

static char *
read_cache (SbLibrary  *library,
            const char *key)
{
  CacheRead read = { FALSE, NULL };

  sb_library_cache_get_async (library, key, NULL, cache_read_cb, &read);
  sb_ui_test_wait_for (cache_read_done, &read, "the cache to be read");

  return read.json;
}

static gboolean
has_models (gpointer data)
{
  return g_list_model_get_n_items (sb_model_picker_get_models (data)) > 0;
}

static gboolean
refresh_done (gpointer data)
{
  return !sb_model_picker_get_refreshing (data);
}

static gboolean
has_message (gpointer data)
{
  return sb_model_picker_get_message (data) != NULL;
}

static gboolean
item_has_cover (gpointer data)
{
  return sb_model_item_get_cover (data) != NULL;
}

static GFile *
cover_file (const char *url)
{
  g_autofree char *hash = g_compute_checksum_for_string (G_CHECKSUM_SHA256, url, -1);

  return g_file_new_build_filename (g_get_user_cache_dir (), "storyboard", "covers", hash, NULL);
}

static SbModelItem *
selected_item (SbModelPicker *picker)
{
  GListModel *models = sb_model_picker_get_models (picker);
  const char *id = sb_model_picker_get_selected_id (picker);

  for (guint i = 0; i < g_list_model_get_n_items (models); i++)
    {
      g_autoptr(SbModelItem) item = g_list_model_get_item (models, i);

      if (g_strcmp0 (sb_model_item_get_id (item), id) == 0)
        return item;
    }

  return NULL;
}

static void
on_model_changed (SbModelPicker *picker,
                  guint         *count)
{
  (*count)++;
}

static GtkWindow *
show_picker (GtkWidget *picker)
{
  GtkWindow *window = GTK_WINDOW (gtk_window_new ());
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);

  g_object_ref_sink (window);
  gtk_widget_set_margin_top (box, 24);
  gtk_widget_set_margin_bottom (box, 24);
  gtk_widget_set_margin_start (box, 24);
  gtk_widget_set_margin_end (box, 24);
  gtk_box_append (GTK_BOX (box), picker);
  gtk_window_set_child (window, box);
  gtk_window_set_default_size (window, 520, 200);
  gtk_window_present (window);

  return window;
}

static gboolean
only_test_ref (gpointer data)
{
  return G_OBJECT (data)->ref_count == 1;
}

/* The window goes first; then the picker, once its pending work (a cover
 * on a worker thread, a library call) has let go. */
static void
destroy_window (GtkWindow *window,
                GtkWidget *picker)
{
  gtk_window_destroy (window);
  g_assert_finalize_object (window);
  sb_ui_test_wait_for (only_test_ref, picker, "the picker's pending work");
  g_assert_finalize_object (picker);
}

static void
test_model_picker_online_then_offline (void)
{
  g_autoptr(GSubprocess) fake = sb_ui_test_start_fake (fake_path, G_SUBPROCESS_FLAGS_NONE, &fake_url, NULL);
  g_autofree char *replicate_url = g_strconcat (fake_url, "/v1", NULL);
  g_autoptr(GSettings) settings = NULL;
  g_autoptr(GFile) cover = NULL;
  g_autofree char *json = NULL;
  g_autofree char *chosen = NULL;
  g_autofree char *cover_url = NULL;
  g_autoptr(JsonNode) node = NULL;
  SbLibrary *library;
  GtkWidget *picker;
  GtkWindow *window;
  GListModel *models;
  SbModelItem *item;
  guint changes = 0;
  guint n_models;

  g_setenv ("STORYBOARD_REPLICATE_BASE_URL", replicate_url, TRUE);
  g_setenv ("REPLICATE_API_TOKEN", "test-token", TRUE);
  g_setenv ("STORYBOARD_BACKOFF_SCALE", "0.001", TRUE);

  library = open_library ();
  settings = g_settings_new (APPLICATION_ID);
  g_assert_cmpstr (g_settings_get_string (settings, "text-to-image-model"), ==, "");

  /* Nothing cached yet: the list comes from Replicate. */
  g_assert_null (read_cache (library, "replicate/collections/text-to-image"));

  picker = sb_model_picker_new (library, settings, "text-to-image");
  g_signal_connect (picker, "model-changed", G_CALLBACK (on_model_changed), &changes);
  g_object_ref (picker);
  window = show_picker (picker);

  sb_ui_test_wait_for (has_models, picker, "the models");
  sb_ui_test_wait_for (refresh_done, picker, "the refresh");
  g_assert_null (sb_model_picker_get_message (SB_MODEL_PICKER (picker)));
  models = sb_model_picker_get_models (SB_MODEL_PICKER (picker));
  n_models = g_list_model_get_n_items (models);
  /* The recorded 38 and the fake's FLUX Schnell, first. */
  g_assert_cmpuint (n_models, ==, 39);

  /* The first model is selected by default. */
  g_assert_cmpstr (sb_model_picker_get_selected_id (SB_MODEL_PICKER (picker)), ==,
                   "black-forest-labs/flux-schnell");
  g_assert_nonnull (sb_model_picker_get_selected_model (SB_MODEL_PICKER (picker)));
  g_assert_cmpstr (sb_model_picker_get_selected_model (SB_MODEL_PICKER (picker))->name, ==, "flux-schnell");
  g_assert_cmpuint (changes, ==, 1);
  /* Not remembered until the user chooses. */
  g_assert_cmpstr (g_settings_get_string (settings, "text-to-image-model"), ==, "");

  /* The selected model's cover is shown, and kept on disk. */
  item = selected_item (SB_MODEL_PICKER (picker));
  g_assert_nonnull (item);
  sb_ui_test_wait_for (item_has_cover, item, "the cover of the selected model");
  cover_url = g_strdup (sb_model_item_get_model (item)->cover_image_url);
  g_assert_true (g_str_has_prefix (cover_url, fake_url));
  cover = cover_file (cover_url);
  g_assert_true (g_file_query_exists (cover, NULL));
  g_assert_cmpint (gdk_paintable_get_intrinsic_width (sb_model_item_get_cover (item)), <=, 96);
  sb_ui_test_wait_for_paint (GTK_WIDGET (window));

  /* The collection is cached in the library. */
  for (guint i = 0; i < 1000 && json == NULL; i++)
    json = read_cache (library, "replicate/collections/text-to-image");
  g_assert_nonnull (json);
  node = json_from_string (json, NULL);
  g_assert_nonnull (node);
  {
    g_autoptr(SbReplicateCollection) cached = sb_replicate_collection_new_from_json (node, NULL);

    g_assert_nonnull (cached);
    g_assert_cmpuint (cached->models->len, ==, 39);
    g_assert_nonnull (((SbReplicateModel *) g_ptr_array_index (cached->models, 0))->openapi_schema);
  }

  /* The user's choice is remembered. */
  {
    g_autoptr(SbModelItem) third = g_list_model_get_item (models, 2);

    chosen = g_strdup (sb_model_item_get_id (third));
  }
  g_assert_false (sb_model_picker_select (SB_MODEL_PICKER (picker), "nobody/nothing"));
  g_assert_true (sb_model_picker_select (SB_MODEL_PICKER (picker), chosen));
  g_assert_cmpuint (changes, ==, 2);
  g_assert_cmpstr (sb_model_picker_get_selected_id (SB_MODEL_PICKER (picker)), ==, chosen);
  g_assert_cmpstr (g_settings_get_string (settings, "text-to-image-model"), ==, chosen);

  /* A refresh keeps the choice and the models (the same objects). */
  {
    SbReplicateModel *before = sb_model_picker_get_selected_model (SB_MODEL_PICKER (picker));

    gtk_widget_activate_action (picker, "model-picker.refresh", NULL);
    g_assert_true (sb_model_picker_get_refreshing (SB_MODEL_PICKER (picker)));
    sb_ui_test_wait_for (refresh_done, picker, "the second refresh");
    g_assert_null (sb_model_picker_get_message (SB_MODEL_PICKER (picker)));
    g_assert_cmpstr (sb_model_picker_get_selected_id (SB_MODEL_PICKER (picker)), ==, chosen);
    g_assert_true (sb_model_picker_get_selected_model (SB_MODEL_PICKER (picker)) == before);
    g_assert_cmpuint (changes, ==, 2);
  }

  destroy_window (window, picker);

  /* Offline: the server is gone. */
  stop_fake (fake);

  picker = sb_model_picker_new (library, settings, "text-to-image");
  g_object_ref (picker);
  window = show_picker (picker);

  /* The cached list, with the remembered choice... */
  sb_ui_test_wait_for (has_models, picker, "the cached models");
  g_assert_cmpuint (g_list_model_get_n_items (sb_model_picker_get_models (SB_MODEL_PICKER (picker))), ==, 39);
  g_assert_cmpstr (sb_model_picker_get_selected_id (SB_MODEL_PICKER (picker)), ==, chosen);

  /* ...still usable when the refresh fails, which is said inline. */
  sb_ui_test_wait_for (refresh_done, picker, "the failed refresh");
  sb_ui_test_wait_for (has_message, picker, "the refresh error");
  g_assert_true (g_str_has_prefix (sb_model_picker_get_message (SB_MODEL_PICKER (picker)),
                                   "Could not refresh the models: "));
  g_assert_cmpuint (g_list_model_get_n_items (sb_model_picker_get_models (SB_MODEL_PICKER (picker))), ==, 39);
  g_assert_cmpstr (sb_model_picker_get_selected_id (SB_MODEL_PICKER (picker)), ==, chosen);
  g_assert_nonnull (sb_model_picker_get_selected_model (SB_MODEL_PICKER (picker)));

  /* Covers kept on disk show without the server. */
  g_assert_true (sb_model_picker_select (SB_MODEL_PICKER (picker), "black-forest-labs/flux-schnell"));
  item = selected_item (SB_MODEL_PICKER (picker));
  g_assert_cmpstr (sb_model_item_get_model (item)->cover_image_url, ==, cover_url);
  sb_ui_test_wait_for (item_has_cover, item, "the cover from the disk cache");
  sb_ui_test_wait_for_paint (GTK_WIDGET (window));

  /* A collection never fetched has nothing to show, and says why. */
  {
    GtkWidget *empty = sb_model_picker_new (library, NULL, "text-to-video");
    GtkWindow *empty_window;

    g_object_ref (empty);
    empty_window = show_picker (empty);
    sb_ui_test_wait_for (has_message, empty, "the load error");
    sb_ui_test_wait_for (refresh_done, empty, "the failed load");
    g_assert_true (g_str_has_prefix (sb_model_picker_get_message (SB_MODEL_PICKER (empty)),
                                     "Could not load the models: "));
    g_assert_cmpuint (g_list_model_get_n_items (sb_model_picker_get_models (SB_MODEL_PICKER (empty))), ==, 0);
    g_assert_null (sb_model_picker_get_selected_model (SB_MODEL_PICKER (empty)));
    destroy_window (empty_window, empty);
  }

  destroy_window (window, picker);

  sb_library_close (library);
  g_assert_finalize_object (library);
}

int
main (int   argc,
      char *argv[])
{
  g_autofree char *home = NULL;
  int status;

  /* A private home for the library and the covers, but the system's
   * XDG_DATA_DIRS: GTK needs the MIME database and icons from there. */
  home = sb_ui_test_make_home ("sb-ui-test-XXXXXX");

  g_test_init (&argc, &argv, NULL);
  gtk_init ();
  adw_init ();

  fake_path = sb_ui_test_fake_providers_path (argc, argv);
  if (fake_path == NULL)
    return 1;

  g_test_add_func ("/sb/ui/model-picker/online-then-offline", test_model_picker_online_then_offline);

  status = g_test_run ();

  sb_ui_test_remove_home (home);

  return status;
}
