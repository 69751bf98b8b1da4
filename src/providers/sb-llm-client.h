/* sb-llm-client.h
 *
 * Copyright 2026 The Storyboard authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <json-glib/json-glib.h>

#include "sb-http.h"
#include "sb-sse-parser.h"

G_BEGIN_DECLS

/* ---- Requests ---------------------------------------------------------- */

typedef void (*SbChatDeltaFunc) (const char *text,
                                 gpointer    user_data);

typedef struct _SbChatRequest SbChatRequest;

#define SB_TYPE_CHAT_REQUEST (sb_chat_request_get_type ())

GType          sb_chat_request_get_type        (void) G_GNUC_CONST;
SbChatRequest *sb_chat_request_new             (void);
SbChatRequest *sb_chat_request_ref             (SbChatRequest   *self);
void           sb_chat_request_unref           (SbChatRequest   *self);
void           sb_chat_request_set_system      (SbChatRequest   *self,
                                                const char      *text);
/* Starts a new user turn. */
void           sb_chat_request_add_user_text   (SbChatRequest   *self,
                                                const char      *text);
void           sb_chat_request_add_assistant_text (SbChatRequest *self,
                                                   const char    *text);
/* Attaches an image to the last user turn, sent as a base64 data URI
 * (Ollama rejects http URLs; Anthropic gets a base64 source block). */
void           sb_chat_request_add_image       (SbChatRequest   *self,
                                                GBytes          *bytes,
                                                const char      *mime_type);
/* Structured output: @schema is a JSON Schema object.  OpenAI-style
 * providers get response_format json_schema, Anthropic a forced tool call
 * named @name. */
void           sb_chat_request_set_json_schema (SbChatRequest   *self,
                                                const char      *name,
                                                JsonNode        *schema);
const char    *sb_chat_request_get_schema_name (SbChatRequest   *self);
JsonNode      *sb_chat_request_get_schema      (SbChatRequest   *self);
void           sb_chat_request_set_max_tokens  (SbChatRequest   *self,
                                                guint            max_tokens);
void           sb_chat_request_set_temperature (SbChatRequest   *self,
                                                double           temperature);
/* When set, the answer is streamed over SSE and each piece passed on: text,
 * or the JSON arguments of the tool that carries structured output
 * (Anthropic's forced tool, OpenAI tool calls) as they arrive. */
void           sb_chat_request_set_delta_func  (SbChatRequest   *self,
                                                SbChatDeltaFunc  func,
                                                gpointer         user_data,
                                                GDestroyNotify   destroy);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (SbChatRequest, sb_chat_request_unref)

/* ---- Results ----------------------------------------------------------- */

typedef enum
{
  SB_CHAT_FINISH_NONE,
  SB_CHAT_FINISH_STOP,            /* stop, end_turn, stop_sequence */
  SB_CHAT_FINISH_LENGTH,          /* length, max_tokens: the answer is cut off */
  SB_CHAT_FINISH_TOOL,            /* tool_calls, tool_use */
  SB_CHAT_FINISH_CONTENT_FILTER,
  SB_CHAT_FINISH_REFUSAL,
  SB_CHAT_FINISH_ERROR,
  SB_CHAT_FINISH_OTHER,
} SbChatFinish;

typedef struct
{
  SbProviderKind  provider;        /* who answered */
  char           *model;           /* the model that answered, as reported */
  char           *text;            /* text content, or NULL */
  char           *refusal;         /* OpenAI refusal text, or NULL */
  char           *tool_name;       /* forced tool / first tool call */
  char           *tool_arguments;  /* its arguments as JSON text */
  JsonNode       *json;            /* structured output once checked */
  SbChatFinish    finish;
  char           *finish_reason;   /* raw */
  gint64          input_tokens;
  gint64          output_tokens;
  GPtrArray      *failures;        /* GError of providers tried before, in order */
} SbChatResult;

/* "stop", "end_turn", "length", "max_tokens", "tool_calls", ... */
SbChatFinish  sb_chat_finish_from_string (const char *reason);

#define SB_TYPE_CHAT_RESULT (sb_chat_result_get_type ())

GType         sb_chat_result_get_type (void) G_GNUC_CONST;
SbChatResult *sb_chat_result_new      (SbProviderKind  provider);
SbChatResult *sb_chat_result_copy     (SbChatResult   *self);
void          sb_chat_result_free     (SbChatResult   *self);
/* Turns refusals, content filters, cut-off answers and — when @request asks
 * for structured output — unparsable JSON into errors; fills ->json (from the
 * tool arguments or the text, code fences and blank lines tolerated). */
