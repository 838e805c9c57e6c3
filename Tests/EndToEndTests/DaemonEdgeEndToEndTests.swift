// End-to-end checks of pumpd at its edges (issue 11), with the real binaries: a second daemon on a state
// directory in use, configuration that must be refused rather than crash, a refused start that opens nothing.
import Foundation
import PumpProtocol
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// Runs pumpd with `arguments` and waits (under `timeout`) for it to exit; nil if it was still running (then
/// it is killed). A death by signal is reported as the negative signal number.
func runPumpdToExit(_ arguments: [String], timeout: TimeInterval = 20) throws -> CommandResult? {
    let process = Process()
    process.executableURL = Binaries.pumpd
    process.arguments = arguments
    let out = Pipe(), err = Pipe()
    process.standardOutput = out
    process.standardError = err
    process.standardInput = FileHandle(forReadingAtPath: "/dev/null")
    let exited = DispatchSemaphore(value: 0)
    process.terminationHandler = { _ in exited.signal() }
    try process.run()
    if exited.wait(timeout: .now() + timeout) == .timedOut {
        Glibc.kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        return nil
    }
    let stdout = out.fileHandleForReading.readDataToEndOfFile()
    let stderr = err.fileHandleForReading.readDataToEndOfFile()
    let status = process.terminationReason == .uncaughtSignal ? -process.terminationStatus : process.terminationStatus
    return CommandResult(status: status, stdout: String(decoding: stdout, as: UTF8.self),
                         stderr: String(decoding: stderr, as: UTF8.self))
}

@Suite("pumpd at the edges, end to end", .serialized)
struct DaemonEdgeEndToEndTests {
    @Test("Issue 11 item 1: a second pumpd on a state directory in use exits at once naming the holder; the first keeps its session")
    func secondDaemonOnSameStateDirectory() throws {
        let daemon = try DaemonHarness()
        try daemon.start()
        let started = daemon.ctl(DaemonHarness.referenceStart + ["--patient-id", "LOCK-1"])
        #expect(started.status == 0, "\(started.stderr)")
        let before = try daemon.status()
        #expect(before.state == .running)
        let holder = try #require(daemon.process?.processIdentifier)
        let group = primaryGroupName()
        // Same state directory and the same socket: the second daemon must not take either.
        let second = try runPumpdToExit([
            "--backend", "sim", "--socket", daemon.socket, "--state-dir", daemon.stateDirectory, "--sim-speed", "200",
            "--control-group", group, "--read-only-group", group, "--socket-group", group,
            "--config", daemon.directory.appendingPathComponent("none.toml").path, "--log-level", "warning",
        ])
        let result = try #require(second, "the second pumpd kept running on a state directory in use")
        #expect(result.status != 0)
        #expect(result.stderr.contains(daemon.stateDirectory), "stderr: \(result.stderr)")
        #expect(result.stderr.contains("PID \(holder)"), "stderr: \(result.stderr)")
        // The first daemon still owns its socket and its session, which was not recovered as interrupted.
        let after = try daemon.status()
        #expect(after.state == .running, "state \(after.state)")
        #expect(after.sessionId == before.sessionId)
        #expect(daemon.isRunning)
    }
}

@Suite("pumpd configuration, end to end", .serialized)
struct ConfigurationEndToEndTests {
    @Test("Issue 11 item 6: nan, inf, 1e20 or 50.9 in pumpd.toml or --sim-speed: pumpd exits non-zero with the key's sentence, never a signal",
          arguments: [
              ("control_period_ms = nan", [String](), "control_period_ms"),
              ("control_period_ms = 1e20", [], "control_period_ms"),
              ("control_period_ms = 50.9", [], "control_period_ms"),
              ("realtime_priority = inf", [], "realtime_priority"),
              ("", ["--sim-speed", "nan"], "sim_speed"),
              ("", ["--sim-speed", "1e400"], "sim_speed"),
          ])
    func badNumbersRefused(toml: String, flags: [String], key: String) throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("pump-cfg-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let config = directory.appendingPathComponent("pumpd.toml")
        try "realtime = false\n\(toml)\n".write(to: config, atomically: true, encoding: .utf8)
        let group = primaryGroupName()
        let state = directory.appendingPathComponent("state").path
        let result = try #require(try runPumpdToExit([
            "--backend", "sim", "--socket", directory.appendingPathComponent("p.sock").path, "--state-dir", state,
            "--control-group", group, "--read-only-group", group, "--socket-group", group,
            "--config", config.path, "--log-level", "warning",
        ] + flags), "pumpd kept running with \(toml) \(flags)")
        // 1 for a file key, 64 (usage) for a flag; a negative status would be a signal such as SIGILL.
        #expect(result.status == 1 || result.status == 64, "exit \(result.status): \(result.stderr)")
        #expect(result.stderr.contains(key) && result.stderr.contains("between"), "stderr: \(result.stderr)")
        #expect(!FileManager.default.fileExists(atPath: state), "a refused configuration touched the state directory")
    }
}

@Suite("A refused start, end to end", .serialized)
struct RefusedStartEndToEndTests {
    @Test("Issue 11 item 4: with the e-stop latched, start is refused and opens no session; after ack the same patient starts without an override")
    func refusedStartOpensNoSession() throws {
        let daemon = try DaemonHarness()
        try daemon.start()
        #expect(daemon.ctl(["estop"]).status == 0)
        let refused = daemon.ctl(DaemonHarness.referenceStart + ["--patient-id", "PE2"])
        #expect(refused.status != 0, "a start with the e-stop latched was accepted: \(refused.stdout)")
        let status = try daemon.status()
        #expect(status.sessionId == nil && status.state == .idle, "\(String(describing: status.sessionId)) \(status.state)")
        guard case .sessions(let sessions)? = try ReportEndToEndTests.payload(daemon.ctl(["sessions", "--json"])) else {
            throw HarnessError("no session list")
        }
        #expect(sessions.isEmpty, "the refused start opened \(sessions.map(\.sessionId))")
        #expect(daemon.ctl(["ack", "estop"]).status == 0)
        // No dose was given, so the 12 h repeat window does not apply: no override reason needed.
        let started = daemon.ctl(DaemonHarness.referenceStart + ["--patient-id", "PE2"])
        #expect(started.status == 0, "\(started.stderr)")
        let running = try daemon.waitFor(timeout: 10) { $0.state == .running }
        #expect(running.state == .running && running.sessionId != nil)
    }
}
