// pumpctl report: one session's record from pumpd's journal as HTML (printable, self-contained), CSV (the
// time series) or JSON (the structured data). pumpctl only renders; pumpd reads its journal.
import ArgumentParser
import Foundation
import PumpProtocol

/// The output formats of `pumpctl report`.
enum ReportFormat: String, ExpressibleByArgument, CaseIterable {
    case html, csv, json
}

/// Writes a session report to stdout or a file.
struct ReportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Session report: program, who did what, overrides, alarms and a time chart (html, csv or json).",
        discussion: "Without --session, the latest session. HTML is one self-contained file that prints on A4."
    )

    @OptionGroup var global: GlobalOptions
    @Option(help: "Session id (see pumpctl sessions); the latest when omitted.") var session: String?
    @Option(help: "html, csv or json.") var format: ReportFormat = .html
    @Option(name: [.short, .long], help: ArgumentHelp("Write to this file instead of stdout.", valueName: "file")) var output: String?

    func run() throws {
        let pump = PumpSession(options: global)
        guard case let .report(report) = try pump.send(.reportData(sessionId: session)) else {
            throw CLIFailure(status: .protocolError, message: "pumpd answered report-data without a report.")
        }
        if pump.json { return }
        let data: Data
        switch format {
        case .html: data = Data(ReportHTML.render(report, timeZone: .current).utf8)
        case .csv: data = Data(ReportCSV.render(report).utf8)
        case .json:
            do {
                data = try ReportJSON.encode(report)
            } catch {
                throw CLIFailure(status: .protocolError, message: "The report holds a number that cannot be written as JSON.")
            }
        }
        guard let output else {
            FileHandle.standardOutput.write(data)
            return
        }
        do {
            try data.write(to: URL(fileURLWithPath: output), options: .atomic)
        } catch {
            throw CLIFailure(status: .usage, message: "Cannot write \(output): \(error.localizedDescription)")
        }
        Output.error("Wrote the \(format.rawValue) report of session \(report.session.sessionId) to \(output).")
    }
}
