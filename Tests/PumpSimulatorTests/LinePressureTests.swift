// The compliance-resistance line: steady state, exact exponential relaxation, mass balance, retraction
// below venous pressure, and the sampled delivery timeline.
import Foundation
import PumpCore
import Testing
@testable import PumpSimulator

@Suite("Simulator line and pressure")
struct LinePressureTests {
    @Test("Steady-state pressure at 52.5 mL/h is P_v + R·Q, and the outflow equals the set rate")
    func steadyStatePressure() throws {
        let (scheduler, pump) = try makeRunningPump()
        let train = StepTrain(pump: pump, scheduler: scheduler, rate: MillilitersPerHour(52.5))
        let q = 52.5 * 1000 / 3600  // µL/s
        let expected = 8 + 1.0 * q  // P_v + R·Q = 22.58 mmHg
        let ripple = pump.trueVolumePerStep.value / pump.compliance.value
        scheduler.run(for: seconds(60))  // 40 τ
        let startDelivered = pump.volumeDeliveredToPatient.microliters.value
        var worst = 0.0
        for _ in 0..<200 {
            scheduler.run(for: .milliseconds(37))
            worst = max(worst, abs(pump.linePressure.value - expected))
        }
        #expect(worst <= ripple)  // the sawtooth of one step, ΔV/C = 0.146 mmHg, around P_v + R·Q
        scheduler.run(until: MonotonicInstant.origin + seconds(120))
        let rate = (pump.volumeDeliveredToPatient.microliters.value - startDelivered) / 60
        #expect(isClose(rate, q, within: q * 0.002))
        #expect(train.emitted > 0)
    }

    @Test("Delivered plus stored volume equals displaced volume (mass balance)")
    func massBalance() throws {
        let (scheduler, pump) = try makeRunningPump()
        // The train must outlive the run: its timer holds it weakly, so a discarded train emits nothing and
        // the balance would be 0 = 0 + 0.
        let train = StepTrain(pump: pump, scheduler: scheduler, rate: MillilitersPerHour(26.25))
        scheduler.run(for: seconds(97))
        let delivered = pump.volumeDeliveredToPatient.microliters.value
        let stored = pump.storedVolume.microliters.value
        let displaced = pump.volumeDisplaced.microliters.value
        withExtendedLifetime(train) {}
        // 26.25 mL/h for 97 s displaces about 707 µL; the line holds C·R·Q ≈ 11 µL of it.
        let expectedDisplaced = Double(train.emitted) * pump.trueVolumePerStep.value
        #expect(train.emitted > 3000)
        #expect(isClose(displaced, 26.25 * 1000 * 97 / 3600, within: 1))
        #expect(isClose(displaced, expectedDisplaced, within: 1e-9 * displaced))
        #expect(delivered > 0.9 * displaced)
        #expect(stored > 1)
        #expect(isClose(delivered + stored, displaced, within: 1e-9 * displaced))
    }

    @Test("Between events the pressure relaxes on the exact exponential with τ = R·C")
    func exactExponentialRelaxation() throws {
        let (scheduler, pump) = try makeRunningPump()
        let c = pump.compliance.value
        let tau = 1.0 * c
        try emit(1000, on: pump)
        let excess = 1000 * pump.trueVolumePerStep.value / c
        #expect(isClose(pump.linePressure.value, 8 + excess, within: 1e-9))
        // Looking at the state in between must not change the result (the model is time-invariant).
        scheduler.run(for: .seconds(tau / 3))
        _ = pump.linePressure
        scheduler.run(for: .seconds(tau / 3))
        _ = pump.volumeDeliveredToPatient
        scheduler.run(until: MonotonicInstant.origin + .seconds(tau))
        #expect(isClose(pump.linePressure.value, 8 + excess * exp(-1), within: 1e-6))
        #expect(isClose(pump.volumeDeliveredToPatient.microliters.value, c * excess * (1 - exp(-1)), within: 1e-6))
    }

    @Test("A retraction can take the line below venous pressure, down to the floor, with no backflow")
    func retractionBelowVenousPressure() throws {
        let (scheduler, pump) = try makeRunningPump()
        try pump.setDirection(.retract)
        try emit(20, on: pump)  // 20 ΔV / C = 2.9 mmHg below P_v
        let dropped = 8 - 20 * pump.trueVolumePerStep.value / pump.compliance.value
        #expect(isClose(pump.linePressure.value, dropped, within: 1e-9))
        scheduler.run(for: seconds(30))
        #expect(isClose(pump.linePressure.value, dropped, within: 1e-12))  // no inflow from the vein
        #expect(pump.volumeDeliveredToPatient == .zero)
        try emit(200, on: pump)
        #expect(pump.linePressure == MillimetersOfMercury(0))  // the floor
        #expect(pump.volumeDeliveredToPatient == .zero)
        #expect(pump.plungerSteps == Steps(-220))
    }

    @Test("The clinical job: 35 mL at 52.5 mL/h for 40 min reaches the patient, less what the line still holds")
    func fortyMinuteInfusion() throws {
        let (scheduler, pump) = try makeRunningPump()
        let steps = Int(bd50.steps(forVolume: Milliliters(35)).count)
        let train = StepTrain(pump: pump, scheduler: scheduler, rate: MillilitersPerHour(52.5))
        scheduler.run(until: train.instant(ofStep: steps))
        train.stop()
        #expect(pump.plungerSteps == Steps(Int64(steps)))
        #expect(isClose(pump.volumeDisplaced.value, 35, within: bd50.volumePerStep.milliliters.value))
        let inLine = pump.storedVolume.value  // C·R·Q ≈ 22 µL still in the compliance
        #expect(isClose(pump.volumeDeliveredToPatient.value + inLine, pump.volumeDisplaced.value, within: 1e-9))
        scheduler.run(for: seconds(60))
        #expect(isClose(pump.volumeDeliveredToPatient.value, pump.volumeDisplaced.value, within: 1e-9))
    }

    @Test("The delivery timeline samples every 0.5 min from creation, exactly on the grid")
    func deliveryTimeline() throws {
        let parameters = PlantParameters(recordStepTimes: true, deliverySampleInterval: seconds(30))
        let (scheduler, pump) = try makeRunningPump(parameters: parameters)
        let train = StepTrain(pump: pump, scheduler: scheduler, rate: MillilitersPerHour(1))
        scheduler.run(until: MonotonicInstant.origin + .minutes(10))
        let samples = pump.deliveredVolumeTimeline()
        #expect(samples.count == 21)
        for (i, sample) in samples.enumerated() {
            #expect(sample.time == MonotonicInstant.origin + .seconds(Int64(30 * i)))
        }
        #expect(samples[0].delivered == .zero)
        let perSample = 1000.0 / 120  // µL in 0.5 min at 1 mL/h
        let dv = pump.trueVolumePerStep.value
        for (earlier, later) in zip(samples, samples.dropFirst()) {
            #expect(later.delivered >= earlier.delivered)
            if earlier.time > MonotonicInstant.origin + seconds(30) {
                let increment = (later.delivered - earlier.delivered).microliters.value
                #expect(isClose(increment, perSample, within: 1.01 * dv))
            }
        }
        let last = try #require(samples.last)
        #expect(isClose(last.delivered.value, pump.volumeDeliveredToPatient.value, within: 1e-12))
        // Step times are the exact instants the train emitted.
        let times = pump.stepTimes
        #expect(times.count == train.emitted)
        #expect(times.first == train.instant(ofStep: 1))
        #expect(times.last == train.instant(ofStep: train.emitted))
    }
}
