// Engine-level timing settings.
import Foundation
import PumpCore

/// Timing and behaviour settings of the control loop.
public struct EngineConfiguration: Sendable, Equatable {
    /// The supervisor's settings (control period, tolerances, caps).
    public var supervisor: SupervisorConfiguration
    /// Delay between asserting ENABLE and the first step (driver wake-up, clinical-reference §5: ≥ 2 ms).
    public var enableSettleTime: MonotonicDuration
    /// Interval of delivered-volume checkpoints while infusing.
    public var checkpointInterval: MonotonicDuration
    /// Occlusion back-off: retract until the line pressure is at or below this.
    public var backOffTargetPressure: MillimetersOfMercury
    /// Occlusion back-off: never retract more than this volume.
    public var backOffMaximumVolume: Milliliters
    /// Occlusion back-off: retract step spacing.
    public var backOffStepInterval: MonotonicDuration
    /// Delivery lease: one lease covers this long at the capped rate (see `DeliveryLeasePolicy`).
    public var leaseWindow: MonotonicDuration = .seconds(Int64(2))  // checked: integer literal
    /// Alarm audio pause and medium-to-high escalation times (pump clock).
    public var alarmSignals = AlarmSignalSettings()
    /// Near-empty and syringe-empty alarm settings.
    public var syringeAlarms = SyringeAlarmSettings()
    /// How many times the step emitter's kept lead (a small burst, see `StepEmitter`) is scaled. 1 on hardware;
    /// the simulator at N× speed sets N, so a wake-up d late in real time (N·d on the pump's clock) is caught up
    /// as it is at 1×, instead of being dropped at the next retarget and lost for good (issue 11 item 8).
    public var stepLeadScale: Double = 1

    /// Creates a configuration with the defaults.
    public init(
        supervisor: SupervisorConfiguration = .init(), enableSettleTime: MonotonicDuration = .milliseconds(2),
        checkpointInterval: MonotonicDuration = .seconds(Int64(1)),  // checked: integer literal
        backOffTargetPressure: MillimetersOfMercury = MillimetersOfMercury(20),
        backOffMaximumVolume: Milliliters = Milliliters(0.5),
        backOffStepInterval: MonotonicDuration = .milliseconds(2)
    ) {
        self.supervisor = supervisor
        self.enableSettleTime = enableSettleTime
        self.checkpointInterval = checkpointInterval
        self.backOffTargetPressure = backOffTargetPressure
        self.backOffMaximumVolume = backOffMaximumVolume
        self.backOffStepInterval = backOffStepInterval
    }
}
