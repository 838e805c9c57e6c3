// The five delimiters of an HL7 v2 message and its escape sequences (HL7 v2.5 §2.5.4, §2.7).
//
// Why hand-written: no HL7 v2 parser is among the Swift packages this project may use (the mirror has none;
// the HL7 libraries that exist are FHIR, Java or .NET). The bridge needs a small, auditable subset — MSH
// delimiters, segments, fields, repetitions, components, subcomponents and the escape sequences — which is a few
// hundred lines of Foundation, so it is written here and unit-tested (Tests/PumpHL7Tests) instead.
//
// Delimiters are whatever MSH-1 (field) and MSH-2 (component, repetition, escape, subcomponent[, truncation])
// say; nothing assumes `|^~\&`. Escapes are decoded after a field has been split, so an escaped delimiter
// (\F\ \S\ \T\ \R\ \E\) is data, never structure.
import Foundation

/// The delimiters declared in MSH-1 and MSH-2.
public struct HL7Encoding: Sendable, Equatable {
    /// MSH-1, usually `|`.
    public var field: Character
    /// MSH-2 first character, usually `^`.
    public var component: Character
    /// MSH-2 second character, usually `~`.
    public var repetition: Character
    /// MSH-2 third character, usually `\`.
    public var escape: Character
    /// MSH-2 fourth character, usually `&`.
    public var subcomponent: Character
    /// MSH-2 fifth character (v2.7+ truncation, usually `#`), when present.
    public var truncation: Character?

    /// The conventional `|^~\&`.
    public static let standard = HL7Encoding(field: "|", component: "^", repetition: "~", escape: "\\", subcomponent: "&")

    /// Creates an encoding from its characters.
    public init(field: Character, component: Character, repetition: Character, escape: Character,
                subcomponent: Character, truncation: Character? = nil) {
        self.field = field
        self.component = component
        self.repetition = repetition
        self.escape = escape
        self.subcomponent = subcomponent
        self.truncation = truncation
    }

    /// Reads the delimiters from the start of an MSH segment (`MSH|^~\&|…`).
    /// - Throws: `HL7ParseError` when the segment is not MSH or the delimiters are missing, repeated or letters.
    public init(mshSegment text: Substring) throws(HL7ParseError) {
        guard text.hasPrefix("MSH") else { throw .notMSH }
        let rest = text.dropFirst(3)
        guard let field = rest.first else { throw .badDelimiters("MSH-1 (the field separator) is missing") }
        let declared = rest.dropFirst().prefix { $0 != field }
        guard declared.count == 4 || declared.count == 5 else {
            throw .badDelimiters("MSH-2 must hold 4 or 5 encoding characters, not '\(declared)'")
        }
        let characters = [field] + Array(declared)
        guard Set(characters).count == characters.count else {
            throw .badDelimiters("the delimiters in MSH-1 and MSH-2 must all differ")
        }
        for character in characters where character.isLetter || character.isNumber || character.isWhitespace || character.isNewline {
            throw .badDelimiters("'\(character)' cannot be a delimiter")
        }
        let list = Array(declared)
        self.init(field: field, component: list[0], repetition: list[1], escape: list[2], subcomponent: list[3],
                  truncation: list.count == 5 ? list[4] : nil)
    }

    /// MSH-2 as written.
    public var encodingCharacters: String {
        String([component, repetition, escape, subcomponent]) + (truncation.map { String($0) } ?? "")
    }

    /// Decodes the escape sequences in one leaf value (a subcomponent).
    ///
    /// Supported: `\F\ \S\ \T\ \R\ \E\` (the delimiters), `\P\` (truncation character), `\Xhh…\` (bytes, read as
    /// UTF-8), and the formatting escapes `\H\ \N\ \.br\ \.sp\ \.in…\ \.ti…\ \.sk…\ \.ce\ \.fi\ \.nf\`, which carry no
    /// data and are dropped. Anything else, or an escape without its closing character, is an error: a value the
    /// bridge cannot read exactly is refused rather than guessed.
    public func unescape(_ text: Substring) throws(HL7ParseError) -> String {
        guard text.contains(escape) else { return String(text) }
        var output = ""
        var index = text.startIndex
        while index < text.endIndex {
            let character = text[index]
            guard character == escape else {
                output.append(character)
                index = text.index(after: index)
                continue
            }
            let bodyStart = text.index(after: index)
            guard let close = text[bodyStart...].firstIndex(of: escape) else {
                throw .badEscape("an escape sequence is not closed in '\(text)'")
            }
            let body = text[bodyStart..<close]
            switch body {
            case "F": output.append(field)
            case "S": output.append(component)
            case "T": output.append(subcomponent)
            case "R": output.append(repetition)
            case "E": output.append(escape)
            case "P" where truncation != nil: output.append(truncation ?? "#")
            case "H", "N", ".br", ".sp", ".ce", ".fi", ".nf": break
            case _ where body.hasPrefix(".in") || body.hasPrefix(".ti") || body.hasPrefix(".sk"): break
            case _ where body.hasPrefix("X") && body.count > 1:
                output += try Self.hexText(body.dropFirst())
            default:
                throw .badEscape("unknown escape sequence '\(escape)\(body)\(escape)'")
            }
            index = text.index(after: close)
        }
        return output
    }

    /// Encodes `text` so that it is one leaf value: every delimiter becomes its escape sequence, and line breaks
    /// (which would end the segment) become spaces.
    public func escaped(_ text: String) -> String {
        var output = ""
        for character in text {
            switch character {
            case escape: output += "\(escape)E\(escape)"
            case field: output += "\(escape)F\(escape)"
            case component: output += "\(escape)S\(escape)"
            case subcomponent: output += "\(escape)T\(escape)"
            case repetition: output += "\(escape)R\(escape)"
            case "\r", "\n", "\r\n": output.append(" ")
            default:
                if let truncation, character == truncation { output += "\(escape)P\(escape)" } else { output.append(character) }
            }
        }
        return output
    }

    private static func hexText(_ digits: Substring) throws(HL7ParseError) -> String {
        guard digits.count % 2 == 0 else { throw .badEscape("the hexadecimal escape '\\X\(digits)\\' has an odd number of digits") }
        var bytes: [UInt8] = []
        var index = digits.startIndex
        while index < digits.endIndex {
            let next = digits.index(index, offsetBy: 2)
            guard let byte = UInt8(digits[index..<next], radix: 16) else { // checked: a string parse, nil on bad digits
                throw .badEscape("'\\X\(digits)\\' is not hexadecimal")
            }
            bytes.append(byte)
            index = next
        }
        guard let text = String(bytes: bytes, encoding: .utf8) else {
            throw .badEscape("'\\X\(digits)\\' is not UTF-8 text")
        }
        return text
    }
}
