// The HL7 v2 subset parser: delimiters from MSH-1/MSH-2, escapes, repetitions, components and subcomponents,
// segment terminators, and the refusals for text that is not a message.
import Foundation
import Testing
@testable import PumpHL7

@Suite("HL7 v2 parser")
struct HL7ParserTests {
    @Test("standard delimiters: fields, components, subcomponents and HL7 field numbering (MSH-1 is the separator)")
    func standardDelimiters() throws {
        let message = try HL7Message(text: "MSH|^~\\&|MON|FAC|||20260101120000||ORU^R01^ORU_R01|C1|P|2.5\rPV1|1|O|WARD^101^CHAIR2&A\r")
        #expect(message.encoding == .standard)
        #expect(message.msh[1].value == "|" && message.msh[2].value == "^~\\&")
        #expect(message.msh[3].value == "MON" && message.msh[9].component(1) == "ORU" && message.msh[9].component(2) == "R01")
        #expect(message.msh[10].value == "C1")
        let pv1 = try #require(message.first("PV1"))
        #expect(pv1[3].component(1) == "WARD" && pv1[3].component(2) == "101")
        #expect(pv1[3].repetitions.first?.subcomponent(3, 1) == "CHAIR2")
        #expect(pv1[3].repetitions.first?.subcomponent(3, 2) == "A")
        #expect(pv1[99].isEmpty && pv1[99].value == "", "a field past the end is empty, not a crash")
    }

