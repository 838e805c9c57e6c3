// Order statistics for timing samples (benchmarks, pumpd's step-timing report): nearest-rank percentiles (the value at rank ceil(p·n) of the sorted
// samples, so p99 of 1000 samples is the 990th smallest and the reported figure was actually observed).
import Foundation
import PumpCore

/// Percentiles of a sample set (nearest-rank).
public struct Percentiles: Sendable, Equatable, Codable {
    /// Number of samples.
    public var count: Int
    /// Median.
    public var p50: Double
    /// 99th percentile.
    public var p99: Double
    /// 99.9th percentile (equals the maximum below 1000 samples).
    public var p999: Double
    /// Largest sample.
    public var max: Double

    /// Computes the percentiles of `samples` (all zero when empty).
    public init(_ samples: [Double]) {
        let sorted = samples.sorted()
        count = sorted.count
        p50 = Self.rank(0.50, sorted)
        p99 = Self.rank(0.99, sorted)
        p999 = Self.rank(0.999, sorted)
        max = sorted.last ?? 0
    }

    /// The nearest-rank percentile `p` (0 < p ≤ 1) of ascending `sorted`.
    public static func rank(_ p: Double, _ sorted: [Double]) -> Double {
        guard !sorted.isEmpty else { return 0 }
        let index = CheckedConversion.int(p * Double(sorted.count), .up) - 1
        return sorted[Swift.min(Swift.max(index, 0), sorted.count - 1)]
    }
}
