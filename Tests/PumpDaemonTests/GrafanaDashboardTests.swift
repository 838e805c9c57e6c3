// Issue 16 item 2: deploy/grafana/pump-station.json, checked for structure since Grafana is not in Debian:
// valid JSON with a dashboard's required keys, a `chair` variable listing the chairs from pump_info, one row
// repeated per chair holding the state, progress, rate, alarms, vitals and plasma panels, unique panel ids,
// every panel inside the 24-column grid, and every query naming only metrics pumpd writes, for `$chair`.
import Foundation
import Testing
@testable import PumpDaemon

@Suite("Grafana station dashboard")
struct GrafanaDashboardTests {
    static let file = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("deploy/grafana/pump-station.json")

    static func dashboard() throws -> [String: Any] {
        let object = try JSONSerialization.jsonObject(with: Data(contentsOf: file))
        return try #require(object as? [String: Any], "the dashboard is not a JSON object")
    }

    @Test("the dashboard has Grafana's required keys and a chair variable from pump_info")
    func structure() throws {
        let dashboard = try Self.dashboard()
        #expect(dashboard["title"] as? String == "Pump station")
        #expect(dashboard["uid"] as? String == "pump-station")
        #expect((dashboard["schemaVersion"] as? Int ?? 0) >= 30)
        let variables = try #require((dashboard["templating"] as? [String: Any])?["list"] as? [[String: Any]])
        let chair = try #require(variables.first { $0["name"] as? String == "chair" }, "no chair variable")
        #expect(chair["type"] as? String == "query")
        let query = (chair["query"] as? [String: Any])?["query"] as? String ?? chair["query"] as? String
        #expect(query == "label_values(pump_info, chair)")
        #expect(chair["includeAll"] as? Bool == true && chair["multi"] as? Bool == true)
    }

    @Test("one row per chair with state, progress, rate, alarms, vitals and plasma; queries use pumpd's metrics")
    func rowPerChair() throws {
        let panels = try #require(try Self.dashboard()["panels"] as? [[String: Any]])
        let rows = panels.filter { $0["type"] as? String == "row" }
        #expect(rows.count == 1)
        #expect(rows.first?["repeat"] as? String == "chair", "the row is not repeated per chair")
        #expect((rows.first?["title"] as? String)?.contains("$chair") == true)
        let inRow = panels.filter { $0["type"] as? String != "row" }
        let titles = inRow.compactMap { $0["title"] as? String }.map { $0.lowercased() }
        for needed in ["state", "progress", "rate", "alarms", "vital", "plasma"] {
            #expect(titles.contains { $0.contains(needed) }, "no \(needed) panel")
        }
        let ids = panels.compactMap { $0["id"] as? Int }
        #expect(ids.count == panels.count && Set(ids).count == ids.count, "panel ids missing or repeated")
        let known = Set(PumpMetrics.names)
        let metricPattern = try Regex(#"\bpump_[a-z0-9_]+"#)
        for panel in inRow {
            let title = panel["title"] as? String ?? "?"
            let grid = try #require(panel["gridPos"] as? [String: Int], "\(title) has no gridPos")
            #expect((grid["x"] ?? -1) >= 0 && (grid["x"] ?? 0) + (grid["w"] ?? 99) <= 24, "\(title) outside the grid")
            #expect((grid["h"] ?? 0) > 0)
            let targets = try #require(panel["targets"] as? [[String: Any]], "\(title) has no queries")
            #expect(!targets.isEmpty)
            for target in targets {
                let expr = try #require(target["expr"] as? String)
                let names = expr.matches(of: metricPattern).map { String(expr[$0.range]) }
                #expect(!names.isEmpty, "\(title): \(expr) reads no pump metric")
                for name in names { #expect(known.contains(name), "\(title): unknown metric \(name)") }
                #expect(expr.contains(#"chair="$chair""#), "\(title): \(expr) is not per chair")
            }
        }
    }
}
