/* sb-provider-error.c
 *
 * Copyright 2026 The Storyboard authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "sb-providers"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <json-glib/json-glib.h>
#include <stdlib.h>

#include "sb-provider-error.h"
#include "sb-json.h"

typedef struct
{
  guint           status;
  SbProviderKind  provider;
  char           *detail;
  char           *vendor_code;
  char           *request_id;
  GHashTable     *fields;
  gint64          retry_after_ms;
  guint           attempts;
  SbRetryWait     wait;
} SbProviderErrorPrivate;

static void
sb_provider_error_private_init (SbProviderErrorPrivate *priv)
{
  priv->retry_after_ms = -1;
  priv->attempts = 1;
}

static void
sb_provider_error_private_copy (const SbProviderErrorPrivate *src,
                                SbProviderErrorPrivate       *dest)
{
  dest->status = src->status;
  dest->provider = src->provider;
  dest->detail = g_strdup (src->detail);
  dest->vendor_code = g_strdup (src->vendor_code);
  dest->request_id = g_strdup (src->request_id);
  dest->fields = src->fields ? g_hash_table_ref (src->fields) : NULL;
  dest->retry_after_ms = src->retry_after_ms;
  dest->attempts = src->attempts;
  dest->wait = src->wait;
}

static void
sb_provider_error_private_clear (SbProviderErrorPrivate *priv)
{
  g_clear_pointer (&priv->detail, g_free);
  g_clear_pointer (&priv->vendor_code, g_free);
  g_clear_pointer (&priv->request_id, g_free);
  g_clear_pointer (&priv->fields, g_hash_table_unref);
}

G_DEFINE_EXTENDED_ERROR (SbProviderError, sb_provider_error)

SbProviderError
sb_provider_error_code_from_status (SbProviderKind  kind,
                                    guint           status,
                                    const char     *vendor_code)
{
  /* The vendor's own code is more precise than the status: OpenAI uses
   * 429 for both throttling and an empty balance. */
  if (vendor_code != NULL)
    {
      if (g_str_equal (vendor_code, "insufficient_quota") ||
          g_str_equal (vendor_code, "billing_error") ||
          g_str_equal (vendor_code, "billing_hard_limit_reached"))
        return SB_PROVIDER_ERROR_NO_CREDIT;
      if (g_str_equal (vendor_code, "invalid_api_key") ||
          g_str_equal (vendor_code, "authentication_error"))
        return SB_PROVIDER_ERROR_AUTH;
      if (g_str_equal (vendor_code, "overloaded_error"))
        return SB_PROVIDER_ERROR_SERVER;
      if (g_str_equal (vendor_code, "context_length_exceeded"))
        return SB_PROVIDER_ERROR_INVALID_INPUT;
    }

  switch (status)
    {
    case 401:
      return SB_PROVIDER_ERROR_AUTH;

    case 403:
      /* OpenRouter answers 403 when moderation flags the prompt. */
      if (kind == SB_PROVIDER_OPENROUTER)
        return SB_PROVIDER_ERROR_REFUSED;
      return SB_PROVIDER_ERROR_AUTH;

    case 402:
      return SB_PROVIDER_ERROR_NO_CREDIT;

    case 404:
    case 410:
      return SB_PROVIDER_ERROR_NOT_FOUND;

    case 408:
    case 504:
    case 524:
      return SB_PROVIDER_ERROR_TIMEOUT;

    case 429:
      return SB_PROVIDER_ERROR_RATE_LIMITED;

    default:
      break;
    }

  if (status >= 500 && status <= 599)
    return SB_PROVIDER_ERROR_SERVER;

  if (status >= 400 && status <= 499)
    return SB_PROVIDER_ERROR_INVALID_INPUT;

  return SB_PROVIDER_ERROR_BAD_RESPONSE;
}

