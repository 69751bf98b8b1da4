/* sb-secrets.c
 *
 * Copyright 2026 The Storyboard authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "sb-providers"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "sb-secrets.h"

/* Keys never reach a log: only provider names and sources are logged. */

G_LOCK_DEFINE_STATIC (memory);
static char *memory_keys[SB_PROVIDER_N_KINDS];
static gboolean keyring_unavailable;

static const char *env_vars[SB_PROVIDER_N_KINDS] = {
  "REPLICATE_API_TOKEN",
  "OPENROUTER_API_KEY",
  "OPENAI_API_KEY",
  "ANTHROPIC_API_KEY",
  NULL,
};

const SecretSchema *
sb_secrets_get_schema (void)
{
  static const SecretSchema schema = {
    "io.github.storyboard.Storyboard.ApiKey",
    SECRET_SCHEMA_NONE,
    {
      { "provider", SECRET_SCHEMA_ATTRIBUTE_STRING },
      { NULL, 0 },
    }
  };

  return &schema;
}

const char *
sb_secrets_get_env_var (SbProviderKind kind)
{
  g_return_val_if_fail (kind < SB_PROVIDER_N_KINDS, NULL);

  return env_vars[kind];
}

gboolean
sb_secrets_keyring_is_available (void)
{
  return !g_atomic_int_get (&keyring_unavailable);
}

static void
wipe (char *key)
{
  if (key != NULL)
    {
      memset (key, 0, strlen (key));
      g_free (key);
    }
}

static void
set_memory_key (SbProviderKind  kind,
                const char     *key)
{
  G_LOCK (memory);
  wipe (memory_keys[kind]);
  memory_keys[kind] = g_strdup (key);
  G_UNLOCK (memory);
}

static char *
dup_memory_key (SbProviderKind kind)
{
  char *key;

  G_LOCK (memory);
  key = g_strdup (memory_keys[kind]);
  G_UNLOCK (memory);

  return key;
}

static void
note_keyring_error (const GError *error)
{
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  /* Any failure to talk to the service (no bus, no provider, locked
   * collection that cannot be unlocked) means memory-only storage. */
  g_debug ("Secret Service unavailable: %s", error->message);
  g_atomic_int_set (&keyring_unavailable, TRUE);
}

typedef struct
{
  SbProviderKind kind;
  SbSecretSource source;
} SecretData;

static void
lookup_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  SecretData *data = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  char *key;

  key = secret_password_lookup_finish (result, &error);
  if (error != NULL)
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          g_task_return_error (task, g_steal_pointer (&error));
          return;
        }
      note_keyring_error (error);
    }
  else
    {
      g_atomic_int_set (&keyring_unavailable, FALSE);
    }

  if (key != NULL && *key != '\0')
    {
      char *copy = g_strdup (key);

      secret_password_free (key);
      data->source = SB_SECRET_SOURCE_KEYRING;
      g_debug ("%s key found in the keyring", sb_provider_kind_get_name (data->kind));
      g_task_return_pointer (task, copy, (GDestroyNotify) wipe);
      return;
    }

  if (key != NULL)
    secret_password_free (key);

  data->source = SB_SECRET_SOURCE_NONE;
  g_task_return_pointer (task, NULL, NULL);
}

void
sb_secrets_lookup_async (SbProviderKind       kind,
                         GCancellable        *cancellable,
                         GAsyncReadyCallback  callback,
                         gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  SecretData *data;
  const char *env;
  char *key;

  g_return_if_fail (kind < SB_PROVIDER_N_KINDS);

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, sb_secrets_lookup_async);
  data = g_new0 (SecretData, 1);
  data->kind = kind;
  g_task_set_task_data (task, data, g_free);

  /* An empty variable counts as unset. */
  env = env_vars[kind] ? g_getenv (env_vars[kind]) : NULL;
  if (env != NULL && *env != '\0')
    {
      data->source = SB_SECRET_SOURCE_ENVIRONMENT;
      g_task_return_pointer (task, g_strdup (env), (GDestroyNotify) wipe);
      return;
    }

  key = dup_memory_key (kind);
  if (key != NULL)
    {
      data->source = SB_SECRET_SOURCE_MEMORY;
      g_task_return_pointer (task, key, (GDestroyNotify) wipe);
      return;
    }

  secret_password_lookup (sb_secrets_get_schema (), cancellable, lookup_cb, g_steal_pointer (&task),
                          "provider", sb_provider_kind_to_id (kind),
                          NULL);
}

