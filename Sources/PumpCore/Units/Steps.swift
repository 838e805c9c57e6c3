// Motor steps (microsteps) as an exact integer count. Volumes become steps only through
// `SyringeGeometry.steps(forVolume:)`, which rounds DOWN (toward less drug).
import Foundation

/// A whole number of motor microsteps. Exact; never fractional.
public struct Steps: Sendable, Hashable, Comparable, Codable, CustomStringConvertible {
    /// The count of microsteps (negative means retraction).
    public var count: Int64

    /// Creates a step count.
    public init(_ count: Int64) { self.count = count }

    /// No steps.
    public static let zero = Steps(0)

    public static func < (lhs: Steps, rhs: Steps) -> Bool { lhs.count < rhs.count }
    public static func + (lhs: Steps, rhs: Steps) -> Steps { Steps(lhs.count + rhs.count) }
    public static func - (lhs: Steps, rhs: Steps) -> Steps { Steps(lhs.count - rhs.count) }
    public static func += (lhs: inout Steps, rhs: Steps) { lhs.count += rhs.count }
    public static func -= (lhs: inout Steps, rhs: Steps) { lhs.count -= rhs.count }

    public init(from decoder: Decoder) throws { count = try decoder.singleValueContainer().decode(Int64.self) }
    public func encode(to encoder: Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(count)
    }

    public var description: String { "\(count) steps" }
}

/// A step rate in microsteps per second, used only between the planner and the step emitter.
public struct StepsPerSecond: Sendable, Hashable, Comparable, Codable, CustomStringConvertible {
    /// Microsteps per second; never negative.
    public var value: Double
    /// Creates a step rate.
    public init(_ value: Double) { self.value = value }
    /// Standstill.
    public static let zero = StepsPerSecond(0)
    public static func < (lhs: StepsPerSecond, rhs: StepsPerSecond) -> Bool { lhs.value < rhs.value }
    public var description: String { "\(Quantity<MilliliterUnit>.format(value)) steps/s" }
}
