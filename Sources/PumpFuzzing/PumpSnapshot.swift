// What "pump state" means for the fuzz invariants: everything a refused command must leave as it was.
import Foundation
import PumpDaemon
import PumpProtocol

/// The observable state of a pump service: its status (minus the clock-driven fields) and the motor lines.
struct PumpSnapshot: Equatable, CustomStringConvertible {
    var state: PumpStateDTO
    var sessionID: String?
    var drug: String?
    var patientID: String?
    var targetMl: Double
    var deliveredMl: Double
    var rateMlPerH: Double
    var motorEnabled: Bool
    /// Latched alarm codes; advisories raised by the passage of time alone are left out.
    var alarms: [String]
    /// ENABLE assertions and STEP pulses ever sent to the simulator.
    var enableAssertions: Int
    var stepPulses: Int

    /// Alarm codes that appear with time alone (not through a command) and so are not compared.
    static let timeDriven: Set<String> = ["paused-too-long", "near-end", "infusion-complete"]

    init(_ report: StatusReport, bay: SimulatorBay?) {
        state = report.state
        sessionID = report.sessionId
        drug = report.drug
        patientID = report.patientId
        targetMl = report.targetMl
        deliveredMl = report.deliveredMl
        rateMlPerH = report.rateMlPerH
        motorEnabled = report.motorEnabled
        alarms = report.alarms.map(\.code).filter { !Self.timeDriven.contains($0) }.sorted()
        enableAssertions = bay?.enableAssertions ?? 0
        stepPulses = bay?.stepPulsesSent ?? 0
    }

    var description: String {
        "state \(state.rawValue), session \(sessionID ?? "-"), target \(targetMl) mL, delivered \(deliveredMl) mL, "
            + "rate \(rateMlPerH) mL/h, motor \(motorEnabled ? "on" : "off"), alarms [\(alarms.joined(separator: ","))], "
            + "ENABLE asserted \(enableAssertions)×, \(stepPulses) steps"
    }
}
