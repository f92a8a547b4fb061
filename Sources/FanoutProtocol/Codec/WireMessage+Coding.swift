import NIOCore

extension WireMessage {
    /// The one-byte tag that starts every frame's payload.
    enum Tag: UInt8 {
        case hello = 1
        case challenge = 2
        case authenticate = 3
        case welcome = 4
        case refused = 5
        case taskBatch = 6
        case resultBatch = 7
        case heartbeat = 8
        case cancel = 9
        case drain = 10
        case shutdown = 11
        case log = 12
    }

    /// Appends this message's payload (tag and body, without the frame length) to `buffer`.
    /// - Parameter buffer: The buffer to write into.
    public func encode(into buffer: inout ByteBuffer) {
        switch self {
        case .hello(let hello):
            buffer.writeInteger(Tag.hello.rawValue)
            // The magic comes first so a non-Fanout peer is recognised from the first bytes.
            buffer.writeInteger(hello.magic, endianness: .big)
            buffer.writeInteger(hello.protocolVersion, endianness: .big)
            buffer.writeLengthPrefixed(hello.binaryDigest)
            buffer.writeLengthPrefixed(hello.hostName)
            buffer.writeInteger(hello.processID, endianness: .big)
            buffer.writeInteger(UInt32(clamping: hello.slots), endianness: .big)
            buffer.writeLengthPrefixed(hello.workerID)
            buffer.writeLengthPrefixed(hello.nonce)
        case .challenge(let challenge):
            buffer.writeInteger(Tag.challenge.rawValue)
            buffer.writeLengthPrefixed(challenge.nonce)
            buffer.writeLengthPrefixed(challenge.proof)
        case .authenticate(let authenticate):
            buffer.writeInteger(Tag.authenticate.rawValue)
            buffer.writeLengthPrefixed(authenticate.proof)
        case .welcome(let welcome):
            buffer.writeInteger(Tag.welcome.rawValue)
            buffer.writeLengthPrefixed(welcome.workerID)
            buffer.writeInteger(welcome.heartbeatIntervalMilliseconds, endianness: .big)
            buffer.writeInteger(welcome.heartbeatTimeoutMilliseconds, endianness: .big)
            buffer.writeInteger(welcome.taskTimeoutMilliseconds, endianness: .big)
        case .refused(let refusal):
            buffer.writeInteger(Tag.refused.rawValue)
            buffer.writeLengthPrefixed(refusal.code)
            buffer.writeLengthPrefixed(refusal.message)
        case .taskBatch(let batch):
            buffer.writeInteger(Tag.taskBatch.rawValue)
            buffer.writeLengthPrefixed(batch.job)
            buffer.writeInteger(UInt32(truncatingIfNeeded: batch.tasks.count), endianness: .big)
            for task in batch.tasks {
                buffer.writeInteger(task.taskID, endianness: .big)
                buffer.writeLengthPrefixed(task.input)
            }
        case .resultBatch(let batch):
            buffer.writeInteger(Tag.resultBatch.rawValue)
            buffer.writeInteger(UInt32(truncatingIfNeeded: batch.results.count), endianness: .big)
            for result in batch.results {
                buffer.writeInteger(result.taskID, endianness: .big)
                buffer.writeInteger(result.busyNanoseconds, endianness: .big)
                switch result.outcome {
                case .success(let bytes):
                    buffer.writeInteger(UInt8(0))
                    buffer.writeLengthPrefixed(bytes)
                case .failure(let message):
                    buffer.writeInteger(UInt8(1))
                    buffer.writeLengthPrefixed(message)
                }
            }
        case .heartbeat(let heartbeat):
            buffer.writeInteger(Tag.heartbeat.rawValue)
            buffer.writeInteger(heartbeat.tasksInFlight, endianness: .big)
        case .cancel(let cancel):
            buffer.writeInteger(Tag.cancel.rawValue)
            buffer.writeInteger(UInt32(truncatingIfNeeded: cancel.taskIDs.count), endianness: .big)
            for id in cancel.taskIDs {
                buffer.writeInteger(id, endianness: .big)
            }
        case .drain:
            buffer.writeInteger(Tag.drain.rawValue)
        case .shutdown:
            buffer.writeInteger(Tag.shutdown.rawValue)
        case .log(let line):
            buffer.writeInteger(Tag.log.rawValue)
            buffer.writeLengthPrefixed(line.level)
            buffer.writeLengthPrefixed(line.message)
        }
    }

