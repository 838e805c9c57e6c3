// The engine's state-transition table: every state change the engine may make, with the command or event that
// causes it. The engine changes state only through this table (`InfusionEngine.transition`), and the Promela model
// `docs/model/pump-engine.pml` states the same table as `T(FROM, CAUSE, TO)` lines; `EngineModelTests` compares the
// two so they cannot drift, and `spin` verifies the model's properties in CI (scripts/verify-model.sh).
//
// Invariant the table encodes (HAZ-010, "nothing resumes by itself"): the only causes that lead INTO `running` are
// the commands `start`, `resume` and `resume-interrupted`.
import Foundation
import PumpCore

/// What made the engine change state.
public enum TransitionCause: String, Sendable, CaseIterable {
    /// `start` command.
    case start
    /// `pause` command.
    case pause
    /// `resume` command.
    case resume
    /// `stop` command.
    case stop
    /// A latching alarm (supervisor trip, or a latch restored from the journal).
    case trip
    /// `ack` cleared the last latched alarm.
    case acknowledge
    /// The programmed target was delivered.
    case complete
    /// Start-up found an open session in the journal.
    case restoreInterrupted = "restore-interrupted"
    /// `resume-interrupted` command.
    case resumeInterrupted = "resume-interrupted"
}

/// The table.
public enum EngineTransitions {
    /// One allowed transition.
    public struct Transition: Sendable, Hashable {
        public var from: PumpState
        public var cause: TransitionCause
        public var to: PumpState
    }

    /// Every allowed transition.
    public static let table: Set<Transition> = {
        var rows = Set<Transition>()
        func add(_ from: [PumpState], _ cause: TransitionCause, _ to: PumpState) {
            for state in from { rows.insert(Transition(from: state, cause: cause, to: to)) }
        }
        add([.idle, .completed, .stopped], .start, .running)
        add([.running], .pause, .paused)
        add([.paused], .resume, .running)
        add([.running, .paused, .alarm, .interrupted], .stop, .stopped)
        add([.running, .paused, .alarm], .trip, .alarm)
        add([.alarm], .acknowledge, .paused)
        add([.running], .complete, .completed)
        add([.idle], .restoreInterrupted, .interrupted)
        add([.interrupted], .resumeInterrupted, .running)
        return rows
    }()

    /// Whether `from` --cause--> `to` is in the table.
    public static func allows(_ from: PumpState, _ cause: TransitionCause, _ to: PumpState) -> Bool {
        table.contains(Transition(from: from, cause: cause, to: to))
    }

    /// The causes that lead into `running` (must be exactly the three resume-type commands).
    public static var causesIntoRunning: Set<TransitionCause> {
        Set(table.filter { $0.to == .running && $0.from != .running }.map(\.cause))
    }
}
