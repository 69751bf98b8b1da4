/* sb-param-form.c
 *
 * Copyright 2026 The Storyboard authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "sb-brief"

#include "config.h"

#include <glib/gi18n.h>
#include <math.h>

#include "sb-param-form.h"

/* With more inputs than this, the optional ones after the first few go
 * under "More Options". */
#define MAX_VISIBLE_ROWS   12
#define FIRST_OPTIONAL     8
#define SPIN_UNBOUNDED     1e9

typedef enum
{
  FIELD_SPIN,
  FIELD_COMBO,
  FIELD_SWITCH,
  FIELD_ENTRY,     /* text, and numbers that may stay empty */
  FIELD_TEXT,      /* the multi-line prompt */
  FIELD_FILE,
  FIELD_LIST,      /* comma-separated values or a JSON array */
  FIELD_JSON,      /* objects and inputs of unknown type */
} FieldKind;

typedef struct
{
  SbModelParam *param;
  FieldKind     kind;
  GtkWidget    *row;        /* an AdwPreferencesRow */
  GtkWidget    *widget;     /* what edits the value */
  GtkWidget    *clear_button;
  GtkWidget    *error_label; /* FIELD_TEXT only */
  GtkFileChooserNative *chooser;
  GFile        *file;
  char         *title;      /* as shown, with " *" when required */
  char         *subtitle;   /* the description, restored when an error goes */
  char         *error;
  char         *provided;   /* filled in by the caller: says by what */
  gboolean      has_unset;  /* a combo whose first entry means "not set" */
} Field;

struct _SbParamForm
{
  AdwPreferencesGroup  parent_instance;

  /* Owned */
  GPtrArray           *params;
  GPtrArray           *fields;   /* Field, in the params' order */
  GHashTable          *by_name;  /* name -> Field (borrowed) */
  AdwExpanderRow      *more_row;
  guint                syncing : 1;
};

G_DEFINE_FINAL_TYPE (SbParamForm, sb_param_form, ADW_TYPE_PREFERENCES_GROUP)

static void
field_free (Field *field)
{
  if (field->chooser != NULL)
    {
      gtk_native_dialog_destroy (GTK_NATIVE_DIALOG (field->chooser));
      g_clear_object (&field->chooser);
    }
  g_clear_pointer (&field->param, sb_model_param_unref);
  g_clear_object (&field->file);
  g_free (field->title);
  g_free (field->subtitle);
  g_free (field->error);
  g_free (field->provided);
  g_free (field);
}

/* ---- Values ------------------------------------------------------------- */

static char *
node_to_text (JsonNode *node)
{
  GType type;

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node))
    return NULL;

  type = json_node_get_value_type (node);
  if (type == G_TYPE_STRING)
    return g_strdup (json_node_get_string (node));
  if (type == G_TYPE_INT64)
    return g_strdup_printf ("%" G_GINT64_FORMAT, json_node_get_int (node));
  if (type == G_TYPE_DOUBLE)
    {
      char buf[G_ASCII_DTOSTR_BUF_SIZE];

      return g_strdup (g_ascii_dtostr (buf, sizeof buf, json_node_get_double (node)));
    }
  if (type == G_TYPE_BOOLEAN)
    return g_strdup (json_node_get_boolean (node) ? "true" : "false");

  return NULL;
}

static gboolean
node_get_number (JsonNode *node,
                 double   *out)
{
  GType type;

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node))
    return FALSE;

  type = json_node_get_value_type (node);
  if (type == G_TYPE_INT64)
    *out = json_node_get_int (node);
  else if (type == G_TYPE_DOUBLE)
    *out = json_node_get_double (node);
  else
    return FALSE;

  return TRUE;
}

static gboolean
nodes_equal (JsonNode *a,
             JsonNode *b)
{
  double x, y;

  if (node_get_number (a, &x) && node_get_number (b, &y))
    return x == y;

  return json_node_equal (a, b);
}

/* The decimals a number needs to show @value (at least 2, at most 6). */
static guint
digits_for (double value)
{
  for (guint digits = 2; digits < 6; digits++)
    {
      double scaled = value * pow (10, digits);

      if (fabs (scaled - round (scaled)) < 1e-6)
        return digits;
    }

  return 6;
}

/* A spin button's text as a C-locale number: GtkSpinButton prints with
 * the locale's decimal separator. */
static char *
spin_text (Field *field)
{
  g_autofree char *text = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (field->widget))));
  char *end = NULL;

  g_ascii_strtod (text, &end);
  if (*text != '\0' && end != NULL && *end != '\0')
    g_strdelimit (text, ",", '.');

  return g_steal_pointer (&text);
}

