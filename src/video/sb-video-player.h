/* sb-video-player.h
 *
 * Copyright 2026 The Storyboard authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "sb-library.h"
#include "sb-video-cache.h"

G_BEGIN_DECLS

/* A window that plays library videos from the playback cache: one video,
 * or a playlist (a storyboard's scenes) back to back.
 *
 * Actions: player.play-pause (Space), player.seek-backward (Left) and
 * player.seek-forward (Right) by 5 s, player.fullscreen (F11),
 * player.leave (Escape: leaves fullscreen, else closes), player.save-as,
 * player.copy, player.next, player.previous. */

#define SB_TYPE_VIDEO_PLAYER (sb_video_player_get_type ())

G_DECLARE_FINAL_TYPE (SbVideoPlayer, sb_video_player, SB, VIDEO_PLAYER, AdwWindow)

SbVideoPlayer  *sb_video_player_new              (SbLibrary     *library,
                                                  SbVideoCache  *cache);
/* Plays @ids (media ids) in order; @title names the playlist (NULL for
 * one video). */
void            sb_video_player_play             (SbVideoPlayer *self,
                                                  const gint64  *ids,
                                                  guint          n_ids,
                                                  const char    *title);
GtkMediaStream *sb_video_player_get_media_stream (SbVideoPlayer *self);
guint           sb_video_player_get_position     (SbVideoPlayer *self);
/* The media id playing now, 0 before the first is ready. */
gint64          sb_video_player_get_media_id     (SbVideoPlayer *self);
/* The error shown instead of the video, or NULL. */
const char     *sb_video_player_get_error        (SbVideoPlayer *self);

G_END_DECLS
