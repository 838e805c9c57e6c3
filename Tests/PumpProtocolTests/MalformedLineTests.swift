import Foundation
import Testing
@testable import PumpProtocol

@Suite("Malformed input never crashes and always explains itself")
struct MalformedLineTests {
    struct Case: Sendable, CustomTestStringConvertible {
        let name: String
        let bytes: [UInt8]
        let code: ErrorCode
        /// A fragment the sentence must contain, so it names the actual problem.
        let mentions: String
        var testDescription: String { name }

        init(_ name: String, _ text: String, _ code: ErrorCode, _ mentions: String) {
            self.init(name, Array(text.utf8), code, mentions)
        }

        init(_ name: String, _ bytes: [UInt8], _ code: ErrorCode, _ mentions: String) {
            self.name = name
            self.bytes = bytes
            self.code = code
            self.mentions = mentions
        }
    }

    static let valid = #"{"v":1,"id":"r1","command":"status"}"#

    static let cases: [Case] = [
        Case("empty line", "", .badRequest, "empty"),
        Case("invalid UTF-8", [0x7B, 0xFF, 0xFE, 0x7D], .badRequest, "UTF-8"),
        Case("binary with NUL", [0x00, 0x01, 0x02, 0x7B], .badRequest, "not valid JSON"),
        Case("not JSON", "status please", .badRequest, "not valid JSON"),
        Case("truncated JSON", #"{"v":1,"id":"r1","command":"sta"#, .badRequest, "not valid JSON"),
        Case("trailing comma", #"{"v":1,"id":"r1","command":"status",}"#, .badRequest, "not valid JSON"),
        Case("two values", Self.valid + Self.valid, .badRequest, "after the end"),
        Case("JSON array", "[1,2,3]", .badRequest, "JSON object"),
        Case("JSON string", #""status""#, .badRequest, "JSON object"),
        Case("NaN literal", #"{"v":1,"id":"r","command":"log","params":{"limit":NaN}}"#, .badRequest, "not valid JSON"),
        Case("Infinity literal", #"{"v":1,"id":"r","command":"log","params":{"limit":Infinity}}"#, .badRequest, "not valid JSON"),
        Case("number out of range", #"{"v":1,"id":"r","command":"validate","params":{"weight_kg":1e400}}"#, .badRequest, "out of range"),
        Case("duplicate key", #"{"v":1,"id":"r","command":"resume-interrupted","params":{"confirmed":false,"confirmed":true}}"#, .badRequest, "twice"),
        Case("escaped duplicate key", #"{"v":1,"id":"r","command":"status","\u0069d":"s"}"#, .badRequest, "twice"),
        Case("nesting bomb", String(repeating: "[", count: 5000) + String(repeating: "]", count: 5000), .badRequest, "nesting"),
        Case("embedded newline", Self.valid + "\n" + Self.valid, .badRequest, "one line"),
        Case("missing version", #"{"id":"r1","command":"status"}"#, .badRequest, "version"),
        Case("version as string", #"{"v":"1","id":"r1","command":"status"}"#, .badRequest, "v must be a number"),
        Case("future version", #"{"v":2,"id":"r1","command":"teleport"}"#, .unsupportedVersion, "version 2"),
        Case("fractional version", #"{"v":1.5,"id":"r1","command":"status"}"#, .unsupportedVersion, "1.5"),
        Case("missing command", #"{"v":1,"id":"r1"}"#, .badRequest, "command"),
        Case("unknown command", #"{"v":1,"id":"r1","command":"bolus"}"#, .badRequest, "Unknown command \"bolus\""),
        Case("missing id", #"{"v":1,"command":"status"}"#, .badRequest, "id"),
        Case("unknown top-level key", #"{"v":1,"id":"r1","command":"status","force":true}"#, .badRequest, "Unknown field force"),
        Case("params on a bare command", #"{"v":1,"id":"r1","command":"stop","params":{"now":true}}"#, .badRequest, "params.now"),
        Case("misspelt parameter", #"{"v":1,"id":"r","command":"validate","params":{"drug":"ketamine","profile":"mood","weight_kg":70,"dose_mg_kg":0.5,"concentration_mg_per_ml":1,"syringe":"bd-50","confirmed":false}}"#, .badRequest, "params.dose_mg_kg"),
        Case("weight as string", #"{"v":1,"id":"r","command":"validate","params":{"drug":"ketamine","profile":"mood","weight_kg":"70","concentration_mg_per_ml":1,"syringe":"bd-50","confirmed":false}}"#, .badRequest, "params.weight_kg must be a number"),
        Case("missing weight", #"{"v":1,"id":"r","command":"validate","params":{"drug":"ketamine","profile":"mood","concentration_mg_per_ml":1,"syringe":"bd-50","confirmed":false}}"#, .badRequest, "params.weight_kg"),
        Case("unknown profile", #"{"v":1,"id":"r","command":"validate","params":{"drug":"ketamine","profile":"sedation","weight_kg":70,"concentration_mg_per_ml":1,"syringe":"bd-50","confirmed":false}}"#, .badRequest, "mood, pain"),
        Case("confirmed as string", #"{"v":1,"id":"r","command":"resume-interrupted","params":{"confirmed":"yes"}}"#, .badRequest, "true or false"),
        Case("unknown fault", #"{"v":1,"id":"r","command":"sim-inject","params":{"fault":"fire"}}"#, .badRequest, "occlusion"),
        Case("fractional limit", #"{"v":1,"id":"r","command":"log","params":{"limit":2.5}}"#, .badRequest, "whole number"),
        Case("bad since", #"{"v":1,"id":"r","command":"log","params":{"since":"yesterday"}}"#, .badRequest, "ISO-8601"),
        Case("null id", #"{"v":1,"id":null,"command":"status"}"#, .badRequest, "id"),
        Case("empty id", #"{"v":1,"id":"","command":"status"}"#, .badRequest, "id must be 1 to 128"),
        Case("unpaired surrogate", #"{"v":1,"id":"\ud800","command":"status"}"#, .badRequest, "surrogate"),
        Case("raw control character", "{\"v\":1,\"id\":\"a\u{01}\",\"command\":\"status\"}", .badRequest, "control character"),
    ]

    @Test("HAZ-009: an oversized or malformed request line is rejected with a clear error", arguments: cases)
    func malformedRequest(testCase: Case) {
        let result = LineCodec.decodeRequest(Data(testCase.bytes))
        guard case let .failure(error) = result else {
            Issue.record("\(testCase.name) was accepted")
            return
        }
        #expect(error.code == testCase.code, "\(testCase.name): \(error.message)")
        #expect(error.message.contains(testCase.mentions), "\(testCase.name): \(error.message)")
        #expect(isOneSentence(error.message), "\(testCase.name): \(error.message)")
    }

    @Test("HAZ-009: a line longer than 65 536 bytes is rejected as line-too-long before parsing")
    func oversizedLine() {
        let padding = String(repeating: "x", count: LineCodec.maxLineBytes)
        let line = Fixtures.line(#"{"v":1,"id":"\#(padding)","command":"status"}"#)
        guard case let .failure(error) = LineCodec.decodeRequest(line) else {
            Issue.record("accepted")
            return
        }
        #expect(error.code == .lineTooLong)
        #expect(error.message.contains("65536"))
        #expect(isOneSentence(error.message))
        #expect(throws: Never.self) { try LineCodec.decodeRequest(Fixtures.line(Self.valid + "\r\n")).get() }
        let exactlyAtLimit = Data(repeating: 0x20, count: LineCodec.maxLineBytes - Self.valid.utf8.count) + Fixtures.line(Self.valid)
        #expect(throws: Never.self) { try LineCodec.decodeRequest(exactlyAtLimit).get() }
    }

    @Test("HAZ-001: start without confirmed: true is rejected by the codec")
    func startNeedsConfirmation() throws {
        var parameters = Fixtures.startParameters
        parameters.confirmed = false
        let line = try LineCodec.encode(Request(id: "s", command: .start(parameters)))
        guard case let .failure(error) = LineCodec.decodeRequest(line) else {
            Issue.record("an unconfirmed start was accepted")
            return
        }
        #expect(error.code == .badRequest && error.message.contains("confirmed: true"))
    }

    @Test("HAZ-010: resume-interrupted without confirmed: true is rejected by the codec")
    func resumeInterruptedNeedsConfirmation() throws {
        let line = try LineCodec.encode(Request(id: "s", command: .resumeInterrupted(confirmed: false, overrideReason: nil)))
        #expect(throws: ProtocolError.self) { try LineCodec.decodeRequest(line).get() }
    }

    @Test("HAZ-001: titrate must name exactly one target and be confirmed unless a dry run")
    func titrateRules() throws {
        let two = TitrateParameters(doseMgPerKg: 0.6, rateMgPerKgPerH: 1, dryRun: true, confirmed: false)
        let none = TitrateParameters(dryRun: true, confirmed: false)
        let unconfirmed = TitrateParameters(durationMin: 50, dryRun: false, confirmed: false)
        for parameters in [two, none, unconfirmed] {
            let line = try LineCodec.encode(Request(id: "t", command: .titrate(parameters)))
            guard case let .failure(error) = LineCodec.decodeRequest(line) else {
                Issue.record("accepted \(parameters)")
                continue
            }
            #expect(error.code == .badRequest && isOneSentence(error.message))
        }
    }

    @Test("HAZ-009: random bytes never crash the request or response decoder")
    func randomBytes() {
        var random = SplitMix64(state: 0x5EED)
        for _ in 0..<3000 {
            let length = Int.random(in: 0...200, using: &random)
            let bytes = (0..<length).map { _ in UInt8.random(in: 0...255, using: &random) }
            assertExplained(LineCodec.decodeRequest(Data(bytes)))
            assertExplained(LineCodec.decodeResponse(Data(bytes)))
        }
    }

    @Test("HAZ-009: mutated valid lines never crash and are either valid or explained")
    func mutatedLines() throws {
        var random = SplitMix64(state: 42)
        let requests = try Fixtures.allCommands.map { try [UInt8](LineCodec.encode(Request(id: "m", command: $0))) }
        let responses = [UInt8](LineCodec.encode(Response.success(id: "m", .status(Fixtures.running(alarms: [Fixtures.occlusion])))))
        let alphabet = Array(#"{}[]",:0123456789.eE+-tfnul\ "#.utf8) + [0x00, 0x0A, 0xC3, 0xFF]
        for round in 0..<4000 {
            var bytes = round.isMultiple(of: 5) ? responses : requests[round % requests.count]
            for _ in 0..<Int.random(in: 1...4, using: &random) {
                let position = Int.random(in: 0..<bytes.count, using: &random)
                switch Int.random(in: 0..<3, using: &random) {
                case 0: bytes[position] = alphabet.randomElement(using: &random) ?? 0
                case 1: bytes.remove(at: position)
                default: bytes.insert(alphabet.randomElement(using: &random) ?? 0, at: position)
                }
                if bytes.isEmpty { bytes = [0x7B] }
            }
            assertExplained(LineCodec.decodeRequest(Data(bytes)))
            assertExplained(LineCodec.decodeResponse(Data(bytes)))
        }
    }

    @Test("malformed responses are explained too")
    func malformedResponses() {
        let cases = [
            #"{"v":1,"id":"a","ok":true,"error":{"code":"refused","message":"No."}}"#,
            #"{"v":1,"id":"a","ok":false}"#,
            #"{"v":1,"id":"a","ok":true,"result":{"bogus":{}}}"#,
            #"{"v":1,"id":"a","ok":true,"result":{"status":{"state":"flying"}}}"#,
            #"{"v":3,"id":"a","ok":true}"#,
        ]
        for text in cases {
            guard case let .failure(error) = LineCodec.decodeResponse(Fixtures.line(text)) else {
                Issue.record("accepted \(text)")
                continue
            }
            #expect(isOneSentence(error.message), "\(error.message)")
        }
    }

    private func assertExplained<T>(_ result: Result<T, ProtocolError>) {
        if case let .failure(error) = result {
            #expect(!error.message.isEmpty && !error.message.contains("\n") && error.message.hasSuffix("."), "\(error.message)")
        }
    }
}
