import Foundation
@testable import PumpDaemon
import PumpCore
import Testing

@Suite("pumpd configuration")
struct DaemonConfigurationTests {
    @Test("Defaults are the documented fail-safe values")
    func defaults() throws {
        let configuration = DaemonConfiguration()
        #expect(configuration.socketPath == "/run/pumpd/pumpd.sock")
        #expect(configuration.stateDirectory == "/var/lib/pumpd")
        #expect(configuration.backend == .sim)
        #expect(configuration.repeatSessionWindowHours == 12)
        #expect(configuration.stepTiming == .realtime)
        #expect(configuration.realtimePriority == 50)
        #expect(configuration.librarySignature == .notRequired)
        #expect(configuration.libraryKeysDirectory == "/etc/pumpd/library-keys")
        #expect(configuration.librarySignaturesDirectory == nil)
        try configuration.validate()
    }

    @Test("library_signature, library_keys_dir and library_signatures_dir are read; a bad policy is refused")
    func librarySettings() throws {
        var configuration = DaemonConfiguration()
        try configuration.apply(toml: """
            library_signature = "required"
            library_keys_dir = "/srv/keys"
            library_signatures_dir = "/srv/sigs"
            """)
        #expect(configuration.librarySignature == .required)
        #expect(configuration.libraryKeysDirectory == "/srv/keys" && configuration.librarySignaturesDirectory == "/srv/sigs")
        try configuration.apply(toml: "library_signature = \"not-required\"")
        #expect(configuration.librarySignature == .notRequired)
    }

    @Test("step_timing selects the Dispatch timer or the realtime step thread")
    func stepTimingKey() throws {
        var configuration = DaemonConfiguration()
        try configuration.apply(toml: "step_timing = \"dispatch\"\nrealtime_priority = 30")
        #expect(configuration.stepTiming == .dispatch)
        #expect(configuration.realtimePriority == 30)
        try configuration.apply(toml: "step_timing = \"realtime\"")
        #expect(configuration.stepTiming == .realtime)
    }

    @Test("TOML values are applied, integers accepted for numbers")
    func appliesTOML() throws {
        var configuration = DaemonConfiguration()
        try configuration.apply(toml: """
            backend = "sim"
            socket = "/tmp/p.sock"
            state_dir = "/tmp/state"
            sim_speed = 60
            occlusion_pressure_mmhg = 250.5
            [gpio]
            chip = "gpiochip1"
            step = "PUMP_STEP"
            enable = 7
            """)
        #expect(configuration.socketPath == "/tmp/p.sock")
        #expect(configuration.simSpeed == 60)
        #expect(configuration.occlusionPressureMMHg == 250.5)
        #expect(configuration.gpioChip == "gpiochip1")
        #expect(configuration.gpioLines == ["step": "PUMP_STEP", "enable": "7"])
    }

    @Test("A misspelt key, a wrong type or an out-of-range value is an error naming it", arguments: [
        ("oclusion_pressure_mmhg = 300", "oclusion_pressure_mmhg"),
        ("sim_speed = \"fast\"", "sim_speed"),
        ("sim_speed = 0", "sim_speed"),
        ("occlusion_pressure_mmhg = 5000", "occlusion_pressure_mmhg"),
        ("backend = \"gpio\"", "backend"),
        ("control_period_ms = 1000", "control_period_ms"),
        ("this is not toml", "not valid TOML"),
        ("step_timing = \"fifo\"", "step_timing"),
        ("step_timing = 1", "step_timing"),
        ("realtime_priority = 0", "realtime_priority"),
        ("realtime_priority = 120", "realtime_priority"),
        ("library_signature = \"optional\"", "library_signature must be required or not-required"),
        ("library_signature = true", "library_signature"),
        ("library_keys_dir = 3", "library_keys_dir"),
    ])
    func rejectsBadValues(text: String, mentions: String) {
        var configuration = DaemonConfiguration()
        do {
            try configuration.apply(toml: text)
            Issue.record("accepted \(text)")
        } catch {
            #expect(error.message.contains(mentions), "\(error.message)")
        }
    }
}

@Suite("gpiod pin map from the configuration")
struct GPIOPinMapConfigurationTests {
    @Test("[gpio] overrides the chip and named roles; numbers are offsets")
    func overrides() throws {
        var configuration = DaemonConfiguration()
        try configuration.apply(toml: """
            backend = "gpiod"
            [gpio]
            chip = "gpiochip3"
            step = 17
            enable = "MOTOR_EN"
            """)
        let map = try GPIOBackendFactory.pinMap(configuration)
        #expect(map.chip == "gpiochip3")
        #expect(map.step.line.offset == 17)
        #expect(map.enable.line.name == "MOTOR_EN")
        #expect(map.enable.activeLow, "ENABLE stays active-low (de-asserted = disabled)")
    }

