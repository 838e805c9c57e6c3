// Titration: re-validated against the same limits; start facts kept; revision incremented; the new nominal
// rate is the remaining volume over the remaining time.
import Foundation
import PumpCore
import Testing

@Suite("Titration")
struct TitrationTests {
    /// 70 kg, 0.5 mg/kg over 40 min at 1 mg/mL in bd-50: 35 mL at 52.5 mL/h.
    func moodPlan(duration: Double = 40, concentration: Double = 1) throws -> (DosePlanner, DosePlan) {
        let planner = try Fixtures.planner()
        return (planner, try #require(planner.validate(Fixtures.mood(duration: duration, concentration: concentration)).plan))
    }

    /// 70 kg, 0.35 mg/kg/h for 240 min at 10 mg/mL in bd-20: 9.8 mL at 2.45 mL/h.
    func painPlan(duration: Double = 240) throws -> (DosePlanner, DosePlan) {
        let planner = try Fixtures.planner()
        return (planner, try #require(planner.validate(Fixtures.pain(duration: duration, concentration: 10, syringe: "bd-20")).plan))
    }

    @Test("HAZ-001: mood up-titration after 20 min: 0.7 mg/kg total gives 31.5 mL over 20 min = 94.5 mL/h")
    func moodUp() throws {
        let (planner, plan) = try moodPlan()
        let result = planner.titrate(plan, .dosePerKg(MilligramsPerKilogram(0.7)), deliveredVolume: Milliliters(17.5),
                                     elapsedInfusing: Minutes(20), overrideReason: nil)
        #expect(result.verdict == .accepted, "\(result.findings)")
        let next = try #require(result.plan)
        #expect(close(next.totalDose.value, 49))
        #expect(close(next.volume.value, 49))
        #expect(close(next.nominalRate.value, 94.5))
        #expect(close(next.nominalDoseRate.value, 1.35))
        #expect(next.duration == Minutes(40))
        #expect(next.revision == 2)
        #expect(next.deliveredBeforeRevision == Milliliters(17.5))
        #expect(close(next.remainingVolume.value, 31.5))
        #expect(next.targetSteps == next.geometry.steps(forVolume: Milliliters(49)))
        // start facts kept
        #expect(next.patient == plan.patient && next.dosingWeight == plan.dosingWeight)
        #expect(next.concentration == plan.concentration && next.syringe == plan.syringe && next.drug == plan.drug)
    }

    @Test("Mood down-titration after 20 min: 0.4 mg/kg total gives 10.5 mL over 20 min = 31.5 mL/h")
    func moodDown() throws {
        let (planner, plan) = try moodPlan()
        let next = try #require(planner.titrate(plan, .dosePerKg(MilligramsPerKilogram(0.4)), deliveredVolume: Milliliters(17.5),
                                                elapsedInfusing: Minutes(20), overrideReason: nil).plan)
        #expect(close(next.volume.value, 28))
        #expect(close(next.nominalRate.value, 31.5))
    }

    @Test("HAZ-002: a new total below what was already delivered is rejected")
    func belowDelivered() throws {
        let (planner, plan) = try moodPlan()
        let result = planner.titrate(plan, .dosePerKg(MilligramsPerKilogram(0.2)), deliveredVolume: Milliliters(17.5),
                                     elapsedInfusing: Minutes(20), overrideReason: nil)
        #expect(result.verdict == .rejected)
        let finding = try #require(result.finding(LimitID.titrationBelowDelivered))
        #expect(finding.message.contains("0.2 mg/kg"))
        #expect(finding.message.contains("0.25 mg/kg already delivered"))
    }

