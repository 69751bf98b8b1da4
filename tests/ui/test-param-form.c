/* test-param-form.c
 *
 * Copyright 2026 The Storyboard authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The model parameter form, built from the recorded text-to-image
 * collection (tests/data/providers/replicate, see the README there): every
 * model's form renders and, with its defaults, validates; enums, bounded
 * numbers and files get the right rows; bad values and a server's 422 are
 * shown on the offending rows.
 */

#include "config.h"

#include <adwaita.h>

#include "sb-ui-test.h"
#include "sb-param-form.h"
#include "sb-replicate-client.h"

static SbReplicateCollection *
load_collection (void)
{
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "data", "providers", "replicate",
                                                 "collections-get--1-GET-collections-text-to-image.json",
                                                 NULL);
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  SbReplicateCollection *collection;

  json_parser_load_from_file (parser, path, &error);
  g_assert_no_error (error);
  collection = sb_replicate_collection_new_from_json (json_parser_get_root (parser), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (collection->models->len, ==, 38);

  return collection;
}

static SbReplicateModel *
find_model (SbReplicateCollection *collection,
            const char            *owner,
            const char            *name)
{
  for (guint i = 0; i < collection->models->len; i++)
    {
      SbReplicateModel *model = g_ptr_array_index (collection->models, i);

      if (g_str_equal (model->owner, owner) && g_str_equal (model->name, name))
        return model;
    }

  g_error ("No model %s/%s in the fixture", owner, name);
  return NULL;
}

static SbModelParam *
find_param (GPtrArray  *params,
            const char *name)
{
  for (guint i = 0; i < params->len; i++)
    {
      SbModelParam *param = g_ptr_array_index (params, i);

      if (g_str_equal (param->name, name))
        return param;
    }

  return NULL;
}

static GFile *
test_image (void)
{
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "data", "images", "green.jpg", NULL);

  return g_file_new_for_path (path);
}

static GtkWindow *
new_window (void)
{
  GtkWindow *window = GTK_WINDOW (gtk_window_new ());

  g_object_ref_sink (window);
  gtk_window_set_default_size (window, 700, 900);
  gtk_window_present (window);

  return window;
}

static void
show_form (GtkWindow *window,
           GtkWidget *form)
{
  GtkWidget *scrolled = gtk_scrolled_window_new ();
  GtkWidget *clamp = adw_clamp_new ();

  adw_clamp_set_child (ADW_CLAMP (clamp), form);
  gtk_widget_set_margin_top (form, 12);
  gtk_widget_set_margin_bottom (form, 12);
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scrolled), clamp);
  gtk_window_set_child (window, scrolled);
  sb_ui_test_wait_for_paint (GTK_WIDGET (window));
}

static void
destroy_window (GtkWindow *window)
{
  gtk_window_destroy (window);
  for (guint i = 0; i < 20; i++)
    {
      while (g_main_context_iteration (NULL, FALSE))
        ;
      g_usleep (1000);
    }
  g_assert_finalize_object (window);
}

static gboolean
widget_mapped (gpointer data)
{
  return gtk_widget_get_mapped (data);
}

static gboolean
row_is_inside_expander (GtkWidget *row)
{
  return gtk_widget_get_ancestor (gtk_widget_get_parent (row), ADW_TYPE_EXPANDER_ROW) != NULL;
}

/* Every model of the collection: its form renders with a row of the right
 * kind per input, and its defaults (with the required text and files
 * filled in) make an input that the schema accepts. */
