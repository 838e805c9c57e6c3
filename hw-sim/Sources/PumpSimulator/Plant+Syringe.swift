// A syringe change on the plant: the emptied syringe comes out and a new one of the same model, holding `fill`,
// goes in with its plunger at the start of its travel (position 0, its own end stop from its fill). The line,
// the delivery record and the counters carry on: what the earlier syringes displaced stays displaced, so the
// plant's cumulative delivered volume spans every syringe of the session.
import Foundation
import PumpCore

extension Plant {
    /// Loads a new syringe holding `fill` (dead space `deadSpace` included). Refused (false) while the motor is
    /// enabled: nobody changes a syringe under a moving pusher.
    mutating func changeSyringe(fill: Milliliters, deadSpace: Milliliters) -> Bool {
        guard !drive.enabled else { return false }
        earlierDisplaced += Double(barrel.position) * volumePerStep
        earlierPositions += barrel.position
        let pushable = (fill - deadSpace).microliters.value
        let stop = volumePerStep > 0 && pushable > 0 ? CheckedConversion.saturating(pushable / volumePerStep + 1e-9, .down) : 0
        barrel = SyringeBarrel(stopPosition: stop)
        syringesLoaded += 1
        return true
    }
}

extension SimulatedPump {
    /// Takes the syringe out and puts a new one of the same model holding `fill` in, plunger at the start of its
    /// travel. Returns false (and changes nothing) while the motor is enabled.
    @discardableResult
    public func changeSyringe(fill: Milliliters) -> Bool {
        let deadSpace = geometry.syringe.deadSpace
        return mutate { plant, _ in plant.changeSyringe(fill: fill, deadSpace: deadSpace) }
    }

    /// Syringes loaded into this plant (1 until the first change).
    public var syringesLoaded: Int { observe { $0.syringesLoaded } }
}