static char *
message_for_code (SbProviderKind   kind,
                  SbProviderError  code,
                  const char      *detail)
{
  const char *name = sb_provider_kind_get_name (kind);

  switch (code)
    {
    case SB_PROVIDER_ERROR_AUTH:
      return g_strdup_printf (_("%s rejected the API key. Check it in Preferences."), name);

    case SB_PROVIDER_ERROR_NO_CREDIT:
      return g_strdup_printf (_("Your %s account has run out of credit. Add credit on the provider’s website, then try again."), name);

    case SB_PROVIDER_ERROR_RATE_LIMITED:
      return g_strdup_printf (_("%s is limiting requests from this account. Wait a minute, then try again."), name);

    case SB_PROVIDER_ERROR_INVALID_INPUT:
      if (detail != NULL)
        return g_strdup_printf (_("%s rejected the request: %s"), name, detail);
      return g_strdup_printf (_("%s rejected the request. Check the settings of this generation."), name);

    case SB_PROVIDER_ERROR_NOT_FOUND:
      return g_strdup_printf (_("%s does not know this model. Check the model name in Preferences."), name);

    case SB_PROVIDER_ERROR_BAD_RESPONSE:
      if (detail != NULL)
        return g_strdup_printf (_("%s sent an answer Storyboard cannot use (%s). Try again."), name, detail);
      return g_strdup_printf (_("%s sent an answer Storyboard cannot use. Try again."), name);

    case SB_PROVIDER_ERROR_SERVER:
      return g_strdup_printf (_("%s is having problems right now. Try again later."), name);

    case SB_PROVIDER_ERROR_TIMEOUT:
      return g_strdup_printf (_("%s did not answer in time. Try again."), name);

    case SB_PROVIDER_ERROR_OFFLINE:
      if (kind == SB_PROVIDER_OPENAI_COMPATIBLE)
        return g_strdup (_("Cannot reach the local model server. Check that it is running and that its address in Preferences is right."));
      return g_strdup_printf (_("Cannot reach %s. Check your internet connection."), name);

    case SB_PROVIDER_ERROR_REFUSED:
      if (detail != NULL)
        return g_strdup_printf (_("The model declined this request: %s"), detail);
      return g_strdup (_("The model declined this request. Rephrase the brief and try again."));

    case SB_PROVIDER_ERROR_FAILED:
      if (detail != NULL)
        return g_strdup_printf (_("The generation failed on %s: %s"), name, detail);
      return g_strdup_printf (_("The generation failed on %s. Try again."), name);

    case SB_PROVIDER_ERROR_TOO_LARGE:
      return g_strdup_printf (_("A file from %s is larger than Storyboard accepts."), name);

    default:
      g_assert_not_reached ();
    }
}

static gboolean
code_shows_detail (SbProviderError code)
{
  return code == SB_PROVIDER_ERROR_INVALID_INPUT ||
         code == SB_PROVIDER_ERROR_REFUSED ||
         code == SB_PROVIDER_ERROR_FAILED ||
         code == SB_PROVIDER_ERROR_BAD_RESPONSE;
}

GError *
sb_provider_error_new (SbProviderKind  kind,
                       SbProviderError code,
                       const char     *detail)
{
  g_autofree char *message = NULL;
  SbProviderErrorPrivate *priv;
  GError *error;

  g_return_val_if_fail (kind < SB_PROVIDER_N_KINDS, NULL);

  message = message_for_code (kind, code, code_shows_detail (code) ? detail : NULL);
  error = g_error_new_literal (SB_PROVIDER_ERROR, code, message);
  priv = sb_provider_error_get_private (error);
  priv->provider = kind;
  priv->detail = g_strdup (detail);

  return error;
}

char *
sb_provider_scrub_secret (const char *text,
                          const char *secret)
{
  GString *str;

  if (text == NULL)
    return NULL;

  if (secret == NULL || strlen (secret) < 4)
    return g_strdup (text);

  str = g_string_new (text);
  g_string_replace (str, secret, "***", 0);

  return g_string_free (str, FALSE);
}

/* Replicate: {"type":"required","field":"input","description":"prompt is required"}
 * or {"field":"input.num_inference_steps",...}.  Key the table by input name. */
