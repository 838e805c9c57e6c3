// Detached Ed25519 signatures of library files (PumpLibrary/Signing): a good signature verifies; one changed
// byte, another key, a missing or malformed signature file, or an altered signature each gives its own outcome;
// keys are PEM as OpenSSL writes them; library files carry library_version.
import Foundation
import PumpLibrary
import Testing

@Suite("Library signatures and versions")
struct LibrarySignatureTests {
    static func library(_ text: String = validDrugTOML) -> LibraryFile {
        LibraryFile(path: "/tmp/drug-library.toml", data: Data(text.utf8))
    }

    /// Writes `signature` to a fresh file and checks `file` against it with `keyring`.
    static func check(_ file: LibraryFile, _ signatureText: String?, _ keyring: LibraryKeyring) throws -> LibrarySignatureCheck {
        let url = try TempFile.write(signatureText ?? "", name: "drug-library.toml.sig")
        if signatureText == nil { try FileManager.default.removeItem(at: url) }
        return keyring.check(file, signatureAt: url.path)
    }

    @Test("HAZ-001: a library signed by a trusted key verifies, naming the key and its id")
    func goodSignature() throws {
        let key = LibraryPrivateKey.generate(name: "clinic-a")
        let file = Self.library()
        let signature = try LibrarySignature.sign(file, with: key)
        let outcome = try Self.check(file, signature.text, LibraryKeyring(keys: [key.publicKey]))
        #expect(outcome == .valid(keyName: "clinic-a", keyID: key.publicKey.id))
        #expect(outcome.signedBy == "clinic-a" && outcome.code == "valid")
        #expect(signature.sha256 == file.sha256 && file.sha256 == LibraryFingerprint.sha256Hex(Data(validDrugTOML.utf8)))
    }

    @Test("HAZ-001: one changed byte after signing is tampered, at any position")
    func tamperedByte() throws {
        let key = LibraryPrivateKey.generate(name: "clinic-a")
        let original = Self.library()
        let text = try LibrarySignature.sign(original, with: key).text
        let keyring = LibraryKeyring(keys: [key.publicKey])
        for position in [0, original.data.count / 2, original.data.count - 1] {
            var bytes = original.data
            bytes[position] ^= 0x01
            let outcome = try Self.check(LibraryFile(path: original.path, data: bytes), text, keyring)
            guard case .tampered(let signed, let actual) = outcome else {
                Issue.record("byte \(position): \(outcome)")
                continue
            }
            #expect(signed == original.sha256 && actual != signed)
        }
    }

    @Test("HAZ-001: a signature by a key that is not trusted is unknown-key, even when the file is intact")
    func wrongKey() throws {
        let trusted = LibraryPrivateKey.generate(name: "clinic-a")
        let other = LibraryPrivateKey.generate(name: "clinic-a")  // same name, different key: the id decides
        let file = Self.library()
        let outcome = try Self.check(file, try LibrarySignature.sign(file, with: other).text, LibraryKeyring(keys: [trusted.publicKey]))
        #expect(outcome == .unknownKey(keyID: other.publicKey.id, keyName: "clinic-a"))
        #expect(!outcome.isValid && outcome.signedBy == nil)
    }

    @Test("HAZ-001: no signature file is unsigned")
    func missingSignature() throws {
        let key = LibraryPrivateKey.generate(name: "clinic-a")
        #expect(try Self.check(Self.library(), nil, LibraryKeyring(keys: [key.publicKey])) == .unsigned)
    }

    @Test("HAZ-001: malformed signature files are refused with a sentence; an altered signature does not verify")
    func malformedSignature() throws {
        let key = LibraryPrivateKey.generate(name: "clinic-a")
        let file = Self.library()
        let keyring = LibraryKeyring(keys: [key.publicKey])
        let good = try LibrarySignature.sign(file, with: key)
        let broken: [(String, String)] = [
            ("garbage", "not a signature at all"),
            ("empty", ""),
            ("wrong format", good.text.replacingOccurrences(of: LibrarySignature.format, with: "pump-library-signature-9")),
            ("short signature", good.text.replacingOccurrences(of: good.signature.base64EncodedString(), with: Data(count: 10).base64EncodedString())),
            ("bad base64", good.text.replacingOccurrences(of: good.signature.base64EncodedString(), with: "@@@@")),
            ("no sha256", good.text.replacingOccurrences(of: "sha256: \(good.sha256)\n", with: "")),
            ("unknown key", good.text + "comment: hello\n"),
            ("repeated key", good.text + "sha256: \(good.sha256)\n"),
            ("uppercase hash", good.text.replacingOccurrences(of: good.sha256, with: good.sha256.uppercased())),
        ]
        for (name, text) in broken {
            let outcome = try Self.check(file, text, keyring)
            guard case .malformed(let why) = outcome else {
                Issue.record("\(name): \(outcome)")
                continue
            }
            #expect(!why.isEmpty, "\(name)")
        }
        var altered = good
        altered.signature[5] ^= 0x80
        #expect(try Self.check(file, altered.text, keyring) == .invalidSignature(keyName: "clinic-a", keyID: key.publicKey.id))
        // The digest line edited to match other bytes: the signature no longer covers it.
        let other = Self.library(validDrugTOML + "# edited\n")
        var forged = good
        forged.sha256 = other.sha256
        #expect(try Self.check(other, forged.text, keyring) == .invalidSignature(keyName: "clinic-a", keyID: key.publicKey.id))
    }

