/* sb-generation-job.h
 *
 * Copyright 2026 The Storyboard authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "sb-media-item.h"

G_BEGIN_DECLS

typedef enum
{
  SB_JOB_QUEUED,       /* waiting for a slot; no prediction yet */
  SB_JOB_STARTING,     /* create request sent; prediction id not confirmed yet */
  SB_JOB_RUNNING,      /* the prediction exists (id known): starting/processing at the provider */
  SB_JOB_DOWNLOADING,  /* succeeded at the provider; fetching and validating the output */
  SB_JOB_SUCCEEDED,    /* output stored in the library (media-id set) */
  SB_JOB_FAILED,       /* last-error says why; can be retried */
  SB_JOB_CANCELED,
  SB_JOB_EXPIRED,      /* the provider deleted the output before it was downloaded */
  SB_JOB_INTERRUPTED,  /* the app stopped while creating: it is unknown whether the provider made it;
                          never re-created automatically (that could pay twice) */
} SbJobStatus;

GType        sb_job_status_get_type     (void) G_GNUC_CONST;
#define SB_TYPE_JOB_STATUS (sb_job_status_get_type ())
gboolean     sb_job_status_is_terminal  (SbJobStatus status);
const char  *sb_job_status_to_string    (SbJobStatus status);   /* "queued", ... (stored in the DB) */
SbJobStatus  sb_job_status_from_string  (const char *string);

#define SB_TYPE_GENERATION_JOB (sb_generation_job_get_type ())

/* One request to a generation provider and its outcome, persisted in the
 * generation_jobs table so a batch survives the app being killed.  A plain
 * main-thread GObject with notifying properties:
 *   id (0 until stored), batch-id (string: jobs started together), kind
 *   (SbMediaKind of the output), provider ("replicate"), model ("owner/name"),
 *   model-version (may be NULL), input (JSON object text sent as "input"),
 *   brief-id, revision-id, scene-id, source-media-id (0 = none),
 *   prediction-id, status (SbJobStatus), attempts, last-error, progress
 *   (0..1, -1 unknown; not stored), created-at, started-at, completed-at
 *   (GDateTime or NULL), media-id (0 until stored). */
G_DECLARE_FINAL_TYPE (SbGenerationJob, sb_generation_job, SB, GENERATION_JOB, GObject)

SbGenerationJob *sb_generation_job_new                 (void);
gint64           sb_generation_job_get_id              (SbGenerationJob *self);
void             sb_generation_job_set_id              (SbGenerationJob *self,
                                                        gint64           id);
const char      *sb_generation_job_get_batch_id        (SbGenerationJob *self);
void             sb_generation_job_set_batch_id        (SbGenerationJob *self,
                                                        const char      *batch_id);
SbMediaKind      sb_generation_job_get_kind            (SbGenerationJob *self);
void             sb_generation_job_set_kind            (SbGenerationJob *self,
                                                        SbMediaKind      kind);
const char      *sb_generation_job_get_provider        (SbGenerationJob *self);
void             sb_generation_job_set_provider        (SbGenerationJob *self,
                                                        const char      *provider);
const char      *sb_generation_job_get_model           (SbGenerationJob *self);
void             sb_generation_job_set_model           (SbGenerationJob *self,
                                                        const char      *model);
const char      *sb_generation_job_get_model_version   (SbGenerationJob *self);
void             sb_generation_job_set_model_version   (SbGenerationJob *self,
                                                        const char      *version);
const char      *sb_generation_job_get_input           (SbGenerationJob *self);
void             sb_generation_job_set_input           (SbGenerationJob *self,
                                                        const char      *input_json);
gint64           sb_generation_job_get_brief_id        (SbGenerationJob *self);
gint64           sb_generation_job_get_revision_id     (SbGenerationJob *self);
gint64           sb_generation_job_get_scene_id        (SbGenerationJob *self);
void             sb_generation_job_set_links           (SbGenerationJob *self,
                                                        gint64           brief_id,
                                                        gint64           revision_id,
                                                        gint64           scene_id);
gint64           sb_generation_job_get_source_media_id (SbGenerationJob *self);
void             sb_generation_job_set_source_media_id (SbGenerationJob *self,
                                                        gint64           media_id);
const char      *sb_generation_job_get_prediction_id   (SbGenerationJob *self);
void             sb_generation_job_set_prediction_id   (SbGenerationJob *self,
                                                        const char      *prediction_id);
SbJobStatus      sb_generation_job_get_status          (SbGenerationJob *self);
void             sb_generation_job_set_status          (SbGenerationJob *self,
                                                        SbJobStatus      status);
guint            sb_generation_job_get_attempts        (SbGenerationJob *self);
void             sb_generation_job_set_attempts        (SbGenerationJob *self,
                                                        guint            attempts);
const char      *sb_generation_job_get_last_error      (SbGenerationJob *self);
void             sb_generation_job_set_last_error      (SbGenerationJob *self,
                                                        const char      *message);
double           sb_generation_job_get_progress        (SbGenerationJob *self);
void             sb_generation_job_set_progress        (SbGenerationJob *self,
                                                        double           progress);
GDateTime       *sb_generation_job_get_created_at      (SbGenerationJob *self);
GDateTime       *sb_generation_job_get_started_at      (SbGenerationJob *self);
void             sb_generation_job_set_started_at      (SbGenerationJob *self,
                                                        GDateTime       *when);
GDateTime       *sb_generation_job_get_completed_at    (SbGenerationJob *self);
void             sb_generation_job_set_completed_at    (SbGenerationJob *self,
                                                        GDateTime       *when);
gint64           sb_generation_job_get_media_id        (SbGenerationJob *self);
void             sb_generation_job_set_media_id        (SbGenerationJob *self,
                                                        gint64           media_id);

/* Hidden from the failed jobs (retried, or removed by the user); stored as
 * dismissed_at.  Property "dismissed". */
gboolean         sb_generation_job_get_dismissed       (SbGenerationJob *self);
void             sb_generation_job_set_dismissed       (SbGenerationJob *self,
                                                        gboolean         dismissed);

/* Not stored: the per-input messages of a refused request (name -> text). */
GHashTable      *sb_generation_job_get_field_errors    (SbGenerationJob *self);
void             sb_generation_job_set_field_errors    (SbGenerationJob *self,
                                                        GHashTable      *field_errors);

G_END_DECLS
