/* sb-generation-queue.c
 *
 * Copyright 2026 The Storyboard authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "sb-generation"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>

#include "sb-generation-queue.h"
#include "sb-library-jobs.h"
#include "sb-media-video.h"
#include "sb-media.h"

#define DEFAULT_MAX_IN_FLIGHT   4
#define IMAGE_DOWNLOAD_CAP      (50 * 1024 * 1024)
#define VIDEO_DOWNLOAD_CAP      (512 * 1024 * 1024)

/* Replicate's own clients poll every 0.5 s; after the first ten seconds the
 * interval grows (x1.5, up to 5 s).  Scaled by SbHttp:backoff-scale, but
 * never below MIN_POLL_MS so a tiny scale cannot hammer the API. */
#define POLL_INTERVAL_MS        500.0
#define POLL_FAST_PHASE_US      (10 * G_USEC_PER_SEC)
#define POLL_MAX_INTERVAL_MS    5000.0
#define MIN_POLL_MS             20
/* Consecutive failed polls (after the HTTP layer's own retries) before a
 * job is given up as failed. */
#define MAX_POLL_ERRORS         8

/* Where a job's run is.  The job's status says what the user sees; the
 * phase says which operation is in flight, so a cancel knows what to do. */
typedef enum
{
  PHASE_STORING,      /* add_job in flight */
  PHASE_WAITING,      /* stored, queued, in self->waiting */
  PHASE_PREPARING,    /* holds a slot; library media of the input being read and sent */
  PHASE_STARTING,     /* "starting" being stored, or the create request in flight */
  PHASE_ATTACHING,    /* "running" + prediction id being stored */
  PHASE_POLLING,      /* a poll timer or GET in flight */
  PHASE_CANCELING,    /* Replicate cancel in flight */
  PHASE_DOWNLOADING,  /* outputs being fetched, validated and stored */
  PHASE_FINISHING,    /* the terminal state being stored */
  PHASE_DONE,
} Phase;

typedef struct
{
  GBytes *bytes;
  GBytes *thumbnail;
  char   *mime_type;
  int     width;
  int     height;
  double  duration;
} Output;

typedef struct
{
  char  *id;
  guint  n_jobs;
  guint  n_terminal;
  guint  n_succeeded;
  guint  n_failed;
} Batch;

typedef struct
{
  grefcount          ref_count;
  SbGenerationQueue *queue;          /* borrowed: see op_ref() */
  SbGenerationJob   *job;
  JsonObject        *input;          /* as stored: media markers left in */
  JsonObject        *send_input;     /* as sent, markers replaced; NULL = input */
  GPtrArray         *media_slots;    /* MediaSlot: the markers of input left to prepare */
  SbMediaItem       *media_item;     /* the row of the media being prepared */
  char              *prompt;
  guint              seq;            /* order in the jobs list */
  Phase              phase;
  SbPrediction      *prediction;
  GCancellable      *cancellable;    /* polls and downloads; never a create */
  guint              poll_source;
  double             poll_interval_ms;
  gint64             poll_started_us;
  guint              poll_errors;
  gboolean           holds_slot;
  gboolean           cancel_requested;
  gboolean           listed;         /* in self->jobs */
  guint              output_index;
  GPtrArray         *outputs;        /* Output */
  GError            *output_error;   /* the first download/validation failure */
  gboolean           output_expired;
} Run;

struct _SbGenerationQueue
{
  GObject parent_instance;

  /* Owned */
  SbLibrary         *library;
  SbReplicateClient *client;
  GListStore        *jobs;
  GQueue             waiting;       /* Run, borrowed from self->runs */
  GHashTable        *runs;          /* SbGenerationJob -> Run, unfinished jobs */
  GHashTable        *batches;       /* batch id -> Batch */

  guint              max_in_flight;
  guint              in_flight;     /* predictions holding a slot */
  guint              next_seq;
};

G_DEFINE_FINAL_TYPE (SbGenerationQueue, sb_generation_queue, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_LIBRARY,
  PROP_CLIENT,
  PROP_MAX_IN_FLIGHT,
  N_PROPS
};

