// Loads and validates the syringe library (Data/syringes.toml) and user extensions to it.
//
// File schema: `library_version` (a non-blank string; required in the base library, optional in a user file),
// any number of [[syringes]] tables (id, brand, nominal_volume_ml, inner_diameter_mm,
// dead_space_ml, calibration_factor), and an optional [calibration] table of `id = factor`.
//
// Validation (HAZ-007, a wrong geometry is a wrong dose):
//  - ids unique and not blank; brand not blank; nominal volume > 0; 0 ≤ dead space < nominal volume;
//  - inner diameter > 0, and the plunger travel it implies for the nominal volume must lie in 20–150 mm
//    (every real 1–60 mL syringe needs 50–110 mm), which catches a diameter in cm or a slipped decimal;
//  - calibration factors only within 0.90–1.10;
//  - a user file may ADD syringes but never redefine an existing id: a silent geometry change is refused. Ids
//    are compared normalised (IdentifierKey: NFKC, trimmed, case-folded), so `BD-50` or ` bd-50 ` cannot shadow
//    the bundled `bd-50`.
import Foundation
import PumpCore

/// Reads the syringe library from TOML.
public enum SyringeLibraryLoader {
    /// Accepted range of calibration factors (delivered ÷ nominal volume).
    public static let calibrationRange: ClosedRange<Double> = 0.90...1.10
    /// Plausible plunger travel (mm) for the nominal volume.
    public static let plausibleStroke: ClosedRange<Double> = 20...150

    /// Loads and validates the library at `url`; it must list at least one syringe.
    public static func load(from url: URL) throws -> SyringeLibrary {
        try load(LibraryFile.read(url)).library
    }

    /// Loads and validates a base library from the bytes of `file`; it must carry `library_version` and list at
    /// least one syringe.
    public static func load(_ file: LibraryFile) throws -> (library: SyringeLibrary, version: String) {
        let document = try SyringeDocument.read(file)
        guard !document.syringes.isEmpty else {
            throw LibraryLoadError(.missingKey, file: document.file, key: "syringes", value: nil,
                message: "\(document.file): required key syringes is missing; list at least one [[syringes]] entry.")
        }
        let library = try document.apply(to: SyringeLibrary(syringes: []))
        guard let version = document.version else { throw document.root.missing("library_version") }
        return (library, version)
    }

    /// Loads the library shipped with the software.
    public static func bundled() throws -> SyringeLibrary {
        try load(from: BundledResource.url("syringes"))
    }
}

extension SyringeLibrary {
    /// This library extended by the user file at `url`: its new syringes are added, its [calibration]
    /// factors applied. Redefining an existing id, or calibrating an unknown one, is an error.
    public func merging(userFileAt url: URL) throws -> SyringeLibrary {
        try merging(LibraryFile.read(url)).library
    }

    /// This library extended by the user file's bytes; returns it with the file's `library_version` (optional in
    /// a user file).
    public func merging(_ file: LibraryFile) throws -> (library: SyringeLibrary, version: String?) {
        let document = try SyringeDocument.read(file)
        return (try document.apply(to: self), document.version)
    }
}

/// One parsed syringe file, before it is applied to a library.
struct SyringeDocument {
    let root: TOMLReader
    let file: String
    let version: String?
    let syringes: [(spec: SyringeSpec, reader: TOMLReader)]
    let calibration: TOMLReader?

    static func read(_ file: LibraryFile) throws -> SyringeDocument {
        let root = try TOMLReader.parse(file)
        try root.rejectUnknownKeys(["library_version", "syringes", "calibration"])
        let entries = try root.optionalTables("syringes") ?? []
        return SyringeDocument(root: root, file: root.file, version: try root.libraryVersion(),
                               syringes: try entries.map { (try $0.syringeSpec(), $0) },
                               calibration: try root.optionalTable("calibration"))
    }

