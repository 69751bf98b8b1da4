/* sb-json.h
 *
 * Copyright 2026 The Storyboard authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/* Typed, forgiving member access for provider bodies: a missing member, a
 * NULL @object or a member of another type gives NULL / 0 / FALSE, never a
 * critical.  Returned values are borrowed from @object. */
const char *sb_json_get_string (JsonObject *object,
                                const char *member);
JsonObject *sb_json_get_object (JsonObject *object,
                                const char *member);
JsonArray  *sb_json_get_array  (JsonObject *object,
                                const char *member);
/* An integer member (a double is truncated), or 0. */
gint64      sb_json_get_int    (JsonObject *object,
                                const char *member);
/* A numeric member (integer or double) in *@out. */
gboolean    sb_json_get_number (JsonObject *object,
                                const char *member,
                                double     *out);

G_END_DECLS
