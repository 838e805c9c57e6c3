// Opening and closing sessions. Each is one transaction that also appends the matching event, so the session
// table and the event timeline can never disagree. SQLite triggers refuse a second open session and a second
// close (see JournalSchema).
import Foundation
import GRDB
import PumpCore

extension Journal {
    /// Opens a session durably and appends a `session-open` event.
    /// - Throws: `.rejected` if another session is still open (an interrupted session must be closed or
    ///   continued first, HAZ-010) or a quantity is not finite; otherwise storage errors.
    public func beginSession(_ start: SessionStart) throws(JournalError) -> SessionID {
        guard start.targetDose.isFinite, start.targetVolume.isFinite, start.targetSteps.count >= 0 else {
            throw .rejected("session targets must be finite: \(start.targetDose), \(start.targetVolume)")
        }
        return try write { db in
            try db.execute(
                sql: """
                    INSERT INTO session (patient_id, drug, profile, program, target_mg, target_ml, target_steps,
                                         wall, mono_ns, actor_uid, actor_gid, actor_pid, actor_name)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """,
                arguments: [
                    start.patientID, start.drug, start.profile, start.program, start.targetDose.value,
                    start.targetVolume.value, start.targetSteps.count, start.wall, start.monotonic.nanoseconds,
                    start.actor.uid.map { Int64($0) }, start.actor.gid.map { Int64($0) },
                    start.actor.pid.map { Int64($0) }, start.actor.name,
                ])
            let id = SessionID(rawValue: db.lastInsertedRowID)
            let event = JournalEvent(
                kind: .sessionOpen, session: id, actor: start.actor, monotonic: start.monotonic, wall: start.wall,
                summary: "session opened: \(start.drug) (\(start.profile)), target \(start.targetDose), "
                    + "\(start.targetVolume)" + (start.libraries.map { "; \($0)" } ?? ""),
                details: start.openDetails)
            _ = try Self.insert(event, db)
            return id
        }
    }

    /// Closes a session durably with its final delivered amount and appends a `session-close` event.
    /// - Throws: `.rejected` if the session is unknown or already closed, or the amount is not finite.
    public func closeSession(
        _ session: SessionID, outcome: SessionOutcome, delivered: DeliveredAmount, reason: String? = nil,
        actor: JournalActor = .daemon, monotonic: MonotonicInstant, wall: Date
    ) throws(JournalError) {
        try delivered.validate()
        try write { db in
            try db.execute(
                sql: """
                    INSERT INTO session_close (session_id, outcome, delivered_steps, delivered_ml, delivered_mg,
                                               reason, wall, mono_ns, actor_uid, actor_gid, actor_pid, actor_name)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """,
                arguments: [
                    session.rawValue, outcome.rawValue, delivered.steps.count, delivered.volume.value,
                    delivered.dose.value, reason, wall, monotonic.nanoseconds, actor.uid.map { Int64($0) },
                    actor.gid.map { Int64($0) }, actor.pid.map { Int64($0) }, actor.name,
                ])
            var summary = "session closed: \(outcome.rawValue), delivered \(delivered.dose), \(delivered.volume)"
            if let reason { summary += " (\(reason))" }
            let event = JournalEvent(
                kind: .sessionClose, session: session, actor: actor, monotonic: monotonic, wall: wall,
                summary: summary)
            _ = try Self.insert(event, db)
        }
    }
}
