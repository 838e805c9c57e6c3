// One set of vital signs (blood pressure, heart rate, SpO2) as typed quantities, with the monotonic instant
// it was taken and where it came from. Implausible entries (a typo such as SBP 1500, diastolic above
// systolic) are refused with a sentence rather than silently accepted or clipped.
import Foundation

/// Where a vital-sign reading came from.
public enum VitalsSource: String, Sendable, Hashable, Codable, CaseIterable {
    /// Typed in by a nurse (`pumpctl vitals`).
    case manual
    /// Sent by a patient-monitor bridge over the socket.
    case monitor
    /// Produced by the simulator's patient model (bench and demos only).
    case simulator
}

/// One vital-sign reading.
public struct VitalSigns: Sendable, Hashable {
    /// Systolic blood pressure.
    public var systolic: MillimetersOfMercury
    /// Diastolic blood pressure.
    public var diastolic: MillimetersOfMercury
    /// Heart rate.
    public var heartRate: BeatsPerMinute
    /// Peripheral oxygen saturation.
    public var oxygenSaturation: OxygenSaturation
    /// When it was taken (monotonic; the daemon stamps it on receipt).
    public var measuredAt: MonotonicInstant
    /// Where it came from.
    public var source: VitalsSource

    /// Creates a reading.
    public init(systolic: MillimetersOfMercury, diastolic: MillimetersOfMercury, heartRate: BeatsPerMinute,
                oxygenSaturation: OxygenSaturation, measuredAt: MonotonicInstant, source: VitalsSource) {
        self.systolic = systolic
        self.diastolic = diastolic
        self.heartRate = heartRate
        self.oxygenSaturation = oxygenSaturation
        self.measuredAt = measuredAt
        self.source = source
    }

    /// Plausible ranges for an awake adult; outside them the entry is taken as a typo and refused.
    public static let plausibleSystolic = 50.0...300.0
    /// Plausible diastolic range.
    public static let plausibleDiastolic = 20.0...200.0
    /// Plausible heart-rate range.
    public static let plausibleHeartRate = 20.0...250.0
    /// Plausible SpO2 range.
    public static let plausibleOxygenSaturation = 50.0...100.0

    /// The first implausibility as one sentence, or nil when the reading is plausible.
    public var implausibility: String? {
        func check(_ value: Double, _ range: ClosedRange<Double>, _ name: String, _ unit: String) -> String? {
            guard value.isFinite, range.contains(value) else {
                return "\(name) \(value.plain) \(unit) is outside the plausible \(range.lowerBound.plain)–\(range.upperBound.plain) \(unit); check the entry."
            }
            return nil
        }
        if let problem = check(systolic.value, Self.plausibleSystolic, "Systolic pressure", "mmHg")
            ?? check(diastolic.value, Self.plausibleDiastolic, "Diastolic pressure", "mmHg")
            ?? check(heartRate.value, Self.plausibleHeartRate, "Heart rate", "bpm")
            ?? check(oxygenSaturation.value, Self.plausibleOxygenSaturation, "SpO2", "%") {
            return problem
        }
        if diastolic >= systolic {
            return "Diastolic pressure \(diastolic.value.plain) mmHg is not below systolic \(systolic.value.plain) mmHg; check the entry."
        }
        return nil
    }

    /// "BP 150/90 mmHg, HR 88 bpm, SpO2 97 %".
    public var summary: String {
        "BP \(systolic.value.plain(0))/\(diastolic.value.plain(0)) mmHg, HR \(heartRate.value.plain(0)) bpm, SpO2 \(oxygenSaturation.value.plain(0)) %"
    }
}
