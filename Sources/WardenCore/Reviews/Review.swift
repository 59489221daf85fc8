import Foundation

public enum ReviewStatus: String, Sendable, Hashable, Codable, CaseIterable {
    case open, completed
}

public enum ReviewTrigger: String, Sendable, Hashable, Codable {
    /// Opened by the scheduler as the due date came near.
    case schedule
    /// Opened by someone with POST /v1/agents/{id}/reviews.
    case onDemand = "on_demand"
}

public enum ReviewDecisionKind: String, Sendable, Hashable, Codable, CaseIterable {
    /// The agent keeps exactly what it has.
    case certify
    /// The agent is suspended; a finding stands until its bindings are gone from the cluster.
    case revoke
    /// A new baseline is proposed (and needs approval by someone else).
    case modify
}

/// What was under review, kept with the review so the decision can be judged later on what
/// the reviewer actually saw.
public struct ReviewEvidence: Sendable, Hashable, Codable {
    public struct SnapshotReference: Sendable, Hashable, Codable {
        public var id: Int64
        public var digest: String
        public var uploadedAt: Date

        public init(id: Int64, digest: String, uploadedAt: Date) {
            self.id = id
            self.digest = digest
            self.uploadedAt = uploadedAt
        }
    }

    public var baseline: Baseline?
    public var snapshot: SnapshotReference?
    public var effectivePermissions: EffectivePermissions?

    public init(baseline: Baseline?, snapshot: SnapshotReference?, effectivePermissions: EffectivePermissions?) {
        self.baseline = baseline
        self.snapshot = snapshot
        self.effectivePermissions = effectivePermissions
    }
}

public struct ReviewDecision: Sendable, Hashable, Codable {
    public var decision: ReviewDecisionKind
    public var reviewer: String
    public var notes: String?
    public var decidedAt: Date
    /// The baseline version a `modify` proposed.
    public var proposedBaselineVersion: Int?

    public init(decision: ReviewDecisionKind, reviewer: String, notes: String?, decidedAt: Date, proposedBaselineVersion: Int?) {
        self.decision = decision
        self.reviewer = reviewer
        self.notes = notes
        self.decidedAt = decidedAt
        self.proposedBaselineVersion = proposedBaselineVersion
    }
}

public struct Review: Sendable, Hashable, Codable {
    public var id: Int64
    public var agentID: Int64
    public var status: ReviewStatus
    public var trigger: ReviewTrigger
    public var openedBy: String
    public var openedAt: Date
    public var dueAt: Date
    public var evidence: ReviewEvidence
    public var decision: ReviewDecision?
    /// When the review was escalated for want of a decision.
    public var escalatedAt: Date?
    /// When the agent was suspended because nobody decided (policy `suspend`).
    public var suspendedAt: Date?

    public init(
        id: Int64,
        agentID: Int64,
        status: ReviewStatus,
        trigger: ReviewTrigger,
        openedBy: String,
        openedAt: Date,
        dueAt: Date,
        evidence: ReviewEvidence,
        decision: ReviewDecision?,
        escalatedAt: Date?,
        suspendedAt: Date?
    ) {
        self.id = id
        self.agentID = agentID
        self.status = status
        self.trigger = trigger
        self.openedBy = openedBy
        self.openedAt = openedAt
        self.dueAt = dueAt
        self.evidence = evidence
        self.decision = decision
        self.escalatedAt = escalatedAt
        self.suspendedAt = suspendedAt
    }

    public func isOverdue(at now: Date) -> Bool { status == .open && now > dueAt }
}

/// The rules a decision must meet before anything is stored.
public enum ReviewDecisionRules {
    public enum Refusal: Error, Sendable, Equatable {
        case alreadyDecided(ReviewDecisionKind)
        /// Four eyes: the person who answers for the agent may not decide its review, under any
        /// name or through any token they created.
        case reviewerIsOwner(reviewer: String, owner: String, why: Identity.SamePerson)
    }

    /// Notes are required where the decision changes something; a `modify` carries its baseline.
    public static func validate(decision: ReviewDecisionKind, notes: String?, hasBaseline: Bool) throws(ValidationError) {
        var issues = IssueCollector()
        let trimmed = notes?.trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
        if decision != .certify && trimmed.isEmpty { issues.add("/notes", "is required when the decision is \(decision.rawValue)") }
        if let notes, notes.count > 10_000 { issues.add("/notes", "must be at most 10000 characters") }
        if decision == .modify && !hasBaseline { issues.add("/baseline", "is required when the decision is modify") }
        if decision != .modify && hasBaseline { issues.add("/baseline", "is only accepted when the decision is modify") }
        try issues.throwIfAny()
    }

    public static func check(review: Review, reviewer: Identity, owner: String) throws(Refusal) {
        if let decision = review.decision { throw .alreadyDecided(decision.decision) }
        if let why = reviewer.samePerson(asNamed: owner) { throw .reviewerIsOwner(reviewer: reviewer.name, owner: owner, why: why) }
    }
}
