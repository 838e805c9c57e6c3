// The step emitter: turns the `StepSchedule` into individual steps at absolute monotonic instants.
//
// Each step is scheduled for the instant the commanded position crosses the next whole step. A late fire
// (timer lateness, a merged fire) emits the steps that are due, at most `maxBurst` at once, then keeps
// catching up at `catchUpSpacing` (the capped rate), so lateness never accumulates and a catch-up never
// outruns the supervisor's rate envelope. Every step goes through `gate` (the supervisor); a refusal stops
// the emitter at once. Lateness of every fire is recorded for the benchmarks.
//
// Threads: the timer callbacks run on `scheduler`, which is either the control loop's own serial executor
// (Dispatch step timing) or a dedicated step thread (`RealtimeStepScheduler`), while `start`, `retarget` and
// `stop` come from the control loop. All state is therefore behind one priority-inheritance mutex, held for
// the whole of a fire (gate calls included), so a `stop` returns only after any fire in progress has finished
// and no step can follow it. `onRefused` / `onLimitReached` are called after the mutex is released.
import Foundation
import PumpCore

/// Emits steps on a `PumpScheduler` through the supervisor's gate.
public final class StepEmitter: @unchecked Sendable {
    private let scheduler: PumpScheduler
    private let gate: (MonotonicInstant) -> Bool
    /// The supervisor's remaining budget at an instant (steps the gate would accept).
    private let budget: (MonotonicInstant) -> Int64
    private let lock = PIMutex()
    private var schedule: StepSchedule?
    private var pending: ScheduledTask?
    private var pendingDue: MonotonicInstant?
    /// Bumped by every start/stop, so a timer that fires after a stop (it was already running) does nothing.
    private var generation: UInt64 = 0
    private var commandedCount: Steps
    private var catchUp: MonotonicDuration
    private var recorder = LatenessRecorder()
    private var window = LatenessWindow()

    /// Most steps emitted in one fire.
    public let maxBurst: Int64
    /// The lead a retarget keeps is (`maxBurst` + 1) × this (1 on hardware; the simulator's speed, see
    /// `EngineConfiguration.stepLeadScale`).
    public let leadScale: Double
    /// Called (on the scheduler's thread, outside the emitter's lock) when the gate refuses a step.
    public var onRefused: (() -> Void)?
    /// Called (on the scheduler's thread, outside the emitter's lock) when the commanded count reaches the limit.
    public var onLimitReached: (() -> Void)?

    /// Creates a stopped emitter. `gate` must be the supervisor's step gate; `budget` its remaining allowance.
    public init(scheduler: PumpScheduler, commanded: Steps, maxBurst: Int64 = 2, catchUpSpacing: MonotonicDuration,
                leadScale: Double = 1,
                budget: @escaping (MonotonicInstant) -> Int64 = { _ in .max },
                gate: @escaping (MonotonicInstant) -> Bool) {
        self.leadScale = leadScale.isFinite ? max(1, leadScale) : 1
        self.scheduler = scheduler
        self.budget = budget
        self.commandedCount = commanded
        self.maxBurst = maxBurst
        self.catchUp = catchUpSpacing
        self.gate = gate
    }

    /// Steps the emitter asked for and the gate accepted, net, in this session.
    public var commanded: Steps { lock.withLock { commandedCount } }

    /// Spacing of catch-up steps after a burst.
    public var catchUpSpacing: MonotonicDuration {
        get { lock.withLock { catchUp } }
        set { lock.withLock { catchUp = newValue } }
    }

    /// Whether steps are being scheduled.
    public var isRunning: Bool { lock.withLock { schedule != nil } }

    /// The current commanded rate.
    public var rate: StepsPerSecond { lock.withLock { schedule?.rate ?? .zero } }

    /// Lateness statistics of every fire so far.
    public var lateness: LatenessRecorder { lock.withLock { recorder } }

    /// The lateness of the most recent fires (at most `LatenessWindow.capacity`), nanoseconds, unordered: a fresh
    /// copy, so the step path never pays a copy-on-write for a reader (pumpd's metrics file takes its p99).
    public func recentLatenessNanoseconds() -> [Int64] { lock.withLock { window.snapshot() } }

    /// Keeps every lateness sample (benchmarks); off by default so a long infusion does not grow memory.
    public func keepLatenessSamples(capacity: Int) {
        lock.withLock {
            recorder.keepsSamples = true
            recorder.reserve(capacity)
        }
    }

    /// Starts emitting from `time` (no step before it) toward `limit` at `rate`.
    public func start(at time: MonotonicInstant, rate: StepsPerSecond, limit: Steps) {
        lock.withLock {
            stopLocked()
            schedule = StepSchedule(at: time, position: commandedCount, rate: rate, limit: limit)
            rescheduleNextLocked()
        }
    }

