// What pumpd writes to its Prometheus textfile: the `status` command's own report (so the file and
// `pumpctl status` agree), plus the step-timing p99, the journal checkpoint's age and the build's identity.
import Foundation
import PumpControl
import PumpCore
import PumpProtocol

extension PumpService {
    /// The metrics snapshot now.
    public func metricsSnapshot() -> MetricsSnapshot {
        let status = statusReport()
        let (lateness, now) = scheduler.syncOnControl { (engine.emitterRecentLateness, scheduler.now()) }
        let speed = max(scheduler.speed, 1e-9)
        let p99: Double? = lateness.isEmpty ? nil
            : Percentiles.rank(0.99, lateness.sorted().map { Double($0) }) / 1e9 / speed
        let checkpointAge = recorder?.lastCheckpoint.map { max(0, (now - $0).seconds) }
        return MetricsSnapshot(chair: configuration.chair, status: status, stepLatenessP99Seconds: p99,
                               journalCheckpointAgeSeconds: checkpointAge, version: softwareVersion,
                               drugLibrarySHA256: status.drugLibrary?.sha256 ?? "")
    }

    /// The metrics file's text now.
    func metricsText() -> String { PumpMetrics.render(metricsSnapshot()) }
}
