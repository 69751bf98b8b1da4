/* sb-model-schema.c
 *
 * Copyright 2026 The Storyboard authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "sb-providers"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "sb-model-schema.h"
#include "sb-json.h"

#define MAX_REF_DEPTH 8

typedef struct
{
  SbModelParam     param;
  gatomicrefcount  ref_count;
  guint            index;   /* document order, for a stable sort */
} SbModelParamReal;

G_DEFINE_BOXED_TYPE (SbModelParam, sb_model_param, sb_model_param_ref, sb_model_param_unref)

static SbModelParam *
sb_model_param_new (const char *name)
{
  SbModelParamReal *real = g_new0 (SbModelParamReal, 1);

  g_atomic_ref_count_init (&real->ref_count);
  real->param.name = g_strdup (name);
  real->param.order = G_MAXINT;
  real->param.max_length = -1;
  real->param.type = SB_MODEL_PARAM_UNKNOWN;
  real->param.item_type = SB_MODEL_PARAM_UNKNOWN;

  return &real->param;
}

SbModelParam *
sb_model_param_ref (SbModelParam *self)
{
  SbModelParamReal *real = (SbModelParamReal *) self;

  g_return_val_if_fail (self != NULL, NULL);

  g_atomic_ref_count_inc (&real->ref_count);
  return self;
}

void
sb_model_param_unref (SbModelParam *self)
{
  SbModelParamReal *real = (SbModelParamReal *) self;

  g_return_if_fail (self != NULL);

  if (!g_atomic_ref_count_dec (&real->ref_count))
    return;

  g_free (self->name);
  g_free (self->title);
  g_free (self->description);
  g_strfreev (self->choices);
  g_clear_pointer (&self->default_value, json_node_unref);
  g_free (real);
}

static SbModelParamType
type_from_string (const char *type,
                  const char *format)
{
  if (type == NULL)
    return SB_MODEL_PARAM_UNKNOWN;
  if (g_str_equal (type, "string"))
    return g_strcmp0 (format, "uri") == 0 ? SB_MODEL_PARAM_FILE : SB_MODEL_PARAM_STRING;
  if (g_str_equal (type, "integer"))
    return SB_MODEL_PARAM_INTEGER;
  if (g_str_equal (type, "number"))
    return SB_MODEL_PARAM_NUMBER;
  if (g_str_equal (type, "boolean"))
    return SB_MODEL_PARAM_BOOLEAN;
  if (g_str_equal (type, "array"))
    return SB_MODEL_PARAM_ARRAY;
  if (g_str_equal (type, "object"))
    return SB_MODEL_PARAM_OBJECT;
  return SB_MODEL_PARAM_UNKNOWN;
}

static char *
node_to_text (JsonNode *node)
{
  GType type;

  if (!JSON_NODE_HOLDS_VALUE (node))
    return NULL;

  type = json_node_get_value_type (node);
  if (type == G_TYPE_STRING)
    return g_strdup (json_node_get_string (node));
  if (type == G_TYPE_INT64)
    return g_strdup_printf ("%" G_GINT64_FORMAT, json_node_get_int (node));
  if (type == G_TYPE_DOUBLE)
    {
      char buf[G_ASCII_DTOSTR_BUF_SIZE];
      return g_strdup (g_ascii_dtostr (buf, sizeof buf, json_node_get_double (node)));
    }
  if (type == G_TYPE_BOOLEAN)
    return g_strdup (json_node_get_boolean (node) ? "true" : "false");

  return NULL;
}

static JsonObject *
resolve_ref (JsonObject *components,
             const char *ref)
{
  const char *prefix = "#/components/schemas/";
  JsonNode *node;

  if (components == NULL || ref == NULL || !g_str_has_prefix (ref, prefix))
    return NULL;

  node = json_object_get_member (components, ref + strlen (prefix));
  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    return NULL;

  return json_node_get_object (node);
}

/* Applies the keywords of @schema to @param.  @own is TRUE for the
 * property itself, whose keys win over those of referenced schemas. */
