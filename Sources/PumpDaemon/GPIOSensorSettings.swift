// `[gpio.encoder]` and `[gpio.pressure]` in pumpd.toml, and the sensor-presence policy.
//
// Each sensor is one of: not mentioned (the gpiod backend is then REFUSED: a pump without it loses a
// mitigation, and that must be a written decision), `encoder = "absent"` / `pressure = "absent"` under
// `[gpio]` (accepted; the hazard is logged and listed in `status --json` as `missing_sensors`), or a table
// with the sensor's lines and calibration. Unknown keys in the tables are errors.
import Foundation
import GPIODBackend
import PumpCore
import TOMLKit

/// How the configuration describes one sensor.
public enum GPIOSensorSetting: Sendable, Equatable {
    /// Not mentioned: the gpiod backend refuses to start.
    case unspecified
    /// Explicitly absent (`[gpio] encoder = "absent"`).
    case absent
    /// Fitted: the table's keys, numbers as Double and line references as String.
    case fitted(numbers: [String: Double], lines: [String: String], flags: [String: Bool])
}

/// The encoder and load-cell settings.
public struct GPIOSensorSettings: Sendable, Equatable {
    /// `[gpio.encoder]`.
    public var encoder: GPIOSensorSetting = .unspecified
    /// `[gpio.pressure]` (HX711 load cell).
    public var pressure: GPIOSensorSetting = .unspecified

    /// Creates the "nothing said" settings.
    public init() {}

    static let encoderLineKeys: Set<String> = ["a", "b"]
    static let encoderNumberKeys: Set<String> = ["counts_per_rev", "microsteps_per_rev", "tolerance_steps", "check_interval_ms", "glitch_limit"]
    static let encoderFlagKeys: Set<String> = ["inverted"]
    static let pressureLineKeys: Set<String> = ["sck", "dout"]
    static let pressureNumberKeys: Set<String> = ["tare_counts", "span_mmhg_per_count", "filter_samples", "silent_ms", "min_mmhg",
                                                  "max_mmhg", "bit_settle_us", "sck_high_limit_us"]

    /// Parses `[gpio] <name> = "absent"` or `[gpio.<name>]`.
    static func parse(_ value: TOMLValueConvertible, name: String, source: String,
                      lineKeys: Set<String>, numberKeys: Set<String>, flagKeys: Set<String> = []) throws(ConfigurationError) -> GPIOSensorSetting {
        if let text = value.string {
            guard text == "absent" else {
                throw ConfigurationError("\(source): gpio.\(name) must be \"absent\" or a [gpio.\(name)] table, not '\(text)'.")
            }
            return .absent
        }
        guard let table = value.table else {
            throw ConfigurationError("\(source): gpio.\(name) must be \"absent\" or a [gpio.\(name)] table.")
        }
        var numbers: [String: Double] = [:], lines: [String: String] = [:], flags: [String: Bool] = [:]
        for key in table.keys {
            guard let item = table[key] else { continue }
            if lineKeys.contains(key) {
                if let text = item.string { lines[key] = text } else if let offset = item.int {
                    let checked: Int = try ConfigurationNumbers.integer(Double(offset), key: "gpio.\(key)", source: source)
                    lines[key] = String(checked)
                } else { throw ConfigurationError("\(source): gpio.\(name).\(key) must be a line name or an offset.") }
            } else if numberKeys.contains(key) {
                if let d = item.double { numbers[key] = d } else if let i = item.int { numbers[key] = Double(i) } else {
                    throw ConfigurationError("\(source): gpio.\(name).\(key) must be a number.")
                }
                guard numbers[key]?.isFinite == true else { throw ConfigurationError("\(source): gpio.\(name).\(key) must be finite.") }
            } else if flagKeys.contains(key) {
                guard let flag = item.bool else { throw ConfigurationError("\(source): gpio.\(name).\(key) must be true or false.") }
                flags[key] = flag
            } else {
                let known = (lineKeys.union(numberKeys).union(flagKeys)).sorted().joined(separator: ", ")
                throw ConfigurationError("\(source): unknown key gpio.\(name).\(key); known: \(known).")
            }
        }
        return .fitted(numbers: numbers, lines: lines, flags: flags)
    }

    /// The sensors declared absent, by name, with the hazard each leaves without its mitigation.
    public var missing: [(sensor: String, hazard: String)] {
        var out: [(String, String)] = []
        if encoder == .absent {
            out.append(("encoder", "HAZ-005 stall or lost steps: commanded-vs-measured rotation is not checked"))
        }
        if pressure == .absent {
            out.append(("pressure", "HAZ-004 occlusion: no pressure trend and no measured back-off, only the occlusion switch"))
        }
        return out
    }

