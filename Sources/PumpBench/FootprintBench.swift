// pumpd's memory footprint with its default `realtime = true` (mlockall), per thread, plus its start-up and
// recovery times, from a real `pumpd --backend sim` process at real speed:
//   - start-up: exec → the `READY=1` datagram on a NOTIFY_SOCKET this bench binds (what systemd waits for);
//   - memory: VmRSS, VmLck, VmHWM from /proc/PID/status idle and after `seconds` of the reference infusion;
//   - per thread (/proc/PID/task/TID): name, policy and RT priority (stat fields 41, 40), minor and major faults
//     (fields 10, 12; also the increase while infusing: a real-time thread should take none), CPU time, and
//     its stack mapping (the stack pointer from task/TID/syscall located in /proc/PID/smaps: size, Rss,
//     Locked). A thread that is running (not in a system call) has no stack pointer there and no stack figure;
//   - restart-to-interrupted: `kill -9` while infusing, start pumpd again on the same state directory, time
//     until `pumpctl status --json` reports state `interrupted` (the journal's recovery, HAZ-005).
import Foundation
import PumpControl
#if canImport(Glibc)
import Glibc
#endif

/// VmRSS / VmLck / VmHWM of a process, kB.
public struct MemoryFigures: Sendable, Codable {
    public var rssKiB: Int64
    public var lockedKiB: Int64
    public var peakRssKiB: Int64
}

/// One thread of pumpd.
public struct ThreadFootprint: Sendable, Codable {
    public var tid: Int32
    public var name: String
    /// "SCHED_FIFO", "SCHED_OTHER", …
    public var policy: String
    public var rtPriority: Int
    public var minorFaults: Int64
    public var majorFaults: Int64
    /// Minor faults taken during the infusing window.
    public var minorFaultsWhileInfusing: Int64
    public var cpuSeconds: Double
    /// The mapping holding the thread's stack pointer: size, resident and locked, kB (nil while it was running).
    public var stackSizeKiB: Int64?
    public var stackRssKiB: Int64?
    public var stackLockedKiB: Int64?
}

/// What `--footprint` measured.
public struct FootprintResult: Sendable, Codable {
    /// exec → READY=1, ms.
    public var readyMilliseconds: Double
    public var idle: MemoryFigures
    public var infusing: MemoryFigures
    public var threads: [ThreadFootprint]
    /// kill -9 while infusing → restarted pumpd reports `interrupted`, ms (exec of the new process included).
    public var restartToInterruptedMilliseconds: Double?
    /// The restarted pumpd's exec → READY=1, ms.
    public var restartReadyMilliseconds: Double?
    /// pumpctl status after the restart.
    public var statusAfterRestart: String
}

/// Runs pumpd and measures its footprint.
public enum FootprintBench {
    /// Target (issue 13 item 2): RSS below this while infusing, MiB.
    public static let maxRssMiB = 40.0
    /// Target: locked below this, MiB.
    public static let maxLockedMiB = 64.0

