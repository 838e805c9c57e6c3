// Small closed vocabularies used on the wire. Their raw values are the exact JSON strings.
import Foundation

/// The clinical profile of an infusion.
public enum Profile: String, Sendable, Codable, CaseIterable {
    /// Mood disorders: a weight-based dose over a fixed time (e.g. 0.5 mg/kg over 40 min).
    case mood
    /// Chronic pain: a weight-based rate (mg/kg/h) for a duration.
    case pain

    public init(from decoder: any Decoder) throws { self = try decoder.decodeWireEnum() }
}

/// Sex, used only to compute ideal or adjusted body weight.
public enum Sex: String, Sendable, Codable, CaseIterable {
    case female, male

    public init(from decoder: any Decoder) throws { self = try decoder.decodeWireEnum() }
}

/// Which weight the dose is computed from.
public enum DosingWeightBasis: String, Sendable, Codable, CaseIterable {
    /// The measured body weight.
    case actual
    /// Ideal body weight (Devine), needs height and sex.
    case ideal
    /// Adjusted body weight (ideal + 0.4 × (actual − ideal)), needs height and sex.
    case adjusted

    public init(from decoder: any Decoder) throws { self = try decoder.decodeWireEnum() }
}

/// The state of the pump as reported by `status`.
public enum PumpStateDTO: String, Sendable, Codable, CaseIterable {
    case idle, running, paused, alarm, interrupted, completed, stopped
    /// Started, motor off, waiting for a second person's `pumpctl verify` (pumpd.toml `double_check`).
    case awaitingCheck = "awaiting-check"

    public init(from decoder: any Decoder) throws { self = try decoder.decodeWireEnum() }
}

/// IEC 60601-1-8 alarm priority as shown on the wire.
public enum AlarmPriorityDTO: String, Sendable, Codable, CaseIterable {
    case high, medium, low

    public init(from decoder: any Decoder) throws { self = try decoder.decodeWireEnum() }
}

/// The hardware backend the daemon drives.
public enum BackendDTO: String, Sendable, Codable, CaseIterable {
    /// The plant simulator.
    case sim
    /// Real GPIO lines through libgpiod.
    case gpiod

    public init(from decoder: any Decoder) throws { self = try decoder.decodeWireEnum() }
}

/// The daemon's judgement of a computed program.
public enum Verdict: String, Sendable, Codable, CaseIterable {
    /// Within every limit (or every exceeded soft limit carries an override reason).
    case accepted
    /// Exceeds a soft limit: it may run only with an override reason.
    case needsOverride = "needs-override"
    /// Exceeds a hard limit: it never runs.
    case rejected

    public init(from decoder: any Decoder) throws { self = try decoder.decodeWireEnum() }
}

/// How serious a finding about a program is.
public enum FindingKind: String, Sendable, Codable, CaseIterable {
    /// Worth reading, never blocks.
    case warning
    /// Blocks unless overridden with a reason.
    case softLimit = "soft-limit"
    /// Always blocks.
    case hardLimit = "hard-limit"

    public init(from decoder: any Decoder) throws { self = try decoder.decodeWireEnum() }
}

/// A fault the simulator backend can be told to produce (`sim-inject`).
public enum SimFault: String, Sendable, Codable, CaseIterable {
    case occlusion
    case occlusionRelease = "occlusion-release"
    case stall
    case disengage
    case estopButton = "estop-button"
    case gpioWriteFailure = "gpio-write-failure"
    case syringeRemoved = "syringe-removed"
    case estopRelease = "estop-release"
    /// Clears `stall`: the drive moves again.
    case stallEnd = "stall-end"
    /// Clears `disengage`: the plunger is clamped again.
    case reengage
    /// Clears `gpio-write-failure`: the lines answer again.
    case gpioRecover = "gpio-recover"
    /// Clears `syringe-removed`: the syringe is seated and clamped again.
    case syringeInserted = "syringe-inserted"
    /// The simulated patient's blood pressure surges (needs the simulated monitor, `--sim-vitals`).
    case hypertensiveSurge = "hypertensive-surge"
    /// The surge ends; the patient model returns to its dose-driven course.
    case hypertensiveSurgeRelease = "hypertensive-surge-release"

    public init(from decoder: any Decoder) throws { self = try decoder.decodeWireEnum() }
}
