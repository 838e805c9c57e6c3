// The syringe of a running program in virtual time on recording hardware (issue 14 item 2): near-empty, the
// syringe-empty pause at fill − dead space − margin (the emitter never passes it), the refusals, the change that
// resumes with cumulative totals, and the catch-up rule deciding whether the end moves.
import Foundation
import PumpCore
@testable import PumpControl
import Testing

@Suite("Syringe change in the engine")
struct SyringeChangeEngineTests {
    /// 59.5 mL over 240 min (14.875 mL/h) in a bd-50 filled with 50 mL, at 1 mg/mL: two syringes.
    static func twoSyringeSession(fill: Double = 50) -> InfusionSession {
        let volume = Milliliters(59.5)
        let limits = SupervisorLimits.derive(
            rateHardCap: MilligramsPerKilogramPerHour(1.5), sessionDoseHardMax: MilligramsPerKilogram(1.0),
            dosingWeight: Kilograms(70), concentration: MilligramsPerMilliliter(1), geometry: Fixture.geometry,
            pumpMaxRate: MillilitersPerHour(150), syringeChangeAllowed: true)
        var session = InfusionSession(
            id: "two-syringes", drug: "ketamine", profile: "pain", patientID: nil, dosingWeight: Kilograms(70),
            concentration: MilligramsPerMilliliter(1), geometry: Fixture.geometry,
            targetSteps: Fixture.geometry.steps(forVolume: volume), duration: Minutes(240),
            nominalRate: volume / Minutes(240), catchUpFactor: 1.1, nearEndWarning: Minutes(5),
            pausedReminder: Minutes(60), limits: limits)
        session.syringeChangeAllowed = true
        session.syringe = SyringeLoad(index: 1, fill: Milliliters(fill), loadedAtSteps: .zero)
        return session
    }

    /// Steps at which syringe 1 (50 mL fill) is treated as empty: 50 − 0.2 − 0.5 = 49.3 mL.
    static let emptyPoint = Fixture.geometry.steps(forVolume: Milliliters(49.3))

    @Test("The per-program supervisor cap holds the whole program when the profile allows a syringe change")
    func capsPerProgram() {
        let session = Self.twoSyringeSession()
        #expect(session.limits.maxTotalSteps >= session.targetSteps, "70 mL dose cap, not the 49.8 mL syringe")
        #expect(Fixture.limits().maxTotalSteps < session.targetSteps, "without a syringe change one syringe caps it")
    }

    @Test("near-empty (low) 2 mL before the empty point, then syringe-empty (high) pauses exactly at it, before end of travel")
    func nearEmptyThenEmpty() throws {
        let rig = Fixture.Rig()
        try rig.engine.start(Self.twoSyringeSession())
        // 49.3 mL at 14.875 mL/h is 198.9 min; 2 mL (8.1 min) comes before 3 min (0.74 mL).
        rig.runUntil(minutes: 189.5)
        #expect(!rig.alarmCodes.contains(.nearEmpty))
        rig.runUntil(minutes: 191.5)
        #expect(rig.alarmCodes.contains(.nearEmpty) && rig.engine.state == .running)
        #expect(AlarmCode.nearEmpty.priority == .low)
        rig.runUntil(minutes: 200)
        #expect(rig.engine.state == .paused)
        #expect(rig.alarmCodes.contains(.syringeEmpty) && !rig.alarmCodes.contains(.nearEmpty))
        #expect(AlarmCode.syringeEmpty.priority == .high)
        #expect(rig.hardware.forwardSteps == Self.emptyPoint.count, "stopped exactly at the empty point")
        #expect(!rig.hardware.enabled)
        let status = rig.engine.status()
        #expect(abs((status.syringeVolumeLeft?.value ?? 0) - 0.7) < 0.002)
        // Nothing moves while paused, and resume is refused until the syringe is changed.
        rig.runUntil(minutes: 205)
        #expect(rig.hardware.forwardSteps == Self.emptyPoint.count)
        #expect(throws: EngineRefusal.self) { try rig.engine.resume() }
    }

    @Test("A syringe change is refused while running and for a profile that does not allow it")
    func refusals() throws {
        let rig = Fixture.Rig()
        try rig.engine.start(Self.twoSyringeSession())
        rig.runUntil(minutes: 10)
        #expect(rig.engine.syringeChangeRefusal()?.message.contains("running") == true)
        #expect(throws: EngineRefusal.self) { try rig.engine.changeSyringe(fill: Milliliters(50)) }
        #expect(rig.engine.state == .running && rig.engine.session?.syringe.index == 1)

        let mood = Fixture.Rig()
        try mood.engine.start(Fixture.referenceSession())
        mood.runUntil(minutes: 5)
        try mood.engine.pause()
        #expect(mood.engine.syringeChangeRefusal()?.message.contains("does not allow a syringe change") == true)
        // A program that fits its syringe never gets near-empty or syringe-empty.
        try mood.engine.resume()
        mood.runUntil(minutes: 45)
        #expect(mood.engine.state == .completed && !mood.events.raised.contains(.nearEmpty) && !mood.events.raised.contains(.syringeEmpty))
    }

