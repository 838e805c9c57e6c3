// `PumpHardware` over libgpiod (through the GPIODShim C wrapper): the real STEP/DIR/ENABLE lines, switch
// inputs with edge events, and the alarm outputs.
//
// Fail-safe contract (PumpHardware.swift), as implemented here:
// - ENABLE is the first line requested, with its initial value = de-asserted, so it never glitches on;
//   SLEEP (if wired) starts asleep. It is de-asserted again on close(), on deinit, before EVERY error this
//   class throws (including refused steps), when the e-stop input becomes active (before the supervisor's
//   handler runs) and when input monitoring fails (HAZ-003, HAZ-005, HAZ-011).
// - ENABLE is released last, after STEP/DIR, so release glitches reach a disabled driver. After release,
//   and if the process dies, the line is whatever the hardware pulls it to: libgpiod promises nothing about
//   line state after exit, so the board MUST pull ENABLE to "disabled" (see hw-sim/bench/README.md).
// - The first step must come at least 2 ms (StepTimingGuard.enableSettleTime) after setMotorEnabled(true):
//   an earlier emitStep() is refused with HardwareError(.step), and the motor is disabled. Schedule for it.
// Threads: an input thread (edge events, debounce, e-stop and driver-fault fast path), an alarm-pattern
// thread, and when fitted an encoder thread (EncoderMonitor) and an HX711 thread (HX711Reader). This class
// does not change scheduling policy; the control loop requests SCHED_FIFO for itself.
import Foundation
import PumpCore

/// The libgpiod backend. Safe to call from several threads; `setMotorEnabled(false)` from any thread at any
/// time blocks at most for one STEP pulse (~5 µs plus two GPIO ioctls).
public final class GPIODPump: PumpHardware, @unchecked Sendable {
    private let chip: GPIOChipHandle
    private let motor: MotorDriver
    private let inputs: InputMonitor
    private let alarms: AlarmDriver
    private let encoder: EncoderMonitor?
    private let loadCell: HX711Reader?
    private let otherLines: [GPIOLineHandle]  // microstep + alarm lines, released before ENABLE
    private let enableLine: GPIOLineHandle
    private let closeLock = PIMutex()
    private var closed = false  // guarded by closeLock

    /// The pin map this backend was opened with.
    public let pinMap: GPIOPinMap

