// The vital-sign interlock in the control loop, in virtual time (HAZ-015): a reading past a pause limit stops
// delivery with a latched high-priority alarm that cannot be acknowledged while the newest reading is still
// out of range, nothing resumes by itself, and stale vital signs raise a medium reminder.
import Foundation
import PumpCore
import Testing
@testable import PumpControl

@Suite("Vital-sign interlock in the engine")
struct VitalsInterlockEngineTests {
    static func session(thresholds: VitalSignThresholds? = .provisionalDefaults) -> InfusionSession {
        var session = Fixture.referenceSession()
        session.vitalThresholds = thresholds
        return session
    }

    static func reading(_ rig: Fixture.Rig, sbp: Double = 125, dbp: Double = 78, hr: Double = 75, spo2: Double = 98) -> VitalSigns {
        VitalSigns(systolic: MillimetersOfMercury(sbp), diastolic: MillimetersOfMercury(dbp), heartRate: BeatsPerMinute(hr),
                   oxygenSaturation: OxygenSaturation(spo2), measuredAt: rig.clock.now(), source: .manual)
    }

    @Test("HAZ-015: SBP 195 mid-infusion stops delivery with a high alarm; ack is refused until a reading is back in range; only resume restarts")
    func surgePausesUntilAckAndResume() throws {
        let rig = Fixture.Rig()
        try rig.engine.start(Self.session())
        rig.runUntil(minutes: 10)
        rig.engine.recordVitals(Self.reading(rig, sbp: 130))
        #expect(rig.engine.state == .running)
        rig.runUntil(minutes: 20)
        let assessment = rig.engine.recordVitals(Self.reading(rig, sbp: 195, dbp: 105))
        #expect(assessment.paused && assessment.breaches.map(\.sign) == [.systolic])
        #expect(!rig.hardware.enabled)
        rig.run(minutes: 0.01)
        #expect(rig.engine.state == .alarm)
        let alarm = try #require(rig.engine.status().alarms.first { $0.code == .vitalsOutOfRange })
        #expect(alarm.priority == .high)
        let stepsAtTrip = rig.hardware.forwardSteps
        rig.runUntil(minutes: 40)
        #expect(rig.hardware.forwardSteps == stepsAtTrip && rig.engine.state == .alarm)
        #expect(throws: EngineRefusal.self) { try rig.engine.acknowledge(.vitalsOutOfRange) }
        #expect(throws: EngineRefusal.self) { try rig.engine.acknowledge(nil) }
        rig.engine.recordVitals(Self.reading(rig, sbp: 150, dbp: 92))
        #expect(try rig.engine.acknowledge(.vitalsOutOfRange).contains(.vitalsOutOfRange))
        #expect(rig.engine.state == .paused)
        rig.runUntil(minutes: 45)
        #expect(rig.hardware.forwardSteps == stepsAtTrip, "acknowledging must not restart the motor")
        try rig.engine.resume()
        rig.runUntil(minutes: 90)
        #expect(rig.engine.state == .completed)
        #expect(rig.hardware.forwardSteps == Self.session().targetSteps.count)
        #expect(rig.hardware.stepsWhileDisabled == 0)
    }

    @Test("HAZ-015: each pause limit trips at its value and not one unit inside it (SBP 180, DBP 110, HR 120, SpO2 < 92)")
    func eachLimitTrips() throws {
        let cases: [(inside: (Double, Double, Double, Double), outside: (Double, Double, Double, Double), sign: VitalSign)] = [
            ((179, 80, 80, 97), (180, 80, 80, 97), .systolic),
            ((150, 109, 80, 97), (150, 110, 80, 97), .diastolic),
            ((130, 80, 119, 97), (130, 80, 120, 97), .heartRate),
            ((130, 80, 80, 92), (130, 80, 80, 91), .oxygenSaturation),
        ]
        for c in cases {
            let rig = Fixture.Rig()
            try rig.engine.start(Self.session())
            rig.runUntil(minutes: 5)
            #expect(!rig.engine.recordVitals(Self.reading(rig, sbp: c.inside.0, dbp: c.inside.1, hr: c.inside.2, spo2: c.inside.3)).paused)
            rig.run(minutes: 0.01)
            #expect(rig.engine.state == .running && rig.hardware.enabled)
            let out = rig.engine.recordVitals(Self.reading(rig, sbp: c.outside.0, dbp: c.outside.1, hr: c.outside.2, spo2: c.outside.3))
            #expect(out.paused && out.breaches.map(\.sign) == [c.sign])
            rig.run(minutes: 0.01)
            #expect(rig.engine.state == .alarm && !rig.hardware.enabled)
        }
    }

