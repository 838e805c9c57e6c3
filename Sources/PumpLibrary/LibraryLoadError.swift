// Errors from loading the drug and syringe libraries. Each one names the file, the key and the bad value in
// one sentence, so the person fixing the file knows exactly what to change. A library that fails to load is
// not used at all (fail safe: no partial library).
import Foundation

/// Why a library file could not be loaded.
public struct LibraryLoadError: Error, Sendable, Equatable, CustomStringConvertible, LocalizedError {
    /// The kind of problem.
    public enum Kind: String, Sendable, Equatable {
        /// The file could not be read.
        case unreadable
        /// A bundled resource is missing from the build.
        case missingResource
        /// The file is not valid TOML.
        case syntax
        /// A required key is absent.
        case missingKey
        /// A key holds the wrong kind of value (e.g. a string where a number is needed).
        case wrongType
        /// A key the schema does not know (likely a misspelling).
        case unknownKey
        /// A value is out of range or inconsistent with another value.
        case invalidValue
        /// An identifier appears twice.
        case duplicateID
        /// A user file redefines a syringe already in the library (a silent geometry change, HAZ-007).
        case redefinedSyringe
        /// A calibration names a syringe that is not in the library.
        case unknownSyringe
        /// A calibration factor outside 0.90–1.10.
        case calibrationOutOfRange
    }

    /// The kind of problem.
    public let kind: Kind
    /// The file name (last path component).
    public let file: String
    /// The dotted key path, when the problem is at a key.
    public let key: String?
    /// The offending value as written, when there is one.
    public let value: String?
    /// One sentence naming the file, the key and the value.
    public let message: String

    /// Creates an error.
    public init(_ kind: Kind, file: String, key: String?, value: String?, message: String) {
        self.kind = kind
        self.file = file
        self.key = key
        self.value = value
        self.message = message
    }

    /// The one-sentence message.
    public var description: String { message }
    /// The one-sentence message (for `localizedDescription`).
    public var errorDescription: String? { message }

    static func invalid(_ file: String, _ key: String, _ value: String, _ why: String) -> LibraryLoadError {
        LibraryLoadError(.invalidValue, file: file, key: key, value: value, message: "\(file): key \(key) = \(value) is invalid: \(why).")
    }
}
