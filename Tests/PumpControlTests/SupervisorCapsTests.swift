// Safety kernel v2 item 2: the second channel derives its caps from the raw request and its own library load.
// A planner bug (wrong dosing weight, wrong geometry, a target beyond the cap) must not move those caps, and the
// daemon refuses a plan that disagrees with them before any session opens.
import Foundation
import PumpCore
@testable import PumpControl
import PumpLibrary
import Testing

@Suite("Supervisor caps from the raw request")
struct SupervisorCapsTests {
    static func caps(_ request: ProgramRequest, _ libraries: DosePlanner) throws -> SupervisorCaps {
        try SupervisorCaps.derive(
            drug: request.drug, profile: request.profile, patient: request.patient, concentration: request.concentration,
            syringeID: request.syringeID, drugs: libraries.drugs, syringes: libraries.syringes,
            pumpMaxRate: MillilitersPerHour(150)).get()
    }

    @Test("HAZ-002: for the reference job the supervisor's own caps equal the profile's hard limits (70 mg, 105 mL/h at 1 mg/mL)")
    func referenceCaps() throws {
        let libraries = try ReferenceJobTests.planner()
        let caps = try Self.caps(ReferenceJobTests.referenceRequest(), libraries)
        let profile = try #require(libraries.drugs.drug(named: "ketamine")?.profile(id: "mood"))
        #expect(abs(caps.limits.maxTotalDose.value - min(profile.sessionDoseHardMax.value * 70, 49.8)) < 0.01)
        #expect(abs(caps.limits.maxRate.value - min(profile.rateHardCap.value * 70, 150)) < 1e-9)
        let plan = try #require(libraries.validate(ReferenceJobTests.referenceRequest()).plan)
        #expect(caps.refusal(geometry: plan.geometry, concentration: plan.concentration, targetSteps: plan.targetSteps) == nil)
    }

    @Test("HAZ-002: a planner bug does not move the supervisor's caps: a tenfold dosing weight, another syringe's geometry or a target past the cap is refused")
    func plannerBugCannotMoveCaps() throws {
        let planner = try ReferenceJobTests.planner()
        let ownLoad = try ReferenceJobTests.planner()   // the supervisor's separate load
        let request = ReferenceJobTests.referenceRequest()
        let caps = try Self.caps(request, ownLoad)
        var buggy = try #require(planner.validate(request).plan)
        buggy.dosingWeight = Kilograms(700)
        buggy.patient.weight = Kilograms(700)
        buggy.targetSteps = Steps(buggy.targetSteps.count * 10)
        // The first version derived the caps from the plan: they follow the bug.
        let fromPlan = try InfusionSession(id: "x", plan: buggy, profile: #require(planner.drugs.drug(named: "ketamine")?.profile(id: "mood")),
                                           pumpMaxRate: MillilitersPerHour(150)).limits
        #expect(fromPlan.maxRate > caps.limits.maxRate, "caps derived from the plan move with the planner bug")
        // The supervisor's own caps do not, and the plan is refused.
        #expect(try Self.caps(request, ownLoad) == caps)
        #expect(caps.refusal(geometry: buggy.geometry, concentration: buggy.concentration, targetSteps: buggy.targetSteps) != nil)
        var otherSyringe = try #require(planner.validate(request).plan)
        let bd20 = try #require(planner.syringes.syringes.first { $0.id != "bd-50" })
        otherSyringe.geometry = SyringeGeometry(syringe: bd20)
        #expect(caps.refusal(geometry: otherSyringe.geometry, concentration: otherSyringe.concentration, targetSteps: otherSyringe.targetSteps) != nil)
    }

    @Test("HAZ-001: on an ideal-weight basis the supervisor computes its own cap weight (120 kg, 175 cm, male → Devine 70.5 kg)")
    func idealWeightCap() throws {
        let libraries = try ReferenceJobTests.planner()
        var request = ReferenceJobTests.referenceRequest(weight: 120)
        request.patient = PatientInfo(weight: Kilograms(120), height: Centimeters(175), sex: .male, basis: .ideal)
        let caps = try Self.caps(request, libraries)
        let ideal = 50 + 0.9055 * (175 - 152.4)
        let profile = try #require(libraries.drugs.drug(named: "ketamine")?.profile(id: "mood"))
        #expect(abs(caps.limits.maxTotalDose.value - min(profile.sessionDoseHardMax.value * ideal, 49.8)) < 0.01)
        #expect(abs(caps.limits.maxRate.value - min(profile.rateHardCap.value * ideal, 150)) < 1e-6)
    }

    @Test("HAZ-009: a drug or syringe missing from the supervisor's own load refuses the start")
    func missingFromOwnLoad() throws {
        let libraries = try ReferenceJobTests.planner()
        var request = ReferenceJobTests.referenceRequest()
        request.syringeID = "no-such-syringe"
        #expect(throws: SupervisorRefusal.self) { try Self.caps(request, libraries) }
        request = ReferenceJobTests.referenceRequest()
        request.drug = "propofol"
        #expect(throws: SupervisorRefusal.self) { try Self.caps(request, libraries) }
    }
}
