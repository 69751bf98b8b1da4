/* sb-ui-test.c
 *
 * Copyright 2026 The Storyboard authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include <stdlib.h>

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
