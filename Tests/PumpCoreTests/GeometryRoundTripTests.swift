// Volume → steps rounds toward less drug for every syringe, calibration and volume.
import Foundation
import PumpCore
import Testing

@Suite("Geometry round trip")
struct GeometryRoundTripTests {
    /// Deterministic pseudo-random volumes (SplitMix64), so the property is checked on the same values every run.
    static func volumes(count: Int, seed: UInt64, upTo maximum: Double) -> [Double] {
        var state = seed
        return (0..<count).map { _ in
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            z ^= z >> 31
            return Double(z >> 11) / Double(1 << 53) * maximum
        }
    }

    @Test("HAZ-007: volume(for: steps(forVolume: v)) ≤ v and within one step, over many volumes",
          arguments: ["bd-10", "bd-20", "bd-30", "bd-50", "terumo-20", "terumo-50", "omnifix-20", "omnifix-50"], [0.9, 1.0, 1.1])
    func roundTrip(_ id: String, _ calibration: Double) throws {
        let (_, syringes) = try Fixtures.bundled.get()
        var spec = try #require(syringes.syringe(id: id))
        spec.calibrationFactor = calibration
        let geometry = SyringeGeometry(syringe: spec)
        let step = geometry.volumePerStep.milliliters.value
        var samples = Self.volumes(count: 2000, seed: UInt64(id.utf8.count) &* 7919, upTo: spec.nominalVolume.value)
        samples += [0.001, 0.01, 0.1, 1, 17.5, 35, 37.5, 49.8, 50].filter { $0 <= spec.nominalVolume.value }
        // exact multiples of a step must not lose a step to representation error
        samples += [1, 7, 1000, 123_457].map { Double($0) * step }
        for v in samples {
            let steps = geometry.steps(forVolume: Milliliters(v))
            let back = geometry.volume(for: steps).value
            #expect(back <= v + 1e-12, "\(id) ×\(calibration): \(v) mL → \(steps) → \(back) mL")
            #expect(v - back < step * (1 + 1e-9), "\(id) ×\(calibration): lost more than one step at \(v) mL")
        }
    }

    @Test("35 mL in bd-50 is 160 027 steps: floor(35 000 µL ÷ 0.218 71 µL)")
    func example() throws {
        let (_, syringes) = try Fixtures.bundled.get()
        let geometry = SyringeGeometry(syringe: try #require(syringes.syringe(id: "bd-50")))
        #expect(geometry.steps(forVolume: Milliliters(35)) == Steps(160_027))
        #expect(geometry.steps(forVolume: Milliliters(0)) == .zero)
        #expect(geometry.steps(forVolume: Milliliters(-1)) == .zero)
        #expect(geometry.steps(forVolume: Milliliters(.nan)) == .zero)
    }
}
