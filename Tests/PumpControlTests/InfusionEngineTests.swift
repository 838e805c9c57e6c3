// Control-loop behaviour in virtual time on recording hardware: completion, pauses, titration, alarms.
import Foundation
import PumpCore
@testable import PumpControl
import Testing

@Suite("Infusion engine")
struct InfusionEngineTests {
    @Test("HAZ-001: the reference infusion delivers exactly the target steps and ends at 40:00")
    func referenceInfusion() throws {
        let rig = Fixture.Rig()
        let session = Fixture.referenceSession()
        try rig.engine.start(session)
        rig.runUntil(minutes: 45)
        #expect(rig.engine.state == .completed)
        #expect(rig.hardware.forwardSteps == session.targetSteps.count)
        let last = try #require(rig.hardware.stepTimes.last)
        #expect(abs(last.minutes - 40) * 60 < 0.05, "last step at \(last.minutes) min")
        #expect(!rig.hardware.enabled, "ENABLE must be off after completion")
        #expect(rig.alarmCodes.contains(.infusionComplete))
        #expect(rig.events.raised.contains(.nearEnd))
    }

    @Test("HAZ-008: no step comes sooner than the driver's enable settle time")
    func settleTimeBeforeFirstStep() throws {
        let rig = Fixture.Rig()
        try rig.engine.start(Fixture.referenceSession())
        rig.run(minutes: 0.1)
        let enabledAt = try #require(rig.hardware.enableTimes.first)
        let first = try #require(rig.hardware.stepTimes.first)
        #expect(first - enabledAt >= .milliseconds(2))
    }

    @Test("HAZ-008: cumulative delivery never lags floor(rate·t) by more than one step while running steadily")
    func cumulativeErrorBounded() throws {
        let rig = Fixture.Rig()
        let session = Fixture.referenceSession()
        try rig.engine.start(session)
        rig.runUntil(minutes: 41)
        let rate = Double(session.targetSteps.count) / 2400
        var worst = 0.0
        for (index, time) in rig.hardware.stepTimes.enumerated() {
            let ideal = rate * (time - .origin).seconds
            worst = max(worst, abs(Double(index + 1) - ideal))
        }
        #expect(worst <= 1.5, "worst cumulative error \(worst) steps")
    }

    @Test("A 2-minute pause is absorbed by catch-up: the infusion still ends at 40:00")
    func pauseAbsorbed() throws {
        let rig = Fixture.Rig()
        let session = Fixture.referenceSession()
        try rig.engine.start(session)
        rig.runUntil(minutes: 10)
        try rig.engine.pause()
        let stepsAtPause = rig.hardware.forwardSteps
        #expect(!rig.hardware.enabled)
        rig.runUntil(minutes: 12)
        #expect(rig.hardware.forwardSteps == stepsAtPause, "no step while paused")
        try rig.engine.resume()
        rig.run(minutes: 0.01)
        let expectedEnd = try #require(rig.engine.status().expectedEnd)
        #expect(abs(expectedEnd.minutes - 40) < 0.01)
        rig.runUntil(minutes: 45)
        #expect(rig.engine.state == .completed)
        #expect(rig.hardware.forwardSteps == session.targetSteps.count)
        let last = try #require(rig.hardware.stepTimes.last)
        #expect(abs(last.minutes - 40) * 60 < 0.1)
        // The catch-up never exceeded nominal × 1.1.
        let nominal = Double(session.targetSteps.count) / 2400
        let afterResume = rig.hardware.stepTimes.filter { $0.minutes > 12.1 && $0.minutes < 39 }
        let observed = Double(afterResume.count - 1) / ((afterResume.last ?? .origin) - (afterResume.first ?? .origin)).seconds
        #expect(observed <= nominal * 1.1 + 0.01)
    }

    @Test("A 5-minute pause extends the end: catch-up at 1.1× and the status shows the new expected end")
    func pauseExtendsEnd() throws {
        let rig = Fixture.Rig()
        let session = Fixture.referenceSession()
        try rig.engine.start(session)
        rig.runUntil(minutes: 10)
        try rig.engine.pause()
        rig.runUntil(minutes: 15)
        try rig.engine.resume()
        rig.run(minutes: 0.01)
        // 30 minutes of volume remain at 15:00; at 1.1× nominal that takes 30/1.1 = 27.27 min: end ≈ 42.27.
        let expectedEnd = try #require(rig.engine.status().expectedEnd)
        #expect(abs(expectedEnd.minutes - (15 + 30 / 1.1)) < 0.05, "expected end \(expectedEnd.minutes)")
        rig.runUntil(minutes: 50)
        #expect(rig.engine.state == .completed)
        #expect(rig.hardware.forwardSteps == session.targetSteps.count)
        let last = try #require(rig.hardware.stepTimes.last)
        #expect(abs(last.minutes - (15 + 30 / 1.1)) < 0.05)
    }

