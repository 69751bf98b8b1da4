#!/usr/bin/env python3
# Checks what can be checked offline in the Flatpak manifest: valid JSON, the
# app ID and command match the meson build, and the sandbox holes are only
# the ones Storyboard needs (no filesystem access: files go through portals).
#
# Copyright 2026 The Storyboard authors
# SPDX-License-Identifier: GPL-3.0-or-later
import json
import sys

manifest_path, app_id, command = sys.argv[1:4]
with open(manifest_path) as f:
    manifest = json.load(f)

errors = []
if manifest.get("id") != app_id:
    errors.append(f"id is {manifest.get('id')!r}, the build says {app_id!r}")
if manifest.get("command") != command:
    errors.append(f"command is {manifest.get('command')!r}, the build installs {command!r}")
if manifest.get("runtime") != "org.gnome.Platform":
    errors.append("runtime must be org.gnome.Platform")
try:
    if int(manifest.get("runtime-version", "0")) < 47:
        errors.append("runtime-version must be 47 or later")
except ValueError:
    errors.append("runtime-version must be a number")

allowed = {"--share=network", "--share=ipc", "--socket=wayland",
           "--socket=fallback-x11", "--device=dri"}
for arg in manifest.get("finish-args", []):
    if arg not in allowed:
        errors.append(f"finish-arg {arg!r} is not allowed")

modules = manifest.get("modules", [])
if not modules or modules[-1].get("name") != "storyboard":
    errors.append("the last module must build storyboard")
elif modules[-1].get("buildsystem") != "meson":
    errors.append("storyboard must build with meson")

for e in errors:
    print(f"{manifest_path}: {e}", file=sys.stderr)
sys.exit(1 if errors else 0)
