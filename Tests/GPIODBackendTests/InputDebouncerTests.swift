import PumpCore
import Testing
@testable import GPIODBackend

@Suite("Asymmetric input debounce")
struct InputDebouncerTests {
    let t0 = MonotonicInstant(nanoseconds: 5_000_000_000)
    let ms = MonotonicDuration.milliseconds(1)

    func estop() -> InputDebouncer {
        InputDebouncer(faultLevel: true, debounce: .milliseconds(20), initial: false, at: t0 - .seconds(Int64(1)))
    }

    @Test("HAZ-011 an e-stop press is believed and reported on the first edge, with no debounce delay")
    func faultEntryIsImmediate() {
        var d = estop()
        #expect(d.level(at: t0) == false)
        #expect(d.observe(true, at: t0) == true)
        #expect(d.level(at: t0) == true)
    }

    @Test("HAZ-011 a bouncing e-stop is reported once and stays pressed until stable")
    func bounceReportsOnceAndHoldsTheFault() {
        var d = estop()
        var reports = 0
        for i in 0..<10 {
            if d.observe(i % 2 == 0, at: t0 + ms * Int64(i)) { reports += 1 }
        }
        #expect(reports == 1)
        // Last raw level (i = 9) was released at t0 + 9 ms: still pressed until t0 + 29 ms.
        #expect(d.level(at: t0 + ms * 28) == true)
        #expect(d.level(at: t0 + ms * 29) == false)
    }

    @Test func aNewPressAfterAStableReleaseIsReportedAgain() {
        var d = estop()
        do { let reported = d.observe(true, at: t0); #expect(reported) }
        do { let reported = d.observe(false, at: t0 + ms * 5); #expect(!reported) }
        do { let reported = d.observe(true, at: t0 + ms * 40); #expect(reported) }
    }

    @Test func aPressDuringTheReleaseDebounceIsNotReportedTwice() {
        var d = estop()
        do { let reported = d.observe(true, at: t0); #expect(reported) }
        do { let reported = d.observe(false, at: t0 + ms * 5); #expect(!reported) }
        do { let reported = d.observe(true, at: t0 + ms * 10); #expect(!reported) }
        #expect(d.level(at: t0 + ms * 100) == true)
    }

    @Test("HAZ-013 syringe removal (fault = not present) is immediate, re-insertion is debounced")
    func syringeRemovedIsImmediate() {
        var d = InputDebouncer(faultLevel: false, debounce: .milliseconds(20), initial: true, at: t0 - .seconds(Int64(1)))
        #expect(d.level(at: t0) == true)
        do { let reported = d.observe(false, at: t0); #expect(reported) }
        #expect(d.level(at: t0) == false)
        do { let reported = d.observe(true, at: t0 + ms * 2); #expect(!reported) }
        #expect(d.level(at: t0 + ms * 21) == false)
        #expect(d.level(at: t0 + ms * 22) == true)
    }

    @Test func aSafeInitialLevelIsBelievedOnlyAfterTheDebounce() {
        let d = InputDebouncer(faultLevel: true, debounce: .milliseconds(20), initial: false, at: t0)
        #expect(d.level(at: t0 + ms * 19) == true)
        #expect(d.level(at: t0 + ms * 20) == false)
    }

    @Test func aFaultInitialLevelIsNotAnEdge() {
        var d = InputDebouncer(faultLevel: true, debounce: .milliseconds(20), initial: true, at: t0)
        #expect(d.isFault(at: t0))
        do { let reported = d.observe(true, at: t0 + ms); #expect(!reported) }
    }

    @Test func zeroDebounceFollowsTheRawLevel() {
        var d = InputDebouncer(faultLevel: true, debounce: .zero, initial: false, at: t0)
        do { let reported = d.observe(true, at: t0); #expect(reported) }
        do { let reported = d.observe(false, at: t0 + ms); #expect(!reported) }
        #expect(d.level(at: t0 + ms) == false)
    }

    @Test func eventMappingAndFaultLevelsPerSwitch() {
        #expect(InputKind.emergencyStop.faultLevel && InputKind.emergencyStop.event == .emergencyStopPressed)
        #expect(!InputKind.syringePresent.faultLevel && InputKind.syringePresent.event == .syringeRemoved)
        #expect(!InputKind.plungerClamped.faultLevel && InputKind.plungerClamped.event == .plungerUnclamped)
        #expect(InputKind.endOfTravel.faultLevel && InputKind.endOfTravel.event == .endOfTravelReached)
        #expect(InputKind.occlusionSwitch.faultLevel && InputKind.occlusionSwitch.event == .occlusionSwitchClosed)
    }
}
