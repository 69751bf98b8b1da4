/* sb-model-item.c
 *
 * Copyright 2026 The Storyboard authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "sb-brief"

#include "config.h"

#include "sb-model-item.h"

struct _SbModelItem
{
  GObject           parent_instance;

  /* Owned */
  SbReplicateModel *model;
  char             *id;
  char             *description;
  GdkPaintable     *cover;
};

G_DEFINE_FINAL_TYPE (SbModelItem, sb_model_item, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_ID,
  PROP_NAME,
  PROP_OWNER,
  PROP_DESCRIPTION,
  PROP_COVER,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
sb_model_item_finalize (GObject *object)
{
  SbModelItem *self = SB_MODEL_ITEM (object);

  g_clear_pointer (&self->model, sb_replicate_model_free);
  g_clear_pointer (&self->id, g_free);
  g_clear_pointer (&self->description, g_free);
  g_clear_object (&self->cover);

  G_OBJECT_CLASS (sb_model_item_parent_class)->finalize (object);
}

static void
sb_model_item_get_property (GObject    *object,
                            guint       prop_id,
                            GValue     *value,
                            GParamSpec *pspec)
{
  SbModelItem *self = SB_MODEL_ITEM (object);

  switch (prop_id)
    {
    case PROP_ID:
      g_value_set_string (value, self->id);
      break;

    case PROP_NAME:
      g_value_set_string (value, self->model->name);
      break;

    case PROP_OWNER:
      g_value_set_string (value, self->model->owner);
      break;

    case PROP_DESCRIPTION:
      g_value_set_string (value, self->description);
      break;

    case PROP_COVER:
      g_value_set_object (value, self->cover);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sb_model_item_set_property (GObject      *object,
                            guint         prop_id,
                            const GValue *value,
                            GParamSpec   *pspec)
{
  SbModelItem *self = SB_MODEL_ITEM (object);

  switch (prop_id)
    {
    case PROP_COVER:
      sb_model_item_set_cover (self, g_value_get_object (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sb_model_item_class_init (SbModelItemClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = sb_model_item_finalize;
  object_class->get_property = sb_model_item_get_property;
  object_class->set_property = sb_model_item_set_property;

  properties[PROP_ID] =
    g_param_spec_string ("id", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_NAME] =
    g_param_spec_string ("name", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_OWNER] =
    g_param_spec_string ("owner", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_DESCRIPTION] =
    g_param_spec_string ("description", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_COVER] =
    g_param_spec_object ("cover", NULL, NULL, GDK_TYPE_PAINTABLE,
                         G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
sb_model_item_init (SbModelItem *self)
{
}

/* The description on one line: model descriptions often hold newlines
 * and Markdown-ish runs of spaces. */
static char *
one_line (const char *text)
{
  g_autofree char *copy = g_strdup (text != NULL ? text : "");
  g_auto(GStrv) words = NULL;

  for (char *p = copy; *p; p++)
    if (*p == '\n' || *p == '\r' || *p == '\t')
      *p = ' ';
  words = g_strsplit (g_strstrip (copy), " ", -1);

  {
    g_autoptr(GString) out = g_string_new (NULL);

    for (guint i = 0; words[i] != NULL; i++)
      {
        if (words[i][0] == '\0')
          continue;
        if (out->len > 0)
          g_string_append_c (out, ' ');
        g_string_append (out, words[i]);
      }
    return g_string_free (g_steal_pointer (&out), FALSE);
  }
}

SbModelItem *
sb_model_item_new (const SbReplicateModel *model)
{
  SbModelItem *self;

  g_return_val_if_fail (model != NULL, NULL);

  self = g_object_new (SB_TYPE_MODEL_ITEM, NULL);
  self->model = sb_replicate_model_copy ((SbReplicateModel *) model);
  self->id = g_strdup_printf ("%s/%s", model->owner, model->name);
  self->description = one_line (model->description);

  return self;
}

SbReplicateModel *
sb_model_item_get_model (SbModelItem *self)
{
  g_return_val_if_fail (SB_IS_MODEL_ITEM (self), NULL);

  return self->model;
}

const char *
sb_model_item_get_id (SbModelItem *self)
{
  g_return_val_if_fail (SB_IS_MODEL_ITEM (self), NULL);

  return self->id;
}

const char *
sb_model_item_get_description (SbModelItem *self)
{
  g_return_val_if_fail (SB_IS_MODEL_ITEM (self), NULL);

  return self->description;
}

GdkPaintable *
sb_model_item_get_cover (SbModelItem *self)
{
  g_return_val_if_fail (SB_IS_MODEL_ITEM (self), NULL);

  return self->cover;
}

void
sb_model_item_set_cover (SbModelItem  *self,
                         GdkPaintable *cover)
{
  g_return_if_fail (SB_IS_MODEL_ITEM (self));
  g_return_if_fail (cover == NULL || GDK_IS_PAINTABLE (cover));

  if (g_set_object (&self->cover, cover))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_COVER]);
}
