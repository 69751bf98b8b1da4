/* sb-ui-test.c
 *
 * Copyright 2026 The Storyboard authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include <stdlib.h>
#include <libsoup/soup.h>

#include "sb-ui-test.h"
#include "sb-application.h"
#include "sb-gallery-page.h"
#include "sb-library-briefs.h"
#include "sb-library-jobs.h"
#include "sb-media-item.h"

static guint wait_timeout = 60;
static char *(*describe_state) (void);

void
sb_ui_test_claim_notifications (void)
{
  g_autoptr(GDBusConnection) bus = NULL;
  g_autoptr(GVariant) reply = NULL;
  g_autoptr(GError) error = NULL;

  bus = g_bus_get_sync (G_BUS_TYPE_SESSION, NULL, &error);
  g_assert_no_error (error);
  reply = g_dbus_connection_call_sync (bus, "org.freedesktop.DBus", "/org/freedesktop/DBus",
                                       "org.freedesktop.DBus", "RequestName",
                                       g_variant_new ("(su)", "org.gtk.Notifications", 4 /* DO_NOT_QUEUE */),
                                       G_VARIANT_TYPE ("(u)"), G_DBUS_CALL_FLAGS_NONE, -1, NULL, &error);
  g_assert_no_error (error);
}

void
sb_ui_test_set_wait_timeout (guint seconds)
{
  wait_timeout = seconds;
}

void
sb_ui_test_set_describe (char *(*describe) (void))
{
  describe_state = describe;
}

void
sb_ui_test_wait_for (SbUiTestCondition  condition,
                     gpointer           data,
                     const char        *what)
{
  gint64 deadline = g_get_monotonic_time () + wait_timeout * G_USEC_PER_SEC;

  while (!condition (data))
    {
      if (g_get_monotonic_time () > deadline)
        {
          g_autofree char *state = describe_state != NULL ? describe_state () : NULL;

          g_error ("Timed out waiting for %s%s", what, state != NULL ? state : "");
        }
      g_main_context_iteration (NULL, FALSE);
      g_usleep (1000);
    }
}

void
sb_ui_test_iterate (guint rounds)
{
  for (guint i = 0; i < rounds; i++)
    {
      while (g_main_context_iteration (NULL, FALSE))
        ;
      g_usleep (2000);
    }
}

static void
on_after_paint (GdkFrameClock *clock,
                guint         *paints)
{
  (*paints)++;
}

static gboolean
painted (gpointer data)
{
  return *(guint *) data > 0;
}

void
sb_ui_test_wait_for_paint (GtkWidget *widget)
{
  GdkFrameClock *clock = gtk_widget_get_frame_clock (widget);
  guint paints = 0;
  gulong id;

  g_assert_nonnull (clock);
  id = g_signal_connect (clock, "after-paint", G_CALLBACK (on_after_paint), &paints);
  gtk_widget_queue_draw (widget);
  sb_ui_test_wait_for (painted, &paints, "a painted frame");
  g_signal_handler_disconnect (clock, id);
}

void
sb_ui_test_store_result_cb (GObject      *object,
                            GAsyncResult *result,
                            gpointer      user_data)
{
  *(GAsyncResult **) user_data = g_object_ref (result);
}

gboolean
sb_ui_test_result_ready (gpointer data)
{
  return *(GAsyncResult **) data != NULL;
}

gboolean
sb_ui_test_wait_done (gpointer data)
{
  return ((SbUiTestWait *) data)->done;
}

gboolean
sb_ui_test_library_ready (gpointer data)
{
  return sb_application_get_library (data) != NULL ||
         sb_application_get_library_error (data) != NULL;
}

gboolean
sb_ui_test_scene_chosen (gpointer data)
{
  SbUiTestChosenWait *wait = data;

  return sb_scene_get_chosen_media_id (wait->scene) == wait->media_id;
}

gboolean
sb_ui_test_gallery_has_one (gpointer data)
{
  GListModel *model = sb_gallery_page_get_model (data);

  return model != NULL && g_list_model_get_n_items (model) == 1;
}

