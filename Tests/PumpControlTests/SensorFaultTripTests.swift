// Backend-reported sensor faults through the supervisor: the fast event path (encoder, driver nFAULT) and the
// persistent snapshot path (pressure sensor silent, nFAULT held).
import Foundation
@_spi(Testing) import PumpCore
@_spi(Testing) @testable import PumpControl
import Testing

@Suite("Backend sensor faults")
struct SensorFaultTripTests {
    @Test("HAZ-005: an encoder-fault event while infusing trips a high alarm at once, ENABLE off, no step after it")
    func encoderFaultEvent() throws {
        let rig = Fixture.Rig()
        try rig.engine.start(Fixture.referenceSession())
        rig.runUntil(minutes: 1)
        rig.hardware.inputEventHandler?(.sensorFault(SensorFault(code: .encoderFault, message: "no edges")))
        #expect(!rig.hardware.enabled, "ENABLE off synchronously in the event handler")
        let steps = rig.hardware.forwardSteps
        rig.runUntil(minutes: 2)
        #expect(rig.hardware.forwardSteps == steps)
        #expect(rig.engine.state == .alarm)
        let alarm = try #require(rig.engine.status().alarms.first { $0.code == .encoderFault })
        #expect(alarm.priority == .high)
        // Not a persistent condition: acknowledging works once the motor is off.
        #expect(try rig.engine.acknowledge(.encoderFault) == [.encoderFault])
    }

    @Test("HAZ-005: a sensor-fault event while idle changes nothing")
    func eventWhileIdle() {
        let rig = Fixture.Rig()
        rig.hardware.inputEventHandler?(.sensorFault(SensorFault(code: .encoderFault, message: "no edges")))
        rig.run(minutes: 0.01)
        #expect(rig.engine.status().alarms.isEmpty)
    }

    @Test("HAZ-004: a silent pressure sensor mid-infusion trips pressure-sensor-fault and blocks ack and start while silent")
    func pressureSensorSilent() throws {
        let rig = Fixture.Rig()
        try rig.engine.start(Fixture.referenceSession())
        rig.runUntil(minutes: 1)
        rig.hardware.inputs.sensorFaults = [SensorFault(code: .pressureSensorFault, message: "HX711 silent")]
        rig.run(minutes: 0.01)
        #expect(rig.alarmCodes.contains(.pressureSensorFault))
        #expect(!rig.hardware.enabled)
        #expect(throws: EngineRefusal.self) { try rig.engine.acknowledge(.pressureSensorFault) }
        rig.hardware.inputs.sensorFaults = []
        rig.run(minutes: 0.01)
        #expect(try rig.engine.acknowledge(.pressureSensorFault) == [.pressureSensorFault])
    }

    @Test("HAZ-005: the driver's nFAULT held asserted is hardware-failure and blocks acknowledging")
    func driverFaultHeld() throws {
        let rig = Fixture.Rig()
        try rig.engine.start(Fixture.referenceSession())
        rig.runUntil(minutes: 1)
        let fault = SensorFault(code: .hardwareFailure, message: "nFAULT")
        rig.hardware.inputs.sensorFaults = [fault]
        rig.hardware.inputEventHandler?(.sensorFault(fault))
        #expect(!rig.hardware.enabled)
        #expect(rig.alarmCodes.contains(.hardwareFailure))
        rig.run(minutes: 0.01)
        #expect(throws: EngineRefusal.self) { try rig.engine.acknowledge(.hardwareFailure) }
    }

    @Test("HAZ-005: the driver's stall output (TMC2209 DIAG) while infusing is a step-mismatch stop: motor off, no more steps")
    func driverStallStops() throws {
        let rig = Fixture.Rig()
        try rig.engine.start(Fixture.referenceSession())
        rig.runUntil(minutes: 1)
        // What the gpiod input thread reports for the DIAG line (InputKind.driverStall).
        let stall = SensorFault(code: .stepMismatch, message: "The stepper driver reports a stall (DIAG/StallGuard).")
        rig.hardware.inputs.sensorFaults = [stall]
        rig.hardware.inputEventHandler?(.sensorFault(stall))
        #expect(!rig.hardware.enabled)
        #expect(rig.alarmCodes.contains(.stepMismatch))
        let steps = rig.hardware.forwardSteps
        rig.run(minutes: 1)
        #expect(rig.hardware.forwardSteps == steps, "steps after the stall was reported")
    }

    @Test("HAZ-005: with the step-mismatch check disabled, an encoder-fault event does not trip (sensitivity)")
    func sensitivity() throws {
        var configuration = EngineConfiguration()
        configuration.supervisor.disabledChecksForTesting = [.stepMismatch]
        let rig = Fixture.Rig(configuration: configuration)
        try rig.engine.start(Fixture.referenceSession())
        rig.runUntil(minutes: 1)
        rig.hardware.inputEventHandler?(.sensorFault(SensorFault(code: .encoderFault, message: "no edges")))
        rig.run(minutes: 0.01)
        #expect(!rig.alarmCodes.contains(.encoderFault))
    }
}
