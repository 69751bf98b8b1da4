/* sb-brief-editor.c
 *
 * Copyright 2026 The Storyboard authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "sb-brief"

#include "config.h"

#include <glib/gi18n.h>

#include "sb-brief-editor.h"
#include "sb-library-jobs.h"
#include "sb-model-picker.h"
#include "sb-network.h"
#include "sb-param-form.h"
#include "sb-scene-row.h"
#include "sb-secrets.h"
#include "sb-thumbnail-loader.h"
#include "sb-video-section.h"

/* Edits are stored after this pause, so typing is saved once, not per key. */
#define AUTOSAVE_DELAY_MS 500

#define MAX_UNDO 100

struct _SbBriefEditor
{
  GtkWidget        parent_instance;

  /* Template widgets */
  GtkWidget       *box;
  AdwEntryRow     *title_row;
  AdwEntryRow     *logline_row;
  AdwEntryRow     *audience_row;
  AdwEntryRow     *tone_row;
  AdwEntryRow     *style_row;
  GtkListView     *scene_view;
  AdwBin          *picker_bin;
  AdwBin          *form_bin;
  GtkWidget       *cancel_button;
  GtkLabel        *images_status_label;
  GtkWidget       *preferences_button;
  SbVideoSection  *video_section;

  /* Owned */
  SbLibrary       *library;
  SbGenerationQueue *queue;
  SbReplicateClient *client;
  GSettings       *settings;
  SbThumbnailLoader *loader;
  GCancellable    *cancellable;      /* the editor's lifetime */
  GCancellable    *jobs_cancellable; /* restoring the open revision's jobs */
  GHashTable      *jobs;             /* scene id (gint64*) -> its latest image SbGenerationJob */
  GHashTable      *batches;          /* batch ids started here, until they finish */
  GPtrArray       *pending;          /* PendingRun: waiting for a save or the key */
  char            *batch_message;
  gboolean         has_key;

  /* Borrowed */
  SbModelPicker   *picker;
  char            *pending_model;        /* "Use these settings again" */
  char            *pending_parameters;
  SbParamForm     *form;
  SbBriefRevision *revision;
  GtkNoSelection  *selection;
  GPtrArray       *undo_stack;   /* GPtrArray of SbScene snapshots */
  GPtrArray       *redo_stack;
  GPtrArray       *snapshot;     /* the scenes as they are now, for the next undo step */
  char            *status;

  /* Borrowed: the scene and field the last text edit went to, so that
   * typing in one field is one undo step. */
  SbScene         *coalesce_scene;
  const char      *coalesce_field;

  guint            save_source;
  guint            n_saves;
  gboolean         dirty;
  gboolean         saving;
  gboolean         updating;
};

G_DEFINE_FINAL_TYPE (SbBriefEditor, sb_brief_editor, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_STATUS,
  PROP_SAVED,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void save_now (SbBriefEditor *self);
static void run_pending (SbBriefEditor *self);
static void drop_pending_videos (SbBriefEditor *self);
static void update_generation (SbBriefEditor *self);
static void show_toast (SbBriefEditor *self,
                        AdwToast      *toast);

static GListStore *
get_store (SbBriefEditor *self)
{
  return self->revision != NULL ? sb_brief_revision_get_scenes (self->revision) : NULL;
}

static void
set_status (SbBriefEditor *self,
            const char    *status)
{
  if (g_strcmp0 (self->status, status) == 0)
    return;

  g_free (self->status);
  self->status = g_strdup (status);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATUS]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SAVED]);
}

/* Snapshots keep the ids, so restoring one updates the stored scenes
 * instead of replacing them. */
static GPtrArray *
snapshot_scenes (SbBriefEditor *self)
{
  GListStore *store = get_store (self);
  GPtrArray *snapshot = g_ptr_array_new_with_free_func (g_object_unref);
  guint n = store != NULL ? g_list_model_get_n_items (G_LIST_MODEL (store)) : 0;

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(SbScene) scene = g_list_model_get_item (G_LIST_MODEL (store), i);
      SbScene *copy = sb_scene_copy (scene);

      sb_scene_set_id (copy, sb_scene_get_id (scene));
      g_ptr_array_add (snapshot, copy);
    }

  return snapshot;
}

static void
collect_rows (GtkWidget *widget,
              GPtrArray *rows)
{
  if (SB_IS_SCENE_ROW (widget))
    {
      g_ptr_array_add (rows, widget);
      return;
    }

  for (GtkWidget *child = gtk_widget_get_first_child (widget);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    collect_rows (child, rows);
}

static SbSceneRow *
find_row (SbBriefEditor *self,
          SbScene       *scene)
{
  g_autoptr(GPtrArray) rows = g_ptr_array_new ();

  collect_rows (GTK_WIDGET (self->scene_view), rows);
  for (guint i = 0; i < rows->len; i++)
    if (sb_scene_row_get_scene (g_ptr_array_index (rows, i)) == scene)
      return g_ptr_array_index (rows, i);

  return NULL;
}

/* Positions shift on every move, insert and removal, while a row stays
 * bound to its scene: renumber the rows on screen. */
static void
renumber_rows (SbBriefEditor *self)
{
  g_autoptr(GPtrArray) rows = g_ptr_array_new ();
  GListStore *store = get_store (self);
  guint n = store != NULL ? g_list_model_get_n_items (G_LIST_MODEL (store)) : 0;

  collect_rows (GTK_WIDGET (self->scene_view), rows);
  for (guint i = 0; i < rows->len; i++)
    {
      SbSceneRow *row = g_ptr_array_index (rows, i);
      SbScene *scene = sb_scene_row_get_scene (row);
      guint position;

      if (scene != NULL && store != NULL && g_list_store_find (store, scene, &position))
        sb_scene_row_bind (row, scene, position, n);
    }
}

static void
update_undo_actions (SbBriefEditor *self)
{
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "editor.undo", self->undo_stack->len > 0);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "editor.redo", self->redo_stack->len > 0);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "editor.add-scene", self->revision != NULL);
}

/* Autosave */

static void
update_save_status (SbBriefEditor *self)
{
  if (self->dirty || self->saving)
    set_status (self, _("Saving…"));
  else if (self->n_saves > 0)
    set_status (self, _("Saved"));
}

static gboolean
save_timeout_cb (gpointer user_data)
{
  SbBriefEditor *self = user_data;

  self->save_source = 0;
  save_now (self);

  return G_SOURCE_REMOVE;
}

static void
schedule_save (SbBriefEditor *self)
{
  if (self->revision == NULL)
    return;

  self->dirty = TRUE;
  g_clear_handle_id (&self->save_source, g_source_remove);
  self->save_source = g_timeout_add (AUTOSAVE_DELAY_MS, save_timeout_cb, self);
  update_save_status (self);
}

static void
revision_saved_cb (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(SbBriefEditor) self = user_data;
  g_autoptr(GError) error = NULL;

  self->saving = FALSE;

  if (!sb_library_save_revision_finish (SB_LIBRARY (object), result, &error))
    {
      g_autofree char *message = NULL;

      g_warning_once ("A brief could not be saved: %s", error->message);
      if (self->library == NULL)
        return;

      /* Translators: %s says why the brief could not be saved */
      message = g_strdup_printf (_("Not saved: %s"), error->message);
      self->dirty = TRUE;
      set_status (self, message);
      /* Videos wait for the scenes to be stored: not now, and their
       * buttons work again. */
      drop_pending_videos (self);
      return;
    }

  self->n_saves++;

  /* Disposed meanwhile: what was pending was started by dispose. */
  if (self->library == NULL)
    return;

  if (self->dirty && self->save_source == 0)
    save_now (self);
  update_save_status (self);

  /* Generation waits for the scenes to have ids. */
  if (!self->dirty && !self->saving)
    run_pending (self);
}

