/* sb-media-list.c
 *
 * Copyright 2026 The Storyboard authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "sb-library"

#include "config.h"

#include "sb-library-private.h"
#include "sb-media-list.h"

/* The list holds every id (with its sort key) but items only lazily:
 *
 *  - items: id -> SbMediaItem, weak.  While anyone holds an item, get_item()
 *    returns that same object.
 *  - cached_pages: strong refs to the items of the most recently loaded
 *    pages, so scrolling back does not reload them, but memory stays bounded
 *    however long the list is.
 *  - pending: ids whose rows are being read on the library's worker.
 *
 * Pages are cut by position at request time; since positions shift as items
 * come and go, everything else is keyed by id. */

struct _SbMediaList
{
  GObject parent_instance;

  /* Owned */
  SbLibrary   *library;
  GArray      *entries;        /* SbMediaListEntry, newest first */
  GHashTable  *items;          /* gint64 * -> SbMediaItem * (weak) */
  GHashTable  *pending;        /* gint64 * set */
  GQueue       cached_pages;   /* GPtrArray of SbMediaItem, most recent first */
  GHashTable  *checks;         /* gint64 * -> serial of the latest match check */
  char        *search;         /* NULL = no search */
  gulong       added_handler;
  gulong       removed_handler;
  gulong       changed_handler;

  /* The filter */
  SbMediaKind  kind;
  gint64       brief_id;
  gboolean     favourites_only;
  gboolean     match_nothing;  /* a search without a word in it */
  guint        check_serial;
};

static void list_model_iface_init (GListModelInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (SbMediaList, sb_media_list, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_LIST_MODEL, list_model_iface_init))

enum {
  PROP_0,
  PROP_KIND,
  PROP_N_ITEMS,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

typedef struct
{
  SbMediaList *list;
  GArray      *ids;
} PageRequest;

static void
page_request_free (PageRequest *request)
{
  g_object_unref (request->list);
  g_array_unref (request->ids);
  g_free (request);
}

static gint64 *
dup_id (gint64 id)
{
  return g_memdup2 (&id, sizeof id);
}

static void
item_finalized_cb (gpointer  data,
                   GObject  *where_the_object_was)
{
  SbMediaList *self = data;
  SbMediaItem *item = (SbMediaItem *) where_the_object_was;
  gint64 id = sb_media_item_get_id (item);

  if (g_hash_table_lookup (self->items, &id) == item)
    g_hash_table_remove (self->items, &id);
}

static void
track_item (SbMediaList *self,
            SbMediaItem *item)
{
  g_object_weak_ref (G_OBJECT (item), item_finalized_cb, self);
  g_hash_table_insert (self->items, dup_id (sb_media_item_get_id (item)), item);
}

static void
untrack_item (gpointer key,
              gpointer value,
              gpointer data)
{
  g_object_weak_unref (G_OBJECT (value), item_finalized_cb, data);
}

static void
page_loaded_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  PageRequest *request = user_data;
  SbMediaList *self = request->list;
  g_autoptr(GPtrArray) rows = NULL;
  g_autoptr(GPtrArray) page = NULL;
  g_autoptr(GError) error = NULL;

  for (guint i = 0; i < request->ids->len; i++)
    g_hash_table_remove (self->pending, &g_array_index (request->ids, gint64, i));

  rows = sb_library_load_rows_finish (SB_LIBRARY (object), result, &error);

  if (rows == NULL)
    {
      /* The items stay unloaded; asking for them again retries. */
      g_debug ("Could not load a page of the media list: %s", error->message);
      page_request_free (request);
      return;
    }

  page = g_ptr_array_new_full (rows->len, g_object_unref);

  for (guint i = 0; i < rows->len; i++)
    {
      const SbMediaRow *row = g_ptr_array_index (rows, i);
      SbMediaItem *item = g_hash_table_lookup (self->items, &row->id);

      if (item == NULL)
        {
          item = sb_media_item_new_for_id (row->id);
          track_item (self, item);
        }
      else
        {
          g_object_ref (item);
        }

      g_ptr_array_add (page, item);
    }

  g_queue_push_head (&self->cached_pages, g_ptr_array_ref (page));
  while (self->cached_pages.length > SB_MEDIA_LIST_MAX_CACHED_PAGES)
    g_ptr_array_unref (g_queue_pop_tail (&self->cached_pages));

  /* Last: notify handlers may call back into the list. */
  for (guint i = 0; i < rows->len; i++)
    sb_media_item_fill_from (g_ptr_array_index (page, i), g_ptr_array_index (rows, i));

