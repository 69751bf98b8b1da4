/* sb-revisions-dialog.h
 *
 * Copyright 2026 The Storyboard authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "sb-library-briefs.h"

G_BEGIN_DECLS

#define SB_TYPE_REVISIONS_DIALOG (sb_revisions_dialog_get_type ())

/* Lists every revision of a brief, newest first, with what changed from
 * its parent; "Go Back to This Revision" emits ::restore with the chosen
 * revision (the page appends a copy of it, so nothing is lost).  Follows
 * the library's ::brief-changed. */
G_DECLARE_FINAL_TYPE (SbRevisionsDialog, sb_revisions_dialog, SB, REVISIONS_DIALOG, AdwWindow)

SbRevisionsDialog *sb_revisions_dialog_new          (GtkWindow         *parent,
                                                     SbLibrary         *library,
                                                     gint64             brief_id);
/* The revisions shown (SbBriefRevision, newest first), or NULL while they load. */
GListModel        *sb_revisions_dialog_get_model    (SbRevisionsDialog *self);
/* The lines of "what changed" shown for the selected revision. */
const char        *sb_revisions_dialog_get_changes  (SbRevisionsDialog *self);
void               sb_revisions_dialog_select       (SbRevisionsDialog *self,
                                                     guint              position);

G_END_DECLS
