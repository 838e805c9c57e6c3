// The IEC 60601-2-24 formulas on small hand-computed series, the standard grid on a perfect ramp, and
// series that must fail the software targets.
import Foundation
import PumpCore
import PumpEvidence
import Testing

@Suite("IEC 60601-2-24 flow analysis")
struct FlowAccuracyAnalysisTests {
    /// S = 0.5 min, T = 4 min, T2 = 2…4 min, P = 1 and 2 min.
    static let small = FlowTestProtocol(sampleInterval: Minutes(0.5), duration: Minutes(4), analysisStart: Minutes(2),
                                        windows: [Minutes(1), Minutes(2)])

    static func readings(_ volumes: [Double], every s: Double = 0.5) -> [BalanceReading] {
        volumes.enumerated().map { BalanceReading(elapsed: Minutes(Double($0.offset) * s), delivered: Milliliters($0.element)) }
    }

    static func close(_ a: Double, _ b: Double, _ tolerance: Double = 1e-9) -> Bool { abs(a - b) <= tolerance }

    @Test("Hand-computed: Q_i, A = 0 and Ep(max)/Ep(min) = ±10 % for P = 1 min, 0 % for P = 2 min")
    func handComputed() throws {
        // r = 6 mL/h = 0.05 mL per 0.5 min. Q_1…Q_4 = 6; Q_5 = 7.2 (+20 %), Q_6 = 6, Q_7 = 4.8 (−20 %), Q_8 = 6.
        let v = [0, 0.05, 0.10, 0.15, 0.20, 0.26, 0.31, 0.35, 0.40]
        let result = try FlowAccuracyAnalysis.analyse(Self.readings(v), setRate: MillilitersPerHour(6), testProtocol: Self.small)
        #expect(result.startUpCurve.count == 8)
        let q = result.startUpCurve.map(\.flow.value)
        for (got, want) in zip(q, [6, 6, 6, 6, 7.2, 6, 4.8, 6]) { #expect(Self.close(got, want), "Q = \(q)") }
        #expect(result.startUpCurve[4].elapsed == Minutes(2.5))
        // Q̄ = 60·(0.40 − 0.20)/2 = 6 → A = 0.
        #expect(Self.close(result.meanFlow.value, 6))
        #expect(Self.close(result.meanError.value, 0))
        // P = 1 (p = 2), m = (2 − 1)/0.5 + 1 = 3: E = (0.5/1)·{20 + 0, 0 − 20, −20 + 0} = {10, −10, −10}.
        let p1 = result.trumpet[0]
        #expect(p1.positions == 3)
        #expect(Self.close(p1.maximumError.value, 10) && Self.close(p1.minimumError.value, -10))
        // P = 2 (p = 4), m = 1: (0.5/2)·(20 + 0 − 20 + 0) = 0.
        let p2 = result.trumpet[1]
        #expect(p2.positions == 1)
        #expect(Self.close(p2.maximumError.value, 0) && Self.close(p2.minimumError.value, 0))
        #expect(Self.close(result.totalDelivered.value, 0.40))
    }

    @Test("Hand-computed: 0.21 mL in the 2-minute T2 at 6 mL/h is Q̄ = 6.3 mL/h, A = +5 %")
    func meanErrorPositive() throws {
        let v = [0, 0.05, 0.10, 0.15, 0.20, 0.25, 0.30, 0.35, 0.41]
        let result = try FlowAccuracyAnalysis.analyse(Self.readings(v), setRate: MillilitersPerHour(6), testProtocol: Self.small)
        #expect(Self.close(result.meanFlow.value, 6.3))
        #expect(Self.close(result.meanError.value, 5))
        // The last window holds the extra 0.01 mL: P = 1 → (0.5/1)·(0 + 20) = 10 %.
        #expect(Self.close(result.trumpet[0].maximumError.value, 10))
        #expect(Self.close(result.trumpet[0].minimumError.value, 0))
    }

    @Test("The standard grid on a perfect ramp: 240 Q_i, m = 117/111/99/83/59, A and every Ep exactly 0")
    func standardGridPerfectRamp() throws {
        let rate = 5.0
        let ramp = (0...240).map { Double($0) * 0.5 * rate / 60 }
        let result = try FlowAccuracyAnalysis.analyse(Self.readings(ramp), setRate: MillilitersPerHour(rate))
        #expect(result.startUpCurve.count == 240)
        #expect(result.trumpet.map(\.positions) == [117, 111, 99, 83, 59])
        #expect(result.trumpet.map(\.window.value) == [2, 5, 11, 19, 31])
        #expect(abs(result.meanError.value) < 1e-9)
        for point in result.trumpet {
            #expect(abs(point.maximumError.value) < 1e-9 && abs(point.minimumError.value) < 1e-9)
        }
        #expect(SoftwareAccuracyTargets().check(result, stepVolume: Microliters(0.2187)).passed)
    }

    @Test("Ep equals the error of the volume collected in the window (independent check on an irregular series)")
    func trumpetEqualsWindowVolumeError() throws {
        let rate = 1.0
        var v = [0.0]
        for k in 1...240 { v.append(v[k - 1] + rate / 120 * (1 + 0.03 * sin(Double(k) * 0.7) + 0.01 * cos(Double(k) * 2.3))) }
        let result = try FlowAccuracyAnalysis.analyse(Self.readings(v), setRate: MillilitersPerHour(rate))
        for point in result.trumpet {
            let p = Int(point.window.value / 0.5)
            let errors = (1...(120 - p + 1)).map { j in
                100 * ((v[120 + j + p - 1] - v[120 + j - 1]) - rate * point.window.value / 60) / (rate * point.window.value / 60)
            }
            #expect(Self.close(point.maximumError.value, errors.max() ?? .nan, 1e-9))
            #expect(Self.close(point.minimumError.value, errors.min() ?? .nan, 1e-9))
        }
        #expect(Self.close(result.meanError.value, 100 * ((v[240] - v[120]) - rate) / rate, 1e-9))
    }

    @Test("A pump 0.5 % fast fails |A| < 0.1 % (and its trumpet, a flat +0.5 %, fails ±1 step at 5 mL/h)")
    func fastPumpFailsTargets() throws {
        let rate = 5.0
        let ramp = (0...240).map { Double($0) * 0.5 * rate * 1.005 / 60 }
        let result = try FlowAccuracyAnalysis.analyse(Self.readings(ramp), setRate: MillilitersPerHour(rate))
        #expect(Self.close(result.meanError.value, 0.5, 1e-9))
        let verdict = SoftwareAccuracyTargets().check(result, stepVolume: Microliters(0.2187))
        #expect(!verdict.meanErrorMet)
        #expect(!verdict.passed)
        // ±1 step at 5 mL/h: 0.131 % at P = 2 … 0.0085 % at P = 31; a flat 0.5 % is outside all of them.
        #expect(verdict.windowsOutside.map(\.value) == [2, 5, 11, 19, 31])
    }

    @Test("Three steps delivered late and caught up: A stays 0 but the trumpet leaves ±1 step")
    func lateStepsFailTrumpetOnly() throws {
        let rate = 1.0, step = 0.2187e-3
        var v = (0...240).map { Double($0) * 0.5 * rate / 60 }
        for k in 150...153 { v[k] -= 3 * step }
        let result = try FlowAccuracyAnalysis.analyse(Self.readings(v), setRate: MillilitersPerHour(rate))
        let targets = SoftwareAccuracyTargets()
        let verdict = targets.check(result, stepVolume: Microliters(0.2187))
        #expect(verdict.meanErrorMet)
        #expect(!verdict.passed)
        #expect(verdict.windowsOutside.contains(Minutes(2)))
        // P = 2 min at 1 mL/h holds 33.3 µL: three steps are ∓1.97 %, against a bound of 0.656 %.
        #expect(Self.close(result.trumpet[0].minimumError.value, -100 * 3 * step / (rate * 2 / 60), 1e-9))
        #expect(Self.close(targets.trumpetBound(window: Minutes(2), setRate: MillilitersPerHour(1), stepVolume: Microliters(0.2187)).value,
                           0.6561, 1e-4))
    }

    @Test("Readings that cannot be analysed are refused with the reason, never interpolated")
    func refusals() throws {
        let ramp = (0...8).map { Double($0) * 0.05 }
        #expect(throws: FlowAnalysisError.tooFewReadings(needed: 9, got: 8)) {
            try FlowAccuracyAnalysis.analyse(Self.readings(Array(ramp.prefix(8))), setRate: MillilitersPerHour(6), testProtocol: Self.small)
        }
        var shifted = Self.readings(ramp)
        shifted[3].elapsed = Minutes(1.6)
        #expect(throws: FlowAnalysisError.offGrid(index: 3, elapsed: Minutes(1.6))) {
            try FlowAccuracyAnalysis.analyse(shifted, setRate: MillilitersPerHour(6), testProtocol: Self.small)
        }
        var tooLong = Self.small
        tooLong.windows = [Minutes(3)]
        #expect(throws: FlowAnalysisError.windowLongerThanAnalysisPeriod(Minutes(3))) {
            try FlowAccuracyAnalysis.analyse(Self.readings(ramp), setRate: MillilitersPerHour(6), testProtocol: tooLong)
        }
        var odd = Self.small
        odd.windows = [Minutes(0.75)]
        #expect(throws: FlowAnalysisError.windowNotMultipleOfInterval(Minutes(0.75))) {
            try FlowAccuracyAnalysis.analyse(Self.readings(ramp), setRate: MillilitersPerHour(6), testProtocol: odd)
        }
        #expect(throws: FlowAnalysisError.nonPositiveRate) {
            try FlowAccuracyAnalysis.analyse(Self.readings(ramp), setRate: .zero, testProtocol: Self.small)
        }
    }

    @Test("A balance reading in grams becomes volume through the density; a shortened test keeps the windows that fit")
    func gravimetricAndShortened() {
        let reading = BalanceReading(elapsed: Minutes(1), grams: 0.998, density: 0.998)
        #expect(Self.close(reading.delivered.value, 1))
        let short = FlowTestProtocol.shortened(to: Minutes(20))
        #expect(short.analysisStart == Minutes(10))
        #expect(short.windows == [Minutes(2), Minutes(5)])
        #expect(FlowTestProtocol.iec60601_2_24.analysisPeriod == Minutes(60))
    }
}
