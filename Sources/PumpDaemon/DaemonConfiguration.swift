// pumpd's configuration: built-in defaults, then the TOML file (/etc/pumpd/pumpd.toml), then command-line
// flags (flags win). Every value is validated with a one-sentence error naming the key and the value;
// unknown keys are errors too (a misspelt safety setting must not be silently ignored).
import Foundation
import PumpControl
import PumpCore
import TOMLKit

/// Which hardware peer drives the pump.
public enum BackendKind: String, Sendable, Codable, CaseIterable {
    /// The plant simulator (bench, tests, demos).
    case sim
    /// Real GPIO lines through libgpiod.
    case gpiod
}

/// Whether pumpd refuses to program and start infusions under a library without a valid signature.
public enum LibrarySignaturePolicy: String, Sendable, Codable, CaseIterable {
    /// Unsigned, tampered or unknown-key libraries raise `library-invalid` and block programming and starting.
    case required
    /// Signatures are checked and reported, never enforced (the built-in default, for the bench and tests).
    case notRequired = "not-required"
}

/// A configuration error: one sentence naming the key and the bad value.
public struct ConfigurationError: Error, Sendable, Equatable, CustomStringConvertible {
    /// One human sentence.
    public var message: String
    /// Creates an error.
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

/// Everything pumpd needs to start.
public struct DaemonConfiguration: Sendable, Equatable {
    /// Hardware peer.
    public var backend: BackendKind = .sim
    /// Unix socket path.
    public var socketPath = "/run/pumpd/pumpd.sock"
    /// Group whose members may send control commands (nil: only the daemon's own user and root).
    public var controlGroup: String? = "pumpd-nurse"
    /// Group whose members may read status (control-group members may too).
    public var readOnlyGroup: String? = "pumpd-observer"
    /// Group whose members may send only `vitals` (patient-monitor bridges such as pump-hl7-bridge); membership
    /// excludes every other command. nil: no monitor group (only nurses may send vitals). The shipped pumpd.toml
    /// sets "pumpd-monitor".
    public var monitorGroup: String?
    /// Group owning the socket file (mode 0660): everyone who may talk to pumpd at all (nil: the read-only group).
    public var socketGroup: String?
    /// Whether root counts as a nurse (keep false in clinical use; bench and CI set it).
    public var allowRoot = false
    /// Journal directory.
    public var stateDirectory = "/var/lib/pumpd"
    /// Simulator only: virtual seconds per real second.
    public var simSpeed: Double = 1
    /// Simulator only: volume really in the first loaded syringe (nil: the fill the nurse stated, `--fill-ml`, else
    /// the nominal volume); a test knob for a syringe holding less than stated (end of travel).
    public var simFillML: Double?
    /// Drug library file (nil: the bundled one).
    public var drugLibraryPath: String?
    /// Extra syringe definitions (added to the bundled library).
    public var syringeLibraryPath: String?
    /// Per-syringe calibration factors.
    public var calibrationPath: String?
    /// A new program within this many hours of the same patient's last session needs an override reason.
    public var repeatSessionWindowHours: Double = 12
    /// Control tick period in milliseconds.
    public var controlPeriodMS: Int = 50
    /// Occlusion alarm pressure (mmHg).
    public var occlusionPressureMMHg: Double = 300
    /// The most the occlusion back-off retracts, mL (HAZ-004). With a pressure sensor it stops earlier, when the
    /// line is relieved; without one (`[gpio] pressure = "absent"`) it retracts exactly this much, blind.
    public var backOffVolumeML: Double = 0.5
    /// Lock the process's memory (mlockall) when permitted, so page faults cannot delay a step.
    public var realtime = true
    /// How step deadlines are kept: a SCHED_FIFO step thread when permitted (else Dispatch), or Dispatch.
    public var stepTiming: StepTimingMode = .realtime
    /// SCHED_FIFO priority of the step thread (1–99; the unit's LimitRTPRIO must allow it).
    public var realtimePriority: Int32 = 50
    /// GPIO pin map file (JSON, `GPIOPinMap` format; gpiod backend). nil: the built-in default map.
    public var gpioPinMapPath: String?
    /// GPIO chip (gpiod backend).
    public var gpioChip = "gpiochip0"
    /// GPIO line names or offsets by role (gpiod backend); empty keeps the backend's defaults.
    public var gpioLines: [String: String] = [:]
    /// The encoder and line-pressure sensor (`[gpio.encoder]`, `[gpio.pressure]`, or `= "absent"`).
    public var gpioSensors = GPIOSensorSettings()
    /// Diagnostics: at shutdown, write the step emitter's lateness percentiles (JSON) to this file
    /// (`pumpd --step-timing-report`, used by the load test). nil: nothing is recorded.
    public var stepTimingReportPath: String?
    /// Plasma-concentration model for the estimate (nil: the drug library's choice, else Clements & Nimmo).
    public var plasmaModel: String?
    /// Overrides the drug library's vital-sign staleness interval, minutes (nil: the library's value).
    public var vitalsStaleMin: Double?
    /// Simulator only: a simulated patient monitor feeds vital signs from the patient model.
    public var simVitals = false
    /// Simulator only: seconds (pump time) between simulated monitor readings.
    public var simVitalsIntervalS: Double = 300
    /// How long `pumpctl silence` pauses the alarm audio, seconds of pump time (IEC 60601-1-8; at most 300).
    public var alarmAudioPauseS: Double = 120
    /// An unacknowledged medium alarm is escalated to high after this many minutes of pump time.
    public var alarmEscalationMin: Double = 10
    /// Whether every start waits for a second person's `pumpctl verify` (state `awaiting-check`).
    public var doubleCheck: DoubleCheckPolicy = .off
    /// Minutes (pump time) the second person has to verify before the start is abandoned.
    public var doubleCheckTimeoutMin: Double = 10
    /// Near-empty (low) when the syringe's empty point is this many minutes (pump time) away…
    public var syringeNearEmptyMin: Double = 3
    /// …or this many mL away, whichever comes first.
    public var syringeNearEmptyML: Double = 2
    /// The syringe-empty pause comes this much before the computed empty point (fill less dead space), mL.
    public var syringeEmptyMarginML: Double = 0.5