gboolean      sb_chat_result_check    (SbChatResult   *self,
                                       SbChatRequest  *request,
                                       GError        **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (SbChatResult, sb_chat_result_free)

/* ---- Streams ----------------------------------------------------------- */

/* Accumulates SSE events of one answer: OpenAI/OpenRouter/Ollama chunks
 * ending with [DONE], or Anthropic events ending with message_stop.  In-band
 * errors ({"error":...} chunks, finish_reason "error", event: error) fail. */
typedef struct _SbChatStream SbChatStream;

SbChatStream *sb_chat_stream_new        (SbProviderKind     kind);
void          sb_chat_stream_free       (SbChatStream      *self);
void          sb_chat_stream_set_delta_func (SbChatStream  *self,
                                             SbChatDeltaFunc func,
                                             gpointer        user_data);
gboolean      sb_chat_stream_feed_event (SbChatStream      *self,
                                         const SbSseEvent  *event,
                                         GError           **error);
gboolean      sb_chat_stream_is_done    (SbChatStream      *self);
/* The result so far; an error when the stream ended without its
 * terminator and without a finish reason. */
SbChatResult *sb_chat_stream_finish     (SbChatStream      *self,
                                         GError           **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (SbChatStream, sb_chat_stream_free)

/* ---- Models ------------------------------------------------------------ */

typedef struct
{
  char     *id;
  char     *name;
  gint64    context_length;   /* 0 when unknown */
  gboolean  accepts_images;
  gboolean  structured_output;
} SbLlmModel;

#define SB_TYPE_LLM_MODEL (sb_llm_model_get_type ())

GType       sb_llm_model_get_type (void) G_GNUC_CONST;
SbLlmModel *sb_llm_model_copy     (SbLlmModel *self);
void        sb_llm_model_free     (SbLlmModel *self);
/* {"data":[...]} of OpenRouter, OpenAI, Ollama and Anthropic model lists. */
GPtrArray  *sb_llm_parse_models   (SbProviderKind   kind,
                                   JsonNode        *root,
                                   GError         **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (SbLlmModel, sb_llm_model_free)

/* ---- The client base class --------------------------------------------- */

#define SB_TYPE_LLM_CLIENT (sb_llm_client_get_type ())

G_DECLARE_DERIVABLE_TYPE (SbLlmClient, sb_llm_client, SB, LLM_CLIENT, GObject)

struct _SbLlmClientClass
{
  GObjectClass parent_class;

  /* The chat endpoint relative to the base URL. */
  const char   *(*get_chat_path)  (SbLlmClient    *self);
  JsonNode     *(*build_body)     (SbLlmClient    *self,
                                   SbChatRequest  *request,
                                   const char     *model,
                                   gboolean        stream);
  SbChatResult *(*parse_body)     (SbLlmClient    *self,
                                   SbChatRequest  *request,
                                   JsonNode       *root,
                                   GError        **error);
  void          (*add_headers)    (SbLlmClient    *self,
                                   SbHttpRequest  *request);

  gpointer padding[8];
};

SbProviderKind sb_llm_client_get_kind    (SbLlmClient *self);
SbHttp        *sb_llm_client_get_http    (SbLlmClient *self);
void           sb_llm_client_set_api_key (SbLlmClient *self,
                                          const char  *api_key);
gboolean       sb_llm_client_has_api_key (SbLlmClient *self);
const char    *sb_llm_client_get_model   (SbLlmClient *self);
/* The model used when the request names none. */
void           sb_llm_client_set_model   (SbLlmClient *self,
                                          const char  *model);

/* One chat completion (streamed when the request has a delta func).  The
 * result has passed sb_chat_result_check(). */
void          sb_llm_client_complete_async  (SbLlmClient         *self,
                                             SbChatRequest       *request,
                                             GCancellable        *cancellable,
                                             GAsyncReadyCallback  callback,
                                             gpointer             user_data);
SbChatResult *sb_llm_client_complete_finish (SbLlmClient         *self,
                                             GAsyncResult        *result,
                                             GError             **error);

/* GPtrArray of SbLlmModel. */
void       sb_llm_client_list_models_async  (SbLlmClient         *self,
                                             GCancellable        *cancellable,
                                             GAsyncReadyCallback  callback,
                                             gpointer             user_data);
GPtrArray *sb_llm_client_list_models_finish (SbLlmClient         *self,
                                             GAsyncResult        *result,
                                             GError             **error);

/* Splits "data:image/png;base64,AAAA" into its type and base64 payload. */
gboolean   sb_llm_split_data_uri (const char  *uri,
                                  char       **out_mime_type,
                                  const char **out_base64);

/* Internal to the provider classes. */
const char *sb_chat_request_get_system (SbChatRequest *self);
/* GPtrArray of SbChatMessage */
typedef struct
{
  char      *role;     /* "user" or "assistant" */
  char      *text;
  GPtrArray *images;   /* data URIs */
} SbChatMessage;
GPtrArray  *sb_chat_request_get_messages    (SbChatRequest *self);
guint       sb_chat_request_get_max_tokens  (SbChatRequest *self);
gboolean    sb_chat_request_get_temperature (SbChatRequest *self,
                                             double        *out);

G_END_DECLS
