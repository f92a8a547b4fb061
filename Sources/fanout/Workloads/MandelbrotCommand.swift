import ArgumentParser
import FanoutSessions

/// `fanout run mandelbrot`: render the Mandelbrot set row by row and write a PGM image.
struct MandelbrotCommand: WorkloadCommand {
    static let configuration = CommandConfiguration(
        commandName: MandelbrotWorkload.name,
        abstract: "Render the Mandelbrot set, one task per row, and write a PGM image (rows differ a lot in cost).",
        discussion: "Example: fanout run mandelbrot --width 1600 --height 1200 --output set.pgm --summary-only"
    )

    @Option(help: "Image width in pixels.") var width: Int = MandelbrotWorkload().width
    @Option(help: "Image height in pixels (one task per row).") var height: Int = MandelbrotWorkload().height
    @Option(help: "Iterations before a point counts as inside.") var maxIterations: Int =
        MandelbrotWorkload().maxIterations
    @Option(help: "Where to write the image (binary PGM).") var output: String = MandelbrotWorkload().output
    @OptionGroup var options: RunOptions

    var workload: MandelbrotWorkload {
        MandelbrotWorkload(
            width: self.width,
            height: self.height,
            maxIterations: self.maxIterations,
            output: self.output
        )
    }
}
