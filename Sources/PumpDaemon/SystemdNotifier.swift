// sd_notify(3) in pure Swift: one datagram to the AF_UNIX socket named by $NOTIFY_SOCKET.
//
// Written by hand (40 lines) instead of linking libsystemd: the protocol is a single sendto() of
// "KEY=VALUE\n" lines, and avoiding the C dependency keeps the daemon buildable and testable anywhere.
// An address starting with '@' is in the abstract namespace (leading NUL). Without $NOTIFY_SOCKET (not run
// by systemd) every call is a no-op that reports false.
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Sends readiness, status and watchdog notifications to systemd.
public struct SystemdNotifier: Sendable {
    /// The notification socket path, if running under systemd with Type=notify.
    public let socketPath: String?

    /// Reads $NOTIFY_SOCKET from the environment (or uses `socketPath` for tests).
    public init(socketPath: String? = ProcessInfo.processInfo.environment["NOTIFY_SOCKET"]) {
        self.socketPath = socketPath.flatMap { $0.isEmpty ? nil : $0 }
    }

    /// The watchdog interval systemd expects pings at ($WATCHDOG_USEC), if enabled for this process.
    public static func watchdogInterval(environment: [String: String] = ProcessInfo.processInfo.environment) -> Duration? {
        guard let text = environment["WATCHDOG_USEC"], let usec = UInt64(text), usec > 0 else { return nil }  // checked: failable parses of strings
        if let pid = environment["WATCHDOG_PID"], let value = Int32(pid), value != getpid() { return nil }  // checked: failable parse of a string
        return .microseconds(Int64(usec))  // checked: WATCHDOG_USEC is microseconds from systemd, far below 2^63
    }

    /// Sends `state` (e.g. "READY=1\nSTATUS=idle"). Returns whether the datagram was sent.
    @discardableResult
    public func notify(_ state: String) -> Bool {
        guard let socketPath else { return false }
        let fd = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)  // checked: C constants
        guard fd >= 0 else { return false }
        defer { close(fd) }
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        var pathBytes = Array(socketPath.utf8)
        if pathBytes.first == UInt8(ascii: "@") { pathBytes[0] = 0 }
        let capacity = MemoryLayout.size(ofValue: address.sun_path)
        guard pathBytes.count < capacity else { return false }
        withUnsafeMutableBytes(of: &address.sun_path) { buffer in
            for (index, byte) in pathBytes.enumerated() { buffer[index] = byte }
        }
        let length = socklen_t(MemoryLayout<sa_family_t>.size + pathBytes.count)
        let bytes = Array(state.utf8)
        let sent = withUnsafePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { socketAddress in
                sendto(fd, bytes, bytes.count, Int32(MSG_NOSIGNAL), socketAddress, length)  // checked: C constant
            }
        }
        return sent == bytes.count
    }
}
