// The drug library's vital-sign limits and plasma-model choice (HAZ-015): the bundled values, and refusals of
// malformed tables with one sentence naming the key.
import Foundation
import PumpCore
import PumpLibrary
import Testing

@Suite("Drug library: vital signs and plasma model")
struct VitalsLibraryTests {
    static let table = """
        plasma_model = "domino-1982"
        [drugs.vital_signs]
        clinical_sign_off = false
        pre_start_systolic_mmhg = 140
        pre_start_diastolic_mmhg = 90
        pause_systolic_mmhg = 180
        pause_diastolic_mmhg = 100
        pause_heart_rate_bpm = 110
        pause_spo2_below_percent = 92
        stale_after_min = 10

        """

    static func file(_ edit: (String) -> String = { $0 }) throws -> URL {
        let marker = "bmi_warning_threshold = 30\n"
        #expect(validDrugTOML.contains(marker))
        return try TempFile.write(validDrugTOML.replacingOccurrences(of: marker, with: marker + edit(table)), name: "drugs-vitals.toml")
    }

    @Test("HAZ-015: the bundled ketamine entry carries the provisional vital-sign defaults, not signed off, and Clements & Nimmo")
    func bundled() throws {
        let drug = try #require(try DrugLibraryLoader.bundled().drug(named: "ketamine"))
        #expect(drug.vitalSigns == .provisionalDefaults)
        #expect(!drug.vitalSigns.clinicallySignedOff)
        #expect(drug.plasmaModelID == PlasmaConcentrationModel.clementsNimmo1981.id)
    }

    @Test("A vital_signs table and plasma_model load as written; without them the defaults apply")
    func custom() throws {
        let drug = try #require(try DrugLibraryLoader.load(from: Self.file()).drug(named: "ketamine"))
        #expect(drug.vitalSigns.pauseDiastolic == MillimetersOfMercury(100))
        #expect(drug.vitalSigns.pauseHeartRate == BeatsPerMinute(110))
        #expect(drug.vitalSigns.staleAfter == Minutes(10))
        #expect(drug.plasmaModelID == "domino-1982")
        let plain = try #require(try DrugLibraryLoader.load(from: TempFile.write(validDrugTOML)).drug(named: "ketamine"))
        #expect(plain.vitalSigns == .provisionalDefaults && plain.plasmaModelID == nil)
    }

    @Test("HAZ-015: inconsistent, misspelt or incomplete vital-sign tables and unknown models are refused",
          arguments: [
            ("pause_systolic_mmhg = 180", "pause_systolic_mmhg = 130", LibraryLoadError.Kind.invalidValue, "pre_start_systolic_mmhg must be below"),
            ("stale_after_min = 10", "stale_after_min = 500", .invalidValue, "stale_after_min"),
            ("pause_heart_rate_bpm = 110", "pause_heart_rate = 110", .unknownKey, "not a known key"),
            ("clinical_sign_off = false\n", "", .missingKey, "clinical_sign_off"),
            ("clinical_sign_off = false", "clinical_sign_off = \"no\"", .wrongType, "true or false"),
            ("domino-1982", "hijazi-2003", .invalidValue, "known models"),
          ])
    func refused(_ from: String, _ to: String, _ kind: LibraryLoadError.Kind, _ mention: String) throws {
        let url = try Self.file { $0.replacingOccurrences(of: from, with: to) }
        let error = try #require(throws: LibraryLoadError.self) { try DrugLibraryLoader.load(from: url) }
        #expect(error.kind == kind, "\(error.message)")
        #expect(error.message.contains(mention), "\(error.message)")
    }
}
