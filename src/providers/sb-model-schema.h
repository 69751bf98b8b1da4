/* sb-model-schema.h
 *
 * Copyright 2026 The Storyboard authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

typedef enum
{
  SB_MODEL_PARAM_STRING,
  SB_MODEL_PARAM_INTEGER,
  SB_MODEL_PARAM_NUMBER,
  SB_MODEL_PARAM_BOOLEAN,
  SB_MODEL_PARAM_FILE,     /* "type": "string", "format": "uri": a file picker */
  SB_MODEL_PARAM_ARRAY,    /* see item_type */
  SB_MODEL_PARAM_OBJECT,
  SB_MODEL_PARAM_UNKNOWN,
} SbModelParamType;

/* One input of a Replicate model, as a form needs it.  Read-only. */
typedef struct
{
  char             *name;          /* the input key */
  char             *title;         /* "Num Outputs"; falls back to the name */
  char             *description;   /* may be NULL */
  SbModelParamType  type;
  SbModelParamType  item_type;     /* for ARRAY */
  char            **choices;       /* enum values as text, NULL when free input */
  JsonNode         *default_value; /* NULL when the input has no default */
  double            minimum;
  double            maximum;
  int               max_length;    /* -1 when unlimited */
  int               order;         /* x-order, or G_MAXINT */
  guint             has_minimum : 1;
  guint             has_maximum : 1;
  guint             required : 1;
  guint             secret : 1;    /* format: password / x-cog-secret */
} SbModelParam;

#define SB_TYPE_MODEL_PARAM (sb_model_param_get_type ())

GType         sb_model_param_get_type  (void) G_GNUC_CONST;
SbModelParam *sb_model_param_ref       (SbModelParam *self);
void          sb_model_param_unref     (SbModelParam *self);

/* The JSON value to send for @text typed into a form field of @self
 * (integer, number, boolean or string, per the type — enum choices of an
 * integer input are sent as integers).  NULL with an error message when
 * @text does not fit. */
JsonNode     *sb_model_param_value_from_text (SbModelParam  *self,
                                              const char    *text,
                                              char         **out_message);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (SbModelParam, sb_model_param_unref)

/* Parses a Cog OpenAPI document (latest_version.openapi_schema) into its
 * Input parameters, sorted by x-order then document order: inline enums and
 * allOf/$ref enums (resolved against components/schemas), anyOf with null,
 * minimum/maximum, defaults, format uri, required, descriptions.  Returns a
 * GPtrArray of SbModelParam, or NULL with a BAD_RESPONSE-style G_IO_ERROR
 * G_IO_ERROR_INVALID_DATA when there is no Input object. */
GPtrArray    *sb_model_schema_parse       (JsonNode    *openapi_schema,
                                           GError     **error);

/* Client-side validation mirroring Replicate's: required inputs, types,
 * enum membership, minimum/maximum, unknown keys.  Returns TRUE when @input
 * is acceptable; otherwise fills @out_fields (name -> message, "" for the
 * whole input) when not NULL. */
gboolean      sb_model_schema_validate    (GPtrArray   *params,
                                           JsonObject  *input,
                                           GHashTable **out_fields);

/* The input of @params that takes the picture an image-to-video model
 * starts from: a file input (`format: uri`, or a list of them) named image,
 * first_frame_image, start_image, input_image or init_image; else the first
 * file input whose name mentions an image or a frame and is not the last
 * one (end_image, last_frame_image).  NULL when the model has none. */
SbModelParam *sb_model_schema_find_image_input (GPtrArray *params);

G_END_DECLS
