// The daemon's library load and guard, in process: both channels' loads read the same bytes (and a file rewritten
// between them is caught), the signature policy decides, and a file changed on disk is found once per new hash
// and cleared when the original bytes come back.
import Foundation
@testable import PumpDaemon
import PumpLibrary
import Testing

@Suite("Library load and guard (pumpd)")
struct LibraryBookTests {
    /// A copy of the shipped drug library in a fresh directory, and a configuration naming it.
    static func setUp() throws -> (DaemonConfiguration, URL) {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("pump-libbook-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let drug = directory.appendingPathComponent("drug-library.toml")
        try Data(contentsOf: BundledLibrary.url("drug-library")).write(to: drug)
        var configuration = DaemonConfiguration()
        configuration.drugLibraryPath = drug.path
        configuration.libraryKeysDirectory = directory.appendingPathComponent("keys").path
        return (configuration, drug)
    }

    @Test("HAZ-001: the planner's and the supervisor's loads hash the same bytes; a file rewritten between them is named")
    func bothChannelsSameBytes() throws {
        let (configuration, drug) = try Self.setUp()
        let keyring = LibraryKeyring(keys: [])
        let first = try LibraryLoad.load(configuration, keyring: keyring)
        let second = try LibraryLoad.load(configuration, keyring: keyring)
        #expect(first.mismatch(second) == nil)
        #expect(first.files.map(\.role) == [.drugLibrary, .syringeLibrary])
        #expect(first.files[0].sha256 == LibraryFingerprint.sha256Hex(try Data(contentsOf: drug)))
        #expect(first.files[0].version == "2026-12-06.1" && first.files[0].signature == .unsigned)
        try (try Data(contentsOf: drug) + Data("# edited between the loads\n".utf8)).write(to: drug)
        let third = try LibraryLoad.load(configuration, keyring: keyring)
        let mismatch = try #require(first.mismatch(third))
        #expect(mismatch.contains("drug-library.toml") && mismatch.contains("did not read the same bytes"))
        let book = LibraryBook(planner: first, supervisor: third, configuration: configuration, keyring: keyring)
        #expect(book.startupProblem?.contains("did not read the same bytes") == true, "a mismatch blocks even when signatures are not required")
    }

    @Test("HAZ-001: with library_signature = required an unsigned file blocks; not-required only reports it")
    func policy() throws {
        var (configuration, _) = try Self.setUp()
        let load = try LibraryLoad.load(configuration, keyring: LibraryKeyring(keys: []))
        #expect(LibraryBook(planner: load, supervisor: load, configuration: configuration, keyring: LibraryKeyring(keys: [])).startupProblem == nil)
        configuration.librarySignature = .required
        let book = LibraryBook(planner: load, supervisor: load, configuration: configuration, keyring: LibraryKeyring(keys: []))
        let problem = try #require(book.startupProblem)
        #expect(problem.contains("drug-library.toml is not signed") && problem.contains("syringes.toml is not signed") && problem.contains("refused"))
        #expect(book.set?.librarySignature == "required" && book.set?.drugLibrary.signedBy == nil)

        // Signed by a trusted key: no problem, and the set names the signer.
        let key = LibraryPrivateKey.generate(name: "clinic-a")
        let signatures = URL(fileURLWithPath: configuration.libraryKeysDirectory).deletingLastPathComponent().appendingPathComponent("sigs")
        try FileManager.default.createDirectory(at: signatures, withIntermediateDirectories: true)
        configuration.librarySignaturesDirectory = signatures.path
        for file in load.files {
            let bytes = try LibraryFile.read(URL(fileURLWithPath: file.path))
            try LibrarySignature.sign(bytes, with: key).text.write(to: signatures.appendingPathComponent("\(file.name).sig"), atomically: true, encoding: .utf8)
        }
        let keyring = LibraryKeyring(keys: [key.publicKey])
        let signed = try LibraryLoad.load(configuration, keyring: keyring)
        let good = LibraryBook(planner: signed, supervisor: signed, configuration: configuration, keyring: keyring)
        #expect(good.startupProblem == nil)
        #expect(good.set?.drugLibrary.signedBy == "clinic-a" && good.set?.syringeLibrary.keyId == key.publicKey.id)
    }

    @Test("HAZ-007: a file changed on disk is found at the next check, reported once per new hash, cleared when restored")
    func changedOnDisk() throws {
        let (configuration, drug) = try Self.setUp()
        let keyring = LibraryKeyring(keys: [])
        let load = try LibraryLoad.load(configuration, keyring: keyring)
        let book = LibraryBook(planner: load, supervisor: load, configuration: configuration, keyring: keyring)
        #expect(book.check().problem == nil)
        let original = try Data(contentsOf: drug)
        try (original + Data("# edit 1\n".utf8)).write(to: drug)
        let first = book.check()
        #expect(first.newChanges.count == 1 && first.newChanges.first?.newSignature == .unsigned)
        #expect(first.problem?.contains("drug-library.toml changed on disk") == true)
        #expect(book.check().newChanges.isEmpty && book.check().problem != nil, "journaled once, refused every time")
        try (original + Data("# edit 2\n".utf8)).write(to: drug)
        #expect(book.check().newChanges.count == 1, "a second, different change is journaled too")
        try FileManager.default.removeItem(at: drug)
        #expect(book.check().problem?.contains("can no longer be read") == true)
        try original.write(to: drug)
        let restored = book.check()
        #expect(restored.problem == nil && restored.newChanges.isEmpty)
    }

    @Test("HAZ-007: a user syringe file and a calibration file are library files too: hashed, versioned when they say so, signature-checked")
    func extensions() throws {
        var (configuration, drug) = try Self.setUp()
        let directory = drug.deletingLastPathComponent()
        let additions = directory.appendingPathComponent("ward-syringes.toml")
        try """
            library_version = "ward-3"
            [[syringes]]
            id = "ward-50"
            brand = "Ward"
            nominal_volume_ml = 50
            inner_diameter_mm = 26.7
            dead_space_ml = 0.2
            calibration_factor = 1

            """.write(to: additions, atomically: true, encoding: .utf8)
        let calibration = directory.appendingPathComponent("calibration.toml")
        try "[calibration]\nbd-50 = 1.01\n".write(to: calibration, atomically: true, encoding: .utf8)
        configuration.syringeLibraryPath = additions.path
        configuration.calibrationPath = calibration.path
        configuration.librarySignature = .required
        let load = try LibraryLoad.load(configuration, keyring: LibraryKeyring(keys: []))
        #expect(load.files.map(\.role) == [.drugLibrary, .syringeLibrary, .syringeAdditions, .calibration])
        #expect(load.files.map(\.version) == ["2026-12-06.1", "2026-12-06.1", "ward-3", nil])
        #expect(load.files[3].sha256 == LibraryFingerprint.sha256Hex(Data("[calibration]\nbd-50 = 1.01\n".utf8)))
        #expect(load.planner.syringes.syringe(id: "ward-50") != nil && load.planner.syringes.syringe(id: "bd-50")?.calibrationFactor == 1.01)
        let book = LibraryBook(planner: load, supervisor: load, configuration: configuration, keyring: LibraryKeyring(keys: []))
        #expect(book.set?.extensions.map(\.role) == ["syringe-additions", "calibration"])
        #expect(book.startupProblem?.contains("calibration.toml is not signed") == true)
    }
}
