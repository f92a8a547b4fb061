#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The worker slot the current thread serves, for GNU Parallel's `{%}`. The worker's slot threads set it once;
/// anywhere else it reads 1.
public enum ExecSlot {
    private static let key: pthread_key_t = {
        var key = pthread_key_t()
        pthread_key_create(&key, nil)
        return key
    }()

    /// The 1-based slot of the calling thread (1 on a thread that is not a slot thread).
    public static var current: Int {
        guard let pointer = pthread_getspecific(Self.key) else { return 1 }
        return Int(bitPattern: pointer)
    }

    /// Marks the calling thread as serving `slot`.
    /// - Parameter slot: The 1-based slot number.
    public static func assign(_ slot: Int) {
        pthread_setspecific(Self.key, UnsafeRawPointer(bitPattern: max(1, slot)))
    }
}
