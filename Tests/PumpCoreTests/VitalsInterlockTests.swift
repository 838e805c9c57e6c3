// The pure vital-sign rules (HAZ-015): pre-start findings, pause breaches, plausibility, staleness.
import Foundation
import PumpCore
import Testing

@Suite("Vital-sign interlock rules")
struct VitalsInterlockTests {
    static let t = VitalSignThresholds.provisionalDefaults
    static func vitals(_ sbp: Double, _ dbp: Double, hr: Double = 80, spo2: Double = 97, atMinute: Double = 0) -> VitalSigns {
        VitalSigns(systolic: MillimetersOfMercury(sbp), diastolic: MillimetersOfMercury(dbp), heartRate: BeatsPerMinute(hr),
                   oxygenSaturation: OxygenSaturation(spo2), measuredAt: .origin + .seconds(atMinute * 60), source: .manual)
    }
    static let now = MonotonicInstant.origin + .minutes(5)

    @Test("HAZ-015: before start, BP 150/90 (or 139/90, or 140/85) needs an override reason; 139/89 does not")
    func preStartBloodPressure() {
        for (sbp, dbp) in [(150.0, 90.0), (139, 90), (140, 85)] {
            let findings = VitalsInterlock.preStartFindings(latest: Self.vitals(sbp, dbp), now: Self.now, Self.t)
            #expect(findings.map(\.kind) == [.softLimit] && findings.first?.limit == LimitID.vitalsPreStartBloodPressure)
            #expect(findings.first?.message.contains("needs clinical sign-off") == true)
        }
        #expect(VitalsInterlock.preStartFindings(latest: Self.vitals(139, 89), now: Self.now, Self.t).isEmpty)
    }

    @Test("HAZ-015: before start, SpO2 91 % or HR 125 needs an override reason too; no or stale vital signs is a warning only")
    func preStartOther() {
        let low = VitalsInterlock.preStartFindings(latest: Self.vitals(120, 80, spo2: 91), now: Self.now, Self.t)
        #expect(low.map(\.limit) == [LimitID.vitalsPauseOxygenSaturation] && low.allSatisfy { $0.kind == .softLimit })
        let fast = VitalsInterlock.preStartFindings(latest: Self.vitals(120, 80, hr: 125), now: Self.now, Self.t)
        #expect(fast.map(\.limit) == [LimitID.vitalsPauseHeartRate])
        let none = VitalsInterlock.preStartFindings(latest: nil, now: Self.now, Self.t)
        #expect(none.map(\.kind) == [.warning] && none.first?.limit == LimitID.vitalsMissing)
        // A high reading older than 15 min does not count (nor block): warning only.
        let stale = VitalsInterlock.preStartFindings(latest: Self.vitals(170, 100), now: .origin + .minutes(16), Self.t)
        #expect(stale.map(\.kind) == [.warning])
    }

    @Test("Implausible entries are refused with a sentence")
    func plausibility() {
        #expect(Self.vitals(1500, 90).implausibility?.contains("Systolic") == true)
        #expect(Self.vitals(120, 130).implausibility?.contains("not below systolic") == true)
        #expect(Self.vitals(120, 80, hr: .nan).implausibility != nil)
        #expect(Self.vitals(120, 80, spo2: 101).implausibility != nil)
        #expect(Self.vitals(150, 90, hr: 88, spo2: 97).implausibility == nil)
    }

    @Test("The watch keeps the newest reading and times reminders from the later of session start and reading")
    func watch() {
        var watch = VitalsWatch(thresholds: Self.t)
        #expect(watch.record(Self.vitals(190, 100, atMinute: 10)).map(\.sign) == [.systolic])
        #expect(watch.record(Self.vitals(120, 80, atMinute: 5)).isEmpty)    // older: does not replace
        #expect(watch.persistingBreaches.map(\.sign) == [.systolic])
        #expect(watch.record(Self.vitals(120, 80, atMinute: 11)).isEmpty)
        #expect(watch.persistingBreaches.isEmpty)
        let start = MonotonicInstant.origin + .minutes(20)
        #expect(watch.staleReminderDue(now: start + .minutes(14), sessionStart: start) == nil)
        #expect(watch.staleReminderDue(now: start + .minutes(15), sessionStart: start) != nil)
        #expect(watch.staleReminderDue(now: start + .minutes(16), sessionStart: start) == nil)
        #expect(watch.staleReminderDue(now: start + .minutes(30), sessionStart: start) != nil)
    }

    @Test("The library thresholds are checked for consistency")
    func consistency() {
        #expect(Self.t.inconsistency == nil && !Self.t.clinicallySignedOff)
        var bad = Self.t
        bad.pauseSystolic = MillimetersOfMercury(130)
        #expect(bad.inconsistency != nil)
        bad = Self.t
        bad.staleAfter = Minutes(0)
        #expect(bad.inconsistency != nil)
    }
}
