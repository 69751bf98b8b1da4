/* sb-video-player.c
 *
 * Copyright 2026 The Storyboard authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "sb-video"

#include "config.h"

#include <glib/gi18n.h>

#include "sb-brief.h"
#include "sb-library-briefs.h"
#include "sb-media-actions.h"
#include "sb-video-player.h"

#define SEEK_STEP_US (5 * G_USEC_PER_SEC)

struct _SbVideoPlayer
{
  AdwWindow             parent_instance;

  /* Template widgets */
  AdwToastOverlay      *toast_overlay;
  GtkWidget            *header_bar;
  AdwWindowTitle       *window_title;
  GtkWidget            *previous_button;
  GtkWidget            *next_button;
  GtkToggleButton      *loop_button;
  GtkStack             *stack;
  GtkVideo             *video;
  AdwStatusPage        *error_page;
  GtkWidget            *info_label;

  /* Owned */
  SbLibrary            *library;
  SbVideoCache         *cache;
  GCancellable         *cancellable;       /* cancelled on close */
  GCancellable         *load_cancellable;  /* the video being prepared */
  GArray               *ids;               /* element-type gint64 */
  guint                 position;
  char                 *playlist_title;
  SbMediaItem          *item;              /* the one playing, when known */
  GFile                *file;              /* its cached file */
  GtkMediaStream       *stream;
  char                 *error;
};

G_DEFINE_FINAL_TYPE (SbVideoPlayer, sb_video_player, ADW_TYPE_WINDOW)

static void load_current (SbVideoPlayer *self);

/* ---- helpers ------------------------------------------------------------ */

static char *
format_duration (double seconds)
{
  int total = (int) (seconds + 0.5);

  if (seconds < 10)
    /* Translators: a video's length in seconds, e.g. "2.0 s" */
    return g_strdup_printf (_("%.1f s"), seconds);

  return g_strdup_printf ("%d:%02d", total / 60, total % 60);
}

static void
toast (SbVideoPlayer *self,
       const char    *title)
{
  adw_toast_overlay_add_toast (self->toast_overlay, adw_toast_new (title));
}

static void
show_error (SbVideoPlayer *self,
            const char    *message)
{
  g_free (self->error);
  self->error = g_strdup (message);
  adw_status_page_set_description (self->error_page, message);
  gtk_stack_set_visible_child_name (self->stack, "error");
}

static gboolean
is_playlist (SbVideoPlayer *self)
{
  return self->ids != NULL && self->ids->len > 1;
}

static void
update_actions (SbVideoPlayer *self)
{
  gboolean ready = self->file != NULL && self->item != NULL;
  gboolean playlist = is_playlist (self);

  gtk_widget_set_visible (self->previous_button, playlist);
  gtk_widget_set_visible (self->next_button, playlist);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "player.previous", playlist && self->position > 0);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "player.next",
                                 playlist && self->position + 1 < self->ids->len);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "player.save-as", self->item != NULL);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "player.copy", ready);
}

static void
update_title (SbVideoPlayer *self)
{
  g_autofree char *subtitle = NULL;
  const char *title;

  if (is_playlist (self))
    {
      title = self->playlist_title != NULL ? self->playlist_title : _("Storyboard");
      /* Translators: position in a list of scene videos, e.g. "Scene 2 of 5" */
      subtitle = g_strdup_printf (_("Scene %u of %u"), self->position + 1, self->ids->len);
    }
  else
    {
      title = self->item != NULL && sb_media_item_get_filename (self->item) != NULL
                ? sb_media_item_get_filename (self->item)
                : _("Video");
    }

  adw_window_title_set_title (self->window_title, title);
  adw_window_title_set_subtitle (self->window_title, subtitle != NULL ? subtitle : "");
  gtk_window_set_title (GTK_WINDOW (self), title);
}

static void
update_info (SbVideoPlayer *self,
             const char    *brief_title)
{
  g_autoptr(GString) info = g_string_new (NULL);
  g_autofree char *duration = NULL;
  g_autofree char *size = NULL;

  if (self->item == NULL)
    {
      gtk_label_set_label (GTK_LABEL (self->info_label), "");
      return;
    }

  duration = format_duration (sb_media_item_get_duration (self->item));
  size = g_format_size ((guint64) sb_media_item_get_byte_size (self->item));

  g_string_append (info, duration);
  if (sb_media_item_get_width (self->item) > 0 && sb_media_item_get_height (self->item) > 0)
    g_string_append_printf (info, " · %d × %d", sb_media_item_get_width (self->item),
                            sb_media_item_get_height (self->item));
  g_string_append_printf (info, " · %s", size);
  if (brief_title != NULL && *brief_title != '\0')
    /* Translators: the brief a video belongs to */
    g_string_append_printf (info, " · %s", brief_title);
  if (sb_media_item_get_model (self->item) != NULL)
    g_string_append_printf (info, " · %s", sb_media_item_get_model (self->item));

  gtk_label_set_label (GTK_LABEL (self->info_label), info->str);
}

