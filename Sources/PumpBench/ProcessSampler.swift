// CPU and memory of another process from /proc (proc(5)):
//   /proc/PID/stat   fields 14 and 15 (utime, stime) in clock ticks (sysconf(_SC_CLK_TCK)); the command name
//                    (field 2) is in parentheses and may contain spaces, so fields are counted after the last ')'.
//   /proc/PID/status VmRSS and VmHWM in kB.
// CPU % over a window = Δ(utime + stime) / ticks-per-second / Δ(CLOCK_MONOTONIC) × 100 (100 % = one core).
import Foundation
import PumpControl

/// Reads and parses /proc for one process.
public enum ProcessSampler {
    /// utime + stime in clock ticks from the text of /proc/PID/stat.
    public static func cpuTicks(statText: String) -> Int64? {
        guard let close = statText.lastIndex(of: ")") else { return nil }
        let fields = statText[statText.index(after: close)...].split(separator: " ")
        // After ')': field 3 (state) is index 0, so utime (14) is index 11 and stime (15) index 12.
        guard fields.count > 12, let user = Int64(fields[11]), let system = Int64(fields[12]) else { return nil }
        return user + system
    }

    /// A `Vm…:` value in kB from the text of /proc/PID/status.
    public static func kilobytes(_ key: String, statusText: String) -> Int64? {
        for line in statusText.split(separator: "\n") where line.hasPrefix(key + ":") {
            return line.dropFirst(key.count + 1).split { $0 == " " || $0 == "\t" }.first.flatMap { Int64($0) }
        }
        return nil
    }

    static func read(_ path: String) -> String? { try? String(contentsOfFile: path, encoding: .utf8) }

    /// CPU ticks of `pid` now.
    static func cpuTicks(pid: Int32) -> Int64? { read("/proc/\(pid)/stat").flatMap { cpuTicks(statText: $0) } }

    /// Resident set size of `pid` now, kB.
    static func rss(pid: Int32) -> Int64? { read("/proc/\(pid)/status").flatMap { kilobytes("VmRSS", statusText: $0) } }

    /// Samples `pid` for `seconds`: CPU % over the whole window, RSS once a second (mean and max, MiB).
    static func sample(pid: Int32, seconds: Double) -> ResourceSample? {
        let hz = Double(sysconf(Int32(_SC_CLK_TCK)))
        guard let ticks0 = cpuTicks(pid: pid) else { return nil }
        let start = MonotonicTimeBase.monotonicNanoseconds()
        var residentMiB: [Double] = []
        let end = start + Int64(seconds * 1e9)
        while true {
            if let kb = rss(pid: pid) { residentMiB.append(Double(kb) / 1024) }
            let now = MonotonicTimeBase.monotonicNanoseconds()
            guard now < end else { break }
            let next = min(end, now + 1_000_000_000)
            _ = DispatchSemaphore(value: 0).wait(timeout: DispatchTime(uptimeNanoseconds: UInt64(next)))
        }
        guard let ticks1 = cpuTicks(pid: pid) else { return nil }
        let elapsed = Double(MonotonicTimeBase.monotonicNanoseconds() - start) / 1e9
        return ResourceSample(seconds: elapsed, cpuPercent: Double(ticks1 - ticks0) / hz / elapsed * 100,
                              rssMeanMiB: residentMiB.reduce(0, +) / Double(max(residentMiB.count, 1)), rssMaxMiB: residentMiB.max() ?? 0)
    }
}

/// CPU and RSS of a process over one window.
public struct ResourceSample: Sendable, Codable {
    /// Window length, s.
    public var seconds: Double
    /// CPU time / wall time × 100 (100 = one core).
    public var cpuPercent: Double
    /// Mean and largest resident set size, MiB.
    public var rssMeanMiB: Double
    public var rssMaxMiB: Double
}
