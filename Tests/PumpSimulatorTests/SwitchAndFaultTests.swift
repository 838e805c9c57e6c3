// Switches, input events and injected faults: unclamping, syringe removal, e-stop, stuck sensors, GPIO
// write and read failures, and the fault log.
import Foundation
import PumpCore
import Testing
@testable import PumpSimulator

@Suite("Simulator switches and faults")
struct SwitchAndFaultTests {
    @Test("HAZ-013: disengage opens the clamp switch, fires the event, and steps stop moving the plunger")
    func disengage() throws {
        let (_, pump) = try makeRunningPump()
        let events = EventRecorder()
        events.attach(to: pump)
        try emit(10, on: pump)
        pump.inject(.disengage)
        #expect(events.events == [.plungerUnclamped])
        let inputs = try pump.readInputs()
        #expect(inputs.plungerClamped == false)
        #expect(inputs.syringePresent)
        #expect(inputs.linePressure == MillimetersOfMercury(0))  // the pusher presses on nothing
        try emit(20, on: pump)
        #expect(pump.plungerSteps == Steps(10))
        #expect(pump.lostSteps.disengaged == 20)
        #expect(try pump.readInputs().measuredSteps == Steps(10))
        pump.inject(.reengage)
        try emit(5, on: pump)
        #expect(pump.plungerSteps == Steps(15))
        #expect(try pump.readInputs().plungerClamped)
    }

    @Test("HAZ-013: removing the syringe opens the present and clamp switches and fires both events")
    func syringeRemoved() throws {
        let (_, pump) = try makeRunningPump()
        let events = EventRecorder()
        events.attach(to: pump)
        pump.inject(.syringeRemoved)
        #expect(events.events == [.syringeRemoved, .plungerUnclamped])
        let inputs = try pump.readInputs()
        #expect(inputs.syringePresent == false)
        #expect(inputs.plungerClamped == false)
        try emit(10, on: pump)
        #expect(pump.plungerSteps == .zero)
        pump.inject(.reengage)  // nothing to clamp
        #expect(try pump.readInputs().plungerClamped == false)
    }

    @Test("HAZ-011: the e-stop edge fires synchronously and the handler can disable the motor from inside")
    func emergencyStop() throws {
        let (_, pump) = try makeRunningPump()
        let events = EventRecorder()
        pump.inputEventHandler = { [weak pump] event in
            events.record(event)
            if event == .emergencyStopPressed { try? pump?.setMotorEnabled(false) }
        }
        try emit(10, on: pump)
        #expect(pump.plungerSteps == Steps(10))
        pump.inject(.emergencyStopPress)
        #expect(events.events == [.emergencyStopPressed])
        // The handler ran before inject returned, without deadlock, and its write reached the driver: the very
        // next pulses move nothing (judged on the plunger, not on the flag the handler wrote).
        try emit(10, on: pump)
        #expect(pump.plungerSteps == Steps(10))
        #expect(pump.stepPulsesWhileDisabled == 10)
        #expect(try pump.readInputs().emergencyStopPressed)
        pump.inject(.emergencyStopPress)  // already pressed: no new edge
        pump.inject(.emergencyStopRelease)
        #expect(try pump.readInputs().emergencyStopPressed == false)
        #expect(events.events == [.emergencyStopPressed])
    }

    @Test("A stuck sensor freezes its reading and reports no edges until unstuck")
    func stuckSensor() throws {
        let (_, pump) = try makeRunningPump()
        let events = EventRecorder()
        events.attach(to: pump)
        pump.inject(.stuckSensor(.emergencyStop, false))
        pump.inject(.emergencyStopPress)
        #expect(try pump.readInputs().emergencyStopPressed == false)
        #expect(events.events.isEmpty)
        pump.inject(.unstickSensor(.emergencyStop))
        #expect(try pump.readInputs().emergencyStopPressed)
        #expect(events.events == [.emergencyStopPressed])
        // Stuck closed: the reading changes, so the hardware sees (and reports) a closing edge.
        pump.inject(.stuckSensor(.occlusionSwitch, true))
        #expect(try pump.readInputs().occlusionSwitch)
        #expect(pump.linePressure.value < 300)
        #expect(events.events == [.emergencyStopPressed, .occlusionSwitchClosed])
        // Stuck open: a real occlusion goes unseen by the switch.
        pump.inject(.stuckSensor(.occlusionSwitch, false))
        pump.inject(.occlusion)
        try emit(3000, on: pump)
        #expect(pump.linePressure.value > 300)
        #expect(try pump.readInputs().occlusionSwitch == false)
        #expect(events.count(of: .occlusionSwitchClosed) == 1)
    }

