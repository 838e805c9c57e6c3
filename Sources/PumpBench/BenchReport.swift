// The benchmark report: the machine, the three tables, and whether each target of the issue is met.
// Targets: cumulative step error ≤ 1 step at every instant; step lateness p99 < 200 µs (idle machine);
// e-stop command → ENABLE off p99 < 1 ms.
import Foundation

/// Everything one pump-bench run measured.
public struct BenchReport: Sendable, Codable {
    /// Where it ran.
    public var machine: MachineInfo
    /// Step emitter rows.
    public var steps: [StepBenchResult] = []
    /// E-stop latency, per requested step timing.
    public var estop: [EStopBenchResult] = []
    /// pumpd CPU and RSS, per requested step timing.
    public var daemon: [DaemonResourceResult] = []
    /// `--vs-cyclictest`: per mode × rate, the median pump ÷ cyclictest ratio over the rounds.
    public var cyclictestMedians: [CyclictestMedian] = []
    /// `--footprint`: pumpd's memory per thread, start-up and recovery times.
    public var footprint: FootprintResult?
    /// Failures that stopped a part of the run.
    public var failures: [String] = []

    /// An empty report for this machine.
    public init(machine: MachineInfo) { self.machine = machine }

    /// Target: cumulative error at most this many steps.
    public static let maxCumulativeError: Int64 = 1
    /// Target: step lateness p99 below this (µs).
    public static let maxLatenessP99 = 200.0
    /// Target: e-stop latency p99 below this (µs).
    public static let maxEStopP99 = 1_000.0

    /// The report as text tables.
    public func text() -> String {
        var out = "pump-bench on \(machine.summary)\n"
        if !steps.isEmpty {
            let seconds = steps.first?.seconds ?? 0
            out += "\nStep emitter, real clock, \(format(seconds, 0)) s per row (lateness = CLOCK_MONOTONIC at the STEP call − due time;\n"
            out += "late = more than 1 ms late; merged = wake-ups that emitted more than one step; err = max over all instants of\n"
            out += "|emitted − floor(rate·t)|, ahead = max(emitted − floor(rate·t)); wake p99 = timer wake-up − its set time, µs;\n"
            out += "tick ms = worst lateness of the 50 ms control tick on the normal-priority control queue)\n"
            out += row(["mode", "steps/s", "steps", "p50 µs", "p99 µs", "p99.9 µs", "max µs", "late", "wakeups", "merged",
                        "err", "ahead", "wake p99", "tick ms", "err≤1", "p99<200µs"])
            for result in steps {
                if let reason = result.notRun, result.steps == 0 {
                    out += row([result.mode.rawValue, format(result.rate, 0)]) + "    " + reason + "\n"
                    continue
                }
                let lateness = result.latenessMicroseconds
                out += row([result.mode.rawValue, format(result.rate, 0), "\(result.steps)/\(result.expectedSteps)",
                            format(lateness.p50, 1), format(lateness.p99, 1), format(lateness.p999, 1), format(lateness.max, 1),
                            "\(result.lateSteps)", "\(result.fires)", "\(result.mergedFires)", "\(result.cumulativeError.worst)",
                            "\(result.cumulativeError.ahead)", format(result.wakeupLatenessMicroseconds.p99, 1),
                            format(result.controlTickMaxLatenessMilliseconds, 1), yes(result.cumulativeError.worst <= Self.maxCumulativeError),
                            yes(lateness.p99 < Self.maxLatenessP99)])
                if let reason = result.notRun { out += "    ! \(reason)\n" }
            }
        }
        if steps.contains(where: { $0.cyclictest != nil }) { out += cyclictestText() }
        if !estop.isEmpty {
            out += "\nE-stop: PumpService.handle(estop line) received → ENABLE-off call at the simulator backend\n"
            out += row(["step timing", "trials", "p50 µs", "p99 µs", "max µs", "STEP while off", "p99<1ms"], width: 12)
            for result in estop {
                let latency = result.latencyMicroseconds
                out += row([result.stepTiming.prefix(11).description, "\(result.trials)", format(latency.p50, 1), format(latency.p99, 1),
                            format(latency.max, 1), "\(result.stepsWhileDisabled)", yes(latency.p99 < Self.maxEStopP99)], width: 12)
                out += "    granted: \(result.stepTiming)\n"
            }
        }
        if !daemon.isEmpty {
            out += "\npumpd --backend sim (real clock): CPU % of one core and RSS, idle and infusing 52.5 mL/h (66.7 steps/s)\n"
            out += row(["requested", "idle CPU %", "idle RSS MiB", "inf. CPU %", "inf. RSS MiB", "inf. RSS max"], width: 13)
            for result in daemon {
                out += row([result.requested.rawValue + (result.nice.map { " n\($0)" } ?? ""), format(result.idle.cpuPercent, 2), format(result.idle.rssMeanMiB, 1),
                            format(result.infusing.cpuPercent, 2), format(result.infusing.rssMeanMiB, 1),
                            format(result.infusing.rssMaxMiB, 1)], width: 13)
                out += "    granted: \(result.granted)\n    after the infusing window: \(result.statusAfter)\n"
            }
        }
        if let footprint { out += FootprintBench.text(footprint) }
        for failure in failures { out += "\nFAILED: \(failure)\n" }
        return out
    }