static void
test_param_form_every_model (void)
{
  g_autoptr(SbReplicateCollection) collection = load_collection ();
  g_autoptr(GFile) image = test_image ();
  GtkWindow *window = new_window ();
  guint forms = 0;
  guint with_expander = 0;

  for (guint i = 0; i < collection->models->len; i++)
    {
      SbReplicateModel *model = g_ptr_array_index (collection->models, i);
      g_autoptr(GPtrArray) params = NULL;
      g_autoptr(GError) error = NULL;
      g_autoptr(JsonObject) input = NULL;
      g_autoptr(GHashTable) errors = NULL;
      g_autoptr(GHashTable) files = NULL;
      g_autoptr(GHashTable) fields = NULL;
      guint n_files = 0;
      SbParamForm *form;
      gboolean expander = FALSE;

      g_test_message ("%s/%s", model->owner, model->name);
      params = sb_replicate_model_parse_params (model, &error);
      g_assert_no_error (error);
      g_assert_nonnull (params);
      g_assert_cmpuint (params->len, >, 0);

      form = SB_PARAM_FORM (sb_param_form_new (params));
      show_form (window, GTK_WIDGET (form));
      forms++;

      for (guint j = 0; j < params->len; j++)
        {
          SbModelParam *param = g_ptr_array_index (params, j);
          GtkWidget *row = sb_param_form_get_row (form, param->name);
          GtkWidget *widget = sb_param_form_get_value_widget (form, param->name);

          g_assert_nonnull (row);
          g_assert_nonnull (widget);
          g_assert_true (ADW_IS_PREFERENCES_ROW (row));
          g_assert_true (gtk_widget_get_root (row) == GTK_ROOT (window));
          g_assert_true (gtk_widget_is_ancestor (widget, row) || widget == row);
          expander |= row_is_inside_expander (row);

          /* Required inputs say so in their title. */
          g_assert_cmpint (g_str_has_suffix (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (row)), " *"),
                           ==, param->required);

          if (param->choices != NULL)
            g_assert_true (ADW_IS_COMBO_ROW (row));
          else if (param->type == SB_MODEL_PARAM_BOOLEAN)
            g_assert_true (GTK_IS_SWITCH (widget));
          else if (param->type == SB_MODEL_PARAM_FILE)
            {
              g_assert_true (GTK_IS_BUTTON (widget));
              if (param->required)
                {
                  g_assert_true (sb_param_form_set_file (form, param->name, image));
                  n_files++;
                }
            }
          else if (g_str_equal (param->name, "prompt") && param->type == SB_MODEL_PARAM_STRING)
            g_assert_true (GTK_IS_TEXT_VIEW (widget));
          else if ((param->type == SB_MODEL_PARAM_INTEGER || param->type == SB_MODEL_PARAM_NUMBER) &&
                   param->default_value != NULL)
            g_assert_true (GTK_IS_SPIN_BUTTON (widget));
          else if (param->type == SB_MODEL_PARAM_STRING)
            g_assert_true (ADW_IS_ENTRY_ROW (widget));

          if (param->required && param->default_value == NULL && param->type == SB_MODEL_PARAM_STRING &&
              param->choices == NULL)
            g_assert_true (sb_param_form_set_value_text (form, param->name, "a lighthouse at dawn"));
        }

      if (expander)
        with_expander++;
      /* Only long forms fold inputs away. */
      g_assert_true (!expander || params->len > 12);

      if (!sb_param_form_build_input (form, &input, &errors))
        {
          GHashTableIter iter;
          gpointer key, value;

          g_hash_table_iter_init (&iter, errors);
          while (g_hash_table_iter_next (&iter, &key, &value))
            g_printerr ("%s/%s: %s: %s\n", model->owner, model->name, (char *) key, (char *) value);
          g_assert_not_reached ();
        }
      g_assert_nonnull (input);
      g_assert_null (errors);

      /* Files are the caller's to send, never in the input: add them as
       * the caller would before checking the whole. */
      files = sb_param_form_get_file_inputs (form);
      g_assert_cmpuint (g_hash_table_size (files), ==, n_files);
      {
        GHashTableIter iter;
        gpointer key;

        g_hash_table_iter_init (&iter, files);
        while (g_hash_table_iter_next (&iter, &key, NULL))
          {
            g_assert_false (json_object_has_member (input, key));
            json_object_set_string_member (input, key, "https://example.com/green.jpg");
          }
      }
      g_assert_true (sb_model_schema_validate (params, input, &fields));
      g_assert_null (fields);
    }

  g_assert_cmpuint (forms, ==, 38);
  g_assert_cmpuint (with_expander, >, 0);

  destroy_window (window);
}

