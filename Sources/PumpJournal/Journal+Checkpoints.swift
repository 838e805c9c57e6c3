// Delivery checkpoints: the daemon writes one at least every second while infusing and at every state change,
// so that after any interruption at most one checkpoint interval of delivery is unknown (HAZ-010).
// One checkpoint is one autocommitted INSERT through a cached prepared statement: the cost is dominated by the
// WAL fsync that synchronous=FULL requires.
import Foundation
import GRDB
import PumpCore

extension Journal {
    /// Records a delivery checkpoint durably. `uncertain` is the part of `delivered` that may never have been
    /// delivered (the uncertainty a recovery added to the count); it is carried so the next recovery keeps it
    /// unknown.
    /// - Throws: `.rejected` if the session is unknown or closed, the amount is not finite or `uncertain` is
    ///   negative or above the delivered steps; storage errors.
    public func checkpoint(
        _ session: SessionID, delivered: DeliveredAmount, state: String, infusing: Bool,
        monotonic: MonotonicInstant, wall: Date, uncertain: Steps = .zero, infusingElapsed: MonotonicDuration? = nil
    ) throws(JournalError) {
        try delivered.validate()
        try Self.validate(uncertain: uncertain, of: delivered)
        try writeSingleStatement { db in
            let statement = try db.cachedStatement(sql: """
                INSERT INTO checkpoint (session_id, delivered_steps, delivered_ml, delivered_mg, state, infusing,
                                        mono_ns, wall, uncertain_steps, infusing_elapsed_ns)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """)
            try statement.execute(arguments: [
                session.rawValue, delivered.steps.count, delivered.volume.value, delivered.dose.value, state,
                infusing, monotonic.nanoseconds, wall, uncertain.count, infusingElapsed.map { max(0, $0.nanoseconds) },
            ])
        }
    }

    private static func validate(uncertain: Steps, of delivered: DeliveredAmount) throws(JournalError) {
        guard uncertain.count >= 0, uncertain <= delivered.steps else {
            throw JournalError.rejected("An uncertain part of \(uncertain.count) steps does not fit the \(delivered.steps.count) steps counted.")
        }
    }

    /// Records a delivery lease durably: a checkpoint (`delivered` now, infusing) that also states the ceiling in
    /// net steps the supervisor may deliver up to. Written before the supervisor honours it.
    /// - Throws: `.rejected` if the session is unknown or closed, the amount is not finite or the ceiling is below
    ///   the delivered steps; storage errors.
    public func recordLease(
        _ session: SessionID, delivered: DeliveredAmount, ceiling: Steps, monotonic: MonotonicInstant, wall: Date,
        uncertain: Steps = .zero
    ) throws(JournalError) {
        try delivered.validate()
        try Self.validate(uncertain: uncertain, of: delivered)
        guard ceiling >= delivered.steps else {
            throw JournalError.rejected("A delivery lease ceiling of \(ceiling.count) steps is below the \(delivered.steps.count) steps delivered.")
        }
        try writeSingleStatement { db in
            let statement = try db.cachedStatement(sql: """
                INSERT INTO checkpoint (session_id, delivered_steps, delivered_ml, delivered_mg, state, infusing,
                                        mono_ns, wall, lease_ceiling_steps, uncertain_steps)
                VALUES (?, ?, ?, ?, 'running', 1, ?, ?, ?, ?)
                """)
            try statement.execute(arguments: [
                session.rawValue, delivered.steps.count, delivered.volume.value, delivered.dose.value,
                monotonic.nanoseconds, wall, ceiling.count, uncertain.count,
            ])
        }
    }

    /// Records a checkpoint given as a record value.
    public func checkpoint(_ session: SessionID, _ record: CheckpointRecord) throws(JournalError) {
        try checkpoint(
            session, delivered: record.delivered, state: record.state, infusing: record.infusing,
            monotonic: record.monotonic, wall: record.wall, uncertain: record.uncertain)
    }
}
