import FanoutBench

extension BenchPlan {
    /// Runs the plan's steps (``steps(warmups:repeats:)``) and sums each mode's measured runs up.
    /// - Parameters:
    ///   - runner: What runs the steps.
    ///   - warmups: Unmeasured runs per in-process mode.
    ///   - repeats: Measured runs per mode.
    ///   - note: Receives a progress line after each run.
    /// - Returns: The sequential median, one result per planned mode, in the plan's order, and what the machine
    ///   said about itself from just before the first measured run to just after the last (for the warnings).
    /// - Throws: What the runner throws.
    func measure(
        with runner: some BenchModeRunner,
        warmups: Int,
        repeats: Int,
        note: (String) -> Void
    ) async throws -> (sequential: TimingSummary, modes: [ModeResult], readings: MachineReadings) {
        var oneTaskSeconds = 0.0
        var speeds = Array(repeating: [String: Double](), count: self.modes.count)
        var samples = Array(repeating: [ClusterRunMeasurement](), count: self.modes.count)
        let rounds = max(1, repeats)
        var firstMeasured: MachineProbe?
        for step in self.steps(warmups: warmups, repeats: repeats) {
            switch step {
            case .timeOneTask:
                oneTaskSeconds = try await runner.oneTaskSeconds()
            case .calibrate(let index):
                speeds[index] = try await runner.calibrate(self.modes[index], oneTaskSeconds: oneTaskSeconds)
            case .warmUp(let index, let run):
                let seconds = try await runner.runOnce(self.modes[index]).wall
                note("\(self.modes[index].label): warm-up \(run + 1)/\(warmups): \(NumberFormatting.duration(seconds))")
            case .measure(let index, let round):
                if firstMeasured == nil { firstMeasured = MachineProbe.now() }
                let measurement = try await runner.runOnce(self.modes[index])
                samples[index].append(measurement)
                note(
                    "\(self.modes[index].label): run \(round + 1)/\(rounds): "
                        + NumberFormatting.duration(measurement.wall)
                )
            }
        }
        let lastMeasured = MachineProbe.now()
        guard let sequential = TimingSummary(samples: samples[0].map(\.wall)) else {
            throw BenchError(.taskFailed, "no runs")
        }
        let readings = (firstMeasured ?? lastMeasured).readings(until: lastMeasured)
        let results = self.modes.enumerated().map { index, mode in
            switch mode {
            case .sequential:
                ModeResult(
                    mode: mode.label,
                    coresUsed: 1,
                    workers: 1,
                    wall: sequential,
                    sequentialSeconds: sequential.median
                )
            case .threads(let threads):
                ModeResult(
                    mode: mode.label,
                    coresUsed: threads,
                    workers: threads,
                    wall: TimingSummary(samples: samples[index].map(\.wall)) ?? sequential,
                    sequentialSeconds: sequential.median,
                    sequentialSamples: sequential.samples
                )
            case .cluster:
                ModeResult(
                    mode: mode.label,
                    runs: samples[index],
                    speeds: speeds[index],
                    sequentialSeconds: sequential.median,
                    sequentialSamples: sequential.samples
                )
            }
        }
        return (sequential, results, readings)
    }
}
