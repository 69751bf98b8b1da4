/* fake-util.c
 *
 * Copyright 2026 The Storyboard authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "sb-fake-providers"

#include <string.h>

#include "fake-server.h"

/* ---- faults ------------------------------------------------------------ */

FakeFault *
fake_fault_parse (const char *token)
{
  g_autofree char *copy = NULL;
  FakeFault *fault;
  char *star;
  char *eq;

  if (token == NULL)
    return NULL;

  copy = g_strstrip (g_strdup (token));
  if (*copy == '\0')
    return NULL;

  fault = g_new0 (FakeFault, 1);
  fault->token = g_strdup (copy);

  /* A trailing "*N" limits the fault to the first N matching requests. */
  star = strrchr (copy, '*');
  if (star != NULL && star[1] != '\0' && strspn (star + 1, "0123456789") == strlen (star + 1))
    {
      fault->count = atoi (star + 1);
      *star = '\0';
    }

  eq = strchr (copy, '=');
  if (eq != NULL)
    {
      *eq = '\0';
      fault->value = g_strdup (g_strstrip (eq + 1));
    }
  fault->name = g_ascii_strdown (g_strstrip (copy), -1);

  return fault;
}

void
fake_fault_free (FakeFault *fault)
{
  if (fault == NULL)
    return;
  g_free (fault->name);
  g_free (fault->value);
  g_free (fault->token);
  g_free (fault);
}

void
fake_faults_parse_list (GPtrArray  *out,
                        const char *list)
{
  g_auto(GStrv) parts = NULL;

  if (list == NULL)
    return;

  parts = g_strsplit (list, ",", -1);
  for (guint i = 0; parts[i] != NULL; i++)
    {
      FakeFault *fault = fake_fault_parse (parts[i]);

      if (fault != NULL)
        g_ptr_array_add (out, fault);
    }
}

/* Markers look like "[fake:429*2]" or "[fake:slow=3,truncate]". */
void
fake_faults_from_text (GPtrArray  *out,
                       const char *text)
{
  const char *p = text;

  while (p != NULL && (p = strstr (p, "[fake:")) != NULL)
    {
      const char *end = strchr (p, ']');
      g_autofree char *inner = NULL;

      if (end == NULL)
        break;
      inner = g_strndup (p + 6, end - (p + 6));
      fake_faults_parse_list (out, inner);
      p = end + 1;
    }
}

char *
fake_strip_markers (const char *text)
{
  GString *s = g_string_new (NULL);
  const char *p = text;

  if (text == NULL)
    return g_string_free (s, FALSE);

  while (*p != '\0')
    {
      const char *m = strstr (p, "[fake:");
      const char *end;

      if (m == NULL || (end = strchr (m, ']')) == NULL)
        {
          g_string_append (s, p);
          break;
        }
      g_string_append_len (s, p, m - p);
      p = end + 1;
    }

  return g_strstrip (g_string_free (s, FALSE));
}

static gboolean
route_matches (const char *spec,
               const char *route)
{
  gsize len = strlen (spec);

  if (g_str_equal (spec, "any") || g_str_equal (spec, route))
    return TRUE;
  if (g_str_equal (spec, "llm"))
    return g_str_has_prefix (route, "openai-chat") ||
           g_str_has_prefix (route, "openrouter-chat") ||
           g_str_has_prefix (route, "anthropic-messages");
  return strncmp (spec, route, len) == 0 && route[len] == '-';
}

static void
add_counted (FakeServer *self,
             GPtrArray  *out,
             GPtrArray  *found,
             const char *route)
{
  for (guint i = 0; i < found->len; i++)
    {
      FakeFault *fault = g_ptr_array_index (found, i);

      if (fault->count > 0)
        {
          g_autofree char *key = g_strdup_printf ("%s|%s", route, fault->token);
          int hits = GPOINTER_TO_INT (g_hash_table_lookup (self->fault_counts, key)) + 1;

          g_hash_table_insert (self->fault_counts, g_steal_pointer (&key), GINT_TO_POINTER (hits));
          if (hits > fault->count)
            continue;
        }
      g_ptr_array_add (out, fake_fault_parse (fault->token));
    }
}

/* All faults that apply to this request, from the command line (or
 * POST /_fake/faults), the X-Fake-Fault header and markers in the prompt. */