    @Test("An unknown role is a configuration error naming it")
    func unknownRole() throws {
        var configuration = DaemonConfiguration()
        try configuration.apply(toml: "[gpio]\nstepp = 17\n")
        #expect(throws: ConfigurationError.self) { try GPIOBackendFactory.pinMap(configuration) }
    }

    @Test("HAZ-005: pumpd --backend gpiod without a GPIO chip fails with a typed error naming the chip")
    func missingChip() throws {
        var configuration = DaemonConfiguration()
        try configuration.apply(toml: "backend = \"gpiod\"\n[gpio]\nchip = \"gpiochip97\"\nencoder = \"absent\"\npressure = \"absent\"\n")
        do {
            _ = try GPIOBackendFactory.make(configuration)
            Issue.record("opened a chip that does not exist")
        } catch let error as HardwareError {
            #expect(error.operation == .open)
            #expect(error.detail.contains("gpiochip97"))
        }
    }
}

@Suite("Shipped example configuration")
struct ShippedConfigurationTests {
    @Test("systemd/pumpd.toml parses with pumpd's schema and keeps the fail-safe values")
    func exampleParses() throws {
        let path = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("systemd/pumpd.toml").path
        var configuration = DaemonConfiguration()
        try configuration.apply(tomlFileAt: path)
        #expect(configuration.backend == .gpiod)
        #expect(!configuration.allowRoot)
        #expect(configuration.controlGroup == "pumpd-nurse")
        #expect(configuration.repeatSessionWindowHours == 12)
        #expect(configuration.stepTiming == .realtime)
        #expect(configuration.realtimePriority == 50)
        #expect(configuration.metricsFile == "/run/pumpd/metrics/pumpd.prom")
        #expect(configuration.chair == "chair-1")
        // The packaged configuration enforces library signatures (the built-in default does not).
        #expect(configuration.librarySignature == .required)
        #expect(configuration.libraryKeysDirectory == "/etc/pumpd/library-keys")
        #expect(configuration.backOffVolumeML == 0.5)
    }
}

/// Issue 11 item 6: every number in pumpd.toml is checked (finite, in range, whole where an integer is meant)
/// before any conversion; a bad one is a sentence naming the key, the value and the range, never a trap.
@Suite("Configuration numbers never crash pumpd")
struct ConfigurationNumberTests {
    /// Every numeric key, the TOML prefix it needs, and a fragment of its allowed range.
    static let keys: [(key: String, range: String)] = [
        ("sim_speed", "between 1 and 100"), ("sim_fill_ml", "above 0 and at most 100"),
        ("repeat_session_window_h", "between 0 and 168"), ("control_period_ms", "an integer between 10 and 200"),
        ("occlusion_pressure_mmhg", "between 50 and 1034"), ("realtime_priority", "an integer between 1 and 99"),
        ("vitals_stale_min", "above 0 and at most 120"), ("sim_vitals_interval_s", "between 10 and 3600"),
        ("alarm_audio_pause_s", "between 1 and 300"), ("alarm_escalation_min", "above 0 and at most 60"),
        ("double_check_timeout_min", "above 0 and at most 120"), ("back_off_volume_ml", "above 0 and at most 2"),
    ]
    /// The hostile values as TOML literals and as they must be named in the sentence.
    static let values: [(toml: String, shown: String, number: Double)] = [
        ("nan", "nan", .nan), ("inf", "inf", .infinity), ("-inf", "-inf", -.infinity), ("1e20", "1e+20", 1e20),
        ("-1", "-1", -1), ("0", "0", 0), ("50.9", "50.9", 50.9),
    ]
    /// The (key, value) pairs a key's range allows (everything else must be refused).
    static let allowed: Set<String> = [
        "repeat_session_window_h=0", "sim_speed=50.9", "sim_fill_ml=50.9", "repeat_session_window_h=50.9",
        "occlusion_pressure_mmhg=50.9", "vitals_stale_min=50.9", "sim_vitals_interval_s=50.9",
        "alarm_audio_pause_s=50.9", "alarm_escalation_min=50.9", "double_check_timeout_min=50.9",
    ]

