/// Renders one row of the Mandelbrot set: for each pixel, the escape iteration count scaled to a grey level.
///
/// Rows near the set's body cost far more than rows at the edge of the image, another test of dynamic scheduling.
/// The coordinator assembles the rows into a PGM image.
public enum Mandelbrot: Job {
    /// One task's input: which row, and the image it belongs to.
    public struct Input: Codable, Sendable, Equatable {
        /// Row index, 0 at the top.
        public var row: Int
        /// Image width in pixels.
        public var width: Int
        /// Image height in pixels.
        public var height: Int
        /// Iterations before a point counts as inside the set.
        public var maximumIterations: Int

        /// Creates an input for the classic view, real part in [-2.5, 1], imaginary in [-1.25, 1.25].
        public init(row: Int, width: Int, height: Int, maximumIterations: Int) {
            self.row = row
            self.width = width
            self.height = height
            self.maximumIterations = maximumIterations
        }
    }

    /// One rendered row.
    public struct Row: Codable, Sendable, Equatable {
        /// Row index, 0 at the top.
        public var row: Int
        /// One grey level per pixel: 0 inside the set, brighter the faster the point escapes.
        public var pixels: [UInt8]

        /// Creates a row.
        public init(row: Int, pixels: [UInt8]) {
            self.row = row
            self.pixels = pixels
        }
    }

    public static let name = "mandelbrot"

    public static func run(_ input: Input) throws -> Row {
        guard input.width > 0, input.height > 0, input.width <= 1 << 16, input.height <= 1 << 16,
            (0..<input.height).contains(input.row), input.maximumIterations > 0
        else {
            throw JobFailure(
                "mandelbrot: bad geometry \(input.width)x\(input.height), row \(input.row), "
                    + "\(input.maximumIterations) iterations"
            )
        }
        let imaginary = 1.25 - 2.5 * (Double(input.row) + 0.5) / Double(input.height)
        var pixels = [UInt8](repeating: 0, count: input.width)
        for column in 0..<input.width {
            let real = -2.5 + 3.5 * (Double(column) + 0.5) / Double(input.width)
            let iterations = Self.escapeIterations(real: real, imaginary: imaginary, limit: input.maximumIterations)
            pixels[column] =
                iterations == input.maximumIterations
                ? 0 : UInt8(truncatingIfNeeded: 255 - (iterations * 255 / input.maximumIterations))
        }
        return Row(row: input.row, pixels: pixels)
    }

    /// Iterations of z ← z² + c before |z| > 2, at most `limit`.
    public static func escapeIterations(real: Double, imaginary: Double, limit: Int) -> Int {
        var x = 0.0
        var y = 0.0
        var iteration = 0
        while iteration < limit {
            let x2 = x * x
            let y2 = y * y
            if x2 + y2 > 4 { break }
            y = 2 * x * y + imaginary
            x = x2 - y2 + real
            iteration += 1
        }
        return iteration
    }

    /// Assembles rows into a binary PGM (P5) image.
    /// - Parameters:
    ///   - rows: Every row of the image, in any order.
    ///   - width: Image width.
    ///   - height: Image height.
    /// - Returns: The file's bytes.
    public static func portableGraymap(rows: [Row], width: Int, height: Int) -> [UInt8] {
        let width = max(0, width)
        let height = max(0, height)
        var image = [UInt8](repeating: 0, count: width * height)
        for row in rows where (0..<height).contains(row.row) && row.pixels.count == width {
            image.replaceSubrange(row.row * width..<(row.row + 1) * width, with: row.pixels)
        }
        return Array("P5\n\(width) \(height)\n255\n".utf8) + image
    }
}
