// The text `pumpctl syringe-change` shows before asking: the new syringe, what was delivered (cumulative), what
// follows from it and the new expected end.
import Foundation

/// Renders a syringe-change preview.
public enum SyringeChangeText {
    /// The preview as lines of text.
    public static func render(_ summary: SyringeChangeSummary, timeZone: TimeZone) -> String {
        var lines = [
            "Syringe \(summary.syringeIndex): \(summary.syringe) filled with \(QuantityFormat.ml(summary.fillMl)) at \(QuantityFormat.mgPerMl(summary.concentrationMgPerMl)) (check the label: same drug and concentration).",
            "Delivered so far:  \(QuantityFormat.mg(summary.deliveredMg)) (\(QuantityFormat.ml(summary.deliveredMl))), all syringes",
            "Remaining:         \(QuantityFormat.mg(summary.remainingMg)) (\(QuantityFormat.ml(summary.remainingMl)))",
            "From this syringe: \(QuantityFormat.ml(summary.fromThisSyringeMl))"
                + (summary.anotherChangeNeeded ? "; another syringe change follows" : "; it finishes the program"),
        ]
        if let end = summary.expectedEnd {
            lines.append("Expected end:      \(QuantityFormat.clock(end, timeZone: timeZone)) if delivery continues now")
        }
        return lines.joined(separator: "\n")
    }
}
