import Foundation
import OpenAPIRuntime
import WardenApp
import WardenCore
import WardenStore

extension WardenAPI {
    func getReviewPolicy(_ input: Operations.GetReviewPolicy.Input) async throws -> Operations.GetReviewPolicy.Output {
        .ok(.init(body: .json(Self.schema(try await app.reviews.policy()))))
    }

    func updateReviewPolicy(_ input: Operations.UpdateReviewPolicy.Input) async throws -> Operations.UpdateReviewPolicy.Output {
        guard case .json(let body) = input.body else { throw Problem.unsupportedMediaType("send application/json") }
        let policy = ReviewPolicy(
            intervalDays: TierIntervals(
                critical: body.intervalDays.critical,
                high: body.intervalDays.high,
                medium: body.intervalDays.medium,
                low: body.intervalDays.low
            ),
            reminderOffsetsDays: body.reminderOffsetsDays,
            overdueRepeatDays: body.overdueRepeatDays,
            escalateAfterDays: body.escalateAfterDays,
            noResponse: body.noResponse == .suspend ? .suspend : .noChange
        )
        let stored = try await app.reviews.setPolicy(policy, context: RequestScope.current.changeContext)
        return .ok(.init(body: .json(Self.schema(stored))))
    }

    func openReview(_ input: Operations.OpenReview.Input) async throws -> Operations.OpenReview.Output {
        let review = try await app.reviews.open(agentID: input.path.id, context: RequestScope.current.changeContext)
        return .created(.init(headers: .init(location: "/v1/reviews/\(review.id)"), body: .json(Self.schema(review, now: now))))
    }

    func listReviews(_ input: Operations.ListReviews.Input) async throws -> Operations.ListReviews.Output {
        let query = input.query
        let filter = ReviewStore.Filter(
            status: query.status.flatMap { ReviewStore.StatusFilter(rawValue: $0.rawValue) },
            agentID: query.agentId,
            reviewer: query.reviewer
        )
        let now = self.now
        if Self.prefersCSV(input.headers.accept) {
            return .ok(.init(body: .csv(HTTPBody(try await app.reviews.historyCSV(filter, now: now)))))
        }
        let limit = try Cursor.limit(query.limit)
        let after = try Cursor.decode(query.cursor) ?? 0
        let page = try await app.reviews.list(filter, afterID: after, limit: limit + 1)
        let (items, next) = Cursor.page(page, limit: limit, id: \.id)
        return .ok(.init(body: .json(.init(items: items.map { Self.schema($0, now: now) }, nextCursor: next))))
    }

    func getReview(_ input: Operations.GetReview.Input) async throws -> Operations.GetReview.Output {
        .ok(.init(body: .json(Self.schema(try await app.reviews.get(id: input.path.reviewId), now: now))))
    }

    func decideReview(_ input: Operations.DecideReview.Input) async throws -> Operations.DecideReview.Output {
        guard case .json(let body) = input.body else { throw Problem.unsupportedMediaType("send application/json") }
        let decision = ReviewDecisionKind(rawValue: body.decision.rawValue) ?? .certify
        let baseline = body.baseline.map { proposed in
            BaselineContent(
                grants: proposed.grants.map { BaselineGrant(namespace: $0.namespace, rules: $0.rules.map(Self.policyRule)) },
                expectations: Self.expectations(podSecurity: proposed.podSecurity, egress: proposed.egress),
                justification: proposed.justification
            )
        }
        let review = try await app.reviews.decide(
            reviewID: input.path.reviewId,
            decision: decision,
            notes: body.notes,
            baseline: baseline,
            context: RequestScope.current.changeContext
        )
        return .ok(.init(body: .json(Self.schema(review, now: now))))
    }

    static func problem(_ refusal: ReviewDecisionRules.Refusal) -> Problem {
        switch refusal {
        case .alreadyDecided(let decision):
            return .conflict("this review was decided (\(decision.rawValue)); a decision never changes, open a new review instead")
        case .reviewerIsOwner(let reviewer, let owner, let why):
            return Problem(
                status: .forbidden,
                slug: "four-eyes",
                title: "Four eyes are required",
                detail: "\(owner) owns this agent, \(Self.sameAs(reviewer, owner, why))so someone else must review it"
            )
        }
    }

    /// Whether the client asked for CSV over JSON: text/csv named and JSON not, or with a lower quality.
    /// No Accept (or */*) is JSON.
    static func prefersCSV(_ accept: [AcceptHeaderContentType<Operations.ListReviews.AcceptableContentType>]) -> Bool {
        let csv = accept.filter { $0.contentType == .csv }.map(\.quality.doubleValue).max()
        let json = accept.filter { $0.contentType == .json }.map(\.quality.doubleValue).max()
        guard let csv, csv > 0 else { return false }
        return json.map { csv > $0 } ?? true
    }

    static func schema(_ policy: ReviewPolicy) -> Components.Schemas.ReviewPolicy {
        .init(
            intervalDays: .init(
                critical: policy.intervalDays.critical,
                high: policy.intervalDays.high,
                medium: policy.intervalDays.medium,
                low: policy.intervalDays.low
            ),
            reminderOffsetsDays: policy.reminderOffsetsDays,
            overdueRepeatDays: policy.overdueRepeatDays,
            escalateAfterDays: policy.escalateAfterDays,
            noResponse: policy.noResponse == .suspend ? .suspend : .noChange
        )
    }

    static func schema(_ review: Review, now: Date) -> Components.Schemas.Review {
        let evidence = review.evidence
        let permissions = evidence.effectivePermissions.map { p in
            Components.Schemas.Permissions(
                user: p.user,
                groups: p.groups,
                implicitGroups: p.groups,
                clusterWide: p.clusterWide.map(Self.schema),
                namespaces: p.namespaces.map { .init(namespace: $0.namespace, bindings: $0.bindings.map(Self.schema)) }
            )
        }
        return .init(
            id: review.id,
            agentId: review.agentID,
            status: review.status == .open ? .open : .completed,
            overdue: review.isOverdue(at: now),
            trigger: review.trigger == .schedule ? .schedule : .onDemand,
            openedBy: review.openedBy,
            openedAt: review.openedAt,
            dueAt: review.dueAt,
            evidence: .init(
                baseline: evidence.baseline.map { b in
                    .init(
                        version: b.version,
                        digest: b.digest,
                        grants: b.content.grants.map { .init(namespace: $0.namespace, rules: $0.rules.map(Self.schema)) },
                        justification: b.content.justification,
                        approvedBy: b.decidedBy,
                        approvedAt: b.decidedAt
                    )
                },
                snapshot: evidence.snapshot.map { .init(id: $0.id, digest: $0.digest, uploadedAt: $0.uploadedAt) },
                permissions: permissions
            ),
            decision: review.decision.map { d in
                .init(
                    decision: .init(rawValue: d.decision.rawValue) ?? .certify,
                    reviewer: d.reviewer,
                    notes: d.notes,
                    decidedAt: d.decidedAt,
                    proposedBaselineVersion: d.proposedBaselineVersion
                )
            },
            escalatedAt: review.escalatedAt,
            suspendedAt: review.suspendedAt
        )
    }
}
