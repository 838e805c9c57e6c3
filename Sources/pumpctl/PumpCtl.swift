// The root command: subcommands and the documented exit codes.
import ArgumentParser
import PumpProtocol

/// The nurse's command-line interface to pumpd.
struct PumpCtl: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pumpctl",
        abstract: "Control the bedside syringe pump through pumpd.",
        usage: "pumpctl [--socket <path>] [--json | --raw] <subcommand> [<options>]",
        discussion: """
            Every command that moves the plunger (start, titrate, resume-interrupted) first shows what pumpd \
            computed and asks you to type yes; without a terminal it refuses unless --yes is given.

            Global options (before or after the subcommand): --socket <path> (env PUMPD_SOCKET), --json (the \
            answer's result object; status --json prints the status itself), --raw (pumpd's protocol lines).

            \(ExitStatus.helpText)
            """,
        version: versionLine(program: "pumpctl"),
        subcommands: [
            StartCommand.self, StatusCommand.self, PauseCommand.self, ResumeCommand.self, TitrateCommand.self,
            StopCommand.self, EstopCommand.self, AckCommand.self, SilenceCommand.self, VerifyCommand.self, ResumeInterruptedCommand.self, LogCommand.self,
            SyringeChangeCommand.self, WatchCommand.self, SessionsCommand.self, ReportCommand.self, SimCommand.self, VitalsCommand.self,
        ]
    )
}
