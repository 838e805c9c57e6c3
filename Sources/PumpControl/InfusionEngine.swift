// The control loop: a periodic control tick plus the step emitter, on one serial `PumpScheduler`.
//
// Tick (every control period, at absolute instants start + k·period so ticks never drift):
//   1. sample the inputs through the supervisor (which checks them), 2. send the heartbeat,
//   3. closed-loop rate decision on counted steps (`RateController`), 4. retarget the emitter,
//   5. advisory alarms (near end, paused too long) and checkpoints.
// An independent watchdog task (on its own scheduler in the daemon) asks the supervisor to check the
// heartbeat, so a starved control loop is caught even when no tick runs (HAZ-008).
//
// State machine (nothing ever resumes by itself): EngineTransitions.table, the only way the state changes, and
// the same table as the Promela model docs/model/pump-engine.pml (EngineModelTests keeps them equal).
// Layout: this file holds the state and the status; the commands, recovery, control tick, lease client, back-off
// and emitter wiring are extensions in InfusionEngine+*.swift.
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
    let scheduler: PumpScheduler
    let watchdogScheduler: PumpScheduler
    let stepScheduler: PumpScheduler
    var emitter: StepEmitter

    /// Current state.
    public internal(set) var state: PumpState = .idle
    /// The open (or last) session.
    public internal(set) var session: InfusionSession?
    var startedAt: MonotonicInstant?
    var infusing = InfusingClock()
    var target: InfusionTarget?
    var lastDecision: RateDecision?
    var pausedSince: MonotonicInstant?
    var lastPausedReminder: MonotonicInstant?
    var advisory: [Alarm] = []
    /// Audio pause and escalation of the active alarms (IEC 60601-1-8).
    var signals: AlarmSignals
    var nearEndRaised = false
    var nearEmptyRaised = false
    var lastCheckpoint: MonotonicInstant?
    var tickTask: ScheduledTask?
    /// The watchdog's next check; it runs and re-arms itself on the watchdog queue while `shutdown` runs on
    /// the control queue, so both are guarded by `watchdogLock` (the protocol fuzzer crashed pumpd's shutdown
    /// in dispatch_source_cancel through this race).
    var watchdogTask: ScheduledTask?
    var watchdogStopped = false
    let watchdogLock = NSLock()
    var tickOrigin: MonotonicInstant
    var tickIndex: Int64 = 0
    var lastBackOff = Milliliters.zero
    /// True from the first back-off step until the back-off has ended (even when a trip ended the gate's
    /// retracting mode first): no resume of either kind is accepted meanwhile.
    var backOffInProgress = false
    /// The vital-sign interlock's state: the newest reading (kept between sessions for the pre-start check)
    /// and the staleness reminders (HAZ-015).
    public internal(set) var vitalsWatch = VitalsWatch(thresholds: .provisionalDefaults)

    /// Receives every engine event (on the executor).
    public var onEvent: ((EngineEvent) -> Void)?
    /// When set, every session needs a durably recorded delivery lease before its steps pass the gate
    /// (the daemon sets its journal here; virtual-time tests usually leave it nil).
    public var leaseRecorder: DeliveryLeaseRecorder?
    /// True while a lease request is being recorded.
    var leaseRequestOutstanding = false

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
        self.emitter = Self.buildEmitter(scheduler: stepScheduler ?? scheduler, supervisor: supervisor, commanded: .zero,
                                         leadScale: configuration.stepLeadScale)
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
    var loopStarted = false

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
            alarmSignals: alarmSignals, audioPaused: signals.isAudioPaused(active: active, now: now),
            syringeVolumeLeft: session.map { $0.syringe.contentsLeft($0.geometry, delivered: delivered) })
    }

    /// Diagnostics (pumpd --step-timing-report): keep every emitter fire's lateness, in this session and the
    /// ones after it. Off by default, since memory grows with the number of fires.
    public var keepsLatenessSamples = false {
        didSet { if keepsLatenessSamples { emitter.keepLatenessSamples(capacity: Self.latenessCapacity) } }
    }
    static let latenessCapacity = 1 << 16

    /// Lateness of every fire of the current session's emitter, in nanoseconds (empty unless kept).
    public var emitterLatenessSamples: [Int64] { emitter.lateness.samples }

    /// Lateness of the current (or last) session emitter's most recent fires, nanoseconds of the scheduler's time
    /// line (unordered; empty before the first fire).
    public var emitterRecentLateness: [Int64] { emitter.recentLatenessNanoseconds() }

    /// Emitter lateness statistics of the current session (fires, merged fires, worst lateness).
    public var emitterLateness: LatenessRecorder { emitter.lateness }

    /// Changes state through `EngineTransitions.table` only. A change the table does not allow is a software fault:
    /// it does not happen, the motor is stopped and a high alarm says so (fail safe, never a crash).
    func transition(_ cause: TransitionCause, to newState: PumpState) {
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

    func raiseAdvisory(_ code: AlarmCode, _ message: String, _ now: MonotonicInstant) {
        guard !advisory.contains(where: { $0.code == code }) else { return }
        let alarm = Alarm(code: code, message: message, raisedAt: now)
        advisory.append(alarm)
        emit(.alarmRaised(alarm))
    }

    func clearAdvisory(_ code: AlarmCode) { advisory.removeAll { $0.code == code } }

    func emit(_ event: EngineEvent) {
        switch event {
        case .alarmRaised, .alarmsAcknowledged, .stateChanged: updateIndication()
        default: break
        }
        onEvent?(event)
    }

    /// Latched and advisory alarms, unsorted.
    var activeAlarms: [Alarm] { supervisor.latchedAlarms + advisory }

    /// The alarm outputs show the highest active priority (IEC 60601-1-8 patterns in the backend); the buzzer
    /// is silent while the audio is paused.
    func updateIndication() {
        let active = activeAlarms
        supervisor.indicate(signals.indication(active: active), audioPaused: signals.isAudioPaused(active: active, now: scheduler.now()))
    }
}
