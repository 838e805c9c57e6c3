// The stale-binary check itself, on a made-up build directory: a source newer than the binary fails it, an
// up-to-date binary passes, and a binary without its link file list cannot pass.
import Foundation
import Testing

@Suite("End-to-end binary freshness")
struct BinaryFreshnessTests {
    @Test("A binary older than one of its sources is reported stale; rebuilt (newer) it passes; unlisted it fails")
    func staleBinaryIsCaught() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("freshness-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: root) }
        let files = FileManager.default
        for directory in ["bin/tool.product", "bin/Mod.build", "src"] {
            try files.createDirectory(at: root.appendingPathComponent(directory), withIntermediateDirectories: true)
        }
        let binary = root.appendingPathComponent("bin/tool")
        let source = root.appendingPathComponent("src/a.swift")
        let object = root.appendingPathComponent("bin/Mod.build/a.swift.o")
        try Data("x".utf8).write(to: binary)
        try Data("let a = 1".utf8).write(to: source)
        try Data("'\(object.path)'\n".utf8).write(to: root.appendingPathComponent("bin/tool.product/Objects.LinkFileList"))
        let map = [source.path: ["object": object.path]]
        try JSONSerialization.data(withJSONObject: map).write(to: root.appendingPathComponent("bin/Mod.build/output-file-map.json"))
        let old = Date(timeIntervalSince1970: 1_700_000_000)
        let new = Date(timeIntervalSince1970: 1_700_000_100)
        try files.setAttributes([.modificationDate: old], ofItemAtPath: binary.path)
        try files.setAttributes([.modificationDate: new], ofItemAtPath: source.path)
        let stale = try #require(BinaryFreshness.problem(with: binary))
        #expect(stale.contains("stale") && stale.contains("a.swift"))
        try files.setAttributes([.modificationDate: new.addingTimeInterval(1)], ofItemAtPath: binary.path)
        #expect(BinaryFreshness.problem(with: binary) == nil)
        try files.removeItem(at: root.appendingPathComponent("bin/tool.product/Objects.LinkFileList"))
        #expect(BinaryFreshness.problem(with: binary) != nil)
        #expect(BinaryFreshness.problem(with: root.appendingPathComponent("bin/missing")) != nil)
    }
}