    @Test("A 2-minute change is absorbed by catch-up: the end stays at 240 min, totals cumulative, the whole target delivered")
    func changeAbsorbed() throws {
        let rig = Fixture.Rig()
        let session = Self.twoSyringeSession()
        try rig.engine.start(session)
        rig.runUntil(minutes: 200)
        #expect(rig.engine.state == .paused)
        rig.runUntil(minutes: 201)
        let load = try rig.engine.changeSyringe(fill: Milliliters(50))
        #expect(load.index == 2 && load.loadedAtSteps == Self.emptyPoint)
        #expect(rig.engine.state == .running && !rig.alarmCodes.contains(.syringeEmpty))
        #expect(rig.events.events.contains { if case .syringeChanged(let changed) = $0 { changed == load } else { false } })
        rig.run(minutes: 0.05)
        let expectedEnd = try #require(rig.engine.status().expectedEnd)
        #expect(abs(expectedEnd.minutes - 240) < 0.01, "end \(expectedEnd.minutes)")
        rig.runUntil(minutes: 250)
        #expect(rig.engine.state == .completed)
        #expect(rig.hardware.forwardSteps == session.targetSteps.count, "the whole program, counted across both syringes")
        #expect(rig.engine.status().deliveredSteps == session.targetSteps)
        let last = try #require(rig.hardware.stepTimes.last)
        #expect(abs(last.minutes - 240) * 60 < 1, "last step at \(last.minutes) min")
        #expect(rig.engine.session?.syringe.index == 2)
    }

    @Test("A 12-minute change is more than catch-up can make up: the end moves later by what is left over")
    func changeMovesEnd() throws {
        let rig = Fixture.Rig()
        let session = Self.twoSyringeSession()
        try rig.engine.start(session)
        rig.runUntil(minutes: 211)
        let emptyAt = 49.3 / 14.875 * 60
        try rig.engine.changeSyringe(fill: Milliliters(50))
        rig.run(minutes: 0.05)
        let end = try #require(rig.engine.status().expectedEnd).minutes
        // 10.2 mL left at ≤ 1.1 × 14.875 mL/h takes 37.4 min from 211 min: about 248.4 min.
        let catchUp = 10.2 / (1.1 * 14.875) * 60
        #expect(abs(end - (211 + catchUp)) < 0.2, "end \(end), empty at \(emptyAt)")
        rig.runUntil(minutes: 260)
        #expect(rig.engine.state == .completed && rig.hardware.forwardSteps == session.targetSteps.count)
    }

    @Test("Paused by the nurse mid-syringe, a change loads the new syringe at the current count and resumes")
    func changeWhilePausedByNurse() throws {
        let rig = Fixture.Rig()
        let session = Self.twoSyringeSession()
        try rig.engine.start(session)
        rig.runUntil(minutes: 100)
        try rig.engine.pause()
        let delivered = rig.engine.status().deliveredSteps
        let load = try rig.engine.changeSyringe(fill: Milliliters(50), expectedLoadedAt: delivered)
        #expect(load.loadedAtSteps == delivered && rig.engine.state == .running)
        #expect(abs((rig.engine.status().syringeVolumeLeft?.value ?? 0) - 50) < 0.01, "a fresh syringe")
        // 59.5 − 24.8 mL left fits the new 50 mL syringe: no further syringe-empty, the program completes.
        rig.runUntil(minutes: 250)
        #expect(rig.engine.state == .completed && !rig.events.raised.contains(.syringeEmpty))
        #expect(rig.hardware.forwardSteps == session.targetSteps.count)
        // A stale count is refused (the daemon journals the count before the engine loads the syringe).
        let other = Fixture.Rig()
        try other.engine.start(Self.twoSyringeSession())
        other.runUntil(minutes: 10)
        try other.engine.pause()
        #expect(throws: EngineRefusal.self) { try other.engine.changeSyringe(fill: Milliliters(50), expectedLoadedAt: Steps(1)) }
        #expect(other.engine.session?.syringe.index == 1 && other.engine.state == .paused)
    }

    @Test("A third syringe: a small second fill runs out again and is counted from where it was loaded")
    func thirdSyringe() throws {
        let rig = Fixture.Rig()
        let session = Self.twoSyringeSession()
        try rig.engine.start(session)
        rig.runUntil(minutes: 200)
        try rig.engine.changeSyringe(fill: Milliliters(5))  // delivers 5 − 0.2 − 0.5 = 4.3 mL
        rig.runUntil(minutes: 230)
        #expect(rig.engine.state == .paused && rig.alarmCodes.contains(.syringeEmpty))
        let second = Self.emptyPoint.count + Fixture.geometry.steps(forVolume: Milliliters(4.3)).count
        #expect(abs(rig.hardware.forwardSteps - second) <= 1)
        try rig.engine.changeSyringe(fill: Milliliters(20))
        #expect(rig.engine.session?.syringe.index == 3)
        rig.runUntil(minutes: 280)
        #expect(rig.engine.state == .completed && rig.hardware.forwardSteps == session.targetSteps.count)
    }
}
