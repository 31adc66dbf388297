// libjpeg(-turbo) decoding behind a status-code API. libjpeg's error_exit and warnings
// longjmp back into the function that called libjpeg; nothing is printed to stderr.

#include "CImageShims.h"

#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jpeglib.h>
#include <jerror.h>

/// A progressive file with more scans than this is refused (hostile files can otherwise take
/// minutes: every scan is a full pass over the coefficient buffer).
#define LOOKOUT_JPEG_MAX_SCANS 1000

/// How many scanlines one jpeg_read_scanlines call may return.
#define LOOKOUT_JPEG_ROWS_PER_READ 16

struct lookout_jpeg_error {
  struct jpeg_error_mgr pub;  // must be first: libjpeg sees only this
  jmp_buf jump;
  lookout_status status;
  char message[JMSG_LENGTH_MAX];
};

struct lookout_jpeg {
  struct jpeg_decompress_struct cinfo;
  struct lookout_jpeg_error error;
  struct jpeg_progress_mgr progress;
  int started;
};

static void copy_message(const char *source, char *destination, size_t capacity) {
  if (destination == NULL || capacity == 0) return;
  snprintf(destination, capacity, "%s", source);
}

static lookout_status status_for_error_code(int code) {
  switch (code) {
  case JERR_BAD_PRECISION:
  case JERR_SOF_UNSUPPORTED:
  case JERR_NOT_COMPILED:
  case JERR_CONVERSION_NOTIMPL:
    return LOOKOUT_STATUS_UNSUPPORTED;
  case JERR_OUT_OF_MEMORY:
    return LOOKOUT_STATUS_NO_MEMORY;
  case JERR_INPUT_EMPTY:
  case JERR_INPUT_EOF:
    return LOOKOUT_STATUS_TRUNCATED;
  default:
    return LOOKOUT_STATUS_CORRUPT;
  }
}

/// Records libjpeg's current message with `status` and jumps back to the shim entry point.
static void fail_with_library_message(j_common_ptr cinfo, lookout_status status) {
  struct lookout_jpeg_error *error = (struct lookout_jpeg_error *)cinfo->err;
  error->status = status;
  (*cinfo->err->format_message)(cinfo, error->message);
  longjmp(error->jump, 1);
}

static void on_error_exit(j_common_ptr cinfo) {
  fail_with_library_message(cinfo, status_for_error_code(cinfo->err->msg_code));
}

/// Warnings after which the pixels are still right: metadata problems, and stray bytes just
/// before the EOI marker (padding some cameras write after the last scan, which libjpeg
/// reports only once all image data has been read).
static int is_benign_warning(const struct jpeg_error_mgr *error) {
  int code = error->msg_code;
  if (code == JWRN_EXTRANEOUS_DATA) return error->msg_parm.i[1] == JPEG_EOI;
  return code == JWRN_JFIF_MAJOR || code == JWRN_ADOBE_XFORM || code == JWRN_BOGUS_ICC;
}

/// level < 0 is a warning, level >= 0 a trace message. Every corrupt-data warning fails the
/// decode: libjpeg would otherwise carry on and hand back grey or smeared pixels.
static void on_emit_message(j_common_ptr cinfo, int level) {
  if (level >= 0) return;
  if (is_benign_warning(cinfo->err)) {
    cinfo->err->num_warnings++;
    return;
  }
  fail_with_library_message(
    cinfo,
    cinfo->err->msg_code == JWRN_JPEG_EOF ? LOOKOUT_STATUS_TRUNCATED : LOOKOUT_STATUS_CORRUPT);
}

static void on_output_message(j_common_ptr cinfo) { (void)cinfo; }

static void on_progress(j_common_ptr cinfo) {
  if (!cinfo->is_decompressor) return;
  j_decompress_ptr decompress = (j_decompress_ptr)cinfo;
  if (decompress->input_scan_number <= LOOKOUT_JPEG_MAX_SCANS) return;
  struct lookout_jpeg_error *error = (struct lookout_jpeg_error *)cinfo->err;
  error->status = LOOKOUT_STATUS_CORRUPT;
  snprintf(
    error->message, sizeof error->message, "more than %d progressive scans",
    LOOKOUT_JPEG_MAX_SCANS);
  longjmp(error->jump, 1);
}

static lookout_jpeg_color color_from_libjpeg(J_COLOR_SPACE space) {
  switch (space) {
  case JCS_GRAYSCALE: return LOOKOUT_JPEG_GRAY;
  case JCS_RGB: return LOOKOUT_JPEG_RGB;
  case JCS_YCbCr: return LOOKOUT_JPEG_YCBCR;
  case JCS_CMYK: return LOOKOUT_JPEG_CMYK;
  case JCS_YCCK: return LOOKOUT_JPEG_YCCK;
  default: return LOOKOUT_JPEG_OTHER;
  }
}

