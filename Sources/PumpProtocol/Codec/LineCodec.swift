// Newline-delimited JSON framing for requests and responses.
import Foundation

/// Encodes messages as single JSON lines and decodes lines into messages without ever crashing.
///
/// Every failure becomes a `ProtocolError` with a stable code and one sentence: `line-too-long`,
/// `unsupported-version` or `bad-request` (invalid UTF-8, not JSON, duplicate keys, wrong types, unknown fields
/// or commands, broken protocol rules).
public enum LineCodec {
    /// The longest accepted line in bytes, not counting the terminating newline.
    public static let maxLineBytes = 65_536

    // MARK: Encoding

    /// Encodes a request as one line ending in "\n".
    ///
    /// Throws `bad-request` when a value cannot be represented (a NaN or infinite number).
    public static func encode(_ request: Request) throws(ProtocolError) -> Data {
        do {
            return try line(for: request)
        } catch {
            throw ProtocolError(code: .badRequest, message: "The request holds a number that is not finite and cannot be sent.")
        }
    }

    /// Encodes a response as one line ending in "\n".
    ///
    /// Never fails and never exceeds `maxLineBytes`: a response that cannot be represented (a NaN or infinite
    /// number) becomes an `internal` error with the same id, so a non-finite number never reaches a nurse; one
    /// that is too long (a large log) becomes a `line-too-long` error asking for fewer entries.
    public static func encode(_ response: Response) -> Data {
        let replacement: ProtocolError
        if let data = try? line(for: response) {
            if data.count <= maxLineBytes + 1 { return data }
            replacement = ProtocolError(
                code: .lineTooLong,
                message: "The answer would be \(data.count) bytes, more than the limit of \(maxLineBytes); ask for fewer log entries with limit, or allow max_parts (pumpctl does)."
            )
        } else {
            replacement = ProtocolError(code: .internal, message: "The daemon could not encode its answer; check the pump with pumpctl status.")
        }
        // The replacement holds a bounded id and short strings, so it always encodes; the literal is a last resort.
        let id = response.id.map { String($0.prefix(Request.maxIDLength)) }
        return (try? line(for: Response.failure(id: id, replacement)))
            ?? Data("{\"v\":1,\"id\":null,\"ok\":false,\"error\":{\"code\":\"internal\",\"message\":\"The daemon could not encode its answer.\"}}\n".utf8)
    }

    /// The lines that carry `response`: the one line of `encode(_:)`, or, when that line is too long and the
    /// request allowed `maxParts` > 1, the part lines of `AnswerParts` (each ending in "\n").
    public static func encodeLines(_ response: Response, maxParts: Int?) -> [Data] {
        if let maxParts, maxParts > 1, let full = try? line(for: response), full.count > maxLineBytes + 1,
           let parts = AnswerParts.split(full, id: response.id, maxParts: maxParts) {
            return parts
        }
        return [encode(response)]
    }

    /// The length in bytes of `response`'s one line before any size limit (nil when it cannot be encoded).
    public static func unlimitedLength(of response: Response) -> Int? {
        (try? line(for: response))?.count
    }

