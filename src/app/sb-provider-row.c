/* sb-provider-row.c
 *
 * Copyright 2026 The Storyboard authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "sb-preferences"

#include "config.h"

#include <glib/gi18n.h>

#include "sb-anthropic-client.h"
#include "sb-http.h"
#include "sb-network.h"
#include "sb-openai-client.h"
#include "sb-provider-row.h"
#include "sb-replicate-client.h"
#include "sb-secrets.h"

struct _SbProviderRow
{
  AdwExpanderRow  parent_instance;

  /* Template widgets */
  AdwEntryRow    *key_row;
  AdwEntryRow    *url_row;
  AdwEntryRow    *model_row;
  AdwActionRow   *test_row;
  GtkSpinner     *test_spinner;

  /* Owned */
  GSettings      *settings;
  GCancellable   *cancellable;
  GCancellable   *test_cancellable;
  char           *test_result;
  SbProviderKind  kind;
  gulong          network_handler;
};

G_DEFINE_FINAL_TYPE (SbProviderRow, sb_provider_row, ADW_TYPE_EXPANDER_ROW)

static char *
settings_key (SbProviderRow *self,
              const char    *suffix)
{
  return g_strdup_printf ("%s-%s", sb_provider_kind_to_id (self->kind), suffix);
}

static void
show_toast (SbProviderRow *self,
            const char    *message)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));

  if (ADW_IS_PREFERENCES_WINDOW (root))
    adw_preferences_window_add_toast (ADW_PREFERENCES_WINDOW (root), adw_toast_new (message));
}

static void
set_test_result (SbProviderRow *self,
                 const char    *result)
{
  g_free (self->test_result);
  self->test_result = g_strdup (result);
  adw_action_row_set_subtitle (self->test_row, result);
  gtk_spinner_stop (self->test_spinner);
  gtk_widget_set_visible (GTK_WIDGET (self->test_spinner), FALSE);
}

/* Key status */

static void
key_looked_up_cb (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(SbProviderRow) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *key = NULL;
  SbSecretSource source = SB_SECRET_SOURCE_NONE;
  g_autofree char *subtitle = NULL;

  key = sb_secrets_lookup_finish (result, &source, &error);
  if (error != NULL)
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;
      /* Translators: %s says why the keyring could not be read */
      subtitle = g_strdup_printf (_("The keyring could not be read: %s"), error->message);
    }
  else
    switch (source)
      {
      case SB_SECRET_SOURCE_ENVIRONMENT:
        /* Translators: %s is an environment variable name */
        subtitle = g_strdup_printf (_("Key from %s"), sb_secrets_get_env_var (self->kind));
        break;

      case SB_SECRET_SOURCE_KEYRING:
        subtitle = g_strdup (_("Key stored in the keyring"));
        break;

      case SB_SECRET_SOURCE_MEMORY:
        subtitle = g_strdup (_("Key kept until Storyboard closes"));
        break;

      case SB_SECRET_SOURCE_NONE:
      default:
        subtitle = g_strdup (self->kind == SB_PROVIDER_OPENAI_COMPATIBLE
                             ? _("No key (local servers usually need none)")
                             : _("No key yet"));
        break;
      }

  adw_expander_row_set_subtitle (ADW_EXPANDER_ROW (self), subtitle);
}

static void
refresh_key_status (SbProviderRow *self)
{
  sb_secrets_lookup_async (self->kind, self->cancellable, key_looked_up_cb, g_object_ref (self));
}

static void
key_stored_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(SbProviderRow) self = user_data;
  g_autoptr(GError) error = NULL;
  SbSecretSource where = SB_SECRET_SOURCE_NONE;

  if (!sb_secrets_store_finish (result, &where, &error))
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          g_autofree char *message = g_strdup_printf (_("The key could not be saved: %s"), error->message);

          show_toast (self, message);
        }
      return;
    }

  if (where == SB_SECRET_SOURCE_MEMORY)
    show_toast (self, _("No keyring is available, so the key is kept only until Storyboard closes"));
  else
    show_toast (self, _("Key saved in the keyring"));

  refresh_key_status (self);
}

static void
key_cleared_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(SbProviderRow) self = user_data;
  g_autoptr(GError) error = NULL;

  if (!sb_secrets_clear_finish (result, &error))
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          g_autofree char *message = g_strdup_printf (_("The key could not be removed: %s"), error->message);

          show_toast (self, message);
        }
      return;
    }

  show_toast (self, _("Key removed"));
  refresh_key_status (self);
}

static void
on_key_row_apply (SbProviderRow *self,
                  AdwEntryRow   *row)
{
  g_autofree char *key = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (row))));

  /* The key leaves the entry at once: it is only ever kept by libsecret. */
  gtk_editable_set_text (GTK_EDITABLE (row), "");

  if (*key == '\0')
    sb_secrets_clear_async (self->kind, self->cancellable, key_cleared_cb, g_object_ref (self));
  else
    sb_secrets_store_async (self->kind, key, self->cancellable, key_stored_cb, g_object_ref (self));
}

