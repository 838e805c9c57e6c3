// The write-ahead delivery lease in virtual time: no step passes beyond what the recorder has durably granted,
// grants from an earlier arm are ignored, and a healthy recorder costs the infusion nothing.
import Foundation
import PumpCore
@testable import PumpControl
import Testing

/// A lease recorder whose "journal" answers after a delay on the virtual clock, or never, and remembers every
/// ceiling it recorded.
final class ScriptedLeaseRecorder: DeliveryLeaseRecorder, @unchecked Sendable {
    let clock: VirtualScheduler
    var latency: MonotonicDuration = .milliseconds(5)
    var answers = true
    var succeeds = true
    private(set) var recorded: [Steps] = []
    private var held: [(ceiling: Steps, completion: @Sendable (Bool) -> Void)] = []

    init(clock: VirtualScheduler) { self.clock = clock }

    func recordLease(delivered: Steps, ceiling: Steps, completion: @escaping @Sendable (Bool) -> Void) {
        guard answers else {
            held.append((ceiling, completion))
            return
        }
        let ok = succeeds
        clock.schedule(at: clock.now() + latency) { [weak self] in
            if ok { self?.recorded.append(ceiling) }
            completion(ok)
        }
    }

    /// Answers the requests held while `answers` was false: all recorded as requested.
    func releaseHeld() {
        let pending = held
        held.removeAll()
        for request in pending {
            recorded.append(request.ceiling)
            request.completion(true)
        }
    }
}

@Suite("Delivery lease")
struct DeliveryLeaseTests {
    @Test("HAZ-010: with a healthy journal the reference infusion still delivers exactly and ends at 40:00")
    func healthyLeaseCostsNothing() throws {
        let rig = Fixture.Rig()
        let leases = ScriptedLeaseRecorder(clock: rig.clock)
        rig.engine.leaseRecorder = leases
        let session = Fixture.referenceSession()
        // The bound at every instant: each step, as it reaches the motor, must lie within the highest ceiling
        // the journal had durably recorded by then.
        var stepsChecked: Int64 = 0
        var beyondCeiling: [Int64] = []
        rig.hardware.onForwardStep = { count in
            stepsChecked += 1
            if count > (leases.recorded.map(\.count).max() ?? 0) { beyondCeiling.append(count) }
        }
        try rig.engine.start(session)
        rig.runUntil(minutes: 45)
        #expect(rig.engine.state == .completed)
        #expect(rig.hardware.forwardSteps == session.targetSteps.count)
        let last = try #require(rig.hardware.stepTimes.last)
        #expect(abs(last.minutes - 40) * 60 < 0.1, "last step at \(last.minutes) min")
        #expect(rig.events.raised.allSatisfy { $0.priority < .high }, "no high-priority alarm: \(rig.events.raised)")
        // The bound holds at every instant: never a step beyond the highest ceiling recorded before it.
        #expect(stepsChecked == rig.hardware.forwardSteps)
        #expect(beyondCeiling.isEmpty, "steps beyond the recorded ceiling: \(beyondCeiling.prefix(5))")
        // The lease was renewed in slices (so the per-step bound was not trivially the whole target).
        #expect(leases.recorded.count > 2)
        #expect((leases.recorded.first?.count ?? 0) < session.targetSteps.count)
    }

    @Test("HAZ-010: a journal that never answers lets no step through, and the infusion stays armed but still")
    func noLeaseNoSteps() throws {
        let rig = Fixture.Rig()
        let leases = ScriptedLeaseRecorder(clock: rig.clock)
        leases.answers = false
        rig.engine.leaseRecorder = leases
        try rig.engine.start(Fixture.referenceSession())
        rig.run(minutes: 0.5)
        #expect(rig.hardware.forwardSteps == 0)
        #expect(rig.engine.supervisor.deliveredSteps == .zero)
    }

    @Test("HAZ-010: delivery never passes the last durably recorded ceiling while the journal stalls")
    func stalledJournalHoldsAtCeiling() throws {
        let rig = Fixture.Rig()
        let leases = ScriptedLeaseRecorder(clock: rig.clock)
        rig.engine.leaseRecorder = leases
        var beyondCeiling: [Int64] = []
        rig.hardware.onForwardStep = { count in
            if count > (leases.recorded.map(\.count).max() ?? 0) { beyondCeiling.append(count) }
        }
        try rig.engine.start(Fixture.referenceSession())
        rig.run(minutes: 1)
        leases.answers = false
        rig.run(minutes: 1)
        #expect(beyondCeiling.isEmpty, "steps beyond the recorded ceiling: \(beyondCeiling.prefix(5))")
        let ceiling = try #require(leases.recorded.map(\.count).max())
        #expect(Int64(rig.hardware.forwardSteps) == ceiling, "delivery stops exactly at the recorded ceiling")
        #expect(rig.engine.state == .running)
    }

    @Test("HAZ-010: a lease recorded for an earlier arm is not honoured after pause and resume")
    func staleGenerationIgnored() throws {
        let rig = Fixture.Rig()
        let leases = ScriptedLeaseRecorder(clock: rig.clock)
        rig.engine.leaseRecorder = leases
        try rig.engine.start(Fixture.referenceSession())
        rig.run(minutes: 1)
        leases.answers = false
        rig.run(minutes: 0.1)
        try rig.engine.pause()
        let atPause = rig.engine.supervisor.deliveredSteps
        #expect(rig.engine.supervisor.deliveryLeaseCeiling == atPause, "pausing revokes the unused lease")
        try rig.engine.resume()
        // The request from before the pause (a ceiling above `atPause`) is answered now: it must not open the
        // gate for this arm.
        leases.releaseHeld()
        #expect((leases.recorded.last?.count ?? 0) > atPause.count)
        rig.run(minutes: 0.1)
        #expect(rig.engine.supervisor.deliveredSteps == atPause)
        leases.answers = true
        leases.releaseHeld()
        rig.run(minutes: 0.5)
        #expect(rig.engine.supervisor.deliveredSteps > atPause, "a fresh lease for this arm lets delivery continue")
    }

    @Test("Lease sizing: renew below half a window, never beyond the session cap")
    func policy() {
        let policy = DeliveryLeasePolicy(window: .seconds(Int64(2)), cappedRate: StepsPerSecond(100), burst: 4)
        #expect(policy.windowSteps == 204)
        #expect(policy.renewal(delivered: Steps(0), ceiling: Steps(0), cap: Steps(10_000)) == Steps(204))
        #expect(policy.renewal(delivered: Steps(50), ceiling: Steps(204), cap: Steps(10_000)) == nil)
        #expect(policy.renewal(delivered: Steps(150), ceiling: Steps(204), cap: Steps(10_000)) == Steps(354))
        #expect(policy.renewal(delivered: Steps(9_950), ceiling: Steps(9_990), cap: Steps(10_000)) == Steps(10_000))
        #expect(policy.renewal(delivered: Steps(9_990), ceiling: Steps(10_000), cap: Steps(10_000)) == nil)
    }
}
