import NIOCore

/// The current run's inputs that the producer encoded and the state machine has not handed out yet, refilled a
/// chunk at a time before it runs dry.
struct InputBuffer {
    /// Inputs asked for at once.
    let chunkSize: Int
    /// Bytes of inputs buffered at most before another chunk is asked for.
    let byteLimit: Int
    private var inputs = CircularBuffer<ProducedInput>()
    private(set) var bytes = 0
    /// A chunk was asked for and has not arrived.
    private(set) var isRequested = false
    /// The producer said the input sequence ended: what is buffered is all there is.
    private(set) var producerFinished = false

    init(chunkSize: Int, byteLimit: Int) {
        self.chunkSize = max(1, chunkSize)
        self.byteLimit = max(1, byteLimit)
    }

    init(settings: SchedulerSettings) {
        self.init(chunkSize: settings.inputChunkSize, byteLimit: settings.inputBufferByteLimit)
    }

    var count: Int { self.inputs.count }

    /// Every input was handed out and no more will come.
    var isExhausted: Bool { self.producerFinished && self.inputs.isEmpty }

    /// Whether to ask the producer for another chunk now: none is on its way, the sequence has not ended, and
    /// what is buffered is down to half a chunk (and half the bytes).
    var wantsMore: Bool {
        !self.isRequested && !self.producerFinished && self.inputs.count <= self.chunkSize / 2
            && self.bytes < self.byteLimit / 2
    }

    /// A new run: nothing buffered, nothing asked for.
    mutating func startRun() {
        self.inputs.removeAll()
        self.bytes = 0
        self.isRequested = false
        self.producerFinished = false
    }

    /// Marks a chunk as asked for.
    mutating func markRequested() { self.isRequested = true }

    /// A chunk arrived.
    mutating func receive(_ chunk: [ProducedInput], finished: Bool) {
        self.isRequested = false
        self.producerFinished = self.producerFinished || finished
        self.inputs.append(contentsOf: chunk)
        for input in chunk { self.bytes &+= input.bufferedBytes }
    }

    /// The next input, in input order.
    mutating func popFirst() -> ProducedInput? {
        guard let input = self.inputs.popFirst() else { return nil }
        self.bytes &-= input.bufferedBytes
        return input
    }

    /// No more inputs are wanted (the run ends early): drop what is buffered.
    mutating func close() {
        self.inputs.removeAll()
        self.bytes = 0
        self.producerFinished = true
    }
}
