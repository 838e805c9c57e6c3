import Foundation
import Testing
@testable import PumpProtocol

@Suite("CLI conventions: global options anywhere, --json prints the result object")
struct CLIConventionTests {
    @Test("global options before the subcommand move behind it; after it they stay")
    func hoisting() {
        #expect(GlobalArgumentOrder.hoisted(["--socket", "/s", "--json", "status"]) == ["status", "--socket", "/s", "--json"])
        #expect(GlobalArgumentOrder.hoisted(["--socket=/s", "status", "--raw"]) == ["status", "--socket=/s", "--raw"])
        #expect(GlobalArgumentOrder.hoisted(["status", "--json", "--socket", "/s"]) == ["status", "--json", "--socket", "/s"])
        #expect(GlobalArgumentOrder.hoisted(["--json", "ack", "occlusion"]) == ["ack", "--json", "occlusion"])
        #expect(GlobalArgumentOrder.hoisted(["--json", "sim", "inject", "occlusion"], groups: ["sim"])
            == ["sim", "inject", "--json", "occlusion"])
        // Nothing to move, or no subcommand: unchanged, so ArgumentParser reports it as before.
        #expect(GlobalArgumentOrder.hoisted(["--version"]) == ["--version"])
        #expect(GlobalArgumentOrder.hoisted(["--json"]) == ["--json"])
        #expect(GlobalArgumentOrder.hoisted(["--json", "--bogus", "status"]) == ["--json", "--bogus", "status"])
        #expect(GlobalArgumentOrder.hoisted(["--socket"]) == ["--socket"])
    }

    @Test("status --json is the status report itself, not the protocol envelope")
    func statusObject() throws {
        let data = try ResultJSON.encode(.status(Fixtures.running(alarms: [Fixtures.occlusion])))
        let object = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        #expect(object["state"] as? String == "running")
        #expect(object["delivered_mg"] is Double)
        #expect(object["v"] == nil && object["result"] == nil)
        #expect(data.last == 0x0A && data.dropLast().contains(0x0A) == false)
        // It decodes as the report the daemon sent.
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .custom { decoder in
            let text = try decoder.singleValueContainer().decode(String.self)
            return ISO8601.parse(text) ?? .distantPast
        }
        let decoded = try decoder.decode(StatusReport.self, from: data)
        #expect(decoded.state == .running)
    }

    @Test("other answers print their own result object; a refusal prints {error}")
    func otherObjects() throws {
        let ack = try #require(try JSONSerialization.jsonObject(with: ResultJSON.encode(.ack(message: "Done."))) as? [String: Any])
        #expect(ack["message"] as? String == "Done.")
        let log = try JSONSerialization.jsonObject(with: ResultJSON.encode(.log(Fixtures.logEntries)))
        #expect((log as? [Any])?.count == Fixtures.logEntries.count)
        let program = try #require(try JSONSerialization.jsonObject(with: ResultJSON.encode(.program(Fixtures.program))) as? [String: Any])
        #expect(program["total_mg"] != nil)
        let none = try JSONSerialization.jsonObject(with: ResultJSON.encode(nil)) as? [String: Any]
        #expect(none?.isEmpty == true)
        let refusal = try #require(try JSONSerialization.jsonObject(with: ResultJSON.encode(ProtocolError(code: .refused, message: "No."))) as? [String: Any])
        #expect((refusal["error"] as? [String: Any])?["code"] as? String == "refused")
    }

    @Test("--version names the software and the protocol version")
    func version() {
        #expect(versionLine(program: "pumpctl") == "pumpctl \(softwareVersion) (protocol \(protocolVersion))")
    }
}
