// Units used only by the plant model: the hydraulic compliance and resistance of the syringe and line.
//
//   compliance C  [µL/mmHg]      stored volume per unit of pressure above venous pressure: ΔV = C·ΔP
//   resistance R  [mmHg·s/µL]    pressure drop per unit of outflow to the vein:           ΔP = R·Q
//   time constant τ = R·C [s]
//
// They are `Quantity` tags like every other unit in the project, so a compliance cannot be passed where a
// resistance is expected.
import Foundation
import PumpCore

/// Unit tag: microlitres stored per mmHg of pressure.
public enum MicroliterPerMillimeterOfMercuryUnit: PhysicalUnit { public static let symbol = "µL/mmHg" }
/// Unit tag: mmHg of pressure drop per microlitre per second of flow.
public enum MillimeterOfMercurySecondPerMicroliterUnit: PhysicalUnit { public static let symbol = "mmHg·s/µL" }

/// Hydraulic compliance (syringe stopper plus line): microlitres stored per mmHg.
public typealias HydraulicCompliance = Quantity<MicroliterPerMillimeterOfMercuryUnit>
/// Hydraulic resistance (cannula plus line) to the vein: mmHg per (µL/s).
public typealias HydraulicResistance = Quantity<MillimeterOfMercurySecondPerMicroliterUnit>
