// Typed physical quantities.
//
// Every clinically meaningful number in the pump is a `Quantity<Unit>`: the unit is part of the type, so a
// mg value cannot be passed where mL is expected and "41.7 vs 4.17 mL/h" style unit mix-ups do not compile.
// Only dimensionally meaningful operations exist: same-unit addition and comparison, scaling by a plain
// factor, and the explicit cross-unit products and quotients in `QuantityAlgebra.swift`.
//
// Values are stored as Double in the unit named by the type. Where a quantity becomes something physical
// (motor steps), conversion rounds toward LESS drug: see `SyringeGeometry` and `Steps`.
import Foundation

/// A unit tag: a type with no values that names a unit and its symbol.
public protocol PhysicalUnit: Sendable {
    /// Symbol used when the quantity is shown to a person ("mg", "mL/h").
    static var symbol: String { get }
}

/// A value measured in `Unit`.
public struct Quantity<Unit: PhysicalUnit>: Sendable, Hashable, Comparable, Codable, CustomStringConvertible {
    /// The magnitude, in the unit named by `Unit`.
    public var value: Double

    /// Creates a quantity of `value` units.
    public init(_ value: Double) { self.value = value }

    /// Zero of this unit.
    public static var zero: Quantity { Quantity(0) }

    /// True when the value is a finite number (not NaN or infinity).
    public var isFinite: Bool { value.isFinite }

    public static func < (lhs: Quantity, rhs: Quantity) -> Bool { lhs.value < rhs.value }
    public static func + (lhs: Quantity, rhs: Quantity) -> Quantity { Quantity(lhs.value + rhs.value) }
    public static func - (lhs: Quantity, rhs: Quantity) -> Quantity { Quantity(lhs.value - rhs.value) }
    public static func += (lhs: inout Quantity, rhs: Quantity) { lhs.value += rhs.value }
    public static func -= (lhs: inout Quantity, rhs: Quantity) { lhs.value -= rhs.value }
    /// Scales by a dimensionless factor.
    public static func * (lhs: Quantity, rhs: Double) -> Quantity { Quantity(lhs.value * rhs) }
    /// Scales by a dimensionless factor.
    public static func * (lhs: Double, rhs: Quantity) -> Quantity { Quantity(lhs * rhs.value) }
    /// Divides by a dimensionless factor.
    public static func / (lhs: Quantity, rhs: Double) -> Quantity { Quantity(lhs.value / rhs) }
    /// The dimensionless ratio of two quantities of the same unit.
    public static func / (lhs: Quantity, rhs: Quantity) -> Double { lhs.value / rhs.value }

    public init(from decoder: Decoder) throws {
        value = try decoder.singleValueContainer().decode(Double.self)
    }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(value)
    }

    /// The value with its unit symbol, e.g. "52.5 mL/h".
    public var description: String { "\(Quantity.format(value)) \(Unit.symbol)" }

    /// Formats with up to `maxFractionDigits` decimals, trailing zeros removed, '.' as separator.
    public func formatted(maxFractionDigits: Int = 3) -> String {
        "\(Quantity.format(value, maxFractionDigits: maxFractionDigits)) \(Unit.symbol)"
    }

    static func format(_ value: Double, maxFractionDigits: Int = 4) -> String {
        // A typo such as 1e300 is echoed as "1e+300", not as a 300-digit number.
        guard value.isFinite else { return value.isNaN ? "not a number" : (value > 0 ? "infinite" : "minus infinite") }
        if abs(value) >= 1e9 { return String(format: "%.4g", value) }
        var text = String(format: "%.\(maxFractionDigits)f", value)
        if text.contains(".") {
            while text.hasSuffix("0") { text.removeLast() }
            if text.hasSuffix(".") { text.removeLast() }
        }
        return text == "-0" ? "0" : text
    }
}

/// The smaller of two quantities (used to combine independent caps).
public func min<U>(_ a: Quantity<U>, _ b: Quantity<U>) -> Quantity<U> { a.value <= b.value ? a : b }
/// The larger of two quantities.
public func max<U>(_ a: Quantity<U>, _ b: Quantity<U>) -> Quantity<U> { a.value >= b.value ? a : b }
