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
