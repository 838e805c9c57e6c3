// The control loop: a periodic control tick plus the step emitter, on one serial `PumpScheduler`.
//
// Tick (every control period, at absolute instants start + k·period so ticks never drift):
//   1. sample the inputs through the supervisor (which checks them), 2. send the heartbeat,
//   3. closed-loop rate decision on counted steps (`RateController`), 4. retarget the emitter,
//   5. advisory alarms (near end, paused too long) and checkpoints.
// An independent watchdog task (on its own scheduler in the daemon) asks the supervisor to check the
// heartbeat, so a starved control loop is caught even when no tick runs (HAZ-008).
//
// State machine (nothing ever resumes by itself):
//   idle --start--> running <--pause/resume--> paused
//   running --target reached--> completed;  running|paused --stop--> stopped
//   any open state --latching alarm--> alarm --acknowledge (condition gone)--> paused (or completed)
//   recovery --> interrupted --resume-interrupted--> running;  interrupted --stop--> stopped
// All methods must be called on the scheduler's executor (the daemon hops there with `perform`).
// Step timing: the emitter's timers run on `stepScheduler`, which is the control scheduler itself (Dispatch) or
// a dedicated real-time step thread sharing its time line. The emitter is thread-safe; its completion callback
// hops back onto the control executor, and only acts if that emitter is still the engine's current one.
import Foundation
import PumpCore

/// The infusion control loop and state machine.
/// Confined to the scheduler's serial executor (hence `@unchecked Sendable`: the scheduler, not the type
/// system, serialises access).
public final class InfusionEngine: @unchecked Sendable {
    /// The supervisor: the only way to the hardware.
    public let supervisor: SafetySupervisor
    /// Settings.
    public let configuration: EngineConfiguration
    private let scheduler: PumpScheduler
    private let watchdogScheduler: PumpScheduler
    private let stepScheduler: PumpScheduler
    private var emitter: StepEmitter

    /// Current state.
    public private(set) var state: PumpState = .idle
    /// The open (or last) session.
    public private(set) var session: InfusionSession?
    private var startedAt: MonotonicInstant?
    private var infusing = InfusingClock()
    private var target: InfusionTarget?
    private var lastDecision: RateDecision?
    private var pausedSince: MonotonicInstant?
    private var lastPausedReminder: MonotonicInstant?
    private var advisory: [Alarm] = []
    /// Audio pause and escalation of the active alarms (IEC 60601-1-8).
    private var signals: AlarmSignals
    private var nearEndRaised = false
    private var lastCheckpoint: MonotonicInstant?
    private var tickTask: ScheduledTask?
    /// The watchdog's next check; it runs and re-arms itself on the watchdog queue while `shutdown` runs on
    /// the control queue, so both are guarded by `watchdogLock` (the protocol fuzzer crashed pumpd's shutdown
    /// in dispatch_source_cancel through this race).
    private var watchdogTask: ScheduledTask?
    private var watchdogStopped = false
    private let watchdogLock = NSLock()
    private var tickOrigin: MonotonicInstant
    private var tickIndex: Int64 = 0
    private var lastBackOff = Milliliters.zero
    /// True from the first back-off step until the back-off has ended (even when a trip ended the gate's
    /// retracting mode first): no resume of either kind is accepted meanwhile.
    private var backOffInProgress = false
    /// The vital-sign interlock's state: the newest reading (kept between sessions for the pre-start check)
    /// and the staleness reminders (HAZ-015).
    public private(set) var vitalsWatch = VitalsWatch(thresholds: .provisionalDefaults)

    /// Receives every engine event (on the executor).
    public var onEvent: ((EngineEvent) -> Void)?
    /// When set, every session needs a durably recorded delivery lease before its steps pass the gate
    /// (the daemon sets its journal here; virtual-time tests usually leave it nil).
    public var leaseRecorder: DeliveryLeaseRecorder?
    /// True while a lease request is being recorded.
    private var leaseRequestOutstanding = false

