internal import CLibSSH2
internal import Glibc

extension SessionDriver {
    /// Copies a local file to the host with SCP.
    ///
    /// - Parameters:
    ///   - localPath: The file to send.
    ///   - remotePath: Where to put it (created or overwritten).
    ///   - mode: The remote file's permission bits.
    ///   - interrupt: The operation's cancellation state.
    ///   - progress: Called after every chunk with (bytes sent, total bytes), on the session thread.
    /// - Throws: `SSHError(.uploadFailed)`, `SSHError(.disconnected)`, or `CancellationError`.
    func upload(
        localPath: String,
        remotePath: String,
        mode: Int32,
        interrupt: OperationInterrupt,
        progress: (Int64, Int64) -> Void
    ) throws {
        let endpoint = self.target.endpointDescription
        let descriptor = open(localPath, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else {
            throw SSHError(
                code: .uploadFailed,
                host: self.target.host,
                message: "cannot upload \(localPath) to \(endpoint): \(String(cString: strerror(errno)))"
            )
        }
        defer { close(descriptor) }
        var status = stat()
        guard fstat(descriptor, &status) == 0 else {
            throw SSHError(
                code: .uploadFailed,
                host: self.target.host,
                message: "cannot upload \(localPath) to \(endpoint): \(String(cString: strerror(errno)))"
            )
        }
        let total = Int64(status.st_size)
        let onTimeout = {
            SSHError(code: .timedOut, host: self.target.host, message: "upload to \(endpoint) timed out")
        }

        let channel = try self.retryingPointer(until: nil, interrupt: interrupt, onTimeout: onTimeout) {
            libssh2_scp_send64(self.session, remotePath, mode & 0o777, total, 0, 0)
        }
        guard let channel else {
            throw self.failure(.uploadFailed, "uploading \(localPath) to \(remotePath)", result: self.lastErrorCode)
        }
        var finished = false
        defer { self.release(channel, sendEOF: !finished) }

        var buffer = [CChar](repeating: 0, count: Self.channelChunkSize)
        var sent: Int64 = 0
        while sent < total {
            let count = read(descriptor, &buffer, buffer.count)
            guard count > 0 else {
                throw SSHError(
                    code: .uploadFailed,
                    host: self.target.host,
                    message: "cannot read \(localPath) while uploading to \(endpoint): "
                        + (count == 0 ? "file shrank" : String(cString: strerror(errno)))
                )
            }
            var offset = 0
            while offset < count {
                let written = try self.retrying(until: nil, interrupt: interrupt, onTimeout: onTimeout) {
                    buffer.withUnsafeBufferPointer {
                        fanout_libssh2_channel_write(channel, $0.baseAddress! + offset, count - offset)
                    }
                }
                guard written > 0 else {
                    throw self.failure(.uploadFailed, "uploading \(localPath) to \(remotePath)", result: Int32(written))
                }
                offset += written
            }
            sent += Int64(count)
            progress(sent, total)
        }

        // The SCP protocol ends each file with a status byte from the sender; libssh2 leaves it to the caller,
        // and without it OpenSSH's `scp -t` treats the EOF as a lost connection and exits with status 1.
        var endOfFile: CChar = 0
        let ended = try self.retrying(until: nil, interrupt: interrupt, onTimeout: onTimeout) {
            fanout_libssh2_channel_write(channel, &endOfFile, 1)
        }
        guard ended == 1 else {
            throw self.failure(
                .uploadFailed,
                "finishing the upload of \(localPath) to \(remotePath)",
                result: Int32(ended)
            )
        }
        for step in [libssh2_channel_send_eof, libssh2_channel_wait_eof, libssh2_channel_close] {
            let result = try self.retrying(until: nil, interrupt: interrupt, onTimeout: onTimeout) { step(channel) }
            guard result == 0 else {
                throw self.failure(
                    .uploadFailed,
                    "finishing the upload of \(localPath) to \(remotePath)",
                    result: result
                )
            }
        }
        finished = true
        if case let (status?, _) = self.exitStatus(of: channel), status != 0 {
            throw SSHError(
                code: .uploadFailed,
                host: self.target.host,
                message:
                    "uploading \(localPath) to \(remotePath) on \(endpoint) failed: scp exited with status \(status)"
            )
        }
    }
}
