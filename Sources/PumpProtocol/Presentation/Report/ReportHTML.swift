// `pumpctl report --format html`: one self-contained HTML file (inline CSS, inline SVG, no script, no link,
// no network reference) that prints on A4. Every value from the journal is escaped. Numbers use the same
// formatting as the rest of pumpctl (QuantityFormat), so the report and `pumpctl status` agree to the digit.
import Foundation

/// Renders a session report as HTML.
public enum ReportHTML {
    /// The whole document.
    public static func render(_ report: SessionReportDTO, timeZone: TimeZone) -> String {
        let page = Page(report: report, timeZone: timeZone)
        return """
            <!DOCTYPE html>
            <html lang="en">
            <head>
            <meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <title>\(HTMLText.escape(page.title))</title>
            <style>
            \(ReportStyle.css)
            </style>
            </head>
            <body>
            \(page.header())
            <div class="columns">
            \(page.programSection())
            \(page.deliverySection())
            </div>
            \(page.chartSection())
            \(page.syringeSection())
            \(page.alarmSection())
            \(page.overrideSection())
            \(page.eventSection())
            \(page.footer())
            </body>
            </html>

            """
    }
}

/// The sections of one report page.
private struct Page {
    let report: SessionReportDTO
    let timeZone: TimeZone

    var session: SessionSummaryDTO { report.session }
    var program: ReportProgramDTO { report.program }

    var title: String {
        "Infusion record — session \(session.sessionId)" + (session.patientId.map { " — patient \($0)" } ?? "")
    }

    func e(_ text: String) -> String { HTMLText.escape(text) }

    func time(_ date: Date) -> String { QuantityFormat.clockWithSeconds(date, timeZone: timeZone) }

    func header() -> String {
        var span = DateText.full(session.startedAt, timeZone: timeZone)
        if let end = session.endedAt { span += " – " + time(end) }
        let patient = session.patientId.map { "Patient <strong>\(e($0))</strong> · " } ?? "No patient id · "
        return """
            <header>
            <div>
            <h1>Infusion session record</h1>
            <div class="sub">\(patient)Session <strong>\(e(session.sessionId))</strong> · \(e(span))</div>
            <div class="flag">Research and bench software — not a cleared medical device. Generated from the pumpd journal.</div>
            </div>
            <div class="outcome \(e(session.outcome))" id="outcome">\(e(session.outcome.uppercased()))</div>
            </header>
            """
    }

    func programSection() -> String {
        var rows: [(String, String)] = [
            ("Drug", "\(program.drug) \(QuantityFormat.mgPerMl(program.concentrationMgPerMl))"),
            ("Syringe", program.syringe),
            ("Profile", program.profile),
            ("Body weight", QuantityFormat.kg(program.actualWeightKg) + (program.heightCm.map { ", \(QuantityFormat.fixed($0, 0)) cm" } ?? "")),
            ("Dosing weight", (program.dosingWeightKg.map(QuantityFormat.kg) ?? "--") + " (\(program.dosingWeightBasis))"),
        ]
        if let dose = program.doseMgPerKg {
            rows.append(("Dose as started", "\(QuantityFormat.mgPerKg(dose)) = \(QuantityFormat.mg(program.totalMg)) = \(QuantityFormat.ml(program.volumeMl))"))
        } else {
            rows.append(("Dose as started", "\(QuantityFormat.mg(program.totalMg)) = \(QuantityFormat.ml(program.volumeMl))"))
        }
        var rate = "\(QuantityFormat.mlPerH(program.rateMlPerH))"
        if let perKg = program.rateMgPerKgPerH { rate += " (\(QuantityFormat.mgPerKgPerH(perKg)))" }
        rows.append(("Rate as started", rate + " over \(QuantityFormat.minutes(program.durationMin))"))
        rows.append(("Revisions", program.revisions == 1 ? "1 (not titrated)" : "\(program.revisions) (titrated)"))
        rows.append(("Started by", program.startedBy.described))
        if let set = report.libraries {
            for library in set.all {
                let label = switch library.role {
                case "drug-library": "Drug library"
                case "syringe-library": "Syringe library"
                case "syringe-additions": "User syringes"
                default: "Calibration"
                }
                rows.append((label, library.describe(fullHash: true)))
            }
            rows.append(("Library signatures", set.librarySignature))
        } else {
            rows.append(("Libraries", "not recorded (session journaled before library versions were kept)"))
        }
        return "<section id=\"program\"><h2>Program</h2>\n" + keyValues(rows) + "</section>"
    }

