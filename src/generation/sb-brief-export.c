/* sb-brief-export.c
 *
 * Copyright 2026 The Storyboard authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* A brief revision as Markdown or JSON, and what changed between two
 * revisions. */

#define G_LOG_DOMAIN "sb-generation"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <math.h>

#include "sb-brief-generator.h"
#include "sb-scene.h"

static char *
format_seconds (double seconds)
{
  g_autofree char *number = NULL;

  if (fabs (seconds - round (seconds)) < 0.05)
    number = g_strdup_printf ("%.0f", seconds);
  else
    number = g_strdup_printf ("%.1f", seconds);

  /* TRANSLATORS: a duration in seconds, e.g. “6 s” */
  return g_strdup_printf (_("%s s"), number);
}

static const char *
platform_name (const char *platform)
{
  if (platform == NULL)
    return NULL;
  if (g_str_equal (platform, "tiktok"))
    return "TikTok";
  if (g_str_equal (platform, "instagram-reels"))
    return "Instagram Reels";
  if (g_str_equal (platform, "youtube-shorts"))
    return "YouTube Shorts";
  if (g_str_equal (platform, "youtube"))
    return "YouTube";
  if (g_str_equal (platform, "tv"))
    return _("TV");
  return platform;
}

static const char *
category_name (const char *category)
{
  if (category == NULL)
    return NULL;
  if (g_str_equal (category, "product"))
    return _("Product");
  if (g_str_equal (category, "brand"))
    return _("Brand");
  if (g_str_equal (category, "explainer"))
    return _("Explainer");
  if (g_str_equal (category, "event"))
    return _("Event");
  return category;
}

static gboolean
is_set (const char *text)
{
  return text != NULL && *text != '\0';
}

static void
append_field (GString    *md,
              const char *label,
              const char *value)
{
  if (is_set (value))
    g_string_append_printf (md, "- **%s:** %s\n", label, value);
}

/* Continuation lines of a list item are indented to stay inside it. */
static void
append_indented (GString    *md,
                 const char *text)
{
  g_auto(GStrv) lines = g_strsplit (text, "\n", -1);

  for (guint i = 0; lines[i] != NULL; i++)
    g_string_append_printf (md, "   %s\n", lines[i]);
}

char *
sb_brief_export_markdown (SbBrief         *brief,
                          SbBriefRevision *revision)
{
  GString *md = g_string_new (NULL);
  GListModel *scenes;
  const char *title;
  double total = 0;
  guint n;

  g_return_val_if_fail (brief == NULL || SB_IS_BRIEF (brief), NULL);
  g_return_val_if_fail (SB_IS_BRIEF_REVISION (revision), NULL);

  title = sb_brief_revision_get_title (revision);
  if (!is_set (title) && brief != NULL)
    title = sb_brief_get_title (brief);
  g_string_append_printf (md, "# %s\n\n", is_set (title) ? title : _("Untitled brief"));

  if (brief != NULL)
    {
      append_field (md, _("Prompt"), sb_brief_get_prompt (brief));
      append_field (md, _("Platform"), platform_name (sb_brief_get_platform (brief)));
      append_field (md, _("Category"), category_name (sb_brief_get_category (brief)));
      if (sb_brief_get_target_duration (brief) > 0)
        {
          g_autofree char *duration = format_seconds (sb_brief_get_target_duration (brief));

          append_field (md, _("Target duration"), duration);
        }
      g_string_append_c (md, '\n');
    }

  append_field (md, _("Logline"), sb_brief_revision_get_logline (revision));
  append_field (md, _("Audience"), sb_brief_revision_get_audience (revision));
  append_field (md, _("Tone"), sb_brief_revision_get_tone (revision));
  append_field (md, _("Visual style"), sb_brief_revision_get_visual_style (revision));

  scenes = G_LIST_MODEL (sb_brief_revision_get_scenes (revision));
  n = g_list_model_get_n_items (scenes);
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(SbScene) scene = g_list_model_get_item (scenes, i);

      total += sb_scene_get_duration (scene);
    }

  {
    g_autofree char *duration = format_seconds (total);

    g_string_append_printf (md, "\n## %s\n\n", _("Scenes"));
    /* TRANSLATORS: “6 scenes, 38 s in total” */
    g_string_append_printf (md, ngettext ("%u scene, %s in total", "%u scenes, %s in total", n),
                            n, duration);
    g_string_append (md, "\n\n");
  }

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(SbScene) scene = g_list_model_get_item (scenes, i);
      g_autofree char *duration = format_seconds (sb_scene_get_duration (scene));
      const char *scene_title = sb_scene_get_title (scene);

      g_string_append_printf (md, "%u. **%s** (%s)\n\n", i + 1,
                              is_set (scene_title) ? scene_title : _("Untitled scene"), duration);
      if (is_set (sb_scene_get_description (scene)))
        {
          append_indented (md, sb_scene_get_description (scene));
          g_string_append_c (md, '\n');
        }
      if (is_set (sb_scene_get_shot_notes (scene)))
        {
          g_autofree char *line = g_strdup_printf ("*%s:* %s", _("Shot notes"), sb_scene_get_shot_notes (scene));

          append_indented (md, line);
          g_string_append_c (md, '\n');
        }
      if (is_set (sb_scene_get_generation_prompt (scene)))
        {
          g_autofree char *line = g_strdup_printf ("*%s:* %s", _("Generation prompt"),
                                                   sb_scene_get_generation_prompt (scene));

          append_indented (md, line);
          g_string_append_c (md, '\n');
        }
    }

  return g_string_free (md, FALSE);
}

