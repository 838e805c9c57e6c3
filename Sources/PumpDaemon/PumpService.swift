// The pump service: the composition of hardware, supervisor, control loop, planner and journal that pumpd
// runs, with every command handled in one place.
//
// Threads and queues:
// - the control queue (`scheduler.queue`) owns the engine; commands hop onto it with `scheduler.sync`, which
//   takes microseconds;
// - a separate watchdog queue runs the supervisor's heartbeat check, so a stalled control queue is caught;
// - the command queue serialises requests (one command at a time, journal writes included);
// - the journal queue writes engine events durably, off the control path.
// Start-up never resumes anything: an infusion found open in the journal comes back `interrupted`, motor off,
// with the delivered amount from the last checkpoint and, as unknown, at most what the last journalled delivery
// lease allowed beyond it.
import Foundation
import Logging
import PumpControl
import PumpCore
import PumpJournal
import PumpLibrary
import PumpProtocol
import PumpServer
import PumpSimulator

/// The running pump: hardware, engine, planner and journal.
public final class PumpService: @unchecked Sendable {
    /// The configuration in force.
    public let configuration: DaemonConfiguration
    let logger: Logger
    /// The control loop's executor (SCHED_FIFO thread or Dispatch queue); owns the engine.
    let scheduler: any ControlScheduler
    let watchdogScheduler: DispatchScheduler
    /// Which executor the control loop got, and why.
    let controlLoopChoice: ControlLoopChoice
    /// Where step deadlines are kept, and what was granted (logged, journaled and in sd_notify STATUS).
    let stepTimingChoice: StepTimingChoice
    let engine: InfusionEngine
    let planner: DosePlanner
    /// The supervisor's own load of the drug and syringe libraries (a second, separate parse of the same files),
    /// from which it derives its caps; the planner's load is never handed to it (safety kernel v2 item 2).
    let supervisorLibraries: DosePlanner
    /// The library files in force (version, SHA-256, signature) and the rule that blocks programming on a bad one.
    let libraries: LibraryBook
    let simulator: SimulatorBay?
    let journal: Journal?
    let recorder: JournalRecorder?
    let access: AccessPolicy
    let wallClock: @Sendable () -> Date
    /// One (wall, monotonic) pair taken at start-up: alarm times for display are mapped through it, so an alarm's
    /// `raised_at` is the same in every status (display only).
    let wallAnchor: (wall: Date, monotonic: MonotonicInstant)
    /// The start-up wall-clock check against the journal (issue 11 item 9).
    var clockSanity = ClockSanity(problem: nil)
    let commandQueue = DispatchQueue(label: "pumpd.commands")
    /// The running plasma-concentration estimate (display only).
    let plasma = PlasmaEstimateBook()
    /// A started infusion waiting for its independent double check (`double_check = "required"`).
    let doubleChecks = DoubleCheckBook()
    /// The simulated patient monitor (sim backend with `sim_vitals`), else nil.
    let simulatedMonitor: SimulatedMonitor?
    /// The Prometheus textfile writer (nil with `metrics_file = ""`).
    let metrics: MetricsPublisher?
    private let stateLock = NSLock()
    /// The exclusive lock on the state directory (one daemon per directory), held for the service's life.
    let directoryLock: StateDirectoryLock?
    private var active = ActiveSession()

    /// What the service knows about the open session (guarded by `stateLock`).
    struct ActiveSession {
        var id: SessionID?
        var plan: DosePlan?
        var record: ProgramRecord?
        var uncertainty = Steps.zero
        var resumable = true
    }

