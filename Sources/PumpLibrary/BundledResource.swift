// Where the shipped drug and syringe libraries (drug-library.toml, syringes.toml) are found.
//
// Order, first existing file wins:
//  1. the installed data directory `<prefix>/share/pumpd/<name>.toml`, where `<prefix>` is the parent of the
//     directory holding the running executable (symlinks resolved): the Debian package installs pumpd in
//     /usr/bin and the libraries in /usr/share/pumpd (scripts/build-deb.sh), and an install under /usr/local
//     or a `dpkg --root` scratch tree works the same way;
//  2. SwiftPM's resource bundle (`swift build` trees and the tests).
// The installed directory is checked first so that an installed pumpd never reads a library from some build
// tree that happens to exist on the machine (SwiftPM's accessor falls back to the absolute build path it was
// compiled in). The bundle is only touched when no installed file exists.
import Foundation

/// Locates the data files shipped with the software.
enum BundledResource {
    /// The installed data directory for an executable at `executable`: `<prefix>/share/pumpd`.
    static func installedDirectory(forExecutable executable: URL) -> URL {
        executable.resolvingSymlinksInPath().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("share").appendingPathComponent("pumpd")
    }

    /// The file `<name>.toml`: from the installed data directory of `executable` (default: the running
    /// program) when it is there, else from the resource bundle.
    static func url(_ name: String, executable: URL? = Bundle.main.executableURL) throws -> URL {
        if let executable {
            let installed = installedDirectory(forExecutable: executable).appendingPathComponent("\(name).toml")
            if FileManager.default.isReadableFile(atPath: installed.path) { return installed }
        }
        guard let url = Bundle.module.url(forResource: name, withExtension: "toml", subdirectory: "Data") else {
            let place = executable.map { installedDirectory(forExecutable: $0).path } ?? "<prefix>/share/pumpd"
            throw LibraryLoadError(.missingResource, file: "\(name).toml", key: nil, value: nil,
                message: "\(name).toml is missing: it is neither installed in \(place) nor in the PumpLibrary resource bundle (Data/\(name).toml).")
        }
        return url
    }
}
