import Foundation

/// How bad a guardrail violation is. Ordered: low < medium < high < critical.
public enum GuardrailSeverity: String, Sendable, Hashable, Codable, Comparable, CaseIterable, CustomStringConvertible {
    case low, medium, high, critical

    public var rank: Int {
        switch self {
        case .low: return 0
        case .medium: return 1
        case .high: return 2
        case .critical: return 3
        }
    }

    public static func < (a: GuardrailSeverity, b: GuardrailSeverity) -> Bool { a.rank < b.rank }

    public var description: String { rawValue }
}

/// The agent a check is about: one ServiceAccount.
public struct AgentIdentity: Sendable, Hashable, Codable, Comparable, CustomStringConvertible {
    public var namespace: String
    public var serviceAccount: String

    public init(namespace: String, serviceAccount: String) {
        self.namespace = namespace
        self.serviceAccount = serviceAccount
    }

    public var username: String { ServiceAccountIdentity.username(namespace: namespace, name: serviceAccount) }
    public var identity: ServiceAccountIdentity { ServiceAccountIdentity(namespace: namespace, name: serviceAccount) }
    public var description: String { "\(namespace)/\(serviceAccount)" }

    public static func < (a: AgentIdentity, b: AgentIdentity) -> Bool {
        (a.namespace, a.serviceAccount) < (b.namespace, b.serviceAccount)
    }
}

/// The Kubernetes object a finding is about.
public struct FindingObject: Sendable, Hashable, Codable, Comparable, CustomStringConvertible {
    public var kind: String
    /// nil for cluster-scoped objects.
    public var namespace: String?
    public var name: String

    public init(kind: String, namespace: String? = nil, name: String) {
        self.kind = kind
        self.namespace = (namespace?.isEmpty ?? true) ? nil : namespace
        self.name = name
    }

    /// `Kind/namespace/name`, or `Kind/name` for cluster-scoped objects (the exception scope syntax).
    public var scope: String {
        if let namespace { return "\(kind)/\(namespace)/\(name)" }
        return "\(kind)/\(name)"
    }

    public var description: String { scope }

    public static func < (a: FindingObject, b: FindingObject) -> Bool { a.scope < b.scope }
}

/// Where an RBAC finding's rule comes from: a baseline grant, or a binding and its role.
public struct RuleLocation: Sendable, Hashable, Codable, CustomStringConvertible {
    /// Index in the baseline's grants (baseline checks only).
    public var grantIndex: Int?
    /// Index of the rule in the grant, or in the role's effective rules.
    public var ruleIndex: Int?
    public var bindingKind: String?
    public var bindingNamespace: String?
    public var bindingName: String?
    public var roleKind: String?
    public var roleName: String?
    /// Namespace of the role (Roles only).
    public var roleNamespace: String?

    public init(
        grantIndex: Int? = nil,
        ruleIndex: Int? = nil,
        bindingKind: String? = nil,
        bindingNamespace: String? = nil,
        bindingName: String? = nil,
        roleKind: String? = nil,
        roleName: String? = nil,
        roleNamespace: String? = nil
    ) {
        self.grantIndex = grantIndex
        self.ruleIndex = ruleIndex
        self.bindingKind = bindingKind
        self.bindingNamespace = (bindingNamespace?.isEmpty ?? true) ? nil : bindingNamespace
        self.bindingName = bindingName
        self.roleKind = roleKind
        self.roleName = roleName
        self.roleNamespace = (roleNamespace?.isEmpty ?? true) ? nil : roleNamespace
    }

    public var description: String {
        var parts: [String] = []
        if let grantIndex { parts.append("grant \(grantIndex)") }
        if let bindingKind, let bindingName {
            parts.append(bindingNamespace.map { "\(bindingKind) \($0)/\(bindingName)" } ?? "\(bindingKind) \(bindingName)")
        }
        if let roleKind, let roleName {
            parts.append(roleNamespace.map { "\(roleKind) \($0)/\(roleName)" } ?? "\(roleKind) \(roleName)")
        }
        if let ruleIndex { parts.append("rule \(ruleIndex)") }
        return parts.joined(separator: ", ")
    }
}

/// One guardrail violation.
public struct Finding: Sendable, Hashable, Codable, CustomStringConvertible {
    public var ruleID: String
    public var severity: GuardrailSeverity
    public var title: String
    public var message: String
    public var object: FindingObject?
    /// JSON pointer (RFC 6901) inside `object`, e.g. `/spec/containers/0/securityContext/runAsNonRoot`.
    public var field: String?
    /// For RBAC findings: which grant/binding/role/rule.
    public var ruleLocation: RuleLocation?
    /// The agent the finding is about, when known.
    public var agent: AgentIdentity?
    /// ServiceAccounts the agent could run pods as (workload-creation findings).
    public var serviceAccounts: [String]?
    public var remediation: String
    /// The input file the object came from, when known.
    public var file: String?
    /// 1-based line of the object in `file`, when known.
    public var line: Int?
    public var excepted: Bool
    public var exceptionID: Int64?