    @Test("Paused too long raises a medium-priority reminder after 2 minutes and never resumes by itself")
    func pausedTooLong() throws {
        let rig = Fixture.Rig()
        try rig.engine.start(Fixture.referenceSession())
        rig.runUntil(minutes: 5)
        try rig.engine.pause()
        let steps = rig.hardware.forwardSteps
        rig.runUntil(minutes: 6.9)
        #expect(!rig.alarmCodes.contains(.pausedTooLong))
        rig.runUntil(minutes: 7.1)
        let alarm = try #require(rig.engine.status().alarms.first { $0.code == .pausedTooLong })
        #expect(alarm.priority == .medium)
        rig.runUntil(minutes: 30)
        #expect(rig.hardware.forwardSteps == steps)
        #expect(rig.engine.state == .paused)
    }

    @Test("Titration up mid-infusion: a larger dose ends at the same planned time")
    func titrateUp() throws {
        let rig = Fixture.Rig()
        let session = Fixture.referenceSession()
        try rig.engine.start(session)
        rig.runUntil(minutes: 20)
        // 42 mL in all: 24.5 mL remain for the last 20 min, a remaining-part rate of 73.5 mL/h.
        let newTarget = Fixture.geometry.steps(forVolume: Milliliters(42))
        try rig.engine.titrate(targetSteps: newTarget, duration: Minutes(40), nominalRate: MillilitersPerHour(73.5))
        rig.runUntil(minutes: 45)
        #expect(rig.engine.state == .completed)
        #expect(rig.hardware.forwardSteps == newTarget.count)
        let last = try #require(rig.hardware.stepTimes.last)
        #expect(abs(last.minutes - 40) * 60 < 0.2)
    }

    @Test("Titration down mid-infusion: a smaller dose over a longer time")
    func titrateDown() throws {
        let rig = Fixture.Rig()
        try rig.engine.start(Fixture.referenceSession())
        rig.runUntil(minutes: 10)
        // 28 mL in all over 60 min: 19.25 mL remain for the last 50 min, 23.1 mL/h.
        let newTarget = Fixture.geometry.steps(forVolume: Milliliters(28))
        try rig.engine.titrate(targetSteps: newTarget, duration: Minutes(60), nominalRate: MillilitersPerHour(23.1))
        rig.runUntil(minutes: 65)
        #expect(rig.engine.state == .completed)
        #expect(rig.hardware.forwardSteps == newTarget.count)
        let last = try #require(rig.hardware.stepTimes.last)
        #expect(abs(last.minutes - 60) * 60 < 0.2)
    }

    @Test("HAZ-002: titration below what was delivered or above the session cap is refused")
    func titrationRefusals() throws {
        let rig = Fixture.Rig()
        try rig.engine.start(Fixture.referenceSession())
        rig.runUntil(minutes: 20)
        #expect(throws: EngineRefusal.self) {
            try rig.engine.titrate(targetSteps: Steps(10), duration: Minutes(40), nominalRate: MillilitersPerHour(1))
        }
        #expect(throws: EngineRefusal.self) {
            try rig.engine.titrate(targetSteps: Steps(Fixture.limits().maxTotalSteps.count + 1), duration: Minutes(40),
                                   nominalRate: MillilitersPerHour(100))
        }
    }

    @Test("Checkpoints come at least every second while infusing")
    func checkpointsEverySecond() throws {
        let rig = Fixture.Rig()
        try rig.engine.start(Fixture.referenceSession())
        rig.runUntil(minutes: 2)
        let times = rig.events.checkpoints.map { $0.elapsed.seconds }
        #expect(times.count >= 115)
        for (a, b) in zip(times, times.dropFirst()) { #expect(b - a <= 1.06) }
    }

    @Test("Commands in the wrong state are refused with a sentence and change nothing")
    func wrongStateRefusals() throws {
        let rig = Fixture.Rig()
        #expect(throws: EngineRefusal.self) { try rig.engine.pause() }
        #expect(throws: EngineRefusal.self) { try rig.engine.resume() }
        #expect(throws: EngineRefusal.self) { try rig.engine.stop() }
        try rig.engine.start(Fixture.referenceSession())
        #expect(throws: EngineRefusal.self) { try rig.engine.start(Fixture.referenceSession()) }
        #expect(rig.engine.state == .running)
    }

    @Test("Stop ends the infusion, keeps the delivered count and disables the motor")
    func stopKeepsRecord() throws {
        let rig = Fixture.Rig()
        try rig.engine.start(Fixture.referenceSession())
        rig.runUntil(minutes: 10)
        try rig.engine.stop()
        let delivered = rig.engine.status().deliveredSteps
        rig.runUntil(minutes: 20)
        #expect(rig.engine.state == .stopped)
        #expect(!rig.hardware.enabled)
        #expect(rig.hardware.forwardSteps == delivered.count)
        #expect(delivered.count > 0)
    }
}
