// The one place pumpd names the drug-library file it runs with for the metrics file's `pump_info`: the SHA-256
// (`LibraryFingerprint`) of the bytes of the configured `drug_library` file, or of the bundled one. Read once at
// start-up, right after the libraries were loaded from the same path. When status carries a `drug_library`
// object with its own fingerprint, point `PumpService.drugLibrarySHA256` at that instead of calling this.
import Foundation
import PumpLibrary

enum DrugLibraryIdentity {
    /// The lowercase hex SHA-256 of the drug-library file `configuration` names (or the bundled one);
    /// "unknown" when the file cannot be read again (it was read a moment before, so this is not expected).
    static func sha256(_ configuration: DaemonConfiguration) -> String {
        let url = configuration.drugLibraryPath.map { URL(fileURLWithPath: $0) } ?? (try? DrugLibraryLoader.bundledURL())
        return url.flatMap { LibraryFingerprint.sha256Hex(contentsOf: $0) } ?? "unknown"
    }
}
