// A stale binary must never pass the end-to-end suite: before a test runs pumpd, pumpctl, pump-bench or
// pump-library, the binary is compared with the sources it was linked from. SwiftPM writes, per product, the
// list of object files it linked (`<product>.product/Objects.LinkFileList`) and, per module, the map from each
// source file to its object (`<Module>.build/output-file-map.json`). A source of this package (not of a
// dependency checkout) that is newer than the binary means the binary was not rebuilt after an edit: the test
// fails with the command to rebuild. A binary with no link file list cannot be checked and fails as well.
import Foundation
import Testing

/// The freshness check of the executables the end-to-end tests run.
enum BinaryFreshness {
    private static let lock = NSLock()
    private nonisolated(unsafe) static var verdicts: [String: String?] = [:]

    /// Records a test issue (once per test that asks) when `binary` is older than one of its sources.
    static func require(_ binary: URL, sourceLocation: SourceLocation = #_sourceLocation) {
        let verdict = lock.withLock { () -> String? in
            if let known = verdicts[binary.path] { return known }
            let found = problem(with: binary)
            verdicts[binary.path] = found
            return found
        }
        if let verdict { Issue.record(Comment(rawValue: verdict), sourceLocation: sourceLocation) }
    }

    /// Why `binary` is stale or cannot be checked; nil when it is at least as new as every source it was built from.
    static func problem(with binary: URL) -> String? {
        let files = FileManager.default
        guard let built = modificationTime(binary.path) else {
            return "\(binary.path) does not exist: run `swift build` (or set PUMP_BIN_DIR to the build directory)"
        }
        let listURL = binary.deletingLastPathComponent()
            .appendingPathComponent("\(binary.lastPathComponent).product/Objects.LinkFileList")
        guard let list = try? String(contentsOf: listURL, encoding: .utf8) else {
            return "cannot check that \(binary.path) is fresh: \(listURL.path) is missing; rebuild with `swift build`"
        }
        var moduleDirectories = Set<String>()
        for line in list.split(separator: "\n") {
            let path = line.trimmingCharacters(in: CharacterSet(charactersIn: "'\" "))
            moduleDirectories.insert(URL(fileURLWithPath: path).deletingLastPathComponent().path)
        }
        var newest: (path: String, time: Date)?
        var checked = 0
        for directory in moduleDirectories {
            let mapURL = URL(fileURLWithPath: directory).appendingPathComponent("output-file-map.json")
            guard files.fileExists(atPath: mapURL.path), let data = try? Data(contentsOf: mapURL),
                  let map = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] else { continue }
            for source in map.keys where !source.isEmpty && !source.contains("/.build/") {
                guard let time = modificationTime(source) else { continue }
                checked += 1
                if newest.map({ time > $0.time }) ?? true { newest = (source, time) }
            }
        }
        guard checked > 0, let newest else {
            return "cannot check that \(binary.path) is fresh: no source of this package found in its link file list"
        }
        if newest.time > built {
            return "\(binary.lastPathComponent) is stale: \(newest.path) changed after \(binary.path) was built; run `swift build` first"
        }
        return nil
    }

    private static func modificationTime(_ path: String) -> Date? {
        (try? FileManager.default.attributesOfItem(atPath: path))?[.modificationDate] as? Date
    }
}
