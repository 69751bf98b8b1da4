/* sb-brief.c
 *
 * Copyright 2026 The Storyboard authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "sb-library"

#include "config.h"

#include "sb-brief.h"

struct _SbBrief
{
  GObject parent_instance;

  /* Owned */
  gint64     id;
  char      *title;
  char      *prompt;
  char      *platform;
  char      *category;
  double     target_duration;
  char      *provider;
  char      *model;
  gint64     reference_media_id;
  GDateTime *created_at;
  GDateTime *updated_at;
  guint      n_revisions;
};

G_DEFINE_TYPE (SbBrief, sb_brief, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_ID,
  PROP_TITLE,
  PROP_PROMPT,
  PROP_PLATFORM,
  PROP_CATEGORY,
  PROP_TARGET_DURATION,
  PROP_PROVIDER,
  PROP_MODEL,
  PROP_REFERENCE_MEDIA_ID,
  PROP_CREATED_AT,
  PROP_UPDATED_AT,
  PROP_N_REVISIONS,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
set_string (SbBrief     *self,
            char       **field,
            const char  *value,
            guint        prop_id)
{
  if (g_strcmp0 (*field, value) == 0)
    return;

  g_free (*field);
  *field = g_strdup (value);
  g_object_notify_by_pspec (G_OBJECT (self), properties[prop_id]);
}

static void
set_int64 (SbBrief *self,
           gint64  *field,
           gint64   value,
           guint    prop_id)
{
  if (*field == value)
    return;

  *field = value;
  g_object_notify_by_pspec (G_OBJECT (self), properties[prop_id]);
}

static gboolean
date_time_equal (GDateTime *a,
                 GDateTime *b)
{
  if (a == NULL || b == NULL)
    return a == b;

  return g_date_time_equal (a, b);
}

static void
set_date_time (SbBrief    *self,
               GDateTime **field,
               GDateTime  *value,
               guint       prop_id)
{
  if (date_time_equal (*field, value))
    return;

  g_clear_pointer (field, g_date_time_unref);
  *field = value ? g_date_time_ref (value) : NULL;
  g_object_notify_by_pspec (G_OBJECT (self), properties[prop_id]);
}

static void
sb_brief_finalize (GObject *object)
{
  SbBrief *self = (SbBrief *) object;

  g_clear_pointer (&self->title, g_free);
  g_clear_pointer (&self->prompt, g_free);
  g_clear_pointer (&self->platform, g_free);
  g_clear_pointer (&self->category, g_free);
  g_clear_pointer (&self->provider, g_free);
  g_clear_pointer (&self->model, g_free);
  g_clear_pointer (&self->created_at, g_date_time_unref);
  g_clear_pointer (&self->updated_at, g_date_time_unref);

  G_OBJECT_CLASS (sb_brief_parent_class)->finalize (object);
}

static void
sb_brief_get_property (GObject    *object,
                       guint       prop_id,
                       GValue     *value,
                       GParamSpec *pspec)
{
  SbBrief *self = SB_BRIEF (object);

  switch (prop_id)
    {
    case PROP_ID:
      g_value_set_int64 (value, self->id);
      break;

    case PROP_TITLE:
      g_value_set_string (value, self->title);
      break;

    case PROP_PROMPT:
      g_value_set_string (value, self->prompt);
      break;

    case PROP_PLATFORM:
      g_value_set_string (value, self->platform);
      break;

    case PROP_CATEGORY:
      g_value_set_string (value, self->category);
      break;

    case PROP_TARGET_DURATION:
      g_value_set_double (value, self->target_duration);
      break;

    case PROP_PROVIDER:
      g_value_set_string (value, self->provider);
      break;

    case PROP_MODEL:
      g_value_set_string (value, self->model);
      break;

    case PROP_REFERENCE_MEDIA_ID:
      g_value_set_int64 (value, self->reference_media_id);
      break;

    case PROP_CREATED_AT:
      g_value_set_boxed (value, self->created_at);
      break;

    case PROP_UPDATED_AT:
      g_value_set_boxed (value, self->updated_at);
      break;

    case PROP_N_REVISIONS:
      g_value_set_uint (value, self->n_revisions);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sb_brief_set_property (GObject      *object,
                       guint         prop_id,
                       const GValue *value,
                       GParamSpec   *pspec)
{
  SbBrief *self = SB_BRIEF (object);

  switch (prop_id)
    {
    case PROP_ID:
      sb_brief_set_id (self, g_value_get_int64 (value));
      break;

    case PROP_TITLE:
      sb_brief_set_title (self, g_value_get_string (value));
      break;

    case PROP_PROMPT:
      sb_brief_set_prompt (self, g_value_get_string (value));
      break;

    case PROP_PLATFORM:
      sb_brief_set_platform (self, g_value_get_string (value));
      break;

    case PROP_CATEGORY:
      sb_brief_set_category (self, g_value_get_string (value));
      break;

    case PROP_TARGET_DURATION:
      sb_brief_set_target_duration (self, g_value_get_double (value));
      break;

    case PROP_PROVIDER:
      sb_brief_set_provider (self, g_value_get_string (value));
      break;

    case PROP_MODEL:
      sb_brief_set_model (self, g_value_get_string (value));
      break;

    case PROP_REFERENCE_MEDIA_ID:
      sb_brief_set_reference_media_id (self, g_value_get_int64 (value));
      break;

    case PROP_N_REVISIONS:
      sb_brief_set_n_revisions (self, g_value_get_uint (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sb_brief_class_init (SbBriefClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  const GParamFlags rw = G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS;
  const GParamFlags ro = G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS;

  object_class->finalize = sb_brief_finalize;
  object_class->get_property = sb_brief_get_property;
  object_class->set_property = sb_brief_set_property;

  properties[PROP_ID] =
    g_param_spec_int64 ("id", NULL, NULL, 0, G_MAXINT64, 0, rw);
  properties[PROP_TITLE] =
    g_param_spec_string ("title", NULL, NULL, NULL, rw);
  properties[PROP_PROMPT] =
    g_param_spec_string ("prompt", NULL, NULL, NULL, rw);
  properties[PROP_PLATFORM] =
    g_param_spec_string ("platform", NULL, NULL, NULL, rw);
  properties[PROP_CATEGORY] =
    g_param_spec_string ("category", NULL, NULL, NULL, rw);
  properties[PROP_TARGET_DURATION] =
    g_param_spec_double ("target-duration", NULL, NULL, 0, G_MAXDOUBLE, 0, rw);
  properties[PROP_PROVIDER] =
    g_param_spec_string ("provider", NULL, NULL, NULL, rw);
  properties[PROP_MODEL] =
    g_param_spec_string ("model", NULL, NULL, NULL, rw);
  properties[PROP_REFERENCE_MEDIA_ID] =
    g_param_spec_int64 ("reference-media-id", NULL, NULL, 0, G_MAXINT64, 0, rw);
  /* Set together with sb_brief_set_times(). */
  properties[PROP_CREATED_AT] =
    g_param_spec_boxed ("created-at", NULL, NULL, G_TYPE_DATE_TIME, ro);
  properties[PROP_UPDATED_AT] =
    g_param_spec_boxed ("updated-at", NULL, NULL, G_TYPE_DATE_TIME, ro);
  properties[PROP_N_REVISIONS] =
    g_param_spec_uint ("n-revisions", NULL, NULL, 0, G_MAXUINT, 0, rw);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
sb_brief_init (SbBrief *self)
{
}

SbBrief *
sb_brief_new (void)
{
  return g_object_new (SB_TYPE_BRIEF, NULL);
}

gint64
sb_brief_get_id (SbBrief *self)
{
  g_return_val_if_fail (SB_IS_BRIEF (self), 0);

  return self->id;
}

void
sb_brief_set_id (SbBrief *self,
                 gint64   id)
{
  g_return_if_fail (SB_IS_BRIEF (self));
  g_return_if_fail (id >= 0);

  set_int64 (self, &self->id, id, PROP_ID);
}

const char *
sb_brief_get_title (SbBrief *self)
{
  g_return_val_if_fail (SB_IS_BRIEF (self), NULL);

  return self->title;
}

void
sb_brief_set_title (SbBrief    *self,
                    const char *title)
{
  g_return_if_fail (SB_IS_BRIEF (self));

  set_string (self, &self->title, title, PROP_TITLE);
}

const char *
sb_brief_get_prompt (SbBrief *self)
{
  g_return_val_if_fail (SB_IS_BRIEF (self), NULL);

  return self->prompt;
}

void
sb_brief_set_prompt (SbBrief    *self,
                     const char *prompt)
{
  g_return_if_fail (SB_IS_BRIEF (self));

  set_string (self, &self->prompt, prompt, PROP_PROMPT);
}

const char *
sb_brief_get_platform (SbBrief *self)
{
  g_return_val_if_fail (SB_IS_BRIEF (self), NULL);

  return self->platform;
}

void
sb_brief_set_platform (SbBrief    *self,
                       const char *platform)
{
  g_return_if_fail (SB_IS_BRIEF (self));

  set_string (self, &self->platform, platform, PROP_PLATFORM);
}

const char *
sb_brief_get_category (SbBrief *self)
{
  g_return_val_if_fail (SB_IS_BRIEF (self), NULL);

  return self->category;
}

void
sb_brief_set_category (SbBrief    *self,
                       const char *category)
{
  g_return_if_fail (SB_IS_BRIEF (self));

  set_string (self, &self->category, category, PROP_CATEGORY);
}

double
sb_brief_get_target_duration (SbBrief *self)
{
  g_return_val_if_fail (SB_IS_BRIEF (self), 0);

  return self->target_duration;
}

void
sb_brief_set_target_duration (SbBrief *self,
                              double   seconds)
{
  g_return_if_fail (SB_IS_BRIEF (self));
  g_return_if_fail (seconds >= 0);

  if (self->target_duration == seconds)
    return;

  self->target_duration = seconds;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TARGET_DURATION]);
}

const char *
sb_brief_get_provider (SbBrief *self)
{
  g_return_val_if_fail (SB_IS_BRIEF (self), NULL);

  return self->provider;
}

void
sb_brief_set_provider (SbBrief    *self,
                       const char *provider)
{
  g_return_if_fail (SB_IS_BRIEF (self));

  set_string (self, &self->provider, provider, PROP_PROVIDER);
}

const char *
sb_brief_get_model (SbBrief *self)
{
  g_return_val_if_fail (SB_IS_BRIEF (self), NULL);

  return self->model;
}

void
sb_brief_set_model (SbBrief    *self,
                    const char *model)
{
  g_return_if_fail (SB_IS_BRIEF (self));

  set_string (self, &self->model, model, PROP_MODEL);
}

gint64
sb_brief_get_reference_media_id (SbBrief *self)
{
  g_return_val_if_fail (SB_IS_BRIEF (self), 0);

  return self->reference_media_id;
}

void
sb_brief_set_reference_media_id (SbBrief *self,
                                 gint64   media_id)
{
  g_return_if_fail (SB_IS_BRIEF (self));
  g_return_if_fail (media_id >= 0);

  set_int64 (self, &self->reference_media_id, media_id, PROP_REFERENCE_MEDIA_ID);
}

GDateTime *
sb_brief_get_created_at (SbBrief *self)
{
  g_return_val_if_fail (SB_IS_BRIEF (self), NULL);

  return self->created_at;
}

GDateTime *
sb_brief_get_updated_at (SbBrief *self)
{
  g_return_val_if_fail (SB_IS_BRIEF (self), NULL);

  return self->updated_at;
}

void
sb_brief_set_times (SbBrief   *self,
                    GDateTime *created_at,
                    GDateTime *updated_at)
{
  g_return_if_fail (SB_IS_BRIEF (self));

  g_object_freeze_notify (G_OBJECT (self));
  set_date_time (self, &self->created_at, created_at, PROP_CREATED_AT);
  set_date_time (self, &self->updated_at, updated_at, PROP_UPDATED_AT);
  g_object_thaw_notify (G_OBJECT (self));
}

guint
sb_brief_get_n_revisions (SbBrief *self)
{
  g_return_val_if_fail (SB_IS_BRIEF (self), 0);

  return self->n_revisions;
}

void
sb_brief_set_n_revisions (SbBrief *self,
                          guint    n_revisions)
{
  g_return_if_fail (SB_IS_BRIEF (self));

  if (self->n_revisions == n_revisions)
    return;

  self->n_revisions = n_revisions;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_REVISIONS]);
}
