// Judging an emitted step train against the ideal one.
//
// The ideal count at time t after the schedule's start is floor(rate·t): step k is due at the first
// nanosecond where that reaches k, T_k = ceil(k·1e9 / rate) ns. The emitted count n(t) steps up at each
// emission time stamp E_i (CLOCK_MONOTONIC read in the hardware's emitStep, relative to the start). Both are
// right-continuous step functions, so |n(t) − floor(rate·t)| is constant between events and its maximum over
// all instants is reached at an event: a two-pointer sweep over the merged events (every event at one
// instant applied before measuring) finds it exactly. Step lateness is E_k − T_k for the k-th emitted step.
import Foundation

/// The emission time stamps of one run and what they say about timing.
public struct StepTrace: Sendable {
    /// Commanded rate, steps per second (> 0).
    public var rate: Double
    /// Emission instants in nanoseconds after the schedule's start, ascending.
    public var emissions: [Int64]
    /// Length of the observed window in nanoseconds (the sweep stops here).
    public var window: Int64

    /// Creates a trace.
    public init(rate: Double, emissions: [Int64], window: Int64) {
        self.rate = rate
        self.emissions = emissions
        self.window = window
    }

    /// The due instant of step k (1-based) in nanoseconds after the start.
    public func due(_ k: Int) -> Int64 { Int64((Double(k) * 1e9 / rate).rounded(.up)) }

    /// floor(rate·t) at `t` nanoseconds: the ideal count.
    public func idealCount(at t: Int64) -> Int64 { t < 0 ? 0 : Int64((Double(t) * rate / 1e9).rounded(.down)) }

    /// Lateness of every emitted step (E_k − T_k), in microseconds.
    public var latenessMicroseconds: [Double] {
        emissions.enumerated().map { Double($0.element - due($0.offset + 1)) / 1000 }
    }

    /// The cumulative error over every instant of the window.
    public struct CumulativeError: Sendable, Equatable, Codable {
        /// max |n(t) − floor(rate·t)| over all instants.
        public var worst: Int64
        /// max (n(t) − floor(rate·t)): how far the emitted count ever ran ahead of the ideal (must be 0).
        public var ahead: Int64
        /// max (floor(rate·t) − n(t)): how far it ever lagged.
        public var behind: Int64
    }

    /// Sweeps the merged events of the ideal and the emitted step functions.
    public var cumulativeError: CumulativeError {
        var emitted: Int64 = 0, ideal: Int64 = 0, ahead: Int64 = 0, behind: Int64 = 0
        var index = 0
        var nextIdeal = due(1)
        while true {
            let nextEmission = index < emissions.count ? emissions[index] : Int64.max
            let instant = min(nextEmission, nextIdeal)
            guard instant <= window else { break }
            while index < emissions.count, emissions[index] == instant {
                emitted += 1
                index += 1
            }
            while nextIdeal == instant {
                ideal += 1
                nextIdeal = due(Int(ideal) + 1)
            }
            ahead = max(ahead, emitted - ideal)
            behind = max(behind, ideal - emitted)
        }
        return CumulativeError(worst: max(ahead, behind), ahead: ahead, behind: behind)
    }
}
