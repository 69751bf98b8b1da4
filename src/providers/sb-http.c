/* sb-http.c
 *
 * Copyright 2026 The Storyboard authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "sb-providers"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <math.h>
#include <stdlib.h>

#include "sb-http.h"
#include "sb-media.h"

#define MAX_REDIRECTS 8
#define READ_CHUNK (64 * 1024)

/* ---- Requests ---------------------------------------------------------- */

struct _SbHttpRequest
{
  gatomicrefcount   ref_count;
  SbProviderKind    kind;
  char             *method;
  char             *url;
  char             *api_key;
  char             *content_type;
  GBytes           *body;
  GPtrArray        *headers;  /* name, value, name, value... */
  SbHttpRetryClass  retry_class;
  guint             timeout;
  gsize             max_body;
  guint             streamed : 1;
};

G_DEFINE_BOXED_TYPE (SbHttpRequest, sb_http_request, sb_http_request_ref, sb_http_request_unref)

SbHttpRequest *
sb_http_request_new (SbProviderKind  kind,
                     const char     *method,
                     const char     *url)
{
  SbHttpRequest *self;

  g_return_val_if_fail (kind < SB_PROVIDER_N_KINDS, NULL);
  g_return_val_if_fail (method != NULL, NULL);
  g_return_val_if_fail (url != NULL, NULL);

  self = g_new0 (SbHttpRequest, 1);
  g_atomic_ref_count_init (&self->ref_count);
  self->kind = kind;
  self->method = g_strdup (method);
  self->url = g_strdup (url);
  self->headers = g_ptr_array_new_with_free_func (g_free);
  self->timeout = SB_HTTP_TIMEOUT_API;
  self->max_body = SB_HTTP_MAX_API_BODY;

  if (g_str_equal (method, "GET") || g_str_equal (method, "HEAD") ||
      g_str_equal (method, "DELETE") || g_str_equal (method, "PUT") ||
      g_str_equal (method, "OPTIONS"))
    self->retry_class = SB_HTTP_RETRY_IDEMPOTENT;
  else
    self->retry_class = SB_HTTP_RETRY_CREATE;

  return self;
}

SbHttpRequest *
sb_http_request_ref (SbHttpRequest *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  g_atomic_ref_count_inc (&self->ref_count);
  return self;
}

void
sb_http_request_unref (SbHttpRequest *self)
{
  g_return_if_fail (self != NULL);

  if (!g_atomic_ref_count_dec (&self->ref_count))
    return;

  g_free (self->method);
  g_free (self->url);
  if (self->api_key != NULL)
    memset (self->api_key, 0, strlen (self->api_key));
  g_free (self->api_key);
  g_free (self->content_type);
  g_clear_pointer (&self->body, g_bytes_unref);
  g_ptr_array_unref (self->headers);
  g_free (self);
}

void
sb_http_request_set_api_key (SbHttpRequest *self,
                             const char    *api_key)
{
  g_return_if_fail (self != NULL);

  g_free (self->api_key);
  self->api_key = (api_key != NULL && *api_key != '\0') ? g_strdup (api_key) : NULL;
}

void
sb_http_request_set_body (SbHttpRequest *self,
                          const char    *content_type,
                          GBytes        *body)
{
  g_return_if_fail (self != NULL);

  g_free (self->content_type);
  self->content_type = g_strdup (content_type);
  g_clear_pointer (&self->body, g_bytes_unref);
  self->body = body ? g_bytes_ref (body) : NULL;
}

void
sb_http_request_set_json (SbHttpRequest *self,
                          JsonNode      *body)
{
  g_autoptr(JsonGenerator) generator = NULL;
  g_autoptr(GBytes) bytes = NULL;
  gsize length = 0;
  char *text;

  g_return_if_fail (self != NULL);
  g_return_if_fail (body != NULL);

  generator = json_generator_new ();
  json_generator_set_root (generator, body);
  text = json_generator_to_data (generator, &length);
  bytes = g_bytes_new_take (text, length);
  sb_http_request_set_body (self, "application/json", bytes);
}

void
sb_http_request_set_multipart (SbHttpRequest *self,
                               SoupMultipart *multipart)
{
  g_autoptr(SoupMessageHeaders) headers = NULL;
  g_autoptr(GBytes) body = NULL;
  g_autofree char *content_type = NULL;
  GHashTable *params = NULL;
  const char *media;

  g_return_if_fail (self != NULL);
  g_return_if_fail (multipart != NULL);

  headers = soup_message_headers_new (SOUP_MESSAGE_HEADERS_REQUEST);
  soup_multipart_to_message (multipart, headers, &body);
  media = soup_message_headers_get_content_type (headers, &params);
  content_type = g_strdup (soup_message_headers_get_one (headers, "Content-Type"));
  if (content_type == NULL)
    content_type = g_strdup (media);
  g_clear_pointer (&params, g_hash_table_unref);

  sb_http_request_set_body (self, content_type, body);
}

void
sb_http_request_add_header (SbHttpRequest *self,
                            const char    *name,
                            const char    *value)
{
  g_return_if_fail (self != NULL);
  g_return_if_fail (name != NULL);
  g_return_if_fail (value != NULL);

  g_ptr_array_add (self->headers, g_strdup (name));
  g_ptr_array_add (self->headers, g_strdup (value));
}

void
sb_http_request_set_retry_class (SbHttpRequest    *self,
                                 SbHttpRetryClass  retry_class)
{
  g_return_if_fail (self != NULL);

  self->retry_class = retry_class;
}

void
sb_http_request_set_timeout (SbHttpRequest *self,
                             guint          seconds)
{
  g_return_if_fail (self != NULL);

  self->timeout = seconds;
}