GPtrArray *
fake_collect_faults (FakeServer        *self,
                     SoupServerMessage *msg,
                     const char        *route,
                     const char        *prompt_text)
{
  GPtrArray *out = g_ptr_array_new_with_free_func ((GDestroyNotify) fake_fault_free);
  g_autoptr(GPtrArray) found = g_ptr_array_new_with_free_func ((GDestroyNotify) fake_fault_free);
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (msg);
  JsonObject *entry = g_object_get_data (G_OBJECT (msg), "fake-log-entry");
  g_autoptr(JsonArray) applied = json_array_new ();

  for (guint i = 0; i < self->run_faults->len; i++)
    {
      FakeRunFault *rf = g_ptr_array_index (self->run_faults, i);

      if (!route_matches (rf->route, route) || rf->remaining == 0)
        continue;
      if (rf->remaining > 0)
        rf->remaining--;
      g_ptr_array_add (out, fake_fault_parse (rf->fault->token));
    }

  fake_faults_parse_list (found, soup_message_headers_get_one (headers, "X-Fake-Fault"));
  fake_faults_from_text (found, prompt_text);
  add_counted (self, out, found, route);

  if (entry != NULL)
    {
      json_object_set_string_member (entry, "route", route);
      for (guint i = 0; i < out->len; i++)
        json_array_add_string_element (applied, ((FakeFault *) g_ptr_array_index (out, i))->token);
      json_object_set_array_member (entry, "faults", json_array_ref (applied));
    }

  return out;
}

FakeFault *
fake_faults_find (GPtrArray  *faults,
                  const char *name)
{
  for (guint i = 0; faults != NULL && i < faults->len; i++)
    {
      FakeFault *fault = g_ptr_array_index (faults, i);

      if (g_str_equal (fault->name, name))
        return fault;
    }
  return NULL;
}

gboolean
fake_faults_has (GPtrArray  *faults,
                 const char *name)
{
  return fake_faults_find (faults, name) != NULL;
}

const char *
fake_faults_value (GPtrArray  *faults,
                   const char *name,
                   const char *fallback)
{
  FakeFault *fault = fake_faults_find (faults, name);

  if (fault == NULL || fault->value == NULL)
    return fallback;
  return fault->value;
}

double
fake_faults_double (GPtrArray  *faults,
                    const char *name,
                    double      fallback)
{
  const char *value = fake_faults_value (faults, name, NULL);

  if (value == NULL)
    return fallback;
  return g_ascii_strtod (value, NULL);
}

/* The first fault that turns the answer into an HTTP error. */
FakeFault *
fake_faults_find_status (GPtrArray *faults)
{
  static const char *named[] = { "quota", "200-error", "invalid-version", "no-version-header", NULL };

  for (guint i = 0; faults != NULL && i < faults->len; i++)
    {
      FakeFault *fault = g_ptr_array_index (faults, i);

      if (g_ascii_isdigit (fault->name[0]) || g_strv_contains (named, fault->name))
        return fault;
    }
  return NULL;
}

/* ---- responses --------------------------------------------------------- */

static const char *
reason_for (guint status)
{
  switch (status)
    {
    case 402:
      return "Payment Required";
    case 410:
      return "Gone";
    case 422:
      return "Unprocessable Entity";
    case 429:
      return "Too Many Requests";
    case 524:
      return "A Timeout Occurred";
    case 529:
      return "Site is overloaded";
    default:
      return soup_status_get_phrase (status);
    }
}

void
fake_send_text (SoupServerMessage *msg,
                guint              status,
                const char        *content_type,
                const char        *text)
{
  soup_server_message_set_status (msg, status, reason_for (status));
  soup_server_message_set_response (msg, content_type, SOUP_MEMORY_COPY, text, strlen (text));
}

void
fake_send_json (SoupServerMessage *msg,
                guint              status,
                const char        *content_type,
                JsonNode          *node)
{
  g_autofree char *text = json_to_string (node, FALSE);

  fake_send_text (msg, status, content_type ? content_type : "application/json", text);
}

void
fake_send_json_object (SoupServerMessage *msg,
                       guint              status,
                       const char        *content_type,
                       JsonObject        *object)
{
  g_autoptr(JsonNode) node = json_node_new (JSON_NODE_OBJECT);

  json_node_set_object (node, object);
  fake_send_json (msg, status, content_type, node);
}

