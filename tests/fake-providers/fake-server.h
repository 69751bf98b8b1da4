/* fake-server.h
 *
 * Copyright 2026 The Storyboard authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <json-glib/json-glib.h>
#include <libsoup/soup.h>

G_BEGIN_DECLS

/* One fault, parsed from `name[=value][*count]` (see README.md). */
typedef struct
{
  char *name;   /* "429", "slow", "reply", ... */
  char *value;  /* NULL when absent */
  char *token;  /* the token as written, used to count repeats */
  int count;    /* 0 = every time */
} FakeFault;

typedef struct
{
  char *route;  /* "replicate-create", "openai", "any", ... */
  FakeFault *fault;
  int remaining; /* -1 = forever */
  int initial;
  gboolean from_command_line;
} FakeRunFault;

typedef struct
{
  SoupServer *server;
  GMainLoop *loop;
  char *base_url;       /* http://127.0.0.1:PORT */
  char *files_base_url; /* where output files point; defaults to base_url */
  char *data_dir;       /* hand-made bodies and media (fake/, video/) */
  char *recorded_dir;   /* recorded vendor bodies (replicate/), shared with the parser tests */
  guint port;

  double prediction_seconds;
  double video_seconds;
  double retention_seconds;
  double sse_delay_ms;
  int max_image_side;

  /* Replicate token buckets (requests per minute) */
  double create_limit;
  double other_limit;
  double create_tokens;
  double other_tokens;
  gint64 bucket_updated_us;

  GPtrArray *run_faults;     /* FakeRunFault, from --fault and POST /_fake/faults */
  GHashTable *fault_counts;  /* "route|token" -> hits (GINT_TO_POINTER) */
  JsonArray *requests;       /* the request log */
  guint64 request_seq;

  GHashTable *predictions;   /* id -> FakePrediction */
  GPtrArray *prediction_order;
  GHashTable *uploads;       /* id -> JsonObject (file object) */
  GHashTable *upload_bytes;  /* id -> GBytes */
  GHashTable *media_cache;   /* path -> FakeMedia */

  /* Replicate catalogue */
  GHashTable *models;        /* "owner/name" -> JsonObject (model) */
  GHashTable *versions;      /* version id -> "owner/name" */
  GHashTable *video_models;  /* "owner/name" -> "1" */
  GPtrArray *model_order;    /* "owner/name" */
  JsonArray *collections;    /* collection summaries {name, slug, description} */
  GHashTable *collection_bodies; /* slug -> JsonObject */
  JsonNode *openrouter_models;
} FakeServer;

typedef struct
{
  GBytes *bytes;
  char *content_type;
} FakeMedia;

/* sb-fake-providers.c */
FakeFault   *fake_fault_parse            (const char   *token);
void         fake_fault_free             (FakeFault    *fault);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (FakeFault, fake_fault_free)
void         fake_faults_parse_list      (GPtrArray    *out,
                                          const char   *list);
void         fake_faults_from_text       (GPtrArray    *out,
                                          const char   *text);
char        *fake_strip_markers          (const char   *text);
GPtrArray   *fake_collect_faults         (FakeServer   *self,
                                          SoupServerMessage *msg,
                                          const char   *route,
                                          const char   *prompt_text);
FakeFault   *fake_faults_find            (GPtrArray    *faults,
                                          const char   *name);
gboolean     fake_faults_has             (GPtrArray    *faults,
                                          const char   *name);
const char  *fake_faults_value           (GPtrArray    *faults,
                                          const char   *name,
                                          const char   *fallback);
double       fake_faults_double          (GPtrArray    *faults,
                                          const char   *name,
                                          double        fallback);
FakeFault   *fake_faults_find_status     (GPtrArray    *faults);

void         fake_send_json              (SoupServerMessage *msg,
                                          guint         status,
                                          const char   *content_type,
                                          JsonNode     *node);
void         fake_send_json_object       (SoupServerMessage *msg,
                                          guint         status,
                                          const char   *content_type,
                                          JsonObject   *object);
void         fake_send_text              (SoupServerMessage *msg,
                                          guint         status,
                                          const char   *content_type,
                                          const char   *text);
void         fake_send_bytes             (FakeServer   *self,
                                          SoupServerMessage *msg,
                                          GBytes       *bytes,
                                          const char   *content_type,
                                          GPtrArray    *faults);
char        *fake_timestamp              (gint64        real_us);
char        *fake_random_id              (guint         length);
JsonNode    *fake_load_json              (FakeServer   *self,
                                          const char   *relative_path,
                                          GError      **error);
void         fake_rewrite_urls           (FakeServer   *self,
                                          JsonNode     *node);
JsonNode    *fake_parse_body             (SoupServerMessage *msg);
void         fake_node_take_string       (JsonNode     *node,
                                          char         *text);

/* Streaming helper: writes text in pieces, with pauses, then completes. */
typedef struct _FakeStream FakeStream;
FakeStream  *fake_stream_new             (FakeServer   *self,
                                          SoupServerMessage *msg,
                                          const char   *content_type,
                                          GPtrArray    *faults);
void         fake_stream_add             (FakeStream   *stream,
                                          const char   *text);
void         fake_stream_add_delay       (FakeStream   *stream,
                                          guint         delay_ms);
void         fake_stream_add_close       (FakeStream   *stream);
void         fake_stream_start           (FakeStream   *stream);

/* fake-media.c */
GBytes      *fake_media_render_image     (const char   *text,
                                          int           index,
                                          int           width,
                                          int           height,
                                          const char   *format,
                                          const char  **content_type);
GBytes      *fake_media_load_video       (FakeServer   *self,
                                          const char   *format,
                                          const char  **content_type);

/* fake-replicate.c */
gboolean     fake_replicate_init         (FakeServer   *self,
                                          GError      **error);
gboolean     fake_replicate_handle       (FakeServer   *self,
                                          SoupServerMessage *msg,
                                          const char   *path);
gboolean     fake_files_handle           (FakeServer   *self,
                                          SoupServerMessage *msg,
                                          const char   *path);
void         fake_replicate_reset        (FakeServer   *self);

/* fake-llm.c */
gboolean     fake_llm_handle             (FakeServer   *self,
                                          SoupServerMessage *msg,
                                          const char   *path);

G_END_DECLS