void
sb_http_request_set_max_body (SbHttpRequest *self,
                              gsize          max_bytes)
{
  g_return_if_fail (self != NULL);

  self->max_body = max_bytes;
}

void
sb_http_request_set_streamed (SbHttpRequest *self,
                              gboolean       streamed)
{
  g_return_if_fail (self != NULL);

  self->streamed = !!streamed;
}

const char *
sb_http_request_get_url (SbHttpRequest *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return self->url;
}

/* ---- Responses --------------------------------------------------------- */

static SbHttpResponse *
sb_http_response_copy (SbHttpResponse *self)
{
  SbHttpResponse *copy = g_new0 (SbHttpResponse, 1);

  *copy = *self;
  copy->headers = self->headers ? soup_message_headers_ref (self->headers) : NULL;
  copy->body = self->body ? g_bytes_ref (self->body) : NULL;
  copy->stream = self->stream ? g_object_ref (self->stream) : NULL;
  copy->url = g_strdup (self->url);

  return copy;
}

G_DEFINE_BOXED_TYPE (SbHttpResponse, sb_http_response, sb_http_response_copy, sb_http_response_free)

void
sb_http_response_free (SbHttpResponse *self)
{
  if (self == NULL)
    return;

  g_clear_pointer (&self->headers, soup_message_headers_unref);
  g_clear_pointer (&self->body, g_bytes_unref);
  g_clear_object (&self->stream);
  g_free (self->url);
  g_free (self);
}

char *
sb_http_response_dup_media_type (SbHttpResponse *self)
{
  const char *media;

  g_return_val_if_fail (self != NULL, NULL);

  if (self->headers == NULL)
    return NULL;

  media = soup_message_headers_get_content_type (self->headers, NULL);
  return media ? g_ascii_strdown (media, -1) : NULL;
}

JsonNode *
sb_http_response_parse_json (SbHttpResponse  *self,
                             SbProviderKind   kind,
                             GError         **error)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) local_error = NULL;
  const char *data;
  gsize size = 0;
  JsonNode *root;

  g_return_val_if_fail (self != NULL, NULL);

  data = self->body ? g_bytes_get_data (self->body, &size) : NULL;

  /* Some OpenAI-compatible servers send blank keep-alive lines first. */
  while (size > 0 && g_ascii_isspace (*data))
    {
      data++;
      size--;
    }

  if (size == 0)
    {
      g_propagate_error (error, sb_provider_error_new (kind, SB_PROVIDER_ERROR_BAD_RESPONSE, _("empty answer")));
      return NULL;
    }

  if (!json_parser_load_from_data (parser, data, size, &local_error))
    {
      g_debug ("Unparsable JSON from %s: %s", sb_provider_kind_get_name (kind), local_error->message);
      g_propagate_error (error, sb_provider_error_new (kind, SB_PROVIDER_ERROR_BAD_RESPONSE, _("not valid JSON")));
      return NULL;
    }

  root = json_parser_get_root (parser);
  if (root == NULL || (!JSON_NODE_HOLDS_OBJECT (root) && !JSON_NODE_HOLDS_ARRAY (root)))
    {
      g_propagate_error (error, sb_provider_error_new (kind, SB_PROVIDER_ERROR_BAD_RESPONSE, _("not a JSON object")));
      return NULL;
    }

  return json_node_copy (root);
}

/* ---- Retry policy ------------------------------------------------------ */

static gboolean
body_contains (GBytes     *body,
               const char *needle)
{
  gsize size = 0;
  const char *data;

  if (body == NULL)
    return FALSE;

  data = g_bytes_get_data (body, &size);
  return data != NULL && g_strstr_len (data, size, needle) != NULL;
}

/* A Replicate create answered 503 may still carry the prediction it made. */
static gboolean
body_is_prediction (GBytes *body)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  gsize size = 0;
  const char *data;
  JsonObject *object;

  if (body == NULL)
    return FALSE;

  data = g_bytes_get_data (body, &size);
  if (size == 0 || !json_parser_load_from_data (parser, data, size, NULL))
    return FALSE;

  if (!JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    return FALSE;

  object = json_node_get_object (json_parser_get_root (parser));
  return json_object_has_member (object, "id") && json_object_has_member (object, "status");
}

static gboolean
transport_error_before_send (const GError *error)
{
  return error->domain == G_RESOLVER_ERROR ||
         g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CONNECTION_REFUSED) ||
         g_error_matches (error, G_IO_ERROR, G_IO_ERROR_HOST_UNREACHABLE) ||
         g_error_matches (error, G_IO_ERROR, G_IO_ERROR_NETWORK_UNREACHABLE) ||
         g_error_matches (error, G_IO_ERROR, G_IO_ERROR_HOST_NOT_FOUND);
}

static gint64
backoff_delay (guint attempts_done)
{
  /* 0.5 s, 1 s, 2 s, 4 s, 8 s (cap), each +-25 % jitter. */
  double base = 500.0 * pow (2.0, MIN (attempts_done, 5) - 1);

  base = MIN (base, 8000.0);
  return (gint64) (base * g_random_double_range (0.75, 1.25));
}

