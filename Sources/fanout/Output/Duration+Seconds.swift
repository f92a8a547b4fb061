extension Duration {
    /// The duration in seconds, as a `Double`, for printing.
    var seconds: Double {
        Double(self.components.seconds) + Double(self.components.attoseconds) / 1e18
    }

    /// The duration in milliseconds, as a `Double`, for printing.
    var milliseconds: Double { self.seconds * 1000 }
}
