// Facts derived from a session report that every rendering shows the same way: who started and ended the
// session, how many alarms of each priority, which events a person (not pumpd) caused.
import Foundation

extension SessionReportDTO {
    /// The person who ended the session (stop or e-stop command), or pumpd when it ended by itself
    /// (completed); nil while the session is open.
    public var endedBy: ActorDTO? {
        let ending: Set<String> = ["stop", "estop"]
        if let person = events.last(where: { ending.contains($0.kind) && !$0.actor.isDaemon }) { return person.actor }
        return session.endedAt == nil ? nil : ActorDTO(name: "pumpd")
    }

    /// Alarm counts by priority, high first.
    public var alarmCountsByPriority: [(priority: AlarmPriorityDTO, count: Int)] {
        [AlarmPriorityDTO.high, .medium, .low].map { priority in (priority, alarms.filter { $0.priority == priority }.count) }
    }
}

extension ActorDTO {
    /// "nurse1 (uid 1001, pid 4242)", or "pumpd" for the daemon.
    public var described: String {
        guard let uid else { return name }
        var parts = ["uid \(uid)"]
        if let pid { parts.append("pid \(pid)") }
        return "\(name) (\(parts.joined(separator: ", ")))"
    }
}
