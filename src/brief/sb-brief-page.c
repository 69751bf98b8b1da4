/* sb-brief-page.c
 *
 * Copyright 2026 The Storyboard authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "sb-brief"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "sb-anthropic-client.h"
#include "sb-brief-editor.h"
#include "sb-brief-generator.h"
#include "sb-brief-page.h"
#include "sb-http.h"
#include "sb-media-reference.h"
#include "sb-network.h"
#include "sb-openai-client.h"
#include "sb-revisions-dialog.h"
#include "sb-secrets.h"

/* The reference sent to the model: images fitting in this many pixels, and
 * this many frames of a video. */
#define REFERENCE_MAX_SIDE   1024
#define REFERENCE_MAX_FRAMES 5

/* Stable ids, in the order of the combo rows in the template. */
static const char * const platform_ids[] = {
  "tiktok", "instagram-reels", "youtube-shorts", "youtube", "tv", "other", NULL
};
static const char * const category_ids[] = {
  "product", "brand", "explainer", "event", "other", NULL
};
static const char * const provider_ids[] = {
  "openrouter", "openai", "anthropic", "openai-compatible", NULL
};
static const SbProviderKind provider_kinds[] = {
  SB_PROVIDER_OPENROUTER, SB_PROVIDER_OPENAI, SB_PROVIDER_ANTHROPIC, SB_PROVIDER_OPENAI_COMPATIBLE,
};
#define N_LLM_PROVIDERS G_N_ELEMENTS (provider_kinds)

typedef enum
{
  RUN_NONE,
  RUN_GENERATE,
  RUN_REFINE,
} RunKind;

struct _SbBriefPage
{
  GtkWidget             parent_instance;

  /* Template widgets */
  GtkWidget            *paned;
  GtkSearchEntry       *search_entry;
  GtkStack             *sidebar_stack;
  GtkLabel             *sidebar_empty_label;
  GtkListView          *brief_list;
  GtkWidget            *error_box;
  GtkImage             *error_icon;
  GtkLabel             *error_title;
  GtkLabel             *error_description;
  GtkWidget            *preferences_button;
  GtkWidget            *retry_button;
  GtkWidget            *model_button;
  GtkStack             *content_stack;
  GtkWidget            *compose_view;
  GtkWidget            *back_button;
  GtkTextView          *prompt_view;
  GtkLabel             *count_label;
  AdwActionRow         *reference_row;
  GtkPicture           *reference_picture;
  GtkSpinner           *reference_spinner;
  GtkWidget            *reference_remove_button;
  AdwComboRow          *platform_row;
  AdwComboRow          *category_row;
  GtkSpinButton        *duration_spin;
  AdwComboRow          *provider_row;
  AdwEntryRow          *model_row;
  GtkLabel             *offline_label;
  GtkLabel             *notice_label;
  GtkLabel             *status_label;
  SbBriefEditor        *editor;
  GtkEntry             *refine_entry;
  GtkWidget            *progress_box;
  GtkSpinner           *progress_spinner;
  GtkLabel             *progress_label;
  GtkLabel             *scenes_label;
  GtkTextView          *progress_view;

  /* Owned */
  SbLibrary            *library;
  GSettings            *settings;
  GtkSingleSelection   *brief_selection;
  GCancellable         *cancellable;        /* the page's lifetime */
  GCancellable         *list_cancellable;
  GCancellable         *run_cancellable;    /* generate or refine */
  GCancellable         *reference_cancellable;
  SbBrief              *brief;              /* open in the editor */
  SbMediaReference     *reference;
  GtkFileChooserNative *reference_chooser;
  GtkFileChooserNative *export_chooser;
  char                 *export_format;
  SbRevisionsDialog    *revisions_dialog;   /* weak */
  char                 *run_instruction;
  char                 *bound_model_key;
  GString              *progress_text;      /* the streamed answer shown */
  gsize                 progress_len;

  RunKind               running;
  RunKind               last_run;
  gboolean              reference_loading;
  gboolean              selecting;
};

G_DEFINE_FINAL_TYPE (SbBriefPage, sb_brief_page, GTK_TYPE_WIDGET)

static void update_actions (SbBriefPage *self);
static void open_brief     (SbBriefPage *self,
                            SbBrief     *brief);

/* Helpers */

static void
show_toast (SbBriefPage *self,
            const char  *message)
{
  GtkWidget *overlay = gtk_widget_get_ancestor (GTK_WIDGET (self), ADW_TYPE_TOAST_OVERLAY);
  AdwToast *toast = adw_toast_new (message);

  if (overlay != NULL)
    adw_toast_overlay_add_toast (ADW_TOAST_OVERLAY (overlay), toast);
  else
    g_object_unref (g_object_ref_sink (toast));
}

static char *
dup_prompt (SbBriefPage *self)
{
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (self->prompt_view);
  GtkTextIter start, end;
  char *text;

  gtk_text_buffer_get_bounds (buffer, &start, &end);
  text = gtk_text_buffer_get_text (buffer, &start, &end, FALSE);
  return g_strstrip (text);
}

static SbProviderKind
chosen_kind (SbBriefPage *self)
{
  guint selected = adw_combo_row_get_selected (self->provider_row);

  return provider_kinds[MIN (selected, N_LLM_PROVIDERS - 1)];
}

static const char *
selected_id (AdwComboRow        *row,
             const char * const *ids)
{
  guint selected = adw_combo_row_get_selected (row);

  if (selected >= g_strv_length ((char **) ids))
    return NULL;

  return ids[selected];
}

static const char *
provider_display_name (const char *id)
{
  SbProviderKind kind;

  if (id != NULL && sb_provider_kind_from_id (id, &kind))
    return sb_provider_kind_get_name (kind);

  return id;
}

static gboolean
any_provider_reachable (void)
{
  SbProviderConfig *config = sb_provider_config_get_default ();

  for (guint i = 0; i < N_LLM_PROVIDERS; i++)
    if (sb_network_can_use_provider (config, provider_kinds[i]))
      return TRUE;

  return FALSE;
}

static void
set_view (SbBriefPage *self,
          const char  *view)
{
  gtk_stack_set_visible_child_name (self->content_stack, view);
  gtk_widget_set_visible (self->back_button, self->brief != NULL && g_str_equal (view, "compose"));
  update_actions (self);
}

static void
update_actions (SbBriefPage *self)
{
  g_autofree char *prompt = dup_prompt (self);
  g_autofree char *instruction = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->refine_entry))));
  gboolean online = any_provider_reachable ();
  gboolean idle = self->running == RUN_NONE;
  gboolean has_brief = self->brief != NULL && sb_brief_editor_get_revision (self->editor) != NULL;

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "brief.generate",
                                 idle && online && *prompt != '\0' && !self->reference_loading &&
                                 self->library != NULL);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "brief.refine",
                                 idle && online && has_brief && *instruction != '\0');
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "brief.cancel", !idle);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "brief.retry", idle && self->last_run != RUN_NONE);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "brief.revisions", has_brief);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "brief.export", has_brief);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "brief.show-editor", has_brief);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "brief.new", self->library != NULL);

  if (!online)
    gtk_label_set_label (self->offline_label,
                         _("You are offline. Connect to a network, or set up a local model server in Preferences, to write a brief."));
  else if (*prompt == '\0')
    gtk_label_set_label (self->offline_label, _("Describe the video to write its brief."));
  else if (self->reference_loading)
    gtk_label_set_label (self->offline_label, _("Reading the reference…"));
  else
    gtk_label_set_label (self->offline_label, "");
}

static void
on_network_changed (SbBriefPage *self)
{
  update_actions (self);
}

/* Prompt */

static void
on_prompt_changed (SbBriefPage   *self,
                   GtkTextBuffer *buffer)
{
  int count = gtk_text_buffer_get_char_count (buffer);
  g_autofree char *label = NULL;

  label = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%d character", "%d characters", count), count);
  gtk_label_set_label (self->count_label, label);
  update_actions (self);
}

static void
on_refine_entry_changed (SbBriefPage *self,
                         GtkEntry    *entry)
{
  update_actions (self);
}

static void
on_refine_entry_activate (SbBriefPage *self,
                          GtkEntry    *entry)
{
  gtk_widget_activate_action (GTK_WIDGET (self), "brief.refine", NULL);
}

/* Settings */

static gboolean
id_to_selected (GValue   *value,
                GVariant *variant,
                gpointer  user_data)
{
  const char * const *ids = user_data;
  const char *id = g_variant_get_string (variant, NULL);

  for (guint i = 0; ids[i] != NULL; i++)
    if (g_str_equal (ids[i], id))
      {
        g_value_set_uint (value, i);
        return TRUE;
      }

  return FALSE;
}

