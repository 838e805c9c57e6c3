// IEC 60601-2-24 flow-rate accuracy: the start-up curve, the mean error A and the trumpet curve
// Ep(max)/Ep(min), computed from balance readings taken every S minutes.
//
// Method (infusion-pump-reference §2.1, "Flow-rate accuracy test"; IEC 60601-2-24 Ed.1 1998 clause 50 /
// Ed.2 2012 clause 201.12, clause numbers from memory). The reference marks the exact formulas as
// reconstructed, [R]; they have not been checked against the public Ed.1 reprint IS 13450-2-24 it names:
//
//   readings V_0 … V_N at t_k = k·S, N = T/S (volume; a balance's mass W enters as V = W/d)
//   Q_i  = 60·(V_i − V_{i−1}) / S                       i = 1 … N        [mL/h, S in min]   start-up curve
//   analysis period T2 = [t_a, T], a = t_a/S, N2 = T2/S samples
//   Q̄    = 60·(V_N − V_a) / T2   (= the mean of Q_{a+1} … Q_N)
//   A    = 100·(Q̄ − r)/r                                                  mean error over T2 [%]
//   for each observation window P (p = P/S intervals):
//     m        = (T2 − P)/S + 1                                           number of window positions
//     E_j      = (S/P)·Σ_{i=j}^{j+p−1} 100·(Q_{a+i} − r)/r   j = 1 … m     mean error of one window [%]
//     Ep(max)  = max_j E_j,   Ep(min) = min_j E_j                          the trumpet curve
//
// The windows slide by one sample S and lie wholly inside T2. E_j is computed literally as the sum above; it
// equals the error of the volume collected over the window, 100·(ΔV_window − r·P/60)/(r·P/60), which the
// tests use as an independent check. Every reading must lie on the grid k·S (a missing or shifted reading is
// an error, never interpolated).
import Foundation
import PumpCore

/// Why a set of readings cannot be analysed.
public enum FlowAnalysisError: Error, Equatable, CustomStringConvertible {
    case nonPositiveRate
    case invalidProtocol(String)
    case tooFewReadings(needed: Int, got: Int)
    case offGrid(index: Int, elapsed: Minutes)
    case windowNotMultipleOfInterval(Minutes)
    case windowLongerThanAnalysisPeriod(Minutes)

    public var description: String {
        switch self {
        case .nonPositiveRate: "The set rate must be above 0 mL/h."
        case .invalidProtocol(let why): "Invalid test protocol: \(why)."
        case .tooFewReadings(let needed, let got): "The test needs \(needed) readings (0 … T every S); got \(got)."
        case .offGrid(let index, let elapsed): "Reading \(index) is at \(elapsed.formatted(maxFractionDigits: 4)), not on the sampling grid."
        case .windowNotMultipleOfInterval(let p): "Window \(p) is not a whole number of sampling intervals."
        case .windowLongerThanAnalysisPeriod(let p): "Window \(p) is longer than the analysis period."
        }
    }
}

/// One point of the start-up curve: the flow over the interval ending at `elapsed`.
public struct FlowPoint: Sendable, Equatable {
    /// End of the sampling interval (i·S).
    public var elapsed: Minutes
    /// Q_i over the interval.
    public var flow: MillilitersPerHour
}

/// One point of the trumpet curve.
public struct TrumpetPoint: Sendable, Equatable {
    /// Observation window P.
    public var window: Minutes
    /// Number of window positions m = (T2 − P)/S + 1.
    public var positions: Int
    /// Ep(max): the largest mean error over any window of length P in T2.
    public var maximumError: Percent
    /// Ep(min): the smallest.
    public var minimumError: Percent
}

