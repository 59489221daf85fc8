public struct AttestationVerdict: Sendable, Hashable, Codable {
    /// The rule the verdict applies, in words.
    public static let ruleText =
        "non_compliant iff at least one finding that is not excepted has severity medium or worse; "
        + "this includes every agent without an approved baseline (ATT-001), every overdue review (ATT-002), every suspended "
        + "agent that still holds permissions or runs workloads (ATT-005), every ServiceAccount missing (ATT-006), every "
        + "permission beyond the baseline (DRIFT-001), and a report over a snapshot that is not the cluster's newest (ATT-010); "
        + "ATT findings cannot be excepted. Otherwise compliant."

    public var status: AttestationVerdictStatus
    public var rule: String
    /// One reason per failing rule id, worst first; empty when compliant.
    public var reasons: [VerdictReason]

    public init(status: AttestationVerdictStatus, rule: String = AttestationVerdict.ruleText, reasons: [VerdictReason]) {
        self.status = status
        self.rule = rule
        self.reasons = reasons
    }
}

public enum AttestationVerdictStatus: String, Sendable, Hashable, Codable, CaseIterable {
    case compliant
    case nonCompliant = "non_compliant"
}

public struct VerdictReason: Sendable, Hashable, Codable {
    public var text: String
    /// The rule ids of the findings behind this reason.
    public var findingIDs: [String]
    /// Fingerprints of those findings.
    public var fingerprints: [String]

    public init(text: String, findingIDs: [String], fingerprints: [String]) {
        self.text = text
        self.findingIDs = findingIDs
        self.fingerprints = fingerprints
    }
}
