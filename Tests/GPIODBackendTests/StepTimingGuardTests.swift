import PumpCore
import Testing
@testable import GPIODBackend

@Suite("Driver timing guard (clinical-reference §5)")
struct StepTimingGuardTests {
    let t0 = MonotonicInstant(nanoseconds: 1_000_000_000)

    @Test func constantsMatchTheSafeDefaults() {
        #expect(StepTimingGuard.stepHighTime == .microseconds(5))
        #expect(StepTimingGuard.stepLowTime >= .microseconds(2))
        #expect(StepTimingGuard.directionSetupTime >= .microseconds(1))
        #expect(StepTimingGuard.directionHoldTime >= .microseconds(1))
        #expect(StepTimingGuard.enableSettleTime == .milliseconds(2))
    }

    @Test("HAZ-005 a step while disabled is refused, not lost silently")
    func stepWhileDisabledIsRefused() {
        let guardState = StepTimingGuard()
        #expect(guardState.stepStart(now: t0, emergencyStopActive: false) == .failure(.motorDisabled))
    }

    @Test("HAZ-005 a step within 2 ms of enable is refused with the time left")
    func stepBeforeSettleIsRefused() {
        var g = StepTimingGuard()
        g.enabled(at: t0)
        let early = t0 + .microseconds(1500)
        #expect(g.stepStart(now: early, emergencyStopActive: false) == .failure(.enableSettling(remaining: .microseconds(500))))
        let onTime = t0 + .milliseconds(2)
        #expect(g.stepStart(now: onTime, emergencyStopActive: false) == .success(onTime))
    }

    @Test func reEnablingWhileEnabledDoesNotRestartTheSettleTime() {
        var g = StepTimingGuard()
        g.enabled(at: t0)
        g.enabled(at: t0 + .milliseconds(1))
        #expect(g.enabledAt == t0)
        g.disabled()
        g.enabled(at: t0 + .milliseconds(5))
        #expect(g.stepStart(now: t0 + .milliseconds(6), emergencyStopActive: false)
            == .failure(.enableSettling(remaining: .milliseconds(1))))
    }

    @Test("HAZ-011 no step while the e-stop input is active")
    func stepDuringEmergencyStopIsRefused() {
        var g = StepTimingGuard()
        g.enabled(at: t0)
        #expect(g.stepStart(now: t0 + .seconds(Int64(1)), emergencyStopActive: true) == .failure(.emergencyStopActive))
    }

    @Test func directionSetupDelaysTheNextStepByOneMicrosecond() {
        var g = StepTimingGuard()
        g.enabled(at: t0)
        let now = t0 + .milliseconds(3)
        g.directionChanged(at: now - MonotonicDuration(nanoseconds: 300))
        #expect(g.stepStart(now: now, emergencyStopActive: false) == .success(now + MonotonicDuration(nanoseconds: 700)))
        g.directionChanged(at: now - .microseconds(10))
        #expect(g.stepStart(now: now, emergencyStopActive: false) == .success(now))
    }

    @Test func stepLowTimeSeparatesPulses() {
        var g = StepTimingGuard()
        g.enabled(at: t0)
        let now = t0 + .milliseconds(3)
        g.stepEnded(at: now - .microseconds(1))
        #expect(g.stepStart(now: now, emergencyStopActive: false) == .success(now + .microseconds(1)))
    }

    @Test func directionHoldAfterTheLastStep() {
        var g = StepTimingGuard()
        let now = t0 + .milliseconds(3)
        #expect(g.directionChangeStart(now: now) == now)
        g.stepEnded(at: now - MonotonicDuration(nanoseconds: 400))
        #expect(g.directionChangeStart(now: now) == now + MonotonicDuration(nanoseconds: 600))
    }

    @Test func refusalTextsAreGreppable() {
        #expect(StepRefusal.enableSettling(remaining: .microseconds(500)).description
            == "step refused: driver settling after enable (500 µs left of 2000 µs)")
        #expect(StepRefusal.motorDisabled.description == "step refused: motor disabled")
    }
}
