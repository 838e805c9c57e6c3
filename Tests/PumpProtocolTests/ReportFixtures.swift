import Foundation
@testable import PumpProtocol

/// A session report as pumpd would send it: 0.8 mg/kg with an override, an occlusion alarm, a pause, vitals and
/// a plasma estimate, stopped by a nurse.
enum ReportFixtures {
    static let nurse = ActorDTO(name: "nurse1", uid: 1001, gid: 1001, pid: 4242)
    static let daemon = ActorDTO(name: "pumpd")

    static func summary(id: String = "12", patient: String? = "P-0042", startOffsetDays: Double = 0, delivered: Double = 17.08,
                        outcome: String = "stopped", alarms: [String] = ["occlusion"]) -> SessionSummaryDTO {
        let start = Fixtures.start.addingTimeInterval(startOffsetDays * 86_400)
        return SessionSummaryDTO(
            sessionId: id, patientId: patient, startedAt: start, endedAt: start.addingTimeInterval(1639),
            drug: "ketamine", profile: "mood", concentrationMgPerMl: 2, syringe: "bd-50", dosingWeightKg: 70,
            doseMgPerKg: 0.8, targetMg: 56, targetMl: 28, deliveredMg: delivered, deliveredMl: delivered / 2,
            durationS: 1639, outcome: outcome, endReason: nil, alarmCount: alarms.count, alarmCodes: alarms)
    }

    static let report: SessionReportDTO = {
        let start = Fixtures.start
        let timeline = stride(from: 0.0, through: 1620, by: 60).map { t -> ReportPointDTO in
            let paused = t > 420 && t <= 1200
            let ml = t <= 420 ? t * 42 / 3600 : (paused ? 4.9 : 4.9 + (t - 1200) * 42 / 3600)
            return ReportPointDTO(tS: t, deliveredMl: ml, deliveredMg: ml * 2, rateMlPerH: paused || t == 0 ? 0 : 42,
                                  state: paused ? (t < 1100 ? "alarm" : "paused") : "running",
                                  plasmaNgPerMl: t == 0 ? 0 : 40 + ml * 8)
        }
        let vitals = stride(from: 0.0, through: 1500, by: 300).map { t in
            VitalsPointDTO(at: start.addingTimeInterval(t), tS: t, sbpMmHg: 128 + t / 100, dbpMmHg: 81, hrBpm: 72,
                           spo2Percent: 98, source: "monitor")
        }
        return SessionReportDTO(
            session: summary(),
            program: ReportProgramDTO(
                drug: "ketamine", profile: "mood", actualWeightKg: 70, dosingWeightKg: 70, dosingWeightBasis: "actual",
                heightCm: 175, doseMgPerKg: 0.8, rateMgPerKgPerH: nil, durationMin: 40, concentrationMgPerMl: 2,
                syringe: "bd-50", totalMg: 56, volumeMl: 28, rateMlPerH: 42, revisions: 1, startedBy: nurse),
            events: [
                ReportEventDTO(seq: 2, at: start, tS: 0, kind: "session-open", actor: nurse, summary: "session opened"),
                ReportEventDTO(seq: 5, at: start, tS: 0, kind: "override", actor: nurse,
                               summary: "Override of dose.soft-max: Partial response <script>alert(1)</script> & 0.5"),
                ReportEventDTO(seq: 6, at: start.addingTimeInterval(2), tS: 2, kind: "start", actor: daemon, summary: "State idle → running."),
                ReportEventDTO(seq: 9, at: start.addingTimeInterval(427), tS: 427, kind: "alarm", actor: daemon,
                               summary: "Alarm occlusion (high)"),
                ReportEventDTO(seq: 14, at: start.addingTimeInterval(1639), tS: 1639, kind: "stop", actor: nurse,
                               summary: "Stopped by the nurse by nurse1."),
            ],
            overrides: [ReportOverrideDTO(at: start, tS: 0, limit: "dose.soft-max",
                                          reason: "Partial response <script>alert(1)</script> & 0.5", actor: nurse)],
            alarms: [ReportAlarmDTO(at: start.addingTimeInterval(427), tS: 427, code: "occlusion", priority: .high,
                                    message: "Line pressure is still rising steadily (now 65 mmHg): occlusion suspected.")],
            timeline: timeline, vitals: vitals, plasmaModel: "Clements 1981", generatedAt: start.addingTimeInterval(1700))
    }()
}