  page_request_free (request);
}

static void
request_page (SbMediaList *self,
              guint        position)
{
  PageRequest *request;
  guint start = position - position % SB_MEDIA_LIST_PAGE_SIZE;
  guint end = MIN (start + SB_MEDIA_LIST_PAGE_SIZE, self->entries->len);
  g_autoptr(GArray) ids = g_array_sized_new (FALSE, FALSE, sizeof (gint64), end - start);

  for (guint i = start; i < end; i++)
    {
      gint64 id = g_array_index (self->entries, SbMediaListEntry, i).id;
      SbMediaItem *item;

      if (g_hash_table_contains (self->pending, &id))
        continue;

      item = g_hash_table_lookup (self->items, &id);
      if (item != NULL && sb_media_item_get_loaded (item))
        continue;

      g_hash_table_add (self->pending, dup_id (id));
      g_array_append_val (ids, id);
    }

  if (ids->len == 0)
    return;

  request = g_new0 (PageRequest, 1);
  request->list = g_object_ref (self);
  request->ids = g_array_ref (ids);

  sb_library_load_rows_async (self->library, ids, NULL, page_loaded_cb, request);
}

static GType
sb_media_list_get_item_type (GListModel *model)
{
  return SB_TYPE_MEDIA_ITEM;
}

static guint
sb_media_list_get_n_items (GListModel *model)
{
  return SB_MEDIA_LIST (model)->entries->len;
}

static gpointer
sb_media_list_get_item (GListModel *model,
                        guint       position)
{
  SbMediaList *self = SB_MEDIA_LIST (model);
  SbMediaItem *item;
  gint64 id;

  if (position >= self->entries->len)
    return NULL;

  id = g_array_index (self->entries, SbMediaListEntry, position).id;
  item = g_hash_table_lookup (self->items, &id);

  if (item != NULL)
    {
      g_object_ref (item);
    }
  else
    {
      item = sb_media_item_new_for_id (id);
      track_item (self, item);
    }

  if (!sb_media_item_get_loaded (item) && !g_hash_table_contains (self->pending, &id))
    request_page (self, position);

  return item;
}

static void
list_model_iface_init (GListModelInterface *iface)
{
  iface->get_item_type = sb_media_list_get_item_type;
  iface->get_n_items = sb_media_list_get_n_items;
  iface->get_item = sb_media_list_get_item;
}

/* Where an item with this sort key belongs: before the first older one. */
static guint
find_insert_position (SbMediaList *self,
                      gint64       created_at,
                      gint64       id)
{
  guint lo = 0;
  guint hi = self->entries->len;

  while (lo < hi)
    {
      guint mid = lo + (hi - lo) / 2;
      const SbMediaListEntry *entry = &g_array_index (self->entries, SbMediaListEntry, mid);

      if (entry->created_at > created_at ||
          (entry->created_at == created_at && entry->id > id))
        lo = mid + 1;
      else
        hi = mid;
    }

  return lo;
}

/* What can be told from the item itself: everything but the search. */
static gboolean
matches_locally (SbMediaList      *self,
                 const SbMediaRow *row)
{
  if (row->trashed_at != 0 || self->match_nothing)
    return FALSE;
  if (self->kind != SB_MEDIA_KIND_ANY && row->kind != self->kind)
    return FALSE;
  if (self->brief_id > 0 && row->brief_id != self->brief_id)
    return FALSE;
  if (self->favourites_only && !row->favourite)
    return FALSE;

  return TRUE;
}

static void
insert_item (SbMediaList *self,
             SbMediaItem *item)
{
  SbMediaListEntry entry;
  SbMediaItem *existing;
  guint position;

  entry.id = sb_media_item_get_id (item);
  entry.created_at = sb_media_item_get_created_at_us (item);

  if (sb_media_list_find (self, entry.id) != G_MAXUINT)
    return;

  existing = g_hash_table_lookup (self->items, &entry.id);
  if (existing == NULL)
    {
      track_item (self, item);
    }
  else if (existing != item)
    {
      g_autoptr(SbMediaRow) row = sb_media_item_dup_row (item);

      sb_media_item_fill_from (existing, row);
    }

  position = find_insert_position (self, entry.created_at, entry.id);
  g_array_insert_val (self->entries, position, entry);

  g_list_model_items_changed (G_LIST_MODEL (self), position, 0, 1);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_ITEMS]);
}

static void
remove_at (SbMediaList *self,
           guint        position)
{
  g_array_remove_index (self->entries, position);

  g_list_model_items_changed (G_LIST_MODEL (self), position, 1, 0);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_ITEMS]);
}