static void
apply_schema (SbModelParam *param,
              JsonObject   *schema,
              JsonObject   *components,
              gboolean      own,
              guint         depth)
{
  const char *ref;
  JsonNode *node;
  double number;

  if (depth > MAX_REF_DEPTH)
    return;

  /* Referenced schemas first, so that the property's own keys override. */
  ref = sb_json_get_string (schema, "$ref");
  if (ref != NULL)
    {
      JsonObject *target = resolve_ref (components, ref);
      if (target != NULL)
        apply_schema (param, target, components, FALSE, depth + 1);
    }

  node = json_object_get_member (schema, "allOf");
  if (node != NULL && JSON_NODE_HOLDS_ARRAY (node))
    {
      JsonArray *array = json_node_get_array (node);

      for (guint i = 0; i < json_array_get_length (array); i++)
        {
          JsonNode *item = json_array_get_element (array, i);
          if (JSON_NODE_HOLDS_OBJECT (item))
            apply_schema (param, json_node_get_object (item), components, FALSE, depth + 1);
        }
    }

  /* Optional values in newer pydantic: anyOf [{type: X}, {type: null}]. */
  for (guint k = 0; k < 2; k++)
    {
      node = json_object_get_member (schema, k == 0 ? "anyOf" : "oneOf");
      if (node != NULL && JSON_NODE_HOLDS_ARRAY (node))
        {
          JsonArray *array = json_node_get_array (node);

          for (guint i = 0; i < json_array_get_length (array); i++)
            {
              JsonNode *item = json_array_get_element (array, i);
              JsonObject *object;

              if (!JSON_NODE_HOLDS_OBJECT (item))
                continue;
              object = json_node_get_object (item);
              if (g_strcmp0 (sb_json_get_string (object, "type"), "null") == 0)
                continue;
              apply_schema (param, object, components, FALSE, depth + 1);
              break;
            }
        }
    }

  if (json_object_has_member (schema, "type"))
    {
      const char *type = sb_json_get_string (schema, "type");
      SbModelParamType parsed = type_from_string (type, sb_json_get_string (schema, "format"));

      if (parsed != SB_MODEL_PARAM_UNKNOWN)
        param->type = parsed;
    }
  else if (g_strcmp0 (sb_json_get_string (schema, "format"), "uri") == 0 &&
           param->type == SB_MODEL_PARAM_STRING)
    {
      param->type = SB_MODEL_PARAM_FILE;
    }

  if (param->type == SB_MODEL_PARAM_ARRAY)
    {
      node = json_object_get_member (schema, "items");
      if (node != NULL && JSON_NODE_HOLDS_OBJECT (node))
        {
          JsonObject *items = json_node_get_object (node);
          JsonObject *target = resolve_ref (components, sb_json_get_string (items, "$ref"));

          if (target != NULL)
            items = target;
          param->item_type = type_from_string (sb_json_get_string (items, "type"),
                                               sb_json_get_string (items, "format"));
        }
    }

  if ((g_strcmp0 (sb_json_get_string (schema, "format"), "password") == 0) ||
      json_object_has_member (schema, "x-cog-secret"))
    param->secret = TRUE;

  node = json_object_get_member (schema, "enum");
  if (node != NULL && JSON_NODE_HOLDS_ARRAY (node))
    {
      JsonArray *array = json_node_get_array (node);
      g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();

      for (guint i = 0; i < json_array_get_length (array); i++)
        {
          g_autofree char *text = node_to_text (json_array_get_element (array, i));
          if (text != NULL)
            g_strv_builder_add (builder, text);
        }

      g_strfreev (param->choices);
      param->choices = g_strv_builder_end (builder);
    }

  if (sb_json_get_number (schema, "minimum", &number))
    {
      param->minimum = number;
      param->has_minimum = TRUE;
    }

  if (sb_json_get_number (schema, "maximum", &number))
    {
      param->maximum = number;
      param->has_maximum = TRUE;
    }

  if (sb_json_get_number (schema, "maxLength", &number))
    param->max_length = (int) number;

  /* A referenced enum's title is its Python class name ("scheduler") and
   * its description "An enumeration.": only use them as fallbacks. */
  if (sb_json_get_string (schema, "title") != NULL && (own || param->title == NULL))
    {
      g_free (param->title);
      param->title = g_strdup (sb_json_get_string (schema, "title"));
    }

  if (sb_json_get_string (schema, "description") != NULL &&
      (own || param->description == NULL) &&
      !(!own && g_str_equal (sb_json_get_string (schema, "description"), "An enumeration.")))
    {
      g_free (param->description);
      param->description = g_strdup (sb_json_get_string (schema, "description"));
    }

  node = json_object_get_member (schema, "default");
  if (node != NULL && (own || param->default_value == NULL) && !JSON_NODE_HOLDS_NULL (node))
    {
      g_clear_pointer (&param->default_value, json_node_unref);
      param->default_value = json_node_copy (node);
    }

  if (own && sb_json_get_number (schema, "x-order", &number))
    param->order = (int) number;
}

