/* sb-brief-schema.c
 *
 * Copyright 2026 The Storyboard authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* The creative brief's JSON schema, the system prompt that states it, and
 * the validation of what a model sends back. */

#define G_LOG_DOMAIN "sb-generation"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <math.h>
#include <string.h>

#include "sb-brief-generator.h"
#include "sb-scene.h"

G_DEFINE_QUARK (sb-brief-error-quark, sb_brief_error)

/* ---- Schema ------------------------------------------------------------ */

static const char *brief_fields[] = { "title", "logline", "audience", "tone", "visual_style" };
static const char *scene_fields[] = { "number", "title", "description", "duration_seconds",
                                      "shot_notes", "generation_prompt" };

static void
add_property (JsonBuilder *builder,
              const char  *name,
              const char  *type,
              const char  *description)
{
  json_builder_set_member_name (builder, name);
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "type");
  json_builder_add_string_value (builder, type);
  json_builder_set_member_name (builder, "description");
  json_builder_add_string_value (builder, description);
  json_builder_end_object (builder);
}

static void
add_required (JsonBuilder  *builder,
              const char  **names,
              gsize         n_names)
{
  json_builder_set_member_name (builder, "required");
  json_builder_begin_array (builder);
  for (gsize i = 0; i < n_names; i++)
    json_builder_add_string_value (builder, names[i]);
  json_builder_end_array (builder);
  /* Strict structured output wants every object closed. */
  json_builder_set_member_name (builder, "additionalProperties");
  json_builder_add_boolean_value (builder, FALSE);
}

JsonNode *
sb_brief_schema_new (void)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "type");
  json_builder_add_string_value (builder, "object");
  json_builder_set_member_name (builder, "properties");
  json_builder_begin_object (builder);
  add_property (builder, "title", "string", "A short, memorable title for the video");
  add_property (builder, "logline", "string", "One sentence that tells the whole story");
  add_property (builder, "audience", "string", "Who the video is for");
  add_property (builder, "tone", "string", "The mood, in a few words");
  add_property (builder, "visual_style", "string", "Look and feel shared by every scene: palette, light, texture, lens");

  json_builder_set_member_name (builder, "scenes");
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "type");
  json_builder_add_string_value (builder, "array");
  json_builder_set_member_name (builder, "minItems");
  json_builder_add_int_value (builder, SB_BRIEF_MIN_SCENES);
  json_builder_set_member_name (builder, "maxItems");
  json_builder_add_int_value (builder, SB_BRIEF_MAX_SCENES);
  json_builder_set_member_name (builder, "items");
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "type");
  json_builder_add_string_value (builder, "object");
  json_builder_set_member_name (builder, "properties");
  json_builder_begin_object (builder);
  add_property (builder, "number", "integer", "The scene's position, starting at 1");
  add_property (builder, "title", "string", "A few words naming the beat");
  add_property (builder, "description", "string", "What happens and what we see");
  add_property (builder, "duration_seconds", "number", "How long the scene lasts, in seconds");
  add_property (builder, "shot_notes", "string", "Framing, camera movement, transitions");
  add_property (builder, "generation_prompt", "string",
                "A self-contained prompt for an image model: subject, setting, lighting, camera, style; no text in the image");
  json_builder_end_object (builder);
  add_required (builder, scene_fields, G_N_ELEMENTS (scene_fields));
  json_builder_end_object (builder);
  json_builder_end_object (builder);

  json_builder_end_object (builder);
  {
    const char *required[G_N_ELEMENTS (brief_fields) + 1];

    for (gsize i = 0; i < G_N_ELEMENTS (brief_fields); i++)
      required[i] = brief_fields[i];
    required[G_N_ELEMENTS (brief_fields)] = "scenes";
    add_required (builder, required, G_N_ELEMENTS (required));
  }
  json_builder_end_object (builder);

  return json_builder_get_root (builder);
}

