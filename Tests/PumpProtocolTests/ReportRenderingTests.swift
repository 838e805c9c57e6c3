// The session history and report renderers: self-contained printable HTML with the journal's numbers, CSV and
// JSON that read back to the same values, and a history that fits one 80×24 screen.
import Foundation
import Testing
@testable import PumpProtocol

@Suite("Session report and history rendering")
struct ReportRenderingTests {
    let report = ReportFixtures.report
    var html: String { ReportHTML.render(report, timeZone: Fixtures.utc) }

    @Test("sessions and report-data payloads survive encode → decode unchanged")
    func payloadRoundTrip() throws {
        for payload in [ResultPayload.sessions([ReportFixtures.summary(), ReportFixtures.summary(id: "11", patient: nil)]),
                        .sessions([]), .report(report)] {
            let response = Response.success(id: "r-1", payload)
            #expect(try LineCodec.decodeResponse(LineCodec.encode(response)).get() == response)
        }
    }

    @Test("the HTML is one self-contained file: no network reference, no script, no link, A4 print rules")
    func selfContained() {
        let page = html
        #expect(!page.contains("http://") && !page.contains("https://"))
        #expect(!page.lowercased().contains("<script"))
        #expect(!page.lowercased().contains("<link"))
        #expect(!page.lowercased().contains("src="))
        #expect(page.contains("@page { size: A4"))
        #expect(page.contains("@media print"))
        #expect(page.contains("<svg"))
        #expect(page.hasPrefix("<!DOCTYPE html>"))
    }

    @Test("journal text is escaped, so an override reason cannot inject markup")
    func escaped() {
        let page = html
        #expect(page.contains("Partial response &lt;script&gt;alert(1)&lt;/script&gt; &amp; 0.5"))
        #expect(!page.contains("<script>alert"))
    }

    @Test("the HTML shows the program, delivered amounts, alarm, override, actors and the model label")
    func htmlContent() {
        let page = html
        for expected in [
            "ketamine 2.00 mg/mL", "bd-50", "70.0 kg (actual)", "0.80 mg/kg = 56.00 mg = 28.00 mL", "42.00 mL/h over 40 min",
            ">17.08 mg<", ">8.54 mL<", "— 30 %", "<span id=\"alarm-count\">1</span>", "occlusion", "HIGH", "dose.soft-max",
            "nurse1 (uid 1001, pid 4242)", "population-model estimate (Clements 1981)", "P-0042", "STOPPED",
        ] {
            #expect(page.contains(expected), "missing \(expected)")
        }
        // Ended by the nurse's stop command, not by pumpd.
        #expect(report.endedBy == ReportFixtures.nurse)
    }

    @Test("the chart draws every series and one numbered marker per alarm")
    func chart() {
        let svg = ReportChart(report: report).svg()
        #expect(svg.components(separatedBy: "<polyline").count - 1 >= 5) // rate, dose, plasma, heart rate, SpO2
        #expect(svg.contains(ReportChart.Colour.alarm(.high)))
        #expect(svg.contains(">1</text>"))
        #expect(!svg.contains("No plasma estimate") && !svg.contains("No vital signs"))
        var empty = report
        empty.vitals = []
        empty.timeline = empty.timeline.map { var point = $0; point.plasmaNgPerMl = nil; return point }
        let bare = ReportChart(report: empty).svg()
        #expect(bare.contains("No plasma estimate") && bare.contains("No vital signs"))
    }

    @Test("CSV: a header, one row per point, vitals and alarm, in time order, values as sent")
    func csv() throws {
        let text = ReportCSV.render(report)
        let lines = text.components(separatedBy: "\r\n").filter { !$0.isEmpty }
        #expect(lines.first == ReportCSV.columns.joined(separator: ","))
        let rows = lines.dropFirst().map { $0.components(separatedBy: ",") }
        #expect(rows.allSatisfy { $0.count == ReportCSV.columns.count })
        let column = { (name: String) in ReportCSV.columns.firstIndex(of: name) ?? -1 }
        #expect(rows.filter { $0[column("record")] == "delivery" }.count == report.timeline.count)
        #expect(rows.filter { $0[column("record")] == "vitals" }.count == report.vitals.count)
        let alarms = rows.filter { $0[column("record")] == "alarm" }
        #expect(alarms.map { $0[column("alarm_code")] } == ["occlusion"])
        let times = rows.compactMap { Double($0[column("t_s")]) }
        #expect(times == times.sorted() && times.count == rows.count)
        let last = try #require(rows.last { $0[column("record")] == "delivery" })
        #expect(Double(last[column("delivered_mg")]) == report.timeline.last?.deliveredMg)
    }