JsonNode *
fake_parse_body (SoupServerMessage *msg)
{
  SoupMessageBody *body = soup_server_message_get_request_body (msg);
  g_autoptr(GBytes) bytes = soup_message_body_flatten (body);
  g_autoptr(JsonParser) parser = json_parser_new ();
  gsize len = 0;
  const char *data = g_bytes_get_data (bytes, &len);

  if (len == 0 || !json_parser_load_from_data (parser, data, len, NULL))
    return NULL;
  return json_node_copy (json_parser_get_root (parser));
}

char *
fake_timestamp (gint64 real_us)
{
  g_autoptr(GDateTime) dt = g_date_time_new_from_unix_utc (real_us / G_USEC_PER_SEC);
  g_autofree char *base = g_date_time_format (dt, "%Y-%m-%dT%H:%M:%S");

  /* Replicate prints 0-9 fractional digits; six is the common case. */
  return g_strdup_printf ("%s.%06dZ", base, (int) (real_us % G_USEC_PER_SEC));
}

char *
fake_random_id (guint length)
{
  static const char alphabet[] = "abcdefghijklmnopqrstuvwxyz0123456789";
  GString *s = g_string_sized_new (length);

  for (guint i = 0; i < length; i++)
    g_string_append_c (s, alphabet[g_random_int_range (0, sizeof alphabet - 1)]);
  return g_string_free (s, FALSE);
}

JsonNode *
fake_load_json (FakeServer  *self,
                const char  *relative_path,
                GError     **error)
{
  /* Recorded bodies are the ones the parser tests read: one copy each. */
  const char *dir = g_str_has_prefix (relative_path, "replicate/") ? self->recorded_dir : self->data_dir;
  g_autofree char *path = g_build_filename (dir, relative_path, NULL);
  g_autoptr(JsonParser) parser = json_parser_new ();

  if (!json_parser_load_from_file (parser, path, error))
    return NULL;
  return json_node_copy (json_parser_get_root (parser));
}

static char *
rewrite_url (FakeServer *self,
             const char *url)
{
  static const char *api = "https://api.replicate.com/v1";
  g_autoptr(GUri) uri = NULL;
  const char *host;

  if (g_str_has_prefix (url, api))
    return g_strconcat (self->base_url, "/v1", url + strlen (api), NULL);

  if (!g_str_has_prefix (url, "https://"))
    return NULL;
  uri = g_uri_parse (url, G_URI_FLAGS_ENCODED, NULL);
  if (uri == NULL || (host = g_uri_get_host (uri)) == NULL)
    return NULL;
  if (g_str_equal (host, "replicate.delivery") || g_str_has_suffix (host, ".replicate.delivery"))
    return g_strconcat (self->files_base_url, "/files/delivery/", host, g_uri_get_path (uri), NULL);

  return NULL;
}

/* Point replicate.delivery and api.replicate.com URLs in recorded bodies at
 * this server, so a client never leaves loopback. */
void
fake_rewrite_urls (FakeServer *self,
                   JsonNode   *node)
{
  if (node == NULL)
    return;

  if (JSON_NODE_HOLDS_OBJECT (node))
    {
      JsonObject *object = json_node_get_object (node);
      g_autoptr(GList) members = json_object_get_members (object);

      for (GList *l = members; l != NULL; l = l->next)
        fake_rewrite_urls (self, json_object_get_member (object, l->data));
    }
  else if (JSON_NODE_HOLDS_ARRAY (node))
    {
      JsonArray *array = json_node_get_array (node);

      for (guint i = 0; i < json_array_get_length (array); i++)
        fake_rewrite_urls (self, json_array_get_element (array, i));
    }
  else if (JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_STRING)
    {
      g_autofree char *url = rewrite_url (self, json_node_get_string (node));

      if (url != NULL)
        json_node_set_string (node, url);
    }
}

void
fake_node_take_string (JsonNode *node,
                       char     *text)
{
  json_node_set_string (node, text);
  g_free (text);
}

/* ---- streaming --------------------------------------------------------- */

typedef enum
{
  ITEM_DATA,
  ITEM_DELAY,
  ITEM_CLOSE,
} ItemKind;

