// The structured details of the vital-sign journal events, as stable JSON (snake_case keys with units), for
// the daemon that writes them and for reports that read them back (`pumpctl report`).
//   kind `vitals`:          one reading and what the interlock made of it (VitalsJournalRecord)
//   kind `vitals-decision`: an interlock decision not tied to one reading's arrival, or a refused reading
//                           (VitalsDecisionRecord)
// The actor (uid/gid/pid/name from SO_PEERCRED, or the daemon's simulated monitor) is in the event row.
import Foundation
import PumpCore

/// One vital-sign reading as journaled.
public struct VitalsJournalRecord: Sendable, Hashable, Codable {
    /// Systolic pressure, mmHg.
    public var sbpMmHg: Double
    /// Diastolic pressure, mmHg.
    public var dbpMmHg: Double
    /// Heart rate, bpm.
    public var hrBpm: Double
    /// SpO2, percent.
    public var spo2Percent: Double
    /// `manual`, `monitor` or `simulator`.
    public var source: String
    /// The pump state when it arrived.
    public var pumpState: String
    /// Limit ids of the pause limits it crossed (empty: within every pause limit).
    public var outOfRange: [String]
    /// `in-range`, `paused` (the interlock stopped delivery) or `out-of-range-not-infusing`.
    public var decision: String
    /// Whether the limits in force were signed off clinically.
    public var limitsSignedOff: Bool

    /// Creates a record.
    public init(sbpMmHg: Double, dbpMmHg: Double, hrBpm: Double, spo2Percent: Double, source: String, pumpState: String,
                outOfRange: [String], decision: String, limitsSignedOff: Bool) {
        self.sbpMmHg = sbpMmHg
        self.dbpMmHg = dbpMmHg
        self.hrBpm = hrBpm
        self.spo2Percent = spo2Percent
        self.source = source
        self.pumpState = pumpState
        self.outOfRange = outOfRange
        self.decision = decision
        self.limitsSignedOff = limitsSignedOff
    }

    /// The record of `vitals` and its breaches.
    public init(_ vitals: VitalSigns, breaches: [VitalsBreach], pumpState: String, decision: String, limitsSignedOff: Bool) {
        self.init(sbpMmHg: vitals.systolic.value, dbpMmHg: vitals.diastolic.value, hrBpm: vitals.heartRate.value,
                  spo2Percent: vitals.oxygenSaturation.value, source: vitals.source.rawValue, pumpState: pumpState,
                  outOfRange: breaches.map(\.limitID), decision: decision, limitsSignedOff: limitsSignedOff)
    }

    enum CodingKeys: String, CodingKey {
        case source, decision
        case sbpMmHg = "sbp_mmhg"
        case dbpMmHg = "dbp_mmhg"
        case hrBpm = "hr_bpm"
        case spo2Percent = "spo2_percent"
        case pumpState = "pump_state"
        case outOfRange = "out_of_range"
        case limitsSignedOff = "limits_signed_off"
    }

    /// JSON for the event's details.
    public var encoded: Data { VitalsJSON.encode(self) }
    /// Decodes an event's details; nil when they are not a vitals record.
    public static func decode(_ data: Data) -> VitalsJournalRecord? { try? JSONDecoder().decode(Self.self, from: data) }
}

/// One decision of the interlock.
public struct VitalsDecisionRecord: Sendable, Hashable, Codable {
    /// `pre-start-needs-override`, `pre-start-overridden`, `pre-start-no-vitals`, `paused`, `ack-refused`,
    /// `reading-refused`.
    public var decision: String
    /// Limit ids involved.
    public var limits: [String]
    /// One sentence.
    public var message: String
    /// The override reason, when one was given.
    public var overrideReason: String?

    /// Creates a record.
    public init(decision: String, limits: [String], message: String, overrideReason: String? = nil) {
        self.decision = decision
        self.limits = limits
        self.message = message
        self.overrideReason = overrideReason
    }

    enum CodingKeys: String, CodingKey {
        case decision, limits, message
        case overrideReason = "override_reason"
    }

    /// JSON for the event's details.
    public var encoded: Data { VitalsJSON.encode(self) }
    /// Decodes an event's details; nil when they are not a decision record.
    public static func decode(_ data: Data) -> VitalsDecisionRecord? { try? JSONDecoder().decode(Self.self, from: data) }
}

enum VitalsJSON {
    static func encode<T: Encodable>(_ value: T) -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return (try? encoder.encode(value)) ?? Data("{}".utf8)
    }
}

extension Journal {
    /// The session's delivered-dose timeline from its checkpoints (for the plasma estimate in reports). The
    /// checkpoints' monotonic times are used. Limitation: monotonic time is per boot, so for a session that
    /// spans a reboot the checkpoints after it are taken only once their monotonic time passes the last one
    /// before it (their dose is never counted twice, but its timing is then wrong).
    public func deliveredTimeline(session: SessionID) throws(JournalError) -> DeliveredDoseTimeline {
        var timeline = DeliveredDoseTimeline()
        for checkpoint in try checkpoints(session: session) {
            timeline.record(cumulative: checkpoint.delivered.dose, at: checkpoint.monotonic)
        }
        return timeline
    }
}
