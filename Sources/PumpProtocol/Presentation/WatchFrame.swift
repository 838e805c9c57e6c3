// One frame of `pumpctl watch`: a fixed 80×24 layout, pure, so it can be tested without a terminal.
import Foundation

/// The live view: progress, amounts, rates, times and an alarm banner coloured by priority.
public struct WatchFrame: Sendable {
    /// Columns the frame never exceeds.
    public static let width = 80
    /// Lines the frame never exceeds.
    public static let height = 24
    /// Alarms listed individually before "+N more".
    static let maxAlarmLines = 5

    /// The latest status, or the last one received before a problem.
    public var status: StatusReport?
    /// When `status` was received.
    public var statusTime: Date?
    /// Why the latest refresh failed (unreachable daemon, refusal), or nil.
    public var problem: String?
    /// The time shown in the footer.
    public var now: Date
    /// Time zone for wall-clock times.
    public var timeZone: TimeZone
    /// Whether ANSI colour may be used (see `ANSI.colorEnabled`).
    public var color: Bool

    /// Creates a frame description.
    public init(status: StatusReport?, statusTime: Date?, problem: String?, now: Date, timeZone: TimeZone, color: Bool) {
        self.status = status
        self.statusTime = statusTime
        self.problem = problem
        self.now = now
        self.timeZone = timeZone
        self.color = color
    }

    /// The frame's lines: at most `height` lines of at most `width` visible columns. Without colour they hold
    /// no escape sequence at all.
    public func lines() -> [String] {
        var lines: [String] = [header(), String(repeating: "─", count: Self.width)]
        if let problem {
            lines.append(banner("*** NO CURRENT DATA FROM PUMPD", style: .highAlarm))
            lines += wrap(problem, width: Self.width).prefix(3)
            if let statusTime {
                lines.append("Figures below are the last received, at \(QuantityFormat.clockWithSeconds(statusTime, timeZone: timeZone)).")
            }
        }
        if let status {
            lines += body(status)
            lines += alarmBanner(status.alarms)
        }
        lines = Array(lines.prefix(Self.height - 1)).map { fit($0) }
        while lines.count < Self.height - 1 { lines.append("") }
        lines.append(fit("Updated \(QuantityFormat.clockWithSeconds(now, timeZone: timeZone)) · Ctrl-C to leave"))
        return lines
    }

    /// The bytes that redraw the frame in place: cursor home, each line cleared to its end, the rest cleared.
    /// The last line has no newline so a 24-line terminal never scrolls.
    public func screen() -> String {
        ANSI.home + lines().joined(separator: ANSI.clearLine + "\n") + ANSI.clearLine + ANSI.clearBelow
    }

    private func header() -> String {
        guard let status else { return "pumpctl watch" }
        let left = ["pumpctl watch", StatusText.programDescription(status)].compactMap { $0 }.joined(separator: " · ")
        let state = status.state.rawValue.uppercased()
        let room = Self.width - state.count - 1
        let shown = left.count > room ? String(left.prefix(room - 1)) + "…" : left
        let padded = shown.padding(toLength: room + 1, withPad: " ", startingAt: 0)
        return padded + ANSI.styled(state, stateStyle(status.state), enabled: color)
    }

    private func body(_ status: StatusReport) -> [String] {
        var lines: [String] = []
        var identity: [String] = []
        if let patient = status.patientId { identity.append("Patient \(patient)") }
        if let weight = status.dosingWeightKg { identity.append("dosing weight \(QuantityFormat.kg(weight))") }
        identity.append("backend \(status.backend.rawValue)")
        lines.append(identity.joined(separator: " · "))
        lines.append("")
        lines.append(progressBar(status))
        lines.append("")
        lines.append(columns("Delivered", "\(QuantityFormat.mg(status.deliveredMg)) / \(QuantityFormat.mg(status.targetMg))",
                             "\(QuantityFormat.ml(status.deliveredMl)) / \(QuantityFormat.ml(status.targetMl))"))
        if status.deliveredUncertaintyMl > 0 {
            lines.append("Uncertain   " + StatusText.uncertaintyDescription(status))
        }
        lines.append(columns("Rate", QuantityFormat.mlPerH(status.rateMlPerH), QuantityFormat.mgPerKgPerH(status.rateMgPerKgPerH)))
        lines.append(columns("Elapsed", QuantityFormat.duration(seconds: status.elapsedS, rounding: .down),
                             "Remaining \(QuantityFormat.duration(seconds: status.remainingS, rounding: .up))"))
        let end = status.expectedEnd.map { QuantityFormat.clock($0, timeZone: timeZone) } ?? "--"
        lines.append(columns("Ends at", end, "Motor \(status.motorEnabled ? "enabled" : "disabled")"))
        if let plasma = VitalsText.plasmaShort(status) { lines.append("Plasma".padding(toLength: 12, withPad: " ", startingAt: 0) + plasma) }
        if let vitals = VitalsText.vitals(status) { lines.append("Vitals".padding(toLength: 12, withPad: " ", startingAt: 0) + vitals) }
        lines.append("")
        return lines
    }

