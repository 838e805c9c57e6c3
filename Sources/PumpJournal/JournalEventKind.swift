// The closed set of journal event kinds. Stored as their raw strings; the set only grows (a raw value is never
// renamed or reused), so an old journal always reads back with a newer daemon.
import Foundation

/// What a journal event records.
public enum JournalEventKind: String, Sendable, Hashable, Codable, CaseIterable {
    /// A program was entered (before validation).
    case program
    /// The outcome of validating a program against the drug library and caps.
    case validation
    /// A soft limit was overridden, with the reason.
    case override
    /// Infusion started.
    case start
    /// The rate was changed during an infusion.
    case titration
    /// Infusion paused by a nurse.
    case pause
    /// Infusion resumed after a pause.
    case resume
    /// An alarm was raised.
    case alarm
    /// An alarm was acknowledged.
    case acknowledge
    /// An alarm was silenced for a while.
    case silence
    /// Emergency stop latched.
    case estop
    /// A latched emergency stop was cleared by an explicit acknowledgement.
    case estopClear = "estop-clear"
    /// The programmed dose was delivered.
    case completion
    /// A nurse stopped the infusion.
    case stop
    /// The daemon came back after a crash, restart or power loss and found this session open (HAZ-010).
    case interrupted
    /// A nurse explicitly decided to continue an interrupted session.
    case resumeInterrupted = "resume-interrupted"
    /// Vital signs entered or received (details: `VitalsJournalRecord`).
    case vitals
    /// A decision of the vital-sign interlock: pause, pre-start finding or override, refused reading
    /// (details: `VitalsDecisionRecord`).
    case vitalsDecision = "vitals-decision"
    /// A command was refused (unauthorised, malformed or unsafe; HAZ-009).
    case commandRefused = "command-refused"
    /// Configuration loaded or changed.
    case config
    /// A session was opened (written by `Journal.beginSession`).
    case sessionOpen = "session-open"
    /// A session was closed (written by `Journal.closeSession`).
    case sessionClose = "session-close"
    /// The daemon started.
    case daemonStart = "daemon-start"
    /// The daemon stopped cleanly.
    case daemonStop = "daemon-stop"
    /// The independent double check of a started infusion: awaited, refused, given or timed out.
    case doubleCheck = "double-check"
    /// A new syringe was loaded into a running program (details: `SyringeChangeRecord`), journaled before
    /// delivery resumes from it.
    case syringeChange = "syringe-change"
    /// The library files loaded at start-up (version, SHA-256, signature), a library-invalid finding, or a library
    /// file found changed on disk at a program or start (old and new hash, the new bytes' signature check).
    case library
}
