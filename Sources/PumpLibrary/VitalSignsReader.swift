// Reads `[drugs.vital_signs]`: the vital-sign interlock limits of one drug (HAZ-015). Every key is required
// when the table is present; `clinical_sign_off = false` marks them as defaults awaiting clinical sign-off.
import Foundation
import PumpCore

enum VitalSignsReader {
    static let keys: Set<String> = [
        "clinical_sign_off", "pre_start_systolic_mmhg", "pre_start_diastolic_mmhg", "pause_systolic_mmhg",
        "pause_diastolic_mmhg", "pause_heart_rate_bpm", "pause_spo2_below_percent", "stale_after_min",
    ]

    static func load(_ reader: TOMLReader) throws -> VitalSignThresholds {
        try reader.rejectUnknownKeys(keys)
        let thresholds = VitalSignThresholds(
            preStartSystolic: MillimetersOfMercury(try reader.positive("pre_start_systolic_mmhg")),
            preStartDiastolic: MillimetersOfMercury(try reader.positive("pre_start_diastolic_mmhg")),
            pauseSystolic: MillimetersOfMercury(try reader.positive("pause_systolic_mmhg")),
            pauseDiastolic: MillimetersOfMercury(try reader.positive("pause_diastolic_mmhg")),
            pauseHeartRate: BeatsPerMinute(try reader.positive("pause_heart_rate_bpm")),
            pauseOxygenSaturationBelow: OxygenSaturation(try reader.positive("pause_spo2_below_percent")),
            staleAfter: Minutes(try reader.positive("stale_after_min")),
            clinicallySignedOff: try reader.bool("clinical_sign_off"))
        if let problem = thresholds.inconsistency {
            throw LibraryLoadError.invalid(reader.file, reader.path, "(table)", problem)
        }
        return thresholds
    }
}
