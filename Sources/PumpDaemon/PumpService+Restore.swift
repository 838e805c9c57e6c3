// Restoring what must survive a restart (safety kernel v2 item 0): the alarms that were latched and not
// acknowledged, and the newest vital-sign reading. Both come only from the journal. Restored latches block
// arming exactly like new ones (the supervisor holds them), and `resume-interrupted` is refused while any stands
// or while the restored reading is out of range.
import Foundation
import PumpControl
import PumpCore
import PumpJournal

extension PumpService {
    /// Reads the latched alarms and the newest vitals from the journal and hands them to the engine (control queue).
    func restoreLatchesAndVitals(from journal: Journal) throws {
        let latched = try journal.latchedAlarms()
        let vitals = try journal.newestVitals()
        let now = scheduler.now(), wallNow = wallClock(), speed = scheduler.speed
        let alarms = latched.compactMap { record -> Alarm? in
            guard let code = AlarmCode(rawValue: record.code) else { return nil }
            return Alarm(code: code, message: record.message, raisedAt: now, originalWallTime: record.raisedWall)
        }
        let reading = vitals.map { journaled -> VitalSigns in
            // Display and staleness only (HAZ-012 does not apply to a reminder): its age on this boot's monotonic
            // line is its wall-clock age, never negative.
            let age = max(0, wallNow.timeIntervalSince(journaled.wall)) * speed  // wall-clock: age of a restored reading for staleness reminders, never motor control
            let record = journaled.record
            return VitalSigns(
                systolic: MillimetersOfMercury(record.sbpMmHg), diastolic: MillimetersOfMercury(record.dbpMmHg),
                heartRate: BeatsPerMinute(record.hrBpm), oxygenSaturation: OxygenSaturation(record.spo2Percent),
                measuredAt: now - .seconds(age), source: VitalsSource(rawValue: record.source) ?? .manual)
        }
        scheduler.syncOnControl {
            if let reading { engine.restoreVitals(reading) }
            if !alarms.isEmpty { engine.restoreLatched(alarms) }
        }
        if !alarms.isEmpty {
            logger.warning("restored latched alarms from before the restart: \(alarms.map(\.code.rawValue).joined(separator: ", "))")
            journalDaemonEvent(.config,
                "Latched alarms restored from before the restart: \(alarms.map(\.code.rawValue).joined(separator: ", ")); acknowledge each before resuming.")
        }
    }
}