gboolean
sb_ui_test_item_loaded (gpointer data)
{
  return sb_media_item_get_loaded (data);
}

void
sb_ui_test_brief_created_cb (GObject      *object,
                             GAsyncResult *result,
                             gpointer      user_data)
{
  SbUiTestWait *wait = user_data;

  sb_library_create_brief_finish (SB_LIBRARY (object), result, &wait->error);
  wait->done = TRUE;
}

void
sb_ui_test_media_listed_cb (GObject      *object,
                            GAsyncResult *result,
                            gpointer      user_data)
{
  SbUiTestWait *wait = user_data;

  wait->result = sb_library_list_media_filtered_finish (SB_LIBRARY (object), result, &wait->error);
  wait->done = TRUE;
}

GtkWidget *
sb_ui_test_find_descendant (GtkWidget *widget,
                            GType      type)
{
  if (G_TYPE_CHECK_INSTANCE_TYPE (widget, type))
    return widget;

  for (GtkWidget *child = gtk_widget_get_first_child (widget);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = sb_ui_test_find_descendant (child, type);

      if (found != NULL)
        return found;
    }

  return NULL;
}

GtkWidget *
sb_ui_test_find_button_with_label (GtkWidget  *widget,
                                   const char *label)
{
  if (GTK_IS_BUTTON (widget) &&
      g_strcmp0 (gtk_button_get_label (GTK_BUTTON (widget)), label) == 0 &&
      gtk_widget_get_mapped (widget))
    return widget;

  for (GtkWidget *child = gtk_widget_get_first_child (widget);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = sb_ui_test_find_button_with_label (child, label);

      if (found != NULL)
        return found;
    }

  return NULL;
}

GtkWidget *
sb_ui_test_find_action_button (GtkWidget  *widget,
                               const char *action_name)
{
  if (GTK_IS_BUTTON (widget) &&
      g_strcmp0 (gtk_actionable_get_action_name (GTK_ACTIONABLE (widget)), action_name) == 0)
    return widget;

  for (GtkWidget *child = gtk_widget_get_first_child (widget);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = sb_ui_test_find_action_button (child, action_name);

      if (found != NULL)
        return found;
    }

  return NULL;
}

void
sb_ui_test_describe_menu (GMenuModel *model,
                          GString    *out)
{
  for (int i = 0; i < g_menu_model_get_n_items (model); i++)
    {
      g_autoptr(GMenuModel) section = g_menu_model_get_item_link (model, i, G_MENU_LINK_SECTION);
      g_autofree char *label = NULL;
      g_autofree char *action = NULL;
      g_autoptr(GVariant) target = NULL;

      if (section != NULL)
        {
          sb_ui_test_describe_menu (section, out);
          continue;
        }

      g_assert_true (g_menu_model_get_item_attribute (model, i, G_MENU_ATTRIBUTE_LABEL, "s", &label));
      g_assert_true (g_menu_model_get_item_attribute (model, i, G_MENU_ATTRIBUTE_ACTION, "s", &action));
      target = g_menu_model_get_item_attribute_value (model, i, G_MENU_ATTRIBUTE_TARGET, G_VARIANT_TYPE_INT64);
      g_assert_nonnull (target);
      g_string_append_printf (out, "%s %s(%" G_GINT64_FORMAT ")\n", label, action, g_variant_get_int64 (target));
    }
}

char *
sb_ui_test_make_home (const char *tmpl)
{
  char *home = g_dir_make_tmp (tmpl, NULL);

  sb_ui_test_use_home (home);

  return home;
}

void
sb_ui_test_use_home (const char *home)
{
  g_autofree char *data = g_build_filename (home, "data", NULL);
  g_autofree char *cache = g_build_filename (home, "cache", NULL);
  g_autofree char *config = g_build_filename (home, "config", NULL);

  g_setenv ("XDG_DATA_HOME", data, TRUE);
  g_setenv ("XDG_CACHE_HOME", cache, TRUE);
  g_setenv ("XDG_CONFIG_HOME", config, TRUE);
}