    @Test("HAZ-005: a GPIO write failure throws on the named operation and changes nothing")
    func gpioWriteFailureOnStep() throws {
        let (_, pump) = try makeRunningPump()
        pump.inject(.gpioWriteFailure(.step))
        #expect(throws: HardwareError.self) { try pump.emitStep() }
        #expect(pump.stepPulsesReceived == 0)
        try pump.setDirection(.retract)  // other operations still work
        pump.inject(.gpioWriteFailure(.direction))
        #expect(throws: HardwareError(.direction, "injected GPIO write failure")) { try pump.setDirection(.infuse) }
        #expect(pump.direction == .retract)
        pump.inject(.gpioWriteFailure(.indication))
        #expect(throws: HardwareError.self) { try pump.setAlarmIndication(.high) }
        #expect(pump.alarmIndication == .normal)
        pump.inject(.clearGPIOFailures)
        try pump.emitStep()
        try pump.setAlarmIndication(.high)
        #expect(pump.alarmIndication == .high)
    }

    @Test("HAZ-003: an ENABLE write failure blocks enabling, but disabling still works")
    func disableSurvivesEnableFailure() throws {
        let (_, pump) = try makeRunningPump()
        pump.inject(.gpioWriteFailure(.enable))
        pump.inject(.gpioWriteFailure(.step))
        try pump.setMotorEnabled(false)
        #expect(pump.motorEnabled == false)
        #expect(throws: HardwareError.self) { try pump.setMotorEnabled(true) }
        #expect(pump.motorEnabled == false)
    }

    @Test("HAZ-003: a fault naming .disable makes disabling fail and leaves the motor on; close() still cuts it")
    func explicitDisableFailure() throws {
        let (_, pump) = try makeRunningPump()
        pump.inject(.gpioWriteFailure(.disable))
        #expect(throws: HardwareError(.disable, "injected GPIO write failure")) { try pump.setMotorEnabled(false) }
        #expect(pump.motorEnabled)
        pump.close()  // releasing the line lets the hardware pull-down de-assert ENABLE
        #expect(pump.motorEnabled == false)
        try pump.setMotorEnabled(false)  // harmless after close
        #expect(throws: HardwareError.self) { try pump.emitStep() }
        #expect(throws: HardwareError.self) { try pump.setMotorEnabled(true) }
    }

    @Test("HAZ-005: a GPIO read failure makes readInputs throw until cleared")
    func gpioReadFailure() throws {
        let (_, pump) = try makeRunningPump()
        pump.inject(.gpioReadFailure)
        #expect(throws: HardwareError(.readInputs, "injected GPIO read failure")) { try pump.readInputs() }
        try pump.emitStep()  // writes are unaffected
        pump.inject(.clearGPIOFailures)
        #expect(try pump.readInputs().measuredSteps == Steps(1))
    }

    @Test("Injected faults are logged with the virtual instant they took effect")
    func faultLog() throws {
        let (scheduler, pump) = try makeRunningPump()
        scheduler.schedule(at: MonotonicInstant.origin + seconds(5)) { pump.inject(.occlusion) }
        scheduler.schedule(at: MonotonicInstant.origin + seconds(9)) { pump.inject(.stall(lostSteps: 3)) }
        scheduler.run(for: seconds(10))
        #expect(pump.faultLog == [
            InjectedFault(time: MonotonicInstant.origin + seconds(5), fault: .occlusion),
            InjectedFault(time: MonotonicInstant.origin + seconds(9), fault: .stall(lostSteps: 3)),
        ])
        #expect(pump.isOccluded)
    }
}
