// Swift handles over the C shim (the only file that talks to GPIODShim's line calls). Every failure becomes
// a `HardwareError` naming the operation, the line's role and reference, the shim call and the errno text.
// Not thread-safe by themselves: `GPIODPumpCore` serialises access per line.
import Foundation
import GPIODShim
import PumpCore
#if canImport(Glibc)
import Glibc
#endif

/// "Device or resource busy (errno 16)".
func errnoText(_ code: Int32) -> String {
    guard let text = strerror(code) else { return "errno \(code)" }
    return "\(String(cString: text)) (errno \(code))"
}

/// CLOCK_MONOTONIC now.
func monotonicNow() -> MonotonicInstant { MonotonicInstant(nanoseconds: pump_gpio_monotonic_ns()) }

/// Spins until CLOCK_MONOTONIC reaches `deadline`. Used only for microsecond driver timings, where sleeping
/// would overshoot by tens of microseconds or more.
func busyWait(until deadline: MonotonicInstant) {
    while pump_gpio_monotonic_ns() < deadline.nanoseconds {}
}

/// An open GPIO chip.
final class GPIOChipHandle {
    private var chip: OpaquePointer?
    /// The name or path it was opened by.
    let nameOrPath: String

    /// Opens the chip; throws `HardwareError(.open, ...)` naming the chip and the errno text.
    init(opening nameOrPath: String) throws {
        self.nameOrPath = nameOrPath
        var handle: OpaquePointer?
        let rc = pump_gpio_chip_open(nameOrPath, &handle)
        guard rc == 0, let handle else {
            throw HardwareError(.open, "chip \"\(nameOrPath)\": open: \(errnoText(rc == 0 ? EIO : rc))")
        }
        chip = handle
    }

    deinit { close() }

    /// Finds a line by name or offset.
    func line(_ ref: GPIOLineRef, role: String) throws -> GPIOLineHandle {
        guard let chip else { throw HardwareError(.open, "\(role) line \(ref): chip \"\(nameOrPath)\" is closed") }
        var line: OpaquePointer?
        let rc: Int32
        let call: String
        if let name = ref.name {
            rc = pump_gpio_line_find(chip, name, &line)
            call = "find line"
        } else if let offset = ref.offset {
            rc = pump_gpio_line_get(chip, offset, &line)
            call = "get line"
        } else {
            throw HardwareError(.open, "\(role): no line name or offset")
        }
        guard rc == 0, let line else {
            let why = rc == ENOENT ? "no such line on chip \"\(nameOrPath)\"" : errnoText(rc == 0 ? EIO : rc)
            throw HardwareError(.open, "\(role) line \(ref): \(call): \(why)")
        }
        return GPIOLineHandle(line: line, role: role, ref: ref)
    }

    /// Closes the chip (releasing anything still requested). Idempotent.
    func close() {
        if let chip { pump_gpio_chip_close(chip) }
        chip = nil
    }
}

/// One line of an open chip. Valid while its chip is open.
struct GPIOLineHandle {
    fileprivate let line: OpaquePointer
    /// The role in the pin map ("enable", "emergencyStop", ...).
    let role: String
    /// How the pin map referred to it.
    let ref: GPIOLineRef

    private func error(_ op: HardwareError.Operation, _ call: String, _ rc: Int32) -> HardwareError {
        HardwareError(op, "\(role) line \(ref) (offset \(pump_gpio_line_offset(line))): \(call): \(errnoText(rc))")
    }

    /// Requests the line as an output at the given logical level.
    func requestOutput(consumer: String, activeLow: Bool, initial: Bool) throws {
        let rc = pump_gpio_line_request_output(line, consumer, activeLow ? 1 : 0, initial ? 1 : 0)
        if rc != 0 { throw error(.open, "request output", rc) }
    }

    /// Requests the line as an input with both-edge events and the given bias.
    func requestInputEvents(consumer: String, bias: GPIOBias) throws {
        let b: pump_gpio_bias
        switch bias {
        case .asIs: b = PUMP_GPIO_BIAS_AS_IS
        case .disabled: b = PUMP_GPIO_BIAS_DISABLE
        case .pullDown: b = PUMP_GPIO_BIAS_PULL_DOWN
        case .pullUp: b = PUMP_GPIO_BIAS_PULL_UP
        }
        let rc = pump_gpio_line_request_input_events(line, consumer, b)
        if rc != 0 { throw error(.open, "request input events", rc) }
    }

    /// Drives a requested output to a logical level.
    func set(_ value: Bool, operation: HardwareError.Operation) throws {
        let rc = pump_gpio_line_set_value(line, value ? 1 : 0)
        if rc != 0 { throw error(operation, "set value \(value ? 1 : 0)", rc) }
    }

    /// Reads the line's level (physical for inputs requested by this backend).
    func get(operation: HardwareError.Operation) throws -> Bool {
        var v: Int32 = 0
        let rc = pump_gpio_line_get_value(line, &v)
        if rc != 0 { throw error(operation, "get value", rc) }
        return v != 0
    }

    /// Reads one pending edge event: the physical level after the edge and the kernel's monotonic time stamp.
    func readEvent() throws -> (level: Bool, at: MonotonicInstant) {
        var rising: Int32 = 0
        var ts: Int64 = 0
        let rc = pump_gpio_line_read_event(line, &rising, &ts)
        if rc != 0 { throw error(.readInputs, "read event", rc) }
        return (rising != 0, MonotonicInstant(nanoseconds: ts))
    }

    /// Releases the line (an output falls back to the hardware pull).
    func release() { pump_gpio_line_release(line) }

    /// Waits up to `timeout` for events on any of `lines`; returns the indices with events pending.
    static func waitEvents(_ lines: [GPIOLineHandle], timeout: MonotonicDuration) throws -> [Int] {
        var mask: UInt32 = 0
        let pointers: [OpaquePointer?] = lines.map { $0.line }
        let rc = pointers.withUnsafeBufferPointer { buf in
            pump_gpio_wait_events(buf.baseAddress, UInt32(lines.count), timeout.nanoseconds, &mask)
        }
        if rc != 0 {
            throw HardwareError(.readInputs, "wait for input events on \(lines.map(\.role).joined(separator: ", ")): \(errnoText(rc))")
        }
        return lines.indices.filter { mask & (UInt32(1) << UInt32($0)) != 0 }
    }
}
