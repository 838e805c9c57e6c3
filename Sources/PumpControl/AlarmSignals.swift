// IEC 60601-1-8 alarm signal handling on top of the alarm conditions: "audio paused" (the audible signal of
// the active alarms is silenced for a limited time while the visual signal continues) and the escalation of
// an unacknowledged medium alarm to high. Pure bookkeeping on the pump's monotonic clock, so at N× simulation
// speed every time here runs N× faster, like every other alarm time. The engine owns one and asks it, on every
// tick and alarm change, what the outputs must do.
//
// Rules:
//   - `silence` pauses the alarms active now (one code, or all), each until now + the audio-pause time.
//   - The buzzer is paused while every unpaused active alarm has a lower priority than the highest paused
//     one: a new alarm of the same or a higher priority sounds at once, a lower one is shown but stays quiet.
//   - A pause ends by itself at its time, and with its alarm (acknowledged or cleared).
//   - A medium alarm active longer than the escalation time counts as high from then on, and an escalation
//     ends that alarm's audio pause (it is, in effect, a new higher-priority alarm). The time counts from when
//     the condition was first seen unacknowledged: a reminder that re-raises it (paused-too-long) does not
//     restart it.
import PumpCore

/// The alarm-signal times (pumpd.toml `alarm_audio_pause_s`, `alarm_escalation_min`).
public struct AlarmSignalSettings: Sendable, Equatable {
    /// How long `silence` pauses the audible signal (default 2 min; pumpd allows at most 5).
    public var audioPause: MonotonicDuration
    /// How long a medium alarm may stay unacknowledged before it is escalated to high (default 10 min).
    public var escalateMediumAfter: MonotonicDuration

    /// Creates the settings (defaults: 120 s pause, 10 min escalation).
    public init(audioPause: MonotonicDuration = .seconds(Int64(120)),  // checked: integer literal
                escalateMediumAfter: MonotonicDuration = .minutes(10)) {
        self.audioPause = audioPause
        self.escalateMediumAfter = escalateMediumAfter
    }
}

/// The signal state of one active alarm, for status displays.
public struct AlarmSignalStatus: Sendable, Equatable {
    /// While its audible signal is paused: when the pause ends.
    public var audioPausedUntil: MonotonicInstant?
    /// Whether a medium alarm was escalated to high.
    public var escalated: Bool

    /// Creates a signal status.
    public init(audioPausedUntil: MonotonicInstant? = nil, escalated: Bool = false) {
        self.audioPausedUntil = audioPausedUntil
        self.escalated = escalated
    }
}

/// What changed in one `update`.
public struct AlarmSignalChanges: Sendable, Equatable {
    /// Alarms escalated from medium to high just now.
    public var escalated: [Alarm] = []
    /// Alarms whose audio pause ended by itself just now.
    public var pauseEnded: [AlarmCode] = []

    /// Whether anything changed.
    public var isEmpty: Bool { escalated.isEmpty && pauseEnded.isEmpty }
}

/// Audio-pause and escalation bookkeeping for the active alarms.
public struct AlarmSignals: Sendable, Equatable {
    /// The times.
    public var settings: AlarmSignalSettings
    private var pausedUntil: [AlarmCode: MonotonicInstant] = [:]
    private var escalated: Set<AlarmCode> = []
    private var activeSince: [AlarmCode: MonotonicInstant] = [:]

    /// Creates the bookkeeping with nothing paused or escalated.
    public init(settings: AlarmSignalSettings = .init()) {
        self.settings = settings
    }

    /// Pauses the audible signal of the active alarms matching `code` (all when nil) until
    /// `now + settings.audioPause`. Returns the codes paused (empty: no matching active alarm).
    public mutating func silence(_ code: AlarmCode?, active: [Alarm], now: MonotonicInstant) -> [AlarmCode] {
        let matching = active.filter { code == nil || $0.code == code }.map(\.code)
        for match in matching { pausedUntil[match] = now + settings.audioPause }
        return matching
    }

    /// Ends expired pauses, forgets alarms no longer active and escalates medium alarms that waited too long.
    public mutating func update(active: [Alarm], now: MonotonicInstant) -> AlarmSignalChanges {
        var changes = AlarmSignalChanges()
        let codes = Set(active.map(\.code))
        pausedUntil = pausedUntil.filter { codes.contains($0.key) }
        escalated = escalated.filter { codes.contains($0) }
        activeSince = activeSince.filter { codes.contains($0.key) }
        for alarm in active { activeSince[alarm.code] = min(activeSince[alarm.code] ?? alarm.raisedAt, alarm.raisedAt) }
        for (code, until) in pausedUntil where until <= now {
            pausedUntil[code] = nil
            changes.pauseEnded.append(code)
        }
        for alarm in active where alarm.code.priority == .medium && !escalated.contains(alarm.code)
            && now - (activeSince[alarm.code] ?? alarm.raisedAt) >= settings.escalateMediumAfter {
            escalated.insert(alarm.code)
            pausedUntil[alarm.code] = nil
            changes.escalated.append(alarm)
        }
        changes.pauseEnded.sort { $0.rawValue < $1.rawValue }
        return changes
    }

    /// The priority `alarm` is signalled with (high once escalated).
    public func priority(of alarm: Alarm) -> AlarmPriority {
        escalated.contains(alarm.code) ? .high : alarm.priority
    }

    /// The indication for the highest active priority.
    public func indication(active: [Alarm]) -> AlarmIndication {
        active.map { priority(of: $0) }.max()?.indication ?? .normal
    }

    /// Whether the buzzer must stay silent now (see the rules at the top of the file).
    public func isAudioPaused(active: [Alarm], now: MonotonicInstant) -> Bool {
        let paused = active.filter { pausedUntil[$0.code].map { $0 > now } ?? false }
        guard let pausedTop = paused.map({ priority(of: $0) }).max() else { return false }
        let unpausedTop = active.filter { alarm in !paused.contains { $0.code == alarm.code } }.map { priority(of: $0) }.max()
        return unpausedTop.map { $0 < pausedTop } ?? true
    }

    /// The signal state of one alarm.
    public func status(of alarm: Alarm, now: MonotonicInstant) -> AlarmSignalStatus {
        AlarmSignalStatus(audioPausedUntil: pausedUntil[alarm.code].flatMap { $0 > now ? $0 : nil },
                          escalated: escalated.contains(alarm.code))
    }
}
