// Every simulated fault, end to end: the real plant model behind the supervisor and the control loop.
// Each must raise the right alarm, stop delivery (ENABLE off, no further plunger motion) and latch.
import Foundation
@_spi(Testing) import PumpCore
@_spi(Testing) @testable import PumpControl
import PumpSimulator
import Testing

@Suite("Simulated faults through the whole loop")
struct SimulatedFaultTests {
    struct PlantRig {
        let clock = VirtualScheduler()
        let pump: SimulatedPump
        let engine: InfusionEngine
        let session: InfusionSession

        init(rate: MillilitersPerHour = MillilitersPerHour(52.5), configuration: EngineConfiguration = .init(),
             fill: Milliliters = Milliliters(50), parameters: PlantParameters = .init()) {
            pump = SimulatedPump(clock: clock, geometry: Fixture.geometry, fill: fill, parameters: parameters)
            engine = InfusionEngine(scheduler: clock, hardware: pump, configuration: configuration)
            let minutes = 40.0
            session = Fixture.referenceSession(volume: rate * Minutes(minutes), minutes: minutes)
        }

        func runUntil(minutes: Double) { clock.run(until: .origin + .seconds(minutes * 60)) }
        var codes: [AlarmCode] { engine.status().alarms.map(\.code) }

        /// Asserts delivery stopped: alarm state, ENABLE off, and the plunger does not move for a minute.
        func expectStopped(_ code: AlarmCode, sourceLocation: SourceLocation = #_sourceLocation) {
            #expect(!pump.motorEnabled, "ENABLE off synchronously", sourceLocation: sourceLocation)
            clock.run(for: .milliseconds(1))  // the executor processes the trip
            #expect(engine.state == .alarm, sourceLocation: sourceLocation)
            #expect(codes.contains(code), "alarms: \(codes)", sourceLocation: sourceLocation)
            #expect(!pump.motorEnabled, sourceLocation: sourceLocation)
            let position = pump.plungerSteps
            clock.run(for: .seconds(Int64(60)))
            #expect(pump.plungerSteps <= position, "plunger moved after the trip", sourceLocation: sourceLocation)
            #expect(engine.state == .alarm, "nothing resumes by itself", sourceLocation: sourceLocation)
        }
    }

    @Test("The reference infusion on the plant model delivers 35 mL (within one step) to the patient")
    func referenceOnPlant() throws {
        let rig = PlantRig()
        try rig.engine.start(rig.session)
        rig.runUntil(minutes: 41)
        #expect(rig.engine.state == .completed)
        #expect(rig.pump.plungerSteps == rig.session.targetSteps)
        let displaced = rig.pump.volumeDisplaced.value
        #expect(displaced <= 35 && 35 - displaced <= Fixture.geometry.volumePerStep.milliliters.value)
        #expect(abs(rig.pump.volumeDeliveredToPatient.value - displaced) < 0.001, "line drained after 1 min")
    }

    @Test("HAZ-004: occlusion at 5 mL/h is caught by the pressure trend within a minute; back-off keeps the bolus ≤ 0.1 mL",
          arguments: [5.0, 1.0])
    func occlusionWithBackOff(rateMLPerHour: Double) throws {
        let rig = PlantRig(rate: MillilitersPerHour(rateMLPerHour))
        try rig.engine.start(rig.session)
        rig.runUntil(minutes: 5)
        rig.pump.inject(.occlusion)
        let occludedAt = rig.clock.now()
        rig.clock.run(until: occludedAt + .minutes(10), while: { !rig.codes.contains(.occlusion) })
        let alarmAfter = (rig.clock.now() - occludedAt).seconds
        #expect(rig.codes.contains(.occlusion))
        // Faster than commercial anchors (15 ± 7 min at 5 mL/h; ~2 h at 0.5 mL/h).
        #expect(alarmAfter < (rateMLPerHour >= 5 ? 60 : 240), "time to alarm \(alarmAfter) s")
        rig.runUntil(minutes: 20)
        #expect(rig.engine.status().lastBackOffVolume.value > 0, "the plunger backed off")
        #expect(rig.pump.linePressure.value <= 20.5)
        rig.pump.inject(.occlusionRelease)
        rig.runUntil(minutes: 25)
        let bolus = try #require(rig.pump.bolusSinceLastRelease)
        #expect(bolus.value <= 0.1, "bolus \(bolus)")
        #expect(rig.engine.state == .alarm)
    }

    @Test("HAZ-004: with the trend check off, the 300 mmHg threshold still trips; without back-off the bolus is far larger")
    func occlusionThresholdNoBackOff() throws {
        var configuration = EngineConfiguration()
        configuration.supervisor.disabledChecksForTesting = [.occlusionTrend]
        configuration.backOffMaximumVolume = .zero
        let rig = PlantRig(rate: MillilitersPerHour(5), configuration: configuration)
        try rig.engine.start(rig.session)
        rig.runUntil(minutes: 2)
        rig.pump.inject(.occlusion)
        rig.runUntil(minutes: 20)
        #expect(rig.codes.contains(.occlusion))
        rig.pump.inject(.occlusionRelease)
        rig.runUntil(minutes: 25)
        let bolus = try #require(rig.pump.bolusSinceLastRelease)
        #expect(bolus.value > 0.3, "without back-off the stored volume comes out: \(bolus)")
    }

