#ifndef LOOKOUT_CFFMPEG_SHIM_H
#define LOOKOUT_CFFMPEG_SHIM_H
// FFmpeg's demuxing, decoding and scaling libraries. Only CVideoShim (and the tests' clip
// writer) include them: Swift code goes through CVideoShim's small API.
#include <libavformat/avformat.h>
#include <libavcodec/avcodec.h>
#include <libswscale/swscale.h>
#include <libavutil/avutil.h>
#endif