    @Test("HAZ-015: a reading past a limit while paused also latches the alarm, so resume is refused until acknowledged")
    func pausedThenOutOfRange() throws {
        let rig = Fixture.Rig()
        try rig.engine.start(Self.session())
        rig.runUntil(minutes: 5)
        try rig.engine.pause()
        #expect(rig.engine.recordVitals(Self.reading(rig, spo2: 88)).paused)
        rig.run(minutes: 0.01)
        #expect(rig.engine.state == .alarm)
        #expect(throws: EngineRefusal.self) { try rig.engine.resume() }
    }

    @Test("HAZ-015: stale vital signs raise a medium reminder (delivery continues); a fresh reading clears it; it returns one interval later")
    func staleReminder() throws {
        let rig = Fixture.Rig()
        try rig.engine.start(Self.session())
        rig.runUntil(minutes: 14.9)
        #expect(!rig.alarmCodes.contains(.vitalsStale))
        rig.runUntil(minutes: 15.1)
        let alarm = try #require(rig.engine.status().alarms.first { $0.code == .vitalsStale })
        #expect(alarm.priority == .medium && rig.engine.state == .running && rig.hardware.enabled)
        rig.engine.recordVitals(Self.reading(rig))
        #expect(!rig.alarmCodes.contains(.vitalsStale))
        rig.runUntil(minutes: 30.0)
        #expect(!rig.alarmCodes.contains(.vitalsStale))
        rig.runUntil(minutes: 30.2)
        #expect(rig.alarmCodes.contains(.vitalsStale))
        // Acknowledged, it comes back one interval later.
        _ = try rig.engine.acknowledge(.vitalsStale)
        rig.runUntil(minutes: 45.0)
        #expect(!rig.alarmCodes.contains(.vitalsStale))
        rig.engine.recordVitals(Self.reading(rig))
        rig.runUntil(minutes: 50)
        #expect(rig.engine.state == .completed)
    }

    @Test("HAZ-015: the staleness interval comes from the thresholds (10 min)")
    func configuredInterval() throws {
        var thresholds = VitalSignThresholds.provisionalDefaults
        thresholds.staleAfter = Minutes(10)
        let rig = Fixture.Rig()
        try rig.engine.start(Self.session(thresholds: thresholds))
        rig.runUntil(minutes: 9.9)
        #expect(!rig.alarmCodes.contains(.vitalsStale))
        rig.runUntil(minutes: 10.1)
        #expect(rig.alarmCodes.contains(.vitalsStale))
    }

    @Test("HAZ-015 sensitivity: with the interlock off, SBP 210 does not stop delivery (the hazard the interlock prevents)")
    func sensitivityInterlockOff() throws {
        let rig = Fixture.Rig()
        try rig.engine.start(Self.session(thresholds: nil))
        rig.runUntil(minutes: 10)
        #expect(!rig.engine.recordVitals(Self.reading(rig, sbp: 210, dbp: 120)).paused)
        rig.runUntil(minutes: 41)
        #expect(rig.engine.state == .completed)
        #expect(!rig.engine.status().alarms.contains { $0.code == .vitalsStale || $0.code == .vitalsOutOfRange })
    }
}