    /// Builds the service: loads the libraries, opens the journal, creates the backend and the engine, and
    /// recovers an interrupted session. Never starts the motor.
    public init(configuration: DaemonConfiguration, hardware: PumpHardware? = nil, logger: Logger,
                wallClock: @escaping @Sendable () -> Date = { Date() }) throws {  // wall-clock: the one injected source, for journal timestamps and display
        self.configuration = configuration
        self.logger = logger
        self.wallClock = wallClock
        // One daemon per state directory: a second one stops here, before anything is opened or written.
        var lockFailure: StateDirectoryLockError?
        do {
            directoryLock = try StateDirectoryLock.acquire(directory: configuration.stateDirectory)
        } catch .held(let directory, let pid) {
            throw StateDirectoryLockError.held(directory: directory, holderPID: pid)
        } catch {
            directoryLock = nil
            lockFailure = error
        }
        // Two loads, each reading, hashing, verifying and parsing its own copy of the bytes; the book compares them.
        let keyring = LibraryKeyring.load(directory: configuration.libraryKeysDirectory)
        let plannerLoad = try LibraryLoad.load(configuration, keyring: keyring)
        let supervisorLoad = try LibraryLoad.load(configuration, keyring: keyring)
        planner = plannerLoad.planner
        supervisorLibraries = supervisorLoad.planner
        libraries = LibraryBook(planner: plannerLoad, supervisor: supervisorLoad, configuration: configuration, keyring: keyring)
        for problem in keyring.problems { logger.warning("library key: \(problem)") }
        let metricsBox = WeakBox<PumpService>()
        metrics = configuration.metricsFile.map { path in
            MetricsPublisher(path: path, interval: .milliseconds(max(1, CheckedConversion.int(configuration.metricsIntervalS * 1000, .down))),
                             logger: logger) { metricsBox.value?.metricsText() ?? "" }
        }
        access = try AccessPolicy(controlGroup: configuration.controlGroup, readOnlyGroup: configuration.readOnlyGroup,
                                  monitorGroup: configuration.monitorGroup, allowRoot: configuration.allowRoot)
        // At N× simulation speed one real millisecond is N virtual ones: keep the control period at least
        // 50 real ms and the heartbeat tolerance at 6 periods (300 real ms), so scheduling jitter of a loaded
        // test machine cannot look like a missed heartbeat. On real hardware (N = 1) the configured period and
        // the strict 2-period tolerance apply.
        let speed = configuration.backend == .sim ? configuration.simSpeed : 1
        let controlLoop = ControlLoopChoice.make(realtime: configuration.stepTiming == .realtime, speed: speed,
                                                 stepPriority: configuration.realtimePriority)
        controlLoopChoice = controlLoop
        scheduler = controlLoop.scheduler
        wallAnchor = (wallClock(), controlLoop.scheduler.now())  // wall-clock: display anchor for alarm times
        watchdogScheduler = DispatchScheduler(label: "pumpd.watchdog", timeBase: controlLoop.scheduler.timeBase)
        var engineConfiguration = EngineConfiguration()
        let periodMS = speed > 1 ? max(Double(configuration.controlPeriodMS), 50 * speed) : Double(configuration.controlPeriodMS)
        engineConfiguration.supervisor.controlPeriod = .seconds(periodMS / 1000)
        if speed > 1 {
            engineConfiguration.supervisor.heartbeatTolerance = 6
            engineConfiguration.stepLeadScale = min(speed, SimulatorSpeed.maximumStepLeadScale)
        }
        engineConfiguration.checkpointInterval = .seconds(max(1, periodMS / 1000))
        // A lease covers two checkpoint intervals. At N× simulation speed a durable write takes N times longer in
        // simulated time, and a test machine's fsync jitter would stall the flow (and the stop-and-go pressure
        // can look like an occlusion trend), so the window there is eight intervals (400 real ms).
        engineConfiguration.leaseWindow = engineConfiguration.checkpointInterval * (speed > 1 ? 8 : 2)
        engineConfiguration.supervisor.occlusionPressure = MillimetersOfMercury(configuration.occlusionPressureMMHg)
        engineConfiguration.backOffMaximumVolume = Milliliters(configuration.backOffVolumeML)
        // Pump-clock times, so --sim-speed scales them like every other alarm time.
        engineConfiguration.alarmSignals = AlarmSignalSettings(
            audioPause: .seconds(configuration.alarmAudioPauseS),
            escalateMediumAfter: .seconds(configuration.alarmEscalationMin * 60))
        engineConfiguration.syringeAlarms = SyringeAlarmSettings(
            nearEmptyTime: Minutes(configuration.syringeNearEmptyMin), nearEmptyVolume: Milliliters(configuration.syringeNearEmptyML),
            emptyMargin: Milliliters(configuration.syringeEmptyMarginML))

        let backend: PumpHardware
        if let hardware {
            backend = hardware
            simulator = hardware as? SimulatorBay
        } else {
            switch configuration.backend {
            case .sim:
                let syringe = planner.syringes.syringe(id: "bd-50") ?? planner.syringes.syringes[0]
                let bay = SimulatorBay(clock: scheduler, syringe: syringe)
                simulator = bay
                backend = bay
            case .gpiod:
                backend = try GPIOBackendFactory.make(configuration)
                simulator = nil
                logger.notice("gpiod sensors: \(GPIOBackendFactory.sensorSummary(configuration))")
            }
        }
        let scheduler = self.scheduler, watchdog = watchdogScheduler
        let keepsLateness = configuration.stepTimingReportPath != nil
        let stepTiming = StepTimingChoice.make(requested: configuration.stepTiming, control: scheduler,
                                               priority: configuration.realtimePriority)
        stepTimingChoice = stepTiming
        logger.notice("step timing: \(stepTiming.report); control loop: \(controlLoop.detail)")
        engine = scheduler.syncOnControl {
            let engine = InfusionEngine(scheduler: scheduler, watchdogScheduler: watchdog,
                                        stepScheduler: stepTiming.scheduler, hardware: backend,
                                        configuration: engineConfiguration, startsLoop: false)
            engine.keepsLatenessSamples = keepsLateness
            return engine
        }
        simulatedMonitor = configuration.simVitals && simulator != nil
            ? SimulatedMonitor(interval: .seconds(configuration.simVitalsIntervalS)) : nil

        var openedJournal: Journal?
        var openError: JournalError? = lockFailure.map { .io($0.description) }
        do {
            if openError == nil {
                openedJournal = try Journal(directory: URL(fileURLWithPath: configuration.stateDirectory, isDirectory: true))
            }
        } catch {
            openError = error
        }
        journal = openedJournal
        if let openedJournal {
            let box = WeakBox<PumpService>()
            let journalRecorder = JournalRecorder(journal: openedJournal, wallClock: wallClock) { error in
                box.value?.journalFailed(error)
            }
            recorder = journalRecorder
            box.value = self
            // HAZ-010: no step passes the gate before a lease covering it is on disk.
            let leases = JournalLeaseRecorder(recorder: journalRecorder, session: { [box] in
                guard let service = box.value else { return nil }
                let active = service.activeSession
                guard let id = active.id, let plan = active.plan else { return nil }
                return LeasedSession(id: id, geometry: plan.geometry, concentration: plan.concentration,
                                     uncertain: active.uncertainty)
            }, monotonicNow: { [scheduler] in scheduler.now() })
            scheduler.syncOnControl { engine.leaseRecorder = leases }
        } else {
            recorder = nil
        }
        // Wired on the control executor before the loop starts: no event is emitted before the journal listens.
        scheduler.syncOnControl { engine.onEvent = { [weak self] event in self?.engineEvent(event) } }
        if let openError {
            // HAZ-014: a journal that cannot be opened is an alarm that blocks starting; nothing is deleted.
            logger.critical("journal unavailable: \(openError)")
            scheduler.syncOnControl {
                engine.supervisor.trip(.journalFailure, "The journal is unavailable (\(openError)); starting is blocked.",
                                       now: scheduler.now())
            }
        } else {
            // The clock is checked against what the journal held before this start wrote anything.
            clockSanity = ClockSanity.check(now: wallClock(), newestRecord: try openedJournal?.newestRecordWallTime())
            try recoverInterruptedSession()
            if let openedJournal {
                try restoreLatchesAndVitals(from: openedJournal)
                if let problem = clockSanity.problem {
                    logger.error("clock-invalid: \(problem)")
                    scheduler.syncOnControl { engine.raiseNotice(.clockInvalid, problem) }
                }
            }
            journalDaemonEvent(.daemonStart,
                "pumpd started (backend \(configuration.backend.rawValue); step timing \(stepTimingChoice.report); control loop \(controlLoop.detail)).")
            journalLibrariesLoaded()
        }
        raiseLibraryProblemAtStartup()
        let thresholds = vitalThresholds(forDrug: nil)
        scheduler.syncOnControl { engine.configureVitals(thresholds) }
        scheduler.syncOnControl { engine.startLoop() }
        startSimulatedMonitor()
        metricsBox.value = self
        metrics?.start()
    }

