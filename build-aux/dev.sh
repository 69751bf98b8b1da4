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
  xvfb xauth dbus dbus-x11 at-spi2-core gnome-keyring libsecret-tools
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

# Whether any provider key is configured, in the environment or the keyring.
have_keys () {
  local v p
  for v in REPLICATE_API_TOKEN OPENROUTER_API_KEY OPENAI_API_KEY ANTHROPIC_API_KEY; do
    [ -n "${!v:-}" ] && return 0
  done
  if command -v secret-tool >/dev/null 2>&1; then
    for p in replicate openrouter openai anthropic; do
      if timeout 5 secret-tool lookup provider "$p" >/dev/null 2>&1; then
        return 0
      fi
    done
  fi
  return 1
}

# With no keys at all, the app talks to the fake providers on this machine,
# and its window says so.
start_demo_providers () {
  local fake="$build_dir/tests/fake-providers/sb-fake-providers"
  local url
  fake_out=$(mktemp)
  "$fake" > "$fake_out" &
  fake_pid=$!
  trap 'kill "$fake_pid" 2>/dev/null; rm -f "$fake_out"' EXIT
  for _ in $(seq 50); do
    url=$(sed -n 's/^listening on //p' "$fake_out" | head -n 1)
    [ -n "$url" ] && break
    sleep 0.1
  done
  if [ -z "$url" ]; then
    echo "The demo providers did not start" >&2
    exit 1
  fi
  echo "No provider keys found: using the demo providers at $url (nothing leaves this computer)"
  export STORYBOARD_DEMO=1
  export STORYBOARD_REPLICATE_BASE_URL="$url/v1"
  export STORYBOARD_OPENROUTER_BASE_URL="$url/api/v1"
  export STORYBOARD_OPENAI_BASE_URL="$url/v1"
  export STORYBOARD_ANTHROPIC_BASE_URL="$url"
  export REPLICATE_API_TOKEN=demo OPENROUTER_API_KEY=demo OPENAI_API_KEY=demo ANTHROPIC_API_KEY=demo
}

run_app () {
  export GSETTINGS_SCHEMA_DIR="$build_dir/data"
  if ! have_keys; then
    start_demo_providers
  fi
  "$build_dir/src/storyboard" "$@"
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