/* The field's value as text, or NULL when it is not set. */
static char *
field_dup_text (Field *field)
{
  switch (field->kind)
    {
    case FIELD_SPIN:
      return spin_text (field);

    case FIELD_COMBO:
      {
        guint selected = adw_combo_row_get_selected (ADW_COMBO_ROW (field->row));

        if (selected == GTK_INVALID_LIST_POSITION || (field->has_unset && selected == 0))
          return NULL;
        selected -= field->has_unset ? 1 : 0;
        if (field->param->choices == NULL || selected >= g_strv_length (field->param->choices))
          return NULL;
        return g_strdup (field->param->choices[selected]);
      }

    case FIELD_SWITCH:
      return g_strdup (gtk_switch_get_active (GTK_SWITCH (field->widget)) ? "true" : "false");

    case FIELD_TEXT:
      {
        GtkTextBuffer *buffer = gtk_text_view_get_buffer (GTK_TEXT_VIEW (field->widget));
        GtkTextIter start, end;
        g_autofree char *text = NULL;
        g_autofree char *stripped = NULL;

        gtk_text_buffer_get_bounds (buffer, &start, &end);
        text = gtk_text_buffer_get_text (buffer, &start, &end, FALSE);
        stripped = g_strstrip (g_strdup (text));
        return *stripped != '\0' ? g_steal_pointer (&text) : NULL;
      }

    case FIELD_ENTRY:
    case FIELD_LIST:
    case FIELD_JSON:
      {
        const char *text = gtk_editable_get_text (GTK_EDITABLE (field->row));
        g_autofree char *stripped = g_strstrip (g_strdup (text));

        if (*stripped == '\0')
          return NULL;
        /* Numbers never keep stray spaces; free text is sent as typed. */
        return field->param->type == SB_MODEL_PARAM_STRING ? g_strdup (text) : g_steal_pointer (&stripped);
      }

    case FIELD_FILE:
    default:
      return NULL;
    }
}

static JsonNode *
list_from_text (Field       *field,
                const char  *text,
                char       **out_message)
{
  g_autoptr(JsonArray) array = NULL;
  g_auto(GStrv) parts = NULL;

  if (text[0] == '[')
    {
      g_autoptr(JsonNode) node = json_from_string (text, NULL);

      if (node == NULL || !JSON_NODE_HOLDS_ARRAY (node))
        {
          *out_message = g_strdup (_("Must be a list such as [1, 2] or values separated by commas."));
          return NULL;
        }
      return g_steal_pointer (&node);
    }

  array = json_array_new ();
  parts = g_strsplit (text, ",", -1);
  for (guint i = 0; parts[i] != NULL; i++)
    {
      char *part = g_strstrip (parts[i]);
      char *end = NULL;

      if (*part == '\0')
        continue;

      switch (field->param->item_type)
        {
        case SB_MODEL_PARAM_INTEGER:
          {
            gint64 value = g_ascii_strtoll (part, &end, 10);

            if (*end != '\0')
              {
                *out_message = g_strdup (_("Must be whole numbers separated by commas."));
                return NULL;
              }
            json_array_add_int_element (array, value);
          }
          break;

        case SB_MODEL_PARAM_NUMBER:
          {
            double value = g_ascii_strtod (part, &end);

            if (*end != '\0')
              {
                *out_message = g_strdup (_("Must be numbers separated by commas."));
                return NULL;
              }
            json_array_add_double_element (array, value);
          }
          break;

        case SB_MODEL_PARAM_BOOLEAN:
          if (g_str_equal (part, "true") || g_str_equal (part, "false"))
            json_array_add_boolean_element (array, g_str_equal (part, "true"));
          else
            {
              *out_message = g_strdup (_("Must be true or false, separated by commas."));
              return NULL;
            }
          break;

        default:
          json_array_add_string_element (array, part);
          break;
        }
    }

  return json_node_init_array (json_node_alloc (), array);
}

/* The JSON value of @field, NULL when it is not set or on error. */
static JsonNode *
field_build_value (Field  *field,
                   char  **out_message)
{
  g_autofree char *text = field_dup_text (field);

  *out_message = NULL;
  if (text == NULL)
    return NULL;

  if (field->kind == FIELD_LIST)
    return list_from_text (field, text, out_message);

  if (field->kind == FIELD_JSON)
    {
      g_autoptr(JsonNode) node = json_from_string (text, NULL);

      if (node == NULL)
        {
          /* Plain text is a string value. */
          return json_node_init_string (json_node_alloc (), text);
        }
      return g_steal_pointer (&node);
    }

  return sb_model_param_value_from_text (field->param, text, out_message);
}

/* ---- Errors ------------------------------------------------------------- */

static void
field_set_error (SbParamForm *self,
                 Field       *field,
                 const char  *message)
{
  if (g_strcmp0 (field->error, message) == 0)
    return;

  g_free (field->error);
  field->error = g_strdup (message);

  if (message != NULL)
    gtk_widget_add_css_class (field->row, "error");
  else
    gtk_widget_remove_css_class (field->row, "error");

  switch (field->kind)
    {
    case FIELD_ENTRY:
    case FIELD_LIST:
    case FIELD_JSON:
      {
        /* Entry rows have no subtitle: the title carries the message. */
        g_autofree char *title = NULL;

        if (message != NULL)
          /* Translators: an input's title, then what is wrong with its value */
          title = g_strdup_printf (_("%s: %s"), field->title, message);
        adw_preferences_row_set_title (ADW_PREFERENCES_ROW (field->row), title ? title : field->title);
        gtk_widget_set_tooltip_text (field->row, message ? message : field->subtitle);
      }
      break;

    case FIELD_TEXT:
      gtk_label_set_label (GTK_LABEL (field->error_label), message ? message : "");
      gtk_widget_set_visible (field->error_label, message != NULL);
      break;

    case FIELD_FILE:
      if (message == NULL && field->file != NULL)
        {
          g_autofree char *name = g_file_get_basename (field->file);

          adw_action_row_set_subtitle (ADW_ACTION_ROW (field->row), name);
          break;
        }
      G_GNUC_FALLTHROUGH;

    case FIELD_SPIN:
    case FIELD_COMBO:
    case FIELD_SWITCH:
    default:
      adw_action_row_set_subtitle (ADW_ACTION_ROW (field->row),
                                   message ? message : (field->subtitle ? field->subtitle : ""));
      break;
    }

  gtk_accessible_update_property (GTK_ACCESSIBLE (field->widget),
                                  GTK_ACCESSIBLE_PROPERTY_DESCRIPTION,
                                  message ? message : (field->subtitle ? field->subtitle : ""),
                                  -1);
  gtk_accessible_update_state (GTK_ACCESSIBLE (field->widget),
                               GTK_ACCESSIBLE_STATE_INVALID,
                               message ? GTK_ACCESSIBLE_INVALID_TRUE : GTK_ACCESSIBLE_INVALID_FALSE,
                               -1);

  /* A marked row is never hidden in a collapsed expander. */
  if (message != NULL && self->more_row != NULL &&
      gtk_widget_is_ancestor (field->row, GTK_WIDGET (self->more_row)))
    adw_expander_row_set_expanded (self->more_row, TRUE);
}

