// Configuration of the local control socket. Defaults are the safe ones: group-only access, bounded line
// length, bounded connection count and an idle timeout so that no client can hold resources forever (HAZ-009).
import Foundation

/// How the Unix-domain line server listens and what it tolerates from clients.
public struct LineServerConfiguration: Sendable, Hashable {
    /// Filesystem path of the socket (for pumpd: /run/pumpd/pumpd.sock).
    public var socketPath: String
    /// Permission bits applied to the socket file before it becomes reachable (default 0o660).
    public var socketMode: mode_t
    /// Group given ownership of the socket file, or nil to keep the daemon's primary group.
    public var socketGroup: String?
    /// Longest accepted line in bytes, excluding the newline; a longer line is answered with a
    /// `line-too-long` error and the connection is closed.
    public var maxLineBytes: Int
    /// A client that sends nothing for this long is disconnected.
    public var idleTimeout: Duration
    /// Most simultaneous connections; more are answered with a `too-many-connections` error and closed.
    public var maxConnections: Int
    /// Of `maxConnections`, how many only control peers may take (the server's `isControlPeer` decides), so
    /// observers can never crowd a nurse out; 0 shares every slot alike.
    public var reservedControlConnections: Int
    /// The most connections one uid outside the control group may hold (0: no per-uid cap).
    public var maxConnectionsPerObserverUID: Int

    /// Creates a configuration.
    public init(
        socketPath: String, socketMode: mode_t = 0o660, socketGroup: String? = nil, maxLineBytes: Int = 65_536,
        idleTimeout: Duration = .seconds(30), maxConnections: Int = 128, reservedControlConnections: Int = 0,
        maxConnectionsPerObserverUID: Int = 0
    ) {
        self.socketPath = socketPath
        self.socketMode = socketMode
        self.socketGroup = socketGroup
        self.maxLineBytes = maxLineBytes
        self.idleTimeout = idleTimeout
        self.maxConnections = maxConnections
        self.reservedControlConnections = reservedControlConnections
        self.maxConnectionsPerObserverUID = maxConnectionsPerObserverUID
    }
}

/// Why the line server could not start.
public enum LineServerError: Error, Equatable, Sendable, CustomStringConvertible {
    /// Something that is not a socket exists at the socket path; it is never removed.
    case pathIsNotASocket(String)
    /// Another process is accepting connections on the socket path (a second daemon must not take over).
    case alreadyServing(String)
    /// The configured socket group does not exist.
    case unknownGroup(String)
    /// The configuration is unusable.
    case invalidConfiguration(String)
    /// A system call failed.
    case system(call: String, path: String, errno: Int32)
    /// `start()` was called on a server that is running or stopped.
    case notStartable

    public var description: String {
        switch self {
        case let .pathIsNotASocket(path): return "\(path) exists and is not a socket; refusing to remove it"
        case let .alreadyServing(path): return "another process is serving \(path)"
        case let .unknownGroup(name): return "unknown socket group '\(name)'"
        case let .invalidConfiguration(detail): return "invalid line server configuration: \(detail)"
        case let .system(call, path, code): return "\(call)(\(path)) failed: \(String(cString: strerror(code)))"
        case .notStartable: return "line server can only be started once"
        }
    }
}
