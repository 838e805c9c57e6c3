// Delivery checkpoints: the daemon writes one at least every second while infusing and at every state change,
// so that after any interruption at most one checkpoint interval of delivery is unknown (HAZ-010).
// One checkpoint is one autocommitted INSERT through a cached prepared statement: the cost is dominated by the
// WAL fsync that synchronous=FULL requires.
import Foundation
import GRDB
import PumpCore

extension Journal {
    /// Records a delivery checkpoint durably.
    /// - Throws: `.rejected` if the session is unknown or closed, or the amount is not finite; storage errors.
    public func checkpoint(
        _ session: SessionID, delivered: DeliveredAmount, state: String, infusing: Bool,
        monotonic: MonotonicInstant, wall: Date
    ) throws(JournalError) {
        try delivered.validate()
        try writeSingleStatement { db in
            let statement = try db.cachedStatement(sql: """
                INSERT INTO checkpoint (session_id, delivered_steps, delivered_ml, delivered_mg, state, infusing,
                                        mono_ns, wall)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                """)
            try statement.execute(arguments: [
                session.rawValue, delivered.steps.count, delivered.volume.value, delivered.dose.value, state,
                infusing, monotonic.nanoseconds, wall,
            ])
        }
    }

    /// Records a checkpoint given as a record value.
    public func checkpoint(_ session: SessionID, _ record: CheckpointRecord) throws(JournalError) {
        try checkpoint(
            session, delivered: record.delivered, state: record.state, infusing: record.infusing,
            monotonic: record.monotonic, wall: record.wall)
    }
}