    /// TEST-ONLY: ticks before this instant are skipped (control-loop starvation).
    @_spi(Testing) public var suppressTicksUntilForTesting: MonotonicInstant?
    /// TEST-ONLY: multiplies the controller's commanded rate (a planner fault for sensitivity tests).
    @_spi(Testing) public var rateMultiplierForTesting: Double = 1
    /// TEST-ONLY: the controller's target is raised by this many steps beyond the plan (a planner fault).
    @_spi(Testing) public var extraTargetStepsForTesting: Int64 = 0

    /// Creates the engine; the motor is disabled and the loop starts ticking at once. `stepScheduler` (default:
    /// `scheduler`) keeps the step deadlines; it must share `scheduler`'s time line.
    /// With `startsLoop: false` nothing ticks until `startLoop()`, so a composition root can wire `onEvent` and
    /// its recorders first and no event is emitted before anyone listens.
    public init(scheduler: PumpScheduler, watchdogScheduler: PumpScheduler? = nil, stepScheduler: PumpScheduler? = nil,
                hardware: PumpHardware, configuration: EngineConfiguration = .init(), startsLoop: Bool = true) {
        self.scheduler = scheduler
        self.watchdogScheduler = watchdogScheduler ?? scheduler
        self.stepScheduler = stepScheduler ?? scheduler
        self.configuration = configuration
        signals = AlarmSignals(settings: configuration.alarmSignals)
        let supervisor = SafetySupervisor(hardware: hardware, clock: scheduler, configuration: configuration.supervisor)
        self.supervisor = supervisor
        self.emitter = Self.buildEmitter(scheduler: stepScheduler ?? scheduler, supervisor: supervisor, commanded: .zero)
        tickOrigin = scheduler.now()
        supervisor.onTrip = { [weak self, scheduler] alarm in
            scheduler.perform { self?.handleTrip(alarm) }
        }
        wireEmitter()
        if startsLoop { startLoop() }
    }

    /// Starts the control tick and the watchdog (once; later calls do nothing). Call on the executor.
    public func startLoop() {
        guard !loopStarted else { return }
        loopStarted = true
        scheduleTick()
        scheduleWatchdog()
        // The alarm outputs show "normal" (green) from the start, not dark until the first event.
        updateIndication()
    }
    private var loopStarted = false

    /// Stops the loop and disables the motor (daemon shutdown). Idempotent.
    public func shutdown() {
        emitter.stop()
        supervisor.allOff()
        tickTask?.cancel()
        let watchdog = watchdogLock.withLock { () -> ScheduledTask? in
            watchdogStopped = true
            defer { watchdogTask = nil }
            return watchdogTask
        }
        watchdog?.cancel()
    }

    /// Whether the watchdog is still armed (false after `shutdown`).
    public var watchdogArmed: Bool { watchdogLock.withLock { watchdogTask != nil && !watchdogStopped } }

    // MARK: - Commands

    /// Starts a validated session. Refused unless idle, completed or stopped.
    public func start(_ newSession: InfusionSession) throws(EngineRefusal) {
        guard !state.hasOpenSession else {
            throw EngineRefusal("An infusion is already \(state.phrase); stop it before starting another.")
        }
        let now = scheduler.now()
        supervisor.beginSession(limits: newSession.limits, programmedTarget: newSession.targetSteps,
                                requiresLease: leaseRecorder != nil)
        session = newSession
        startedAt = now
        infusing.reset()
        advisory.removeAll()
        nearEndRaised = false
        lastBackOff = .zero
        if let thresholds = newSession.vitalThresholds { vitalsWatch.thresholds = thresholds }
        vitalsWatch.resetReminders()
        emitter = makeEmitter(commanded: .zero)
        target = makeTarget(newSession, plannedEnd: now + MonotonicDuration(newSession.duration))
        do {
            try arm(now: now)
        } catch {
            supervisor.endSession()
            session = nil
            target = nil
            throw error
        }
        transition(.start, to: .running)
    }

    /// Pauses delivery (ENABLE off). Refused unless running.
    public func pause() throws(EngineRefusal) {
        guard state == .running else { throw EngineRefusal("The pump is \(state.phrase), not running; nothing to pause.") }
        emitter.stop()
        supervisor.disarm()
        pausedSince = scheduler.now()
        lastPausedReminder = nil
        transition(.pause, to: .paused)
    }

