/* test-library.c
 *
 * Copyright 2026 The Storyboard authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gstdio.h>
#include <string.h>
#include <unistd.h>

#include "sb-test-async.h"
#include "sb-library-jobs.h"
#include "sb-library-private.h"
#include "sb-library.h"

/* Async plumbing: every helper starts one call and iterates the default
 * main context until its callback has stored the result. */

static SbLibrary *
open_library (GFile   *file,
              GError **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  sb_library_open_async (file, NULL, sb_test_store_result_cb, &result);

  return sb_library_open_finish (sb_test_run_until (&result), error);
}

static SbLibrary *
open_default_library (void)
{
  g_autoptr(GFile) file = sb_library_dup_default_file ();
  g_autoptr(GError) error = NULL;
  SbLibrary *library;

  library = open_library (file, &error);
  g_assert_no_error (error);
  g_assert_true (SB_IS_LIBRARY (library));

  return library;
}

static char *
default_path (void)
{
  g_autoptr(GFile) file = sb_library_dup_default_file ();

  return g_file_get_path (file);
}

static void
close_library (SbLibrary *library)
{
  sb_library_close (library);
  g_assert_finalize_object (library);
}

static SbMediaItem *
add_media (SbLibrary    *library,
           SbMediaItem  *item,
           GBytes       *data,
           GBytes       *thumbnail,
           gboolean     *out_existed,
           GError      **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  sb_library_add_media_async (library, item, data, thumbnail, NULL, sb_test_store_result_cb, &result);

  return sb_library_add_media_finish (library, sb_test_run_until (&result), out_existed, error);
}

static SbMediaItem *
get_media (SbLibrary  *library,
           gint64      id,
           GError    **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  sb_library_get_media_async (library, id, NULL, sb_test_store_result_cb, &result);

  return sb_library_get_media_finish (library, sb_test_run_until (&result), error);
}

static GBytes *
load_bytes (SbLibrary  *library,
            gint64      id,
            GError    **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  sb_library_load_bytes_async (library, id, NULL, sb_test_store_result_cb, &result);

  return sb_library_load_bytes_finish (library, sb_test_run_until (&result), error);
}

static GBytes *
load_thumbnail (SbLibrary  *library,
                gint64      id,
                GError    **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  sb_library_load_thumbnail_async (library, id, NULL, sb_test_store_result_cb, &result);

  return sb_library_load_thumbnail_finish (library, sb_test_run_until (&result), error);
}

static gboolean
set_thumbnail (SbLibrary  *library,
               gint64      id,
               GBytes     *thumbnail,
               GError    **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  sb_library_set_thumbnail_async (library, id, thumbnail, NULL, sb_test_store_result_cb, &result);

  return sb_library_set_thumbnail_finish (library, sb_test_run_until (&result), error);
}

static gboolean
export_media (SbLibrary  *library,
              gint64      id,
              GFile      *destination,
              GError    **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  sb_library_export_async (library, id, destination, NULL, sb_test_store_result_cb, &result);

  return sb_library_export_finish (library, sb_test_run_until (&result), error);
}

static gboolean
trash_media (SbLibrary  *library,
             gint64      id,
             GError    **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  sb_library_trash_media_async (library, id, NULL, sb_test_store_result_cb, &result);

  return sb_library_trash_media_finish (library, sb_test_run_until (&result), error);
}

static gboolean
restore_media (SbLibrary  *library,
               gint64      id,
               GError    **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  sb_library_restore_media_async (library, id, NULL, sb_test_store_result_cb, &result);

  return sb_library_restore_media_finish (library, sb_test_run_until (&result), error);
}

static gboolean
purge_trash (SbLibrary  *library,
             GError    **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  sb_library_purge_trash_async (library, NULL, sb_test_store_result_cb, &result);

  return sb_library_purge_trash_finish (library, sb_test_run_until (&result), error);
}

static SbMediaList *
list_media (SbLibrary    *library,
            SbMediaKind   kind)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  SbMediaList *list;

  sb_library_list_media_async (library, kind, NULL, sb_test_store_result_cb, &result);
  list = sb_library_list_media_finish (library, sb_test_run_until (&result), &error);
  g_assert_no_error (error);
  g_assert_true (G_IS_LIST_MODEL (list));

  return list;
}

static void
insert_synthetic (SbLibrary *library,
                  guint      n_rows,
                  gint64     first_created_at)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  sb_library_insert_synthetic_async (library, n_rows, first_created_at, NULL, sb_test_store_result_cb, &result);
  sb_library_insert_synthetic_finish (library, sb_test_run_until (&result), &error);
  g_assert_no_error (error);
}

static void
wait_until_loaded (SbMediaItem *item)
{
  while (!sb_media_item_get_loaded (item))
    g_main_context_iteration (g_main_context_get_thread_default (), TRUE);
}

static void
wait_until_no_pending (SbMediaList *list)
{
  while (sb_media_list_get_n_pending (list) > 0)
    g_main_context_iteration (g_main_context_get_thread_default (), TRUE);
}

/* g_date_time_to_unix_usec() needs GLib 2.80. */
static gint64
to_unix_usec (GDateTime *date_time)
{
  g_assert_nonnull (date_time);

  return g_date_time_to_unix (date_time) * G_USEC_PER_SEC + g_date_time_get_microsecond (date_time);
}

/* Test data */

static GBytes *
random_bytes (gsize size)
{
  guint8 *data = g_malloc (MAX (size, 1));

  for (gsize i = 0; i < size; i++)
    data[i] = g_test_rand_int_range (0, 256);

  return g_bytes_new_take (data, size);
}

/* A PNG signature and IHDR chunk: enough for the library to read a size. */
static GBytes *
fake_png (guint32 width,
          guint32 height,
          guint8  fill)
{
  guint8 data[64] = { 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n', 0, 0, 0, 13, 'I', 'H', 'D', 'R' };
  guint32 be;

  be = GUINT32_TO_BE (width);
  memcpy (data + 16, &be, 4);
  be = GUINT32_TO_BE (height);
  memcpy (data + 20, &be, 4);
  memset (data + 24, fill, sizeof data - 24);

  return g_bytes_new (data, sizeof data);
}

static SbMediaItem *
new_image (const char *filename)
{
  SbMediaItem *item = sb_media_item_new ();

  sb_media_item_set_kind (item, SB_MEDIA_KIND_IMAGE);
  sb_media_item_set_mime_type (item, "image/png");
  sb_media_item_set_size (item, 640, 480);
  sb_media_item_set_filename (item, filename);

  return item;
}

static SbMediaItem *
add_new (SbLibrary  *library,
         SbMediaKind kind,
         GBytes     *data)
{
  g_autoptr(SbMediaItem) item = new_image ("x.png");
  g_autoptr(GError) error = NULL;
  gboolean existed = TRUE;
  SbMediaItem *added;

  sb_media_item_set_kind (item, kind);
  added = add_media (library, item, data, NULL, &existed, &error);
  g_assert_no_error (error);
  g_assert_false (existed);

  return added;
}

static char *
file_checksum (const char *path)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *contents = NULL;
  gsize length;

  g_file_get_contents (path, &contents, &length, &error);
  g_assert_no_error (error);

  return g_compute_checksum_for_data (G_CHECKSUM_SHA256, (const guchar *) contents, length);
}

static char *
query (const char *path,
       const char *sql)
{
  g_autoptr(GError) error = NULL;
  char *result;

  result = sb_library_test_query (path, sql, &error);
  g_assert_no_error (error);

  return result;
}

static void
assert_query (const char *path,
              const char *sql,
              const char *expected)
{
  g_autofree char *result = query (path, sql);

  g_assert_cmpstr (result, ==, expected);
}

/* Files beside @path whose name starts with its basename, @path included. */
static guint
count_library_files (const char *path)
{
  g_autofree char *dirname = g_path_get_dirname (path);
  g_autofree char *basename = g_path_get_basename (path);
  g_autoptr(GDir) dir = g_dir_open (dirname, 0, NULL);
  const char *name;
  guint n = 0;

  g_assert_nonnull (dir);
  while ((name = g_dir_read_name (dir)))
    if (g_str_has_prefix (name, basename))
      n++;

  return n;
}

/* Opens @path, which must be refused with @code, and checks that neither
 * the file nor its folder changed. */
static void
assert_refused_untouched (const char *path,
                          int         code)
{
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GError) error = NULL;
  g_autofree char *before = file_checksum (path);
  g_autofree char *after = NULL;
  SbLibrary *library;

  g_assert_cmpuint (count_library_files (path), ==, 1);

  library = open_library (file, &error);
  g_assert_error (error, SB_LIBRARY_ERROR, code);
  g_assert_null (library);
  g_assert_nonnull (error->message);
  g_assert_cmpstr (error->message, !=, "");

  after = file_checksum (path);
  g_assert_cmpstr (before, ==, after);
  /* No -wal, -shm or -journal left behind either. */
  g_assert_cmpuint (count_library_files (path), ==, 1);
}

/* Tests */

static void
test_default_file (void)
{
  g_autoptr(GFile) file = sb_library_dup_default_file ();
  g_autofree char *expected = g_build_filename (g_get_user_data_dir (), "storyboard", "library.db", NULL);
  g_autofree char *path = g_file_get_path (file);

  g_assert_cmpstr (path, ==, expected);
}

static const char *expected_tables =
  "brief_revisions\nbriefs\ncache\ngeneration_jobs\nmedia\nmedia_blobs\n"
  "media_fts\nmedia_fts_config\nmedia_fts_data\nmedia_fts_docsize\nmedia_fts_idx\n"
  "scenes\nthumbnails";

