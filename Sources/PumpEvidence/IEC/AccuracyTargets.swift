// The project's software-only accuracy targets, checked on an IEC 60601-2-24 result.
//
//   mean error         |A| < 0.1 %
//   trumpet            |Ep(max)|, |Ep(min)| ≤ k·ΔV / (r·P) · 100 %   for every window P (k = 1 step)
//
// An ideal pump delivers exactly r·P in every window, so its trumpet is flat at 0 %. A stepper can only be
// off by whole steps: the software's own error, with ideal mechanics, should be at most one step volume ΔV
// per window (step quantisation; the line's low-pass filter cannot widen it, since it averages a staircase
// that lies within one step of the ideal ramp). So the bound is one step volume as a percentage of the
// window's ideal volume: 0.66 % for P = 2 min at 1 mL/h with a BD 50 mL syringe (ΔV = 0.2187 µL).
import Foundation
import PumpCore

/// The outcome of checking one result against the targets.
public struct AccuracyVerdict: Sendable, Equatable {
    /// |A| is below the limit.
    public var meanErrorMet: Bool
    /// The windows whose Ep(max) or Ep(min) lies outside ±k steps.
    public var windowsOutside: [Minutes]
    /// Every target is met.
    public var passed: Bool { meanErrorMet && windowsOutside.isEmpty }
}

/// Software-only accuracy targets.
public struct SoftwareAccuracyTargets: Sendable, Equatable {
    /// Largest allowed |A|.
    public var meanErrorLimit: Percent
    /// Allowed trumpet deviation from ideal, in step volumes per window.
    public var trumpetSteps: Double

    /// Creates targets; the defaults are the project's (|A| < 0.1 %, ±1 step per window).
    public init(meanErrorLimit: Percent = Percent(0.1), trumpetSteps: Double = 1) {
        self.meanErrorLimit = meanErrorLimit
        self.trumpetSteps = trumpetSteps
    }

    /// ±k step volumes as a percentage of the ideal volume of a window P at rate r.
    public func trumpetBound(window: Minutes, setRate: MillilitersPerHour, stepVolume: Microliters) -> Percent {
        let ideal = (setRate * window).microliters.value
        return Percent(100 * trumpetSteps * stepVolume.value / ideal)
    }

    /// Checks `result` (a run with steps of `stepVolume`) against the targets.
    public func check(_ result: FlowAccuracyResult, stepVolume: Microliters) -> AccuracyVerdict {
        // 1e-9 % absorbs floating-point rounding of an error that sits exactly on the bound.
        let outside = result.trumpet.filter { point in
            let bound = trumpetBound(window: point.window, setRate: result.setRate, stepVolume: stepVolume).value + 1e-9
            return point.maximumError.value > bound || point.minimumError.value < -bound
        }.map(\.window)
        return AccuracyVerdict(meanErrorMet: abs(result.meanError.value) < meanErrorLimit.value, windowsOutside: outside)
    }
}
