import Foundation

public enum BaselineStatus: String, Sendable, Hashable, Codable, CaseIterable {
    case proposed, approved, rejected, superseded
}

/// What a proposer states: the grants, the expectations the guardrails check on live objects, and why.
public struct BaselineContent: Sendable, Hashable, Codable {
    public var grants: [BaselineGrant]
    public var expectations: GuardrailExpectations
    public var justification: String

    public init(grants: [BaselineGrant], expectations: GuardrailExpectations, justification: String) {
        self.grants = grants
        self.expectations = expectations
        self.justification = justification
    }

    /// `sha256:<hex>` of the canonical JSON: what an attestation cites as "the baseline used".
    public var digest: String {
        (try? CanonicalJSON.digest(self)) ?? ""
    }

    public func validate() throws(ValidationError) {
        var issues = IssueCollector()
        if justification.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty {
            issues.add("/justification", "must say why the agent needs these permissions")
        } else if justification.count > 4000 {
            issues.add("/justification", "must be at most 4000 characters")
        }
        if grants.isEmpty { issues.add("/grants", "must grant something; an agent that needs nothing needs no baseline") }
        if grants.count > 100 { issues.add("/grants", "must have at most 100 entries") }
        var seen = Set<String>()
        for (g, grant) in grants.enumerated() {
            let base = "/grants/\(g)"
            if !grant.isClusterWide, let problem = KubernetesName.labelProblem(grant.namespace) {
                issues.add("\(base)/namespace", "must be \"*\" (cluster-wide) or a namespace: \(problem)")
            }
            if !seen.insert(grant.namespace).inserted {
                issues.add("\(base)/namespace", "appears twice; put all of a namespace's rules in one grant")
            }
            if grant.rules.isEmpty { issues.add("\(base)/rules", "must have at least one rule") }
            for (r, rule) in grant.rules.enumerated() {
                for issue in PolicyRuleValidation.issues(rule, clusterWide: grant.isClusterWide) {
                    issues.add("\(base)/rules/\(r)\(issue.pointer)", issue.detail)
                }
            }
        }
        do {
            try expectations.validate()
        } catch {
            for issue in error.issues { issues.add(issue.pointer, issue.detail) }
        }
        try issues.throwIfAny()
    }
}

/// The shape rules Kubernetes' own validation puts on a PolicyRule.
public enum PolicyRuleValidation {
    public static func issues(_ rule: PolicyRule, clusterWide: Bool) -> [FieldIssue] {
        var out: [FieldIssue] = []
        if rule.verbs.isEmpty { out.append(FieldIssue(pointer: "/verbs", detail: "must name at least one verb")) }
        if rule.verbs.contains(where: \.isEmpty) { out.append(FieldIssue(pointer: "/verbs", detail: "must not contain an empty verb")) }
        let isNonResource = !rule.nonResourceURLs.isEmpty
        if isNonResource {
            if !rule.resources.isEmpty || !rule.apiGroups.isEmpty || !rule.resourceNames.isEmpty {
                out.append(FieldIssue(pointer: "/nonResourceURLs", detail: "a rule is either about resources or about nonResourceURLs, not both"))
            }
            if !clusterWide {
                out.append(FieldIssue(pointer: "/nonResourceURLs", detail: "non-resource URLs can only be granted cluster-wide"))
            }
            for (i, url) in rule.nonResourceURLs.enumerated() where !url.hasPrefix("/") && url != "*" {
                out.append(FieldIssue(pointer: "/nonResourceURLs/\(i)", detail: "must start with /"))
            }
        } else {
            if rule.resources.isEmpty { out.append(FieldIssue(pointer: "/resources", detail: "must name at least one resource")) }
            if rule.apiGroups.isEmpty {
                out.append(FieldIssue(pointer: "/apiGroups", detail: "must name at least one API group (\"\" is the core group)"))
            }
        }
        return out
    }
}

/// A stored version.
public struct Baseline: Sendable, Hashable, Codable {
    public var agentID: Int64
    public var version: Int
    public var status: BaselineStatus
    public var content: BaselineContent
    public var digest: String
    public var proposedBy: String
    public var proposedAt: Date
    public var decidedBy: String?
    public var decidedAt: Date?
    public var decisionReason: String?
    public var acceptedRisk: Bool
    public var supersededAt: Date?

    public init(
        agentID: Int64,
        version: Int,
        status: BaselineStatus,
        content: BaselineContent,
        digest: String,
        proposedBy: String,
        proposedAt: Date,
        decidedBy: String? = nil,
        decidedAt: Date? = nil,
        decisionReason: String? = nil,
        acceptedRisk: Bool = false,
        supersededAt: Date? = nil
    ) {
        self.agentID = agentID
        self.version = version
        self.status = status
        self.content = content
        self.digest = digest
        self.proposedBy = proposedBy
        self.proposedAt = proposedAt
        self.decidedBy = decidedBy
        self.decidedAt = decidedAt
        self.decisionReason = decisionReason
        self.acceptedRisk = acceptedRisk
        self.supersededAt = supersededAt
    }
}

/// The rules for deciding on a proposed version.
public enum BaselineDecisionRules {
    /// An exception that would have cleared a critical finding, but was made by the proposer.
    public struct DisregardedException: Sendable, Equatable {
        public var id: Int64
        public var ruleID: String
        public var why: Identity.SamePerson

        public init(id: Int64, ruleID: String, why: Identity.SamePerson) {
            self.id = id
            self.ruleID = ruleID
            self.why = why
        }
    }

    public enum Refusal: Error, Sendable, Equatable {
        /// Only a proposed version can be decided.
        case notProposed(BaselineStatus)
        /// Four eyes: whoever proposed may not approve or reject, under any name or through any
        /// token they created.
        case sameAsProposer(decider: String, proposer: String, why: Identity.SamePerson)
        /// Critical findings that no exception covers, and the approver did not accept the risk.
        /// `disregarded`: the proposer's own exceptions, which would have covered some of them.
        case unacceptedCriticalFindings([String], disregarded: [DisregardedException])
        /// Accepting risk needs a reason on record.
        case riskReasonMissing
    }

    public static func checkApproval(
        of baseline: Baseline,
        proposer: Identity,
        approver: Identity,
        unexceptedCriticalRuleIDs: [String],
        disregardedExceptions: [DisregardedException] = [],
        acceptRisk: Bool,
        reason: String?
    ) throws(Refusal) {
        try checkDecision(of: baseline, proposer: proposer, decider: approver)
        if !unexceptedCriticalRuleIDs.isEmpty {
            guard acceptRisk else { throw .unacceptedCriticalFindings(unexceptedCriticalRuleIDs, disregarded: disregardedExceptions) }
            guard let reason, !reason.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else { throw .riskReasonMissing }
        }
    }

    public static func checkDecision(of baseline: Baseline, proposer: Identity, decider: Identity) throws(Refusal) {
        guard baseline.status == .proposed else { throw .notProposed(baseline.status) }
        if let why = decider.samePerson(as: proposer) {
            throw .sameAsProposer(decider: decider.name, proposer: proposer.name, why: why)
        }
    }
}