    @Test("HAZ-001: up-titration above the soft maximum needs a new reason, which is kept")
    func titrationSoft() throws {
        let (planner, plan) = try moodPlan(concentration: 2)
        let change = TitrationChange.dosePerKg(MilligramsPerKilogram(0.8))
        let without = planner.titrate(plan, change, deliveredVolume: Milliliters(10), elapsedInfusing: Minutes(10), overrideReason: " ")
        #expect(without.verdict == .needsOverride)
        #expect(without.plan == nil)
        let with = planner.titrate(plan, change, deliveredVolume: Milliliters(10), elapsedInfusing: Minutes(10), overrideReason: "no response")
        let next = try #require(with.plan)
        #expect(next.overrides == [OverrideRecord(limit: LimitID.doseSoftMax, message: try #require(with.finding(LimitID.doseSoftMax)).message,
                                                  reason: "no response", revision: 2)])
        #expect(next.dosePerKg == MilligramsPerKilogram(0.8))
    }

    @Test("HAZ-001: up-titration above the hard maximum is rejected")
    func titrationHard() throws {
        let (planner, plan) = try moodPlan()
        let result = planner.titrate(plan, .dosePerKg(MilligramsPerKilogram(1.1)), deliveredVolume: Milliliters(10),
                                     elapsedInfusing: Minutes(10), overrideReason: "x")
        #expect(result.verdict == .rejected)
        #expect(result.finding(LimitID.doseHardMax)?.message.contains("1.1 mg/kg") == true)
        #expect(result.finding(LimitID.sessionHardMax) != nil)
    }

    @Test("HAZ-001: a late up-titration whose remaining rate exceeds the cap is rejected (0.375 mg/kg in 10 min = 2.25 mg/kg/h)")
    func titrationRateCap() throws {
        let (planner, plan) = try moodPlan()
        let result = planner.titrate(plan, .dosePerKg(MilligramsPerKilogram(0.75)), deliveredVolume: Milliliters(26.25),
                                     elapsedInfusing: Minutes(30), overrideReason: nil)
        #expect(result.verdict == .rejected)
        let finding = try #require(result.finding(LimitID.rateHardCap))
        #expect(finding.message.contains("2.25 mg/kg/h"))
        #expect(finding.message.contains("hard cap of 1.5 mg/kg/h"))
    }

    @Test("Extending the mood duration to 60 min after 20 min: 17.5 mL over 40 min = 26.25 mL/h")
    func moodExtend() throws {
        let (planner, plan) = try moodPlan()
        let next = try #require(planner.titrate(plan, .duration(Minutes(60)), deliveredVolume: Milliliters(17.5),
                                                elapsedInfusing: Minutes(20), overrideReason: nil).plan)
        #expect(next.duration == Minutes(60))
        #expect(next.volume == plan.volume)
        #expect(close(next.nominalRate.value, 26.25))
        #expect(close(next.nominalDoseRate.value, 0.375))
    }

    @Test("HAZ-001: shortening the duration is checked on the rate for the remaining time")
    func moodShorten() throws {
        let (planner, plan) = try moodPlan(duration: 60) // 35 mL over 60 min
        // After 20 min (11.667 mL), end at 45 min: 0.333 mg/kg in 25 min = 0.8 mg/kg/h, allowed.
        let ok = planner.titrate(plan, .duration(Minutes(45)), deliveredVolume: Milliliters(35.0 / 3),
                                 elapsedInfusing: Minutes(20), overrideReason: nil)
        #expect(ok.verdict == .accepted)
        #expect(close(try #require(ok.plan).nominalRate.value, 56))
        // After 35 min (17.5 mL), end at 40 min: 0.25 mg/kg in 5 min = 3 mg/kg/h, above the 1.5 cap.
        let fast = planner.titrate(plan, .duration(Minutes(40)), deliveredVolume: Milliliters(17.5),
                                   elapsedInfusing: Minutes(35), overrideReason: nil)
        #expect(fast.verdict == .rejected)
        let finding = try #require(fast.finding(LimitID.rateHardCap))
        #expect(finding.message == "Rate for the remaining time 3 mg/kg/h is above the hard cap of 1.5 mg/kg/h for ketamine (mood).")
    }

    @Test("HAZ-001: a duration not beyond the elapsed time, or outside the range, is rejected")
    func durationLimits() throws {
        let (planner, plan) = try moodPlan(duration: 60)
        let elapsed = planner.titrate(plan, .duration(Minutes(45)), deliveredVolume: Milliliters(26.25),
                                      elapsedInfusing: Minutes(45), overrideReason: nil)
        #expect(elapsed.verdict == .rejected)
        #expect(elapsed.finding(LimitID.titrationDurationElapsed)?.message.contains("45 min") == true)
        let range = planner.titrate(plan, .duration(Minutes(120)), deliveredVolume: Milliliters(10),
                                    elapsedInfusing: Minutes(10), overrideReason: "x")
        #expect(range.verdict == .rejected)
        #expect(range.finding(LimitID.durationRange)?.message.contains("120 min") == true)
    }

    @Test("Pain rate change after 60 min: 0.3 mg/kg/h for 180 min → 1.25 mg/kg, 8.75 mL, 2.1 mL/h")
    func painRate() throws {
        let (planner, plan) = try painPlan()
        let result = planner.titrate(plan, .doseRate(MilligramsPerKilogramPerHour(0.3)), deliveredVolume: Milliliters(2.45),
                                     elapsedInfusing: Minutes(60), overrideReason: nil)
        let next = try #require(result.plan, "\(result.findings)")
        #expect(close(next.dosePerKg.value, 1.25))
        #expect(close(next.volume.value, 8.75))
        #expect(close(next.nominalRate.value, 2.1))
        #expect(close(next.nominalDoseRate.value, 0.3))
        #expect(next.duration == Minutes(240))
    }

    @Test("HAZ-001: pain rate above the soft maximum needs a reason; above the hard maximum is rejected")
    func painRateLimits() throws {
        let (planner, plan) = try painPlan()
        let soft = TitrationChange.doseRate(MilligramsPerKilogramPerHour(0.6))
        #expect(planner.titrate(plan, soft, deliveredVolume: Milliliters(7.35), elapsedInfusing: Minutes(180), overrideReason: nil).verdict == .needsOverride)
        let accepted = try #require(planner.titrate(plan, soft, deliveredVolume: Milliliters(7.35), elapsedInfusing: Minutes(180),
                                                    overrideReason: "breakthrough pain").plan)
        #expect(close(accepted.nominalRate.value, 4.2))
        #expect(close(accepted.dosePerKg.value, 1.65))
        let hard = planner.titrate(plan, .doseRate(MilligramsPerKilogramPerHour(1.2)), deliveredVolume: Milliliters(7.35),
                                   elapsedInfusing: Minutes(180), overrideReason: "x")
        #expect(hard.verdict == .rejected)
        #expect(hard.finding(LimitID.doseRateHardMax) != nil)
        #expect(hard.finding(LimitID.rateHardCap)?.message.contains("1.2 mg/kg/h") == true)
    }

    @Test("HAZ-002: a pain rate change that would exceed the session maximum is rejected (0.35 + 0.6 × 3 = 2.15 mg/kg)")
    func painSession() throws {
        let (planner, plan) = try painPlan()
        let result = planner.titrate(plan, .doseRate(MilligramsPerKilogramPerHour(0.6)), deliveredVolume: Milliliters(2.45),
                                     elapsedInfusing: Minutes(60), overrideReason: "x")
        #expect(result.verdict == .rejected)
        #expect(result.finding(LimitID.sessionHardMax)?.message.contains("2.15 mg/kg") == true)
    }

    @Test("HAZ-002: a titration whose new total no longer fits the syringe is rejected (profile without syringe change)")
    func titrationCapacity() throws {
        let planner = try Fixtures.planner(editing: "pain") { $0.syringeChangeAllowed = false }
        let plan = try #require(planner.validate(Fixtures.pain(concentration: 2, syringe: "bd-50")).plan) // 49 mL
        let result = planner.titrate(plan, .doseRate(MilligramsPerKilogramPerHour(0.45)), deliveredVolume: Milliliters(12.25),
                                     elapsedInfusing: Minutes(60), overrideReason: nil)
        #expect(result.verdict == .rejected)
        #expect(result.finding(LimitID.syringeCapacity)?.message.contains("59.5 mL") == true)
    }

    @Test("With the shipped pain profile (syringe change allowed) the same titration is accepted with a syringe-change warning")
    func titrationAcrossSyringes() throws {
        let planner = try Fixtures.planner()
        let plan = try #require(planner.validate(Fixtures.pain(concentration: 2, syringe: "bd-50")).plan) // 49 mL
        let result = planner.titrate(plan, .doseRate(MilligramsPerKilogramPerHour(0.45)), deliveredVolume: Milliliters(12.25),
                                     elapsedInfusing: Minutes(60), overrideReason: nil)
        #expect(result.verdict == .accepted)
        #expect(result.finding(LimitID.syringeChangeNeeded)?.kind == .warning)
        #expect(result.finding(LimitID.syringeCapacity) == nil)
    }

    @Test("Extending a pain infusion keeps its rate: 0.35 mg/kg/h from 180 to 240 min gives 1.4 mg/kg")
    func painExtend() throws {
        let (planner, plan) = try painPlan(duration: 180)
        let next = try #require(planner.titrate(plan, .duration(Minutes(240)), deliveredVolume: Milliliters(2.45),
                                                elapsedInfusing: Minutes(60), overrideReason: nil).plan)
        #expect(close(next.dosePerKg.value, 1.4))
        #expect(close(next.nominalRate.value, 2.45))
        #expect(close(next.nominalDoseRate.value, 0.35))
    }

    @Test("HAZ-001: a change in the wrong mode is rejected")
    func wrongMode() throws {
        let (moodPlanner, mood) = try moodPlan()
        #expect(moodPlanner.titrate(mood, .doseRate(MilligramsPerKilogramPerHour(0.5)), deliveredVolume: .zero,
                                    elapsedInfusing: .zero, overrideReason: nil).finding(LimitID.titrationMode) != nil)
        let (painPlanner, pain) = try painPlan()
        #expect(painPlanner.titrate(pain, .dosePerKg(MilligramsPerKilogram(1)), deliveredVolume: .zero,
                                    elapsedInfusing: .zero, overrideReason: nil).finding(LimitID.titrationMode) != nil)
    }

    @Test("HAZ-002: a delivered volume above the plan, or an invalid report, is rejected")
    func inconsistentReports() throws {
        let (planner, plan) = try moodPlan()
        let change = TitrationChange.dosePerKg(MilligramsPerKilogram(0.6))
        #expect(planner.titrate(plan, change, deliveredVolume: Milliliters(36), elapsedInfusing: Minutes(20), overrideReason: nil)
            .finding(LimitID.titrationDeliveredExceedsPlan) != nil)
        #expect(planner.titrate(plan, change, deliveredVolume: Milliliters(.nan), elapsedInfusing: Minutes(20), overrideReason: nil)
            .finding(LimitID.invalidDelivered) != nil)
        #expect(planner.titrate(plan, change, deliveredVolume: Milliliters(5), elapsedInfusing: Minutes(-1), overrideReason: nil)
            .finding(LimitID.invalidElapsed) != nil)
    }

    @Test("Revisions count up and overrides accumulate across titrations")
    func revisions() throws {
        let (planner, plan) = try moodPlan(duration: 60, concentration: 2) // 17.5 mL over 60 min
        let second = try #require(planner.titrate(plan, .dosePerKg(MilligramsPerKilogram(0.8)), deliveredVolume: Milliliters(2.5),
                                                  elapsedInfusing: Minutes(10), overrideReason: "first").plan)
        #expect(close(second.volume.value, 28))
        let third = try #require(planner.titrate(second, .duration(Minutes(80)), deliveredVolume: Milliliters(7.5),
                                                 elapsedInfusing: Minutes(20), overrideReason: nil).plan)
        #expect(third.revision == 3)
        #expect(third.overrides.map(\.reason) == ["first"])
        #expect(third.overrides.map(\.revision) == [2])
        #expect(close(third.nominalRate.value, 20.5)) // 20.5 mL over 60 min
        #expect(third.elapsedBeforeRevision == Minutes(20))
    }
}
