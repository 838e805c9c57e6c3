// Creates the libgpiod backend from the configuration's pin map.
import Foundation
import PumpCore

enum GPIOBackendFactory {
    static func make(_ configuration: DaemonConfiguration) throws -> PumpHardware {
        throw ConfigurationError("The gpiod backend is not wired into pumpd yet.")
    }
}
