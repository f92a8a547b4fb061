// swift-tools-version: 6.2
import PackageDescription

// A separate package, so the main one does not build (or depend on) anything for it. It times the payload coders
// on the shapes Fanout jobs carry; `README.md` has the command and the figures.
let package = Package(
    name: "payload-coders",
    platforms: [.macOS(.v15)],
    dependencies: [
        .package(name: "Fanout", path: "../..")
    ],
    targets: [
        .executableTarget(
            name: "PayloadCoderBenchmark",
            dependencies: [
                .product(name: "FanoutCompactCoder", package: "Fanout"),
                .product(name: "FanoutJobs", package: "Fanout"),
            ],
            swiftSettings: [
                .swiftLanguageMode(.v6),
                .enableUpcomingFeature("ExistentialAny"),
                .enableUpcomingFeature("MemberImportVisibility"),
            ]
        )
    ]
)
