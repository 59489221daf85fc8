import Crypto
import Foundation

// The attestation report: plain Codable data. Its canonical form is `CanonicalJSON` (sorted
// keys, times RFC 3339 UTC with milliseconds), so two equal reports always give the same bytes
// and the same digest. Optional fields are omitted when absent.

public enum AttestationVerdictStatus: String, Sendable, Hashable, Codable, CaseIterable {
    case compliant
    case nonCompliant = "non_compliant"
}

/// One problem. `id` is the rule id (WDN-..., DRIFT-..., ATT-...); `fingerprint` identifies this
/// finding across reports (see `AttestationFingerprint`).
public struct AttestationFinding: Sendable, Hashable, Codable {
    public var id: String
    public var severity: AttestationSeverity
    public var message: String
    public var remediation: String
    /// The agent's id and name; nil for cluster-wide findings.
    public var agentID: Int64?
    public var agent: String?
    /// The Kubernetes object the finding is about.
    public var object: FindingObject?
    /// JSON pointer inside `object`.
    public var field: String?
    /// Which binding, role and rule (RBAC and drift findings).
    public var location: RuleLocation?
    /// ServiceAccounts involved (workload-creation findings: whom the agent can run pods as).
    public var serviceAccounts: [String]?
    public var excepted: Bool
    public var exceptionID: Int64?
    public var fingerprint: String

    public init(
        id: String,
        severity: AttestationSeverity,
        message: String,
        remediation: String,
        agentID: Int64? = nil,
        agent: String? = nil,
        object: FindingObject? = nil,
        field: String? = nil,
        location: RuleLocation? = nil,
        serviceAccounts: [String]? = nil,
        excepted: Bool = false,
        exceptionID: Int64? = nil,
        fingerprint: String = ""
    ) {
        self.id = id
        self.severity = severity
        self.message = message
        self.remediation = remediation
        self.agentID = agentID
        self.agent = agent
        self.object = object
        self.field = field
        self.location = location
        self.serviceAccounts = serviceAccounts
        self.excepted = excepted
        self.exceptionID = exceptionID
        self.fingerprint = fingerprint
    }

    /// Counts against the verdict: not excepted, medium or worse.
    public var isFailing: Bool { !excepted && severity >= .medium }

    /// Worst first, then id, object, field, rule location, message, fingerprint.
    public static func precedes(_ a: AttestationFinding, _ b: AttestationFinding) -> Bool {
        if a.severity != b.severity { return a.severity > b.severity }
        if a.id != b.id { return a.id < b.id }
        let ao = a.object?.scope ?? ""
        let bo = b.object?.scope ?? ""
        if ao != bo { return ao < bo }
        if (a.field ?? "") != (b.field ?? "") { return (a.field ?? "") < (b.field ?? "") }
        let al = a.location?.description ?? ""
        let bl = b.location?.description ?? ""
        if al != bl { return al < bl }
        if a.message != b.message { return a.message < b.message }
        return a.fingerprint < b.fingerprint
    }
}

/// Counts of findings. The per-severity counts exclude excepted findings.
public struct SeverityCounts: Sendable, Hashable, Codable {
    public var total: Int
    public var excepted: Int
    public var critical: Int
    public var high: Int
    public var medium: Int
    public var low: Int
    public var info: Int

    public init(total: Int = 0, excepted: Int = 0, critical: Int = 0, high: Int = 0, medium: Int = 0, low: Int = 0, info: Int = 0) {
        self.total = total
        self.excepted = excepted
        self.critical = critical
        self.high = high
        self.medium = medium
        self.low = low
        self.info = info
    }

    public init<S: Sequence>(_ findings: S) where S.Element == AttestationFinding {
        self.init()
        for f in findings { add(f) }
    }

    public mutating func add(_ f: AttestationFinding) {
        total += 1
        if f.excepted {
            excepted += 1
            return
        }
        switch f.severity {
        case .critical: critical += 1
        case .high: high += 1
        case .medium: medium += 1
        case .low: low += 1
        case .info: info += 1
        }
    }

    public mutating func add(_ other: SeverityCounts) {
        total += other.total
        excepted += other.excepted
        critical += other.critical
        high += other.high
        medium += other.medium
        low += other.low
        info += other.info
    }

    public func count(_ s: AttestationSeverity) -> Int {
        switch s {
        case .critical: return critical
        case .high: return high
        case .medium: return medium
        case .low: return low
        case .info: return info
        }
    }

