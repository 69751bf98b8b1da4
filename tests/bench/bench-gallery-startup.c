/* bench-gallery-startup.c
 *
 * Copyright 2026 The Storyboard authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Time from process start to the first painted gallery frame, and RSS at that
 * moment, for a library of 100 media rows and one of 100,000.  The goal is no
 * visible difference between the two.
 *
 * Run without arguments it is the driver: it builds both libraries once,
 * then starts itself in --measure mode several times for each and prints the
 * medians.  "Process start" is the moment the driver spawns the child, so the
 * figure includes exec, linking and GTK start-up.
 */

#include "config.h"

#include <adwaita.h>
#include <stdlib.h>

#include "sb-application.h"
#include "sb-gallery-page.h"
#include "sb-gallery-tile.h"
#include "sb-library-private.h"
#include "sb-media.h"
#include "sb-window.h"

#define RUNS 7
#define THUMBNAILED_ROWS 1000

static gboolean
iterate_until (gboolean *flag)
{
  gint64 deadline = g_get_monotonic_time () + 120 * G_USEC_PER_SEC;

  while (!*flag)
    {
      if (g_get_monotonic_time () > deadline)
        return FALSE;
      g_main_context_iteration (NULL, TRUE);
    }
  return TRUE;
}

/* --generate */

typedef struct
{
  gboolean   done;
  GError    *error;
  gpointer   result;
} Wait;

static void
opened_cb (GObject *object, GAsyncResult *result, gpointer user_data)
{
  Wait *wait = user_data;

  wait->result = sb_library_open_finish (result, &wait->error);
  wait->done = TRUE;
}

static void
inserted_cb (GObject *object, GAsyncResult *result, gpointer user_data)
{
  Wait *wait = user_data;

  sb_library_insert_synthetic_finish (SB_LIBRARY (object), result, &wait->error);
  wait->done = TRUE;
}

static void
listed_cb (GObject *object, GAsyncResult *result, gpointer user_data)
{
  Wait *wait = user_data;

  wait->result = sb_library_list_media_finish (SB_LIBRARY (object), result, &wait->error);
  wait->done = TRUE;
}

static void
thumbnail_set_cb (GObject *object, GAsyncResult *result, gpointer user_data)
{
  guint *pending = user_data;
  g_autoptr(GError) error = NULL;

  if (!sb_library_set_thumbnail_finish (SB_LIBRARY (object), result, &error))
    g_error ("%s", error->message);
  (*pending)--;
}

static GBytes *
make_thumbnail (guint i)
{
  g_autoptr(GdkPixbuf) pixbuf = gdk_pixbuf_new (GDK_COLORSPACE_RGB, FALSE, 8, 320, 240);
  char *buffer = NULL;
  gsize size = 0;

  gdk_pixbuf_fill (pixbuf, 0x204060ff + ((i * 0x1f3d5b00u) & 0xffffff00u));
  gdk_pixbuf_save_to_buffer (pixbuf, &buffer, &size, "png", NULL, NULL);

  return g_bytes_new_take (buffer, size);
}

static int
generate (guint n_rows)
{
  g_autoptr(GFile) file = sb_library_dup_default_file ();
  g_autoptr(SbLibrary) library = NULL;
  g_autoptr(SbMediaList) list = NULL;
  Wait wait = { 0 };
  guint pending = 0;

  sb_library_open_async (file, NULL, opened_cb, &wait);
  iterate_until (&wait.done);
  g_assert_no_error (wait.error);
  library = wait.result;

  wait = (Wait) { 0 };
  sb_library_insert_synthetic_async (library, n_rows, g_get_real_time () - n_rows, NULL, inserted_cb, &wait);
  iterate_until (&wait.done);
  g_assert_no_error (wait.error);

  /* The newest rows, the ones the gallery shows first, get thumbnails. */
  wait = (Wait) { 0 };
  sb_library_list_media_async (library, SB_MEDIA_KIND_IMAGE, NULL, listed_cb, &wait);
  iterate_until (&wait.done);
  g_assert_no_error (wait.error);
  list = wait.result;

  for (guint i = 0; i < MIN (n_rows, THUMBNAILED_ROWS); i++)
    {
      g_autoptr(SbMediaItem) item = g_list_model_get_item (G_LIST_MODEL (list), i);
      g_autoptr(GBytes) thumbnail = make_thumbnail (i);

      pending++;
      sb_library_set_thumbnail_async (library, sb_media_item_get_id (item), thumbnail,
                                      NULL, thumbnail_set_cb, &pending);
    }
  while (pending > 0)
    g_main_context_iteration (NULL, TRUE);

  g_clear_object (&list);
  sb_library_close (library);

  return EXIT_SUCCESS;
}

