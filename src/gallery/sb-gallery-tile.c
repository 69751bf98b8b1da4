/* sb-gallery-tile.c
 *
 * Copyright 2026 The Storyboard authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "sb-gallery"

#include "config.h"

#include <glib/gi18n.h>

#include "sb-gallery-tile.h"

struct _SbGalleryTile
{
  GtkWidget          parent_instance;

  /* Owned */
  GdkTexture        *texture;
  guint              needs_thumbnail : 1;
  SbThumbnailLoader *loader;
  SbMediaItem       *item;
  GCancellable      *cancellable;
  GtkWidget         *popover;
  char              *action_prefix;
};

G_DEFINE_FINAL_TYPE (SbGalleryTile, sb_gallery_tile, GTK_TYPE_WIDGET)

/* Tiles are squares: the grid decides the width, the height follows. */
#define TILE_MIN_SIZE     120
#define TILE_NATURAL_SIZE 180
#define CORNER_RADIUS     6

enum {
  PROP_0,
  PROP_ITEM,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
update_accessible_label (SbGalleryTile *self)
{
  g_autofree char *label = NULL;

  if (self->item == NULL || !sb_media_item_get_loaded (self->item))
    label = g_strdup (_("Loading image"));
  else
    {
      const char *name = sb_media_item_get_filename (self->item);
      GDateTime *created = sb_media_item_get_created_at (self->item);
      g_autofree char *date = created ? g_date_time_format (created, "%x") : g_strdup ("");

      if (name == NULL || *name == '\0')
        name = _("Untitled image");
      /* Translators: an image in the gallery: name, width × height, date */
      label = g_strdup_printf (_("%s, %d × %d, %s"),
                               name,
                               sb_media_item_get_width (self->item),
                               sb_media_item_get_height (self->item),
                               date);
    }

  gtk_accessible_update_property (GTK_ACCESSIBLE (self),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, label,
                                  -1);
  gtk_widget_set_tooltip_text (GTK_WIDGET (self),
                               self->item && sb_media_item_get_loaded (self->item) ? label : NULL);
}

/* A new thumbnail only redraws: the tile's size never depends on it, so the
 * grid is not laid out again each time one arrives. */
static void
set_texture (SbGalleryTile *self,
             GdkTexture    *texture)
{
  if (g_set_object (&self->texture, texture))
    gtk_widget_queue_draw (GTK_WIDGET (self));
}

static void
thumbnail_loaded_cb (GObject      *object,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  g_autoptr(SbGalleryTile) self = user_data;
  g_autoptr(GdkTexture) texture = NULL;
  g_autoptr(GError) error = NULL;

  texture = sb_thumbnail_loader_load_finish (SB_THUMBNAIL_LOADER (object), result, &error);
  if (texture == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          g_debug ("No thumbnail: %s", error->message);
          gtk_widget_set_tooltip_text (GTK_WIDGET (self), error->message);
        }
      return;
    }

  set_texture (self, texture);
}

static void
request_thumbnail (SbGalleryTile *self)
{
  gint64 id;

  g_assert (self->item != NULL);

  self->needs_thumbnail = FALSE;
  id = sb_media_item_get_id (self->item);
  self->cancellable = g_cancellable_new ();
  sb_thumbnail_loader_load_async (self->loader, id, self->cancellable,
                                  thumbnail_loaded_cb, g_object_ref (self));
}

static void
on_item_loaded_notify (SbGalleryTile *self)
{
  update_accessible_label (self);
}

void
sb_gallery_tile_set_item (SbGalleryTile *self,
                          SbMediaItem   *item)
{
  g_return_if_fail (SB_IS_GALLERY_TILE (self));
  g_return_if_fail (item == NULL || SB_IS_MEDIA_ITEM (item));

  if (self->item == item)
    return;

  if (self->item != NULL)
    g_signal_handlers_disconnect_by_func (self->item, on_item_loaded_notify, self);

  g_set_object (&self->item, item);

  if (self->item != NULL)
    g_signal_connect_object (self->item, "notify::loaded",
                             G_CALLBACK (on_item_loaded_notify), self,
                             G_CONNECT_SWAPPED);

  /* The id is known before the row is read, so the thumbnail can load in
   * parallel with the metadata. */
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  set_texture (self, item ? sb_thumbnail_loader_lookup (self->loader, sb_media_item_get_id (item)) : NULL);
  self->needs_thumbnail = item != NULL && self->texture == NULL;
  if (self->needs_thumbnail)
    gtk_widget_queue_draw (GTK_WIDGET (self));
  update_accessible_label (self);

  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ITEM]);
}

SbMediaItem *
sb_gallery_tile_get_item (SbGalleryTile *self)
{
  g_return_val_if_fail (SB_IS_GALLERY_TILE (self), NULL);

  return self->item;
}

gboolean
sb_gallery_tile_has_texture (SbGalleryTile *self)
{
  g_return_val_if_fail (SB_IS_GALLERY_TILE (self), FALSE);

  return self->texture != NULL;
}

