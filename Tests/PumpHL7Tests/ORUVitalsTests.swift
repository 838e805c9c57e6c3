// ORU^R01 → one vital-sign set for one bed: accepted codes and units, missing OBX, partial sets, wrong units,
// wrong bed, message types and processing ids; and the feed gate's duplicate, order and age checks.
import Foundation
import Testing
@testable import PumpHL7

@Suite("ORU^R01 vital signs")
struct ORUVitalsTests {
    static let now = Date(timeIntervalSince1970: 1_800_000_000)
    static let observed = now.addingTimeInterval(-60)

    static func read(_ text: String, bed: String = "CHAIR2") throws(HL7Refusal) -> ORUVitalsMessage {
        let message: HL7Message
        do { message = try HL7Message(text: text) } catch {
            throw HL7Refusal(.error, .dataType, "\(error)")
        }
        return try ORUVitalsMessage(message, bed: bed)
    }

    static func refusal(_ text: String, bed: String = "CHAIR2") -> HL7Refusal? {
        do { _ = try read(text, bed: bed); return nil } catch { return error }
    }

    @Test("LOINC codes in UCUM units give the four values and the OBR-7 time; mean pressure is ignored")
    func loinc() throws {
        let vitals = try Self.read(HL7Samples.oru(observed: Self.observed))
        #expect(vitals.controlID == "MSG0001")
        #expect(vitals.reading == MonitorReading(systolic: 122, diastolic: 76, heartRate: 70, oxygenSaturation: 98, observedAt: Self.observed))
    }

