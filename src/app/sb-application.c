/* sb-application.c
 *
 * Copyright 2026 The Storyboard authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "sb-app"

#include "config.h"

#include <glib/gi18n.h>

#include "sb-application.h"
#include "sb-http.h"
#include "sb-preferences-window.h"
#include "sb-provider-config.h"
#include "sb-secrets.h"
#include "sb-window.h"

struct _SbApplication
{
  AdwApplication  parent_instance;

  /* Owned */
  GSettings      *settings;
  SbLibrary      *library;
  GError         *library_error;
  SbReplicateClient *replicate;
  SbGenerationQueue *queue;
  GCancellable   *cancellable;
  /* Files given before the library was open, imported once it is. */
  GPtrArray      *pending_files;
  guint           opening : 1;
};

G_DEFINE_FINAL_TYPE (SbApplication, sb_application, ADW_TYPE_APPLICATION)

enum {
  PROP_0,
  PROP_LIBRARY,
  PROP_LIBRARY_ERROR,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

SbApplication *
sb_application_new (const char        *application_id,
                    GApplicationFlags  flags)
{
  g_return_val_if_fail (application_id != NULL, NULL);

  return g_object_new (SB_TYPE_APPLICATION,
                       "application-id", application_id,
                       "flags", flags,
                       "resource-base-path", RESOURCE_BASE,
                       NULL);
}

static SbWindow *
ensure_window (SbApplication *self)
{
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (self));

  if (window == NULL)
    window = GTK_WINDOW (sb_window_new (self));

  return SB_WINDOW (window);
}

static void
on_batch_finished (SbApplication     *self,
                   const char        *batch_id,
                   guint              n_succeeded,
                   guint              n_failed,
                   SbGenerationQueue *queue)
{
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (self));
  g_autoptr(GNotification) notification = NULL;
  g_autofree char *body = NULL;
  gboolean videos = FALSE;

  /* The window shows its own message; a notification is for when the user
   * is elsewhere. */
  if (window != NULL && gtk_window_is_active (window))
    return;

  /* Canceled, all of it: the user knows. */
  if (n_succeeded == 0 && n_failed == 0)
    return;

  /* Say what was made: a batch is all images or all videos. */
  {
    GListModel *jobs = sb_generation_queue_get_jobs (queue);

    for (guint i = 0; i < g_list_model_get_n_items (jobs); i++)
      {
        g_autoptr(SbGenerationJob) job = g_list_model_get_item (jobs, i);

        if (g_strcmp0 (sb_generation_job_get_batch_id (job), batch_id) == 0)
          {
            videos = sb_generation_job_get_kind (job) == SB_MEDIA_KIND_VIDEO;
            break;
          }
      }
  }

  if (n_failed > 0 && videos)
    /* Translators: "2 videos ready, 1 failed" */
    body = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                         "%u video ready, %u failed",
                                         "%u videos ready, %u failed",
                                         n_succeeded),
                            n_succeeded, n_failed);
  else if (n_failed > 0)
    /* Translators: "5 images ready, 1 failed" */
    body = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                         "%u image ready, %u failed",
                                         "%u images ready, %u failed",
                                         n_succeeded),
                            n_succeeded, n_failed);
  else if (videos)
    body = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                         "%u video is ready in Videos",
                                         "%u videos are ready in Videos",
                                         n_succeeded),
                            n_succeeded);
  else
    body = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                         "%u image is ready in the gallery",
                                         "%u images are ready in the gallery",
                                         n_succeeded),
                            n_succeeded);

  notification = g_notification_new (_("Generation Finished"));
  g_notification_set_body (notification, body);
  g_notification_set_default_action (notification, "app.activate");
  g_application_send_notification (G_APPLICATION (self), "batch-finished", notification);
}

static void
queue_resumed_cb (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(GError) error = NULL;
  guint n;

  n = sb_generation_queue_resume_finish (SB_GENERATION_QUEUE (object), result, &error);
  if (error != NULL)
    g_warning ("Could not resume unfinished generations: %s", error->message);
  else if (n > 0)
    g_debug ("Resumed %u unfinished generations", n);
}

static void
replicate_key_cb (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(SbApplication) self = user_data;
  g_autofree char *key = NULL;

  key = sb_secrets_lookup_finish (result, NULL, NULL);
  if (self->queue == NULL)
    return;

  sb_replicate_client_set_api_key (self->replicate, key);
  /* Predictions left running when the app last stopped are picked up
   * again, by id: nothing is created twice. */
  sb_generation_queue_resume_async (self->queue, self->cancellable,
                                    queue_resumed_cb, NULL);
}

