// The backend's own commanded-vs-measured rotation check (HAZ-005), pure so it is tested on recorded counts.
//
// Algorithm, run every `checkInterval` by the encoder thread while ENABLE is asserted:
// - On the first check after the motor was enabled the baseline is taken: (commanded net steps, encoder
//   count, edges, glitches). Nothing is judged on that check.
// - Every later check compares the motion measured since the baseline with the motion commanded: it must
//   lie between the commanded count at the PREVIOUS check and the commanded count now, ± `toleranceSteps`
//   (steps emitted during the last interval need not have produced their edges yet, so the race between a
//   STEP pulse and its edge event can never look like a lost step, at any rate).
// - Outside that band: if no encoder edge was seen during the last interval, the verdict is `encoder-fault`
//   (the encoder is stuck or disconnected, or the rotor did not move at all); otherwise `step-mismatch` (the
//   rotor moved, but not as commanded: stall with rotor twitch, slip, lost steps).
// - More than `glitchLimit` illegal transitions since the baseline: `encoder-fault` (noise, a broken line).
// - A verdict is given once per enable; `motorDisabled()` clears everything for the next enable.
// Detection time for a full stall at rate r steps/s: the first missed step comes within 1/r, is judged at
// most two check intervals later: ≤ 1/r + 2·checkInterval (1.3 steps/s, 100 ms: ≤ 0.97 s) when
// toleranceSteps < 1, one more step period per extra whole step of tolerance.
import Foundation
import PumpCore

/// The configured encoder: lines, scale and the check's tolerance.
public struct EncoderConfiguration: Sendable, Equatable {
    /// Channel A (leads B when the plunger moves towards infusing, unless `inverted`).
    public var a: GPIOInputLine
    /// Channel B.
    public var b: GPIOInputLine
    /// Quadrature counts (x4: every A and B edge) per encoder shaft revolution.
    public var countsPerRev: Double
    /// Motor microsteps per encoder shaft revolution (the ratio to the lead screw / motor shaft).
    public var microstepsPerRev: Double
    /// Largest |commanded − measured| in microsteps that is not a fault. Must be ≥ one count in microsteps.
    public var toleranceSteps: Double
    /// How often the check runs.
    public var checkInterval: MonotonicDuration
    /// Illegal transitions tolerated per enable before `encoder-fault`.
    public var glitchLimit: Int64
    /// Counts run negative when infusing (A lags B): swap the sign.
    public var inverted: Bool
    /// SCHED_FIFO priority for the encoder thread (best effort; nil: inherit). The kernel keeps only 16 edge
    /// events per line: a starved thread would lose edges, which reads as lost steps.
    public var realtimePriority: Int32?

    /// Creates an encoder configuration; defaults catch a stall within 1 s at 1.3 steps/s.
    public init(a: GPIOInputLine, b: GPIOInputLine, countsPerRev: Double, microstepsPerRev: Double,
                toleranceSteps: Double = 0.9, checkInterval: MonotonicDuration = .milliseconds(100),
                glitchLimit: Int64 = 8, inverted: Bool = false) {
        self.a = a
        self.b = b
        self.countsPerRev = countsPerRev
        self.microstepsPerRev = microstepsPerRev
        self.toleranceSteps = toleranceSteps
        self.checkInterval = checkInterval
        self.glitchLimit = glitchLimit
        self.inverted = inverted
    }

    /// Microsteps per quadrature count.
    public var stepsPerCount: Double { microstepsPerRev / countsPerRev }

    /// Why the configuration cannot work, or nil.
    public var problem: String? {
        guard countsPerRev.isFinite, countsPerRev > 0, microstepsPerRev.isFinite, microstepsPerRev > 0 else {
            return "counts_per_rev and microsteps_per_rev must be positive numbers"
        }
        guard toleranceSteps.isFinite, toleranceSteps >= stepsPerCount else {
            return "tolerance_steps \(toleranceSteps) is below one encoder count (\(stepsPerCount) microsteps): every healthy step would look like a fault"
        }
        guard checkInterval >= .milliseconds(10), checkInterval <= .seconds(1) else {
            return "check_interval_ms must be within 10...1000"
        }
        guard glitchLimit >= 0 else { return "glitch_limit must not be negative" }
        return nil
    }
}

/// The check's state between calls.
public struct EncoderCheck: Sendable {
    private struct Baseline {
        var commanded: Int64
        var counts: Int64
        var edges: Int64
        var glitches: Int64
    }

    private let configuration: EncoderConfiguration
    private var baseline: Baseline?
    private var commandedAtLastCheck: Int64?
    private var edgesAtLastCheck: Int64?
    private var judged = false

    /// Creates the check.
    public init(configuration: EncoderConfiguration) { self.configuration = configuration }

    /// Net measured motion in microsteps for a raw decoder count (sign per `inverted`, rounded to a step).
    public static func measuredSteps(counts: Int64, configuration: EncoderConfiguration) -> Int64 {
        let signed = configuration.inverted ? -Double(counts) : Double(counts)
        return CheckedConversion.saturating(signed * configuration.stepsPerCount, .toNearestOrAwayFromZero)
    }

    /// Forgets the baseline (the motor was disabled; the next enable starts a fresh comparison).
    public mutating func motorDisabled() {
        baseline = nil
        commandedAtLastCheck = nil
        edgesAtLastCheck = nil
        judged = false
    }

    /// One check while enabled. `commanded` is the net STEP count (infuse +1, retract −1).
    /// Returns a fault at most once per enable.
    public mutating func check(commanded: Int64, decoder: QuadratureDecoder) -> SensorFault? {
        guard !judged else { return nil }
        guard let base = baseline else {
            baseline = Baseline(commanded: commanded, counts: decoder.count, edges: decoder.edges,
                                glitches: decoder.glitches)
            commandedAtLastCheck = commanded
            edgesAtLastCheck = decoder.edges
            return nil
        }
        let recentEdges = decoder.edges != (edgesAtLastCheck ?? decoder.edges)
        edgesAtLastCheck = decoder.edges
        let earlier = (commandedAtLastCheck ?? commanded) - base.commanded, now = commanded - base.commanded
        commandedAtLastCheck = commanded
        let signedCounts = decoder.count - base.counts
        let measured = (configuration.inverted ? -Double(signedCounts) : Double(signedCounts)) * configuration.stepsPerCount
        let glitches = decoder.glitches - base.glitches
        if glitches > configuration.glitchLimit {
            judged = true
            return SensorFault(code: .encoderFault,
                message: "The rotation encoder produced \(glitches) illegal transitions (noise or a broken line); the motor was stopped.")
        }
        // Healthy: measured lies between what was commanded at the previous check and what is commanded now.
        let tolerance = configuration.toleranceSteps
        let low = Double(min(earlier, now)) - tolerance, high = Double(max(earlier, now)) + tolerance
        guard measured < low || measured > high else { return nil }
        let judgedCommanded = earlier
        judged = true
        let shown = String(format: "%.1f", measured)
        if !recentEdges {
            return SensorFault(code: .encoderFault,
                message: "The rotation encoder showed no motion while \(judgedCommanded) steps were commanded: encoder stuck or disconnected, or the motor did not turn; the motor was stopped.")
        }
        return SensorFault(code: .stepMismatch,
            message: "The encoder measured \(shown) steps of motion but \(judgedCommanded) were commanded (tolerance \(configuration.toleranceSteps)): stall or lost steps; the motor was stopped.")
    }
}
