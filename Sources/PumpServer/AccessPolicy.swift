// Who may control the pump and who may only look (HAZ-009). Decisions use only kernel-reported peer
// credentials and the group database; nothing the client writes can change them. Deny by default: with no
// groups configured, only root (if allowed) can control or read.
// The monitor group (a patient-monitor bridge such as pump-hl7-bridge) may send `vitals` and nothing else, and
// membership is exclusive: a member is refused control and reading even if it is also in the nurse or observer
// group (the bridge's user needs the observer group only to reach the socket file). So a compromised bridge
// can feed readings, which the interlock treats like a nurse's, but can never start, titrate, resume or read.
import Foundation

/// Authorization of socket peers by group membership.
public struct AccessPolicy: Sendable {
    /// Members of this group may send control commands (program, start, titrate, stop, acknowledge...).
    public var controlGroupID: gid_t?
    /// Members of this group may read status and history; control-group members may too.
    public var readOnlyGroupID: gid_t?
    /// Members of this group may send only `vitals` (patient-monitor bridges), whatever other groups they are in.
    public var monitorGroupID: gid_t?
    /// Whether uid 0 is treated as a member of both groups.
    public var allowRoot: Bool
    /// Resolves the groups of a peer; defaults to the peer's primary group plus getgrouplist(3).
    public var groupsOfPeer: @Sendable (PeerCredentials) -> [gid_t]

    /// Creates a policy.
    public init(
        controlGroupID: gid_t?, readOnlyGroupID: gid_t?, monitorGroupID: gid_t? = nil, allowRoot: Bool = false,
        groupsOfPeer: @escaping @Sendable (PeerCredentials) -> [gid_t] = { $0.groups }
    ) {
        self.controlGroupID = controlGroupID
        self.readOnlyGroupID = readOnlyGroupID
        self.monitorGroupID = monitorGroupID
        self.allowRoot = allowRoot
        self.groupsOfPeer = groupsOfPeer
    }

    /// Creates a policy from group names; throws `LineServerError.unknownGroup` for a name that does not exist.
    public init(controlGroup: String?, readOnlyGroup: String?, monitorGroup: String? = nil, allowRoot: Bool = false) throws {
        func resolve(_ name: String?) throws -> gid_t? {
            guard let name else { return nil }
            guard let id = UserDatabase.groupID(named: name) else { throw LineServerError.unknownGroup(name) }
            return id
        }
        self.init(controlGroupID: try resolve(controlGroup), readOnlyGroupID: try resolve(readOnlyGroup),
                  monitorGroupID: try resolve(monitorGroup), allowRoot: allowRoot)
    }

    /// True if `peer` is a monitor bridge: in the monitor group (and not root with `allowRoot`).
    public func isMonitor(_ peer: PeerCredentials) -> Bool {
        if allowRoot && peer.uid == 0 { return false }
        guard let monitorGroupID else { return false }
        return groupsOfPeer(peer).contains(monitorGroupID)
    }

    /// True if `peer` may send `vitals`: a control peer or a monitor bridge.
    public func canSendVitals(_ peer: PeerCredentials) -> Bool {
        canControl(peer) || isMonitor(peer)
    }

    /// True if `peer` may send control commands (never a monitor bridge).
    public func canControl(_ peer: PeerCredentials) -> Bool {
        if allowRoot && peer.uid == 0 { return true }
        if isMonitor(peer) { return false }
        guard let controlGroupID else { return false }
        return groupsOfPeer(peer).contains(controlGroupID)
    }

    /// True if `peer` may read status and history (never a monitor bridge).
    public func canRead(_ peer: PeerCredentials) -> Bool {
        if canControl(peer) { return true }
        if isMonitor(peer) { return false }
        guard let readOnlyGroupID else { return false }
        return groupsOfPeer(peer).contains(readOnlyGroupID)
    }
}
