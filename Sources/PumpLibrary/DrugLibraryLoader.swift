// Loads and validates the drug library (Data/drug-library.toml; schema described in that file).
//
// Validation on load (any failure → LibraryLoadError, no partial library):
//  - library_version: a non-blank string naming this edition of the file (required; shown with its SHA-256 in
//    status, the journal and every report);
//  - schema_version = 1; at least one drug; drug names unique and not blank;
//  - weight limits 0 < hard_min_kg < hard_max_kg; BMI threshold > 0;
//  - concentrations > 0 and unique; policy "allowed" | "allowed-with-warning" | "rejected" (the last two need
//    a message, "allowed" must not have one); at least one usable concentration;
//  - profiles: ids unique; mode "total-dose" has exactly dose_mg_per_kg, "continuous-rate" exactly
//    dose_rate_mg_per_kg_per_h; limits 0 < minimum ≤ default ≤ soft_maximum ≤ hard_maximum;
//    durations 0 < minimum ≤ default ≤ maximum; caps > 0; catch_up_factor in 1.0–1.5; timers > 0;
//  - the profile's own defaults must pass its own caps (default rate ≤ rate cap, default total ≤ session cap);
//    optional booleans double_check_override_allowed and syringe_change_allowed (default false);
//  - optional plasma_model must name a built-in model; optional [drugs.vital_signs] has every key, values
//    positive and consistent (pre-start below pause limits, staleness 0–120 min), and clinical_sign_off.
import Foundation
import PumpCore

/// Reads the drug library from TOML.
public enum DrugLibraryLoader {
    /// The schema version this loader understands.
    public static let schemaVersion = 1

    /// Loads and validates the library at `url`.
    public static func load(from url: URL) throws -> DrugLibrary {
        try load(LibraryFile.read(url)).library
    }

    /// Loads and validates the library from the bytes of `file`; returns it with its `library_version`.
    public static func load(_ file: LibraryFile) throws -> (library: DrugLibrary, version: String) {
        let root = try TOMLReader.parse(file)
        try root.rejectUnknownKeys(["library_version", "schema_version", "drugs"])
        let libraryVersion = try root.requiredLibraryVersion()
        let version = try root.number("schema_version")
        guard version == Double(schemaVersion) else {
            throw root.invalid("schema_version", version, "this software reads schema version \(schemaVersion)")
        }
        var drugs: [DrugEntry] = []
        for reader in try root.tables("drugs") {
            let drug = try loadDrug(reader)
            if drugs.contains(where: { $0.name == drug.name }) {
                throw LibraryLoadError(.duplicateID, file: root.file, key: reader.keyPath("name"), value: drug.name,
                    message: "\(root.file): key \(reader.keyPath("name")) = \"\(drug.name)\" duplicates an earlier drug name.")
            }
            drugs.append(drug)
        }
        return (DrugLibrary(drugs: drugs), libraryVersion)
    }

    /// Loads the library shipped with the software.
    public static func bundled() throws -> DrugLibrary {
        try load(from: BundledResource.url("drug-library"))
    }

    private static func loadDrug(_ element: TOMLReader) throws -> DrugEntry {
        try element.rejectUnknownKeys(["name", "display_name", "bmi_warning_threshold", "weight_limits", "concentrations", "profiles",
                                       "plasma_model", "vital_signs"])
        let name = try element.string("name")
        let drug = element.renamed("drugs.\(name)")
        let weights = try drug.table("weight_limits")
        try weights.rejectUnknownKeys(["hard_min_kg", "hard_max_kg"])
        let minimum = try weights.positive("hard_min_kg")
        let maximum = try weights.positive("hard_max_kg")
        guard maximum > minimum else {
            throw weights.invalid("hard_max_kg", maximum, "it must be above hard_min_kg = \(minimum.plainText)")
        }
        var rules: [ConcentrationRule] = []
        for reader in try drug.tables("concentrations") {
            let rule = try loadConcentration(reader)
            if rules.contains(where: { $0.matches(rule.concentration) }) {
                throw LibraryLoadError(.duplicateID, file: drug.file, key: reader.keyPath("mg_per_ml"),
                    value: rule.concentration.value.plainText,
                    message: "\(drug.file): key \(reader.keyPath("mg_per_ml")) = \(rule.concentration.value.plainText) duplicates an earlier concentration.")
            }
            rules.append(rule)
        }
        guard rules.contains(where: \.isUsable) else {
            throw LibraryLoadError.invalid(drug.file, drug.keyPath("concentrations"), "(\(rules.count) rejected)",
                "at least one concentration must be allowed")
        }
        var profiles: [DrugProfile] = []
        for reader in try drug.tables("profiles") {
            let profile = try DrugProfileReader.load(reader)
            if profiles.contains(where: { IdentifierKey.same($0.id, profile.id) }) {
                throw LibraryLoadError(.duplicateID, file: drug.file, key: reader.keyPath("id"), value: profile.id,
                    message: "\(drug.file): key \(reader.keyPath("id")) = \"\(profile.id)\" duplicates an earlier profile id.")
            }
            profiles.append(profile)
        }
        let plasmaModel = try drug.optionalString("plasma_model")
        if let plasmaModel, PlasmaConcentrationModel.named(plasmaModel) == nil {
            throw LibraryLoadError.invalid(drug.file, drug.keyPath("plasma_model"), "\"\(plasmaModel)\"",
                "known models: \(PlasmaConcentrationModel.all.map(\.id).joined(separator: ", "))")
        }
        let vitals = try drug.optionalTable("vital_signs").map(VitalSignsReader.load) ?? .provisionalDefaults
        return DrugEntry(
            name: name, displayName: try drug.string("display_name"),
            weightLimits: WeightLimits(hardMinimum: Kilograms(minimum), hardMaximum: Kilograms(maximum)),
            bmiWarningThreshold: try drug.positive("bmi_warning_threshold"),
            concentrations: rules, profiles: profiles, vitalSigns: vitals, plasmaModelID: plasmaModel)
    }

    private static func loadConcentration(_ reader: TOMLReader) throws -> ConcentrationRule {
        try reader.rejectUnknownKeys(["mg_per_ml", "policy", "message"])
        let value = MilligramsPerMilliliter(try reader.positive("mg_per_ml"))
        let policyName = try reader.string("policy")
        let message = try reader.optionalString("message")
        let policy: ConcentrationPolicy
        switch policyName {
        case "allowed":
            if message != nil {
                throw LibraryLoadError.invalid(reader.file, reader.keyPath("message"), "\"\(message ?? "")\"",
                    "an allowed concentration has no message; use policy \"allowed-with-warning\" to show one")
            }
            policy = .allowed
        case "allowed-with-warning":
            policy = .allowedWithWarning(try reader.string("message"))
        case "rejected":
            policy = .rejected(try reader.string("message"))
        default:
            throw LibraryLoadError.invalid(reader.file, reader.keyPath("policy"), "\"\(policyName)\"",
                "it must be \"allowed\", \"allowed-with-warning\" or \"rejected\"")
        }
        return ConcentrationRule(concentration: value, policy: policy)
    }
}
