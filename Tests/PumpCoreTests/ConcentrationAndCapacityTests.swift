// Concentration policy (unlisted = rejected) and syringe capacity (volume + dead space ≤ nominal volume).
import Foundation
import PumpCore
import Testing

@Suite("Concentration and capacity")
struct ConcentrationAndCapacityTests {
    @Test("HAZ-001: 1 and 2 mg/mL are accepted without comment", arguments: [1.0, 2.0])
    func allowed(_ concentration: Double) throws {
        let result = try Fixtures.planner().validate(Fixtures.mood(concentration: concentration))
        #expect(result.verdict == .accepted)
        #expect(result.findings.isEmpty)
    }

    @Test("HAZ-001: 10 mg/mL is accepted with a warning that does not block")
    func tenWarns() throws {
        let result = try Fixtures.planner().validate(Fixtures.mood(concentration: 10, syringe: "bd-10"))
        #expect(result.verdict == .accepted)
        let warning = try #require(result.finding(LimitID.concentrationWarning))
        #expect(warning.kind == .warning)
        #expect(warning.message.contains("10 mg/mL"))
        #expect(try #require(result.plan).warnings == [warning])
        #expect(close(try #require(result.plan).volume.value, 3.5))
    }

    @Test("HAZ-001: undiluted 50 and 100 mg/mL are rejected", arguments: [50.0, 100.0])
    func undiluted(_ concentration: Double) throws {
        let result = try Fixtures.planner().validate(Fixtures.mood(concentration: concentration, syringe: "bd-10"))
        #expect(result.verdict == .rejected)
        let finding = try #require(result.finding(LimitID.concentrationUndiluted))
        #expect(finding.message.contains("\(Int(concentration)) mg/mL"))
        #expect(finding.message.contains("undiluted"))
    }

    @Test("HAZ-001: a concentration the library does not list is rejected", arguments: [5.0, 0.5, 20.0, 1.01])
    func unlisted(_ concentration: Double) throws {
        let result = try Fixtures.planner().validate(Fixtures.mood(concentration: concentration, syringe: "bd-10"))
        #expect(result.verdict == .rejected)
        #expect(result.finding(LimitID.concentrationUnlisted) != nil)
    }

    @Test("HAZ-002: 100 kg at 1 mg/mL in bd-50 is 50 mL + 0.2 mL dead space: rejected, suggesting 2 mg/mL")
    func hundredKilo() throws {
        let result = try Fixtures.planner().validate(Fixtures.mood(weight: 100, concentration: 1))
        #expect(result.verdict == .rejected)
        #expect(result.plan == nil)
        let finding = try #require(result.finding(LimitID.syringeCapacity))
        #expect(finding.message
            == "Volume 50 mL plus dead space 0.2 mL needs 50.2 mL, more than the 50 mL capacity of syringe bd-50; use 2 mg/mL (25 mL) or a larger syringe.")
    }

    @Test("HAZ-002: 150 kg at 2 mg/mL is 37.5 mL and fits bd-50")
    func hundredFiftyKilo() throws {
        let result = try Fixtures.planner().validate(Fixtures.mood(weight: 150, concentration: 2))
        #expect(result.verdict == .accepted)
        #expect(try #require(result.plan).volume == Milliliters(37.5))
    }

    @Test("HAZ-002: 150 kg at 1 mg/mL (75 mL) is rejected and 2 mg/mL (37.5 mL) is suggested")
    func suggestion() throws {
        let result = try Fixtures.planner().validate(Fixtures.mood(weight: 150, concentration: 1))
        let message = try #require(result.finding(LimitID.syringeCapacity)?.message)
        #expect(message.contains("Volume 75 mL"))
        #expect(message.contains("use 2 mg/mL (37.5 mL)"))
    }

    @Test("HAZ-002: when no listed concentration fits, the sentence says so")
    func noConcentrationFits() throws {
        // 250 kg × 0.5 mg/kg = 125 mg: 12.5 mL even at 10 mg/mL, more than a bd-10 holds.
        let result = try Fixtures.planner().validate(Fixtures.mood(weight: 250, concentration: 2, syringe: "bd-10"))
        let message = try #require(result.finding(LimitID.syringeCapacity)?.message)
        #expect(message.contains("no listed concentration fits"))
    }

    @Test("HAZ-002: exactly full (49.8 mL + 0.2 mL = 50 mL) is accepted")
    func exactlyFull() throws {
        let result = try Fixtures.planner().validate(Fixtures.mood(weight: 99.6, concentration: 1))
        #expect(result.verdict == .accepted)
    }
}
