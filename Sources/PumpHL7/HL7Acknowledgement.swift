// Builds the ACK the bridge answers every message with (original acknowledgement mode): MSH with sender and
// receiver swapped, MSA (MSA-1 AA/AE/AR, MSA-2 the message's control id, MSA-3 the reason) and, for a refusal,
// ERR (ERR-2 location, ERR-3 table 0357 code, ERR-4 severity E, ERR-8 the reason). When the message could not
// even be parsed, the ACK uses the standard delimiters and an empty MSA-2.
import Foundation

/// An acknowledgement message.
public enum HL7Acknowledgement {
    /// The ACK for `incoming` (nil when it could not be parsed).
    /// - Parameters:
    ///   - controlID: this ACK's own MSH-10.
    ///   - now: its MSH-7.
    public static func make(for incoming: HL7Message?, code: HL7AckCode, refusal: HL7Refusal?, text: String,
                            application: String, facility: String, controlID: String, now: Date) -> String {
        let encoding = incoming?.encoding ?? .standard
        let f = String(encoding.field)
        func esc(_ text: String) -> String { encoding.escaped(text) }
        let msh = incoming?.msh
        // Sender and receiver swap; other fields of the incoming MSH are echoed as written (already escaped
        // values are re-escaped from their decoded form).
        let trigger = msh.map { $0[9].component(2) }.flatMap { $0.isEmpty ? nil : $0 } ?? "R01"
        let version = msh.map { $0[12].value }.flatMap { $0.isEmpty ? nil : $0 } ?? "2.5"
        let processing = msh.map { $0[11].value }.flatMap { $0.isEmpty ? nil : $0 } ?? "P"
        let header = [
            "MSH", encoding.encodingCharacters, esc(application), esc(facility),
            esc(msh?[3].value ?? ""), esc(msh?[4].value ?? ""), HL7Timestamp.format(now), "",
            "ACK" + String(encoding.component) + esc(trigger) + String(encoding.component) + "ACK",
            esc(controlID), esc(processing), esc(version),
        ].joined(separator: f)
        let msa = ["MSA", code.rawValue, esc(msh?[10].value ?? ""), esc(text)].joined(separator: f)
        var segments = [header, msa]
        if let refusal {
            let c = String(encoding.component)
            let location = refusal.location.split(separator: "^", omittingEmptySubsequences: false).map { esc(String($0)) }.joined(separator: c)
            let condition = [refusal.condition.rawValue, esc(refusal.condition.text), "HL70357"].joined(separator: c)
            segments.append(["ERR", "", location, condition, "E", "", "", "", esc(refusal.reason)].joined(separator: f))
        }
        return segments.joined(separator: "\r") + "\r"
    }
}