static void
set_form_message (SbParamForm *self,
                  const char  *message)
{
  g_autofree char *escaped = message ? g_markup_escape_text (message, -1) : NULL;

  /* The group description is markup. */
  adw_preferences_group_set_description (ADW_PREFERENCES_GROUP (self), escaped);
  if (message != NULL)
    gtk_widget_add_css_class (GTK_WIDGET (self), "sb-param-form-error");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self), "sb-param-form-error");
}

static void
clear_errors (SbParamForm *self)
{
  for (guint i = 0; i < self->fields->len; i++)
    field_set_error (self, g_ptr_array_index (self->fields, i), NULL);
  set_form_message (self, NULL);
}

/* An edit clears the field's mark: the user is fixing it. */
static void
field_changed (Field *field)
{
  SbParamForm *self;

  self = SB_PARAM_FORM (gtk_widget_get_ancestor (field->row, SB_TYPE_PARAM_FORM));
  if (self == NULL || self->syncing)
    return;
  field_set_error (self, field, NULL);
}

static void
on_value_changed (GObject *object,
                  gpointer user_data)
{
  field_changed (user_data);
}

static void
on_notify_value (GObject    *object,
                 GParamSpec *pspec,
                 gpointer    user_data)
{
  field_changed (user_data);
}

/* ---- Files -------------------------------------------------------------- */

static void
field_set_file (Field *field,
                GFile *file)
{
  g_set_object (&field->file, file);
  gtk_widget_set_visible (field->clear_button, file != NULL);

  if (file != NULL)
    {
      g_autofree char *name = g_file_get_basename (file);

      adw_action_row_set_subtitle (ADW_ACTION_ROW (field->row), name);
    }
  else
    adw_action_row_set_subtitle (ADW_ACTION_ROW (field->row), field->subtitle ? field->subtitle : "");

  field_changed (field);
}

static void
on_chooser_response (GtkNativeDialog *dialog,
                     int              response,
                     gpointer         user_data)
{
  Field *field = user_data;

  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (dialog));

      field_set_file (field, file);
    }

  gtk_native_dialog_destroy (dialog);
  g_clear_object (&field->chooser);
}

static void
on_choose_clicked (GtkButton *button,
                   gpointer   user_data)
{
  Field *field = user_data;
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (button));
  g_autoptr(GtkFileFilter) images = gtk_file_filter_new ();
  g_autoptr(GtkFileFilter) all = gtk_file_filter_new ();
  g_autofree char *title = NULL;

  if (field->chooser != NULL)
    {
      gtk_native_dialog_show (GTK_NATIVE_DIALOG (field->chooser));
      return;
    }

  /* Translators: the title of a file chooser; %s is an input's title */
  title = g_strdup_printf (_("Choose a File for “%s”"), field->param->title);
  field->chooser = gtk_file_chooser_native_new (title,
                                                GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                                GTK_FILE_CHOOSER_ACTION_OPEN,
                                                _("_Choose"), _("_Cancel"));
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (field->chooser), TRUE);

  gtk_file_filter_set_name (images, _("Images"));
  gtk_file_filter_add_mime_type (images, "image/*");
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (field->chooser), images);
  gtk_file_filter_set_name (all, _("All Files"));
  gtk_file_filter_add_pattern (all, "*");
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (field->chooser), all);

  g_signal_connect (field->chooser, "response", G_CALLBACK (on_chooser_response), field);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (field->chooser));
}

static void
on_clear_clicked (GtkButton *button,
                  gpointer   user_data)
{
  field_set_file (user_data, NULL);
}

/* ---- Rows --------------------------------------------------------------- */

static void
label_widget (Field     *field,
              GtkWidget *widget)
{
  gtk_accessible_update_property (GTK_ACCESSIBLE (widget),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, field->param->title,
                                  GTK_ACCESSIBLE_PROPERTY_REQUIRED, (gboolean) field->param->required,
                                  -1);
  if (field->subtitle != NULL)
    gtk_accessible_update_property (GTK_ACCESSIBLE (widget),
                                    GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, field->subtitle,
                                    -1);
}

static GtkWidget *
new_action_row (Field *field)
{
  GtkWidget *row = adw_action_row_new ();

  /* Titles and descriptions come from the model's author: never markup. */
  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), field->title);
  if (field->subtitle != NULL)
    {
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), field->subtitle);
      adw_action_row_set_subtitle_lines (ADW_ACTION_ROW (row), 3);
      gtk_widget_set_tooltip_text (row, field->subtitle);
    }

  return row;
}

