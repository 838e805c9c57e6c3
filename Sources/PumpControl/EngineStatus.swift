// A consistent snapshot of the engine for status displays and the journal.
import Foundation
import PumpCore

/// Everything a status display needs, computed in one place from counted steps.
public struct EngineStatus: Sendable, Equatable {
    /// The pump state.
    public var state: PumpState
    /// The open or last session.
    public var session: InfusionSession?
    /// Net steps delivered (the supervisor's count).
    public var deliveredSteps: Steps
    /// Delivered volume (volume of the delivered steps).
    public var deliveredVolume: Milliliters
    /// Delivered dose.
    public var deliveredDose: Milligrams
    /// Current commanded rate.
    public var rate: MillilitersPerHour
    /// Current commanded dose rate (per kg of dosing weight).
    public var doseRate: MilligramsPerKilogramPerHour
    /// Infusing time of the session so far: monotonic time spent running, pauses and alarms excluded (the one
    /// "elapsed" the planner, status, checkpoints and report share).
    public var elapsed: MonotonicDuration
    /// Expected time left (nil when not running toward an end).
    public var remaining: MonotonicDuration?
    /// Expected end (monotonic), when running or paused.
    public var expectedEnd: MonotonicInstant?
    /// Whether ENABLE is asserted.
    public var motorEnabled: Bool
    /// Active alarms, highest priority first.
    public var alarms: [Alarm]
    /// Volume pulled back by the last occlusion back-off.
    public var lastBackOffVolume: Milliliters
    /// Audio pause and escalation of each active alarm (an alarm missing here is neither).
    public var alarmSignals: [AlarmCode: AlarmSignalStatus] = [:]
    /// Whether the buzzer is paused now (`silence`); the visual signal continues.
    public var audioPaused = false
    /// Volume left in the loaded syringe (dead space included); the syringe's number is `session?.syringe.index`.
    public var syringeVolumeLeft: Milliliters?
}

/// What the engine reports to the daemon (journal, logs, notifications).
public enum EngineEvent: Sendable, Equatable {
    /// The state changed.
    case stateChanged(from: PumpState, to: PumpState, status: EngineStatus)
    /// An alarm was raised.
    case alarmRaised(Alarm)
    /// Alarms were acknowledged.
    case alarmsAcknowledged([AlarmCode])
    /// An unacknowledged medium alarm was escalated to high.
    case alarmEscalated(Alarm)
    /// A periodic delivered-volume checkpoint (at least every second while infusing).
    case checkpoint(EngineStatus)
    /// A titration was applied.
    case titrated(EngineStatus)
    /// A new syringe was loaded (before delivery resumes from it).
    case syringeChanged(SyringeLoad)
    /// An occlusion back-off finished, with the volume pulled back.
    case backOffCompleted(Milliliters)
}

/// Why the engine refused a command (one sentence).
public struct EngineRefusal: Error, Sendable, Equatable, CustomStringConvertible {
    /// One human sentence.
    public var message: String
    /// Creates a refusal.
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

/// What the engine made of a vital-sign reading.
public struct VitalsAssessment: Sendable, Equatable {
    /// The pause limits the reading crosses (empty: within every pause limit).
    public var breaches: [VitalsBreach]
    /// True when the interlock latched `vitals-out-of-range` and stopped delivery.
    public var paused: Bool
    /// The pump state when the reading was recorded.
    public var state: PumpState
}
