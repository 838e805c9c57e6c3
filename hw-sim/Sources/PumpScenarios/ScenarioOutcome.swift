// What a scenario run measured, and the expectation check shared by every runner.
import Foundation
import PumpCore

/// The measured result of one scenario run.
public struct ScenarioOutcome: Sendable, CustomStringConvertible {
    /// The scenario.
    public var scenarioID: String
    /// The program or start was refused.
    public var refused = false
    /// Alarms raised, in order, with seconds after the start.
    public var raised: [(code: AlarmCode, atSeconds: Double)] = []
    /// Final state.
    public var state: PumpState = .idle
    /// Volume the plunger really pushed out (plant truth, in both runners), mL.
    public var deliveredML = 0.0
    /// Final ENABLE line.
    public var motorEnabled = false
    /// Forward plunger motion after the first delivery-stopping alarm, in steps (nil: no such alarm).
    public var stepsAfterTrip: Int64?
    /// STEP pulses that reached a disabled driver (must be 0).
    public var pulsesWhileDisabled = 0
    /// Bolus after the last occlusion release, mL.
    public var bolusML: Double?
    /// Problems found while running the timeline (an action that had to be refused was accepted, …).
    public var runErrors: [String] = []

    /// An empty outcome for `scenarioID` (runners fill it in).
    public init(scenarioID: String) { self.scenarioID = scenarioID }

    /// The first delivery-stopping alarm.
    public var firstStoppingAlarm: (code: AlarmCode, atSeconds: Double)? { raised.first { $0.code.stopsDelivery } }

    public var description: String {
        let alarm = firstStoppingAlarm.map { "\($0.code.rawValue) at \(String(format: "%.2f", $0.atSeconds)) s" } ?? "none"
        return "\(scenarioID): \(refused ? "refused, " : "")state \(state.rawValue), delivered \(String(format: "%.4f", deliveredML)) mL, first stopping alarm \(alarm), ENABLE \(motorEnabled ? "on" : "off")"
    }

    /// The violations that are physical harm, not a missing alarm or state: drug past the expected maximum, a
    /// bolus over its bound, ENABLE left on, plunger motion after a trip, STEP pulses into a disabled driver, or
    /// "completed" reported with less delivered than the expected minimum (uncertain delivery). A sensitivity run
    /// must show one of these (issue 13: a missing alarm code alone proved nothing).
    public func harms(of expect: ScenarioExpectation) -> [String] {
        var found: [String] = []
        if let max = expect.deliveredMaxML, deliveredML > max {
            found.append("delivered \(deliveredML) mL, above the expected maximum \(max) mL")
        }
        if let min = expect.deliveredMinML, deliveredML < min, state == .completed {
            found.append("reported completed with \(deliveredML) mL delivered, below the expected minimum \(min) mL")
        }
        if let max = expect.bolusMaxML, let bolus = bolusML, bolus > max {
            found.append("bolus after release \(bolus) mL, above \(max) mL")
        }
        if expect.motorEnabled == false, motorEnabled { found.append("ENABLE left on at the end") }
        if let after = stepsAfterTrip, after > 0, expect.noStepsAfterTrip {
            found.append("the plunger moved \(after) steps forward after the trip")
        }
        if pulsesWhileDisabled > 0 { found.append("\(pulsesWhileDisabled) STEP pulses reached a disabled driver") }
        return found
    }

    /// Every expectation of `expect` this outcome violates, as sentences naming the expectation (empty: passed).
    public func violations(of expect: ScenarioExpectation) -> [String] {
        var found = runErrors
        if expect.refused != refused {
            found.append(expect.refused ? "expected the program to be refused, but it started" : "the program was refused")
        }
        let codes = raised.map(\.code)
        for code in expect.alarms where !codes.contains(code) {
            found.append("expected alarm \(code.rawValue), raised: \(codes.map(\.rawValue))")
        }
        if let by = expect.alarmBySeconds {
            let first = raised.first { expect.alarms.contains($0.code) }
            if let first, first.atSeconds > by {
                found.append("alarm \(first.code.rawValue) at \(first.atSeconds) s, expected by \(by) s")
            }
        }
        if expect.noStoppingAlarm, let alarm = firstStoppingAlarm {
            found.append("expected no delivery-stopping alarm, got \(alarm.code.rawValue) at \(alarm.atSeconds) s")
        }
        if let state = expect.state, state != self.state {
            found.append("expected final state \(state.rawValue), got \(self.state.rawValue)")
        }
        if let min = expect.deliveredMinML, deliveredML < min {
            found.append("delivered \(deliveredML) mL, below the expected minimum \(min) mL")
        }
        if let max = expect.deliveredMaxML, deliveredML > max {
            found.append("delivered \(deliveredML) mL, above the expected maximum \(max) mL")
        }
        if let enabled = expect.motorEnabled, enabled != motorEnabled {
            found.append("expected ENABLE \(enabled ? "on" : "off") at the end, it is \(motorEnabled ? "on" : "off")")
        }
        if expect.noStepsAfterTrip {
            if let after = stepsAfterTrip {
                if after > 0 { found.append("the plunger moved \(after) steps forward after the trip") }
            } else {
                found.append("expected a delivery-stopping trip, none happened")
            }
        }
        if let max = expect.bolusMaxML {
            if let bolus = bolusML {
                if bolus > max { found.append("bolus after release \(bolus) mL, above \(max) mL") }
            } else {
                found.append("expected a bolus measurement, but the occlusion was never released")
            }
        }
        if pulsesWhileDisabled > 0 { found.append("\(pulsesWhileDisabled) STEP pulses reached a disabled driver") }
        return found
    }
}
