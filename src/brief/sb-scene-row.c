/* sb-scene-row.c
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

struct _SbSceneRow
{
  GtkWidget       parent_instance;

  /* Template widgets */
  GtkWidget      *card;
  GtkLabel       *number_label;
  GtkEntry       *title_entry;
  GtkSpinButton  *duration_spin;
  GtkWidget      *drag_handle;
  GtkTextView    *description_view;
  GtkTextView    *prompt_view;
  GtkEntry       *notes_entry;

  /* Owned */
  SbScene        *scene;

  guint           position;
  guint           n_scenes;
  gboolean        updating;
};

G_DEFINE_FINAL_TYPE (SbSceneRow, sb_scene_row, GTK_TYPE_WIDGET)

static void
update_labels (SbSceneRow *self)
{
  g_autofree char *number = NULL;
  g_autofree char *accessible = NULL;
  g_autofree char *field = NULL;
  const char *title = self->scene != NULL ? sb_scene_get_title (self->scene) : NULL;

  /* Translators: %u is the scene's number */
  number = g_strdup_printf (_("Scene %u"), self->position + 1);
  gtk_label_set_label (self->number_label, number);

  /* Translators: the accessible name of a scene card: "Scene 3: At the beach" */
  accessible = g_strdup_printf (_("Scene %u: %s"), self->position + 1, title != NULL ? title : "");
  gtk_accessible_update_property (GTK_ACCESSIBLE (self),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, accessible,
                                  -1);

  /* Translators: %u is the scene's number */
  field = g_strdup_printf (_("Title of scene %u"), self->position + 1);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->title_entry),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, field,
                                  -1);

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "scene.move-up", self->scene != NULL && self->position > 0);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "scene.move-down",
                                 self->scene != NULL && self->position + 1 < self->n_scenes);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "scene.remove", self->scene != NULL && self->n_scenes > 1);
}

static void
report_edit (SbSceneRow *self,
             const char *field)
{
  gtk_widget_activate_action (GTK_WIDGET (self), "editor.scene-edited", "(us)",
                              self->position, field);
}

static char *
buffer_dup_text (GtkTextBuffer *buffer)
{
  GtkTextIter start, end;

  gtk_text_buffer_get_bounds (buffer, &start, &end);
  return gtk_text_buffer_get_text (buffer, &start, &end, FALSE);
}

static void
on_title_changed (SbSceneRow *self,
                  GtkEditable *editable)
{
  if (self->updating || self->scene == NULL)
    return;

  sb_scene_set_title (self->scene, gtk_editable_get_text (editable));
  update_labels (self);
  report_edit (self, "title");
}

static void
on_notes_changed (SbSceneRow  *self,
                  GtkEditable *editable)
{
  if (self->updating || self->scene == NULL)
    return;

  sb_scene_set_shot_notes (self->scene, gtk_editable_get_text (editable));
  report_edit (self, "shot-notes");
}

static void
on_duration_changed (SbSceneRow    *self,
                     GtkSpinButton *spin)
{
  if (self->updating || self->scene == NULL)
    return;

  sb_scene_set_duration (self->scene, gtk_spin_button_get_value (spin));
  report_edit (self, "duration");
}

static void
on_description_changed (SbSceneRow    *self,
                        GtkTextBuffer *buffer)
{
  g_autofree char *text = NULL;

  if (self->updating || self->scene == NULL)
    return;

  text = buffer_dup_text (buffer);
  sb_scene_set_description (self->scene, text);
  report_edit (self, "description");
}

static void
on_prompt_changed (SbSceneRow    *self,
                   GtkTextBuffer *buffer)
{
  g_autofree char *text = NULL;

  if (self->updating || self->scene == NULL)
    return;

  text = buffer_dup_text (buffer);
  sb_scene_set_generation_prompt (self->scene, text);
  report_edit (self, "generation-prompt");
}

/* Actions: forwarded to the editor with this row's position. */

static void
scene_action (GtkWidget  *widget,
              const char *action_name,
              GVariant   *parameter)
{
  SbSceneRow *self = SB_SCENE_ROW (widget);

  if (self->scene == NULL)
    return;

  if (g_str_equal (action_name, "scene.move-up"))
    gtk_widget_activate_action (widget, "editor.move-scene", "(ui)", self->position, -1);
  else if (g_str_equal (action_name, "scene.move-down"))
    gtk_widget_activate_action (widget, "editor.move-scene", "(ui)", self->position, 1);
  else if (g_str_equal (action_name, "scene.duplicate"))
    gtk_widget_activate_action (widget, "editor.duplicate-scene", "u", self->position);
  else if (g_str_equal (action_name, "scene.remove"))
    gtk_widget_activate_action (widget, "editor.remove-scene", "u", self->position);
}

