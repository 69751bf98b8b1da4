/* sb-llm-chain.c
 *
 * Copyright 2026 The Storyboard authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "sb-providers"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "sb-llm-chain.h"

struct _SbLlmChain
{
  GObject parent_instance;

  /* Owned */
  GPtrArray *clients;
};

G_DEFINE_FINAL_TYPE (SbLlmChain, sb_llm_chain, G_TYPE_OBJECT)

enum {
  FALLBACK,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void
sb_llm_chain_finalize (GObject *object)
{
  SbLlmChain *self = SB_LLM_CHAIN (object);

  g_clear_pointer (&self->clients, g_ptr_array_unref);

  G_OBJECT_CLASS (sb_llm_chain_parent_class)->finalize (object);
}

static void
sb_llm_chain_class_init (SbLlmChainClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = sb_llm_chain_finalize;

  /**
   * SbLlmChain::fallback:
   * @failed: the client that failed
   * @error: its error
   * @next: the client tried next
   */
  signals[FALLBACK] =
    g_signal_new ("fallback",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 3, SB_TYPE_LLM_CLIENT, G_TYPE_ERROR, SB_TYPE_LLM_CLIENT);
}

static void
sb_llm_chain_init (SbLlmChain *self)
{
  self->clients = g_ptr_array_new_with_free_func (g_object_unref);
}

SbLlmChain *
sb_llm_chain_new (void)
{
  return g_object_new (SB_TYPE_LLM_CHAIN, NULL);
}

void
sb_llm_chain_append (SbLlmChain  *self,
                     SbLlmClient *client)
{
  g_return_if_fail (SB_IS_LLM_CHAIN (self));
  g_return_if_fail (SB_IS_LLM_CLIENT (client));

  g_ptr_array_add (self->clients, g_object_ref (client));
}

guint
sb_llm_chain_get_n_clients (SbLlmChain *self)
{
  g_return_val_if_fail (SB_IS_LLM_CHAIN (self), 0);

  return self->clients->len;
}

void
sb_llm_chain_clear (SbLlmChain *self)
{
  g_return_if_fail (SB_IS_LLM_CHAIN (self));

  g_ptr_array_set_size (self->clients, 0);
}

gboolean
sb_llm_chain_should_fall_back (const GError *error)
{
  return sb_provider_error_is_transient (error);
}

typedef struct
{
  SbChatRequest *request;
  GPtrArray     *clients;   /* snapshot */
  GPtrArray     *failures;  /* GError */
  guint          index;
} ChainData;

static void
chain_data_free (ChainData *data)
{
  sb_chat_request_unref (data->request);
  g_ptr_array_unref (data->clients);
  g_ptr_array_unref (data->failures);
  g_free (data);
}

static void try_next (GTask *task);

static void
complete_cb (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  SbLlmChain *self = g_task_get_source_object (task);
  ChainData *data = g_task_get_task_data (task);
  SbLlmClient *client = SB_LLM_CLIENT (object);
  g_autoptr(GError) error = NULL;
  SbChatResult *chat_result;

  chat_result = sb_llm_client_complete_finish (client, result, &error);
  if (chat_result != NULL)
    {
      for (guint i = 0; i < data->failures->len; i++)
        g_ptr_array_add (chat_result->failures, g_error_copy (g_ptr_array_index (data->failures, i)));
      g_task_return_pointer (task, chat_result, (GDestroyNotify) sb_chat_result_free);
      return;
    }

  if (!sb_llm_chain_should_fall_back (error) || data->index + 1 >= data->clients->len)
    {
      /* The chosen provider's error speaks for the chain, unless this one
       * needs the user (a bad key, no credit). */
      if (data->failures->len > 0 && sb_llm_chain_should_fall_back (error))
        g_task_return_error (task, g_error_copy (g_ptr_array_index (data->failures, 0)));
      else
        g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  g_debug ("%s failed (%s), falling back",
           sb_provider_kind_get_name (sb_llm_client_get_kind (client)), error->message);
  g_signal_emit (self, signals[FALLBACK], 0, client, error,
                 g_ptr_array_index (data->clients, data->index + 1));

  g_ptr_array_add (data->failures, g_steal_pointer (&error));
  data->index++;
  try_next (g_steal_pointer (&task));
}

static void
try_next (GTask *task)
{
  ChainData *data = g_task_get_task_data (task);
  SbLlmClient *client = g_ptr_array_index (data->clients, data->index);

  sb_llm_client_complete_async (client, data->request, g_task_get_cancellable (task),
                                complete_cb, task);
}

void
sb_llm_chain_complete_async (SbLlmChain          *self,
                             SbChatRequest       *request,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  ChainData *data;

  g_return_if_fail (SB_IS_LLM_CHAIN (self));
  g_return_if_fail (request != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, sb_llm_chain_complete_async);

  if (self->clients->len == 0)
    {
      g_task_return_new_error (task, SB_PROVIDER_ERROR, SB_PROVIDER_ERROR_AUTH,
                               _("No language model provider is set up. Add an API key in Preferences."));
      return;
    }

  data = g_new0 (ChainData, 1);
  data->request = sb_chat_request_ref (request);
  data->clients = g_ptr_array_copy (self->clients, (GCopyFunc) g_object_ref, NULL);
  g_ptr_array_set_free_func (data->clients, g_object_unref);
  data->failures = g_ptr_array_new_with_free_func ((GDestroyNotify) g_error_free);
  g_task_set_task_data (task, data, (GDestroyNotify) chain_data_free);

  try_next (g_steal_pointer (&task));
}

SbChatResult *
sb_llm_chain_complete_finish (SbLlmChain    *self,
                              GAsyncResult  *result,
                              GError       **error)
{
  g_return_val_if_fail (SB_IS_LLM_CHAIN (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}
