import Foundation
import Testing
@testable import PumpServer

@Suite("Line server: slow, half-open and vanishing clients")
struct LineServerClientFaultTests {
    @Test("HAZ-009: a client that connects and says nothing is dropped after the idle timeout")
    func idleClientDropped() async throws {
        let fixture = try await ServerFixture.start(idleTimeout: .milliseconds(300))
        let clock = ContinuousClock()
        let start = clock.now
        let (reply, after) = try await onThread {
            let client = try fixture.client(timeout: 3)
            return (try client.readLine(), try client.readLine())
        }
        let elapsed = clock.now - start
        #expect(reply == ServerReply.idleTimeout)
        #expect(after == nil)
        #expect(elapsed >= .milliseconds(250))
        #expect(elapsed < .seconds(3))
        #expect(fixture.log.lines.isEmpty)
        await fixture.server.stop()
    }

    @Test("HAZ-009: a client that sends half a line and shuts down its write side never reaches the handler")
    func halfOpenPartialLine() async throws {
        let fixture = try await ServerFixture.start()
        let reply = try await onThread {
            let client = try fixture.client()
            try client.send(#"{"v":1,"cmd":"sta"#)
            client.shutdownWrite()
            return try client.readLine()
        }
        #expect(reply == nil)
        #expect(fixture.log.lines.isEmpty)
        await fixture.server.stop()
    }

    @Test("a complete line followed by a write shutdown is still answered")
    func halfCloseAfterCompleteLine() async throws {
        let fixture = try await ServerFixture.start()
        let (reply, after) = try await onThread {
            let client = try fixture.client()
            try client.send("status\n")
            client.shutdownWrite()
            return (try client.readLine(), try client.readLine())
        }
        #expect(reply == "echo:status")
        #expect(after == nil)
        await fixture.server.stop()
    }

    @Test("HAZ-009: a client that disconnects mid-line changes nothing and the server keeps serving")
    func disconnectMidLine() async throws {
        let fixture = try await ServerFixture.start()
        let reply = try await onThread {
            do {
                let client = try fixture.client()
                try client.send(#"{"v":1,"cmd":"start","rate_ml_per_h":52"#)
            }
            return try fixture.client().request("next")
        }
        #expect(reply == "echo:next")
        #expect(fixture.log.lines == ["next"])
        await fixture.server.stop()
    }

    @Test("100 concurrent clients each get their own replies")
    func hundredClients() async throws {
        let fixture = try await ServerFixture.start(maxConnections: 128)
        let results = try await withThrowingTaskGroup(of: Bool.self) { group in
            for index in 0..<100 {
                group.addTask {
                    try await onThread {
                        let client = try fixture.client()
                        for round in 0..<3 {
                            guard try client.request("c\(index)-r\(round)") == "echo:c\(index)-r\(round)" else {
                                return false
                            }
                        }
                        return true
                    }
                }
            }
            return try await group.reduce(into: [Bool]()) { $0.append($1) }
        }
        #expect(results.count == 100)
        #expect(results.allSatisfy { $0 })
        #expect(fixture.log.lines.count == 300)
        await fixture.server.stop()
    }

    @Test("HAZ-009: connections above the limit get one error line and are closed; freed slots are reused")
    func connectionLimit() async throws {
        let fixture = try await ServerFixture.start(maxConnections: 2)
        let (first, second, refused, refusedEOF, reused) = try await onThread {
            let a = try fixture.client()
            let b = try fixture.client()
            let first = try a.request("a")
            let second = try b.request("b")
            let c = try fixture.client()
            let refused = try c.readLine()
            let refusedEOF = try c.readLine()
            a.shutdownWrite()
            _ = try a.readLine()
            // The slot is released asynchronously once the server has closed `a`.
            var reused: String?
            for _ in 0..<50 {
                let d = try fixture.client()
                reused = try d.request("d")
                if reused == "echo:d" { break }
                usleep(20_000)
            }
            return (first, second, refused, refusedEOF, reused)
        }
        #expect(first == "echo:a")
        #expect(second == "echo:b")
        #expect(refused == ServerReply.tooManyConnections)
        #expect(refusedEOF == nil)
        #expect(reused == "echo:d")
        await fixture.server.stop()
    }
}
