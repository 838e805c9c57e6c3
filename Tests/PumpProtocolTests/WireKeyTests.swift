import Foundation
import Testing
@testable import PumpProtocol

@Suite("Exact JSON key names")
struct WireKeyTests {
    /// A status answer written by hand, as a daemon in another language would write it.
    static let statusLine = """
    {"v":1,"id":"s1","ok":true,"result":{"status":{"state":"running","drug":"ketamine","profile":"mood",\
    "patient_id":"P-7","dosing_weight_kg":70,"concentration_mg_per_ml":1,"syringe":"bd-50","session_id":"s-9",\
    "backend":"sim","delivered_mg":12.5,"delivered_ml":12.5,"delivered_uncertainty_ml":0.04,"target_mg":35,\
    "target_ml":35,"rate_ml_per_h":52.5,"rate_mg_per_kg_per_h":0.75,"elapsed_s":857,"remaining_s":1543,\
    "expected_end":"2025-01-31T14:40:00Z","motor_enabled":true,"alarms":[{"code":"near-end","priority":"low",\
    "message":"Five minutes left.","raised_at":"2025-01-31T14:35:00.250Z"}]}}}
    """

    @Test("a StatusReport decodes from the documented snake_case keys")
    func decodeFixedStatus() throws {
        let response = try LineCodec.decodeResponse(Fixtures.line(Self.statusLine)).get()
        guard case let .status(status) = response.result else {
            Issue.record("expected a status payload")
            return
        }
        #expect(status.state == .running)
        #expect(status.patientId == "P-7")
        #expect(status.dosingWeightKg == 70)
        #expect(status.concentrationMgPerMl == 1)
        #expect(status.sessionId == "s-9")
        #expect(status.backend == .sim)
        #expect(status.deliveredMg == 12.5)
        #expect(status.deliveredMl == 12.5)
        #expect(status.deliveredUncertaintyMl == 0.04)
        #expect(status.targetMg == 35 && status.targetMl == 35)
        #expect(status.rateMlPerH == 52.5)
        #expect(status.rateMgPerKgPerH == 0.75)
        #expect(status.elapsedS == 857 && status.remainingS == 1543)
        #expect(status.expectedEnd == Fixtures.start.addingTimeInterval(40 * 60))
        #expect(status.motorEnabled)
        #expect(status.alarms.first?.code == "near-end")
        #expect(status.alarms.first?.priority == .low)
        #expect(abs((status.alarms.first?.raisedAt.timeIntervalSince(Fixtures.start) ?? 0) - 2100.25) < 0.001)
    }

    @Test("a StatusReport encodes exactly the documented keys")
    func encodedStatusKeys() throws {
        var report = Fixtures.running(alarms: [Fixtures.occlusion])
        report.targetSteps = 160_027
        report.deliveredSteps = 57_152
        let line = LineCodec.encode(Response.success(id: "k", .status(report)))
        let object = try #require(try JSONSerialization.jsonObject(with: line) as? [String: Any])
        let result = try #require(object["result"] as? [String: Any])
        let status = try #require(result["status"] as? [String: Any])
        #expect(Set(status.keys) == [
            "state", "drug", "profile", "patient_id", "dosing_weight_kg", "concentration_mg_per_ml", "syringe",
            "session_id", "backend", "delivered_mg", "delivered_ml", "delivered_uncertainty_ml", "target_mg",
            "target_ml", "rate_ml_per_h", "rate_mg_per_kg_per_h", "elapsed_s", "remaining_s", "expected_end",
            "motor_enabled", "alarms", "target_steps", "delivered_steps",
        ])
        #expect(status["target_steps"] as? Int == 160_027 && status["delivered_steps"] as? Int == 57_152)
        let alarm = try #require((status["alarms"] as? [[String: Any]])?.first)
        #expect(Set(alarm.keys) == ["code", "priority", "message", "raised_at", "audio_paused_until", "escalated"])
        // audio_paused_until is always sent: an ISO time while the audio is paused, else null.
        #expect(alarm["audio_paused_until"] is NSNull && alarm["escalated"] as? Bool == false)
    }

    @Test("a ProgramSummary encodes exactly the documented keys")
    func encodedProgramKeys() throws {
        var program = Fixtures.program
        program.overrides = [OverrideDTO(limit: "max_dose_mg_per_kg", reason: "Clinician order")]
        program.steps = 160_027
        let line = LineCodec.encode(Response.success(id: "k", .program(program)))
        let object = try #require(try JSONSerialization.jsonObject(with: line) as? [String: Any])
        let summary = try #require((object["result"] as? [String: Any])?["program"] as? [String: Any])
        #expect(Set(summary.keys) == [
            "drug", "profile", "actual_weight_kg", "dosing_weight_kg", "dosing_weight_basis", "dose_mg_per_kg",
            "total_mg", "volume_ml", "rate_ml_per_h", "rate_mg_per_kg_per_h", "duration_min", "expected_end",
            "syringe", "concentration_mg_per_ml", "verdict", "findings", "overrides", "steps",
        ])
        #expect(summary["steps"] as? Int == 160_027)
        #expect(Set(((summary["findings"] as? [[String: Any]])?.first ?? [:]).keys) == ["kind", "limit", "message"])
        #expect(Set(((summary["overrides"] as? [[String: Any]])?.first ?? [:]).keys) == ["limit", "reason"])
    }

    @Test("start parameters use the documented snake_case keys")
    func startParameterKeys() throws {
        let line = try LineCodec.encode(Request(id: "p", command: .start(Fixtures.startParameters)))
        let object = try #require(try JSONSerialization.jsonObject(with: line) as? [String: Any])
        let params = try #require(object["params"] as? [String: Any])
        #expect(Set(params.keys) == [
            "drug", "profile", "weight_kg", "height_cm", "sex", "dosing_weight", "dose_mg_per_kg", "duration_min",
            "concentration_mg_per_ml", "syringe", "patient_id", "confirmed",
        ])
    }

    @Test("a response from a newer daemon with an extra status field still decodes")
    func responsesTolerateNewFields() throws {
        let line = Self.statusLine.replacingOccurrences(of: #""state":"running","#, with: #""state":"running","battery_pct":80,"#)
        #expect(throws: Never.self) { try LineCodec.decodeResponse(Fixtures.line(line)).get() }
    }
}
