// The public keys pumpd trusts to sign libraries: every `*.pem` or `*.pub` file in `library_keys_dir`
// (default /etc/pumpd/library-keys), named by its file name without the extension. A key file that cannot be
// read is reported, not fatal (the libraries it signed are then "signed by an unknown key").
import Foundation

/// The trusted public keys.
public struct LibraryKeyring: Sendable, Equatable {
    /// The keys, by file name.
    public var keys: [LibraryPublicKey]
    /// One sentence per key file that could not be used.
    public var problems: [String]
    /// The directory they were read from (nil: built in code).
    public var directory: String?

    /// A keyring of the given keys.
    public init(keys: [LibraryPublicKey], problems: [String] = [], directory: String? = nil) {
        self.keys = keys
        self.problems = problems
        self.directory = directory
    }

    /// Reads every `*.pem` and `*.pub` file of `directory`; a missing directory is an empty keyring.
    public static func load(directory: String) -> LibraryKeyring {
        let url = URL(fileURLWithPath: directory, isDirectory: true)
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: directory) else {
            return LibraryKeyring(keys: [], problems: [], directory: directory)
        }
        var keys: [LibraryPublicKey] = []
        var problems: [String] = []
        for name in names.sorted() where name.hasSuffix(".pem") || name.hasSuffix(".pub") {
            let file = url.appendingPathComponent(name)
            let keyName = file.deletingPathExtension().lastPathComponent
            do {
                let key = try LibraryPublicKey.parse(pem: try String(contentsOf: file, encoding: .utf8), name: keyName)
                if let same = keys.first(where: { $0.id == key.id }) {
                    problems.append("\(file.path) is the same key as \(same.name); ignored.")
                } else {
                    keys.append(key)
                }
            } catch {
                problems.append("\(file.path): \(error.localizedDescription)")
            }
        }
        return LibraryKeyring(keys: keys, problems: problems, directory: directory)
    }

    /// The key with `id`, if trusted.
    public func key(id: String) -> LibraryPublicKey? { keys.first { $0.id == id } }

    /// Checks the signature of `library` found at `signaturePath`.
    public func check(_ library: LibraryFile, signatureAt signaturePath: String) -> LibrarySignatureCheck {
        guard FileManager.default.fileExists(atPath: signaturePath) else { return .unsigned }
        let signature: LibrarySignature
        do {
            signature = try LibrarySignature.parse(try String(contentsOfFile: signaturePath, encoding: .utf8))
        } catch {
            return .malformed(error.localizedDescription)
        }
        guard let key = key(id: signature.keyID) else {
            return .unknownKey(keyID: signature.keyID, keyName: signature.keyName)
        }
        guard signature.sha256 == library.sha256 else {
            return .tampered(signed: signature.sha256, actual: library.sha256)
        }
        guard key.isValidSignature(signature.signature, for: LibrarySignature.message(sha256: library.sha256)) else {
            return .invalidSignature(keyName: key.name, keyID: key.id)
        }
        return .valid(keyName: key.name, keyID: key.id)
    }
}

/// The outcome of checking a library's detached signature.
public enum LibrarySignatureCheck: Sendable, Equatable {
    /// Signed by a trusted key over exactly these bytes.
    case valid(keyName: String, keyID: String)
    /// No signature file.
    case unsigned
    /// The file's bytes are not the bytes that were signed (it changed after signing).
    case tampered(signed: String, actual: String)
    /// The signature does not verify with the trusted key it names (the signature file was altered).
    case invalidSignature(keyName: String, keyID: String)
    /// Signed by a key that is not in the keys directory.
    case unknownKey(keyID: String, keyName: String)
    /// The signature file cannot be read as a signature.
    case malformed(String)

    /// The stable code: `valid`, `unsigned`, `tampered`, `invalid-signature`, `unknown-key`, `malformed`.
    public var code: String {
        switch self {
        case .valid: "valid"
        case .unsigned: "unsigned"
        case .tampered: "tampered"
        case .invalidSignature: "invalid-signature"
        case .unknownKey: "unknown-key"
        case .malformed: "malformed"
        }
    }

    /// Whether the signature is good.
    public var isValid: Bool { if case .valid = self { true } else { false } }

    /// The trusted key's name, when valid.
    public var signedBy: String? { if case .valid(let name, _) = self { name } else { nil } }

    /// The trusted key's id, when valid.
    public var keyID: String? { if case .valid(_, let id) = self { id } else { nil } }

    /// One sentence about the library `file` (its name), e.g. for the `library-invalid` alarm; `signaturePath` is
    /// where the signature was looked for.
    public func sentence(file: String, signaturePath: String? = nil) -> String {
        switch self {
        case .valid(let name, let id): "\(file) is signed by \(name) (key \(id))."
        case .unsigned: "\(file) is not signed (no \(signaturePath ?? file + ".sig"))."
        case .tampered(let signed, let actual):
            "\(file) was changed after it was signed (signed sha256 \(signed.prefix(12))…, file sha256 \(actual.prefix(12))…)."
        case .invalidSignature(let name, let id): "\(file)'s signature does not verify with the key \(name) (key \(id)) it names."
        case .unknownKey(let id, let name):
            "\(file) is signed by a key that is not trusted here (key \(id)\(name.isEmpty ? "" : ", called \(name)"); not in the library keys directory)."
        case .malformed(let why): "\(file)'s signature file is malformed: \(why)"
        }
    }
}