    /// The Prometheus textfile pumpd keeps current for node_exporter (every 5 s and at every state change;
    /// docs: README "Clinic"). nil (`metrics_file = ""`): no metrics file.
    public var metricsFile: String? = "/run/pumpd/metrics/pumpd.prom"
    /// The chair (bed space) this pump serves: the `chair` label of every metric. Default: the host name.
    public var chair: String = DaemonConfiguration.hostName()
    /// Real seconds between periodic writes of the metrics file (not a pumpd.toml key: node_exporter's scrape
    /// needs the 5 s default; unit tests lengthen it to see the state-change writes alone).
    @_spi(Testing) public var metricsIntervalS: Double = 5
    /// Directory of the public keys trusted to sign libraries (`*.pem`, `*.pub`).
    public var libraryKeysDirectory = "/etc/pumpd/library-keys"
    /// Whether a valid library signature is required to program and start (shown in status and every report).
    public var librarySignature: LibrarySignaturePolicy = .notRequired
    /// Where the detached signatures are (`<dir>/<file name>.sig`); nil: next to each library (`<file>.sig`).
    public var librarySignaturesDirectory: String?

    /// The built-in defaults.
    public init() {}

    /// The machine's host name (the default chair), "pump" when it has none.
    static func hostName() -> String {
        var buffer = [CChar](repeating: 0, count: 256)
        guard gethostname(&buffer, buffer.count) == 0 else { return "pump" }
        let name = String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        return name.isEmpty ? "pump" : name
    }

