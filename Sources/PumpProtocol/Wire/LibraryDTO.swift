// The identity of a library file as status, the journal and the session report name it: its version, its
// SHA-256 and who signed it. `signed_by` and `version` are always sent, `null` when absent.
import Foundation

/// One library file in force.
public struct LibraryDTO: Sendable, Equatable, Codable {
    /// The file's path as pumpd loaded it.
    public var file: String
    /// `drug-library`, `syringe-library`, `syringe-additions` (the user syringe file) or `calibration`.
    public var role: String
    /// The file's `library_version`; null when a user file has none.
    public var version: String?
    /// Lowercase hexadecimal SHA-256 of the file's exact bytes.
    public var sha256: String
    /// The name of the trusted key whose signature verified (its file name in `library_keys_dir`); null when the
    /// signature is not valid (unsigned, tampered, unknown key, malformed).
    public var signedBy: String?
    /// The id of that key (first 16 hex digits of the SHA-256 of the raw public key); null when not valid.
    public var keyId: String?
    /// The signature check: `valid`, `unsigned`, `tampered`, `invalid-signature`, `unknown-key` or `malformed`.
    public var signature: String

    /// Creates a library identity.
    public init(file: String, role: String, version: String?, sha256: String, signedBy: String?, keyId: String?, signature: String) {
        self.file = file
        self.role = role
        self.version = version
        self.sha256 = sha256
        self.signedBy = signedBy
        self.keyId = keyId
        self.signature = signature
    }

    enum CodingKeys: String, CodingKey {
        case file, role, version, sha256, signature
        case signedBy = "signed_by"
        case keyId = "key_id"
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        file = try container.decode(String.self, forKey: .file)
        role = try container.decode(String.self, forKey: .role)
        version = try container.decodeIfPresent(String.self, forKey: .version)
        sha256 = try container.decode(String.self, forKey: .sha256)
        signedBy = try container.decodeIfPresent(String.self, forKey: .signedBy)
        keyId = try container.decodeIfPresent(String.self, forKey: .keyId)
        signature = try container.decode(String.self, forKey: .signature)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(file, forKey: .file)
        try container.encode(role, forKey: .role)
        if let version { try container.encode(version, forKey: .version) } else { try container.encodeNil(forKey: .version) }
        try container.encode(sha256, forKey: .sha256)
        if let signedBy { try container.encode(signedBy, forKey: .signedBy) } else { try container.encodeNil(forKey: .signedBy) }
        if let keyId { try container.encode(keyId, forKey: .keyId) } else { try container.encodeNil(forKey: .keyId) }
        try container.encode(signature, forKey: .signature)
    }

    /// "drug-library.toml v2026-12-06.1, sha256 1a2b3c4d5e6f…, signed by clinic-a" (or "UNSIGNED", "TAMPERED", …).
    public var described: String { describe(fullHash: false) }

    /// As `described`, with the whole hash when `fullHash` (the report) or its first 16 digits (status).
    public func describe(fullHash: Bool) -> String {
        let name = URL(fileURLWithPath: file).lastPathComponent
        let signer = signedBy.map { "signed by \($0) (key \(keyId ?? "?"))" } ?? "signature \(signature.uppercased())"
        let hash = fullHash ? sha256 : String(sha256.prefix(16)) + "…"
        return "\(name) \(version.map { "v\($0)" } ?? "(no version)"), sha256 \(hash), \(signer)"
    }
}

/// Every library file in force when a session was programmed, and the signature policy (the journal keeps it
/// with the program; the report shows it).
public struct LibrarySetDTO: Sendable, Equatable, Codable {
    /// The drug library.
    public var drugLibrary: LibraryDTO
    /// The base syringe library.
    public var syringeLibrary: LibraryDTO
    /// The user syringe file and the calibration file, when configured.
    public var extensions: [LibraryDTO]
    /// `required` or `not-required` (pumpd.toml `library_signature`).
    public var librarySignature: String

    /// Creates a library set.
    public init(drugLibrary: LibraryDTO, syringeLibrary: LibraryDTO, extensions: [LibraryDTO], librarySignature: String) {
        self.drugLibrary = drugLibrary
        self.syringeLibrary = syringeLibrary
        self.extensions = extensions
        self.librarySignature = librarySignature
    }

    enum CodingKeys: String, CodingKey {
        case extensions
        case drugLibrary = "drug_library"
        case syringeLibrary = "syringe_library"
        case librarySignature = "library_signature"
    }

    /// All files, drug library first.
    public var all: [LibraryDTO] { [drugLibrary, syringeLibrary] + extensions }
}
