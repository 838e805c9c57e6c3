// The human text of a computed program (`pumpctl start` shows it before asking for confirmation).
import Foundation

/// Renders a program summary and decides whether it may go on to confirmation.
public enum ProgramText {
    /// The program as labelled lines, then its findings and overrides.
    public static func render(_ program: ProgramSummary, timeZone: TimeZone) -> String {
        var lines: [String] = []
        func add(_ label: String, _ value: String) {
            lines.append(label.padding(toLength: 16, withPad: " ", startingAt: 0) + value)
        }
        add("Drug", "\(program.drug) \(QuantityFormat.mgPerMl(program.concentrationMgPerMl)), \(program.profile.rawValue) profile, syringe \(program.syringe)")
        var weight = "\(QuantityFormat.kg(program.dosingWeightKg)) (\(program.dosingWeightBasis.rawValue))"
        if program.dosingWeightBasis != .actual { weight += ", actual \(QuantityFormat.kg(program.actualWeightKg))" }
        add("Dosing weight", weight)
        add("Dose", "\(QuantityFormat.mgPerKg(program.doseMgPerKg)) = \(QuantityFormat.mg(program.totalMg))")
        add("Volume", QuantityFormat.ml(program.volumeMl))
        add("Rate", "\(QuantityFormat.mlPerH(program.rateMlPerH)) = \(QuantityFormat.mgPerKgPerH(program.rateMgPerKgPerH))")
        add("Duration", QuantityFormat.minutes(program.durationMin))
        if let end = program.expectedEnd { add("Expected end", "\(QuantityFormat.clock(end, timeZone: timeZone)) if started now") }
        add("Verdict", program.verdict.rawValue)
        for finding in program.findings {
            lines.append("  \(label(for: finding.kind)): \(finding.message)")
        }
        for override in program.overrides {
            lines.append("  OVERRIDE \(override.limit): \(override.reason)")
        }
        return lines.joined(separator: "\n")
    }

    /// One sentence explaining why the program may not go on to confirmation, or nil when it may.
    ///
    /// - Parameter action: what would not happen, e.g. "Not started" or "Not changed".
    public static func refusal(for program: ProgramSummary, action: String) -> String? {
        switch program.verdict {
        case .accepted:
            return nil
        case .needsOverride:
            let reason = program.findings.first { $0.kind == .softLimit }.map { Sentence.body($0.message) }
                ?? "a soft limit is exceeded"
            return "\(action): \(reason); give --override-reason TEXT to override it."
        case .rejected:
            let reason = program.findings.first { $0.kind == .hardLimit }.map { Sentence.body($0.message) }
                ?? "a hard limit is exceeded"
            return "\(action): \(reason)."
        }
    }

    private static func label(for kind: FindingKind) -> String {
        switch kind {
        case .warning: "WARNING"
        case .softLimit: "SOFT LIMIT"
        case .hardLimit: "HARD LIMIT"
        }
    }
}

/// Helpers for composing one-sentence messages.
public enum Sentence {
    /// A sentence without surrounding space and its final full stop, so it can be embedded in another sentence.
    public static func body(_ sentence: String) -> String {
        var text = sentence.trimmingCharacters(in: .whitespacesAndNewlines)
        while text.hasSuffix(".") { text.removeLast() }
        return text
    }
}
