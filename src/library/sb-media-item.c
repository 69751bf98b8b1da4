/* sb-media-item.c
 *
 * Copyright 2026 The Storyboard authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "sb-library"

#include "config.h"

#include "sb-library-private.h"
#include "sb-media-item.h"

struct _SbMediaItem
{
  GObject parent_instance;

  /* Owned */
  SbMediaRow *row;
  GDateTime  *created_at;
  gboolean    loaded;
};

G_DEFINE_TYPE (SbMediaItem, sb_media_item, G_TYPE_OBJECT)

G_DEFINE_ENUM_TYPE (SbMediaKind, sb_media_kind,
  G_DEFINE_ENUM_VALUE (SB_MEDIA_KIND_ANY, "any"),
  G_DEFINE_ENUM_VALUE (SB_MEDIA_KIND_IMAGE, "image"),
  G_DEFINE_ENUM_VALUE (SB_MEDIA_KIND_VIDEO, "video"))

G_DEFINE_ENUM_TYPE (SbMediaOrigin, sb_media_origin,
  G_DEFINE_ENUM_VALUE (SB_MEDIA_ORIGIN_IMPORTED, "imported"),
  G_DEFINE_ENUM_VALUE (SB_MEDIA_ORIGIN_GENERATED, "generated"))

enum {
  PROP_0,
  PROP_ID,
  PROP_LOADED,
  PROP_KIND,
  PROP_MIME_TYPE,
  PROP_WIDTH,
  PROP_HEIGHT,
  PROP_DURATION,
  PROP_BYTE_SIZE,
  PROP_SHA256,
  PROP_ORIGIN,
  PROP_FILENAME,
  PROP_CREATED_AT,
  PROP_FAVOURITE,
  PROP_PROMPT,
  PROP_MODEL,
  PROP_MODEL_VERSION,
  PROP_PARAMETERS,
  PROP_SEED,
  PROP_PREDICTION_ID,
  PROP_BRIEF_ID,
  PROP_REVISION_ID,
  PROP_SCENE_ID,
  PROP_SOURCE_MEDIA_ID,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

SbMediaRow *
sb_media_row_new (void)
{
  SbMediaRow *row = g_new0 (SbMediaRow, 1);

  row->kind = SB_MEDIA_KIND_IMAGE;
  row->seed = -1;

  return row;
}

void
sb_media_row_free (SbMediaRow *row)
{
  if (row == NULL)
    return;

  g_free (row->mime_type);
  g_free (row->sha256);
  g_free (row->filename);
  g_free (row->prompt);
  g_free (row->model);
  g_free (row->model_version);
  g_free (row->parameters);
  g_free (row->prediction_id);
  g_free (row);
}

static SbMediaRow *
media_row_copy (const SbMediaRow *row)
{
  SbMediaRow *copy = g_memdup2 (row, sizeof *row);

  copy->mime_type = g_strdup (row->mime_type);
  copy->sha256 = g_strdup (row->sha256);
  copy->filename = g_strdup (row->filename);
  copy->prompt = g_strdup (row->prompt);
  copy->model = g_strdup (row->model);
  copy->model_version = g_strdup (row->model_version);
  copy->parameters = g_strdup (row->parameters);
  copy->prediction_id = g_strdup (row->prediction_id);

  return copy;
}

/* g_date_time_new_from_unix_utc_usec() needs GLib 2.80. */
static GDateTime *
date_time_from_usec (gint64 usec)
{
  g_autoptr(GDateTime) seconds = g_date_time_new_from_unix_utc (usec / G_USEC_PER_SEC);

  return g_date_time_add (seconds, usec % G_USEC_PER_SEC);
}

static void
notify (SbMediaItem *self,
        guint        prop_id)
{
  g_object_notify_by_pspec (G_OBJECT (self), properties[prop_id]);
}

/* Returns TRUE (and notifies) if the value changed. */
static gboolean
set_string (SbMediaItem  *self,
            char        **field,
            const char   *value,
            guint         prop_id)
{
  if (g_strcmp0 (*field, value) == 0)
    return FALSE;

  g_free (*field);
  *field = g_strdup (value);
  notify (self, prop_id);

  return TRUE;
}

static void
set_int64 (SbMediaItem *self,
           gint64      *field,
           gint64       value,
           guint        prop_id)
{
  if (*field == value)
    return;

  *field = value;
  notify (self, prop_id);
}

static void
set_int (SbMediaItem *self,
         int         *field,
         int          value,
         guint        prop_id)
{
  if (*field == value)
    return;

  *field = value;
  notify (self, prop_id);
}

static void
sb_media_item_finalize (GObject *object)
{
  SbMediaItem *self = (SbMediaItem *) object;

  g_clear_pointer (&self->row, sb_media_row_free);
  g_clear_pointer (&self->created_at, g_date_time_unref);

  G_OBJECT_CLASS (sb_media_item_parent_class)->finalize (object);
}

static void
sb_media_item_get_property (GObject    *object,
                            guint       prop_id,
                            GValue     *value,
                            GParamSpec *pspec)
{
  SbMediaItem *self = SB_MEDIA_ITEM (object);
  const SbMediaRow *row = self->row;

  switch (prop_id)
    {
    case PROP_ID:
      g_value_set_int64 (value, row->id);
      break;

    case PROP_LOADED:
      g_value_set_boolean (value, self->loaded);
      break;

    case PROP_KIND:
      g_value_set_enum (value, row->kind);
      break;

    case PROP_MIME_TYPE:
      g_value_set_string (value, row->mime_type);
      break;

    case PROP_WIDTH:
      g_value_set_int (value, row->width);
      break;

    case PROP_HEIGHT:
      g_value_set_int (value, row->height);
      break;

    case PROP_DURATION:
      g_value_set_double (value, row->duration);
      break;

    case PROP_BYTE_SIZE:
      g_value_set_int64 (value, row->byte_size);
      break;

    case PROP_SHA256:
      g_value_set_string (value, row->sha256);
      break;

    case PROP_ORIGIN:
      g_value_set_enum (value, row->origin);
      break;

    case PROP_FILENAME:
      g_value_set_string (value, row->filename);
      break;

    case PROP_CREATED_AT:
      g_value_set_boxed (value, self->created_at);
      break;

    case PROP_FAVOURITE:
      g_value_set_boolean (value, row->favourite);
      break;

    case PROP_PROMPT:
      g_value_set_string (value, row->prompt);
      break;

    case PROP_MODEL:
      g_value_set_string (value, row->model);
      break;

    case PROP_MODEL_VERSION:
      g_value_set_string (value, row->model_version);
      break;

    case PROP_PARAMETERS:
      g_value_set_string (value, row->parameters);
      break;

    case PROP_SEED:
      g_value_set_int64 (value, row->seed);
      break;

    case PROP_PREDICTION_ID:
      g_value_set_string (value, row->prediction_id);
      break;

    case PROP_BRIEF_ID:
      g_value_set_int64 (value, row->brief_id);
      break;

    case PROP_REVISION_ID:
      g_value_set_int64 (value, row->revision_id);
      break;

    case PROP_SCENE_ID:
      g_value_set_int64 (value, row->scene_id);
      break;

    case PROP_SOURCE_MEDIA_ID:
      g_value_set_int64 (value, row->source_media_id);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sb_media_item_set_property (GObject      *object,
                            guint         prop_id,
                            const GValue *value,
                            GParamSpec   *pspec)
{
  SbMediaItem *self = SB_MEDIA_ITEM (object);
  SbMediaRow *row = self->row;

  switch (prop_id)
    {
    case PROP_KIND:
      sb_media_item_set_kind (self, g_value_get_enum (value));
      break;

    case PROP_MIME_TYPE:
      sb_media_item_set_mime_type (self, g_value_get_string (value));
      break;

    case PROP_WIDTH:
      sb_media_item_set_size (self, g_value_get_int (value), row->height);
      break;

    case PROP_HEIGHT:
      sb_media_item_set_size (self, row->width, g_value_get_int (value));
      break;

    case PROP_DURATION:
      sb_media_item_set_duration (self, g_value_get_double (value));
      break;

    case PROP_ORIGIN:
      sb_media_item_set_origin (self, g_value_get_enum (value));
      break;

    case PROP_FILENAME:
      sb_media_item_set_filename (self, g_value_get_string (value));
      break;

    case PROP_PROMPT:
      sb_media_item_set_prompt (self, g_value_get_string (value));
      break;

    case PROP_MODEL:
      sb_media_item_set_model (self, g_value_get_string (value));
      break;

    case PROP_MODEL_VERSION:
      sb_media_item_set_model_version (self, g_value_get_string (value));
      break;

    case PROP_PARAMETERS:
      sb_media_item_set_parameters (self, g_value_get_string (value));
      break;

    case PROP_SEED:
      sb_media_item_set_seed (self, g_value_get_int64 (value));
      break;

    case PROP_PREDICTION_ID:
      sb_media_item_set_prediction_id (self, g_value_get_string (value));
      break;

    case PROP_BRIEF_ID:
      sb_media_item_set_links (self, g_value_get_int64 (value), row->revision_id, row->scene_id);
      break;

    case PROP_REVISION_ID:
      sb_media_item_set_links (self, row->brief_id, g_value_get_int64 (value), row->scene_id);
      break;

    case PROP_SCENE_ID:
      sb_media_item_set_links (self, row->brief_id, row->revision_id, g_value_get_int64 (value));
      break;

    case PROP_SOURCE_MEDIA_ID:
      sb_media_item_set_source_media_id (self, g_value_get_int64 (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sb_media_item_class_init (SbMediaItemClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  const GParamFlags ro = G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY;
  const GParamFlags rw = G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY;

  object_class->finalize = sb_media_item_finalize;
  object_class->get_property = sb_media_item_get_property;
  object_class->set_property = sb_media_item_set_property;

  properties[PROP_ID] =
    g_param_spec_int64 ("id", NULL, NULL, 0, G_MAXINT64, 0, ro);
  properties[PROP_LOADED] =
    g_param_spec_boolean ("loaded", NULL, NULL, FALSE, ro);
  properties[PROP_KIND] =
    g_param_spec_enum ("kind", NULL, NULL, SB_TYPE_MEDIA_KIND, SB_MEDIA_KIND_IMAGE, rw);
  properties[PROP_MIME_TYPE] =
    g_param_spec_string ("mime-type", NULL, NULL, NULL, rw);
  properties[PROP_WIDTH] =
    g_param_spec_int ("width", NULL, NULL, 0, G_MAXINT, 0, rw);
  properties[PROP_HEIGHT] =
    g_param_spec_int ("height", NULL, NULL, 0, G_MAXINT, 0, rw);
  properties[PROP_DURATION] =
    g_param_spec_double ("duration", NULL, NULL, 0, G_MAXDOUBLE, 0, rw);
  properties[PROP_BYTE_SIZE] =
    g_param_spec_int64 ("byte-size", NULL, NULL, 0, G_MAXINT64, 0, ro);
  properties[PROP_SHA256] =
    g_param_spec_string ("sha256", NULL, NULL, NULL, ro);
  properties[PROP_ORIGIN] =
    g_param_spec_enum ("origin", NULL, NULL, SB_TYPE_MEDIA_ORIGIN, SB_MEDIA_ORIGIN_IMPORTED, rw);
  properties[PROP_FILENAME] =
    g_param_spec_string ("filename", NULL, NULL, NULL, rw);
  properties[PROP_CREATED_AT] =
    g_param_spec_boxed ("created-at", NULL, NULL, G_TYPE_DATE_TIME, ro);
  properties[PROP_FAVOURITE] =
    g_param_spec_boolean ("favourite", NULL, NULL, FALSE, ro);
  properties[PROP_PROMPT] =
    g_param_spec_string ("prompt", NULL, NULL, NULL, rw);
  properties[PROP_MODEL] =
    g_param_spec_string ("model", NULL, NULL, NULL, rw);
  properties[PROP_MODEL_VERSION] =
    g_param_spec_string ("model-version", NULL, NULL, NULL, rw);
  properties[PROP_PARAMETERS] =
    g_param_spec_string ("parameters", NULL, NULL, NULL, rw);
  properties[PROP_SEED] =
    g_param_spec_int64 ("seed", NULL, NULL, -1, G_MAXINT64, -1, rw);
  properties[PROP_PREDICTION_ID] =
    g_param_spec_string ("prediction-id", NULL, NULL, NULL, rw);
  properties[PROP_BRIEF_ID] =
    g_param_spec_int64 ("brief-id", NULL, NULL, 0, G_MAXINT64, 0, rw);
  properties[PROP_REVISION_ID] =
    g_param_spec_int64 ("revision-id", NULL, NULL, 0, G_MAXINT64, 0, rw);
  properties[PROP_SCENE_ID] =
    g_param_spec_int64 ("scene-id", NULL, NULL, 0, G_MAXINT64, 0, rw);
  properties[PROP_SOURCE_MEDIA_ID] =
    g_param_spec_int64 ("source-media-id", NULL, NULL, 0, G_MAXINT64, 0, rw);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
sb_media_item_init (SbMediaItem *self)
{
  self->row = sb_media_row_new ();
}

SbMediaItem *
sb_media_item_new (void)
{
  return g_object_new (SB_TYPE_MEDIA_ITEM, NULL);
}

SbMediaItem *
sb_media_item_new_for_id (gint64 id)
{
  SbMediaItem *self = g_object_new (SB_TYPE_MEDIA_ITEM, NULL);

  self->row->id = id;

  return self;
}

SbMediaItem *
sb_media_item_new_from_row (const SbMediaRow *row)
{
  SbMediaItem *self;

  g_return_val_if_fail (row != NULL, NULL);

  self = g_object_new (SB_TYPE_MEDIA_ITEM, NULL);
  g_clear_pointer (&self->row, sb_media_row_free);
  self->row = media_row_copy (row);
  if (row->created_at != 0)
    self->created_at = date_time_from_usec (row->created_at);
  self->loaded = TRUE;

  return self;
}

void
sb_media_item_fill_from (SbMediaItem      *self,
                         const SbMediaRow *row)
{
  SbMediaRow *mine;

  g_return_if_fail (SB_IS_MEDIA_ITEM (self));
  g_return_if_fail (row != NULL);

  mine = self->row;

  g_object_freeze_notify (G_OBJECT (self));

  set_int64 (self, &mine->id, row->id, PROP_ID);
  if (mine->kind != row->kind)
    {
      mine->kind = row->kind;
      notify (self, PROP_KIND);
    }
  set_string (self, &mine->mime_type, row->mime_type, PROP_MIME_TYPE);
  set_int (self, &mine->width, row->width, PROP_WIDTH);
  set_int (self, &mine->height, row->height, PROP_HEIGHT);
  if (mine->duration != row->duration)
    {
      mine->duration = row->duration;
      notify (self, PROP_DURATION);
    }
  set_int64 (self, &mine->byte_size, row->byte_size, PROP_BYTE_SIZE);
  set_string (self, &mine->sha256, row->sha256, PROP_SHA256);
  if (mine->origin != row->origin)
    {
      mine->origin = row->origin;
      notify (self, PROP_ORIGIN);
    }
  set_string (self, &mine->filename, row->filename, PROP_FILENAME);
  if (mine->created_at != row->created_at)
    {
      mine->created_at = row->created_at;
      g_clear_pointer (&self->created_at, g_date_time_unref);
      if (row->created_at != 0)
        self->created_at = date_time_from_usec (row->created_at);
      notify (self, PROP_CREATED_AT);
    }
  if (mine->favourite != row->favourite)
    {
      mine->favourite = row->favourite;
      notify (self, PROP_FAVOURITE);
    }
  set_string (self, &mine->prompt, row->prompt, PROP_PROMPT);
  set_string (self, &mine->model, row->model, PROP_MODEL);
  set_string (self, &mine->model_version, row->model_version, PROP_MODEL_VERSION);
  set_string (self, &mine->parameters, row->parameters, PROP_PARAMETERS);
  set_int64 (self, &mine->seed, row->seed, PROP_SEED);
  set_string (self, &mine->prediction_id, row->prediction_id, PROP_PREDICTION_ID);
  set_int64 (self, &mine->brief_id, row->brief_id, PROP_BRIEF_ID);
  set_int64 (self, &mine->revision_id, row->revision_id, PROP_REVISION_ID);
  set_int64 (self, &mine->scene_id, row->scene_id, PROP_SCENE_ID);
  set_int64 (self, &mine->source_media_id, row->source_media_id, PROP_SOURCE_MEDIA_ID);
  mine->trashed_at = row->trashed_at;

  if (!self->loaded)
    {
      self->loaded = TRUE;
      notify (self, PROP_LOADED);
    }

  g_object_thaw_notify (G_OBJECT (self));
}

SbMediaRow *
sb_media_item_dup_row (SbMediaItem *self)
{
  g_return_val_if_fail (SB_IS_MEDIA_ITEM (self), NULL);

  return media_row_copy (self->row);
}

gint64
sb_media_item_get_created_at_us (SbMediaItem *self)
{
  g_return_val_if_fail (SB_IS_MEDIA_ITEM (self), 0);

  return self->row->created_at;
}

gint64
sb_media_item_get_id (SbMediaItem *self)
{
  g_return_val_if_fail (SB_IS_MEDIA_ITEM (self), 0);

  return self->row->id;
}

gboolean
sb_media_item_get_loaded (SbMediaItem *self)
{
  g_return_val_if_fail (SB_IS_MEDIA_ITEM (self), FALSE);

  return self->loaded;
}

SbMediaKind
sb_media_item_get_kind (SbMediaItem *self)
{
  g_return_val_if_fail (SB_IS_MEDIA_ITEM (self), SB_MEDIA_KIND_ANY);

  return self->row->kind;
}

void
sb_media_item_set_kind (SbMediaItem *self,
                        SbMediaKind  kind)
{
  g_return_if_fail (SB_IS_MEDIA_ITEM (self));
  g_return_if_fail (kind == SB_MEDIA_KIND_IMAGE || kind == SB_MEDIA_KIND_VIDEO);

  if (self->row->kind == kind)
    return;

  self->row->kind = kind;
  notify (self, PROP_KIND);
}

const char *
sb_media_item_get_mime_type (SbMediaItem *self)
{
  g_return_val_if_fail (SB_IS_MEDIA_ITEM (self), NULL);

  return self->row->mime_type;
}

void
sb_media_item_set_mime_type (SbMediaItem *self,
                             const char  *mime_type)
{
  g_return_if_fail (SB_IS_MEDIA_ITEM (self));

  set_string (self, &self->row->mime_type, mime_type, PROP_MIME_TYPE);
}

int
sb_media_item_get_width (SbMediaItem *self)
{
  g_return_val_if_fail (SB_IS_MEDIA_ITEM (self), 0);

  return self->row->width;
}

int
sb_media_item_get_height (SbMediaItem *self)
{
  g_return_val_if_fail (SB_IS_MEDIA_ITEM (self), 0);

  return self->row->height;
}

void
sb_media_item_set_size (SbMediaItem *self,
                        int          width,
                        int          height)
{
  g_return_if_fail (SB_IS_MEDIA_ITEM (self));
  g_return_if_fail (width >= 0 && height >= 0);

  g_object_freeze_notify (G_OBJECT (self));
  set_int (self, &self->row->width, width, PROP_WIDTH);
  set_int (self, &self->row->height, height, PROP_HEIGHT);
  g_object_thaw_notify (G_OBJECT (self));
}

double
sb_media_item_get_duration (SbMediaItem *self)
{
  g_return_val_if_fail (SB_IS_MEDIA_ITEM (self), 0);

  return self->row->duration;
}

void
sb_media_item_set_duration (SbMediaItem *self,
                            double       duration)
{
  g_return_if_fail (SB_IS_MEDIA_ITEM (self));
  g_return_if_fail (duration >= 0);

  if (self->row->duration == duration)
    return;

  self->row->duration = duration;
  notify (self, PROP_DURATION);
}

gint64
sb_media_item_get_byte_size (SbMediaItem *self)
{
  g_return_val_if_fail (SB_IS_MEDIA_ITEM (self), 0);

  return self->row->byte_size;
}

const char *
sb_media_item_get_sha256 (SbMediaItem *self)
{
  g_return_val_if_fail (SB_IS_MEDIA_ITEM (self), NULL);

  return self->row->sha256;
}

SbMediaOrigin
sb_media_item_get_origin (SbMediaItem *self)
{
  g_return_val_if_fail (SB_IS_MEDIA_ITEM (self), SB_MEDIA_ORIGIN_IMPORTED);

  return self->row->origin;
}

void
sb_media_item_set_origin (SbMediaItem   *self,
                          SbMediaOrigin  origin)
{
  g_return_if_fail (SB_IS_MEDIA_ITEM (self));
  g_return_if_fail (origin == SB_MEDIA_ORIGIN_IMPORTED || origin == SB_MEDIA_ORIGIN_GENERATED);

  if (self->row->origin == origin)
    return;

  self->row->origin = origin;
  notify (self, PROP_ORIGIN);
}

const char *
sb_media_item_get_filename (SbMediaItem *self)
{
  g_return_val_if_fail (SB_IS_MEDIA_ITEM (self), NULL);

  return self->row->filename;
}

void
sb_media_item_set_filename (SbMediaItem *self,
                            const char  *filename)
{
  g_return_if_fail (SB_IS_MEDIA_ITEM (self));

  set_string (self, &self->row->filename, filename, PROP_FILENAME);
}

GDateTime *
sb_media_item_get_created_at (SbMediaItem *self)
{
  g_return_val_if_fail (SB_IS_MEDIA_ITEM (self), NULL);

  return self->created_at;
}

gboolean
sb_media_item_get_favourite (SbMediaItem *self)
{
  g_return_val_if_fail (SB_IS_MEDIA_ITEM (self), FALSE);

  return self->row->favourite;
}

const char *
sb_media_item_get_prompt (SbMediaItem *self)
{
  g_return_val_if_fail (SB_IS_MEDIA_ITEM (self), NULL);

  return self->row->prompt;
}

void
sb_media_item_set_prompt (SbMediaItem *self,
                          const char  *prompt)
{
  g_return_if_fail (SB_IS_MEDIA_ITEM (self));

  set_string (self, &self->row->prompt, prompt, PROP_PROMPT);
}

const char *
sb_media_item_get_model (SbMediaItem *self)
{
  g_return_val_if_fail (SB_IS_MEDIA_ITEM (self), NULL);

  return self->row->model;
}

void
sb_media_item_set_model (SbMediaItem *self,
                         const char  *model)
{
  g_return_if_fail (SB_IS_MEDIA_ITEM (self));

  set_string (self, &self->row->model, model, PROP_MODEL);
}

const char *
sb_media_item_get_model_version (SbMediaItem *self)
{
  g_return_val_if_fail (SB_IS_MEDIA_ITEM (self), NULL);

  return self->row->model_version;
}

void
sb_media_item_set_model_version (SbMediaItem *self,
                                 const char  *version)
{
  g_return_if_fail (SB_IS_MEDIA_ITEM (self));

  set_string (self, &self->row->model_version, version, PROP_MODEL_VERSION);
}

const char *
sb_media_item_get_parameters (SbMediaItem *self)
{
  g_return_val_if_fail (SB_IS_MEDIA_ITEM (self), NULL);

  return self->row->parameters;
}

void
sb_media_item_set_parameters (SbMediaItem *self,
                              const char  *parameters_json)
{
  g_return_if_fail (SB_IS_MEDIA_ITEM (self));

  set_string (self, &self->row->parameters, parameters_json, PROP_PARAMETERS);
}

gint64
sb_media_item_get_seed (SbMediaItem *self)
{
  g_return_val_if_fail (SB_IS_MEDIA_ITEM (self), -1);

  return self->row->seed;
}

void
sb_media_item_set_seed (SbMediaItem *self,
                        gint64       seed)
{
  g_return_if_fail (SB_IS_MEDIA_ITEM (self));
  g_return_if_fail (seed >= -1);

  set_int64 (self, &self->row->seed, seed, PROP_SEED);
}

const char *
sb_media_item_get_prediction_id (SbMediaItem *self)
{
  g_return_val_if_fail (SB_IS_MEDIA_ITEM (self), NULL);

  return self->row->prediction_id;
}

void
sb_media_item_set_prediction_id (SbMediaItem *self,
                                 const char  *prediction_id)
{
  g_return_if_fail (SB_IS_MEDIA_ITEM (self));

  set_string (self, &self->row->prediction_id, prediction_id, PROP_PREDICTION_ID);
}

gint64
sb_media_item_get_brief_id (SbMediaItem *self)
{
  g_return_val_if_fail (SB_IS_MEDIA_ITEM (self), 0);

  return self->row->brief_id;
}

gint64
sb_media_item_get_revision_id (SbMediaItem *self)
{
  g_return_val_if_fail (SB_IS_MEDIA_ITEM (self), 0);

  return self->row->revision_id;
}

gint64
sb_media_item_get_scene_id (SbMediaItem *self)
{
  g_return_val_if_fail (SB_IS_MEDIA_ITEM (self), 0);

  return self->row->scene_id;
}

void
sb_media_item_set_links (SbMediaItem *self,
                         gint64       brief_id,
                         gint64       revision_id,
                         gint64       scene_id)
{
  g_return_if_fail (SB_IS_MEDIA_ITEM (self));
  g_return_if_fail (brief_id >= 0 && revision_id >= 0 && scene_id >= 0);

  g_object_freeze_notify (G_OBJECT (self));
  set_int64 (self, &self->row->brief_id, brief_id, PROP_BRIEF_ID);
  set_int64 (self, &self->row->revision_id, revision_id, PROP_REVISION_ID);
  set_int64 (self, &self->row->scene_id, scene_id, PROP_SCENE_ID);
  g_object_thaw_notify (G_OBJECT (self));
}

gint64
sb_media_item_get_source_media_id (SbMediaItem *self)
{
  g_return_val_if_fail (SB_IS_MEDIA_ITEM (self), 0);

  return self->row->source_media_id;
}

void
sb_media_item_set_source_media_id (SbMediaItem *self,
                                   gint64       source_media_id)
{
  g_return_if_fail (SB_IS_MEDIA_ITEM (self));
  g_return_if_fail (source_media_id >= 0);

  set_int64 (self, &self->row->source_media_id, source_media_id, PROP_SOURCE_MEDIA_ID);
}
