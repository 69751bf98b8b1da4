/* bench-generation-batch.c
 *
 * Copyright 2026 The Storyboard authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A batch of 8 image predictions against the fake provider server (its path
 * is the first argument) at 1 s per prediction: the wall time from submit to
 * ::batch-finished with max-in-flight 8 (goal: close to 1 s) and with 1 (one
 * by one, ~8 s), and the longest main-loop stall meanwhile, measured by a
 * 1 ms timer.  Real polling intervals (backoff scale 1), real downloads,
 * validation and library writes.  Prints medians of a few runs.
 */

#include "config.h"

#include <signal.h>
#include <glib/gstdio.h>
#include <stdlib.h>
#include <sys/prctl.h>

#include "sb-generation-queue.h"

#define N_SCENES 8
#define RUNS     3
#define KEY      "sk-bench-key"
#define MODEL    "black-forest-labs/flux-schnell"

static GSubprocess *fake;
static char *base_url;

static void
child_setup (gpointer user_data)
{
  prctl (PR_SET_PDEATHSIG, SIGTERM);
}

static void
start_fake (const char *path)
{
  g_autoptr(GSubprocessLauncher) launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE);
  g_autoptr(GDataInputStream) input = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *line = NULL;
  g_autofree char *replicate = NULL;

  g_subprocess_launcher_set_child_setup (launcher, child_setup, NULL, NULL);
  fake = g_subprocess_launcher_spawn (launcher, &error, path, "--prediction-seconds", "1", NULL);
  if (fake == NULL)
    g_error ("Cannot start the fake server: %s", error->message);

  input = g_data_input_stream_new (g_subprocess_get_stdout_pipe (fake));
  line = g_data_input_stream_read_line (input, NULL, NULL, &error);
  if (line == NULL || !g_str_has_prefix (line, "listening on "))
    g_error ("The fake server did not start");
  base_url = g_strdup (line + strlen ("listening on "));
  replicate = g_strconcat (base_url, "/v1", NULL);
  g_setenv ("STORYBOARD_REPLICATE_BASE_URL", replicate, TRUE);
}

static void
fake_reset (SoupSession *control)
{
  g_autofree char *url = g_strconcat (base_url, "/_fake/reset", NULL);
  g_autoptr(SoupMessage) msg = soup_message_new ("POST", url);
  g_autoptr(GBytes) bytes = soup_session_send_and_read (control, msg, NULL, NULL);

  if (soup_message_get_status (msg) != 200)
    g_error ("Cannot reset the fake server");
}

static void
store_result_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  *(GAsyncResult **) user_data = g_object_ref (result);
}

static void
iterate_until (gboolean *flag)
{
  gint64 deadline = g_get_monotonic_time () + 120 * G_USEC_PER_SEC;

  while (!*flag)
    {
      if (g_get_monotonic_time () > deadline)
        g_error ("Timed out");
      g_main_context_iteration (NULL, TRUE);
    }
}

typedef struct
{
  gint64   last_tick;
  gint64   max_gap;
  gboolean finished;
  guint    n_succeeded;
} Run;

static gboolean
tick_cb (gpointer user_data)
{
  Run *run = user_data;
  gint64 now = g_get_monotonic_time ();

  if (run->last_tick != 0)
    run->max_gap = MAX (run->max_gap, now - run->last_tick);
  run->last_tick = now;
  return G_SOURCE_CONTINUE;
}

static void
batch_finished_cb (SbGenerationQueue *queue,
                   const char        *batch_id,
                   guint              n_succeeded,
                   guint              n_failed,
                   Run               *run)
{
  run->finished = TRUE;
  run->n_succeeded = n_succeeded;
}

