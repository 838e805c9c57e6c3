// A pure x4 quadrature decoder: every edge of A or B is one count.
//
// Algorithm: the state is the 2-bit Gray code (A, B). The forward sequence is 00 → 10 → 11 → 01 → 00 (A leads
// B); the reverse sequence is its mirror. Each new (A, B) sample is compared with the last one:
// - same state: nothing (a repeated sample, e.g. a poll that saw no change);
// - one bit changed: +1 or −1 count, by the table below;
// - both bits changed: an illegal transition (a missed edge, noise, a floating line). The count is NOT
//   changed (the direction is unknown) and `glitches` goes up by one; the state follows the sample, so the
//   decoder resynchronises at once.
// Invariants: `count` changes by at most one per sample; `glitches` never decreases; `edges` counts every
// sample that differed from the previous state (legal or not), so "edges but no net motion" is visible.
import Foundation

/// Decodes A/B samples into a signed position count.
public struct QuadratureDecoder: Sendable, Equatable {
    /// Net position in counts (positive = forward, A leads B).
    public private(set) var count: Int64 = 0
    /// Illegal transitions seen (both lines changed between two samples).
    public private(set) var glitches: Int64 = 0
    /// Samples that differed from the previous state.
    public private(set) var edges: Int64 = 0
    /// The last (A, B) state, bit 1 = A, bit 0 = B.
    public private(set) var state: UInt8

    /// Starts at the lines' current levels.
    public init(a: Bool, b: Bool) { state = Self.code(a, b) }

    private static func code(_ a: Bool, _ b: Bool) -> UInt8 { (a ? 2 : 0) | (b ? 1 : 0) }

    /// Forward successor of each Gray state (00→10→11→01→00), indexed by state.
    private static let forwardNext: [UInt8] = [0b10, 0b00, 0b11, 0b01]

    /// The result of one sample.
    public enum Step: Sendable, Equatable { case none, forward, reverse, glitch }

    /// Feeds the current levels of A and B. Returns what the transition was.
    @discardableResult
    public mutating func observe(a: Bool, b: Bool) -> Step {
        let next = Self.code(a, b)
        guard next != state else { return .none }
        defer { state = next }
        edges += 1
        if Self.forwardNext[Int(state)] == next {
            count += 1
            return .forward
        }
        if Self.forwardNext[Int(next)] == state {
            count -= 1
            return .reverse
        }
        glitches += 1
        return .glitch
    }
}
