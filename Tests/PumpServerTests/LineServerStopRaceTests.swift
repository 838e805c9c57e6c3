// Stopping the server while clients are still connecting. Connections that NIO accepts and wraps after the
// accept loop has drained must be torn down quietly; before the fix one such connection crashed the whole
// process ("Deinited NIOAsyncWriter without calling finish()"), which stops the pump's control socket.
import Foundation
import Testing
@testable import PumpServer

@Suite("LineServer stop while clients connect")
struct LineServerStopRaceTests {
    @Test("HAZ-009: stopping during a connection storm never crashes and leaves no socket file",
          arguments: 0..<25)
    func stopDuringConnectionStorm(round: Int) async throws {
        let fixture = try await ServerFixture.start()
        let path = fixture.path
        let keepConnecting = LockedCounter(1)
        let connected = LockedCounter(0)
        // Two raw clients connect, send one line and drop the socket, as fast as they can, across the stop.
        let storms = (0..<2).map { _ in
            Task.detached {
                try await onThread {
                    while keepConnecting.value == 1 {
                        if let client = try? TestSocketClient(path: path, timeout: 0.2) {
                            try? client.send("ping\n")
                            connected.add(1)
                        }
                    }
                }
            }
        }
        while connected.value < 5 + round { await Task.yield() }
        await fixture.server.stop()
        keepConnecting.add(-1)
        for storm in storms { try await storm.value }
        #expect(!FileManager.default.fileExists(atPath: path))
        #expect(fixture.server.activeConnections == 0)
    }
}

/// An integer shared between a test and its client threads.
final class LockedCounter: @unchecked Sendable {
    private let lock = NSLock()
    private var count: Int
    init(_ initial: Int) { count = initial }
    func add(_ delta: Int) {
        lock.lock()
        count += delta
        lock.unlock()
    }
    var value: Int {
        lock.lock()
        defer { lock.unlock() }
        return count
    }
}
