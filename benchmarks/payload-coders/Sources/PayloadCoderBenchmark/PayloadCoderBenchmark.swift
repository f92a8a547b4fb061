#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Compares the Compact coder with FoundationEssentials' JSON and binary property list coders on Fanout's payloads.
@main
struct PayloadCoderBenchmark {
    static func main() {
        do {
            let options = try Options(CommandLine.arguments.dropFirst())
            let results = try Runner(cases: try PayloadShapes.cases(), options: options).run()
            switch options.format {
            case .markdown: print(Report.markdown(results, options: options))
            case .jsonl: print(try Report.jsonLines(results))
            }
        } catch {
            let message = Array("error: \(error)\n".utf8)
            _ = message.withUnsafeBytes { write(STDERR_FILENO, $0.baseAddress, $0.count) }
            exit(2)
        }
    }
}
