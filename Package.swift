// swift-tools-version:6.0
// The bedside syringe-pump controller.
//
// Dependencies point one way:
//   PumpCore (Foundation only: the safety kernel)
//     <- PumpLibrary (TOML data files), PumpSimulator (plant), GPIODBackend (libgpiod), PumpControl (Dispatch loop)
//     <- pumpd (composition root: PumpJournal/GRDB, PumpServer/NIO, systemd notify)
//   PumpProtocol (Foundation only) <- pumpctl, pumpd
//   PumpHL7 (Foundation only) + PumpProtocol <- PumpHL7Bridge (NIO) <- pump-hl7-bridge (talks to pumpd only
//   through its socket, like pumpctl)
import PackageDescription

/// The safety kernel, control loop and plant are always compiled with optimisation, also in debug builds, so
/// the tests exercise the code as it ships and a virtual 40-minute infusion runs in well under a second.
let optimized: [SwiftSetting] = [.unsafeFlags(["-O"])]

/// `PUMP_FUZZ=1 swift build --scratch-path .build-fuzz --product pump-fuzz` (scripts/fuzz.sh) adds the libFuzzer
/// executable and instruments this package's own modules for coverage (optimised, so inputs run fast); the
/// third-party packages are built as usual. Without the variable the package is exactly the normal one.
let fuzzing = Context.environment["PUMP_FUZZ"] == "1"
let fuzzCoverage: [SwiftSetting] = fuzzing ? [.unsafeFlags(["-sanitize=fuzzer", "-O"])] : []

/// Our modules, with coverage instrumentation when building the fuzz target.
func instrumented(_ settings: [SwiftSetting] = []) -> [SwiftSetting] { settings + fuzzCoverage }

