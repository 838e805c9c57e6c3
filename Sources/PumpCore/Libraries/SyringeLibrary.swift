// The syringe models the pump knows. A syringe not in the library cannot be used: its geometry would be a
// guess (HAZ-007).
import Foundation

/// The syringe models the pump may drive.
public struct SyringeLibrary: Sendable, Equatable {
    /// All syringes, in file order; identifiers are unique (validated on load).
    public var syringes: [SyringeSpec]

    /// Creates a library.
    public init(syringes: [SyringeSpec]) { self.syringes = syringes }

    /// The syringe with identifier `id`, if listed; ids are compared normalised (`IdentifierKey`), so case and
    /// surrounding whitespace do not matter.
    public func syringe(id: String) -> SyringeSpec? {
        let key = IdentifierKey.normalized(id)
        return syringes.first { IdentifierKey.normalized($0.id) == key }
    }
}
