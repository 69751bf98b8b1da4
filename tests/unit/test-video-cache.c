/* test-video-cache.c
 *
 * Copyright 2026 The Storyboard authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>
#include <utime.h>

#include <glib/gstdio.h>

#include "sb-test-async.h"
#include "sb-library.h"
#include "sb-video-cache.h"

static SbLibrary *
open_library (void)
{
  g_autoptr(GFile) file = sb_library_dup_default_file ();
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  SbLibrary *library;

  sb_library_open_async (file, NULL, sb_test_store_result_cb, &result);
  library = sb_library_open_finish (sb_test_run_until (&result), &error);
  g_assert_no_error (error);

  return library;
}

static void
close_library (SbLibrary *library)
{
  sb_library_close (library);
  g_assert_finalize_object (library);
}

static SbMediaItem *
add_video (SbLibrary *library,
           GBytes    *bytes)
{
  g_autoptr(SbMediaItem) item = sb_media_item_new ();
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  SbMediaItem *added;

  sb_media_item_set_kind (item, SB_MEDIA_KIND_VIDEO);
  sb_media_item_set_mime_type (item, "video/webm");
  sb_library_add_media_async (library, item, bytes, NULL, NULL, sb_test_store_result_cb, &result);
  added = sb_library_add_media_finish (library, sb_test_run_until (&result), NULL, &error);
  g_assert_no_error (error);

  return added;
}

static GFile *
materialize (SbVideoCache *cache,
             gint64        id,
             gboolean     *out_hit)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  GFile *file;

  sb_video_cache_materialize_async (cache, id, NULL, sb_test_store_result_cb, &result);
  file = sb_video_cache_materialize_finish (cache, sb_test_run_until (&result), out_hit, &error);
  g_assert_no_error (error);
  g_assert_nonnull (file);

  return file;
}

static void
set_used (GFile  *file,
          time_t  when)
{
  struct utimbuf times = { when, when };

  g_assert_cmpint (g_utime (g_file_peek_path (file), &times), ==, 0);
}

static void
test_materialize_twice (void)
{
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "data", "video", "ball.webm", NULL);
  g_autofree char *contents = NULL;
  g_autofree char *expected_name = NULL;
  g_autofree char *expected_path = NULL;
  g_autofree char *copied = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(SbMediaItem) item = NULL;
  g_autoptr(GFile) first = NULL;
  g_autoptr(GFile) second = NULL;
  g_autoptr(GFile) third = NULL;
  g_autoptr(GFile) directory = NULL;
  SbVideoCache *cache;
  SbLibrary *library;
  gboolean hit = TRUE;
  gsize len = 0, copied_len = 0;

  g_file_get_contents (path, &contents, &len, &error);
  g_assert_no_error (error);
  bytes = g_bytes_new_take (g_steal_pointer (&contents), len);

  library = open_library ();
  item = add_video (library, bytes);
  cache = sb_video_cache_new (library, NULL, 0);
  directory = sb_video_cache_dup_default_directory ();
  g_assert_true (g_str_has_prefix (g_file_peek_path (directory), g_get_user_cache_dir ()));
  g_assert_cmpuint (sb_video_cache_get_max_bytes (cache), ==, SB_VIDEO_CACHE_DEFAULT_MAX_BYTES);

  /* A miss: streamed to <sha256>.webm, byte for byte. */
  first = materialize (cache, sb_media_item_get_id (item), &hit);
  g_assert_false (hit);
  expected_name = g_strconcat (sb_media_item_get_sha256 (item), ".webm", NULL);
  expected_path = g_build_filename (g_file_peek_path (directory), expected_name, NULL);
  g_assert_cmpstr (g_file_peek_path (first), ==, expected_path);
  g_file_get_contents (g_file_peek_path (first), &copied, &copied_len, &error);
  g_assert_no_error (error);
  g_assert_cmpmem (copied, copied_len, g_bytes_get_data (bytes, NULL), len);

  /* A hit: the same file, untouched. */
  set_used (first, 1000);
  second = materialize (cache, sb_media_item_get_id (item), &hit);
  g_assert_true (hit);
  g_assert_true (g_file_equal (first, second));

  /* A hit is marked as used now: it is the last to be evicted. */
  {
    GStatBuf st;

    g_assert_cmpint (g_stat (g_file_peek_path (second), &st), ==, 0);
    g_assert_cmpint (st.st_mtime, >, 1000);
  }

  /* A file of the wrong size (cut short) is written again. */
  g_file_set_contents (g_file_peek_path (first), "short", 5, &error);
  g_assert_no_error (error);
  third = materialize (cache, sb_media_item_get_id (item), &hit);
  g_assert_false (hit);
  g_clear_pointer (&copied, g_free);
  g_file_get_contents (g_file_peek_path (third), &copied, &copied_len, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (copied_len, ==, len);

  g_assert_finalize_object (cache);
  close_library (library);
}

