// Syringe change in planning (issue 14 item 2): the profile flag from the library, the stated fill, the capacity
// check that allows a program larger than one syringe only where the profile allows a syringe change, and the
// supervisor's own caps that then stay per program (its dose cap), not per syringe.
import Foundation
import PumpCore
import PumpLibrary
import Testing

@Suite("Syringe change: planning and caps")
struct SyringeChangePlanningTests {
    /// 0.35 mg/kg/h × 85 kg × 4 h = 119 mg = 59.5 mL at 2 mg/mL.
    static let fourHourPain = Fixtures.pain(weight: 85, rate: 0.35, duration: 240, concentration: 2)

    @Test("The shipped library allows a syringe change for pain and not for mood")
    func libraryFlags() throws {
        let (drugs, _) = try Fixtures.bundled.get()
        let ketamine = try #require(drugs.drug(named: "ketamine"))
        #expect(ketamine.profile(id: "pain")?.syringeChangeAllowed == true)
        #expect(ketamine.profile(id: "mood")?.syringeChangeAllowed == false)
    }

    @Test("The 4-hour pain program (59.5 mL) is accepted in a 50 mL syringe with a warning that it needs two syringes")
    func painAcrossSyringes() throws {
        let result = try Fixtures.planner().validate(Self.fourHourPain)
        #expect(result.verdict == .accepted)
        let plan = try #require(result.plan)
        #expect(close(plan.volume.value, 59.5) && close(plan.totalDose.value, 119))
        #expect(plan.allowsSyringeChange && plan.syringesNeeded == 2)
        #expect(plan.firstSyringeFill == Milliliters(50), "no --fill-ml: the nominal volume")
        let warning = try #require(result.finding(LimitID.syringeChangeNeeded))
        #expect(warning.kind == .warning && warning.message.contains("2 syringes in all"))
    }

    @Test("The same program with syringe change switched off in the profile is refused as before")
    func painWithoutSyringeChange() throws {
        let planner = try Fixtures.planner(editing: "pain") { $0.syringeChangeAllowed = false }
        let result = planner.validate(Self.fourHourPain)
        #expect(result.verdict == .rejected)
        #expect(result.finding(LimitID.syringeCapacity)?.message.contains("more than the 50 mL capacity") == true)
    }

    @Test("Mood over capacity is still refused; a mood program larger than its stated fill is refused with the fill")
    func moodStillRefused() throws {
        let planner = try Fixtures.planner()
        #expect(planner.validate(Fixtures.mood(weight: 100, concentration: 1)).verdict == .rejected)
        var request = Fixtures.mood()  // 35 mL
        request.fillVolume = Milliliters(30)
        let result = planner.validate(request)
        #expect(result.verdict == .rejected)
        #expect(result.finding(LimitID.syringeCapacity)?.message.contains("30 mL filled into syringe bd-50") == true)
        request.fillVolume = Milliliters(40)
        let fits = planner.validate(request)
        #expect(fits.verdict == .accepted && fits.plan?.firstSyringeFill == Milliliters(40))
    }

    @Test("A fill above the nominal volume, not above the dead space, or not a number is refused", arguments: [60.0, 0.2, 0.1, -1, .nan])
    func badFill(_ fill: Double) throws {
        var request = Self.fourHourPain
        request.fillVolume = Milliliters(fill)
        let result = try Fixtures.planner().validate(request)
        #expect(result.verdict == .rejected)
        #expect(result.finding(LimitID.syringeFill) != nil || result.finding(LimitID.invalidFill) != nil)
    }

    @Test("Supervisor caps: per program when the profile allows a syringe change (the dose cap), one syringe otherwise")
    func supervisorCaps() throws {
        let (drugs, syringes) = try Fixtures.bundled.get()
        let patient = PatientInfo(weight: Kilograms(85))
        let pain = try SupervisorCaps.derive(drug: "ketamine", profile: "pain", patient: patient, concentration: MilligramsPerMilliliter(2),
                                             syringeID: "bd-50", drugs: drugs, syringes: syringes, pumpMaxRate: MillilitersPerHour(150)).get()
        // 2.0 mg/kg × 85 kg = 170 mg = 85 mL at 2 mg/mL: the program's dose cap, above one syringe.
        #expect(close(pain.limits.maxTotalVolume.value, 85) && close(pain.limits.maxTotalDose.value, 170))
        let plan = try #require(Fixtures.planner().validate(Self.fourHourPain).plan)
        #expect(pain.refusal(geometry: plan.geometry, concentration: plan.concentration, targetSteps: plan.targetSteps) == nil)

        var edited = drugs
        let index = try #require(edited.drugs[0].profiles.firstIndex { $0.id == "pain" })
        edited.drugs[0].profiles[index].syringeChangeAllowed = false
        let single = try SupervisorCaps.derive(drug: "ketamine", profile: "pain", patient: patient, concentration: MilligramsPerMilliliter(2),
                                               syringeID: "bd-50", drugs: edited, syringes: syringes, pumpMaxRate: MillilitersPerHour(150)).get()
        #expect(close(single.limits.maxTotalVolume.value, 49.8))
        #expect(single.refusal(geometry: plan.geometry, concentration: plan.concentration, targetSteps: plan.targetSteps) != nil)
    }

    @Test("The loader reads syringe_change_allowed (default false) and rejects a non-boolean")
    func loader() throws {
        let absent = try DrugLibraryLoader.load(from: TempFile.write(validDrugTOML))
        #expect(absent.drug(named: "ketamine")?.profile(id: "mood")?.syringeChangeAllowed == false)
        let allowed = validDrugTOML.replacingOccurrences(of: "paused_reminder_min = 2\n", with: "paused_reminder_min = 2\nsyringe_change_allowed = true\n")
        #expect(try DrugLibraryLoader.load(from: TempFile.write(allowed)).drug(named: "ketamine")?.profile(id: "mood")?.syringeChangeAllowed == true)
        let wrong = validDrugTOML.replacingOccurrences(of: "paused_reminder_min = 2\n", with: "paused_reminder_min = 2\nsyringe_change_allowed = \"yes\"\n")
        #expect(throws: LibraryLoadError.self) { try DrugLibraryLoader.load(from: TempFile.write(wrong)) }
    }
}
