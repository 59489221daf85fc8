import Foundation
import OpenAPIRuntime
import WardenCore
import WardenStore

extension WardenAPI {
    func getReviewPolicy(_ input: Operations.GetReviewPolicy.Input) async throws -> Operations.GetReviewPolicy.Output {
        .ok(.init(body: .json(Self.schema(try await reviews.policy()))))
    }

    func updateReviewPolicy(_ input: Operations.UpdateReviewPolicy.Input) async throws -> Operations.UpdateReviewPolicy.Output {
        guard case .json(let body) = input.body else { throw Problem.unsupportedMediaType("send application/json") }
        let policy = ReviewPolicy(
            intervalDays: TierIntervals(
                critical: body.intervalDays.critical, high: body.intervalDays.high, medium: body.intervalDays.medium,
                low: body.intervalDays.low),
            reminderOffsetsDays: body.reminderOffsetsDays, overdueRepeatDays: body.overdueRepeatDays,
            escalateAfterDays: body.escalateAfterDays, noResponse: body.noResponse == .suspend ? .suspend : .noChange)
        try policy.validate()
        let stored = try await reviews.setPolicy(policy, context: RequestScope.current.changeContext)
        return .ok(.init(body: .json(Self.schema(stored))))
    }

    func openReview(_ input: Operations.OpenReview.Input) async throws -> Operations.OpenReview.Output {
        let agent = try await agents.get(id: input.path.id)
        guard agent.fields.status != .retired else { throw Problem.conflict("agent \(agent.id) is retired") }
        let evidence = try await context.evidence(for: agent)
        guard case .opened(let review) = try await reviews.open(
            agentID: agent.id, trigger: .onDemand, evidence: evidence, context: RequestScope.current.changeContext)
        else { throw Problem.conflict("agent \(agent.id) already has an open review") }
        return .created(.init(headers: .init(location: "/v1/reviews/\(review.id)"), body: .json(Self.schema(review, now: clock.now()))))
    }

    func listReviews(_ input: Operations.ListReviews.Input) async throws -> Operations.ListReviews.Output {
        let query = input.query
        let filter = ReviewStore.Filter(
            status: query.status.flatMap { ReviewStore.StatusFilter(rawValue: $0.rawValue) }, agentID: query.agentId,
            reviewer: query.reviewer)
        let now = clock.now()
        if Self.prefersCSV(input.headers.accept) {
            return .ok(.init(body: .csv(HTTPBody(try await reviewHistoryCSV(filter, now: now)))))
        }
        let limit = try Cursor.limit(query.limit)
        let after = try Cursor.decode(query.cursor) ?? 0
        let page = try await reviews.list(filter, afterID: after, limit: limit + 1)
        let (items, next) = Cursor.page(page, limit: limit, id: \.id)
        return .ok(.init(body: .json(.init(items: items.map { Self.schema($0, now: now) }, nextCursor: next))))
    }

    func getReview(_ input: Operations.GetReview.Input) async throws -> Operations.GetReview.Output {
        .ok(.init(body: .json(Self.schema(try await reviews.get(id: input.path.reviewId), now: clock.now()))))
    }

    func decideReview(_ input: Operations.DecideReview.Input) async throws -> Operations.DecideReview.Output {
        guard case .json(let body) = input.body else { throw Problem.unsupportedMediaType("send application/json") }
        let decision = ReviewDecisionKind(rawValue: body.decision.rawValue) ?? .certify
        try ReviewDecisionRules.validate(decision: decision, notes: body.notes, hasBaseline: body.baseline != nil)
        let review = try await reviews.get(id: input.path.reviewId)
        var proposal: (content: BaselineContent, findingsJSON: String)?
        if let proposed = body.baseline {
            let agent = try await agents.get(id: review.agentID)
            let content = BaselineContent(
                grants: proposed.grants.map { BaselineGrant(namespace: $0.namespace, rules: $0.rules.map(Self.policyRule)) },
                expectations: Self.expectations(podSecurity: proposed.podSecurity, egress: proposed.egress),
                justification: proposed.justification)
            do {
                try content.validate()
            } catch {
                throw Problem.validation(ValidationError(error.issues.map { FieldIssue(pointer: "/baseline" + $0.pointer, detail: $0.detail) }))
            }
            let findings = try await GuardrailEvaluation.baselineFindings(content, agent: agent.fields, snapshot: latestSnapshot(of: agent))
            proposal = (content, try Self.json(findings))
        }
        let scope = RequestScope.current
        let decided = try await reviews.decide(
            reviewID: review.id, input: .init(decision: decision, notes: body.notes, proposal: proposal), context: scope.changeContext
        ) { review, agent in
            do throws(ReviewDecisionRules.Refusal) {
                try ReviewDecisionRules.check(review: review, reviewer: scope.changeContext.actor, owner: agent.fields.owner)
            } catch {
                throw Self.problem(error)
            }
        }
        return .ok(.init(body: .json(Self.schema(decided.review, now: clock.now()))))
    }

