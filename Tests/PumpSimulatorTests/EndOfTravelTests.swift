// HAZ-006: the end-of-travel switch closes where the fill less the dead space has been pushed out, and the
// plunger goes no further.
import Foundation
import PumpCore
import Testing
@testable import PumpSimulator

@Suite("Simulator end of travel")
struct EndOfTravelTests {
    @Test("HAZ-006: end of travel closes at ⌊(fill − dead space)/ΔV⌋ steps and further steps are lost")
    func endOfTravelAtStop() throws {
        let (scheduler, pump) = try makeRunningPump(fill: Milliliters(2))
        let events = EventRecorder()
        events.attach(to: pump)
        let stop = Int64((1800 / bd50.volumePerStep.value).rounded(.down))  // 2 mL − 0.2 mL dead space
        #expect(pump.endOfTravelPosition == Steps(stop))
        let train = StepTrain(pump: pump, scheduler: scheduler, rate: MillilitersPerHour(52.5))
        let reached = scheduler.run(until: MonotonicInstant.origin + .minutes(10)) {
            events.count(of: .endOfTravelReached) == 0
        }
        #expect(reached)
        #expect(pump.plungerSteps == Steps(stop))
        #expect(train.emitted == Int(stop))
        #expect(scheduler.now() == train.instant(ofStep: Int(stop)))
        #expect(try pump.readInputs().endOfTravel)
        scheduler.run(for: seconds(10))
        train.stop()
        #expect(pump.plungerSteps == Steps(stop))
        #expect(pump.lostSteps.endOfTravel == train.emitted - Int(stop))
        #expect(events.count(of: .endOfTravelReached) == 1)
        #expect(isClose(pump.volumeDisplaced.value, 1.8, within: bd50.volumePerStep.milliliters.value))
    }

    @Test("HAZ-006: one step short of the stop the switch is still open; retracting reopens it")
    func endOfTravelEdges() throws {
        let (_, pump) = try makeRunningPump(fill: Milliliters(0.5))
        let stop = Int(pump.endOfTravelPosition.count)
        try emit(stop - 1, on: pump)
        #expect(try pump.readInputs().endOfTravel == false)
        try emit(1, on: pump)
        #expect(try pump.readInputs().endOfTravel)
        try pump.setDirection(.retract)
        try emit(1, on: pump)
        #expect(try pump.readInputs().endOfTravel == false)
    }

    @Test("HAZ-006: a fill at or below the dead space starts at end of travel")
    func emptySyringe() throws {
        let (_, pump) = try makeRunningPump(fill: Milliliters(0.2))
        #expect(pump.endOfTravelPosition == .zero)
        #expect(try pump.readInputs().endOfTravel)
        try emit(5, on: pump)
        #expect(pump.plungerSteps == .zero)
    }
}

@Suite("Simulator syringe change")
struct SimulatorSyringeChangeTests {
    @Test("A syringe change restarts the plunger at the new syringe's start of travel; displaced volume stays cumulative")
    func plungerRestarts() throws {
        let clock = VirtualScheduler()
        let geometry = SyringeGeometry(syringe: SyringeSpec(id: "bd-10", brand: "BD", nominalVolume: Milliliters(10),
                                                            innerDiameter: Millimeters(14.5), deadSpace: Milliliters(0.1)))
        let pump = SimulatedPump(clock: clock, geometry: geometry, fill: Milliliters(1))
        let stop = pump.endOfTravelPosition
        try pump.setMotorEnabled(true)
        for _ in 0..<(stop.count + 5) { try pump.emitStep() }
        let atStop = try pump.readInputs()
        #expect(pump.plungerSteps == stop && atStop.endOfTravel)
        #expect(!pump.changeSyringe(fill: Milliliters(2)), "refused under an enabled motor")
        try pump.setMotorEnabled(false)
        let displaced = pump.volumeDisplaced
        #expect(pump.changeSyringe(fill: Milliliters(2)))
        #expect(pump.plungerSteps == .zero && pump.syringesLoaded == 2)
        let fresh = try pump.readInputs()
        #expect(!fresh.endOfTravel)
        #expect(pump.endOfTravelPosition.count > stop.count, "the new fill sets the new stop")
        try pump.setMotorEnabled(true)
        for _ in 0..<10 { try pump.emitStep() }
        #expect(pump.plungerSteps == Steps(10))
        #expect(pump.volumeDisplaced > displaced, "cumulative across syringes")
        let moved = try pump.readInputs()
        #expect(moved.measuredSteps == Steps(stop.count + 10), "the encoder keeps counting")
    }
}
