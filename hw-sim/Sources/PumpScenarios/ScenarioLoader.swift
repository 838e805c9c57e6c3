// Loads scenario files strictly: unknown keys, unknown action kinds, unknown hazards, alarm codes or safety
// checks, missing required keys, a timeline out of order or a file name that differs from the id are all errors
// with one sentence naming the file and the key (a misspelt expectation must not silently test nothing).
import Foundation
import PumpCore
import PumpSimulator
import TOMLKit

/// Why a scenario file could not be loaded: one sentence naming the file and the key.
public struct ScenarioLoadError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The file name.
    public var file: String
    /// One sentence.
    public var message: String
    public var description: String { "\(file): \(message)" }
}

/// Reads `hw-sim/scenarios/*.toml`.
public enum ScenarioLoader {
    /// The scenario directory of this source tree.
    public static let defaultDirectory: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("scenarios", isDirectory: true)

    /// Every `*.toml` file in `directory`, sorted by name.
    public static func files(in directory: URL = defaultDirectory) throws -> [URL] {
        try FileManager.default.contentsOfDirectory(at: directory, includingPropertiesForKeys: nil)
            .filter { $0.pathExtension == "toml" }
            .sorted { $0.lastPathComponent < $1.lastPathComponent }
    }

    /// Loads every scenario in `directory`.
    public static func loadAll(in directory: URL = defaultDirectory) throws -> [Scenario] {
        try files(in: directory).map { try load(from: $0) }
    }

    /// Loads one scenario file.
    public static func load(from url: URL) throws(ScenarioLoadError) -> Scenario {
        let file = url.lastPathComponent
        let text: String
        do { text = try String(contentsOf: url, encoding: .utf8) } catch {
            throw ScenarioLoadError(file: file, message: "cannot be read: \(error.localizedDescription).")
        }
        let scenario = try parse(text, file: file)
        let expectedID = url.deletingPathExtension().lastPathComponent
        guard scenario.id == expectedID else {
            throw ScenarioLoadError(file: file, message: "id \"\(scenario.id)\" must equal the file name \"\(expectedID)\".")
        }
        return scenario
    }

    /// Parses scenario TOML text (`file` names it in errors).
    public static func parse(_ text: String, file: String) throws(ScenarioLoadError) -> Scenario {
        let table: TOMLTable
        do { table = try TOMLTable(string: text) } catch let error as TOMLParseError {
            throw ScenarioLoadError(file: file,
                message: "TOML syntax error at line \(error.source.begin.line): \(error.description).")
        } catch {
            throw ScenarioLoadError(file: file, message: "TOML syntax error: \(error).")
        }
        do {
            return try build(Reader(table: table, path: ""), file: file)
        } catch let error as ScenarioLoadError {
            throw error
        } catch {
            throw ScenarioLoadError(file: file, message: "\(error)")
        }
    }

    private static func build(_ root: Reader, file: String) throws -> Scenario {
        let fail = { (message: String) in ScenarioLoadError(file: file, message: message) }
        try root.allow(["id", "title", "hazards", "runner", "duration_s", "program", "plant", "timeline", "expect",
                        "sensitivity_disable", "campaign"], file)
        let hazards = try root.strings("hazards", file)
        guard !hazards.isEmpty else { throw fail("hazards must name at least one hazard.") }
        for hazard in hazards where HazardRegistry.hazard(hazard) == nil {
            throw fail("hazards names \(hazard), which is not in the hazard registry.")
        }
        let runnerName = try root.string("runner", file) ?? "engine"
        guard let runner = ScenarioRunnerKind(rawValue: runnerName) else {
            throw fail("runner \"\(runnerName)\" is not one of \(ScenarioRunnerKind.allCases.map(\.rawValue)).")
        }
        var checks: [SafetyCheck] = []
        for name in try root.strings("sensitivity_disable", file) {
            guard let check = SafetyCheck(rawValue: name) else {
                throw fail("sensitivity_disable names \"\(name)\", not one of \(SafetyCheck.allCases.map(\.rawValue)).")
            }
            checks.append(check)
        }
        let timeline = try root.tables("timeline", file).map { try action($0, file) }
        for (earlier, later) in zip(timeline, timeline.dropFirst()) where later.atSeconds < earlier.atSeconds {
            throw fail("timeline is not in time order (\(later.atSeconds) s after \(earlier.atSeconds) s).")
        }
        guard let id = try root.string("id", file), !id.isEmpty else { throw fail("required key id is missing.") }
        guard let title = try root.string("title", file), !title.isEmpty else { throw fail("required key title is missing.") }
        let scenario = Scenario(
            id: id, title: title, hazards: hazards, runner: runner,
            durationSeconds: try root.number("duration_s", file) ?? 0,
            program: try program(root.table("program", file), file), plant: try plant(root.table("plant", file), file),
            timeline: timeline, expect: try expectation(root.table("expect", file), file), sensitivityDisable: checks,
            campaign: try campaign(root.table("campaign", file), file), file: file)
        guard scenario.durationSeconds > 0 || scenario.expect.refused || runner == .campaign else {
            throw fail("duration_s must be a positive number of seconds.")
        }
        if runner == .campaign, scenario.campaign == nil { throw fail("a campaign scenario needs a [campaign] table.") }
        return scenario
    }

