// One response line: `{"v":1,"id":"…","ok":true,"result":{"status":{…}}}` or `{…,"ok":false,"error":{…}}`.
import Foundation

/// The answer to one request.
public struct Response: Sendable, Equatable {
    /// Protocol version.
    public var v: Int
    /// The request's id, or nil when the request could not be read far enough to find it.
    public var id: String?
    /// The error, when the request failed.
    public var error: ProtocolError?
    /// The result, when the request succeeded and has something to return.
    public var result: ResultPayload?
    /// One numbered piece of an answer too long for one line (only when the request allowed `max_parts`).
    public var part: AnswerPart?

    /// `true` when the request succeeded.
    public var ok: Bool { error == nil }

    /// A successful response.
    public static func success(id: String?, _ result: ResultPayload?) -> Response {
        Response(v: protocolVersion, id: id, error: nil, result: result)
    }

    /// A failed response.
    public static func failure(id: String?, _ error: ProtocolError) -> Response {
        Response(v: protocolVersion, id: id, error: error, result: nil)
    }

    /// Creates a response; prefer `success` and `failure`.
    public init(v: Int, id: String?, error: ProtocolError?, result: ResultPayload?, part: AnswerPart? = nil) {
        self.v = v
        self.id = id
        self.error = error
        self.result = result
        self.part = part
    }
}

/// What a successful response carries.
public enum ResultPayload: Sendable, Equatable {
    /// The pump state (`status`, and commands that change it).
    case status(StatusReport)
    /// A computed program (`validate`, `start`, `titrate`).
    case program(ProgramSummary)
    /// Event-log entries (`log`).
    case log([LogEntryDTO])
    /// A plain acknowledgement with one sentence (`ack`, `sim-inject`, …).
    case ack(message: String)
    /// The session history (`sessions`), newest first.
    case sessions([SessionSummaryDTO])
    /// One session's record (`report-data`).
    case report(SessionReportDTO)
    /// What a syringe change would do (its unconfirmed preview).
    case syringeChange(SyringeChangeSummary)
}

extension Response: Codable {
    enum CodingKeys: String, CodingKey {
        case v, id, ok, error, result, part
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        guard let version = try container.decodeWholeNumberIfPresent(forKey: .v) else {
            throw SchemaError(message: "The response has no protocol version field v.")
        }
        v = version
        id = try container.decodeIfPresent(String.self, forKey: .id)
        let ok = try container.decode(Bool.self, forKey: .ok)
        error = try container.decodeIfPresent(ProtocolError.self, forKey: .error)
        result = try container.decodeIfPresent(ResultPayload.self, forKey: .result)
        part = try container.decodeIfPresent(AnswerPart.self, forKey: .part)
        if part != nil && (!ok || result != nil) {
            throw SchemaError(message: "A response part carries neither a result nor an error.")
        }
        if ok != (error == nil) {
            throw SchemaError(message: ok ? "The response says ok but carries an error." : "The response says not ok but carries no error.")
        }
        if !ok && result != nil {
            throw SchemaError(message: "The response says not ok but carries a result.")
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(v, forKey: .v)
        if let id { try container.encode(id, forKey: .id) } else { try container.encodeNil(forKey: .id) }
        try container.encode(ok, forKey: .ok)
        try container.encodeIfPresent(error, forKey: .error)
        try container.encodeIfPresent(result, forKey: .result)
        try container.encodeIfPresent(part, forKey: .part)
    }
}

extension ResultPayload: Codable {
    enum CodingKeys: String, CodingKey, CaseIterable {
        case status, program, log, ack, sessions, report
        case syringeChange = "syringe_change"
    }

    private struct AckBody: Codable {
        var message: String
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        guard container.allKeys.count == 1, let key = container.allKeys.first else {
            let names = CodingKeys.allCases.map(\.stringValue).joined(separator: ", ")
            throw SchemaError(message: "The field result must hold exactly one of \(names).")
        }
        switch key {
        case .status: self = .status(try container.decode(StatusReport.self, forKey: key))
        case .program: self = .program(try container.decode(ProgramSummary.self, forKey: key))
        case .log: self = .log(try container.decode([LogEntryDTO].self, forKey: key))
        case .ack: self = .ack(message: try container.decode(AckBody.self, forKey: key).message)
        case .sessions: self = .sessions(try container.decode([SessionSummaryDTO].self, forKey: key))
        case .report: self = .report(try container.decode(SessionReportDTO.self, forKey: key))
        case .syringeChange: self = .syringeChange(try container.decode(SyringeChangeSummary.self, forKey: key))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        switch self {
        case let .status(report): try container.encode(report, forKey: .status)
        case let .program(program): try container.encode(program, forKey: .program)
        case let .log(entries): try container.encode(entries, forKey: .log)
        case let .ack(message): try container.encode(AckBody(message: message), forKey: .ack)
        case let .sessions(list): try container.encode(list, forKey: .sessions)
        case let .report(report): try container.encode(report, forKey: .report)
        case let .syringeChange(summary): try container.encode(summary, forKey: .syringeChange)
        }
    }
}
