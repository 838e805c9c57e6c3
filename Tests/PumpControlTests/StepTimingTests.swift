// Step timing without real time: the choice between the SCHED_FIFO step thread and the Dispatch timer (with
// an injected sched setter), the due-time arithmetic, and the engine's gating and completion when its step
// timers run on a scheduler other than the control one (virtual time through a distinct forwarding scheduler).
import Foundation
import PumpCore
import Testing
@testable import PumpControl
#if canImport(Glibc)
import Glibc
#endif

/// Records how often the injected SCHED_FIFO setter was called and answers with a fixed errno.
final class FIFOSetterProbe: @unchecked Sendable {
    let answer: Int32
    private let lock = NSLock()
    private var calls: [Int32] = []
    init(answer: Int32) { self.answer = answer }
    var priorities: [Int32] { lock.withLock { calls } }
    var setter: RealtimeStepScheduler.FIFOSetter {
        { [self] priority in
            lock.withLock { calls.append(priority) }
            return answer
        }
    }
}

@Suite("Step timing choice")
struct StepTimingChoiceTests {
    @Test("HAZ-008: realtime refused by the kernel (EPERM) falls back to the Dispatch timer and says why")
    func refusedFallsBack() {
        let control = DispatchScheduler(label: "test.control")
        let probe = FIFOSetterProbe(answer: EPERM)
        let choice = StepTimingChoice.make(requested: .realtime, control: control, priority: 50, setFIFO: probe.setter)
        defer { choice.shutdown() }
        #expect(probe.priorities == [50])
        #expect(choice.thread == nil)
        #expect(choice.scheduler === control)
        #expect(choice.report.requested == .realtime)
        #expect(choice.report.granted == .dispatch)
        #expect(choice.report.detail.contains("not permitted"))
    }

    @Test("Realtime granted runs the steps on the dedicated thread and reports SCHED_FIFO")
    func grantedUsesThread() {
        let control = DispatchScheduler(label: "test.control")
        let probe = FIFOSetterProbe(answer: 0)
        let choice = StepTimingChoice.make(requested: .realtime, control: control, priority: 42, setFIFO: probe.setter)
        defer { choice.shutdown() }
        #expect(probe.priorities == [42])
        #expect(choice.thread != nil)
        #expect(choice.scheduler === choice.thread)
        #expect(choice.report.granted == .realtime)
        #expect(choice.report.description.contains("SCHED_FIFO 42"))
        #expect(choice.thread?.timeBase == control.timeBase)
    }

    @Test("Dispatch requested never asks for SCHED_FIFO")
    func dispatchNeverAsks() {
        let control = DispatchScheduler(label: "test.control")
        let probe = FIFOSetterProbe(answer: 0)
        let choice = StepTimingChoice.make(requested: .dispatch, control: control, priority: 50, setFIFO: probe.setter)
        #expect(probe.priorities.isEmpty)
        #expect(choice.scheduler === control)
        #expect(choice.report.granted == .dispatch)
    }

    @Test("A sped-up simulator clock or a priority outside 1–99 is refused before any thread starts")
    func refusedBeforeStart() {
        let probe = FIFOSetterProbe(answer: 0)
        let fast = DispatchScheduler(label: "test.fast", speed: 200)
        let sped = StepTimingChoice.make(requested: .realtime, control: fast, priority: 50, setFIFO: probe.setter)
        #expect(sped.report.granted == .dispatch)
        #expect(sped.report.detail.contains("real clock only"))
        let control = DispatchScheduler(label: "test.control")
        let high = StepTimingChoice.make(requested: .realtime, control: control, priority: 120, setFIFO: probe.setter)
        #expect(high.report.granted == .dispatch)
        #expect(probe.priorities.isEmpty)
    }
}

@Suite("Due-time arithmetic")
struct MonotonicTimeBaseTests {
    @Test("HAZ-012: at speed 1 an instant maps to origin + instant on CLOCK_MONOTONIC, exactly, both ways")
    func realSpeed() {
        let base = MonotonicTimeBase(originNanoseconds: 5_000_000_000)
        let instant = MonotonicInstant(nanoseconds: 1_500_000_123)
        #expect(base.monotonicDeadline(for: instant) == 6_500_000_123)
        #expect(base.instant(atMonotonic: 6_500_000_123) == instant)
        let spec = base.timespecDeadline(for: instant)
        #expect(spec.tv_sec == 6)
        #expect(spec.tv_nsec == 500_000_123)
    }

