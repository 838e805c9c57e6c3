// The delivered-dose history the plasma estimate is computed from: piecewise-constant rate segments over
// monotonic time, built from what the pump ACTUALLY delivered (counted steps), not from the plan.
//
// From cumulative samples: between two samples (t₀, D₀) and (t₁, D₁) the rate is (D₁ − D₀)/(t₁ − t₀), i.e.
// the cumulative delivery is interpolated linearly; with the engine's one-second checkpoints this is exact to
// within one second of step timing. A pause is a gap (no segment, rate zero). Delivery counts only above the
// high-water mark of the cumulative dose: an occlusion back-off lowers the net count, and re-delivering that
// volume afterwards must not be counted as new drug (the estimate then errs toward the higher concentration).
import Foundation

/// A constant infusion rate over a span of monotonic time.
public struct DoseRateSegment: Sendable, Hashable {
    /// Start of the segment.
    public var start: MonotonicInstant
    /// End of the segment (after `start`).
    public var end: MonotonicInstant
    /// The constant rate into the patient during the segment.
    public var rate: MilligramsPerHour

    /// Creates a segment with a rate in mg/h.
    public init(start: MonotonicInstant, end: MonotonicInstant, rate: MilligramsPerHour) {
        self.start = start
        self.end = end
        self.rate = rate
    }

    /// Creates a segment from a weight-based rate (mg/kg/h × kg).
    public init(start: MonotonicInstant, end: MonotonicInstant, rate: MilligramsPerKilogramPerHour, bodyWeight: Kilograms) {
        self.init(start: start, end: end, rate: rate * bodyWeight)
    }

    /// The dose given during the segment.
    public var dose: Milligrams { Milligrams(rate.value * (end - start).seconds / 3600) }
}

/// Piecewise-constant delivered rate over monotonic time (segments in time order, never overlapping).
public struct DeliveredDoseTimeline: Sendable, Hashable {
    /// The segments with a positive rate, in time order.
    public private(set) var segments: [DoseRateSegment] = []
    /// The last cumulative sample (time and high-water cumulative dose), when built from samples.
    public private(set) var lastSample: CumulativeDoseSample?

    /// An empty timeline (nothing delivered).
    public init() {}

    /// A timeline from explicit segments (e.g. a plan, or a test). Segments must be in time order.
    public init(segments: [DoseRateSegment]) {
        for segment in segments { append(segment) }
    }

    /// Appends a segment. Empty, negative-rate, non-finite or out-of-order segments are ignored (a segment
    /// starting before the previous end is cut to start there).
    public mutating func append(_ segment: DoseRateSegment) {
        var segment = segment
        if let last = segments.last, segment.start < last.end { segment.start = last.end }
        guard segment.end > segment.start, segment.rate.value > 0, segment.rate.isFinite else { return }
        segments.append(segment)
    }

    /// Records the cumulative delivered dose at `at` (monotonic, non-decreasing). The first sample is the
    /// baseline; each later sample adds one segment at the average rate since the previous sample.
    public mutating func record(cumulative: Milligrams, at instant: MonotonicInstant) {
        guard let step = CumulativeDoseSample.advance(&lastSample, to: cumulative, at: instant),
              step.added.value > 0 else { return }
        let hours = (step.end - step.start).seconds / 3600
        append(DoseRateSegment(start: step.start, end: step.end, rate: MilligramsPerHour(step.added.value / hours)))
    }

    /// The total dose in the segments.
    public var totalDose: Milligrams { segments.reduce(.zero) { $0 + $1.dose } }

    /// The end of the last segment (when delivery last happened), if any.
    public var lastDelivery: MonotonicInstant? { segments.last?.end }
}

/// The cumulative delivered dose at one instant.
public struct CumulativeDoseSample: Sendable, Hashable {
    /// When (monotonic).
    public var at: MonotonicInstant
    /// Delivered so far (high-water mark).
    public var cumulative: Milligrams

    /// Creates a sample.
    public init(at: MonotonicInstant, cumulative: Milligrams) {
        self.at = at
        self.cumulative = cumulative
    }

    /// The sampling rule shared by the timeline and the running tracker: the first finite sample is the
    /// baseline; a sample at or before the last one only raises the high-water mark; a later one returns the
    /// span since the last sample and the dose added in it (never negative: a back-off is not un-delivery).
    static func advance(_ last: inout CumulativeDoseSample?, to cumulative: Milligrams, at instant: MonotonicInstant)
        -> (start: MonotonicInstant, end: MonotonicInstant, added: Milligrams)? {
        guard cumulative.isFinite else { return nil }
        guard let previous = last else {
            last = CumulativeDoseSample(at: instant, cumulative: cumulative)
            return nil
        }
        let highWater = max(previous.cumulative, cumulative)
        guard instant > previous.at else {
            last = CumulativeDoseSample(at: previous.at, cumulative: highWater)
            return nil
        }
        last = CumulativeDoseSample(at: instant, cumulative: highWater)
        return (previous.at, instant, Milligrams(Swift.max(0, (cumulative - previous.cumulative).value)))
    }
}
