/* sb-brief-editor.c
 *
 * Copyright 2026 The Storyboard authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "sb-brief"

#include "config.h"

#include <glib/gi18n.h>

#include "sb-brief-editor.h"
#include "sb-scene-row.h"

/* Edits are stored after this pause, so typing is saved once, not per key. */
#define AUTOSAVE_DELAY_MS 500

#define MAX_UNDO 100

struct _SbBriefEditor
{
  GtkWidget        parent_instance;

  /* Template widgets */
  GtkWidget       *box;
  AdwEntryRow     *title_row;
  AdwEntryRow     *logline_row;
  AdwEntryRow     *audience_row;
  AdwEntryRow     *tone_row;
  AdwEntryRow     *style_row;
  GtkListView     *scene_view;

  /* Owned */
  SbLibrary       *library;
  SbBriefRevision *revision;
  GtkNoSelection  *selection;
  GPtrArray       *undo_stack;   /* GPtrArray of SbScene snapshots */
  GPtrArray       *redo_stack;
  GPtrArray       *snapshot;     /* the scenes as they are now, for the next undo step */
  char            *status;

  /* Borrowed: the scene and field the last text edit went to, so that
   * typing in one field is one undo step. */
  SbScene         *coalesce_scene;
  const char      *coalesce_field;

  guint            save_source;
  guint            n_saves;
  gboolean         dirty;
  gboolean         saving;
  gboolean         updating;
};

G_DEFINE_FINAL_TYPE (SbBriefEditor, sb_brief_editor, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_STATUS,
  PROP_SAVED,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void save_now (SbBriefEditor *self);

static GListStore *
get_store (SbBriefEditor *self)
{
  return self->revision != NULL ? sb_brief_revision_get_scenes (self->revision) : NULL;
}

static void
set_status (SbBriefEditor *self,
            const char    *status)
{
  if (g_strcmp0 (self->status, status) == 0)
    return;

  g_free (self->status);
  self->status = g_strdup (status);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATUS]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SAVED]);
}

/* Snapshots keep the ids, so restoring one updates the stored scenes
 * instead of replacing them. */
static GPtrArray *
snapshot_scenes (SbBriefEditor *self)
{
  GListStore *store = get_store (self);
  GPtrArray *snapshot = g_ptr_array_new_with_free_func (g_object_unref);
  guint n = store != NULL ? g_list_model_get_n_items (G_LIST_MODEL (store)) : 0;

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(SbScene) scene = g_list_model_get_item (G_LIST_MODEL (store), i);
      SbScene *copy = sb_scene_copy (scene);

      sb_scene_set_id (copy, sb_scene_get_id (scene));
      g_ptr_array_add (snapshot, copy);
    }

  return snapshot;
}

static void
collect_rows (GtkWidget *widget,
              GPtrArray *rows)
{
  if (SB_IS_SCENE_ROW (widget))
    {
      g_ptr_array_add (rows, widget);
      return;
    }

  for (GtkWidget *child = gtk_widget_get_first_child (widget);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    collect_rows (child, rows);
}

static SbSceneRow *
find_row (SbBriefEditor *self,
          SbScene       *scene)
{
  g_autoptr(GPtrArray) rows = g_ptr_array_new ();

  collect_rows (GTK_WIDGET (self->scene_view), rows);
  for (guint i = 0; i < rows->len; i++)
    if (sb_scene_row_get_scene (g_ptr_array_index (rows, i)) == scene)
      return g_ptr_array_index (rows, i);

  return NULL;
}

/* Positions shift on every move, insert and removal, while a row stays
 * bound to its scene: renumber the rows on screen. */
static void
renumber_rows (SbBriefEditor *self)
{
  g_autoptr(GPtrArray) rows = g_ptr_array_new ();
  GListStore *store = get_store (self);
  guint n = store != NULL ? g_list_model_get_n_items (G_LIST_MODEL (store)) : 0;

  collect_rows (GTK_WIDGET (self->scene_view), rows);
  for (guint i = 0; i < rows->len; i++)
    {
      SbSceneRow *row = g_ptr_array_index (rows, i);
      SbScene *scene = sb_scene_row_get_scene (row);
      guint position;

      if (scene != NULL && store != NULL && g_list_store_find (store, scene, &position))
        sb_scene_row_bind (row, scene, position, n);
    }
}

static void
update_undo_actions (SbBriefEditor *self)
{
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "editor.undo", self->undo_stack->len > 0);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "editor.redo", self->redo_stack->len > 0);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "editor.add-scene", self->revision != NULL);
}