static GVariant *
selected_to_id (const GValue       *value,
                const GVariantType *expected_type,
                gpointer            user_data)
{
  const char * const *ids = user_data;
  guint selected = g_value_get_uint (value);

  if (selected >= g_strv_length ((char **) ids))
    return NULL;

  return g_variant_new_string (ids[selected]);
}

/* The model row edits the chosen provider's default model. */
static void
bind_model_row (SbBriefPage *self)
{
  g_autofree char *key = g_strdup_printf ("%s-model", sb_provider_kind_to_id (chosen_kind (self)));

  if (g_strcmp0 (key, self->bound_model_key) == 0)
    return;

  if (self->bound_model_key != NULL)
    g_settings_unbind (self->model_row, "text");
  g_settings_bind (self->settings, key, self->model_row, "text", G_SETTINGS_BIND_DEFAULT);
  g_free (self->bound_model_key);
  self->bound_model_key = g_steal_pointer (&key);
}

static void
on_provider_selected (SbBriefPage *self)
{
  bind_model_row (self);
  update_actions (self);
}

/* Errors, shown in the page with what fixes them */

static void
hide_error (SbBriefPage *self)
{
  gtk_widget_set_visible (self->error_box, FALSE);
}

static void
show_error (SbBriefPage  *self,
            const GError *error)
{
  const char *title = _("The Brief Could Not Be Written");
  const char *icon = "dialog-warning-symbolic";
  g_autofree char *description = g_strdup (error->message);
  gboolean preferences = FALSE;
  gboolean retry = TRUE;
  gboolean other_model = FALSE;

  if (error->domain == SB_PROVIDER_ERROR)
    {
      switch ((SbProviderError) error->code)
        {
        case SB_PROVIDER_ERROR_AUTH:
          title = _("The Provider Did Not Accept the Key");
          preferences = TRUE;
          retry = FALSE;
          break;

        case SB_PROVIDER_ERROR_NO_CREDIT:
          title = _("The Account Is Out of Credit");
          preferences = TRUE;
          retry = FALSE;
          break;

        case SB_PROVIDER_ERROR_RATE_LIMITED:
          title = _("Too Many Requests");
          break;

        case SB_PROVIDER_ERROR_SERVER:
          title = _("The Provider Has a Problem");
          break;

        case SB_PROVIDER_ERROR_TIMEOUT:
          title = _("No Answer in Time");
          break;

        case SB_PROVIDER_ERROR_OFFLINE:
          title = _("No Connection");
          icon = "network-offline-symbolic";
          break;

        case SB_PROVIDER_ERROR_NOT_FOUND:
          title = _("The Model Was Not Found");
          other_model = TRUE;
          break;

        case SB_PROVIDER_ERROR_REFUSED:
          title = _("The Model Declined");
          g_free (description);
          /* Translators: %s is what the model said */
          description = g_strdup_printf (self->last_run == RUN_REFINE
                                         ? _("“%s”\nChange the instruction and refine again.")
                                         : _("“%s”\nChange the prompt and generate again."),
                                         error->message);
          retry = FALSE;
          break;

        case SB_PROVIDER_ERROR_INVALID_INPUT:
        case SB_PROVIDER_ERROR_BAD_RESPONSE:
        case SB_PROVIDER_ERROR_FAILED:
        case SB_PROVIDER_ERROR_TOO_LARGE:
        default:
          other_model = TRUE;
          break;
        }
    }
  else if (error->domain == SB_BRIEF_ERROR)
    {
      switch ((SbBriefError) error->code)
        {
        case SB_BRIEF_ERROR_INVALID:
          title = _("The Answer Was Not a Usable Brief");
          other_model = TRUE;
          break;

        case SB_BRIEF_ERROR_REFUSED:
          title = _("The Model Declined");
          g_free (description);
          /* Translators: %s is what the model said */
          description = g_strdup_printf (self->last_run == RUN_REFINE
                                         ? _("“%s”\nChange the instruction and refine again.")
                                         : _("“%s”\nChange the prompt and generate again."),
                                         error->message);
          retry = FALSE;
          break;

        case SB_BRIEF_ERROR_NO_PROVIDER:
        default:
          title = _("No Writer Is Set Up");
          preferences = TRUE;
          retry = FALSE;
          break;
        }
    }

  gtk_image_set_from_icon_name (self->error_icon, icon);
  gtk_label_set_label (self->error_title, title);
  gtk_label_set_label (self->error_description, description);
  gtk_widget_set_visible (self->preferences_button, preferences);
  gtk_widget_set_visible (self->retry_button, retry);
  gtk_widget_set_visible (self->model_button, other_model);
  gtk_widget_set_visible (self->error_box, TRUE);

}

/* Progress */

static void
progress_cb (const char *text_so_far,
             guint       n_scenes_so_far,
             gpointer    user_data)
{
  SbBriefPage *self = user_data;
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (self->progress_view);
  GtkTextMark *end;
  GtkTextIter iter;
  g_autofree char *scenes = NULL;
  gsize len;

  if (self->running == RUN_NONE)
    return;

  if (text_so_far == NULL)
    text_so_far = "";
  len = strlen (text_so_far);

  /* Append what is new: setting the whole text at every piece would make a
   * long answer quadratic.  A fresh answer (the next provider, the repair
   * round) starts over. */
  if (len >= self->progress_len && strncmp (text_so_far, self->progress_text->str, self->progress_len) == 0)
    {
      gtk_text_buffer_get_end_iter (buffer, &iter);
      gtk_text_buffer_insert (buffer, &iter, text_so_far + self->progress_len, len - self->progress_len);
    }
  else
    gtk_text_buffer_set_text (buffer, text_so_far, len);
  g_string_assign (self->progress_text, text_so_far);
  self->progress_len = len;

  gtk_text_buffer_get_end_iter (buffer, &iter);
  end = gtk_text_buffer_get_mark (buffer, "end");
  if (end == NULL)
    end = gtk_text_buffer_create_mark (buffer, "end", &iter, FALSE);
  else
    gtk_text_buffer_move_mark (buffer, end, &iter);
  gtk_text_view_scroll_mark_onscreen (self->progress_view, end);

  scenes = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u scene so far", "%u scenes so far", n_scenes_so_far),
                            n_scenes_so_far);
  gtk_label_set_label (self->scenes_label, scenes);
}

static void
begin_run (SbBriefPage *self,
           RunKind      kind)
{
  self->running = kind;
  self->last_run = kind;
  g_cancellable_cancel (self->run_cancellable);
  g_clear_object (&self->run_cancellable);
  self->run_cancellable = g_cancellable_new ();

  hide_error (self);
  gtk_text_buffer_set_text (gtk_text_view_get_buffer (self->progress_view), "", -1);
  g_string_truncate (self->progress_text, 0);
  self->progress_len = 0;
  gtk_label_set_label (self->progress_label,
                       kind == RUN_REFINE ? _("Refining the brief…") : _("Writing the brief…"));
  progress_cb ("", 0, self);
  gtk_widget_set_visible (self->progress_box, TRUE);
  gtk_spinner_start (self->progress_spinner);
  update_actions (self);
}

static void
end_run (SbBriefPage *self)
{
  self->running = RUN_NONE;
  gtk_spinner_stop (self->progress_spinner);
  gtk_widget_set_visible (self->progress_box, FALSE);
  update_actions (self);
}

/* Ends a run that failed.  A cancelled one was ended by Cancel (or by
 * the page going away), and cancelling is not an error worth a word. */
static void
fail_run (SbBriefPage  *self,
          const GError *error)
{
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  end_run (self);
  show_error (self, error);
}

static void
set_notice (SbBriefPage     *self,
            SbBriefRevision *revision,
            const char      *chosen)
{
  const char *provider = sb_brief_revision_get_provider (revision);
  g_autofree char *notice = NULL;

  if (provider != NULL && chosen != NULL && g_strcmp0 (provider, chosen) != 0)
    /* Translators: "Written by OpenAI — OpenRouter was unavailable" */
    notice = g_strdup_printf (_("Written by %s — %s was unavailable"),
                              provider_display_name (provider),
                              provider_display_name (chosen));

  gtk_label_set_label (self->notice_label, notice != NULL ? notice : "");
}

/* Writing: the chain of providers, the chosen one first */

typedef struct
{
  SbBriefPage  *self;
  RunKind       kind;
  GCancellable *cancellable;   /* of the run it was started for */
  char         *keys[N_LLM_PROVIDERS];
  guint         pending;
} KeysLookup;

typedef struct
{
  KeysLookup *lookup;
  guint       index;
} KeyLookup;

