/* sb-sse-parser.c
 *
 * Copyright 2026 The Storyboard authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "sb-providers"

#include "config.h"

#include <string.h>

#include "sb-sse-parser.h"

struct _SbSseParser
{
  SbSseEventFunc  func;
  gpointer        user_data;

  GString        *line;
  GString        *data;
  GString        *event;
  char           *last_id;
  gint64          retry;
  guint           n_comments;
  guint           seen_data_field : 1;
  guint           skip_lf : 1;      /* the previous chunk ended in '\r' */
  guint           at_start : 1;     /* BOM check pending */
};

SbSseParser *
sb_sse_parser_new (SbSseEventFunc func,
                   gpointer       user_data)
{
  SbSseParser *self;

  g_return_val_if_fail (func != NULL, NULL);

  self = g_new0 (SbSseParser, 1);
  self->func = func;
  self->user_data = user_data;
  self->line = g_string_new (NULL);
  self->data = g_string_new (NULL);
  self->event = g_string_new (NULL);
  self->retry = -1;
  self->at_start = TRUE;

  return self;
}

void
sb_sse_parser_free (SbSseParser *self)
{
  if (self == NULL)
    return;

  g_string_free (self->line, TRUE);
  g_string_free (self->data, TRUE);
  g_string_free (self->event, TRUE);
  g_free (self->last_id);
  g_free (self);
}

static void
dispatch (SbSseParser *self)
{
  SbSseEvent event;

  if (!self->seen_data_field)
    {
      /* No data: the spec says reset and dispatch nothing. */
      g_string_truncate (self->event, 0);
      return;
    }

  if (self->data->len > 0 && self->data->str[self->data->len - 1] == '\n')
    g_string_truncate (self->data, self->data->len - 1);

  event.event = self->event->len > 0 ? self->event->str : "message";
  event.data = self->data->str;
  event.id = self->last_id;

  self->func (&event, self->user_data);

  g_string_truncate (self->data, 0);
  g_string_truncate (self->event, 0);
  self->seen_data_field = FALSE;
}

static void
process_line (SbSseParser *self,
              const char  *line,
              gsize        len)
{
  const char *colon;
  const char *value;
  gsize name_len;
  gsize value_len;

  if (len == 0)
    {
      dispatch (self);
      return;
    }

  if (line[0] == ':')
    {
      self->n_comments++;
      return;
    }

  colon = memchr (line, ':', len);
  if (colon != NULL)
    {
      name_len = colon - line;
      value = colon + 1;
      value_len = len - name_len - 1;
      if (value_len > 0 && *value == ' ')
        {
          value++;
          value_len--;
        }
    }
  else
    {
      name_len = len;
      value = line + len;
      value_len = 0;
    }

#define FIELD_IS(name) (name_len == strlen (name) && memcmp (line, name, name_len) == 0)

  if (FIELD_IS ("data"))
    {
      g_string_append_len (self->data, value, value_len);
      g_string_append_c (self->data, '\n');
      self->seen_data_field = TRUE;
    }
  else if (FIELD_IS ("event"))
    {
      g_string_truncate (self->event, 0);
      g_string_append_len (self->event, value, value_len);
    }
  else if (FIELD_IS ("id"))
    {
      if (memchr (value, '\0', value_len) == NULL)
        {
          g_free (self->last_id);
          self->last_id = g_strndup (value, value_len);
        }
    }
  else if (FIELD_IS ("retry"))
    {
      gboolean digits = value_len > 0;

      for (gsize i = 0; i < value_len; i++)
        digits = digits && g_ascii_isdigit (value[i]);

      if (digits)
        {
          g_autofree char *text = g_strndup (value, value_len);
          self->retry = g_ascii_strtoll (text, NULL, 10);
        }
    }
  /* Unknown fields are ignored. */

#undef FIELD_IS
}

void
sb_sse_parser_feed (SbSseParser *self,
                    const char  *data,
                    gsize        len)
{
  gsize i = 0;

  g_return_if_fail (self != NULL);
  g_return_if_fail (data != NULL || len == 0);

  if (len == 0)
    return;

  if (self->at_start)
    {
      /* A UTF-8 BOM may itself arrive split; collect up to three bytes. */
      static const char bom[] = "\xEF\xBB\xBF";

      while (i < len && self->line->len < 3 &&
             (guchar) data[i] == (guchar) bom[self->line->len])
        g_string_append_c (self->line, data[i++]);

      if (self->line->len == 3)
        {
          g_string_truncate (self->line, 0);
          self->at_start = FALSE;
        }
      else if (i < len)
        {
          /* Not a BOM after all: the bytes are content. */
          self->at_start = FALSE;
        }
      else
        {
          return;
        }
    }

  if (self->skip_lf && i < len)
    {
      if (data[i] == '\n')
        i++;
      self->skip_lf = FALSE;
    }

  while (i < len)
    {
      const char *start = data + i;
      gsize remaining = len - i;
      gsize j;

      for (j = 0; j < remaining; j++)
        if (start[j] == '\n' || start[j] == '\r')
          break;

      if (j == remaining)
        {
          g_string_append_len (self->line, start, remaining);
          break;
        }

      if (self->line->len > 0)
        {
          g_string_append_len (self->line, start, j);
          process_line (self, self->line->str, self->line->len);
          g_string_truncate (self->line, 0);
        }
      else
        {
          process_line (self, start, j);
        }

      i += j + 1;

      if (start[j] == '\r')
        {
          if (i < len)
            {
              if (data[i] == '\n')
                i++;
            }
          else
            {
              self->skip_lf = TRUE;
            }
        }
    }
}

void
sb_sse_parser_finish (SbSseParser *self)
{
  g_return_if_fail (self != NULL);

  if (self->line->len > 0)
    {
      g_autofree char *line = g_strndup (self->line->str, self->line->len);
      gsize len = self->line->len;

      g_string_truncate (self->line, 0);
      process_line (self, line, len);
    }

  dispatch (self);
  self->skip_lf = FALSE;
}

guint
sb_sse_parser_get_n_comments (SbSseParser *self)
{
  g_return_val_if_fail (self != NULL, 0);

  return self->n_comments;
}

gint64
sb_sse_parser_get_retry (SbSseParser *self)
{
  g_return_val_if_fail (self != NULL, -1);

  return self->retry;
}
