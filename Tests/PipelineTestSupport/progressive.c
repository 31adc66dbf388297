// Lossless baseline -> progressive transcoding with libjpeg, for the hostile corpus.

#include "PipelineTestSupport.h"

#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>

#include <jpeglib.h>

struct corpus_error {
  struct jpeg_error_mgr pub;  // must be first
  jmp_buf jump;
};

static void on_error_exit(j_common_ptr cinfo) {
  longjmp(((struct corpus_error *)cinfo->err)->jump, 1);
}

static void on_output_message(j_common_ptr cinfo) { (void)cinfo; }

int lookout_corpus_make_progressive(
  const uint8_t *data, size_t size, uint8_t **out, size_t *out_size
) {
  struct jpeg_decompress_struct source;
  struct jpeg_compress_struct destination;
  struct corpus_error error;
  unsigned char *volatile buffer = NULL;
  unsigned long length = 0;

  *out = NULL;
  *out_size = 0;
  source.err = jpeg_std_error(&error.pub);
  destination.err = &error.pub;
  error.pub.error_exit = on_error_exit;
  error.pub.output_message = on_output_message;
  jpeg_create_decompress(&source);
  jpeg_create_compress(&destination);
  if (setjmp(error.jump)) {
    jpeg_destroy_compress(&destination);
    jpeg_destroy_decompress(&source);
    free(buffer);
    return -1;
  }
  jpeg_mem_src(&source, data, (unsigned long)size);
  (void)jpeg_read_header(&source, TRUE);
  jvirt_barray_ptr *coefficients = jpeg_read_coefficients(&source);
  jpeg_copy_critical_parameters(&source, &destination);
  jpeg_simple_progression(&destination);
  unsigned char *target = NULL;
  jpeg_mem_dest(&destination, &target, &length);
  jpeg_write_coefficients(&destination, coefficients);
  jpeg_finish_compress(&destination);
  buffer = target;
  (void)jpeg_finish_decompress(&source);
  jpeg_destroy_compress(&destination);
  jpeg_destroy_decompress(&source);
  *out = buffer;
  *out_size = length;
  return 0;
}

void lookout_corpus_free(void *pointer) { free(pointer); }
