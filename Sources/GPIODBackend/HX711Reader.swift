// The HX711 thread: bit-bangs SCK, samples DOUT, decodes frames (HX711Frame) into the PressureChannel.
//
// Timing: DOUT is polled every 2 ms; when it reads low a frame is clocked out: 25 pulses, each SCK high for
// ~1 µs (busy-wait) — the high phase is measured around the two GPIO writes, and a frame with any phase over
// the limit is discarded (the chip may have powered down at 60 µs). DOUT is sampled `bitSettle` after SCK
// falls (the HX711 shifts the next bit out on the rising edge; SCK low has no maximum; a settle time over
// 100 µs, for a slow bench plant, sleeps instead of spinning). SCK rests low.
// A GPIO failure is latched: the channel then reports `pressure-sensor-fault` through its silence rule, and
// `snapshotFault()` reports the failure text.
import Foundation
import PumpCore

/// The load-cell thread and the filtered pressure.
final class HX711Reader: @unchecked Sendable {
    static let pollInterval = MonotonicDuration.milliseconds(2)

    private let configuration: HX711Configuration
    private let sck: GPIOLineHandle
    private let dout: GPIOLineHandle
    private let lock = PIMutex()
    private let exited = DispatchSemaphore(value: 0)
    // Guarded by `lock`:
    private var channel: PressureChannel
    private var failure: HardwareError?
    private var stopRequested = false
    private var running = false

    /// Wraps requested lines (SCK output low, DOUT input).
    init(configuration: HX711Configuration, sck: GPIOLineHandle, dout: GPIOLineHandle) {
        self.configuration = configuration
        self.sck = sck
        self.dout = dout
        channel = PressureChannel(configuration: configuration, start: monotonicNow())
    }

    /// The filtered pressure now, or the sensor fault.
    func reading() -> Result<MillimetersOfMercury, SensorFault> {
        let now = monotonicNow()
        return lock.withLock {
            if let failure {
                return .failure(SensorFault(code: .pressureSensorFault,
                    message: "The pressure sensor lines failed (\(failure.detail)); occlusion detection is uncertain."))
            }
            return channel.reading(at: now)
        }
    }

    /// Starts the thread.
    func start() {
        lock.withLock { running = true }
        let thread = Thread { [self] in
            run()
            exited.signal()
        }
        thread.name = "gpiod-hx711"
        thread.qualityOfService = .userInteractive
        thread.start()
    }

    /// Stops the thread and waits for it. Returns false if it did not end in time.
    @discardableResult
    func stop() -> Bool {
        let wasRunning = lock.withLock { () -> Bool in
            stopRequested = true
            defer { running = false }
            return running
        }
        guard wasRunning else { return true }
        return exited.wait(timeout: .now() + .seconds(2)) == .success
    }

    private func run() {
        while !lock.withLock({ stopRequested }) {
            do {
                let ready = !(try dout.get(operation: .readInputs))
                let sample: HX711Sample
                if ready {
                    sample = try readFrame()
                } else {
                    sample = .notReady
                }
                let t = monotonicNow()
                lock.withLock { channel.add(sample, at: t) }
                Thread.sleep(forTimeInterval: Double(Self.pollInterval.nanoseconds) / 1e9)
            } catch {
                try? sck.set(false, operation: .readInputs)
                let failure = (error as? HardwareError) ?? HardwareError(.readInputs, String(describing: error))
                lock.withLock { self.failure = failure }
                return
            }
        }
    }

    /// One pulse: SCK high ~1 µs, low; returns the measured high phase and DOUT after the settle time.
    private func pulse() throws -> (high: MonotonicDuration, dout: Bool) {
        let start = monotonicNow()
        try sck.set(true, operation: .readInputs)
        busyWait(until: monotonicNow() + .microseconds(1))
        try sck.set(false, operation: .readInputs)
        let high = monotonicNow() - start
        // SCK is low now (no time limit): a long settle (a slow bench plant) sleeps instead of spinning.
        if configuration.bitSettle > .microseconds(100) {
            Thread.sleep(forTimeInterval: Double(configuration.bitSettle.nanoseconds) / 1e9)
        } else {
            busyWait(until: monotonicNow() + configuration.bitSettle)
        }
        return (high, try dout.get(operation: .readInputs))
    }

    private func readFrame() throws -> HX711Sample {
        var bits: [Bool] = []
        bits.reserveCapacity(24)
        var longest = MonotonicDuration.zero
        for _ in 0..<24 {
            let p = try pulse()
            longest = max(longest, p.high)
            bits.append(p.dout)
        }
        let gain = try pulse()  // 25th pulse: channel A, gain 128 for the next conversion
        longest = max(longest, gain.high)
        return HX711Frame.decode(ready: true, bits: bits, doutAfter: gain.dout, longestHigh: longest,
                                 sckHighLimit: configuration.sckHighLimit)
    }
}