static char *
title_from_name (const char *name)
{
  g_autofree char *copy = g_strdup (name);

  for (char *p = copy; *p; p++)
    if (*p == '_')
      *p = ' ';

  if (copy[0] != '\0')
    copy[0] = g_ascii_toupper (copy[0]);

  return g_steal_pointer (&copy);
}

static int
compare_params (gconstpointer a,
                gconstpointer b)
{
  const SbModelParamReal *pa = *(SbModelParamReal * const *) a;
  const SbModelParamReal *pb = *(SbModelParamReal * const *) b;

  if (pa->param.order != pb->param.order)
    return pa->param.order < pb->param.order ? -1 : 1;

  return pa->index < pb->index ? -1 : (pa->index > pb->index);
}

GPtrArray *
sb_model_schema_parse (JsonNode  *openapi_schema,
                       GError   **error)
{
  g_autoptr(GPtrArray) params = NULL;
  JsonObject *root;
  JsonObject *components = NULL;
  JsonObject *input;
  JsonNode *node;
  g_autoptr(GList) members = NULL;
  guint index = 0;

  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (openapi_schema == NULL || !JSON_NODE_HOLDS_OBJECT (openapi_schema))
    goto no_input;

  root = json_node_get_object (openapi_schema);
  node = json_object_get_member (root, "components");
  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    goto no_input;

  node = json_object_get_member (json_node_get_object (node), "schemas");
  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    goto no_input;

  components = json_node_get_object (node);
  node = json_object_get_member (components, "Input");
  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    goto no_input;

  input = json_node_get_object (node);
  params = g_ptr_array_new_with_free_func ((GDestroyNotify) sb_model_param_unref);

  node = json_object_get_member (input, "properties");
  if (node != NULL && JSON_NODE_HOLDS_OBJECT (node))
    {
      JsonObject *properties = json_node_get_object (node);

      members = json_object_get_members (properties);
      for (const GList *l = members; l != NULL; l = l->next)
        {
          const char *name = l->data;
          JsonNode *prop = json_object_get_member (properties, name);
          SbModelParam *param;

          if (!JSON_NODE_HOLDS_OBJECT (prop))
            continue;

          param = sb_model_param_new (name);
          ((SbModelParamReal *) param)->index = index++;
          apply_schema (param, json_node_get_object (prop), components, TRUE, 0);

          if (param->type == SB_MODEL_PARAM_UNKNOWN)
            param->type = param->choices != NULL ? SB_MODEL_PARAM_STRING : SB_MODEL_PARAM_STRING;
          if (param->title == NULL)
            param->title = title_from_name (name);

          g_ptr_array_add (params, param);
        }
    }

  node = json_object_get_member (input, "required");
  if (node != NULL && JSON_NODE_HOLDS_ARRAY (node))
    {
      JsonArray *required = json_node_get_array (node);

      for (guint i = 0; i < json_array_get_length (required); i++)
        {
          JsonNode *item = json_array_get_element (required, i);

          if (!JSON_NODE_HOLDS_VALUE (item) || json_node_get_value_type (item) != G_TYPE_STRING)
            continue;

          for (guint j = 0; j < params->len; j++)
            {
              SbModelParam *param = g_ptr_array_index (params, j);
              if (g_str_equal (param->name, json_node_get_string (item)))
                param->required = TRUE;
            }
        }
    }

  g_ptr_array_sort (params, compare_params);

  return g_steal_pointer (&params);

no_input:
  g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                       _("The model does not describe its inputs."));
  return NULL;
}

