// The host's own wake-up latency beside a step row: Debian's `cyclictest` (package rt-tests) run at the step
// row's interval (1/rate), SCHED_FIFO priority and duration, in histogram mode, so the pump's step lateness can
// be divided by what the kernel itself allows on the same host at the same moment.
//
// Command: `cyclictest -m -q -p PRIO -i INTERVAL_US -D SECONDS -h BUCKETS` (one measuring thread, memory locked,
// summary only). With `-h N` cyclictest prints one line per 1-µs bucket 0…N−1 ("000042 000137": 137 samples
// of 42 µs), then "# Total:" (samples inside the histogram), "# Max Latencies:" and "# Histogram Overflows:"
// (samples ≥ N µs). Percentiles are nearest-rank over all samples (histogram + overflows); a rank that falls
// among the overflows is reported as the maximum, which is then a lower bound on the true percentile
// (`overflowed` says so). The parser is a pure function so it is unit-tested on recorded output.
import Foundation
import PumpControl
import PumpCore

/// One cyclictest run and its percentiles, µs.
public struct CyclictestResult: Sendable, Codable, Equatable {
    /// The command line run.
    public var command: String
    /// nil when it ran; otherwise why not (cyclictest absent, refused, unparsable output).
    public var notRun: String?
    /// Samples (cycles) measured, overflows included.
    public var samples: Int
    /// Latency percentiles, µs (nearest-rank over the 1-µs histogram).
    public var p50: Double
    public var p99: Double
    public var p999: Double
    /// Largest latency, µs.
    public var max: Double
    /// Samples at or above the histogram's top (their percentiles are reported as `max`).
    public var overflows: Int

    static func notRun(_ command: String, _ reason: String) -> CyclictestResult {
        CyclictestResult(command: command, notRun: reason, samples: 0, p50: 0, p99: 0, p999: 0, max: 0, overflows: 0)
    }
}

/// pump ÷ cyclictest for the three percentiles (nil where cyclictest's figure is 0 or missing).
public struct LatencyRatio: Sendable, Codable, Equatable {
    public var p50: Double?
    public var p99: Double?
    public var p999: Double?

    /// Divides the pump's step lateness percentiles by cyclictest's.
    public init(pump: Percentiles, host: CyclictestResult) {
        func divide(_ a: Double, _ b: Double) -> Double? { host.notRun == nil && b > 0 ? a / b : nil }
        p50 = divide(pump.p50, host.p50)
        p99 = divide(pump.p99, host.p99)
        p999 = divide(pump.p999, host.p999)
    }

    public init(p50: Double?, p99: Double?, p999: Double?) {
        self.p50 = p50
        self.p99 = p99
        self.p999 = p999
    }
}

/// Runs and parses cyclictest.
public enum CyclictestBench {
    /// Histogram buckets (1 µs each): 20 ms, far above any healthy wake-up.
    public static let histogramBuckets = 20_000

    /// The cyclictest executable on PATH (or /usr/bin, /usr/sbin), if installed.
    public static func locate() -> URL? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? ""
        let directories = path.split(separator: ":").map(String.init) + ["/usr/bin", "/usr/sbin", "/usr/local/bin"]
        for directory in directories {
            let candidate = URL(fileURLWithPath: directory).appendingPathComponent("cyclictest")
            if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
        }
        return nil
    }

    /// The arguments for one run at `intervalMicroseconds`, `priority`, whole `seconds` (at least 1).
    public static func arguments(intervalMicroseconds: Int, priority: Int32, seconds: Double) -> [String] {
        let duration = Swift.max(1, CheckedConversion.int(seconds, .up))
        return ["-m", "-q", "-p\(priority)", "-i\(intervalMicroseconds)", "-D", "\(duration)", "-h", "\(histogramBuckets)"]
    }

    /// Runs cyclictest for one step row: interval = 1/rate, same priority and duration.
    public static func run(rate: Double, priority: Int32, seconds: Double) -> CyclictestResult {
        let interval = Swift.max(1, CheckedConversion.int(1e6 / rate, .toNearestOrEven))
        let arguments = arguments(intervalMicroseconds: interval, priority: priority, seconds: seconds)
        let command = (["cyclictest"] + arguments).joined(separator: " ")
        guard let executable = locate() else {
            return .notRun(command, "cyclictest not installed (Debian package rt-tests; scripts/setup-debian.sh installs it)")
        }
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        do { try process.run() } catch { return .notRun(command, "could not start cyclictest: \(error)") }
        // Read both pipes before waiting, so a full pipe can never block the child.
        let errorText = ErrorCollector(err.fileHandleForReading)
        let data = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let stderrText = errorText.finish()
        guard process.terminationStatus == 0 else {
            return .notRun(command, "cyclictest exited \(process.terminationStatus): "
                           + stderrText.trimmingCharacters(in: .whitespacesAndNewlines).prefix(300))
        }
        var result = parse(String(decoding: data, as: UTF8.self))
        result.command = command
        return result
    }

    /// Parses `cyclictest -q -h N` output (one thread). Pure: unit-tested on recorded output.
    public static func parse(_ output: String) -> CyclictestResult {
        var buckets: [(latency: Int, count: Int)] = []
        var maximum: Int?
        var overflows = 0
        for line in output.split(whereSeparator: \.isNewline) {
            let text = line.trimmingCharacters(in: .whitespaces)
            if text.hasPrefix("#") {
                if let value = headerValue(text, "# Max Latencies:") { maximum = value }
                if let value = headerValue(text, "# Histogram Overflows:") { overflows = value }
                continue
            }
            let fields = text.split(separator: " ", omittingEmptySubsequences: true)
            guard fields.count >= 2, let latency = Int(fields[0]), let count = Int(fields[1]) else { continue }
            if count > 0 { buckets.append((latency, count)) }
        }
        guard let maximum else {
            return .notRun("", "no '# Max Latencies' line in cyclictest's output (was it run with -q -h?)")
        }
        let inHistogram = buckets.reduce(0) { $0 + $1.count }
        let total = inHistogram + overflows
        guard total > 0 else { return .notRun("", "cyclictest measured no cycles") }
        func percentile(_ p: Double) -> Double {
            let rank = Swift.max(1, CheckedConversion.int(p * Double(total), .up))
            var seen = 0
            for bucket in buckets {
                seen += bucket.count
                if seen >= rank { return Double(bucket.latency) }
            }
            return Double(maximum)  // among the overflows: a lower bound
        }
        return CyclictestResult(command: "", notRun: nil, samples: total, p50: percentile(0.50), p99: percentile(0.99),
                                p999: percentile(0.999), max: Double(maximum), overflows: overflows)
    }

    private static func headerValue(_ line: String, _ prefix: String) -> Int? {
        guard line.hasPrefix(prefix) else { return nil }
        // One thread: the first number after the prefix.
        return line.dropFirst(prefix.count).split(separator: " ").first.flatMap { Int($0) }
    }
}

/// Drains a pipe on a background thread so the child never blocks on a full stderr.
private final class ErrorCollector: @unchecked Sendable {
    private var data = Data()
    private let done = DispatchSemaphore(value: 0)

    init(_ handle: FileHandle) {
        Thread.detachNewThread { [self] in
            data = handle.readDataToEndOfFile()
            done.signal()
        }
    }

    func finish() -> String {
        done.wait()
        return String(decoding: data, as: UTF8.self)
    }
}
