// Occlusion characterisation in the simulator, the IEC 60601-2-24 way (infusion-pump-reference §2.1): at a
// set rate and occlusion threshold, block the outlet, measure the time to the occlusion alarm and the line
// pressure at that instant, then clear the blockage and collect the bolus it releases.
//
// Procedure (virtual time, ideal mechanics, BD 50 mL, line C = 1.5 µL/mmHg, R = 1 mmHg·s/µL, P_v = 8 mmHg):
//   t = 0            start infusing at r
//   t = 5 min        occlude the outlet (steady state long reached: τ = R·C = 1.5 s)
//   alarm            the engine raises `occlusion`; pressure is read before any back-off step
//   alarm + 2 min    clear the occlusion (the back-off, if on, has long finished: ≤ 0.5 mL at 2 ms/step)
//   release + 2 min  bolus = delivered − displaced since the release (`bolusSinceLastRelease`; 80 τ)
// The threshold is set both as the supervisor's alarm pressure and as the pump's pressure-switch set point.
// Detection `asShipped` is the pump as configured (the rising-trend detector plus the absolute threshold);
// `thresholdOnly` switches the trend detector off (SupervisorConfiguration.disabledChecksForTesting — an
// evidence run is not production code) to show what the threshold alone would give.
import Foundation
@_spi(Testing) import PumpControl
@_spi(Testing) import PumpCore
import PumpEvidence
import PumpSimulator

/// Which occlusion detection runs.
public enum OcclusionDetection: String, Sendable, Equatable, CaseIterable {
    /// Rising-trend detector plus absolute threshold (the shipped configuration).
    case asShipped = "trend+threshold"
    /// The absolute threshold alone.
    case thresholdOnly = "threshold only"
}

/// One occlusion trial's settings.
public struct OcclusionTrialConfiguration: Sendable, Equatable {
    /// Set rate.
    public var rate: MillilitersPerHour
    /// Occlusion alarm threshold.
    public var threshold: MillimetersOfMercury
    /// Plunger back-off after the alarm.
    public var backOff: Bool
    /// Detection in use.
    public var detection: OcclusionDetection
    /// Give up waiting for the alarm after this long.
    public var maximumWait: Minutes

    /// Creates a trial.
    public init(rate: MillilitersPerHour, threshold: MillimetersOfMercury, backOff: Bool,
                detection: OcclusionDetection = .asShipped, maximumWait: Minutes = Minutes(240)) {
        self.rate = rate
        self.threshold = threshold
        self.backOff = backOff
        self.detection = detection
        self.maximumWait = maximumWait
    }
}

/// What one trial measured.
public struct OcclusionTrialResult: Sendable {
    /// The settings.
    public var configuration: OcclusionTrialConfiguration
    /// Occlusion to alarm (nil: no alarm within `maximumWait`).
    public var timeToAlarm: Minutes?
    /// True line pressure at the alarm.
    public var pressureAtAlarm: MillimetersOfMercury?
    /// Volume the back-off pulled back.
    public var backOffVolume: Milliliters
    /// Line pressure just before the release.
    public var pressureAtRelease: MillimetersOfMercury?
    /// Bolus released after the occlusion cleared.
    public var bolus: Milliliters?
    /// Line pressure from the occlusion to the end of the bolus collection: (minutes since occlusion, mmHg).
    public var pressureTrace: [(minutes: Double, pressure: Double)]
}

/// Runs occlusion trials in virtual time.
public enum OcclusionCharacterisation {
    /// The project's lowest and highest allowed occlusion thresholds (pumpd's `occlusion_pressure_mmhg`
    /// range, DaemonConfiguration: 50 … 1034 mmHg, the ECRI ceiling).
    public static let thresholdRange = MillimetersOfMercury(50)...MillimetersOfMercury(1034)

    /// Runs one trial.
    public static func run(_ trial: OcclusionTrialConfiguration) throws -> OcclusionTrialResult {
        let geometry = SyringeGeometry(syringe: EvidenceSession.bd50)
        let clock = VirtualScheduler()
        let sampling = MonotonicDuration.seconds(Int64(2))
        let parameters = PlantParameters(occlusionSwitchSetPoint: trial.threshold, deliverySampleInterval: sampling)
        let pump = SimulatedPump(clock: clock, geometry: geometry, fill: Milliliters(50), parameters: parameters)
        var configuration = EngineConfiguration()
        configuration.supervisor.occlusionPressure = trial.threshold
        if trial.detection == .thresholdOnly { configuration.supervisor.disabledChecksForTesting = [.occlusionTrend] }
        if !trial.backOff { configuration.backOffMaximumVolume = .zero }
        let engine = InfusionEngine(scheduler: clock, hardware: pump, configuration: configuration)
        var alarmAt: MonotonicInstant?
        var pressureAtAlarm: MillimetersOfMercury?
        engine.onEvent = { event in
            // Runs before the back-off's first step (the engine emits the alarm, then backs off).
            if case .alarmRaised(let alarm) = event, alarm.code == .occlusion, alarmAt == nil {
                alarmAt = clock.now()
                pressureAtAlarm = pump.linePressure
            }
        }
        let volume = geometry.syringe.deliverableVolume - Milliliters(0.5)
        try engine.start(EvidenceSession.constantRate(trial.rate, for: volume / trial.rate, geometry: geometry,
                                                      fill: Milliliters(50)))
        let occludedAt = clock.now() + .minutes(5)
        clock.run(until: occludedAt)
        pump.inject(.occlusion)
        _ = clock.run(until: occludedAt + MonotonicDuration(trial.maximumWait), while: { alarmAt == nil })
        var pressureAtRelease: MillimetersOfMercury?
        var bolus: Milliliters?
        let end: MonotonicInstant
        if let alarmAt {
            clock.run(until: alarmAt + .minutes(2))
            pressureAtRelease = pump.linePressure
            pump.inject(.occlusionRelease)
            end = alarmAt + .minutes(4)
            clock.run(until: end)
            bolus = pump.bolusSinceLastRelease
        } else {
            end = clock.now()
        }
        let trace = pump.deliveredVolumeTimeline().filter { $0.time >= occludedAt && $0.time <= end }
            .map { (minutes: ($0.time - occludedAt).seconds / 60, pressure: $0.pressure.value) }
        let result = OcclusionTrialResult(
            configuration: trial, timeToAlarm: alarmAt.map { ($0 - occludedAt).minutes }, pressureAtAlarm: pressureAtAlarm,
            backOffVolume: engine.status().lastBackOffVolume, pressureAtRelease: pressureAtRelease, bolus: bolus,
            pressureTrace: trace)
        engine.shutdown()
        return result
    }
}
