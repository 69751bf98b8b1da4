/* sb-video-job-text.c
 *
 * Copyright 2026 The Storyboard authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "sb-video"

#include "config.h"

#include <glib/gi18n.h>
#include <json-glib/json-glib.h>

#include "sb-video-job-text.h"

gboolean
sb_video_job_is_failed (SbGenerationJob *job)
{
  SbJobStatus status;

  g_return_val_if_fail (SB_IS_GENERATION_JOB (job), FALSE);

  status = sb_generation_job_get_status (job);

  return status == SB_JOB_FAILED || status == SB_JOB_EXPIRED || status == SB_JOB_INTERRUPTED;
}

gboolean
sb_video_job_is_running (SbGenerationJob *job)
{
  g_return_val_if_fail (job == NULL || SB_IS_GENERATION_JOB (job), FALSE);

  return job != NULL && !sb_job_status_is_terminal (sb_generation_job_get_status (job));
}

void
sb_video_job_update_ticking (SbGenerationJob *job,
                             GtkWidget       *widget,
                             guint           *tick_id,
                             GSourceFunc      tick_cb)
{
  gboolean tick;

  g_return_if_fail (GTK_IS_WIDGET (widget));
  g_return_if_fail (tick_id != NULL);

  tick = sb_video_job_is_running (job) && gtk_widget_get_mapped (widget);
  if (tick && *tick_id == 0)
    *tick_id = g_timeout_add_seconds (1, tick_cb, widget);
  else if (!tick)
    g_clear_handle_id (tick_id, g_source_remove);
}

gboolean
sb_video_job_is_listed (SbGenerationJob *job)
{
  g_return_val_if_fail (SB_IS_GENERATION_JOB (job), FALSE);

  if (sb_generation_job_get_kind (job) != SB_MEDIA_KIND_VIDEO)
    return FALSE;

  if (sb_video_job_is_running (job))
    return TRUE;

  return sb_video_job_is_failed (job) && !sb_generation_job_get_dismissed (job);
}

gint64
sb_video_job_get_elapsed (SbGenerationJob *job)
{
  GDateTime *start;
  g_autoptr(GDateTime) end = NULL;

  g_return_val_if_fail (SB_IS_GENERATION_JOB (job), 0);

  start = sb_generation_job_get_started_at (job);
  if (start == NULL)
    start = sb_generation_job_get_created_at (job);
  if (start == NULL)
    return 0;

  if (sb_job_status_is_terminal (sb_generation_job_get_status (job)) &&
      sb_generation_job_get_completed_at (job) != NULL)
    end = g_date_time_ref (sb_generation_job_get_completed_at (job));
  else
    end = g_date_time_new_now_utc ();

  return MAX (0, g_date_time_difference (end, start) / G_TIME_SPAN_SECOND);
}

char *
sb_video_job_format_elapsed (gint64 seconds)
{
  seconds = MAX (0, seconds);

  if (seconds >= 3600)
    return g_strdup_printf ("%" G_GINT64_FORMAT ":%02d:%02d",
                            seconds / 3600, (int) (seconds / 60 % 60), (int) (seconds % 60));

  return g_strdup_printf ("%" G_GINT64_FORMAT ":%02d", seconds / 60, (int) (seconds % 60));
}

char *
sb_video_job_describe_state (SbGenerationJob *job)
{
  g_autofree char *elapsed = NULL;

  g_return_val_if_fail (SB_IS_GENERATION_JOB (job), NULL);

  switch (sb_generation_job_get_status (job))
    {
    case SB_JOB_QUEUED:
      return g_strdup (_("Queued"));
    case SB_JOB_STARTING:
    case SB_JOB_RUNNING:
      elapsed = sb_video_job_format_elapsed (sb_video_job_get_elapsed (job));
      /* Translators: a video being made; %s is the time since it started, e.g. 2:13 */
      return g_strdup_printf (_("Making video… %s"), elapsed);
    case SB_JOB_DOWNLOADING:
      elapsed = sb_video_job_format_elapsed (sb_video_job_get_elapsed (job));
      /* Translators: a made video being downloaded; %s is the time since it started */
      return g_strdup_printf (_("Saving video… %s"), elapsed);
    case SB_JOB_SUCCEEDED:
      return g_strdup (_("Done"));
    case SB_JOB_FAILED:
      return g_strdup (_("Failed"));
    case SB_JOB_CANCELED:
      return g_strdup (_("Canceled"));
    case SB_JOB_EXPIRED:
      return g_strdup (_("Expired"));
    case SB_JOB_INTERRUPTED:
      return g_strdup (_("Interrupted"));
    default:
      return g_strdup ("");
    }
}

char *
sb_video_job_dup_message (SbGenerationJob *job)
{
  const char *message;

  g_return_val_if_fail (SB_IS_GENERATION_JOB (job), NULL);

  if (!sb_video_job_is_failed (job))
    return NULL;

  message = sb_generation_job_get_last_error (job);
  if (message != NULL && *message != '\0')
    return g_strdup (message);

  switch (sb_generation_job_get_status (job))
    {
    case SB_JOB_EXPIRED:
      return g_strdup (_("The provider deleted the video before it could be saved. Retry to make it again."));
    case SB_JOB_INTERRUPTED:
      return g_strdup (_("Storyboard stopped while the video was being sent. Retry to make it again."));
    default:
      return g_strdup (_("The provider gave no reason. Retry, or remove this video."));
    }
}

char *
sb_video_job_dup_prompt (SbGenerationJob *job)
{
  g_autoptr(JsonParser) parser = NULL;
  const char *input;
  JsonNode *root;

  g_return_val_if_fail (SB_IS_GENERATION_JOB (job), NULL);

  input = sb_generation_job_get_input (job);
  if (input == NULL || *input == '\0')
    return NULL;

  parser = json_parser_new ();
  if (!json_parser_load_from_data (parser, input, -1, NULL))
    return NULL;

  root = json_parser_get_root (parser);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    return NULL;

  return g_strdup (json_object_get_string_member_with_default (json_node_get_object (root), "prompt", NULL));
}
