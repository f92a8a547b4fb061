// swift-tools-version: 6.2
import PackageDescription

/// Settings every target of ours shares: Swift 6 language mode and the upcoming features the house style asks for.
let strictSettings: [SwiftSetting] = [
    .swiftLanguageMode(.v6),
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("MemberImportVisibility"),
]

let package = Package(
    name: "Fanout",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "fanout", targets: ["fanout"]),
        .executable(name: "fanout-worker", targets: ["fanout-worker"]),
        .library(name: "FanoutCoordinator", targets: ["FanoutCoordinator"]),
        .library(name: "FanoutJobs", targets: ["FanoutJobs"]),
        .library(name: "FanoutCompactCoder", targets: ["FanoutCompactCoder"]),
        .library(name: "FanoutSessions", targets: ["FanoutSessions"]),
        // For programs that define their own jobs and are their own workers (`WorkerCommandLine.runIfRequested`).
        .library(name: "FanoutWorker", targets: ["FanoutWorker"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-crypto.git", from: "3.12.3"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/jpsim/Yams.git", from: "6.2.2"),
        .package(url: "https://github.com/swiftlang/swift-subprocess.git", from: "1.0.2"),
        .package(url: "https://github.com/apple/swift-nio-ssl.git", from: "2.37.6"),
        .package(url: "https://github.com/apple/swift-certificates.git", from: "1.21.1"),
        .package(url: "https://github.com/apple/swift-asn1.git", from: "1.7.4"),
        .package(url: "https://github.com/HdrHistogram/hdrhistogram-swift.git", from: "0.2.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
    ],
    targets: [
        // Wire protocol: frames, messages, handshake. Light: NIOCore, Crypto, FoundationEssentials.
        .target(
            name: "FanoutProtocol",
            dependencies: [
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: strictSettings
        ),
        // The Compact binary Codable format that job payloads use. Standard library only: no NIO, no Foundation.
        .target(name: "FanoutCompactCoder", swiftSettings: strictSettings),
        // fork + setpgid + PR_SET_PDEATHSIG + exec for `fanout exec`: what posix_spawn cannot do, in a few lines of C.
        .target(name: "CFanoutSpawn"),
        // The Job protocol, the registry and the built-in kernels (the `exec` job among them). Shared by
        // coordinator and worker.
        .target(
            name: "FanoutJobs",
            dependencies: [
                "FanoutProtocol",
                "FanoutCompactCoder",
                "CFanoutSpawn",
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: strictSettings
        ),
        // The worker runtime. Copied to hosts without Swift: no Yams, no libssh2, no X509, no full Foundation.
        // NIOSSL (BoringSSL, linked statically) is its only TLS piece: it pins the coordinator's certificate by
        // fingerprint, so it never parses certificates itself.
        .target(
            name: "FanoutWorker",
            dependencies: [
                "FanoutProtocol",
                "FanoutJobs",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
            ],
            swiftSettings: strictSettings
        ),
        // libssh2, the system C library (Debian: libssh2-1-dev), with static inline wrappers for its macros.
        .systemLibrary(
            name: "CLibSSH2",
            pkgConfig: "libssh2",
            providers: [.apt(["libssh2-1-dev"])]
        ),
        // A Swift wrapper over libssh2: sessions, host keys, auth, exec channels, upload. Blocking calls run on
        // dedicated threads, never on an event loop or the cooperative pool.
        .target(
            name: "FanoutSSH",
            dependencies: [
                "CLibSSH2",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
            ],
            swiftSettings: strictSettings
        ),
        // cluster.yaml: typed configuration, loaded with Yams, with file:line:col errors.
        .target(
            name: "FanoutConfiguration",
            dependencies: [.product(name: "Yams", package: "Yams")],
            swiftSettings: strictSettings
        ),
        // The coordinator: listener, launchers, scheduler, results.
        .target(
            name: "FanoutCoordinator",
            dependencies: [
                "FanoutProtocol",
                "FanoutJobs",
                "FanoutConfiguration",
                "FanoutSSH",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Subprocess", package: "swift-subprocess"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "X509", package: "swift-certificates"),
                .product(name: "SwiftASN1", package: "swift-asn1"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
            ],
            swiftSettings: strictSettings
        ),
        // `fanout bench`'s pure part: statistics, the report model and its Markdown, JSON, CSV and SVG forms.
        .target(
            name: "FanoutBench",
            dependencies: [.product(name: "Histogram", package: "hdrhistogram-swift")],
            swiftSettings: strictSettings
        ),
        // The application layer: run, exec and bench sessions and the workload catalog: what the CLI and library
        // users drive. No argument parsing and no printing: results and progress reach the caller through reporters.
        .target(
            name: "FanoutSessions",
            dependencies: [
                "FanoutCoordinator",
                "FanoutConfiguration",
                "FanoutJobs",
                "FanoutProtocol",
                // The bench's reports, and its provenance: hosts' CPUs read over SSH.
                "FanoutBench",
                "FanoutSSH",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                // SHA-256 of the files exec stages (their names in the hosts' caches).
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: strictSettings
        ),
        .executableTarget(
            name: "fanout",
            dependencies: [
                "FanoutSessions",
                "FanoutBench",
                "FanoutCoordinator",
                "FanoutProtocol",
                "FanoutConfiguration",
                "FanoutJobs",
                "FanoutSSH",
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Histogram", package: "hdrhistogram-swift"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
            ],
            swiftSettings: strictSettings
        ),
        .executableTarget(
            name: "fanout-worker",
            dependencies: ["FanoutWorker", "FanoutJobs", "FanoutProtocol"],
            swiftSettings: strictSettings
        ),
        .executableTarget(
            name: "UserDefinedJob",
            dependencies: ["FanoutCoordinator", "FanoutJobs", "FanoutWorker"],
            path: "Examples/UserDefinedJob",
            swiftSettings: strictSettings
        ),
        // Test support: a compromised worker the coordinator launches like `fanout-worker` (real secret, real
        // protocol, lies), and helpers that build clusters of it.
        .executableTarget(
            name: "fanout-malicious-worker",
            dependencies: [
                "FanoutWorker", "FanoutJobs", "FanoutProtocol",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
            ],
            path: "Tests/MaliciousWorker",
            exclude: ["README.md"],
            swiftSettings: strictSettings
        ),
        // Test support: a worker with a job whose exit hook leaves a mark, to see the runtime call it on every exit.
        .executableTarget(
            name: "fanout-exit-hook-worker",
            dependencies: ["FanoutWorker", "FanoutJobs", "FanoutProtocol"],
            path: "Tests/ExitHookWorker",
            swiftSettings: strictSettings
        ),
        .target(
            name: "FanoutTestSupport",
            dependencies: [
                "FanoutCoordinator", "FanoutConfiguration", "FanoutJobs",
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Tests/FanoutTestSupport",
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "FanoutProtocolTests",
            dependencies: [
                "FanoutProtocol",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOEmbedded", package: "swift-nio"),
            ],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "FanoutCompactCoderTests",
            // FanoutJobs: its SplitMix64, the one seedable generator.
            dependencies: ["FanoutCompactCoder", "FanoutJobs"],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "FanoutBenchTests",
            dependencies: ["FanoutBench"],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "FanoutJobsTests",
            dependencies: ["FanoutJobs"],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "FanoutSSHTests",
            dependencies: ["FanoutSSH"],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "FanoutConfigurationTests",
            // FanoutJobs: its SplitMix64, the one seedable generator.
            dependencies: ["FanoutConfiguration", "FanoutJobs"],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "FanoutWorkerTests",
            dependencies: ["FanoutWorker", "FanoutProtocol"],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "FanoutCoordinatorTests",
            dependencies: [
                "FanoutCoordinator", "FanoutProtocol", "FanoutConfiguration",
                .product(name: "NIOEmbedded", package: "swift-nio"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
            ],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "FanoutSessionsTests",
            dependencies: [
                "FanoutSessions", "FanoutCoordinator", "FanoutConfiguration", "FanoutJobs", "FanoutTestSupport",
                "FanoutBench",
            ],
            swiftSettings: strictSettings
        ),
        // The command line's own pieces (output streams); integration tests run the built executable instead.
        .testTarget(
            name: "fanoutTests",
            dependencies: ["fanout", "FanoutSessions", "FanoutCoordinator"],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "FanoutIntegrationTests",
            dependencies: [
                "FanoutCoordinator", "FanoutJobs", "FanoutProtocol", "FanoutWorker", "FanoutConfiguration",
                "FanoutBench", "FanoutTestSupport",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ],
            swiftSettings: strictSettings
        ),
    ]
)
