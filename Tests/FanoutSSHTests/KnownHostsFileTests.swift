import FanoutSSH
import Foundation
import Testing

@Suite struct KnownHostsFileTests {
    let key = SSHHostKey(type: "ssh-ed25519", base64: "AAAAC3NzaC1lZDI1NTE5AAAAIExample", fingerprintSHA256: "SHA256:x")

    @Test func entryOnTheStandardPortIsThePlainHost() {
        #expect(
            KnownHostsFile.entry(host: "10.213.0.11", port: 22, key: self.key)
                == "10.213.0.11 ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIExample"
        )
    }

    @Test func entryOnAnotherPortIsBracketed() {
        #expect(
            KnownHostsFile.entry(host: "10.213.0.11", port: 2222, key: self.key)
                == "[10.213.0.11]:2222 ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIExample"
        )
    }

    @Test func appendCreatesPrivateDirectoryAndFileAndAddsLines() throws {
        let root = NSTemporaryDirectory() + "fanout-known-hosts-\(UUID().uuidString.prefix(8))"
        defer { try? FileManager.default.removeItem(atPath: root) }
        let path = root + "/dot-ssh/known_hosts"
        try KnownHostsFile.append("a ssh-ed25519 AAAA", to: path)
        try "b ssh-ed25519 BBBB".appendWithoutNewline(to: path)
        try KnownHostsFile.append("c ssh-ed25519 CCCC", to: path)
        let contents = try String(contentsOfFile: path, encoding: .utf8)
        #expect(contents == "a ssh-ed25519 AAAA\nb ssh-ed25519 BBBB\nc ssh-ed25519 CCCC\n")
        let fileMode = try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int
        let directoryMode =
            try FileManager.default.attributesOfItem(atPath: root + "/dot-ssh")[.posixPermissions] as? Int
        #expect(fileMode == 0o600)
        #expect(directoryMode == 0o700)
    }
}

extension String {
    fileprivate func appendWithoutNewline(to path: String) throws {
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
        defer { try? handle.close() }
        try handle.seekToEnd()
        try handle.write(contentsOf: Data(self.utf8))
    }
}