typedef struct
{
  ItemKind kind;
  GBytes *bytes;
  guint delay_ms;
} StreamItem;

struct _FakeStream
{
  FakeServer *self;
  SoupServerMessage *msg;
  GQueue items;
  guint source;
  gboolean split;
  guint split_delay_ms;
  gboolean done;
  gboolean raw;       /* write HTTP by hand on the stolen connection */
  GIOStream *io;
  char *content_type;
};

static void
stream_item_free (StreamItem *item)
{
  g_clear_pointer (&item->bytes, g_bytes_unref);
  g_free (item);
}

static void
stream_free (FakeStream *stream)
{
  g_clear_handle_id (&stream->source, g_source_remove);
  g_queue_clear_full (&stream->items, (GDestroyNotify) stream_item_free);
  g_clear_object (&stream->msg);
  if (stream->io != NULL)
    g_io_stream_close (stream->io, NULL, NULL);
  g_clear_object (&stream->io);
  g_free (stream->content_type);
  g_free (stream);
}

static void
stream_msg_finished (SoupServerMessage *msg,
                     FakeStream        *stream)
{
  g_signal_handlers_disconnect_by_data (msg, stream);
  stream_free (stream);
}

static void
close_connection (SoupServerMessage *msg,
                  GBytes            *raw)
{
  g_autoptr(GIOStream) io = NULL;

  g_object_ref (msg);
  io = soup_server_message_steal_connection (msg);
  if (io != NULL)
    {
      GOutputStream *out = g_io_stream_get_output_stream (io);

      if (raw != NULL)
        g_output_stream_write_all (out, g_bytes_get_data (raw, NULL), g_bytes_get_size (raw),
                                   NULL, NULL, NULL);
      g_output_stream_flush (out, NULL, NULL);
      g_io_stream_close (io, NULL, NULL);
    }
  g_object_unref (msg);
}

/* Chunked framing by hand; FALSE when the client has gone away. */
static gboolean
raw_write (FakeStream *stream,
           GBytes     *bytes,
           gboolean    last)
{
  GOutputStream *out = g_io_stream_get_output_stream (stream->io);
  gsize size = bytes ? g_bytes_get_size (bytes) : 0;
  g_autofree char *head = g_strdup_printf ("%" G_GSIZE_MODIFIER "x\r\n", size);

  if (size == 0 && !last)
    return TRUE;
  if (!g_output_stream_write_all (out, head, strlen (head), NULL, NULL, NULL) ||
      (size > 0 && !g_output_stream_write_all (out, g_bytes_get_data (bytes, NULL), size, NULL, NULL, NULL)) ||
      !g_output_stream_write_all (out, "\r\n", 2, NULL, NULL, NULL))
    return FALSE;
  return g_output_stream_flush (out, NULL, NULL);
}

static gboolean
stream_step (gpointer data)
{
  FakeStream *stream = data;
  StreamItem *item;

  stream->source = 0;

  if (stream->raw)
    {
      while ((item = g_queue_pop_head (&stream->items)) != NULL)
        {
          gboolean ok = TRUE;

          if (item->kind == ITEM_DELAY)
            {
              stream->source = g_timeout_add (item->delay_ms, stream_step, stream);
              stream_item_free (item);
              return G_SOURCE_REMOVE;
            }
          if (item->kind == ITEM_CLOSE)
            {
              /* Hang up without the terminating chunk. */
              stream_item_free (item);
              stream_free (stream);
              return G_SOURCE_REMOVE;
            }
          ok = raw_write (stream, item->bytes, FALSE);
          stream_item_free (item);
          if (!ok)
            {
              stream_free (stream);
              return G_SOURCE_REMOVE;
            }
        }
      raw_write (stream, NULL, TRUE);
      stream_free (stream);
      return G_SOURCE_REMOVE;
    }

  while ((item = g_queue_pop_head (&stream->items)) != NULL)
    {
      if (item->kind == ITEM_DELAY)
        {
          stream->source = g_timeout_add (item->delay_ms, stream_step, stream);
          stream_item_free (item);
          return G_SOURCE_REMOVE;
        }
      g_assert (item->kind == ITEM_DATA);

      if (stream->split && g_bytes_get_size (item->bytes) > 1)
        {
          /* Hand out 1-9 bytes now, keep the rest for after a short pause. */
          gsize size = g_bytes_get_size (item->bytes);
          gsize want = (gsize) g_random_int_range (1, 10);
          gsize piece = MIN (size, want);
          StreamItem *rest = g_new0 (StreamItem, 1);
          StreamItem *pause = g_new0 (StreamItem, 1);
          GBytes *head = g_bytes_new_from_bytes (item->bytes, 0, piece);

          if (piece < size)
            {
              rest->kind = ITEM_DATA;
              rest->bytes = g_bytes_new_from_bytes (item->bytes, piece, size - piece);
              g_queue_push_head (&stream->items, rest);
              pause->kind = ITEM_DELAY;
              pause->delay_ms = stream->split_delay_ms;
              g_queue_push_head (&stream->items, pause);
            }
          else
            {
              g_free (rest);
              g_free (pause);
            }
          stream_item_free (item);
          soup_message_body_append_bytes (soup_server_message_get_response_body (stream->msg), head);
          g_bytes_unref (head);
        }
      else
        {
          soup_message_body_append_bytes (soup_server_message_get_response_body (stream->msg), item->bytes);
          stream_item_free (item);
        }
      soup_server_message_unpause (stream->msg);
    }

  soup_message_body_complete (soup_server_message_get_response_body (stream->msg));
  soup_server_message_unpause (stream->msg);
  stream->done = TRUE;
  return G_SOURCE_REMOVE;
}