/* Only SQL can tell whether an item matches the search: ask the worker,
 * and insert the item if the answer is yes and still the latest word on
 * it (a removal or a newer check in the meantime wins). */
typedef struct
{
  SbMediaList *list;
  SbMediaItem *item;
  guint        serial;
} MatchCheck;

static void
match_check_free (MatchCheck *check)
{
  g_object_unref (check->list);
  g_object_unref (check->item);
  g_free (check);
}

static void
match_checked_cb (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  MatchCheck *check = user_data;
  SbMediaList *self = check->list;
  gint64 id = sb_media_item_get_id (check->item);
  g_autoptr(GError) error = NULL;
  gboolean matches;
  gpointer serial;

  matches = sb_library_media_matches_finish (SB_LIBRARY (object), result, &error);
  if (error != NULL)
    g_debug ("Could not check an item against the search: %s", error->message);

  if (g_hash_table_lookup_extended (self->checks, &id, NULL, &serial) &&
      GPOINTER_TO_UINT (serial) == check->serial)
    {
      g_hash_table_remove (self->checks, &id);
      if (matches)
        insert_item (self, check->item);
    }

  match_check_free (check);
}

static void
check_and_insert (SbMediaList *self,
                  SbMediaItem *item)
{
  SbMediaFilter filter = {
    .kind = self->kind,
    .brief_id = self->brief_id,
    .favourites_only = self->favourites_only,
    .search = self->search,
  };
  MatchCheck *check;

  if (self->search == NULL)
    {
      insert_item (self, item);
      return;
    }

  check = g_new0 (MatchCheck, 1);
  check->list = g_object_ref (self);
  check->item = g_object_ref (item);
  check->serial = ++self->check_serial;
  g_hash_table_insert (self->checks, dup_id (sb_media_item_get_id (item)),
                       GUINT_TO_POINTER (check->serial));

  sb_library_media_matches_async (self->library, sb_media_item_get_id (item), &filter,
                                  NULL, match_checked_cb, check);
}

static void
on_library_media_added (SbMediaList *self,
                        SbMediaItem *item,
                        SbLibrary   *library)
{
  g_autoptr(SbMediaRow) row = sb_media_item_dup_row (item);

  if (!matches_locally (self, row))
    return;

  if (sb_media_list_find (self, row->id) != G_MAXUINT)
    return;

  check_and_insert (self, item);
}

static void
on_library_media_changed (SbMediaList *self,
                          SbMediaItem *item,
                          SbLibrary   *library)
{
  g_autoptr(SbMediaRow) row = sb_media_item_dup_row (item);
  SbMediaItem *existing = g_hash_table_lookup (self->items, &row->id);
  guint position = sb_media_list_find (self, row->id);
  gboolean matches = matches_locally (self, row);

  /* Whoever holds our item for this row sees the new values. */
  if (existing != NULL && existing != item)
    sb_media_item_fill_from (existing, row);

  if (position != G_MAXUINT && !matches)
    remove_at (self, position);
  else if (position == G_MAXUINT && matches)
    check_and_insert (self, existing != NULL ? existing : item);
  else if (!matches)
    g_hash_table_remove (self->checks, &row->id);
}

static void
on_library_media_removed (SbMediaList *self,
                          gint64       id,
                          SbLibrary   *library)
{
  guint position;

  /* An answer still on its way no longer counts. */
  g_hash_table_remove (self->checks, &id);

  position = sb_media_list_find (self, id);
  if (position == G_MAXUINT)
    return;

  remove_at (self, position);
}

static void
sb_media_list_dispose (GObject *object)
{
  SbMediaList *self = (SbMediaList *) object;

  if (self->library != NULL)
    {
      g_clear_signal_handler (&self->added_handler, self->library);
      g_clear_signal_handler (&self->removed_handler, self->library);
      g_clear_signal_handler (&self->changed_handler, self->library);
    }

  /* May finalize items, which drops them from self->items. */
  g_queue_clear_full (&self->cached_pages, (GDestroyNotify) g_ptr_array_unref);

  if (self->items != NULL)
    {
      g_hash_table_foreach (self->items, untrack_item, self);
      g_hash_table_remove_all (self->items);
    }

  g_clear_object (&self->library);

  G_OBJECT_CLASS (sb_media_list_parent_class)->dispose (object);
}

