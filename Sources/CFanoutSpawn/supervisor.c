#define _GNU_SOURCE
#include "fanout_spawn.h"

#include <errno.h>
#include <poll.h>
#include <sched.h>
#include <stdint.h>
#include <sys/mman.h>
#include <sys/signalfd.h>
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

// Every `fanout exec` job runs under a supervisor process (fanout_run_job, below). The supervisor shares the
// multi-threaded worker's memory: from its start to its _exit it uses system calls only (no malloc, no stdio, no
// lock another thread may hold).

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

// ---- The supervisor sharing the worker's memory (clone with CLONE_VM | CLONE_VFORK) ----
//
// A fork would copy the worker's page tables and leave every page of it copy-on-write while the job runs: that
// doubled the cost of a short job (500 `true` jobs: 0.7 s -> 1.4 s), and exec'ing the worker's own binary as the
// supervisor was slower still. This supervisor is a separate process (its own pid, signal dispositions, child
// subreaper status) that shares the worker's memory instead, like the child glibc's posix_spawn makes: the calling
// thread is suspended until the supervisor exits, so the supervisor may use that thread's TLS (errno) and the
// caller's `fanout_job`, on a stack of its own. It calls nothing but system calls: other worker threads keep
// running and may hold any lock.


static int64_t monotonic_ms(void) {
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (int64_t)now.tv_sec * 1000 + now.tv_nsec / 1000000;
}

// Appends to one of the job's output buffers (mmap'd, grown with mremap), within the shared byte budget.
static void keep_output(fanout_job *job, unsigned char **buffer, size_t *length, size_t *capacity,
                        const unsigned char *bytes, size_t count) {
    size_t used = job->stdout_length + job->stderr_length;
    size_t room = job->maximum_output > used ? job->maximum_output - used : 0;
    if (count > room) {
        job->truncated = 1;
        count = room;
    }
    if (count == 0) return;
    if (*length + count > *capacity) {
        size_t wanted = *capacity == 0 ? 65536 : *capacity;
        while (wanted < *length + count) wanted *= 2;
        void *grown = *capacity == 0 ? mmap(NULL, wanted, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0)
                                     : mremap(*buffer, *capacity, wanted, MREMAP_MAYMOVE);
        if (grown == MAP_FAILED) {
            job->truncated = 1;
            return;
        }
        *buffer = grown;
        *capacity = wanted;
    }
    memcpy(*buffer + *length, bytes, count);
    *length += count;
}

