// Values written to and read from the session table. Quantities are typed (PumpCore units) so that a dose can
// never be stored as a volume or the other way round (HAZ-001); every quantity must be finite to be written.
import Foundation
import PumpCore

/// Identifies one infusion session in the journal.
public struct SessionID: Sendable, Hashable, Codable, RawRepresentable, CustomStringConvertible {
    /// The row id in the journal.
    public let rawValue: Int64
    /// Wraps a row id.
    public init(rawValue: Int64) { self.rawValue = rawValue }
    public var description: String { "session \(rawValue)" }
}

/// Everything recorded when a session is opened.
public struct SessionStart: Sendable, Hashable {
    /// The patient identifier, if one was entered.
    public var patientID: String?
    /// The drug name from the drug library.
    public var drug: String
    /// The drug-library profile (care area) used.
    public var profile: String
    /// The validated program, as the opaque JSON document the daemon supplies; returned verbatim on recovery.
    public var program: Data
    /// The programmed total dose.
    public var targetDose: Milligrams
    /// The programmed total volume.
    public var targetVolume: Milliliters
    /// The programmed total number of motor steps.
    public var targetSteps: Steps
    /// Wall-clock time of opening (display and audit only).
    public var wall: Date
    /// Monotonic time of opening (meaningful only within one boot).
    public var monotonic: MonotonicInstant
    /// Who opened the session.
    public var actor: JournalActor
    /// The library files in force, as one phrase for the session-open event's summary (nil: not named).
    public var libraries: String?
    /// Details of the session-open event (JSON; e.g. the libraries' versions, hashes and signers).
    public var openDetails: Data

    /// Creates a session start record.
    public init(
        patientID: String?, drug: String, profile: String, program: Data,
        targetDose: Milligrams, targetVolume: Milliliters, targetSteps: Steps,
        wall: Date, monotonic: MonotonicInstant, actor: JournalActor,
        libraries: String? = nil, openDetails: Data = Data("{}".utf8)
    ) {
        self.libraries = libraries
        self.openDetails = openDetails
        self.patientID = patientID
        self.drug = drug
        self.profile = profile
        self.program = program
        self.targetDose = targetDose
        self.targetVolume = targetVolume
        self.targetSteps = targetSteps
        self.wall = wall
        self.monotonic = monotonic
        self.actor = actor
    }
}

/// How a session ended.
public enum SessionOutcome: String, Sendable, Hashable, Codable, CaseIterable {
    /// The programmed dose was delivered.
    case completed
    /// A nurse stopped it.
    case stopped
    /// An emergency stop ended it.
    case estop
    /// It was interrupted (crash, restart, power loss) and a nurse chose not to continue it.
    case abandoned
}

/// What has been delivered so far, in all three units the pump tracks.
public struct DeliveredAmount: Sendable, Hashable, Codable {
    /// Motor steps emitted.
    public var steps: Steps
    /// Volume those steps displaced.
    public var volume: Milliliters
    /// Dose that volume contained.
    public var dose: Milligrams

    /// Creates a delivered amount.
    public init(steps: Steps, volume: Milliliters, dose: Milligrams) {
        self.steps = steps
        self.volume = volume
        self.dose = dose
    }

    /// Nothing delivered.
    public static let zero = DeliveredAmount(steps: .zero, volume: .zero, dose: .zero)

    /// Throws `.rejected` unless every quantity is finite and non-negative.
    func validate() throws(JournalError) {
        guard steps.count >= 0, volume.isFinite, volume.value >= 0, dose.isFinite, dose.value >= 0 else {
            throw .rejected("delivered amount must be finite and non-negative: \(steps), \(volume), \(dose)")
        }
    }
}

/// The durable progress record of a session, written at least every second while infusing.
public struct CheckpointRecord: Sendable, Hashable {
    /// Delivered so far.
    public var delivered: DeliveredAmount
    /// The supervisor state name at this checkpoint (for people; not parsed).
    public var state: String
    /// Whether the motor was enabled and stepping at this checkpoint.
    public var infusing: Bool
    /// Monotonic time of the checkpoint (meaningful only within the boot that wrote it).
    public var monotonic: MonotonicInstant
    /// Wall-clock time of the checkpoint.
    public var wall: Date
    /// Steps included in `delivered` that may never have been delivered (carried from an earlier recovery).
    public var uncertain: Steps

    /// Creates a checkpoint record.
    public init(delivered: DeliveredAmount, state: String, infusing: Bool, monotonic: MonotonicInstant, wall: Date,
                uncertain: Steps = .zero) {
        self.delivered = delivered
        self.state = state
        self.infusing = infusing
        self.monotonic = monotonic
        self.wall = wall
        self.uncertain = uncertain
    }
}
