// One entry of the event log returned by `log`.
import Foundation

/// One journal event.
public struct LogEntryDTO: Sendable, Equatable, Codable {
    /// Monotonically increasing sequence number in the journal.
    public var seq: Int
    /// Wall-clock time of the event.
    public var at: Date
    /// Stable event name, e.g. `start`, `alarm`, `estop`, `override`.
    public var event: String
    /// One sentence describing it.
    public var message: String
    /// The session it belongs to, if any.
    public var sessionId: String?

    /// Creates a log entry.
    public init(seq: Int, at: Date, event: String, message: String, sessionId: String? = nil) {
        self.seq = seq
        self.at = at
        self.event = event
        self.message = message
        self.sessionId = sessionId
    }

    enum CodingKeys: String, CodingKey {
        case seq, at, event, message
        case sessionId = "session_id"
    }
}
