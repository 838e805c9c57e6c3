// Validation of a `GPIOPinMap` before any line is requested: a bad map is refused with a reason, never
// "fixed" silently. The checks: a chip is named; every line is given by exactly one of name or offset; no
// line is used twice; the microstep levels match the lines; debounce intervals are within 0...200 ms (a
// longer one would delay the pump noticing that a fault has cleared and hide a chattering switch).
import Foundation
import PumpCore

/// Why a pin map was refused.
public enum GPIOPinMapError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The chip name or path is empty.
    case emptyChip
    /// The role's line has neither a name nor an offset.
    case missingLine(role: String)
    /// The role's line has both a name and an offset.
    case ambiguousLine(role: String)
    /// The role's line name is empty.
    case emptyLineName(role: String)
    /// Two roles use the same line.
    case duplicateLine(GPIOLineRef, roles: [String])
    /// The microstep configuration has a bad number of lines or levels.
    case microstepMismatch(lines: Int, levels: Int)
    /// A debounce interval is negative or longer than the maximum.
    case debounceOutOfRange(role: String, MonotonicDuration)
    /// The JSON could not be decoded.
    case malformed(String)
    /// A sensor's settings cannot work (the text says why).
    case sensor(String)

    public var description: String {
        switch self {
        case .emptyChip: return "pin map: chip is empty"
        case .missingLine(let role): return "pin map: \(role) needs a line name or offset"
        case .ambiguousLine(let role): return "pin map: \(role) gives both a line name and an offset"
        case .emptyLineName(let role): return "pin map: \(role) has an empty line name"
        case .duplicateLine(let ref, let roles): return "pin map: line \(ref) used by \(roles.joined(separator: " and "))"
        case .microstepMismatch(let lines, let levels):
            return "pin map: microstep needs 1 to 3 lines and one level per line (got \(lines) lines, \(levels) levels)"
        case .debounceOutOfRange(let role, let d):
            return "pin map: \(role) debounce \(d.nanoseconds / 1_000_000) ms is outside 0...\(GPIOPinMap.maximumDebounce.nanoseconds / 1_000_000) ms"
        case .malformed(let detail): return "pin map: malformed JSON: \(detail)"
        case .sensor(let detail): return "pin map: \(detail)"
        }
    }
}

extension GPIOPinMap {
    /// The longest debounce interval accepted.
    public static let maximumDebounce = MonotonicDuration.milliseconds(200)

    /// Every configured output line with its role name, in request order.
    public var outputLines: [(role: String, line: GPIOOutputLine)] {
        var out: [(String, GPIOOutputLine)] = [("enable", enable), ("step", step), ("direction", direction)]
        if let sleep { out.append(("sleep", sleep)) }
        for (i, ms) in (microstep?.lines ?? []).enumerated() { out.append(("microstep\(i + 1)", ms)) }
        if let l = alarms.buzzer { out.append(("buzzer", l)) }
        if let l = alarms.red { out.append(("redLED", l)) }
        if let l = alarms.yellow { out.append(("yellowLED", l)) }
        if let l = alarms.green { out.append(("greenLED", l)) }
        if let loadCell { out.append(("hx711Sck", loadCell.sck)) }
        return out
    }

    /// Every configured input line with its role name.
    public var inputLines: [(role: String, line: GPIOInputLine)] {
        var out: [(String, GPIOInputLine)] = [
            ("emergencyStop", emergencyStop), ("syringePresent", syringePresent),
            ("plungerClamped", plungerClamped), ("endOfTravel", endOfTravel),
        ]
        if let occlusionSwitch { out.append(("occlusionSwitch", occlusionSwitch)) }
        if let driverFault { out.append(("driverFault", driverFault)) }
        if let driverStall { out.append(("driverStall", driverStall)) }
        if let encoder { out += [("encoderA", encoder.a), ("encoderB", encoder.b)] }
        if let loadCell { out.append(("hx711Dout", loadCell.dout)) }
        return out
    }

    /// Checks the map; throws the first problem found.
    public func validate() throws {
        if chip.isEmpty { throw GPIOPinMapError.emptyChip }
        let refs = outputLines.map { ($0.role, $0.line.line) } + inputLines.map { ($0.role, $0.line.line) }
        var seen: [GPIOLineRef: String] = [:]
        for (role, ref) in refs {
            switch (ref.name, ref.offset) {
            case (nil, nil): throw GPIOPinMapError.missingLine(role: role)
            case (.some, .some): throw GPIOPinMapError.ambiguousLine(role: role)
            case (.some(let name), nil) where name.isEmpty: throw GPIOPinMapError.emptyLineName(role: role)
            default: break
            }
            if let other = seen[ref] { throw GPIOPinMapError.duplicateLine(ref, roles: [other, role]) }
            seen[ref] = role
        }
        if let microstep, microstep.lines.isEmpty || microstep.lines.count > 3
            || microstep.lines.count != microstep.levels.count {
            throw GPIOPinMapError.microstepMismatch(lines: microstep.lines.count, levels: microstep.levels.count)
        }
        if let problem = encoder?.problem { throw GPIOPinMapError.sensor("encoder: \(problem)") }
        if let problem = loadCell?.problem { throw GPIOPinMapError.sensor("pressure (HX711): \(problem)") }
        for (role, input) in inputLines where input.debounce < .zero || input.debounce > Self.maximumDebounce {
            throw GPIOPinMapError.debounceOutOfRange(role: role, input.debounce)
        }
    }
}
