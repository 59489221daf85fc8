import Foundation

// The input of an attestation: one snapshot of a cluster and the agents registered for it,
// each with its approved baseline, its guardrail exceptions and its review standing. Pure data:
// the caller (the HTTP layer) loads everything; `AttestationBuilder.build` does no I/O.

/// The stored snapshot an attestation is about.
public struct AttestationSnapshotRef: Sendable, Hashable, Codable {
    public var id: Int64
    /// Lower-case hex SHA-256 of the snapshot bytes as uploaded.
    public var sha256: String
    public var uploadedAt: Date
    public var cluster: String

    public init(id: Int64, sha256: String, uploadedAt: Date, cluster: String) {
        self.id = id
        self.sha256 = sha256
        self.uploadedAt = uploadedAt
        self.cluster = cluster
    }
}

/// Where an agent stands in its review schedule.
public enum ReviewStanding: String, Sendable, Hashable, Codable, CaseIterable {
    case current, due, overdue
    case notScheduled = "not_scheduled"
}

public struct AgentReviewState: Sendable, Hashable, Codable {
    public var standing: ReviewStanding
    public var nextReviewDue: Date?
    public var lastReviewedAt: Date?
    /// The last review's decision, as recorded (e.g. "approved", "revoked").
    public var lastDecision: String?
    /// A review that is open now, if any.
    public var openReviewID: Int64?

    public init(
        standing: ReviewStanding,
        nextReviewDue: Date? = nil,
        lastReviewedAt: Date? = nil,
        lastDecision: String? = nil,
        openReviewID: Int64? = nil
    ) {
        self.standing = standing
        self.nextReviewDue = nextReviewDue
        self.lastReviewedAt = lastReviewedAt
        self.lastDecision = lastDecision
        self.openReviewID = openReviewID
    }
}

/// One registered (not retired) agent.
public struct AttestationAgentInput: Sendable {
    public var agent: Agent
    /// The approved baseline version in force; nil when none was ever approved. A version whose
    /// status is not `approved` counts as none.
    public var baseline: Baseline?
    /// The agent's guardrail exceptions (inactive ones are ignored at `generatedAt`).
    public var exceptions: [GuardrailException]
    public var review: AgentReviewState

    public init(agent: Agent, baseline: Baseline?, exceptions: [GuardrailException] = [], review: AgentReviewState) {
        self.agent = agent
        self.baseline = baseline
        self.exceptions = exceptions
        self.review = review
    }
}

/// Knobs that do not change what a report means.
public struct AttestationOptions: Sendable, Hashable {
    /// Label (on a ServiceAccount or on its Namespace) marking a ServiceAccount as an AI agent's,
    /// so it is reported as a shadow agent when nobody registered it. Any value counts.
    public static let defaultAgentLabelKey = "warden.dev/agent"

    public var agentLabelKey: String
    /// Threads for the per-agent work (0: all cores).
    public var parallelism: Int
    /// At most this many ServiceAccount keys are listed per exposure scope as "escalations"
    /// (the count is always exact).
    public var maxListedEscalations: Int

    public init(
        agentLabelKey: String = AttestationOptions.defaultAgentLabelKey,
        parallelism: Int = 0,
        maxListedEscalations: Int = 20
    ) {
        self.agentLabelKey = agentLabelKey
        self.parallelism = parallelism
        self.maxListedEscalations = maxListedEscalations
    }
}

public struct AttestationInput: Sendable {
    public var cluster: String
    public var snapshotRef: AttestationSnapshotRef
    public var snapshot: Snapshot
    /// The snapshot's evaluator, when the caller already built one (it is reused, never rebuilt).
    public var authorizer: RBACAuthorizer?
    /// Registered agents of the cluster that are not retired.
    public var agents: [AttestationAgentInput]
    public var generatedAt: Date
    public var wardenVersion: String
    /// audit.k8s.io Policy objects checked besides any kept in `snapshot.objects` (kind Policy of
    /// group audit.k8s.io), for collectors that fetch the API server's audit policy separately.
    public var auditPolicies: [JSONValue]
    public var options: AttestationOptions

    public init(
        cluster: String,
        snapshotRef: AttestationSnapshotRef,
        snapshot: Snapshot,
        authorizer: RBACAuthorizer? = nil,
        agents: [AttestationAgentInput],
        generatedAt: Date,
        wardenVersion: String = WardenVersion.string,
        auditPolicies: [JSONValue] = [],
        options: AttestationOptions = .init()
    ) {
        self.cluster = cluster
        self.snapshotRef = snapshotRef
        self.snapshot = snapshot
        self.authorizer = authorizer
        self.agents = agents
        self.generatedAt = generatedAt
        self.wardenVersion = wardenVersion
        self.auditPolicies = auditPolicies
        self.options = options
    }
}
