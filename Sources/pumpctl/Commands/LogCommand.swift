// pumpctl log: read the event journal.
import ArgumentParser
import Foundation
import PumpProtocol

/// Prints journal entries, optionally since a time or duration and limited in number.
struct LogCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "log", abstract: "Show the event log.")

    @OptionGroup var global: GlobalOptions
    @Option(help: ArgumentHelp("Only entries since an ISO-8601 time or a duration ago (30m, 2h, 1h30m).", valueName: "time|duration"))
    var since: String?
    @Option(help: "At most this many entries.") var limit: Int?

    func validate() throws {
        if let since, SinceArgument.parse(since, now: Date()) == nil { throw ValidationError(SinceArgument.usage) }  // wall-clock: a person's --since is calendar time
        if let limit, limit < 1 { throw ValidationError("--limit must be at least 1") }
    }

    func run() throws {
        let session = PumpSession(options: global)
        let from = since.flatMap { SinceArgument.parse($0, now: Date()) }  // wall-clock: a person's --since is calendar time
        guard case let .log(entries) = try session.send(.log(since: from, limit: limit)) else {
            throw CLIFailure(status: .protocolError, message: "pumpd answered log without log entries.")
        }
        if !session.json { Output.line(LogText.render(entries, timeZone: .current)) }
    }
}