    /// Resumes a paused infusion. Refused unless paused and no alarm is latched.
    public func resume() throws(EngineRefusal) {
        guard state == .paused else { throw EngineRefusal("The pump is \(state.phrase), not paused; nothing to resume.") }
        try refuseWhileBackingOff()
        try refuseWhileVitalsOutOfRange()
        try arm(now: scheduler.now())
        clearAdvisory(.pausedTooLong)
        pausedSince = nil
        transition(.resume, to: .running)
    }

    /// Ends the session before completion; the record is kept. Refused when no session is open.
    public func stop() throws(EngineRefusal) {
        guard state.hasOpenSession else { throw EngineRefusal("No infusion is open; nothing to stop.") }
        emitter.stop()
        supervisor.disarm()
        supervisor.endSession()
        pausedSince = nil
        transition(.stop, to: .stopped)
    }

    /// Latching emergency stop (always accepted).
    public func emergencyStop(source: String) {
        supervisor.emergencyStop(now: scheduler.now(), source: source)
        emitter.stop()
    }

    /// Acknowledges alarms (all, or one code). Latched alarms clear only when their condition is gone.
    public func acknowledge(_ code: AlarmCode?) throws(EngineRefusal) -> [AlarmCode] {
        // HAZ-015: the vital-sign alarm's condition is the newest reading; it is gone only when a newer reading
        // is back within the limits.
        if code == nil || code == .vitalsOutOfRange,
           supervisor.latchedAlarms.contains(where: { $0.code == .vitalsOutOfRange }) {
            let persisting = vitalsWatch.persistingBreaches
            if !persisting.isEmpty {
                throw EngineRefusal("Cannot acknowledge vitals-out-of-range: the newest vital signs are still out of range (\(persisting.map(\.message).joined(separator: " "))) Enter a new reading first.")
            }
        }
        var cleared: [AlarmCode] = []
        let advisoryMatches = advisory.filter { code == nil || $0.code == code }.map(\.code)
        advisory.removeAll { advisoryMatches.contains($0.code) }
        cleared += advisoryMatches
        if supervisor.isTripped, code == nil || supervisor.latchedAlarms.contains(where: { $0.code == code }) {
            switch supervisor.acknowledge(code) {
            case .cleared(let codes): cleared += codes
            case .refused(let reason): if advisoryMatches.isEmpty { throw EngineRefusal(reason) }
            }
        }
        guard !cleared.isEmpty else {
            throw EngineRefusal(code.map { "Alarm \($0.rawValue) is not active." } ?? "No alarm is active.")
        }
        emit(.alarmsAcknowledged(cleared))
        if state == .alarm, !supervisor.isTripped {
            pausedSince = scheduler.now()
            lastPausedReminder = nil
            transition(.acknowledge, to: .paused)
        }
        return cleared
    }

    /// Pauses the audible signal of the active alarms (one code, or all) for the configured time; the visual
    /// signal continues and the buzzer comes back by itself. Returns the codes paused and the end of the pause.
    public func silence(_ code: AlarmCode?) throws(EngineRefusal) -> (codes: [AlarmCode], until: MonotonicInstant) {
        let now = scheduler.now()
        let codes = signals.silence(code, active: activeAlarms, now: now)
        guard !codes.isEmpty else {
            throw EngineRefusal(code.map { "Alarm \($0.rawValue) is not active." } ?? "No alarm is active; there is nothing to silence.")
        }
        updateIndication()
        return (codes, now + signals.settings.audioPause)
    }

    /// Applies a re-validated titration atomically: new target steps, planned duration and nominal rate.
    public func titrate(targetSteps: Steps, duration: Minutes, nominalRate: MillilitersPerHour) throws(EngineRefusal) {
        guard let current = session, [.running, .paused].contains(state) else {
            throw EngineRefusal("Titration needs a running or paused infusion; the pump is \(state.phrase).")
        }
        guard targetSteps >= supervisor.deliveredSteps else {
            throw EngineRefusal("The new target is below what was already delivered.")
        }
        guard targetSteps <= current.limits.maxTotalSteps else {
            throw EngineRefusal("The new target exceeds the session cap of \(current.limits.maxTotalDose.formatted(maxFractionDigits: 2)).")
        }
        do { try supervisor.setProgrammedTarget(targetSteps) } catch { throw EngineRefusal(error.message) }
        var updated = current
        updated.targetSteps = targetSteps
        updated.duration = duration
        updated.nominalRate = nominalRate
        session = updated
        // The planned duration counts infusing time: what is left of it runs from now (pauses excluded).
        let now = scheduler.now()
        let left = MonotonicDuration(duration) - infusing.elapsed(at: now)
        target = makeTarget(updated, plannedEnd: now + (left > .zero ? left : .zero))
        nearEndRaised = false
        clearAdvisory(.nearEnd)
        if state == .running { controlStep(now: scheduler.now()) }
        emit(.titrated(status()))
    }

