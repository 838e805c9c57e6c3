// Safety kernel v2 item 6: "elapsed" means infusing time, pauses excluded, for planner, engine and status alike.
// The reviewer's case: 70 kg, 0.5 mg/kg over 40 min, a 15-minute pause at minute 10, then titrate to 45 min. The
// first version handed the planner 25 min (pauses included) and the rest ran at 78.75 mL/h; with infusing time
// (10 min) the remaining 35 min run at about 45 mL/h.
import Foundation
import PumpCore
@testable import PumpControl
import PumpLibrary
import PumpSimulator
import Testing

@Suite("One infusing-elapsed clock")
struct InfusingElapsedTests {
    @Test("HAZ-001: a titration after a 15-minute pause plans from infusing time: ≈ 45 mL/h, not 78.75 mL/h")
    func titrationAfterPause() throws {
        let planner = try ReferenceJobTests.planner()
        let plan = try #require(planner.validate(ReferenceJobTests.referenceRequest()).plan)
        let profile = try #require(planner.drugs.drug(named: "ketamine")?.profile(id: "mood"))
        let clock = VirtualScheduler()
        let pump = SimulatedPump(clock: clock, geometry: plan.geometry, fill: Milliliters(50))
        let engine = InfusionEngine(scheduler: clock, hardware: pump)
        try engine.start(InfusionSession(id: "t", plan: plan, profile: profile, pumpMaxRate: MillilitersPerHour(150)))
        clock.run(until: .origin + .minutes(10))
        try engine.pause()
        clock.run(until: .origin + .minutes(25))
        try engine.resume()
        let status = engine.status()
        #expect(abs(status.elapsed.seconds - 600) < 1, "infusing elapsed \(status.elapsed.seconds) s, pauses excluded")
        let result = planner.titrate(plan, .duration(Minutes(45)), deliveredVolume: status.deliveredVolume,
                                     elapsedInfusing: status.elapsed.minutes, overrideReason: nil)
        let newPlan = try #require(result.plan, "\(result.findings.map(\.message))")
        #expect(abs(newPlan.nominalRate.value - 45) < 0.5, "rate for the rest \(newPlan.nominalRate.value) mL/h")
        try engine.titrate(to: newPlan)
        clock.run(for: .seconds(Int64(60)))
        #expect(abs(engine.status().rate.value - newPlan.nominalRate.value) < 1, "engine runs the planned rate")
        clock.run(until: .origin + .minutes(25 + 36))
        #expect(engine.state == .completed)
        #expect(pump.plungerSteps == plan.targetSteps)
        #expect(abs(engine.status().elapsed.seconds - 45 * 60) < 30, "45 min of infusing in all")
    }

    @Test("The infusing clock holds during pause and alarm and resumes from where it was")
    func clockHolds() {
        var clock = InfusingClock()
        clock.follow(.running, at: .origin)
        clock.follow(.paused, at: .origin + .seconds(Int64(100)))
        #expect(clock.elapsed(at: .origin + .seconds(Int64(500))) == .seconds(Int64(100)))
        clock.follow(.running, at: .origin + .seconds(Int64(500)))
        clock.follow(.alarm, at: .origin + .seconds(Int64(550)))
        #expect(clock.elapsed(at: .origin + .seconds(Int64(900))) == .seconds(Int64(150)))
        clock.reset(to: .seconds(Int64(42)))
        #expect(clock.elapsed(at: .origin + .seconds(Int64(999))) == .seconds(Int64(42)))
    }
}
