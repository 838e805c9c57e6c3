// CSV (RFC 4180 quoting) and GitHub-markdown renderings of one table of strings. Numbers are formatted by
// the caller, so the files carry exactly the digits the report quotes.
import Foundation

/// A header and rows of cells.
public struct TextTable: Sendable, Equatable {
    /// Column names.
    public var header: [String]
    /// Rows; each has as many cells as the header.
    public var rows: [[String]]

    /// Creates a table.
    public init(header: [String], rows: [[String]] = []) {
        self.header = header
        self.rows = rows
    }

    /// CSV text: a cell with a comma, quote or line break is quoted, quotes doubled; lines end with "\n".
    public var csv: String {
        func cell(_ text: String) -> String {
            text.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" })
                ? "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : text
        }
        return ([header] + rows).map { $0.map(cell).joined(separator: ",") }.joined(separator: "\n") + "\n"
    }

    /// A GitHub-flavoured markdown table ("|" in cells escaped).
    public var markdown: String {
        func line(_ cells: [String]) -> String {
            "| " + cells.map { $0.replacingOccurrences(of: "|", with: "\\|") }.joined(separator: " | ") + " |"
        }
        return ([line(header), line(header.map { _ in "---" })] + rows.map(line)).joined(separator: "\n") + "\n"
    }
}

/// Fixed-decimal formatting for table cells ("-0.000" printed as "0.000").
public func fixed(_ value: Double, _ digits: Int) -> String {
    let text = String(format: "%.\(digits)f", value)
    if text.hasPrefix("-"), let parsed = Double(text), parsed == 0 { return String(text.dropFirst()) }
    return text
}
