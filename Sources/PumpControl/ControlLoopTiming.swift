// Choosing the thread the control loop (and every command) runs on.
//
// The 50 ms control loop feeds the supervisor's heartbeat; on a Dispatch queue at normal priority a busy
// machine (100 socket clients that never pause, a build, a log flood) can delay it past the 2-period tolerance,
// which stops the motor with a latching alarm: fail-safe, but it interrupts the infusion. With
// `step_timing = "realtime"` the loop therefore gets its own SCHED_FIFO thread, ten priorities below the step
// thread (so steps still pre-empt it, and both pre-empt every normal thread). A sped-up simulator clock or a
// refused policy falls back to the Dispatch queue, and the report says why. The watchdog that checks the
// heartbeat stays on its own Dispatch queue either way: it must not share the loop's fate.
import Foundation
import PumpCore

/// The control loop's executor and what was granted.
public struct ControlLoopChoice: @unchecked Sendable {
    /// The executor that owns the engine.
    public let scheduler: any ControlScheduler
    /// The dedicated thread, when realtime was granted.
    public let thread: RealtimeStepScheduler?
    /// One short phrase for the log and STATUS, e.g. "SCHED_FIFO 40 control thread".
    public let detail: String

    /// The control thread's SCHED_FIFO priority for a step thread at `stepPriority`: ten below, at least 1.
    public static func priority(belowStep stepPriority: Int32) -> Int32 { max(1, stepPriority - 10) }

    /// Chooses the control executor. `realtime` asks for a SCHED_FIFO thread (speed 1 only).
    public static func make(
        realtime: Bool, speed: Double, stepPriority: Int32,
        setFIFO: @escaping RealtimeStepScheduler.FIFOSetter = RealtimeStepScheduler.setCurrentThreadFIFO
    ) -> ControlLoopChoice {
        let dispatch = DispatchScheduler(label: "pumpd.control", qos: .userInteractive, speed: speed)
        guard realtime else {
            return ControlLoopChoice(scheduler: dispatch, thread: nil, detail: "Dispatch control queue")
        }
        let priority = priority(belowStep: stepPriority)
        switch RealtimeStepScheduler.start(label: "pumpd-control", timeBase: dispatch.timeBase,
                                           policy: .fifo(priority: priority), setFIFO: setFIFO) {
        case .success(let thread):
            return ControlLoopChoice(scheduler: thread, thread: thread, detail: "SCHED_FIFO \(priority) control thread")
        case .failure(let refusal):
            return ControlLoopChoice(scheduler: dispatch, thread: nil,
                                     detail: "Dispatch control queue (realtime refused: \(refusal.message))")
        }
    }

    /// Stops the control thread, if any, after the engine has shut down. Later `syncOnControl` calls still
    /// run, one at a time, on their callers.
    public func shutdown() { thread?.shutdown() }
}
