// Alarms with IEC 60601-1-8 priorities and stable reason codes.
//
// Codes are fixed, greppable strings (like Klipper's shutdown reasons): scripts, the journal and `pumpctl ack`
// use them, so they never change once published. Every alarm that stops delivery latches: it stays active
// until a person acknowledges it, and acknowledging never restarts the motor by itself.
import Foundation

/// IEC 60601-1-8 alarm priority.
public enum AlarmPriority: String, Sendable, Codable, Comparable, CaseIterable {
    case low, medium, high

    private var rank: Int {
        switch self {
        case .low: 0
        case .medium: 1
        case .high: 2
        }
    }
    public static func < (l: AlarmPriority, r: AlarmPriority) -> Bool { l.rank < r.rank }

    /// The indicator pattern for this priority.
    public var indication: AlarmIndication {
        switch self {
        case .low: .low
        case .medium: .medium
        case .high: .high
        }
    }
}

/// A stable alarm reason code.
public enum AlarmCode: String, Sendable, Codable, CaseIterable {
    // Delivery-stopping alarms (latching, high priority).
    case emergencyStop = "estop"
    case occlusion = "occlusion"
    case endOfTravel = "end-of-travel"
    case syringeRemoved = "syringe-removed"
    case plungerUnclamped = "plunger-unclamped"
    case hardwareFailure = "hardware-failure"
    case stepMismatch = "step-mismatch"
    /// The rotation encoder shows no motion (stuck or disconnected) while the motor is stepping (HAZ-005).
    case encoderFault = "encoder-fault"
    /// The line-pressure sensor stopped answering or reads out of range: occlusion detection is uncertain (HAZ-004).
    case pressureSensorFault = "pressure-sensor-fault"
    case rateCapExceeded = "rate-cap-exceeded"
    case doseCapExceeded = "dose-cap-exceeded"
    case volumeCapExceeded = "volume-cap-exceeded"
    case deliveryEnvelopeExceeded = "delivery-envelope-exceeded"
    /// A step past the programmed target reached the motor gate (a planner or controller fault).
    case targetExceeded = "target-exceeded"
    case heartbeatMissed = "heartbeat-missed"
    case journalFailure = "journal-failure"
    /// A vital sign crossed a pause limit during the infusion (HAZ-015).
    case vitalsOutOfRange = "vitals-out-of-range"
    // Advisory alarms.
    case nearEnd = "near-end"
    /// The syringe is close to its empty point (3 min or 2 mL by default) and the program needs another one.
    case nearEmpty = "near-empty"
    /// The syringe reached its empty point (less a safety margin) before the program's end: delivery paused
    /// until `syringe-change` (high priority, but the engine's own pause, not a supervisor latch).
    case syringeEmpty = "syringe-empty"
    case infusionComplete = "infusion-complete"
    case pausedTooLong = "paused-too-long"
    /// The newest vital signs are older than the staleness interval (HAZ-015).
    case vitalsStale = "vitals-stale"
    /// The wall clock is behind the journal's newest record or before the build date (times unverified).
    case clockInvalid = "clock-invalid"
    /// A library file in force is unsigned, tampered or signed by an unknown key while signatures are required,
    /// the two channels' loads differ, or a file changed on disk since it was loaded (HAZ-001, HAZ-007). High
    /// priority because programming and starting are refused; it stops nothing that runs (a running infusion keeps
    /// the program validated when it started).
    case libraryInvalid = "library-invalid"

    /// The priority this condition always has.
    public var priority: AlarmPriority {
        switch self {
        case .nearEnd, .nearEmpty: .low
        case .infusionComplete, .pausedTooLong, .vitalsStale, .clockInvalid: .medium
        default: .high
        }
    }

    /// Whether the condition stops delivery and latches the supervisor until acknowledged.
    public var stopsDelivery: Bool {
        switch self {
        case .nearEnd, .nearEmpty, .syringeEmpty, .infusionComplete, .pausedTooLong, .vitalsStale, .clockInvalid, .libraryInvalid: false
        default: true
        }
    }
}

/// One raised alarm condition.
public struct Alarm: Sendable, Equatable, Codable {
    /// The stable reason code.
    public var code: AlarmCode
    /// The IEC 60601-1-8 priority.
    public var priority: AlarmPriority { code.priority }
    /// One human sentence: what happened and, where relevant, which limit and which value.
    public var message: String
    /// When it was raised (monotonic; for an alarm restored after a restart, the instant it was restored).
    public var raisedAt: MonotonicInstant
    /// When it was first raised on the wall clock, for an alarm restored from the journal after a restart
    /// (display only); nil for an alarm raised by this process.
    public var originalWallTime: Date?

    /// Whether the alarm was raised before the daemon restarted and restored from the journal.
    public var isFromBeforeRestart: Bool { originalWallTime != nil }

    /// Creates an alarm.
    public init(code: AlarmCode, message: String, raisedAt: MonotonicInstant, originalWallTime: Date? = nil) {
        self.code = code
        self.message = message
        self.raisedAt = raisedAt
        self.originalWallTime = originalWallTime
    }
}
