/* sb-scene.c
 *
 * Copyright 2026 The Storyboard authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "sb-library"

#include "config.h"

#include "sb-scene.h"

struct _SbScene
{
  GObject parent_instance;

  /* Owned */
  gint64  id;
  char   *title;
  char   *description;
  double  duration;
  char   *shot_notes;
  char   *generation_prompt;
  gint64  chosen_media_id;
};

G_DEFINE_TYPE (SbScene, sb_scene, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_ID,
  PROP_TITLE,
  PROP_DESCRIPTION,
  PROP_DURATION,
  PROP_SHOT_NOTES,
  PROP_GENERATION_PROMPT,
  PROP_CHOSEN_MEDIA_ID,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
set_string (SbScene     *self,
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
set_int64 (SbScene *self,
           gint64  *field,
           gint64   value,
           guint    prop_id)
{
  if (*field == value)
    return;

  *field = value;
  g_object_notify_by_pspec (G_OBJECT (self), properties[prop_id]);
}

static void
sb_scene_finalize (GObject *object)
{
  SbScene *self = (SbScene *) object;

  g_clear_pointer (&self->title, g_free);
  g_clear_pointer (&self->description, g_free);
  g_clear_pointer (&self->shot_notes, g_free);
  g_clear_pointer (&self->generation_prompt, g_free);

  G_OBJECT_CLASS (sb_scene_parent_class)->finalize (object);
}

static void
sb_scene_get_property (GObject    *object,
                       guint       prop_id,
                       GValue     *value,
                       GParamSpec *pspec)
{
  SbScene *self = SB_SCENE (object);

  switch (prop_id)
    {
    case PROP_ID:
      g_value_set_int64 (value, self->id);
      break;

    case PROP_TITLE:
      g_value_set_string (value, self->title);
      break;

    case PROP_DESCRIPTION:
      g_value_set_string (value, self->description);
      break;

    case PROP_DURATION:
      g_value_set_double (value, self->duration);
      break;

    case PROP_SHOT_NOTES:
      g_value_set_string (value, self->shot_notes);
      break;

    case PROP_GENERATION_PROMPT:
      g_value_set_string (value, self->generation_prompt);
      break;

    case PROP_CHOSEN_MEDIA_ID:
      g_value_set_int64 (value, self->chosen_media_id);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sb_scene_set_property (GObject      *object,
                       guint         prop_id,
                       const GValue *value,
                       GParamSpec   *pspec)
{
  SbScene *self = SB_SCENE (object);

  switch (prop_id)
    {
    case PROP_ID:
      sb_scene_set_id (self, g_value_get_int64 (value));
      break;

    case PROP_TITLE:
      sb_scene_set_title (self, g_value_get_string (value));
      break;

    case PROP_DESCRIPTION:
      sb_scene_set_description (self, g_value_get_string (value));
      break;

    case PROP_DURATION:
      sb_scene_set_duration (self, g_value_get_double (value));
      break;

    case PROP_SHOT_NOTES:
      sb_scene_set_shot_notes (self, g_value_get_string (value));
      break;

    case PROP_GENERATION_PROMPT:
      sb_scene_set_generation_prompt (self, g_value_get_string (value));
      break;

    case PROP_CHOSEN_MEDIA_ID:
      sb_scene_set_chosen_media_id (self, g_value_get_int64 (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sb_scene_class_init (SbSceneClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  const GParamFlags rw = G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS;

  object_class->finalize = sb_scene_finalize;
  object_class->get_property = sb_scene_get_property;
  object_class->set_property = sb_scene_set_property;

  properties[PROP_ID] =
    g_param_spec_int64 ("id", NULL, NULL, 0, G_MAXINT64, 0, rw);
  properties[PROP_TITLE] =
    g_param_spec_string ("title", NULL, NULL, NULL, rw);
  properties[PROP_DESCRIPTION] =
    g_param_spec_string ("description", NULL, NULL, NULL, rw);
  properties[PROP_DURATION] =
    g_param_spec_double ("duration", NULL, NULL, 0, G_MAXDOUBLE, 0, rw);
  properties[PROP_SHOT_NOTES] =
    g_param_spec_string ("shot-notes", NULL, NULL, NULL, rw);
  properties[PROP_GENERATION_PROMPT] =
    g_param_spec_string ("generation-prompt", NULL, NULL, NULL, rw);
  properties[PROP_CHOSEN_MEDIA_ID] =
    g_param_spec_int64 ("chosen-media-id", NULL, NULL, 0, G_MAXINT64, 0, rw);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
sb_scene_init (SbScene *self)
{
}

SbScene *
sb_scene_new (void)
{
  return g_object_new (SB_TYPE_SCENE, NULL);
}

SbScene *
sb_scene_copy (SbScene *self)
{
  SbScene *copy;

  g_return_val_if_fail (SB_IS_SCENE (self), NULL);

  copy = sb_scene_new ();
  copy->title = g_strdup (self->title);
  copy->description = g_strdup (self->description);
  copy->duration = self->duration;
  copy->shot_notes = g_strdup (self->shot_notes);
  copy->generation_prompt = g_strdup (self->generation_prompt);
  copy->chosen_media_id = self->chosen_media_id;

  return copy;
}

gint64
sb_scene_get_id (SbScene *self)
{
  g_return_val_if_fail (SB_IS_SCENE (self), 0);

  return self->id;
}

void
sb_scene_set_id (SbScene *self,
                 gint64   id)
{
  g_return_if_fail (SB_IS_SCENE (self));
  g_return_if_fail (id >= 0);

  set_int64 (self, &self->id, id, PROP_ID);
}

const char *
sb_scene_get_title (SbScene *self)
{
  g_return_val_if_fail (SB_IS_SCENE (self), NULL);

  return self->title;
}

void
sb_scene_set_title (SbScene    *self,
                    const char *title)
{
  g_return_if_fail (SB_IS_SCENE (self));

  set_string (self, &self->title, title, PROP_TITLE);
}

const char *
sb_scene_get_description (SbScene *self)
{
  g_return_val_if_fail (SB_IS_SCENE (self), NULL);

  return self->description;
}

void
sb_scene_set_description (SbScene    *self,
                          const char *description)
{
  g_return_if_fail (SB_IS_SCENE (self));

  set_string (self, &self->description, description, PROP_DESCRIPTION);
}

double
sb_scene_get_duration (SbScene *self)
{
  g_return_val_if_fail (SB_IS_SCENE (self), 0);

  return self->duration;
}

void
sb_scene_set_duration (SbScene *self,
                       double   seconds)
{
  g_return_if_fail (SB_IS_SCENE (self));
  g_return_if_fail (seconds >= 0);

  if (self->duration == seconds)
    return;

  self->duration = seconds;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_DURATION]);
}

const char *
sb_scene_get_shot_notes (SbScene *self)
{
  g_return_val_if_fail (SB_IS_SCENE (self), NULL);

  return self->shot_notes;
}

void
sb_scene_set_shot_notes (SbScene    *self,
                         const char *shot_notes)
{
  g_return_if_fail (SB_IS_SCENE (self));

  set_string (self, &self->shot_notes, shot_notes, PROP_SHOT_NOTES);
}

const char *
sb_scene_get_generation_prompt (SbScene *self)
{
  g_return_val_if_fail (SB_IS_SCENE (self), NULL);

  return self->generation_prompt;
}

void
sb_scene_set_generation_prompt (SbScene    *self,
                                const char *prompt)
{
  g_return_if_fail (SB_IS_SCENE (self));

  set_string (self, &self->generation_prompt, prompt, PROP_GENERATION_PROMPT);
}

gint64
sb_scene_get_chosen_media_id (SbScene *self)
{
  g_return_val_if_fail (SB_IS_SCENE (self), 0);

  return self->chosen_media_id;
}

void
sb_scene_set_chosen_media_id (SbScene *self,
                              gint64   media_id)
{
  g_return_if_fail (SB_IS_SCENE (self));
  g_return_if_fail (media_id >= 0);

  set_int64 (self, &self->chosen_media_id, media_id, PROP_CHOSEN_MEDIA_ID);
}

/* NULL and "" look the same to the user. */
static gboolean
text_equal (const char *a,
            const char *b)
{
  return g_strcmp0 (a ? a : "", b ? b : "") == 0;
}

gboolean
sb_scene_equal_content (SbScene *a,
                        SbScene *b)
{
  g_return_val_if_fail (SB_IS_SCENE (a), FALSE);
  g_return_val_if_fail (SB_IS_SCENE (b), FALSE);

  return text_equal (a->title, b->title) &&
         text_equal (a->description, b->description) &&
         a->duration == b->duration &&
         text_equal (a->shot_notes, b->shot_notes) &&
         text_equal (a->generation_prompt, b->generation_prompt) &&
         a->chosen_media_id == b->chosen_media_id;
}