/* Sent to the model, not shown to the user: English on purpose. */
const char *
sb_brief_schema_get_system_prompt (void)
{
  return
    "You are a creative director who writes briefs for short videos. Each scene of a brief "
    "becomes one still image made by a text-to-image model, so every scene must be something "
    "a camera can see.\n"
    "\n"
    "Answer with one JSON object and nothing else: no code fences, no commentary. Its fields:\n"
    "- title (string): a short, memorable title.\n"
    "- logline (string): one sentence that tells the whole story.\n"
    "- audience (string): who the video is for.\n"
    "- tone (string): the mood, in a few words.\n"
    "- visual_style (string): the look shared by every scene: palette, light, texture, lens.\n"
    "- scenes (array of 5 to 8 objects, in order), each with:\n"
    "  - number (integer): 1 for the first scene, then 2, 3, ...\n"
    "  - title (string): a few words naming the beat.\n"
    "  - description (string): what happens and what we see.\n"
    "  - duration_seconds (number, greater than 0): how long the scene lasts.\n"
    "  - shot_notes (string): framing, camera movement, transitions.\n"
    "  - generation_prompt (string): a self-contained prompt for an image model. Name the "
    "concrete subject, the setting, the lighting, the camera (shot size, lens, angle) and the "
    "visual style, so the prompt works without the rest of the brief. Never ask for text, "
    "captions, logos with words or subtitles in the image.\n"
    "\n"
    "Rules:\n"
    "- Write 5 to 8 scenes.\n"
    "- The scene durations add up to the target duration (within about 10 percent). Without a "
    "target, choose what suits the platform.\n"
    "- Follow the platform's conventions: TikTok, Instagram Reels and YouTube Shorts are "
    "vertical 9:16 with a hook in the first two seconds; YouTube and TV are horizontal 16:9. "
    "Compose the shots and the generation prompts for that aspect ratio.\n"
    "- Keep the subject, characters and products consistent from scene to scene.\n"
    "- When reference images are attached, take the subject, palette and style from them.\n"
    "- Every string is filled in; nothing is left empty.\n";
}

/* ---- Validation -------------------------------------------------------- */

/* The problems are sent back to the model in the repair round, so they
 * stay in English and name the JSON fields. */

static const char *
check_string (JsonObject *object,
              const char *member,
              const char *path,
              gboolean    non_empty,
              GPtrArray  *problems)
{
  JsonNode *node = json_object_get_member (object, member);
  const char *value;

  if (node == NULL)
    {
      g_ptr_array_add (problems, g_strdup_printf ("%s: missing", path));
      return NULL;
    }
  if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
    {
      g_ptr_array_add (problems, g_strdup_printf ("%s: expected a string", path));
      return NULL;
    }
  value = json_node_get_string (node);
  if (non_empty)
    {
      g_autofree char *stripped = g_strstrip (g_strdup (value));

      if (*stripped == '\0')
        {
          g_ptr_array_add (problems, g_strdup_printf ("%s: must not be empty", path));
          return NULL;
        }
    }
  return value;
}

static gboolean
node_is_number (JsonNode *node,
                double   *out)
{
  GType type;

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node))
    return FALSE;
  type = json_node_get_value_type (node);
  if (type == G_TYPE_INT64)
    *out = (double) json_node_get_int (node);
  else if (type == G_TYPE_DOUBLE)
    *out = json_node_get_double (node);
  else
    return FALSE;
  return TRUE;
}

static void
set_invalid (GError    **error,
             GPtrArray  *problems)
{
  GString *message = g_string_new (NULL);

  for (guint i = 0; i < problems->len; i++)
    {
      if (i > 0)
        g_string_append_c (message, '\n');
      g_string_append (message, g_ptr_array_index (problems, i));
    }
  g_set_error_literal (error, SB_BRIEF_ERROR, SB_BRIEF_ERROR_INVALID, message->str);
  g_string_free (message, TRUE);
}