    /// Open (not excepted) findings of medium severity or worse.
    public var failing: Int { critical + high + medium }
}

// MARK: - Per agent

public struct AttestedAgent: Sendable, Hashable, Codable {
    public var id: Int64
    public var name: String
    public var namespace: String
    public var serviceAccount: String
    public var owner: String
    public var riskTier: RiskTier
    public var status: AgentStatus

    public init(id: Int64, name: String, namespace: String, serviceAccount: String, owner: String, riskTier: RiskTier, status: AgentStatus) {
        self.id = id
        self.name = name
        self.namespace = namespace
        self.serviceAccount = serviceAccount
        self.owner = owner
        self.riskTier = riskTier
        self.status = status
    }

    /// `namespace/serviceAccount`.
    public var serviceAccountKey: String { "\(namespace)/\(serviceAccount)" }
}

public enum BaselineStanding: String, Sendable, Hashable, Codable {
    case approved
    /// No approved baseline: the agent cannot be compliant.
    case missing
}

public struct AttestationBaselineInfo: Sendable, Hashable, Codable {
    public var status: BaselineStanding
    public var version: Int?
    /// `sha256:` digest of the approved content (what was compared).
    public var digest: String?
    public var approvedBy: String?
    public var approvedAt: Date?
    public var acceptedRisk: Bool?
    /// Number of grants (namespaces) and rules approved.
    public var grants: Int?
    public var rules: Int?

    public init(
        status: BaselineStanding,
        version: Int? = nil,
        digest: String? = nil,
        approvedBy: String? = nil,
        approvedAt: Date? = nil,
        acceptedRisk: Bool? = nil,
        grants: Int? = nil,
        rules: Int? = nil
    ) {
        self.status = status
        self.version = version
        self.digest = digest
        self.approvedBy = approvedBy
        self.approvedAt = approvedAt
        self.acceptedRisk = acceptedRisk
        self.grants = grants
        self.rules = rules
    }
}

/// One binding that applies to the agent's ServiceAccount, with every rule of its role.
public struct PermissionBinding: Sendable, Hashable, Codable {
    /// "*" for ClusterRoleBindings (every namespace and non-resource URLs), else the RoleBinding's namespace.
    public var scope: String
    public var bindingKind: BindingKind
    public var bindingName: String
    public var roleKind: String
    public var roleName: String
    /// The binding subject that matched: the ServiceAccount itself, or a group it is in
    /// (system:serviceaccounts, system:serviceaccounts:<ns>, system:authenticated).
    public var subject: Subject
    /// The role's effective (aggregated) rules; a rule's index is its position.
    public var rules: [PolicyRule]

    public init(
        scope: String,
        bindingKind: BindingKind,
        bindingName: String,
        roleKind: String,
        roleName: String,
        subject: Subject,
        rules: [PolicyRule]
    ) {
        self.scope = scope
        self.bindingKind = bindingKind
        self.bindingName = bindingName
        self.roleKind = roleKind
        self.roleName = roleName
        self.subject = subject
        self.rules = rules
    }

    public var source: BindingSource {
        BindingSource(
            bindingKind: bindingKind,
            bindingNamespace: scope == "*" ? "" : scope,
            bindingName: bindingName,
            roleKind: roleKind,
            roleName: roleName
        )
    }

    /// Whether the grant reaches the ServiceAccount through a group.
    public var throughGroup: Bool { subject.kind == Subject.groupKind }
}

/// A live rule (one binding, one rule index) partly or wholly beyond the baseline.
public struct ExcessPermission: Sendable, Hashable, Codable {
    public var scope: String
    public var bindingKind: BindingKind
    public var bindingName: String
    public var roleKind: String
    public var roleName: String
    public var subject: Subject
    public var ruleIndex: Int
    public var rule: PolicyRule
    /// The broken-down parts of `rule` (one verb, group, resource[, name] or URL each) that no
    /// baseline rule for the scope covers.
    public var uncovered: [PolicyRule]

    public init(
        scope: String,
        bindingKind: BindingKind,
        bindingName: String,
        roleKind: String,
        roleName: String,
        subject: Subject,
        ruleIndex: Int,
        rule: PolicyRule,
        uncovered: [PolicyRule]
    ) {
        self.scope = scope
        self.bindingKind = bindingKind
        self.bindingName = bindingName
        self.roleKind = roleKind
        self.roleName = roleName
        self.subject = subject
        self.ruleIndex = ruleIndex
        self.rule = rule
        self.uncovered = uncovered
    }
}