/* ---- playback ----------------------------------------------------------- */

static void
clear_stream (SbVideoPlayer *self)
{
  if (self->stream != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->stream, self);
      gtk_media_stream_pause (self->stream);
    }
  if (self->video != NULL)
    gtk_video_set_media_stream (self->video, NULL);
  g_clear_object (&self->stream);
}

static void
on_stream_ended (GtkMediaStream *stream,
                 GParamSpec     *pspec,
                 SbVideoPlayer  *self)
{
  if (!gtk_media_stream_get_ended (stream) || !is_playlist (self))
    return;

  /* The next scene; round again when looping. */
  if (self->position + 1 < self->ids->len)
    self->position++;
  else if (gtk_toggle_button_get_active (self->loop_button))
    self->position = 0;
  else
    return;

  load_current (self);
}

static void
on_stream_error (GtkMediaStream *stream,
                 GParamSpec     *pspec,
                 SbVideoPlayer  *self)
{
  const GError *error = gtk_media_stream_get_error (stream);

  if (error == NULL)
    return;

  g_debug ("Playback failed: %s", error->message);
  show_error (self, _("The video could not be played. A GStreamer plugin may be missing."));
}

static void
materialized_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(SbVideoPlayer) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GFile) file = NULL;

  file = sb_video_cache_materialize_finish (SB_VIDEO_CACHE (object), result, NULL, &error);
  if (file == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          g_debug ("Could not prepare the video: %s", error->message);
          show_error (self, _("The video could not be read from the library."));
        }
      return;
    }

  g_set_object (&self->file, file);

  /* A file, never a stream: GTK's GStreamer backend needs a URI. */
  self->stream = gtk_media_file_new_for_file (file);
  gtk_media_stream_set_loop (self->stream, !is_playlist (self) && gtk_toggle_button_get_active (self->loop_button));
  g_signal_connect (self->stream, "notify::ended", G_CALLBACK (on_stream_ended), self);
  g_signal_connect (self->stream, "notify::error", G_CALLBACK (on_stream_error), self);
  gtk_video_set_media_stream (self->video, self->stream);
  gtk_media_stream_play (self->stream);
  gtk_stack_set_visible_child_name (self->stack, "video");
  update_actions (self);
}

static void
got_brief_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(SbVideoPlayer) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(SbBrief) brief = NULL;

  brief = sb_library_get_brief_finish (SB_LIBRARY (object), result, &error);
  if (brief == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_debug ("No brief for the video: %s", error->message);
      return;
    }

  update_info (self, sb_brief_get_title (brief));
}

static void
got_media_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(SbVideoPlayer) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(SbMediaItem) item = NULL;

  item = sb_library_get_media_finish (SB_LIBRARY (object), result, &error);
  if (item == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_debug ("Could not read the video's details: %s", error->message);
      return;
    }

  g_set_object (&self->item, item);
  update_title (self);
  update_info (self, NULL);
  update_actions (self);

  if (sb_media_item_get_brief_id (item) > 0)
    sb_library_get_brief_async (self->library, sb_media_item_get_brief_id (item),
                                self->load_cancellable, got_brief_cb, g_object_ref (self));
}

static void
load_current (SbVideoPlayer *self)
{
  gint64 id = g_array_index (self->ids, gint64, self->position);

  g_cancellable_cancel (self->load_cancellable);
  g_clear_object (&self->load_cancellable);
  self->load_cancellable = g_cancellable_new ();
  g_signal_connect_object (self->cancellable, "cancelled",
                           G_CALLBACK (g_cancellable_cancel), self->load_cancellable,
                           G_CONNECT_SWAPPED);

  clear_stream (self);
  g_clear_object (&self->item);
  g_clear_object (&self->file);
  g_clear_pointer (&self->error, g_free);
  gtk_stack_set_visible_child_name (self->stack, "loading");
  update_title (self);
  update_info (self, NULL);
  update_actions (self);

  sb_library_get_media_async (self->library, id, self->load_cancellable, got_media_cb, g_object_ref (self));
  sb_video_cache_materialize_async (self->cache, id, self->load_cancellable, materialized_cb, g_object_ref (self));
}

/* ---- actions ------------------------------------------------------------ */

static void
play_pause_action (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *parameter)
{
  SbVideoPlayer *self = SB_VIDEO_PLAYER (widget);

  if (self->stream == NULL)
    return;

  if (gtk_media_stream_get_playing (self->stream))
    gtk_media_stream_pause (self->stream);
  else
    gtk_media_stream_play (self->stream);
}

