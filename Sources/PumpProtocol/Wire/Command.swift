// The command of a request: `"command": "<name>"` plus an optional `"params"` object.
import Foundation

/// Everything `pumpctl` can ask `pumpd` to do.
public enum Command: Sendable, Equatable {
    /// Compute the program for these parameters and return it without starting anything.
    case validate(StartParameters)
    /// Start the infusion; `confirmed` must be `true`.
    case start(StartParameters)
    /// Report the current state.
    case status
    /// Pause the running infusion (motor off, program kept).
    case pause
    /// Resume a paused infusion.
    case resume
    /// Change dose, duration or rate of the running infusion (dry run first).
    case titrate(TitrateParameters)
    /// Stop the infusion normally.
    case stop
    /// Emergency stop: latching, motor off first.
    case estop
    /// Acknowledge one alarm by code, or all acknowledgeable alarms when `code` is nil.
    case ack(code: String?)
    /// Pause the audible alarm signal of the active alarms (one code, or all when nil) for the configured
    /// time; the visual signal continues (IEC 60601-1-8 "audio paused").
    case silence(code: String?)
    /// The independent double check of an infusion awaiting it: `confirmed` false returns the program, true
    /// (from a different uid in the control group) starts it.
    case verify(confirmed: Bool)
    /// Continue an infusion interrupted by a crash or restart, after an explicit, logged decision.
    case resumeInterrupted(confirmed: Bool, overrideReason: String?)
    /// Read the event log, optionally from a time and limited to a number of entries.
    case log(since: Date?, limit: Int?)
    /// Ask the simulator backend to produce a fault.
    case simInject(fault: SimFault)
    /// List past sessions, newest first, optionally of one patient and limited in number.
    case sessions(patientId: String?, limit: Int?)
    /// Everything the journal holds about one session (the latest when `sessionId` is nil), for a report.
    case reportData(sessionId: String?)
    /// Load a new syringe into the paused program and continue with cumulative totals (`confirmed` false: only
    /// answer what follows).
    case syringeChange(SyringeChangeParameters)
    /// Record a vital-sign reading (nurse entry or monitor bridge); may pause the infusion (HAZ-015).
    case vitals(VitalsParameters)

    /// The wire name of this command.
    public var name: CommandName {
        switch self {
        case .validate: .validate
        case .start: .start
        case .status: .status
        case .pause: .pause
        case .resume: .resume
        case .titrate: .titrate
        case .stop: .stop
        case .estop: .estop
        case .ack: .ack
        case .silence: .silence
        case .verify: .verify
        case .resumeInterrupted: .resumeInterrupted
        case .log: .log
        case .simInject: .simInject
        case .sessions: .sessions
        case .reportData: .reportData
        case .vitals: .vitals
        case .syringeChange: .syringeChange
        }
    }
}

/// The wire name of a command (the value of `"command"`).
public enum CommandName: String, Sendable, CaseIterable {
    case validate, start, status, pause, resume, titrate, stop, estop, ack, log, vitals, silence, verify
    case resumeInterrupted = "resume-interrupted"
    case simInject = "sim-inject"
    case sessions
    case reportData = "report-data"
    case syringeChange = "syringe-change"

    /// The keys allowed in this command's `params` object.
    var parameterKeys: Set<String> {
        switch self {
        case .validate, .start: Set(StartParameters.CodingKeys.allCases.map(\.stringValue))
        case .titrate: Set(TitrateParameters.CodingKeys.allCases.map(\.stringValue))
        case .status, .pause, .resume, .stop, .estop: []
        case .ack, .silence: ["code"]
        case .resumeInterrupted: ["confirmed", "override_reason"]
        case .verify: ["confirmed"]
        case .log: ["since", "limit"]
        case .simInject: ["fault"]
        case .sessions: ["patient_id", "limit"]
        case .reportData: ["session_id"]
        case .vitals: Set(VitalsParameters.CodingKeys.allCases.map(\.stringValue))
        case .syringeChange: Set(SyringeChangeParameters.CodingKeys.allCases.map(\.stringValue))
        }
    }
}

/// The keys of the small parameter objects.
enum SmallParameterKey: String, CodingKey {
    case code, confirmed, since, limit, fault
    case overrideReason = "override_reason"
    case patientId = "patient_id"
    case sessionId = "session_id"
}
