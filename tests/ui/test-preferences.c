/* test-preferences.c
 *
 * Copyright 2026 The Storyboard authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The Preferences window against the fake providers over loopback: the
 * connection test reports what it found, a rejected key says so, and keys
 * from the environment are shown as such.
 */

#include "config.h"

#include <adwaita.h>

#include "sb-ui-test.h"
#include "sb-preferences-window.h"
#include "sb-provider-row.h"

static char *fake_path;
static char *fake_url;

static gboolean
test_finished (gpointer data)
{
  const char *result = sb_provider_row_get_test_result (data);

  return result != NULL;
}

static const char *
run_connection_test (SbProviderRow *row)
{
  gtk_widget_activate_action (GTK_WIDGET (row), "provider.test", NULL);
  /* The action clears nothing synchronously; the result is replaced when
   * the answer arrives, so wait for a change. */
  sb_ui_test_wait_for (test_finished, row, "the connection test");
  return sb_provider_row_get_test_result (row);
}

typedef struct
{
  SbProviderRow *row;
  char          *before;
} ChangeWait;

static gboolean
test_changed (gpointer data)
{
  ChangeWait *wait = data;
  const char *now = sb_provider_row_get_test_result (wait->row);

  return now != NULL && g_strcmp0 (now, wait->before) != 0;
}

static const char *
run_connection_test_again (SbProviderRow *row)
{
  ChangeWait wait = { row, g_strdup (sb_provider_row_get_test_result (row)) };

  gtk_widget_activate_action (GTK_WIDGET (row), "provider.test", NULL);
  sb_ui_test_wait_for (test_changed, &wait, "a new connection test result");
  g_free (wait.before);

  return sb_provider_row_get_test_result (row);
}

static gboolean
subtitle_set (gpointer data)
{
  const char *subtitle = adw_expander_row_get_subtitle (data);

  return subtitle != NULL && *subtitle != '\0';
}

static void
test_preferences_connection (void)
{
  g_autoptr(GSubprocess) fake = sb_ui_test_start_fake (fake_path, G_SUBPROCESS_FLAGS_NONE, &fake_url, NULL);
  g_autoptr(GSettings) settings = NULL;
  g_autofree char *replicate_url = g_strconcat (fake_url, "/v1", NULL);
  g_autofree char *openai_url = g_strconcat (fake_url, "/v1", NULL);
  SbPreferencesWindow *window;
  SbProviderRow *replicate;
  SbProviderRow *openai;
  const char *result;

  g_setenv ("STORYBOARD_REPLICATE_BASE_URL", replicate_url, TRUE);
  g_setenv ("STORYBOARD_OPENAI_BASE_URL", openai_url, TRUE);
  g_setenv ("REPLICATE_API_TOKEN", "test-token", TRUE);
  g_setenv ("OPENAI_API_KEY", "test-key", TRUE);
  g_setenv ("STORYBOARD_BACKOFF_SCALE", "0.001", TRUE);

  settings = g_settings_new (APPLICATION_ID);
  window = SB_PREFERENCES_WINDOW (sb_preferences_window_new (NULL, settings));
  g_object_ref_sink (window);
  gtk_window_present (GTK_WINDOW (window));

  replicate = SB_PROVIDER_ROW (sb_preferences_window_get_provider (window, SB_PROVIDER_REPLICATE));
  openai = SB_PROVIDER_ROW (sb_preferences_window_get_provider (window, SB_PROVIDER_OPENAI));

  /* Keys from the environment are named as such, never shown. */
  sb_ui_test_wait_for (subtitle_set, replicate, "the key status");
  g_assert_cmpstr (adw_expander_row_get_subtitle (ADW_EXPANDER_ROW (replicate)), ==,
                   "Key from REPLICATE_API_TOKEN");

  /* The test reports what it found. */
  result = run_connection_test (replicate);
  g_assert_true (g_str_has_prefix (result, "Connected:"));
  g_assert_nonnull (strstr (result, "collection"));

  result = run_connection_test (openai);
  g_assert_true (g_str_has_prefix (result, "Connected:"));
  g_assert_nonnull (strstr (result, "model"));

  /* A rejected key says what to do, and the key itself appears nowhere. */
  g_setenv ("REPLICATE_API_TOKEN", "bad-key", TRUE);
  result = run_connection_test_again (replicate);
  g_assert_true (g_str_has_prefix (result, "Failed:"));
  g_assert_null (strstr (result, "bad-key"));

  /* The batch concurrency is a preference the queue follows. */
  g_assert_cmpuint (g_settings_get_uint (settings, "max-concurrent-predictions"), ==, 4);
  g_assert_cmpint (gtk_spin_button_get_value_as_int (sb_preferences_window_get_concurrency (window)), ==, 4);
  gtk_spin_button_set_value (sb_preferences_window_get_concurrency (window), 6);
  g_assert_cmpuint (g_settings_get_uint (settings, "max-concurrent-predictions"), ==, 6);

  gtk_window_destroy (GTK_WINDOW (window));
  sb_ui_test_iterate (50);
  g_assert_finalize_object (window);

  g_subprocess_force_exit (fake);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  gtk_init ();
  adw_init ();

  fake_path = sb_ui_test_fake_providers_path (argc, argv);
  if (fake_path == NULL)
    return 1;

  g_test_add_func ("/sb/ui/preferences/connection", test_preferences_connection);

  return g_test_run ();
}
