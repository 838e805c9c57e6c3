// Event records: what is appended to the event table and what is read back from it.
import Foundation
import PumpCore

/// One event to append to the journal.
public struct JournalEvent: Sendable, Hashable {
    /// What happened.
    public var kind: JournalEventKind
    /// The session it belongs to, if any.
    public var session: SessionID?
    /// Who caused it.
    public var actor: JournalActor
    /// Monotonic time of the event.
    public var monotonic: MonotonicInstant
    /// Wall-clock time of the event (UTC; display and audit only).
    public var wall: Date
    /// A one-line human summary (line breaks are replaced by spaces when stored).
    public var summary: String
    /// Structured details as a JSON document (stored verbatim).
    public var details: Data

    /// Creates an event.
    public init(
        kind: JournalEventKind, session: SessionID? = nil, actor: JournalActor = .daemon,
        monotonic: MonotonicInstant, wall: Date, summary: String, details: Data = Data("{}".utf8)
    ) {
        self.kind = kind
        self.session = session
        self.actor = actor
        self.monotonic = monotonic
        self.wall = wall
        self.summary = summary
        self.details = details
    }
}

/// An event read back from the journal, with its position in the journal.
public struct JournalEntry: Sendable, Hashable {
    /// Position in the journal (strictly increasing in write order, independent of the wall clock).
    public var sequence: Int64
    /// The event as written (summary as stored, on one line).
    public var event: JournalEvent
}

/// One line of the session history.
public struct SessionSummary: Sendable, Hashable {
    /// The session.
    public var id: SessionID
    /// The patient identifier, if one was entered.
    public var patientID: String?
    /// Wall-clock time the session opened.
    public var started: Date
    /// Wall-clock time the session closed; nil while it is open.
    public var ended: Date?
    /// Drug name.
    public var drug: String
    /// Drug-library profile.
    public var profile: String
    /// Programmed total dose.
    public var targetDose: Milligrams
    /// Delivered dose: from the close record, or from the last checkpoint while the session is open.
    public var deliveredDose: Milligrams
    /// How it ended; nil while it is open (including interrupted and not yet decided).
    public var outcome: SessionOutcome?
    /// Number of alarm events recorded for the session.
    public var alarmCount: Int
}

/// A session found open when the daemon starts: it was running when the daemon died (HAZ-010).
public struct RecoveredSession: Sendable, Hashable {
    /// The session.
    public var id: SessionID
    /// What was recorded when it opened, including the program blob.
    public var start: SessionStart
    /// The last durable checkpoint; nil if none was written (the daemon writes one before it first enables the
    /// motor, so nil means nothing was delivered).
    public var lastCheckpoint: CheckpointRecord?
    /// How many times this session has already been marked interrupted (more than one suggests a crash loop).
    public var interruptions: Int
    /// The highest delivery-lease ceiling journalled since the motor was last recorded as not infusing, or nil
    /// if there is none (a journal written before leases existed). The motor cannot have passed it.
    public var leaseCeiling: Steps? = nil
    /// The infusing-elapsed time (pauses excluded) at the newest checkpoint that recorded it; nil for journals
    /// written before it was recorded.
    public var infusingElapsed: MonotonicDuration? = nil

    /// Counted as of the last checkpoint (zero if there is none), including `carriedUncertainty`.
    public var delivered: DeliveredAmount { lastCheckpoint?.delivered ?? .zero }
    /// The part of `delivered` that an earlier recovery added as unknown and that is still unknown.
    public var carriedUncertainty: Steps { lastCheckpoint?.uncertain ?? .zero }
    /// Steps known to have been delivered: the last checkpoint's count without its carried uncertainty.
    public var knownSteps: Steps { Steps(max(0, delivered.steps.count - carriedUncertainty.count)) }
    /// True if the motor was running at the last checkpoint: delivery after it is unknown and must be reported
    /// as such, never assumed to be zero.
    public var wasInfusing: Bool { lastCheckpoint?.infusing ?? false }
    /// Steps that may have been delivered after the last checkpoint, by the journalled lease: nil when there is no
    /// lease to bound it (the caller must then use a conservative estimate).
    public var leasedUncertainty: Steps? {
        guard wasInfusing else { return .zero }
        return leaseCeiling.map { Steps(max(0, $0.count - delivered.steps.count)) }
    }
    /// Wall-clock time of the last checkpoint (or of the opening if there is none).
    public var lastKnownWall: Date { lastCheckpoint?.wall ?? start.wall }
}
