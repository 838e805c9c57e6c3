// Keeps the metrics file current: a write every `interval` of REAL time and one as soon as possible after every
// state change or alarm (`requestWrite`). Real time, not the pump's clock: node_exporter and Prometheus scrape
// on real time, and the textfile's age (node_textfile_mtime_seconds) is how the station tells a dead pumpd from
// a quiet one, so on the simulator at --sim-speed N the file is still written every 5 real seconds. The timer
// is a Dispatch timer on the monotonic clock; no wall-clock read.
//
// Threads: everything runs on one serial utility queue, never on the control loop: `requestWrite` (called from
// the engine's event callback on the control executor) only queues, and a burst of events coalesces into one
// write. The snapshot closure itself hops onto the control executor briefly (like the `status` command).
// A failed write (directory missing, disk full) is logged once per run of failures and retried on the next
// tick; it never touches delivery. A hung control loop blocks the snapshot, so the file stops ageing-in and the
// station's PumpUnreachable alert (file older than 30 s) fires, as it should for a pump that no longer answers.
import Dispatch
import Foundation
import Logging

/// Writes pumpd's Prometheus textfile periodically and on demand.
final class MetricsPublisher: @unchecked Sendable {
    /// The file (e.g. /run/pumpd/metrics/pumpd.prom).
    let path: String
    private let interval: DispatchTimeInterval
    private let render: @Sendable () -> String
    private let logger: Logger
    private let queue = DispatchQueue(label: "pumpd.metrics", qos: .utility)
    private let lock = NSLock()
    private var timer: DispatchSourceTimer?
    private var queued = false
    private var stopped = false
    private var failing = false
    private var completedWrites = 0

    init(path: String, interval: DispatchTimeInterval, logger: Logger, render: @escaping @Sendable () -> String) {
        self.path = path
        self.interval = interval
        self.logger = logger
        self.render = render
    }

    /// Writes now and then every `interval`.
    func start() {
        let timer = DispatchSource.makeTimerSource(queue: queue)
        timer.schedule(deadline: .now(), repeating: interval, leeway: .milliseconds(100))
        timer.setEventHandler { [weak self] in self?.write() }
        lock.withLock { self.timer = timer }
        timer.resume()
    }

    /// Asks for a write as soon as possible (state change, alarm); coalesces with one already queued.
    func requestWrite() {
        let enqueue: Bool = lock.withLock {
            guard !queued, !stopped else { return false }
            queued = true
            return true
        }
        guard enqueue else { return }
        queue.async { [weak self] in
            guard let self else { return }
            self.lock.withLock { self.queued = false }
            self.write()
        }
    }

    /// Stops the timer and waits for a write in progress; no write follows. Idempotent.
    func stop() {
        let timer: DispatchSourceTimer? = lock.withLock {
            stopped = true
            defer { self.timer = nil }
            return self.timer
        }
        timer?.cancel()
        queue.sync {}
    }

    /// Successful writes so far.
    var writes: Int { lock.withLock { completedWrites } }

    private func write() {
        guard !lock.withLock({ stopped }) else { return }
        do {
            try AtomicFileWriter.write(Data(render().utf8), to: path)
            let recovered: Bool = lock.withLock {
                completedWrites += 1
                defer { failing = false }
                return failing
            }
            if recovered { logger.notice("metrics file \(path) written again") }
        } catch {
            let first: Bool = lock.withLock {
                defer { failing = true }
                return !failing
            }
            if first { logger.warning("metrics file not written (retrying every tick): \(error)") }
        }
    }
}
