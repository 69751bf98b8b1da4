/* sb-model-picker.h
 *
 * Copyright 2026 The Storyboard authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "sb-library.h"
#include "sb-replicate-client.h"

G_BEGIN_DECLS

#define SB_TYPE_MODEL_PICKER (sb_model_picker_get_type ())

G_DECLARE_FINAL_TYPE (SbModelPicker, sb_model_picker, SB, MODEL_PICKER, AdwBin)

/* A dropdown of the models of one Replicate collection ("text-to-image",
 * "image-to-video", "text-to-video").  The list comes from the library's
 * cache at once (offline too), then is refreshed from Replicate in the
 * background when online with a key, keeping the selection.  The choice is
 * remembered in the "<slug>-model" key of @settings when it has one.
 * Action: "model-picker.refresh". */
GtkWidget        *sb_model_picker_new                (SbLibrary     *library,
                                                      GSettings     *settings,
                                                      const char    *slug);
const char       *sb_model_picker_get_slug           (SbModelPicker *self);
/* The selected model, or NULL while the list is empty.  Borrowed: valid
 * until the next ::model-changed. */
SbReplicateModel *sb_model_picker_get_selected_model (SbModelPicker *self);
/* "owner/name" of the selected model, or NULL. */
const char       *sb_model_picker_get_selected_id    (SbModelPicker *self);
/* Selects the model "owner/name" as the user would (remembered); FALSE
 * when the list has no such model. */
gboolean          sb_model_picker_select             (SbModelPicker *self,
                                                      const char    *id);
/* GListModel of SbModelItem, in the collection's order. */
GListModel       *sb_model_picker_get_models         (SbModelPicker *self);
/* Whether a refresh from Replicate is under way. */
gboolean          sb_model_picker_get_refreshing     (SbModelPicker *self);
/* The inline message ("Could not refresh the models: …"), or NULL. */
const char       *sb_model_picker_get_message        (SbModelPicker *self);

G_END_DECLS
