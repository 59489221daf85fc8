import WardenCore

/// The guardrail findings a proposed version is recorded with, whether it comes from
/// `POST .../baselines` or from a review's `modify` decision.
struct ProposalGuardrails: Sendable {
    let snapshots: Snapshots

    /// Validates the content, then checks it against the newest snapshot of the agent's cluster,
    /// whose ServiceAccounts tell what workload creation lets the agent become.
    func findings(_ content: BaselineContent, agent: Agent) async throws -> [Finding] {
        try content.validate()
        let snapshot = try await snapshots.latestParsed(cluster: agent.fields.cluster)?.snapshot
        return GuardrailEvaluation.baselineFindings(content, agent: agent.fields, snapshot: snapshot)
    }
}
