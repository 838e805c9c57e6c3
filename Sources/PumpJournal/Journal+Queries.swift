// Read-only queries for people and for the daemon's rules: history, timelines and the 12-hour rule.
// Event order is the journal's own write order (its sequence), never the wall clock, which may jump (HAZ-012).
import Foundation
import GRDB
import PumpCore

extension Journal {
    /// When the patient's most recent session ended, for the "new program within 12 h needs an override" rule.
    /// A session still open (for example interrupted) counts as ending at its last checkpoint, or at its
    /// opening if it has none, so an undecided session never makes the patient look dose-free. Patient ids are
    /// compared normalised (`Kcompleted` and ` kcompleted ` are one patient). A session abandoned before
    /// anything was delivered (a start refused after it was opened) gave no dose and does not count.
    public func lastSessionEnd(patientID: String) throws(JournalError) -> Date? {
        try read { db in
            try Date.fetchOne(db, sql: """
                SELECT MAX(COALESCE(
                    (SELECT c.wall FROM session_close c WHERE c.session_id = s.id),
                    (SELECT k.wall FROM checkpoint k WHERE k.session_id = s.id ORDER BY k.id DESC LIMIT 1),
                    s.wall))
                FROM session s WHERE pumpd_patient_key(s.patient_id) = pumpd_patient_key(?)
                AND NOT EXISTS (SELECT 1 FROM session_close c WHERE c.session_id = s.id
                                AND c.outcome = 'abandoned' AND c.delivered_steps = 0)
                """, arguments: [patientID])
        }
    }

    /// When the newest session of `patientID` (compared normalised) that has no close record began, or nil
    /// when every session of the patient is closed: an open session has not "ended" at all.
    public func openSessionStart(patientID: String) throws(JournalError) -> Date? {
        try read { db in
            try Date.fetchOne(db, sql: """
                SELECT MAX(s.wall) FROM session s WHERE pumpd_patient_key(s.patient_id) = pumpd_patient_key(?)
                AND NOT EXISTS (SELECT 1 FROM session_close c WHERE c.session_id = s.id)
                """, arguments: [patientID])
        }
    }

    /// The session history, newest first; all patients when `patientID` is nil.
    public func sessions(patientID: String? = nil) throws(JournalError) -> [SessionSummary] {
        let path = self.path
        return try read { db in
            let rows = try Row.fetchAll(db, sql: """
                SELECT s.id, s.patient_id, s.wall AS started, s.drug, s.profile, s.target_mg,
                       c.wall AS ended, c.outcome,
                       COALESCE(c.delivered_mg,
                                (SELECT k.delivered_mg FROM checkpoint k WHERE k.session_id = s.id
                                 ORDER BY k.id DESC LIMIT 1),
                                0) AS delivered_mg,
                       (SELECT COUNT(*) FROM event e WHERE e.session_id = s.id AND e.kind = 'alarm') AS alarms
                FROM session s LEFT JOIN session_close c ON c.session_id = s.id
                WHERE ?1 IS NULL OR pumpd_patient_key(s.patient_id) = pumpd_patient_key(?1)
                ORDER BY s.id DESC
                """, arguments: [patientID])
            return try rows.map { row in
                let rawOutcome: String? = row["outcome"]
                let outcome = try rawOutcome.map { raw in
                    guard let outcome = SessionOutcome(rawValue: raw) else {
                        throw JournalError.corrupt(path: path, detail: "unknown outcome '\(raw)'")
                    }
                    return outcome
                }
                return SessionSummary(
                    id: SessionID(rawValue: try RowDecoding.value(row, "id", path: path)),
                    patientID: row["patient_id"],
                    started: try RowDecoding.value(row, "started", path: path),
                    ended: row["ended"],
                    drug: try RowDecoding.value(row, "drug", path: path),
                    profile: try RowDecoding.value(row, "profile", path: path),
                    targetDose: Milligrams(try RowDecoding.value(row, "target_mg", path: path)),
                    deliveredDose: Milligrams(try RowDecoding.value(row, "delivered_mg", path: path)),
                    outcome: outcome,
                    alarmCount: try RowDecoding.value(row, "alarms", path: path))
            }
        }
    }

    /// The most recent `limit` events (at wall time `since` or later, if given), oldest first.
    public func events(since: Date? = nil, limit: Int = 100) throws(JournalError) -> [JournalEntry] {
        let path = self.path
        return try read { db in
            let rows = try Row.fetchAll(db, sql: """
                SELECT * FROM event WHERE ?1 IS NULL OR wall >= ?1 ORDER BY id DESC LIMIT ?2
                """, arguments: [since, max(0, limit)])
            return try rows.reversed().map { try RowDecoding.entry($0, path: path) }
        }
    }

    /// Every event of one session, oldest first.
    public func events(session: SessionID) throws(JournalError) -> [JournalEntry] {
        let path = self.path
        return try read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM event WHERE session_id = ? ORDER BY id", arguments: [session.rawValue])
                .map { try RowDecoding.entry($0, path: path) }
        }
    }

    /// Every checkpoint of one session, oldest first (for audit and delivery plots).
    public func checkpoints(session: SessionID) throws(JournalError) -> [CheckpointRecord] {
        let path = self.path
        return try read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM checkpoint WHERE session_id = ? ORDER BY id", arguments: [session.rawValue])
                .map { try RowDecoding.checkpoint($0, path: path) }
        }
    }
}
