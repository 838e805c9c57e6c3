// Runs an `engine` scenario in virtual time: the program is validated through the bundled drug and syringe
// libraries (DosePlanner), started on an `InfusionEngine` whose only hardware is a `SimulatedPump`, and every
// timeline entry is scheduled on the same `VirtualScheduler` at its instant. Nothing sleeps; a 40-minute
// scenario takes well under a second.
//
// Measured against the plant's truth, not the software's belief: delivered volume is the volume the plunger
// displaced, ENABLE is the plant's line, "no steps after the trip" compares the true plunger position at the
// first delivery-stopping alarm with the position at the end.
import Foundation
@_spi(Testing) import PumpControl
@_spi(Testing) import PumpCore
import PumpLibrary
import PumpSimulator

/// Runs `engine` scenarios.
public struct ScenarioRunner: Sendable {
    /// The planner (drug and syringe libraries) programs are validated with.
    public let planner: DosePlanner

    /// A runner with the bundled libraries.
    public init() throws {
        planner = DosePlanner(drugs: try DrugLibraryLoader.bundled(), syringes: try SyringeLibraryLoader.bundled())
    }

    /// The program as a planner request.
    public static func request(_ program: ScenarioProgram) -> ProgramRequest {
        ProgramRequest(
            drug: program.drug, profile: program.profile, patient: PatientInfo(weight: Kilograms(program.weightKg)),
            dosePerKg: program.doseMgPerKg.map(MilligramsPerKilogram.init),
            doseRate: program.rateMgPerKgPerH.map(MilligramsPerKilogramPerHour.init),
            duration: program.durationMin.map(Minutes.init),
            concentration: MilligramsPerMilliliter(program.concentrationMgPerMl), syringeID: program.syringe,
            overrideReason: program.overrideReason)
    }

    /// Runs `scenario` (runner `engine`) with `disabled` supervisor checks switched off (sensitivity runs only).
    public func run(_ scenario: Scenario, disabling disabled: Set<SafetyCheck> = []) -> ScenarioOutcome {
        var outcome = ScenarioOutcome(scenarioID: scenario.id)
        guard scenario.runner == .engine else {
            outcome.runErrors.append("runner \(scenario.runner.rawValue) scenarios are not run in virtual time")
            return outcome
        }
        let result = planner.validate(Self.request(scenario.program))
        guard result.verdict == .accepted, let plan = result.plan,
              let profile = planner.drugs.drug(named: plan.drug)?.profile(id: plan.profileID) else {
            outcome.refused = true
            return outcome
        }
        let clock = VirtualScheduler()
        let fill = scenario.plant.fillML.map(Milliliters.init) ?? plan.syringe.nominalVolume
        let pump = SimulatedPump(clock: clock, geometry: plan.geometry, fill: fill,
                                 parameters: PlantParameters(syringeVolumeFactor: scenario.plant.syringeVolumeFactor))
        var configuration = EngineConfiguration()
        configuration.supervisor.disabledChecksForTesting = disabled
        let engine = InfusionEngine(scheduler: clock, hardware: pump, configuration: configuration)
        let log = EventLog(clock: clock, pump: pump)
        engine.onEvent = { log.record($0) }
        var session = InfusionSession(id: scenario.id, plan: plan, profile: profile,
                                      pumpMaxRate: configuration.supervisor.pumpMaxRate)
        // The vital-sign interlock with the drug's library limits, as pumpd sets it (HAZ-015).
        session.vitalThresholds = planner.drugs.drug(named: plan.drug)?.vitalSigns
        do {
            try engine.start(session)
        } catch {
            outcome.refused = true
        }
        if !outcome.refused {
            let context = ActionContext(clock: clock, pump: pump, engine: engine, planner: planner, plan: plan,
                                        profile: profile, log: log)
            for action in scenario.timeline {
                clock.schedule(at: .origin + .seconds(action.atSeconds)) { context.apply(action) }
            }
            clock.run(until: .origin + .seconds(scenario.durationSeconds))
            outcome.runErrors += context.errors
        }
        outcome.raised = log.raised
        outcome.state = engine.state
        outcome.deliveredML = pump.volumeDisplaced.value
        outcome.motorEnabled = pump.motorEnabled
        outcome.stepsAfterTrip = log.plungerAtTrip.map { pump.plungerSteps.count - $0 }
        outcome.pulsesWhileDisabled = pump.stepPulsesWhileDisabled
        outcome.bolusML = pump.bolusSinceLastRelease?.value
        engine.shutdown()
        return outcome
    }
}