    public static func run(binDirectory: URL, seconds: Double) throws -> FootprintResult {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("pump-bench-footprint-\(getpid())")
        try? FileManager.default.removeItem(at: directory)
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let socket = directory.appendingPathComponent("pumpd.sock").path
        let config = directory.appendingPathComponent("pumpd.toml")
        try "realtime = true\n".write(to: config, atomically: true, encoding: .utf8)
        let notify = try NotifyListener(path: directory.appendingPathComponent("notify.sock").path)
        defer { notify.close() }
        let group = DaemonResourceBench.primaryGroupName()
        let ctl = Pumpctl(executable: binDirectory.appendingPathComponent("pumpctl"), socket: socket)

        func launch() throws -> (Process, Double) {
            let daemon = Process()
            daemon.executableURL = binDirectory.appendingPathComponent("pumpd")
            daemon.arguments = [
                "--backend", "sim", "--socket", socket, "--state-dir", directory.appendingPathComponent("state").path,
                "--config", config.path, "--control-group", group, "--read-only-group", group, "--socket-group", group,
                "--allow-root", "--step-timing", "realtime", "--log-level", "notice",
            ]
            var environment = ProcessInfo.processInfo.environment
            environment["NOTIFY_SOCKET"] = notify.path
            daemon.environment = environment
            daemon.standardOutput = FileHandle(forWritingAtPath: "/dev/null")
            daemon.standardError = FileHandle(forWritingAtPath: "/dev/null")
            notify.drain()
            let started = MonotonicTimeBase.monotonicNanoseconds()
            try daemon.run()
            guard notify.waitFor("READY=1", timeoutMilliseconds: 30_000) else {
                if daemon.isRunning { daemon.terminate() }
                throw BenchFailure("pumpd sent no READY=1 within 30 s")
            }
            return (daemon, Double(MonotonicTimeBase.monotonicNanoseconds() - started) / 1e6)
        }

        var (daemon, ready) = try launch()
        defer {
            if daemon.isRunning {
                daemon.terminate()
                daemon.waitUntilExit()
            }
        }
        pause(2)
        let pid = daemon.processIdentifier
        guard let idle = memory(pid: pid) else { throw BenchFailure("Could not read /proc/\(pid)/status") }
        let before = threads(pid: pid)
        let started = ctl.run(["start", "--drug", "ketamine", "--profile", "mood", "--weight-kg", "70", "--dose-mg-per-kg", "0.5",
                               "--duration-min", "40", "--concentration-mg-per-ml", "1", "--syringe", "bd-50",
                               "--patient-id", "BENCH", "--yes"])
        guard started.status == 0 else { throw BenchFailure("pumpctl start failed (\(started.status)): \(started.output)") }
        pause(seconds)
        guard let infusing = memory(pid: pid) else { throw BenchFailure("Could not read /proc/\(pid)/status") }
        var after = threads(pid: pid)
        for index in after.indices {
            let earlier = before.first { $0.tid == after[index].tid }?.minorFaults ?? 0
            after[index].minorFaultsWhileInfusing = after[index].minorFaults - earlier
        }

        kill(pid, SIGKILL)
        daemon.waitUntilExit()
        let killed = MonotonicTimeBase.monotonicNanoseconds()
        let restartReady: Double
        (daemon, restartReady) = try launch()
        var interrupted: Double?
        var status = ""
        let deadline = killed + 30_000_000_000
        while MonotonicTimeBase.monotonicNanoseconds() < deadline {
            status = DaemonResourceBench.summary(ctl.run(["status", "--json"]).output)
            if status.hasPrefix("state interrupted") {
                interrupted = Double(MonotonicTimeBase.monotonicNanoseconds() - killed) / 1e6
                break
            }
            pause(0.005)
        }
        _ = ctl.run(["stop"])
        return FootprintResult(readyMilliseconds: ready, idle: idle, infusing: infusing, threads: after,
                               restartToInterruptedMilliseconds: interrupted, restartReadyMilliseconds: restartReady,
                               statusAfterRestart: status)
    }

    static func pause(_ seconds: Double) {
        _ = DispatchSemaphore(value: 0).wait(timeout: .now() + .nanoseconds(Int(seconds * 1e9)))
    }

    /// VmRSS / VmLck / VmHWM of `pid`.
    static func memory(pid: Int32) -> MemoryFigures? {
        guard let text = ProcessSampler.read("/proc/\(pid)/status"),
              let rss = ProcessSampler.kilobytes("VmRSS", statusText: text) else { return nil }
        return MemoryFigures(rssKiB: rss, lockedKiB: ProcessSampler.kilobytes("VmLck", statusText: text) ?? 0,
                             peakRssKiB: ProcessSampler.kilobytes("VmHWM", statusText: text) ?? 0)
    }

