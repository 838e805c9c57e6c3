// One syringe model as listed in the syringe library (clinical-reference §4).
import Foundation

/// A syringe model: brand, size and the inner diameter that turns plunger travel into volume.
public struct SyringeSpec: Sendable, Equatable, Codable, Identifiable {
    /// Stable identifier used on the command line, e.g. "bd-50".
    public var id: String
    /// Maker and product line, e.g. "BD Plastipak".
    public var brand: String
    /// Nominal (labelled) capacity; the fill limit the pump uses.
    public var nominalVolume: Milliliters
    /// Barrel inner diameter.
    public var innerDiameter: Millimeters
    /// Volume left in the syringe when the plunger bottoms out (not deliverable).
    public var deadSpace: Milliliters
    /// Gravimetric calibration: delivered volume ÷ nominal volume for this syringe model on this pump
    /// (1.0 = uncalibrated). Multiplies the volume of every step.
    public var calibrationFactor: Double

    /// Creates a syringe specification.
    public init(
        id: String, brand: String, nominalVolume: Milliliters, innerDiameter: Millimeters,
        deadSpace: Milliliters, calibrationFactor: Double = 1.0
    ) {
        self.id = id
        self.brand = brand
        self.nominalVolume = nominalVolume
        self.innerDiameter = innerDiameter
        self.deadSpace = deadSpace
        self.calibrationFactor = calibrationFactor
    }

    /// The largest volume a program may ask of this syringe: capacity less dead space.
    public var deliverableVolume: Milliliters { nominalVolume - deadSpace }
}
