// Who caused a journal record: a socket peer identified by SO_PEERCRED (uid/gid/pid as the kernel reported
// them, never as the client claimed) or the daemon itself. Named `JournalActor` rather than `Actor` so that it
// does not shadow Swift's `Actor` protocol in every file that imports PumpJournal.
import Foundation

/// The originator of a journal record.
public struct JournalActor: Sendable, Hashable, Codable {
    /// Kernel-reported user id of the peer, or nil for the daemon's own records.
    public var uid: UInt32?
    /// Kernel-reported primary group id of the peer.
    public var gid: UInt32?
    /// Kernel-reported process id of the peer (at connect time).
    public var pid: Int32?
    /// A human-readable name: the user name for a peer, "pumpd" for the daemon.
    public var name: String

    /// Creates an actor record.
    public init(uid: UInt32? = nil, gid: UInt32? = nil, pid: Int32? = nil, name: String) {
        self.uid = uid
        self.gid = gid
        self.pid = pid
        self.name = name
    }

    /// The daemon itself (automatic events such as alarms, checkpoints, interruptions).
    public static let daemon = JournalActor(name: "pumpd")
}
