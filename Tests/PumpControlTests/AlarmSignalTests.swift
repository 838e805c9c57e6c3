// IEC 60601-1-8 alarm signal handling in virtual time on the simulated plant: the audio pause silences the
// buzzer (the simulator's indication record) while the lights keep the pattern, ends by itself, gives way to a
// new alarm of higher priority, and an unanswered medium alarm escalates to high.
import Foundation
@_spi(Testing) import PumpCore
@testable import PumpControl
import PumpSimulator
import Testing

@Suite("Alarm signals: audio pause and escalation")
struct AlarmSignalTests {
    struct Rig {
        let clock = VirtualScheduler()
        let pump: SimulatedPump
        let engine: InfusionEngine
        let events = Fixture.EventLog()

        init(settings: AlarmSignalSettings = .init()) {
            pump = SimulatedPump(clock: clock, geometry: Fixture.geometry, fill: Milliliters(50))
            var configuration = EngineConfiguration()
            configuration.alarmSignals = settings
            engine = InfusionEngine(scheduler: clock, hardware: pump, configuration: configuration)
            let log = events
            engine.onEvent = { log.events.append($0) }
        }

        func run(seconds: Double) { clock.run(for: .seconds(seconds)) }
    }

    @Test("silence: buzzer off, lights on, alarm still listed; the sound returns by itself after 120 s")
    func pauseEndsByItself() throws {
        let rig = Rig()
        try rig.engine.start(Fixture.referenceSession())
        rig.run(seconds: 30)
        rig.engine.emergencyStop(source: "test")
        rig.run(seconds: 1)
        #expect(rig.pump.alarmIndication == .high && rig.pump.buzzerAudible)

        let silenced = try rig.engine.silence(nil)
        #expect(silenced.codes == [.emergencyStop])
        #expect(rig.pump.alarmIndication == .high, "the visual signal continues")
        #expect(rig.pump.alarmAudioPaused && !rig.pump.buzzerAudible)
        let status = rig.engine.status()
        #expect(status.alarms.map(\.code) == [.emergencyStop] && status.audioPaused)
        #expect(status.alarmSignals[.emergencyStop]?.audioPausedUntil == silenced.until)
        #expect(silenced.until - rig.clock.now() == .seconds(Int64(120)))

        rig.run(seconds: 119)
        #expect(!rig.pump.buzzerAudible, "still paused before the time is up")
        rig.run(seconds: 1.2)
        #expect(rig.pump.buzzerAudible && rig.pump.alarmIndication == .high, "the buzzer is back by itself")
        #expect(rig.engine.status().alarmSignals[.emergencyStop]?.audioPausedUntil == nil)
        #expect(!rig.engine.status().audioPaused)
    }

    @Test("a new alarm of higher priority sounds at once during a pause")
    func higherPriorityBreaksThrough() throws {
        let rig = Rig()
        try rig.engine.start(Fixture.referenceSession())
        rig.run(seconds: 30)
        try rig.engine.pause()
        rig.run(seconds: 2.5 * 60)  // paused-too-long (medium) after the session's 2 min
        #expect(rig.engine.status().alarms.map(\.code) == [.pausedTooLong])
        #expect(rig.pump.alarmIndication == .medium)
        _ = try rig.engine.silence(.pausedTooLong)
        #expect(!rig.pump.buzzerAudible)
        rig.engine.emergencyStop(source: "test")
        #expect(rig.pump.buzzerAudible && rig.pump.alarmIndication == .high, "the kernel's latch sounds at once")
        rig.run(seconds: 1)
        #expect(rig.pump.buzzerAudible, "and the engine keeps it sounding: the new alarm is not paused")
        #expect(rig.engine.status().alarmSignals[.pausedTooLong]?.audioPausedUntil != nil, "the medium one stays paused")
    }

    @Test("silence with nothing active, or a code that is not active, is refused")
    func refusals() throws {
        let rig = Rig()
        #expect(throws: EngineRefusal.self) { try rig.engine.silence(nil) }
        try rig.engine.start(Fixture.referenceSession())
        rig.engine.emergencyStop(source: "test")
        #expect(throws: EngineRefusal.self) { try rig.engine.silence(.occlusion) }
    }

    @Test("an unacknowledged medium alarm escalates to high after the configured time and sounds again")
    func escalation() throws {
        let rig = Rig(settings: AlarmSignalSettings(audioPause: .seconds(Int64(120)), escalateMediumAfter: .minutes(3)))
        try rig.engine.start(Fixture.referenceSession())
        rig.run(seconds: 30)
        try rig.engine.pause()
        rig.run(seconds: 2.2 * 60)
        #expect(rig.pump.alarmIndication == .medium)
        _ = try rig.engine.silence(nil)
        #expect(!rig.pump.buzzerAudible)
        rig.run(seconds: 2.5 * 60)
        #expect(rig.pump.alarmIndication == .medium, "not yet: 3 min since it was raised")
        rig.run(seconds: 0.6 * 60)
        #expect(rig.pump.alarmIndication == .high, "escalated to the high-priority pattern")
        #expect(rig.pump.buzzerAudible, "an escalation ends the audio pause")
        let status = rig.engine.status()
        #expect(status.alarmSignals[.pausedTooLong]?.escalated == true)
        #expect(rig.events.events.contains { if case .alarmEscalated(let alarm) = $0 { alarm.code == .pausedTooLong } else { false } })
        // Acknowledging it ends it (and its escalation).
        _ = try rig.engine.acknowledge(.pausedTooLong)
        #expect(rig.pump.alarmIndication == .normal)
    }

    @Test("pure rule: a lower-priority alarm raised during a pause is shown but stays quiet; an equal one sounds")
    func pauseRule() {
        var signals = AlarmSignals()
        let now = MonotonicInstant.origin + .seconds(Int64(10))
        let high = Alarm(code: .occlusion, message: "o", raisedAt: now)
        _ = signals.silence(nil, active: [high], now: now)
        let low = Alarm(code: .nearEnd, message: "n", raisedAt: now)
        #expect(signals.isAudioPaused(active: [high, low], now: now + .seconds(Int64(1))))
        let otherHigh = Alarm(code: .endOfTravel, message: "e", raisedAt: now)
        #expect(!signals.isAudioPaused(active: [high, otherHigh], now: now + .seconds(Int64(1))))
        #expect(signals.indication(active: [high, low]) == .high)
        #expect(!signals.isAudioPaused(active: [high], now: now + .seconds(Int64(121))))
    }
}