SbRetryDecision
sb_http_decide_retry (SbProviderKind      kind,
                      SbHttpRetryClass    retry_class,
                      guint               status,
                      SoupMessageHeaders *headers,
                      GBytes             *body,
                      const GError       *transport_error,
                      guint               attempts_done,
                      guint               max_attempts,
                      double              backoff_scale)
{
  SbRetryDecision no = { FALSE, SB_RETRY_WAIT_NONE, 0 };
  SbRetryDecision yes = { TRUE, SB_RETRY_WAIT_BACKOFF, 0 };
  gboolean repeatable = retry_class == SB_HTTP_RETRY_IDEMPOTENT ||
                        retry_class == SB_HTTP_RETRY_REPEATABLE;
  gint64 hint = -1;

  if (retry_class == SB_HTTP_RETRY_NEVER || attempts_done >= max_attempts)
    return no;

  if (transport_error != NULL)
    {
      if (g_error_matches (transport_error, G_IO_ERROR, G_IO_ERROR_CANCELLED) ||
          transport_error->domain == G_TLS_ERROR ||
          transport_error->domain == SB_PROVIDER_ERROR)
        return no;

      /* Nothing reached the server: safe even for a create. */
      if (!transport_error_before_send (transport_error) && !repeatable)
        return no;
    }
  else
    {
      const char *should_retry = headers ? soup_message_headers_get_one (headers, "x-should-retry") : NULL;

      if (g_strcmp0 (should_retry, "false") == 0)
        return no;

      hint = sb_provider_parse_retry_after (kind, headers, NULL);
      if (hint < 0 && status == 429 && body != NULL)
        {
          g_autofree char *text = g_strndup (g_bytes_get_data (body, NULL), g_bytes_get_size (body));
          hint = sb_provider_parse_retry_after (kind, NULL, text);
        }

      switch (status)
        {
        case 429:
          /* Billing in disguise: retrying cannot help. */
          if (body_contains (body, "insufficient_quota"))
            return no;
          /* Anthropic's spend-cap 429 comes without retry-after. */
          if (kind == SB_PROVIDER_ANTHROPIC && hint < 0)
            return no;
          break;

        case 503:
        case 529:
          if (retry_class == SB_HTTP_RETRY_CREATE && body_is_prediction (body))
            return no;
          break;

        case 408:
        case 500:
        case 502:
        case 504:
        case 524:
          if (!repeatable)
            return no;
          break;

        default:
          if (status >= 500 && status <= 599 && repeatable)
            break;
          return no;
        }
    }

  if (hint >= 0)
    {
      if (hint > SB_HTTP_GIVE_UP_RETRY_AFTER_MS)
        return no;
      yes.wait = SB_RETRY_WAIT_RETRY_AFTER;
      yes.delay_ms = MIN (hint, SB_HTTP_MAX_RETRY_AFTER_MS);
    }
  else
    {
      yes.wait = SB_RETRY_WAIT_BACKOFF;
      yes.delay_ms = backoff_delay (attempts_done);
    }

  yes.delay_ms = (gint64) (yes.delay_ms * backoff_scale);

  return yes;
}

/* ---- The session ------------------------------------------------------- */

struct _SbHttp
{
  GObject parent_instance;

  /* Owned */
  SoupSession      *session;
  SbProviderConfig *config;
  double            backoff_scale;
  guint             max_attempts;
};

G_DEFINE_FINAL_TYPE (SbHttp, sb_http, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_CONFIG,
  PROP_BACKOFF_SCALE,
  PROP_MAX_ATTEMPTS,
  N_PROPS
};

