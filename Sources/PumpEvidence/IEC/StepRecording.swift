// A recorded run as step timestamps, and the "balance" made from it.
//
// File format (text, one item per line; `pump-evidence record-steps` writes it, `accuracy --steps-file`
// reads it):
//   # pump-evidence steps v1
//   # volume_per_step_ul=0.2187...
//   # set_rate_ml_per_h=52.5
//   # duration_ns=1200000000000
//   # any other "# key=value" or "# text" line is a comment
//   1002000000          ← one forward step per line: nanoseconds since the infusion started (monotonic)
//   ...
// Balance from steps (ideal mechanics: every step moves exactly ΔV to the outlet at its instant):
//   V(t_k) = ΔV · #{steps with time < t_k},   t_k = k·S,  k = 0 … ⌊duration/S⌋
// "<" makes a step that lands exactly on t_k count in the next interval, the same left-limit convention as
// the simulator's delivered-volume timeline.
import Foundation
import PumpCore

/// Why a steps file cannot be read.
public struct StepRecordingError: Error, Equatable, CustomStringConvertible {
    /// 1-based line number (0: the file as a whole).
    public var line: Int
    /// What is wrong.
    public var reason: String
    /// Creates an error.
    public init(line: Int, reason: String) {
        self.line = line
        self.reason = reason
    }
    public var description: String { line > 0 ? "steps file line \(line): \(reason)" : "steps file: \(reason)" }
}

/// Step instants of one infusion run at a constant set rate.
public struct StepRecording: Sendable, Equatable {
    /// Volume moved by one step.
    public var stepVolume: Microliters
    /// The programmed rate.
    public var setRate: MillilitersPerHour
    /// How long the run lasted (the balance is read up to here).
    public var duration: MonotonicDuration
    /// Forward steps, as offsets from the start of the infusion, in ascending order.
    public var steps: [MonotonicDuration]

    /// Creates a recording; `steps` are sorted.
    public init(stepVolume: Microliters, setRate: MillilitersPerHour, duration: MonotonicDuration,
                steps: [MonotonicDuration]) {
        self.stepVolume = stepVolume
        self.setRate = setRate
        self.duration = duration
        self.steps = steps.sorted()
    }

    /// Balance readings every `interval` from 0 to the last whole interval within `duration`.
    public func balanceReadings(every interval: Minutes = Minutes(0.5)) -> [BalanceReading] {
        let step = MonotonicDuration(interval)
        guard step > .zero else { return [] }
        var readings: [BalanceReading] = []
        var index = 0
        var k: Int64 = 0
        while step * k <= duration {
            let t = step * k
            while index < steps.count, steps[index] < t { index += 1 }
            readings.append(BalanceReading(
                elapsed: Minutes(Double(k) * interval.value),
                delivered: Microliters(Double(index) * stepVolume.value).milliliters))
            k += 1
        }
        return readings
    }

    /// The file text.
    public func fileText(comment: String? = nil) -> String {
        var text = "# pump-evidence steps v1\n"
        if let comment { text += "# \(comment)\n" }
        text += "# volume_per_step_ul=\(stepVolume.value)\n# set_rate_ml_per_h=\(setRate.value)\n"
        text += "# duration_ns=\(duration.nanoseconds)\n"
        for step in steps { text += "\(step.nanoseconds)\n" }
        return text
    }

    /// Parses a steps file.
    public static func parse(_ text: String) throws(StepRecordingError) -> StepRecording {
        var header: [String: String] = [:]
        var steps: [MonotonicDuration] = []
        for (offset, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = raw.trimmingCharacters(in: .whitespaces)
            if line.isEmpty { continue }
            if line.hasPrefix("#") {
                let body = line.dropFirst().trimmingCharacters(in: .whitespaces)
                if let eq = body.firstIndex(of: "=") {
                    header[String(body[..<eq])] = String(body[body.index(after: eq)...])
                }
                continue
            }
            guard let ns = Int64(line), ns >= 0 else {
                throw StepRecordingError(line: offset + 1, reason: "'\(line)' is not a non-negative whole number of nanoseconds")
            }
            steps.append(MonotonicDuration(nanoseconds: ns))
        }
        func number(_ key: String) throws(StepRecordingError) -> Double {
            guard let text = header[key], let value = Double(text), value.isFinite, value > 0 else {
                throw StepRecordingError(line: 0, reason: "header '\(key)' is missing or not a positive number")
            }
            return value
        }
        let duration = try number("duration_ns")
        return StepRecording(stepVolume: Microliters(try number("volume_per_step_ul")),
                             setRate: MillilitersPerHour(try number("set_rate_ml_per_h")),
                             duration: MonotonicDuration(nanoseconds: Int64(duration)), steps: steps)
    }
}
