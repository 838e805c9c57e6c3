// The stepper driver, lead screw and syringe mechanics: ENABLE, DIR, ideal geometry, backlash, slack,
// diameter tolerance and stall.
import Foundation
import PumpCore
import Testing
@testable import PumpSimulator

@Suite("Simulator mechanics")
struct MechanicsTests {
    @Test("With ideal mechanics steps become exactly the geometry's volume")
    func idealStepsMatchGeometry() throws {
        let (_, pump) = try makeRunningPump()
        try emit(1000, on: pump)
        #expect(pump.stepPulsesReceived == 1000)
        #expect(pump.plungerSteps == Steps(1000))
        #expect(pump.lostSteps.total == 0)
        let expected = bd50.volume(for: Steps(1000)).value
        #expect(isClose(pump.volumeDisplaced.value, expected, within: 1e-12))
        #expect(isClose(pump.trueVolumePerStep.value, 0.2187, within: 0.0001))
        #expect(try pump.readInputs().measuredSteps == Steps(1000))
    }

    @Test("A disabled driver moves nothing but counts the pulses")
    func disabledDriverMovesNothing() throws {
        let scheduler = VirtualScheduler()
        let pump = SimulatedPump(clock: scheduler, geometry: bd50, fill: Milliliters(50))
        #expect(pump.motorEnabled == false)
        let before = pump.linePressure
        try emit(50, on: pump)
        #expect(pump.stepPulsesReceived == 50)
        #expect(pump.stepPulsesWhileDisabled == 50)
        #expect(pump.plungerSteps == .zero)
        #expect(pump.volumeDisplaced == .zero)
        #expect(pump.linePressure == before)
        try pump.setMotorEnabled(true)
        try emit(5, on: pump)
        #expect(pump.plungerSteps == Steps(5))
        #expect(pump.stepPulsesWhileDisabled == 50)
    }

    @Test("DIR retract pulls the plunger back and lowers pressure and displaced volume")
    func retractReducesPressureAndVolume() throws {
        let (_, pump) = try makeRunningPump()
        let c = pump.compliance.value
        let dv = pump.trueVolumePerStep.value
        try emit(100, on: pump)
        let pushed = pump.linePressure.value
        #expect(isClose(pushed, 8 + 100 * dv / c, within: 1e-9))
        try pump.setDirection(.retract)
        #expect(pump.direction == .retract)
        try emit(40, on: pump)
        #expect(pump.plungerSteps == Steps(60))
        #expect(isClose(pump.volumeDisplaced.microliters.value, 60 * dv, within: 1e-9))
        #expect(isClose(pump.linePressure.value, 8 + 60 * dv / c, within: 1e-9))
        #expect(pump.linePressure < MillimetersOfMercury(pushed))
    }

    @Test("HAZ-005: backlash loses exactly the configured steps after each reversal")
    func backlashLosesConfiguredSteps() throws {
        let (_, pump) = try makeRunningPump(parameters: PlantParameters(backlashSteps: 12))
        try emit(100, on: pump)
        #expect(pump.plungerSteps == Steps(100))  // the first turn ever has no backlash to take up
        try pump.setDirection(.retract)
        try emit(50, on: pump)
        #expect(pump.plungerSteps == Steps(100 - 38))
        try pump.setDirection(.infuse)
        try emit(50, on: pump)
        #expect(pump.plungerSteps == Steps(62 + 38))
        try emit(10, on: pump)  // same direction: no further loss
        #expect(pump.plungerSteps == Steps(110))
        #expect(pump.lostSteps.backlash == 24)
        #expect(try pump.readInputs().measuredSteps == Steps(110))
    }

    @Test("HAZ-005: start-up slack is lost once, at the very start")
    func startupSlackLostOnce() throws {
        let (_, pump) = try makeRunningPump(parameters: PlantParameters(startupSlackSteps: 30))
        try emit(100, on: pump)
        #expect(pump.plungerSteps == Steps(70))
        try emit(100, on: pump)
        #expect(pump.plungerSteps == Steps(170))
        #expect(pump.lostSteps.startupSlack == 30)
    }

    @Test("HAZ-007: a syringe off its nominal diameter delivers the factor more per step")
    func diameterToleranceScalesVolume() throws {
        let factor = (26.83 / 26.70) * (26.83 / 26.70)  // +0.5 % on the diameter ≈ +1 % on the volume
        let (_, pump) = try makeRunningPump(parameters: PlantParameters(syringeVolumeFactor: factor))
        try emit(1000, on: pump)
        let nominal = bd50.volume(for: Steps(1000)).value
        #expect(isClose(pump.volumeDisplaced.value, nominal * factor, within: 1e-12))
        #expect(pump.plungerSteps == Steps(1000))
    }

    @Test("HAZ-005: a stall loses the next N forward steps and the encoder shows it")
    func stallLosesStepsVisibleToEncoder() throws {
        let (_, pump) = try makeRunningPump()
        pump.inject(.stall(lostSteps: 25))
        try emit(100, on: pump)
        #expect(pump.stepPulsesReceived == 100)
        #expect(pump.plungerSteps == Steps(75))
        #expect(pump.lostSteps.stall == 25)
        let inputs = try pump.readInputs()
        #expect(inputs.measuredSteps == Steps(75))  // commanded 100 vs measured 75: uncertain delivery
    }

    @Test("HAZ-005: stallStart stalls every forward step until stallEnd; retraction still works")
    func indefiniteStall() throws {
        let (_, pump) = try makeRunningPump()
        try emit(10, on: pump)
        pump.inject(.stallStart)
        try emit(40, on: pump)
        #expect(pump.plungerSteps == Steps(10))
        try pump.setDirection(.retract)
        try emit(4, on: pump)
        #expect(pump.plungerSteps == Steps(6))
        try pump.setDirection(.infuse)
        pump.inject(.stallEnd)
        try emit(10, on: pump)
        #expect(pump.plungerSteps == Steps(16))
        #expect(pump.lostSteps.stall == 40)
    }

    @Test("Without an encoder measuredSteps is absent; without a force sensor linePressure is absent")
    func sensorsCanBeOmitted() throws {
        let (_, pump) = try makeRunningPump(parameters: PlantParameters(hasEncoder: false, hasPressureSensor: false))
        try emit(10, on: pump)
        let inputs = try pump.readInputs()
        #expect(inputs.measuredSteps == nil)
        #expect(inputs.linePressure == nil)
    }
}
