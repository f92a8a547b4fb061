#define _GNU_SOURCE
#include "fanout_spawn.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

// The supervisor runs in a child forked from the multi-threaded worker: between fork and its _exit it uses system
// calls only (no malloc, no stdio, no locks another thread may have held at the fork).

// Closes every descriptor from 3 up except the (up to three) given ones.
static void close_except(int a, int b, int c) {
    int keep[3] = {a, b, c};
    for (int i = 0; i < 3; i++) {
        for (int j = i + 1; j < 3; j++) {
            if (keep[j] < keep[i]) {
                int swap = keep[i];
                keep[i] = keep[j];
                keep[j] = swap;
            }
        }
    }
    unsigned low = 3;
    for (int i = 0; i <= 3; i++) {
        unsigned high = i < 3 ? (unsigned)keep[i] : ~0U;
        if (i < 3 && (keep[i] < 3 || (unsigned)keep[i] < low)) continue;
        if (high > low) {
            unsigned last = i < 3 ? high - 1 : ~0U;
#ifdef SYS_close_range
            if (syscall(SYS_close_range, low, last, 0U) != 0)
#endif
            {
                struct rlimit limit;
                unsigned ceiling = getrlimit(RLIMIT_NOFILE, &limit) == 0 && limit.rlim_cur < 1048576
                                       ? (unsigned)limit.rlim_cur
                                       : 65536U;
                for (unsigned fd = low; fd <= last && fd < ceiling; fd++) close((int)fd);
            }
        }
        if (i < 3) low = high + 1;
    }
}

// Writes the decimal form of `value` after `prefix` into `buffer`.
static void format_path(char *buffer, const char *prefix, long value, const char *suffix) {
    char digits[24];
    int count = 0;
    do {
        digits[count++] = (char)('0' + value % 10);
        value /= 10;
    } while (value > 0);
    while (*prefix) *buffer++ = *prefix++;
    while (count > 0) *buffer++ = digits[--count];
    while (*suffix) *buffer++ = *suffix++;
    *buffer = 0;
}

// SIGKILLs every child of this process listed in /proc (orphaned descendants are reparented to us: we are their
// subreaper). Returns how many were signalled, or -1 when /proc cannot tell.
static int kill_children(void) {
    char path[64];
    format_path(path, "/proc/self/task/", (long)getpid(), "/children");
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) return -1;
    char buffer[4096];
    int signalled = 0;
    long pid = 0;
    int in_number = 0;
    for (;;) {
        ssize_t count = read(fd, buffer, sizeof buffer);
        if (count < 0 && errno == EINTR) continue;
        if (count <= 0) break;
        for (ssize_t index = 0; index < count; index++) {
            char byte = buffer[index];
            if (byte >= '0' && byte <= '9') {
                pid = pid * 10 + (byte - '0');
                in_number = 1;
            } else if (in_number) {
                if (pid > 1) {
                    kill((pid_t)pid, SIGKILL);
                    signalled++;
                }
                pid = 0;
                in_number = 0;
            }
        }
    }
    if (in_number && pid > 1) {
        kill((pid_t)pid, SIGKILL);
        signalled++;
    }
    close(fd);
    return signalled;
}

// Kills the job's process group and every other descendant, reaping until none is left. Records the job's status
// if it is reaped here.
static void kill_descendants(pid_t job, int *job_status, int *job_reaped) {
    // Once reaped, the job's number may belong to someone else: only its descendants are ours to kill then.
    if (!*job_reaped) kill(-job, SIGKILL);
    sigset_t child;
    sigemptyset(&child);
    sigaddset(&child, SIGCHLD);
    for (;;) {
        kill_children();
        int reaped_any = 0;
        for (;;) {
            int status;
            pid_t pid = waitpid(-1, &status, WNOHANG | __WALL);
            if (pid > 0) {
                reaped_any = 1;
                if (pid == job && !*job_reaped) {
                    *job_status = status;
                    *job_reaped = 1;
                }
                continue;
            }
            if (pid < 0 && errno == EINTR) continue;
            if (pid < 0 && errno == ECHILD) return;  // nobody left below us
            break;
        }
        if (!reaped_any) {
            // Killed children take a moment to die (and their orphans to reach us): wait for the next SIGCHLD.
            struct timespec pause = {0, 5 * 1000 * 1000};
            sigtimedwait(&child, NULL, &pause);
        }
    }
}

// Ends the supervisor the way the job ended, so that the worker's waitpid sees the job's own status.
static void relay(int status) {
    if (WIFSIGNALED(status)) {
        int number = WTERMSIG(status);
        // Raising a core-dumping signal must not write a core of the worker's memory.
        struct rlimit none = {0, 0};
        setrlimit(RLIMIT_CORE, &none);
        struct sigaction fallback;
        memset(&fallback, 0, sizeof fallback);
        fallback.sa_handler = SIG_DFL;
        sigaction(number, &fallback, NULL);
        sigset_t only;
        sigemptyset(&only);
        sigaddset(&only, number);
        kill(getpid(), number);
        sigprocmask(SIG_UNBLOCK, &only, NULL);
        _exit(128 + number);
    }
    _exit(WIFEXITED(status) ? WEXITSTATUS(status) : 127);
}