/// An approved rule that live permissions do not (wholly) cover.
public struct MissingPermission: Sendable, Hashable, Codable {
    public var grantIndex: Int
    /// The baseline grant's namespace, or "*".
    public var scope: String
    public var ruleIndex: Int
    public var rule: PolicyRule
    /// The broken-down parts not granted.
    public var missing: [PolicyRule]

    public init(grantIndex: Int, scope: String, ruleIndex: Int, rule: PolicyRule, missing: [PolicyRule]) {
        self.grantIndex = grantIndex
        self.scope = scope
        self.ruleIndex = ruleIndex
        self.rule = rule
        self.missing = missing
    }
}

public struct AgentDrift: Sendable, Hashable, Codable {
    /// False when there is no approved baseline to compare with.
    public var compared: Bool
    public var excess: [ExcessPermission]
    public var missing: [MissingPermission]

    public init(compared: Bool, excess: [ExcessPermission] = [], missing: [MissingPermission] = []) {
        self.compared = compared
        self.excess = excess
        self.missing = missing
    }

    public var matches: Bool { compared && excess.isEmpty && missing.isEmpty }
}

/// A live rule letting the agent create or change workloads (create/update/patch on pods,
/// deployments, replicasets, statefulsets, daemonsets, jobs, cronjobs, replicationcontrollers).
public struct ExposureGrant: Sendable, Hashable, Codable {
    public var bindingKind: BindingKind
    public var bindingName: String
    public var roleKind: String
    public var roleName: String
    public var ruleIndex: Int
    public var verbs: [String]
    public var resources: [String]

    public init(
        bindingKind: BindingKind,
        bindingName: String,
        roleKind: String,
        roleName: String,
        ruleIndex: Int,
        verbs: [String],
        resources: [String]
    ) {
        self.bindingKind = bindingKind
        self.bindingName = bindingName
        self.roleKind = roleKind
        self.roleName = roleName
        self.ruleIndex = ruleIndex
        self.verbs = verbs
        self.resources = resources
    }
}

/// Where the agent can run pods, and as whom.
public struct ExposureScope: Sendable, Hashable, Codable {
    /// A namespace, or "*" (every namespace).
    public var scope: String
    public var grants: [ExposureGrant]
    /// Names of the ServiceAccounts of the namespace in the snapshot; nil for "*" (then every
    /// ServiceAccount of the snapshot: see `AttestationReport.serviceAccounts`).
    public var serviceAccounts: [String]?
    public var serviceAccountCount: Int
    /// How many of them hold permissions (each summarised in `AttestationReport.serviceAccounts`).
    public var withPermissions: Int
    /// `ns/name` of reachable ServiceAccounts holding capabilities the agent lacks (at most
    /// `AttestationOptions.maxListedEscalations`, sorted; `escalationCount` is exact).
    public var escalations: [String]
    public var escalationCount: Int

    public init(
        scope: String,
        grants: [ExposureGrant],
        serviceAccounts: [String]?,
        serviceAccountCount: Int,
        withPermissions: Int = 0,
        escalations: [String] = [],
        escalationCount: Int = 0
    ) {
        self.scope = scope
        self.grants = grants
        self.serviceAccounts = serviceAccounts
        self.serviceAccountCount = serviceAccountCount
        self.withPermissions = withPermissions
        self.escalations = escalations
        self.escalationCount = escalationCount
    }
}

public struct AgentExposure: Sendable, Hashable, Codable {
    public var scopes: [ExposureScope]
    /// What the agent itself can do, as capabilities (`WDN-RBAC-0xx@scope`).
    public var capabilities: [String]

    public init(scopes: [ExposureScope] = [], capabilities: [String] = []) {
        self.scopes = scopes
        self.capabilities = capabilities
    }
}

public struct AgentAttestation: Sendable, Hashable, Codable {
    public var agent: AttestedAgent
    public var verdict: AttestationVerdictStatus
    public var serviceAccountPresent: Bool
    public var baseline: AttestationBaselineInfo
    public var review: AgentReviewState
    /// Cluster-wide bindings first, then RoleBindings by namespace.
    public var permissions: [PermissionBinding]
    /// Applying bindings whose role is missing (they grant nothing).
    public var unresolvedBindings: [BindingSource]
    public var drift: AgentDrift
    public var exposure: AgentExposure
    /// Worst first.
    public var findings: [AttestationFinding]
    public var summary: SeverityCounts

