// The payload of `report-data`: everything the journal knows about one session, for pumpctl to render as
// HTML, CSV or JSON. Times are wall clock (`at`, ISO-8601) for people and pump time since the session opened
// (`t_s`, seconds) for charts: pump time comes from the monotonic clock, so a wall-clock jump or a simulator
// speed-up never bends the time axis.
import Foundation

/// One session's record: program, who did what, overrides, alarms and the delivery timeline.
public struct SessionReportDTO: Sendable, Equatable, Codable {
    /// The session as listed by `sessions`.
    public var session: SessionSummaryDTO
    /// The program as started.
    public var program: ReportProgramDTO
    /// Journal events of the session, oldest first (checkpoints excluded).
    public var events: [ReportEventDTO]
    /// Events left out to keep the answer within one protocol line (never alarms or overrides).
    public var eventsOmitted: Int
    /// Soft limits overridden, with the reason and who gave it.
    public var overrides: [ReportOverrideDTO]
    /// Alarms raised, oldest first.
    public var alarms: [ReportAlarmDTO]
    /// Delivery over time: the journal's checkpoints, thinned to at most a few hundred points.
    public var timeline: [ReportPointDTO]
    /// Vital signs recorded during the session, oldest first.
    public var vitals: [VitalsPointDTO]
    /// The pharmacokinetic model behind `plasma_ng_per_ml`, when the daemon estimates it.
    public var plasmaModel: String?
    /// When the daemon assembled this report.
    public var generatedAt: Date
    /// The syringes of the session, the first one included, in order (absent from an older pumpd).
    public var syringes: [ReportSyringeDTO]?
    /// The library files the session was programmed under and the signature policy then in force (from the
    /// journal's program record; absent for sessions journaled before libraries were recorded).
    public var libraries: LibrarySetDTO?

    /// Creates a report.
    public init(
        session: SessionSummaryDTO, program: ReportProgramDTO, events: [ReportEventDTO], eventsOmitted: Int = 0,
        overrides: [ReportOverrideDTO], alarms: [ReportAlarmDTO], timeline: [ReportPointDTO],
        vitals: [VitalsPointDTO] = [], plasmaModel: String? = nil, generatedAt: Date
    ) {
        self.session = session
        self.program = program
        self.events = events
        self.eventsOmitted = eventsOmitted
        self.overrides = overrides
        self.alarms = alarms
        self.timeline = timeline
        self.vitals = vitals
        self.plasmaModel = plasmaModel
        self.generatedAt = generatedAt
    }

    enum CodingKeys: String, CodingKey {
        case session, program, events, overrides, alarms, timeline, vitals
        case eventsOmitted = "events_omitted"
        case plasmaModel = "plasma_model"
        case generatedAt = "generated_at"
        case libraries
        case syringes
    }
}

/// One syringe of a session: the first, and each loaded by a syringe change.
public struct ReportSyringeDTO: Sendable, Equatable, Codable {
    /// 1 for the first syringe.
    public var index: Int
    /// Syringe model.
    public var syringe: String
    /// Volume drawn into it, dead space included, mL.
    public var fillMl: Double
    /// When it was loaded (the session start for the first).
    public var at: Date
    /// Pump time since the session opened, seconds.
    public var tS: Double
    /// Delivered before it was loaded, over every earlier syringe, mL.
    public var deliveredBeforeMl: Double
    /// Who loaded it.
    public var actor: ActorDTO

    /// Creates a syringe entry.
    public init(index: Int, syringe: String, fillMl: Double, at: Date, tS: Double, deliveredBeforeMl: Double, actor: ActorDTO) {
        self.index = index
        self.syringe = syringe
        self.fillMl = fillMl
        self.at = at
        self.tS = tS
        self.deliveredBeforeMl = deliveredBeforeMl
        self.actor = actor
    }

    enum CodingKeys: String, CodingKey {
        case index, syringe, at, actor
        case fillMl = "fill_ml"
        case tS = "t_s"
        case deliveredBeforeMl = "delivered_before_ml"
    }
}

