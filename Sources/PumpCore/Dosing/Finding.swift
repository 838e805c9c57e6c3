// What the planner says about a program: findings, each with a stable limit id and one human sentence.
import Foundation

/// How serious a finding is.
public enum FindingKind: String, Sendable, Hashable, Codable {
    /// Shown to the nurse; never blocks.
    case warning
    /// A soft limit was exceeded: the program needs an override with a written reason.
    case softLimit
    /// A hard limit was exceeded (or an input is invalid): the program is refused; no override exists.
    case hardLimit
}

/// One observation about a program.
public struct Finding: Sendable, Hashable, Codable, CustomStringConvertible {
    /// Severity.
    public var kind: FindingKind
    /// Stable machine-readable identifier of the limit, e.g. "dose.hard-max" (see `LimitID`).
    public var limit: String
    /// One sentence for a person, naming the limit and the value.
    public var message: String

    /// Creates a finding.
    public init(kind: FindingKind, limit: String, message: String) {
        self.kind = kind
        self.limit = limit
        self.message = message
    }

    /// "hardLimit dose.hard-max: <message>".
    public var description: String { "\(kind.rawValue) \(limit): \(message)" }
}

/// A soft limit that a clinician chose to exceed, and why. Kept in the plan and logged.
public struct OverrideRecord: Sendable, Hashable, Codable {
    /// The limit exceeded, e.g. "dose.soft-max".
    public var limit: String
    /// The finding's sentence at the time of the override.
    public var message: String
    /// The clinician's reason, trimmed of surrounding white space (never blank).
    public var reason: String
    /// The plan revision the override was given for (1 = original program).
    public var revision: Int

    /// Creates an override record.
    public init(limit: String, message: String, reason: String, revision: Int) {
        self.limit = limit
        self.message = message
        self.reason = reason
        self.revision = revision
    }
}

/// The planner's decision.
public enum Verdict: String, Sendable, Hashable {
    /// A plan was produced (possibly with warnings and recorded overrides).
    case accepted
    /// A soft limit is exceeded and no (non-blank) override reason was given; no plan.
    case needsOverride
    /// A hard limit is exceeded or an input is invalid; no plan.
    case rejected
}

/// The outcome of validating a program or a titration.
public struct ValidationResult: Sendable, Equatable {
    /// The decision.
    public var verdict: Verdict
    /// Every finding, hard limits first, then soft limits, then warnings.
    public var findings: [Finding]
    /// The plan, present exactly when `verdict == .accepted`.
    public var plan: DosePlan?

    /// Creates a result.
    public init(verdict: Verdict, findings: [Finding], plan: DosePlan?) {
        self.verdict = verdict
        self.findings = findings
        self.plan = plan
    }

    /// A refusal with a single hard-limit finding.
    static func rejected(_ limit: String, _ message: String) -> ValidationResult {
        ValidationResult(verdict: .rejected, findings: [Finding(kind: .hardLimit, limit: limit, message: message)], plan: nil)
    }

    /// The findings of one kind.
    public func findings(_ kind: FindingKind) -> [Finding] { findings.filter { $0.kind == kind } }

    /// The first finding for limit `id`, if any.
    public func finding(_ id: String) -> Finding? { findings.first { $0.limit == id } }
}
