/* sb-fake-providers.c
 *
 * Copyright 2026 The Storyboard authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* A local stand-in for Replicate, OpenRouter, OpenAI and Anthropic, on their
 * real paths, for tests.  See README.md for endpoints and the fault grammar. */

#define G_LOG_DOMAIN "sb-fake-providers"

#include <gio/gunixinputstream.h>
#include <glib-unix.h>
#include <stdio.h>
#include <unistd.h>
#include <string.h>

#include "fake-server.h"

#ifndef FAKE_DATA_DIR
#define FAKE_DATA_DIR "."
#endif

static void
run_fault_free (FakeRunFault *rf)
{
  g_free (rf->route);
  fake_fault_free (rf->fault);
  g_free (rf);
}

/* "ROUTE:FAULT[:COUNT]", e.g. "replicate-create:429:2" */
static gboolean
add_run_fault (FakeServer  *self,
               const char  *spec,
               gboolean     from_command_line,
               GError     **error)
{
  g_auto(GStrv) parts = g_strsplit (spec, ":", 3);
  FakeRunFault *rf;

  if (g_strv_length (parts) < 2 || *parts[0] == '\0' || *parts[1] == '\0')
    {
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                   "Bad fault “%s”: expected ROUTE:FAULT[:COUNT]", spec);
      return FALSE;
    }

  rf = g_new0 (FakeRunFault, 1);
  rf->route = g_strdup (parts[0]);
  rf->fault = fake_fault_parse (parts[1]);
  rf->remaining = parts[2] != NULL ? atoi (parts[2]) : -1;
  if (rf->remaining == 0)
    rf->remaining = -1;
  rf->initial = rf->remaining;
  rf->from_command_line = from_command_line;
  g_ptr_array_add (self->run_faults, rf);
  return TRUE;
}

/* ---- request log ------------------------------------------------------- */

static void
log_finished (SoupServerMessage *msg,
              JsonObject        *entry)
{
  if (soup_server_message_get_status (msg) != 0)
    json_object_set_int_member (entry, "status", soup_server_message_get_status (msg));
}

static JsonObject *
log_request (FakeServer        *self,
             SoupServerMessage *msg)
{
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (msg);
  GUri *uri = soup_server_message_get_uri (msg);
  const char *auth = soup_message_headers_get_one (headers, "Authorization");
  const char *api_key = soup_message_headers_get_one (headers, "x-api-key");
  const char *host = soup_message_headers_get_one (headers, "Host");
  JsonObject *entry = json_object_new ();

  json_object_set_int_member (entry, "seq", (gint64) ++self->request_seq);
  json_object_set_int_member (entry, "time_ms", g_get_real_time () / 1000);
  json_object_set_string_member (entry, "method", soup_server_message_get_method (msg));
  json_object_set_string_member (entry, "host", host ? host : "");
  json_object_set_string_member (entry, "path", g_uri_get_path (uri));
  json_object_set_string_member (entry, "query", g_uri_get_query (uri));
  json_object_set_string_member (entry, "route", "unknown");
  json_object_set_boolean_member (entry, "has_authorization", auth != NULL);
  json_object_set_boolean_member (entry, "has_x_api_key", api_key != NULL);

  /* Test keys only: recorded so tests can check which key went where. */
  if (auth != NULL)
    {
      const char *space = strchr (auth, ' ');
      g_autofree char *scheme = space ? g_strndup (auth, space - auth) : g_strdup (auth);

      json_object_set_string_member (entry, "auth_scheme", scheme);
      json_object_set_string_member (entry, "auth_key", space ? space + 1 : "");
    }
  else
    {
      json_object_set_null_member (entry, "auth_scheme");
      json_object_set_null_member (entry, "auth_key");
    }
  json_object_set_string_member (entry, "x_api_key", api_key);
  json_object_set_string_member (entry, "anthropic_version",
                                 soup_message_headers_get_one (headers, "anthropic-version"));
  json_object_set_string_member (entry, "prefer", soup_message_headers_get_one (headers, "Prefer"));
  json_object_set_string_member (entry, "x_fake_fault",
                                 soup_message_headers_get_one (headers, "X-Fake-Fault"));
  json_object_set_int_member (entry, "status", 0);

  json_array_add_object_element (self->requests, json_object_ref (entry));
  g_object_set_data_full (G_OBJECT (msg), "fake-log-entry", json_object_ref (entry),
                          (GDestroyNotify) json_object_unref);
  g_signal_connect_data (msg, "finished", G_CALLBACK (log_finished), entry,
                         (GClosureNotify) (void (*) (void)) json_object_unref, 0);
  return entry;
}