void
sb_gallery_tile_set_action_prefix (SbGalleryTile *self,
                                   const char    *prefix)
{
  g_return_if_fail (SB_IS_GALLERY_TILE (self));

  g_free (self->action_prefix);
  self->action_prefix = g_strdup (prefix);
}

static void
append_item (SbGalleryTile *self,
             GMenu         *section,
             const char    *label,
             const char    *action,
             GVariant      *target)
{
  g_autoptr(GMenuItem) menu_item = g_menu_item_new (label, NULL);
  g_autofree char *detailed = g_strconcat (self->action_prefix != NULL ? self->action_prefix : "gallery",
                                           ".", action, NULL);

  g_menu_item_set_action_and_target_value (menu_item, detailed, target);
  g_menu_append_item (section, menu_item);
}

void
sb_gallery_tile_popup_menu (SbGalleryTile *self,
                            double         x,
                            double         y)
{
  g_autoptr(GMenu) menu = NULL;
  g_autoptr(GMenu) section = NULL;
  GVariant *target;
  gint64 id;

  g_return_if_fail (SB_IS_GALLERY_TILE (self));

  if (self->item == NULL)
    return;

  id = sb_media_item_get_id (self->item);
  target = g_variant_ref_sink (g_variant_new_int64 (id));
  menu = g_menu_new ();

  section = g_menu_new ();
  append_item (self, section,
               sb_media_item_get_kind (self->item) == SB_MEDIA_KIND_VIDEO ? _("_Play") : _("_Open"),
               "open", target);
  g_menu_append_section (menu, NULL, G_MENU_MODEL (section));
  g_clear_object (&section);

  section = g_menu_new ();
  append_item (self, section, _("_Save As…"), "save-as", target);
  append_item (self, section, _("_Copy"), "copy", target);
  append_item (self, section,
               sb_media_item_get_favourite (self->item)
                 ? _("Remove from _Favourites")
                 : _("Add to _Favourites"),
               "toggle-favourite", target);
  g_menu_append_section (menu, NULL, G_MENU_MODEL (section));
  g_clear_object (&section);

  section = g_menu_new ();
  append_item (self, section, _("_Delete"), "delete", target);
  g_menu_append_section (menu, NULL, G_MENU_MODEL (section));

  g_variant_unref (target);

  if (self->popover == NULL)
    {
      self->popover = gtk_popover_menu_new_from_model (NULL);
      gtk_widget_set_parent (self->popover, GTK_WIDGET (self));
      gtk_popover_set_has_arrow (GTK_POPOVER (self->popover), FALSE);
      gtk_widget_set_halign (self->popover, GTK_ALIGN_START);
    }

  gtk_popover_menu_set_menu_model (GTK_POPOVER_MENU (self->popover), G_MENU_MODEL (menu));

  if (x < 0 || y < 0)
    {
      x = gtk_widget_get_width (GTK_WIDGET (self)) / 2.0;
      y = gtk_widget_get_height (GTK_WIDGET (self)) / 2.0;
    }
  gtk_popover_set_pointing_to (GTK_POPOVER (self->popover),
                               &(GdkRectangle) { (int) x, (int) y, 1, 1 });
  gtk_popover_popup (GTK_POPOVER (self->popover));
}

static void
on_secondary_click_pressed (GtkGestureClick *gesture,
                            int              n_press,
                            double           x,
                            double           y,
                            SbGalleryTile   *self)
{
  gtk_gesture_set_state (GTK_GESTURE (gesture), GTK_EVENT_SEQUENCE_CLAIMED);
  sb_gallery_tile_popup_menu (self, x, y);
}

static void
on_long_press_pressed (GtkGestureLongPress *gesture,
                       double               x,
                       double               y,
                       SbGalleryTile       *self)
{
  sb_gallery_tile_popup_menu (self, x, y);
}

