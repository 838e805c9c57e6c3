// End-to-end: the independent double check (pumpd.toml double_check = "required") with the real binaries. The
// starter is the test user; the second nurse is another uid (nobody, with the control group as its group,
// through setpriv), so SO_PEERCRED really reports two people. Waits are for outcomes under deadlines.
import Foundation
import PumpProtocol
import Testing
#if canImport(Glibc)
import Glibc
#endif

@Suite("Independent double check end to end", .serialized,
       .enabled(if: getuid() == 0 && FileManager.default.isExecutableFile(atPath: "/usr/bin/setpriv"),
                "needs root to run the verifier under a second uid with setpriv"))
struct DoubleCheckEndToEndTests {
    /// pumpctl as uid 65534 (nobody) with the control group (the test user's primary group) as its group.
    static func asSecondNurse(_ arguments: [String], socket: String) -> CommandResult {
        var environment = ProcessInfo.processInfo.environment
        environment["NO_COLOR"] = "1"
        return runProcess("/usr/bin/setpriv", ["--reuid=65534", "--regid=\(getgid())", "--clear-groups", Binaries.pumpctl.path]
            + arguments + ["--socket", socket], environment: environment)
    }

    static var me: String { String(cString: getpwuid(getuid()).pointee.pw_name) }

    @Test("start waits in awaiting-check with the motor off; the same uid is refused; a second uid verifies and it runs; both are journaled")
    func refusedThenAccepted() throws {
        let daemon = try DaemonHarness(speed: 100, extraConfiguration: "double_check = \"required\"\n")
        try daemon.start()
        let started = daemon.ctl(DaemonHarness.referenceStart + ["--patient-id", "DC-1"])
        #expect(started.status == 0, "\(started.stderr)")
        #expect(started.stdout.contains("Awaiting an independent double check"), "\(started.stdout)")
        let waiting = try daemon.status()
        #expect(waiting.state == .awaitingCheck && !waiting.motorEnabled && waiting.deliveredMl == 0)
        #expect(waiting.doubleCheck?.startedBy == Self.me && waiting.doubleCheck?.startedByUid == getuid())
        #expect(waiting.targetMg == 35 && waiting.patientId == "DC-1")
        // Another start is refused while one waits.
        #expect(daemon.ctl(DaemonHarness.referenceStart).status != 0)

        let same = daemon.ctl(["verify", "--yes"])
        #expect(same.status == Int32(ExitStatus.refused.rawValue), "\(same.status) \(same.stderr)")
        #expect(same.stderr.contains("second person"), "\(same.stderr)")
        #expect(try daemon.status().state == .awaitingCheck, "still waiting, motor off")

        let second = Self.asSecondNurse(["verify", "--yes"], socket: daemon.socket)
        #expect(second.status == 0, "\(second.stderr)")
        #expect(second.stdout.contains("35.00 mg"), "the verifier sees the same computed program: \(second.stdout)")
        let running = try daemon.waitFor(timeout: 20) { $0.state == .running && $0.deliveredMl > 0.1 }
        #expect(running.motorEnabled && running.sessionId != nil)

        #expect(daemon.ctl(["stop"]).status == 0)
        let log = daemon.ctl(["log", "--limit", "50"])
        #expect(log.stdout.contains("Independent double check by nobody (uid 65534) of the program started by \(Self.me) (uid \(getuid()))"), "\(log.stdout)")
        #expect(log.stdout.contains("cannot also check it"), "the refusal is journaled")
        let report = daemon.ctl(["report", "--format", "html"])
        #expect(report.status == 0 && report.stdout.contains("nobody") && report.stdout.contains("Independent double check"), "the report shows both")
    }

    @Test("nobody verifies within double_check_timeout_min (pump time): the start is abandoned, nothing delivered")
    func timeout() throws {
        let daemon = try DaemonHarness(speed: 100, extraConfiguration: "double_check = \"required\"\ndouble_check_timeout_min = 1\n")
        try daemon.start()
        #expect(daemon.ctl(DaemonHarness.referenceStart).status == 0)
        #expect(try daemon.status().state == .awaitingCheck)
        // 1 min of pump time at 100× is 0.6 s.
        let after = try daemon.waitFor(timeout: 15) { $0.state != .awaitingCheck }
        #expect(after.state == .idle && after.deliveredMl == 0 && !after.motorEnabled)
        let late = Self.asSecondNurse(["verify", "--yes"], socket: daemon.socket)
        #expect(late.status != 0 && late.stderr.contains("No infusion is awaiting"), "\(late.stderr)")
        let log = daemon.ctl(["log", "--limit", "20"])
        #expect(log.stdout.contains("No independent double check within 1 min"), "\(log.stdout)")
    }

    @Test("a drug-library profile may require the check; where it permits, --override-reason starts with one person, journaled as such")
    func profileRequiresAndOverride() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let shipped = try String(contentsOf: root.appendingPathComponent("Sources/PumpLibrary/Data/drug-library.toml"), encoding: .utf8)
        let marker = "double_check = \"off\"\n\n[drugs.profiles.dose_mg_per_kg]"
        try #require(shipped.contains(marker), "the shipped mood profile states double_check = off")
        let clinic = shipped.replacingOccurrences(of: marker, with: "double_check = \"required\"\ndouble_check_override_allowed = true\n\n[drugs.profiles.dose_mg_per_kg]")
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("pump-dc-lib-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let library = directory.appendingPathComponent("drug-library.toml")
        try clinic.write(to: library, atomically: true, encoding: .utf8)

        let daemon = try DaemonHarness(speed: 100, extraConfiguration: "drug_library = \"\(library.path)\"\n")
        try daemon.start()
        // pumpd.toml leaves double_check off; the profile requires it.
        #expect(daemon.ctl(DaemonHarness.referenceStart).status == 0)
        #expect(try daemon.status().state == .awaitingCheck)
        #expect(daemon.ctl(["stop"]).status == 0)
        #expect(try daemon.status().state != .awaitingCheck, "stop ends the wait")

        let single = daemon.ctl(DaemonHarness.referenceStart + ["--override-reason", "Night shift, second nurse on another ward"])
        #expect(single.status == 0, "\(single.stderr)")
        let running = try daemon.waitFor(timeout: 20) { $0.state == .running }
        #expect(running.state == .running)
        #expect(daemon.ctl(["stop"]).status == 0)
        let log = daemon.ctl(["log", "--limit", "40"])
        #expect(log.stdout.contains("Single-person start without the independent double check, by \(Self.me)"), "\(log.stdout)")
        #expect(log.stdout.contains("Night shift, second nurse on another ward"))
    }
}
