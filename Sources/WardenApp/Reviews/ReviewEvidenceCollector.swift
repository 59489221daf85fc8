import WardenCore
import WardenStore

/// What a review of an agent covers, kept with the review: its approved baseline and, where its
/// cluster has a snapshot, the permissions its ServiceAccount holds there.
struct ReviewEvidenceCollector: Sendable {
    let baselines: BaselineStore
    let snapshots: Snapshots

    func evidence(for agent: Agent) async throws -> ReviewEvidence {
        let baseline = try await baselines.current(agentID: agent.id)?.baseline
        guard let latest = try await snapshots.latestParsed(cluster: agent.fields.cluster) else {
            return ReviewEvidence(baseline: baseline, snapshot: nil, effectivePermissions: nil)
        }
        let permissions = latest.authorizer.effectivePermissions(
            of: ServiceAccountIdentity(namespace: agent.fields.namespace, name: agent.fields.serviceAccount)
        )
        return ReviewEvidence(
            baseline: baseline,
            snapshot: .init(id: latest.record.id, digest: latest.record.digest, uploadedAt: latest.record.createdAt),
            effectivePermissions: permissions
        )
    }
}