/* Autosave */

static void
update_save_status (SbBriefEditor *self)
{
  if (self->dirty || self->saving)
    set_status (self, _("Saving…"));
  else if (self->n_saves > 0)
    set_status (self, _("Saved"));
}

static gboolean
save_timeout_cb (gpointer user_data)
{
  SbBriefEditor *self = user_data;

  self->save_source = 0;
  save_now (self);

  return G_SOURCE_REMOVE;
}

static void
schedule_save (SbBriefEditor *self)
{
  if (self->revision == NULL)
    return;

  self->dirty = TRUE;
  g_clear_handle_id (&self->save_source, g_source_remove);
  self->save_source = g_timeout_add (AUTOSAVE_DELAY_MS, save_timeout_cb, self);
  update_save_status (self);
}

static void
revision_saved_cb (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(SbBriefEditor) self = user_data;
  g_autoptr(GError) error = NULL;

  self->saving = FALSE;

  if (!sb_library_save_revision_finish (SB_LIBRARY (object), result, &error))
    {
      g_autofree char *message = NULL;

      g_warning_once ("A brief could not be saved: %s", error->message);
      if (self->library == NULL)
        return;

      /* Translators: %s says why the brief could not be saved */
      message = g_strdup_printf (_("Not saved: %s"), error->message);
      self->dirty = TRUE;
      set_status (self, message);
      return;
    }

  self->n_saves++;

  /* Disposed meanwhile: what was pending was started by dispose. */
  if (self->library == NULL)
    return;

  if (self->dirty && self->save_source == 0)
    save_now (self);
  update_save_status (self);
}

static void
save_now (SbBriefEditor *self)
{
  g_clear_handle_id (&self->save_source, g_source_remove);

  if (!self->dirty || self->library == NULL || self->revision == NULL)
    return;

  /* One save at a time: the next starts when this one is done. */
  if (self->saving)
    return;

  self->dirty = FALSE;
  self->saving = TRUE;
  /* Not cancelled on close: the last edits must reach the disk. */
  sb_library_save_revision_async (self->library, self->revision, NULL,
                                  revision_saved_cb, g_object_ref (self));
  update_save_status (self);
}

/* Undo */

static void
push_undo (GPtrArray *stack,
           GPtrArray *snapshot)
{
  g_ptr_array_add (stack, snapshot);
  if (stack->len > MAX_UNDO)
    g_ptr_array_remove_index (stack, 0);
}

/* Called after each change to the scenes: the snapshot taken after the
 * previous change becomes an undo step, unless this edit continues typing
 * in the same field of the same scene. */
static void
record_change (SbBriefEditor *self,
               SbScene       *scene,
               const char    *field)
{
  gboolean coalesce = field != NULL &&
                      scene == self->coalesce_scene &&
                      g_strcmp0 (field, self->coalesce_field) == 0;

  if (!coalesce)
    {
      push_undo (self->undo_stack, g_steal_pointer (&self->snapshot));
      g_ptr_array_set_size (self->redo_stack, 0);
    }

  g_clear_pointer (&self->snapshot, g_ptr_array_unref);
  self->snapshot = snapshot_scenes (self);
  self->coalesce_scene = field != NULL ? scene : NULL;
  self->coalesce_field = field != NULL ? g_intern_string (field) : NULL;

  update_undo_actions (self);
  schedule_save (self);
}

