// The root command: subcommands and the documented exit codes.
import ArgumentParser
import PumpProtocol

/// The nurse's command-line interface to pumpd.
struct PumpCtl: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pumpctl",
        abstract: "Control the bedside syringe pump through pumpd.",
        discussion: """
            Every command that moves the plunger (start, titrate, resume-interrupted) first shows what pumpd \
            computed and asks you to type yes; without a terminal it refuses unless --yes is given.

            \(ExitStatus.helpText)
            """,
        subcommands: [
            StartCommand.self, StatusCommand.self, PauseCommand.self, ResumeCommand.self, TitrateCommand.self,
            StopCommand.self, EstopCommand.self, AckCommand.self, ResumeInterruptedCommand.self, LogCommand.self,
            WatchCommand.self, SessionsCommand.self, ReportCommand.self, SimCommand.self, VitalsCommand.self,
        ]
    )
}