/* Drag and drop: the card carries its scene; dropping one card on another
 * moves the dragged scene to the target's place. */

static GdkContentProvider *
on_drag_prepare (SbSceneRow    *self,
                 double         x,
                 double         y,
                 GtkDragSource *source)
{
  if (self->scene == NULL)
    return NULL;

  return gdk_content_provider_new_typed (SB_TYPE_SCENE, self->scene);
}

static void
on_drag_begin (SbSceneRow    *self,
               GdkDrag       *drag,
               GtkDragSource *source)
{
  g_autoptr(GdkPaintable) paintable = gtk_widget_paintable_new (self->card);

  gtk_drag_source_set_icon (source, paintable, 0, 0);
  gtk_widget_add_css_class (GTK_WIDGET (self), "dragged");
}

static void
on_drag_end (SbSceneRow    *self,
             GdkDrag       *drag,
             gboolean       delete_data,
             GtkDragSource *source)
{
  gtk_widget_remove_css_class (GTK_WIDGET (self), "dragged");
}

static gboolean
on_drop (GtkDropTarget *target,
         const GValue  *value,
         double         x,
         double         y,
         SbSceneRow    *self)
{
  SbScene *scene = g_value_get_object (value);
  GtkWidget *editor = gtk_widget_get_ancestor (GTK_WIDGET (self), SB_TYPE_BRIEF_EDITOR);

  gtk_widget_remove_css_class (GTK_WIDGET (self), "drop-target-active");

  if (editor == NULL || scene == NULL || self->scene == NULL || scene == self->scene)
    return FALSE;

  return sb_brief_editor_move_scene_to (SB_BRIEF_EDITOR (editor), scene, self->position);
}

static GdkDragAction
on_drop_enter (GtkDropTarget *target,
               double         x,
               double         y,
               SbSceneRow    *self)
{
  gtk_widget_add_css_class (GTK_WIDGET (self), "drop-target-active");
  return GDK_ACTION_MOVE;
}

static void
on_drop_leave (GtkDropTarget *target,
               SbSceneRow    *self)
{
  gtk_widget_remove_css_class (GTK_WIDGET (self), "drop-target-active");
}

static void
sb_scene_row_dispose (GObject *object)
{
  SbSceneRow *self = SB_SCENE_ROW (object);

  g_clear_object (&self->scene);
  gtk_widget_dispose_template (GTK_WIDGET (self), SB_TYPE_SCENE_ROW);

  G_OBJECT_CLASS (sb_scene_row_parent_class)->dispose (object);
}

static void
sb_scene_row_class_init (SbSceneRowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = sb_scene_row_dispose;

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_BASE "/ui/sb-scene-row.ui");
  gtk_widget_class_bind_template_child (widget_class, SbSceneRow, card);
  gtk_widget_class_bind_template_child (widget_class, SbSceneRow, number_label);
  gtk_widget_class_bind_template_child (widget_class, SbSceneRow, title_entry);
  gtk_widget_class_bind_template_child (widget_class, SbSceneRow, duration_spin);
  gtk_widget_class_bind_template_child (widget_class, SbSceneRow, drag_handle);
  gtk_widget_class_bind_template_child (widget_class, SbSceneRow, description_view);
  gtk_widget_class_bind_template_child (widget_class, SbSceneRow, prompt_view);
  gtk_widget_class_bind_template_child (widget_class, SbSceneRow, notes_entry);
  gtk_widget_class_bind_template_callback (widget_class, on_title_changed);
  gtk_widget_class_bind_template_callback (widget_class, on_notes_changed);
  gtk_widget_class_bind_template_callback (widget_class, on_duration_changed);

  gtk_widget_class_install_action (widget_class, "scene.move-up", NULL, scene_action);
  gtk_widget_class_install_action (widget_class, "scene.move-down", NULL, scene_action);
  gtk_widget_class_install_action (widget_class, "scene.duplicate", NULL, scene_action);
  gtk_widget_class_install_action (widget_class, "scene.remove", NULL, scene_action);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Up, GDK_ALT_MASK, "scene.move-up", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_KP_Up, GDK_ALT_MASK, "scene.move-up", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Down, GDK_ALT_MASK, "scene.move-down", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_KP_Down, GDK_ALT_MASK, "scene.move-down", NULL);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "sbscenerow");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_GROUP);
}

