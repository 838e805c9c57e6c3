// Who may control the pump and who may only look (HAZ-009). Decisions use only kernel-reported peer
// credentials and the group database; nothing the client writes can change them. Deny by default: with no
// groups configured, only root (if allowed) can control or read.
import Foundation

/// Authorization of socket peers by group membership.
public struct AccessPolicy: Sendable {
    /// Members of this group may send control commands (program, start, titrate, stop, acknowledge...).
    public var controlGroupID: gid_t?
    /// Members of this group may read status and history; control-group members may too.
    public var readOnlyGroupID: gid_t?
    /// Whether uid 0 is treated as a member of both groups.
    public var allowRoot: Bool
    /// Resolves the groups of a peer; defaults to the peer's primary group plus getgrouplist(3).
    public var groupsOfPeer: @Sendable (PeerCredentials) -> [gid_t]

    /// Creates a policy.
    public init(
        controlGroupID: gid_t?, readOnlyGroupID: gid_t?, allowRoot: Bool = false,
        groupsOfPeer: @escaping @Sendable (PeerCredentials) -> [gid_t] = { $0.groups }
    ) {
        self.controlGroupID = controlGroupID
        self.readOnlyGroupID = readOnlyGroupID
        self.allowRoot = allowRoot
        self.groupsOfPeer = groupsOfPeer
    }

    /// Creates a policy from group names; throws `LineServerError.unknownGroup` for a name that does not exist.
    public init(controlGroup: String?, readOnlyGroup: String?, allowRoot: Bool = false) throws {
        func resolve(_ name: String?) throws -> gid_t? {
            guard let name else { return nil }
            guard let id = UserDatabase.groupID(named: name) else { throw LineServerError.unknownGroup(name) }
            return id
        }
        self.init(controlGroupID: try resolve(controlGroup), readOnlyGroupID: try resolve(readOnlyGroup),
                  allowRoot: allowRoot)
    }

    /// True if `peer` may send control commands.
    public func canControl(_ peer: PeerCredentials) -> Bool {
        if allowRoot && peer.uid == 0 { return true }
        guard let controlGroupID else { return false }
        return groupsOfPeer(peer).contains(controlGroupID)
    }

    /// True if `peer` may read status and history.
    public func canRead(_ peer: PeerCredentials) -> Bool {
        if canControl(peer) { return true }
        guard let readOnlyGroupID else { return false }
        return groupsOfPeer(peer).contains(readOnlyGroupID)
    }
}
