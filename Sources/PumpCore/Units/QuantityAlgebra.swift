// The cross-unit operations the dose arithmetic needs, and nothing else. Each one is written out so that a
// reader can check the dimensions: e.g. mg ÷ (mg/mL) = mL.
import Foundation

/// dose = dosing weight × weight-based dose
public func * (weight: Kilograms, dose: MilligramsPerKilogram) -> Milligrams { Milligrams(weight.value * dose.value) }
/// weight-based dose = dose ÷ dosing weight
public func / (dose: Milligrams, weight: Kilograms) -> MilligramsPerKilogram {
    MilligramsPerKilogram(dose.value / weight.value)
}
/// volume = dose ÷ concentration
public func / (dose: Milligrams, concentration: MilligramsPerMilliliter) -> Milliliters {
    Milliliters(dose.value / concentration.value)
}
/// dose = volume × concentration
public func * (volume: Milliliters, concentration: MilligramsPerMilliliter) -> Milligrams {
    Milligrams(volume.value * concentration.value)
}
/// rate = volume ÷ duration
public func / (volume: Milliliters, duration: Minutes) -> MillilitersPerHour {
    MillilitersPerHour(volume.value / (duration.value / 60))
}
/// volume = rate × duration
public func * (rate: MillilitersPerHour, duration: Minutes) -> Milliliters {
    Milliliters(rate.value * duration.value / 60)
}
/// duration = volume ÷ rate
public func / (volume: Milliliters, rate: MillilitersPerHour) -> Minutes {
    Minutes(volume.value / rate.value * 60)
}
/// mass rate = volume rate × concentration
public func * (rate: MillilitersPerHour, concentration: MilligramsPerMilliliter) -> MilligramsPerHour {
    MilligramsPerHour(rate.value * concentration.value)
}
/// volume rate = mass rate ÷ concentration
public func / (rate: MilligramsPerHour, concentration: MilligramsPerMilliliter) -> MillilitersPerHour {
    MillilitersPerHour(rate.value / concentration.value)
}
/// weight-based rate = mass rate ÷ dosing weight
public func / (rate: MilligramsPerHour, weight: Kilograms) -> MilligramsPerKilogramPerHour {
    MilligramsPerKilogramPerHour(rate.value / weight.value)
}
/// mass rate = weight-based rate × dosing weight
public func * (rate: MilligramsPerKilogramPerHour, weight: Kilograms) -> MilligramsPerHour {
    MilligramsPerHour(rate.value * weight.value)
}
/// weight-based dose = weight-based rate × duration
public func * (rate: MilligramsPerKilogramPerHour, duration: Minutes) -> MilligramsPerKilogram {
    MilligramsPerKilogram(rate.value * duration.value / 60)
}
/// weight-based rate = weight-based dose ÷ duration
public func / (dose: MilligramsPerKilogram, duration: Minutes) -> MilligramsPerKilogramPerHour {
    MilligramsPerKilogramPerHour(dose.value / (duration.value / 60))
}
