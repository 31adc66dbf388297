#ifndef LOOKOUT_CIMAGESHIMS_H
#define LOOKOUT_CIMAGESHIMS_H

// The C side of ImageIO. libjpeg and libpng report errors by longjmp; that stays in this
// target. Every function here returns a status code and, on failure, copies the library's
// message into the caller's buffer. Swift never sees setjmp/longjmp, FILE or library structs.
//
// Nothing is ever printed to stderr: library warnings are captured, not emitted.

#include <stddef.h>
#include <stdint.h>

/// Status codes returned by every shim function.
typedef enum {
  LOOKOUT_STATUS_OK = 0,
  /// A library error or a corrupt-data warning (bad Huffman code, CRC error, ...).
  LOOKOUT_STATUS_CORRUPT = 1,
  /// The data ended before the image did.
  LOOKOUT_STATUS_TRUNCATED = 2,
  /// A valid image this build cannot decode (12-bit JPEG, lossless JPEG, ...).
  LOOKOUT_STATUS_UNSUPPORTED = 3,
  /// An argument was wrong (buffer too small, call out of order). A programming error.
  LOOKOUT_STATUS_USAGE = 4,
  /// Memory could not be allocated.
  LOOKOUT_STATUS_NO_MEMORY = 5,
} lookout_status;

/// Enough room for any libjpeg or libpng message (libjpeg's JMSG_LENGTH_MAX is 200).
#define LOOKOUT_MESSAGE_CAPACITY 256

// MARK: - JPEG

/// The colour space recorded in a JPEG header (after libjpeg's guess from JFIF/Adobe markers).
typedef enum {
  LOOKOUT_JPEG_GRAY = 1,
  LOOKOUT_JPEG_RGB = 2,
  LOOKOUT_JPEG_YCBCR = 3,
  LOOKOUT_JPEG_CMYK = 4,
  LOOKOUT_JPEG_YCCK = 5,
  LOOKOUT_JPEG_OTHER = 6,
} lookout_jpeg_color;

/// What `lookout_jpeg_open` learns from the header, before any pixel memory is allocated.
typedef struct {
  uint32_t width;
  uint32_t height;
  int32_t components;
  lookout_jpeg_color color;
  /// 1 when an Adobe APP14 marker is present (CMYK is then stored inverted, as Photoshop does).
  int32_t adobe_marker;
  int32_t progressive;
} lookout_jpeg_header;

/// An open JPEG decompressor reading from caller-owned memory.
typedef struct lookout_jpeg lookout_jpeg;

/// Reads the header of the JPEG in `data` (which must stay valid until `lookout_jpeg_close`).
/// On success `*out` holds a decoder the caller must close; on failure `*out` is NULL and
/// everything allocated has been released.
lookout_status lookout_jpeg_open(
  const uint8_t *data, size_t size, lookout_jpeg **out, lookout_jpeg_header *header,
  char *message, size_t message_capacity);

/// The exact output size for a DCT scale of `scale_num`/8 (1...16), from
/// `jpeg_calc_output_dimensions`. Allocates no pixel memory.
lookout_status lookout_jpeg_output_size(
  lookout_jpeg *jpeg, int scale_num, uint32_t *width, uint32_t *height,
  char *message, size_t message_capacity);

/// Decodes the whole image at `scale_num`/8 into `rgb` as interleaved 8-bit RGB, rows top to
/// bottom, no padding. `capacity` must be at least width*height*3 of that scale's output size.
/// Grayscale is expanded; CMYK and YCCK are converted (inverted when `adobe_marker` is set).
/// Any corrupt-data warning, including a premature end of data, fails the decode; the one
/// exception is stray bytes right before EOI, reported after all image data was read.
lookout_status lookout_jpeg_decode(
  lookout_jpeg *jpeg, int scale_num, uint8_t *rgb, size_t capacity,
  char *message, size_t message_capacity);

/// Releases the decoder and everything libjpeg allocated for it. NULL is allowed.
void lookout_jpeg_close(lookout_jpeg *jpeg);

/// Encodes `rgb` (interleaved 8-bit RGB, `width`*`height`*3 bytes, rows top to bottom, no
/// padding) as a baseline JPEG with `jpeg_write_scanlines`: YCbCr without chroma subsampling,
/// the standard tables scaled for `quality` (1...100), a JFIF header and no other metadata.
/// On success `*out` holds `*out_size` bytes that the caller releases with
/// `lookout_jpeg_free_encoded`; on failure `*out` is NULL and nothing is left allocated.
/// Width and height must be 1...65535.
lookout_status lookout_jpeg_encode(
  const uint8_t *rgb, uint32_t width, uint32_t height, int quality, uint8_t **out,
  size_t *out_size, char *message, size_t message_capacity);

/// Releases the bytes `lookout_jpeg_encode` returned. NULL is allowed.
void lookout_jpeg_free_encoded(uint8_t *bytes);

// MARK: - PNG

/// What `lookout_png_open` learns from IHDR (and chunks before the first IDAT).
typedef struct {
  uint32_t width;
  uint32_t height;
  int32_t bit_depth;
  /// The PNG colour type: 0 gray, 2 RGB, 3 palette, 4 gray+alpha, 6 RGBA.
  int32_t color_type;
  int32_t interlaced;
  /// 1 when the decoded image carries alpha (an alpha channel or a tRNS chunk).
  int32_t has_alpha;
} lookout_png_header;

/// An open PNG reader reading from caller-owned memory.
typedef struct lookout_png lookout_png;

/// Checks the signature and reads chunks up to the first IDAT. `data` must stay valid until
/// `lookout_png_close`. On failure `*out` is NULL and everything allocated has been released.
/// CRC errors in any chunk are failures.
lookout_status lookout_png_open(
  const uint8_t *data, size_t size, lookout_png **out, lookout_png_header *header,
  char *message, size_t message_capacity);

/// Decodes the image into `rgb` as interleaved 8-bit RGB, rows top to bottom, no padding.
/// `capacity` must be at least width*height*(has_alpha ? 4 : 3): the buffer is used as RGBA
/// scratch and compacted to RGB in place. 16-bit samples are scaled (rounded) to 8 bits,
/// palette and low-bit gray are expanded, alpha (from a channel or tRNS) is composited over
/// black: out = round(c * a / 255). Gamma and colour-profile chunks are ignored. The file is
/// read through IEND, so a missing tail is reported as truncation.
lookout_status lookout_png_decode(
  lookout_png *png, uint8_t *rgb, size_t capacity, char *message, size_t message_capacity);

/// Releases the reader and everything libpng allocated for it. NULL is allowed.
void lookout_png_close(lookout_png *png);

#endif
