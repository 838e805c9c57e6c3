// pumpctl sim inject FAULT: drive the simulator's fault injection (refused by a daemon on real hardware).
import ArgumentParser
import PumpProtocol

extension SimFault: ExpressibleByArgument {}

/// The simulator command group.
struct SimCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sim",
        abstract: "Simulator controls (only with the sim backend).",
        subcommands: [InjectCommand.self]
    )

    /// pumpctl sim inject FAULT
    struct InjectCommand: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "inject", abstract: "Make the simulator produce a fault.")
        @OptionGroup var global: GlobalOptions
        @Argument(help: ArgumentHelp("The fault to produce.", valueName: "fault")) var fault: SimFault

        func run() throws {
            let session = PumpSession(options: global)
            report(try session.send(.simInject(fault: fault)), session: session, done: "Injected \(fault.rawValue).")
        }
    }
}