SbBriefRevision *
sb_brief_parse_reply (JsonNode  *node,
                      GError   **error)
{
  g_autoptr(GPtrArray) problems = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(SbBriefRevision) revision = NULL;
  const char *values[G_N_ELEMENTS (brief_fields)];
  JsonObject *root;
  JsonNode *scenes_node;
  JsonArray *scenes = NULL;
  GListStore *store;

  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    {
      g_set_error_literal (error, SB_BRIEF_ERROR, SB_BRIEF_ERROR_INVALID,
                           "the answer is not a JSON object");
      return NULL;
    }
  root = json_node_get_object (node);

  for (gsize i = 0; i < G_N_ELEMENTS (brief_fields); i++)
    values[i] = check_string (root, brief_fields[i], brief_fields[i], TRUE, problems);

  scenes_node = json_object_get_member (root, "scenes");
  if (scenes_node == NULL)
    g_ptr_array_add (problems, g_strdup ("scenes: missing"));
  else if (!JSON_NODE_HOLDS_ARRAY (scenes_node))
    g_ptr_array_add (problems, g_strdup ("scenes: expected an array"));
  else
    {
      guint n;

      scenes = json_node_get_array (scenes_node);
      n = json_array_get_length (scenes);
      if (n < SB_BRIEF_MIN_SCENES || n > SB_BRIEF_MAX_SCENES)
        g_ptr_array_add (problems, g_strdup_printf ("%u scenes; a brief needs %d to %d",
                                                    n, SB_BRIEF_MIN_SCENES, SB_BRIEF_MAX_SCENES));

      for (guint i = 0; i < n; i++)
        {
          JsonNode *scene_node = json_array_get_element (scenes, i);
          JsonObject *scene;
          JsonNode *member;
          double value;

          if (!JSON_NODE_HOLDS_OBJECT (scene_node))
            {
              g_ptr_array_add (problems, g_strdup_printf ("scenes[%u]: expected an object", i));
              continue;
            }
          scene = json_node_get_object (scene_node);

#define SCENE_PATH(field) g_strdup_printf ("scenes[%u]." field, i)
          member = json_object_get_member (scene, "number");
          if (member == NULL)
            g_ptr_array_add (problems, g_strdup_printf ("scenes[%u].number: missing", i));
          else if (!node_is_number (member, &value) || value != floor (value))
            g_ptr_array_add (problems, g_strdup_printf ("scenes[%u].number: expected an integer", i));

          member = json_object_get_member (scene, "duration_seconds");
          if (member == NULL)
            g_ptr_array_add (problems, g_strdup_printf ("scenes[%u].duration_seconds: missing", i));
          else if (!node_is_number (member, &value))
            g_ptr_array_add (problems, g_strdup_printf ("scenes[%u].duration_seconds: expected a number", i));
          else if (!(value > 0) || !isfinite (value))
            g_ptr_array_add (problems, g_strdup_printf ("scenes[%u].duration_seconds: must be greater than 0", i));

          {
            g_autofree char *title = SCENE_PATH ("title");
            g_autofree char *description = SCENE_PATH ("description");
            g_autofree char *shot_notes = SCENE_PATH ("shot_notes");
            g_autofree char *prompt = SCENE_PATH ("generation_prompt");

            check_string (scene, "title", title, TRUE, problems);
            check_string (scene, "description", description, TRUE, problems);
            check_string (scene, "shot_notes", shot_notes, FALSE, problems);
            check_string (scene, "generation_prompt", prompt, TRUE, problems);
          }
#undef SCENE_PATH
        }
    }

  if (problems->len > 0)
    {
      set_invalid (error, problems);
      return NULL;
    }

  revision = sb_brief_revision_new ();
  sb_brief_revision_set_title (revision, values[0]);
  sb_brief_revision_set_logline (revision, values[1]);
  sb_brief_revision_set_audience (revision, values[2]);
  sb_brief_revision_set_tone (revision, values[3]);
  sb_brief_revision_set_visual_style (revision, values[4]);

  /* The scene's number is its position; the model's numbers only had to
   * be integers. */
  store = sb_brief_revision_get_scenes (revision);
  for (guint i = 0; i < json_array_get_length (scenes); i++)
    {
      JsonObject *object = json_array_get_object_element (scenes, i);
      g_autoptr(SbScene) scene = sb_scene_new ();
      double duration = 0;

      node_is_number (json_object_get_member (object, "duration_seconds"), &duration);
      sb_scene_set_title (scene, json_object_get_string_member (object, "title"));
      sb_scene_set_description (scene, json_object_get_string_member (object, "description"));
      sb_scene_set_duration (scene, duration);
      sb_scene_set_shot_notes (scene, json_object_get_string_member (object, "shot_notes"));
      sb_scene_set_generation_prompt (scene, json_object_get_string_member (object, "generation_prompt"));
      g_list_store_append (store, scene);
    }

  return g_steal_pointer (&revision);
}

/* The JSON object inside @text: the whole text, a ```json fence's content,
 * or from the first '{' to the last '}' when prose surrounds it. */