// The job: its own process group, killed when the supervisor dies, /dev/null in, the pipes out, then exec.
static void start_job(const char *file, char *const argv[], char *const envp[], const char *directory, int stdout_fd,
                      int stderr_fd, int report_fd, pid_t supervisor) {
    int error = 0;
    sigset_t none;
    sigemptyset(&none);
    if (setpgid(0, 0) != 0) goto fail;
    if (prctl(PR_SET_PDEATHSIG, SIGKILL) != 0) goto fail;
    if (getppid() != supervisor) _exit(127);
    int null_fd = open("/dev/null", O_RDONLY);
    if (null_fd < 0) goto fail;
    if (dup2(null_fd, 0) < 0 || dup2(stdout_fd, 1) < 0 || dup2(stderr_fd, 2) < 0) goto fail;
    if (directory != NULL && chdir(directory) != 0) goto fail;
    close_except(report_fd, -1, -1);
    sigprocmask(SIG_SETMASK, &none, NULL);
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

static void supervise(const char *file, char *const argv[], char *const envp[], const char *directory, int stdout_fd,
                      int stderr_fd, int report_fd, pid_t worker) {
    // Every signal stays blocked in the supervisor: the ones it acts on are taken with sigwaitinfo.
    struct sigaction fallback;
    memset(&fallback, 0, sizeof fallback);
    fallback.sa_handler = SIG_DFL;
    for (int number = 1; number < NSIG; number++) {
        if (number != SIGKILL && number != SIGSTOP) sigaction(number, &fallback, NULL);
    }
    int error = 0;
    if (setpgid(0, 0) != 0) goto fail;
    // Orphans of the job (double fork, setsid) become our children, so we can find and kill them.
    if (prctl(PR_SET_CHILD_SUBREAPER, 1) != 0) goto fail;
    if (prctl(PR_SET_PDEATHSIG, FANOUT_SUPERVISOR_KILL) != 0) goto fail;
    // The worker may have died between fork and prctl: then nobody would tell us.
    if (getppid() != worker) _exit(127);
    close_except(stdout_fd, stderr_fd, report_fd);

    pid_t self = getpid();
    pid_t job = vfork();
    if (job == 0) start_job(file, argv, envp, directory, stdout_fd, stderr_fd, report_fd, self);
    if (job < 0) goto fail;
    // Only the job holds the output pipes and the report pipe now: the worker sees end-of-file when it is done.
    close(stdout_fd);
    close(stderr_fd);
    close(report_fd);

    sigset_t wanted;
    sigemptyset(&wanted);
    sigaddset(&wanted, SIGCHLD);
    sigaddset(&wanted, FANOUT_SUPERVISOR_STOP);
    sigaddset(&wanted, FANOUT_SUPERVISOR_KILL);
    int job_status = 0;
    int job_reaped = 0;
    while (!job_reaped) {
        siginfo_t info;
        int number = sigwaitinfo(&wanted, &info);
        if (number < 0) continue;
        if (number == FANOUT_SUPERVISOR_STOP) {
            kill(-job, SIGTERM);
        } else if (number == FANOUT_SUPERVISOR_KILL) {
            break;
        } else {
            int status;
            pid_t pid;
            while ((pid = waitpid(-1, &status, WNOHANG | __WALL)) > 0 || (pid < 0 && errno == EINTR)) {
                if (pid == job) {
                    job_status = status;
                    job_reaped = 1;
                }
            }
        }
    }
    // The job ended, was told to stop for good, or the worker died: nothing it started may outlive it.
    kill_descendants(job, &job_status, &job_reaped);
    relay(job_reaped ? job_status : (SIGKILL & 0x7f));
fail:
    error = errno;
    while (write(report_fd, &error, sizeof error) < 0 && errno == EINTR) {
    }
    _exit(127);
}

int fanout_spawn_supervised(const char *file, char *const argv[], char *const envp[], const char *directory,
                            int stdout_fd, int stderr_fd, pid_t *pid) {
    int report[2];
    if (pipe2(report, O_CLOEXEC) != 0) return errno;
    pid_t worker = getpid();
    // Signals stay blocked across the fork so that no handler of ours runs in the child.
    sigset_t all, previous;
    sigfillset(&all);
    pthread_sigmask(SIG_SETMASK, &all, &previous);
    pid_t child = fork();
    if (child == 0) {
        close(report[0]);
        supervise(file, argv, envp, directory, stdout_fd, stderr_fd, report[1], worker);
    }
    int fork_error = child < 0 ? errno : 0;
    pthread_sigmask(SIG_SETMASK, &previous, NULL);
    close(report[1]);
    if (child < 0) {
        close(report[0]);
        return fork_error;
    }
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

int fanout_supervisor_stop(pid_t supervisor) { return kill(supervisor, FANOUT_SUPERVISOR_STOP) == 0 ? 0 : errno; }

int fanout_supervisor_kill(pid_t supervisor) { return kill(supervisor, FANOUT_SUPERVISOR_KILL) == 0 ? 0 : errno; }