/// The program of a session as it was started (titrations appear as events).
public struct ReportProgramDTO: Sendable, Equatable, Codable {
    /// Drug name.
    public var drug: String
    /// Drug-library profile.
    public var profile: String
    /// Measured body weight, kg.
    public var actualWeightKg: Double
    /// Weight the dose was computed on, kg.
    public var dosingWeightKg: Double?
    /// Which weight that is (`actual`, `ideal`, `adjusted`).
    public var dosingWeightBasis: String
    /// Height, cm, when given.
    public var heightCm: Double?
    /// Total dose per kg of dosing weight (mood profile), mg/kg.
    public var doseMgPerKg: Double?
    /// Dose rate (pain profile), mg/kg/h.
    public var rateMgPerKgPerH: Double?
    /// Programmed duration, minutes.
    public var durationMin: Double
    /// Concentration in the syringe, mg/mL.
    public var concentrationMgPerMl: Double
    /// Syringe model.
    public var syringe: String
    /// Total dose as started, mg.
    public var totalMg: Double
    /// Total volume as started, mL.
    public var volumeMl: Double
    /// Nominal rate as started, mL/h.
    public var rateMlPerH: Double
    /// Program revisions (1 = never titrated).
    public var revisions: Int
    /// Who opened the session.
    public var startedBy: ActorDTO

    /// Creates a program description.
    public init(
        drug: String, profile: String, actualWeightKg: Double, dosingWeightKg: Double?, dosingWeightBasis: String,
        heightCm: Double? = nil, doseMgPerKg: Double?, rateMgPerKgPerH: Double?, durationMin: Double,
        concentrationMgPerMl: Double, syringe: String, totalMg: Double, volumeMl: Double, rateMlPerH: Double,
        revisions: Int, startedBy: ActorDTO
    ) {
        self.drug = drug
        self.profile = profile
        self.actualWeightKg = actualWeightKg
        self.dosingWeightKg = dosingWeightKg
        self.dosingWeightBasis = dosingWeightBasis
        self.heightCm = heightCm
        self.doseMgPerKg = doseMgPerKg
        self.rateMgPerKgPerH = rateMgPerKgPerH
        self.durationMin = durationMin
        self.concentrationMgPerMl = concentrationMgPerMl
        self.syringe = syringe
        self.totalMg = totalMg
        self.volumeMl = volumeMl
        self.rateMlPerH = rateMlPerH
        self.revisions = revisions
        self.startedBy = startedBy
    }

    enum CodingKeys: String, CodingKey {
        case drug, profile, syringe, revisions
        case actualWeightKg = "actual_weight_kg"
        case dosingWeightKg = "dosing_weight_kg"
        case dosingWeightBasis = "dosing_weight_basis"
        case heightCm = "height_cm"
        case doseMgPerKg = "dose_mg_per_kg"
        case rateMgPerKgPerH = "rate_mg_per_kg_per_h"
        case durationMin = "duration_min"
        case concentrationMgPerMl = "concentration_mg_per_ml"
        case totalMg = "total_mg"
        case volumeMl = "volume_ml"
        case rateMlPerH = "rate_ml_per_h"
        case startedBy = "started_by"
    }
}

/// Who caused a journal record: the socket peer as the kernel reported it (SO_PEERCRED), or pumpd itself.
public struct ActorDTO: Sendable, Equatable, Codable {
    /// User name (or "uid N"), "pumpd" for the daemon's own records.
    public var name: String
    /// Kernel-reported user id; nil for pumpd.
    public var uid: UInt32?
    /// Kernel-reported group id.
    public var gid: UInt32?
    /// Kernel-reported process id.
    public var pid: Int32?

    /// Creates an actor.
    public init(name: String, uid: UInt32? = nil, gid: UInt32? = nil, pid: Int32? = nil) {
        self.name = name
        self.uid = uid
        self.gid = gid
        self.pid = pid
    }

    /// Whether this is the daemon itself rather than a person's command.
    public var isDaemon: Bool { uid == nil }
}

/// One journal event of a session.
public struct ReportEventDTO: Sendable, Equatable, Codable {
    /// The journal's sequence number.
    public var seq: Int
    /// Wall-clock time.
    public var at: Date
    /// Pump time since the session opened, seconds.
    public var tS: Double
    /// Stable event kind (`start`, `titration`, `alarm`, `acknowledge`, `stop`, …).
    public var kind: String
    /// Who caused it.
    public var actor: ActorDTO
    /// One line.
    public var summary: String

    /// Creates an event.
    public init(seq: Int, at: Date, tS: Double, kind: String, actor: ActorDTO, summary: String) {
        self.seq = seq
        self.at = at
        self.tS = tS
        self.kind = kind
        self.actor = actor
        self.summary = summary
    }

