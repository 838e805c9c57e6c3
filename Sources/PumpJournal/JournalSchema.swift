// The journal schema, created and evolved only through a GRDB `DatabaseMigrator`.
// Invariants enforced by SQLite itself, so that no code path can break them (HAZ-010, HAZ-014):
// - The journal is append-only: triggers abort every UPDATE and DELETE on session, session_close, event and
//   checkpoint. A session is closed by inserting a session_close row, never by editing the session.
// - At most one session is open at a time: a new session cannot be opened while another has no close row.
// - A closed session takes no more checkpoints and cannot be closed twice.
// - Migrations never erase data (`eraseDatabaseOnSchemaChange` is never set).
import GRDB

enum JournalSchema {
    static let appendOnlyTables = ["session", "session_close", "event", "checkpoint"]

    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1-journal") { db in
            try db.execute(sql: """
                CREATE TABLE session (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    patient_id TEXT,
                    drug TEXT NOT NULL,
                    profile TEXT NOT NULL,
                    program BLOB NOT NULL,
                    target_mg REAL NOT NULL,
                    target_ml REAL NOT NULL,
                    target_steps INTEGER NOT NULL,
                    wall TEXT NOT NULL,
                    mono_ns INTEGER NOT NULL,
                    actor_uid INTEGER, actor_gid INTEGER, actor_pid INTEGER, actor_name TEXT NOT NULL
                );
                CREATE INDEX session_patient ON session(patient_id, id);

                CREATE TABLE session_close (
                    session_id INTEGER PRIMARY KEY REFERENCES session(id),
                    outcome TEXT NOT NULL CHECK (outcome IN ('completed', 'stopped', 'estop', 'abandoned')),
                    delivered_steps INTEGER NOT NULL,
                    delivered_ml REAL NOT NULL,
                    delivered_mg REAL NOT NULL,
                    reason TEXT,
                    wall TEXT NOT NULL,
                    mono_ns INTEGER NOT NULL,
                    actor_uid INTEGER, actor_gid INTEGER, actor_pid INTEGER, actor_name TEXT NOT NULL
                );

                CREATE TABLE event (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    session_id INTEGER REFERENCES session(id),
                    kind TEXT NOT NULL,
                    actor_uid INTEGER, actor_gid INTEGER, actor_pid INTEGER, actor_name TEXT NOT NULL,
                    mono_ns INTEGER NOT NULL,
                    wall TEXT NOT NULL,
                    summary TEXT NOT NULL,
                    details BLOB NOT NULL
                );
                CREATE INDEX event_session ON event(session_id, id);
                CREATE INDEX event_wall ON event(wall);

                CREATE TABLE checkpoint (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    session_id INTEGER NOT NULL REFERENCES session(id),
                    delivered_steps INTEGER NOT NULL,
                    delivered_ml REAL NOT NULL,
                    delivered_mg REAL NOT NULL,
                    state TEXT NOT NULL,
                    infusing INTEGER NOT NULL CHECK (infusing IN (0, 1)),
                    mono_ns INTEGER NOT NULL,
                    wall TEXT NOT NULL
                );
                CREATE INDEX checkpoint_session ON checkpoint(session_id, id);

                CREATE TRIGGER session_single_open BEFORE INSERT ON session
                WHEN EXISTS (SELECT 1 FROM session s WHERE NOT EXISTS
                             (SELECT 1 FROM session_close c WHERE c.session_id = s.id))
                BEGIN SELECT RAISE(ABORT, 'another session is still open'); END;

                CREATE TRIGGER checkpoint_open_session BEFORE INSERT ON checkpoint
                WHEN EXISTS (SELECT 1 FROM session_close c WHERE c.session_id = NEW.session_id)
                BEGIN SELECT RAISE(ABORT, 'checkpoint for a closed session'); END;
                """)
            for table in appendOnlyTables {
                try db.execute(sql: """
                    CREATE TRIGGER \(table)_no_update BEFORE UPDATE ON \(table)
                    BEGIN SELECT RAISE(ABORT, 'the journal is append-only'); END;
                    CREATE TRIGGER \(table)_no_delete BEFORE DELETE ON \(table)
                    BEGIN SELECT RAISE(ABORT, 'the journal is append-only'); END;
                    """)
            }
        }
        // A delivery lease is a checkpoint that also states the ceiling the supervisor may deliver up to; it is
        // written before the steps it allows (HAZ-010). Old rows have no ceiling.
        migrator.registerMigration("v2-delivery-lease") { db in
            try db.execute(sql: """
                ALTER TABLE checkpoint ADD COLUMN lease_ceiling_steps INTEGER
                    CHECK (lease_ceiling_steps IS NULL OR lease_ceiling_steps >= delivered_steps);
                """)
        }
        // Steps counted in delivered_steps that may never have been delivered: the uncertainty a recovery added to
        // the count (so a resumed continuation never exceeds the target) is carried in every later checkpoint, so
        // the next recovery still reports it as unknown rather than as delivered (HAZ-010). Old rows carry none.
        migrator.registerMigration("v3-carried-uncertainty") { db in
            try db.execute(sql: """
                ALTER TABLE checkpoint ADD COLUMN uncertain_steps INTEGER NOT NULL DEFAULT 0
                    CHECK (uncertain_steps >= 0 AND uncertain_steps <= delivered_steps);
                """)
        }
        // The infusing-elapsed time (pauses excluded) at each checkpoint: a duration, valid across boots, so a
        // recovered titration plans from the real infusing time and never from a wall-clock difference. Old rows and
        // leases carry none.
        migrator.registerMigration("v4-infusing-elapsed") { db in
            try db.execute(sql: """
                ALTER TABLE checkpoint ADD COLUMN infusing_elapsed_ns INTEGER
                    CHECK (infusing_elapsed_ns IS NULL OR infusing_elapsed_ns >= 0);
                """)
        }
        return migrator
    }
}