void
sb_ui_test_remove_home (const char *home)
{
  g_autofree char *rm = NULL;

  if (g_test_failed ())
    return;

  rm = g_strdup_printf ("rm -rf '%s'", home);
  if (system (rm) != 0)
    g_printerr ("could not remove %s\n", home);
}

char *
sb_ui_test_fake_providers_path (int   argc,
                                char *argv[])
{
  if (argc < 2)
    {
      g_printerr ("usage: %s PATH-TO-sb-fake-providers\n", argv[0]);
      return NULL;
    }

  return argv[1];
}

GSubprocess *
sb_ui_test_start_fake (const char        *path,
                       GSubprocessFlags   flags,
                       char             **out_url,
                       ...)
{
  g_autoptr(GPtrArray) args = g_ptr_array_new ();
  g_autoptr(GDataInputStream) out = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *line = NULL;
  GSubprocess *fake;
  const char *arg;
  va_list ap;

  g_ptr_array_add (args, (char *) path);
  va_start (ap, out_url);
  while ((arg = va_arg (ap, const char *)) != NULL)
    g_ptr_array_add (args, (char *) arg);
  va_end (ap);
  g_ptr_array_add (args, NULL);

  fake = g_subprocess_newv ((const char * const *) args->pdata,
                            flags | G_SUBPROCESS_FLAGS_STDOUT_PIPE, &error);
  g_assert_no_error (error);
  out = g_data_input_stream_new (g_subprocess_get_stdout_pipe (fake));
  line = g_data_input_stream_read_line_utf8 (out, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (line);
  g_assert_true (g_str_has_prefix (line, "listening on http://127.0.0.1:"));
  *out_url = g_strdup (line + strlen ("listening on "));

  return fake;
}

void
sb_ui_test_use_fake_replicate (const char *url)
{
  g_autofree char *api_url = g_strconcat (url, "/v1", NULL);

  g_setenv ("STORYBOARD_REPLICATE_BASE_URL", api_url, TRUE);
  g_setenv ("REPLICATE_API_TOKEN", "test-token", TRUE);
  g_setenv ("STORYBOARD_BACKOFF_SCALE", "0.05", TRUE);
}

JsonNode *
sb_ui_test_fetch_json (const char *url,
                       gboolean    with_token)
{
  g_autoptr(SoupSession) session = soup_session_new ();
  g_autoptr(SoupMessage) message = soup_message_new ("GET", url);
  g_autoptr(GBytes) body = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;

  if (with_token)
    soup_message_headers_append (soup_message_get_request_headers (message),
                                 "Authorization", "Bearer test-token");
  body = soup_session_send_and_read (session, message, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (soup_message_get_status (message), ==, 200);
  g_assert_true (json_parser_load_from_data (parser, g_bytes_get_data (body, NULL),
                                             g_bytes_get_size (body), &error));
  g_assert_no_error (error);

  return json_node_copy (json_parser_get_root (parser));
}

guint
sb_ui_test_count_fake_requests (const char *url,
                                const char *method,
                                const char *path_suffix)
{
  g_autofree char *log_url = g_strconcat (url, "/_fake/requests", NULL);
  g_autoptr(JsonNode) root = sb_ui_test_fetch_json (log_url, FALSE);
  JsonArray *entries;
  guint count = 0;

  /* The log is an array, one object per request (see the fake's README). */
  g_assert_true (JSON_NODE_HOLDS_ARRAY (root));
  entries = json_node_get_array (root);
  for (guint i = 0; i < json_array_get_length (entries); i++)
    {
      JsonObject *entry = json_array_get_object_element (entries, i);
      const char *entry_method = json_object_get_string_member_with_default (entry, "method", "");
      const char *path = json_object_get_string_member_with_default (entry, "path", "");

      if (g_str_equal (entry_method, method) && g_str_has_suffix (path, path_suffix))
        count++;
    }

  return count;
}
