// End to end with the real pumpd, pumpctl and pump-library binaries: keys made with `pump-library keygen`,
// libraries signed with `pump-library sign`, pumpd with library_signature = "required". An unsigned, tampered or
// wrong-key drug library keeps pumpd up with a high `library-invalid` alarm naming the file, and the start is
// refused with no session opened and the motor never enabled; a good one runs, and status, the journal and the
// report (JSON, CSV, HTML) name its version and hash; a file changed on disk while pumpd runs is caught at the
// next program and journaled.
import Foundation
import PumpProtocol
import Testing

@Suite("Library versions and signatures end to end", .serialized)
struct LibrarySignatureEndToEndTests {
    static let sources = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Sources/PumpLibrary/Data")
    static var pumpLibrary: String { Binaries.fresh("pump-library").path }

    /// A clinic: a trusted key `clinic` (public half in keys/), an untrusted key `other`, a copy of the shipped drug
    /// library, and the bundled syringe library signed by `clinic` into sigs/ (pumpd's library_signatures_dir).
    struct Clinic {
        let directory: URL
        var keys: URL { directory.appendingPathComponent("keys") }
        var signatures: URL { directory.appendingPathComponent("sigs") }
        var privateKeys: URL { directory.appendingPathComponent("private") }
        var drugLibrary: URL { directory.appendingPathComponent("drug-library.toml") }
        var drugSignature: URL { signatures.appendingPathComponent("drug-library.toml.sig") }
        func key(_ name: String) -> String { privateKeys.appendingPathComponent("\(name).key").path }

        init() throws {
            directory = FileManager.default.temporaryDirectory.appendingPathComponent("pump-libsig-\(UUID().uuidString.prefix(8))")
            for sub in ["keys", "sigs", "private"] {
                try FileManager.default.createDirectory(at: directory.appendingPathComponent(sub), withIntermediateDirectories: true)
            }
            for name in ["clinic", "other"] {
                let made = LibrarySignatureEndToEndTests.tool(["keygen", "--name", name, "--output-directory", privateKeys.path])
                try #require(made.status == 0, "keygen: \(made.stderr)")
            }
            try FileManager.default.copyItem(at: privateKeys.appendingPathComponent("clinic.pub"), to: keys.appendingPathComponent("clinic.pub"))
            try FileManager.default.copyItem(at: LibrarySignatureEndToEndTests.sources.appendingPathComponent("drug-library.toml"), to: drugLibrary)
            let syringes = LibrarySignatureEndToEndTests.tool([
                "sign", "--key", key("clinic"), "--output", signatures.appendingPathComponent("syringes.toml.sig").path,
                LibrarySignatureEndToEndTests.sources.appendingPathComponent("syringes.toml").path,
            ])
            try #require(syringes.status == 0, "sign syringes: \(syringes.stderr)")
        }

        func signDrugLibrary(with name: String) throws {
            let signed = LibrarySignatureEndToEndTests.tool(["sign", "--key", key(name), "--output", drugSignature.path, "--force", drugLibrary.path])
            try #require(signed.status == 0, "sign: \(signed.stderr)")
        }

        func configuration(required: Bool) -> String {
            """
            drug_library = "\(drugLibrary.path)"
            library_keys_dir = "\(keys.path)"
            library_signatures_dir = "\(signatures.path)"
            library_signature = "\(required ? "required" : "not-required")"

            """
        }

        func remove() { try? FileManager.default.removeItem(at: directory) }
    }

    static func tool(_ arguments: [String]) -> CommandResult { runProcess(pumpLibrary, arguments) }

    static func sha256(_ url: URL) throws -> String {
        let result = runProcess("/usr/bin/sha256sum", [url.path])
        let hash = String(result.stdout.prefix(64))
        try #require(result.status == 0 && hash.count == 64, "sha256sum: \(result.stderr)")
        return hash
    }