static void
setup_generation (SbApplication *self)
{
  self->replicate = sb_replicate_client_new (sb_http_get_default ());
  self->queue = sb_generation_queue_new (self->library, self->replicate);
  g_settings_bind (self->settings, "max-concurrent-predictions",
                   self->queue, "max-in-flight",
                   G_SETTINGS_BIND_GET);
  g_signal_connect_object (self->queue, "batch-finished",
                           G_CALLBACK (on_batch_finished), self,
                           G_CONNECT_SWAPPED);

  sb_secrets_lookup_async (SB_PROVIDER_REPLICATE, self->cancellable,
                           replicate_key_cb, g_object_ref (self));
}

static void
library_opened_cb (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(SbApplication) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(SbLibrary) library = NULL;

  self->opening = FALSE;
  library = sb_library_open_finish (result, &error);

  if (library == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_warning ("Could not open the library: %s", error->message);
      g_clear_error (&self->library_error);
      self->library_error = g_steal_pointer (&error);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LIBRARY_ERROR]);
    }
  else
    {
      g_set_object (&self->library, library);
      setup_generation (self);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LIBRARY]);
    }

  if (self->pending_files->len > 0 && self->library != NULL)
    {
      SbWindow *window = ensure_window (self);

      sb_window_import_files (window,
                              (GFile **) self->pending_files->pdata,
                              self->pending_files->len);
    }
  g_ptr_array_set_size (self->pending_files, 0);

  g_application_release (G_APPLICATION (self));
}

/* The providers read their base URLs from one config object; GSettings is
 * where the user's choices live.  STORYBOARD_*_BASE_URL still win (the
 * config applies them). */
static void
sync_provider_config (SbApplication *self)
{
  SbProviderConfig *config = sb_provider_config_get_default ();

  for (SbProviderKind kind = 0; kind < SB_PROVIDER_N_KINDS; kind++)
    {
      g_autofree char *key = g_strdup_printf ("%s-base-url", sb_provider_kind_to_id (kind));
      g_autofree char *url = g_settings_get_string (self->settings, key);

      sb_provider_config_set_base_url (config, kind, url);
    }
}

static void
on_settings_changed (SbApplication *self,
                     const char    *key,
                     GSettings     *settings)
{
  if (g_str_has_suffix (key, "-base-url"))
    sync_provider_config (self);
}

static void
sb_application_startup (GApplication *app)
{
  SbApplication *self = SB_APPLICATION (app);
  g_autoptr(GFile) file = NULL;

  G_APPLICATION_CLASS (sb_application_parent_class)->startup (app);

  self->settings = g_settings_new (APPLICATION_ID);
  sync_provider_config (self);
  g_signal_connect_object (self->settings, "changed",
                           G_CALLBACK (on_settings_changed), self,
                           G_CONNECT_SWAPPED);

  /* The library opens on its worker while the window appears. */
  file = sb_library_dup_default_file ();
  self->opening = TRUE;
  g_application_hold (app);
  sb_library_open_async (file, self->cancellable, library_opened_cb, g_object_ref (self));
}

static void
sb_application_shutdown (GApplication *app)
{
  SbApplication *self = SB_APPLICATION (app);

  g_cancellable_cancel (self->cancellable);

  /* Jobs still running stay in the library as they are, and are resumed
   * at the next start. */
  g_clear_object (&self->queue);

  /* Finishes queued writes before the process ends. */
  if (self->library != NULL)
    sb_library_close (self->library);

  G_APPLICATION_CLASS (sb_application_parent_class)->shutdown (app);
}

static void
sb_application_activate (GApplication *app)
{
  gtk_window_present (GTK_WINDOW (ensure_window (SB_APPLICATION (app))));
}

static void
sb_application_open (GApplication  *app,
                     GFile        **files,
                     int            n_files,
                     const char    *hint)
{
  SbApplication *self = SB_APPLICATION (app);
  SbWindow *window = ensure_window (self);

  gtk_window_present (GTK_WINDOW (window));

  if (self->library != NULL)
    sb_window_import_files (window, files, n_files);
  else if (self->opening)
    for (int i = 0; i < n_files; i++)
      g_ptr_array_add (self->pending_files, g_object_ref (files[i]));
  /* else: the window shows why the library could not be opened */
}

static void
sb_application_dispose (GObject *object)
{
  SbApplication *self = SB_APPLICATION (object);

  g_clear_object (&self->queue);
  g_clear_object (&self->replicate);
  g_clear_object (&self->settings);
  g_clear_object (&self->library);
  g_clear_error (&self->library_error);
  g_clear_object (&self->cancellable);
  g_clear_pointer (&self->pending_files, g_ptr_array_unref);

  G_OBJECT_CLASS (sb_application_parent_class)->dispose (object);
}

