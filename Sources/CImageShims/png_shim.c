// libpng decoding behind a status-code API. libpng's errors longjmp back into the function
// that called libpng; warnings (benign by libpng's own classification) are dropped silently.

#include "CImageShims.h"

#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <png.h>

struct lookout_png {
  png_structp png;
  png_infop info;
  const uint8_t *data;
  size_t size;
  size_t offset;
  /// Set by the read callback when libpng asks for bytes past the end of the data.
  int ran_out_of_data;
  int decoded;
  char message[LOOKOUT_MESSAGE_CAPACITY];
};

static void copy_message(const char *source, char *destination, size_t capacity) {
  if (destination == NULL || capacity == 0) return;
  snprintf(destination, capacity, "%s", source);
}

static void on_png_error(png_structp png, png_const_charp text) {
  struct lookout_png *reader = png_get_error_ptr(png);
  if (reader != NULL) {
    snprintf(reader->message, sizeof reader->message, "%s", text ? text : "libpng error");
  }
  png_longjmp(png, 1);
}

static void on_png_warning(png_structp png, png_const_charp text) {
  (void)png;
  (void)text;
}

static void on_png_read(png_structp png, png_bytep destination, size_t length) {
  struct lookout_png *reader = png_get_io_ptr(png);
  if (length > reader->size - reader->offset) {
    reader->ran_out_of_data = 1;
    png_error(png, "unexpected end of PNG data");
  }
  memcpy(destination, reader->data + reader->offset, length);
  reader->offset += length;
}

static lookout_status failure_status(const struct lookout_png *reader) {
  return reader->ran_out_of_data ? LOOKOUT_STATUS_TRUNCATED : LOOKOUT_STATUS_CORRUPT;
}

lookout_status lookout_png_open(
  const uint8_t *data, size_t size, lookout_png **out, lookout_png_header *header,
  char *message, size_t message_capacity
) {
  if (out != NULL) *out = NULL;
  if (data == NULL || out == NULL || header == NULL) {
    copy_message("lookout_png_open: missing argument", message, message_capacity);
    return LOOKOUT_STATUS_USAGE;
  }
  if (size < 8) {
    copy_message("data shorter than the PNG signature", message, message_capacity);
    return LOOKOUT_STATUS_TRUNCATED;
  }
  if (png_sig_cmp(data, 0, 8) != 0) {
    copy_message("bad PNG signature", message, message_capacity);
    return LOOKOUT_STATUS_CORRUPT;
  }
  lookout_png *reader = calloc(1, sizeof *reader);
  if (reader == NULL) {
    copy_message("out of memory", message, message_capacity);
    return LOOKOUT_STATUS_NO_MEMORY;
  }
  reader->data = data;
  reader->size = size;
  reader->png = png_create_read_struct(
    PNG_LIBPNG_VER_STRING, reader, on_png_error, on_png_warning);
  if (reader->png != NULL) reader->info = png_create_info_struct(reader->png);
  if (reader->png == NULL || reader->info == NULL) {
    lookout_png_close(reader);
    copy_message("out of memory", message, message_capacity);
    return LOOKOUT_STATUS_NO_MEMORY;
  }
  if (setjmp(png_jmpbuf(reader->png))) {
    lookout_status status = failure_status(reader);
    copy_message(reader->message, message, message_capacity);
    lookout_png_close(reader);
    return status;
  }
  png_set_read_fn(reader->png, reader, on_png_read);
  // A CRC error in any chunk, critical or ancillary, is an error, not a warning.
  png_set_crc_action(reader->png, PNG_CRC_ERROR_QUIT, PNG_CRC_ERROR_QUIT);
  // Let any width/height the format allows through; the caller enforces its own pixel limit.
  png_set_user_limits(reader->png, 0x7fffffff, 0x7fffffff);
  png_read_info(reader->png, reader->info);

  png_uint_32 width = 0, height = 0;
  int bit_depth = 0, color_type = 0, interlace = 0;
  png_get_IHDR(
    reader->png, reader->info, &width, &height, &bit_depth, &color_type, &interlace, NULL, NULL);
  header->width = width;
  header->height = height;
  header->bit_depth = bit_depth;
  header->color_type = color_type;
  header->interlaced = interlace != PNG_INTERLACE_NONE;
  header->has_alpha = (color_type & PNG_COLOR_MASK_ALPHA) != 0
    || png_get_valid(reader->png, reader->info, PNG_INFO_tRNS) != 0;
  *out = reader;
  return LOOKOUT_STATUS_OK;
}

/// Compacts RGBA to RGB in place, compositing over black. Each pixel is read whole before its
/// (lower or equal) destination is written, so the overlap is safe.
static void composite_rgba_over_black(uint8_t *pixels, size_t count) {
  const uint8_t *source = pixels;
  uint8_t *destination = pixels;
  for (size_t i = 0; i < count; i++) {
    unsigned r = source[0], g = source[1], b = source[2], a = source[3];
    destination[0] = (uint8_t)((r * a + 127) / 255);
    destination[1] = (uint8_t)((g * a + 127) / 255);
    destination[2] = (uint8_t)((b * a + 127) / 255);
    source += 4;
    destination += 3;
  }
}

lookout_status lookout_png_decode(
  lookout_png *reader, uint8_t *rgb, size_t capacity, char *message, size_t message_capacity
) {
  if (reader == NULL || rgb == NULL || reader->decoded) {
    copy_message("lookout_png_decode: bad argument or state", message, message_capacity);
    return LOOKOUT_STATUS_USAGE;
  }
  reader->decoded = 1;
  if (setjmp(png_jmpbuf(reader->png))) {
    copy_message(reader->message, message, message_capacity);
    return failure_status(reader);
  }
  png_structp png = reader->png;
  png_infop info = reader->info;
  png_set_expand(png);     // palette -> RGB, gray < 8 bits -> 8 bits, tRNS -> alpha
  png_set_scale_16(png);   // 16 -> 8 bits, rounded
  png_set_gray_to_rgb(png);
  int passes = png_set_interlace_handling(png);
  png_read_update_info(png, info);

  size_t width = png_get_image_width(png, info);
  size_t height = png_get_image_height(png, info);
  size_t channels = png_get_channels(png, info);
  size_t row_bytes = png_get_rowbytes(png, info);
  if ((channels != 3 && channels != 4) || png_get_bit_depth(png, info) != 8
      || row_bytes != width * channels) {
    copy_message("unexpected libpng output layout", message, message_capacity);
    return LOOKOUT_STATUS_USAGE;
  }
  if (width * height * channels > capacity) {
    copy_message("lookout_png_decode: output buffer too small", message, message_capacity);
    return LOOKOUT_STATUS_USAGE;
  }
  // Every pass visits every row; libpng fills in the pixels that pass owns.
  for (int pass = 0; pass < passes; pass++) {
    for (size_t y = 0; y < height; y++) {
      png_read_row(png, rgb + y * row_bytes, NULL);
    }
  }
  png_read_end(png, info);
  if (channels == 4) composite_rgba_over_black(rgb, width * height);
  return LOOKOUT_STATUS_OK;
}

void lookout_png_close(lookout_png *reader) {
  if (reader == NULL) return;
  if (reader->png != NULL) {
    png_destroy_read_struct(&reader->png, reader->info ? &reader->info : NULL, NULL);
  }
  free(reader);
}