    /// Restores a session found open in the journal after a restart: motor off, state `interrupted`.
    /// `infusingElapsed` is the journaled infusing time (a duration; no clock of the previous boot, no wall clock).
    public func restoreInterrupted(_ restored: InfusionSession, delivered: Steps, infusingElapsed: MonotonicDuration) {
        emitter.stop()
        supervisor.disarm()
        supervisor.beginSession(limits: restored.limits, programmedTarget: restored.targetSteps, alreadyDelivered: delivered,
                                requiresLease: leaseRecorder != nil)
        session = restored
        startedAt = scheduler.now() - infusingElapsed
        infusing.reset(to: infusingElapsed)
        emitter = makeEmitter(commanded: delivered)
        target = nil
        transition(.restoreInterrupted, to: .interrupted)
    }

    /// Finishes an interrupted session's remaining dose at its nominal rate (after explicit confirmation).
    /// Refused, with the same sentences as `resume`, while any alarm is latched (restored ones included) or
    /// while the newest vital signs are out of range.
    public func resumeInterrupted() throws(EngineRefusal) {
        guard state == .interrupted, let restored = session else {
            throw EngineRefusal("Nothing is interrupted; the pump is \(state.phrase).")
        }
        if let first = supervisor.latchedAlarms.first {
            throw EngineRefusal("Alarm \(first.code.rawValue) is active; acknowledge it first.")
        }
        try refuseWhileBackingOff()
        try refuseWhileVitalsOutOfRange()
        let now = scheduler.now()
        let remaining = restored.geometry.volume(for: restored.targetSteps - supervisor.deliveredSteps)
        let remainingTime = remaining / restored.nominalRate
        target = makeTarget(restored, plannedEnd: now + MonotonicDuration(remainingTime))
        try arm(now: now)
        transition(.resumeInterrupted, to: .running)
    }

    /// HAZ-004: no resume while the occlusion back-off still runs (the gate refuses arming while it retracts too).
    private func refuseWhileBackingOff() throws(EngineRefusal) {
        if backOffInProgress || supervisor.motorMode == .retracting {
            throw EngineRefusal("The occlusion back-off is still relieving the line; resume when it ends.")
        }
    }

    /// HAZ-015: no resume of either kind while the newest reading is past a pause limit (interlock on).
    private func refuseWhileVitalsOutOfRange() throws(EngineRefusal) {
        guard session?.vitalThresholds != nil else { return }
        let persisting = vitalsWatch.persistingBreaches
        guard persisting.isEmpty else {
            throw EngineRefusal("The newest vital signs are out of range (\(persisting.map(\.message).joined(separator: " "))) Enter a new reading first.")
        }
    }

    /// Restores latched alarms from the journal after a restart: the supervisor holds them (motor off, arming
    /// refused) until each is acknowledged; an open session goes to `alarm` unless it is `interrupted`.
    public func restoreLatched(_ alarms: [Alarm]) {
        emitter.stop()
        supervisor.restoreLatched(alarms)
        if state.hasOpenSession, state != .interrupted, state != .alarm { transition(.trip, to: .alarm) }
        updateIndication()
    }

    /// Raises an advisory (non-latching) alarm from the composition root, e.g. `clock-invalid` at start-up.
    public func raiseNotice(_ code: AlarmCode, _ message: String) {
        guard !code.stopsDelivery else { return }
        raiseAdvisory(code, message, scheduler.now())
    }

    /// Restores the newest vital-sign reading found in the journal after a restart. Nothing acts on it by itself:
    /// it is the condition `acknowledge` and `resume-interrupted` check, and the pre-start check's input.
    public func restoreVitals(_ reading: VitalSigns) {
        vitalsWatch = VitalsWatch(thresholds: vitalsWatch.thresholds, latest: reading)
    }