static void
restore_snapshot (SbBriefEditor *self,
                  GPtrArray     *snapshot)
{
  GListStore *store = get_store (self);
  g_autoptr(GPtrArray) copies = g_ptr_array_new_with_free_func (g_object_unref);

  for (guint i = 0; i < snapshot->len; i++)
    {
      SbScene *scene = g_ptr_array_index (snapshot, i);
      SbScene *copy = sb_scene_copy (scene);

      sb_scene_set_id (copy, sb_scene_get_id (scene));
      g_ptr_array_add (copies, copy);
    }

  g_list_store_splice (store, 0, g_list_model_get_n_items (G_LIST_MODEL (store)),
                       copies->pdata, copies->len);

  g_clear_pointer (&self->snapshot, g_ptr_array_unref);
  self->snapshot = snapshot_scenes (self);
  self->coalesce_scene = NULL;
  self->coalesce_field = NULL;

  update_undo_actions (self);
  schedule_save (self);
}

static void
undo_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  SbBriefEditor *self = SB_BRIEF_EDITOR (widget);
  gboolean undo = g_str_equal (action_name, "editor.undo");
  GPtrArray *from = undo ? self->undo_stack : self->redo_stack;
  GPtrArray *to = undo ? self->redo_stack : self->undo_stack;
  g_autoptr(GPtrArray) target = NULL;

  if (from->len == 0 || self->revision == NULL)
    return;

  target = g_ptr_array_steal_index (from, from->len - 1);
  push_undo (to, snapshot_scenes (self));
  restore_snapshot (self, target);
}

/* Scene actions */

static void
focus_scene_later (SbBriefEditor *self,
                   SbScene       *scene)
{
  SbSceneRow *row = find_row (self, scene);

  if (row != NULL)
    sb_scene_row_focus_title (row);
}

static void
move_scene (SbBriefEditor *self,
            guint          from,
            guint          to)
{
  GListStore *store = get_store (self);
  guint n = g_list_model_get_n_items (G_LIST_MODEL (store));
  guint first = MIN (from, to);
  guint last = MAX (from, to);
  g_autoptr(GPtrArray) range = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(SbScene) moved = NULL;
  gboolean had_focus;

  if (from >= n || to >= n || from == to)
    return;

  moved = g_list_model_get_item (G_LIST_MODEL (store), from);
  {
    SbSceneRow *row = find_row (self, moved);
    GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
    GtkWidget *focus = root != NULL ? gtk_root_get_focus (root) : NULL;

    had_focus = row != NULL && focus != NULL && gtk_widget_is_ancestor (focus, GTK_WIDGET (row));
  }

  /* One splice over the affected range, so the list view keeps the cards
   * (and the focus) of the scenes that only change place. */
  for (guint i = first; i <= last; i++)
    g_ptr_array_add (range, g_list_model_get_item (G_LIST_MODEL (store), i));
  g_ptr_array_remove_index (range, from - first);
  g_ptr_array_insert (range, to - first, g_object_ref (moved));
  g_list_store_splice (store, first, last - first + 1, range->pdata, range->len);

  renumber_rows (self);
  record_change (self, NULL, NULL);

  if (had_focus)
    focus_scene_later (self, moved);
}

static void
scene_action (GtkWidget  *widget,
              const char *action_name,
              GVariant   *parameter)
{
  SbBriefEditor *self = SB_BRIEF_EDITOR (widget);
  GListStore *store = get_store (self);
  guint n;

  if (store == NULL)
    return;

  n = g_list_model_get_n_items (G_LIST_MODEL (store));

  if (g_str_equal (action_name, "editor.move-scene"))
    {
      guint position;
      int delta;

      g_variant_get (parameter, "(ui)", &position, &delta);
      if (position < n && (int) position + delta >= 0 && (int) position + delta < (int) n)
        move_scene (self, position, position + delta);
    }
  else if (g_str_equal (action_name, "editor.duplicate-scene"))
    {
      guint position = g_variant_get_uint32 (parameter);
      g_autoptr(SbScene) scene = NULL;
      g_autoptr(SbScene) copy = NULL;

      if (position >= n)
        return;
      scene = g_list_model_get_item (G_LIST_MODEL (store), position);
      copy = sb_scene_copy (scene);
      g_list_store_insert (store, position + 1, copy);
      renumber_rows (self);
      record_change (self, NULL, NULL);
    }
  else if (g_str_equal (action_name, "editor.remove-scene"))
    {
      guint position = g_variant_get_uint32 (parameter);

      /* A brief keeps at least one scene. */
      if (position >= n || n <= 1)
        return;
      g_list_store_remove (store, position);
      renumber_rows (self);
      record_change (self, NULL, NULL);
    }
  else if (g_str_equal (action_name, "editor.add-scene"))
    {
      g_autoptr(SbScene) scene = sb_scene_new ();

      sb_scene_set_title (scene, _("New scene"));
      sb_scene_set_duration (scene, 3);
      g_list_store_append (store, scene);
      renumber_rows (self);
      record_change (self, NULL, NULL);
    }
  else if (g_str_equal (action_name, "editor.scene-edited"))
    {
      g_autoptr(SbScene) scene = NULL;
      guint position;
      const char *field;

      g_variant_get (parameter, "(u&s)", &position, &field);
      if (position >= n)
        return;
      scene = g_list_model_get_item (G_LIST_MODEL (store), position);
      record_change (self, scene, field);
    }
}

