// Safety kernel v2: a property-based test over random programs, titrations, pauses, faults and acknowledges, in
// virtual time on RecordingHardware (no encoder, so only the kernel's own counting can keep these true).
// After every quarter second of every case:
//   P1 delivered (net plunger travel on the hardware) ≤ the programmed target, and equals the supervisor's count;
//   P2 the motor is never enabled in the infusing direction while an alarm is latched or while backing off, and
//      never in the retracting direction outside a back-off;
//   P3 nothing resumes by itself: the state becomes `running`, and the plunger moves forward, only after a
//      start, resume or resume-interrupted command.
// The drive uses full steps (16× fewer than the real microstepped drive) so 10,000 cases fit in CI's time.
import Foundation
import PropertyBased
@_spi(Testing) import PumpCore
@_spi(Testing) @testable import PumpControl
import Testing

@Suite("Kernel properties over random programs, titrations, pauses, faults and acknowledges")
struct KernelPropertyTests {
    enum Fault: CaseIterable { case occlusionSwitch, syringeOut, unclamped, estopButton, stepLineFails, linePressureHigh }

    enum Action: Sendable, CustomStringConvertible {
        case advance(seconds: Int)
        case pause, resume, acknowledge, stop, estopCommand
        case titrate(percent: Int)
        case inject(Int), clear(Int)
        /// An occlusion that the nurse frees one second later (the back-off is still retracting then).
        case occlusionFreed
        var description: String {
            switch self {
            case .advance(let s): "advance \(s) s"
            case .pause: "pause"
            case .resume: "resume"
            case .acknowledge: "ack"
            case .stop: "stop"
            case .estopCommand: "estop"
            case .titrate(let p): "titrate \(p) %"
            case .inject(let f): "inject \(Fault.allCases[f % Fault.allCases.count])"
            case .clear(let f): "clear \(Fault.allCases[f % Fault.allCases.count])"
            case .occlusionFreed: "occlusion, freed after 1 s"
            }
        }
    }

    static let actions = Gen.oneOf(
        Gen.int(in: 1...90).map { Action.advance(seconds: $0) },
        Gen.int(in: 1...90).map { Action.advance(seconds: $0) },
        Gen.int(in: 0...4).map { _ in Action.pause },
        Gen.int(in: 0...4).map { _ in Action.resume },
        Gen.int(in: 0...4).map { _ in Action.acknowledge },
        Gen.int(in: 0...40).map { $0 == 0 ? Action.stop : Action.estopCommand },
        Gen.int(in: 50...150).map { Action.titrate(percent: $0) },
        Gen.int(in: 0...5).map { Action.inject($0) },
        Gen.int(in: 0...5).map { Action.clear($0) },
        Gen.int(in: 0...5).map { _ in Action.occlusionFreed }
    ).array(of: 1...14)

    static let fullStepDrive = DriveMechanics(lead: Millimeters(1.25), fullStepsPerRevolution: 200, microsteps: 1)

    static func session(volumeTenths: Int, minutes: Int) -> InfusionSession {
        let geometry = SyringeGeometry(syringe: Fixture.bd50, mechanics: fullStepDrive)
        let volume = Milliliters(Double(volumeTenths) / 10)
        let limits = SupervisorLimits.derive(
            rateHardCap: MilligramsPerKilogramPerHour(1.5), sessionDoseHardMax: MilligramsPerKilogram(1.0),
            dosingWeight: Kilograms(70), concentration: MilligramsPerMilliliter(1), geometry: geometry,
            pumpMaxRate: MillilitersPerHour(150))
        return InfusionSession(
            id: "p", drug: "ketamine", profile: "mood", patientID: "P", dosingWeight: Kilograms(70),
            concentration: MilligramsPerMilliliter(1), geometry: geometry, targetSteps: geometry.steps(forVolume: volume),
            duration: Minutes(Double(minutes)), nominalRate: volume / Minutes(Double(minutes)), catchUpFactor: 1.1,
            nearEndWarning: Minutes(2), pausedReminder: Minutes(5), limits: limits)
    }

