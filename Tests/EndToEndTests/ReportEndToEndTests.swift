// End-to-end: session history and session reports through the real pumpd and pumpctl. The report's numbers
// are checked against what pumpd said in `status` and what its journal says in `log`, in all three formats.
// 100× and 2 mg/mL keep the step rate (and the CPU the simulator needs) low, so a loaded machine does not
// trip heartbeat-missed in the middle of the scenario.
import Foundation
import PumpProtocol
import Testing
#if canImport(Glibc)
import Glibc
#endif

@Suite("pumpctl sessions and report end to end", .serialized)
struct ReportEndToEndTests {
    static let overrideReason = "Clinician order: partial response at 0.5 mg/kg"

    static func start(patient: String, dose: String = "0.5", concentration: String = "2", reason: String? = nil) -> [String] {
        var arguments = ["start", "--drug", "ketamine", "--profile", "mood", "--weight-kg", "70", "--dose-mg-per-kg", dose,
                         "--duration-min", "40", "--concentration-mg-per-ml", concentration, "--syringe", "bd-50",
                         "--patient-id", patient, "--yes"]
        if let reason { arguments += ["--override-reason", reason] }
        return arguments
    }

    /// Decodes the one JSON answer line printed by `pumpctl --raw`.
    static func payload(_ result: CommandResult) throws -> ResultPayload? {
        guard let line = result.stdout.split(separator: "\n").last,
              case .success(let response) = LineCodec.decodeResponse(Data(line.utf8)) else {
            throw HarnessError("unreadable answer: \(result.stdout) \(result.stderr)")
        }
        return response.result
    }