    /// Decodes one frame's payload.
    /// - Parameter payload: The payload of one frame, without its length prefix.
    /// - Returns: The message.
    /// - Throws: ``ProtocolError`` when the payload is truncated, unknown or has trailing bytes.
    public static func decode(_ payload: ByteBuffer) throws(ProtocolError) -> WireMessage {
        do {
            var reader = WireReader(payload)
            let rawTag = try reader.readInteger(UInt8.self, "message tag")
            guard let tag = Tag(rawValue: rawTag) else {
                throw ProtocolError(.malformed, "unknown message tag \(rawTag)")
            }
            let message = try Self.decodeBody(tag, &reader)
            try reader.expectEnd(message.kind)
            return message
        } catch let error as ProtocolError {
            throw error
        } catch {
            throw ProtocolError(.malformed, "\(error)")
        }
    }

    private static func decodeBody(_ tag: Tag, _ reader: inout WireReader) throws -> WireMessage {
        switch tag {
        case .hello:
            let magic = try reader.readInteger(UInt32.self, "magic")
            guard magic == ProtocolConstants.magic else {
                throw ProtocolError(.badMagic, "not a Fanout peer (magic 0x\(String(magic, radix: 16)))")
            }
            return .hello(
                Hello(
                    magic: magic,
                    protocolVersion: try reader.readInteger(UInt16.self, "protocol version"),
                    binaryDigest: try reader.readString("binary digest"),
                    hostName: try reader.readString("host name"),
                    processID: try reader.readInteger(Int32.self, "process id"),
                    slots: Int(try reader.readInteger(UInt32.self, "slots")),
                    workerID: try reader.readString("worker id"),
                    nonce: try reader.readBytes("nonce")
                )
            )
        case .challenge:
            return .challenge(Challenge(nonce: try reader.readBytes("nonce"), proof: try reader.readBytes("proof")))
        case .authenticate:
            return .authenticate(Authenticate(proof: try reader.readBytes("proof")))
        case .welcome:
            return .welcome(
                Welcome(
                    workerID: try reader.readString("worker id"),
                    heartbeatIntervalMilliseconds: try reader.readInteger(UInt32.self, "heartbeat interval"),
                    heartbeatTimeoutMilliseconds: try reader.readInteger(UInt32.self, "heartbeat timeout"),
                    taskTimeoutMilliseconds: try reader.readInteger(UInt32.self, "task timeout")
                )
            )
        case .refused:
            return .refused(Refusal(code: try reader.readString("code"), message: try reader.readString("message")))
        case .taskBatch:
            let job = try reader.readString("job name")
            // Each task is at least an 8-byte id and a 4-byte length.
            let count = try reader.readCount("task count", minimumElementBytes: 12)
            var tasks: [TaskAssignment] = []
            tasks.reserveCapacity(count)
            for _ in 0..<count {
                let id = try reader.readInteger(UInt64.self, "task id")
                tasks.append(TaskAssignment(taskID: id, input: try reader.readBytes("task input")))
            }
            return .taskBatch(TaskBatch(job: job, tasks: tasks))
        case .resultBatch:
            // id, busy time, outcome tag, length.
            let count = try reader.readCount("result count", minimumElementBytes: 21)
            var results: [TaskCompletion] = []
            results.reserveCapacity(count)
            for _ in 0..<count {
                let id = try reader.readInteger(UInt64.self, "task id")
                let busy = try reader.readInteger(UInt64.self, "busy time")
                let outcome: TaskOutcome
                switch try reader.readInteger(UInt8.self, "outcome") {
                case 0: outcome = .success(try reader.readBytes("task output"))
                case 1: outcome = .failure(try reader.readString("task error"))
                case let other: throw ProtocolError(.malformed, "unknown outcome tag \(other)")
                }
                results.append(TaskCompletion(taskID: id, outcome: outcome, busyNanoseconds: busy))
            }
            return .resultBatch(ResultBatch(results: results))
        case .heartbeat:
            return .heartbeat(Heartbeat(tasksInFlight: try reader.readInteger(UInt32.self, "tasks in flight")))
        case .cancel:
            let count = try reader.readCount("cancel count", minimumElementBytes: 8)
            var ids: [UInt64] = []
            ids.reserveCapacity(count)
            for _ in 0..<count {
                ids.append(try reader.readInteger(UInt64.self, "task id"))
            }
            return .cancel(CancelTasks(taskIDs: ids))
        case .drain:
            return .drain
        case .shutdown:
            return .shutdown
        case .log:
            return .log(LogLine(level: try reader.readString("level"), message: try reader.readString("message")))
        }
    }
}
