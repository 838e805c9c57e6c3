// The plasma-concentration estimate: the reference figures of clinical-reference §3.1, weight independence,
// pauses, decay after the end, superposition, and an independent numerical integration of the compartment
// equations as a cross-check of the closed form.
import Foundation
import PumpCore
import Testing

@Suite("Plasma-concentration estimate")
struct PlasmaConcentrationTests {
    static let t0 = MonotonicInstant(nanoseconds: 5_000_000_000)

    static func at(minutes: Double) -> MonotonicInstant { t0 + .seconds(minutes * 60) }

    /// `dose` mg/kg over `minutes`, starting at t0, as one segment.
    static func infusion(weight: Double, dosePerKg: Double = 0.5, minutes: Double = 40) -> DeliveredDoseTimeline {
        let rate = MilligramsPerHour(dosePerKg * weight / (minutes / 60))
        return DeliveredDoseTimeline(segments: [DoseRateSegment(start: t0, end: at(minutes: minutes), rate: rate)])
    }

    static func c(_ model: PlasmaConcentrationModel, _ timeline: DeliveredDoseTimeline, weight: Double, minutes: Double) throws -> Double {
        try #require(model.concentration(at: at(minutes: minutes), timeline: timeline, bodyWeight: Kilograms(weight))).value
    }

    @Test("0.5 mg/kg over 40 min: C(40 min) = 177.3 ng/mL (Clements & Nimmo) and 240.3 ng/mL (Domino) at 50, 70 and 100 kg")
    func referenceFigures() throws {
        for weight in [50.0, 70, 100] {
            let timeline = Self.infusion(weight: weight)
            #expect(abs(try Self.c(.clementsNimmo1981, timeline, weight: weight, minutes: 40) - 177.3) <= 0.5)
            #expect(abs(try Self.c(.domino1982, timeline, weight: weight, minutes: 40) - 240.3) <= 0.5)
        }
    }

    @Test("The curve is independent of body weight for a mg/kg dose and linear in the dose")
    func weightIndependenceAndLinearity() throws {
        for model in PlasmaConcentrationModel.all {
            for minutes in [5.0, 20, 40, 60, 180] {
                let c70 = try Self.c(model, Self.infusion(weight: 70), weight: 70, minutes: minutes)
                let c45 = try Self.c(model, Self.infusion(weight: 45), weight: 45, minutes: minutes)
                let c140 = try Self.c(model, Self.infusion(weight: 140), weight: 140, minutes: minutes)
                #expect(abs(c70 - c45) < 1e-9 * c70 && abs(c70 - c140) < 1e-9 * c70)
                let double = try Self.c(model, Self.infusion(weight: 70, dosePerKg: 1.0), weight: 70, minutes: minutes)
                #expect(abs(double - 2 * c70) < 1e-9 * double)
            }
        }
    }

    @Test("The whole reference table of clinical-reference §3.1 (RK4 figures, rounded) is reproduced within 1 ng/mL")
    func referenceTable() throws {
        let minutes: [Double] = [10, 20, 30, 40, 45, 60, 120, 180]
        let expected: [String: [Double]] = [
            "domino-1982": [182, 210, 227, 240, 91, 55, 36, 25],
            "clements-nimmo-1981": [62, 110, 147, 177, 157, 115, 59, 44],
        ]
        let timeline = Self.infusion(weight: 70)
        for model in PlasmaConcentrationModel.all {
            let values = try #require(model.concentrations(at: minutes.map(Self.at), timeline: timeline, bodyWeight: Kilograms(70)))
            for (value, reference) in zip(values, try #require(expected[model.id])) {
                #expect(abs(value.value - reference) <= 1.0, "\(model.id): \(value) vs \(reference)")
            }
        }
    }

    @Test("A pause shows in the curve: it falls during the pause and stays below the unpaused curve until the end")
    func pauseShowsAsADip() throws {
        let weight = 70.0
        let rate = MilligramsPerHour(0.5 * weight / (40.0 / 60))
        // 20 min infusing, 10 min paused, 20 min infusing: the same 35 mg, ending 10 min later.
        let paused = DeliveredDoseTimeline(segments: [
            DoseRateSegment(start: Self.t0, end: Self.at(minutes: 20), rate: rate),
            DoseRateSegment(start: Self.at(minutes: 30), end: Self.at(minutes: 50), rate: rate),
        ])
        let straight = Self.infusion(weight: weight)
        #expect(abs(paused.totalDose.value - 35) < 1e-9)
        for model in PlasmaConcentrationModel.all {
            let atPauseStart = try Self.c(model, paused, weight: weight, minutes: 20)
            let atPauseEnd = try Self.c(model, paused, weight: weight, minutes: 30)
            #expect(atPauseEnd < atPauseStart, "\(model.id) must fall while paused")
            for minutes in stride(from: 21.0, through: 40, by: 1) {
                #expect(try Self.c(model, paused, weight: weight, minutes: minutes) < Self.c(model, straight, weight: weight, minutes: minutes))
            }
            // Identical before the pause.
            #expect(abs(try Self.c(model, paused, weight: weight, minutes: 15) - Self.c(model, straight, weight: weight, minutes: 15)) < 1e-9)
        }
    }

    @Test("After the end the estimate keeps decaying, monotonically, toward zero")
    func decayAfterEnd() throws {
        let timeline = Self.infusion(weight: 70)
        for model in PlasmaConcentrationModel.all {
            var previous = try Self.c(model, timeline, weight: 70, minutes: 40)
            for minutes in stride(from: 41.0, through: 600, by: 1) {
                let value = try Self.c(model, timeline, weight: 70, minutes: minutes)
                #expect(value < previous && value > 0)
                previous = value
            }
            #expect(previous < 20)
        }
    }