static void
save_now (SbBriefEditor *self)
{
  g_clear_handle_id (&self->save_source, g_source_remove);

  if (!self->dirty || self->library == NULL || self->revision == NULL)
    return;

  /* One save at a time: the next starts when this one is done. */
  if (self->saving)
    return;

  self->dirty = FALSE;
  self->saving = TRUE;
  /* Not cancelled on close: the last edits must reach the disk. */
  sb_library_save_revision_async (self->library, self->revision, NULL,
                                  revision_saved_cb, g_object_ref (self));
  update_save_status (self);
}

/* Undo */

static void
push_undo (GPtrArray *stack,
           GPtrArray *snapshot)
{
  g_ptr_array_add (stack, snapshot);
  if (stack->len > MAX_UNDO)
    g_ptr_array_remove_index (stack, 0);
}

/* Called after each change to the scenes: the snapshot taken after the
 * previous change becomes an undo step, unless this edit continues typing
 * in the same field of the same scene. */
static void
record_change (SbBriefEditor *self,
               SbScene       *scene,
               const char    *field)
{
  gboolean coalesce = field != NULL &&
                      scene == self->coalesce_scene &&
                      g_strcmp0 (field, self->coalesce_field) == 0;

  if (!coalesce)
    {
      push_undo (self->undo_stack, g_steal_pointer (&self->snapshot));
      g_ptr_array_set_size (self->redo_stack, 0);
    }

  g_clear_pointer (&self->snapshot, g_ptr_array_unref);
  self->snapshot = snapshot_scenes (self);
  self->coalesce_scene = field != NULL ? scene : NULL;
  self->coalesce_field = field != NULL ? g_intern_string (field) : NULL;

  update_undo_actions (self);
  schedule_save (self);
  update_generation (self);
}

static void
restore_snapshot (SbBriefEditor *self,
                  GPtrArray     *snapshot)
{
  GListStore *store = get_store (self);
  g_autoptr(GPtrArray) copies = g_ptr_array_new_with_free_func (g_object_unref);

  for (guint i = 0; i < snapshot->len; i++)
    {
      SbScene *scene = g_ptr_array_index (snapshot, i);
      SbScene *copy = sb_scene_copy (scene);

      sb_scene_set_id (copy, sb_scene_get_id (scene));
      g_ptr_array_add (copies, copy);
    }

  g_list_store_splice (store, 0, g_list_model_get_n_items (G_LIST_MODEL (store)),
                       copies->pdata, copies->len);

  g_clear_pointer (&self->snapshot, g_ptr_array_unref);
  self->snapshot = snapshot_scenes (self);
  self->coalesce_scene = NULL;
  self->coalesce_field = NULL;

  update_undo_actions (self);
  schedule_save (self);
}

static void
undo_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  SbBriefEditor *self = SB_BRIEF_EDITOR (widget);
  gboolean undo = g_str_equal (action_name, "editor.undo");
  GPtrArray *from = undo ? self->undo_stack : self->redo_stack;
  GPtrArray *to = undo ? self->redo_stack : self->undo_stack;
  g_autoptr(GPtrArray) target = NULL;

  if (from->len == 0 || self->revision == NULL)
    return;

  target = g_ptr_array_steal_index (from, from->len - 1);
  push_undo (to, snapshot_scenes (self));
  restore_snapshot (self, target);
}

/* Scene actions */

static void
focus_scene_later (SbBriefEditor *self,
                   SbScene       *scene)
{
  SbSceneRow *row = find_row (self, scene);

  if (row != NULL)
    sb_scene_row_focus_title (row);
}

static void
move_scene (SbBriefEditor *self,
            guint          from,
            guint          to)
{
  GListStore *store = get_store (self);
  guint n = g_list_model_get_n_items (G_LIST_MODEL (store));
  guint first = MIN (from, to);
  guint last = MAX (from, to);
  g_autoptr(GPtrArray) range = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(SbScene) moved = NULL;
  gboolean had_focus;

  if (from >= n || to >= n || from == to)
    return;

  moved = g_list_model_get_item (G_LIST_MODEL (store), from);
  {
    SbSceneRow *row = find_row (self, moved);
    GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
    GtkWidget *focus = root != NULL ? gtk_root_get_focus (root) : NULL;

    had_focus = row != NULL && focus != NULL && gtk_widget_is_ancestor (focus, GTK_WIDGET (row));
  }

  /* One splice over the affected range, so the list view keeps the cards
   * (and the focus) of the scenes that only change place. */
  for (guint i = first; i <= last; i++)
    g_ptr_array_add (range, g_list_model_get_item (G_LIST_MODEL (store), i));
  g_ptr_array_remove_index (range, from - first);
  g_ptr_array_insert (range, to - first, g_object_ref (moved));
  g_list_store_splice (store, first, last - first + 1, range->pdata, range->len);

  renumber_rows (self);
  record_change (self, NULL, NULL);

  if (had_focus)
    focus_scene_later (self, moved);
}

static void
scene_action (GtkWidget  *widget,
              const char *action_name,
              GVariant   *parameter)
{
  SbBriefEditor *self = SB_BRIEF_EDITOR (widget);
  GListStore *store = get_store (self);
  guint n;

  if (store == NULL)
    return;

  n = g_list_model_get_n_items (G_LIST_MODEL (store));

  if (g_str_equal (action_name, "editor.move-scene"))
    {
      guint position;
      int delta;

      g_variant_get (parameter, "(ui)", &position, &delta);
      if (position < n && (int) position + delta >= 0 && (int) position + delta < (int) n)
        move_scene (self, position, position + delta);
    }
  else if (g_str_equal (action_name, "editor.duplicate-scene"))
    {
      guint position = g_variant_get_uint32 (parameter);
      g_autoptr(SbScene) scene = NULL;
      g_autoptr(SbScene) copy = NULL;

      if (position >= n)
        return;
      scene = g_list_model_get_item (G_LIST_MODEL (store), position);
      copy = sb_scene_copy (scene);
      g_list_store_insert (store, position + 1, copy);
      renumber_rows (self);
      record_change (self, NULL, NULL);
    }
  else if (g_str_equal (action_name, "editor.remove-scene"))
    {
      guint position = g_variant_get_uint32 (parameter);

      /* A brief keeps at least one scene. */
      if (position >= n || n <= 1)
        return;
      g_list_store_remove (store, position);
      renumber_rows (self);
      record_change (self, NULL, NULL);
    }
  else if (g_str_equal (action_name, "editor.add-scene"))
    {
      g_autoptr(SbScene) scene = sb_scene_new ();

      sb_scene_set_title (scene, _("New scene"));
      sb_scene_set_duration (scene, 3);
      g_list_store_append (store, scene);
      renumber_rows (self);
      record_change (self, NULL, NULL);
    }
  else if (g_str_equal (action_name, "editor.scene-edited"))
    {
      g_autoptr(SbScene) scene = NULL;
      guint position;
      const char *field;

      g_variant_get (parameter, "(u&s)", &position, &field);
      if (position >= n)
        return;
      scene = g_list_model_get_item (G_LIST_MODEL (store), position);
      record_change (self, scene, field);
    }
}

/* Image generation */

typedef struct
{
  SbBriefRevision *revision;  /* the one it was asked for */
  gint64           scene_id;  /* 0: every scene with a prompt */
  guint            n;         /* images per scene */
  gboolean         video;     /* a video instead */
} PendingRun;

static void
pending_run_free (PendingRun *run)
{
  g_clear_object (&run->revision);
  g_free (run);
}

/* Drops the runs waiting that @keep (NULL: none) does not have; the video
 * section hears of each video request dropped. */
static void
drop_pending (SbBriefEditor   *self,
              gboolean         videos_only,
              SbBriefRevision *keep)
{
  for (guint i = self->pending->len; i > 0; i--)
    {
      PendingRun *run = g_ptr_array_index (self->pending, i - 1);

      if ((videos_only && !run->video) || (keep != NULL && run->revision == keep))
        continue;
      if (run->video && run->revision == self->revision)
        sb_video_section_drop_request (self->video_section, run->scene_id);
      g_ptr_array_remove_index (self->pending, i - 1);
    }
}

