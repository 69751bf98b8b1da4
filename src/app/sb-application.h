/* sb-application.h
 *
 * Copyright 2026 The Storyboard authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "sb-generation-queue.h"
#include "sb-library.h"

G_BEGIN_DECLS

#define SB_TYPE_APPLICATION (sb_application_get_type ())

G_DECLARE_FINAL_TYPE (SbApplication, sb_application, SB, APPLICATION, AdwApplication)

SbApplication *sb_application_new               (const char        *application_id,
                                                 GApplicationFlags  flags);
SbLibrary     *sb_application_get_library       (SbApplication     *self);
const GError  *sb_application_get_library_error (SbApplication     *self);
GSettings     *sb_application_get_settings      (SbApplication     *self);
/* The generation queue, once the library is open (else NULL). */
SbGenerationQueue *sb_application_get_generation_queue (SbApplication *self);
/* The Replicate client of the generation queue, once the library is open. */
SbReplicateClient *sb_application_get_replicate_client (SbApplication *self);

G_END_DECLS
