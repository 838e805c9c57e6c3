// Assembles the `sessions` lines and the `report-data` payload from journal records. Pure: the journal reads
// happen in the service, so every rule here is unit-tested on hand-made records.
//
// Rules:
// - Alarms are the events that carry an alarm code and priority in their details (written for every raised
//   alarm, the e-stop included); state-change events into `alarm` and back-off notes are not counted twice.
// - The final target follows the last titration's program record, in whole motor steps as `status` shows it
//   (target steps × mL per step, the ratio every checkpoint carries); before any step: the record's mg/mL.
// - Delivered is the close record's amount, else the last checkpoint's (an open session).
// - The plasma estimate is recomputed from every checkpoint (not the thinned ones) with the session's model
//   and total body weight, on pump time, and sampled at the thinned points: display only, labelled as a
//   population-model estimate.
// - Syringes: the first from the program record (its stated fill, else the nominal volume), then every applied
//   `syringe-change` event; `sessions` counts the changes.
// - The libraries are the session-open program record's (versions, hashes, signers in force when it opened).
// - Vital signs come from the `vitals` events; only manual entries are also listed as events (monitor and
//   simulator readings would drown the table).
import Foundation
import PumpCore
import PumpJournal
import PumpProtocol

struct SessionReportBuilder {
    /// The session's journal records.
    var record: SessionRecord
    /// Its events, oldest first.
    var events: [JournalEntry]
    /// How many journal events the session holds.
    var eventCount: Int { events.count }
    /// The pump state when this is the daemon's open session (running, paused, alarm, interrupted).
    var liveState: String?
    /// The model for the plasma estimate; nil leaves the estimate out.
    var plasmaModel: PlasmaConcentrationModel?

    /// Limits that keep the report within one protocol line.
    struct Limits {
        var maxPoints = 240
        var maxEvents = 200
        var maxVitals = 240
    }

    /// The event kinds always listed in a report, however many events there are.
    static let essentialKinds: Set<JournalEventKind> = [
        .sessionOpen, .program, .override, .start, .titration, .pause, .resume, .alarm, .acknowledge, .estop,
        .estopClear, .completion, .stop, .interrupted, .resumeInterrupted, .sessionClose, .vitalsDecision, .syringeChange,
    ]

    // MARK: - Summary

    /// The program record as started and as last titrated.
    var programs: (first: ProgramRecord?, last: ProgramRecord?) {
        let first = ProgramRecord.decode(record.start.program)
        let titrated = events.last { $0.event.kind == .titration }.flatMap { ProgramRecord.decode($0.event.details) }
        return (first, titrated ?? first)
    }

    /// The alarms raised in the session, oldest first, with their pump time.
    func alarms(clock: inout PumpClock) -> [ReportAlarmDTO] {
        events.compactMap { entry -> ReportAlarmDTO? in
            let event = entry.event
            guard event.kind == .alarm || event.kind == .estop, let details = Self.details(event.details),
                  let code = details["code"] as? String, let raw = details["priority"] as? String,
                  let priority = AlarmPriorityDTO(rawValue: raw) else { return nil }
            return ReportAlarmDTO(at: event.wall, tS: clock.seconds(monotonic: event.monotonic, wall: event.wall),
                                  code: code, priority: priority, message: details["message"] as? String ?? event.summary)
        }
    }

    /// The applied syringe changes, oldest first.
    var syringeChanges: [(entry: JournalEntry, record: SyringeChangeRecord)] {
        events.compactMap { entry in
            guard entry.event.kind == .syringeChange, let record = SyringeChangeRecord.decode(entry.event.details), record.applied else { return nil }
            return (entry, record)
        }
    }

    /// Every syringe of the session: the first (from the program) and each change.
    func syringes(clock: inout PumpClock) -> [ReportSyringeDTO] {
        let start = record.start
        let first = programs.first
        var list = [ReportSyringeDTO(
            index: 1, syringe: first?.syringeID ?? "", fillMl: first?.fillML ?? first?.plan?.firstSyringeFill.value ?? 0,
            at: start.wall, tS: 0, deliveredBeforeMl: 0, actor: Self.actor(start.actor))]
        for (entry, change) in syringeChanges {
            let event = entry.event
            list.append(ReportSyringeDTO(index: change.syringeIndex, syringe: change.syringe, fillMl: change.fillML, at: event.wall,
                                         tS: Self.round(clock.seconds(monotonic: event.monotonic, wall: event.wall), 3),
                                         deliveredBeforeMl: Self.round(change.deliveredML, 6), actor: Self.actor(event.actor)))
        }
        return list
    }

