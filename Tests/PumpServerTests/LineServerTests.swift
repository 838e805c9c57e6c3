import Foundation
import Testing
@testable import PumpServer

@Suite("Line server: framing and replies")
struct LineServerTests {
    @Test("an echo handler answers each line in order, including pipelined and CRLF lines")
    func echoRoundTrip() async throws {
        let fixture = try await ServerFixture.start()
        let replies = try await onThread {
            let client = try fixture.client()
            var replies: [String?] = [try client.request("hello")]
            try client.send("one\ntwo\r\nthree\n")
            for _ in 0..<3 { replies.append(try client.readLine()) }
            replies.append(try client.request(""))
            return replies
        }
        #expect(replies == ["echo:hello", "echo:one", "echo:two", "echo:three", "echo:"])
        await fixture.server.stop()
    }

    @Test("HAZ-009: a line over 64 KiB gets one line-too-long error and is closed; others are still served")
    func lineTooLong() async throws {
        let fixture = try await ServerFixture.start()
        let (reply, after, other) = try await onThread {
            let bad = try fixture.client()
            try bad.send([UInt8](repeating: UInt8(ascii: "a"), count: 70_000) + [UInt8(ascii: "\n")])
            let reply = try bad.readLine()
            let after = try bad.readLine()
            let other = try fixture.client().request("still here")
            return (reply, after, other)
        }
        let expected = #"{"v":1,"ok":false,"error":{"code":"line-too-long","message":"#
        #expect(reply?.hasPrefix(expected) == true)
        #expect(after == nil)
        #expect(other == "echo:still here")
        #expect(fixture.log.lines == ["still here"])
        await fixture.server.stop()
    }

    @Test("HAZ-009: a line of exactly the limit is accepted, one byte more is refused")
    func lineLimitBoundary() async throws {
        let fixture = try await ServerFixture.start(maxLineBytes: 64)
        let (exact, over) = try await onThread {
            let exact = try fixture.client().request(String(repeating: "x", count: 64))
            let over = try fixture.client().request(String(repeating: "y", count: 65))
            return (exact, over)
        }
        #expect(exact == "echo:" + String(repeating: "x", count: 64))
        #expect(over?.contains(#""code":"line-too-long""#) == true)
        await fixture.server.stop()
    }

    @Test("HAZ-009: a line too long without any newline is refused before it is complete")
    func unterminatedFlood() async throws {
        let fixture = try await ServerFixture.start(maxLineBytes: 1_024)
        let reply = try await onThread {
            let client = try fixture.client()
            try client.send([UInt8](repeating: UInt8(ascii: "z"), count: 4_096))
            return try client.readLine()
        }
        #expect(reply?.contains(#""code":"line-too-long""#) == true)
        #expect(fixture.log.lines.isEmpty)
        await fixture.server.stop()
    }

    @Test("HAZ-009: binary garbage gets a malformed error, never reaches the handler, and the connection goes on")
    func binaryGarbage() async throws {
        let fixture = try await ServerFixture.start()
        let (garbageReply, nextReply, otherReply) = try await onThread {
            let client = try fixture.client()
            var garbage: [UInt8] = [0xFF, 0xFE, 0x00, 0xC3, 0x28, 0xA0, 0xA1, 0xF0, 0x28, 0x8C, 0x28]
            var seed: UInt64 = 0x9E37_79B9_7F4A_7C15
            for _ in 0..<2_000 {
                seed = seed &* 6_364_136_223_846_793_005 &+ 1
                let byte = UInt8(truncatingIfNeeded: seed >> 56)
                garbage.append(byte == UInt8(ascii: "\n") ? 0xFF : byte)
            }
            try client.send(garbage + [UInt8(ascii: "\n")])
            let garbageReply = try client.readLine()
            let nextReply = try client.request("ok after garbage")
            let otherReply = try fixture.client().request("other client")
            return (garbageReply, nextReply, otherReply)
        }
        #expect(garbageReply == ServerReply.invalidUTF8)
        #expect(nextReply == "echo:ok after garbage")
        #expect(otherReply == "echo:other client")
        #expect(fixture.log.lines == ["ok after garbage", "other client"])
        await fixture.server.stop()
    }

    @Test("HAZ-009: a handler reply with a line break is replaced by one internal-error line")
    func multiLineReply() async throws {
        let fixture = try await ServerFixture.start(handler: { _ in "first\nsecond" })
        let (reply, next) = try await onThread {
            let client = try fixture.client()
            return (try client.request("x"), try client.request("y"))
        }
        #expect(reply == ServerReply.internalError)
        #expect(next == ServerReply.internalError)
        await fixture.server.stop()
    }

    @Test("HAZ-009: a line split across many small writes reaches the handler once, whole")
    func fragmentedLine() async throws {
        let fixture = try await ServerFixture.start()
        let line = #"{"v":1,"cmd":"status","id":"fragmented"}"#
        let reply = try await onThread {
            let client = try fixture.client()
            for byte in Array(line.utf8) {
                try client.send([byte])
                usleep(200)
            }
            try client.send("\n")
            return try client.readLine()
        }
        #expect(reply == "echo:" + line)
        #expect(fixture.log.lines == [line])
        await fixture.server.stop()
    }

    @Test("error lines are valid JSON with escaped text")
    func errorLinesAreJSON() throws {
        let line = ServerReply.error(code: "x", message: "a \"quoted\"\nline\u{1}")
        let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]
        let error = object?["error"] as? [String: Any]
        #expect(object?["ok"] as? Bool == false)
        #expect(object?["v"] as? Int == 1)
        #expect(error?["message"] as? String == "a \"quoted\"\nline\u{1}")
        for reply in [ServerReply.invalidUTF8, ServerReply.tooManyConnections, ServerReply.idleTimeout,
                      ServerReply.internalError, ServerReply.lineTooLong(limit: 10)] {
            #expect((try? JSONSerialization.jsonObject(with: Data(reply.utf8))) != nil, "\(reply)")
        }
    }
}
