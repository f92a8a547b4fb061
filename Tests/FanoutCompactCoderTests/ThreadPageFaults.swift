#if canImport(Glibc)
import Glibc
#endif

/// The minor page faults of the calling thread: how many fresh pages it has touched. Allocating and filling a
/// buffer costs one per 4 KiB page, so the difference around a call bounds the memory the call put to use, whatever
/// the other threads of the test process do at the same time.
///
/// glibc only (`RUSAGE_THREAD`); elsewhere it reads 0 and the checks built on it hold trivially. CI runs on Linux.
enum ThreadPageFaults {
    /// Pages a whole fuzz loop may touch: 1 MiB. Heap for small inputs is reused from one decode to the next, so
    /// the loop needs next to none; one buffer sized by a hostile length of 16 MiB needs 4,096.
    static let budget = 256

    static func current() -> Int {
        #if canImport(Glibc)
        var usage = rusage()
        // RUSAGE_THREAD is 1 in <sys/resource.h>; Glibc's Swift overlay does not export the constant.
        guard getrusage(__rusage_who_t(1), &usage) == 0 else { return 0 }
        return usage.ru_minflt
        #else
        return 0
        #endif
    }
}
