import Foundation
import PumpCore
import Testing
@testable import PumpJournal

@Suite("Journal failures are typed and never lose earlier records")
struct JournalFailureTests {
    @Test("HAZ-014: a full disk raises JournalError.diskFull and the previous rows stay intact")
    func diskFull() throws {
        let dir = try TemporaryDirectory()
        let journal = try Journal(directory: dir.url)
        let id = try journal.beginSession(Fixtures.start())
        // Cap the file just above its current size, then write until SQLite reports SQLITE_FULL.
        try journal.executeForTesting("PRAGMA max_page_count = 20")
        let bigDetails = Data(repeating: UInt8(ascii: "x"), count: 2_000)
        var written = 0
        var failure: JournalError?
        for second in 0..<500 {
            var event = Fixtures.event(.vitals, id, second: second)
            event.details = bigDetails
            do {
                try journal.append(event)
                written += 1
            } catch {
                failure = error
                break
            }
        }
        #expect(failure == .diskFull)
        #expect(written > 0)
        // Checkpoints fail the same way, loudly.
        #expect(throws: JournalError.diskFull) {
            for second in 0..<500 {
                try journal.checkpoint(
                    id, delivered: Fixtures.delivered(0.1), state: "infusing", infusing: true,
                    monotonic: MonotonicInstant(nanoseconds: Int64(second)), wall: Fixtures.wall0)
            }
        }
        // Everything written before the failure is still there, in this connection and after reopening.
        #expect(try journal.events(session: id).count == 1 + written)
        let reopened = try Journal(directory: dir.url)
        #expect(try reopened.events(session: id).count == 1 + written)
        #expect(try reopened.recoverOpenSession()?.id == id)
        // With space back (a fresh connection has no page cap), writing works again.
        try reopened.append(Fixtures.event(.alarm, id, second: 999, summary: "journal space restored"))
    }

    @Test("HAZ-014: a garbage file is reported as corrupt and left untouched")
    func garbageIsCorrupt() throws {
        let dir = try TemporaryDirectory()
        var garbage = Data("this is not a journal, it is a shopping list".utf8)
        garbage.append(Data((0..<8192).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ 7) }))
        try garbage.write(to: URL(fileURLWithPath: dir.journalPath))
        do {
            _ = try Journal(directory: dir.url)
            Issue.record("opening a garbage journal must fail")
        } catch {
            guard case let .corrupt(path, detail) = error else {
                Issue.record("expected .corrupt, got \(error)")
                return
            }
            #expect(path == dir.journalPath)
            #expect(!detail.isEmpty)
        }
        #expect(try Data(contentsOf: URL(fileURLWithPath: dir.journalPath)) == garbage)
    }

    @Test("HAZ-014: a journal with a damaged page is reported as corrupt, never recreated")
    func damagedPageIsCorrupt() throws {
        let dir = try TemporaryDirectory()
        do {
            let journal = try Journal(directory: dir.url)
            let id = try journal.beginSession(Fixtures.start())
            for second in 0..<200 { try journal.append(Fixtures.event(.vitals, id, second: second)) }
            try journal.executeForTesting("PRAGMA wal_checkpoint(TRUNCATE)")
        }
        // Overwrite the middle of the file (b-tree pages) with noise, keeping the valid header.
        let handle = try FileHandle(forUpdating: URL(fileURLWithPath: dir.journalPath))
        let size = try handle.seekToEnd()
        try handle.seek(toOffset: 4096)
        try handle.write(contentsOf: Data(repeating: 0xA5, count: Int(size) - 8192))
        try handle.close()
        let damaged = try Data(contentsOf: URL(fileURLWithPath: dir.journalPath))
        #expect {
            _ = try Journal(directory: dir.url)
        } throws: { error in
            guard case .corrupt = error as? JournalError else { return false }
            return true
        }
        #expect(try Data(contentsOf: URL(fileURLWithPath: dir.journalPath)) == damaged)
    }

    @Test("HAZ-014: the journal is append-only; updates and deletes are refused by SQLite")
    func appendOnly() throws {
        let dir = try TemporaryDirectory()
        let journal = try Journal(directory: dir.url)
        let id = try journal.beginSession(Fixtures.start())
        try journal.checkpoint(
            id, delivered: Fixtures.delivered(0.5), state: "infusing", infusing: true,
            monotonic: MonotonicInstant(nanoseconds: 1), wall: Fixtures.wall0)
        for sql in [
            "DELETE FROM event", "UPDATE event SET summary = 'x'", "DELETE FROM checkpoint",
            "UPDATE checkpoint SET delivered_mg = 0", "DELETE FROM session", "UPDATE session SET target_mg = 1",
        ] {
            #expect(throws: JournalError.self, "\(sql)") { try journal.executeForTesting(sql) }
        }
        #expect(try journal.recoverOpenSession()?.delivered == Fixtures.delivered(0.5))
        #expect(try journal.events(session: id).count == 1)
    }

    @Test("HAZ-010: a closed session takes no checkpoint and cannot be closed twice")
    func closedSessionRules() throws {
        let dir = try TemporaryDirectory()
        let journal = try Journal(directory: dir.url)
        let id = try journal.beginSession(Fixtures.start())
        try journal.closeSession(
            id, outcome: .completed, delivered: Fixtures.delivered(1), monotonic: MonotonicInstant(nanoseconds: 1),
            wall: Fixtures.wall0)
        #expect(throws: JournalError.self) {
            try journal.checkpoint(
                id, delivered: Fixtures.delivered(1), state: "infusing", infusing: true,
                monotonic: MonotonicInstant(nanoseconds: 2), wall: Fixtures.wall0)
        }
        #expect(throws: JournalError.self) {
            try journal.closeSession(
                id, outcome: .stopped, delivered: Fixtures.delivered(1), monotonic: MonotonicInstant(nanoseconds: 3),
                wall: Fixtures.wall0)
        }
        #expect(try journal.sessions().first?.outcome == .completed)
    }

    @Test("HAZ-001: non-finite or negative quantities and unknown sessions are rejected, not stored")
    func rejectsBadValues() throws {
        let dir = try TemporaryDirectory()
        let journal = try Journal(directory: dir.url)
        var bad = Fixtures.start()
        bad.targetDose = Milligrams(.nan)
        #expect(throws: JournalError.self) { try journal.beginSession(bad) }
        let id = try journal.beginSession(Fixtures.start())
        let nan = DeliveredAmount(steps: Steps(1), volume: Milliliters(.infinity), dose: Milligrams(1))
        #expect(throws: JournalError.self) {
            try journal.checkpoint(
                id, delivered: nan, state: "infusing", infusing: true, monotonic: .origin, wall: Fixtures.wall0)
        }
        #expect(throws: JournalError.self) {
            try journal.append(Fixtures.event(.alarm, SessionID(rawValue: 9_999), second: 1))
        }
        #expect(try journal.checkpoints(session: id).isEmpty)
    }
}
