// The observation identifiers (OBX-3) and units (OBX-6) the bridge accepts: LOINC and IEEE 11073-10101 (MDC)
// codes for non-invasive blood pressure, heart/pulse rate and SpO2, as IHE PCD-01 monitors and gateways send
// them. An OBX-3 matches when its identifier and coding system (components 1 and 3) or its alternate identifier
// and system (components 4 and 6) are in the table. Units are checked the same way on OBX-6; a known
// observation in any other unit is refused (a blood pressure in kPa is never read as mmHg). The README lists
// the same tables.
import Foundation

/// The vital sign an observation reports.
public enum VitalSignKind: String, Sendable, Equatable, CaseIterable {
    /// Systolic non-invasive blood pressure.
    case systolic = "sbp"
    /// Diastolic non-invasive blood pressure.
    case diastolic = "dbp"
    /// Mean arterial pressure: recognised, then ignored (pumpd's interlock does not use it).
    case mean = "map"
    /// Heart rate or pulse rate.
    case heartRate = "hr"
    /// Peripheral oxygen saturation.
    case oxygenSaturation = "spo2"
}

/// A coded value: identifier plus coding system, e.g. `8480-6` in `LN`.
public struct HL7Code: Sendable, Hashable {
    /// The identifier (component 1 or 4).
    public var identifier: String
    /// The coding system (component 3 or 6), upper-cased.
    public var system: String

    /// Creates a code; the system is compared case-insensitively.
    public init(_ identifier: String, _ system: String) {
        self.identifier = identifier
        self.system = system.uppercased()
    }
}

/// The accepted code tables.
public enum VitalSignCodes {
    /// OBX-3 identifiers by kind.
    public static let observations: [HL7Code: VitalSignKind] = [
        // LOINC
        HL7Code("8480-6", "LN"): .systolic,          // Systolic blood pressure
        HL7Code("76534-7", "LN"): .systolic,         // Systolic blood pressure by Noninvasive
        HL7Code("8462-4", "LN"): .diastolic,         // Diastolic blood pressure
        HL7Code("76535-4", "LN"): .diastolic,        // Diastolic blood pressure by Noninvasive
        HL7Code("8478-0", "LN"): .mean,              // Mean blood pressure
        HL7Code("76536-2", "LN"): .mean,             // Mean blood pressure by Noninvasive
        HL7Code("8867-4", "LN"): .heartRate,         // Heart rate
        HL7Code("8889-8", "LN"): .heartRate,         // Heart rate by Pulse oximetry
        HL7Code("59408-5", "LN"): .oxygenSaturation, // Oxygen saturation in Arterial blood by Pulse oximetry
        HL7Code("2708-6", "LN"): .oxygenSaturation,  // Oxygen saturation in Arterial blood
        // IEEE 11073-10101 (MDC), as used by IHE PCD
        HL7Code("150021", "MDC"): .systolic,         // MDC_PRESS_BLD_NONINV_SYS
        HL7Code("150022", "MDC"): .diastolic,        // MDC_PRESS_BLD_NONINV_DIA
        HL7Code("150023", "MDC"): .mean,             // MDC_PRESS_BLD_NONINV_MEAN
        HL7Code("147842", "MDC"): .heartRate,        // MDC_ECG_HEART_RATE
        HL7Code("149530", "MDC"): .heartRate,        // MDC_PULS_OXIM_PULS_RATE
        HL7Code("149546", "MDC"): .heartRate,        // MDC_PULS_RATE_NON_INV
        HL7Code("150456", "MDC"): .oxygenSaturation, // MDC_PULS_OXIM_SAT_O2
    ]

    /// OBX-6 units accepted for each kind: UCUM codes (system `UCUM`, or no system) and MDC unit codes.
    public static let units: [VitalSignKind: Set<HL7Code>] = {
        let pressure: Set<HL7Code> = [HL7Code("mm[Hg]", "UCUM"), HL7Code("266016", "MDC")]           // MDC_DIM_MMHG
        let rate: Set<HL7Code> = [HL7Code("/min", "UCUM"), HL7Code("{beats}/min", "UCUM"), HL7Code("{beat}/min", "UCUM"),
                                  HL7Code("264864", "MDC")]                                           // MDC_DIM_BEAT_PER_MIN
        let percent: Set<HL7Code> = [HL7Code("%", "UCUM"), HL7Code("262688", "MDC")]                  // MDC_DIM_PERCENT
        return [.systolic: pressure, .diastolic: pressure, .mean: pressure, .heartRate: rate, .oxygenSaturation: percent]
    }()

    /// What the human-readable unit should be for `kind` (for refusal sentences).
    public static func expectedUnit(_ kind: VitalSignKind) -> String {
        switch kind {
        case .systolic, .diastolic, .mean: "mm[Hg]"
        case .heartRate: "/min"
        case .oxygenSaturation: "%"
        }
    }

    /// The kind of an OBX-3 value, or nil for an observation the bridge does not use.
    public static func kind(of identifier: HL7Field) -> VitalSignKind? {
        for code in codes(in: identifier) {
            if let kind = observations[code] { return kind }
        }
        return nil
    }

    /// True when OBX-6 names a unit accepted for `kind`. A unit without a coding system is read as UCUM.
    public static func accepts(unit: HL7Field, for kind: VitalSignKind) -> Bool {
        guard let allowed = units[kind] else { return false }
        let written = codes(in: unit, defaultSystem: "UCUM")
        return !written.isEmpty && written.contains { allowed.contains($0) }
    }

    /// The (identifier, system) pairs a CWE/CE field carries: components 1+3 and 4+6.
    static func codes(in field: HL7Field, defaultSystem: String = "") -> [HL7Code] {
        var codes: [HL7Code] = []
        for (id, system) in [(1, 3), (4, 6)] {
            let identifier = field.component(id).trimmingCharacters(in: .whitespaces)
            guard !identifier.isEmpty else { continue }
            let named = field.component(system).trimmingCharacters(in: .whitespaces)
            codes.append(HL7Code(identifier, named.isEmpty ? defaultSystem : named))
        }
        return codes
    }
}