    @Test("At N× simulation speed a virtual deadline falls due N× sooner in real time")
    func spedUp() {
        let base = MonotonicTimeBase(originNanoseconds: 1_000, speed: 200)
        #expect(base.monotonicDeadline(for: .origin + .seconds(Int64(200))) == 1_000 + 1_000_000_000)
        #expect(base.instant(atMonotonic: 1_000 + 1_000_000_000) == .origin + .seconds(Int64(200)))
    }

    @Test("A deadline before the origin clamps to the origin; timespecs are normalised and never negative")
    func clamps() {
        let base = MonotonicTimeBase(originNanoseconds: 7_000_000_000)
        #expect(base.monotonicDeadline(for: MonotonicInstant(nanoseconds: -3_000_000_000)) == 7_000_000_000)
        let negative = MonotonicTimeBase.makeTimespec(nanoseconds: -5)
        #expect(negative.tv_sec == 0 && negative.tv_nsec == 0)
        let exact = MonotonicTimeBase.makeTimespec(nanoseconds: 2_000_000_000)
        #expect(exact.tv_sec == 2 && exact.tv_nsec == 0)
    }
}

/// A distinct scheduler object over the same virtual clock: the engine then treats its step timers as
/// running "elsewhere" (the realtime wiring: callbacks hop back with `perform`), still deterministic.
final class ForwardingScheduler: PumpScheduler, @unchecked Sendable {
    let inner: VirtualScheduler
    private(set) var scheduled = 0
    init(_ inner: VirtualScheduler) { self.inner = inner }
    func now() -> MonotonicInstant { inner.now() }
    @discardableResult
    func schedule(at deadline: MonotonicInstant, _ action: @escaping () -> Void) -> ScheduledTask {
        scheduled += 1
        return inner.schedule(at: deadline, action)
    }
    func perform(_ action: @escaping () -> Void) { inner.perform(action) }
}

@Suite("Engine with a separate step scheduler")
struct SeparateStepSchedulerTests {
    struct Rig {
        let clock = VirtualScheduler()
        let steps: ForwardingScheduler
        let hardware: RecordingHardware
        let engine: InfusionEngine
        init() {
            steps = ForwardingScheduler(clock)
            hardware = RecordingHardware(clock: clock)
            engine = InfusionEngine(scheduler: clock, stepScheduler: steps, hardware: hardware)
        }
    }

    @Test("HAZ-001: on the step scheduler the reference infusion delivers exactly the target and completes")
    func referenceJob() throws {
        let rig = Rig()
        let session = Fixture.referenceSession()
        try rig.engine.start(session)
        rig.clock.run(for: .minutes(41))
        #expect(rig.steps.scheduled > 100_000)
        #expect(rig.hardware.forwardSteps == session.targetSteps.count)
        #expect(rig.engine.supervisor.deliveredSteps == session.targetSteps)
        #expect(rig.engine.state == .completed)
        #expect(!rig.hardware.enabled)
        #expect(rig.hardware.stepsWhileDisabled == 0)
    }

    @Test("HAZ-008: steps on the step scheduler never run ahead of floor(rate·t) and lag at most one step")
    func cumulativeError() throws {
        let rig = Rig()
        let session = Fixture.referenceSession()
        try rig.engine.start(session)
        rig.clock.run(for: .minutes(10))
        let rate = rig.engine.status().rate
        let stepsPerSecond = session.geometry.stepRate(for: rate).value
        let start = try #require(rig.hardware.stepTimes.first) - .seconds(1 / stepsPerSecond)
        for (index, time) in rig.hardware.stepTimes.enumerated() {
            let ideal = Int64(((time - start).seconds * stepsPerSecond + 1e-9).rounded(.down))
            #expect(Int64(index + 1) <= ideal + 1)
            #expect(Int64(index + 1) >= ideal - 1)
        }
    }

    @Test("HAZ-011: an e-stop stops the step thread's steps at once; pause stops them too")
    func stopsOnEStopAndPause() throws {
        let rig = Rig()
        try rig.engine.start(Fixture.referenceSession())
        rig.clock.run(for: .seconds(Int64(10)))
        try rig.engine.pause()
        let atPause = rig.hardware.forwardSteps
        rig.clock.run(for: .seconds(Int64(10)))
        #expect(rig.hardware.forwardSteps == atPause)
        try rig.engine.resume()
        rig.clock.run(for: .seconds(Int64(10)))
        #expect(rig.hardware.forwardSteps > atPause)
        rig.engine.emergencyStop(source: "test")
        let atStop = rig.hardware.forwardSteps
        rig.clock.run(for: .minutes(5))
        #expect(rig.hardware.forwardSteps == atStop)
        #expect(!rig.hardware.enabled)
        #expect(rig.engine.state == .alarm)
        #expect(rig.hardware.stepsWhileDisabled == 0)
    }
}
