/* sb-video-cache.c
 *
 * Copyright 2026 The Storyboard authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "sb-video"

#include "config.h"

#include <errno.h>
#include <sys/stat.h>
#include <utime.h>

#include <glib/gstdio.h>

#include "sb-video-cache.h"

struct _SbVideoCache
{
  GObject    parent_instance;

  /* Owned */
  SbLibrary *library;
  GFile     *directory;
  guint64    max_bytes;
};

G_DEFINE_FINAL_TYPE (SbVideoCache, sb_video_cache, G_TYPE_OBJECT)

GFile *
sb_video_cache_dup_default_directory (void)
{
  g_autofree char *path = g_build_filename (g_get_user_cache_dir (), "storyboard", "videos", NULL);

  return g_file_new_for_path (path);
}

static void
sb_video_cache_finalize (GObject *object)
{
  SbVideoCache *self = SB_VIDEO_CACHE (object);

  g_clear_object (&self->library);
  g_clear_object (&self->directory);

  G_OBJECT_CLASS (sb_video_cache_parent_class)->finalize (object);
}

static void
sb_video_cache_class_init (SbVideoCacheClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = sb_video_cache_finalize;
}

static void
sb_video_cache_init (SbVideoCache *self)
{
}

SbVideoCache *
sb_video_cache_new (SbLibrary *library,
                    GFile     *directory,
                    guint64    max_bytes)
{
  SbVideoCache *self;

  g_return_val_if_fail (SB_IS_LIBRARY (library), NULL);
  g_return_val_if_fail (directory == NULL || G_IS_FILE (directory), NULL);

  self = g_object_new (SB_TYPE_VIDEO_CACHE, NULL);
  self->library = g_object_ref (library);
  self->directory = directory != NULL ? g_object_ref (directory) : sb_video_cache_dup_default_directory ();
  self->max_bytes = max_bytes > 0 ? max_bytes : SB_VIDEO_CACHE_DEFAULT_MAX_BYTES;

  return self;
}

guint64
sb_video_cache_get_max_bytes (SbVideoCache *self)
{
  g_return_val_if_fail (SB_IS_VIDEO_CACHE (self), 0);

  return self->max_bytes;
}

/* ------------------------------------------------------------------ */
/* Trimming                                                            */
/* ------------------------------------------------------------------ */

typedef struct
{
  GFile   *file;
  guint64  size;
  guint64  used;  /* the later of access and modification, seconds */
} Entry;

static void
entry_free (Entry *entry)
{
  g_clear_object (&entry->file);
  g_free (entry);
}

static int
compare_used (gconstpointer a,
              gconstpointer b)
{
  const Entry *ea = *(const Entry **) a;
  const Entry *eb = *(const Entry **) b;

  return (ea->used > eb->used) - (ea->used < eb->used);
}

/* Only the cache's own names: <64 hex digits>.<ext>. */
static gboolean
is_cache_name (const char *name)
{
  guint i;

  for (i = 0; g_ascii_isxdigit (name[i]); i++)
    ;

  return i == 64 && name[i] == '.';
}

guint64
sb_video_cache_trim_sync (GFile    *directory,
                          guint64   max_bytes,
                          GFile    *keep,
                          GError  **error)
{
  g_autoptr(GFileEnumerator) enumerator = NULL;
  g_autoptr(GPtrArray) entries = g_ptr_array_new_with_free_func ((GDestroyNotify) entry_free);
  guint64 total = 0;

  g_return_val_if_fail (G_IS_FILE (directory), 0);

  enumerator = g_file_enumerate_children (directory,
                                          G_FILE_ATTRIBUTE_STANDARD_NAME ","
                                          G_FILE_ATTRIBUTE_STANDARD_SIZE ","
                                          G_FILE_ATTRIBUTE_STANDARD_TYPE ","
                                          G_FILE_ATTRIBUTE_TIME_ACCESS ","
                                          G_FILE_ATTRIBUTE_TIME_MODIFIED,
                                          G_FILE_QUERY_INFO_NOFOLLOW_SYMLINKS, NULL, error);
  if (enumerator == NULL)
    return 0;

  for (;;)
    {
      GFileInfo *info = NULL;
      Entry *entry;

      if (!g_file_enumerator_iterate (enumerator, &info, NULL, NULL, error))
        return 0;
      if (info == NULL)
        break;
      if (g_file_info_get_file_type (info) != G_FILE_TYPE_REGULAR ||
          !is_cache_name (g_file_info_get_name (info)))
        continue;

      entry = g_new0 (Entry, 1);
      entry->file = g_file_get_child (directory, g_file_info_get_name (info));
      entry->size = (guint64) g_file_info_get_size (info);
      entry->used = MAX (g_file_info_get_attribute_uint64 (info, G_FILE_ATTRIBUTE_TIME_ACCESS),
                         g_file_info_get_attribute_uint64 (info, G_FILE_ATTRIBUTE_TIME_MODIFIED));
      total += entry->size;
      g_ptr_array_add (entries, entry);
    }

  g_ptr_array_sort (entries, compare_used);

  for (guint i = 0; i < entries->len && total > max_bytes; i++)
    {
      Entry *entry = g_ptr_array_index (entries, i);
      g_autoptr(GError) local_error = NULL;

      if (keep != NULL && g_file_equal (entry->file, keep))
        continue;

      /* A player may still have it open: unlinking is fine on Unix. */
      if (!g_file_delete (entry->file, NULL, &local_error))
        {
          g_debug ("Could not evict %s: %s", g_file_peek_path (entry->file), local_error->message);
          continue;
        }

      g_debug ("Evicted %s (%" G_GUINT64_FORMAT " bytes)", g_file_peek_path (entry->file), entry->size);
      total -= entry->size;
    }

  return total;
}

