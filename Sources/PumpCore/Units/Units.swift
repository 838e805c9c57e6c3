// The unit tags used by the pump, and readable aliases for the quantities built on them.
import Foundation

public enum MilligramUnit: PhysicalUnit { public static let symbol = "mg" }
public enum MilliliterUnit: PhysicalUnit { public static let symbol = "mL" }
public enum MicroliterUnit: PhysicalUnit { public static let symbol = "µL" }
public enum KilogramUnit: PhysicalUnit { public static let symbol = "kg" }
public enum CentimeterUnit: PhysicalUnit { public static let symbol = "cm" }
public enum MillimeterUnit: PhysicalUnit { public static let symbol = "mm" }
public enum MilligramPerKilogramUnit: PhysicalUnit { public static let symbol = "mg/kg" }
public enum MilligramPerMilliliterUnit: PhysicalUnit { public static let symbol = "mg/mL" }
public enum MilliliterPerHourUnit: PhysicalUnit { public static let symbol = "mL/h" }
public enum MilligramPerHourUnit: PhysicalUnit { public static let symbol = "mg/h" }
public enum MilligramPerKilogramPerHourUnit: PhysicalUnit { public static let symbol = "mg/kg/h" }
public enum MinuteUnit: PhysicalUnit { public static let symbol = "min" }
public enum MillimeterOfMercuryUnit: PhysicalUnit { public static let symbol = "mmHg" }
public enum NanogramPerMilliliterUnit: PhysicalUnit { public static let symbol = "ng/mL" }

public typealias Milligrams = Quantity<MilligramUnit>
public typealias Milliliters = Quantity<MilliliterUnit>
public typealias Microliters = Quantity<MicroliterUnit>
public typealias Kilograms = Quantity<KilogramUnit>
public typealias Centimeters = Quantity<CentimeterUnit>
public typealias Millimeters = Quantity<MillimeterUnit>
public typealias MilligramsPerKilogram = Quantity<MilligramPerKilogramUnit>
public typealias MilligramsPerMilliliter = Quantity<MilligramPerMilliliterUnit>
public typealias MillilitersPerHour = Quantity<MilliliterPerHourUnit>
public typealias MilligramsPerHour = Quantity<MilligramPerHourUnit>
public typealias MilligramsPerKilogramPerHour = Quantity<MilligramPerKilogramPerHourUnit>
/// A clinical duration entered or shown in minutes (control timing uses `MonotonicDuration`).
public typealias Minutes = Quantity<MinuteUnit>
public typealias MillimetersOfMercury = Quantity<MillimeterOfMercuryUnit>
public typealias NanogramsPerMilliliter = Quantity<NanogramPerMilliliterUnit>

extension Milliliters {
    /// The same volume in microlitres.
    public var microliters: Microliters { Microliters(value * 1000) }
}

extension Microliters {
    /// The same volume in millilitres.
    public var milliliters: Milliliters { Milliliters(value / 1000) }
}

// Pharmacokinetic model parameters and vital signs.
public enum PerMinuteUnit: PhysicalUnit { public static let symbol = "1/min" }
public enum LiterPerKilogramUnit: PhysicalUnit { public static let symbol = "L/kg" }
public enum BeatPerMinuteUnit: PhysicalUnit { public static let symbol = "bpm" }
public enum PercentSaturationUnit: PhysicalUnit { public static let symbol = "%" }

/// A first-order rate constant (k10, k12 …) of a compartment model, per minute.
public typealias PerMinute = Quantity<PerMinuteUnit>
/// A weight-normalised volume of distribution, litres per kg of total body weight.
public typealias LitersPerKilogram = Quantity<LiterPerKilogramUnit>
/// Heart rate, beats per minute.
public typealias BeatsPerMinute = Quantity<BeatPerMinuteUnit>
/// Peripheral oxygen saturation (SpO2), percent.
public typealias OxygenSaturation = Quantity<PercentSaturationUnit>
