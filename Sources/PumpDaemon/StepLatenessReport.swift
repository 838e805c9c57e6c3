// The step emitter's timing as pumpd reports it at shutdown (`--step-timing-report FILE`), for the load test
// and benchmarks: how late each timer fire came after its step's due instant, as nearest-rank percentiles.
// Lateness is measured on the scheduler's time line; at --sim-speed N it is N× the real lateness, so the
// report also gives the real-time figures (divided by the speed).
import Foundation
import PumpControl

/// Percentiles of step-emitter fire lateness.
public struct StepLatenessReport: Codable, Sendable, Equatable {
    /// Timer fires recorded.
    public var fires: Int
    /// Virtual seconds per real second of the run.
    public var speed: Double
    /// Median lateness, real microseconds.
    public var p50Us: Double
    /// 90th percentile, real microseconds.
    public var p90Us: Double
    /// 99th percentile, real microseconds.
    public var p99Us: Double
    /// Worst fire, real microseconds.
    public var maxUs: Double

    enum CodingKeys: String, CodingKey {
        case fires, speed
        case p50Us = "p50_us"
        case p90Us = "p90_us"
        case p99Us = "p99_us"
        case maxUs = "max_us"
    }

    /// Summarises lateness samples (scheduler nanoseconds) of a run at `speed`.
    public init(latenessNanoseconds samples: [Int64], speed: Double) {
        let scale = 1 / (1000 * max(speed, 1e-9))
        let sorted = samples.sorted().map { Double($0) * scale }
        func percentile(_ p: Double) -> Double { Percentiles.rank(p, sorted) }
        fires = sorted.count
        self.speed = speed
        p50Us = percentile(0.50)
        p90Us = percentile(0.90)
        p99Us = percentile(0.99)
        maxUs = sorted.last ?? 0
    }

    /// Writes the report as one JSON object.
    public func write(to path: String) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        try encoder.encode(self).write(to: URL(fileURLWithPath: path), options: .atomic)
    }
}
