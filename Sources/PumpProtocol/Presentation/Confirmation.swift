// When and how pumpctl asks a person to confirm an action that moves the plunger.
import Foundation

/// The confirmation rule: nothing starts or changes without a person typing "yes" or passing --yes.
public enum Confirmation {
    /// What to do before a confirmed command.
    public enum Decision: Sendable, Equatable {
        /// `--yes` was given: proceed without asking.
        case proceed
        /// Ask on the terminal.
        case prompt
        /// No terminal to ask on and no `--yes`: refuse.
        case refuse
    }

    /// HAZ-009: a script without a terminal never gets an implicit "yes".
    public static func decide(yes: Bool, stdinIsTerminal: Bool) -> Decision {
        if yes { return .proceed }
        return stdinIsTerminal ? .prompt : .refuse
    }

    /// Whether a typed answer confirms: exactly "yes", ignoring case and surrounding spaces.
    public static func isAffirmative(_ answer: String?) -> Bool {
        answer?.trimmingCharacters(in: .whitespaces).lowercased() == "yes"
    }

    /// The refusal when there is no terminal, for an action such as "start the infusion".
    public static func noTerminalRefusal(action: String) -> String {
        "Refusing to \(action) without confirmation: stdin is not a terminal, so check the program and pass --yes."
    }
}

/// The one sentence shown for a failed response from pumpd.
public enum RefusalText {
    /// The daemon's own sentence; for `needs-override`, with the flag that resolves it.
    public static func sentence(for error: ProtocolError) -> String {
        if error.code == .needsOverride, !error.message.contains("--override-reason") {
            return "\(Sentence.body(error.message)); give --override-reason TEXT to override it."
        }
        return error.message
    }
}
