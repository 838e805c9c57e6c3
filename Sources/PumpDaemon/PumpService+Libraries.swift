// The library guard of the pump service (HAZ-001, HAZ-007): the library files in force are journaled at start-up
// with their versions, hashes and signers; a start-up problem raises `library-invalid`; and every program, start,
// verified double check and resume-interrupted re-reads the files first (`LibraryBook.check`), journals a file
// changed on disk, and refuses with one sentence while a problem stands. pumpd stays up and answers status.
import Foundation
import PumpControl
import PumpCore
import PumpJournal
import PumpProtocol

extension PumpService {
    /// Journals the library files loaded at start-up (one `library` event with the whole set as details).
    func journalLibrariesLoaded() {
        let phrase = libraries.phrase
        logger.notice("libraries: \(phrase); library_signature \(libraries.policy.rawValue)")
        guard let journal else { return }
        do {
            try journal.append(JournalEvent(kind: .library, monotonic: scheduler.now(), wall: wallClock(),
                summary: "Libraries loaded (library_signature \(libraries.policy.rawValue); planner and supervisor loads \(libraries.channelMismatch == nil ? "read the same bytes" : "DIFFER")): \(phrase).",
                details: Self.encoded(libraries.set)))
        } catch {
            journalFailed(error)
        }
    }

    /// Raises `library-invalid` when the libraries loaded at start-up do not pass (journaled as an alarm event).
    func raiseLibraryProblemAtStartup() {
        guard let problem = libraries.startupProblem else { return }
        logger.error("library-invalid: \(problem)")
        scheduler.syncOnControl { engine.raiseNotice(.libraryInvalid, problem) }
    }

    /// Re-checks the library files before a program, a start or a resume. Journals each newly found change on
    /// disk, keeps the `library-invalid` alarm in step with the finding, and returns the refusal, if any.
    func libraryRefusal(actor: JournalActor, at stage: String) -> ProtocolError? {
        let (changes, problem) = libraries.check()
        for change in changes {
            let verdict = change.newSignature.map { "the new bytes' signature: \($0.code) (\($0.sentence(file: change.file.name)))" }
                ?? "the file cannot be read"
            logger.error("library changed: \(change.sentence)")
            writeEvent(.library, actor: actor, "Library file changed, noticed at \(stage): \(change.sentence) \(verdict.prefix(1).uppercased() + verdict.dropFirst()).",
                       details: JournalRecorder.json([
                           "change": "changed-on-disk", "file": change.file.path, "role": change.file.role.rawValue,
                           "loaded_sha256": change.file.sha256, "disk_sha256": change.newSHA256 ?? "",
                           "disk_signature": change.newSignature?.code ?? "unreadable",
                       ]))
        }
        scheduler.syncOnControl {
            let current = engine.noticeMessage(.libraryInvalid)
            guard current != problem else { return }
            engine.clearNotice(.libraryInvalid)
            if let problem { engine.raiseNotice(.libraryInvalid, problem) }
        }
        return problem.map { ProtocolError(code: .refused, message: $0) }
    }

    /// The libraries in force for status: drug library, syringe library, extensions and the policy.
    func withLibraries(_ report: StatusReport) -> StatusReport {
        guard let set = libraries.set else { return report }
        var report = report
        report.drugLibrary = set.drugLibrary
        report.syringeLibrary = set.syringeLibrary
        report.libraryExtensions = set.extensions.isEmpty ? nil : set.extensions
        report.librarySignature = set.librarySignature
        return report
    }

    static func encoded(_ set: LibrarySetDTO?) -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        guard let set, let data = try? encoder.encode(set) else { return Data("{}".utf8) }
        return data
    }
}