static void
drop_pending_videos (SbBriefEditor *self)
{
  gboolean any = FALSE;

  for (guint i = 0; i < self->pending->len; i++)
    any |= ((PendingRun *) g_ptr_array_index (self->pending, i))->video;
  if (!any)
    return;

  drop_pending (self, TRUE, NULL);
  show_toast (self, adw_toast_new (_("The videos were not started because the brief could not be saved. Try again once it is saved.")));
}

static gint64 *
int64_key (gint64 id)
{
  return g_memdup2 (&id, sizeof id);
}

static SbSceneRow *
find_row_by_id (SbBriefEditor *self,
                gint64         scene_id)
{
  g_autoptr(GPtrArray) rows = g_ptr_array_new ();

  collect_rows (GTK_WIDGET (self->scene_view), rows);
  for (guint i = 0; i < rows->len; i++)
    {
      SbScene *scene = sb_scene_row_get_scene (g_ptr_array_index (rows, i));

      if (scene != NULL && sb_scene_get_id (scene) == scene_id)
        return g_ptr_array_index (rows, i);
    }

  return NULL;
}

static SbScene *
find_scene_by_id (SbBriefEditor *self,
                  gint64         scene_id)
{
  GListStore *store = get_store (self);
  guint n = store != NULL ? g_list_model_get_n_items (G_LIST_MODEL (store)) : 0;

  for (guint i = 0; i < n && scene_id != 0; i++)
    {
      g_autoptr(SbScene) scene = g_list_model_get_item (G_LIST_MODEL (store), i);

      if (sb_scene_get_id (scene) == scene_id)
        return scene;  /* still held by the store */
    }

  return NULL;
}

/* Keeps the latest job of each scene of the open revision, and the scene's
 * chosen image as the library sets it when a first image arrives. */
static void
track_job (SbBriefEditor   *self,
           SbGenerationJob *job)
{
  gint64 scene_id = sb_generation_job_get_scene_id (job);
  SbGenerationJob *current;
  SbSceneRow *row;
  SbScene *scene;

  /* A scene's videos have their own state on its card. */
  if (sb_generation_job_get_kind (job) == SB_MEDIA_KIND_VIDEO)
    {
      sb_video_section_track_job (self->video_section, job);
      return;
    }

  if (self->revision == NULL || scene_id == 0 ||
      sb_generation_job_get_kind (job) != SB_MEDIA_KIND_IMAGE ||
      sb_generation_job_get_revision_id (job) != sb_brief_revision_get_id (self->revision))
    return;

  current = g_hash_table_lookup (self->jobs, &scene_id);
  if (current != NULL && current != job &&
      sb_generation_job_get_id (job) != 0 &&
      sb_generation_job_get_id (job) < sb_generation_job_get_id (current))
    return;

  if (current != job)
    g_hash_table_replace (self->jobs, int64_key (scene_id), g_object_ref (job));

  scene = find_scene_by_id (self, scene_id);
  if (scene != NULL && sb_generation_job_get_status (job) == SB_JOB_SUCCEEDED &&
      sb_generation_job_get_media_id (job) != 0 && sb_scene_get_chosen_media_id (scene) == 0)
    {
      sb_scene_set_chosen_media_id (scene, sb_generation_job_get_media_id (job));
      /* The scene's video can start from it now. */
      sb_video_section_update (self->video_section);
    }

  row = find_row_by_id (self, scene_id);
  if (row != NULL)
    sb_scene_row_set_job (row, job);
}

static void
on_queue_job_changed (SbBriefEditor   *self,
                      SbGenerationJob *job)
{
  GHashTable *fields;

  track_job (self, job);

  /* A request of this brief refused by the model: each message goes next
   * to its field in the form. */
  fields = sb_generation_job_get_field_errors (job);
  if (self->form != NULL && fields != NULL && g_hash_table_size (fields) > 0 &&
      sb_generation_job_get_kind (job) == SB_MEDIA_KIND_IMAGE &&
      sb_generation_job_get_status (job) == SB_JOB_FAILED &&
      self->revision != NULL &&
      sb_generation_job_get_revision_id (job) == sb_brief_revision_get_id (self->revision))
    sb_param_form_show_errors (self->form, fields);
}

static void
show_toast (SbBriefEditor *self,
            AdwToast      *toast)
{
  GtkWidget *overlay = gtk_widget_get_ancestor (GTK_WIDGET (self), ADW_TYPE_TOAST_OVERLAY);

  if (overlay != NULL)
    adw_toast_overlay_add_toast (ADW_TOAST_OVERLAY (overlay), toast);
  else
    g_object_unref (g_object_ref_sink (toast));
}

static void
on_queue_batch_finished (SbBriefEditor *self,
                         const char    *batch_id,
                         guint          n_succeeded,
                         guint          n_failed,
                         SbGenerationQueue *queue)
{
  AdwToast *toast;

  if (!g_hash_table_remove (self->batches, batch_id))
    return;

  g_free (self->batch_message);
  if (n_failed == 0)
    self->batch_message = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u image ready", "%u images ready", n_succeeded),
                                           n_succeeded);
  else
    /* Translators: "5 images ready, 1 failed" */
    self->batch_message = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u image ready, %u failed", "%u images ready, %u failed", n_succeeded),
                                           n_succeeded, n_failed);

  toast = adw_toast_new (self->batch_message);
  adw_toast_set_timeout (toast, 10);
  if (self->revision != NULL && n_succeeded > 0)
    {
      const char *title = sb_brief_revision_get_title (self->revision);

      adw_toast_set_button_label (toast, _("Open _Gallery"));
      adw_toast_set_action_name (toast, "win.show-brief-media");
      adw_toast_set_action_target (toast, "(xs)", sb_brief_revision_get_brief_id (self->revision),
                                   title != NULL ? title : "");
    }
  show_toast (self, toast);
  update_generation (self);
}

static void
jobs_listed_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(SbBriefEditor) self = user_data;
  g_autoptr(GListModel) jobs = NULL;
  g_autoptr(GError) error = NULL;
  guint n;

  jobs = sb_library_list_jobs_for_revision_finish (SB_LIBRARY (object), result, &error);
  if (jobs == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_warning ("The image jobs of a brief could not be read: %s", error->message);
      return;
    }

  n = g_list_model_get_n_items (jobs);
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(SbGenerationJob) job = g_list_model_get_item (jobs, i);

      track_job (self, job);
    }

  /* The queue's jobs are the live ones: they win over their stored copies. */
  if (self->queue != NULL)
    {
      GListModel *live = sb_generation_queue_get_jobs (self->queue);

      n = g_list_model_get_n_items (live);
      for (guint i = 0; i < n; i++)
        {
          g_autoptr(SbGenerationJob) job = g_list_model_get_item (live, i);

          track_job (self, job);
        }
    }
}

static void
restore_jobs (SbBriefEditor *self)
{
  g_cancellable_cancel (self->jobs_cancellable);
  g_clear_object (&self->jobs_cancellable);
  g_hash_table_remove_all (self->jobs);
  sb_video_section_clear_jobs (self->video_section);

  if (self->revision == NULL || self->library == NULL || sb_brief_revision_get_id (self->revision) == 0)
    return;

  self->jobs_cancellable = g_cancellable_new ();
  sb_library_list_jobs_for_revision_async (self->library, sb_brief_revision_get_id (self->revision),
                                           self->jobs_cancellable, jobs_listed_cb, g_object_ref (self));
}

static gboolean
scene_has_prompt (SbScene *scene)
{
  const char *prompt = sb_scene_get_generation_prompt (scene);

  if (prompt == NULL)
    return FALSE;
  while (g_ascii_isspace (*prompt))
    prompt++;
  return *prompt != '\0';
}

static gboolean
any_prompt (SbBriefEditor *self)
{
  GListStore *store = get_store (self);
  guint n = store != NULL ? g_list_model_get_n_items (G_LIST_MODEL (store)) : 0;

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(SbScene) scene = g_list_model_get_item (G_LIST_MODEL (store), i);

      if (scene_has_prompt (scene))
        return TRUE;
    }

  return FALSE;
}

