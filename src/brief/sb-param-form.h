/* sb-param-form.h
 *
 * Copyright 2026 The Storyboard authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>
#include <json-glib/json-glib.h>

#include "sb-model-schema.h"

G_BEGIN_DECLS

#define SB_TYPE_PARAM_FORM (sb_param_form_get_type ())

G_DECLARE_FINAL_TYPE (SbParamForm, sb_param_form, SB, PARAM_FORM, AdwPreferencesGroup)

/* A group of rows for the inputs of a Replicate model (SbModelParam, as
 * sb_replicate_model_parse_params() gives them), one row per input, with
 * the defaults filled in.  Rarely needed inputs go under "More Options"
 * when there are many. */
GtkWidget  *sb_param_form_new              (GPtrArray    *params);
GPtrArray  *sb_param_form_get_params       (SbParamForm  *self);

/* Fills the field @name from text (as sb_model_param_value_from_text()
 * reads it: "true"/"false" for switches, an enum value for choices).
 * FALSE when there is no such field or the text does not fit it. */
gboolean    sb_param_form_set_value_text   (SbParamForm  *self,
                                            const char   *name,
                                            const char   *text);
/* The file chosen for a `format: uri` input (also used for a list of
 * files, of which the form holds one).  NULL clears it. */
gboolean    sb_param_form_set_file         (SbParamForm  *self,
                                            const char   *name,
                                            GFile        *file);

/* Input @name is filled in by the caller for each request (a scene's
 * prompt or image): its row is insensitive and says @explanation instead
 * of a value, it counts as given when the form is checked, and
 * sb_param_form_build_input() leaves it out.  FALSE when there is no such
 * input. */
gboolean    sb_param_form_set_provided     (SbParamForm  *self,
                                            const char   *name,
                                            const char   *explanation);

/* Reads and checks every field (each row's own check, then
 * sb_model_schema_validate()).  On success *out_input holds the values to
 * send — inputs left at their default are left out, and so are file
 * inputs: read them from sb_param_form_get_file_inputs().  On failure the
 * offending rows are marked and *out_errors (name -> message) says why. */
gboolean    sb_param_form_build_input      (SbParamForm  *self,
                                            JsonObject  **out_input,
                                            GHashTable  **out_errors);
/* A deep copy of an input sb_param_form_build_input() gave, for a request
 * that fills in its own provided inputs (json_node_copy() would share the
 * members). */
JsonObject *sb_param_form_copy_input       (JsonObject   *input);
/* Shows per-field messages (a server's 422, see
 * sb_provider_error_get_fields()) on their rows; messages for "" or for
 * inputs the form does not have go under the group title.  NULL clears. */
void        sb_param_form_show_errors      (SbParamForm  *self,
                                            GHashTable   *fields);
/* name -> GFile of the file inputs that have a file. */
GHashTable *sb_param_form_get_file_inputs  (SbParamForm  *self);

/* The row of input @name and the widget that edits it (a GtkSpinButton,
 * GtkSwitch, GtkTextView, the AdwEntryRow or AdwComboRow itself, or the
 * "Choose…" button of a file), for embedding code and tests. */
GtkWidget  *sb_param_form_get_row          (SbParamForm  *self,
                                            const char   *name);
GtkWidget  *sb_param_form_get_value_widget (SbParamForm  *self,
                                            const char   *name);
/* The message shown on input @name, or NULL. */
const char *sb_param_form_get_error        (SbParamForm  *self,
                                            const char   *name);

G_END_DECLS
