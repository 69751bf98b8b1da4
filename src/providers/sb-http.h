/* sb-http.h
 *
 * Copyright 2026 The Storyboard authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <json-glib/json-glib.h>
#include <libsoup/soup.h>

#include "sb-provider-config.h"
#include "sb-provider-error.h"

G_BEGIN_DECLS

/* What a repeated request can cost; decides which failures are retried. */
typedef enum
{
  SB_HTTP_RETRY_IDEMPOTENT,  /* GET, DELETE, cancel: repeat on 408, 429, 5xx, 529, dropped connections */
  SB_HTTP_RETRY_REPEATABLE,  /* LLM completion POST: same as idempotent (at worst a second answer) */
  SB_HTTP_RETRY_CREATE,      /* prediction create, file upload: only when the server surely did
                              * not process it (429, 503/529 without a prediction body,
                              * connection never established) — never after a timeout */
  SB_HTTP_RETRY_NEVER,
} SbHttpRetryClass;

/* Default per-attempt timeouts, in seconds. */
#define SB_HTTP_TIMEOUT_API       60
#define SB_HTTP_TIMEOUT_LLM       300   /* local servers load models on the first call */
#define SB_HTTP_TIMEOUT_DOWNLOAD  300
#define SB_HTTP_MAX_API_BODY      (64 * 1024 * 1024)

/* ---- Requests ---------------------------------------------------------- */

typedef struct _SbHttpRequest SbHttpRequest;

#define SB_TYPE_HTTP_REQUEST (sb_http_request_get_type ())

GType          sb_http_request_get_type        (void) G_GNUC_CONST;
SbHttpRequest *sb_http_request_new             (SbProviderKind    kind,
                                                const char       *method,
                                                const char       *url);
SbHttpRequest *sb_http_request_ref             (SbHttpRequest    *self);
void           sb_http_request_unref           (SbHttpRequest    *self);
/* The key is attached (Bearer, or x-api-key for Anthropic) only when the URL
 * of an attempt — including every redirect hop — is one of @kind's own hosts. */
void           sb_http_request_set_api_key     (SbHttpRequest    *self,
                                                const char       *api_key);
void           sb_http_request_set_json        (SbHttpRequest    *self,
                                                JsonNode         *body);
void           sb_http_request_set_body        (SbHttpRequest    *self,
                                                const char       *content_type,
                                                GBytes           *body);
void           sb_http_request_set_multipart   (SbHttpRequest    *self,
                                                SoupMultipart    *multipart);
void           sb_http_request_add_header      (SbHttpRequest    *self,
                                                const char       *name,
                                                const char       *value);
void           sb_http_request_set_retry_class (SbHttpRequest    *self,
                                                SbHttpRetryClass  retry_class);
/* Seconds an attempt may take (until the headers for streamed requests). */
void           sb_http_request_set_timeout     (SbHttpRequest    *self,
                                                guint             seconds);
void           sb_http_request_set_max_body    (SbHttpRequest    *self,
                                                gsize             max_bytes);
/* Streamed: a 2xx response hands over its input stream unread; error
 * statuses are still read and turned into errors (SSE endpoints answer
 * pre-stream errors with plain JSON). */
void           sb_http_request_set_streamed    (SbHttpRequest    *self,
                                                gboolean          streamed);
