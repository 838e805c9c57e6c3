// A detached tmux session on a private tmux server, to run `pumpctl watch` in a real 80×24 terminal and read
// back what a person would see (`capture-pane`).
import Foundation
#if canImport(Glibc)
import Glibc
#endif

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
        socketPath = tmux(["display-message", "-p", "#{socket_path}"]).output.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// The server's socket file, removed on close.
    private var socketPath = ""

    deinit { close() }

    /// Kills the private server (its panes get SIGHUP). Idempotent.
    func close() {
        _ = tmux(["kill-server"])
        if !socketPath.isEmpty { unlink(socketPath) }
    }

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

    /// Runs one tmux client command and returns its exit status and output.
    ///
    /// Spawned with posix_spawn rather than Foundation's Process, for two reasons that only show with a
    /// daemon like tmux's server (which `new-session` forks from the client): Process starts children with
    /// most signals blocked, so the server could never act on its own SIGTERM (`kill-server`) and its panes
    /// would inherit the mask; and the server would inherit Process's monitoring descriptor, so waiting for
    /// the client would wait for the server. Here the mask is empty, signal dispositions are default, and
    /// bash closes every descriptor above 2 before exec'ing tmux. Output goes to a file, not a pipe.
    @discardableResult
    private func tmux(_ arguments: [String]) -> (status: Int32, output: String) {
        let output = FileManager.default.temporaryDirectory.appendingPathComponent("\(server)-\(UUID().uuidString.prefix(6)).out").path
        defer { unlink(output) }
        let closeAndRun = #"for fd in /proc/$$/fd/*; do fd=${fd##*/}; [ "$fd" -gt 2 ] && eval "exec $fd>&-"; done; exec "$@""#
        let argv = ["/bin/bash", "-c", closeAndRun, "tmux", Self.tmuxPath ?? "/usr/bin/tmux", "-L", server, "-f", "/dev/null"] + arguments
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var empty = sigset_t()
        sigemptyset(&empty)
        posix_spawnattr_setsigmask(&attributes, &empty)
        var all = sigset_t()
        sigfillset(&all)
        posix_spawnattr_setsigdefault(&attributes, &all)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, output, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
        let cArguments = argv.map { strdup($0) }
        defer { cArguments.forEach { free($0) } }
        var pid: pid_t = 0
        var terminated = cArguments + [nil]
        let spawned = terminated.withUnsafeMutableBufferPointer { buffer in
            guard let base = buffer.baseAddress else { return EINVAL }
            return posix_spawn(&pid, "/bin/bash", &actions, &attributes, base, environ)
        }
        guard spawned == 0 else { return (-1, "posix_spawn failed: \(spawned)") }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0, errno == EINTR {}
        let text = (try? String(contentsOfFile: output, encoding: .utf8)) ?? ""
        return ((status >> 8) & 0xFF, text)
    }
}