    @Test("The libraries of the session: CSV # lines before the header, HTML program rows with full hashes, JSON round trip")
    func libraries() throws {
        var withLibraries = report
        let drug = LibraryDTO(file: "/etc/pumpd/drug-library.toml", role: "drug-library", version: "2026-12-06.1",
                              sha256: String(repeating: "ab", count: 32), signedBy: "clinic-a", keyId: "0123456789abcdef", signature: "valid")
        let syringes = LibraryDTO(file: "/usr/share/pumpd/syringes.toml", role: "syringe-library", version: "2026-12-06.1",
                                  sha256: String(repeating: "cd", count: 32), signedBy: nil, keyId: nil, signature: "unsigned")
        let calibration = LibraryDTO(file: "/etc/pumpd/calibration.toml", role: "calibration", version: nil,
                                     sha256: String(repeating: "ef", count: 32), signedBy: nil, keyId: nil, signature: "tampered")
        withLibraries.libraries = LibrarySetDTO(drugLibrary: drug, syringeLibrary: syringes, extensions: [calibration], librarySignature: "not-required")
        let lines = ReportCSV.render(withLibraries).components(separatedBy: "\r\n").filter { !$0.isEmpty }
        #expect(Array(lines.prefix(4)) == [
            "# drug-library: file=/etc/pumpd/drug-library.toml version=2026-12-06.1 sha256=\(drug.sha256) signature=valid signed_by=clinic-a",
            "# syringe-library: file=/usr/share/pumpd/syringes.toml version=2026-12-06.1 sha256=\(syringes.sha256) signature=unsigned signed_by=none",
            "# calibration: file=/etc/pumpd/calibration.toml version=none sha256=\(calibration.sha256) signature=tampered signed_by=none",
            "# library_signature: not-required",
        ])
        #expect(lines[4] == ReportCSV.columns.joined(separator: ","))
        let html = ReportHTML.render(withLibraries, timeZone: TimeZone(identifier: "UTC") ?? .current)
        #expect(html.contains(drug.sha256) && html.contains("signed by clinic-a (key 0123456789abcdef)") && html.contains("signature UNSIGNED")
                && html.contains("signature TAMPERED") && html.contains("Library signatures"))
        #expect(ReportHTML.render(report, timeZone: TimeZone(identifier: "UTC") ?? .current).contains("not recorded"))
        #expect(try ReportJSON.decode(ReportJSON.encode(withLibraries)) == withLibraries)
        let json = String(decoding: try ReportJSON.encode(withLibraries), as: UTF8.self)
        #expect(json.contains("\"signed_by\" : null") && json.contains("\"version\" : null"), "null, not absent")
    }

    @Test("CSV quotes fields with commas and quotes")
    func csvQuoting() {
        #expect(ReportCSV.field("a,b") == "\"a,b\"")
        #expect(ReportCSV.field("say \"hi\"") == "\"say \"\"hi\"\"\"")
        #expect(ReportCSV.number(0.000125) == "0.000125" && ReportCSV.number(12.5) == "12.5" && ReportCSV.number(3) == "3")
    }

    @Test("JSON report reads back to the same report")
    func json() throws {
        #expect(try ReportJSON.decode(ReportJSON.encode(report)) == report)
    }

    @Test("a series of six infusions of one patient fits one 80×24 screen")
    func sixSessionsFit() throws {
        let outcomes = ["completed", "completed", "stopped", "completed", "estop", "interrupted"]
        let list = (0..<6).map { index in
            ReportFixtures.summary(id: String(20 - index), startOffsetDays: Double(-7 * index), delivered: index == 2 ? 17.08 : 56,
                                   outcome: outcomes[index], alarms: index == 4 ? ["estop", "occlusion"] : [])
        }
        let lines = SessionsText.render(list, timeZone: Fixtures.utc).components(separatedBy: "\n")
        #expect(lines.count <= 24)
        #expect(lines.allSatisfy { $0.count <= SessionsText.width }, "\(lines.filter { $0.count > 80 })")
        #expect(lines[0] == "Patient P-0042 · ketamine · 6 sessions, 2 alarms")
        let rows = lines.filter { $0.contains(" 14:00 ") }
        try #require(rows.count == 6)
        #expect(rows[0].contains("2025-01-31 14:00") && rows[0].contains("56.00") && rows[0].contains("completed"))
        #expect(rows[2].contains("17.08") && rows[2].contains("8.54") && rows[2].contains(" 30 "))
        #expect(rows[4].hasSuffix(" 2") && rows[4].contains("estop"))
        #expect(rows[5].contains("interrupted"))
    }

    @Test("sessions of several patients are grouped under one heading each")
    func grouped() {
        let list = [ReportFixtures.summary(id: "3", patient: "A"), ReportFixtures.summary(id: "2", patient: "B"),
                    ReportFixtures.summary(id: "1", patient: "A")]
        let text = SessionsText.render(list, timeZone: Fixtures.utc)
        #expect(text.components(separatedBy: "Patient A ·").count == 2)
        #expect(text.components(separatedBy: "Patient B ·").count == 2)
        #expect(SessionsText.render([], timeZone: Fixtures.utc) == "No sessions in the journal.")
    }

    @Test("chart scales use round tick steps")
    func scales() {
        #expect(ChartScale.niceStep(7) == 10 && ChartScale.niceStep(0.3) == 0.5 && ChartScale.niceStep(2.2) == 2.5)
        #expect(ChartScale(maximum: 46, start: 0, end: 100).upper == 50)
        #expect(ChartScale.timeStep(minutes: 40) == 5 && ChartScale.timeStep(minutes: 240) == 20)
    }
}
