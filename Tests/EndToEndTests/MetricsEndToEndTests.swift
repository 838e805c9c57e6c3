// Issue 16 item 1 with the real binaries: `pumpd --metrics-file PATH` keeps the Prometheus textfile current,
// with pumpd.toml's `chair` on every sample and the state following `pumpctl start` / `pause` at once.
// (Against node_exporter and Prometheus themselves: scripts/test-clinic-metrics.sh.)
import Foundation
import Testing

@Suite("Metrics textfile end to end", .serialized)
struct MetricsEndToEndTests {
    func waitForFile(_ path: String, timeout: TimeInterval = 20, _ condition: (String) -> Bool) -> String? {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if let data = FileManager.default.contents(atPath: path), case let text = String(decoding: data, as: UTF8.self), condition(text) {
                return text
            }
            usleep(50_000)
        }
        return nil
    }

    @Test("pumpd --metrics-file writes the file at start and at every state change; no patient identifier in it")
    func metricsFileFollowsState() throws {
        let daemon = try DaemonHarness(extraConfiguration: "chair = \"e2e-chair\"\n")
        try daemon.start()
        defer { daemon.stop() }
        let path = daemon.directory.appendingPathComponent("pumpd.prom").path
        let idle = waitForFile(path) { $0.contains(#"pump_state{chair="e2e-chair",state="idle"} 1.0"#) }
        #expect(idle != nil, "no metrics file: \(daemon.daemonLog())")
        #expect(idle?.contains(#"pump_info{chair="e2e-chair",version=""#) == true)
        let start = daemon.ctl(DaemonHarness.referenceStart + ["--patient-id", "MRN-E2E-0042"])
        #expect(start.status == 0, "\(start.stderr)")
        #expect(waitForFile(path) { $0.contains(#"pump_state{chair="e2e-chair",state="running"} 1.0"#) } != nil)
        #expect(daemon.ctl(["pause"]).status == 0)
        let paused = try #require(waitForFile(path) { $0.contains(#"pump_state{chair="e2e-chair",state="paused"} 1.0"#) })
        let status = try daemon.status()
        #expect(paused.contains("pump_delivered_ml{chair=\"e2e-chair\"} \(status.deliveredMl)\n"), "file and status disagree")
        #expect(!paused.contains("MRN-E2E-0042"))
    }
}
