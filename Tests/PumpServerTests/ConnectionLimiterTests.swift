// The connection limiter's three rules (issue 11 item 2): control peers may take any free slot, observers share
// the slots not reserved for control, and one observer uid holds at most its share; released slots come back.
import Foundation
@testable import PumpServer
import Testing

@Suite("Connection limiter")
struct ConnectionLimiterTests {
    @Test("Observers fill only the unreserved slots, 32 per uid; control peers still get the reserved ones")
    func reservedAndPerUID() {
        let limiter = ConnectionLimiter(limit: 128, reservedForControl: 32, perObserverUID: 32)
        // One uid: 32 served, the 33rd refused for its uid.
        for _ in 0..<32 { #expect(limiter.acquire(control: false, uid: 1000) == nil) }
        #expect(limiter.acquire(control: false, uid: 1000) == .perUID(limit: 32))
        // Two more uids fill the observer pool; a fourth is refused because the pool is full.
        for uid: uid_t in [1001, 1002] { for _ in 0..<32 { #expect(limiter.acquire(control: false, uid: uid) == nil) } }
        #expect(limiter.acquire(control: false, uid: 1003) == .full)
        #expect(limiter.count == 96)
        // The nurse gets all 32 reserved slots (no per-uid cap for control), then the socket is full.
        for _ in 0..<32 { #expect(limiter.acquire(control: true, uid: 2000) == nil) }
        #expect(limiter.acquire(control: true, uid: 2000) == .full)
        // A released observer slot is free again for that uid.
        limiter.release(control: false, uid: 1000)
        limiter.release(control: true, uid: 2000)
        #expect(limiter.acquire(control: false, uid: 1000) == nil)
        #expect(limiter.acquire(control: false, uid: 1003) == .full)
    }

    @Test("Without a per-uid cap one observer may take the whole observer pool")
    func noPerUIDCap() {
        let limiter = ConnectionLimiter(limit: 4, reservedForControl: 1)
        for _ in 0..<3 { #expect(limiter.tryAcquire(control: false, uid: 7)) }
        #expect(!limiter.tryAcquire(control: false, uid: 7))
        #expect(limiter.tryAcquire(control: true, uid: 8))
    }
}