    /// The simulator backend's syringe bay, when the service runs on the simulator (observation and faults).
    public var simulatorBay: SimulatorBay? { simulator }

    /// Stops the motor and the loop (SIGTERM/SIGINT and shutdown). Idempotent; ENABLE off first.
    public func shutdown() {
        let (samples, final) = scheduler.syncOnControl { () -> ([Int64], EngineStatus) in
            engine.shutdown()
            return (engine.emitterLatenessSamples, engine.status())
        }
        // After ENABLE off (HAZ-003: nothing may delay it), before the control executor goes away (a write in
        // progress still takes its snapshot on it).
        metrics?.stop()
        stepTimingChoice.shutdown()
        controlLoopChoice.shutdown()
        if let path = configuration.stepTimingReportPath {
            do {
                try StepLatenessReport(latenessNanoseconds: samples, speed: scheduler.speed).write(to: path)
            } catch {
                logger.error("could not write the step timing report to \(path): \(error)")
            }
        }
        journalDaemonEvent(.daemonStop, "pumpd stopping; motor disabled.")
        recorder?.drain()
        recordFinalCheckpoint(final)
    }

    /// A clean stop leaves a checkpoint with the motor recorded as not infusing, written after every queued write:
    /// the next start then knows the exact count (no lease beyond it is open), instead of reporting the unused
    /// lease as unknown delivery (issue 11: a SIGTERM came back with 0.61 mL "uncertain").
    private func recordFinalCheckpoint(_ status: EngineStatus) {
        let active = activeSession
        guard let journal, let id = active.id, status.state.hasOpenSession else { return }
        do {
            try journal.checkpoint(
                id, delivered: DeliveredAmount(steps: status.deliveredSteps, volume: status.deliveredVolume, dose: status.deliveredDose),
                state: status.state.rawValue, infusing: false, monotonic: scheduler.now(), wall: wallClock(),
                uncertain: JournalRecorder.carried(active.uncertainty, of: status.deliveredSteps), infusingElapsed: status.elapsed)
        } catch {
            logger.error("could not write the final checkpoint: \(error)")
        }
    }

