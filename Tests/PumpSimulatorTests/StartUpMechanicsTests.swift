// The mechanics behind a pump's start-up delay: slack and backlash taken up before the plunger moves, and
// the syringe's diameter tolerance expressed as a deviation of the inner diameter.
import Foundation
import PumpCore
import Testing
@testable import PumpSimulator

@Suite("Simulator start-up mechanics")
struct StartUpMechanicsTests {
    @Test("HAZ-005: with the screw last turned backwards, the first forward turn loses slack plus backlash, then nothing")
    func backlashPendingAtStartAddsToSlack() throws {
        let parameters = PlantParameters(backlashSteps: 40, backlashPendingAtStart: true, startupSlackSteps: 25)
        let (_, pump) = try makeRunningPump(parameters: parameters)
        try emit(100, on: pump)
        #expect(pump.plungerSteps == Steps(100 - 25 - 40))
        #expect(pump.lostSteps.startupSlack == 25)
        #expect(pump.lostSteps.backlash == 40)
        try emit(100, on: pump)
        #expect(pump.plungerSteps == Steps(135))
        #expect(pump.lostSteps.total == 65)
    }

    @Test("Without a pending backlash the first forward turn loses only the slack (the default plant is ideal)")
    func noPendingBacklashByDefault() throws {
        let (_, pump) = try makeRunningPump(parameters: PlantParameters(backlashSteps: 40, startupSlackSteps: 25))
        try emit(100, on: pump)
        #expect(pump.plungerSteps == Steps(75))
        let (_, ideal) = try makeRunningPump()
        try emit(100, on: ideal)
        #expect(ideal.plungerSteps == Steps(100))
        #expect(ideal.lostSteps.total == 0)
    }

    @Test("HAZ-007: a syringe 1 % wider than its library entry delivers (1.01)² = 1.0201 × the nominal volume")
    func diameterDeviationFactor() throws {
        #expect(isClose(PlantParameters.volumeFactor(forDiameterDeviation: 0.01), 1.0201, within: 1e-12))
        #expect(isClose(PlantParameters.volumeFactor(forDiameterDeviation: -0.01), 0.9801, within: 1e-12))
        let factor = PlantParameters.volumeFactor(forDiameterDeviation: 0.01)
        let (_, pump) = try makeRunningPump(parameters: PlantParameters(syringeVolumeFactor: factor))
        try emit(4572, on: pump)
        let nominal = bd50.volume(for: Steps(4572)).value
        #expect(isClose(pump.volumeDisplaced.value / nominal, 1.0201, within: 1e-12))
    }
}
