// Identifiers people type (patient ids, syringe ids) are compared in one normalised form, so that case, width
// or stray whitespace can neither dodge a rule (the repeat-dose window for `Kcompleted` vs ` kcompleted `) nor
// make a user definition shadow a bundled one (`BD-50` vs `bd-50`). The text as typed is kept for display and
// the record; only comparisons use the key.
import Foundation

/// The comparison form of a human-typed identifier.
public enum IdentifierKey {
    /// `text` trimmed of whitespace, in Unicode NFKC and case-folded (NFKC again after folding, so the result is
    /// stable under a second application): `" Ｋcompleted "` and `"kCOMPLETED"` have the same key.
    public static func normalized(_ text: String) -> String {
        let compatible = text.trimmingCharacters(in: .whitespacesAndNewlines).precomposedStringWithCompatibilityMapping
        return compatible.folding(options: [.caseInsensitive], locale: nil)
            .precomposedStringWithCompatibilityMapping
            .trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// Whether `a` and `b` name the same thing after normalisation.
    public static func same(_ a: String, _ b: String) -> Bool { normalized(a) == normalized(b) }
}
