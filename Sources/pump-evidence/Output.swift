// Writing the evidence files and naming them.
import Foundation
import PumpCore

enum Output {
    /// Creates `directory` (and parents) if needed.
    static func prepare(_ directory: String) throws {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    }

    /// Writes `text` to `directory/name` and says so.
    static func write(_ text: String, to directory: String, _ name: String) throws {
        let path = (directory as NSString).appendingPathComponent(name)
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        print("wrote \(path)")
    }

    /// "1", "5", "52.5": a rate as it appears in file names and tables.
    static func rateLabel(_ rate: MillilitersPerHour) -> String {
        rate.value == rate.value.rounded() ? String(format: "%.0f", rate.value) : String(format: "%g", rate.value)
    }
}
