// Small clips for the tests, written with libavformat and libavcodec.
#include "VideoTestSupport.h"

#include <libavcodec/avcodec.h>
#include <libavformat/avformat.h>
#include <libavutil/opt.h>
#include <libswscale/swscale.h>
#include <string.h>

static int open_output(AVFormatContext *out, const char *path) {
  if (!(out->oformat->flags & AVFMT_NOFILE)) {
    int code = avio_open(&out->pb, path, AVIO_FLAG_WRITE);
    if (code < 0) return code;
  }
  return 0;
}

static void close_output(AVFormatContext *out) {
  if (!out) return;
  if (!(out->oformat->flags & AVFMT_NOFILE)) avio_closep(&out->pb);
  avformat_free_context(out);
}

static int drain(AVCodecContext *encoder, AVFormatContext *out, AVStream *stream, AVPacket *pkt) {
  for (;;) {
    int code = avcodec_receive_packet(encoder, pkt);
    if (code == AVERROR(EAGAIN) || code == AVERROR_EOF) return 0;
    if (code < 0) return code;
    av_packet_rescale_ts(pkt, encoder->time_base, stream->time_base);
    pkt->stream_index = stream->index;
    code = av_interleaved_write_frame(out, pkt);
    if (code < 0) return code;
  }
}

int lookout_test_write_clip(
    const char *path, const char *format, const char *codec_name, int width, int height, int fps,
    int gop, const uint8_t *const *images, const int *schedule, int frame_count,
    const char *const *tags, const int32_t *display_matrix) {
  av_log_set_level(AV_LOG_QUIET);
  AVFormatContext *out = NULL;
  AVCodecContext *encoder = NULL;
  AVFrame *frame = NULL;
  AVPacket *pkt = NULL;
  struct SwsContext *sws = NULL;
  AVDictionary *muxer_options = NULL;
  int code = avformat_alloc_output_context2(&out, NULL, format, path);
  if (code < 0) return code;
  const AVCodec *codec = avcodec_find_encoder_by_name(codec_name);
  if (!codec) { code = AVERROR_ENCODER_NOT_FOUND; goto done; }
  AVStream *stream = avformat_new_stream(out, NULL);
  encoder = avcodec_alloc_context3(codec);
  if (!stream || !encoder) { code = AVERROR(ENOMEM); goto done; }
  int jpeg = strcmp(codec_name, "mjpeg") == 0;
  encoder->width = width;
  encoder->height = height;
  encoder->time_base = (AVRational){1, fps};
  encoder->framerate = (AVRational){fps, 1};
  encoder->gop_size = gop;
  encoder->max_b_frames = 0;
  encoder->pix_fmt = jpeg ? AV_PIX_FMT_YUVJ420P : AV_PIX_FMT_YUV420P;
  if (jpeg) {
    encoder->flags |= AV_CODEC_FLAG_QSCALE;
    encoder->global_quality = FF_QP2LAMBDA * 2;
  } else {
    encoder->bit_rate = 4000000;
  }
  if (out->oformat->flags & AVFMT_GLOBALHEADER) encoder->flags |= AV_CODEC_FLAG_GLOBAL_HEADER;
  // Key frames only every `gop` frames, not at each change of picture.
  if (!strstr(codec_name, "264"))
    av_opt_set_int(encoder, "sc_threshold", 1000000000, AV_OPT_SEARCH_CHILDREN);
  code = avcodec_open2(encoder, codec, NULL);
  if (code < 0) goto done;
  code = avcodec_parameters_from_context(stream->codecpar, encoder);
  if (code < 0) goto done;
  stream->time_base = encoder->time_base;
  stream->avg_frame_rate = encoder->framerate;
  // Tags other than creation_time go into an MP4 as QuickTime metadata keys, as phones write them.
  for (int i = 0; tags && tags[i] && tags[i + 1]; i += 2) {
    av_dict_set(&out->metadata, tags[i], tags[i + 1], 0);
    if (strcmp(tags[i], "creation_time") != 0)
      av_dict_set(&muxer_options, "movflags", "use_metadata_tags", 0);
  }
  if (display_matrix) {
#if LIBAVCODEC_VERSION_INT >= AV_VERSION_INT(60, 30, 100)
    AVPacketSideData *side = av_packet_side_data_new(
        &stream->codecpar->coded_side_data, &stream->codecpar->nb_coded_side_data,
        AV_PKT_DATA_DISPLAYMATRIX, 9 * sizeof(int32_t), 0);
    uint8_t *matrix = side ? side->data : NULL;
#else
    uint8_t *matrix =
        av_stream_new_side_data(stream, AV_PKT_DATA_DISPLAYMATRIX, 9 * sizeof(int32_t));
#endif
    if (!matrix) { code = AVERROR(ENOMEM); goto done; }
    memcpy(matrix, display_matrix, 9 * sizeof(int32_t));
  }
  code = open_output(out, path);
  if (code < 0) goto done;
  code = avformat_write_header(out, &muxer_options);
  if (code < 0) goto done;
  frame = av_frame_alloc();
  pkt = av_packet_alloc();
  sws = sws_getContext(width, height, AV_PIX_FMT_RGB24, width, height, encoder->pix_fmt,
                       SWS_BILINEAR, NULL, NULL, NULL);
  if (!frame || !pkt || !sws) { code = AVERROR(ENOMEM); goto done; }
  frame->format = encoder->pix_fmt;
  frame->width = width;
  frame->height = height;
  code = av_frame_get_buffer(frame, 0);
  if (code < 0) goto done;
  for (int i = 0; i < frame_count; i++) {
    code = av_frame_make_writable(frame);
    if (code < 0) goto done;
    const uint8_t *source[4] = {images[schedule[i]], NULL, NULL, NULL};
    int strides[4] = {width * 3, 0, 0, 0};
    sws_scale(sws, source, strides, 0, height, frame->data, frame->linesize);
    frame->pts = i;
    code = avcodec_send_frame(encoder, frame);
    if (code < 0) goto done;
    code = drain(encoder, out, stream, pkt);
    if (code < 0) goto done;
  }
  code = avcodec_send_frame(encoder, NULL);
  if (code < 0) goto done;
  code = drain(encoder, out, stream, pkt);
  if (code < 0) goto done;
  code = av_write_trailer(out);
done:
  av_dict_free(&muxer_options);
  sws_freeContext(sws);
  av_packet_free(&pkt);
  av_frame_free(&frame);
  avcodec_free_context(&encoder);
  close_output(out);
  return code < 0 ? code : 0;
}