static void
build_spin (Field *field)
{
  SbModelParam *param = field->param;
  gboolean integer = param->type == SB_MODEL_PARAM_INTEGER;
  double min = param->has_minimum ? param->minimum : -SPIN_UNBOUNDED;
  double max = param->has_maximum ? param->maximum : SPIN_UNBOUNDED;
  double value = 0;
  double step;
  guint digits = 0;
  GtkWidget *spin;

  if (!node_get_number (param->default_value, &value))
    value = param->has_minimum ? min : 0;
  /* A default outside its own bounds is still shown as it is. */
  min = MIN (min, value);
  max = MAX (max, value);

  if (integer)
    step = 1;
  else
    {
      step = (param->has_minimum && param->has_maximum && max - min <= 2) ? 0.01 : 0.1;
      digits = digits_for (value);
      if (param->has_minimum)
        digits = MAX (digits, digits_for (min));
      if (param->has_maximum)
        digits = MAX (digits, digits_for (max));
    }

  spin = gtk_spin_button_new_with_range (min, max, step);
  gtk_spin_button_set_digits (GTK_SPIN_BUTTON (spin), digits);
  gtk_spin_button_set_value (GTK_SPIN_BUTTON (spin), value);
  gtk_spin_button_set_numeric (GTK_SPIN_BUTTON (spin), FALSE);
  gtk_widget_set_valign (spin, GTK_ALIGN_CENTER);
  gtk_editable_set_width_chars (GTK_EDITABLE (spin), 6);

  field->row = new_action_row (field);
  field->widget = spin;
  adw_action_row_add_suffix (ADW_ACTION_ROW (field->row), spin);
  adw_action_row_set_activatable_widget (ADW_ACTION_ROW (field->row), spin);

  g_signal_connect (spin, "value-changed", G_CALLBACK (on_value_changed), field);
  g_signal_connect (spin, "changed", G_CALLBACK (on_value_changed), field);
}

static void
build_combo (Field *field)
{
  SbModelParam *param = field->param;
  g_autoptr(GtkStringList) list = gtk_string_list_new (NULL);
  g_autofree char *default_text = node_to_text (param->default_value);
  guint selected = 0;

  field->has_unset = default_text == NULL && !param->required;
  if (field->has_unset)
    /* Translators: a choice that leaves an input to the model's own default */
    gtk_string_list_append (list, _("Not Set"));

  for (guint i = 0; param->choices[i] != NULL; i++)
    {
      gtk_string_list_append (list, param->choices[i]);
      if (g_strcmp0 (param->choices[i], default_text) == 0)
        selected = i + (field->has_unset ? 1 : 0);
    }

  field->row = adw_combo_row_new ();
  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (field->row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (field->row), field->title);
  if (field->subtitle != NULL)
    {
      adw_action_row_set_subtitle (ADW_ACTION_ROW (field->row), field->subtitle);
      adw_action_row_set_subtitle_lines (ADW_ACTION_ROW (field->row), 3);
      gtk_widget_set_tooltip_text (field->row, field->subtitle);
    }
  adw_combo_row_set_model (ADW_COMBO_ROW (field->row), G_LIST_MODEL (list));
  adw_combo_row_set_selected (ADW_COMBO_ROW (field->row), selected);
  field->widget = field->row;

  g_signal_connect (field->row, "notify::selected", G_CALLBACK (on_notify_value), field);
}

static void
build_switch (Field *field)
{
  GtkWidget *toggle = gtk_switch_new ();
  JsonNode *node = field->param->default_value;

  if (node != NULL && JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_BOOLEAN)
    gtk_switch_set_active (GTK_SWITCH (toggle), json_node_get_boolean (node));
  gtk_widget_set_valign (toggle, GTK_ALIGN_CENTER);

  field->row = new_action_row (field);
  field->widget = toggle;
  adw_action_row_add_suffix (ADW_ACTION_ROW (field->row), toggle);
  adw_action_row_set_activatable_widget (ADW_ACTION_ROW (field->row), toggle);

  g_signal_connect (toggle, "notify::active", G_CALLBACK (on_notify_value), field);
}

static void
build_entry (Field *field)
{
  SbModelParam *param = field->param;
  g_autofree char *text = NULL;

  field->row = param->secret ? adw_password_entry_row_new () : adw_entry_row_new ();
  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (field->row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (field->row), field->title);
  if (field->subtitle != NULL)
    gtk_widget_set_tooltip_text (field->row, field->subtitle);

  if (param->type == SB_MODEL_PARAM_INTEGER)
    adw_entry_row_set_input_purpose (ADW_ENTRY_ROW (field->row), GTK_INPUT_PURPOSE_DIGITS);
  else if (param->type == SB_MODEL_PARAM_NUMBER)
    adw_entry_row_set_input_purpose (ADW_ENTRY_ROW (field->row), GTK_INPUT_PURPOSE_NUMBER);

  if (param->default_value != NULL)
    {
      if (JSON_NODE_HOLDS_VALUE (param->default_value))
        text = node_to_text (param->default_value);
      else if (field->kind == FIELD_LIST && JSON_NODE_HOLDS_ARRAY (param->default_value))
        {
          JsonArray *array = json_node_get_array (param->default_value);
          g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
          g_auto(GStrv) parts = NULL;
          gboolean simple = TRUE;

          for (guint i = 0; i < json_array_get_length (array) && simple; i++)
            {
              g_autofree char *part = node_to_text (json_array_get_element (array, i));

              simple = part != NULL && strchr (part, ',') == NULL;
              if (simple)
                g_strv_builder_add (builder, part);
            }
          parts = g_strv_builder_end (builder);
          text = simple ? g_strjoinv (", ", parts) : json_to_string (param->default_value, FALSE);
        }
      else
        text = json_to_string (param->default_value, FALSE);
    }
  if (text != NULL)
    gtk_editable_set_text (GTK_EDITABLE (field->row), text);

  field->widget = field->row;
  g_signal_connect (field->row, "changed", G_CALLBACK (on_value_changed), field);
}

