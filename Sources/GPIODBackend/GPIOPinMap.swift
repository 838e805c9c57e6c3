// The wiring of one pump to one GPIO chip: which line is STEP, DIR, ENABLE, the optional driver lines, the
// alarm outputs and the switch inputs, with their active levels and debounce intervals. Loaded from JSON
// (the daemon's config) and checked by `validate()` before any line is requested.
//
// Conventions (see hw-sim/bench/README.md for the wiring table):
// - Output values are logical: "asserted" means ENABLE on, SLEEP asleep, DIR = infuse, LED lit, buzzer on.
//   `activeLow` makes the kernel drive the line low when asserted.
// - Input levels are physical as read, then mapped through `activeLow` to "asserted" (e-stop pressed,
//   syringe present, plunger clamped, end of travel reached, occlusion switch closed).
// - The defaults assume fail-safe wiring: every input reads its fault level on an open circuit with a
//   pull-up (e-stop, end of travel and occlusion on normally-closed contacts to ground, syringe-present and
//   plunger-clamped on normally-open contacts that close to ground).
import Foundation
import PumpCore

/// Where a line is on the chip: by its name (preferred, survives board revisions) or by offset.
public struct GPIOLineRef: Codable, Sendable, Equatable, Hashable, CustomStringConvertible {
    /// The line's name as the kernel reports it (device tree `gpio-line-names`), or nil.
    public var name: String?
    /// The line's offset on the chip, or nil.
    public var offset: UInt32?

    /// A line found by name.
    public static func named(_ name: String) -> GPIOLineRef { GPIOLineRef(name: name, offset: nil) }
    /// A line found by offset.
    public static func offset(_ offset: UInt32) -> GPIOLineRef { GPIOLineRef(name: nil, offset: offset) }

    /// Creates a reference; exactly one of `name` and `offset` must be set (checked by validation).
    public init(name: String?, offset: UInt32?) {
        self.name = name
        self.offset = offset
    }

    public var description: String {
        if let name { return "\"\(name)\"" }
        if let offset { return "offset \(offset)" }
        return "<no line>"
    }
}

/// An output line.
public struct GPIOOutputLine: Codable, Sendable, Equatable {
    /// Where the line is.
    public var line: GPIOLineRef
    /// The line is driven low when asserted.
    public var activeLow: Bool

    /// Creates an output line description.
    public init(_ line: GPIOLineRef, activeLow: Bool = false) {
        self.line = line
        self.activeLow = activeLow
    }

    private enum CodingKeys: String, CodingKey { case name, offset, activeLow }
    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        line = GPIOLineRef(name: try c.decodeIfPresent(String.self, forKey: .name),
                           offset: try c.decodeIfPresent(UInt32.self, forKey: .offset))
        activeLow = try c.decodeIfPresent(Bool.self, forKey: .activeLow) ?? false
    }
    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encodeIfPresent(line.name, forKey: .name)
        try c.encodeIfPresent(line.offset, forKey: .offset)
        try c.encode(activeLow, forKey: .activeLow)
    }
}

/// Input bias requested from the GPIO controller (a backup for the external pull resistors).
public enum GPIOBias: String, Codable, Sendable {
    /// Leave the controller's bias as it is.
    case asIs
    /// No internal pull.
    case disabled
    /// Internal pull-down.
    case pullDown
    /// Internal pull-up.
    case pullUp
}

/// A switch input.
public struct GPIOInputLine: Codable, Sendable, Equatable {
    /// Where the line is.
    public var line: GPIOLineRef
    /// The switch is "asserted" when the line reads low.
    public var activeLow: Bool
    /// How long the line must stay at its safe level before a return from the fault level is believed.
    /// Entry into the fault level is believed at once (see `InputDebouncer`).
    public var debounce: MonotonicDuration
    /// Internal bias to request.
    public var bias: GPIOBias

    /// Creates an input line description.
    public init(_ line: GPIOLineRef, activeLow: Bool = false, debounce: MonotonicDuration = .milliseconds(20),
                bias: GPIOBias = .pullUp) {
        self.line = line
        self.activeLow = activeLow
        self.debounce = debounce
        self.bias = bias
    }

    private enum CodingKeys: String, CodingKey { case name, offset, activeLow, debounceMilliseconds, bias }
    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        line = GPIOLineRef(name: try c.decodeIfPresent(String.self, forKey: .name),
                           offset: try c.decodeIfPresent(UInt32.self, forKey: .offset))
        activeLow = try c.decodeIfPresent(Bool.self, forKey: .activeLow) ?? false
        let ms = try c.decodeIfPresent(Double.self, forKey: .debounceMilliseconds) ?? 20
        debounce = MonotonicDuration(nanoseconds: Int64((ms * 1e6).rounded()))
        bias = try c.decodeIfPresent(GPIOBias.self, forKey: .bias) ?? .pullUp
    }
    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encodeIfPresent(line.name, forKey: .name)
        try c.encodeIfPresent(line.offset, forKey: .offset)
        try c.encode(activeLow, forKey: .activeLow)
        try c.encode(Double(debounce.nanoseconds) / 1e6, forKey: .debounceMilliseconds)
        try c.encode(bias, forKey: .bias)
    }
}

