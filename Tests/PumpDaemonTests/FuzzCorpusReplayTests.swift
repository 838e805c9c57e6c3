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
    func replay(folder: String) throws {
        let inputs = try Self.inputs(in: folder)
        #expect(!inputs.isEmpty, "fuzz/\(folder) is empty")
        let harness = try ProtocolFuzzHarness()
        defer { harness.shutdown() }
        for input in inputs {
            let violation = harness.run(input.bytes)
            #expect(violation == nil, "fuzz/\(folder)/\(input.name): \(violation?.description ?? "")")
        }
        #expect(harness.statistics.inputs == inputs.filter { !$0.bytes.isEmpty }.count)
    }

    @Test("the seeds reach every outcome the invariants distinguish (malformed, refused, accepted, state change)")
    func seedsReachEveryOutcome() throws {
        let harness = try ProtocolFuzzHarness()
        defer { harness.shutdown() }
        for input in try Self.inputs(in: "seeds") { _ = harness.run(input.bytes) }
        let stats = harness.statistics
        #expect(stats.malformed > 50 && stats.refused > 50 && stats.accepted > 20 && stats.stateChanges > 5, "\(stats)")
    }

    @Test("HAZ-009: sensitivity: the harness reports a state change by a command it must treat as changing nothing")
    func harnessDetectsAStateChange() throws {
        let harness = try ProtocolFuzzHarness()
        defer { harness.shutdown() }
        let estop = Array("0{\"v\":1,\"id\":\"e\",\"command\":\"estop\"}\n".utf8)
        #expect(harness.run(estop) == nil, "an accepted estop is a legitimate change")
        harness.commandsTreatedAsReadOnlyForTesting = ["estop"]
        let violation = harness.run(estop)
        #expect(violation?.invariant == "refused-command-changed-state", "\(String(describing: violation))")
    }
}
