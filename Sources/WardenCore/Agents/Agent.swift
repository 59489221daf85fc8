import Foundation

public enum RiskTier: String, Sendable, Hashable, Codable, CaseIterable {
    case low, medium, high, critical
}

public enum AgentStatus: String, Sendable, Hashable, Codable, CaseIterable {
    case active, suspended, retired
}

/// What a client states about an agent; everything else (id, times, version) Warden owns.
public struct AgentFields: Sendable, Hashable, Codable {
    public var name: String
    public var cluster: String
    public var namespace: String
    public var serviceAccount: String
    public var owner: String
    public var purpose: String
    public var riskTier: RiskTier
    public var status: AgentStatus
    public var labels: [String: String]
    /// Who hears of an escalated review; without one, the owner.
    public var escalationContact: String?
    /// Overrides the risk tier's review interval.
    public var reviewIntervalDays: Int?
    /// When the next review falls due. Warden sets it from approvals and decisions; an admin may
    /// set it directly, to line reviews up with quarter ends.
    public var nextReviewDue: Date?

    public init(
        name: String,
        cluster: String,
        namespace: String,
        serviceAccount: String,
        owner: String,
        purpose: String,
        riskTier: RiskTier,
        status: AgentStatus = .active,
        labels: [String: String] = [:],
        escalationContact: String? = nil,
        reviewIntervalDays: Int? = nil,
        nextReviewDue: Date? = nil
    ) {
        self.escalationContact = escalationContact
        self.reviewIntervalDays = reviewIntervalDays
        self.nextReviewDue = nextReviewDue
        self.name = name
        self.cluster = cluster
        self.namespace = namespace
        self.serviceAccount = serviceAccount
        self.owner = owner
        self.purpose = purpose
        self.riskTier = riskTier
        self.status = status
        self.labels = labels
    }

    /// The Kubernetes username the agent's ServiceAccount authenticates as.
    public var username: String { "system:serviceaccount:\(namespace):\(serviceAccount)" }

    /// Who hears of an escalation.
    public var escalationRecipient: String { escalationContact ?? owner }

    /// Checks every field and reports all problems together.
    public func validate() throws(ValidationError) {
        var issues = IssueCollector()
        if let problem = KubernetesName.labelProblem(name) { issues.add("/name", problem) }
        if let problem = KubernetesName.labelProblem(namespace) { issues.add("/namespace", problem) }
        if let problem = KubernetesName.subdomainProblem(serviceAccount) { issues.add("/serviceAccount", problem) }
        if let problem = ClusterName.problem(cluster) { issues.add("/cluster", problem) }
        Self.checkText(owner, max: 253, pointer: "/owner", into: &issues)
        Self.checkText(purpose, max: 2000, pointer: "/purpose", into: &issues)
        if let escalationContact { Self.checkText(escalationContact, max: 253, pointer: "/escalationContact", into: &issues) }
        if let days = reviewIntervalDays, !(1...ReviewPolicy.maxIntervalDays).contains(days) {
            issues.add("/reviewIntervalDays", "must be between 1 and \(ReviewPolicy.maxIntervalDays) days")
        }
        if labels.count > 64 { issues.add("/labels", "must have at most 64 entries") }
        for (key, value) in labels.sorted(by: { $0.key < $1.key }) {
            let pointer = "/labels/\(jsonPointerEscape(key))"
            if let problem = KubernetesName.labelKeyProblem(key) { issues.add(pointer, "key \(problem)") }
            if let problem = KubernetesName.labelValueProblem(value) { issues.add(pointer, "value \(problem)") }
        }
        try issues.throwIfAny()
    }

    private static func checkText(_ value: String, max: Int, pointer: String, into issues: inout IssueCollector) {
        if value.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty {
            issues.add(pointer, "must not be empty")
        } else if value.count > max {
            issues.add(pointer, "must be at most \(max) characters")
        } else if value.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) {
            issues.add(pointer, "must not contain control characters")
        }
    }
}

public struct Agent: Sendable, Hashable, Codable {
    public var id: Int64
    public var fields: AgentFields
    public var createdAt: Date
    public var updatedAt: Date
    /// Increases by one on every change; the ETag is derived from it.
    public var version: Int64

    public init(id: Int64, fields: AgentFields, createdAt: Date, updatedAt: Date, version: Int64) {
        self.id = id
        self.fields = fields
        self.createdAt = createdAt
        self.updatedAt = updatedAt
        self.version = version
    }

    public var etag: String { ETag.make(id: id, version: version) }
}

/// Strong entity tags derived from an id and a version.
public enum ETag {
    public static func make(id: Int64, version: Int64) -> String { "\"\(id)-\(version)\"" }

    /// Whether an `If-Match` value (a list of tags, or `*`) matches the current tag (RFC 9110 13.1.1).
    /// Weak tags never match, since If-Match uses the strong comparison.
    public static func ifMatch(_ header: String, current: String) -> Bool {
        let candidates = header.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
        return candidates.contains { $0 == "*" || $0 == current }
    }
}
