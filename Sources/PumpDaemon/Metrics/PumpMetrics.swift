// The metric families of pumpd's textfile (issue 16), built from the same `StatusReport` that the `status`
// command answers, so every number equals what `pumpctl status` shows at that moment. Every sample carries
// `chair` (pumpd.toml). Units and clocks:
// - volumes mL, dose mg, rate mL/h, plasma ng/mL: as in status;
// - pump_remaining_seconds, pump_vitals_age_seconds, pump_journal_checkpoint_age_seconds: seconds of the pump's
//   clock (status's own `remaining_s` and `age_s`; equal to real seconds except on the simulator at --sim-speed);
// - pump_step_lateness_p99_seconds: real seconds (scheduler lateness divided by the simulation speed, as in the
//   step-timing report), over the last `LatenessWindow.capacity` step-timer fires.
// A value the status does not have (no vitals yet, no plasma estimate, no step fired, no checkpoint written by
// this process) is left out rather than written as 0, so an absent reading never looks like a real zero.
// Nothing here reads `patientId` or `sessionId`: no patient identifier is in any metric (a test checks it).
import Foundation
import PumpProtocol

/// Everything one write of the metrics file shows.
public struct MetricsSnapshot: Sendable, Equatable {
    /// The chair (bed space) this pump serves (pumpd.toml `chair`).
    public var chair: String
    /// The status, exactly as the `status` command answers it.
    public var status: StatusReport
    /// p99 of recent step-timer lateness, real seconds; nil before any fire.
    public var stepLatenessP99Seconds: Double?
    /// Pump-clock seconds since the newest journal checkpoint written by this process; nil before the first.
    public var journalCheckpointAgeSeconds: Double?
    /// pumpd's version.
    public var version: String
    /// SHA-256 of the drug-library file pumpd loaded (lowercase hex).
    public var drugLibrarySHA256: String

    /// Creates a snapshot.
    public init(chair: String, status: StatusReport, stepLatenessP99Seconds: Double? = nil,
                journalCheckpointAgeSeconds: Double? = nil, version: String, drugLibrarySHA256: String) {
        self.chair = chair
        self.status = status
        self.stepLatenessP99Seconds = stepLatenessP99Seconds
        self.journalCheckpointAgeSeconds = journalCheckpointAgeSeconds
        self.version = version
        self.drugLibrarySHA256 = drugLibrarySHA256
    }
}

/// The metric names and their families.
public enum PumpMetrics {
    /// Every family name, in file order (stable interface: alert rules and dashboards use them).
    public static let names = [
        "pump_state", "pump_delivered_ml", "pump_target_ml", "pump_delivered_mg", "pump_rate_ml_per_h",
        "pump_remaining_seconds", "pump_alarm_active", "pump_plasma_ng_per_ml", "pump_vitals_age_seconds",
        "pump_vitals", "pump_step_lateness_p99_seconds", "pump_journal_checkpoint_age_seconds", "pump_info",
    ]

    /// The families of `snapshot`, in the order of `names`.
    public static func families(_ snapshot: MetricsSnapshot) -> [MetricFamily] {
        let chair = MetricSample.Label("chair", snapshot.chair)
        let status = snapshot.status
        func one(_ value: Double?, _ extra: [MetricSample.Label] = []) -> [MetricSample] {
            value.map { [MetricSample([chair] + extra, $0)] } ?? []
        }
        let states = PumpStateDTO.allCases.map {
            MetricSample([chair, .init("state", $0.rawValue)], $0 == status.state ? 1 : 0)
        }
        let alarms = status.alarms.map {
            MetricSample([chair, .init("code", $0.code), .init("priority", $0.priority.rawValue)], 1)
        }
        let vitals = status.vitals.map { reading in
            [("sbp", reading.sbpMmHg), ("dbp", reading.dbpMmHg), ("hr", reading.hrBpm), ("spo2", reading.spo2Percent)]
                .map { MetricSample([chair, .init("kind", $0.0)], $0.1) }
        } ?? []
        return [
            MetricFamily(name: "pump_state", help: "1 for the pump's current state, 0 for every other state.", samples: states),
            MetricFamily(name: "pump_delivered_ml", help: "Volume delivered in the current or last session, mL (status delivered_ml).",
                         samples: one(status.deliveredMl)),
            MetricFamily(name: "pump_target_ml", help: "Total volume of the program, mL (status target_ml).", samples: one(status.targetMl)),
            MetricFamily(name: "pump_delivered_mg", help: "Drug delivered in the current or last session, mg (status delivered_mg).",
                         samples: one(status.deliveredMg)),
            MetricFamily(name: "pump_rate_ml_per_h", help: "Commanded rate now, mL/h (status rate_ml_per_h).", samples: one(status.rateMlPerH)),
            MetricFamily(name: "pump_remaining_seconds", help: "Time still to infuse at the current rate, pump-clock seconds (status remaining_s).",
                         samples: one(status.remainingS)),
            MetricFamily(name: "pump_alarm_active", help: "1 for each active alarm, by reason code and IEC 60601-1-8 priority.", samples: alarms),
            MetricFamily(name: "pump_plasma_ng_per_ml",
                         help: "Population-model estimate of the plasma concentration, ng/mL (not a measurement; status plasma_ng_per_ml).",
                         samples: one(status.plasmaNgPerMl)),
            MetricFamily(name: "pump_vitals_age_seconds", help: "Age of the newest vital-sign reading, pump-clock seconds (status vitals.age_s).",
                         samples: one(status.vitals?.ageS)),
            MetricFamily(name: "pump_vitals", help: "The newest vital-sign reading: sbp and dbp mmHg, hr per minute, spo2 percent.",
                         samples: vitals),
            MetricFamily(name: "pump_step_lateness_p99_seconds",
                         help: "99th percentile of the step timer's lateness over its recent fires, real seconds.",
                         samples: one(snapshot.stepLatenessP99Seconds)),
            MetricFamily(name: "pump_journal_checkpoint_age_seconds",
                         help: "Pump-clock seconds since the newest delivery checkpoint this pumpd wrote to its journal.",
                         samples: one(snapshot.journalCheckpointAgeSeconds)),
            MetricFamily(name: "pump_info", help: "Always 1: pumpd's version and the SHA-256 of the drug library it loaded.",
                         samples: [MetricSample([chair, .init("version", snapshot.version),
                                                 .init("drug_library_sha256", snapshot.drugLibrarySHA256)], 1)]),
        ]
    }

    /// The whole file text of `snapshot`.
    public static func render(_ snapshot: MetricsSnapshot) -> String { PrometheusText.render(families(snapshot)) }
}
