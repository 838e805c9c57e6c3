import Foundation
import PumpCore
import Testing
#if canImport(Glibc)
import Glibc
#endif
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

    @Test("HAZ-010: a writer process killed with SIGKILL in the middle of its checkpoints loses none it had committed")
    func killedWriterRecovers() throws {
        // A real crash instead of a copy of a still-open file: this test binary is started again as a child that
        // runs `crashWriterChild` (below), writing checkpoints as fast as it can and printing the number of each
        // one after `checkpoint` returned. Once 30 are reported the child is killed with SIGKILL, mid-write (it
        // never pauses), and the journal is reopened by this process.
        let dir = try TemporaryDirectory()
        let child = Process()
        child.executableURL = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
        child.arguments = ["--testing-library", "swift-testing", "--filter", "crashWriterChild"]
        var environment = ProcessInfo.processInfo.environment
        environment[Self.childVariable] = dir.url.path
        child.environment = environment
        let output = Pipe()
        child.standardOutput = output
        child.standardError = FileHandle.nullDevice
        try child.run()
        var reported = 0
        var buffer = Data()
        let deadline = Date().addingTimeInterval(120)  // wall-clock: a test deadline, not pump timing
        while reported < 30, Date() < deadline {  // wall-clock: a test deadline, not pump timing
            let chunk = output.fileHandleForReading.availableData
            if chunk.isEmpty { break }  // the child ended
            buffer.append(chunk)
            let lines = String(decoding: buffer, as: UTF8.self).split(separator: "\n")
            for line in lines where line.hasPrefix("committed ") {
                reported = max(reported, Int(line.dropFirst("committed ".count)) ?? 0)
            }
        }
        kill(child.processIdentifier, SIGKILL)
        child.waitUntilExit()
        #expect(child.terminationReason == .uncaughtSignal, "the writer was not killed but ended by itself")
        #expect(child.terminationStatus == SIGKILL)
        try #require(reported >= 30, "the child writer reported only \(reported) checkpoints")
        let recovered = try #require(try Journal(directory: dir.url).recoverOpenSession())
        // Every checkpoint reported committed survived; the newest recovered one may be later (committed
        // but not yet read from the pipe), and it is whole: its amount matches its own time stamp.
        let last = Int((recovered.lastKnownWall.timeIntervalSince(Fixtures.wall0)).rounded())
        #expect(last >= reported, "recovered checkpoint \(last) is older than the reported \(reported)")
        #expect(recovered.delivered == Fixtures.delivered(Double(last) / Self.checkpointScale))
        #expect(recovered.start.program == Fixtures.program)
        #expect(recovered.start.targetDose == Milligrams(35))
        #expect(recovered.wasInfusing)
        #expect(recovered.lastCheckpoint?.state == "infusing")
        #expect(recovered.interruptions == 0)
    }

    static let childVariable = "PUMP_JOURNAL_CRASH_WRITER_DIR"
    static let checkpointScale = 1_000_000.0

    @Test("The SIGKILL writer for killedWriterRecovers (runs only as that test's child process)",
          .enabled(if: ProcessInfo.processInfo.environment[JournalRecoveryTests.childVariable] != nil))
    func crashWriterChild() throws {
        let path = try #require(ProcessInfo.processInfo.environment[Self.childVariable])
        let journal = try Journal(directory: URL(fileURLWithPath: path))
        let id = try journal.beginSession(Fixtures.start())
        try journal.append(Fixtures.event(.start, id, second: 0))
        for second in 1..<Int(Self.checkpointScale) {
            try journal.checkpoint(
                id, delivered: Fixtures.delivered(Double(second) / Self.checkpointScale), state: "infusing",
                infusing: true, monotonic: MonotonicInstant(nanoseconds: Int64(second) * 1_000_000_000),
                wall: Fixtures.wall0.addingTimeInterval(TimeInterval(second)))
            FileHandle.standardOutput.write(Data("committed \(second)\n".utf8))  // unbuffered, after the commit
        }
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
