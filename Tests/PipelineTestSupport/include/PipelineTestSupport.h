#ifndef LOOKOUT_PIPELINE_TEST_SUPPORT_H
#define LOOKOUT_PIPELINE_TEST_SUPPORT_H

// Test-only C helpers for Tests/PipelineTests: what needs libjpeg's encoder (which the product
// never uses) or must run between fork and exec.

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/// Losslessly rewrites the baseline JPEG in `data` as a progressive JPEG (libjpeg's standard
/// progression script, as `jpegtran -progressive` does; markers such as EXIF are dropped).
/// Returns 0 and a malloc'ed buffer in `*out` (free it with `lookout_corpus_free`), or -1 when
/// the input cannot be read.
int lookout_corpus_make_progressive(
  const uint8_t *data, size_t size, uint8_t **out, size_t *out_size);

void lookout_corpus_free(void *pointer);

/// Starts `path` with `argv` (NULL-terminated, argv[0] included) in a child process whose
/// RLIMIT_FSIZE is `file_size_limit` bytes, with stdout and stderr appended to `output_path`.
/// Only async-signal-safe calls run between fork and exec. Returns the child's pid, or -1.
pid_t lookout_spawn_with_file_size_limit(
  const char *path, char *const argv[], long long file_size_limit, const char *output_path);

#endif
