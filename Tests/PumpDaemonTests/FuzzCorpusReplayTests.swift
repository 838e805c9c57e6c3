// Replays the committed fuzz inputs (fuzz/seeds, fuzz/corpus, fuzz/regressions) through the fuzz harness in
// the normal test suite, so a regression of any request-path invariant fails `swift test` even where the
// libFuzzer build is not run.
import Foundation
import PumpFuzzing
import Testing

@Suite("Fuzz corpus replay", .serialized)
struct FuzzCorpusReplayTests {
    static let fuzzDirectory = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("fuzz", isDirectory: true)

    static func inputs(in folder: String) throws -> [(name: String, bytes: [UInt8])] {
        let directory = fuzzDirectory.appendingPathComponent(folder, isDirectory: true)
        let names = try FileManager.default.contentsOfDirectory(atPath: directory.path).sorted()
        return try names.map { ($0, [UInt8](try Data(contentsOf: directory.appendingPathComponent($0)))) }
    }

    @Test("HAZ-009: every committed fuzz input keeps the request-path invariants (refused commands change nothing)",
          arguments: ["seeds", "corpus", "regressions"])
    func replay(folder: String) async throws {
        let inputs = try Self.inputs(in: folder)
        #expect(!inputs.isEmpty, "fuzz/\(folder) is empty")
        let (violations, statistics) = try await Self.run(inputs)
        #expect(violations.isEmpty, "\(violations.prefix(5))")
        #expect(statistics.inputs == inputs.filter { !$0.bytes.isEmpty }.count)
    }

    @Test("the seeds reach every outcome the invariants distinguish (malformed, refused, accepted, state change)")
    func seedsReachEveryOutcome() async throws {
        let (_, stats) = try await Self.run(try Self.inputs(in: "seeds"))
        #expect(stats.malformed > 50 && stats.refused > 50 && stats.accepted > 20 && stats.stateChanges > 5, "\(stats)")
    }

    @Test("HAZ-009: sensitivity: the harness reports a state change by a command it must treat as changing nothing")
    func harnessDetectsAStateChange() async throws {
        let estop = Array("0{\"v\":1,\"id\":\"e\",\"command\":\"estop\"}\n".utf8)
        let (legitimate, violation) = try await onOwnThread { () throws -> (FuzzViolation?, FuzzViolation?) in
            let harness = try ProtocolFuzzHarness()
            defer { harness.shutdown() }
            let legitimate = harness.run(estop)
            harness.commandsTreatedAsReadOnlyForTesting = ["estop"]
            return (legitimate, harness.run(estop))
        }
        #expect(legitimate == nil, "an accepted estop is a legitimate change")
        #expect(violation?.invariant == "refused-command-changed-state", "\(String(describing: violation))")
    }

    /// Runs inputs through one harness; returns the violations (named by file) and the counters.
    static func run(_ inputs: [(name: String, bytes: [UInt8])]) async throws
        -> ([String], ProtocolFuzzHarness.Statistics) {
        let named = inputs.map { NamedInput(name: $0.name, bytes: $0.bytes) }
        return try await onOwnThread {
            let harness = try ProtocolFuzzHarness()
            defer { harness.shutdown() }
            let violations = named.compactMap { input in harness.run(input.bytes).map { "\(input.name): \($0)" } }
            return (violations, harness.statistics)
        }
    }
}

private struct NamedInput: Sendable {
    var name: String
    var bytes: [UInt8]
}

/// The harness blocks its thread per input; run it on its own thread, not on Swift's small cooperative pool
/// (which the other suites running in parallel need).
private func onOwnThread<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { continuation in
        let thread = Thread { continuation.resume(with: Result { try body() }) }
        thread.start()
    }
}
