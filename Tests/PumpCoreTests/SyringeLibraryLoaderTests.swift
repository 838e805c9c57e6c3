// The syringe library loader, user extensions and calibration (HAZ-007: a wrong geometry is a wrong dose).
import Foundation
import PumpCore
import PumpLibrary
import Testing


let syringeFileCases: [LibraryFileCase] = [
    .init(name: "negative diameter", from: "inner_diameter_mm = 26.7", to: "inner_diameter_mm = -26.7", kind: .invalidValue,
          key: "syringes[0].inner_diameter_mm", mentions: ["-26.7", "greater than zero"]),
    .init(name: "diameter in cm", from: "inner_diameter_mm = 26.7", to: "inner_diameter_mm = 2.67", kind: .invalidValue,
          key: "syringes[0].inner_diameter_mm", mentions: ["2.67", "plunger travel"]),
    .init(name: "dead space equal to nominal volume", from: "dead_space_ml = 0.2", to: "dead_space_ml = 50", kind: .invalidValue,
          key: "syringes[0].dead_space_ml", mentions: ["= 50", "nominal_volume_ml = 50"]),
    .init(name: "negative dead space", from: "dead_space_ml = 0.2", to: "dead_space_ml = -0.2", kind: .invalidValue,
          key: "syringes[0].dead_space_ml", mentions: ["-0.2"]),
    .init(name: "missing brand", from: "brand = \"Test\"\n", to: "", kind: .missingKey,
          key: "syringes[0].brand", mentions: ["is missing"]),
    .init(name: "calibration factor out of range", from: "calibration_factor = 1", to: "calibration_factor = 1.2", kind: .calibrationOutOfRange,
          key: "syringes[0].calibration_factor", mentions: ["1.2", "0.9 to 1.1"]),
    .init(name: "misspelt key", from: "dead_space_ml", to: "deadspace_ml", kind: .unknownKey,
          key: "syringes[0].deadspace_ml", mentions: ["not a known key"]),
    .init(name: "duplicate id", from: "calibration_factor = 1\n", to: "calibration_factor = 1\n" + validSyringeTOML,
          kind: .duplicateID, key: "syringes[1].id", mentions: ["\"test-50\"", "duplicates"]),
    .init(name: "blank id", from: "id = \"test-50\"", to: "id = \" \"", kind: .invalidValue,
          key: "syringes[0].id", mentions: ["blank"]),
]

