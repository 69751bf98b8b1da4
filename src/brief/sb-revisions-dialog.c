/* sb-revisions-dialog.c
 *
 * Copyright 2026 The Storyboard authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "sb-brief"

#include "config.h"

#include <glib/gi18n.h>

#include "sb-brief-generator.h"
#include "sb-provider-config.h"
#include "sb-revisions-dialog.h"

struct _SbRevisionsDialog
{
  AdwWindow           parent_instance;

  /* Template widgets */
  GtkStack           *stack;
  GtkListView        *list_view;
  GtkLabel           *heading_label;
  GtkLabel           *meta_label;
  GtkLabel           *instruction_label;
  GtkLabel           *changes_label;
  GtkButton          *restore_button;

  /* Owned */
  SbLibrary          *library;
  GListStore         *revisions;    /* newest first */
  GtkSingleSelection *selection;
  GCancellable       *cancellable;
  gint64              brief_id;
};

G_DEFINE_FINAL_TYPE (SbRevisionsDialog, sb_revisions_dialog, ADW_TYPE_WINDOW)

enum {
  RESTORE,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static char *
format_date (GDateTime *time)
{
  g_autoptr(GDateTime) local = NULL;

  if (time == NULL)
    return g_strdup ("");

  local = g_date_time_to_local (time);
  /* Translators: a revision's date and time, see g_date_time_format() */
  return g_date_time_format (local, _("%e %b %Y, %H:%M"));
}

static const char *
provider_name (const char *id)
{
  SbProviderKind kind;

  if (id != NULL && sb_provider_kind_from_id (id, &kind))
    return sb_provider_kind_get_name (kind);

  return id;
}

/* Returns a new reference, or NULL for the first revision. */
static SbBriefRevision *
find_parent (SbRevisionsDialog *self,
             SbBriefRevision   *revision,
             guint              position)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->revisions));
  gint64 parent_id = sb_brief_revision_get_parent_id (revision);

  for (guint i = 0; i < n && parent_id != 0; i++)
    {
      g_autoptr(SbBriefRevision) other = g_list_model_get_item (G_LIST_MODEL (self->revisions), i);

      if (sb_brief_revision_get_id (other) == parent_id)
        return g_steal_pointer (&other);
    }

  /* Newest first: the one before is the next in the list. */
  if (position + 1 < n)
    return g_list_model_get_item (G_LIST_MODEL (self->revisions), position + 1);

  return NULL;
}

static void
show_selected (SbRevisionsDialog *self)
{
  SbBriefRevision *revision = gtk_single_selection_get_selected_item (self->selection);
  guint position = gtk_single_selection_get_selected (self->selection);
  g_autofree char *heading = NULL;
  g_autofree char *date = NULL;
  g_autofree char *meta = NULL;
  g_autoptr(GString) changes = g_string_new (NULL);
  g_autoptr(SbBriefRevision) parent = NULL;
  const char *instruction;

  if (revision == NULL)
    {
      gtk_label_set_label (self->heading_label, "");
      gtk_label_set_label (self->meta_label, "");
      gtk_label_set_label (self->instruction_label, "");
      gtk_label_set_label (self->changes_label, "");
      gtk_widget_set_sensitive (GTK_WIDGET (self->restore_button), FALSE);
      return;
    }

  /* Translators: %u is a revision's number */
  heading = g_strdup_printf (_("Revision %u"), sb_brief_revision_get_number (revision));
  gtk_label_set_label (self->heading_label, heading);

  date = format_date (sb_brief_revision_get_created_at (revision));
  if (sb_brief_revision_get_provider (revision) != NULL)
    /* Translators: date, then the provider and the model that wrote the revision */
    meta = g_strdup_printf (_("%s · written by %s (%s)"), date,
                            provider_name (sb_brief_revision_get_provider (revision)),
                            sb_brief_revision_get_model (revision) ? sb_brief_revision_get_model (revision) : "");
  else
    meta = g_strdup (date);
  gtk_label_set_label (self->meta_label, meta);

  instruction = sb_brief_revision_get_instruction (revision);
  if (instruction != NULL && *instruction != '\0')
    {
      /* Translators: %s is the instruction that made a revision */
      g_autofree char *text = g_strdup_printf (_("Asked: “%s”"), instruction);

      gtk_label_set_label (self->instruction_label, text);
    }
  else
    gtk_label_set_label (self->instruction_label, _("The first version, written from the prompt"));

  parent = find_parent (self, revision, position);
  if (parent != NULL)
    {
      g_auto(GStrv) lines = sb_brief_revision_describe_changes (parent, revision);

      for (guint i = 0; lines != NULL && lines[i] != NULL; i++)
        {
          if (changes->len > 0)
            g_string_append_c (changes, '\n');
          g_string_append_printf (changes, "• %s", lines[i]);
        }
      if (changes->len == 0)
        g_string_append (changes, _("Nothing changed"));
    }
  else
    g_string_append (changes, _("Nothing before it to compare with"));
  gtk_label_set_label (self->changes_label, changes->str);

  /* The newest is the one being edited already. */
  gtk_widget_set_sensitive (GTK_WIDGET (self->restore_button), position != 0);
}

