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

    @Test("HAZ-012: no control, safety or simulator code reads the wall clock")
    func noWallClockInControl() throws {
        let root = Self.testsDirectory.deletingLastPathComponent()
        let directories = ["Sources/PumpCore", "Sources/PumpControl", "hw-sim/Sources/PumpSimulator"]
        let forbidden = ["Date()", "Date.now", "CLOCK_REALTIME", "gettimeofday", "time(nil)"]
        for directory in directories {
            let files = FileManager.default.enumerator(at: root.appendingPathComponent(directory), includingPropertiesForKeys: nil)
            while let url = files?.nextObject() as? URL {
                guard url.pathExtension == "swift" else { continue }
                let text = try String(contentsOf: url, encoding: .utf8)
                for token in forbidden {
                    #expect(!text.contains(token), "\(url.lastPathComponent) uses \(token)")
                }
            }
        }
    }
}
