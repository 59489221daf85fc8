import Foundation
import WardenCore
import WardenStore

/// Everything the report builder needs about a cluster's registered agents, in a few queries.
struct AttestationInputCollector: Sendable {
    let stores: Stores
    let snapshots: Snapshots

    func input(cluster: String, snapshot record: SnapshotRecord, at now: Date) async throws -> AttestationInput {
        let parsed = try await snapshots.parsed(id: record.id)
        let agents = try await stores.agents.active(cluster: cluster)
        let ids = agents.map(\.id)
        let approved = try await stores.baselines.current(agentIDs: ids)
        let exceptions = try await stores.exceptions.list(agentIDs: ids)
        let reviewRecords = try await stores.reviews.reviewRecords(agentIDs: ids)
        let policy = try await stores.reviews.policy()
        let agentInputs = agents.map { agent in
            AttestationAgentInput(
                agent: agent,
                baseline: approved[agent.id]?.baseline,
                exceptions: (exceptions[agent.id] ?? []).map(\.exception),
                review: Self.reviewState(agent, record: reviewRecords[agent.id], policy: policy, now: now)
            )
        }
        return AttestationInput(
            cluster: cluster,
            snapshotRef: AttestationSnapshotRef(
                id: record.id,
                sha256: String(record.digest.dropFirst("sha256:".count)),
                uploadedAt: record.createdAt,
                cluster: cluster
            ),
            snapshot: parsed.snapshot,
            authorizer: parsed.authorizer,
            agents: agentInputs,
            generatedAt: now,
            wardenVersion: WardenVersion.string
        )
    }

    static func reviewState(_ agent: Agent, record: ReviewStore.AgentReviewRecord?, policy: ReviewPolicy, now: Date) -> AgentReviewState {
        let standing = ReviewSchedule.standing(
            nextReviewDue: agent.fields.nextReviewDue,
            openReviewDue: record?.openReviewDue,
            now: now,
            policy: policy
        )
        return AgentReviewState(
            standing: standing,
            nextReviewDue: record?.openReviewDue ?? agent.fields.nextReviewDue,
            lastReviewedAt: record?.lastDecidedAt,
            lastDecision: record?.lastDecision?.rawValue,
            openReviewID: record?.openReviewID
        )
    }
}