static void
add_string_member (JsonBuilder *builder,
                   const char  *name,
                   const char  *value)
{
  json_builder_set_member_name (builder, name);
  if (value != NULL)
    json_builder_add_string_value (builder, value);
  else
    json_builder_add_null_value (builder);
}

static void
add_time_member (JsonBuilder *builder,
                 const char  *name,
                 GDateTime   *time)
{
  g_autofree char *text = time ? g_date_time_format_iso8601 (time) : NULL;

  add_string_member (builder, name, text);
}

char *
sb_brief_export_json (SbBrief         *brief,
                      SbBriefRevision *revision)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autoptr(JsonNode) root = NULL;

  g_return_val_if_fail (brief == NULL || SB_IS_BRIEF (brief), NULL);
  g_return_val_if_fail (SB_IS_BRIEF_REVISION (revision), NULL);

  json_builder_begin_object (builder);
  add_string_member (builder, "format", "storyboard-brief");
  json_builder_set_member_name (builder, "version");
  json_builder_add_int_value (builder, 1);

  if (brief != NULL)
    {
      json_builder_set_member_name (builder, "brief");
      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "id");
      json_builder_add_int_value (builder, sb_brief_get_id (brief));
      add_string_member (builder, "title", sb_brief_get_title (brief));
      add_string_member (builder, "prompt", sb_brief_get_prompt (brief));
      add_string_member (builder, "platform", sb_brief_get_platform (brief));
      add_string_member (builder, "category", sb_brief_get_category (brief));
      json_builder_set_member_name (builder, "target_duration");
      json_builder_add_double_value (builder, sb_brief_get_target_duration (brief));
      add_string_member (builder, "provider", sb_brief_get_provider (brief));
      add_string_member (builder, "model", sb_brief_get_model (brief));
      add_time_member (builder, "created_at", sb_brief_get_created_at (brief));
      add_time_member (builder, "updated_at", sb_brief_get_updated_at (brief));
      json_builder_end_object (builder);
    }

  json_builder_set_member_name (builder, "revision");
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "id");
  json_builder_add_int_value (builder, sb_brief_revision_get_id (revision));
  json_builder_set_member_name (builder, "number");
  json_builder_add_int_value (builder, sb_brief_revision_get_number (revision));
  json_builder_set_member_name (builder, "parent_id");
  json_builder_add_int_value (builder, sb_brief_revision_get_parent_id (revision));
  add_string_member (builder, "instruction", sb_brief_revision_get_instruction (revision));
  add_string_member (builder, "provider", sb_brief_revision_get_provider (revision));
  add_string_member (builder, "model", sb_brief_revision_get_model (revision));
  add_time_member (builder, "created_at", sb_brief_revision_get_created_at (revision));
  json_builder_end_object (builder);

  json_builder_set_member_name (builder, "content");
  json_builder_add_value (builder, sb_brief_revision_to_json (revision));

  json_builder_end_object (builder);

  root = json_builder_get_root (builder);
  json_generator_set_root (generator, root);
  json_generator_set_pretty (generator, TRUE);
  json_generator_set_indent (generator, 2);
  return json_generator_to_data (generator, NULL);
}

/* ---- Changes ----------------------------------------------------------- */

#define SHORT_VALUE 60

static void
describe_field (GPtrArray  *changes,
                const char *label,
                const char *before,
                const char *after)
{
  if (g_strcmp0 (before, after) == 0)
    return;

  if (!is_set (before))
    /* TRANSLATORS: “Tone added” */
    g_ptr_array_add (changes, g_strdup_printf (_("%s added"), label));
  else if (!is_set (after))
    /* TRANSLATORS: “Tone removed” */
    g_ptr_array_add (changes, g_strdup_printf (_("%s removed"), label));
  else if (g_utf8_strlen (before, -1) <= SHORT_VALUE && g_utf8_strlen (after, -1) <= SHORT_VALUE)
    /* TRANSLATORS: “Tone: “warm” → “playful”” */
    g_ptr_array_add (changes, g_strdup_printf (_("%s: “%s” → “%s”"), label, before, after));
  else
    /* TRANSLATORS: “Logline changed” */
    g_ptr_array_add (changes, g_strdup_printf (_("%s changed"), label));
}

