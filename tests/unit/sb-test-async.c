/* sb-test-async.c
 *
 * Copyright 2026 The Storyboard authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "sb-test-async.h"

void
sb_test_store_result_cb (GObject      *object,
                         GAsyncResult *result,
                         gpointer      user_data)
{
  GAsyncResult **slot = user_data;

  g_assert_null (*slot);
  *slot = g_object_ref (result);
}

GAsyncResult *
sb_test_run_until (GAsyncResult **slot)
{
  while (*slot == NULL)
    g_main_context_iteration (g_main_context_get_thread_default (), TRUE);

  return *slot;
}
