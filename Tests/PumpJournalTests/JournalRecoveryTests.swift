import Foundation
import PumpCore
import Testing
@testable import PumpJournal

@Suite("Journal recovery after an interruption")
struct JournalRecoveryTests {
    /// Writes a session with `count` one-second checkpoints, the last one while infusing.
    private func infuse(_ journal: Journal, checkpoints count: Int) throws -> SessionID {
        let id = try journal.beginSession(Fixtures.start())
        try journal.append(Fixtures.event(.start, id, second: 0))
        for second in 1...count {
            try journal.checkpoint(
                id, delivered: Fixtures.delivered(Double(second) / 100), state: "infusing", infusing: true,
                monotonic: MonotonicInstant(nanoseconds: Int64(second) * 1_000_000_000),
                wall: Fixtures.wall0.addingTimeInterval(TimeInterval(second)))
        }
        return id
    }

    @Test("HAZ-010: a power-loss image of an open journal recovers the last checkpoint")
    func powerLossImage() throws {
        let dir = try TemporaryDirectory()
        let journal = try Journal(directory: dir.url)
        let id = try infuse(journal, checkpoints: 30)
        // Copy the files as they are on disk while the journal is still open and never closed: the WAL is not
        // checkpointed into the main file, exactly what a power cut leaves behind. The -shm index is volatile
        // and is not copied.
        let image = try TemporaryDirectory()
        for suffix in ["", "-wal"] {
            try FileManager.default.copyItem(
                atPath: dir.journalPath + suffix, toPath: image.journalPath + suffix)
        }
        let recovered = try #require(try Journal(directory: image.url).recoverOpenSession())
        #expect(recovered.id == id)
        #expect(recovered.start.program == Fixtures.program)
        #expect(recovered.start.targetDose == Milligrams(35))
        #expect(recovered.delivered == Fixtures.delivered(0.30))
        #expect(recovered.wasInfusing)
        #expect(recovered.lastCheckpoint?.state == "infusing")
        #expect(recovered.lastKnownWall.milliseconds == Fixtures.wall0.addingTimeInterval(30).milliseconds)
        #expect(recovered.interruptions == 0)
        withExtendedLifetime(journal) {}
    }

