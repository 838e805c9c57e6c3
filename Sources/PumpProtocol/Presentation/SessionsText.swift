// The human text of `pumpctl sessions`: past sessions grouped by patient, newest first, one line each, at
// most 80 columns, so a series of six infusions and its headings fit one 80×24 screen.
import Foundation

/// Renders the session history.
public enum SessionsText {
    /// The widest line this renderer produces.
    public static let width = 80

    /// Column widths and alignment: id, started, dose mg, mg/kg, delivered mg, mL, %, duration, end, alarms.
    static let columns: [(width: Int, right: Bool)] = [
        (4, true), (16, false), (6, true), (5, true), (6, true), (6, true), (4, true), (7, true), (11, false), (6, true),
    ]
    /// "Dose" over the two dose columns, "Delivered" over the three delivered columns.
    static let heading1: String = {
        let start = { (column: Int) in columns.prefix(column).reduce(0) { $0 + $1.width + 1 } }
        let dose = String(repeating: " ", count: start(2)) + "Dose"
        return dose.padding(toLength: start(4), withPad: " ", startingAt: 0) + "Delivered"
    }()
    static let heading2 = line(["ID", "Started", "mg", "mg/kg", "mg", "mL", "%", "Time", "End", "Alarms"])

    private static func line(_ cells: [String]) -> String {
        fit(zip(cells, columns).map { pad($0, $1.width, right: $1.right) }.joined(separator: " "))
    }

    /// Sessions grouped by patient (in order of each patient's newest session), each group newest first.
    public static func render(_ sessions: [SessionSummaryDTO], timeZone: TimeZone) -> String {
        guard !sessions.isEmpty else { return "No sessions in the journal." }
        var order: [String] = []
        var groups: [String: [SessionSummaryDTO]] = [:]
        for session in sessions {
            let key = session.patientId ?? ""
            if groups[key] == nil { order.append(key) }
            groups[key, default: []].append(session)
        }
        var lines: [String] = []
        for key in order {
            let group = groups[key] ?? []
            if !lines.isEmpty { lines.append("") }
            lines.append(fit(title(patient: key, group)))
            lines.append(heading1)
            lines.append(heading2)
            lines += group.map { row($0, timeZone: timeZone) }
        }
        return lines.joined(separator: "\n")
    }

    private static func title(patient: String, _ group: [SessionSummaryDTO]) -> String {
        var drugs: [String] = []
        for session in group where !drugs.contains(session.drug) { drugs.append(session.drug) }
        let count = group.count == 1 ? "1 session" : "\(group.count) sessions"
        let alarms = group.reduce(0) { $0 + $1.alarmCount }
        let who = patient.isEmpty ? "No patient id" : "Patient \(patient)"
        let changes = group.reduce(0) { $0 + ($1.syringeChanges ?? 0) }
        let syringes = changes == 0 ? "" : ", \(changes) syringe change\(changes == 1 ? "" : "s")"
        return "\(who) · \(drugs.joined(separator: ", ")) · \(count), \(alarms) alarm\(alarms == 1 ? "" : "s")\(syringes)"
    }

    /// One session: id, start, dose (mg, mg/kg), delivered (mg, mL, %), duration, end, alarms.
    static func row(_ s: SessionSummaryDTO, timeZone: TimeZone) -> String {
        let percent = QuantityFormat.percent(delivered: s.deliveredMg, target: s.targetMg).map(String.init) ?? "--"
        return line([
            s.sessionId, DateText.dayAndTime(s.startedAt, timeZone: timeZone), QuantityFormat.fixed(s.targetMg, 2),
            s.doseMgPerKg.map { QuantityFormat.fixed($0, 2) } ?? "--", QuantityFormat.fixed(s.deliveredMg, 2),
            QuantityFormat.fixed(s.deliveredMl, 2), percent, QuantityFormat.duration(seconds: s.durationS, rounding: .down),
            s.outcome, String(s.alarmCount),
        ])
    }

    private static func pad(_ text: String, _ width: Int, right: Bool) -> String {
        let cut = text.count > width ? String(text.prefix(width - 1)) + "…" : text
        let fill = String(repeating: " ", count: width - cut.count)
        return right ? fill + cut : cut + fill
    }

    private static func fit(_ line: String) -> String {
        let trimmed = line.replacingOccurrences(of: "\\s+$", with: "", options: .regularExpression)
        return trimmed.count > width ? String(trimmed.prefix(width - 1)) + "…" : trimmed
    }
}
