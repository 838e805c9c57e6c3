// The parameters of `vitals`: one vital-sign reading, typed in by a nurse or sent by a monitor bridge.
// Added in protocol version 1 as a new command (an old daemon answers "unknown command"; nothing an old peer
// sends or reads changes meaning), so no version bump.
import Foundation

/// Who produced a reading sent over the socket.
public enum VitalsSourceDTO: String, Sendable, Codable, CaseIterable {
    /// Typed in by a nurse.
    case manual
    /// Sent by a patient-monitor bridge.
    case monitor
    /// The simulator's patient model (reported by the daemon itself; never accepted in a request).
    case simulator

    public init(from decoder: any Decoder) throws { self = try decoder.decodeWireEnum() }
}

/// One reading.
public struct VitalsParameters: Sendable, Equatable, Codable {
    /// Systolic blood pressure, mmHg.
    public var sbpMmHg: Double
    /// Diastolic blood pressure, mmHg.
    public var dbpMmHg: Double
    /// Heart rate, beats per minute.
    public var hrBpm: Double
    /// SpO2, percent.
    public var spo2Percent: Double
    /// Who produced it (default manual).
    public var source: VitalsSourceDTO?

    /// Creates a reading.
    public init(sbpMmHg: Double, dbpMmHg: Double, hrBpm: Double, spo2Percent: Double, source: VitalsSourceDTO? = nil) {
        self.sbpMmHg = sbpMmHg
        self.dbpMmHg = dbpMmHg
        self.hrBpm = hrBpm
        self.spo2Percent = spo2Percent
        self.source = source
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case source
        case sbpMmHg = "sbp_mmhg"
        case dbpMmHg = "dbp_mmhg"
        case hrBpm = "hr_bpm"
        case spo2Percent = "spo2_percent"
    }
}

/// The newest reading as `status` reports it.
public struct VitalsDTO: Sendable, Equatable, Codable {
    /// Systolic blood pressure, mmHg.
    public var sbpMmHg: Double
    /// Diastolic blood pressure, mmHg.
    public var dbpMmHg: Double
    /// Heart rate, bpm.
    public var hrBpm: Double
    /// SpO2, percent.
    public var spo2Percent: Double
    /// Who produced it.
    public var source: VitalsSourceDTO
    /// Wall-clock time it was received.
    public var measuredAt: Date
    /// Its age in the pump's (virtual, when simulated) seconds.
    public var ageS: Double
    /// True when it is older than the staleness interval.
    public var stale: Bool
    /// The pause limits it crosses (limit ids, e.g. `vitals.pause-systolic`); empty when within every limit.
    public var outOfRange: [String]

    /// Creates the report of a reading.
    public init(sbpMmHg: Double, dbpMmHg: Double, hrBpm: Double, spo2Percent: Double, source: VitalsSourceDTO,
                measuredAt: Date, ageS: Double, stale: Bool, outOfRange: [String]) {
        self.sbpMmHg = sbpMmHg
        self.dbpMmHg = dbpMmHg
        self.hrBpm = hrBpm
        self.spo2Percent = spo2Percent
        self.source = source
        self.measuredAt = measuredAt
        self.ageS = ageS
        self.stale = stale
        self.outOfRange = outOfRange
    }

    enum CodingKeys: String, CodingKey {
        case source, stale
        case sbpMmHg = "sbp_mmhg"
        case dbpMmHg = "dbp_mmhg"
        case hrBpm = "hr_bpm"
        case spo2Percent = "spo2_percent"
        case measuredAt = "measured_at"
        case ageS = "age_s"
        case outOfRange = "out_of_range"
    }
}
