// Occlusion characterisation: the targets at the lowest and highest thresholds, and the threshold-only
// physics against the analytic line model.
import EvidenceRuns
import Foundation
import PumpCore
import PumpEvidence
import Testing

@Suite("Occlusion characterisation")
struct OcclusionCharacterisationTests {
    static let thresholds = [OcclusionCharacterisation.thresholdRange.lowerBound, OcclusionCharacterisation.thresholdRange.upperBound]

    @Test("HAZ-004: at 5 mL/h the alarm comes in < 15 min and the back-off keeps the bolus ≤ 0.1 mL, at 50 and 1034 mmHg",
          arguments: thresholds)
    func fiveMlPerHourTargets(threshold: MillimetersOfMercury) throws {
        let result = try OcclusionCharacterisation.run(OcclusionTrialConfiguration(
            rate: MillilitersPerHour(5), threshold: threshold, backOff: true))
        let time = try #require(result.timeToAlarm)
        #expect(time.value < 15, "time to alarm \(time)")  // commercial anchor: 15 ± 7 min at 5 mL/h
        let bolus = try #require(result.bolus)
        #expect(bolus.value <= 0.1, "bolus \(bolus)")
        #expect(result.backOffVolume.value > 0)
        #expect(try #require(result.pressureAtAlarm) <= threshold)
    }

    @Test("HAZ-004: at 1 mL/h the alarm comes in < 60 min (anchor ~2 h at 0.5 mL/h) and the bolus with back-off is ≤ 0.1 mL",
          arguments: thresholds)
    func oneMlPerHourTargets(threshold: MillimetersOfMercury) throws {
        let result = try OcclusionCharacterisation.run(OcclusionTrialConfiguration(
            rate: MillilitersPerHour(1), threshold: threshold, backOff: true))
        #expect(try #require(result.timeToAlarm).value < 60)
        #expect(try #require(result.bolus).value <= 0.1)
    }

    @Test("HAZ-004: threshold only at 50 mmHg, 5 mL/h: alarm at C·(50 − P₀)/Q with 50 mmHg in the line; without back-off the bolus is C·(P − P_v)")
    func thresholdOnlyMatchesLineModel() throws {
        let c = 1.5, q = 5000.0 / 3600, p0 = 8 + 1.0 * q  // µL/mmHg, µL/s, mmHg (P_v + R·Q)
        let result = try OcclusionCharacterisation.run(OcclusionTrialConfiguration(
            rate: MillilitersPerHour(5), threshold: MillimetersOfMercury(50), backOff: false, detection: .thresholdOnly))
        let seconds = try #require(result.timeToAlarm).value * 60
        #expect(abs(seconds - c * (50 - p0) / q) < 0.5, "alarm after \(seconds) s")
        let pressure = try #require(result.pressureAtAlarm).value
        #expect(pressure >= 50 && pressure < 50 + 0.2187 / c + 1e-9)
        let bolus = try #require(result.bolus).microliters.value
        #expect(abs(bolus - c * (pressure - 8)) < 0.5, "bolus \(bolus) µL")
        #expect(result.backOffVolume == .zero)
    }

    @Test("HAZ-004: threshold only at 1034 mmHg, the 0.5 mL back-off cap leaves C·(P − P_v) − 0.5 mL to come out")
    func highThresholdBackOffCap() throws {
        let result = try OcclusionCharacterisation.run(OcclusionTrialConfiguration(
            rate: MillilitersPerHour(5), threshold: MillimetersOfMercury(1034), backOff: true, detection: .thresholdOnly))
        let pressure = try #require(result.pressureAtAlarm).value
        #expect(pressure >= 1034)
        #expect(abs(result.backOffVolume.value - 0.5) < 0.001)
        let bolus = try #require(result.bolus).value
        #expect(abs(bolus - (1.5 * (pressure - 8) / 1000 - result.backOffVolume.value)) < 0.002, "bolus \(bolus) mL")
    }
}