/* --measure */

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

typedef struct
{
  SbApplication *app;
  SbWindow      *window;
  gboolean       done;
  gint64         painted_at;
} Measure;

/* Whether @tile is at least partly inside the scrolled window's viewport. */
static gboolean
tile_on_screen (GtkWidget *tile,
                GtkWidget *viewport)
{
  graphene_rect_t bounds;
  graphene_rect_t view = GRAPHENE_RECT_INIT (0, 0,
                                             gtk_widget_get_width (viewport),
                                             gtk_widget_get_height (viewport));

  if (!gtk_widget_compute_bounds (tile, viewport, &bounds))
    return FALSE;

  return graphene_rect_intersection (&bounds, &view, NULL);
}

/* The first frame in which the gallery shows its items: every tile on screen
 * has its row and its thumbnail. */
static gboolean
gallery_complete (Measure *measure)
{
  SbGalleryPage *page;
  g_autoptr(GPtrArray) tiles = g_ptr_array_new ();
  guint complete = 0;

  if (measure->window == NULL)
    return FALSE;

  page = SB_GALLERY_PAGE (sb_window_get_gallery (measure->window));
  if (g_strcmp0 (sb_gallery_page_get_state (page), "grid") != 0)
    return FALSE;

  collect_tiles (GTK_WIDGET (sb_gallery_page_get_grid_view (page)), tiles);
  for (guint i = 0; i < tiles->len; i++)
    {
      SbGalleryTile *tile = g_ptr_array_index (tiles, i);
      SbMediaItem *item = sb_gallery_tile_get_item (tile);

      if (!gtk_widget_get_mapped (GTK_WIDGET (tile)) || item == NULL ||
          !tile_on_screen (GTK_WIDGET (tile), GTK_WIDGET (sb_gallery_page_get_grid_view (page))))
        continue;
      if (!sb_media_item_get_loaded (item) || !sb_gallery_tile_has_texture (tile))
        return FALSE;
      complete++;
    }

  return complete > 0;
}

static void
on_after_paint (GdkFrameClock *clock,
                Measure       *measure)
{
  if (!measure->done && gallery_complete (measure))
    {
      measure->painted_at = g_get_monotonic_time ();
      measure->done = TRUE;
    }
}

static void
on_window_realize (GtkWidget *widget,
                   Measure   *measure)
{
  g_signal_connect (gtk_widget_get_frame_clock (widget), "after-paint",
                    G_CALLBACK (on_after_paint), measure);
}

static gboolean
tick_cb (GtkWidget     *widget,
         GdkFrameClock *clock,
         gpointer       user_data)
{
  /* Keep frames coming until the gallery is complete. */
  gtk_widget_queue_draw (widget);
  return G_SOURCE_CONTINUE;
}

static long
read_status_kb (const char *key)
{
  g_autofree char *status = NULL;
  const char *line;

  if (!g_file_get_contents ("/proc/self/status", &status, NULL, NULL))
    return -1;
  line = strstr (status, key);
  if (line == NULL)
    return -1;
  return strtol (line + strlen (key) + 1, NULL, 10);
}

static int
measure_once (void)
{
  g_autoptr(GError) error = NULL;
  Measure measure = { 0 };

  measure.app = sb_application_new (APPLICATION_ID, G_APPLICATION_NON_UNIQUE);
  if (!g_application_register (G_APPLICATION (measure.app), NULL, &error))
    g_error ("%s", error->message);

  g_application_activate (G_APPLICATION (measure.app));
  measure.window = SB_WINDOW (gtk_application_get_active_window (GTK_APPLICATION (measure.app)));
  sb_window_set_page (measure.window, "gallery");
  g_signal_connect (measure.window, "realize", G_CALLBACK (on_window_realize), &measure);
  if (gtk_widget_get_realized (GTK_WIDGET (measure.window)))
    on_window_realize (GTK_WIDGET (measure.window), &measure);
  gtk_widget_add_tick_callback (GTK_WIDGET (measure.window), tick_cb, NULL, NULL);

  if (!iterate_until (&measure.done))
    g_error ("The gallery never completed a frame");

  g_print ("painted-at-us %" G_GINT64_FORMAT " rss-kb %ld\n",
           measure.painted_at, read_status_kb ("VmRSS:"));

  /* Exit without tearing down: the figure is taken. */
  _exit (EXIT_SUCCESS);
}

