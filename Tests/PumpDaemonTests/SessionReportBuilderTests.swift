// The report builder on a real journal in a temporary directory, written in virtual time (no sleeps): alarm
// counting, final targets, the thinned timeline and its rates, the plasma estimate, vitals, restarts, event
// limits and the one-line fit.
import Foundation
import PumpCore
import PumpJournal
import PumpLibrary
import PumpProtocol
import Testing
@testable import PumpDaemon

@Suite("Session report builder")
struct SessionReportBuilderTests {
    static let wall0 = Date(timeIntervalSince1970: 1_738_332_000)
    let nurse = JournalActor(uid: 1001, gid: 1001, pid: 4242, name: "nurse1")

    /// A journal holding one 40-minute session of 35 mg at 52.5 mL/h (1 mg/mL) with a 5-minute occlusion alarm
    /// at 10 min, a checkpoint every second while infusing, vitals every 5 min, stopped at 30 min by a nurse.
    func journalWithSession(boots: Bool = false, refusals: Int = 0) throws -> (Journal, SessionID, URL) {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("report-builder-\(UUID().uuidString.prefix(8))")
        let journal = try Journal(directory: directory)
        let planner = DosePlanner(drugs: try DrugLibraryLoader.bundled(), syringes: try SyringeLibraryLoader.bundled())
        let request = ProgramRequest(drug: "ketamine", profile: "mood", patient: PatientInfo(weight: Kilograms(70), patientID: "B-1"),
                                     dosePerKg: MilligramsPerKilogram(0.5), duration: Minutes(40),
                                     concentration: MilligramsPerMilliliter(1), syringeID: "bd-50")
        let plan = try #require(planner.validate(request).plan)
        let record = ProgramRecord(request: request, plan: plan)
        let mono = { (seconds: Double) in MonotonicInstant(nanoseconds: Int64(seconds * 1e9)) }
        let wall = { (seconds: Double) in Self.wall0.addingTimeInterval(seconds) }
        let id = try journal.beginSession(SessionStart(
            patientID: "B-1", drug: "ketamine", profile: "mood", program: record.encoded(), targetDose: plan.totalDose,
            targetVolume: plan.volume, targetSteps: plan.targetSteps, wall: wall(0), monotonic: mono(0), actor: nurse))
        func event(_ kind: JournalEventKind, _ t: Double, actor: JournalActor = .daemon, _ summary: String, _ details: [String: Any] = [:]) throws {
            let data = try JSONSerialization.data(withJSONObject: details)
            try journal.append(JournalEvent(kind: kind, session: id, actor: actor, monotonic: mono(t), wall: wall(t), summary: summary, details: data))
        }
        try event(.override, 0, actor: nurse, "Override of dose.soft-max: reason", ["limit": "dose.soft-max", "reason": "Clinician order"])
        try event(.start, 0.1, "State idle → running.")
        for index in 0..<refusals { try event(.commandRefused, 1 + Double(index) * 0.001, actor: nurse, "Refused pause.") }
        let mlPerSecond = 52.5 / 3600
        let mlPerStep = plan.geometry.volume(for: Steps(1)).value
        var delivered = 0.0
        var lastT = 0.0
        func checkpoint(_ t: Double, _ state: String, _ infusing: Bool) throws {
            if infusing { delivered += (t - lastT) * mlPerSecond }
            lastT = t
            let steps = Int64((delivered / mlPerStep).rounded(.down))
            let volume = Double(steps) * mlPerStep
            // After a restart the monotonic clock begins again near zero (a new boot), the wall clock goes on.
            let m = boots && t > 1200 ? t - 1190 : t
            try journal.checkpoint(id, delivered: DeliveredAmount(steps: Steps(steps), volume: Milliliters(volume), dose: Milligrams(volume)),
                                   state: state, infusing: infusing, monotonic: mono(m), wall: wall(t))
        }
        for t in stride(from: 0.0, through: 600, by: 1) { try checkpoint(t, "running", t > 0) }
        try event(.alarm, 600, "Alarm occlusion (high): Occluded.", ["code": "occlusion", "priority": "high", "message": "Occluded."])
        try event(.alarm, 600, "State running → alarm.", ["from": "running", "to": "alarm"])
        try event(.alarm, 601, "Occlusion back-off pulled back 0.05 mL.", ["back_off_ml": 0.05])
        for t in stride(from: 601.0, through: 900, by: 10) { try checkpoint(t, "alarm", false) }
        try checkpoint(900, "paused", false)
        try event(.acknowledge, 900, actor: nurse, "nurse1 acknowledged occlusion.")
        try event(.resume, 900, actor: nurse, "Resumed by nurse1.")
        for t in stride(from: 901.0, through: 1800, by: 1) { try checkpoint(t, "running", true) }
        for t in stride(from: 0.0, through: 1800, by: 300) {
            try event(.vitals, t, actor: t == 0 ? nurse : PumpService.simulatedMonitorActor, "Vital signs.",
                      ["sbp_mmhg": 120 + t / 100, "dbp_mmhg": 80, "hr_bpm": 70, "spo2_percent": 98, "source": t == 0 ? "manual" : "simulator",
                       "pump_state": "running", "out_of_range": [String](), "decision": "in-range", "limits_signed_off": false])
        }
        try event(.stop, 1800, actor: nurse, "Stopped by the nurse by nurse1.")
        let steps = Int64((delivered / mlPerStep).rounded(.down))
        let volume = Double(steps) * mlPerStep
        try journal.closeSession(id, outcome: .stopped, delivered: DeliveredAmount(steps: Steps(steps), volume: Milliliters(volume), dose: Milligrams(volume)),
                                 monotonic: mono(boots ? 610 : 1800), wall: wall(1800))
        return (journal, id, directory)
    }