FakeStream *
fake_stream_new (FakeServer        *self,
                 SoupServerMessage *msg,
                 const char        *content_type,
                 GPtrArray         *faults)
{
  FakeStream *stream = g_new0 (FakeStream, 1);
  SoupMessageHeaders *headers = soup_server_message_get_response_headers (msg);

  stream->self = self;
  stream->msg = g_object_ref (msg);
  g_queue_init (&stream->items);
  stream->split = fake_faults_has (faults, "split");
  stream->split_delay_ms = (guint) fake_faults_double (faults, "split", 3);
  stream->content_type = g_strdup (content_type);
  {
    JsonObject *entry = g_object_get_data (G_OBJECT (msg), "fake-log-entry");

    /* Streams that end in a hang-up never report "finished". */
    if (entry != NULL)
      json_object_set_int_member (entry, "status", SOUP_STATUS_OK);
  }

  soup_server_message_set_status (msg, SOUP_STATUS_OK, NULL);
  soup_message_headers_set_content_type (headers, content_type, NULL);
  if (g_str_has_prefix (content_type, "text/event-stream"))
    {
      soup_message_headers_set_encoding (headers, SOUP_ENCODING_CHUNKED);
      soup_message_headers_replace (headers, "Cache-Control", "no-cache");
    }
  g_signal_connect (msg, "finished", G_CALLBACK (stream_msg_finished), stream);

  return stream;
}

void
fake_stream_add (FakeStream *stream,
                 const char *text)
{
  StreamItem *item = g_new0 (StreamItem, 1);

  item->kind = ITEM_DATA;
  item->bytes = g_bytes_new (text, strlen (text));
  g_queue_push_tail (&stream->items, item);
}

static void
stream_add_bytes (FakeStream *stream,
                  GBytes     *bytes)
{
  StreamItem *item = g_new0 (StreamItem, 1);

  item->kind = ITEM_DATA;
  item->bytes = g_bytes_ref (bytes);
  g_queue_push_tail (&stream->items, item);
}

void
fake_stream_add_delay (FakeStream *stream,
                       guint       delay_ms)
{
  StreamItem *item = g_new0 (StreamItem, 1);

  item->kind = ITEM_DELAY;
  item->delay_ms = delay_ms;
  g_queue_push_tail (&stream->items, item);
}

/* A stream that ends in a hang-up is written by hand: libsoup would
 * otherwise finish the chunked body properly. */
void
fake_stream_add_close (FakeStream *stream)
{
  StreamItem *item = g_new0 (StreamItem, 1);

  item->kind = ITEM_CLOSE;
  g_queue_push_tail (&stream->items, item);
  stream->raw = TRUE;
}

