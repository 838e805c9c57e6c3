// The dose arithmetic checked against numbers computed independently (Python, 50-digit decimals) and written
// out by hand here. steps = floor(volume_µL / (π r² × 1.25 / 3200)) for the default M8 / 200 / 16 drive.
import Foundation
import PumpCore
import Testing

struct DoseCase: Sendable, CustomTestStringConvertible {
    var weight: Double, height: Double?, sex: Sex?, basis: DosingWeightBasis
    var profile: String, dose: Double, duration: Double, concentration: Double, syringe: String
    var dw: Double, mg: Double, mL: Double, mLh: Double, mgkgh: Double, steps: Int64

    init(_ weight: Double, _ height: Double?, _ sex: Sex?, _ basis: DosingWeightBasis, _ profile: String,
         _ dose: Double, _ duration: Double, _ concentration: Double, _ syringe: String,
         dw: Double, mg: Double, mL: Double, mLh: Double, mgkgh: Double, steps: Int64) {
        (self.weight, self.height, self.sex, self.basis) = (weight, height, sex, basis)
        (self.profile, self.dose, self.duration, self.concentration, self.syringe) = (profile, dose, duration, concentration, syringe)
        (self.dw, self.mg, self.mL, self.mLh, self.mgkgh, self.steps) = (dw, mg, mL, mLh, mgkgh, steps)
    }

    var testDescription: String {
        "\(weight) kg \(basis.rawValue) \(profile) \(dose) over \(duration) min at \(concentration) mg/mL in \(syringe)"
    }

    var request: ProgramRequest {
        let patient = PatientInfo(weight: Kilograms(weight), height: height.map(Centimeters.init), sex: sex, basis: basis)
        return ProgramRequest(
            drug: "ketamine", profile: profile, patient: patient,
            dosePerKg: profile == "mood" ? MilligramsPerKilogram(dose) : nil,
            doseRate: profile == "pain" ? MilligramsPerKilogramPerHour(dose) : nil,
            duration: Minutes(duration), concentration: MilligramsPerMilliliter(concentration), syringeID: syringe)
    }
}

let doseTable: [DoseCase] = [
    .init(70, nil, nil, .actual, "mood", 0.5, 40, 1, "bd-50", dw: 70, mg: 35, mL: 35, mLh: 52.5, mgkgh: 0.75, steps: 160027),
    .init(70, nil, nil, .actual, "mood", 0.5, 40, 2, "bd-20", dw: 70, mg: 35, mL: 17.5, mLh: 26.25, mgkgh: 0.75, steps: 155868),
    .init(70, nil, nil, .actual, "mood", 0.5, 40, 2, "bd-50", dw: 70, mg: 35, mL: 17.5, mLh: 26.25, mgkgh: 0.75, steps: 80013),
    .init(30, nil, nil, .actual, "mood", 0.5, 40, 1, "bd-20", dw: 30, mg: 15, mL: 15, mLh: 22.5, mgkgh: 0.75, steps: 133601),
    .init(250, nil, nil, .actual, "mood", 0.5, 40, 10, "bd-20", dw: 250, mg: 125, mL: 12.5, mLh: 18.75, mgkgh: 0.75, steps: 111334),
    .init(150, nil, nil, .actual, "mood", 0.5, 40, 2, "bd-50", dw: 150, mg: 75, mL: 37.5, mLh: 56.25, mgkgh: 0.75, steps: 171458),
    .init(100, nil, nil, .actual, "mood", 0.5, 40, 2, "terumo-50", dw: 100, mg: 50, mL: 25, mLh: 37.5, mgkgh: 0.75, steps: 92379),
    .init(85, nil, nil, .actual, "mood", 0.75, 60, 2, "omnifix-50", dw: 85, mg: 63.75, mL: 31.875, mLh: 31.875, mgkgh: 0.75, steps: 121852),
    .init(55, nil, nil, .actual, "mood", 0.2, 40, 1, "bd-30", dw: 55, mg: 11, mL: 11, mLh: 16.5, mgkgh: 0.3, steps: 76141),
    .init(62.3, nil, nil, .actual, "mood", 0.1, 100, 1, "bd-10", dw: 62.3, mg: 6.23, mL: 6.23, mLh: 3.738, mgkgh: 0.06, steps: 96583),
    .init(120, 175, .male, .ideal, "mood", 0.5, 40, 1, "bd-50", dw: 70.4643, mg: 35.23215, mL: 35.23215, mLh: 52.848225, mgkgh: 0.75, steps: 161089),
    .init(120, 175, .male, .adjusted, "mood", 0.5, 40, 2, "bd-50", dw: 90.27858, mg: 45.13929, mL: 22.569645, mLh: 33.8544675, mgkgh: 0.75, steps: 103193),
    .init(95, 163, .female, .ideal, "mood", 0.5, 40, 1, "bd-30", dw: 55.0983, mg: 27.54915, mL: 27.54915, mLh: 41.323725, mgkgh: 0.75, steps: 190694),
    .init(95, 163, .female, .adjusted, "mood", 0.5, 40, 2, "omnifix-20", dw: 71.05898, mg: 35.52949, mL: 17.764745, mLh: 26.6471175, mgkgh: 0.75, steps: 144760),
    .init(50, 180, .male, .ideal, "mood", 0.5, 40, 1, "bd-30", dw: 50, mg: 25, mL: 25, mLh: 37.5, mgkgh: 0.75, steps: 173049),
    .init(30, nil, nil, .actual, "mood", 0.75, 100, 1, "bd-30", dw: 30, mg: 22.5, mL: 22.5, mLh: 13.5, mgkgh: 0.45, steps: 155744),
    .init(99.6, nil, nil, .actual, "mood", 0.5, 40, 1, "bd-50", dw: 99.6, mg: 49.8, mL: 49.8, mLh: 74.7, mgkgh: 0.75, steps: 227696),
    .init(70, nil, nil, .actual, "pain", 0.35, 240, 2, "bd-50", dw: 70, mg: 98, mL: 49, mLh: 12.25, mgkgh: 0.35, steps: 224039),
    .init(70, nil, nil, .actual, "pain", 0.35, 240, 10, "bd-10", dw: 70, mg: 98, mL: 9.8, mLh: 2.45, mgkgh: 0.35, steps: 151928),
    .init(40, nil, nil, .actual, "pain", 0.5, 240, 2, "terumo-50", dw: 40, mg: 80, mL: 40, mLh: 10, mgkgh: 0.5, steps: 147807),
    .init(100, nil, nil, .actual, "pain", 0.1, 60, 1, "bd-20", dw: 100, mg: 10, mL: 10, mLh: 10, mgkgh: 0.1, steps: 89067),
    .init(180, nil, nil, .actual, "pain", 0.25, 120, 10, "omnifix-20", dw: 180, mg: 90, mL: 9, mLh: 4.5, mgkgh: 0.25, steps: 73338),
    .init(250, nil, nil, .actual, "pain", 0.2, 90, 10, "bd-20", dw: 250, mg: 75, mL: 7.5, mLh: 5, mgkgh: 0.2, steps: 66800),
    .init(110, 170, .female, .adjusted, "pain", 0.35, 240, 10, "bd-20", dw: 80.86208, mg: 113.206912, mL: 11.3206912, mLh: 2.8301728, mgkgh: 0.35, steps: 100830),
    .init(80, 180, .male, .ideal, "pain", 0.3, 180, 10, "terumo-20", dw: 74.9918, mg: 67.49262, mL: 6.749262, mLh: 2.249754, mgkgh: 0.3, steps: 54182),
]