enum {
  JOB_CHANGED,
  BATCH_FINISHED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

G_DEFINE_QUARK (sb-generation-queue-seq, seq)

static void pump              (SbGenerationQueue *self);
static void start_run         (Run               *run);
static void begin_polling     (Run               *run,
                               gboolean           immediately);
static void send_cancel       (Run               *run);
static void start_download    (Run               *run);
static void finish_run        (Run               *run,
                               SbJobStatus        status,
                               const char        *message,
                               gboolean           write);

/* ---- SbGenerationRequest ----------------------------------------------- */

SbGenerationRequest *
sb_generation_request_new (void)
{
  SbGenerationRequest *self = g_new0 (SbGenerationRequest, 1);

  self->kind = SB_MEDIA_KIND_IMAGE;
  return self;
}

void
sb_generation_request_free (SbGenerationRequest *self)
{
  if (self == NULL)
    return;

  g_free (self->model);
  g_free (self->version);
  g_clear_pointer (&self->input, json_object_unref);
  g_free (self->prompt);
  g_free (self);
}

/* ---- helpers ----------------------------------------------------------- */

static void
output_free (Output *output)
{
  g_clear_pointer (&output->bytes, g_bytes_unref);
  g_clear_pointer (&output->thumbnail, g_bytes_unref);
  g_free (output->mime_type);
  g_free (output);
}

static void
batch_free (Batch *batch)
{
  g_free (batch->id);
  g_free (batch);
}

static char *
input_to_string (JsonObject *input)
{
  g_autoptr(JsonNode) node = json_node_new (JSON_NODE_OBJECT);

  json_node_set_object (node, input);
  return json_to_string (node, FALSE);
}

static JsonObject *
input_from_string (const char *text)
{
  g_autoptr(JsonNode) node = NULL;

  if (text != NULL)
    node = json_from_string (text, NULL);
  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    return json_object_new ();
  return json_object_ref (json_node_get_object (node));
}

static const char *
input_prompt (JsonObject *input)
{
  JsonNode *member = json_object_get_member (input, "prompt");

  if (member != NULL && JSON_NODE_HOLDS_VALUE (member) &&
      json_node_get_value_type (member) == G_TYPE_STRING)
    return json_node_get_string (member);
  return NULL;
}

/* The seed the prediction ran with: the input's, else the one the model
 * printed ("Using seed: 1234", as most image models do); -1 = unknown. */
static gint64
find_seed (JsonObject   *input,
           SbPrediction *prediction)
{
  JsonNode *member = json_object_get_member (input, "seed");
  const char *found;

  if (member != NULL && JSON_NODE_HOLDS_VALUE (member) &&
      json_node_get_value_type (member) == G_TYPE_INT64)
    return json_node_get_int (member);

  if (prediction != NULL && prediction->logs != NULL &&
      (found = strstr (prediction->logs, "Using seed: ")) != NULL)
    {
      const char *digits = found + strlen ("Using seed: ");
      char *end = NULL;
      gint64 seed = g_ascii_strtoll (digits, &end, 10);

      if (end != digits)
        return seed;
    }

  return -1;
}

static const char *
extension_for (const char *mime_type)
{
  static const struct { const char *type; const char *ext; } map[] = {
    { "image/png", "png" }, { "image/jpeg", "jpg" }, { "image/webp", "webp" },
    { "image/gif", "gif" }, { "video/mp4", "mp4" }, { "video/quicktime", "mov" },
    { "video/webm", "webm" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (map); i++)
    if (g_strcmp0 (map[i].type, mime_type) == 0)
      return map[i].ext;
  return "bin";
}

static int
compare_seq (gconstpointer a,
             gconstpointer b,
             gpointer      user_data)
{
  guint sa = GPOINTER_TO_UINT (g_object_get_qdata ((GObject *) a, seq_quark ()));
  guint sb = GPOINTER_TO_UINT (g_object_get_qdata ((GObject *) b, seq_quark ()));

  return (sa > sb) - (sa < sb);
}

/* ---- runs -------------------------------------------------------------- */

static Run *
run_new (SbGenerationQueue *self,
         SbGenerationJob   *job,
         JsonObject        *input,
         const char        *prompt)
{
  Run *run = g_new0 (Run, 1);

  g_ref_count_init (&run->ref_count);
  run->queue = self;
  run->job = g_object_ref (job);
  run->input = json_object_ref (input);
  run->prompt = g_strdup (prompt != NULL ? prompt : input_prompt (input));
  run->seq = ++self->next_seq;
  run->cancellable = g_cancellable_new ();
  run->outputs = g_ptr_array_new_with_free_func ((GDestroyNotify) output_free);
  g_object_set_qdata (G_OBJECT (job), seq_quark (), GUINT_TO_POINTER (run->seq));

  return run;
}

static Run *
run_ref (Run *run)
{
  g_ref_count_inc (&run->ref_count);
  return run;
}

static void
run_unref (Run *run)
{
  if (!g_ref_count_dec (&run->ref_count))
    return;

  g_assert (run->poll_source == 0);
  g_clear_object (&run->job);
  g_clear_pointer (&run->input, json_object_unref);
  g_clear_pointer (&run->send_input, json_object_unref);
  g_clear_pointer (&run->media_slots, g_ptr_array_unref);
  g_clear_object (&run->media_item);
  g_free (run->prompt);
  g_clear_pointer (&run->prediction, sb_prediction_free);
  g_clear_object (&run->cancellable);
  g_clear_pointer (&run->outputs, g_ptr_array_unref);
  g_clear_error (&run->output_error);
  g_free (run);
}

/* Every operation in flight holds the run and the queue: the queue lives
 * until its work is done, and a queue dropped while jobs only wait for a
 * slot simply leaves them queued in the library for the next start. */
static Run *
op_ref (Run *run)
{
  g_object_ref (run->queue);
  return run_ref (run);
}

static void
op_unref (Run *run)
{
  SbGenerationQueue *self = run->queue;

  run_unref (run);
  g_object_unref (self);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Run, op_unref)

static void
emit_job_changed (Run *run)
{
  g_signal_emit (run->queue, signals[JOB_CHANGED], 0, run->job);
}

static void
list_job (Run *run)
{
  if (run->listed)
    return;
  run->listed = TRUE;
  g_list_store_insert_sorted (run->queue->jobs, run->job, compare_seq, NULL);
}

static Batch *
batch_lookup_or_add (SbGenerationQueue *self,
                     const char        *batch_id)
{
  Batch *batch = g_hash_table_lookup (self->batches, batch_id ? batch_id : "");

  if (batch == NULL)
    {
      batch = g_new0 (Batch, 1);
      batch->id = g_strdup (batch_id ? batch_id : "");
      g_hash_table_insert (self->batches, batch->id, batch);
    }
  return batch;
}

static void
release_slot (Run *run)
{
  SbGenerationQueue *self = run->queue;

  if (!run->holds_slot)
    return;
  run->holds_slot = FALSE;
  g_assert (self->in_flight > 0);
  self->in_flight--;
  pump (self);
}

static void
take_slot (Run *run)
{
  g_assert (!run->holds_slot);
  run->holds_slot = TRUE;
  run->queue->in_flight++;
}

static void
stop_polling (Run *run)
{
  g_clear_handle_id (&run->poll_source, g_source_remove);
  /* A GET in flight is dropped; a fresh cancellable serves what follows. */
  g_cancellable_cancel (run->cancellable);
  g_clear_object (&run->cancellable);
  run->cancellable = g_cancellable_new ();
}

/* Stores the job's current fields, then calls @callback (which must end
 * with op_unref). */
static void
store_job (Run                 *run,
           GAsyncReadyCallback  callback)
{
  sb_library_update_job_async (run->queue->library, run->job, NULL, callback, op_ref (run));
}

/* ---- finishing --------------------------------------------------------- */

static void
run_done (Run *run)
{
  SbGenerationQueue *self = run->queue;
  SbJobStatus status = sb_generation_job_get_status (run->job);
  Batch *batch;

  run->phase = PHASE_DONE;
  g_ptr_array_set_size (run->outputs, 0);
  list_job (run);
  emit_job_changed (run);

  batch = batch_lookup_or_add (self, sb_generation_job_get_batch_id (run->job));
  batch->n_terminal++;
  if (status == SB_JOB_SUCCEEDED)
    batch->n_succeeded++;
  else if (status != SB_JOB_CANCELED)
    batch->n_failed++;

  /* Hold the run until the end: removing it from the table drops a ref. */
  run_ref (run);
  g_hash_table_remove (self->runs, run->job);

  if (batch->n_terminal >= batch->n_jobs)
    {
      g_autofree char *batch_id = g_strdup (batch->id);
      guint n_succeeded = batch->n_succeeded;
      guint n_failed = batch->n_failed;

      g_hash_table_remove (self->batches, batch_id);
      g_debug ("Batch %s finished: %u succeeded, %u failed", batch_id, n_succeeded, n_failed);
      g_signal_emit (self, signals[BATCH_FINISHED], 0, batch_id, n_succeeded, n_failed);
    }

  run_unref (run);
}

static void
finish_stored_cb (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(Run) run = user_data;
  g_autoptr(GError) error = NULL;

  if (!sb_library_update_job_finish (SB_LIBRARY (object), result, &error))
    g_debug ("Could not store the end of job %" G_GINT64_FORMAT ": %s",
             sb_generation_job_get_id (run->job), error->message);

  run_done (run);
}

/* Sets the terminal state, frees the slot at once (the next job need not
 * wait for the database), then stores the job (unless @write is FALSE: it
 * was already stored) and emits ::job-changed. */
static void
finish_run (Run         *run,
            SbJobStatus  status,
            const char  *message,
            gboolean     write)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();

  g_assert (sb_job_status_is_terminal (status));
  g_assert (run->phase != PHASE_FINISHING && run->phase != PHASE_DONE);

  g_debug ("Job %" G_GINT64_FORMAT " %s%s%s", sb_generation_job_get_id (run->job),
           sb_job_status_to_string (status), message ? ": " : "", message ? message : "");

  if (run->phase == PHASE_WAITING)
    g_queue_remove (&run->queue->waiting, run);
  g_clear_handle_id (&run->poll_source, g_source_remove);

  run->phase = PHASE_FINISHING;
  if (status != SB_JOB_SUCCEEDED)
    sb_generation_job_set_last_error (run->job, message);
  else
    sb_generation_job_set_progress (run->job, 1.0);
  if (sb_generation_job_get_completed_at (run->job) == NULL || status != SB_JOB_SUCCEEDED)
    sb_generation_job_set_completed_at (run->job, now);
  sb_generation_job_set_status (run->job, status);
  release_slot (run);

  if (write && sb_generation_job_get_id (run->job) != 0)
    store_job (run, finish_stored_cb);
  else
    run_done (run);
}

static void
finish_failed (Run          *run,
               const GError *error)
{
  /* A refused input keeps its per-field messages for the form. */
  if (g_error_matches (error, SB_PROVIDER_ERROR, SB_PROVIDER_ERROR_INVALID_INPUT))
    sb_generation_job_set_field_errors (run->job, sb_provider_error_get_fields (error));

  finish_run (run, run->cancel_requested ? SB_JOB_CANCELED : SB_JOB_FAILED, error->message, TRUE);
}

/* ---- storing outputs --------------------------------------------------- */

static SbMediaItem *
make_item (Run    *run,
           Output *output,
           guint   index)
{
  SbMediaItem *item = sb_media_item_new ();
  SbPrediction *prediction = run->prediction;
  const char *model = prediction->model ? prediction->model : sb_generation_job_get_model (run->job);
  const char *version = prediction->version ? prediction->version
                                            : sb_generation_job_get_model_version (run->job);
  g_autofree char *filename = NULL;

  if (index == 0)
    filename = g_strdup_printf ("%s.%s", prediction->id, extension_for (output->mime_type));
  else
    filename = g_strdup_printf ("%s-%u.%s", prediction->id, index, extension_for (output->mime_type));

  sb_media_item_set_kind (item, sb_generation_job_get_kind (run->job));
  sb_media_item_set_mime_type (item, output->mime_type);
  sb_media_item_set_size (item, output->width, output->height);
  sb_media_item_set_duration (item, output->duration);
  sb_media_item_set_origin (item, SB_MEDIA_ORIGIN_GENERATED);
  sb_media_item_set_filename (item, filename);
  sb_media_item_set_prompt (item, run->prompt);
  sb_media_item_set_model (item, model);
  sb_media_item_set_model_version (item, version);
  sb_media_item_set_parameters (item, sb_generation_job_get_input (run->job));
  sb_media_item_set_seed (item, find_seed (run->input, prediction));
  sb_media_item_set_prediction_id (item, prediction->id);
  sb_media_item_set_links (item,
                           sb_generation_job_get_brief_id (run->job),
                           sb_generation_job_get_revision_id (run->job),
                           sb_generation_job_get_scene_id (run->job));
  sb_media_item_set_source_media_id (item, sb_generation_job_get_source_media_id (run->job));

  return item;
}

static void
job_completed_cb (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(Run) run = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(SbMediaItem) item = NULL;

  item = sb_library_complete_job_finish (SB_LIBRARY (object), result, &error);
  if (item == NULL)
    {
      g_autofree char *message = NULL;

      if (sb_generation_job_get_kind (run->job) == SB_MEDIA_KIND_VIDEO)
        /* Translators: %s says why */
        message = g_strdup_printf (_("The video could not be saved in the library: %s"), error->message);
      else
        /* Translators: %s says why */
        message = g_strdup_printf (_("The image could not be saved in the library: %s"), error->message);

      finish_run (run, SB_JOB_FAILED, message, TRUE);
      return;
    }

  sb_generation_job_set_media_id (run->job, sb_media_item_get_id (item));
  sb_generation_job_set_last_error (run->job, NULL);
  /* complete_job stored the job as succeeded in the same transaction. */
  finish_run (run, SB_JOB_SUCCEEDED, NULL, FALSE);
}

static void store_next_output (Run *run);

static void
variant_added_cb (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(Run) run = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(SbMediaItem) item = NULL;

  item = sb_library_add_media_finish (SB_LIBRARY (object), result, NULL, &error);
  if (item == NULL)
    g_debug ("Could not store a variant of %s: %s", run->prediction->id, error->message);

  run->output_index++;
  store_next_output (run);
}

/* The variants (outputs 2..n) first, then the first output completes the
 * job: if the app stops in between, the job is still "downloading" and the
 * next start fetches everything again (the library drops duplicates). */
static void
store_next_output (Run *run)
{
  Output *output;

  if (run->output_index < run->outputs->len)
    {
      g_autoptr(SbMediaItem) item = NULL;

      output = g_ptr_array_index (run->outputs, run->output_index);
      item = make_item (run, output, run->output_index);
      sb_library_add_media_async (run->queue->library, item, output->bytes, output->thumbnail,
                                  NULL, variant_added_cb, op_ref (run));
    }
  else
    {
      g_autoptr(SbMediaItem) item = NULL;
      g_autoptr(GDateTime) now = g_date_time_new_now_utc ();

      output = g_ptr_array_index (run->outputs, 0);
      item = make_item (run, output, 0);
      sb_generation_job_set_completed_at (run->job, now);
      sb_library_complete_job_async (run->queue->library, run->job, item, output->bytes,
                                     output->thumbnail, NULL, job_completed_cb, op_ref (run));
    }
}

/* ---- downloading ------------------------------------------------------- */

typedef struct
{
  SbMediaKind  kind;
  GBytes      *bytes;
  char        *claimed;
} ValidateData;

static void
validate_data_free (ValidateData *data)
{
  g_clear_pointer (&data->bytes, g_bytes_unref);
  g_free (data->claimed);
  g_free (data);
}

/* Validated completely (signature, size cap, a GStreamer pass that reads
 * the duration and finds the last frame) with a poster as its thumbnail. */
static gboolean
validate_video (GBytes      *bytes,
                const char  *claimed,
                Output      *output,
                GError     **error)
{
  g_autoptr(GError) local_error = NULL;
  SbMediaProbe probe = { 0 };
  gsize size = 0;
  const guint8 *data = g_bytes_get_data (bytes, &size);

  if (sb_media_process_video_bytes (bytes, claimed, &probe, &output->thumbnail, &local_error))
    {
      output->mime_type = g_strdup (probe.mime_type);
      output->width = probe.width;
      output->height = probe.height;
      output->duration = probe.duration;
      return TRUE;
    }

  /* A missing GStreamer plugin must not lose a paid-for video: kept
   * without size, duration or poster (the source image's stands in). */
  if (g_error_matches (local_error, SB_MEDIA_ERROR, SB_MEDIA_ERROR_NO_VIDEO_DECODER))
    {
      g_debug ("Keeping a generated video that cannot be decoded here: %s", local_error->message);
      output->mime_type = g_strdup (sb_media_sniff (data, size));
      return TRUE;
    }

  g_propagate_error (error, g_steal_pointer (&local_error));
  return FALSE;
}

static void
validate_thread (GTask        *task,
                 gpointer      source_object,
                 gpointer      task_data,
                 GCancellable *cancellable)
{
  ValidateData *data = task_data;
  Output *output = g_new0 (Output, 1);
  GError *error = NULL;

  output->bytes = g_bytes_ref (data->bytes);
  if (data->kind == SB_MEDIA_KIND_VIDEO)
    {
      if (!validate_video (data->bytes, data->claimed, output, &error))
        {
          output_free (output);
          g_task_return_error (task, error);
          return;
        }
    }
  else
    {
      SbMediaProbe probe = { 0 };

      if (!sb_media_process_image (data->bytes, data->claimed, SB_MEDIA_THUMBNAIL_SIZE,
                                   &probe, &output->thumbnail, &error))
        {
          output_free (output);
          g_task_return_error (task, error);
          return;
        }
      output->mime_type = g_strdup (probe.mime_type);
      output->width = probe.width;
      output->height = probe.height;
    }

  g_task_return_pointer (task, output, (GDestroyNotify) output_free);
}

static void download_next (Run *run);

static void
output_failed (Run    *run,
               GError *error)
{
  g_debug ("Output %u of %s: %s", run->output_index, run->prediction->id, error->message);
  if (run->output_error == NULL)
    run->output_error = g_error_copy (error);
  run->output_index++;
  download_next (run);
}

static void
source_thumbnail_cb (GObject      *object,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  g_autoptr(Run) run = user_data;
  g_autoptr(GError) error = NULL;
  Output *output = g_ptr_array_index (run->outputs, run->outputs->len - 1);

  output->thumbnail = sb_library_load_thumbnail_finish (SB_LIBRARY (object), result, &error);
  if (output->thumbnail == NULL)
    g_debug ("No thumbnail to stand in for a video's poster: %s", error->message);

  run->output_index++;
  download_next (run);
}

static void
validated_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(Run) run = user_data;
  g_autoptr(GError) error = NULL;
  Output *output;