    /// Whether the control queue answers within `timeout` (for the systemd watchdog ping).
    public func controlLoopResponds(within timeout: DispatchTimeInterval = .milliseconds(500)) -> Bool {
        let answered = DispatchSemaphore(value: 0)
        scheduler.perform { answered.signal() }
        return answered.wait(timeout: .now() + timeout) == .success
    }

    /// The step timing requested and granted (SCHED_FIFO step thread or Dispatch timer).
    public var stepTimingReport: StepTimingReport { stepTimingChoice.report }

    /// A one-line status for systemd's STATUS=.
    public func statusLine() -> String {
        let status = scheduler.syncOnControl { engine.status() }
        return "\(status.state.rawValue); delivered \(status.deliveredDose.formatted(maxFractionDigits: 2)); steps \(stepTimingChoice.report.granted.rawValue)"
    }

    // MARK: - Session bookkeeping

    var activeSession: ActiveSession {
        get { stateLock.withLock { active } }
        set { stateLock.withLock { active = newValue } }
    }

    func engineEvent(_ event: EngineEvent) {
        let session = activeSession
        let now = scheduler.now()
        switch event {
        case .checkpoint(let status), .stateChanged(_, _, let status), .titrated(let status):
            plasma.record(status.deliveredDose, at: now)
            observePatient(status, at: now)
        default: break
        }
        // The uncertainty a recovery carried stays with the session after it ends (issue 11 item 10): the
        // journal's close record carries it, so status and report go on saying what is unknown until a new
        // session starts.
        recorder?.record(event, session: session.id, uncertain: session.uncertainty, monotonic: now)
        switch event {
        case .stateChanged, .alarmRaised, .alarmEscalated, .alarmsAcknowledged: metrics?.requestWrite()
        default: break
        }
    }

    func journalFailed(_ error: JournalError) {
        logger.critical("journal write failed: \(error)")
        scheduler.perform { [engine, scheduler] in
            engine.supervisor.trip(.journalFailure,
                "The journal could not be written (\(error)); delivery stopped so nothing goes unrecorded.",
                now: scheduler.now())
        }
    }

    func journalDaemonEvent(_ kind: JournalEventKind, _ summary: String) {
        guard let journal else { return }
        do {
            try journal.append(JournalEvent(kind: kind, monotonic: scheduler.now(), wall: wallClock(), summary: summary))
        } catch {
            journalFailed(error)
        }
    }
}

/// A weak reference holder for callbacks created before `self` is complete.
final class WeakBox<T: AnyObject>: @unchecked Sendable {
    weak var value: T?
}
