import Foundation
import WardenCore
import WardenStore

/// Proposing, approving and rejecting the versions of an agent's approved permissions.
public struct Baselines: Sendable {
    let stores: Stores
    let snapshots: Snapshots

    /// A version as people see it: its findings with the agent's exceptions in force now.
    public struct View: Sendable {
        public var baseline: Baseline
        public var findings: [Finding]
    }

    public func propose(agentID: Int64, content: BaselineContent, context: ChangeContext) async throws -> View {
        let agent = try await stores.agents.get(id: agentID)
        let findings = try await ProposalGuardrails(snapshots: snapshots).findings(content, agent: agent)
        let record = try await stores.baselines.propose(agentID: agent.id, content: content, findings: findings, context: context)
        return try await view(record)
    }

    /// Approves as `approver`, who must not be the proposer (`Identity`: under no name that is the
    /// same once normalised, nor through a token the proposer created, nor the other way round);
    /// critical findings that no exception covers (the proposer's own exceptions do not count)
    /// need `acceptRisk` and a reason.
    public func approve(
        agentID: Int64,
        version: Int,
        acceptRisk: Bool,
        reason: String?,
        by approver: Principal,
        context: ChangeContext
    ) async throws -> View {
        try await decide(agentID: agentID, version: version, .approve(acceptRisk: acceptRisk), reason: reason, by: approver, context: context)
    }

    public func reject(agentID: Int64, version: Int, reason: String, by decider: Principal, context: ChangeContext) async throws -> View {
        guard !reason.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else {
            throw ValidationError(pointer: "/reason", detail: "must say why the version is rejected")
        }
        return try await decide(agentID: agentID, version: version, .reject, reason: reason, by: decider, context: context)
    }

    private func decide(
        agentID: Int64,
        version: Int,
        _ kind: BaselineDecision.Kind,
        reason: String?,
        by decider: Principal,
        context: ChangeContext
    ) async throws -> View {
        let exceptions = try await stores.exceptions.list(agentID: agentID)
        let decision = BaselineDecision(
            kind: kind,
            decider: decider.attribution,
            reason: reason,
            exceptions: exceptions,
            at: stores.clock.now()
        )
        let record = try await stores.baselines.decide(agentID: agentID, version: version, decision: decision, context: context)
        return View(baseline: record.baseline, findings: record.findings(exceptions: exceptions.map(\.exception), now: decision.at))
    }

    /// Newest first.
    public func list(agentID: Int64) async throws -> [View] {
        _ = try await stores.agents.get(id: agentID)
        let records = try await stores.baselines.list(agentID: agentID)
        let exceptions = try await stores.exceptions.list(agentID: agentID).map(\.exception)
        let now = stores.clock.now()
        return records.map { View(baseline: $0.baseline, findings: $0.findings(exceptions: exceptions, now: now)) }
    }

    public func get(agentID: Int64, version: Int) async throws -> View {
        try await view(try await stores.baselines.get(agentID: agentID, version: version))
    }

    /// The approved version in force.
    public func current(agentID: Int64) async throws -> View {
        _ = try await stores.agents.get(id: agentID)
        guard let record = try await stores.baselines.current(agentID: agentID) else {
            throw UseCaseError.notFound("agent \(agentID) has no approved baseline")
        }
        return try await view(record)
    }

    /// Role and RoleBinding manifests that grant exactly the approved version, as YAML.
    public func manifests(agentID: Int64) async throws -> String {
        let agent = try await stores.agents.get(id: agentID)
        guard let record = try await stores.baselines.current(agentID: agent.id) else {
            throw UseCaseError.notFound("agent \(agent.id) has no approved baseline to generate manifests from")
        }
        do {
            return try LeastPrivilegeManifests.yaml(agent: agent.fields, baseline: record.baseline)
        } catch let refusal as LeastPrivilegeManifests.Refusal {
            throw UseCaseError.conflict(refusal.description)
        }
    }

    private func view(_ record: BaselineRecord) async throws -> View {
        let exceptions = try await stores.exceptions.list(agentID: record.baseline.agentID).map(\.exception)
        return View(baseline: record.baseline, findings: record.findings(exceptions: exceptions, now: stores.clock.now()))
    }
}
