/* sb-generation-job.c
 *
 * Copyright 2026 The Storyboard authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "sb-library"

#include "config.h"

#include "sb-generation-job.h"
#include "sb-library-private.h"

struct _SbGenerationJob
{
  GObject parent_instance;

  /* Owned */
  char        *batch_id;
  char        *provider;
  char        *model;
  char        *model_version;
  char        *input;
  char        *prediction_id;
  char        *last_error;
  GDateTime   *created_at;
  GDateTime   *started_at;
  GDateTime   *completed_at;
  GHashTable  *field_errors;

  gint64       id;
  gint64       brief_id;
  gint64       revision_id;
  gint64       scene_id;
  gint64       source_media_id;
  gint64       media_id;
  gboolean     dismissed;
  SbMediaKind  kind;
  SbJobStatus  status;
  guint        attempts;
  double       progress;
};

G_DEFINE_FINAL_TYPE (SbGenerationJob, sb_generation_job, G_TYPE_OBJECT)

/* The nicks are the strings stored in generation_jobs.status. */
G_DEFINE_ENUM_TYPE (SbJobStatus, sb_job_status,
  G_DEFINE_ENUM_VALUE (SB_JOB_QUEUED, "queued"),
  G_DEFINE_ENUM_VALUE (SB_JOB_STARTING, "starting"),
  G_DEFINE_ENUM_VALUE (SB_JOB_RUNNING, "running"),
  G_DEFINE_ENUM_VALUE (SB_JOB_DOWNLOADING, "downloading"),
  G_DEFINE_ENUM_VALUE (SB_JOB_SUCCEEDED, "succeeded"),
  G_DEFINE_ENUM_VALUE (SB_JOB_FAILED, "failed"),
  G_DEFINE_ENUM_VALUE (SB_JOB_CANCELED, "cancelled"),
  G_DEFINE_ENUM_VALUE (SB_JOB_EXPIRED, "expired"),
  G_DEFINE_ENUM_VALUE (SB_JOB_INTERRUPTED, "interrupted"))

