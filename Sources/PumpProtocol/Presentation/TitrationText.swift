// The human text of a titration: the running program beside the proposed one.
import Foundation

/// Renders "old → new" for a titration dry run.
public enum TitrationText {
    /// Lines comparing the current infusion (from `status`) with the proposed program (from the dry run).
    public static func render(current: StatusReport, proposed: ProgramSummary, timeZone: TimeZone) -> String {
        var lines: [String] = []
        func add(_ label: String, _ old: String, _ new: String) {
            let marker = old == new ? "" : "   (changed)"
            lines.append(label.padding(toLength: 14, withPad: " ", startingAt: 0) + "\(old) → \(new)" + marker)
        }
        let oldDose = current.dosingWeightKg.flatMap { $0 > 0 ? current.targetMg / $0 : nil }
        add("Dose", oldDose.map(QuantityFormat.mgPerKg) ?? "--", QuantityFormat.mgPerKg(proposed.doseMgPerKg))
        add("Total", QuantityFormat.mg(current.targetMg), QuantityFormat.mg(proposed.totalMg))
        add("Volume", QuantityFormat.ml(current.targetMl), QuantityFormat.ml(proposed.volumeMl))
        add("Rate", QuantityFormat.mlPerH(current.rateMlPerH), QuantityFormat.mlPerH(proposed.rateMlPerH))
        add("Rate", QuantityFormat.mgPerKgPerH(current.rateMgPerKgPerH), QuantityFormat.mgPerKgPerH(proposed.rateMgPerKgPerH))
        add("Duration", QuantityFormat.minutes((current.elapsedS + current.remainingS) / 60), QuantityFormat.minutes(proposed.durationMin))
        let oldEnd = current.expectedEnd.map { QuantityFormat.clock($0, timeZone: timeZone) } ?? "--"
        let newEnd = proposed.expectedEnd.map { QuantityFormat.clock($0, timeZone: timeZone) } ?? "--"
        add("Expected end", oldEnd, newEnd)
        lines.append("Delivered so far: \(QuantityFormat.mg(current.deliveredMg)) (\(QuantityFormat.ml(current.deliveredMl)))")
        lines.append("Verdict: \(proposed.verdict.rawValue)")
        for finding in proposed.findings {
            lines.append("  \(finding.kind.rawValue.uppercased()): \(finding.message)")
        }
        return lines.joined(separator: "\n")
    }
}
