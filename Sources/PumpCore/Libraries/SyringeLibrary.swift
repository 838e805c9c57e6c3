// The syringe models the pump knows. A syringe not in the library cannot be used: its geometry would be a
// guess (HAZ-007).
import Foundation

/// The syringe models the pump may drive.
public struct SyringeLibrary: Sendable, Equatable {
    /// All syringes, in file order; identifiers are unique (validated on load).
    public var syringes: [SyringeSpec]

    /// Creates a library.
    public init(syringes: [SyringeSpec]) { self.syringes = syringes }

    /// The syringe with identifier `id`, if listed.
    public func syringe(id: String) -> SyringeSpec? { syringes.first { $0.id == id } }
}