enum {
  PROP_0,
  PROP_ID,
  PROP_BATCH_ID,
  PROP_KIND,
  PROP_PROVIDER,
  PROP_MODEL,
  PROP_MODEL_VERSION,
  PROP_INPUT,
  PROP_BRIEF_ID,
  PROP_REVISION_ID,
  PROP_SCENE_ID,
  PROP_SOURCE_MEDIA_ID,
  PROP_PREDICTION_ID,
  PROP_STATUS,
  PROP_ATTEMPTS,
  PROP_LAST_ERROR,
  PROP_PROGRESS,
  PROP_CREATED_AT,
  PROP_STARTED_AT,
  PROP_COMPLETED_AT,
  PROP_MEDIA_ID,
  PROP_DISMISSED,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* SbJobStatus */

gboolean
sb_job_status_is_terminal (SbJobStatus status)
{
  switch (status)
    {
    case SB_JOB_QUEUED:
    case SB_JOB_STARTING:
    case SB_JOB_RUNNING:
    case SB_JOB_DOWNLOADING:
      return FALSE;

    case SB_JOB_SUCCEEDED:
    case SB_JOB_FAILED:
    case SB_JOB_CANCELED:
    case SB_JOB_EXPIRED:
    case SB_JOB_INTERRUPTED:
    default:
      return TRUE;
    }
}

const char *
sb_job_status_to_string (SbJobStatus status)
{
  GEnumClass *klass = g_type_class_ref (SB_TYPE_JOB_STATUS);
  GEnumValue *value = g_enum_get_value (klass, status);

  g_type_class_unref (klass);

  g_return_val_if_fail (value != NULL, NULL);

  /* Static strings: the class of a static enum type is never freed. */
  return value->value_nick;
}

/* Unknown strings (a newer Storyboard, a damaged row) read as FAILED: a
 * terminal status, so nothing is ever resumed from a row this build does
 * not understand.  "canceled" is accepted as well as "cancelled". */
SbJobStatus
sb_job_status_from_string (const char *string)
{
  GEnumClass *klass;
  GEnumValue *value;
  SbJobStatus status = SB_JOB_FAILED;

  if (string == NULL)
    return SB_JOB_FAILED;

  if (g_str_equal (string, "canceled"))
    return SB_JOB_CANCELED;

  klass = g_type_class_ref (SB_TYPE_JOB_STATUS);
  value = g_enum_get_value_by_nick (klass, string);
  if (value != NULL)
    status = value->value;
  g_type_class_unref (klass);

  return status;
}

/* Helpers */

static gboolean
set_string (char       **field,
            const char  *value)
{
  if (g_strcmp0 (*field, value) == 0)
    return FALSE;

  g_free (*field);
  *field = g_strdup (value);

  return TRUE;
}

static gboolean
set_date_time (GDateTime **field,
               GDateTime  *value)
{
  if (*field == value ||
      (*field != NULL && value != NULL && g_date_time_equal (*field, value)))
    return FALSE;

  g_clear_pointer (field, g_date_time_unref);
  *field = value ? g_date_time_ref (value) : NULL;

  return TRUE;
}

static void
set_link (SbGenerationJob *self,
          gint64          *field,
          guint            prop_id,
          gint64           value)
{
  if (*field == value)
    return;

  *field = value;
  g_object_notify_by_pspec (G_OBJECT (self), properties[prop_id]);
}

/* GObject */

static void
sb_generation_job_finalize (GObject *object)
{
  SbGenerationJob *self = (SbGenerationJob *) object;

  g_clear_pointer (&self->batch_id, g_free);
  g_clear_pointer (&self->provider, g_free);
  g_clear_pointer (&self->model, g_free);
  g_clear_pointer (&self->model_version, g_free);
  g_clear_pointer (&self->input, g_free);
  g_clear_pointer (&self->prediction_id, g_free);
  g_clear_pointer (&self->last_error, g_free);
  g_clear_pointer (&self->created_at, g_date_time_unref);
  g_clear_pointer (&self->started_at, g_date_time_unref);
  g_clear_pointer (&self->completed_at, g_date_time_unref);

  g_clear_pointer (&self->field_errors, g_hash_table_unref);

  G_OBJECT_CLASS (sb_generation_job_parent_class)->finalize (object);
}

static void
sb_generation_job_get_property (GObject    *object,
                                guint       prop_id,
                                GValue     *value,
                                GParamSpec *pspec)
{
  SbGenerationJob *self = SB_GENERATION_JOB (object);

  switch (prop_id)
    {
    case PROP_ID:
      g_value_set_int64 (value, self->id);
      break;

    case PROP_BATCH_ID:
      g_value_set_string (value, self->batch_id);
      break;

    case PROP_KIND:
      g_value_set_enum (value, self->kind);
      break;

    case PROP_PROVIDER:
      g_value_set_string (value, self->provider);
      break;

    case PROP_MODEL:
      g_value_set_string (value, self->model);
      break;

    case PROP_MODEL_VERSION:
      g_value_set_string (value, self->model_version);
      break;

    case PROP_INPUT:
      g_value_set_string (value, self->input);
      break;

    case PROP_BRIEF_ID:
      g_value_set_int64 (value, self->brief_id);
      break;

    case PROP_REVISION_ID:
      g_value_set_int64 (value, self->revision_id);
      break;

    case PROP_SCENE_ID:
      g_value_set_int64 (value, self->scene_id);
      break;

    case PROP_SOURCE_MEDIA_ID:
      g_value_set_int64 (value, self->source_media_id);
      break;

    case PROP_PREDICTION_ID:
      g_value_set_string (value, self->prediction_id);
      break;

    case PROP_STATUS:
      g_value_set_enum (value, self->status);
      break;

    case PROP_ATTEMPTS:
      g_value_set_uint (value, self->attempts);
      break;

    case PROP_LAST_ERROR:
      g_value_set_string (value, self->last_error);
      break;

    case PROP_PROGRESS:
      g_value_set_double (value, self->progress);
      break;

    case PROP_CREATED_AT:
      g_value_set_boxed (value, self->created_at);
      break;

    case PROP_STARTED_AT:
      g_value_set_boxed (value, self->started_at);
      break;

    case PROP_COMPLETED_AT:
      g_value_set_boxed (value, self->completed_at);
      break;

    case PROP_MEDIA_ID:
      g_value_set_int64 (value, self->media_id);
      break;

    case PROP_DISMISSED:
      g_value_set_boolean (value, self->dismissed);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sb_generation_job_set_property (GObject      *object,
                                guint         prop_id,
                                const GValue *value,
                                GParamSpec   *pspec)
{
  SbGenerationJob *self = SB_GENERATION_JOB (object);

  switch (prop_id)
    {
    case PROP_ID:
      sb_generation_job_set_id (self, g_value_get_int64 (value));
      break;

    case PROP_BATCH_ID:
      sb_generation_job_set_batch_id (self, g_value_get_string (value));
      break;

    case PROP_KIND:
      sb_generation_job_set_kind (self, g_value_get_enum (value));
      break;

    case PROP_PROVIDER:
      sb_generation_job_set_provider (self, g_value_get_string (value));
      break;

    case PROP_MODEL:
      sb_generation_job_set_model (self, g_value_get_string (value));
      break;

    case PROP_MODEL_VERSION:
      sb_generation_job_set_model_version (self, g_value_get_string (value));
      break;

    case PROP_INPUT:
      sb_generation_job_set_input (self, g_value_get_string (value));
      break;

    case PROP_BRIEF_ID:
      set_link (self, &self->brief_id, PROP_BRIEF_ID, g_value_get_int64 (value));
      break;

    case PROP_REVISION_ID:
      set_link (self, &self->revision_id, PROP_REVISION_ID, g_value_get_int64 (value));
      break;

    case PROP_SCENE_ID:
      set_link (self, &self->scene_id, PROP_SCENE_ID, g_value_get_int64 (value));
      break;

    case PROP_SOURCE_MEDIA_ID:
      sb_generation_job_set_source_media_id (self, g_value_get_int64 (value));
      break;

    case PROP_PREDICTION_ID:
      sb_generation_job_set_prediction_id (self, g_value_get_string (value));
      break;

    case PROP_STATUS:
      sb_generation_job_set_status (self, g_value_get_enum (value));
      break;

    case PROP_ATTEMPTS:
      sb_generation_job_set_attempts (self, g_value_get_uint (value));
      break;

    case PROP_LAST_ERROR:
      sb_generation_job_set_last_error (self, g_value_get_string (value));
      break;

    case PROP_PROGRESS:
      sb_generation_job_set_progress (self, g_value_get_double (value));
      break;

    case PROP_STARTED_AT:
      sb_generation_job_set_started_at (self, g_value_get_boxed (value));
      break;

    case PROP_COMPLETED_AT:
      sb_generation_job_set_completed_at (self, g_value_get_boxed (value));
      break;

    case PROP_MEDIA_ID:
      sb_generation_job_set_media_id (self, g_value_get_int64 (value));
      break;

    case PROP_DISMISSED:
      sb_generation_job_set_dismissed (self, g_value_get_boolean (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sb_generation_job_class_init (SbGenerationJobClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  const GParamFlags ro = G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY;
  const GParamFlags rw = G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY;

  object_class->finalize = sb_generation_job_finalize;
  object_class->get_property = sb_generation_job_get_property;
  object_class->set_property = sb_generation_job_set_property;

  properties[PROP_ID] =
    g_param_spec_int64 ("id", NULL, NULL, 0, G_MAXINT64, 0, rw);
  properties[PROP_BATCH_ID] =
    g_param_spec_string ("batch-id", NULL, NULL, NULL, rw);
  properties[PROP_KIND] =
    g_param_spec_enum ("kind", NULL, NULL, SB_TYPE_MEDIA_KIND, SB_MEDIA_KIND_IMAGE, rw);
  properties[PROP_PROVIDER] =
    g_param_spec_string ("provider", NULL, NULL, NULL, rw);
  properties[PROP_MODEL] =
    g_param_spec_string ("model", NULL, NULL, NULL, rw);
  properties[PROP_MODEL_VERSION] =
    g_param_spec_string ("model-version", NULL, NULL, NULL, rw);
  properties[PROP_INPUT] =
    g_param_spec_string ("input", NULL, NULL, NULL, rw);
  properties[PROP_BRIEF_ID] =
    g_param_spec_int64 ("brief-id", NULL, NULL, 0, G_MAXINT64, 0, rw);
  properties[PROP_REVISION_ID] =
    g_param_spec_int64 ("revision-id", NULL, NULL, 0, G_MAXINT64, 0, rw);
  properties[PROP_SCENE_ID] =
    g_param_spec_int64 ("scene-id", NULL, NULL, 0, G_MAXINT64, 0, rw);
  properties[PROP_SOURCE_MEDIA_ID] =
    g_param_spec_int64 ("source-media-id", NULL, NULL, 0, G_MAXINT64, 0, rw);
  properties[PROP_PREDICTION_ID] =
    g_param_spec_string ("prediction-id", NULL, NULL, NULL, rw);
  properties[PROP_STATUS] =
    g_param_spec_enum ("status", NULL, NULL, SB_TYPE_JOB_STATUS, SB_JOB_QUEUED, rw);
  properties[PROP_ATTEMPTS] =
    g_param_spec_uint ("attempts", NULL, NULL, 0, G_MAXUINT, 0, rw);
  properties[PROP_LAST_ERROR] =
    g_param_spec_string ("last-error", NULL, NULL, NULL, rw);
  properties[PROP_PROGRESS] =
    g_param_spec_double ("progress", NULL, NULL, -1.0, 1.0, -1.0, rw);
  properties[PROP_CREATED_AT] =
    g_param_spec_boxed ("created-at", NULL, NULL, G_TYPE_DATE_TIME, ro);
  properties[PROP_STARTED_AT] =
    g_param_spec_boxed ("started-at", NULL, NULL, G_TYPE_DATE_TIME, rw);
  properties[PROP_COMPLETED_AT] =
    g_param_spec_boxed ("completed-at", NULL, NULL, G_TYPE_DATE_TIME, rw);
  properties[PROP_MEDIA_ID] =
    g_param_spec_int64 ("media-id", NULL, NULL, 0, G_MAXINT64, 0, rw);
  properties[PROP_DISMISSED] =
    g_param_spec_boolean ("dismissed", NULL, NULL, FALSE, rw);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
sb_generation_job_init (SbGenerationJob *self)
{
  self->kind = SB_MEDIA_KIND_IMAGE;
  self->status = SB_JOB_QUEUED;
  self->progress = -1.0;
}

SbGenerationJob *
sb_generation_job_new (void)
{
  return g_object_new (SB_TYPE_GENERATION_JOB, NULL);
}

gint64
sb_generation_job_get_id (SbGenerationJob *self)
{
  g_return_val_if_fail (SB_IS_GENERATION_JOB (self), 0);

  return self->id;
}

void
sb_generation_job_set_id (SbGenerationJob *self,
                          gint64           id)
{
  g_return_if_fail (SB_IS_GENERATION_JOB (self));
  g_return_if_fail (id >= 0);

  if (self->id == id)
    return;

  self->id = id;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ID]);
}

const char *
sb_generation_job_get_batch_id (SbGenerationJob *self)
{
  g_return_val_if_fail (SB_IS_GENERATION_JOB (self), NULL);

  return self->batch_id;
}

void
sb_generation_job_set_batch_id (SbGenerationJob *self,
                                const char      *batch_id)
{
  g_return_if_fail (SB_IS_GENERATION_JOB (self));

  if (set_string (&self->batch_id, batch_id))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BATCH_ID]);
}

SbMediaKind
sb_generation_job_get_kind (SbGenerationJob *self)
{
  g_return_val_if_fail (SB_IS_GENERATION_JOB (self), SB_MEDIA_KIND_IMAGE);

  return self->kind;
}

void
sb_generation_job_set_kind (SbGenerationJob *self,
                            SbMediaKind      kind)
{
  g_return_if_fail (SB_IS_GENERATION_JOB (self));
  g_return_if_fail (kind == SB_MEDIA_KIND_IMAGE || kind == SB_MEDIA_KIND_VIDEO);

  if (self->kind == kind)
    return;

  self->kind = kind;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_KIND]);
}

const char *
sb_generation_job_get_provider (SbGenerationJob *self)
{
  g_return_val_if_fail (SB_IS_GENERATION_JOB (self), NULL);

  return self->provider;
}

void
sb_generation_job_set_provider (SbGenerationJob *self,
                                const char      *provider)
{
  g_return_if_fail (SB_IS_GENERATION_JOB (self));

  if (set_string (&self->provider, provider))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PROVIDER]);
}

