// Exact conversion between volume and motor steps for one syringe on one drive.
//
//   volume per microstep (µL) = π (ID/2)² [mm²] × travel per microstep [mm] × calibration factor
//
// (1 mm³ = 1 µL.) Volume → steps ROUNDS DOWN: a requested volume becomes the largest whole number of steps
// whose volume does not exceed it, so the pump never delivers more than was asked (LoopKit's "never larger
// than requested"). Steps → volume is exact for the model. A guard of 1e-9 step absorbs floating-point
// representation error only, so that a volume of exactly N steps is not floored to N − 1.
import Foundation

/// Converts between volume and microsteps for a syringe driven by given mechanics.
public struct SyringeGeometry: Sendable, Equatable, Codable {
    /// The syringe.
    public let syringe: SyringeSpec
    /// The drive.
    public let mechanics: DriveMechanics

    /// Creates the conversion for `syringe` on `mechanics`.
    public init(syringe: SyringeSpec, mechanics: DriveMechanics = DriveMechanics()) {
        self.syringe = syringe
        self.mechanics = mechanics
    }

    /// Barrel cross-section area in mm².
    public var barrelArea: Double {
        let radius = syringe.innerDiameter.value / 2
        return Double.pi * radius * radius
    }

    /// Volume moved by one microstep.
    public var volumePerStep: Microliters {
        Microliters(barrelArea * mechanics.travelPerStep.value * syringe.calibrationFactor)
    }

    /// The largest whole number of steps whose volume does not exceed `volume` (rounds toward less drug).
    public func steps(forVolume volume: Milliliters) -> Steps {
        guard volume.value > 0, volume.isFinite else { return .zero }
        let exact = volume.microliters.value / volumePerStep.value
        guard exact.isFinite else { return .zero }
        return Steps(CheckedConversion.saturating(exact + 1e-9, .down))
    }

    /// The volume moved by `steps`.
    public func volume(for steps: Steps) -> Milliliters {
        Microliters(Double(steps.count) * volumePerStep.value).milliliters
    }

    /// The step rate that moves `rate`, in microsteps per second (not rounded; the emitter accumulates phase).
    public func stepRate(for rate: MillilitersPerHour) -> StepsPerSecond {
        StepsPerSecond(max(0, rate.value) * 1000 / volumePerStep.value / 3600)
    }

    /// The volume rate of a step rate.
    public func volumeRate(for stepRate: StepsPerSecond) -> MillilitersPerHour {
        MillilitersPerHour(stepRate.value * volumePerStep.value * 3600 / 1000)
    }

    /// Plunger travel needed for `volume`.
    public func travel(forVolume volume: Milliliters) -> Millimeters {
        Millimeters(volume.microliters.value / barrelArea / syringe.calibrationFactor)
    }
}
