import ArgumentParser
import FanoutJobs

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// `fanout run mandelbrot`: render the Mandelbrot set row by row and write a PGM image.
struct MandelbrotCommand: AsyncParsableCommand, Workload {
    typealias J = Mandelbrot

    static let configuration = CommandConfiguration(
        commandName: "mandelbrot",
        abstract: "Render the Mandelbrot set, one task per row, and write a PGM image (rows differ a lot in cost).",
        discussion: "Example: fanout run mandelbrot --width 1600 --height 1200 --output set.pgm --summary-only"
    )

    @Option(help: "Image width in pixels.") var width: Int = 800
    @Option(help: "Image height in pixels (one task per row).") var height: Int = 600
    @Option(help: "Iterations before a point counts as inside.") var maxIterations: Int = 1_000
    @Option(help: "Where to write the image (binary PGM).") var output: String = "mandelbrot.pgm"
    @OptionGroup var options: RunOptions

    func validate() throws {
        guard (1...65_536).contains(self.width), (1...65_536).contains(self.height) else {
            throw ValidationError("--width and --height must be between 1 and 65536")
        }
        guard self.maxIterations >= 1 else { throw ValidationError("--max-iterations must be at least 1") }
    }

    var taskCount: Int { self.height }

    var parameters: String { "--width \(self.width) --height \(self.height) --max-iterations \(self.maxIterations)" }
    func input(at index: Int) -> Mandelbrot.Input {
        Mandelbrot.Input(row: index, width: self.width, height: self.height, maximumIterations: self.maxIterations)
    }
    func describe(_ output: Mandelbrot.Row) -> String {
        "row \(output.row): \(output.pixels.filter { $0 == 0 }.count) pixels inside"
    }
    func makeAccumulator() -> any WorkloadAccumulator<Mandelbrot.Row> {
        Image(width: self.width, height: self.height, path: self.output)
    }
    func run() async throws { try await RunDriver(workload: self, options: self.options).run() }

    /// Places rows as they arrive into one image buffer and writes the file at the end.
    private struct Image: WorkloadAccumulator {
        let width: Int
        let height: Int
        let path: String
        var rows: [Mandelbrot.Row] = []

        mutating func add(index: Int, output: Mandelbrot.Row) { self.rows.append(output) }

        func summary() throws -> [String] {
            let bytes = Mandelbrot.portableGraymap(rows: self.rows, width: self.width, height: self.height)
            let descriptor = open(self.path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
            guard descriptor >= 0 else {
                throw ValidationError("cannot write \(self.path): \(String(cString: strerror(errno)))")
            }
            defer { close(descriptor) }
            var offset = 0
            while offset < bytes.count {
                let written = bytes[offset...].withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
                guard written > 0 else {
                    throw ValidationError("cannot write \(self.path): \(String(cString: strerror(errno)))")
                }
                offset += written
            }
            let inside = self.rows.reduce(0) { $0 + $1.pixels.filter { $0 == 0 }.count }
            return [
                "wrote \(self.path) (\(self.width)x\(self.height), \(self.rows.count) rows, \(inside) pixels inside)"
            ]
        }
    }
}
