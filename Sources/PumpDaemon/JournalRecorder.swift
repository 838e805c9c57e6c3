// Writes engine events to the journal on its own serial queue, so a durable fsync (milliseconds on an SD
// card) never runs on the control loop. A failed write is never swallowed: it is reported back so the
// daemon can raise the `journal-failure` alarm, which stops delivery (HAZ-014).
import Foundation
import PumpControl
import PumpCore
import PumpJournal

final class JournalRecorder: @unchecked Sendable {
    private let journal: Journal
    private let queue = DispatchQueue(label: "pumpd.journal", qos: .utility)
    private let wallClock: @Sendable () -> Date
    private let onFailure: @Sendable (JournalError) -> Void
    private let checkpointLock = NSLock()
    private var newestCheckpoint: MonotonicInstant?

    init(journal: Journal, wallClock: @escaping @Sendable () -> Date, onFailure: @escaping @Sendable (JournalError) -> Void) {
        self.journal = journal
        self.wallClock = wallClock
        self.onFailure = onFailure
    }

    /// The pump-clock instant of the newest delivery checkpoint this recorder has written durably (nil before the
    /// first): its age is the metrics file's `pump_journal_checkpoint_age_seconds`.
    var lastCheckpoint: MonotonicInstant? { checkpointLock.withLock { newestCheckpoint } }

    /// Waits until every queued write is done (shutdown, tests).
    func drain() { queue.sync {} }

    /// Records one engine event for `session` (asynchronously, in order). `uncertain` is the part of the engine's
    /// count that a recovery added as unknown; checkpoints carry it.
    /// A latching alarm and an acknowledge are written before this call returns (after every write queued
    /// before them): a latch is a fact on disk before anything can act on the motor's future, so a crash right
    /// after it still restores it. The alarm itself has already acted (ENABLE off first).
    func record(_ event: EngineEvent, session: SessionID?, uncertain: Steps = .zero, monotonic: MonotonicInstant) {
        let wall = wallClock()
        let work: @Sendable () -> Void = { [journal, onFailure, weak self] in
            do throws(JournalError) {
                try Self.write(event, session: session, uncertain: uncertain, monotonic: monotonic, wall: wall,
                               to: journal)
                if session != nil, Self.writesCheckpoint(event), let self {
                    self.checkpointLock.withLock { self.newestCheckpoint = monotonic }
                }
            } catch {
                onFailure(error)
            }
        }
        if Self.mustBeDurableBeforeReturning(event) { queue.sync(execute: work) } else { queue.async(execute: work) }
    }

    /// Events whose record includes a delivery checkpoint (when a session is open).
    static func writesCheckpoint(_ event: EngineEvent) -> Bool {
        switch event {
        case .checkpoint, .stateChanged, .titrated: true
        default: false
        }
    }

    /// Latching alarms and acknowledges.
    static func mustBeDurableBeforeReturning(_ event: EngineEvent) -> Bool {
        switch event {
        case .alarmRaised(let alarm): alarm.code.stopsDelivery
        case .alarmsAcknowledged: true
        default: false
        }
    }

    /// Writes a delivery lease durably, then calls `completion` with whether it was recorded (on the journal
    /// queue, after every event recorded before it).
    func recordLease(session: SessionID, delivered: DeliveredAmount, ceiling: Steps, uncertain: Steps = .zero,
                     monotonic: MonotonicInstant, completion: @escaping @Sendable (Bool) -> Void) {
        let wall = wallClock()
        queue.async { [journal, onFailure] in
            do throws(JournalError) {
                try journal.recordLease(session, delivered: delivered, ceiling: ceiling, monotonic: monotonic, wall: wall,
                                        uncertain: uncertain)
                completion(true)
            } catch {
                onFailure(error)
                completion(false)
            }
        }
    }

    /// The uncertain part written with a count: never more than the count it is part of (a back-off can
    /// retract the net count below what a recovery carried).
    static func carried(_ uncertain: Steps, of count: Steps) -> Steps { Steps(min(uncertain.count, count.count)) }

    private static func amount(_ status: EngineStatus) -> DeliveredAmount {
        DeliveredAmount(steps: status.deliveredSteps, volume: status.deliveredVolume, dose: status.deliveredDose)
    }

