/* sb-provider-error.h
 *
 * Copyright 2026 The Storyboard authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <libsoup/soup.h>

#include "sb-provider-config.h"

G_BEGIN_DECLS

#define SB_PROVIDER_ERROR (sb_provider_error_quark ())

/* Cancellation is reported as G_IO_ERROR_CANCELLED, as GIO does, never with
 * this domain.  Every code has a translated message the user can act on. */
typedef enum
{
  SB_PROVIDER_ERROR_AUTH,           /* 401/403: key missing or rejected */
  SB_PROVIDER_ERROR_NO_CREDIT,      /* 402, OpenAI insufficient_quota, billing_error */
  SB_PROVIDER_ERROR_RATE_LIMITED,   /* 429 after retries */
  SB_PROVIDER_ERROR_INVALID_INPUT,  /* 400/413/422: see sb_provider_error_get_fields() */
  SB_PROVIDER_ERROR_NOT_FOUND,      /* 404: unknown model, collection, prediction */
  SB_PROVIDER_ERROR_BAD_RESPONSE,   /* unparsable body, wrong media type, truncated answer */
  SB_PROVIDER_ERROR_SERVER,         /* 5xx, 529, in-band stream errors */
  SB_PROVIDER_ERROR_TIMEOUT,        /* no answer in time, 408, 504, 524 */
  SB_PROVIDER_ERROR_OFFLINE,        /* host unreachable, DNS failure, connection refused */
  SB_PROVIDER_ERROR_REFUSED,        /* the model declined (refusal, content filter) */
  SB_PROVIDER_ERROR_FAILED,         /* a Replicate prediction failed or was canceled */
  SB_PROVIDER_ERROR_TOO_LARGE,      /* download over its size cap */
} SbProviderError;

/* How the last retry of a request waited. */
typedef enum
{
  SB_RETRY_WAIT_NONE,         /* not retried */
  SB_RETRY_WAIT_RETRY_AFTER,  /* server hint: Retry-After, retry-after-ms, Replicate "resets in ~Ns" */
  SB_RETRY_WAIT_BACKOFF,      /* exponential backoff with jitter */
} SbRetryWait;

GQuark       sb_provider_error_quark           (void);

/* The ONE place where an HTTP status becomes an error code.  @vendor_code is
 * the provider's own error type or code when the body had one
 * ("insufficient_quota", "billing_error", ...), else NULL. */
SbProviderError sb_provider_error_code_from_status (SbProviderKind  kind,
                                                    guint           status,
                                                    const char     *vendor_code);

/* Builds the error for a non-2xx response: the code from
 * sb_provider_error_code_from_status(), a user message naming the provider,
 * and the details parsed from the body (Replicate problem+json with
 * invalid_fields, OpenAI/OpenRouter/Ollama {"error":{...}}, Anthropic
 * {"type":"error","error":{...}}).  @secret, when not NULL, is scrubbed from
 * any text copied out of the body. */
GError      *sb_provider_error_new_from_response (SbProviderKind      kind,
                                                  guint               status,
                                                  SoupMessageHeaders *headers,
                                                  GBytes             *body,
                                                  const char         *secret);

/* An error of @code with the standard user message for @kind; @detail, when
 * not NULL, is appended for codes where the provider's text helps the user. */
GError      *sb_provider_error_new             (SbProviderKind  kind,
                                                SbProviderError code,
                                                const char     *detail);

/* Details carried by SB_PROVIDER_ERROR errors (an extended GError): they
 * survive g_error_copy() and g_task_return_error().  For other errors these
 * return 0/NULL. */
guint        sb_provider_error_get_status      (const GError *error);
SbProviderKind sb_provider_error_get_provider  (const GError *error);
/* The provider's own text ("detail", "error.message"), scrubbed of secrets. */
const char  *sb_provider_error_get_detail      (const GError *error);
/* The provider's error type/code ("rate_limit_error", "insufficient_quota"). */
const char  *sb_provider_error_get_vendor_code (const GError *error);
const char  *sb_provider_error_get_request_id  (const GError *error);
/* Per-field messages of INVALID_INPUT (Replicate invalid_fields): input name
 * ("num_inference_steps", "" for the whole input) -> message.  May be NULL. */
GHashTable  *sb_provider_error_get_fields      (const GError *error);
/* Server's requested wait in milliseconds, or -1. */
gint64       sb_provider_error_get_retry_after_ms (const GError *error);
/* Attempts made and how the last retry waited. */
guint        sb_provider_error_get_attempts    (const GError *error);
SbRetryWait  sb_provider_error_get_wait        (const GError *error);
void         sb_provider_error_set_attempts    (GError      *error,
                                                guint        attempts,
                                                SbRetryWait  wait);
void         sb_provider_error_set_retry_after_ms (GError *error,
                                                   gint64  retry_after_ms);

/* Whether falling back to another provider may help: rate limited, server,
 * timeout, offline, bad response.  Never for auth, credit or input errors. */
gboolean     sb_provider_error_is_transient    (const GError *error);

/* Maps a transport GError (GIO/GResolver/TLS) to a provider error. */
GError      *sb_provider_error_new_from_transport (SbProviderKind  kind,
                                                   const GError   *transport_error);

/* Parses the Retry-After family of hints: retry-after-ms (float ms),
 * Retry-After (float seconds or HTTP date) and, for Replicate, the
 * "resets in ~Ns" text of the body.  Returns milliseconds or -1. */
gint64       sb_provider_parse_retry_after     (SbProviderKind      kind,
                                                SoupMessageHeaders *headers,
                                                const char         *body);

/* Replaces every occurrence of @secret in @text by "***". */
char        *sb_provider_scrub_secret          (const char *text,
                                                const char *secret);

G_END_DECLS
