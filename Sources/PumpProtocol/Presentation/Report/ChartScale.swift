// Axis scales for the report chart: a linear map from data to SVG coordinates with "nice" tick steps
// (1, 2, 2.5 or 5 × 10ⁿ) so the gridlines land on round numbers a nurse can read off.
import Foundation

/// A linear axis from `lower...upper` in data units onto `start...end` in SVG units.
struct ChartScale {
    let lower: Double
    let upper: Double
    let start: Double
    let end: Double
    let step: Double

    /// An axis from `lower` to at least `maximum`, rounded up to a tick, with about `ticks` intervals.
    init(lower: Double = 0, maximum: Double, start: Double, end: Double, ticks: Int = 5) {
        let span = max(maximum - lower, 1e-9)
        let step = Self.niceStep(span / Double(max(1, ticks)))
        self.lower = lower
        self.upper = lower + (span / step).rounded(.up) * step
        self.start = start
        self.end = end
        self.step = step
    }

    /// An axis with a fixed range and step.
    init(lower: Double, upper: Double, step: Double, start: Double, end: Double) {
        self.lower = lower
        self.upper = max(upper, lower + 1e-9)
        self.start = start
        self.end = end
        self.step = step
    }

    /// The SVG coordinate of `value`, clamped to the axis.
    func position(_ value: Double) -> Double {
        let clamped = min(max(value, lower), upper)
        return start + (clamped - lower) / (upper - lower) * (end - start)
    }

    /// The tick values from `lower` to `upper`.
    var ticks: [Double] {
        let count = Int(((upper - lower) / step).rounded())
        return (0...max(0, count)).map { lower + Double($0) * step }
    }

    /// The smallest of 1, 2, 2.5, 5 × 10ⁿ that is at least `raw`.
    static func niceStep(_ raw: Double) -> Double {
        guard raw.isFinite, raw > 0 else { return 1 }
        let magnitude = pow(10, (log10(raw)).rounded(.down))
        for factor in [1.0, 2, 2.5, 5, 10] where factor * magnitude >= raw * (1 - 1e-9) {
            return factor * magnitude
        }
        return 10 * magnitude
    }

    /// A time step in minutes (1, 2, 5, 10, 15, 20, 30, 60 …) giving at most `maxTicks` intervals over `minutes`.
    static func timeStep(minutes: Double, maxTicks: Int = 12) -> Double {
        for step in [1.0, 2, 5, 10, 15, 20, 30, 60, 120, 240] where minutes / step <= Double(maxTicks) {
            return step
        }
        return 480
    }
}
