// One request line: `{"v":1,"id":"…","command":"…","params":{…}}`.
import Foundation

/// A request from a client to pumpd. Encoded as one JSON object on one line.
public struct Request: Sendable, Equatable {
    /// Protocol version; `protocolVersion` for every request this module builds.
    public var v: Int
    /// Client-chosen correlation id, echoed in the response.
    public var id: String
    /// What to do.
    public var command: Command
    /// How many part lines the client reassembles when the answer is longer than one line (`max_parts`,
    /// 1…`AnswerParts.maxParts`); nil or 1: the answer must fit one line (the behaviour before parts existed).
    /// An older pumpd refuses the key ("Unknown field"), so a newer client never misreads an older daemon.
    public var maxParts: Int?

    /// Creates a request at the current protocol version.
    public init(id: String, command: Command, v: Int = protocolVersion, maxParts: Int? = nil) {
        self.v = v
        self.id = id
        self.command = command
        self.maxParts = maxParts
    }
}

extension Request: Codable {
    enum CodingKeys: String, CodingKey, CaseIterable {
        case v, id, command, params
        case maxParts = "max_parts"
    }

    public init(from decoder: any Decoder) throws {
        // HAZ-009: requests are strict; an unknown key is an error, never ignored.
        try decoder.rejectUnknownKeys(allowed: Set(CodingKeys.allCases.map(\.stringValue)))
        let container = try decoder.container(keyedBy: CodingKeys.self)
        guard let version = try container.decodeWholeNumberIfPresent(forKey: .v) else {
            throw SchemaError(message: "The request has no protocol version field v.")
        }
        v = version
        id = try container.decode(String.self, forKey: .id)
        let rawName = try container.decode(String.self, forKey: .command)
        guard let name = CommandName(rawValue: rawName) else {
            throw SchemaError(message: "Unknown command \"\(printable(rawName, limit: 40))\" in protocol version \(protocolVersion).")
        }
        command = try Self.decodeCommand(name, from: container)
        maxParts = try container.decodeWholeNumberIfPresent(forKey: .maxParts)
    }

    private static func decodeCommand(_ name: CommandName, from container: KeyedDecodingContainer<CodingKeys>) throws -> Command {
        if container.contains(.params), try !container.decodeNil(forKey: .params) {
            let params = try container.superDecoder(forKey: .params)
            try params.rejectUnknownKeys(allowed: name.parameterKeys)
        }
        switch name {
        case .validate: return .validate(try container.decode(StartParameters.self, forKey: .params))
        case .start: return .start(try container.decode(StartParameters.self, forKey: .params))
        case .titrate: return .titrate(try container.decode(TitrateParameters.self, forKey: .params))
        case .status: return .status
        case .pause: return .pause
        case .resume: return .resume
        case .stop: return .stop
        case .estop: return .estop
        case .ack:
            let params = try smallParameters(container)
            return .ack(code: try params?.decodeIfPresent(String.self, forKey: .code))
        case .silence:
            let params = try smallParameters(container)
            return .silence(code: try params?.decodeIfPresent(String.self, forKey: .code))
        case .verify:
            let params = try smallParameters(container)
            return .verify(confirmed: try params?.decodeIfPresent(Bool.self, forKey: .confirmed) ?? false)
        case .resumeInterrupted:
            guard let params = try smallParameters(container) else {
                throw SchemaError(message: "The request is missing the field params.confirmed.")
            }
            return .resumeInterrupted(
                confirmed: try params.decode(Bool.self, forKey: .confirmed),
                overrideReason: try params.decodeIfPresent(String.self, forKey: .overrideReason)
            )
        case .log:
            let params = try smallParameters(container)
            return .log(
                since: try params?.decodeIfPresent(Date.self, forKey: .since),
                limit: try params?.decodeWholeNumberIfPresent(forKey: .limit)
            )
        case .simInject:
            guard let params = try smallParameters(container) else {
                throw SchemaError(message: "The request is missing the field params.fault.")
            }
            return .simInject(fault: try params.decode(SimFault.self, forKey: .fault))
        case .sessions:
            let params = try smallParameters(container)
            return .sessions(
                patientId: try params?.decodeIfPresent(String.self, forKey: .patientId),
                limit: try params?.decodeWholeNumberIfPresent(forKey: .limit)
            )
        case .reportData:
            let params = try smallParameters(container)
            return .reportData(sessionId: try params?.decodeIfPresent(String.self, forKey: .sessionId))
        case .vitals: return .vitals(try container.decode(VitalsParameters.self, forKey: .params))
        case .syringeChange: return .syringeChange(try container.decode(SyringeChangeParameters.self, forKey: .params))
        }
    }

    private static func smallParameters(
        _ container: KeyedDecodingContainer<CodingKeys>
    ) throws -> KeyedDecodingContainer<SmallParameterKey>? {
        guard container.contains(.params), try !container.decodeNil(forKey: .params) else { return nil }
        return try container.nestedContainer(keyedBy: SmallParameterKey.self, forKey: .params)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(v, forKey: .v)
        try container.encode(id, forKey: .id)
        try container.encode(command.name.rawValue, forKey: .command)
        try container.encodeIfPresent(maxParts, forKey: .maxParts)
        switch command {
        case let .validate(parameters), let .start(parameters):
            try container.encode(parameters, forKey: .params)
        case let .titrate(parameters):
            try container.encode(parameters, forKey: .params)
        case let .vitals(parameters):
            try container.encode(parameters, forKey: .params)
        case let .syringeChange(parameters):
            try container.encode(parameters, forKey: .params)
        case .status, .pause, .resume, .stop, .estop:
            break
        case let .ack(code), let .silence(code):
            var params = container.nestedContainer(keyedBy: SmallParameterKey.self, forKey: .params)
            try params.encodeIfPresent(code, forKey: .code)
        case let .verify(confirmed):
            var params = container.nestedContainer(keyedBy: SmallParameterKey.self, forKey: .params)
            try params.encode(confirmed, forKey: .confirmed)
        case let .resumeInterrupted(confirmed, overrideReason):
            var params = container.nestedContainer(keyedBy: SmallParameterKey.self, forKey: .params)
            try params.encode(confirmed, forKey: .confirmed)
            try params.encodeIfPresent(overrideReason, forKey: .overrideReason)
        case let .log(since, limit):
            var params = container.nestedContainer(keyedBy: SmallParameterKey.self, forKey: .params)
            try params.encodeIfPresent(since, forKey: .since)
            try params.encodeIfPresent(limit, forKey: .limit)
        case let .simInject(fault):
            var params = container.nestedContainer(keyedBy: SmallParameterKey.self, forKey: .params)
            try params.encode(fault, forKey: .fault)
        case let .sessions(patientId, limit):
            var params = container.nestedContainer(keyedBy: SmallParameterKey.self, forKey: .params)
            try params.encodeIfPresent(patientId, forKey: .patientId)
            try params.encodeIfPresent(limit, forKey: .limit)
        case let .reportData(sessionId):
            var params = container.nestedContainer(keyedBy: SmallParameterKey.self, forKey: .params)
            try params.encodeIfPresent(sessionId, forKey: .sessionId)
        }
    }
}
