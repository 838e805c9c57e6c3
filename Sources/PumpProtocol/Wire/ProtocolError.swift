// The error object of a failed response.
import Foundation

/// A stable, greppable error code. Unknown codes from a newer daemon decode unchanged.
public struct ErrorCode: RawRepresentable, Hashable, Sendable, Codable, CustomStringConvertible {
    public let rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }
    public var description: String { rawValue }

    /// The daemon refused the command (a hard limit, a cap, an alarm that blocks it).
    public static let refused = ErrorCode(rawValue: "refused")
    /// A soft limit was exceeded and no override reason was given.
    public static let needsOverride = ErrorCode(rawValue: "needs-override")
    /// The message was malformed (not JSON, wrong types, unknown fields, broken protocol rules).
    public static let badRequest = ErrorCode(rawValue: "bad-request")
    /// The message carries a protocol version this side does not speak.
    public static let unsupportedVersion = ErrorCode(rawValue: "unsupported-version")
    /// The line exceeded `LineCodec.maxLineBytes`.
    public static let lineTooLong = ErrorCode(rawValue: "line-too-long")
    /// The peer is not allowed to issue this command.
    public static let permissionDenied = ErrorCode(rawValue: "permission-denied")
    /// The command does not apply in the current state (e.g. `resume` while running).
    public static let invalidState = ErrorCode(rawValue: "invalid-state")
    /// The daemon failed internally; the motor state is reported by `status`.
    public static let `internal` = ErrorCode(rawValue: "internal")
}

/// Why a request failed: a stable code, one sentence, and the findings behind a refusal.
public struct ProtocolError: Error, Sendable, Equatable, Codable {
    /// Stable code for scripts.
    public var code: ErrorCode
    /// One sentence for the nurse: what was refused and why (which limit, which value).
    public var message: String
    /// The limit findings behind a refusal, when there are any.
    public var findings: [FindingDTO]?

    /// Creates an error.
    public init(code: ErrorCode, message: String, findings: [FindingDTO]? = nil) {
        self.code = code
        self.message = message
        self.findings = findings
    }
}

/// One observation about a program: a warning, a soft limit or a hard limit.
public struct FindingDTO: Sendable, Equatable, Codable {
    /// How serious it is.
    public var kind: FindingKind
    /// The stable name of the limit, e.g. `max_rate_mg_per_kg_per_h`.
    public var limit: String
    /// One sentence naming the limit and the value, e.g. "1.20 mg/kg is above the soft limit of 1.00 mg/kg."
    public var message: String

    /// Creates a finding.
    public init(kind: FindingKind, limit: String, message: String) {
        self.kind = kind
        self.limit = limit
        self.message = message
    }
}