static void
on_selection_changed (SbRevisionsDialog *self)
{
  show_selected (self);
}

/* Rows */

static void
setup_row_cb (GtkSignalListItemFactory *factory,
              GtkListItem              *list_item,
              SbRevisionsDialog        *self)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 3);
  GtkWidget *title = gtk_label_new (NULL);
  GtkWidget *subtitle = gtk_label_new (NULL);

  gtk_widget_set_margin_top (box, 9);
  gtk_widget_set_margin_bottom (box, 9);
  gtk_widget_set_margin_start (box, 12);
  gtk_widget_set_margin_end (box, 12);
  gtk_label_set_xalign (GTK_LABEL (title), 0);
  gtk_label_set_xalign (GTK_LABEL (subtitle), 0);
  gtk_label_set_ellipsize (GTK_LABEL (subtitle), PANGO_ELLIPSIZE_END);
  gtk_widget_add_css_class (title, "heading");
  gtk_widget_add_css_class (subtitle, "dim-label");
  gtk_widget_add_css_class (subtitle, "caption");
  gtk_box_append (GTK_BOX (box), title);
  gtk_box_append (GTK_BOX (box), subtitle);
  gtk_list_item_set_child (list_item, box);
}

static void
bind_row_cb (GtkSignalListItemFactory *factory,
             GtkListItem              *list_item,
             SbRevisionsDialog        *self)
{
  SbBriefRevision *revision = gtk_list_item_get_item (list_item);
  GtkWidget *box = gtk_list_item_get_child (list_item);
  GtkWidget *title = gtk_widget_get_first_child (box);
  GtkWidget *subtitle = gtk_widget_get_next_sibling (title);
  const char *instruction = sb_brief_revision_get_instruction (revision);
  g_autofree char *heading = NULL;
  g_autofree char *date = format_date (sb_brief_revision_get_created_at (revision));
  g_autofree char *detail = NULL;
  g_autofree char *accessible = NULL;

  /* Translators: %u is a revision's number */
  heading = g_strdup_printf (_("Revision %u"), sb_brief_revision_get_number (revision));
  if (instruction != NULL && *instruction != '\0')
    detail = g_strdup_printf ("%s — %s", date, instruction);
  else
    detail = g_strdup (date);

  gtk_label_set_label (GTK_LABEL (title), heading);
  gtk_label_set_label (GTK_LABEL (subtitle), detail);

  accessible = g_strdup_printf ("%s, %s", heading, detail);
  gtk_accessible_update_property (GTK_ACCESSIBLE (box),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, accessible,
                                  -1);
}

/* Loading */

static void
revisions_listed_cb (GObject      *object,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  g_autoptr(SbRevisionsDialog) self = user_data;
  g_autoptr(GListModel) revisions = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) newest_first = g_ptr_array_new_with_free_func (g_object_unref);
  guint n;

  revisions = sb_library_list_revisions_finish (SB_LIBRARY (object), result, &error);
  if (revisions == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          gtk_label_set_label (self->heading_label, _("The revisions could not be read"));
          gtk_label_set_label (self->meta_label, error->message);
          gtk_stack_set_visible_child_name (self->stack, "list");
        }
      return;
    }

  n = g_list_model_get_n_items (revisions);
  for (guint i = n; i > 0; i--)
    g_ptr_array_add (newest_first, g_list_model_get_item (revisions, i - 1));

  g_list_store_splice (self->revisions, 0,
                       g_list_model_get_n_items (G_LIST_MODEL (self->revisions)),
                       newest_first->pdata, newest_first->len);
  gtk_single_selection_set_selected (self->selection, 0);
  show_selected (self);
  gtk_stack_set_visible_child_name (self->stack, "list");
}

static void
reload (SbRevisionsDialog *self)
{
  sb_library_list_revisions_async (self->library, self->brief_id, self->cancellable,
                                   revisions_listed_cb, g_object_ref (self));
}

static void
on_brief_changed (SbRevisionsDialog *self,
                  gint64             brief_id,
                  SbLibrary         *library)
{
  if (brief_id == self->brief_id)
    reload (self);
}

static void
restore_action (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  SbRevisionsDialog *self = SB_REVISIONS_DIALOG (widget);
  SbBriefRevision *revision = gtk_single_selection_get_selected_item (self->selection);

  if (revision != NULL && gtk_single_selection_get_selected (self->selection) != 0)
    g_signal_emit (self, signals[RESTORE], 0, revision);
}