    @Test("A session with an override and an occlusion: report JSON, CSV and HTML match status and the journal")
    func reportMatchesJournal() throws {
        let daemon = try DaemonHarness(speed: 100)
        try daemon.start()
        let started = daemon.ctl(Self.start(patient: "R-1", dose: "0.8", concentration: "2", reason: Self.overrideReason))
        try #require(started.status == 0, "\(started.stderr)")
        #expect(daemon.ctl(["vitals", "--sbp", "124", "--dbp", "78", "--hr", "70", "--spo2", "98"]).status == 0)
        _ = try daemon.waitFor(timeout: 20) { $0.deliveredMl > 1 }
        #expect(daemon.ctl(["vitals", "--sbp", "131", "--dbp", "84", "--hr", "76", "--spo2", "97"]).status == 0)
        #expect(daemon.ctl(["sim", "inject", "occlusion"]).status == 0)
        let alarmed = try daemon.waitFor(timeout: 30) { $0.state == .alarm }
        try #require(alarmed.alarms.contains { $0.code == "occlusion" }, "\(alarmed.state) \(alarmed.alarms)")
        #expect(daemon.ctl(["sim", "inject", "occlusion-release"]).status == 0)
        #expect(daemon.ctl(["ack", "occlusion"]).status == 0)
        #expect(daemon.ctl(["resume"]).status == 0)
        _ = try daemon.waitFor(timeout: 20) { $0.deliveredMl > alarmed.deliveredMl + 0.5 }
        #expect(daemon.ctl(["stop"]).status == 0)
        let final = try daemon.waitFor(timeout: 5) { $0.state == .stopped }
        try #require(final.state == .stopped)
        // JSON: the structured report. The journal queue writes the close record off the control path: wait
        // (under a deadline) for the report to show it rather than sleeping a fixed time.
        let directory = daemon.directory
        let jsonPath = directory.appendingPathComponent("report.json").path
        var jsonRun = CommandResult(status: -1, stdout: "", stderr: "")
        var decoded: SessionReportDTO?
        _ = daemon.eventually(timeout: 20) {
            jsonRun = daemon.ctl(["report", "--format", "json", "--output", jsonPath])
            guard jsonRun.status == 0 else { return false }
            decoded = try? ReportJSON.decode(Data(contentsOf: URL(fileURLWithPath: jsonPath)))
            return decoded?.session.outcome == "stopped"
        }
        try #require(jsonRun.status == 0, "\(jsonRun.stderr)")
        let report = try #require(decoded)
        #expect(report.session.sessionId == final.sessionId)
        #expect(report.session.patientId == "R-1")
        #expect(report.session.outcome == "stopped")
        #expect(abs(report.session.deliveredMg - final.deliveredMg) < 1e-6, "\(report.session.deliveredMg) vs \(final.deliveredMg)")
        #expect(abs(report.session.deliveredMl - final.deliveredMl) < 1e-6)
        #expect(abs(report.session.targetMg - 56) < 1e-3 && abs(report.session.targetMl - 28) < 1e-3)
        #expect(report.program.dosingWeightKg == 70 && report.program.doseMgPerKg == 0.8 && report.program.concentrationMgPerMl == 2)
        #expect(report.overrides.map(\.reason) == [Self.overrideReason])
        #expect(report.overrides.first?.limit == "dose.soft-max")
        #expect(report.alarms.map(\.code).contains("occlusion"))
        #expect(report.alarms.first { $0.code == "occlusion" }?.priority == .high)
        #expect(report.session.alarmCount == report.alarms.count)
        // Who: the kernel-reported uid of this test process started and stopped it.
        #expect(report.program.startedBy.uid == getuid())
        #expect(report.endedBy?.uid == getuid())
        #expect(report.events.contains { $0.kind == "stop" && $0.actor.uid == getuid() })
        #expect(report.events.contains { $0.kind == "acknowledge" && $0.actor.uid == getuid() })
        // The timeline ends at the close amount and never decreases by more than the occlusion back-off.
        let last = try #require(report.timeline.last)
        #expect(abs(last.deliveredMg - final.deliveredMg) < 1e-5)
        #expect(report.timeline.contains { $0.state == "alarm" } && report.timeline.contains { $0.state == "paused" })
        #expect(zip(report.timeline, report.timeline.dropFirst()).allSatisfy { $1.tS >= $0.tS })

        // Vital signs as entered, and the plasma estimate with its model.
        #expect(report.vitals.map(\.sbpMmHg) == [124, 131] && report.vitals.map(\.hrBpm) == [70, 76])
        #expect(report.vitals.allSatisfy { $0.source == "manual" })
        #expect(report.events.filter { $0.kind == "vitals" }.allSatisfy { $0.actor.uid == getuid() })
        #expect(report.plasmaModel == "clements-nimmo-1981")
        #expect((report.timeline.last?.plasmaNgPerMl ?? 0) > 0)
        #expect(report.timeline.first?.plasmaNgPerMl == 0)

        // The journal (pumpctl log) holds the same alarms.
        let log = daemon.ctl(["log", "--limit", "200", "--raw"])
        guard case .log(let entries)? = try Self.payload(log) else { throw HarnessError("no log") }
        let journalAlarms = entries.filter { $0.sessionId == final.sessionId && ($0.event == "alarm" || $0.event == "estop")
            && $0.message.contains(": Alarm ") }
        #expect(journalAlarms.count == report.alarms.count, "\(journalAlarms.map(\.message))")
        #expect(entries.contains { $0.event == "override" && $0.message.contains(Self.overrideReason) })

        // CSV: the last delivery row carries the same delivered amount; one alarm row per alarm.
        let csv = daemon.ctl(["report", "--format", "csv"])
        try #require(csv.status == 0)
        // The `#` lines before the column header name the libraries the session was programmed under.
        let lines = csv.stdout.components(separatedBy: "\r\n").filter { !$0.isEmpty }
        #expect(lines.first?.hasPrefix("# drug-library: ") == true && lines.contains("# library_signature: not-required"), "\(lines.prefix(4))")
        let rows = lines.filter { !$0.hasPrefix("#") }.map { $0.components(separatedBy: ",") }
        let header = try #require(rows.first)
        let column = { (name: String) in header.firstIndex(of: name) ?? -1 }
        let deliveryRows = rows.dropFirst().filter { $0[column("record")] == "delivery" }
        let lastMg = try #require(deliveryRows.last.flatMap { Double($0[column("delivered_mg")]) })
        #expect(abs(lastMg - final.deliveredMg) < 1e-5)
        #expect(rows.filter { $0[column("record")] == "alarm" }.count == report.alarms.count)
        #expect(rows.filter { $0[column("record")] == "vitals" }.map { $0[column("sbp_mmhg")] } == ["124", "131"])

        // HTML: self-contained and showing the same numbers.
        let html = daemon.ctl(["report", "--session", try #require(final.sessionId)])
        try #require(html.status == 0)
        let page = html.stdout
        #expect(page.contains(">\(QuantityFormat.mg(final.deliveredMg))<") && page.contains(">\(QuantityFormat.ml(final.deliveredMl))<"))
        #expect(page.contains("<span id=\"alarm-count\">\(report.alarms.count)</span>"))
        #expect(page.contains(Self.overrideReason) && page.contains("occlusion") && page.contains("STOPPED"))
        #expect(page.contains("population-model estimate (clements-nimmo-1981)") && !page.contains("No plasma estimate")
                && !page.contains("No vital signs in this record"))
        #expect(!page.contains("http://") && !page.contains("https://") && !page.lowercased().contains("<script")
                && !page.lowercased().contains("<link"))

        // Unknown sessions are refused with one sentence.
        let missing = daemon.ctl(["report", "--session", "999"])
        #expect(missing.status == 1 && missing.stderr.contains("no session 999"))
    }

