// Appending events. Each event is one durable INSERT; summaries are stored on one line.
import Foundation
import GRDB
import PumpCore

extension Journal {
    /// Appends one event durably.
    /// - Throws: `.diskFull`, `.readOnly`, `.io`, `.corrupt`, or `.rejected` (unknown session).
    @discardableResult
    public func append(_ event: JournalEvent) throws(JournalError) -> Int64 {
        try write { db in try Self.insert(event, db) }
    }

    /// Records that `session` was found open when the daemon started (crash, restart or power loss, HAZ-010).
    /// The session stays open until a nurse decides to continue it or close it.
    @discardableResult
    public func markInterrupted(
        _ session: SessionID, actor: JournalActor = .daemon, monotonic: MonotonicInstant, wall: Date,
        summary: String = "daemon restarted with this session open; delivery stopped, not resumed",
        details: Data = Data("{}".utf8)
    ) throws(JournalError) -> Int64 {
        let event = JournalEvent(
            kind: .interrupted, session: session, actor: actor, monotonic: monotonic, wall: wall,
            summary: summary, details: details)
        return try append(event)
    }

    static func insert(_ event: JournalEvent, _ db: Database) throws -> Int64 {
        let statement = try db.cachedStatement(sql: """
            INSERT INTO event (session_id, kind, actor_uid, actor_gid, actor_pid, actor_name,
                               mono_ns, wall, summary, details)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """)
        try statement.execute(arguments: [
            event.session?.rawValue, event.kind.rawValue,
            event.actor.uid.map { Int64($0) }, event.actor.gid.map { Int64($0) }, event.actor.pid.map { Int64($0) },
            event.actor.name, event.monotonic.nanoseconds, event.wall, oneLine(event.summary), event.details,
        ])
        return db.lastInsertedRowID
    }

    /// Replaces line breaks and other control characters so a summary always prints as one line.
    static func oneLine(_ text: String) -> String {
        String(String.UnicodeScalarView(text.unicodeScalars.map { $0.properties.generalCategory == .control ? " " : $0 }))
    }
}