    @Test("HAZ-010: a journal dropped without closing is recovered by the next opener")
    func droppedWithoutClosing() throws {
        let dir = try TemporaryDirectory()
        var first: Journal? = try Journal(directory: dir.url)
        let id = try infuse(try #require(first), checkpoints: 5)
        // A second daemon instance opens the same file while the first is still alive, then the first vanishes.
        let second = try Journal(directory: dir.url)
        first = nil
        let recovered = try #require(try second.recoverOpenSession())
        #expect(recovered.id == id)
        #expect(recovered.delivered == Fixtures.delivered(0.05))
        #expect(recovered.wasInfusing)
    }

    @Test("HAZ-010: an interrupted session stays open, counts its interruptions and blocks a new session")
    func interruptedStaysOpen() throws {
        let dir = try TemporaryDirectory()
        let id = try infuse(try Journal(directory: dir.url), checkpoints: 2)
        for restart in 1...2 {
            let journal = try Journal(directory: dir.url)
            let recovered = try #require(try journal.recoverOpenSession())
            #expect(recovered.id == id)
            #expect(recovered.interruptions == restart - 1)
            try journal.markInterrupted(id, monotonic: MonotonicInstant(nanoseconds: 5), wall: Fixtures.wall0)
        }
        let journal = try Journal(directory: dir.url)
        #expect(try journal.recoverOpenSession()?.interruptions == 2)
        #expect(throws: JournalError.self) { try journal.beginSession(Fixtures.start(patient: "P-002")) }
        // Only an explicit decision ends it.
        try journal.closeSession(
            id, outcome: .abandoned, delivered: Fixtures.delivered(0.02), reason: "nurse chose not to continue",
            actor: Fixtures.nurse, monotonic: MonotonicInstant(nanoseconds: 6), wall: Fixtures.wall0)
        #expect(try journal.recoverOpenSession() == nil)
        _ = try journal.beginSession(Fixtures.start(patient: "P-002"))
    }

    @Test("HAZ-010: a session opened but never checkpointed recovers with nothing delivered and not infusing")
    func noCheckpoint() throws {
        let dir = try TemporaryDirectory()
        let id = try Journal(directory: dir.url).beginSession(Fixtures.start())
        let recovered = try #require(try Journal(directory: dir.url).recoverOpenSession())
        #expect(recovered.id == id)
        #expect(recovered.lastCheckpoint == nil)
        #expect(recovered.delivered == .zero)
        #expect(!recovered.wasInfusing)
    }

    @Test("HAZ-010: a paused session recovers as not infusing")
    func pausedAtCrash() throws {
        let dir = try TemporaryDirectory()
        let journal = try Journal(directory: dir.url)
        let id = try infuse(journal, checkpoints: 3)
        try journal.checkpoint(
            id, delivered: Fixtures.delivered(0.03), state: "paused", infusing: false,
            monotonic: MonotonicInstant(nanoseconds: 4_000_000_000), wall: Fixtures.wall0.addingTimeInterval(4))
        let recovered = try #require(try Journal(directory: dir.url).recoverOpenSession())
        #expect(!recovered.wasInfusing)
        #expect(recovered.lastCheckpoint?.state == "paused")
    }

    @Test("HAZ-010: the journalled delivery lease bounds the unknown after a crash, and only since the last stop")
    func leaseBoundsUncertainty() throws {
        let dir = try TemporaryDirectory()
        let journal = try Journal(directory: dir.url)
        let id = try infuse(journal, checkpoints: 3)
        let mono = MonotonicInstant(nanoseconds: 5_000_000_000), wall = Fixtures.wall0.addingTimeInterval(5)
        // A lease from before a pause must not count after it ...
        try journal.recordLease(id, delivered: Fixtures.delivered(0.03), ceiling: Steps(90_000), monotonic: mono, wall: wall)
        try journal.checkpoint(id, delivered: Fixtures.delivered(0.04), state: "paused", infusing: false,
                               monotonic: mono, wall: wall)
        var recovered = try #require(try journal.recoverOpenSession())
        #expect(recovered.leasedUncertainty == .zero, "paused: nothing can have moved")
        // ... while the leases of the arm after it do: the highest one bounds delivery.
        try journal.recordLease(id, delivered: Fixtures.delivered(0.04), ceiling: Steps(44_900), monotonic: mono, wall: wall)
        try journal.recordLease(id, delivered: Fixtures.delivered(0.04), ceiling: Steps(45_000), monotonic: mono, wall: wall)
        try journal.checkpoint(id, delivered: Fixtures.delivered(0.0401), state: "infusing", infusing: true,
                               monotonic: mono, wall: wall)
        recovered = try #require(try journal.recoverOpenSession())
        #expect(recovered.leaseCeiling == Steps(45_000))
        #expect(recovered.leasedUncertainty == Steps(45_000 - Fixtures.delivered(0.0401).steps.count))
    }

    @Test("HAZ-010: the uncertainty a recovery carried stays unknown in later checkpoints and leases, never delivered")
    func carriedUncertaintyStaysUnknown() throws {
        let dir = try TemporaryDirectory()
        let journal = try Journal(directory: dir.url)
        let id = try infuse(journal, checkpoints: 2)
        let mono = MonotonicInstant(nanoseconds: 5_000_000_000), wall = Fixtures.wall0.addingTimeInterval(5)
        let counted = Fixtures.delivered(0.05)
        // A resumed continuation counts 0.05 mL of which 300 steps were the earlier recovery's unknown.
        try journal.recordLease(id, delivered: counted, ceiling: counted.steps + Steps(500), monotonic: mono, wall: wall,
                                uncertain: Steps(300))
        var recovered = try #require(try journal.recoverOpenSession())
        #expect(recovered.carriedUncertainty == Steps(300))
        #expect(recovered.knownSteps == counted.steps - Steps(300))
        #expect(recovered.leasedUncertainty == Steps(500))
        try journal.checkpoint(id, delivered: counted, state: "interrupted", infusing: false, monotonic: mono, wall: wall,
                               uncertain: Steps(300))
        recovered = try #require(try journal.recoverOpenSession())
        #expect(recovered.knownSteps == counted.steps - Steps(300), "a stopped checkpoint keeps the carried part")
        #expect(recovered.leasedUncertainty == .zero)
        // An uncertain part larger than the count, or negative, is refused and changes nothing.
        #expect(throws: JournalError.self) {
            try journal.checkpoint(id, delivered: Fixtures.delivered(0.0001), state: "running", infusing: true,
                                   monotonic: mono, wall: wall, uncertain: Steps(1_000_000))
        }
        #expect(throws: JournalError.self) {
            try journal.checkpoint(id, delivered: counted, state: "running", infusing: true,
                                   monotonic: mono, wall: wall, uncertain: Steps(-1))
        }
        #expect(try #require(try journal.recoverOpenSession()).carriedUncertainty == Steps(300))
    }

    @Test("HAZ-010: a journal without leases leaves the bound to the caller; a lease below delivery is refused")
    func legacyAndInvalidLease() throws {
        let dir = try TemporaryDirectory()
        let journal = try Journal(directory: dir.url)
        let id = try infuse(journal, checkpoints: 2)
        let recovered = try #require(try journal.recoverOpenSession())
        #expect(recovered.wasInfusing)
        #expect(recovered.leasedUncertainty == nil)
        #expect(throws: JournalError.self) {
            try journal.recordLease(id, delivered: Fixtures.delivered(0.5), ceiling: Steps(10),
                                    monotonic: .origin, wall: Fixtures.wall0)
        }
    }
}