static void
seek_by (SbVideoPlayer *self,
         gint64         delta)
{
  gint64 target, duration;

  if (self->stream == NULL || !gtk_media_stream_is_seekable (self->stream))
    return;

  target = gtk_media_stream_get_timestamp (self->stream) + delta;
  duration = gtk_media_stream_get_duration (self->stream);
  if (duration > 0)
    target = MIN (target, duration);
  gtk_media_stream_seek (self->stream, MAX (target, 0));
}

static void
seek_backward_action (GtkWidget  *widget,
                      const char *action_name,
                      GVariant   *parameter)
{
  seek_by (SB_VIDEO_PLAYER (widget), -SEEK_STEP_US);
}

static void
seek_forward_action (GtkWidget  *widget,
                     const char *action_name,
                     GVariant   *parameter)
{
  seek_by (SB_VIDEO_PLAYER (widget), SEEK_STEP_US);
}

static void
fullscreen_action (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *parameter)
{
  GtkWindow *window = GTK_WINDOW (widget);

  if (gtk_window_is_fullscreen (window))
    gtk_window_unfullscreen (window);
  else
    gtk_window_fullscreen (window);
}

static void
leave_action (GtkWidget  *widget,
              const char *action_name,
              GVariant   *parameter)
{
  GtkWindow *window = GTK_WINDOW (widget);

  if (gtk_window_is_fullscreen (window))
    gtk_window_unfullscreen (window);
  else
    gtk_window_close (window);
}

static void
previous_action (GtkWidget  *widget,
                 const char *action_name,
                 GVariant   *parameter)
{
  SbVideoPlayer *self = SB_VIDEO_PLAYER (widget);

  if (self->position > 0)
    {
      self->position--;
      load_current (self);
    }
}

static void
next_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  SbVideoPlayer *self = SB_VIDEO_PLAYER (widget);

  if (self->ids != NULL && self->position + 1 < self->ids->len)
    {
      self->position++;
      load_current (self);
    }
}

static void
copy_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  SbVideoPlayer *self = SB_VIDEO_PLAYER (widget);
  GdkClipboard *clipboard;

  if (self->file == NULL)
    return;

  /* The cached file: file managers and chat apps paste it as a file. */
  clipboard = gtk_widget_get_clipboard (widget);
  gdk_clipboard_set (clipboard, G_TYPE_FILE, self->file);
  toast (self, _("Video copied"));
}

/* As the Videos page does, into this window's toasts. */
static void
save_as_action (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  SbVideoPlayer *self = SB_VIDEO_PLAYER (widget);

  if (self->item == NULL)
    return;

  sb_media_actions_save_as (GTK_WIDGET (self->toast_overlay), self->library, self->item, self->cancellable);
}

static void
on_loop_toggled (SbVideoPlayer   *self,
                 GtkToggleButton *button)
{
  /* One video loops itself; a playlist goes round from on_stream_ended. */
  if (self->stream != NULL && !is_playlist (self))
    gtk_media_stream_set_loop (self->stream, gtk_toggle_button_get_active (button));
}

static void
on_fullscreened (SbVideoPlayer *self)
{
  gboolean fullscreen = gtk_window_is_fullscreen (GTK_WINDOW (self));

  gtk_widget_set_visible (self->header_bar, !fullscreen);
  gtk_widget_set_visible (self->info_label, !fullscreen);
}

/* ---- GObject ------------------------------------------------------------ */

static gboolean
sb_video_player_close_request (GtkWindow *window)
{
  SbVideoPlayer *self = SB_VIDEO_PLAYER (window);

  g_cancellable_cancel (self->cancellable);
  clear_stream (self);

  return GTK_WINDOW_CLASS (sb_video_player_parent_class)->close_request (window);
}

static void
sb_video_player_dispose (GObject *object)
{
  SbVideoPlayer *self = SB_VIDEO_PLAYER (object);

  g_cancellable_cancel (self->cancellable);
  clear_stream (self);

  gtk_widget_dispose_template (GTK_WIDGET (self), SB_TYPE_VIDEO_PLAYER);

  G_OBJECT_CLASS (sb_video_player_parent_class)->dispose (object);
}

static void
sb_video_player_finalize (GObject *object)
{
  SbVideoPlayer *self = SB_VIDEO_PLAYER (object);

  g_clear_object (&self->library);
  g_clear_object (&self->cache);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->load_cancellable);
  g_clear_pointer (&self->ids, g_array_unref);
  g_clear_pointer (&self->playlist_title, g_free);
  g_clear_pointer (&self->error, g_free);
  g_clear_object (&self->item);
  g_clear_object (&self->file);

  G_OBJECT_CLASS (sb_video_player_parent_class)->finalize (object);
}