    private static let knownKeys: Set<String> = [
        "backend", "socket", "control_group", "read_only_group", "monitor_group", "state_dir", "sim_speed", "sim_fill_ml",
        "drug_library", "syringe_library", "calibration", "repeat_session_window_h", "control_period_ms",
        "occlusion_pressure_mmhg", "back_off_volume_ml", "realtime", "realtime_priority", "step_timing", "gpio", "socket_group", "allow_root", "gpio_pin_map",
        "plasma_model", "vitals_stale_min", "sim_vitals", "sim_vitals_interval_s",
        "alarm_audio_pause_s", "alarm_escalation_min", "double_check", "double_check_timeout_min",
        "syringe_near_empty_min", "syringe_near_empty_ml", "syringe_empty_margin_ml",
        "metrics_file", "chair",
        "library_keys_dir", "library_signature", "library_signatures_dir",
    ]

    /// Applies a TOML file's settings over `self`.
    public mutating func apply(tomlFileAt path: String) throws(ConfigurationError) {
        let text: String
        do { text = try String(contentsOfFile: path, encoding: .utf8) } catch {
            throw ConfigurationError("Cannot read the configuration file \(path): \(error.localizedDescription)")
        }
        try apply(toml: text, source: path)
    }

    /// Applies TOML text over `self`.
    public mutating func apply(toml text: String, source: String = "configuration") throws(ConfigurationError) {
        let table: TOMLTable
        do { table = try TOMLTable(string: text) } catch {
            throw ConfigurationError("\(source) is not valid TOML: \(error).")
        }
        for key in table.keys where !Self.knownKeys.contains(key) {
            throw ConfigurationError("\(source): unknown key '\(key)'.")
        }
        let reader = TOMLReader(table: table, source: source)
        if let value = try reader.string("backend") {
            guard let kind = BackendKind(rawValue: value) else {
                throw ConfigurationError("\(source): backend must be sim or gpiod, not '\(value)'.")
            }
            backend = kind
        }
        socketPath = try reader.string("socket") ?? socketPath
        controlGroup = try reader.string("control_group") ?? controlGroup
        readOnlyGroup = try reader.string("read_only_group") ?? readOnlyGroup
        monitorGroup = try reader.string("monitor_group") ?? monitorGroup
        socketGroup = try reader.string("socket_group") ?? socketGroup
        allowRoot = try reader.bool("allow_root") ?? allowRoot
        stateDirectory = try reader.string("state_dir") ?? stateDirectory
        simSpeed = try reader.checkedNumber("sim_speed") ?? simSpeed
        simFillML = try reader.checkedNumber("sim_fill_ml") ?? simFillML
        drugLibraryPath = try reader.string("drug_library") ?? drugLibraryPath
        syringeLibraryPath = try reader.string("syringe_library") ?? syringeLibraryPath
        calibrationPath = try reader.string("calibration") ?? calibrationPath
        repeatSessionWindowHours = try reader.checkedNumber("repeat_session_window_h") ?? repeatSessionWindowHours
        controlPeriodMS = try reader.checkedInteger("control_period_ms") ?? controlPeriodMS
        occlusionPressureMMHg = try reader.checkedNumber("occlusion_pressure_mmhg") ?? occlusionPressureMMHg
        backOffVolumeML = try reader.checkedNumber("back_off_volume_ml") ?? backOffVolumeML
        realtime = try reader.bool("realtime") ?? realtime
        gpioPinMapPath = try reader.string("gpio_pin_map") ?? gpioPinMapPath
        realtimePriority = try reader.checkedInteger("realtime_priority") ?? realtimePriority
        if let value = try reader.string("step_timing") {
            guard let mode = StepTimingMode(rawValue: value) else {
                throw ConfigurationError("\(source): step_timing must be dispatch or realtime, not '\(value)'.")
            }
            stepTiming = mode
        }
        plasmaModel = try reader.string("plasma_model") ?? plasmaModel
        vitalsStaleMin = try reader.checkedNumber("vitals_stale_min") ?? vitalsStaleMin
        simVitals = try reader.bool("sim_vitals") ?? simVitals
        simVitalsIntervalS = try reader.checkedNumber("sim_vitals_interval_s") ?? simVitalsIntervalS
        alarmAudioPauseS = try reader.checkedNumber("alarm_audio_pause_s") ?? alarmAudioPauseS
        alarmEscalationMin = try reader.checkedNumber("alarm_escalation_min") ?? alarmEscalationMin
        syringeNearEmptyMin = try reader.checkedNumber("syringe_near_empty_min") ?? syringeNearEmptyMin
        syringeNearEmptyML = try reader.checkedNumber("syringe_near_empty_ml") ?? syringeNearEmptyML
        syringeEmptyMarginML = try reader.checkedNumber("syringe_empty_margin_ml") ?? syringeEmptyMarginML
        if let value = try reader.string("double_check") {
            guard let policy = DoubleCheckPolicy(rawValue: value) else {
                throw ConfigurationError("\(source): double_check must be off or required, not '\(value)'.")
            }
            doubleCheck = policy
        }
        doubleCheckTimeoutMin = try reader.checkedNumber("double_check_timeout_min") ?? doubleCheckTimeoutMin
        if let value = try reader.string("metrics_file") { metricsFile = value.isEmpty ? nil : value }
        chair = try reader.string("chair") ?? chair
        libraryKeysDirectory = try reader.string("library_keys_dir") ?? libraryKeysDirectory
        librarySignaturesDirectory = try reader.string("library_signatures_dir") ?? librarySignaturesDirectory
        if let value = try reader.string("library_signature") {
            guard let policy = LibrarySignaturePolicy(rawValue: value) else {
                throw ConfigurationError("\(source): library_signature must be required or not-required, not '\(value)'.")
            }
            librarySignature = policy
        }
        if let gpio = table["gpio"]?.table {
            for key in gpio.keys {
                if key == "encoder" || key == "pressure", let value = gpio[key] {
                    let isEncoder = key == "encoder"
                    let setting = try GPIOSensorSettings.parse(
                        value, name: key, source: source,
                        lineKeys: isEncoder ? GPIOSensorSettings.encoderLineKeys : GPIOSensorSettings.pressureLineKeys,
                        numberKeys: isEncoder ? GPIOSensorSettings.encoderNumberKeys : GPIOSensorSettings.pressureNumberKeys,
                        flagKeys: isEncoder ? GPIOSensorSettings.encoderFlagKeys : [])
                    if isEncoder { gpioSensors.encoder = setting } else { gpioSensors.pressure = setting }
                } else if key == "chip" {
                    guard let chip = gpio[key]?.string else { throw ConfigurationError("\(source): gpio.chip must be a string.") }
                    gpioChip = chip
                } else if let name = gpio[key]?.string {
                    gpioLines[key] = name
                } else if let offset = gpio[key]?.int {
                    let checked: Int = try ConfigurationNumbers.integer(Double(offset), key: "gpio.\(key)", source: source)
                    gpioLines[key] = String(checked)
                } else {
                    throw ConfigurationError("\(source): gpio.\(key) must be a line name or an offset.")
                }
            }
        }
        try validate()
    }

