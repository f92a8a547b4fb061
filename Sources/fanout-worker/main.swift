import FanoutJobs
import FanoutProtocol
import FanoutWorker

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

// The worker executable: built-in jobs only. Kept thin; everything lives in FanoutWorker.
let status = await WorkerCommandLine.main(arguments: Array(CommandLine.arguments.dropFirst()), registry: .builtin)
exit(status.rawValue)