    @Test("NaN, ±inf, 1e20, -1, 0 and 50.9 for every numeric key: refused with key, value and range, or kept exactly",
          arguments: keys)
    func everyKeyEveryValue(key: String, range: String) {
        for value in Self.values {
            var configuration = DaemonConfiguration()
            let text = "\(key) = \(value.toml)"
            do {
                try configuration.apply(toml: text, source: "pumpd.toml")
                #expect(Self.allowed.contains("\(key)=\(value.toml)"), "accepted \(text)")
                let stored: Double? = switch key {
                case "sim_speed": configuration.simSpeed
                case "sim_fill_ml": configuration.simFillML
                case "repeat_session_window_h": configuration.repeatSessionWindowHours
                case "occlusion_pressure_mmhg": configuration.occlusionPressureMMHg
                case "vitals_stale_min": configuration.vitalsStaleMin
                case "sim_vitals_interval_s": configuration.simVitalsIntervalS
                case "alarm_audio_pause_s": configuration.alarmAudioPauseS
                case "alarm_escalation_min": configuration.alarmEscalationMin
                case "double_check_timeout_min": configuration.doubleCheckTimeoutMin
                default: nil
                }
                #expect(stored == value.number, "\(text) stored as \(String(describing: stored))")
            } catch {
                #expect(!Self.allowed.contains("\(key)=\(value.toml)"), "refused \(text): \(error.message)")
                #expect(error.message.contains(key), "\(error.message)")
                #expect(error.message.contains("not \(value.shown)"), "\(error.message)")
                #expect(error.message.contains(range), "\(error.message)")
            }
        }
    }

    @Test("A non-integer for an integer key is refused, never truncated (control_period_ms = 50.9 is not 50)")
    func nonIntegerRefused() {
        var configuration = DaemonConfiguration()
        #expect(throws: ConfigurationError.self) { try configuration.apply(toml: "control_period_ms = 50.9") }
        #expect(configuration.controlPeriodMS == 50)
        #expect(throws: ConfigurationError.self) { try configuration.apply(toml: "realtime_priority = 30.5") }
        // A whole number written as a float is still that integer.
        #expect(throws: Never.self) { try configuration.apply(toml: "control_period_ms = 60.0\nrealtime_priority = 30") }
        #expect(configuration.controlPeriodMS == 60 && configuration.realtimePriority == 30)
    }

    @Test("A GPIO offset must be a plausible whole number", arguments: ["-1", "70000"])
    func gpioOffset(value: String) {
        var configuration = DaemonConfiguration()
        do {
            try configuration.apply(toml: "backend = \"gpiod\"\n[gpio]\nstep = \(value)\n")
            Issue.record("accepted gpio.step = \(value)")
        } catch {
            #expect(error.message.contains("gpio.step") && error.message.contains("not \(value)"), "\(error.message)")
        }
    }

    @Test("Values set by flags or in code go through the same check (sim_speed from --sim-speed)",
          arguments: [Double.nan, .infinity, 1e300, 0])
    func flagValues(speed: Double) {
        var configuration = DaemonConfiguration()
        configuration.simSpeed = speed
        do {
            try configuration.validate()
            Issue.record("accepted sim_speed \(speed)")
        } catch {
            #expect(error.message.contains("sim_speed") && error.message.contains("between 1 and 100"), "\(error.message)")
            #expect(error.message.count < 120, "a short sentence, not a 300-digit echo: \(error.message)")
        }
    }
}

@Suite("Simulator speed limit")
struct SimulatorSpeedLimitTests {
    @Test("Issue 11 item 8: sim_speed up to the maximum is accepted, above it refused with the range")
    func maximumSpeed() throws {
        // The end-to-end test at the maximum (SimulatorSpeedEndToEndTests.maximum) uses the same figure.
        #expect(SimulatorSpeed.maximum == 100)
        #expect(try ConfigurationNumbers.checked(SimulatorSpeed.maximum, key: "sim_speed") == SimulatorSpeed.maximum)
        #expect(throws: ConfigurationError.self) { try ConfigurationNumbers.checked(SimulatorSpeed.maximum + 1, key: "sim_speed") }
    }

    @Test("A program is refused only when step rate × speed exceeds what the reference program needs at the maximum")
    func programRefusal() {
        #expect(SimulatorSpeed.refusal(stepsPerSecond: 66.7, speed: SimulatorSpeed.maximum) == nil)
        #expect(SimulatorSpeed.refusal(stepsPerSecond: 1_000, speed: 1) == nil, "real time is never refused")
        let problem = SimulatorSpeed.refusal(stepsPerSecond: 91.5, speed: SimulatorSpeed.maximum)
        #expect(problem?.contains("--sim-speed 80 or less") == true, "\(problem ?? "nil")")
    }
}