static int is_four_channel(const struct jpeg_decompress_struct *cinfo) {
  return cinfo->jpeg_color_space == JCS_CMYK || cinfo->jpeg_color_space == JCS_YCCK;
}

/// Output parameters shared by sizing and decoding, so both agree on the dimensions.
/// Accurate integer IDCT (on SIMD hardware barely slower than the fast one, and what other
/// decoders use by default) and fancy (triangle-filter) chroma upsampling: libjpeg's defaults.
static void configure_output(struct jpeg_decompress_struct *cinfo, int scale_num) {
  cinfo->scale_num = (unsigned int)scale_num;
  cinfo->scale_denom = 8;
  cinfo->out_color_space = is_four_channel(cinfo) ? JCS_CMYK : JCS_RGB;
  cinfo->dct_method = JDCT_ISLOW;
  cinfo->do_fancy_upsampling = TRUE;
  cinfo->do_block_smoothing = TRUE;
  cinfo->quantize_colors = FALSE;
}

lookout_status lookout_jpeg_open(
  const uint8_t *data, size_t size, lookout_jpeg **out, lookout_jpeg_header *header,
  char *message, size_t message_capacity
) {
  if (out != NULL) *out = NULL;
  if (data == NULL || out == NULL || header == NULL) {
    copy_message("lookout_jpeg_open: missing argument", message, message_capacity);
    return LOOKOUT_STATUS_USAGE;
  }
  if (size == 0) {
    copy_message("no data", message, message_capacity);
    return LOOKOUT_STATUS_TRUNCATED;
  }
  lookout_jpeg *jpeg = calloc(1, sizeof *jpeg);
  if (jpeg == NULL) {
    copy_message("out of memory", message, message_capacity);
    return LOOKOUT_STATUS_NO_MEMORY;
  }
  jpeg->cinfo.err = jpeg_std_error(&jpeg->error.pub);
  jpeg->error.pub.error_exit = on_error_exit;
  jpeg->error.pub.emit_message = on_emit_message;
  jpeg->error.pub.output_message = on_output_message;
  if (setjmp(jpeg->error.jump)) {
    lookout_status status = jpeg->error.status;
    copy_message(jpeg->error.message, message, message_capacity);
    lookout_jpeg_close(jpeg);
    return status;
  }
  jpeg_create_decompress(&jpeg->cinfo);
  jpeg->progress.progress_monitor = on_progress;
  jpeg->cinfo.progress = &jpeg->progress;
  jpeg_mem_src(&jpeg->cinfo, data, (unsigned long)size);
  (void)jpeg_read_header(&jpeg->cinfo, TRUE);

  header->width = jpeg->cinfo.image_width;
  header->height = jpeg->cinfo.image_height;
  header->components = jpeg->cinfo.num_components;
  header->color = color_from_libjpeg(jpeg->cinfo.jpeg_color_space);
  header->adobe_marker = jpeg->cinfo.saw_Adobe_marker ? 1 : 0;
  header->progressive = jpeg->cinfo.progressive_mode ? 1 : 0;
  *out = jpeg;
  return LOOKOUT_STATUS_OK;
}

lookout_status lookout_jpeg_output_size(
  lookout_jpeg *jpeg, int scale_num, uint32_t *width, uint32_t *height,
  char *message, size_t message_capacity
) {
  if (jpeg == NULL || width == NULL || height == NULL || scale_num < 1 || scale_num > 16
      || jpeg->started) {
    copy_message("lookout_jpeg_output_size: bad argument or state", message, message_capacity);
    return LOOKOUT_STATUS_USAGE;
  }
  if (setjmp(jpeg->error.jump)) {
    copy_message(jpeg->error.message, message, message_capacity);
    return jpeg->error.status;
  }
  configure_output(&jpeg->cinfo, scale_num);
  jpeg_calc_output_dimensions(&jpeg->cinfo);
  *width = jpeg->cinfo.output_width;
  *height = jpeg->cinfo.output_height;
  return LOOKOUT_STATUS_OK;
}

/// 8-bit a*b/255, rounded to nearest.
static inline uint8_t multiply_255(unsigned a, unsigned b) {
  return (uint8_t)((a * b + 127) / 255);
}

static void cmyk_row_to_rgb(const JSAMPLE *cmyk, uint8_t *rgb, JDIMENSION width, int inverted) {
  for (JDIMENSION x = 0; x < width; x++) {
    unsigned c = cmyk[0], m = cmyk[1], y = cmyk[2], k = cmyk[3];
    if (!inverted) {
      // Plain CMYK stores ink amounts; inverted (Adobe) stores 255 - ink.
      c = 255 - c; m = 255 - m; y = 255 - y; k = 255 - k;
    }
    rgb[0] = multiply_255(c, k);
    rgb[1] = multiply_255(m, k);
    rgb[2] = multiply_255(y, k);
    cmyk += 4;
    rgb += 3;
  }
}