static void
test_evict_by_size (void)
{
  g_autoptr(GFile) directory = g_file_new_build_filename (g_get_user_cache_dir (), "evict", NULL);
  g_autoptr(SbMediaItem) a = NULL;
  g_autoptr(SbMediaItem) b = NULL;
  g_autoptr(SbMediaItem) c = NULL;
  g_autoptr(GFile) file_a = NULL;
  g_autoptr(GFile) file_b = NULL;
  g_autoptr(GFile) file_c = NULL;
  g_autoptr(GFile) file_a2 = NULL;
  g_autoptr(GFile) stranger = NULL;
  g_autoptr(GError) error = NULL;
  SbVideoCache *cache;
  SbLibrary *library;
  gboolean hit;

  library = open_library ();
  for (guint i = 0; i < 3; i++)
    {
      guint8 *data = g_malloc (1000);
      g_autoptr(GBytes) bytes = NULL;

      memset (data, 'a' + i, 1000);
      bytes = g_bytes_new_take (data, 1000);
      if (i == 0)
        a = add_video (library, bytes);
      else if (i == 1)
        b = add_video (library, bytes);
      else
        c = add_video (library, bytes);
    }

  /* Room for two. */
  cache = sb_video_cache_new (library, directory, 2500);

  file_a = materialize (cache, sb_media_item_get_id (a), &hit);
  file_b = materialize (cache, sb_media_item_get_id (b), &hit);
  g_assert_true (g_file_query_exists (file_a, NULL));
  g_assert_true (g_file_query_exists (file_b, NULL));
  set_used (file_a, 1000);
  set_used (file_b, 2000);

  /* Not one of the cache's files: never counted nor removed. */
  stranger = g_file_get_child (directory, "notes.txt");
  g_file_replace_contents (stranger, "x", 1, NULL, FALSE, 0, NULL, NULL, &error);
  g_assert_no_error (error);

  /* The third pushes out the least recently used. */
  file_c = materialize (cache, sb_media_item_get_id (c), &hit);
  g_assert_false (hit);
  g_assert_false (g_file_query_exists (file_a, NULL));
  g_assert_true (g_file_query_exists (file_b, NULL));
  g_assert_true (g_file_query_exists (file_c, NULL));
  g_assert_true (g_file_query_exists (stranger, NULL));

  /* A again: now B is the oldest; the one just written is kept. */
  file_a2 = materialize (cache, sb_media_item_get_id (a), &hit);
  g_assert_false (hit);
  g_assert_true (g_file_query_exists (file_a2, NULL));
  g_assert_false (g_file_query_exists (file_b, NULL));
  g_assert_true (g_file_query_exists (file_c, NULL));

  /* A budget smaller than one video still keeps the one asked for. */
  g_assert_cmpuint (sb_video_cache_trim_sync (directory, 10, file_a2, &error), ==, 1000);
  g_assert_no_error (error);
  g_assert_true (g_file_query_exists (file_a2, NULL));
  g_assert_false (g_file_query_exists (file_c, NULL));

  g_assert_finalize_object (cache);
  close_library (library);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/sb/video-cache/materialize-twice", test_materialize_twice);
  g_test_add_func ("/sb/video-cache/evict-by-size", test_evict_by_size);

  return g_test_run ();
}
