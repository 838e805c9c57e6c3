// The durable infusion journal (HAZ-010, HAZ-014): one SQLite file, `journal.sqlite`, in the daemon's state
// directory, written through one GRDB `DatabaseQueue` connection.
// Invariants:
// - Every write is committed durably (WAL, synchronous=FULL: the WAL is fsynced at each commit) before the
//   call returns; a call that returns without throwing has been recorded, one that throws has not.
// - A damaged file is reported as `JournalError.corrupt` and left untouched: never recreated, never deleted.
// - Writes are synchronous and may block for an fsync (milliseconds, more on SD cards): never call them on the
//   real-time step path.
// Note: GRDB's `Configuration.journalMode = .wal` would also set `synchronous = NORMAL` after our own setup,
// so WAL is enabled here by hand in `prepareDatabase`, followed by `synchronous = FULL`.
import Foundation
import GRDB

/// The append-only, crash-safe record of sessions, events and delivery checkpoints.
public final class Journal: Sendable {
    /// The journal's file name inside the state directory.
    public static let fileName = "journal.sqlite"

    /// Absolute path of the journal file.
    public let path: String
    let database: DatabaseQueue

    /// Opens (creating if needed) the journal in `directory`, checks its integrity and migrates its schema.
    /// - Throws: `.corrupt` if the file is damaged or not a journal (it is left as found), `.readOnly`,
    ///   `.diskFull` or `.io` if it cannot be opened or created.
    public init(directory: URL) throws(JournalError) {
        let path = directory.appendingPathComponent(Self.fileName).path
        self.path = path
        do {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        } catch {
            throw .io("cannot create journal directory \(directory.path): \(error)")
        }
        // The clinical record is readable by pumpd alone, whatever the umask (SQLite gives its -wal and -shm files
        // the database file's mode): created 0600, and put back to 0600 if it was opened wider.
        let fd = open(path, O_CREAT | O_RDWR | O_CLOEXEC, 0o600)
        if fd >= 0 {
            _ = fchmod(fd, 0o600)
            close(fd)
        }
        do {
            database = try DatabaseQueue(path: path, configuration: Self.configuration())
        } catch {
            throw JournalError.map(error, path: path)
        }
        try Self.checkIntegrity(database, path: path)
        do {
            try JournalSchema.migrator.migrate(database)
        } catch {
            throw JournalError.map(error, path: path)
        }
        try Self.syncDirectory(directory)
    }

    private static func configuration() -> Configuration {
        var config = Configuration()
        config.label = "pumpd.journal"
        config.foreignKeysEnabled = true
        config.busyMode = .timeout(2)
        config.prepareDatabase { db in
            let mode = try String.fetchOne(db, sql: "PRAGMA journal_mode = WAL")
            guard mode == "wal" else {
                throw JournalError.io("could not enable WAL journal mode (got \(mode ?? "nothing"))")
            }
            try db.execute(sql: "PRAGMA synchronous = FULL")
            try db.execute(sql: "PRAGMA foreign_keys = ON")
            try db.execute(sql: "PRAGMA cell_size_check = ON")
            Journal.registerPatientKey(db)
        }
        return config
    }

    /// Runs `PRAGMA quick_check`; anything but a single "ok" row means the file is damaged.
    private static func checkIntegrity(_ database: DatabaseQueue, path: String) throws(JournalError) {
        let rows: [String]
        do {
            rows = try database.read { db in try String.fetchAll(db, sql: "PRAGMA quick_check") }
        } catch {
            throw JournalError.map(error, path: path)
        }
        guard rows == ["ok"] else {
            throw .corrupt(path: path, detail: rows.prefix(5).joined(separator: "; "))
        }
    }

    /// Makes the directory entries of a newly created journal durable (power loss right after creation).
    private static func syncDirectory(_ directory: URL) throws(JournalError) {
        let fd = open(directory.path, O_RDONLY | O_DIRECTORY)
        guard fd >= 0 else { throw .io("cannot open \(directory.path) to sync it: errno \(errno)") }
        defer { close(fd) }
        guard fsync(fd) == 0 else { throw .io("fsync of \(directory.path) failed: errno \(errno)") }
    }

    /// Runs a write with every failure mapped to a `JournalError`.
    func write<T>(_ body: (Database) throws -> T) throws(JournalError) -> T {
        do {
            return try database.write(body)
        } catch {
            throw JournalError.map(error, path: path)
        }
    }

    /// Runs a single-statement write outside an explicit transaction (SQLite's autocommit makes it atomic).
    func writeSingleStatement(_ body: (Database) throws -> Void) throws(JournalError) {
        do {
            try database.writeWithoutTransaction(body)
        } catch {
            throw JournalError.map(error, path: path)
        }
    }

    /// Runs a read with every failure mapped to a `JournalError`.
    func read<T>(_ body: (Database) throws -> T) throws(JournalError) -> T {
        do {
            return try database.read(body)
        } catch {
            throw JournalError.map(error, path: path)
        }
    }
}
