// Options every subcommand accepts.
import ArgumentParser
import Foundation

/// `--socket PATH` and `--json`, shared by every subcommand.
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

    @Flag(name: .long, help: "Print pumpd's raw JSON answers (one line each) instead of text.")
    var json = false
}