    /// Validates `pinMap`, opens its chip and requests every line: ENABLE first (de-asserted), SLEEP asleep,
    /// STEP low, DIR = infuse, microstep lines at their levels, alarm outputs off, inputs with both-edge
    /// events and the configured bias. Starts the input and alarm threads.
    /// - Throws: `HardwareError(.open, ...)` naming the chip or line, the failed call and the errno text
    ///   (a bad pin map is reported with its `GPIOPinMapError` text). Nothing stays requested on failure.
    public init(pinMap: GPIOPinMap) throws {
        do { try pinMap.validate() } catch let error as GPIOPinMapError {
            throw HardwareError(.open, error.description)
        }
        self.pinMap = pinMap
        let chip = try GPIOChipHandle(opening: pinMap.chip)
        let consumer = pinMap.consumer
        var requested: [GPIOLineHandle] = []
        func output(_ spec: GPIOOutputLine, _ role: String, initial: Bool) throws -> GPIOLineHandle {
            let line = try chip.line(spec.line, role: role)
            try line.requestOutput(consumer: consumer, activeLow: spec.activeLow, initial: initial)
            requested.append(line)
            return line
        }
        do {
            // HAZ-003: ENABLE first, de-asserted from the instant of the request.
            let enable = try output(pinMap.enable, "enable", initial: false)
            let sleep = try pinMap.sleep.map { try output($0, "sleep", initial: true) }
            let step = try output(pinMap.step, "step", initial: false)
            let direction = try output(pinMap.direction, "direction", initial: true)
            let requestedAt = monotonicNow()
            var others: [GPIOLineHandle] = []
            if let ms = pinMap.microstep {
                for (i, spec) in ms.lines.enumerated() {
                    others.append(try output(spec, "microstep\(i + 1)", initial: ms.levels[i]))
                }
            }
            let a = pinMap.alarms
            let red = try a.red.map { try output($0, "redLED", initial: false) }
            let yellow = try a.yellow.map { try output($0, "yellowLED", initial: false) }
            let green = try a.green.map { try output($0, "greenLED", initial: false) }
            let buzzer = try a.buzzer.map { try output($0, "buzzer", initial: false) }
            others += [red, yellow, green, buzzer].compactMap { $0 }

            var channels: [InputChannel] = []
            var levels: [Bool] = []
            var debounce: [MonotonicDuration] = []
            let kinds: [(InputKind, GPIOInputLine?)] = [
                (.emergencyStop, pinMap.emergencyStop), (.syringePresent, pinMap.syringePresent),
                (.plungerClamped, pinMap.plungerClamped), (.endOfTravel, pinMap.endOfTravel),
                (.occlusionSwitch, pinMap.occlusionSwitch), (.driverFault, pinMap.driverFault),
                (.driverStall, pinMap.driverStall),
            ]
            for (kind, spec) in kinds {
                guard let spec else { continue }
                let line = try chip.line(spec.line, role: "\(kind)")
                try line.requestInputEvents(consumer: consumer, bias: spec.bias)
                requested.append(line)
                channels.append(InputChannel(kind: kind, line: line, activeLow: spec.activeLow))
                levels.append(try line.get(operation: .open))
                debounce.append(spec.debounce)
            }
            let monitor = InputMonitor(channels: channels, initialLevels: levels, at: monotonicNow(), debounce: debounce)
            let motor = MotorDriver(enable: enable, step: step, direction: direction, sleep: sleep,
                                    initialDirection: .infuse, requestedAt: requestedAt,
                                    emergencyStopActive: { [weak monitor] in monitor?.emergencyStopActive() ?? true })
            monitor.setReactions(
                onEmergencyStop: { [weak motor] in motor?.disable() },
                onFailure: { [weak motor] _ in motor?.disable() })
            var sensorLines: [GPIOLineHandle] = []
            var encoderMonitor: EncoderMonitor?
            if let config = pinMap.encoder {
                let a = try chip.line(config.a.line, role: "encoderA")
                try a.requestInputEvents(consumer: consumer, bias: config.a.bias)
                requested.append(a)
                let b = try chip.line(config.b.line, role: "encoderB")
                try b.requestInputEvents(consumer: consumer, bias: config.b.bias)
                requested.append(b)
                sensorLines += [a, b]
                let encoder = EncoderMonitor(configuration: config, a: a, b: b,
                                             initialA: try a.get(operation: .open), initialB: try b.get(operation: .open),
                                             motion: { [weak motor] in motor?.motion ?? (false, 0) })
                // HAZ-005: the supervisor is told (its trip turns ENABLE off first and names the fault; a step
                // refused by an already disabled driver would otherwise be reported in its place), then ENABLE
                // off here as well, whether or not a handler is set.
                encoder.setReactions(
                    onFault: { [weak motor, weak monitor] fault in
                        monitor?.inputEventHandler?(.sensorFault(fault))
                        motor?.disable()
                    },
                    onFailure: { [weak motor] _ in motor?.disable() })
                encoderMonitor = encoder
            }
            var reader: HX711Reader?
            if let config = pinMap.loadCell {
                let sck = try output(config.sck, "hx711Sck", initial: false)
                let dout = try chip.line(config.dout.line, role: "hx711Dout")
                try dout.requestInputEvents(consumer: consumer, bias: config.dout.bias)
                requested.append(dout)
                sensorLines += [sck, dout]
                reader = HX711Reader(configuration: config, sck: sck, dout: dout)
            }
            self.encoder = encoderMonitor
            self.loadCell = reader
            self.chip = chip
            self.enableLine = enable
            self.motor = motor
            self.inputs = monitor
            self.alarms = AlarmDriver(red: red, yellow: yellow, green: green, buzzer: buzzer)
            self.otherLines = [step, direction] + (sleep.map { [$0] } ?? []) + others + channels.map(\.line) + sensorLines
        } catch {
            // Release in reverse order: ENABLE (requested first, de-asserted) goes last.
            for line in requested.reversed() { line.release() }
            chip.close()
            throw error
        }
        inputs.start()
        alarms.start()
        encoder?.start()
        loadCell?.start()
    }

    deinit { close() }

