// Issue 11 item 8: a sped-up clock magnifies real-time lateness. When the fires of the last 150 ms before each
// control tick come only after it (a 1.5 ms stall of real time at 100×), the schedule leads the emitter by ~15
// steps at the retarget; keeping only the 1× lead (maxBurst + 1 = 5) drops the rest every control period and the
// program falls behind for good (the harm: fewer steps than the plan, the end moves later), while the
// speed-scaled lead keeps the debt and the late fires catch it up.
import Foundation
import PumpCore
import Testing
@testable import PumpControl

@Suite("Step emitter lead at sped-up clocks")
struct StepLeadScaleTests {
    /// Steps emitted in 20 s at 100 steps/s with a retarget every 0.5 s, when fires due in the `stall` before
    /// each tick run just after it.
    static func emitted(leadScale: Double, stall: MonotonicDuration = .milliseconds(150)) -> Int64 {
        let scheduler = VirtualScheduler()
        let tick = MonotonicDuration.milliseconds(500)
        scheduler.latenessInjector = { deadline in
            let intoTick = deadline.nanoseconds % tick.nanoseconds
            let untilTick = tick.nanoseconds - intoTick
            return untilTick <= stall.nanoseconds ? MonotonicDuration(nanoseconds: untilTick + 1_000_000) : .zero
        }
        let emitter = StepEmitter(scheduler: scheduler, commanded: .zero, maxBurst: 4, catchUpSpacing: .milliseconds(10),
                                  leadScale: leadScale, gate: { _ in true })
        let rate = StepsPerSecond(100)
        emitter.start(at: scheduler.now(), rate: rate, limit: Steps(100_000))
        for tick in 1...40 {
            scheduler.run(until: .origin + .milliseconds(Int64(tick) * 500))
            emitter.retarget(rate: rate, limit: Steps(100_000), at: scheduler.now())
        }
        emitter.stop()
        return emitter.commanded.count
    }

    @Test("With the 1× lead the late emitter loses steps at every retarget; with the speed-scaled lead it keeps up")
    func scaledLeadKeepsTime() {
        let planned: Int64 = 2_000
        let unscaled = Self.emitted(leadScale: 1)
        let scaled = Self.emitted(leadScale: 100)
        // Only the debt of the last stall may be outstanding at the end.
        #expect(scaled >= planned - 20, "scaled lead emitted \(scaled) of \(planned)")
        #expect(scaled <= planned, "never ahead of the plan")
        // Sensitivity: the unscaled lead shows the harm the scale prevents.
        #expect(unscaled < planned - 100, "unscaled lead emitted \(unscaled) of \(planned): the lost steps did not show")
    }

    @Test("At 1× (lead scale 1) a fire's usual lateness loses nothing; a non-finite or small scale is treated as 1")
    func realTimeUnchanged() {
        #expect(Self.emitted(leadScale: 1, stall: .microseconds(200)) >= 1_995)
        let scheduler = VirtualScheduler()
        #expect(StepEmitter(scheduler: scheduler, commanded: .zero, catchUpSpacing: .milliseconds(10), leadScale: .nan, gate: { _ in true }).leadScale == 1)
        #expect(StepEmitter(scheduler: scheduler, commanded: .zero, catchUpSpacing: .milliseconds(10), leadScale: 0.1, gate: { _ in true }).leadScale == 1)
    }

    @Test("A step's due instant is never before the position reaches it (100 steps/s, step 29 used to hang the emitter)",
          arguments: [100.0, 66.7, 3, 2_000, 0.5])
    func dueInstantReachesItsStep(rate: Double) {
        let schedule = StepSchedule(at: .origin, position: .zero, rate: StepsPerSecond(rate), limit: Steps(1_000_000))
        for emitted in Int64(0)..<5_000 {
            guard let due = schedule.nextDue(after: Steps(emitted)) else {
                Issue.record("no due instant")
                return
            }
            #expect(schedule.stepsDue(at: due, emitted: Steps(emitted)) >= 1, "step \(emitted + 1) at \(due.nanoseconds) ns")
            if schedule.stepsDue(at: due, emitted: Steps(emitted)) < 1 { return }
        }
    }
}