static void
test_open_create (void)
{
  g_autofree char *path = default_path ();
  g_autofree char *dir = g_path_get_dirname (path);
  g_autofree char *version = g_strdup_printf ("%d", sb_library_get_schema_version ());
  g_autoptr(GFile) file = NULL;
  SbLibrary *library;

  g_assert_false (g_file_test (dir, G_FILE_TEST_IS_DIR));

  library = open_default_library ();
  file = sb_library_get_file (library);
  g_object_ref (file);
  g_assert_cmpstr (g_file_peek_path (file), ==, path);
  g_assert_true (g_file_test (path, G_FILE_TEST_IS_REGULAR));
  close_library (library);

  assert_query (path, "PRAGMA user_version", version);
  assert_query (path, "PRAGMA application_id", "1400136313");
  assert_query (path, "PRAGMA journal_mode", "wal");
  assert_query (path, "PRAGMA auto_vacuum", "2");
  assert_query (path, "SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name", expected_tables);
  assert_query (path, "PRAGMA integrity_check", "ok");
}

static void
test_open_existing (void)
{
  g_autofree char *path = default_path ();
  g_autoptr(GBytes) data = random_bytes (1000);
  g_autoptr(SbMediaItem) added = NULL;
  g_autoptr(SbMediaItem) loaded = NULL;
  g_autoptr(GError) error = NULL;
  SbLibrary *library;

  library = open_default_library ();
  added = add_new (library, SB_MEDIA_KIND_VIDEO, data);
  close_library (library);

  library = open_default_library ();
  loaded = get_media (library, sb_media_item_get_id (added), &error);
  g_assert_no_error (error);
  g_assert_cmpstr (sb_media_item_get_sha256 (loaded), ==, sb_media_item_get_sha256 (added));
  g_assert_cmpint (sb_media_item_get_kind (loaded), ==, SB_MEDIA_KIND_VIDEO);
  close_library (library);
}

/* Migrations.  One case per schema version a library can be found at: the
 * file is created at that version with the migrations of the time, filled
 * with rows written in that version's schema, then opened by the library,
 * which must bring it to the latest version and keep every row.  Adding
 * migration N + 1 means adding the case that starts from version N. */

typedef struct
{
  int          from_version;
  const char  *seed_sql;    /* in the schema of from_version */
  void       (*check)       (SbLibrary  *library,
                             const char *path);
} MigrationCase;

static void
check_from_0 (SbLibrary  *library,
              const char *path)
{
  g_autoptr(SbMediaList) list = list_media (library, SB_MEDIA_KIND_ANY);

  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (list)), ==, 0);
}

/* Version 1 rows: a brief with a revision and a scene, an image with its
 * bytes and thumbnail made for the scene, a video made from it, a job,
 * a cache entry. */
static const char seed_v1[] =
  "INSERT INTO briefs (id, title, prompt, platform, category, target_duration, provider, model, created_at, updated_at)"
  "  VALUES (7, 'Launch', 'A teaser', 'tiktok', 'ad', 30.0, 'openrouter', 'm', 1000, 2000);"
  "INSERT INTO brief_revisions (id, brief_id, number, instruction, content, provider, model, created_at)"
  "  VALUES (3, 7, 1, NULL, '{\"scenes\":[]}', 'openrouter', 'm', 1500);"
  "INSERT INTO scenes (id, revision_id, position, title, description, duration_seconds)"
  "  VALUES (11, 3, 0, 'Opening', 'A sunrise', 4.5);"
  "INSERT INTO media (id, kind, mime_type, width, height, duration, byte_size, sha256, origin, filename,"
  "                   brief_id, revision_id, scene_id, prompt, model, model_version, parameters, seed,"
  "                   prediction_id, created_at, favourite)"
  "  VALUES (42, 1, 'image/png', 1024, 768, 0, 5, 'aaaa', 1, 'sunrise.png', 7, 3, 11, 'a sunrise',"
  "          'flux', 'v1', '{\"steps\":4}', 1234, 'pred-1', 1700000000000000, 1);"
  "INSERT INTO media_blobs (media_id, data) VALUES (42, X'0102030405');"
  "INSERT INTO thumbnails (media_id, data) VALUES (42, X'AABB');"
  "INSERT INTO media (id, kind, mime_type, duration, byte_size, sha256, origin, source_media_id, created_at)"
  "  VALUES (43, 2, 'video/mp4', 5.0, 3, 'bbbb', 1, 42, 1700000000000001);"
  "INSERT INTO media_blobs (media_id, data) VALUES (43, X'0A0B0C');"
  "UPDATE briefs SET reference_media_id = 42 WHERE id = 7;"
  "UPDATE scenes SET chosen_media_id = 43 WHERE id = 11;"
  "INSERT INTO generation_jobs (id, kind, provider, model, input, brief_id, scene_id, status, created_at, updated_at, media_id)"
  "  VALUES (5, 'image', 'replicate', 'flux', '{}', 7, 11, 'succeeded', 1, 2, 42);"
  "INSERT INTO cache (key, json, fetched_at) VALUES ('models', '[]', 99);";

static SbMediaList *
search_media (SbLibrary  *library,
              const char *search)
{
  SbMediaFilter filter = { .kind = SB_MEDIA_KIND_ANY, .search = search };
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  SbMediaList *list;

  sb_library_list_media_filtered_async (library, &filter, NULL, sb_test_store_result_cb, &result);
  list = sb_library_list_media_filtered_finish (library, sb_test_run_until (&result), &error);
  g_assert_no_error (error);

  return list;
}

/* Ids of a search's results, newest first: "43,42". */
static char *
search_ids (SbLibrary  *library,
            const char *search)
{
  g_autoptr(SbMediaList) list = search_media (library, search);
  g_autoptr(GString) ids = g_string_new (NULL);

  for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (list)); i++)
    {
      g_autoptr(SbMediaItem) item = g_list_model_get_item (G_LIST_MODEL (list), i);

      g_string_append_printf (ids, "%s%" G_GINT64_FORMAT, i > 0 ? "," : "", sb_media_item_get_id (item));
    }

  return g_string_free (g_steal_pointer (&ids), FALSE);
}

static void
assert_search (SbLibrary  *library,
               const char *search,
               const char *expected_ids)
{
  g_autofree char *ids = search_ids (library, search);

  g_assert_cmpstr (ids, ==, expected_ids);
}

/* The FTS index agrees with the media table (an out-of-sync external
 * content index fails this with SQLITE_CORRUPT_VTAB). */
static void
assert_fts_consistent (const char *path)
{
  g_autoptr(GError) error = NULL;

  sb_library_test_exec (path, "INSERT INTO media_fts (media_fts, rank) VALUES ('integrity-check', 1)", &error);
  g_assert_no_error (error);
}

static void
check_from_1 (SbLibrary  *library,
              const char *path)
{
  g_autoptr(SbMediaList) list = list_media (library, SB_MEDIA_KIND_ANY);
  g_autoptr(SbMediaItem) image = NULL;
  g_autoptr(SbMediaItem) video = NULL;
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GBytes) thumbnail = NULL;
  g_autoptr(GError) error = NULL;
  static const guint8 expected_bytes[] = { 1, 2, 3, 4, 5 };
  static const guint8 expected_thumbnail[] = { 0xaa, 0xbb };

  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (list)), ==, 2);
  g_assert_cmpuint (sb_media_list_find (list, 43), ==, 0);
  g_assert_cmpuint (sb_media_list_find (list, 42), ==, 1);

  image = get_media (library, 42, &error);
  g_assert_no_error (error);
  g_assert_cmpint (sb_media_item_get_kind (image), ==, SB_MEDIA_KIND_IMAGE);
  g_assert_cmpstr (sb_media_item_get_mime_type (image), ==, "image/png");
  g_assert_cmpint (sb_media_item_get_width (image), ==, 1024);
  g_assert_cmpint (sb_media_item_get_height (image), ==, 768);
  g_assert_cmpint (sb_media_item_get_byte_size (image), ==, 5);
  g_assert_cmpstr (sb_media_item_get_sha256 (image), ==, "aaaa");
  g_assert_cmpint (sb_media_item_get_origin (image), ==, SB_MEDIA_ORIGIN_GENERATED);
  g_assert_cmpstr (sb_media_item_get_filename (image), ==, "sunrise.png");
  g_assert_cmpint (sb_media_item_get_brief_id (image), ==, 7);
  g_assert_cmpint (sb_media_item_get_revision_id (image), ==, 3);
  g_assert_cmpint (sb_media_item_get_scene_id (image), ==, 11);
  g_assert_cmpstr (sb_media_item_get_prompt (image), ==, "a sunrise");
  g_assert_cmpstr (sb_media_item_get_model (image), ==, "flux");
  g_assert_cmpstr (sb_media_item_get_model_version (image), ==, "v1");
  g_assert_cmpstr (sb_media_item_get_parameters (image), ==, "{\"steps\":4}");
  g_assert_cmpint (sb_media_item_get_seed (image), ==, 1234);
  g_assert_cmpstr (sb_media_item_get_prediction_id (image), ==, "pred-1");
  g_assert_cmpint (g_date_time_to_unix (sb_media_item_get_created_at (image)), ==, 1700000000);
  g_assert_true (sb_media_item_get_favourite (image));

  video = get_media (library, 43, &error);
  g_assert_no_error (error);
  g_assert_cmpint (sb_media_item_get_kind (video), ==, SB_MEDIA_KIND_VIDEO);
  g_assert_cmpfloat (sb_media_item_get_duration (video), ==, 5.0);
  g_assert_cmpint (sb_media_item_get_source_media_id (video), ==, 42);
  g_assert_cmpint (sb_media_item_get_seed (video), ==, -1);

  bytes = load_bytes (library, 42, &error);
  g_assert_no_error (error);
  g_assert_cmpmem (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes),
                   expected_bytes, sizeof expected_bytes);

  thumbnail = load_thumbnail (library, 42, &error);
  g_assert_no_error (error);
  g_assert_cmpmem (g_bytes_get_data (thumbnail, NULL), g_bytes_get_size (thumbnail),
                   expected_thumbnail, sizeof expected_thumbnail);

  /* Migration 2 indexed the rows that were already there. */
  assert_search (library, "sunrise", "42");
  assert_search (library, "sunr", "42");
  assert_search (library, "FLUX", "42");
  assert_search (library, "sunrise.png", "42");
  assert_search (library, "sunset", "");
}

