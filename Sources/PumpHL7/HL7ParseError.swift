// Why a byte string is not an HL7 v2 message the bridge can read. Each case renders as one sentence for the
// NAK's MSA-3 and ERR-8.
import Foundation

/// A message that cannot be parsed.
public enum HL7ParseError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The bytes are not UTF-8 text.
    case notText
    /// The message is empty.
    case empty
    /// The first segment is not MSH.
    case notMSH
    /// MSH-1/MSH-2 do not declare usable delimiters.
    case badDelimiters(String)
    /// A segment id is not three upper-case letters or digits.
    case badSegmentID(String)
    /// An escape sequence cannot be decoded.
    case badEscape(String)

    public var description: String {
        switch self {
        case .notText: "The message is not UTF-8 text."
        case .empty: "The message is empty."
        case .notMSH: "The message does not start with an MSH segment."
        case .badDelimiters(let reason): "The MSH delimiters are unusable: \(reason)."
        case .badSegmentID(let id): "'\(id)' is not a segment id (three upper-case letters or digits)."
        case .badEscape(let reason): "Bad escape sequence: \(reason)."
        }
    }
}
