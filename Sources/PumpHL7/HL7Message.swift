// An HL7 v2 message split into segments, fields, repetitions, components and subcomponents (see HL7Encoding
// for why this is hand-written). Segments end with CR; LF and CRLF are tolerated (files and some gateways use
// them), and empty lines are skipped. Positions use HL7's own 1-based numbering: `segment[3]` is PV1-3, and in
// MSH, MSH-1 is the field separator and MSH-2 the encoding characters, exactly as the standard counts them.
import Foundation

/// One repetition of a field: its components, each a list of subcomponents (decoded, escapes resolved).
public struct HL7Repetition: Sendable, Equatable {
    /// Components (1-based through `component(_:)`), each a non-empty list of subcomponents.
    public var components: [[String]]

    /// Creates a repetition.
    public init(components: [[String]]) { self.components = components }

    /// Component `n` (1-based) with its subcomponents joined as written, or "" when absent.
    public func component(_ n: Int) -> String { subcomponent(n, 1) }

    /// Subcomponent `s` of component `n` (both 1-based), or "" when absent.
    public func subcomponent(_ n: Int, _ s: Int) -> String {
        guard n >= 1, n <= components.count, s >= 1, s <= components[n - 1].count else { return "" }
        return components[n - 1][s - 1]
    }
}

/// One field: its repetitions (a field with no value has none).
public struct HL7Field: Sendable, Equatable {
    /// Repetitions in order; empty for an empty field.
    public var repetitions: [HL7Repetition]

    /// Creates a field.
    public init(repetitions: [HL7Repetition]) { self.repetitions = repetitions }

    /// The first repetition's first component ("" when empty): the value of a simple field.
    public var value: String { repetitions.first?.component(1) ?? "" }

    /// Component `n` (1-based) of the first repetition.
    public func component(_ n: Int) -> String { repetitions.first?.component(n) ?? "" }

    /// True when the field holds no data at all.
    public var isEmpty: Bool {
        repetitions.allSatisfy { $0.components.allSatisfy { $0.allSatisfy(\.isEmpty) } }
    }
}

/// One segment: its three-character id and its fields.
public struct HL7Segment: Sendable, Equatable {
    /// Segment id, e.g. `OBX`.
    public var id: String
    /// Fields in HL7 order: `fields[0]` is field 1.
    public var fields: [HL7Field]

    /// Creates a segment.
    public init(id: String, fields: [HL7Field]) {
        self.id = id
        self.fields = fields
    }

    /// Field `n` (1-based, HL7 numbering); an empty field when the segment is shorter.
    public subscript(_ n: Int) -> HL7Field {
        guard n >= 1, n <= fields.count else { return HL7Field(repetitions: []) }
        return fields[n - 1]
    }
}

/// A parsed message.
public struct HL7Message: Sendable, Equatable {
    /// The delimiters from MSH-1/MSH-2.
    public var encoding: HL7Encoding
    /// Segments in order; the first is MSH.
    public var segments: [HL7Segment]

    /// Every segment with `id`, in order.
    public func segments(_ id: String) -> [HL7Segment] { segments.filter { $0.id == id } }

    /// The first segment with `id`.
    public func first(_ id: String) -> HL7Segment? { segments.first { $0.id == id } }

    /// The MSH segment (always present in a parsed message).
    public var msh: HL7Segment { segments[0] }

    /// Parses `bytes` (UTF-8).
    /// - Throws: `HL7ParseError` for anything that is not a readable message.
    public init(bytes: some Collection<UInt8>) throws(HL7ParseError) {
        guard let text = String(bytes: Array(bytes), encoding: .utf8) else { throw .notText }
        try self.init(text: text)
    }

    /// Parses `text`.
    /// - Throws: `HL7ParseError` for anything that is not a readable message.
    public init(text: String) throws(HL7ParseError) {
        let lines = text.split(omittingEmptySubsequences: true) { $0 == "\r" || $0 == "\n" || $0 == "\r\n" }
            .filter { !$0.allSatisfy(\.isWhitespace) }
        guard let first = lines.first else { throw .empty }
        let encoding = try HL7Encoding(mshSegment: first)
        var segments: [HL7Segment] = []
        for line in lines {
            segments.append(try Self.segment(line, encoding: encoding))
        }
        self.encoding = encoding
        self.segments = segments
    }

    private static func segment(_ line: Substring, encoding: HL7Encoding) throws(HL7ParseError) -> HL7Segment {
        let parts = line.split(separator: encoding.field, omittingEmptySubsequences: false)
        let id = String(parts[0])
        guard id.count == 3, id.allSatisfy({ ($0.isUppercase && $0.isASCII) || ($0.isASCII && $0.isNumber) }) else {
            throw .badSegmentID(id)
        }
        var fields: [HL7Field] = []
        if id == "MSH" {
            // MSH-1 is the separator itself and MSH-2 the encoding characters: both literal, never split.
            guard parts.count >= 2 else { throw .badDelimiters("MSH has no encoding characters") }
            fields.append(literal(String(encoding.field)))
            fields.append(literal(String(parts[1])))
            for part in parts.dropFirst(2) { fields.append(try field(part, encoding: encoding)) }
        } else {
            guard parts.count == 1 || line.dropFirst(3).first == encoding.field else { throw .badSegmentID(String(line.prefix(4))) }
            for part in parts.dropFirst() { fields.append(try field(part, encoding: encoding)) }
        }
        return HL7Segment(id: id, fields: fields)
    }

    private static func literal(_ text: String) -> HL7Field {
        HL7Field(repetitions: [HL7Repetition(components: [[text]])])
    }

    private static func field(_ text: Substring, encoding: HL7Encoding) throws(HL7ParseError) -> HL7Field {
        if text.isEmpty { return HL7Field(repetitions: []) }
        var repetitions: [HL7Repetition] = []
        for repetition in text.split(separator: encoding.repetition, omittingEmptySubsequences: false) {
            var components: [[String]] = []
            for component in repetition.split(separator: encoding.component, omittingEmptySubsequences: false) {
                var subcomponents: [String] = []
                for sub in component.split(separator: encoding.subcomponent, omittingEmptySubsequences: false) {
                    subcomponents.append(try encoding.unescape(sub))
                }
                components.append(subcomponents)
            }
            repetitions.append(HL7Repetition(components: components))
        }
        return HL7Field(repetitions: repetitions)
    }
}
