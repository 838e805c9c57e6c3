// The pump's externally visible states (the names are part of the protocol: `pumpctl status`).
import Foundation

/// What the pump is doing.
public enum PumpState: String, Sendable, Codable, CaseIterable {
    /// No infusion programmed.
    case idle
    /// Infusing.
    case running
    /// Stopped by the nurse (or after an acknowledged alarm); resumable only by an explicit command.
    case paused
    /// A latching alarm stopped delivery; it must be acknowledged.
    case alarm
    /// The daemon restarted during an infusion; nothing moves until `resume-interrupted` or `stop`.
    case interrupted
    /// The programmed dose was delivered.
    case completed
    /// The nurse ended the infusion before completion.
    case stopped

    /// Whether a session is open (delivery could still continue after explicit commands).
    public var hasOpenSession: Bool {
        switch self {
        case .running, .paused, .alarm, .interrupted: true
        case .idle, .completed, .stopped: false
        }
    }
}

extension PumpState {
    /// The state as it reads after "the pump is" ("in alarm", not "alarm").
    public var phrase: String {
        switch self {
        case .alarm: "in alarm"
        case .idle, .running, .paused, .interrupted, .completed, .stopped: rawValue
        }
    }
}
