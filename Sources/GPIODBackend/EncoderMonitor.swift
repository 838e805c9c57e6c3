// The encoder thread: waits for edge events on A and B, feeds the QuadratureDecoder in kernel time-stamp
// order, and runs the EncoderCheck every check interval while ENABLE is asserted.
//
// Both lines are drained (all pending events read) and merged by time stamp before decoding.
// Invariants:
// - A check verdict calls `onFault`: the backend tells the supervisor (`inputEventHandler(.sensorFault)`,
//   whose trip de-asserts ENABLE), then de-asserts ENABLE itself too (HAZ-005).
// - A failure to wait or read is latched: ENABLE off, the thread ends, `measuredSteps()` throws it.
// - The wait times out after at most one check interval, so `stop()` returns within ~interval + margin.
import Foundation
import PumpCore

/// The encoder input thread and the decoded position.
final class EncoderMonitor: @unchecked Sendable {
    /// Events decoded per wake at most (the kernel queues 16 per line; more means the lines chatter).
    static let maximumBatch = 64

    private let configuration: EncoderConfiguration
    private let lines: [GPIOLineHandle]  // [A, B]
    private let motion: @Sendable () -> (enabled: Bool, netSteps: Int64)
    private let lock = PIMutex()
    private let exited = DispatchSemaphore(value: 0)
    // Guarded by `lock`:
    private var decoder: QuadratureDecoder
    private var levels: [Bool]
    private var check: EncoderCheck
    private var failure: HardwareError?
    private var stopRequested = false
    private var running = false
    private var onFault: (@Sendable (SensorFault) -> Void)?
    private var onFailure: (@Sendable (HardwareError) -> Void)?

    /// Wraps requested A/B lines and their levels read right after the request (physical).
    init(configuration: EncoderConfiguration, a: GPIOLineHandle, b: GPIOLineHandle, initialA: Bool, initialB: Bool,
         motion: @escaping @Sendable () -> (enabled: Bool, netSteps: Int64)) {
        self.configuration = configuration
        lines = [a, b]
        self.motion = motion
        levels = [initialA != configuration.a.activeLow, initialB != configuration.b.activeLow]
        decoder = QuadratureDecoder(a: levels[0], b: levels[1])
        check = EncoderCheck(configuration: configuration)
    }

    /// The requested lines (released by the backend).
    var requestedLines: [GPIOLineHandle] { lines }

    /// Sets the reactions: `onFault` (disable the motor, then tell the supervisor), `onFailure`. Before start().
    func setReactions(onFault: @escaping @Sendable (SensorFault) -> Void,
                      onFailure: @escaping @Sendable (HardwareError) -> Void) {
        lock.withLock {
            self.onFault = onFault
            self.onFailure = onFailure
        }
    }

    /// The decoded position in microsteps (infuse positive). Throws the latched failure.
    func measuredSteps() throws -> Steps {
        try lock.withLock {
            if let failure { throw failure }
            return Steps(EncoderCheck.measuredSteps(counts: decoder.count, configuration: configuration))
        }
    }

    /// The decoder's counters (diagnostics, bench).
    var decoderState: QuadratureDecoder { lock.withLock { decoder } }

    /// Starts the thread.
    func start() {
        lock.withLock { running = true }
        let thread = Thread { [self] in
            run()
            exited.signal()
        }
        thread.name = "gpiod-encoder"
        thread.qualityOfService = .userInteractive
        thread.start()
    }

    /// Stops the thread and waits for it. Returns false if it did not end in time.
    @discardableResult
    func stop() -> Bool {
        let wasRunning = lock.withLock { () -> Bool in
            stopRequested = true
            onFault = nil
            onFailure = nil
            defer { running = false }
            return running
        }
        guard wasRunning else { return true }
        return exited.wait(timeout: .now() + .seconds(2)) == .success
    }

    private func run() {
        if let priority = configuration.realtimePriority {
            var param = sched_param()
            param.sched_priority = priority
            _ = pthread_setschedparam(pthread_self(), SCHED_FIFO, &param)  // best effort: refused without the privilege
        }
        var nextCheck = monotonicNow() + configuration.checkInterval
        while !lock.withLock({ stopRequested }) {
            do {
                let now = monotonicNow()
                let timeout = nextCheck > now ? nextCheck - now : .zero
                var ready = try GPIOLineHandle.waitEvents(lines, timeout: timeout)
                // Drain both lines before decoding: A and B have separate kernel queues, and only the merged,
                // time-ordered sequence is the quadrature signal (one event per line per wake would reorder it).
                var events: [(index: Int, level: Bool, at: MonotonicInstant)] = []
                while !ready.isEmpty, events.count < Self.maximumBatch {
                    for i in ready {
                        let event = try lines[i].readEvent()
                        events.append((i, event.level, event.at))
                    }
                    ready = try GPIOLineHandle.waitEvents(lines, timeout: .zero)
                }
                events.sort { $0.at < $1.at }
                lock.withLock {
                    for event in events {
                        levels[event.index] = event.level != (event.index == 0 ? configuration.a.activeLow : configuration.b.activeLow)
                        decoder.observe(a: levels[0], b: levels[1])
                    }
                }
                if monotonicNow() >= nextCheck {
                    nextCheck = monotonicNow() + configuration.checkInterval
                    runCheck()
                }
            } catch {
                let failure = (error as? HardwareError) ?? HardwareError(.readInputs, String(describing: error))
                let reaction = lock.withLock { () -> (@Sendable (HardwareError) -> Void)? in
                    self.failure = failure
                    return onFailure
                }
                reaction?(failure)
                return
            }
        }
    }

    private func runCheck() {
        let state = motion()
        let (fault, reaction) = lock.withLock { () -> (SensorFault?, (@Sendable (SensorFault) -> Void)?) in
            guard state.enabled else {
                check.motorDisabled()
                return (nil, nil)
            }
            return (check.check(commanded: state.netSteps, decoder: decoder), onFault)
        }
        if let fault { reaction?(fault) }
    }
}