    public init(
        ruleID: String,
        severity: GuardrailSeverity,
        title: String,
        message: String,
        object: FindingObject? = nil,
        field: String? = nil,
        ruleLocation: RuleLocation? = nil,
        agent: AgentIdentity? = nil,
        serviceAccounts: [String]? = nil,
        remediation: String,
        file: String? = nil,
        line: Int? = nil,
        excepted: Bool = false,
        exceptionID: Int64? = nil
    ) {
        self.ruleID = ruleID
        self.severity = severity
        self.title = title
        self.message = message
        self.object = object
        self.field = field
        self.ruleLocation = ruleLocation
        self.agent = agent
        self.serviceAccounts = serviceAccounts
        self.remediation = remediation
        self.file = file
        self.line = line
        self.excepted = excepted
        self.exceptionID = exceptionID
    }

    /// A finding for a catalogue rule, taking severity, title and remediation from it.
    public init(
        rule id: GuardrailRuleID,
        message: String,
        object: FindingObject? = nil,
        field: String? = nil,
        ruleLocation: RuleLocation? = nil,
        agent: AgentIdentity? = nil,
        serviceAccounts: [String]? = nil,
        severity: GuardrailSeverity? = nil
    ) {
        let rule = GuardrailCatalog.rule(id)
        self.init(
            ruleID: id.rawValue,
            severity: severity ?? rule.severity,
            title: rule.title,
            message: message,
            object: object,
            field: field,
            ruleLocation: ruleLocation,
            agent: agent,
            serviceAccounts: serviceAccounts,
            remediation: rule.remediation
        )
    }

    public var description: String {
        var s = "[\(severity)] \(ruleID) \(message)"
        if let object { s += " (\(object)\(field ?? ""))" }
        return s
    }

    /// Sort key: severity (worst first), rule, object, field.
    static func precedes(_ a: Finding, _ b: Finding) -> Bool {
        if a.severity != b.severity { return a.severity > b.severity }
        if a.ruleID != b.ruleID { return a.ruleID < b.ruleID }
        let ao = a.object?.scope ?? ""
        let bo = b.object?.scope ?? ""
        if ao != bo { return ao < bo }
        if (a.field ?? "") != (b.field ?? "") { return (a.field ?? "") < (b.field ?? "") }
        if (a.agent?.description ?? "") != (b.agent?.description ?? "") {
            return (a.agent?.description ?? "") < (b.agent?.description ?? "")
        }
        return a.message < b.message
    }
}

/// Counts of findings; the per-severity counts exclude excepted findings.
public struct GuardrailSummary: Sendable, Hashable, Codable {
    public var total: Int
    public var excepted: Int
    public var critical: Int
    public var high: Int
    public var medium: Int
    public var low: Int

    public init(findings: [Finding]) {
        total = findings.count
        excepted = findings.filter(\.excepted).count
        let open = findings.filter { !$0.excepted }
        critical = open.filter { $0.severity == .critical }.count
        high = open.filter { $0.severity == .high }.count
        medium = open.filter { $0.severity == .medium }.count
        low = open.filter { $0.severity == .low }.count
    }

    public func count(_ severity: GuardrailSeverity) -> Int {
        switch severity {
        case .critical: return critical
        case .high: return high
        case .medium: return medium
        case .low: return low
        }
    }
}

/// The outcome of a guardrail check.
public struct GuardrailReport: Sendable, Hashable, Codable {
    /// Worst first, then by rule id and object.
    public var findings: [Finding]
    public var summary: GuardrailSummary
    /// The agents the check was about (given, or inferred from bindings).
    public var agents: [AgentIdentity]

    public init(findings: [Finding], agents: [AgentIdentity] = []) {
        self.findings = findings.sorted(by: Finding.precedes)
        self.summary = GuardrailSummary(findings: findings)
        self.agents = agents
    }

    /// Non-excepted findings at or above `severity`.
    public func failing(atOrAbove severity: GuardrailSeverity) -> [Finding] {
        findings.filter { !$0.excepted && $0.severity >= severity }
    }

    /// Distinct rule ids of all findings, sorted.
    public var ruleIDs: [String] { Array(Set(findings.map(\.ruleID))).sorted() }

    /// The same report with exceptions applied at `now`.
    public func applying(_ exceptions: [GuardrailException], now: Date) -> GuardrailReport {
        GuardrailReport(findings: GuardrailExceptions.apply(exceptions, to: findings, now: now), agents: agents)
    }
}
