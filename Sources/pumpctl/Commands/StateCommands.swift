// The one-shot commands without confirmation: status, pause, resume, stop, estop, ack.
import ArgumentParser
import PumpProtocol

/// Prints what the daemon answered to a state-changing command.
func report(_ result: ResultPayload?, session: PumpSession, done: String) {
    guard !session.json else { return }
    Output.line(done)
    switch result {
    case let .status(status): Output.line(StatusText.render(status, timeZone: .current))
    case let .ack(message): Output.line(message)
    case let .program(program): Output.line(ProgramText.render(program, timeZone: .current))
    case let .log(entries): Output.line(LogText.render(entries, timeZone: .current))
    case let .sessions(list): Output.line(SessionsText.render(list, timeZone: .current))
    case let .syringeChange(summary): Output.line(SyringeChangeText.render(summary, timeZone: .current))
    case .report: break
    case nil: break
    }
}

/// pumpctl status
struct StatusCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "status", abstract: "Show the pump state, amounts, rates and alarms.")
    @OptionGroup var global: GlobalOptions

    func run() throws {
        let session = PumpSession(options: global)
        let status = try session.status()
        if !session.json { Output.line(StatusText.render(status, timeZone: .current)) }
    }
}

/// pumpctl pause
struct PauseCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "pause", abstract: "Pause the infusion (motor off, program kept).")
    @OptionGroup var global: GlobalOptions

    func run() throws {
        let session = PumpSession(options: global)
        report(try session.send(.pause), session: session, done: "Paused.")
    }
}

/// pumpctl resume
struct ResumeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "resume", abstract: "Resume a paused infusion.")
    @OptionGroup var global: GlobalOptions

    func run() throws {
        let session = PumpSession(options: global)
        report(try session.send(.resume), session: session, done: "Resumed.")
    }
}

/// pumpctl stop
struct StopCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "stop", abstract: "Stop the infusion.")
    @OptionGroup var global: GlobalOptions

    func run() throws {
        let session = PumpSession(options: global)
        report(try session.send(.stop), session: session, done: "Stopped.")
    }
}

/// pumpctl estop
struct EstopCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "estop",
        abstract: "Emergency stop: motor off at once, latched until acknowledged (no confirmation asked)."
    )
    @OptionGroup var global: GlobalOptions

    func run() throws {
        let session = PumpSession(options: global)
        report(try session.send(.estop), session: session, done: "EMERGENCY STOP latched; acknowledge with pumpctl ack estop.")
    }
}

/// pumpctl ack [CODE]
struct AckCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ack",
        abstract: "Acknowledge an alarm by code, or all alarms; acknowledging never restarts the motor."
    )
    @OptionGroup var global: GlobalOptions
    @Argument(help: "Alarm code, e.g. occlusion (all alarms when omitted).") var code: String?

    func run() throws {
        let session = PumpSession(options: global)
        report(try session.send(.ack(code: code)), session: session, done: code.map { "Acknowledged \($0)." } ?? "Acknowledged.")
    }
}
