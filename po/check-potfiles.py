#!/usr/bin/env python3
# Checks that po/POTFILES.in is sorted and lists exactly the files that hold
# translatable strings.
#
# Copyright 2026 The Storyboard authors
# SPDX-License-Identifier: GPL-3.0-or-later
import os
import re
import sys

root = sys.argv[1]
marks = re.compile(r'(\b_\(|\bN_\(|\bC_\(|\bNC_\(|g_dngettext|g_dpgettext|translatable="yes")')

listed = []
with open(os.path.join(root, "po", "POTFILES.in")) as f:
    for line in f:
        line = line.strip()
        if line and not line.startswith("#"):
            listed.append(line)

found = set()
for top in ("src", "data"):
    for dirpath, dirnames, filenames in os.walk(os.path.join(root, top)):
        for name in filenames:
            if not name.endswith((".c", ".ui", ".in")):
                continue
            path = os.path.join(dirpath, name)
            rel = os.path.relpath(path, root)
            if name.endswith(".in"):
                found.add(rel)  # desktop, metainfo and schema templates
                continue
            with open(path, encoding="utf-8") as src:
                if marks.search(src.read()):
                    found.add(rel)

errors = []
if listed != sorted(listed):
    errors.append("POTFILES.in is not sorted")
for rel in sorted(found - set(listed)):
    errors.append(f"{rel} has translatable strings but is not in POTFILES.in")
for rel in sorted(set(listed) - found):
    errors.append(f"{rel} is in POTFILES.in but has no translatable strings (or does not exist)")

for e in errors:
    print(e, file=sys.stderr)
sys.exit(1 if errors else 0)