  output = g_task_propagate_pointer (G_TASK (result), &error);
  if (output == NULL)
    {
      output_failed (run, error);
      return;
    }

  /* No poster: the image the video was made from stands in. */
  if (output->thumbnail == NULL && sb_generation_job_get_kind (run->job) == SB_MEDIA_KIND_VIDEO &&
      sb_generation_job_get_source_media_id (run->job) > 0)
    {
      g_ptr_array_add (run->outputs, output);
      sb_library_load_thumbnail_async (run->queue->library,
                                       sb_generation_job_get_source_media_id (run->job),
                                       NULL, source_thumbnail_cb, op_ref (run));
      return;
    }

  g_ptr_array_add (run->outputs, output);
  run->output_index++;
  download_next (run);
}

static gboolean
is_expired_error (const GError *error)
{
  guint status = sb_provider_error_get_status (error);

  return g_error_matches (error, SB_PROVIDER_ERROR, SB_PROVIDER_ERROR_NOT_FOUND) ||
         status == 404 || status == 410;
}

static void
downloaded_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(Run) run = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(SbDownload) download = NULL;
  ValidateData *data;
  GTask *task;

  download = sb_replicate_client_download_output_finish (SB_REPLICATE_CLIENT (object), result, &error);
  if (download == NULL)
    {
      if (is_expired_error (error))
        run->output_expired = TRUE;
      output_failed (run, error);
      return;
    }

  data = g_new0 (ValidateData, 1);
  data->kind = sb_generation_job_get_kind (run->job);
  data->bytes = g_bytes_ref (download->bytes);
  data->claimed = g_strdup (download->mime_type);

  task = g_task_new (NULL, run->cancellable, validated_cb, op_ref (run));
  g_task_set_source_tag (task, downloaded_cb);
  g_task_set_task_data (task, data, (GDestroyNotify) validate_data_free);
  g_task_run_in_thread (task, validate_thread);
  g_object_unref (task);
}

