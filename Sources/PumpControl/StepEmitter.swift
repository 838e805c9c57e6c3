// The step emitter: turns the `StepSchedule` into individual steps at absolute monotonic instants.
//
// Each step is scheduled for the instant the commanded position crosses the next whole step. A late fire
// (timer lateness, a merged fire) emits the steps that are due, at most `maxBurst` at once, then keeps
// catching up at `catchUpSpacing` (the capped rate), so lateness never accumulates and a catch-up never
// outruns the supervisor's rate envelope. Every step goes through `gate` (the supervisor); a refusal stops
// the emitter at once. Lateness of every fire is recorded for the benchmarks.
import Foundation
import PumpCore

/// Emits steps on a `PumpScheduler` through the supervisor's gate.
final class StepEmitter {
    private let scheduler: PumpScheduler
    private let gate: (MonotonicInstant) -> Bool
    private var schedule: StepSchedule?
    private var pending: ScheduledTask?
    private var pendingDue: MonotonicInstant?
    /// Steps the emitter asked for and the gate accepted, net, in this session.
    private(set) var commanded: Steps
    /// Most steps emitted in one fire.
    let maxBurst: Int64
    /// Spacing of catch-up steps after a burst.
    var catchUpSpacing: MonotonicDuration
    /// Called when the gate refuses a step.
    var onRefused: (() -> Void)?
    /// Called when the commanded count reaches the schedule's limit.
    var onLimitReached: (() -> Void)?
    /// Lateness statistics.
    private(set) var lateness = LatenessRecorder()

    /// The supervisor's remaining budget at an instant (steps the gate would accept).
    private let budget: (MonotonicInstant) -> Int64

    init(scheduler: PumpScheduler, commanded: Steps, maxBurst: Int64 = 2, catchUpSpacing: MonotonicDuration,
         budget: @escaping (MonotonicInstant) -> Int64 = { _ in .max },
         gate: @escaping (MonotonicInstant) -> Bool) {
        self.scheduler = scheduler
        self.budget = budget
        self.commanded = commanded
        self.maxBurst = maxBurst
        self.catchUpSpacing = catchUpSpacing
        self.gate = gate
    }

    /// Whether steps are being scheduled.
    var isRunning: Bool { schedule != nil }

    /// The current commanded rate.
    var rate: StepsPerSecond { schedule?.rate ?? .zero }

    /// Starts emitting from `time` (no step before it) toward `limit` at `rate`.
    func start(at time: MonotonicInstant, rate: StepsPerSecond, limit: Steps) {
        stop()
        schedule = StepSchedule(at: time, position: commanded, rate: rate, limit: limit)
        rescheduleNext()
    }

    /// Changes rate and/or limit, keeping the phase.
    func retarget(rate: StepsPerSecond, limit: Steps, at now: MonotonicInstant) {
        guard var current = schedule else { return }
        current.limit = limit
        current.retarget(rate: rate, at: now)
        current.limitLead(emitted: commanded, maxLead: Double(maxBurst) + 1, at: now)
        schedule = current
        rescheduleNext()
    }

    /// Keeps every lateness sample from now on (diagnostics), with room reserved for `capacity` of them.
    func keepLatenessSamples(capacity: Int) {
        lateness.keepsSamples = true
        lateness.samples.reserveCapacity(capacity)
    }

    /// Stops emitting (idempotent).
    func stop() {
        pending?.cancel()
        pending = nil
        pendingDue = nil
        schedule = nil
    }

    /// Adjusts the commanded count after a retract back-off (retracted steps are not delivered).
    func noteRetracted(_ steps: Steps) { commanded -= steps }

    private func rescheduleNext() {
        guard let schedule else { return }
        guard let due = schedule.nextDue(after: commanded) else {
            pending?.cancel()
            pending = nil
            pendingDue = nil
            return
        }
        if let pendingDue, pendingDue == due, pending != nil { return }
        pending?.cancel()
        pendingDue = due
        pending = scheduler.schedule(at: due) { [weak self] in self?.fire(due: due) }
    }

    private func fire(due: MonotonicInstant) {
        pending = nil
        pendingDue = nil
        guard let schedule else { return }
        let now = scheduler.now()
        lateness.record(now - due)
        let dueSteps = min(schedule.stepsDue(at: now, emitted: commanded), maxBurst, budget(now))
        var emitted: Int64 = 0
        while emitted < dueSteps {
            guard gate(now) else {
                stop()
                onRefused?()
                return
            }
            commanded += Steps(1)
            emitted += 1
        }
        if commanded >= schedule.limit {
            stop()
            onLimitReached?()
            return
        }
        if schedule.stepsDue(at: now, emitted: commanded) > 0 {
            let next = now + catchUpSpacing
            pendingDue = next
            pending = scheduler.schedule(at: next) { [weak self] in self?.fire(due: next) }
        } else {
            rescheduleNext()
        }
    }
}

/// Lateness statistics of timer fires (fire time − due time).
struct LatenessRecorder {
    private(set) var count = 0
    private(set) var maximum = MonotonicDuration.zero
    var samples: [Int64] = []
    /// When true, every lateness sample is kept (benchmarks).
    var keepsSamples = false

    mutating func record(_ lateness: MonotonicDuration) {
        count += 1
        if lateness > maximum { maximum = lateness }
        if keepsSamples { samples.append(lateness.nanoseconds) }
    }
}
