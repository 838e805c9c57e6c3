// Issue 11 item 10: refusals read as sentences a nurse would say ("The pump is in alarm, not paused").
import Foundation
import PumpCore
@testable import PumpControl
import Testing

@Suite("Refusal wording")
struct RefusalWordingTests {
    @Test("HAZ-009: resume in alarm says 'The pump is in alarm, not paused'")
    func inAlarm() throws {
        let rig = Fixture.Rig()
        try rig.engine.start(Fixture.referenceSession())
        rig.engine.emergencyStop(source: "test")
        rig.clock.run(for: .milliseconds(10))
        #expect(rig.engine.state == .alarm)
        do {
            try rig.engine.resume()
            Issue.record("resume in alarm was accepted")
        } catch {
            #expect(error.message.hasPrefix("The pump is in alarm, not paused"), "\(error.message)")
        }
        #expect(PumpState.allCases.allSatisfy { !$0.phrase.isEmpty })
    }
}
