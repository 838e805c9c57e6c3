// The shipped libraries are found in an installed tree (<prefix>/share/pumpd next to <prefix>/bin, as the
// Debian package lays them out) before the SwiftPM resource bundle, so an installed pumpd reads the files
// installed with it.
import Foundation
@testable import PumpLibrary
import Testing

@Suite struct InstalledLibraryPathTests {
    /// A scratch <prefix> with bin/pumpd (a symlink to test resolution) and share/pumpd/<files>.
    private func makePrefix(files: [String: String]) throws -> (prefix: URL, executable: URL) {
        let prefix = FileManager.default.temporaryDirectory.appendingPathComponent("pumpd-prefix-\(UUID().uuidString)")
        let bin = prefix.appendingPathComponent("usr/bin"), share = prefix.appendingPathComponent("usr/share/pumpd")
        try FileManager.default.createDirectory(at: bin, withIntermediateDirectories: true)
        try FileManager.default.createDirectory(at: share, withIntermediateDirectories: true)
        let real = bin.appendingPathComponent("pumpd")
        try Data().write(to: real)
        let link = prefix.appendingPathComponent("pumpd-link")
        try FileManager.default.createSymbolicLink(at: link, withDestinationURL: real)
        for (name, text) in files { try text.write(to: share.appendingPathComponent(name), atomically: true, encoding: .utf8) }
        return (prefix, link)
    }

    @Test func installedSyringeLibraryWinsOverTheBundle() throws {
        let bundled = try String(contentsOf: try BundledResource.url("syringes", executable: nil), encoding: .utf8)
        let onlyOne = """
            library_version = "installed-test-1"
            [[syringes]]
            id = "installed-only"
            brand = "Installed"
            nominal_volume_ml = 10
            inner_diameter_mm = 14.5
            dead_space_ml = 0.1
            calibration_factor = 1.0
            """
        let (prefix, executable) = try makePrefix(files: ["syringes.toml": onlyOne])
        defer { try? FileManager.default.removeItem(at: prefix) }
        let url = try BundledResource.url("syringes", executable: executable)
        #expect(url.resolvingSymlinksInPath().path == prefix.appendingPathComponent("usr/share/pumpd/syringes.toml").resolvingSymlinksInPath().path)
        let library = try SyringeLibraryLoader.load(from: url)
        #expect(library.syringe(id: "installed-only") != nil)
        #expect(library.syringe(id: "bd-50") == nil)
        #expect(bundled.contains("bd-50"))
    }

    @Test func withoutAnInstalledFileTheBundleIsUsed() throws {
        let (prefix, executable) = try makePrefix(files: [:])
        defer { try? FileManager.default.removeItem(at: prefix) }
        let url = try BundledResource.url("drug-library", executable: executable)
        #expect(!url.path.hasPrefix(prefix.path))
        #expect(try DrugLibraryLoader.load(from: url).drugs.isEmpty == false)
    }
}