static void
build_text (Field *field)
{
  SbModelParam *param = field->param;
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);
  GtkWidget *title = gtk_label_new (field->title);
  GtkWidget *scrolled = gtk_scrolled_window_new ();
  GtkWidget *view = gtk_text_view_new ();
  g_autofree char *text = node_to_text (param->default_value);

  gtk_widget_set_margin_top (box, 8);
  gtk_widget_set_margin_bottom (box, 8);
  gtk_widget_set_margin_start (box, 12);
  gtk_widget_set_margin_end (box, 12);

  gtk_label_set_xalign (GTK_LABEL (title), 0);
  gtk_label_set_ellipsize (GTK_LABEL (title), PANGO_ELLIPSIZE_END);
  gtk_widget_add_css_class (title, "caption-heading");
  gtk_box_append (GTK_BOX (box), title);

  gtk_text_view_set_wrap_mode (GTK_TEXT_VIEW (view), GTK_WRAP_WORD_CHAR);
  gtk_text_view_set_accepts_tab (GTK_TEXT_VIEW (view), FALSE);
  gtk_text_view_set_top_margin (GTK_TEXT_VIEW (view), 6);
  gtk_text_view_set_bottom_margin (GTK_TEXT_VIEW (view), 6);
  gtk_text_view_set_left_margin (GTK_TEXT_VIEW (view), 6);
  gtk_text_view_set_right_margin (GTK_TEXT_VIEW (view), 6);
  if (text != NULL)
    gtk_text_buffer_set_text (gtk_text_view_get_buffer (GTK_TEXT_VIEW (view)), text, -1);

  gtk_scrolled_window_set_policy (GTK_SCROLLED_WINDOW (scrolled), GTK_POLICY_NEVER, GTK_POLICY_AUTOMATIC);
  gtk_scrolled_window_set_min_content_height (GTK_SCROLLED_WINDOW (scrolled), 72);
  gtk_scrolled_window_set_max_content_height (GTK_SCROLLED_WINDOW (scrolled), 200);
  gtk_scrolled_window_set_propagate_natural_height (GTK_SCROLLED_WINDOW (scrolled), TRUE);
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scrolled), view);
  gtk_widget_add_css_class (scrolled, "card");
  gtk_widget_set_overflow (scrolled, GTK_OVERFLOW_HIDDEN);
  gtk_box_append (GTK_BOX (box), scrolled);

  field->error_label = gtk_label_new (NULL);
  gtk_label_set_xalign (GTK_LABEL (field->error_label), 0);
  gtk_label_set_wrap (GTK_LABEL (field->error_label), TRUE);
  gtk_widget_add_css_class (field->error_label, "caption");
  gtk_widget_set_visible (field->error_label, FALSE);
  gtk_box_append (GTK_BOX (box), field->error_label);

  field->row = g_object_new (ADW_TYPE_PREFERENCES_ROW,
                             "title", field->title,
                             "use-markup", FALSE,
                             "activatable", FALSE,
                             "child", box,
                             NULL);
  if (field->subtitle != NULL)
    gtk_widget_set_tooltip_text (field->row, field->subtitle);
  field->widget = view;

  g_signal_connect (gtk_text_view_get_buffer (GTK_TEXT_VIEW (view)), "changed",
                    G_CALLBACK (on_value_changed), field);
}

static void
build_file (Field *field)
{
  GtkWidget *choose = gtk_button_new_with_mnemonic (_("_Choose…"));
  GtkWidget *clear = gtk_button_new_from_icon_name ("edit-clear-symbolic");
  g_autofree char *choose_label = NULL;
  g_autofree char *clear_label = NULL;

  field->row = new_action_row (field);
  field->widget = choose;
  field->clear_button = clear;

  gtk_widget_set_valign (clear, GTK_ALIGN_CENTER);
  gtk_widget_set_visible (clear, FALSE);
  gtk_widget_add_css_class (clear, "flat");
  gtk_widget_set_tooltip_text (clear, _("Remove the File"));
  /* Translators: %s is an input's title */
  clear_label = g_strdup_printf (_("Remove the file of “%s”"), field->param->title);
  gtk_accessible_update_property (GTK_ACCESSIBLE (clear), GTK_ACCESSIBLE_PROPERTY_LABEL, clear_label, -1);
  adw_action_row_add_suffix (ADW_ACTION_ROW (field->row), clear);

  gtk_widget_set_valign (choose, GTK_ALIGN_CENTER);
  adw_action_row_add_suffix (ADW_ACTION_ROW (field->row), choose);
  adw_action_row_set_activatable_widget (ADW_ACTION_ROW (field->row), choose);

  g_signal_connect (choose, "clicked", G_CALLBACK (on_choose_clicked), field);
  g_signal_connect (clear, "clicked", G_CALLBACK (on_clear_clicked), field);

  /* Translators: %s is an input's title */
  choose_label = g_strdup_printf (_("Choose a file for “%s”"), field->param->title);
  gtk_accessible_update_property (GTK_ACCESSIBLE (choose),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, choose_label,
                                  GTK_ACCESSIBLE_PROPERTY_REQUIRED, (gboolean) field->param->required,
                                  -1);
}

