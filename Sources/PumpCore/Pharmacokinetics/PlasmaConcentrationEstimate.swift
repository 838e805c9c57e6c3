// Exact evaluation of a `PlasmaConcentrationModel` over a `DeliveredDoseTimeline`.
//
// Algorithm: walk the segment boundaries and the requested instants in time order, carrying one mode value
// xᵢ per exponential of the model (see PlasmaConcentrationModel.swift). Over a span Δ with constant rate R:
//   xᵢ ← xᵢ·exp(−λᵢΔ) + (cᵢ R / λᵢ)·(1 − exp(−λᵢΔ)),   C = 1000 · Σ xᵢ  (ng/mL)
// This is the closed-form solution, so the result does not depend on how finely time is cut. Cost is
// O(segments + instants) for a whole curve. After the last segment the rate is zero and C decays, so the
// estimate continues after the infusion ends. Before the first segment C is zero (no drug given yet).
import Foundation

/// The per-exponential state of the estimate (amount-normalised central concentration, mg/L, per mode).
struct ConcentrationModes: Sendable, Hashable {
    let exponents: [Double]          // λᵢ, 1/min
    let coefficients: [Double]       // cᵢ, 1/L
    private(set) var values: [Double]

    init(_ disposition: Disposition) {
        exponents = disposition.exponents.map(\.value)
        coefficients = disposition.coefficientsPerLiter
        values = Array(repeating: 0, count: exponents.count)
    }

    /// Advances by `minutes` at a constant `rateMgPerMin`.
    mutating func advance(minutes: Double, rateMgPerMin: Double) {
        guard minutes > 0 else { return }
        for i in values.indices {
            let lambda = exponents[i]
            let decayed = -expm1(-lambda * minutes)          // 1 − exp(−λΔ), accurate for small Δ
            values[i] = values[i] * (1 - decayed) + coefficients[i] * rateMgPerMin / lambda * decayed
        }
    }

    /// The central concentration.
    var concentration: NanogramsPerMilliliter { NanogramsPerMilliliter(Swift.max(0, values.reduce(0, +)) * 1000) }
}

extension PlasmaConcentrationModel {
    /// The estimated plasma concentration at each of `instants` (any order) for a patient of `bodyWeight`
    /// (total body weight) who received `timeline`. Nil when the weight or the model is invalid.
    public func concentrations(at instants: [MonotonicInstant], timeline: DeliveredDoseTimeline,
                               bodyWeight: Kilograms) -> [NanogramsPerMilliliter]? {
        guard let disposition = disposition(bodyWeight: bodyWeight) else { return nil }
        let order = instants.indices.sorted { instants[$0] < instants[$1] }
        var result = Array(repeating: NanogramsPerMilliliter.zero, count: instants.count)
        var modes = ConcentrationModes(disposition)
        var clock: MonotonicInstant?          // the instant `modes` describes
        var segmentIndex = 0
        let segments = timeline.segments
        for index in order {
            let target = instants[index]
            // Integrate every segment (or part of one) that lies before `target`.
            while segmentIndex < segments.count, segments[segmentIndex].start < target {
                let segment = segments[segmentIndex]
                let from = clock.map { Swift.max($0, segment.start) } ?? segment.start
                if let clock, clock < segment.start {
                    modes.advance(minutes: (segment.start - clock).seconds / 60, rateMgPerMin: 0)
                }
                let to = Swift.min(segment.end, target)
                modes.advance(minutes: (to - from).seconds / 60, rateMgPerMin: segment.rate.value / 60)
                clock = to
                if segment.end <= target { segmentIndex += 1 } else { break }
            }
            if let last = clock, last < target {
                modes.advance(minutes: (target - last).seconds / 60, rateMgPerMin: 0)
                clock = target
            }
            result[index] = clock == nil ? .zero : modes.concentration
        }
        return result
    }

    /// The estimated plasma concentration at `instant`. Nil when the weight or the model is invalid.
    public func concentration(at instant: MonotonicInstant, timeline: DeliveredDoseTimeline,
                              bodyWeight: Kilograms) -> NanogramsPerMilliliter? {
        concentrations(at: [instant], timeline: timeline, bodyWeight: bodyWeight)?.first
    }

    /// The curve from `start` to `end` (inclusive) every `interval`, for reports and plots.
    public func curve(from start: MonotonicInstant, to end: MonotonicInstant, every interval: MonotonicDuration,
                      timeline: DeliveredDoseTimeline, bodyWeight: Kilograms) -> [ConcentrationPoint]? {
        guard interval.nanoseconds > 0, end >= start else { return nil }
        var instants: [MonotonicInstant] = []
        var t = start
        while t <= end {
            instants.append(t)
            t = t + interval
        }
        return concentrations(at: instants, timeline: timeline, bodyWeight: bodyWeight).map { values in
            zip(instants, values).map { ConcentrationPoint(at: $0, concentration: $1) }
        }
    }
}

/// One point of an estimated concentration curve.
public struct ConcentrationPoint: Sendable, Hashable {
    /// When (monotonic).
    public var at: MonotonicInstant
    /// The estimated plasma concentration.
    public var concentration: NanogramsPerMilliliter
}

/// A running estimate fed with cumulative delivered-dose samples: O(1) per sample, so the daemon can keep it
/// up to date at every checkpoint and answer `status` at any instant (also after the infusion ended).
public struct PlasmaConcentrationTracker: Sendable, Hashable {
    /// The model in use.
    public let model: PlasmaConcentrationModel
    /// The patient's total body weight.
    public let bodyWeight: Kilograms
    private var modes: ConcentrationModes
    private var last: CumulativeDoseSample?

    /// A tracker with nothing delivered; nil when the weight or the model is invalid.
    public init?(model: PlasmaConcentrationModel, bodyWeight: Kilograms) {
        guard let disposition = model.disposition(bodyWeight: bodyWeight) else { return nil }
        self.model = model
        self.bodyWeight = bodyWeight
        modes = ConcentrationModes(disposition)
    }

    /// Records the cumulative delivered dose at `instant` (same rules as `DeliveredDoseTimeline.record`).
    public mutating func record(cumulative: Milligrams, at instant: MonotonicInstant) {
        guard let step = CumulativeDoseSample.advance(&last, to: cumulative, at: instant) else { return }
        let minutes = (step.end - step.start).seconds / 60
        modes.advance(minutes: minutes, rateMgPerMin: step.added.value / minutes)
    }

    /// The estimate at `instant`, assuming nothing is delivered after the last sample (zero before it).
    /// An instant before the last sample answers the value at the last sample.
    public func concentration(at instant: MonotonicInstant) -> NanogramsPerMilliliter {
        guard let last else { return .zero }
        var copy = modes
        if instant > last.at { copy.advance(minutes: (instant - last.at).seconds / 60, rateMgPerMin: 0) }
        return copy.concentration
    }

    /// The last recorded sample.
    public var lastSample: CumulativeDoseSample? { last }
}
