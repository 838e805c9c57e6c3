// The executor that owns an `InfusionEngine`: a serial `PumpScheduler` on the control time line that code
// outside it (socket commands, the systemd watchdog ping) can hop onto synchronously. Two implementations:
// `DispatchScheduler` (a serial Dispatch queue, normal priority) and `RealtimeStepScheduler` (a dedicated
// thread, SCHED_FIFO when permitted). Invariant: every body and task runs one at a time, never concurrently.
import Foundation
import PumpCore

/// A serial scheduler that owns an engine and can be entered synchronously.
public protocol ControlScheduler: PumpScheduler, AnyObject, Sendable {
    /// The mapping of the control time line onto CLOCK_MONOTONIC (origin and speed).
    var timeBase: MonotonicTimeBase { get }
    /// Runs `body` on the scheduler's executor and returns its result.
    func syncOnControl<T>(_ body: () -> T) -> T
}

extension ControlScheduler {
    /// Virtual seconds per real second (1 on real hardware).
    public var speed: Double { timeBase.speed }
}

extension DispatchScheduler: ControlScheduler {
    public func syncOnControl<T>(_ body: () -> T) -> T { queue.sync(execute: body) }
}

extension RealtimeStepScheduler: ControlScheduler {}