static FieldKind
kind_for (SbModelParam *param)
{
  if (param->choices != NULL && param->choices[0] != NULL)
    return FIELD_COMBO;

  switch (param->type)
    {
    case SB_MODEL_PARAM_INTEGER:
    case SB_MODEL_PARAM_NUMBER:
      /* A spin button always holds a value: optional numbers without a
       * default (a seed) may stay empty instead. */
      return (param->default_value != NULL || param->required) ? FIELD_SPIN : FIELD_ENTRY;

    case SB_MODEL_PARAM_BOOLEAN:
      return FIELD_SWITCH;

    case SB_MODEL_PARAM_STRING:
      return g_str_equal (param->name, "prompt") ? FIELD_TEXT : FIELD_ENTRY;

    case SB_MODEL_PARAM_FILE:
      return FIELD_FILE;

    case SB_MODEL_PARAM_ARRAY:
      return param->item_type == SB_MODEL_PARAM_FILE ? FIELD_FILE : FIELD_LIST;

    case SB_MODEL_PARAM_OBJECT:
    case SB_MODEL_PARAM_UNKNOWN:
    default:
      return FIELD_JSON;
    }
}

/* Referenced enums are titled by their class name ("height"): start
 * with a capital like every other row.  Required inputs end in " *". */
static char *
display_title (SbModelParam *param)
{
  g_autofree char *title = g_strdup (param->title);

  if (g_ascii_islower (title[0]))
    title[0] = g_ascii_toupper (title[0]);
  for (char *p = title; *p; p++)
    if (*p == '_')
      *p = ' ';

  return param->required ? g_strdup_printf ("%s *", title) : g_steal_pointer (&title);
}

static Field *
build_field (SbModelParam *param)
{
  Field *field = g_new0 (Field, 1);

  field->param = sb_model_param_ref (param);
  field->kind = kind_for (param);
  field->title = display_title (param);
  if (param->description != NULL && *param->description != '\0')
    field->subtitle = g_strstrip (g_strdup (param->description));

  switch (field->kind)
    {
    case FIELD_SPIN:
      build_spin (field);
      break;

    case FIELD_COMBO:
      build_combo (field);
      break;

    case FIELD_SWITCH:
      build_switch (field);
      break;

    case FIELD_TEXT:
      build_text (field);
      break;

    case FIELD_FILE:
      build_file (field);
      break;

    case FIELD_ENTRY:
    case FIELD_LIST:
    case FIELD_JSON:
    default:
      build_entry (field);
      break;
    }

  if (field->kind != FIELD_FILE)
    label_widget (field, field->widget);
  g_object_set_data (G_OBJECT (field->row), "sb-param-name", param->name);

  return field;
}

/* ---- GObject ------------------------------------------------------------ */

static void
sb_param_form_dispose (GObject *object)
{
  SbParamForm *self = SB_PARAM_FORM (object);

  /* Rows go with the group; the fields they point at go after them. */
  G_OBJECT_CLASS (sb_param_form_parent_class)->dispose (object);

  if (self->fields != NULL)
    g_ptr_array_set_size (self->fields, 0);
  if (self->by_name != NULL)
    g_hash_table_remove_all (self->by_name);
}

static void
sb_param_form_finalize (GObject *object)
{
  SbParamForm *self = SB_PARAM_FORM (object);

  g_clear_pointer (&self->fields, g_ptr_array_unref);
  g_clear_pointer (&self->by_name, g_hash_table_unref);
  g_clear_pointer (&self->params, g_ptr_array_unref);

  G_OBJECT_CLASS (sb_param_form_parent_class)->finalize (object);
}

static void
sb_param_form_class_init (SbParamFormClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = sb_param_form_dispose;
  object_class->finalize = sb_param_form_finalize;
}

static void
sb_param_form_init (SbParamForm *self)
{
  self->fields = g_ptr_array_new_with_free_func ((GDestroyNotify) field_free);
  self->by_name = g_hash_table_new (g_str_hash, g_str_equal);
  gtk_widget_add_css_class (GTK_WIDGET (self), "sb-param-form");
}

GtkWidget *
sb_param_form_new (GPtrArray *params)
{
  SbParamForm *self;
  guint optional_shown = 0;
  guint hidden = 0;
  gboolean collapse;

  g_return_val_if_fail (params != NULL, NULL);

  self = g_object_new (SB_TYPE_PARAM_FORM, NULL);
  self->params = g_ptr_array_ref (params);
  collapse = params->len > MAX_VISIBLE_ROWS;

  for (guint i = 0; i < params->len; i++)
    {
      SbModelParam *param = g_ptr_array_index (params, i);
      Field *field;

      if (g_hash_table_contains (self->by_name, param->name))
        continue;

      field = build_field (param);
      g_ptr_array_add (self->fields, field);
      g_hash_table_insert (self->by_name, param->name, field);

      if (!collapse || param->required || optional_shown < FIRST_OPTIONAL ||
          field->kind == FIELD_TEXT)
        {
          if (!param->required)
            optional_shown++;
          adw_preferences_group_add (ADW_PREFERENCES_GROUP (self), field->row);
          continue;
        }

      if (self->more_row == NULL)
        {
          self->more_row = ADW_EXPANDER_ROW (adw_expander_row_new ());
          adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->more_row), _("More Options"));
          adw_preferences_group_add (ADW_PREFERENCES_GROUP (self), GTK_WIDGET (self->more_row));
        }
      adw_expander_row_add_row (self->more_row, field->row);
      hidden++;
    }

  if (self->more_row != NULL)
    {
      g_autofree char *subtitle = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                                                "%u more input",
                                                                "%u more inputs",
                                                                hidden),
                                                   hidden);

      adw_expander_row_set_subtitle (self->more_row, subtitle);
    }

  return GTK_WIDGET (self);
}

GPtrArray *
sb_param_form_get_params (SbParamForm *self)
{
  g_return_val_if_fail (SB_IS_PARAM_FORM (self), NULL);

  return self->params;
}

