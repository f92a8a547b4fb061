/// A benchmark that cannot run as asked (bad arguments, a coder that loses data).
struct BenchmarkError: Error, CustomStringConvertible {
    var description: String

    init(_ description: String) {
        self.description = description
    }
}