static void
download_next (Run *run)
{
  char **urls = run->prediction->outputs;
  gsize cap = sb_generation_job_get_kind (run->job) == SB_MEDIA_KIND_VIDEO ? VIDEO_DOWNLOAD_CAP
                                                                             : IMAGE_DOWNLOAD_CAP;

  if (urls[run->output_index] != NULL)
    {
      sb_replicate_client_download_output_async (run->queue->client, urls[run->output_index], cap,
                                                 run->cancellable, downloaded_cb, op_ref (run));
      return;
    }

  if (run->outputs->len > 0)
    {
      run->output_index = 1;
      store_next_output (run);
    }
  else if (run->output_expired)
    finish_run (run, SB_JOB_EXPIRED,
                _("Replicate removed the output before it could be downloaded. Run the job again."), TRUE);
  else if (run->output_error->domain == SB_MEDIA_ERROR)
    {
      /* The file itself is unusable: say what to do about it. */
      g_autofree char *reason = g_strdup (run->output_error->message);
      g_autofree char *message = NULL;

      g_strchomp (reason);
      if (g_str_has_suffix (reason, "."))
        reason[strlen (reason) - 1] = '\0';
      if (sb_generation_job_get_kind (run->job) == SB_MEDIA_KIND_VIDEO)
        /* Translators: %s says what is wrong with the file */
        message = g_strdup_printf (_("The video Replicate sent cannot be used (%s). Run it again; if it "
                                     "happens again, choose another model."), reason);
      else
        /* Translators: %s says what is wrong with the file */
        message = g_strdup_printf (_("The image Replicate sent cannot be used (%s). Run it again; if it "
                                     "happens again, choose another model."), reason);
      finish_run (run, SB_JOB_FAILED, message, TRUE);
    }
  else
    finish_run (run, SB_JOB_FAILED, run->output_error->message, TRUE);
}

static void
downloading_stored_cb (GObject      *object,
                       GAsyncResult *result,
                       gpointer      user_data)
{
  g_autoptr(Run) run = user_data;
  g_autoptr(GError) error = NULL;

  if (!sb_library_update_job_finish (SB_LIBRARY (object), result, &error))
    g_debug ("Could not store job %" G_GINT64_FORMAT " as downloading: %s",
             sb_generation_job_get_id (run->job), error->message);

  emit_job_changed (run);

  if (run->prediction->data_removed)
    finish_run (run, SB_JOB_EXPIRED,
                _("Replicate removed the output before it could be downloaded. Run the job again."), TRUE);
  else if (run->prediction->outputs[0] == NULL)
    finish_run (run, SB_JOB_FAILED, _("The prediction succeeded but returned no file."), TRUE);
  else
    {
      run->output_index = 0;
      g_ptr_array_set_size (run->outputs, 0);
      g_clear_error (&run->output_error);
      run->output_expired = FALSE;
      download_next (run);
    }
}

/* The prediction succeeded: its slot goes to the next job while the
 * outputs are fetched. */
static void
start_download (Run *run)
{
  run->phase = PHASE_DOWNLOADING;
  sb_generation_job_set_progress (run->job, 1.0);
  sb_generation_job_set_status (run->job, SB_JOB_DOWNLOADING);
  release_slot (run);
  store_job (run, downloading_stored_cb);
}

/* ---- polling ----------------------------------------------------------- */

static void
set_progress (Run          *run,
              SbPrediction *prediction)
{
  int percent = sb_prediction_get_progress (prediction);
  double progress = percent < 0 ? -1.0 : CLAMP (percent / 100.0, 0.0, 1.0);

  if (progress == sb_generation_job_get_progress (run->job))
    return;
  sb_generation_job_set_progress (run->job, progress);
  emit_job_changed (run);
}

static gboolean
is_transient_error (const GError *error)
{
  return g_error_matches (error, SB_PROVIDER_ERROR, SB_PROVIDER_ERROR_OFFLINE) ||
         g_error_matches (error, SB_PROVIDER_ERROR, SB_PROVIDER_ERROR_SERVER) ||
         g_error_matches (error, SB_PROVIDER_ERROR, SB_PROVIDER_ERROR_TIMEOUT) ||
         g_error_matches (error, SB_PROVIDER_ERROR, SB_PROVIDER_ERROR_RATE_LIMITED) ||
         g_error_matches (error, SB_PROVIDER_ERROR, SB_PROVIDER_ERROR_BAD_RESPONSE);
}

static void schedule_poll (Run *run);

static void
polled_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(Run) run = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(SbPrediction) prediction = NULL;

  prediction = sb_replicate_client_get_prediction_finish (SB_REPLICATE_CLIENT (object), result, &error);

  /* Cancelled, or the job moved on (a cancel was sent) meanwhile. */
  if (run->phase != PHASE_POLLING)
    return;

  if (prediction == NULL)
    {
      if (is_transient_error (error) && ++run->poll_errors < MAX_POLL_ERRORS)
        {
          g_debug ("Polling %s failed (%u): %s", sb_generation_job_get_prediction_id (run->job),
                   run->poll_errors, error->message);
          run->poll_interval_ms = MIN (run->poll_interval_ms * 2, POLL_MAX_INTERVAL_MS);
          schedule_poll (run);
        }
      else
        finish_failed (run, error);
      return;
    }

  run->poll_errors = 0;
  g_clear_pointer (&run->prediction, sb_prediction_free);
  run->prediction = g_steal_pointer (&prediction);

  switch (run->prediction->status)
    {
    case SB_PREDICTION_SUCCEEDED:
      start_download (run);
      break;

    case SB_PREDICTION_CANCELED:
      finish_run (run, SB_JOB_CANCELED, _("The prediction was canceled at Replicate."), TRUE);
      break;

    case SB_PREDICTION_FAILED:
    case SB_PREDICTION_ABORTED:
      {
        g_autoptr(GError) failure = NULL;

        sb_prediction_check (run->prediction, &failure);
        g_assert (failure != NULL);
        finish_failed (run, failure);
      }
      break;

    case SB_PREDICTION_STARTING:
    case SB_PREDICTION_PROCESSING:
    case SB_PREDICTION_UNKNOWN:
    default:
      set_progress (run, run->prediction);
      if (g_get_monotonic_time () - run->poll_started_us > POLL_FAST_PHASE_US)
        run->poll_interval_ms = MIN (run->poll_interval_ms * 1.5, POLL_MAX_INTERVAL_MS);
      schedule_poll (run);
      break;
    }
}