/* Stable Diffusion: an enum, bounded numbers, an optional seed. */
static void
test_param_form_rows (void)
{
  g_autoptr(SbReplicateCollection) collection = load_collection ();
  SbReplicateModel *model = find_model (collection, "stability-ai", "stable-diffusion");
  g_autoptr(GPtrArray) params = sb_replicate_model_parse_params (model, NULL);
  GtkWindow *window = new_window ();
  SbParamForm *form;
  GtkWidget *widget;
  GListModel *choices;
  SbModelParam *scheduler;
  GtkAdjustment *adjustment;
  g_autoptr(JsonObject) input = NULL;
  g_autoptr(GHashTable) errors = NULL;

  g_assert_nonnull (params);
  form = SB_PARAM_FORM (sb_param_form_new (params));
  show_form (window, GTK_WIDGET (form));

  /* The enum is a combo with the schema's choices, on its default. */
  scheduler = find_param (params, "scheduler");
  g_assert_nonnull (scheduler);
  g_assert_nonnull (scheduler->choices);
  widget = sb_param_form_get_row (form, "scheduler");
  g_assert_true (ADW_IS_COMBO_ROW (widget));
  choices = adw_combo_row_get_model (ADW_COMBO_ROW (widget));
  g_assert_cmpuint (g_list_model_get_n_items (choices), ==, g_strv_length (scheduler->choices));
  g_assert_cmpuint (g_list_model_get_n_items (choices), >, 3);
  for (guint i = 0; scheduler->choices[i] != NULL; i++)
    g_assert_cmpstr (gtk_string_list_get_string (GTK_STRING_LIST (choices), i), ==, scheduler->choices[i]);
  g_assert_cmpstr (gtk_string_list_get_string (GTK_STRING_LIST (choices),
                                               adw_combo_row_get_selected (ADW_COMBO_ROW (widget))),
                   ==, "DPMSolverMultistep");
  /* The description is the subtitle. */
  g_assert_cmpstr (adw_action_row_get_subtitle (ADW_ACTION_ROW (widget)), ==, scheduler->description);

  /* Integers with bounds are spin buttons with those bounds. */
  widget = sb_param_form_get_value_widget (form, "num_inference_steps");
  g_assert_true (GTK_IS_SPIN_BUTTON (widget));
  adjustment = gtk_spin_button_get_adjustment (GTK_SPIN_BUTTON (widget));
  g_assert_cmpfloat (gtk_adjustment_get_lower (adjustment), ==, 1);
  g_assert_cmpfloat (gtk_adjustment_get_upper (adjustment), ==, 500);
  g_assert_cmpfloat (gtk_spin_button_get_value (GTK_SPIN_BUTTON (widget)), ==, 50);
  g_assert_cmpuint (gtk_spin_button_get_digits (GTK_SPIN_BUTTON (widget)), ==, 0);

  widget = sb_param_form_get_value_widget (form, "num_outputs");
  adjustment = gtk_spin_button_get_adjustment (GTK_SPIN_BUTTON (widget));
  g_assert_cmpfloat (gtk_adjustment_get_lower (adjustment), ==, 1);
  g_assert_cmpfloat (gtk_adjustment_get_upper (adjustment), ==, 4);

  /* Numbers show their decimals. */
  widget = sb_param_form_get_value_widget (form, "guidance_scale");
  g_assert_true (GTK_IS_SPIN_BUTTON (widget));
  g_assert_cmpuint (gtk_spin_button_get_digits (GTK_SPIN_BUTTON (widget)), >=, 1);
  g_assert_cmpfloat (gtk_spin_button_get_value (GTK_SPIN_BUTTON (widget)), ==, 7.5);

  /* An optional number without a default may stay empty. */
  widget = sb_param_form_get_value_widget (form, "seed");
  g_assert_true (ADW_IS_ENTRY_ROW (widget));
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (widget)), ==, "");

  /* Integer enums (width) are combos too, sent as integers. */
  g_assert_true (ADW_IS_COMBO_ROW (sb_param_form_get_row (form, "width")));

  /* The scene's prompt fills the multi-line prompt field. */
  widget = sb_param_form_get_value_widget (form, "prompt");
  g_assert_true (GTK_IS_TEXT_VIEW (widget));
  g_assert_true (sb_param_form_set_value_text (form, "prompt", "A red fox in the snow, golden hour"));
  g_assert_true (sb_param_form_set_value_text (form, "num_outputs", "3"));
  g_assert_true (sb_param_form_set_value_text (form, "width", "512"));
  g_assert_true (sb_param_form_set_value_text (form, "seed", "1234"));
  g_assert_false (sb_param_form_set_value_text (form, "width", "513"));
  g_assert_false (sb_param_form_set_value_text (form, "no_such_input", "1"));

  g_assert_true (sb_param_form_build_input (form, &input, &errors));
  g_assert_null (errors);
  g_assert_true (sb_model_schema_validate (params, input, NULL));
  g_assert_cmpstr (json_object_get_string_member (input, "prompt"), ==, "A red fox in the snow, golden hour");
  g_assert_cmpint (json_node_get_value_type (json_object_get_member (input, "num_outputs")), ==, G_TYPE_INT64);
  g_assert_cmpint (json_object_get_int_member (input, "num_outputs"), ==, 3);
  g_assert_cmpint (json_node_get_value_type (json_object_get_member (input, "width")), ==, G_TYPE_INT64);
  g_assert_cmpint (json_object_get_int_member (input, "width"), ==, 512);
  g_assert_cmpint (json_object_get_int_member (input, "seed"), ==, 1234);
  /* Defaults are the model's to apply. */
  g_assert_false (json_object_has_member (input, "num_inference_steps"));
  g_assert_false (json_object_has_member (input, "scheduler"));

  destroy_window (window);
}

