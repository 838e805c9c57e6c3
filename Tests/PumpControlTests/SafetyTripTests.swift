// Latching trips on the recording hardware: e-stop, hardware failure, inputs, heartbeat, shutdown.
import Foundation
@_spi(Testing) import PumpCore
@_spi(Testing) @testable import PumpControl
import Testing

@Suite("Supervisor trips")
struct SafetyTripTests {
    @Test("HAZ-011: e-stop: no step after it, ENABLE off, alarm latched until acknowledged, no auto-resume")
    func emergencyStop() throws {
        let rig = Fixture.Rig()
        try rig.engine.start(Fixture.referenceSession())
        rig.runUntil(minutes: 5)
        rig.engine.emergencyStop(source: "the nurse's command")
        let stopAt = rig.clock.now()
        #expect(!rig.hardware.enabled)
        let steps = rig.hardware.forwardSteps
        rig.runUntil(minutes: 6)
        #expect(rig.hardware.forwardSteps == steps)
        #expect(rig.hardware.stepTimes.allSatisfy { $0 <= stopAt })
        #expect(rig.engine.state == .alarm)
        let alarm = try #require(rig.engine.status().alarms.first)
        #expect(alarm.code == .emergencyStop && alarm.priority == .high)
        #expect(rig.hardware.indication == .high)
        // Acknowledging clears the latch but never restarts: the pump waits, paused.
        _ = try rig.engine.acknowledge(.emergencyStop)
        #expect(rig.engine.state == .paused)
        rig.runUntil(minutes: 8)
        #expect(rig.hardware.forwardSteps == steps)
        #expect(!rig.hardware.enabled)
        try rig.engine.resume()
        rig.runUntil(minutes: 9)
        #expect(rig.hardware.forwardSteps > steps)
    }

    @Test("HAZ-011: the e-stop button edge trips from the backend's thread and cannot be acknowledged while pressed")
    func emergencyStopButton() throws {
        let rig = Fixture.Rig()
        try rig.engine.start(Fixture.referenceSession())
        rig.runUntil(minutes: 1)
        rig.hardware.inputs.emergencyStopPressed = true
        rig.hardware.inputEventHandler?(.emergencyStopPressed)
        #expect(!rig.hardware.enabled, "ENABLE off synchronously in the edge handler")
        rig.runUntil(minutes: 2)
        #expect(throws: EngineRefusal.self) { try rig.engine.acknowledge(.emergencyStop) }
        rig.hardware.inputs.emergencyStopPressed = false
        rig.run(minutes: 0.01)
        #expect(try rig.engine.acknowledge(.emergencyStop) == [.emergencyStop])
    }

    @Test("HAZ-005: a GPIO write failure is uncertain delivery: high alarm, ENABLE off, no retry")
    func stepWriteFailure() throws {
        let rig = Fixture.Rig()
        try rig.engine.start(Fixture.referenceSession())
        rig.runUntil(minutes: 3)
        rig.hardware.failingOperation = .step
        rig.runUntil(minutes: 4)
        #expect(rig.engine.state == .alarm)
        #expect(rig.alarmCodes.contains(.hardwareFailure))
        #expect(!rig.hardware.enabled)
        #expect(throws: EngineRefusal.self) { try rig.engine.resume() }
    }

    @Test("HAZ-005: an input read failure while infusing trips as uncertain delivery")
    func readFailure() throws {
        let rig = Fixture.Rig()
        try rig.engine.start(Fixture.referenceSession())
        rig.runUntil(minutes: 1)
        rig.hardware.failingOperation = .readInputs
        rig.run(minutes: 0.01)
        #expect(rig.alarmCodes.contains(.hardwareFailure))
        #expect(!rig.hardware.enabled)
    }

    @Test("HAZ-013: syringe removed mid-infusion trips a high alarm and blocks resuming until it is back")
    func syringeRemoved() throws {
        let rig = Fixture.Rig()
        try rig.engine.start(Fixture.referenceSession())
        rig.runUntil(minutes: 2)
        rig.hardware.inputs.syringePresent = false
        rig.hardware.inputEventHandler?(.syringeRemoved)
        #expect(!rig.hardware.enabled)
        #expect(rig.alarmCodes.first == .syringeRemoved)
        rig.run(minutes: 0.1)
        #expect(throws: EngineRefusal.self) { try rig.engine.acknowledge(nil) }
        rig.hardware.inputs.syringePresent = true
        rig.run(minutes: 0.01)
        _ = try rig.engine.acknowledge(nil)
        #expect(rig.engine.state == .paused)
    }

    @Test("HAZ-013: starting without a clamped plunger is refused")
    func startRefusedUnclamped() throws {
        let rig = Fixture.Rig()
        rig.hardware.inputs.plungerClamped = false
        rig.run(minutes: 0.01)
        #expect(throws: EngineRefusal.self) { try rig.engine.start(Fixture.referenceSession()) }
        #expect(!rig.hardware.enabled)
        #expect(rig.hardware.forwardSteps == 0)
    }

    @Test("HAZ-006: the end-of-travel input trips a high alarm")
    func endOfTravel() throws {
        let rig = Fixture.Rig()
        try rig.engine.start(Fixture.referenceSession())
        rig.runUntil(minutes: 2)
        rig.hardware.inputs.endOfTravel = true
        rig.run(minutes: 0.01)
        #expect(rig.alarmCodes.contains(.endOfTravel))
        #expect(!rig.hardware.enabled)
    }

    @Test("HAZ-008: a starved control loop (no tick for > 2 periods) trips heartbeat-missed and stops steps")
    func heartbeatMissed() throws {
        let rig = Fixture.Rig()
        try rig.engine.start(Fixture.referenceSession())
        rig.runUntil(minutes: 1)
        let starveFrom = rig.clock.now()
        rig.engine.suppressTicksUntilForTesting = starveFrom + .seconds(Int64(5))
        rig.run(minutes: 0.1)
        #expect(rig.alarmCodes.contains(.heartbeatMissed))
        #expect(!rig.hardware.enabled)
        let lastStep = try #require(rig.hardware.stepTimes.last)
        #expect(lastStep <= starveFrom + .milliseconds(150))
    }

    @Test("HAZ-008: late timer fires (+30 ms on every deadline) still deliver exactly, on time")
    func lateTimers() throws {
        let rig = Fixture.Rig()
        rig.clock.latenessInjector = { _ in .milliseconds(30) }
        let session = Fixture.referenceSession()
        try rig.engine.start(session)
        rig.runUntil(minutes: 41)
        #expect(rig.engine.state == .completed)
        #expect(rig.hardware.forwardSteps == session.targetSteps.count)
        let last = try #require(rig.hardware.stepTimes.last)
        #expect(abs(last.minutes - 40) * 60 < 0.2)
    }

    @Test("HAZ-003: the supervisor de-asserts ENABLE at creation and shutdown leaves the motor off")
    func enableOffAtStartAndShutdown() throws {
        let clock = VirtualScheduler()
        let hardware = RecordingHardware(clock: clock)
        hardware.enabled = true
        let engine = InfusionEngine(scheduler: clock, hardware: hardware)
        #expect(!hardware.enabled)
        try engine.start(Fixture.referenceSession())
        clock.run(for: .seconds(Int64(10)))
        #expect(hardware.enabled)
        engine.shutdown()
        #expect(!hardware.enabled)
        let steps = hardware.forwardSteps
        clock.run(for: .seconds(Int64(60)))
        #expect(hardware.forwardSteps == steps)
    }
}
