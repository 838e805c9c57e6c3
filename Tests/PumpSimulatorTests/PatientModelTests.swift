// The simulated patient's blood pressure follows clinical-reference §1.1: +16/+11 mmHg at the end of
// 0.5 mg/kg over 40 min, back to baseline by 90 min, proportional to the dose; a surge adds on top.
import Foundation
import PumpCore
import PumpSimulator
import Testing

@Suite("Simulated patient model")
struct PatientModelTests {
    /// Runs `dosePerKg` over 40 min (updates every 10 s), then nothing, and returns the model at each minute.
    static func course(dosePerKg: Double, until minutes: Int = 120) -> [Int: PatientModel] {
        var model = PatientModel()
        var result: [Int: PatientModel] = [0: model]
        for tick in 0...(minutes * 6) {
            let t = Double(tick) / 6
            let delivered = dosePerKg * min(t, 40) / 40
            model.advance(to: .origin + .seconds(Int64(tick * 10)), deliveredDosePerKg: MilligramsPerKilogram(delivered))
            if tick % 6 == 0 { result[tick / 6] = model }
        }
        return result
    }

    @Test("0.5 mg/kg over 40 min: +16/+11 mmHg at 40 min (the peak), under 1 mmHg above baseline at 90 min")
    func referenceCourse() throws {
        let course = Self.course(dosePerKg: 0.5)
        let end = try #require(course[40])
        #expect(abs(end.systolicRise.value - 16) < 0.1 && abs(end.diastolicRise.value - 11) < 0.1)
        let peak = try #require(course.max { $0.value.systolicRise < $1.value.systolicRise })
        #expect((40...41).contains(peak.key))
        #expect(try #require(course[20]).systolicRise.value > 8)
        #expect(try #require(course[90]).systolicRise.value < 1)
        let reading = end.vitals(at: .origin + .minutes(40))
        #expect(reading.systolic == MillimetersOfMercury(141) && reading.diastolic == MillimetersOfMercury(89))
        #expect(try #require(course[90]).vitals(at: .origin).systolic == MillimetersOfMercury(126) || course[90]?.vitals(at: .origin).systolic == MillimetersOfMercury(125))
    }

    @Test("The rise scales with the dose (1.0 mg/kg gives twice 0.5 mg/kg) and is zero without drug")
    func scalesWithDose() throws {
        let half = try #require(Self.course(dosePerKg: 0.5)[40]).systolicRise.value
        let full = try #require(Self.course(dosePerKg: 1.0)[40]).systolicRise.value
        #expect(abs(full - 2 * half) < 1e-9)
        #expect(try #require(Self.course(dosePerKg: 0)[40]).systolicRise.value == 0)
    }

    @Test("A hypertensive surge adds +60/+30 mmHg and +25 bpm until released; a new session's lower count is no negative dose")
    func surge() {
        var model = PatientModel()
        model.advance(to: .origin, deliveredDosePerKg: .zero)
        model.surge = true
        let surged = model.vitals(at: .origin)
        #expect(surged.systolic == MillimetersOfMercury(185) && surged.diastolic == MillimetersOfMercury(108) && surged.heartRate == BeatsPerMinute(97))
        model.surge = false
        #expect(model.vitals(at: .origin).systolic == MillimetersOfMercury(125))
        model.advance(to: .origin + .minutes(10), deliveredDosePerKg: MilligramsPerKilogram(0.2))
        model.advance(to: .origin + .minutes(11), deliveredDosePerKg: .zero)
        #expect(model.systolicRise.value > 0)
    }
}