/// The stepper driver's microstep-select lines (MS1..MS3) and the fixed levels to hold them at.
public struct GPIOMicrostepLines: Codable, Sendable, Equatable {
    /// MS1, MS2, MS3 in order (one to three lines).
    public var lines: [GPIOOutputLine]
    /// The logical level for each line (A4988 1/16 step: [true, true, true]).
    public var levels: [Bool]

    /// Creates a microstep configuration.
    public init(lines: [GPIOOutputLine], levels: [Bool]) {
        self.lines = lines
        self.levels = levels
    }
}

/// The alarm outputs (IEC 60601-1-8 indicator lights and an active buzzer). Each is optional.
public struct GPIOAlarmLines: Codable, Sendable, Equatable {
    /// An active buzzer (on/off).
    public var buzzer: GPIOOutputLine?
    /// Red LED: high-priority alarm.
    public var red: GPIOOutputLine?
    /// Yellow LED: medium and low priority.
    public var yellow: GPIOOutputLine?
    /// Green LED: running normally.
    public var green: GPIOOutputLine?

    /// Creates an alarm-output configuration.
    public init(buzzer: GPIOOutputLine? = nil, red: GPIOOutputLine? = nil, yellow: GPIOOutputLine? = nil,
                green: GPIOOutputLine? = nil) {
        self.buzzer = buzzer
        self.red = red
        self.yellow = yellow
        self.green = green
    }
}

/// The complete wiring of the pump to one GPIO chip. The encoder and load cell come from pumpd.toml's
/// `[gpio.encoder]` / `[gpio.pressure]` tables, not from the JSON pin map (they are not encoded).
public struct GPIOPinMap: Codable, Sendable, Equatable {
    /// The chip: a name ("gpiochip0") or a path ("/dev/gpiochip0").
    public var chip: String
    /// The consumer label the lines are requested under (shown by `gpioinfo`).
    public var consumer: String
    /// STEP: one pulse per microstep (asserted = pulse high).
    public var step: GPIOOutputLine
    /// DIR: asserted = infuse, de-asserted = retract.
    public var direction: GPIOOutputLine
    /// ENABLE: asserted = driver outputs on. Active-low on A4988/DRV8825/TMC2209.
    public var enable: GPIOOutputLine
    /// SLEEP (optional): asserted = driver asleep. Woken on enable, put to sleep on disable.
    public var sleep: GPIOOutputLine?
    /// Microstep-select lines (optional), held at fixed levels.
    public var microstep: GPIOMicrostepLines?
    /// Alarm LEDs and buzzer.
    public var alarms: GPIOAlarmLines
    /// E-stop input: asserted = pressed (or circuit open).
    public var emergencyStop: GPIOInputLine
    /// Syringe-present input: asserted = a syringe is in the cradle.
    public var syringePresent: GPIOInputLine
    /// Plunger-clamp input: asserted = plunger head clamped.
    public var plungerClamped: GPIOInputLine
    /// End-of-travel input: asserted = pusher at its end stop.
    public var endOfTravel: GPIOInputLine
    /// Occlusion pressure switch (optional): asserted = line pressure above the set point.
    public var occlusionSwitch: GPIOInputLine?
    /// The stepper driver's nFAULT output (optional; DRV8825/A4988, open drain, active low): asserted = fault.
    public var driverFault: GPIOInputLine?
    /// The stepper driver's stall output (optional; TMC2209 DIAG, push-pull, active high): asserted = stalled.
    public var driverStall: GPIOInputLine?
    /// The rotation encoder (optional; nil = none fitted).
    public var encoder: EncoderConfiguration?
    /// The HX711 load cell on the plunger driver (optional; nil = none fitted).
    public var loadCell: HX711Configuration?

    /// Creates a pin map.
    public init(
        chip: String, consumer: String = "pumpd", step: GPIOOutputLine, direction: GPIOOutputLine,
        enable: GPIOOutputLine, sleep: GPIOOutputLine? = nil, microstep: GPIOMicrostepLines? = nil,
        alarms: GPIOAlarmLines = GPIOAlarmLines(), emergencyStop: GPIOInputLine, syringePresent: GPIOInputLine,
        plungerClamped: GPIOInputLine, endOfTravel: GPIOInputLine, occlusionSwitch: GPIOInputLine? = nil
    ) {
        self.chip = chip
        self.consumer = consumer
        self.step = step
        self.direction = direction
        self.enable = enable
        self.sleep = sleep
        self.microstep = microstep
        self.alarms = alarms
        self.emergencyStop = emergencyStop
        self.syringePresent = syringePresent
        self.plungerClamped = plungerClamped
        self.endOfTravel = endOfTravel
        self.occlusionSwitch = occlusionSwitch
    }

