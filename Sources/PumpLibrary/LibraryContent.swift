// What kind of library a file is, and whether its content loads: `pump-library sign` refuses to sign a file that
// would not load, and `verify` reports the version. A file with [[drugs]] (or schema_version) is a drug library;
// any other is a syringe file (base library, user additions or calibration factors), validated on its own and,
// when it calibrates syringes it does not define, against the bundled syringe library.
import Foundation
import PumpCore

/// The two kinds of library file.
public enum LibraryKind: String, Sendable, Codable {
    /// A drug library (`drug-library.toml` schema).
    case drug
    /// A syringe library, user syringe file or calibration file (`syringes.toml` schema).
    case syringe
}

/// Content checks independent of pumpd's configuration.
public enum LibraryContent {
    /// Loads `file` as what it looks like; returns its kind and `library_version`.
    /// - Throws: `LibraryLoadError` naming the file, the key and the value.
    public static func validate(_ file: LibraryFile) throws -> (kind: LibraryKind, version: String?) {
        let root = try TOMLReader.parse(file)
        if root.has("drugs") || root.has("schema_version") {
            return (.drug, try DrugLibraryLoader.load(file).version)
        }
        let document = try SyringeDocument.read(file)
        do {
            _ = try document.apply(to: SyringeLibrary(syringes: []))
        } catch let error as LibraryLoadError where error.kind == .unknownSyringe {
            _ = try document.apply(to: try SyringeLibraryLoader.bundled())
        }
        return (.syringe, document.version)
    }
}