static int run_supervisor(void *argument) {
    fanout_job *job = argument;
    struct sigaction fallback;
    memset(&fallback, 0, sizeof fallback);
    fallback.sa_handler = SIG_DFL;
    for (int number = 1; number < NSIG; number++) {
        if (number != SIGKILL && number != SIGSTOP) sigaction(number, &fallback, NULL);
    }
    if (setpgid(0, 0) != 0 || prctl(PR_SET_CHILD_SUBREAPER, 1) != 0 ||
        prctl(PR_SET_PDEATHSIG, FANOUT_SUPERVISOR_KILL) != 0) {
        job->spawn_error = errno;
        _exit(0);
    }
    // The worker may have died between clone and prctl: then nobody would tell us.
    if (getppid() != job->worker) _exit(0);
    pid_t self = (pid_t)syscall(SYS_getpid);
    __atomic_store_n(&job->supervisor, self, __ATOMIC_SEQ_CST);

    // Our descriptor table is a copy of the worker's: keep none of it (its sockets, other jobs' pipes, whose
    // end-of-file must not wait for us). The job's pipes exist only here, so only the job can hold them open.
    close_except(-1, -1, -1);
    sigset_t wanted;
    sigemptyset(&wanted);
    sigaddset(&wanted, SIGCHLD);
    sigaddset(&wanted, FANOUT_SUPERVISOR_KILL);
    int signals = signalfd(-1, &wanted, SFD_CLOEXEC | SFD_NONBLOCK);
    int report[2], out[2], err[2];
    if (signals < 0 || pipe2(report, O_CLOEXEC) != 0 || pipe2(out, O_CLOEXEC) != 0 || pipe2(err, O_CLOEXEC) != 0) {
        job->spawn_error = errno;
        _exit(0);
    }
    job->stdout_read = out[0];
    job->stdout_write = out[1];
    job->stderr_read = err[0];
    job->stderr_write = err[1];
    pid_t child = vfork();
    if (child == 0) {
        start_job(job->file, job->argv, job->envp, job->directory, job->stdout_write, job->stderr_write, report[1],
                  self);
    }
    close(report[1]);
    close(job->stdout_write);
    close(job->stderr_write);
    if (child < 0) {
        job->spawn_error = errno;
        close(report[0]);
        _exit(0);
    }
    int error = 0;
    ssize_t got;
    do {
        got = read(report[0], &error, sizeof error);
    } while (got < 0 && errno == EINTR);
    close(report[0]);
    if (got == (ssize_t)sizeof error) job->spawn_error = error != 0 ? error : ECHILD;

    int open_pipes[2] = {job->stdout_read, job->stderr_read};
    int reaped = 0, killing = 0, children_left = 1;
    int64_t deadline = job->timeout_ms > 0 ? monotonic_ms() + job->timeout_ms : -1;
    int64_t kill_deadline = -1;
    unsigned char chunk[65536];
    while (open_pipes[0] >= 0 || open_pipes[1] >= 0 || children_left) {
        int64_t now = monotonic_ms();
        if (deadline >= 0 && !job->timed_out && now >= deadline && !reaped) {
            job->timed_out = 1;
            kill(-child, SIGTERM);
            kill_deadline = now + job->grace_ms;
        }
        if (kill_deadline >= 0 && now >= kill_deadline) {
            killing = 1;
            kill_deadline = -1;
        }
        if (killing || reaped) {
            // The job ended (or must end now): nothing it started may outlive it.
            if (!reaped) kill(-child, SIGKILL);
            kill_children();
        }
        int64_t wait = -1;
        if (killing || reaped) wait = 5;
        if (!job->timed_out && deadline >= 0) wait = wait < 0 || deadline - now < wait ? deadline - now : wait;
        if (kill_deadline >= 0) wait = wait < 0 || kill_deadline - now < wait ? kill_deadline - now : wait;
        struct pollfd ready[3] = {
            {open_pipes[0], POLLIN, 0}, {open_pipes[1], POLLIN, 0}, {signals, POLLIN, 0}};
        int count = poll(ready, 3, wait < 0 ? -1 : (int)(wait > 60000 ? 60000 : wait));
        if (count < 0 && errno != EINTR) break;
        for (int index = 0; index < 2; index++) {
            if (open_pipes[index] < 0 || ready[index].revents == 0) continue;
            ssize_t length = read(open_pipes[index], chunk, sizeof chunk);
            if (length < 0 && (errno == EINTR || errno == EAGAIN)) continue;
            if (length <= 0) {
                close(open_pipes[index]);
                open_pipes[index] = -1;
                continue;
            }
            if (index == 0) {
                keep_output(job, &job->stdout_bytes, &job->stdout_length, &job->stdout_capacity, chunk,
                            (size_t)length);
            } else {
                keep_output(job, &job->stderr_bytes, &job->stderr_length, &job->stderr_capacity, chunk,
                            (size_t)length);
            }
        }
        struct signalfd_siginfo info;
        while (read(signals, &info, sizeof info) == (ssize_t)sizeof info) {
            if (info.ssi_signo == FANOUT_SUPERVISOR_KILL) killing = 1;
        }
        for (;;) {
            int status;
            pid_t pid = waitpid(-1, &status, WNOHANG | __WALL);
            if (pid > 0) {
                if (pid == child && !reaped) {
                    reaped = 1;
                    job->status = status;
                }
                continue;
            }
            if (pid < 0 && errno == EINTR) continue;
            if (pid < 0 && errno == ECHILD) children_left = 0;
            break;
        }
    }
    for (int index = 0; index < 2; index++) {
        if (open_pipes[index] >= 0) close(open_pipes[index]);
    }
    close(signals);
    _exit(0);
}

int fanout_run_job(fanout_job *job) {
    job->worker = getpid();
    // The supervisor's stack, with a guard page below it: an overflow must fault, not write into the worker.
    const size_t stack_size = 256 * 1024, guard_size = 4096;
    void *stack = mmap(NULL, stack_size + guard_size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_STACK,
                       -1, 0);
    if (stack == MAP_FAILED) return errno;
    if (mprotect(stack, guard_size, PROT_NONE) != 0) {
        int error = errno;
        munmap(stack, stack_size + guard_size);
        return error;
    }
    // Signals stay blocked in the supervisor (it takes the ones it wants from a signalfd) and across the clone,
    // so that no handler of the worker runs on its stack.
    sigset_t all, previous;
    sigfillset(&all);
    pthread_sigmask(SIG_SETMASK, &all, &previous);
    pid_t child = clone(run_supervisor, (char *)stack + guard_size + stack_size, CLONE_VM | CLONE_VFORK | SIGCHLD, job);
    int clone_error = child < 0 ? errno : 0;
    pthread_sigmask(SIG_SETMASK, &previous, NULL);
    if (child > 0) {
        int status = 0;
        pid_t waited;
        while ((waited = waitpid(child, &status, __WALL)) < 0 && errno == EINTR) {
        }
        // A supervisor that did not end by its own _exit(0) (killed from outside) cannot vouch for the job.
        if (waited == child && !(WIFEXITED(status) && WEXITSTATUS(status) == 0)) clone_error = ECANCELED;
    }
    munmap(stack, stack_size + guard_size);
    __atomic_store_n(&job->supervisor, 0, __ATOMIC_SEQ_CST);
    return clone_error;
}

void fanout_job_release(fanout_job *job) {
    if (job->stdout_capacity > 0) munmap(job->stdout_bytes, job->stdout_capacity);
    if (job->stderr_capacity > 0) munmap(job->stderr_bytes, job->stderr_capacity);
    job->stdout_bytes = job->stderr_bytes = NULL;
    job->stdout_capacity = job->stderr_capacity = job->stdout_length = job->stderr_length = 0;
}

int fanout_job_kill(fanout_job *job) {
    pid_t supervisor = __atomic_load_n(&job->supervisor, __ATOMIC_SEQ_CST);
    if (supervisor <= 0) return ESRCH;
    return kill(supervisor, FANOUT_SUPERVISOR_KILL) == 0 ? 0 : errno;
}