    /// Every thread of `pid` with its faults, policy and stack mapping.
    static func threads(pid: Int32) -> [ThreadFootprint] {
        let tids = ((try? FileManager.default.contentsOfDirectory(atPath: "/proc/\(pid)/task")) ?? []).compactMap { Int32($0) }.sorted()
        let maps = (readRaw("/proc/\(pid)/smaps") ?? ProcessSampler.read("/proc/\(pid)/smaps")).map(parseSmaps) ?? []
        let hz = Double(sysconf(Int32(_SC_CLK_TCK)))
        return tids.compactMap { tid -> ThreadFootprint? in
            let base = "/proc/\(pid)/task/\(tid)"
            guard let stat = ProcessSampler.read(base + "/stat"), let fields = statFields(stat) else { return nil }
            let name = (ProcessSampler.read(base + "/comm") ?? "?").trimmingCharacters(in: .whitespacesAndNewlines)
            let policies = [0: "SCHED_OTHER", 1: "SCHED_FIFO", 2: "SCHED_RR", 3: "SCHED_BATCH", 5: "SCHED_IDLE"]
            let policy = fields.count > 38 ? Int(fields[38]) ?? -1 : -1
            var thread = ThreadFootprint(
                tid: tid, name: name, policy: policies[policy] ?? "policy \(policy)",
                rtPriority: fields.count > 37 ? Int(fields[37]) ?? 0 : 0,
                minorFaults: Int64(fields[7]) ?? 0, majorFaults: Int64(fields[9]) ?? 0, minorFaultsWhileInfusing: 0,
                cpuSeconds: Double((Int64(fields[11]) ?? 0) + (Int64(fields[12]) ?? 0)) / hz)
            if let pointer = readRaw(base + "/syscall").flatMap(stackPointer),
               let mapping = maps.first(where: { $0.start <= pointer && pointer < $0.end }) {
                thread.stackSizeKiB = mapping.sizeKiB
                thread.stackRssKiB = mapping.rssKiB
                thread.stackLockedKiB = mapping.lockedKiB
            }
            return thread
        }
    }

    /// A /proc file read with plain read(2) until EOF (some report size 0 and refuse Foundation's reader).
    static func readRaw(_ path: String) -> String? {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { return nil }
        defer { close(descriptor) }
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let count = read(descriptor, &buffer, buffer.count)
            guard count > 0 else { break }
            bytes.append(contentsOf: buffer.prefix(count))
        }
        return bytes.isEmpty ? nil : String(decoding: bytes, as: UTF8.self)
    }

    /// The fields of /proc/…/stat after the command name: index 0 is field 3 (state).
    static func statFields(_ text: String) -> [Substring]? {
        guard let close = text.lastIndex(of: ")") else { return nil }
        let fields = text[text.index(after: close)...].split(separator: " ")
        return fields.count > 12 ? fields : nil
    }

    /// The stack pointer from /proc/…/syscall ("nr a1 … a6 sp pc"; "running" or "-1 sp pc" otherwise).
    static func stackPointer(_ text: String) -> UInt64? {
        let fields = text.split(whereSeparator: { $0 == " " || $0 == "\n" })
        guard fields.count >= 3 else { return nil }
        let sp = fields[fields.count - 2]
        guard sp.hasPrefix("0x") else { return nil }
        return UInt64(sp.dropFirst(2), radix: 16)
    }

    struct Mapping { var start: UInt64; var end: UInt64; var sizeKiB: Int64; var rssKiB: Int64; var lockedKiB: Int64 }

    /// The mappings of /proc/PID/smaps with their Size, Rss and Locked (kB).
    static func parseSmaps(_ text: String) -> [Mapping] {
        var mappings: [Mapping] = []
        for line in text.split(separator: "\n") {
            let fields = line.split(separator: " ", omittingEmptySubsequences: true)
            guard let first = fields.first else { continue }
            if first.contains("-"), !first.hasSuffix(":") {
                let bounds = first.split(separator: "-")
                guard bounds.count == 2, let start = UInt64(bounds[0], radix: 16), let end = UInt64(bounds[1], radix: 16) else { continue }
                mappings.append(Mapping(start: start, end: end, sizeKiB: 0, rssKiB: 0, lockedKiB: 0))
            } else if !mappings.isEmpty, fields.count >= 2, let value = Int64(fields[1]) {
                switch first {
                case "Size:": mappings[mappings.count - 1].sizeKiB = value
                case "Rss:": mappings[mappings.count - 1].rssKiB = value
                case "Locked:": mappings[mappings.count - 1].lockedKiB = value
                default: break
                }
            }
        }
        return mappings
    }

    /// The footprint as text.
    public static func text(_ result: FootprintResult) -> String {
        func mib(_ kib: Int64) -> String { String(format: "%.1f", Double(kib) / 1024) }
        var out = "\npumpd --backend sim, realtime = true (mlockall), real clock: footprint and recovery\n"
        out += "start-up exec → READY=1: \(String(format: "%.0f", result.readyMilliseconds)) ms; after kill -9 while infusing: "
        out += "restart → READY=1 \(result.restartReadyMilliseconds.map { String(format: "%.0f", $0) } ?? "-") ms, "
        out += "kill → status interrupted \(result.restartToInterruptedMilliseconds.map { String(format: "%.0f", $0) } ?? "never") ms "
        out += "(\(result.statusAfterRestart))\n"
        out += "idle:     VmRSS \(mib(result.idle.rssKiB)) MiB, VmLck \(mib(result.idle.lockedKiB)) MiB, VmHWM \(mib(result.idle.peakRssKiB)) MiB\n"
        let rssMet = Double(result.infusing.rssKiB) / 1024 < maxRssMiB
        let lockMet = Double(result.infusing.lockedKiB) / 1024 < maxLockedMiB
        out += "infusing: VmRSS \(mib(result.infusing.rssKiB)) MiB (< 40: \(rssMet ? "yes" : "NO")), VmLck \(mib(result.infusing.lockedKiB)) MiB "
        out += "(< 64: \(lockMet ? "yes" : "NO")), VmHWM \(mib(result.infusing.peakRssKiB)) MiB\n"
        out += "tid      name             policy        prio  minflt   +infusing majflt  cpu s    stack KiB  rss KiB  locked KiB\n"
        for thread in result.threads {
            var cells: [String] = ["\(thread.tid)", thread.name, thread.policy, "\(thread.rtPriority)", "\(thread.minorFaults)"]
            cells.append("\(thread.minorFaultsWhileInfusing)")
            cells.append("\(thread.majorFaults)")
            cells.append(String(format: "%.2f", thread.cpuSeconds))
            cells.append(thread.stackSizeKiB.map { String($0) } ?? "-")
            cells.append(thread.stackRssKiB.map { String($0) } ?? "-")
            cells.append(thread.stackLockedKiB.map { String($0) } ?? "-")
            let widths: [Int] = [9, 17, 14, 6, 9, 10, 8, 9, 11, 9, 10]
            var line = ""
            for (cell, width) in zip(cells, widths) {
                line += cell.count >= width ? cell + " " : cell + String(repeating: " ", count: width - cell.count)
            }
            out += line + "\n"
        }
        return out
    }
}