    /// The `--vs-cyclictest` tables: each step row beside the cyclictest run that followed it, the ratios, and
    /// per mode × rate the median ratio over the alternating rounds.
    func cyclictestText() -> String {
        var out = "\nStep lateness ÷ cyclictest (the host's own SCHED_FIFO wake-up latency at the same interval 1/rate, priority and\n"
        out += "duration, run right after each step row; ratio ≤ 1.2 at p99 is the quiet-host target; worst = max |emitted − floor(rate·t)|\n"
        out += "steps, never ahead = emitted never exceeded floor(rate·t))\n"
        out += row(["mode", "steps/s", "round", "p50 µs", "p99 µs", "p99.9 µs", "ct p50", "ct p99", "ct p99.9", "÷ p50", "÷ p99",
                    "÷ p99.9", "worst", "never ahead", "p99÷≤1.2"])
        var groups: [(key: String, mode: BenchStepMode, rate: Double, ratios: [LatencyRatio])] = []
        for result in steps {
            guard let host = result.cyclictest else { continue }
            let lateness = result.latenessMicroseconds
            if let reason = result.notRun, result.steps == 0 {
                out += row([result.mode.rawValue, format(result.rate, 0), "\(result.round)"]) + "    " + reason + "\n"
                continue
            }
            if let reason = host.notRun {
                out += row([result.mode.rawValue, format(result.rate, 0), "\(result.round)", format(lateness.p50, 1),
                            format(lateness.p99, 1), format(lateness.p999, 1)]) + "    cyclictest not run: " + reason + "\n"
                continue
            }
            let ratio = result.vsCyclictest ?? LatencyRatio(pump: lateness, host: host)
            out += row([result.mode.rawValue, format(result.rate, 0), "\(result.round)", format(lateness.p50, 1),
                        format(lateness.p99, 1), format(lateness.p999, 1), format(host.p50, 0), format(host.p99, 0),
                        format(host.p999, 0), ratioText(ratio.p50), ratioText(ratio.p99), ratioText(ratio.p999),
                        "\(result.cumulativeError.worst)", yes(result.cumulativeError.ahead == 0),
                        ratio.p99.map { yes($0 <= Self.maxCyclictestRatioP99) } ?? "-"])
            let key = "\(result.mode.rawValue) \(result.rate)"
            if let index = groups.firstIndex(where: { $0.key == key }) {
                groups[index].ratios.append(ratio)
            } else {
                groups.append((key, result.mode, result.rate, [ratio]))
            }
        }
        if groups.contains(where: { $0.ratios.count > 1 }) {
            out += "median over rounds:\n"
            for group in groups {
                let median = Self.medianRatio(group.ratios)
                out += row([group.mode.rawValue, format(group.rate, 0), "×\(group.ratios.count)", "", "", "", "", "", "",
                            ratioText(median.p50), ratioText(median.p99), ratioText(median.p999), "", "",
                            median.p99.map { yes($0 <= Self.maxCyclictestRatioP99) } ?? "-"])
            }
        }
        for result in steps {
            if let host = result.cyclictest, host.overflows > 0 {
                out += "    \(result.mode.rawValue) \(format(result.rate, 0)) round \(result.round): \(host.overflows) cyclictest samples above "
                    + "the \(CyclictestBench.histogramBuckets) µs histogram (percentiles among them are its maximum)\n"
            }
        }
        if let command = steps.lazy.compactMap({ $0.cyclictest?.command }).first { out += "    cyclictest command (first row): \(command)\n" }
        return out
    }

