// The drug library loader: the bundled file matches the specified values; every error kind names file, key
// and value in one sentence.
import Foundation
import PumpCore
import PumpLibrary
import Testing


let drugFileCases: [LibraryFileCase] = [
    .init(name: "missing key", from: "hard_maximum = 1\n", to: "", kind: .missingKey,
          key: "drugs.ketamine.profiles.mood.dose_mg_per_kg.hard_maximum", mentions: ["is missing"]),
    .init(name: "hard max below soft max", from: "hard_maximum = 1\n", to: "hard_maximum = 0.7\n", kind: .invalidValue,
          key: "drugs.ketamine.profiles.mood.dose_mg_per_kg.hard_maximum", mentions: ["0.7", "soft_maximum = 0.75"]),
    .init(name: "default outside min..max", from: "default = 0.5", to: "default = 0.05", kind: .invalidValue,
          key: "drugs.ketamine.profiles.mood.dose_mg_per_kg.default", mentions: ["0.05", "0.1..1"]),
    .init(name: "default above soft max", from: "default = 0.5", to: "default = 0.8", kind: .invalidValue,
          key: "drugs.ketamine.profiles.mood.dose_mg_per_kg.default", mentions: ["0.8", "soft_maximum = 0.75"]),
    .init(name: "duration default outside range", from: "default = 40", to: "default = 30", kind: .invalidValue,
          key: "drugs.ketamine.profiles.mood.duration_min.default", mentions: ["30", "40..100"]),
    .init(name: "negative minimum", from: "minimum = 0.1", to: "minimum = -0.1", kind: .invalidValue,
          key: "drugs.ketamine.profiles.mood.dose_mg_per_kg.minimum", mentions: ["-0.1", "greater than zero"]),
    .init(name: "wrong type", from: "hard_max_kg = 250", to: "hard_max_kg = \"250\"", kind: .wrongType,
          key: "drugs.ketamine.weight_limits.hard_max_kg", mentions: ["must be a number", "\"250\""]),
    .init(name: "misspelt key", from: "soft_maximum = 0.75", to: "soft_maximun = 0.75", kind: .unknownKey,
          key: "drugs.ketamine.profiles.mood.dose_mg_per_kg.soft_maximun", mentions: ["not a known key"]),
    .init(name: "duplicate concentration", from: "mg_per_ml = 50", to: "mg_per_ml = 1", kind: .duplicateID,
          key: "drugs.ketamine.concentrations[1].mg_per_ml", mentions: ["duplicates"]),
    .init(name: "unknown policy", from: "policy = \"rejected\"", to: "policy = \"maybe\"", kind: .invalidValue,
          key: "drugs.ketamine.concentrations[1].policy", mentions: ["\"maybe\""]),
    .init(name: "warning without message", from: "policy = \"rejected\"\nmessage = \"undiluted\"", to: "policy = \"allowed-with-warning\"",
          kind: .missingKey, key: "drugs.ketamine.concentrations[1].message", mentions: ["is missing"]),
    .init(name: "unknown mode", from: "mode = \"total-dose\"", to: "mode = \"bolus\"", kind: .invalidValue,
          key: "drugs.ketamine.profiles.mood.mode", mentions: ["\"bolus\""]),
    .init(name: "weight range inverted", from: "hard_min_kg = 30", to: "hard_min_kg = 300", kind: .invalidValue,
          key: "drugs.ketamine.weight_limits.hard_max_kg", mentions: ["250", "hard_min_kg = 300"]),
    .init(name: "catch-up factor too large", from: "catch_up_factor = 1.1", to: "catch_up_factor = 2", kind: .invalidValue,
          key: "drugs.ketamine.profiles.mood.catch_up_factor", mentions: ["= 2", "1.0 and 1.5"]),
    .init(name: "default program above rate cap", from: "rate_hard_cap_mg_per_kg_per_h = 1.5", to: "rate_hard_cap_mg_per_kg_per_h = 0.5",
          kind: .invalidValue, key: "drugs.ketamine.profiles.mood.rate_hard_cap_mg_per_kg_per_h", mentions: ["0.75 mg/kg/h"]),
    .init(name: "schema version", from: "schema_version = 1", to: "schema_version = 2", kind: .invalidValue,
          key: "schema_version", mentions: ["= 2"]),
    .init(name: "TOML syntax error", from: "name = \"ketamine\"", to: "name = ketamine", kind: .syntax,
          key: nil, mentions: ["syntax error at line 4"]),
    .init(name: "duplicate profile id", from: "[drugs.profiles.duration_min]",
          to: "[drugs.profiles.duration_min]\nminimum = 40\ndefault = 40\nmaximum = 100\n[[drugs.profiles]]\nid = \"mood\"\nmode = \"total-dose\"\nrate_hard_cap_mg_per_kg_per_h = 1.5\nsession_dose_hard_max_mg_per_kg = 1\ncatch_up_factor = 1.1\nnear_end_warning_min = 5\npaused_reminder_min = 2\n[drugs.profiles.dose_mg_per_kg]\nminimum = 0.1\ndefault = 0.5\nhard_maximum = 1\n[drugs.profiles.duration_min]",
          kind: .duplicateID, key: "drugs.ketamine.profiles[1].id", mentions: ["\"mood\"", "duplicates"]),
    .init(name: "dose table in the wrong mode", from: "[drugs.profiles.dose_mg_per_kg]", to: "[drugs.profiles.dose_rate_mg_per_kg_per_h]\nminimum = 0.1\nhard_maximum = 1\ndefault = 0.3\n[drugs.profiles.dose_mg_per_kg]",
          kind: .invalidValue, key: "drugs.ketamine.profiles.mood.dose_rate_mg_per_kg_per_h", mentions: ["total-dose"]),
    .init(name: "duplicate drug name", from: "maximum = 100\n", to: "maximum = 100\n" + String(validDrugTOML.dropFirst("library_version = \"test-1\"\nschema_version = 1\n".count)),
          kind: .duplicateID, key: "drugs[1].name", mentions: ["\"ketamine\"", "duplicates an earlier drug name"]),
    .init(name: "no usable concentration", from: "policy = \"allowed\"", to: "policy = \"rejected\"\nmessage = \"no\"", kind: .invalidValue,
          key: "drugs.ketamine.concentrations", mentions: ["at least one concentration must be allowed"]),
]

