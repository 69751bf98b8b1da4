/* sb-ui-test.h
 *
 * Copyright 2026 The Storyboard authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* The app notifies when a batch ends while its window is not focused — as
 * always under Xvfb, which has no window manager.  With no notification
 * daemon on the test's private session bus GIO would warn (fatal in
 * tests); owning org.gtk.Notifications makes it pick its GTK backend,
 * which sends without waiting for an answer. */
void sb_ui_test_claim_notifications (void);

G_END_DECLS