static void
check_from_1_closed (const char *path)
{
  assert_query (path, "SELECT title, reference_media_id FROM briefs", "Launch|42");
  assert_query (path, "SELECT number, content FROM brief_revisions", "1|{\"scenes\":[]}");
  assert_query (path, "SELECT title, chosen_media_id FROM scenes", "Opening|43");
  assert_query (path, "SELECT status, media_id FROM generation_jobs", "succeeded|42");
  /* generation_jobs was rebuilt by migration 2, keeping its rows. */
  assert_query (path, "SELECT id, kind, provider, model, brief_id, scene_id, created_at, updated_at, "
                "batch_id IS NULL, source_media_id IS NULL FROM generation_jobs",
                "5|image|replicate|flux|7|11|1|2|1|1");
  assert_query (path, "SELECT key, json, fetched_at FROM cache", "models|[]|99");
  assert_query (path, "SELECT rowid FROM media_fts WHERE media_fts MATCH 'sunrise'", "42");
}

/* Version 2 rows: media with searchable provenance, jobs in the statuses
 * version 2 added, with a batch id and a source image. */
static const char seed_v2[] =
  "INSERT INTO briefs (id, title, prompt, created_at, updated_at) VALUES (7, 'Launch', 'A teaser', 1000, 2000);"
  "INSERT INTO brief_revisions (id, brief_id, number, content, created_at) VALUES (3, 7, 1, '{}', 1500);"
  "INSERT INTO scenes (id, revision_id, position, title) VALUES (11, 3, 0, 'Opening');"
  "INSERT INTO media (id, kind, mime_type, byte_size, sha256, origin, filename, brief_id, prompt, model, created_at)"
  "  VALUES (42, 1, 'image/png', 5, 'aaaa', 1, 'harbour.png', 7, 'a foggy harbour', 'black-forest-labs/flux', 10);"
  "INSERT INTO media_blobs (media_id, data) VALUES (42, X'0102030405');"
  "INSERT INTO media (id, kind, mime_type, byte_size, sha256, origin, filename, prompt, created_at)"
  "  VALUES (43, 2, 'video/mp4', 3, 'bbbb', 1, 'waves.mp4', 'waves at night', 20);"
  "INSERT INTO media_blobs (media_id, data) VALUES (43, X'0A0B0C');"
  "INSERT INTO generation_jobs (id, batch_id, kind, provider, model, input, revision_id, scene_id,"
  "                             source_media_id, prediction_id, status, created_at, updated_at)"
  "  VALUES (5, 'b1', 'video', 'replicate', 'wan', '{\"seed\":1}', 3, 11, 42, 'p5', 'downloading', 5, 6),"
  "         (6, 'b1', 'image', 'replicate', 'flux', '{}', 3, 11, NULL, NULL, 'interrupted', 4, 6),"
  "         (7, 'b1', 'image', 'replicate', 'flux', '{}', 3, 11, NULL, NULL, 'starting', 3, 6);"
  "INSERT INTO generation_jobs (id, batch_id, kind, provider, model, input, status, last_error,"
  "                             created_at, updated_at)"
  "  VALUES (8, 'b1', 'image', 'replicate', 'flux', '{}', 'failed', 'Out of memory', 9, 9);";

static void
check_from_2 (SbLibrary  *library,
              const char *path)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GListModel) jobs = NULL;
  g_autoptr(SbGenerationJob) first = NULL;
  g_autoptr(SbGenerationJob) second = NULL;
  g_autoptr(GError) error = NULL;

  assert_search (library, "harb", "42");
  assert_search (library, "flux", "42");
  assert_search (library, "waves", "43");
  assert_search (library, "a", "43,42");

  /* Unfinished, oldest first: the interrupted one is terminal. */
  sb_library_list_unfinished_jobs_async (library, NULL, sb_test_store_result_cb, &result);
  jobs = sb_library_list_unfinished_jobs_finish (library, sb_test_run_until (&result), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_list_model_get_n_items (jobs), ==, 2);
  first = g_list_model_get_item (jobs, 0);
  second = g_list_model_get_item (jobs, 1);
  g_assert_cmpint (sb_generation_job_get_id (first), ==, 7);
  g_assert_cmpint (sb_generation_job_get_status (first), ==, SB_JOB_STARTING);
  g_assert_cmpint (sb_generation_job_get_id (second), ==, 5);
  g_assert_cmpint (sb_generation_job_get_status (second), ==, SB_JOB_DOWNLOADING);
  g_assert_cmpint (sb_generation_job_get_kind (second), ==, SB_MEDIA_KIND_VIDEO);
  g_assert_cmpstr (sb_generation_job_get_batch_id (second), ==, "b1");
  g_assert_cmpint (sb_generation_job_get_source_media_id (second), ==, 42);
  g_assert_cmpstr (sb_generation_job_get_input (second), ==, "{\"seed\":1}");
  g_assert_false (sb_generation_job_get_dismissed (second));

  /* Migration 3 keeps every job, none dismissed: the interrupted and the
   * failed ones are the failures to show, newest first, by kind. */
  g_clear_object (&result);
  g_clear_object (&jobs);
  g_clear_object (&first);
  g_clear_object (&second);
  sb_library_list_failed_jobs_async (library, SB_MEDIA_KIND_IMAGE, 10, NULL, sb_test_store_result_cb, &result);
  jobs = sb_library_list_failed_jobs_finish (library, sb_test_run_until (&result), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_list_model_get_n_items (jobs), ==, 2);
  first = g_list_model_get_item (jobs, 0);
  second = g_list_model_get_item (jobs, 1);
  g_assert_cmpint (sb_generation_job_get_id (first), ==, 8);
  g_assert_cmpint (sb_generation_job_get_status (first), ==, SB_JOB_FAILED);
  g_assert_cmpstr (sb_generation_job_get_last_error (first), ==, "Out of memory");
  g_assert_false (sb_generation_job_get_dismissed (first));
  g_assert_cmpint (sb_generation_job_get_id (second), ==, 6);
  g_assert_cmpint (sb_generation_job_get_status (second), ==, SB_JOB_INTERRUPTED);
  g_assert_false (sb_generation_job_get_dismissed (second));

  g_clear_object (&result);
  g_clear_object (&jobs);
  sb_library_list_failed_jobs_async (library, SB_MEDIA_KIND_VIDEO, 10, NULL, sb_test_store_result_cb, &result);
  jobs = sb_library_list_failed_jobs_finish (library, sb_test_run_until (&result), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_list_model_get_n_items (jobs), ==, 0);

  /* A job from before can be dismissed. */
  g_clear_object (&result);
  sb_library_dismiss_job_async (library, 8, NULL, sb_test_store_result_cb, &result);
  g_assert_true (sb_library_dismiss_job_finish (library, sb_test_run_until (&result), &error));
  g_assert_no_error (error);
}

static void
check_from_2_closed (const char *path)
{
  assert_query (path, "SELECT id, kind, status, batch_id, source_media_id, prediction_id, created_at, "
                "dismissed_at IS NULL FROM generation_jobs ORDER BY id",
                "5|video|downloading|b1|42|p5|5|1\n"
                "6|image|interrupted|b1|||4|1\n"
                "7|image|starting|b1|||3|1\n"
                "8|image|failed|b1|||9|0");
}

/* Version 3 rows: jobs that ended without output, one of them dismissed. */
static const char seed_v3[] =
  "INSERT INTO generation_jobs (id, batch_id, kind, provider, model, input, status, last_error,"
  "                             created_at, updated_at, dismissed_at)"
  "  VALUES (1, 'b1', 'video', 'replicate', 'wan', '{}', 'failed', 'NSFW', 10, 11, NULL),"
  "         (2, 'b1', 'video', 'replicate', 'wan', '{}', 'failed', 'Retried', 20, 21, 22),"
  "         (3, 'b1', 'video', 'replicate', 'wan', '{}', 'expired', NULL, 30, 31, NULL),"
  "         (4, 'b1', 'image', 'replicate', 'flux', '{}', 'failed', 'Image', 40, 41, NULL);";

static void
check_from_3 (SbLibrary  *library,
              const char *path)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GListModel) jobs = NULL;
  g_autoptr(SbGenerationJob) first = NULL;
  g_autoptr(SbGenerationJob) second = NULL;
  g_autoptr(GError) error = NULL;

  /* Failed videos, newest first: the dismissed one and the image left out. */
  sb_library_list_failed_jobs_async (library, SB_MEDIA_KIND_VIDEO, 10, NULL, sb_test_store_result_cb, &result);
  jobs = sb_library_list_failed_jobs_finish (library, sb_test_run_until (&result), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_list_model_get_n_items (jobs), ==, 2);
  first = g_list_model_get_item (jobs, 0);
  second = g_list_model_get_item (jobs, 1);
  g_assert_cmpint (sb_generation_job_get_id (first), ==, 3);
  g_assert_cmpint (sb_generation_job_get_status (first), ==, SB_JOB_EXPIRED);
  g_assert_cmpint (sb_generation_job_get_id (second), ==, 1);
  g_assert_cmpstr (sb_generation_job_get_last_error (second), ==, "NSFW");
  g_assert_false (sb_generation_job_get_dismissed (second));
}

static const MigrationCase migration_cases[] = {
  { 0, NULL, check_from_0 },
  { 1, seed_v1, check_from_1 },
  { 2, seed_v2, check_from_2 },
  { 3, seed_v3, check_from_3 },
};

