// The safety supervisor: the second, independent channel and the only way to the motor.
//
// Invariants (each is a mitigation; the hazard IDs name them):
// - The control loop never touches `PumpHardware`; every ENABLE, DIR and STEP passes through the `MotorGate`,
//   which is in exactly one mode (`off`, `infusing`, `retracting`). Arming is refused while retracting.
// - The supervisor keeps its own step count, its own caps (`SupervisorLimits`) and the programmed target. A step
//   past the target or the durable lease, above the session cap or the capped rate envelope trips (HAZ-001,
//   HAZ-002); a token bucket bounds delivery over any interval to rate·T + burst.
// - A trip is LATCHING and ordered: ENABLE off first (HAZ-011), then the gate is off, then listeners are told.
//   Only `acknowledge` clears a latched alarm, and only when every blocking input is clear (read fresh);
//   acknowledging never re-arms the motor: resuming is a separate, explicit command.
// - Latched alarms restored from the journal after a restart (`restoreLatched`) block exactly like new ones.
// - Heartbeat: a control loop that has not reported for more than `heartbeatTolerance` periods trips the
//   supervisor and no step passes the gate meanwhile (HAZ-008).
// - Uncertain delivery (any hardware error, in any mode) is an alarm, never a retry (HAZ-005).
// - Delivery lease (HAZ-010, HAZ-014): when a session requires one, no step passes beyond the ceiling that the
//   daemon has durably journalled. Every arm starts a new lease generation with the ceiling at the current count.
// Thread safety: all state is behind one lock (recursive, priority-inheriting), because e-stop edges arrive on
// the backend's event thread and steps on the real-time step thread.
import Foundation

/// Why the supervisor refused to arm the motor.
public struct SupervisorRefusal: Error, Sendable, Equatable, CustomStringConvertible {
    /// One human sentence.
    public var message: String
    public var description: String { message }
}

/// The result of an acknowledge request.
public enum AcknowledgeOutcome: Sendable, Equatable {
    /// These alarms were cleared.
    case cleared([AlarmCode])
    /// Nothing was cleared, with the reason as one sentence.
    case refused(String)
}

/// The independent safety supervisor and motor gate.
public final class SafetySupervisor: @unchecked Sendable {
    // Recursive: a backend may report an input edge synchronously from inside emitStep(). Priority inheritance:
    // the SCHED_FIFO step thread takes this lock for every step (no priority inversion through a preempted holder).
    let lock = PIMutex(recursive: true)
    let hardware: PumpHardware
    let clock: MonotonicClock
    /// The pump-level settings.
    public let configuration: SupervisorConfiguration

    var limits: SupervisorLimits?
    let gate = MotorGate()
    var limiter: StepRateLimiter?
    var trend: OcclusionTrendDetector
    var lastHeartbeat: MonotonicInstant?
    var latch = AlarmLatch()
    /// (measured, counted) at the first measurement after arming: position checks compare changes since then.
    var measurementBaseline: (measured: Int64, counted: Int64)?
    /// The supervisor's count at the previous measurement: a real sensor may lag by up to one sample period.
    var measurementPreviousCounted: Int64?
    var leaseRequired = false
    var leaseCeiling: Int64 = 0
    var leaseGeneration: UInt64 = 0
    var tripListener: (@Sendable (Alarm) -> Void)?

    /// Called (on whatever thread tripped) after each new latching alarm, once ENABLE is already off.
    public var onTrip: (@Sendable (Alarm) -> Void)? {
        get { lock.withLock { tripListener } }
        set { lock.withLock { tripListener = newValue } }
    }

    /// Creates the supervisor, de-asserts ENABLE at once, and subscribes to the backend's input edges.
    public init(hardware: PumpHardware, clock: MonotonicClock, configuration: SupervisorConfiguration = .init()) {
        self.hardware = hardware
        self.clock = clock
        self.configuration = configuration
        self.trend = OcclusionTrendDetector(
            windows: configuration.trendWindows, minimumRise: configuration.trendMinimumRise,
            noise: configuration.trendNoise)
        try? hardware.setMotorEnabled(false)
        hardware.inputEventHandler = { [weak self] event in self?.handle(event) }
    }

    // MARK: - Observations

    /// Net steps delivered in this session by the supervisor's own count (forward minus retracted).
    public var deliveredSteps: Steps { lock.withLock { Steps(gate.netSteps) } }
    /// The motor gate's mode.
    public var motorMode: MotorMode { lock.withLock { gate.mode } }
    /// Whether ENABLE is currently asserted (by the supervisor's knowledge).
    public var isMotorEnabled: Bool { lock.withLock { gate.mode != .off } }
    /// Whether the motor is armed for infusion.
    public var isArmed: Bool { lock.withLock { gate.mode == .infusing } }
    /// Whether a latching alarm is active.
    public var isTripped: Bool { lock.withLock { !latch.isEmpty } }
    /// Active latching alarms, oldest first.
    public var latchedAlarms: [Alarm] { lock.withLock { latch.alarms } }
    /// The caps of the current session.
    public var currentLimits: SupervisorLimits? { lock.withLock { limits } }
    /// The programmed target the gate enforces, in net steps.
    public var programmedTarget: Steps? { lock.withLock { gate.programmedTarget.map(Steps.init) } }
    /// Steps retracted by the last occlusion back-off.
    public var lastBackOffSteps: Steps { lock.withLock { Steps(gate.retractedThisMode) } }
    /// The delivery-lease ceiling in net steps, or nil when this session needs no lease.
    public var deliveryLeaseCeiling: Steps? { lock.withLock { leaseRequired ? Steps(leaseCeiling) : nil } }
    /// The current lease generation: it changes at every arm, disarm and trip.
    public var deliveryLeaseGeneration: UInt64 { lock.withLock { leaseGeneration } }

