// Rising-pressure occlusion detection (earlier than a fixed threshold).
//
// Pressure is sampled once per second while infusing. With an open line, pressure settles to
// P_venous + R·Q within a few time constants (τ = R·C ≈ 1.5 s) after any rate change: it rises, then stays
// flat. With a blocked line it climbs at Q/C for as long as the pump pushes. So, for each window W in
// `windows` (short windows catch fast climbs at high rates, long ones slow climbs at low rates), the trend
// trips when over the last W seconds:
//   1. every one-second sample is non-decreasing (within `noise`),
//   2. the total rise is at least `minimumRise`, and
//   3. the second half of the window alone rose at least 40 % of `minimumRise` — the line is STILL rising,
//      which rules out the one-off step of a start or a titration (flat after a few seconds), and
//   4. the plunger did not speed up: the steps delivered in the second half are at most 1.15× those of the
//      first half. A rise explained by rising flow (catch-up after a late timer or a starved loop) is not an
//      occlusion; an occluded line climbs while the plunger keeps its pace.
// At C ≈ 1.5 µL/mmHg this alarms in ~30 s at 5 mL/h, ~2 min at 1 mL/h and ~5 min at 0.5 mL/h, against
// ~15 min and ~2 h for commercial pumps (infusion-pump-reference §0). A noisy sensor (noise above
// `noise`) defeats the trend; the absolute threshold still applies.
import Foundation

struct OcclusionTrendDetector: Sendable {
    let windows: [MonotonicDuration]
    let minimumRise: Double
    let noise: Double
    private var samples: [(at: MonotonicInstant, pressure: Double, steps: Int64)] = []

    init(windows: [MonotonicDuration], minimumRise: MillimetersOfMercury, noise: MillimetersOfMercury) {
        self.windows = windows.sorted()
        self.minimumRise = minimumRise.value
        self.noise = noise.value
    }

    /// After an occlusion alarm: the open-line pressure seen before the climb plus `minimumRise`. While set, a
    /// re-armed line that pressurises past it alarms at once (a line still clamped re-alarms within a few
    /// steps instead of after a whole new trend window, ~0.4 mL at 52.5 mL/h).
    private(set) var postOcclusionCeiling: Double?
    private var postOcclusionWatchStart: MonotonicInstant?

    /// Forgets history (a new session).
    mutating func reset() {
        samples.removeAll(keepingCapacity: true)
        postOcclusionCeiling = nil
        postOcclusionWatchStart = nil
    }

    /// The pressure at the start of the climb that last tripped the trend: the open-line pressure just before
    /// the line closed (the window starts before the climb). Not the window's minimum: that can be a sample from
    /// the start-up ramp, far below the open line's steady pressure, and a ceiling on it alarmed falsely after a
    /// resume (found by the fresh-clone CI).
    private var lastClimbStart: Double?

    /// Keeps the evidence of an occlusion alarm that the trend raised: its open-line baseline + the minimum rise
    /// becomes the post-occlusion ceiling. An alarm from the absolute threshold or the switch has no baseline
    /// (the threshold itself applies again after the resume).
    mutating func rememberOcclusion() {
        if let baseline = lastClimbStart {
            postOcclusionCeiling = min(postOcclusionCeiling ?? .infinity, baseline + minimumRise)
        }
        postOcclusionWatchStart = nil
        lastClimbStart = nil
        samples.removeAll(keepingCapacity: true)
    }

    /// While re-armed after an occlusion: whether the pressure is past the post-occlusion ceiling. The watch ends
    /// (and the ordinary trend takes over alone) after the longest trend window without such a reading.
    mutating func stillOccluded(_ pressure: MillimetersOfMercury, at now: MonotonicInstant) -> Bool {
        guard let ceiling = postOcclusionCeiling else { return false }
        let start = postOcclusionWatchStart ?? now
        postOcclusionWatchStart = start
        if pressure.value > ceiling { return true }
        if let longest = windows.last, now - start > longest {
            postOcclusionCeiling = nil
            postOcclusionWatchStart = nil
        }
        return false
    }

    /// Adds a sample (at most one per second is kept) and answers whether a sustained climb is seen.
    mutating func add(_ pressure: MillimetersOfMercury, deliveredSteps: Steps, at now: MonotonicInstant) -> Bool {
        if let last = samples.last, now - last.at < .milliseconds(1000) { return false }
        samples.append((now, pressure.value, deliveredSteps.count))
        guard let longest = windows.last else { return false }
        while let first = samples.first, now - first.at > longest + .milliseconds(1000) { samples.removeFirst() }
        for window in windows {
            if let start = climbStart(over: window, now: now) {
                lastClimbStart = start
                return true
            }
        }
        return false
    }

    /// The pressure at the start of the window when it shows a sustained climb, else nil.
    private func climbStart(over window: MonotonicDuration, now: MonotonicInstant) -> Double? {
        climbs(over: window, now: now) ? samples.first(where: { now - $0.at <= window })?.pressure : nil
    }

    private func climbs(over window: MonotonicDuration, now: MonotonicInstant) -> Bool {
        guard let startIndex = samples.firstIndex(where: { now - $0.at <= window }),
              now - samples[startIndex].at >= window - .milliseconds(500) else { return false }
        let span = samples[startIndex...]
        var previous = span[span.startIndex].pressure
        for sample in span.dropFirst() {
            if sample.pressure < previous - noise { return false }
            previous = sample.pressure
        }
        guard let last = span.last?.pressure, last - span[span.startIndex].pressure >= minimumRise else { return false }
        let first = span[span.startIndex], middle = span[span.startIndex + span.count / 2]
        guard let end = span.last, last - middle.pressure >= 0.4 * minimumRise else { return false }
        let firstHalfRate = Double(middle.steps - first.steps) / max((middle.at - first.at).seconds, 1e-9)
        let secondHalfRate = Double(end.steps - middle.steps) / max((end.at - middle.at).seconds, 1e-9)
        return secondHalfRate <= firstHalfRate * 1.15 + 0.5
    }
}
