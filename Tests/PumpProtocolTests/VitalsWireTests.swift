// The vitals command and the plasma/vitals status fields on the wire: exact keys, strict requests, and
// backward compatibility (a status without the new keys still decodes; the new keys are optional).
import Foundation
import Testing
@testable import PumpProtocol

@Suite("Vitals and plasma estimate on the wire")
struct VitalsWireTests {
    @Test("vitals request uses sbp_mmhg, dbp_mmhg, hr_bpm, spo2_percent and rejects unknown keys")
    func requestKeys() throws {
        let line = #"{"v":1,"id":"a","command":"vitals","params":{"sbp_mmhg":150,"dbp_mmhg":90,"hr_bpm":88,"spo2_percent":97}}"#
        let request = try LineCodec.decodeRequest(Fixtures.line(line)).get()
        #expect(request.command == .vitals(VitalsParameters(sbpMmHg: 150, dbpMmHg: 90, hrBpm: 88, spo2Percent: 97)))
        let typo = #"{"v":1,"id":"a","command":"vitals","params":{"sbp":150,"dbp_mmhg":90,"hr_bpm":88,"spo2_percent":97}}"#
        #expect(throws: (any Error).self) { try LineCodec.decodeRequest(Fixtures.line(typo)).get() }
        let missing = #"{"v":1,"id":"a","command":"vitals","params":{"sbp_mmhg":150,"dbp_mmhg":90,"hr_bpm":88}}"#
        #expect(throws: (any Error).self) { try LineCodec.decodeRequest(Fixtures.line(missing)).get() }
    }

    @Test("HAZ-009: a request may not claim to come from the simulator's patient model")
    func simulatorSourceRefused() {
        let request = Request(id: "x", command: .vitals(VitalsParameters(sbpMmHg: 120, dbpMmHg: 80, hrBpm: 70, spo2Percent: 98, source: .simulator)))
        #expect(request.ruleViolation != nil)
        let ok = Request(id: "x", command: .vitals(VitalsParameters(sbpMmHg: 120, dbpMmHg: 80, hrBpm: 70, spo2Percent: 98, source: .monitor)))
        #expect(ok.ruleViolation == nil)
    }

    @Test("status carries plasma_ng_per_ml, plasma_model, plasma_label and vitals; older status lines without them decode")
    func statusKeys() throws {
        var status = Fixtures.running()
        status.plasmaNgPerMl = 177.3
        status.plasmaModel = "clements-nimmo-1981"
        status.plasmaLabel = "population-model estimate, not a measurement"
        status.vitals = VitalsDTO(sbpMmHg: 150, dbpMmHg: 90, hrBpm: 88, spo2Percent: 97, source: .manual,
                                  measuredAt: Fixtures.start, ageS: 60, stale: false, outOfRange: [])
        let data = try LineCodec.encode(Response.success(id: "1", .status(status)))
        let text = String(decoding: data, as: UTF8.self)
        for key in ["\"plasma_ng_per_ml\":177.3", "\"plasma_model\":\"clements-nimmo-1981\"", "\"plasma_label\"", "\"vitals\":{",
                    "\"sbp_mmhg\":150", "\"spo2_percent\":97", "\"age_s\":60", "\"out_of_range\":[]", "\"stale\":false"] {
            #expect(text.contains(key), "missing \(key) in \(text)")
        }
        let back = try LineCodec.decodeResponse(data).get()
        #expect(back.result == .status(status))
        let old = try LineCodec.decodeResponse(Fixtures.line(WireKeyTests.statusLine)).get()
        guard case let .status(oldStatus) = old.result else {
            Issue.record("expected a status")
            return
        }
        #expect(oldStatus.plasmaNgPerMl == nil && oldStatus.vitals == nil)
    }
}