    /// Sets the vital-sign limits used between sessions (a session's own limits replace them at start).
    public func configureVitals(_ thresholds: VitalSignThresholds) { vitalsWatch.thresholds = thresholds }

    /// Records a vital-sign reading (HAZ-015). During an open infusion (running, paused or already in alarm)
    /// with the interlock on, a reading past a pause limit latches `vitals-out-of-range`: motor off, state alarm. A fresh reading
    /// clears the staleness reminder. Never starts or resumes anything.
    @discardableResult
    public func recordVitals(_ vitals: VitalSigns) -> VitalsAssessment {
        let breaches = vitalsWatch.record(vitals)
        if advisory.contains(where: { $0.code == .vitalsStale }) {
            clearAdvisory(.vitalsStale)
            updateIndication()
        }
        let interlockOn = session?.vitalThresholds != nil && [.running, .paused, .alarm].contains(state)
        guard interlockOn, !breaches.isEmpty else {
            return VitalsAssessment(breaches: breaches, paused: false, state: state)
        }
        emitter.stop()
        supervisor.trip(.vitalsOutOfRange,
                        "Infusion paused by the vital-sign interlock: \(breaches.map(\.message).joined(separator: " "))",
                        now: scheduler.now())
        return VitalsAssessment(breaches: breaches, paused: true, state: state)
    }

    // MARK: - Status

    /// A consistent snapshot.
    public func status() -> EngineStatus {
        let now = scheduler.now()
        let delivered = supervisor.deliveredSteps
        let geometry = session?.geometry
        let volume = geometry?.volume(for: delivered) ?? .zero
        let rate = state == .running ? (geometry?.volumeRate(for: emitter.rate) ?? .zero) : .zero
        var doseRate = MilligramsPerKilogramPerHour.zero
        if let session { doseRate = (rate * session.concentration) / session.dosingWeight }
        var expectedEnd: MonotonicInstant?
        var remaining: MonotonicDuration?
        if let target, let session, [.running, .paused].contains(state) {
            let decision = RateController.decide(target, delivered: delivered, now: now)
            expectedEnd = decision.expectedEnd
            if state == .paused, decision.rate.value == 0, delivered < session.targetSteps {
                expectedEnd = nil
            }
            remaining = expectedEnd.map { $0 - now }
        }
        let active = activeAlarms
        let alarms = active.sorted { signals.priority(of: $0) > signals.priority(of: $1) }
        var alarmSignals: [AlarmCode: AlarmSignalStatus] = [:]
        for alarm in active { alarmSignals[alarm.code] = signals.status(of: alarm, now: now) }
        return EngineStatus(
            state: state, session: session, deliveredSteps: delivered, deliveredVolume: volume,
            deliveredDose: volume * (session?.concentration ?? .zero), rate: rate, doseRate: doseRate,
            elapsed: session == nil ? .zero : infusing.elapsed(at: now), remaining: remaining, expectedEnd: expectedEnd,
            motorEnabled: supervisor.isMotorEnabled, alarms: alarms, lastBackOffVolume: lastBackOff,
            alarmSignals: alarmSignals, audioPaused: signals.isAudioPaused(active: active, now: now))
    }

    /// Diagnostics (pumpd --step-timing-report): keep every emitter fire's lateness, in this session and the
    /// ones after it. Off by default, since memory grows with the number of fires.
    public var keepsLatenessSamples = false {
        didSet { if keepsLatenessSamples { emitter.keepLatenessSamples(capacity: Self.latenessCapacity) } }
    }
    private static let latenessCapacity = 1 << 16

    /// Lateness of every fire of the current session's emitter, in nanoseconds (empty unless kept).
    public var emitterLatenessSamples: [Int64] { emitter.lateness.samples }

    /// Emitter lateness statistics of the current session (fires, merged fires, worst lateness).
    public var emitterLateness: LatenessRecorder { emitter.lateness }

    // MARK: - Loop

    private func scheduleTick() {
        tickIndex += 1
        let deadline = tickOrigin + configuration.supervisor.controlPeriod * tickIndex
        tickTask = scheduler.schedule(at: deadline) { [weak self] in self?.tick() }
    }