/* Brief fields: saved, but not part of the scene undo history. */

static void
on_field_changed (SbBriefEditor *self,
                  GtkEditable   *row)
{
  const char *text = gtk_editable_get_text (row);

  if (self->updating || self->revision == NULL)
    return;

  if (row == GTK_EDITABLE (self->title_row))
    sb_brief_revision_set_title (self->revision, text);
  else if (row == GTK_EDITABLE (self->logline_row))
    sb_brief_revision_set_logline (self->revision, text);
  else if (row == GTK_EDITABLE (self->audience_row))
    sb_brief_revision_set_audience (self->revision, text);
  else if (row == GTK_EDITABLE (self->tone_row))
    sb_brief_revision_set_tone (self->revision, text);
  else if (row == GTK_EDITABLE (self->style_row))
    sb_brief_revision_set_visual_style (self->revision, text);

  schedule_save (self);
}

/* Scene list factory */

static void
setup_row_cb (GtkSignalListItemFactory *factory,
              GtkListItem              *list_item,
              SbBriefEditor            *self)
{
  gtk_list_item_set_child (list_item, sb_scene_row_new ());
  gtk_list_item_set_activatable (list_item, FALSE);
  gtk_list_item_set_selectable (list_item, FALSE);
}

static void
bind_row_cb (GtkSignalListItemFactory *factory,
             GtkListItem              *list_item,
             SbBriefEditor            *self)
{
  GListStore *store = get_store (self);

  sb_scene_row_bind (SB_SCENE_ROW (gtk_list_item_get_child (list_item)),
                     gtk_list_item_get_item (list_item),
                     gtk_list_item_get_position (list_item),
                     store != NULL ? g_list_model_get_n_items (G_LIST_MODEL (store)) : 0);
}

static void
unbind_row_cb (GtkSignalListItemFactory *factory,
               GtkListItem              *list_item,
               SbBriefEditor            *self)
{
  sb_scene_row_unbind (SB_SCENE_ROW (gtk_list_item_get_child (list_item)));
}

static void
sb_brief_editor_unmap (GtkWidget *widget)
{
  save_now (SB_BRIEF_EDITOR (widget));

  GTK_WIDGET_CLASS (sb_brief_editor_parent_class)->unmap (widget);
}

static void
sb_brief_editor_dispose (GObject *object)
{
  SbBriefEditor *self = SB_BRIEF_EDITOR (object);

  save_now (self);
  g_clear_handle_id (&self->save_source, g_source_remove);

  if (self->scene_view != NULL)
    gtk_list_view_set_model (self->scene_view, NULL);

  gtk_widget_dispose_template (GTK_WIDGET (self), SB_TYPE_BRIEF_EDITOR);

  g_clear_object (&self->selection);
  g_clear_object (&self->revision);
  g_clear_object (&self->library);

  G_OBJECT_CLASS (sb_brief_editor_parent_class)->dispose (object);
}

static void
sb_brief_editor_finalize (GObject *object)
{
  SbBriefEditor *self = SB_BRIEF_EDITOR (object);

  g_clear_pointer (&self->undo_stack, g_ptr_array_unref);
  g_clear_pointer (&self->redo_stack, g_ptr_array_unref);
  g_clear_pointer (&self->snapshot, g_ptr_array_unref);
  g_free (self->status);

  G_OBJECT_CLASS (sb_brief_editor_parent_class)->finalize (object);
}

