// The parameters of `titrate`: change exactly one of dose, duration or rate of the running infusion.
import Foundation

/// A change to the running infusion. Exactly one of the three targets is set.
public struct TitrateParameters: Sendable, Equatable, Codable {
    /// New total dose, mg per kg of dosing weight.
    public var doseMgPerKg: Double?
    /// New total duration, minutes from the start of the session.
    public var durationMin: Double?
    /// New dose rate, mg per kg per hour.
    public var rateMgPerKgPerH: Double?
    /// Reason for overriding a soft limit, logged.
    public var overrideReason: String?
    /// `true`: compute and return the new program without applying it.
    public var dryRun: Bool
    /// `true` only after the nurse confirmed the change; required unless `dryRun`.
    public var confirmed: Bool

    /// Creates titration parameters.
    public init(
        doseMgPerKg: Double? = nil, durationMin: Double? = nil, rateMgPerKgPerH: Double? = nil,
        overrideReason: String? = nil, dryRun: Bool, confirmed: Bool
    ) {
        self.doseMgPerKg = doseMgPerKg
        self.durationMin = durationMin
        self.rateMgPerKgPerH = rateMgPerKgPerH
        self.overrideReason = overrideReason
        self.dryRun = dryRun
        self.confirmed = confirmed
    }

    /// How many of the three targets are set; a valid titration sets exactly one.
    public var targetCount: Int {
        [doseMgPerKg, durationMin, rateMgPerKgPerH].filter { $0 != nil }.count
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case confirmed
        case doseMgPerKg = "dose_mg_per_kg"
        case durationMin = "duration_min"
        case rateMgPerKgPerH = "rate_mg_per_kg_per_h"
        case overrideReason = "override_reason"
        case dryRun = "dry_run"
    }
}
