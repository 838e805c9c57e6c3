// Thinning the delivery timeline for a report: the journal holds a checkpoint every second of infusion
// (2,400 for a 40-minute session), more than a chart needs and more than one protocol line can carry.
//
// Kept: the first and the last checkpoint, both sides of every state change (so a pause or an alarm shows as
// a flat segment exactly where it happened), and the last checkpoint of each of `maxPoints` equal time
// buckets. The rate of a kept point is the mean rate since the previous kept point (Δvolume / Δtime), so the
// area under the rate curve still equals the delivered volume.
import Foundation
import PumpCore

/// A checkpoint in pump time.
struct TimedCheckpoint: Sendable, Equatable {
    /// Pump seconds since the session opened.
    var t: Double
    var deliveredML: Double
    var deliveredMG: Double
    var state: String
}

enum TimelineThinning {
    /// At most about `maxPoints` (plus state changes) of `points`, which are in time order.
    static func thin(_ points: [TimedCheckpoint], maxPoints: Int) -> [TimedCheckpoint] {
        guard points.count > max(2, maxPoints), let first = points.first, let last = points.last else { return points }
        let span = max(last.t - first.t, 1e-9)
        let width = span / Double(max(1, maxPoints))
        var keep = Set<Int>([0, points.count - 1])
        var lastInBucket: [Int: Int] = [:]
        for (index, point) in points.enumerated() {
            lastInBucket[CheckedConversion.int((point.t - first.t) / width, .down)] = index
            if index > 0, point.state != points[index - 1].state {
                keep.insert(index - 1)
                keep.insert(index)
            }
        }
        keep.formUnion(lastInBucket.values)
        return keep.sorted().map { points[$0] }
    }

    /// Mean rate in mL/h over the interval ending at each point (0 for the first).
    static func rates(_ points: [TimedCheckpoint]) -> [Double] {
        points.indices.map { index in
            guard index > 0 else { return 0 }
            let dt = points[index].t - points[index - 1].t
            guard dt > 0 else { return 0 }
            return max(0, (points[index].deliveredML - points[index - 1].deliveredML) / dt * 3600)
        }
    }
}
