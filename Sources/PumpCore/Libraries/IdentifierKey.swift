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

    /// The longest identifier, in characters.
    public static let maxLength = 64

    /// Why `text` is not an acceptable identifier (one sentence naming `field`), or nil when it is: 1 to 64
    /// characters, none of them a control, format, separator-other-than-space or unassigned code point, and no
    /// space at either end. The same rule holds for patient ids and library ids, at every place they enter.
    public static func formatViolation(_ text: String, field: String) -> String? {
        if text.isEmpty { return "The \(field) is empty." }
        if text.count > maxLength { return "The \(field) is \(text.count) characters long; at most \(maxLength) are allowed." }
        if text.first.map(\.isWhitespace) == true || text.last.map(\.isWhitespace) == true {
            return "The \(field) \"\(text.prefix(maxLength))\" starts or ends with a space; type it without."
        }
        let refused: Set<Unicode.GeneralCategory> = [
            .control, .format, .lineSeparator, .paragraphSeparator, .unassigned, .privateUse, .surrogate,
        ]
        if let bad = text.unicodeScalars.first(where: { refused.contains($0.properties.generalCategory) || ($0.properties.isWhitespace && $0 != " ") }) {
            return "The \(field) holds the unprintable character U+\(String(bad.value, radix: 16, uppercase: true)); use letters, digits, spaces and punctuation."
        }
        return nil
    }

    /// Whether `a` and `b` name the same thing after normalisation.
    public static func same(_ a: String, _ b: String) -> Bool { normalized(a) == normalized(b) }
}
