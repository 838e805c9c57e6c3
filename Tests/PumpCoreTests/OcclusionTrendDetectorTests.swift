// The rising-pressure detector on synthetic pressure/step series (1 s samples).
@testable import PumpCore
import Testing

@Suite("Occlusion trend detector")
struct OcclusionTrendDetectorTests {
    private func detector() -> OcclusionTrendDetector {
        OcclusionTrendDetector(windows: [.seconds(Int64(30)), .seconds(Int64(120))],
                               minimumRise: MillimetersOfMercury(15), noise: MillimetersOfMercury(0.5))
    }

    /// Feeds `seconds` samples; returns the first second at which it tripped.
    private func feed(_ detector: inout OcclusionTrendDetector, seconds: Int,
                      pressure: (Int) -> Double, steps: (Int) -> Int64) -> Int? {
        for t in 0...seconds {
            if detector.add(MillimetersOfMercury(pressure(t)), deliveredSteps: Steps(steps(t)),
                            at: .origin + .seconds(Int64(t))) { return t }
        }
        return nil
    }

    @Test("HAZ-004: a steady climb at a steady plunger pace (occlusion at 5 mL/h) trips within the short window")
    func occlusionTrips() {
        var d = detector()
        let tripped = feed(&d, seconds: 120, pressure: { 10 + 0.93 * Double($0) }, steps: { Int64($0) * 6 })
        #expect(tripped != nil && tripped! <= 35)
    }

    @Test("HAZ-004: a pressure rise explained by accelerating flow (catch-up after starvation) does not trip")
    func catchUpDoesNotTrip() {
        var d = detector()
        // Flow ramps from 3 to 12 steps/s over two minutes; pressure follows the flow (open line, R·Q).
        let tripped = feed(&d, seconds: 120, pressure: { 8 + 0.25 * Double($0) },
                           steps: { t in Int64(3 * t + (t * t) / 26) })
        #expect(tripped == nil)
    }

    @Test("HAZ-004: a start-up step (rise then flat) does not trip")
    func startStepDoesNotTrip() {
        var d = detector()
        let tripped = feed(&d, seconds: 200, pressure: { $0 < 3 ? 8 + Double($0) * 10 : 37 }, steps: { Int64($0) * 30 })
        #expect(tripped == nil)
    }
}
