// Rising-pressure occlusion detection (earlier than a fixed threshold).
//
// Pressure is sampled once per second while infusing. With an open line, pressure settles to
// P_venous + R·Q within a few time constants (τ = R·C, seconds) after any rate change; with a blocked line
// it climbs at Q/C for as long as the pump pushes. So the trend trips when EVERY one-second sample over the
// whole window is non-decreasing (within `noise`) and the total rise is at least `minimumRise`: a sustained
// climb that an open line never shows for a whole window. At 1 mL/h and C ≈ 1.5 µL/mmHg that is ~2 min,
// against ~27 min to reach a 300 mmHg threshold.
import Foundation

struct OcclusionTrendDetector: Sendable {
    let window: MonotonicDuration
    let minimumRise: Double
    let noise: Double
    private var samples: [(at: MonotonicInstant, pressure: Double)] = []

    init(window: MonotonicDuration, minimumRise: MillimetersOfMercury, noise: MillimetersOfMercury) {
        self.window = window
        self.minimumRise = minimumRise.value
        self.noise = noise.value
    }

    /// Forgets history (after a pause or back-off: the line state changed).
    mutating func reset() { samples.removeAll(keepingCapacity: true) }

    /// Adds a sample (at most one per second is kept) and answers whether a sustained climb is seen.
    mutating func add(_ pressure: MillimetersOfMercury, at now: MonotonicInstant) -> Bool {
        if let last = samples.last, now - last.at < .seconds(Int64(1)) { return false }
        samples.append((now, pressure.value))
        while let first = samples.first, now - first.at > window { samples.removeFirst() }
        guard let first = samples.first, now - first.at >= window - .milliseconds(500) else { return false }
        for index in samples.indices.dropFirst() where samples[index].pressure < samples[index - 1].pressure - noise {
            return false
        }
        return pressure.value - first.pressure >= minimumRise
    }
}
