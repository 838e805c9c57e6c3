// The real-clock `PumpScheduler`: one-shot Dispatch timers on a serial queue, deadlines on CLOCK_MONOTONIC.
//
// `DispatchTime(uptimeNanoseconds:)` is CLOCK_MONOTONIC on Linux (measured equal within microseconds), so a
// deadline is an absolute monotonic instant and a late fire never shifts later deadlines. Timers use the
// `.strict` flag (no coalescing). With `speed` N > 1 the scheduler runs virtual time N× faster than real
// time (the simulator's `--sim-speed`): now = (monotonic − origin) × N, and a deadline d fires at real time
// origin + d / N. Wall-clock time is never consulted (HAZ-012).
import Dispatch
import Foundation
import PumpCore
#if canImport(Glibc)
import Glibc
#endif

/// A scheduler on the real monotonic clock, optionally sped up for simulation.
public final class DispatchScheduler: PumpScheduler, @unchecked Sendable {
    private final class Timer: ScheduledTask, @unchecked Sendable {
        let source: DispatchSourceTimer
        init(source: DispatchSourceTimer) { self.source = source }
        func cancel() { source.cancel() }
    }

    /// The serial queue every callback runs on.
    public let queue: DispatchQueue
    /// The mapping of the control time line onto CLOCK_MONOTONIC (origin and speed).
    public let timeBase: MonotonicTimeBase
    /// Virtual seconds per real second (1 on real hardware).
    public var speed: Double { timeBase.speed }

    /// Creates a scheduler with its own serial queue.
    public init(label: String, qos: DispatchQoS = .userInteractive, speed: Double = 1) {
        queue = DispatchQueue(label: label, qos: qos)
        timeBase = .startingNow(speed: speed)
    }

    /// A scheduler on its own queue on an existing time line.
    public init(label: String, qos: DispatchQoS = .userInteractive, timeBase: MonotonicTimeBase) {
        queue = DispatchQueue(label: label, qos: qos)
        self.timeBase = timeBase
    }

    /// Another scheduler on its own queue sharing this one's time line (same origin and speed), e.g. for
    /// an independent watchdog.
    public func sibling(label: String, qos: DispatchQoS = .userInteractive) -> DispatchScheduler {
        DispatchScheduler(label: label, qos: qos, timeBase: timeBase)
    }

    /// CLOCK_MONOTONIC in nanoseconds.
    public static func monotonicNanoseconds() -> Int64 { MonotonicTimeBase.monotonicNanoseconds() }

    public func now() -> MonotonicInstant { timeBase.now() }

    @discardableResult
    public func schedule(at deadline: MonotonicInstant, _ action: @escaping () -> Void) -> ScheduledTask {
        let realDeadline = UInt64(clamping: timeBase.monotonicDeadline(for: deadline))
        let source = DispatchSource.makeTimerSource(flags: .strict, queue: queue)
        source.schedule(deadline: DispatchTime(uptimeNanoseconds: realDeadline), leeway: .nanoseconds(0))
        let box = UnsafeActionBox(action)
        // The handler holds the source strongly; cancelling it (here, or through the returned task) makes
        // Dispatch release the handler, which breaks the cycle.
        source.setEventHandler {
            source.cancel()
            box.action()
        }
        source.resume()
        return Timer(source: source)
    }

    public func perform(_ action: @escaping () -> Void) {
        let box = UnsafeActionBox(action)
        queue.async { box.action() }
    }

    /// Runs `body` on the scheduler's queue and returns its result (for callers outside the executor).
    public func sync<T>(_ body: () throws -> T) rethrows -> T {
        try queue.sync(execute: body)
    }
}

/// Carries a non-Sendable closure onto the scheduler's own serial queue, where it is confined.
private final class UnsafeActionBox: @unchecked Sendable {
    let action: () -> Void
    init(_ action: @escaping () -> Void) { self.action = action }
}
