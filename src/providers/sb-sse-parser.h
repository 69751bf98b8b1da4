/* sb-sse-parser.h
 *
 * Copyright 2026 The Storyboard authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* One dispatched event.  Strings are valid during the callback only. */
typedef struct
{
  const char *event;   /* "message" when the stream named none */
  const char *data;    /* data: lines joined with '\n' */
  const char *id;      /* last event id, or NULL */
} SbSseEvent;

typedef void (*SbSseEventFunc) (const SbSseEvent *event,
                                gpointer          user_data);

typedef struct _SbSseParser SbSseParser;

/* An incremental WHATWG event-stream parser: bytes may be split anywhere;
 * lines end in "\n", "\r\n" or "\r"; ':' lines are comments (keep-alives);
 * several data: lines join with '\n'; a leading BOM is skipped. */
SbSseParser *sb_sse_parser_new          (SbSseEventFunc  func,
                                         gpointer        user_data);
void         sb_sse_parser_free         (SbSseParser    *self);
void         sb_sse_parser_feed         (SbSseParser    *self,
                                         const char     *data,
                                         gsize           len);
/* End of stream: a last line without terminator and an event without the
 * final blank line are still dispatched (recorded Anthropic streams end so). */
void         sb_sse_parser_finish       (SbSseParser    *self);
guint        sb_sse_parser_get_n_comments (SbSseParser  *self);
/* The last retry: value in ms, or -1. */
gint64       sb_sse_parser_get_retry    (SbSseParser    *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (SbSseParser, sb_sse_parser_free)

G_END_DECLS