static void
describe_scene (GPtrArray *changes,
                guint      number,
                SbScene   *before,
                SbScene   *after)
{
  g_autoptr(GPtrArray) fields = g_ptr_array_new ();
  gboolean duration_changed;
  GString *list;

  if (g_strcmp0 (sb_scene_get_title (before), sb_scene_get_title (after)) != 0)
    g_ptr_array_add (fields, _("title"));
  if (g_strcmp0 (sb_scene_get_description (before), sb_scene_get_description (after)) != 0)
    g_ptr_array_add (fields, _("description"));
  if (g_strcmp0 (sb_scene_get_shot_notes (before), sb_scene_get_shot_notes (after)) != 0)
    g_ptr_array_add (fields, _("shot notes"));
  if (g_strcmp0 (sb_scene_get_generation_prompt (before), sb_scene_get_generation_prompt (after)) != 0)
    g_ptr_array_add (fields, _("generation prompt"));
  duration_changed = fabs (sb_scene_get_duration (before) - sb_scene_get_duration (after)) >= 0.05;

  if (fields->len == 0 && duration_changed)
    {
      g_autofree char *from = format_seconds (sb_scene_get_duration (before));
      g_autofree char *to = format_seconds (sb_scene_get_duration (after));

      /* TRANSLATORS: “Scene 2: duration 5 s → 8 s” */
      g_ptr_array_add (changes, g_strdup_printf (_("Scene %u: duration %s → %s"), number, from, to));
      return;
    }
  if (duration_changed)
    g_ptr_array_add (fields, _("duration"));
  if (fields->len == 0)
    return;

  list = g_string_new (NULL);
  for (guint i = 0; i < fields->len; i++)
    {
      if (i > 0)
        /* TRANSLATORS: separates the changed fields of a scene */
        g_string_append (list, _(", "));
      g_string_append (list, g_ptr_array_index (fields, i));
    }
  /* TRANSLATORS: “Scene 3: description, shot notes changed” */
  g_ptr_array_add (changes, g_strdup_printf (_("Scene %u: %s changed"), number, list->str));
  g_string_free (list, TRUE);
}

GStrv
sb_brief_revision_describe_changes (SbBriefRevision *before,
                                    SbBriefRevision *after)
{
  GPtrArray *changes;
  GListModel *scenes_before;
  GListModel *scenes_after;
  guint n_before;
  guint n_after;

  g_return_val_if_fail (SB_IS_BRIEF_REVISION (before), NULL);
  g_return_val_if_fail (SB_IS_BRIEF_REVISION (after), NULL);

  changes = g_ptr_array_new ();
  describe_field (changes, _("Title"), sb_brief_revision_get_title (before), sb_brief_revision_get_title (after));
  describe_field (changes, _("Logline"), sb_brief_revision_get_logline (before), sb_brief_revision_get_logline (after));
  describe_field (changes, _("Audience"), sb_brief_revision_get_audience (before), sb_brief_revision_get_audience (after));
  describe_field (changes, _("Tone"), sb_brief_revision_get_tone (before), sb_brief_revision_get_tone (after));
  describe_field (changes, _("Visual style"), sb_brief_revision_get_visual_style (before),
                  sb_brief_revision_get_visual_style (after));

  scenes_before = G_LIST_MODEL (sb_brief_revision_get_scenes (before));
  scenes_after = G_LIST_MODEL (sb_brief_revision_get_scenes (after));
  n_before = g_list_model_get_n_items (scenes_before);
  n_after = g_list_model_get_n_items (scenes_after);

  for (guint i = 0; i < MIN (n_before, n_after); i++)
    {
      g_autoptr(SbScene) a = g_list_model_get_item (scenes_before, i);
      g_autoptr(SbScene) b = g_list_model_get_item (scenes_after, i);

      describe_scene (changes, i + 1, a, b);
    }
  for (guint i = n_before; i < n_after; i++)
    g_ptr_array_add (changes, g_strdup_printf (_("Scene %u added"), i + 1));
  for (guint i = n_after; i < n_before; i++)
    g_ptr_array_add (changes, g_strdup_printf (_("Scene %u removed"), i + 1));

  g_ptr_array_add (changes, NULL);
  return (GStrv) g_ptr_array_free (changes, FALSE);
}