    /// Checks ranges; one sentence per problem. Numbers go through `ConfigurationNumbers` (the same ranges as
    /// the file's keys), so a value set by a flag or in code is checked exactly like one read from pumpd.toml.
    public func validate() throws(ConfigurationError) {
        _ = try ConfigurationNumbers.checked(simSpeed, key: "sim_speed")
        if backend == .gpiod, simSpeed != 1 {
            throw ConfigurationError("sim_speed applies to the simulator only; the gpiod backend runs in real time.")
        }
        _ = try ConfigurationNumbers.checked(Double(controlPeriodMS), key: "control_period_ms")
        _ = try ConfigurationNumbers.checked(occlusionPressureMMHg, key: "occlusion_pressure_mmhg")
        _ = try ConfigurationNumbers.checked(backOffVolumeML, key: "back_off_volume_ml")
        _ = try ConfigurationNumbers.checked(repeatSessionWindowHours, key: "repeat_session_window_h")
        if let fill = simFillML { _ = try ConfigurationNumbers.checked(fill, key: "sim_fill_ml") }
        _ = try ConfigurationNumbers.checked(Double(realtimePriority), key: "realtime_priority")
        if let plasmaModel, PlasmaConcentrationModel.named(plasmaModel) == nil {
            throw ConfigurationError("plasma_model must be one of \(PlasmaConcentrationModel.all.map(\.id).joined(separator: ", ")), not '\(plasmaModel)'.")
        }
        if let stale = vitalsStaleMin { _ = try ConfigurationNumbers.checked(stale, key: "vitals_stale_min") }
        _ = try ConfigurationNumbers.checked(simVitalsIntervalS, key: "sim_vitals_interval_s")
        _ = try ConfigurationNumbers.checked(alarmAudioPauseS, key: "alarm_audio_pause_s")
        _ = try ConfigurationNumbers.checked(alarmEscalationMin, key: "alarm_escalation_min")
        _ = try ConfigurationNumbers.checked(doubleCheckTimeoutMin, key: "double_check_timeout_min")
        _ = try ConfigurationNumbers.checked(syringeNearEmptyMin, key: "syringe_near_empty_min")
        _ = try ConfigurationNumbers.checked(syringeNearEmptyML, key: "syringe_near_empty_ml")
        _ = try ConfigurationNumbers.checked(syringeEmptyMarginML, key: "syringe_empty_margin_ml")
        if simVitals, backend != .sim {
            throw ConfigurationError("sim_vitals applies to the simulator only; on real hardware vital signs come from pumpctl vitals or a monitor bridge.")
        }
        if let metricsFile, metricsFile.hasSuffix("/") || !metricsFile.hasSuffix(".prom") {
            throw ConfigurationError("metrics_file must name a file ending in .prom (node_exporter reads only those), not '\(metricsFile)'.")
        }
        guard !chair.isEmpty, chair.count <= 64, !chair.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) else {
            throw ConfigurationError("chair must be 1–64 printable characters (it labels every metric), not '\(chair)'.")
        }
        guard !socketPath.isEmpty, socketPath.utf8.count < 108 else {
            throw ConfigurationError("socket path must be 1–107 bytes long, not '\(socketPath)'.")
        }
    }
}