static char *
extract_json (const char *text)
{
  g_autofree char *copy = g_strstrip (g_strdup (text));
  const char *fence = strstr (copy, "```");

  if (fence != NULL)
    {
      const char *start = strchr (fence + 3, '\n');
      const char *end;

      if (start != NULL)
        {
          start++;
          end = strstr (start, "```");
          if (end == NULL)
            end = start + strlen (start);
          return g_strstrip (g_strndup (start, end - start));
        }
    }

  if (copy[0] != '{')
    {
      const char *first = strchr (copy, '{');
      const char *last = strrchr (copy, '}');

      if (first != NULL && last != NULL && last > first)
        return g_strndup (first, last - first + 1);
    }

  return g_steal_pointer (&copy);
}

SbBriefRevision *
sb_brief_parse_reply_text (const char  *text,
                           GError     **error)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) local_error = NULL;
  g_autofree char *json = NULL;

  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (text == NULL || *text == '\0')
    {
      g_set_error_literal (error, SB_BRIEF_ERROR, SB_BRIEF_ERROR_INVALID, "the answer is empty");
      return NULL;
    }

  json = extract_json (text);
  if (!json_parser_load_from_data (parser, json, -1, &local_error))
    {
      g_set_error (error, SB_BRIEF_ERROR, SB_BRIEF_ERROR_INVALID,
                   "the answer is not valid JSON (%s); it may be cut off", local_error->message);
      return NULL;
    }

  return sb_brief_parse_reply (json_parser_get_root (parser), error);
}

SbBriefRevision *
sb_brief_parse_chat_result (SbChatResult  *result,
                            GError       **error)
{
  g_return_val_if_fail (result != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (result->refusal != NULL || result->finish == SB_CHAT_FINISH_REFUSAL ||
      result->finish == SB_CHAT_FINISH_CONTENT_FILTER)
    {
      const char *words = result->refusal != NULL ? result->refusal : result->text;

      if (words != NULL && *words != '\0')
        g_set_error (error, SB_BRIEF_ERROR, SB_BRIEF_ERROR_REFUSED,
                     _("The model declined to write this brief: “%s”"), words);
      else
        g_set_error_literal (error, SB_BRIEF_ERROR, SB_BRIEF_ERROR_REFUSED,
                             _("The model declined to write this brief."));
      return NULL;
    }

  if (result->finish == SB_CHAT_FINISH_LENGTH)
    {
      g_set_error_literal (error, SB_BRIEF_ERROR, SB_BRIEF_ERROR_INVALID,
                           "the answer was cut off before the JSON was complete; write it shorter");
      return NULL;
    }

  if (result->json != NULL)
    return sb_brief_parse_reply (result->json, error);
  if (result->tool_arguments != NULL)
    return sb_brief_parse_reply_text (result->tool_arguments, error);
  return sb_brief_parse_reply_text (result->text, error);
}

/* ---- Streaming --------------------------------------------------------- */

guint
sb_brief_count_complete_scenes (const char *text)
{
  gboolean in_string = FALSE;
  gboolean escaped = FALSE;
  gboolean after_scenes_key = FALSE;
  GString *key = g_string_new (NULL);
  int depth = 0;
  int scenes_depth = -1;   /* depth inside the "scenes" array, -1 before it */
  guint count = 0;

  for (const char *p = text; p != NULL && *p != '\0'; p++)
    {
      char c = *p;

      if (in_string)
        {
          if (escaped)
            escaped = FALSE;
          else if (c == '\\')
            escaped = TRUE;
          else if (c == '"')
            {
              in_string = FALSE;
              after_scenes_key = depth == 1 && g_str_equal (key->str, "scenes");
            }
          else if (depth == 1 && key->len < 16)
            g_string_append_c (key, c);
          continue;
        }

      switch (c)
        {
        case '"':
          in_string = TRUE;
          after_scenes_key = FALSE;
          g_string_truncate (key, 0);
          break;

        case '{':
          depth++;
          after_scenes_key = FALSE;
          break;

        case '[':
          depth++;
          if (after_scenes_key && scenes_depth < 0)
            scenes_depth = depth;
          after_scenes_key = FALSE;
          break;

        case '}':
          if (scenes_depth > 0 && depth == scenes_depth + 1)
            count++;
          depth = MAX (depth - 1, 0);
          break;

        case ']':
          if (depth == scenes_depth)
            scenes_depth = -2;   /* the array is closed; nothing after it counts */
          depth = MAX (depth - 1, 0);
          break;

        case ':':
        case ' ':
        case '\t':
        case '\r':
        case '\n':
          break;

        default:
          after_scenes_key = FALSE;
          break;
        }
    }

  g_string_free (key, TRUE);
  return count;
}