static void
test_migrate (gconstpointer data)
{
  const MigrationCase *mc = data;
  g_autofree char *path = default_path ();
  g_autofree char *dir = g_path_get_dirname (path);
  g_autofree char *latest = g_strdup_printf ("%d", sb_library_get_schema_version ());
  g_autofree char *from = g_strdup_printf ("%d", mc->from_version);
  g_autoptr(GError) error = NULL;
  SbLibrary *library;

  g_assert_cmpint (g_mkdir_with_parents (dir, 0700), ==, 0);

  if (mc->from_version == 0)
    {
      /* What an interrupted first start leaves: an empty file. */
      g_file_set_contents (path, "", 0, &error);
      g_assert_no_error (error);
    }
  else
    {
      sb_library_test_create_at_version (path, mc->from_version, &error);
      g_assert_no_error (error);
      assert_query (path, "PRAGMA user_version", from);
    }

  if (mc->seed_sql != NULL)
    {
      sb_library_test_exec (path, mc->seed_sql, &error);
      g_assert_no_error (error);
    }

  library = open_default_library ();
  mc->check (library, path);
  close_library (library);

  assert_query (path, "PRAGMA user_version", latest);
  assert_query (path, "PRAGMA journal_mode", "wal");
  assert_query (path, "SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name", expected_tables);
  assert_query (path, "PRAGMA foreign_key_check", "");
  assert_query (path, "PRAGMA integrity_check", "ok");
  assert_fts_consistent (path);

  if (mc->from_version == 1)
    check_from_1_closed (path);
  else if (mc->from_version == 2)
    check_from_2_closed (path);
}

static void
test_migration_cases_complete (void)
{
  /* Every version before the latest has a case, in order. */
  g_assert_cmpint (G_N_ELEMENTS (migration_cases), ==, sb_library_get_schema_version () + 1);
  for (guint i = 0; i < G_N_ELEMENTS (migration_cases); i++)
    g_assert_cmpint (migration_cases[i].from_version, ==, (int) i);
}

/* Insert and read back */

typedef struct
{
  guint        n_added;
  guint        n_removed;
  SbMediaItem *last_added;
  gint64       last_removed;
} SignalLog;

static void
on_media_added (SbLibrary   *library,
                SbMediaItem *item,
                SignalLog   *log)
{
  g_assert_true (sb_media_item_get_loaded (item));
  log->n_added++;
  g_set_object (&log->last_added, item);
}

static void
on_media_removed (SbLibrary *library,
                  gint64     id,
                  SignalLog *log)
{
  log->n_removed++;
  log->last_removed = id;
}

static void
connect_log (SbLibrary *library,
             SignalLog *log)
{
  g_signal_connect (library, "media-added", G_CALLBACK (on_media_added), log);
  g_signal_connect (library, "media-removed", G_CALLBACK (on_media_removed), log);
}

static void
disconnect_log (SbLibrary *library,
                SignalLog *log)
{
  g_signal_handlers_disconnect_by_data (library, log);
  g_clear_object (&log->last_added);
}

typedef struct
{
  SignalLog    *log;
  guint         n_added_at_callback;
  GAsyncResult *result;
} OrderCheck;

static void
order_check_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  OrderCheck *check = user_data;

  check->n_added_at_callback = check->log->n_added;
  check->result = g_object_ref (result);
}

static void
test_add_get (void)
{
  SbLibrary *library = open_default_library ();
  g_autoptr(SbMediaItem) item = new_image ("beach.png");
  g_autoptr(SbMediaItem) added = NULL;
  g_autoptr(SbMediaItem) loaded = NULL;
  g_autoptr(GBytes) data = random_bytes (4096);
  g_autoptr(GBytes) thumbnail = fake_png (320, 240, 7);
  g_autoptr(GBytes) stored_thumbnail = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *sha256 = g_compute_checksum_for_bytes (G_CHECKSUM_SHA256, data);
  g_autofree char *path = default_path ();
  SignalLog log = { 0 };
  OrderCheck check = { &log, 0, NULL };
  gboolean existed = TRUE;
  gint64 before, after;

  connect_log (library, &log);

  sb_media_item_set_origin (item, SB_MEDIA_ORIGIN_GENERATED);
  sb_media_item_set_prompt (item, "a beach at dawn");
  sb_media_item_set_model (item, "black-forest-labs/flux-schnell");
  sb_media_item_set_model_version (item, "abc123");
  sb_media_item_set_parameters (item, "{\"aspect_ratio\":\"9:16\"}");
  sb_media_item_set_seed (item, 77);
  sb_media_item_set_prediction_id (item, "p-9");

  before = g_get_real_time ();
  sb_library_add_media_async (library, item, data, thumbnail, NULL, order_check_cb, &check);
  sb_test_run_until (&check.result);
  after = g_get_real_time ();
  added = sb_library_add_media_finish (library, check.result, &existed, &error);
  g_clear_object (&check.result);
  g_assert_no_error (error);
  g_assert_false (existed);

  /* ::media-added ran before the callback, with the returned item. */
  g_assert_cmpuint (check.n_added_at_callback, ==, 1);
  g_assert_true (log.last_added == added);

  g_assert_true (sb_media_item_get_loaded (added));
  g_assert_cmpint (sb_media_item_get_id (added), >, 0);
  g_assert_cmpstr (sb_media_item_get_sha256 (added), ==, sha256);
  g_assert_cmpint (sb_media_item_get_byte_size (added), ==, 4096);
  g_assert_cmpint (to_unix_usec (sb_media_item_get_created_at (added)), >=, before);
  g_assert_cmpint (to_unix_usec (sb_media_item_get_created_at (added)), <=, after);
  g_assert_false (sb_media_item_get_favourite (added));
  /* The caller's item was only read. */
  g_assert_cmpint (sb_media_item_get_id (item), ==, 0);
  g_assert_false (sb_media_item_get_loaded (item));

  loaded = get_media (library, sb_media_item_get_id (added), &error);
  g_assert_no_error (error);
  g_assert_true (sb_media_item_get_loaded (loaded));
  g_assert_cmpint (sb_media_item_get_id (loaded), ==, sb_media_item_get_id (added));
  g_assert_cmpint (sb_media_item_get_kind (loaded), ==, SB_MEDIA_KIND_IMAGE);
  g_assert_cmpstr (sb_media_item_get_mime_type (loaded), ==, "image/png");
  g_assert_cmpint (sb_media_item_get_width (loaded), ==, 640);
  g_assert_cmpint (sb_media_item_get_height (loaded), ==, 480);
  g_assert_cmpstr (sb_media_item_get_filename (loaded), ==, "beach.png");
  g_assert_cmpint (sb_media_item_get_origin (loaded), ==, SB_MEDIA_ORIGIN_GENERATED);
  g_assert_cmpstr (sb_media_item_get_prompt (loaded), ==, "a beach at dawn");
  g_assert_cmpstr (sb_media_item_get_model (loaded), ==, "black-forest-labs/flux-schnell");
  g_assert_cmpstr (sb_media_item_get_model_version (loaded), ==, "abc123");
  g_assert_cmpstr (sb_media_item_get_parameters (loaded), ==, "{\"aspect_ratio\":\"9:16\"}");
  g_assert_cmpint (sb_media_item_get_seed (loaded), ==, 77);
  g_assert_cmpstr (sb_media_item_get_prediction_id (loaded), ==, "p-9");
  g_assert_cmpstr (sb_media_item_get_sha256 (loaded), ==, sha256);
  g_assert_true (g_date_time_equal (sb_media_item_get_created_at (loaded),
                                    sb_media_item_get_created_at (added)));

  stored_thumbnail = load_thumbnail (library, sb_media_item_get_id (added), &error);
  g_assert_no_error (error);
  g_assert_true (g_bytes_equal (stored_thumbnail, thumbnail));

  g_clear_object (&loaded);
  loaded = get_media (library, 9999, &error);
  g_assert_error (error, SB_LIBRARY_ERROR, SB_LIBRARY_ERROR_NOT_FOUND);
  g_assert_null (loaded);
  g_clear_error (&error);

  /* Invalid JSON is refused, and nothing is half-written. */
  {
    g_autoptr(SbMediaItem) bad = new_image ("bad.png");
    g_autoptr(SbMediaItem) none = NULL;
    g_autoptr(GBytes) other = random_bytes (100);

    sb_media_item_set_parameters (bad, "{not json");
    none = add_media (library, bad, other, NULL, NULL, &error);
    g_assert_error (error, SB_LIBRARY_ERROR, SB_LIBRARY_ERROR_FAILED);
    g_assert_null (none);
    g_clear_error (&error);
  }

  g_assert_cmpuint (log.n_added, ==, 1);
  disconnect_log (library, &log);
  close_library (library);

  assert_query (path, "SELECT count(*) FROM media", "1");
  assert_query (path, "SELECT count(*) FROM media_blobs", "1");
  assert_query (path, "SELECT width, height FROM thumbnails", "320|240");
}

static void
test_dedup (void)
{
  SbLibrary *library = open_default_library ();
  g_autoptr(SbMediaItem) item = new_image ("one.png");
  g_autoptr(SbMediaItem) again = new_image ("two.png");
  g_autoptr(SbMediaItem) first = NULL;
  g_autoptr(SbMediaItem) second = NULL;
  g_autoptr(SbMediaItem) third = NULL;
  g_autoptr(SbMediaList) list = NULL;
  g_autoptr(GBytes) data = random_bytes (2048);
  g_autoptr(GError) error = NULL;
  SignalLog log = { 0 };
  gboolean existed = TRUE;

  connect_log (library, &log);

  first = add_media (library, item, data, NULL, &existed, &error);
  g_assert_no_error (error);
  g_assert_false (existed);
  g_assert_cmpuint (log.n_added, ==, 1);

  second = add_media (library, again, data, NULL, &existed, &error);
  g_assert_no_error (error);
  g_assert_true (existed);
  g_assert_cmpint (sb_media_item_get_id (second), ==, sb_media_item_get_id (first));
  /* The existing row is returned as it was, not overwritten. */
  g_assert_cmpstr (sb_media_item_get_filename (second), ==, "one.png");
  g_assert_cmpuint (log.n_added, ==, 1);

  list = list_media (library, SB_MEDIA_KIND_ANY);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (list)), ==, 1);

  /* The same bytes again while in the trash: restored, not duplicated. */
  trash_media (library, sb_media_item_get_id (first), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (list)), ==, 0);

  third = add_media (library, again, data, NULL, &existed, &error);
  g_assert_no_error (error);
  g_assert_false (existed);
  g_assert_cmpint (sb_media_item_get_id (third), ==, sb_media_item_get_id (first));
  g_assert_cmpuint (log.n_added, ==, 2);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (list)), ==, 1);
  g_assert_cmpuint (sb_media_list_find (list, sb_media_item_get_id (first)), ==, 0);

  disconnect_log (library, &log);
  g_assert_finalize_object (g_steal_pointer (&list));
  close_library (library);
}