static void
keys_lookup_free (KeysLookup *lookup)
{
  g_object_unref (lookup->self);
  g_object_unref (lookup->cancellable);
  for (guint i = 0; i < N_LLM_PROVIDERS; i++)
    g_free (lookup->keys[i]);
  g_free (lookup);
}

static SbLlmChain *
build_chain (SbBriefPage *self,
             KeysLookup  *lookup)
{
  SbProviderConfig *config = sb_provider_config_get_default ();
  SbHttp *http = sb_http_get_default ();
  SbProviderKind chosen = chosen_kind (self);
  SbLlmChain *chain = sb_llm_chain_new ();
  SbProviderKind order[N_LLM_PROVIDERS];
  guint n = 0;

  order[n++] = chosen;
  for (guint i = 0; i < N_LLM_PROVIDERS; i++)
    if (provider_kinds[i] != chosen)
      order[n++] = provider_kinds[i];

  for (guint i = 0; i < n; i++)
    {
      SbProviderKind kind = order[i];
      const char *key = NULL;
      g_autoptr(SbLlmClient) client = NULL;
      g_autofree char *model = NULL;
      gboolean usable;

      for (guint j = 0; j < N_LLM_PROVIDERS; j++)
        if (provider_kinds[j] == kind)
          key = lookup->keys[j];

      if (kind == SB_PROVIDER_OPENAI_COMPATIBLE)
        {
          g_autofree char *base_url = sb_provider_config_dup_base_url (config, kind);

          usable = base_url != NULL;
        }
      else
        usable = key != NULL && *key != '\0';

      if (!usable)
        continue;

      if (kind == SB_PROVIDER_ANTHROPIC)
        client = sb_anthropic_client_new (http);
      else
        client = sb_openai_client_new (http, kind);

      if (key != NULL && *key != '\0')
        sb_llm_client_set_api_key (client, key);

      if (kind == chosen)
        model = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->model_row))));
      else
        {
          g_autofree char *setting = g_strdup_printf ("%s-model", sb_provider_kind_to_id (kind));

          model = g_settings_get_string (self->settings, setting);
        }
      if (model != NULL && *model != '\0')
        sb_llm_client_set_model (client, model);

      sb_llm_chain_append (chain, client);
    }

  return chain;
}

static void
revision_created_cb (GObject      *object,
                     GAsyncResult *result,
                     gpointer      user_data);
static void
revision_added_cb (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data);

typedef struct
{
  SbBriefPage     *self;
  SbBrief         *brief;
  SbBriefRevision *revision;
  char            *chosen;
} Stored;

static void
stored_free (Stored *stored)
{
  g_object_unref (stored->self);
  g_clear_object (&stored->brief);
  g_clear_object (&stored->revision);
  g_free (stored->chosen);
  g_free (stored);
}

static void
generated_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(SbBriefPage) self = user_data;
  g_autoptr(SbBriefRevision) revision = NULL;
  g_autoptr(GPtrArray) failures = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *prompt = NULL;
  Stored *stored;

  revision = sb_brief_generator_generate_finish (SB_BRIEF_GENERATOR (object), result, &failures, &error);
  if (revision == NULL)
    {
      fail_run (self, error);
      return;
    }

  if (self->library == NULL)
    {
      end_run (self);
      return;
    }

  prompt = dup_prompt (self);
  stored = g_new0 (Stored, 1);
  stored->self = g_object_ref (self);
  stored->revision = g_object_ref (revision);
  stored->chosen = g_strdup (provider_ids[adw_combo_row_get_selected (self->provider_row) % N_LLM_PROVIDERS]);
  stored->brief = sb_brief_new ();
  sb_brief_set_title (stored->brief, sb_brief_revision_get_title (revision));
  sb_brief_set_prompt (stored->brief, prompt);
  sb_brief_set_platform (stored->brief, selected_id (self->platform_row, platform_ids));
  sb_brief_set_category (stored->brief, selected_id (self->category_row, category_ids));
  sb_brief_set_target_duration (stored->brief, gtk_spin_button_get_value (self->duration_spin));
  sb_brief_set_provider (stored->brief, stored->chosen);
  sb_brief_set_model (stored->brief, gtk_editable_get_text (GTK_EDITABLE (self->model_row)));

  sb_library_create_brief_async (self->library, stored->brief, revision, self->run_cancellable,
                                 revision_created_cb, stored);
}

static void
revision_created_cb (GObject      *object,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  Stored *stored = user_data;
  SbBriefPage *self = stored->self;
  g_autoptr(GError) error = NULL;

  if (!sb_library_create_brief_finish (SB_LIBRARY (object), result, &error))
    {
      fail_run (self, error);
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        gtk_label_set_label (self->error_title, _("The Brief Could Not Be Saved"));
      stored_free (stored);
      return;
    }

  end_run (self);
  g_set_object (&self->brief, stored->brief);
  sb_brief_editor_set_revision (self->editor, stored->revision);
  set_notice (self, stored->revision, stored->chosen);
  set_view (self, "editor");

  stored_free (stored);
}

static void
refined_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(SbBriefPage) self = user_data;
  g_autoptr(SbBriefRevision) revision = NULL;
  g_autoptr(GPtrArray) failures = NULL;
  g_autoptr(GError) error = NULL;
  Stored *stored;

  revision = sb_brief_generator_refine_finish (SB_BRIEF_GENERATOR (object), result, &failures, &error);
  if (revision == NULL)
    {
      fail_run (self, error);
      return;
    }

  if (self->library == NULL || self->brief == NULL)
    {
      end_run (self);
      return;
    }

  sb_brief_revision_set_brief_id (revision, sb_brief_get_id (self->brief));
  stored = g_new0 (Stored, 1);
  stored->self = g_object_ref (self);
  stored->brief = g_object_ref (self->brief);
  stored->revision = g_object_ref (revision);
  stored->chosen = g_strdup (provider_ids[adw_combo_row_get_selected (self->provider_row) % N_LLM_PROVIDERS]);

  sb_library_add_revision_async (self->library, revision, self->run_cancellable,
                                 revision_added_cb, stored);
}

static void
revision_added_cb (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  Stored *stored = user_data;
  SbBriefPage *self = stored->self;
  g_autoptr(GError) error = NULL;

  if (!sb_library_add_revision_finish (SB_LIBRARY (object), result, &error))
    {
      fail_run (self, error);
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        gtk_label_set_label (self->error_title, _("The Revision Could Not Be Saved"));
      stored_free (stored);
      return;
    }

  end_run (self);

  /* Still the open brief: show the new revision. */
  if (self->brief == stored->brief)
    {
      sb_brief_editor_set_revision (self->editor, stored->revision);
      set_notice (self, stored->revision, stored->chosen);
      set_view (self, "editor");
      if (self->running == RUN_NONE && self->last_run == RUN_REFINE)
        gtk_editable_set_text (GTK_EDITABLE (self->refine_entry), "");
    }

  stored_free (stored);
}

static void
start_writing (SbBriefPage *self,
               KeysLookup  *lookup)
{
  g_autoptr(SbLlmChain) chain = build_chain (self, lookup);
  g_autoptr(SbBriefGenerator) generator = NULL;

  if (sb_llm_chain_get_n_clients (chain) == 0)
    {
      g_autoptr(GError) error = g_error_new (SB_BRIEF_ERROR, SB_BRIEF_ERROR_NO_PROVIDER,
                                             _("Add an API key for OpenRouter, OpenAI or Anthropic, or the address of a local model server, in Preferences."));

      fail_run (self, error);
      return;
    }

  generator = sb_brief_generator_new (chain);

  if (lookup->kind == RUN_GENERATE)
    {
      g_autoptr(SbBriefRequest) request = sb_brief_request_new ();

      request->prompt = dup_prompt (self);
      request->platform = g_strdup (selected_id (self->platform_row, platform_ids));
      request->category = g_strdup (selected_id (self->category_row, category_ids));
      request->target_duration = gtk_spin_button_get_value (self->duration_spin);
      if (self->reference != NULL)
        {
          for (guint i = 0; i < self->reference->data_uris->len; i++)
            g_ptr_array_add (request->reference_images,
                             g_strdup (g_ptr_array_index (self->reference->data_uris, i)));
          /* For the model, not the user: left untranslated. */
          if (self->reference->kind == SB_MEDIA_REFERENCE_VIDEO)
            request->reference_note = g_strdup_printf ("frames from a %.0f s video",
                                                       self->reference->duration);
        }

      sb_brief_generator_generate_async (generator, request,
                                         progress_cb, g_object_ref (self), g_object_unref,
                                         self->run_cancellable, generated_cb, g_object_ref (self));
    }
  else
    {
      SbBriefRevision *current = sb_brief_editor_get_revision (self->editor);

      if (self->brief == NULL || current == NULL)
        {
          end_run (self);
          return;
        }

      sb_brief_generator_refine_async (generator, self->brief, current, self->run_instruction,
                                       progress_cb, g_object_ref (self), g_object_unref,
                                       self->run_cancellable, refined_cb, g_object_ref (self));
    }
}

