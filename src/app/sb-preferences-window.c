/* sb-preferences-window.c
 *
 * Copyright 2026 The Storyboard authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "sb-preferences"

#include "config.h"

#include <glib/gi18n.h>

#include "sb-preferences-window.h"
#include "sb-provider-row.h"
#include "sb-secrets.h"

struct _SbPreferencesWindow
{
  AdwPreferencesWindow  parent_instance;

  /* Template widgets */
  AdwPreferencesGroup  *keyring_group;
  AdwPreferencesGroup  *images_group;
  AdwPreferencesGroup  *llm_group;
  GtkSpinButton        *concurrency_spin;

  /* Borrowed: owned by the groups */
  GtkWidget            *rows[SB_PROVIDER_N_KINDS];
};

G_DEFINE_FINAL_TYPE (SbPreferencesWindow, sb_preferences_window, ADW_TYPE_PREFERENCES_WINDOW)

/* Whether a Secret Service answers is only known once a row has asked it:
 * each row's status subtitle changes then. */
static void
on_row_subtitle_notify (SbPreferencesWindow *self)
{
  gtk_widget_set_visible (GTK_WIDGET (self->keyring_group), !sb_secrets_keyring_is_available ());
}

static void
sb_preferences_window_dispose (GObject *object)
{
  gtk_widget_dispose_template (GTK_WIDGET (object), SB_TYPE_PREFERENCES_WINDOW);

  G_OBJECT_CLASS (sb_preferences_window_parent_class)->dispose (object);
}

static void
sb_preferences_window_class_init (SbPreferencesWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = sb_preferences_window_dispose;

  g_type_ensure (SB_TYPE_PROVIDER_ROW);

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_BASE "/ui/sb-preferences-window.ui");
  gtk_widget_class_bind_template_child (widget_class, SbPreferencesWindow, keyring_group);
  gtk_widget_class_bind_template_child (widget_class, SbPreferencesWindow, images_group);
  gtk_widget_class_bind_template_child (widget_class, SbPreferencesWindow, llm_group);
  gtk_widget_class_bind_template_child (widget_class, SbPreferencesWindow, concurrency_spin);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
sb_preferences_window_init (SbPreferencesWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

GtkWidget *
sb_preferences_window_new (GtkWindow *parent,
                           GSettings *settings)
{
  static const SbProviderKind llm_kinds[] = {
    SB_PROVIDER_OPENROUTER,
    SB_PROVIDER_OPENAI,
    SB_PROVIDER_ANTHROPIC,
    SB_PROVIDER_OPENAI_COMPATIBLE,
  };
  SbPreferencesWindow *self;

  g_return_val_if_fail (parent == NULL || GTK_IS_WINDOW (parent), NULL);
  g_return_val_if_fail (G_IS_SETTINGS (settings), NULL);

  self = g_object_new (SB_TYPE_PREFERENCES_WINDOW,
                       "transient-for", parent,
                       "modal", parent != NULL,
                       NULL);

  g_settings_bind (settings, "max-concurrent-predictions",
                   gtk_spin_button_get_adjustment (self->concurrency_spin), "value",
                   G_SETTINGS_BIND_DEFAULT);

  self->rows[SB_PROVIDER_REPLICATE] = sb_provider_row_new (SB_PROVIDER_REPLICATE, settings);
  adw_expander_row_set_expanded (ADW_EXPANDER_ROW (self->rows[SB_PROVIDER_REPLICATE]), TRUE);
  adw_preferences_group_add (self->images_group, self->rows[SB_PROVIDER_REPLICATE]);

  for (guint i = 0; i < G_N_ELEMENTS (llm_kinds); i++)
    {
      self->rows[llm_kinds[i]] = sb_provider_row_new (llm_kinds[i], settings);
      adw_preferences_group_add (self->llm_group, self->rows[llm_kinds[i]]);
    }

  for (guint i = 0; i < SB_PROVIDER_N_KINDS; i++)
    if (self->rows[i] != NULL)
      g_signal_connect_object (self->rows[i], "notify::subtitle",
                               G_CALLBACK (on_row_subtitle_notify), self,
                               G_CONNECT_SWAPPED);

  gtk_widget_set_visible (GTK_WIDGET (self->keyring_group), !sb_secrets_keyring_is_available ());

  return GTK_WIDGET (self);
}

GtkSpinButton *
sb_preferences_window_get_concurrency (SbPreferencesWindow *self)
{
  g_return_val_if_fail (SB_IS_PREFERENCES_WINDOW (self), NULL);

  return self->concurrency_spin;
}

GtkWidget *
sb_preferences_window_get_provider (SbPreferencesWindow *self,
                                    SbProviderKind       kind)
{
  g_return_val_if_fail (SB_IS_PREFERENCES_WINDOW (self), NULL);
  g_return_val_if_fail (kind < SB_PROVIDER_N_KINDS, NULL);

  return self->rows[kind];
}