    func builder(_ journal: Journal, _ id: SessionID) throws -> SessionReportBuilder {
        let record = try #require(try journal.sessionRecord(id))
        return SessionReportBuilder(record: record, events: try journal.events(session: id), liveState: nil, plasmaModel: .standard)
    }

    @Test("summary: one alarm (not the state change or back-off note), delivered from the close record, final target in whole steps")
    func summary() throws {
        let (journal, id, directory) = try journalWithSession()
        defer { try? FileManager.default.removeItem(at: directory) }
        let summary = try builder(journal, id).summary()
        #expect(summary.alarmCount == 1 && summary.alarmCodes == ["occlusion"])
        #expect(summary.outcome == "stopped" && summary.patientId == "B-1")
        // 25 minutes of infusion at 52.5 mL/h = 21.875 mL, rounded down to whole steps.
        #expect(summary.deliveredMl <= 21.875 && summary.deliveredMl > 21.875 - 0.0003)
        #expect(abs(summary.targetMg - 35) < 0.0003 && summary.targetMg <= 35)
        #expect(summary.dosingWeightKg == 70 && abs((summary.doseMgPerKg ?? 0) - 0.5) < 1e-5)
        #expect(summary.durationS == 1800)
    }

    @Test("report: thinned timeline with mean rates, alarm at its pump time, overrides, vitals, plasma estimate")
    func report() throws {
        let (journal, id, directory) = try journalWithSession()
        defer { try? FileManager.default.removeItem(at: directory) }
        let report = try builder(journal, id).report(checkpoints: try journal.checkpoints(session: id), generatedAt: Self.wall0)
        #expect(report.timeline.count <= 240 + 8 && report.timeline.count > 100)
        #expect(abs((report.timeline.last?.deliveredMl ?? 0) - report.session.deliveredMl) < 1e-6)
        let running = report.timeline.dropFirst().filter { $0.state == "running" && $0.tS > 5 && $0.tS < 600 || $0.tS > 905 }
        #expect(running.allSatisfy { abs($0.rateMlPerH - 52.5) < 0.5 }, "\(running.map(\.rateMlPerH).filter { abs($0 - 52.5) >= 0.5 })")
        #expect(report.timeline.filter { $0.state == "alarm" && $0.tS > 610 }.allSatisfy { $0.rateMlPerH == 0 })
        #expect(report.alarms.map(\.tS) == [600] && report.alarms.first?.priority == .high)
        #expect(report.overrides.map(\.reason) == ["Clinician order"] && report.overrides.first?.actor.uid == 1001)
        #expect(report.vitals.count == 7 && report.vitals.first?.source == "manual" && report.vitals.last?.sbpMmHg == 138)
        // Only the manual vitals entry is listed as an event.
        #expect(report.events.filter { $0.kind == "vitals" }.count == 1)
        #expect(report.endedBy?.uid == 1001 && report.program.startedBy.name == "nurse1")
        // The plasma estimate rises while infusing, falls during the alarm pause, is zero at the start.
        let plasma = report.timeline.compactMap(\.plasmaNgPerMl)
        #expect(plasma.count == report.timeline.count && plasma.first == 0)
        let at = { (t: Double) in report.timeline.last { $0.tS <= t }?.plasmaNgPerMl ?? -1 }
        #expect(at(600) > at(300) && at(890) < at(600) && at(1800) > at(900))
        #expect(report.plasmaModel == PlasmaConcentrationModel.standard.id)
    }

    @Test("a daemon restart (monotonic clock begins again) keeps pump time moving forward")
    func restart() throws {
        let (journal, id, directory) = try journalWithSession(boots: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let report = try builder(journal, id).report(checkpoints: try journal.checkpoints(session: id), generatedAt: Self.wall0)
        let times = report.timeline.map(\.tS)
        #expect(times == times.sorted())
        #expect(abs((times.last ?? 0) - 1800) < 1e-6, "the wall-clock gap bridges the restart: \(times.last ?? 0)")
    }

    @Test("many routine events: essential ones are kept, the rest trimmed, and the answer fits one protocol line")
    func limits() throws {
        let (journal, id, directory) = try journalWithSession(refusals: 3000)
        defer { try? FileManager.default.removeItem(at: directory) }
        let builder = try builder(journal, id)
        let report = PumpService.fitted(builder, checkpoints: try journal.checkpoints(session: id), generatedAt: Self.wall0)
        #expect(report.eventsOmitted > 2800)
        for kind in ["override", "alarm", "acknowledge", "resume", "stop", "session-open", "session-close"] {
            #expect(report.events.contains { $0.kind == kind }, "\(kind) kept")
        }
        let line = LineCodec.encode(Response.success(id: "x", .report(report)))
        #expect(line.count <= LineCodec.maxLineBytes)
        guard case .report(let decoded)? = try LineCodec.decodeResponse(line).get().result else {
            Issue.record("the line does not decode to a report")
            return
        }
        #expect(decoded.events.count == report.events.count && decoded.timeline == report.timeline)
    }

    @Test("thinning keeps both sides of every state change and the end points")
    func thinning() {
        let points = (0...1000).map { TimedCheckpoint(t: Double($0), deliveredML: Double($0) / 100, deliveredMG: Double($0) / 100,
                                                      state: (400...420).contains($0) ? "paused" : "running") }
        let thinned = TimelineThinning.thin(points, maxPoints: 50)
        #expect(thinned.first == points.first && thinned.last == points.last)
        #expect(thinned.contains(points[399]) && thinned.contains(points[400]) && thinned.contains(points[420]) && thinned.contains(points[421]))
        #expect(thinned.count <= 50 + 4 + 2)
        #expect(TimelineThinning.rates(thinned).dropFirst().allSatisfy { abs($0 - 36) < 1e-9 })
    }
}
