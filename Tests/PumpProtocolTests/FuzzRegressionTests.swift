// Regressions found by the protocol fuzzer (scripts/fuzz.sh); each input is also kept in fuzz/regressions.
import Foundation
import Testing
@testable import PumpProtocol

@Suite("Fuzzer regressions")
struct FuzzRegressionTests {
    @Test("HAZ-009: a log request's since with a fraction of a second decodes, re-encodes and decodes to the same request",
          arguments: ["2025-01-31T14:05:00.5Z", "2025-01-31T14:05:00.12345Z", "2025-01-31T14:05:00.9996Z",
                      "2025-01-31T14:05:00.0004Z", "2025-01-31T15:05:00.1+01:00", "2025-01-31T14:05:00Z"])
    func fractionalSinceRoundTrip(since: String) throws {
        let line = Data(#"{"v":1,"id":"x","command":"log","params":{"since":"\#(since)"}}"#.utf8)
        let request = try LineCodec.decodeRequest(line).get()
        let again = try LineCodec.decodeRequest(try LineCodec.encode(request)).get()
        #expect(again == request)
        guard case .log(let first?, _) = request.command, case .log(let second?, _) = again.command else {
            Issue.record("not a log request with since")
            return
        }
        #expect(first == second)
    }

    @Test("a fraction of a second is kept to the millisecond, and a whole second is written without one")
    func fractionFormatting() throws {
        let parsed = try #require(ISO8601.parse("2025-01-31T14:05:00.25Z"))
        #expect(ISO8601.format(parsed) == "2025-01-31T14:05:00.250Z")
        let whole = try #require(ISO8601.parse("2025-01-31T14:05:00Z"))
        #expect(ISO8601.format(whole) == "2025-01-31T14:05:00Z")
        let carry = try #require(ISO8601.parse("2025-01-31T14:05:00.9999Z"))
        #expect(ISO8601.format(carry) == "2025-01-31T14:05:01Z")
    }
}