static GHashTable *
parse_invalid_fields (JsonArray  *array,
                      const char *secret)
{
  GHashTable *fields = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);

  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonNode *node = json_array_get_element (array, i);
      JsonObject *item;
      const char *field;
      const char *description;
      const char *type;
      g_autofree char *key = NULL;

      if (!JSON_NODE_HOLDS_OBJECT (node))
        continue;

      item = json_node_get_object (node);
      field = sb_json_get_string (item, "field");
      description = sb_json_get_string (item, "description");
      type = sb_json_get_string (item, "type");

      if (field == NULL)
        field = "";

      if (g_str_has_prefix (field, "input."))
        key = g_strdup (field + strlen ("input."));
      else if (g_strcmp0 (type, "required") == 0 && description != NULL &&
               g_str_has_suffix (description, " is required") &&
               strchr (description, ' ') == description + strlen (description) - strlen (" is required"))
        key = g_strndup (description, strlen (description) - strlen (" is required"));
      else if (g_str_equal (field, "input"))
        key = g_strdup ("");
      else
        key = g_strdup (field);

      if (g_hash_table_contains (fields, key))
        {
          const char *previous = g_hash_table_lookup (fields, key);
          g_hash_table_insert (fields, g_strdup (key),
                               g_strdup_printf ("%s\n%s", previous, description ? description : ""));
        }
      else
        {
          g_hash_table_insert (fields, g_steal_pointer (&key),
                               sb_provider_scrub_secret (description ? description : "", secret));
        }
    }

  return fields;
}

static char *
strip_detail (const char *text)
{
  g_autofree char *copy = NULL;

  if (text == NULL)
    return NULL;

  copy = g_strstrip (g_strdup (text));
  if (*copy == '\0')
    return NULL;

  return g_steal_pointer (&copy);
}

GError *
sb_provider_error_new_from_response (SbProviderKind      kind,
                                     guint               status,
                                     SoupMessageHeaders *headers,
                                     GBytes             *body,
                                     const char         *secret)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autofree char *detail = NULL;
  g_autofree char *vendor_code = NULL;
  g_autofree char *request_id = NULL;
  g_autofree char *body_text = NULL;
  g_autoptr(GHashTable) fields = NULL;
  SbProviderErrorPrivate *priv;
  SbProviderError code;
  JsonObject *root = NULL;
  GError *error;

  g_return_val_if_fail (kind < SB_PROVIDER_N_KINDS, NULL);

  if (body != NULL && g_bytes_get_size (body) > 0)
    {
      gsize size;
      const char *data = g_bytes_get_data (body, &size);

      body_text = g_strndup (data, size);
      if (json_parser_load_from_data (parser, body_text, -1, NULL) &&
          JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
        root = json_node_get_object (json_parser_get_root (parser));
    }

  if (root != NULL)
    {
      JsonObject *err = sb_json_get_object (root, "error");
      JsonNode *invalid_fields = json_object_get_member (root, "invalid_fields");
      const char *text = NULL;

      if (err != NULL)
        {
          JsonObject *metadata = sb_json_get_object (err, "metadata");
          const char *type = sb_json_get_string (err, "type");
          const char *ecode = sb_json_get_string (err, "code");

          text = sb_json_get_string (err, "message");
          /* OpenAI has both type and code; code is the precise one. */
          if (ecode != NULL)
            vendor_code = g_strdup (ecode);
          else if (type != NULL)
            vendor_code = g_strdup (type);
          else if (sb_json_get_string (metadata, "error_type") != NULL)
            vendor_code = g_strdup (sb_json_get_string (metadata, "error_type"));
          if (vendor_code != NULL && type != NULL &&
              g_str_equal (type, "insufficient_quota"))
            {
              g_free (vendor_code);
              vendor_code = g_strdup (type);
            }
        }
      else if (sb_json_get_string (root, "error") != NULL)
        {
          text = sb_json_get_string (root, "error");
        }
      else
        {
          /* Replicate problem details: detail, then title. */
          text = sb_json_get_string (root, "detail");
          if (text == NULL)
            text = sb_json_get_string (root, "title");
        }

      if (text != NULL)
        {
          g_autofree char *stripped = strip_detail (text);
          detail = sb_provider_scrub_secret (stripped, secret);
        }

      if (invalid_fields != NULL && JSON_NODE_HOLDS_ARRAY (invalid_fields))
        fields = parse_invalid_fields (json_node_get_array (invalid_fields), secret);

      request_id = g_strdup (sb_json_get_string (root, "request_id"));
    }

  if (request_id == NULL && headers != NULL)
    {
      const char *value = soup_message_headers_get_one (headers, "request-id");

      if (value == NULL)
        value = soup_message_headers_get_one (headers, "x-request-id");
      request_id = g_strdup (value);
    }

  code = sb_provider_error_code_from_status (kind, status, vendor_code);
  error = sb_provider_error_new (kind, code, detail);
  priv = sb_provider_error_get_private (error);
  priv->status = status;
  priv->vendor_code = g_steal_pointer (&vendor_code);
  priv->request_id = g_steal_pointer (&request_id);
  priv->fields = g_steal_pointer (&fields);
  priv->retry_after_ms = sb_provider_parse_retry_after (kind, headers, body_text);

  return error;
}