static void
update_generation (SbBriefEditor *self)
{
  gboolean online = sb_network_can_use_provider (sb_provider_config_get_default (), SB_PROVIDER_REPLICATE);
  gboolean model = self->picker != NULL && sb_model_picker_get_selected_model (self->picker) != NULL && self->form != NULL;
  gboolean running = g_hash_table_size (self->batches) > 0;
  gboolean ready = self->revision != NULL && self->queue != NULL && online && self->has_key && model;
  const char *status = "";

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "editor.generate-images", ready && !running && any_prompt (self));
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "editor.generate-scene", ready);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "editor.retry-scene", self->queue != NULL && online && self->has_key);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "editor.cancel-generation", running);
  gtk_widget_set_visible (self->cancel_button, running);
  gtk_widget_set_visible (self->preferences_button, self->queue != NULL && !self->has_key);

  if (self->queue == NULL)
    status = _("Images can be made once the library is open.");
  else if (!online)
    status = _("You are offline. Connect to a network to generate images.");
  else if (!self->has_key)
    status = _("Add a Replicate API key in Preferences to generate images.");
  else if (!model)
    status = _("Choose a model to generate images.");
  else if (running)
    status = _("Generating images…");
  else if (self->revision != NULL && !any_prompt (self))
    status = _("Write an image prompt for a scene to generate its image.");

  gtk_label_set_label (self->images_status_label, status);
  sb_video_section_update (self->video_section);
}

static void
on_network_changed (SbBriefEditor *self)
{
  update_generation (self);
}

/* The text a form field takes for a stored input value. */
static char *
value_to_text (JsonNode *node)
{
  if (!JSON_NODE_HOLDS_VALUE (node))
    return NULL;

  switch (json_node_get_value_type (node))
    {
    case G_TYPE_STRING:
      return g_strdup (json_node_get_string (node));
    case G_TYPE_INT64:
      return g_strdup_printf ("%" G_GINT64_FORMAT, json_node_get_int (node));
    case G_TYPE_DOUBLE:
      {
        char buffer[G_ASCII_DTOSTR_BUF_SIZE];

        return g_strdup (g_ascii_dtostr (buffer, sizeof buffer, json_node_get_double (node)));
      }
    case G_TYPE_BOOLEAN:
      return g_strdup (json_node_get_boolean (node) ? "true" : "false");
    default:
      return NULL;
    }
}

/* Fills the form with the pending settings once their model is the one
 * shown; the prompt stays each scene's own. */
static void
apply_pending_settings (SbBriefEditor *self)
{
  g_autoptr(JsonParser) parser = NULL;
  JsonObject *input;
  JsonObjectIter iter;
  const char *name;
  JsonNode *value;

  if (self->pending_model == NULL || self->picker == NULL)
    return;

  /* Selecting the model rebuilds the form, which comes back here.  A model
   * the list does not hold yet stays pending. */
  if (g_strcmp0 (sb_model_picker_get_selected_id (self->picker), self->pending_model) != 0)
    {
      sb_model_picker_select (self->picker, self->pending_model);
      return;
    }

  if (self->form == NULL)
    return;

  parser = json_parser_new ();
  if (self->pending_parameters != NULL &&
      json_parser_load_from_data (parser, self->pending_parameters, -1, NULL) &&
      JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    {
      input = json_node_get_object (json_parser_get_root (parser));
      json_object_iter_init (&iter, input);
      while (json_object_iter_next (&iter, &name, &value))
        {
          g_autofree char *text = NULL;

          if (g_str_equal (name, "prompt"))
            continue;
          text = value_to_text (value);
          if (text != NULL && !sb_param_form_set_value_text (self->form, name, text))
            g_debug ("Setting %s = %s does not fit the form", name, text);
        }
    }

  g_clear_pointer (&self->pending_model, g_free);
  g_clear_pointer (&self->pending_parameters, g_free);
}

static void
on_model_changed (SbBriefEditor *self)
{
  SbReplicateModel *model = self->picker != NULL ? sb_model_picker_get_selected_model (self->picker) : NULL;
  g_autoptr(GPtrArray) params = NULL;
  g_autoptr(GError) error = NULL;

  self->form = NULL;
  adw_bin_set_child (self->form_bin, NULL);

  if (model != NULL)
    params = sb_replicate_model_parse_params (model, &error);
  if (params == NULL)
    {
      if (error != NULL)
        g_debug ("No form for the model: %s", error->message);
      update_generation (self);
      return;
    }

  self->form = SB_PARAM_FORM (sb_param_form_new (params));
  adw_preferences_group_set_title (ADW_PREFERENCES_GROUP (self->form), _("Image Settings"));
  /* The prompt comes from each scene: say so instead of asking for it. */
  sb_param_form_set_provided (self->form, "prompt", _("Filled from each scene's image prompt"));
  adw_bin_set_child (self->form_bin, GTK_WIDGET (self->form));
  apply_pending_settings (self);
  update_generation (self);
}

static void
submit_run (SbBriefEditor *self,
            PendingRun    *run)
{
  SbReplicateModel *model = self->picker != NULL ? sb_model_picker_get_selected_model (self->picker) : NULL;
  g_autoptr(JsonObject) input = NULL;
  g_autoptr(GHashTable) errors = NULL;
  g_autoptr(GPtrArray) requests = NULL;
  GListStore *store = get_store (self);
  gboolean has_num_outputs;
  g_autofree char *batch_id = NULL;
  guint n;

  /* Asked for another revision's scenes: not for these. */
  if (run->revision != self->revision)
    return;

  if (run->video)
    {
      sb_video_section_submit (self->video_section, run->scene_id);
      return;
    }

  if (model == NULL || self->form == NULL || store == NULL || self->queue == NULL)
    return;

  if (!sb_param_form_build_input (self->form, &input, &errors))
    {
      show_toast (self, adw_toast_new (_("Check the highlighted image settings")));
      return;
    }

  has_num_outputs = sb_param_form_get_row (self->form, "num_outputs") != NULL;
  requests = g_ptr_array_new_with_free_func ((GDestroyNotify) sb_generation_request_free);
  n = g_list_model_get_n_items (G_LIST_MODEL (store));

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(SbScene) scene = g_list_model_get_item (G_LIST_MODEL (store), i);
      guint n_requests = run->n;
      guint per_request = 1;

      if ((run->scene_id != 0 && sb_scene_get_id (scene) != run->scene_id) ||
          !scene_has_prompt (scene) || sb_scene_get_id (scene) == 0)
        continue;

      if (run->n > 1 && has_num_outputs)
        {
          n_requests = 1;
          per_request = run->n;
        }

      for (guint r = 0; r < n_requests; r++)
        {
          SbGenerationRequest *request = sb_generation_request_new ();

          request->kind = SB_MEDIA_KIND_IMAGE;
          request->model = g_strdup_printf ("%s/%s", model->owner, model->name);
          request->version = model->is_official ? NULL : g_strdup (model->latest_version_id);
          request->input = sb_param_form_copy_input (input);
          json_object_set_string_member (request->input, "prompt", sb_scene_get_generation_prompt (scene));
          if (per_request > 1)
            json_object_set_int_member (request->input, "num_outputs", per_request);
          request->brief_id = sb_brief_revision_get_brief_id (self->revision);
          request->revision_id = sb_brief_revision_get_id (self->revision);
          request->scene_id = sb_scene_get_id (scene);
          request->prompt = g_strdup (sb_scene_get_generation_prompt (scene));
          g_ptr_array_add (requests, request);
        }
    }

  if (requests->len == 0)
    return;

  batch_id = sb_generation_queue_submit (self->queue, requests);
  g_hash_table_add (self->batches, g_steal_pointer (&batch_id));
  update_generation (self);
}

