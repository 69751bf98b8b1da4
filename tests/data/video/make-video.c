/* make-video.c — writes the test videos; see README.md.
 *
 * Copyright 2026 The Storyboard authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include <gst/gst.h>

/* The equivalent of gst-launch-1.0 (not installed by default on Debian). */
static int
run (const char *description)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GstElement) pipeline = NULL;
  g_autoptr(GstBus) bus = NULL;
  g_autoptr(GstMessage) message = NULL;
  int status = 0;

  pipeline = gst_parse_launch (description, &error);
  if (pipeline == NULL)
    {
      g_printerr ("%s: %s\n", description, error->message);
      return 1;
    }

  bus = gst_element_get_bus (pipeline);
  gst_element_set_state (pipeline, GST_STATE_PLAYING);
  message = gst_bus_timed_pop_filtered (bus, GST_CLOCK_TIME_NONE,
                                        GST_MESSAGE_EOS | GST_MESSAGE_ERROR);
  if (GST_MESSAGE_TYPE (message) == GST_MESSAGE_ERROR)
    {
      g_autoptr(GError) gst_error = NULL;

      gst_message_parse_error (message, &gst_error, NULL);
      g_printerr ("%s: %s\n", description, gst_error->message);
      status = 1;
    }
  gst_element_set_state (pipeline, GST_STATE_NULL);

  return status;
}

int
main (int   argc,
      char *argv[])
{
  gst_init (&argc, &argv);

  /* 2 s, 320 × 240 at 30 fps, VP8 in WebM: a ball that moves, so frames
   * taken at different times differ. */
  if (run ("videotestsrc num-buffers=60 pattern=ball "
           "! video/x-raw,width=320,height=240,framerate=30/1 "
           "! vp8enc deadline=1 "
           "! webmmux ! filesink location=ball.webm") != 0)
    return 1;

  /* The same with an Opus sound track, which the frames ignore. */
  if (run ("webmmux name=mux ! filesink location=ball-sound.webm "
           "videotestsrc num-buffers=60 pattern=ball "
           "! video/x-raw,width=320,height=240,framerate=30/1 "
           "! vp8enc deadline=1 ! mux. "
           "audiotestsrc num-buffers=94 samplesperbuffer=1024 "
           "! audio/x-raw,rate=48000,channels=1 "
           "! audioconvert ! opusenc bitrate=6000 ! mux.") != 0)
    return 1;

  /* Written as a live stream (browsers record like this): no duration,
   * no seek index. */
  if (run ("videotestsrc num-buffers=60 pattern=ball "
           "! video/x-raw,width=320,height=240,framerate=30/1 "
           "! vp8enc deadline=1 "
           "! webmmux streamable=true ! filesink location=ball-live.webm") != 0)
    return 1;

  /* Sound only. */
  return run ("audiotestsrc num-buffers=47 samplesperbuffer=1024 "
              "! audio/x-raw,rate=48000,channels=1 "
              "! audioconvert ! opusenc bitrate=6000 "
              "! webmmux ! filesink location=sound.webm");
}