    /// Changes rate and/or limit, keeping the phase.
    public func retarget(rate: StepsPerSecond, limit: Steps, at now: MonotonicInstant) {
        lock.withLock {
            guard var current = schedule else { return }
            current.limit = limit
            current.retarget(rate: rate, at: now)
            current.limitLead(emitted: commandedCount, maxLead: (Double(maxBurst) + 1) * leadScale, at: now)
            schedule = current
            rescheduleNextLocked()
        }
    }

    /// Stops emitting (idempotent). When it returns, no further step will be emitted until `start`.
    public func stop() { lock.withLock { stopLocked() } }

    /// Adjusts the commanded count after a retract back-off (retracted steps are not delivered).
    public func noteRetracted(_ steps: Steps) { lock.withLock { commandedCount -= steps } }

    private func stopLocked() {
        pending?.cancel()
        pending = nil
        pendingDue = nil
        schedule = nil
        generation &+= 1
    }

    private func rescheduleNextLocked() {
        guard let schedule else { return }
        guard let due = schedule.nextDue(after: commandedCount) else {
            pending?.cancel()
            pending = nil
            pendingDue = nil
            return
        }
        if let pendingDue, pendingDue == due, pending != nil { return }
        armTimerLocked(at: due)
    }

    private func armTimerLocked(at due: MonotonicInstant) {
        pending?.cancel()
        pendingDue = due
        let expected = generation
        pending = scheduler.schedule(at: due) { [weak self] in self?.fire(due: due, generation: expected) }
    }

    private enum FireOutcome { case continuing, refused, limitReached }

    private func fire(due: MonotonicInstant, generation expected: UInt64) {
        let outcome: FireOutcome = lock.withLock {
            // A timer cancelled while it was already being delivered (stop/retarget raced it) does nothing.
            guard generation == expected, pendingDue == due, let schedule else { return .continuing }
            pending = nil
            pendingDue = nil
            let now = scheduler.now()
            let dueSteps = min(schedule.stepsDue(at: now, emitted: commandedCount), maxBurst, budget(now))
            var emitted: Int64 = 0
            while emitted < dueSteps {
                guard gate(now) else {
                    recorder.record(now - due, steps: emitted); window.record(now - due)
                    stopLocked()
                    return .refused
                }
                commandedCount += Steps(1)
                emitted += 1
            }
            recorder.record(now - due, steps: emitted); window.record(now - due)
            if commandedCount >= schedule.limit {
                stopLocked()
                return .limitReached
            }
            if schedule.stepsDue(at: now, emitted: commandedCount) > 0 {
                armTimerLocked(at: now + catchUp)
            } else {
                rescheduleNextLocked()
            }
            return .continuing
        }
        switch outcome {
        case .continuing: break
        case .refused: onRefused?()
        case .limitReached: onLimitReached?()
        }
    }
}

/// Lateness statistics of timer fires (fire time − due time) and how many steps each fire emitted.
public struct LatenessRecorder: Sendable {
    /// Fires recorded.
    public private(set) var count = 0
    /// The latest fire.
    public private(set) var maximum = MonotonicDuration.zero
    /// Fires that emitted more than one step (a late or merged wake-up catching up).
    public private(set) var mergedFires = 0
    /// Every lateness sample in nanoseconds, when `keepsSamples`.
    public private(set) var samples: [Int64] = []
    /// When true, every lateness sample is kept (benchmarks).
    public var keepsSamples = false

    /// An empty recorder.
    public init() {}

    /// Reserves room for `capacity` samples so recording never allocates on the step path.
    public mutating func reserve(_ capacity: Int) { samples.reserveCapacity(capacity) }

    /// Records one fire.
    public mutating func record(_ lateness: MonotonicDuration, steps: Int64 = 1) {
        count += 1
        if lateness > maximum { maximum = lateness }
        if steps > 1 { mergedFires += 1 }
        if keepsSamples { samples.append(lateness.nanoseconds) }
    }
}

/// The lateness of the most recent fires in a fixed ring, allocated once with the emitter: recording never
/// allocates, so it is always on (unlike `LatenessRecorder.samples`, which grows and is for benchmarks).
struct LatenessWindow: Sendable {
    /// Fires kept.
    static let capacity = 1024
    private var ring = [Int64](repeating: 0, count: capacity)
    private var next = 0
    private var filled = 0

    /// Records one fire's lateness, overwriting the oldest once full.
    mutating func record(_ lateness: MonotonicDuration) {
        ring[next] = lateness.nanoseconds
        next = (next + 1) % Self.capacity
        filled = Swift.min(filled + 1, Self.capacity)
    }

    /// A fresh copy of the kept samples (new storage, not shared with the ring).
    func snapshot() -> [Int64] { ring.prefix(filled).map { $0 } }
}