static void
key_looked_up_cb (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(SbBriefEditor) self = user_data;
  g_autofree char *key = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) pending = NULL;

  key = sb_secrets_lookup_finish (result, NULL, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) || self->queue == NULL)
    return;

  self->has_key = key != NULL && *key != '\0';
  if (self->client != NULL && self->has_key)
    sb_replicate_client_set_api_key (self->client, key);
  sb_video_section_set_has_key (self->video_section, self->has_key);

  pending = g_steal_pointer (&self->pending);
  self->pending = g_ptr_array_new_with_free_func ((GDestroyNotify) pending_run_free);
  if (self->has_key)
    for (guint i = 0; i < pending->len; i++)
      submit_run (self, g_ptr_array_index (pending, i));
  else
    {
      for (guint i = 0; i < pending->len; i++)
        {
          PendingRun *run = g_ptr_array_index (pending, i);

          if (run->video && run->revision == self->revision)
            sb_video_section_drop_request (self->video_section, run->scene_id);
        }
      if (pending->len > 0 && ((PendingRun *) g_ptr_array_index (pending, 0))->video)
        show_toast (self, adw_toast_new (_("Add a Replicate API key in Preferences to make videos")));
      else if (pending->len > 0)
        show_toast (self, adw_toast_new (_("Add a Replicate API key in Preferences to generate images")));
    }

  update_generation (self);
}

static void
lookup_key (SbBriefEditor *self)
{
  sb_secrets_lookup_async (SB_PROVIDER_REPLICATE, self->cancellable,
                           key_looked_up_cb, g_object_ref (self));
}

/* Scenes need their ids (stored) before jobs can name them. */
static gboolean
scenes_stored (SbBriefEditor *self)
{
  GListStore *store = get_store (self);
  guint n = store != NULL ? g_list_model_get_n_items (G_LIST_MODEL (store)) : 0;

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(SbScene) scene = g_list_model_get_item (G_LIST_MODEL (store), i);

      if (sb_scene_get_id (scene) == 0)
        return FALSE;
    }

  return TRUE;
}

static void
run_pending (SbBriefEditor *self)
{
  if (self->pending == NULL || self->pending->len == 0 || self->queue == NULL)
    return;

  /* Looked up again each time: the key may have been changed in Preferences. */
  lookup_key (self);
}

static void
request_run (SbBriefEditor *self,
             gint64         scene_id,
             guint          n,
             gboolean       video)
{
  PendingRun *run = g_new0 (PendingRun, 1);

  run->revision = g_object_ref (self->revision);
  run->scene_id = scene_id;
  run->n = MAX (n, 1);
  run->video = video;
  g_ptr_array_add (self->pending, run);

  if (!scenes_stored (self))
    self->dirty = TRUE;

  if (self->dirty || self->saving)
    save_now (self);
  else
    run_pending (self);
}

static void
generation_action (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *parameter)
{
  SbBriefEditor *self = SB_BRIEF_EDITOR (widget);
  GListStore *store = get_store (self);
  guint n = store != NULL ? g_list_model_get_n_items (G_LIST_MODEL (store)) : 0;

  if (self->queue == NULL || self->revision == NULL)
    return;

  if (g_str_equal (action_name, "editor.generate-images"))
    request_run (self, 0, 1, FALSE);
  else if (g_str_equal (action_name, "editor.generate-scene"))
    {
      g_autoptr(SbScene) scene = NULL;
      guint position, count;

      g_variant_get (parameter, "(uu)", &position, &count);
      if (position >= n)
        return;
      scene = g_list_model_get_item (G_LIST_MODEL (store), position);
      if (!scene_has_prompt (scene))
        {
          show_toast (self, adw_toast_new (_("Write an image prompt for the scene first")));
          return;
        }
      if (sb_scene_get_id (scene) == 0)
        {
          /* Stored by the save request_run starts; its id is known then. */
          self->dirty = TRUE;
          save_now (self);
          return;
        }
      request_run (self, sb_scene_get_id (scene), count, FALSE);
    }
  else if (g_str_equal (action_name, "editor.retry-scene"))
    {
      g_autoptr(SbScene) scene = NULL;
      SbGenerationJob *job;
      gint64 scene_id;

      if (g_variant_get_uint32 (parameter) >= n)
        return;
      scene = g_list_model_get_item (G_LIST_MODEL (store), g_variant_get_uint32 (parameter));
      scene_id = sb_scene_get_id (scene);
      job = g_hash_table_lookup (self->jobs, &scene_id);
      if (job == NULL || !sb_job_status_is_terminal (sb_generation_job_get_status (job)) ||
          sb_generation_job_get_status (job) == SB_JOB_SUCCEEDED)
        return;
      /* A retry runs the prompt as the scene has it now. */
      if (scene_has_prompt (scene))
        request_run (self, scene_id, 1, FALSE);
      else
        sb_generation_queue_retry (self->queue, job);
    }
  else if (g_str_equal (action_name, "editor.cancel-generation"))
    {
      GHashTableIter iter;
      const char *batch_id;

      g_hash_table_iter_init (&iter, self->batches);
      while (g_hash_table_iter_next (&iter, (gpointer *) &batch_id, NULL))
        sb_generation_queue_cancel_batch (self->queue, batch_id);
    }
}

/* Videos: the section builds the requests once the scenes are stored. */

static void
on_make_videos (SbBriefEditor *self,
                gint64         scene_id)
{
  if (self->queue != NULL && self->revision != NULL)
    request_run (self, scene_id, 1, TRUE);
  else
    sb_video_section_drop_request (self->video_section, scene_id);
}

static void
show_scene_video (SbBriefEditor *self,
                  SbSceneRow    *row)
{
  SbScene *scene = sb_scene_row_get_scene (row);
  SbGenerationJob *job = NULL;

  if (scene != NULL)
    job = sb_video_section_get_scene_job (self->video_section, sb_scene_get_id (scene));
  sb_scene_row_set_video (row, job, sb_video_section_get_duration (self->video_section, job),
                          scene != NULL && sb_video_section_can_make (self->video_section, scene),
                          scene != NULL ? sb_video_section_get_problem (self->video_section, scene) : NULL);
}

static void
on_video_scene_changed (SbBriefEditor *self,
                        gint64         scene_id)
{
  g_autoptr(GPtrArray) rows = g_ptr_array_new ();

  collect_rows (GTK_WIDGET (self->scene_view), rows);
  for (guint i = 0; i < rows->len; i++)
    {
      SbSceneRow *row = g_ptr_array_index (rows, i);
      SbScene *scene = sb_scene_row_get_scene (row);

      if (scene_id == 0 || (scene != NULL && sb_scene_get_id (scene) == scene_id))
        show_scene_video (self, row);
    }
}

static void
video_action (GtkWidget  *widget,
              const char *action_name,
              GVariant   *parameter)
{
  SbBriefEditor *self = SB_BRIEF_EDITOR (widget);
  GListStore *store = get_store (self);
  g_autoptr(SbScene) scene = NULL;
  guint position = g_variant_get_uint32 (parameter);

  if (store == NULL || position >= g_list_model_get_n_items (G_LIST_MODEL (store)))
    return;
  scene = g_list_model_get_item (G_LIST_MODEL (store), position);

  if (g_str_equal (action_name, "editor.make-video"))
    {
      if (!sb_video_section_can_make (self->video_section, scene))
        return;
      if (sb_scene_get_id (scene) == 0)
        {
          /* Stored first; its card can make the video then. */
          self->dirty = TRUE;
          save_now (self);
          return;
        }
      /* The section comes back through ::make-videos. */
      sb_video_section_make (self->video_section, sb_scene_get_id (scene));
    }
  else if (g_str_equal (action_name, "editor.retry-video"))
    sb_video_section_retry_scene (self->video_section, sb_scene_get_id (scene));
  else if (g_str_equal (action_name, "editor.cancel-video"))
    sb_video_section_cancel_scene (self->video_section, sb_scene_get_id (scene));
}

/* The images of a scene to choose from */

typedef struct
{
  SbBriefEditor *self;
  gint64         scene_id;
  SbMediaList   *list;
  GPtrArray     *items;      /* loaded SbMediaItem of the scene */
  guint          waiting;
} Variants;

static void
variants_free (Variants *variants)
{
  g_object_unref (variants->self);
  g_clear_object (&variants->list);
  g_ptr_array_unref (variants->items);
  g_free (variants);
}