    enum CodingKeys: String, CodingKey {
        case seq, at, kind, actor, summary
        case tS = "t_s"
    }
}

/// A soft limit that was overridden during the session.
public struct ReportOverrideDTO: Sendable, Equatable, Codable {
    /// Wall-clock time.
    public var at: Date
    /// Pump time since the session opened, seconds.
    public var tS: Double
    /// Stable name of the limit.
    public var limit: String
    /// The reason given.
    public var reason: String
    /// Who gave it.
    public var actor: ActorDTO

    /// Creates an override record.
    public init(at: Date, tS: Double, limit: String, reason: String, actor: ActorDTO) {
        self.at = at
        self.tS = tS
        self.limit = limit
        self.reason = reason
        self.actor = actor
    }

    enum CodingKeys: String, CodingKey {
        case at, limit, reason, actor
        case tS = "t_s"
    }
}

/// An alarm raised during the session.
public struct ReportAlarmDTO: Sendable, Equatable, Codable {
    /// Wall-clock time.
    public var at: Date
    /// Pump time since the session opened, seconds.
    public var tS: Double
    /// Stable alarm code, e.g. `occlusion`.
    public var code: String
    /// IEC 60601-1-8 priority.
    public var priority: AlarmPriorityDTO
    /// One sentence.
    public var message: String

    /// Creates an alarm record.
    public init(at: Date, tS: Double, code: String, priority: AlarmPriorityDTO, message: String) {
        self.at = at
        self.tS = tS
        self.code = code
        self.priority = priority
        self.message = message
    }

    enum CodingKeys: String, CodingKey {
        case at, code, priority, message
        case tS = "t_s"
    }
}

/// One point of the delivery timeline.
public struct ReportPointDTO: Sendable, Equatable, Codable {
    /// Pump time since the session opened, seconds.
    public var tS: Double
    /// Delivered so far, mL.
    public var deliveredMl: Double
    /// Delivered so far, mg.
    public var deliveredMg: Double
    /// Mean rate since the previous point, mL/h.
    public var rateMlPerH: Double
    /// Pump state at this point.
    public var state: String
    /// Estimated plasma concentration, ng/mL (population-model estimate), when available.
    public var plasmaNgPerMl: Double?

    /// Creates a timeline point.
    public init(tS: Double, deliveredMl: Double, deliveredMg: Double, rateMlPerH: Double, state: String, plasmaNgPerMl: Double? = nil) {
        self.tS = tS
        self.deliveredMl = deliveredMl
        self.deliveredMg = deliveredMg
        self.rateMlPerH = rateMlPerH
        self.state = state
        self.plasmaNgPerMl = plasmaNgPerMl
    }

    enum CodingKeys: String, CodingKey {
        case state
        case tS = "t_s"
        case deliveredMl = "delivered_ml"
        case deliveredMg = "delivered_mg"
        case rateMlPerH = "rate_ml_per_h"
        case plasmaNgPerMl = "plasma_ng_per_ml"
    }
}

/// One vital-sign reading recorded during the session (keys as in `status.vitals`).
public struct VitalsPointDTO: Sendable, Equatable, Codable {
    /// Wall-clock time it was received.
    public var at: Date
    /// Pump time since the session opened, seconds.
    public var tS: Double
    /// Systolic blood pressure, mmHg.
    public var sbpMmHg: Double
    /// Diastolic blood pressure, mmHg.
    public var dbpMmHg: Double
    /// Heart rate, beats per minute.
    public var hrBpm: Double
    /// SpO2, percent.
    public var spo2Percent: Double
    /// Who produced it (`manual`, `monitor`, `simulator`).
    public var source: String?

    /// Creates a vitals point.
    public init(at: Date, tS: Double, sbpMmHg: Double, dbpMmHg: Double, hrBpm: Double, spo2Percent: Double, source: String? = nil) {
        self.at = at
        self.tS = tS
        self.sbpMmHg = sbpMmHg
        self.dbpMmHg = dbpMmHg
        self.hrBpm = hrBpm
        self.spo2Percent = spo2Percent
        self.source = source
    }

    enum CodingKeys: String, CodingKey {
        case at, source
        case tS = "t_s"
        case sbpMmHg = "sbp_mmhg"
        case dbpMmHg = "dbp_mmhg"
        case hrBpm = "hr_bpm"
        case spo2Percent = "spo2_percent"
    }
}