    private static func program(_ reader: Reader?, _ file: String) throws -> ScenarioProgram {
        var program = ScenarioProgram()
        guard let reader else { return program }
        try reader.allow(["drug", "profile", "weight_kg", "dose_mg_per_kg", "rate_mg_per_kg_per_h", "duration_min",
                          "concentration_mg_per_ml", "syringe", "override_reason"], file)
        program.drug = try reader.string("drug", file) ?? program.drug
        program.profile = try reader.string("profile", file) ?? program.profile
        program.weightKg = try reader.number("weight_kg", file) ?? program.weightKg
        program.doseMgPerKg = try reader.number("dose_mg_per_kg", file)
        program.rateMgPerKgPerH = try reader.number("rate_mg_per_kg_per_h", file)
        program.durationMin = try reader.number("duration_min", file)
        program.concentrationMgPerMl = try reader.number("concentration_mg_per_ml", file) ?? program.concentrationMgPerMl
        program.syringe = try reader.string("syringe", file) ?? program.syringe
        program.overrideReason = try reader.string("override_reason", file)
        return program
    }

    private static func plant(_ reader: Reader?, _ file: String) throws -> ScenarioPlant {
        var plant = ScenarioPlant()
        guard let reader else { return plant }
        try reader.allow(["fill_ml", "syringe_volume_factor"], file)
        plant.fillML = try reader.number("fill_ml", file)
        plant.syringeVolumeFactor = try reader.number("syringe_volume_factor", file) ?? 1
        return plant
    }

    private static func expectation(_ reader: Reader?, _ file: String) throws -> ScenarioExpectation {
        guard let reader else { throw ScenarioLoadError(file: file, message: "required table [expect] is missing.") }
        try reader.allow(["refused", "alarms", "alarm_by_s", "no_stopping_alarm", "state", "delivered_min_ml",
                          "delivered_max_ml", "motor_enabled", "no_steps_after_trip", "bolus_max_ml"], file)
        var expect = ScenarioExpectation()
        expect.refused = try reader.bool("refused", file) ?? false
        expect.alarms = try reader.strings("alarms", file).map { name in
            guard let code = AlarmCode(rawValue: name) else {
                throw ScenarioLoadError(file: file, message: "expect.alarms names \"\(name)\", which is not an alarm code.")
            }
            return code
        }
        expect.alarmBySeconds = try reader.number("alarm_by_s", file)
        expect.noStoppingAlarm = try reader.bool("no_stopping_alarm", file) ?? false
        if let name = try reader.string("state", file) {
            guard let state = PumpState(rawValue: name) else {
                throw ScenarioLoadError(file: file, message: "expect.state \"\(name)\" is not a pump state.")
            }
            expect.state = state
        }
        expect.deliveredMinML = try reader.number("delivered_min_ml", file)
        expect.deliveredMaxML = try reader.number("delivered_max_ml", file)
        expect.motorEnabled = try reader.bool("motor_enabled", file)
        expect.noStepsAfterTrip = try reader.bool("no_steps_after_trip", file) ?? false
        expect.bolusMaxML = try reader.number("bolus_max_ml", file)
        if expect.alarmBySeconds != nil, expect.alarms.isEmpty {
            throw ScenarioLoadError(file: file, message: "expect.alarm_by_s needs expect.alarms.")
        }
        return expect
    }

    private static func campaign(_ reader: Reader?, _ file: String) throws -> CampaignParameters? {
        guard let reader else { return nil }
        try reader.allow(["kills", "seed", "sim_speed", "max_delay_ms", "observe_ms"], file)
        return CampaignParameters(
            kills: Int(try reader.number("kills", file) ?? 25), seed: UInt64(try reader.number("seed", file) ?? 1),
            simSpeed: try reader.number("sim_speed", file) ?? 200, maxDelayMS: try reader.number("max_delay_ms", file) ?? 400,
            observeMS: try reader.number("observe_ms", file) ?? 250)
    }
}