/// Typed, lenient reads from a TOML table (integers are accepted where numbers are expected).
struct TOMLReader {
    let table: TOMLTable
    let source: String

    func string(_ key: String) throws(ConfigurationError) -> String? {
        guard let value = table[key] else { return nil }
        guard let text = value.string else { throw ConfigurationError("\(source): \(key) must be a string.") }
        return text
    }

    func number(_ key: String) throws(ConfigurationError) -> Double? {
        guard let value = table[key] else { return nil }
        if let double = value.double { return double }
        if let int = value.int { return Double(int) }
        throw ConfigurationError("\(source): \(key) must be a number.")
    }

    /// A number checked against `key`'s range (`ConfigurationNumbers`).
    func checkedNumber(_ key: String) throws(ConfigurationError) -> Double? {
        guard let value = try number(key) else { return nil }
        return try ConfigurationNumbers.checked(value, key: key, source: source)
    }

    /// A whole number checked against `key`'s range, converted only after the check.
    func checkedInteger<T: FixedWidthInteger>(_ key: String) throws(ConfigurationError) -> T? {
        guard let value = try number(key) else { return nil }
        return try ConfigurationNumbers.integer(value, key: key, source: source, as: T.self)
    }

    func bool(_ key: String) throws(ConfigurationError) -> Bool? {
        guard let value = table[key] else { return nil }
        guard let flag = value.bool else { throw ConfigurationError("\(source): \(key) must be true or false.") }
        return flag
    }
}