    private static func write(_ event: EngineEvent, session: SessionID?, uncertain: Steps, monotonic: MonotonicInstant,
                              wall: Date, to journal: Journal) throws(JournalError) {
        func carried(_ status: EngineStatus) -> Steps { Self.carried(uncertain, of: status.deliveredSteps) }
        switch event {
        case .checkpoint(let status):
            guard let session else { return }
            try journal.checkpoint(session, delivered: amount(status), state: status.state.rawValue,
                                   infusing: status.state == .running, monotonic: monotonic, wall: wall,
                                   uncertain: carried(status), infusingElapsed: status.elapsed)
        case .stateChanged(let from, let to, let status):
            try journal.append(JournalEvent(
                kind: kind(from: from, to: to), session: session, monotonic: monotonic, wall: wall,
                summary: "State \(from.rawValue) → \(to.rawValue); delivered \(status.deliveredDose.formatted(maxFractionDigits: 3)) (\(status.deliveredVolume.formatted(maxFractionDigits: 3))).",
                details: json(["from": from.rawValue, "to": to.rawValue, "delivered_ml": status.deliveredVolume.value,
                               "delivered_mg": status.deliveredDose.value, "delivered_steps": status.deliveredSteps.count])))
            guard let session else { return }
            try journal.checkpoint(session, delivered: amount(status), state: to.rawValue, infusing: to == .running,
                                   monotonic: monotonic, wall: wall, uncertain: carried(status),
                                   infusingElapsed: status.elapsed)
            if to == .completed || to == .stopped {
                try journal.closeSession(session, outcome: to == .completed ? .completed : .stopped,
                                         delivered: amount(status), monotonic: monotonic, wall: wall)
            }
        case .alarmRaised(let alarm):
            try journal.append(JournalEvent(
                kind: alarm.code == .emergencyStop ? .estop : .alarm, session: session, monotonic: monotonic, wall: wall,
                summary: "Alarm \(alarm.code.rawValue) (\(alarm.priority.rawValue)): \(alarm.message)",
                details: json(["code": alarm.code.rawValue, "priority": alarm.priority.rawValue, "message": alarm.message])))
        case .alarmEscalated(let alarm):
            try journal.append(JournalEvent(
                kind: .alarm, session: session, monotonic: monotonic, wall: wall,
                summary: "Alarm \(alarm.code.rawValue) escalated from medium to high: nobody acknowledged it.",
                details: json(["code": alarm.code.rawValue, "priority": "high", "escalated": true])))
        case .alarmsAcknowledged(let codes):
            // The acknowledging actor is journalled by the command handler; this records the effect.
            try journal.append(JournalEvent(
                kind: .acknowledge, session: session, monotonic: monotonic, wall: wall,
                summary: "Alarms cleared: \(codes.map(\.rawValue).joined(separator: ", ")).",
                details: json(["codes": codes.map(\.rawValue).joined(separator: ",")])))
        case .titrated(let status):
            guard let session else { return }
            try journal.checkpoint(session, delivered: amount(status), state: status.state.rawValue,
                                   infusing: status.state == .running, monotonic: monotonic, wall: wall,
                                   uncertain: carried(status), infusingElapsed: status.elapsed)
        case .syringeChanged:
            // The syringe-change event itself was journaled durably by the command before the engine loaded it.
            break
        case .backOffCompleted(let volume):
            try journal.append(JournalEvent(
                kind: .alarm, session: session, monotonic: monotonic, wall: wall,
                summary: "Occlusion back-off pulled back \(volume.formatted(maxFractionDigits: 3)).",
                details: json(["back_off_ml": volume.value])))
        }
    }

    private static func kind(from old: PumpState, to state: PumpState) -> JournalEventKind {
        switch state {
        case .running: old == .paused ? .resume : (old == .interrupted ? .resumeInterrupted : .start)
        case .paused: .pause
        case .completed: .completion
        case .stopped: .stop
        case .interrupted: .interrupted
        case .alarm: .alarm
        case .idle: .sessionClose
        }
    }

    static func json(_ object: [String: Any]) -> Data {
        (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data("{}".utf8)
    }
}