static void
variants_show (Variants *variants)
{
  SbSceneRow *row = find_row_by_id (variants->self, variants->scene_id);

  if (row != NULL)
    sb_scene_row_set_variants (row, variants->items);
  variants_free (variants);
}

static void
variant_loaded (Variants    *variants,
                SbMediaItem *item)
{
  if (sb_media_item_get_scene_id (item) == variants->scene_id &&
      sb_media_item_get_kind (item) == SB_MEDIA_KIND_IMAGE)
    g_ptr_array_add (variants->items, g_object_ref (item));
}

static void
variant_got_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  Variants *variants = user_data;
  g_autoptr(SbMediaItem) item = sb_library_get_media_finish (SB_LIBRARY (object), result, NULL);

  if (item != NULL)
    variant_loaded (variants, item);
  if (--variants->waiting == 0)
    variants_show (variants);
}

static void
media_listed_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  Variants *variants = user_data;
  g_autoptr(GError) error = NULL;
  guint n;

  variants->list = sb_library_list_media_filtered_finish (SB_LIBRARY (object), result, &error);
  if (variants->list == NULL)
    {
      variants_show (variants);
      return;
    }

  n = g_list_model_get_n_items (G_LIST_MODEL (variants->list));
  variants->waiting = 1;
  for (guint i = 0; i < n; i++)
    {
      SbMediaItem *item = g_list_model_get_item (G_LIST_MODEL (variants->list), i);

      if (sb_media_item_get_loaded (item))
        {
          variant_loaded (variants, item);
          g_object_unref (item);
        }
      else
        {
          /* Rows of a list are read lazily: read this one now. */
          variants->waiting++;
          sb_library_get_media_async (SB_LIBRARY (object), sb_media_item_get_id (item),
                                      variants->self->cancellable, variant_got_cb, variants);
          g_object_unref (item);
        }
    }

  if (--variants->waiting == 0)
    variants_show (variants);
}

static void
load_variants_action (GtkWidget  *widget,
                      const char *action_name,
                      GVariant   *parameter)
{
  SbBriefEditor *self = SB_BRIEF_EDITOR (widget);
  SbMediaFilter filter = { SB_MEDIA_KIND_ANY, 0, FALSE, NULL };
  Variants *variants;

  if (self->library == NULL || self->revision == NULL)
    return;

  variants = g_new0 (Variants, 1);
  variants->self = g_object_ref (self);
  variants->scene_id = g_variant_get_int64 (parameter);
  variants->items = g_ptr_array_new_with_free_func (g_object_unref);
  filter.brief_id = sb_brief_revision_get_brief_id (self->revision);
  sb_library_list_media_filtered_async (self->library, &filter, self->cancellable,
                                        media_listed_cb, variants);
}

typedef struct
{
  SbBriefEditor *self;
  gint64         scene_id;
  gint64         media_id;
} Choice;

static void
scene_media_set_cb (GObject      *object,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  Choice *choice = user_data;
  g_autoptr(GError) error = NULL;

  if (sb_library_set_scene_media_finish (SB_LIBRARY (object), result, &error))
    {
      SbScene *scene = find_scene_by_id (choice->self, choice->scene_id);

      if (scene != NULL)
        {
          sb_scene_set_chosen_media_id (scene, choice->media_id);
          /* Its video starts from this image now (or can, at all). */
          sb_video_section_update (choice->self->video_section);
        }
    }
  else if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      g_autofree char *message = NULL;

      /* Translators: %s says why */
      message = g_strdup_printf (_("The scene's image could not be changed: %s"), error->message);
      show_toast (choice->self, adw_toast_new (message));
    }

  g_object_unref (choice->self);
  g_free (choice);
}

static void
choose_media_action (GtkWidget  *widget,
                     const char *action_name,
                     GVariant   *parameter)
{
  SbBriefEditor *self = SB_BRIEF_EDITOR (widget);
  Choice *choice;
  SbSceneRow *row;

  if (self->library == NULL)
    return;

  choice = g_new0 (Choice, 1);
  choice->self = g_object_ref (self);
  g_variant_get (parameter, "(xx)", &choice->scene_id, &choice->media_id);

  row = find_row_by_id (self, choice->scene_id);
  if (row != NULL)
    {
      GtkWidget *popover = gtk_widget_get_ancestor (GTK_WIDGET (sb_scene_row_get_variants_box (row)), GTK_TYPE_POPOVER);

      if (popover != NULL)
        gtk_popover_popdown (GTK_POPOVER (popover));
    }

  sb_library_set_scene_media_async (self->library, choice->scene_id, choice->media_id,
                                    self->cancellable, scene_media_set_cb, choice);
}

/* Brief fields: saved, but not part of the scene undo history. */

static void
on_field_changed (SbBriefEditor *self,
                  GtkEditable   *row)
{
  const char *text = gtk_editable_get_text (row);

  if (self->updating || self->revision == NULL)
    return;

  if (row == GTK_EDITABLE (self->title_row))
    sb_brief_revision_set_title (self->revision, text);
  else if (row == GTK_EDITABLE (self->logline_row))
    sb_brief_revision_set_logline (self->revision, text);
  else if (row == GTK_EDITABLE (self->audience_row))
    sb_brief_revision_set_audience (self->revision, text);
  else if (row == GTK_EDITABLE (self->tone_row))
    sb_brief_revision_set_tone (self->revision, text);
  else if (row == GTK_EDITABLE (self->style_row))
    sb_brief_revision_set_visual_style (self->revision, text);

  schedule_save (self);
}

/* Scene list factory */

static void
setup_row_cb (GtkSignalListItemFactory *factory,
              GtkListItem              *list_item,
              SbBriefEditor            *self)
{
  GtkWidget *row = sb_scene_row_new ();

  sb_scene_row_set_thumbnail_loader (SB_SCENE_ROW (row), self->loader);
  gtk_list_item_set_child (list_item, row);
  gtk_list_item_set_activatable (list_item, FALSE);
  gtk_list_item_set_selectable (list_item, FALSE);
}

static void
bind_row_cb (GtkSignalListItemFactory *factory,
             GtkListItem              *list_item,
             SbBriefEditor            *self)
{
  GListStore *store = get_store (self);
  SbSceneRow *row = SB_SCENE_ROW (gtk_list_item_get_child (list_item));
  SbScene *scene = gtk_list_item_get_item (list_item);
  gint64 scene_id = sb_scene_get_id (scene);

  sb_scene_row_set_thumbnail_loader (row, self->loader);
  sb_scene_row_bind (row, scene,
                     gtk_list_item_get_position (list_item),
                     store != NULL ? g_list_model_get_n_items (G_LIST_MODEL (store)) : 0);
  sb_scene_row_set_job (row, scene_id != 0 ? g_hash_table_lookup (self->jobs, &scene_id) : NULL);
  show_scene_video (self, row);
}

static void
unbind_row_cb (GtkSignalListItemFactory *factory,
               GtkListItem              *list_item,
               SbBriefEditor            *self)
{
  sb_scene_row_unbind (SB_SCENE_ROW (gtk_list_item_get_child (list_item)));
}

static void
sb_brief_editor_unmap (GtkWidget *widget)
{
  save_now (SB_BRIEF_EDITOR (widget));

  GTK_WIDGET_CLASS (sb_brief_editor_parent_class)->unmap (widget);
}

static void
sb_brief_editor_dispose (GObject *object)
{
  SbBriefEditor *self = SB_BRIEF_EDITOR (object);

  save_now (self);
  g_clear_handle_id (&self->save_source, g_source_remove);

  g_cancellable_cancel (self->cancellable);
  g_cancellable_cancel (self->jobs_cancellable);
  /* Nothing reaches the widgets once they are gone. */
  if (self->queue != NULL)
    g_signal_handlers_disconnect_by_data (self->queue, self);
  g_signal_handlers_disconnect_by_data (g_network_monitor_get_default (), self);
  self->picker = NULL;
  self->form = NULL;

  if (self->scene_view != NULL)
    gtk_list_view_set_model (self->scene_view, NULL);

  gtk_widget_dispose_template (GTK_WIDGET (self), SB_TYPE_BRIEF_EDITOR);

  g_clear_object (&self->selection);
  g_clear_object (&self->revision);
  g_clear_object (&self->library);
  g_clear_object (&self->queue);
  g_clear_object (&self->client);
  g_clear_object (&self->settings);
  g_clear_object (&self->loader);
  g_clear_object (&self->jobs_cancellable);
  if (self->jobs != NULL)
    g_hash_table_remove_all (self->jobs);

  G_OBJECT_CLASS (sb_brief_editor_parent_class)->dispose (object);
}

