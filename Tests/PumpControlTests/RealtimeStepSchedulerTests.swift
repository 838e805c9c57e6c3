// The step thread itself, on the real clock but without sleeping: tests wait on semaphores for callbacks a
// few milliseconds away. The thread runs with the inherited policy (SCHED_FIFO may not be permitted here);
// the policy choice is tested with an injected setter in StepTimingTests.
import Foundation
import PumpCore
import Testing
@testable import PumpControl

/// Collects what ran on the step thread.
final class RunLog: @unchecked Sendable {
    private let lock = NSLock()
    private var entries: [(label: Int, early: Bool)] = []
    let done = DispatchSemaphore(value: 0)
    func add(_ label: Int, early: Bool) { lock.withLock { entries.append((label, early)) } }
    var labels: [Int] { lock.withLock { entries.map(\.label) } }
    var anyEarly: Bool { lock.withLock { entries.contains { $0.early } } }
}

@Suite("Realtime step scheduler")
struct RealtimeStepSchedulerTests {
    static func thread() throws -> RealtimeStepScheduler {
        try RealtimeStepScheduler.start(label: "test-step", timeBase: .startingNow(), policy: .inherited).get()
    }

    @Test("HAZ-008: tasks run in deadline order, never before their deadline; a cancelled task never runs")
    func orderAndCancel() throws {
        let steps = try Self.thread()
        defer { steps.shutdown() }
        let log = RunLog()
        let now = steps.now()
        for (label, offset) in [(3, 6), (1, 2), (2, 4)] {
            let due = now + .milliseconds(Int64(offset))
            steps.schedule(at: due) { log.add(label, early: steps.now() < due) }
        }
        let cancelled = steps.schedule(at: now + .milliseconds(3)) { log.add(99, early: false) }
        cancelled.cancel()
        steps.schedule(at: now + .milliseconds(8)) { log.done.signal() }
        #expect(log.done.wait(timeout: .now() + .seconds(5)) == .success)
        #expect(log.labels == [1, 2, 3])
        #expect(!log.anyEarly)
        #expect(steps.pendingCount == 0)
    }

    @Test("An earlier task scheduled while the thread waits for a later one runs first")
    func earlierTaskWakesThread() throws {
        let steps = try Self.thread()
        defer { steps.shutdown() }
        let log = RunLog()
        let now = steps.now()
        steps.schedule(at: now + .seconds(Int64(30))) { log.add(2, early: false) }
        steps.schedule(at: now + .milliseconds(5)) {
            log.add(1, early: false)
            log.done.signal()
        }
        #expect(log.done.wait(timeout: .now() + .seconds(5)) == .success)
        #expect(log.labels == [1])
    }

    @Test("HAZ-003: after shutdown pending tasks never run")
    func shutdownDropsPending() throws {
        let steps = try Self.thread()
        // A live twin on the same time line runs the same task: once it has, the due instant has certainly
        // passed, so the empty log of the shut-down thread is judged after its task could have run.
        let twin = try RealtimeStepScheduler.start(label: "test-twin", timeBase: steps.timeBase, policy: .inherited).get()
        defer { twin.shutdown() }
        let log = RunLog()
        let twinLog = RunLog()
        let due = steps.now() + .milliseconds(50)
        steps.schedule(at: due) { log.add(1, early: false) }
        twin.schedule(at: due) {
            twinLog.add(1, early: false)
            twinLog.done.signal()
        }
        steps.shutdown()
        #expect(steps.pendingCount == 0)
        steps.schedule(at: steps.now()) { log.add(2, early: false) }
        #expect(steps.pendingCount == 0)
        #expect(twinLog.done.wait(timeout: .now() + .seconds(10)) == .success, "the twin's task never ran")
        #expect(twinLog.labels == [1])
        // And well past the due instant (a late wake-up of the shut-down thread would have happened by now).
        let margin = DispatchSemaphore(value: 0)
        twin.schedule(at: due + .milliseconds(200)) { margin.signal() }
        #expect(margin.wait(timeout: .now() + .seconds(10)) == .success)
        #expect(log.labels.isEmpty)
    }

    @Test("HAZ-011: on the step thread every step passes the supervisor, none runs ahead of floor(rate·t), none follows an e-stop")
    func gatedStepsStopOnEStop() throws {
        let steps = try Self.thread()
        defer { steps.shutdown() }
        let control = DispatchScheduler(label: "test.control", timeBase: steps.timeBase)
        let hardware = StampingHardware(clock: control)
        // No control loop here: a long control period keeps the heartbeat check from tripping on a loaded machine.
        let supervisor = SafetySupervisor(hardware: hardware, clock: control,
                                          configuration: SupervisorConfiguration(controlPeriod: .seconds(Int64(60))))
        supervisor.beginSession(limits: Fixture.limits())
        let rate = 0.9 * Fixture.limits().maxStepRate.value
        let emitter = StepEmitter(scheduler: steps, commanded: .zero, maxBurst: 4, catchUpSpacing: .milliseconds(1),
                                  budget: { supervisor.availableSteps(now: $0) }, gate: { supervisor.step(now: $0) })
        let start = control.now() + .milliseconds(2)
        try supervisor.arm(now: control.now())
        hardware.watch(start: start, rate: rate, stopAfter: 20)
        emitter.start(at: start, rate: StepsPerSecond(rate), limit: Steps(1_000_000))
        #expect(hardware.reached.wait(timeout: .now() + .seconds(10)) == .success)
        supervisor.emergencyStop(now: control.now(), source: "test")
        emitter.stop()
        let atStop = hardware.count
        let later = DispatchSemaphore(value: 0)
        steps.schedule(at: steps.now() + .milliseconds(30)) { later.signal() }
        #expect(later.wait(timeout: .now() + .seconds(5)) == .success)
        #expect(hardware.count == atStop)
        #expect(hardware.count >= 20)
        #expect(hardware.aheadOfSchedule == 0)
        #expect(supervisor.deliveredSteps.count == Int64(hardware.count))
        #expect(!hardware.enabled)
    }
}

/// Counts steps, checks each against floor(rate·t) at the moment it arrives, and signals after N steps.
final class StampingHardware: PumpHardware, @unchecked Sendable {
    private let clock: MonotonicClock
    private let lock = NSLock()
    private var start = MonotonicInstant.origin
    private var rate = 0.0
    private var target = Int.max
    private var steps = 0
    private var ahead = 0
    private var isEnabled = false
    let reached = DispatchSemaphore(value: 0)
    var inputEventHandler: (@Sendable (PumpInputEvent) -> Void)?

    init(clock: MonotonicClock) { self.clock = clock }

    func watch(start: MonotonicInstant, rate: Double, stopAfter: Int) {
        lock.withLock {
            self.start = start
            self.rate = rate
            target = stopAfter
        }
    }
    var count: Int { lock.withLock { steps } }
    var aheadOfSchedule: Int { lock.withLock { ahead } }
    var enabled: Bool { lock.withLock { isEnabled } }

    func setMotorEnabled(_ enabled: Bool) throws { lock.withLock { isEnabled = enabled } }
    func setDirection(_ direction: MotorDirection) throws {}
    func emitStep() throws {
        let now = clock.now()
        let signal: Bool = lock.withLock {
            steps += 1
            let ideal = Int(((now - start).seconds * rate).rounded(.down))
            if steps > ideal { ahead += 1 }
            return steps == target
        }
        if signal { reached.signal() }
    }
    func readInputs() throws -> PumpInputs { PumpInputs() }
    func setAlarmIndication(_ indication: AlarmIndication) throws {}
    func close() {}
}
