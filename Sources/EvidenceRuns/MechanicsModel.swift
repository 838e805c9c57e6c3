// The pump's mechanical error sources in physical units, turned into the simulator's plant parameters.
//
//   backlash:  lead-screw nut play, mm of screw travel lost when the screw reverses. With the pusher last
//              driven backwards to load the syringe, it is also lost at the start.
//   slack:     the gap between the pusher and the plunger flange (and the stopper's stiction travel), mm the
//              pusher travels before the plunger moves: lost once, at the start.
//   diameter:  the syringe's true inner diameter off the library's nominal one; volume per step scales with
//              (1 + deviation)².
// mm become steps through the drive's microsteps per mm (2560 for M8 × 1.25 mm lead, 200 × 16), rounded
// to the nearest step. `typical` is an assumption for a hobby-grade M8 drive with a plain nut, not a
// measurement: 0.10 mm backlash (256 steps, 56 µL in a BD 50 mL), 0.20 mm slack (512 steps, 112 µL) and a
// syringe 1 % wider than listed (+2.01 % volume) — inside ISO 7886-1's barrel tolerances, and the worst
// direction for over-delivery.
import Foundation
import PumpCore
import PumpEvidence
import PumpSimulator

/// Mechanical error sources of the drive and syringe.
public struct MechanicsModel: Sendable, Equatable {
    /// Lead-screw backlash.
    public var backlash: Millimeters
    /// Pusher-to-plunger slack taken up at the start.
    public var startupSlack: Millimeters
    /// Syringe inner diameter relative to its library entry (+1 % = wider).
    public var diameterDeviation: Percent
    /// The pusher was last driven backwards (syringe loading), so the backlash is also lost at the start.
    public var backlashPendingAtStart: Bool

    /// Creates a model.
    public init(backlash: Millimeters, startupSlack: Millimeters, diameterDeviation: Percent,
                backlashPendingAtStart: Bool = true) {
        self.backlash = backlash
        self.startupSlack = startupSlack
        self.diameterDeviation = diameterDeviation
        self.backlashPendingAtStart = backlashPendingAtStart
    }

    /// Perfect mechanics: the software's error alone.
    public static let ideal = MechanicsModel(backlash: .zero, startupSlack: .zero, diameterDeviation: .zero,
                                             backlashPendingAtStart: false)
    /// The assumed typical hobby-grade drive (see the file comment).
    public static let typical = MechanicsModel(backlash: Millimeters(0.10), startupSlack: Millimeters(0.20),
                                               diameterDeviation: Percent(1))

    /// No error source is present.
    public var isIdeal: Bool { backlash == .zero && startupSlack == .zero && diameterDeviation == .zero }

    /// Backlash in microsteps of `geometry`'s drive.
    public func backlashSteps(_ geometry: SyringeGeometry) -> Int {
        Int((backlash.value * geometry.mechanics.microstepsPerMillimeter).rounded())
    }

    /// Slack in microsteps of `geometry`'s drive.
    public func slackSteps(_ geometry: SyringeGeometry) -> Int {
        Int((startupSlack.value * geometry.mechanics.microstepsPerMillimeter).rounded())
    }

    /// Steps lost before the plunger first moves.
    public func startUpLoss(_ geometry: SyringeGeometry) -> Steps {
        Steps(Int64(slackSteps(geometry) + (backlashPendingAtStart ? backlashSteps(geometry) : 0)))
    }

    /// The plant parameters with these error sources on top of `base`.
    public func apply(to base: PlantParameters, geometry: SyringeGeometry) -> PlantParameters {
        var parameters = base
        parameters.backlashSteps = backlashSteps(geometry)
        parameters.backlashPendingAtStart = backlashPendingAtStart
        parameters.startupSlackSteps = slackSteps(geometry)
        parameters.syringeVolumeFactor = PlantParameters.volumeFactor(forDiameterDeviation: diameterDeviation.value / 100)
        return parameters
    }

    /// One line for reports.
    public var summary: String {
        if isIdeal { return "ideal mechanics" }
        return "backlash \(backlash.formatted(maxFractionDigits: 2))\(backlashPendingAtStart ? " (pending at start)" : ""), "
            + "slack \(startupSlack.formatted(maxFractionDigits: 2)), syringe ID \(diameterDeviation.value >= 0 ? "+" : "")"
            + "\(diameterDeviation.formatted(maxFractionDigits: 2))"
    }
}
