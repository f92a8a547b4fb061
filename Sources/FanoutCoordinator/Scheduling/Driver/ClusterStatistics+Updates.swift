extension ClusterStatistics {
    /// Applies one change the scheduler's state machine asked for.
    func apply(_ update: StatisticsUpdate) {
        switch update {
        case .worker(let id, let host, let slots, let processID, let completed, let busyNanoseconds):
            self.update(
                worker: id,
                host: host,
                slots: slots,
                processID: processID,
                completed: completed,
                busy: busyNanoseconds
            )
        case .lost(let workerID, let reason):
            self.markLost(worker: workerID, reason: reason)
        case .retried(let count):
            self.addRetried(count)
        case .speculated(let count):
            self.addSpeculated(count)
        case .speculativeWin:
            self.addSpeculativeWin()
        case .moved(let count):
            self.addMoved(count)
        }
    }
}