static gboolean
poll_cb (gpointer user_data)
{
  Run *run = user_data;

  run->poll_source = 0;
  sb_replicate_client_get_prediction_async (run->queue->client,
                                            sb_generation_job_get_prediction_id (run->job),
                                            run->cancellable, polled_cb, op_ref (run));
  return G_SOURCE_REMOVE;
}

static void
schedule_poll_after (Run   *run,
                     guint  delay_ms)
{
  g_assert (run->poll_source == 0);
  run->poll_source = g_timeout_add_full (G_PRIORITY_DEFAULT, delay_ms, poll_cb,
                                         op_ref (run), (GDestroyNotify) op_unref);
}

static void
schedule_poll (Run *run)
{
  double scale = sb_http_get_backoff_scale (sb_replicate_client_get_http (run->queue->client));

  schedule_poll_after (run, MAX (MIN_POLL_MS, (guint) (run->poll_interval_ms * scale)));
}

static void
begin_polling (Run      *run,
               gboolean  immediately)
{
  run->phase = PHASE_POLLING;
  run->poll_interval_ms = POLL_INTERVAL_MS;
  run->poll_started_us = g_get_monotonic_time ();
  run->poll_errors = 0;
  if (immediately)
    schedule_poll_after (run, 0);
  else
    schedule_poll (run);
}

/* ---- canceling --------------------------------------------------------- */

static void
canceled_cb (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(Run) run = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(SbPrediction) prediction = NULL;

  prediction = sb_replicate_client_cancel_prediction_finish (SB_REPLICATE_CLIENT (object), result, &error);
  if (prediction == NULL)
    {
      /* The user asked to stop; say why Replicate may still finish it. */
      g_autofree char *message = g_strdup_printf (_("Replicate could not be asked to stop: %s"),
                                                  error->message);

      finish_run (run, SB_JOB_CANCELED, message, TRUE);
      return;
    }

  g_clear_pointer (&run->prediction, sb_prediction_free);
  run->prediction = g_steal_pointer (&prediction);

  /* It finished before the cancel arrived: it is paid for, keep it. */
  if (run->prediction->status == SB_PREDICTION_SUCCEEDED)
    start_download (run);
  else
    finish_run (run, SB_JOB_CANCELED, NULL, TRUE);
}

static void
send_cancel (Run *run)
{
  stop_polling (run);
  run->phase = PHASE_CANCELING;
  sb_replicate_client_cancel_prediction_async (run->queue->client,
                                               sb_generation_job_get_prediction_id (run->job),
                                               NULL, canceled_cb, op_ref (run));
}

static void
cancel_run (Run *run)
{
  if (run->cancel_requested)
    return;
  run->cancel_requested = TRUE;

  switch (run->phase)
    {
    case PHASE_WAITING:
      finish_run (run, SB_JOB_CANCELED, NULL, TRUE);
      break;

    case PHASE_POLLING:
      send_cancel (run);
      break;

    /* Nothing was sent yet: the read or upload in flight ends canceled. */
    case PHASE_PREPARING:
      g_cancellable_cancel (run->cancellable);
      break;

    /* Each of these looks at cancel_requested when its operation ends. */
    case PHASE_STORING:
    case PHASE_STARTING:
    case PHASE_ATTACHING:
    case PHASE_CANCELING:
      break;

    /* Finished at Replicate: nothing left to stop. */
    case PHASE_DOWNLOADING:
    case PHASE_FINISHING:
    case PHASE_DONE:
    default:
      break;
    }
}

/* ---- starting ---------------------------------------------------------- */

static void
running_stored_cb (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(Run) run = user_data;
  g_autoptr(GError) error = NULL;

  /* The prediction exists and is paid for whatever the database says:
   * follow it anyway. */
  if (!sb_library_update_job_finish (SB_LIBRARY (object), result, &error))
    g_debug ("Could not store job %" G_GINT64_FORMAT " as running: %s",
             sb_generation_job_get_id (run->job), error->message);

  emit_job_changed (run);

  if (run->cancel_requested)
    send_cancel (run);
  else
    begin_polling (run, FALSE);
}

static void
created_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(Run) run = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(SbPrediction) prediction = NULL;

  /* Never created again here: a timeout or a 5xx may have made one. */
  prediction = sb_replicate_client_create_prediction_finish (SB_REPLICATE_CLIENT (object), result, &error);
  if (prediction == NULL)
    {
      /* No answer, or a server error: Replicate may have made it anyway. */
      if (g_error_matches (error, SB_PROVIDER_ERROR, SB_PROVIDER_ERROR_TIMEOUT) ||
          g_error_matches (error, SB_PROVIDER_ERROR, SB_PROVIDER_ERROR_SERVER))
        {
          g_autofree char *message = NULL;

          message = g_strdup_printf (_("%s The prediction may still have been created: check your "
                                       "Replicate dashboard before running it again."),
                                     error->message);
          finish_run (run, run->cancel_requested ? SB_JOB_CANCELED : SB_JOB_FAILED, message, TRUE);
        }
      else
        finish_failed (run, error);
      return;
    }

  g_debug ("Job %" G_GINT64_FORMAT " is prediction %s", sb_generation_job_get_id (run->job), prediction->id);
  run->prediction = g_steal_pointer (&prediction);
  run->phase = PHASE_ATTACHING;
  sb_generation_job_set_prediction_id (run->job, run->prediction->id);
  sb_generation_job_set_status (run->job, SB_JOB_RUNNING);
  store_job (run, running_stored_cb);
}

static void
starting_stored_cb (GObject      *object,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr(Run) run = user_data;
  g_autoptr(GError) error = NULL;

  /* Without a stored "starting" a crash could lose the prediction: send
   * nothing. */
  if (!sb_library_update_job_finish (SB_LIBRARY (object), result, &error))
    {
      g_autofree char *message = g_strdup_printf (_("The job could not be saved: %s"), error->message);

      finish_run (run, SB_JOB_FAILED, message, FALSE);
      return;
    }

  if (run->cancel_requested)
    {
      finish_run (run, SB_JOB_CANCELED, NULL, TRUE);
      return;
    }

  emit_job_changed (run);
  sb_replicate_client_create_prediction_async (run->queue->client,
                                               sb_generation_job_get_model (run->job),
                                               sb_generation_job_get_model_version (run->job),
                                               run->send_input != NULL ? run->send_input : run->input,
                                               0, NULL, created_cb, op_ref (run));
}

static void
begin_create (Run *run)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();

  run->phase = PHASE_STARTING;
  sb_generation_job_set_attempts (run->job, sb_generation_job_get_attempts (run->job) + 1);
  sb_generation_job_set_started_at (run->job, now);
  sb_generation_job_set_progress (run->job, -1.0);
  sb_generation_job_set_status (run->job, SB_JOB_STARTING);
  store_job (run, starting_stored_cb);
}

/* ---- library media in the input ---------------------------------------- */

/* One "storyboard-media:<id>" of the input: a member's value, or an element
 * of an array member. */
typedef struct
{
  char   *member;
  int     index;     /* -1: the member's own value */
  gint64  media_id;
} MediaSlot;

static void
media_slot_free (MediaSlot *slot)
{
  g_free (slot->member);
  g_free (slot);
}

