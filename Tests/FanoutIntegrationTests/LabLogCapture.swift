import Logging
import NIOConcurrencyHelpers

/// Keeps every log message of a cluster.
final class LabLogCapture: Sendable {
    let lines = NIOLockedValueBox<[String]>([])

    var logger: Logger {
        var logger = Logger(label: "fanout-lab-capture") { _ in LabLogCaptureHandler(sink: self) }
        logger.logLevel = .trace
        return logger
    }
}

/// The handler behind ``LabLogCapture``.
struct LabLogCaptureHandler: LogHandler {
    let sink: LabLogCapture
    var metadata: Logger.Metadata = [:]
    var logLevel: Logger.Level = .trace

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { self.metadata[key] }
        set { self.metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        self.sink.lines.withLockedValue { $0.append("\(event.level) \(event.message)") }
    }
}