    /// The refusal every bad library must give: pumpd up, `library-invalid` (high) naming the file, the start
    /// refused with a sentence naming it, no session, nothing delivered, ENABLE never asserted.
    static func expectRefused(_ daemon: DaemonHarness, signature: String, mentioning: String) throws {
        let before = try daemon.status()
        #expect(before.drugLibrary?.signature == signature, "\(String(describing: before.drugLibrary))")
        #expect(before.drugLibrary?.signedBy == nil)
        #expect(before.librarySignature == "required")
        let alarm = try #require(before.alarms.first { $0.code == "library-invalid" }, "\(before.alarms)")
        #expect(alarm.priority == .high)
        #expect(alarm.message.contains("drug-library.toml") && alarm.message.contains(mentioning), "\(alarm.message)")
        let start = daemon.ctl(DaemonHarness.referenceStart)
        #expect(start.status != 0)
        #expect(start.stderr.contains("drug-library.toml") && start.stderr.contains("refused"), "\(start.stderr)")
        let after = try daemon.status()
        #expect(after.state == .idle && !after.motorEnabled && after.sessionId == nil && after.deliveredSteps == nil)
        guard case .sessions(let sessions)? = try ReportEndToEndTests.payload(daemon.ctl(["sessions", "--raw"])) else {
            Issue.record("no sessions answer")
            return
        }
        #expect(sessions.isEmpty, "no session was opened")
        #expect(daemon.isRunning, "pumpd stays up")
    }

    @Test("HAZ-001: an unsigned drug library with library_signature = required: library-invalid, start refused, motor never enabled")
    func unsignedRefused() throws {
        let clinic = try Clinic()
        defer { clinic.remove() }
        let daemon = try DaemonHarness(speed: 100, extraConfiguration: clinic.configuration(required: true))
        try daemon.start()
        try Self.expectRefused(daemon, signature: "unsigned", mentioning: "not signed")
        #expect(try daemon.status().syringeLibrary?.signedBy == "clinic", "the bundled syringe library is signed")
        let verify = Self.tool(["verify", "--keys-dir", clinic.keys.path, "--signature", clinic.drugSignature.path, clinic.drugLibrary.path])
        #expect(verify.status == 1)
    }

    @Test("HAZ-001: a drug library changed by one byte after signing is tampered: library-invalid, start refused")
    func tamperedRefused() throws {
        let clinic = try Clinic()
        defer { clinic.remove() }
        try clinic.signDrugLibrary(with: "clinic")
        var bytes = try Data(contentsOf: clinic.drugLibrary)
        let index = try #require(bytes.firstIndex(of: UInt8(ascii: "#")))
        bytes[index + 2] ^= 0x20  // one letter of the first comment changes case
        try bytes.write(to: clinic.drugLibrary)
        let daemon = try DaemonHarness(speed: 100, extraConfiguration: clinic.configuration(required: true))
        try daemon.start()
        try Self.expectRefused(daemon, signature: "tampered", mentioning: "changed after it was signed")
        #expect(try daemon.status().drugLibrary?.sha256 == Self.sha256(clinic.drugLibrary))
        let verify = Self.tool(["verify", "--keys-dir", clinic.keys.path, "--signature", clinic.drugSignature.path, clinic.drugLibrary.path])
        #expect(verify.status == 1 && verify.stdout.contains("tampered"), "\(verify.stdout)")
    }

    @Test("HAZ-001: a drug library signed by a key that is not in library_keys_dir: library-invalid, start refused")
    func wrongKeyRefused() throws {
        let clinic = try Clinic()
        defer { clinic.remove() }
        try clinic.signDrugLibrary(with: "other")
        let daemon = try DaemonHarness(speed: 100, extraConfiguration: clinic.configuration(required: true))
        try daemon.start()
        try Self.expectRefused(daemon, signature: "unknown-key", mentioning: "not trusted")
    }

