// Human text for the plasma-concentration estimate and the newest vital signs (status and watch).
import Foundation

/// Renders the plasma estimate and the vital signs of a status report.
public enum VitalsText {
    /// "177 ng/mL (clements-nimmo-1981; population-model estimate, not a measurement)", or nil.
    public static func plasma(_ status: StatusReport) -> String? {
        guard let value = status.plasmaNgPerMl else { return nil }
        let model = status.plasmaModel ?? "unknown model"
        return "\(QuantityFormat.fixed(value, 0, rounding: .nearest)) ng/mL (\(model); \(status.plasmaLabel ?? "population-model estimate, not a measurement"))"
    }

    /// The short form for the 80-column live view: "177 ng/mL est. (clements-nimmo-1981, population model)".
    public static func plasmaShort(_ status: StatusReport) -> String? {
        guard let value = status.plasmaNgPerMl else { return nil }
        return "\(QuantityFormat.fixed(value, 0, rounding: .nearest)) ng/mL est. (\(status.plasmaModel ?? "?"), population model)"
    }

    /// "150/90 mmHg, HR 88 bpm, SpO2 97 % (manual, 2 min ago) OUT OF RANGE: vitals.pause-systolic", or nil.
    public static func vitals(_ status: StatusReport) -> String? {
        guard let v = status.vitals else { return nil }
        var text = "\(whole(v.sbpMmHg))/\(whole(v.dbpMmHg)) mmHg, HR \(whole(v.hrBpm)) bpm, SpO2 \(whole(v.spo2Percent)) %"
        text += " (\(v.source.rawValue), \(QuantityFormat.duration(seconds: v.ageS, rounding: .down)) ago)"
        if v.stale { text += " STALE" }
        if !v.outOfRange.isEmpty { text += " OUT OF RANGE: " + v.outOfRange.joined(separator: ", ") }
        return text
    }

    private static func whole(_ value: Double) -> String { QuantityFormat.fixed(value, 0, rounding: .nearest) }
}
