#!/usr/bin/env bash
# build-aux/dev.sh — set up, build, run and test Storyboard on Debian 12.
#
#   build-aux/dev.sh run    install what is missing, build, open Storyboard
#   build-aux/dev.sh test   install what is missing, build, run every test suite
#   build-aux/dev.sh bench  install what is missing, build, run the benchmarks
#
# Copyright 2026 The Storyboard authors
# SPDX-License-Identifier: GPL-3.0-or-later
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build_dir=${STORYBOARD_BUILD_DIR:-"$here/_build"}

# Build tools, libraries and what the app and its tests need at run time:
# the WebP pixbuf loader, GStreamer plugins for GtkVideo, Xvfb and D-Bus for
# the UI tests, and the validators of the data suite.
packages=(
  meson ninja-build pkg-config gcc gettext
  libglib2.0-dev libglib2.0-bin libgtk-4-dev libadwaita-1-dev libsoup-3.0-dev
  libjson-glib-dev libsqlite3-dev libgdk-pixbuf-2.0-dev libsecret-1-dev libpng-dev
  libgstreamer1.0-dev libgstreamer-plugins-base1.0-dev
  webp-pixbuf-loader librsvg2-common
  libgtk-4-media-gstreamer gstreamer1.0-plugins-base gstreamer1.0-plugins-good
  gstreamer1.0-libav
  desktop-file-utils appstream
  xvfb xauth dbus dbus-x11 at-spi2-core gnome-keyring
)

install_dependencies () {
  local missing=()
  for p in "${packages[@]}"; do
    if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
      missing+=("$p")
    fi
  done
  [ ${#missing[@]} -eq 0 ] && return 0

  echo "Installing: ${missing[*]}"
  local sudo=()
  if [ "$(id -u)" -ne 0 ]; then
    sudo=(sudo)
  fi
  "${sudo[@]}" apt-get update -q
  DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -q --no-install-recommends "${missing[@]}"
}

build () {
  if [ ! -f "$build_dir/build.ninja" ]; then
    meson setup "$build_dir" "$here" -Ddevelopment=true
  fi
  meson compile -C "$build_dir"
}

run_app () {
  export GSETTINGS_SCHEMA_DIR="$build_dir/data"
  exec "$build_dir/src/storyboard" "$@"
}

run_tests () {
  export GDK_BACKEND=x11
  export GSK_RENDERER=cairo
  export LIBGL_ALWAYS_SOFTWARE=1
  local status=0
  dbus-run-session -- xvfb-run -a -s "-screen 0 1600x1200x24" \
    meson test -C "$build_dir" --print-errorlogs "$@" || status=$?

  # One plain closing line for CI: "N passed, N failed".
  python3 - "$build_dir/meson-logs/testlog.json" <<'PY' || true
import json, sys
passed = failed = skipped = 0
with open(sys.argv[1]) as f:
    for line in f:
        r = json.loads(line).get("result")
        if r in ("OK", "EXPECTEDFAIL"):
            passed += 1
        elif r == "SKIP":
            skipped += 1
        else:
            failed += 1
print(f"{passed} passed, {failed} failed, {skipped} skipped")
PY
  return $status
}

case "${1:-}" in
  run)
    shift
    install_dependencies
    build
    run_app "$@"
    ;;
  test)
    shift
    install_dependencies
    build
    run_tests "$@"
    ;;
  bench)
    shift
    install_dependencies
    build
    export GDK_BACKEND=x11 GSK_RENDERER=cairo
    dbus-run-session -- xvfb-run -a -s "-screen 0 1600x1200x24" \
      meson test -C "$build_dir" --benchmark --verbose "$@"
    ;;
  deps)
    install_dependencies
    ;;
  *)
    echo "usage: $0 run|test|bench|deps" >&2
    exit 2
    ;;
esac