    @Test("HAZ-001: a correctly signed library runs; status, the journal and the report name its version, hash and signer")
    func goodRunsAndIsRecorded() throws {
        let clinic = try Clinic()
        defer { clinic.remove() }
        try clinic.signDrugLibrary(with: "clinic")
        let verify = Self.tool(["verify", "--keys-dir", clinic.keys.path, "--signature", clinic.drugSignature.path, clinic.drugLibrary.path])
        #expect(verify.status == 0, "\(verify.stdout) \(verify.stderr)")
        let hash = try Self.sha256(clinic.drugLibrary)
        let syringeHash = try Self.sha256(Self.sources.appendingPathComponent("syringes.toml"))
        let daemon = try DaemonHarness(speed: 100, extraConfiguration: clinic.configuration(required: true))
        try daemon.start()

        // status --json: drug_library and syringe_library with version, sha256 and signed_by.
        let json = daemon.ctl(["status", "--json"])
        try #require(json.status == 0)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
        let drug = try #require(object["drug_library"] as? [String: Any])
        #expect(drug["version"] as? String == "2026-12-06.1" && drug["sha256"] as? String == hash && drug["signed_by"] as? String == "clinic")
        let syringes = try #require(object["syringe_library"] as? [String: Any])
        #expect(syringes["sha256"] as? String == syringeHash && syringes["signed_by"] as? String == "clinic")
        #expect(object["library_signature"] as? String == "required")
        let text = daemon.ctl(["status"])
        #expect(text.stdout.contains("2026-12-06.1") && text.stdout.contains(String(hash.prefix(16))), "\(text.stdout)")
        #expect(try daemon.status().alarms.isEmpty)

        // The infusion runs.
        let started = daemon.ctl(DaemonHarness.referenceStart + ["--patient-id", "LIB-1"])
        try #require(started.status == 0, "\(started.stderr)")
        let running = try daemon.waitFor(timeout: 20) { $0.deliveredMl > 0.05 }
        #expect(running.state == .running && running.motorEnabled)
        #expect(daemon.ctl(["stop"]).status == 0)
        _ = try daemon.waitFor(timeout: 10) { $0.state == .stopped }

        // The journal: the libraries loaded at start-up (both channels read the same bytes) and the session-open event.
        guard case .log(let entries)? = try ReportEndToEndTests.payload(daemon.ctl(["log", "--limit", "200", "--raw"])) else {
            Issue.record("no log answer")
            return
        }
        let loaded = try #require(entries.first { $0.event == "library" })
        #expect(loaded.message.contains("read the same bytes") && loaded.message.contains(String(hash.prefix(16))), "\(loaded.message)")
        let opened = try #require(entries.first { $0.event == "session-open" })
        #expect(opened.message.contains("v2026-12-06.1") && opened.message.contains(String(hash.prefix(16)))
                && opened.message.contains(String(syringeHash.prefix(16))) && opened.message.contains("signed by clinic"), "\(opened.message)")

