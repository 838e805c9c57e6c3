// The parameters of `syringe-change` and what the pump answers before it is confirmed (issue 14 item 2).
import Foundation

/// A new syringe for the open program: its model (re-checked against the program's), the volume drawn into it
/// and, optionally, its concentration (re-checked against the program's).
public struct SyringeChangeParameters: Sendable, Equatable, Codable {
    /// Syringe model id; must be the program's model (the step geometry and caps are derived from it).
    public var syringe: String
    /// Volume drawn into the new syringe, dead space included, mL (nil: its nominal volume).
    public var fillMl: Double?
    /// The concentration on the new syringe's label, mg/mL; when given it must be the program's.
    public var concentrationMgPerMl: Double?
    /// `false`: answer what follows (a `syringe_change` summary) and change nothing; `true`: load it and continue.
    public var confirmed: Bool

    /// Creates the parameters.
    public init(syringe: String, fillMl: Double? = nil, concentrationMgPerMl: Double? = nil, confirmed: Bool) {
        self.syringe = syringe
        self.fillMl = fillMl
        self.concentrationMgPerMl = concentrationMgPerMl
        self.confirmed = confirmed
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case syringe, confirmed
        case fillMl = "fill_ml"
        case concentrationMgPerMl = "concentration_mg_per_ml"
    }
}

/// What a syringe change would do: the syringe it loads and what follows from it.
public struct SyringeChangeSummary: Sendable, Equatable, Codable {
    /// The number the new syringe gets (2 for the first change).
    public var syringeIndex: Int
    /// Syringe model.
    public var syringe: String
    /// Volume drawn into it, dead space included.
    public var fillMl: Double
    /// The program's concentration (the new syringe must hold the same).
    public var concentrationMgPerMl: Double
    /// Delivered so far, over every syringe (never reset).
    public var deliveredMg: Double
    public var deliveredMl: Double
    /// What the program still has to deliver.
    public var remainingMg: Double
    public var remainingMl: Double
    /// What this syringe will deliver of it (less than `remainingMl` when another change follows).
    public var fromThisSyringeMl: Double
    /// Whether the program needs yet another syringe after this one.
    public var anotherChangeNeeded: Bool
    /// When the program is expected to end if it continues now (wall clock), or nil when unknown.
    public var expectedEnd: Date?

    /// Creates a summary.
    public init(syringeIndex: Int, syringe: String, fillMl: Double, concentrationMgPerMl: Double, deliveredMg: Double,
                deliveredMl: Double, remainingMg: Double, remainingMl: Double, fromThisSyringeMl: Double,
                anotherChangeNeeded: Bool, expectedEnd: Date?) {
        self.syringeIndex = syringeIndex
        self.syringe = syringe
        self.fillMl = fillMl
        self.concentrationMgPerMl = concentrationMgPerMl
        self.deliveredMg = deliveredMg
        self.deliveredMl = deliveredMl
        self.remainingMg = remainingMg
        self.remainingMl = remainingMl
        self.fromThisSyringeMl = fromThisSyringeMl
        self.anotherChangeNeeded = anotherChangeNeeded
        self.expectedEnd = expectedEnd
    }

    enum CodingKeys: String, CodingKey {
        case syringe
        case syringeIndex = "syringe_index"
        case fillMl = "fill_ml"
        case concentrationMgPerMl = "concentration_mg_per_ml"
        case deliveredMg = "delivered_mg"
        case deliveredMl = "delivered_ml"
        case remainingMg = "remaining_mg"
        case remainingMl = "remaining_ml"
        case fromThisSyringeMl = "from_this_syringe_ml"
        case anotherChangeNeeded = "another_change_needed"
        case expectedEnd = "expected_end"
    }
}
