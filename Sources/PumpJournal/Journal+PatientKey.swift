// Patient ids are compared in their normalised form (PumpCore's IdentifierKey: NFKC, trimmed, case-folded) by
// every query that selects by patient: the repeat-dose window, the session history and the reports. The
// journal keeps the id exactly as typed; the key is computed at query time by the SQL function
// `pumpd_patient_key`, registered on every connection, so rows written before this rule existed are matched
// the same way and no schema migration (which the append-only triggers would forbid for existing rows) is
// needed. Session tables are small (a few sessions a day), so the scan this costs is negligible.
import Foundation
import GRDB
import PumpCore

extension Journal {
    /// The SQL function's name: `pumpd_patient_key(text)` is NULL for NULL, else the normalised key.
    static let patientKeyFunctionName = "pumpd_patient_key"

    /// Registers `pumpd_patient_key` on `db`.
    static func registerPatientKey(_ db: Database) {
        db.add(function: DatabaseFunction(patientKeyFunctionName, argumentCount: 1, pure: true) { values in
            guard let text = String.fromDatabaseValue(values[0]) else { return nil }
            return IdentifierKey.normalized(text)
        })
    }
}