    @Test("delimiters come from MSH-1/MSH-2, not from a fixed |^~\\&")
    func customDelimiters() throws {
        // field !, component @, repetition *, escape ?, subcomponent $
        let text = "MSH!@*?$!MON!FAC!!!20260101120000!!ORU@R01!C2!P!2.5\rPID!1!!A1@@@H1*B2@@@H2!!Doe@Jane|Smith\rOBX!1!NM!8480-6@@LN!!120?F?5!mm[Hg]\r"
        let message = try HL7Message(text: text)
        #expect(message.encoding.field == "!" && message.encoding.component == "@" && message.encoding.repetition == "*"
                && message.encoding.escape == "?" && message.encoding.subcomponent == "$")
        let pid = try #require(message.first("PID"))
        #expect(pid[3].repetitions.count == 2)
        #expect(pid[3].repetitions[1].component(1) == "B2" && pid[3].repetitions[1].component(4) == "H2")
        #expect(pid[5].component(2) == "Jane|Smith", "| is plain data under these delimiters")
        let obx = try #require(message.first("OBX"))
        #expect(obx[5].value == "120!5", "?F? is the field separator escaped with the declared escape character")
    }

    @Test("escape sequences \\F\\ \\S\\ \\T\\ \\R\\ \\E\\ and \\X..\\ decode to data; formatting escapes are dropped")
    func escapes() throws {
        let message = try HL7Message(text: "MSH|^~\\&|A\\F\\B|C\\S\\D|E\\T\\F|G\\R\\H|I\\E\\J|K\\X4C\\M|N\\H\\O\\N\\P\r")
        let msh = message.msh
        #expect(msh[3].value == "A|B")
        #expect(msh[4].value == "C^D", "an escaped component separator is not a component")
        #expect(msh[4].repetitions.first?.components.count == 1)
        #expect(msh[5].value == "E&F")
        #expect(msh[6].value == "G~H" && msh[6].repetitions.count == 1, "an escaped repetition is not a repetition")
        #expect(msh[7].value == "I\\J")
        #expect(msh[8].value == "KLM")
        #expect(msh[9].value == "NOP")
    }

    @Test("unknown and unterminated escapes are refused, not guessed")
    func badEscapes() {
        #expect(throws: HL7ParseError.self) { try HL7Message(text: "MSH|^~\\&|A\\Q\\B\r") }
        #expect(throws: HL7ParseError.self) { try HL7Message(text: "MSH|^~\\&|A\\F\r") }
        #expect(throws: HL7ParseError.self) { try HL7Message(text: "MSH|^~\\&|A\\X4\\\r") }
    }

    @Test("escaping for the ACK round-trips through the parser")
    func escapeRoundTrip() throws {
        let nasty = "a|b^c~d\\e&f\rg"
        let encoded = HL7Encoding.standard.escaped(nasty)
        let message = try HL7Message(text: "MSH|^~\\&|\(encoded)\r")
        #expect(message.msh[3].value == "a|b^c~d\\e&f g")
    }

    @Test("segments end with CR; LF, CRLF and blank lines are tolerated")
    func terminators() throws {
        for separator in ["\r", "\n", "\r\n", "\r\r\n\n"] {
            let message = try HL7Message(text: ["MSH|^~\\&|A", "PID|1", "PV1|1|O|X^^CHAIR2", "OBX|1|NM"].joined(separator: separator))
            #expect(message.segments.map(\.id) == ["MSH", "PID", "PV1", "OBX"], "separator \(separator.debugDescription)")
            #expect(message.first("PV1")?[3].component(3) == "CHAIR2")
        }
    }

    @Test("repetitions, empty repetitions and empty components are kept in place")
    func repetitions() throws {
        let message = try HL7Message(text: "MSH|^~\\&|A\rPID|1||111^^^H~~333^^^X||^Jane")
        let pid = try #require(message.first("PID"))
        #expect(pid[3].repetitions.count == 3)
        #expect(pid[3].repetitions[0].component(1) == "111" && pid[3].repetitions[0].component(4) == "H")
        #expect(pid[3].repetitions[1].component(1) == "")
        #expect(pid[3].repetitions[2].component(4) == "X")
        #expect(pid[5].component(1) == "" && pid[5].component(2) == "Jane")
        #expect(pid[2].isEmpty && pid[2].repetitions.isEmpty)
    }

    @Test("text that is not a message is refused with a reason")
    func notMessages() {
        #expect(throws: HL7ParseError.empty) { try HL7Message(text: "\r\n") }
        #expect(throws: HL7ParseError.notMSH) { try HL7Message(text: "PID|1\r") }
        #expect(throws: HL7ParseError.self) { try HL7Message(text: "MSH|^~|A\r") }          // too few encoding characters
        #expect(throws: HL7ParseError.self) { try HL7Message(text: "MSH|^^\\&|A\r") }       // repeated delimiter
        #expect(throws: HL7ParseError.self) { try HL7Message(text: "MSH|^~\\&|A\rpv1|1\r") } // bad segment id
        #expect(throws: HL7ParseError.notText) { try HL7Message(bytes: [0x4D, 0x53, 0x48, 0xFF, 0xFE]) }
    }

    @Test("HL7 timestamps: precision, offsets, and impossible dates")
    func timestamps() throws {
        let utc = try #require(HL7Timestamp.parse("20260301101530+0000"))
        let offset = try #require(HL7Timestamp.parse("20260301111530+0100"))
        #expect(utc == offset)
        let minute = try #require(HL7Timestamp.parse("202603011015+0000"))
        #expect(utc.timeIntervalSince(minute) == 30) // wall-clock: fixed test dates, no clock read
        let fraction = try #require(HL7Timestamp.parse("20260301101530.25+0000"))
        #expect(abs(fraction.timeIntervalSince(utc) - 0.25) < 1e-6) // wall-clock: fixed test dates, no clock read
        #expect(HL7Timestamp.parse("20260231101530+0000") == nil, "31 February")
        #expect(HL7Timestamp.parse("2026") == nil, "a reading needs at least the minute")
        #expect(HL7Timestamp.parse("20261301101530") == nil)
        #expect(HL7Timestamp.parse("2026030110153x") == nil)
        #expect(HL7Timestamp.parse(HL7Timestamp.format(utc)) == utc)
    }
}
