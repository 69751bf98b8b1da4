/* main.c
 *
 * Copyright 2026 The Storyboard authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n.h>

#include "sb-application.h"

#define FLATPAK_PIXBUF_CACHE "/app/lib/gdk-pixbuf-2.0/2.10.0/loaders.cache"

int
main (int   argc,
      char *argv[])
{
  g_autoptr(SbApplication) app = NULL;

  /* Inside Flatpak the WebP loader comes with the app, not the runtime: point
   * gdk-pixbuf at the cache that lists both (see the flatpak manifest). */
  if (g_getenv ("FLATPAK_ID") != NULL &&
      g_getenv ("GDK_PIXBUF_MODULE_FILE") == NULL &&
      g_file_test (FLATPAK_PIXBUF_CACHE, G_FILE_TEST_EXISTS))
    g_setenv ("GDK_PIXBUF_MODULE_FILE", FLATPAK_PIXBUF_CACHE, TRUE);

  bindtextdomain (GETTEXT_PACKAGE, LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  app = sb_application_new (APPLICATION_ID, G_APPLICATION_HANDLES_OPEN);

  return g_application_run (G_APPLICATION (app), argc, argv);
}
