// The pusher mechanics: a lead screw turned by a microstepping stepper.
// Defaults are the OpenSyringePump values (clinical-reference §5): M8 rod, 1.25 mm lead, 200 full steps per
// revolution, 16 microsteps, i.e. 2560 microsteps per millimetre of plunger travel.
import Foundation

/// Lead screw and stepper parameters.
public struct DriveMechanics: Sendable, Equatable, Codable {
    /// Plunger travel per screw revolution.
    public var lead: Millimeters
    /// Full steps per motor revolution.
    public var fullStepsPerRevolution: Int
    /// Microsteps per full step.
    public var microsteps: Int

    /// Creates mechanics; the defaults are M8 1.25 mm, 200 steps/rev, 1/16 microstepping.
    public init(lead: Millimeters = Millimeters(1.25), fullStepsPerRevolution: Int = 200, microsteps: Int = 16) {
        self.lead = lead
        self.fullStepsPerRevolution = fullStepsPerRevolution
        self.microsteps = microsteps
    }

    /// Microsteps per millimetre of plunger travel.
    public var microstepsPerMillimeter: Double {
        Double(fullStepsPerRevolution * microsteps) / lead.value
    }

    /// Plunger travel of one microstep.
    public var travelPerStep: Millimeters { Millimeters(1 / microstepsPerMillimeter) }
}
