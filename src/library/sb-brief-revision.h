/* sb-brief-revision.h
 *
 * Copyright 2026 The Storyboard authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <json-glib/json-glib.h>

#include "sb-scene.h"

G_BEGIN_DECLS

#define SB_TYPE_BRIEF_REVISION (sb_brief_revision_get_type ())

/* One version of a brief's content: the creative fields and the scenes.
 * Properties: id (0 until stored), brief-id, number (1, 2, ...; 0 until
 * stored), parent-id, instruction (the refine instruction that made it, or
 * NULL for the first), provider and model (which LLM wrote it), created-at
 * (GDateTime), title, logline, audience, tone, visual-style, and the scenes
 * as a GListStore of SbScene in order.  Main thread only. */
G_DECLARE_FINAL_TYPE (SbBriefRevision, sb_brief_revision, SB, BRIEF_REVISION, GObject)

SbBriefRevision *sb_brief_revision_new              (void);
/* A deep copy with every id 0 (scenes copied too), for a new revision.
 * brief-id is kept (the copy is a revision of the same brief, ready for
 * sb_library_add_revision_async()); number and parent-id are 0. */
SbBriefRevision *sb_brief_revision_copy             (SbBriefRevision *self);

gint64           sb_brief_revision_get_id           (SbBriefRevision *self);
void             sb_brief_revision_set_id           (SbBriefRevision *self,
                                                     gint64           id);
gint64           sb_brief_revision_get_brief_id     (SbBriefRevision *self);
void             sb_brief_revision_set_brief_id     (SbBriefRevision *self,
                                                     gint64           brief_id);
guint            sb_brief_revision_get_number       (SbBriefRevision *self);
void             sb_brief_revision_set_number       (SbBriefRevision *self,
                                                     guint            number);
gint64           sb_brief_revision_get_parent_id    (SbBriefRevision *self);
void             sb_brief_revision_set_parent_id    (SbBriefRevision *self,
                                                     gint64           parent_id);
const char      *sb_brief_revision_get_instruction  (SbBriefRevision *self);
void             sb_brief_revision_set_instruction  (SbBriefRevision *self,
                                                     const char      *instruction);
const char      *sb_brief_revision_get_provider     (SbBriefRevision *self);
void             sb_brief_revision_set_provider     (SbBriefRevision *self,
                                                     const char      *provider);
const char      *sb_brief_revision_get_model        (SbBriefRevision *self);
void             sb_brief_revision_set_model        (SbBriefRevision *self,
                                                     const char      *model);
GDateTime       *sb_brief_revision_get_created_at   (SbBriefRevision *self);
void             sb_brief_revision_set_created_at   (SbBriefRevision *self,
                                                     GDateTime       *created_at);

const char      *sb_brief_revision_get_title        (SbBriefRevision *self);
void             sb_brief_revision_set_title        (SbBriefRevision *self,
                                                     const char      *title);
const char      *sb_brief_revision_get_logline      (SbBriefRevision *self);
void             sb_brief_revision_set_logline      (SbBriefRevision *self,
                                                     const char      *logline);
const char      *sb_brief_revision_get_audience     (SbBriefRevision *self);
void             sb_brief_revision_set_audience     (SbBriefRevision *self,
                                                     const char      *audience);
const char      *sb_brief_revision_get_tone         (SbBriefRevision *self);
void             sb_brief_revision_set_tone         (SbBriefRevision *self,
                                                     const char      *tone);
const char      *sb_brief_revision_get_visual_style (SbBriefRevision *self);
void             sb_brief_revision_set_visual_style (SbBriefRevision *self,
                                                     const char      *visual_style);
/* GListStore of SbScene, owned by the revision; edit it in place. */
GListStore      *sb_brief_revision_get_scenes       (SbBriefRevision *self);

/* The creative content as JSON, in the shape the LLM is asked for:
 * {"title","logline","audience","tone","visual_style",
 *  "scenes":[{"number","title","description","duration_seconds",
 *             "shot_notes","generation_prompt"}]}.
 * to_json never includes ids; from_json fills a new revision (ids 0) and
 * does no validation beyond types (see src/generation for the schema). */
JsonNode        *sb_brief_revision_to_json          (SbBriefRevision *self);
SbBriefRevision *sb_brief_revision_new_from_json    (JsonNode        *node,
                                                     GError         **error);

G_END_DECLS
