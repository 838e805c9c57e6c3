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
        try configuration.validate()
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
        try configuration.apply(toml: "backend = \"gpiod\"\n[gpio]\nchip = \"gpiochip97\"\n")
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
    }
}