let package = Package(
    name: "SyringePump",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "pumpd", targets: ["pumpd"]),
        .executable(name: "pumpctl", targets: ["pumpctl"]),
        .executable(name: "pump-library", targets: ["pump-library"]),
        .executable(name: "pump-demo", targets: ["pump-demo"]),
        .executable(name: "pump-evidence", targets: ["pump-evidence"]),
        .executable(name: "pump-hl7-bridge", targets: ["pump-hl7-bridge"]),
    ],
    dependencies: [
        .package(url: "https://github.com/LebJe/TOMLKit", exact: "0.6.0"),
        .package(url: "https://github.com/apple/swift-argument-parser", exact: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", exact: "1.16.2"),
        .package(url: "https://github.com/apple/swift-nio", exact: "2.101.2"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", exact: "2.13.0"),
        .package(url: "https://github.com/groue/GRDB.swift", exact: "7.10.0"),
        .package(url: "https://github.com/x-sheep/swift-property-based", exact: "2.0.1"),
        .package(url: "https://github.com/apple/swift-crypto", exact: "3.12.3"),
    ],
    targets: [
        // The safety kernel: units, geometry, drug library model, dose plan, supervisor, hazards. Foundation only.
        .target(name: "PumpCore", path: "Sources/PumpCore", swiftSettings: instrumented(optimized)),
        // Loads the drug and syringe libraries from their TOML data files.
        .target(
            name: "PumpLibrary",
            dependencies: ["PumpCore", "TOMLKit", .product(name: "Crypto", package: "swift-crypto")],
            path: "Sources/PumpLibrary",
            resources: [.copy("Data")],
            swiftSettings: instrumented()
        ),
        // The plant simulator (stepper, lead screw, syringe, line pressure, switches) with fault injection.
        .target(
            name: "PumpSimulator", dependencies: ["PumpCore"], path: "hw-sim/Sources/PumpSimulator", swiftSettings: instrumented(optimized)
        ),
        // Dispatch-timer control loop and step emitter; reaches hardware only through the supervisor's gate.
        .target(name: "PumpControl", dependencies: ["PumpCore"], path: "Sources/PumpControl", swiftSettings: instrumented(optimized)),
        // libgpiod v1 (Debian 12: 1.6.3) as a system library, and a thin C shim so a v2 move touches one file.
        .systemLibrary(
            name: "CGPIOD",
            path: "Sources/CGPIOD",
            pkgConfig: "libgpiod",
            providers: [.apt(["libgpiod-dev"])]
        ),
        .target(name: "GPIODShim", dependencies: ["CGPIOD"], path: "Sources/GPIODShim"),
        .target(name: "GPIODBackend", dependencies: ["PumpCore", "GPIODShim"], path: "Sources/GPIODBackend"),
        // Versioned newline-delimited JSON shared by daemon and CLI. Foundation only.
        .target(name: "PumpProtocol", path: "Sources/PumpProtocol", swiftSettings: instrumented()),
        // The HL7 v2 subset the monitor bridge reads (delimiters, escapes, segments; ORU^R01 vital signs; ACK;
        // MLLP framing). Foundation only; hand-written because no HL7 v2 parser is available (see HL7Encoding).
        .target(name: "PumpHL7", path: "Sources/PumpHL7", swiftSettings: instrumented()),
        // The bridge as a library (testable): configuration, message handling, pumpd forwarding, MLLP over NIO.
        .target(
            name: "PumpHL7Bridge",
            dependencies: [
                "PumpHL7", "PumpProtocol", "TOMLKit",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Sources/PumpHL7Bridge",
            swiftSettings: instrumented()
        ),
        // pump-hl7-bridge: a separate small service (own unit and user) between a patient monitor and pumpd.
        .executableTarget(
            name: "pump-hl7-bridge",
            dependencies: [
                "PumpHL7", "PumpHL7Bridge",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Sources/pump-hl7-bridge"
        ),
        // The durable journal (SQLite through GRDB, WAL, synchronous=FULL).
        .target(
            name: "PumpJournal",
            dependencies: ["PumpCore", .product(name: "GRDB", package: "GRDB.swift")],
            path: "Sources/PumpJournal",
            swiftSettings: instrumented()
        ),
        // The Unix-domain socket server (SwiftNIO): line framing, peer credentials, permissions.
        .target(
            name: "PumpServer",
            dependencies: [
                "PumpProtocol",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Sources/PumpServer",
            swiftSettings: instrumented()
        ),
        // The daemon as a library (testable): configuration, the pump service, command handling, recovery,
        // systemd notification. `pumpd` is a thin executable around it.
        .target(
            name: "PumpDaemon",
            dependencies: [
                "PumpCore", "PumpLibrary", "PumpSimulator", "PumpControl", "GPIODBackend", "PumpProtocol",
                "PumpJournal", "PumpServer", "TOMLKit",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            path: "Sources/PumpDaemon",
            swiftSettings: instrumented()
        ),
        // The fuzz target's body as a library (so the corpus also replays in the normal test suite): one input is
        // one client connection through the server's framing into PumpService.handle, with invariants checked.
        .target(
            name: "PumpFuzzing",
            dependencies: [
                "PumpDaemon", "PumpProtocol", "PumpServer", .product(name: "Logging", package: "swift-log"),
            ],
            path: "Sources/PumpFuzzing",
            swiftSettings: instrumented()
        ),
        .executableTarget(
            name: "pumpd",
            dependencies: [
                "PumpDaemon",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            path: "Sources/pumpd"
        ),
        .executableTarget(
            name: "pumpctl",
            dependencies: ["PumpProtocol", .product(name: "ArgumentParser", package: "swift-argument-parser")],
            path: "Sources/pumpctl"
        ),
        // Makes Ed25519 keys, signs and verifies library files (the same checks pumpd makes).
        .executableTarget(
            name: "pump-library",
            dependencies: ["PumpLibrary", .product(name: "ArgumentParser", package: "swift-argument-parser")],
            path: "Sources/pump-library"
        ),
        // Fault-injection scenarios as data (hw-sim/scenarios/*.toml): the loader and the virtual-time runner
        // (InfusionEngine + SimulatedPump). Test support; not shipped.
        .target(
            name: "PumpScenarios",
            dependencies: ["PumpCore", "PumpLibrary", "PumpSimulator", "PumpControl", "TOMLKit"],
            path: "hw-sim/Sources/PumpScenarios"
        ),
        // Drives GPIODPump on the gpio-sim bench (hw-sim/bench); not a product, not shipped.
        .executableTarget(name: "gpiod-bench", dependencies: ["GPIODBackend", "PumpCore"], path: "Sources/gpiod-bench"),
        .executableTarget(
            name: "pump-demo",
            dependencies: [
                "PumpCore", "PumpLibrary", "PumpSimulator", "PumpControl",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            path: "Sources/pump-demo"
        ),
        // Real-clock benchmarks (run on demand, not in CI at full length): the step emitter per timing mode,
        // e-stop command → ENABLE off through the pump service, pumpd CPU/RSS. `pump-bench` is the thin CLI.
        .target(
            name: "PumpBench",
            dependencies: [
                "PumpCore", "PumpControl", "PumpDaemon", "PumpLibrary", "PumpProtocol", "PumpServer", "PumpSimulator",
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Sources/PumpBench"
        ),
        .executableTarget(
            name: "pump-bench",
            dependencies: ["PumpBench", "PumpControl", .product(name: "ArgumentParser", package: "swift-argument-parser")],
            path: "Sources/pump-bench"
        ),
        .testTarget(name: "PumpBenchTests", dependencies: ["PumpBench", "PumpControl"], path: "Tests/PumpBenchTests"),
        // IEC 60601-2-24 flow-accuracy analysis, CSV/markdown tables and the SVG chart writer. Foundation only.
        .target(name: "PumpEvidence", dependencies: ["PumpCore"], path: "Sources/PumpEvidence"),
        // The evidence runs: flow tests and occlusion trials in virtual time, real-clock step recording.
        .target(
            name: "EvidenceRuns", dependencies: ["PumpCore", "PumpControl", "PumpSimulator", "PumpEvidence"],
            path: "Sources/EvidenceRuns"
        ),
        .executableTarget(
            name: "pump-evidence",
            dependencies: [
                "EvidenceRuns", "PumpEvidence", "PumpCore",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            path: "Sources/pump-evidence"
        ),
        .testTarget(name: "PumpEvidenceTests", dependencies: ["PumpEvidence", "PumpCore"], path: "Tests/PumpEvidenceTests"),
        .testTarget(
            name: "EvidenceRunsTests",
            dependencies: ["EvidenceRuns", "PumpEvidence", "PumpCore", "PumpControl", "PumpSimulator"],
            path: "Tests/EvidenceRunsTests"
        ),
        .testTarget(name: "PumpCoreTests", dependencies: ["PumpCore", "PumpLibrary"], path: "Tests/PumpCoreTests"),
        .testTarget(name: "PumpSimulatorTests", dependencies: ["PumpCore", "PumpSimulator"], path: "Tests/PumpSimulatorTests"),
        .testTarget(
            name: "PumpControlTests",
            dependencies: ["PumpCore", "PumpLibrary", "PumpSimulator", "PumpControl",
                           .product(name: "PropertyBased", package: "swift-property-based")],
            path: "Tests/PumpControlTests"
        ),
        .testTarget(
            name: "ScenarioTests",
            dependencies: ["PumpScenarios", "PumpCore", "PumpControl", "PumpSimulator"],
            path: "Tests/ScenarioTests"
        ),
        .testTarget(name: "GPIODBackendTests", dependencies: ["GPIODBackend", "PumpCore"], path: "Tests/GPIODBackendTests"),
        .testTarget(name: "PumpProtocolTests", dependencies: ["PumpProtocol"], path: "Tests/PumpProtocolTests"),
        .testTarget(
            name: "PumpHL7Tests",
            dependencies: ["PumpHL7", "PumpHL7Bridge", "PumpProtocol", .product(name: "Logging", package: "swift-log")],
            path: "Tests/PumpHL7Tests"
        ),
        .testTarget(name: "PumpJournalTests", dependencies: ["PumpJournal", "PumpCore"], path: "Tests/PumpJournalTests"),
        .testTarget(name: "PumpServerTests", dependencies: ["PumpServer", "PumpProtocol"], path: "Tests/PumpServerTests"),
        .testTarget(
            name: "PumpDaemonTests",
            dependencies: [
                "PumpDaemon", "PumpCore", "PumpControl", "PumpSimulator", "PumpProtocol", "PumpLibrary", "PumpJournal", "PumpFuzzing",
                "PumpScenarios", .product(name: "Logging", package: "swift-log"),
            ],
            path: "Tests/PumpDaemonTests"
        ),
        .testTarget(name: "EndToEndTests", dependencies: ["PumpProtocol", "PumpScenarios"], path: "Tests/EndToEndTests"),
    ]
)

// The libFuzzer executable exists only in the fuzz build: libFuzzer supplies `main`, so the module is parsed as a
// library and linked with -sanitize=fuzzer.
if fuzzing {
    package.targets.append(.executableTarget(
        name: "pump-fuzz",
        dependencies: ["PumpFuzzing"],
        path: "Sources/pump-fuzz",
        swiftSettings: [.unsafeFlags(["-sanitize=fuzzer", "-parse-as-library"])],
        linkerSettings: [.unsafeFlags(["-sanitize=fuzzer"])]
    ))
    package.products.append(.executable(name: "pump-fuzz", targets: ["pump-fuzz"]))
}