    @Test("Keys round-trip through PEM; OpenSSL's Ed25519 keys are read and sign what pump-library verifies")
    func pemKeys() throws {
        let key = LibraryPrivateKey.generate(name: "clinic-a")
        let reread = try LibraryPrivateKey.parse(pem: key.pem, name: "clinic-a")
        #expect(reread.publicKey == key.publicKey)
        #expect(try LibraryPublicKey.parse(pem: key.publicKey.pem, name: "clinic-a") == key.publicKey)
        #expect(key.pem.hasPrefix("-----BEGIN PRIVATE KEY-----\n") && key.publicKey.pem.hasPrefix("-----BEGIN PUBLIC KEY-----\n"))
        #expect(throws: LibrarySigningError.self) { try LibraryPublicKey.parse(pem: key.pem, name: "x") }
        #expect(throws: LibrarySigningError.self) { try LibraryPrivateKey.parse(pem: "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n", name: "x") }

        // OpenSSL (Debian's openssl package) writes the same RFC 8410 encodings.
        let directory = try TempFile.write("", name: "unused").deletingLastPathComponent()
        let privatePath = directory.appendingPathComponent("ossl.key").path, publicPath = directory.appendingPathComponent("ossl.pub").path
        #expect(Self.run("/usr/bin/openssl", ["genpkey", "-algorithm", "ed25519", "-out", privatePath]) == 0)
        #expect(Self.run("/usr/bin/openssl", ["pkey", "-in", privatePath, "-pubout", "-out", publicPath]) == 0)
        let osslPrivate = try LibraryPrivateKey.parse(pem: try String(contentsOfFile: privatePath, encoding: .utf8), name: "ossl")
        let osslPublic = try LibraryPublicKey.parse(pem: try String(contentsOfFile: publicPath, encoding: .utf8), name: "ossl")
        #expect(osslPrivate.publicKey.raw == osslPublic.raw)
        let file = Self.library()
        #expect(try Self.check(file, try LibrarySignature.sign(file, with: osslPrivate).text, LibraryKeyring(keys: [osslPublic])).isValid)
    }

    @Test("The keys directory: *.pem and *.pub files named by file name; a bad file is reported, not fatal")
    func keyringDirectory() throws {
        let a = LibraryPrivateKey.generate(name: "a"), b = LibraryPrivateKey.generate(name: "b")
        let directory = try TempFile.write(a.publicKey.pem, name: "pharmacy.pub").deletingLastPathComponent()
        try b.publicKey.pem.write(to: directory.appendingPathComponent("biomed.pem"), atomically: true, encoding: .utf8)
        try "junk".write(to: directory.appendingPathComponent("broken.pub"), atomically: true, encoding: .utf8)
        try "ignored".write(to: directory.appendingPathComponent("README"), atomically: true, encoding: .utf8)
        let keyring = LibraryKeyring.load(directory: directory.path)
        #expect(keyring.keys.map(\.name) == ["biomed", "pharmacy"])
        #expect(keyring.key(id: a.publicKey.id)?.name == "pharmacy")
        #expect(keyring.problems.count == 1 && keyring.problems[0].contains("broken.pub"))
        #expect(LibraryKeyring.load(directory: directory.appendingPathComponent("absent").path).keys.isEmpty)
    }

    @Test("Signature paths: next to the library, or in a signatures directory by file name")
    func signaturePaths() {
        #expect(LibrarySignature.path(forLibraryAt: "/etc/pumpd/drug-library.toml") == "/etc/pumpd/drug-library.toml.sig")
        #expect(LibrarySignature.path(forLibraryAt: "/usr/share/pumpd/syringes.toml", signaturesDirectory: "/etc/pumpd/library-signatures")
                == "/etc/pumpd/library-signatures/syringes.toml.sig")
    }

    @Test("HAZ-007: the shipped libraries carry library_version; a drug or base syringe library without it does not load")
    func versions() throws {
        let drug = try LibraryFile.read(BundledLibrary.url("drug-library"))
        let syringes = try LibraryFile.read(BundledLibrary.url("syringes"))
        #expect(try DrugLibraryLoader.load(drug).version == "2026-12-06.1")
        #expect(try SyringeLibraryLoader.load(syringes).version == "2026-12-06.1")
        #expect(try LibraryContent.validate(drug) == (.drug, "2026-12-06.1"))
        #expect(try LibraryContent.validate(syringes) == (.syringe, "2026-12-06.1"))
        let unversioned = LibraryFile(path: "/tmp/d.toml", data: Data(validDrugTOML.replacingOccurrences(of: "library_version = \"test-1\"\n", with: "").utf8))
        let error = try #require(throws: LibraryLoadError.self) { try DrugLibraryLoader.load(unversioned) }
        #expect(error.kind == .missingKey && error.key == "library_version")
        let blank = LibraryFile(path: "/tmp/d.toml", data: Data(validDrugTOML.replacingOccurrences(of: "\"test-1\"", with: "\" \"").utf8))
        #expect(throws: LibraryLoadError.self) { try DrugLibraryLoader.load(blank) }
        let baseWithout = LibraryFile(path: "/tmp/s.toml", data: Data(validSyringeTOML.utf8))
        #expect(throws: LibraryLoadError.self) { try SyringeLibraryLoader.load(baseWithout) }
        // A user file may carry one; it may also leave it out.
        let base = try SyringeLibraryLoader.bundled()
        #expect(try base.merging(LibraryFile(path: "/tmp/u.toml", data: Data(("library_version = \"ward-3\"\n" + validSyringeTOML).utf8))).version == "ward-3")
        #expect(try base.merging(LibraryFile(path: "/tmp/u.toml", data: Data(validSyringeTOML.utf8))).version == nil)
        #expect(try LibraryContent.validate(LibraryFile(path: "/tmp/c.toml", data: Data("[calibration]\nbd-50 = 1.01\n".utf8))).kind == .syringe)
    }

    static func run(_ executable: String, _ arguments: [String]) -> Int32 {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        do { try process.run() } catch { return -1 }
        process.waitUntilExit()
        return process.terminationStatus
    }
}
