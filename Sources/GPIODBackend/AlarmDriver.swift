// The alarm outputs: a small thread samples `AlarmPattern` every 25 ms and writes the lines that changed.
// The pattern restarts only when the indication changes (setting the same one again does not restart it).
// A write failure is latched and thrown by the next `set` (the facade then de-asserts ENABLE: an alarm that
// cannot be shown is a hardware fault). With no alarm line configured, no thread is started.
import Foundation
import PumpCore

/// Drives the buzzer and LEDs.
final class AlarmDriver: @unchecked Sendable {
    private let red: GPIOLineHandle?
    private let yellow: GPIOLineHandle?
    private let green: GPIOLineHandle?
    private let buzzer: GPIOLineHandle?
    private let lock = PIMutex()
    private let exited = DispatchSemaphore(value: 0)
    // Guarded by `lock`:
    private var indication: AlarmIndication?
    private var audioPaused = false
    private var since = MonotonicInstant.origin
    private var failure: HardwareError?
    private var stopRequested = false
    private var running = false

    /// Wraps alarm lines already requested with every output off.
    init(red: GPIOLineHandle?, yellow: GPIOLineHandle?, green: GPIOLineHandle?, buzzer: GPIOLineHandle?) {
        self.red = red
        self.yellow = yellow
        self.green = green
        self.buzzer = buzzer
    }

    private var hasLines: Bool { red != nil || yellow != nil || green != nil || buzzer != nil }

    /// Starts the pattern thread (if any line is configured).
    func start() {
        guard hasLines else { return }
        lock.withLock { running = true }
        let thread = Thread { [self] in
            run()
            exited.signal()
        }
        thread.name = "gpiod-alarms"
        thread.start()
    }

    /// Selects the pattern. Throws a latched output failure.
    func set(_ newIndication: AlarmIndication) throws {
        try lock.withLock {
            if let failure { throw failure }
            if indication != newIndication {
                indication = newIndication
                since = monotonicNow()
            }
        }
    }

    /// Pauses or restores the buzzer; the LEDs continue. On restore the pattern restarts, so the burst sounds
    /// at once instead of at the next period. Throws a latched output failure.
    func setAudioPaused(_ paused: Bool) throws {
        try lock.withLock {
            if let failure { throw failure }
            if audioPaused != paused {
                audioPaused = paused
                if !paused { since = monotonicNow() }
            }
        }
    }

    /// Stops the thread and waits for it. Idempotent.
    /// Returns false if the thread did not end in time (its lines must then not be released under it).
    @discardableResult
    func stop() -> Bool {
        let wasRunning = lock.withLock { () -> Bool in
            stopRequested = true
            defer { running = false }
            return running
        }
        guard wasRunning else { return true }
        return exited.wait(timeout: .now() + .seconds(1)) == .success
    }

    private func run() {
        var shown = AlarmOutputs()
        while true {
            let (stop, current, start, muted) = lock.withLock { (stopRequested, indication, since, audioPaused) }
            if stop { return }
            let wanted = current.map { AlarmPattern.outputs($0, elapsed: monotonicNow() - start, audioPaused: muted) } ?? AlarmOutputs()
            do {
                if wanted.red != shown.red { try red?.set(wanted.red, operation: .indication) }
                if wanted.yellow != shown.yellow { try yellow?.set(wanted.yellow, operation: .indication) }
                if wanted.green != shown.green { try green?.set(wanted.green, operation: .indication) }
                if wanted.buzzer != shown.buzzer { try buzzer?.set(wanted.buzzer, operation: .indication) }
                shown = wanted
            } catch {
                let failure = (error as? HardwareError) ?? HardwareError(.indication, String(describing: error))
                lock.withLock { self.failure = failure }
                return
            }
            Thread.sleep(forTimeInterval: AlarmPattern.tick.seconds)
        }
    }
}