    // MARK: - The gate

    /// Emits one infusing step if every check passes; otherwise trips (where the refusal is a hazard) and
    /// returns false. The caller stops emitting on false.
    public func step(now: MonotonicInstant) -> Bool {
        lock.lock()
        var tripped: Alarm?
        defer {
            lock.unlock()
            if let tripped { notify(tripped) }
        }
        guard gate.mode == .infusing, latch.isEmpty, let limits else { return false }
        if configuration.isEnabled(.heartbeat), let beat = lastHeartbeat, heartbeatIsStale(beat, now) {
            tripped = latchLocked(.heartbeatMissed, heartbeatMessage(beat, now), now)
            return false
        }
        if configuration.isEnabled(.totalCap), gate.netSteps + 1 > limits.maxTotalSteps.count {
            tripped = latchLocked(capCode(limits), capMessage(limits), now)
            return false
        }
        if configuration.isEnabled(.rateCap), limiter?.take(at: now) == false {
            tripped = latchLocked(.rateCapExceeded,
                "Step rate exceeded the cap of \(limits.maxRate.formatted(maxFractionDigits: 2)); the pump was stopped.", now)
            return false
        }
        let target = gate.programmedTarget
        if !configuration.isEnabled(.programmedTarget) { gate.programmedTarget = nil }
        defer { gate.programmedTarget = target }
        let leased = leaseRequired && configuration.isEnabled(.deliveryLease)
        switch gate.infuseStep(leaseCeiling: leased ? leaseCeiling : nil, hardware: hardware) {
        case .stepped: return true
        case .notAllowed: return false
        case .fault(let code, let message):
            if code != .hardwareFailure || configuration.isEnabled(.hardwareErrors) {
                tripped = latchLocked(code, message, now)
            }
            return false
        }
    }

    /// Steps the gate would let through at `now` (the lease's and the rate envelope's remaining budget). The
    /// emitter never asks for more. The programmed target is deliberately NOT part of the budget: a controller
    /// that asks past it must trip, not wait.
    public func availableSteps(now: MonotonicInstant) -> Int64 {
        lock.withLock {
            guard gate.mode == .infusing, latch.isEmpty else { return 0 }
            let leased = leaseRequired && configuration.isEnabled(.deliveryLease) ? max(0, leaseCeiling - gate.netSteps) : .max
            guard configuration.isEnabled(.rateCap) else { return leased }
            return min(leased, limiter?.available(at: now) ?? 0)
        }
    }

    /// Drives the alarm LEDs and buzzer; `audioPaused` silences the buzzer only (the LEDs continue). A failure
    /// here is logged by the caller, never fatal.
    public func indicate(_ indication: AlarmIndication, audioPaused: Bool = false) {
        lock.withLock {
            try? hardware.setAlarmIndication(indication)
            try? hardware.setAlarmAudioPaused(audioPaused && indication != .normal)
        }
    }

    // MARK: - Latching (shared with the other files of the supervisor)

    func notify(_ alarm: Alarm) {
        let listener = lock.withLock { tripListener }
        listener?(alarm)
    }

    /// Latches with the lock held: ENABLE off first, whatever the mode. Returns the alarm if it is new.
    @discardableResult
    func latchLocked(_ code: AlarmCode, _ message: String, _ now: MonotonicInstant) -> Alarm? {
        // HAZ-011: ENABLE off first, before any bookkeeping.
        try? hardware.setMotorEnabled(false)
        gate.switchOff(hardware: hardware)
        revokeLeaseLocked()
        guard let alarm = latch.latch(code, message, at: now) else { return nil }
        try? hardware.setAlarmIndication(.high)
        try? hardware.setAlarmAudioPaused(false)  // a new high-priority alarm sounds at once
        return alarm
    }

    /// Starts a new lease generation with nothing granted beyond the current count.
    func revokeLeaseLocked() {
        leaseGeneration &+= 1
        leaseCeiling = gate.netSteps
    }

    func heartbeatIsStale(_ beat: MonotonicInstant, _ now: MonotonicInstant) -> Bool {
        now - beat > configuration.controlPeriod * configuration.heartbeatTolerance
    }

    func heartbeatMessage(_ beat: MonotonicInstant, _ now: MonotonicInstant) -> String {
        let missed = ((now - beat).seconds * 1000).rounded(.down)
        let limit = configuration.controlPeriod.seconds * 1000 * Double(configuration.heartbeatTolerance)
        return "The control loop missed its heartbeat for \(String(format: "%.0f", missed)) ms (limit \(String(format: "%.0f", limit)) ms)."
    }

    private func capCode(_ limits: SupervisorLimits) -> AlarmCode {
        limits.maxTotalDose.value + 1e-9 < limits.maxTotalVolume.value * limits.concentration.value
            ? .doseCapExceeded : .volumeCapExceeded
    }

    private func capMessage(_ limits: SupervisorLimits) -> String {
        "Delivery reached the session cap of \(limits.maxTotalDose.formatted(maxFractionDigits: 2)) / \(limits.maxTotalVolume.formatted(maxFractionDigits: 2)); the pump was stopped."
    }
}
