// FFmpeg behind CVideoShim.h: open a clip, sample frames at an interval, scale them to RGB.
#define _GNU_SOURCE
#include "CVideoShim.h"

#include <libavcodec/avcodec.h>
#include <libavformat/avformat.h>
#include <libavutil/avutil.h>
#include <libavutil/display.h>
#include <libavutil/imgutils.h>
#include <libswscale/swscale.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

struct lookout_video {
  AVFormatContext *format;
  AVCodecContext *decoder;
  struct SwsContext *scaler;
  AVPacket *packet;
  AVFrame *frame;
  int stream;
  AVRational time_base;
  int64_t start_pts;
  double frame_rate;
  lookout_video_limits limits;
  lookout_video_info info;
  int skips_packets;
  int input_over;   // the demuxer has no more packets; the decoder is being drained
  int sampled;      // frames handed out so far
  double next_sample;
  int64_t decoded;
  int64_t frames_read;
  double last_seconds;
  int64_t rejected;
  double started;
};

static double monotonic_seconds(void) {
  struct timespec now;
  clock_gettime(CLOCK_MONOTONIC, &now);
  return (double)now.tv_sec + (double)now.tv_nsec / 1e9;
}

static void put_message(char *message, size_t capacity, const char *text) {
  if (message && capacity > 0) snprintf(message, capacity, "%s", text);
}

static void put_av_error(char *message, size_t capacity, const char *what, int code) {
  char text[AV_ERROR_MAX_STRING_SIZE] = {0};
  av_strerror(code, text, sizeof text);
  if (message && capacity > 0) snprintf(message, capacity, "%s: %s", what, text);
}

void lookout_video_close(lookout_video *video) {
  if (!video) return;
  sws_freeContext(video->scaler);
  av_frame_free(&video->frame);
  av_packet_free(&video->packet);
  avcodec_free_context(&video->decoder);
  avformat_close_input(&video->format);
  av_free(video);
}

/// Whether every gap between the stream's indexed key frames is at most `interval` seconds
/// (and two frame times, for timestamps rounded to the time base), so decoding key frames only
/// still gives a frame in every sampling interval.
static int key_frames_are_enough(AVStream *stream, double interval, double frame_rate) {
  int count = avformat_index_get_entries_count(stream);
  if (count < 2) return 0;
  double base = av_q2d(stream->time_base);
  interval += frame_rate > 0 ? 2 / frame_rate : 0.1;
  int64_t previous = AV_NOPTS_VALUE;
  int keys = 0;
  for (int i = 0; i < count; i++) {
    const AVIndexEntry *entry = avformat_index_get_entry(stream, i);
    if (!entry || !(entry->flags & AVINDEX_KEYFRAME)) continue;
    if (previous != AV_NOPTS_VALUE && (double)(entry->timestamp - previous) * base > interval)
      return 0;
    previous = entry->timestamp;
    keys++;
  }
  if (keys < 2) return 0;
  // The stretch after the last key frame must be short too.
  if (stream->duration != AV_NOPTS_VALUE) {
    int64_t start = stream->start_time == AV_NOPTS_VALUE ? 0 : stream->start_time;
    if ((double)(start + stream->duration - previous) * base > interval) return 0;
  }
  return 1;
}

/// The stream's display matrix (nine 32-bit numbers), or NULL when it has none.
static const int32_t *display_matrix(const AVStream *stream) {
#if LIBAVCODEC_VERSION_INT >= AV_VERSION_INT(60, 30, 100)
  const AVPacketSideData *side = av_packet_side_data_get(
      stream->codecpar->coded_side_data, stream->codecpar->nb_coded_side_data,
      AV_PKT_DATA_DISPLAYMATRIX);
  if (!side || side->size < 9 * sizeof(int32_t)) return NULL;
  return (const int32_t *)side->data;
#else
  size_t size = 0;
  const uint8_t *data = av_stream_get_side_data(stream, AV_PKT_DATA_DISPLAYMATRIX, &size);
  if (!data || size < 9 * sizeof(int32_t)) return NULL;
  return (const int32_t *)data;
#endif
}