const char    *sb_http_request_get_url         (SbHttpRequest    *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (SbHttpRequest, sb_http_request_unref)

/* ---- Responses --------------------------------------------------------- */

typedef struct
{
  guint               status;
  SoupMessageHeaders *headers;
  GBytes             *body;        /* NULL when streamed */
  GInputStream       *stream;      /* streamed only */
  char               *url;         /* after redirects */
  guint               attempts;    /* 1 + retries */
  SbRetryWait         wait;        /* how the last retry waited */
  gint64              waited_ms;   /* total time spent waiting between attempts */
  gboolean            sent_api_key;/* whether the final attempt carried the key */
} SbHttpResponse;

#define SB_TYPE_HTTP_RESPONSE (sb_http_response_get_type ())

GType           sb_http_response_get_type         (void) G_GNUC_CONST;
void            sb_http_response_free             (SbHttpResponse  *self);
/* The media type without parameters, lower case ("application/json"). */
char           *sb_http_response_dup_media_type   (SbHttpResponse  *self);
/* Parses the body as JSON (leading whitespace tolerated); BAD_RESPONSE on
 * failure or when the root is not an object/array. */
JsonNode       *sb_http_response_parse_json       (SbHttpResponse  *self,
                                                   SbProviderKind   kind,
                                                   GError         **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (SbHttpResponse, sb_http_response_free)

/* ---- Retry policy (pure; exposed for tests) --------------------------- */

typedef struct
{
  gboolean    retry;
  SbRetryWait wait;
  gint64      delay_ms;  /* already scaled */
} SbRetryDecision;

/* @attempts_done counts attempts so far (>= 1).  Either @transport_error is
 * set, or @status/@headers/@body describe the failed response. */
SbRetryDecision sb_http_decide_retry (SbProviderKind      kind,
                                      SbHttpRetryClass    retry_class,
                                      guint               status,
                                      SoupMessageHeaders *headers,
                                      GBytes             *body,
                                      const GError       *transport_error,
                                      guint               attempts_done,
                                      guint               max_attempts,
                                      double              backoff_scale);

/* Longest server-requested wait honoured; longer hints end the retries. */
#define SB_HTTP_MAX_RETRY_AFTER_MS   (60 * 1000)
#define SB_HTTP_GIVE_UP_RETRY_AFTER_MS (120 * 1000)

/* ---- The session ------------------------------------------------------- */

#define SB_TYPE_HTTP (sb_http_get_type ())

G_DECLARE_FINAL_TYPE (SbHttp, sb_http, SB, HTTP, GObject)

/* The application-wide instance (one SoupSession). */
SbHttp           *sb_http_get_default        (void);
SbHttp           *sb_http_new                (SbProviderConfig *config);
SoupSession      *sb_http_get_session        (SbHttp           *self);
SbProviderConfig *sb_http_get_config         (SbHttp           *self);
/* Multiplies every retry and poll delay (tests use 0.001).  Defaults to
 * STORYBOARD_BACKOFF_SCALE when set, else 1. */
double            sb_http_get_backoff_scale  (SbHttp           *self);
void              sb_http_set_backoff_scale  (SbHttp           *self,
                                              double            scale);
guint             sb_http_get_max_attempts   (SbHttp           *self);
void              sb_http_set_max_attempts   (SbHttp           *self,
                                              guint             max_attempts);

void              sb_http_send_async         (SbHttp              *self,
                                              SbHttpRequest       *request,
                                              GCancellable        *cancellable,
                                              GAsyncReadyCallback  callback,
                                              gpointer             user_data);
/* Returns the 2xx response; other statuses become SB_PROVIDER_ERROR errors
 * whose sb_provider_error_get_attempts()/get_wait() tell the retry story. */
SbHttpResponse   *sb_http_send_finish        (SbHttp              *self,
                                              GAsyncResult        *result,
                                              GError             **error);

/* ---- Downloads --------------------------------------------------------- */

typedef struct
{
  GBytes *bytes;
  char   *mime_type;   /* from the magic bytes */
  char   *url;         /* final URL (or the data: URI's media type) */
  guint   attempts;
} SbDownload;

#define SB_TYPE_DOWNLOAD (sb_download_get_type ())

GType       sb_download_get_type (void) G_GNUC_CONST;
void        sb_download_free     (SbDownload *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (SbDownload, sb_download_free)

/* Fetches an output file: http(s) URLs (streamed, capped at @max_bytes,
 * redirects followed, retried on transient failures) or data: URIs.  The
 * first request never carries @api_key; on 401/403 from one of @kind's own
 * hosts it is repeated once with it.  The magic bytes must be an image or
 * video type and agree with the claimed Content-Type. */
void        sb_http_download_async  (SbHttp              *self,
                                     SbProviderKind       kind,
                                     const char          *api_key,
                                     const char          *url,
                                     gsize                max_bytes,
                                     GCancellable        *cancellable,
                                     GAsyncReadyCallback  callback,
                                     gpointer             user_data);
SbDownload *sb_http_download_finish (SbHttp              *self,
                                     GAsyncResult        *result,
                                     GError             **error);

/* Checks sniffed bytes against a claimed type; NULL @claimed = no claim. */
gboolean    sb_http_check_media     (SbProviderKind   kind,
                                     GBytes          *bytes,
                                     const char      *claimed,
                                     char           **out_mime_type,
                                     GError         **error);

G_END_DECLS
