// Read-only queries behind the session history and the session report: each session with its opening record,
// its close record (if any) and its last checkpoint. Order is the journal's own (row ids), never the wall clock.
import Foundation
import GRDB
import PumpCore

/// How a session was closed, as recorded.
public struct SessionClose: Sendable, Hashable {
    /// How it ended.
    public var outcome: SessionOutcome
    /// The final delivered amount.
    public var delivered: DeliveredAmount
    /// The reason recorded with the close, if any.
    public var reason: String?
    /// Wall-clock time of the close.
    public var wall: Date
    /// Monotonic time of the close (meaningful only within the boot that wrote it).
    public var monotonic: MonotonicInstant
    /// Who closed it.
    public var actor: JournalActor
}

/// One session with everything needed to summarise it.
public struct SessionRecord: Sendable, Hashable {
    /// The session.
    public var id: SessionID
    /// What was recorded when it opened.
    public var start: SessionStart
    /// The close record; nil while the session is open.
    public var close: SessionClose?
    /// The last checkpoint, if any.
    public var lastCheckpoint: CheckpointRecord?
}

extension Journal {
    /// Sessions newest first, all patients when `patientID` is nil (compared normalised), at most `limit`.
    public func sessionRecords(patientID: String? = nil, limit: Int = 100) throws(JournalError) -> [SessionRecord] {
        let path = self.path
        return try read { db in
            let rows = try Row.fetchAll(db, sql: """
                SELECT * FROM session WHERE ?1 IS NULL OR pumpd_patient_key(patient_id) = pumpd_patient_key(?1)
                ORDER BY id DESC LIMIT ?2
                """, arguments: [patientID, max(0, limit)])
            return try rows.map { try Self.sessionRecord($0, db, path: path) }
        }
    }

    /// One session, or nil when the journal has no such session.
    public func sessionRecord(_ id: SessionID) throws(JournalError) -> SessionRecord? {
        let path = self.path
        return try read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM session WHERE id = ?", arguments: [id.rawValue])
                .map { try Self.sessionRecord($0, db, path: path) }
        }
    }

    private static func sessionRecord(_ row: Row, _ db: Database, path: String) throws -> SessionRecord {
        let id = SessionID(rawValue: try RowDecoding.value(row, "id", path: path))
        let close = try Row.fetchOne(db, sql: "SELECT * FROM session_close WHERE session_id = ?", arguments: [id.rawValue])
        let checkpoint = try Row.fetchOne(
            db, sql: "SELECT * FROM checkpoint WHERE session_id = ? ORDER BY id DESC LIMIT 1", arguments: [id.rawValue])
        return SessionRecord(
            id: id, start: try RowDecoding.sessionStart(row, path: path),
            close: try close.map { try closeRecord($0, path: path) },
            lastCheckpoint: try checkpoint.map { try RowDecoding.checkpoint($0, path: path) })
    }

    private static func closeRecord(_ row: Row, path: String) throws -> SessionClose {
        let raw: String = try RowDecoding.value(row, "outcome", path: path)
        guard let outcome = SessionOutcome(rawValue: raw) else {
            throw JournalError.corrupt(path: path, detail: "unknown outcome '\(raw)'")
        }
        return SessionClose(
            outcome: outcome, delivered: try RowDecoding.delivered(row, path: path), reason: row["reason"],
            wall: try RowDecoding.value(row, "wall", path: path),
            monotonic: MonotonicInstant(nanoseconds: try RowDecoding.value(row, "mono_ns", path: path)),
            actor: try RowDecoding.actor(row, path: path))
    }
}
