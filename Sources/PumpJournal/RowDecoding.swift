// Decoding journal rows into public values. A row that cannot be decoded (NULL where the schema forbids it,
// an unknown event kind) means the file is not what this code wrote: it is reported as `.corrupt`.
import Foundation
import GRDB
import PumpCore

enum RowDecoding {
    static func value<T: DatabaseValueConvertible>(_ row: Row, _ column: String, path: String) throws -> T {
        guard let value = row[column] as T? else {
            throw JournalError.corrupt(path: path, detail: "column \(column) is missing or has the wrong type")
        }
        return value
    }

    static func actor(_ row: Row, path: String) throws -> JournalActor {
        JournalActor(
            uid: (row["actor_uid"] as Int64?).flatMap(UInt32.init(exactly:)),
            gid: (row["actor_gid"] as Int64?).flatMap(UInt32.init(exactly:)),
            pid: (row["actor_pid"] as Int64?).flatMap(Int32.init(exactly:)),
            name: try value(row, "actor_name", path: path))
    }

    static func sessionStart(_ row: Row, path: String) throws -> SessionStart {
        SessionStart(
            patientID: row["patient_id"],
            drug: try value(row, "drug", path: path),
            profile: try value(row, "profile", path: path),
            program: try value(row, "program", path: path),
            targetDose: Milligrams(try value(row, "target_mg", path: path)),
            targetVolume: Milliliters(try value(row, "target_ml", path: path)),
            targetSteps: Steps(try value(row, "target_steps", path: path)),
            wall: try value(row, "wall", path: path),
            monotonic: MonotonicInstant(nanoseconds: try value(row, "mono_ns", path: path)),
            actor: try actor(row, path: path))
    }

    static func delivered(_ row: Row, path: String) throws -> DeliveredAmount {
        DeliveredAmount(
            steps: Steps(try value(row, "delivered_steps", path: path)),
            volume: Milliliters(try value(row, "delivered_ml", path: path)),
            dose: Milligrams(try value(row, "delivered_mg", path: path)))
    }

    static func checkpoint(_ row: Row, path: String) throws -> CheckpointRecord {
        CheckpointRecord(
            delivered: try delivered(row, path: path),
            state: try value(row, "state", path: path),
            infusing: try value(row, "infusing", path: path),
            monotonic: MonotonicInstant(nanoseconds: try value(row, "mono_ns", path: path)),
            wall: try value(row, "wall", path: path),
            uncertain: Steps(try value(row, "uncertain_steps", path: path) as Int64))
    }

    static func entry(_ row: Row, path: String) throws -> JournalEntry {
        let rawKind: String = try value(row, "kind", path: path)
        guard let kind = JournalEventKind(rawValue: rawKind) else {
            throw JournalError.corrupt(path: path, detail: "unknown event kind '\(rawKind)'")
        }
        let event = JournalEvent(
            kind: kind,
            session: (row["session_id"] as Int64?).map(SessionID.init(rawValue:)),
            actor: try actor(row, path: path),
            monotonic: MonotonicInstant(nanoseconds: try value(row, "mono_ns", path: path)),
            wall: try value(row, "wall", path: path),
            summary: try value(row, "summary", path: path),
            details: try value(row, "details", path: path))
        return JournalEntry(sequence: try value(row, "id", path: path), event: event)
    }
}
