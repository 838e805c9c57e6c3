// Ed25519 keys for signing library files (swift-crypto's Curve25519.Signing), stored as PEM exactly as OpenSSL
// writes them (RFC 8410): a private key is PKCS#8 `-----BEGIN PRIVATE KEY-----` (DER 30 2e 02 01 00 30 05 06 03
// 2b 65 70 04 22 04 20 + the 32-byte seed), a public key is SubjectPublicKeyInfo `-----BEGIN PUBLIC KEY-----`
// (DER 30 2a 30 05 06 03 2b 65 70 03 21 00 + the 32-byte key). So `openssl genpkey -algorithm ed25519` and
// `openssl pkey -pubout` make keys pump-library accepts, and the other way round.
//
// Why hand-written: swift-crypto 3.12 has PEM/DER only for the NIST curves, not for Curve25519; for Ed25519 both
// encodings are one fixed prefix followed by the raw key (RFC 8410 §7 and §10.3), so the code below only checks
// that prefix and the length, and anything else is refused with a sentence.
//
// A key's id is the first 16 hex digits of the SHA-256 of its raw 32-byte public key; a signature names the id.
import Crypto
import Foundation

/// Why a key or a signature file could not be read.
public struct LibrarySigningError: Error, Sendable, Equatable, CustomStringConvertible, LocalizedError {
    /// One sentence naming the file and the problem.
    public let message: String
    /// Creates an error.
    public init(_ message: String) { self.message = message }
    /// The sentence.
    public var description: String { message }
    /// The sentence (for `localizedDescription`).
    public var errorDescription: String? { message }
}

/// A public key that may sign libraries (a file in `library_keys_dir`).
public struct LibraryPublicKey: Sendable, Equatable {
    /// The key's name: its file name without the extension (`clinic-a.pub` → `clinic-a`).
    public let name: String
    /// The raw 32-byte Ed25519 public key.
    public let raw: Data

    /// Creates a key from its raw bytes.
    public init(name: String, raw: Data) throws {
        guard raw.count == 32 else { throw LibrarySigningError("The public key \(name) is \(raw.count) bytes long, not 32.") }
        self.name = name
        self.raw = raw
    }

    /// A key whose length the caller guarantees (swift-crypto's own 32-byte representation).
    init(name: String, exactly raw: Data) {
        self.name = name
        self.raw = raw
    }

    /// The first 16 hex digits of the SHA-256 of the raw key.
    public var id: String { LibraryKeyID.of(raw) }

    /// The key as a PEM SubjectPublicKeyInfo document.
    public var pem: String { PEMText.encode(LibraryKeyDER.publicPrefix + raw, label: "PUBLIC KEY") }

    /// Reads a PEM public key; `name` is what status and reports will call it.
    public static func parse(pem text: String, name: String) throws -> LibraryPublicKey {
        let der = try PEMText.decode(text, label: "PUBLIC KEY", what: "public key \(name)")
        guard der.count == LibraryKeyDER.publicPrefix.count + 32, der.starts(with: LibraryKeyDER.publicPrefix) else {
            throw LibrarySigningError("The public key \(name) is not an Ed25519 key (RFC 8410 SubjectPublicKeyInfo, 44 bytes of DER).")
        }
        return try LibraryPublicKey(name: name, raw: der.suffix(32))
    }

    /// Whether `signature` is this key's signature of `message`.
    public func isValidSignature(_ signature: Data, for message: Data) -> Bool {
        guard let key = try? Curve25519.Signing.PublicKey(rawRepresentation: raw) else { return false }
        return key.isValidSignature(signature, for: message)
    }
}

/// A private key that signs libraries (kept off the pump: the clinic's pharmacy or biomedical engineering).
public struct LibraryPrivateKey: Sendable {
    /// The key's name (its file name without the extension).
    public let name: String
    /// The 32-byte Ed25519 seed (swift-crypto's raw representation; stored as bytes so the type is Sendable).
    let seed: Data
    /// The matching public key.
    public let publicKey: LibraryPublicKey

    private init(name: String, key: Curve25519.Signing.PrivateKey) {
        self.name = name
        seed = key.rawRepresentation
        // swift-crypto's raw representation of an Ed25519 public key is always 32 bytes.
        publicKey = LibraryPublicKey(name: name, exactly: key.publicKey.rawRepresentation)
    }

    /// A new random key pair.
    public static func generate(name: String) -> LibraryPrivateKey {
        LibraryPrivateKey(name: name, key: Curve25519.Signing.PrivateKey())
    }

    /// Reads a PEM PKCS#8 Ed25519 private key.
    public static func parse(pem text: String, name: String) throws -> LibraryPrivateKey {
        let der = try PEMText.decode(text, label: "PRIVATE KEY", what: "private key \(name)")
        guard der.count == LibraryKeyDER.privatePrefix.count + 32, der.starts(with: LibraryKeyDER.privatePrefix) else {
            throw LibrarySigningError("The private key \(name) is not an Ed25519 PKCS#8 key (RFC 8410, 48 bytes of DER, as `openssl genpkey -algorithm ed25519` writes it).")
        }
        do {
            return LibraryPrivateKey(name: name, key: try Curve25519.Signing.PrivateKey(rawRepresentation: der.suffix(32)))
        } catch {
            throw LibrarySigningError("The private key \(name) could not be used: \(error).")
        }
    }

    /// The key as a PEM PKCS#8 document.
    public var pem: String { PEMText.encode(LibraryKeyDER.privatePrefix + seed, label: "PRIVATE KEY") }

    /// Signs `message`.
    public func signature(for message: Data) throws -> Data {
        do {
            return try Curve25519.Signing.PrivateKey(rawRepresentation: seed).signature(for: message)
        } catch {
            throw LibrarySigningError("Signing with the key \(name) failed: \(error).")
        }
    }
}

/// Key ids.
public enum LibraryKeyID {
    /// The first 16 hex digits of the SHA-256 of a raw public key.
    public static func of(_ raw: Data) -> String { String(LibraryFingerprint.sha256Hex(raw).prefix(16)) }
}

/// The fixed DER prefixes of RFC 8410 Ed25519 keys.
enum LibraryKeyDER {
    static let publicPrefix = Data([0x30, 0x2A, 0x30, 0x05, 0x06, 0x03, 0x2B, 0x65, 0x70, 0x03, 0x21, 0x00])
    static let privatePrefix = Data([0x30, 0x2E, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06, 0x03, 0x2B, 0x65, 0x70, 0x04, 0x22, 0x04, 0x20])
}

/// PEM armour (RFC 7468): base64 between BEGIN/END lines, 64 characters a line.
enum PEMText {
    static func encode(_ der: Data, label: String) -> String {
        let base64 = der.base64EncodedString(options: [.lineLength64Characters, .endLineWithLineFeed])
        return "-----BEGIN \(label)-----\n\(base64)\n-----END \(label)-----\n"
    }

    static func decode(_ text: String, label: String, what: String) throws -> Data {
        let lines = text.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }
        guard let begin = lines.firstIndex(of: "-----BEGIN \(label)-----"),
              let end = lines.firstIndex(of: "-----END \(label)-----"), end > begin else {
            throw LibrarySigningError("The \(what) is not a PEM \"\(label)\" file (no -----BEGIN \(label)----- … -----END \(label)----- block).")
        }
        guard let der = Data(base64Encoded: lines[(begin + 1)..<end].joined()) else {
            throw LibrarySigningError("The \(what) has invalid base64 between its PEM lines.")
        }
        return der
    }
}