    private func scheduleWatchdog() {
        let next = watchdogScheduler.now() + configuration.supervisor.controlPeriod
        watchdogLock.withLock {
            guard !watchdogStopped else { return }
            watchdogTask = watchdogScheduler.schedule(at: next) { [weak self] in
                guard let self, !self.watchdogLock.withLock({ self.watchdogStopped }) else { return }
                self.supervisor.checkWatchdog(now: self.watchdogScheduler.now())
                self.scheduleWatchdog()
            }
        }
    }

    private func tick() {
        let now = scheduler.now()
        // Re-align if the executor fell behind by more than a period (never a burst of catch-up ticks).
        let due = tickOrigin + configuration.supervisor.controlPeriod * tickIndex
        if now - due > configuration.supervisor.controlPeriod {
            tickIndex += (now - due).nanoseconds / configuration.supervisor.controlPeriod.nanoseconds
        }
        defer { scheduleTick() }
        if let until = suppressTicksUntilForTesting, now < until { return }
        supervisor.sampleInputs(now: now)
        supervisor.heartbeat(now: now, commandedSteps: emitter.commanded, commandedRate: emitter.rate)
        switch state {
        case .running: controlStep(now: now)
        case .paused: pausedReminder(now: now)
        default: break
        }
        if state == .running || state == .paused { vitalsReminder(now: now) }
        refreshAlarmSignals(now: now)
    }

    /// Ends audio pauses whose time is up and escalates medium alarms nobody answered (IEC 60601-1-8).
    private func refreshAlarmSignals(now: MonotonicInstant) {
        let changes = signals.update(active: activeAlarms, now: now)
        guard !changes.isEmpty else { return }
        updateIndication()
        for alarm in changes.escalated { onEvent?(.alarmEscalated(alarm)) }
    }

    /// HAZ-015: a medium reminder when the newest vital signs are older than the drug's staleness interval.
    private func vitalsReminder(now: MonotonicInstant) {
        guard let thresholds = session?.vitalThresholds, let startedAt,
              let age = vitalsWatch.staleReminderDue(now: now, sessionStart: startedAt) else { return }
        clearAdvisory(.vitalsStale)
        let what = vitalsWatch.latest == nil || vitalsWatch.latest.map({ $0.measuredAt < startedAt }) == true
            ? "No vital signs were entered since the infusion started \(CheckedConversion.int(age.seconds / 60)) min ago"
            : "The last vital signs are \(CheckedConversion.int(age.seconds / 60)) min old"
        raiseAdvisory(.vitalsStale, "\(what) (limit \(thresholds.staleAfter.formatted(maxFractionDigits: 1))); take and enter new ones.", now)
    }

    private func controlStep(now: MonotonicInstant) {
        guard state == .running, var target, let session else { return }
        target.targetSteps = Steps(target.targetSteps.count + extraTargetStepsForTesting)
        let delivered = supervisor.deliveredSteps
        if delivered >= target.targetSteps {
            complete()
            return
        }
        renewLeaseIfNeeded()
        var decision = RateController.decide(target, delivered: delivered, now: now)
        decision.rate = StepsPerSecond(decision.rate.value * rateMultiplierForTesting)
        lastDecision = decision
        if emitter.isRunning {
            emitter.retarget(rate: decision.rate, limit: target.targetSteps, at: now)
        }
        if !nearEndRaised, decision.expectedEnd - now <= MonotonicDuration(session.nearEndWarning) {
            nearEndRaised = true
            raiseAdvisory(.nearEnd, "The infusion ends in about \(CheckedConversion.int((decision.expectedEnd - now).seconds / 60, .toNearestOrAwayFromZero)) min.", now)
        }
        if let last = lastCheckpoint, now - last < configuration.checkpointInterval { return }
        lastCheckpoint = now
        emit(.checkpoint(status()))
    }

    private func pausedReminder(now: MonotonicInstant) {
        guard let session, let since = pausedSince else { return }
        let interval = MonotonicDuration(session.pausedReminder)
        let reference = lastPausedReminder ?? since
        guard now - reference >= interval else { return }
        lastPausedReminder = now
        clearAdvisory(.pausedTooLong)
        raiseAdvisory(.pausedTooLong, "The infusion has been paused for \(CheckedConversion.int((now - since).seconds / 60)) min; resume or stop it.", now)
    }