@Suite("Syringe library loader")
struct SyringeLibraryLoaderTests {
    @Test("HAZ-007: the bundled syringes carry the reference diameters and dead spaces")
    func bundled() throws {
        let library = try SyringeLibraryLoader.bundled()
        let expected: [(String, Double, Double, Double)] = [
            ("bd-10", 10, 14.50, 0.10), ("bd-20", 20, 19.13, 0.15), ("bd-30", 30, 21.70, 0.17), ("bd-50", 50, 26.70, 0.20),
            ("terumo-20", 20, 20.15, 0.15), ("terumo-50", 50, 29.7, 0.25), ("omnifix-20", 20, 20.00, 0.15), ("omnifix-50", 50, 29.20, 0.25),
        ]
        #expect(library.syringes.map(\.id) == expected.map(\.0))
        for (id, nominal, diameter, dead) in expected {
            let spec = try #require(library.syringe(id: id))
            #expect(spec.nominalVolume == Milliliters(nominal))
            #expect(spec.innerDiameter == Millimeters(diameter))
            #expect(spec.deadSpace == Milliliters(dead))
            #expect(spec.calibrationFactor == 1.0)
        }
        // clinical-reference §5: BD 50 → 0.2187 µL per microstep, BD 20 → 0.1123.
        let bd50 = SyringeGeometry(syringe: try #require(library.syringe(id: "bd-50")))
        #expect(abs(bd50.volumePerStep.value - 0.2187) < 0.0001)
        let bd20 = SyringeGeometry(syringe: try #require(library.syringe(id: "bd-20")))
        #expect(abs(bd20.volumePerStep.value - 0.1123) < 0.0001)
    }

    @Test("HAZ-007: each malformed syringe file is refused with one sentence naming file, key and value", arguments: syringeFileCases)
    func malformed(_ c: LibraryFileCase) throws {
        #expect(validSyringeTOML.contains(c.from), "fixture lacks \(c.from)")
        let url = try TempFile.write(validSyringeTOML.replacingOccurrences(of: c.from, with: c.to), name: "syringes-under-test.toml")
        let error = try #require(throws: LibraryLoadError.self) { try SyringeLibraryLoader.load(from: url) }
        #expect(error.kind == c.kind, "\(error.message)")
        #expect(error.key == c.key, "\(error.message)")
        #expect(error.message.hasPrefix("syringes-under-test.toml: "))
        #expect(error.message.contains("key \(c.key ?? "")"))
        for text in c.mentions { #expect(error.message.contains(text), "\(error.message) lacks \(text)") }
    }

    @Test("HAZ-007: a file without syringes is refused")
    func empty() throws {
        let error = try #require(throws: LibraryLoadError.self) { try SyringeLibraryLoader.load(from: TempFile.write("# nothing\n")) }
        #expect(error.kind == .missingKey)
    }

    @Test("A user file adds new syringes and keeps the bundled ones")
    func userAdds() throws {
        let base = try SyringeLibraryLoader.bundled()
        let merged = try base.merging(userFileAt: TempFile.write(validSyringeTOML))
        #expect(merged.syringes.count == base.syringes.count + 1)
        #expect(merged.syringe(id: "test-50")?.innerDiameter == Millimeters(26.7))
        #expect(merged.syringe(id: "bd-50") == base.syringe(id: "bd-50"))
    }

    @Test("HAZ-007: a user file may not redefine an existing syringe id")
    func noRedefinition() throws {
        let base = try SyringeLibraryLoader.bundled()
        let url = try TempFile.write(validSyringeTOML.replacingOccurrences(of: "test-50", with: "bd-50"), name: "user.toml")
        let error = try #require(throws: LibraryLoadError.self) { try base.merging(userFileAt: url) }
        #expect(error.kind == .redefinedSyringe)
        #expect(error.message.contains("user.toml: key syringes[0].id = \"bd-50\" redefines a syringe"))
    }

    @Test("Issue 11 item 3: a user syringe whose id is a bundled id up to case, width or whitespace may not shadow it",
          arguments: ["BD-50", " bd-50 ", "Bd-50\t", "ＢＤ-50"])
    func noShadowing(_ id: String) throws {
        let base = try SyringeLibraryLoader.bundled()
        let shadow = validSyringeTOML.replacingOccurrences(of: "\"test-50\"", with: "\"\(id)\"")
            .replacingOccurrences(of: "inner_diameter_mm = 26.7", with: "inner_diameter_mm = 40")
        let url = try TempFile.write(shadow, name: "user.toml")
        let error = try #require(throws: LibraryLoadError.self) { try base.merging(userFileAt: url) }
        if id.first?.isWhitespace == true || id.last?.isWhitespace == true {
            // A space at either end breaks the identifier format before any comparison.
            #expect(error.kind == .invalidValue && error.message.contains("starts or ends with a space"), "\(error.message)")
        } else {
            #expect(error.kind == .redefinedSyringe)
            #expect(error.message.contains("\"bd-50\"") && error.message.contains("may not shadow"), "\(error.message)")
        }
        // Nothing was merged: every spelling still finds the bundled geometry.
        #expect(base.syringe(id: id) == base.syringe(id: "bd-50"))
        #expect(base.syringe(id: id)?.innerDiameter == Millimeters(26.7))
    }

    @Test("Issue 11 item 3: syringe ids are looked up and calibrated normalised")
    func normalisedLookup() throws {
        let base = try SyringeLibraryLoader.bundled()
        #expect(base.syringe(id: " BD-50 ")?.id == "bd-50")
        let merged = try base.merging(userFileAt: TempFile.write("[calibration]\nBD-50 = 1.02\n"))
        #expect(merged.syringe(id: "bd-50")?.calibrationFactor == 1.02)
    }

    @Test("HAZ-007: calibration factors apply within 0.90–1.10 and scale the volume per step", arguments: [0.90, 1.012, 1.10])
    func calibration(_ factor: Double) throws {
        let base = try SyringeLibraryLoader.bundled()
        let merged = try base.merging(userFileAt: TempFile.write("[calibration]\nbd-50 = \(factor)\n"))
        let spec = try #require(merged.syringe(id: "bd-50"))
        #expect(spec.calibrationFactor == factor)
        let plain = SyringeGeometry(syringe: try #require(base.syringe(id: "bd-50"))).volumePerStep.value
        #expect(close(SyringeGeometry(syringe: spec).volumePerStep.value, plain * factor))
    }

    @Test("HAZ-007: calibration factors outside 0.90–1.10 are refused", arguments: [0.89, 1.11, 1.2, 0, -1])
    func calibrationRange(_ factor: Double) throws {
        let base = try SyringeLibraryLoader.bundled()
        let error = try #require(throws: LibraryLoadError.self) {
            try base.merging(userFileAt: TempFile.write("[calibration]\nbd-50 = \(factor)\n", name: "cal.toml"))
        }
        #expect(error.kind == .calibrationOutOfRange)
        #expect(error.key == "calibration.bd-50")
        #expect(error.message.contains("cal.toml: key calibration.bd-50"))
    }

    @Test("HAZ-007: calibrating an unknown syringe is refused; a syringe added in the same file can be calibrated")
    func calibrationIDs() throws {
        let base = try SyringeLibraryLoader.bundled()
        let error = try #require(throws: LibraryLoadError.self) {
            try base.merging(userFileAt: TempFile.write("[calibration]\nbd-99 = 1.0\n"))
        }
        #expect(error.kind == .unknownSyringe)
        #expect(error.message.contains("\"bd-99\""))
        let merged = try base.merging(userFileAt: TempFile.write(validSyringeTOML + "[calibration]\ntest-50 = 0.98\n"))
        #expect(merged.syringe(id: "test-50")?.calibrationFactor == 0.98)
    }

    @Test("HAZ-007: a calibration given as text is a type error")
    func calibrationType() throws {
        let base = try SyringeLibraryLoader.bundled()
        let error = try #require(throws: LibraryLoadError.self) {
            try base.merging(userFileAt: TempFile.write("[calibration]\nbd-50 = \"1.01\"\n"))
        }
        #expect(error.kind == .wrongType)
    }
}
