// A counting limit on simultaneous connections, shared between the accept loop and connection tasks.
// Control before observation (issue 11 item 2): `reservedForControl` of the `limit` slots can only be taken by
// control peers, so observers (and peers with no access at all) can never hold every slot and lock a nurse out
// of stop, pause or estop. Control peers may use any free slot. Each non-control uid may also hold at most
// `perObserverUID` slots, so one observer account (a dashboard gone wrong) cannot take the whole observer pool
// from the others; control peers have no per-uid cap, so a nurse is never refused for her own connections.
import Foundation

final class ConnectionLimiter: @unchecked Sendable {
    /// Why a connection was not given a slot.
    enum Refusal: Equatable {
        /// Every slot this kind of peer may use is taken.
        case full
        /// This (non-control) uid already holds its share.
        case perUID(limit: Int)
    }

    private let lock = NSLock()
    private var active = 0
    private var observers = 0
    private var observersByUID: [uid_t: Int] = [:]
    let limit: Int
    /// Slots only control peers may take.
    let reservedForControl: Int
    /// The most slots one non-control uid may hold (0: no per-uid cap).
    let perObserverUID: Int

    init(limit: Int, reservedForControl: Int = 0, perObserverUID: Int = 0) {
        self.limit = limit
        self.reservedForControl = max(0, min(reservedForControl, limit))
        self.perObserverUID = max(0, perObserverUID)
    }

    /// The most connections peers that are not control peers may hold together.
    var observerLimit: Int { limit - reservedForControl }

    /// Takes a slot if one is free for this kind of peer.
    func tryAcquire(control: Bool = false, uid: uid_t = 0) -> Bool {
        acquire(control: control, uid: uid) == nil
    }

    /// Takes a slot, or says why not.
    func acquire(control: Bool, uid: uid_t) -> Refusal? {
        lock.lock()
        defer { lock.unlock() }
        guard active < limit else { return .full }
        if !control {
            guard observers < observerLimit else { return .full }
            let held = observersByUID[uid, default: 0]
            if perObserverUID > 0, held >= perObserverUID { return .perUID(limit: perObserverUID) }
            observers += 1
            observersByUID[uid] = held + 1
        }
        active += 1
        return nil
    }

    /// Returns a slot taken with the same `control` and `uid`.
    func release(control: Bool = false, uid: uid_t = 0) {
        lock.lock()
        defer { lock.unlock() }
        active -= 1
        if !control {
            observers -= 1
            let held = observersByUID[uid, default: 1] - 1
            observersByUID[uid] = held > 0 ? held : nil
        }
    }

    /// Connections currently holding a slot.
    var count: Int {
        lock.lock()
        defer { lock.unlock() }
        return active
    }
}
