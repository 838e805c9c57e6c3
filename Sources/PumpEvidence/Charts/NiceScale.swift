// "Nice" axis ranges and tick positions (steps of 1, 2 or 5 × 10^n), as plotting libraries choose them.
//
//   raw step = span / (target ticks − 1);  magnitude = 10^⌊log10(raw)⌋;
//   step = magnitude × (1 if raw/magnitude < 1.5, 2 if < 3, 5 if < 7, else 10)
//   range = [⌊min/step⌋·step, ⌈max/step⌉·step]
// An empty span (min = max) is widened to ±1 (or ±10 % of the value) so a flat line still gets an axis.
import Foundation

/// An axis range with evenly spaced ticks.
public struct NiceScale: Sendable, Equatable {
    /// Lower end of the axis.
    public var lower: Double
    /// Upper end of the axis.
    public var upper: Double
    /// Distance between ticks.
    public var step: Double

    /// The scale that covers `minimum … maximum` with about `targetTicks` ticks.
    public init(minimum: Double, maximum: Double, targetTicks: Int = 6) {
        var low = min(minimum, maximum), high = max(minimum, maximum)
        if !low.isFinite || !high.isFinite { (low, high) = (0, 1) }
        if high - low < 1e-12 {
            let pad = low == 0 ? 1 : abs(low) * 0.1
            (low, high) = (low - pad, high + pad)
        }
        let raw = (high - low) / Double(max(targetTicks - 1, 1))
        let magnitude = pow(10, floor(log10(raw)))
        let fraction = raw / magnitude
        let nice: Double = fraction < 1.5 ? 1 : fraction < 3 ? 2 : fraction < 7 ? 5 : 10
        step = nice * magnitude
        lower = floor(low / step + 1e-9) * step
        upper = ceil(high / step - 1e-9) * step
    }

    /// The tick values from `lower` to `upper`.
    public var ticks: [Double] {
        let count = Int(((upper - lower) / step).rounded())
        return (0...max(count, 0)).map { lower + Double($0) * step }
    }

    /// Decimals needed to print the ticks without noise (0 for a step of 1 or more).
    public var fractionDigits: Int { max(0, -Int(floor(log10(step) + 1e-9))) }

    /// A tick value as text.
    public func label(_ value: Double) -> String {
        let text = String(format: "%.\(fractionDigits)f", value)
        return text.hasPrefix("-") && Double(text) == 0 ? String(text.dropFirst()) : text
    }
}
