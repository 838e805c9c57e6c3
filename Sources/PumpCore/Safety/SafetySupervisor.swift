// The safety supervisor: the second, independent channel and the only gate to the motor.
//
// Invariants (each is a mitigation; the hazard IDs name them):
// - The control loop never touches `PumpHardware`; every ENABLE and every STEP passes through this gate.
// - The supervisor keeps its own step count and its own caps (`SupervisorLimits`). A step is refused and the
//   supervisor trips when it would exceed the session cap (HAZ-002) or the capped rate envelope (HAZ-001);
//   a token bucket bounds delivery over any interval to rate·T + burst.
// - A trip is LATCHING and ordered: ENABLE off first (HAZ-011), then the gate closes, then listeners are told.
//   A failing step in that sequence never stops the rest. Only `acknowledge` clears a latched alarm, only
//   when its condition is gone, and acknowledging never re-arms the motor: resuming is a separate, explicit
//   command (nothing resumes by itself).
// - Heartbeat: a control loop that has not reported for more than `heartbeatTolerance` periods trips the
//   supervisor and no step passes the gate meanwhile (HAZ-008).
// - Uncertain delivery (any hardware error) is an alarm, never a retry (HAZ-005).
// - Delivery lease (HAZ-010, HAZ-014): when a session requires one, no step passes beyond the ceiling that the
//   daemon has durably journalled. Every arm starts a new lease generation with the ceiling at the current count,
//   so a grant requested under an earlier arm is ignored; disarming and tripping revoke the unused part. After a
//   crash, the journalled ceiling therefore bounds what can have been delivered.
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
    // the SCHED_FIFO step thread takes this lock for every step, and a normal-priority holder (control tick,
    // command handler) preempted while holding it would otherwise delay the step (priority inversion).
    private let lock = PIMutex(recursive: true)
    private let hardware: PumpHardware
    private let clock: MonotonicClock
    /// The pump-level settings.
    public let configuration: SupervisorConfiguration

    private var limits: SupervisorLimits?
    private var armed = false
    private var backingOff = false
    private var motorEnabled = false
    private var forwardSteps: Int64 = 0
    private var retractedSteps: Int64 = 0
    private var backOffSteps: Int64 = 0
    private var limiter: StepRateLimiter?
    private var trend: OcclusionTrendDetector
    private var lastHeartbeat: MonotonicInstant?
    private var latched: [Alarm] = []
    private var lastInputs = PumpInputs()
    /// (measured, counted) at the first measurement after arming: position checks compare changes since
    /// then, because an encoder's origin is arbitrary (a reloaded syringe, a restarted daemon).
    private var measurementBaseline: (measured: Int64, counted: Int64)?
    private var leaseRequired = false
    private var leaseCeiling: Int64 = 0
    private var leaseGeneration: UInt64 = 0

    /// Called (on whatever thread tripped) after each new latching alarm, once ENABLE is already off.
    public var onTrip: (@Sendable (Alarm) -> Void)? {
        get { lock.withLock { tripListener } }
        set { lock.withLock { tripListener = newValue } }
    }
    private var tripListener: (@Sendable (Alarm) -> Void)?

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
    public var deliveredSteps: Steps { lock.withLock { Steps(forwardSteps - retractedSteps) } }
    /// Whether ENABLE is currently asserted (by the supervisor's knowledge).
    public var isMotorEnabled: Bool { lock.withLock { motorEnabled } }
    /// Whether the motor is armed for infusion.
    public var isArmed: Bool { lock.withLock { armed } }
    /// Whether a latching alarm is active.
    public var isTripped: Bool { lock.withLock { !latched.isEmpty } }
    /// Active latching alarms, oldest first.
    public var latchedAlarms: [Alarm] { lock.withLock { latched } }
    /// The caps of the current session.
    public var currentLimits: SupervisorLimits? { lock.withLock { limits } }
    /// Steps retracted by the last occlusion back-off.
    public var lastBackOffSteps: Steps { lock.withLock { Steps(backOffSteps) } }
    /// The delivery-lease ceiling in net steps, or nil when this session needs no lease.
    public var deliveryLeaseCeiling: Steps? { lock.withLock { leaseRequired ? Steps(leaseCeiling) : nil } }
    /// The current lease generation: it changes at every arm, disarm and trip. A grant is honoured only in the
    /// generation it was requested in.
    public var deliveryLeaseGeneration: UInt64 { lock.withLock { leaseGeneration } }

    // MARK: - Session and arming

    /// Installs the caps for a session. `alreadyDelivered` carries steps delivered before a restart.
    /// With `requiresLease`, no step passes beyond the ceiling granted by `grantDeliveryLease` (which the daemon
    /// calls only after journalling it durably).
    public func beginSession(limits: SupervisorLimits, alreadyDelivered: Steps = .zero, requiresLease: Bool = false) {
        lock.withLock {
            self.limits = limits
            forwardSteps = alreadyDelivered.count
            retractedSteps = 0
            backOffSteps = 0
            leaseRequired = requiresLease
            revokeLeaseLocked()
        }
    }

    /// Raises the lease ceiling to `ceiling` net steps, if `generation` is still current (the motor has not been
    /// disarmed or re-armed since the lease was requested). Returns whether the grant was honoured.
    @discardableResult
    public func grantDeliveryLease(upTo ceiling: Steps, generation: UInt64) -> Bool {
        lock.withLock {
            guard leaseRequired, armed, generation == leaseGeneration else { return false }
            leaseCeiling = max(leaseCeiling, ceiling.count)
            return true
        }
    }

    /// Ends the session: ENABLE off, caps removed.
    public func endSession() {
        disarm()
        lock.withLock { limits = nil }
    }

    /// Sets DIR to infuse and asserts ENABLE. Refused while tripped or without a session.
    public func arm(now: MonotonicInstant) throws(SupervisorRefusal) {
        lock.lock()
        defer { lock.unlock() }
        guard let limits else { throw SupervisorRefusal(message: "No infusion is programmed.") }
        if let first = latched.first {
            throw SupervisorRefusal(message: "Alarm \(first.code.rawValue) is active; acknowledge it first.")
        }
        if let blocked = blockingInputCondition(lastInputs) {
            throw SupervisorRefusal(message: blocked.message)
        }
        do {
            try hardware.setDirection(.infuse)
            try hardware.setMotorEnabled(true)
        } catch {
            latchLocked(.hardwareFailure, "Delivery is uncertain: \(error).", now)
            throw SupervisorRefusal(message: "The motor could not be enabled: \(error).")
        }
        motorEnabled = true
        armed = true
        revokeLeaseLocked()
        measurementBaseline = nil
        limiter = StepRateLimiter(rate: limits.maxStepRate, burst: configuration.rateBurstSteps, now: now)
        lastHeartbeat = now
        trend.reset()
    }

    /// De-asserts ENABLE and closes the gate (pause, stop, completion). Never fails: errors are recorded.
    public func disarm() {
        lock.lock()
        armed = false
        backingOff = false
        motorEnabled = false
        revokeLeaseLocked()
        lock.unlock()
        do { try hardware.setMotorEnabled(false) } catch {
            // The hardware must pull ENABLE to "disabled"; still, a failed disable is uncertain delivery.
            let alarm = lock.withLock { latchLocked(.hardwareFailure, "The motor could not be disabled: \(error).", clock.now()) }
            if let alarm { notify(alarm) }
        }
    }

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
        guard armed, motorEnabled, latched.isEmpty, let limits else { return false }
        if configuration.isEnabled(.heartbeat), let beat = lastHeartbeat, heartbeatIsStale(beat, now) {
            tripped = latchLocked(.heartbeatMissed, heartbeatMessage(beat, now), now)
            return false
        }
        let next = forwardSteps - retractedSteps + 1
        // The lease is flow control, not a hazard: the emitter asks `availableSteps` first and waits.
        if leaseRequired, next > leaseCeiling { return false }
        if configuration.isEnabled(.totalCap), next > limits.maxTotalSteps.count {
            tripped = latchLocked(capCode(limits), capMessage(limits), now)
            return false
        }
        if configuration.isEnabled(.rateCap), limiter?.take(at: now) == false {
            tripped = latchLocked(.rateCapExceeded,
                "Step rate exceeded the cap of \(limits.maxRate.formatted(maxFractionDigits: 2)); the pump was stopped.", now)
            return false
        }
        do {
            try hardware.emitStep()
        } catch {
            // HAZ-005: uncertain delivery is an alarm, never a retry.
            if configuration.isEnabled(.hardwareErrors) {
                tripped = latchLocked(.hardwareFailure, "Delivery is uncertain (by up to one step): \(error).", now)
            }
            return false
        }
        forwardSteps += 1
        return true
    }

    /// Steps the gate would let through at `now` (the rate envelope's remaining budget). The emitter never
    /// asks for more, so a late-timer catch-up stays inside the envelope instead of tripping it.
    public func availableSteps(now: MonotonicInstant) -> Int64 {
        lock.withLock {
            guard armed, latched.isEmpty else { return 0 }
            let leased = leaseRequired ? max(0, leaseCeiling - (forwardSteps - retractedSteps)) : .max
            guard configuration.isEnabled(.rateCap) else { return leased }
            return min(leased, limiter?.available(at: now) ?? 0)
        }
    }

    /// Reports that the control loop is alive, with the controller's own count of commanded steps and the
    /// rate it is commanding. A commanded rate above the supervisor's cap trips at once (HAZ-001).
    public func heartbeat(now: MonotonicInstant, commandedSteps: Steps, commandedRate: StepsPerSecond = .zero) {
        lock.lock()
        var tripped: Alarm?
        defer {
            lock.unlock()
            if let tripped { notify(tripped) }
        }
        lastHeartbeat = now
        if armed, configuration.isEnabled(.rateCap), let limits,
           commandedRate.value > limits.maxStepRate.value * (1 + 1e-6) {
            let rate = limits.maxRate.value * commandedRate.value / limits.maxStepRate.value
            tripped = latchLocked(.rateCapExceeded,
                "The controller commanded \(MillilitersPerHour(rate).formatted(maxFractionDigits: 2)), above the cap of \(limits.maxRate.formatted(maxFractionDigits: 2)); the pump was stopped.", now)
            return
        }
        let counted = forwardSteps - retractedSteps
        if armed, configuration.isEnabled(.stepMismatch),
           abs(commandedSteps.count - counted) > configuration.stepMismatchTolerance {
            tripped = latchLocked(.stepMismatch,
                "Commanded \(commandedSteps.count) steps but the supervisor counted \(counted); delivery is uncertain.", now)
        }
    }

    /// The independent watchdog: trips when the control loop's heartbeat is too old while armed.
    public func checkWatchdog(now: MonotonicInstant) {
        lock.lock()
        var tripped: Alarm?
        defer {
            lock.unlock()
            if let tripped { notify(tripped) }
        }
        guard armed, configuration.isEnabled(.heartbeat), let beat = lastHeartbeat, heartbeatIsStale(beat, now) else {
            return
        }
        tripped = latchLocked(.heartbeatMissed, heartbeatMessage(beat, now), now)
    }

    /// Checks a fresh input snapshot: switches, pressure, trend and commanded-vs-measured position.
    public func evaluate(_ inputs: PumpInputs, now: MonotonicInstant) {
        lock.lock()
        var tripped: [Alarm] = []
        defer {
            lock.unlock()
            tripped.forEach(notify)
        }
        lastInputs = inputs
        if let condition = blockingInputCondition(inputs), armed || condition.code == .emergencyStop {
            if let alarm = latchLocked(condition.code, condition.message, now) { tripped.append(alarm) }
        }
        guard armed, let limits else { return }
        if configuration.isEnabled(.occlusionTrend), let pressure = inputs.linePressure,
           trend.add(pressure, deliveredSteps: Steps(forwardSteps - retractedSteps), at: now) {
            if let alarm = latchLocked(.occlusion,
                "Line pressure is still rising steadily (now \(pressure.formatted(maxFractionDigits: 0))): occlusion suspected.", now) {
                tripped.append(alarm)
            }
        }
        if configuration.isEnabled(.stepMismatch), let measured = inputs.measuredSteps {
            let counted = forwardSteps - retractedSteps
            let baseline = measurementBaseline ?? (measured.count, counted)
            measurementBaseline = baseline
            let moved = measured.count - baseline.measured, commanded = counted - baseline.counted
            if abs(moved - commanded) > configuration.stepMismatchTolerance,
               let alarm = latchLocked(.stepMismatch,
                "The plunger moved \(moved) steps but \(commanded) were commanded (\(limits.volume(of: Steps(abs(moved - commanded))).formatted(maxFractionDigits: 3)) unaccounted): stall or lost steps.", now) {
                tripped.append(alarm)
            }
        }
    }

    /// Handles an asynchronous input edge from the backend (any thread).
    public func handle(_ event: PumpInputEvent) {
        let now = clock.now()
        switch event {
        case .emergencyStopPressed:
            emergencyStop(now: now, source: "the emergency-stop button")
        case .syringeRemoved:
            tripIfEnabled(.syringePresence, .syringeRemoved, "The syringe was removed from the pump.", now)
        case .plungerUnclamped:
            tripIfEnabled(.plungerClamp, .plungerUnclamped, "The plunger is no longer clamped (free-flow risk).", now)
        case .endOfTravelReached:
            tripIfEnabled(.endOfTravel, .endOfTravel, "The plunger reached its end of travel: the syringe is empty.", now)
        case .occlusionSwitchClosed:
            tripIfEnabled(.occlusionPressure, .occlusion, "The occlusion pressure switch closed.", now)
        }
    }

    /// Latching emergency stop: ENABLE off first, always, even when already tripped.
    public func emergencyStop(now: MonotonicInstant, source: String) {
        try? hardware.setMotorEnabled(false)
        trip(.emergencyStop, "Emergency stop from \(source).", now: now)
    }

    /// Latches an alarm: ENABLE off first, gate closed, listeners told. Idempotent per code.
    public func trip(_ code: AlarmCode, _ message: String, now: MonotonicInstant) {
        let alarm = lock.withLock { latchLocked(code, message, now) }
        if let alarm { notify(alarm) }
    }

    /// Clears latched alarms (all, or one code) whose condition is gone. Never re-arms the motor.
    public func acknowledge(_ code: AlarmCode? = nil) -> AcknowledgeOutcome {
        lock.withLock {
            let targets = latched.filter { code == nil || $0.code == code }
            guard !targets.isEmpty else {
                return .refused(code.map { "Alarm \($0.rawValue) is not active." } ?? "No alarm is active.")
            }
            if let persisting = blockingInputCondition(lastInputs), targets.contains(where: { $0.code == persisting.code }) {
                return .refused("Cannot acknowledge \(persisting.code.rawValue): \(persisting.message)")
            }
            let cleared = targets.map(\.code)
            latched.removeAll { cleared.contains($0.code) }
            if latched.isEmpty { trend.reset() }
            return .cleared(cleared)
        }
    }

    /// Reads every input through the backend and checks it. A read failure is uncertain delivery.
    @discardableResult
    public func sampleInputs(now: MonotonicInstant) -> PumpInputs? {
        let inputs: PumpInputs
        do {
            inputs = try hardware.readInputs()
        } catch {
            if isArmed, configuration.isEnabled(.hardwareErrors) {
                trip(.hardwareFailure, "The pump's inputs could not be read: \(error).", now: now)
            }
            return nil
        }
        evaluate(inputs, now: now)
        return inputs
    }

    /// Drives the alarm LEDs and buzzer. A failure here is logged by the caller, never fatal.
    public func indicate(_ indication: AlarmIndication) {
        lock.withLock { try? hardware.setAlarmIndication(indication) }
    }

    // MARK: - Occlusion back-off (anti-bolus)

    /// Starts a back-off: allowed only while an occlusion alarm is latched. DIR retract, ENABLE on.
    public func beginBackOff() -> Bool {
        lock.lock()
        defer { lock.unlock() }
        guard latched.contains(where: { $0.code == .occlusion }),
              !latched.contains(where: { $0.code != .occlusion }) else { return false }
        do {
            try hardware.setDirection(.retract)
            try hardware.setMotorEnabled(true)
        } catch {
            try? hardware.setMotorEnabled(false)
            return false
        }
        backingOff = true
        motorEnabled = true
        backOffSteps = 0
        return true
    }

    /// One retract step of a back-off. Bounded by `maxSteps`; never delivers drug.
    public func backOffStep(maxSteps: Steps) -> Bool {
        lock.lock()
        defer { lock.unlock() }
        guard backingOff, backOffSteps < maxSteps.count else { return false }
        do { try hardware.emitStep() } catch { return false }
        backOffSteps += 1
        retractedSteps += 1
        return true
    }

    /// Ends a back-off: ENABLE off.
    public func endBackOff() {
        lock.withLock { backingOff = false }
        disarm()
    }

    // MARK: - Private

    private func tripIfEnabled(_ check: SafetyCheck, _ code: AlarmCode, _ message: String, _ now: MonotonicInstant) {
        guard configuration.isEnabled(check) else { return }
        let relevant = lock.withLock { armed || backingOff }
        guard relevant else { return }
        trip(code, message, now: now)
    }

    private func notify(_ alarm: Alarm) {
        let listener = lock.withLock { tripListener }
        listener?(alarm)
    }

    /// Latches with the lock held. Returns the alarm if it is new.
    @discardableResult
    private func latchLocked(_ code: AlarmCode, _ message: String, _ now: MonotonicInstant) -> Alarm? {
        // HAZ-011: ENABLE off first, before any bookkeeping.
        try? hardware.setMotorEnabled(false)
        motorEnabled = false
        armed = false
        backingOff = false
        revokeLeaseLocked()
        guard !latched.contains(where: { $0.code == code }) else { return nil }
        let alarm = Alarm(code: code, message: message, raisedAt: now)
        latched.append(alarm)
        try? hardware.setAlarmIndication(.high)
        return alarm
    }

    /// Starts a new lease generation with nothing granted beyond the current count.
    private func revokeLeaseLocked() {
        leaseGeneration &+= 1
        leaseCeiling = forwardSteps - retractedSteps
    }

    private func heartbeatIsStale(_ beat: MonotonicInstant, _ now: MonotonicInstant) -> Bool {
        now - beat > configuration.controlPeriod * configuration.heartbeatTolerance
    }

    private func heartbeatMessage(_ beat: MonotonicInstant, _ now: MonotonicInstant) -> String {
        let missed = Int((now - beat).seconds * 1000)
        return "The control loop missed its heartbeat for \(missed) ms (limit \(Int(configuration.controlPeriod.seconds * 1000) * Int(configuration.heartbeatTolerance)) ms)."
    }

    private func capCode(_ limits: SupervisorLimits) -> AlarmCode {
        limits.maxTotalDose.value + 1e-9 < limits.maxTotalVolume.value * limits.concentration.value
            ? .doseCapExceeded : .volumeCapExceeded
    }

    private func capMessage(_ limits: SupervisorLimits) -> String {
        "Delivery reached the session cap of \(limits.maxTotalDose.formatted(maxFractionDigits: 2)) / \(limits.maxTotalVolume.formatted(maxFractionDigits: 2)); the pump was stopped."
    }

    /// An input condition that forbids delivery, if any (with the check enabled).
    private func blockingInputCondition(_ inputs: PumpInputs) -> (code: AlarmCode, message: String)? {
        if configuration.isEnabled(.emergencyStop), inputs.emergencyStopPressed {
            return (.emergencyStop, "The emergency-stop button is pressed.")
        }
        if configuration.isEnabled(.syringePresence), !inputs.syringePresent {
            return (.syringeRemoved, "No syringe is loaded.")
        }
        if configuration.isEnabled(.plungerClamp), !inputs.plungerClamped {
            return (.plungerUnclamped, "The plunger is not clamped.")
        }
        if configuration.isEnabled(.endOfTravel), inputs.endOfTravel {
            return (.endOfTravel, "The plunger is at its end of travel: the syringe is empty.")
        }
        if configuration.isEnabled(.occlusionPressure) {
            if inputs.occlusionSwitch { return (.occlusion, "The occlusion pressure switch is closed.") }
            if let pressure = inputs.linePressure, pressure >= configuration.occlusionPressure {
                return (.occlusion,
                    "Line pressure \(pressure.formatted(maxFractionDigits: 0)) is at or above the occlusion limit of \(configuration.occlusionPressure.formatted(maxFractionDigits: 0)).")
            }
        }
        return nil
    }
}