static void
test_trash_restore_purge (void)
{
  SbLibrary *library = open_default_library ();
  g_autoptr(GBytes) data_a = random_bytes (300);
  g_autoptr(GBytes) data_b = random_bytes (301);
  g_autoptr(GBytes) thumbnail = fake_png (10, 10, 1);
  g_autoptr(SbMediaItem) a = add_new (library, SB_MEDIA_KIND_IMAGE, data_a);
  g_autoptr(SbMediaItem) b = add_new (library, SB_MEDIA_KIND_IMAGE, data_b);
  g_autoptr(SbMediaItem) got = NULL;
  g_autoptr(SbMediaList) list = NULL;
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *path = default_path ();
  gint64 id_a = sb_media_item_get_id (a);
  gint64 id_b = sb_media_item_get_id (b);
  SignalLog log = { 0 };

  set_thumbnail (library, id_a, thumbnail, &error);
  g_assert_no_error (error);

  list = list_media (library, SB_MEDIA_KIND_ANY);
  connect_log (library, &log);

  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (list)), ==, 2);
  g_assert_cmpuint (sb_media_list_find (list, id_b), ==, 0);
  g_assert_cmpuint (sb_media_list_find (list, id_a), ==, 1);

  g_assert_true (trash_media (library, id_a, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (log.n_removed, ==, 1);
  g_assert_cmpint (log.last_removed, ==, id_a);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (list)), ==, 1);
  g_assert_cmpuint (sb_media_list_find (list, id_a), ==, G_MAXUINT);

  /* Trashing twice is harmless and silent. */
  g_assert_true (trash_media (library, id_a, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (log.n_removed, ==, 1);

  /* Still readable while in the trash. */
  got = get_media (library, id_a, &error);
  g_assert_no_error (error);
  g_clear_object (&got);

  g_assert_true (restore_media (library, id_a, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (log.n_added, ==, 1);
  g_assert_cmpint (sb_media_item_get_id (log.last_added), ==, id_a);
  /* Back where it was by date: after the newer b. */
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (list)), ==, 2);
  g_assert_cmpuint (sb_media_list_find (list, id_a), ==, 1);

  /* A restored item goes back between its neighbours, not at an end. */
  {
    g_autoptr(GBytes) data_c = random_bytes (302);
    g_autoptr(SbMediaItem) c = add_new (library, SB_MEDIA_KIND_IMAGE, data_c);
    gint64 id_c = sb_media_item_get_id (c);

    g_assert_cmpuint (sb_media_list_find (list, id_c), ==, 0);
    g_assert_true (trash_media (library, id_b, &error));
    g_assert_cmpuint (sb_media_list_find (list, id_b), ==, G_MAXUINT);
    g_assert_true (restore_media (library, id_b, &error));
    g_assert_no_error (error);
    g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (list)), ==, 3);
    g_assert_cmpuint (sb_media_list_find (list, id_c), ==, 0);
    g_assert_cmpuint (sb_media_list_find (list, id_b), ==, 1);
    g_assert_cmpuint (sb_media_list_find (list, id_a), ==, 2);
    log.n_added -= 2;
    log.n_removed -= 1;
  }

  g_assert_true (trash_media (library, id_a, &error));
  g_assert_true (purge_trash (library, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (log.n_removed, ==, 3);

  got = get_media (library, id_a, &error);
  g_assert_error (error, SB_LIBRARY_ERROR, SB_LIBRARY_ERROR_NOT_FOUND);
  g_assert_null (got);
  g_clear_error (&error);

  bytes = load_bytes (library, id_a, &error);
  g_assert_error (error, SB_LIBRARY_ERROR, SB_LIBRARY_ERROR_NOT_FOUND);
  g_assert_null (bytes);
  g_clear_error (&error);

  bytes = load_thumbnail (library, id_a, &error);
  g_assert_error (error, SB_LIBRARY_ERROR, SB_LIBRARY_ERROR_NOT_FOUND);
  g_assert_null (bytes);
  g_clear_error (&error);

  g_assert_false (restore_media (library, id_a, &error));
  g_assert_error (error, SB_LIBRARY_ERROR, SB_LIBRARY_ERROR_NOT_FOUND);
  g_clear_error (&error);

  g_assert_false (trash_media (library, 12345, &error));
  g_assert_error (error, SB_LIBRARY_ERROR, SB_LIBRARY_ERROR_NOT_FOUND);
  g_clear_error (&error);

  /* b is untouched. */
  bytes = load_bytes (library, id_b, &error);
  g_assert_no_error (error);
  g_assert_true (g_bytes_equal (bytes, data_b));
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (list)), ==, 2);

  disconnect_log (library, &log);
  g_assert_finalize_object (g_steal_pointer (&list));
  close_library (library);

  assert_query (path, "SELECT count(*) FROM media", "2");
  assert_query (path, "SELECT count(*) FROM media_blobs", "2");
  assert_query (path, "SELECT count(*) FROM thumbnails", "0");
}

static void
test_open_purges_trash (void)
{
  SbLibrary *library = open_default_library ();
  g_autoptr(GBytes) data_a = random_bytes (500);
  g_autoptr(GBytes) data_b = random_bytes (501);
  g_autoptr(SbMediaItem) a = add_new (library, SB_MEDIA_KIND_IMAGE, data_a);
  g_autoptr(SbMediaItem) b = add_new (library, SB_MEDIA_KIND_VIDEO, data_b);
  g_autoptr(SbMediaItem) got = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *path = default_path ();

  g_assert_true (trash_media (library, sb_media_item_get_id (a), &error));
  g_assert_no_error (error);
  /* As if the app died before purging. */
  close_library (library);
  assert_query (path, "SELECT count(*) FROM media WHERE trashed_at IS NOT NULL", "1");

  library = open_default_library ();
  got = get_media (library, sb_media_item_get_id (a), &error);
  g_assert_error (error, SB_LIBRARY_ERROR, SB_LIBRARY_ERROR_NOT_FOUND);
  g_clear_error (&error);
  got = get_media (library, sb_media_item_get_id (b), &error);
  g_assert_no_error (error);
  close_library (library);

  assert_query (path, "SELECT count(*) FROM media", "1");
  assert_query (path, "SELECT count(*) FROM media_blobs", "1");
}

static void
assert_export (SbLibrary  *library,
               gint64      id,
               GFile      *destination,
               GBytes     *expected)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *contents = NULL;
  gsize length;

  g_assert_true (export_media (library, id, destination, &error));
  g_assert_no_error (error);

  g_file_get_contents (g_file_peek_path (destination), &contents, &length, &error);
  g_assert_no_error (error);
  g_assert_cmpmem (contents, length, g_bytes_get_data (expected, NULL), g_bytes_get_size (expected));
}

static guint
count_dir (const char *path)
{
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  guint n = 0;

  g_assert_nonnull (dir);
  while (g_dir_read_name (dir))
    n++;

  return n;
}