char *
sb_generation_media_uri (gint64 media_id)
{
  g_return_val_if_fail (media_id > 0, NULL);

  return g_strdup_printf (SB_GENERATION_MEDIA_URI_PREFIX "%" G_GINT64_FORMAT, media_id);
}

static gboolean
parse_media_uri (JsonNode *node,
                 gint64   *out_id)
{
  const char *value;
  const char *digits;
  char *end = NULL;
  gint64 id;

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
    return FALSE;

  value = json_node_get_string (node);
  if (!g_str_has_prefix (value, SB_GENERATION_MEDIA_URI_PREFIX))
    return FALSE;

  digits = value + strlen (SB_GENERATION_MEDIA_URI_PREFIX);
  id = g_ascii_strtoll (digits, &end, 10);
  if (end == digits || *end != '\0' || id <= 0)
    return FALSE;

  *out_id = id;
  return TRUE;
}

static void
add_media_slot (GPtrArray  *slots,
                const char *member,
                int         index,
                gint64      media_id)
{
  MediaSlot *slot = g_new0 (MediaSlot, 1);

  slot->member = g_strdup (member);
  slot->index = index;
  slot->media_id = media_id;
  g_ptr_array_add (slots, slot);
}

static GPtrArray *
find_media_slots (JsonObject *input)
{
  GPtrArray *slots = g_ptr_array_new_with_free_func ((GDestroyNotify) media_slot_free);
  JsonObjectIter iter;
  const char *name;
  JsonNode *value;
  gint64 id;

  json_object_iter_init (&iter, input);
  while (json_object_iter_next (&iter, &name, &value))
    {
      if (parse_media_uri (value, &id))
        add_media_slot (slots, name, -1, id);
      else if (JSON_NODE_HOLDS_ARRAY (value))
        {
          JsonArray *array = json_node_get_array (value);

          for (guint i = 0; i < json_array_get_length (array); i++)
            if (parse_media_uri (json_array_get_element (array, i), &id))
              add_media_slot (slots, name, (int) i, id);
        }
    }

  return slots;
}

static void prepare_next_media (Run *run);

/* @sending: the upload failed, else reading the library did. */
static void
preparing_failed (Run          *run,
                  gboolean      sending,
                  const GError *error)
{
  g_autofree char *message = NULL;

  if (run->cancel_requested || g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      finish_run (run, SB_JOB_CANCELED, NULL, TRUE);
      return;
    }

  if (sending)
    /* Translators: %s says why (a network or provider error) */
    message = g_strdup_printf (_("The source image could not be sent to Replicate: %s"), error->message);
  else
    /* Translators: %s says why */
    message = g_strdup_printf (_("The source image could not be read from the library: %s"), error->message);
  finish_run (run, SB_JOB_FAILED, message, TRUE);
}

static void
media_prepared_cb (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(Run) run = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *uri = NULL;
  MediaSlot *slot;

  uri = sb_replicate_client_prepare_file_input_finish (SB_REPLICATE_CLIENT (object), result, &error);
  if (uri == NULL)
    {
      preparing_failed (run, TRUE, error);
      return;
    }

  slot = g_ptr_array_index (run->media_slots, 0);
  if (slot->index < 0)
    json_object_set_string_member (run->send_input, slot->member, uri);
  else
    {
      JsonArray *array = json_object_get_array_member (run->send_input, slot->member);
      JsonNode *element = json_array_get_element (array, slot->index);

      json_node_set_string (element, uri);
    }

  g_ptr_array_remove_index (run->media_slots, 0);
  g_clear_object (&run->media_item);
  prepare_next_media (run);
}

static void
media_bytes_loaded_cb (GObject      *object,
                       GAsyncResult *result,
                       gpointer      user_data)
{
  g_autoptr(Run) run = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) bytes = NULL;
  const char *filename;

  bytes = sb_library_load_bytes_finish (SB_LIBRARY (object), result, &error);
  if (bytes == NULL)
    {
      preparing_failed (run, FALSE, error);
      return;
    }

  filename = sb_media_item_get_filename (run->media_item);
  if (filename == NULL || *filename == '\0')
    filename = sb_media_item_get_kind (run->media_item) == SB_MEDIA_KIND_VIDEO ? "video" : "image";

  sb_replicate_client_prepare_file_input_async (run->queue->client, bytes, filename,
                                                sb_media_item_get_mime_type (run->media_item),
                                                run->cancellable, media_prepared_cb, op_ref (run));
}

static void
media_got_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(Run) run = user_data;
  g_autoptr(GError) error = NULL;
  MediaSlot *slot = g_ptr_array_index (run->media_slots, 0);

  run->media_item = sb_library_get_media_finish (SB_LIBRARY (object), result, &error);
  if (run->media_item == NULL)
    {
      if (g_error_matches (error, SB_LIBRARY_ERROR, SB_LIBRARY_ERROR_NOT_FOUND) && !run->cancel_requested)
        {
          finish_run (run, SB_JOB_FAILED,
                      _("The source image is no longer in the library. Choose another image and try again."),
                      TRUE);
          return;
        }
      preparing_failed (run, FALSE, error);
      return;
    }

  sb_library_load_bytes_async (run->queue->library, slot->media_id, run->cancellable,
                               media_bytes_loaded_cb, op_ref (run));
}

static void
prepare_next_media (Run *run)
{
  MediaSlot *slot;

  if (run->cancel_requested)
    {
      finish_run (run, SB_JOB_CANCELED, NULL, TRUE);
      return;
    }

  if (run->media_slots->len == 0)
    {
      g_clear_pointer (&run->media_slots, g_ptr_array_unref);
      begin_create (run);
      return;
    }

  slot = g_ptr_array_index (run->media_slots, 0);
  sb_library_get_media_async (run->queue->library, slot->media_id, run->cancellable,
                              media_got_cb, op_ref (run));
}

static void
start_run (Run *run)
{
  g_assert (run->phase == PHASE_WAITING);

  take_slot (run);

  /* Library media are read and sent afresh at each start: an upload's URL
   * does not outlive a day, and the stored input keeps only the marker. */
  g_clear_pointer (&run->send_input, json_object_unref);
  g_clear_pointer (&run->media_slots, g_ptr_array_unref);
  run->media_slots = find_media_slots (run->input);
  if (run->media_slots->len == 0)
    {
      g_clear_pointer (&run->media_slots, g_ptr_array_unref);
      begin_create (run);
      return;
    }

  run->phase = PHASE_PREPARING;
  /* A deep copy, parsed from the stored text: the sent input must not
   * change the stored one. */
  run->send_input = input_from_string (sb_generation_job_get_input (run->job));
  prepare_next_media (run);
}

static void
pump (SbGenerationQueue *self)
{
  while (self->in_flight < self->max_in_flight && !g_queue_is_empty (&self->waiting))
    start_run (g_queue_pop_head (&self->waiting));
}

static void
enqueue (Run *run)
{
  run->phase = PHASE_WAITING;
  g_queue_push_tail (&run->queue->waiting, run);
  pump (run->queue);
}

/* ---- submitting -------------------------------------------------------- */

static void
job_added_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(Run) run = user_data;
  g_autoptr(GError) error = NULL;

  if (!sb_library_add_job_finish (SB_LIBRARY (object), result, &error))
    {
      /* Not stored, so never sent. */
      g_autofree char *message = g_strdup_printf (_("The job could not be saved: %s"), error->message);

      finish_run (run, SB_JOB_FAILED, message, FALSE);
      return;
    }

  list_job (run);
  if (run->cancel_requested)
    {
      finish_run (run, SB_JOB_CANCELED, NULL, TRUE);
      return;
    }

  emit_job_changed (run);
  enqueue (run);
}