    private enum CodingKeys: String, CodingKey {
        case chip, consumer, step, direction, enable, sleep, microstep, alarms
        case emergencyStop, syringePresent, plungerClamped, endOfTravel, occlusionSwitch, driverFault, driverStall
    }
    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        chip = try c.decode(String.self, forKey: .chip)
        consumer = try c.decodeIfPresent(String.self, forKey: .consumer) ?? "pumpd"
        step = try c.decode(GPIOOutputLine.self, forKey: .step)
        direction = try c.decode(GPIOOutputLine.self, forKey: .direction)
        enable = try c.decode(GPIOOutputLine.self, forKey: .enable)
        sleep = try c.decodeIfPresent(GPIOOutputLine.self, forKey: .sleep)
        microstep = try c.decodeIfPresent(GPIOMicrostepLines.self, forKey: .microstep)
        alarms = try c.decodeIfPresent(GPIOAlarmLines.self, forKey: .alarms) ?? GPIOAlarmLines()
        emergencyStop = try c.decode(GPIOInputLine.self, forKey: .emergencyStop)
        syringePresent = try c.decode(GPIOInputLine.self, forKey: .syringePresent)
        plungerClamped = try c.decode(GPIOInputLine.self, forKey: .plungerClamped)
        endOfTravel = try c.decode(GPIOInputLine.self, forKey: .endOfTravel)
        occlusionSwitch = try c.decodeIfPresent(GPIOInputLine.self, forKey: .occlusionSwitch)
        driverFault = try c.decodeIfPresent(GPIOInputLine.self, forKey: .driverFault)
        driverStall = try c.decodeIfPresent(GPIOInputLine.self, forKey: .driverStall)
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(chip, forKey: .chip)
        try c.encode(consumer, forKey: .consumer)
        try c.encode(step, forKey: .step)
        try c.encode(direction, forKey: .direction)
        try c.encode(enable, forKey: .enable)
        try c.encodeIfPresent(sleep, forKey: .sleep)
        try c.encodeIfPresent(microstep, forKey: .microstep)
        try c.encode(alarms, forKey: .alarms)
        try c.encode(emergencyStop, forKey: .emergencyStop)
        try c.encode(syringePresent, forKey: .syringePresent)
        try c.encode(plungerClamped, forKey: .plungerClamped)
        try c.encode(endOfTravel, forKey: .endOfTravel)
        try c.encodeIfPresent(occlusionSwitch, forKey: .occlusionSwitch)
        try c.encodeIfPresent(driverFault, forKey: .driverFault)
        try c.encodeIfPresent(driverStall, forKey: .driverStall)
    }
}

extension GPIOPinMap {
    /// The default wiring, by line name, matching the hw-sim bench chip: an A4988/DRV8825-style driver with
    /// active-low ENABLE and SLEEP, 1/16 microstepping, fail-safe switch wiring with pull-ups.
    public static let `default` = GPIOPinMap(
        chip: "gpiochip0",
        step: GPIOOutputLine(.named("pump-step")),
        direction: GPIOOutputLine(.named("pump-dir")),
        enable: GPIOOutputLine(.named("pump-enable"), activeLow: true),
        sleep: GPIOOutputLine(.named("pump-sleep"), activeLow: true),
        microstep: GPIOMicrostepLines(
            lines: [GPIOOutputLine(.named("pump-ms1")), GPIOOutputLine(.named("pump-ms2")),
                    GPIOOutputLine(.named("pump-ms3"))],
            levels: [true, true, true]),
        alarms: GPIOAlarmLines(
            buzzer: GPIOOutputLine(.named("alarm-buzzer")), red: GPIOOutputLine(.named("led-red")),
            yellow: GPIOOutputLine(.named("led-yellow")), green: GPIOOutputLine(.named("led-green"))),
        emergencyStop: GPIOInputLine(.named("estop")),
        syringePresent: GPIOInputLine(.named("syringe-present"), activeLow: true),
        plungerClamped: GPIOInputLine(.named("plunger-clamped"), activeLow: true),
        endOfTravel: GPIOInputLine(.named("end-of-travel")),
        occlusionSwitch: GPIOInputLine(.named("occlusion"))
    )

    /// Decodes a pin map from JSON and validates it.
    public static func load(json data: Data) throws -> GPIOPinMap {
        let map: GPIOPinMap
        do {
            map = try JSONDecoder().decode(GPIOPinMap.self, from: data)
        } catch {
            throw GPIOPinMapError.malformed(String(describing: error))
        }
        try map.validate()
        return map
    }
}