static void
test_bytes_export (void)
{
  SbLibrary *library = open_default_library ();
  /* Several chunks, and a partial last one. */
  g_autoptr(GBytes) big = random_bytes (5 * 1024 * 1024 + 123);
  g_autoptr(GBytes) small = random_bytes (17);
  g_autoptr(GBytes) empty = g_bytes_new (NULL, 0);
  g_autoptr(SbMediaItem) big_item = add_new (library, SB_MEDIA_KIND_VIDEO, big);
  g_autoptr(SbMediaItem) small_item = add_new (library, SB_MEDIA_KIND_IMAGE, small);
  g_autoptr(SbMediaItem) empty_item = add_new (library, SB_MEDIA_KIND_IMAGE, empty);
  g_autoptr(GBytes) loaded = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *out_dir = g_build_filename (g_get_user_cache_dir (), "export", NULL);
  g_autofree char *out_path = g_build_filename (out_dir, "video.mp4", NULL);
  g_autofree char *missing_path = g_build_filename (out_dir, "no-such-folder", "video.mp4", NULL);
  g_autoptr(GFile) out = g_file_new_for_path (out_path);
  g_autoptr(GFile) missing = g_file_new_for_path (missing_path);

  g_assert_cmpint (sb_media_item_get_byte_size (big_item), ==, g_bytes_get_size (big));

  loaded = load_bytes (library, sb_media_item_get_id (big_item), &error);
  g_assert_no_error (error);
  g_assert_true (g_bytes_equal (loaded, big));
  g_clear_pointer (&loaded, g_bytes_unref);

  loaded = load_bytes (library, sb_media_item_get_id (empty_item), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_bytes_get_size (loaded), ==, 0);

  g_assert_cmpint (g_mkdir_with_parents (out_dir, 0700), ==, 0);

  assert_export (library, sb_media_item_get_id (big_item), out, big);
  /* Replacing an existing file. */
  assert_export (library, sb_media_item_get_id (small_item), out, small);
  assert_export (library, sb_media_item_get_id (big_item), out, big);
  g_assert_cmpuint (count_dir (out_dir), ==, 1);

  /* A failed export leaves the destination as it was and no temporary file. */
  g_assert_false (export_media (library, 4242, out, &error));
  g_assert_error (error, SB_LIBRARY_ERROR, SB_LIBRARY_ERROR_NOT_FOUND);
  g_clear_error (&error);
  assert_export (library, sb_media_item_get_id (big_item), out, big);

  g_assert_false (export_media (library, sb_media_item_get_id (big_item), missing, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND);
  g_clear_error (&error);
  g_assert_cmpuint (count_dir (out_dir), ==, 1);

  close_library (library);
}

static void
test_export_cancelled (void)
{
  SbLibrary *library = open_default_library ();
  g_autoptr(GBytes) data = random_bytes (1000);
  g_autoptr(GBytes) old = g_bytes_new_static ("old", 3);
  g_autoptr(SbMediaItem) item = add_new (library, SB_MEDIA_KIND_IMAGE, data);
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *out_dir = g_build_filename (g_get_user_cache_dir (), "export", NULL);
  g_autofree char *out_path = g_build_filename (out_dir, "image.png", NULL);
  g_autofree char *contents = NULL;
  g_autoptr(GFile) out = g_file_new_for_path (out_path);

  g_assert_cmpint (g_mkdir_with_parents (out_dir, 0700), ==, 0);
  g_file_set_contents (out_path, "old", 3, &error);
  g_assert_no_error (error);

  g_cancellable_cancel (cancellable);
  sb_library_export_async (library, sb_media_item_get_id (item), out, cancellable, sb_test_store_result_cb, &result);
  g_assert_false (sb_library_export_finish (library, sb_test_run_until (&result), &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_clear_object (&result);

  g_assert_cmpuint (count_dir (out_dir), ==, 1);
  g_file_get_contents (out_path, &contents, NULL, NULL);
  g_assert_cmpstr (contents, ==, "old");

  close_library (library);
}

/* Everything a library does lands on the context it was opened from, here
 * that of another thread. */

typedef struct
{
  GThread      *thread;
  GMainContext *context;
  gboolean      signal_on_thread;
  gboolean      callback_on_thread;
  guint         n_signals;
} ContextCheck;

static void
context_signal_cb (SbLibrary    *library,
                   SbMediaItem  *item,
                   ContextCheck *check)
{
  check->n_signals++;
  check->signal_on_thread = g_thread_self () == check->thread &&
                            g_main_context_is_owner (check->context);
}

static void
context_callback_cb (GObject      *object,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  ContextCheck *check = g_object_get_data (object, "check");

  check->callback_on_thread = g_thread_self () == check->thread &&
                              g_main_context_is_owner (check->context);
  sb_test_store_result_cb (object, result, user_data);
}

static gpointer
context_thread (gpointer data)
{
  ContextCheck *check = data;
  g_autoptr(GBytes) bytes = random_bytes (10);
  g_autoptr(SbMediaItem) item = new_image ("thread.png");
  g_autoptr(SbMediaItem) added = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  SbLibrary *library;

  g_main_context_push_thread_default (check->context);

  library = open_default_library ();
  g_object_set_data (G_OBJECT (library), "check", check);
  g_signal_connect (library, "media-added", G_CALLBACK (context_signal_cb), check);

  sb_library_add_media_async (library, item, bytes, NULL, NULL, context_callback_cb, &result);
  added = sb_library_add_media_finish (library, sb_test_run_until (&result), NULL, &error);
  g_assert_no_error (error);
  g_clear_object (&result);

  close_library (library);

  g_main_context_pop_thread_default (check->context);

  return NULL;
}

static void
test_thread_default_context (void)
{
  ContextCheck check = { 0 };

  check.context = g_main_context_new ();
  check.thread = g_thread_new ("test-opener", context_thread, &check);
  g_thread_join (check.thread);
  g_main_context_unref (check.context);

  g_assert_cmpuint (check.n_signals, ==, 1);
  g_assert_true (check.signal_on_thread);
  g_assert_true (check.callback_on_thread);
}

static void
test_thumbnails (void)
{
  SbLibrary *library = open_default_library ();
  g_autoptr(GBytes) data = random_bytes (64);
  g_autoptr(GBytes) thumb_a = fake_png (100, 50, 1);
  g_autoptr(GBytes) thumb_b = fake_png (200, 80, 2);
  g_autoptr(SbMediaItem) item = add_new (library, SB_MEDIA_KIND_IMAGE, data);
  g_autoptr(GBytes) loaded = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *path = default_path ();
  gint64 id = sb_media_item_get_id (item);

  loaded = load_thumbnail (library, id, &error);
  g_assert_error (error, SB_LIBRARY_ERROR, SB_LIBRARY_ERROR_NOT_FOUND);
  g_assert_null (loaded);
  g_clear_error (&error);

  g_assert_true (set_thumbnail (library, id, thumb_a, &error));
  g_assert_no_error (error);
  loaded = load_thumbnail (library, id, &error);
  g_assert_no_error (error);
  g_assert_true (g_bytes_equal (loaded, thumb_a));
  g_clear_pointer (&loaded, g_bytes_unref);

  g_assert_true (set_thumbnail (library, id, thumb_b, &error));
  g_assert_no_error (error);
  loaded = load_thumbnail (library, id, &error);
  g_assert_no_error (error);
  g_assert_true (g_bytes_equal (loaded, thumb_b));

  g_assert_false (set_thumbnail (library, id + 100, thumb_a, &error));
  g_assert_error (error, SB_LIBRARY_ERROR, SB_LIBRARY_ERROR_NOT_FOUND);
  g_clear_error (&error);

  close_library (library);

  assert_query (path, "SELECT media_id, mime_type, width, height FROM thumbnails",
                "1|image/png|200|80");
}

/* Lists */

static void
count_notify_cb (GObject    *object,
                 GParamSpec *pspec,
                 guint      *count)
{
  (*count)++;
}

static void
test_paging (void)
{
  SbLibrary *library = open_default_library ();
  g_autoptr(SbMediaList) list = NULL;
  g_autoptr(SbMediaItem) first = NULL;
  g_autoptr(SbMediaItem) second = NULL;
  g_autoptr(SbMediaItem) far = NULL;
  g_autoptr(SbMediaItem) again = NULL;
  const gint64 base = 1700000000000000;
  const guint n = 1000;
  guint n_loaded_notifies = 0;
  gint64 previous = G_MAXINT64;

  insert_synthetic (library, n, base);
  list = list_media (library, SB_MEDIA_KIND_ANY);

  g_assert_true (g_list_model_get_item_type (G_LIST_MODEL (list)) == SB_TYPE_MEDIA_ITEM);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (list)), ==, n);
  g_assert_null (g_list_model_get_item (G_LIST_MODEL (list), n));

  /* get_item() does not wait: the row is not read yet. */
  first = g_list_model_get_item (G_LIST_MODEL (list), 0);
  g_assert_false (sb_media_item_get_loaded (first));
  g_assert_cmpint (sb_media_item_get_id (first), ==, n);
  g_assert_null (sb_media_item_get_filename (first));
  g_signal_connect (first, "notify::loaded", G_CALLBACK (count_notify_cb), &n_loaded_notifies);

  far = g_list_model_get_item (G_LIST_MODEL (list), 150);
  g_assert_false (sb_media_item_get_loaded (far));
  g_assert_cmpuint (sb_media_list_get_n_pending (list), ==, 2 * SB_MEDIA_LIST_PAGE_SIZE);

  wait_until_loaded (first);
  g_assert_cmpuint (n_loaded_notifies, ==, 1);
  g_assert_cmpstr (sb_media_item_get_filename (first), ==, "synthetic-999.png");
  g_assert_cmpint (to_unix_usec (sb_media_item_get_created_at (first)), ==, base + 999);
  g_assert_cmpint (sb_media_item_get_width (first), ==, 64);

  /* The same object while it lives; its page neighbours came with it. */
  again = g_list_model_get_item (G_LIST_MODEL (list), 0);
  g_assert_true (again == first);
  second = g_list_model_get_item (G_LIST_MODEL (list), 1);
  g_assert_true (sb_media_item_get_loaded (second));
  g_assert_cmpstr (sb_media_item_get_filename (second), ==, "synthetic-998.png");

  wait_until_loaded (far);
  g_assert_cmpstr (sb_media_item_get_filename (far), ==, "synthetic-849.png");

  /* Newest first all the way down. */
  for (guint i = 0; i < n; i++)
    g_object_unref (g_list_model_get_item (G_LIST_MODEL (list), i));
  wait_until_no_pending (list);
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(SbMediaItem) item = g_list_model_get_item (G_LIST_MODEL (list), i);
      gint64 created_at;

      g_assert_true (sb_media_item_get_loaded (item));
      created_at = to_unix_usec (sb_media_item_get_created_at (item));
      g_assert_cmpint (created_at, <, previous);
      g_assert_cmpint (created_at, ==, base + n - 1 - i);
      previous = created_at;
    }

  g_signal_handlers_disconnect_by_data (first, &n_loaded_notifies);
  g_clear_object (&first);
  g_clear_object (&again);
  g_clear_object (&second);
  g_clear_object (&far);
  g_assert_finalize_object (g_steal_pointer (&list));
  close_library (library);
}

typedef struct
{
  guint position;
  guint removed;
  guint added;
  guint n_calls;
} ItemsChanged;

static void
items_changed_cb (GListModel   *model,
                  guint         position,
                  guint         removed,
                  guint         added,
                  ItemsChanged *log)
{
  log->position = position;
  log->removed = removed;
  log->added = added;
  log->n_calls++;
}

