// What pumpd knows about its library files while it runs, and the one rule that decides whether programming and
// starting are allowed (HAZ-001, HAZ-007):
//  - the planner's and the supervisor's loads read the same bytes (hash equal, file by file), always;
//  - with library_signature = "required", every file's signature is valid (trusted key, exact bytes);
//  - every file on disk still has the hash it had when loaded. The check re-reads and re-hashes each file at
//    every program and start; a changed file is journaled once per new hash with its new signature check, and
//    refuses until the file is restored or pumpd is restarted (which loads and verifies the new file). pumpd never
//    swaps libraries under a running daemon: the records name exactly the bytes that were in force.
import Foundation
import PumpLibrary
import PumpProtocol

/// The libraries in force and their checks (thread-safe).
final class LibraryBook: @unchecked Sendable {
    /// The signature policy.
    let policy: LibrarySignaturePolicy
    /// The trusted keys, read at start-up.
    let keyring: LibraryKeyring
    /// The planner's load: the libraries in force.
    let inForce: LibraryLoad
    /// Why the supervisor's load does not match the planner's, if it does not.
    let channelMismatch: String?
    private let signaturesDirectory: String?
    private let lock = NSLock()
    /// Per path, the newest on-disk hash that differs from the one in force (already journaled).
    private var changedOnDisk: [String: String] = [:]

    init(planner: LibraryLoad, supervisor: LibraryLoad, configuration: DaemonConfiguration, keyring: LibraryKeyring) {
        policy = configuration.librarySignature
        self.keyring = keyring
        inForce = planner
        channelMismatch = planner.mismatch(supervisor)
        signaturesDirectory = configuration.librarySignaturesDirectory
    }

    /// The set the wire, the journal and the report carry.
    var set: LibrarySetDTO? { inForce.set(policy: policy) }

    /// One sentence per file whose signature the policy does not accept (empty when not required).
    var signatureProblems: [String] {
        guard policy == .required else { return [] }
        return inForce.files.filter { !$0.signature.isValid }.map { $0.signature.sentence(file: $0.name, signaturePath: $0.signaturePath) }
    }

    /// A file found changed on disk.
    struct Change: Sendable {
        let file: LoadedLibraryFile
        let newSHA256: String?
        let newSignature: LibrarySignatureCheck?

        var sentence: String {
            guard let newSHA256 else {
                return "\(file.name) can no longer be read at \(file.path) (pumpd loaded sha256 \(file.sha256.prefix(12))…)."
            }
            return "\(file.name) changed on disk since pumpd loaded it (sha256 \(file.sha256.prefix(12))… → \(newSHA256.prefix(12))…)."
        }
    }

    /// Re-reads every file. Returns the files changed now (changes not seen before first, for the journal) and
    /// the sentence that refuses programming, if any.
    func check() -> (newChanges: [Change], problem: String?) {
        var changes: [Change] = []
        var newChanges: [Change] = []
        for loaded in inForce.files {
            let current = try? LibraryFile.read(URL(fileURLWithPath: loaded.path))
            guard current?.sha256 != loaded.sha256 else {
                lock.withLock { _ = changedOnDisk.removeValue(forKey: loaded.path) }
                continue
            }
            let signature = current.map {
                keyring.check($0, signatureAt: LibrarySignature.path(forLibraryAt: loaded.path, signaturesDirectory: signaturesDirectory))
            }
            let change = Change(file: loaded, newSHA256: current?.sha256, newSignature: signature)
            changes.append(change)
            let seen = lock.withLock { () -> Bool in
                let key = current?.sha256 ?? "unreadable"
                defer { changedOnDisk[loaded.path] = key }
                return changedOnDisk[loaded.path] == key
            }
            if !seen { newChanges.append(change) }
        }
        return (newChanges, problem(changes: changes))
    }

    /// The problem pumpd found at start-up (no disk re-read), if any; the same sentence `check` gives then.
    var startupProblem: String? { problem(changes: []) }

    /// One sentence (or a few) naming every file that does not pass, and the remedy; nil when all pass.
    private func problem(changes: [Change]) -> String? {
        var reasons: [String] = []
        if let channelMismatch { reasons.append(channelMismatch) }
        let unsigned = signatureProblems
        if !unsigned.isEmpty { reasons.append("library_signature = \"required\": " + unsigned.joined(separator: " ")) }
        reasons += changes.map(\.sentence)
        guard !reasons.isEmpty else { return nil }
        let remedy = !changes.isEmpty ? "restore the file or restart pumpd to load and verify the new one."
            : !unsigned.isEmpty ? "sign the library with pump-library sign, put the public key in \(keyring.directory ?? "the library keys directory") and restart pumpd."
            : "restart pumpd."
        return reasons.joined(separator: " ") + " Programming and starting infusions is refused; " + remedy
    }

    /// "drug library drug-library.toml v…, sha256 …, signed by …; syringe library …" for journal summaries.
    var phrase: String {
        inForce.files.map { "\($0.role.rawValue) \($0.dto.described)" }.joined(separator: "; ")
    }
}
