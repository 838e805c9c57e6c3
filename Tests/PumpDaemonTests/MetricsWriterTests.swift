// Issue 16 item 1: the Prometheus textfile. The exposition format's escaping and number rules, the stable
// metric names with `chair` on every sample, no patient identifier anywhere, the atomic replacement (a reader
// never sees a partial file), and a write at every state change (with the periodic write pushed out to an hour,
// so only the change can have caused it), whose numbers equal the `status` answer.
import Foundation
import Logging
import PumpCore
import PumpProtocol
import PumpServer
import Testing
@_spi(Testing) @testable import PumpDaemon

@Suite("Metrics textfile")
struct MetricsWriterTests {
    // MARK: - Format

    @Test("label values escape backslash, double quote and line feed; help text escapes backslash and line feed")
    func escaping() {
        #expect(PrometheusText.escapeLabelValue(#"a\b"c"# + "\nd") == #"a\\b\"c\nd"#)
        #expect(PrometheusText.escapeLabelValue("chair 3 – Süd") == "chair 3 – Süd")
        #expect(PrometheusText.escapeHelp(#"x\y "q""# + "\nz") == #"x\\y "q"\nz"#)
        let text = PrometheusText.render([MetricFamily(name: "m", help: "h\\", samples: [
            MetricSample([.init("chair", "c\"1\n")], 2.5), MetricSample([], .nan), MetricSample([], .infinity),
            MetricSample([], -.infinity), MetricSample([], 1e-7),
        ])])
        #expect(text == "# HELP m h\\\\\n# TYPE m gauge\nm{chair=\"c\\\"1\\n\"} 2.5\nm NaN\nm +Inf\nm -Inf\nm 1e-07\n")
    }

    static func report(patientID: String? = "MRN-4711-SECRET", sessionID: String? = "session-98765") -> StatusReport {
        var report = StatusReport(state: .running, drug: "ketamine", profile: .mood, patientId: patientID, dosingWeightKg: 70,
                                  concentrationMgPerMl: 1, syringe: "bd-50", sessionId: sessionID, backend: .sim,
                                  deliveredMg: 4.25, deliveredMl: 4.25, targetMg: 35, targetMl: 35, rateMlPerH: 52.5,
                                  elapsedS: 291, remainingS: 2109, motorEnabled: true,
                                  alarms: [AlarmDTO(code: "occlusion", priority: .high, message: "Occlusion.", raisedAt: Date(timeIntervalSince1970: 0)),
                                           AlarmDTO(code: "vitals-stale", priority: .medium, message: "Stale.", raisedAt: Date(timeIntervalSince1970: 0))],
                                  plasmaNgPerMl: 212.5, plasmaModel: "clements-nimmo-1981", plasmaLabel: "estimate",
                                  vitals: VitalsDTO(sbpMmHg: 128, dbpMmHg: 82, hrBpm: 74, spo2Percent: 98, source: .manual,
                                                    measuredAt: Date(timeIntervalSince1970: 0), ageS: 42, stale: false, outOfRange: []))
        report.state = .running
        return report
    }

    static func snapshot(_ report: StatusReport = report()) -> MetricsSnapshot {
        MetricsSnapshot(chair: "chair-2", status: report, stepLatenessP99Seconds: 0.000125, journalCheckpointAgeSeconds: 0.75,
                        version: "0.14.0-dev", drugLibrarySHA256: String(repeating: "ab", count: 32))
    }

    /// The sample lines of `text` as (name, labels, value).
    static func samples(_ text: String) -> [(name: String, labels: [String: String], value: String)] {
        text.split(separator: "\n").filter { !$0.hasPrefix("#") }.map { line in
            let parts = line.split(separator: " ")
            let series = String(parts[0]), value = String(parts[parts.count - 1])
            guard let open = series.firstIndex(of: "{") else { return (series, [:], value) }
            let name = String(series[..<open])
            var labels: [String: String] = [:]
            for pair in series[series.index(after: open)..<series.index(before: series.endIndex)].split(separator: ",") {
                let kv = pair.split(separator: "=", maxSplits: 1)
                labels[String(kv[0])] = String(kv[1].dropFirst().dropLast())
            }
            return (name, labels, value)
        }
    }