char *
sb_secrets_lookup_finish (GAsyncResult    *result,
                          SbSecretSource  *out_source,
                          GError         **error)
{
  SecretData *data;
  char *key;

  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == sb_secrets_lookup_async, NULL);

  data = g_task_get_task_data (G_TASK (result));
  key = g_task_propagate_pointer (G_TASK (result), error);

  if (out_source != NULL)
    *out_source = key != NULL ? data->source : SB_SECRET_SOURCE_NONE;

  return key;
}

static void
store_cb (GObject      *object,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  SecretData *data = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;

  if (!secret_password_store_finish (result, &error))
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          g_task_return_error (task, g_steal_pointer (&error));
          return;
        }

      note_keyring_error (error);
      /* The memory copy set before the call stays. */
      data->source = SB_SECRET_SOURCE_MEMORY;
      g_task_return_boolean (task, TRUE);
      return;
    }

  g_atomic_int_set (&keyring_unavailable, FALSE);
  set_memory_key (data->kind, NULL);
  data->source = SB_SECRET_SOURCE_KEYRING;
  g_debug ("%s key stored in the keyring", sb_provider_kind_get_name (data->kind));
  g_task_return_boolean (task, TRUE);
}

void
sb_secrets_store_async (SbProviderKind       kind,
                        const char          *api_key,
                        GCancellable        *cancellable,
                        GAsyncReadyCallback  callback,
                        gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autofree char *label = NULL;
  SecretData *data;

  g_return_if_fail (kind < SB_PROVIDER_N_KINDS);
  g_return_if_fail (api_key != NULL && *api_key != '\0');

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, sb_secrets_store_async);
  data = g_new0 (SecretData, 1);
  data->kind = kind;
  g_task_set_task_data (task, data, g_free);

  /* Usable right away, whatever the keyring does. */
  set_memory_key (kind, api_key);

  label = g_strdup_printf (_("Storyboard API key for %s"), sb_provider_kind_get_name (kind));
  secret_password_store (sb_secrets_get_schema (), SECRET_COLLECTION_DEFAULT, label, api_key,
                         cancellable, store_cb, g_steal_pointer (&task),
                         "provider", sb_provider_kind_to_id (kind),
                         NULL);
}

gboolean
sb_secrets_store_finish (GAsyncResult    *result,
                         SbSecretSource  *out_where,
                         GError         **error)
{
  SecretData *data;
  gboolean ret;

  g_return_val_if_fail (g_task_is_valid (result, NULL), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == sb_secrets_store_async, FALSE);

  data = g_task_get_task_data (G_TASK (result));
  ret = g_task_propagate_boolean (G_TASK (result), error);

  if (out_where != NULL)
    *out_where = ret ? data->source : SB_SECRET_SOURCE_NONE;

  return ret;
}

static void
clear_cb (GObject      *object,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;

  secret_password_clear_finish (result, &error);
  if (error != NULL)
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          g_task_return_error (task, g_steal_pointer (&error));
          return;
        }
      note_keyring_error (error);
    }

  g_task_return_boolean (task, TRUE);
}

void
sb_secrets_clear_async (SbProviderKind       kind,
                        GCancellable        *cancellable,
                        GAsyncReadyCallback  callback,
                        gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (kind < SB_PROVIDER_N_KINDS);

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, sb_secrets_clear_async);

  set_memory_key (kind, NULL);

  secret_password_clear (sb_secrets_get_schema (), cancellable, clear_cb, g_steal_pointer (&task),
                         "provider", sb_provider_kind_to_id (kind),
                         NULL);
}

gboolean
sb_secrets_clear_finish (GAsyncResult  *result,
                         GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}
