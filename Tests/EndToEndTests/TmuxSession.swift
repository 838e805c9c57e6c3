// A detached tmux session on a private tmux server, to run `pumpctl watch` in a real 80×24 terminal and read
// back what a person would see (`capture-pane`).
import Foundation

/// One detached tmux session; the private server is killed when the value is released.
final class TmuxSession {
    static var tmuxPath: String? {
        ["/usr/bin/tmux", "/usr/local/bin/tmux", "/bin/tmux"].first { FileManager.default.isExecutableFile(atPath: $0) }
    }
    static var available: Bool { tmuxPath != nil }

    let server = "pump-e2e-\(UUID().uuidString.prefix(8))"
    let name = "watch"

    /// Starts `command` (argument list, run through `env` so no shell quoting is involved) in a new 80×24 session,
    /// with `environment` set and `unset` removed (the test runner itself may set NO_COLOR).
    init(command: [String], environment: [String: String], unset: [String] = [], width: Int = 80, height: Int = 24) throws {
        let assignments = environment.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }
        let removals = unset.flatMap { ["-u", $0] }
        let result = tmux(["new-session", "-d", "-s", name, "-x", String(width), "-y", String(height), "--", "env"]
                          + removals + assignments + command)
        guard result.status == 0 else { throw HarnessError("tmux new-session failed: \(result.output)") }
    }

    deinit { _ = tmux(["kill-server"]) }

    /// The visible screen as text (`-e`: with escape sequences for colours and attributes).
    func capture(escapes: Bool = false) -> String {
        tmux(["capture-pane", "-p", "-t", name] + (escapes ? ["-e"] : [])).output
    }

    /// A tmux format value for the session's pane, e.g. `#{history_size}`.
    func value(_ format: String) -> String {
        tmux(["display-message", "-p", "-t", name, format]).output.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// Appends everything the program writes to the terminal (raw bytes, escapes and bells included) to `path`.
    func logOutput(to path: String) {
        _ = tmux(["pipe-pane", "-o", "-t", name, "cat >> '\(path)'"])
    }

    /// Sends keys (e.g. "C-c").
    func send(_ keys: String) { _ = tmux(["send-keys", "-t", name, keys]) }

    /// Polls the screen until `condition` holds or `timeout` seconds pass; returns the last screen.
    func waitForScreen(timeout: TimeInterval, _ condition: (String) -> Bool) -> String {
        let deadline = Date().addingTimeInterval(timeout)
        var screen = capture()
        while Date() < deadline, !condition(screen) {
            usleep(100_000)
            screen = capture()
        }
        return screen
    }

    @discardableResult
    private func tmux(_ arguments: [String]) -> (status: Int32, output: String) {
        // Through bash, closing every descriptor above 2 first: the tmux server that `new-session` forks would
        // otherwise inherit Foundation's process-monitoring descriptor, and waitUntilExit would wait for the server.
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/bash")
        let closeAndRun = #"for fd in /proc/$$/fd/*; do fd=${fd##*/}; [ "$fd" -gt 2 ] && eval "exec $fd>&-"; done; exec "$@""#
        process.arguments = ["-c", closeAndRun, "tmux", Self.tmuxPath ?? "/usr/bin/tmux", "-L", server, "-f", "/dev/null"] + arguments
        // Output goes to a file, not a pipe, for the same reason.
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("\(server)-\(UUID().uuidString.prefix(6)).out")
        guard FileManager.default.createFile(atPath: file.path, contents: nil),
              let handle = FileHandle(forWritingAtPath: file.path) else { return (-1, "cannot create \(file.path)") }
        defer { try? FileManager.default.removeItem(at: file) }
        process.standardOutput = handle
        process.standardError = handle
        process.standardInput = FileHandle.nullDevice
        do { try process.run() } catch { return (-1, "\(error)") }
        process.waitUntilExit()
        try? handle.close()
        let data = (try? Data(contentsOf: file)) ?? Data()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }
}
