// Issue 11 items 3 and 4 at the service level: the repeat-dose window compares patient ids normalised, and a
// refused start opens no session (so it cannot arm the window for a dose never given).
import Foundation
import Logging
import PumpCore
import PumpJournal
import PumpProtocol
import PumpServer
import Testing
@testable import PumpDaemon

@Suite("Start guards")
struct StartGuardTests {
    static let me = PeerCredentials(pid: getpid(), uid: getuid(), gid: getgid())

    static func program(patient: String) -> StartParameters {
        StartParameters(drug: "ketamine", profile: .mood, weightKg: 70, doseMgPerKg: 0.5, durationMin: 40,
                        concentrationMgPerMl: 1, syringe: "bd-50", patientId: patient, confirmed: true)
    }

    static func directory() throws -> URL {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("start-guard-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        return directory
    }

    @Test("Issue 11 item 3: after a session for Kcompleted, 'KCOMPLETED' and its full-width spelling need the 12 h override",
          arguments: ["KCOMPLETED", "kcompleted", "ｋｃｏｍｐｌｅｔｅｄ"])
    func repeatWindowIgnoresCase(_ spelling: String) throws {
        let directory = try Self.directory()
        defer { try? FileManager.default.removeItem(at: directory) }
        do {
            // One completed session an hour ago, written straight into the journal the service will open.
            let journal = try Journal(directory: directory)
            let ended = Date().addingTimeInterval(-3600)
            let id = try journal.beginSession(SessionStart(
                patientID: "Kcompleted", drug: "ketamine", profile: "mood", program: Data("{}".utf8),
                targetDose: Milligrams(35), targetVolume: Milliliters(35), targetSteps: Steps(160_027),
                wall: ended.addingTimeInterval(-2400), monotonic: MonotonicInstant(nanoseconds: 1), actor: .daemon))
            try journal.closeSession(id, outcome: .completed,
                                     delivered: DeliveredAmount(steps: Steps(160_027), volume: Milliliters(35), dose: Milligrams(35)),
                                     monotonic: MonotonicInstant(nanoseconds: 2), wall: ended)
        }
        let service = try EStopFastPathTests.service(DisableSignallingHardware(), directory: directory)
        defer { service.shutdown() }
        let reply = service.execute(Request(id: "v", command: .validate(Self.program(patient: spelling))), peer: Self.me)
        #expect(reply.error?.code == .needsOverride, "\(String(describing: reply.error))")
        // Another patient is not affected.
        let other = service.execute(Request(id: "o", command: .validate(Self.program(patient: "Kother"))), peer: Self.me)
        #expect(other.error == nil, "\(String(describing: other.error))")
    }

    @Test("Issue 11 item 10: a patient whose session is still open is told so, not that it 'ended 0.0 h ago'")
    func openSessionIsNotEnded() throws {
        let directory = try Self.directory()
        defer { try? FileManager.default.removeItem(at: directory) }
        do {
            let journal = try Journal(directory: directory)
            _ = try journal.beginSession(SessionStart(
                patientID: "Kopen", drug: "ketamine", profile: "mood", program: Data("{}".utf8),
                targetDose: Milligrams(35), targetVolume: Milliliters(35), targetSteps: Steps(160_027),
                wall: Date().addingTimeInterval(-1800), monotonic: MonotonicInstant(nanoseconds: 1), actor: .daemon))
        }
        let service = try EStopFastPathTests.service(DisableSignallingHardware(), directory: directory)
        defer { service.shutdown() }
        let reply = service.execute(Request(id: "v", command: .validate(Self.program(patient: "KOPEN"))), peer: Self.me)
        #expect(reply.error?.code == .needsOverride, "\(String(describing: reply.error))")
        let message = reply.error?.message ?? ""
        #expect(message.contains("still open") && !message.contains("ended"), "\(message)")
    }

    @Test("Issue 11 item 3: a patient id with a space at an end, an unprintable character or over 64 characters is refused, in validate, start and sessions",
          arguments: [" kcompleted ", "K1 ", "K\u{7}1", "K\u{200B}1", "K\t1", String(repeating: "k", count: 65), ""])
    func patientIDFormat(_ spelling: String) throws {
        let directory = try Self.directory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let hardware = DisableSignallingHardware()
        let service = try EStopFastPathTests.service(hardware, directory: directory)
        defer { service.shutdown() }
        for command in [Command.validate(Self.program(patient: spelling)), .start(Self.program(patient: spelling)),
                        .sessions(patientId: spelling, limit: nil)] {
            let reply = service.execute(Request(id: "f", command: command), peer: Self.me)
            #expect(reply.error?.code == .refused, "\(command.name): \(String(describing: reply.error))")
            #expect(reply.error?.message.contains("patient id") == true)
        }
        #expect(service.currentStatus().sessionId == nil, "a refused start opened a session")
        #expect(!service.currentStatus().motorEnabled)
        // 64 characters and inner spaces and non-Latin letters are fine.
        for good in [String(repeating: "k", count: 64), "Müller Anna 1987", "患者-42"] {
            let reply = service.execute(Request(id: "g", command: .validate(Self.program(patient: good))), peer: Self.me)
            #expect(reply.error == nil, "\(good): \(String(describing: reply.error))")
        }
    }
}

@Suite("A refused start opens nothing")
struct RefusedStartTests {
    @Test("Issue 11 item 4: a start refused for a latched e-stop writes no session, changes no status, arms no repeat window")
    func latchedAlarmRefusesBeforeJournal() throws {
        let directory = try StartGuardTests.directory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let service = try EStopFastPathTests.service(DisableSignallingHardware(), directory: directory)
        defer { service.shutdown() }
        let me = StartGuardTests.me
        #expect(service.execute(Request(id: "e", command: .estop), peer: me).error == nil)
        let before = service.currentStatus()
        let refused = service.execute(Request(id: "s", command: .start(StartGuardTests.program(patient: "PE2"))), peer: me)
        #expect(refused.error != nil)
        let journal = try Journal(directory: directory)
        #expect(try journal.sessions().isEmpty, "the refused start opened a session")
        #expect(try journal.lastSessionEnd(patientID: "PE2") == nil)
        let after = service.currentStatus()
        #expect(after.sessionId == before.sessionId && after.state == before.state)
        // The refusal is on record as an event only.
        #expect(try journal.events(limit: 100).contains { $0.event.kind == .commandRefused && $0.event.session == nil })
        #expect(service.execute(Request(id: "a", command: .ack(code: "estop")), peer: me).error == nil)
        let validated = service.execute(Request(id: "v", command: .validate(StartGuardTests.program(patient: "PE2"))), peer: me)
        #expect(validated.error == nil, "\(String(describing: validated.error))")
    }
}
