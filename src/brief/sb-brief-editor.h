/* sb-brief-editor.h
 *
 * Copyright 2026 The Storyboard authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "sb-generation-queue.h"
#include "sb-library-briefs.h"
#include "sb-model-picker.h"
#include "sb-param-form.h"
#include "sb-scene-row.h"
#include "sb-video-section.h"

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

/* Image generation: the "Images" section (model, its settings, "Generate
 * Images for All Scenes") and each scene's image state.  Jobs go to @queue,
 * whose Replicate @client gets the key looked up again before each run;
 * the model choice is remembered in @settings. */
void             sb_brief_editor_set_generation (SbBriefEditor     *self,
                                                 SbGenerationQueue *queue,
                                                 SbReplicateClient *client,
                                                 GSettings         *settings);
SbModelPicker   *sb_brief_editor_get_model_picker  (SbBriefEditor *self);
SbParamForm     *sb_brief_editor_get_param_form    (SbBriefEditor *self);
/* The last "N images ready" message, or NULL. */
const char      *sb_brief_editor_get_batch_message (SbBriefEditor *self);
/* Why generating is not possible now, or what it is doing ("" when idle). */
const char      *sb_brief_editor_get_images_status (SbBriefEditor *self);
gboolean         sb_brief_editor_is_generating     (SbBriefEditor *self);
/* The "Videos" section: one video per scene (see SbVideoSection). */
SbVideoSection  *sb_brief_editor_get_video_section (SbBriefEditor *self);
/* The card of the scene at @position, when it is on screen. */
SbSceneRow      *sb_brief_editor_get_scene_row     (SbBriefEditor *self,
                                                    guint          position);

/* "Use these settings again": selects @model and fills the image settings
 * with @parameters_json (a stored input; its prompt is left to each
 * scene).  Applied as soon as the model list holds @model. */
void sb_brief_editor_reuse_settings (SbBriefEditor *self,
                                     const char    *model,
                                     const char    *parameters_json);

G_END_DECLS