static void
key_looked_up_cb (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  KeyLookup *one = user_data;
  KeysLookup *lookup = one->lookup;
  g_autoptr(GError) error = NULL;

  lookup->keys[one->index] = sb_secrets_lookup_finish (result, NULL, &error);
  if (error != NULL && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    g_debug ("No key for %s: %s", provider_ids[one->index], error->message);
  g_free (one);

  if (--lookup->pending > 0)
    return;

  /* Cancelled while the keys were looked up: that run has ended. */
  if (lookup->cancellable == lookup->self->run_cancellable &&
      !g_cancellable_is_cancelled (lookup->cancellable))
    start_writing (lookup->self, lookup);

  keys_lookup_free (lookup);
}

static void
start_run (SbBriefPage *self,
           RunKind      kind)
{
  KeysLookup *lookup;

  begin_run (self, kind);

  lookup = g_new0 (KeysLookup, 1);
  lookup->self = g_object_ref (self);
  lookup->kind = kind;
  lookup->cancellable = g_object_ref (self->run_cancellable);
  lookup->pending = N_LLM_PROVIDERS;

  for (guint i = 0; i < N_LLM_PROVIDERS; i++)
    {
      KeyLookup *one = g_new0 (KeyLookup, 1);

      one->lookup = lookup;
      one->index = i;
      sb_secrets_lookup_async (provider_kinds[i], self->run_cancellable, key_looked_up_cb, one);
    }
}

static void
generate_action (GtkWidget  *widget,
                 const char *action_name,
                 GVariant   *parameter)
{
  SbBriefPage *self = SB_BRIEF_PAGE (widget);
  g_autofree char *prompt = dup_prompt (self);

  if (self->running != RUN_NONE || *prompt == '\0' || self->library == NULL)
    return;

  start_run (self, RUN_GENERATE);
}

static void
refine_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  SbBriefPage *self = SB_BRIEF_PAGE (widget);
  g_autofree char *instruction = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->refine_entry))));

  if (self->running != RUN_NONE || *instruction == '\0' || self->brief == NULL)
    return;

  /* The refine starts from what is on screen, stored first. */
  sb_brief_editor_save_now (self->editor);

  g_free (self->run_instruction);
  self->run_instruction = g_steal_pointer (&instruction);
  start_run (self, RUN_REFINE);
}

static void
retry_action (GtkWidget  *widget,
              const char *action_name,
              GVariant   *parameter)
{
  SbBriefPage *self = SB_BRIEF_PAGE (widget);

  if (self->running != RUN_NONE)
    return;

  if (self->last_run == RUN_REFINE && self->run_instruction != NULL && self->brief != NULL)
    start_run (self, RUN_REFINE);
  else if (self->last_run == RUN_GENERATE)
    generate_action (widget, "brief.generate", NULL);
}

static void
cancel_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  SbBriefPage *self = SB_BRIEF_PAGE (widget);

  g_cancellable_cancel (self->run_cancellable);
  /* The callbacks see the cancellation; the page is idle again at once. */
  end_run (self);
}

static void
dismiss_error_action (GtkWidget  *widget,
                      const char *action_name,
                      GVariant   *parameter)
{
  hide_error (SB_BRIEF_PAGE (widget));
}

static void
choose_model_action (GtkWidget  *widget,
                     const char *action_name,
                     GVariant   *parameter)
{
  SbBriefPage *self = SB_BRIEF_PAGE (widget);

  set_view (self, "compose");
  gtk_widget_grab_focus (GTK_WIDGET (self->model_row));
}

/* Saved briefs */

static void
search_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  gtk_widget_grab_focus (GTK_WIDGET (SB_BRIEF_PAGE (widget)->search_entry));
}

static void
select_open_brief (SbBriefPage *self)
{
  GListModel *model = gtk_single_selection_get_model (self->brief_selection);
  guint n = model != NULL ? g_list_model_get_n_items (model) : 0;
  guint position = GTK_INVALID_LIST_POSITION;

  for (guint i = 0; i < n && self->brief != NULL; i++)
    {
      g_autoptr(SbBrief) brief = g_list_model_get_item (model, i);

      if (sb_brief_get_id (brief) == sb_brief_get_id (self->brief))
        {
          position = i;
          break;
        }
    }

  self->selecting = TRUE;
  gtk_single_selection_set_selected (self->brief_selection, position);
  self->selecting = FALSE;
}

static void
briefs_listed_cb (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(SbBriefPage) self = user_data;
  g_autoptr(GListModel) briefs = NULL;
  g_autoptr(GError) error = NULL;
  const char *search;

  briefs = sb_library_list_briefs_finish (SB_LIBRARY (object), result, &error);
  if (briefs == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          gtk_label_set_label (self->sidebar_empty_label, error->message);
          gtk_stack_set_visible_child_name (self->sidebar_stack, "empty");
        }
      return;
    }

  self->selecting = TRUE;
  gtk_single_selection_set_model (self->brief_selection, briefs);
  self->selecting = FALSE;
  select_open_brief (self);

  search = gtk_editable_get_text (GTK_EDITABLE (self->search_entry));
  if (g_list_model_get_n_items (briefs) > 0)
    gtk_stack_set_visible_child_name (self->sidebar_stack, "list");
  else
    {
      gtk_label_set_label (self->sidebar_empty_label,
                           *search != '\0' ? _("No briefs match the search") : _("No saved briefs yet"));
      gtk_stack_set_visible_child_name (self->sidebar_stack, "empty");
    }
}

static void
refresh_briefs (SbBriefPage *self)
{
  if (self->library == NULL)
    return;

  g_cancellable_cancel (self->list_cancellable);
  g_clear_object (&self->list_cancellable);
  self->list_cancellable = g_cancellable_new ();

  sb_library_list_briefs_async (self->library,
                                gtk_editable_get_text (GTK_EDITABLE (self->search_entry)),
                                self->list_cancellable, briefs_listed_cb, g_object_ref (self));
}

static void
on_search_changed (SbBriefPage    *self,
                   GtkSearchEntry *entry)
{
  refresh_briefs (self);
}

static void
on_brief_changed (SbBriefPage *self,
                  gint64       brief_id,
                  SbLibrary   *library)
{
  refresh_briefs (self);
}

static void
on_brief_selected (SbBriefPage *self)
{
  SbBrief *brief = gtk_single_selection_get_selected_item (self->brief_selection);

  if (self->selecting || brief == NULL)
    return;

  if (self->brief != NULL && sb_brief_get_id (self->brief) == sb_brief_get_id (brief))
    {
      set_view (self, "editor");
      return;
    }

  open_brief (self, brief);
}

static void
latest_loaded_cb (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(SbBriefPage) self = user_data;
  g_autoptr(SbBriefRevision) revision = NULL;
  g_autoptr(GError) error = NULL;

  revision = sb_library_load_latest_revision_finish (SB_LIBRARY (object), result, &error);
  if (revision == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          g_autofree char *message = g_strdup_printf (_("The brief could not be opened: %s"), error->message);

          show_toast (self, message);
        }
      return;
    }

  if (self->brief == NULL || sb_brief_revision_get_brief_id (revision) != sb_brief_get_id (self->brief))
    return;

  sb_brief_editor_set_revision (self->editor, revision);
  gtk_label_set_label (self->notice_label, "");
  set_view (self, "editor");
}

static void
open_brief (SbBriefPage *self,
            SbBrief     *brief)
{
  g_set_object (&self->brief, brief);
  sb_brief_editor_set_revision (self->editor, NULL);
  hide_error (self);
  update_actions (self);

  sb_library_load_latest_revision_async (self->library, sb_brief_get_id (brief), self->cancellable,
                                         latest_loaded_cb, g_object_ref (self));
}