const char *
sb_generation_job_get_model (SbGenerationJob *self)
{
  g_return_val_if_fail (SB_IS_GENERATION_JOB (self), NULL);

  return self->model;
}

void
sb_generation_job_set_model (SbGenerationJob *self,
                             const char      *model)
{
  g_return_if_fail (SB_IS_GENERATION_JOB (self));

  if (set_string (&self->model, model))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MODEL]);
}

const char *
sb_generation_job_get_model_version (SbGenerationJob *self)
{
  g_return_val_if_fail (SB_IS_GENERATION_JOB (self), NULL);

  return self->model_version;
}

void
sb_generation_job_set_model_version (SbGenerationJob *self,
                                     const char      *model_version)
{
  g_return_if_fail (SB_IS_GENERATION_JOB (self));

  if (set_string (&self->model_version, model_version))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MODEL_VERSION]);
}

const char *
sb_generation_job_get_input (SbGenerationJob *self)
{
  g_return_val_if_fail (SB_IS_GENERATION_JOB (self), NULL);

  return self->input;
}

void
sb_generation_job_set_input (SbGenerationJob *self,
                             const char      *input)
{
  g_return_if_fail (SB_IS_GENERATION_JOB (self));

  if (set_string (&self->input, input))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_INPUT]);
}

gint64
sb_generation_job_get_brief_id (SbGenerationJob *self)
{
  g_return_val_if_fail (SB_IS_GENERATION_JOB (self), 0);

  return self->brief_id;
}