    public init(
        agent: AttestedAgent,
        verdict: AttestationVerdictStatus,
        serviceAccountPresent: Bool,
        baseline: AttestationBaselineInfo,
        review: AgentReviewState,
        permissions: [PermissionBinding],
        unresolvedBindings: [BindingSource],
        drift: AgentDrift,
        exposure: AgentExposure,
        findings: [AttestationFinding],
        summary: SeverityCounts
    ) {
        self.agent = agent
        self.verdict = verdict
        self.serviceAccountPresent = serviceAccountPresent
        self.baseline = baseline
        self.review = review
        self.permissions = permissions
        self.unresolvedBindings = unresolvedBindings
        self.drift = drift
        self.exposure = exposure
        self.findings = findings
        self.summary = summary
    }
}

// MARK: - Cluster

/// Effective rules of one scope ("*" or a namespace).
public struct ScopedRules: Sendable, Hashable, Codable {
    public var scope: String
    public var rules: [PolicyRule]

    public init(scope: String, rules: [PolicyRule]) {
        self.scope = scope
        self.rules = rules
    }
}

/// What a ServiceAccount that some agent can run pods as may do (only those holding permissions
/// are listed).
public struct ServiceAccountSummary: Sendable, Hashable, Codable {
    /// `namespace/name`.
    public var serviceAccount: String
    public var bindings: Int
    /// Distinct rules per scope, cluster-wide ("*") first.
    public var rules: [ScopedRules]
    /// Risky capabilities as `WDN-RBAC-0xx@scope` (the guardrail whose capability the rules grant).
    public var capabilities: [String]

    public init(serviceAccount: String, bindings: Int, rules: [ScopedRules], capabilities: [String]) {
        self.serviceAccount = serviceAccount
        self.bindings = bindings
        self.rules = rules
        self.capabilities = capabilities
    }
}

public struct ShadowAgent: Sendable, Hashable, Codable {
    public var namespace: String
    public var name: String
    /// Why it counts as an agent's: "namespace-holds-agents", "labelled" or "namespace-labelled".
    public var reason: String
    public var hasPermissions: Bool
    /// Bindings that apply to it (`Kind ns/name`), at most 10.
    public var bindings: [String]

    public init(namespace: String, name: String, reason: String, hasPermissions: Bool, bindings: [String]) {
        self.namespace = namespace
        self.name = name
        self.reason = reason
        self.hasPermissions = hasPermissions
        self.bindings = bindings
    }
}

public struct ClusterAdminBinding: Sendable, Hashable, Codable {
    public var bindingName: String
    public var roleName: String
    public var subject: Subject
    /// A built-in holder (Group system:masters): reported at info.
    public var builtIn: Bool

    public init(bindingName: String, roleName: String, subject: Subject, builtIn: Bool) {
        self.bindingName = bindingName
        self.roleName = roleName
        self.subject = subject
        self.builtIn = builtIn
    }
}

public struct ClusterAttestation: Sendable, Hashable, Codable {
    public var shadowAgents: [ShadowAgent]
    /// `namespace/serviceAccount` of registered agents whose ServiceAccount is not in the snapshot.
    public var missingServiceAccounts: [String]
    /// ClusterRoles whose effective rules cover cluster-admin's.
    public var clusterAdminRoles: [String]
    public var clusterAdminBindings: [ClusterAdminBinding]
    /// Cluster-level findings (shadow agents, cluster-admin equivalents), worst first.
    public var findings: [AttestationFinding]
    public var summary: SeverityCounts

    public init(
        shadowAgents: [ShadowAgent] = [],
        missingServiceAccounts: [String] = [],
        clusterAdminRoles: [String] = [],
        clusterAdminBindings: [ClusterAdminBinding] = [],
        findings: [AttestationFinding] = [],
        summary: SeverityCounts = .init()
    ) {
        self.shadowAgents = shadowAgents
        self.missingServiceAccounts = missingServiceAccounts
        self.clusterAdminRoles = clusterAdminRoles
        self.clusterAdminBindings = clusterAdminBindings
        self.findings = findings
        self.summary = summary
    }
}

