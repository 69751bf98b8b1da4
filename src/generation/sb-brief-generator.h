/* sb-brief-generator.h
 *
 * Copyright 2026 The Storyboard authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "sb-brief.h"
#include "sb-brief-revision.h"
#include "sb-llm-chain.h"

G_BEGIN_DECLS

/* Turns a prompt into a creative brief, and a brief plus an instruction into
 * its next revision, through the LLM providers.  Nothing here touches the
 * library: the caller stores what comes back. */

#define SB_BRIEF_MIN_SCENES 5
#define SB_BRIEF_MAX_SCENES 8

/* The JSON schema the brief must follow (the "json_schema" sent to the
 * provider), and the system prompt that states it field by field. */
JsonNode        *sb_brief_schema_new              (void);
const char      *sb_brief_schema_get_system_prompt (void);

/* Validates @node against the schema: every field present with the right
 * type, SB_BRIEF_MIN_SCENES..MAX scenes, non-empty generation prompts,
 * positive durations.  On failure @error (SB_BRIEF_ERROR_INVALID) has a
 * message listing what was wrong, suitable for a repair round. */
SbBriefRevision *sb_brief_parse_reply             (JsonNode     *node,
                                                   GError      **error);
/* The same from text: also accepts a reply fenced in ```json ... ```. */
SbBriefRevision *sb_brief_parse_reply_text        (const char   *text,
                                                   GError      **error);

/* The same from a provider's answer: a refusal (or content filter) is
 * SB_BRIEF_ERROR_REFUSED with the model's words, a cut-off answer
 * SB_BRIEF_ERROR_INVALID; otherwise the structured JSON, the tool arguments
 * or the text is parsed as above. */
SbBriefRevision *sb_brief_parse_chat_result       (SbChatResult *result,
                                                   GError      **error);

/* How many scene objects of the "scenes" array are complete in @text, a
 * reply that may still be streaming in (tolerant: fences, prose and a cut
 * in the middle of a string are fine). */
guint            sb_brief_count_complete_scenes   (const char   *text);

#define SB_BRIEF_ERROR (sb_brief_error_quark ())

typedef enum
{
  SB_BRIEF_ERROR_INVALID,    /* the reply did not follow the schema, even after the repair round */
  SB_BRIEF_ERROR_REFUSED,    /* the model declined to write it */
  SB_BRIEF_ERROR_NO_PROVIDER /* no LLM provider is configured */
} SbBriefError;

GQuark sb_brief_error_quark (void);

/* What the brief is asked for. */
typedef struct
{
  char      *prompt;
  char      *platform;         /* "tiktok", "instagram-reels", "youtube-shorts", "youtube", "tv", ... or NULL */
  char      *category;         /* "product", "brand", "explainer", "event", ... or NULL */
  double     target_duration;  /* seconds, 0 = unspecified */
  GPtrArray *reference_images; /* data URIs (already downscaled), may be empty */
  char      *reference_note;   /* e.g. "frames from a 12 s video", or NULL */
} SbBriefRequest;

SbBriefRequest *sb_brief_request_new  (void);
void            sb_brief_request_free (SbBriefRequest *self);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (SbBriefRequest, sb_brief_request_free)

/* Progress while a reply streams in: the text so far (for a live preview)
 * and how many complete scenes it already holds. */
typedef void (*SbBriefProgressFunc) (const char *text_so_far,
                                     guint       n_scenes_so_far,
                                     gpointer    user_data);

#define SB_TYPE_BRIEF_GENERATOR (sb_brief_generator_get_type ())

G_DECLARE_FINAL_TYPE (SbBriefGenerator, sb_brief_generator, SB, BRIEF_GENERATOR, GObject)

/* @chain: the configured providers, first choice first. */
SbBriefGenerator *sb_brief_generator_new              (SbLlmChain          *chain);
SbLlmChain       *sb_brief_generator_get_chain        (SbBriefGenerator    *self);

/* One streamed call with the schema; an invalid reply gets one automatic
 * repair round (the reply and what was wrong are sent back).  The result is
 * a new, unsaved revision whose provider/model say who answered; the
 * providers that failed before it are in *out_failures (GError array, may
 * be NULL).  Cancelling @cancellable really cancels the request. */
void              sb_brief_generator_generate_async   (SbBriefGenerator    *self,
                                                       SbBriefRequest      *request,
                                                       SbBriefProgressFunc  progress,
                                                       gpointer             progress_data,
                                                       GDestroyNotify       progress_destroy,
                                                       GCancellable        *cancellable,
                                                       GAsyncReadyCallback  callback,
                                                       gpointer             user_data);
SbBriefRevision  *sb_brief_generator_generate_finish  (SbBriefGenerator    *self,
                                                       GAsyncResult        *result,
                                                       GPtrArray          **out_failures,
                                                       GError             **error);

/* Sends @current (as JSON) and @instruction; returns the next revision
 * (unsaved; instruction set, parent-id = @current's id).  Same repair round
 * and progress as generate. */
void              sb_brief_generator_refine_async     (SbBriefGenerator    *self,
                                                       SbBrief             *brief,
                                                       SbBriefRevision     *current,
                                                       const char          *instruction,
                                                       SbBriefProgressFunc  progress,
                                                       gpointer             progress_data,
                                                       GDestroyNotify       progress_destroy,
                                                       GCancellable        *cancellable,
                                                       GAsyncReadyCallback  callback,
                                                       gpointer             user_data);
SbBriefRevision  *sb_brief_generator_refine_finish    (SbBriefGenerator    *self,
                                                       GAsyncResult        *result,
                                                       GPtrArray          **out_failures,
                                                       GError             **error);

/* Exports (UTF-8). */
char             *sb_brief_export_markdown            (SbBrief             *brief,
                                                       SbBriefRevision     *revision);
char             *sb_brief_export_json                (SbBrief             *brief,
                                                       SbBriefRevision     *revision);

/* What changed between two revisions, one line per change ("Scene 3:
 * description changed", "Scene 6 added", "Tone: “warm” → “playful”"). */
GStrv             sb_brief_revision_describe_changes  (SbBriefRevision     *before,
                                                       SbBriefRevision     *after);

G_END_DECLS
