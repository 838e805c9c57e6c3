// pump-library: makes Ed25519 key pairs, signs library files and verifies them, exactly as pumpd does
// (README "Drug library: versions and signatures"). The private key stays with whoever approves the library
// (pharmacy, biomedical engineering); only its public key goes to the pump's library_keys_dir.
//
// Exit status: 0 success / valid; 1 verification failed (unsigned, tampered, unknown key, malformed) or the
// library does not load; 64 usage error (ArgumentParser).
import ArgumentParser
import Foundation
import PumpLibrary

@main
struct PumpLibraryTool: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pump-library",
        abstract: "Sign and verify pumpd's drug and syringe library files (Ed25519 detached signatures).",
        subcommands: [Keygen.self, Sign.self, Verify.self])
}

/// A failure with one sentence on stderr and exit status 1.
struct ToolFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

func fail(_ message: String) -> ExitCode {
    FileHandle.standardError.write(Data(("pump-library: " + message + "\n").utf8))
    return ExitCode(1)
}

/// Writes `text` to `path` with POSIX mode `mode`, refusing to overwrite.
func writeNew(_ text: String, to path: String, mode: Int) throws {
    guard !FileManager.default.fileExists(atPath: path) else { throw ToolFailure("\(path) already exists; not overwritten.") }
    guard FileManager.default.createFile(atPath: path, contents: Data(text.utf8), attributes: [.posixPermissions: mode]) else {
        throw ToolFailure("\(path) could not be written.")
    }
}

struct Keygen: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Make an Ed25519 key pair: NAME.key (private, PEM PKCS#8, mode 0600) and NAME.pub (public, PEM).",
        discussion: "Keep NAME.key off the pump. Copy NAME.pub into pumpd's library_keys_dir (default /etc/pumpd/library-keys). OpenSSL keys work too: openssl genpkey -algorithm ed25519 -out NAME.key; openssl pkey -in NAME.key -pubout -out NAME.pub.")

    @Option(help: "Key name (file names NAME.key and NAME.pub; status and reports show it).") var name: String
    @Option(help: "Directory to write the two files into.") var outputDirectory = "."

    func run() throws {
        guard !name.isEmpty, !name.contains("/"), !name.hasPrefix(".") else {
            throw ValidationError("--name must be a plain file name, not '\(name)'.")
        }
        let key = LibraryPrivateKey.generate(name: name)
        let directory = URL(fileURLWithPath: outputDirectory, isDirectory: true)
        let privatePath = directory.appendingPathComponent("\(name).key").path
        let publicPath = directory.appendingPathComponent("\(name).pub").path
        for path in [privatePath, publicPath] where FileManager.default.fileExists(atPath: path) {
            throw fail("\(path) already exists; not overwritten, no key was made.")
        }
        do {
            try writeNew(key.pem, to: privatePath, mode: 0o600)
            try writeNew(key.publicKey.pem, to: publicPath, mode: 0o644)
        } catch {
            throw fail("\(error)")
        }
        print("private key \(privatePath) (keep it off the pump)")
        print("public key  \(publicPath) (copy into library_keys_dir)")
        print("key id      \(key.publicKey.id)")
    }
}

struct Sign: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Sign a library file: writes LIBRARY.sig (or --output) after checking that the library loads.")

    @Option(help: "The private key (PEM PKCS#8 Ed25519).") var key: String
    @Option(help: "Where to write the signature (default LIBRARY.sig; pumpd's library_signatures_dir takes NAME.sig).")
    var output: String?
    @Flag(help: "Replace an existing signature file.") var force = false
    @Argument(help: "The library file (drug library, syringe library, user syringe or calibration file).") var library: String

    func run() throws {
        let signer: LibraryPrivateKey
        let file: LibraryFile
        let content: (kind: LibraryKind, version: String?)
        do {
            let keyURL = URL(fileURLWithPath: key)
            signer = try LibraryPrivateKey.parse(pem: try String(contentsOf: keyURL, encoding: .utf8),
                                                 name: keyURL.deletingPathExtension().lastPathComponent)
            file = try LibraryFile.read(URL(fileURLWithPath: library))
            content = try LibraryContent.validate(file)
        } catch {
            throw fail("\(error.localizedDescription) Nothing was signed.")
        }
        let path = output ?? LibrarySignature.path(forLibraryAt: library)
        do {
            let signature = try LibrarySignature.sign(file, with: signer)
            if force { try? FileManager.default.removeItem(atPath: path) }
            try writeNew(signature.text, to: path, mode: 0o644)
        } catch {
            throw fail("\(error)")
        }
        print("signed      \(library) (\(content.kind.rawValue) library, version \(content.version ?? "none"))")
        print("sha256      \(file.sha256)")
        print("key         \(signer.name) (key id \(signer.publicKey.id))")
        print("signature   \(path)")
    }
}

struct Verify: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Verify a library file's signature against the trusted public keys, as pumpd does; exit 0 only when valid.")

    @Option(help: "Directory of trusted public keys (*.pem, *.pub).") var keysDir = "/etc/pumpd/library-keys"
    @Option(help: "The signature file (default LIBRARY.sig).") var signature: String?
    @Argument(help: "The library file.") var library: String

    func run() throws {
        let file: LibraryFile
        let content: (kind: LibraryKind, version: String?)
        do {
            file = try LibraryFile.read(URL(fileURLWithPath: library))
            content = try LibraryContent.validate(file)
        } catch {
            throw fail(error.localizedDescription)
        }
        let keyring = LibraryKeyring.load(directory: keysDir)
        for problem in keyring.problems { FileHandle.standardError.write(Data("pump-library: warning: \(problem)\n".utf8)) }
        let check = keyring.check(file, signatureAt: signature ?? LibrarySignature.path(forLibraryAt: library))
        print("library     \(library) (\(content.kind.rawValue) library, version \(content.version ?? "none"))")
        print("sha256      \(file.sha256)")
        print("signature   \(check.code)")
        print("signed by   \(check.signedBy.map { "\($0) (key id \(check.keyID ?? ""))" } ?? "-")")
        guard check.isValid else { throw fail(check.sentence(file: file.name) + " Keys read from \(keysDir): \(keyring.keys.map(\.name).joined(separator: ", ").ifEmpty("none")).") }
    }
}

extension String {
    func ifEmpty(_ other: String) -> String { isEmpty ? other : self }
}
