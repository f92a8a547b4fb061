import ArgumentParser

/// How `fanout bench` runs the kernel: one thread, threads in this process, local worker processes, remote hosts,
/// or local workers and remote hosts together.
enum BenchMode: String, CaseIterable, Sendable, ExpressibleByArgument {
    case sequential, threads, local, remote, all
}