static void
sb_brief_editor_get_property (GObject    *object,
                              guint       prop_id,
                              GValue     *value,
                              GParamSpec *pspec)
{
  SbBriefEditor *self = SB_BRIEF_EDITOR (object);

  switch (prop_id)
    {
    case PROP_STATUS:
      g_value_set_string (value, sb_brief_editor_get_status (self));
      break;

    case PROP_SAVED:
      g_value_set_boolean (value, sb_brief_editor_is_saved (self));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sb_brief_editor_class_init (SbBriefEditorClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = sb_brief_editor_dispose;
  object_class->finalize = sb_brief_editor_finalize;
  object_class->get_property = sb_brief_editor_get_property;

  widget_class->unmap = sb_brief_editor_unmap;

  properties[PROP_STATUS] =
    g_param_spec_string ("status", NULL, NULL, "",
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_SAVED] =
    g_param_spec_boolean ("saved", NULL, NULL, TRUE,
                          G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  g_type_ensure (SB_TYPE_SCENE_ROW);

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_BASE "/ui/sb-brief-editor.ui");
  gtk_widget_class_bind_template_child (widget_class, SbBriefEditor, box);
  gtk_widget_class_bind_template_child (widget_class, SbBriefEditor, title_row);
  gtk_widget_class_bind_template_child (widget_class, SbBriefEditor, logline_row);
  gtk_widget_class_bind_template_child (widget_class, SbBriefEditor, audience_row);
  gtk_widget_class_bind_template_child (widget_class, SbBriefEditor, tone_row);
  gtk_widget_class_bind_template_child (widget_class, SbBriefEditor, style_row);
  gtk_widget_class_bind_template_child (widget_class, SbBriefEditor, scene_view);
  gtk_widget_class_bind_template_callback (widget_class, on_field_changed);

  gtk_widget_class_install_action (widget_class, "editor.undo", NULL, undo_action);
  gtk_widget_class_install_action (widget_class, "editor.redo", NULL, undo_action);
  gtk_widget_class_install_action (widget_class, "editor.add-scene", NULL, scene_action);
  gtk_widget_class_install_action (widget_class, "editor.move-scene", "(ui)", scene_action);
  gtk_widget_class_install_action (widget_class, "editor.duplicate-scene", "u", scene_action);
  gtk_widget_class_install_action (widget_class, "editor.remove-scene", "u", scene_action);
  gtk_widget_class_install_action (widget_class, "editor.scene-edited", "(us)", scene_action);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_z, GDK_CONTROL_MASK, "editor.undo", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_z, GDK_CONTROL_MASK | GDK_SHIFT_MASK, "editor.redo", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Z, GDK_CONTROL_MASK | GDK_SHIFT_MASK, "editor.redo", NULL);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "sbbriefeditor");
}

static void
sb_brief_editor_init (SbBriefEditor *self)
{
  GtkListItemFactory *factory;

  self->undo_stack = g_ptr_array_new_with_free_func ((GDestroyNotify) g_ptr_array_unref);
  self->redo_stack = g_ptr_array_new_with_free_func ((GDestroyNotify) g_ptr_array_unref);
  self->status = g_strdup ("");

  gtk_widget_init_template (GTK_WIDGET (self));

  factory = gtk_signal_list_item_factory_new ();
  g_signal_connect (factory, "setup", G_CALLBACK (setup_row_cb), self);
  g_signal_connect (factory, "bind", G_CALLBACK (bind_row_cb), self);
  g_signal_connect (factory, "unbind", G_CALLBACK (unbind_row_cb), self);
  gtk_list_view_set_factory (self->scene_view, factory);
  g_object_unref (factory);

  update_undo_actions (self);
}

GtkWidget *
sb_brief_editor_new (void)
{
  return g_object_new (SB_TYPE_BRIEF_EDITOR, NULL);
}

