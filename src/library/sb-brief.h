/* sb-brief.h
 *
 * Copyright 2026 The Storyboard authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define SB_TYPE_BRIEF (sb_brief_get_type ())

/* A saved brief: what the user asked for.  Its content lives in its
 * revisions.  Properties: id (0 until stored), title (the latest
 * revision's title, kept here for the sidebar and search), prompt, platform,
 * category (stable ids such as "tiktok", "product"), target-duration
 * (seconds), provider and model (the LLM chosen), reference-media-id
 * (0 = none), created-at and updated-at (GDateTime), n-revisions.
 * Main thread only. */
G_DECLARE_FINAL_TYPE (SbBrief, sb_brief, SB, BRIEF, GObject)

SbBrief     *sb_brief_new                    (void);
gint64       sb_brief_get_id                 (SbBrief    *self);
void         sb_brief_set_id                 (SbBrief    *self,
                                              gint64      id);
const char  *sb_brief_get_title              (SbBrief    *self);
void         sb_brief_set_title              (SbBrief    *self,
                                              const char *title);
const char  *sb_brief_get_prompt             (SbBrief    *self);
void         sb_brief_set_prompt             (SbBrief    *self,
                                              const char *prompt);
const char  *sb_brief_get_platform           (SbBrief    *self);
void         sb_brief_set_platform           (SbBrief    *self,
                                              const char *platform);
const char  *sb_brief_get_category           (SbBrief    *self);
void         sb_brief_set_category           (SbBrief    *self,
                                              const char *category);
double       sb_brief_get_target_duration    (SbBrief    *self);
void         sb_brief_set_target_duration    (SbBrief    *self,
                                              double      seconds);
const char  *sb_brief_get_provider           (SbBrief    *self);
void         sb_brief_set_provider           (SbBrief    *self,
                                              const char *provider);
const char  *sb_brief_get_model              (SbBrief    *self);
void         sb_brief_set_model              (SbBrief    *self,
                                              const char *model);
gint64       sb_brief_get_reference_media_id (SbBrief    *self);
void         sb_brief_set_reference_media_id (SbBrief    *self,
                                              gint64      media_id);
GDateTime   *sb_brief_get_created_at         (SbBrief    *self);
GDateTime   *sb_brief_get_updated_at         (SbBrief    *self);
void         sb_brief_set_times              (SbBrief    *self,
                                              GDateTime  *created_at,
                                              GDateTime  *updated_at);
guint        sb_brief_get_n_revisions        (SbBrief    *self);
void         sb_brief_set_n_revisions        (SbBrief    *self,
                                              guint       n_revisions);

G_END_DECLS
