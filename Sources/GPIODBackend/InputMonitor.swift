// The switch inputs: one thread waits for edge events on all input lines at once and keeps debounced levels.
//
// Timing invariants:
// - An edge towards a fault level is acted on as soon as the thread wakes: first `onEmergencyStop` (the
//   backend de-asserts ENABLE itself, HAZ-011), then `inputEventHandler` (the supervisor). No debounce delay
//   on that path (see InputDebouncer). The driver's nFAULT and stall (DIAG) lines: the supervisor first, then
//   ENABLE off here too.
// - The wait times out every `pollInterval` (50 ms): the thread then re-reads every line (a lost edge is
//   corrected within 50 ms) and checks whether `stop()` was called, so close() returns within ~50 ms.
// - A failure of the wait or a read is latched: `onFailure` de-asserts ENABLE, the thread ends, and every
//   later `snapshot()` throws it (HAZ-005: the pump no longer knows its switches; HAZ-011: nor its e-stop).
import Foundation
import PumpCore

/// Which switch an input line is.
enum InputKind: Sendable, CaseIterable {
    case emergencyStop, syringePresent, plungerClamped, endOfTravel, occlusionSwitch
    /// The stepper driver's nFAULT output (DRV8825/A4988; asserted = fault).
    case driverFault
    /// The stepper driver's stall output (TMC2209 DIAG with StallGuard; asserted = the motor stalled).
    case driverStall

    /// The fault reported by the driver-fault input.
    static let driverFaultReport = SensorFault(code: .hardwareFailure,
        message: "The stepper driver reports a fault (nFAULT: over-current, over-temperature or under-voltage); the motor was stopped.")
    /// The fault reported by the driver-stall input: the motor stalled, so steps are not moving the plunger.
    static let driverStallReport = SensorFault(code: .stepMismatch,
        message: "The stepper driver reports a stall (DIAG/StallGuard): the motor is not turning, so steps are not delivering; the motor was stopped.")

    /// The logical ("asserted") level that is the fault.
    var faultLevel: Bool {
        switch self {
        case .emergencyStop, .endOfTravel, .occlusionSwitch, .driverFault, .driverStall: return true
        case .syringePresent, .plungerClamped: return false
        }
    }

    /// The event reported when the switch enters its fault level.
    var event: PumpInputEvent {
        switch self {
        case .emergencyStop: return .emergencyStopPressed
        case .syringePresent: return .syringeRemoved
        case .plungerClamped: return .plungerUnclamped
        case .endOfTravel: return .endOfTravelReached
        case .occlusionSwitch: return .occlusionSwitchClosed
        case .driverFault: return .sensorFault(Self.driverFaultReport)
        case .driverStall: return .sensorFault(Self.driverStallReport)
        }
    }
}

/// One requested input line.
struct InputChannel {
    let kind: InputKind
    let line: GPIOLineHandle
    let activeLow: Bool

    /// Physical level -> logical ("asserted").
    func logical(_ physical: Bool) -> Bool { physical != activeLow }
}

/// The input thread and the debounced input state.
final class InputMonitor: @unchecked Sendable {
    static let pollInterval = MonotonicDuration.milliseconds(50)

    private let channels: [InputChannel]
    private let lock = PIMutex()
    private let exited = DispatchSemaphore(value: 0)
    // Guarded by `lock`:
    private var debouncers: [InputDebouncer]
    private var handler: (@Sendable (PumpInputEvent) -> Void)?
    private var onEmergencyStop: (@Sendable () -> Void)?
    private var onFailure: (@Sendable (HardwareError) -> Void)?
    private var failure: HardwareError?
    private var stopRequested = false
    private var running = false

    /// Creates the monitor from requested input lines and the levels read right after the request.
    init(channels: [InputChannel], initialLevels: [Bool], at t: MonotonicInstant, debounce: [MonotonicDuration]) {
        self.channels = channels
        debouncers = channels.indices.map { i in
            InputDebouncer(faultLevel: channels[i].kind.faultLevel, debounce: debounce[i],
                           initial: channels[i].logical(initialLevels[i]), at: t)
        }
    }

