// The headline test: program "ketamine, 70 kg, 0.5 mg/kg over 40 min, 1 mg/mL, BD 50 mL" through the
// real drug and syringe libraries and watch the control loop drive the simulated plant to 35 mg.
import Foundation
import PumpCore
@testable import PumpControl
import PumpLibrary
import PumpSimulator
import Testing

@Suite("Reference job through the libraries")
struct ReferenceJobTests {
    static func planner() throws -> DosePlanner {
        DosePlanner(drugs: try DrugLibraryLoader.bundled(), syringes: try SyringeLibraryLoader.bundled())
    }

    static func referenceRequest(weight: Double = 70) -> ProgramRequest {
        ProgramRequest(drug: "ketamine", profile: "mood", patient: PatientInfo(weight: Kilograms(weight)),
                       dosePerKg: MilligramsPerKilogram(0.5), doseRate: nil, duration: Minutes(40),
                       concentration: MilligramsPerMilliliter(1), syringeID: "bd-50", overrideReason: nil)
    }

    @Test("HAZ-001: 70 kg · 0.5 mg/kg · 40 min · 1 mg/mL · bd-50 delivers 35 mg within one step, ends at 40:00, in < 1 s")
    func referenceJob() throws {
        let planner = try Self.planner()
        let result = planner.validate(Self.referenceRequest())
        #expect(result.verdict == .accepted)
        let plan = try #require(result.plan)
        #expect(plan.totalDose == Milligrams(35))
        #expect(abs(plan.nominalRate.value - 52.5) < 1e-9)
        let profile = try #require(planner.drugs.drug(named: "ketamine")?.profile(id: "mood"))

        let wallStart = ContinuousClock.now
        let clock = VirtualScheduler()
        let pump = SimulatedPump(clock: clock, geometry: plan.geometry, fill: Milliliters(50))
        let engine = InfusionEngine(scheduler: clock, hardware: pump)
        let session = InfusionSession(id: "ref", plan: plan, profile: profile, pumpMaxRate: MillilitersPerHour(150))
        try engine.start(session)
        let completedAt = clock.run(until: .origin + .minutes(45), while: { engine.state != .completed }) ? clock.now() : nil
        let wall = ContinuousClock.now - wallStart

        #expect(engine.state == .completed)
        let status = engine.status()
        let oneStepMg = plan.geometry.volumePerStep.milliliters.value * 1.0
        #expect(status.deliveredDose.value <= 35 && 35 - status.deliveredDose.value < oneStepMg,
                "delivered \(status.deliveredDose)")
        #expect(pump.plungerSteps == plan.targetSteps)
        let end = try #require(completedAt)
        #expect(abs((end - .origin).seconds - 2400) <= engine.configuration.supervisor.controlPeriod.seconds,
                "ended at \(end)")
        #expect(!pump.motorEnabled)
        #expect(wall < .seconds(1), "took \(wall)")
    }

    @Test("Titration through the planner mid-infusion (0.5 → 0.6 mg/kg) delivers the new total at the same end")
    func plannerTitration() throws {
        let planner = try Self.planner()
        let plan = try #require(planner.validate(Self.referenceRequest()).plan)
        let profile = try #require(planner.drugs.drug(named: "ketamine")?.profile(id: "mood"))
        let clock = VirtualScheduler()
        let pump = SimulatedPump(clock: clock, geometry: plan.geometry, fill: Milliliters(50))
        let engine = InfusionEngine(scheduler: clock, hardware: pump)
        try engine.start(InfusionSession(id: "t", plan: plan, profile: profile, pumpMaxRate: MillilitersPerHour(150)))
        clock.run(until: .origin + .minutes(20))
        let delivered = engine.status().deliveredVolume
        let result = planner.titrate(plan, .dosePerKg(MilligramsPerKilogram(0.6)), deliveredVolume: delivered,
                                     elapsedInfusing: Minutes(20), overrideReason: nil)
        let newPlan = try #require(result.plan, "\(result.findings.map(\.message))")
        try engine.titrate(to: newPlan)
        clock.run(until: .origin + .minutes(45))
        #expect(engine.state == .completed)
        #expect(pump.plungerSteps == newPlan.targetSteps)
        #expect(abs(engine.status().deliveredDose.value - 42) < 0.001)
    }

    @Test("HAZ-002: the supervisor's caps come from the profile's hard limits, not from the plan")
    func capsFromHardLimits() throws {
        let planner = try Self.planner()
        let plan = try #require(planner.validate(Self.referenceRequest()).plan)
        let profile = try #require(planner.drugs.drug(named: "ketamine")?.profile(id: "mood"))
        let session = InfusionSession(id: "c", plan: plan, profile: profile, pumpMaxRate: MillilitersPerHour(150))
        // 1.0 mg/kg hard session max × 70 kg = 70 mg at 1 mg/mL = 70 mL, but the syringe holds 49.8 mL.
        #expect(abs(session.limits.maxTotalVolume.value - 49.8) < 1e-9)
        // 1.5 mg/kg/h × 70 kg / 1 mg/mL = 105 mL/h (below the pump's 150 mL/h).
        #expect(abs(session.limits.maxRate.value - 105) < 1e-9)
    }
}
