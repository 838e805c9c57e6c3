// IEC 60601-1-8 alarm signals, simplified and as pure logic: a function from (indication, time since the
// indication was set) to the four alarm outputs. The pattern thread samples it every `tick`.
//
//   high   : red flashing 2 Hz (250 ms on / 250 ms off; standard: 1.4-2.8 Hz, 20-60 % duty),
//            buzzer bursts of 10 pulses (150 ms on / 100 ms off), a burst every 5 s
//   medium : yellow flashing 0.5 Hz (1 s on / 1 s off; standard: 0.4-0.8 Hz),
//            buzzer bursts of 3 pulses (150 ms on / 100 ms off), a burst every 10 s
//   low    : yellow constant, one 150 ms pulse when the indication starts (not repeated)
//   normal : green constant, buzzer silent
// Simplifications, stated: a single-tone active buzzer (no melody or pitch), equal pulse spacing inside a
// burst (the standard's 3+2 / 3+2 grouping of the high-priority burst is not modelled).
import PumpCore

/// The alarm outputs at one instant.
public struct AlarmOutputs: Sendable, Equatable {
    /// Red LED lit.
    public var red: Bool
    /// Yellow LED lit.
    public var yellow: Bool
    /// Green LED lit.
    public var green: Bool
    /// Buzzer sounding.
    public var buzzer: Bool

    /// Creates an output set.
    public init(red: Bool = false, yellow: Bool = false, green: Bool = false, buzzer: Bool = false) {
        self.red = red
        self.yellow = yellow
        self.green = green
        self.buzzer = buzzer
    }
}

/// The alarm light and sound patterns.
public enum AlarmPattern {
    /// How often the pattern thread samples the pattern.
    public static let tick = MonotonicDuration.milliseconds(25)
    /// Buzzer pulse on-time.
    public static let pulseOn = MonotonicDuration.milliseconds(150)
    /// Buzzer pulse period (on + off).
    public static let pulsePeriod = MonotonicDuration.milliseconds(250)

    /// The outputs for `indication`, `elapsed` after it was set.
    public static func outputs(_ indication: AlarmIndication, elapsed: MonotonicDuration) -> AlarmOutputs {
        let t = max(elapsed.nanoseconds, 0)
        switch indication {
        case .normal:
            return AlarmOutputs(green: true)
        case .low:
            return AlarmOutputs(yellow: true, buzzer: burst(t, pulses: 1, every: nil))
        case .medium:
            return AlarmOutputs(yellow: flashing(t, period: .milliseconds(2000)), buzzer: burst(t, pulses: 3, every: .milliseconds(10_000)))
        case .high:
            return AlarmOutputs(red: flashing(t, period: .milliseconds(500)), buzzer: burst(t, pulses: 10, every: .milliseconds(5000)))
        }
    }

    /// The outputs with the audio paused or not: a paused buzzer stays off while the LEDs keep the pattern
    /// (IEC 60601-1-8 "audio paused").
    public static func outputs(_ indication: AlarmIndication, elapsed: MonotonicDuration, audioPaused: Bool) -> AlarmOutputs {
        var outputs = outputs(indication, elapsed: elapsed)
        if audioPaused { outputs.buzzer = false }
        return outputs
    }

    /// On for the first half of each period.
    private static func flashing(_ t: Int64, period: MonotonicDuration) -> Bool {
        t % period.nanoseconds < period.nanoseconds / 2
    }

    /// `pulses` pulses at the start of each `every` period (once only when `every` is nil).
    private static func burst(_ t: Int64, pulses: Int64, every: MonotonicDuration?) -> Bool {
        let inCycle = every.map { t % $0.nanoseconds } ?? t
        let pulse = inCycle / pulsePeriod.nanoseconds
        return pulse < pulses && inCycle % pulsePeriod.nanoseconds < pulseOn.nanoseconds
    }
}
