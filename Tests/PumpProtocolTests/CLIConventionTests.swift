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
        let data = try ResultJSON.encode(.status(Fixtures.running(alarms: [Fixtures.nearEnd])))
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

@Suite("Alarm audio pause and escalation on the wire and on screen")
struct AudioPauseTextTests {
    @Test("an alarm with its audio paused round-trips with an ISO time; an older pumpd's alarm decodes as not paused")
    func wire() throws {
        var alarm = Fixtures.occlusion
        alarm.audioPausedUntil = Fixtures.start.addingTimeInterval(120)
        alarm.escalated = true
        let line = LineCodec.encode(Response.success(id: "a", .status(Fixtures.running(alarms: [alarm]))))
        #expect(String(decoding: line, as: UTF8.self).contains("\"audio_paused_until\":\"2025-01-31T14:02:00Z\""))
        guard case .success(let response) = LineCodec.decodeResponse(line), case .status(let report)? = response.result else {
            Issue.record("no status")
            return
        }
        #expect(report.alarms.first?.audioPausedUntil == alarm.audioPausedUntil && report.alarms.first?.escalated == true)
        let old = Data(#"{"v":1,"id":"o","ok":true,"result":{"status":{"state":"alarm","backend":"sim","delivered_mg":0,"delivered_ml":0,"delivered_uncertainty_ml":0,"target_mg":0,"target_ml":0,"rate_ml_per_h":0,"rate_mg_per_kg_per_h":0,"elapsed_s":0,"remaining_s":0,"motor_enabled":false,"alarms":[{"code":"estop","priority":"high","message":"E.","raised_at":"2025-01-31T14:00:00Z"}]}}}"#.utf8)
        guard case .success(let oldResponse) = LineCodec.decodeResponse(old), case .status(let oldReport)? = oldResponse.result else {
            Issue.record("an older pumpd's status no longer decodes")
            return
        }
        #expect(oldReport.alarms.first?.audioPausedUntil == nil && oldReport.alarms.first?.escalated == false)
    }

    @Test("watch shows AUDIO PAUSED m:ss while the pause lasts, rounded up, and nothing after it")
    func watchBanner() {
        var alarm = Fixtures.occlusion
        alarm.audioPausedUntil = Fixtures.start.addingTimeInterval(102.2)
        let status = Fixtures.running(alarms: [alarm])
        let during = WatchFrame(status: status, statusTime: nil, problem: nil, now: Fixtures.start, timeZone: Fixtures.utc, color: false).lines()
        #expect(during.contains { $0.hasPrefix("AUDIO PAUSED 1:43") })
        #expect(during.contains { $0.contains("occlusion") })
        let after = WatchFrame(status: status, statusTime: nil, problem: nil, now: Fixtures.start.addingTimeInterval(103),
                               timeZone: Fixtures.utc, color: false).lines()
        #expect(!after.contains { $0.contains("AUDIO PAUSED") })
        #expect(AudioPauseText.countdown(until: Fixtures.start.addingTimeInterval(600), now: Fixtures.start) == "10:00")
        #expect(AudioPauseText.countdown(until: Fixtures.start, now: Fixtures.start.addingTimeInterval(5)) == "0:00")
    }
}
