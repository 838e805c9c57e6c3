// The timeline entries of a scenario file: `[[timeline]]` tables with `at_s`, `kind` and the kind's parameters.
import Foundation
import PumpCore
import PumpSimulator
import TOMLKit

extension ScenarioLoader {
    /// Every `kind` a timeline entry may have, with its parameters (documentation and error messages).
    public static let actionKinds: [String: [String]] = [
        "occlusion": [], "occlusion-release": [], "stall": ["lost_steps"], "stall-start": [], "stall-end": [],
        "disengage": [], "reengage": [], "syringe-removed": [], "stuck-sensor": ["sensor", "value"],
        "unstick-sensor": ["sensor"], "gpio-write-failure": ["operation"], "gpio-read-failure": [],
        "clear-gpio-failures": [], "estop-button": [], "estop-release": [], "estop": [], "pause": [], "resume": [],
        "stop": [], "acknowledge": ["code", "expect_refused"],
        "titrate": ["dose_mg_per_kg", "duration_min", "rate_mg_per_kg_per_h", "override_reason", "expect_refused"],
        "start-again": [], "loop-hang": ["duration_s"], "lateness-burst": ["duration_s", "lateness_ms"],
        "planner-rate-fault": ["multiplier"], "planner-target-fault": ["extra_ml"], "wall-clock-jump": ["jump_s"],
        "journal-disk-full": [], "vitals": ["sbp", "dbp", "hr", "spo2"],
    ]

    static func action(_ reader: Reader, _ file: String) throws -> ScenarioAction {
        guard let kind = try reader.string("kind", file) else {
            throw ScenarioLoadError(file: file, message: "a timeline entry has no kind.")
        }
        guard let parameters = actionKinds[kind] else {
            throw ScenarioLoadError(file: file,
                message: "timeline kind \"\(kind)\" is unknown (known: \(actionKinds.keys.sorted().joined(separator: ", "))).")
        }
        try reader.allow(Set(["at_s", "kind"] + parameters), file)
        guard let at = try reader.number("at_s", file), at >= 0 else {
            throw ScenarioLoadError(file: file, message: "timeline entry \(kind) needs at_s ≥ 0.")
        }
        func need(_ key: String) throws -> Double {
            guard let value = try reader.number(key, file) else {
                throw ScenarioLoadError(file: file, message: "timeline entry \(kind) at \(at) s needs \(key).")
            }
            return value
        }
        func sensor() throws -> SimulatedSensor {
            let name = try reader.string("sensor", file) ?? ""
            guard let sensor = SimulatedSensor(rawValue: name) else {
                throw ScenarioLoadError(file: file,
                    message: "sensor \"\(name)\" is not one of \(SimulatedSensor.allCases.map(\.rawValue)).")
            }
            return sensor
        }
        let result: ScenarioActionKind
        switch kind {
        case "occlusion": result = .fault(.occlusion)
        case "occlusion-release": result = .fault(.occlusionRelease)
        case "stall": result = .fault(.stall(lostSteps: Int(try need("lost_steps"))))
        case "stall-start": result = .fault(.stallStart)
        case "stall-end": result = .fault(.stallEnd)
        case "disengage": result = .fault(.disengage)
        case "reengage": result = .fault(.reengage)
        case "syringe-removed": result = .fault(.syringeRemoved)
        case "stuck-sensor":
            guard let value = try reader.bool("value", file) else {
                throw ScenarioLoadError(file: file, message: "stuck-sensor at \(at) s needs value = true|false.")
            }
            result = .fault(.stuckSensor(try sensor(), value))
        case "unstick-sensor": result = .fault(.unstickSensor(try sensor()))
        case "gpio-write-failure":
            let name = try reader.string("operation", file) ?? "step"
            guard let operation = HardwareError.Operation(rawValue: name) else {
                throw ScenarioLoadError(file: file, message: "gpio-write-failure operation \"\(name)\" is unknown.")
            }
            result = .fault(.gpioWriteFailure(operation))
        case "gpio-read-failure": result = .fault(.gpioReadFailure)
        case "clear-gpio-failures": result = .fault(.clearGPIOFailures)
        case "estop-button": result = .fault(.emergencyStopPress)
        case "estop-release": result = .fault(.emergencyStopRelease)
        case "estop": result = .estop
        case "pause": result = .pause
        case "resume": result = .resume
        case "stop": result = .stop
        case "acknowledge":
            let name = try reader.string("code", file)
            let code = try name.map { name in
                guard let code = AlarmCode(rawValue: name) else {
                    throw ScenarioLoadError(file: file, message: "acknowledge code \"\(name)\" is not an alarm code.")
                }
                return code
            }
            result = .acknowledge(code, expectRefused: try reader.bool("expect_refused", file) ?? false)
        case "titrate":
            let change: TitrationChange
            if let dose = try reader.number("dose_mg_per_kg", file) {
                change = .dosePerKg(MilligramsPerKilogram(dose))
            } else if let minutes = try reader.number("duration_min", file) {
                change = .duration(Minutes(minutes))
            } else if let rate = try reader.number("rate_mg_per_kg_per_h", file) {
                change = .doseRate(MilligramsPerKilogramPerHour(rate))
            } else {
                throw ScenarioLoadError(file: file,
                    message: "titrate at \(at) s needs dose_mg_per_kg, duration_min or rate_mg_per_kg_per_h.")
            }
            result = .titrate(change, overrideReason: try reader.string("override_reason", file),
                              expectRefused: try reader.bool("expect_refused", file) ?? false)
        case "start-again": result = .startAgain
        case "loop-hang": result = .loopHang(seconds: try need("duration_s"))
        case "lateness-burst": result = .latenessBurst(seconds: try need("duration_s"), latenessMS: try need("lateness_ms"))
        case "planner-rate-fault": result = .plannerRateFault(multiplier: try need("multiplier"))
        case "planner-target-fault": result = .plannerTargetFault(extraML: try need("extra_ml"))
        case "wall-clock-jump": result = .wallClockJump(seconds: try need("jump_s"))
        case "vitals":
            result = .vitals(systolic: try need("sbp"), diastolic: try need("dbp"), heartRate: try need("hr"),
                             oxygenSaturation: try need("spo2"))
        default: result = .journalDiskFull
        }
        return ScenarioAction(atSeconds: at, kind: result)
    }
}