static void
sb_brief_editor_finalize (GObject *object)
{
  SbBriefEditor *self = SB_BRIEF_EDITOR (object);

  g_clear_pointer (&self->undo_stack, g_ptr_array_unref);
  g_clear_pointer (&self->redo_stack, g_ptr_array_unref);
  g_clear_pointer (&self->snapshot, g_ptr_array_unref);
  g_free (self->status);
  g_free (self->batch_message);
  g_free (self->pending_model);
  g_free (self->pending_parameters);
  g_clear_pointer (&self->jobs, g_hash_table_unref);
  g_clear_pointer (&self->batches, g_hash_table_unref);
  g_clear_pointer (&self->pending, g_ptr_array_unref);
  g_clear_object (&self->cancellable);

  G_OBJECT_CLASS (sb_brief_editor_parent_class)->finalize (object);
}

static void
sb_brief_editor_get_property (GObject    *object,
                              guint       prop_id,
                              GValue     *value,
                              GParamSpec *pspec)
{
  SbBriefEditor *self = SB_BRIEF_EDITOR (object);

  switch (prop_id)
    {
    case PROP_STATUS:
      g_value_set_string (value, sb_brief_editor_get_status (self));
      break;

    case PROP_SAVED:
      g_value_set_boolean (value, sb_brief_editor_is_saved (self));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sb_brief_editor_class_init (SbBriefEditorClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = sb_brief_editor_dispose;
  object_class->finalize = sb_brief_editor_finalize;
  object_class->get_property = sb_brief_editor_get_property;

  widget_class->unmap = sb_brief_editor_unmap;

  properties[PROP_STATUS] =
    g_param_spec_string ("status", NULL, NULL, "",
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_SAVED] =
    g_param_spec_boolean ("saved", NULL, NULL, TRUE,
                          G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  g_type_ensure (SB_TYPE_SCENE_ROW);
  g_type_ensure (SB_TYPE_VIDEO_SECTION);

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_BASE "/ui/sb-brief-editor.ui");
  gtk_widget_class_bind_template_child (widget_class, SbBriefEditor, box);
  gtk_widget_class_bind_template_child (widget_class, SbBriefEditor, title_row);
  gtk_widget_class_bind_template_child (widget_class, SbBriefEditor, logline_row);
  gtk_widget_class_bind_template_child (widget_class, SbBriefEditor, audience_row);
  gtk_widget_class_bind_template_child (widget_class, SbBriefEditor, tone_row);
  gtk_widget_class_bind_template_child (widget_class, SbBriefEditor, style_row);
  gtk_widget_class_bind_template_child (widget_class, SbBriefEditor, scene_view);
  gtk_widget_class_bind_template_child (widget_class, SbBriefEditor, picker_bin);
  gtk_widget_class_bind_template_child (widget_class, SbBriefEditor, form_bin);
  gtk_widget_class_bind_template_child (widget_class, SbBriefEditor, cancel_button);
  gtk_widget_class_bind_template_child (widget_class, SbBriefEditor, images_status_label);
  gtk_widget_class_bind_template_child (widget_class, SbBriefEditor, preferences_button);
  gtk_widget_class_bind_template_child (widget_class, SbBriefEditor, video_section);
  gtk_widget_class_bind_template_callback (widget_class, on_field_changed);

  gtk_widget_class_install_action (widget_class, "editor.undo", NULL, undo_action);
  gtk_widget_class_install_action (widget_class, "editor.redo", NULL, undo_action);
  gtk_widget_class_install_action (widget_class, "editor.add-scene", NULL, scene_action);
  gtk_widget_class_install_action (widget_class, "editor.move-scene", "(ui)", scene_action);
  gtk_widget_class_install_action (widget_class, "editor.duplicate-scene", "u", scene_action);
  gtk_widget_class_install_action (widget_class, "editor.remove-scene", "u", scene_action);
  gtk_widget_class_install_action (widget_class, "editor.scene-edited", "(us)", scene_action);
  gtk_widget_class_install_action (widget_class, "editor.generate-images", NULL, generation_action);
  gtk_widget_class_install_action (widget_class, "editor.generate-scene", "(uu)", generation_action);
  gtk_widget_class_install_action (widget_class, "editor.retry-scene", "u", generation_action);
  gtk_widget_class_install_action (widget_class, "editor.cancel-generation", NULL, generation_action);
  gtk_widget_class_install_action (widget_class, "editor.make-video", "u", video_action);
  gtk_widget_class_install_action (widget_class, "editor.retry-video", "u", video_action);
  gtk_widget_class_install_action (widget_class, "editor.cancel-video", "u", video_action);
  gtk_widget_class_install_action (widget_class, "editor.load-variants", "x", load_variants_action);
  gtk_widget_class_install_action (widget_class, "editor.choose-media", "(xx)", choose_media_action);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_z, GDK_CONTROL_MASK, "editor.undo", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_z, GDK_CONTROL_MASK | GDK_SHIFT_MASK, "editor.redo", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Z, GDK_CONTROL_MASK | GDK_SHIFT_MASK, "editor.redo", NULL);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "sbbriefeditor");
}

static void
sb_brief_editor_init (SbBriefEditor *self)
{
  GtkListItemFactory *factory;

  self->undo_stack = g_ptr_array_new_with_free_func ((GDestroyNotify) g_ptr_array_unref);
  self->redo_stack = g_ptr_array_new_with_free_func ((GDestroyNotify) g_ptr_array_unref);
  self->status = g_strdup ("");
  self->cancellable = g_cancellable_new ();
  self->jobs = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, g_object_unref);
  self->batches = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->pending = g_ptr_array_new_with_free_func ((GDestroyNotify) pending_run_free);

  gtk_widget_init_template (GTK_WIDGET (self));

  factory = gtk_signal_list_item_factory_new ();
  g_signal_connect (factory, "setup", G_CALLBACK (setup_row_cb), self);
  g_signal_connect (factory, "bind", G_CALLBACK (bind_row_cb), self);
  g_signal_connect (factory, "unbind", G_CALLBACK (unbind_row_cb), self);
  gtk_list_view_set_factory (self->scene_view, factory);
  g_object_unref (factory);

  g_signal_connect_object (g_network_monitor_get_default (), "network-changed",
                           G_CALLBACK (on_network_changed), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->video_section, "make-videos",
                           G_CALLBACK (on_make_videos), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->video_section, "scene-changed",
                           G_CALLBACK (on_video_scene_changed), self, G_CONNECT_SWAPPED);

  update_undo_actions (self);
  update_generation (self);
}

GtkWidget *
sb_brief_editor_new (void)
{
  return g_object_new (SB_TYPE_BRIEF_EDITOR, NULL);
}

void
sb_brief_editor_set_library (SbBriefEditor *self,
                             SbLibrary     *library)
{
  g_return_if_fail (SB_IS_BRIEF_EDITOR (self));
  g_return_if_fail (library == NULL || SB_IS_LIBRARY (library));

  g_set_object (&self->library, library);
  g_clear_object (&self->loader);
  if (library != NULL)
    self->loader = sb_thumbnail_loader_new (library);
}

void
sb_brief_editor_reuse_settings (SbBriefEditor *self,
                                const char    *model,
                                const char    *parameters_json)
{
  g_return_if_fail (SB_IS_BRIEF_EDITOR (self));
  g_return_if_fail (model != NULL);

  g_free (self->pending_model);
  self->pending_model = g_strdup (model);
  g_free (self->pending_parameters);
  self->pending_parameters = g_strdup (parameters_json);

  apply_pending_settings (self);
}

