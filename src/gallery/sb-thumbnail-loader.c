/* sb-thumbnail-loader.c
 *
 * Copyright 2026 The Storyboard authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "sb-gallery"

#include "config.h"

#include "sb-media.h"
#include "sb-texture-decode.h"
#include "sb-thumbnail-loader.h"

/* Decoded thumbnails kept for scrolling back: 320 px PNGs are ~400 KiB of
 * texture each, so this bounds the cache near 200 MiB at worst. */
#define CACHE_SIZE 512

struct _SbThumbnailLoader
{
  GObject    parent_instance;

  /* Owned */
  SbLibrary  *library;
  GHashTable *cache;   /* gint64* -> GdkTexture */
  GQueue      order;   /* gint64*, most recent at head; keys owned by cache */
};

G_DEFINE_FINAL_TYPE (SbThumbnailLoader, sb_thumbnail_loader, G_TYPE_OBJECT)

static void
sb_thumbnail_loader_finalize (GObject *object)
{
  SbThumbnailLoader *self = SB_THUMBNAIL_LOADER (object);

  g_queue_clear (&self->order);
  g_clear_pointer (&self->cache, g_hash_table_unref);
  g_clear_object (&self->library);

  G_OBJECT_CLASS (sb_thumbnail_loader_parent_class)->finalize (object);
}

static void
sb_thumbnail_loader_class_init (SbThumbnailLoaderClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = sb_thumbnail_loader_finalize;
}

static void
sb_thumbnail_loader_init (SbThumbnailLoader *self)
{
  self->cache = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, g_object_unref);
  g_queue_init (&self->order);
}

SbThumbnailLoader *
sb_thumbnail_loader_new (SbLibrary *library)
{
  SbThumbnailLoader *self;

  g_return_val_if_fail (SB_IS_LIBRARY (library), NULL);

  self = g_object_new (SB_TYPE_THUMBNAIL_LOADER, NULL);
  self->library = g_object_ref (library);

  return self;
}

GdkTexture *
sb_thumbnail_loader_lookup (SbThumbnailLoader *self,
                            gint64             id)
{
  gpointer key;
  gpointer texture;

  g_return_val_if_fail (SB_IS_THUMBNAIL_LOADER (self), NULL);

  if (!g_hash_table_lookup_extended (self->cache, &id, &key, &texture))
    return NULL;

  /* Move to the front of the LRU order. */
  g_queue_remove (&self->order, key);
  g_queue_push_head (&self->order, key);

  return texture;
}

static void
cache_insert (SbThumbnailLoader *self,
              gint64             id,
              GdkTexture        *texture)
{
  gint64 *key;

  if (sb_thumbnail_loader_lookup (self, id) != NULL)
    return;

  key = g_memdup2 (&id, sizeof id);
  g_hash_table_insert (self->cache, key, g_object_ref (texture));
  g_queue_push_head (&self->order, key);

  while (g_queue_get_length (&self->order) > CACHE_SIZE)
    {
      gint64 *oldest = g_queue_pop_tail (&self->order);

      g_hash_table_remove (self->cache, oldest);
    }
}

void
sb_thumbnail_loader_forget (SbThumbnailLoader *self,
                            gint64             id)
{
  gpointer key;

  g_return_if_fail (SB_IS_THUMBNAIL_LOADER (self));

  if (g_hash_table_lookup_extended (self->cache, &id, &key, NULL))
    {
      g_queue_remove (&self->order, key);
      g_hash_table_remove (self->cache, &id);
    }
}

typedef struct
{
  gint64  id;
  GBytes *bytes;       /* encoded thumbnail, or the original when regenerating */
  GBytes *generated;   /* thumbnail made from the original, to store */
} LoadData;

static void
load_data_free (LoadData *data)
{
  g_clear_pointer (&data->bytes, g_bytes_unref);
  g_clear_pointer (&data->generated, g_bytes_unref);
  g_free (data);
}

