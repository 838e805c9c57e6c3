// The facts of one infusion session the engine needs: numbers already validated by the dose planner and
// the supervisor's independently derived caps.
import Foundation
import PumpCore

/// One programmed infusion, as the control loop sees it.
public struct InfusionSession: Sendable, Equatable {
    /// Session identifier (journal key).
    public var id: String
    /// Drug name, for status.
    public var drug: String
    /// Profile id ("mood", "pain").
    public var profile: String
    /// Patient identifier, if given.
    public var patientID: String?
    /// Dosing weight (for mg/kg/h display).
    public var dosingWeight: Kilograms
    /// Concentration in the syringe.
    public var concentration: MilligramsPerMilliliter
    /// Syringe on this drive.
    public var geometry: SyringeGeometry
    /// Steps to deliver (rounded down from the planned volume).
    public var targetSteps: Steps
    /// Planned duration from start to end.
    public var duration: Minutes
    /// Nominal rate of the plan (for the remaining part after a titration).
    public var nominalRate: MillilitersPerHour
    /// Catch-up factor from the drug library.
    public var catchUpFactor: Double
    /// Near-end warning lead time.
    public var nearEndWarning: Minutes
    /// Paused-too-long reminder interval.
    public var pausedReminder: Minutes
    /// The supervisor's caps.
    public var limits: SupervisorLimits
    /// The vital-sign interlock limits (from the drug library); nil switches the interlock off for this
    /// session (engine tests that are not about vital signs).
    public var vitalThresholds: VitalSignThresholds?
    /// Whether the drug profile lets this program continue in a new syringe (`syringe-change`).
    public var syringeChangeAllowed = false
    /// The syringe loaded now (the first one's fill is the nominal volume unless stated).
    public var syringe: SyringeLoad

    /// Creates a session.
    public init(
        id: String, drug: String, profile: String, patientID: String?, dosingWeight: Kilograms,
        concentration: MilligramsPerMilliliter, geometry: SyringeGeometry, targetSteps: Steps, duration: Minutes,
        nominalRate: MillilitersPerHour, catchUpFactor: Double, nearEndWarning: Minutes, pausedReminder: Minutes,
        limits: SupervisorLimits
    ) {
        self.id = id
        self.drug = drug
        self.profile = profile
        self.patientID = patientID
        self.dosingWeight = dosingWeight
        self.concentration = concentration
        self.geometry = geometry
        self.targetSteps = targetSteps
        self.duration = duration
        self.nominalRate = nominalRate
        self.catchUpFactor = catchUpFactor
        self.nearEndWarning = nearEndWarning
        self.pausedReminder = pausedReminder
        self.limits = limits
        syringe = SyringeLoad(index: 1, fill: geometry.syringe.nominalVolume, loadedAtSteps: .zero)
    }

    /// The target volume (exactly the volume of `targetSteps`).
    public var targetVolume: Milliliters { geometry.volume(for: targetSteps) }
    /// The target dose.
    public var targetDose: Milligrams { targetVolume * concentration }
}
