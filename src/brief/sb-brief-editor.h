/* sb-brief-editor.h
 *
 * Copyright 2026 The Storyboard authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "sb-library-briefs.h"

G_BEGIN_DECLS

#define SB_TYPE_BRIEF_EDITOR (sb_brief_editor_get_type ())

/* Edits one revision in place: the brief's fields as entry rows and its
 * scenes as editable cards.  Every edit is autosaved after a short pause
 * (and at once when the editor is unmapped or destroyed); scene-level edits
 * can be undone with Ctrl+Z and redone with Ctrl+Shift+Z. */
G_DECLARE_FINAL_TYPE (SbBriefEditor, sb_brief_editor, SB, BRIEF_EDITOR, GtkWidget)

GtkWidget       *sb_brief_editor_new            (void);
void             sb_brief_editor_set_library    (SbBriefEditor   *self,
                                                 SbLibrary       *library);
/* Saves what is pending for the current revision, then shows @revision
 * (may be NULL) with an empty undo history. */
void             sb_brief_editor_set_revision   (SbBriefEditor   *self,
                                                 SbBriefRevision *revision);
SbBriefRevision *sb_brief_editor_get_revision   (SbBriefEditor   *self);
/* The revision's scenes, as shown. */
GListModel      *sb_brief_editor_get_scenes     (SbBriefEditor   *self);
/* Moves @scene (one of the revision's) to @position, as a drop does. */
gboolean         sb_brief_editor_move_scene_to  (SbBriefEditor   *self,
                                                 SbScene         *scene,
                                                 guint            position);
/* Starts saving now what is pending. */
void             sb_brief_editor_save_now       (SbBriefEditor   *self);
/* Whether every edit has been stored. */
gboolean         sb_brief_editor_is_saved       (SbBriefEditor   *self);
/* "Saved", "Saving…", or why the last save failed; "" before any edit. */
const char      *sb_brief_editor_get_status     (SbBriefEditor   *self);
guint            sb_brief_editor_get_n_saves    (SbBriefEditor   *self);

G_END_DECLS