/* ------------------------------------------------------------------ */
/* Materialising                                                       */
/* ------------------------------------------------------------------ */

typedef struct
{
  gint64   id;
  GFile   *file;
  gint64   byte_size;
  GFile   *directory;
  guint64  max_bytes;
  gboolean hit;
} Materialize;

static void
materialize_free (Materialize *data)
{
  g_clear_object (&data->file);
  g_clear_object (&data->directory);
  g_free (data);
}

static const char *
extension_for (const char *mime_type)
{
  if (g_strcmp0 (mime_type, "video/webm") == 0)
    return "webm";
  if (g_strcmp0 (mime_type, "video/quicktime") == 0)
    return "mov";
  if (g_strcmp0 (mime_type, "video/x-matroska") == 0)
    return "mkv";

  return "mp4";
}

static void
trim_thread (GTask        *task,
             gpointer      source_object,
             gpointer      task_data,
             GCancellable *cancellable)
{
  Materialize *data = task_data;
  g_autoptr(GError) error = NULL;

  sb_video_cache_trim_sync (data->directory, data->max_bytes, data->file, &error);
  if (error != NULL)
    g_debug ("Could not trim the video cache: %s", error->message);

  g_task_return_boolean (task, TRUE);
}

static void
trimmed_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;

  g_task_return_boolean (task, TRUE);
}

static void
exported_cb (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GTask) trim = NULL;
  GError *error = NULL;

  if (!sb_library_export_finish (SB_LIBRARY (object), result, &error))
    {
      g_task_return_error (task, error);
      return;
    }

  /* Answers once trimmed, so the caller sees a folder within budget.  An
   * inner task without a source object: the worker may drop its last
   * reference after the callback has run, and must not hold the cache. */
  trim = g_task_new (NULL, NULL, trimmed_cb, g_object_ref (task));
  g_task_set_source_tag (trim, exported_cb);
  g_task_set_task_data (trim, g_task_get_task_data (task), NULL);
  g_task_run_in_thread (trim, trim_thread);
}

/* Whether the file is already there, complete; a hit is marked as used. */
static void
check_thread (GTask        *task,
              gpointer      source_object,
              gpointer      task_data,
              GCancellable *cancellable)
{
  Materialize *data = task_data;
  const char *path = g_file_peek_path (data->file);
  GStatBuf st;

  if (g_mkdir_with_parents (g_file_peek_path (data->directory), 0700) != 0)
    {
      int saved_errno = errno;

      g_task_return_new_error (task, G_IO_ERROR, g_io_error_from_errno (saved_errno),
                               "%s", g_strerror (saved_errno));
      return;
    }

  data->hit = g_stat (path, &st) == 0 && S_ISREG (st.st_mode) && (gint64) st.st_size == data->byte_size;
  if (data->hit)
    g_utime (path, NULL);

  g_task_return_boolean (task, TRUE);
}

static void
checked_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  SbVideoCache *self = g_task_get_source_object (task);
  Materialize *data = g_task_get_task_data (task);
  GError *error = NULL;

  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      g_task_return_error (task, error);
      return;
    }

  if (data->hit)
    {
      g_debug ("Video %" G_GINT64_FORMAT " is cached", data->id);
      g_task_return_boolean (task, TRUE);
      return;
    }

  g_debug ("Materialising video %" G_GINT64_FORMAT, data->id);
  sb_library_export_async (self->library, data->id, data->file, g_task_get_cancellable (task),
                           exported_cb, g_object_ref (task));
}

static void
got_media_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(SbMediaItem) item = NULL;
  g_autoptr(GTask) check = NULL;
  g_autofree char *name = NULL;
  Materialize *data = g_task_get_task_data (task);
  GError *error = NULL;

  item = sb_library_get_media_finish (SB_LIBRARY (object), result, &error);
  if (item == NULL)
    {
      g_task_return_error (task, error);
      return;
    }

  name = g_strdup_printf ("%s.%s", sb_media_item_get_sha256 (item),
                          extension_for (sb_media_item_get_mime_type (item)));
  data->file = g_file_get_child (data->directory, name);
  data->byte_size = sb_media_item_get_byte_size (item);

  check = g_task_new (NULL, g_task_get_cancellable (task), checked_cb, g_object_ref (task));
  g_task_set_source_tag (check, got_media_cb);
  g_task_set_task_data (check, data, NULL);
  g_task_run_in_thread (check, check_thread);
}

void
sb_video_cache_materialize_async (SbVideoCache        *self,
                                  gint64               id,
                                  GCancellable        *cancellable,
                                  GAsyncReadyCallback  callback,
                                  gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  Materialize *data;

  g_return_if_fail (SB_IS_VIDEO_CACHE (self));
  g_return_if_fail (id > 0);
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  data = g_new0 (Materialize, 1);
  data->id = id;
  data->directory = g_object_ref (self->directory);
  data->max_bytes = self->max_bytes;

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, sb_video_cache_materialize_async);
  g_task_set_name (task, "[sb-video] materialize");
  g_task_set_task_data (task, data, (GDestroyNotify) materialize_free);

  sb_library_get_media_async (self->library, id, cancellable, got_media_cb, g_steal_pointer (&task));
}

GFile *
sb_video_cache_materialize_finish (SbVideoCache  *self,
                                   GAsyncResult  *result,
                                   gboolean      *out_hit,
                                   GError       **error)
{
  Materialize *data;

  g_return_val_if_fail (SB_IS_VIDEO_CACHE (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == sb_video_cache_materialize_async, NULL);

  if (!g_task_propagate_boolean (G_TASK (result), error))
    return NULL;

  data = g_task_get_task_data (G_TASK (result));
  if (out_hit != NULL)
    *out_hit = data->hit;

  return g_object_ref (data->file);
}
