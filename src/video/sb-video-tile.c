/* sb-video-tile.c
 *
 * Copyright 2026 The Storyboard authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "sb-video"

#include "config.h"

#include <glib/gi18n.h>

#include "sb-video-tile.h"

struct _SbVideoTile
{
  GtkWidget    parent_instance;

  /* Owned (children) */
  GtkWidget   *overlay;
  GtkWidget   *poster;
  GtkWidget   *duration_label;
  GtkWidget   *caption_button;
  GtkWidget   *caption_label;

  /* Owned */
  GHashTable  *brief_titles;
  SbMediaItem *item;
};

G_DEFINE_FINAL_TYPE (SbVideoTile, sb_video_tile, GTK_TYPE_WIDGET)

static void
update_duration (SbVideoTile *self)
{
  double seconds = self->item != NULL ? sb_media_item_get_duration (self->item) : 0;
  int total = (int) (seconds + 0.5);
  g_autofree char *text = NULL;

  if (seconds > 0)
    text = g_strdup_printf ("%d:%02d", total / 60, total % 60);

  gtk_label_set_label (GTK_LABEL (self->duration_label), text != NULL ? text : "");
  gtk_widget_set_visible (self->duration_label, text != NULL);
}

void
sb_video_tile_update_caption (SbVideoTile *self)
{
  gint64 brief_id = 0;
  const char *title = NULL;

  g_return_if_fail (SB_IS_VIDEO_TILE (self));

  if (self->item != NULL && sb_media_item_get_loaded (self->item))
    brief_id = sb_media_item_get_brief_id (self->item);
  if (brief_id > 0)
    {
      title = g_hash_table_lookup (self->brief_titles, &brief_id);
      if (title == NULL || *title == '\0')
        title = _("Untitled brief");
    }

  gtk_widget_set_visible (self->caption_button, title != NULL);
  if (title == NULL)
    {
      gtk_actionable_set_action_name (GTK_ACTIONABLE (self->caption_button), NULL);
      return;
    }

  gtk_label_set_label (GTK_LABEL (self->caption_label), title);
  /* The target first: the action takes one. */
  gtk_actionable_set_action_target (GTK_ACTIONABLE (self->caption_button), "(xs)", brief_id, title);
  gtk_actionable_set_action_name (GTK_ACTIONABLE (self->caption_button), "videos.filter-brief");
  {
    /* Translators: a button under a video; %s is the title of its brief */
    g_autofree char *tooltip = g_strdup_printf (_("Show only the videos of “%s”"), title);

    gtk_widget_set_tooltip_text (self->caption_button, tooltip);
    gtk_accessible_update_property (GTK_ACCESSIBLE (self->caption_button),
                                    GTK_ACCESSIBLE_PROPERTY_LABEL, tooltip,
                                    -1);
  }
}

static void
on_item_notify (SbVideoTile *self)
{
  update_duration (self);
  sb_video_tile_update_caption (self);
}

SbMediaItem *
sb_video_tile_get_item (SbVideoTile *self)
{
  g_return_val_if_fail (SB_IS_VIDEO_TILE (self), NULL);

  return self->item;
}

void
sb_video_tile_set_item (SbVideoTile *self,
                        SbMediaItem *item)
{
  g_return_if_fail (SB_IS_VIDEO_TILE (self));
  g_return_if_fail (item == NULL || SB_IS_MEDIA_ITEM (item));

  if (self->item == item)
    return;

  if (self->item != NULL)
    g_signal_handlers_disconnect_by_func (self->item, on_item_notify, self);
  g_set_object (&self->item, item);
  if (self->item != NULL)
    {
      g_signal_connect_object (self->item, "notify::loaded", G_CALLBACK (on_item_notify), self,
                               G_CONNECT_SWAPPED);
      g_signal_connect_object (self->item, "notify::duration", G_CALLBACK (on_item_notify), self,
                               G_CONNECT_SWAPPED);
    }

  sb_gallery_tile_set_item (SB_GALLERY_TILE (self->poster), item);
  on_item_notify (self);
}

SbGalleryTile *
sb_video_tile_get_poster (SbVideoTile *self)
{
  g_return_val_if_fail (SB_IS_VIDEO_TILE (self), NULL);

  return SB_GALLERY_TILE (self->poster);
}