    private func arm(now: MonotonicInstant) throws(EngineRefusal) {
        guard let target else { throw EngineRefusal("No infusion is programmed.") }
        do {
            try supervisor.arm(now: now)
        } catch {
            throw EngineRefusal(error.message)
        }
        renewLeaseIfNeeded()
        let decision = RateController.decide(target, delivered: supervisor.deliveredSteps, now: now)
        lastDecision = decision
        // HAZ-008 / driver timing: the first step comes no sooner than the driver's enable settle time.
        emitter.start(at: now + configuration.enableSettleTime, rate: decision.rate, limit: target.targetSteps)
    }

    /// Asks the lease recorder for more allowance when less than half a window is left (one request at a time).
    /// The grant is applied on the executor, and only in the arm generation it was asked for.
    private func renewLeaseIfNeeded() {
        guard let leaseRecorder, !leaseRequestOutstanding, supervisor.isArmed, let session,
              let ceiling = supervisor.deliveryLeaseCeiling else { return }
        let policy = DeliveryLeasePolicy(window: configuration.leaseWindow, cappedRate: session.limits.maxStepRate,
                                         burst: configuration.supervisor.rateBurstSteps)
        let delivered = supervisor.deliveredSteps
        // Never lease beyond the programmed target: the supervisor then enforces the target too, and the
        // uncertainty a crash leaves can never reach past it (HAZ-010).
        let cap = min(session.limits.maxTotalSteps, session.targetSteps)
        guard let next = policy.renewal(delivered: delivered, ceiling: ceiling, cap: cap) else {
            return
        }
        let generation = supervisor.deliveryLeaseGeneration
        leaseRequestOutstanding = true
        leaseRecorder.recordLease(delivered: delivered, ceiling: next) { [weak self, scheduler] recorded in
            scheduler.perform {
                guard let self else { return }
                self.leaseRequestOutstanding = false
                if recorded, self.supervisor.grantDeliveryLease(upTo: next, generation: generation) { return }
                // A stale generation (paused or re-armed meanwhile): ask again for the current one.
                if recorded, self.state == .running { self.renewLeaseIfNeeded() }
            }
        }
    }

    private func complete() {
        emitter.stop()
        supervisor.disarm()
        supervisor.endSession()
        clearAdvisory(.nearEnd)
        raiseAdvisory(.infusionComplete, "The programmed dose was delivered.", scheduler.now())
        transition(.complete, to: .completed)
    }

    private func handleTrip(_ alarm: Alarm) {
        emitter.stop()
        emit(.alarmRaised(alarm))
        if state.hasOpenSession, state != .interrupted { transition(.trip, to: .alarm) }
        if alarm.code == .occlusion { backOff() }
    }

    /// Anti-bolus: retract until the line pressure is relieved, bounded in volume (HAZ-004).
    private func backOff() {
        guard let session else { return }
        let maxSteps = session.geometry.steps(forVolume: configuration.backOffMaximumVolume)
        guard supervisor.beginBackOff(maxSteps: maxSteps) else { return }
        backOffInProgress = true
        func next() {
            let now = scheduler.now()
            let pressure = supervisor.sampleInputs(now: now)?.linePressure
            let relieved = pressure.map { $0 <= configuration.backOffTargetPressure } ?? false
            if relieved || !supervisor.backOffStep() {
                finishBackOff()
                return
            }
            emitter.noteRetracted(Steps(1))
            scheduler.schedule(at: now + configuration.backOffStepInterval) { next() }
        }
        // The driver needs its enable settle time before the first step (the GPIO backend refuses earlier ones).
        scheduler.schedule(at: scheduler.now() + configuration.enableSettleTime) { next() }
    }

    private func finishBackOff() {
        let steps = supervisor.lastBackOffSteps
        supervisor.endBackOff()
        backOffInProgress = false
        lastBackOff = session?.geometry.volume(for: steps) ?? .zero
        emit(.backOffCompleted(lastBackOff))
    }

    // MARK: - Helpers

