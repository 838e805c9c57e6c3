// Options every subcommand accepts, before or after its name (main.swift moves the leading ones behind it).
import ArgumentParser
import Foundation

/// How answers are printed.
enum OutputMode {
    /// Sentences and tables for a person.
    case text
    /// The result object of each answer as JSON (`status --json` prints the status report itself).
    case json
    /// pumpd's raw protocol lines, one per exchange.
    case raw
}

/// `--socket PATH`, `--json` and `--raw`, shared by every subcommand.
struct GlobalOptions: ParsableArguments {
    /// The compiled-in socket path, used when neither `--socket` nor `PUMPD_SOCKET` is given.
    static let builtInSocket = "/run/pumpd/pumpd.sock"

    /// The default socket: `PUMPD_SOCKET` when set and not empty, else the built-in path.
    static var defaultSocket: String {
        let fromEnvironment = ProcessInfo.processInfo.environment["PUMPD_SOCKET"] ?? ""
        return fromEnvironment.isEmpty ? builtInSocket : fromEnvironment
    }

    @Option(name: .long, help: ArgumentHelp("Path of pumpd's Unix socket (env PUMPD_SOCKET overrides the default).", valueName: "path"))
    var socket: String = GlobalOptions.defaultSocket

    @Flag(name: .long, help: "Print the answer's result object as JSON (status --json: the status itself) instead of text.")
    var json = false

    @Flag(name: .long, help: "Print pumpd's raw protocol answer lines (one per request) instead of text.")
    var raw = false

    func validate() throws {
        if json, raw { throw ValidationError("Give either --json or --raw, not both") }
    }

    /// The output mode these flags select.
    var mode: OutputMode { raw ? .raw : (json ? .json : .text) }
}
