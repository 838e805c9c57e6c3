import Foundation
import GPIODBackend
import PumpCore
import PumpProtocol
import Testing
@testable import PumpDaemon

@Suite("gpiod sensors in pumpd.toml and the sensor-presence policy")
struct GPIOSensorConfigurationTests {
    static let fitted = """
        backend = "gpiod"
        [gpio]
        chip = "gpiochip97"
        driver_fault = "drv-fault"
        driver_stall = "drv-diag"
        [gpio.encoder]
        a = "enc-a"
        b = 21
        counts_per_rev = 6400
        microsteps_per_rev = 3200
        tolerance_steps = 0.75
        check_interval_ms = 50
        [gpio.pressure]
        sck = "hx-sck"
        dout = "hx-dout"
        tare_counts = 1200
        span_mmhg_per_count = 0.05
        silent_ms = 400
        """

    @Test("HAZ-005: [gpio.encoder] and [gpio.pressure] become the backend's encoder and load cell")
    func parsesTables() throws {
        var configuration = DaemonConfiguration()
        try configuration.apply(toml: Self.fitted)
        let map = try GPIOBackendFactory.pinMap(configuration)
        let encoder = try #require(map.encoder)
        #expect(encoder.a.line == .named("enc-a"))
        #expect(encoder.b.line == .offset(21))
        #expect(encoder.countsPerRev == 6400 && encoder.microstepsPerRev == 3200)
        #expect(encoder.toleranceSteps == 0.75)
        #expect(encoder.checkInterval == .milliseconds(50))
        let cell = try #require(map.loadCell)
        #expect(cell.sck.line == .named("hx-sck") && cell.dout.line == .named("hx-dout"))
        #expect(cell.tareCounts == 1200 && cell.spanMMHgPerCount == 0.05)
        #expect(cell.silentTimeout == .milliseconds(400))
        #expect(map.driverFault?.line == .named("drv-fault"))
        #expect(map.driverFault?.activeLow == true, "nFAULT is active low")
        #expect(map.driverStall?.line == .named("drv-diag"))
        #expect(map.driverStall?.activeLow == false, "TMC2209 DIAG is active high")
        #expect(map.inputLines.contains { $0.role == "driverStall" }, "validated against the other lines")
        #expect(GPIOBackendFactory.sensorSummary(configuration).contains("driver stall (DIAG) fitted"))
        #expect(configuration.gpioSensors.missing.isEmpty)
    }

    @Test("HAZ-005: without an encoder or a pressure sensor, --backend gpiod is refused unless declared absent")
    func presencePolicy() throws {
        for toml in ["backend = \"gpiod\"\n[gpio]\nchip = \"gpiochip97\"\n",
                     "backend = \"gpiod\"\n[gpio]\nchip = \"gpiochip97\"\nencoder = \"absent\"\n",
                     "backend = \"gpiod\"\n[gpio]\nchip = \"gpiochip97\"\npressure = \"absent\"\n"] {
            var configuration = DaemonConfiguration()
            try configuration.apply(toml: toml)
            #expect(throws: ConfigurationError.self) { try GPIOBackendFactory.make(configuration) }
        }
        var configuration = DaemonConfiguration()
        try configuration.apply(toml: "backend = \"gpiod\"\n[gpio]\nchip = \"gpiochip97\"\nencoder = \"absent\"\npressure = \"absent\"\n")
        #expect(throws: HardwareError.self) { try GPIOBackendFactory.make(configuration) }  // passes the policy, no chip
        #expect(configuration.gpioSensors.missing.map(\.sensor) == ["encoder", "pressure"])
        #expect(configuration.gpioSensors.missing[0].hazard.contains("HAZ-005"))
        #expect(configuration.gpioSensors.missing[1].hazard.contains("HAZ-004"))
    }

    @Test("Bad sensor settings are one-sentence configuration errors")
    func badSettings() {
        let cases = [
            "[gpio]\nencoder = \"none\"\n",
            "[gpio.encoder]\na = \"x\"\nb = \"y\"\ncounts_per_rev = 6400\nmicrosteps_per_rev = 3200\ncheck_interval_ms = 5\n",
            "[gpio.encoder]\na = \"x\"\nb = \"y\"\ncounts_per_rev = 6400\nmicrosteps_per_rev = 3200\ncolour = 1\n",
            "[gpio.pressure]\nsck = \"x\"\ndout = \"y\"\nspan_mmhg_per_count = 0.1\nsck_high_limit_us = 80\n",
        ]
        for toml in cases {
            #expect(throws: ConfigurationError.self, "\(toml)") {
                var configuration = DaemonConfiguration()
                try configuration.apply(toml: toml)
                _ = try GPIOBackendFactory.pinMap(configuration)
            }
        }
        // A tolerance below one count: refused when the pin map is built.
        #expect(throws: ConfigurationError.self) {
            var configuration = DaemonConfiguration()
            try configuration.apply(toml: "[gpio.encoder]\na = \"x\"\nb = \"y\"\ncounts_per_rev = 800\nmicrosteps_per_rev = 3200\n")
            _ = try GPIOBackendFactory.pinMap(configuration)
        }
    }

    @Test("status --json carries missing_sensors as an array of strings, and omits it when nil")
    func statusKey() throws {
        var report = StatusReport(state: .idle, backend: .gpiod)
        report.missingSensors = ["encoder"]
        let json = try #require(String(data: try JSONEncoder().encode(report), encoding: .utf8))
        #expect(json.contains("\"missing_sensors\":[\"encoder\"]"))
        report.missingSensors = nil
        let plain = try #require(String(data: try JSONEncoder().encode(report), encoding: .utf8))
        #expect(!plain.contains("missing_sensors"))
    }
}