static void
setup_brief_row_cb (GtkSignalListItemFactory *factory,
                    GtkListItem              *list_item,
                    SbBriefPage              *self)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 3);
  GtkWidget *title = gtk_label_new (NULL);
  GtkWidget *subtitle = gtk_label_new (NULL);

  gtk_widget_set_margin_top (box, 6);
  gtk_widget_set_margin_bottom (box, 6);
  gtk_label_set_xalign (GTK_LABEL (title), 0);
  gtk_label_set_xalign (GTK_LABEL (subtitle), 0);
  gtk_label_set_ellipsize (GTK_LABEL (title), PANGO_ELLIPSIZE_END);
  gtk_label_set_ellipsize (GTK_LABEL (subtitle), PANGO_ELLIPSIZE_END);
  gtk_widget_add_css_class (subtitle, "dim-label");
  gtk_widget_add_css_class (subtitle, "caption");
  gtk_box_append (GTK_BOX (box), title);
  gtk_box_append (GTK_BOX (box), subtitle);
  gtk_list_item_set_child (list_item, box);
}

static void
bind_brief_row_cb (GtkSignalListItemFactory *factory,
                   GtkListItem              *list_item,
                   SbBriefPage              *self)
{
  SbBrief *brief = gtk_list_item_get_item (list_item);
  GtkWidget *box = gtk_list_item_get_child (list_item);
  GtkWidget *title = gtk_widget_get_first_child (box);
  GtkWidget *subtitle = gtk_widget_get_next_sibling (title);
  const char *text = sb_brief_get_title (brief);
  GDateTime *updated = sb_brief_get_updated_at (brief);
  g_autofree char *date = NULL;
  g_autofree char *detail = NULL;
  g_autofree char *accessible = NULL;
  guint n = sb_brief_get_n_revisions (brief);

  if (text == NULL || *text == '\0')
    text = _("Untitled Brief");

  if (updated != NULL)
    {
      g_autoptr(GDateTime) local = g_date_time_to_local (updated);

      /* Translators: when a brief was last changed, see g_date_time_format() */
      date = g_date_time_format (local, _("%e %b %Y"));
    }

  /* Translators: a date, then how many revisions a brief has */
  detail = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%s · %u revision", "%s · %u revisions", n),
                            date != NULL ? g_strstrip (date) : "", n);

  gtk_label_set_label (GTK_LABEL (title), text);
  gtk_label_set_label (GTK_LABEL (subtitle), detail);

  /* Translators: the accessible name of a saved brief: its title, its date and revisions */
  accessible = g_strdup_printf (_("%s, %s"), text, detail);
  gtk_accessible_update_property (GTK_ACCESSIBLE (box),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, accessible,
                                  -1);
}

/* New brief */

static void remove_reference (SbBriefPage *self);

static void
new_action (GtkWidget  *widget,
            const char *action_name,
            GVariant   *parameter)
{
  SbBriefPage *self = SB_BRIEF_PAGE (widget);

  g_clear_object (&self->brief);
  sb_brief_editor_set_revision (self->editor, NULL);
  self->selecting = TRUE;
  gtk_single_selection_set_selected (self->brief_selection, GTK_INVALID_LIST_POSITION);
  self->selecting = FALSE;

  gtk_text_buffer_set_text (gtk_text_view_get_buffer (self->prompt_view), "", -1);
  remove_reference (self);
  hide_error (self);
  set_view (self, "compose");
  gtk_widget_grab_focus (GTK_WIDGET (self->prompt_view));
}

static void
show_editor_action (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *parameter)
{
  SbBriefPage *self = SB_BRIEF_PAGE (widget);

  if (self->brief != NULL && sb_brief_editor_get_revision (self->editor) != NULL)
    set_view (self, "editor");
}

/* Reference image or video */

static void
show_reference (SbBriefPage *self)
{
  SbMediaReference *reference = self->reference;
  g_autofree char *subtitle = NULL;

  gtk_widget_set_visible (GTK_WIDGET (self->reference_spinner), self->reference_loading);
  gtk_spinner_set_spinning (self->reference_spinner, self->reference_loading);
  gtk_widget_set_visible (self->reference_remove_button, reference != NULL || self->reference_loading);

  if (reference == NULL)
    {
      gtk_widget_set_visible (GTK_WIDGET (self->reference_picture), FALSE);
      gtk_picture_set_paintable (self->reference_picture, NULL);
      if (!self->reference_loading)
        {
          adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->reference_row), _("No Reference"));
          adw_action_row_set_subtitle (self->reference_row, "");
        }
      update_actions (self);
      return;
    }

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->reference_row), reference->display_name);
  if (reference->kind == SB_MEDIA_REFERENCE_VIDEO)
    /* Translators: a video's length in seconds, then how many frames are sent */
    subtitle = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                             "Video, %.0f s — %u frame for the writer",
                                             "Video, %.0f s — %u frames for the writer",
                                             reference->data_uris->len),
                                reference->duration, reference->data_uris->len);
  else
    /* Translators: an image's width and height in pixels */
    subtitle = g_strdup_printf (_("Image, %d × %d"), reference->width, reference->height);
  adw_action_row_set_subtitle (self->reference_row, subtitle);

  if (reference->thumbnail != NULL)
    {
      g_autoptr(GdkTexture) texture = gdk_texture_new_from_bytes (reference->thumbnail, NULL);

      gtk_picture_set_paintable (self->reference_picture, GDK_PAINTABLE (texture));
      gtk_widget_set_visible (GTK_WIDGET (self->reference_picture), texture != NULL);
    }

  update_actions (self);
}

static void
reference_loaded_cb (GObject      *object,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  g_autoptr(SbBriefPage) self = user_data;
  g_autoptr(SbMediaReference) reference = NULL;
  g_autoptr(GError) error = NULL;

  reference = sb_media_reference_load_finish (result, &error);
  if (reference == NULL)
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;

      self->reference_loading = FALSE;
      show_reference (self);
      /* Translators: %s says why the file cannot be used */
      {
        g_autofree char *message = g_strdup_printf (_("This file cannot be a reference: %s"), error->message);

        adw_action_row_set_subtitle (self->reference_row, message);
      }
      return;
    }

  self->reference_loading = FALSE;
  g_clear_pointer (&self->reference, sb_media_reference_free);
  self->reference = g_steal_pointer (&reference);
  show_reference (self);
}

static void
load_reference (SbBriefPage *self,
                GFile       *file)
{
  g_autofree char *name = g_file_get_basename (file);

  g_cancellable_cancel (self->reference_cancellable);
  g_clear_object (&self->reference_cancellable);
  self->reference_cancellable = g_cancellable_new ();
  g_clear_pointer (&self->reference, sb_media_reference_free);

  self->reference_loading = TRUE;
  show_reference (self);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->reference_row), name);
  adw_action_row_set_subtitle (self->reference_row, _("Reading…"));

  sb_media_reference_load_async (file, REFERENCE_MAX_SIDE, REFERENCE_MAX_FRAMES,
                                 self->reference_cancellable, reference_loaded_cb, g_object_ref (self));
}

static void
remove_reference (SbBriefPage *self)
{
  g_cancellable_cancel (self->reference_cancellable);
  g_clear_pointer (&self->reference, sb_media_reference_free);
  self->reference_loading = FALSE;
  show_reference (self);
}

static void
remove_reference_action (GtkWidget  *widget,
                         const char *action_name,
                         GVariant   *parameter)
{
  remove_reference (SB_BRIEF_PAGE (widget));
}

static void
reference_chooser_response_cb (SbBriefPage          *self,
                               int                   response,
                               GtkFileChooserNative *chooser)
{
  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser));

      if (file != NULL)
        load_reference (self, file);
    }

  g_clear_object (&self->reference_chooser);
}

static void
choose_reference_action (GtkWidget  *widget,
                         const char *action_name,
                         GVariant   *parameter)
{
  SbBriefPage *self = SB_BRIEF_PAGE (widget);
  g_autoptr(GtkFileFilter) media = gtk_file_filter_new ();
  g_autoptr(GtkFileFilter) images = gtk_file_filter_new ();
  g_autoptr(GtkFileFilter) videos = gtk_file_filter_new ();
  GtkRoot *root = gtk_widget_get_root (widget);
  static const char * const image_types[] = { "image/png", "image/jpeg", "image/webp" };
  static const char * const video_types[] = { "video/mp4", "video/quicktime", "video/webm", "video/x-matroska" };

  if (self->reference_chooser != NULL)
    {
      gtk_native_dialog_show (GTK_NATIVE_DIALOG (self->reference_chooser));
      return;
    }

  gtk_file_filter_set_name (media, _("Images and Videos"));
  gtk_file_filter_set_name (images, _("Images"));
  gtk_file_filter_set_name (videos, _("Videos"));
  for (guint i = 0; i < G_N_ELEMENTS (image_types); i++)
    {
      gtk_file_filter_add_mime_type (media, image_types[i]);
      gtk_file_filter_add_mime_type (images, image_types[i]);
    }
  for (guint i = 0; i < G_N_ELEMENTS (video_types); i++)
    {
      gtk_file_filter_add_mime_type (media, video_types[i]);
      gtk_file_filter_add_mime_type (videos, video_types[i]);
    }

  self->reference_chooser = gtk_file_chooser_native_new (_("Choose a Reference"),
                                                         GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                                         GTK_FILE_CHOOSER_ACTION_OPEN,
                                                         _("_Choose"),
                                                         _("_Cancel"));
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (self->reference_chooser), media);
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (self->reference_chooser), images);
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (self->reference_chooser), videos);
  gtk_file_chooser_set_filter (GTK_FILE_CHOOSER (self->reference_chooser), media);
  g_signal_connect_object (self->reference_chooser, "response",
                           G_CALLBACK (reference_chooser_response_cb), self,
                           G_CONNECT_SWAPPED);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (self->reference_chooser));
}

