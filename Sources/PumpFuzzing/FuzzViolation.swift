// A broken invariant found by the fuzz target: the input that caused it is a finding.
import Foundation

/// One invariant of the request path that an input broke.
public struct FuzzViolation: Error, Sendable, Equatable, CustomStringConvertible {
    /// Which invariant, as a short stable name (e.g. `refused-command-changed-state`).
    public var invariant: String
    /// What was seen: the line, the reply and the states involved.
    public var detail: String

    /// Creates a violation.
    public init(_ invariant: String, _ detail: String) {
        self.invariant = invariant
        self.detail = detail
    }

    public var description: String { "\(invariant): \(detail)" }
}