    /// Adds the syringes to `library`, then applies the calibration factors.
    func apply(to library: SyringeLibrary) throws -> SyringeLibrary {
        var result = library
        for (spec, reader) in syringes {
            let key = reader.keyPath("id")
            if let shadowed = library.syringe(id: spec.id) {
                let sameText = shadowed.id == spec.id
                throw LibraryLoadError(.redefinedSyringe, file: file, key: key, value: spec.id,
                    message: sameText
                        ? "\(file): key \(key) = \"\(spec.id)\" redefines a syringe already in the library; geometry may not be changed silently, so add it under a new id."
                        : "\(file): key \(key) = \"\(spec.id)\" is the same id as the syringe \"\(shadowed.id)\" already in the library once case and whitespace are ignored; a user syringe may not shadow it, so add it under a new id.")
            }
            if result.syringe(id: spec.id) != nil {
                throw LibraryLoadError(.duplicateID, file: file, key: key, value: spec.id,
                    message: "\(file): key \(key) = \"\(spec.id)\" duplicates an earlier syringe id in the same file.")
            }
            result.syringes.append(spec)
        }
        guard let calibration else { return result }
        for id in calibration.table.keys {
            let key = calibration.keyPath(id)
            guard let index = result.syringes.firstIndex(where: { IdentifierKey.same($0.id, id) }) else {
                throw LibraryLoadError(.unknownSyringe, file: file, key: key, value: id,
                    message: "\(file): key \(key) calibrates syringe \"\(id)\", which is not in the library (known: \(result.syringes.map(\.id).joined(separator: ", "))).")
            }
            let factor = try calibration.number(id)
            guard SyringeLibraryLoader.calibrationRange.contains(factor) else {
                throw LibraryLoadError(.calibrationOutOfRange, file: file, key: key, value: factor.plainText,
                    message: "\(file): key \(key) = \(factor.plainText) is outside the accepted calibration range 0.9 to 1.1.")
            }
            result.syringes[index].calibrationFactor = factor
        }
        return result
    }
}

extension TOMLReader {
    /// Reads and validates one [[syringes]] table.
    func syringeSpec() throws -> SyringeSpec {
        try rejectUnknownKeys(["id", "brand", "nominal_volume_ml", "inner_diameter_mm", "dead_space_ml", "calibration_factor"])
        let id = try string("id")
        if let problem = IdentifierKey.formatViolation(id, field: "syringe id") {
            throw LibraryLoadError(.invalidValue, file: file, key: keyPath("id"), value: id, message: "\(file): key \(keyPath("id")): \(problem)")
        }
        let nominal = try positive("nominal_volume_ml")
        let diameter = try positive("inner_diameter_mm")
        let stroke = nominal * 1000 / (Double.pi * diameter * diameter / 4)
        guard SyringeLibraryLoader.plausibleStroke.contains(stroke) else {
            throw invalid("inner_diameter_mm", diameter,
                "for \(nominal.plainText) mL it implies \(stroke.rounded().plainText) mm of plunger travel, outside the plausible 20 to 150 mm (is the diameter in mm?)")
        }
        let deadSpace = try number("dead_space_ml")
        guard deadSpace >= 0 else { throw invalid("dead_space_ml", deadSpace, "it must not be negative") }
        guard deadSpace < nominal else {
            throw invalid("dead_space_ml", deadSpace, "it must be less than nominal_volume_ml = \(nominal.plainText)")
        }
        let factor = try number("calibration_factor")
        guard SyringeLibraryLoader.calibrationRange.contains(factor) else {
            throw LibraryLoadError(.calibrationOutOfRange, file: file, key: keyPath("calibration_factor"), value: factor.plainText,
                message: "\(file): key \(keyPath("calibration_factor")) = \(factor.plainText) is outside the accepted calibration range 0.9 to 1.1.")
        }
        return SyringeSpec(id: id, brand: try string("brand"), nominalVolume: Milliliters(nominal),
                           innerDiameter: Millimeters(diameter), deadSpace: Milliliters(deadSpace), calibrationFactor: factor)
    }
}