@Suite("Dose arithmetic table")
struct DoseTableTests {
    @Test("HAZ-001: mg, mL, mL/h, mg/kg/h and steps match independently computed values", arguments: doseTable)
    func matchesIndependentValues(_ c: DoseCase) throws {
        let result = try Fixtures.planner().validate(c.request)
        #expect(result.verdict == .accepted, "\(result.findings)")
        let plan = try #require(result.plan)
        #expect(close(plan.dosingWeight.value, c.dw))
        #expect(close(plan.totalDose.value, c.mg))
        #expect(close(plan.volume.value, c.mL))
        #expect(close(plan.nominalRate.value, c.mLh))
        #expect(close(plan.nominalDoseRate.value, c.mgkgh))
        #expect(plan.targetSteps == Steps(c.steps))
        #expect(plan.deliverableVolume <= plan.volume)
        #expect(plan.volume.value - plan.deliverableVolume.value < plan.geometry.volumePerStep.milliliters.value)
        #expect(plan.duration == Minutes(c.duration))
        #expect(plan.revision == 1)
        #expect(plan.overrides.isEmpty)
    }

    @Test("The typical job: 70 kg, 0.5 mg/kg over 40 min at 1 mg/mL is 35 mL at 52.5 mL/h (worked example)")
    func workedExample() throws {
        let plan = try #require(try Fixtures.planner().validate(Fixtures.mood(duration: nil)).plan)
        #expect(plan.duration == Minutes(40))
        #expect(plan.volume == Milliliters(35))
        #expect(plan.nominalRate == MillilitersPerHour(52.5))
        #expect(plan.nominalRate.description == "52.5 mL/h")
        #expect(plan.catchUpFactor == 1.1)
        #expect(plan.nearEndWarning == Minutes(5))
        #expect(plan.pausedReminder == Minutes(2))
        #expect(close(plan.rateHardCapVolume.value, 105)) // 1.5 mg/kg/h × 70 kg ÷ 1 mg/mL
    }

    @Test("Omitted duration means the profile default: 240 min for pain")
    func painDefaultDuration() throws {
        let plan = try #require(try Fixtures.planner().validate(Fixtures.pain(duration: nil)).plan)
        #expect(plan.duration == Minutes(240))
        #expect(close(plan.dosePerKg.value, 1.4))
    }
}