static char *
submit (SbGenerationQueue *self,
        GPtrArray         *requests)
{
  g_autofree char *batch_id = g_uuid_string_random ();
  Batch *batch = batch_lookup_or_add (self, batch_id);

  for (guint i = 0; i < requests->len; i++)
    {
      SbGenerationRequest *request = g_ptr_array_index (requests, i);
      g_autoptr(SbGenerationJob) job = sb_generation_job_new ();
      g_autoptr(JsonObject) input = request->input ? json_object_ref (request->input) : json_object_new ();
      g_autofree char *input_text = input_to_string (input);
      Run *run;

      sb_generation_job_set_batch_id (job, batch_id);
      sb_generation_job_set_kind (job, request->kind == SB_MEDIA_KIND_VIDEO ? SB_MEDIA_KIND_VIDEO
                                                                           : SB_MEDIA_KIND_IMAGE);
      sb_generation_job_set_provider (job, "replicate");
      sb_generation_job_set_model (job, request->model);
      sb_generation_job_set_model_version (job, request->version);
      sb_generation_job_set_input (job, input_text);
      sb_generation_job_set_links (job, request->brief_id, request->revision_id, request->scene_id);
      sb_generation_job_set_source_media_id (job, request->source_media_id);
      sb_generation_job_set_status (job, SB_JOB_QUEUED);
      sb_generation_job_set_progress (job, -1.0);

      run = run_new (self, job, input, request->prompt);
      run->phase = PHASE_STORING;
      g_hash_table_insert (self->runs, job, run);
      batch->n_jobs++;

      /* Stored before anything is sent. */
      sb_library_add_job_async (self->library, job, NULL, job_added_cb, op_ref (run));
    }

  if (requests->len == 0)
    {
      g_hash_table_remove (self->batches, batch_id);
      g_signal_emit (self, signals[BATCH_FINISHED], 0, batch_id, 0, 0);
    }

  return g_steal_pointer (&batch_id);
}

/* ---- resuming ---------------------------------------------------------- */

static gboolean
is_known (SbGenerationQueue *self,
          gint64             id)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->jobs));
  GHashTableIter iter;
  SbGenerationJob *running;

  g_hash_table_iter_init (&iter, self->runs);
  while (g_hash_table_iter_next (&iter, (gpointer *) &running, NULL))
    if (sb_generation_job_get_id (running) == id)
      return TRUE;

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(SbGenerationJob) job = g_list_model_get_item (G_LIST_MODEL (self->jobs), i);

      if (sb_generation_job_get_id (job) == id)
        return TRUE;
    }
  return FALSE;
}

static gboolean
resume_job (SbGenerationQueue *self,
            SbGenerationJob   *job)
{
  g_autoptr(JsonObject) input = input_from_string (sb_generation_job_get_input (job));
  SbJobStatus status = sb_generation_job_get_status (job);
  const char *prediction_id = sb_generation_job_get_prediction_id (job);
  Run *run;

  run = run_new (self, job, input, NULL);
  g_hash_table_insert (self->runs, job, run);
  batch_lookup_or_add (self, sb_generation_job_get_batch_id (job))->n_jobs++;
  list_job (run);
  sb_generation_job_set_progress (job, -1.0);

  if (status == SB_JOB_QUEUED)
    {
      g_debug ("Resuming queued job %" G_GINT64_FORMAT, sb_generation_job_get_id (job));
      emit_job_changed (run);
      enqueue (run);
      return TRUE;
    }

  if ((status == SB_JOB_RUNNING || status == SB_JOB_DOWNLOADING) &&
      prediction_id != NULL && *prediction_id != '\0')
    {
      g_debug ("Re-attaching job %" G_GINT64_FORMAT " to prediction %s",
               sb_generation_job_get_id (job), prediction_id);
      /* A running prediction is live at Replicate: it counts against the
       * limit, even if that puts the queue over it for a while. */
      if (status == SB_JOB_RUNNING)
        take_slot (run);
      emit_job_changed (run);
      begin_polling (run, TRUE);
      return TRUE;
    }

  /* "starting" (or running without an id): the create may or may not have
   * reached Replicate.  Creating it again could pay twice. */
  finish_run (run, SB_JOB_INTERRUPTED,
              _("Storyboard stopped while this job was being sent, so it is not known whether "
                "Replicate started it. Check your Replicate dashboard, or run it again."),
              TRUE);
  return FALSE;
}

static void
unfinished_listed_cb (GObject      *object,
                      GAsyncResult *result,
                      gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  SbGenerationQueue *self = g_task_get_source_object (task);
  g_autoptr(GListModel) jobs = NULL;
  g_autoptr(GError) error = NULL;
  guint n_resumed = 0;
  guint n;

  jobs = sb_library_list_unfinished_jobs_finish (SB_LIBRARY (object), result, &error);
  if (jobs == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  n = g_list_model_get_n_items (jobs);
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(SbGenerationJob) job = g_list_model_get_item (jobs, i);

      /* Resumed twice, or submitted by this queue (still unfinished). */
      if (is_known (self, sb_generation_job_get_id (job)))
        continue;
      if (resume_job (self, job))
        n_resumed++;
    }

  g_task_return_int (task, n_resumed);
}

/* ---- GObject ----------------------------------------------------------- */

static void
sb_generation_queue_finalize (GObject *object)
{
  SbGenerationQueue *self = (SbGenerationQueue *) object;

  g_queue_clear (&self->waiting);
  g_clear_pointer (&self->runs, g_hash_table_unref);
  g_clear_pointer (&self->batches, g_hash_table_unref);
  g_clear_object (&self->jobs);
  g_clear_object (&self->library);
  g_clear_object (&self->client);

  G_OBJECT_CLASS (sb_generation_queue_parent_class)->finalize (object);
}