static void
regenerate_thread (GTask        *task,
                   gpointer      source_object,
                   gpointer      task_data,
                   GCancellable *cancellable)
{
  GError *error = NULL;
  GBytes *thumbnail = NULL;
  SbMediaProbe probe;

  if (!sb_media_process_image (task_data, NULL, SB_MEDIA_THUMBNAIL_SIZE,
                               &probe, &thumbnail, &error))
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, thumbnail, (GDestroyNotify) g_bytes_unref);
}

static void
decoded_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  SbThumbnailLoader *self = g_task_get_source_object (task);
  LoadData *data = g_task_get_task_data (task);
  g_autoptr(GdkTexture) texture = NULL;
  GError *error = NULL;

  texture = sb_texture_decode_finish (result, &error);
  if (texture == NULL)
    {
      g_task_return_error (task, error);
      return;
    }

  /* A thumbnail made from the original is kept for next time. */
  if (data->generated != NULL)
    sb_library_set_thumbnail_async (self->library, data->id, data->generated, NULL, NULL, NULL);

  cache_insert (self, data->id, texture);
  g_task_return_pointer (task, g_steal_pointer (&texture), g_object_unref);
}

static void
regenerated_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  LoadData *data = g_task_get_task_data (task);
  GError *error = NULL;

  data->generated = g_task_propagate_pointer (G_TASK (result), &error);
  if (data->generated == NULL)
    {
      g_task_return_error (task, error);
      return;
    }

  sb_texture_decode_async (data->generated, g_task_get_cancellable (task),
                           decoded_cb, g_object_ref (task));
}

static void
original_loaded_cb (GObject      *object,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  LoadData *data = g_task_get_task_data (task);
  g_autoptr(GTask) worker = NULL;
  GError *error = NULL;

  data->bytes = sb_library_load_bytes_finish (SB_LIBRARY (object), result, &error);
  if (data->bytes == NULL)
    {
      g_task_return_error (task, error);
      return;
    }

  /* No thumbnail was stored: make one from the original, off the main
   * thread. */
  worker = g_task_new (NULL, g_task_get_cancellable (task), regenerated_cb, g_object_ref (task));
  g_task_set_task_data (worker, g_bytes_ref (data->bytes), (GDestroyNotify) g_bytes_unref);
  g_task_run_in_thread (worker, regenerate_thread);
}

static void
thumbnail_loaded_cb (GObject      *object,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  LoadData *data = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;

  data->bytes = sb_library_load_thumbnail_finish (SB_LIBRARY (object), result, &error);
  if (data->bytes == NULL)
    {
      if (g_error_matches (error, SB_LIBRARY_ERROR, SB_LIBRARY_ERROR_NOT_FOUND))
        {
          SbThumbnailLoader *self = g_task_get_source_object (task);

          /* No thumbnail stored: make one from the original. */
          sb_library_load_bytes_async (self->library, data->id,
                                       g_task_get_cancellable (task),
                                       original_loaded_cb,
                                       g_object_ref (task));
          return;
        }

      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  sb_texture_decode_async (data->bytes, g_task_get_cancellable (task),
                           decoded_cb, g_object_ref (task));
}

void
sb_thumbnail_loader_load_async (SbThumbnailLoader   *self,
                                gint64               id,
                                GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  LoadData *data;
  GdkTexture *cached;

  g_return_if_fail (SB_IS_THUMBNAIL_LOADER (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, sb_thumbnail_loader_load_async);

  cached = sb_thumbnail_loader_lookup (self, id);
  if (cached != NULL)
    {
      g_task_return_pointer (task, g_object_ref (cached), g_object_unref);
      return;
    }

  data = g_new0 (LoadData, 1);
  data->id = id;
  g_task_set_task_data (task, data, (GDestroyNotify) load_data_free);

  sb_library_load_thumbnail_async (self->library, id, cancellable,
                                   thumbnail_loaded_cb, g_steal_pointer (&task));
}

GdkTexture *
sb_thumbnail_loader_load_finish (SbThumbnailLoader  *self,
                                 GAsyncResult       *result,
                                 GError            **error)
{
  g_return_val_if_fail (SB_IS_THUMBNAIL_LOADER (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}
