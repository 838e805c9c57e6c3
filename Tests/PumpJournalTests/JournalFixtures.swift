// Shared helpers for journal tests: a fresh temporary directory per test and typical records.
import Foundation
import PumpCore
@testable import PumpJournal

/// A temporary directory removed when the value is deinitialised.
final class TemporaryDirectory {
    let url: URL
    init() throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("pumpjournal-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }
    deinit { try? FileManager.default.removeItem(at: url) }
    var journalPath: String { url.appendingPathComponent(Journal.fileName).path }
}

enum Fixtures {
    static let nurse = JournalActor(uid: 1001, gid: 1001, pid: 4242, name: "nurse1")
    static let program = Data(#"{"drug":"ketamine","dose_mg":35,"duration_min":40,"concentration_mg_per_ml":1}"#.utf8)
    static let wall0 = Date(timeIntervalSince1970: 1_800_000_000)

    static func start(patient: String? = "P-001", at wall: Date = wall0, mono: Int64 = 1_000) -> SessionStart {
        SessionStart(
            patientID: patient, drug: "ketamine", profile: "adult-sedation", program: program,
            targetDose: Milligrams(35), targetVolume: Milliliters(35), targetSteps: Steps(1_120_000),
            wall: wall, monotonic: MonotonicInstant(nanoseconds: mono), actor: nurse)
    }

    static func delivered(_ fraction: Double) -> DeliveredAmount {
        DeliveredAmount(
            steps: Steps(Int64(1_120_000 * fraction)), volume: Milliliters(35 * fraction),
            dose: Milligrams(35 * fraction))
    }

    static func event(_ kind: JournalEventKind, _ session: SessionID?, second: Int, summary: String = "event")
        -> JournalEvent
    {
        JournalEvent(
            kind: kind, session: session, actor: nurse,
            monotonic: MonotonicInstant(nanoseconds: Int64(second) * 1_000_000_000),
            wall: wall0.addingTimeInterval(TimeInterval(second)), summary: summary,
            details: Data(#"{"second":\#(second)}"#.utf8))
    }
}

extension Date {
    /// The journal stores wall time with millisecond precision.
    var milliseconds: Int64 { Int64((timeIntervalSince1970 * 1000).rounded()) }
}