static void
on_url_row_apply (SbProviderRow *self,
                  AdwEntryRow   *row)
{
  g_autofree char *key = settings_key (self, "base-url");
  g_autofree char *url = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (row))));

  if (*url != '\0')
    {
      g_autoptr(GUri) uri = g_uri_parse (url, G_URI_FLAGS_NONE, NULL);

      if (uri == NULL ||
          (g_strcmp0 (g_uri_get_scheme (uri), "http") != 0 &&
           g_strcmp0 (g_uri_get_scheme (uri), "https") != 0) ||
          g_uri_get_host (uri) == NULL)
        {
          show_toast (self, _("The base URL must start with http:// or https://"));
          gtk_widget_add_css_class (GTK_WIDGET (row), "error");
          return;
        }
    }

  gtk_widget_remove_css_class (GTK_WIDGET (row), "error");
  g_settings_set_string (self->settings, key, url);
}

static void
on_model_row_apply (SbProviderRow *self,
                    AdwEntryRow   *row)
{
  g_autofree char *key = settings_key (self, "model");
  g_autofree char *model = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (row))));

  g_settings_set_string (self->settings, key, model);
}

/* Connection test */

static void
report_error (SbProviderRow *self,
              const GError  *error)
{
  g_autofree char *message = NULL;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  /* Translators: %s is what went wrong, with what to do */
  message = g_strdup_printf (_("Failed: %s"), error->message);
  set_test_result (self, message);
}

static void
collections_listed_cb (GObject      *object,
                       GAsyncResult *result,
                       gpointer      user_data)
{
  g_autoptr(SbProviderRow) self = user_data;
  g_autoptr(GPtrArray) collections = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *message = NULL;

  collections = sb_replicate_client_list_collections_finish (SB_REPLICATE_CLIENT (object), result, &error);
  if (collections == NULL)
    {
      report_error (self, error);
      return;
    }

  message = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                          "Connected: %u model collection available",
                                          "Connected: %u model collections available",
                                          collections->len),
                             collections->len);
  set_test_result (self, message);
}

static void
models_listed_cb (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(SbProviderRow) self = user_data;
  g_autoptr(GPtrArray) models = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *message = NULL;

  models = sb_llm_client_list_models_finish (SB_LLM_CLIENT (object), result, &error);
  if (models == NULL)
    {
      report_error (self, error);
      return;
    }

  message = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                          "Connected: %u model available",
                                          "Connected: %u models available",
                                          models->len),
                             models->len);
  set_test_result (self, message);
}

static void
test_key_looked_up_cb (GObject      *object,
                       GAsyncResult *result,
                       gpointer      user_data)
{
  g_autoptr(SbProviderRow) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *key = NULL;
  SbHttp *http = sb_http_get_default ();

  key = sb_secrets_lookup_finish (result, NULL, &error);
  if (error != NULL)
    {
      report_error (self, error);
      return;
    }

  if (self->kind == SB_PROVIDER_REPLICATE)
    {
      g_autoptr(SbReplicateClient) client = sb_replicate_client_new (http);

      sb_replicate_client_set_api_key (client, key);
      sb_replicate_client_list_collections_async (client, self->test_cancellable,
                                                  collections_listed_cb, g_object_ref (self));
    }
  else
    {
      g_autoptr(SbLlmClient) client = NULL;

      if (self->kind == SB_PROVIDER_ANTHROPIC)
        client = sb_anthropic_client_new (http);
      else
        client = sb_openai_client_new (http, self->kind);

      sb_llm_client_set_api_key (client, key);
      sb_llm_client_list_models_async (client, self->test_cancellable,
                                       models_listed_cb, g_object_ref (self));
    }
}

static void
test_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  SbProviderRow *self = SB_PROVIDER_ROW (widget);
  g_autofree char *base_url = sb_provider_config_dup_base_url (sb_provider_config_get_default (), self->kind);

  if (base_url == NULL)
    {
      set_test_result (self, _("Set a base URL first, such as http://localhost:11434/v1 for Ollama"));
      return;
    }

  g_cancellable_cancel (self->test_cancellable);
  g_clear_object (&self->test_cancellable);
  self->test_cancellable = g_cancellable_new ();

  adw_action_row_set_subtitle (self->test_row, _("Testing…"));
  gtk_widget_set_visible (GTK_WIDGET (self->test_spinner), TRUE);
  gtk_spinner_start (self->test_spinner);

  sb_secrets_lookup_async (self->kind, self->test_cancellable,
                           test_key_looked_up_cb, g_object_ref (self));
}

static void
update_network_state (SbProviderRow *self)
{
  gboolean usable = sb_network_can_use_provider (sb_provider_config_get_default (), self->kind);

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "provider.test", usable);
  if (!usable)
    set_test_result (self, _("Offline: connect to a network to test this provider"));
  else if (self->test_result == NULL ||
           g_str_equal (self->test_result, _("Offline: connect to a network to test this provider")))
    {
      g_clear_pointer (&self->test_result, g_free);
      adw_action_row_set_subtitle (self->test_row, _("Not tested yet"));
    }
}

static void
on_network_changed (SbProviderRow *self,
                    gboolean       available,
                    GNetworkMonitor *monitor)
{
  update_network_state (self);
}

