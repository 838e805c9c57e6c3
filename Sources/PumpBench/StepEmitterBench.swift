// The real-clock step benchmark: the production `StepEmitter` behind the production `SafetySupervisor`,
// with a counting hardware sink, at a fixed rate for a fixed time, in one step-timing mode.
//
// A control loop like the engine's runs beside it on the control queue (every 50 ms: sample inputs, heartbeat,
// retarget at the same rate), so the emitter sees the same cancel/re-arm traffic as in pumpd. The supervisor's
// caps are set just above the benchmark rate (rate cap 1.1×, so the token bucket is live but never the limit).
// The heartbeat tolerance is widened to 5 s: this table measures step timing, and on a loaded machine a
// normal-priority control queue can miss pumpd's 100 ms heartbeat (which pumpd would rightly alarm on); the
// control tick's own worst lateness is reported beside the step figures instead.
// Results come from the hardware's CLOCK_MONOTONIC stamps (`StepTrace`) and the emitter's own fire records.
import Dispatch
import Foundation
import PumpControl
import PumpCore

/// The step-timing modes the benchmark can run.
public enum BenchStepMode: String, Sendable, Codable, CaseIterable {
    /// Dispatch `.strict` timers on the control queue (pumpd `step_timing = "dispatch"`).
    case dispatch
    /// SCHED_FIFO step thread with clock_nanosleep (pumpd `step_timing = "realtime"`).
    case realtime
    /// The same step thread without SCHED_FIFO (diagnostic: separates the sleep from the priority).
    case thread
}

/// One row of the step table.
public struct StepBenchResult: Sendable, Codable {
    /// Mode run.
    public var mode: BenchStepMode
    /// Steps per second.
    public var rate: Double
    /// Seconds run.
    public var seconds: Double
    /// nil when the mode ran; otherwise why it could not (e.g. SCHED_FIFO not permitted).
    public var notRun: String?
    /// Steps emitted, and floor(rate·T) expected.
    public var steps: Int
    public var expectedSteps: Int64
    /// Per-step lateness (emission stamp − due), µs.
    public var latenessMicroseconds: Percentiles
    /// Steps emitted more than 1 ms after their due time.
    public var lateSteps: Int
    /// Timer wake-up lateness (wake-up − the instant the timer was set for), µs: the timer alone.
    public var wakeupLatenessMicroseconds: Percentiles
    /// Timer wake-ups, and those that emitted more than one step (merged).
    public var fires: Int
    public var mergedFires: Int
    /// |emitted − floor(rate·t)| over every instant.
    public var cumulativeError: StepTrace.CumulativeError
    /// Worst lateness of the 50 ms control tick on the (normal-priority) control queue, ms.
    public var controlTickMaxLatenessMilliseconds: Double
    /// `--spin-microseconds`: the step thread's spin lead, µs (0: it sleeps to each deadline).
    public var spinMicroseconds: Int64 = 0
    /// Which alternating round (1-based) of `--rounds` this row belongs to.
    public var round: Int = 1
    /// `--vs-cyclictest`: the host's own wake-up latency at this row's interval, priority and duration, run
    /// right after this row; nil without the flag.
    public var cyclictest: CyclictestResult? = nil
    /// `--vs-cyclictest`: step lateness ÷ cyclictest latency for p50, p99, p99.9.
    public var vsCyclictest: LatencyRatio? = nil

    static func notRun(_ mode: BenchStepMode, rate: Double, seconds: Double, _ reason: String) -> StepBenchResult {
        StepBenchResult(mode: mode, rate: rate, seconds: seconds, notRun: reason, steps: 0, expectedSteps: 0,
                        latenessMicroseconds: Percentiles([]), lateSteps: 0, wakeupLatenessMicroseconds: Percentiles([]), fires: 0, mergedFires: 0,
                        cumulativeError: .init(worst: 0, ahead: 0, behind: 0), controlTickMaxLatenessMilliseconds: 0)
    }
}

/// Runs the step emitter on the real clock.
public enum StepEmitterBench {
    /// Lateness above which a step counts as late.
    public static let lateThreshold = 1_000.0

