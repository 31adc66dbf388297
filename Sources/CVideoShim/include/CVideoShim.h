#ifndef LOOKOUT_CVIDEOSHIM_H
#define LOOKOUT_CVIDEOSHIM_H

// The C side of VideoIO: opens a clip with FFmpeg, reports what it is, and hands out sampled
// frames as RGB at the size the network needs. Every FFmpeg call stays in this target; Swift
// sees an opaque handle, plain numbers and status codes. Nothing is printed: FFmpeg's log is
// silenced, and each failure copies a message into the caller's buffer.

#include <stddef.h>
#include <stdint.h>

/// Status codes of the video shim.
typedef enum {
  LOOKOUT_VIDEO_OK = 0,
  /// No more frames: the clip has been read to its end.
  LOOKOUT_VIDEO_END = 1,
  /// FFmpeg could not open or parse the file as a media container.
  LOOKOUT_VIDEO_NOT_A_VIDEO = 2,
  /// The container holds no video stream (audio only, or nothing).
  LOOKOUT_VIDEO_NO_VIDEO_STREAM = 3,
  /// The video stream's codec has no decoder in this FFmpeg build.
  LOOKOUT_VIDEO_UNSUPPORTED_CODEC = 4,
  /// Reading the file failed (I/O error) or the data is corrupt beyond decoding.
  LOOKOUT_VIDEO_CORRUPT = 5,
  /// More frames were decoded, or more seconds spent decoding, than the caller allowed.
  LOOKOUT_VIDEO_OVER_LIMIT = 6,
  /// Memory could not be allocated.
  LOOKOUT_VIDEO_NO_MEMORY = 7,
  /// An argument was wrong (a buffer too small). A programming error.
  LOOKOUT_VIDEO_USAGE = 8,
} lookout_video_status;

#define LOOKOUT_VIDEO_MESSAGE_CAPACITY 256

/// What a clip is, from its container and stream headers.
typedef struct {
  /// Coded frame size of the video stream.
  int width;
  int height;
  /// Size of the RGB frames `lookout_video_next` writes: the coded size scaled down (never
  /// up) so that the long side is the requested one.
  int output_width;
  int output_height;
  /// Frames per second (average, else the stream's base rate); 0 when unknown.
  double frame_rate;
  /// Length in seconds as the headers announce it (the longer of the container's duration and
  /// the stream's frame count over its frame rate); negative when unknown.
  double duration_seconds;
  /// FFmpeg's short codec name ("h264", "mjpeg").
  char codec[32];
  /// The container's `creation_time` tag as written ("2024-05-01T06:12:09.000000Z"); empty
  /// when there is none.
  char creation_time[40];
  /// The QuickTime `com.apple.quicktime.creationdate` tag that phones write: the local time
  /// with its UTC offset ("2024-05-01T08:12:09+0200"); empty when there is none.
  char local_creation_time[40];
  /// How the decoder was set up: the `lowres` level (0 full size; MJPEG DCT scaling), whether
  /// only key frames are decoded, and whether packets between samples are skipped undecoded
  /// (codecs whose every frame is a key frame).
  int lowres;
  int key_frames_only;
  int skips_packets;
  /// How the stored frames are turned to display them, from the stream's display matrix (an
  /// MP4's track matrix: a phone held upright stores sideways frames), as an EXIF orientation
  /// 1...8: 1 when there is no matrix or it turns by other than a multiple of 90 degrees. The
  /// RGB frames are handed out as stored; the caller turns them.
  int orientation;
} lookout_video_info;

/// Limits on the work one clip may take.
typedef struct {
  /// Seconds of video between sampled frames (the first frame is always sampled).
  double sample_interval_seconds;
  /// The long side the RGB frames are scaled to (never up).
  int output_long_side;
  /// Most frames read (decoded or skipped) before the clip fails as over the limit; 0 for none.
  int64_t max_frames;
  /// Most seconds of wall-clock work before the clip fails as over the limit; 0 for none.
  double max_work_seconds;
} lookout_video_limits;

typedef struct lookout_video lookout_video;

/// Opens `path` and sets up decoding under `limits`. On success `*out` is a handle to pass to
/// `lookout_video_next` and to free with `lookout_video_close`; on failure `*out` is NULL.
lookout_video_status lookout_video_open(
    const char *path, lookout_video_limits limits, lookout_video **out,
    lookout_video_info *info, char *message, size_t message_capacity);

/// Decodes up to the next sampled frame and writes it as packed RGB (output_width x
/// output_height x 3 bytes) into `rgb`. `frame_number` is the frame's index at the clip's
/// frame rate, counted from its start; `seconds` its time from the start.
/// Returns OK with a frame, END when the clip is over, or an error status.
lookout_video_status lookout_video_next(
    lookout_video *video, uint8_t *rgb, size_t rgb_capacity, int64_t *frame_number,
    double *seconds, char *message, size_t message_capacity);

/// How far decoding got: frames decoded, the time of the last frame decoded (negative when
/// none), and how many packets the decoder rejected as corrupt.
void lookout_video_progress(
    const lookout_video *video, int64_t *decoded_frames, double *last_seconds,
    int64_t *rejected_packets);

void lookout_video_close(lookout_video *video);

#endif
