import Foundation

@testable import WardenCore

/// Snapshots and inputs for the attestation tests.
enum AttestationFixtures {
    static let now = Date(timeIntervalSince1970: 1_795_000_000)  // 2026-11-18
    static let later = now.addingTimeInterval(86_400 * 7)
    static let namespace = "ai-agents"
    static let serviceAccount = "coding-agent"

    /// Everything the playbook asks for, done right: restricted namespace with a quota, the agent's
    /// own ServiceAccount and Role, a pinned, hardened pod, and a NetworkPolicy selecting it.
    static let cleanYAML = text("attestation-clean.yaml")

    /// Drift on top of the clean cluster.
    static let driftYAML = "\n---\n" + text("attestation-drift.yaml")

    static func text(_ name: String) -> String {
        String(decoding: try! SnapshotFixtureFiles.bytes(name), as: UTF8.self)
    }

    static func snapshot(_ yaml: String) throws -> Snapshot { try Snapshot(parsing: yaml) }

    /// What the clean cluster grants the agent.
    static let approvedGrants = [
        BaselineGrant(
            namespace: namespace,
            rules: [
                PolicyRule(verbs: ["get", "list", "watch"], apiGroups: [""], resources: ["pods", "pods/log"])
            ]
        )
    ]

    static func agent(
        id: Int64 = 1,
        name: String = "coder",
        namespace: String = namespace,
        serviceAccount: String = serviceAccount,
        status: AgentStatus = .active,
        owner: String = "platform-team"
    ) -> Agent {
        Agent(
            id: id,
            fields: AgentFields(
                name: name,
                cluster: "prod",
                namespace: namespace,
                serviceAccount: serviceAccount,
                owner: owner,
                purpose: "opens pull requests",
                riskTier: .high,
                status: status
            ),
            createdAt: now,
            updatedAt: now,
            version: 1
        )
    }

    static func baseline(
        _ grants: [BaselineGrant] = approvedGrants,
        agentID: Int64 = 1,
        status: BaselineStatus = .approved,
        expectations: GuardrailExpectations = .default
    ) -> Baseline {
        let content = BaselineContent(grants: grants, expectations: expectations, justification: "reads its own pods")
        return Baseline(
            agentID: agentID,
            version: 3,
            status: status,
            content: content,
            digest: content.digest,
            proposedBy: "alice",
            proposedAt: now,
            decidedBy: "bob",
            decidedAt: now
        )
    }

    static func agentInput(
        _ agent: Agent = agent(),
        baseline: Baseline? = baseline(),
        exceptions: [GuardrailException] = [],
        review: ReviewStanding = .current
    ) -> AttestationAgentInput {
        AttestationAgentInput(
            agent: agent,
            baseline: baseline,
            exceptions: exceptions,
            review: AgentReviewState(standing: review, nextReviewDue: later, lastReviewedAt: now, lastDecision: "approved")
        )
    }

    static func input(
        _ snapshot: Snapshot,
        agents: [AttestationAgentInput],
        generatedAt: Date = now,
        snapshotID: Int64 = 7,
        auditPolicies: [JSONValue] = []
    ) -> AttestationInput {
        AttestationInput(
            cluster: "prod",
            snapshotRef: AttestationSnapshotRef(id: snapshotID, sha256: String(repeating: "ab", count: 32), uploadedAt: now, cluster: "prod"),
            snapshot: snapshot,
            agents: agents,
            generatedAt: generatedAt,
            wardenVersion: "0.1.0",
            auditPolicies: auditPolicies
        )
    }

    static func report(_ yaml: String, agents: [AttestationAgentInput] = [agentInput()], generatedAt: Date = now) throws -> AttestationReport {
        AttestationBuilder.build(input(try snapshot(yaml), agents: agents, generatedAt: generatedAt))
    }

    static func fixtureBytes(_ name: String) throws -> [UInt8] { try SnapshotFixtureFiles.bytes(name) }
}

extension AttestationReport {
    func findings(_ id: String) -> [AttestationFinding] { allFindings.filter { $0.id == id } }
}
