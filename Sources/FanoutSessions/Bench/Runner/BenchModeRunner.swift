/// What measuring a ``BenchPlan``'s modes needs done: the real one runs the workload (``WorkloadRunner``); tests
/// give a fake that records the order of the calls.
protocol BenchModeRunner: Sendable {
    /// One task of this machine's sequential run, in seconds (the middle task, the median of three runs).
    func oneTaskSeconds() async throws -> Double

    /// A cluster mode's calibration run, which also starts and deploys its workers.
    /// - Parameters:
    ///   - mode: The cluster mode.
    ///   - oneTaskSeconds: What ``oneTaskSeconds()`` measured.
    /// - Returns: Per-core speed per host against this machine.
    func calibrate(_ mode: PlannedMode, oneTaskSeconds: Double) async throws -> [String: Double]

    /// One run of a mode on the bench's workload.
    /// - Parameter mode: The mode.
    /// - Returns: What it took.
    func runOnce(_ mode: PlannedMode) async throws -> ClusterRunMeasurement
}
