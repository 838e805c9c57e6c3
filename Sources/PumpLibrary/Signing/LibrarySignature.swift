// The detached signature of a library file, written next to it as `<file>.sig` (or into pumpd's
// `library_signatures_dir` as `<file name>.sig`). A small text file, one `key: value` per line:
//
//   format: pump-library-signature-1
//   file: drug-library.toml            (informational: the file name when it was signed)
//   sha256: <64 hex digits>            (SHA-256 of the library's exact bytes)
//   key-id: <16 hex digits>            (first 16 hex digits of the SHA-256 of the signer's raw public key)
//   key-name: clinic-a                 (informational: the signer's key name)
//   signature: <base64, 64 bytes>      (Ed25519)
//
// What is signed is the UTF-8 text "pump-library-signature-1\nsha256: <hex>\n": the format line makes the
// signature useless for anything else the key might sign, and the digest binds it to the exact bytes. Lines
// starting with `#` and blank lines are ignored; an unknown or repeated key, a missing key or a value of the wrong
// shape makes the file malformed.
import Foundation

/// A parsed detached signature.
public struct LibrarySignature: Sendable, Equatable {
    /// The format line's value.
    public static let format = "pump-library-signature-1"

    /// SHA-256 of the signed bytes, lowercase hex.
    public var sha256: String
    /// The signing key's id.
    public var keyID: String
    /// The signing key's name as the signer called it (informational; status names the trusted key file).
    public var keyName: String
    /// The file name when signed (informational).
    public var file: String
    /// The 64-byte Ed25519 signature.
    public var signature: Data

    /// The bytes the signature covers for a library whose SHA-256 is `sha256`.
    public static func message(sha256: String) -> Data {
        Data("\(format)\nsha256: \(sha256)\n".utf8)
    }

    /// Signs `library` with `key`.
    public static func sign(_ library: LibraryFile, with key: LibraryPrivateKey) throws -> LibrarySignature {
        LibrarySignature(sha256: library.sha256, keyID: key.publicKey.id, keyName: key.name, file: library.name,
                         signature: try key.signature(for: message(sha256: library.sha256)))
    }

    /// Where pumpd and `pump-library verify` look for the signature of the library at `path`: `<path>.sig`, or
    /// `<directory>/<file name>.sig` when a signatures directory is configured.
    public static func path(forLibraryAt path: String, signaturesDirectory: String? = nil) -> String {
        guard let signaturesDirectory else { return path + ".sig" }
        return URL(fileURLWithPath: signaturesDirectory)
            .appendingPathComponent(URL(fileURLWithPath: path).lastPathComponent + ".sig").path
    }

    /// The file's text.
    public var text: String {
        """
        # pump-library detached signature (Ed25519); README "Drug library: versions and signatures"
        format: \(Self.format)
        file: \(file)
        sha256: \(sha256)
        key-id: \(keyID)
        key-name: \(keyName)
        signature: \(signature.base64EncodedString())

        """
    }

    /// Parses a signature file's text.
    public static func parse(_ text: String) throws -> LibrarySignature {
        var fields: [String: String] = [:]
        let known: Set<String> = ["format", "file", "sha256", "key-id", "key-name", "signature"]
        for raw in text.split(whereSeparator: \.isNewline) {
            let line = raw.trimmingCharacters(in: .whitespaces)
            if line.isEmpty || line.hasPrefix("#") { continue }
            guard let colon = line.firstIndex(of: ":") else {
                throw LibrarySigningError("The signature has a line without \"key: value\": \(line.prefix(60)).")
            }
            let key = String(line[..<colon]).trimmingCharacters(in: .whitespaces)
            let value = String(line[line.index(after: colon)...]).trimmingCharacters(in: .whitespaces)
            guard known.contains(key) else { throw LibrarySigningError("The signature has an unknown key \"\(key)\".") }
            guard fields[key] == nil else { throw LibrarySigningError("The signature repeats the key \"\(key)\".") }
            fields[key] = value
        }
        func field(_ key: String) throws -> String {
            guard let value = fields[key], !value.isEmpty else { throw LibrarySigningError("The signature has no \"\(key)\".") }
            return value
        }
        guard try field("format") == format else {
            throw LibrarySigningError("The signature's format is \"\(fields["format"] ?? "")\", not \(format).")
        }
        let sha256 = try field("sha256"), keyID = try field("key-id")
        guard Self.isHex(sha256, count: 64) else { throw LibrarySigningError("The signature's sha256 is not 64 hex digits.") }
        guard Self.isHex(keyID, count: 16) else { throw LibrarySigningError("The signature's key-id is not 16 hex digits.") }
        guard let signature = Data(base64Encoded: try field("signature")), signature.count == 64 else {
            throw LibrarySigningError("The signature's signature is not 64 bytes of base64.")
        }
        return LibrarySignature(sha256: sha256, keyID: keyID, keyName: fields["key-name"] ?? "", file: fields["file"] ?? "",
                                signature: signature)
    }

    static func isHex(_ text: String, count: Int) -> Bool {
        text.count == count && text.allSatisfy { $0.isHexDigit && !$0.isUppercase }
    }
}
