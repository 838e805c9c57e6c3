// Every number in pumpd's configuration (pumpd.toml keys and numeric flags) goes through this one checked route:
// finite, inside its key's plausible range, and a whole number where the setting is an integer, all BEFORE any
// conversion to an integer type. NaN, ±inf, 1e20 or 50.9 for an integer key is a sentence naming the key, the
// value and the allowed range, never a trap in Int(_:) (which would end the process with SIGILL).
import Foundation

/// The allowed values of one numeric configuration key.
public struct NumericRange: Sendable, Equatable {
    /// The smallest allowed value (or the bound just below it when `lowerExclusive`).
    public let lower: Double
    /// The largest allowed value.
    public let upper: Double
    /// Whether `lower` itself is excluded (a volume must be above 0).
    public let lowerExclusive: Bool
    /// Whether only whole numbers are allowed (the setting is an integer).
    public let integral: Bool

    /// A range of real numbers.
    public static func real(_ lower: Double, _ upper: Double, lowerExclusive: Bool = false) -> NumericRange {
        NumericRange(lower: lower, upper: upper, lowerExclusive: lowerExclusive, integral: false)
    }

    /// A range of whole numbers.
    public static func integer(_ lower: Int, _ upper: Int) -> NumericRange {
        NumericRange(lower: Double(lower), upper: Double(upper), lowerExclusive: false, integral: true)
    }

    /// Whether `value` is allowed (NaN and ±inf never are).
    public func contains(_ value: Double) -> Bool {
        guard value.isFinite, value <= upper, lowerExclusive ? value > lower : value >= lower else { return false }
        return !integral || value.rounded(.towardZero) == value
    }

    /// "between 10 and 200", "an integer between 1 and 99", "above 0 and at most 100".
    public var sentence: String {
        let low = ConfigurationNumbers.format(lower), high = ConfigurationNumbers.format(upper)
        if integral { return "an integer between \(low) and \(high)" }
        return lowerExclusive ? "above \(low) and at most \(high)" : "between \(low) and \(high)"
    }
}

/// The checked route from a configuration number to the value a setting holds.
public enum ConfigurationNumbers {
    /// The allowed range of every numeric pumpd.toml key (the same key names as the file).
    public static let ranges: [String: NumericRange] = [
        "sim_speed": .real(1, SimulatorSpeed.maximum),
        "sim_fill_ml": .real(0, 100, lowerExclusive: true),
        "repeat_session_window_h": .real(0, 168),
        "control_period_ms": .integer(10, 200),
        "occlusion_pressure_mmhg": .real(50, 1034),
        "back_off_volume_ml": .real(0, 2, lowerExclusive: true),
        "realtime_priority": .integer(1, 99),
        "vitals_stale_min": .real(0, 120, lowerExclusive: true),
        "sim_vitals_interval_s": .real(10, 3600),
        "alarm_audio_pause_s": .real(1, 300),
        "alarm_escalation_min": .real(0, 60, lowerExclusive: true),
        "double_check_timeout_min": .real(0, 120, lowerExclusive: true),
        "syringe_near_empty_min": .real(0, 60),
        "syringe_near_empty_ml": .real(0, 20),
        "syringe_empty_margin_ml": .real(0, 5),
        "gpio": .integer(0, 65_535),
        "gpio.encoder.check_interval_ms": .integer(10, 1000),
        "gpio.encoder.glitch_limit": .integer(0, 1000),
        "gpio.pressure.filter_samples": .integer(1, 32),
        "gpio.pressure.silent_ms": .integer(150, 5000),
        "gpio.pressure.bit_settle_us": .integer(0, 10_000),
        "gpio.pressure.sck_high_limit_us": .integer(1, 50),
    ]

    /// Returns `value` if it is allowed for `key`, else throws one sentence naming key, value and range.
    /// - Parameter source: the file the value came from (nil: a flag or a setting made in code).
    public static func checked(_ value: Double, key: String, source: String? = nil) throws(ConfigurationError) -> Double {
        guard let range = range(for: key) else {
            throw ConfigurationError("\(source.map { "\($0): " } ?? "")\(key) is not a numeric setting.")
        }
        guard range.contains(value) else {
            throw ConfigurationError("\(source.map { "\($0): " } ?? "")\(key) must be \(range.sentence), not \(format(value)).")
        }
        return value
    }

    /// Checks `value` for an integer `key` and only then converts it (the range fits `T`, so this cannot trap).
    public static func integer<T: FixedWidthInteger>(_ value: Double, key: String, source: String? = nil,
                                                    as type: T.Type = T.self) throws(ConfigurationError) -> T {
        let allowed = try checked(value, key: key, source: source)
        guard let range = range(for: key), range.integral, let converted = T(exactly: allowed) else {
            throw ConfigurationError("\(source.map { "\($0): " } ?? "")\(key) must be a whole number, not \(format(value)).")
        }
        return converted
    }

    /// The range of `key`; a table entry such as `gpio.step` takes its table's range.
    static func range(for key: String) -> NumericRange? {
        ranges[key] ?? key.split(separator: ".").first.flatMap { ranges[String($0)] }
    }

    /// A short rendering of a configuration number: whole numbers without a fraction, huge ones in exponent
    /// form (never a 300-digit echo), NaN and infinities by name.
    static func format(_ value: Double) -> String {
        if value.isNaN { return "nan" }
        if value.isInfinite { return value > 0 ? "inf" : "-inf" }
        if value.rounded(.towardZero) == value, abs(value) < 1e15 { return String(Int64(value)) }  // checked: whole and below 1e15, tested on the same line
        if abs(value) >= 1e15 || abs(value) < 1e-6 { return String(format: "%.6g", value) }
        return "\(value)"
    }
}
