import Foundation

/// What reviews do to their agents: the rules, as functions the store applies under its locks.
public enum ReviewConsequences {
    public struct Escalation: Sendable, Equatable {
        /// The review escalates now (it had not before).
        public var escalate: Bool
        /// The agent is suspended with it (policy `suspend`, and only an active agent).
        public var suspend: Bool
    }

    /// Escalating a review that nobody decided, by the no-response policy.
    public static func escalation(plan: ReviewPlan, review: Review, agentStatus: AgentStatus, policy: ReviewPolicy) -> Escalation {
        let escalate = plan.escalated && review.escalatedAt == nil
        return Escalation(escalate: escalate, suspend: escalate && policy.noResponse == .suspend && agentStatus == .active)
    }

    public struct AfterDecision: Sendable, Equatable {
        /// The next review follows from the decision's date.
        public var nextReviewDue: Date
        /// A revoke suspends an agent that is not retired (one already suspended stays so), and
        /// the review becomes the suspension's cause: reactivating it then needs a second person.
        public var suspend: Bool
    }

    public static func afterDecision(_ decision: ReviewDecisionKind, agent: AgentFields, at now: Date, policy: ReviewPolicy) -> AfterDecision {
        AfterDecision(
            nextReviewDue: ReviewSchedule.nextDue(after: now, tier: agent.riskTier, override: agent.reviewIntervalDays, policy: policy),
            suspend: decision == .revoke && agent.status != .retired
        )
    }
}