/* Bad values are refused before sending, on their row. */
static void
test_param_form_invalid (void)
{
  g_autoptr(SbReplicateCollection) collection = load_collection ();
  SbReplicateModel *model = find_model (collection, "stability-ai", "stable-diffusion");
  g_autoptr(GPtrArray) params = sb_replicate_model_parse_params (model, NULL);
  GtkWindow *window = new_window ();
  SbParamForm *form;
  GtkWidget *spin;
  GtkWidget *row;
  g_autoptr(JsonObject) input = NULL;
  g_autoptr(GHashTable) errors = NULL;
  const char *message;

  form = SB_PARAM_FORM (sb_param_form_new (params));
  show_form (window, GTK_WIDGET (form));
  sb_param_form_set_value_text (form, "prompt", "A red fox");

  /* Typed past the maximum, not yet clamped by the spin button. */
  spin = sb_param_form_get_value_widget (form, "num_inference_steps");
  row = sb_param_form_get_row (form, "num_inference_steps");
  gtk_editable_set_text (GTK_EDITABLE (spin), "900");
  g_assert_false (sb_param_form_build_input (form, &input, &errors));
  g_assert_null (input);
  g_assert_nonnull (errors);
  g_assert_cmpuint (g_hash_table_size (errors), ==, 1);
  message = g_hash_table_lookup (errors, "num_inference_steps");
  g_assert_nonnull (message);
  g_assert_nonnull (strstr (message, "500"));
  g_assert_cmpstr (sb_param_form_get_error (form, "num_inference_steps"), ==, message);
  g_assert_true (gtk_widget_has_css_class (row, "error"));
  g_assert_cmpstr (adw_action_row_get_subtitle (ADW_ACTION_ROW (row)), ==, message);
  sb_ui_test_wait_for_paint (GTK_WIDGET (window));

  /* Fixing the value clears the mark and the description comes back. */
  g_clear_pointer (&errors, g_hash_table_unref);
  g_assert_true (sb_param_form_set_value_text (form, "num_inference_steps", "40"));
  g_assert_false (gtk_widget_has_css_class (row, "error"));
  g_assert_null (sb_param_form_get_error (form, "num_inference_steps"));
  g_assert_cmpstr (adw_action_row_get_subtitle (ADW_ACTION_ROW (row)), ==,
                   find_param (params, "num_inference_steps")->description);
  g_assert_true (sb_param_form_build_input (form, &input, &errors));
  g_assert_cmpint (json_object_get_int_member (input, "num_inference_steps"), ==, 40);
  g_clear_pointer (&input, json_object_unref);

  /* Not a number at all, in an entry row: the title carries the message. */
  row = sb_param_form_get_row (form, "seed");
  gtk_editable_set_text (GTK_EDITABLE (row), "twelve");
  g_assert_false (sb_param_form_build_input (form, &input, &errors));
  g_assert_true (g_hash_table_contains (errors, "seed"));
  g_assert_true (gtk_widget_has_css_class (row, "error"));
  g_assert_nonnull (strstr (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (row)),
                            g_hash_table_lookup (errors, "seed")));
  g_clear_pointer (&errors, g_hash_table_unref);

  /* Typing clears it. */
  gtk_editable_set_text (GTK_EDITABLE (row), "12");
  g_assert_false (gtk_widget_has_css_class (row, "error"));
  g_assert_cmpstr (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (row)), ==, "Seed");

  /* An empty prompt is refused: it is required. */
  sb_param_form_set_value_text (form, "prompt", "");
  if (find_param (params, "prompt")->required || find_param (params, "prompt")->default_value == NULL)
    {
      g_assert_false (sb_param_form_build_input (form, &input, &errors));
      g_assert_true (g_hash_table_contains (errors, "prompt"));
      g_clear_pointer (&errors, g_hash_table_unref);
    }

  destroy_window (window);
}