gint64
sb_generation_job_get_revision_id (SbGenerationJob *self)
{
  g_return_val_if_fail (SB_IS_GENERATION_JOB (self), 0);

  return self->revision_id;
}

gint64
sb_generation_job_get_scene_id (SbGenerationJob *self)
{
  g_return_val_if_fail (SB_IS_GENERATION_JOB (self), 0);

  return self->scene_id;
}

gint64
sb_generation_job_get_source_media_id (SbGenerationJob *self)
{
  g_return_val_if_fail (SB_IS_GENERATION_JOB (self), 0);

  return self->source_media_id;
}

void
sb_generation_job_set_source_media_id (SbGenerationJob *self,
                                       gint64           source_media_id)
{
  g_return_if_fail (SB_IS_GENERATION_JOB (self));
  g_return_if_fail (source_media_id >= 0);

  if (self->source_media_id == source_media_id)
    return;

  self->source_media_id = source_media_id;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SOURCE_MEDIA_ID]);
}

const char *
sb_generation_job_get_prediction_id (SbGenerationJob *self)
{
  g_return_val_if_fail (SB_IS_GENERATION_JOB (self), NULL);

  return self->prediction_id;
}

void
sb_generation_job_set_prediction_id (SbGenerationJob *self,
                                     const char      *prediction_id)
{
  g_return_if_fail (SB_IS_GENERATION_JOB (self));

  if (set_string (&self->prediction_id, prediction_id))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PREDICTION_ID]);
}

