// A decoding failure that already carries the sentence to show, thrown from our own `init(from:)` code.
import Foundation

/// A schema violation found while decoding a message, with the one sentence that explains it.
struct SchemaError: Error, Sendable {
    /// One complete sentence, ending with a full stop.
    let message: String
}

/// A coding key that accepts any string, used to list the keys an object really has.
struct AnyKey: CodingKey {
    let stringValue: String
    var intValue: Int? { nil }
    init(stringValue: String) { self.stringValue = stringValue }
    init?(intValue: Int) { nil }
}

/// Renders a coding path the way the JSON reads: `params.weight_kg`, `alarms[0].code`.
func renderPath(_ path: [any CodingKey]) -> String {
    var text = ""
    for key in path {
        if let index = key.intValue {
            text += "[\(index)]"
        } else {
            text += text.isEmpty ? key.stringValue : ".\(key.stringValue)"
        }
    }
    return text
}

extension Decoder {
    /// Decodes a string-backed enum, naming the field and the allowed values when the string is not one of them.
    func decodeWireEnum<E: RawRepresentable & CaseIterable>() throws -> E where E.RawValue == String {
        let raw = try singleValueContainer().decode(String.self)
        if let value = E(rawValue: raw) { return value }
        let allowed = E.allCases.map(\.rawValue).joined(separator: ", ")
        throw SchemaError(message: "The field \(renderPath(codingPath)) must be one of \(allowed), not \"\(raw.prefix(40))\".")
    }

    /// Throws when the object at this decoder has a key outside `allowed`.
    ///
    /// HAZ-009: a misspelt optional key (`dose_mg_kg` for `dose_mg_per_kg`) must not be silently ignored and
    /// replaced by a default, so requests are decoded strictly.
    func rejectUnknownKeys(allowed: Set<String>) throws {
        let container = try container(keyedBy: AnyKey.self)
        let unknown = container.allKeys.map(\.stringValue).filter { !allowed.contains($0) }.sorted()
        guard let first = unknown.first else { return }
        let prefix = codingPath.isEmpty ? "" : renderPath(codingPath) + "."
        throw SchemaError(message: "Unknown field \(prefix)\(printable(first, limit: 60)) in protocol version \(protocolVersion).")
    }
}

/// `text` cut to `limit` characters with control characters (a decoded "\n" in a key) shown as "?", so an
/// error sentence always stays on one line.
func printable(_ text: String, limit: Int) -> String {
    String(String.UnicodeScalarView(text.prefix(limit).unicodeScalars.map { $0.properties.generalCategory == .control ? "?" : $0 }))
}

extension KeyedDecodingContainer {
    /// Decodes an optional whole number, accepting `3` and `3.0` but refusing `3.5` with a clear sentence.
    func decodeWholeNumberIfPresent(forKey key: Key) throws -> Int? {
        guard let number = try decodeIfPresent(Double.self, forKey: key) else { return nil }
        guard number.rounded() == number, abs(number) < 1e15 else {
            throw SchemaError(message: "The field \(renderPath(codingPath + [key])) must be a whole number.")
        }
        return Int(number)  // checked: whole and below 1e15, tested just above
    }
}

/// Turns any error thrown while decoding into one sentence about the named kind of message ("request").
func describeDecodingFailure(_ error: any Error, message noun: String) -> String {
    if let schema = error as? SchemaError { return schema.message }
    guard let decoding = error as? DecodingError else {
        return "The \(noun) could not be read."
    }
    switch decoding {
    case let .keyNotFound(key, context):
        return "The \(noun) is missing the field \(renderPath(context.codingPath + [key]))."
    case let .typeMismatch(type, context):
        if context.codingPath.isEmpty { return "The \(noun) must be a JSON object." }
        return "The field \(renderPath(context.codingPath)) must be \(describe(type))."
    case let .valueNotFound(type, context):
        return "The field \(renderPath(context.codingPath)) must be \(describe(type)), not null."
    case let .dataCorrupted(context):
        if context.codingPath.isEmpty { return "The \(noun) is not valid JSON." }
        return "The field \(renderPath(context.codingPath)) has an invalid value."
    @unknown default:
        return "The \(noun) could not be read."
    }
}

/// A nurse- and developer-readable name for an expected JSON type.
private func describe(_ type: Any.Type) -> String {
    switch type {
    case is Double.Type, is Float.Type, is Int.Type, is Int64.Type: "a number"
    case is String.Type: "a string"
    case is Bool.Type: "true or false"
    case is [Any].Type: "an array"
    default:
        String(describing: type).hasPrefix("Array") ? "an array" : "an object"
    }
}