    @Test("every family has the issue's name, HELP and TYPE; every sample has chair; pump_state has one 1")
    func names() {
        let text = PumpMetrics.render(Self.snapshot())
        #expect(PumpMetrics.names == [
            "pump_state", "pump_delivered_ml", "pump_target_ml", "pump_delivered_mg", "pump_rate_ml_per_h",
            "pump_remaining_seconds", "pump_alarm_active", "pump_plasma_ng_per_ml", "pump_vitals_age_seconds",
            "pump_vitals", "pump_step_lateness_p99_seconds", "pump_journal_checkpoint_age_seconds", "pump_info",
        ])
        for name in PumpMetrics.names {
            #expect(PrometheusText.isValidMetricName(name))
            #expect(text.contains("# HELP \(name) "), "no HELP for \(name)")
            #expect(text.contains("# TYPE \(name) gauge\n"), "no TYPE for \(name)")
        }
        let samples = Self.samples(text)
        #expect(Set(samples.map(\.name)) == Set(PumpMetrics.names))
        for sample in samples {
            #expect(sample.labels["chair"] == "chair-2", "\(sample.name) without chair")
            for label in sample.labels.keys { #expect(PrometheusText.isValidLabelName(label)) }
        }
        let states = samples.filter { $0.name == "pump_state" }
        #expect(Set(states.compactMap { $0.labels["state"] }) == Set(PumpStateDTO.allCases.map(\.rawValue)))
        #expect(states.filter { $0.value == "1.0" }.map { $0.labels["state"] } == ["running"])
        let alarms = samples.filter { $0.name == "pump_alarm_active" }.map { "\($0.labels["code"] ?? "")/\($0.labels["priority"] ?? "")" }
        #expect(Set(alarms) == ["occlusion/high", "vitals-stale/medium"])
        let vitals = Dictionary(uniqueKeysWithValues: samples.filter { $0.name == "pump_vitals" }.map { ($0.labels["kind"] ?? "", $0.value) })
        #expect(vitals == ["sbp": "128.0", "dbp": "82.0", "hr": "74.0", "spo2": "98.0"])
        #expect(text.contains("pump_delivered_ml{chair=\"chair-2\"} 4.25\n"))
        #expect(text.contains("pump_remaining_seconds{chair=\"chair-2\"} 2109.0\n"))
        #expect(text.contains("pump_info{chair=\"chair-2\",version=\"0.14.0-dev\",drug_library_sha256=\"\(String(repeating: "ab", count: 32))\"} 1.0\n"))
    }

    @Test("no patient identifier and no session identifier is in any metric")
    func noPatientIdentifier() {
        let text = PumpMetrics.render(Self.snapshot())
        #expect(!text.contains("MRN-4711-SECRET"))
        #expect(!text.contains("98765"))
        #expect(!text.lowercased().contains("patient"))
    }

    @Test("readings the status does not have are left out, not written as 0")
    func absentReadings() {
        var report = Self.report()
        report.vitals = nil
        report.plasmaNgPerMl = nil
        report.alarms = []
        let snapshot = MetricsSnapshot(chair: "c", status: report, version: "v", drugLibrarySHA256: "x")
        let names = Set(Self.samples(PumpMetrics.render(snapshot)).map(\.name))
        for absent in ["pump_vitals", "pump_vitals_age_seconds", "pump_plasma_ng_per_ml", "pump_alarm_active",
                       "pump_step_lateness_p99_seconds", "pump_journal_checkpoint_age_seconds"] {
            #expect(!names.contains(absent), "\(absent) written without a value")
        }
        #expect(names.contains("pump_delivered_ml") && names.contains("pump_info"))
    }

    // MARK: - Atomic replacement

    static func temporaryDirectory(_ tag: String) throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("metrics-\(tag)-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    @Test("a reader polling the file never sees a partial or mixed file while it is replaced 300 times")
    func atomicReplacement() throws {
        let directory = try Self.temporaryDirectory("atomic")
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("pumpd.prom").path
        let a = Data(String(repeating: "pump_a{chair=\"1\"} 1\n", count: 12_000).utf8)  // ~240 KB: many write() calls' worth
        let b = Data(String(repeating: "pump_b 2\n", count: 40_000).utf8)
        try AtomicFileWriter.write(a, to: path)
        let done = DispatchSemaphore(value: 0)
        final class Tally: @unchecked Sendable {
            var reads = 0, torn = 0
            let lock = NSLock()
            var finishedWriting = false
            var finished: Bool { lock.withLock { finishedWriting } }
        }
        let tally = Tally()
        DispatchQueue.global().async {
            while !tally.finished {
                if let data = FileManager.default.contents(atPath: path) {
                    tally.reads += 1
                    if data != a, data != b { tally.torn += 1 }
                }
            }
            done.signal()
        }
        for index in 0..<300 { try AtomicFileWriter.write(index % 2 == 0 ? b : a, to: path) }
        tally.lock.withLock { tally.finishedWriting = true }
        done.wait()
        #expect(tally.reads > 0)
        #expect(tally.torn == 0, "\(tally.torn) of \(tally.reads) reads saw a partial file")
        // The temporary lives beside the target (same file system) and is not a *.prom file node_exporter reads.
        let entries = try FileManager.default.contentsOfDirectory(atPath: directory.path)
        #expect(entries.filter { $0.hasSuffix(".prom") } == ["pumpd.prom"])
        #expect(AtomicFileWriter.temporaryPath(for: path) == directory.appendingPathComponent(".pumpd.prom.tmp").path)
    }

    @Test("the file gets its mode explicitly, whatever the umask")
    func explicitMode() throws {
        let directory = try Self.temporaryDirectory("mode")
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("m.prom").path
        try AtomicFileWriter.write(Data("x 1\n".utf8), to: path, mode: 0o666)  // a umask of 022 or 077 would strip bits
        let attributes = try FileManager.default.attributesOfItem(atPath: path)
        #expect((attributes[.posixPermissions] as? Int) == 0o666)
    }

    @Test("a missing directory is a one-sentence error naming the path; nothing is created")
    func missingDirectory() throws {
        let path = "/nonexistent-\(UUID().uuidString.prefix(6))/pumpd.prom"
        #expect(throws: AtomicWriteError.self) { try AtomicFileWriter.write(Data("x 1\n".utf8), to: path) }
        do { try AtomicFileWriter.write(Data(), to: path) } catch { #expect(error.message.contains("/nonexistent-")) }
        #expect(!FileManager.default.fileExists(atPath: path))
    }

    // MARK: - Configuration

    @Test("metrics_file and chair come from pumpd.toml; \"\" switches the file off; bad values are one-sentence errors")
    func configuration() throws {
        var defaults = DaemonConfiguration()
        #expect(defaults.metricsFile == "/run/pumpd/metrics/pumpd.prom")
        #expect(!defaults.chair.isEmpty, "the host name is the default chair")
        try defaults.apply(toml: "metrics_file = \"/tmp/x/chair.prom\"\nchair = \"Chair 3\"")
        #expect(defaults.metricsFile == "/tmp/x/chair.prom")
        #expect(defaults.chair == "Chair 3")
        try defaults.apply(toml: "metrics_file = \"\"")
        #expect(defaults.metricsFile == nil)
        for (bad, key) in [("metrics_file = \"/run/pumpd/metrics/\"", "metrics_file"), ("metrics_file = \"/tmp/m.txt\"", "metrics_file"),
                           ("chair = \"\"", "chair"), ("chair = \"a\\u0007b\"", "chair"), ("chair = 3", "chair"),
                           ("chair = \"\(String(repeating: "x", count: 65))\"", "chair")] {
            var configuration = DaemonConfiguration()
            do {
                try configuration.apply(toml: bad, source: "pumpd.toml")
                Issue.record("accepted \(bad)")
            } catch {
                #expect(error.message.contains(key), "\(error.message)")
            }
        }
    }

    // MARK: - The service writes

    static func service(directory: URL, metricsFile: String) throws -> PumpService {
        var configuration = DaemonConfiguration()
        configuration.stateDirectory = directory.appendingPathComponent("state").path
        configuration.controlGroup = nil
        configuration.readOnlyGroup = nil
        configuration.allowRoot = getuid() == 0
        configuration.stepTiming = .dispatch
        configuration.realtime = false
        configuration.simSpeed = 50
        configuration.metricsFile = metricsFile
        configuration.chair = "chair \"7\""
        configuration.metricsIntervalS = 3600  // only the first write and state changes can write within the test
        var logger = Logger(label: "test")
        logger.logLevel = .critical
        return try PumpService(configuration: configuration, logger: logger)
    }

    static func waitForFile(_ path: String, timeout: TimeInterval = 20, _ condition: (String) -> Bool) -> String? {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if let data = FileManager.default.contents(atPath: path), case let text = String(decoding: data, as: UTF8.self), condition(text) {
                return text
            }
            usleep(20_000)
        }
        return nil
    }

    @Test("a state change writes the file at once; its numbers are the status answer's; no patient identifier")
    func stateChangeWrites() throws {
        let directory = try Self.temporaryDirectory("service")
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("pumpd.prom").path
        let service = try Self.service(directory: directory, metricsFile: path)
        defer { service.shutdown() }
        let chair = #"chair="chair \"7\"""#  // the configured `chair "7"`, escaped
        let idle = Self.waitForFile(path) { $0.contains("pump_state{\(chair),state=\"idle\"} 1.0") }
        #expect(idle != nil, "no first write")
        let peer = PeerCredentials(pid: getpid(), uid: getuid(), gid: getgid())
        let start = service.execute(Request(id: "s", command: .start(StartParameters(
            drug: "ketamine", profile: .mood, weightKg: 70, doseMgPerKg: 0.5, durationMin: 40, concentrationMgPerMl: 1,
            syringe: "bd-50", patientId: "MRN-4711-SECRET", confirmed: true))), peer: peer)
        #expect(start.error == nil, "\(String(describing: start.error))")
        let running = Self.waitForFile(path) { $0.contains("pump_state{\(chair),state=\"running\"} 1.0") }
        #expect(running != nil, "the start's state change did not write the file")
        // The journal writes off the control path: wait until the start's checkpoint is on disk before pausing.
        let deadline = Date().addingTimeInterval(20)
        while service.recorder?.lastCheckpoint == nil, Date() < deadline { usleep(10_000) }
        // Paused, the amount stands still: the file written at the pause equals the status now.
        _ = service.execute(Request(id: "p", command: .pause), peer: peer)
        let paused = Self.waitForFile(path) { $0.contains("pump_state{\(chair),state=\"paused\"} 1.0") }
        let text = try #require(paused, "the pause did not write the file")
        let status = service.currentStatus()
        let delivered = Self.samples(text).first { $0.name == "pump_delivered_ml" }?.value
        #expect(delivered == PrometheusText.format(status.deliveredMl))
        #expect(status.deliveredMl > 0)
        #expect(Self.samples(text).first { $0.name == "pump_target_ml" }?.value == PrometheusText.format(status.targetMl))
        #expect(text.contains("pump_journal_checkpoint_age_seconds{"), "a started session has a checkpoint")
        let sha256 = status.drugLibrary?.sha256 ?? ""
        #expect(text.contains("drug_library_sha256=\"\(sha256)\""))
        #expect(sha256.count == 64, "the status names the drug library's SHA-256")
        #expect(!text.contains("MRN-4711-SECRET"))
        #expect(status.patientId == "MRN-4711-SECRET", "the status itself does carry it")
    }

    @Test("a metrics file in a missing directory does not stop pumpd starting or infusing")
    func unwritableFile() throws {
        let directory = try Self.temporaryDirectory("unwritable")
        defer { try? FileManager.default.removeItem(at: directory) }
        let service = try Self.service(directory: directory, metricsFile: directory.appendingPathComponent("absent/pumpd.prom").path)
        defer { service.shutdown() }
        #expect(service.currentStatus().state == .idle)
        #expect(service.metrics?.writes == 0)
    }
}
