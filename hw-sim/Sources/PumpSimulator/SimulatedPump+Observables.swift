// What tests and the accuracy tools can see of the plant: the true state, not what the sensors report.
// Every time-dependent value is evaluated at the clock's current instant on the exact line solution.
import Foundation
import PumpCore

extension SimulatedPump {
    /// The ENABLE line as last written successfully (true: driver energised).
    public var motorEnabled: Bool { observe { $0.drive.enabled } }
    /// The DIR line as last written successfully.
    public var direction: MotorDirection { observe { $0.drive.direction } }
    /// The alarm indication last written successfully (`.normal` at start).
    public var alarmIndication: AlarmIndication { observe { $0.alarmIndication } }
    /// Whether the buzzer's audio is paused (last successful write; `false` at start). The LEDs keep showing
    /// `alarmIndication` meanwhile.
    public var alarmAudioPaused: Bool { observe { $0.alarmAudioPaused } }
    /// Whether the buzzer pattern may sound now: an alarm indication is set and its audio is not paused.
    public var buzzerAudible: Bool { observe { $0.alarmIndication != .normal && !$0.alarmAudioPaused } }
    /// Every STEP pulse that reached the driver (a failed `emitStep` is not a pulse).
    public var stepPulsesReceived: Int { observe { $0.stepPulsesReceived } }
    /// STEP pulses received while ENABLE was de-asserted (they move nothing).
    public var stepPulsesWhileDisabled: Int { observe { $0.stepPulsesWhileDisabled } }
    /// Pulses that turned nothing or moved the pusher without the plunger, by cause.
    public var lostSteps: LostStepCounts { observe { $0.lostSteps } }
    /// True plunger position: net forward steps since the loaded syringe went in (a perfect encoder counts
    /// these plus the earlier syringes' steps).
    public var plungerSteps: Steps { observe { Steps($0.barrel.position) } }
    /// Plunger position at which the stopper bottoms out: ⌊(fill − dead space) / ΔV_true⌋.
    public var endOfTravelPosition: Steps { observe { Steps($0.barrel.stopPosition) } }
    /// True volume moved per plunger step (nominal geometry × `syringeVolumeFactor`).
    public var trueVolumePerStep: Microliters { observe { Microliters($0.volumePerStep) } }
    /// Net volume pushed out of the barrel by the plunger (true volume, not the nominal geometry's).
    public var volumeDisplaced: Milliliters { observe { Microliters($0.displaced).milliliters } }
    /// Volume that has reached the patient up to now: the exact integral of the outflow.
    public var volumeDeliveredToPatient: Milliliters { observe { Microliters($0.line.delivered).milliliters } }
    /// True line pressure now (the force sensor reads this only while the plunger is clamped).
    public var linePressure: MillimetersOfMercury { observe { MillimetersOfMercury($0.line.pressure) } }
    /// Volume stored in the line compliance above venous pressure now: C·(P − P_v).
    public var storedVolume: Milliliters { observe { Microliters($0.line.storedVolume).milliliters } }
    /// The compliance C in use for this syringe.
    public var compliance: HydraulicCompliance { observe { HydraulicCompliance($0.line.compliance) } }
    /// The line is occluded now.
    public var isOccluded: Bool { observe { $0.line.occluded } }
    /// Instants of the forward STEP pulses executed by the enabled driver (whether or not the plunger then
    /// moved), when `parameters.recordStepTimes`; empty otherwise.
    public var stepTimes: [MonotonicInstant] { observe { $0.stepTimes } }
    /// Every injected fault with the instant it took effect, oldest first.
    public var faultLog: [InjectedFault] { observe { $0.faultLog } }

    /// The unintended bolus after the last `occlusionRelease`, defined as
    ///
    ///     bolus(t) = [delivered(t) − delivered(t_r)] − [displaced(t) − displaced(t_r)]
    ///
    /// i.e. what reached the patient since the release beyond what the plunger pushed in that time: the
    /// volume that left the line compliance, C·(P(t_r) − P(t)) (while P stays above the floor). With the
    /// motor stopped it tends to C·(P(t_r) − P_v); a back-off of N steps before the release lowers it by N·ΔV.
    /// With the motor still running at Q it tends to C·(P(t_r) − P_v − R·Q). `nil` before any release.
    public var bolusSinceLastRelease: Milliliters? {
        observe { plant in plant.bolusSinceLastRelease.map { Microliters($0).milliliters } }
    }

    /// The instant of the last `occlusionRelease`, if any.
    public var lastOcclusionRelease: MonotonicInstant? { observe { $0.lastRelease?.time } }

    /// Delivered volume, displaced volume and pressure sampled every `parameters.deliverySampleInterval`
    /// from the pump's creation up to and including now (empty when no interval is set). For the
    /// IEC 60601-2-24 start-up and trumpet curves, set the interval to 30 s and run 2 h.
    public func deliveredVolumeTimeline() -> [DeliverySample] {
        observe { $0.recorder?.samples ?? [] }
    }
}
