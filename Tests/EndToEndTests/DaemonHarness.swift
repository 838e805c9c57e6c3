// Runs the real pumpd and pumpctl binaries as processes (simulator backend, temp dirs, high sim speed).
// The binaries come from the build directory (`PUMP_BIN_DIR`, default .build/debug beside the package); each is
// checked against its sources first (BinaryFreshness), so a stale binary fails the test.
import Foundation
import PumpProtocol
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// Where the built executables are.
enum Binaries {
    static let directory: URL = {
        if let dir = ProcessInfo.processInfo.environment["PUMP_BIN_DIR"], !dir.isEmpty {
            return URL(fileURLWithPath: dir, isDirectory: true)
        }
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        return root.appendingPathComponent(".build/debug", isDirectory: true)
    }()
    static var pumpd: URL { fresh("pumpd") }
    static var pumpctl: URL { fresh("pumpctl") }
    /// The executable `name` in `directory`, after checking it is not older than its sources (BinaryFreshness).
    static func fresh(_ name: String) -> URL {
        let url = directory.appendingPathComponent(name)
        BinaryFreshness.require(url)
        return url
    }
}

/// The current user's primary group name (the socket group in tests).
func primaryGroupName() -> String {
    guard let group = getgrgid(getgid()), let name = group.pointee.gr_name else { return "root" }
    return String(cString: name)
}

/// The result of one pumpctl run.
struct CommandResult {
    var status: Int32
    var stdout: String
    var stderr: String
}

/// One pumpd process with its own socket and state directory.
final class DaemonHarness: @unchecked Sendable {
    let directory: URL
    let socket: String
    let stateDirectory: String
    let speed: Double
    let controlGroup: String
    /// The read-only group and the socket's group (default: the current user's primary group).
    let readOnlyGroup: String
    let socketGroup: String
    private(set) var process: Process?
    /// Extra pumpd.toml lines (e.g. `sim_vitals = true`).
    var extraConfig = ""
    /// Extra environment for pumpd (e.g. the bench's shifted wall clock).
    var environment: [String: String] = [:]

    /// Extra pumpd arguments (e.g. `--step-timing-report FILE`).
    let extraArguments: [String]