/* A server's 422 lands next to the fields it names. */
static void
test_param_form_show_errors (void)
{
  g_autoptr(SbReplicateCollection) collection = load_collection ();
  SbReplicateModel *model = find_model (collection, "stability-ai", "stable-diffusion");
  g_autoptr(GPtrArray) params = sb_replicate_model_parse_params (model, NULL);
  g_autoptr(GHashTable) fields = g_hash_table_new (g_str_hash, g_str_equal);
  GtkWindow *window = new_window ();
  SbParamForm *form;
  GtkWidget *row;
  GtkWidget *entry;
  const char *description;

  form = SB_PARAM_FORM (sb_param_form_new (params));
  show_form (window, GTK_WIDGET (form));

  g_hash_table_insert (fields, "guidance_scale", "guidance_scale: Must be less than or equal to 20");
  g_hash_table_insert (fields, "negative_prompt", "negative_prompt: Too long");
  g_hash_table_insert (fields, "", "Input is not valid for this version");
  sb_param_form_show_errors (form, fields);

  row = sb_param_form_get_row (form, "guidance_scale");
  g_assert_true (gtk_widget_has_css_class (row, "error"));
  g_assert_cmpstr (adw_action_row_get_subtitle (ADW_ACTION_ROW (row)), ==,
                   "guidance_scale: Must be less than or equal to 20");
  g_assert_cmpstr (sb_param_form_get_error (form, "guidance_scale"), ==,
                   "guidance_scale: Must be less than or equal to 20");

  entry = sb_param_form_get_row (form, "negative_prompt");
  g_assert_true (ADW_IS_ENTRY_ROW (entry));
  g_assert_true (gtk_widget_has_css_class (entry, "error"));
  g_assert_nonnull (strstr (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (entry)), "Too long"));

  /* Untouched rows stay clean; the whole-input message is on the group. */
  g_assert_false (gtk_widget_has_css_class (sb_param_form_get_row (form, "num_outputs"), "error"));
  g_assert_null (sb_param_form_get_error (form, "num_outputs"));
  g_assert_cmpstr (adw_preferences_group_get_description (ADW_PREFERENCES_GROUP (form)), ==,
                   "Input is not valid for this version");
  sb_ui_test_wait_for_paint (GTK_WIDGET (window));

  sb_param_form_show_errors (form, NULL);
  g_assert_false (gtk_widget_has_css_class (row, "error"));
  g_assert_null (sb_param_form_get_error (form, "guidance_scale"));
  description = adw_preferences_group_get_description (ADW_PREFERENCES_GROUP (form));
  g_assert_true (description == NULL || *description == '\0');

  destroy_window (window);
}

