// pumpd's load of its library files: the drug library (drug_library, else the bundled one), the bundled syringe
// library, and the optional user syringe file and calibration file. Each file is read once; those same bytes are
// hashed (SHA-256), their detached signature checked against the keys of library_keys_dir, and parsed. The pump
// service loads everything twice — once for the planner, once for the supervisor's own caps — and compares the
// two loads' hashes file by file (`mismatch`), so both channels are proven to have read the same bytes.
import Foundation
import PumpCore
import PumpLibrary
import PumpProtocol

/// One library file as pumpd loaded it.
struct LoadedLibraryFile: Sendable, Equatable {
    /// What the file is to pumpd.
    enum Role: String, Sendable {
        case drugLibrary = "drug-library"
        case syringeLibrary = "syringe-library"
        case syringeAdditions = "syringe-additions"
        case calibration
    }

    let role: Role
    let path: String
    let sha256: String
    let version: String?
    let signature: LibrarySignatureCheck
    /// Where the signature was looked for.
    let signaturePath: String

    var name: String { URL(fileURLWithPath: path).lastPathComponent }

    var dto: LibraryDTO {
        LibraryDTO(file: path, role: role.rawValue, version: version, sha256: sha256, signedBy: signature.signedBy,
                   keyId: signature.keyID, signature: signature.code)
    }
}

/// One complete load of the libraries.
struct LibraryLoad: Sendable {
    /// The libraries, parsed from the verified bytes.
    let planner: DosePlanner
    /// Every file, drug library first.
    let files: [LoadedLibraryFile]

    /// Loads every configured library file. A file that does not parse is an error (pumpd does not start, as
    /// before); a signature problem is not: it is recorded in `files` for the policy to judge.
    static func load(_ configuration: DaemonConfiguration, keyring: LibraryKeyring) throws -> LibraryLoad {
        var files: [LoadedLibraryFile] = []
        func read(_ url: URL, _ role: LoadedLibraryFile.Role) throws -> LibraryFile {
            let file = try LibraryFile.read(url)
            let signaturePath = LibrarySignature.path(forLibraryAt: file.path, signaturesDirectory: configuration.librarySignaturesDirectory)
            files.append(LoadedLibraryFile(role: role, path: file.path, sha256: file.sha256, version: nil,
                                           signature: keyring.check(file, signatureAt: signaturePath), signaturePath: signaturePath))
            return file
        }
        func setVersion(_ version: String?) {
            guard let last = files.popLast() else { return }
            files.append(LoadedLibraryFile(role: last.role, path: last.path, sha256: last.sha256, version: version,
                                           signature: last.signature, signaturePath: last.signaturePath))
        }
        let drugURL = try configuration.drugLibraryPath.map { URL(fileURLWithPath: $0) } ?? LibraryLocations.bundledDrugLibrary()
        let drugs = try DrugLibraryLoader.load(read(drugURL, .drugLibrary))
        setVersion(drugs.version)
        let base = try SyringeLibraryLoader.load(read(LibraryLocations.bundledSyringeLibrary(), .syringeLibrary))
        setVersion(base.version)
        var syringes = base.library
        if let path = configuration.syringeLibraryPath {
            let merged = try syringes.merging(read(URL(fileURLWithPath: path), .syringeAdditions))
            setVersion(merged.version)
            syringes = merged.library
        }
        if let path = configuration.calibrationPath {
            let merged = try syringes.merging(read(URL(fileURLWithPath: path), .calibration))
            setVersion(merged.version)
            syringes = merged.library
        }
        return LibraryLoad(planner: DosePlanner(drugs: drugs.library, syringes: syringes), files: files)
    }

    /// The set as the wire and the journal carry it.
    func set(policy: LibrarySignaturePolicy) -> LibrarySetDTO? {
        guard files.count >= 2 else { return nil }
        return LibrarySetDTO(drugLibrary: files[0].dto, syringeLibrary: files[1].dto, extensions: files.dropFirst(2).map(\.dto),
                             librarySignature: policy.rawValue)
    }

    /// A sentence when `other` did not read the same bytes (another file, or a file rewritten between the loads).
    func mismatch(_ other: LibraryLoad) -> String? {
        guard files.map(\.path) == other.files.map(\.path) else {
            return "The planner and the supervisor loaded different library files (\(files.map(\.name)) vs \(other.files.map(\.name)))."
        }
        for (mine, theirs) in zip(files, other.files) where mine.sha256 != theirs.sha256 {
            return "\(mine.name) changed between the planner's and the supervisor's load (sha256 \(mine.sha256.prefix(12))… vs \(theirs.sha256.prefix(12))…); the two channels did not read the same bytes."
        }
        return nil
    }
}

/// Where the bundled libraries are (the PumpLibrary module decides: installed data directory or resource bundle).
enum LibraryLocations {
    static func bundledDrugLibrary() throws -> URL { try BundledLibrary.url("drug-library") }
    static func bundledSyringeLibrary() throws -> URL { try BundledLibrary.url("syringes") }
}
