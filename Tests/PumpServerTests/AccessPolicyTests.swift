import Foundation
import Testing
@testable import PumpServer

@Suite("Access policy")
struct AccessPolicyTests {
    private let nurseGroup: gid_t = 5001
    private let observerGroup: gid_t = 5002
    private let nurse = PeerCredentials(pid: 10, uid: 1001, gid: 1001)
    private let observer = PeerCredentials(pid: 11, uid: 1002, gid: 1002)
    private let stranger = PeerCredentials(pid: 12, uid: 1003, gid: 1003)
    private let root = PeerCredentials(pid: 13, uid: 0, gid: 0)

    private func policy(allowRoot: Bool) -> AccessPolicy {
        let nurseGroup = self.nurseGroup
        let observerGroup = self.observerGroup
        return AccessPolicy(controlGroupID: nurseGroup, readOnlyGroupID: observerGroup, allowRoot: allowRoot) { peer in
            switch peer.uid {
            case 1001: return [1001, nurseGroup, observerGroup]
            case 1002: return [1002, observerGroup]
            default: return [peer.gid]
            }
        }
    }

    @Test("HAZ-009: only the control group may control; the read-only group may only read")
    func groups() {
        let policy = policy(allowRoot: false)
        #expect(policy.canControl(nurse))
        #expect(policy.canRead(nurse))
        #expect(!policy.canControl(observer))
        #expect(policy.canRead(observer))
        #expect(!policy.canControl(stranger))
        #expect(!policy.canRead(stranger))
        #expect(!policy.canControl(root))
        #expect(!policy.canRead(root))
    }

    @Test("HAZ-009: a monitor-group member may send only vitals, even when it is also a nurse or observer")
    func monitorIsExclusive() {
        let nurseGroup = self.nurseGroup, observerGroup = self.observerGroup, monitorGroup: gid_t = 5003
        let bridge = PeerCredentials(pid: 14, uid: 1004, gid: 1004)
        let nurseBridge = PeerCredentials(pid: 15, uid: 1005, gid: 1005)
        let policy = AccessPolicy(controlGroupID: nurseGroup, readOnlyGroupID: observerGroup, monitorGroupID: monitorGroup,
                                  allowRoot: true) { peer in
            switch peer.uid {
            case 1001: return [1001, nurseGroup, observerGroup]
            case 1004: return [1004, monitorGroup, observerGroup]
            case 1005: return [1005, monitorGroup, nurseGroup]
            default: return [peer.gid]
            }
        }
        for peer in [bridge, nurseBridge] {
            #expect(policy.isMonitor(peer))
            #expect(policy.canSendVitals(peer))
            #expect(!policy.canControl(peer))
            #expect(!policy.canRead(peer))
        }
        #expect(policy.canSendVitals(nurse) && !policy.isMonitor(nurse))
        #expect(!policy.canSendVitals(observer))
        #expect(!policy.canSendVitals(stranger))
        #expect(policy.canControl(root) && !policy.isMonitor(root))
    }

    @Test("HAZ-009: root is allowed only when configured")
    func rootWhenAllowed() {
        #expect(policy(allowRoot: true).canControl(root))
        #expect(policy(allowRoot: true).canRead(root))
        #expect(!policy(allowRoot: true).canControl(stranger))
    }

    @Test("HAZ-009: with no groups configured nobody but allowed root gets in")
    func denyByDefault() {
        let closed = AccessPolicy(controlGroupID: nil, readOnlyGroupID: nil, allowRoot: false)
        #expect(!closed.canControl(nurse))
        #expect(!closed.canRead(nurse))
        #expect(!closed.canRead(root))
    }

    @Test("the default group lookup uses the group database (getgrouplist)")
    func realGroupLookup() throws {
        let me = PeerCredentials(pid: getpid(), uid: getuid(), gid: getgid())
        #expect(me.groups.contains(getgid()))
        let policy = AccessPolicy(controlGroupID: getgid(), readOnlyGroupID: nil)
        #expect(policy.canControl(me))
        let named = try AccessPolicy(
            controlGroup: try #require(getgrgid(getgid())?.pointee.gr_name.map { String(cString: $0) }),
            readOnlyGroup: nil)
        #expect(named.controlGroupID == getgid())
        #expect(throws: LineServerError.unknownGroup("no-such-group-pumpd-test")) {
            try AccessPolicy(controlGroup: "no-such-group-pumpd-test", readOnlyGroup: nil)
        }
    }
}