GError *
sb_provider_error_new_from_transport (SbProviderKind  kind,
                                      const GError   *transport_error)
{
  SbProviderError code;

  g_return_val_if_fail (transport_error != NULL, NULL);

  if (g_error_matches (transport_error, G_IO_ERROR, G_IO_ERROR_CANCELLED) ||
      transport_error->domain == SB_PROVIDER_ERROR)
    return g_error_copy (transport_error);

  if (g_error_matches (transport_error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT))
    code = SB_PROVIDER_ERROR_TIMEOUT;
  else if (transport_error->domain == G_RESOLVER_ERROR ||
           transport_error->domain == G_TLS_ERROR ||
           g_error_matches (transport_error, G_IO_ERROR, G_IO_ERROR_CONNECTION_REFUSED) ||
           g_error_matches (transport_error, G_IO_ERROR, G_IO_ERROR_HOST_UNREACHABLE) ||
           g_error_matches (transport_error, G_IO_ERROR, G_IO_ERROR_NETWORK_UNREACHABLE) ||
           g_error_matches (transport_error, G_IO_ERROR, G_IO_ERROR_HOST_NOT_FOUND) ||
           g_error_matches (transport_error, G_IO_ERROR, G_IO_ERROR_PROXY_FAILED))
    code = SB_PROVIDER_ERROR_OFFLINE;
  else if (transport_error->domain == SOUP_SESSION_ERROR ||
           g_error_matches (transport_error, G_IO_ERROR, G_IO_ERROR_PARTIAL_INPUT))
    code = SB_PROVIDER_ERROR_BAD_RESPONSE;
  else
    code = SB_PROVIDER_ERROR_SERVER;

  return sb_provider_error_new (kind, code, transport_error->message);
}

#define GET_PRIV_OR(error, fallback)                            \
  SbProviderErrorPrivate *priv;                                 \
  if (error == NULL || error->domain != SB_PROVIDER_ERROR ||   \
      (priv = sb_provider_error_get_private (error)) == NULL)   \
    return fallback;

guint
sb_provider_error_get_status (const GError *error)
{
  GET_PRIV_OR (error, 0);
  return priv->status;
}

SbProviderKind
sb_provider_error_get_provider (const GError *error)
{
  GET_PRIV_OR (error, 0);
  return priv->provider;
}

const char *
sb_provider_error_get_detail (const GError *error)
{
  GET_PRIV_OR (error, NULL);
  return priv->detail;
}

const char *
sb_provider_error_get_vendor_code (const GError *error)
{
  GET_PRIV_OR (error, NULL);
  return priv->vendor_code;
}

const char *
sb_provider_error_get_request_id (const GError *error)
{
  GET_PRIV_OR (error, NULL);
  return priv->request_id;
}

GHashTable *
sb_provider_error_get_fields (const GError *error)
{
  GET_PRIV_OR (error, NULL);
  return priv->fields;
}