lookout_status lookout_jpeg_decode(
  lookout_jpeg *jpeg, int scale_num, uint8_t *rgb, size_t capacity,
  char *message, size_t message_capacity
) {
  if (jpeg == NULL || rgb == NULL || scale_num < 1 || scale_num > 16 || jpeg->started) {
    copy_message("lookout_jpeg_decode: bad argument or state", message, message_capacity);
    return LOOKOUT_STATUS_USAGE;
  }
  if (setjmp(jpeg->error.jump)) {
    copy_message(jpeg->error.message, message, message_capacity);
    return jpeg->error.status;
  }
  struct jpeg_decompress_struct *cinfo = &jpeg->cinfo;
  configure_output(cinfo, scale_num);
  jpeg_calc_output_dimensions(cinfo);
  size_t width = cinfo->output_width;
  size_t height = cinfo->output_height;
  if (width == 0 || height == 0 || width * height * 3 > capacity) {
    copy_message("lookout_jpeg_decode: output buffer too small", message, message_capacity);
    return LOOKOUT_STATUS_USAGE;
  }
  jpeg->started = 1;
  (void)jpeg_start_decompress(cinfo);
  if (cinfo->output_width != width || cinfo->output_height != height) {
    copy_message("libjpeg changed the output size", message, message_capacity);
    return LOOKOUT_STATUS_USAGE;
  }

  int four_channel = cinfo->output_components == 4;
  if (!four_channel && cinfo->output_components != 3) {
    copy_message("unexpected number of output components", message, message_capacity);
    return LOOKOUT_STATUS_UNSUPPORTED;
  }
  // Scratch rows for CMYK come from libjpeg's image pool: jpeg_destroy frees them.
  JSAMPARRAY scratch = NULL;
  if (four_channel) {
    scratch = (*cinfo->mem->alloc_sarray)(
      (j_common_ptr)cinfo, JPOOL_IMAGE, (JDIMENSION)(width * 4), LOOKOUT_JPEG_ROWS_PER_READ);
  }
  JSAMPROW rows[LOOKOUT_JPEG_ROWS_PER_READ];
  while (cinfo->output_scanline < height) {
    size_t first = cinfo->output_scanline;
    size_t wanted = height - first;
    if (wanted > LOOKOUT_JPEG_ROWS_PER_READ) wanted = LOOKOUT_JPEG_ROWS_PER_READ;
    for (size_t i = 0; i < wanted; i++) {
      rows[i] = four_channel ? scratch[i] : rgb + (first + i) * width * 3;
    }
    JDIMENSION got = jpeg_read_scanlines(cinfo, rows, (JDIMENSION)wanted);
    if (got == 0) {
      copy_message("libjpeg returned no scanlines", message, message_capacity);
      return LOOKOUT_STATUS_CORRUPT;
    }
    if (four_channel) {
      for (JDIMENSION i = 0; i < got; i++) {
        cmyk_row_to_rgb(
          scratch[i], rgb + (first + i) * width * 3, (JDIMENSION)width,
          cinfo->saw_Adobe_marker);
      }
    }
  }
  (void)jpeg_finish_decompress(cinfo);
  return LOOKOUT_STATUS_OK;
}

void lookout_jpeg_close(lookout_jpeg *jpeg) {
  if (jpeg == NULL) return;
  jpeg_destroy_decompress(&jpeg->cinfo);
  free(jpeg);
}

// MARK: - Encoding

/// How many scanlines one jpeg_write_scanlines call is given.
#define LOOKOUT_JPEG_ROWS_PER_WRITE 16

/// A compressor writing into a growing buffer it owns (libjpeg's own memory destination may
/// leave its caller's pointer dangling when a failure longjmps out of a reallocation).
struct lookout_jpeg_encoder {
  struct jpeg_compress_struct cinfo;  // must be first: the destination callbacks cast back
  struct lookout_jpeg_error error;
  struct jpeg_destination_mgr destination;
  uint8_t *buffer;
  size_t capacity;
};

static void on_init_destination(j_compress_ptr cinfo) {
  struct lookout_jpeg_encoder *encoder = (struct lookout_jpeg_encoder *)cinfo;
  encoder->destination.next_output_byte = encoder->buffer;
  encoder->destination.free_in_buffer = encoder->capacity;
}

