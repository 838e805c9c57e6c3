// Issue 11 item 2: control before observation. Observers can never take the slots reserved for control peers,
// so however many observer connections are held open, a nurse's estop still gets a connection and an answer.
import Foundation
import Testing
@testable import PumpServer

/// Whether newly accepted peers count as control peers (all test connections share one uid, so the test
/// flips this between the observer flood and the nurse's connection).
final class ControlSwitch: @unchecked Sendable {
    private let lock = NSLock()
    private var control = false
    var isOn: Bool {
        get { lock.withLock { control } }
        set { lock.withLock { control = newValue } }
    }
}

@Suite("Connection slots reserved for control")
struct ControlReserveTests {
    @Test("Observers holding every slot they may take leave the reserved slots to control peers; estop is answered")
    func observersCannotCrowdOutControl() async throws {
        let mode = ControlSwitch()
        let fixture = try await ServerFixture.start(maxConnections: 12, reservedControlConnections: 4,
                                                    isControlPeer: { _ in mode.isOn })
        let (observerReplies, controlReplies, overflow) = try await onThread {
            // 20 observers: 8 (12 - 4) are served and held open, the other 12 are refused.
            var held: [TestSocketClient] = []
            var replies: [String?] = []
            for index in 0..<20 {
                let client = try fixture.client()
                // A refused connection may already be closed when the line goes out; its one reply is still read.
                try? client.send("status \(index)\n")
                replies.append(try client.readLine())
                held.append(client)
            }
            mode.isOn = true
            // Every reserved slot is there for the nurse, immediately.
            var control: [String?] = []
            var nurses: [TestSocketClient] = []
            for index in 0..<4 {
                let nurse = try fixture.client()
                control.append(try nurse.request("estop \(index)"))
                nurses.append(nurse)
            }
            // The total limit still holds for control peers too.
            let extra = try fixture.client()
            let overflow = try extra.readLine()
            _ = held.count + nurses.count
            return (replies, control, overflow)
        }
        #expect(observerReplies.filter { $0?.hasPrefix("echo:status") == true }.count == 8)
        #expect(observerReplies.filter { $0 == ServerReply.tooManyConnections }.count == 12)
        #expect(controlReplies == (0..<4).map { "echo:estop \($0)" })
        #expect(overflow == ServerReply.tooManyConnections)
        await fixture.server.stop()
    }

    @Test("The reserve must leave observers at least one slot")
    func reserveValidated() async throws {
        await #expect(throws: LineServerError.self) {
            _ = try await ServerFixture.start(maxConnections: 4, reservedControlConnections: 4)
        }
    }
}
