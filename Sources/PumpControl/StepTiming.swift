// Choosing how step deadlines are kept: the control queue's Dispatch timers, or a dedicated SCHED_FIFO step
// thread sleeping with clock_nanosleep(TIMER_ABSTIME). Realtime is requested and may be refused (no
// privilege, RLIMIT_RTPRIO 0, RestrictRealtime=, a sped-up simulator clock); the choice then falls back to
// Dispatch, and the report says what was asked, what was granted and why, for the log, status and
// sd_notify STATUS. Either way every step still goes through the supervisor's gate (the emitter is the same).
import Foundation
import PumpCore

/// How the step emitter's deadlines are kept.
public enum StepTimingMode: String, Sendable, Codable, CaseIterable {
    /// One-shot `.strict` Dispatch timers on the control loop's serial queue.
    case dispatch
    /// A dedicated SCHED_FIFO thread with absolute `clock_nanosleep` (falls back to `dispatch` if refused).
    case realtime
}

/// What step timing was requested and what the daemon actually got.
public struct StepTimingReport: Sendable, Equatable, CustomStringConvertible {
    /// The configured mode.
    public var requested: StepTimingMode
    /// The mode in force.
    public var granted: StepTimingMode
    /// One short phrase: the policy in force, or why realtime was refused.
    public var detail: String

    /// Creates a report.
    public init(requested: StepTimingMode, granted: StepTimingMode, detail: String) {
        self.requested = requested
        self.granted = granted
        self.detail = detail
    }

    /// e.g. "realtime (SCHED_FIFO 50, clock_nanosleep)" or "dispatch (realtime refused: …)".
    public var description: String { "\(granted.rawValue) (\(detail))" }
}

/// The step scheduler chosen for an engine, with its report. Call `shutdown()` when the engine is done.
public struct StepTimingChoice: @unchecked Sendable {
    /// Where the step emitter's timers run: the control scheduler itself, or the step thread.
    public let scheduler: PumpScheduler
    /// The step thread, when realtime was granted.
    public let thread: RealtimeStepScheduler?
    /// What was asked and granted.
    public let report: StepTimingReport

    /// Chooses step timing for a control loop on `control`. `realtime` needs speed 1 and SCHED_FIFO.
    public static func make(
        requested: StepTimingMode, control: any ControlScheduler, priority: Int32,
        setFIFO: @escaping RealtimeStepScheduler.FIFOSetter = RealtimeStepScheduler.setCurrentThreadFIFO
    ) -> StepTimingChoice {
        let dispatchDetail = "Dispatch timer on the control queue"
        guard requested == .realtime else {
            return StepTimingChoice(scheduler: control, thread: nil,
                                    report: StepTimingReport(requested: requested, granted: .dispatch, detail: dispatchDetail))
        }
        switch RealtimeStepScheduler.start(timeBase: control.timeBase, policy: .fifo(priority: priority), setFIFO: setFIFO) {
        case .success(let thread):
            return StepTimingChoice(scheduler: thread, thread: thread, report: StepTimingReport(
                requested: .realtime, granted: .realtime, detail: "SCHED_FIFO \(priority), clock_nanosleep step thread"))
        case .failure(let refusal):
            return StepTimingChoice(scheduler: control, thread: nil, report: StepTimingReport(
                requested: .realtime, granted: .dispatch, detail: "realtime refused: \(refusal.message) \(dispatchDetail)"))
        }
    }

    /// Stops the step thread, if any (after the engine has stopped emitting).
    public func shutdown() { thread?.shutdown() }
}