/// The buffer is full: double it. libjpeg calls this only when free_in_buffer is 0, so the
/// whole old buffer holds output.
static boolean on_empty_output_buffer(j_compress_ptr cinfo) {
  struct lookout_jpeg_encoder *encoder = (struct lookout_jpeg_encoder *)cinfo;
  size_t grown = encoder->capacity * 2;
  uint8_t *larger = grown > encoder->capacity ? realloc(encoder->buffer, grown) : NULL;
  if (larger == NULL) {
    encoder->error.status = LOOKOUT_STATUS_NO_MEMORY;
    snprintf(encoder->error.message, sizeof encoder->error.message,
             "cannot grow the output buffer beyond %zu bytes", encoder->capacity);
    longjmp(encoder->error.jump, 1);
  }
  encoder->destination.next_output_byte = larger + encoder->capacity;
  encoder->destination.free_in_buffer = grown - encoder->capacity;
  encoder->buffer = larger;
  encoder->capacity = grown;
  return TRUE;
}

static void on_term_destination(j_compress_ptr cinfo) { (void)cinfo; }

lookout_status lookout_jpeg_encode(
  const uint8_t *rgb, uint32_t width, uint32_t height, int quality, uint8_t **out,
  size_t *out_size, char *message, size_t message_capacity) {
  if (out != NULL) *out = NULL;
  if (out_size != NULL) *out_size = 0;
  if (rgb == NULL || out == NULL || out_size == NULL || width == 0 || height == 0 ||
      width > 65535 || height > 65535 || quality < 1 || quality > 100) {
    copy_message("lookout_jpeg_encode: bad arguments", message, message_capacity);
    return LOOKOUT_STATUS_USAGE;
  }
  struct lookout_jpeg_encoder *encoder = calloc(1, sizeof *encoder);
  if (encoder == NULL) {
    copy_message("out of memory", message, message_capacity);
    return LOOKOUT_STATUS_NO_MEMORY;
  }
  encoder->capacity = (size_t)width * height * 3 / 4 + 4096;
  encoder->buffer = malloc(encoder->capacity);
  if (encoder->buffer == NULL) {
    free(encoder);
    copy_message("out of memory", message, message_capacity);
    return LOOKOUT_STATUS_NO_MEMORY;
  }
  struct jpeg_compress_struct *cinfo = &encoder->cinfo;
  cinfo->err = jpeg_std_error(&encoder->error.pub);
  encoder->error.pub.error_exit = on_error_exit;
  encoder->error.pub.emit_message = on_emit_message;
  encoder->error.pub.output_message = on_output_message;
  encoder->error.status = LOOKOUT_STATUS_OK;
  if (setjmp(encoder->error.jump)) {
    lookout_status status = encoder->error.status;
    copy_message(encoder->error.message, message, message_capacity);
    jpeg_destroy_compress(cinfo);
    free(encoder->buffer);
    free(encoder);
    return status;
  }
  jpeg_create_compress(cinfo);
  encoder->destination.init_destination = on_init_destination;
  encoder->destination.empty_output_buffer = on_empty_output_buffer;
  encoder->destination.term_destination = on_term_destination;
  cinfo->dest = &encoder->destination;

  cinfo->image_width = width;
  cinfo->image_height = height;
  cinfo->input_components = 3;
  cinfo->in_color_space = JCS_RGB;
  jpeg_set_defaults(cinfo);
  jpeg_set_quality(cinfo, quality, TRUE);
  // No chroma subsampling: colours at the edge of a redacted box stay where they were.
  for (int i = 0; i < cinfo->num_components; i++) {
    cinfo->comp_info[i].h_samp_factor = 1;
    cinfo->comp_info[i].v_samp_factor = 1;
  }
  jpeg_start_compress(cinfo, TRUE);
  size_t stride = (size_t)width * 3;
  JSAMPROW rows[LOOKOUT_JPEG_ROWS_PER_WRITE];
  while (cinfo->next_scanline < cinfo->image_height) {
    JDIMENSION count = cinfo->image_height - cinfo->next_scanline;
    if (count > LOOKOUT_JPEG_ROWS_PER_WRITE) count = LOOKOUT_JPEG_ROWS_PER_WRITE;
    for (JDIMENSION i = 0; i < count; i++) {
      rows[i] = (JSAMPROW)(rgb + (size_t)(cinfo->next_scanline + i) * stride);
    }
    jpeg_write_scanlines(cinfo, rows, count);
  }
  jpeg_finish_compress(cinfo);
  *out_size = encoder->capacity - encoder->destination.free_in_buffer;
  *out = encoder->buffer;
  jpeg_destroy_compress(cinfo);
  free(encoder);
  return LOOKOUT_STATUS_OK;
}

void lookout_jpeg_free_encoded(uint8_t *bytes) { free(bytes); }