void
sb_brief_editor_set_library (SbBriefEditor *self,
                             SbLibrary     *library)
{
  g_return_if_fail (SB_IS_BRIEF_EDITOR (self));
  g_return_if_fail (library == NULL || SB_IS_LIBRARY (library));

  g_set_object (&self->library, library);
}

static void
set_row_text (AdwEntryRow *row,
              const char  *text)
{
  gtk_editable_set_text (GTK_EDITABLE (row), text != NULL ? text : "");
}

void
sb_brief_editor_set_revision (SbBriefEditor   *self,
                              SbBriefRevision *revision)
{
  g_return_if_fail (SB_IS_BRIEF_EDITOR (self));
  g_return_if_fail (revision == NULL || SB_IS_BRIEF_REVISION (revision));

  if (revision == self->revision)
    return;

  save_now (self);
  /* Edits of the previous revision are in flight or stored; what comes
   * next belongs to the new one. */
  self->dirty = FALSE;

  g_set_object (&self->revision, revision);

  self->updating = TRUE;
  set_row_text (self->title_row, revision ? sb_brief_revision_get_title (revision) : NULL);
  set_row_text (self->logline_row, revision ? sb_brief_revision_get_logline (revision) : NULL);
  set_row_text (self->audience_row, revision ? sb_brief_revision_get_audience (revision) : NULL);
  set_row_text (self->tone_row, revision ? sb_brief_revision_get_tone (revision) : NULL);
  set_row_text (self->style_row, revision ? sb_brief_revision_get_visual_style (revision) : NULL);
  self->updating = FALSE;

  g_clear_object (&self->selection);
  if (revision != NULL)
    self->selection = gtk_no_selection_new (g_object_ref (G_LIST_MODEL (sb_brief_revision_get_scenes (revision))));
  gtk_list_view_set_model (self->scene_view, GTK_SELECTION_MODEL (self->selection));

  g_ptr_array_set_size (self->undo_stack, 0);
  g_ptr_array_set_size (self->redo_stack, 0);
  g_clear_pointer (&self->snapshot, g_ptr_array_unref);
  self->snapshot = snapshot_scenes (self);
  self->coalesce_scene = NULL;
  self->coalesce_field = NULL;
  update_undo_actions (self);

  if (!self->saving)
    set_status (self, revision != NULL ? _("Saved") : "");
}

SbBriefRevision *
sb_brief_editor_get_revision (SbBriefEditor *self)
{
  g_return_val_if_fail (SB_IS_BRIEF_EDITOR (self), NULL);

  return self->revision;
}

GListModel *
sb_brief_editor_get_scenes (SbBriefEditor *self)
{
  g_return_val_if_fail (SB_IS_BRIEF_EDITOR (self), NULL);

  return self->revision != NULL ? G_LIST_MODEL (sb_brief_revision_get_scenes (self->revision)) : NULL;
}

gboolean
sb_brief_editor_move_scene_to (SbBriefEditor *self,
                               SbScene       *scene,
                               guint          position)
{
  GListStore *store;
  guint from;

  g_return_val_if_fail (SB_IS_BRIEF_EDITOR (self), FALSE);
  g_return_val_if_fail (SB_IS_SCENE (scene), FALSE);

  store = get_store (self);
  if (store == NULL || !g_list_store_find (store, scene, &from) ||
      position >= g_list_model_get_n_items (G_LIST_MODEL (store)))
    return FALSE;

  move_scene (self, from, position);
  return TRUE;
}

void
sb_brief_editor_save_now (SbBriefEditor *self)
{
  g_return_if_fail (SB_IS_BRIEF_EDITOR (self));

  save_now (self);
}

gboolean
sb_brief_editor_is_saved (SbBriefEditor *self)
{
  g_return_val_if_fail (SB_IS_BRIEF_EDITOR (self), FALSE);

  return !self->dirty && !self->saving;
}

const char *
sb_brief_editor_get_status (SbBriefEditor *self)
{
  g_return_val_if_fail (SB_IS_BRIEF_EDITOR (self), NULL);

  return self->status;
}

guint
sb_brief_editor_get_n_saves (SbBriefEditor *self)
{
  g_return_val_if_fail (SB_IS_BRIEF_EDITOR (self), 0);

  return self->n_saves;
}