    static func problem(_ refusal: ReviewDecisionRules.Refusal) -> Problem {
        switch refusal {
        case .alreadyDecided(let decision):
            return .conflict("this review was decided (\(decision.rawValue)); a decision never changes, open a new review instead")
        case .reviewerIsOwner(let name):
            return Problem(
                status: .forbidden, slug: "four-eyes", title: "Four eyes are required",
                detail: "\(name) owns this agent, so someone else must review it")
        }
    }

    /// Every matching review as CSV, oldest first.
    func reviewHistoryCSV(_ filter: ReviewStore.Filter, now: Date) async throws -> String {
        var out = CSV.row([
            "review_id", "agent_id", "agent_name", "cluster", "namespace", "service_account", "owner", "risk_tier", "status",
            "overdue", "trigger", "opened_by", "opened_at", "due_at", "decision", "reviewer", "decided_at", "notes",
            "baseline_version", "baseline_digest", "snapshot_id", "escalated_at", "suspended_at",
        ])
        var names: [Int64: Agent] = [:]
        var after: Int64 = 0
        while true {
            let page = try await reviews.list(filter, afterID: after, limit: 500)
            for review in page {
                if names[review.agentID] == nil { names[review.agentID] = try await agents.get(id: review.agentID) }
                let agent = names[review.agentID]
                func time(_ date: Date?) -> String { date.map(RFC3339.string(from:)) ?? "" }
                out += CSV.row([
                    String(review.id), String(review.agentID), agent?.fields.name ?? "", agent?.fields.cluster ?? "",
                    agent?.fields.namespace ?? "", agent?.fields.serviceAccount ?? "", agent?.fields.owner ?? "",
                    agent?.fields.riskTier.rawValue ?? "", review.status.rawValue, review.isOverdue(at: now) ? "true" : "false",
                    review.trigger.rawValue, review.openedBy, time(review.openedAt), time(review.dueAt),
                    review.decision?.decision.rawValue ?? "", review.decision?.reviewer ?? "", time(review.decision?.decidedAt),
                    review.decision?.notes ?? "", review.evidence.baseline.map { String($0.version) } ?? "",
                    review.evidence.baseline?.digest ?? "", review.evidence.snapshot.map { String($0.id) } ?? "",
                    time(review.escalatedAt), time(review.suspendedAt),
                ])
            }
            guard page.count == 500, let last = page.last else { return out }
            after = last.id
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
                critical: policy.intervalDays.critical, high: policy.intervalDays.high, medium: policy.intervalDays.medium,
                low: policy.intervalDays.low),
            reminderOffsetsDays: policy.reminderOffsetsDays, overdueRepeatDays: policy.overdueRepeatDays,
            escalateAfterDays: policy.escalateAfterDays, noResponse: policy.noResponse == .suspend ? .suspend : .noChange)
    }

    static func schema(_ review: Review, now: Date) -> Components.Schemas.Review {
        let evidence = review.evidence
        let permissions = evidence.effectivePermissions.map { p in
            Components.Schemas.Permissions(
                user: p.user, groups: p.groups, implicitGroups: p.groups, clusterWide: p.clusterWide.map(Self.schema),
                namespaces: p.namespaces.map { .init(namespace: $0.namespace, bindings: $0.bindings.map(Self.schema)) })
        }
        return .init(
            id: review.id, agentId: review.agentID, status: review.status == .open ? .open : .completed,
            overdue: review.isOverdue(at: now), trigger: review.trigger == .schedule ? .schedule : .onDemand,
            openedBy: review.openedBy, openedAt: review.openedAt, dueAt: review.dueAt,
            evidence: .init(
                baseline: evidence.baseline.map { b in
                    .init(
                        version: b.version, digest: b.digest,
                        grants: b.content.grants.map { .init(namespace: $0.namespace, rules: $0.rules.map(Self.schema)) },
                        justification: b.content.justification, approvedBy: b.decidedBy, approvedAt: b.decidedAt)
                },
                snapshot: evidence.snapshot.map { .init(id: $0.id, digest: $0.digest, uploadedAt: $0.uploadedAt) },
                permissions: permissions),
            decision: review.decision.map { d in
                .init(
                    decision: .init(rawValue: d.decision.rawValue) ?? .certify, reviewer: d.reviewer, notes: d.notes, decidedAt: d.decidedAt,
                    proposedBaselineVersion: d.proposedBaselineVersion)
            },
            escalatedAt: review.escalatedAt, suspendedAt: review.suspendedAt)
    }
}