/* ---- control endpoints (/_fake/...) ------------------------------------- */

static void
reset_state (FakeServer *self)
{
  json_array_unref (self->requests);
  self->requests = json_array_new ();
  self->request_seq = 0;
  g_hash_table_remove_all (self->fault_counts);
  /* Faults from the command line stay, with their counts restored. */
  for (guint i = self->run_faults->len; i > 0; i--)
    {
      FakeRunFault *rf = g_ptr_array_index (self->run_faults, i - 1);

      if (rf->from_command_line)
        rf->remaining = rf->initial;
      else
        g_ptr_array_remove_index (self->run_faults, i - 1);
    }
  self->create_tokens = self->create_limit;
  self->other_tokens = self->other_limit;
  fake_replicate_reset (self);
}

static void
handle_control (FakeServer        *self,
                SoupServerMessage *msg,
                const char        *path)
{
  const char *method = soup_server_message_get_method (msg);
  JsonObject *entry = g_object_get_data (G_OBJECT (msg), "fake-log-entry");

  json_object_set_string_member (entry, "route", "control");

  if (g_str_equal (path, "/_fake/requests") && g_str_equal (method, "GET"))
    {
      g_autoptr(JsonNode) node = json_node_new (JSON_NODE_ARRAY);

      /* Do not list the request that asks for the list. */
      g_autoptr(JsonArray) copy = json_array_new ();
      for (guint i = 0; i < json_array_get_length (self->requests); i++)
        {
          JsonObject *e = json_array_get_object_element (self->requests, i);

          if (e != entry)
            json_array_add_element (copy, json_node_copy (json_array_get_element (self->requests, i)));
        }
      json_node_set_array (node, copy);
      fake_send_json (msg, SOUP_STATUS_OK, NULL, node);
    }
  else if (g_str_equal (path, "/_fake/reset") && g_str_equal (method, "POST"))
    {
      reset_state (self);
      fake_send_text (msg, SOUP_STATUS_OK, "application/json", "{\"ok\":true}");
    }
  else if (g_str_equal (path, "/_fake/faults") && g_str_equal (method, "POST"))
    {
      SoupMessageBody *body = soup_server_message_get_request_body (msg);
      g_autoptr(GBytes) bytes = soup_message_body_flatten (body);
      g_autofree char *text = g_strndup (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes));
      g_auto(GStrv) lines = g_strsplit (g_strstrip (text), "\n", -1);
      g_autoptr(GError) error = NULL;

      for (guint i = 0; lines[i] != NULL; i++)
        if (*g_strstrip (lines[i]) != '\0' && !add_run_fault (self, lines[i], FALSE, &error))
          {
            g_autofree char *json = g_strdup_printf ("{\"error\":\"%s\"}", error->message);

            fake_send_text (msg, SOUP_STATUS_BAD_REQUEST, "application/json", json);
            return;
          }
      fake_send_text (msg, SOUP_STATUS_OK, "application/json", "{\"ok\":true}");
    }
  else if (g_str_equal (path, "/_fake/health"))
    fake_send_text (msg, SOUP_STATUS_OK, "application/json", "{\"ok\":true}");
  else
    fake_send_text (msg, SOUP_STATUS_NOT_FOUND, "application/json", "{\"error\":\"unknown control path\"}");
}

