// Sensitivity tests: inject a planner fault, show the supervisor's cap stops it, then disable exactly that
// cap (test-only API) and show that the hazard then happens. This proves each test can fail.
import Foundation
@_spi(Testing) import PumpCore
@_spi(Testing) @testable import PumpControl
import Testing

@Suite("Sensitivity: each cap is what prevents its hazard")
struct SensitivityTests {
    private func rig(disabling checks: Set<SafetyCheck>) -> Fixture.Rig {
        var configuration = EngineConfiguration()
        configuration.supervisor.disabledChecksForTesting = checks
        return Fixture.Rig(configuration: configuration)
    }

    private func rig(disabling check: SafetyCheck?) -> Fixture.Rig { rig(disabling: check.map { [$0] } ?? []) }

    @Test("HAZ-002: a planner that overshoots trips target-exceeded at target + 1 step; without the gate's target check it delivers past the target")
    func programmedTarget() throws {
        let session = Fixture.referenceSession()
        let target = session.targetSteps.count
        let guarded = rig(disabling: nil)
        guarded.engine.extraTargetStepsForTesting = 10_000
        try guarded.engine.start(session)
        guarded.runUntil(minutes: 60)
        #expect(guarded.hardware.forwardSteps == target, "exactly the target, the step past it was refused")
        #expect(guarded.alarmCodes.contains(.targetExceeded))
        #expect(!guarded.hardware.enabled)
        #expect(guarded.engine.state == .alarm)

        let unguarded = rig(disabling: .programmedTarget)
        unguarded.engine.extraTargetStepsForTesting = 10_000
        try unguarded.engine.start(session)
        unguarded.runUntil(minutes: 60)
        #expect(unguarded.hardware.forwardSteps > target, "with the target check disabled drug flows past the target")
    }

    @Test("HAZ-002: a planner that overshoots its target is stopped at the session cap when the target check is off; without the cap it overdoses")
    func totalCap() throws {
        let session = Fixture.referenceSession(volume: Milliliters(69), minutes: 40)
        let cap = session.limits.maxTotalSteps.count
        let guarded = rig(disabling: [.programmedTarget])
        guarded.engine.extraTargetStepsForTesting = cap
        try guarded.engine.start(session)
        guarded.runUntil(minutes: 60)
        #expect(guarded.hardware.forwardSteps == cap)
        #expect(guarded.alarmCodes.contains(.doseCapExceeded) || guarded.alarmCodes.contains(.volumeCapExceeded))

        let unguarded = rig(disabling: [.totalCap, .programmedTarget])
        unguarded.engine.extraTargetStepsForTesting = cap
        try unguarded.engine.start(session)
        unguarded.runUntil(minutes: 60)
        #expect(unguarded.hardware.forwardSteps > cap, "with the cap disabled the overdose happens")
    }

    @Test("HAZ-001: a planner commanding 3× the rate trips the rate cap; without the cap it infuses too fast")
    func rateCap() throws {
        let session = Fixture.referenceSession()
        let guarded = rig(disabling: nil)
        guarded.engine.rateMultiplierForTesting = 3
        try guarded.engine.start(session)
        guarded.runUntil(minutes: 2)
        #expect(guarded.alarmCodes.contains(.rateCapExceeded))
        #expect(!guarded.hardware.enabled)
        let capPerMinute = session.limits.maxStepRate.value * 60
        #expect(Double(guarded.hardware.forwardSteps) <= capPerMinute * 2 + 10)

        let unguarded = rig(disabling: .rateCap)
        unguarded.engine.rateMultiplierForTesting = 3
        try unguarded.engine.start(session)
        unguarded.runUntil(minutes: 2)
        #expect(Double(unguarded.hardware.forwardSteps) > capPerMinute * 2 * 1.2, "without the cap the rate exceeds it")
    }

    @Test("HAZ-008: with the heartbeat check disabled a starved loop keeps stepping")
    func heartbeat() throws {
        let unguarded = rig(disabling: .heartbeat)
        try unguarded.engine.start(Fixture.referenceSession())
        unguarded.runUntil(minutes: 1)
        unguarded.engine.suppressTicksUntilForTesting = unguarded.clock.now() + .seconds(Int64(10))
        let before = unguarded.hardware.forwardSteps
        unguarded.run(minutes: 0.1)
        #expect(!unguarded.alarmCodes.contains(.heartbeatMissed))
        #expect(unguarded.hardware.forwardSteps > before, "the unsupervised emitter keeps running")
    }