    func summary() -> SessionSummaryDTO {
        let start = record.start
        let (first, last) = programs
        let dosingWeight = first?.dosingWeightKg ?? first?.dosePerKg.flatMap { $0 > 0 ? start.targetDose.value / $0 : nil }
        let stepRatio = start.targetSteps.count > 0 ? Double(last?.targetSteps ?? start.targetSteps.count) / Double(start.targetSteps.count) : 1
        let delivered = record.close?.delivered ?? record.lastCheckpoint?.delivered ?? .zero
        var targetMg = last?.totalMg ?? start.targetDose.value * stepRatio
        var targetMl = last?.volumeML ?? start.targetVolume.value * stepRatio
        if let steps = last?.targetSteps, let concentration = last?.concentrationMgPerML, delivered.steps.count > 0 {
            // What the pump targets: whole steps (rounded down), as `status` reports it.
            targetMl = Double(steps) * delivered.volume.value / Double(delivered.steps.count)
            targetMg = targetMl * concentration
        }
        var clock = PumpClock(openMonotonic: start.monotonic, openWall: start.wall)
        let alarmList = alarms(clock: &clock)
        var endClock = PumpClock(openMonotonic: start.monotonic, openWall: start.wall)
        let duration: Double = if let close = record.close {
            endClock.seconds(monotonic: close.monotonic, wall: close.wall)
        } else if let checkpoint = record.lastCheckpoint {
            endClock.seconds(monotonic: checkpoint.monotonic, wall: checkpoint.wall)
        } else { 0 }
        let interrupted = events.contains { $0.event.kind == .interrupted }
        var summary = SessionSummaryDTO(
            sessionId: String(record.id.rawValue), patientId: start.patientID, startedAt: start.wall, endedAt: record.close?.wall,
            drug: start.drug, profile: start.profile, concentrationMgPerMl: first?.concentrationMgPerML, syringe: first?.syringeID,
            dosingWeightKg: dosingWeight, doseMgPerKg: dosingWeight.flatMap { $0 > 0 ? targetMg / $0 : nil },
            targetMg: targetMg, targetMl: targetMl,
            deliveredMg: delivered.dose.value, deliveredMl: delivered.volume.value, durationS: duration,
            outcome: record.close?.outcome.rawValue ?? liveState ?? (interrupted ? "interrupted" : "open"),
            endReason: record.close?.reason, alarmCount: alarmList.count, alarmCodes: alarmList.map(\.code))
        summary.syringeChanges = syringeChanges.count
        return summary
    }

    // MARK: - Report

    func report(checkpoints: [CheckpointRecord], generatedAt: Date, limits: Limits = Limits()) -> SessionReportDTO {
        let start = record.start
        let first = programs.first
        let summary = summary()
        var clock = PumpClock(openMonotonic: start.monotonic, openWall: start.wall)
        var listed: [ReportEventDTO] = []
        var overrides: [ReportOverrideDTO] = []
        var essential: [Bool] = []
        var vitals: [VitalsPointDTO] = []
        for entry in events {
            let event = entry.event
            let t = clock.seconds(monotonic: event.monotonic, wall: event.wall)
            let actor = Self.actor(event.actor)
            if event.kind == .vitals, let reading = VitalsJournalRecord.decode(event.details) {
                vitals.append(VitalsPointDTO(at: event.wall, tS: Self.round(t, 3), sbpMmHg: reading.sbpMmHg, dbpMmHg: reading.dbpMmHg,
                                             hrBpm: reading.hrBpm, spo2Percent: reading.spo2Percent, source: reading.source))
                if reading.source != "manual" { continue }
            }
            listed.append(ReportEventDTO(seq: Int(entry.sequence), at: event.wall, tS: t, kind: event.kind.rawValue,  // checked: Int64 → Int, same width on the 64-bit targets
                                         actor: actor, summary: event.summary))
            essential.append(Self.essentialKinds.contains(event.kind))
            if event.kind == .override, let details = Self.details(event.details) {
                overrides.append(ReportOverrideDTO(at: event.wall, tS: t, limit: details["limit"] as? String ?? "",
                                                   reason: details["reason"] as? String ?? event.summary, actor: actor))
            }
        }
        let (kept, omitted) = Self.limitEvents(listed, essential: essential, max: limits.maxEvents)
        var alarmClock = PumpClock(openMonotonic: start.monotonic, openWall: start.wall)
        var syringeClock = PumpClock(openMonotonic: start.monotonic, openWall: start.wall)
        var report = SessionReportDTO(
            session: summary,
            program: ReportProgramDTO(
                drug: start.drug, profile: start.profile, actualWeightKg: first?.weightKg ?? 0,
                dosingWeightKg: summary.dosingWeightKg, dosingWeightBasis: first?.dosingWeightBasis ?? "actual",
                heightCm: first?.heightCm, doseMgPerKg: first?.dosePerKg, rateMgPerKgPerH: first?.doseRatePerKgPerHour,
                durationMin: ProgramRecord.decode(start.program)?.plannedDurationMin ?? first?.durationMin ?? 0,
                concentrationMgPerMl: first?.concentrationMgPerML ?? 0, syringe: first?.syringeID ?? "",
                totalMg: start.targetDose.value, volumeMl: start.targetVolume.value,
                rateMlPerH: first?.nominalRateMLPerHour ?? 0, revisions: programs.last?.revision ?? 1,
                startedBy: Self.actor(start.actor)),
            events: kept, eventsOmitted: omitted, overrides: overrides, alarms: alarms(clock: &alarmClock),
            timeline: timeline(checkpoints, maxPoints: limits.maxPoints), vitals: Self.thin(vitals, max: limits.maxVitals),
            plasmaModel: plasmaModel?.id, generatedAt: generatedAt)
        report.syringes = syringes(clock: &syringeClock)
        // The libraries as journaled when the session opened (not today's).
        report.libraries = ProgramRecord.decode(start.program)?.libraries
        return report
    }

