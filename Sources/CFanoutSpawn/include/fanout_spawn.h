#ifndef FANOUT_SPAWN_H
#define FANOUT_SPAWN_H

#include <sys/types.h>

/// Starts a program for `fanout exec` in its own process group, tied to the calling thread's lifetime.
///
/// The child (made with vfork: no copy of the worker's page tables) becomes the leader of a new process group (so
/// a timeout or the worker's exit can kill everything it started), asks the kernel for SIGKILL when the thread that
/// forked it dies (PR_SET_PDEATHSIG: no orphan even when the worker is SIGKILLed), reads /dev/null as standard input, writes to the given descriptors, changes into
/// `directory` when it is not NULL, closes every other descriptor, and execs `file` (searched in PATH when it has no
/// slash) with `argv` and `envp`.
///
/// Returns 0 and sets `*pid` when the program is running; otherwise an errno value saying why it could not start
/// (the child's chdir or exec failure is reported here too, through a close-on-exec pipe).
int fanout_spawn(const char *file, char *const argv[], char *const envp[], const char *directory, int stdout_fd,
                 int stderr_fd, pid_t *pid);

/// pipe2(fds, O_CLOEXEC), which Swift's Glibc module does not export. Returns 0 or an errno value.
int fanout_pipe(int fds[2]);

#endif