/* driver */

static int
compare_doubles (const void *a,
                 const void *b)
{
  double x = *(const double *) a, y = *(const double *) b;

  return (x > y) - (x < y);
}

static double
median (double *values,
        guint   n)
{
  qsort (values, n, sizeof *values, compare_doubles);
  return n % 2 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2;
}

static void
run_child (const char  *self_path,
           const char  *data_home,
           const char **args,
           char       **out_stdout)
{
  g_autoptr(GSubprocessLauncher) launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE);
  g_autoptr(GSubprocess) child = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();

  g_subprocess_launcher_setenv (launcher, "XDG_DATA_HOME", data_home, TRUE);
  g_ptr_array_add (argv, (char *) self_path);
  for (guint i = 0; args[i] != NULL; i++)
    g_ptr_array_add (argv, (char *) args[i]);
  g_ptr_array_add (argv, NULL);

  child = g_subprocess_launcher_spawnv (launcher, (const char * const *) argv->pdata, &error);
  if (child == NULL)
    g_error ("%s", error->message);
  if (!g_subprocess_communicate_utf8 (child, NULL, NULL, out_stdout, NULL, &error))
    g_error ("%s", error->message);
  if (!g_subprocess_get_successful (child))
    g_error ("%s %s failed", self_path, args[0]);
}

static int
drive (const char *self_path)
{
  const guint sizes[] = { 100, 100000 };
  double ms[G_N_ELEMENTS (sizes)];
  double rss[G_N_ELEMENTS (sizes)];

  g_print ("Gallery start-up: process start to the first complete gallery frame (median of %d runs)\n", RUNS);

  for (guint s = 0; s < G_N_ELEMENTS (sizes); s++)
    {
      g_autofree char *data_home = g_dir_make_tmp ("sb-bench-XXXXXX", NULL);
      g_autofree char *n = g_strdup_printf ("%u", sizes[s]);
      const char *gen_args[] = { "--generate", n, NULL };
      const char *measure_args[] = { "--measure", NULL };
      double times[RUNS], rsses[RUNS];
      gint64 t0;
      g_autofree char *gen_out = NULL;
      g_autofree char *rm = NULL;

      t0 = g_get_monotonic_time ();
      run_child (self_path, data_home, gen_args, &gen_out);
      g_print ("  built a library of %u rows in %.1f s\n", sizes[s],
               (g_get_monotonic_time () - t0) / 1e6);

      for (guint r = 0; r < RUNS; r++)
        {
          g_autofree char *out = NULL;
          gint64 painted_at = 0;
          long rss_kb = 0;

          t0 = g_get_monotonic_time ();
          run_child (self_path, data_home, measure_args, &out);
          if (sscanf (out, "painted-at-us %" G_GINT64_FORMAT " rss-kb %ld", &painted_at, &rss_kb) != 2)
            g_error ("unexpected output: %s", out);
          times[r] = (painted_at - t0) / 1000.0;
          rsses[r] = rss_kb / 1024.0;
        }

      ms[s] = median (times, RUNS);
      rss[s] = median (rsses, RUNS);
      g_print ("  %6u rows: first frame %.0f ms (min %.0f, max %.0f), RSS %.1f MiB\n",
               sizes[s], ms[s], times[0], times[RUNS - 1], rss[s]);

      rm = g_strdup_printf ("rm -rf '%s'", data_home);
      if (system (rm) != 0)
        g_warning ("could not remove %s", data_home);
    }

  g_print ("Ratio 100000/100 rows: time %.2fx, RSS %.2fx\n", ms[1] / ms[0], rss[1] / rss[0]);

  return EXIT_SUCCESS;
}

int
main (int   argc,
      char *argv[])
{
  if (argc >= 3 && g_str_equal (argv[1], "--generate"))
    return generate ((guint) g_ascii_strtoull (argv[2], NULL, 10));

  if (argc >= 2 && g_str_equal (argv[1], "--measure"))
    {
      gtk_init ();
      adw_init ();
      return measure_once ();
    }

  {
    g_autofree char *self_path = g_file_read_link ("/proc/self/exe", NULL);

    return drive (self_path != NULL ? self_path : argv[0]);
  }
}