    /// The checkpoints in pump time, thinned, with mean rates.
    func timeline(_ checkpoints: [CheckpointRecord], maxPoints: Int) -> [ReportPointDTO] {
        var clock = PumpClock(openMonotonic: record.start.monotonic, openWall: record.start.wall)
        let timed = checkpoints.map {
            TimedCheckpoint(t: clock.seconds(monotonic: $0.monotonic, wall: $0.wall), deliveredML: $0.delivered.volume.value,
                            deliveredMG: $0.delivered.dose.value, state: $0.state)
        }
        let thinned = TimelineThinning.thin(timed, maxPoints: maxPoints)
        let rates = TimelineThinning.rates(thinned)
        let plasma = plasmaEstimates(all: timed, at: thinned.map(\.t))
        return thinned.indices.map { index in
            let point = thinned[index]
            return ReportPointDTO(tS: Self.round(point.t, 3), deliveredMl: Self.round(point.deliveredML, 6),
                                  deliveredMg: Self.round(point.deliveredMG, 6), rateMlPerH: Self.round(rates[index], 4),
                                  state: point.state, plasmaNgPerMl: plasma.map { Self.round($0[index], 2) })
        }
    }

    /// The plasma estimate at pump times `instants` from the full-resolution delivered-dose curve `all`.
    func plasmaEstimates(all: [TimedCheckpoint], at instants: [Double]) -> [Double]? {
        guard let plasmaModel, let weight = programs.first?.weightKg, weight > 0, !all.isEmpty else { return nil }
        let instant = { (t: Double) in MonotonicInstant(nanoseconds: CheckedConversion.saturating(t * 1e9, .toNearestOrAwayFromZero, bound: CheckedConversion.maxNanoseconds)) }
        var doses = DeliveredDoseTimeline()
        doses.record(cumulative: .zero, at: instant(0))
        for point in all { doses.record(cumulative: Milligrams(point.deliveredMG), at: instant(point.t)) }
        return plasmaModel.concentrations(at: instants.map(instant), timeline: doses, bodyWeight: Kilograms(weight))?.map(\.value)
    }

    /// At most `max` of `points`, evenly spaced, the first and last kept.
    static func thin<T>(_ points: [T], max: Int) -> [T] {
        guard points.count > max, max > 1 else { return points }
        let step = Double(points.count - 1) / Double(max - 1)
        return (0..<max).map { points[min(points.count - 1, CheckedConversion.int(Double($0) * step, .toNearestOrAwayFromZero))] }
    }

    /// Keeps every essential event and as many others as fit, earliest and latest first; returns the omitted count.
    static func limitEvents(_ events: [ReportEventDTO], essential: [Bool], max: Int) -> ([ReportEventDTO], Int) {
        guard events.count > max else { return (events, 0) }
        let others = events.indices.filter { !essential[$0] }
        let room = Swift.max(0, max - (events.count - others.count))
        let keptOthers = Set(others.prefix(room / 2) + others.suffix(room - room / 2))
        let kept = events.indices.filter { essential[$0] || keptOthers.contains($0) }.map { events[$0] }
        return (kept, events.count - kept.count)
    }

    static func actor(_ actor: JournalActor) -> ActorDTO {
        ActorDTO(name: actor.name, uid: actor.uid, gid: actor.gid, pid: actor.pid)
    }

    static func details(_ data: Data) -> [String: Any]? {
        (try? JSONSerialization.jsonObject(with: data)) as? [String: Any]
    }

    /// Rounds for the wire (shorter lines); far below any displayed precision.
    static func round(_ value: Double, _ decimals: Int) -> Double {
        let scale = pow(10, Double(decimals))
        return (value * scale).rounded() / scale
    }
}
