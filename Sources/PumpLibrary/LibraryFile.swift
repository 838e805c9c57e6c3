// One library file read into memory ONCE: the bytes that are hashed, the bytes whose signature is checked and
// the bytes that are parsed are the same bytes (a file rewritten between a hash and a parse cannot slip
// through). `LibraryFingerprint` names the file; the loaders read its `library_version`.
import Foundation

/// The exact bytes of one library file and their SHA-256.
public struct LibraryFile: Sendable, Equatable {
    /// The path the file was read from.
    public let path: String
    /// The exact bytes read.
    public let data: Data
    /// Lowercase hexadecimal SHA-256 of `data`.
    public let sha256: String

    /// The file name (last path component), as error messages name it.
    public var name: String { URL(fileURLWithPath: path).lastPathComponent }

    /// Wraps bytes already in memory (tests, tools).
    public init(path: String, data: Data) {
        self.path = path
        self.data = data
        sha256 = LibraryFingerprint.sha256Hex(data)
    }

    /// Reads the file at `url`.
    /// - Throws: `LibraryLoadError` (`.unreadable`) naming the file.
    public static func read(_ url: URL) throws -> LibraryFile {
        do {
            return LibraryFile(path: url.path, data: try Data(contentsOf: url))
        } catch {
            throw LibraryLoadError(.unreadable, file: url.lastPathComponent, key: nil, value: nil,
                message: "\(url.lastPathComponent) could not be read: \(error.localizedDescription)")
        }
    }
}
