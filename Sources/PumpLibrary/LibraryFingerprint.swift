// The identity of a library file is the SHA-256 of its exact bytes (swift-crypto; Foundation on Linux has no
// digest API). The same function names the file in status, the journal, the report and the metrics file, so
// every record can be matched to the one file that was in force.
import Crypto
import Foundation

/// SHA-256 fingerprints of library files.
public enum LibraryFingerprint {
    /// The lowercase hexadecimal SHA-256 of `data` (64 characters).
    public static func sha256Hex(_ data: Data) -> String {
        SHA256.hash(data: data).map { byte in
            let hex = String(byte, radix: 16)
            return hex.count == 1 ? "0" + hex : hex
        }.joined()
    }

    /// The fingerprint of the file at `url`, or nil when it cannot be read.
    public static func sha256Hex(contentsOf url: URL) -> String? {
        guard let data = try? Data(contentsOf: url) else { return nil }
        return sha256Hex(data)
    }
}
