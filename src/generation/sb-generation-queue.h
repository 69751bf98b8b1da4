/* sb-generation-queue.h
 *
 * Copyright 2026 The Storyboard authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <json-glib/json-glib.h>

#include "sb-generation-job.h"
#include "sb-library.h"
#include "sb-replicate-client.h"

G_BEGIN_DECLS

/* The job queue: requests -> Replicate predictions -> downloads -> library.
 *
 * - Each request becomes an SbGenerationJob stored in the library (status
 *   queued) BEFORE anything is sent; the job is updated to starting just
 *   before the create request, and to running with its prediction id the
 *   moment Replicate answers.  A job found "starting" at the next start is
 *   marked interrupted, never re-created: that could pay twice.
 * - At most :max-in-flight predictions run at once (default 4); the rest wait
 *   queued.  A failed job never stops the others.
 * - Predictions are polled with backoff; progress comes from the logs.
 * - A succeeded prediction's output is downloaded (size cap), validated
 *   (sb_media_process_image for images: magic bytes, decodable, caps) and
 *   stored with sb_library_complete_job_async, with full provenance.  An
 *   expired output (data_removed / 404 / 410 after success) marks the job
 *   expired.
 * - sb_generation_queue_resume_async() re-attaches, at start, to every job
 *   left unfinished by a previous run: running/downloading ones by
 *   prediction id; queued ones are started normally.
 */

#define SB_TYPE_GENERATION_QUEUE (sb_generation_queue_get_type ())

G_DECLARE_FINAL_TYPE (SbGenerationQueue, sb_generation_queue, SB, GENERATION_QUEUE, GObject)

/* One request: what to run and what it is for. */
typedef struct
{
  SbMediaKind  kind;             /* of the output */
  char        *model;            /* "owner/name" */
  char        *version;          /* NULL: the official-model route */
  JsonObject  *input;            /* the model's input, validated by the caller's form */
  gint64       brief_id;
  gint64       revision_id;
  gint64       scene_id;
  gint64       source_media_id;  /* image-to-video source, 0 = none */
  char        *prompt;           /* for the media row's provenance (the input's prompt) */
} SbGenerationRequest;

SbGenerationRequest *sb_generation_request_new  (void);
void                 sb_generation_request_free (SbGenerationRequest *self);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (SbGenerationRequest, sb_generation_request_free)

SbGenerationQueue *sb_generation_queue_new            (SbLibrary          *library,
                                                       SbReplicateClient  *client);
guint              sb_generation_queue_get_max_in_flight (SbGenerationQueue *self);
void               sb_generation_queue_set_max_in_flight (SbGenerationQueue *self,
                                                          guint              max_in_flight);

/* The jobs of this run and of resumed ones (GListModel of SbGenerationJob),
 * in submission order.  Their properties change as they progress. */
GListModel        *sb_generation_queue_get_jobs       (SbGenerationQueue  *self);

/* Submits @requests as one batch (a new batch id) and returns that id.  The
 * jobs appear in get_jobs() once stored. */
char              *sb_generation_queue_submit         (SbGenerationQueue  *self,
                                                       GPtrArray          *requests);

/* A string value of a request's input (or an element of an array value)
 * of the form "storyboard-media:<id>" stands for the library's media <id>
 * (sb_generation_media_uri()).  Each time the job starts -- first run,
 * retry, a queued job resumed after a restart -- the queue reads the media's
 * bytes from the library and sends them through
 * sb_replicate_client_prepare_file_input_async() (a data URI, or an upload
 * when larger than the data-URI limit) in the copy of the input it sends.
 * The stored input keeps the marker: provenance holds no data URI, and a
 * retry sends the image afresh.  If the media is gone or cannot be sent,
 * the job fails with a message saying so. */
#define SB_GENERATION_MEDIA_URI_PREFIX "storyboard-media:"
char              *sb_generation_media_uri            (gint64              media_id);

/* Runs a failed, canceled, expired or interrupted job again (a new
 * prediction; the old job keeps its history, is marked dismissed, and a new
 * job is added). */
void               sb_generation_queue_retry          (SbGenerationQueue  *self,
                                                       SbGenerationJob    *job);

/* Hides a job that ended without output from the failed ones (stored;
 * sets :dismissed and emits ::job-changed).  A running job is left alone. */
void               sb_generation_queue_dismiss        (SbGenerationQueue  *self,
                                                       SbGenerationJob    *job);

/* Cancels @job (Replicate cancel for a running prediction); a finished job
 * is left alone. */
void               sb_generation_queue_cancel_job     (SbGenerationQueue  *self,
                                                       SbGenerationJob    *job);
/* Cancels every unfinished job of @batch_id (NULL = all). */
void               sb_generation_queue_cancel_batch   (SbGenerationQueue  *self,
                                                       const char         *batch_id);

void               sb_generation_queue_resume_async   (SbGenerationQueue  *self,
                                                       GCancellable       *cancellable,
                                                       GAsyncReadyCallback callback,
                                                       gpointer            user_data);
/* Returns how many jobs were resumed. */
guint              sb_generation_queue_resume_finish  (SbGenerationQueue  *self,
                                                       GAsyncResult       *result,
                                                       GError            **error);

/* Signals:
 *   ::job-changed (SbGenerationJob *job)      -- any state change
 *   ::batch-finished (const char *batch_id, guint n_succeeded, guint n_failed)
 *                                              -- every job of the batch is terminal */

G_END_DECLS