/* The "gzip" fault: compress a complete answer, as Replicate's edge does. */
static void
maybe_gzip (SoupServerMessage *msg,
            JsonObject        *entry)
{
  SoupMessageBody *body = soup_server_message_get_response_body (msg);
  JsonArray *applied;
  gboolean wanted = FALSE;
  g_autoptr(GBytes) plain = NULL;
  g_autoptr(GConverter) compressor = NULL;
  g_autoptr(GOutputStream) mem = NULL;
  g_autoptr(GOutputStream) out = NULL;
  g_autoptr(GBytes) packed = NULL;

  if (entry == NULL || !json_object_has_member (entry, "faults") ||
      soup_server_message_get_status (msg) == 0 || body->length == 0)
    return;
  applied = json_object_get_array_member (entry, "faults");
  for (guint i = 0; i < json_array_get_length (applied); i++)
    {
      g_autoptr(FakeFault) fault = fake_fault_parse (json_array_get_string_element (applied, i));

      if (fault != NULL && g_str_equal (fault->name, "gzip"))
        wanted = TRUE;
    }
  if (!wanted)
    return;

  plain = soup_message_body_flatten (body);
  compressor = G_CONVERTER (g_zlib_compressor_new (G_ZLIB_COMPRESSOR_FORMAT_GZIP, -1));
  mem = g_memory_output_stream_new_resizable ();
  out = g_converter_output_stream_new (mem, compressor);
  g_output_stream_write_all (out, g_bytes_get_data (plain, NULL), g_bytes_get_size (plain), NULL, NULL, NULL);
  g_output_stream_close (out, NULL, NULL);
  packed = g_memory_output_stream_steal_as_bytes (G_MEMORY_OUTPUT_STREAM (mem));
  soup_message_body_truncate (body);
  soup_message_body_append_bytes (body, packed);
  soup_message_headers_replace (soup_server_message_get_response_headers (msg), "Content-Encoding", "gzip");
}

static void
server_cb (SoupServer        *server,
           SoupServerMessage *msg,
           const char        *path,
           GHashTable        *query,
           gpointer           user_data)
{
  FakeServer *self = user_data;

  JsonObject *entry = log_request (self, msg);

  g_debug ("%s %s", soup_server_message_get_method (msg), path);

  if (g_str_has_prefix (path, "/_fake/"))
    handle_control (self, msg, path);
  else if (fake_llm_handle (self, msg, path) ||
           fake_files_handle (self, msg, path) ||
           fake_replicate_handle (self, msg, path))
    maybe_gzip (msg, entry);
  else
    fake_send_text (msg, SOUP_STATUS_NOT_FOUND, "application/json",
                    "{\"detail\":\"Not found.\",\"status\":404}");
}

static void
stdin_read_cb (GObject      *source,
               GAsyncResult *result,
               gpointer      data)
{
  g_autoptr(GBytes) bytes = g_input_stream_read_bytes_finish (G_INPUT_STREAM (source), result, NULL);

  if (bytes == NULL || g_bytes_get_size (bytes) == 0)
    g_main_loop_quit (data);
  else
    g_input_stream_read_bytes_async (G_INPUT_STREAM (source), 256, G_PRIORITY_DEFAULT, NULL, stdin_read_cb, data);
}