static void
sync_from_settings (SbProviderRow *self)
{
  g_autofree char *url_key = settings_key (self, "base-url");
  g_autofree char *url = g_settings_get_string (self->settings, url_key);
  const char *url_env = sb_provider_kind_get_base_url_env (self->kind);
  const char *env_value = url_env ? g_getenv (url_env) : NULL;
  const char *key_env = sb_secrets_get_env_var (self->kind);

  if (env_value != NULL && *env_value != '\0')
    {
      g_autofree char *title = NULL;

      /* Translators: %s is an environment variable name */
      title = g_strdup_printf (_("Base URL (set by %s)"), url_env);
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->url_row), title);
      gtk_editable_set_text (GTK_EDITABLE (self->url_row), env_value);
      gtk_widget_set_sensitive (GTK_WIDGET (self->url_row), FALSE);
    }
  else
    gtk_editable_set_text (GTK_EDITABLE (self->url_row), url);

  if (key_env != NULL && g_getenv (key_env) != NULL && *g_getenv (key_env) != '\0')
    {
      g_autofree char *title = g_strdup_printf (_("API Key (set by %s)"), key_env);

      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->key_row), title);
      gtk_widget_set_sensitive (GTK_WIDGET (self->key_row), FALSE);
    }

  if (self->kind == SB_PROVIDER_REPLICATE)
    gtk_widget_set_visible (GTK_WIDGET (self->model_row), FALSE);
  else
    {
      g_autofree char *model_key = settings_key (self, "model");
      g_autofree char *model = g_settings_get_string (self->settings, model_key);

      gtk_editable_set_text (GTK_EDITABLE (self->model_row), model);
    }
}

static void
sb_provider_row_dispose (GObject *object)
{
  SbProviderRow *self = SB_PROVIDER_ROW (object);

  g_cancellable_cancel (self->cancellable);
  g_cancellable_cancel (self->test_cancellable);
  g_clear_signal_handler (&self->network_handler, g_network_monitor_get_default ());

  gtk_widget_dispose_template (GTK_WIDGET (self), SB_TYPE_PROVIDER_ROW);

  G_OBJECT_CLASS (sb_provider_row_parent_class)->dispose (object);
}

static void
sb_provider_row_finalize (GObject *object)
{
  SbProviderRow *self = SB_PROVIDER_ROW (object);

  g_clear_object (&self->settings);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->test_cancellable);
  g_free (self->test_result);

  G_OBJECT_CLASS (sb_provider_row_parent_class)->finalize (object);
}

static void
sb_provider_row_class_init (SbProviderRowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = sb_provider_row_dispose;
  object_class->finalize = sb_provider_row_finalize;

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_BASE "/ui/sb-provider-row.ui");
  gtk_widget_class_bind_template_child (widget_class, SbProviderRow, key_row);
  gtk_widget_class_bind_template_child (widget_class, SbProviderRow, url_row);
  gtk_widget_class_bind_template_child (widget_class, SbProviderRow, model_row);
  gtk_widget_class_bind_template_child (widget_class, SbProviderRow, test_row);
  gtk_widget_class_bind_template_child (widget_class, SbProviderRow, test_spinner);
  gtk_widget_class_bind_template_callback (widget_class, on_key_row_apply);
  gtk_widget_class_bind_template_callback (widget_class, on_url_row_apply);
  gtk_widget_class_bind_template_callback (widget_class, on_model_row_apply);

  gtk_widget_class_install_action (widget_class, "provider.test", NULL, test_action);
}

static void
sb_provider_row_init (SbProviderRow *self)
{
  self->cancellable = g_cancellable_new ();

  gtk_widget_init_template (GTK_WIDGET (self));
}

GtkWidget *
sb_provider_row_new (SbProviderKind  kind,
                     GSettings      *settings)
{
  SbProviderRow *self;
  const char *name;

  g_return_val_if_fail (kind < SB_PROVIDER_N_KINDS, NULL);
  g_return_val_if_fail (G_IS_SETTINGS (settings), NULL);

  self = g_object_new (SB_TYPE_PROVIDER_ROW, NULL);
  self->kind = kind;
  self->settings = g_object_ref (settings);

  name = kind == SB_PROVIDER_OPENAI_COMPATIBLE
         ? _("OpenAI-Compatible Server")
         : sb_provider_kind_get_name (kind);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self), name);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->key_row),
                                  GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, name, -1);

  sync_from_settings (self);
  refresh_key_status (self);

  self->network_handler = g_signal_connect_swapped (g_network_monitor_get_default (),
                                                    "network-changed",
                                                    G_CALLBACK (on_network_changed),
                                                    self);
  update_network_state (self);

  return GTK_WIDGET (self);
}

SbProviderKind
sb_provider_row_get_kind (SbProviderRow *self)
{
  g_return_val_if_fail (SB_IS_PROVIDER_ROW (self), SB_PROVIDER_REPLICATE);

  return self->kind;
}

const char *
sb_provider_row_get_test_result (SbProviderRow *self)
{
  g_return_val_if_fail (SB_IS_PROVIDER_ROW (self), NULL);

  return self->test_result;
}