// MARK: - Verdict and summary

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

public struct AttestationVerdict: Sendable, Hashable, Codable {
    /// The rule the verdict applies, in words.
    public static let ruleText =
        "non_compliant iff at least one finding that is not excepted has severity medium or worse; "
        + "this includes every agent without an approved baseline (ATT-001), every overdue review (ATT-002), every suspended "
        + "agent that still holds permissions or runs workloads (ATT-005), every ServiceAccount missing (ATT-006), every "
        + "permission beyond the baseline (DRIFT-001); ATT findings cannot be excepted. Otherwise compliant."

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

public struct AgentSummaryLine: Sendable, Hashable, Codable {
    public var agentID: Int64
    public var agent: String
    public var verdict: AttestationVerdictStatus
    public var findings: SeverityCounts

    public init(agentID: Int64, agent: String, verdict: AttestationVerdictStatus, findings: SeverityCounts) {
        self.agentID = agentID
        self.agent = agent
        self.verdict = verdict
        self.findings = findings
    }
}

public struct AttestationSummary: Sendable, Hashable, Codable {
    public var agents: Int
    public var compliantAgents: Int
    public var nonCompliantAgents: Int
    /// Every finding (agents and cluster).
    public var findings: SeverityCounts
    public var cluster: SeverityCounts
    public var byAgent: [AgentSummaryLine]

    public init(
        agents: Int,
        compliantAgents: Int,
        nonCompliantAgents: Int,
        findings: SeverityCounts,
        cluster: SeverityCounts,
        byAgent: [AgentSummaryLine]
    ) {
        self.agents = agents
        self.compliantAgents = compliantAgents
        self.nonCompliantAgents = nonCompliantAgents
        self.findings = findings
        self.cluster = cluster
        self.byAgent = byAgent
    }
}

// MARK: - Report

public struct AttestationReport: Sendable, Hashable, Codable {
    public static let currentSchema = "warden.dev/attestation/v1"

    public var schema: String
    public var cluster: String
    public var snapshot: AttestationSnapshotRef
    public var generatedAt: Date
    public var wardenVersion: String
    public var verdict: AttestationVerdict
    public var summary: AttestationSummary
    /// Sorted by agent id.
    public var agents: [AgentAttestation]
    public var clusterFindings: ClusterAttestation
    /// ServiceAccounts some agent can run pods as that hold permissions, sorted.
    public var serviceAccounts: [ServiceAccountSummary]
    /// The rules behind the report's findings, sorted by id.
    public var rules: [AttestationRule]

    public init(
        schema: String = AttestationReport.currentSchema,
        cluster: String,
        snapshot: AttestationSnapshotRef,
        generatedAt: Date,
        wardenVersion: String,
        verdict: AttestationVerdict,
        summary: AttestationSummary,
        agents: [AgentAttestation],
        clusterFindings: ClusterAttestation,
        serviceAccounts: [ServiceAccountSummary],
        rules: [AttestationRule]
    ) {
        self.schema = schema
        self.cluster = cluster
        self.snapshot = snapshot
        self.generatedAt = generatedAt
        self.wardenVersion = wardenVersion
        self.verdict = verdict
        self.summary = summary
        self.agents = agents
        self.clusterFindings = clusterFindings
        self.serviceAccounts = serviceAccounts
        self.rules = rules
    }

    /// Every finding: per agent (in agent order), then cluster-level.
    public var allFindings: [AttestationFinding] { agents.flatMap(\.findings) + clusterFindings.findings }

