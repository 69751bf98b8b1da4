/* sb-model-item.h
 *
 * Copyright 2026 The Storyboard authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>

#include "sb-replicate-client.h"

G_BEGIN_DECLS

#define SB_TYPE_MODEL_ITEM (sb_model_item_get_type ())

G_DECLARE_FINAL_TYPE (SbModelItem, sb_model_item, SB, MODEL_ITEM, GObject)

/* One Replicate model as a list item: the model (copied) and its cover,
 * set once it has been loaded. */
SbModelItem      *sb_model_item_new             (const SbReplicateModel *model);
/* Borrowed; lives as long as the item. */
SbReplicateModel *sb_model_item_get_model       (SbModelItem            *self);
/* "owner/name". */
const char       *sb_model_item_get_id          (SbModelItem            *self);
/* The description on one line. */
const char       *sb_model_item_get_description (SbModelItem            *self);
GdkPaintable     *sb_model_item_get_cover       (SbModelItem            *self);
void              sb_model_item_set_cover       (SbModelItem            *self,
                                                 GdkPaintable           *cover);

G_END_DECLS
