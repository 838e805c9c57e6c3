// The independent double check (pumpd.toml `double_check = "required"`): a started infusion waits, motor off,
// in state `awaiting-check` until a different uid in the control group runs `pumpctl verify --yes`, or until
// `double_check_timeout_min` of pump time pass and the start is abandoned.
import Foundation
import PumpControl
import PumpCore
import PumpJournal
import PumpProtocol

/// Whether a start needs a second person.
public enum DoubleCheckPolicy: String, Sendable, Codable, CaseIterable {
    /// One nurse starts (the default; a clinic decides otherwise).
    case off
    /// Every start waits for `pumpctl verify` from a different uid.
    case required
}

/// A validated program, checked against the supervisor's caps, not yet journaled as a session.
struct PendingStart {
    /// The request as the nurse gave it.
    var parameters: StartParameters
    /// The computed program the starter saw; the verifier sees the same.
    var plan: DosePlan
    /// The findings shown with it.
    var findings: [Finding]
    /// The drug profile.
    var profile: DrugProfile
    /// The supervisor's own caps for it.
    var caps: SupervisorCaps
}

/// A started infusion waiting for its second person. No journal session is open yet (a restart while waiting
/// leaves nothing to resume), the engine is idle and the motor off.
struct PendingDoubleCheck {
    /// Distinguishes one wait from the next (the timeout acts only on its own).
    var serial: Int
    /// What starts on verification.
    var start: PendingStart
    /// Who started it.
    var starter: JournalActor
    /// When the wait ends (pump clock).
    var deadline: MonotonicInstant
    /// The timeout task.
    var timer: ScheduledTask?
}

/// The at most one infusion awaiting its double check (thread-safe).
final class DoubleCheckBook: @unchecked Sendable {
    private let lock = NSLock()
    private var waiting: PendingDoubleCheck?
    private var serials = 0

    /// A new serial for the next wait.
    func nextSerial() -> Int { lock.withLock { serials += 1; return serials } }

    /// The infusion waiting, if any.
    var pending: PendingDoubleCheck? { lock.withLock { waiting } }

    /// Records the infusion waiting.
    func begin(_ pending: PendingDoubleCheck) { lock.withLock { waiting = pending } }

    /// Removes and returns the wait with `serial` (any when nil), so exactly one of verify, stop and the
    /// timeout acts on it.
    func take(serial: Int? = nil) -> PendingDoubleCheck? {
        lock.withLock {
            guard let current = waiting, serial == nil || current.serial == serial else { return nil }
            waiting = nil
            return current
        }
    }
}
