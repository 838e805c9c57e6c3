// Terminal escape sequences, and the rule for when colour is allowed.
import Foundation

/// ANSI escape sequences for the live view.
public enum ANSI {
    /// Move the cursor to the top-left corner.
    public static let home = "\u{1B}[H"
    /// Clear the whole screen.
    public static let clearScreen = "\u{1B}[2J"
    /// Clear from the cursor to the end of the line.
    public static let clearLine = "\u{1B}[K"
    /// Clear from the cursor to the end of the screen.
    public static let clearBelow = "\u{1B}[J"
    /// Hide the cursor.
    public static let hideCursor = "\u{1B}[?25l"
    /// Show the cursor.
    public static let showCursor = "\u{1B}[?25h"
    /// Reset all attributes.
    public static let reset = "\u{1B}[0m"
    /// The terminal bell.
    public static let bell = "\u{07}"

    /// A text style.
    public enum Style: String, Sendable {
        case bold = "1"
        case highAlarm = "1;97;41"
        case mediumAlarm = "1;30;43"
        case lowAlarm = "30;46"
        case ok = "32"
        case dim = "2"
    }

    /// `text` wrapped in `style` when `enabled`, else unchanged.
    public static func styled(_ text: String, _ style: Style, enabled: Bool) -> String {
        enabled ? "\u{1B}[\(style.rawValue)m\(text)\(reset)" : text
    }

    /// Whether colour may be used: not when `NO_COLOR` is set to a non-empty value (no-color.org), not when
    /// `TERM` is `dumb`, and only on a terminal.
    public static func colorEnabled(environment: [String: String], isTerminal: Bool) -> Bool {
        if let noColor = environment["NO_COLOR"], !noColor.isEmpty { return false }
        if environment["TERM"] == "dumb" { return false }
        return isTerminal
    }

    /// The text with every CSI escape sequence removed.
    public static func strip(_ text: String) -> String {
        var result = ""
        var iterator = text.unicodeScalars.makeIterator()
        while let scalar = iterator.next() {
            guard scalar == "\u{1B}" else {
                result.unicodeScalars.append(scalar)
                continue
            }
            guard iterator.next() == "[" else { continue }
            while let next = iterator.next(), !(0x40...0x7E).contains(next.value) {}
        }
        return result
    }

    /// The number of visible characters, escape sequences excluded.
    public static func visibleWidth(_ text: String) -> Int {
        strip(text).count
    }
}
