import Foundation

/// A stored version with the guardrail findings recorded when it was proposed.
public struct BaselineRecord: Sendable, Hashable {
    public var baseline: Baseline
    public var findings: [Finding]

    public init(baseline: Baseline, findings: [Finding]) {
        self.baseline = baseline
        self.findings = findings
    }

    /// The recorded findings with the exceptions in force at `now` applied.
    public func findings(exceptions: [GuardrailException], now: Date) -> [Finding] {
        GuardrailExceptions.apply(exceptions, to: findings, now: now)
    }
}

/// Someone's decision on a proposed version, judged by `BaselineDecisionRules` against the
/// version as it stands under its row lock (the store runs `check` there, so a concurrent
/// decision cannot slip between the check and the write).
public struct BaselineDecision: Sendable {
    public enum Kind: Sendable, Equatable {
        case approve(acceptRisk: Bool)
        case reject
    }

    public var kind: Kind
    /// Who decides: the principal's name, compared with the proposer's.
    public var decider: String
    public var reason: String?
    /// The agent's exceptions: a critical finding one of them covers does not block approval.
    public var exceptions: [GuardrailException]
    public var at: Date

    public init(kind: Kind, decider: String, reason: String?, exceptions: [GuardrailException], at: Date) {
        self.kind = kind
        self.decider = decider
        self.reason = reason
        self.exceptions = exceptions
        self.at = at
    }

    public var approves: Bool { if case .approve = kind { true } else { false } }
    public var acceptsRisk: Bool { if case .approve(true) = kind { true } else { false } }

    public func check(_ record: BaselineRecord) throws(BaselineDecisionRules.Refusal) {
        guard approves else { return try BaselineDecisionRules.checkDecision(of: record.baseline, by: decider) }
        let critical = record.findings(exceptions: exceptions, now: at).filter { $0.severity == .critical && !$0.excepted }.map(\.ruleID)
        try BaselineDecisionRules.checkApproval(
            of: record.baseline,
            by: decider,
            unexceptedCriticalRuleIDs: critical,
            acceptRisk: acceptsRisk,
            reason: reason
        )
    }
}