/* One batch; returns the wall time in seconds and the longest stall. */
static double
run_batch (SbLibrary         *library,
           SbReplicateClient *client,
           guint              max_in_flight,
           guint              index,
           double            *out_stall_ms)
{
  g_autoptr(SbGenerationQueue) queue = sb_generation_queue_new (library, client);
  g_autoptr(GPtrArray) requests = g_ptr_array_new_with_free_func ((GDestroyNotify) sb_generation_request_free);
  g_autofree char *batch_id = NULL;
  Run run = { 0 };
  gint64 start;
  double seconds;
  guint ticker;

  sb_generation_queue_set_max_in_flight (queue, max_in_flight);
  g_signal_connect (queue, "batch-finished", G_CALLBACK (batch_finished_cb), &run);

  for (guint i = 0; i < N_SCENES; i++)
    {
      SbGenerationRequest *request = sb_generation_request_new ();

      /* Distinct prompts: the library would fold identical images. */
      request->model = g_strdup (MODEL);
      request->prompt = g_strdup_printf ("bench %u/%u, scene %u: a lighthouse at dusk", max_in_flight, index, i);
      request->input = json_object_new ();
      json_object_set_string_member (request->input, "prompt", request->prompt);
      json_object_set_string_member (request->input, "output_format", "png");
      g_ptr_array_add (requests, request);
    }

  ticker = g_timeout_add (1, tick_cb, &run);
  start = g_get_monotonic_time ();
  batch_id = sb_generation_queue_submit (queue, requests);
  iterate_until (&run.finished);
  seconds = (g_get_monotonic_time () - start) / (double) G_USEC_PER_SEC;
  g_source_remove (ticker);

  if (run.n_succeeded != N_SCENES)
    g_error ("Only %u of %u succeeded", run.n_succeeded, N_SCENES);

  *out_stall_ms = run.max_gap / 1000.0;
  return seconds;
}

static int
compare_double (gconstpointer a,
                gconstpointer b)
{
  double x = *(const double *) a, y = *(const double *) b;

  return (x > y) - (x < y);
}

static double
median (double *values,
        guint   n)
{
  qsort (values, n, sizeof (double), compare_double);
  return n % 2 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2;
}

int
main (int   argc,
      char *argv[])
{
  static const guint limits[] = { 8, 1 };
  g_autoptr(SoupSession) control = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(SbLibrary) library = NULL;
  g_autoptr(SbProviderConfig) config = NULL;
  g_autoptr(SbHttp) http = NULL;
  g_autoptr(SbReplicateClient) client = NULL;
  g_autoptr(GFile) file = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *db = NULL;
  double wall[G_N_ELEMENTS (limits)];

  if (argc < 2)
    {
      g_printerr ("Usage: %s PATH-TO-sb-fake-providers\n", argv[0]);
      return 2;
    }

  g_setenv ("GIO_USE_PROXY_RESOLVER", "dummy", TRUE);
  g_unsetenv ("STORYBOARD_BACKOFF_SCALE");
  start_fake (argv[1]);
  control = soup_session_new ();

  dir = g_dir_make_tmp ("storyboard-bench-XXXXXX", &error);
  g_assert_no_error (error);
  db = g_build_filename (dir, "library.db", NULL);
  file = g_file_new_for_path (db);
  sb_library_open_async (file, NULL, store_result_cb, &result);
  while (result == NULL)
    g_main_context_iteration (NULL, TRUE);
  library = sb_library_open_finish (result, &error);
  g_assert_no_error (error);

  config = sb_provider_config_new ();
  http = sb_http_new (config);
  client = sb_replicate_client_new (http);
  sb_replicate_client_set_api_key (client, KEY);

  g_print ("Generation batch: %u image predictions of 1 s each against the fake server, "
           "median of %d runs\n", N_SCENES, RUNS);

  for (guint l = 0; l < G_N_ELEMENTS (limits); l++)
    {
      double times[RUNS];
      double stalls[RUNS];

      for (guint r = 0; r < RUNS; r++)
        {
          fake_reset (control);
          times[r] = run_batch (library, client, limits[l], r, &stalls[r]);
          g_print ("  max-in-flight %u, run %u: %.2f s, longest main-loop stall %.1f ms\n",
                   limits[l], r + 1, times[r], stalls[r]);
        }
      wall[l] = median (times, RUNS);
      g_print ("max-in-flight %u: batch wall time %.2f s (median), longest main-loop stall %.1f ms (median)\n",
               limits[l], wall[l], median (stalls, RUNS));
    }
  g_print ("Speed-up of max-in-flight 8 over one by one: %.1fx\n", wall[1] / wall[0]);

  sb_library_close (library);
  g_subprocess_force_exit (fake);
  g_subprocess_wait (fake, NULL, NULL);
  g_clear_object (&fake);
  g_unlink (db);
  {
    g_autofree char *wal = g_strconcat (db, "-wal", NULL);
    g_autofree char *shm = g_strconcat (db, "-shm", NULL);

    g_unlink (wal);
    g_unlink (shm);
  }
  g_rmdir (dir);
  g_free (base_url);

  return 0;
}