static void
test_list_signals (void)
{
  SbLibrary *library = open_default_library ();
  g_autoptr(GBytes) old_data = random_bytes (100);
  g_autoptr(SbMediaItem) old = add_new (library, SB_MEDIA_KIND_IMAGE, old_data);
  g_autoptr(SbMediaList) all = list_media (library, SB_MEDIA_KIND_ANY);
  g_autoptr(SbMediaList) images = list_media (library, SB_MEDIA_KIND_IMAGE);
  g_autoptr(SbMediaList) videos = list_media (library, SB_MEDIA_KIND_VIDEO);
  g_autoptr(GBytes) image_data = random_bytes (101);
  g_autoptr(GBytes) video_data = random_bytes (102);
  g_autoptr(SbMediaItem) image = NULL;
  g_autoptr(SbMediaItem) video = NULL;
  g_autoptr(SbMediaItem) at_0 = NULL;
  g_autoptr(GError) error = NULL;
  ItemsChanged all_log = { 0 }, images_log = { 0 }, videos_log = { 0 };

  g_signal_connect (all, "items-changed", G_CALLBACK (items_changed_cb), &all_log);
  g_signal_connect (images, "items-changed", G_CALLBACK (items_changed_cb), &images_log);
  g_signal_connect (videos, "items-changed", G_CALLBACK (items_changed_cb), &videos_log);

  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (all)), ==, 1);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (images)), ==, 1);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (videos)), ==, 0);

  image = add_new (library, SB_MEDIA_KIND_IMAGE, image_data);
  g_assert_cmpuint (all_log.n_calls, ==, 1);
  g_assert_cmpuint (all_log.position, ==, 0);
  g_assert_cmpuint (all_log.added, ==, 1);
  g_assert_cmpuint (all_log.removed, ==, 0);
  g_assert_cmpuint (images_log.n_calls, ==, 1);
  g_assert_cmpuint (images_log.position, ==, 0);
  g_assert_cmpuint (videos_log.n_calls, ==, 0);

  /* The list hands out the very item that was added, already loaded. */
  at_0 = g_list_model_get_item (G_LIST_MODEL (all), 0);
  g_assert_true (at_0 == image);
  g_assert_true (sb_media_item_get_loaded (at_0));
  g_clear_object (&at_0);

  video = add_new (library, SB_MEDIA_KIND_VIDEO, video_data);
  g_assert_cmpuint (all_log.n_calls, ==, 2);
  g_assert_cmpuint (all_log.position, ==, 0);
  g_assert_cmpuint (videos_log.n_calls, ==, 1);
  g_assert_cmpuint (images_log.n_calls, ==, 1);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (all)), ==, 3);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (videos)), ==, 1);

  /* all: video, image, old.  Trash the image. */
  g_assert_true (trash_media (library, sb_media_item_get_id (image), &error));
  g_assert_no_error (error);
  g_assert_cmpuint (all_log.n_calls, ==, 3);
  g_assert_cmpuint (all_log.position, ==, 1);
  g_assert_cmpuint (all_log.removed, ==, 1);
  g_assert_cmpuint (all_log.added, ==, 0);
  g_assert_cmpuint (images_log.n_calls, ==, 2);
  g_assert_cmpuint (images_log.position, ==, 0);
  g_assert_cmpuint (videos_log.n_calls, ==, 1);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (all)), ==, 2);
  g_assert_cmpuint (sb_media_list_find (all, sb_media_item_get_id (video)), ==, 0);
  g_assert_cmpuint (sb_media_list_find (all, sb_media_item_get_id (old)), ==, 1);

  g_signal_handlers_disconnect_by_data (all, &all_log);
  g_signal_handlers_disconnect_by_data (images, &images_log);
  g_signal_handlers_disconnect_by_data (videos, &videos_log);
  g_assert_finalize_object (g_steal_pointer (&all));
  g_assert_finalize_object (g_steal_pointer (&images));
  g_assert_finalize_object (g_steal_pointer (&videos));
  close_library (library);
}

static void
test_large_list (void)
{
  SbLibrary *library = open_default_library ();
  g_autoptr(SbMediaList) list = NULL;
  g_autoptr(GTimer) timer = g_timer_new ();
  const gint64 base = 1600000000000000;
  const guint n = 100000;
  static const guint positions[] = { 0, 50000, 99999 };
  SbMediaItem *items[G_N_ELEMENTS (positions)];

  insert_synthetic (library, n, base);
  g_test_message ("Inserted %u rows in %.3f s", n, g_timer_elapsed (timer, NULL));

  g_timer_start (timer);
  list = list_media (library, SB_MEDIA_KIND_ANY);
  g_test_message ("Listed %u ids in %.3f s", n, g_timer_elapsed (timer, NULL));
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (list)), ==, n);
  g_assert_cmpuint (sb_media_list_get_n_live_items (list), ==, 0);

  for (guint i = 0; i < G_N_ELEMENTS (positions); i++)
    {
      items[i] = g_list_model_get_item (G_LIST_MODEL (list), positions[i]);
      g_assert_false (sb_media_item_get_loaded (items[i]));
    }

  g_timer_start (timer);
  for (guint i = 0; i < G_N_ELEMENTS (positions); i++)
    {
      g_autofree char *expected = g_strdup_printf ("synthetic-%u.png", n - 1 - positions[i]);

      wait_until_loaded (items[i]);
      g_assert_cmpstr (sb_media_item_get_filename (items[i]), ==, expected);
      g_assert_cmpint (to_unix_usec (sb_media_item_get_created_at (items[i])), ==,
                       base + n - 1 - positions[i]);
    }
  g_test_message ("Loaded 3 pages in %.3f s", g_timer_elapsed (timer, NULL));

  for (guint i = 0; i < G_N_ELEMENTS (positions); i++)
    g_object_unref (items[i]);

  /* Scroll through a few hundred pages: memory stays bounded. */
  g_timer_start (timer);
  for (guint position = 0; position < n; position += SB_MEDIA_LIST_PAGE_SIZE / 2)
    {
      g_object_unref (g_list_model_get_item (G_LIST_MODEL (list), position));
      if (position % (20 * SB_MEDIA_LIST_PAGE_SIZE) == 0)
        wait_until_no_pending (list);
    }
  wait_until_no_pending (list);
  g_test_message ("Loaded all %u pages in %.3f s", n / SB_MEDIA_LIST_PAGE_SIZE, g_timer_elapsed (timer, NULL));

  g_assert_cmpuint (sb_media_list_get_n_cached_pages (list), ==, SB_MEDIA_LIST_MAX_CACHED_PAGES);
  g_assert_cmpuint (sb_media_list_get_n_live_items (list), <=,
                    SB_MEDIA_LIST_MAX_CACHED_PAGES * SB_MEDIA_LIST_PAGE_SIZE);

  /* The last pages loaded are the ones kept. */
  {
    g_autoptr(SbMediaItem) last = g_list_model_get_item (G_LIST_MODEL (list), n - 1);
    g_autoptr(SbMediaItem) first = g_list_model_get_item (G_LIST_MODEL (list), 0);

    g_assert_true (sb_media_item_get_loaded (last));
    g_assert_false (sb_media_item_get_loaded (first));
    wait_until_loaded (first);
  }

  g_assert_finalize_object (g_steal_pointer (&list));
  close_library (library);

  /* Opening checks the metadata tables: still quick at this size. */
  g_timer_start (timer);
  library = open_default_library ();
  g_test_message ("Reopened a library of %u rows in %.3f s", n, g_timer_elapsed (timer, NULL));
  close_library (library);
}

static void
test_gallery_index (void)
{
  SbLibrary *library = open_default_library ();
  g_autofree char *path = default_path ();
  g_autofree char *plan_all = NULL;
  g_autofree char *plan_kind = NULL;

  close_library (library);

  plan_all = query (path,
                    "EXPLAIN QUERY PLAN SELECT created_at, id FROM media WHERE trashed_at IS NULL "
                    "ORDER BY created_at DESC, id DESC");
  g_assert_nonnull (strstr (plan_all, "USING COVERING INDEX media_gallery"));
  g_assert_null (strstr (plan_all, "TEMP B-TREE"));

  plan_kind = query (path,
                     "EXPLAIN QUERY PLAN SELECT created_at, id FROM media WHERE trashed_at IS NULL AND kind = 2 "
                     "ORDER BY created_at DESC, id DESC");
  g_assert_nonnull (strstr (plan_kind, "USING COVERING INDEX media_gallery_kind"));
  g_assert_null (strstr (plan_kind, "TEMP B-TREE"));
}

/* Refusing files */

static void
make_library_dir (const char *path)
{
  g_autofree char *dir = g_path_get_dirname (path);

  g_assert_cmpint (g_mkdir_with_parents (dir, 0700), ==, 0);
}

static void
test_refuse_garbage (void)
{
  g_autofree char *path = default_path ();
  g_autoptr(GBytes) garbage = random_bytes (64 * 1024);
  g_autoptr(GError) error = NULL;

  make_library_dir (path);
  g_file_set_contents (path, g_bytes_get_data (garbage, NULL), g_bytes_get_size (garbage), &error);
  g_assert_no_error (error);

  assert_refused_untouched (path, SB_LIBRARY_ERROR_CORRUPT);
}