gint64
sb_provider_error_get_retry_after_ms (const GError *error)
{
  GET_PRIV_OR (error, -1);
  return priv->retry_after_ms;
}

guint
sb_provider_error_get_attempts (const GError *error)
{
  GET_PRIV_OR (error, 0);
  return priv->attempts;
}

SbRetryWait
sb_provider_error_get_wait (const GError *error)
{
  GET_PRIV_OR (error, SB_RETRY_WAIT_NONE);
  return priv->wait;
}

void
sb_provider_error_set_attempts (GError      *error,
                                guint        attempts,
                                SbRetryWait  wait)
{
  SbProviderErrorPrivate *priv;

  if (error == NULL || error->domain != SB_PROVIDER_ERROR ||
      (priv = sb_provider_error_get_private (error)) == NULL)
    return;

  priv->attempts = attempts;
  priv->wait = wait;
}

void
sb_provider_error_set_retry_after_ms (GError *error,
                                      gint64  retry_after_ms)
{
  SbProviderErrorPrivate *priv;

  if (error == NULL || error->domain != SB_PROVIDER_ERROR ||
      (priv = sb_provider_error_get_private (error)) == NULL)
    return;

  priv->retry_after_ms = retry_after_ms;
}

gboolean
sb_provider_error_is_transient (const GError *error)
{
  if (error == NULL || error->domain != SB_PROVIDER_ERROR)
    return FALSE;

  switch ((SbProviderError) error->code)
    {
    case SB_PROVIDER_ERROR_RATE_LIMITED:
    case SB_PROVIDER_ERROR_SERVER:
    case SB_PROVIDER_ERROR_TIMEOUT:
    case SB_PROVIDER_ERROR_OFFLINE:
    case SB_PROVIDER_ERROR_BAD_RESPONSE:
      return TRUE;

    case SB_PROVIDER_ERROR_AUTH:
    case SB_PROVIDER_ERROR_NO_CREDIT:
    case SB_PROVIDER_ERROR_INVALID_INPUT:
    case SB_PROVIDER_ERROR_NOT_FOUND:
    case SB_PROVIDER_ERROR_REFUSED:
    case SB_PROVIDER_ERROR_FAILED:
    case SB_PROVIDER_ERROR_TOO_LARGE:
    default:
      return FALSE;
    }
}

static gboolean
parse_double (const char *text,
              double     *out)
{
  char *end = NULL;
  double value;

  if (text == NULL)
    return FALSE;

  while (g_ascii_isspace (*text))
    text++;

  value = g_ascii_strtod (text, &end);
  if (end == text)
    return FALSE;
  while (g_ascii_isspace (*end))
    end++;
  if (*end != '\0' || value != value)
    return FALSE;

  *out = value;
  return TRUE;
}

gint64
sb_provider_parse_retry_after (SbProviderKind      kind,
                               SoupMessageHeaders *headers,
                               const char         *body)
{
  double value;

  if (headers != NULL)
    {
      const char *ms = soup_message_headers_get_one (headers, "retry-after-ms");
      const char *seconds = soup_message_headers_get_one (headers, "retry-after");

      if (parse_double (ms, &value) && value >= 0)
        return (gint64) value;

      if (parse_double (seconds, &value) && value >= 0)
        return (gint64) (value * 1000);

      if (seconds != NULL)
        {
          g_autoptr(GDateTime) when = soup_date_time_new_from_http_string (seconds);

          if (when != NULL)
            {
              g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
              GTimeSpan diff = g_date_time_difference (when, now);

              return MAX (0, diff / 1000);
            }
        }
    }

  /* "Request was throttled. Your rate limit resets in ~30s." */
  if (kind == SB_PROVIDER_REPLICATE && body != NULL)
    {
      const char *hint = strstr (body, "resets in ~");

      if (hint != NULL)
        {
          char *end = NULL;
          guint64 secs;

          hint += strlen ("resets in ~");
          secs = g_ascii_strtoull (hint, &end, 10);
          if (end != hint && *end == 's')
            return (gint64) MIN (secs, 24 * 3600) * 1000;
        }
    }

  return -1;
}