    init(speed: Double = 100, controlGroup: String? = nil, readOnlyGroup: String? = nil, socketGroup: String? = nil,
         extraArguments: [String] = [], extraConfiguration: String = "") throws {
        self.readOnlyGroup = readOnlyGroup ?? primaryGroupName()
        self.socketGroup = socketGroup ?? primaryGroupName()
        self.extraArguments = extraArguments
        self.extraConfig = extraConfiguration
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("pump-e2e-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        socket = directory.appendingPathComponent("pumpd.sock").path
        stateDirectory = directory.appendingPathComponent("state").path
        self.speed = speed
        self.controlGroup = controlGroup ?? primaryGroupName()
    }

    deinit {
        stop()
        try? FileManager.default.removeItem(at: directory)
    }

    /// Starts pumpd and waits until its socket answers.
    func start() throws {
        let process = Process()
        process.executableURL = Binaries.pumpd
        process.arguments = [
            "--backend", "sim", "--socket", socket, "--state-dir", stateDirectory, "--sim-speed", String(speed),
            "--control-group", controlGroup, "--read-only-group", readOnlyGroup, "--socket-group", socketGroup,
            "--config", directory.appendingPathComponent("none.toml").path, "--log-level", "warning",
            "--metrics-file", directory.appendingPathComponent("pumpd.prom").path,
        ] + extraArguments
        try ("realtime = false\n" + extraConfig).write(to: directory.appendingPathComponent("none.toml"), atomically: true, encoding: .utf8)
        let log = FileHandle(forWritingAtPath: "/dev/null")
        process.standardOutput = log
        process.standardError = FileHandle(forWritingAtPath: directory.appendingPathComponent("pumpd.log").path)
            ?? log
        FileManager.default.createFile(atPath: directory.appendingPathComponent("pumpd.log").path, contents: nil)
        process.standardError = FileHandle(forWritingAtPath: directory.appendingPathComponent("pumpd.log").path)
        if !environment.isEmpty {
            process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        }
        try process.run()
        self.process = process
        let deadline = Date().addingTimeInterval(20)
        while Date() < deadline {
            if FileManager.default.fileExists(atPath: socket), ctl(["status"]).status == 0 { return }
            guard process.isRunning else { break }
            usleep(50_000)
        }
        throw HarnessError("pumpd did not come up: \(daemonLog())")
    }

    /// SIGTERM and wait.
    func stop() {
        guard let process, process.isRunning else { return }
        process.terminate()
        process.waitUntilExit()
    }

    /// SIGKILL (power loss / crash) and wait.
    func kill9() {
        guard let process, process.isRunning else { return }
        Glibc.kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
    }

    var isRunning: Bool { process?.isRunning ?? false }

    func daemonLog() -> String {
        (try? String(contentsOf: directory.appendingPathComponent("pumpd.log"), encoding: .utf8)) ?? ""
    }

    /// Runs pumpctl with `arguments` against this daemon (stdin is not a terminal).
    func ctl(_ arguments: [String], environment extra: [String: String] = [:]) -> CommandResult {
        runPumpctl(arguments, socket: socket, environment: extra)
    }

    /// `pumpctl status --raw` decoded (the protocol envelope).
    func status() throws -> StatusReport {
        let result = ctl(["status", "--raw"])
        guard result.status == 0, let line = result.stdout.split(separator: "\n").last else {
            throw HarnessError("status failed: \(result.stderr)")
        }
        guard case .success(let response) = LineCodec.decodeResponse(Data(line.utf8)),
              case .status(let report)? = response.result else {
            throw HarnessError("unreadable status: \(line)")
        }
        return report
    }

    /// Polls status until `condition` holds or `timeout` real seconds pass.
    func waitFor(timeout: TimeInterval, _ condition: (StatusReport) -> Bool) throws -> StatusReport {
        let deadline = Date().addingTimeInterval(timeout)
        var last = try status()
        while Date() < deadline {
            if condition(last) { return last }
            usleep(100_000)
            last = try status()
        }
        return last
    }

    /// Polls `condition` (every 100 ms) until it holds or `timeout` real seconds pass; returns whether it held.
    func eventually(timeout: TimeInterval, _ condition: () throws -> Bool) rethrows -> Bool {
        let deadline = Date().addingTimeInterval(timeout)  // wall-clock: a test deadline, not pump timing
        while true {
            if try condition() { return true }
            if Date() >= deadline { return false }  // wall-clock: a test deadline, not pump timing
            usleep(100_000)
        }
    }

    static let referenceStart = [
        "start", "--drug", "ketamine", "--profile", "mood", "--weight-kg", "70", "--dose-mg-per-kg", "0.5",
        "--duration-min", "40", "--concentration-mg-per-ml", "1", "--syringe", "bd-50", "--yes",
    ]
}

func runPumpctl(_ arguments: [String], socket: String, environment extra: [String: String] = [:]) -> CommandResult {
    var environment = ProcessInfo.processInfo.environment
    environment["NO_COLOR"] = "1"
    for (key, value) in extra { environment[key] = value }
    return runProcess(Binaries.pumpctl.path, arguments + ["--socket", socket], environment: environment)
}

/// Runs `executable` with `arguments` (stdin /dev/null) and collects its exit status and output.
func runProcess(_ executable: String, _ arguments: [String], environment: [String: String]? = nil) -> CommandResult {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: executable)
    process.arguments = arguments
    if let environment { process.environment = environment }
    let out = Pipe(), err = Pipe()
    process.standardOutput = out
    process.standardError = err
    process.standardInput = FileHandle(forReadingAtPath: "/dev/null")
    do { try process.run() } catch { return CommandResult(status: -1, stdout: "", stderr: "\(error)") }
    let stdout = out.fileHandleForReading.readDataToEndOfFile()
    let stderr = err.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return CommandResult(status: process.terminationStatus, stdout: String(decoding: stdout, as: UTF8.self),
                         stderr: String(decoding: stderr, as: UTF8.self))
}

struct HarnessError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
