// The bridge's memory of what it has already forwarded, so that a repeated or stale message never reaches the
// pump. Invariants:
// - A control id (MSH-10) that was accepted once is refused ever after (as long as it is among the last
//   `memory` accepted ones): a monitor that re-sends because our ACK was lost gets AR 205, not a second reading.
// - A reading observed before the last accepted one is refused (AR 206): readings are only ever forwarded in
//   the order they were measured, so the interlock never sees an old value replace a newer one. Equal times are
//   accepted (two sets stamped in the same second).
// - A reading older than `maximumAge`, or more than `maximumLead` ahead of the bridge's clock, is refused (AE):
//   pumpd stamps a reading when it arrives, so forwarding an old one would make it look fresh, and a time far in
//   the future would make every later, correct reading look out of order.
// - Only `commit` (called after pumpd accepted the reading) changes the state; a message refused here or by
//   pumpd, or lost because pumpd was unreachable, can be sent again.
import Foundation

/// Duplicate, order and age checks for one monitor feed.
public struct VitalsFeedGate: Sendable {
    /// How many accepted control ids are remembered.
    public let memory: Int
    /// Oldest reading forwarded, seconds before now.
    public let maximumAge: TimeInterval
    /// How far a reading's time may be ahead of the bridge's clock, seconds (clock skew between devices).
    public let maximumLead: TimeInterval
    private var accepted: [String] = []
    private var acceptedSet: Set<String> = []
    /// Observation time of the newest accepted reading.
    public private(set) var lastObservedAt: Date?

    /// Creates an empty gate.
    public init(memory: Int = 1024, maximumAge: TimeInterval = 300, maximumLead: TimeInterval = 120) {
        self.memory = max(1, memory)
        self.maximumAge = maximumAge
        self.maximumLead = maximumLead
    }

    /// Refuses `message` if it repeats, goes backwards, or is too old or too far ahead at `now`.
    public func check(_ message: ORUVitalsMessage, now: Date) throws(HL7Refusal) {
        if acceptedSet.contains(message.controlID) {
            throw HL7Refusal(.reject, .duplicateKey, location: "MSH^1^10",
                             "Control id \(message.controlID) was already accepted; the reading is not forwarded again.")
        }
        let observed = message.reading.observedAt
        if let last = lastObservedAt, observed < last {
            throw HL7Refusal(.reject, .recordLocked, location: "OBR^1^7",
                             "The reading was observed at \(HL7Timestamp.format(observed)), before the last accepted one (\(HL7Timestamp.format(last))); readings are forwarded only in order.")
        }
        let age = now.timeIntervalSince(observed)  // wall-clock: the monitor stamps calendar time; compared with the bridge's clock only to refuse stale or future readings
        if age > maximumAge {
            throw HL7Refusal(.error, .dataType, location: "OBR^1^7",
                             "The reading was observed at \(HL7Timestamp.format(observed)), more than \(Self.seconds(maximumAge)) s ago; pumpd would take it as fresh, so it is not forwarded.")
        }
        if -age > maximumLead {
            throw HL7Refusal(.error, .dataType, location: "OBR^1^7",
                             "The reading's time \(HL7Timestamp.format(observed)) is more than \(Self.seconds(maximumLead)) s ahead of this bridge's clock; check the monitor's clock.")
        }
    }

    private static func seconds(_ value: TimeInterval) -> String { String(format: "%.0f", value) }

    /// Records `message` as accepted by pumpd.
    public mutating func commit(_ message: ORUVitalsMessage) {
        if acceptedSet.insert(message.controlID).inserted {
            accepted.append(message.controlID)
            if accepted.count > memory { acceptedSet.remove(accepted.removeFirst()) }
        }
        lastObservedAt = max(lastObservedAt ?? message.reading.observedAt, message.reading.observedAt)
    }
}
