/* sb-make-video-dialog.h
 *
 * Copyright 2026 The Storyboard authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "sb-generation-queue.h"
#include "sb-library.h"
#include "sb-model-picker.h"
#include "sb-param-form.h"
#include "sb-replicate-client.h"

G_BEGIN_DECLS

#define SB_TYPE_MAKE_VIDEO_DIALOG (sb_make_video_dialog_get_type ())

G_DECLARE_FINAL_TYPE (SbMakeVideoDialog, sb_make_video_dialog, SB, MAKE_VIDEO_DIALOG, AdwWindow)

/* Makes a video from the image @item with an "image-to-video" model: the
 * model's form with the image and its prompt filled in, then the job's
 * progress.  Closing the dialog does not cancel the job: it goes on in
 * @queue.  Actions: "make-video.submit", "make-video.cancel",
 * "make-video.retry", "make-video.open-videos". */
GtkWidget       *sb_make_video_dialog_new             (SbLibrary         *library,
                                                       SbGenerationQueue *queue,
                                                       SbReplicateClient *client,
                                                       GSettings         *settings,
                                                       SbMediaItem       *item);
SbModelPicker   *sb_make_video_dialog_get_model_picker (SbMakeVideoDialog *self);
/* The form of the selected model, or NULL. */
SbParamForm     *sb_make_video_dialog_get_param_form  (SbMakeVideoDialog *self);
/* The job this dialog follows, or NULL before Make Video. */
SbGenerationJob *sb_make_video_dialog_get_job         (SbMakeVideoDialog *self);
/* The status line shown to the user (for tests). */
const char      *sb_make_video_dialog_get_status      (SbMakeVideoDialog *self);
/* The message under the progress (why it cannot start, or the provider's
 * error), or NULL when none is shown. */
const char      *sb_make_video_dialog_get_message     (SbMakeVideoDialog *self);

G_END_DECLS
