import Foundation

/// The JSON body of a webhook delivery. Built once when the notice is queued, so every retry
/// sends the same bytes under the same delivery id.
public struct NotificationPayload: Sendable, Hashable, Codable {
    public struct ReviewSummary: Sendable, Hashable, Codable {
        public var id: Int64
        public var status: ReviewStatus
        public var dueAt: Date
        public var overdue: Bool
        public var decision: ReviewDecisionKind?
        public var reviewer: String?

        public init(id: Int64, status: ReviewStatus, dueAt: Date, overdue: Bool, decision: ReviewDecisionKind?, reviewer: String?) {
            self.id = id
            self.status = status
            self.dueAt = dueAt
            self.overdue = overdue
            self.decision = decision
            self.reviewer = reviewer
        }
    }

    public struct AgentSummary: Sendable, Hashable, Codable {
        public var id: Int64
        public var name: String
        public var cluster: String
        public var namespace: String
        public var serviceAccount: String
        public var owner: String
        public var riskTier: RiskTier
        public var status: AgentStatus

        public init(_ agent: Agent) {
            id = agent.id
            name = agent.fields.name
            cluster = agent.fields.cluster
            namespace = agent.fields.namespace
            serviceAccount = agent.fields.serviceAccount
            owner = agent.fields.owner
            riskTier = agent.fields.riskTier
            status = agent.fields.status
        }
    }

    public var deliveryId: String
    public var event: NotificationEvent
    /// Which notice of the review this is (`reminder:7`, `overdue:2`, `escalated`, ...).
    public var notice: String
    public var occurredAt: Date
    /// Who should act: the owner, or for an escalation the agent's escalation contact.
    public var recipient: String
    public var review: ReviewSummary
    public var agent: AgentSummary

    public init(
        deliveryId: String,
        event: NotificationEvent,
        notice: String,
        occurredAt: Date,
        recipient: String,
        review: ReviewSummary,
        agent: AgentSummary
    ) {
        self.deliveryId = deliveryId
        self.event = event
        self.notice = notice
        self.occurredAt = occurredAt
        self.recipient = recipient
        self.review = review
        self.agent = agent
    }

    public static func recipient(for event: NotificationEvent, agent: Agent) -> String {
        event == .reviewEscalated ? agent.fields.escalationRecipient : agent.fields.owner
    }
}
