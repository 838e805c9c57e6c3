// One IEC 60601-2-24 flow test in virtual time: the real control loop (InfusionEngine, supervisor, step
// emitter) drives the plant simulator at a constant rate, and the plant's exact delivered volume at the
// cannula — what a perfect balance would weigh — is read every S = 0.5 min.
//
// Programming: the pump is given rate r and a volume for T + 10 min, so the controller holds r through the
// whole test (a flow test programs a rate, not an end time). The plunger's displaced volume is read at the
// same instants: a balance at the cannula sees the steps smoothed by the line (τ = R·C ≈ 1.5 s), the plunger
// sees every step. The syringe is loaded with what that needs; at
// 52.5 mL/h the 2-hour test needs 114 mL, more than a 50 mL syringe holds, so that run uses the BD 50 mL
// geometry with a barrel longer than real (`exceedsSyringe`): it measures the software at the clinical
// rate, not a feasible bench set-up.
import Foundation
import PumpControl
import PumpCore
import PumpEvidence
import PumpSimulator

/// What to run.
public struct AccuracyRunConfiguration: Sendable, Equatable {
    /// Set rate r.
    public var rate: MillilitersPerHour
    /// Test duration T.
    public var duration: Minutes
    /// Balance sampling interval S.
    public var sampleInterval: Minutes
    /// Mechanical error sources.
    public var mechanics: MechanicsModel
    /// The plunger-head encoder is fitted (the supervisor then compares commanded and measured steps).
    public var encoderFitted: Bool
    /// The syringe.
    public var syringe: SyringeSpec
    /// Also record every step instant (`AccuracyRunOutput.stepRecording`).
    public var recordSteps: Bool

    /// Creates a configuration; defaults are the IEC test (T = 120 min, S = 0.5 min) with ideal mechanics in
    /// a BD 50 mL syringe.
    public init(rate: MillilitersPerHour, duration: Minutes = Minutes(120), sampleInterval: Minutes = Minutes(0.5),
                mechanics: MechanicsModel = .ideal, encoderFitted: Bool = true,
                syringe: SyringeSpec = EvidenceSession.bd50, recordSteps: Bool = false) {
        self.rate = rate
        self.duration = duration
        self.sampleInterval = sampleInterval
        self.mechanics = mechanics
        self.encoderFitted = encoderFitted
        self.syringe = syringe
        self.recordSteps = recordSteps
    }
}

/// What one run produced.
public struct AccuracyRunOutput: Sendable {
    /// The configuration.
    public var configuration: AccuracyRunConfiguration
    /// Balance readings V_0 … V_N every S: the volume that left the cannula (through the line's R·C filter).
    public var readings: [BalanceReading]
    /// The same instants read at the plunger: net volume displaced, a staircase of whole steps (no line
    /// filtering), the strictest view of the software's step timing.
    public var plungerReadings: [BalanceReading]
    /// Volume per step as the software believes it (the nominal geometry).
    public var stepVolume: Microliters
    /// The volume loaded into the syringe.
    public var fill: Milliliters
    /// The test needs more than the syringe's nominal volume (see the file comment).
    public var exceedsSyringe: Bool
    /// Pulses that did not move the plunger, by cause.
    public var lostSteps: LostStepCounts
    /// Alarms raised during the run (none expected).
    public var alarms: [AlarmCode]
    /// The engine's state at the end (running expected).
    public var finalState: PumpState
    /// Every forward step, when `recordSteps`.
    public var stepRecording: StepRecording?
}

/// Runs flow tests in virtual time.
public enum AccuracyRunner {
    /// Runs one test to T.
    public static func run(_ configuration: AccuracyRunConfiguration) throws -> AccuracyRunOutput {
        let geometry = SyringeGeometry(syringe: configuration.syringe)
        let programmed = configuration.rate * (configuration.duration + Minutes(10))
        let needed = programmed + configuration.syringe.deadSpace + Milliliters(0.5)
        let fill = max(configuration.syringe.nominalVolume, needed)
        var base = PlantParameters(hasEncoder: configuration.encoderFitted,
                                   recordStepTimes: configuration.recordSteps,
                                   deliverySampleInterval: MonotonicDuration(configuration.sampleInterval))
        base = configuration.mechanics.apply(to: base, geometry: geometry)

        let clock = VirtualScheduler()
        let pump = SimulatedPump(clock: clock, geometry: geometry, fill: fill, parameters: base)
        let engine = InfusionEngine(scheduler: clock, hardware: pump)
        var alarms: [AlarmCode] = []
        engine.onEvent = { event in if case .alarmRaised(let alarm) = event { alarms.append(alarm.code) } }
        let start = clock.now()
        try engine.start(EvidenceSession.constantRate(configuration.rate, for: configuration.duration + Minutes(10),
                                                      geometry: geometry, fill: fill))
        clock.run(until: start + MonotonicDuration(configuration.duration))
        let timeline = pump.deliveredVolumeTimeline()
        let readings = timeline.map { BalanceReading(elapsed: ($0.time - start).minutes, delivered: $0.delivered) }
        let plunger = timeline.map { BalanceReading(elapsed: ($0.time - start).minutes, delivered: $0.displaced) }
        let recording = configuration.recordSteps
            ? StepRecording(stepVolume: geometry.volumePerStep, setRate: configuration.rate,
                            duration: MonotonicDuration(configuration.duration), steps: pump.stepTimes.map { $0 - start })
            : nil
        let output = AccuracyRunOutput(
            configuration: configuration, readings: readings, plungerReadings: plunger, stepVolume: geometry.volumePerStep, fill: fill,
            exceedsSyringe: needed > configuration.syringe.nominalVolume, lostSteps: pump.lostSteps,
            alarms: alarms, finalState: engine.state, stepRecording: recording)
        engine.shutdown()
        return output
    }
}