/* format: uri inputs are file rows; the file stays a GFile. */
static void
test_param_form_files (void)
{
  g_autoptr(SbReplicateCollection) collection = load_collection ();
  SbReplicateModel *model = find_model (collection, "meta", "ic_gan");
  g_autoptr(GPtrArray) params = sb_replicate_model_parse_params (model, NULL);
  g_autoptr(GFile) image = test_image ();
  g_autoptr(JsonObject) input = NULL;
  g_autoptr(GHashTable) errors = NULL;
  g_autoptr(GHashTable) files = NULL;
  GtkWindow *window = new_window ();
  SbParamForm *form;
  GtkWidget *row;
  GtkWidget *button;

  g_assert_true (find_param (params, "image")->required);
  g_assert_cmpint (find_param (params, "image")->type, ==, SB_MODEL_PARAM_FILE);

  form = SB_PARAM_FORM (sb_param_form_new (params));
  show_form (window, GTK_WIDGET (form));

  row = sb_param_form_get_row (form, "image");
  button = sb_param_form_get_value_widget (form, "image");
  g_assert_true (ADW_IS_ACTION_ROW (row));
  g_assert_true (GTK_IS_BUTTON (button));
  g_assert_true (gtk_widget_get_mapped (button));
  g_assert_cmpstr (gtk_button_get_label (GTK_BUTTON (button)), ==, "_Choose…");
  g_assert_true (g_str_has_suffix (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (row)), " *"));
  /* Only file inputs take files. */
  g_assert_false (sb_param_form_set_file (form, "seed", image));

  /* Required and missing. */
  g_assert_false (sb_param_form_build_input (form, &input, &errors));
  g_assert_true (g_hash_table_contains (errors, "image"));
  g_assert_true (gtk_widget_has_css_class (row, "error"));
  g_clear_pointer (&errors, g_hash_table_unref);

  /* Chosen: named on the row, handed over as a GFile, not in the JSON. */
  g_assert_true (sb_param_form_set_file (form, "image", image));
  g_assert_false (gtk_widget_has_css_class (row, "error"));
  g_assert_cmpstr (adw_action_row_get_subtitle (ADW_ACTION_ROW (row)), ==, "green.jpg");
  g_assert_true (sb_param_form_build_input (form, &input, &errors));
  g_assert_false (json_object_has_member (input, "image"));
  files = sb_param_form_get_file_inputs (form);
  g_assert_cmpuint (g_hash_table_size (files), ==, 1);
  g_assert_true (g_file_equal (g_hash_table_lookup (files, "image"), image));
  sb_ui_test_wait_for_paint (GTK_WIDGET (window));

  destroy_window (window);
}

/* A long form folds optional inputs away, and unfolds to show an error. */
static void
test_param_form_more_options (void)
{
  g_autoptr(SbReplicateCollection) collection = load_collection ();
  SbReplicateModel *model = find_model (collection, "nightmareai", "disco-diffusion");
  g_autoptr(GPtrArray) params = sb_replicate_model_parse_params (model, NULL);
  g_autoptr(GHashTable) fields = g_hash_table_new (g_str_hash, g_str_equal);
  GtkWindow *window = new_window ();
  SbParamForm *form;
  GtkWidget *hidden = NULL;
  GtkWidget *expander;
  guint folded = 0;

  g_assert_cmpuint (params->len, >, 30);
  form = SB_PARAM_FORM (sb_param_form_new (params));
  show_form (window, GTK_WIDGET (form));

  for (guint i = 0; i < params->len; i++)
    {
      SbModelParam *param = g_ptr_array_index (params, i);
      GtkWidget *row = sb_param_form_get_row (form, param->name);

      if (row_is_inside_expander (row))
        {
          g_assert_false (param->required);
          folded++;
          if (hidden == NULL)
            hidden = row;
        }
    }
  g_assert_cmpuint (folded, >, 20);
  g_assert_nonnull (hidden);

  expander = gtk_widget_get_ancestor (gtk_widget_get_parent (hidden), ADW_TYPE_EXPANDER_ROW);
  g_assert_false (adw_expander_row_get_expanded (ADW_EXPANDER_ROW (expander)));
  g_assert_false (gtk_widget_get_mapped (hidden));

  g_hash_table_insert (fields, (gpointer) g_object_get_data (G_OBJECT (hidden), "sb-param-name"), "Not allowed");
  sb_param_form_show_errors (form, fields);
  g_assert_true (adw_expander_row_get_expanded (ADW_EXPANDER_ROW (expander)));
  sb_ui_test_wait_for (widget_mapped, hidden, "the folded row to be shown");

  destroy_window (window);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  gtk_init ();
  adw_init ();
  sb_ui_test_set_wait_timeout (30);

  g_test_add_func ("/sb/ui/param-form/every-model", test_param_form_every_model);
  g_test_add_func ("/sb/ui/param-form/rows", test_param_form_rows);
  g_test_add_func ("/sb/ui/param-form/invalid", test_param_form_invalid);
  g_test_add_func ("/sb/ui/param-form/show-errors", test_param_form_show_errors);
  g_test_add_func ("/sb/ui/param-form/files", test_param_form_files);
  g_test_add_func ("/sb/ui/param-form/more-options", test_param_form_more_options);

  return g_test_run ();
}
