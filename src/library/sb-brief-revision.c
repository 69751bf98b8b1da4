/* sb-brief-revision.c
 *
 * Copyright 2026 The Storyboard authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "sb-library"

#include "config.h"

#include <math.h>
#include <glib/gi18n.h>

#include "sb-brief-revision.h"

struct _SbBriefRevision
{
  GObject parent_instance;

  /* Owned */
  gint64      id;
  gint64      brief_id;
  guint       number;
  gint64      parent_id;
  char       *instruction;
  char       *provider;
  char       *model;
  GDateTime  *created_at;
  char       *title;
  char       *logline;
  char       *audience;
  char       *tone;
  char       *visual_style;
  GListStore *scenes;
};

G_DEFINE_TYPE (SbBriefRevision, sb_brief_revision, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_ID,
  PROP_BRIEF_ID,
  PROP_NUMBER,
  PROP_PARENT_ID,
  PROP_INSTRUCTION,
  PROP_PROVIDER,
  PROP_MODEL,
  PROP_CREATED_AT,
  PROP_TITLE,
  PROP_LOGLINE,
  PROP_AUDIENCE,
  PROP_TONE,
  PROP_VISUAL_STYLE,
  PROP_SCENES,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
set_string (SbBriefRevision  *self,
            char            **field,
            const char       *value,
            guint             prop_id)
{
  if (g_strcmp0 (*field, value) == 0)
    return;

  g_free (*field);
  *field = g_strdup (value);
  g_object_notify_by_pspec (G_OBJECT (self), properties[prop_id]);
}

static void
set_int64 (SbBriefRevision *self,
           gint64          *field,
           gint64           value,
           guint            prop_id)
{
  if (*field == value)
    return;

  *field = value;
  g_object_notify_by_pspec (G_OBJECT (self), properties[prop_id]);
}

static void
sb_brief_revision_finalize (GObject *object)
{
  SbBriefRevision *self = (SbBriefRevision *) object;

  g_clear_pointer (&self->instruction, g_free);
  g_clear_pointer (&self->provider, g_free);
  g_clear_pointer (&self->model, g_free);
  g_clear_pointer (&self->created_at, g_date_time_unref);
  g_clear_pointer (&self->title, g_free);
  g_clear_pointer (&self->logline, g_free);
  g_clear_pointer (&self->audience, g_free);
  g_clear_pointer (&self->tone, g_free);
  g_clear_pointer (&self->visual_style, g_free);
  g_clear_object (&self->scenes);

  G_OBJECT_CLASS (sb_brief_revision_parent_class)->finalize (object);
}

static void
sb_brief_revision_get_property (GObject    *object,
                                guint       prop_id,
                                GValue     *value,
                                GParamSpec *pspec)
{
  SbBriefRevision *self = SB_BRIEF_REVISION (object);

  switch (prop_id)
    {
    case PROP_ID:
      g_value_set_int64 (value, self->id);
      break;

    case PROP_BRIEF_ID:
      g_value_set_int64 (value, self->brief_id);
      break;

    case PROP_NUMBER:
      g_value_set_uint (value, self->number);
      break;

    case PROP_PARENT_ID:
      g_value_set_int64 (value, self->parent_id);
      break;

    case PROP_INSTRUCTION:
      g_value_set_string (value, self->instruction);
      break;

    case PROP_PROVIDER:
      g_value_set_string (value, self->provider);
      break;

    case PROP_MODEL:
      g_value_set_string (value, self->model);
      break;

    case PROP_CREATED_AT:
      g_value_set_boxed (value, self->created_at);
      break;

    case PROP_TITLE:
      g_value_set_string (value, self->title);
      break;

    case PROP_LOGLINE:
      g_value_set_string (value, self->logline);
      break;

    case PROP_AUDIENCE:
      g_value_set_string (value, self->audience);
      break;

    case PROP_TONE:
      g_value_set_string (value, self->tone);
      break;

    case PROP_VISUAL_STYLE:
      g_value_set_string (value, self->visual_style);
      break;

    case PROP_SCENES:
      g_value_set_object (value, self->scenes);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sb_brief_revision_set_property (GObject      *object,
                                guint         prop_id,
                                const GValue *value,
                                GParamSpec   *pspec)
{
  SbBriefRevision *self = SB_BRIEF_REVISION (object);

  switch (prop_id)
    {
    case PROP_ID:
      sb_brief_revision_set_id (self, g_value_get_int64 (value));
      break;

    case PROP_BRIEF_ID:
      sb_brief_revision_set_brief_id (self, g_value_get_int64 (value));
      break;

    case PROP_NUMBER:
      sb_brief_revision_set_number (self, g_value_get_uint (value));
      break;

    case PROP_PARENT_ID:
      sb_brief_revision_set_parent_id (self, g_value_get_int64 (value));
      break;

    case PROP_INSTRUCTION:
      sb_brief_revision_set_instruction (self, g_value_get_string (value));
      break;

    case PROP_PROVIDER:
      sb_brief_revision_set_provider (self, g_value_get_string (value));
      break;

    case PROP_MODEL:
      sb_brief_revision_set_model (self, g_value_get_string (value));
      break;

    case PROP_CREATED_AT:
      sb_brief_revision_set_created_at (self, g_value_get_boxed (value));
      break;

    case PROP_TITLE:
      sb_brief_revision_set_title (self, g_value_get_string (value));
      break;

    case PROP_LOGLINE:
      sb_brief_revision_set_logline (self, g_value_get_string (value));
      break;

    case PROP_AUDIENCE:
      sb_brief_revision_set_audience (self, g_value_get_string (value));
      break;

    case PROP_TONE:
      sb_brief_revision_set_tone (self, g_value_get_string (value));
      break;

    case PROP_VISUAL_STYLE:
      sb_brief_revision_set_visual_style (self, g_value_get_string (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sb_brief_revision_class_init (SbBriefRevisionClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  const GParamFlags rw = G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS;
  const GParamFlags ro = G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS;

  object_class->finalize = sb_brief_revision_finalize;
  object_class->get_property = sb_brief_revision_get_property;
  object_class->set_property = sb_brief_revision_set_property;

  properties[PROP_ID] =
    g_param_spec_int64 ("id", NULL, NULL, 0, G_MAXINT64, 0, rw);
  properties[PROP_BRIEF_ID] =
    g_param_spec_int64 ("brief-id", NULL, NULL, 0, G_MAXINT64, 0, rw);
  properties[PROP_NUMBER] =
    g_param_spec_uint ("number", NULL, NULL, 0, G_MAXUINT, 0, rw);
  properties[PROP_PARENT_ID] =
    g_param_spec_int64 ("parent-id", NULL, NULL, 0, G_MAXINT64, 0, rw);
  properties[PROP_INSTRUCTION] =
    g_param_spec_string ("instruction", NULL, NULL, NULL, rw);
  properties[PROP_PROVIDER] =
    g_param_spec_string ("provider", NULL, NULL, NULL, rw);
  properties[PROP_MODEL] =
    g_param_spec_string ("model", NULL, NULL, NULL, rw);
  properties[PROP_CREATED_AT] =
    g_param_spec_boxed ("created-at", NULL, NULL, G_TYPE_DATE_TIME, rw);
  properties[PROP_TITLE] =
    g_param_spec_string ("title", NULL, NULL, NULL, rw);
  properties[PROP_LOGLINE] =
    g_param_spec_string ("logline", NULL, NULL, NULL, rw);
  properties[PROP_AUDIENCE] =
    g_param_spec_string ("audience", NULL, NULL, NULL, rw);
  properties[PROP_TONE] =
    g_param_spec_string ("tone", NULL, NULL, NULL, rw);
  properties[PROP_VISUAL_STYLE] =
    g_param_spec_string ("visual-style", NULL, NULL, NULL, rw);
  /* The store itself never changes; its items do. */
  properties[PROP_SCENES] =
    g_param_spec_object ("scenes", NULL, NULL, G_TYPE_LIST_STORE, ro);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
sb_brief_revision_init (SbBriefRevision *self)
{
  self->scenes = g_list_store_new (SB_TYPE_SCENE);
}

SbBriefRevision *
sb_brief_revision_new (void)
{
  return g_object_new (SB_TYPE_BRIEF_REVISION, NULL);
}

SbBriefRevision *
sb_brief_revision_copy (SbBriefRevision *self)
{
  SbBriefRevision *copy;
  guint n_scenes;

  g_return_val_if_fail (SB_IS_BRIEF_REVISION (self), NULL);

  copy = sb_brief_revision_new ();
  copy->brief_id = self->brief_id;
  copy->instruction = g_strdup (self->instruction);
  copy->provider = g_strdup (self->provider);
  copy->model = g_strdup (self->model);
  copy->title = g_strdup (self->title);
  copy->logline = g_strdup (self->logline);
  copy->audience = g_strdup (self->audience);
  copy->tone = g_strdup (self->tone);
  copy->visual_style = g_strdup (self->visual_style);

  n_scenes = g_list_model_get_n_items (G_LIST_MODEL (self->scenes));
  for (guint i = 0; i < n_scenes; i++)
    {
      g_autoptr(SbScene) scene = g_list_model_get_item (G_LIST_MODEL (self->scenes), i);
      g_autoptr(SbScene) scene_copy = sb_scene_copy (scene);

      g_list_store_append (copy->scenes, scene_copy);
    }

  return copy;
}

gint64
sb_brief_revision_get_id (SbBriefRevision *self)
{
  g_return_val_if_fail (SB_IS_BRIEF_REVISION (self), 0);

  return self->id;
}

void
sb_brief_revision_set_id (SbBriefRevision *self,
                          gint64           id)
{
  g_return_if_fail (SB_IS_BRIEF_REVISION (self));
  g_return_if_fail (id >= 0);

  set_int64 (self, &self->id, id, PROP_ID);
}

gint64
sb_brief_revision_get_brief_id (SbBriefRevision *self)
{
  g_return_val_if_fail (SB_IS_BRIEF_REVISION (self), 0);

  return self->brief_id;
}

void
sb_brief_revision_set_brief_id (SbBriefRevision *self,
                                gint64           brief_id)
{
  g_return_if_fail (SB_IS_BRIEF_REVISION (self));
  g_return_if_fail (brief_id >= 0);

  set_int64 (self, &self->brief_id, brief_id, PROP_BRIEF_ID);
}

guint
sb_brief_revision_get_number (SbBriefRevision *self)
{
  g_return_val_if_fail (SB_IS_BRIEF_REVISION (self), 0);

  return self->number;
}

void
sb_brief_revision_set_number (SbBriefRevision *self,
                              guint            number)
{
  g_return_if_fail (SB_IS_BRIEF_REVISION (self));

  if (self->number == number)
    return;

  self->number = number;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_NUMBER]);
}

gint64
sb_brief_revision_get_parent_id (SbBriefRevision *self)
{
  g_return_val_if_fail (SB_IS_BRIEF_REVISION (self), 0);

  return self->parent_id;
}

void
sb_brief_revision_set_parent_id (SbBriefRevision *self,
                                 gint64           parent_id)
{
  g_return_if_fail (SB_IS_BRIEF_REVISION (self));
  g_return_if_fail (parent_id >= 0);

  set_int64 (self, &self->parent_id, parent_id, PROP_PARENT_ID);
}

const char *
sb_brief_revision_get_instruction (SbBriefRevision *self)
{
  g_return_val_if_fail (SB_IS_BRIEF_REVISION (self), NULL);

  return self->instruction;
}

void
sb_brief_revision_set_instruction (SbBriefRevision *self,
                                   const char      *instruction)
{
  g_return_if_fail (SB_IS_BRIEF_REVISION (self));

  set_string (self, &self->instruction, instruction, PROP_INSTRUCTION);
}

const char *
sb_brief_revision_get_provider (SbBriefRevision *self)
{
  g_return_val_if_fail (SB_IS_BRIEF_REVISION (self), NULL);

  return self->provider;
}

void
sb_brief_revision_set_provider (SbBriefRevision *self,
                                const char      *provider)
{
  g_return_if_fail (SB_IS_BRIEF_REVISION (self));

  set_string (self, &self->provider, provider, PROP_PROVIDER);
}

const char *
sb_brief_revision_get_model (SbBriefRevision *self)
{
  g_return_val_if_fail (SB_IS_BRIEF_REVISION (self), NULL);

  return self->model;
}

void
sb_brief_revision_set_model (SbBriefRevision *self,
                             const char      *model)
{
  g_return_if_fail (SB_IS_BRIEF_REVISION (self));

  set_string (self, &self->model, model, PROP_MODEL);
}

GDateTime *
sb_brief_revision_get_created_at (SbBriefRevision *self)
{
  g_return_val_if_fail (SB_IS_BRIEF_REVISION (self), NULL);

  return self->created_at;
}

void
sb_brief_revision_set_created_at (SbBriefRevision *self,
                                  GDateTime       *created_at)
{
  g_return_if_fail (SB_IS_BRIEF_REVISION (self));

  if (self->created_at == created_at ||
      (self->created_at != NULL && created_at != NULL &&
       g_date_time_equal (self->created_at, created_at)))
    return;

  g_clear_pointer (&self->created_at, g_date_time_unref);
  self->created_at = created_at ? g_date_time_ref (created_at) : NULL;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CREATED_AT]);
}

const char *
sb_brief_revision_get_title (SbBriefRevision *self)
{
  g_return_val_if_fail (SB_IS_BRIEF_REVISION (self), NULL);

  return self->title;
}

void
sb_brief_revision_set_title (SbBriefRevision *self,
                             const char      *title)
{
  g_return_if_fail (SB_IS_BRIEF_REVISION (self));

  set_string (self, &self->title, title, PROP_TITLE);
}

const char *
sb_brief_revision_get_logline (SbBriefRevision *self)
{
  g_return_val_if_fail (SB_IS_BRIEF_REVISION (self), NULL);

  return self->logline;
}

void
sb_brief_revision_set_logline (SbBriefRevision *self,
                               const char      *logline)
{
  g_return_if_fail (SB_IS_BRIEF_REVISION (self));

  set_string (self, &self->logline, logline, PROP_LOGLINE);
}

const char *
sb_brief_revision_get_audience (SbBriefRevision *self)
{
  g_return_val_if_fail (SB_IS_BRIEF_REVISION (self), NULL);

  return self->audience;
}

void
sb_brief_revision_set_audience (SbBriefRevision *self,
                                const char      *audience)
{
  g_return_if_fail (SB_IS_BRIEF_REVISION (self));

  set_string (self, &self->audience, audience, PROP_AUDIENCE);
}

const char *
sb_brief_revision_get_tone (SbBriefRevision *self)
{
  g_return_val_if_fail (SB_IS_BRIEF_REVISION (self), NULL);

  return self->tone;
}

void
sb_brief_revision_set_tone (SbBriefRevision *self,
                            const char      *tone)
{
  g_return_if_fail (SB_IS_BRIEF_REVISION (self));

  set_string (self, &self->tone, tone, PROP_TONE);
}

const char *
sb_brief_revision_get_visual_style (SbBriefRevision *self)
{
  g_return_val_if_fail (SB_IS_BRIEF_REVISION (self), NULL);

  return self->visual_style;
}

void
sb_brief_revision_set_visual_style (SbBriefRevision *self,
                                    const char      *visual_style)
{
  g_return_if_fail (SB_IS_BRIEF_REVISION (self));

  set_string (self, &self->visual_style, visual_style, PROP_VISUAL_STYLE);
}

GListStore *
sb_brief_revision_get_scenes (SbBriefRevision *self)
{
  g_return_val_if_fail (SB_IS_BRIEF_REVISION (self), NULL);

  return self->scenes;
}

/* JSON */

static void
add_string (JsonBuilder *builder,
            const char  *name,
            const char  *value)
{
  json_builder_set_member_name (builder, name);
  json_builder_add_string_value (builder, value ? value : "");
}

JsonNode *
sb_brief_revision_to_json (SbBriefRevision *self)
{
  g_autoptr(JsonBuilder) builder = NULL;
  guint n_scenes;

  g_return_val_if_fail (SB_IS_BRIEF_REVISION (self), NULL);

  builder = json_builder_new ();
  json_builder_begin_object (builder);
  add_string (builder, "title", self->title);
  add_string (builder, "logline", self->logline);
  add_string (builder, "audience", self->audience);
  add_string (builder, "tone", self->tone);
  add_string (builder, "visual_style", self->visual_style);

  json_builder_set_member_name (builder, "scenes");
  json_builder_begin_array (builder);
  n_scenes = g_list_model_get_n_items (G_LIST_MODEL (self->scenes));
  for (guint i = 0; i < n_scenes; i++)
    {
      g_autoptr(SbScene) scene = g_list_model_get_item (G_LIST_MODEL (self->scenes), i);

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "number");
      json_builder_add_int_value (builder, i + 1);
      add_string (builder, "title", sb_scene_get_title (scene));
      add_string (builder, "description", sb_scene_get_description (scene));
      json_builder_set_member_name (builder, "duration_seconds");
      json_builder_add_double_value (builder, sb_scene_get_duration (scene));
      add_string (builder, "shot_notes", sb_scene_get_shot_notes (scene));
      add_string (builder, "generation_prompt", sb_scene_get_generation_prompt (scene));
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);

  json_builder_end_object (builder);

  return json_builder_get_root (builder);
}

static gboolean
set_invalid_error (GError     **error,
                   const char  *member)
{
  g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
               /* Translators: %s is a field name of a brief, such as "logline" */
               _("The brief has an invalid “%s”"), member);
  return FALSE;
}

/* A missing or null member is NULL; anything but a string is an error. */
static gboolean
get_string_member (JsonObject   *object,
                   const char   *member,
                   const char  **out_value,
                   GError      **error)
{
  JsonNode *node = json_object_get_member (object, member);

  *out_value = NULL;

  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    return TRUE;

  if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
    return set_invalid_error (error, member);

  *out_value = json_node_get_string (node);

  return TRUE;
}

static gboolean
node_is_number (JsonNode *node)
{
  GType type;

  if (!JSON_NODE_HOLDS_VALUE (node))
    return FALSE;

  type = json_node_get_value_type (node);

  return type == G_TYPE_INT64 || type == G_TYPE_DOUBLE;
}

static SbScene *
scene_from_json (JsonNode  *node,
                 GError   **error)
{
  g_autoptr(SbScene) scene = NULL;
  JsonObject *object;
  JsonNode *member;
  const char *value;

  if (!JSON_NODE_HOLDS_OBJECT (node))
    {
      set_invalid_error (error, "scenes");
      return NULL;
    }

  object = json_node_get_object (node);
  scene = sb_scene_new ();

  /* The number is the position in the array; only its type is checked. */
  member = json_object_get_member (object, "number");
  if (member != NULL && !JSON_NODE_HOLDS_NULL (member) && !node_is_number (member))
    {
      set_invalid_error (error, "number");
      return NULL;
    }

  member = json_object_get_member (object, "duration_seconds");
  if (member != NULL && !JSON_NODE_HOLDS_NULL (member))
    {
      double duration;

      if (!node_is_number (member))
        {
          set_invalid_error (error, "duration_seconds");
          return NULL;
        }

      duration = json_node_get_double (member);
      if (!isfinite (duration) || duration < 0)
        {
          set_invalid_error (error, "duration_seconds");
          return NULL;
        }

      sb_scene_set_duration (scene, duration);
    }

  if (!get_string_member (object, "title", &value, error))
    return NULL;
  sb_scene_set_title (scene, value);

  if (!get_string_member (object, "description", &value, error))
    return NULL;
  sb_scene_set_description (scene, value);

  if (!get_string_member (object, "shot_notes", &value, error))
    return NULL;
  sb_scene_set_shot_notes (scene, value);

  if (!get_string_member (object, "generation_prompt", &value, error))
    return NULL;
  sb_scene_set_generation_prompt (scene, value);

  return g_steal_pointer (&scene);
}

SbBriefRevision *
sb_brief_revision_new_from_json (JsonNode  *node,
                                 GError   **error)
{
  g_autoptr(SbBriefRevision) self = NULL;
  JsonObject *object;
  JsonNode *scenes;
  const char *value;

  g_return_val_if_fail (node != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!JSON_NODE_HOLDS_OBJECT (node))
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                           _("The brief is not a JSON object"));
      return NULL;
    }

  object = json_node_get_object (node);
  self = sb_brief_revision_new ();

  if (!get_string_member (object, "title", &value, error))
    return NULL;
  self->title = g_strdup (value);

  if (!get_string_member (object, "logline", &value, error))
    return NULL;
  self->logline = g_strdup (value);

  if (!get_string_member (object, "audience", &value, error))
    return NULL;
  self->audience = g_strdup (value);

  if (!get_string_member (object, "tone", &value, error))
    return NULL;
  self->tone = g_strdup (value);

  if (!get_string_member (object, "visual_style", &value, error))
    return NULL;
  self->visual_style = g_strdup (value);

  scenes = json_object_get_member (object, "scenes");
  if (scenes != NULL && !JSON_NODE_HOLDS_NULL (scenes))
    {
      JsonArray *array;
      guint n_scenes;

      if (!JSON_NODE_HOLDS_ARRAY (scenes))
        {
          set_invalid_error (error, "scenes");
          return NULL;
        }

      array = json_node_get_array (scenes);
      n_scenes = json_array_get_length (array);
      for (guint i = 0; i < n_scenes; i++)
        {
          g_autoptr(SbScene) scene = scene_from_json (json_array_get_element (array, i), error);

          if (scene == NULL)
            return NULL;

          g_list_store_append (self->scenes, scene);
        }
    }

  return g_steal_pointer (&self);
}
