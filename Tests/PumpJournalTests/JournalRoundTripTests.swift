import Foundation
import PumpCore
import Testing
@testable import PumpJournal

@Suite("Journal round trip")
struct JournalRoundTripTests {
    @Test("a session, its events and checkpoints read back exactly as written")
    func roundTrip() throws {
        let dir = try TemporaryDirectory()
        let journal = try Journal(directory: dir.url)
        let id = try journal.beginSession(Fixtures.start())
        try journal.append(Fixtures.event(.start, id, second: 1, summary: "start 52.5 mL/h"))
        try journal.checkpoint(
            id, delivered: Fixtures.delivered(0.25), state: "infusing", infusing: true,
            monotonic: MonotonicInstant(nanoseconds: 2_000_000_000), wall: Fixtures.wall0.addingTimeInterval(2))
        try journal.append(Fixtures.event(.alarm, id, second: 3, summary: "occlusion\nsecond line"))
        try journal.closeSession(
            id, outcome: .completed, delivered: Fixtures.delivered(1), actor: Fixtures.nurse,
            monotonic: MonotonicInstant(nanoseconds: 4_000_000_000), wall: Fixtures.wall0.addingTimeInterval(4))

        let events = try journal.events(session: id)
        #expect(events.map(\.event.kind) == [.sessionOpen, .start, .alarm, .sessionClose])
        #expect(events.map(\.sequence) == events.map(\.sequence).sorted())
        let start = try #require(events.first { $0.event.kind == .start })
        #expect(start.event.actor == Fixtures.nurse)
        #expect(start.event.session == id)
        #expect(start.event.monotonic == MonotonicInstant(nanoseconds: 1_000_000_000))
        #expect(start.event.wall.milliseconds == Fixtures.wall0.addingTimeInterval(1).milliseconds)
        #expect(start.event.summary == "start 52.5 mL/h")
        #expect(start.event.details == Data(#"{"second":1}"#.utf8))
        let alarm = try #require(events.first { $0.event.kind == .alarm })
        #expect(alarm.event.summary == "occlusion second line")

        let checkpoints = try journal.checkpoints(session: id)
        #expect(checkpoints.count == 1)
        #expect(checkpoints.first?.delivered == Fixtures.delivered(0.25))
        #expect(checkpoints.first?.state == "infusing")
        #expect(checkpoints.first?.infusing == true)

        let summary = try #require(try journal.sessions().first)
        #expect(summary.id == id)
        #expect(summary.outcome == .completed)
        #expect(summary.deliveredDose == Milligrams(35))
        #expect(summary.targetDose == Milligrams(35))
        #expect(summary.alarmCount == 1)
        #expect(try journal.recoverOpenSession() == nil)
    }

    @Test("every event kind is stored and read back")
    func everyKind() throws {
        let dir = try TemporaryDirectory()
        let journal = try Journal(directory: dir.url)
        for (index, kind) in JournalEventKind.allCases.enumerated() {
            try journal.append(Fixtures.event(kind, nil, second: index))
        }
        let kinds = try journal.events(limit: 1000).map(\.event.kind)
        #expect(kinds == JournalEventKind.allCases)
    }

    @Test("HAZ-014: records survive closing and reopening the journal")
    func durableAcrossReopen() throws {
        let dir = try TemporaryDirectory()
        let id: SessionID
        do {
            let journal = try Journal(directory: dir.url)
            id = try journal.beginSession(Fixtures.start())
            try journal.append(Fixtures.event(.start, id, second: 1))
            try journal.closeSession(
                id, outcome: .stopped, delivered: Fixtures.delivered(0.5), reason: "patient awake",
                monotonic: MonotonicInstant(nanoseconds: 9), wall: Fixtures.wall0.addingTimeInterval(60))
        }
        let reopened = try Journal(directory: dir.url)
        #expect(try reopened.events(session: id).map(\.event.kind) == [.sessionOpen, .start, .sessionClose])
        let summary = try #require(try reopened.sessions(patientID: "P-001").first)
        #expect(summary.outcome == .stopped)
        #expect(summary.deliveredDose == Milligrams(17.5))
        #expect(try reopened.events(session: id).last?.event.summary.contains("patient awake") == true)
    }

    @Test("HAZ-014: concurrent writers from many threads lose no record")
    func concurrentWriters() async throws {
        let dir = try TemporaryDirectory()
        let journal = try Journal(directory: dir.url)
        let id = try journal.beginSession(Fixtures.start())
        try await withThrowingTaskGroup(of: Void.self) { group in
            for writer in 0..<8 {
                group.addTask {
                    for index in 0..<25 {
                        try journal.append(Fixtures.event(.vitals, id, second: writer * 100 + index))
                        try journal.checkpoint(
                            id, delivered: Fixtures.delivered(0.01), state: "infusing", infusing: true,
                            monotonic: MonotonicInstant(nanoseconds: Int64(index)), wall: Fixtures.wall0)
                    }
                }
            }
            try await group.waitForAll()
        }
        #expect(try journal.events(session: id).count == 1 + 8 * 25)
        #expect(try journal.checkpoints(session: id).count == 8 * 25)
    }

    @Test("the journal directory is created when missing")
    func createsDirectory() throws {
        let dir = try TemporaryDirectory()
        let nested = dir.url.appendingPathComponent("state/pumpd")
        _ = try Journal(directory: nested)
        #expect(FileManager.default.fileExists(atPath: nested.appendingPathComponent(Journal.fileName).path))
    }
}
