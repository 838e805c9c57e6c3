// The IEC 60601-2-24 flow-rate accuracy test set-up: what is sampled, how often, for how long, and which
// observation windows the trumpet curve uses (infusion-pump-reference §2.1, the accuracy-of-operating-data
// clause of IEC 60601-2-24: Ed.1 1998 clause 50, Ed.2 2012 clause 201.12 — clause numbers from memory). A balance under the outlet is read every S = 0.5 min for T = 120 min; the start-up curve
// uses the whole run and the trumpet curve and mean error the second hour (T2 = 60 min, from 60 to 120 min).
import Foundation
import PumpCore

/// One reading of the balance (or of the simulator's exact delivered volume) during a flow test.
public struct BalanceReading: Sendable, Equatable {
    /// Time since the start of the infusion.
    public var elapsed: Minutes
    /// Volume collected up to `elapsed`.
    public var delivered: Milliliters

    /// Creates a reading.
    public init(elapsed: Minutes, delivered: Milliliters) {
        self.elapsed = elapsed
        self.delivered = delivered
    }

    /// A gravimetric reading: `grams` of water on the balance at density `density` g/mL (IEC uses the
    /// density of the test liquid, d ≈ 0.998 g/mL for water at 20 °C). The test liquid's mass is the only
    /// bare number in the method, so it enters here and leaves as a volume.
    public init(elapsed: Minutes, grams: Double, density: Double = 0.998) {
        self.init(elapsed: elapsed, delivered: Milliliters(grams / density))
    }
}

/// The parameters of one flow-rate accuracy test.
public struct FlowTestProtocol: Sendable, Equatable {
    /// Sampling interval S.
    public var sampleInterval: Minutes
    /// Total test duration T (start-up curve).
    public var duration: Minutes
    /// Start of the analysis period T2 (mean error and trumpet curve); T2 runs from here to `duration`.
    public var analysisStart: Minutes
    /// Observation windows P of the trumpet curve.
    public var windows: [Minutes]

    /// Creates a protocol.
    public init(sampleInterval: Minutes, duration: Minutes, analysisStart: Minutes, windows: [Minutes]) {
        self.sampleInterval = sampleInterval
        self.duration = duration
        self.analysisStart = analysisStart
        self.windows = windows
    }

    /// The IEC windows P = 2, 5, 11, 19, 31 min.
    public static let iecWindows = [2.0, 5, 11, 19, 31].map { Minutes($0) }

    /// The standard test: S = 0.5 min, T = 120 min, T2 = the second hour, P = 2, 5, 11, 19, 31 min.
    public static let iec60601_2_24 = FlowTestProtocol(
        sampleInterval: Minutes(0.5), duration: Minutes(120), analysisStart: Minutes(60), windows: iecWindows)

    /// A shortened test of `duration` with the same S, T2 = its second half, and only the IEC windows that fit
    /// in T2 (e.g. a 20-minute real-clock run keeps P = 2 and 5 min). Not the standard's test: say so.
    public static func shortened(to duration: Minutes) -> FlowTestProtocol {
        let start = Minutes(duration.value / 2)
        return FlowTestProtocol(
            sampleInterval: Minutes(0.5), duration: duration, analysisStart: start,
            windows: iecWindows.filter { $0.value <= duration.value - start.value + 1e-9 })
    }

    /// The analysis period T2.
    public var analysisPeriod: Minutes { duration - analysisStart }
}
