// What the request handler receives: one complete line and who sent it.
import Foundation

/// One complete request line from a client, with the client's kernel-reported credentials.
public struct LineRequest: Sendable, Hashable {
    /// The line, without its terminating newline (and carriage return); valid UTF-8, at most the configured
    /// number of bytes. Its content is not validated: it may be any text.
    public var line: String
    /// Who sent it (SO_PEERCRED at connect time).
    public var peer: PeerCredentials

    /// Creates a request.
    public init(line: String, peer: PeerCredentials) {
        self.line = line
        self.peer = peer
    }
}
