// fork + setrlimit + exec, for the disk-full tests: Foundation's Process cannot set limits on
// the child, and Swift code must not run between fork and exec in a multithreaded process.

#include "PipelineTestSupport.h"

#include <fcntl.h>
#include <sys/resource.h>
#include <unistd.h>

pid_t lookout_spawn_with_file_size_limit(
  const char *path, char *const argv[], long long file_size_limit, const char *output_path
) {
  pid_t pid = fork();
  if (pid != 0) return pid;  // the parent, or -1
  struct rlimit limit = {(rlim_t)file_size_limit, (rlim_t)file_size_limit};
  if (setrlimit(RLIMIT_FSIZE, &limit) != 0) _exit(126);
  int fd = open(output_path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  if (fd < 0) _exit(126);
  if (dup2(fd, STDOUT_FILENO) < 0 || dup2(fd, STDERR_FILENO) < 0) _exit(126);
  execv(path, argv);
  _exit(127);
}