gboolean
sb_param_form_set_value_text (SbParamForm *self,
                              const char  *name,
                              const char  *text)
{
  Field *field;

  g_return_val_if_fail (SB_IS_PARAM_FORM (self), FALSE);
  g_return_val_if_fail (name != NULL, FALSE);
  g_return_val_if_fail (text != NULL, FALSE);

  field = g_hash_table_lookup (self->by_name, name);
  if (field == NULL)
    return FALSE;

  switch (field->kind)
    {
    case FIELD_SPIN:
      {
        g_autoptr(JsonNode) node = sb_model_param_value_from_text (field->param, text, NULL);
        double value;

        if (!node_get_number (node, &value))
          return FALSE;
        gtk_spin_button_set_value (GTK_SPIN_BUTTON (field->widget), value);
      }
      break;

    case FIELD_COMBO:
      {
        guint i;

        for (i = 0; field->param->choices[i] != NULL; i++)
          if (g_str_equal (field->param->choices[i], text))
            break;
        if (field->param->choices[i] == NULL)
          return FALSE;
        adw_combo_row_set_selected (ADW_COMBO_ROW (field->row), i + (field->has_unset ? 1 : 0));
      }
      break;

    case FIELD_SWITCH:
      if (!g_str_equal (text, "true") && !g_str_equal (text, "false"))
        return FALSE;
      gtk_switch_set_active (GTK_SWITCH (field->widget), g_str_equal (text, "true"));
      break;

    case FIELD_TEXT:
      gtk_text_buffer_set_text (gtk_text_view_get_buffer (GTK_TEXT_VIEW (field->widget)), text, -1);
      break;

    case FIELD_ENTRY:
    case FIELD_LIST:
    case FIELD_JSON:
      gtk_editable_set_text (GTK_EDITABLE (field->row), text);
      break;

    case FIELD_FILE:
    default:
      return FALSE;
    }

  field_set_error (self, field, NULL);
  return TRUE;
}

gboolean
sb_param_form_set_file (SbParamForm *self,
                        const char  *name,
                        GFile       *file)
{
  Field *field;

  g_return_val_if_fail (SB_IS_PARAM_FORM (self), FALSE);
  g_return_val_if_fail (name != NULL, FALSE);
  g_return_val_if_fail (file == NULL || G_IS_FILE (file), FALSE);

  field = g_hash_table_lookup (self->by_name, name);
  if (field == NULL || field->kind != FIELD_FILE)
    return FALSE;

  field_set_file (field, file);
  return TRUE;
}

static void
mark_errors (SbParamForm *self,
             GHashTable  *fields)
{
  g_autoptr(GString) other = g_string_new (NULL);
  GHashTableIter iter;
  gpointer key, value;

  clear_errors (self);
  if (fields == NULL)
    return;

  g_hash_table_iter_init (&iter, fields);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      Field *field = g_hash_table_lookup (self->by_name, key);

      if (field != NULL)
        field_set_error (self, field, value);
      else
        {
          if (other->len > 0)
            g_string_append_c (other, '\n');
          if (*(const char *) key != '\0')
            /* Translators: an input name the form does not show, then what is wrong with it */
            g_string_append_printf (other, _("%s: %s"), (const char *) key, (const char *) value);
          else
            g_string_append (other, value);
        }
    }

  if (other->len > 0)
    set_form_message (self, other->str);
}

/* A value that passes the checks of @param, for an input the caller
 * fills in. */
static JsonNode *
provided_stand_in (SbModelParam *param)
{
  if (param->default_value != NULL)
    return json_node_copy (param->default_value);

  switch (param->type)
    {
    case SB_MODEL_PARAM_ARRAY:
      {
        JsonArray *array = json_array_new ();

        json_array_add_string_element (array, "provided");
        return json_node_init_array (json_node_alloc (), array);
      }
    case SB_MODEL_PARAM_INTEGER:
    case SB_MODEL_PARAM_NUMBER:
      return json_node_init_int (json_node_alloc (), param->has_minimum ? (gint64) ceil (param->minimum) : 0);
    case SB_MODEL_PARAM_BOOLEAN:
      return json_node_init_boolean (json_node_alloc (), FALSE);
    default:
      return json_node_init_string (json_node_alloc (),
                                    param->choices != NULL && param->choices[0] != NULL
                                      ? param->choices[0] : "provided");
    }
}

gboolean
sb_param_form_set_provided (SbParamForm *self,
                            const char  *name,
                            const char  *explanation)
{
  Field *field;

  g_return_val_if_fail (SB_IS_PARAM_FORM (self), FALSE);
  g_return_val_if_fail (name != NULL, FALSE);
  g_return_val_if_fail (explanation != NULL, FALSE);

  field = g_hash_table_lookup (self->by_name, name);
  if (field == NULL)
    return FALSE;

  g_free (field->provided);
  field->provided = g_strdup (explanation);
  /* Said where the description was, also when a mark goes away. */
  g_free (field->subtitle);
  field->subtitle = g_strdup (explanation);

  self->syncing = TRUE;
  switch (field->kind)
    {
    case FIELD_TEXT:
      gtk_text_buffer_set_text (gtk_text_view_get_buffer (GTK_TEXT_VIEW (field->widget)), explanation, -1);
      break;
    case FIELD_ENTRY:
    case FIELD_LIST:
    case FIELD_JSON:
      gtk_editable_set_text (GTK_EDITABLE (field->row), explanation);
      break;
    case FIELD_FILE:
      field_set_file (field, NULL);
      break;
    default:
      adw_action_row_set_subtitle (ADW_ACTION_ROW (field->row), explanation);
      break;
    }
  self->syncing = FALSE;

  field_set_error (self, field, NULL);
  gtk_widget_set_sensitive (field->row, FALSE);
  gtk_widget_set_tooltip_text (field->row, explanation);
  gtk_accessible_update_property (GTK_ACCESSIBLE (field->widget),
                                  GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, explanation,
                                  -1);

  return TRUE;
}