static gboolean
raw_begin (gpointer data)
{
  FakeStream *stream = data;
  g_autofree char *head = g_strdup_printf ("HTTP/1.1 200 OK\r\n"
                                           "Content-Type: %s\r\n"
                                           "Cache-Control: no-cache\r\n"
                                           "Transfer-Encoding: chunked\r\n"
                                           "Connection: close\r\n\r\n",
                                           stream->content_type);
  SoupServerMessage *msg = g_steal_pointer (&stream->msg);

  stream->source = 0;
  g_signal_handlers_disconnect_by_data (msg, stream);
  stream->io = soup_server_message_steal_connection (msg);
  g_object_unref (msg);
  if (stream->io == NULL ||
      !g_output_stream_write_all (g_io_stream_get_output_stream (stream->io), head, strlen (head), NULL, NULL, NULL))
    {
      stream_free (stream);
      return G_SOURCE_REMOVE;
    }
  return stream_step (stream);
}

void
fake_stream_start (FakeStream *stream)
{
  soup_server_message_pause (stream->msg);
  stream->source = g_idle_add (stream->raw ? raw_begin : stream_step, stream);
}

/* ---- downloads --------------------------------------------------------- */

typedef struct
{
  SoupServerMessage *msg;
  GBytes *raw;
} TruncateData;

static gboolean
truncate_cb (gpointer data)
{
  TruncateData *td = data;

  close_connection (td->msg, td->raw);
  g_object_unref (td->msg);
  g_bytes_unref (td->raw);
  g_free (td);
  return G_SOURCE_REMOVE;
}

/* Send a file body, honouring the "truncate" and "slow=N" faults. */
void
fake_send_bytes (FakeServer        *self,
                 SoupServerMessage *msg,
                 GBytes            *bytes,
                 const char        *content_type,
                 GPtrArray         *faults)
{
  gsize size = g_bytes_get_size (bytes);
  SoupMessageHeaders *headers = soup_server_message_get_response_headers (msg);
  SoupMessageHeaders *request = soup_server_message_get_request_headers (msg);

  /* HEAD and Range requests get the plain answer (libsoup cuts ranges). */
  if (g_str_equal (soup_server_message_get_method (msg), "HEAD") ||
      soup_message_headers_get_one (request, "Range") != NULL)
    faults = NULL;

  if (fake_faults_has (faults, "truncate"))
    {
      /* Announce the full length, send about half, then hang up.  Written
       * by hand on the stolen connection so libsoup cannot "fix" it. */
      TruncateData *td = g_new0 (TruncateData, 1);
      JsonObject *entry = g_object_get_data (G_OBJECT (msg), "fake-log-entry");
      GByteArray *raw = g_byte_array_new ();
      g_autofree char *head = g_strdup_printf ("HTTP/1.1 200 OK\r\n"
                                               "Content-Type: %s\r\n"
                                               "Content-Length: %" G_GSIZE_FORMAT "\r\n"
                                               "Connection: close\r\n\r\n",
                                               content_type, size);

      g_byte_array_append (raw, (const guint8 *) head, strlen (head));
      g_byte_array_append (raw, g_bytes_get_data (bytes, NULL), size / 2);
      if (entry != NULL)
        json_object_set_int_member (entry, "status", SOUP_STATUS_OK);
      td->msg = g_object_ref (msg);
      td->raw = g_byte_array_free_to_bytes (raw);
      soup_server_message_pause (msg);
      g_idle_add (truncate_cb, td);
      return;
    }

  if (fake_faults_has (faults, "slow"))
    {
      double seconds = fake_faults_double (faults, "slow", 3);
      FakeStream *stream = fake_stream_new (self, msg, content_type, NULL);
      const guint pieces = 20;
      gsize step = MAX (1, size / pieces);

      soup_message_headers_set_content_length (headers, size);
      for (gsize off = 0; off < size; off += step)
        {
          g_autoptr(GBytes) piece = g_bytes_new_from_bytes (bytes, off, MIN (step, size - off));

          stream_add_bytes (stream, piece);
          fake_stream_add_delay (stream, (guint) (seconds * 1000 / pieces));
        }
      fake_stream_start (stream);
      return;
    }

  soup_server_message_set_status (msg, SOUP_STATUS_OK, NULL);
  soup_message_headers_set_content_type (headers, content_type, NULL);
  soup_message_body_append_bytes (soup_server_message_get_response_body (msg), bytes);
}
