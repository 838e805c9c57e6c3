// One way of giving a drug (a protocol), with every limit the planner checks.
//
// Two modes exist:
//   totalDose       a mg/kg total given evenly over a duration (the mood protocol: 0.5 mg/kg over 40 min);
//   continuousRate  a mg/kg/h rate held for a duration (the pain protocol: 0.35 mg/kg/h for 4 h).
// Exactly one of `dose` / `doseRate` is non-nil, matching `mode` (validated on load).
import Foundation

/// How a profile is prescribed.
public enum DosingMode: String, Sendable, Hashable, CaseIterable, Codable {
    /// A weight-based total (mg/kg) delivered evenly over a duration.
    case totalDose = "total-dose"
    /// A weight-based rate (mg/kg/h) held for a duration.
    case continuousRate = "continuous-rate"
}

/// A named protocol for one drug, with its limits and timing parameters.
public struct DrugProfile: Sendable, Hashable, Identifiable {
    /// Stable identifier, e.g. "mood" or "pain".
    public var id: String
    /// How the dose is prescribed.
    public var mode: DosingMode
    /// Limits on the session total (mg/kg); present exactly when `mode == .totalDose`.
    public var dose: DoseLimits<MilligramsPerKilogram>?
    /// Limits on the prescribed rate (mg/kg/h); present exactly when `mode == .continuousRate`.
    public var doseRate: DoseLimits<MilligramsPerKilogramPerHour>?
    /// Allowed planned infusing time.
    public var duration: DurationLimits
    /// No plan or titration may imply a higher weight-based rate than this.
    public var rateHardCap: MilligramsPerKilogramPerHour
    /// No plan or titration may give more than this in one session.
    public var sessionDoseHardMax: MilligramsPerKilogram
    /// After a pause the controller may run at most this multiple of the nominal rate to catch up.
    public var catchUpFactor: Double
    /// How long before the planned end the near-end warning sounds.
    public var nearEndWarning: Minutes
    /// How often a paused infusion reminds the nurse.
    public var pausedReminder: Minutes
    /// Whether every start of this profile needs an independent double check by a second nurse (a clinic's
    /// decision; pumpd.toml `double_check = "required"` requires it for every profile).
    public var doubleCheckRequired: Bool
    /// Whether `--override-reason` may replace that double check with a journaled single-person start.
    public var doubleCheckOverrideAllowed: Bool
    /// Whether a program may be larger than one syringe and continue in a new one (`syringe-change`); when
    /// false, the program plus dead space must fit the one syringe loaded (drug library
    /// `syringe_change_allowed`).
    public var syringeChangeAllowed: Bool

    /// Creates a profile; consistency is validated by the library loader.
    public init(
        id: String, mode: DosingMode,
        dose: DoseLimits<MilligramsPerKilogram>?, doseRate: DoseLimits<MilligramsPerKilogramPerHour>?,
        duration: DurationLimits, rateHardCap: MilligramsPerKilogramPerHour,
        sessionDoseHardMax: MilligramsPerKilogram, catchUpFactor: Double,
        nearEndWarning: Minutes, pausedReminder: Minutes,
        doubleCheckRequired: Bool = false, doubleCheckOverrideAllowed: Bool = false,
        syringeChangeAllowed: Bool = false
    ) {
        self.syringeChangeAllowed = syringeChangeAllowed
        self.doubleCheckRequired = doubleCheckRequired
        self.doubleCheckOverrideAllowed = doubleCheckOverrideAllowed
        self.id = id
        self.mode = mode
        self.dose = dose
        self.doseRate = doseRate
        self.duration = duration
        self.rateHardCap = rateHardCap
        self.sessionDoseHardMax = sessionDoseHardMax
        self.catchUpFactor = catchUpFactor
        self.nearEndWarning = nearEndWarning
        self.pausedReminder = pausedReminder
    }
}
