import CFanoutSpawn

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The supervisors of the `exec` jobs running in this process, so that a worker that exits (its connection dropped,
/// the coordinator said stop) takes its jobs down with it. A SIGKILLed worker cannot run this; its jobs' supervisors
/// then hear of it from the kernel (PR_SET_PDEATHSIG) and kill every descendant of their jobs themselves.
public enum ExecProcessGroups {
    nonisolated(unsafe) private static let lock: UnsafeMutablePointer<pthread_mutex_t> = {
        let lock = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)
        pthread_mutex_init(lock, nil)
        return lock
    }()
    nonisolated(unsafe) private static var jobs: Set<UnsafeMutablePointer<fanout_job>> = []

    static func insert(_ job: UnsafeMutablePointer<fanout_job>) {
        pthread_mutex_lock(Self.lock)
        Self.jobs.insert(job)
        pthread_mutex_unlock(Self.lock)
    }

    static func remove(_ job: UnsafeMutablePointer<fanout_job>) {
        pthread_mutex_lock(Self.lock)
        Self.jobs.remove(job)
        pthread_mutex_unlock(Self.lock)
    }

    /// Tells every running job's supervisor to SIGKILL the job and all its descendants. Called on the way out of
    /// the worker, through ``Exec/workerWillExit()``.
    /// - Returns: How many jobs were told.
    @discardableResult
    static func killAll() -> Int {
        // Under the lock: a job's record is freed as soon as it is removed.
        pthread_mutex_lock(Self.lock)
        defer { pthread_mutex_unlock(Self.lock) }
        for job in Self.jobs {
            // Never SIGKILL a supervisor itself: that would leave the job's descendants to init.
            fanout_job_kill(job)
        }
        return Self.jobs.count
    }
}