/// The EXIF orientation (1...8) of a display matrix that maps each stored pixel (p, q) to the
/// displayed (a p + c q, b p + d q) plus a shift, with a, b, c, d = matrix[0], [1], [3], [4] in
/// 16.16 fixed point; 1 for a matrix that is not a quarter turn or a mirror of one.
static int orientation_of(const int32_t *matrix) {
  if (!matrix) return 1;
  const int32_t one = 1 << 16, tolerance = 1 << 12;
  int sign[4];
  const int index[4] = {0, 1, 3, 4};
  for (int i = 0; i < 4; i++) {
    int32_t v = matrix[index[i]];
    if (v > one - tolerance && v < one + tolerance) sign[i] = 1;
    else if (v < -one + tolerance && v > -one - tolerance) sign[i] = -1;
    else if (v > -tolerance && v < tolerance) sign[i] = 0;
    else return 1;
  }
  int a = sign[0], b = sign[1], c = sign[2], d = sign[3];
  if (b == 0 && c == 0 && a != 0 && d != 0) {
    if (a > 0) return d > 0 ? 1 : 4;  // as stored; mirrored top to bottom
    return d > 0 ? 2 : 3;             // mirrored left to right; half a turn
  }
  if (a == 0 && d == 0 && b != 0 && c != 0) {
    if (b > 0) return c > 0 ? 5 : 6;  // transposed; a quarter turn clockwise
    return c > 0 ? 8 : 7;             // a quarter turn anticlockwise; transverse
  }
  return 1;
}

lookout_video_status lookout_video_open(
    const char *path, lookout_video_limits limits, lookout_video **out,
    lookout_video_info *info, char *message, size_t message_capacity) {
  *out = NULL;
  memset(info, 0, sizeof *info);
  if (limits.sample_interval_seconds <= 0 || limits.output_long_side <= 0) {
    put_message(message, message_capacity, "invalid sampling limits");
    return LOOKOUT_VIDEO_USAGE;
  }
  av_log_set_level(AV_LOG_QUIET);
  lookout_video *video = av_mallocz(sizeof *video);
  if (!video) return LOOKOUT_VIDEO_NO_MEMORY;
  video->limits = limits;
  video->last_seconds = -1;
  video->started = monotonic_seconds();
  lookout_video_status status = LOOKOUT_VIDEO_OK;
  int code = avformat_open_input(&video->format, path, NULL, NULL);
  if (code < 0) {
    put_av_error(message, message_capacity, "FFmpeg cannot open it", code);
    status = code == AVERROR(ENOMEM) ? LOOKOUT_VIDEO_NO_MEMORY : LOOKOUT_VIDEO_NOT_A_VIDEO;
    goto fail;
  }
  code = avformat_find_stream_info(video->format, NULL);
  if (code < 0) {
    put_av_error(message, message_capacity, "FFmpeg cannot read its streams", code);
    status = LOOKOUT_VIDEO_NOT_A_VIDEO;
    goto fail;
  }
  // Find the video stream first, then its decoder, so a stream whose codec this build lacks
  // is told apart from a file with no video at all.
  int stream = -1;
  for (unsigned i = 0; i < video->format->nb_streams; i++) {
    AVStream *candidate = video->format->streams[i];
    if (candidate->codecpar->codec_type != AVMEDIA_TYPE_VIDEO) continue;
    if (candidate->disposition & AV_DISPOSITION_ATTACHED_PIC) continue;
    if (stream < 0 || candidate->codecpar->width * candidate->codecpar->height >
        video->format->streams[stream]->codecpar->width *
            video->format->streams[stream]->codecpar->height)
      stream = (int)i;
  }
  if (video->format->nb_streams == 0) {
    // An MP4 cut off before its index (written last) opens with no stream at all.
    put_message(message, message_capacity,
                "no streams in it (a clip cut off before its index was written looks so)");
    status = LOOKOUT_VIDEO_NOT_A_VIDEO;
    goto fail;
  }
  if (stream < 0) {
    put_message(message, message_capacity, "no video stream");
    status = LOOKOUT_VIDEO_NO_VIDEO_STREAM;
    goto fail;
  }
  AVStream *st = video->format->streams[stream];
  snprintf(info->codec, sizeof info->codec, "%s", avcodec_get_name(st->codecpar->codec_id));
  const AVCodec *codec = avcodec_find_decoder(st->codecpar->codec_id);
  if (!codec) {
    snprintf(message, message_capacity, "no decoder for codec %s", info->codec);
    status = LOOKOUT_VIDEO_UNSUPPORTED_CODEC;
    goto fail;
  }
  video->stream = stream;
  video->time_base = st->time_base;
  video->start_pts = st->start_time == AV_NOPTS_VALUE ? 0 : st->start_time;
  AVRational rate = st->avg_frame_rate.num > 0 && st->avg_frame_rate.den > 0
                        ? st->avg_frame_rate
                        : st->r_frame_rate;
  video->frame_rate = rate.num > 0 && rate.den > 0 ? av_q2d(rate) : 0;
  info->frame_rate = video->frame_rate;
  info->width = st->codecpar->width;
  info->height = st->codecpar->height;
  if (st->duration != AV_NOPTS_VALUE && st->duration > 0)
    info->duration_seconds = (double)st->duration * av_q2d(st->time_base);
  else if (video->format->duration != AV_NOPTS_VALUE && video->format->duration > 0)
    info->duration_seconds = (double)video->format->duration / AV_TIME_BASE;
  else
    info->duration_seconds = -1;
  // The frame count in the headers (an AVI's, rewritten when the file was finished) announces
  // the length too: a copy cut short still says how long the clip was.
  if (st->nb_frames > 0 && video->frame_rate > 0 &&
      (double)st->nb_frames / video->frame_rate > info->duration_seconds)
    info->duration_seconds = (double)st->nb_frames / video->frame_rate;
  const AVDictionaryEntry *created = av_dict_get(video->format->metadata, "creation_time", NULL, 0);
  if (!created) created = av_dict_get(st->metadata, "creation_time", NULL, 0);
  if (created && created->value)
    snprintf(info->creation_time, sizeof info->creation_time, "%s", created->value);
  const AVDictionaryEntry *local =
      av_dict_get(video->format->metadata, "com.apple.quicktime.creationdate", NULL, 0);
  if (local && local->value)
    snprintf(info->local_creation_time, sizeof info->local_creation_time, "%s", local->value);
  info->orientation = orientation_of(display_matrix(st));
  if (info->width <= 0 || info->height <= 0) {
    put_message(message, message_capacity, "the video stream has no frame size");
    status = LOOKOUT_VIDEO_CORRUPT;
    goto fail;
  }

  video->decoder = avcodec_alloc_context3(codec);
  if (!video->decoder) { status = LOOKOUT_VIDEO_NO_MEMORY; goto fail; }
  code = avcodec_parameters_to_context(video->decoder, st->codecpar);
  if (code < 0) {
    put_av_error(message, message_capacity, "cannot set up the decoder", code);
    status = LOOKOUT_VIDEO_CORRUPT;
    goto fail;
  }
  // The scan runs one clip per worker lane: one decoding thread each.
  video->decoder->thread_count = 1;
  int long_side = info->width > info->height ? info->width : info->height;
  // DCT scaling (MJPEG and a few others): decode at 1/2, 1/4 or 1/8 while that still covers
  // the network's input.
  int lowres = 0;
  while (lowres < codec->max_lowres && (long_side >> (lowres + 1)) >= limits.output_long_side)
    lowres++;
  video->decoder->lowres = lowres;
  info->lowres = lowres;
  const AVCodecDescriptor *descriptor = avcodec_descriptor_get(st->codecpar->codec_id);
  if (descriptor && (descriptor->props & AV_CODEC_PROP_INTRA_ONLY)) {
    video->skips_packets = 1;
    info->skips_packets = 1;
  } else if (key_frames_are_enough(st, limits.sample_interval_seconds, video->frame_rate)) {
    video->decoder->skip_frame = AVDISCARD_NONKEY;
    info->key_frames_only = 1;
  }
  code = avcodec_open2(video->decoder, codec, NULL);
  if (code < 0) {
    put_av_error(message, message_capacity, "cannot open the decoder", code);
    status = LOOKOUT_VIDEO_UNSUPPORTED_CODEC;
    goto fail;
  }
  double scale = long_side > limits.output_long_side
                     ? (double)limits.output_long_side / (double)long_side
                     : 1.0;
  info->output_width = (int)lround(info->width * scale);
  info->output_height = (int)lround(info->height * scale);
  if (info->output_width < 1) info->output_width = 1;
  if (info->output_height < 1) info->output_height = 1;
  video->info = *info;
  video->packet = av_packet_alloc();
  video->frame = av_frame_alloc();
  if (!video->packet || !video->frame) { status = LOOKOUT_VIDEO_NO_MEMORY; goto fail; }
  *out = video;
  return LOOKOUT_VIDEO_OK;
fail:
  lookout_video_close(video);
  return status;
}

