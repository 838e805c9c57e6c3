// Self-check of the durability settings actually in force on the open connection, for the daemon's start-up
// log and for tests: a journal that silently ran with synchronous=NORMAL would lose the last commits on power
// loss (HAZ-014).
import Foundation
import GRDB

/// The SQLite settings in force on the journal's connection.
public struct JournalSettings: Sendable, Hashable {
    /// `PRAGMA journal_mode` ("wal" expected).
    public var journalMode: String
    /// `PRAGMA synchronous` (2 = FULL expected).
    public var synchronous: Int
    /// `PRAGMA foreign_keys`.
    public var foreignKeys: Bool

    /// True if the settings are the durable ones this journal requires.
    public var isDurable: Bool { journalMode == "wal" && synchronous == 2 && foreignKeys }
}

extension Journal {
    /// Reads the durability settings from the open connection.
    public func settings() throws(JournalError) -> JournalSettings {
        try read { db in
            JournalSettings(
                journalMode: try String.fetchOne(db, sql: "PRAGMA journal_mode") ?? "",
                synchronous: try Int.fetchOne(db, sql: "PRAGMA synchronous") ?? -1,
                foreignKeys: try Bool.fetchOne(db, sql: "PRAGMA foreign_keys") ?? false)
        }
    }

    /// Test support: runs raw SQL on the journal's connection (used to shrink `max_page_count` and to prove
    /// that the append-only triggers hold). Not public.
    func executeForTesting(_ sql: String) throws(JournalError) {
        try writeSingleStatement { db in try db.execute(sql: sql) }
    }
}
