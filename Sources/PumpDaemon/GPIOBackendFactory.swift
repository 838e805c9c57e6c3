// Creates the libgpiod backend from the configuration: a pin-map file (or the built-in default map), then
// the `[gpio]` table's chip and per-role line overrides (a line name, or a number for an offset).
import Foundation
import GPIODBackend
import PumpCore

enum GPIOBackendFactory {
    /// Roles that `[gpio]` may override, and which pin-map field each sets.
    static let roles = ["step", "dir", "enable", "sleep", "estop", "syringe_present", "plunger_clamped",
                        "end_of_travel", "occlusion_switch", "buzzer", "red", "yellow", "green"]

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
            case "buzzer": map.alarms.buzzer = GPIOOutputLine(ref)
            case "red": map.alarms.red = GPIOOutputLine(ref)
            case "yellow": map.alarms.yellow = GPIOOutputLine(ref)
            case "green": map.alarms.green = GPIOOutputLine(ref)
            default:
                throw ConfigurationError("[gpio] has unknown role '\(role)'; known roles: chip, \(roles.joined(separator: ", ")).")
            }
        }
        do { try map.validate() } catch { throw ConfigurationError("The GPIO pin map is invalid: \(error).") }
        return map
    }

    static func make(_ configuration: DaemonConfiguration) throws -> PumpHardware {
        try GPIODPump(pinMap: pinMap(configuration))
    }
}