    /// Fills `cyclictestMedians` from the rows that have a ratio.
    public mutating func computeCyclictestMedians() {
        var medians: [CyclictestMedian] = []
        for result in steps {
            guard let ratio = result.vsCyclictest else { continue }
            if let index = medians.firstIndex(where: { $0.mode == result.mode && $0.rate == result.rate }) {
                medians[index].rounds += 1
            } else {
                medians.append(CyclictestMedian(mode: result.mode, rate: result.rate, rounds: 1, ratio: ratio))
            }
        }
        for index in medians.indices {
            let ratios = steps.filter { $0.mode == medians[index].mode && $0.rate == medians[index].rate }.compactMap(\.vsCyclictest)
            medians[index].ratio = Self.medianRatio(ratios)
        }
        cyclictestMedians = medians
    }

    /// Target: step lateness p99 ÷ cyclictest p99 at most this on a quiet host.
    public static let maxCyclictestRatioP99 = 1.2

    /// The median of each ratio over rounds (the lower middle of an even count, so it was observed); nil
    /// ratios are left out.
    public static func medianRatio(_ ratios: [LatencyRatio]) -> LatencyRatio {
        func median(_ values: [Double?]) -> Double? {
            let sorted = values.compactMap { $0 }.sorted()
            guard !sorted.isEmpty else { return nil }
            return sorted[(sorted.count - 1) / 2]
        }
        return LatencyRatio(p50: median(ratios.map(\.p50)), p99: median(ratios.map(\.p99)), p999: median(ratios.map(\.p999)))
    }

    private func ratioText(_ value: Double?) -> String { value.map { format($0, 2) } ?? "-" }

    /// The report as JSON.
    public func json() throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        encoder.keyEncodingStrategy = .convertToSnakeCase
        return String(decoding: try encoder.encode(self), as: UTF8.self)
    }

    private func row(_ cells: [String], width: Int = 9) -> String {
        cells.map { $0.count >= width ? $0 + " " : $0 + String(repeating: " ", count: width - $0.count) }.joined() + "\n"
    }

    private func format(_ value: Double, _ digits: Int) -> String { String(format: "%.\(digits)f", value) }
    private func yes(_ met: Bool) -> String { met ? "yes" : "NO" }
}

/// The median pump ÷ cyclictest ratio of one mode × rate over the alternating rounds.
public struct CyclictestMedian: Sendable, Codable, Equatable {
    public var mode: BenchStepMode
    public var rate: Double
    /// Rounds with a ratio.
    public var rounds: Int
    public var ratio: LatencyRatio
}

/// The machine a report was measured on.
public struct MachineInfo: Sendable, Codable {
    /// Kernel release and architecture.
    public var kernel: String
    /// Online CPUs.
    public var cpus: Int
    /// 1/5/15-minute load averages at the start.
    public var loadAverage: String
    /// Whether mlockall was granted to the bench process.
    public var memoryLocked: Bool

    /// Reads uname, the CPU count and /proc/loadavg.
    public static func current(memoryLocked: Bool) -> MachineInfo {
        var name = utsname()
        uname(&name)
        func field<T>(_ value: T) -> String {
            withUnsafeBytes(of: value) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
        }
        let load = (try? String(contentsOfFile: "/proc/loadavg", encoding: .utf8))?
            .split(separator: " ").prefix(3).joined(separator: " ") ?? "?"
        return MachineInfo(kernel: "\(field(name.sysname)) \(field(name.release)) \(field(name.machine))",
                           cpus: ProcessInfo.processInfo.activeProcessorCount, loadAverage: load, memoryLocked: memoryLocked)
    }

    /// One line.
    public var summary: String {
        "\(kernel), \(cpus) CPUs, load \(loadAverage) at start, mlockall \(memoryLocked ? "granted" : "not granted")"
    }
}