static gboolean
quit_cb (gpointer data)
{
  g_main_loop_quit (data);
  return G_SOURCE_CONTINUE;
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GInetAddress) loopback = NULL;
  g_autoptr(GSocketAddress) address = NULL;
  g_auto(GStrv) faults = NULL;
  g_autofree char *data_dir = NULL;
  g_autofree char *recorded_dir = NULL;
  g_autofree char *files_host = NULL;
  int port = 0;
  double prediction_seconds = 1.0;
  double video_seconds = 3.0;
  double retention_seconds = 3600.0;
  double sse_delay_ms = 5.0;
  double create_limit = 600;
  double other_limit = 3000;
  int max_image_side = 4096;
  gboolean exit_on_stdin_eof = FALSE;
  g_autoptr(GInputStream) stdin_stream = NULL;
  FakeServer self = { 0 };
  GOptionEntry entries[] = {
    { "port", 0, 0, G_OPTION_ARG_INT, &port, "Port on 127.0.0.1 (default: a free one)", "N" },
    { "data-dir", 0, 0, G_OPTION_ARG_FILENAME, &data_dir, "Fixture folder", "DIR" },
    { "recorded-dir", 0, 0, G_OPTION_ARG_FILENAME, &recorded_dir, "Folder of recorded vendor bodies", "DIR" },
    { "prediction-seconds", 0, 0, G_OPTION_ARG_DOUBLE, &prediction_seconds, "Image prediction run time (1)", "S" },
    { "video-seconds", 0, 0, G_OPTION_ARG_DOUBLE, &video_seconds, "Video prediction run time (3)", "S" },
    { "retention-seconds", 0, 0, G_OPTION_ARG_DOUBLE, &retention_seconds, "Output lifetime after completion (3600)", "S" },
    { "fault", 0, 0, G_OPTION_ARG_STRING_ARRAY, &faults, "Fault for this run (repeatable)", "ROUTE:FAULT[:COUNT]" },
    { "files-host", 0, 0, G_OPTION_ARG_STRING, &files_host, "Host name used in output file URLs (127.0.0.1)", "HOST" },
    { "sse-delay-ms", 0, 0, G_OPTION_ARG_DOUBLE, &sse_delay_ms, "Pause between SSE events (5)", "MS" },
    { "create-limit", 0, 0, G_OPTION_ARG_DOUBLE, &create_limit, "Replicate creates per minute (600)", "N" },
    { "rate-limit", 0, 0, G_OPTION_ARG_DOUBLE, &other_limit, "Other Replicate requests per minute (3000)", "N" },
    { "max-image-side", 0, 0, G_OPTION_ARG_INT, &max_image_side, "Clamp generated images to this size (4096)", "PX" },
    { "exit-on-stdin-eof", 0, 0, G_OPTION_ARG_NONE, &exit_on_stdin_eof, "Quit when stdin closes (the parent died)", NULL },
    { NULL }
  };
  GSList *uris;

  context = g_option_context_new ("- fake AI provider server for tests");
  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      g_printerr ("%s\n", error->message);
      return 2;
    }

  self.data_dir = data_dir ? g_strdup (data_dir) : g_strdup (FAKE_DATA_DIR);
  self.recorded_dir = recorded_dir ? g_strdup (recorded_dir) : g_strdup (FAKE_RECORDED_DIR);
  self.prediction_seconds = MAX (0, prediction_seconds);
  self.video_seconds = MAX (0, video_seconds);
  self.retention_seconds = retention_seconds;
  self.sse_delay_ms = MAX (0, sse_delay_ms);
  self.create_limit = MAX (1, create_limit);
  self.other_limit = MAX (1, other_limit);
  self.create_tokens = self.create_limit;
  self.other_tokens = self.other_limit;
  self.bucket_updated_us = g_get_monotonic_time ();
  self.max_image_side = MAX (16, max_image_side);
  self.run_faults = g_ptr_array_new_with_free_func ((GDestroyNotify) run_fault_free);
  self.fault_counts = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self.requests = json_array_new ();

  for (guint i = 0; faults != NULL && faults[i] != NULL; i++)
    if (!add_run_fault (&self, faults[i], TRUE, &error))
      {
        g_printerr ("%s\n", error->message);
        return 2;
      }

  self.server = soup_server_new ("server-header", "sb-fake-providers ", NULL);
  soup_server_add_handler (self.server, NULL, server_cb, &self, NULL);

  /* Loopback only, IPv4 only: never reachable from another machine. */
  loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  address = g_inet_socket_address_new (loopback, (guint16) port);
  if (!soup_server_listen (self.server, address, 0, &error))
    {
      g_printerr ("Cannot listen on 127.0.0.1:%d: %s\n", port, error->message);
      return 1;
    }
  uris = soup_server_get_uris (self.server);
  self.port = g_uri_get_port (uris->data);
  g_slist_free_full (uris, (GDestroyNotify) g_uri_unref);
  self.base_url = g_strdup_printf ("http://127.0.0.1:%u", self.port);
  self.files_base_url = g_strdup_printf ("http://%s:%u", files_host ? files_host : "127.0.0.1", self.port);

  if (!fake_replicate_init (&self, &error))
    {
      g_printerr ("Cannot load fixtures from %s: %s\n", self.data_dir, error->message);
      return 1;
    }

  g_print ("listening on %s\n", self.base_url);
  fflush (stdout);

  self.loop = g_main_loop_new (NULL, FALSE);
  g_unix_signal_add (SIGTERM, quit_cb, self.loop);
  g_unix_signal_add (SIGINT, quit_cb, self.loop);
  if (exit_on_stdin_eof)
    {
      stdin_stream = g_unix_input_stream_new (STDIN_FILENO, FALSE);
      g_input_stream_read_bytes_async (stdin_stream, 256, G_PRIORITY_DEFAULT, NULL, stdin_read_cb, self.loop);
    }
  g_main_loop_run (self.loop);

  soup_server_disconnect (self.server);
  g_clear_object (&self.server);
  g_main_loop_unref (self.loop);
  return 0;
}