@Suite("Drug library loader")
struct DrugLibraryLoaderTests {
    @Test("The small valid file loads, with integers accepted where decimals are expected")
    func validLoads() throws {
        let library = try DrugLibraryLoader.load(from: TempFile.write(validDrugTOML))
        let profile = try #require(library.drug(named: "ketamine")?.profile(id: "mood"))
        #expect(profile.dose?.hardMaximum == MilligramsPerKilogram(1))
        #expect(profile.sessionDoseHardMax == MilligramsPerKilogram(1))
    }

    @Test("HAZ-001: each malformed drug library is refused with one sentence naming file, key and value", arguments: drugFileCases)
    func malformed(_ c: LibraryFileCase) throws {
        #expect(validDrugTOML.contains(c.from), "fixture lacks \(c.from)")
        let url = try TempFile.write(validDrugTOML.replacingOccurrences(of: c.from, with: c.to), name: "drugs-under-test.toml")
        let error = try #require(throws: LibraryLoadError.self) { try DrugLibraryLoader.load(from: url) }
        #expect(error.kind == c.kind, "\(error.message)")
        #expect(error.file == "drugs-under-test.toml")
        if let key = c.key {
            #expect(error.key == key, "\(error.message)")
            #expect(error.message.contains(key))
        }
        #expect(error.message.hasPrefix("drugs-under-test.toml"))
        for text in c.mentions { #expect(error.message.contains(text), "\(error.message) lacks \(text)") }
    }

    @Test("A missing file is an unreadable-file error naming the file")
    func missingFile() throws {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("no-such-\(UUID().uuidString).toml")
        let error = try #require(throws: LibraryLoadError.self) { try DrugLibraryLoader.load(from: url) }
        #expect(error.kind == .unreadable)
        #expect(error.message.contains(url.lastPathComponent))
    }

    @Test("HAZ-001: the bundled library holds the specified ketamine limits")
    func bundled() throws {
        let drug = try #require(try DrugLibraryLoader.bundled().drug(named: "ketamine"))
        #expect(drug.weightLimits == WeightLimits(hardMinimum: Kilograms(30), hardMaximum: Kilograms(250)))
        #expect(drug.bmiWarningThreshold == 30)
        #expect(drug.rule(for: MilligramsPerMilliliter(1))?.policy == .allowed)
        #expect(drug.rule(for: MilligramsPerMilliliter(2))?.policy == .allowed)
        if case .allowedWithWarning = drug.rule(for: MilligramsPerMilliliter(10))?.policy {} else { Issue.record("10 mg/mL should warn") }
        for strength in [50.0, 100.0] {
            if case .rejected = drug.rule(for: MilligramsPerMilliliter(strength))?.policy {} else { Issue.record("\(strength) should be rejected") }
        }
        #expect(drug.rule(for: MilligramsPerMilliliter(5)) == nil)

        let mood = try #require(drug.profile(id: "mood"))
        #expect(mood.mode == .totalDose && mood.doseRate == nil)
        #expect(mood.dose == DoseLimits(minimum: MilligramsPerKilogram(0.1), default: MilligramsPerKilogram(0.5),
                                        softMaximum: MilligramsPerKilogram(0.75), hardMaximum: MilligramsPerKilogram(1.0)))
        #expect(mood.duration == DurationLimits(minimum: Minutes(40), default: Minutes(40), maximum: Minutes(100)))
        #expect(mood.rateHardCap == MilligramsPerKilogramPerHour(1.5))
        #expect(mood.sessionDoseHardMax == MilligramsPerKilogram(1.0))

        let pain = try #require(drug.profile(id: "pain"))
        #expect(pain.mode == .continuousRate && pain.dose == nil)
        #expect(pain.doseRate == DoseLimits(minimum: MilligramsPerKilogramPerHour(0.1), default: MilligramsPerKilogramPerHour(0.35),
                                            softMaximum: MilligramsPerKilogramPerHour(0.5), hardMaximum: MilligramsPerKilogramPerHour(1.0)))
        #expect(pain.duration == DurationLimits(minimum: Minutes(60), default: Minutes(240), maximum: Minutes(240)))
        #expect(pain.rateHardCap == MilligramsPerKilogramPerHour(1.0))
        #expect(pain.sessionDoseHardMax == MilligramsPerKilogram(2.0))
        for profile in [mood, pain] {
            #expect(profile.catchUpFactor == 1.1)
            #expect(profile.nearEndWarning == Minutes(5))
            #expect(profile.pausedReminder == Minutes(2))
        }
    }
}

@Suite("Drug library: independent double check per profile")
struct DrugLibraryDoubleCheckTests {
    @Test("the shipped library leaves the double check off in every profile (a clinic's decision, flagged for sign-off)")
    func shippedOff() throws {
        let library = try DrugLibraryLoader.bundled()
        for drug in library.drugs {
            for profile in drug.profiles {
                #expect(!profile.doubleCheckRequired && !profile.doubleCheckOverrideAllowed, "\(drug.name) \(profile.id)")
            }
        }
    }
}
