// CPU % and RSS of a real `pumpd --backend sim` process (real clock, speed 1), idle and during the reference
// infusion (ketamine 0.5 mg/kg × 70 kg over 40 min at 1 mg/mL in a BD 50 mL: 52.5 mL/h ≈ 66.7 steps/s),
// programmed with the real `pumpctl`. Binaries come from `--bin-dir` (default: beside pump-bench).
import Foundation
import PumpControl

/// Idle and infusing resource use of one pumpd run.
public struct DaemonResourceResult: Sendable, Codable {
    /// Step timing requested with --step-timing.
    public var requested: StepTimingMode
    /// The nice value pumpd ran at (nil: inherited, normally 0).
    public var nice: Int?
    /// What pumpd logged it got ("step timing: …").
    public var granted: String
    /// Motor off, no session.
    public var idle: ResourceSample
    /// Infusing at 52.5 mL/h.
    public var infusing: ResourceSample
    /// pumpctl status after the infusing window (state, delivered mL).
    public var statusAfter: String
}

/// Runs pumpd and pumpctl as processes and samples /proc.
public enum DaemonResourceBench {
    /// Runs pumpd from `binDirectory` with `stepTiming`, samples idle then infusing for `seconds` each.
    /// With `nice`, pumpd runs under `nice -n N` (e.g. -10: a dedicated device where the pump comes first).
    public static func run(binDirectory: URL, stepTiming: StepTimingMode, seconds: Double, nice: Int? = nil) throws -> DaemonResourceResult {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("pump-bench-daemon-\(getpid())-\(stepTiming.rawValue)")
        try? FileManager.default.removeItem(at: directory)
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let socket = directory.appendingPathComponent("pumpd.sock").path
        let config = directory.appendingPathComponent("pumpd.toml")
        try "realtime = true\n".write(to: config, atomically: true, encoding: .utf8)
        let logPath = directory.appendingPathComponent("pumpd.log").path
        _ = FileManager.default.createFile(atPath: logPath, contents: nil)
        let group = primaryGroupName()

        let daemon = Process()
        let pumpd = binDirectory.appendingPathComponent("pumpd")
        daemon.executableURL = nice == nil ? pumpd : URL(fileURLWithPath: "/usr/bin/nice")
        daemon.arguments = (nice.map { ["-n", String($0), pumpd.path] } ?? []) + [
            "--backend", "sim", "--socket", socket, "--state-dir", directory.appendingPathComponent("state").path,
            "--config", config.path, "--control-group", group, "--read-only-group", group, "--socket-group", group,
            "--allow-root", "--step-timing", stepTiming.rawValue, "--log-level", "notice",
        ]
        daemon.standardOutput = FileHandle(forWritingAtPath: "/dev/null")
        daemon.standardError = FileHandle(forWritingAtPath: logPath)
        try daemon.run()
        defer {
            if daemon.isRunning {
                daemon.terminate()
                daemon.waitUntilExit()
            }
        }
        let pumpctl = Pumpctl(executable: binDirectory.appendingPathComponent("pumpctl"), socket: socket)
        func ctl(_ arguments: [String]) -> (status: Int32, output: String) { pumpctl.run(arguments) }
        var ready = false
        for _ in 0..<200 where daemon.isRunning {
            if FileManager.default.fileExists(atPath: socket), ctl(["status"]).status == 0 {
                ready = true
                break
            }
            _ = DispatchSemaphore(value: 0).wait(timeout: .now() + .milliseconds(100))
        }
        guard ready else { throw BenchFailure("pumpd did not answer on \(socket) within 20 s: \(tail(logPath))") }
        let logText = (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? ""
        let granted = logText.split(separator: "\n").lazy.compactMap { line -> String? in
            guard let range = line.range(of: "step timing:") else { return nil }
            return String(line[range.upperBound...]).trimmingCharacters(in: .whitespaces)
        }.first ?? "unknown"
        // Let start-up settle before measuring idle.
        _ = DispatchSemaphore(value: 0).wait(timeout: .now() + .seconds(2))
        guard let idle = ProcessSampler.sample(pid: daemon.processIdentifier, seconds: seconds) else {
            throw BenchFailure("Could not read /proc for pumpd.")
        }
        let started = ctl(["start", "--drug", "ketamine", "--profile", "mood", "--weight-kg", "70", "--dose-mg-per-kg", "0.5",
                           "--duration-min", "40", "--concentration-mg-per-ml", "1", "--syringe", "bd-50",
                           "--patient-id", "BENCH", "--yes"])
        guard started.status == 0 else { throw BenchFailure("pumpctl start failed (\(started.status)): \(started.output)") }
        guard let infusing = ProcessSampler.sample(pid: daemon.processIdentifier, seconds: seconds) else {
            throw BenchFailure("Could not read /proc for pumpd.")
        }
        let status = summary(ctl(["status", "--json"]).output)
        _ = ctl(["stop"])
        return DaemonResourceResult(requested: stepTiming, nice: nice, granted: granted, idle: idle, infusing: infusing, statusAfter: status)
    }

    /// "state, delivered mL, alarms" from `pumpctl status --json`.
    static func summary(_ json: String) -> String {
        guard let line = json.split(separator: "\n").last,
              let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any] else { return json }
        // The raw response line nests the report: {"result": {"status": {...}}} (or flatter); find the level with "state".
        var result = object
        for _ in 0..<3 where result["state"] == nil {
            guard let inner = result.values.compactMap({ $0 as? [String: Any] }).first else { break }
            result = inner
        }
        let alarms = (result["alarms"] as? [[String: Any]] ?? []).compactMap { $0["code"] as? String }
        let delivered = result["delivered_ml"] as? Double ?? 0
        return "state \(result["state"] ?? "?"), delivered \(String(format: "%.3f", delivered)) mL, alarms [\(alarms.joined(separator: ", "))]"
    }

    static func primaryGroupName() -> String {
        guard let group = getgrgid(getgid()), let name = group.pointee.gr_name else { return "root" }
        return String(cString: name)
    }

    static func tail(_ path: String) -> String {
        let text = (try? String(contentsOfFile: path, encoding: .utf8)) ?? ""
        return text.split(separator: "\n").suffix(5).joined(separator: " | ")
    }
}
