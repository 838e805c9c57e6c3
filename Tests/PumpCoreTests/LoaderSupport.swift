// Temporary TOML files for loader tests.
import Foundation

enum TempFile {
    /// Writes `text` to a fresh file named `name` in a unique temporary directory and returns its URL.
    static func write(_ text: String, name: String = "test.toml") throws -> URL {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("pump-tests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let url = directory.appendingPathComponent(name)
        try text.write(to: url, atomically: true, encoding: .utf8)
        return url
    }
}

/// A small valid drug library; tests mutate it to provoke each error.
let validDrugTOML = """
library_version = "test-1"
schema_version = 1
[[drugs]]
name = "ketamine"
display_name = "Ketamine"
bmi_warning_threshold = 30
[drugs.weight_limits]
hard_min_kg = 30
hard_max_kg = 250
[[drugs.concentrations]]
mg_per_ml = 1
policy = "allowed"
[[drugs.concentrations]]
mg_per_ml = 50
policy = "rejected"
message = "undiluted"
[[drugs.profiles]]
id = "mood"
mode = "total-dose"
rate_hard_cap_mg_per_kg_per_h = 1.5
session_dose_hard_max_mg_per_kg = 1
catch_up_factor = 1.1
near_end_warning_min = 5
paused_reminder_min = 2
[drugs.profiles.dose_mg_per_kg]
minimum = 0.1
default = 0.5
soft_maximum = 0.75
hard_maximum = 1
[drugs.profiles.duration_min]
minimum = 40
default = 40
maximum = 100

"""

/// A small valid syringe file.
let validSyringeTOML = """
[[syringes]]
id = "test-50"
brand = "Test"
nominal_volume_ml = 50
inner_diameter_mm = 26.7
dead_space_ml = 0.2
calibration_factor = 1

"""
