// A real-clock run for the accuracy tool: the same engine and plant as in the daemon's simulator backend, on
// the real-time `DispatchScheduler` (Dispatch timers on CLOCK_MONOTONIC, speed 1), with the plant recording
// the monotonic instant of every forward STEP pulse. The step instants then go through the same IEC analysis
// (`StepRecording.balanceReadings`), so scheduler lateness on this machine shows up in the trumpet curve.
// It takes as long as it records: on demand only (`pump-evidence record-steps`), never in CI.
import Dispatch
import Foundation
import PumpControl
import PumpCore
import PumpEvidence
import PumpSimulator

/// The outcome of a real-clock recording.
public struct RealClockRecordingResult: Sendable {
    /// The step instants (offsets from the start of the infusion).
    public var recording: StepRecording
    /// Alarms raised during the run (any alarm stops delivery and is reported).
    public var alarms: [AlarmCode]
    /// The engine's state at the end.
    public var finalState: PumpState
    /// Worst lateness of a step-emitter timer fire.
    public var worstTimerLateness: MonotonicDuration
}

/// Records step instants of a real-time run.
public enum RealClockRecorder {
    /// Infuses at `rate` for `duration` of real time and returns the recorded steps.
    public static func record(rate: MillilitersPerHour, duration: Minutes,
                              syringe: SyringeSpec = EvidenceSession.bd50) throws -> RealClockRecordingResult {
        let geometry = SyringeGeometry(syringe: syringe)
        let scheduler = DispatchScheduler(label: "pump-evidence.control")
        let watchdog = scheduler.sibling(label: "pump-evidence.watchdog")
        let fill = max(syringe.nominalVolume, rate * duration + syringe.deadSpace + Milliliters(1))
        let pump = SimulatedPump(clock: scheduler, geometry: geometry, fill: fill,
                                 parameters: PlantParameters(recordStepTimes: true))
        let alarms = AlarmLog()
        let (engine, start) = try scheduler.sync { () throws -> (InfusionEngine, MonotonicInstant) in
            let engine = InfusionEngine(scheduler: scheduler, watchdogScheduler: watchdog, hardware: pump)
            engine.onEvent = { event in if case .alarmRaised(let alarm) = event { alarms.append(alarm.code) } }
            let start = scheduler.now()
            try engine.start(EvidenceSession.constantRate(rate, for: duration + Minutes(1), geometry: geometry, fill: fill))
            return (engine, start)
        }
        let done = DispatchSemaphore(value: 0)
        scheduler.schedule(at: start + MonotonicDuration(duration)) { done.signal() }
        done.wait()
        let (state, lateness) = scheduler.sync { () -> (PumpState, MonotonicDuration) in
            let result = (engine.state, engine.emitterLateness.maximum)
            engine.shutdown()
            return result
        }
        let steps = pump.stepTimes.map { $0 - start }.filter { $0 <= MonotonicDuration(duration) }
        return RealClockRecordingResult(
            recording: StepRecording(stepVolume: geometry.volumePerStep, setRate: rate,
                                     duration: MonotonicDuration(duration), steps: steps),
            alarms: alarms.codes, finalState: state, worstTimerLateness: lateness)
    }
}

/// Alarm codes collected on the scheduler's queue and read after the run.
private final class AlarmLog: @unchecked Sendable {
    private let lock = NSLock()
    private var stored: [AlarmCode] = []
    func append(_ code: AlarmCode) { lock.withLock { stored.append(code) } }
    var codes: [AlarmCode] { lock.withLock { stored } }
}