    /// The supervisor's handler, called on the input thread.
    var inputEventHandler: (@Sendable (PumpInputEvent) -> Void)? {
        get { lock.withLock { handler } }
        set { lock.withLock { handler = newValue } }
    }

    /// Sets the backend's own reactions (ENABLE off on e-stop, on monitor failure). Call before `start()`.
    func setReactions(onEmergencyStop: @escaping @Sendable () -> Void, onFailure: @escaping @Sendable (HardwareError) -> Void) {
        lock.withLock {
            self.onEmergencyStop = onEmergencyStop
            self.onFailure = onFailure
        }
    }

    /// Starts the input thread.
    func start() {
        lock.withLock { running = true }
        let thread = Thread { [self] in
            run()
            exited.signal()
        }
        thread.name = "gpiod-inputs"
        thread.qualityOfService = .userInteractive
        thread.start()
    }

    /// Stops the input thread and waits for it (at most one poll interval plus a margin). Idempotent.
    /// Returns false if the thread did not end in time (its lines must then not be released under it).
    @discardableResult
    func stop() -> Bool {
        let wasRunning = lock.withLock { () -> Bool in
            stopRequested = true
            onEmergencyStop = nil
            onFailure = nil
            handler = nil
            defer { running = false }
            return running
        }
        guard wasRunning else { return true }
        return exited.wait(timeout: .now() + .seconds(1)) == .success
    }

    /// Whether the debounced e-stop input is active now (true too if monitoring failed).
    func emergencyStopActive() -> Bool {
        let now = monotonicNow()
        return lock.withLock {
            if failure != nil { return true }
            return channels.indices.contains { channels[$0].kind == .emergencyStop && debouncers[$0].isFault(at: now) }
        }
    }

    /// The debounced inputs now. Throws the latched failure if monitoring stopped working.
    func snapshot() throws -> PumpInputs {
        let now = monotonicNow()
        return try lock.withLock {
            if let failure { throw failure }
            var inputs = PumpInputs(occlusionSwitch: false)
            for (i, channel) in channels.enumerated() {
                let level = debouncers[i].level(at: now)
                switch channel.kind {
                case .emergencyStop: inputs.emergencyStopPressed = level
                case .syringePresent: inputs.syringePresent = level
                case .plungerClamped: inputs.plungerClamped = level
                case .endOfTravel: inputs.endOfTravel = level
                case .occlusionSwitch: inputs.occlusionSwitch = level
                case .driverFault: if level { inputs.sensorFaults.append(InputKind.driverFaultReport) }
                case .driverStall: if level { inputs.sensorFaults.append(InputKind.driverStallReport) }
                }
            }
            return inputs
        }
    }

    private func run() {
        let lines = channels.map(\.line)
        while !lock.withLock({ stopRequested }) {
            do {
                let ready = try GPIOLineHandle.waitEvents(lines, timeout: Self.pollInterval)
                if ready.isEmpty {
                    let now = monotonicNow()
                    for i in channels.indices {
                        observe(i, physical: try channels[i].line.get(operation: .readInputs), at: now)
                    }
                } else {
                    for i in ready {
                        let event = try channels[i].line.readEvent()
                        observe(i, physical: event.level, at: event.at)
                    }
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

    /// Feeds one level to the channel's debouncer and reacts to a new fault.
    private func observe(_ index: Int, physical: Bool, at t: MonotonicInstant) {
        let kind = channels[index].kind
        let logical = channels[index].logical(physical)
        let (entered, estop, report) = lock.withLock {
            (debouncers[index].observe(logical, at: t), onEmergencyStop, handler)
        }
        guard entered else { return }
        if kind == .emergencyStop { estop?() }  // HAZ-011: ENABLE off before anyone else is told.
        report?(kind.event)
        // HAZ-005: the driver's nFAULT: the supervisor is told first (its trip turns ENABLE off and names the
        // fault; a step refused by an already disabled driver would otherwise be reported in its place), then
        // ENABLE off here as well, whether or not a handler is set.
        if kind == .driverFault || kind == .driverStall { estop?() }
    }
}