    /// One case: returns the first property violation, or nil.
    static func run(volumeTenths: Int, minutes: Int, script: [Action]) -> String? {
        var configuration = EngineConfiguration()
        // A back-off of up to 0.5 mL (143 full steps) at 50 ms a step lasts seconds, so commands land inside it.
        configuration.backOffMaximumVolume = Milliliters(0.5)
        configuration.backOffStepInterval = .milliseconds(50)
        let rig = Fixture.Rig(configuration: configuration)
        let engine = rig.engine, hardware = rig.hardware
        var target = session(volumeTenths: volumeTenths, minutes: minutes)
        do { try engine.start(target) } catch { return nil }
        var commandMayRun = true
        func check(_ context: String) -> String? {
            let travel = hardware.forwardSteps - hardware.retractSteps
            let counted = engine.supervisor.deliveredSteps.count
            let programmed = engine.supervisor.programmedTarget?.count ?? engine.session?.targetSteps.count ?? target.targetSteps.count
            if travel > max(programmed, target.targetSteps.count) { return "P1 travel \(travel) > target \(programmed) after \(context)" }
            if travel != counted { return "P1 travel \(travel) != supervisor count \(counted) after \(context)" }
            let mode = engine.supervisor.motorMode
            if hardware.enabled, hardware.direction == .infuse, engine.supervisor.isTripped || mode != .infusing {
                return "P2 infusing with ENABLE on while \(engine.supervisor.isTripped ? "tripped" : mode.rawValue) after \(context)"
            }
            if hardware.enabled, hardware.direction == .retract, mode != .retracting {
                return "P2 retracting outside a back-off after \(context)"
            }
            return nil
        }
        for action in script {
            let stateBefore = engine.state
            let forwardBefore = hardware.forwardSteps
            commandMayRun = false
            switch action {
            case .advance(let seconds):
                for _ in 0..<(seconds * 4) {
                    let wasRunning = engine.state == .running
                    let forward = hardware.forwardSteps
                    rig.clock.run(for: .milliseconds(250))
                    if let violation = check(action.description) { return violation }
                    if !wasRunning, engine.state == .running { return "P3 \(stateBefore.rawValue) → running by itself" }
                    if !wasRunning, hardware.forwardSteps > forward {
                        return "P3 the plunger moved forward while \(stateBefore.rawValue)"
                    }
                }
                continue
            case .pause: try? engine.pause()
            case .resume:
                commandMayRun = true
                try? engine.resume()
            case .acknowledge: _ = try? engine.acknowledge(nil)
            case .stop: try? engine.stop()
            case .estopCommand: engine.emergencyStop(source: "property test")
            case .titrate(let percent):
                let steps = Steps(max(engine.supervisor.deliveredSteps.count, target.targetSteps.count * Int64(percent) / 100))
                if (try? engine.titrate(targetSteps: steps, duration: target.duration, nominalRate: target.nominalRate)) != nil {
                    target.targetSteps = steps
                }
            case .inject(let index): apply(Fault.allCases[index % Fault.allCases.count], on: true, hardware)
            case .clear(let index): apply(Fault.allCases[index % Fault.allCases.count], on: false, hardware)
            case .occlusionFreed:
                apply(.occlusionSwitch, on: true, hardware)
                for _ in 0..<4 {
                    rig.clock.run(for: .milliseconds(250))
                    if let violation = check(action.description) { return violation }
                }
                apply(.occlusionSwitch, on: false, hardware)
            }
            if let violation = check(action.description) { return violation }
            if !commandMayRun, stateBefore != .running, engine.state == .running {
                return "P3 \(stateBefore.rawValue) → running after \(action), not a resume"
            }
            if !commandMayRun, stateBefore != .running, hardware.forwardSteps > forwardBefore + 1 {
                return "P3 the plunger moved forward after \(action)"
            }
        }
        return nil
    }

    static func apply(_ fault: Fault, on: Bool, _ hardware: RecordingHardware) {
        switch fault {
        case .occlusionSwitch:
            hardware.inputs.occlusionSwitch = on
            if on { hardware.inputEventHandler?(.occlusionSwitchClosed) }
        case .syringeOut:
            hardware.inputs.syringePresent = !on
            if on { hardware.inputEventHandler?(.syringeRemoved) }
        case .unclamped:
            hardware.inputs.plungerClamped = !on
            if on { hardware.inputEventHandler?(.plungerUnclamped) }
        case .estopButton:
            hardware.inputs.emergencyStopPressed = on
            if on { hardware.inputEventHandler?(.emergencyStopPressed) }
        case .stepLineFails:
            hardware.failingOperation = on ? .step : nil
        case .linePressureHigh:
            hardware.inputs.linePressure = MillimetersOfMercury(on ? 400 : 30)
        }
    }

    /// CI runs 10,000 cases; PUMP_PROPERTY_CASES sets another count for a longer local run.
    static let count = ProcessInfo.processInfo.environment["PUMP_PROPERTY_CASES"].flatMap(Int.init) ?? 10_000

    @Test("HAZ-001/HAZ-004/HAZ-010: delivered ≤ target, no infusing ENABLE while latched or backing off, nothing resumes by itself — over 10,000 random cases")
    func kernelProperties() async {
        await propertyCheck(count: Self.count, input: Gen.int(in: 2...60), Gen.int(in: 2...30), Self.actions) { volume, minutes, script in
            let violation = Self.run(volumeTenths: volume, minutes: minutes, script: script)
            #expect(violation == nil, "\(volume / 10).\(volume % 10) mL over \(minutes) min, script \(script)")
        }
    }

    @Test("Sensitivity: with the gate's target check disabled the same property finds an overshoot")
    func propertyCatchesOvershoot() {
        var configuration = EngineConfiguration()
        configuration.supervisor.disabledChecksForTesting = [.programmedTarget]
        let rig = Fixture.Rig(configuration: configuration)
        rig.engine.extraTargetStepsForTesting = 500
        let session = Self.session(volumeTenths: 10, minutes: 5)
        #expect(throws: Never.self) { try rig.engine.start(session) }
        rig.clock.run(for: .seconds(Int64(15 * 60)))
        #expect(rig.hardware.forwardSteps - rig.hardware.retractSteps > session.targetSteps.count,
                "without the gate's target the plunger travels past the target: P1 would fail")
    }
}
