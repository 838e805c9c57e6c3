// `pumpctl report --format csv`: the session's time series, one row per record, in pump-time order:
// `delivery` rows (timeline checkpoints), `vitals` rows and `alarm` rows, with empty cells where a column
// does not apply. RFC 4180: comma separated, CRLF line ends, fields quoted when they hold a comma, quote or
// line break. Numbers are plain decimals (no units; the unit is in the column name). Before the column header, one
// `#` comment line per library file the session was programmed under (role, file, version, sha256, signature,
// signer) and one for the signature policy, so the series is never separated from the limits that applied
// (spreadsheet tools show them as rows; pandas reads past them with `comment="#"`).
import Foundation

/// Renders a session report's time series as CSV.
public enum ReportCSV {
    /// The header row's column names.
    public static let columns = [
        "t_s", "time", "record", "state", "delivered_ml", "delivered_mg", "rate_ml_per_h", "plasma_ng_per_ml",
        "sbp_mmhg", "dbp_mmhg", "hr_bpm", "spo2_percent", "vitals_source", "alarm_code", "alarm_priority",
    ]

    /// The CSV text, header first.
    public static func render(_ report: SessionReportDTO) -> String {
        var rows: [(t: Double, order: Int, cells: [String: String])] = []
        for point in report.timeline {
            rows.append((point.tS, 0, [
                "record": "delivery", "state": point.state, "delivered_ml": number(point.deliveredMl),
                "delivered_mg": number(point.deliveredMg), "rate_ml_per_h": number(point.rateMlPerH),
                "plasma_ng_per_ml": point.plasmaNgPerMl.map(number) ?? "",
            ]))
        }
        for vitals in report.vitals {
            rows.append((vitals.tS, 1, [
                "record": "vitals", "time": ISO8601.format(vitals.at),
                "sbp_mmhg": number(vitals.sbpMmHg), "dbp_mmhg": number(vitals.dbpMmHg), "hr_bpm": number(vitals.hrBpm),
                "spo2_percent": number(vitals.spo2Percent), "vitals_source": vitals.source ?? "",
            ]))
        }
        for alarm in report.alarms {
            rows.append((alarm.tS, 2, [
                "record": "alarm", "time": ISO8601.format(alarm.at), "alarm_code": alarm.code,
                "alarm_priority": alarm.priority.rawValue,
            ]))
        }
        // A stable sort: by time, then delivery before vitals before alarms, then as recorded.
        let ordered = rows.enumerated().sorted { a, b in
            (a.element.t, a.element.order, a.offset) < (b.element.t, b.element.order, b.offset)
        }.map(\.element)
        var lines = preamble(report)
        lines.append(columns.joined(separator: ","))
        for row in ordered {
            var cells = row.cells
            cells["t_s"] = number(row.t)
            lines.append(columns.map { field(cells[$0] ?? "") }.joined(separator: ","))
        }
        return lines.joined(separator: "\r\n") + "\r\n"
    }

    /// The `#` lines naming the libraries (none for a session journaled before libraries were recorded).
    public static func preamble(_ report: SessionReportDTO) -> [String] {
        guard let set = report.libraries else { return [] }
        return set.all.map { library in
            "# \(library.role): file=\(library.file) version=\(library.version ?? "none") sha256=\(library.sha256) "
                + "signature=\(library.signature) signed_by=\(library.signedBy ?? "none")"
        } + ["# library_signature: \(set.librarySignature)"]
    }

    /// A decimal without exponent or trailing zeros ("12.5", "0.000125"); empty when not finite.
    static func number(_ value: Double) -> String {
        guard value.isFinite else { return "" }
        var text = String(format: "%.6f", value)
        while text.hasSuffix("0") { text.removeLast() }
        if text.hasSuffix(".") { text.removeLast() }
        return text == "-0" ? "0" : text
    }

    static func field(_ text: String) -> String {
        guard text.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return text }
        return "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}