static void
sb_scene_row_init (SbSceneRow *self)
{
  GtkDragSource *source;
  GtkDropTarget *target;

  gtk_widget_init_template (GTK_WIDGET (self));

  /* The editor keeps its own undo history of scene edits, so Ctrl+Z in a
   * field reaches it instead of the field's own. */
  gtk_editable_set_enable_undo (GTK_EDITABLE (self->title_entry), FALSE);
  gtk_editable_set_enable_undo (GTK_EDITABLE (self->notes_entry), FALSE);
  gtk_text_buffer_set_enable_undo (gtk_text_view_get_buffer (self->description_view), FALSE);
  gtk_text_buffer_set_enable_undo (gtk_text_view_get_buffer (self->prompt_view), FALSE);

  g_signal_connect_object (gtk_text_view_get_buffer (self->description_view), "changed",
                           G_CALLBACK (on_description_changed), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (gtk_text_view_get_buffer (self->prompt_view), "changed",
                           G_CALLBACK (on_prompt_changed), self, G_CONNECT_SWAPPED);

  source = gtk_drag_source_new ();
  gtk_drag_source_set_actions (source, GDK_ACTION_MOVE);
  g_signal_connect_swapped (source, "prepare", G_CALLBACK (on_drag_prepare), self);
  g_signal_connect_swapped (source, "drag-begin", G_CALLBACK (on_drag_begin), self);
  g_signal_connect_swapped (source, "drag-end", G_CALLBACK (on_drag_end), self);
  gtk_widget_add_controller (self->drag_handle, GTK_EVENT_CONTROLLER (source));

  target = gtk_drop_target_new (SB_TYPE_SCENE, GDK_ACTION_MOVE);
  g_signal_connect (target, "drop", G_CALLBACK (on_drop), self);
  g_signal_connect (target, "enter", G_CALLBACK (on_drop_enter), self);
  g_signal_connect (target, "leave", G_CALLBACK (on_drop_leave), self);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (target));

  update_labels (self);
}

GtkWidget *
sb_scene_row_new (void)
{
  return g_object_new (SB_TYPE_SCENE_ROW, NULL);
}

static void
set_buffer_text (GtkTextView *view,
                 const char  *text)
{
  gtk_text_buffer_set_text (gtk_text_view_get_buffer (view), text != NULL ? text : "", -1);
}

void
sb_scene_row_bind (SbSceneRow *self,
                   SbScene    *scene,
                   guint       position,
                   guint       n_scenes)
{
  g_return_if_fail (SB_IS_SCENE_ROW (self));
  g_return_if_fail (scene == NULL || SB_IS_SCENE (scene));

  self->position = position;
  self->n_scenes = n_scenes;

  if (scene != self->scene)
    {
      g_set_object (&self->scene, scene);

      self->updating = TRUE;
      gtk_editable_set_text (GTK_EDITABLE (self->title_entry),
                             scene != NULL && sb_scene_get_title (scene) != NULL ? sb_scene_get_title (scene) : "");
      gtk_editable_set_text (GTK_EDITABLE (self->notes_entry),
                             scene != NULL && sb_scene_get_shot_notes (scene) != NULL ? sb_scene_get_shot_notes (scene) : "");
      gtk_spin_button_set_value (self->duration_spin, scene != NULL ? sb_scene_get_duration (scene) : 0);
      set_buffer_text (self->description_view, scene != NULL ? sb_scene_get_description (scene) : NULL);
      set_buffer_text (self->prompt_view, scene != NULL ? sb_scene_get_generation_prompt (scene) : NULL);
      self->updating = FALSE;
    }

  update_labels (self);
}

void
sb_scene_row_unbind (SbSceneRow *self)
{
  g_return_if_fail (SB_IS_SCENE_ROW (self));

  sb_scene_row_bind (self, NULL, 0, 0);
}

SbScene *
sb_scene_row_get_scene (SbSceneRow *self)
{
  g_return_val_if_fail (SB_IS_SCENE_ROW (self), NULL);

  return self->scene;
}

guint
sb_scene_row_get_position (SbSceneRow *self)
{
  g_return_val_if_fail (SB_IS_SCENE_ROW (self), 0);

  return self->position;
}

GtkEditable *
sb_scene_row_get_title_editable (SbSceneRow *self)
{
  g_return_val_if_fail (SB_IS_SCENE_ROW (self), NULL);

  return GTK_EDITABLE (self->title_entry);
}

void
sb_scene_row_focus_title (SbSceneRow *self)
{
  g_return_if_fail (SB_IS_SCENE_ROW (self));

  gtk_widget_grab_focus (GTK_WIDGET (self->title_entry));
}