int lookout_test_write_audio_only(const char *path, const char *format) {
  av_log_set_level(AV_LOG_QUIET);
  AVFormatContext *out = NULL;
  int code = avformat_alloc_output_context2(&out, NULL, format, path);
  if (code < 0) return code;
  AVStream *stream = avformat_new_stream(out, NULL);
  if (!stream) { close_output(out); return AVERROR(ENOMEM); }
  stream->codecpar->codec_type = AVMEDIA_TYPE_AUDIO;
  stream->codecpar->codec_id = AV_CODEC_ID_PCM_S16LE;
  stream->codecpar->sample_rate = 8000;
  av_channel_layout_default(&stream->codecpar->ch_layout, 1);
  stream->codecpar->bits_per_coded_sample = 16;
  stream->codecpar->block_align = 2;
  stream->time_base = (AVRational){1, 8000};
  code = open_output(out, path);
  if (code >= 0) code = avformat_write_header(out, NULL);
  AVPacket *pkt = av_packet_alloc();
  for (int i = 0; code >= 0 && i < 10; i++) {
    code = av_new_packet(pkt, 1600);
    if (code < 0) break;
    memset(pkt->data, 0, 1600);
    pkt->pts = pkt->dts = i * 800;
    pkt->duration = 800;
    pkt->stream_index = 0;
    pkt->time_base = stream->time_base;
    av_packet_rescale_ts(pkt, (AVRational){1, 8000}, stream->time_base);
    code = av_interleaved_write_frame(out, pkt);
  }
  av_packet_free(&pkt);
  if (code >= 0) code = av_write_trailer(out);
  close_output(out);
  return code < 0 ? code : 0;
}

static int write_stream_only(const char *path, const char *format, int codec_id, int width,
                             int height, int packets) {
  av_log_set_level(AV_LOG_QUIET);
  AVFormatContext *out = NULL;
  int code = avformat_alloc_output_context2(&out, NULL, format, path);
  if (code < 0) return code;
  AVStream *stream = avformat_new_stream(out, NULL);
  if (!stream) { close_output(out); return AVERROR(ENOMEM); }
  stream->codecpar->codec_type = AVMEDIA_TYPE_VIDEO;
  stream->codecpar->codec_id = codec_id;
  stream->codecpar->width = width;
  stream->codecpar->height = height;
  stream->time_base = (AVRational){1, 10};
  stream->avg_frame_rate = (AVRational){10, 1};
  code = open_output(out, path);
  if (code >= 0) code = avformat_write_header(out, NULL);
  AVPacket *pkt = av_packet_alloc();
  for (int i = 0; code >= 0 && i < packets; i++) {
    code = av_new_packet(pkt, 64);
    if (code < 0) break;
    for (int j = 0; j < 64; j++) pkt->data[j] = (uint8_t)(j * 37 + i);
    pkt->pts = pkt->dts = i;
    pkt->duration = 1;
    pkt->flags |= AV_PKT_FLAG_KEY;
    pkt->stream_index = 0;
    av_packet_rescale_ts(pkt, (AVRational){1, 10}, stream->time_base);
    code = av_interleaved_write_frame(out, pkt);
  }
  av_packet_free(&pkt);
  if (code >= 0) code = av_write_trailer(out);
  close_output(out);
  return code < 0 ? code : 0;
}

int lookout_test_write_no_frames(const char *path, const char *format, int width, int height) {
  return write_stream_only(path, format, AV_CODEC_ID_MJPEG, width, height, 0);
}

int lookout_test_write_undecodable(const char *path, const char *format) {
  return write_stream_only(path, format, AV_CODEC_ID_AVS2, 64, 48, 5);
}