    @Test("HAZ-005: a failing STEP line trips at once with ENABLE off; with hardware-error handling disabled the motor stays enabled while no drug moves")
    func hardwareErrors() throws {
        let guarded = rig(disabling: nil)
        try guarded.engine.start(Fixture.referenceSession())
        guarded.runUntil(minutes: 1)
        guarded.hardware.failingOperation = .step
        guarded.runUntil(minutes: 2)
        #expect(guarded.alarmCodes.contains(.hardwareFailure))
        #expect(!guarded.hardware.enabled, "the guarded pump turned the motor off")

        let unguarded = rig(disabling: .hardwareErrors)
        try unguarded.engine.start(Fixture.referenceSession())
        unguarded.runUntil(minutes: 1)
        let movedBefore = unguarded.hardware.forwardSteps
        unguarded.hardware.failingOperation = .step
        unguarded.runUntil(minutes: 2)
        // The harm: ENABLE stays on and the pump still says running, while the plunger did not move for a minute.
        #expect(unguarded.hardware.enabled, "without the check the motor is left enabled")
        #expect(unguarded.engine.state == .running)
        #expect(unguarded.hardware.forwardSteps == movedBefore, "no drug moved during the failure, unnoticed")
    }

    @Test("HAZ-010: with a stalled journal the lease holds delivery at the journalled ceiling; without the lease check a kill now would leave delivery beyond what the journal knows")
    func deliveryLease() throws {
        let guarded = rig(disabling: nil)
        let guardedLeases = ScriptedLeaseRecorder(clock: guarded.clock)
        guarded.engine.leaseRecorder = guardedLeases
        try guarded.engine.start(Fixture.referenceSession())
        guarded.run(minutes: 1)
        guardedLeases.answers = false
        guarded.run(minutes: 1)
        let guardedCeiling = try #require(guardedLeases.recorded.map(\.count).max())
        #expect(Int64(guarded.hardware.forwardSteps) <= guardedCeiling)

        let unguarded = rig(disabling: .deliveryLease)
        let leases = ScriptedLeaseRecorder(clock: unguarded.clock)
        unguarded.engine.leaseRecorder = leases
        try unguarded.engine.start(Fixture.referenceSession())
        unguarded.run(minutes: 1)
        leases.answers = false
        unguarded.run(minutes: 1)
        // The harm: the motor moved well past the highest ceiling the journal holds, so after a power cut the
        // journal (checkpoint + lease) would under-state what the patient received.
        let ceiling = leases.recorded.map(\.count).max() ?? 0
        #expect(Int64(unguarded.hardware.forwardSteps) > ceiling + 1_000,
                "delivered \(unguarded.hardware.forwardSteps) steps against a journalled ceiling of \(ceiling)")
    }

    @Test("HAZ-011: an e-stop whose edge was missed is caught by the polled input and the motor goes off; without the polled check the motor is left on and drug keeps flowing")
    func polledEmergencyStop() throws {
        let guarded = rig(disabling: nil)
        try guarded.engine.start(Fixture.referenceSession())
        guarded.run(minutes: 1)
        guarded.hardware.inputs.emergencyStopPressed = true  // no edge event: only the poll can see it
        guarded.run(minutes: 0.1)
        let atStop = guarded.hardware.forwardSteps
        #expect(guarded.alarmCodes.contains(.emergencyStop))
        #expect(!guarded.hardware.enabled, "the guarded pump turned the motor off")
        guarded.run(minutes: 1)
        #expect(guarded.hardware.forwardSteps == atStop, "no step after the e-stop")

        let unguarded = rig(disabling: .emergencyStop)
        try unguarded.engine.start(Fixture.referenceSession())
        unguarded.run(minutes: 1)
        unguarded.hardware.inputs.emergencyStopPressed = true
        unguarded.run(minutes: 0.1)
        let pressedAt = unguarded.hardware.forwardSteps
        unguarded.run(minutes: 1)
        // The harm: the button is held down, ENABLE is still on and the plunger keeps moving.
        #expect(unguarded.hardware.enabled, "without the polled check the motor is left on")
        #expect(unguarded.hardware.forwardSteps > pressedAt + 1_000, "drug keeps flowing with the e-stop pressed")
    }

    @Test("HAZ-014: a journal whose lease writes fail lets no step through; without the lease check the motor delivers with nothing recorded")
    func failingJournalLease() throws {
        let guarded = rig(disabling: nil)
        let guardedLeases = ScriptedLeaseRecorder(clock: guarded.clock)
        guardedLeases.succeeds = false
        guarded.engine.leaseRecorder = guardedLeases
        try guarded.engine.start(Fixture.referenceSession())
        guarded.run(minutes: 1)
        #expect(guardedLeases.recorded.isEmpty)
        #expect(guarded.hardware.forwardSteps == 0, "no durable record, no delivery")

        let unguarded = rig(disabling: .deliveryLease)
        let leases = ScriptedLeaseRecorder(clock: unguarded.clock)
        leases.succeeds = false
        unguarded.engine.leaseRecorder = leases
        try unguarded.engine.start(Fixture.referenceSession())
        unguarded.run(minutes: 1)
        // The harm: drug reached the patient while the journal holds no lease for any of it.
        #expect(leases.recorded.isEmpty)
        #expect(unguarded.hardware.forwardSteps > 1_000, "delivered \(unguarded.hardware.forwardSteps) steps unrecorded")
    }
}
