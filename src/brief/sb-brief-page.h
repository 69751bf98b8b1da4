/* sb-brief-page.h
 *
 * Copyright 2026 The Storyboard authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "sb-brief-editor.h"
#include "sb-library-briefs.h"
#include "sb-revisions-dialog.h"

G_BEGIN_DECLS

#define SB_TYPE_BRIEF_PAGE (sb_brief_page_get_type ())

/* The Brief page: saved briefs in a sidebar, the inputs a brief is written
 * from, the streamed progress of the LLM, errors with what fixes them, and
 * the editor of the open brief with refine, revisions and export. */
G_DECLARE_FINAL_TYPE (SbBriefPage, sb_brief_page, SB, BRIEF_PAGE, GtkWidget)

void               sb_brief_page_set_library           (SbBriefPage *self,
                                                        SbLibrary   *library);
/* Where the editor sends image generation jobs (see
 * sb_brief_editor_set_generation()). */
void               sb_brief_page_set_generation        (SbBriefPage       *self,
                                                        SbGenerationQueue *queue,
                                                        SbReplicateClient *client);
/* Opens the saved brief @brief_id in the editor (its latest revision). */
void               sb_brief_page_open_brief            (SbBriefPage *self,
                                                        gint64       brief_id);
/* Writes the open brief to @file as "markdown" or "json", what the Export
 * menu does after asking where. */
void               sb_brief_page_export_async          (SbBriefPage         *self,
                                                        GFile               *file,
                                                        const char          *format,
                                                        GCancellable        *cancellable,
                                                        GAsyncReadyCallback  callback,
                                                        gpointer             user_data);
gboolean           sb_brief_page_export_finish         (SbBriefPage         *self,
                                                        GAsyncResult        *result,
                                                        GError             **error);
/* Attaches @file as the reference (what choosing or dropping a file does);
 * NULL removes it. */
void               sb_brief_page_set_reference_file    (SbBriefPage *self,
                                                        GFile       *file);

/* For tests: what the user sees and types into. */
GtkTextBuffer     *sb_brief_page_get_prompt_buffer     (SbBriefPage *self);
GtkEditable       *sb_brief_page_get_refine_editable   (SbBriefPage *self);
SbBriefEditor     *sb_brief_page_get_editor            (SbBriefPage *self);
/* The brief open in the editor, or NULL. */
SbBrief           *sb_brief_page_get_brief             (SbBriefPage *self);
/* "compose" or "editor". */
const char        *sb_brief_page_get_view              (SbBriefPage *self);
/* Whether a brief is being written or refined. */
gboolean           sb_brief_page_is_running            (SbBriefPage *self);
/* The title of the error shown in the page, or NULL when none is. */
const char        *sb_brief_page_get_error_title       (SbBriefPage *self);
const char        *sb_brief_page_get_error_description (SbBriefPage *self);
/* The line saying which provider wrote the brief when it was not the
 * chosen one, or "". */
const char        *sb_brief_page_get_notice            (SbBriefPage *self);
gboolean           sb_brief_page_has_reference         (SbBriefPage *self);
/* The line under the reference's name: its kind and size, or an error. */
const char        *sb_brief_page_get_reference_summary (SbBriefPage *self);
/* The saved briefs in the sidebar (SbBrief), or NULL while they load. */
GListModel        *sb_brief_page_get_briefs            (SbBriefPage *self);
/* The Revisions dialog while it is open, or NULL. */
SbRevisionsDialog *sb_brief_page_get_revisions_dialog  (SbBriefPage *self);

G_END_DECLS