    private func makeEmitter(commanded: Steps) -> StepEmitter {
        emitter.stop()
        let replacement = Self.buildEmitter(scheduler: stepScheduler, supervisor: supervisor, commanded: commanded)
        emitter = replacement
        wireEmitter()
        return replacement
    }

    /// The one way an emitter is built: every step through the supervisor's gate, never more per fire than its
    /// budget. The burst per fire equals the supervisor's token-bucket allowance, so a merged (late) fire catches
    /// up as far as the supervisor allows and no further.
    private static func buildEmitter(scheduler: PumpScheduler, supervisor: SafetySupervisor, commanded: Steps) -> StepEmitter {
        StepEmitter(scheduler: scheduler, commanded: commanded,
                    maxBurst: CheckedConversion.saturating(supervisor.configuration.rateBurstSteps, .down), catchUpSpacing: .milliseconds(10),
                    budget: { supervisor.availableSteps(now: $0) }, gate: { supervisor.step(now: $0) })
    }

    private func wireEmitter() {
        if keepsLatenessSamples { emitter.keepLatenessSamples(capacity: Self.latenessCapacity) }
        let current = emitter
        let completeIfCurrent: () -> Void = { [weak self, weak current] in
            guard let self, let current, self.emitter === current, self.state == .running else { return }
            self.complete()
        }
        if stepScheduler === scheduler {
            emitter.onLimitReached = completeIfCurrent
        } else {
            // The emitter fired on the step thread: the engine's state lives on the control executor.
            emitter.onLimitReached = { [scheduler] in scheduler.perform(completeIfCurrent) }
        }
        // The emitter has already stopped itself; the supervisor's trip (if any) reaches the engine via onTrip.
        emitter.onRefused = { [weak current] in current?.stop() }
    }

    private func makeTarget(_ session: InfusionSession, plannedEnd: MonotonicInstant) -> InfusionTarget {
        let nominal = session.geometry.stepRate(for: session.nominalRate)
        let cap = session.limits.maxStepRate
        if cap.value > 0 {
            emitter.catchUpSpacing = .seconds(1 / cap.value)
        }
        return InfusionTarget(targetSteps: session.targetSteps, plannedEnd: plannedEnd, nominalRate: nominal,
                              catchUpFactor: session.catchUpFactor, rateCap: cap)
    }

    /// Changes state through `EngineTransitions.table` only. A change the table does not allow is a software fault:
    /// it does not happen, the motor is stopped and a high alarm says so (fail safe, never a crash).
    private func transition(_ cause: TransitionCause, to newState: PumpState) {
        guard EngineTransitions.allows(state, cause, newState) else {
            emitter.stop()
            supervisor.trip(.hardwareFailure,
                "Internal fault: the engine tried \(state.rawValue) --\(cause.rawValue)--> \(newState.rawValue), which its transition table forbids; the pump was stopped.",
                now: scheduler.now())
            return
        }
        let old = state
        state = newState
        infusing.follow(newState, at: scheduler.now())
        lastCheckpoint = scheduler.now()
        emit(.stateChanged(from: old, to: newState, status: status()))
    }

    private func raiseAdvisory(_ code: AlarmCode, _ message: String, _ now: MonotonicInstant) {
        guard !advisory.contains(where: { $0.code == code }) else { return }
        let alarm = Alarm(code: code, message: message, raisedAt: now)
        advisory.append(alarm)
        emit(.alarmRaised(alarm))
    }

    private func clearAdvisory(_ code: AlarmCode) { advisory.removeAll { $0.code == code } }

    private func emit(_ event: EngineEvent) {
        switch event {
        case .alarmRaised, .alarmsAcknowledged, .stateChanged: updateIndication()
        default: break
        }
        onEvent?(event)
    }

    /// Latched and advisory alarms, unsorted.
    private var activeAlarms: [Alarm] { supervisor.latchedAlarms + advisory }

    /// The alarm outputs show the highest active priority (IEC 60601-1-8 patterns in the backend); the buzzer
    /// is silent while the audio is paused.
    private func updateIndication() {
        let active = activeAlarms
        supervisor.indicate(signals.indication(active: active), audioPaused: signals.isAudioPaused(active: active, now: scheduler.now()))
    }
}