SbJobStatus
sb_generation_job_get_status (SbGenerationJob *self)
{
  g_return_val_if_fail (SB_IS_GENERATION_JOB (self), SB_JOB_QUEUED);

  return self->status;
}

void
sb_generation_job_set_status (SbGenerationJob *self,
                              SbJobStatus      status)
{
  g_return_if_fail (SB_IS_GENERATION_JOB (self));
  g_return_if_fail (status >= SB_JOB_QUEUED && status <= SB_JOB_INTERRUPTED);

  if (self->status == status)
    return;

  self->status = status;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATUS]);
}

guint
sb_generation_job_get_attempts (SbGenerationJob *self)
{
  g_return_val_if_fail (SB_IS_GENERATION_JOB (self), 0);

  return self->attempts;
}

void
sb_generation_job_set_attempts (SbGenerationJob *self,
                                guint            attempts)
{
  g_return_if_fail (SB_IS_GENERATION_JOB (self));

  if (self->attempts == attempts)
    return;

  self->attempts = attempts;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ATTEMPTS]);
}

const char *
sb_generation_job_get_last_error (SbGenerationJob *self)
{
  g_return_val_if_fail (SB_IS_GENERATION_JOB (self), NULL);

  return self->last_error;
}

void
sb_generation_job_set_last_error (SbGenerationJob *self,
                                  const char      *last_error)
{
  g_return_if_fail (SB_IS_GENERATION_JOB (self));

  if (set_string (&self->last_error, last_error))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LAST_ERROR]);
}

double
sb_generation_job_get_progress (SbGenerationJob *self)
{
  g_return_val_if_fail (SB_IS_GENERATION_JOB (self), -1.0);

  return self->progress;
}