static void
sb_application_get_property (GObject    *object,
                             guint       prop_id,
                             GValue     *value,
                             GParamSpec *pspec)
{
  SbApplication *self = SB_APPLICATION (object);

  switch (prop_id)
    {
    case PROP_LIBRARY:
      g_value_set_object (value, self->library);
      break;

    case PROP_LIBRARY_ERROR:
      g_value_set_boxed (value, self->library_error);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sb_application_class_init (SbApplicationClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GApplicationClass *app_class = G_APPLICATION_CLASS (klass);

  object_class->dispose = sb_application_dispose;
  object_class->get_property = sb_application_get_property;

  app_class->startup = sb_application_startup;
  app_class->shutdown = sb_application_shutdown;
  app_class->activate = sb_application_activate;
  app_class->open = sb_application_open;

  properties[PROP_LIBRARY] =
    g_param_spec_object ("library", NULL, NULL,
                         SB_TYPE_LIBRARY,
                         (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  properties[PROP_LIBRARY_ERROR] =
    g_param_spec_boxed ("library-error", NULL, NULL,
                        G_TYPE_ERROR,
                        (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
sb_application_quit_action (GSimpleAction *action,
                            GVariant      *parameter,
                            gpointer       user_data)
{
  SbApplication *self = user_data;
  GList *windows = gtk_application_get_windows (GTK_APPLICATION (self));

  /* Closing the windows saves their state; then the application ends. */
  for (GList *l = windows; l != NULL;)
    {
      GList *next = l->next;

      gtk_window_close (GTK_WINDOW (l->data));
      l = next;
    }
}

static void
sb_application_about_action (GSimpleAction *action,
                             GVariant      *parameter,
                             gpointer       user_data)
{
  static const char *developers[] = { "The Storyboard authors", NULL };
  SbApplication *self = user_data;
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (self));

  adw_show_about_window (window,
                         "application-name", _("Storyboard"),
                         "application-icon", APPLICATION_ID,
                         "developer-name", _("The Storyboard authors"),
                         "version", PACKAGE_VERSION,
                         "developers", developers,
                         "copyright", "© 2026 The Storyboard authors",
                         "license-type", GTK_LICENSE_GPL_3_0,
                         /* Translators: replace with your names, one per line */
                         "translator-credits", _("translator-credits"),
                         NULL);
}

static void
sb_application_preferences_action (GSimpleAction *action,
                                   GVariant      *parameter,
                                   gpointer       user_data)
{
  SbApplication *self = user_data;
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (self));
  GtkWidget *preferences = sb_preferences_window_new (window, self->settings);

  gtk_window_present (GTK_WINDOW (preferences));
}

/* The default action of notifications: bring the window back. */
static void
sb_application_activate_action (GSimpleAction *action,
                                GVariant      *parameter,
                                gpointer       user_data)
{
  g_application_activate (G_APPLICATION (user_data));
}

static const GActionEntry app_actions[] = {
  { "activate", sb_application_activate_action },
  { "quit", sb_application_quit_action },
  { "about", sb_application_about_action },
  { "preferences", sb_application_preferences_action },
};

static void
sb_application_init (SbApplication *self)
{
  static const char *quit_accels[] = { "<Control>q", NULL };
  static const char *import_accels[] = { "<Control>o", NULL };
  static const char *close_accels[] = { "<Control>w", NULL };
  static const char *preferences_accels[] = { "<Control>comma", NULL };

  self->cancellable = g_cancellable_new ();
  self->pending_files = g_ptr_array_new_with_free_func (g_object_unref);

  g_action_map_add_action_entries (G_ACTION_MAP (self),
                                   app_actions,
                                   G_N_ELEMENTS (app_actions),
                                   self);
  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "app.quit", quit_accels);
  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "win.import", import_accels);
  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "window.close", close_accels);
  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "app.preferences", preferences_accels);
}

SbLibrary *
sb_application_get_library (SbApplication *self)
{
  g_return_val_if_fail (SB_IS_APPLICATION (self), NULL);

  return self->library;
}

const GError *
sb_application_get_library_error (SbApplication *self)
{
  g_return_val_if_fail (SB_IS_APPLICATION (self), NULL);

  return self->library_error;
}

GSettings *
sb_application_get_settings (SbApplication *self)
{
  g_return_val_if_fail (SB_IS_APPLICATION (self), NULL);

  return self->settings;
}

SbGenerationQueue *
sb_application_get_generation_queue (SbApplication *self)
{
  g_return_val_if_fail (SB_IS_APPLICATION (self), NULL);

  return self->queue;
}

SbReplicateClient *
sb_application_get_replicate_client (SbApplication *self)
{
  g_return_val_if_fail (SB_IS_APPLICATION (self), NULL);

  return self->replicate;
}
