// Long answers as part lines (issue 11 item 5): every part fits one protocol line, the parts put back together
// are byte for byte the answer, and anything out of order, inconsistent or foreign is refused, never half-read.
import Foundation
@testable import PumpProtocol
import Testing

@Suite("Answer parts")
struct AnswerPartsTests {
    static func longAnswer(entries: Int) -> Response {
        let log = (0..<entries).map { index in
            LogEntryDTO(seq: index, at: Date(timeIntervalSince1970: 1_700_000_000 + Double(index)), event: "pause",
                        message: "root: Paused by root \"quoted\" ünïcödé \(index).", sessionId: "7")
        }
        return .success(id: "req-1", .log(log))
    }

    @Test("Split then assembled gives the exact answer; each part line is within the line limit")
    func roundTrip() throws {
        let response = Self.longAnswer(entries: 3_000)
        let lines = LineCodec.encodeLines(response, maxParts: AnswerParts.maxParts)
        #expect(lines.count > 1)
        var assembler = AnswerParts.Assembler()
        var whole: Data?
        for line in lines {
            #expect(line.count <= LineCodec.maxLineBytes + 1)
            guard case .success(let decoded) = LineCodec.decodeResponse(line), let part = decoded.part else {
                Issue.record("a part line did not decode")
                return
            }
            #expect(decoded.id == "req-1" && decoded.result == nil && decoded.ok)
            whole = try assembler.add(part, id: decoded.id)
        }
        let assembled = try #require(whole)
        guard case .success(let back) = LineCodec.decodeAssembledResponse(assembled) else {
            Issue.record("the assembled answer did not decode")
            return
        }
        #expect(back == response)
    }

    @Test("Without max_parts, or with 1, a long answer is one line-too-long error, never a part")
    func noPartsWithoutPermission() {
        for maxParts in [nil, 1] {
            let lines = LineCodec.encodeLines(Self.longAnswer(entries: 3_000), maxParts: maxParts)
            #expect(lines.count == 1)
            guard case .success(let decoded) = LineCodec.decodeResponse(lines[0]) else {
                Issue.record("undecodable")
                continue
            }
            #expect(decoded.part == nil && decoded.error?.code == .lineTooLong)
        }
        // A short answer is one ordinary line whatever max_parts says.
        let short = LineCodec.encodeLines(Self.longAnswer(entries: 2), maxParts: 256)
        #expect(short.count == 1)
    }

    @Test("An answer needing more parts than allowed is refused whole")
    func tooManyParts() {
        let lines = LineCodec.encodeLines(Self.longAnswer(entries: 3_000), maxParts: 2)
        #expect(lines.count == 1)
        if case .success(let decoded) = LineCodec.decodeResponse(lines[0]) { #expect(decoded.error?.code == .lineTooLong) }
    }

    @Test("Out of order, repeated, foreign-id, inconsistent-count and non-base64 parts are refused")
    func malformedParts() throws {
        let parts = LineCodec.encodeLines(Self.longAnswer(entries: 3_000), maxParts: 256).compactMap { line -> AnswerPart? in
            if case .success(let decoded) = LineCodec.decodeResponse(line) { return decoded.part }
            return nil
        }
        try #require(parts.count >= 3)
        var outOfOrder = AnswerParts.Assembler()
        #expect(throws: ProtocolError.self) { _ = try outOfOrder.add(parts[1], id: "req-1") }
        var repeated = AnswerParts.Assembler()
        _ = try repeated.add(parts[0], id: "req-1")
        #expect(throws: ProtocolError.self) { _ = try repeated.add(parts[0], id: "req-1") }
        var foreign = AnswerParts.Assembler()
        _ = try foreign.add(parts[0], id: "req-1")
        #expect(throws: ProtocolError.self) { _ = try foreign.add(parts[1], id: "other") }
        var recount = AnswerParts.Assembler()
        _ = try recount.add(parts[0], id: "req-1")
        var changed = parts[1]
        changed.count += 1
        #expect(throws: ProtocolError.self) { _ = try recount.add(changed, id: "req-1") }
        var garbage = AnswerParts.Assembler()
        #expect(throws: ProtocolError.self) {
            _ = try garbage.add(AnswerPart(index: 0, count: 1, data: "not base64!"), id: nil)
        }
        var huge = AnswerParts.Assembler()
        #expect(throws: ProtocolError.self) {
            _ = try huge.add(AnswerPart(index: 0, count: AnswerParts.maxParts + 1, data: ""), id: nil)
        }
    }

    @Test("max_parts outside 1…256 is a bad request; a part carrying a result is not a response")
    func requestAndResponseRules() {
        let request = Data(#"{"v":1,"id":"a","command":"status","max_parts":257}"#.utf8)
        if case .success = LineCodec.decodeRequest(request) { Issue.record("max_parts 257 accepted") }
        let good = Data(#"{"v":1,"id":"a","command":"status","max_parts":256}"#.utf8)
        if case .failure(let error) = LineCodec.decodeRequest(good) { Issue.record("\(error.message)") }
        let mixed = Data(#"{"v":1,"id":"a","ok":true,"result":{"ack":{"message":"x"}},"part":{"index":0,"count":1,"data":""}}"#.utf8)
        if case .success = LineCodec.decodeResponse(mixed) { Issue.record("a part with a result was accepted") }
    }
}
