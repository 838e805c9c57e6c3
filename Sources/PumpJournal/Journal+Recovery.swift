// Recovery after a crash, restart or power loss (HAZ-010). The daemon always comes up stopped; this tells it
// which session was open, what it was delivering and how much had durably been delivered.
import Foundation
import GRDB
import PumpCore

extension Journal {
    /// The most recent session that has no close record, with its program and last checkpoint, or nil.
    public func recoverOpenSession() throws(JournalError) -> RecoveredSession? {
        let path = self.path
        return try read { db in
            guard let row = try Row.fetchOne(db, sql: """
                SELECT * FROM session s
                WHERE NOT EXISTS (SELECT 1 FROM session_close c WHERE c.session_id = s.id)
                ORDER BY s.id DESC LIMIT 1
                """)
            else { return nil }
            let id = SessionID(rawValue: row["id"])
            let checkpoint = try Row.fetchOne(
                db, sql: "SELECT * FROM checkpoint WHERE session_id = ? ORDER BY id DESC LIMIT 1",
                arguments: [id.rawValue])
            // The highest lease since the motor was last recorded as not infusing: every arm needs a new lease
            // written after that record, so this bounds what the motor can have delivered.
            let leaseCeiling = try Int64.fetchOne(db, sql: """
                SELECT MAX(lease_ceiling_steps) FROM checkpoint
                WHERE session_id = ?1 AND id > COALESCE(
                    (SELECT MAX(id) FROM checkpoint WHERE session_id = ?1 AND infusing = 0), 0)
                """, arguments: [id.rawValue])
            let elapsed = try Int64.fetchOne(db, sql: """
                SELECT infusing_elapsed_ns FROM checkpoint WHERE session_id = ? AND infusing_elapsed_ns IS NOT NULL
                ORDER BY id DESC LIMIT 1
                """, arguments: [id.rawValue])
            let interruptions = try Int.fetchOne(
                db, sql: "SELECT COUNT(*) FROM event WHERE session_id = ? AND kind = ?",
                arguments: [id.rawValue, JournalEventKind.interrupted.rawValue]) ?? 0
            return RecoveredSession(
                id: id, start: try RowDecoding.sessionStart(row, path: path),
                lastCheckpoint: try checkpoint.map { try RowDecoding.checkpoint($0, path: path) },
                interruptions: interruptions, leaseCeiling: leaseCeiling.map(Steps.init),
                infusingElapsed: elapsed.map { MonotonicDuration(nanoseconds: $0) })
        }
    }
}