        // The report, once the close record is on disk: JSON, CSV header lines and HTML.
        let jsonPath = daemon.directory.appendingPathComponent("report.json").path
        let deadline = Date().addingTimeInterval(10)
        var report: SessionReportDTO?
        while Date() < deadline {
            if daemon.ctl(["report", "--format", "json", "--output", jsonPath]).status == 0,
               let decoded = try? ReportJSON.decode(Data(contentsOf: URL(fileURLWithPath: jsonPath))), decoded.session.outcome == "stopped" {
                report = decoded
                break
            }
            usleep(100_000)
        }
        let libraries = try #require(report?.libraries)
        #expect(libraries.drugLibrary.sha256 == hash && libraries.drugLibrary.version == "2026-12-06.1" && libraries.drugLibrary.signedBy == "clinic")
        #expect(libraries.syringeLibrary.sha256 == syringeHash && libraries.librarySignature == "required")
        let csv = daemon.ctl(["report", "--format", "csv"])
        let header = csv.stdout.components(separatedBy: "\r\n").prefix { $0.hasPrefix("#") }
        #expect(header.contains { $0.hasPrefix("# drug-library:") && $0.contains("sha256=\(hash)") && $0.contains("version=2026-12-06.1") && $0.contains("signed_by=clinic") },
                "\(header)")
        #expect(header.contains("# library_signature: required"))
        let htmlPath = daemon.directory.appendingPathComponent("report.html").path
        #expect(daemon.ctl(["report", "--format", "html", "--output", htmlPath]).status == 0)
        let html = try String(contentsOfFile: htmlPath, encoding: .utf8)
        #expect(html.contains(hash) && html.contains(syringeHash) && html.contains("v2026-12-06.1"))
    }

    @Test("HAZ-007: a library changed on disk while pumpd runs is caught at the next program, journaled, and refused until restored")
    func changedOnDiskDetected() throws {
        let clinic = try Clinic()
        defer { clinic.remove() }
        let original = try Data(contentsOf: clinic.drugLibrary)
        let daemon = try DaemonHarness(speed: 100, extraConfiguration: clinic.configuration(required: false))
        try daemon.start()
        let loaded = try daemon.status()
        #expect(loaded.drugLibrary?.signature == "unsigned" && loaded.librarySignature == "not-required")
        #expect(loaded.alarms.isEmpty, "not-required: an unsigned library is reported, not an alarm")

        try (original + Data("# a local edit\n".utf8)).write(to: clinic.drugLibrary)
        let refused = daemon.ctl(DaemonHarness.referenceStart)
        #expect(refused.status != 0)
        #expect(refused.stderr.contains("drug-library.toml changed on disk"), "\(refused.stderr)")
        let status = try daemon.status()
        #expect(status.state == .idle && !status.motorEnabled && status.sessionId == nil)
        #expect(status.alarms.contains { $0.code == "library-invalid" && $0.priority == .high && $0.message.contains("drug-library.toml") })
        #expect(status.drugLibrary?.sha256 == loaded.drugLibrary?.sha256, "the library in force is still the one loaded")
        guard case .log(let entries)? = try ReportEndToEndTests.payload(daemon.ctl(["log", "--limit", "100", "--raw"])) else {
            Issue.record("no log answer")
            return
        }
        let change = try #require(entries.first { $0.event == "library" && $0.message.contains("changed on disk") }, "\(entries.map(\.message))")
        #expect(change.message.contains(String(try Self.sha256(clinic.drugLibrary).prefix(12))))

        // Restored byte for byte: the alarm clears at the next program and the infusion runs.
        try original.write(to: clinic.drugLibrary)
        let started = daemon.ctl(DaemonHarness.referenceStart)
        try #require(started.status == 0, "\(started.stderr)")
        let running = try daemon.waitFor(timeout: 20) { $0.deliveredMl > 0.02 }
        #expect(running.state == .running && !running.alarms.contains { $0.code == "library-invalid" })
        #expect(daemon.ctl(["stop"]).status == 0)
    }

    @Test("pump-library refuses bad input with a sentence and loses nothing: a library that does not load, an existing signature or key, a bad key file")
    func toolRefusals() throws {
        let clinic = try Clinic()
        defer { clinic.remove() }
        // A broken library is never signed.
        let broken = clinic.directory.appendingPathComponent("broken.toml")
        try "library_version = \"x\"\nschema_version = 1\n[[drugs]]\nname = 3\n".write(to: broken, atomically: true, encoding: .utf8)
        let refused = Self.tool(["sign", "--key", clinic.key("clinic"), broken.path])
        #expect(refused.status == 1 && refused.stderr.contains("broken.toml") && refused.stderr.contains("Nothing was signed"), "\(refused.stderr)")
        #expect(!FileManager.default.fileExists(atPath: broken.path + ".sig"))
        // An existing signature is kept unless --force.
        try clinic.signDrugLibrary(with: "clinic")
        let before = try Data(contentsOf: clinic.drugSignature)
        let again = Self.tool(["sign", "--key", clinic.key("other"), "--output", clinic.drugSignature.path, clinic.drugLibrary.path])
        #expect(again.status == 1 && again.stderr.contains("already exists"))
        #expect(try Data(contentsOf: clinic.drugSignature) == before)
        // An existing key is never overwritten.
        let privateBefore = try Data(contentsOf: URL(fileURLWithPath: clinic.key("clinic")))
        let keygen = Self.tool(["keygen", "--name", "clinic", "--output-directory", clinic.privateKeys.path])
        #expect(keygen.status == 1 && keygen.stderr.contains("already exists"))
        #expect(try Data(contentsOf: URL(fileURLWithPath: clinic.key("clinic"))) == privateBefore)
        let mode = try FileManager.default.attributesOfItem(atPath: clinic.key("clinic"))[.posixPermissions] as? Int
        #expect(mode == 0o600, "the private key is readable by its owner only")
        // A public key given as the signing key is refused.
        let wrongKind = Self.tool(["sign", "--key", clinic.keys.appendingPathComponent("clinic.pub").path, "--output",
                                   clinic.directory.appendingPathComponent("x.sig").path, clinic.drugLibrary.path])
        #expect(wrongKind.status == 1 && wrongKind.stderr.contains("PRIVATE KEY"), "\(wrongKind.stderr)")
        // verify: a missing library, and a good one with the default signature path next to the file.
        #expect(Self.tool(["verify", "--keys-dir", clinic.keys.path, clinic.directory.appendingPathComponent("absent.toml").path]).status == 1)
        let beside = Self.tool(["sign", "--key", clinic.key("clinic"), clinic.drugLibrary.path])
        #expect(beside.status == 0 && FileManager.default.fileExists(atPath: clinic.drugLibrary.path + ".sig"))
        let verified = Self.tool(["verify", "--keys-dir", clinic.keys.path, clinic.drugLibrary.path])
        #expect(verified.status == 0 && verified.stdout.contains("signed by   clinic"), "\(verified.stdout)")
    }

    @Test("HAZ-010: after a kill -9, a library tampered with before the restart blocks resume-interrupted; the report keeps the library the session ran under")
    func resumeInterruptedRefused() throws {
        let clinic = try Clinic()
        defer { clinic.remove() }
        try clinic.signDrugLibrary(with: "clinic")
        let signedHash = try Self.sha256(clinic.drugLibrary)
        let daemon = try DaemonHarness(speed: 100, extraConfiguration: clinic.configuration(required: true))
        try daemon.start()
        try #require(daemon.ctl(DaemonHarness.referenceStart).status == 0)
        _ = try daemon.waitFor(timeout: 20) { $0.deliveredMl > 0.05 }
        daemon.kill9()
        try (try Data(contentsOf: clinic.drugLibrary) + Data("# edited while pumpd was down\n".utf8)).write(to: clinic.drugLibrary)
        try daemon.start()
        let recovered = try daemon.status()
        #expect(recovered.state == .interrupted && !recovered.motorEnabled)
        #expect(recovered.drugLibrary?.signature == "tampered")
        #expect(recovered.alarms.contains { $0.code == "library-invalid" })
        let resume = daemon.ctl(["resume-interrupted", "--yes"])
        #expect(resume.status != 0 && resume.stderr.contains("drug-library.toml"), "\(resume.stderr)")
        let after = try daemon.status()
        #expect(after.state == .interrupted && !after.motorEnabled)
        let path = daemon.directory.appendingPathComponent("interrupted.json").path
        try #require(daemon.ctl(["report", "--format", "json", "--output", path]).status == 0)
        let report = try ReportJSON.decode(Data(contentsOf: URL(fileURLWithPath: path)))
        #expect(report.libraries?.drugLibrary.sha256 == signedHash && report.libraries?.drugLibrary.signedBy == "clinic",
                "the record names the library the session was programmed under, not today's")
        #expect(daemon.ctl(["stop"]).status == 0, "stopping is always possible")
    }
}