static gboolean
node_is_number (JsonNode *node,
                double   *out)
{
  GType type;

  if (!JSON_NODE_HOLDS_VALUE (node))
    return FALSE;

  type = json_node_get_value_type (node);
  if (type == G_TYPE_INT64)
    *out = json_node_get_int (node);
  else if (type == G_TYPE_DOUBLE)
    *out = json_node_get_double (node);
  else
    return FALSE;

  return TRUE;
}

static char *
format_number (double value)
{
  char buf[G_ASCII_DTOSTR_BUF_SIZE];

  if (value == floor (value) && fabs (value) < 1e15)
    return g_strdup_printf ("%.0f", value);

  return g_strdup (g_ascii_dtostr (buf, sizeof buf, value));
}

static char *
check_value (SbModelParam *param,
             JsonNode     *value)
{
  double number = 0;

  if (JSON_NODE_HOLDS_NULL (value))
    return param->required ? g_strdup (_("This input is required.")) : NULL;

  switch (param->type)
    {
    case SB_MODEL_PARAM_INTEGER:
      if (!node_is_number (value, &number) || number != floor (number))
        {
          /* Enums of integer inputs are sometimes declared as strings. */
          if (param->choices == NULL)
            return g_strdup (_("Must be a whole number."));
        }
      break;

    case SB_MODEL_PARAM_NUMBER:
      if (!node_is_number (value, &number))
        return g_strdup (_("Must be a number."));
      break;

    case SB_MODEL_PARAM_BOOLEAN:
      if (!JSON_NODE_HOLDS_VALUE (value) || json_node_get_value_type (value) != G_TYPE_BOOLEAN)
        return g_strdup (_("Must be on or off."));
      break;

    case SB_MODEL_PARAM_STRING:
    case SB_MODEL_PARAM_FILE:
      if (!JSON_NODE_HOLDS_VALUE (value) || json_node_get_value_type (value) != G_TYPE_STRING)
        {
          if (param->choices == NULL)
            return g_strdup (_("Must be text."));
        }
      else if (param->max_length >= 0 &&
               g_utf8_strlen (json_node_get_string (value), -1) > param->max_length)
        {
          return g_strdup_printf (_("Must be at most %d characters long."), param->max_length);
        }
      break;

    case SB_MODEL_PARAM_ARRAY:
      if (!JSON_NODE_HOLDS_ARRAY (value))
        return g_strdup (_("Must be a list."));
      break;

    case SB_MODEL_PARAM_OBJECT:
    case SB_MODEL_PARAM_UNKNOWN:
    default:
      break;
    }

  if (param->choices != NULL)
    {
      g_autofree char *text = node_to_text (value);

      if (text == NULL || !g_strv_contains ((const char * const *) param->choices, text))
        {
          g_autofree char *list = g_strjoinv (", ", param->choices);
          return g_strdup_printf (_("Must be one of: %s."), list);
        }
    }

  if ((param->type == SB_MODEL_PARAM_INTEGER || param->type == SB_MODEL_PARAM_NUMBER) &&
      node_is_number (value, &number))
    {
      if (param->has_minimum && number < param->minimum)
        {
          g_autofree char *bound = format_number (param->minimum);
          return g_strdup_printf (_("Must be greater than or equal to %s."), bound);
        }
      if (param->has_maximum && number > param->maximum)
        {
          g_autofree char *bound = format_number (param->maximum);
          return g_strdup_printf (_("Must be less than or equal to %s."), bound);
        }
    }

  return NULL;
}

