#define _GNU_SOURCE
#include "fanout_spawn.h"

#include <errno.h>
#include <fcntl.h>
#include <unistd.h>

// Jobs start through fanout_spawn_supervised (supervisor.c).

int fanout_pipe(int fds[2]) { return pipe2(fds, O_CLOEXEC) == 0 ? 0 : errno; }
