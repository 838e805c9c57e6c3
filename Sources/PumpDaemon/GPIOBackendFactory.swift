// Creates the libgpiod backend from the configuration: a pin-map file (or the built-in default map), then
// the `[gpio]` table's chip and per-role line overrides (a line name, or a number for an offset), then the
// encoder and load cell (`GPIOSensorSettings`) and the sensor-presence policy.
import Foundation
import GPIODBackend
import PumpCore

enum GPIOBackendFactory {
    /// Roles that `[gpio]` may override, and which pin-map field each sets.
    static let roles = ["step", "dir", "enable", "sleep", "estop", "syringe_present", "plunger_clamped",
                        "end_of_travel", "occlusion_switch", "driver_fault", "driver_stall", "buzzer", "red", "yellow", "green"]

    static func pinMap(_ configuration: DaemonConfiguration) throws -> GPIOPinMap {
        var map = GPIOPinMap.default
        if let path = configuration.gpioPinMapPath {
            let data: Data
            do { data = try Data(contentsOf: URL(fileURLWithPath: path)) } catch {
                throw ConfigurationError("Cannot read the GPIO pin map \(path): \(error.localizedDescription)")
            }
            map = try GPIOPinMap.load(json: data)
        }
        map.chip = configuration.gpioChip
        for (role, value) in configuration.gpioLines {
            let ref: GPIOLineRef = UInt32(value).map(GPIOLineRef.offset) ?? .named(value)  // checked: failable parse of a string
            switch role {
            case "step": map.step.line = ref
            case "dir": map.direction.line = ref
            case "enable": map.enable.line = ref
            case "sleep": map.sleep = GPIOOutputLine(ref, activeLow: map.sleep?.activeLow ?? true)
            case "estop": map.emergencyStop.line = ref
            case "syringe_present": map.syringePresent.line = ref
            case "plunger_clamped": map.plungerClamped.line = ref
            case "end_of_travel": map.endOfTravel.line = ref
            case "occlusion_switch":
                if map.occlusionSwitch != nil { map.occlusionSwitch?.line = ref } else { map.occlusionSwitch = GPIOInputLine(ref) }
            case "driver_fault": map.driverFault = GPIOInputLine(ref, activeLow: true, bias: .asIs)  // nFAULT, open drain
            case "driver_stall": map.driverStall = GPIOInputLine(ref, activeLow: false, bias: .asIs)  // DIAG, push-pull
            case "buzzer": map.alarms.buzzer = GPIOOutputLine(ref)
            case "red": map.alarms.red = GPIOOutputLine(ref)
            case "yellow": map.alarms.yellow = GPIOOutputLine(ref)
            case "green": map.alarms.green = GPIOOutputLine(ref)
            default:
                throw ConfigurationError("[gpio] has unknown role '\(role)'; known roles: chip, \(roles.joined(separator: ", ")).")
            }
        }
        map.encoder = try configuration.gpioSensors.encoderConfiguration()
        if configuration.stepTiming == .realtime {  // just below the step thread: no edge event may be dropped
            map.encoder?.realtimePriority = max(1, configuration.realtimePriority - 5)
        }
        map.loadCell = try configuration.gpioSensors.pressureConfiguration()
        do { try map.validate() } catch { throw ConfigurationError("The GPIO pin map is invalid: \(error).") }
        return map
    }

    /// One line for the start-up log: which sensors are fitted, and each absent one with the hazard it leaves.
    static func sensorSummary(_ configuration: DaemonConfiguration) -> String {
        let sensors = configuration.gpioSensors
        var parts: [String] = []
        if case .fitted = sensors.encoder { parts.append("encoder fitted") }
        if case .fitted = sensors.pressure { parts.append("pressure (HX711) fitted") }
        if configuration.gpioLines["driver_fault"] != nil { parts.append("driver nFAULT fitted") }
        if configuration.gpioLines["driver_stall"] != nil { parts.append("driver stall (DIAG) fitted") }
        for missing in sensors.missing { parts.append("\(missing.sensor) ABSENT (\(missing.hazard))") }
        return parts.joined(separator: "; ")
    }

    /// Opens the backend. Refused (ConfigurationError) when a sensor is neither configured nor declared absent.
    static func make(_ configuration: DaemonConfiguration) throws -> PumpHardware {
        try configuration.gpioSensors.checkPresence()
        return try GPIODPump(pinMap: pinMap(configuration))
    }
}
