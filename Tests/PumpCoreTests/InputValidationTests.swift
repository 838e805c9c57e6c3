// Inputs no clinician could mean, unknown identifiers and doses given in the wrong mode.
import Foundation
import PumpCore
import Testing

@Suite("Input validation")
struct InputValidationTests {
    @Test("HAZ-001: non-finite or non-positive weight is rejected", arguments: [Double.nan, .infinity, 0, -70])
    func badWeight(_ value: Double) throws {
        let result = try Fixtures.planner().validate(Fixtures.mood(weight: value))
        #expect(result.verdict == .rejected)
        #expect(result.finding(LimitID.invalidWeight) != nil)
    }

    @Test("HAZ-001: non-finite or non-positive dose, rate, duration, concentration or height is rejected",
          arguments: [Double.nan, -Double.infinity, 0, -1])
    func badNumbers(_ value: Double) throws {
        let planner = try Fixtures.planner()
        #expect(planner.validate(Fixtures.mood(dose: value)).finding(LimitID.invalidDose) != nil)
        #expect(planner.validate(Fixtures.pain(rate: value)).finding(LimitID.invalidDoseRate) != nil)
        #expect(planner.validate(Fixtures.mood(duration: value)).finding(LimitID.invalidDuration) != nil)
        #expect(planner.validate(Fixtures.mood(concentration: value)).finding(LimitID.invalidConcentration) != nil)
        let patient = PatientInfo(weight: Kilograms(70), height: Centimeters(value))
        #expect(planner.validate(Fixtures.mood(patient: patient)).finding(LimitID.invalidHeight) != nil)
    }

    @Test("HAZ-001: unknown drug, profile or syringe is rejected with a sentence listing the known ids")
    func unknownIDs() throws {
        let planner = try Fixtures.planner()
        var request = Fixtures.mood()
        request.drug = "ketamin"
        #expect(planner.validate(request).finding(LimitID.unknownDrug)?.message
            == "Drug \"ketamin\" is not in the drug library; known drugs: ketamine.")
        request = Fixtures.mood()
        request.profile = "sedation"
        #expect(planner.validate(request).finding(LimitID.unknownProfile)?.message
            == "Profile \"sedation\" is not defined for ketamine; known profiles: mood, pain.")
        let syringe = try #require(planner.validate(Fixtures.mood(syringe: "bd-60")).finding(LimitID.unknownSyringe))
        #expect(syringe.message.contains("\"bd-60\""))
        #expect(syringe.message.contains("bd-10, bd-20, bd-30, bd-50, terumo-20, terumo-50, omnifix-20, omnifix-50"))
    }

    @Test("HAZ-001: a dose in the wrong mode is rejected, never converted")
    func wrongMode() throws {
        let planner = try Fixtures.planner()
        var painWithDose = Fixtures.pain()
        painWithDose.doseRate = nil
        painWithDose.dosePerKg = MilligramsPerKilogram(0.5)
        #expect(planner.validate(painWithDose).finding(LimitID.doseWrongMode)?.message.contains("prescribed as a rate in mg/kg/h") == true)
        var moodWithRate = Fixtures.mood()
        moodWithRate.doseRate = MilligramsPerKilogramPerHour(0.35)
        let finding = try #require(planner.validate(moodWithRate).finding(LimitID.doseWrongMode))
        #expect(finding.message.contains("0.35 mg/kg/h"))
        var missing = Fixtures.mood()
        missing.dosePerKg = nil
        #expect(planner.validate(missing).finding(LimitID.doseMissing) != nil)
    }
}
