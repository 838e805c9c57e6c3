// A counting limit on simultaneous connections, shared between the accept loop and connection tasks.
import Foundation

final class ConnectionLimiter: @unchecked Sendable {
    private let lock = NSLock()
    private var active = 0
    let limit: Int

    init(limit: Int) { self.limit = limit }

    /// Takes a slot if one is free.
    func tryAcquire() -> Bool {
        lock.lock()
        defer { lock.unlock() }
        guard active < limit else { return false }
        active += 1
        return true
    }

    /// Returns a slot taken by `tryAcquire`.
    func release() {
        lock.lock()
        defer { lock.unlock() }
        active -= 1
    }

    /// Connections currently holding a slot.
    var count: Int {
        lock.lock()
        defer { lock.unlock() }
        return active
    }
}
