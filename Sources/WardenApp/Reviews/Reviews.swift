import Foundation
import WardenCore
import WardenStore

/// Periodic access reviews: the policy, opening a review with its evidence, and deciding it.
public struct Reviews: Sendable {
    let stores: Stores
    let evidence: ReviewEvidenceCollector
    let snapshots: Snapshots

    public func policy() async throws -> ReviewPolicy {
        try await stores.reviews.policy()
    }

    public func setPolicy(_ policy: ReviewPolicy, context: ChangeContext) async throws -> ReviewPolicy {
        try policy.validate()
        return try await stores.reviews.setPolicy(policy, context: context)
    }

    /// Opens a review now, whatever the calendar says.
    public func open(agentID: Int64, context: ChangeContext) async throws -> Review {
        let agent = try await stores.agents.get(id: agentID)
        guard agent.fields.status != .retired else { throw UseCaseError.conflict("agent \(agent.id) is retired") }
        let evidence = try await evidence.evidence(for: agent)
        guard case .opened(let review) = try await stores.reviews.open(agentID: agent.id, trigger: .onDemand, evidence: evidence, context: context)
        else { throw UseCaseError.conflict("agent \(agent.id) already has an open review") }
        return review
    }

    /// Decides an open review as the context's actor; a `modify` carries the version it proposes.
    public func decide(
        reviewID: Int64,
        decision: ReviewDecisionKind,
        notes: String?,
        baseline: BaselineContent?,
        context: ChangeContext
    ) async throws -> Review {
        try ReviewDecisionRules.validate(decision: decision, notes: notes, hasBaseline: baseline != nil)
        let review = try await stores.reviews.get(id: reviewID)
        var proposal: (content: BaselineContent, findings: [Finding])?
        if let baseline {
            proposal = (baseline, try await proposalFindings(baseline, agentID: review.agentID))
        }
        let decided = try await stores.reviews.decide(
            reviewID: review.id,
            input: .init(decision: decision, notes: notes, proposal: proposal),
            context: context
        )
        return decided.review
    }

    /// The proposal's findings; its validation errors point into the decision's `/baseline`.
    private func proposalFindings(_ content: BaselineContent, agentID: Int64) async throws -> [Finding] {
        let agent = try await stores.agents.get(id: agentID)
        do {
            try content.validate()
        } catch {
            throw ValidationError(error.issues.map { FieldIssue(pointer: "/baseline" + $0.pointer, detail: $0.detail) })
        }
        return try await ProposalGuardrails(snapshots: snapshots).findings(content, agent: agent)
    }

    /// Oldest first; `afterID` is the cursor.
    public func list(_ filter: ReviewStore.Filter, afterID: Int64, limit: Int) async throws -> [Review] {
        try await stores.reviews.list(filter, afterID: afterID, limit: limit)
    }

    public func get(id: Int64) async throws -> Review {
        try await stores.reviews.get(id: id)
    }

    /// Every matching review as CSV, oldest first, with its agent's registration.
    public func historyCSV(_ filter: ReviewStore.Filter, now: Date) async throws -> String {
        var out = ReviewHistoryCSV.header
        var agents: [Int64: Agent] = [:]
        var after: Int64 = 0
        while true {
            let page = try await stores.reviews.list(filter, afterID: after, limit: 500)
            for review in page {
                if agents[review.agentID] == nil { agents[review.agentID] = try await stores.agents.get(id: review.agentID) }
                out += ReviewHistoryCSV.row(review, agent: agents[review.agentID], now: now)
            }
            guard page.count == 500, let last = page.last else { return out }
            after = last.id
        }
    }
}