void
sb_generation_job_set_progress (SbGenerationJob *self,
                                double           progress)
{
  g_return_if_fail (SB_IS_GENERATION_JOB (self));

  progress = progress < 0 ? -1.0 : MIN (progress, 1.0);
  if (self->progress == progress)
    return;

  self->progress = progress;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PROGRESS]);
}

GDateTime *
sb_generation_job_get_created_at (SbGenerationJob *self)
{
  g_return_val_if_fail (SB_IS_GENERATION_JOB (self), NULL);

  return self->created_at;
}

void
sb_generation_job_set_created_at (SbGenerationJob *self,
                                  GDateTime       *created_at)
{
  g_return_if_fail (SB_IS_GENERATION_JOB (self));

  if (set_date_time (&self->created_at, created_at))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CREATED_AT]);
}

GDateTime *
sb_generation_job_get_started_at (SbGenerationJob *self)
{
  g_return_val_if_fail (SB_IS_GENERATION_JOB (self), NULL);

  return self->started_at;
}

void
sb_generation_job_set_started_at (SbGenerationJob *self,
                                  GDateTime       *started_at)
{
  g_return_if_fail (SB_IS_GENERATION_JOB (self));

  if (set_date_time (&self->started_at, started_at))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STARTED_AT]);
}

GDateTime *
sb_generation_job_get_completed_at (SbGenerationJob *self)
{
  g_return_val_if_fail (SB_IS_GENERATION_JOB (self), NULL);

  return self->completed_at;
}

void
sb_generation_job_set_completed_at (SbGenerationJob *self,
                                    GDateTime       *completed_at)
{
  g_return_if_fail (SB_IS_GENERATION_JOB (self));

  if (set_date_time (&self->completed_at, completed_at))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_COMPLETED_AT]);
}

gint64
sb_generation_job_get_media_id (SbGenerationJob *self)
{
  g_return_val_if_fail (SB_IS_GENERATION_JOB (self), 0);

  return self->media_id;
}

void
sb_generation_job_set_media_id (SbGenerationJob *self,
                                gint64           media_id)
{
  g_return_if_fail (SB_IS_GENERATION_JOB (self));
  g_return_if_fail (media_id >= 0);

  if (self->media_id == media_id)
    return;

  self->media_id = media_id;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MEDIA_ID]);
}

gboolean
sb_generation_job_get_dismissed (SbGenerationJob *self)
{
  g_return_val_if_fail (SB_IS_GENERATION_JOB (self), FALSE);

  return self->dismissed;
}

void
sb_generation_job_set_dismissed (SbGenerationJob *self,
                                 gboolean         dismissed)
{
  g_return_if_fail (SB_IS_GENERATION_JOB (self));

  dismissed = !!dismissed;
  if (self->dismissed == dismissed)
    return;

  self->dismissed = dismissed;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_DISMISSED]);
}


void
sb_generation_job_set_links (SbGenerationJob *self,
                             gint64           brief_id,
                             gint64           revision_id,
                             gint64           scene_id)
{
  g_return_if_fail (SB_IS_GENERATION_JOB (self));
  g_return_if_fail (brief_id >= 0 && revision_id >= 0 && scene_id >= 0);

  g_object_freeze_notify (G_OBJECT (self));
  set_link (self, &self->brief_id, PROP_BRIEF_ID, brief_id);
  set_link (self, &self->revision_id, PROP_REVISION_ID, revision_id);
  set_link (self, &self->scene_id, PROP_SCENE_ID, scene_id);
  g_object_thaw_notify (G_OBJECT (self));
}

/* What the provider said of each input when it refused the request (a 422:
 * input name -> message), kept for this run only, so a form can show each
 * message next to its field.  NULL when there is none. */
GHashTable *
sb_generation_job_get_field_errors (SbGenerationJob *self)
{
  g_return_val_if_fail (SB_IS_GENERATION_JOB (self), NULL);

  return self->field_errors;
}

void
sb_generation_job_set_field_errors (SbGenerationJob *self,
                                    GHashTable      *field_errors)
{
  g_return_if_fail (SB_IS_GENERATION_JOB (self));

  if (field_errors != NULL)
    g_hash_table_ref (field_errors);
  g_clear_pointer (&self->field_errors, g_hash_table_unref);
  self->field_errors = field_errors;
}