    @Test("Superposition: splitting a segment or building the timeline from 1-second cumulative samples changes nothing")
    func superposition() throws {
        let weight = 80.0
        let rate = MilligramsPerHour(60)
        let whole = DeliveredDoseTimeline(segments: [DoseRateSegment(start: Self.t0, end: Self.at(minutes: 40), rate: rate)])
        var sampled = DeliveredDoseTimeline()
        var tracker = try #require(PlasmaConcentrationTracker(model: .domino1982, bodyWeight: Kilograms(weight)))
        for second in 0...2400 {
            let instant = Self.t0 + .seconds(Int64(second))
            let cumulative = Milligrams(rate.value * Double(second) / 3600)
            sampled.record(cumulative: cumulative, at: instant)
            tracker.record(cumulative: cumulative, at: instant)
        }
        #expect(abs(sampled.totalDose.value - 40) < 1e-9)
        for model in PlasmaConcentrationModel.all {
            for minutes in [0.5, 10, 39.99, 40, 55, 300] {
                let a = try Self.c(model, whole, weight: weight, minutes: minutes)
                let b = try Self.c(model, sampled, weight: weight, minutes: minutes)
                #expect(abs(a - b) < 1e-6 * a)
            }
        }
        for minutes in [40.0, 41, 90] {
            let exact = try Self.c(.domino1982, whole, weight: weight, minutes: minutes)
            #expect(abs(tracker.concentration(at: Self.at(minutes: minutes)).value - exact) < 1e-6 * exact)
        }
        // Two infusions add: C(A + B) = C(A) + C(B).
        let first = DeliveredDoseTimeline(segments: [DoseRateSegment(start: Self.t0, end: Self.at(minutes: 10), rate: rate)])
        let second = DeliveredDoseTimeline(segments: [DoseRateSegment(start: Self.at(minutes: 30), end: Self.at(minutes: 45), rate: rate * 2)])
        let both = DeliveredDoseTimeline(segments: first.segments + second.segments)
        for model in PlasmaConcentrationModel.all {
            for minutes in [5.0, 20, 35, 60] {
                let sum = try Self.c(model, first, weight: weight, minutes: minutes) + Self.c(model, second, weight: weight, minutes: minutes)
                #expect(abs(try Self.c(model, both, weight: weight, minutes: minutes) - sum) < 1e-9 * sum)
            }
        }
    }

    @Test("The closed form agrees with a fine RK4 integration of the compartment equations")
    func agreesWithNumericalIntegration() throws {
        for model in PlasmaConcentrationModel.all {
            let weight = 70.0, dose = 35.0, minutes = 40.0
            let v1 = model.centralVolume.value * weight
            let k10 = model.elimination.value
            let kIn = model.peripherals.map(\.fromCentral.value), kOut = model.peripherals.map(\.toCentral.value)
            func derivative(_ a: [Double], _ rate: Double) -> [Double] {
                var d = Array(repeating: 0.0, count: a.count)
                d[0] = rate - (k10 + kIn.reduce(0, +)) * a[0]
                for p in kIn.indices {
                    d[0] += kOut[p] * a[p + 1]
                    d[p + 1] = kIn[p] * a[0] - kOut[p] * a[p + 1]
                }
                return d
            }
            var amounts = Array(repeating: 0.0, count: kIn.count + 1)
            let dt = 0.005
            var t = 0.0
            var checks: [Double: Double] = [:]
            while t < 120 - 1e-9 {
                let rate = t < minutes - 1e-9 ? dose / minutes : 0
                let k1 = derivative(amounts, rate)
                let k2 = derivative(zip(amounts, k1).map { $0 + dt / 2 * $1 }, rate)
                let k3 = derivative(zip(amounts, k2).map { $0 + dt / 2 * $1 }, rate)
                let k4 = derivative(zip(amounts, k3).map { $0 + dt * $1 }, rate)
                for i in amounts.indices { amounts[i] += dt / 6 * (k1[i] + 2 * k2[i] + 2 * k3[i] + k4[i]) }
                t += dt
                for mark in [10.0, 40, 70, 120] where abs(t - mark) < dt / 2 { checks[mark] = amounts[0] / v1 * 1000 }
            }
            let timeline = Self.infusion(weight: weight)
            for (mark, numeric) in checks {
                #expect(abs(try Self.c(model, timeline, weight: weight, minutes: mark) - numeric) < 0.05, "\(model.id) at \(mark) min")
            }
            #expect(checks.count == 4)
        }
    }

    @Test("Nothing delivered, invalid weight, retraction: zero, nil, and no double counting")
    func edgeCases() throws {
        let empty = DeliveredDoseTimeline()
        #expect(try Self.c(.standard, empty, weight: 70, minutes: 10) == 0)
        #expect(PlasmaConcentrationModel.standard.concentration(at: Self.t0, timeline: empty, bodyWeight: Kilograms(0)) == nil)
        #expect(PlasmaConcentrationTracker(model: .standard, bodyWeight: Kilograms(.nan)) == nil)
        // 10 mg, then 0.3 mg pulled back (occlusion back-off), then back to 10 mg and on to 11 mg: 11 mg counted.
        var timeline = DeliveredDoseTimeline()
        for (second, mg) in [(0, 0.0), (60, 10), (61, 9.7), (62, 10), (120, 11)] {
            timeline.record(cumulative: Milligrams(mg), at: Self.t0 + .seconds(Int64(second)))
        }
        #expect(abs(timeline.totalDose.value - 11) < 1e-9)
        #expect(PlasmaConcentrationModel.named("domino-1982") == .domino1982)
        #expect(PlasmaConcentrationModel.named("hijazi") == nil)
        #expect(PlasmaConcentrationModel.standard == .clementsNimmo1981)
    }
}
