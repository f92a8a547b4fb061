#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The process groups of the `exec` jobs running in this process, so that a worker that exits (its connection
/// dropped, the coordinator said stop) takes them down with it. A SIGKILLed worker cannot run this; its jobs' first
/// processes then get SIGKILL from the kernel (PR_SET_PDEATHSIG).
public enum ExecProcessGroups {
    nonisolated(unsafe) private static let lock: UnsafeMutablePointer<pthread_mutex_t> = {
        let lock = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)
        pthread_mutex_init(lock, nil)
        return lock
    }()
    nonisolated(unsafe) private static var groups: Set<pid_t> = []

    static func insert(_ group: pid_t) {
        pthread_mutex_lock(Self.lock)
        Self.groups.insert(group)
        pthread_mutex_unlock(Self.lock)
    }

    static func remove(_ group: pid_t) {
        pthread_mutex_lock(Self.lock)
        Self.groups.remove(group)
        pthread_mutex_unlock(Self.lock)
    }

    /// Sends SIGKILL to every running job's process group. Call it on the way out of the worker.
    /// - Returns: How many groups were signalled.
    @discardableResult
    public static func killAll() -> Int {
        pthread_mutex_lock(Self.lock)
        let groups = Self.groups
        pthread_mutex_unlock(Self.lock)
        for group in groups {
            kill(-group, SIGKILL)
        }
        return groups.count
    }
}