static void
sb_generation_queue_get_property (GObject    *object,
                                  guint       prop_id,
                                  GValue     *value,
                                  GParamSpec *pspec)
{
  SbGenerationQueue *self = SB_GENERATION_QUEUE (object);

  switch (prop_id)
    {
    case PROP_LIBRARY:
      g_value_set_object (value, self->library);
      break;

    case PROP_CLIENT:
      g_value_set_object (value, self->client);
      break;

    case PROP_MAX_IN_FLIGHT:
      g_value_set_uint (value, self->max_in_flight);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sb_generation_queue_set_property (GObject      *object,
                                  guint         prop_id,
                                  const GValue *value,
                                  GParamSpec   *pspec)
{
  SbGenerationQueue *self = SB_GENERATION_QUEUE (object);

  switch (prop_id)
    {
    case PROP_LIBRARY:
      self->library = g_value_dup_object (value);
      break;

    case PROP_CLIENT:
      self->client = g_value_dup_object (value);
      break;

    case PROP_MAX_IN_FLIGHT:
      sb_generation_queue_set_max_in_flight (self, g_value_get_uint (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sb_generation_queue_class_init (SbGenerationQueueClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = sb_generation_queue_finalize;
  object_class->get_property = sb_generation_queue_get_property;
  object_class->set_property = sb_generation_queue_set_property;

  properties[PROP_LIBRARY] =
    g_param_spec_object ("library", NULL, NULL,
                         SB_TYPE_LIBRARY,
                         (G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS));

  properties[PROP_CLIENT] =
    g_param_spec_object ("client", NULL, NULL,
                         SB_TYPE_REPLICATE_CLIENT,
                         (G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS));

  properties[PROP_MAX_IN_FLIGHT] =
    g_param_spec_uint ("max-in-flight", NULL, NULL,
                       1, 64, DEFAULT_MAX_IN_FLIGHT,
                       (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);

  /* Emitted on the main thread once the change is stored (progress, which
   * is not stored, at once). */
  signals[JOB_CHANGED] =
    g_signal_new ("job-changed",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, SB_TYPE_GENERATION_JOB);

  /* Canceled jobs count as neither succeeded nor failed. */
  signals[BATCH_FINISHED] =
    g_signal_new ("batch-finished",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 3, G_TYPE_STRING, G_TYPE_UINT, G_TYPE_UINT);
}

static void
sb_generation_queue_init (SbGenerationQueue *self)
{
  self->max_in_flight = DEFAULT_MAX_IN_FLIGHT;
  self->jobs = g_list_store_new (SB_TYPE_GENERATION_JOB);
  g_queue_init (&self->waiting);
  self->runs = g_hash_table_new_full (NULL, NULL, NULL, (GDestroyNotify) run_unref);
  self->batches = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, (GDestroyNotify) batch_free);
}

/* ---- public API -------------------------------------------------------- */

SbGenerationQueue *
sb_generation_queue_new (SbLibrary         *library,
                         SbReplicateClient *client)
{
  g_return_val_if_fail (SB_IS_LIBRARY (library), NULL);
  g_return_val_if_fail (SB_IS_REPLICATE_CLIENT (client), NULL);

  return g_object_new (SB_TYPE_GENERATION_QUEUE,
                       "library", library,
                       "client", client,
                       NULL);
}

guint
sb_generation_queue_get_max_in_flight (SbGenerationQueue *self)
{
  g_return_val_if_fail (SB_IS_GENERATION_QUEUE (self), 0);

  return self->max_in_flight;
}

void
sb_generation_queue_set_max_in_flight (SbGenerationQueue *self,
                                       guint              max_in_flight)
{
  g_return_if_fail (SB_IS_GENERATION_QUEUE (self));
  g_return_if_fail (max_in_flight >= 1);

  if (self->max_in_flight == max_in_flight)
    return;

  self->max_in_flight = max_in_flight;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MAX_IN_FLIGHT]);
  pump (self);
}

GListModel *
sb_generation_queue_get_jobs (SbGenerationQueue *self)
{
  g_return_val_if_fail (SB_IS_GENERATION_QUEUE (self), NULL);

  return G_LIST_MODEL (self->jobs);
}

char *
sb_generation_queue_submit (SbGenerationQueue *self,
                            GPtrArray         *requests)
{
  g_return_val_if_fail (SB_IS_GENERATION_QUEUE (self), NULL);
  g_return_val_if_fail (requests != NULL, NULL);

  for (guint i = 0; i < requests->len; i++)
    {
      SbGenerationRequest *request = g_ptr_array_index (requests, i);

      g_return_val_if_fail (request != NULL && request->model != NULL, NULL);
    }

  return submit (self, requests);
}

void
sb_generation_queue_retry (SbGenerationQueue *self,
                           SbGenerationJob   *job)
{
  g_autoptr(GPtrArray) requests = NULL;
  g_autofree char *batch_id = NULL;
  SbGenerationRequest *request;
  SbJobStatus status;

  g_return_if_fail (SB_IS_GENERATION_QUEUE (self));
  g_return_if_fail (SB_IS_GENERATION_JOB (job));

  /* Retried already (a second click): once is enough, and paid for. */
  if (sb_generation_job_get_dismissed (job))
    {
      g_debug ("Job %" G_GINT64_FORMAT " was retried or dismissed already", sb_generation_job_get_id (job));
      return;
    }

  status = sb_generation_job_get_status (job);
  if (status != SB_JOB_FAILED && status != SB_JOB_CANCELED &&
      status != SB_JOB_EXPIRED && status != SB_JOB_INTERRUPTED)
    {
      g_debug ("Job %" G_GINT64_FORMAT " is %s: nothing to retry",
               sb_generation_job_get_id (job), sb_job_status_to_string (status));
      return;
    }

  request = sb_generation_request_new ();
  request->kind = sb_generation_job_get_kind (job);
  request->model = g_strdup (sb_generation_job_get_model (job));
  request->version = g_strdup (sb_generation_job_get_model_version (job));
  request->input = input_from_string (sb_generation_job_get_input (job));
  request->brief_id = sb_generation_job_get_brief_id (job);
  request->revision_id = sb_generation_job_get_revision_id (job);
  request->scene_id = sb_generation_job_get_scene_id (job);
  request->source_media_id = sb_generation_job_get_source_media_id (job);
  request->prompt = g_strdup (input_prompt (request->input));

  requests = g_ptr_array_new_with_free_func ((GDestroyNotify) sb_generation_request_free);
  g_ptr_array_add (requests, request);

  /* A new batch of one: the old batch's counts stay what they were.  The
   * old job is no longer a failure to show: the new one stands for it. */
  batch_id = submit (self, requests);
  sb_generation_queue_dismiss (self, job);
}

static void
job_dismissed_cb (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(GError) error = NULL;

  /* Only a tile that comes back at the next start: not worth more. */
  if (!sb_library_dismiss_job_finish (SB_LIBRARY (object), result, &error))
    g_debug ("A job could not be dismissed: %s", error->message);
}

void
sb_generation_queue_dismiss (SbGenerationQueue *self,
                             SbGenerationJob   *job)
{
  SbJobStatus status;

  g_return_if_fail (SB_IS_GENERATION_QUEUE (self));
  g_return_if_fail (SB_IS_GENERATION_JOB (job));

  status = sb_generation_job_get_status (job);
  if (!sb_job_status_is_terminal (status) || status == SB_JOB_SUCCEEDED ||
      sb_generation_job_get_dismissed (job))
    return;

  sb_generation_job_set_dismissed (job, TRUE);
  if (sb_generation_job_get_id (job) > 0)
    sb_library_dismiss_job_async (self->library, sb_generation_job_get_id (job), NULL,
                                  job_dismissed_cb, NULL);
  g_signal_emit (self, signals[JOB_CHANGED], 0, job);
}

void
sb_generation_queue_cancel_job (SbGenerationQueue *self,
                                SbGenerationJob   *job)
{
  Run *run;

  g_return_if_fail (SB_IS_GENERATION_QUEUE (self));
  g_return_if_fail (SB_IS_GENERATION_JOB (job));

  run = g_hash_table_lookup (self->runs, job);
  if (run != NULL)
    cancel_run (run);
}

void
sb_generation_queue_cancel_batch (SbGenerationQueue *self,
                                  const char        *batch_id)
{
  g_autoptr(GPtrArray) runs = g_ptr_array_new_with_free_func ((GDestroyNotify) run_unref);
  GHashTableIter iter;
  Run *run;

  g_return_if_fail (SB_IS_GENERATION_QUEUE (self));

  g_hash_table_iter_init (&iter, self->runs);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &run))
    if (batch_id == NULL || g_strcmp0 (sb_generation_job_get_batch_id (run->job), batch_id) == 0)
      g_ptr_array_add (runs, run_ref (run));

  /* No slot is freed synchronously here (a running job's slot is freed
   * when Replicate answers the cancel), so no waiting job of the batch can
   * start on a sibling's slot while this loop runs. */
  for (guint i = 0; i < runs->len; i++)
    cancel_run (g_ptr_array_index (runs, i));
}

void
sb_generation_queue_resume_async (SbGenerationQueue   *self,
                                  GCancellable        *cancellable,
                                  GAsyncReadyCallback  callback,
                                  gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (SB_IS_GENERATION_QUEUE (self));
  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, sb_generation_queue_resume_async);
  sb_library_list_unfinished_jobs_async (self->library, cancellable, unfinished_listed_cb,
                                         g_steal_pointer (&task));
}

guint
sb_generation_queue_resume_finish (SbGenerationQueue  *self,
                                   GAsyncResult       *result,
                                   GError            **error)
{
  gssize n;

  g_return_val_if_fail (SB_IS_GENERATION_QUEUE (self), 0);
  g_return_val_if_fail (g_task_is_valid (result, self), 0);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == sb_generation_queue_resume_async, 0);

  n = g_task_propagate_int (G_TASK (result), error);
  return n < 0 ? 0 : (guint) n;
}
