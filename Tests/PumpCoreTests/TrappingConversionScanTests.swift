// Safety kernel v2 item 4: no conversion in the request path can trap. Every Double → integer conversion in the
// modules a request's numbers reach goes through `CheckedConversion`; an integer initialiser left in those modules
// must be a labelled non-trapping one (exactly:, clamping:, truncatingIfNeeded:, bitPattern:) or carry a
// `// checked:` reason on its line (a widening, a string parse, a C constant). A new bare `Int64(x)` fails here.
import Foundation
import PumpCore
import Testing

@Suite("No trapping conversion in the request path")
struct TrappingConversionScanTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let directories = ["Sources/PumpCore", "Sources/PumpControl", "Sources/PumpDaemon", "Sources/PumpLibrary",
                              "Sources/PumpProtocol/Wire", "Sources/PumpProtocol/Codec",
                              "Sources/PumpHL7", "Sources/PumpHL7Bridge"]

    @Test("HAZ-009: every integer initialiser in the request path is checked or labelled non-trapping")
    func noBareIntegerConversion() throws {
        let pattern = try Regex(#"\b(U?Int(8|16|32|64)?)\((?!\s*(exactly|clamping|truncatingIfNeeded|bitPattern|ascii)\s*:)"#)
        var scanned = 0
        for directory in Self.directories {
            let files = FileManager.default.enumerator(at: Self.root.appendingPathComponent(directory), includingPropertiesForKeys: nil)
            while let url = files?.nextObject() as? URL {
                guard url.pathExtension == "swift" else { continue }
                scanned += 1
                let lines = try String(contentsOf: url, encoding: .utf8).split(separator: "\n", omittingEmptySubsequences: false)
                for (index, line) in lines.enumerated() {
                    let text = line.trimmingCharacters(in: .whitespaces)
                    if text.hasPrefix("//") || line.contains("// checked:") { continue }
                    let code = line.components(separatedBy: "//").first ?? ""
                    #expect(!code.contains(pattern), "\(url.lastPathComponent):\(index + 1): \(text)")
                }
            }
        }
        #expect(scanned > 50, "the scan found the sources")
    }

    @Test("HAZ-009: the checked conversions saturate instead of trapping, toward less drug")
    func saturates() {
        #expect(CheckedConversion.saturating(.nan, .down) == 0)
        #expect(CheckedConversion.saturating(.infinity, .down) == CheckedConversion.maxCount)
        #expect(CheckedConversion.saturating(-.infinity, .down) == -CheckedConversion.maxCount)
        #expect(CheckedConversion.saturating(1e308, .down) == CheckedConversion.maxCount)
        #expect(CheckedConversion.saturating(2.9, .down) == 2)
        #expect(CheckedConversion.exactly(1e300, .down) == nil)
        #expect(CheckedConversion.exactly(12.5, .down) == 12)
        let huge = MonotonicDuration.seconds(1e300)
        #expect(huge.nanoseconds == CheckedConversion.maxNanoseconds)
        #expect((MonotonicInstant.origin + huge + huge).nanoseconds > 0, "sums of saturated durations do not overflow")
    }

    @Test("HAZ-001: a syringe geometry never traps on extreme volumes; the count only ever rounds down")
    func geometryExtremes() {
        let geometry = SyringeGeometry(syringe: SyringeSpec(id: "x", brand: "x", nominalVolume: Milliliters(50),
                                                            innerDiameter: Millimeters(26.7), deadSpace: Milliliters(0.2)))
        for volume in [1e-300, 1e-14, 1e14, 1e300, Double.greatestFiniteMagnitude] {
            let steps = geometry.steps(forVolume: Milliliters(volume))
            #expect(steps.count >= 0 && steps.count <= CheckedConversion.maxCount)
            #expect(geometry.volume(for: steps).value <= volume)
        }
    }
}