static void
sb_video_player_class_init (SbVideoPlayerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  GtkWindowClass *window_class = GTK_WINDOW_CLASS (klass);

  object_class->dispose = sb_video_player_dispose;
  object_class->finalize = sb_video_player_finalize;
  window_class->close_request = sb_video_player_close_request;

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_BASE "/ui/sb-video-player.ui");
  gtk_widget_class_bind_template_child (widget_class, SbVideoPlayer, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, SbVideoPlayer, header_bar);
  gtk_widget_class_bind_template_child (widget_class, SbVideoPlayer, window_title);
  gtk_widget_class_bind_template_child (widget_class, SbVideoPlayer, previous_button);
  gtk_widget_class_bind_template_child (widget_class, SbVideoPlayer, next_button);
  gtk_widget_class_bind_template_child (widget_class, SbVideoPlayer, loop_button);
  gtk_widget_class_bind_template_child (widget_class, SbVideoPlayer, stack);
  gtk_widget_class_bind_template_child (widget_class, SbVideoPlayer, video);
  gtk_widget_class_bind_template_child (widget_class, SbVideoPlayer, error_page);
  gtk_widget_class_bind_template_child (widget_class, SbVideoPlayer, info_label);
  gtk_widget_class_bind_template_callback (widget_class, on_loop_toggled);

  gtk_widget_class_install_action (widget_class, "player.play-pause", NULL, play_pause_action);
  gtk_widget_class_install_action (widget_class, "player.seek-backward", NULL, seek_backward_action);
  gtk_widget_class_install_action (widget_class, "player.seek-forward", NULL, seek_forward_action);
  gtk_widget_class_install_action (widget_class, "player.fullscreen", NULL, fullscreen_action);
  gtk_widget_class_install_action (widget_class, "player.leave", NULL, leave_action);
  gtk_widget_class_install_action (widget_class, "player.previous", NULL, previous_action);
  gtk_widget_class_install_action (widget_class, "player.next", NULL, next_action);
  gtk_widget_class_install_action (widget_class, "player.copy", NULL, copy_action);
  gtk_widget_class_install_action (widget_class, "player.save-as", NULL, save_as_action);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_space, 0, "player.play-pause", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Left, 0, "player.seek-backward", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Right, 0, "player.seek-forward", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_F11, 0, "player.fullscreen", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "player.leave", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_c, GDK_CONTROL_MASK, "player.copy", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_s, GDK_CONTROL_MASK, "player.save-as", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Page_Up, 0, "player.previous", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Page_Down, 0, "player.next", NULL);
}

static void
sb_video_player_init (SbVideoPlayer *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->cancellable = g_cancellable_new ();
  g_signal_connect_swapped (self, "notify::fullscreened", G_CALLBACK (on_fullscreened), self);
  update_actions (self);
}

SbVideoPlayer *
sb_video_player_new (SbLibrary    *library,
                     SbVideoCache *cache)
{
  SbVideoPlayer *self;

  g_return_val_if_fail (SB_IS_LIBRARY (library), NULL);
  g_return_val_if_fail (SB_IS_VIDEO_CACHE (cache), NULL);

  self = g_object_new (SB_TYPE_VIDEO_PLAYER, NULL);
  self->library = g_object_ref (library);
  self->cache = g_object_ref (cache);

  return self;
}

void
sb_video_player_play (SbVideoPlayer *self,
                      const gint64  *ids,
                      guint          n_ids,
                      const char    *title)
{
  g_return_if_fail (SB_IS_VIDEO_PLAYER (self));
  g_return_if_fail (ids != NULL && n_ids > 0);

  g_clear_pointer (&self->ids, g_array_unref);
  self->ids = g_array_sized_new (FALSE, FALSE, sizeof (gint64), n_ids);
  g_array_append_vals (self->ids, ids, n_ids);
  self->position = 0;
  g_free (self->playlist_title);
  self->playlist_title = g_strdup (title);

  load_current (self);
}

GtkMediaStream *
sb_video_player_get_media_stream (SbVideoPlayer *self)
{
  g_return_val_if_fail (SB_IS_VIDEO_PLAYER (self), NULL);

  return self->stream;
}

guint
sb_video_player_get_position (SbVideoPlayer *self)
{
  g_return_val_if_fail (SB_IS_VIDEO_PLAYER (self), 0);

  return self->position;
}

gint64
sb_video_player_get_media_id (SbVideoPlayer *self)
{
  g_return_val_if_fail (SB_IS_VIDEO_PLAYER (self), 0);

  return self->stream != NULL ? g_array_index (self->ids, gint64, self->position) : 0;
}

const char *
sb_video_player_get_error (SbVideoPlayer *self)
{
  g_return_val_if_fail (SB_IS_VIDEO_PLAYER (self), NULL);

  return self->error;
}