/// Seconds from the clip's start of a timestamp in the stream's time base.
static double seconds_of(const lookout_video *video, int64_t pts) {
  return (double)(pts - video->start_pts) * av_q2d(video->time_base);
}

static lookout_video_status convert(
    lookout_video *video, AVFrame *frame, uint8_t *rgb, char *message, size_t capacity) {
  int width = video->info.output_width;
  int height = video->info.output_height;
  video->scaler = sws_getCachedContext(
      video->scaler, frame->width, frame->height, (enum AVPixelFormat)frame->format, width,
      height, AV_PIX_FMT_RGB24, SWS_BILINEAR, NULL, NULL, NULL);
  if (!video->scaler) {
    put_message(message, capacity, "cannot convert the frame's pixel format");
    return LOOKOUT_VIDEO_UNSUPPORTED_CODEC;
  }
  uint8_t *planes[4] = {rgb, NULL, NULL, NULL};
  int strides[4] = {width * 3, 0, 0, 0};
  sws_scale(video->scaler, (const uint8_t *const *)frame->data, frame->linesize, 0,
            frame->height, planes, strides);
  return LOOKOUT_VIDEO_OK;
}

lookout_video_status lookout_video_next(
    lookout_video *video, uint8_t *rgb, size_t rgb_capacity, int64_t *frame_number,
    double *seconds, char *message, size_t message_capacity) {
  if ((size_t)video->info.output_width * (size_t)video->info.output_height * 3 > rgb_capacity) {
    put_message(message, message_capacity, "RGB buffer too small");
    return LOOKOUT_VIDEO_USAGE;
  }
  double interval = video->limits.sample_interval_seconds;
  for (;;) {
    if (video->limits.max_work_seconds > 0 &&
        monotonic_seconds() - video->started > video->limits.max_work_seconds) {
      snprintf(message, message_capacity, "decoding took over %g seconds",
               video->limits.max_work_seconds);
      return LOOKOUT_VIDEO_OVER_LIMIT;
    }
    int code = avcodec_receive_frame(video->decoder, video->frame);
    if (code == 0) {
      video->decoded++;
      int64_t pts = video->frame->best_effort_timestamp;
      double t = pts != AV_NOPTS_VALUE
                     ? seconds_of(video, pts)
                     : (video->frame_rate > 0 ? (double)(video->decoded - 1) / video->frame_rate
                                              : (double)(video->decoded - 1));
      if (t < 0) t = 0;
      video->last_seconds = t;
      // A frame is sampled when it is the first, or the first at or after the next sampling
      // time (a small tolerance absorbs timestamps rounded to the time base).
      if (video->sampled == 0 || t >= video->next_sample - 1e-6) {
        video->next_sample = (floor(t / interval + 1e-6) + 1) * interval;
        video->sampled++;
        lookout_video_status status = convert(video, video->frame, rgb, message, message_capacity);
        av_frame_unref(video->frame);
        if (status != LOOKOUT_VIDEO_OK) return status;
        *seconds = t;
        *frame_number = video->frame_rate > 0 ? (int64_t)llround(t * video->frame_rate)
                                              : video->decoded - 1;
        return LOOKOUT_VIDEO_OK;
      }
      av_frame_unref(video->frame);
      continue;
    }
    if (code == AVERROR_EOF) return LOOKOUT_VIDEO_END;
    if (code != AVERROR(EAGAIN)) {
      // A frame the decoder could not finish: counted, and decoding goes on.
      if (++video->rejected > 1000) {
        put_av_error(message, message_capacity, "too many decoding errors", code);
        return LOOKOUT_VIDEO_CORRUPT;
      }
      if (video->input_over) return LOOKOUT_VIDEO_END;
    }
    if (video->input_over) return LOOKOUT_VIDEO_END;
    // The decoder wants input: the next packet of the video stream.
    for (;;) {
      code = av_read_frame(video->format, video->packet);
      if (code == AVERROR_EOF) {
        video->input_over = 1;
        avcodec_send_packet(video->decoder, NULL);
        break;
      }
      if (code < 0) {
        put_av_error(message, message_capacity, "read error", code);
        return LOOKOUT_VIDEO_CORRUPT;
      }
      if (video->packet->stream_index != video->stream) {
        av_packet_unref(video->packet);
        continue;
      }
      // The cap counts every frame of the clip read, decoded or skipped.
      if (video->limits.max_frames > 0 && ++video->frames_read > video->limits.max_frames) {
        av_packet_unref(video->packet);
        snprintf(message, message_capacity, "over %lld frames read",
                 (long long)video->limits.max_frames);
        return LOOKOUT_VIDEO_OVER_LIMIT;
      }
      if (video->info.key_frames_only && !(video->packet->flags & AV_PKT_FLAG_KEY)) {
        // Key frames come often enough: the frames between them are not even decoded.
        av_packet_unref(video->packet);
        continue;
      }
      if (video->skips_packets && video->sampled > 0) {
        int64_t pts = video->packet->pts != AV_NOPTS_VALUE ? video->packet->pts
                                                           : video->packet->dts;
        if (pts != AV_NOPTS_VALUE && seconds_of(video, pts) < video->next_sample - 1e-6) {
          // Every frame is a key frame: one before the next sampling time need not be decoded.
          video->last_seconds = seconds_of(video, pts);
          av_packet_unref(video->packet);
          continue;
        }
      }
      code = avcodec_send_packet(video->decoder, video->packet);
      av_packet_unref(video->packet);
      if (code < 0 && code != AVERROR(EAGAIN)) {
        if (++video->rejected > 1000) {
          put_av_error(message, message_capacity, "too many decoding errors", code);
          return LOOKOUT_VIDEO_CORRUPT;
        }
        continue;
      }
      break;
    }
  }
}

void lookout_video_progress(
    const lookout_video *video, int64_t *decoded_frames, double *last_seconds,
    int64_t *rejected_packets) {
  *decoded_frames = video->decoded;
  *last_seconds = video->last_seconds;
  *rejected_packets = video->rejected;
}
