// Every hard limit refuses the program, produces no plan, and says in one sentence which limit and which value.
import Foundation
import PumpCore
import Testing

struct HardLimitCase: Sendable, CustomTestStringConvertible {
    var name: String
    var request: ProgramRequest
    var limit: String
    var mentions: [String]
    var testDescription: String { name }
}

let hardLimitCases: [HardLimitCase] = [
    .init(name: "dose above hard maximum", request: Fixtures.mood(dose: 1.2, reason: "clinician insists"),
          limit: LimitID.doseHardMax, mentions: ["1.2 mg/kg", "hard maximum of 1 mg/kg", "ketamine (mood)"]),
    .init(name: "dose below minimum (decimal slip)", request: Fixtures.mood(dose: 0.05),
          limit: LimitID.doseMinimum, mentions: ["0.05 mg/kg", "minimum of 0.1 mg/kg"]),
    .init(name: "dose rate above hard maximum", request: Fixtures.pain(rate: 1.2, duration: 60, reason: "x"),
          limit: LimitID.doseRateHardMax, mentions: ["1.2 mg/kg/h", "hard maximum of 1 mg/kg/h", "ketamine (pain)"]),
    .init(name: "dose rate below minimum", request: Fixtures.pain(rate: 0.035),
          limit: LimitID.doseRateMinimum, mentions: ["0.035 mg/kg/h", "minimum of 0.1 mg/kg/h"]),
    .init(name: "pain rate above rate hard cap", request: Fixtures.pain(rate: 1.2, duration: 60, reason: "x"),
          limit: LimitID.rateHardCap, mentions: ["1.2 mg/kg/h", "hard cap of 1 mg/kg/h"]),
    .init(name: "session total above hard maximum", request: Fixtures.pain(rate: 0.6, duration: 240, concentration: 10, syringe: "bd-20", reason: "x"),
          limit: LimitID.sessionHardMax, mentions: ["2.4 mg/kg", "hard maximum of 2 mg/kg per session"]),
    .init(name: "duration below range", request: Fixtures.mood(duration: 30),
          limit: LimitID.durationRange, mentions: ["30 min", "40 to 100 min"]),
    .init(name: "duration above range", request: Fixtures.mood(duration: 120),
          limit: LimitID.durationRange, mentions: ["120 min", "40 to 100 min"]),
    .init(name: "pain duration above range", request: Fixtures.pain(rate: 0.1, duration: 300),
          limit: LimitID.durationRange, mentions: ["300 min", "60 to 240 min"]),
    .init(name: "weight below range", request: Fixtures.mood(weight: 29.9),
          limit: LimitID.weightRange, mentions: ["29.9 kg", "30 to 250 kg"]),
    .init(name: "weight above range (decimal slip 700 for 70)", request: Fixtures.mood(weight: 700),
          limit: LimitID.weightRange, mentions: ["700 kg", "30 to 250 kg"]),
    .init(name: "undiluted 50 mg/mL", request: Fixtures.mood(concentration: 50),
          limit: LimitID.concentrationUndiluted, mentions: ["50 mg/mL", "undiluted"]),
    .init(name: "unlisted 5 mg/mL", request: Fixtures.mood(concentration: 5),
          limit: LimitID.concentrationUnlisted, mentions: ["5 mg/mL", "not listed", "1 mg/mL, 2 mg/mL, 10 mg/mL"]),
    .init(name: "syringe capacity", request: Fixtures.mood(weight: 100),
          limit: LimitID.syringeCapacity, mentions: ["50 mL", "0.2 mL", "50.2 mL", "bd-50"]),
    .init(name: "height outside plausible range", request: Fixtures.mood(patient: PatientInfo(weight: Kilograms(70), height: Centimeters(17.5), sex: .male)),
          limit: LimitID.heightRange, mentions: ["17.5 cm", "100 to 250 cm"]),
    .init(name: "ideal dosing weight below weight range",
          request: Fixtures.mood(patient: PatientInfo(weight: Kilograms(60), height: Centimeters(130), sex: .female, basis: .ideal)),
          limit: LimitID.dosingWeightRange, mentions: ["25.2 kg", "30 to 250 kg"]),
]

@Suite("Hard limits")
struct HardLimitTests {
    @Test("HAZ-001: each hard limit refuses the program with a sentence naming the value and the limit", arguments: hardLimitCases)
    func hardLimit(_ c: HardLimitCase) throws {
        let result = try Fixtures.planner().validate(c.request)
        #expect(result.verdict == .rejected)
        #expect(result.plan == nil)
        let finding = try #require(result.finding(c.limit), "\(result.findings)")
        #expect(finding.kind == .hardLimit)
        for text in c.mentions { #expect(finding.message.contains(text), "\(finding.message) lacks \(text)") }
        #expect(finding.message.hasSuffix("."))
    }

    @Test("HAZ-001: the hard-maximum sentence reads as specified")
    func hardMaxSentence() throws {
        let result = try Fixtures.planner().validate(Fixtures.mood(dose: 1.2))
        #expect(result.finding(LimitID.doseHardMax)?.message
            == "Dose 1.2 mg/kg is above the hard maximum of 1 mg/kg per session for ketamine (mood).")
    }

    @Test("HAZ-001: an override reason never unlocks a hard limit")
    func overrideDoesNotUnlockHard() throws {
        let result = try Fixtures.planner().validate(Fixtures.mood(dose: 1.01, reason: "very sure"))
        #expect(result.verdict == .rejected)
        #expect(result.plan == nil)
    }

    @Test("HAZ-001: values exactly on a hard limit are accepted (1 mg/kg over 40 min = 1.5 mg/kg/h)")
    func onTheLimit() throws {
        let result = try Fixtures.planner().validate(Fixtures.mood(dose: 1.0, concentration: 2, reason: "protocol 1 mg/kg"))
        #expect(result.verdict == .accepted, "\(result.findings)")
        #expect(close(try #require(result.plan).nominalDoseRate.value, 1.5))
    }

    @Test("HAZ-001: the mg/kg/h rate cap refuses a plan even when the dose is within its limits (cap lowered to 1.0)")
    func rateCapSensitivity() throws {
        let planner = try Fixtures.planner(editing: "mood") { $0.rateHardCap = MilligramsPerKilogramPerHour(1.0) }
        let result = planner.validate(Fixtures.mood(dose: 0.7, duration: 40))
        #expect(result.verdict == .rejected)
        let finding = try #require(result.finding(LimitID.rateHardCap))
        #expect(finding.message.contains("1.05 mg/kg/h"))
        #expect(finding.message.contains("hard cap of 1 mg/kg/h"))
    }

    @Test("HAZ-002: the session cap refuses a total even when the dose limits would allow it (session cap lowered)")
    func sessionCapSensitivity() throws {
        let planner = try Fixtures.planner(editing: "mood") { $0.sessionDoseHardMax = MilligramsPerKilogram(0.6) }
        let result = planner.validate(Fixtures.mood(dose: 0.7, reason: "x"))
        #expect(result.verdict == .rejected)
        #expect(result.finding(LimitID.sessionHardMax)?.message.contains("0.7 mg/kg") == true)
    }

    @Test("HAZ-001: all independent hard limits are reported together, not just the first")
    func allReported() throws {
        let result = try Fixtures.planner().validate(Fixtures.mood(dose: 1.2, duration: 30, concentration: 100))
        let limits = Set(result.findings(.hardLimit).map(\.limit))
        #expect(limits.isSuperset(of: [LimitID.doseHardMax, LimitID.durationRange, LimitID.concentrationUndiluted, LimitID.sessionHardMax]))
    }
}
