/* sb-ui-test.h
 *
 * Copyright 2026 The Storyboard authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>
#include <json-glib/json-glib.h>

#include "sb-scene.h"

G_BEGIN_DECLS

typedef gboolean (*SbUiTestCondition) (gpointer data);

/* What an async call under test left behind: set by its callback. */
typedef struct
{
  gboolean  done;
  gpointer  result;
  GError   *error;
} SbUiTestWait;

/* A scene and the media id it should come to have chosen. */
typedef struct
{
  SbScene *scene;
  gint64   media_id;
} SbUiTestChosenWait;

/* The app notifies when a batch ends while its window is not focused — as
 * always under Xvfb, which has no window manager.  With no notification
 * daemon on the test's private session bus GIO would warn (fatal in
 * tests); owning org.gtk.Notifications makes it pick its GTK backend,
 * which sends without waiting for an answer. */
void        sb_ui_test_claim_notifications    (void);

/* How long sb_ui_test_wait_for() waits before it fails the test (60 s unless set). */
void        sb_ui_test_set_wait_timeout       (guint              seconds);

/* A function whose string (freed after use) is added to a timeout's message, or NULL. */
void        sb_ui_test_set_describe           (char            *(*describe) (void));

/* Iterates the main context until @condition holds; fails the test naming @what after the timeout. */
void        sb_ui_test_wait_for               (SbUiTestCondition  condition,
                                               gpointer           data,
                                               const char        *what);

/* Dispatches whatever is pending, @rounds times with a 2 ms pause after each. */
void        sb_ui_test_iterate                (guint              rounds);

/* Waits for a real frame of @widget's frame clock to be painted after now. */
void        sb_ui_test_wait_for_paint         (GtkWidget         *widget);

/* A GAsyncReadyCallback that stores a reference to its result in the GAsyncResult * at @user_data. */
void        sb_ui_test_store_result_cb        (GObject           *object,
                                               GAsyncResult      *result,
                                               gpointer           user_data);

/* An SbUiTestCondition: the GAsyncResult * at @data was set by sb_ui_test_store_result_cb(). */
gboolean    sb_ui_test_result_ready           (gpointer           data);

/* An SbUiTestCondition: the SbUiTestWait at @data is done. */
gboolean    sb_ui_test_wait_done              (gpointer           data);

/* An SbUiTestCondition: the SbApplication at @data opened its library or failed to. */
gboolean    sb_ui_test_library_ready          (gpointer           data);

/* An SbUiTestCondition: the SbUiTestChosenWait's scene has its media chosen. */
gboolean    sb_ui_test_scene_chosen           (gpointer           data);

/* An SbUiTestCondition: the SbGalleryPage at @data shows exactly one item. */
gboolean    sb_ui_test_gallery_has_one        (gpointer           data);

/* An SbUiTestCondition: the SbMediaItem at @data has its row loaded. */
gboolean    sb_ui_test_item_loaded            (gpointer           data);

/* A GAsyncReadyCallback for sb_library_create_brief_async(): fills the SbUiTestWait at @user_data. */
void        sb_ui_test_brief_created_cb       (GObject           *object,
                                               GAsyncResult      *result,
                                               gpointer           user_data);

/* A GAsyncReadyCallback for sb_library_list_media_filtered_async(): its list goes to the SbUiTestWait's result. */
void        sb_ui_test_media_listed_cb        (GObject           *object,
                                               GAsyncResult      *result,
                                               gpointer           user_data);

/* The first widget of @type at or below @widget, depth first, or NULL. */
GtkWidget  *sb_ui_test_find_descendant        (GtkWidget         *widget,
                                               GType              type);

/* The first mapped button labelled @label at or below @widget, or NULL. */
GtkWidget  *sb_ui_test_find_button_with_label (GtkWidget         *widget,
                                               const char        *label);

/* The first button with the action @action_name at or below @widget, or NULL. */
GtkWidget  *sb_ui_test_find_action_button     (GtkWidget         *widget,
                                               const char        *action_name);

/* Appends @model's items as "label action(target)" lines to @out, sections
 * flattened; every item must have a label, an action and an int64 target. */
void        sb_ui_test_describe_menu          (GMenuModel        *model,
                                               GString           *out);

/* Makes a temporary home from @tmpl and points XDG_DATA_HOME, XDG_CACHE_HOME and XDG_CONFIG_HOME into it. */
char       *sb_ui_test_make_home              (const char        *tmpl);

/* Uses @home (from sb_ui_test_make_home()) for the XDG directories. */
void        sb_ui_test_use_home               (const char        *home);

/* Removes @home unless a test failed (then it is kept to look at). */
void        sb_ui_test_remove_home            (const char        *home);

/* The fake providers' program from the command line, or NULL after printing the usage. */
char       *sb_ui_test_fake_providers_path    (int                argc,
                                               char              *argv[]);

/* Starts the fake providers at @path with the NULL-terminated extra
 * arguments (and @flags besides a stdout pipe); their loopback base URL,
 * "http://127.0.0.1:PORT", goes to @out_url. */
GSubprocess *sb_ui_test_start_fake            (const char        *path,
                                               GSubprocessFlags   flags,
                                               char             **out_url,
                                               ...) G_GNUC_NULL_TERMINATED;

/* Points the app's Replicate client at the fake at @url, with a test
 * token and short back-offs. */
void        sb_ui_test_use_fake_replicate     (const char        *url);

/* GETs @url (with the test token if @with_token), asserts a 200 answer and returns its JSON. */
JsonNode   *sb_ui_test_fetch_json             (const char        *url,
                                               gboolean           with_token);

/* How many @method requests to a path ending in @path_suffix the fake at @url has logged. */
guint       sb_ui_test_count_fake_requests    (const char        *url,
                                               const char        *method,
                                               const char        *path_suffix);

G_END_DECLS
