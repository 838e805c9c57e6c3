// The whole deterministic plant: driver and screw, syringe, line, switches, GPIO fault state, counters.
// A value type with no clock and no lock: every operation takes the instant it happens at, so the model is
// a pure function of (parameters, geometry, fill, the timed sequence of operations). `SimulatedPump` owns
// one, serialises access with a lock, reads the injected clock and dispatches input events.
//
// Volumes: ΔV_true = ΔV_nominal(geometry) × syringeVolumeFactor per plunger step.
//   displaced = ΔV_true × net plunger steps;   delivered comes from the line model (LineModel.swift).
// Invariant: before anything changes at instant t, `advance(to: t)` has brought the line and the recorder
// to t, so every state change happens at a known instant on the exact solution.
import Foundation
import PumpCore

/// Steps that reached the driver but did not move the plunger, by cause.
public struct LostStepCounts: Sendable, Equatable {
    /// Forward pulses the stalled motor did not turn.
    public var stall = 0
    /// Pulses that took up the start-up slack.
    public var startupSlack = 0
    /// Pulses that took up lead-screw backlash after a reversal.
    public var backlash = 0
    /// Pulses the pusher made while the plunger was unclamped or the syringe out.
    public var disengaged = 0
    /// Forward pulses against the bottomed-out stopper.
    public var endOfTravel = 0
    /// All causes together.
    public var total: Int { stall + startupSlack + backlash + disengaged + endOfTravel }
}

/// The release snapshot behind `bolusSinceLastRelease`.
struct ReleaseMark: Sendable {
    var time: MonotonicInstant
    var delivered: Double
    var displaced: Double
}

/// The deterministic plant model.
struct Plant: Sendable {
    let parameters: PlantParameters
    /// True volume per plunger step, µL.
    let volumePerStep: Double

    var drive: DriveTrain
    var barrel: SyringeBarrel
    var line: LineModel
    var switches = SwitchBank()
    var emergencyStopPressed = false

    var failingWrites: Set<HardwareError.Operation> = []
    var readFails = false
    var closed = false
    var alarmIndication: AlarmIndication = .normal
    var alarmAudioPaused = false

    var stepPulsesReceived = 0
    var stepPulsesWhileDisabled = 0
    var lostSteps = LostStepCounts()
    var stepTimes: [MonotonicInstant] = []
    var recorder: DeliveryRecorder?
    var faultLog: [InjectedFault] = []
    var lastRelease: ReleaseMark?
    /// Volume (µL) and plunger steps the syringes before the loaded one displaced (`changeSyringe`).
    var earlierDisplaced: Double = 0
    var earlierPositions: Int64 = 0
    /// Syringes loaded so far (1 until the first change).
    var syringesLoaded = 1

    init(geometry: SyringeGeometry, fill: Milliliters, parameters: PlantParameters, start: MonotonicInstant) {
        self.parameters = parameters
        let perStep = geometry.volumePerStep.value * parameters.syringeVolumeFactor
        volumePerStep = perStep
        drive = DriveTrain(backlashSteps: parameters.backlashSteps, startupSlackSteps: parameters.startupSlackSteps,
                           lastTurn: parameters.backlashPendingAtStart ? .retract : nil)
        let pushable = (fill - geometry.syringe.deadSpace).microliters.value
        let stop = perStep > 0 && pushable > 0 ? Int64((pushable / perStep + 1e-9).rounded(.down)) : 0
        barrel = SyringeBarrel(stopPosition: stop)
        line = LineModel(
            compliance: parameters.compliance.compliance(for: geometry).value,
            resistance: parameters.resistance.value, venousPressure: parameters.venousPressure.value,
            pressureFloor: parameters.pressureFloor.value, start: start)
        if let interval = parameters.deliverySampleInterval {
            recorder = DeliveryRecorder(interval: interval, start: start)
        }
        _ = switches.edges(for: truth)
    }

    /// Net volume displaced by the plungers of every syringe loaded so far, µL.
    var displaced: Double { earlierDisplaced + Double(barrel.position) * volumePerStep }

    /// Brings the line (and the sample recorder) to `instant`.
    mutating func advance(to instant: MonotonicInstant) {
        let (currentLine, currentDisplaced) = (line, displaced)
        recorder?.catchUp(to: instant, line: currentLine, displacedMicroliters: currentDisplaced)
        line.advance(to: instant)
    }

    /// Pressure as the force sensor in the pusher sees it: the line pressure while it presses a clamped
    /// plunger, 0 mmHg (no load) when the plunger is unclamped or the syringe is out.
    var sensedPressure: Double { barrel.present && barrel.clamped ? line.pressure : 0 }

    /// The physical state of every switch.
    var truth: SwitchStates {
        SwitchStates(
            emergencyStop: emergencyStopPressed,
            syringePresent: barrel.present,
            plungerClamped: barrel.present && barrel.clamped,
            endOfTravel: barrel.atStop,
            occlusionSwitch: sensedPressure >= parameters.occlusionSwitchSetPoint.value)
    }

    /// The alarm edges since the last evaluation.
    mutating func inputEdges() -> [PumpInputEvent] { switches.edges(for: truth) }

    /// `bolusSinceLastRelease` in µL at the plant's current time.
    var bolusSinceLastRelease: Double? {
        guard let mark = lastRelease else { return nil }
        return (line.delivered - mark.delivered) - (displaced - mark.displaced)
    }
}