    @Test("HAZ-005: a stall (lost steps) is seen as commanded vs measured and trips step-mismatch")
    func stall() throws {
        let rig = PlantRig()
        try rig.engine.start(rig.session)
        rig.runUntil(minutes: 3)
        rig.pump.inject(.stallStart)
        rig.runUntil(minutes: 4)
        rig.expectStopped(.stepMismatch)
    }

    @Test("HAZ-013: disengaging the plunger mid-infusion trips plunger-unclamped")
    func disengage() throws {
        let rig = PlantRig()
        try rig.engine.start(rig.session)
        rig.runUntil(minutes: 3)
        rig.pump.inject(.disengage)
        rig.expectStopped(.plungerUnclamped)
    }

    @Test("HAZ-013: removing the syringe mid-infusion trips syringe-removed")
    func syringeRemoved() throws {
        let rig = PlantRig()
        try rig.engine.start(rig.session)
        rig.runUntil(minutes: 3)
        rig.pump.inject(.syringeRemoved)
        rig.expectStopped(.syringeRemoved)
    }

    @Test("HAZ-005: a GPIO write failure on STEP trips hardware-failure (uncertain delivery)")
    func gpioWriteFailure() throws {
        let rig = PlantRig()
        try rig.engine.start(rig.session)
        rig.runUntil(minutes: 3)
        rig.pump.inject(.gpioWriteFailure(.step))
        rig.runUntil(minutes: 3.1)
        rig.expectStopped(.hardwareFailure)
    }

    @Test("HAZ-011: the e-stop button trips at once from the edge event")
    func estopButton() throws {
        let rig = PlantRig()
        try rig.engine.start(rig.session)
        rig.runUntil(minutes: 3)
        let before = rig.pump.stepPulsesReceived
        rig.pump.inject(.emergencyStopPress)
        #expect(!rig.pump.motorEnabled)
        rig.expectStopped(.emergencyStop)
        #expect(rig.pump.stepPulsesReceived == before)
    }

    @Test("HAZ-006: a syringe filled with less than the program runs to its end of travel and trips")
    func endOfTravel() throws {
        let rig = PlantRig(fill: Milliliters(10))
        try rig.engine.start(rig.session)
        rig.runUntil(minutes: 15)
        #expect(rig.codes.contains(.endOfTravel) || rig.codes.contains(.stepMismatch))
        #expect(rig.codes.contains(.endOfTravel))
        #expect(!rig.pump.motorEnabled)
        #expect(rig.pump.volumeDisplaced.value <= 9.8 + 0.001)
    }

    @Test("HAZ-013: a syringe-present sensor stuck at 'present' is still caught by the plunger clamp and encoder")
    func stuckSensor() throws {
        let rig = PlantRig()
        try rig.engine.start(rig.session)
        rig.runUntil(minutes: 3)
        rig.pump.inject(.stuckSensor(.syringePresent, true))
        rig.pump.inject(.syringeRemoved)
        rig.runUntil(minutes: 3.1)
        #expect(!rig.pump.motorEnabled)
        #expect(rig.engine.state == .alarm)
        #expect(rig.codes.contains(.plungerUnclamped) || rig.codes.contains(.stepMismatch))
    }

    @Test("HAZ-004: no false occlusion alarm on an open line at 100 mL/h, nor after a titration step up")
    func noFalseOcclusionAlarm() throws {
        let clock = VirtualScheduler()
        let pump = SimulatedPump(clock: clock, geometry: Fixture.geometry, fill: Milliliters(50))
        let engine = InfusionEngine(scheduler: clock, hardware: pump)
        let session = Fixture.referenceSession(volume: Milliliters(20), minutes: 20)
        try engine.start(session)
        clock.run(until: .origin + .minutes(5))
        // Step from 60 mL/h to ~100 mL/h for the remainder.
        let target = Fixture.geometry.steps(forVolume: Milliliters(30))
        try engine.titrate(targetSteps: target, duration: Minutes(20), nominalRate: MillilitersPerHour(100))
        clock.run(until: .origin + .minutes(25))
        #expect(engine.state == .completed, "alarms: \(engine.status().alarms.map(\.code))")
        #expect(pump.plungerSteps == target)
    }
}

extension SimulatedFaultTests {
    @Test("HAZ-004: an occlusion soon after the start, released, acknowledged and resumed, raises no false second alarm (the start-up ramp is not the open-line baseline)", arguments: [20.0, 45.0, 90.0])
    func noFalseReAlarmAfterEarlyOcclusion(occludedAfterSeconds: Double) throws {
        let rig = PlantRig(rate: MillilitersPerHour(52.5))
        try rig.engine.start(rig.session)
        rig.clock.run(for: .seconds(occludedAfterSeconds))
        rig.pump.inject(.occlusion)
        let occludedAt = rig.clock.now()
        rig.clock.run(until: occludedAt + .minutes(5), while: { !rig.codes.contains(.occlusion) })
        try #require(rig.codes.contains(.occlusion))
        rig.clock.run(until: rig.clock.now() + .seconds(Int64(30)), while: { rig.engine.supervisor.motorMode != .off })
        rig.pump.inject(.occlusionRelease)
        rig.clock.run(for: .seconds(Int64(5)))
        _ = try rig.engine.acknowledge(.occlusion)
        try rig.engine.resume()
        rig.clock.run(for: .minutes(5))
        #expect(rig.engine.state == .running, "a freed line must not alarm again: \(rig.codes)")
        #expect(!rig.codes.contains(.occlusion))
    }
}