    @Test("IEEE 11073 MDC codes and MDC units are accepted too")
    func mdc() throws {
        let observations = [
            HL7Samples.obx(1, "150021", "MDC", "131", "266016^MDC_DIM_MMHG^MDC"),
            HL7Samples.obx(2, "150022", "MDC", "84", "266016^MDC_DIM_MMHG^MDC"),
            HL7Samples.obx(3, "150023", "MDC", "99", "266016^MDC_DIM_MMHG^MDC"),
            HL7Samples.obx(4, "149530", "MDC", "66", "264864^MDC_DIM_BEAT_PER_MIN^MDC"),
            HL7Samples.obx(5, "150456", "MDC", "97.5", "262688^MDC_DIM_PERCENT^MDC"),
            HL7Samples.obx(6, "150344", "MDC", "36.8", "268192^MDC_DIM_DEGC^MDC"),   // temperature: not used
        ]
        let vitals = try Self.read(HL7Samples.oru(observed: Self.observed, observations: observations))
        #expect(vitals.reading.systolic == 131 && vitals.reading.diastolic == 84 && vitals.reading.heartRate == 66
                && vitals.reading.oxygenSaturation == 97.5)
    }

    @Test("a message without OBX is refused (AE), naming the missing segment")
    func missingOBX() {
        let refusal = Self.refusal(HL7Samples.oru(observed: Self.observed, observations: []))
        #expect(refusal?.code == .error && refusal?.condition == .segmentSequence)
        #expect(refusal?.reason.contains("no OBX") == true)
    }

    @Test("a partial set is refused (AE) and names what is missing")
    func partialSet() {
        let refusal = Self.refusal(HL7Samples.oru(observed: Self.observed, observations: Array(HL7Samples.loincSet().prefix(3))))
        #expect(refusal?.code == .error && refusal?.condition == .requiredFieldMissing)
        #expect(refusal?.reason.contains("hr, spo2") == true, "\(String(describing: refusal))")
    }

    @Test("wrong units are refused (AE): kPa for a pressure, a fraction for SpO2, no unit at all")
    func wrongUnits() {
        var set = HL7Samples.loincSet()
        set[0] = HL7Samples.obx(1, "8480-6", "LN", "16", "kPa^^UCUM")
        let kPa = Self.refusal(HL7Samples.oru(observed: Self.observed, observations: set))
        #expect(kPa?.code == .error && kPa?.condition == .tableValueNotFound && kPa?.location == "OBX^1^6")
        #expect(kPa?.reason.contains("kPa") == true && kPa?.reason.contains("mm[Hg]") == true)
        set = HL7Samples.loincSet()
        set[4] = HL7Samples.obx(5, "59408-5", "LN", "0.98", "1^^UCUM")
        #expect(Self.refusal(HL7Samples.oru(observed: Self.observed, observations: set))?.condition == .tableValueNotFound)
        set = HL7Samples.loincSet()
        set[3] = HL7Samples.obx(4, "8867-4", "LN", "70", "")
        #expect(Self.refusal(HL7Samples.oru(observed: Self.observed, observations: set))?.reason.contains("no unit") == true)
        set = HL7Samples.loincSet()
        set[3] = HL7Samples.obx(4, "8867-4", "LN", "70", "{beats}/min")   // UCUM without a coding system
        #expect(Self.refusal(HL7Samples.oru(observed: Self.observed, observations: set)) == nil)
    }

    @Test("values must be plain numbers with a usable status; a kind reported twice is ambiguous")
    func values() {
        for (value, type, status) in [("abc", "NM", "F"), ("1e3", "NM", "F"), ("nan", "NM", "F"), ("", "NM", "F"),
                                      ("120", "ST", "F"), ("120", "NM", "X"), ("120", "NM", "W")] {
            var set = HL7Samples.loincSet()
            set[0] = HL7Samples.obx(1, "8480-6", "LN", value, "mm[Hg]^^UCUM", type: type, status: status)
            #expect(Self.refusal(HL7Samples.oru(observed: Self.observed, observations: set))?.code == .error,
                    "value \(value) type \(type) status \(status)")
        }
        let doubled = HL7Samples.loincSet() + [HL7Samples.obx(6, "76534-7", "LN", "140", "mm[Hg]^^UCUM")]
        #expect(Self.refusal(HL7Samples.oru(observed: Self.observed, observations: doubled))?.reason.contains("twice") == true)
    }

    @Test("only PV1-3 naming this bed is accepted: another bed is AR, no location is AE")
    func bed() throws {
        let other = Self.refusal(HL7Samples.oru(bed: "KETAMINE^^CHAIR3", observed: Self.observed))
        #expect(other?.code == .reject && other?.condition == .unknownKey && other?.reason.contains("CHAIR3") == true)
        #expect(Self.refusal(HL7Samples.oru(bed: "", observed: Self.observed))?.code == .error)
        #expect(try Self.read(HL7Samples.oru(bed: "CHAIR2", observed: Self.observed)).controlID == "MSG0001", "point of care when no bed component")
        let lower = Self.refusal(HL7Samples.oru(bed: "KETAMINE^^chair2", observed: Self.observed))
        #expect(lower?.code == .reject, "bed names compare exactly")
        #expect(Self.refusal(HL7Samples.oru(bed: "CHAIR2^^BED9", observed: Self.observed))?.code == .reject,
                "the bed component decides when it is given")
    }

    @Test("only production ORU^R01 messages are read")
    func messageType() {
        #expect(Self.refusal(HL7Samples.oru(observed: Self.observed, type: "ADT^A01"))?.condition == .unsupportedMessageType)
        #expect(Self.refusal(HL7Samples.oru(observed: Self.observed, type: "ORU^R30"))?.condition == .unsupportedEventCode)
        #expect(Self.refusal(HL7Samples.oru(observed: Self.observed, processing: "T"))?.condition == .unsupportedProcessingID)
        #expect(Self.refusal(HL7Samples.oru(control: "", observed: Self.observed))?.condition == .requiredFieldMissing)
    }

    @Test("the feed gate refuses a repeated control id, an older reading, a stale one and one from the future")
    func gate() throws {
        var gate = VitalsFeedGate(maximumAge: 300, maximumLead: 120)
        let first = try Self.read(HL7Samples.oru(control: "A", observed: Self.observed))
        try gate.check(first, now: Self.now)
        try gate.check(first, now: Self.now)   // not yet committed: a resend after a failed forward passes
        gate.commit(first)
        #expect(throws: HL7Refusal.self) { try gate.check(first, now: Self.now) }
        do { try gate.check(first, now: Self.now) } catch {
            #expect(error.code == .reject && error.condition == .duplicateKey)
        }
        let older = try Self.read(HL7Samples.oru(control: "B", observed: Self.observed.addingTimeInterval(-30)))
        do { try gate.check(older, now: Self.now); Issue.record("older reading passed") } catch {
            #expect(error.code == .reject && error.condition == .recordLocked)
        }
        let same = try Self.read(HL7Samples.oru(control: "C", observed: Self.observed))
        try gate.check(same, now: Self.now)
        let stale = try Self.read(HL7Samples.oru(control: "D", observed: Self.now.addingTimeInterval(-301)))
        var fresh = VitalsFeedGate(maximumAge: 300, maximumLead: 120)
        #expect(throws: HL7Refusal.self) { try fresh.check(stale, now: Self.now) }
        let future = try Self.read(HL7Samples.oru(control: "E", observed: Self.now.addingTimeInterval(121)))
        #expect(throws: HL7Refusal.self) { try fresh.check(future, now: Self.now) }
        fresh.commit(same)
        #expect(fresh.lastObservedAt == Self.observed)
    }

    @Test("the gate forgets only the oldest control ids beyond its memory")
    func gateMemory() throws {
        var gate = VitalsFeedGate(memory: 2, maximumAge: 300)
        for control in ["1", "2", "3"] {
            gate.commit(try Self.read(HL7Samples.oru(control: control, observed: Self.observed)))
        }
        #expect(throws: Never.self) { try gate.check(try Self.read(HL7Samples.oru(control: "1", observed: Self.observed)), now: Self.now) }
        #expect(throws: HL7Refusal.self) { try gate.check(try Self.read(HL7Samples.oru(control: "3", observed: Self.observed)), now: Self.now) }
    }
}
