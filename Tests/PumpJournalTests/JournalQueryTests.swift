import Foundation
import PumpCore
import Testing
@testable import PumpJournal

@Suite("Journal history queries")
struct JournalQueryTests {
    private func closedSession(
        _ journal: Journal, patient: String, startSecond: Int, endSecond: Int, outcome: SessionOutcome,
        alarms: Int = 0
    ) throws -> SessionID {
        let id = try journal.beginSession(
            Fixtures.start(patient: patient, at: Fixtures.wall0.addingTimeInterval(TimeInterval(startSecond))))
        for index in 0..<alarms { try journal.append(Fixtures.event(.alarm, id, second: startSecond + index)) }
        try journal.closeSession(
            id, outcome: outcome, delivered: Fixtures.delivered(0.5), monotonic: MonotonicInstant(nanoseconds: 1),
            wall: Fixtures.wall0.addingTimeInterval(TimeInterval(endSecond)))
        return id
    }

    @Test("lastSessionEnd is per patient and nil for a patient never seen")
    func lastSessionEndPerPatient() throws {
        let dir = try TemporaryDirectory()
        let journal = try Journal(directory: dir.url)
        _ = try closedSession(journal, patient: "A", startSecond: 0, endSecond: 2_400, outcome: .completed)
        _ = try closedSession(journal, patient: "B", startSecond: 3_000, endSecond: 5_000, outcome: .stopped)
        _ = try closedSession(journal, patient: "A", startSecond: 6_000, endSecond: 7_000, outcome: .estop)
        #expect(try journal.lastSessionEnd(patientID: "A")?.milliseconds
            == Fixtures.wall0.addingTimeInterval(7_000).milliseconds)
        #expect(try journal.lastSessionEnd(patientID: "B")?.milliseconds
            == Fixtures.wall0.addingTimeInterval(5_000).milliseconds)
        #expect(try journal.lastSessionEnd(patientID: "C") == nil)
    }

    @Test("Issue 11 item 3: patient ids are one patient across case, width and whitespace (guard, history, reports)",
          arguments: [" kcompleted ", "KCOMPLETED", "kCompleted\t", "ｋｃｏｍｐｌｅｔｅｄ"])
    func patientIDsNormalised(_ spelling: String) throws {
        let dir = try TemporaryDirectory()
        let journal = try Journal(directory: dir.url)
        let id = try closedSession(journal, patient: "Kcompleted", startSecond: 0, endSecond: 2_400, outcome: .completed)
        _ = try closedSession(journal, patient: "Other", startSecond: 3_000, endSecond: 4_000, outcome: .completed)
        #expect(try journal.lastSessionEnd(patientID: spelling)?.milliseconds
            == Fixtures.wall0.addingTimeInterval(2_400).milliseconds)
        #expect(try journal.sessions(patientID: spelling).map(\.id) == [id])
        #expect(try journal.sessionRecords(patientID: spelling).map(\.id) == [id])
        // The id is kept exactly as typed.
        #expect(try journal.sessions(patientID: spelling).first?.patientID == "Kcompleted")
    }

    @Test("Issue 11 item 4: a session abandoned with nothing delivered does not arm the repeat window; one with a dose does")
    func abandonedWithoutDoseIgnored() throws {
        let dir = try TemporaryDirectory()
        let journal = try Journal(directory: dir.url)
        let empty = try journal.beginSession(Fixtures.start(patient: "PE2", at: Fixtures.wall0))
        try journal.closeSession(empty, outcome: .abandoned, delivered: Fixtures.delivered(0),
                                 monotonic: MonotonicInstant(nanoseconds: 1), wall: Fixtures.wall0.addingTimeInterval(1))
        #expect(try journal.lastSessionEnd(patientID: "PE2") == nil)
        _ = try closedSession(journal, patient: "PE2", startSecond: 10, endSecond: 20, outcome: .abandoned)
        #expect(try journal.lastSessionEnd(patientID: "PE2")?.milliseconds == Fixtures.wall0.addingTimeInterval(20).milliseconds)
    }

    @Test("HAZ-010: an open (interrupted) session counts as ending at its last checkpoint")
    func openSessionCountsForTwelveHourRule() throws {
        let dir = try TemporaryDirectory()
        let journal = try Journal(directory: dir.url)
        _ = try closedSession(journal, patient: "A", startSecond: 0, endSecond: 100, outcome: .completed)
        let open = try journal.beginSession(Fixtures.start(patient: "A", at: Fixtures.wall0.addingTimeInterval(200)))
        #expect(try journal.lastSessionEnd(patientID: "A")?.milliseconds
            == Fixtures.wall0.addingTimeInterval(200).milliseconds)
        try journal.checkpoint(
            open, delivered: Fixtures.delivered(0.1), state: "infusing", infusing: true,
            monotonic: MonotonicInstant(nanoseconds: 1), wall: Fixtures.wall0.addingTimeInterval(300))
        #expect(try journal.lastSessionEnd(patientID: "A")?.milliseconds
            == Fixtures.wall0.addingTimeInterval(300).milliseconds)
    }

    @Test("sessions lists newest first with outcome, delivered dose and alarm count, filtered by patient")
    func sessionsList() throws {
        let dir = try TemporaryDirectory()
        let journal = try Journal(directory: dir.url)
        let a1 = try closedSession(journal, patient: "A", startSecond: 0, endSecond: 10, outcome: .completed, alarms: 2)
        let b1 = try closedSession(journal, patient: "B", startSecond: 20, endSecond: 30, outcome: .stopped)
        let a2 = try journal.beginSession(Fixtures.start(patient: "A", at: Fixtures.wall0.addingTimeInterval(40)))
        try journal.checkpoint(
            a2, delivered: Fixtures.delivered(0.2), state: "infusing", infusing: true,
            monotonic: MonotonicInstant(nanoseconds: 1), wall: Fixtures.wall0.addingTimeInterval(41))

        let all = try journal.sessions()
        #expect(all.map(\.id) == [a2, b1, a1])
        let onlyA = try journal.sessions(patientID: "A")
        #expect(onlyA.map(\.id) == [a2, a1])
        #expect(onlyA[0].outcome == nil)
        #expect(onlyA[0].ended == nil)
        #expect(onlyA[0].deliveredDose == Milligrams(7))
        #expect(onlyA[1].outcome == .completed)
        #expect(onlyA[1].alarmCount == 2)
        #expect(onlyA[1].deliveredDose == Milligrams(17.5))
        #expect(onlyA[1].drug == "ketamine")
        #expect(onlyA[1].profile == "adult-sedation")
        #expect(onlyA[1].ended?.milliseconds == Fixtures.wall0.addingTimeInterval(10).milliseconds)
        #expect(try journal.sessions(patientID: "nobody").isEmpty)
    }

    @Test("events(since:limit:) returns the most recent events, oldest first")
    func eventsSince() throws {
        let dir = try TemporaryDirectory()
        let journal = try Journal(directory: dir.url)
        for second in 0..<10 { try journal.append(Fixtures.event(.vitals, nil, second: second)) }
        let lastThree = try journal.events(limit: 3)
        #expect(lastThree.map(\.event.monotonic.nanoseconds) == [7, 8, 9].map { Int64($0) * 1_000_000_000 })
        let since = try journal.events(since: Fixtures.wall0.addingTimeInterval(6), limit: 100)
        #expect(since.count == 4)
        #expect(try journal.events(limit: 0).isEmpty)
    }
}
