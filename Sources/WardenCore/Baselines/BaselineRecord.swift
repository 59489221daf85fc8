import Foundation

/// A stored version with the guardrail findings recorded when it was proposed.
public struct BaselineRecord: Sendable, Hashable {
    public var baseline: Baseline
    public var findings: [Finding]
    /// The token the proposer acted through; nil for versions proposed before it was recorded.
    public var proposedByTokenID: Int64?

    public init(baseline: Baseline, findings: [Finding], proposedByTokenID: Int64? = nil) {
        self.baseline = baseline
        self.findings = findings
        self.proposedByTokenID = proposedByTokenID
    }

    /// Who proposed it.
    public var proposer: Attribution { Attribution(name: baseline.proposedBy, tokenID: proposedByTokenID) }

    /// The recorded findings with the exceptions in force at `now` applied.
    public func findings(exceptions: [GuardrailException], now: Date) -> [Finding] {
        GuardrailExceptions.apply(exceptions, to: findings, now: now)
    }
}

/// Someone's decision on a proposed version, judged by `BaselineDecisionRules` against the
/// version as it stands under its row lock (the store runs `check` there, with the lineage of
/// the tokens involved, so a concurrent decision cannot slip between the check and the write).
public struct BaselineDecision: Sendable {
    public enum Kind: Sendable, Equatable {
        case approve(acceptRisk: Bool)
        case reject
    }

    public var kind: Kind
    /// Who decides: compared with the proposer as people, not as strings (`Identity`).
    public var decider: Attribution
    public var reason: String?
    /// The agent's exceptions: a critical finding one of them covers does not block approval,
    /// unless the exception was made by the version's proposer.
    public var exceptions: [GuardrailExceptionRecord]
    public var at: Date

    public init(kind: Kind, decider: Attribution, reason: String?, exceptions: [GuardrailExceptionRecord], at: Date) {
        self.kind = kind
        self.decider = decider
        self.reason = reason
        self.exceptions = exceptions
        self.at = at
    }

    public var approves: Bool { if case .approve = kind { true } else { false } }
    public var acceptsRisk: Bool { if case .approve(true) = kind { true } else { false } }

    /// The tokens whose lineage `check` needs: the proposer's, the decider's and the exceptions' makers'.
    public func tokenIDs(for record: BaselineRecord) -> [Int64] {
        Array(Set([record.proposedByTokenID, decider.tokenID].compactMap { $0 } + exceptions.compactMap(\.createdByTokenID))).sorted()
    }

    public func check(_ record: BaselineRecord, lineage: TokenLineage) throws(BaselineDecisionRules.Refusal) {
        let proposer = lineage.identity(of: record.proposer)
        let decider = lineage.identity(of: decider)
        guard approves else { return try BaselineDecisionRules.checkDecision(of: record.baseline, proposer: proposer, decider: decider) }
        // The proposer's own exceptions do not clear critical findings of the proposer's version.
        var counted: [GuardrailException] = []
        var disregarded: [(exception: GuardrailException, why: Identity.SamePerson)] = []
        for made in exceptions {
            if let why = lineage.identity(of: made.creator).samePerson(as: proposer) {
                disregarded.append((made.exception, why))
            } else {
                counted.append(made.exception)
            }
        }
        let critical = record.findings(exceptions: counted, now: at).filter { $0.severity == .critical && !$0.excepted }
        let wouldClear = disregarded.compactMap { entry -> BaselineDecisionRules.DisregardedException? in
            guard entry.exception.isActive(at: at), critical.contains(where: entry.exception.matches) else { return nil }
            return .init(id: entry.exception.id, ruleID: entry.exception.ruleID, why: entry.why)
        }.sorted { $0.id < $1.id }
        try BaselineDecisionRules.checkApproval(
            of: record.baseline,
            proposer: proposer,
            approver: decider,
            unexceptedCriticalRuleIDs: critical.map(\.ruleID),
            disregardedExceptions: wouldClear,
            acceptRisk: acceptsRisk,
            reason: reason
        )
    }
}