static void
sb_media_list_finalize (GObject *object)
{
  SbMediaList *self = (SbMediaList *) object;

  g_clear_pointer (&self->items, g_hash_table_unref);
  g_clear_pointer (&self->pending, g_hash_table_unref);
  g_clear_pointer (&self->checks, g_hash_table_unref);
  g_clear_pointer (&self->search, g_free);
  g_clear_pointer (&self->entries, g_array_unref);

  G_OBJECT_CLASS (sb_media_list_parent_class)->finalize (object);
}

static void
sb_media_list_get_property (GObject    *object,
                            guint       prop_id,
                            GValue     *value,
                            GParamSpec *pspec)
{
  SbMediaList *self = SB_MEDIA_LIST (object);

  switch (prop_id)
    {
    case PROP_KIND:
      g_value_set_enum (value, self->kind);
      break;

    case PROP_N_ITEMS:
      g_value_set_uint (value, self->entries->len);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sb_media_list_class_init (SbMediaListClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = sb_media_list_dispose;
  object_class->finalize = sb_media_list_finalize;
  object_class->get_property = sb_media_list_get_property;

  properties[PROP_KIND] =
    g_param_spec_enum ("kind", NULL, NULL,
                       SB_TYPE_MEDIA_KIND, SB_MEDIA_KIND_ANY,
                       (G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY));

  properties[PROP_N_ITEMS] =
    g_param_spec_uint ("n-items", NULL, NULL,
                       0, G_MAXUINT, 0,
                       (G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY));

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
sb_media_list_init (SbMediaList *self)
{
  self->items = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
  self->pending = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
  self->checks = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
  g_queue_init (&self->cached_pages);
}

SbMediaList *
sb_media_list_new_filtered (SbLibrary           *library,
                            const SbMediaFilter *filter,
                            GArray              *entries)
{
  SbMediaList *self;

  g_return_val_if_fail (SB_IS_LIBRARY (library), NULL);
  g_return_val_if_fail (filter != NULL, NULL);
  g_return_val_if_fail (entries != NULL, NULL);
  g_return_val_if_fail (g_array_get_element_size (entries) == sizeof (SbMediaListEntry), NULL);

  self = g_object_new (SB_TYPE_MEDIA_LIST, NULL);
  /* The list keeps the library alive; the library never refs lists. */
  self->library = g_object_ref (library);
  self->kind = filter->kind;
  self->brief_id = filter->brief_id;
  self->favourites_only = filter->favourites_only;
  self->entries = g_array_ref (entries);

  if (sb_media_filter_has_search (filter))
    {
      g_autofree char *match = sb_media_filter_build_match (filter->search);

      /* Same rule as the ids query: a search without a word matches nothing. */
      self->match_nothing = match == NULL;
      self->search = g_strdup (filter->search);
    }

  self->added_handler =
    g_signal_connect_object (library, "media-added",
                             G_CALLBACK (on_library_media_added),
                             self, G_CONNECT_SWAPPED);
  self->removed_handler =
    g_signal_connect_object (library, "media-removed",
                             G_CALLBACK (on_library_media_removed),
                             self, G_CONNECT_SWAPPED);
  self->changed_handler =
    g_signal_connect_object (library, "media-changed",
                             G_CALLBACK (on_library_media_changed),
                             self, G_CONNECT_SWAPPED);

  return self;
}

SbMediaList *
sb_media_list_new (SbLibrary   *library,
                   SbMediaKind  kind,
                   GArray      *entries)
{
  SbMediaFilter filter = { .kind = kind };

  return sb_media_list_new_filtered (library, &filter, entries);
}

guint
sb_media_list_find (SbMediaList *self,
                    gint64       id)
{
  g_return_val_if_fail (SB_IS_MEDIA_LIST (self), G_MAXUINT);

  for (guint i = 0; i < self->entries->len; i++)
    {
      if (g_array_index (self->entries, SbMediaListEntry, i).id == id)
        return i;
    }

  return G_MAXUINT;
}

SbMediaKind
sb_media_list_get_kind (SbMediaList *self)
{
  g_return_val_if_fail (SB_IS_MEDIA_LIST (self), SB_MEDIA_KIND_ANY);

  return self->kind;
}

guint
sb_media_list_get_n_cached_pages (SbMediaList *self)
{
  g_return_val_if_fail (SB_IS_MEDIA_LIST (self), 0);

  return self->cached_pages.length;
}

guint
sb_media_list_get_n_live_items (SbMediaList *self)
{
  g_return_val_if_fail (SB_IS_MEDIA_LIST (self), 0);

  return g_hash_table_size (self->items);
}

guint
sb_media_list_get_n_pending (SbMediaList *self)
{
  g_return_val_if_fail (SB_IS_MEDIA_LIST (self), 0);

  return g_hash_table_size (self->pending);
}
