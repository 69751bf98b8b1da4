/* sb-replicate-client.h
 *
 * Copyright 2026 The Storyboard authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <json-glib/json-glib.h>

#include "sb-http.h"
#include "sb-model-schema.h"

G_BEGIN_DECLS

/* Replicate recommends data URIs only for files up to this size. */
#define SB_REPLICATE_MAX_DATA_URI_BYTES (256 * 1024)
#define SB_REPLICATE_MAX_WAIT_SECONDS   60

typedef enum
{
  SB_PREDICTION_STARTING,
  SB_PREDICTION_PROCESSING,
  SB_PREDICTION_SUCCEEDED,
  SB_PREDICTION_FAILED,
  SB_PREDICTION_CANCELED,
  SB_PREDICTION_ABORTED,
  SB_PREDICTION_UNKNOWN,
} SbPredictionStatus;

SbPredictionStatus sb_prediction_status_from_string (const char         *text);
const char        *sb_prediction_status_to_string   (SbPredictionStatus  status);
/* succeeded, failed, canceled, aborted. */
gboolean           sb_prediction_status_is_terminal (SbPredictionStatus  status);

typedef struct
{
  char               *id;
  char               *model;        /* may differ from the one requested */
  char               *version;
  SbPredictionStatus  status;
  char               *error;        /* the failure text, or NULL */
  char               *logs;
  char              **outputs;      /* every file output: URLs and data URIs, never NULL */
  JsonNode           *output;       /* raw output, or NULL */
  char               *url_get;
  char               *url_cancel;
  char               *url_stream;
  char               *url_web;
  GDateTime          *created_at;
  GDateTime          *started_at;
  GDateTime          *completed_at;
  double              predict_time; /* seconds, or -1 */
  gboolean            data_removed;
} SbPrediction;

#define SB_TYPE_PREDICTION (sb_prediction_get_type ())

GType         sb_prediction_get_type       (void) G_GNUC_CONST;
SbPrediction *sb_prediction_new_from_json  (JsonNode      *node,
                                            GError       **error);
SbPrediction *sb_prediction_copy           (SbPrediction  *self);
void          sb_prediction_free           (SbPrediction  *self);
/* Last tqdm percentage in the logs ("45%|####  | 9/20"), or -1. */
int           sb_prediction_get_progress   (SbPrediction  *self);
/* Text outputs (language models) concatenated, or NULL. */
char         *sb_prediction_dup_text       (SbPrediction  *self);
/* FAILED / CANCELED / ABORTED as an SB_PROVIDER_ERROR_FAILED error; TRUE
 * for any other status. */