    private func progressBar(_ status: StatusReport) -> String {
        let percent = QuantityFormat.percent(delivered: status.deliveredMg, target: status.targetMg)
        let label = percent.map { String(format: "%3d %%", $0) } ?? "  -- %"
        let barWidth = Self.width - 3 - label.count
        let filled = min(barWidth, max(0, (percent ?? 0) * barWidth / 100))
        return "[" + String(repeating: "█", count: filled) + String(repeating: "░", count: barWidth - filled) + "] " + label
    }

    private func alarmBanner(_ alarms: [AlarmDTO]) -> [String] {
        guard !alarms.isEmpty else { return [ANSI.styled("No active alarms", .ok, enabled: color)] }
        let ordered = alarms.sorted { rank($0.priority) > rank($1.priority) }
        var lines: [String] = []
        if let paused = AudioPauseText.banner(alarms, now: now) {
            lines.append(banner("\(paused) (lights continue; the sound returns by itself)", style: .mediumAlarm))
        }
        lines += ordered.prefix(Self.maxAlarmLines).map { alarm in
            let escalated = alarm.escalated ? " (ESCALATED)" : ""
            let text = "\(marker(alarm.priority)) \(alarm.priority.rawValue.uppercased())\(escalated) \(alarm.code): \(alarm.message)"
            return banner(text, style: style(alarm.priority))
        }
        if ordered.count > Self.maxAlarmLines {
            lines.append("+\(ordered.count - Self.maxAlarmLines) more: pumpctl status lists them all")
        }
        lines.append("Acknowledge with: pumpctl ack CODE")
        lines.append("Press s to pause the alarm audio (pumpctl silence)")
        return lines
    }

    /// A full-width line in `style`; truncated first so the colour never spills past column 80.
    private func banner(_ text: String, style: ANSI.Style) -> String {
        let line = fit(text).padding(toLength: Self.width, withPad: " ", startingAt: 0)
        return ANSI.styled(line, style, enabled: color)
    }

    private func columns(_ label: String, _ first: String, _ second: String) -> String {
        label.padding(toLength: 12, withPad: " ", startingAt: 0) + first.padding(toLength: 30, withPad: " ", startingAt: 0) + second
    }

    /// Cuts a line to `width` visible columns (escape sequences are not counted).
    private func fit(_ line: String) -> String {
        guard ANSI.visibleWidth(line) > Self.width else { return line }
        // Only plain lines can be too long: styled lines are fitted before styling.
        return String(ANSI.strip(line).prefix(Self.width - 1)) + "…"
    }

    private func wrap(_ text: String, width: Int) -> [String] {
        var lines: [String] = []
        var current = ""
        for word in text.split(separator: " ") {
            if !current.isEmpty, current.count + 1 + word.count > width {
                lines.append(current)
                current = ""
            }
            current += current.isEmpty ? String(word) : " " + word
        }
        if !current.isEmpty { lines.append(current) }
        return lines
    }

    /// IEC 60601-1-8 style priority markers, so priority survives without colour.
    private func marker(_ priority: AlarmPriorityDTO) -> String {
        switch priority {
        case .high: "***"
        case .medium: "** "
        case .low: "*  "
        }
    }

    private func style(_ priority: AlarmPriorityDTO) -> ANSI.Style {
        switch priority {
        case .high: .highAlarm
        case .medium: .mediumAlarm
        case .low: .lowAlarm
        }
    }

    private func rank(_ priority: AlarmPriorityDTO) -> Int {
        switch priority {
        case .high: 2
        case .medium: 1
        case .low: 0
        }
    }

    private func stateStyle(_ state: PumpStateDTO) -> ANSI.Style {
        switch state {
        case .running: .ok
        case .alarm, .interrupted: .highAlarm
        case .paused, .awaitingCheck: .mediumAlarm
        case .idle, .completed, .stopped: .bold
        }
    }
}

/// Decides when the live view rings the bell: once for each high-priority alarm it has not seen before.
public struct AlarmBell: Sendable {
    private var seen: Set<String> = []

    /// Creates a bell that has seen no alarm.
    public init() {}

    /// Records the current alarms and returns whether a high-priority alarm among them is new.
    public mutating func update(_ alarms: [AlarmDTO]) -> Bool {
        var ring = false
        for alarm in alarms where alarm.priority == .high {
            let key = "\(alarm.code)@\(alarm.raisedAt.timeIntervalSince1970)"
            if seen.insert(key).inserted { ring = true }
        }
        return ring
    }
}
