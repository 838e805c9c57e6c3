// Traceability: every registered hazard has at least one test whose display name starts with its ID, and no
// test names an unknown hazard. Scans the test sources (the tests are the evidence, so they are read as data).
import Foundation
import PumpCore
import Testing

@Suite("Hazard registry coverage")
struct HazardCoverageTests {
    static let testsDirectory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()

    static func hazardIDsNamedByTests() throws -> [String: Int] {
        var counts: [String: Int] = [:]
        let files = FileManager.default.enumerator(at: testsDirectory, includingPropertiesForKeys: nil)
        let pattern = try NSRegularExpression(pattern: #"@Test\(\s*"(HAZ-\d{3})"#)
        while let url = files?.nextObject() as? URL {
            guard url.pathExtension == "swift" else { continue }
            let text = try String(contentsOf: url, encoding: .utf8)
            for match in pattern.matches(in: text, range: NSRange(text.startIndex..., in: text)) {
                if let range = Range(match.range(at: 1), in: text) { counts[String(text[range]), default: 0] += 1 }
            }
        }
        return counts
    }

    @Test("Every hazard in the registry has at least one verifying test")
    func everyHazardHasATest() throws {
        let counts = try Self.hazardIDsNamedByTests()
        for hazard in HazardRegistry.all {
            #expect((counts[hazard.id] ?? 0) > 0, "\(hazard.id) (\(hazard.title)) has no test")
        }
    }

    @Test("No test names an unknown hazard")
    func noUnknownHazard() throws {
        let counts = try Self.hazardIDsNamedByTests()
        for id in counts.keys { #expect(HazardRegistry.hazard(id) != nil, "a test names unknown hazard \(id)") }
    }

    @Test("HAZ-012: no module reads the wall clock except at marked display, journal and calendar-rule sites")
    func noWallClockInControl() throws {
        let root = Self.testsDirectory.deletingLastPathComponent()
        // Every module, the daemon included (the first version skipped it and a wall-clock difference set the
        // titration's planned end after a restart). A use is allowed only on a line that says why it is not
        // control (`// wall-clock: …`); the control, safety and simulator modules may not have any.
        let strict = ["Sources/PumpCore", "Sources/PumpControl", "hw-sim/Sources/PumpSimulator"]
        let directories = ["Sources", "hw-sim/Sources"]
        let forbidden = ["Date()", "Date.now", "CLOCK_REALTIME", "gettimeofday", "time(nil)", "timeIntervalSince("]
        var scanned = 0
        for directory in directories {
            let files = FileManager.default.enumerator(at: root.appendingPathComponent(directory), includingPropertiesForKeys: nil)
            while let url = files?.nextObject() as? URL {
                guard url.pathExtension == "swift" else { continue }
                scanned += 1
                let isStrict = strict.contains { url.path.contains("/\($0)/") }
                for (index, line) in try String(contentsOf: url, encoding: .utf8).split(separator: "\n").enumerated() {
                    let trimmed = line.trimmingCharacters(in: .whitespaces)
                    if trimmed.hasPrefix("//") { continue }
                    let marked = line.contains("// wall-clock:")
                    for token in forbidden where line.contains(token) {
                        #expect(marked && !isStrict, "\(url.lastPathComponent):\(index + 1) uses \(token): \(trimmed)")
                    }
                }
            }
        }
        #expect(scanned > 150, "the scan covered every module")
    }
}