static void
test_refuse_truncated (void)
{
  g_autofree char *path = default_path ();
  g_autoptr(GError) error = NULL;
  g_autofree char *contents = NULL;
  gsize length;
  SbLibrary *library;

  /* A real library, cut short. */
  library = open_default_library ();
  insert_synthetic (library, 2000, 1);
  close_library (library);

  g_file_get_contents (path, &contents, &length, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (length, >, 8192);

  /* Inside the 100-byte header. */
  g_file_set_contents (path, contents, 50, &error);
  g_assert_no_error (error);
  assert_refused_untouched (path, SB_LIBRARY_ERROR_CORRUPT);

  /* The header and part of the first page: the schema is unreadable. */
  g_file_set_contents (path, contents, 1000, &error);
  g_assert_no_error (error);
  assert_refused_untouched (path, SB_LIBRARY_ERROR_CORRUPT);

  /* Whole pages, but not all of them: the media table is damaged. */
  g_file_set_contents (path, contents, length / 2 - (length / 2) % 4096, &error);
  g_assert_no_error (error);
  assert_refused_untouched (path, SB_LIBRARY_ERROR_CORRUPT);
}

static void
test_refuse_foreign (void)
{
  g_autofree char *path = default_path ();
  g_autoptr(GError) error = NULL;

  make_library_dir (path);
  sb_library_test_exec (path,
                        "CREATE TABLE notes (id INTEGER PRIMARY KEY, text TEXT);"
                        "INSERT INTO notes (text) VALUES ('hello');",
                        &error);
  g_assert_no_error (error);
  assert_refused_untouched (path, SB_LIBRARY_ERROR_CORRUPT);

  /* A versioned database, but someone else's. */
  sb_library_test_exec (path, "PRAGMA user_version = 1", &error);
  g_assert_no_error (error);
  assert_refused_untouched (path, SB_LIBRARY_ERROR_CORRUPT);
}

static void
test_refuse_too_new (void)
{
  g_autofree char *path = default_path ();
  g_autofree char *sql = g_strdup_printf ("PRAGMA user_version = %d", sb_library_get_schema_version () + 1);
  g_autoptr(GError) error = NULL;

  make_library_dir (path);
  sb_library_test_create_at_version (path, sb_library_get_schema_version (), &error);
  g_assert_no_error (error);
  sb_library_test_exec (path, seed_v1, &error);
  g_assert_no_error (error);
  /* ...with a trashed row, which an open that went ahead would purge. */
  sb_library_test_exec (path, "UPDATE media SET trashed_at = 1 WHERE id = 43", &error);
  g_assert_no_error (error);
  sb_library_test_exec (path, sql, &error);
  g_assert_no_error (error);
  /* In rollback-journal mode, so that switching it to WAL would show. */
  sb_library_test_exec (path, "PRAGMA journal_mode = DELETE", &error);
  g_assert_no_error (error);
  assert_query (path, "PRAGMA journal_mode", "delete");

  assert_refused_untouched (path, SB_LIBRARY_ERROR_TOO_NEW);
  assert_query (path, "SELECT count(*) FROM media", "2");
}

static void
test_read_only (void)
{
  g_autofree char *path = default_path ();
  g_autofree char *dir = g_path_get_dirname (path);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GError) error = NULL;
  SbLibrary *library;

  if (geteuid () == 0)
    {
      g_test_skip ("Permissions do not apply to root");
      return;
    }

  make_library_dir (path);
  g_assert_cmpint (g_chmod (dir, 0500), ==, 0);

  library = open_library (file, &error);
  g_assert_null (library);
  g_assert_nonnull (error);
  g_assert_true (error->domain == SB_LIBRARY_ERROR);
  g_assert_true (error->code == SB_LIBRARY_ERROR_READ_ONLY || error->code == SB_LIBRARY_ERROR_FAILED);
  g_test_message ("Read-only folder: %s", error->message);

  g_assert_cmpint (g_chmod (dir, 0700), ==, 0);
}

static void
test_error_mapping (void)
{
  static const struct {
    const char *sqlite_code;
    int         code;
  } cases[] = {
    { "SQLITE_ERROR", SB_LIBRARY_ERROR_FAILED },
    { "SQLITE_FULL", SB_LIBRARY_ERROR_NO_SPACE },
    { "SQLITE_IOERR_WRITE", SB_LIBRARY_ERROR_FAILED },
    { "SQLITE_CORRUPT", SB_LIBRARY_ERROR_CORRUPT },
    { "SQLITE_CORRUPT_INDEX", SB_LIBRARY_ERROR_CORRUPT },
    { "SQLITE_NOTADB", SB_LIBRARY_ERROR_CORRUPT },
    { "SQLITE_READONLY", SB_LIBRARY_ERROR_READ_ONLY },
    { "SQLITE_READONLY_DBMOVED", SB_LIBRARY_ERROR_READ_ONLY },
    { "SQLITE_BUSY", SB_LIBRARY_ERROR_BUSY },
    { "SQLITE_BUSY_SNAPSHOT", SB_LIBRARY_ERROR_BUSY },
    { "SQLITE_LOCKED", SB_LIBRARY_ERROR_BUSY },
    { "SQLITE_TOOBIG", SB_LIBRARY_ERROR_FAILED },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = sb_library_test_map_sqlite_error (cases[i].sqlite_code);

      g_test_message ("%s: %s", cases[i].sqlite_code, error->message);
      g_assert_error (error, SB_LIBRARY_ERROR, cases[i].code);
      /* Words for the user, not an SQLite code. */
      g_assert_cmpuint (strlen (error->message), >, 20);
      g_assert_null (strstr (error->message, "SQLITE"));
    }
}

/* Lifetime */

static void
test_closed (void)
{
  SbLibrary *library = open_default_library ();
  g_autoptr(GBytes) data = random_bytes (10);
  g_autoptr(SbMediaItem) item = new_image ("late.png");
  g_autoptr(SbMediaItem) added = NULL;
  g_autoptr(SbMediaItem) refused = NULL;
  g_autoptr(GAsyncResult) queued_result = NULL;
  g_autoptr(GAsyncResult) list_result = NULL;
  g_autoptr(SbMediaList) list = NULL;
  g_autoptr(GError) error = NULL;

  /* Queued before close: still done. */
  sb_library_add_media_async (library, item, data, NULL, NULL, sb_test_store_result_cb, &queued_result);
  sb_library_close (library);
  sb_library_close (library);
  added = sb_library_add_media_finish (library, sb_test_run_until (&queued_result), NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (added);

  /* After close: refused. */
  refused = add_media (library, item, data, NULL, NULL, &error);
  g_assert_error (error, SB_LIBRARY_ERROR, SB_LIBRARY_ERROR_CLOSED);
  g_assert_null (refused);
  g_clear_error (&error);

  sb_library_list_media_async (library, SB_MEDIA_KIND_ANY, NULL, sb_test_store_result_cb, &list_result);
  list = sb_library_list_media_finish (library, sb_test_run_until (&list_result), &error);
  g_assert_error (error, SB_LIBRARY_ERROR, SB_LIBRARY_ERROR_CLOSED);
  g_assert_null (list);

  /* The tasks hold the library. */
  g_clear_object (&queued_result);
  g_clear_object (&list_result);
  g_assert_finalize_object (library);
}

static void
test_list_outlives_close (void)
{
  SbLibrary *library = open_default_library ();
  g_autoptr(SbMediaList) list = NULL;
  g_autoptr(SbMediaItem) item = NULL;

  insert_synthetic (library, 10, 1);
  list = list_media (library, SB_MEDIA_KIND_ANY);
  g_object_unref (library);

  /* The list keeps the library; once it is closed pages cannot load but
   * nothing breaks. */
  sb_library_close (library);
  item = g_list_model_get_item (G_LIST_MODEL (list), 0);
  wait_until_no_pending (list);
  g_assert_false (sb_media_item_get_loaded (item));

  g_clear_object (&item);
  g_assert_finalize_object (g_steal_pointer (&list));
}

static void
test_dispose_closes (void)
{
  SbLibrary *library = open_default_library ();
  g_autoptr(GBytes) data = random_bytes (10);
  g_autoptr(SbMediaItem) added = add_new (library, SB_MEDIA_KIND_IMAGE, data);
  g_autofree char *path = default_path ();

  /* No explicit close: the last unref stops the worker and closes the
   * database (the WAL is checkpointed and removed). */
  g_assert_finalize_object (library);
  g_assert_cmpuint (count_library_files (path), ==, 1);
  assert_query (path, "SELECT count(*) FROM media", "1");
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/sb/library/default-file", test_default_file);
  g_test_add_func ("/sb/library/open-create", test_open_create);
  g_test_add_func ("/sb/library/open-existing", test_open_existing);
  g_test_add_func ("/sb/library/migrate/cases-complete", test_migration_cases_complete);
  for (guint i = 0; i < G_N_ELEMENTS (migration_cases); i++)
    {
      g_autofree char *name = g_strdup_printf ("/sb/library/migrate/from-%d", migration_cases[i].from_version);

      g_test_add_data_func (name, &migration_cases[i], test_migrate);
    }
  g_test_add_func ("/sb/library/add-get", test_add_get);
  g_test_add_func ("/sb/library/dedup", test_dedup);
  g_test_add_func ("/sb/library/trash-restore-purge", test_trash_restore_purge);
  g_test_add_func ("/sb/library/open-purges-trash", test_open_purges_trash);
  g_test_add_func ("/sb/library/bytes-export", test_bytes_export);
  g_test_add_func ("/sb/library/export-cancelled", test_export_cancelled);
  g_test_add_func ("/sb/library/thumbnails", test_thumbnails);
  g_test_add_func ("/sb/library/thread-default-context", test_thread_default_context);
  g_test_add_func ("/sb/library/paging", test_paging);
  g_test_add_func ("/sb/library/list-signals", test_list_signals);
  g_test_add_func ("/sb/library/large-list", test_large_list);
  g_test_add_func ("/sb/library/gallery-index", test_gallery_index);
  g_test_add_func ("/sb/library/refuse/garbage", test_refuse_garbage);
  g_test_add_func ("/sb/library/refuse/truncated", test_refuse_truncated);
  g_test_add_func ("/sb/library/refuse/foreign", test_refuse_foreign);
  g_test_add_func ("/sb/library/refuse/too-new", test_refuse_too_new);
  g_test_add_func ("/sb/library/read-only", test_read_only);
  g_test_add_func ("/sb/library/error-mapping", test_error_mapping);
  g_test_add_func ("/sb/library/closed", test_closed);
  g_test_add_func ("/sb/library/list-outlives-close", test_list_outlives_close);
  g_test_add_func ("/sb/library/dispose-closes", test_dispose_closes);

  return g_test_run ();
}