enum {
  RETRYING,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

static void
sb_http_dispose (GObject *object)
{
  SbHttp *self = SB_HTTP (object);

  g_clear_object (&self->session);
  g_clear_object (&self->config);

  G_OBJECT_CLASS (sb_http_parent_class)->dispose (object);
}

static void
sb_http_get_property (GObject    *object,
                      guint       prop_id,
                      GValue     *value,
                      GParamSpec *pspec)
{
  SbHttp *self = SB_HTTP (object);

  switch (prop_id)
    {
    case PROP_CONFIG:
      g_value_set_object (value, self->config);
      break;

    case PROP_BACKOFF_SCALE:
      g_value_set_double (value, self->backoff_scale);
      break;

    case PROP_MAX_ATTEMPTS:
      g_value_set_uint (value, self->max_attempts);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sb_http_set_property (GObject      *object,
                      guint         prop_id,
                      const GValue *value,
                      GParamSpec   *pspec)
{
  SbHttp *self = SB_HTTP (object);

  switch (prop_id)
    {
    case PROP_CONFIG:
      self->config = g_value_dup_object (value);
      if (self->config == NULL)
        self->config = g_object_ref (sb_provider_config_get_default ());
      break;

    case PROP_BACKOFF_SCALE:
      sb_http_set_backoff_scale (self, g_value_get_double (value));
      break;

    case PROP_MAX_ATTEMPTS:
      sb_http_set_max_attempts (self, g_value_get_uint (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sb_http_class_init (SbHttpClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = sb_http_dispose;
  object_class->get_property = sb_http_get_property;
  object_class->set_property = sb_http_set_property;

  properties[PROP_CONFIG] =
    g_param_spec_object ("config", NULL, NULL,
                         SB_TYPE_PROVIDER_CONFIG,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);

  properties[PROP_BACKOFF_SCALE] =
    g_param_spec_double ("backoff-scale", NULL, NULL,
                         0.0, 1000.0, 1.0,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  properties[PROP_MAX_ATTEMPTS] =
    g_param_spec_uint ("max-attempts", NULL, NULL,
                       1, 20, 4,
                       G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * SbHttp::retrying:
   * @kind: the provider (SbProviderKind)
   * @attempt: the attempt that just failed (1-based)
   * @wait: the SbRetryWait class of the coming wait
   * @delay_ms: the scaled wait
   * @status: the HTTP status, 0 for a transport error
   */
  signals[RETRYING] =
    g_signal_new ("retrying",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 5, G_TYPE_UINT, G_TYPE_UINT, G_TYPE_UINT, G_TYPE_INT64, G_TYPE_UINT);
}

static void
sb_http_init (SbHttp *self)
{
  const char *scale = g_getenv ("STORYBOARD_BACKOFF_SCALE");

  self->session = g_object_new (SOUP_TYPE_SESSION,
                                "user-agent", "Storyboard/" PACKAGE_VERSION,
                                "timeout", 0,
                                "idle-timeout", 60,
                                NULL);
  self->max_attempts = 4;
  self->backoff_scale = 1.0;
  if (scale != NULL && *scale != '\0')
    self->backoff_scale = CLAMP (g_ascii_strtod (scale, NULL), 0.0, 1000.0);
}

SbHttp *
sb_http_new (SbProviderConfig *config)
{
  g_return_val_if_fail (config == NULL || SB_IS_PROVIDER_CONFIG (config), NULL);

  return g_object_new (SB_TYPE_HTTP, "config", config, NULL);
}

SbHttp *
sb_http_get_default (void)
{
  static SbHttp *instance;

  if (g_once_init_enter (&instance))
    g_once_init_leave (&instance, sb_http_new (NULL));

  return instance;
}

SoupSession *
sb_http_get_session (SbHttp *self)
{
  g_return_val_if_fail (SB_IS_HTTP (self), NULL);

  return self->session;
}

SbProviderConfig *
sb_http_get_config (SbHttp *self)
{
  g_return_val_if_fail (SB_IS_HTTP (self), NULL);

  return self->config;
}

double
sb_http_get_backoff_scale (SbHttp *self)
{
  g_return_val_if_fail (SB_IS_HTTP (self), 1.0);

  return self->backoff_scale;
}

void
sb_http_set_backoff_scale (SbHttp *self,
                           double  scale)
{
  g_return_if_fail (SB_IS_HTTP (self));
  g_return_if_fail (scale >= 0);

  if (self->backoff_scale == scale)
    return;

  self->backoff_scale = scale;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BACKOFF_SCALE]);
}

guint
sb_http_get_max_attempts (SbHttp *self)
{
  g_return_val_if_fail (SB_IS_HTTP (self), 1);

  return self->max_attempts;
}

void
sb_http_set_max_attempts (SbHttp *self,
                          guint   max_attempts)
{
  g_return_if_fail (SB_IS_HTTP (self));
  g_return_if_fail (max_attempts >= 1);

  if (self->max_attempts == max_attempts)
    return;

  self->max_attempts = max_attempts;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MAX_ATTEMPTS]);
}

/* ---- Sending ----------------------------------------------------------- */

typedef struct
{
  SbHttp          *http;          /* borrowed from the task source object */
  SbHttpRequest   *request;
  char            *url;           /* current hop */
  char            *method;        /* current hop */
  gboolean         send_body;
  SoupMessage     *msg;
  GCancellable    *attempt_cancellable;
  GCancellable    *task_cancellable;
  gulong           cancelled_id;
  guint            timeout_source;
  guint            wait_source;
  GByteArray      *buffer;
  GInputStream    *stream;
  guint            attempts;
  guint            redirects;
  SbRetryWait      wait;
  gint64           waited_ms;
  gboolean         timed_out;
  gboolean         sent_api_key;
  gboolean         finished;
} SendData;

static void
send_data_free (SendData *data)
{
  g_clear_handle_id (&data->timeout_source, g_source_remove);
  g_clear_handle_id (&data->wait_source, g_source_remove);
  if (data->cancelled_id != 0)
    g_cancellable_disconnect (data->task_cancellable, data->cancelled_id);
  g_clear_object (&data->task_cancellable);
  g_clear_object (&data->attempt_cancellable);
  g_clear_object (&data->msg);
  g_clear_object (&data->stream);
  g_clear_pointer (&data->buffer, g_byte_array_unref);
  g_clear_pointer (&data->request, sb_http_request_unref);
  g_free (data->url);
  g_free (data->method);
  g_free (data);
}

static void start_attempt (GTask *task);

static void
task_return_error (GTask  *task,
                   GError *error)
{
  SendData *data = g_task_get_task_data (task);

  if (data->finished)
    {
      g_error_free (error);
      return;
    }

  data->finished = TRUE;
  g_clear_handle_id (&data->timeout_source, g_source_remove);
  g_clear_handle_id (&data->wait_source, g_source_remove);
  sb_provider_error_set_attempts (error, data->attempts, data->wait);
  g_task_return_error (task, error);
}

static gboolean
wait_cancelled_cb (gpointer user_data)
{
  GTask *task = user_data;

  task_return_error (task, g_error_new_literal (G_IO_ERROR, G_IO_ERROR_CANCELLED,
                                                _("Operation was cancelled")));
  return G_SOURCE_REMOVE;
}

static void
task_cancelled_cb (GCancellable *cancellable,
                   GTask        *task)
{
  SendData *data = g_task_get_task_data (task);

  /* Runs in the thread that cancelled; keep it minimal. */
  if (data->attempt_cancellable != NULL)
    g_cancellable_cancel (data->attempt_cancellable);
}

static gboolean
attempt_timeout_cb (gpointer user_data)
{
  GTask *task = user_data;
  SendData *data = g_task_get_task_data (task);

  data->timeout_source = 0;
  data->timed_out = TRUE;
  g_debug ("%s %s timed out", data->method, data->url);
  g_cancellable_cancel (data->attempt_cancellable);

  return G_SOURCE_REMOVE;
}

static gboolean
retry_wait_done_cb (gpointer user_data)
{
  GTask *task = user_data;
  SendData *data = g_task_get_task_data (task);

  data->wait_source = 0;
  if (g_cancellable_is_cancelled (data->task_cancellable))
    {
      wait_cancelled_cb (task);
      return G_SOURCE_REMOVE;
    }

  start_attempt (task);
  return G_SOURCE_REMOVE;
}

static gboolean
cancel_poll_cb (gpointer user_data)
{
  GTask *task = user_data;
  SendData *data = g_task_get_task_data (task);

  if (data->wait_source != 0 && g_cancellable_is_cancelled (data->task_cancellable))
    {
      g_clear_handle_id (&data->wait_source, g_source_remove);
      wait_cancelled_cb (task);
      return G_SOURCE_REMOVE;
    }

  return data->wait_source != 0 ? G_SOURCE_CONTINUE : G_SOURCE_REMOVE;
}

/* Ends the current attempt with either a transport error or a response,
 * and either schedules another attempt or completes the task. */
static void
attempt_failed (GTask        *task,
                const GError *transport_error,
                guint         status,
                GBytes       *body)
{
  SendData *data = g_task_get_task_data (task);
  SbHttpRequest *request = data->request;
  SoupMessageHeaders *headers = NULL;
  SbRetryDecision decision;

  g_clear_handle_id (&data->timeout_source, g_source_remove);

  if (transport_error != NULL &&
      g_error_matches (transport_error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      if (!data->timed_out)
        {
          task_return_error (task, g_error_copy (transport_error));
          return;
        }
    }

  if (transport_error == NULL && data->msg != NULL)
    headers = soup_message_get_response_headers (data->msg);

  {
    g_autoptr(GError) timeout_error = NULL;

    if (data->timed_out)
      timeout_error = g_error_new_literal (G_IO_ERROR, G_IO_ERROR_TIMED_OUT, "timed out");

    decision = sb_http_decide_retry (request->kind, request->retry_class,
                                     status, headers, body,
                                     timeout_error ? timeout_error : transport_error,
                                     data->attempts,
                                     data->http->max_attempts,
                                     data->http->backoff_scale);

    if (!decision.retry)
      {
        GError *error;

        if (timeout_error != NULL)
          error = sb_provider_error_new_from_transport (request->kind, timeout_error);
        else if (transport_error != NULL)
          error = sb_provider_error_new_from_transport (request->kind, transport_error);
        else
          error = sb_provider_error_new_from_response (request->kind, status, headers, body,
                                                       request->api_key);

        g_debug ("%s %s failed after %u attempt(s): %s",
                 data->method, data->url, data->attempts, error->message);
        task_return_error (task, error);
        return;
      }
  }

  g_debug ("%s %s: attempt %u failed (status %u), retrying in %" G_GINT64_FORMAT " ms (%s)",
           data->method, data->url, data->attempts, status, decision.delay_ms,
           decision.wait == SB_RETRY_WAIT_RETRY_AFTER ? "retry-after" : "backoff");

  g_signal_emit (data->http, signals[RETRYING], 0,
                 (guint) request->kind, data->attempts, (guint) decision.wait,
                 decision.delay_ms, status);

  data->wait = decision.wait;
  data->waited_ms += decision.delay_ms;
  data->wait_source = g_timeout_add_full (G_PRIORITY_DEFAULT,
                                          (guint) MIN (decision.delay_ms, G_MAXUINT),
                                          retry_wait_done_cb,
                                          g_object_ref (task),
                                          g_object_unref);
  /* Notice a cancellation during a long wait. */
  if (decision.delay_ms > 100)
    g_timeout_add_full (G_PRIORITY_DEFAULT, 100, cancel_poll_cb,
                        g_object_ref (task), g_object_unref);
}

static void
complete_response (GTask  *task,
                   GBytes *body)
{
  SendData *data = g_task_get_task_data (task);
  SbHttpResponse *response = g_new0 (SbHttpResponse, 1);

  g_clear_handle_id (&data->timeout_source, g_source_remove);

  response->status = soup_message_get_status (data->msg);
  response->headers = soup_message_headers_ref (soup_message_get_response_headers (data->msg));
  response->body = body ? g_bytes_ref (body) : NULL;
  response->stream = g_steal_pointer (&data->stream);
  response->url = g_strdup (data->url);
  response->attempts = data->attempts;
  response->wait = data->wait;
  response->waited_ms = data->waited_ms;
  response->sent_api_key = data->sent_api_key;

  g_debug ("%s %s -> %u after %u attempt(s)", data->method, data->url,
           response->status, data->attempts);

  data->finished = TRUE;
  g_task_return_pointer (task, response, (GDestroyNotify) sb_http_response_free);
}

static void
body_read_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  SendData *data = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) chunk = NULL;
  guint status;

  chunk = g_input_stream_read_bytes_finish (G_INPUT_STREAM (object), result, &error);
  if (chunk == NULL)
    {
      g_clear_object (&data->stream);
      attempt_failed (task, error, 0, NULL);
      return;
    }

  if (g_bytes_get_size (chunk) > 0)
    {
      if (data->buffer->len + g_bytes_get_size (chunk) > data->request->max_body)
        {
          g_input_stream_close_async (data->stream, G_PRIORITY_DEFAULT, NULL, NULL, NULL);
          task_return_error (task, sb_provider_error_new (data->request->kind,
                                                          SB_PROVIDER_ERROR_TOO_LARGE, NULL));
          return;
        }

      g_byte_array_append (data->buffer, g_bytes_get_data (chunk, NULL), g_bytes_get_size (chunk));
      g_input_stream_read_bytes_async (data->stream, READ_CHUNK, G_PRIORITY_DEFAULT,
                                       data->attempt_cancellable, body_read_cb,
                                       g_steal_pointer (&task));
      return;
    }

  /* EOF */
  g_clear_object (&data->stream);
  status = soup_message_get_status (data->msg);

  /* A connection closed before Content-Length bytes arrived is a cut
   * answer, not a short one: never hand half a file back as a success.
   * (A content-encoded body is decoded, so its length differs.) */
  if (SOUP_STATUS_IS_SUCCESSFUL (status))
    {
      SoupMessageHeaders *headers = soup_message_get_response_headers (data->msg);
      goffset expected = soup_message_headers_get_content_length (headers);

      if (soup_message_headers_get_encoding (headers) == SOUP_ENCODING_CONTENT_LENGTH &&
          soup_message_headers_get_one (headers, "Content-Encoding") == NULL &&
          expected > 0 && (goffset) data->buffer->len < expected)
        {
          g_autoptr(GError) cut = NULL;

          cut = g_error_new (G_IO_ERROR, G_IO_ERROR_PARTIAL_INPUT,
                             "The answer was cut short (%u of %" G_GOFFSET_FORMAT " bytes)",
                             data->buffer->len, expected);
          g_byte_array_set_size (data->buffer, 0);
          attempt_failed (task, cut, 0, NULL);
          return;
        }
    }

  {
    g_autoptr(GBytes) body = g_byte_array_free_to_bytes (g_steal_pointer (&data->buffer));

    data->buffer = g_byte_array_new ();

    if (SOUP_STATUS_IS_SUCCESSFUL (status))
      complete_response (task, body);
    else
      attempt_failed (task, NULL, status, body);
  }
}

static gboolean
follow_redirect (GTask *task)
{
  SendData *data = g_task_get_task_data (task);
  guint status = soup_message_get_status (data->msg);
  const char *location;
  g_autofree char *next = NULL;

  if (status != 301 && status != 302 && status != 303 && status != 307 && status != 308)
    return FALSE;

  location = soup_message_headers_get_one (soup_message_get_response_headers (data->msg), "Location");
  if (location == NULL)
    return FALSE;

  if (++data->redirects > MAX_REDIRECTS)
    {
      task_return_error (task, sb_provider_error_new (data->request->kind,
                                                      SB_PROVIDER_ERROR_BAD_RESPONSE,
                                                      _("too many redirects")));
      return TRUE;
    }

  next = g_uri_resolve_relative (data->url, location, G_URI_FLAGS_NONE, NULL);
  if (next == NULL ||
      (!g_str_has_prefix (next, "https://") && !g_str_has_prefix (next, "http://")))
    {
      task_return_error (task, sb_provider_error_new (data->request->kind,
                                                      SB_PROVIDER_ERROR_BAD_RESPONSE,
                                                      _("bad redirect")));
      return TRUE;
    }

  if (status == 303 || ((status == 301 || status == 302) && g_str_equal (data->method, "POST")))
    {
      g_free (data->method);
      data->method = g_strdup ("GET");
      data->send_body = FALSE;
    }

  g_debug ("Redirected to %s", next);
  g_free (data->url);
  data->url = g_steal_pointer (&next);

  g_clear_object (&data->stream);
  /* A redirect hop is not a retry. */
  data->attempts--;
  start_attempt (task);

  return TRUE;
}

static void
send_cb (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  SendData *data = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  goffset content_length;
  guint status;

  data->stream = soup_session_send_finish (SOUP_SESSION (object), result, &error);
  if (data->stream == NULL)
    {
      attempt_failed (task, error, 0, NULL);
      return;
    }

  if (follow_redirect (task))
    return;

  status = soup_message_get_status (data->msg);

  if (data->request->streamed && SOUP_STATUS_IS_SUCCESSFUL (status))
    {
      complete_response (task, NULL);
      return;
    }

  content_length = soup_message_headers_get_content_length (soup_message_get_response_headers (data->msg));
  if (SOUP_STATUS_IS_SUCCESSFUL (status) && content_length > 0 &&
      (guint64) content_length > data->request->max_body)
    {
      task_return_error (task, sb_provider_error_new (data->request->kind,
                                                      SB_PROVIDER_ERROR_TOO_LARGE, NULL));
      return;
    }

  g_input_stream_read_bytes_async (data->stream, READ_CHUNK, G_PRIORITY_DEFAULT,
                                   data->attempt_cancellable, body_read_cb,
                                   g_steal_pointer (&task));
}

static void
add_auth (SendData    *data,
          SoupMessage *msg)
{
  SbHttpRequest *request = data->request;
  SoupMessageHeaders *headers = soup_message_get_request_headers (msg);

  data->sent_api_key = FALSE;

  if (request->kind == SB_PROVIDER_ANTHROPIC)
    soup_message_headers_replace (headers, "anthropic-version", "2023-06-01");

  if (request->api_key == NULL)
    return;

  if (!sb_provider_config_is_own_url (data->http->config, request->kind, data->url))
    {
      g_debug ("Not sending the %s key to a foreign host", sb_provider_kind_get_name (request->kind));
      return;
    }

  if (request->kind == SB_PROVIDER_ANTHROPIC)
    {
      soup_message_headers_replace (headers, "x-api-key", request->api_key);
    }
  else
    {
      g_autofree char *value = g_strconcat ("Bearer ", request->api_key, NULL);

      soup_message_headers_replace (headers, "Authorization", value);
      memset (value, 0, strlen (value));
    }

  data->sent_api_key = TRUE;
}

static void
start_attempt (GTask *task)
{
  SendData *data = g_task_get_task_data (task);
  SbHttpRequest *request = data->request;
  SoupMessageHeaders *headers;
  g_autoptr(GUri) uri = NULL;

  if (g_cancellable_is_cancelled (data->task_cancellable))
    {
      wait_cancelled_cb (task);
      return;
    }

  uri = g_uri_parse (data->url, SOUP_HTTP_URI_FLAGS, NULL);
  if (uri == NULL || g_uri_get_host (uri) == NULL)
    {
      task_return_error (task, sb_provider_error_new (request->kind,
                                                      SB_PROVIDER_ERROR_INVALID_INPUT,
                                                      _("the address is not valid")));
      return;
    }

  data->attempts++;
  data->timed_out = FALSE;
  g_clear_object (&data->msg);
  data->msg = soup_message_new_from_uri (data->method, uri);
  soup_message_add_flags (data->msg, SOUP_MESSAGE_NO_REDIRECT);
  headers = soup_message_get_request_headers (data->msg);

  for (guint i = 0; i + 1 < request->headers->len; i += 2)
    soup_message_headers_replace (headers,
                                  g_ptr_array_index (request->headers, i),
                                  g_ptr_array_index (request->headers, i + 1));

  if (soup_message_headers_get_one (headers, "Accept") == NULL)
    soup_message_headers_replace (headers, "Accept",
                                  request->streamed ? "text/event-stream" : "application/json");

  add_auth (data, data->msg);

  if (data->send_body && request->body != NULL)
    soup_message_set_request_body_from_bytes (data->msg, request->content_type, request->body);

  g_clear_object (&data->attempt_cancellable);
  data->attempt_cancellable = g_cancellable_new ();
  if (g_cancellable_is_cancelled (data->task_cancellable))
    g_cancellable_cancel (data->attempt_cancellable);

  g_clear_pointer (&data->buffer, g_byte_array_unref);
  data->buffer = g_byte_array_new ();

  g_clear_handle_id (&data->timeout_source, g_source_remove);
  if (request->timeout > 0)
    data->timeout_source = g_timeout_add_seconds_full (G_PRIORITY_DEFAULT, request->timeout,
                                                       attempt_timeout_cb,
                                                       g_object_ref (task), g_object_unref);

  g_debug ("%s %s (attempt %u)", data->method, data->url, data->attempts);

  soup_session_send_async (data->http->session, data->msg, G_PRIORITY_DEFAULT,
                           data->attempt_cancellable, send_cb, g_object_ref (task));
}

void
sb_http_send_async (SbHttp              *self,
                    SbHttpRequest       *request,
                    GCancellable        *cancellable,
                    GAsyncReadyCallback  callback,
                    gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  SendData *data;

  g_return_if_fail (SB_IS_HTTP (self));
  g_return_if_fail (request != NULL);
  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, sb_http_send_async);

  data = g_new0 (SendData, 1);
  data->http = self;
  data->request = sb_http_request_ref (request);
  data->url = g_strdup (request->url);
  data->method = g_strdup (request->method);
  data->send_body = TRUE;
  data->task_cancellable = cancellable ? g_object_ref (cancellable) : g_cancellable_new ();
  g_task_set_task_data (task, data, (GDestroyNotify) send_data_free);

  /* The handler only forwards to the attempt's cancellable; the weak task
   * pointer is safe because send_data_free() disconnects it. */
  data->cancelled_id = g_cancellable_connect (data->task_cancellable,
                                              G_CALLBACK (task_cancelled_cb),
                                              task, NULL);

  start_attempt (task);
}

SbHttpResponse *
sb_http_send_finish (SbHttp        *self,
                     GAsyncResult  *result,
                     GError       **error)
{
  g_return_val_if_fail (SB_IS_HTTP (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/* ---- Downloads --------------------------------------------------------- */

static SbDownload *
sb_download_copy (SbDownload *self)
{
  SbDownload *copy = g_new0 (SbDownload, 1);

  copy->bytes = self->bytes ? g_bytes_ref (self->bytes) : NULL;
  copy->mime_type = g_strdup (self->mime_type);
  copy->url = g_strdup (self->url);
  copy->attempts = self->attempts;

  return copy;
}

G_DEFINE_BOXED_TYPE (SbDownload, sb_download, sb_download_copy, sb_download_free)

void
sb_download_free (SbDownload *self)
{
  if (self == NULL)
    return;

  g_clear_pointer (&self->bytes, g_bytes_unref);
  g_free (self->mime_type);
  g_free (self->url);
  g_free (self);
}

static gboolean
same_family (const char *a,
             const char *b)
{
  static const char *iso_bmff[] = { "video/mp4", "video/quicktime", NULL };

  if (g_ascii_strcasecmp (a, b) == 0)
    return TRUE;

  if (g_strv_contains (iso_bmff, a) && g_strv_contains (iso_bmff, b))
    return TRUE;

  /* A common misspelling servers send. */
  if (g_ascii_strcasecmp (a, "image/jpg") == 0 && g_str_equal (b, "image/jpeg"))
    return TRUE;

  return FALSE;
}

gboolean
sb_http_check_media (SbProviderKind   kind,
                     GBytes          *bytes,
                     const char      *claimed,
                     char           **out_mime_type,
                     GError         **error)
{
  const char *sniffed;
  gsize size = 0;
  const guint8 *data;

  g_return_val_if_fail (bytes != NULL, FALSE);

  data = g_bytes_get_data (bytes, &size);
  if (size == 0)
    {
      g_propagate_error (error, sb_provider_error_new (kind, SB_PROVIDER_ERROR_BAD_RESPONSE,
                                                       _("the file is empty")));
      return FALSE;
    }

  sniffed = sb_media_sniff (data, size);
  if (sniffed == NULL)
    {
      g_propagate_error (error, sb_provider_error_new (kind, SB_PROVIDER_ERROR_BAD_RESPONSE,
                                                       _("the file is not an image or a video")));
      return FALSE;
    }

  if (claimed != NULL &&
      (g_str_has_prefix (claimed, "image/") || g_str_has_prefix (claimed, "video/")) &&
      !same_family (claimed, sniffed))
    {
      g_autofree char *detail = g_strdup_printf (_("the file claims to be %s but is %s"), claimed, sniffed);

      g_propagate_error (error, sb_provider_error_new (kind, SB_PROVIDER_ERROR_BAD_RESPONSE, detail));
      return FALSE;
    }

  if (out_mime_type != NULL)
    *out_mime_type = g_strdup (sniffed);

  return TRUE;
}

typedef struct
{
  SbProviderKind  kind;
  char           *api_key;
  char           *url;
  gsize           max_bytes;
  gboolean        with_key;
  guint           attempts;
} DownloadData;

static void
download_data_free (DownloadData *data)
{
  if (data->api_key != NULL)
    memset (data->api_key, 0, strlen (data->api_key));
  g_free (data->api_key);
  g_free (data->url);
  g_free (data);
}

static void download_send (GTask *task);

static void
download_cb (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  DownloadData *data = g_task_get_task_data (task);
  SbHttp *self = SB_HTTP (object);
  g_autoptr(SbHttpResponse) response = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *claimed = NULL;
  g_autofree char *mime_type = NULL;
  SbDownload *download;

  response = sb_http_send_finish (self, result, &error);
  if (response == NULL)
    {
      data->attempts += sb_provider_error_get_attempts (error);

      /* The file host wants the token: repeat once with it, own hosts only. */
      if (g_error_matches (error, SB_PROVIDER_ERROR, SB_PROVIDER_ERROR_AUTH) &&
          !data->with_key && data->api_key != NULL &&
          sb_provider_config_is_own_url (self->config, data->kind, data->url))
        {
          data->with_key = TRUE;
          download_send (g_steal_pointer (&task));
          return;
        }

      sb_provider_error_set_attempts (error, data->attempts, sb_provider_error_get_wait (error));
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  data->attempts += response->attempts;
  claimed = sb_http_response_dup_media_type (response);
  if (!sb_http_check_media (data->kind, response->body, claimed, &mime_type, &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  download = g_new0 (SbDownload, 1);
  download->bytes = g_bytes_ref (response->body);
  download->mime_type = g_steal_pointer (&mime_type);
  download->url = g_strdup (response->url);
  download->attempts = data->attempts;

  g_task_return_pointer (task, download, (GDestroyNotify) sb_download_free);
}

static void
download_send (GTask *task)
{
  DownloadData *data = g_task_get_task_data (task);
  g_autoptr(SbHttpRequest) request = NULL;

  request = sb_http_request_new (data->kind, "GET", data->url);
  sb_http_request_add_header (request, "Accept", "image/*, video/*, */*;q=0.5");
  sb_http_request_set_max_body (request, data->max_bytes);
  sb_http_request_set_timeout (request, SB_HTTP_TIMEOUT_DOWNLOAD);
  if (data->with_key)
    sb_http_request_set_api_key (request, data->api_key);

  sb_http_send_async (g_task_get_source_object (task), request,
                      g_task_get_cancellable (task), download_cb, task);
}

void
sb_http_download_async (SbHttp              *self,
                        SbProviderKind       kind,
                        const char          *api_key,
                        const char          *url,
                        gsize                max_bytes,
                        GCancellable        *cancellable,
                        GAsyncReadyCallback  callback,
                        gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  DownloadData *data;

  g_return_if_fail (SB_IS_HTTP (self));
  g_return_if_fail (url != NULL);
  g_return_if_fail (max_bytes > 0);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, sb_http_download_async);

  if (g_ascii_strncasecmp (url, "data:", 5) == 0)
    {
      g_autoptr(GBytes) bytes = NULL;
      g_autoptr(GError) error = NULL;
      g_autofree char *claimed = NULL;
      g_autofree char *mime_type = NULL;
      SbDownload *download;

      bytes = soup_uri_decode_data_uri (url, &claimed);
      if (bytes == NULL)
        {
          g_task_return_error (task, sb_provider_error_new (kind, SB_PROVIDER_ERROR_BAD_RESPONSE,
                                                            _("a data address is not valid")));
          return;
        }

      if (g_bytes_get_size (bytes) > max_bytes)
        {
          g_task_return_error (task, sb_provider_error_new (kind, SB_PROVIDER_ERROR_TOO_LARGE, NULL));
          return;
        }

      if (!sb_http_check_media (kind, bytes, claimed, &mime_type, &error))
        {
          g_task_return_error (task, g_steal_pointer (&error));
          return;
        }

      download = g_new0 (SbDownload, 1);
      download->bytes = g_steal_pointer (&bytes);
      download->mime_type = g_steal_pointer (&mime_type);
      download->url = g_strdup ("data:");
      g_task_return_pointer (task, download, (GDestroyNotify) sb_download_free);
      return;
    }

  if (g_ascii_strncasecmp (url, "https://", 8) != 0 &&
      g_ascii_strncasecmp (url, "http://", 7) != 0)
    {
      g_task_return_error (task, sb_provider_error_new (kind, SB_PROVIDER_ERROR_BAD_RESPONSE,
                                                        _("an output address is not a web address")));
      return;
    }

  data = g_new0 (DownloadData, 1);
  data->kind = kind;
  data->api_key = g_strdup (api_key);
  data->url = g_strdup (url);
  data->max_bytes = max_bytes;
  g_task_set_task_data (task, data, (GDestroyNotify) download_data_free);

  download_send (g_steal_pointer (&task));
}

SbDownload *
sb_http_download_finish (SbHttp        *self,
                         GAsyncResult  *result,
                         GError       **error)
{
  g_return_val_if_fail (SB_IS_HTTP (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}
