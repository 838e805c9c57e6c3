// A counting limit on simultaneous connections, shared between the accept loop and connection tasks.
// Control before observation (issue 11 item 2): `reservedForControl` of the `limit` slots can only be taken by
// control peers, so observers (and peers with no access at all) can never hold every slot and lock a nurse out
// of stop, pause or estop. Control peers may use any free slot.
import Foundation

final class ConnectionLimiter: @unchecked Sendable {
    private let lock = NSLock()
    private var active = 0
    private var observers = 0
    let limit: Int
    /// Slots only control peers may take.
    let reservedForControl: Int

    init(limit: Int, reservedForControl: Int = 0) {
        self.limit = limit
        self.reservedForControl = max(0, min(reservedForControl, limit))
    }

    /// The most connections peers that are not control peers may hold together.
    var observerLimit: Int { limit - reservedForControl }

    /// Takes a slot if one is free for this kind of peer.
    func tryAcquire(control: Bool = false) -> Bool {
        lock.lock()
        defer { lock.unlock() }
        guard active < limit else { return false }
        if !control {
            guard observers < observerLimit else { return false }
            observers += 1
        }
        active += 1
        return true
    }

    /// Returns a slot taken by `tryAcquire` with the same `control`.
    func release(control: Bool = false) {
        lock.lock()
        defer { lock.unlock() }
        active -= 1
        if !control { observers -= 1 }
    }

    /// Connections currently holding a slot.
    var count: Int {
        lock.lock()
        defer { lock.unlock() }
        return active
    }
}