void
sb_brief_editor_set_generation (SbBriefEditor     *self,
                                SbGenerationQueue *queue,
                                SbReplicateClient *client,
                                GSettings         *settings)
{
  GtkWidget *picker;

  g_return_if_fail (SB_IS_BRIEF_EDITOR (self));
  g_return_if_fail (queue == NULL || SB_IS_GENERATION_QUEUE (queue));
  g_return_if_fail (client == NULL || SB_IS_REPLICATE_CLIENT (client));
  g_return_if_fail (G_IS_SETTINGS (settings));

  if (queue == self->queue)
    return;

  if (self->queue != NULL)
    g_signal_handlers_disconnect_by_data (self->queue, self);
  g_set_object (&self->queue, queue);
  g_set_object (&self->client, client);
  g_set_object (&self->settings, settings);

  self->picker = NULL;
  self->form = NULL;
  adw_bin_set_child (self->picker_bin, NULL);
  adw_bin_set_child (self->form_bin, NULL);
  sb_video_section_set_generation (self->video_section, self->library, queue, settings);

  if (queue != NULL && self->library != NULL)
    {
      g_signal_connect_object (queue, "job-changed", G_CALLBACK (on_queue_job_changed), self, G_CONNECT_SWAPPED);
      g_signal_connect_object (queue, "batch-finished", G_CALLBACK (on_queue_batch_finished), self, G_CONNECT_SWAPPED);

      picker = sb_model_picker_new (self->library, settings, "text-to-image");
      self->picker = SB_MODEL_PICKER (picker);
      g_signal_connect_object (picker, "model-changed", G_CALLBACK (on_model_changed), self, G_CONNECT_SWAPPED);
      adw_bin_set_child (self->picker_bin, picker);
      on_model_changed (self);
      lookup_key (self);
      restore_jobs (self);
    }

  update_generation (self);
}

SbModelPicker *
sb_brief_editor_get_model_picker (SbBriefEditor *self)
{
  g_return_val_if_fail (SB_IS_BRIEF_EDITOR (self), NULL);

  return self->picker;
}

SbParamForm *
sb_brief_editor_get_param_form (SbBriefEditor *self)
{
  g_return_val_if_fail (SB_IS_BRIEF_EDITOR (self), NULL);

  return self->form;
}

const char *
sb_brief_editor_get_batch_message (SbBriefEditor *self)
{
  g_return_val_if_fail (SB_IS_BRIEF_EDITOR (self), NULL);

  return self->batch_message;
}

const char *
sb_brief_editor_get_images_status (SbBriefEditor *self)
{
  g_return_val_if_fail (SB_IS_BRIEF_EDITOR (self), NULL);

  return gtk_label_get_label (self->images_status_label);
}

gboolean
sb_brief_editor_is_generating (SbBriefEditor *self)
{
  g_return_val_if_fail (SB_IS_BRIEF_EDITOR (self), FALSE);

  return g_hash_table_size (self->batches) > 0 || self->pending->len > 0;
}

SbVideoSection *
sb_brief_editor_get_video_section (SbBriefEditor *self)
{
  g_return_val_if_fail (SB_IS_BRIEF_EDITOR (self), NULL);

  return self->video_section;
}

SbSceneRow *
sb_brief_editor_get_scene_row (SbBriefEditor *self,
                               guint          position)
{
  GListStore *store;
  g_autoptr(SbScene) scene = NULL;

  g_return_val_if_fail (SB_IS_BRIEF_EDITOR (self), NULL);

  store = get_store (self);
  if (store == NULL || position >= g_list_model_get_n_items (G_LIST_MODEL (store)))
    return NULL;

  scene = g_list_model_get_item (G_LIST_MODEL (store), position);
  return find_row (self, scene);
}

static void
set_row_text (AdwEntryRow *row,
              const char  *text)
{
  gtk_editable_set_text (GTK_EDITABLE (row), text != NULL ? text : "");
}

void
sb_brief_editor_set_revision (SbBriefEditor   *self,
                              SbBriefRevision *revision)
{
  g_return_if_fail (SB_IS_BRIEF_EDITOR (self));
  g_return_if_fail (revision == NULL || SB_IS_BRIEF_REVISION (revision));

  if (revision == self->revision)
    return;

  save_now (self);
  /* Edits of the previous revision are in flight or stored; what comes
   * next belongs to the new one. */
  self->dirty = FALSE;

  g_set_object (&self->revision, revision);
  /* What was asked for the previous revision is not made for this one. */
  drop_pending (self, FALSE, revision);

  self->updating = TRUE;
  set_row_text (self->title_row, revision ? sb_brief_revision_get_title (revision) : NULL);
  set_row_text (self->logline_row, revision ? sb_brief_revision_get_logline (revision) : NULL);
  set_row_text (self->audience_row, revision ? sb_brief_revision_get_audience (revision) : NULL);
  set_row_text (self->tone_row, revision ? sb_brief_revision_get_tone (revision) : NULL);
  set_row_text (self->style_row, revision ? sb_brief_revision_get_visual_style (revision) : NULL);
  self->updating = FALSE;

  g_clear_object (&self->selection);
  if (revision != NULL)
    self->selection = gtk_no_selection_new (g_object_ref (G_LIST_MODEL (sb_brief_revision_get_scenes (revision))));
  gtk_list_view_set_model (self->scene_view, GTK_SELECTION_MODEL (self->selection));

  g_ptr_array_set_size (self->undo_stack, 0);
  g_ptr_array_set_size (self->redo_stack, 0);
  g_clear_pointer (&self->snapshot, g_ptr_array_unref);
  self->snapshot = snapshot_scenes (self);
  self->coalesce_scene = NULL;
  self->coalesce_field = NULL;
  update_undo_actions (self);
  sb_video_section_set_revision (self->video_section, revision);
  restore_jobs (self);
  update_generation (self);
  if (revision != NULL && self->queue != NULL)
    lookup_key (self);

  if (!self->saving)
    set_status (self, revision != NULL ? _("Saved") : "");
}

SbBriefRevision *
sb_brief_editor_get_revision (SbBriefEditor *self)
{
  g_return_val_if_fail (SB_IS_BRIEF_EDITOR (self), NULL);

  return self->revision;
}

GListModel *
sb_brief_editor_get_scenes (SbBriefEditor *self)
{
  g_return_val_if_fail (SB_IS_BRIEF_EDITOR (self), NULL);

  return self->revision != NULL ? G_LIST_MODEL (sb_brief_revision_get_scenes (self->revision)) : NULL;
}

gboolean
sb_brief_editor_move_scene_to (SbBriefEditor *self,
                               SbScene       *scene,
                               guint          position)
{
  GListStore *store;
  guint from;

  g_return_val_if_fail (SB_IS_BRIEF_EDITOR (self), FALSE);
  g_return_val_if_fail (SB_IS_SCENE (scene), FALSE);

  store = get_store (self);
  if (store == NULL || !g_list_store_find (store, scene, &from) ||
      position >= g_list_model_get_n_items (G_LIST_MODEL (store)))
    return FALSE;

  move_scene (self, from, position);
  return TRUE;
}

void
sb_brief_editor_save_now (SbBriefEditor *self)
{
  g_return_if_fail (SB_IS_BRIEF_EDITOR (self));

  save_now (self);
}

gboolean
sb_brief_editor_is_saved (SbBriefEditor *self)
{
  g_return_val_if_fail (SB_IS_BRIEF_EDITOR (self), FALSE);

  return !self->dirty && !self->saving;
}

const char *
sb_brief_editor_get_status (SbBriefEditor *self)
{
  g_return_val_if_fail (SB_IS_BRIEF_EDITOR (self), NULL);

  return self->status;
}

guint
sb_brief_editor_get_n_saves (SbBriefEditor *self)
{
  g_return_val_if_fail (SB_IS_BRIEF_EDITOR (self), 0);

  return self->n_saves;
}
