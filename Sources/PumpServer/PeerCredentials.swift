// Who is on the other end of a connection, as the kernel saw it at connect time (SO_PEERCRED). These values
// cannot be forged by the client, unlike anything it writes in a request (HAZ-009).
// SwiftNIO does not expose the file descriptor, but every NIO socket channel conforms to
// `SocketOptionProvider`, whose `unsafeGetSocketOption` runs getsockopt(2) on the channel's own descriptor on
// its event loop: that is how SO_PEERCRED is read here. Glibc's `struct ucred` is only declared with
// _GNU_SOURCE, so its fixed Linux layout {pid_t, uid_t, gid_t} is mirrored below.
import Foundation
import NIOCore

/// The kernel-reported identity of a connected peer.
public struct PeerCredentials: Sendable, Hashable, CustomStringConvertible {
    /// Process id of the peer at connect time.
    public var pid: Int32
    /// Effective user id of the peer.
    public var uid: UInt32
    /// Effective primary group id of the peer.
    public var gid: UInt32

    /// Creates credentials (for tests and for the daemon's own actions).
    public init(pid: Int32, uid: UInt32, gid: UInt32) {
        self.pid = pid
        self.uid = uid
        self.gid = gid
    }

    /// The peer's user name from the user database, or nil if the uid has no entry.
    public var userName: String? { UserDatabase.userName(uid: uid) }

    /// The peer's primary group plus the supplementary groups of its user in the group database
    /// (getgrouplist(3)). This reflects the group database, not the groups of the running peer process.
    public var groups: [gid_t] { UserDatabase.groups(uid: uid, primaryGroup: gid) }

    /// True if the peer's user is a member of `group` (primary or supplementary).
    public func isMember(of group: gid_t) -> Bool { groups.contains(group) }

    public var description: String { "pid \(pid) uid \(uid) gid \(gid)" }

    /// Linux `struct ucred`.
    private struct RawCredentials: Sendable {
        var pid: Int32 = 0
        var uid: UInt32 = 0
        var gid: UInt32 = 0
    }

    /// Reads SO_PEERCRED from an accepted socket channel. Must be awaited or chained on the channel's loop.
    static func read(from channel: Channel) -> EventLoopFuture<PeerCredentials> {
        guard let provider = channel as? SocketOptionProvider, MemoryLayout<RawCredentials>.size == 12 else {
            return channel.eventLoop.makeFailedFuture(
                LineServerError.system(call: "getsockopt(SO_PEERCRED)", path: "", errno: ENOTSUP))
        }
        let future: EventLoopFuture<RawCredentials> = provider.unsafeGetSocketOption(
            level: .socket, name: NIOBSDSocket.Option(rawValue: SO_PEERCRED))
        return future.map { PeerCredentials(pid: $0.pid, uid: $0.uid, gid: $0.gid) }
    }
}
