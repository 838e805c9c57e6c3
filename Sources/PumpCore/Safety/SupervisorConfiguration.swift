// Tunable supervisor settings that do not depend on the drug (pump-level safety parameters).
import Foundation

/// One independent safety check, named so that a sensitivity test can disable exactly one.
public enum SafetyCheck: String, Sendable, CaseIterable {
    case rateCap, totalCap, stepMismatch, heartbeat, occlusionPressure, occlusionTrend, endOfTravel
    case syringePresence, plungerClamp, emergencyStop, hardwareErrors, programmedTarget
    /// The delivery lease ceiling in the gate and the emitter's budget (HAZ-010, HAZ-014).
    case deliveryLease
}

/// Pump-level supervisor settings.
public struct SupervisorConfiguration: Sendable, Equatable {
    /// The control loop's period; a heartbeat older than `heartbeatTolerance` periods trips.
    public var controlPeriod: MonotonicDuration
    /// Missed control periods tolerated before `heartbeat-missed` (the requirement is "> 2").
    public var heartbeatTolerance: Int64
    /// Largest allowed difference between commanded steps and measured plunger steps.
    public var stepMismatchTolerance: Int64
    /// Steps the rate limiter lets through as a burst above the capped rate (late-timer catch-up).
    public var rateBurstSteps: Double
    /// Occlusion alarm pressure (absolute).
    public var occlusionPressure: MillimetersOfMercury
    /// Rising-pressure trend detection windows (short for fast climbs, long for slow ones).
    public var trendWindows: [MonotonicDuration]
    /// Minimum rise across the whole trend window for the trend to count as an occlusion.
    public var trendMinimumRise: MillimetersOfMercury
    /// A sample may drop this much below the previous one and still count as "rising" (sensor noise).
    public var trendNoise: MillimetersOfMercury
    /// The pump's own maximum rate, whatever the drug.
    public var pumpMaxRate: MillilitersPerHour
    /// Checks switched off. TEST-ONLY: production code never sets this; sensitivity tests use it to prove
    /// that each check is what prevents its hazard.
    @_spi(Testing) public var disabledChecksForTesting: Set<SafetyCheck> = []

    /// Creates a configuration with fail-safe defaults.
    public init(
        controlPeriod: MonotonicDuration = .milliseconds(50), heartbeatTolerance: Int64 = 2,
        stepMismatchTolerance: Int64 = 8, rateBurstSteps: Double = 4,
        occlusionPressure: MillimetersOfMercury = MillimetersOfMercury(300),
        trendWindows: [MonotonicDuration] = [.seconds(Int64(30)), .seconds(Int64(120)), .seconds(Int64(300))],  // checked: integer literals
        trendMinimumRise: MillimetersOfMercury = MillimetersOfMercury(15),
        trendNoise: MillimetersOfMercury = MillimetersOfMercury(0.5),
        pumpMaxRate: MillilitersPerHour = MillilitersPerHour(150)
    ) {
        self.controlPeriod = controlPeriod
        self.heartbeatTolerance = heartbeatTolerance
        self.stepMismatchTolerance = stepMismatchTolerance
        self.rateBurstSteps = rateBurstSteps
        self.occlusionPressure = occlusionPressure
        self.trendWindows = trendWindows
        self.trendMinimumRise = trendMinimumRise
        self.trendNoise = trendNoise
        self.pumpMaxRate = pumpMaxRate
    }

    func isEnabled(_ check: SafetyCheck) -> Bool { !disabledChecksForTesting.contains(check) }
}
