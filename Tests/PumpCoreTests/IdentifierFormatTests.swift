// Issue 11 item 3: one format for identifiers people type (patient ids, library ids) — printable, no space at
// either end, at most 64 characters — and one comparison form (case and width folded).
import PumpCore
import Testing

@Suite("Identifier format")
struct IdentifierFormatTests {
    @Test("Refused: empty, too long, a space at an end, control, format, tab, line separator, private use",
          arguments: ["", String(repeating: "x", count: 65), " K1", "K1 ", "K\u{0}1", "K\u{7F}1", "K\u{200B}1", "K\u{200E}1",
                      "K\t1", "K\n1", "K\u{2028}1", "K\u{E000}1", "K\u{A0}1"])
    func refused(_ text: String) {
        let problem = IdentifierKey.formatViolation(text, field: "patient id")
        #expect(problem != nil, "\(text.unicodeScalars.map { String($0.value, radix: 16) })")
        #expect(problem?.hasPrefix("The patient id") == true)
    }

    @Test("Accepted: ordinary ids, inner spaces, letters of any script, exactly 64 characters",
          arguments: ["K-1234", "Müller Anna 1987", "患者-42", "bd-50", String(repeating: "x", count: 64), "O'Brien, J."])
    func accepted(_ text: String) {
        #expect(IdentifierKey.formatViolation(text, field: "patient id") == nil)
    }

    @Test("Lookups by drug, profile and syringe id ignore case and width, like the repeat-dose guard")
    func lookupsNormalised() throws {
        let (drugs, syringes) = try Fixtures.bundled.get()
        #expect(drugs.drug(named: "KETAMINE") != nil)
        #expect(drugs.drug(named: "ketamine")?.profile(id: "MOOD") != nil)
        #expect(syringes.syringe(id: "BD-50") != nil)
    }
}
