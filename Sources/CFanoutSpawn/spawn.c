#define _GNU_SOURCE
#include "fanout_spawn.h"

#include <errno.h>
#include <pthread.h>
#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

static void close_others(int keep) {
#ifdef SYS_close_range
    if (keep > 3) syscall(SYS_close_range, 3U, (unsigned)(keep - 1), 0U);
    if (syscall(SYS_close_range, (unsigned)(keep + 1), ~0U, 0U) == 0) return;
#endif
    for (int fd = 3; fd < 4096; fd++) {
        if (fd != keep) close(fd);
    }
}

// Only async-signal-safe calls between fork and exec: the worker is multi-threaded.
static void fanout_child(const char *file, char *const argv[], char *const envp[], const char *directory,
                         int stdout_fd, int stderr_fd, int report_fd, pid_t parent) {
    int error = 0;
    sigset_t none;
    sigemptyset(&none);
    struct sigaction fallback;
    memset(&fallback, 0, sizeof fallback);
    fallback.sa_handler = SIG_DFL;
    for (int number = 1; number < 32; number++) {
        if (number != SIGKILL && number != SIGSTOP) sigaction(number, &fallback, NULL);
    }
    sigprocmask(SIG_SETMASK, &none, NULL);
    if (setpgid(0, 0) != 0) goto fail;
    if (prctl(PR_SET_PDEATHSIG, SIGKILL) != 0) goto fail;
    // The parent may have died between fork and prctl: then nobody would kill us.
    if (getppid() != parent) _exit(127);
    int null_fd = open("/dev/null", O_RDONLY);
    if (null_fd < 0) goto fail;
    if (dup2(null_fd, 0) < 0 || dup2(stdout_fd, 1) < 0 || dup2(stderr_fd, 2) < 0) goto fail;
    if (directory != NULL && chdir(directory) != 0) goto fail;
    // Every other descriptor of the worker (its sockets, other jobs' pipes) stays out of the job.
    close_others(report_fd);
    if (strchr(file, '/') != NULL) {
        execve(file, argv, envp);
    } else {
        execvpe(file, argv, envp);
    }
fail:
    error = errno;
    while (write(report_fd, &error, sizeof error) < 0 && errno == EINTR) {
    }
    _exit(127);
}

int fanout_pipe(int fds[2]) { return pipe2(fds, O_CLOEXEC) == 0 ? 0 : errno; }

int fanout_spawn(const char *file, char *const argv[], char *const envp[], const char *directory, int stdout_fd,
                 int stderr_fd, pid_t *pid) {
    int report[2];
    if (pipe2(report, O_CLOEXEC) != 0) return errno;
    pid_t parent = getpid();
    // vfork: the child borrows our memory until it execs, so starting a program costs no page-table copy of the
    // (large, multi-threaded) worker; this thread waits meanwhile. Signals stay blocked across it so that no
    // handler of ours runs in the child; the child resets every disposition before unblocking them.
    sigset_t all, previous;
    sigfillset(&all);
    pthread_sigmask(SIG_SETMASK, &all, &previous);
    pid_t child = vfork();
    if (child == 0) {
        fanout_child(file, argv, envp, directory, stdout_fd, stderr_fd, report[1], parent);
    }
    int fork_error = child < 0 ? errno : 0;
    pthread_sigmask(SIG_SETMASK, &previous, NULL);
    if (child < 0) {
        close(report[0]);
        close(report[1]);
        return fork_error;
    }
    close(report[1]);
    // Also set the group from this side, so a kill of the group right after we return cannot miss the child.
    setpgid(child, child);
    int error = 0;
    ssize_t count;
    do {
        count = read(report[0], &error, sizeof error);
    } while (count < 0 && errno == EINTR);
    close(report[0]);
    if (count == (ssize_t)sizeof error) {
        int status;
        while (waitpid(child, &status, 0) < 0 && errno == EINTR) {
        }
        return error != 0 ? error : ECHILD;
    }
    *pid = child;
    return 0;
}
