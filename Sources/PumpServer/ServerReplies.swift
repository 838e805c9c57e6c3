// The few replies the transport itself sends, in the protocol's error shape
// {"v":1,"ok":false,"error":{"code":…,"message":…}} (kept here as literals so PumpServer does not depend on
// the message types). Every reply is exactly one line.
import Foundation

/// Error lines written by the line server without involving the request handler.
public enum ServerReply {
    /// The line exceeded the configured limit; the connection is closed after this reply.
    public static func lineTooLong(limit: Int) -> String {
        error(code: "line-too-long", message: "request line longer than \(limit) bytes; connection closed")
    }

    /// The line was not valid UTF-8; the connection stays open.
    public static let invalidUTF8 = error(code: "malformed", message: "request line is not valid UTF-8")

    /// The server is at its connection limit; the connection is closed after this reply.
    public static let tooManyConnections = error(
        code: "too-many-connections", message: "too many connections; try again later")

    /// This user (outside the control group) already holds its share of connections.
    public static func tooManyConnectionsForUser(limit: Int) -> String {
        error(code: "too-many-connections",
              message: "this user already holds \(limit) connections, the most one observer may have; close some and try again")
    }

    /// The client sent nothing for too long; the connection is closed after this reply.
    public static let idleTimeout = error(code: "idle-timeout", message: "no request within the idle timeout")

    /// The request handler's reply contained a line break and could not be sent as one line.
    public static let internalError = error(code: "internal", message: "the daemon produced an invalid reply")

    /// One error line with the given code and message (both JSON-escaped).
    public static func error(code: String, message: String) -> String {
        #"{"v":1,"ok":false,"error":{"code":"# + quoted(code) + #","message":"# + quoted(message) + "}}"
    }

    /// A JSON string literal for `text`.
    static func quoted(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case _ where scalar.value < 0x20: out += String(format: "\\u%04x", scalar.value)
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }
}
