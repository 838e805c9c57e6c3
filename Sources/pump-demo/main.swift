// pump-demo: programs an infusion through the real drug and syringe libraries and runs it on the plant
// simulator in virtual time, printing the delivery every few minutes. No hardware, no daemon, no waiting:
// a 40-minute infusion prints in well under a second. Faults can be injected to show the alarms.
import ArgumentParser
import Foundation
import PumpControl
import PumpCore
import PumpLibrary
import PumpSimulator

@main
struct PumpDemo: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run a simulated ketamine infusion in virtual time and print what the pump does.")

    @Option(help: "Patient weight in kg.") var weightKg = 70.0
    @Option(help: "Dose in mg/kg (mood profile).") var doseMgPerKg = 0.5
    @Option(help: "Duration in minutes.") var durationMin = 40.0
    @Option(help: "Concentration in mg/mL.") var concentrationMgPerMl = 1.0
    @Option(help: "Syringe id from the syringe library.") var syringe = "bd-50"
    @Option(help: "Print a line every N virtual minutes.") var everyMin = 5.0
    @Option(help: "Inject a fault at --fault-at-min: occlusion, stall, disengage, estop-button, syringe-removed, gpio-write-failure.")
    var fault: String?
    @Option(help: "Virtual minute of the fault.") var faultAtMin = 20.0
    @Option(help: "Pause at this virtual minute (for 3 min).") var pauseAtMin: Double?

    func run() throws {
        let planner = DosePlanner(drugs: try DrugLibraryLoader.bundled(), syringes: try SyringeLibraryLoader.bundled())
        let request = ProgramRequest(
            drug: "ketamine", profile: "mood", patient: PatientInfo(weight: Kilograms(weightKg)),
            dosePerKg: MilligramsPerKilogram(doseMgPerKg), doseRate: nil, duration: Minutes(durationMin),
            concentration: MilligramsPerMilliliter(concentrationMgPerMl), syringeID: syringe, overrideReason: nil)
        let result = planner.validate(request)
        for finding in result.findings { print("[\(finding.kind)] \(finding.message)") }
        guard let plan = result.plan, let profile = planner.drugs.drug(named: "ketamine")?.profile(id: "mood") else {
            throw ValidationError("The program was not accepted (\(result.verdict)).")
        }
        print("""
            Program: ketamine \(plan.dosePerKg) × \(plan.dosingWeight) = \(plan.totalDose.formatted(maxFractionDigits: 2)) \
            = \(plan.volume.formatted(maxFractionDigits: 2)) at \(plan.concentration) in \(plan.syringe.id), \
            \(plan.nominalRate.formatted(maxFractionDigits: 2)) over \(plan.duration) \
            (\(plan.targetSteps.count) steps of \(plan.geometry.volumePerStep.formatted(maxFractionDigits: 4)))
            """)

        let clock = VirtualScheduler()
        let pump = SimulatedPump(clock: clock, geometry: plan.geometry, fill: plan.syringe.nominalVolume)
        let engine = InfusionEngine(scheduler: clock, hardware: pump)
        engine.onEvent = { event in
            switch event {
            case .alarmRaised(let alarm):
                print(String(format: "%7.2f min  ALARM %@ (%@): %@", clock.now().nanoseconds.minutes,
                             alarm.code.rawValue, alarm.priority.rawValue, alarm.message))
            case .stateChanged(let from, let to, _):
                print(String(format: "%7.2f min  state %@ -> %@", clock.now().nanoseconds.minutes, from.rawValue, to.rawValue))
            case .backOffCompleted(let volume):
                print(String(format: "%7.2f min  occlusion back-off pulled back %.3f mL", clock.now().nanoseconds.minutes, volume.value))
            default: break
            }
        }
        try engine.start(InfusionSession(id: "demo", plan: plan, profile: profile, pumpMaxRate: MillilitersPerHour(150)))
        if let fault, let injected = Self.fault(named: fault) {
            clock.schedule(at: .origin + .seconds(faultAtMin * 60)) { pump.inject(injected) }
        }
        if let pauseAtMin {
            clock.schedule(at: .origin + .seconds(pauseAtMin * 60)) { try? engine.pause() }
            clock.schedule(at: .origin + .seconds((pauseAtMin + 3) * 60)) { try? engine.resume() }
        }
        print("   time   state      delivered mg    mL      rate mL/h  line mmHg  motor")
        let end = plan.duration.value * 1.5
        var minute = 0.0
        while minute <= end {
            clock.run(until: .origin + .seconds(minute * 60))
            let status = engine.status()
            print(String(format: "%7.2f   %-10@ %9.3f %9.3f %11.2f %10.1f  %@", minute, status.state.rawValue,
                         status.deliveredDose.value, status.deliveredVolume.value, status.rate.value,
                         pump.linePressure.value, status.motorEnabled ? "on" : "off"))
            if !status.state.hasOpenSession, status.state != .idle { break }
            minute += everyMin
        }
        let status = engine.status()
        print(String(format: "Delivered %.4f mg (%.4f mL) of %.3f mg; plunger %lld steps; pulses while disabled: %d",
                     status.deliveredDose.value, status.deliveredVolume.value, plan.totalDose.value,
                     pump.plungerSteps.count, pump.stepPulsesWhileDisabled))
        engine.shutdown()
    }

    static func fault(named name: String) -> SimulatedFault? {
        switch name {
        case "occlusion": .occlusion
        case "stall": .stallStart
        case "disengage": .disengage
        case "estop-button": .emergencyStopPress
        case "syringe-removed": .syringeRemoved
        case "gpio-write-failure": .gpioWriteFailure(.step)
        default: nil
        }
    }
}

extension Int64 {
    fileprivate var minutes: Double { Double(self) / 60e9 }
}
