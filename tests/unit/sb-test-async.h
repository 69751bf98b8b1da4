/* sb-test-async.h
 *
 * Copyright 2026 The Storyboard authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* Driving an _async/_finish pair from a test:
 *
 *   g_autoptr(GAsyncResult) result = NULL;
 *   sb_thing_do_async (thing, NULL, sb_test_store_result_cb, &result);
 *   value = sb_thing_do_finish (thing, sb_test_run_until (&result), &error);
 *
 * The callback stores a reference to the result in the slot (which must be
 * empty); the loop iterates the thread-default main context until it is set. */
void          sb_test_store_result_cb (GObject       *object,
                                       GAsyncResult  *result,
                                       gpointer       user_data);
GAsyncResult *sb_test_run_until       (GAsyncResult **slot);

G_END_DECLS