    /// Called on the input thread on e-stop pressed, syringe removed, plunger unclamped, end of travel and
    /// occlusion-switch edges, as soon as the edge is seen. On e-stop, ENABLE is already off when it runs.
    /// Cleared by `close()`. A handler that captures this object strongly keeps it alive until `close()`.
    public var inputEventHandler: (@Sendable (PumpInputEvent) -> Void)? {
        get { inputs.inputEventHandler }
        set { inputs.inputEventHandler = newValue }
    }

    /// The number of STEP pulses emitted since the backend was opened (the backend's own count).
    public var stepCount: Int64 { motor.stepCount }

    /// Runs `body`; on any error de-asserts ENABLE first, then rethrows it as a `HardwareError`.
    private func failSafe<T>(_ operation: HardwareError.Operation, _ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch {
            motor.disable()
            throw (error as? HardwareError) ?? HardwareError(operation, String(describing: error))
        }
    }

    /// `true`: wakes the driver and asserts ENABLE (refused while the e-stop input is active); the first
    /// step may follow 2 ms later. `false`: de-asserts ENABLE (and SLEEP asleep); safe from any thread.
    public func setMotorEnabled(_ enabled: Bool) throws {
        if enabled {
            try failSafe(.enable) { try motor.enableMotor() }
        } else if let failure = motor.disable() {
            throw failure
        }
    }

    /// Sets DIR (infuse = asserted). Waits out the DIR hold time after the last step (≤ 1 µs, busy).
    public func setDirection(_ direction: MotorDirection) throws {
        try failSafe(.direction) { try motor.setDirection(direction) }
    }

    /// Emits one STEP pulse (5 µs high). Refused, with ENABLE then de-asserted, when the motor is disabled,
    /// when less than 2 ms have passed since enable, or while the e-stop input is active.
    public func emitStep() throws {
        try failSafe(.step) { try motor.emitStep() }
    }

    /// The debounced switch levels (fault levels at once, safe levels after their debounce interval).
    /// `measuredSteps` is the encoder position in microsteps (nil without an encoder); `linePressure` the
    /// filtered load-cell pressure (nil without a load cell, or while it is faulted: the fault is then in
    /// `sensorFaults` as `pressure-sensor-fault`). The driver's nFAULT, when asserted, is in `sensorFaults`.
    public func readInputs() throws -> PumpInputs {
        try failSafe(.readInputs) {
            try checkOpen(.readInputs)
            var snapshot = try inputs.snapshot()
            snapshot.measuredSteps = try encoder?.measuredSteps()
            switch loadCell?.reading() {
            case .success(let pressure): snapshot.linePressure = pressure
            case .failure(let fault): snapshot.sensorFaults.append(fault)
            case nil: break
            }
            return snapshot
        }
    }

    /// The encoder decoder's counters (count, edges, glitches), nil without an encoder. Diagnostics.
    public var encoderState: QuadratureDecoder? { encoder?.decoderState }

    /// Selects the alarm light/sound pattern (see AlarmPattern).
    public func setAlarmIndication(_ indication: AlarmIndication) throws {
        try failSafe(.indication) {
            try checkOpen(.indication)
            try alarms.set(indication)
        }
    }

    /// Pauses or restores the buzzer while the LEDs keep the pattern (see AlarmPattern).
    public func setAlarmAudioPaused(_ paused: Bool) throws {
        try failSafe(.indication) {
            try checkOpen(.indication)
            try alarms.setAudioPaused(paused)
        }
    }

    /// De-asserts ENABLE, stops the threads (≤ ~50 ms) and releases every line (ENABLE last) and the chip.
    /// Idempotent; every later call throws "backend is closed" except `setMotorEnabled(false)` (a no-op).
    public func close() {
        let first = closeLock.withLock { () -> Bool in
            defer { closed = true }
            return !closed
        }
        guard first else { return }
        motor.shutDown()
        let inputsStopped = inputs.stop()
        let alarmsStopped = alarms.stop()
        let sensorsStopped = (encoder?.stop() ?? true) && (loadCell?.stop() ?? true)
        // A thread that did not end could still be using its lines: then keep every line requested (ENABLE
        // stays driven to disabled) rather than free them under it; the kernel releases them at exit.
        guard inputsStopped && alarmsStopped && sensorsStopped else { return }
        for line in otherLines { line.release() }
        enableLine.release()
        chip.close()
    }

    private func checkOpen(_ operation: HardwareError.Operation) throws {
        if closeLock.withLock({ closed }) { throw HardwareError(operation, "backend is closed") }
    }
}
