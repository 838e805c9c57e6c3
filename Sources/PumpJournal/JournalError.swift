// Typed journal failures (HAZ-014). Every SQLite failure is mapped to one of these cases and thrown to the
// caller: nothing is swallowed, retried silently or "repaired" by deleting the file. The daemon decides what a
// failure means clinically (a journal that cannot record is a high-priority alarm and blocks starting).
import Foundation
import GRDB

/// Why the journal could not do what was asked.
public enum JournalError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The disk (or the configured size limit) is full: the record was not written; earlier records are intact.
    case diskFull
    /// The journal file is damaged or is not a journal at all. It is left exactly as found for investigation.
    case corrupt(path: String, detail: String)
    /// An operating-system input/output failure (including "cannot open" and "locked by another process").
    case io(String)
    /// The journal file or its directory cannot be written.
    case readOnly
    /// The write breaks a journal rule (for example a checkpoint for a closed session, a second open session,
    /// or a non-finite quantity); nothing was written.
    case rejected(String)

    public var description: String {
        switch self {
        case .diskFull: return "journal: disk full, record not written"
        case let .corrupt(path, detail): return "journal: \(path) is corrupt: \(detail)"
        case let .io(detail): return "journal: I/O error: \(detail)"
        case .readOnly: return "journal: read-only, record not written"
        case let .rejected(detail): return "journal: write rejected: \(detail)"
        }
    }

    /// Maps any error thrown by GRDB/SQLite or Foundation to a journal error for the file at `path`.
    static func map(_ error: any Error, path: String) -> JournalError {
        if let journalError = error as? JournalError { return journalError }
        guard let dbError = error as? DatabaseError else {
            return .io(String(describing: error))
        }
        let detail = dbError.message ?? dbError.resultCode.description
        switch dbError.resultCode {
        case .SQLITE_FULL: return .diskFull
        case .SQLITE_CORRUPT, .SQLITE_NOTADB: return .corrupt(path: path, detail: detail)
        case .SQLITE_READONLY: return .readOnly
        case .SQLITE_CONSTRAINT: return .rejected(detail)
        case .SQLITE_IOERR: return .io("\(detail) (\(dbError.extendedResultCode))")
        default: return .io("\(detail) (\(dbError.extendedResultCode))")
        }
    }
}
