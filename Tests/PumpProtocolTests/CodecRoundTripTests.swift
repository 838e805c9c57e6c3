import Foundation
import Testing
@testable import PumpProtocol

@Suite("Line codec round trips")
struct CodecRoundTripTests {
    @Test("every command survives encode → decode unchanged", arguments: Fixtures.allCommands)
    func commandRoundTrip(command: Command) throws {
        let request = Request(id: "c-1", command: command)
        let line = try LineCodec.encode(request)
        #expect(line.last == 0x0A)
        #expect(line.dropLast().contains(0x0A) == false)
        #expect(try LineCodec.decodeRequest(line).get() == request)
    }

    @Test("every command name is covered by the round-trip list")
    func allCommandNamesCovered() {
        let covered = Set(Fixtures.allCommands.map(\.name.rawValue))
        #expect(covered == Set(CommandName.allCases.map(\.rawValue)))
    }

    @Test("every payload survives encode → decode unchanged", arguments: [
        ResultPayload.status(Fixtures.running()),
        .status(Fixtures.running(alarms: [Fixtures.occlusion, Fixtures.nearEnd], uncertaintyMl: 0.12)),
        .status(StatusReport(state: .idle, backend: .gpiod)),
        .program(Fixtures.program),
        .log(Fixtures.logEntries),
        .log([]),
        .ack(message: "Alarm occlusion acknowledged."),
        .syringeChange(SyringeChangeSummary(syringeIndex: 2, syringe: "bd-50", fillMl: 50, concentrationMgPerMl: 2, deliveredMg: 98.6,
                                            deliveredMl: 49.3, remainingMg: 20.4, remainingMl: 10.2, fromThisSyringeMl: 10.2,
                                            anotherChangeNeeded: false, expectedEnd: Date(timeIntervalSince1970: 1_800_000_000))),
    ])
    func payloadRoundTrip(payload: ResultPayload) throws {
        let response = Response.success(id: "c-9", payload)
        #expect(try LineCodec.decodeResponse(LineCodec.encode(response)).get() == response)
    }

    @Test("error responses and a success without result round-trip")
    func errorRoundTrip() throws {
        let refused = Response.failure(id: "c-2", ProtocolError(
            code: .refused, message: "Rate 2.00 mg/kg/h is above the hard limit of 1.50 mg/kg/h.",
            findings: [FindingDTO(kind: .hardLimit, limit: "max_rate_mg_per_kg_per_h", message: "Rate 2.00 mg/kg/h is above the hard limit of 1.50 mg/kg/h.")]
        ))
        let unknownID = Response.failure(id: nil, ProtocolError(code: .badRequest, message: "The request line is empty."))
        for response in [refused, unknownID, Response.success(id: "c-3", nil)] {
            #expect(try LineCodec.decodeResponse(LineCodec.encode(response)).get() == response)
        }
    }

    @Test("a request is encoded with the documented wire shape")
    func requestWireShape() throws {
        let line = try LineCodec.encode(Request(id: "abc", command: .titrate(TitrateParameters(doseMgPerKg: 0.6, dryRun: true, confirmed: false))))
        let text = String(decoding: line, as: UTF8.self)
        #expect(text == #"{"command":"titrate","id":"abc","params":{"confirmed":false,"dose_mg_per_kg":0.6,"dry_run":true},"v":1}"# + "\n")
        let sim = String(decoding: try LineCodec.encode(Request(id: "x", command: .simInject(fault: .occlusionRelease))), as: UTF8.self)
        #expect(sim.contains(#""command":"sim-inject""#) && sim.contains(#""params":{"fault":"occlusion-release"}"#))
        let log = String(decoding: try LineCodec.encode(Request(id: "x", command: .log(since: Fixtures.start, limit: 5))), as: UTF8.self)
        #expect(log.contains(#""since":"2025-01-31T14:00:00Z""#))
    }

    @Test("a response is encoded with ok, a single-key result and a null id when unknown")
    func responseWireShape() {
        let ack = String(decoding: LineCodec.encode(Response.success(id: "a", .ack(message: "Done."))), as: UTF8.self)
        #expect(ack == #"{"id":"a","ok":true,"result":{"ack":{"message":"Done."}},"v":1}"# + "\n")
        let failure = String(decoding: LineCodec.encode(Response.failure(id: nil, ProtocolError(code: .lineTooLong, message: "Too long."))), as: UTF8.self)
        #expect(failure == #"{"error":{"code":"line-too-long","message":"Too long."},"id":null,"ok":false,"v":1}"# + "\n")
    }

    @Test("strings with newlines are escaped, so an encoded message is always one line")
    func newlinesEscaped() throws {
        let line = try LineCodec.encode(Request(id: "a\nb", command: .ack(code: "x\r\ny")))
        #expect(line.filter { $0 == 0x0A }.count == 1)
    }

    @Test("a response holding a non-finite number is replaced by an internal error, never NaN on the wire")
    func nonFiniteResponse() throws {
        var status = Fixtures.running()
        status.deliveredMg = .nan
        let decoded = try LineCodec.decodeResponse(LineCodec.encode(Response.success(id: "n", .status(status)))).get()
        #expect(decoded.id == "n")
        #expect(decoded.error?.code == .internal)
        #expect(decoded.error.map { isOneSentence($0.message) } == true)
    }

    @Test("HAZ-009: a response too long for one line becomes a line-too-long error asking for fewer entries")
    func oversizedResponse() throws {
        let entries = (0..<2000).map { LogEntryDTO(seq: $0, at: Fixtures.start, event: "step", message: "A fairly long log message for entry \($0).") }
        let line = LineCodec.encode(Response.success(id: "big", .log(entries)))
        #expect(line.count <= LineCodec.maxLineBytes + 1)
        let decoded = try LineCodec.decodeResponse(line).get()
        #expect(decoded.id == "big")
        #expect(decoded.error?.code == .lineTooLong)
        #expect(decoded.error.map { isOneSentence($0.message) && $0.message.contains("limit") } == true)
    }

    @Test("a request holding a non-finite number cannot be encoded")
    func nonFiniteRequest() {
        var parameters = Fixtures.startParameters
        parameters.weightKg = .infinity
        #expect(throws: ProtocolError.self) { try LineCodec.encode(Request(id: "i", command: .validate(parameters))) }
    }

    @Test("the correlation id of a request that fails later checks can still be read")
    func correlationID() {
        #expect(LineCodec.correlationID(in: Fixtures.line(#"{"v":1,"id":"q7","command":"fly"}"#)) == "q7")
        #expect(LineCodec.correlationID(in: Fixtures.line("garbage")) == nil)
    }
}
