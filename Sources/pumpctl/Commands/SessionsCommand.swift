// pumpctl sessions: the session history from pumpd's journal, grouped by patient, newest first.
import ArgumentParser
import PumpProtocol

/// Lists past sessions: date, dose, delivered, duration, how each ended and its alarms.
struct SessionsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sessions",
        abstract: "List past sessions per patient: date, dose, delivered, duration, end, alarms."
    )

    @OptionGroup var global: GlobalOptions
    @Option(name: .customLong("patient"), help: "Only this patient id.") var patient: String?
    @Option(help: "At most this many sessions (1 to 100, newest first).") var limit = 20

    func validate() throws {
        guard (1...100).contains(limit) else { throw ValidationError("--limit must be between 1 and 100") }
    }

    func run() throws {
        let session = PumpSession(options: global)
        guard case let .sessions(list) = try session.send(.sessions(patientId: patient, limit: limit)) else {
            throw CLIFailure(status: .protocolError, message: "pumpd answered sessions without a session list.")
        }
        guard !session.json else { return }
        if list.isEmpty, let patient {
            Output.line("No sessions for patient \(patient).")
        } else {
            Output.line(SessionsText.render(list, timeZone: .current))
        }
    }
}