static void
sb_gallery_tile_dispose (GObject *object)
{
  SbGalleryTile *self = SB_GALLERY_TILE (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_pointer (&self->popover, gtk_widget_unparent);
  sb_gallery_tile_set_item (self, NULL);
  g_clear_object (&self->texture);

  G_OBJECT_CLASS (sb_gallery_tile_parent_class)->dispose (object);
}

static void
sb_gallery_tile_finalize (GObject *object)
{
  SbGalleryTile *self = SB_GALLERY_TILE (object);

  g_clear_object (&self->loader);
  g_free (self->action_prefix);

  G_OBJECT_CLASS (sb_gallery_tile_parent_class)->finalize (object);
}

static void
sb_gallery_tile_size_allocate (GtkWidget *widget,
                               int        width,
                               int        height,
                               int        baseline)
{
  SbGalleryTile *self = SB_GALLERY_TILE (widget);

  if (self->popover != NULL)
    gtk_popover_present (GTK_POPOVER (self->popover));
}

static GtkSizeRequestMode
sb_gallery_tile_get_request_mode (GtkWidget *widget)
{
  return GTK_SIZE_REQUEST_HEIGHT_FOR_WIDTH;
}

static void
sb_gallery_tile_measure (GtkWidget      *widget,
                         GtkOrientation  orientation,
                         int             for_size,
                         int            *minimum,
                         int            *natural,
                         int            *minimum_baseline,
                         int            *natural_baseline)
{
  if (orientation == GTK_ORIENTATION_VERTICAL && for_size > 0)
    {
      *minimum = *natural = for_size;
      return;
    }

  *minimum = TILE_MIN_SIZE;
  *natural = TILE_NATURAL_SIZE;
}

static void
sb_gallery_tile_snapshot (GtkWidget   *widget,
                          GtkSnapshot *snapshot)
{
  SbGalleryTile *self = SB_GALLERY_TILE (widget);
  float width = gtk_widget_get_width (widget);
  float height = gtk_widget_get_height (widget);
  GskRoundedRect clip;

  gsk_rounded_rect_init_from_rect (&clip, &GRAPHENE_RECT_INIT (0, 0, width, height), CORNER_RADIUS);
  gtk_snapshot_push_rounded_clip (snapshot, &clip);

  /* GTK only snapshots the tiles that are on screen, while the grid keeps
   * many more alive around them: loading the thumbnail on the first
   * snapshot keeps decoded textures to what is seen (and scrolled past). */
  if (self->needs_thumbnail)
    request_thumbnail (self);

  if (self->texture != NULL)
    {
      float tex_width = gdk_texture_get_width (self->texture);
      float tex_height = gdk_texture_get_height (self->texture);
      /* Cover: fill the square, cropping the longer side around the centre. */
      float scale = MAX (width / tex_width, height / tex_height);
      float draw_width = tex_width * scale;
      float draw_height = tex_height * scale;

      gtk_snapshot_append_texture (snapshot, self->texture,
                                   &GRAPHENE_RECT_INIT ((width - draw_width) / 2,
                                                        (height - draw_height) / 2,
                                                        draw_width, draw_height));
    }
  else
    {
      GdkRGBA color;

      /* A faint placeholder in the theme's foreground colour. */
      gtk_style_context_get_color (gtk_widget_get_style_context (widget), &color);
      color.alpha *= 0.08;
      gtk_snapshot_append_color (snapshot, &color, &GRAPHENE_RECT_INIT (0, 0, width, height));
    }

  gtk_snapshot_pop (snapshot);

  if (self->popover != NULL)
    gtk_widget_snapshot_child (widget, self->popover, snapshot);
}

static void
sb_gallery_tile_get_property (GObject    *object,
                              guint       prop_id,
                              GValue     *value,
                              GParamSpec *pspec)
{
  SbGalleryTile *self = SB_GALLERY_TILE (object);

  switch (prop_id)
    {
    case PROP_ITEM:
      g_value_set_object (value, self->item);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sb_gallery_tile_set_property (GObject      *object,
                              guint         prop_id,
                              const GValue *value,
                              GParamSpec   *pspec)
{
  SbGalleryTile *self = SB_GALLERY_TILE (object);

  switch (prop_id)
    {
    case PROP_ITEM:
      sb_gallery_tile_set_item (self, g_value_get_object (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sb_gallery_tile_class_init (SbGalleryTileClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = sb_gallery_tile_dispose;
  object_class->finalize = sb_gallery_tile_finalize;
  object_class->get_property = sb_gallery_tile_get_property;
  object_class->set_property = sb_gallery_tile_set_property;

  widget_class->get_request_mode = sb_gallery_tile_get_request_mode;
  widget_class->measure = sb_gallery_tile_measure;
  widget_class->size_allocate = sb_gallery_tile_size_allocate;
  widget_class->snapshot = sb_gallery_tile_snapshot;

  properties[PROP_ITEM] =
    g_param_spec_object ("item", NULL, NULL,
                         SB_TYPE_MEDIA_ITEM,
                         (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_css_name (widget_class, "sbgallerytile");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_IMG);
}

static void
sb_gallery_tile_init (SbGalleryTile *self)
{
  GtkGesture *gesture;

  gtk_widget_set_focusable (GTK_WIDGET (self), FALSE);
  gtk_widget_add_css_class (GTK_WIDGET (self), "gallery-tile");

  gesture = gtk_gesture_click_new ();
  gtk_gesture_single_set_button (GTK_GESTURE_SINGLE (gesture), GDK_BUTTON_SECONDARY);
  g_signal_connect (gesture, "pressed", G_CALLBACK (on_secondary_click_pressed), self);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (gesture));

  gesture = gtk_gesture_long_press_new ();
  gtk_gesture_single_set_touch_only (GTK_GESTURE_SINGLE (gesture), TRUE);
  g_signal_connect (gesture, "pressed", G_CALLBACK (on_long_press_pressed), self);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (gesture));
}

GtkWidget *
sb_gallery_tile_new (SbThumbnailLoader *loader)
{
  SbGalleryTile *self;

  g_return_val_if_fail (SB_IS_THUMBNAIL_LOADER (loader), NULL);

  self = g_object_new (SB_TYPE_GALLERY_TILE, NULL);
  self->loader = g_object_ref (loader);

  return GTK_WIDGET (self);
}
