// The server's life cycle (idle -> starting -> running -> stopped), guarded by a lock so that start and stop
// may be called from any task. A server is started at most once.
import Foundation
import NIOCore

final class ServerState: @unchecked Sendable {
    struct Running {
        let server: any Channel
        let task: Task<Void, Never>
        let inode: ino_t?
    }

    private enum Phase {
        case idle, starting, running(Running), stopped
    }

    private let lock = NSLock()
    private var phase = Phase.idle

    func beginStarting() -> Bool {
        lock.lock()
        defer { lock.unlock() }
        guard case .idle = phase else { return false }
        phase = .starting
        return true
    }

    func failStarting() {
        lock.lock()
        defer { lock.unlock() }
        if case .starting = phase { phase = .idle }
    }

    /// Records the running server; returns false if `stop()` was called meanwhile (the caller tears it down).
    func finishStarting(_ running: Running) -> Bool {
        lock.lock()
        defer { lock.unlock() }
        guard case .starting = phase else { return false }
        phase = .running(running)
        return true
    }

    /// Moves to stopped and returns what has to be torn down, or nil if nothing is running.
    func stop() -> Running? {
        lock.lock()
        defer { lock.unlock() }
        guard case let .running(running) = phase else {
            phase = .stopped
            return nil
        }
        phase = .stopped
        return running
    }
}