/// A strict view of one TOML table (every getter names the full key path in its error).
struct Reader {
    let table: TOMLTable
    let path: String

    func key(_ name: String) -> String { path.isEmpty ? name : "\(path).\(name)" }

    func allow(_ keys: Set<String>, _ file: String) throws {
        for name in table.keys where !keys.contains(name) {
            throw ScenarioLoadError(file: file,
                message: "key \(key(name)) is not known here (allowed: \(keys.sorted().joined(separator: ", "))).")
        }
    }

    func wrong(_ name: String, _ expected: String, _ file: String) -> ScenarioLoadError {
        ScenarioLoadError(file: file, message: "key \(key(name)) must be \(expected).")
    }

    func string(_ name: String, _ file: String) throws -> String? {
        guard let raw = table[name] else { return nil }
        guard let value = raw.string else { throw wrong(name, "a string", file) }
        return value
    }

    func number(_ name: String, _ file: String) throws -> Double? {
        guard let raw = table[name] else { return nil }
        let value: Double
        if let integer = raw.int { value = Double(integer) } else if let double = raw.double { value = double } else {
            throw wrong(name, "a number", file)
        }
        guard value.isFinite else { throw wrong(name, "a finite number", file) }
        return value
    }

    func bool(_ name: String, _ file: String) throws -> Bool? {
        guard let raw = table[name] else { return nil }
        guard let value = raw.bool else { throw wrong(name, "true or false", file) }
        return value
    }

    func strings(_ name: String, _ file: String) throws -> [String] {
        guard let raw = table[name] else { return [] }
        guard let array = raw.array else { throw wrong(name, "an array of strings", file) }
        return try array.map { element in
            guard let value = element.string else { throw wrong(name, "an array of strings", file) }
            return value
        }
    }

    func table(_ name: String, _ file: String) throws -> Reader? {
        guard let raw = table[name] else { return nil }
        guard let value = raw.table else { throw wrong(name, "a table", file) }
        return Reader(table: value, path: key(name))
    }

    func tables(_ name: String, _ file: String) throws -> [Reader] {
        guard let raw = table[name] else { return [] }
        guard let array = raw.array else { throw wrong(name, "an array of tables ([[\(name)]])", file) }
        return try array.enumerated().map { index, element in
            guard let value = element.table else { throw wrong(name, "an array of tables ([[\(name)]])", file) }
            return Reader(table: value, path: "\(key(name))[\(index)]")
        }
    }
}
