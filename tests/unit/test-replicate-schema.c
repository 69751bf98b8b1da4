/* test-replicate-schema.c
 *
 * Copyright 2026 The Storyboard authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "sb-replicate-client.h"

static JsonNode *
load_json (const char *name)
{
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "data", "providers", "replicate", name, NULL);
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;

  json_parser_load_from_file (parser, path, &error);
  g_assert_no_error (error);

  return json_node_copy (json_parser_get_root (parser));
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

static void
assert_sorted (GPtrArray *params)
{
  for (guint i = 1; i < params->len; i++)
    {
      SbModelParam *a = g_ptr_array_index (params, i - 1);
      SbModelParam *b = g_ptr_array_index (params, i);

      g_assert_cmpint (a->order, <=, b->order);
    }
}

/* Every model of the recorded text-to-image collection parses, each
 * parameter has a known type and a title, and the order follows x-order. */
static void
test_every_model (void)
{
  g_autoptr(JsonNode) root = load_json ("collections-get--1-GET-collections-text-to-image.json");
  g_autoptr(GError) error = NULL;
  g_autoptr(SbReplicateCollection) collection = NULL;
  guint n_enums = 0;
  guint n_files = 0;
  guint n_ref_enums = 0;

  collection = sb_replicate_collection_new_from_json (root, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (collection->slug, ==, "text-to-image");
  g_assert_cmpuint (collection->models->len, ==, 38);

  for (guint i = 0; i < collection->models->len; i++)
    {
      SbReplicateModel *model = g_ptr_array_index (collection->models, i);
      g_autoptr(GPtrArray) params = NULL;

      g_assert_nonnull (model->latest_version_id);
      params = sb_replicate_model_parse_params (model, &error);
      g_assert_no_error (error);
      g_assert_nonnull (params);
      g_assert_cmpuint (params->len, >, 0);
      assert_sorted (params);

      for (guint j = 0; j < params->len; j++)
        {
          SbModelParam *param = g_ptr_array_index (params, j);

          g_assert_cmpint (param->type, !=, SB_MODEL_PARAM_UNKNOWN);
          g_assert_nonnull (param->title);
          g_assert_cmpint (param->order, !=, G_MAXINT);
          if (param->choices != NULL)
            {
              g_assert_cmpuint (g_strv_length (param->choices), >, 0);
              n_enums++;
              if (param->description == NULL || !g_str_equal (param->description, "An enumeration."))
                n_ref_enums++;
            }
          if (param->type == SB_MODEL_PARAM_FILE)
            n_files++;
          if (param->has_minimum && param->has_maximum)
            g_assert_cmpfloat (param->minimum, <=, param->maximum);
        }
    }

  /* 56 allOf/$ref inputs and one inline enum in the recording. */
  g_assert_cmpuint (n_enums, ==, 57);
  g_assert_cmpuint (n_ref_enums, ==, 57);
  g_assert_cmpuint (n_files, >, 0);
}

static void
test_stable_diffusion (void)
{
  g_autoptr(JsonNode) root = load_json ("collections-get--1-GET-collections-text-to-image.json");
  g_autoptr(SbReplicateCollection) collection = sb_replicate_collection_new_from_json (root, NULL);
  g_autoptr(GPtrArray) params = NULL;
  g_autoptr(GError) error = NULL;
  SbReplicateModel *model = NULL;
  SbModelParam *param;
  const char *expected_order[] = {
    "prompt", "height", "width", "negative_prompt", "num_outputs",
    "num_inference_steps", "guidance_scale", "scheduler", "seed",
  };

  for (guint i = 0; i < collection->models->len; i++)
    {
      SbReplicateModel *candidate = g_ptr_array_index (collection->models, i);
      if (g_str_equal (candidate->owner, "stability-ai") && g_str_equal (candidate->name, "stable-diffusion"))
        model = candidate;
    }
  g_assert_nonnull (model);

  params = sb_replicate_model_parse_params (model, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (params->len, ==, G_N_ELEMENTS (expected_order));
  for (guint i = 0; i < G_N_ELEMENTS (expected_order); i++)
    g_assert_cmpstr (((SbModelParam *) g_ptr_array_index (params, i))->name, ==, expected_order[i]);

  /* allOf/$ref integer enum: width keeps its own default and description. */
  param = find_param (params, "width");
  g_assert_cmpint (param->type, ==, SB_MODEL_PARAM_INTEGER);
  g_assert_cmpuint (g_strv_length (param->choices), ==, 16);
  g_assert_cmpstr (param->choices[0], ==, "64");
  g_assert_cmpstr (param->choices[15], ==, "1024");
  g_assert_cmpint (json_node_get_int (param->default_value), ==, 768);
  g_assert_cmpstr (param->description, ==, "Width of generated image in pixels. Needs to be a multiple of 64");

  param = find_param (params, "scheduler");
  g_assert_cmpint (param->type, ==, SB_MODEL_PARAM_STRING);
  g_assert_true (g_strv_contains ((const char * const *) param->choices, "K_EULER_ANCESTRAL"));
  g_assert_cmpstr (json_node_get_string (param->default_value), ==, "DPMSolverMultistep");
  g_assert_cmpstr (param->description, ==, "Choose a scheduler.");

  param = find_param (params, "guidance_scale");
  g_assert_cmpint (param->type, ==, SB_MODEL_PARAM_NUMBER);
  g_assert_true (param->has_minimum && param->has_maximum);
  g_assert_cmpfloat (param->minimum, ==, 1);
  g_assert_cmpfloat (param->maximum, ==, 20);
  g_assert_cmpfloat (json_node_get_double (param->default_value), ==, 7.5);

  param = find_param (params, "seed");
  g_assert_null (param->default_value);
  g_assert_false (param->required);
  g_assert_null (param->choices);
}

static void
test_sdxl (void)
{
  g_autoptr(JsonNode) root = load_json ("models-get--1-GET-models-stability-ai-sdxl.json");
  g_autoptr(SbReplicateModel) model = NULL;
  g_autoptr(GPtrArray) params = NULL;
  g_autoptr(GHashTable) fields = NULL;
  g_autoptr(JsonObject) input = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *message = NULL;
  g_autoptr(JsonNode) value = NULL;
  SbModelParam *param;

  model = sb_replicate_model_new_from_json (root, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (model->latest_version_id, ==, "39ed52f2a78e934b3ba6e2a89f5b1c712de7dfea535525255b1aa35c5565e08b");
  g_assert_cmpint (model->run_count, >, 0);

  params = sb_replicate_model_parse_params (model, &error);
  g_assert_no_error (error);

  g_assert_cmpstr (((SbModelParam *) g_ptr_array_index (params, 0))->name, ==, "prompt");
  g_assert_cmpstr (((SbModelParam *) g_ptr_array_index (params, 1))->name, ==, "negative_prompt");
  assert_sorted (params);

  param = find_param (params, "image");
  g_assert_cmpint (param->type, ==, SB_MODEL_PARAM_FILE);
  g_assert_cmpint (param->order, ==, 2);

  param = find_param (params, "num_outputs");
  g_assert_cmpint (param->type, ==, SB_MODEL_PARAM_INTEGER);
  g_assert_cmpfloat (param->minimum, ==, 1);
  g_assert_cmpfloat (param->maximum, ==, 4);
  g_assert_cmpint (json_node_get_int (param->default_value), ==, 1);

  param = find_param (params, "refine");
  g_assert_cmpuint (g_strv_length (param->choices), ==, 3);
  g_assert_cmpstr (json_node_get_string (param->default_value), ==, "no_refiner");
  g_assert_cmpstr (param->title, ==, "refine");

  param = find_param (params, "apply_watermark");
  g_assert_cmpint (param->type, ==, SB_MODEL_PARAM_BOOLEAN);
  g_assert_true (json_node_get_boolean (param->default_value));

  /* Client-side validation mirrors the server's 422s. */
  input = json_object_new ();
  json_object_set_string_member (input, "prompt", "a corgi");
  json_object_set_int_member (input, "num_outputs", 5);
  json_object_set_string_member (input, "scheduler", "EULER_X");
  json_object_set_string_member (input, "model", "stability-ai/sdxl");
  json_object_set_double_member (input, "guidance_scale", 7.0);
  g_assert_false (sb_model_schema_validate (params, input, &fields));
  g_assert_cmpuint (g_hash_table_size (fields), ==, 3);
  g_assert_cmpstr (g_hash_table_lookup (fields, "num_outputs"), ==, "Must be less than or equal to 4.");
  g_assert_true (g_str_has_prefix (g_hash_table_lookup (fields, "scheduler"), "Must be one of: DDIM"));
  g_assert_nonnull (g_hash_table_lookup (fields, "model"));

  json_object_set_int_member (input, "num_outputs", 2);
  json_object_set_string_member (input, "scheduler", "K_EULER");
  json_object_remove_member (input, "model");
  g_assert_true (sb_model_schema_validate (params, input, NULL));

  /* Form text to JSON values. */
  value = sb_model_param_value_from_text (find_param (params, "num_outputs"), "3", &message);
  g_assert_null (message);
  g_assert_cmpint (json_node_get_int (value), ==, 3);
  g_clear_pointer (&value, json_node_unref);
  value = sb_model_param_value_from_text (find_param (params, "num_outputs"), "9", &message);
  g_assert_null (value);
  g_assert_cmpstr (message, ==, "Must be less than or equal to 4.");
  g_clear_pointer (&message, g_free);
  value = sb_model_param_value_from_text (find_param (params, "num_outputs"), "two", &message);
  g_assert_null (value);
  g_assert_nonnull (message);
}

/* Inline enum of the newer Cog style, with required, anyOf null and an
 * integer enum declared with string values. */
static void
test_inline_and_required (void)
{
  const char *text =
    "{\"components\":{\"schemas\":{"
    "\"Input\":{\"type\":\"object\",\"required\":[\"prompt\"],\"properties\":{"
    "\"aspect_ratio\":{\"type\":\"string\",\"enum\":[\"1:1\",\"16:9\"],\"default\":\"1:1\",\"x-order\":1},"
    "\"prompt\":{\"type\":\"string\",\"x-order\":0,\"description\":\"Prompt\"},"
    "\"image\":{\"anyOf\":[{\"type\":\"string\",\"format\":\"uri\"},{\"type\":\"null\"}],\"x-order\":3},"
    "\"megapixels\":{\"type\":\"string\",\"enum\":[\"1\",\"0.25\"],\"default\":\"1\",\"x-order\":2},"
    "\"api_key\":{\"type\":\"string\",\"format\":\"password\",\"x-cog-secret\":true},"
    "\"model_size\":{\"enum\":[\"512\",\"256\"],\"type\":\"integer\",\"default\":512,\"x-order\":4}"
    "}}}}}";
  g_autoptr(JsonNode) root = json_from_string (text, NULL);
  g_autoptr(GPtrArray) params = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) input = json_object_new ();
  g_autoptr(GHashTable) fields = NULL;
  g_autoptr(JsonNode) value = NULL;
  SbModelParam *param;

  params = sb_model_schema_parse (root, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (params->len, ==, 6);
  g_assert_cmpstr (((SbModelParam *) g_ptr_array_index (params, 0))->name, ==, "prompt");
  g_assert_cmpstr (((SbModelParam *) g_ptr_array_index (params, 5))->name, ==, "api_key");

  param = find_param (params, "prompt");
  g_assert_true (param->required);
  g_assert_cmpstr (param->title, ==, "Prompt");

  param = find_param (params, "image");
  g_assert_cmpint (param->type, ==, SB_MODEL_PARAM_FILE);
  g_assert_false (param->required);

  g_assert_true (find_param (params, "api_key")->secret);
  g_assert_cmpstr (find_param (params, "aspect_ratio")->choices[1], ==, "16:9");

  value = sb_model_param_value_from_text (find_param (params, "model_size"), "256", NULL);
  g_assert_nonnull (value);
  g_assert_cmpint (json_node_get_int (value), ==, 256);

  g_assert_false (sb_model_schema_validate (params, input, &fields));
  g_assert_cmpstr (g_hash_table_lookup (fields, "prompt"), ==, "This input is required.");

  /* No Input at all: an error, never a crash. */
  {
    g_autoptr(JsonNode) empty = json_from_string ("{\"components\":{\"schemas\":{}}}", NULL);
    g_autoptr(GPtrArray) none = sb_model_schema_parse (empty, &error);

    g_assert_null (none);
    g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA);
    g_clear_error (&error);
    g_assert_null (sb_model_schema_parse (NULL, &error));
    g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA);
  }
}

static const char *
image_input_of (SbReplicateModel *model)
{
  g_autoptr(GPtrArray) params = NULL;
  g_autoptr(GError) error = NULL;
  SbModelParam *param;

  params = sb_replicate_model_parse_params (model, &error);
  g_assert_no_error (error);
  param = sb_model_schema_find_image_input (params);

  /* Interned: the params go away with this function. */
  return param != NULL ? g_intern_string (param->name) : NULL;
}

/* The input the picture an image-to-video model starts from goes to, for
 * the fake's video collections and for names no recorded model uses. */
static void
test_image_input (void)
{
  g_autofree char *i2v_path = g_test_build_filename (G_TEST_DIST, "data", "fixtures", "fake",
                                                      "collection-image-to-video.json", NULL);
  g_autofree char *t2v_path = g_test_build_filename (G_TEST_DIST, "data", "fixtures", "fake",
                                                      "collection-text-to-video.json", NULL);
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(SbReplicateCollection) i2v = NULL;
  g_autoptr(SbReplicateCollection) t2v = NULL;
  g_autoptr(GError) error = NULL;
  struct { const char *schema; const char *expected; } cases[] = {
    /* Only the last frame: not a start. */
    { "\"end_image\":{\"type\":\"string\",\"format\":\"uri\"}", NULL },
    /* A list of files named like an image. */
    { "\"reference_images\":{\"type\":\"array\",\"items\":{\"type\":\"string\",\"format\":\"uri\"}},"
      "\"last_frame_image\":{\"type\":\"string\",\"format\":\"uri\"}", "reference_images" },
    /* A known name wins over the order. */
    { "\"tail_image\":{\"type\":\"string\",\"format\":\"uri\",\"x-order\":0},"
      "\"init_image\":{\"type\":\"string\",\"format\":\"uri\",\"x-order\":1}", "init_image" },
    /* Text named "image" is not a file. */
    { "\"image\":{\"type\":\"string\"},\"audio\":{\"type\":\"string\",\"format\":\"uri\"}", NULL },
  };

  json_parser_load_from_file (parser, i2v_path, &error);
  g_assert_no_error (error);
  i2v = sb_replicate_collection_new_from_json (json_parser_get_root (parser), &error);
  g_assert_no_error (error);
  json_parser_load_from_file (parser, t2v_path, &error);
  g_assert_no_error (error);
  t2v = sb_replicate_collection_new_from_json (json_parser_get_root (parser), &error);
  g_assert_no_error (error);

  g_assert_cmpuint (i2v->models->len, ==, 3);
  for (guint i = 0; i < i2v->models->len; i++)
    {
      SbReplicateModel *model = g_ptr_array_index (i2v->models, i);
      g_autofree char *id = g_strdup_printf ("%s/%s", model->owner, model->name);
      const char *expected = g_str_equal (id, "minimax/video-01") ? "first_frame_image"
                             : g_str_equal (id, "wan-video/wan-2.2-i2v-fast") ? "image"
                             : g_str_equal (id, "kwaivgi/kling-v2.1") ? "start_image"
                             : "(unknown model)";

      g_assert_cmpstr (image_input_of (model), ==, expected);
    }

  for (guint i = 0; i < t2v->models->len; i++)
    {
      SbReplicateModel *model = g_ptr_array_index (t2v->models, i);

      if (g_str_equal (model->name, "wan-2.2-t2v-fast"))
        g_assert_null (image_input_of (model));
    }

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *text = g_strdup_printf ("{\"components\":{\"schemas\":{\"Input\":{\"type\":\"object\","
                                               "\"properties\":{%s}}}}}", cases[i].schema);
      g_autoptr(JsonNode) root = json_from_string (text, &error);
      g_autoptr(GPtrArray) params = NULL;
      SbModelParam *param;

      g_assert_no_error (error);
      params = sb_model_schema_parse (root, &error);
      g_assert_no_error (error);
      param = sb_model_schema_find_image_input (params);
      g_assert_cmpstr (param != NULL ? param->name : NULL, ==, cases[i].expected);
    }
}

/* A model without versions (mattt/empty): all optional fields null. */
static void
test_empty_model (void)
{
  g_autoptr(JsonNode) root = load_json ("models-get--2-GET-models-mattt-empty.json");
  g_autoptr(SbReplicateModel) model = NULL;
  g_autoptr(GPtrArray) params = NULL;
  g_autoptr(GError) error = NULL;

  model = sb_replicate_model_new_from_json (root, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (model->owner, ==, "mattt");
  g_assert_null (model->latest_version_id);
  g_assert_null (model->openapi_schema);

  params = sb_replicate_model_parse_params (model, &error);
  g_assert_null (params);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/sb/providers/schema/every-model", test_every_model);
  g_test_add_func ("/sb/providers/schema/stable-diffusion", test_stable_diffusion);
  g_test_add_func ("/sb/providers/schema/sdxl", test_sdxl);
  g_test_add_func ("/sb/providers/schema/inline-and-required", test_inline_and_required);
  g_test_add_func ("/sb/providers/schema/empty-model", test_empty_model);
  g_test_add_func ("/sb/providers/schema/image-input", test_image_input);

  return g_test_run ();
}
