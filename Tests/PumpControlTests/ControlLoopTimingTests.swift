// The control loop's executor: the SCHED_FIFO control thread (chosen with an injected sched setter) and the
// synchronous hop commands make onto it, including re-entry, shutdown with a caller waiting, and calls after
// shutdown. Waits are on semaphores with generous time-outs; nothing sleeps for a fixed time.
import Foundation
import PumpCore
import Testing
@testable import PumpControl
#if canImport(Glibc)
import Glibc
#endif

@Suite("Control loop executor")
struct ControlLoopTimingTests {
    @Test("HAZ-008: realtime control loop runs on its own thread ten priorities below the step thread")
    func grantedThread() {
        let probe = FIFOSetterProbe(answer: 0)
        let choice = ControlLoopChoice.make(realtime: true, speed: 1, stepPriority: 50, setFIFO: probe.setter)
        defer { choice.shutdown() }
        #expect(probe.priorities == [40])
        #expect(choice.thread != nil)
        #expect(choice.scheduler === choice.thread)
        #expect(choice.detail.contains("SCHED_FIFO 40"))
        #expect(ControlLoopChoice.priority(belowStep: 5) == 1)
    }

    @Test("HAZ-008: a refused policy, a sped-up clock or dispatch timing keeps the Dispatch queue and says why")
    func fallsBack() {
        let refusedProbe = FIFOSetterProbe(answer: EPERM)
        let refused = ControlLoopChoice.make(realtime: true, speed: 1, stepPriority: 50, setFIFO: refusedProbe.setter)
        #expect(refused.thread == nil)
        #expect(refused.scheduler is DispatchScheduler)
        #expect(refused.detail.contains("not permitted"))

        let fastProbe = FIFOSetterProbe(answer: 0)
        let fast = ControlLoopChoice.make(realtime: true, speed: 40, stepPriority: 50, setFIFO: fastProbe.setter)
        #expect(fast.thread == nil)
        #expect(fast.scheduler.speed == 40)
        #expect(fastProbe.priorities.isEmpty)

        let dispatchProbe = FIFOSetterProbe(answer: 0)
        let dispatch = ControlLoopChoice.make(realtime: false, speed: 1, stepPriority: 50, setFIFO: dispatchProbe.setter)
        #expect(dispatch.thread == nil)
        #expect(dispatchProbe.priorities.isEmpty)
    }

    @Test("syncOnControl runs the body on the control thread and returns its value; re-entry does not deadlock")
    func syncRunsOnThread() throws {
        let control = try RealtimeStepScheduler.start(label: "test-control", timeBase: .startingNow(),
                                                      policy: .inherited).get()
        defer { control.shutdown() }
        let caller = pthread_self()
        let (onOtherThread, nested) = control.syncOnControl { () -> (Bool, Int) in
            (pthread_equal(pthread_self(), caller) == 0, control.syncOnControl { 41 } + 1)
        }
        #expect(onOtherThread)
        #expect(nested == 42)
        // A task scheduled from inside a body runs after it, on the same thread.
        let ran = DispatchSemaphore(value: 0)
        control.syncOnControl { control.perform { ran.signal() } }
        #expect(ran.wait(timeout: .now() + .seconds(5)) == .success)
    }

    @Test("HAZ-003: a caller waiting in syncOnControl when the thread shuts down still gets its answer")
    func shutdownAnswersWaitingCaller() throws {
        let control = try RealtimeStepScheduler.start(label: "test-control", timeBase: .startingNow(),
                                                      policy: .inherited).get()
        let busy = DispatchSemaphore(value: 0), release = DispatchSemaphore(value: 0)
        control.perform {
            busy.signal()
            release.wait()
        }
        #expect(busy.wait(timeout: .now() + .seconds(5)) == .success)
        let answered = DispatchSemaphore(value: 0)
        let answer = LockedValue<Int?>(nil)
        Thread.detachNewThread {
            answer.set(control.syncOnControl { 7 })
            answered.signal()
        }
        // The caller's body is queued behind the busy task.
        for _ in 0..<5_000 where control.pendingCount == 0 { usleep(1_000) }
        #expect(control.pendingCount == 1)
        let stopped = DispatchSemaphore(value: 0)
        Thread.detachNewThread {
            control.shutdown()
            stopped.signal()
        }
        release.signal()
        #expect(stopped.wait(timeout: .now() + .seconds(5)) == .success)
        #expect(answered.wait(timeout: .now() + .seconds(5)) == .success)
        #expect(answer.value == 7)
        // After shutdown the body runs on the caller, still one at a time; scheduled tasks never run.
        #expect(control.syncOnControl { 8 } == 8)
        let never = DispatchSemaphore(value: 0)
        control.perform { never.signal() }
        #expect(never.wait(timeout: .now() + .milliseconds(50)) == .timedOut)
    }
}

/// A value shared between a test and a helper thread.
final class LockedValue<T>: @unchecked Sendable {
    private let lock = NSLock()
    private var stored: T
    init(_ initial: T) { stored = initial }
    func set(_ value: T) { lock.withLock { stored = value } }
    var value: T { lock.withLock { stored } }
}