const char *
sb_video_tile_get_caption (SbVideoTile *self)
{
  g_return_val_if_fail (SB_IS_VIDEO_TILE (self), NULL);

  return gtk_widget_get_visible (self->caption_button)
           ? gtk_label_get_label (GTK_LABEL (self->caption_label))
           : NULL;
}

static void
sb_video_tile_dispose (GObject *object)
{
  SbVideoTile *self = SB_VIDEO_TILE (object);

  if (self->item != NULL)
    g_signal_handlers_disconnect_by_func (self->item, on_item_notify, self);
  g_clear_object (&self->item);
  g_clear_pointer (&self->overlay, gtk_widget_unparent);
  g_clear_pointer (&self->caption_button, gtk_widget_unparent);

  G_OBJECT_CLASS (sb_video_tile_parent_class)->dispose (object);
}

static void
sb_video_tile_finalize (GObject *object)
{
  SbVideoTile *self = SB_VIDEO_TILE (object);

  g_clear_pointer (&self->brief_titles, g_hash_table_unref);

  G_OBJECT_CLASS (sb_video_tile_parent_class)->finalize (object);
}

static void
sb_video_tile_class_init (SbVideoTileClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = sb_video_tile_dispose;
  object_class->finalize = sb_video_tile_finalize;

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BOX_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "sbvideotile");
}

static void
sb_video_tile_init (SbVideoTile *self)
{
  GtkLayoutManager *layout = gtk_widget_get_layout_manager (GTK_WIDGET (self));

  gtk_orientable_set_orientation (GTK_ORIENTABLE (layout), GTK_ORIENTATION_VERTICAL);
  gtk_box_layout_set_spacing (GTK_BOX_LAYOUT (layout), 4);
}

GtkWidget *
sb_video_tile_new (SbThumbnailLoader *loader,
                   GHashTable        *brief_titles)
{
  SbVideoTile *self;

  g_return_val_if_fail (SB_IS_THUMBNAIL_LOADER (loader), NULL);
  g_return_val_if_fail (brief_titles != NULL, NULL);

  self = g_object_new (SB_TYPE_VIDEO_TILE, NULL);
  self->brief_titles = g_hash_table_ref (brief_titles);

  self->overlay = gtk_overlay_new ();
  self->poster = sb_gallery_tile_new (loader);
  /* Its menu acts through the Videos page. */
  sb_gallery_tile_set_action_prefix (SB_GALLERY_TILE (self->poster), "videos");
  gtk_overlay_set_child (GTK_OVERLAY (self->overlay), self->poster);

  self->duration_label = gtk_label_new (NULL);
  gtk_widget_set_halign (self->duration_label, GTK_ALIGN_END);
  gtk_widget_set_valign (self->duration_label, GTK_ALIGN_END);
  gtk_widget_set_margin_end (self->duration_label, 8);
  gtk_widget_set_margin_bottom (self->duration_label, 8);
  gtk_widget_set_can_target (self->duration_label, FALSE);
  gtk_widget_set_visible (self->duration_label, FALSE);
  gtk_widget_add_css_class (self->duration_label, "osd");
  gtk_widget_add_css_class (self->duration_label, "caption");
  gtk_widget_add_css_class (self->duration_label, "numeric");
  gtk_overlay_add_overlay (GTK_OVERLAY (self->overlay), self->duration_label);
  gtk_widget_set_parent (self->overlay, GTK_WIDGET (self));

  self->caption_label = gtk_label_new (NULL);
  gtk_label_set_ellipsize (GTK_LABEL (self->caption_label), PANGO_ELLIPSIZE_END);
  gtk_label_set_max_width_chars (GTK_LABEL (self->caption_label), 12);
  gtk_widget_add_css_class (self->caption_label, "caption");
  self->caption_button = gtk_button_new ();
  gtk_button_set_child (GTK_BUTTON (self->caption_button), self->caption_label);
  gtk_widget_set_visible (self->caption_button, FALSE);
  gtk_widget_add_css_class (self->caption_button, "flat");
  gtk_widget_set_parent (self->caption_button, GTK_WIDGET (self));

  return GTK_WIDGET (self);
}