gboolean
sb_model_schema_validate (GPtrArray   *params,
                          JsonObject  *input,
                          GHashTable **out_fields)
{
  g_autoptr(GHashTable) fields = NULL;
  g_autoptr(GList) members = NULL;

  g_return_val_if_fail (params != NULL, FALSE);
  g_return_val_if_fail (input != NULL, FALSE);

  fields = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);

  for (guint i = 0; i < params->len; i++)
    {
      SbModelParam *param = g_ptr_array_index (params, i);
      JsonNode *value = json_object_get_member (input, param->name);
      char *message = NULL;

      if (value == NULL)
        {
          if (param->required && param->default_value == NULL)
            message = g_strdup (_("This input is required."));
        }
      else
        {
          message = check_value (param, value);
        }

      if (message != NULL)
        g_hash_table_insert (fields, g_strdup (param->name), message);
    }

  members = json_object_get_members (input);
  for (const GList *l = members; l != NULL; l = l->next)
    {
      gboolean known = FALSE;

      for (guint i = 0; i < params->len && !known; i++)
        known = g_str_equal (((SbModelParam *) g_ptr_array_index (params, i))->name, l->data);

      if (!known)
        g_hash_table_insert (fields, g_strdup (l->data),
                             g_strdup (_("This model has no such input.")));
    }

  if (g_hash_table_size (fields) == 0)
    return TRUE;

  if (out_fields != NULL)
    *out_fields = g_steal_pointer (&fields);

  return FALSE;
}

static gboolean
param_is_file (SbModelParam *param)
{
  return param->type == SB_MODEL_PARAM_FILE ||
         (param->type == SB_MODEL_PARAM_ARRAY && param->item_type == SB_MODEL_PARAM_FILE);
}

SbModelParam *
sb_model_schema_find_image_input (GPtrArray *params)
{
  /* The image inputs of image-to-video models, most likely first. */
  static const char * const names[] = {
    "image", "first_frame_image", "start_image", "input_image", "init_image", NULL
  };
  static const char * const last_frame[] = { "end", "last", "tail", NULL };

  g_return_val_if_fail (params != NULL, NULL);

  for (guint n = 0; names[n] != NULL; n++)
    for (guint i = 0; i < params->len; i++)
      {
        SbModelParam *param = g_ptr_array_index (params, i);

        if (param_is_file (param) && g_str_equal (param->name, names[n]))
          return param;
      }

  for (guint i = 0; i < params->len; i++)
    {
      SbModelParam *param = g_ptr_array_index (params, i);
      gboolean is_last = FALSE;

      if (!param_is_file (param) ||
          (strstr (param->name, "image") == NULL && strstr (param->name, "frame") == NULL))
        continue;
      for (guint n = 0; last_frame[n] != NULL && !is_last; n++)
        is_last = strstr (param->name, last_frame[n]) != NULL;
      if (!is_last)
        return param;
    }

  return NULL;
}

JsonNode *
sb_model_param_value_from_text (SbModelParam  *self,
                                const char    *text,
                                char         **out_message)
{
  g_autoptr(JsonNode) node = NULL;
  char *end = NULL;
  char *message;

  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (text != NULL, NULL);

  switch (self->type)
    {
    case SB_MODEL_PARAM_INTEGER:
      {
        gint64 value = g_ascii_strtoll (text, &end, 10);

        if (end == text || *end != '\0')
          goto bad;
        node = json_node_init_int (json_node_alloc (), value);
      }
      break;

    case SB_MODEL_PARAM_NUMBER:
      {
        double value = g_ascii_strtod (text, &end);

        if (end == text || *end != '\0')
          goto bad;
        node = json_node_init_double (json_node_alloc (), value);
      }
      break;

    case SB_MODEL_PARAM_BOOLEAN:
      if (g_str_equal (text, "true"))
        node = json_node_init_boolean (json_node_alloc (), TRUE);
      else if (g_str_equal (text, "false"))
        node = json_node_init_boolean (json_node_alloc (), FALSE);
      else
        goto bad;
      break;

    case SB_MODEL_PARAM_STRING:
    case SB_MODEL_PARAM_FILE:
    case SB_MODEL_PARAM_ARRAY:
    case SB_MODEL_PARAM_OBJECT:
    case SB_MODEL_PARAM_UNKNOWN:
    default:
      node = json_node_init_string (json_node_alloc (), text);
      break;
    }

  message = check_value (self, node);
  if (message != NULL)
    {
      if (out_message != NULL)
        *out_message = message;
      else
        g_free (message);
      return NULL;
    }

  return g_steal_pointer (&node);

bad:
  if (out_message != NULL)
    *out_message = check_value (self, json_node_init_string (node = json_node_alloc (), text));
  if (out_message != NULL && *out_message == NULL)
    *out_message = g_strdup (_("This value does not fit."));
  return NULL;
}