/// The complete result of one flow test.
public struct FlowAccuracyResult: Sendable, Equatable {
    /// Set rate r.
    public var setRate: MillilitersPerHour
    /// The protocol the readings were analysed with.
    public var testProtocol: FlowTestProtocol
    /// The start-up curve: Q_i for i = 1 … T/S.
    public var startUpCurve: [FlowPoint]
    /// Mean flow Q̄ over T2.
    public var meanFlow: MillilitersPerHour
    /// A = 100·(Q̄ − r)/r.
    public var meanError: Percent
    /// Ep(max) and Ep(min) per observation window, in the protocol's order.
    public var trumpet: [TrumpetPoint]
    /// Volume collected over the whole test, V_N − V_0.
    public var totalDelivered: Milliliters
}

/// The IEC 60601-2-24 computations.
public enum FlowAccuracyAnalysis {
    /// Analyses readings V_0 … V_N (at least T/S + 1 of them, on the grid k·S; later readings are ignored).
    public static func analyse(_ readings: [BalanceReading], setRate: MillilitersPerHour,
                               testProtocol: FlowTestProtocol = .iec60601_2_24) throws(FlowAnalysisError) -> FlowAccuracyResult {
        guard setRate.value > 0 else { throw .nonPositiveRate }
        let s = testProtocol.sampleInterval.value
        guard s > 0 else { throw .invalidProtocol("the sampling interval must be above 0") }
        let n = try intervals(testProtocol.duration, s, "T")
        let a = try intervals(testProtocol.analysisStart, s, "the start of T2")
        guard a < n else { throw .invalidProtocol("the analysis period T2 must be longer than 0") }
        guard readings.count >= n + 1 else { throw .tooFewReadings(needed: n + 1, got: readings.count) }
        for k in 0...n where abs(readings[k].elapsed.value - Double(k) * s) > 1e-6 {
            throw .offGrid(index: k, elapsed: readings[k].elapsed)
        }
        let v = readings[0...n].map(\.delivered.value)
        let r = setRate.value
        let startUp = (1...n).map { i in
            FlowPoint(elapsed: Minutes(Double(i) * s), flow: MillilitersPerHour(60 * (v[i] - v[i - 1]) / s))
        }
        let t2 = Double(n - a) * s
        let meanFlow = MillilitersPerHour(60 * (v[n] - v[a]) / t2)
        var trumpet: [TrumpetPoint] = []
        for window in testProtocol.windows {
            let pRaw = window.value / s
            let p = Int(pRaw.rounded())
            guard p > 0, abs(pRaw - Double(p)) < 1e-9 else { throw .windowNotMultipleOfInterval(window) }
            guard p <= n - a else { throw .windowLongerThanAnalysisPeriod(window) }
            let m = (n - a) - p + 1
            var high = -Double.infinity, low = Double.infinity
            for j in 1...m {
                // Σ_{i=j}^{j+p−1} 100·(Q_{a+i} − r)/r; startUp[i − 1] is Q_i.
                var sum = 0.0
                for i in j...(j + p - 1) { sum += 100 * (startUp[a + i - 1].flow.value - r) / r }
                let error = s / window.value * sum
                high = max(high, error)
                low = min(low, error)
            }
            trumpet.append(TrumpetPoint(window: window, positions: m, maximumError: Percent(high), minimumError: Percent(low)))
        }
        return FlowAccuracyResult(
            setRate: setRate, testProtocol: testProtocol, startUpCurve: startUp, meanFlow: meanFlow,
            meanError: Percent.error(of: meanFlow, relativeTo: setRate), trumpet: trumpet,
            totalDelivered: Milliliters(v[n] - v[0]))
    }

    /// `span` as a whole number of intervals of `s` minutes.
    private static func intervals(_ span: Minutes, _ s: Double, _ name: String) throws(FlowAnalysisError) -> Int {
        let raw = span.value / s
        let count = Int(raw.rounded())
        guard count >= 0, abs(raw - Double(count)) < 1e-9 else {
            throw .invalidProtocol("\(name) (\(span)) is not a whole number of sampling intervals")
        }
        return count
    }
}
