import Foundation
@testable import PumpDaemon
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
        try configuration.validate()
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