static void
sb_revisions_dialog_dispose (GObject *object)
{
  SbRevisionsDialog *self = SB_REVISIONS_DIALOG (object);

  g_cancellable_cancel (self->cancellable);

  if (self->list_view != NULL)
    gtk_list_view_set_model (self->list_view, NULL);

  gtk_widget_dispose_template (GTK_WIDGET (self), SB_TYPE_REVISIONS_DIALOG);

  g_clear_object (&self->selection);
  g_clear_object (&self->revisions);
  g_clear_object (&self->library);

  G_OBJECT_CLASS (sb_revisions_dialog_parent_class)->dispose (object);
}

static void
sb_revisions_dialog_finalize (GObject *object)
{
  SbRevisionsDialog *self = SB_REVISIONS_DIALOG (object);

  g_clear_object (&self->cancellable);

  G_OBJECT_CLASS (sb_revisions_dialog_parent_class)->finalize (object);
}

static void
sb_revisions_dialog_class_init (SbRevisionsDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = sb_revisions_dialog_dispose;
  object_class->finalize = sb_revisions_dialog_finalize;

  /**
   * SbRevisionsDialog::restore:
   * @revision: the revision to go back to
   */
  signals[RESTORE] =
    g_signal_new ("restore",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, SB_TYPE_BRIEF_REVISION);

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_BASE "/ui/sb-revisions-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, SbRevisionsDialog, stack);
  gtk_widget_class_bind_template_child (widget_class, SbRevisionsDialog, list_view);
  gtk_widget_class_bind_template_child (widget_class, SbRevisionsDialog, heading_label);
  gtk_widget_class_bind_template_child (widget_class, SbRevisionsDialog, meta_label);
  gtk_widget_class_bind_template_child (widget_class, SbRevisionsDialog, instruction_label);
  gtk_widget_class_bind_template_child (widget_class, SbRevisionsDialog, changes_label);
  gtk_widget_class_bind_template_child (widget_class, SbRevisionsDialog, restore_button);

  gtk_widget_class_install_action (widget_class, "revisions.restore", NULL, restore_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
sb_revisions_dialog_init (SbRevisionsDialog *self)
{
  GtkListItemFactory *factory;

  self->cancellable = g_cancellable_new ();
  self->revisions = g_list_store_new (SB_TYPE_BRIEF_REVISION);

  gtk_widget_init_template (GTK_WIDGET (self));

  self->selection = gtk_single_selection_new (g_object_ref (G_LIST_MODEL (self->revisions)));
  gtk_single_selection_set_autoselect (self->selection, TRUE);
  g_signal_connect_object (self->selection, "notify::selected",
                           G_CALLBACK (on_selection_changed), self, G_CONNECT_SWAPPED);

  factory = gtk_signal_list_item_factory_new ();
  g_signal_connect (factory, "setup", G_CALLBACK (setup_row_cb), self);
  g_signal_connect (factory, "bind", G_CALLBACK (bind_row_cb), self);
  gtk_list_view_set_factory (self->list_view, factory);
  g_object_unref (factory);
  gtk_list_view_set_model (self->list_view, GTK_SELECTION_MODEL (self->selection));
}

SbRevisionsDialog *
sb_revisions_dialog_new (GtkWindow *parent,
                         SbLibrary *library,
                         gint64     brief_id)
{
  SbRevisionsDialog *self;

  g_return_val_if_fail (parent == NULL || GTK_IS_WINDOW (parent), NULL);
  g_return_val_if_fail (SB_IS_LIBRARY (library), NULL);
  g_return_val_if_fail (brief_id > 0, NULL);

  self = g_object_new (SB_TYPE_REVISIONS_DIALOG,
                       "transient-for", parent,
                       "modal", TRUE,
                       NULL);
  self->library = g_object_ref (library);
  self->brief_id = brief_id;

  g_signal_connect_object (library, "brief-changed",
                           G_CALLBACK (on_brief_changed), self,
                           G_CONNECT_SWAPPED);
  reload (self);

  return self;
}

GListModel *
sb_revisions_dialog_get_model (SbRevisionsDialog *self)
{
  g_return_val_if_fail (SB_IS_REVISIONS_DIALOG (self), NULL);

  if (g_strcmp0 (gtk_stack_get_visible_child_name (self->stack), "list") != 0)
    return NULL;

  return G_LIST_MODEL (self->revisions);
}

const char *
sb_revisions_dialog_get_changes (SbRevisionsDialog *self)
{
  g_return_val_if_fail (SB_IS_REVISIONS_DIALOG (self), NULL);

  return gtk_label_get_label (self->changes_label);
}

void
sb_revisions_dialog_select (SbRevisionsDialog *self,
                            guint              position)
{
  g_return_if_fail (SB_IS_REVISIONS_DIALOG (self));

  gtk_single_selection_set_selected (self->selection, position);
}