/// Engine events as the runner sees them (on the virtual executor).
final class EventLog: @unchecked Sendable {
    private let clock: VirtualScheduler
    private let pump: SimulatedPump
    var raised: [(code: AlarmCode, atSeconds: Double)] = []
    /// True plunger position when the first delivery-stopping alarm was raised.
    var plungerAtTrip: Int64?

    init(clock: VirtualScheduler, pump: SimulatedPump) {
        self.clock = clock
        self.pump = pump
    }

    func record(_ event: EngineEvent) {
        guard case .alarmRaised(let alarm) = event else { return }
        raised.append((alarm.code, (clock.now() - .origin).seconds))
        if alarm.code.stopsDelivery, plungerAtTrip == nil { plungerAtTrip = pump.plungerSteps.count }
    }
}

/// Applies timeline entries to the running engine and plant.
final class ActionContext: @unchecked Sendable {
    let clock: VirtualScheduler
    let pump: SimulatedPump
    let engine: InfusionEngine
    let planner: DosePlanner
    var plan: DosePlan
    let profile: DrugProfile
    let log: EventLog
    var errors: [String] = []

    init(clock: VirtualScheduler, pump: SimulatedPump, engine: InfusionEngine, planner: DosePlanner, plan: DosePlan,
         profile: DrugProfile, log: EventLog) {
        self.profile = profile
        self.clock = clock
        self.pump = pump
        self.engine = engine
        self.planner = planner
        self.plan = plan
        self.log = log
    }

    func apply(_ action: ScenarioAction) {
        let now = clock.now()
        switch action.kind {
        case .fault(let fault): pump.inject(fault)
        case .estop: engine.emergencyStop(source: "the scenario's estop command")
        case .pause: try? engine.pause()
        case .resume: try? engine.resume()
        case .stop: try? engine.stop()
        case .acknowledge(let code, let expectRefused):
            let cleared = (try? engine.acknowledge(code)) != nil
            if expectRefused, cleared {
                errors.append("the acknowledge at \(action.atSeconds) s was accepted, expected a refusal")
            }
        case .titrate(let change, let reason, let expectRefused):
            titrate(change, reason: reason, expectRefused: expectRefused, at: action.atSeconds)
        case .startAgain:
            let session = InfusionSession(id: "again", plan: plan, profile: profile,
                                          pumpMaxRate: engine.configuration.supervisor.pumpMaxRate)
            if (try? engine.start(session)) != nil {
                errors.append("a second start at \(action.atSeconds) s was accepted while an infusion was open")
            }
        case .loopHang(let seconds):
            engine.suppressTicksUntilForTesting = now + .seconds(seconds)
        case .latenessBurst(let seconds, let latenessMS):
            let end = now + .seconds(seconds)
            clock.latenessInjector = { due in due < end ? .seconds(latenessMS / 1000) : .zero }
        case .plannerRateFault(let multiplier):
            engine.rateMultiplierForTesting = multiplier
        case .plannerTargetFault(let extraML):
            engine.extraTargetStepsForTesting = plan.geometry.steps(forVolume: Milliliters(extraML)).count
        case .vitals(let systolic, let diastolic, let heartRate, let oxygenSaturation):
            engine.recordVitals(VitalSigns(
                systolic: MillimetersOfMercury(systolic), diastolic: MillimetersOfMercury(diastolic),
                heartRate: BeatsPerMinute(heartRate), oxygenSaturation: OxygenSaturation(oxygenSaturation),
                measuredAt: now, source: .manual))
        case .wallClockJump, .journalDiskFull:
            errors.append("timeline entry at \(action.atSeconds) s needs the daemon runner")
        }
    }


    private func titrate(_ change: TitrationChange, reason: String?, expectRefused: Bool, at: Double) {
        let status = engine.status()
        let result = planner.titrate(plan, change, deliveredVolume: status.deliveredVolume,
                                     elapsedInfusing: Minutes(status.elapsed.seconds / 60), overrideReason: reason)
        var accepted = false
        if result.verdict == .accepted, let next = result.plan {
            do {
                try engine.titrate(to: next)
                plan = next
                accepted = true
            } catch {}
        }
        if accepted == expectRefused {
            errors.append("titration at \(at) s was \(accepted ? "accepted" : "refused: \(result.findings.map(\.message))"), expected \(expectRefused ? "a refusal" : "it to apply")")
        }
    }
}