    func deliverySection() -> String {
        let percent = QuantityFormat.percent(delivered: session.deliveredMg, target: session.targetMg).map { " — \($0) %" } ?? ""
        let counts = report.alarmCountsByPriority.filter { $0.count > 0 }.map { "\($0.count) \($0.priority.rawValue)" }
        let rows: [(String, String)] = [
            ("Delivered", "<span id=\"delivered-mg\">\(QuantityFormat.mg(session.deliveredMg))</span> (<span id=\"delivered-ml\">\(QuantityFormat.ml(session.deliveredMl))</span>)\(percent)"),
            ("Final target", "\(QuantityFormat.mg(session.targetMg)) (\(QuantityFormat.ml(session.targetMl)))"
                + (session.doseMgPerKg.map { " = \(QuantityFormat.mgPerKg($0))" } ?? "")),
            ("Outcome", e(session.outcome) + (session.endReason.map { " — \(e($0))" } ?? "")),
            ("Pump time", QuantityFormat.duration(seconds: session.durationS, rounding: .down)),
            ("Opened", e(DateText.dayAndTime(session.startedAt, timeZone: timeZone))),
            ("Closed", session.endedAt.map { e(DateText.dayAndTime($0, timeZone: timeZone)) } ?? "open"),
            ("Ended by", e(report.endedBy?.described ?? "—")),
            ("Alarms", "<span id=\"alarm-count\">\(report.alarms.count)</span>" + (counts.isEmpty ? "" : " (\(counts.joined(separator: ", ")))")),
            ("Overrides", String(report.overrides.count)),
        ]
        return "<section id=\"delivery\"><h2>Delivery</h2>\n" + keyValues(rows, escaped: true) + "</section>"
    }

    func chartSection() -> String {
        """
        <section class="chart-section" id="chart"><h2>Time chart</h2>
        <div class="chart">
        \(ReportChart(report: report).svg())</div>
        <div class="note">Rate is the mean over each interval between journal checkpoints. Plasma concentration is a
        population-model estimate\(report.plasmaModel.map { " (\(e($0)))" } ?? ""), not a measurement. Numbered markers are the alarms listed below.</div>
        </section>
        """
    }

    /// The syringes of the session; changes are the S2, S3, … lines on the chart.
    func syringeSection() -> String {
        let syringes = report.syringes ?? []
        guard !syringes.isEmpty else { return "" }
        let rows = syringes.map { syringe in
            "<tr><td class=\"mono\">S\(syringe.index)</td><td class=\"mono\">\(time(syringe.at))</td><td class=\"num mono\">\(minutes(syringe.tS))</td>"
                + "<td class=\"mono\">\(e(syringe.syringe))</td><td class=\"num mono\">\(e(QuantityFormat.ml(syringe.fillMl)))</td>"
                + "<td class=\"num mono\">\(e(QuantityFormat.ml(syringe.deliveredBeforeMl)))</td><td>\(e(syringe.actor.name))</td></tr>"
        }
        return """
            <section id="syringes"><h2>Syringes (\(syringes.count), \(syringes.count - 1) change\(syringes.count == 2 ? "" : "s"))</h2>
            <table class="list"><thead><tr><th>#</th><th>Loaded</th><th class="num">Pump time</th><th>Syringe</th><th class="num">Fill</th><th class="num">Delivered before</th><th>By</th></tr></thead>
            <tbody>
            \(rows.joined(separator: "\n"))
            </tbody></table></section>
            """
    }

