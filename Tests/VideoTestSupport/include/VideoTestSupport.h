#ifndef LOOKOUT_VIDEOTESTSUPPORT_H
#define LOOKOUT_VIDEOTESTSUPPORT_H
// Test-only: writes small clips with libavformat/libavcodec, so no test needs a committed video.
#include <stddef.h>
#include <stdint.h>

/// Writes `frame_count` frames of `width` x `height` at `fps` into `path` with the muxer
/// `format` ("avi", "mp4", "matroska", "nut") and the encoder `codec` ("mjpeg", "mpeg4",
/// "libx264"). Frame i is the packed RGB image `images[schedule[i]]`. `gop` is the key-frame
/// spacing (ignored by intra-only codecs). `tags`, when not NULL, are the container's metadata
/// as key, value, key, value..., NULL (in an MP4, keys other than creation_time are written as
/// QuickTime metadata keys); `display_matrix`, when not NULL, is written as the stream's display
/// matrix (nine numbers, FFmpeg's layout; the MP4 muxer writes it as the track matrix).
/// Returns 0, or a negative FFmpeg error code.
int lookout_test_write_clip(
    const char *path, const char *format, const char *codec, int width, int height, int fps,
    int gop, const uint8_t *const *images, const int *schedule, int frame_count,
    const char *const *tags, const int32_t *display_matrix);

/// Writes a clip whose only stream is one second of silent 16-bit PCM audio (`format`
/// "matroska" or "nut").
int lookout_test_write_audio_only(const char *path, const char *format);

/// Writes a clip with a declared MJPEG video stream of `width` x `height` and no packets.
int lookout_test_write_no_frames(const char *path, const char *format, int width, int height);

/// Writes a clip (muxer `format`) whose video stream is AVS2, which Debian's FFmpeg has no
/// decoder for, with a few packets of arbitrary bytes.
int lookout_test_write_undecodable(const char *path, const char *format);
#endif
