// Dosing weight: Devine IBW, adjusted weight, the never-above-actual rule, BMI warning, missing data.
import Foundation
import PumpCore
import Testing

@Suite("Dosing weight")
struct DosingWeightTests {
    @Test("Devine IBW and adjusted weight match hand-computed values")
    func formulas() {
        #expect(close(BodyWeight.ideal(height: Centimeters(175), sex: .male).value, 70.4643))
        #expect(close(BodyWeight.ideal(height: Centimeters(163), sex: .female).value, 55.0983))
        #expect(close(BodyWeight.ideal(height: Centimeters(152.4), sex: .female).value, 45.5))
        #expect(close(BodyWeight.adjusted(actual: Kilograms(120), ideal: Kilograms(70.4643)).value, 90.27858))
        #expect(close(BodyWeight.bodyMassIndex(weight: Kilograms(120), height: Centimeters(175)), 39.183673469387755))
    }

    func request(_ patient: PatientInfo) -> ProgramRequest { Fixtures.mood(concentration: 2, patient: patient) }

    @Test("HAZ-001: ideal and adjusted weights are used when asked", arguments: [
        (DosingWeightBasis.actual, 120.0), (.ideal, 70.4643), (.adjusted, 90.27858),
    ])
    func bases(_ basis: DosingWeightBasis, _ expected: Double) throws {
        let patient = PatientInfo(weight: Kilograms(120), height: Centimeters(175), sex: .male, basis: basis)
        let plan = try #require(try Fixtures.planner().validate(request(patient)).plan)
        #expect(plan.dosingWeightBasis == basis)
        #expect(close(plan.dosingWeight.value, expected))
        #expect(close(plan.totalDose.value, expected * 0.5))
    }

    @Test("HAZ-001: when IBW is above the actual weight the actual weight is used, with a warning", arguments: [DosingWeightBasis.ideal, .adjusted])
    func neverAboveActual(_ basis: DosingWeightBasis) throws {
        let patient = PatientInfo(weight: Kilograms(50), height: Centimeters(180), sex: .male, basis: basis)
        let result = try Fixtures.planner().validate(request(patient))
        #expect(result.verdict == .accepted)
        let plan = try #require(result.plan)
        #expect(plan.dosingWeight == Kilograms(50))
        let warning = try #require(result.finding(LimitID.idealAboveActual))
        #expect(warning.kind == .warning)
        #expect(warning.message.contains("actual weight 50 kg is used"))
        #expect(plan.warnings.contains(warning))
    }

    @Test("HAZ-001: ideal or adjusted weight without height or sex is refused",
          arguments: [DosingWeightBasis.ideal, .adjusted], [(Optional(Centimeters(175)), Optional<Sex>.none), (nil, .male), (nil, nil)])
    func missingData(_ basis: DosingWeightBasis, _ data: (Centimeters?, Sex?)) throws {
        let patient = PatientInfo(weight: Kilograms(90), height: data.0, sex: data.1, basis: basis)
        let result = try Fixtures.planner().validate(request(patient))
        #expect(result.verdict == .rejected)
        let finding = try #require(result.finding(LimitID.weightBasis))
        #expect(finding.message.contains("needs the patient's height and sex"))
    }

    @Test("BMI above 30 warns (and does not block); BMI 30 or less, or no height, does not")
    func bmi() throws {
        let planner = try Fixtures.planner()
        let heavy = planner.validate(request(PatientInfo(weight: Kilograms(120), height: Centimeters(175))))
        #expect(heavy.verdict == .accepted)
        let warning = try #require(heavy.finding(LimitID.bmiHigh))
        #expect(warning.message.contains("BMI 39.2 is above 30"))
        #expect(planner.validate(request(PatientInfo(weight: Kilograms(70), height: Centimeters(175)))).finding(LimitID.bmiHigh) == nil)
        #expect(planner.validate(request(PatientInfo(weight: Kilograms(120)))).finding(LimitID.bmiHigh) == nil)
    }

    @Test("HAZ-001: warnings never block: BMI, IBW above actual and 10 mg/mL together still give a plan")
    func warningsTogether() throws {
        let patient = PatientInfo(weight: Kilograms(60), height: Centimeters(135), sex: .male, basis: .ideal)
        let result = try Fixtures.planner().validate(Fixtures.mood(concentration: 10, syringe: "bd-10", patient: patient))
        #expect(result.verdict == .accepted, "\(result.findings)")
        #expect(result.findings(.warning).count == 2) // BMI 32.9 and 10 mg/mL; IBW 34.2 is below the actual 60 kg
    }
}
