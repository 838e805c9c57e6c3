// Soft limits need an explicit, non-blank reason; the plan keeps the reason and the exact requested value.
import Foundation
import PumpCore
import Testing

struct SoftCase: Sendable, CustomTestStringConvertible {
    var name: String
    var make: @Sendable (String?) -> ProgramRequest
    var limit: String
    var mentions: [String]
    var testDescription: String { name }
}

let softCases: [SoftCase] = [
    .init(name: "mood dose above soft maximum", make: { Fixtures.mood(dose: 0.8, concentration: 2, reason: $0) },
          limit: LimitID.doseSoftMax, mentions: ["0.8 mg/kg", "soft maximum of 0.75 mg/kg"]),
    .init(name: "pain rate above soft maximum", make: { Fixtures.pain(rate: 0.6, duration: 180, concentration: 10, syringe: "bd-20", reason: $0) },
          limit: LimitID.doseRateSoftMax, mentions: ["0.6 mg/kg/h", "soft maximum of 0.5 mg/kg/h"]),
]

@Suite("Soft limits and overrides")
struct SoftLimitTests {
    @Test("HAZ-001: a soft limit without a reason needs an override and gives no plan", arguments: softCases)
    func needsOverride(_ c: SoftCase) throws {
        let result = try Fixtures.planner().validate(c.make(nil))
        #expect(result.verdict == .needsOverride)
        #expect(result.plan == nil)
        let finding = try #require(result.finding(c.limit))
        #expect(finding.kind == .softLimit)
        for text in c.mentions { #expect(finding.message.contains(text), "\(finding.message) lacks \(text)") }
    }

    @Test("HAZ-001: a blank or white-space reason does not count as an override",
          arguments: softCases, ["", "   ", "\n\t "])
    func blankReason(_ c: SoftCase, reason: String) throws {
        let result = try Fixtures.planner().validate(c.make(reason))
        #expect(result.verdict == .needsOverride)
        #expect(result.plan == nil)
    }

    @Test("HAZ-001: a soft limit with a reason is accepted, keeps the reason and the exact requested value", arguments: softCases)
    func overrideKept(_ c: SoftCase) throws {
        let result = try Fixtures.planner().validate(c.make("  tolerated 0.75 last week without effect "))
        #expect(result.verdict == .accepted)
        let plan = try #require(result.plan)
        #expect(plan.overrides.count == 1)
        let record = try #require(plan.overrides.first)
        #expect(record.limit == c.limit)
        #expect(record.reason == "tolerated 0.75 last week without effect")
        #expect(record.revision == 1)
        #expect(record.message == result.finding(c.limit)?.message)
    }

    @Test("HAZ-001: nothing is clipped: the plan carries exactly the overridden dose")
    func notClipped() throws {
        let plan = try #require(try Fixtures.planner().validate(Fixtures.mood(dose: 0.9, concentration: 2, reason: "protocol")).plan)
        #expect(plan.dosePerKg == MilligramsPerKilogram(0.9))
        #expect(close(plan.totalDose.value, 63))
        #expect(close(plan.volume.value, 31.5))
        #expect(close(plan.nominalRate.value, 47.25))
    }

    @Test("A soft maximum reached exactly needs no override")
    func exactlySoft() throws {
        let result = try Fixtures.planner().validate(Fixtures.mood(dose: 0.75, concentration: 2))
        #expect(result.verdict == .accepted)
        #expect(result.findings.isEmpty)
    }
}
