#ifndef FANOUT_SPAWN_H
#define FANOUT_SPAWN_H

#include <signal.h>
#include <sys/types.h>

/// The signal that tells a supervisor to stop its job gently: SIGTERM to the job's process group.
#define FANOUT_SUPERVISOR_STOP SIGTERM
/// The signal that tells a supervisor to SIGKILL the job and every descendant now (also its parent-death signal).
#define FANOUT_SUPERVISOR_KILL SIGUSR1

/// Starts a program for `fanout exec` under a supervisor, so that nothing the program starts can outlive it.
///
/// The supervisor is a child forked from the calling thread (system calls only until it exits). It makes itself
/// the child subreaper (PR_SET_CHILD_SUBREAPER: orphans of the job, even after a double fork and setsid, become its
/// children), asks for FANOUT_SUPERVISOR_KILL when the thread that forked it dies (PR_SET_PDEATHSIG: the worker was
/// SIGKILLed), closes every descriptor of the worker, and starts the job: with vfork in its own process group, with
/// SIGKILL when the supervisor dies (PR_SET_PDEATHSIG), /dev/null as standard input, the given descriptors as
/// standard output and error, in `directory` when it is not NULL, every other descriptor closed, exec of `file`
/// (searched in PATH when it has no slash) with `argv` and `envp`. Then it waits. On FANOUT_SUPERVISOR_STOP it
/// sends SIGTERM to the job's process group. When the job ends, on FANOUT_SUPERVISOR_KILL, or when the worker dies,
/// it SIGKILLs the job's group and every remaining descendant, reaping until none is left, and exits the way the
/// job did (same exit status, or the same signal).
///
/// Cost: the fork shares the worker's memory copy-on-write while the job runs (about 0.7 ms more per job than a
/// bare vfork on a debug worker). Exec'ing the worker's own binary as the supervisor instead was slower still
/// (its start-up costs milliseconds).
///
/// Returns 0 and sets `*pid` to the supervisor's process id (the one to wait for and to signal with
/// `fanout_supervisor_stop` and `fanout_supervisor_kill`; never SIGKILL it, that would orphan the job's
/// descendants); otherwise an errno value saying why the program could not start.
int fanout_spawn_supervised(const char *file, char *const argv[], char *const envp[], const char *directory,
                            int stdout_fd, int stderr_fd, pid_t *pid);

/// Tells a supervisor to stop its job gently (SIGTERM to the job's group). Returns 0 or an errno value.
int fanout_supervisor_stop(pid_t supervisor);

/// Tells a supervisor to SIGKILL its job and all its descendants now. Returns 0 or an errno value.
int fanout_supervisor_kill(pid_t supervisor);

/// pipe2(fds, O_CLOEXEC), which Swift's Glibc module does not export. Returns 0 or an errno value.
int fanout_pipe(int fds[2]);

#endif