gboolean      sb_prediction_check          (SbPrediction  *self,
                                            GError       **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (SbPrediction, sb_prediction_free)

/* Every output shape (string, list, nested objects, data URI, null) to a
 * list of the http(s) URLs and data: URIs it holds, in order. */
char        **sb_replicate_normalize_output (JsonNode *output);

typedef struct
{
  char     *owner;
  char     *name;
  char     *description;
  char     *url;
  char     *cover_image_url;
  char     *visibility;
  gint64    run_count;
  gboolean  is_official;
  char     *latest_version_id;   /* NULL for a model without versions */
  JsonNode *openapi_schema;      /* NULL when unknown */
} SbReplicateModel;

#define SB_TYPE_REPLICATE_MODEL (sb_replicate_model_get_type ())

GType             sb_replicate_model_get_type      (void) G_GNUC_CONST;
SbReplicateModel *sb_replicate_model_new_from_json (JsonNode          *node,
                                                    GError           **error);
SbReplicateModel *sb_replicate_model_copy          (SbReplicateModel  *self);
void              sb_replicate_model_free          (SbReplicateModel  *self);
/* The form of the model's inputs (see sb_model_schema_parse()). */
GPtrArray        *sb_replicate_model_parse_params  (SbReplicateModel  *self,
                                                    GError           **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (SbReplicateModel, sb_replicate_model_free)

typedef struct
{
  char      *slug;
  char      *name;
  char      *description;
  GPtrArray *models;    /* SbReplicateModel; empty in list results */
} SbReplicateCollection;

#define SB_TYPE_REPLICATE_COLLECTION (sb_replicate_collection_get_type ())

GType                  sb_replicate_collection_get_type      (void) G_GNUC_CONST;
SbReplicateCollection *sb_replicate_collection_new_from_json (JsonNode               *node,
                                                              GError                **error);
SbReplicateCollection *sb_replicate_collection_copy          (SbReplicateCollection  *self);
void                   sb_replicate_collection_free          (SbReplicateCollection  *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (SbReplicateCollection, sb_replicate_collection_free)

/* A page: {"previous", "next", "results"}.  Returns the results array
 * (borrowed from @node) and the next URL (NULL on the last page). */
JsonArray *sb_replicate_parse_page (JsonNode  *node,
                                    char     **out_next,
                                    GError   **error);

#define SB_TYPE_REPLICATE_CLIENT (sb_replicate_client_get_type ())

G_DECLARE_FINAL_TYPE (SbReplicateClient, sb_replicate_client, SB, REPLICATE_CLIENT, GObject)

SbReplicateClient *sb_replicate_client_new          (SbHttp            *http);
SbHttp            *sb_replicate_client_get_http     (SbReplicateClient *self);
void               sb_replicate_client_set_api_key  (SbReplicateClient *self,
                                                     const char        *api_key);
gboolean           sb_replicate_client_has_api_key  (SbReplicateClient *self);

/* GPtrArray of SbReplicateCollection, every page walked via `next`. */
void       sb_replicate_client_list_collections_async  (SbReplicateClient   *self,
                                                        GCancellable        *cancellable,
                                                        GAsyncReadyCallback  callback,
                                                        gpointer             user_data);
GPtrArray *sb_replicate_client_list_collections_finish (SbReplicateClient   *self,
                                                        GAsyncResult        *result,
                                                        GError             **error);

void                   sb_replicate_client_get_collection_async  (SbReplicateClient   *self,
                                                                  const char          *slug,
                                                                  GCancellable        *cancellable,
                                                                  GAsyncReadyCallback  callback,
                                                                  gpointer             user_data);
SbReplicateCollection *sb_replicate_client_get_collection_finish (SbReplicateClient   *self,
                                                                  GAsyncResult        *result,
                                                                  GError             **error);

void              sb_replicate_client_get_model_async  (SbReplicateClient   *self,
                                                        const char          *owner,
                                                        const char          *name,
                                                        GCancellable        *cancellable,
                                                        GAsyncReadyCallback  callback,
                                                        gpointer             user_data);
SbReplicateModel *sb_replicate_client_get_model_finish (SbReplicateClient   *self,
                                                        GAsyncResult        *result,
                                                        GError             **error);

/* Creates a prediction: with @version NULL through the official-model route
 * POST /models/{owner}/{name}/predictions, else POST /predictions with
 * "version".  @wait_seconds > 0 sends `Prefer: wait=N` (capped at 60).  A
 * create is retried only when Replicate surely made nothing (429, 503/529
 * without a prediction, connection refused) — never after a timeout. */
void          sb_replicate_client_create_prediction_async  (SbReplicateClient   *self,
                                                            const char          *model,
                                                            const char          *version,
                                                            JsonObject          *input,
                                                            guint                wait_seconds,
                                                            GCancellable        *cancellable,
                                                            GAsyncReadyCallback  callback,
                                                            gpointer             user_data);
SbPrediction *sb_replicate_client_create_prediction_finish (SbReplicateClient   *self,
                                                            GAsyncResult        *result,
                                                            GError             **error);

void          sb_replicate_client_get_prediction_async  (SbReplicateClient   *self,
                                                         const char          *id,
                                                         GCancellable        *cancellable,
                                                         GAsyncReadyCallback  callback,
                                                         gpointer             user_data);
SbPrediction *sb_replicate_client_get_prediction_finish (SbReplicateClient   *self,
                                                         GAsyncResult        *result,
                                                         GError             **error);

/* Polls (urls.get, else /predictions/{id}) with growing intervals (0.5 s
 * x1.5 up to 5 s, scaled by SbHttp:backoff-scale) until a terminal status,
 * including a sync-mode "processing" that already has output.  Gives up
 * with TIMEOUT after @max_seconds (0 = 30 minutes).  Returns the terminal
 * prediction whatever its status: see sb_prediction_check(). */
void          sb_replicate_client_wait_prediction_async  (SbReplicateClient   *self,
                                                          SbPrediction        *prediction,
                                                          guint                max_seconds,
                                                          GCancellable        *cancellable,
                                                          GAsyncReadyCallback  callback,
                                                          gpointer             user_data);
SbPrediction *sb_replicate_client_wait_prediction_finish (SbReplicateClient   *self,
                                                          GAsyncResult        *result,
                                                          GError             **error);

void          sb_replicate_client_cancel_prediction_async  (SbReplicateClient   *self,
                                                            const char          *id,
                                                            GCancellable        *cancellable,
                                                            GAsyncReadyCallback  callback,
                                                            gpointer             user_data);
SbPrediction *sb_replicate_client_cancel_prediction_finish (SbReplicateClient   *self,
                                                            GAsyncResult        *result,
                                                            GError             **error);

/* POST /files (multipart: content, filename, type); returns urls.get. */
void  sb_replicate_client_upload_file_async  (SbReplicateClient   *self,
                                              GBytes              *bytes,
                                              const char          *filename,
                                              const char          *content_type,
                                              GCancellable        *cancellable,
                                              GAsyncReadyCallback  callback,
                                              gpointer             user_data);
char *sb_replicate_client_upload_file_finish (SbReplicateClient   *self,
                                              GAsyncResult        *result,
                                              GError             **error);

/* The value to put in a `format: uri` input: a data URI up to
 * SB_REPLICATE_MAX_DATA_URI_BYTES, else the URL of an uploaded file. */
void  sb_replicate_client_prepare_file_input_async  (SbReplicateClient   *self,
                                                     GBytes              *bytes,
                                                     const char          *filename,
                                                     const char          *content_type,
                                                     GCancellable        *cancellable,
                                                     GAsyncReadyCallback  callback,
                                                     gpointer             user_data);
char *sb_replicate_client_prepare_file_input_finish (SbReplicateClient   *self,
                                                     GAsyncResult        *result,
                                                     GError             **error);

/* Downloads an output (see sb_http_download_async()); the token only goes
 * to Replicate's own hosts. */
void        sb_replicate_client_download_output_async  (SbReplicateClient   *self,
                                                        const char          *url,
                                                        gsize                max_bytes,
                                                        GCancellable        *cancellable,
                                                        GAsyncReadyCallback  callback,
                                                        gpointer             user_data);
SbDownload *sb_replicate_client_download_output_finish (SbReplicateClient   *self,
                                                        GAsyncResult        *result,
                                                        GError             **error);

G_END_DECLS
