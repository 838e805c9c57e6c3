import Foundation
import Testing
@testable import PumpProtocol

@Suite("log --since")
struct SinceArgumentTests {
    static let now = Fixtures.start

    @Test("durations count back from now", arguments: [
        ("30m", 1_800.0), ("2h", 7_200.0), ("90s", 90.0), ("1d", 86_400.0), ("1h30m", 5_400.0), ("0m", 0.0), ("1d2h3m4s", 93_784.0),
    ])
    func durations(text: String, seconds: Double) {
        #expect(SinceArgument.parse(text, now: Self.now) == Self.now.addingTimeInterval(-seconds))
    }

    @Test("ISO-8601 times are taken as they are, with offsets and fractional seconds")
    func isoTimes() {
        #expect(SinceArgument.parse("2025-01-31T14:00:00Z", now: Date()) == Fixtures.start)
        #expect(SinceArgument.parse("2025-01-31T15:00:00+01:00", now: Date()) == Fixtures.start)
        #expect(SinceArgument.parse("2025-01-31T14:00:00.500Z", now: Date()) == Fixtures.start.addingTimeInterval(0.5))
    }

    @Test("malformed values are refused", arguments: ["", "m", "30", "30x", "-30m", "2h2h", "30m2h", "1.5h", "yesterday", "9999999h", "400d", "2025-01-31"])
    func malformed(text: String) {
        #expect(SinceArgument.parse(text, now: Self.now) == nil)
    }

    @Test("the usage sentence names both forms")
    func usage() {
        #expect(SinceArgument.usage.contains("ISO-8601") && SinceArgument.usage.contains("30m"))
    }
}