    /// One JSON line (sorted keys, ISO-8601 dates, a trailing "\n"): the one encoder for protocol lines and
    /// pumpctl's `--json` objects.
    static func line(for value: some Encodable) throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .custom { date, encoder in
            var container = encoder.singleValueContainer()
            try container.encode(ISO8601.format(date))
        }
        // JSONEncoder escapes control characters inside strings and never pretty-prints here,
        // so the output cannot contain a raw newline.
        var data = try encoder.encode(value)
        data.append(0x0A)
        return data
    }

    // MARK: Decoding

    /// Decodes one request line (with or without its trailing newline).
    public static func decodeRequest(_ line: Data) -> Result<Request, ProtocolError> {
        decode(Request.self, from: line, noun: "request").flatMap { request in
            if let violation = request.ruleViolation {
                return .failure(ProtocolError(code: .badRequest, message: violation))
            }
            return .success(request)
        }
    }

    /// Decodes one response line (with or without its trailing newline).
    public static func decodeResponse(_ line: Data) -> Result<Response, ProtocolError> {
        decode(Response.self, from: line, noun: "response")
    }

    /// Decodes an answer reassembled from parts, which may be up to `AnswerParts.maxParts` lines long.
    public static func decodeAssembledResponse(_ answer: Data) -> Result<Response, ProtocolError> {
        decode(Response.self, from: answer, noun: "response", maxBytes: AnswerParts.maxParts * AnswerParts.bytesPerPart)
    }

    /// The `id` of a request line when it can be read, to correlate an error response; nil otherwise.
    public static func correlationID(in line: Data) -> String? {
        guard let bytes = checkedBytes(line, noun: "request").value else { return nil }
        struct Probe: Decodable { var id: String? }
        return try? makeDecoder().decode(Probe.self, from: Data(bytes)).id
    }

    private static func decode<T: Decodable>(
        _ type: T.Type, from line: Data, noun: String, maxBytes: Int = maxLineBytes
    ) -> Result<T, ProtocolError> {
        checkedBytes(line, noun: noun, maxBytes: maxBytes).flatMap { bytes in
            let data = Data(bytes)
            let decoder = makeDecoder()
            // The version is checked before anything else so that a newer peer gets the right error, not a
            // complaint about a command or field this version does not know.
            guard let probe = try? decoder.decode(VersionProbe.self, from: data) else {
                return .failure(bad(describeProbeFailure(data, noun: noun)))
            }
            if let version = probe.v, version != Double(protocolVersion) {
                return .failure(ProtocolError(
                    code: .unsupportedVersion,
                    message: "Protocol version \(formatVersion(version)) is not supported; this side speaks version \(protocolVersion)."
                ))
            }
            do {
                return .success(try decoder.decode(T.self, from: data))
            } catch {
                return .failure(bad(describeDecodingFailure(error, message: noun)))
            }
        }
    }

    /// Frames, length-checks, UTF-8-checks and syntax-checks a line, returning its bytes without the newline.
    private static func checkedBytes(_ line: Data, noun: String, maxBytes: Int = maxLineBytes) -> Result<[UInt8], ProtocolError> {
        var bytes = [UInt8](line)
        if bytes.last == 0x0A { bytes.removeLast() }
        if bytes.last == 0x0D { bytes.removeLast() }
        // HAZ-009: bounded input; the length is checked before any parsing work.
        if bytes.count > maxBytes {
            return .failure(ProtocolError(
                code: .lineTooLong,
                message: "The \(noun) line is \(bytes.count) bytes long, more than the limit of \(maxBytes) bytes."
            ))
        }
        if bytes.isEmpty { return .failure(bad("The \(noun) line is empty.")) }
        if bytes.contains(0x0A) { return .failure(bad("The \(noun) must be exactly one line, but it contains a newline.")) }
        if String(validating: bytes, as: UTF8.self) == nil {
            return .failure(bad("The \(noun) line is not valid UTF-8 text."))
        }
        if let problem = StrictJSONScanner.problem(in: bytes, noun: noun) { return .failure(bad(problem)) }
        return .success(bytes)
    }

    /// Reads only the version, whatever else the message holds.
    private struct VersionProbe: Decodable {
        var v: Double?
    }

    private static func describeProbeFailure(_ data: Data, noun: String) -> String {
        if !((try? JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed])) is [String: Any]) {
            return "The \(noun) must be a JSON object."
        }
        return "The field v must be a number."
    }

    private static func formatVersion(_ version: Double) -> String {
        version.rounded() == version && abs(version) < 1e9 ? String(Int(version)) : String(version)  // checked: whole and below 1e9, tested on the same line
    }

    private static func bad(_ message: String) -> ProtocolError {
        ProtocolError(code: .badRequest, message: message)
    }

    private static func makeDecoder() -> JSONDecoder {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .custom { decoder in
            let text = try decoder.singleValueContainer().decode(String.self)
            guard let date = ISO8601.parse(text) else {
                throw SchemaError(message: "The field \(renderPath(decoder.codingPath)) must be an ISO-8601 time such as 2025-01-31T14:05:00Z.")
            }
            return date
        }
        return decoder
    }
}

extension Result {
    /// The success value, or nil.
    var value: Success? {
        if case let .success(value) = self { return value }
        return nil
    }
}
