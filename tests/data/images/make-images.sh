#!/bin/sh
# make-images.sh
#
# Copyright 2026 The Storyboard authors
#
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Regenerates the test images in this folder with gdk-pixbuf (its PNG and
# JPEG savers and the WebP loader's saver), plus libjpeg and libwebp for
# the layouts gdk-pixbuf cannot write.  Run from anywhere.
set -eu

here=$(cd "$(dirname "$0")" && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

cc -std=gnu11 -Wall -o "$tmp/make-images" "$here/make-images.c" \
  $(pkg-config --cflags --libs gdk-pixbuf-2.0 libjpeg libwebp)
cd "$here"
"$tmp/make-images"
ls -l "$here"