    /// Runs `rate` steps/s for `seconds` in `mode`; SCHED_FIFO at `priority` for `.realtime`.
    /// `spin` > 0: the realtime/thread step scheduler wakes that early and spins to each deadline.
    public static func run(mode: BenchStepMode, rate: Double, seconds: Double, priority: Int32 = 50,
                           spin: MonotonicDuration = .zero) -> StepBenchResult {
        let control = DispatchScheduler(label: "bench.control", qos: .userInteractive)
        let stepScheduler: PumpScheduler
        var thread: RealtimeStepScheduler?
        switch mode {
        case .dispatch:
            stepScheduler = control
        case .realtime, .thread:
            let policy: RealtimeStepScheduler.ThreadPolicy = mode == .realtime ? .fifo(priority: priority) : .inherited
            switch RealtimeStepScheduler.start(label: "bench-step", timeBase: control.timeBase, policy: policy, spinLead: spin) {
            case .success(let started):
                thread = started
                stepScheduler = started
            case .failure(let refusal):
                return .notRun(mode, rate: rate, seconds: seconds, "not permitted: \(refusal.message)")
            }
        }
        defer { thread?.shutdown() }

        let capacity = Int(rate * seconds * 1.1) + 64
        let hardware = CountingHardware(capacity: capacity)
        let configuration = SupervisorConfiguration(heartbeatTolerance: 100)
        let supervisor = SafetySupervisor(hardware: hardware, clock: control, configuration: configuration)
        let cap = rate * 1.1
        supervisor.beginSession(limits: SupervisorLimits(
            maxStepRate: StepsPerSecond(cap), maxRate: MillilitersPerHour(cap * 3.6), maxTotalSteps: Steps(Int64(capacity) * 2),
            maxTotalDose: Milligrams(1e9), maxTotalVolume: Milliliters(1e9), volumePerStep: Microliters(1),
            concentration: MilligramsPerMilliliter(1)))
        let emitter = StepEmitter(
            scheduler: stepScheduler, commanded: .zero, maxBurst: Int64(configuration.rateBurstSteps),
            catchUpSpacing: .seconds(1 / cap), budget: { supervisor.availableSteps(now: $0) },
            gate: { supervisor.step(now: $0) })
        emitter.keepLatenessSamples(capacity: capacity)
        let limit = Steps(Int64(capacity) * 2)
        let loop = ControlLoopStandIn(scheduler: control, supervisor: supervisor, emitter: emitter,
                                      rate: StepsPerSecond(rate), limit: limit, period: configuration.controlPeriod)

        let start: MonotonicInstant = control.sync {
            let now = control.now()
            try? supervisor.arm(now: now)
            let start = now + .milliseconds(20)
            emitter.start(at: start, rate: StepsPerSecond(rate), limit: limit)
            loop.begin(at: now)
            return start
        }
        let end = start + .seconds(seconds)
        // The bench's main thread just waits on the real clock; nothing it does is measured.
        _ = DispatchSemaphore(value: 0).wait(timeout: DispatchTime(uptimeNanoseconds: UInt64(control.timeBase.monotonicDeadline(for: end))))
        let (stopped, alarms) = control.sync { () -> (MonotonicInstant, [Alarm]) in
            emitter.stop()
            loop.cancel()
            let stopped = control.now()
            supervisor.disarm()
            return (stopped, supervisor.latchedAlarms)
        }
        thread?.shutdown()
        let origin = control.timeBase.monotonicDeadline(for: start)
        let window = min(end, stopped) - start
        let trace = StepTrace(rate: rate, emissions: hardware.stamps.map { $0 - origin }.filter { $0 <= window.nanoseconds },
                              window: window.nanoseconds)
        let lateness = trace.latenessMicroseconds
        let fires = emitter.lateness
        var result = StepBenchResult(
            mode: mode, rate: rate, seconds: seconds, notRun: nil, steps: trace.emissions.count,
            expectedSteps: trace.idealCount(at: window.nanoseconds), latenessMicroseconds: Percentiles(lateness),
            lateSteps: lateness.filter { $0 > lateThreshold }.count,
            wakeupLatenessMicroseconds: Percentiles(fires.samples.map { Double($0) / 1000 }), fires: fires.count, mergedFires: fires.mergedFires,
            cumulativeError: trace.cumulativeError,
            controlTickMaxLatenessMilliseconds: control.sync { loop.maxLateness.seconds * 1000 })
        result.spinMicroseconds = spin.nanoseconds / 1000
        if let alarm = alarms.first { result.notRun = "supervisor tripped: \(alarm.code.rawValue): \(alarm.message)" }
        return result
    }
}

/// The engine's periodic duties that touch the emitter and the supervisor, without the clinical logic.
private final class ControlLoopStandIn: @unchecked Sendable {
    let scheduler: DispatchScheduler
    let supervisor: SafetySupervisor
    let emitter: StepEmitter
    let rate: StepsPerSecond
    let limit: Steps
    let period: MonotonicDuration
    private var origin = MonotonicInstant.origin
    private var index: Int64 = 0
    private var task: ScheduledTask?
    /// Worst tick lateness (on the control queue).
    private(set) var maxLateness = MonotonicDuration.zero

    init(scheduler: DispatchScheduler, supervisor: SafetySupervisor, emitter: StepEmitter, rate: StepsPerSecond,
         limit: Steps, period: MonotonicDuration) {
        self.scheduler = scheduler
        self.supervisor = supervisor
        self.emitter = emitter
        self.rate = rate
        self.limit = limit
        self.period = period
    }

    func begin(at now: MonotonicInstant) {
        origin = now
        scheduleNext()
    }

    func cancel() { task?.cancel() }

    private func scheduleNext() {
        index += 1
        task = scheduler.schedule(at: origin + period * index) { [weak self] in self?.tick() }
    }

    private func tick() {
        let now = scheduler.now()
        maxLateness = max(maxLateness, now - (origin + period * index))
        supervisor.sampleInputs(now: now)
        supervisor.heartbeat(now: now, commandedSteps: emitter.commanded, commandedRate: emitter.rate)
        emitter.retarget(rate: rate, limit: limit, at: now)
        scheduleNext()
    }
}