static gboolean
on_reference_drop (GtkDropTarget *target,
                   const GValue  *value,
                   double         x,
                   double         y,
                   SbBriefPage   *self)
{
  GSList *files = g_value_get_boxed (value);

  gtk_widget_remove_css_class (self->compose_view, "drop-target-active");

  if (files == NULL)
    return FALSE;

  load_reference (self, files->data);
  return TRUE;
}

static GdkDragAction
on_reference_drop_enter (GtkDropTarget *target,
                         double         x,
                         double         y,
                         SbBriefPage   *self)
{
  gtk_widget_add_css_class (self->compose_view, "drop-target-active");
  return GDK_ACTION_COPY;
}

static void
on_reference_drop_leave (GtkDropTarget *target,
                         SbBriefPage   *self)
{
  gtk_widget_remove_css_class (self->compose_view, "drop-target-active");
}

/* Export */

static void
export_written_cb (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;

  if (!g_file_replace_contents_finish (G_FILE (object), result, NULL, &error))
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_boolean (task, TRUE);
}

static void
exported_cb (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  SbBriefPage *self = SB_BRIEF_PAGE (object);
  g_autoptr(GFile) file = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *name = g_file_get_basename (file);
  g_autofree char *message = NULL;

  if (!sb_brief_page_export_finish (self, result, &error))
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;
      /* Translators: a file name, then why it could not be written */
      message = g_strdup_printf (_("“%s” could not be written: %s"), name, error->message);
    }
  else
    /* Translators: %s is a file name */
    message = g_strdup_printf (_("Exported “%s”"), name);

  show_toast (self, message);
}

static void
export_chooser_response_cb (SbBriefPage          *self,
                            int                   response,
                            GtkFileChooserNative *chooser)
{
  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser));

      if (file != NULL)
        sb_brief_page_export_async (self, file, self->export_format, self->cancellable,
                                    exported_cb, g_object_ref (file));
    }

  g_clear_object (&self->export_chooser);
}

static char *
suggested_file_name (SbBriefPage *self,
                     const char  *extension)
{
  SbBriefRevision *revision = sb_brief_editor_get_revision (self->editor);
  const char *title = revision != NULL ? sb_brief_revision_get_title (revision) : NULL;
  g_autofree char *safe = NULL;

  if (title == NULL || *title == '\0')
    /* Translators: the default file name of an exported brief, without extension */
    title = _("Brief");

  safe = g_strdup (title);
  g_strdelimit (safe, "/\\:*?\"<>|", '-');
  return g_strconcat (safe, ".", extension, NULL);
}

static void
export_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  SbBriefPage *self = SB_BRIEF_PAGE (widget);
  const char *format = g_variant_get_string (parameter, NULL);
  gboolean json = g_str_equal (format, "json");
  g_autoptr(GtkFileFilter) filter = gtk_file_filter_new ();
  g_autofree char *name = suggested_file_name (self, json ? "json" : "md");
  GtkRoot *root = gtk_widget_get_root (widget);

  if (self->brief == NULL || sb_brief_editor_get_revision (self->editor) == NULL)
    return;

  if (self->export_chooser != NULL)
    gtk_native_dialog_destroy (GTK_NATIVE_DIALOG (self->export_chooser));
  g_clear_object (&self->export_chooser);

  g_free (self->export_format);
  self->export_format = g_strdup (json ? "json" : "markdown");

  sb_brief_editor_save_now (self->editor);

  if (json)
    {
      gtk_file_filter_set_name (filter, _("JSON"));
      gtk_file_filter_add_mime_type (filter, "application/json");
      gtk_file_filter_add_pattern (filter, "*.json");
    }
  else
    {
      gtk_file_filter_set_name (filter, _("Markdown"));
      gtk_file_filter_add_mime_type (filter, "text/markdown");
      gtk_file_filter_add_pattern (filter, "*.md");
    }

  self->export_chooser = gtk_file_chooser_native_new (json ? _("Export as JSON") : _("Export as Markdown"),
                                                      GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                                      GTK_FILE_CHOOSER_ACTION_SAVE,
                                                      _("_Export"),
                                                      _("_Cancel"));
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (self->export_chooser), filter);
  gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (self->export_chooser), name);
  g_signal_connect_object (self->export_chooser, "response",
                           G_CALLBACK (export_chooser_response_cb), self,
                           G_CONNECT_SWAPPED);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (self->export_chooser));
}

/* Revisions */

static void
restored_cb (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  Stored *stored = user_data;
  SbBriefPage *self = stored->self;
  g_autoptr(GError) error = NULL;

  if (!sb_library_add_revision_finish (SB_LIBRARY (object), result, &error))
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          g_autofree char *message = g_strdup_printf (_("The revision could not be restored: %s"), error->message);

          show_toast (self, message);
        }
      stored_free (stored);
      return;
    }

  if (self->brief == stored->brief)
    {
      g_autofree char *message = NULL;

      sb_brief_editor_set_revision (self->editor, stored->revision);
      gtk_label_set_label (self->notice_label, "");
      set_view (self, "editor");
      /* Translators: %u is the number of the new revision */
      message = g_strdup_printf (_("Revision %u is a copy of the one you went back to"),
                                 sb_brief_revision_get_number (stored->revision));
      show_toast (self, message);
    }

  stored_free (stored);
}

static void
on_revision_restore (SbBriefPage       *self,
                     SbBriefRevision   *revision,
                     SbRevisionsDialog *dialog)
{
  SbBriefRevision *current = sb_brief_editor_get_revision (self->editor);
  g_autofree char *instruction = NULL;
  Stored *stored;

  if (self->brief == NULL || current == NULL)
    return;

  sb_brief_editor_save_now (self->editor);

  stored = g_new0 (Stored, 1);
  stored->self = g_object_ref (self);
  stored->brief = g_object_ref (self->brief);
  stored->revision = sb_brief_revision_copy (revision);
  sb_brief_revision_set_brief_id (stored->revision, sb_brief_get_id (self->brief));
  sb_brief_revision_set_parent_id (stored->revision, sb_brief_revision_get_id (current));
  /* Translators: the instruction of a revision that copies an earlier one */
  instruction = g_strdup_printf (_("Went back to revision %u"), sb_brief_revision_get_number (revision));
  sb_brief_revision_set_instruction (stored->revision, instruction);

  sb_library_add_revision_async (self->library, stored->revision, self->cancellable,
                                 restored_cb, stored);
}

static void
revisions_action (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  SbBriefPage *self = SB_BRIEF_PAGE (widget);
  GtkRoot *root = gtk_widget_get_root (widget);

  if (self->brief == NULL || self->library == NULL)
    return;

  if (self->revisions_dialog != NULL)
    {
      gtk_window_present (GTK_WINDOW (self->revisions_dialog));
      return;
    }

  sb_brief_editor_save_now (self->editor);

  /* Owned by the list of toplevels while open; the pointer clears itself
   * when it is closed. */
  self->revisions_dialog = sb_revisions_dialog_new (GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                                    self->library,
                                                    sb_brief_get_id (self->brief));
  g_object_add_weak_pointer (G_OBJECT (self->revisions_dialog), (gpointer *) &self->revisions_dialog);
  g_signal_connect_object (self->revisions_dialog, "restore",
                           G_CALLBACK (on_revision_restore), self, G_CONNECT_SWAPPED);
  gtk_window_present (GTK_WINDOW (self->revisions_dialog));
}

/* GObject */

