// The shipped libraries' locations for callers that read the bytes themselves (pumpd hashes, verifies and parses
// one copy of the bytes): the same lookup `DrugLibraryLoader.bundled()` and `SyringeLibraryLoader.bundled()` use.
import Foundation

/// The locations of the libraries shipped with the software (for callers that read the bytes themselves).
public enum BundledLibrary {
    /// The shipped `<name>.toml` (`drug-library` or `syringes`).
    public static func url(_ name: String) throws -> URL { try BundledResource.url(name) }
}