    /// The canonical JSON bytes: exactly `CanonicalJSON.encode(self)` (a test checks it), but
    /// assembled from separately encoded parts, agents and ServiceAccount summaries in parallel,
    /// so the encoder's intermediate tree never holds the whole report (a large report would
    /// otherwise need several times its size in memory while encoding).
    public func canonicalJSON() throws -> [UInt8] {
        func parts<T: Encodable & Sendable>(_ items: [T]) throws -> [[UInt8]] {
            let workers = min(ParallelFor.activeProcessorCount, items.count / 32 + 1)
            return try ParallelFor.map(count: items.count, workers: workers) { i in
                Result { try CanonicalJSON.encode(items[i]) }
            }.map { try $0.get() }
        }
        let agentParts = try parts(agents)
        let accountParts = try parts(serviceAccounts)
        // Members in the order JSONEncoder's sortedKeys puts them.
        let members: [(String, [[UInt8]]?, [UInt8]?)] = [
            ("agents", agentParts, nil),
            ("cluster", nil, try CanonicalJSON.encode(cluster)),
            ("clusterFindings", nil, try CanonicalJSON.encode(clusterFindings)),
            ("generatedAt", nil, try CanonicalJSON.encode(generatedAt)),
            ("rules", nil, try CanonicalJSON.encode(rules)),
            ("schema", nil, try CanonicalJSON.encode(schema)),
            ("serviceAccounts", accountParts, nil),
            ("snapshot", nil, try CanonicalJSON.encode(snapshot)),
            ("summary", nil, try CanonicalJSON.encode(summary)),
            ("verdict", nil, try CanonicalJSON.encode(verdict)),
            ("wardenVersion", nil, try CanonicalJSON.encode(wardenVersion)),
        ]
        var size = 2
        for (key, array, value) in members {
            size += key.utf8.count + 4 + (value?.count ?? 0) + (array?.reduce(2) { $0 + $1.count + 1 } ?? 0)
        }
        var out: [UInt8] = []
        out.reserveCapacity(size)
        out.append(UInt8(ascii: "{"))
        for (i, (key, array, value)) in members.enumerated() {
            if i > 0 { out.append(UInt8(ascii: ",")) }
            out.append(UInt8(ascii: "\""))
            out += key.utf8
            out += "\":".utf8
            if let value {
                out += value
            } else if let array {
                out.append(UInt8(ascii: "["))
                for (j, p) in array.enumerated() {
                    if j > 0 { out.append(UInt8(ascii: ",")) }
                    out += p
                }
                out.append(UInt8(ascii: "]"))
            }
        }
        out.append(UInt8(ascii: "}"))
        return out
    }

    /// `sha256:<hex>` of the canonical JSON (equal to `CanonicalJSON.digest(self)`).
    public func digest() throws -> String {
        "sha256:" + SHA256.hash(data: try canonicalJSON()).hexString
    }

    /// Decodes a report from its canonical JSON (or any JSON with RFC 3339 times).
    public static func decode(_ bytes: [UInt8]) throws -> AttestationReport {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .custom { d in
            let c = try d.singleValueContainer()
            let text = try c.decode(String.self)
            guard let date = RFC3339.date(from: text) else {
                throw DecodingError.dataCorruptedError(in: c, debugDescription: "not an RFC 3339 time: \(text)")
            }
            return date
        }
        return try decoder.decode(AttestationReport.self, from: Data(bytes))
    }
}

// MARK: - Fingerprints

/// Stable identities of findings across reports: the first 128 bits (hex) of SHA-256 over the
/// rule id, the agent's ServiceAccount (`ns/name`, "" for cluster findings), the object scope,
/// the field, the rule location and a discriminator (drift: the uncovered parts; cluster-admin:
/// the subject). Messages are left out (they quote changing details), except to tell apart
/// findings that would otherwise share a fingerprint.
public enum AttestationFingerprint {
    public static func make(
        id: String,
        agent: String,
        object: FindingObject?,
        field: String?,
        location: RuleLocation?,
        discriminator: String = ""
    ) -> String {
        let key = [id, agent, object?.scope ?? "", field ?? "", location?.description ?? "", discriminator].joined(separator: "\u{1F}")
        return hash(key)
    }

    static func hash(_ key: String) -> String {
        let digest = SHA256.hash(data: Array(key.utf8))
        return digest.prefix(16).hexString
    }

    /// Gives findings sharing a fingerprint distinct ones (by message, then position), in place.
    static func disambiguate(_ findings: inout [AttestationFinding]) {
        var seen: [String: Int] = [:]
        for f in findings { seen[f.fingerprint, default: 0] += 1 }
        guard seen.values.contains(where: { $0 > 1 }) else { return }
        var used = Set<String>()
        for i in findings.indices where seen[findings[i].fingerprint, default: 0] > 1 {
            var fp = hash(findings[i].fingerprint + "\u{1F}" + findings[i].message)
            var n = 1
            while used.contains(fp) {
                fp = hash(findings[i].fingerprint + "\u{1F}" + findings[i].message + "\u{1F}\(n)")
                n += 1
            }
            used.insert(fp)
            findings[i].fingerprint = fp
        }
    }
}