static void
sb_brief_page_dispose (GObject *object)
{
  SbBriefPage *self = SB_BRIEF_PAGE (object);

  g_cancellable_cancel (self->cancellable);
  g_cancellable_cancel (self->list_cancellable);
  g_cancellable_cancel (self->run_cancellable);
  g_cancellable_cancel (self->reference_cancellable);

  if (self->reference_chooser != NULL)
    gtk_native_dialog_destroy (GTK_NATIVE_DIALOG (self->reference_chooser));
  g_clear_object (&self->reference_chooser);
  if (self->export_chooser != NULL)
    gtk_native_dialog_destroy (GTK_NATIVE_DIALOG (self->export_chooser));
  g_clear_object (&self->export_chooser);
  if (self->revisions_dialog != NULL)
    {
      g_object_remove_weak_pointer (G_OBJECT (self->revisions_dialog), (gpointer *) &self->revisions_dialog);
      gtk_window_destroy (GTK_WINDOW (self->revisions_dialog));
      self->revisions_dialog = NULL;
    }

  if (self->brief_list != NULL)
    gtk_list_view_set_model (self->brief_list, NULL);

  if (self->bound_model_key != NULL && self->model_row != NULL)
    g_settings_unbind (self->model_row, "text");
  g_clear_pointer (&self->bound_model_key, g_free);

  gtk_widget_dispose_template (GTK_WIDGET (self), SB_TYPE_BRIEF_PAGE);

  g_clear_object (&self->brief_selection);
  g_clear_object (&self->brief);
  g_clear_object (&self->library);
  g_clear_object (&self->settings);
  g_clear_pointer (&self->reference, sb_media_reference_free);

  G_OBJECT_CLASS (sb_brief_page_parent_class)->dispose (object);
}

static void
sb_brief_page_finalize (GObject *object)
{
  SbBriefPage *self = SB_BRIEF_PAGE (object);

  g_clear_object (&self->cancellable);
  g_clear_object (&self->list_cancellable);
  g_clear_object (&self->run_cancellable);
  g_clear_object (&self->reference_cancellable);
  g_free (self->export_format);
  g_free (self->run_instruction);
  g_string_free (self->progress_text, TRUE);

  G_OBJECT_CLASS (sb_brief_page_parent_class)->finalize (object);
}

static void
sb_brief_page_class_init (SbBriefPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = sb_brief_page_dispose;
  object_class->finalize = sb_brief_page_finalize;

  g_type_ensure (SB_TYPE_BRIEF_EDITOR);

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_BASE "/ui/sb-brief-page.ui");
  gtk_widget_class_bind_template_child (widget_class, SbBriefPage, paned);
  gtk_widget_class_bind_template_child (widget_class, SbBriefPage, search_entry);
  gtk_widget_class_bind_template_child (widget_class, SbBriefPage, sidebar_stack);
  gtk_widget_class_bind_template_child (widget_class, SbBriefPage, sidebar_empty_label);
  gtk_widget_class_bind_template_child (widget_class, SbBriefPage, brief_list);
  gtk_widget_class_bind_template_child (widget_class, SbBriefPage, error_box);
  gtk_widget_class_bind_template_child (widget_class, SbBriefPage, error_icon);
  gtk_widget_class_bind_template_child (widget_class, SbBriefPage, error_title);
  gtk_widget_class_bind_template_child (widget_class, SbBriefPage, error_description);
  gtk_widget_class_bind_template_child (widget_class, SbBriefPage, preferences_button);
  gtk_widget_class_bind_template_child (widget_class, SbBriefPage, retry_button);
  gtk_widget_class_bind_template_child (widget_class, SbBriefPage, model_button);
  gtk_widget_class_bind_template_child (widget_class, SbBriefPage, content_stack);
  gtk_widget_class_bind_template_child (widget_class, SbBriefPage, compose_view);
  gtk_widget_class_bind_template_child (widget_class, SbBriefPage, back_button);
  gtk_widget_class_bind_template_child (widget_class, SbBriefPage, prompt_view);
  gtk_widget_class_bind_template_child (widget_class, SbBriefPage, count_label);
  gtk_widget_class_bind_template_child (widget_class, SbBriefPage, reference_row);
  gtk_widget_class_bind_template_child (widget_class, SbBriefPage, reference_picture);
  gtk_widget_class_bind_template_child (widget_class, SbBriefPage, reference_spinner);
  gtk_widget_class_bind_template_child (widget_class, SbBriefPage, reference_remove_button);
  gtk_widget_class_bind_template_child (widget_class, SbBriefPage, platform_row);
  gtk_widget_class_bind_template_child (widget_class, SbBriefPage, category_row);
  gtk_widget_class_bind_template_child (widget_class, SbBriefPage, duration_spin);
  gtk_widget_class_bind_template_child (widget_class, SbBriefPage, provider_row);
  gtk_widget_class_bind_template_child (widget_class, SbBriefPage, model_row);
  gtk_widget_class_bind_template_child (widget_class, SbBriefPage, offline_label);
  gtk_widget_class_bind_template_child (widget_class, SbBriefPage, notice_label);
  gtk_widget_class_bind_template_child (widget_class, SbBriefPage, status_label);
  gtk_widget_class_bind_template_child (widget_class, SbBriefPage, editor);
  gtk_widget_class_bind_template_child (widget_class, SbBriefPage, refine_entry);
  gtk_widget_class_bind_template_child (widget_class, SbBriefPage, progress_box);
  gtk_widget_class_bind_template_child (widget_class, SbBriefPage, progress_spinner);
  gtk_widget_class_bind_template_child (widget_class, SbBriefPage, progress_label);
  gtk_widget_class_bind_template_child (widget_class, SbBriefPage, scenes_label);
  gtk_widget_class_bind_template_child (widget_class, SbBriefPage, progress_view);
  gtk_widget_class_bind_template_callback (widget_class, on_search_changed);
  gtk_widget_class_bind_template_callback (widget_class, on_refine_entry_activate);
  gtk_widget_class_bind_template_callback (widget_class, on_refine_entry_changed);

  gtk_widget_class_install_action (widget_class, "brief.new", NULL, new_action);
  gtk_widget_class_install_action (widget_class, "brief.generate", NULL, generate_action);
  gtk_widget_class_install_action (widget_class, "brief.refine", NULL, refine_action);
  gtk_widget_class_install_action (widget_class, "brief.cancel", NULL, cancel_action);
  gtk_widget_class_install_action (widget_class, "brief.retry", NULL, retry_action);
  gtk_widget_class_install_action (widget_class, "brief.dismiss-error", NULL, dismiss_error_action);
  gtk_widget_class_install_action (widget_class, "brief.choose-model", NULL, choose_model_action);
  gtk_widget_class_install_action (widget_class, "brief.show-editor", NULL, show_editor_action);
  gtk_widget_class_install_action (widget_class, "brief.choose-reference", NULL, choose_reference_action);
  gtk_widget_class_install_action (widget_class, "brief.remove-reference", NULL, remove_reference_action);
  gtk_widget_class_install_action (widget_class, "brief.revisions", NULL, revisions_action);
  gtk_widget_class_install_action (widget_class, "brief.export", "s", export_action);
  gtk_widget_class_install_action (widget_class, "brief.search", NULL, search_action);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Return, GDK_CONTROL_MASK, "brief.generate", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_n, GDK_CONTROL_MASK, "brief.new", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_f, GDK_CONTROL_MASK, "brief.search", NULL);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "sbbriefpage");
}