    /// The policy: throws when a sensor is neither configured nor declared absent.
    func checkPresence() throws(ConfigurationError) {
        if encoder == .unspecified {
            throw ConfigurationError("The gpiod backend needs a rotation encoder ([gpio.encoder] with a, b, counts_per_rev, microsteps_per_rev) or an explicit [gpio] encoder = \"absent\" (HAZ-005: stalls and lost steps then go undetected).")
        }
        if pressure == .unspecified {
            throw ConfigurationError("The gpiod backend needs a line-pressure sensor ([gpio.pressure] with sck, dout, span_mmhg_per_count) or an explicit [gpio] pressure = \"absent\" (HAZ-004: occlusion then relies on the pressure switch alone, without trend or measured back-off).")
        }
    }

    private static func ref(_ value: String) -> GPIOLineRef {
        UInt32(value).map(GPIOLineRef.offset) ?? .named(value)  // checked: failable parse of a string
    }

    private static func whole(_ value: Double, _ key: String) throws(ConfigurationError) -> Int64 {
        try ConfigurationNumbers.integer(value, key: key, source: "configuration", as: Int64.self)
    }

    /// The encoder configuration, or nil when absent.
    func encoderConfiguration() throws(ConfigurationError) -> EncoderConfiguration? {
        guard case .fitted(let numbers, let lines, let flags) = encoder else { return nil }
        guard let a = lines["a"], let b = lines["b"] else { throw ConfigurationError("[gpio.encoder] needs lines a and b.") }
        guard let counts = numbers["counts_per_rev"], let micro = numbers["microsteps_per_rev"] else {
            throw ConfigurationError("[gpio.encoder] needs counts_per_rev and microsteps_per_rev.")
        }
        var config = EncoderConfiguration(a: GPIOInputLine(Self.ref(a), bias: .asIs), b: GPIOInputLine(Self.ref(b), bias: .asIs),
                                          countsPerRev: counts, microstepsPerRev: micro)
        if let t = numbers["tolerance_steps"] { config.toleranceSteps = t }
        if let ms = numbers["check_interval_ms"] { config.checkInterval = .milliseconds(try Self.whole(ms, "gpio.encoder.check_interval_ms")) }
        if let g = numbers["glitch_limit"] {
            config.glitchLimit = try Self.whole(g, "gpio.encoder.glitch_limit")
        }
        if let inverted = flags["inverted"] { config.inverted = inverted }
        if let problem = config.problem { throw ConfigurationError("[gpio.encoder]: \(problem).") }
        return config
    }

    /// The load-cell configuration, or nil when absent.
    func pressureConfiguration() throws(ConfigurationError) -> HX711Configuration? {
        guard case .fitted(let numbers, let lines, _) = pressure else { return nil }
        guard let sck = lines["sck"], let dout = lines["dout"] else { throw ConfigurationError("[gpio.pressure] needs lines sck and dout.") }
        guard let span = numbers["span_mmhg_per_count"] else { throw ConfigurationError("[gpio.pressure] needs span_mmhg_per_count.") }
        var config = HX711Configuration(sck: GPIOOutputLine(Self.ref(sck)), dout: GPIOInputLine(Self.ref(dout), bias: .asIs),
                                        spanMMHgPerCount: span)
        if let tare = numbers["tare_counts"] { config.tareCounts = tare }
        if let n = numbers["filter_samples"] {
            config.filterLength = try ConfigurationNumbers.integer(n, key: "gpio.pressure.filter_samples", source: "configuration", as: Int.self)
        }
        if let ms = numbers["silent_ms"] { config.silentTimeout = .milliseconds(try Self.whole(ms, "gpio.pressure.silent_ms")) }
        let low = numbers["min_mmhg"] ?? config.validRange.lowerBound, high = numbers["max_mmhg"] ?? config.validRange.upperBound
        guard low < high else { throw ConfigurationError("[gpio.pressure]: min_mmhg must be below max_mmhg.") }
        config.validRange = low...high
        if let us = numbers["bit_settle_us"] { config.bitSettle = .microseconds(try Self.whole(us, "gpio.pressure.bit_settle_us")) }
        if let us = numbers["sck_high_limit_us"] { config.sckHighLimit = .microseconds(try Self.whole(us, "gpio.pressure.sck_high_limit_us")) }
        if let problem = config.problem { throw ConfigurationError("[gpio.pressure]: \(problem).") }
        return config
    }
}
