#ifndef FANOUT_SPAWN_H
#define FANOUT_SPAWN_H

#include <signal.h>
#include <stddef.h>
#include <sys/types.h>

/// The signal that tells a supervisor to SIGKILL the job and every descendant now (also its parent-death signal).
#define FANOUT_SUPERVISOR_KILL SIGUSR1

/// One `fanout exec` job run by ``fanout_run_job``: what to run and its limits (set by the caller), what it did
/// (set by the supervisor).
typedef struct fanout_job {
    // In.
    const char *file;
    char *const *argv;
    char *const *envp;
    /// NULL: the worker's own directory.
    const char *directory;
    /// 0: no limit. Past it: SIGTERM to the job's group, and grace_ms later SIGKILL of every descendant.
    long long timeout_ms;
    long long grace_ms;
    /// The most bytes of standard output plus standard error kept (the rest is read and dropped).
    size_t maximum_output;
    // Out.
    unsigned char *stdout_bytes;
    size_t stdout_length;
    size_t stdout_capacity;
    unsigned char *stderr_bytes;
    size_t stderr_length;
    size_t stderr_capacity;
    /// The job's wait status.
    int status;
    /// Why the program could not start (0: it ran).
    int spawn_error;
    int timed_out;
    int truncated;
    // Private to the implementation.
    pid_t worker;
    pid_t supervisor;
    int stdout_read, stdout_write, stderr_read, stderr_write;
} fanout_job;

/// Runs a job to its end under a supervisor that shares the worker's memory (clone with CLONE_VM and
/// CLONE_VFORK: no copy of the worker's page tables, no copy-on-write), blocking the calling thread meanwhile.
///
/// The supervisor is the child subreaper of every descendant of the job (even one that forked twice and called
/// setsid), asks for FANOUT_SUPERVISOR_KILL when the calling thread dies (PR_SET_PDEATHSIG: the worker was
/// SIGKILLed), starts the job (its own process group, SIGKILL when the supervisor dies, /dev/null in, pipes out),
/// collects its output, stops it at its time limit (SIGTERM to its group, SIGKILL of everything grace_ms later),
/// and, when the job ends, is told to stop (``fanout_job_kill``) or the worker dies, SIGKILLs every remaining
/// descendant, reaping until none is left.
///
/// Returns 0 when the supervisor ran (see `spawn_error` for the program itself), otherwise an errno value. Free
/// the output with ``fanout_job_release``.
int fanout_run_job(fanout_job *job);

/// Frees a job's output buffers.
void fanout_job_release(fanout_job *job);

/// From any thread: tells a running job's supervisor to SIGKILL the job and all its descendants now. Returns 0 or
/// an errno value (ESRCH when no supervisor runs).
int fanout_job_kill(fanout_job *job);

/// pipe2(fds, O_CLOEXEC), which Swift's Glibc module does not export. Returns 0 or an errno value.
int fanout_pipe(int fds[2]);

#endif