static void
sb_brief_page_init (SbBriefPage *self)
{
  GtkListItemFactory *factory;
  GtkDropTarget *drop_target;
  GtkTextBuffer *prompt;

  self->cancellable = g_cancellable_new ();
  self->settings = g_settings_new (APPLICATION_ID);
  self->progress_text = g_string_new (NULL);

  gtk_widget_init_template (GTK_WIDGET (self));

  self->brief_selection = gtk_single_selection_new (NULL);
  gtk_single_selection_set_autoselect (self->brief_selection, FALSE);
  gtk_single_selection_set_can_unselect (self->brief_selection, TRUE);
  g_signal_connect_object (self->brief_selection, "notify::selected-item",
                           G_CALLBACK (on_brief_selected), self, G_CONNECT_SWAPPED);
  factory = gtk_signal_list_item_factory_new ();
  g_signal_connect (factory, "setup", G_CALLBACK (setup_brief_row_cb), self);
  g_signal_connect (factory, "bind", G_CALLBACK (bind_brief_row_cb), self);
  gtk_list_view_set_factory (self->brief_list, factory);
  g_object_unref (factory);
  gtk_list_view_set_model (self->brief_list, GTK_SELECTION_MODEL (self->brief_selection));
  gtk_list_view_set_single_click_activate (self->brief_list, TRUE);

  g_settings_bind_with_mapping (self->settings, "brief-platform", self->platform_row, "selected",
                                G_SETTINGS_BIND_DEFAULT, id_to_selected, selected_to_id,
                                (gpointer) platform_ids, NULL);
  g_settings_bind_with_mapping (self->settings, "brief-category", self->category_row, "selected",
                                G_SETTINGS_BIND_DEFAULT, id_to_selected, selected_to_id,
                                (gpointer) category_ids, NULL);
  g_settings_bind_with_mapping (self->settings, "brief-provider", self->provider_row, "selected",
                                G_SETTINGS_BIND_DEFAULT, id_to_selected, selected_to_id,
                                (gpointer) provider_ids, NULL);
  g_settings_bind (self->settings, "brief-duration", self->duration_spin, "value", G_SETTINGS_BIND_DEFAULT);
  bind_model_row (self);
  g_signal_connect_object (self->provider_row, "notify::selected",
                           G_CALLBACK (on_provider_selected), self, G_CONNECT_SWAPPED);

  prompt = gtk_text_view_get_buffer (self->prompt_view);
  g_signal_connect_object (prompt, "changed", G_CALLBACK (on_prompt_changed), self, G_CONNECT_SWAPPED);
  on_prompt_changed (self, prompt);

  g_object_bind_property (self->editor, "status", self->status_label, "label", G_BINDING_SYNC_CREATE);

  drop_target = gtk_drop_target_new (GDK_TYPE_FILE_LIST, GDK_ACTION_COPY);
  g_signal_connect (drop_target, "drop", G_CALLBACK (on_reference_drop), self);
  g_signal_connect (drop_target, "enter", G_CALLBACK (on_reference_drop_enter), self);
  g_signal_connect (drop_target, "leave", G_CALLBACK (on_reference_drop_leave), self);
  gtk_widget_add_controller (self->compose_view, GTK_EVENT_CONTROLLER (drop_target));

  g_signal_connect_object (g_network_monitor_get_default (), "network-changed",
                           G_CALLBACK (on_network_changed), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (sb_provider_config_get_default (), "changed",
                           G_CALLBACK (on_network_changed), self, G_CONNECT_SWAPPED);

  set_view (self, "compose");
}

void
sb_brief_page_set_library (SbBriefPage *self,
                           SbLibrary   *library)
{
  g_return_if_fail (SB_IS_BRIEF_PAGE (self));
  g_return_if_fail (SB_IS_LIBRARY (library));

  if (self->library == library)
    return;

  g_set_object (&self->library, library);
  sb_brief_editor_set_library (self->editor, library);
  g_signal_connect_object (library, "brief-changed",
                           G_CALLBACK (on_brief_changed), self, G_CONNECT_SWAPPED);
  refresh_briefs (self);
  update_actions (self);
}

GtkTextBuffer *
sb_brief_page_get_prompt_buffer (SbBriefPage *self)
{
  g_return_val_if_fail (SB_IS_BRIEF_PAGE (self), NULL);

  return gtk_text_view_get_buffer (self->prompt_view);
}

GtkEditable *
sb_brief_page_get_refine_editable (SbBriefPage *self)
{
  g_return_val_if_fail (SB_IS_BRIEF_PAGE (self), NULL);

  return GTK_EDITABLE (self->refine_entry);
}

void
sb_brief_page_set_generation (SbBriefPage       *self,
                              SbGenerationQueue *queue,
                              SbReplicateClient *client)
{
  g_return_if_fail (SB_IS_BRIEF_PAGE (self));

  sb_brief_editor_set_generation (self->editor, queue, client, self->settings);
}

static void
brief_got_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(SbBriefPage) self = user_data;
  g_autoptr(SbBrief) brief = NULL;
  g_autoptr(GError) error = NULL;

  brief = sb_library_get_brief_finish (SB_LIBRARY (object), result, &error);
  if (brief == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          g_autofree char *message = g_strdup_printf (_("The brief could not be opened: %s"), error->message);

          show_toast (self, message);
        }
      return;
    }

  open_brief (self, brief);
  select_open_brief (self);
}

void
sb_brief_page_open_brief (SbBriefPage *self,
                          gint64       brief_id)
{
  g_return_if_fail (SB_IS_BRIEF_PAGE (self));
  g_return_if_fail (brief_id > 0);

  if (self->library == NULL)
    return;

  if (self->brief != NULL && sb_brief_get_id (self->brief) == brief_id &&
      sb_brief_editor_get_revision (self->editor) != NULL)
    {
      set_view (self, "editor");
      return;
    }

  sb_library_get_brief_async (self->library, brief_id, self->cancellable,
                              brief_got_cb, g_object_ref (self));
}

SbBriefEditor *
sb_brief_page_get_editor (SbBriefPage *self)
{
  g_return_val_if_fail (SB_IS_BRIEF_PAGE (self), NULL);

  return self->editor;
}

SbBrief *
sb_brief_page_get_brief (SbBriefPage *self)
{
  g_return_val_if_fail (SB_IS_BRIEF_PAGE (self), NULL);

  return self->brief;
}

const char *
sb_brief_page_get_view (SbBriefPage *self)
{
  g_return_val_if_fail (SB_IS_BRIEF_PAGE (self), NULL);

  return gtk_stack_get_visible_child_name (self->content_stack);
}

gboolean
sb_brief_page_is_running (SbBriefPage *self)
{
  g_return_val_if_fail (SB_IS_BRIEF_PAGE (self), FALSE);

  return self->running != RUN_NONE;
}

const char *
sb_brief_page_get_error_title (SbBriefPage *self)
{
  g_return_val_if_fail (SB_IS_BRIEF_PAGE (self), NULL);

  if (!gtk_widget_get_visible (self->error_box))
    return NULL;

  return gtk_label_get_label (self->error_title);
}

const char *
sb_brief_page_get_error_description (SbBriefPage *self)
{
  g_return_val_if_fail (SB_IS_BRIEF_PAGE (self), NULL);

  if (!gtk_widget_get_visible (self->error_box))
    return NULL;

  return gtk_label_get_label (self->error_description);
}

const char *
sb_brief_page_get_notice (SbBriefPage *self)
{
  g_return_val_if_fail (SB_IS_BRIEF_PAGE (self), NULL);

  return gtk_label_get_label (self->notice_label);
}

GListModel *
sb_brief_page_get_briefs (SbBriefPage *self)
{
  g_return_val_if_fail (SB_IS_BRIEF_PAGE (self), NULL);

  return gtk_single_selection_get_model (self->brief_selection);
}

SbRevisionsDialog *
sb_brief_page_get_revisions_dialog (SbBriefPage *self)
{
  g_return_val_if_fail (SB_IS_BRIEF_PAGE (self), NULL);

  return self->revisions_dialog;
}

void
sb_brief_page_export_async (SbBriefPage         *self,
                            GFile               *file,
                            const char          *format,
                            GCancellable        *cancellable,
                            GAsyncReadyCallback  callback,
                            gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  SbBriefRevision *revision;
  g_autoptr(GBytes) bytes = NULL;
  char *text;

  g_return_if_fail (SB_IS_BRIEF_PAGE (self));
  g_return_if_fail (G_IS_FILE (file));
  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, sb_brief_page_export_async);

  revision = sb_brief_editor_get_revision (self->editor);
  if (self->brief == NULL || revision == NULL)
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_NOT_FOUND, _("No brief is open"));
      return;
    }

  /* The text is made here, from what is on screen; the file is written
   * without blocking. */
  if (g_strcmp0 (format, "json") == 0)
    text = sb_brief_export_json (self->brief, revision);
  else
    text = sb_brief_export_markdown (self->brief, revision);

  bytes = g_bytes_new_take (text, strlen (text));
  g_file_replace_contents_bytes_async (file, bytes, NULL, FALSE, G_FILE_CREATE_REPLACE_DESTINATION,
                                       cancellable, export_written_cb, g_steal_pointer (&task));
}

gboolean
sb_brief_page_export_finish (SbBriefPage   *self,
                             GAsyncResult  *result,
                             GError       **error)
{
  g_return_val_if_fail (SB_IS_BRIEF_PAGE (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

void
sb_brief_page_set_reference_file (SbBriefPage *self,
                                  GFile       *file)
{
  g_return_if_fail (SB_IS_BRIEF_PAGE (self));
  g_return_if_fail (file == NULL || G_IS_FILE (file));

  if (file == NULL)
    remove_reference (self);
  else
    load_reference (self, file);
}

gboolean
sb_brief_page_has_reference (SbBriefPage *self)
{
  g_return_val_if_fail (SB_IS_BRIEF_PAGE (self), FALSE);

  return self->reference != NULL;
}

const char *
sb_brief_page_get_reference_summary (SbBriefPage *self)
{
  g_return_val_if_fail (SB_IS_BRIEF_PAGE (self), NULL);

  return adw_action_row_get_subtitle (self->reference_row);
}
