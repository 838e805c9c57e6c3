// End-to-end checks of pumpd at its edges (issue 11), with the real binaries: a second daemon on a state
// directory in use, configuration that must be refused rather than crash, a refused start that opens nothing.
import Foundation
import PumpProtocol
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// Runs pumpd with `arguments` and waits (under `timeout`) for it to exit; nil if it was still running (then
/// it is killed).
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
    return CommandResult(status: process.terminationStatus, stdout: String(decoding: stdout, as: UTF8.self),
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
