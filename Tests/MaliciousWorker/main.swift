import FanoutJobs
import FanoutProtocol
import FanoutWorker
import NIOCore

#if canImport(Glibc)
import Glibc
#endif

// A compromised worker for tests: launched by a real coordinator exactly like `fanout-worker` (same arguments,
// the run secret and channel security on standard input), it joins through the real connect path with the real
// secret and then runs the attack named by `--attack NAME` (with `--attack-arg VALUE`s). Exit 0 when the attack
// ended, 2 on bad arguments, 4 when the coordinator would not let it join.

func fail(_ message: String) -> Never {
    let line = "fanout-malicious-worker: \(message)\n"
    _ = line.utf8CString.withUnsafeBufferPointer { write(2, $0.baseAddress, $0.count - 1) }
    exit(2)
}

func readLine(fd: Int32) -> String? {
    var bytes: [UInt8] = []
    var byte: UInt8 = 0
    while bytes.count < 4096 {
        let count = read(fd, &byte, 1)
        if count < 0 && errno == EINTR { continue }
        if count <= 0 { break }
        if byte == UInt8(ascii: "\n") { return String(decoding: bytes, as: UTF8.self) }
        bytes.append(byte)
    }
    return bytes.isEmpty ? nil : String(decoding: bytes, as: UTF8.self)
}

var attackName: String?
var attackArguments: [String] = []
var host = "127.0.0.1"
var port = 0
var slots = 1
var workerID = ""
var hostLabel: String?
var maximumFrameBytes = ProtocolConstants.defaultMaximumFrameBytes
var overStandardIO = false
var remaining = CommandLine.arguments.dropFirst()
while let argument = remaining.popFirst() {
    if argument == "--stdio" {
        overStandardIO = true
        continue
    }
    guard let value = remaining.popFirst() else { fail("\(argument) needs a value") }
    switch argument {
    case "--attack": attackName = value
    case "--attack-arg": attackArguments.append(value)
    case "--connect":
        guard let colon = value.lastIndex(of: ":"), let parsed = Int(value[value.index(after: colon)...]) else {
            fail("--connect wants HOST:PORT")
        }
        host = String(value[..<colon])
        port = parsed
    case "--slots": slots = Int(value) ?? 1
    case "--id": workerID = value
    case "--host-label": hostLabel = value
    case "--max-frame-bytes": maximumFrameBytes = Int(value) ?? maximumFrameBytes
    case "--connect-timeout", "--digest-hint": continue
    default: fail("unknown argument \(argument)")
    }
}
// A CLI run (`fanout exec`) launches the `fanout-worker` beside it with no extra arguments: a hard link to this
// binary under that name takes its attack from FANOUT_ATTACK (arguments: FANOUT_ATTACK_ARGS, comma-separated).
if attackName == nil, let name = getenv("FANOUT_ATTACK") {
    attackName = String(decoding: UnsafeRawBufferPointer(start: name, count: strlen(name)), as: UTF8.self)
    if let list = getenv("FANOUT_ATTACK_ARGS") {
        let text = String(decoding: UnsafeRawBufferPointer(start: list, count: strlen(list)), as: UTF8.self)
        attackArguments = text.split(separator: ",").map(String.init)
    }
}
guard let attackName, let attackType = Attacks.named(attackName) else {
    fail("--attack NAME is required; known: \(Attacks.all.map { $0.name }.joined(separator: ", "))")
}
let attack: any Attack
do {
    attack = try attackType.init(arguments: attackArguments)
} catch {
    fail("\(error)")
}
guard let secretLine = readLine(fd: 0), let secret = RunSecret(hexEncoded: secretLine) else {
    fail("no run secret on standard input")
}
guard let securityLine = readLine(fd: 0), let security = try? ChannelSecurity(launchLine: securityLine) else {
    fail("no channel security on standard input")
}
var configuration = WorkerConfiguration(
    coordinatorHost: host,
    coordinatorPort: port,
    secret: secret,
    channelSecurity: security,
    slots: slots,
    workerID: workerID,
    hostName: hostLabel,
    registry: .builtin,
    maximumFrameBytes: maximumFrameBytes
)
configuration.overStandardIO = overStandardIO
exit(await Harness.run(attack, configuration: configuration, registry: .builtin))
