// A strict, lenient-on-numbers reader over TOMLKit tables.
//
// Why not TOMLKit's Codable decoder: it refuses to decode a TOML integer (`2`) into a Double, and it would
// silently ignore unknown keys. This reader accepts integer or float wherever a number is expected, rejects
// non-finite numbers, and makes every table declare its allowed keys so a misspelt limit is an error.
// Every failure is a `LibraryLoadError` naming the file and the full dotted key path.
import Foundation
import TOMLKit

struct TOMLReader {
    let table: TOMLTable
    let file: String
    let path: String

    /// Parses `url` as TOML.
    static func open(_ url: URL) throws -> TOMLReader {
        try parse(LibraryFile.read(url))
    }

    /// Parses the bytes of `file` as TOML (the bytes that were hashed and verified).
    static func parse(_ file: LibraryFile) throws -> TOMLReader {
        let name = file.name
        guard let text = String(data: file.data, encoding: .utf8) else {
            throw LibraryLoadError(.unreadable, file: name, key: nil, value: nil,
                message: "\(name) could not be read as UTF-8 text.")
        }
        do {
            return TOMLReader(table: try TOMLTable(string: text), file: name, path: "")
        } catch let error as TOMLParseError {
            throw LibraryLoadError(.syntax, file: name, key: nil, value: nil,
                message: "\(name): TOML syntax error at line \(error.source.begin.line), column \(error.source.begin.column): \(error.description.trimmingCharacters(in: CharacterSet(charactersIn: ". "))).")
        }
    }

    /// The file's `library_version` (a non-blank string), or nil when the key is absent.
    func libraryVersion() throws -> String? {
        guard let version = try optionalString("library_version") else { return nil }
        guard !version.trimmingCharacters(in: .whitespaces).isEmpty else {
            throw LibraryLoadError.invalid(file, keyPath("library_version"), "\"\(version)\"", "it must not be blank")
        }
        return version
    }

    /// The file's `library_version`, required.
    func requiredLibraryVersion() throws -> String {
        guard let version = try libraryVersion() else { throw missing("library_version") }
        return version
    }

    func keyPath(_ key: String) -> String { path.isEmpty ? key : "\(path).\(key)" }

    /// The same table reported under another path (e.g. by id once the id is known).
    func renamed(_ newPath: String) -> TOMLReader { TOMLReader(table: table, file: file, path: newPath) }

    func missing(_ key: String) -> LibraryLoadError {
        LibraryLoadError(.missingKey, file: file, key: keyPath(key), value: nil,
            message: "\(file): required key \(keyPath(key)) is missing.")
    }

    func wrongType(_ key: String, expected: String, found: TOMLValueConvertible) -> LibraryLoadError {
        LibraryLoadError(.wrongType, file: file, key: keyPath(key), value: found.debugDescription,
            message: "\(file): key \(keyPath(key)) must be \(expected) but is the \(found.type) \(found.debugDescription).")
    }

    func invalid(_ key: String, _ value: Double, _ why: String) -> LibraryLoadError {
        .invalid(file, keyPath(key), value.plainText, why)
    }

    /// Fails on any key not in `allowed`.
    func rejectUnknownKeys(_ allowed: Set<String>) throws {
        for key in table.keys where !allowed.contains(key) {
            throw LibraryLoadError(.unknownKey, file: file, key: keyPath(key), value: nil,
                message: "\(file): key \(keyPath(key)) is not a known key (allowed here: \(allowed.sorted().joined(separator: ", "))); check the spelling.")
        }
    }

    func has(_ key: String) -> Bool { table[key] != nil }

    func optionalNumber(_ key: String) throws -> Double? {
        guard let raw = table[key] else { return nil }
        let number: Double
        if let integer = raw.int {
            number = Double(integer)
        } else if let double = raw.double {
            number = double
        } else {
            throw wrongType(key, expected: "a number", found: raw)
        }
        guard number.isFinite else { throw invalid(key, number, "it must be a finite number") }
        return number
    }

    func number(_ key: String) throws -> Double {
        guard let value = try optionalNumber(key) else { throw missing(key) }
        return value
    }

    /// A number that must be greater than zero.
    func positive(_ key: String) throws -> Double {
        let value = try number(key)
        guard value > 0 else { throw invalid(key, value, "it must be greater than zero") }
        return value
    }

    func optionalString(_ key: String) throws -> String? {
        guard let raw = table[key] else { return nil }
        guard let text = raw.string else { throw wrongType(key, expected: "a string", found: raw) }
        return text
    }

    /// A required boolean.
    func bool(_ key: String) throws -> Bool {
        guard let raw = table[key] else { throw missing(key) }
        guard let flag = raw.bool else { throw wrongType(key, expected: "true or false", found: raw) }
        return flag
    }

    /// A string that must not be blank.
    func string(_ key: String) throws -> String {
        guard let text = try optionalString(key) else { throw missing(key) }
        guard !text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else {
            throw LibraryLoadError.invalid(file, keyPath(key), "\"\(text)\"", "it must not be blank")
        }
        return text
    }

    func optionalTable(_ key: String) throws -> TOMLReader? {
        guard let raw = table[key] else { return nil }
        guard let sub = raw.table else { throw wrongType(key, expected: "a table", found: raw) }
        return TOMLReader(table: sub, file: file, path: keyPath(key))
    }

    func table(_ key: String) throws -> TOMLReader {
        guard let sub = try optionalTable(key) else { throw missing(key) }
        return sub
    }

    /// An array of tables (`[[key]]`); `nil` when absent.
    func optionalTables(_ key: String) throws -> [TOMLReader]? {
        guard let raw = table[key] else { return nil }
        guard let array = raw.array else { throw wrongType(key, expected: "an array of tables", found: raw) }
        var readers: [TOMLReader] = []
        for index in 0..<array.count {
            let element = array[index]
            guard let sub = element.table else {
                throw wrongType("\(key)[\(index)]", expected: "a table", found: element)
            }
            readers.append(TOMLReader(table: sub, file: file, path: keyPath("\(key)[\(index)]")))
        }
        return readers
    }

    /// A non-empty array of tables.
    func tables(_ key: String) throws -> [TOMLReader] {
        guard let readers = try optionalTables(key) else { throw missing(key) }
        guard !readers.isEmpty else {
            throw LibraryLoadError.invalid(file, keyPath(key), "[]", "at least one entry is required")
        }
        return readers
    }
}

extension Double {
    /// The number as written in a file: no trailing zeros.
    var plainText: String {
        var text = String(format: "%.6f", self)
        while text.hasSuffix("0") { text.removeLast() }
        if text.hasSuffix(".") { text.removeLast() }
        return text
    }
}