    @Test("pumpctl sessions lists each patient's sessions newest first with dose, delivered, end and alarms")
    func sessionHistory() throws {
        let daemon = try DaemonHarness(speed: 100)
        try daemon.start()
        #expect(daemon.ctl(["sessions"]).stdout.contains("No sessions"))
        var delivered: [Double] = []
        for (index, patient) in ["H-1", "H-1", "H-2"].enumerated() {
            // The second H-1 session falls in the 12-hour repeat window: it needs an override reason.
            let reason = index == 1 ? "Second infusion today per protocol" : nil
            let started = daemon.ctl(Self.start(patient: patient, reason: reason))
            try #require(started.status == 0, "\(started.stderr)")
            _ = try daemon.waitFor(timeout: 20) { $0.deliveredMl > 0.5 + Double(index) * 0.3 }
            #expect(daemon.ctl(["stop"]).status == 0)
            let stopped = try daemon.waitFor(timeout: 5) { $0.state == .stopped }
            delivered.append(stopped.deliveredMg)
        }
        // The close records are written off the control path: wait for all three to be listed as stopped.
        var listed: [SessionSummaryDTO] = []
        _ = try daemon.eventually(timeout: 20) {
            guard case .sessions(let all)? = try Self.payload(daemon.ctl(["sessions", "--raw"])) else { return false }
            listed = all
            return all.count == 3 && all.allSatisfy { $0.outcome == "stopped" }
        }
        let all = listed
        #expect(all.map(\.patientId) == ["H-2", "H-1", "H-1"])
        #expect(zip(all.map(\.deliveredMg), delivered.reversed()).allSatisfy { abs($0 - $1) < 1e-6 })
        for session in all {
            #expect(session.outcome == "stopped" && session.alarmCount == 0, "\(session.outcome) \(session.alarmCodes)")
            #expect(abs(session.targetMg - 35) < 1e-3 && abs((session.doseMgPerKg ?? 0) - 0.5) < 1e-4, "\(session.targetMg) \(session.doseMgPerKg ?? 0)")
        }
        guard case .sessions(let mine)? = try Self.payload(daemon.ctl(["sessions", "--patient", "H-1", "--raw"])) else {
            throw HarnessError("no list")
        }
        #expect(mine.count == 2 && mine.allSatisfy { $0.patientId == "H-1" })
        #expect(mine[0].startedAt >= mine[1].startedAt && Int(mine[0].sessionId) ?? 0 > Int(mine[1].sessionId) ?? 0)

        let text = daemon.ctl(["sessions"])
        #expect(text.status == 0)
        let lines = text.stdout.components(separatedBy: "\n")
        #expect(lines.allSatisfy { $0.count <= 80 })
        #expect(text.stdout.contains("Patient H-1 · ketamine · 2 sessions") && text.stdout.contains("Patient H-2 · ketamine · 1 session"))
        #expect(text.stdout.contains(QuantityFormat.fixed(delivered[0], 2)))
        #expect(daemon.ctl(["sessions", "--patient", "nobody"]).stdout.contains("No sessions for patient nobody."))
    }
}