/// `pumpctl` against one socket.
struct Pumpctl {
    let executable: URL
    let socket: String

    func run(_ arguments: [String]) -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        var environment = ProcessInfo.processInfo.environment
        environment["PUMPD_SOCKET"] = socket
        environment["NO_COLOR"] = "1"
        process.environment = environment
        process.standardInput = FileHandle(forReadingAtPath: "/dev/null")
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        do { try process.run() } catch { return (-1, "\(error)") }
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }
}

/// A bound AF_UNIX datagram socket standing in for systemd's notification socket.
final class NotifyListener {
    let path: String
    private var descriptor: Int32

    init(path: String) throws {
        self.path = path
        unlink(path)
        descriptor = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)  // checked: C constants
        guard descriptor >= 0 else { throw BenchFailure("socket(AF_UNIX) failed: \(String(cString: strerror(errno)))") }
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let bytes = Array(path.utf8)
        guard bytes.count < MemoryLayout.size(ofValue: address.sun_path) else { throw BenchFailure("notify socket path too long: \(path)") }
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            for (index, byte) in bytes.enumerated() { raw[index] = byte }
        }
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(descriptor, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        guard bound == 0 else { throw BenchFailure("bind(\(path)) failed: \(String(cString: strerror(errno)))") }
    }

    /// Discards datagrams already queued.
    func drain() {
        var buffer = [UInt8](repeating: 0, count: 4096)
        while recv(descriptor, &buffer, buffer.count, Int32(MSG_DONTWAIT)) > 0 {}  // checked: C constant
    }

    /// Waits for a datagram containing `text`.
    func waitFor(_ text: String, timeoutMilliseconds: Int32) -> Bool {
        let deadline = MonotonicTimeBase.monotonicNanoseconds() + Int64(timeoutMilliseconds) * 1_000_000
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let left = (deadline - MonotonicTimeBase.monotonicNanoseconds()) / 1_000_000
            guard left > 0 else { return false }
            var entry = pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)  // checked: C constant
            guard poll(&entry, 1, Int32(min(left, 1000))) > 0 else { continue }  // checked: ≤ 1000
            let count = recv(descriptor, &buffer, buffer.count, 0)
            if count > 0, String(decoding: buffer.prefix(count), as: UTF8.self).contains(text) { return true }
        }
    }

    func close() {
        if descriptor >= 0 { Glibc.close(descriptor) }
        descriptor = -1
        unlink(path)
    }
}
