// Escaping for HTML text and attribute values, and SVG number formatting. Every string that comes from the
// journal (patient ids, override reasons, user names) passes through `escape` before it reaches the page.
import Foundation

/// Small helpers for writing HTML and SVG by hand.
enum HTMLText {
    /// `text` with &, <, >, " and ' replaced by entities.
    static func escape(_ text: String) -> String {
        var result = ""
        result.reserveCapacity(text.count)
        for character in text {
            switch character {
            case "&": result += "&amp;"
            case "<": result += "&lt;"
            case ">": result += "&gt;"
            case "\"": result += "&quot;"
            case "'": result += "&#39;"
            default: result.append(character)
            }
        }
        return result
    }

    /// A coordinate with at most one decimal ("12.5", "300").
    static func number(_ value: Double) -> String {
        guard value.isFinite else { return "0" }
        let rounded = (value * 10).rounded() / 10
        return rounded == rounded.rounded() ? String(Int(rounded)) : String(format: "%.1f", rounded)
    }
}
