#!/bin/sh
# make-video.sh
#
# Copyright 2026 The Storyboard authors
#
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Regenerates the test videos in this folder with GStreamer (videotestsrc,
# vp8enc, webmmux: plugins-base and plugins-good).  Run from anywhere.
set -eu

here=$(cd "$(dirname "$0")" && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

cc -std=gnu11 -Wall -o "$tmp/make-video" "$here/make-video.c" \
  $(pkg-config --cflags --libs gstreamer-1.0)
cd "$here"
"$tmp/make-video"

# The first 40 % of the bytes: the header and the first frames, no more.
size=$(stat -c %s ball.webm)
head -c $((size * 40 / 100)) ball.webm > truncated.webm

# Plain text with a video's name.
printf 'This is plain text, not a video.\n' > text.webm

ls -l "$here"