JsonObject *
sb_param_form_copy_input (JsonObject *input)
{
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(JsonNode) copy = NULL;
  g_autofree char *text = NULL;

  g_return_val_if_fail (input != NULL, NULL);

  node = json_node_init_object (json_node_alloc (), input);
  text = json_to_string (node, FALSE);
  copy = json_from_string (text, NULL);

  return json_object_ref (json_node_get_object (copy));
}

gboolean
sb_param_form_build_input (SbParamForm  *self,
                           JsonObject  **out_input,
                           GHashTable  **out_errors)
{
  g_autoptr(JsonObject) input = json_object_new ();
  g_autoptr(JsonObject) checked = json_object_new ();
  g_autoptr(GHashTable) errors = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  g_autoptr(GHashTable) schema_errors = NULL;

  g_return_val_if_fail (SB_IS_PARAM_FORM (self), FALSE);

  if (out_input != NULL)
    *out_input = NULL;
  if (out_errors != NULL)
    *out_errors = NULL;

  for (guint i = 0; i < self->fields->len; i++)
    {
      Field *field = g_ptr_array_index (self->fields, i);
      SbModelParam *param = field->param;
      g_autoptr(JsonNode) node = NULL;
      g_autofree char *message = NULL;

      if (field->provided != NULL)
        {
          /* Checked with a stand-in: the caller fills it in. */
          json_object_set_member (checked, param->name, provided_stand_in (param));
          continue;
        }

      if (field->kind == FIELD_FILE)
        {
          /* Checked with a stand-in: the caller sends the file itself. */
          if (field->file != NULL)
            {
              g_autofree char *uri = g_file_get_uri (field->file);
              JsonNode *stand_in = json_node_init_string (json_node_alloc (), uri);

              if (param->type == SB_MODEL_PARAM_ARRAY)
                {
                  JsonArray *array = json_array_new ();

                  json_array_add_element (array, stand_in);
                  json_object_set_array_member (checked, param->name, array);
                }
              else
                json_object_set_member (checked, param->name, stand_in);
            }
          continue;
        }

      node = field_build_value (field, &message);
      if (message != NULL)
        {
          g_hash_table_insert (errors, g_strdup (param->name), g_steal_pointer (&message));
          continue;
        }
      if (node == NULL)
        continue;

      json_object_set_member (checked, param->name, json_node_copy (node));
      /* What the model would use anyway is not sent. */
      if (!param->required && param->default_value != NULL && nodes_equal (node, param->default_value))
        continue;
      json_object_set_member (input, param->name, g_steal_pointer (&node));
    }

  if (!sb_model_schema_validate (self->params, checked, &schema_errors) && schema_errors != NULL)
    {
      GHashTableIter iter;
      gpointer key, value;

      g_hash_table_iter_init (&iter, schema_errors);
      while (g_hash_table_iter_next (&iter, &key, &value))
        if (!g_hash_table_contains (errors, key))
          g_hash_table_insert (errors, g_strdup (key), g_strdup (value));
    }

  mark_errors (self, errors);

  if (g_hash_table_size (errors) > 0)
    {
      if (out_errors != NULL)
        *out_errors = g_steal_pointer (&errors);
      return FALSE;
    }

  if (out_input != NULL)
    *out_input = g_steal_pointer (&input);
  return TRUE;
}

void
sb_param_form_show_errors (SbParamForm *self,
                           GHashTable  *fields)
{
  g_return_if_fail (SB_IS_PARAM_FORM (self));

  mark_errors (self, fields);
}

GHashTable *
sb_param_form_get_file_inputs (SbParamForm *self)
{
  GHashTable *files;

  g_return_val_if_fail (SB_IS_PARAM_FORM (self), NULL);

  files = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_object_unref);
  for (guint i = 0; i < self->fields->len; i++)
    {
      Field *field = g_ptr_array_index (self->fields, i);

      if (field->kind == FIELD_FILE && field->file != NULL)
        g_hash_table_insert (files, g_strdup (field->param->name), g_object_ref (field->file));
    }

  return files;
}

GtkWidget *
sb_param_form_get_row (SbParamForm *self,
                       const char  *name)
{
  Field *field;

  g_return_val_if_fail (SB_IS_PARAM_FORM (self), NULL);
  g_return_val_if_fail (name != NULL, NULL);

  field = g_hash_table_lookup (self->by_name, name);
  return field != NULL ? field->row : NULL;
}

GtkWidget *
sb_param_form_get_value_widget (SbParamForm *self,
                                const char  *name)
{
  Field *field;

  g_return_val_if_fail (SB_IS_PARAM_FORM (self), NULL);
  g_return_val_if_fail (name != NULL, NULL);

  field = g_hash_table_lookup (self->by_name, name);
  return field != NULL ? field->widget : NULL;
}

const char *
sb_param_form_get_error (SbParamForm *self,
                         const char  *name)
{
  Field *field;

  g_return_val_if_fail (SB_IS_PARAM_FORM (self), NULL);
  g_return_val_if_fail (name != NULL, NULL);

  field = g_hash_table_lookup (self->by_name, name);
  return field != NULL ? field->error : NULL;
}
