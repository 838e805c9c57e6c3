// HAZ-004: occlusion builds pressure, closes the switch at the analytic time, and the stored volume is
// released as a bolus; a plunger back-off before the release reduces that bolus by exactly N·ΔV.
import Foundation
import PumpCore
import Testing
@testable import PumpSimulator

@Suite("Simulator occlusion and bolus")
struct OcclusionTests {
    /// Runs 5 mL/h, occludes at 60 s, and runs until the occlusion switch closes (or 20 min pass).
    /// Returns the scheduler, pump, train, recorder, the pressure at occlusion, and the closing instant.
    private func occludeAtFiveMlPerHour() throws -> (
        VirtualScheduler, SimulatedPump, StepTrain, EventRecorder, Double, MonotonicInstant
    ) {
        let (scheduler, pump) = try makeRunningPump()
        let events = EventRecorder()
        events.attach(to: pump)
        let train = StepTrain(pump: pump, scheduler: scheduler, rate: MillilitersPerHour(5))
        scheduler.run(for: seconds(60))
        pump.inject(.occlusion)
        let pressureAtOcclusion = pump.linePressure.value
        scheduler.run(until: MonotonicInstant.origin + .minutes(20)) {
            events.count(of: .occlusionSwitchClosed) == 0
        }
        train.stop()
        try pump.setMotorEnabled(false)
        return (scheduler, pump, train, events, pressureAtOcclusion, scheduler.now())
    }

    @Test(
        "HAZ-004: occlusion at the IEC test rates builds pressure at Q/C and closes the switch at C·(300 − P₀)/Q",
        arguments: [1.0, 5.0])
    func occlusionClosesSwitchAtAnalyticTime(mlPerHour: Double) throws {
        let (scheduler, pump) = try makeRunningPump()
        let events = EventRecorder()
        events.attach(to: pump)
        let train = StepTrain(pump: pump, scheduler: scheduler, rate: MillilitersPerHour(mlPerHour))
        let q = mlPerHour * 1000 / 3600  // µL/s
        let c = pump.compliance.value  // 1.5 µL/mmHg
        let ripple = pump.trueVolumePerStep.value / c
        scheduler.run(for: seconds(60))
        pump.inject(.occlusion)
        let p0 = pump.linePressure.value
        #expect(isClose(p0, 8 + q, within: ripple))  // it was in steady state, P_v + R·Q
        // Linear rise at Q/C while occluded.
        scheduler.run(for: seconds(100))
        #expect(isClose(pump.linePressure.value, p0 + q / c * 100, within: ripple))
        #expect(try pump.readInputs().occlusionSwitch == false)
        // The switch closes when the pressure reaches the set point.
        let closed = scheduler.run(until: MonotonicInstant.origin + .minutes(60)) {
            events.count(of: .occlusionSwitchClosed) == 0
        }
        #expect(closed)
        let expected = 60 + c * (300 - p0) / q  // 5 mL/h: ≈ 374 s (5.2 min after); 1 mL/h: ≈ 26 min after
        let actual = (scheduler.now() - MonotonicInstant.origin).seconds
        #expect(isClose(actual, expected, within: 1 / train.stepsPerSecond + 1e-6))
        let inputs = try pump.readInputs()
        #expect(inputs.occlusionSwitch)
        #expect(inputs.linePressure.map { $0.value >= 300 } == true)
        #expect(events.count(of: .occlusionSwitchClosed) == 1)
    }

    @Test("HAZ-004: releasing the occlusion pushes out the stored volume C·(P − P_v) as a bolus")
    func releaseBolusIsStoredVolume() throws {
        let (scheduler, pump, _, _, _, _) = try occludeAtFiveMlPerHour()
        let c = pump.compliance.value
        let pressure = pump.linePressure.value
        let deliveredBefore = pump.volumeDeliveredToPatient
        scheduler.run(for: seconds(30))  // occluded and stopped: nothing moves
        #expect(pump.volumeDeliveredToPatient == deliveredBefore)
        #expect(pump.bolusSinceLastRelease == nil)
        pump.inject(.occlusionRelease)
        scheduler.run(for: seconds(60))  // 40 τ
        let stored = c * (pressure - 8)  // ≈ 438 µL: under the ECRI 0.5 mL ceiling
        let bolus = try #require(pump.bolusSinceLastRelease).microliters.value
        #expect(isClose(bolus, stored, within: 1e-6 * stored))
        #expect(isClose((pump.volumeDeliveredToPatient - deliveredBefore).microliters.value, stored, within: 1e-6 * stored))
        #expect(bolus < 500)
        #expect(isClose(pump.linePressure.value, 8, within: 1e-6))
        #expect(try pump.readInputs().occlusionSwitch == false)
    }

    @Test("HAZ-004: a back-off of N steps before the release reduces the bolus by exactly N·ΔV")
    func backOffReducesBolus() throws {
        let backOff = 1000
        let (scheduler, pump, _, _, _, _) = try occludeAtFiveMlPerHour()
        let c = pump.compliance.value
        let dv = pump.trueVolumePerStep.value
        let pressure = pump.linePressure.value
        try pump.setDirection(.retract)
        try pump.setMotorEnabled(true)
        try emit(backOff, on: pump)
        try pump.setMotorEnabled(false)
        #expect(isClose(pump.linePressure.value, pressure - Double(backOff) * dv / c, within: 1e-9))
        pump.inject(.occlusionRelease)
        scheduler.run(for: seconds(60))
        let expected = c * (pressure - 8) - Double(backOff) * dv  // ≈ 438 − 219 µL
        let bolus = try #require(pump.bolusSinceLastRelease).microliters.value
        #expect(isClose(bolus, expected, within: 1e-6 * expected))
    }

    @Test("HAZ-004: with the motor still running the bolus is the stored volume above the running pressure")
    func bolusWhileRunning() throws {
        let (scheduler, pump) = try makeRunningPump()
        let train = StepTrain(pump: pump, scheduler: scheduler, rate: MillilitersPerHour(5))
        scheduler.run(for: seconds(10))
        pump.inject(.occlusion)
        scheduler.run(for: seconds(120))
        let pressure = pump.linePressure.value
        pump.inject(.occlusionRelease)
        scheduler.run(for: seconds(60))
        let q = 5000.0 / 3600
        let c = pump.compliance.value
        let ripple = pump.trueVolumePerStep.value
        let bolus = try #require(pump.bolusSinceLastRelease).microliters.value
        #expect(isClose(bolus, c * (pressure - 8 - 1.0 * q), within: 2 * ripple))
        #expect(train.emitted > 0)
    }

    @Test("HAZ-004: the force sensor reads the line pressure, and the switch set point is configurable")
    func forceSensorAndSetPoint() throws {
        let parameters = PlantParameters(occlusionSwitchSetPoint: MillimetersOfMercury(100))
        let (_, pump) = try makeRunningPump(parameters: parameters)
        let events = EventRecorder()
        events.attach(to: pump)
        pump.inject(.occlusion)
        let stepsTo100 = Int(((100 - 8) * pump.compliance.value / pump.trueVolumePerStep.value).rounded(.up))
        try emit(stepsTo100 - 1, on: pump)
        #expect(try pump.readInputs().occlusionSwitch == false)
        #expect(events.events.isEmpty)
        try emit(1, on: pump)
        let inputs = try pump.readInputs()
        #expect(inputs.occlusionSwitch)
        #expect(inputs.linePressure == pump.linePressure)
        #expect(events.events == [.occlusionSwitchClosed])
    }
}