    func alarmSection() -> String {
        guard !report.alarms.isEmpty else {
            return "<section id=\"alarms\"><h2>Alarms</h2><p class=\"empty\">No alarms were raised.</p></section>"
        }
        let rows = report.alarms.enumerated().map { index, alarm in
            let colour = ReportChart.Colour.alarm(alarm.priority)
            return "<tr><td><span class=\"marker\" style=\"background:\(colour)\">\(index + 1)</span></td>"
                + "<td class=\"mono\">\(time(alarm.at))</td><td class=\"num mono\">\(minutes(alarm.tS))</td>"
                + "<td><span class=\"prio \(alarm.priority.rawValue)\">\(alarm.priority.rawValue.uppercased())</span></td>"
                + "<td class=\"mono nowrap\">\(e(alarm.code))</td><td>\(e(alarm.message))</td></tr>"
        }
        return """
            <section id="alarms"><h2>Alarms (\(report.alarms.count))</h2>
            <table class="list"><thead><tr><th>#</th><th>Time</th><th class="num">Pump time</th><th>Priority</th><th>Code</th><th>Message</th></tr></thead>
            <tbody>
            \(rows.joined(separator: "\n"))
            </tbody></table></section>
            """
    }

    func overrideSection() -> String {
        guard !report.overrides.isEmpty else {
            return "<section id=\"overrides\"><h2>Overrides</h2><p class=\"empty\">No limit was overridden.</p></section>"
        }
        let rows = report.overrides.map { item in
            "<tr><td class=\"mono\">\(time(item.at))</td><td class=\"mono\">\(e(item.limit))</td>"
                + "<td class=\"reason\">\(e(item.reason))</td><td>\(e(item.actor.described))</td></tr>"
        }
        return """
            <section id="overrides"><h2>Overrides with reasons (\(report.overrides.count))</h2>
            <table class="list"><thead><tr><th>Time</th><th>Limit</th><th>Reason</th><th>By</th></tr></thead>
            <tbody>
            \(rows.joined(separator: "\n"))
            </tbody></table></section>
            """
    }

    func eventSection() -> String {
        let rows = report.events.map { event in
            "<tr class=\"\(event.actor.isDaemon ? "daemon" : "person")\"><td class=\"mono\">\(time(event.at))</td>"
                + "<td class=\"num mono\">\(minutes(event.tS))</td><td class=\"nowrap\">\(e(event.actor.described))</td>"
                + "<td class=\"mono nowrap\">\(e(event.kind))</td><td>\(e(event.summary))</td></tr>"
        }
        let omitted = report.eventsOmitted > 0
            ? "<p class=\"note\">\(report.eventsOmitted) routine events are not listed here; pumpctl log shows them all.</p>" : ""
        return """
            <section id="events"><h2>Who did what and when (\(report.events.count) journal events)</h2>
            <table class="list"><thead><tr><th>Time</th><th class="num">Pump time</th><th>Who (SO_PEERCRED)</th><th>Event</th><th>Details</th></tr></thead>
            <tbody>
            \(rows.joined(separator: "\n"))
            </tbody></table>\(omitted)
            <p class="note">Rows in grey were recorded by pumpd itself; the others by the user whose uid and pid the kernel reported for the command's connection.</p>
            </section>
            """
    }

    func footer() -> String {
        """
        <footer>Generated \(e(DateText.full(report.generatedAt, timeZone: timeZone))) by pumpctl report from pumpd's journal \
        (session \(e(session.sessionId))). Times are local (\(e(timeZone.identifier))); "pump time" counts from the session's opening.</footer>
        """
    }

    /// Pump time since the session opened, "mm:ss".
    private func minutes(_ seconds: Double) -> String {
        QuantityFormat.duration(seconds: seconds, rounding: .down)
    }

    private func keyValues(_ rows: [(String, String)], escaped: Bool = false) -> String {
        "<table class=\"kv\">\n" + rows.map { key, value in
            "<tr><th>\(e(key))</th><td>\(escaped ? value : e(value))</td></tr>"
        }.joined(separator: "\n") + "\n</table>\n"
    }
}
