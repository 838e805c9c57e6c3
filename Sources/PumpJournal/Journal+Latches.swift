// Latched alarms and the newest vital signs, read back after a restart (safety kernel v2 item 0).
//
// A latch is a fact on disk: every delivery-stopping alarm is journaled (kind `alarm` or `estop`, details with its
// `code`) and every acknowledge that cleared alarms is journaled (kind `acknowledge`, details `codes`), both before
// the motor can run again. Folding those events in write order (the journal's sequence, never the wall clock)
// gives exactly the alarms still latched when the daemon stopped. Latches belong to the pump, not to a session, so
// the fold runs over the whole journal: an e-stop latched while idle survives a restart too.
import Foundation
import GRDB
import PumpCore

/// One alarm that was latched and not acknowledged when the daemon stopped.
public struct LatchedAlarmRecord: Sendable, Hashable {
    /// The stable alarm code.
    public var code: String
    /// The alarm's sentence.
    public var message: String
    /// When it was raised (wall clock, display only).
    public var raisedWall: Date
}

/// The newest vital-sign reading in the journal.
public struct JournaledVitals: Sendable, Hashable {
    /// The reading as journaled.
    public var record: VitalsJournalRecord
    /// When it was received (wall clock, display only).
    public var wall: Date
}

extension Journal {
    /// The alarms latched and not yet acknowledged, oldest first.
    public func latchedAlarms() throws(JournalError) -> [LatchedAlarmRecord] {
        let path = self.path
        return try read { db in
            let rows = try Row.fetchAll(db, sql: """
                SELECT kind, summary, details, wall FROM event WHERE kind IN ('alarm', 'estop', 'acknowledge') ORDER BY id
                """)
            var latched: [LatchedAlarmRecord] = []
            for row in rows {
                let kind: String = try RowDecoding.value(row, "kind", path: path)
                let details: Data = try RowDecoding.value(row, "details", path: path)
                let object = (try? JSONSerialization.jsonObject(with: details)) as? [String: Any] ?? [:]
                if kind == JournalEventKind.acknowledge.rawValue {
                    guard let codes = object["codes"] as? String else { continue }
                    let cleared = Set(codes.split(separator: ",").map(String.init))
                    latched.removeAll { cleared.contains($0.code) }
                } else if let code = object["code"] as? String,
                          AlarmCode(rawValue: code)?.stopsDelivery == true,
                          !latched.contains(where: { $0.code == code }) {
                    latched.append(LatchedAlarmRecord(
                        code: code, message: object["message"] as? String ?? code,
                        raisedWall: try RowDecoding.value(row, "wall", path: path)))
                }
            }
            return latched
        }
    }

    /// The newest journaled vital-sign reading, or nil.
    public func newestVitals() throws(JournalError) -> JournaledVitals? {
        let path = self.path
        return try read { db in
            guard let row = try Row.fetchOne(db, sql: "SELECT details, wall FROM event WHERE kind = 'vitals' ORDER BY id DESC LIMIT 1")
            else { return nil }
            let details: Data = try RowDecoding.value(row, "details", path: path)
            guard let record = try? JSONDecoder().decode(VitalsJournalRecord.self, from: details) else {
                throw JournalError.corrupt(path: path, detail: "the newest vital-sign event cannot be read")
            }
            return JournaledVitals(record: record, wall: try RowDecoding.value(row, "wall", path: path))
        }
    }
}

extension Journal {
    /// The wall time of the newest record (event or checkpoint), for the start-up clock check; nil when empty.
    public func newestRecordWallTime() throws(JournalError) -> Date? {
        try read { db in
            let event = try Date.fetchOne(db, sql: "SELECT wall FROM event ORDER BY id DESC LIMIT 1")
            let checkpoint = try Date.fetchOne(db, sql: "SELECT wall FROM checkpoint ORDER BY id DESC LIMIT 1")
            return [event, checkpoint].compactMap { $0 }.max()
        }
    }
}
