/* sb-brief-generator.c
 *
 * Copyright 2026 The Storyboard authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "sb-generation"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "sb-brief-generator.h"
#include "sb-scene.h"

#define BRIEF_MAX_TOKENS 4096
#define BRIEF_SCHEMA_NAME "creative_brief"

struct _SbBriefGenerator
{
  GObject parent_instance;

  /* Owned */
  SbLlmChain *chain;
};

G_DEFINE_FINAL_TYPE (SbBriefGenerator, sb_brief_generator, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_CHAIN,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* ---- SbBriefRequest ---------------------------------------------------- */

SbBriefRequest *
sb_brief_request_new (void)
{
  SbBriefRequest *self = g_new0 (SbBriefRequest, 1);

  self->reference_images = g_ptr_array_new_with_free_func (g_free);
  return self;
}

void
sb_brief_request_free (SbBriefRequest *self)
{
  if (self == NULL)
    return;

  g_free (self->prompt);
  g_free (self->platform);
  g_free (self->category);
  g_clear_pointer (&self->reference_images, g_ptr_array_unref);
  g_free (self->reference_note);
  g_free (self);
}

/* ---- The generator ----------------------------------------------------- */

static void
sb_brief_generator_finalize (GObject *object)
{
  SbBriefGenerator *self = SB_BRIEF_GENERATOR (object);

  g_clear_object (&self->chain);

  G_OBJECT_CLASS (sb_brief_generator_parent_class)->finalize (object);
}

static void
sb_brief_generator_get_property (GObject    *object,
                                 guint       prop_id,
                                 GValue     *value,
                                 GParamSpec *pspec)
{
  SbBriefGenerator *self = SB_BRIEF_GENERATOR (object);

  switch (prop_id)
    {
    case PROP_CHAIN:
      g_value_set_object (value, self->chain);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sb_brief_generator_set_property (GObject      *object,
                                 guint         prop_id,
                                 const GValue *value,
                                 GParamSpec   *pspec)
{
  SbBriefGenerator *self = SB_BRIEF_GENERATOR (object);

  switch (prop_id)
    {
    case PROP_CHAIN:
      g_set_object (&self->chain, g_value_get_object (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sb_brief_generator_class_init (SbBriefGeneratorClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = sb_brief_generator_finalize;
  object_class->get_property = sb_brief_generator_get_property;
  object_class->set_property = sb_brief_generator_set_property;

  properties[PROP_CHAIN] =
    g_param_spec_object ("chain", NULL, NULL,
                         SB_TYPE_LLM_CHAIN,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY |
                         G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
sb_brief_generator_init (SbBriefGenerator *self)
{
}

SbBriefGenerator *
sb_brief_generator_new (SbLlmChain *chain)
{
  g_return_val_if_fail (SB_IS_LLM_CHAIN (chain), NULL);

  return g_object_new (SB_TYPE_BRIEF_GENERATOR, "chain", chain, NULL);
}

SbLlmChain *
sb_brief_generator_get_chain (SbBriefGenerator *self)
{
  g_return_val_if_fail (SB_IS_BRIEF_GENERATOR (self), NULL);

  return self->chain;
}

/* ---- Prompts (sent to the model: English on purpose) ------------------- */

static const char *
describe_platform (const char *platform)
{
  static const struct {
    const char *id;
    const char *text;
  } platforms[] = {
    { "tiktok", "TikTok (vertical 9:16, hook in the first two seconds)" },
    { "instagram-reels", "Instagram Reels (vertical 9:16)" },
    { "youtube-shorts", "YouTube Shorts (vertical 9:16)" },
    { "youtube", "YouTube (horizontal 16:9)" },
    { "tv", "TV commercial (horizontal 16:9)" },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (platforms); i++)
    if (g_str_equal (platform, platforms[i].id))
      return platforms[i].text;
  return platform;
}

static void
append_context (GString    *text,
                const char *prompt,
                const char *platform,
                const char *category,
                double      target_duration)
{
  if (prompt != NULL && *prompt != '\0')
    g_string_append_printf (text, "Idea: %s\n", prompt);
  if (platform != NULL && *platform != '\0')
    g_string_append_printf (text, "Platform: %s\n", describe_platform (platform));
  if (category != NULL && *category != '\0')
    g_string_append_printf (text, "Category: %s\n", category);
  if (target_duration > 0)
    g_string_append_printf (text, "Target duration: %.0f seconds (the scene durations add up to about this)\n",
                            target_duration);
  else
    g_string_append (text, "Target duration: not given; choose what suits the platform\n");
}

static char *
build_generate_text (SbBriefRequest *request)
{
  GString *text = g_string_new ("Write a creative brief for this video.\n\n");
  guint n_images = request->reference_images ? request->reference_images->len : 0;

  append_context (text, request->prompt, request->platform, request->category,
                  request->target_duration);
  if (n_images > 0)
    {
      g_string_append_printf (text, "Reference images: %u attached", n_images);
      if (request->reference_note != NULL && *request->reference_note != '\0')
        g_string_append_printf (text, " (%s)", request->reference_note);
      g_string_append (text, ". Take the subject, palette and style from them.\n");
    }
  return g_string_free (text, FALSE);
}

static char *
build_refine_text (SbBrief         *brief,
                   SbBriefRevision *current,
                   const char      *instruction)
{
  GString *text = g_string_new ("Here is the current creative brief.\n\n");
  g_autoptr(JsonNode) node = sb_brief_revision_to_json (current);
  g_autofree char *json = json_to_string (node, TRUE);

  if (brief != NULL)
    append_context (text, sb_brief_get_prompt (brief), sb_brief_get_platform (brief),
                    sb_brief_get_category (brief), sb_brief_get_target_duration (brief));
  g_string_append_printf (text, "\nThe brief as JSON:\n%s\n\n", json);
  g_string_append_printf (text, "Revise it following this instruction: %s\n\n", instruction);
  g_string_append (text,
                   "Keep everything the instruction does not ask to change. Answer with the complete "
                   "revised brief (every field and every scene, numbered from 1) as one JSON object "
                   "following the same schema.");
  return g_string_free (text, FALSE);
}

static void
add_images (SbChatRequest *chat,
            GPtrArray     *images)
{
  for (guint i = 0; images != NULL && i < images->len; i++)
    {
      g_autofree char *mime_type = NULL;
      g_autofree guchar *data = NULL;
      g_autoptr(GBytes) bytes = NULL;
      const char *base64 = NULL;
      gsize len = 0;

      if (!sb_llm_split_data_uri (g_ptr_array_index (images, i), &mime_type, &base64))
        {
          g_debug ("Skipping a reference image that is not a data URI");
          continue;
        }
      data = g_base64_decode (base64, &len);
      bytes = g_bytes_new_take (g_steal_pointer (&data), len);
      sb_chat_request_add_image (chat, bytes, mime_type);
    }
}

/* ---- The task ---------------------------------------------------------- */

typedef struct
{
  SbLlmChain          *chain;
  char                *user_text;
  GPtrArray           *images;          /* data URIs */

  /* Refine */
  SbBriefRevision     *current;
  char                *instruction;

  SbBriefProgressFunc  progress;
  gpointer             progress_data;
  GDestroyNotify       progress_destroy;

  SbChatRequest       *chat;            /* the request in flight */
  GString             *text;            /* its streamed text so far */
  guint                n_scenes;
  gulong               fallback_id;
  guint                round;           /* 0, then 1 for the repair round */
} GenerateData;

static void
generate_data_free (GenerateData *data)
{
  if (data->chat != NULL)
    sb_chat_request_set_delta_func (data->chat, NULL, NULL, NULL);
  g_clear_signal_handler (&data->fallback_id, data->chain);
  g_clear_pointer (&data->chat, sb_chat_request_unref);
  g_clear_object (&data->chain);
  g_free (data->user_text);
  g_clear_pointer (&data->images, g_ptr_array_unref);
  g_clear_object (&data->current);
  g_free (data->instruction);
  if (data->progress_destroy != NULL)
    data->progress_destroy (data->progress_data);
  g_string_free (data->text, TRUE);
  g_free (data);
}

static void
report_progress (GenerateData *data)
{
  if (data->progress != NULL)
    data->progress (data->text->str, data->n_scenes, data->progress_data);
}

/* Runs in the thread-default context of the caller (the main thread for
 * the UI): the clients stream on it. */
static void
on_chat_delta (const char *piece,
               gpointer    user_data)
{
  GTask *task = user_data;
  GenerateData *data = g_task_get_task_data (task);
  guint n_scenes;

  /* Cancelling stops the HTTP read; complete_cb returns CANCELLED. */
  if (g_cancellable_is_cancelled (g_task_get_cancellable (task)))
    return;

  g_string_append (data->text, piece);
  n_scenes = sb_brief_count_complete_scenes (data->text->str);
  /* Never go backwards within one answer. */
  data->n_scenes = MAX (data->n_scenes, n_scenes);
  report_progress (data);
}

/* The chain moves to its next provider: that one's answer starts afresh.
 * (The signal does not say which request; a generator runs one at a time.) */
static void
on_chain_fallback (SbLlmChain  *chain,
                   SbLlmClient *failed,
                   GError      *error,
                   SbLlmClient *next,
                   GTask       *task)
{
  GenerateData *data = g_task_get_task_data (task);

  g_string_truncate (data->text, 0);
  data->n_scenes = 0;
  report_progress (data);
}

static void complete_cb (GObject      *object,
                         GAsyncResult *result,
                         gpointer      user_data);

static void
start_round (GTask      *task,
             const char *invalid_reply,
             const char *problems)
{
  GenerateData *data = g_task_get_task_data (task);
  g_autoptr(SbChatRequest) chat = sb_chat_request_new ();

  sb_chat_request_set_system (chat, sb_brief_schema_get_system_prompt ());

  if (problems == NULL)
    {
      sb_chat_request_add_user_text (chat, data->user_text);
      add_images (chat, data->images);
    }
  else
    {
      g_autofree char *repair = g_strdup_printf (
        "Your answer did not follow the brief format:\n%s\n\n"
        "Answer again with the corrected, complete brief as one JSON object that follows the "
        "schema exactly: every field present with the right type, %d to %d scenes, no code "
        "fences, no commentary.",
        problems, SB_BRIEF_MIN_SCENES, SB_BRIEF_MAX_SCENES);

      if (invalid_reply != NULL && *invalid_reply != '\0')
        {
          sb_chat_request_add_user_text (chat, data->user_text);
          add_images (chat, data->images);
          sb_chat_request_add_assistant_text (chat, invalid_reply);
          sb_chat_request_add_user_text (chat, repair);
        }
      else
        {
          /* Nothing to quote back: one user turn, so turns still alternate. */
          g_autofree char *both = g_strconcat (data->user_text, "\n\n", repair, NULL);

          sb_chat_request_add_user_text (chat, both);
          add_images (chat, data->images);
        }
    }

  sb_chat_request_set_json_schema (chat, BRIEF_SCHEMA_NAME, sb_brief_schema_new ());
  sb_chat_request_set_max_tokens (chat, BRIEF_MAX_TOKENS);
  sb_chat_request_set_delta_func (chat, on_chat_delta, task, NULL);

  if (data->chat != NULL)
    sb_chat_request_set_delta_func (data->chat, NULL, NULL, NULL);
  g_clear_pointer (&data->chat, sb_chat_request_unref);
  data->chat = sb_chat_request_ref (chat);
  g_string_truncate (data->text, 0);
  data->n_scenes = 0;
  /* The preview starts over with the repaired answer. */
  if (problems != NULL)
    report_progress (data);

  sb_llm_chain_complete_async (data->chain, chat, g_task_get_cancellable (task),
                               complete_cb, g_object_ref (task));
}

static void
return_invalid (GTask *task)
{
  g_task_return_new_error (task, SB_BRIEF_ERROR, SB_BRIEF_ERROR_INVALID,
                           _("The model’s answer did not follow the brief format, even after a second try. "
                             "Try again or choose another model."));
}

/* A refined revision keeps the images chosen for scenes whose prompt did
 * not change. */
static void
carry_over_media (SbBriefRevision *current,
                  SbBriefRevision *next)
{
  GListModel *before = G_LIST_MODEL (sb_brief_revision_get_scenes (current));
  GListModel *after = G_LIST_MODEL (sb_brief_revision_get_scenes (next));
  guint n_before = g_list_model_get_n_items (before);
  g_autofree gboolean *used = g_new0 (gboolean, n_before + 1);

  for (guint i = 0; i < g_list_model_get_n_items (after); i++)
    {
      g_autoptr(SbScene) scene = g_list_model_get_item (after, i);

      for (guint j = 0; j < n_before; j++)
        {
          g_autoptr(SbScene) old = g_list_model_get_item (before, j);

          if (!used[j] && sb_scene_get_chosen_media_id (old) != 0 &&
              g_strcmp0 (sb_scene_get_generation_prompt (old), sb_scene_get_generation_prompt (scene)) == 0)
            {
              sb_scene_set_chosen_media_id (scene, sb_scene_get_chosen_media_id (old));
              used[j] = TRUE;
              break;
            }
        }
    }
}

typedef struct
{
  SbBriefRevision *revision;
  GPtrArray       *failures;
} GenerateResult;

static void
generate_result_free (GenerateResult *result)
{
  g_clear_object (&result->revision);
  g_clear_pointer (&result->failures, g_ptr_array_unref);
  g_free (result);
}

static void
complete_cb (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GenerateData *data = g_task_get_task_data (task);
  g_autoptr(SbChatResult) chat_result = NULL;
  g_autoptr(SbBriefRevision) revision = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *reply = NULL;
  GenerateResult *ret;

  chat_result = sb_llm_chain_complete_finish (SB_LLM_CHAIN (object), result, &error);
  sb_chat_request_set_delta_func (data->chat, NULL, NULL, NULL);

  if (g_task_return_error_if_cancelled (task))
    return;

  if (chat_result == NULL)
    {
      if (g_error_matches (error, SB_PROVIDER_ERROR, SB_PROVIDER_ERROR_REFUSED))
        {
          const char *words = sb_provider_error_get_detail (error);

          if (words == NULL || *words == '\0')
            words = data->text->str;
          if (*words != '\0')
            g_task_return_new_error (task, SB_BRIEF_ERROR, SB_BRIEF_ERROR_REFUSED,
                                     _("The model declined to write this brief: “%s”"), words);
          else
            g_task_return_new_error (task, SB_BRIEF_ERROR, SB_BRIEF_ERROR_REFUSED,
                                     _("The model declined to write this brief."));
          return;
        }

      /* A cut-off answer or one that is not JSON at all: the format, not
       * the provider, failed. */
      if (!g_error_matches (error, SB_PROVIDER_ERROR, SB_PROVIDER_ERROR_BAD_RESPONSE))
        {
          g_task_return_error (task, g_steal_pointer (&error));
          return;
        }
      if (data->round > 0)
        {
          return_invalid (task);
          return;
        }

      g_debug ("Brief answer unusable (%s); repair round", error->message);
      reply = g_strdup (data->text->str);
      data->round++;
      start_round (task, reply, data->text->len > 0
                   ? "- the answer is not complete, valid JSON (it may have been cut off); write it more concisely"
                   : "- the answer was cut off or was not the requested JSON; write it more concisely");
      return;
    }

  revision = sb_brief_parse_chat_result (chat_result, &error);
  if (revision == NULL)
    {
      g_autoptr(GString) problems = NULL;
      g_auto(GStrv) lines = NULL;

      if (g_error_matches (error, SB_BRIEF_ERROR, SB_BRIEF_ERROR_REFUSED))
        {
          g_task_return_error (task, g_steal_pointer (&error));
          return;
        }
      if (data->round > 0)
        {
          g_debug ("Brief answer still invalid after the repair round: %s", error->message);
          return_invalid (task);
          return;
        }

      g_debug ("Brief answer invalid; repair round:\n%s", error->message);
      problems = g_string_new (NULL);
      lines = g_strsplit (error->message, "\n", -1);
      for (guint i = 0; lines[i] != NULL; i++)
        g_string_append_printf (problems, "%s- %s", i > 0 ? "\n" : "", lines[i]);

      if (chat_result->tool_arguments != NULL)
        reply = g_strdup (chat_result->tool_arguments);
      else if (chat_result->text != NULL)
        reply = g_strdup (chat_result->text);
      else if (chat_result->json != NULL)
        reply = json_to_string (chat_result->json, FALSE);
      data->round++;
      start_round (task, reply, problems->str);
      return;
    }

  sb_brief_revision_set_provider (revision, sb_provider_kind_to_id (chat_result->provider));
  sb_brief_revision_set_model (revision, chat_result->model);
  {
    g_autoptr(GDateTime) now = g_date_time_new_now_utc ();

    sb_brief_revision_set_created_at (revision, now);
  }

  if (data->current != NULL)
    {
      sb_brief_revision_set_instruction (revision, data->instruction);
      sb_brief_revision_set_parent_id (revision, sb_brief_revision_get_id (data->current));
      sb_brief_revision_set_brief_id (revision, sb_brief_revision_get_brief_id (data->current));
      carry_over_media (data->current, revision);
    }

  ret = g_new0 (GenerateResult, 1);
  ret->revision = g_steal_pointer (&revision);
  ret->failures = g_ptr_array_new_with_free_func ((GDestroyNotify) g_error_free);
  for (guint i = 0; chat_result->failures != NULL && i < chat_result->failures->len; i++)
    g_ptr_array_add (ret->failures, g_error_copy (g_ptr_array_index (chat_result->failures, i)));

  g_task_return_pointer (task, ret, (GDestroyNotify) generate_result_free);
}

static void
start_task (SbBriefGenerator    *self,
            GenerateData        *data,
            gpointer             source_tag,
            GCancellable        *cancellable,
            GAsyncReadyCallback  callback,
            gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);

  g_task_set_source_tag (task, source_tag);
  data->chain = g_object_ref (self->chain);
  data->text = g_string_new (NULL);
  g_task_set_task_data (task, data, (GDestroyNotify) generate_data_free);

  if (sb_llm_chain_get_n_clients (self->chain) == 0)
    {
      g_task_return_new_error (task, SB_BRIEF_ERROR, SB_BRIEF_ERROR_NO_PROVIDER,
                               _("No language model provider is set up. Add an API key in Preferences."));
      return;
    }
  if (g_task_return_error_if_cancelled (task))
    return;

  data->fallback_id = g_signal_connect (data->chain, "fallback",
                                        G_CALLBACK (on_chain_fallback), task);
  start_round (task, NULL, NULL);
}

static SbBriefRevision *
finish_task (SbBriefGenerator  *self,
             GAsyncResult      *result,
             gpointer           source_tag,
             GPtrArray        **out_failures,
             GError           **error)
{
  GenerateResult *ret;
  SbBriefRevision *revision;

  g_return_val_if_fail (SB_IS_BRIEF_GENERATOR (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == source_tag, NULL);

  if (out_failures != NULL)
    *out_failures = NULL;

  ret = g_task_propagate_pointer (G_TASK (result), error);
  if (ret == NULL)
    return NULL;

  revision = g_steal_pointer (&ret->revision);
  if (out_failures != NULL)
    *out_failures = g_steal_pointer (&ret->failures);
  generate_result_free (ret);
  return revision;
}

void
sb_brief_generator_generate_async (SbBriefGenerator    *self,
                                   SbBriefRequest      *request,
                                   SbBriefProgressFunc  progress,
                                   gpointer             progress_data,
                                   GDestroyNotify       progress_destroy,
                                   GCancellable        *cancellable,
                                   GAsyncReadyCallback  callback,
                                   gpointer             user_data)
{
  GenerateData *data;

  g_return_if_fail (SB_IS_BRIEF_GENERATOR (self));
  g_return_if_fail (request != NULL);
  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));

  data = g_new0 (GenerateData, 1);
  data->user_text = build_generate_text (request);
  data->images = g_ptr_array_new_with_free_func (g_free);
  for (guint i = 0; request->reference_images != NULL && i < request->reference_images->len; i++)
    g_ptr_array_add (data->images, g_strdup (g_ptr_array_index (request->reference_images, i)));
  data->progress = progress;
  data->progress_data = progress_data;
  data->progress_destroy = progress_destroy;

  start_task (self, data, sb_brief_generator_generate_async, cancellable, callback, user_data);
}

SbBriefRevision *
sb_brief_generator_generate_finish (SbBriefGenerator  *self,
                                    GAsyncResult      *result,
                                    GPtrArray        **out_failures,
                                    GError           **error)
{
  return finish_task (self, result, sb_brief_generator_generate_async, out_failures, error);
}

void
sb_brief_generator_refine_async (SbBriefGenerator    *self,
                                 SbBrief             *brief,
                                 SbBriefRevision     *current,
                                 const char          *instruction,
                                 SbBriefProgressFunc  progress,
                                 gpointer             progress_data,
                                 GDestroyNotify       progress_destroy,
                                 GCancellable        *cancellable,
                                 GAsyncReadyCallback  callback,
                                 gpointer             user_data)
{
  GenerateData *data;

  g_return_if_fail (SB_IS_BRIEF_GENERATOR (self));
  g_return_if_fail (brief == NULL || SB_IS_BRIEF (brief));
  g_return_if_fail (SB_IS_BRIEF_REVISION (current));
  g_return_if_fail (instruction != NULL);
  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));

  data = g_new0 (GenerateData, 1);
  data->user_text = build_refine_text (brief, current, instruction);
  data->current = g_object_ref (current);
  data->instruction = g_strdup (instruction);
  data->progress = progress;
  data->progress_data = progress_data;
  data->progress_destroy = progress_destroy;

  start_task (self, data, sb_brief_generator_refine_async, cancellable, callback, user_data);
}

SbBriefRevision *
sb_brief_generator_refine_finish (SbBriefGenerator  *self,
                                  GAsyncResult      *result,
                                  GPtrArray        **out_failures,
                                  GError           **error)
{
  return finish_task (self, result, sb_brief_generator_refine_async, out_failures, error);
}
